/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One measurement from a medical device, independent of where it came from (GATT, manual entry, FHIR). */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  TC_READING_KIND_INVALID = 0,
  TC_READING_KIND_BLOOD_PRESSURE,    /* 0x2A35 */
  TC_READING_KIND_CUFF_PRESSURE,     /* 0x2A36, intermediate: preliminary */
  TC_READING_KIND_BODY_TEMPERATURE,  /* 0x2A1C */
  TC_READING_KIND_HEART_RATE,        /* 0x2A37 */
  TC_READING_KIND_SPO2,              /* 0x2A5E spot-check, 0x2A5F continuous */
  TC_READING_KIND_GLUCOSE,           /* 0x2A18 */
  TC_READING_KIND_BODY_WEIGHT,       /* 0x2A9D */
  TC_READING_N_KINDS
} TcReadingKind;

typedef enum {
  TC_COMPONENT_SYSTOLIC = 0,
  TC_COMPONENT_DIASTOLIC,
  TC_COMPONENT_MEAN_ARTERIAL,
  TC_COMPONENT_CUFF_PRESSURE,
  TC_COMPONENT_PULSE_RATE,
  TC_COMPONENT_HEART_RATE,
  TC_COMPONENT_ENERGY_EXPENDED,
  TC_COMPONENT_BODY_TEMPERATURE,
  TC_COMPONENT_SPO2,
  TC_COMPONENT_SPO2_FAST,
  TC_COMPONENT_PULSE_RATE_FAST,
  TC_COMPONENT_SPO2_SLOW,
  TC_COMPONENT_PULSE_RATE_SLOW,
  TC_COMPONENT_PULSE_AMPLITUDE_INDEX,
  TC_COMPONENT_GLUCOSE,
  TC_COMPONENT_BODY_WEIGHT,
  TC_COMPONENT_BMI,
  TC_COMPONENT_BODY_HEIGHT,
  TC_COMPONENT_N_TYPES
} TcComponentType;

/* Whether a component carries a number. Special values are never turned into fake numbers. */
typedef enum {
  TC_VALUE_PRESENT = 0,
  TC_VALUE_NAN,
  TC_VALUE_NRES,
  TC_VALUE_POSITIVE_INFINITY,
  TC_VALUE_NEGATIVE_INFINITY,
  TC_VALUE_RESERVED,
  TC_VALUE_UNSUCCESSFUL,   /* e.g. Weight Measurement 0xFFFF */
  TC_VALUE_N_STATES
} TcValueState;

/* UCUM codes (http://unitsofmeasure.org) */
#define TC_UNIT_MMHG     "mm[Hg]"
#define TC_UNIT_KPA      "kPa"
#define TC_UNIT_CELSIUS  "Cel"
#define TC_UNIT_FAHRENHEIT "[degF]"
#define TC_UNIT_PER_MIN  "/min"
#define TC_UNIT_PERCENT  "%"
#define TC_UNIT_KJ       "kJ"
#define TC_UNIT_MG_DL    "mg/dL"
#define TC_UNIT_MMOL_L   "mmol/L"
#define TC_UNIT_KG       "kg"
#define TC_UNIT_LB       "[lb_av]"
#define TC_UNIT_M        "m"
#define TC_UNIT_INCH     "[in_i]"
#define TC_UNIT_KG_M2    "kg/m2"

typedef struct {
  TcComponentType type;
  TcValueState    state;
  double          value;     /* NAN unless state == TC_VALUE_PRESENT */
  guint8          decimals;  /* digits after the point the device's resolution supports */
  const char     *unit;      /* UCUM code, interned (static) string */
} TcReadingComponent;

typedef enum {
  TC_TEMPERATURE_TYPE_NONE = 0,
  TC_TEMPERATURE_TYPE_ARMPIT,
  TC_TEMPERATURE_TYPE_BODY,
  TC_TEMPERATURE_TYPE_EAR,
  TC_TEMPERATURE_TYPE_FINGER,
  TC_TEMPERATURE_TYPE_GASTROINTESTINAL,
  TC_TEMPERATURE_TYPE_MOUTH,
  TC_TEMPERATURE_TYPE_RECTUM,
  TC_TEMPERATURE_TYPE_TOE,
  TC_TEMPERATURE_TYPE_TYMPANUM,
} TcTemperatureType;

typedef enum {
  TC_SENSOR_CONTACT_UNSUPPORTED = 0,
  TC_SENSOR_CONTACT_NOT_DETECTED,
  TC_SENSOR_CONTACT_DETECTED,
} TcSensorContact;

/* Status flags: one 64-bit mask for every kind. Bits are grouped by source field. */
#define TC_STATUS_BIT(n) (G_GUINT64_CONSTANT (1) << (n))
/* Blood Pressure Measurement Status (0x2A35/0x2A36) */
#define TC_READING_STATUS_BODY_MOVEMENT          TC_STATUS_BIT (0)
#define TC_READING_STATUS_CUFF_TOO_LOOSE         TC_STATUS_BIT (1)
#define TC_READING_STATUS_IRREGULAR_PULSE        TC_STATUS_BIT (2)
#define TC_READING_STATUS_PULSE_RATE_TOO_HIGH    TC_STATUS_BIT (3)
#define TC_READING_STATUS_PULSE_RATE_TOO_LOW     TC_STATUS_BIT (4)
#define TC_READING_STATUS_IMPROPER_POSITION      TC_STATUS_BIT (5)
/* Heart rate: sensor contact supported but not detected */
#define TC_READING_STATUS_NO_SENSOR_CONTACT      TC_STATUS_BIT (6)
/* PLX Spot-Check flags bit 4 */
#define TC_READING_STATUS_DEVICE_CLOCK_NOT_SET   TC_STATUS_BIT (7)
/* Weight 0xFFFF */
#define TC_READING_STATUS_MEASUREMENT_UNSUCCESSFUL TC_STATUS_BIT (8)
/* PLX Measurement Status bits 5..15 map to bits 16..26 */
#define TC_READING_STATUS_PLX_MEASUREMENT_SHIFT  11   /* field bit n -> mask bit n + 11 */
#define TC_READING_STATUS_PLX_MEASUREMENT_MASK   (G_GUINT64_CONSTANT (0x7FF) << 16)
/* PLX Device and Sensor Status bits 0..15 map to bits 32..47 */
#define TC_READING_STATUS_PLX_DEVICE_SHIFT       32
#define TC_READING_STATUS_PLX_DEVICE_MASK        (G_GUINT64_CONSTANT (0xFFFF) << 32)
/* Glucose Sensor Status Annunciation bits 0..11 map to bits 48..59 */
#define TC_READING_STATUS_GLUCOSE_SHIFT          48
#define TC_READING_STATUS_GLUCOSE_MASK           (G_GUINT64_CONSTANT (0xFFF) << 48)

typedef struct {
  guint64     bit;
  const char *code;         /* stable machine name, used in FHIR extensions */
  const char *description;  /* English, for notes */
} TcReadingStatusInfo;

#define TC_READING_MAX_COMPONENTS   8
#define TC_READING_MAX_RR_INTERVALS 256   /* a 512-octet attribute value cannot hold more */

typedef struct _TcReading TcReading;

struct _TcReading {
  char              *id;            /* UUID, assigned at creation; deduplication key on delivery */
  TcReadingKind      kind;
  guint              n_components;
  TcReadingComponent components[TC_READING_MAX_COMPONENTS];
  GDateTime         *timestamp;     /* NULL when the device gave no time or an unknown date */
  guint64            status;        /* TC_READING_STATUS_* */
  gboolean           preliminary;   /* intermediate values (cuff pressure) */
  gboolean           manual_entry;  /* typed in by a person, not read from a device */

  /* kind-specific details */
  int                user_id;           /* -1 absent; 255 = unknown user */
  TcTemperatureType  temperature_type;  /* NONE when absent */
  TcSensorContact    sensor_contact;
  guint              n_rr_intervals;
  double            *rr_intervals;      /* seconds, oldest first */
  int                sequence_number;   /* glucose; -1 absent */
  guint8             glucose_type;      /* 0 absent, else 1..10 */
  guint8             sample_location;   /* 0 absent, else 1..4 or 15 */
  gboolean           context_follows;   /* glucose: a Measurement Context will follow */

  /* device information (Device Information Service), NULL when unknown */
  char              *manufacturer;
  char              *model;
  char              *serial;

  gsize              trailing_octets;   /* octets after the last defined field, ignored */
};

#define TC_TYPE_READING (tc_reading_get_type ())
GType      tc_reading_get_type (void) G_GNUC_CONST;

TcReading *tc_reading_new              (TcReadingKind kind);
TcReading *tc_reading_copy             (const TcReading *reading);
void       tc_reading_free             (TcReading *reading);

gboolean   tc_reading_add_component    (TcReading      *reading,
                                        TcComponentType type,
                                        TcValueState    state,
                                        double          value,
                                        guint           decimals,
                                        const char     *unit);
const TcReadingComponent *
           tc_reading_get_component    (const TcReading *reading,
                                        TcComponentType  type);
void       tc_reading_set_timestamp    (TcReading *reading,
                                        GDateTime *timestamp);
void       tc_reading_set_id           (TcReading  *reading,
                                        const char *id);
/* A name-based (version 5 layout, SHA-1) UUID: the same name always gives the same id. Used for
 * records a device may report more than once (glucose meters re-send stored records), so the
 * queue and the receiver recognise the repeat. */
char      *tc_reading_stable_id        (const char *name);
void       tc_reading_set_device_info  (TcReading  *reading,
                                        const char *manufacturer,
                                        const char *model,
                                        const char *serial);
void       tc_reading_set_rr_intervals (TcReading    *reading,
                                        const double *seconds,
                                        guint         n);

const char *tc_reading_kind_to_string      (TcReadingKind kind);
TcReadingKind tc_reading_kind_from_string  (const char *str);
const char *tc_component_type_to_string    (TcComponentType type);
TcComponentType tc_component_type_from_string (const char *str);  /* TC_COMPONENT_N_TYPES if unknown */
const char *tc_value_state_to_string       (TcValueState state);
const char *tc_temperature_type_to_string  (TcTemperatureType type);
const char *tc_glucose_type_to_string      (guint type);
const char *tc_sample_location_to_string   (guint location);
/* The unit string interned as one of the TC_UNIT_* constants, or NULL if not a unit we use. */
const char *tc_unit_intern                 (const char *ucum);

/* Every known status bit, terminated by an entry with bit == 0. */
const TcReadingStatusInfo *tc_reading_status_table (void);
const TcReadingStatusInfo *tc_reading_status_lookup_code (const char *code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcReading, tc_reading_free)

G_END_DECLS
