/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-trend-chart"

#include "config.h"

#include "tc-trend-chart.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#define PAD 8.0
#define DOT 3.5

typedef struct {
  double time_s;
  double value;
  double second;
  char  *label;
} Point;

struct _TcTrendChart {
  GtkWidget  parent_instance;

  GArray    *points;   /* Point */
  double     band_low;
  double     band_high;
  char      *description;
};

G_DEFINE_FINAL_TYPE (TcTrendChart, tc_trend_chart, GTK_TYPE_WIDGET)

static void
clear_point (gpointer data)
{
  Point *p = data;

  g_free (p->label);
}

static void
update_description (TcTrendChart *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->points->len == 0)
    g_string_append (text, _("No values yet."));
  else
    {
      /* Translators: start of the chart's description for screen readers; %u is a count */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "Trend of %u value: ", "Trend of %u values: ",
                                                 self->points->len),
                              self->points->len);
      for (guint i = 0; i < self->points->len; i++)
        {
          const Point *p = &g_array_index (self->points, Point, i);

          if (i > 0)
            g_string_append (text, "; ");
          g_string_append (text, p->label != NULL ? p->label : "");
        }
      g_string_append_c (text, '.');
    }
  g_free (self->description);
  self->description = g_string_free (g_steal_pointer (&text), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->description, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), self->description);
}

/* The y extent covers every value and the band, with a little air. */
static void
value_extent (TcTrendChart *self,
              double       *lo,
              double       *hi)
{
  double a = INFINITY, b = -INFINITY;

  for (guint i = 0; i < self->points->len; i++)
    {
      const Point *p = &g_array_index (self->points, Point, i);

      a = fmin (a, p->value);
      b = fmax (b, p->value);
      if (!isnan (p->second))
        {
          a = fmin (a, p->second);
          b = fmax (b, p->second);
        }
    }
  if (!isnan (self->band_low))
    a = fmin (a, self->band_low), b = fmax (b, self->band_low);
  if (!isnan (self->band_high))
    a = fmin (a, self->band_high), b = fmax (b, self->band_high);
  if (!isfinite (a) || !isfinite (b))
    a = 0, b = 1;
  if (b - a < 1e-6)
    a -= 1, b += 1;
  *lo = a - (b - a) * 0.1;
  *hi = b + (b - a) * 0.1;
}

static void
append_series (TcTrendChart *self,
               GtkSnapshot  *snapshot,
               gboolean      second,
               double        w,
               double        h,
               double        lo,
               double        hi,
               const GdkRGBA *color)
{
  double t0 = g_array_index (self->points, Point, 0).time_s;
  double t1 = g_array_index (self->points, Point, self->points->len - 1).time_s;
  double span = t1 - t0 > 0 ? t1 - t0 : 1;
  double px = NAN, py = NAN;
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));

  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, 2.0);
  for (guint i = 0; i < self->points->len; i++)
    {
      const Point *p = &g_array_index (self->points, Point, i);
      double v = second ? p->second : p->value;
      double x, y;

      if (isnan (v))
        continue;
      x = self->points->len == 1 ? w / 2 : PAD + (p->time_s - t0) / span * (w - 2 * PAD);
      y = PAD + (hi - v) / (hi - lo) * (h - 2 * PAD);
      if (!isnan (px))
        {
          cairo_move_to (cr, px, py);
          cairo_line_to (cr, x, y);
          cairo_stroke (cr);
        }
      cairo_arc (cr, x, y, DOT, 0, 2 * G_PI);
      cairo_fill (cr);
      px = x, py = y;
    }
  cairo_destroy (cr);
}

static void
tc_trend_chart_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  TcTrendChart *self = TC_TREND_CHART (widget);
  double w = gtk_widget_get_width (widget);
  double h = gtk_widget_get_height (widget);
  double lo, hi;
  GdkRGBA color, band, second;

  if (w <= 2 * PAD || h <= 2 * PAD)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  value_extent (self, &lo, &hi);

  if (!isnan (self->band_low) || !isnan (self->band_high))
    {
      double top = isnan (self->band_high) ? hi : self->band_high;
      double bottom = isnan (self->band_low) ? lo : self->band_low;
      double y0 = PAD + (hi - top) / (hi - lo) * (h - 2 * PAD);
      double y1 = PAD + (hi - bottom) / (hi - lo) * (h - 2 * PAD);

      band = (GdkRGBA) { 0.20, 0.60, 0.30, 0.15 };
      gtk_snapshot_append_color (snapshot, &band, &GRAPHENE_RECT_INIT (0, y0, w, MAX (y1 - y0, 1)));
    }
  if (self->points->len == 0)
    return;

  append_series (self, snapshot, FALSE, w, h, lo, hi, &color);
  second = color;
  second.alpha *= 0.55;
  append_series (self, snapshot, TRUE, w, h, lo, hi, &second);
}

static void
tc_trend_chart_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 120 : 56;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 280 : 64;
}

static void
tc_trend_chart_finalize (GObject *object)
{
  TcTrendChart *self = TC_TREND_CHART (object);

  g_clear_pointer (&self->points, g_array_unref);
  g_free (self->description);

  G_OBJECT_CLASS (tc_trend_chart_parent_class)->finalize (object);
}

static void
tc_trend_chart_class_init (TcTrendChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tc_trend_chart_finalize;
  widget_class->snapshot = tc_trend_chart_snapshot;
  widget_class->measure = tc_trend_chart_measure;
  gtk_widget_class_set_css_name (widget_class, "trendchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tc_trend_chart_init (TcTrendChart *self)
{
  self->points = g_array_new (FALSE, TRUE, sizeof (Point));
  g_array_set_clear_func (self->points, clear_point);
  self->band_low = NAN;
  self->band_high = NAN;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Trend"), -1);
  update_description (self);
}

GtkWidget *
tc_trend_chart_new (void)
{
  return g_object_new (TC_TYPE_TREND_CHART, NULL);
}

void
tc_trend_chart_add_point (TcTrendChart *self,
                          double        time_s,
                          double        value,
                          double        second,
                          const char   *label)
{
  Point p = { time_s, value, second, g_strdup (label) };
  guint at = self->points->len;

  g_return_if_fail (TC_IS_TREND_CHART (self));

  if (!isfinite (value) || !isfinite (time_s))
    {
      g_free (p.label);
      return;
    }
  if (self->points->len >= TC_TREND_CHART_MAX_POINTS)
    g_array_remove_index (self->points, 0);
  /* Readings may arrive out of order (a queue emptied after a cut): keep time order. */
  at = self->points->len;
  while (at > 0 && g_array_index (self->points, Point, at - 1).time_s > time_s)
    at--;
  g_array_insert_val (self->points, at, p);
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tc_trend_chart_set_band (TcTrendChart *self,
                         double        low,
                         double        high)
{
  g_return_if_fail (TC_IS_TREND_CHART (self));

  self->band_low = low;
  self->band_high = high;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tc_trend_chart_clear (TcTrendChart *self)
{
  g_return_if_fail (TC_IS_TREND_CHART (self));

  g_array_set_size (self->points, 0);
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
tc_trend_chart_get_n_points (TcTrendChart *self)
{
  g_return_val_if_fail (TC_IS_TREND_CHART (self), 0);

  return self->points->len;
}

const char *
tc_trend_chart_get_description (TcTrendChart *self)
{
  g_return_val_if_fail (TC_IS_TREND_CHART (self), NULL);

  return self->description;
}
