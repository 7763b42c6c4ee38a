/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzes the devices layer's parsers. The first byte selects the target:
 *   0..7  a GATT characteristic (0x2A35, 0x2A36, 0x2A1C, 0x2A37, 0x2A5E, 0x2A5F, 0x2A18, 0x2A9D),
 *         the rest of the input is its value;
 *   8     a FHIR Observation (JSON text);
 *   9     a data-channel reading message (JSON text).
 * Beyond "never crashes": a refusal carries an error of the right domain; an accepted
 * characteristic maps to an Observation that the receiving side accepts back with the same
 * kind and values, and re-encodes to bytes the parser accepts; an accepted Observation
 * maps to JSON that is accepted again. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-target.h"
#include "tc-fhir.h"
#include "tc-gatt-parser.h"
#include "tc-gatt-writer.h"
#include "tc-reading-message.h"

static const guint16 uuids[] = {
  TC_GATT_BLOOD_PRESSURE_MEASUREMENT, TC_GATT_INTERMEDIATE_CUFF_PRESSURE, TC_GATT_TEMPERATURE_MEASUREMENT,
  TC_GATT_HEART_RATE_MEASUREMENT, TC_GATT_PLX_SPOT_CHECK, TC_GATT_PLX_CONTINUOUS,
  TC_GATT_GLUCOSE_MEASUREMENT, TC_GATT_WEIGHT_MEASUREMENT,
};

static void
same_values (const TcReading *a, const TcReading *b)
{
  if (a->kind != b->kind || a->status != b->status || strcmp (a->id, b->id) != 0)
    abort ();
  for (guint i = 0; i < b->n_components; i++)
    {
      const TcReadingComponent *cb = &b->components[i];
      const TcReadingComponent *ca = tc_reading_get_component (a, cb->type);

      if (ca == NULL || ca->state != cb->state)
        abort ();
      if (cb->state == TC_VALUE_PRESENT && fabs (ca->value - cb->value) > 1e-9 * MAX (1.0, fabs (ca->value)))
        abort ();
    }
}

static void
fuzz_characteristic (guint16 uuid, const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcReading) reading = tc_gatt_parse (uuid, data, size, &error);
  g_autofree char *json = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (reading == NULL)
    {
      if (error == NULL || error->domain != TC_GATT_ERROR || error->message == NULL)
        abort ();
      return;
    }
  if (error != NULL || reading->trailing_octets > size)
    abort ();

  json = tc_fhir_observation_to_string (reading, NULL, &error);
  if (json != NULL)
    {
      g_autoptr(GError) error2 = NULL;
      g_autoptr(TcReading) back = tc_fhir_observation_parse (json, strlen (json), &error2);
      if (back == NULL)
        abort ();   /* we produced something our own receiver refuses */
      same_values (reading, back);
    }
  else if (error == NULL || error->domain != TC_FHIR_ERROR)
    abort ();
  g_clear_error (&error);

  /* what a simulated sensor would send for this reading is itself a valid value */
  bytes = tc_gatt_encode (uuid, reading, &error);
  if (bytes != NULL)
    {
      g_autoptr(GError) error3 = NULL;
      g_autoptr(TcReading) again = tc_gatt_parse (uuid, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error3);
      if (again == NULL || again->kind != reading->kind)
        abort ();
    }
}

static void
fuzz_observation (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcReading) reading = tc_fhir_observation_parse ((const char *) data, size, &error);
  g_autofree char *json = NULL;

  if (reading == NULL)
    {
      if (error == NULL || error->domain != TC_FHIR_ERROR || error->message == NULL)
        abort ();
      return;
    }
  json = tc_fhir_observation_to_string (reading, NULL, &error);
  if (json != NULL)
    {
      g_autoptr(TcReading) back = tc_fhir_observation_parse (json, strlen (json), NULL);
      if (back == NULL)
        abort ();
      same_values (reading, back);
    }
}

static void
fuzz_message (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcReadingMessage) msg = tc_reading_message_decode ((const char *) data, size, &error);

  if (msg == NULL)
    {
      if (error == NULL || error->message == NULL)
        abort ();
      return;
    }
  if (!g_uuid_string_is_valid (msg->id))
    abort ();
  if (msg->type == TC_READING_MESSAGE_READING)
    {
      g_autofree char *again = NULL;
      g_autoptr(TcReadingMessage) msg2 = NULL;

      if (msg->reading == NULL || msg->observation == NULL || strcmp (msg->reading->id, msg->id) != 0)
        abort ();
      again = tc_reading_message_encode_reading (msg->id, msg->observation);
      msg2 = tc_reading_message_decode (again, strlen (again), NULL);
      if (msg2 == NULL)
        abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size < 1)
    return 0;
  if (data[0] < G_N_ELEMENTS (uuids))
    fuzz_characteristic (uuids[data[0]], data + 1, size - 1);
  else if (data[0] == 8)
    fuzz_observation (data + 1, size - 1);
  else if (data[0] == 9)
    fuzz_message (data + 1, size - 1);
  return 0;
}
