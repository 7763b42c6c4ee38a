/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Byte vectors written out from the characteristics' field layouts (GATT Specification Supplement /
 * the Bluetooth SIG characteristic definitions). All multi-octet fields are little-endian. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "tc-gatt-parser.h"

/* Date Time used in most vectors: 2024-03-15 10:30:45
 * year 2024 = 0x07E8 -> E8 07, month 03, day 0F, hours 0A, minutes 1E, seconds 2D */
#define TS 0xE8, 0x07, 0x03, 0x0F, 0x0A, 0x1E, 0x2D

typedef struct {
  const char   *name;
  guint16       uuid;
  const guint8 *bytes;
  gsize         len;
  gboolean      rr;      /* ends in RR-intervals: prefixes on a 2-octet boundary are valid */
} Vector;

#define V(n, u, rr_, ...) { n, u, (const guint8[]) { __VA_ARGS__ }, sizeof ((const guint8[]) { __VA_ARGS__ }), rr_ }

static const Vector vectors[] = {
  /* Blood Pressure Measurement 0x2A35 */
  V ("bp-minimal", 0x2A35, FALSE,
     0x00,                 /* flags: mmHg, nothing optional */
     0x78, 0x00,           /* systolic SFLOAT 120 */
     0x50, 0x00,           /* diastolic SFLOAT 80 */
     0x5D, 0x00),          /* MAP SFLOAT 93 */
  V ("bp-all-fields", 0x2A35, FALSE,
     0x1E,                 /* flags: mmHg | time stamp | pulse rate | user id | measurement status */
     0x78, 0x00,           /* systolic 120 */
     0x50, 0x00,           /* diastolic 80 */
     0xFF, 0x07,           /* MAP NaN (cuffs often leave it out) */
     TS,                   /* time stamp 2024-03-15 10:30:45 */
     0x48, 0x00,           /* pulse rate 72 */
     0x02,                 /* user id 2 */
     0x25, 0x00),          /* status 0x0025: body movement (b0), irregular pulse (b2), improper position (b5) */
  V ("bp-kpa", 0x2A35, FALSE,
     0x01,                 /* flags: kPa */
     0xA0, 0xF0,           /* systolic SFLOAT exp -1 mantissa 160 = 16.0 kPa */
     0x6B, 0xF0,           /* diastolic 10.7 kPa */
     0xFF, 0x07),          /* MAP NaN */
  V ("bp-pulse-high", 0x2A35, FALSE,
     0x10, 0x78, 0x00, 0x50, 0x00, 0x5D, 0x00,
     0x08, 0x00),          /* status bits 3-4 = 01: pulse rate exceeds upper limit */
  V ("bp-pulse-low", 0x2A35, FALSE,
     0x10, 0x78, 0x00, 0x50, 0x00, 0x5D, 0x00,
     0x12, 0x00),          /* status bits 3-4 = 10: below lower limit; bit 1 cuff too loose */
  V ("bp-special", 0x2A35, FALSE,
     0x04,                 /* flags: pulse rate */
     0x00, 0x08,           /* systolic NRes */
     0xFE, 0x07,           /* diastolic +INF */
     0x01, 0x08,           /* MAP reserved */
     0x02, 0x08),          /* pulse -INF */
  V ("bp-reserved-flags", 0x2A35, FALSE,
     0xE0,                 /* flags: reserved bits 5-7 set, ignored */
     0x78, 0x00, 0x50, 0x00, 0x5D, 0x00),
  /* Intermediate Cuff Pressure 0x2A36: same layout, current cuff pressure in the systolic slot */
  V ("cuff", 0x2A36, FALSE,
     0x00,                 /* flags: mmHg */
     0x96, 0x00,           /* current cuff pressure 150 */
     0xFF, 0x07,           /* diastolic unused: NaN */
     0xFF, 0x07),          /* MAP unused: NaN */
  V ("cuff-all", 0x2A36, FALSE,
     0x1F,                 /* kPa | time stamp | pulse | user | status */
     0xC8, 0xF0,           /* 20.0 kPa */
     0xFF, 0x07, 0xFF, 0x07,
     TS,
     0x48, 0x00,           /* pulse 72 */
     0xFF,                 /* user id 255 = unknown user */
     0x00, 0x00),          /* status: nothing */
  /* Temperature Measurement 0x2A1C */
  V ("temp-minimal", 0x2A1C, FALSE,
     0x00,                      /* flags: Celsius */
     0x6E, 0x01, 0x00, 0xFF),   /* FLOAT exp -1 mantissa 366 = 36.6 */
  V ("temp-all", 0x2A1C, FALSE,
     0x06,                      /* flags: Celsius | time stamp | temperature type */
     0x6E, 0x01, 0x00, 0xFF,    /* 36.6 */
     TS,
     0x02),                     /* type 2: body (general) */
  V ("temp-fahrenheit", 0x2A1C, FALSE,
     0x05,                      /* flags: Fahrenheit | temperature type */
     0xDA, 0x03, 0x00, 0xFF,    /* FLOAT exp -1 mantissa 986 = 98.6 */
     0x09),                     /* type 9: tympanum */
  V ("temp-nan", 0x2A1C, FALSE,
     0x00, 0xFF, 0xFF, 0x7F, 0x00),  /* FLOAT NaN 0x007FFFFF */
  /* Heart Rate Measurement 0x2A37 */
  V ("hr-u8", 0x2A37, FALSE,
     0x00,                 /* flags: uint8, contact not supported */
     0x48),                /* 72 bpm */
  V ("hr-u16", 0x2A37, FALSE,
     0x01,                 /* flags: uint16 */
     0x2C, 0x01),          /* 300 bpm */
  V ("hr-contact", 0x2A37, FALSE,
     0x06,                 /* flags: contact supported (b2) and detected (b1) */
     0x48),
  V ("hr-no-contact", 0x2A37, FALSE,
     0x04,                 /* flags: contact supported, not detected */
     0x48),
  V ("hr-energy-rr", 0x2A37, TRUE,
     0x18,                 /* flags: energy expended | RR-intervals */
     0x48,                 /* 72 bpm */
     0x10, 0x27,           /* energy 10000 kJ */
     0x00, 0x04,           /* RR 1024/1024 = 1.0 s */
     0x00, 0x02),          /* RR 512/1024 = 0.5 s */
  /* PLX Spot-Check Measurement 0x2A5E */
  V ("plx-spot-minimal", 0x2A5E, FALSE,
     0x00,
     0x62, 0x00,           /* SpO2 98 % */
     0x48, 0x00),          /* PR 72 */
  V ("plx-spot-all", 0x2A5E, FALSE,
     0x1F,                 /* flags: timestamp | meas. status | device status | PAI | clock not set */
     0x62, 0x00, 0x48, 0x00,
     TS,
     0x9F, 0x00,           /* measurement status 0x009F: validated data (b7); b0-4 reserved, ignored */
     0x20, 0x00, 0xFF,     /* device and sensor status 0xFF0020: low perfusion (b5); b16-23 reserved */
     0x2D, 0xF0),          /* PAI SFLOAT exp -1 mantissa 45 = 4.5 % */
  /* PLX Continuous Measurement 0x2A5F */
  V ("plx-cont-minimal", 0x2A5F, FALSE,
     0x00, 0x62, 0x00, 0x48, 0x00),
  V ("plx-cont-all", 0x2A5F, FALSE,
     0x1F,                 /* flags: fast | slow | meas. status | device status | PAI */
     0x62, 0x00, 0x48, 0x00,   /* normal: 98 %, 72 */
     0x61, 0x00, 0x49, 0x00,   /* fast: 97 %, 73 */
     0x63, 0x00, 0x47, 0x00,   /* slow: 99 %, 71 */
     0x00, 0x20,           /* measurement status 0x2000: measurement unavailable (b13) */
     0x00, 0x80, 0x00,     /* device status 0x008000: sensor disconnected (b15) */
     0x2D, 0xF0),          /* PAI 4.5 % */
  /* Glucose Measurement 0x2A18 */
  V ("glucose-minimal", 0x2A18, FALSE,
     0x00,                 /* flags: nothing optional */
     0x01, 0x00,           /* sequence number 1 */
     TS),                  /* base time */
  V ("glucose-kgl", 0x2A18, FALSE,
     0x0B,                 /* flags: time offset | concentration+type+location | kg/L | annunciation */
     0x2A, 0x00,           /* sequence 42 */
     TS,                   /* base time 10:30:45 */
     0xF1, 0xFF,           /* time offset -15 min (signed) -> 10:15:45 */
     0x5F, 0xB0,           /* SFLOAT exp -5 mantissa 95 = 0.00095 kg/L = 95 mg/dL */
     0x11,                 /* type 1 capillary whole blood (low nibble), location 1 finger (high) */
     0x01, 0x00),          /* annunciation: battery low (b0) */
  V ("glucose-moll", 0x2A18, FALSE,
     0x07,                 /* flags: time offset | concentration | mol/L */
     0x02, 0x00,
     TS,
     0x3C, 0x00,           /* time offset +60 min */
     0x37, 0xC0,           /* SFLOAT exp -4 mantissa 55 = 0.0055 mol/L = 5.5 mmol/L */
     0xF4),                /* type 4 venous plasma, location 15 not available */
  /* Weight Measurement 0x2A9D */
  V ("weight-si", 0x2A9D, FALSE,
     0x00,                 /* flags: SI */
     0x14, 0x37),          /* 14100 * 0.005 kg = 70.5 kg */
  V ("weight-si-all", 0x2A9D, FALSE,
     0x0E,                 /* flags: SI | time stamp | user id | BMI and height */
     0x14, 0x37,           /* 70.5 kg */
     TS,
     0x03,                 /* user 3 */
     0xE6, 0x00,           /* BMI 230 * 0.1 = 23.0 */
     0xD6, 0x06),          /* height 1750 * 0.001 m = 1.750 m */
  V ("weight-imperial", 0x2A9D, FALSE,
     0x01,                 /* flags: imperial */
     0xBE, 0x3C),          /* 15550 * 0.01 lb = 155.50 lb */
  V ("weight-imperial-bmi", 0x2A9D, FALSE,
     0x09,                 /* flags: imperial | BMI and height */
     0xBE, 0x3C,
     0xE6, 0x00,           /* BMI 23.0 */
     0xB1, 0x02),          /* height 689 * 0.1 in = 68.9 in */
  V ("weight-unsuccessful", 0x2A9D, FALSE,
     0x00, 0xFF, 0xFF),    /* 0xFFFF: measurement unsuccessful */
};

static const Vector *
find (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    if (strcmp (vectors[i].name, name) == 0)
      return &vectors[i];
  g_assert_not_reached ();
}

/* Parses from an exact-size heap copy so a read past the end shows under ASan/valgrind. */
static TcReading *
parse_len (const Vector *v, gsize len, GError **error)
{
  g_autofree guint8 *copy = g_memdup2 (v->bytes, MAX (len, 1));
  return tc_gatt_parse (v->uuid, len ? copy : NULL, len, error);
}

static TcReading *
parse (const char *name)
{
  const Vector *v = find (name);
  g_autoptr(GError) error = NULL;
  TcReading *r = parse_len (v, v->len, &error);

  if (r == NULL)
    ck_abort_msg ("%s: %s", name, error->message);
  ck_assert_uint_eq (r->trailing_octets, 0);
  return r;
}

static void
check_component (const TcReading *r, TcComponentType type, TcValueState state, double value,
                 const char *unit)
{
  const TcReadingComponent *c = tc_reading_get_component (r, type);

  ck_assert_msg (c != NULL, "component %s missing", tc_component_type_to_string (type));
  ck_assert_int_eq (c->state, state);
  ck_assert_str_eq (c->unit, unit);
  if (state == TC_VALUE_PRESENT)
    ck_assert_double_eq_tol (c->value, value, 1e-9);
  else
    ck_assert (isnan (c->value));
}

static void
check_ts (const TcReading *r, int y, int mo, int d, int h, int mi, int s)
{
  ck_assert_ptr_nonnull (r->timestamp);
  ck_assert_int_eq (g_date_time_get_year (r->timestamp), y);
  ck_assert_int_eq (g_date_time_get_month (r->timestamp), mo);
  ck_assert_int_eq (g_date_time_get_day_of_month (r->timestamp), d);
  ck_assert_int_eq (g_date_time_get_hour (r->timestamp), h);
  ck_assert_int_eq (g_date_time_get_minute (r->timestamp), mi);
  ck_assert_int_eq (g_date_time_get_second (r->timestamp), s);
}

static void
expect_error (guint16 uuid, const guint8 *bytes, gsize len, int code, const char *field)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *copy = g_memdup2 (bytes, len);
  g_autoptr(TcReading) r = tc_gatt_parse (uuid, copy, len, &error);

  ck_assert_ptr_null (r);
  ck_assert_ptr_nonnull (error);
  ck_assert_msg (error->domain == TC_GATT_ERROR && error->code == code,
                 "expected code %d, got %s", code, error->message);
  if (field)
    ck_assert_msg (strstr (error->message, field) != NULL, "“%s” not in: %s", field, error->message);
}

START_TEST (test_blood_pressure)
{
  g_autoptr(TcReading) a = parse ("bp-minimal");
  g_autoptr(TcReading) b = parse ("bp-all-fields");
  g_autoptr(TcReading) c = parse ("bp-kpa");
  g_autoptr(TcReading) hi = parse ("bp-pulse-high");
  g_autoptr(TcReading) lo = parse ("bp-pulse-low");
  g_autoptr(TcReading) sp = parse ("bp-special");
  g_autoptr(TcReading) rf = parse ("bp-reserved-flags");

  ck_assert_int_eq (a->kind, TC_READING_KIND_BLOOD_PRESSURE);
  ck_assert (!a->preliminary);
  ck_assert_uint_eq (a->n_components, 3);
  check_component (a, TC_COMPONENT_SYSTOLIC, TC_VALUE_PRESENT, 120, "mm[Hg]");
  check_component (a, TC_COMPONENT_DIASTOLIC, TC_VALUE_PRESENT, 80, "mm[Hg]");
  check_component (a, TC_COMPONENT_MEAN_ARTERIAL, TC_VALUE_PRESENT, 93, "mm[Hg]");
  ck_assert_ptr_null (a->timestamp);
  ck_assert_int_eq (a->user_id, -1);
  ck_assert_uint_eq (a->status, 0);

  check_component (b, TC_COMPONENT_MEAN_ARTERIAL, TC_VALUE_NAN, NAN, "mm[Hg]");
  check_component (b, TC_COMPONENT_PULSE_RATE, TC_VALUE_PRESENT, 72, "/min");
  check_ts (b, 2024, 3, 15, 10, 30, 45);
  ck_assert_int_eq (b->user_id, 2);
  ck_assert (b->status == (TC_READING_STATUS_BODY_MOVEMENT | TC_READING_STATUS_IRREGULAR_PULSE |
                           TC_READING_STATUS_IMPROPER_POSITION));

  check_component (c, TC_COMPONENT_SYSTOLIC, TC_VALUE_PRESENT, 16.0, "kPa");
  check_component (c, TC_COMPONENT_DIASTOLIC, TC_VALUE_PRESENT, 10.7, "kPa");
  ck_assert_uint_eq (tc_reading_get_component (c, TC_COMPONENT_DIASTOLIC)->decimals, 1);

  ck_assert (hi->status == TC_READING_STATUS_PULSE_RATE_TOO_HIGH);
  ck_assert (lo->status == (TC_READING_STATUS_PULSE_RATE_TOO_LOW | TC_READING_STATUS_CUFF_TOO_LOOSE));

  check_component (sp, TC_COMPONENT_SYSTOLIC, TC_VALUE_NRES, NAN, "mm[Hg]");
  check_component (sp, TC_COMPONENT_DIASTOLIC, TC_VALUE_POSITIVE_INFINITY, NAN, "mm[Hg]");
  check_component (sp, TC_COMPONENT_MEAN_ARTERIAL, TC_VALUE_RESERVED, NAN, "mm[Hg]");
  check_component (sp, TC_COMPONENT_PULSE_RATE, TC_VALUE_NEGATIVE_INFINITY, NAN, "/min");

  ck_assert_uint_eq (rf->n_components, 3);
}
END_TEST

START_TEST (test_blood_pressure_reserved_range)
{
  /* status bits 3-4 = 11 is reserved */
  static const guint8 b[] = { 0x10, 0x78, 0x00, 0x50, 0x00, 0x5D, 0x00, 0x18, 0x00 };
  expect_error (0x2A35, b, sizeof b, TC_GATT_ERROR_RESERVED_VALUE, "Measurement Status");
}
END_TEST

START_TEST (test_cuff)
{
  g_autoptr(TcReading) a = parse ("cuff");
  g_autoptr(TcReading) b = parse ("cuff-all");

  ck_assert_int_eq (a->kind, TC_READING_KIND_CUFF_PRESSURE);
  ck_assert (a->preliminary);
  ck_assert_uint_eq (a->n_components, 1);
  check_component (a, TC_COMPONENT_CUFF_PRESSURE, TC_VALUE_PRESENT, 150, "mm[Hg]");
  check_component (b, TC_COMPONENT_CUFF_PRESSURE, TC_VALUE_PRESENT, 20.0, "kPa");
  check_component (b, TC_COMPONENT_PULSE_RATE, TC_VALUE_PRESENT, 72, "/min");
  ck_assert_int_eq (b->user_id, 255);
  check_ts (b, 2024, 3, 15, 10, 30, 45);
}
END_TEST

START_TEST (test_temperature)
{
  g_autoptr(TcReading) a = parse ("temp-minimal");
  g_autoptr(TcReading) b = parse ("temp-all");
  g_autoptr(TcReading) f = parse ("temp-fahrenheit");
  g_autoptr(TcReading) n = parse ("temp-nan");

  ck_assert_int_eq (a->kind, TC_READING_KIND_BODY_TEMPERATURE);
  check_component (a, TC_COMPONENT_BODY_TEMPERATURE, TC_VALUE_PRESENT, 36.6, "Cel");
  ck_assert_int_eq (a->temperature_type, TC_TEMPERATURE_TYPE_NONE);
  check_ts (b, 2024, 3, 15, 10, 30, 45);
  ck_assert_int_eq (b->temperature_type, TC_TEMPERATURE_TYPE_BODY);
  check_component (f, TC_COMPONENT_BODY_TEMPERATURE, TC_VALUE_PRESENT, 98.6, "[degF]");
  ck_assert_int_eq (f->temperature_type, TC_TEMPERATURE_TYPE_TYMPANUM);
  ck_assert_ptr_null (f->timestamp);
  check_component (n, TC_COMPONENT_BODY_TEMPERATURE, TC_VALUE_NAN, NAN, "Cel");
}
END_TEST

START_TEST (test_temperature_type_reserved)
{
  static const guint8 t0[] = { 0x04, 0x6E, 0x01, 0x00, 0xFF, 0x00 };  /* type 0: reserved */
  static const guint8 t10[] = { 0x04, 0x6E, 0x01, 0x00, 0xFF, 0x0A }; /* type 10: reserved */
  expect_error (0x2A1C, t0, sizeof t0, TC_GATT_ERROR_RESERVED_VALUE, "Temperature Type");
  expect_error (0x2A1C, t10, sizeof t10, TC_GATT_ERROR_RESERVED_VALUE, "offset 5");
}
END_TEST

START_TEST (test_date_time)
{
  /* flags: time stamp; 36.6; then a date */
  guint8 b[] = { 0x02, 0x6E, 0x01, 0x00, 0xFF, TS };
  g_autoptr(TcReading) r = NULL;
  g_autoptr(GError) error = NULL;

  /* year 0: unknown -> no timestamp, not an error */
  b[5] = 0; b[6] = 0;
  r = tc_gatt_parse (0x2A1C, b, sizeof b, &error);
  ck_assert_ptr_nonnull (r);
  ck_assert_ptr_null (r->timestamp);
  g_clear_pointer (&r, tc_reading_free);

  /* month 0 and day 0 are "not known" too */
  b[5] = 0xE8; b[6] = 0x07; b[7] = 0;
  r = tc_gatt_parse (0x2A1C, b, sizeof b, &error);
  ck_assert_ptr_nonnull (r);
  ck_assert_ptr_null (r->timestamp);
  g_clear_pointer (&r, tc_reading_free);
  b[7] = 3; b[8] = 0;
  r = tc_gatt_parse (0x2A1C, b, sizeof b, &error);
  ck_assert_ptr_nonnull (r);
  ck_assert_ptr_null (r->timestamp);
  g_clear_pointer (&r, tc_reading_free);
  b[8] = 15;

  /* month 13, hour 24, minute 60, second 60, year 1581, Feb 30: invalid */
  b[7] = 13;
  expect_error (0x2A1C, b, sizeof b, TC_GATT_ERROR_INVALID, "Time Stamp");
  b[7] = 3; b[9] = 24;
  expect_error (0x2A1C, b, sizeof b, TC_GATT_ERROR_INVALID, "offset 5");
  b[9] = 10; b[10] = 60;
  expect_error (0x2A1C, b, sizeof b, TC_GATT_ERROR_INVALID, NULL);
  b[10] = 30; b[11] = 60;
  expect_error (0x2A1C, b, sizeof b, TC_GATT_ERROR_INVALID, NULL);
  b[11] = 45; b[5] = 0x2D; b[6] = 0x06;   /* 1581 */
  expect_error (0x2A1C, b, sizeof b, TC_GATT_ERROR_INVALID, NULL);
  b[5] = 0xE8; b[6] = 0x07; b[7] = 2; b[8] = 30;
  expect_error (0x2A1C, b, sizeof b, TC_GATT_ERROR_INVALID, NULL);
  /* 29 February 2024 exists */
  b[8] = 29;
  r = tc_gatt_parse (0x2A1C, b, sizeof b, &error);
  ck_assert_ptr_nonnull (r);
  check_ts (r, 2024, 2, 29, 10, 30, 45);
}
END_TEST

START_TEST (test_heart_rate)
{
  g_autoptr(TcReading) a = parse ("hr-u8");
  g_autoptr(TcReading) b = parse ("hr-u16");
  g_autoptr(TcReading) c = parse ("hr-contact");
  g_autoptr(TcReading) d = parse ("hr-no-contact");
  g_autoptr(TcReading) e = parse ("hr-energy-rr");

  ck_assert_int_eq (a->kind, TC_READING_KIND_HEART_RATE);
  check_component (a, TC_COMPONENT_HEART_RATE, TC_VALUE_PRESENT, 72, "/min");
  ck_assert_int_eq (a->sensor_contact, TC_SENSOR_CONTACT_UNSUPPORTED);
  ck_assert_uint_eq (a->status, 0);
  check_component (b, TC_COMPONENT_HEART_RATE, TC_VALUE_PRESENT, 300, "/min");
  ck_assert_int_eq (c->sensor_contact, TC_SENSOR_CONTACT_DETECTED);
  ck_assert_uint_eq (c->status, 0);
  ck_assert_int_eq (d->sensor_contact, TC_SENSOR_CONTACT_NOT_DETECTED);
  ck_assert (d->status == TC_READING_STATUS_NO_SENSOR_CONTACT);
  check_component (e, TC_COMPONENT_ENERGY_EXPENDED, TC_VALUE_PRESENT, 10000, "kJ");
  ck_assert_uint_eq (e->n_rr_intervals, 2);
  ck_assert_double_eq (e->rr_intervals[0], 1.0);
  ck_assert_double_eq (e->rr_intervals[1], 0.5);
}
END_TEST

START_TEST (test_heart_rate_bit1_alone)
{
  /* bit 1 (detected) without bit 2 (supported) still means "not supported" */
  static const guint8 b[] = { 0x02, 0x48 };
  g_autoptr(TcReading) r = tc_gatt_parse (0x2A37, b, sizeof b, NULL);
  ck_assert_ptr_nonnull (r);
  ck_assert_int_eq (r->sensor_contact, TC_SENSOR_CONTACT_UNSUPPORTED);
}
END_TEST

START_TEST (test_heart_rate_rr_errors)
{
  static const guint8 odd[] = { 0x10, 0x48, 0x00, 0x04, 0x00 };   /* 3 octets of RR */
  static const guint8 none[] = { 0x10, 0x48 };                     /* flag set, no RR at all */
  g_autoptr(TcReading) many = NULL;
  guint8 big[1 + 1 + 2 * 255];

  expect_error (0x2A37, odd, sizeof odd, TC_GATT_ERROR_INVALID, "RR-Interval");
  expect_error (0x2A37, none, sizeof none, TC_GATT_ERROR_TRUNCATED, "RR-Interval");

  /* the most RR-intervals a 512-octet value can hold */
  memset (big, 0, sizeof big);
  big[0] = 0x10;
  big[1] = 60;
  for (guint i = 0; i < 255; i++)
    big[2 + 2 * i] = (guint8) i;
  many = tc_gatt_parse (0x2A37, big, sizeof big, NULL);
  ck_assert_ptr_nonnull (many);
  ck_assert_uint_eq (many->n_rr_intervals, 255);
  ck_assert_double_eq (many->rr_intervals[254], 254 / 1024.0);
}
END_TEST

START_TEST (test_plx)
{
  g_autoptr(TcReading) a = parse ("plx-spot-minimal");
  g_autoptr(TcReading) b = parse ("plx-spot-all");
  g_autoptr(TcReading) c = parse ("plx-cont-minimal");
  g_autoptr(TcReading) d = parse ("plx-cont-all");
  guint64 validated = TC_STATUS_BIT (7 + TC_READING_STATUS_PLX_MEASUREMENT_SHIFT);
  guint64 low_perfusion = TC_STATUS_BIT (5 + TC_READING_STATUS_PLX_DEVICE_SHIFT);

  ck_assert_int_eq (a->kind, TC_READING_KIND_SPO2);
  check_component (a, TC_COMPONENT_SPO2, TC_VALUE_PRESENT, 98, "%");
  check_component (a, TC_COMPONENT_PULSE_RATE, TC_VALUE_PRESENT, 72, "/min");
  ck_assert_uint_eq (a->n_components, 2);

  check_ts (b, 2024, 3, 15, 10, 30, 45);
  check_component (b, TC_COMPONENT_PULSE_AMPLITUDE_INDEX, TC_VALUE_PRESENT, 4.5, "%");
  ck_assert (b->status == (validated | low_perfusion | TC_READING_STATUS_DEVICE_CLOCK_NOT_SET));
  ck_assert_ptr_nonnull (tc_reading_status_lookup_code ("validated-data"));
  ck_assert (tc_reading_status_lookup_code ("validated-data")->bit == validated);
  ck_assert (tc_reading_status_lookup_code ("low-perfusion")->bit == low_perfusion);

  ck_assert_uint_eq (c->n_components, 2);
  ck_assert_ptr_null (c->timestamp);
  check_component (d, TC_COMPONENT_SPO2_FAST, TC_VALUE_PRESENT, 97, "%");
  check_component (d, TC_COMPONENT_PULSE_RATE_FAST, TC_VALUE_PRESENT, 73, "/min");
  check_component (d, TC_COMPONENT_SPO2_SLOW, TC_VALUE_PRESENT, 99, "%");
  check_component (d, TC_COMPONENT_PULSE_RATE_SLOW, TC_VALUE_PRESENT, 71, "/min");
  ck_assert (d->status == (tc_reading_status_lookup_code ("measurement-unavailable")->bit |
                           tc_reading_status_lookup_code ("sensor-disconnected")->bit));
}
END_TEST

START_TEST (test_glucose)
{
  g_autoptr(TcReading) a = parse ("glucose-minimal");
  g_autoptr(TcReading) b = parse ("glucose-kgl");
  g_autoptr(TcReading) c = parse ("glucose-moll");

  ck_assert_int_eq (a->kind, TC_READING_KIND_GLUCOSE);
  ck_assert_uint_eq (a->n_components, 0);
  ck_assert_int_eq (a->sequence_number, 1);
  check_ts (a, 2024, 3, 15, 10, 30, 45);

  ck_assert_int_eq (b->sequence_number, 42);
  check_ts (b, 2024, 3, 15, 10, 15, 45);   /* base time - 15 minutes */
  check_component (b, TC_COMPONENT_GLUCOSE, TC_VALUE_PRESENT, 95, "mg/dL");
  ck_assert_uint_eq (tc_reading_get_component (b, TC_COMPONENT_GLUCOSE)->decimals, 0);
  ck_assert_uint_eq (b->glucose_type, 1);
  ck_assert_uint_eq (b->sample_location, 1);
  ck_assert (b->status == tc_reading_status_lookup_code ("battery-low")->bit);

  check_ts (c, 2024, 3, 15, 11, 30, 45);   /* base time + 60 minutes */
  check_component (c, TC_COMPONENT_GLUCOSE, TC_VALUE_PRESENT, 5.5, "mmol/L");
  ck_assert_uint_eq (tc_reading_get_component (c, TC_COMPONENT_GLUCOSE)->decimals, 1);
  ck_assert_uint_eq (c->glucose_type, 4);
  ck_assert_uint_eq (c->sample_location, 15);
}
END_TEST

START_TEST (test_glucose_reserved)
{
  guint8 b[] = { 0x02, 0x01, 0x00, TS, 0x5F, 0xB0, 0x11 };

  b[12] = 0x10;   /* type 0 */
  expect_error (0x2A18, b, sizeof b, TC_GATT_ERROR_RESERVED_VALUE, "Type");
  b[12] = 0x1B;   /* type 11 */
  expect_error (0x2A18, b, sizeof b, TC_GATT_ERROR_RESERVED_VALUE, "Type");
  b[12] = 0x51;   /* location 5 */
  expect_error (0x2A18, b, sizeof b, TC_GATT_ERROR_RESERVED_VALUE, "Sample Location");
  b[12] = 0x01;   /* location 0 */
  expect_error (0x2A18, b, sizeof b, TC_GATT_ERROR_RESERVED_VALUE, "Sample Location");
}
END_TEST

START_TEST (test_glucose_unknown_base_time)
{
  /* base time year 0 with an offset: no timestamp rather than a made-up one */
  static const guint8 b[] = { 0x01, 0x01, 0x00, 0x00, 0x00, 0x03, 0x0F, 0x0A, 0x1E, 0x2D, 0x05, 0x00 };
  g_autoptr(TcReading) r = tc_gatt_parse (0x2A18, b, sizeof b, NULL);
  ck_assert_ptr_nonnull (r);
  ck_assert_ptr_null (r->timestamp);
}
END_TEST

START_TEST (test_weight)
{
  g_autoptr(TcReading) a = parse ("weight-si");
  g_autoptr(TcReading) b = parse ("weight-si-all");
  g_autoptr(TcReading) c = parse ("weight-imperial");
  g_autoptr(TcReading) d = parse ("weight-imperial-bmi");
  g_autoptr(TcReading) e = parse ("weight-unsuccessful");

  ck_assert_int_eq (a->kind, TC_READING_KIND_BODY_WEIGHT);
  check_component (a, TC_COMPONENT_BODY_WEIGHT, TC_VALUE_PRESENT, 70.5, "kg");
  ck_assert_uint_eq (tc_reading_get_component (a, TC_COMPONENT_BODY_WEIGHT)->decimals, 3);
  ck_assert_uint_eq (a->n_components, 1);

  check_ts (b, 2024, 3, 15, 10, 30, 45);
  ck_assert_int_eq (b->user_id, 3);
  check_component (b, TC_COMPONENT_BMI, TC_VALUE_PRESENT, 23.0, "kg/m2");
  check_component (b, TC_COMPONENT_BODY_HEIGHT, TC_VALUE_PRESENT, 1.75, "m");

  check_component (c, TC_COMPONENT_BODY_WEIGHT, TC_VALUE_PRESENT, 155.5, "[lb_av]");
  check_component (d, TC_COMPONENT_BODY_HEIGHT, TC_VALUE_PRESENT, 68.9, "[in_i]");
  check_component (d, TC_COMPONENT_BMI, TC_VALUE_PRESENT, 23.0, "kg/m2");

  check_component (e, TC_COMPONENT_BODY_WEIGHT, TC_VALUE_UNSUCCESSFUL, NAN, "kg");
  ck_assert (e->status == TC_READING_STATUS_MEASUREMENT_UNSUCCESSFUL);
}
END_TEST

START_TEST (test_weight_bmi_without_height)
{
  /* bit 3 announces BMI and height together: BMI alone is a truncated value */
  static const guint8 b[] = { 0x08, 0x14, 0x37, 0xE6, 0x00 };
  expect_error (0x2A9D, b, sizeof b, TC_GATT_ERROR_TRUNCATED, "Height - SI");
}
END_TEST

/* Every prefix of every vector: a clear TRUNCATED error naming a field, never a crash. */
START_TEST (test_truncated_every_length)
{
  const Vector *v = &vectors[_i];

  for (gsize len = 0; len < v->len; len++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TcReading) r = parse_len (v, len, &error);

      if (v->rr && len >= 4 && r != NULL)
        continue;   /* a prefix ending on an RR boundary is a valid shorter list */
      ck_assert_msg (r == NULL, "%s: prefix of %" G_GSIZE_FORMAT " octets parsed", v->name, len);
      ck_assert_ptr_nonnull (error);
      ck_assert (error->domain == TC_GATT_ERROR);
      if (v->rr && error->code == TC_GATT_ERROR_INVALID)
        continue;   /* odd number of RR octets */
      ck_assert_msg (error->code == TC_GATT_ERROR_TRUNCATED, "%s/%" G_GSIZE_FORMAT ": %s",
                     v->name, len, error->message);
      ck_assert (strstr (error->message, "field “") != NULL);
      ck_assert (strstr (error->message, "offset") != NULL);
    }
}
END_TEST

/* Octets after the last announced field are ignored and counted. */
START_TEST (test_trailing_octets)
{
  const Vector *v = &vectors[_i];
  g_autofree guint8 *b = g_malloc (v->len + 3);
  g_autoptr(TcReading) r = NULL;
  g_autoptr(GError) error = NULL;

  if (v->rr)
    return;   /* RR-intervals run to the end of the value */
  memcpy (b, v->bytes, v->len);
  b[v->len] = 0xAA; b[v->len + 1] = 0xBB; b[v->len + 2] = 0xCC;
  r = tc_gatt_parse (v->uuid, b, v->len + 3, &error);
  ck_assert_msg (r != NULL, "%s: %s", v->name, error ? error->message : "");
  ck_assert_uint_eq (r->trailing_octets, 3);
}
END_TEST

START_TEST (test_misc)
{
  guint8 big[TC_GATT_MAX_VALUE_LENGTH + 1] = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *s = tc_gatt_uuid16_to_string (0x2A35);

  expect_error (0x2A00, big, 4, TC_GATT_ERROR_UNSUPPORTED, NULL);
  expect_error (0x2A37, big, sizeof big, TC_GATT_ERROR_INVALID, NULL);
  ck_assert_ptr_null (tc_gatt_parse (0x2A35, NULL, 0, &error));
  ck_assert_int_eq (error->code, TC_GATT_ERROR_TRUNCATED);

  ck_assert_str_eq (s, "00002a35-0000-1000-8000-00805f9b34fb");
  ck_assert_uint_eq (tc_gatt_uuid16_from_string ("00002A9D-0000-1000-8000-00805F9B34FB"), 0x2A9D);
  ck_assert_uint_eq (tc_gatt_uuid16_from_string ("00002a35-0000-1000-8000-00805f9b34fc"), 0);
  ck_assert_uint_eq (tc_gatt_uuid16_from_string ("12342a35-0000-1000-8000-00805f9b34fb"), 0);
  ck_assert_uint_eq (tc_gatt_uuid16_from_string ("0000zz35-0000-1000-8000-00805f9b34fb"), 0);
  ck_assert_uint_eq (tc_gatt_uuid16_from_string (NULL), 0);
}
END_TEST

static Suite *
gatt_suite (void)
{
  Suite *s = suite_create ("gatt-parser");
  TCase *tc = tcase_create ("characteristics");
  TCase *tl = tcase_create ("lengths");

  tcase_add_test (tc, test_blood_pressure);
  tcase_add_test (tc, test_blood_pressure_reserved_range);
  tcase_add_test (tc, test_cuff);
  tcase_add_test (tc, test_temperature);
  tcase_add_test (tc, test_temperature_type_reserved);
  tcase_add_test (tc, test_date_time);
  tcase_add_test (tc, test_heart_rate);
  tcase_add_test (tc, test_heart_rate_bit1_alone);
  tcase_add_test (tc, test_heart_rate_rr_errors);
  tcase_add_test (tc, test_plx);
  tcase_add_test (tc, test_glucose);
  tcase_add_test (tc, test_glucose_reserved);
  tcase_add_test (tc, test_glucose_unknown_base_time);
  tcase_add_test (tc, test_weight);
  tcase_add_test (tc, test_weight_bmi_without_height);
  tcase_add_test (tc, test_misc);
  tcase_add_loop_test (tl, test_truncated_every_length, 0, G_N_ELEMENTS (vectors));
  tcase_add_loop_test (tl, test_trailing_octets, 0, G_N_ELEMENTS (vectors));
  suite_add_tcase (s, tc);
  suite_add_tcase (s, tl);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (gatt_suite ());
  int failed;

  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
