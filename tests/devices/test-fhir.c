/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <check.h>
#include <math.h>
#include <string.h>

#include "tc-fhir.h"
#include "tc-gatt-parser.h"
#include "tc-json-util.h"

#define TS 0xE8, 0x07, 0x03, 0x0F, 0x0A, 0x1E, 0x2D   /* 2024-03-15 10:30:45 */

static TcReading *
from_bytes (guint16 uuid, const guint8 *b, gsize len)
{
  g_autoptr(GError) error = NULL;
  TcReading *r = tc_gatt_parse (uuid, b, len, &error);
  ck_assert_msg (r != NULL, "%s", error ? error->message : "");
  return r;
}
#define FROM(uuid, ...) from_bytes (uuid, (const guint8[]) { __VA_ARGS__ }, sizeof ((const guint8[]) { __VA_ARGS__ }))

static JsonObject *
to_obs (const TcReading *r, JsonNode **keep)
{
  g_autoptr(GError) error = NULL;
  *keep = tc_fhir_observation_from_reading (r, NULL, &error);
  ck_assert_msg (*keep != NULL, "%s", error ? error->message : "");
  return json_node_get_object (*keep);
}

static gboolean
concept_has (JsonObject *concept, const char *system, const char *code)
{
  JsonArray *codings = json_object_get_array_member (concept, "coding");
  for (guint i = 0; i < json_array_get_length (codings); i++)
    {
      JsonObject *c = json_array_get_object_element (codings, i);
      if (g_strcmp0 (json_object_get_string_member (c, "system"), system) == 0 &&
          g_strcmp0 (json_object_get_string_member (c, "code"), code) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
check_quantity_or_absent (JsonObject *o)
{
  gboolean q = json_object_has_member (o, "valueQuantity");
  gboolean d = json_object_has_member (o, "dataAbsentReason");

  ck_assert (q != d);
  if (q)
    {
      JsonObject *vq = json_object_get_object_member (o, "valueQuantity");
      ck_assert_str_eq (json_object_get_string_member (vq, "system"), "http://unitsofmeasure.org");
      ck_assert (json_object_has_member (vq, "code"));
      ck_assert (json_object_has_member (vq, "value"));
    }
  else
    {
      JsonObject *dar = json_object_get_object_member (o, "dataAbsentReason");
      JsonObject *c = json_array_get_object_element (json_object_get_array_member (dar, "coding"), 0);
      ck_assert_str_eq (json_object_get_string_member (c, "system"),
                        "http://terminology.hl7.org/CodeSystem/data-absent-reason");
    }
}

/* What the vital-signs profile asks of every Observation. */
static void
check_vital_signs (JsonObject *obs, const char *loinc)
{
  JsonArray *cat;

  ck_assert_str_eq (json_object_get_string_member (obs, "resourceType"), "Observation");
  ck_assert (g_uuid_string_is_valid (json_object_get_string_member (obs, "id")));
  ck_assert (json_object_has_member (obs, "status"));
  cat = json_object_get_array_member (obs, "category");
  ck_assert (concept_has (json_array_get_object_element (cat, 0),
                          "http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs"));
  if (loinc)
    ck_assert_msg (concept_has (json_object_get_object_member (obs, "code"), "http://loinc.org", loinc),
                   "code %s missing", loinc);
  ck_assert (json_object_has_member (obs, "effectiveDateTime"));
  ck_assert (json_object_has_member (obs, "valueQuantity") || json_object_has_member (obs, "component") ||
             json_object_has_member (obs, "dataAbsentReason"));
  if (json_object_has_member (obs, "valueQuantity") || json_object_has_member (obs, "dataAbsentReason"))
    check_quantity_or_absent (obs);
  if (json_object_has_member (obs, "component"))
    {
      JsonArray *comps = json_object_get_array_member (obs, "component");
      for (guint i = 0; i < json_array_get_length (comps); i++)
        check_quantity_or_absent (json_array_get_object_element (comps, i));
    }
}

static JsonObject *
find_component (JsonObject *obs, const char *loinc)
{
  JsonArray *comps = json_object_get_array_member (obs, "component");
  for (guint i = 0; comps && i < json_array_get_length (comps); i++)
    {
      JsonObject *c = json_array_get_object_element (comps, i);
      if (concept_has (json_object_get_object_member (c, "code"), "http://loinc.org", loinc))
        return c;
    }
  return NULL;
}

static void
check_qty (JsonObject *o, double value, const char *ucum)
{
  JsonObject *vq;
  ck_assert_ptr_nonnull (o);
  vq = json_object_get_object_member (o, "valueQuantity");
  ck_assert_ptr_nonnull (vq);
  ck_assert_double_eq_tol (json_object_get_double_member (vq, "value"), value, 1e-9);
  ck_assert_str_eq (json_object_get_string_member (vq, "code"), ucum);
}

static const char *
absent_code (JsonObject *o)
{
  JsonObject *d = json_object_get_object_member (o, "dataAbsentReason");
  ck_assert_ptr_nonnull (d);
  ck_assert (!json_object_has_member (o, "valueQuantity"));
  return json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (d, "coding"), 0), "code");
}

START_TEST (test_blood_pressure)
{
  /* flags: time stamp | pulse | status; 120/80, MAP NaN, pulse 72, status body movement */
  g_autoptr(TcReading) r = FROM (0x2A35, 0x16, 0x78, 0x00, 0x50, 0x00, 0xFF, 0x07, TS, 0x48, 0x00, 0x01, 0x00);
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *obs;

  tc_reading_set_device_info (r, "Acme", "BP-1", "SN42");
  obs = to_obs (r, &keep);
  check_vital_signs (obs, "85354-9");
  ck_assert_str_eq (json_object_get_string_member (obs, "status"), "final");
  ck_assert (!json_object_has_member (obs, "valueQuantity"));
  check_qty (find_component (obs, "8480-6"), 120, "mm[Hg]");
  check_qty (find_component (obs, "8462-4"), 80, "mm[Hg]");
  ck_assert_str_eq (absent_code (find_component (obs, "8478-0")), "not-a-number");
  check_qty (find_component (obs, "8867-4"), 72, "/min");
  ck_assert_str_eq (json_object_get_string_member (json_object_get_object_member (obs, "device"), "reference"), "#device");
  ck_assert (strstr (json_object_get_string_member (json_object_get_object_member (obs, "device"), "display"), "Acme BP-1") != NULL);
  ck_assert (json_object_has_member (obs, "note"));
  ck_assert (g_str_has_prefix (json_object_get_string_member (obs, "effectiveDateTime"), "2024-03-15T10:30:45"));
}
END_TEST

START_TEST (test_cuff_preliminary)
{
  g_autoptr(TcReading) r = FROM (0x2A36, 0x00, 0x96, 0x00, 0xFF, 0x07, 0xFF, 0x07);
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *obs = to_obs (r, &keep);

  check_vital_signs (obs, NULL);
  ck_assert_str_eq (json_object_get_string_member (obs, "status"), "preliminary");
  check_qty (obs, 150, "mm[Hg]");
}
END_TEST

START_TEST (test_simple_kinds)
{
  g_autoptr(TcReading) hr = FROM (0x2A37, 0x00, 0x48);
  g_autoptr(TcReading) temp = FROM (0x2A1C, 0x04, 0x6E, 0x01, 0x00, 0xFF, 0x01);
  g_autoptr(TcReading) spo2 = FROM (0x2A5E, 0x00, 0x62, 0x00, 0x48, 0x00);
  g_autoptr(TcReading) w = FROM (0x2A9D, 0x08, 0x14, 0x37, 0xE6, 0x00, 0xD6, 0x06);
  g_autoptr(TcReading) wlb = FROM (0x2A9D, 0x01, 0xBE, 0x3C);
  g_autoptr(TcReading) g1 = FROM (0x2A18, 0x02, 0x01, 0x00, TS, 0x5F, 0xB0, 0x11);
  g_autoptr(TcReading) g2 = FROM (0x2A18, 0x06, 0x01, 0x00, TS, 0x37, 0xC0, 0x11);
  g_autoptr(TcReading) tf = FROM (0x2A1C, 0x01, 0xDA, 0x03, 0x00, 0xFF);
  g_autoptr(JsonNode) k1 = NULL, k2 = NULL, k3 = NULL, k4 = NULL, k5 = NULL, k6 = NULL, k7 = NULL, k8 = NULL;
  JsonObject *o;

  o = to_obs (hr, &k1);
  check_vital_signs (o, "8867-4");
  check_qty (o, 72, "/min");

  o = to_obs (temp, &k2);
  check_vital_signs (o, "8310-5");
  check_qty (o, 36.6, "Cel");
  ck_assert_str_eq (json_object_get_string_member (json_object_get_object_member (o, "bodySite"), "text"), "Armpit");

  o = to_obs (spo2, &k3);
  check_vital_signs (o, "2708-6");
  ck_assert (concept_has (json_object_get_object_member (o, "code"), "http://loinc.org", "59408-5"));
  check_qty (o, 98, "%");
  check_qty (find_component (o, "8867-4"), 72, "/min");

  o = to_obs (w, &k4);
  check_vital_signs (o, "29463-7");
  check_qty (o, 70.5, "kg");
  check_qty (find_component (o, "39156-5"), 23.0, "kg/m2");
  check_qty (find_component (o, "8302-2"), 1.75, "m");

  o = to_obs (wlb, &k5);
  check_qty (o, 155.5, "[lb_av]");

  o = to_obs (g1, &k6);
  check_vital_signs (o, "2339-0");
  check_qty (o, 95, "mg/dL");
  o = to_obs (g2, &k7);
  check_vital_signs (o, "15074-8");
  check_qty (o, 5.5, "mmol/L");

  o = to_obs (tf, &k8);
  check_qty (o, 98.6, "[degF]");
}
END_TEST

START_TEST (test_special_values_absent)
{
  /* temperature NaN; weight unsuccessful; SpO2 NRes; heart rate is never special */
  g_autoptr(TcReading) t = FROM (0x2A1C, 0x00, 0xFF, 0xFF, 0x7F, 0x00);
  g_autoptr(TcReading) w = FROM (0x2A9D, 0x00, 0xFF, 0xFF);
  g_autoptr(TcReading) s = FROM (0x2A5E, 0x00, 0x00, 0x08, 0xFE, 0x07);
  g_autoptr(TcReading) g = FROM (0x2A18, 0x00, 0x01, 0x00, TS);
  g_autoptr(JsonNode) k1 = NULL, k2 = NULL, k3 = NULL, k4 = NULL;
  g_autofree char *json = NULL;
  JsonObject *o;

  o = to_obs (t, &k1);
  check_vital_signs (o, "8310-5");
  ck_assert_str_eq (absent_code (o), "not-a-number");
  o = to_obs (w, &k2);
  ck_assert_str_eq (absent_code (o), "error");
  o = to_obs (s, &k3);
  ck_assert_str_eq (absent_code (o), "error");
  ck_assert_str_eq (absent_code (find_component (o, "8867-4")), "positive-infinity");
  o = to_obs (g, &k4);
  ck_assert_str_eq (absent_code (o), "unknown");

  json = tc_json_to_string (k1);
  ck_assert (strstr (json, "2047") == NULL);
  ck_assert (strstr (json, "nan") == NULL && strstr (json, "null") == NULL);
}
END_TEST

START_TEST (test_numbers_print_as_decimals)
{
  g_autoptr(TcReading) t = FROM (0x2A1C, 0x00, 0x6E, 0x01, 0x00, 0xFF);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = tc_fhir_observation_to_string (t, NULL, &error);

  ck_assert_ptr_nonnull (json);
  ck_assert_msg (strstr (json, "\"value\":36.6,") != NULL, "%s", json);
}
END_TEST

static void
assert_same (const TcReading *a, const TcReading *b)
{
  ck_assert_str_eq (a->id, b->id);
  ck_assert_int_eq (a->kind, b->kind);
  ck_assert_int_eq (a->preliminary, b->preliminary);
  ck_assert_msg (a->status == b->status, "%" G_GINT64_MODIFIER "x vs %" G_GINT64_MODIFIER "x", a->status, b->status);
  ck_assert_int_eq (a->user_id, b->user_id);
  ck_assert_int_eq (a->temperature_type, b->temperature_type);
  ck_assert_int_eq (a->sequence_number, b->sequence_number);
  ck_assert_int_eq (a->glucose_type, b->glucose_type);
  ck_assert_int_eq (a->sample_location, b->sample_location);
  ck_assert_str_eq (a->manufacturer ? a->manufacturer : "-", b->manufacturer ? b->manufacturer : "-");
  ck_assert_str_eq (a->model ? a->model : "-", b->model ? b->model : "-");
  ck_assert_str_eq (a->serial ? a->serial : "-", b->serial ? b->serial : "-");
  ck_assert ((a->timestamp == NULL) == (b->timestamp == NULL));
  if (a->timestamp)
    ck_assert (g_date_time_equal (a->timestamp, b->timestamp));
  for (guint i = 0; i < a->n_components; i++)
    {
      const TcReadingComponent *ca = &a->components[i];
      const TcReadingComponent *cb = tc_reading_get_component (b, ca->type);

      if (ca->type == TC_COMPONENT_SPO2_FAST || ca->type == TC_COMPONENT_PULSE_RATE_FAST ||
          ca->type == TC_COMPONENT_SPO2_SLOW || ca->type == TC_COMPONENT_PULSE_RATE_SLOW ||
          ca->type == TC_COMPONENT_PULSE_AMPLITUDE_INDEX || ca->type == TC_COMPONENT_ENERGY_EXPENDED)
        continue;   /* documented as not mapped */
      ck_assert_msg (cb != NULL, "%s lost", tc_component_type_to_string (ca->type));
      ck_assert_int_eq (ca->state, cb->state);
      if (ca->state == TC_VALUE_PRESENT)
        {
          /* an absent value has no unit in FHIR; only present ones are compared */
          ck_assert_str_eq (ca->unit, cb->unit);
          ck_assert_double_eq_tol (ca->value, cb->value, 1e-9);
        }
    }
}

static const struct { guint16 uuid; const guint8 *b; gsize len; } roundtrip_vectors[] = {
#define R(u, ...) { u, (const guint8[]) { __VA_ARGS__ }, sizeof ((const guint8[]) { __VA_ARGS__ }) }
  R (0x2A35, 0x1E, 0x78, 0x00, 0x50, 0x00, 0xFF, 0x07, TS, 0x48, 0x00, 0x02, 0x25, 0x00),
  R (0x2A35, 0x01, 0xA0, 0xF0, 0x6B, 0xF0, 0x00, 0x08),
  R (0x2A36, 0x1F, 0xC8, 0xF0, 0xFF, 0x07, 0xFF, 0x07, TS, 0x48, 0x00, 0xFF, 0x08, 0x00),
  R (0x2A1C, 0x06, 0x6E, 0x01, 0x00, 0xFF, TS, 0x02),
  R (0x2A1C, 0x00, 0x00, 0x00, 0x80, 0x00),
  R (0x2A37, 0x04, 0x48),
  R (0x2A5E, 0x1F, 0x62, 0x00, 0x48, 0x00, TS, 0x80, 0x00, 0x20, 0x00, 0x00, 0x2D, 0xF0),
  R (0x2A5F, 0x1F, 0x62, 0x00, 0x48, 0x00, 0x61, 0x00, 0x49, 0x00, 0x63, 0x00, 0x47, 0x00, 0x00, 0x20,
     0x00, 0x80, 0x00, 0x2D, 0xF0),
  R (0x2A18, 0x0B, 0x2A, 0x00, TS, 0xF1, 0xFF, 0x5F, 0xB0, 0x11, 0x01, 0x08),
  R (0x2A18, 0x00, 0x01, 0x00, TS),
  R (0x2A9D, 0x0E, 0x14, 0x37, TS, 0x03, 0xE6, 0x00, 0xD6, 0x06),
  R (0x2A9D, 0x09, 0xBE, 0x3C, 0xE6, 0x00, 0xB1, 0x02),
  R (0x2A9D, 0x00, 0xFF, 0xFF),
#undef R
};

START_TEST (test_roundtrip)
{
  g_autoptr(TcReading) a = from_bytes (roundtrip_vectors[_i].uuid, roundtrip_vectors[_i].b, roundtrip_vectors[_i].len);
  g_autoptr(TcReading) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  if (_i % 2 == 0)
    tc_reading_set_device_info (a, "Acme \"Health\"", "Model\n7", "SN-1");
  json = tc_fhir_observation_to_string (a, NULL, &error);
  ck_assert_ptr_nonnull (json);
  b = tc_fhir_observation_parse (json, strlen (json), &error);
  ck_assert_msg (b != NULL, "%s\n%s", error ? error->message : "", json);
  assert_same (a, b);
}
END_TEST

/* The device's wall-clock time travels with the local offset, whatever the zone. */
static const char *zones[] = { "UTC", "Europe/Paris", "America/St_Johns", "Asia/Kolkata", "Pacific/Chatham" };
static const char *offsets[] = { "+00:00", "+01:00", "-02:30", "+05:30", "+13:45" };   /* on 2024-03-15 */

START_TEST (test_time_zones)
{
  g_autoptr(TcReading) a = NULL;
  g_autoptr(TcReading) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  g_setenv ("TZ", zones[_i], TRUE);
  a = FROM (0x2A1C, 0x02, 0x6E, 0x01, 0x00, 0xFF, TS);
  ck_assert_int_eq (g_date_time_get_hour (a->timestamp), 10);
  json = tc_fhir_observation_to_string (a, NULL, &error);
  {
    g_autofree char *expect = g_strdup_printf ("\"effectiveDateTime\":\"2024-03-15T10:30:45%s\"", offsets[_i]);
    ck_assert_msg (strstr (json, expect) != NULL, "%s not in %s", expect, json);
  }
  b = tc_fhir_observation_parse (json, strlen (json), &error);
  ck_assert_msg (b != NULL, "%s: %s", zones[_i], error ? error->message : "");
  ck_assert (g_date_time_equal (a->timestamp, b->timestamp));
}
END_TEST

START_TEST (test_reception_time)
{
  g_autoptr(TcReading) a = FROM (0x2A37, 0x00, 0x48);
  g_autoptr(GDateTime) when = g_date_time_new_utc (2025, 1, 2, 3, 4, 5);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = tc_fhir_observation_to_string (a, when, &error);
  g_autoptr(TcReading) b = NULL;

  ck_assert (strstr (json, "\"effectiveDateTime\":\"2025-01-02T03:04:05+00:00\"") != NULL);
  b = tc_fhir_observation_parse (json, strlen (json), &error);
  ck_assert_ptr_nonnull (b);
  ck_assert_ptr_null (b->timestamp);   /* the device gave no time: not invented on the other side */
}
END_TEST

/* A valid Observation with one piece replaced must be refused with a clear error. */
static const char *valid_bp =
  "{\"resourceType\":\"Observation\",\"id\":\"0b9a3a43-7f5c-4a5f-9d1e-0e6f7c6d2a11\",\"status\":\"final\","
  "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"vital-signs\"}]}],"
  "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"85354-9\"}]},"
  "\"effectiveDateTime\":\"2024-03-15T10:30:45+01:00\","
  "\"component\":[{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8480-6\"}]},"
  "\"valueQuantity\":{\"value\":120,\"unit\":\"mmHg\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"}},"
  "{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8462-4\"}]},"
  "\"valueQuantity\":{\"value\":80,\"unit\":\"mmHg\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"}}]}";

static const struct { const char *from, *to; } mutations[] = {
  { "\"Observation\"", "\"Patient\"" },
  { "0b9a3a43-7f5c-4a5f-9d1e-0e6f7c6d2a11", "not-a-uuid" },
  { "\"final\"", "\"cancelled\"" },
  { "2024-03-15T10:30:45+01:00", "2024-03-15" },
  { "2024-03-15T10:30:45+01:00", "2024-03-15T10:30:45" },
  { "2024-03-15T10:30:45+01:00", "2024-13-15T10:30:45Z" },
  { "85354-9", "12345-6" },
  { "\"code\":\"mm[Hg]\"}},", "\"code\":\"kg\"}}," },
  { "\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"}},", "\"system\":\"http://example.org\",\"code\":\"mm[Hg]\"}}," },
  { "\"value\":120", "\"value\":\"120\"" },
  { "\"value\":120", "\"value\":1e300" },
  { "8462-4", "8480-6" },                 /* systolic twice, diastolic missing */
  { "\"effectiveDateTime\"", "\"effectiveInstant\"" },
  { "\"component\":[", "\"valueQuantity\":{\"value\":1,\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"},\"component\":[" },
  { "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"85354-9\"}]}", "\"code\":{\"coding\":\"85354-9\"}" },
  /* json-glib accepts these; the strict check before it does not */
  { "\"final\"", "'final'" },
  { "\"status\":", "/* ] */\"status\":" },
  { "\"value\":120", "\"value\":0x78" },
  { "\"value\":120", "\"value\":012" },
  { "\"value\":120", "\"value\":18446744073709551736" },   /* 2^64 + 120 would wrap to 120 */
  { "\"value\":120", "\"value\":1e999" },
  { "\"final\"", "\"fin\\220al\"" },
  { "\"final\"", "\"fin\\u0000al\"" },
  { "\"final\"", "\"fin\\ud800al\"" },
  { "\"final\"", "\"final\",}" },
};

START_TEST (test_parse_rejects)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcReading) r = NULL;
  g_autofree char *bad = NULL;
  g_auto(GStrv) parts = NULL;

  if (_i == 0)
    {
      r = tc_fhir_observation_parse (valid_bp, strlen (valid_bp), &error);
      ck_assert_msg (r != NULL, "%s", error ? error->message : "");
      ck_assert_double_eq (tc_reading_get_component (r, TC_COMPONENT_SYSTOLIC)->value, 120);
      return;
    }
  parts = g_strsplit (valid_bp, mutations[_i - 1].from, 2);
  ck_assert_uint_eq (g_strv_length (parts), 2);
  bad = g_strjoin (mutations[_i - 1].to, parts[0], parts[1], NULL);
  r = tc_fhir_observation_parse (bad, strlen (bad), &error);
  ck_assert_msg (r == NULL, "accepted: %s", bad);
  ck_assert (error != NULL && error->domain == TC_FHIR_ERROR);
}
END_TEST

START_TEST (test_parse_unicode_escapes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcReading) r = NULL;
  g_auto(GStrv) parts = g_strsplit (valid_bp, "\"status\":", 2);
  g_autofree char *json = g_strjoin ("\"contained\":[{\"resourceType\":\"Device\",\"manufacturer\":\"Sant\\u00e9 \\ud83d\\ude00\"}],\"status\":",
                                     parts[0], parts[1], NULL);

  r = tc_fhir_observation_parse (json, strlen (json), &error);
  ck_assert_msg (r != NULL, "%s", error ? error->message : "");
  ck_assert_str_eq (r->manufacturer, "Sant\u00e9 \U0001F600");
}
END_TEST

START_TEST (test_parse_bounds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autofree char *big = g_strnfill (TC_FHIR_MAX_OBSERVATION_SIZE + 1, ' ');
  static const char nul[] = "{\"a\":\0}";
  static const char latin1[] = "{\"a\":\"\xE9\"}";

  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  ck_assert_ptr_null (tc_fhir_observation_parse (deep->str, deep->len, &error));
  g_clear_error (&error);
  ck_assert_ptr_null (tc_fhir_observation_parse (big, strlen (big), &error));
  ck_assert_int_eq (error->code, TC_FHIR_ERROR_TOO_LARGE);
  g_clear_error (&error);
  ck_assert_ptr_null (tc_fhir_observation_parse (nul, sizeof nul - 1, &error));
  g_clear_error (&error);
  ck_assert_ptr_null (tc_fhir_observation_parse (latin1, sizeof latin1 - 1, &error));
  g_clear_error (&error);
  ck_assert_ptr_null (tc_fhir_observation_parse ("[]", 2, &error));
  g_clear_error (&error);
  ck_assert_ptr_null (tc_fhir_observation_parse ("", 0, &error));
  g_clear_error (&error);
  ck_assert_ptr_null (tc_fhir_observation_parse ("{", 1, NULL));
}
END_TEST

static Suite *
fhir_suite (void)
{
  Suite *s = suite_create ("fhir");
  TCase *tc = tcase_create ("core");

  tcase_add_test (tc, test_blood_pressure);
  tcase_add_test (tc, test_cuff_preliminary);
  tcase_add_test (tc, test_simple_kinds);
  tcase_add_test (tc, test_special_values_absent);
  tcase_add_test (tc, test_numbers_print_as_decimals);
  tcase_add_loop_test (tc, test_roundtrip, 0, G_N_ELEMENTS (roundtrip_vectors));
  tcase_add_test (tc, test_reception_time);
  tcase_add_loop_test (tc, test_time_zones, 0, G_N_ELEMENTS (zones));
  tcase_add_loop_test (tc, test_parse_rejects, 0, G_N_ELEMENTS (mutations) + 1);
  tcase_add_test (tc, test_parse_bounds);
  tcase_add_test (tc, test_parse_unicode_escapes);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (fhir_suite ());
  int failed;

  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
