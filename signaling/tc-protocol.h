/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The signalling protocol model: parsing, validation and building of messages.
 * Pure code (no I/O): the server, the client and the fuzzer share it.
 * docs/signaling-protocol.md is the reference. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TC_PROTOCOL_VERSION 1
#define TC_PROTOCOL_SUBPROTOCOL "teleconsult.v1"
#define TC_PROTOCOL_MAX_MESSAGE_SIZE 65536
#define TC_PROTOCOL_MAX_DEPTH 16

typedef enum {
  TC_PROTOCOL_ERROR_BAD_JSON,
  TC_PROTOCOL_ERROR_BAD_MESSAGE,
  TC_PROTOCOL_ERROR_UNKNOWN_TYPE,
  TC_PROTOCOL_ERROR_TOO_LARGE,
  TC_PROTOCOL_ERROR_UNSUPPORTED_VERSION,
  TC_PROTOCOL_ERROR_NOT_AUTHENTICATED,
  TC_PROTOCOL_ERROR_ALREADY_AUTHENTICATED,
  TC_PROTOCOL_ERROR_BAD_CREDENTIALS,
  TC_PROTOCOL_ERROR_INVALID_TOKEN,
  TC_PROTOCOL_ERROR_EXPIRED_TOKEN,
  TC_PROTOCOL_ERROR_CONSULTATION_ENDED,
  TC_PROTOCOL_ERROR_FORBIDDEN,
  TC_PROTOCOL_ERROR_NOT_FOUND,
  TC_PROTOCOL_ERROR_NOT_ADMITTED,
  TC_PROTOCOL_ERROR_RATE_LIMITED,
  TC_PROTOCOL_ERROR_NO_CONSULTATION,
  TC_PROTOCOL_ERROR_INTERNAL,
} TcProtocolError;

#define TC_PROTOCOL_ERROR (tc_protocol_error_quark ())
GQuark tc_protocol_error_quark (void);

/* "bad-json", "bad-message", … as on the wire. */
const char *tc_protocol_error_to_string   (TcProtocolError  code);
gboolean    tc_protocol_error_from_string (const char      *str,
                                           TcProtocolError *out_code);

typedef enum {
  /* client → server */
  TC_MESSAGE_HELLO,
  TC_MESSAGE_CREATE_CONSULTATION,
  TC_MESSAGE_LIST_CONSULTATIONS,
  TC_MESSAGE_INVITE,
  TC_MESSAGE_ADMIT,
  TC_MESSAGE_DECLINE,
  TC_MESSAGE_LEAVE,
  TC_MESSAGE_END,
  TC_MESSAGE_PING,
  /* both directions (relayed; the server adds `from`) */
  TC_MESSAGE_SDP,
  TC_MESSAGE_ICE,
  TC_MESSAGE_CHAT,
  /* server → client */
  TC_MESSAGE_WELCOME,
  TC_MESSAGE_CONSULTATION,
  TC_MESSAGE_CONSULTATIONS,
  TC_MESSAGE_WAITING_ROOM,
  TC_MESSAGE_WAITING,
  TC_MESSAGE_ADMITTED,
  TC_MESSAGE_DECLINED,
  TC_MESSAGE_PRESENCE,
  TC_MESSAGE_CONSULTATION_ENDED,
  TC_MESSAGE_PONG,
  TC_MESSAGE_ERROR,
} TcMessageType;

typedef enum {
  TC_DIRECTION_TO_SERVER,
  TC_DIRECTION_TO_CLIENT,
} TcDirection;

const char *tc_message_type_to_string   (TcMessageType  type);
gboolean    tc_message_type_from_string (const char    *str,
                                         TcMessageType *out_type);

/* Parses one WebSocket text message and validates it against the protocol for
 * @direction (types, ranges and limits of docs/signaling-protocol.md). Bounded: never
 * reads past @length, refuses more than TC_PROTOCOL_MAX_MESSAGE_SIZE bytes or deeper
 * nesting than TC_PROTOCOL_MAX_DEPTH. Returns a new reference to the object; on
 * failure sets a TC_PROTOCOL_ERROR whose message names the offending field (never
 * its value). @out_rid, when the message carried a valid `rid`, receives a copy even
 * on failure so that the error can echo it. @out_type is set as soon as `type` names a
 * known message, also on a later failure (for logging); it is untouched otherwise. */
JsonObject *tc_protocol_parse (const char     *data,
                               gsize           length,
                               TcDirection     direction,
                               TcMessageType  *out_type,
                               char          **out_rid,
                               GError        **error);

/* A new object {"type": …}. */
JsonObject *tc_protocol_message_new (TcMessageType type);
/* {"type":"error","code":…,"reason":…,"rid":…} (rid omitted when NULL). */
JsonObject *tc_protocol_error_message_new (TcProtocolError  code,
                                           const char      *reason,
                                           const char      *rid);
/* Compact JSON text of @message. */
char       *tc_protocol_serialize (JsonObject *message,
                                   gsize      *out_length);

/* For relaying without re-serialising (json-glib's generator costs about as much as
 * its parser): returns the text of @data, a message tc_protocol_parse() accepted, with
 * the members of @extra appended at its end, e.g. `{"from":…,"seq":…}` for a relayed
 * `sdp`. Appended members come last, so they win over members of the same name in
 * @data (JSON parsers, json-glib and browsers alike, keep the last). Returns a copy of
 * @data when @extra is empty; NULL (and a BAD_JSON error) if @data is not an object. */
char       *tc_protocol_append_members (const char  *data,
                                        gsize        length,
                                        JsonObject  *extra,
                                        gsize       *out_length,
                                        GError     **error);

G_END_DECLS
