/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcTrendChart: a small chart of one vital sign over the consultation: points joined
 * by a line, one or two series (systolic and diastolic), an optional shaded band for
 * the usual range. Its accessible description lists the values, so a screen reader
 * tells what the picture shows. Pure GTK. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TC_TYPE_TREND_CHART (tc_trend_chart_get_type ())
G_DECLARE_FINAL_TYPE (TcTrendChart, tc_trend_chart, TC, TREND_CHART, GtkWidget)

/* At most this many points are kept (the oldest go first). */
#define TC_TREND_CHART_MAX_POINTS 200

GtkWidget  *tc_trend_chart_new             (void);
/* @time_s: any monotonic scale in seconds (e.g. Unix time); @second: NAN for one series.
 * @label: how the value reads in words for the accessible description ("128/84 mmHg at 14:02"). */
void        tc_trend_chart_add_point       (TcTrendChart *self,
                                            double        time_s,
                                            double        value,
                                            double        second,
                                            const char   *label);
/* The usual range, drawn as a band; NAN for an open end; both NAN: no band. */
void        tc_trend_chart_set_band        (TcTrendChart *self,
                                            double        low,
                                            double        high);
void        tc_trend_chart_clear           (TcTrendChart *self);
guint       tc_trend_chart_get_n_points    (TcTrendChart *self);
/* The text given to assistive technologies (also the tooltip). */
const char *tc_trend_chart_get_description (TcTrendChart *self);

G_END_DECLS
