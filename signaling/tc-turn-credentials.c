/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-turn-credentials"

#include "tc-turn-credentials.h"

#include <string.h>

void
tc_turn_credentials_compute (const char  *secret,
                             const char  *participant_id,
                             gint64       expiry_unix,
                             char       **out_username,
                             char       **out_credential)
{
  g_autoptr(GHmac) hmac = NULL;
  g_autofree char *username = NULL;
  guint8 digest[20];
  gsize digest_len = sizeof digest;

  g_return_if_fail (secret != NULL);
  g_return_if_fail (participant_id != NULL);
  g_return_if_fail (out_username != NULL && out_credential != NULL);

  username = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", expiry_unix, participant_id);
  hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) secret, strlen (secret));
  g_hmac_update (hmac, (const guchar *) username, -1);
  g_hmac_get_digest (hmac, digest, &digest_len);

  *out_credential = g_base64_encode (digest, digest_len);
  *out_username = g_steal_pointer (&username);
}
