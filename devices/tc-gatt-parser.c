/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-gatt"

#include "tc-gatt-parser.h"

#include <math.h>
#include <string.h>

#include "tc-ieee11073.h"

G_DEFINE_QUARK (tc-gatt-error-quark, tc_gatt_error)

/* A cursor over one characteristic value. Every read goes through need(), so nothing is read
 * past the end; errors name the characteristic, the field and its offset. */
typedef struct {
  const guint8 *data;
  gsize         len;
  gsize         pos;
  const char   *what;   /* characteristic name */
} Reader;

static gboolean
need (Reader     *r,
      gsize       n,
      const char *field,
      GError    **error)
{
  if (r->len - r->pos < n)
    {
      g_set_error (error, TC_GATT_ERROR, TC_GATT_ERROR_TRUNCATED,
                   "%s: field “%s” at offset %" G_GSIZE_FORMAT " needs %" G_GSIZE_FORMAT
                   " octet(s), %" G_GSIZE_FORMAT " left",
                   r->what, field, r->pos, n, r->len - r->pos);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_u8 (Reader *r, const char *field, guint8 *out, GError **error)
{
  if (!need (r, 1, field, error))
    return FALSE;
  *out = r->data[r->pos++];
  return TRUE;
}

static gboolean
read_u16 (Reader *r, const char *field, guint16 *out, GError **error)
{
  if (!need (r, 2, field, error))
    return FALSE;
  *out = (guint16) (r->data[r->pos] | (r->data[r->pos + 1] << 8));
  r->pos += 2;
  return TRUE;
}

static gboolean
read_u24 (Reader *r, const char *field, guint32 *out, GError **error)
{
  if (!need (r, 3, field, error))
    return FALSE;
  *out = (guint32) r->data[r->pos] | ((guint32) r->data[r->pos + 1] << 8) |
         ((guint32) r->data[r->pos + 2] << 16);
  r->pos += 3;
  return TRUE;
}

static gboolean
read_u32 (Reader *r, const char *field, guint32 *out, GError **error)
{
  if (!need (r, 4, field, error))
    return FALSE;
  *out = (guint32) r->data[r->pos] | ((guint32) r->data[r->pos + 1] << 8) |
         ((guint32) r->data[r->pos + 2] << 16) | ((guint32) r->data[r->pos + 3] << 24);
  r->pos += 4;
  return TRUE;
}

static gboolean
start (Reader       *r,
       const char   *what,
       const guint8 *data,
       gsize         len,
       guint8       *flags,
       GError      **error)
{
  r->data = data;
  r->len = data ? len : 0;
  r->pos = 0;
  r->what = what;
  if (len > TC_GATT_MAX_VALUE_LENGTH)
    {
      g_set_error (error, TC_GATT_ERROR, TC_GATT_ERROR_INVALID,
                   "%s: value of %" G_GSIZE_FORMAT " octets is longer than an attribute can be (%d)",
                   what, len, TC_GATT_MAX_VALUE_LENGTH);
      return FALSE;
    }
  return read_u8 (r, "Flags", flags, error);
}

static TcValueState
state_from_special (TcMderSpecial s)
{
  switch (s)
    {
    case TC_MDER_OK: return TC_VALUE_PRESENT;
    case TC_MDER_NAN: return TC_VALUE_NAN;
    case TC_MDER_NRES: return TC_VALUE_NRES;
    case TC_MDER_POSITIVE_INFINITY: return TC_VALUE_POSITIVE_INFINITY;
    case TC_MDER_NEGATIVE_INFINITY: return TC_VALUE_NEGATIVE_INFINITY;
    case TC_MDER_RESERVED:
    default: return TC_VALUE_RESERVED;
    }
}

static double
round_to (double v,
          guint  decimals)
{
  double p = pow (10.0, decimals);
  return round (v * p) / p;
}

/* Reads an SFLOAT, multiplies by `factor` (unit conversion by a power of ten: 10^factor_exp)
 * and adds it as a component. */
static gboolean
add_sfloat (Reader         *r,
            TcReading      *reading,
            const char     *field,
            TcComponentType type,
            int             factor_exp,
            const char     *unit,
            GError        **error)
{
  guint16 raw;
  TcMderFloat f;
  guint decimals = 0;
  double value = NAN;

  if (!read_u16 (r, field, &raw, error))
    return FALSE;
  tc_sfloat_decode (raw, &f);
  if (f.special == TC_MDER_OK)
    {
      int e = f.exponent + factor_exp;
      decimals = e < 0 ? (guint) -e : 0;
      value = round_to (f.value * pow (10.0, factor_exp), decimals);
    }
  tc_reading_add_component (reading, type, state_from_special (f.special), value, decimals, unit);
  return TRUE;
}

static gboolean
add_float (Reader         *r,
           TcReading      *reading,
           const char     *field,
           TcComponentType type,
           const char     *unit,
           GError        **error)
{
  guint32 raw;
  TcMderFloat f;
  guint decimals = 0;
  double value = NAN;

  if (!read_u32 (r, field, &raw, error))
    return FALSE;
  tc_float_decode (raw, &f);
  if (f.special == TC_MDER_OK)
    {
      decimals = f.exponent < 0 ? (guint) MIN (-f.exponent, 12) : 0;
      value = f.value;
      if (!isfinite (value))
        {
          g_set_error (error, TC_GATT_ERROR, TC_GATT_ERROR_INVALID,
                       "%s: field “%s” at offset %" G_GSIZE_FORMAT " is out of range",
                       r->what, field, r->pos - 4);
          return FALSE;
        }
    }
  tc_reading_add_component (reading, type, state_from_special (f.special), value, decimals, unit);
  return TRUE;
}

/* Date Time (0x2A08): year uint16 (0 = unknown, else 1582..9999), month 0..12 (0 = unknown),
 * day 0..31 (0 = unknown), hours 0..23, minutes 0..59, seconds 0..59. An unknown date gives
 * *out = NULL and TRUE. The device clock carries no zone: it is taken as local time. */
static gboolean
read_date_time (Reader     *r,
                const char *field,
                GDateTime **out,
                GError    **error)
{
  gsize at = r->pos;
  guint16 year;
  guint8 month, day, hours, minutes, seconds;
  g_autoptr(GTimeZone) tz = NULL;

  *out = NULL;
  if (!need (r, 7, field, error))
    return FALSE;
  read_u16 (r, field, &year, NULL);
  read_u8 (r, field, &month, NULL);
  read_u8 (r, field, &day, NULL);
  read_u8 (r, field, &hours, NULL);
  read_u8 (r, field, &minutes, NULL);
  read_u8 (r, field, &seconds, NULL);

  if ((year != 0 && (year < 1582 || year > 9999)) || month > 12 || day > 31 ||
      hours > 23 || minutes > 59 || seconds > 59)
    {
      g_set_error (error, TC_GATT_ERROR, TC_GATT_ERROR_INVALID,
                   "%s: field “%s” at offset %" G_GSIZE_FORMAT " is not a valid date and time",
                   r->what, field, at);
      return FALSE;
    }
  if (year == 0 || month == 0 || day == 0)
    return TRUE;

  tz = g_time_zone_new_local ();
  *out = g_date_time_new (tz, year, month, day, hours, minutes, seconds);
  if (*out == NULL)
    {
      g_set_error (error, TC_GATT_ERROR, TC_GATT_ERROR_INVALID,
                   "%s: field “%s” at offset %" G_GSIZE_FORMAT " names a day that does not exist",
                   r->what, field, at);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_timestamp (Reader     *r,
                TcReading  *reading,
                const char *field,
                GError    **error)
{
  g_autoptr(GDateTime) ts = NULL;

  if (!read_date_time (r, field, &ts, error))
    return FALSE;
  tc_reading_set_timestamp (reading, ts);
  return TRUE;
}

static gboolean
read_user_id (Reader *r, TcReading *reading, GError **error)
{
  guint8 id;

  if (!read_u8 (r, "User ID", &id, error))
    return FALSE;
  reading->user_id = id;
  return TRUE;
}

static TcReading *
finish (Reader    *r,
        TcReading *reading)
{
  reading->trailing_octets = r->len - r->pos;
  return reading;
}

/* Blood Pressure Measurement 0x2A35 and Intermediate Cuff Pressure 0x2A36 share a layout:
 * Flags(1) | Systolic SFLOAT | Diastolic SFLOAT | MAP SFLOAT | [Time Stamp(7)] | [Pulse Rate SFLOAT]
 * | [User ID(1)] | [Measurement Status(2)]
 * Flags: bit0 units (0 mmHg, 1 kPa), bit1 time stamp, bit2 pulse rate, bit3 user id, bit4 status. */
static TcReading *
parse_bp_layout (const guint8 *data,
                 gsize         len,
                 gboolean      intermediate,
                 GError      **error)
{
  Reader r;
  guint8 flags;
  g_autoptr(TcReading) reading = NULL;
  const char *unit;
  const char *what = intermediate ? "Intermediate Cuff Pressure" : "Blood Pressure Measurement";

  if (!start (&r, what, data, len, &flags, error))
    return NULL;

  unit = (flags & 0x01) ? TC_UNIT_KPA : TC_UNIT_MMHG;
  if (intermediate)
    {
      guint16 unused;

      reading = tc_reading_new (TC_READING_KIND_CUFF_PRESSURE);
      if (!add_sfloat (&r, reading, "Current Cuff Pressure", TC_COMPONENT_CUFF_PRESSURE, 0, unit, error))
        return NULL;
      /* Diastolic and MAP are unused here and set to NaN by the sensor; their values are ignored. */
      if (!read_u16 (&r, "Diastolic (unused)", &unused, error) ||
          !read_u16 (&r, "Mean Arterial Pressure (unused)", &unused, error))
        return NULL;
    }
  else
    {
      reading = tc_reading_new (TC_READING_KIND_BLOOD_PRESSURE);
      if (!add_sfloat (&r, reading, "Systolic", TC_COMPONENT_SYSTOLIC, 0, unit, error) ||
          !add_sfloat (&r, reading, "Diastolic", TC_COMPONENT_DIASTOLIC, 0, unit, error) ||
          !add_sfloat (&r, reading, "Mean Arterial Pressure", TC_COMPONENT_MEAN_ARTERIAL, 0, unit, error))
        return NULL;
    }

  if ((flags & 0x02) && !read_timestamp (&r, reading, "Time Stamp", error))
    return NULL;
  if ((flags & 0x04) &&
      !add_sfloat (&r, reading, "Pulse Rate", TC_COMPONENT_PULSE_RATE, 0, TC_UNIT_PER_MIN, error))
    return NULL;
  if ((flags & 0x08) && !read_user_id (&r, reading, error))
    return NULL;
  if (flags & 0x10)
    {
      gsize at = r.pos;
      guint16 status;
      guint range;

      if (!read_u16 (&r, "Measurement Status", &status, error))
        return NULL;
      range = (status >> 3) & 0x03;
      if (range == 3)
        {
          g_set_error (error, TC_GATT_ERROR, TC_GATT_ERROR_RESERVED_VALUE,
                       "%s: field “Measurement Status” at offset %" G_GSIZE_FORMAT
                       " has the reserved pulse rate range value 3", what, at);
          return NULL;
        }
      if (status & 0x0001)
        reading->status |= TC_READING_STATUS_BODY_MOVEMENT;
      if (status & 0x0002)
        reading->status |= TC_READING_STATUS_CUFF_TOO_LOOSE;
      if (status & 0x0004)
        reading->status |= TC_READING_STATUS_IRREGULAR_PULSE;
      if (range == 1)
        reading->status |= TC_READING_STATUS_PULSE_RATE_TOO_HIGH;
      if (range == 2)
        reading->status |= TC_READING_STATUS_PULSE_RATE_TOO_LOW;
      if (status & 0x0020)
        reading->status |= TC_READING_STATUS_IMPROPER_POSITION;
    }

  return finish (&r, g_steal_pointer (&reading));
}

TcReading *
tc_gatt_parse_blood_pressure (const guint8 *data, gsize len, GError **error)
{
  return parse_bp_layout (data, len, FALSE, error);
}

TcReading *
tc_gatt_parse_intermediate_cuff (const guint8 *data, gsize len, GError **error)
{
  return parse_bp_layout (data, len, TRUE, error);
}

/* Temperature Measurement 0x2A1C:
 * Flags(1) | Temperature FLOAT | [Time Stamp(7)] | [Temperature Type(1)]
 * Flags: bit0 units (0 Celsius, 1 Fahrenheit), bit1 time stamp, bit2 temperature type. */
TcReading *
tc_gatt_parse_temperature (const guint8 *data, gsize len, GError **error)
{
  Reader r;
  guint8 flags;
  g_autoptr(TcReading) reading = NULL;

  if (!start (&r, "Temperature Measurement", data, len, &flags, error))
    return NULL;
  reading = tc_reading_new (TC_READING_KIND_BODY_TEMPERATURE);
  if (!add_float (&r, reading, "Temperature Measurement Value", TC_COMPONENT_BODY_TEMPERATURE,
                  (flags & 0x01) ? TC_UNIT_FAHRENHEIT : TC_UNIT_CELSIUS, error))
    return NULL;
  if ((flags & 0x02) && !read_timestamp (&r, reading, "Time Stamp", error))
    return NULL;
  if (flags & 0x04)
    {
      guint8 type;

      if (!read_u8 (&r, "Temperature Type", &type, error))
        return NULL;
      if (type < TC_TEMPERATURE_TYPE_ARMPIT || type > TC_TEMPERATURE_TYPE_TYMPANUM)
        {
          g_set_error (error, TC_GATT_ERROR, TC_GATT_ERROR_RESERVED_VALUE,
                       "Temperature Measurement: field “Temperature Type” at offset %" G_GSIZE_FORMAT
                       " has the reserved value %u", r.pos - 1, type);
          return NULL;
        }
      reading->temperature_type = (TcTemperatureType) type;
    }
  return finish (&r, g_steal_pointer (&reading));
}

/* Heart Rate Measurement 0x2A37:
 * Flags(1) | HR uint8 or uint16 | [Energy Expended uint16 kJ] | [RR-Interval uint16 1/1024 s]*
 * Flags: bit0 value format (0 uint8, 1 uint16), bits1-2 sensor contact (bit1 detected, bit2
 * supported), bit3 energy expended, bit4 RR-intervals (one or more, to the end of the value). */
TcReading *
tc_gatt_parse_heart_rate (const guint8 *data, gsize len, GError **error)
{
  Reader r;
  guint8 flags;
  guint hr;
  g_autoptr(TcReading) reading = NULL;

  if (!start (&r, "Heart Rate Measurement", data, len, &flags, error))
    return NULL;
  reading = tc_reading_new (TC_READING_KIND_HEART_RATE);

  if (flags & 0x01)
    {
      guint16 v;
      if (!read_u16 (&r, "Heart Rate Measurement Value (uint16)", &v, error))
        return NULL;
      hr = v;
    }
  else
    {
      guint8 v;
      if (!read_u8 (&r, "Heart Rate Measurement Value (uint8)", &v, error))
        return NULL;
      hr = v;
    }
  tc_reading_add_component (reading, TC_COMPONENT_HEART_RATE, TC_VALUE_PRESENT, hr, 0, TC_UNIT_PER_MIN);

  if (flags & 0x04)
    {
      reading->sensor_contact = (flags & 0x02) ? TC_SENSOR_CONTACT_DETECTED : TC_SENSOR_CONTACT_NOT_DETECTED;
      if (!(flags & 0x02))
        reading->status |= TC_READING_STATUS_NO_SENSOR_CONTACT;
    }

  if (flags & 0x08)
    {
      guint16 kj;
      if (!read_u16 (&r, "Energy Expended", &kj, error))
        return NULL;
      tc_reading_add_component (reading, TC_COMPONENT_ENERGY_EXPENDED, TC_VALUE_PRESENT, kj, 0, TC_UNIT_KJ);
    }

  if (flags & 0x10)
    {
      gsize left = r.len - r.pos;
      guint n;
      double rr[TC_READING_MAX_RR_INTERVALS];

      if (!need (&r, 2, "RR-Interval", error))
        return NULL;
      if (left % 2 != 0)
        {
          g_set_error (error, TC_GATT_ERROR, TC_GATT_ERROR_INVALID,
                       "Heart Rate Measurement: field “RR-Interval” at offset %" G_GSIZE_FORMAT
                       " has %" G_GSIZE_FORMAT " octets, not a whole number of uint16 values",
                       r.pos, left);
          return NULL;
        }
      n = (guint) MIN (left / 2, TC_READING_MAX_RR_INTERVALS);
      for (guint i = 0; i < n; i++)
        {
          guint16 v;
          read_u16 (&r, "RR-Interval", &v, NULL);
          rr[i] = v / 1024.0;
        }
      tc_reading_set_rr_intervals (reading, rr, n);
    }
  return finish (&r, g_steal_pointer (&reading));
}

static void
add_plx_status (TcReading *reading,
                guint16    measurement_status,
                gboolean   has_measurement_status,
                guint32    device_status,
                gboolean   has_device_status)
{
  /* bits 0..4 of Measurement Status and 16..23 of Device and Sensor Status are reserved: ignored */
  if (has_measurement_status)
    reading->status |= ((guint64) (measurement_status & 0xFFE0) << TC_READING_STATUS_PLX_MEASUREMENT_SHIFT);
  if (has_device_status)
    reading->status |= ((guint64) (device_status & 0xFFFF) << TC_READING_STATUS_PLX_DEVICE_SHIFT);
}

/* PLX Spot-Check Measurement 0x2A5E:
 * Flags(1) | SpO2 SFLOAT | PR SFLOAT | [Timestamp(7)] | [Measurement Status(2)]
 * | [Device and Sensor Status(3)] | [Pulse Amplitude Index SFLOAT]
 * Flags: bit0 timestamp, bit1 measurement status, bit2 device and sensor status, bit3 PAI,
 * bit4 device clock is not set. */
TcReading *
tc_gatt_parse_plx_spot_check (const guint8 *data, gsize len, GError **error)
{
  Reader r;
  guint8 flags;
  guint16 ms = 0;
  guint32 ds = 0;
  g_autoptr(TcReading) reading = NULL;

  if (!start (&r, "PLX Spot-Check Measurement", data, len, &flags, error))
    return NULL;
  reading = tc_reading_new (TC_READING_KIND_SPO2);
  if (!add_sfloat (&r, reading, "SpO2", TC_COMPONENT_SPO2, 0, TC_UNIT_PERCENT, error) ||
      !add_sfloat (&r, reading, "PR", TC_COMPONENT_PULSE_RATE, 0, TC_UNIT_PER_MIN, error))
    return NULL;
  if ((flags & 0x01) && !read_timestamp (&r, reading, "Timestamp", error))
    return NULL;
  if ((flags & 0x02) && !read_u16 (&r, "Measurement Status", &ms, error))
    return NULL;
  if ((flags & 0x04) && !read_u24 (&r, "Device and Sensor Status", &ds, error))
    return NULL;
  if ((flags & 0x08) &&
      !add_sfloat (&r, reading, "Pulse Amplitude Index", TC_COMPONENT_PULSE_AMPLITUDE_INDEX, 0,
                   TC_UNIT_PERCENT, error))
    return NULL;
  if (flags & 0x10)
    reading->status |= TC_READING_STATUS_DEVICE_CLOCK_NOT_SET;
  add_plx_status (reading, ms, (flags & 0x02) != 0, ds, (flags & 0x04) != 0);
  return finish (&r, g_steal_pointer (&reading));
}

/* PLX Continuous Measurement 0x2A5F:
 * Flags(1) | SpO2PR-Normal (2 SFLOAT) | [SpO2PR-Fast (2 SFLOAT)] | [SpO2PR-Slow (2 SFLOAT)]
 * | [Measurement Status(2)] | [Device and Sensor Status(3)] | [Pulse Amplitude Index SFLOAT]
 * Flags: bit0 fast, bit1 slow, bit2 measurement status, bit3 device and sensor status, bit4 PAI. */
TcReading *
tc_gatt_parse_plx_continuous (const guint8 *data, gsize len, GError **error)
{
  Reader r;
  guint8 flags;
  guint16 ms = 0;
  guint32 ds = 0;
  g_autoptr(TcReading) reading = NULL;

  if (!start (&r, "PLX Continuous Measurement", data, len, &flags, error))
    return NULL;
  reading = tc_reading_new (TC_READING_KIND_SPO2);
  if (!add_sfloat (&r, reading, "SpO2PR-Normal SpO2", TC_COMPONENT_SPO2, 0, TC_UNIT_PERCENT, error) ||
      !add_sfloat (&r, reading, "SpO2PR-Normal PR", TC_COMPONENT_PULSE_RATE, 0, TC_UNIT_PER_MIN, error))
    return NULL;
  if ((flags & 0x01) &&
      (!add_sfloat (&r, reading, "SpO2PR-Fast SpO2", TC_COMPONENT_SPO2_FAST, 0, TC_UNIT_PERCENT, error) ||
       !add_sfloat (&r, reading, "SpO2PR-Fast PR", TC_COMPONENT_PULSE_RATE_FAST, 0, TC_UNIT_PER_MIN, error)))
    return NULL;
  if ((flags & 0x02) &&
      (!add_sfloat (&r, reading, "SpO2PR-Slow SpO2", TC_COMPONENT_SPO2_SLOW, 0, TC_UNIT_PERCENT, error) ||
       !add_sfloat (&r, reading, "SpO2PR-Slow PR", TC_COMPONENT_PULSE_RATE_SLOW, 0, TC_UNIT_PER_MIN, error)))
    return NULL;
  if ((flags & 0x04) && !read_u16 (&r, "Measurement Status", &ms, error))
    return NULL;
  if ((flags & 0x08) && !read_u24 (&r, "Device and Sensor Status", &ds, error))
    return NULL;
  if ((flags & 0x10) &&
      !add_sfloat (&r, reading, "Pulse Amplitude Index", TC_COMPONENT_PULSE_AMPLITUDE_INDEX, 0,
                   TC_UNIT_PERCENT, error))
    return NULL;
  add_plx_status (reading, ms, (flags & 0x04) != 0, ds, (flags & 0x08) != 0);
  return finish (&r, g_steal_pointer (&reading));
}

/* Glucose Measurement 0x2A18:
 * Flags(1) | Sequence Number uint16 | Base Time(7) | [Time Offset sint16 minutes]
 * | [Glucose Concentration SFLOAT + Type-Sample Location(1)] | [Sensor Status Annunciation(2)]
 * Flags: bit0 time offset, bit1 concentration+type+location, bit2 units (0 kg/L, 1 mol/L),
 * bit3 sensor status annunciation, bit4 context information follows.
 * Type is the low nibble (1..10), sample location the high nibble (1..4, 15 = not available). */
TcReading *
tc_gatt_parse_glucose (const guint8 *data, gsize len, GError **error)
{
  Reader r;
  guint8 flags;
  guint16 seq;
  g_autoptr(TcReading) reading = NULL;
  g_autoptr(GDateTime) base = NULL;

  if (!start (&r, "Glucose Measurement", data, len, &flags, error))
    return NULL;
  reading = tc_reading_new (TC_READING_KIND_GLUCOSE);
  if (!read_u16 (&r, "Sequence Number", &seq, error))
    return NULL;
  reading->sequence_number = seq;
  if (!read_date_time (&r, "Base Time", &base, error))
    return NULL;

  if (flags & 0x01)
    {
      guint16 raw;
      if (!read_u16 (&r, "Time Offset", &raw, error))
        return NULL;
      if (base != NULL)
        {
          GDateTime *t = g_date_time_add_minutes (base, (gint16) raw);
          g_date_time_unref (base);
          base = t;
        }
    }
  tc_reading_set_timestamp (reading, base);

  if (flags & 0x02)
    {
      guint8 tl;
      guint type, location;
      gboolean molar = (flags & 0x04) != 0;

      /* kg/L -> mg/dL is 10^5; mol/L -> mmol/L is 10^3 */
      if (!add_sfloat (&r, reading, "Glucose Concentration", TC_COMPONENT_GLUCOSE, molar ? 3 : 5,
                       molar ? TC_UNIT_MMOL_L : TC_UNIT_MG_DL, error))
        return NULL;
      if (!read_u8 (&r, "Type-Sample Location", &tl, error))
        return NULL;
      type = tl & 0x0F;
      location = tl >> 4;
      if (type == 0 || type > 10)
        {
          g_set_error (error, TC_GATT_ERROR, TC_GATT_ERROR_RESERVED_VALUE,
                       "Glucose Measurement: field “Type” at offset %" G_GSIZE_FORMAT
                       " has the reserved value %u", r.pos - 1, type);
          return NULL;
        }
      if (location == 0 || (location > 4 && location < 15))
        {
          g_set_error (error, TC_GATT_ERROR, TC_GATT_ERROR_RESERVED_VALUE,
                       "Glucose Measurement: field “Sample Location” at offset %" G_GSIZE_FORMAT
                       " has the reserved value %u", r.pos - 1, location);
          return NULL;
        }
      reading->glucose_type = (guint8) type;
      reading->sample_location = (guint8) location;
    }

  if (flags & 0x08)
    {
      guint16 ssa;
      if (!read_u16 (&r, "Sensor Status Annunciation", &ssa, error))
        return NULL;
      reading->status |= (guint64) (ssa & 0x0FFF) << TC_READING_STATUS_GLUCOSE_SHIFT;
    }
  reading->context_follows = (flags & 0x10) != 0;
  return finish (&r, g_steal_pointer (&reading));
}

/* Weight Measurement 0x2A9D:
 * Flags(1) | Weight uint16 | [Time Stamp(7)] | [User ID(1)] | [BMI uint16 + Height uint16]
 * Flags: bit0 units (0 SI: 0.005 kg, 0.001 m; 1 imperial: 0.01 lb, 0.1 in), bit1 time stamp,
 * bit2 user id, bit3 BMI and height (one bit for both). Weight 0xFFFF: measurement unsuccessful. */
TcReading *
tc_gatt_parse_weight (const guint8 *data, gsize len, GError **error)
{
  Reader r;
  guint8 flags;
  guint16 w;
  gboolean imperial;
  g_autoptr(TcReading) reading = NULL;

  if (!start (&r, "Weight Measurement", data, len, &flags, error))
    return NULL;
  imperial = (flags & 0x01) != 0;
  reading = tc_reading_new (TC_READING_KIND_BODY_WEIGHT);
  if (!read_u16 (&r, imperial ? "Weight - Imperial" : "Weight - SI", &w, error))
    return NULL;
  if (w == 0xFFFF)
    {
      tc_reading_add_component (reading, TC_COMPONENT_BODY_WEIGHT, TC_VALUE_UNSUCCESSFUL, NAN,
                                imperial ? 2 : 3, imperial ? TC_UNIT_LB : TC_UNIT_KG);
      reading->status |= TC_READING_STATUS_MEASUREMENT_UNSUCCESSFUL;
    }
  else if (imperial)
    tc_reading_add_component (reading, TC_COMPONENT_BODY_WEIGHT, TC_VALUE_PRESENT,
                              round_to (w / 100.0, 2), 2, TC_UNIT_LB);
  else
    tc_reading_add_component (reading, TC_COMPONENT_BODY_WEIGHT, TC_VALUE_PRESENT,
                              round_to (w * 5 / 1000.0, 3), 3, TC_UNIT_KG);

  if ((flags & 0x02) && !read_timestamp (&r, reading, "Time Stamp", error))
    return NULL;
  if ((flags & 0x04) && !read_user_id (&r, reading, error))
    return NULL;
  if (flags & 0x08)
    {
      guint16 bmi, height;
      if (!read_u16 (&r, "BMI", &bmi, error) ||
          !read_u16 (&r, imperial ? "Height - Imperial" : "Height - SI", &height, error))
        return NULL;
      tc_reading_add_component (reading, TC_COMPONENT_BMI, TC_VALUE_PRESENT, round_to (bmi / 10.0, 1), 1,
                                TC_UNIT_KG_M2);
      if (imperial)
        tc_reading_add_component (reading, TC_COMPONENT_BODY_HEIGHT, TC_VALUE_PRESENT,
                                  round_to (height / 10.0, 1), 1, TC_UNIT_INCH);
      else
        tc_reading_add_component (reading, TC_COMPONENT_BODY_HEIGHT, TC_VALUE_PRESENT,
                                  round_to (height / 1000.0, 3), 3, TC_UNIT_M);
    }
  return finish (&r, g_steal_pointer (&reading));
}

gboolean
tc_gatt_is_measurement (guint16 uuid)
{
  switch (uuid)
    {
    case TC_GATT_GLUCOSE_MEASUREMENT:
    case TC_GATT_TEMPERATURE_MEASUREMENT:
    case TC_GATT_BLOOD_PRESSURE_MEASUREMENT:
    case TC_GATT_INTERMEDIATE_CUFF_PRESSURE:
    case TC_GATT_HEART_RATE_MEASUREMENT:
    case TC_GATT_PLX_SPOT_CHECK:
    case TC_GATT_PLX_CONTINUOUS:
    case TC_GATT_WEIGHT_MEASUREMENT:
      return TRUE;
    default:
      return FALSE;
    }
}

const char *
tc_gatt_characteristic_name (guint16 uuid)
{
  switch (uuid)
    {
    case TC_GATT_GLUCOSE_MEASUREMENT: return "Glucose Measurement";
    case TC_GATT_TEMPERATURE_MEASUREMENT: return "Temperature Measurement";
    case TC_GATT_BLOOD_PRESSURE_MEASUREMENT: return "Blood Pressure Measurement";
    case TC_GATT_INTERMEDIATE_CUFF_PRESSURE: return "Intermediate Cuff Pressure";
    case TC_GATT_HEART_RATE_MEASUREMENT: return "Heart Rate Measurement";
    case TC_GATT_PLX_SPOT_CHECK: return "PLX Spot-Check Measurement";
    case TC_GATT_PLX_CONTINUOUS: return "PLX Continuous Measurement";
    case TC_GATT_WEIGHT_MEASUREMENT: return "Weight Measurement";
    default: return NULL;
    }
}

TcReading *
tc_gatt_parse (guint16       uuid,
               const guint8 *data,
               gsize         len,
               GError      **error)
{
  switch (uuid)
    {
    case TC_GATT_GLUCOSE_MEASUREMENT: return tc_gatt_parse_glucose (data, len, error);
    case TC_GATT_TEMPERATURE_MEASUREMENT: return tc_gatt_parse_temperature (data, len, error);
    case TC_GATT_BLOOD_PRESSURE_MEASUREMENT: return tc_gatt_parse_blood_pressure (data, len, error);
    case TC_GATT_INTERMEDIATE_CUFF_PRESSURE: return tc_gatt_parse_intermediate_cuff (data, len, error);
    case TC_GATT_HEART_RATE_MEASUREMENT: return tc_gatt_parse_heart_rate (data, len, error);
    case TC_GATT_PLX_SPOT_CHECK: return tc_gatt_parse_plx_spot_check (data, len, error);
    case TC_GATT_PLX_CONTINUOUS: return tc_gatt_parse_plx_continuous (data, len, error);
    case TC_GATT_WEIGHT_MEASUREMENT: return tc_gatt_parse_weight (data, len, error);
    default:
      g_set_error (error, TC_GATT_ERROR, TC_GATT_ERROR_UNSUPPORTED,
                   "Characteristic 0x%04X is not a supported measurement", uuid);
      return NULL;
    }
}

guint16
tc_gatt_uuid16_from_string (const char *uuid)
{
  static const char base[] = "-0000-1000-8000-00805f9b34fb";
  guint v = 0;

  if (uuid == NULL || strlen (uuid) != 36 || g_ascii_strcasecmp (uuid + 8, base) != 0 ||
      uuid[0] != '0' || uuid[1] != '0' || uuid[2] != '0' || uuid[3] != '0')
    return 0;
  for (int i = 4; i < 8; i++)
    {
      int d = g_ascii_xdigit_value (uuid[i]);
      if (d < 0)
        return 0;
      v = (v << 4) | (guint) d;
    }
  return (guint16) v;
}

char *
tc_gatt_uuid16_to_string (guint16 uuid)
{
  return g_strdup_printf ("0000%04x-0000-1000-8000-00805f9b34fb", uuid);
}
