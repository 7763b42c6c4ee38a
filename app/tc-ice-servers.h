/* SPDX-License-Identifier: GPL-3.0-or-later */
/* W3C RTCIceServer lists (as the signalling server sends them) to the URIs
 * webrtcbin takes: stun://host:port and turn(s)://user:pass@host:port?transport=…
 * Pure code, no I/O. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Fills two NULL-terminated arrays. Entries that cannot be used are skipped
 * (and counted in the return value), never fatal: a call can still go direct. */
guint tc_ice_servers_to_uris (JsonArray   *ice_servers,
                              GStrv       *out_stun_uris,
                              GStrv       *out_turn_uris);

G_END_DECLS
