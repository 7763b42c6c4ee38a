/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-media"

#include "tc-verification.h"
#include "tc-media-error.h"

#include <string.h>

#define MAX_SDP          65536
#define MAX_FINGERPRINTS 16
#define MAX_HASH_BYTES   64    /* sha-512 */

/* "sha-256 AB:CD:…" → normalised copy, or NULL. */
static char *
normalise_fingerprint (const char *value,
                       gsize       len)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gsize i = 0, algo_len, bytes = 0;

  while (i < len && value[i] == ' ')
    i++;
  algo_len = i;
  while (i < len && (g_ascii_isalnum (value[i]) || value[i] == '-'))
    i++;
  algo_len = i - algo_len;
  if (algo_len == 0 || algo_len > 16 || i >= len || value[i] != ' ')
    return NULL;
  g_string_append_len (out, value + i - algo_len, algo_len);
  g_string_ascii_down (out);
  g_string_append_c (out, ' ');
  while (i < len && value[i] == ' ')
    i++;

  while (i < len)
    {
      if (i + 1 >= len || !g_ascii_isxdigit (value[i]) || !g_ascii_isxdigit (value[i + 1]))
        return NULL;
      g_string_append_c (out, g_ascii_toupper (value[i]));
      g_string_append_c (out, g_ascii_toupper (value[i + 1]));
      i += 2;
      if (++bytes > MAX_HASH_BYTES)
        return NULL;
      if (i < len)
        {
          if (value[i] == ':')
            {
              g_string_append_c (out, ':');
              i++;
              if (i >= len)
                return NULL;
            }
          else
            {
              /* trailing spaces only */
              while (i < len && (value[i] == ' ' || value[i] == '\t'))
                i++;
              if (i != len)
                return NULL;
            }
        }
    }
  if (bytes < 16)
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

char *
tc_verification_get_fingerprint (const char  *sdp,
                                 GError     **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  const char *p, *end;
  gsize sdp_len;

  if (sdp == NULL || (sdp_len = strnlen (sdp, MAX_SDP + 1)) > MAX_SDP)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_SDP, "The description is missing or too large");
      return NULL;
    }

  for (p = sdp, end = sdp + sdp_len; p < end; )
    {
      const char *eol = memchr (p, '\n', end - p);
      gsize line_len = (eol ? eol : end) - p;

      if (line_len > 0 && p[line_len - 1] == '\r')
        line_len--;
      if (line_len > 14 && strncmp (p, "a=fingerprint:", 14) == 0)
        {
          char *fp = normalise_fingerprint (p + 14, line_len - 14);
          gboolean seen = FALSE;

          if (fp == NULL)
            {
              g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_FINGERPRINT,
                           "The description has a malformed fingerprint");
              return NULL;
            }
          for (guint i = 0; i < found->len; i++)
            seen = seen || strcmp (g_ptr_array_index (found, i), fp) == 0;
          if (seen)
            g_free (fp);
          else if (found->len >= MAX_FINGERPRINTS)
            {
              g_free (fp);
              g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_FINGERPRINT,
                           "The description has too many fingerprints");
              return NULL;
            }
          else
            g_ptr_array_add (found, fp);
        }
      p = eol ? eol + 1 : end;
    }

  if (found->len == 0)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_FINGERPRINT,
                   "The description has no DTLS fingerprint");
      return NULL;
    }
  g_ptr_array_sort (found, compare_strings);
  g_ptr_array_add (found, NULL);
  return g_strjoinv (",", (char **) found->pdata);
}

static void
digest (const char *a,
        const char *b,
        guint8      out[32])
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *first = strcmp (a, b) <= 0 ? a : b;
  const char *second = first == a ? b : a;
  gsize len = 32;

  g_checksum_update (sum, (const guchar *) "teleconsult-verification-v1\n", -1);
  g_checksum_update (sum, (const guchar *) first, -1);
  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, (const guchar *) second, -1);
  g_checksum_get_digest (sum, out, &len);
}

char *
tc_verification_code_from_fingerprints (const char *fingerprint_a,
                                        const char *fingerprint_b)
{
  guint8 d[32];
  guint64 v = 0;

  g_return_val_if_fail (fingerprint_a != NULL && fingerprint_b != NULL, NULL);

  digest (fingerprint_a, fingerprint_b, d);
  for (guint i = 0; i < 8; i++)
    v = (v << 8) | d[i];
  return g_strdup_printf ("%06u", (guint) (v % 1000000));
}

char *
tc_verification_words_from_fingerprints (const char *fingerprint_a,
                                         const char *fingerprint_b,
                                         const char *lang)
{
  const char *const *list = g_strcmp0 (lang, "fr") == 0 ? tc_verification_words_fr : tc_verification_words_en;
  guint8 d[32];

  g_return_val_if_fail (fingerprint_a != NULL && fingerprint_b != NULL, NULL);

  digest (fingerprint_a, fingerprint_b, d);
  /* Bytes 8.. are independent of the ones the digits use. */
  return g_strdup_printf ("%s %s %s %s", list[d[8]], list[d[9]], list[d[10]], list[d[11]]);
}

gboolean
tc_verification_compute (const char  *local_sdp,
                         const char  *remote_sdp,
                         char       **code,
                         char       **words,
                         GError     **error)
{
  g_autofree char *local = NULL;
  g_autofree char *remote = NULL;

  g_return_val_if_fail (code != NULL, FALSE);

  local = tc_verification_get_fingerprint (local_sdp, error);
  if (local == NULL)
    return FALSE;
  remote = tc_verification_get_fingerprint (remote_sdp, error);
  if (remote == NULL)
    return FALSE;

  *code = tc_verification_code_from_fingerprints (local, remote);
  if (words != NULL)
    *words = tc_verification_words_from_fingerprints (local, remote, "en");
  return TRUE;
}
