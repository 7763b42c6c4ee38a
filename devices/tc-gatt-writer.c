/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-gatt-writer"

#include "tc-gatt-writer.h"

#include <math.h>
#include <string.h>

#include "tc-gatt-parser.h"
#include "tc-ieee11073.h"

static void
put_u8 (GByteArray *b, guint v)
{
  guint8 x = (guint8) v;
  g_byte_array_append (b, &x, 1);
}

static void
put_u16 (GByteArray *b, guint v)
{
  guint8 x[2] = { (guint8) (v & 0xFF), (guint8) ((v >> 8) & 0xFF) };
  g_byte_array_append (b, x, 2);
}

static void
put_u24 (GByteArray *b, guint32 v)
{
  guint8 x[3] = { (guint8) (v & 0xFF), (guint8) ((v >> 8) & 0xFF), (guint8) ((v >> 16) & 0xFF) };
  g_byte_array_append (b, x, 3);
}

static void
put_u32 (GByteArray *b, guint32 v)
{
  put_u16 (b, v & 0xFFFF);
  put_u16 (b, v >> 16);
}

static TcMderSpecial
special_of (TcValueState state)
{
  switch (state)
    {
    case TC_VALUE_NAN: return TC_MDER_NAN;
    case TC_VALUE_NRES: return TC_MDER_NRES;
    case TC_VALUE_POSITIVE_INFINITY: return TC_MDER_POSITIVE_INFINITY;
    case TC_VALUE_NEGATIVE_INFINITY: return TC_MDER_NEGATIVE_INFINITY;
    case TC_VALUE_RESERVED: return TC_MDER_RESERVED;
    case TC_VALUE_UNSUCCESSFUL: return TC_MDER_NAN;
    case TC_VALUE_PRESENT:
    default: return TC_MDER_OK;
    }
}

/* value is scaled by 10^scale_exp before encoding (unit conversion back to the wire unit). */
static gboolean
put_sfloat (GByteArray *b, const TcReadingComponent *c, int scale_exp, GError **error)
{
  guint16 raw;
  int exponent;

  if (c == NULL)
    {
      put_u16 (b, TC_SFLOAT_NAN);
      return TRUE;
    }
  if (c->state != TC_VALUE_PRESENT)
    {
      put_u16 (b, tc_sfloat_encode_special (special_of (c->state)));
      return TRUE;
    }
  exponent = scale_exp - (int) c->decimals;
  /* drop precision the 12-bit mantissa cannot carry */
  while (!tc_sfloat_encode (c->value * pow (10.0, scale_exp), exponent, &raw))
    {
      if (++exponent > 7)
        {
          g_set_error (error, TC_GATT_ERROR, TC_GATT_ERROR_INVALID,
                       "%s does not fit an SFLOAT", tc_component_type_to_string (c->type));
          return FALSE;
        }
    }
  put_u16 (b, raw);
  return TRUE;
}

static gboolean
put_float (GByteArray *b, const TcReadingComponent *c, GError **error)
{
  guint32 raw;

  if (c->state != TC_VALUE_PRESENT)
    {
      put_u32 (b, tc_float_encode_special (special_of (c->state)));
      return TRUE;
    }
  if (!tc_float_encode (c->value, -(int) c->decimals, &raw))
    {
      g_set_error (error, TC_GATT_ERROR, TC_GATT_ERROR_INVALID,
                   "%s does not fit a FLOAT", tc_component_type_to_string (c->type));
      return FALSE;
    }
  put_u32 (b, raw);
  return TRUE;
}

static void
put_date_time (GByteArray *b, GDateTime *t)
{
  if (t == NULL)
    {
      static const guint8 unknown[7] = { 0 };
      g_byte_array_append (b, unknown, 7);
      return;
    }
  put_u16 (b, (guint) g_date_time_get_year (t));
  put_u8 (b, (guint) g_date_time_get_month (t));
  put_u8 (b, (guint) g_date_time_get_day_of_month (t));
  put_u8 (b, (guint) g_date_time_get_hour (t));
  put_u8 (b, (guint) g_date_time_get_minute (t));
  put_u8 (b, (guint) g_date_time_get_second (t));
}

static const TcReadingComponent *
need (const TcReading *r, TcComponentType type, GError **error)
{
  const TcReadingComponent *c = tc_reading_get_component (r, type);

  if (c == NULL)
    g_set_error (error, TC_GATT_ERROR, TC_GATT_ERROR_INVALID, "The reading has no %s value",
                 tc_component_type_to_string (type));
  return c;
}

static gboolean
encode_bp (GByteArray *b, const TcReading *r, gboolean cuff, GError **error)
{
  const TcReadingComponent *first = need (r, cuff ? TC_COMPONENT_CUFF_PRESSURE : TC_COMPONENT_SYSTOLIC, error);
  const TcReadingComponent *pulse = tc_reading_get_component (r, TC_COMPONENT_PULSE_RATE);
  guint64 bp_bits = r->status & G_GUINT64_CONSTANT (0x3F);
  guint8 flags = 0;

  if (first == NULL)
    return FALSE;
  if (g_strcmp0 (first->unit, TC_UNIT_KPA) == 0)
    flags |= 0x01;
  if (r->timestamp)
    flags |= 0x02;
  if (pulse)
    flags |= 0x04;
  if (r->user_id >= 0)
    flags |= 0x08;
  if (bp_bits)
    flags |= 0x10;
  put_u8 (b, flags);
  if (!put_sfloat (b, first, 0, error))
    return FALSE;
  if (cuff)
    {
      put_u16 (b, TC_SFLOAT_NAN);
      put_u16 (b, TC_SFLOAT_NAN);
    }
  else if (!put_sfloat (b, need (r, TC_COMPONENT_DIASTOLIC, error), 0, error) ||
           !put_sfloat (b, tc_reading_get_component (r, TC_COMPONENT_MEAN_ARTERIAL), 0, error))
    return FALSE;
  if (r->timestamp)
    put_date_time (b, r->timestamp);
  if (pulse && !put_sfloat (b, pulse, 0, error))
    return FALSE;
  if (r->user_id >= 0)
    put_u8 (b, (guint) r->user_id);
  if (bp_bits)
    {
      guint status = 0;
      if (r->status & TC_READING_STATUS_BODY_MOVEMENT) status |= 0x01;
      if (r->status & TC_READING_STATUS_CUFF_TOO_LOOSE) status |= 0x02;
      if (r->status & TC_READING_STATUS_IRREGULAR_PULSE) status |= 0x04;
      if (r->status & TC_READING_STATUS_PULSE_RATE_TOO_HIGH) status |= 0x08;
      else if (r->status & TC_READING_STATUS_PULSE_RATE_TOO_LOW) status |= 0x10;
      if (r->status & TC_READING_STATUS_IMPROPER_POSITION) status |= 0x20;
      put_u16 (b, status);
    }
  return TRUE;
}

static gboolean
encode_temperature (GByteArray *b, const TcReading *r, GError **error)
{
  const TcReadingComponent *t = need (r, TC_COMPONENT_BODY_TEMPERATURE, error);
  guint8 flags = 0;

  if (t == NULL)
    return FALSE;
  if (g_strcmp0 (t->unit, TC_UNIT_FAHRENHEIT) == 0)
    flags |= 0x01;
  if (r->timestamp)
    flags |= 0x02;
  if (r->temperature_type != TC_TEMPERATURE_TYPE_NONE)
    flags |= 0x04;
  put_u8 (b, flags);
  if (!put_float (b, t, error))
    return FALSE;
  if (r->timestamp)
    put_date_time (b, r->timestamp);
  if (r->temperature_type != TC_TEMPERATURE_TYPE_NONE)
    put_u8 (b, r->temperature_type);
  return TRUE;
}

static gboolean
encode_heart_rate (GByteArray *b, const TcReading *r, GError **error)
{
  const TcReadingComponent *hr = need (r, TC_COMPONENT_HEART_RATE, error);
  const TcReadingComponent *energy = tc_reading_get_component (r, TC_COMPONENT_ENERGY_EXPENDED);
  guint bpm;
  guint8 flags = 0;

  if (hr == NULL)
    return FALSE;
  if (hr->state != TC_VALUE_PRESENT || hr->value < 0 || hr->value > 65535)
    {
      g_set_error (error, TC_GATT_ERROR, TC_GATT_ERROR_INVALID, "Heart rate must be a number of beats");
      return FALSE;
    }
  bpm = (guint) lround (hr->value);
  if (bpm > 255)
    flags |= 0x01;
  if (r->sensor_contact == TC_SENSOR_CONTACT_DETECTED)
    flags |= 0x06;
  else if (r->sensor_contact == TC_SENSOR_CONTACT_NOT_DETECTED)
    flags |= 0x04;
  if (energy && energy->state == TC_VALUE_PRESENT)
    flags |= 0x08;
  if (r->n_rr_intervals > 0)
    flags |= 0x10;
  put_u8 (b, flags);
  if (bpm > 255)
    put_u16 (b, bpm);
  else
    put_u8 (b, bpm);
  if (flags & 0x08)
    put_u16 (b, (guint) CLAMP (lround (energy->value), 0, 65535));
  for (guint i = 0; i < r->n_rr_intervals; i++)
    put_u16 (b, (guint) CLAMP (lround (r->rr_intervals[i] * 1024.0), 0, 65535));
  return TRUE;
}

static gboolean
encode_plx (GByteArray *b, const TcReading *r, gboolean continuous, GError **error)
{
  const TcReadingComponent *spo2 = need (r, TC_COMPONENT_SPO2, error);
  const TcReadingComponent *pr = spo2 ? need (r, TC_COMPONENT_PULSE_RATE, error) : NULL;
  const TcReadingComponent *pai = tc_reading_get_component (r, TC_COMPONENT_PULSE_AMPLITUDE_INDEX);
  guint16 ms = (guint16) ((r->status & TC_READING_STATUS_PLX_MEASUREMENT_MASK) >> TC_READING_STATUS_PLX_MEASUREMENT_SHIFT);
  guint32 ds = (guint32) ((r->status & TC_READING_STATUS_PLX_DEVICE_MASK) >> TC_READING_STATUS_PLX_DEVICE_SHIFT);
  guint8 flags = 0;

  if (pr == NULL)
    return FALSE;
  if (!continuous)
    {
      if (r->timestamp) flags |= 0x01;
      if (ms) flags |= 0x02;
      if (ds) flags |= 0x04;
      if (pai) flags |= 0x08;
      if (r->status & TC_READING_STATUS_DEVICE_CLOCK_NOT_SET) flags |= 0x10;
      put_u8 (b, flags);
      if (!put_sfloat (b, spo2, 0, error) || !put_sfloat (b, pr, 0, error))
        return FALSE;
      if (r->timestamp)
        put_date_time (b, r->timestamp);
    }
  else
    {
      const TcReadingComponent *fs = tc_reading_get_component (r, TC_COMPONENT_SPO2_FAST);
      const TcReadingComponent *fp = tc_reading_get_component (r, TC_COMPONENT_PULSE_RATE_FAST);
      const TcReadingComponent *ss = tc_reading_get_component (r, TC_COMPONENT_SPO2_SLOW);
      const TcReadingComponent *sp = tc_reading_get_component (r, TC_COMPONENT_PULSE_RATE_SLOW);

      if (fs && fp) flags |= 0x01;
      if (ss && sp) flags |= 0x02;
      if (ms) flags |= 0x04;
      if (ds) flags |= 0x08;
      if (pai) flags |= 0x10;
      put_u8 (b, flags);
      if (!put_sfloat (b, spo2, 0, error) || !put_sfloat (b, pr, 0, error))
        return FALSE;
      if ((flags & 0x01) && (!put_sfloat (b, fs, 0, error) || !put_sfloat (b, fp, 0, error)))
        return FALSE;
      if ((flags & 0x02) && (!put_sfloat (b, ss, 0, error) || !put_sfloat (b, sp, 0, error)))
        return FALSE;
    }
  if (ms)
    put_u16 (b, ms);
  if (ds)
    put_u24 (b, ds);
  if (pai && !put_sfloat (b, pai, 0, error))
    return FALSE;
  return TRUE;
}

static gboolean
encode_glucose (GByteArray *b, const TcReading *r, GError **error)
{
  const TcReadingComponent *g = tc_reading_get_component (r, TC_COMPONENT_GLUCOSE);
  guint16 ssa = (guint16) ((r->status & TC_READING_STATUS_GLUCOSE_MASK) >> TC_READING_STATUS_GLUCOSE_SHIFT);
  gboolean molar = g && g_strcmp0 (g->unit, TC_UNIT_MMOL_L) == 0;
  guint8 flags = 0;

  if (g) flags |= 0x02;
  if (molar) flags |= 0x04;
  if (ssa) flags |= 0x08;
  if (r->context_follows) flags |= 0x10;
  put_u8 (b, flags);
  put_u16 (b, (guint) MAX (r->sequence_number, 0));
  put_date_time (b, r->timestamp);
  if (g)
    {
      /* back to the wire units: mg/dL -> kg/L is 10^-5, mmol/L -> mol/L is 10^-3 */
      if (!put_sfloat (b, g, molar ? -3 : -5, error))
        return FALSE;
      put_u8 (b, (guint) ((r->glucose_type ? r->glucose_type : 1) | ((r->sample_location ? r->sample_location : 15) << 4)));
    }
  if (ssa)
    put_u16 (b, ssa);
  return TRUE;
}

static gboolean
encode_weight (GByteArray *b, const TcReading *r, GError **error)
{
  const TcReadingComponent *w = need (r, TC_COMPONENT_BODY_WEIGHT, error);
  const TcReadingComponent *bmi = tc_reading_get_component (r, TC_COMPONENT_BMI);
  const TcReadingComponent *height = tc_reading_get_component (r, TC_COMPONENT_BODY_HEIGHT);
  gboolean imperial;
  guint8 flags = 0;
  long raw;

  if (w == NULL)
    return FALSE;
  imperial = g_strcmp0 (w->unit, TC_UNIT_LB) == 0;
  if (imperial) flags |= 0x01;
  if (r->timestamp) flags |= 0x02;
  if (r->user_id >= 0) flags |= 0x04;
  if (bmi && height && bmi->state == TC_VALUE_PRESENT && height->state == TC_VALUE_PRESENT) flags |= 0x08;
  put_u8 (b, flags);
  if (w->state != TC_VALUE_PRESENT)
    raw = 0xFFFF;
  else
    raw = lround (imperial ? w->value / 0.01 : w->value / 0.005);
  if (raw < 0 || raw > 0xFFFF || (raw == 0xFFFF && w->state == TC_VALUE_PRESENT))
    {
      g_set_error (error, TC_GATT_ERROR, TC_GATT_ERROR_INVALID, "Weight out of range");
      return FALSE;
    }
  put_u16 (b, (guint) raw);
  if (r->timestamp)
    put_date_time (b, r->timestamp);
  if (r->user_id >= 0)
    put_u8 (b, (guint) r->user_id);
  if (flags & 0x08)
    {
      put_u16 (b, (guint) CLAMP (lround (bmi->value * 10), 0, 65535));
      put_u16 (b, (guint) CLAMP (lround (imperial ? height->value * 10 : height->value * 1000), 0, 65535));
    }
  return TRUE;
}

GBytes *
tc_gatt_encode (guint16          uuid,
                const TcReading *reading,
                GError         **error)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();
  gboolean ok;

  g_return_val_if_fail (reading != NULL, NULL);

  switch (uuid)
    {
    case TC_GATT_BLOOD_PRESSURE_MEASUREMENT: ok = encode_bp (b, reading, FALSE, error); break;
    case TC_GATT_INTERMEDIATE_CUFF_PRESSURE: ok = encode_bp (b, reading, TRUE, error); break;
    case TC_GATT_TEMPERATURE_MEASUREMENT: ok = encode_temperature (b, reading, error); break;
    case TC_GATT_HEART_RATE_MEASUREMENT: ok = encode_heart_rate (b, reading, error); break;
    case TC_GATT_PLX_SPOT_CHECK: ok = encode_plx (b, reading, FALSE, error); break;
    case TC_GATT_PLX_CONTINUOUS: ok = encode_plx (b, reading, TRUE, error); break;
    case TC_GATT_GLUCOSE_MEASUREMENT: ok = encode_glucose (b, reading, error); break;
    case TC_GATT_WEIGHT_MEASUREMENT: ok = encode_weight (b, reading, error); break;
    default:
      g_set_error (error, TC_GATT_ERROR, TC_GATT_ERROR_UNSUPPORTED, "Characteristic 0x%04X is not supported", uuid);
      return NULL;
    }
  if (!ok)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&b));
}
