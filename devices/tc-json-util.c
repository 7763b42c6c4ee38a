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
  /* fixed notation with the fewest decimals that read back to the same double ("36.6", "20",
   * "0.00095"); exponent notation only for magnitudes where fixed would be absurd */
  buf[0] = '\0';
  if (fabs (d) < 1e15 && (d == 0 || fabs (d) >= 1e-9))
    {
      for (int decimals = 0; decimals <= 17; decimals++)
        {
          char fmt[8];

          g_snprintf (fmt, sizeof fmt, "%%.%df", decimals);
          g_ascii_formatd (buf, sizeof buf, fmt, d);
          if (g_ascii_strtod (buf, NULL) == d)
            break;
          buf[0] = '\0';
        }
    }
  if (buf[0] == '\0')
    g_ascii_formatd (buf, sizeof buf, "%.17g", d);
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

/* A strict RFC 8259 validator run before json-glib, which is lenient: it accepts single-quoted
 * strings and comments (which could hide brackets from a depth count), octal escapes that decode
 * to invalid UTF-8, hex numbers, and integers that wrap beyond 64 bits. Depth is bounded here, so
 * json-glib's recursion is too. */
typedef struct {
  const char *p;
  const char *end;
  guint       depth;
  guint       max_depth;
} Lexer;

static gboolean validate_value (Lexer *lx);

static void
skip_ws (Lexer *lx)
{
  while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' || *lx->p == '\r'))
    lx->p++;
}

static gboolean
literal (Lexer *lx, const char *word)
{
  gsize n = strlen (word);

  if ((gsize) (lx->end - lx->p) < n || memcmp (lx->p, word, n) != 0)
    return FALSE;
  lx->p += n;
  return TRUE;
}

static int
hex4 (Lexer *lx)
{
  int v = 0;

  if (lx->end - lx->p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (lx->p[i]);
      if (d < 0)
        return -1;
      v = (v << 4) | d;
    }
  lx->p += 4;
  return v;
}

static gboolean
validate_string (Lexer *lx)
{
  lx->p++;   /* opening quote */
  while (lx->p < lx->end)
    {
      guchar c = (guchar) *lx->p;

      if (c == '"')
        {
          lx->p++;
          return TRUE;
        }
      if (c < 0x20)
        return FALSE;
      if (c != '\\')
        {
          lx->p++;
          continue;
        }
      lx->p++;
      if (lx->p >= lx->end)
        return FALSE;
      switch (*lx->p++)
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          break;
        case 'u':
          {
            int u = hex4 (lx);
            if (u <= 0)   /* malformed, or \u0000 which would cut a C string */
              return FALSE;
            if (u >= 0xDC00 && u <= 0xDFFF)
              return FALSE;   /* lone low surrogate */
            if (u >= 0xD800 && u <= 0xDBFF)
              {
                int lo;
                if (lx->end - lx->p < 2 || lx->p[0] != '\\' || lx->p[1] != 'u')
                  return FALSE;
                lx->p += 2;
                lo = hex4 (lx);
                if (lo < 0xDC00 || lo > 0xDFFF)
                  return FALSE;
              }
            break;
          }
        default:
          return FALSE;
        }
    }
  return FALSE;
}

static gboolean
validate_number (Lexer *lx)
{
  const char *start = lx->p;
  gboolean integer = TRUE;

  if (*lx->p == '-')
    lx->p++;
  if (lx->p >= lx->end || !g_ascii_isdigit (*lx->p))
    return FALSE;
  if (*lx->p == '0')
    lx->p++;
  else
    while (lx->p < lx->end && g_ascii_isdigit (*lx->p))
      lx->p++;
  if (lx->p < lx->end && *lx->p == '.')
    {
      integer = FALSE;
      lx->p++;
      if (lx->p >= lx->end || !g_ascii_isdigit (*lx->p))
        return FALSE;
      while (lx->p < lx->end && g_ascii_isdigit (*lx->p))
        lx->p++;
    }
  if (lx->p < lx->end && (*lx->p == 'e' || *lx->p == 'E'))
    {
      integer = FALSE;
      lx->p++;
      if (lx->p < lx->end && (*lx->p == '+' || *lx->p == '-'))
        lx->p++;
      if (lx->p >= lx->end || !g_ascii_isdigit (*lx->p))
        return FALSE;
      while (lx->p < lx->end && g_ascii_isdigit (*lx->p))
        lx->p++;
    }
  /* json-glib reads integers into 64 bits and wraps: keep them to 18 digits */
  return !integer || lx->p - start <= 18 + (*start == '-');
}

static gboolean
validate_container (Lexer *lx, char close)
{
  gboolean first = TRUE;

  if (++lx->depth > lx->max_depth)
    return FALSE;
  lx->p++;
  skip_ws (lx);
  if (lx->p < lx->end && *lx->p == close)
    {
      lx->p++;
      lx->depth--;
      return TRUE;
    }
  while (lx->p < lx->end)
    {
      if (!first)
        {
          if (*lx->p != ',')
            return FALSE;
          lx->p++;
          skip_ws (lx);
        }
      first = FALSE;
      if (close == '}')
        {
          if (lx->p >= lx->end || *lx->p != '"' || !validate_string (lx))
            return FALSE;
          skip_ws (lx);
          if (lx->p >= lx->end || *lx->p != ':')
            return FALSE;
          lx->p++;
          skip_ws (lx);
        }
      if (!validate_value (lx))
        return FALSE;
      skip_ws (lx);
      if (lx->p < lx->end && *lx->p == close)
        {
          lx->p++;
          lx->depth--;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
validate_value (Lexer *lx)
{
  if (lx->p >= lx->end)
    return FALSE;
  switch (*lx->p)
    {
    case '{': return validate_container (lx, '}');
    case '[': return validate_container (lx, ']');
    case '"': return validate_string (lx);
    case 't': return literal (lx, "true");
    case 'f': return literal (lx, "false");
    case 'n': return literal (lx, "null");
    default: return validate_number (lx);
    }
}

static gboolean
validate_json (const char *data, gsize len, guint max_depth)
{
  Lexer lx = { data, data + len, 0, max_depth };

  skip_ws (&lx);
  if (!validate_value (&lx))
    return FALSE;
  skip_ws (&lx);
  return lx.p == lx.end;
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
  if (!validate_json (data, len, max_depth))
    {
      g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_INVALID,
                   "Not strict JSON, or nested deeper than %u levels", max_depth);
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
