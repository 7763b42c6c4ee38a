/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Invitation links: teleconsult://join?server=<escaped ws(s) URL>&token=<token>.
 * Pure code, no I/O. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TC_INVITATION_MAX_LENGTH 2048

/* Reads a link a person pasted or a URL handler received. Leading and trailing
 * white space is ignored. On success returns TRUE and the server WebSocket URL and
 * token, and (when @out_fingerprint is not NULL) the pinned certificate fingerprint
 * of a LAN-mode link (`fp=`, 43 base64url characters) or NULL; otherwise sets a
 * TC_CONSULTATION_ERROR_BAD_INVITATION error in plain words. */
gboolean tc_invitation_parse (const char  *link,
                              char       **out_server_url,
                              char       **out_token,
                              char       **out_fingerprint,
                              GError     **error);

/* The link for @server_url (ws:// or wss://) and @token. */
char    *tc_invitation_build (const char *server_url,
                              const char *token);

G_END_DECLS
