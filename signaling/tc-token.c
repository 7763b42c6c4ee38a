/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-token"

#include "tc-token.h"

#include <sodium.h>
#include <string.h>

#define TOKEN_BYTES 32
#define SHORT_CODE_CHARS 8
#define SHORT_CODE_MAX_INPUT 64

/* Digits and capitals without the look-alikes 0 O 1 I L: 8 + 23 = 31 symbols. */
static const char short_code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

G_STATIC_ASSERT (sizeof short_code_alphabet - 1 == 31);

static void
ensure_sodium (void)
{
  /* Idempotent and thread-safe; only -1 is a failure (no entropy source). */
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
}

char *
tc_token_generate (void)
{
  guint8 bytes[TOKEN_BYTES];
  char *token = g_malloc (sodium_base64_ENCODED_LEN (TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING));

  ensure_sodium ();
  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (token, sodium_base64_ENCODED_LEN (TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                     bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (bytes, sizeof bytes);
  g_assert (strlen (token) == TC_TOKEN_LENGTH);
  return token;
}

void
tc_token_hash (const char *token,
               guint8      out[32])
{
  g_return_if_fail (token != NULL);

  ensure_sodium ();
  crypto_hash_sha256 (out, (const guint8 *) token, strlen (token));
}

char *
tc_token_hash_hex (const char *token)
{
  guint8 hash[crypto_hash_sha256_BYTES];
  char *hex = g_malloc (crypto_hash_sha256_BYTES * 2 + 1);

  tc_token_hash (token, hash);
  sodium_bin2hex (hex, crypto_hash_sha256_BYTES * 2 + 1, hash, sizeof hash);
  return hex;
}

gboolean
tc_token_equal (const char *a,
                const char *b)
{
  guint8 ha[crypto_hash_sha256_BYTES];
  guint8 hb[crypto_hash_sha256_BYTES];

  if (a == NULL || b == NULL)
    return FALSE;
  tc_token_hash (a, ha);
  tc_token_hash (b, hb);
  return sodium_memcmp (ha, hb, sizeof ha) == 0;
}

gboolean
tc_token_is_well_formed (const char *token)
{
  if (token == NULL)
    return FALSE;
  for (gsize i = 0; i < TC_TOKEN_LENGTH; i++)
    {
      char c = token[i];
      if (!(g_ascii_isalnum (c) || c == '-' || c == '_'))
        return FALSE;   /* also stops at a NUL before 43 characters */
    }
  return token[TC_TOKEN_LENGTH] == '\0';
}

char *
tc_token_short_code_generate (void)
{
  char *code = g_malloc (TC_TOKEN_SHORT_CODE_LENGTH + 1);
  guint j = 0;

  ensure_sodium ();
  for (guint i = 0; i < SHORT_CODE_CHARS; i++)
    {
      if (i == 4)
        code[j++] = '-';
      code[j++] = short_code_alphabet[randombytes_uniform (sizeof short_code_alphabet - 1)];
    }
  code[j] = '\0';
  return code;
}

char *
tc_token_short_code_normalize (const char *input)
{
  char letters[SHORT_CODE_CHARS];
  guint n = 0;

  if (input == NULL || strnlen (input, SHORT_CODE_MAX_INPUT + 1) > SHORT_CODE_MAX_INPUT)
    return NULL;

  for (const char *p = input; *p; p++)
    {
      char c = g_ascii_toupper (*p);
      if (c == '-' || g_ascii_isspace (c))
        continue;
      if (c == '\0' || strchr (short_code_alphabet, c) == NULL || n == SHORT_CODE_CHARS)
        return NULL;
      letters[n++] = c;
    }
  if (n != SHORT_CODE_CHARS)
    return NULL;
  return g_strdup_printf ("%.4s-%.4s", letters, letters + 4);
}
