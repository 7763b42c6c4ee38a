/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pure: ICE server URIs in the form webrtcbin 1.22 wants.  No I/O. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TC_ICE_URI_MAX 2048

/* "stun:host:port" or "stun://host:port" → "stun://host:port". */
char *tc_ice_uri_normalize_stun (const char  *uri,
                                 GError     **error);

/* "turn://user:pass@host:port?transport=udp" where the user part may contain ':' (TURN REST
 * "expiry:participant") → the same with user and password URI-escaped, so webrtcbin splits
 * user from password at the right colon.  The password is what follows the LAST colon of
 * the user information. "turns://" is kept. */
char *tc_ice_uri_normalize_turn (const char  *uri,
                                 GError     **error);

/* The W3C RTCIceServer form (url "turn:host:port?transport=udp", username, credential)
 * → "turn://escaped-user:escaped-credential@host:port?transport=udp". */
char *tc_ice_server_to_turn_uri (const char  *url,
                                 const char  *username,
                                 const char  *credential,
                                 GError     **error);

G_END_DECLS
