/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Time-limited TURN credentials in the TURN REST scheme that coturn's `use-auth-secret`
 * checks: username "<expiry unix seconds>:<participant id>",
 * credential base64 (HMAC-SHA1 (shared secret, username)). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TC_TURN_CREDENTIALS_LIFETIME_SECONDS (12 * 60 * 60)

void tc_turn_credentials_compute (const char  *secret,
                                  const char  *participant_id,
                                  gint64       expiry_unix,
                                  char       **out_username,
                                  char       **out_credential);

G_END_DECLS
