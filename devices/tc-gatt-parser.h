/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bluetooth SIG health characteristics -> TcReading. Pure: no I/O, bounded, never reads past the end.
 *
 * Policy (see docs/devices.md):
 *  - a field that does not fit in the value: TC_GATT_ERROR_TRUNCATED, message names field and offset;
 *  - a value the specification does not allow (month 13, odd RR-interval octets, a value longer than
 *    an attribute can be): TC_GATT_ERROR_INVALID;
 *  - an enumeration value the specification reserves (temperature type 0, pulse rate range 3, glucose
 *    type 0): TC_GATT_ERROR_RESERVED_VALUE;
 *  - reserved flag and status bits are ignored, as the specifications ask of a receiver;
 *  - octets after the last field the flags announce are ignored (later versions of a characteristic
 *    may append fields) and counted in TcReading.trailing_octets.
 */
#pragma once

#include <glib.h>

#include "tc-reading.h"

G_BEGIN_DECLS

#define TC_GATT_ERROR (tc_gatt_error_quark ())
GQuark tc_gatt_error_quark (void);

typedef enum {
  TC_GATT_ERROR_TRUNCATED,
  TC_GATT_ERROR_INVALID,
  TC_GATT_ERROR_RESERVED_VALUE,
  TC_GATT_ERROR_UNSUPPORTED,     /* a characteristic we do not parse */
} TcGattError;

/* An attribute value is at most 512 octets (Core Specification, Vol 3 Part F 3.2.9). */
#define TC_GATT_MAX_VALUE_LENGTH 512

#define TC_GATT_GLUCOSE_MEASUREMENT        0x2A18
#define TC_GATT_TEMPERATURE_MEASUREMENT    0x2A1C
#define TC_GATT_BLOOD_PRESSURE_MEASUREMENT 0x2A35
#define TC_GATT_INTERMEDIATE_CUFF_PRESSURE 0x2A36
#define TC_GATT_HEART_RATE_MEASUREMENT     0x2A37
#define TC_GATT_PLX_SPOT_CHECK             0x2A5E
#define TC_GATT_PLX_CONTINUOUS             0x2A5F
#define TC_GATT_WEIGHT_MEASUREMENT         0x2A9D

#define TC_GATT_SERVICE_GLUCOSE            0x1808
#define TC_GATT_SERVICE_HEALTH_THERMOMETER 0x1809
#define TC_GATT_SERVICE_DEVICE_INFORMATION 0x180A
#define TC_GATT_SERVICE_HEART_RATE         0x180D
#define TC_GATT_SERVICE_BLOOD_PRESSURE     0x1810
#define TC_GATT_SERVICE_WEIGHT_SCALE       0x181D
#define TC_GATT_SERVICE_PULSE_OXIMETER     0x1822

#define TC_GATT_RECORD_ACCESS_CONTROL_POINT 0x2A52
#define TC_GATT_MODEL_NUMBER_STRING        0x2A24
#define TC_GATT_SERIAL_NUMBER_STRING       0x2A25
#define TC_GATT_MANUFACTURER_NAME_STRING   0x2A29

/* Dispatches on the characteristic's 16-bit UUID. */
TcReading *tc_gatt_parse                      (guint16        uuid,
                                               const guint8  *data,
                                               gsize          len,
                                               GError       **error);
gboolean   tc_gatt_is_measurement             (guint16        uuid);
const char *tc_gatt_characteristic_name       (guint16        uuid);

TcReading *tc_gatt_parse_blood_pressure       (const guint8 *data, gsize len, GError **error);
TcReading *tc_gatt_parse_intermediate_cuff    (const guint8 *data, gsize len, GError **error);
TcReading *tc_gatt_parse_temperature          (const guint8 *data, gsize len, GError **error);
TcReading *tc_gatt_parse_heart_rate           (const guint8 *data, gsize len, GError **error);
TcReading *tc_gatt_parse_plx_spot_check       (const guint8 *data, gsize len, GError **error);
TcReading *tc_gatt_parse_plx_continuous       (const guint8 *data, gsize len, GError **error);
TcReading *tc_gatt_parse_glucose              (const guint8 *data, gsize len, GError **error);
TcReading *tc_gatt_parse_weight               (const guint8 *data, gsize len, GError **error);

/* "00002a35-0000-1000-8000-00805f9b34fb" -> 0x2A35; 0 when not a Bluetooth base UUID. */
guint16    tc_gatt_uuid16_from_string         (const char *uuid);
/* 0x2A35 -> "00002a35-0000-1000-8000-00805f9b34fb" (newly allocated) */
char      *tc_gatt_uuid16_to_string           (guint16 uuid);

G_END_DECLS
