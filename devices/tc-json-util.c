/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-json"

#include "tc-json-util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tc-fhir.h"

static void
append_string (GString    *out,
               const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      guchar c = (guchar) *p;
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

static void
append_double (GString *out,
               double   d)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (d))
    {
      /* JSON has no NaN/Infinity; callers never put one here (dataAbsentReason instead) */
      g_string_append (out, "null");
      return;
    }
  for (int precision = 1; precision <= 17; precision++)
    {
      char fmt[8];

      g_snprintf (fmt, sizeof fmt, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, fmt, d);
      if (g_ascii_strtod (buf, NULL) == d)
        break;
    }
  g_string_append (out, buf);
}

static void
append_node (GString  *out,
             JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *obj = json_node_get_object (node);
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, obj);
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            append_string (out, name);
            g_string_append_c (out, ':');
            append_node (out, member);
          }
        g_string_append_c (out, '}');
        break;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *arr = json_node_get_array (node);
        guint n = json_array_get_length (arr);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_node (out, json_array_get_element (arr, i));
          }
        g_string_append_c (out, ']');
        break;
      }
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          append_string (out, json_node_get_string (node));
          break;
        default:
          g_string_append (out, "null");
        }
      break;
    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

char *
tc_json_to_string (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (node != NULL, NULL);
  append_node (out, node);
  return g_string_free (out, FALSE);
}

/* Nesting depth outside strings; json-glib's parser recurses once per level. */
static gboolean
check_depth (const char *data,
             gsize       len,
             guint       max_depth)
{
  guint depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }
  return TRUE;
}

JsonNode *
tc_json_parse (const char *data,
               gsize       len,
               gsize       max_len,
               guint       max_depth,
               GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (data == NULL || len == 0)
    {
      g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_INVALID, "Empty message");
      return NULL;
    }
  if (len > max_len)
    {
      g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_TOO_LARGE,
                   "Message of %" G_GSIZE_FORMAT " bytes is larger than %" G_GSIZE_FORMAT, len, max_len);
      return NULL;
    }
  if (memchr (data, '\0', len) != NULL || !g_utf8_validate (data, (gssize) len, NULL))
    {
      g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_INVALID, "Message is not UTF-8 text");
      return NULL;
    }
  if (!check_depth (data, len, max_depth))
    {
      g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_INVALID,
                   "Message nests deeper than %u levels", max_depth);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local_error))
    {
      g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_INVALID, "Not JSON: %s", local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_INVALID, "Empty JSON document");
      return NULL;
    }
  return json_node_ref (root);
}

const char *
tc_json_get_string (JsonObject *obj,
                    const char *member,
                    gsize       max_len,
                    gboolean    required,
                    GError    **error)
{
  JsonNode *node = json_object_get_member (obj, member);
  const char *s;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_INVALID, "“%s” is missing", member);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_INVALID, "“%s” is not a string", member);
      return NULL;
    }
  s = json_node_get_string (node);
  if (strlen (s) > max_len || (required && *s == '\0'))
    {
      g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_INVALID,
                   "“%s” is empty or longer than %" G_GSIZE_FORMAT " bytes", member, max_len);
      return NULL;
    }
  return s;
}
