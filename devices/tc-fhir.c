/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-fhir"

#include "tc-fhir.h"

#include <math.h>
#include <string.h>

#include "tc-json-util.h"

G_DEFINE_QUARK (tc-fhir-error-quark, tc_fhir_error)

#define LOINC "http://loinc.org"
#define UCUM "http://unitsofmeasure.org"
#define CATEGORY_SYSTEM "http://terminology.hl7.org/CodeSystem/observation-category"
#define DAR_SYSTEM "http://terminology.hl7.org/CodeSystem/data-absent-reason"
#define MAX_STRING 256
#define MAX_ITEMS 64

typedef struct {
  TcComponentType type;
  const char     *system;
  const char     *code;
  const char     *display;
  const char     *units[3];   /* allowed UCUM codes, NULL-terminated */
} ComponentCode;

/* One row per (component, code); glucose has two rows because its LOINC code depends on the unit. */
static const ComponentCode component_codes[] = {
  { TC_COMPONENT_SYSTOLIC, LOINC, "8480-6", "Systolic blood pressure", { TC_UNIT_MMHG, TC_UNIT_KPA } },
  { TC_COMPONENT_DIASTOLIC, LOINC, "8462-4", "Diastolic blood pressure", { TC_UNIT_MMHG, TC_UNIT_KPA } },
  { TC_COMPONENT_MEAN_ARTERIAL, LOINC, "8478-0", "Mean blood pressure", { TC_UNIT_MMHG, TC_UNIT_KPA } },
  { TC_COMPONENT_CUFF_PRESSURE, TC_FHIR_CODE_SYSTEM, "cuff-pressure", "Intermediate cuff pressure",
    { TC_UNIT_MMHG, TC_UNIT_KPA } },
  { TC_COMPONENT_PULSE_RATE, LOINC, "8867-4", "Heart rate", { TC_UNIT_PER_MIN } },
  { TC_COMPONENT_HEART_RATE, LOINC, "8867-4", "Heart rate", { TC_UNIT_PER_MIN } },
  { TC_COMPONENT_BODY_TEMPERATURE, LOINC, "8310-5", "Body temperature", { TC_UNIT_CELSIUS, TC_UNIT_FAHRENHEIT } },
  { TC_COMPONENT_SPO2, LOINC, "2708-6", "Oxygen saturation in Arterial blood", { TC_UNIT_PERCENT } },
  { TC_COMPONENT_BODY_WEIGHT, LOINC, "29463-7", "Body weight", { TC_UNIT_KG, TC_UNIT_LB } },
  { TC_COMPONENT_BMI, LOINC, "39156-5", "Body mass index (BMI) [Ratio]", { TC_UNIT_KG_M2 } },
  { TC_COMPONENT_BODY_HEIGHT, LOINC, "8302-2", "Body height", { TC_UNIT_M, TC_UNIT_INCH } },
  { TC_COMPONENT_GLUCOSE, LOINC, "2339-0", "Glucose [Mass/volume] in Blood", { TC_UNIT_MG_DL } },
  { TC_COMPONENT_GLUCOSE, LOINC, "15074-8", "Glucose [Moles/volume] in Blood", { TC_UNIT_MMOL_L } },
};

typedef struct {
  TcReadingKind   kind;
  const char     *text;
  TcComponentType primary;           /* value[x]; TC_COMPONENT_N_TYPES for a panel */
  TcComponentType components[4];    /* component[], TC_COMPONENT_N_TYPES-terminated */
  TcComponentType required[2];       /* components a panel must carry */
} KindMap;

#define END TC_COMPONENT_N_TYPES
static const KindMap kind_maps[] = {
  { TC_READING_KIND_BLOOD_PRESSURE, "Blood pressure", END,
    { TC_COMPONENT_SYSTOLIC, TC_COMPONENT_DIASTOLIC, TC_COMPONENT_MEAN_ARTERIAL, TC_COMPONENT_PULSE_RATE },
    { TC_COMPONENT_SYSTOLIC, TC_COMPONENT_DIASTOLIC } },
  { TC_READING_KIND_CUFF_PRESSURE, "Intermediate cuff pressure", TC_COMPONENT_CUFF_PRESSURE,
    { TC_COMPONENT_PULSE_RATE, END }, { END, END } },
  { TC_READING_KIND_BODY_TEMPERATURE, "Body temperature", TC_COMPONENT_BODY_TEMPERATURE, { END }, { END, END } },
  { TC_READING_KIND_HEART_RATE, "Heart rate", TC_COMPONENT_HEART_RATE, { END }, { END, END } },
  { TC_READING_KIND_SPO2, "Oxygen saturation", TC_COMPONENT_SPO2, { TC_COMPONENT_PULSE_RATE, END }, { END, END } },
  { TC_READING_KIND_GLUCOSE, "Blood glucose", TC_COMPONENT_GLUCOSE, { END }, { END, END } },
  { TC_READING_KIND_BODY_WEIGHT, "Body weight", TC_COMPONENT_BODY_WEIGHT,
    { TC_COMPONENT_BMI, TC_COMPONENT_BODY_HEIGHT, END }, { END, END } },
};
#undef END

static const KindMap *
kind_map (TcReadingKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_maps); i++)
    if (kind_maps[i].kind == kind)
      return &kind_maps[i];
  return NULL;
}

static gboolean
kind_has_component (const KindMap *m, TcComponentType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (m->components) && m->components[i] != TC_COMPONENT_N_TYPES; i++)
    if (m->components[i] == type)
      return TRUE;
  return FALSE;
}

static const ComponentCode *
component_code (TcComponentType type, const char *unit)
{
  for (guint i = 0; i < G_N_ELEMENTS (component_codes); i++)
    {
      const ComponentCode *c = &component_codes[i];
      if (c->type != type)
        continue;
      if (unit == NULL)
        return c;
      for (guint u = 0; c->units[u]; u++)
        if (strcmp (c->units[u], unit) == 0)
          return c;
    }
  return NULL;
}

static const char *
unit_display (const char *ucum)
{
  static const struct { const char *code, *display; } units[] = {
    { TC_UNIT_MMHG, "mmHg" }, { TC_UNIT_KPA, "kPa" }, { TC_UNIT_CELSIUS, "°C" },
    { TC_UNIT_FAHRENHEIT, "°F" }, { TC_UNIT_PER_MIN, "beats/minute" }, { TC_UNIT_PERCENT, "%" },
    { TC_UNIT_KJ, "kJ" }, { TC_UNIT_MG_DL, "mg/dL" }, { TC_UNIT_MMOL_L, "mmol/L" }, { TC_UNIT_KG, "kg" },
    { TC_UNIT_LB, "lb" }, { TC_UNIT_M, "m" }, { TC_UNIT_INCH, "in" }, { TC_UNIT_KG_M2, "kg/m2" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (strcmp (units[i].code, ucum) == 0)
      return units[i].display;
  return ucum;
}

/* ---- building ---- */

static JsonObject *
coding (const char *system, const char *code, const char *display)
{
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "system", system);
  json_object_set_string_member (o, "code", code);
  if (display)
    json_object_set_string_member (o, "display", display);
  return o;
}

static JsonObject *
concept (JsonObject *first_coding, JsonObject *second_coding, const char *text)
{
  JsonObject *o = json_object_new ();
  JsonArray *codings = json_array_new ();

  json_array_add_object_element (codings, first_coding);
  if (second_coding)
    json_array_add_object_element (codings, second_coding);
  json_object_set_array_member (o, "coding", codings);
  if (text)
    json_object_set_string_member (o, "text", text);
  return o;
}

static void
add_extension (JsonArray *exts, const char *name, const char *value_member, JsonNode *value)
{
  JsonObject *e = json_object_new ();
  g_autofree char *url = g_strconcat (TC_FHIR_EXTENSION_BASE, name, NULL);

  json_object_set_string_member (e, "url", url);
  json_object_set_member (e, value_member, value);
  json_array_add_object_element (exts, e);
}

static void
add_int_extension (JsonArray *exts, const char *name, gint64 v)
{
  JsonNode *n = json_node_new (JSON_NODE_VALUE);
  json_node_set_int (n, v);
  add_extension (exts, name, "valueInteger", n);
}

static void
add_code_extension (JsonArray *exts, const char *name, const char *code)
{
  JsonNode *n = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (n, code);
  add_extension (exts, name, "valueCode", n);
}

static const char *
absent_reason_code (TcValueState state)
{
  switch (state)
    {
    case TC_VALUE_NAN: return "not-a-number";
    case TC_VALUE_POSITIVE_INFINITY: return "positive-infinity";
    case TC_VALUE_NEGATIVE_INFINITY: return "negative-infinity";
    case TC_VALUE_NRES:
    case TC_VALUE_RESERVED:
    case TC_VALUE_UNSUCCESSFUL:
    case TC_VALUE_PRESENT:
    default:
      return "error";
    }
}

/* Sets valueQuantity, or dataAbsentReason for a special value: never a made-up number. */
static void
set_value (JsonObject *target, const TcReadingComponent *c)
{
  if (c->state == TC_VALUE_PRESENT)
    {
      JsonObject *q = json_object_new ();
      double p = pow (10.0, c->decimals);
      json_object_set_double_member (q, "value", round (c->value * p) / p);
      json_object_set_string_member (q, "unit", unit_display (c->unit));
      json_object_set_string_member (q, "system", UCUM);
      json_object_set_string_member (q, "code", c->unit);
      json_object_set_object_member (target, "valueQuantity", q);
    }
  else
    {
      const char *code = absent_reason_code (c->state);
      json_object_set_object_member (target, "dataAbsentReason",
                                     concept (coding (DAR_SYSTEM, code, NULL), NULL,
                                              tc_value_state_to_string (c->state)));
    }
}

static JsonObject *
observation_code (const TcReading *reading, const KindMap *m)
{
  const TcReadingComponent *primary;
  const ComponentCode *cc;

  switch (reading->kind)
    {
    case TC_READING_KIND_BLOOD_PRESSURE:
      return concept (coding (LOINC, "85354-9", "Blood pressure panel with all children optional"), NULL, m->text);
    case TC_READING_KIND_SPO2:
      /* the vital-signs profile asks for both codes */
      return concept (coding (LOINC, "2708-6", "Oxygen saturation in Arterial blood"),
                      coding (LOINC, "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"),
                      m->text);
    case TC_READING_KIND_CUFF_PRESSURE:
    case TC_READING_KIND_BODY_TEMPERATURE:
    case TC_READING_KIND_HEART_RATE:
    case TC_READING_KIND_GLUCOSE:
    case TC_READING_KIND_BODY_WEIGHT:
    default:
      primary = tc_reading_get_component (reading, m->primary);
      cc = component_code (m->primary, primary ? primary->unit : NULL);
      return concept (coding (cc->system, cc->code, cc->display), NULL, m->text);
    }
}

/* FHIR dateTime: four-digit year, seconds and a "+hh:mm" offset (GLib's ISO 8601 writes "+01", and
 * its %Y does not pad years before 1000; FHIR refuses both). In UTC when the offset is not whole
 * minutes (historic zones), which FHIR cannot express. */
static char *
format_date_time (GDateTime *t)
{
  g_autoptr(GDateTime) utc = NULL;
  GTimeSpan offset = g_date_time_get_utc_offset (t);
  gint64 minutes;

  if (offset % (60 * G_TIME_SPAN_SECOND) != 0)
    {
      t = utc = g_date_time_to_utc (t);
      offset = 0;
    }
  minutes = (offset < 0 ? -offset : offset) / (60 * G_TIME_SPAN_SECOND);
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
                          g_date_time_get_year (t), g_date_time_get_month (t), g_date_time_get_day_of_month (t),
                          g_date_time_get_hour (t), g_date_time_get_minute (t), g_date_time_get_second (t),
                          offset < 0 ? '-' : '+', (int) (minutes / 60), (int) (minutes % 60));
}

static void
add_device (JsonObject *obs, const TcReading *reading)
{
  JsonObject *dev, *ref;
  JsonArray *contained;
  g_autoptr(GString) display = g_string_new (NULL);

  if (!reading->manufacturer && !reading->model && !reading->serial)
    return;

  dev = json_object_new ();
  json_object_set_string_member (dev, "resourceType", "Device");
  json_object_set_string_member (dev, "id", "device");
  if (reading->manufacturer)
    {
      json_object_set_string_member (dev, "manufacturer", reading->manufacturer);
      g_string_append (display, reading->manufacturer);
    }
  if (reading->serial)
    json_object_set_string_member (dev, "serialNumber", reading->serial);
  if (reading->model)
    {
      JsonArray *names = json_array_new ();
      JsonObject *name = json_object_new ();
      json_object_set_string_member (name, "name", reading->model);
      json_object_set_string_member (name, "type", "model-name");
      json_array_add_object_element (names, name);
      json_object_set_array_member (dev, "deviceName", names);
      g_string_append_printf (display, "%s%s", display->len ? " " : "", reading->model);
    }
  if (reading->serial)
    g_string_append_printf (display, "%s(serial %s)", display->len ? " " : "", reading->serial);

  contained = json_array_new ();
  json_array_add_object_element (contained, dev);
  json_object_set_array_member (obs, "contained", contained);

  ref = json_object_new ();
  json_object_set_string_member (ref, "reference", "#device");
  json_object_set_string_member (ref, "display", display->str);
  json_object_set_object_member (obs, "device", ref);
}

JsonNode *
tc_fhir_observation_from_reading (const TcReading *reading,
                                  GDateTime       *received,
                                  GError         **error)
{
  const KindMap *m;
  g_autoptr(JsonObject) obs = NULL;
  JsonArray *category, *exts, *notes, *components;
  JsonObject *cat;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *effective = NULL;
  JsonNode *root;

  g_return_val_if_fail (reading != NULL, NULL);

  m = kind_map (reading->kind);
  if (m == NULL || reading->id == NULL || !g_uuid_string_is_valid (reading->id))
    {
      g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_UNSUPPORTED,
                   "A %s reading cannot be expressed as an Observation", tc_reading_kind_to_string (reading->kind));
      return NULL;
    }
  if (m->primary == TC_COMPONENT_N_TYPES)
    {
      for (guint i = 0; i < G_N_ELEMENTS (m->required); i++)
        if (m->required[i] != TC_COMPONENT_N_TYPES && !tc_reading_get_component (reading, m->required[i]))
          {
            g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_UNSUPPORTED, "A %s reading needs its %s value",
                         tc_reading_kind_to_string (reading->kind), tc_component_type_to_string (m->required[i]));
            return NULL;
          }
    }
  else if (reading->kind != TC_READING_KIND_GLUCOSE && !tc_reading_get_component (reading, m->primary))
    {
      g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_UNSUPPORTED, "A %s reading needs its %s value",
                   tc_reading_kind_to_string (reading->kind), tc_component_type_to_string (m->primary));
      return NULL;
    }

  /* the receiving side refuses magnitudes no body produces; refuse them here too, so nothing
   * is queued that the practitioner's side would reject */
  for (guint i = 0; i < reading->n_components; i++)
    if (reading->components[i].state == TC_VALUE_PRESENT && fabs (reading->components[i].value) > TC_FHIR_MAX_VALUE)
      {
        g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_UNSUPPORTED, "The %s value is out of any plausible range",
                     tc_component_type_to_string (reading->components[i].type));
        return NULL;
      }

  obs = json_object_new ();
  json_object_set_string_member (obs, "resourceType", "Observation");
  json_object_set_string_member (obs, "id", reading->id);
  add_device (obs, reading);

  exts = json_array_new ();
  notes = json_array_new ();

  json_object_set_string_member (obs, "status", reading->preliminary ? "preliminary" : "final");
  category = json_array_new ();
  cat = concept (coding (CATEGORY_SYSTEM, "vital-signs", "Vital Signs"), NULL, "Vital Signs");
  json_array_add_object_element (category, cat);
  json_object_set_array_member (obs, "category", category);
  json_object_set_object_member (obs, "code", observation_code (reading, m));

  if (reading->timestamp)
    {
      effective = format_date_time (reading->timestamp);
      add_code_extension (exts, "timestamp-source", "device");
    }
  else
    {
      now = received ? g_date_time_ref (received) : g_date_time_new_now_local ();
      effective = format_date_time (now);
      add_code_extension (exts, "timestamp-source", "reception");
    }
  json_object_set_string_member (obs, "effectiveDateTime", effective);

  if (reading->temperature_type != TC_TEMPERATURE_TYPE_NONE)
    {
      JsonObject *site = json_object_new ();
      json_object_set_string_member (site, "text", tc_temperature_type_to_string (reading->temperature_type));
      json_object_set_object_member (obs, "bodySite", site);
      add_int_extension (exts, "temperature-type", reading->temperature_type);
    }

  if (m->primary != TC_COMPONENT_N_TYPES)
    {
      const TcReadingComponent *c = tc_reading_get_component (reading, m->primary);
      if (c)
        set_value (obs, c);
      else
        {
          /* e.g. a glucose record without a concentration */
          json_object_set_object_member (obs, "dataAbsentReason",
                                         concept (coding (DAR_SYSTEM, "unknown", NULL), NULL, NULL));
        }
    }

  components = json_array_new ();
  for (guint i = 0; i < reading->n_components; i++)
    {
      const TcReadingComponent *c = &reading->components[i];
      const ComponentCode *cc;
      JsonObject *comp;

      if (!kind_has_component (m, c->type))
        continue;   /* e.g. PLX fast/slow, pulse amplitude index, energy expended: not mapped */
      cc = component_code (c->type, c->unit);
      if (cc == NULL)
        continue;
      comp = json_object_new ();
      json_object_set_object_member (comp, "code", concept (coding (cc->system, cc->code, cc->display), NULL, NULL));
      set_value (comp, c);
      json_array_add_object_element (components, comp);
    }
  if (json_array_get_length (components) > 0)
    json_object_set_array_member (obs, "component", components);
  else
    json_array_unref (components);

  for (const TcReadingStatusInfo *s = tc_reading_status_table (); s->bit != 0; s++)
    if (reading->status & s->bit)
      {
        JsonObject *note = json_object_new ();
        add_code_extension (exts, "device-status", s->code);
        json_object_set_string_member (note, "text", s->description);
        json_array_add_object_element (notes, note);
      }

  if (reading->manual_entry)
    {
      JsonObject *note = json_object_new ();
      add_code_extension (exts, "entry-method", "manual");
      json_object_set_string_member (note, "text", "Entered by hand, not read from a device");
      json_array_add_object_element (notes, note);
    }
  if (reading->user_id >= 0)
    add_int_extension (exts, "user-id", reading->user_id);
  if (reading->sequence_number >= 0)
    add_int_extension (exts, "sequence-number", reading->sequence_number);
  if (reading->glucose_type || reading->sample_location)
    {
      JsonObject *note = json_object_new ();
      const char *type = tc_glucose_type_to_string (reading->glucose_type);
      const char *location = tc_sample_location_to_string (reading->sample_location);
      g_autofree char *text = g_strdup_printf ("Sample: %s%s%s", type ? type : "",
                                               type && location ? ", " : "", location ? location : "");
      if (reading->glucose_type)
        add_int_extension (exts, "glucose-type", reading->glucose_type);
      if (reading->sample_location)
        add_int_extension (exts, "sample-location", reading->sample_location);
      json_object_set_string_member (note, "text", text);
      json_array_add_object_element (notes, note);
    }

  json_object_set_array_member (obs, "extension", exts);
  if (json_array_get_length (notes) > 0)
    json_object_set_array_member (obs, "note", notes);
  else
    json_array_unref (notes);

  root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, obs);
  return root;
}

char *
tc_fhir_observation_to_string (const TcReading *reading,
                               GDateTime       *received,
                               GError         **error)
{
  g_autoptr(JsonNode) node = tc_fhir_observation_from_reading (reading, received, error);

  return node ? tc_json_to_string (node) : NULL;
}

/* ---- parsing ---- */

static gboolean
fail (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError **error, const char *fmt, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  g_set_error_literal (error, TC_FHIR_ERROR, TC_FHIR_ERROR_INVALID, msg);
  return FALSE;
}

static JsonObject *
get_object (JsonObject *obj, const char *member, gboolean required, GError **error)
{
  JsonNode *n = json_object_get_member (obj, member);

  if (n == NULL)
    {
      if (required)
        fail (error, "Observation: “%s” is missing", member);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (n))
    {
      fail (error, "Observation: “%s” is not an object", member);
      return NULL;
    }
  return json_node_get_object (n);
}

static JsonArray *
get_array (JsonObject *obj, const char *member, gboolean required, GError **error)
{
  JsonNode *n = json_object_get_member (obj, member);

  if (n == NULL)
    {
      if (required)
        fail (error, "Observation: “%s” is missing", member);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (n) || json_array_get_length (json_node_get_array (n)) > MAX_ITEMS)
    {
      fail (error, "Observation: “%s” is not an array of at most %d items", member, MAX_ITEMS);
      return NULL;
    }
  return json_node_get_array (n);
}

static gboolean
get_number (JsonObject *obj, const char *member, double *out, GError **error)
{
  JsonNode *n = json_object_get_member (obj, member);
  GType t;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return fail (error, "Observation: “%s” is not a number", member);
  t = json_node_get_value_type (n);
  if (t == G_TYPE_INT64)
    *out = (double) json_node_get_int (n);
  else if (t == G_TYPE_DOUBLE)
    *out = json_node_get_double (n);
  else
    return fail (error, "Observation: “%s” is not a number", member);
  if (!isfinite (*out) || fabs (*out) > TC_FHIR_MAX_VALUE)
    return fail (error, "Observation: “%s” is out of range", member);
  return TRUE;
}

/* Every coding of a CodeableConcept, checked; calls match() until one returns TRUE. */
typedef gboolean (*CodingMatch) (const char *system, const char *code, gpointer data);

static gboolean
match_concept (JsonObject *concept_obj, CodingMatch match, gpointer data, gboolean *matched, GError **error)
{
  JsonArray *codings = get_array (concept_obj, "coding", TRUE, error);

  *matched = FALSE;
  if (codings == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (codings); i++)
    {
      JsonNode *n = json_array_get_element (codings, i);
      JsonObject *c;
      const char *system, *code;
      GError *local = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (n))
        return fail (error, "Observation: a coding is not an object");
      c = json_node_get_object (n);
      system = tc_json_get_string (c, "system", MAX_STRING, FALSE, &local);
      if (local == NULL)
        code = tc_json_get_string (c, "code", MAX_STRING, FALSE, &local);
      if (local != NULL)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      if (system && code && match (system, code, data))
        {
          *matched = TRUE;
          return TRUE;
        }
    }
  return TRUE;
}

typedef struct {
  TcReadingKind kind;
} KindMatch;

static gboolean
match_kind (const char *system, const char *code, gpointer data)
{
  KindMatch *km = data;
  static const struct { const char *system, *code; TcReadingKind kind; } codes[] = {
    { LOINC, "85354-9", TC_READING_KIND_BLOOD_PRESSURE },
    { TC_FHIR_CODE_SYSTEM, "cuff-pressure", TC_READING_KIND_CUFF_PRESSURE },
    { LOINC, "8310-5", TC_READING_KIND_BODY_TEMPERATURE },
    { LOINC, "8867-4", TC_READING_KIND_HEART_RATE },
    { LOINC, "2708-6", TC_READING_KIND_SPO2 },
    { LOINC, "59408-5", TC_READING_KIND_SPO2 },
    { LOINC, "2339-0", TC_READING_KIND_GLUCOSE },
    { LOINC, "15074-8", TC_READING_KIND_GLUCOSE },
    { LOINC, "29463-7", TC_READING_KIND_BODY_WEIGHT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (strcmp (codes[i].system, system) == 0 && strcmp (codes[i].code, code) == 0)
      {
        km->kind = codes[i].kind;
        return TRUE;
      }
  return FALSE;
}

typedef struct {
  const KindMap *map;
  TcComponentType type;
} ComponentMatch;

static gboolean
match_component (const char *system, const char *code, gpointer data)
{
  ComponentMatch *cm = data;

  for (guint i = 0; i < G_N_ELEMENTS (component_codes); i++)
    {
      const ComponentCode *c = &component_codes[i];
      if (strcmp (c->system, system) == 0 && strcmp (c->code, code) == 0 && kind_has_component (cm->map, c->type))
        {
          cm->type = c->type;
          return TRUE;
        }
    }
  return FALSE;
}

static const struct { const char *code; TcValueState state; } absent_states[] = {
  { "not-a-number", TC_VALUE_NAN },
  { "positive-infinity", TC_VALUE_POSITIVE_INFINITY },
  { "negative-infinity", TC_VALUE_NEGATIVE_INFINITY },
  { "error", TC_VALUE_NRES },
  { "unknown", TC_VALUE_N_STATES },   /* no value at all, e.g. glucose record without concentration */
};

static gboolean
match_absent (const char *system, const char *code, gpointer data)
{
  TcValueState *state = data;

  if (strcmp (system, DAR_SYSTEM) != 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (absent_states); i++)
    if (strcmp (absent_states[i].code, code) == 0)
      {
        *state = absent_states[i].state;
        return TRUE;
      }
  return FALSE;
}

static guint
decimals_of (double v)
{
  for (guint d = 0; d < 6; d++)
    {
      double p = pow (10.0, d);
      if (round (v * p) / p == v)
        return d;
    }
  return 6;
}

/* valueQuantity or dataAbsentReason of `obj` -> a component of `type`; FALSE with no error when
 * `optional` and neither is there. */
static gboolean
parse_value (JsonObject *obj, TcReading *reading, TcComponentType type, gboolean optional, GError **error)
{
  JsonObject *q, *dar;
  GError *local = NULL;

  q = get_object (obj, "valueQuantity", FALSE, error);
  if (q == NULL && error && *error)
    return FALSE;
  dar = get_object (obj, "dataAbsentReason", FALSE, error);
  if (dar == NULL && error && *error)
    return FALSE;
  if (q && dar)
    return fail (error, "Observation: both a value and a dataAbsentReason for %s", tc_component_type_to_string (type));

  if (q)
    {
      const char *system, *code;
      const char *unit;
      double value;

      system = tc_json_get_string (q, "system", MAX_STRING, TRUE, &local);
      if (local == NULL)
        code = tc_json_get_string (q, "code", MAX_STRING, TRUE, &local);
      if (local != NULL)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      if (strcmp (system, UCUM) != 0)
        return fail (error, "Observation: %s is not in UCUM units", tc_component_type_to_string (type));
      unit = tc_unit_intern (code);
      if (unit == NULL || component_code (type, unit) == NULL)
        return fail (error, "Observation: unit “%s” does not fit %s", code, tc_component_type_to_string (type));
      if (!get_number (q, "value", &value, error))
        return FALSE;
      if (!tc_reading_add_component (reading, type, TC_VALUE_PRESENT, value, decimals_of (value), unit))
        return fail (error, "Observation: too many values");
      return TRUE;
    }
  if (dar)
    {
      TcValueState state = TC_VALUE_NAN;
      gboolean matched;
      const char *text;
      const ComponentCode *cc = component_code (type, NULL);

      if (!match_concept (dar, match_absent, &state, &matched, error))
        return FALSE;
      if (!matched)
        return fail (error, "Observation: unknown dataAbsentReason for %s", tc_component_type_to_string (type));
      /* the text keeps the finer IEEE-11073 state ("NRes", "reserved", "unsuccessful") */
      text = tc_json_get_string (dar, "text", MAX_STRING, FALSE, NULL);
      for (guint s = 0; text != NULL && s < TC_VALUE_N_STATES; s++)
        if (s != TC_VALUE_PRESENT && strcmp (text, tc_value_state_to_string (s)) == 0)
          state = s;
      if (state == TC_VALUE_N_STATES)
        {
          if (type == TC_COMPONENT_GLUCOSE)
            return TRUE;   /* glucose record without a concentration */
          return fail (error, "Observation: %s is absent for an unknown reason", tc_component_type_to_string (type));
        }
      if (!tc_reading_add_component (reading, type, state, NAN, 0, cc->units[0]))
        return fail (error, "Observation: too many values");
      return TRUE;
    }
  if (optional)
    return TRUE;
  return fail (error, "Observation: %s has neither a value nor a dataAbsentReason", tc_component_type_to_string (type));
}

static gboolean
parse_extensions (JsonObject *obs, TcReading *reading, gboolean *from_reception, GError **error)
{
  JsonArray *exts = get_array (obs, "extension", FALSE, error);
  gsize base_len = strlen (TC_FHIR_EXTENSION_BASE);

  if (exts == NULL)
    return error == NULL || *error == NULL;
  for (guint i = 0; i < json_array_get_length (exts); i++)
    {
      JsonNode *n = json_array_get_element (exts, i);
      JsonObject *e;
      const char *url, *name;
      GError *local = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (n))
        return fail (error, "Observation: an extension is not an object");
      e = json_node_get_object (n);
      url = tc_json_get_string (e, "url", MAX_STRING, TRUE, &local);
      if (local)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      if (strncmp (url, TC_FHIR_EXTENSION_BASE, base_len) != 0)
        continue;   /* someone else's extension */
      name = url + base_len;

      if (strcmp (name, "entry-method") == 0)
        {
          const char *code = tc_json_get_string (e, "valueCode", MAX_STRING, TRUE, &local);
          if (local)
            {
              g_propagate_error (error, local);
              return FALSE;
            }
          reading->manual_entry = strcmp (code, "manual") == 0;
        }
      else if (strcmp (name, "device-status") == 0 || strcmp (name, "timestamp-source") == 0)
        {
          const char *code = tc_json_get_string (e, "valueCode", MAX_STRING, TRUE, &local);
          if (local)
            {
              g_propagate_error (error, local);
              return FALSE;
            }
          if (name[0] == 'd')
            {
              const TcReadingStatusInfo *info = tc_reading_status_lookup_code (code);
              if (info)
                reading->status |= info->bit;   /* unknown codes: from a newer sender, ignored */
            }
          else
            *from_reception = strcmp (code, "reception") == 0;
        }
      else
        {
          double v;
          gint64 iv;

          if (!json_object_has_member (e, "valueInteger"))
            continue;
          if (!get_number (e, "valueInteger", &v, error))
            return FALSE;
          iv = (gint64) v;
          if ((double) iv != v)
            return fail (error, "Observation: extension %s is not an integer", name);
          if (strcmp (name, "user-id") == 0 && iv >= 0 && iv <= 255)
            reading->user_id = (int) iv;
          else if (strcmp (name, "sequence-number") == 0 && iv >= 0 && iv <= 65535)
            reading->sequence_number = (int) iv;
          else if (strcmp (name, "temperature-type") == 0 && iv >= 1 && iv <= 9)
            reading->temperature_type = (TcTemperatureType) iv;
          else if (strcmp (name, "glucose-type") == 0 && iv >= 1 && iv <= 10)
            reading->glucose_type = (guint8) iv;
          else if (strcmp (name, "sample-location") == 0 && ((iv >= 1 && iv <= 4) || iv == 15))
            reading->sample_location = (guint8) iv;
          else
            return fail (error, "Observation: extension %s has an impossible value", name);
        }
    }
  return TRUE;
}

static gboolean
parse_device (JsonObject *obs, TcReading *reading, GError **error)
{
  JsonArray *contained = get_array (obs, "contained", FALSE, error);
  GError *local = NULL;

  if (contained == NULL)
    return error == NULL || *error == NULL;
  for (guint i = 0; i < json_array_get_length (contained); i++)
    {
      JsonNode *n = json_array_get_element (contained, i);
      JsonObject *d;
      const char *type, *manufacturer, *serial, *model = NULL;
      JsonArray *names;

      if (!JSON_NODE_HOLDS_OBJECT (n))
        return fail (error, "Observation: a contained resource is not an object");
      d = json_node_get_object (n);
      type = tc_json_get_string (d, "resourceType", MAX_STRING, TRUE, &local);
      if (local)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      if (strcmp (type, "Device") != 0)
        continue;
      manufacturer = tc_json_get_string (d, "manufacturer", MAX_STRING, FALSE, &local);
      if (!local)
        serial = tc_json_get_string (d, "serialNumber", MAX_STRING, FALSE, &local);
      if (local)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      names = get_array (d, "deviceName", FALSE, error);
      if (names == NULL && error && *error)
        return FALSE;
      for (guint j = 0; names && j < json_array_get_length (names); j++)
        {
          JsonNode *nn = json_array_get_element (names, j);
          const char *t;
          if (!JSON_NODE_HOLDS_OBJECT (nn))
            return fail (error, "Observation: a device name is not an object");
          t = tc_json_get_string (json_node_get_object (nn), "type", MAX_STRING, FALSE, NULL);
          if (t && strcmp (t, "model-name") == 0)
            {
              model = tc_json_get_string (json_node_get_object (nn), "name", MAX_STRING, TRUE, &local);
              if (local)
                {
                  g_propagate_error (error, local);
                  return FALSE;
                }
            }
        }
      tc_reading_set_device_info (reading, manufacturer, model, serial);
      return TRUE;
    }
  return TRUE;
}

/* FHIR dateTime to the second, with a zone: YYYY-MM-DDThh:mm:ss[.fff…](Z|±hh:mm). Partial dates
 * are valid FHIR but not a measurement time. */
static gboolean
is_full_date_time (const char *s)
{
  static const char pattern[] = "dddd-dd-ddTdd:dd:dd";
  gsize n = strlen (s);
  gsize i;

  if (n < 20)
    return FALSE;
  for (i = 0; i < sizeof pattern - 1; i++)
    if (pattern[i] == 'd' ? !g_ascii_isdigit (s[i]) : s[i] != pattern[i])
      return FALSE;
  if (s[i] == '.')
    {
      i++;
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      while (g_ascii_isdigit (s[i]))
        i++;
    }
  if (s[i] == 'Z')
    return s[i + 1] == '\0';
  return (s[i] == '+' || s[i] == '-') && g_ascii_isdigit (s[i + 1]) && g_ascii_isdigit (s[i + 2]) &&
         s[i + 3] == ':' && g_ascii_isdigit (s[i + 4]) && g_ascii_isdigit (s[i + 5]) && s[i + 6] == '\0';
}

static TcReading *
parse_node (JsonNode *node,
            GError  **error)
{
  JsonObject *obs, *code;
  const char *type, *id, *status, *effective;
  KindMatch km = { TC_READING_KIND_INVALID };
  const KindMap *m;
  gboolean matched, from_reception = FALSE;
  g_autoptr(TcReading) reading = NULL;
  g_autoptr(GDateTime) ts = NULL;
  JsonArray *components;
  GError *local = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (error, "Observation: not a JSON object");
      return NULL;
    }
  obs = json_node_get_object (node);

  type = tc_json_get_string (obs, "resourceType", MAX_STRING, TRUE, &local);
  if (!local)
    id = tc_json_get_string (obs, "id", 64, TRUE, &local);
  if (!local)
    status = tc_json_get_string (obs, "status", 32, TRUE, &local);
  if (!local)
    effective = tc_json_get_string (obs, "effectiveDateTime", 64, TRUE, &local);
  if (local)
    {
      g_propagate_prefixed_error (error, local, "Observation: ");
      return NULL;
    }
  if (strcmp (type, "Observation") != 0)
    {
      fail (error, "Not an Observation but a %s", type);
      return NULL;
    }
  if (!g_uuid_string_is_valid (id))
    {
      fail (error, "Observation: “id” is not a UUID");
      return NULL;
    }
  if (strcmp (status, "final") != 0 && strcmp (status, "preliminary") != 0)
    {
      fail (error, "Observation: status “%s” is neither final nor preliminary", status);
      return NULL;
    }
  if (!is_full_date_time (effective) || (ts = g_date_time_new_from_iso8601 (effective, NULL)) == NULL)
    {
      fail (error, "Observation: “effectiveDateTime” is not a full date and time with a zone");
      return NULL;
    }

  code = get_object (obs, "code", TRUE, error);
  if (code == NULL || !match_concept (code, match_kind, &km, &matched, error))
    return NULL;
  if (!matched)
    {
      fail (error, "Observation: code is not one of the vital signs we exchange");
      return NULL;
    }
  m = kind_map (km.kind);
  reading = tc_reading_new (km.kind);
  tc_reading_set_id (reading, id);
  reading->preliminary = strcmp (status, "preliminary") == 0;

  if (m->primary != TC_COMPONENT_N_TYPES)
    {
      if (!parse_value (obs, reading, m->primary, FALSE, error))
        return NULL;
    }
  else if (json_object_has_member (obs, "valueQuantity"))
    {
      fail (error, "Observation: a panel carries its values in components");
      return NULL;
    }

  components = get_array (obs, "component", FALSE, error);
  if (components == NULL && error && *error)
    return NULL;
  for (guint i = 0; components && i < json_array_get_length (components); i++)
    {
      JsonNode *n = json_array_get_element (components, i);
      JsonObject *comp, *ccode;
      ComponentMatch cm = { m, TC_COMPONENT_N_TYPES };

      if (!JSON_NODE_HOLDS_OBJECT (n))
        {
          fail (error, "Observation: a component is not an object");
          return NULL;
        }
      comp = json_node_get_object (n);
      ccode = get_object (comp, "code", TRUE, error);
      if (ccode == NULL || !match_concept (ccode, match_component, &cm, &matched, error))
        return NULL;
      if (!matched)
        continue;   /* a component we do not use */
      if (tc_reading_get_component (reading, cm.type))
        {
          fail (error, "Observation: %s appears twice", tc_component_type_to_string (cm.type));
          return NULL;
        }
      if (!parse_value (comp, reading, cm.type, FALSE, error))
        return NULL;
    }
  for (guint i = 0; i < G_N_ELEMENTS (m->required); i++)
    if (m->required[i] != TC_COMPONENT_N_TYPES && !tc_reading_get_component (reading, m->required[i]))
      {
        fail (error, "Observation: %s is missing", tc_component_type_to_string (m->required[i]));
        return NULL;
      }

  if (!parse_extensions (obs, reading, &from_reception, error) || !parse_device (obs, reading, error))
    return NULL;
  if (!from_reception)
    tc_reading_set_timestamp (reading, ts);
  return g_steal_pointer (&reading);
}

TcReading *
tc_fhir_observation_parse_node (JsonNode *node,
                                GError  **error)
{
  GError *local = NULL;   /* the helpers test *error to tell "absent" from "wrong" */
  TcReading *reading = parse_node (node, &local);

  if (local)
    g_propagate_error (error, local);
  return reading;
}

TcReading *
tc_fhir_observation_parse (const char *json,
                           gsize       len,
                           GError    **error)
{
  g_autoptr(JsonNode) root = tc_json_parse (json, len, TC_FHIR_MAX_OBSERVATION_SIZE, TC_FHIR_MAX_DEPTH, error);

  if (root == NULL)
    return NULL;
  return tc_fhir_observation_parse_node (root, error);
}
