/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A pretend medical device for demos and tests. It builds the real characteristic bytes a sensor
 * would send and runs them through the GATT parser, so a demo exercises the same path as hardware. */
#pragma once

#include <glib-object.h>

#include "tc-reading.h"

G_BEGIN_DECLS

#define TC_TYPE_SIMULATED_DEVICE (tc_simulated_device_get_type ())
G_DECLARE_FINAL_TYPE (TcSimulatedDevice, tc_simulated_device, TC, SIMULATED_DEVICE, GObject)

/* Signals: "reading" (TcReading *: valid during the emission only, copy it to keep it),
 *          "error" (GError *).
 * Values, in this order, per kind (defaults in brackets):
 *   BLOOD_PRESSURE   systolic, diastolic mmHg, pulse /min   [120, 80, 72]  (MAP sent as NaN, as cuffs do)
 *   CUFF_PRESSURE    cuff pressure mmHg                     [150]
 *   BODY_TEMPERATURE temperature °C                         [36.8]
 *   HEART_RATE       heart rate /min                        [72]
 *   SPO2             SpO2 %, pulse /min                     [98, 72]
 *   GLUCOSE          glucose mg/dL                          [95]
 *   BODY_WEIGHT      weight kg                              [70.5]
 */
TcSimulatedDevice *tc_simulated_device_new         (TcReadingKind       kind);
TcReadingKind      tc_simulated_device_get_kind    (TcSimulatedDevice  *self);
gboolean           tc_simulated_device_set_values  (TcSimulatedDevice  *self,
                                                    const double       *values,
                                                    guint               n_values,
                                                    GError            **error);
/* 0 (default): only on tc_simulated_device_trigger(). */
void               tc_simulated_device_set_interval (TcSimulatedDevice *self,
                                                     guint              interval_ms);
guint              tc_simulated_device_get_interval (TcSimulatedDevice *self);
/* Adds ±`amount` of random variation to each value (0 = exact). */
void               tc_simulated_device_set_jitter  (TcSimulatedDevice  *self,
                                                    double              amount);
void               tc_simulated_device_start       (TcSimulatedDevice  *self);
void               tc_simulated_device_stop        (TcSimulatedDevice  *self);
gboolean           tc_simulated_device_is_running  (TcSimulatedDevice  *self);
/* Takes one measurement now: emits "reading" (or "error") and returns the reading (transfer full). */
TcReading         *tc_simulated_device_trigger     (TcSimulatedDevice  *self,
                                                    GError            **error);
/* The characteristic value bytes of the last measurement (NULL before the first). */
GBytes            *tc_simulated_device_get_last_value (TcSimulatedDevice *self);
guint16            tc_simulated_device_get_characteristic (TcSimulatedDevice *self);

G_END_DECLS
