/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The strict JSON lexer run before json-glib, split from tc-protocol.c. */
#define G_LOG_DOMAIN "tc-protocol"

#include "tc-json-scan.h"
#include "tc-protocol.h"

#include <string.h>

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads the 4 hex digits of a \u escape at data[i..i+3]; -1 if malformed. */
static gint32
read_u_escape (const char *data,
               gsize       length,
               gsize       i)
{
  gint32 cp = 0;
  if (i + 4 > length)
    return -1;
  for (gsize k = 0; k < 4; k++)
    {
      int h = hex_value (data[i + k]);
      if (h < 0)
        return -1;
      cp = cp * 16 + h;
    }
  return cp;
}

static gboolean
scan_fail (GError    **error,
           const char *what)
{
  g_set_error_literal (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_JSON, what);
  return FALSE;
}

/* Length of the JSON number at data[i..], per RFC 8259; 0 if there is none. */
static gsize
scan_number (const char *data,
             gsize       length,
             gsize       i)
{
  gsize start = i;

  if (i < length && data[i] == '-')
    i++;
  if (i >= length || !g_ascii_isdigit (data[i]))
    return 0;
  if (data[i] == '0')
    i++;
  else
    while (i < length && g_ascii_isdigit (data[i]))
      i++;
  if (i < length && data[i] == '.')
    {
      if (++i >= length || !g_ascii_isdigit (data[i]))
        return 0;
      while (i < length && g_ascii_isdigit (data[i]))
        i++;
    }
  if (i < length && (data[i] == 'e' || data[i] == 'E'))
    {
      if (++i < length && (data[i] == '+' || data[i] == '-'))
        i++;
      if (i >= length || !g_ascii_isdigit (data[i]))
        return 0;
      while (i < length && g_ascii_isdigit (data[i]))
        i++;
    }
  /* A number runs into the next structural character or whitespace. */
  if (i < length && (g_ascii_isalnum (data[i]) || data[i] == '.' || data[i] == '-' || data[i] == '+'))
    return 0;
  /* json-glib wraps integers that do not fit in 64 bits (2^64 + 1 becomes 1): refuse them. */
  if (memchr (data + start, '.', i - start) == NULL && memchr (data + start, 'e', i - start) == NULL &&
      memchr (data + start, 'E', i - start) == NULL)
    {
      char digits[24];
      if (i - start >= sizeof digits)
        return 0;
      memcpy (digits, data + start, i - start);
      digits[i - start] = '\0';
      if (!g_ascii_string_to_signed (digits, 10, G_MININT64, G_MAXINT64, NULL, NULL))
        return 0;
    }
  return i - start;
}

/* A strict RFC 8259 lexer in one linear pass, run before json-glib. json-glib 1.6 is
 * lenient (single-quoted strings, comments, hex numbers, octal and unknown escapes,
 * raw control characters) and its parser recurses; so only standard tokens reach it,
 * which guarantees that this scan and json-glib agree on where strings are, that the
 * nesting depth counted here is the real one, and that every decoded string is
 * valid UTF-8 without NUL. The grammar itself is left to json-glib. */
gboolean
tc_json_scan (const char *data,
              gsize       length,
              gboolean   *out_has_doubles,
              GError    **error)
{
  guint depth = 0;
  gboolean top_value_seen = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      /* Exactly one top-level value: json-glib would accept `{…}{…}`, and which object
       * it returns is not what a relay appending members expects. */
      if (depth == 0 && c != ' ' && c != '\t' && c != '\n' && c != '\r')
        {
          if (top_value_seen || c == '}' || c == ']' || c == ':' || c == ',')
            return scan_fail (error, "not exactly one JSON value");
          if (c != '{' && c != '[')
            top_value_seen = TRUE;   /* a scalar; refused later as "not a JSON object" */
        }

      switch (c)
        {
        case ' ': case '\t': case '\n': case '\r': case ':': case ',':
          break;

        case '{': case '[':
          if (++depth > TC_PROTOCOL_MAX_DEPTH)
            {
              g_set_error (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_JSON,
                           "nesting deeper than %d levels", TC_PROTOCOL_MAX_DEPTH);
              return FALSE;
            }
          break;

        case '}': case ']':
          if (depth == 0)
            return scan_fail (error, "unbalanced brackets");
          if (--depth == 0)
            top_value_seen = TRUE;
          break;

        case 't': case 'f': case 'n':
          {
            const char *word = c == 't' ? "true" : c == 'f' ? "false" : "null";
            gsize n = strlen (word);
            if (length - i < n || memcmp (data + i, word, n) != 0 ||
                (i + n < length && g_ascii_isalnum (data[i + n])))
              return scan_fail (error, "not valid JSON");
            i += n - 1;
          }
          break;

        case '"':
          for (i++; ; i++)
            {
              if (i >= length)
                return scan_fail (error, "unterminated string");
              c = data[i];
              if (c == '"')
                break;
              if ((guchar) c < 0x20)
                return scan_fail (error, "control character in a string");
              if (c != '\\')
                continue;
              if (++i >= length)
                return scan_fail (error, "unterminated string");
              if (data[i] == 'u')
                {
                  gint32 cp = read_u_escape (data, length, i + 1);
                  i += 4;
                  if (cp < 0 || cp == 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
                    return scan_fail (error, "invalid or unsupported \\u escape in a string");
                  if (cp >= 0xD800 && cp <= 0xDBFF)
                    {
                      gint32 low;
                      if (i + 2 >= length || data[i + 1] != '\\' || data[i + 2] != 'u')
                        return scan_fail (error, "invalid or unsupported \\u escape in a string");
                      low = read_u_escape (data, length, i + 3);
                      if (low < 0xDC00 || low > 0xDFFF)
                        return scan_fail (error, "invalid or unsupported \\u escape in a string");
                      i += 6;
                    }
                }
              else if (strchr ("\"\\/bfnrt", data[i]) == NULL || data[i] == '\0')
                return scan_fail (error, "invalid escape in a string");
            }
          break;

        default:
          {
            gsize n = scan_number (data, length, i);
            if (n == 0)
              return scan_fail (error, "not valid JSON");
            if (out_has_doubles != NULL &&
                (memchr (data + i, '.', n) || memchr (data + i, 'e', n) || memchr (data + i, 'E', n)))
              *out_has_doubles = TRUE;
            i += n - 1;
          }
          break;
        }
    }
  return TRUE;
}
