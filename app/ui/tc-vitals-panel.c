/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-vitals-panel"

#include "config.h"

#include "tc-vitals-panel.h"

#include <glib/gi18n-lib.h>
#include <math.h>

/* The kinds shown, in the order a doctor reads them. */
static const TcReadingKind shown_kinds[] = {
  TC_READING_KIND_BLOOD_PRESSURE,
  TC_READING_KIND_HEART_RATE,
  TC_READING_KIND_SPO2,
  TC_READING_KIND_BODY_TEMPERATURE,
  TC_READING_KIND_BODY_WEIGHT,
  TC_READING_KIND_GLUCOSE,
};

typedef enum {
  RANGE_SYSTOLIC,
  RANGE_DIASTOLIC,
  RANGE_HEART_RATE,
  RANGE_SPO2,
  RANGE_TEMPERATURE,
  RANGE_GLUCOSE,
  N_RANGES
} RangeId;

/* Settings keys and their defaults, in the canonical unit (mmHg, /min, %, °C, mg/dL). */
static const struct {
  const char *key;
  double      low, high;
} range_defaults[N_RANGES] = {
  { "range-systolic", 90, 140 },
  { "range-diastolic", 60, 90 },
  { "range-heart-rate", 50, 110 },
  { "range-spo2", 94, 100 },
  { "range-temperature", 36.0, 38.0 },
  { "range-glucose", 70, 180 },
};

typedef struct {
  TcReadingKind  kind;
  GtkWidget     *card;
  GtkWidget     *value_label;
  GtkWidget     *detail_label;
  GtkWidget     *time_label;
  GtkWidget     *flags_label;
  GtkWidget     *range_box;
  GtkWidget     *range_label;
  TcTrendChart  *chart;
  TcReading     *last;
  char          *value_text;
  gboolean       out_of_range;
} KindCard;

struct _TcVitalsPanel {
  AdwBin      parent_instance;

  GtkBox     *content;
  GtkWidget  *empty_label;

  GSettings  *settings;
  double      ranges[N_RANGES][2];
  KindCard    cards[G_N_ELEMENTS (shown_kinds)];
};

G_DEFINE_FINAL_TYPE (TcVitalsPanel, tc_vitals_panel, ADW_TYPE_BIN)

/* ---- words --------------------------------------------------------------- */

const char *
tc_vitals_kind_name (TcReadingKind kind)
{
  switch (kind)
    {
    case TC_READING_KIND_BLOOD_PRESSURE: return _("Blood pressure");
    case TC_READING_KIND_CUFF_PRESSURE: return _("Cuff pressure");
    case TC_READING_KIND_HEART_RATE: return _("Heart rate");
    case TC_READING_KIND_SPO2: return _("Oxygen saturation (SpO₂)");
    case TC_READING_KIND_BODY_TEMPERATURE: return _("Temperature");
    case TC_READING_KIND_BODY_WEIGHT: return _("Weight");
    case TC_READING_KIND_GLUCOSE: return _("Blood glucose");
    case TC_READING_KIND_INVALID:
    case TC_READING_N_KINDS:
    default:
      return _("Measurement");
    }
}

static const char *
unit_display (const char *ucum)
{
  if (g_strcmp0 (ucum, TC_UNIT_MMHG) == 0) return "mmHg";
  if (g_strcmp0 (ucum, TC_UNIT_CELSIUS) == 0) return "°C";
  if (g_strcmp0 (ucum, TC_UNIT_FAHRENHEIT) == 0) return "°F";
  /* Translators: beats per minute */
  if (g_strcmp0 (ucum, TC_UNIT_PER_MIN) == 0) return _("bpm");
  if (g_strcmp0 (ucum, TC_UNIT_LB) == 0) return "lb";
  if (g_strcmp0 (ucum, TC_UNIT_INCH) == 0) return "in";
  if (g_strcmp0 (ucum, TC_UNIT_KG_M2) == 0) return "kg/m²";
  return ucum != NULL ? ucum : "";
}

static gboolean
has_value (const TcReadingComponent *c)
{
  return c != NULL && c->state == TC_VALUE_PRESENT && isfinite (c->value);
}

static char *
format_number (const TcReadingComponent *c)
{
  return g_strdup_printf ("%.*f", (int) MIN (c->decimals, 3), c->value);
}

static char *
format_component (const TcReadingComponent *c)
{
  g_autofree char *number = NULL;

  if (!has_value (c))
    return g_strdup (_("no value (device could not measure)"));
  number = format_number (c);
  if (g_strcmp0 (c->unit, TC_UNIT_PERCENT) == 0)
    return g_strdup_printf ("%s %%", number);
  return g_strdup_printf ("%s %s", number, unit_display (c->unit));
}

static TcComponentType
primary_component (TcReadingKind kind)
{
  switch (kind)
    {
    case TC_READING_KIND_BLOOD_PRESSURE: return TC_COMPONENT_SYSTOLIC;
    case TC_READING_KIND_CUFF_PRESSURE: return TC_COMPONENT_CUFF_PRESSURE;
    case TC_READING_KIND_HEART_RATE: return TC_COMPONENT_HEART_RATE;
    case TC_READING_KIND_SPO2: return TC_COMPONENT_SPO2;
    case TC_READING_KIND_BODY_TEMPERATURE: return TC_COMPONENT_BODY_TEMPERATURE;
    case TC_READING_KIND_BODY_WEIGHT: return TC_COMPONENT_BODY_WEIGHT;
    case TC_READING_KIND_GLUCOSE: return TC_COMPONENT_GLUCOSE;
    case TC_READING_KIND_INVALID:
    case TC_READING_N_KINDS:
    default:
      return TC_COMPONENT_N_TYPES;
    }
}

char *
tc_vitals_format_value (const TcReading *reading)
{
  const TcReadingComponent *main;

  g_return_val_if_fail (reading != NULL, NULL);

  if (reading->kind == TC_READING_KIND_BLOOD_PRESSURE)
    {
      const TcReadingComponent *sys = tc_reading_get_component (reading, TC_COMPONENT_SYSTOLIC);
      const TcReadingComponent *dia = tc_reading_get_component (reading, TC_COMPONENT_DIASTOLIC);
      g_autofree char *s = NULL;
      g_autofree char *d = NULL;

      if (!has_value (sys) || !has_value (dia))
        return g_strdup (_("no value (device could not measure)"));
      s = format_number (sys);
      d = format_number (dia);
      return g_strdup_printf ("%s/%s %s", s, d, unit_display (sys->unit));
    }
  main = tc_reading_get_component (reading, primary_component (reading->kind));
  return format_component (main);
}

/* Flags a doctor needs to weigh the value, in words. */
static char *
format_flags (const TcReading *reading)
{
  static const struct { guint64 bit; const char *text; } known[] = {
    { TC_READING_STATUS_BODY_MOVEMENT, N_("body movement during the measurement") },
    { TC_READING_STATUS_CUFF_TOO_LOOSE, N_("cuff too loose") },
    { TC_READING_STATUS_IRREGULAR_PULSE, N_("irregular pulse") },
    { TC_READING_STATUS_PULSE_RATE_TOO_HIGH, N_("pulse above what the device can measure") },
    { TC_READING_STATUS_PULSE_RATE_TOO_LOW, N_("pulse below what the device can measure") },
    { TC_READING_STATUS_IMPROPER_POSITION, N_("measured in a wrong position") },
    { TC_READING_STATUS_NO_SENSOR_CONTACT, N_("sensor not touching the skin") },
    { TC_READING_STATUS_DEVICE_CLOCK_NOT_SET, N_("device clock not set (time may be wrong)") },
    { TC_READING_STATUS_MEASUREMENT_UNSUCCESSFUL, N_("the measurement did not succeed") },
  };
  g_autoptr(GString) text = g_string_new (NULL);
  guint64 rest = reading->status;

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (reading->status & known[i].bit)
      {
        if (text->len > 0)
          g_string_append (text, ", ");
        g_string_append (text, _(known[i].text));
        rest &= ~known[i].bit;
      }
  /* Pulse oximeter and glucose meter annunciations: the devices layer's English words. */
  for (const TcReadingStatusInfo *info = tc_reading_status_table (); info->bit != 0; info++)
    if (rest & info->bit)
      {
        if (text->len > 0)
          g_string_append (text, ", ");
        g_string_append (text, info->description);
      }
  if (text->len == 0)
    return NULL;
  /* Translators: %s is a list such as "irregular pulse, cuff too loose" */
  return g_strdup_printf (_("Device reports: %s"), text->str);
}

/* ---- ranges ---------------------------------------------------------------- */

/* A component's value in the canonical unit of its range, or NAN. */
static double
canonical_value (const TcReadingComponent *c)
{
  if (!has_value (c))
    return NAN;
  if (g_strcmp0 (c->unit, TC_UNIT_FAHRENHEIT) == 0)
    return (c->value - 32) * 5.0 / 9.0;
  if (g_strcmp0 (c->unit, TC_UNIT_KPA) == 0)
    return c->value * 7.50061683;
  if (g_strcmp0 (c->unit, TC_UNIT_MMOL_L) == 0)
    return c->value * 18.016;
  if (g_strcmp0 (c->unit, TC_UNIT_LB) == 0)
    return c->value * 0.45359237;
  return c->value;
}

static const char *
canonical_unit (RangeId id)
{
  switch (id)
    {
    case RANGE_SYSTOLIC:
    case RANGE_DIASTOLIC: return "mmHg";
    case RANGE_HEART_RATE: return unit_display (TC_UNIT_PER_MIN);
    case RANGE_SPO2: return "%";
    case RANGE_TEMPERATURE: return "°C";
    case RANGE_GLUCOSE: return "mg/dL";
    case N_RANGES:
    default: return "";
    }
}

/* Appends a sentence when @value is outside range @id; returns TRUE then. */
static gboolean
check_range (TcVitalsPanel *self,
             RangeId        id,
             const char    *what,
             double         value,
             GString       *words)
{
  double low = self->ranges[id][0], high = self->ranges[id][1];
  g_autofree char *sentence = NULL;

  if (isnan (value) || (value >= low && value <= high))
    return FALSE;
  if (what != NULL && value < low)
    /* Translators: "Systolic below the usual range (90–140 mmHg)" */
    sentence = g_strdup_printf (_("%s below the usual range (%g–%g %s)"), what, low, high, canonical_unit (id));
  else if (what != NULL)
    sentence = g_strdup_printf (_("%s above the usual range (%g–%g %s)"), what, low, high, canonical_unit (id));
  else if (value < low)
    /* Translators: "Below the usual range (94–100 %)" */
    sentence = g_strdup_printf (_("Below the usual range (%g–%g %s)"), low, high, canonical_unit (id));
  else
    sentence = g_strdup_printf (_("Above the usual range (%g–%g %s)"), low, high, canonical_unit (id));
  if (words->len > 0)
    g_string_append (words, "\n");
  g_string_append (words, sentence);
  return TRUE;
}

static void
evaluate_range (TcVitalsPanel *self,
                KindCard      *card)
{
  const TcReading *r = card->last;
  g_autoptr(GString) words = g_string_new (NULL);
  gboolean out = FALSE;
  RangeId band = N_RANGES;

  switch (card->kind)
    {
    case TC_READING_KIND_BLOOD_PRESSURE:
      band = RANGE_SYSTOLIC;
      if (r != NULL)
        {
          out |= check_range (self, RANGE_SYSTOLIC, _("Systolic"),
                              canonical_value (tc_reading_get_component (r, TC_COMPONENT_SYSTOLIC)), words);
          out |= check_range (self, RANGE_DIASTOLIC, _("Diastolic"),
                              canonical_value (tc_reading_get_component (r, TC_COMPONENT_DIASTOLIC)), words);
        }
      break;
    case TC_READING_KIND_HEART_RATE:
      band = RANGE_HEART_RATE;
      break;
    case TC_READING_KIND_SPO2:
      band = RANGE_SPO2;
      break;
    case TC_READING_KIND_BODY_TEMPERATURE:
      band = RANGE_TEMPERATURE;
      break;
    case TC_READING_KIND_GLUCOSE:
      band = RANGE_GLUCOSE;
      break;
    default:
      break;
    }
  if (band != N_RANGES && card->kind != TC_READING_KIND_BLOOD_PRESSURE && r != NULL)
    out |= check_range (self, band, NULL,
                        canonical_value (tc_reading_get_component (r, primary_component (card->kind))), words);

  card->out_of_range = out;
  gtk_widget_set_visible (card->range_box, out);
  gtk_label_set_text (GTK_LABEL (card->range_label), words->str);
  if (out)
    {
      gtk_widget_add_css_class (card->card, "tc-out-of-range");
      gtk_widget_add_css_class (card->value_label, "error");
    }
  else
    {
      gtk_widget_remove_css_class (card->card, "tc-out-of-range");
      gtk_widget_remove_css_class (card->value_label, "error");
    }
  if (band != N_RANGES)
    tc_trend_chart_set_band (card->chart, self->ranges[band][0], self->ranges[band][1]);
}

static void
load_ranges (TcVitalsPanel *self)
{
  for (guint i = 0; i < N_RANGES; i++)
    {
      self->ranges[i][0] = range_defaults[i].low;
      self->ranges[i][1] = range_defaults[i].high;
      if (self->settings != NULL)
        g_settings_get (self->settings, range_defaults[i].key, "(dd)", &self->ranges[i][0], &self->ranges[i][1]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (self->cards); i++)
    evaluate_range (self, &self->cards[i]);
}

/* ---- cards ------------------------------------------------------------------ */

static GtkWidget *
wrapped_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
build_card (TcVitalsPanel *self,
            KindCard      *card,
            TcReadingKind  kind)
{
  GtkWidget *title = wrapped_label ("heading");
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  GtkWidget *inner;

  card->kind = kind;
  card->card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (card->card, "card");
  inner = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  g_object_set (inner, "margin-start", 12, "margin-end", 12, "margin-top", 10, "margin-bottom", 10, NULL);
  gtk_box_append (GTK_BOX (card->card), inner);
  gtk_label_set_text (GTK_LABEL (title), tc_vitals_kind_name (kind));
  card->value_label = wrapped_label ("title-2");
  card->detail_label = wrapped_label (NULL);
  card->time_label = wrapped_label ("dim-label");
  card->flags_label = wrapped_label ("warning");
  card->range_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  card->range_label = wrapped_label ("error");
  gtk_widget_set_hexpand (card->range_label, TRUE);
  gtk_widget_add_css_class (icon, "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Warning"), -1);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (card->range_box), icon);
  gtk_box_append (GTK_BOX (card->range_box), card->range_label);
  card->chart = TC_TREND_CHART (tc_trend_chart_new ());
  gtk_widget_set_margin_top (GTK_WIDGET (card->chart), 4);

  gtk_box_append (GTK_BOX (inner), title);
  gtk_box_append (GTK_BOX (inner), card->value_label);
  gtk_box_append (GTK_BOX (inner), card->detail_label);
  gtk_box_append (GTK_BOX (inner), card->range_box);
  gtk_box_append (GTK_BOX (inner), card->flags_label);
  gtk_box_append (GTK_BOX (inner), card->time_label);
  gtk_box_append (GTK_BOX (inner), GTK_WIDGET (card->chart));
  gtk_widget_set_visible (card->card, FALSE);
  gtk_widget_set_visible (card->range_box, FALSE);
  gtk_box_append (self->content, card->card);
}

static KindCard *
find_card (TcVitalsPanel *self,
           TcReadingKind  kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->cards); i++)
    if (self->cards[i].kind == kind)
      return &self->cards[i];
  return NULL;
}

static char *
format_details (const TcReading *r)
{
  static const TcComponentType extra[] = {
    TC_COMPONENT_MEAN_ARTERIAL, TC_COMPONENT_PULSE_RATE, TC_COMPONENT_BMI,
  };
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (extra); i++)
    {
      const TcReadingComponent *c = tc_reading_get_component (r, extra[i]);
      g_autofree char *value = NULL;
      const char *name;

      /* Cuffs often send no mean pressure at all: say nothing then. */
      if (c == NULL || (extra[i] == TC_COMPONENT_MEAN_ARTERIAL && !has_value (c)))
        continue;
      name = extra[i] == TC_COMPONENT_MEAN_ARTERIAL ? _("Mean pressure")
           : extra[i] == TC_COMPONENT_PULSE_RATE ? _("Pulse")
           : _("Body mass index");
      value = format_component (c);
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append_printf (text, "%s %s", name, value);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
format_time (const TcReading *r,
             GDateTime       *when)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (when);
  g_autofree char *clock = g_date_time_format (local, "%H:%M");

  if (r->manual_entry)
    /* Translators: %s is a time of day such as 14:02 */
    return g_strdup_printf (_("Typed in by the patient at %s"), clock);
  if (r->timestamp == NULL)
    return g_strdup_printf (_("Received at %s (the device gave no time)"), clock);
  return g_strdup_printf (_("Measured at %s"), clock);
}

/* The chart's value: the primary component in its canonical unit (kg for weight). */
static void
chart_values (const TcReading *r,
              double          *value,
              double          *second)
{
  *second = NAN;
  if (r->kind == TC_READING_KIND_BLOOD_PRESSURE)
    {
      *value = canonical_value (tc_reading_get_component (r, TC_COMPONENT_SYSTOLIC));
      *second = canonical_value (tc_reading_get_component (r, TC_COMPONENT_DIASTOLIC));
      if (isnan (*second))
        *value = NAN;
      return;
    }
  *value = canonical_value (tc_reading_get_component (r, primary_component (r->kind)));
}

/* ---- GObject ------------------------------------------------------------------ */

static void
tc_vitals_panel_dispose (GObject *object)
{
  TcVitalsPanel *self = TC_VITALS_PANEL (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  for (guint i = 0; i < G_N_ELEMENTS (self->cards); i++)
    {
      g_clear_pointer (&self->cards[i].last, tc_reading_free);
      g_clear_pointer (&self->cards[i].value_text, g_free);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), TC_TYPE_VITALS_PANEL);

  G_OBJECT_CLASS (tc_vitals_panel_parent_class)->dispose (object);
}

static void
tc_vitals_panel_class_init (TcVitalsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_vitals_panel_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/teleconsult/Teleconsult/ui/tc-vitals-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, TcVitalsPanel, content);
  gtk_widget_class_bind_template_child (widget_class, TcVitalsPanel, empty_label);
}

static void
tc_vitals_panel_init (TcVitalsPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (shown_kinds); i++)
    build_card (self, &self->cards[i], shown_kinds[i]);
  load_ranges (self);
}

GtkWidget *
tc_vitals_panel_new (void)
{
  return g_object_new (TC_TYPE_VITALS_PANEL, NULL);
}

void
tc_vitals_panel_set_settings (TcVitalsPanel *self,
                              GSettings     *settings)
{
  g_return_if_fail (TC_IS_VITALS_PANEL (self));

  if (self->settings == settings)
    return;
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_set_object (&self->settings, settings);
  if (settings != NULL)
    g_signal_connect_object (settings, "changed", G_CALLBACK (load_ranges), self, G_CONNECT_SWAPPED);
  load_ranges (self);
}

void
tc_vitals_panel_add_reading (TcVitalsPanel   *self,
                             const TcReading *reading)
{
  KindCard *card;
  g_autoptr(GDateTime) now = NULL;
  GDateTime *when;
  g_autofree char *details = NULL;
  g_autofree char *flags = NULL;
  g_autofree char *time_text = NULL;
  g_autofree char *label = NULL;
  double value, second;

  g_return_if_fail (TC_IS_VITALS_PANEL (self));
  g_return_if_fail (reading != NULL);

  /* Intermediate cuff pressure is the cuff inflating, not a result. */
  card = find_card (self, reading->kind);
  if (card == NULL || reading->preliminary)
    return;

  now = g_date_time_new_now_local ();
  when = reading->timestamp != NULL ? reading->timestamp : now;
  g_clear_pointer (&card->last, tc_reading_free);
  card->last = tc_reading_copy (reading);
  g_free (card->value_text);
  card->value_text = tc_vitals_format_value (reading);
  details = format_details (reading);
  flags = format_flags (reading);
  time_text = format_time (reading, when);

  gtk_label_set_text (GTK_LABEL (card->value_label), card->value_text);
  gtk_label_set_text (GTK_LABEL (card->detail_label), details);
  gtk_widget_set_visible (card->detail_label, *details != '\0');
  gtk_label_set_text (GTK_LABEL (card->flags_label), flags != NULL ? flags : "");
  gtk_widget_set_visible (card->flags_label, flags != NULL);
  gtk_label_set_text (GTK_LABEL (card->time_label), time_text);
  evaluate_range (self, card);

  chart_values (reading, &value, &second);
  label = g_strdup_printf ("%s, %s", card->value_text, time_text);
  tc_trend_chart_add_point (card->chart, g_date_time_to_unix (when) + g_date_time_get_microsecond (when) / 1e6,
                            value, second, label);
  gtk_widget_set_visible (GTK_WIDGET (card->chart), tc_trend_chart_get_n_points (card->chart) > 0);

  gtk_widget_set_visible (card->card, TRUE);
  gtk_widget_set_visible (self->empty_label, FALSE);
}

void
tc_vitals_panel_clear (TcVitalsPanel *self)
{
  g_return_if_fail (TC_IS_VITALS_PANEL (self));

  for (guint i = 0; i < G_N_ELEMENTS (self->cards); i++)
    {
      KindCard *card = &self->cards[i];

      g_clear_pointer (&card->last, tc_reading_free);
      g_clear_pointer (&card->value_text, g_free);
      tc_trend_chart_clear (card->chart);
      evaluate_range (self, card);
      gtk_widget_set_visible (card->card, FALSE);
    }
  gtk_widget_set_visible (self->empty_label, TRUE);
}

const char *
tc_vitals_panel_get_value_text (TcVitalsPanel *self,
                                TcReadingKind  kind)
{
  KindCard *card;

  g_return_val_if_fail (TC_IS_VITALS_PANEL (self), NULL);
  card = find_card (self, kind);
  return card != NULL ? card->value_text : NULL;
}

const char *
tc_vitals_panel_get_flags_text (TcVitalsPanel *self,
                                TcReadingKind  kind)
{
  KindCard *card;

  g_return_val_if_fail (TC_IS_VITALS_PANEL (self), NULL);
  card = find_card (self, kind);
  return card != NULL && gtk_widget_get_visible (card->flags_label)
         ? gtk_label_get_text (GTK_LABEL (card->flags_label)) : NULL;
}

const char *
tc_vitals_panel_get_range_text (TcVitalsPanel *self,
                                TcReadingKind  kind)
{
  KindCard *card;

  g_return_val_if_fail (TC_IS_VITALS_PANEL (self), NULL);
  card = find_card (self, kind);
  return card != NULL && card->out_of_range ? gtk_label_get_text (GTK_LABEL (card->range_label)) : NULL;
}

gboolean
tc_vitals_panel_is_out_of_range (TcVitalsPanel *self,
                                 TcReadingKind  kind)
{
  KindCard *card;

  g_return_val_if_fail (TC_IS_VITALS_PANEL (self), FALSE);
  card = find_card (self, kind);
  return card != NULL && card->out_of_range;
}

TcTrendChart *
tc_vitals_panel_get_chart (TcVitalsPanel *self,
                           TcReadingKind  kind)
{
  KindCard *card;

  g_return_val_if_fail (TC_IS_VITALS_PANEL (self), NULL);
  card = find_card (self, kind);
  return card != NULL ? card->chart : NULL;
}
