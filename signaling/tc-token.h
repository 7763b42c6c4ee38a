/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bearer tokens (invitation, kiosk, resume) and short human codes.
 * Tokens are 32 bytes from libsodium's CSPRNG, base64url without padding (43 characters);
 * only their SHA-256 is ever stored, and comparisons are constant time. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TC_TOKEN_LENGTH 43
#define TC_TOKEN_SHORT_CODE_LENGTH 9 /* "XXXX-XXXX" */

char    *tc_token_generate               (void);
void     tc_token_hash                   (const char *token,
                                          guint8      out[32]);
char    *tc_token_hash_hex               (const char *token);
/* Constant time: compares the SHA-256 of both (sodium_memcmp). FALSE if either is NULL. */
gboolean tc_token_equal                  (const char *a,
                                          const char *b);
gboolean tc_token_is_well_formed         (const char *token);
/* "XXXX-XXXX" from the 31 letters and digits without 0 O 1 I L (~40 bits). */
char    *tc_token_short_code_generate    (void);
/* Uppercases, drops spaces and dashes; returns the canonical "XXXX-XXXX" form (so that
 * normalize (generate ()) is the generated code, and the server can hash either), or
 * NULL unless exactly 8 valid characters remain. */
char    *tc_token_short_code_normalize   (const char *input);

G_END_DECLS
