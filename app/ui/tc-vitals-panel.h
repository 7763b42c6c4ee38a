/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcVitalsPanel: the practitioner's view of the patient's device readings during a call.
 * Per kind (blood pressure, heart rate, SpO2, temperature, weight, glucose): the latest
 * value with its unit, time and status flags in words, a trend chart over the
 * consultation, and values outside the usual ranges (GSettings range-* keys) marked by
 * colour, an icon and words. A view: the window feeds it readings. */
#pragma once

#include <adwaita.h>

#include "tc-reading.h"
#include "tc-trend-chart.h"

G_BEGIN_DECLS

#define TC_TYPE_VITALS_PANEL (tc_vitals_panel_get_type ())
G_DECLARE_FINAL_TYPE (TcVitalsPanel, tc_vitals_panel, TC, VITALS_PANEL, AdwBin)

GtkWidget    *tc_vitals_panel_new              (void);
/* Ranges from @settings (the app's schema: range-systolic, range-diastolic, range-heart-rate,
 * range-spo2, range-temperature, range-glucose), followed as they change. NULL: defaults. */
void          tc_vitals_panel_set_settings     (TcVitalsPanel   *self,
                                                GSettings       *settings);
void          tc_vitals_panel_add_reading      (TcVitalsPanel   *self,
                                                const TcReading *reading);
void          tc_vitals_panel_clear            (TcVitalsPanel   *self);

/* What the panel shows for @kind (NULL / 0 / FALSE before its first reading). */
const char   *tc_vitals_panel_get_value_text   (TcVitalsPanel   *self,
                                                TcReadingKind    kind);
const char   *tc_vitals_panel_get_flags_text   (TcVitalsPanel   *self,
                                                TcReadingKind    kind);
const char   *tc_vitals_panel_get_range_text   (TcVitalsPanel   *self,
                                                TcReadingKind    kind);
gboolean      tc_vitals_panel_is_out_of_range  (TcVitalsPanel   *self,
                                                TcReadingKind    kind);
TcTrendChart *tc_vitals_panel_get_chart        (TcVitalsPanel   *self,
                                                TcReadingKind    kind);

/* Shared with the patient's devices panel: the kind in words ("Blood pressure"), and the
 * reading's value in words with its unit ("128/84 mmHg"; "no value (device could not measure)"). */
const char   *tc_vitals_kind_name              (TcReadingKind    kind);
char         *tc_vitals_format_value           (const TcReading *reading);

G_END_DECLS
