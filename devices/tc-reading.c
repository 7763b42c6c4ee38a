/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-reading"

#include "tc-reading.h"

#include <math.h>
#include <string.h>

G_DEFINE_BOXED_TYPE (TcReading, tc_reading, tc_reading_copy, tc_reading_free)

#define PLX_MEAS(n) TC_STATUS_BIT ((n) + TC_READING_STATUS_PLX_MEASUREMENT_SHIFT)
#define PLX_DEV(n)  TC_STATUS_BIT ((n) + TC_READING_STATUS_PLX_DEVICE_SHIFT)
#define GLU(n)      TC_STATUS_BIT ((n) + TC_READING_STATUS_GLUCOSE_SHIFT)

static const TcReadingStatusInfo status_table[] = {
  { TC_READING_STATUS_BODY_MOVEMENT, "body-movement", "Body movement during measurement" },
  { TC_READING_STATUS_CUFF_TOO_LOOSE, "cuff-too-loose", "Cuff too loose" },
  { TC_READING_STATUS_IRREGULAR_PULSE, "irregular-pulse", "Irregular pulse detected" },
  { TC_READING_STATUS_PULSE_RATE_TOO_HIGH, "pulse-rate-above-range", "Pulse rate exceeds upper limit" },
  { TC_READING_STATUS_PULSE_RATE_TOO_LOW, "pulse-rate-below-range", "Pulse rate is less than lower limit" },
  { TC_READING_STATUS_IMPROPER_POSITION, "improper-position", "Improper measurement position" },
  { TC_READING_STATUS_NO_SENSOR_CONTACT, "no-sensor-contact", "Sensor contact not detected" },
  { TC_READING_STATUS_DEVICE_CLOCK_NOT_SET, "device-clock-not-set", "Device clock is not set" },
  { TC_READING_STATUS_MEASUREMENT_UNSUCCESSFUL, "measurement-unsuccessful", "Measurement unsuccessful" },
  /* PLX Measurement Status, bits 5..15 */
  { PLX_MEAS (5), "measurement-ongoing", "Measurement ongoing" },
  { PLX_MEAS (6), "early-estimated-data", "Early estimated data" },
  { PLX_MEAS (7), "validated-data", "Validated data" },
  { PLX_MEAS (8), "fully-qualified-data", "Fully qualified data" },
  { PLX_MEAS (9), "data-from-storage", "Data from measurement storage" },
  { PLX_MEAS (10), "data-for-demonstration", "Data for demonstration" },
  { PLX_MEAS (11), "data-for-testing", "Data for testing" },
  { PLX_MEAS (12), "calibration-ongoing", "Calibration ongoing" },
  { PLX_MEAS (13), "measurement-unavailable", "Measurement unavailable" },
  { PLX_MEAS (14), "questionable-measurement", "Questionable measurement detected" },
  { PLX_MEAS (15), "invalid-measurement", "Invalid measurement detected" },
  /* PLX Device and Sensor Status, bits 0..15 */
  { PLX_DEV (0), "extended-display-update", "Extended display update ongoing" },
  { PLX_DEV (1), "equipment-malfunction", "Equipment malfunction detected" },
  { PLX_DEV (2), "signal-processing-irregularity", "Signal processing irregularity detected" },
  { PLX_DEV (3), "inadequate-signal", "Inadequate signal detected" },
  { PLX_DEV (4), "poor-signal", "Poor signal detected" },
  { PLX_DEV (5), "low-perfusion", "Low perfusion detected" },
  { PLX_DEV (6), "erratic-signal", "Erratic signal detected" },
  { PLX_DEV (7), "nonpulsatile-signal", "Nonpulsatile signal detected" },
  { PLX_DEV (8), "questionable-pulse", "Questionable pulse detected" },
  { PLX_DEV (9), "signal-analysis-ongoing", "Signal analysis ongoing" },
  { PLX_DEV (10), "sensor-interference", "Sensor interference detected" },
  { PLX_DEV (11), "sensor-unconnected", "Sensor unconnected to user" },
  { PLX_DEV (12), "unknown-sensor", "Unknown sensor connected" },
  { PLX_DEV (13), "sensor-displaced", "Sensor displaced" },
  { PLX_DEV (14), "sensor-malfunctioning", "Sensor malfunctioning" },
  { PLX_DEV (15), "sensor-disconnected", "Sensor disconnected" },
  /* Glucose Sensor Status Annunciation, bits 0..11 */
  { GLU (0), "battery-low", "Device battery low at time of measurement" },
  { GLU (1), "sensor-malfunction", "Sensor malfunction or faulting at time of measurement" },
  { GLU (2), "sample-size-insufficient", "Sample size for blood or control solution insufficient" },
  { GLU (3), "strip-insertion-error", "Strip insertion error" },
  { GLU (4), "strip-type-incorrect", "Strip type incorrect for device" },
  { GLU (5), "result-too-high", "Sensor result higher than the device can process" },
  { GLU (6), "result-too-low", "Sensor result lower than the device can process" },
  { GLU (7), "temperature-too-high", "Sensor temperature too high for valid test/result" },
  { GLU (8), "temperature-too-low", "Sensor temperature too low for valid test/result" },
  { GLU (9), "read-interrupted", "Sensor read interrupted because strip was pulled too soon" },
  { GLU (10), "general-device-fault", "General device fault has occurred in the sensor" },
  { GLU (11), "time-fault", "Time fault has occurred in the sensor and time may be inaccurate" },
  { 0, NULL, NULL }
};

const TcReadingStatusInfo *
tc_reading_status_table (void)
{
  return status_table;
}

const TcReadingStatusInfo *
tc_reading_status_lookup_code (const char *code)
{
  for (const TcReadingStatusInfo *i = status_table; code != NULL && i->bit != 0; i++)
    if (strcmp (i->code, code) == 0)
      return i;
  return NULL;
}

TcReading *
tc_reading_new (TcReadingKind kind)
{
  TcReading *self;

  g_return_val_if_fail (kind > TC_READING_KIND_INVALID && kind < TC_READING_N_KINDS, NULL);

  self = g_new0 (TcReading, 1);
  self->id = g_uuid_string_random ();
  self->kind = kind;
  self->user_id = -1;
  self->sequence_number = -1;
  self->preliminary = (kind == TC_READING_KIND_CUFF_PRESSURE);
  return self;
}

TcReading *
tc_reading_copy (const TcReading *reading)
{
  TcReading *copy;

  g_return_val_if_fail (reading != NULL, NULL);

  copy = g_new0 (TcReading, 1);
  *copy = *reading;
  copy->id = g_strdup (reading->id);
  copy->timestamp = reading->timestamp ? g_date_time_ref (reading->timestamp) : NULL;
  copy->rr_intervals = reading->n_rr_intervals
    ? g_memdup2 (reading->rr_intervals, reading->n_rr_intervals * sizeof (double)) : NULL;
  copy->manufacturer = g_strdup (reading->manufacturer);
  copy->model = g_strdup (reading->model);
  copy->serial = g_strdup (reading->serial);
  return copy;
}

void
tc_reading_free (TcReading *reading)
{
  if (reading == NULL)
    return;
  g_free (reading->id);
  g_clear_pointer (&reading->timestamp, g_date_time_unref);
  g_free (reading->rr_intervals);
  g_free (reading->manufacturer);
  g_free (reading->model);
  g_free (reading->serial);
  g_free (reading);
}

gboolean
tc_reading_add_component (TcReading      *reading,
                          TcComponentType type,
                          TcValueState    state,
                          double          value,
                          guint           decimals,
                          const char     *unit)
{
  TcReadingComponent *c;

  g_return_val_if_fail (reading != NULL, FALSE);
  g_return_val_if_fail (type < TC_COMPONENT_N_TYPES, FALSE);
  g_return_val_if_fail (state < TC_VALUE_N_STATES, FALSE);

  if (reading->n_components >= TC_READING_MAX_COMPONENTS)
    return FALSE;
  if (state == TC_VALUE_PRESENT && !isfinite (value))
    return FALSE;

  c = &reading->components[reading->n_components++];
  c->type = type;
  c->state = state;
  c->value = state == TC_VALUE_PRESENT ? value : NAN;
  c->decimals = (guint8) MIN (decimals, 12);
  c->unit = tc_unit_intern (unit);
  return TRUE;
}

const TcReadingComponent *
tc_reading_get_component (const TcReading *reading,
                          TcComponentType  type)
{
  g_return_val_if_fail (reading != NULL, NULL);

  for (guint i = 0; i < reading->n_components; i++)
    if (reading->components[i].type == type)
      return &reading->components[i];
  return NULL;
}

void
tc_reading_set_timestamp (TcReading *reading,
                          GDateTime *timestamp)
{
  g_return_if_fail (reading != NULL);

  if (timestamp)
    g_date_time_ref (timestamp);
  g_clear_pointer (&reading->timestamp, g_date_time_unref);
  reading->timestamp = timestamp;
}

void
tc_reading_set_id (TcReading  *reading,
                   const char *id)
{
  g_return_if_fail (reading != NULL);
  g_return_if_fail (id != NULL);

  g_free (reading->id);
  reading->id = g_strdup (id);
}

char *
tc_reading_stable_id (const char *name)
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize len = sizeof digest;

  g_return_val_if_fail (name != NULL, NULL);

  g_checksum_update (sha1, (const guchar *) "teleconsult-reading:", -1);
  g_checksum_update (sha1, (const guchar *) name, -1);
  g_checksum_get_digest (sha1, digest, &len);
  digest[6] = (digest[6] & 0x0F) | 0x50;   /* version 5 */
  digest[8] = (digest[8] & 0x3F) | 0x80;   /* RFC 4122 variant */
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
                          digest[8], digest[9], digest[10], digest[11], digest[12], digest[13], digest[14],
                          digest[15]);
}

void
tc_reading_set_device_info (TcReading  *reading,
                            const char *manufacturer,
                            const char *model,
                            const char *serial)
{
  g_return_if_fail (reading != NULL);

  g_free (reading->manufacturer);
  g_free (reading->model);
  g_free (reading->serial);
  reading->manufacturer = g_strdup (manufacturer);
  reading->model = g_strdup (model);
  reading->serial = g_strdup (serial);
}

void
tc_reading_set_rr_intervals (TcReading    *reading,
                             const double *seconds,
                             guint         n)
{
  g_return_if_fail (reading != NULL);
  g_return_if_fail (n <= TC_READING_MAX_RR_INTERVALS);

  g_clear_pointer (&reading->rr_intervals, g_free);
  reading->n_rr_intervals = n;
  if (n > 0)
    reading->rr_intervals = g_memdup2 (seconds, n * sizeof (double));
}

static const char *const kind_names[TC_READING_N_KINDS] = {
  [TC_READING_KIND_INVALID] = "invalid",
  [TC_READING_KIND_BLOOD_PRESSURE] = "blood-pressure",
  [TC_READING_KIND_CUFF_PRESSURE] = "cuff-pressure",
  [TC_READING_KIND_BODY_TEMPERATURE] = "body-temperature",
  [TC_READING_KIND_HEART_RATE] = "heart-rate",
  [TC_READING_KIND_SPO2] = "spo2",
  [TC_READING_KIND_GLUCOSE] = "glucose",
  [TC_READING_KIND_BODY_WEIGHT] = "body-weight",
};

const char *
tc_reading_kind_to_string (TcReadingKind kind)
{
  return kind < TC_READING_N_KINDS ? kind_names[kind] : "invalid";
}

TcReadingKind
tc_reading_kind_from_string (const char *str)
{
  for (guint i = 1; str != NULL && i < TC_READING_N_KINDS; i++)
    if (strcmp (kind_names[i], str) == 0)
      return (TcReadingKind) i;
  return TC_READING_KIND_INVALID;
}

static const char *const component_names[TC_COMPONENT_N_TYPES] = {
  [TC_COMPONENT_SYSTOLIC] = "systolic",
  [TC_COMPONENT_DIASTOLIC] = "diastolic",
  [TC_COMPONENT_MEAN_ARTERIAL] = "mean-arterial",
  [TC_COMPONENT_CUFF_PRESSURE] = "cuff-pressure",
  [TC_COMPONENT_PULSE_RATE] = "pulse-rate",
  [TC_COMPONENT_HEART_RATE] = "heart-rate",
  [TC_COMPONENT_ENERGY_EXPENDED] = "energy-expended",
  [TC_COMPONENT_BODY_TEMPERATURE] = "body-temperature",
  [TC_COMPONENT_SPO2] = "spo2",
  [TC_COMPONENT_SPO2_FAST] = "spo2-fast",
  [TC_COMPONENT_PULSE_RATE_FAST] = "pulse-rate-fast",
  [TC_COMPONENT_SPO2_SLOW] = "spo2-slow",
  [TC_COMPONENT_PULSE_RATE_SLOW] = "pulse-rate-slow",
  [TC_COMPONENT_PULSE_AMPLITUDE_INDEX] = "pulse-amplitude-index",
  [TC_COMPONENT_GLUCOSE] = "glucose",
  [TC_COMPONENT_BODY_WEIGHT] = "body-weight",
  [TC_COMPONENT_BMI] = "bmi",
  [TC_COMPONENT_BODY_HEIGHT] = "body-height",
};

const char *
tc_component_type_to_string (TcComponentType type)
{
  return type < TC_COMPONENT_N_TYPES ? component_names[type] : "invalid";
}

TcComponentType
tc_component_type_from_string (const char *str)
{
  for (guint i = 0; str != NULL && i < TC_COMPONENT_N_TYPES; i++)
    if (strcmp (component_names[i], str) == 0)
      return (TcComponentType) i;
  return TC_COMPONENT_N_TYPES;
}

const char *
tc_value_state_to_string (TcValueState state)
{
  static const char *const names[TC_VALUE_N_STATES] = {
    "present", "NaN", "NRes", "+INF", "-INF", "reserved", "unsuccessful",
  };
  return state < TC_VALUE_N_STATES ? names[state] : "invalid";
}

const char *
tc_temperature_type_to_string (TcTemperatureType type)
{
  static const char *const names[] = {
    NULL, "Armpit", "Body (general)", "Ear (usually ear lobe)", "Finger", "Gastro-intestinal tract",
    "Mouth", "Rectum", "Toe", "Tympanum (ear drum)",
  };
  return (guint) type < G_N_ELEMENTS (names) ? names[type] : NULL;
}

const char *
tc_glucose_type_to_string (guint type)
{
  static const char *const names[] = {
    NULL, "Capillary whole blood", "Capillary plasma", "Venous whole blood", "Venous plasma",
    "Arterial whole blood", "Arterial plasma", "Undetermined whole blood", "Undetermined plasma",
    "Interstitial fluid (ISF)", "Control solution",
  };
  return type < G_N_ELEMENTS (names) ? names[type] : NULL;
}

const char *
tc_sample_location_to_string (guint location)
{
  static const char *const names[] = {
    NULL, "Finger", "Alternate site test (AST)", "Earlobe", "Control solution",
  };
  if (location == 15)
    return "Sample location not available";
  return location < G_N_ELEMENTS (names) ? names[location] : NULL;
}

const char *
tc_unit_intern (const char *ucum)
{
  static const char *const units[] = {
    TC_UNIT_MMHG, TC_UNIT_KPA, TC_UNIT_CELSIUS, TC_UNIT_FAHRENHEIT, TC_UNIT_PER_MIN, TC_UNIT_PERCENT,
    TC_UNIT_KJ, TC_UNIT_MG_DL, TC_UNIT_MMOL_L, TC_UNIT_KG, TC_UNIT_LB, TC_UNIT_M, TC_UNIT_INCH,
    TC_UNIT_KG_M2,
  };
  for (guint i = 0; ucum != NULL && i < G_N_ELEMENTS (units); i++)
    if (strcmp (units[i], ucum) == 0)
      return units[i];
  return NULL;
}
