/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-manual-entry"

#include "tc-manual-entry.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (tc-manual-entry-error-quark, tc_manual_entry_error)

/* Plausible ranges in a canonical unit; other units are converted with factor/offset:
 * canonical = value * factor + offset. */
typedef struct {
  const char *unit;
  double      factor;
  double      offset;
  guint       decimals;
  const char *display;
} UnitConv;

typedef struct {
  TcComponentType type;
  const char     *label;
  double          min, max;    /* canonical unit: the first in units[] */
  UnitConv        units[2];
} FieldRule;

static const FieldRule rules[] = {
  { TC_COMPONENT_SYSTOLIC, "Systolic pressure", 50, 300,
    { { TC_UNIT_MMHG, 1, 0, 0, "mmHg" }, { TC_UNIT_KPA, 7.50061683, 0, 1, "kPa" } } },
  { TC_COMPONENT_DIASTOLIC, "Diastolic pressure", 20, 200,
    { { TC_UNIT_MMHG, 1, 0, 0, "mmHg" }, { TC_UNIT_KPA, 7.50061683, 0, 1, "kPa" } } },
  { TC_COMPONENT_MEAN_ARTERIAL, "Mean arterial pressure", 30, 250,
    { { TC_UNIT_MMHG, 1, 0, 0, "mmHg" }, { TC_UNIT_KPA, 7.50061683, 0, 1, "kPa" } } },
  { TC_COMPONENT_PULSE_RATE, "Pulse rate", 20, 300, { { TC_UNIT_PER_MIN, 1, 0, 0, "beats per minute" } } },
  { TC_COMPONENT_HEART_RATE, "Heart rate", 20, 300, { { TC_UNIT_PER_MIN, 1, 0, 0, "beats per minute" } } },
  { TC_COMPONENT_BODY_TEMPERATURE, "Body temperature", 30, 45,
    { { TC_UNIT_CELSIUS, 1, 0, 1, "°C" }, { TC_UNIT_FAHRENHEIT, 5.0 / 9.0, -32 * 5.0 / 9.0, 1, "°F" } } },
  { TC_COMPONENT_SPO2, "Oxygen saturation", 50, 100, { { TC_UNIT_PERCENT, 1, 0, 0, "%" } } },
  { TC_COMPONENT_GLUCOSE, "Blood glucose", 20, 600,
    { { TC_UNIT_MG_DL, 1, 0, 0, "mg/dL" }, { TC_UNIT_MMOL_L, 18.016, 0, 1, "mmol/L" } } },
  { TC_COMPONENT_BODY_WEIGHT, "Body weight", 1, 400,
    { { TC_UNIT_KG, 1, 0, 1, "kg" }, { TC_UNIT_LB, 0.45359237, 0, 1, "lb" } } },
  { TC_COMPONENT_BODY_HEIGHT, "Body height", 0.3, 2.5,
    { { TC_UNIT_M, 1, 0, 2, "m" }, { TC_UNIT_INCH, 0.0254, 0, 1, "in" } } },
  { TC_COMPONENT_BMI, "Body mass index", 5, 100, { { TC_UNIT_KG_M2, 1, 0, 1, "kg/m²" } } },
};

typedef struct {
  TcReadingKind   kind;
  TcComponentType allowed[4];
  guint           n_allowed;
  guint           n_required;   /* the first n_required allowed ones */
} KindRule;

static const KindRule kinds[] = {
  { TC_READING_KIND_BLOOD_PRESSURE,
    { TC_COMPONENT_SYSTOLIC, TC_COMPONENT_DIASTOLIC, TC_COMPONENT_MEAN_ARTERIAL, TC_COMPONENT_PULSE_RATE }, 4, 2 },
  { TC_READING_KIND_BODY_TEMPERATURE, { TC_COMPONENT_BODY_TEMPERATURE }, 1, 1 },
  { TC_READING_KIND_HEART_RATE, { TC_COMPONENT_HEART_RATE }, 1, 1 },
  { TC_READING_KIND_SPO2, { TC_COMPONENT_SPO2, TC_COMPONENT_PULSE_RATE }, 2, 1 },
  { TC_READING_KIND_GLUCOSE, { TC_COMPONENT_GLUCOSE }, 1, 1 },
  { TC_READING_KIND_BODY_WEIGHT, { TC_COMPONENT_BODY_WEIGHT, TC_COMPONENT_BMI, TC_COMPONENT_BODY_HEIGHT }, 3, 1 },
};

static const FieldRule *
field_rule (TcComponentType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    if (rules[i].type == type)
      return &rules[i];
  return NULL;
}

static const UnitConv *
unit_conv (const FieldRule *rule, const char *unit)
{
  for (guint i = 0; i < G_N_ELEMENTS (rule->units); i++)
    if (rule->units[i].unit && unit && strcmp (rule->units[i].unit, unit) == 0)
      return &rule->units[i];
  return NULL;
}

gboolean
tc_manual_entry_check (TcComponentType type,
                       double          value,
                       const char     *unit,
                       GError        **error)
{
  const FieldRule *rule = field_rule (type);
  const UnitConv *conv;
  double canonical;

  if (rule == NULL)
    {
      g_set_error (error, TC_MANUAL_ENTRY_ERROR, TC_MANUAL_ENTRY_ERROR_UNSUPPORTED,
                   "This value cannot be entered by hand");
      return FALSE;
    }
  conv = unit_conv (rule, unit);
  if (conv == NULL)
    {
      g_set_error (error, TC_MANUAL_ENTRY_ERROR, TC_MANUAL_ENTRY_ERROR_UNIT,
                   "%s cannot be given in “%s”", rule->label, unit ? unit : "no unit");
      return FALSE;
    }
  canonical = value * conv->factor + conv->offset;
  /* a little slack so a bound converted and rounded for display is itself accepted */
  if (!isfinite (value) || canonical < rule->min - 1e-9 * fabs (rule->min) - 1e-9 ||
      canonical > rule->max + 1e-9 * fabs (rule->max) + 1e-9)
    {
      double lo = (rule->min - conv->offset) / conv->factor;
      double hi = (rule->max - conv->offset) / conv->factor;
      double p = pow (10.0, conv->decimals);

      g_set_error (error, TC_MANUAL_ENTRY_ERROR, TC_MANUAL_ENTRY_ERROR_OUT_OF_RANGE,
                   "%s must be between %.*f and %.*f %s", rule->label,
                   (int) conv->decimals, ceil (lo * p) / p, (int) conv->decimals, floor (hi * p) / p,
                   conv->display);
      return FALSE;
    }
  return TRUE;
}

TcReading *
tc_manual_entry_create (TcReadingKind        kind,
                        const TcManualValue *values,
                        guint                n_values,
                        GDateTime           *when,
                        TcComponentType     *bad_field,
                        GError             **error)
{
  const KindRule *kr = NULL;
  g_autoptr(TcReading) reading = NULL;
  g_autoptr(GDateTime) now = NULL;
  const TcReadingComponent *sys, *dia;

  if (bad_field)
    *bad_field = TC_COMPONENT_N_TYPES;
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (kinds[i].kind == kind)
      kr = &kinds[i];
  if (kr == NULL)
    {
      g_set_error (error, TC_MANUAL_ENTRY_ERROR, TC_MANUAL_ENTRY_ERROR_UNSUPPORTED,
                   "A %s reading cannot be entered by hand", tc_reading_kind_to_string (kind));
      return NULL;
    }
  if (n_values > 0 && values == NULL)
    n_values = 0;

  reading = tc_reading_new (kind);
  reading->manual_entry = TRUE;
  for (guint i = 0; i < n_values; i++)
    {
      const TcManualValue *v = &values[i];
      gboolean allowed = FALSE;
      const UnitConv *conv;

      for (guint a = 0; a < kr->n_allowed; a++)
        allowed |= kr->allowed[a] == v->type;
      if (bad_field)
        *bad_field = v->type;
      if (!allowed)
        {
          g_set_error (error, TC_MANUAL_ENTRY_ERROR, TC_MANUAL_ENTRY_ERROR_UNSUPPORTED,
                       "A %s reading has no %s field", tc_reading_kind_to_string (kind),
                       tc_component_type_to_string (v->type));
          return NULL;
        }
      if (tc_reading_get_component (reading, v->type))
        {
          g_set_error (error, TC_MANUAL_ENTRY_ERROR, TC_MANUAL_ENTRY_ERROR_INCONSISTENT,
                       "%s is given twice", field_rule (v->type)->label);
          return NULL;
        }
      if (!tc_manual_entry_check (v->type, v->value, v->unit, error))
        return NULL;
      conv = unit_conv (field_rule (v->type), v->unit);
      tc_reading_add_component (reading, v->type, TC_VALUE_PRESENT,
                                round (v->value * pow (10.0, conv->decimals)) / pow (10.0, conv->decimals),
                                conv->decimals, v->unit);
    }
  for (guint a = 0; a < kr->n_required; a++)
    if (!tc_reading_get_component (reading, kr->allowed[a]))
      {
        if (bad_field)
          *bad_field = kr->allowed[a];
        g_set_error (error, TC_MANUAL_ENTRY_ERROR, TC_MANUAL_ENTRY_ERROR_MISSING,
                     "%s is needed", field_rule (kr->allowed[a])->label);
        return NULL;
      }

  sys = tc_reading_get_component (reading, TC_COMPONENT_SYSTOLIC);
  dia = tc_reading_get_component (reading, TC_COMPONENT_DIASTOLIC);
  if (sys && dia)
    {
      double s = sys->value * unit_conv (field_rule (sys->type), sys->unit)->factor;
      double d = dia->value * unit_conv (field_rule (dia->type), dia->unit)->factor;
      if (d >= s || strcmp (sys->unit, dia->unit) != 0)
        {
          if (bad_field)
            *bad_field = TC_COMPONENT_DIASTOLIC;
          g_set_error (error, TC_MANUAL_ENTRY_ERROR, TC_MANUAL_ENTRY_ERROR_INCONSISTENT,
                       d >= s ? "Diastolic pressure must be lower than systolic pressure"
                              : "Systolic and diastolic pressure must be in the same unit");
          return NULL;
        }
    }

  if (when == NULL)
    when = now = g_date_time_new_now_local ();
  tc_reading_set_timestamp (reading, when);
  if (bad_field)
    *bad_field = TC_COMPONENT_N_TYPES;
  return g_steal_pointer (&reading);
}
