/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The signalling protocol model: a table of message specifications and one bounded
 * validator. docs/signaling-protocol.md is the reference; keep the two in step. */
#define G_LOG_DOMAIN "tc-protocol"

#include "tc-protocol.h"
#include "tc-json-scan.h"

#include <string.h>

G_DEFINE_QUARK (tc-protocol-error-quark, tc_protocol_error)

/* ---- names on the wire ---------------------------------------------------------- */

static const char *const error_names[] = {
  [TC_PROTOCOL_ERROR_BAD_JSON] = "bad-json",
  [TC_PROTOCOL_ERROR_BAD_MESSAGE] = "bad-message",
  [TC_PROTOCOL_ERROR_UNKNOWN_TYPE] = "unknown-type",
  [TC_PROTOCOL_ERROR_TOO_LARGE] = "too-large",
  [TC_PROTOCOL_ERROR_UNSUPPORTED_VERSION] = "unsupported-version",
  [TC_PROTOCOL_ERROR_NOT_AUTHENTICATED] = "not-authenticated",
  [TC_PROTOCOL_ERROR_ALREADY_AUTHENTICATED] = "already-authenticated",
  [TC_PROTOCOL_ERROR_BAD_CREDENTIALS] = "bad-credentials",
  [TC_PROTOCOL_ERROR_INVALID_TOKEN] = "invalid-token",
  [TC_PROTOCOL_ERROR_EXPIRED_TOKEN] = "expired-token",
  [TC_PROTOCOL_ERROR_CONSULTATION_ENDED] = "consultation-ended",
  [TC_PROTOCOL_ERROR_FORBIDDEN] = "forbidden",
  [TC_PROTOCOL_ERROR_NOT_FOUND] = "not-found",
  [TC_PROTOCOL_ERROR_NOT_ADMITTED] = "not-admitted",
  [TC_PROTOCOL_ERROR_RATE_LIMITED] = "rate-limited",
  [TC_PROTOCOL_ERROR_NO_CONSULTATION] = "no-consultation",
  [TC_PROTOCOL_ERROR_INTERNAL] = "internal",
  NULL,
};

static const char *const type_names[] = {
  [TC_MESSAGE_HELLO] = "hello",
  [TC_MESSAGE_CREATE_CONSULTATION] = "create-consultation",
  [TC_MESSAGE_LIST_CONSULTATIONS] = "list-consultations",
  [TC_MESSAGE_INVITE] = "invite",
  [TC_MESSAGE_ADMIT] = "admit",
  [TC_MESSAGE_DECLINE] = "decline",
  [TC_MESSAGE_LEAVE] = "leave",
  [TC_MESSAGE_END] = "end",
  [TC_MESSAGE_PING] = "ping",
  [TC_MESSAGE_SDP] = "sdp",
  [TC_MESSAGE_ICE] = "ice",
  [TC_MESSAGE_CHAT] = "chat",
  [TC_MESSAGE_WELCOME] = "welcome",
  [TC_MESSAGE_CONSULTATION] = "consultation",
  [TC_MESSAGE_CONSULTATIONS] = "consultations",
  [TC_MESSAGE_WAITING_ROOM] = "waiting-room",
  [TC_MESSAGE_WAITING] = "waiting",
  [TC_MESSAGE_ADMITTED] = "admitted",
  [TC_MESSAGE_DECLINED] = "declined",
  [TC_MESSAGE_PRESENCE] = "presence",
  [TC_MESSAGE_CONSULTATION_ENDED] = "consultation-ended",
  [TC_MESSAGE_PONG] = "pong",
  [TC_MESSAGE_ERROR] = "error",
  NULL,
};

const char *
tc_protocol_error_to_string (TcProtocolError code)
{
  if ((guint) code >= G_N_ELEMENTS (error_names) - 1)
    return "internal";
  return error_names[code];
}

gboolean
tc_protocol_error_from_string (const char      *str,
                               TcProtocolError *out_code)
{
  if (str == NULL)
    return FALSE;
  for (guint i = 0; error_names[i] != NULL; i++)
    {
      if (strcmp (str, error_names[i]) == 0)
        {
          if (out_code)
            *out_code = (TcProtocolError) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
tc_message_type_to_string (TcMessageType type)
{
  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (type_names) - 1, NULL);
  return type_names[type];
}

gboolean
tc_message_type_from_string (const char    *str,
                             TcMessageType *out_type)
{
  if (str == NULL)
    return FALSE;
  for (guint i = 0; type_names[i] != NULL; i++)
    {
      if (strcmp (str, type_names[i]) == 0)
        {
          if (out_type)
            *out_type = (TcMessageType) i;
          return TRUE;
        }
    }
  return FALSE;
}

/* ---- field specifications ------------------------------------------------------- */

typedef enum {
  KIND_BYTES,   /* UTF-8 string; min/max in bytes; any character */
  KIND_CHARS,   /* UTF-8 string; min/max in characters; no control characters */
  KIND_ID,      /* 1–64 characters of A–Z a–z 0–9 . _ : - */
  KIND_INT,     /* JSON integer in [min, max] */
  KIND_BOOL,
  KIND_ENUM,    /* one of values */
  KIND_OBJECT,  /* object validated against fields */
  KIND_ARRAY,   /* array of min–max objects, each validated against fields */
  KIND_URLS,    /* a URL string or an array of 1–max URL strings (RTCIceServer.urls) */
  KIND_FORBIDDEN, /* must be absent in this direction */
} Kind;

typedef struct _Field Field;
struct _Field {
  const char   *name;
  Kind          kind;
  gboolean      required;
  gint64        min;
  gint64        max;
  const char *const *values;
  const Field  *fields;
};

#define REQ TRUE
#define OPT FALSE
#define F_BYTES(n, r, lo, hi)  { n, KIND_BYTES, r, lo, hi, NULL, NULL }
#define F_CHARS(n, r, lo, hi)  { n, KIND_CHARS, r, lo, hi, NULL, NULL }
#define F_ID(n, r)             { n, KIND_ID, r, 1, 64, NULL, NULL }
#define F_INT(n, r, lo, hi)    { n, KIND_INT, r, lo, hi, NULL, NULL }
#define F_BOOL(n, r)           { n, KIND_BOOL, r, 0, 0, NULL, NULL }
#define F_ENUM(n, r, v)        { n, KIND_ENUM, r, 0, 0, v, NULL }
#define F_OBJECT(n, r, f)      { n, KIND_OBJECT, r, 0, 0, NULL, f }
#define F_ARRAY(n, r, hi, f)   { n, KIND_ARRAY, r, 0, hi, NULL, f }
#define F_URLS(n, r, hi)       { n, KIND_URLS, r, 1, hi, NULL, NULL }
#define F_FORBIDDEN(n)         { n, KIND_FORBIDDEN, FALSE, 0, 0, NULL, NULL }
#define F_END                  { NULL, 0, FALSE, 0, 0, NULL, NULL }

#define MAX_TIME_MS G_GINT64_CONSTANT (253402300799999) /* 9999-12-31 */
#define MAX_TIME_S  G_GINT64_CONSTANT (253402300799)

/* Shared limits, also in docs/signaling-protocol.md. */
#define F_DISPLAY_NAME(r)  F_CHARS ("display_name", r, 1, 64)
#define F_TOKEN(n, r)      F_CHARS (n, r, 1, 64)
#define F_TITLE(r)         F_CHARS ("title", r, 0, 128)
#define F_REASON(r)        F_CHARS ("reason", r, 0, 200)
#define F_TTL(n)           F_INT (n, OPT, 60, 604800)

static const char *const roles[] = { "practitioner", "patient", "kiosk", NULL };
static const char *const consultation_states[] = { "open", "ended", NULL };
static const char *const presence_states[] = { "joined", "left", "reconnecting", "back", NULL };
static const char *const sdp_types[] = { "offer", "answer", NULL };
static const char *const auth_methods[] = { "password", "invitation", "kiosk", "resume", NULL };

static const Field auth_password[] = {
  F_CHARS ("username", REQ, 1, 64),
  F_BYTES ("password", REQ, 1, 1024),
  F_END,
};
static const Field auth_invitation[] = {
  F_TOKEN ("token", REQ),
  F_DISPLAY_NAME (REQ),
  F_END,
};
static const Field auth_kiosk[] = {
  F_TOKEN ("token", REQ),
  F_DISPLAY_NAME (REQ),
  F_END,
};
static const Field auth_resume[] = {
  F_TOKEN ("token", REQ),
  F_INT ("last_seq", REQ, 0, G_MAXINT64),
  F_END,
};
/* Indexed like auth_methods. */
static const Field *const auth_fields[] = { auth_password, auth_invitation, auth_kiosk, auth_resume };

static const Field description_fields[] = {
  F_ENUM ("type", REQ, sdp_types),
  F_BYTES ("sdp", REQ, 0, 60000),
  F_END,
};
static const Field candidate_fields[] = {
  F_BYTES ("candidate", REQ, 0, 1024),
  F_CHARS ("sdpMid", OPT, 0, 32),
  F_INT ("sdpMLineIndex", OPT, 0, 63),
  F_CHARS ("usernameFragment", OPT, 0, 256),
  F_END,
};
static const Field invitation_fields[] = {
  F_TOKEN ("token", REQ),
  F_BYTES ("url", REQ, 1, 2048),
  F_CHARS ("code", REQ, 1, 16),
  F_INT ("expires_at", REQ, 0, MAX_TIME_MS),
  F_END,
};
static const Field consultation_item_fields[] = {
  F_ID ("id", REQ),
  F_TITLE (OPT),
  F_ENUM ("state", REQ, consultation_states),
  F_INT ("created_at", REQ, 0, MAX_TIME_MS),
  F_ID ("kiosk", OPT),
  F_INT ("scheduled_at", OPT, 0, MAX_TIME_MS),
  F_END,
};
static const Field waiting_entry_fields[] = {
  F_ID ("participant_id", REQ),
  F_DISPLAY_NAME (REQ),
  F_ENUM ("role", REQ, roles),
  F_INT ("waiting_since", REQ, 0, MAX_TIME_MS),
  F_END,
};
static const Field peer_fields[] = {
  F_ID ("participant_id", REQ),
  F_DISPLAY_NAME (REQ),
  F_ENUM ("role", REQ, roles),
  F_END,
};
static const Field ice_server_fields[] = {
  F_URLS ("urls", REQ, 8),
  F_BYTES ("username", OPT, 0, 512),
  F_BYTES ("credential", OPT, 0, 512),
  F_END,
};

/* client → server */
static const Field hello_fields[] = {
  F_INT ("v", REQ, G_MININT64, G_MAXINT64), /* checked first: other versions get unsupported-version */
  F_OBJECT ("auth", REQ, NULL),              /* checked by check_hello: a union on `method` */
  F_END,
};
static const Field create_consultation_fields[] = {
  F_TITLE (OPT),
  F_ID ("kiosk", OPT),
  F_INT ("scheduled_at", OPT, 0, MAX_TIME_MS),
  F_TTL ("invitation_ttl"),
  F_END,
};
static const Field no_fields[] = { F_END };
static const Field invite_fields[] = {
  F_ID ("consultation_id", REQ),
  F_TTL ("ttl"),
  F_END,
};
static const Field admit_fields[] = {
  F_ID ("consultation_id", REQ),
  F_ID ("participant_id", REQ),
  F_END,
};
static const Field decline_fields[] = {
  F_ID ("consultation_id", REQ),
  F_ID ("participant_id", REQ),
  F_REASON (OPT),
  F_END,
};
static const Field end_fields[] = {
  F_ID ("consultation_id", REQ),
  F_END,
};
static const Field sdp_to_server_fields[] = {
  F_ID ("to", REQ),
  F_FORBIDDEN ("from"),
  F_OBJECT ("description", REQ, description_fields),
  F_END,
};
static const Field ice_to_server_fields[] = {
  F_ID ("to", REQ),
  F_FORBIDDEN ("from"),
  F_OBJECT ("candidate", REQ, candidate_fields),
  F_END,
};
static const Field chat_to_server_fields[] = {
  F_FORBIDDEN ("from"),
  F_BYTES ("text", REQ, 1, 4000),
  F_END,
};

/* server → client */
static const Field sdp_to_client_fields[] = {
  F_ID ("from", REQ),
  F_ID ("to", OPT),
  F_OBJECT ("description", REQ, description_fields),
  F_END,
};
static const Field ice_to_client_fields[] = {
  F_ID ("from", REQ),
  F_ID ("to", OPT),
  F_OBJECT ("candidate", REQ, candidate_fields),
  F_END,
};
static const Field chat_to_client_fields[] = {
  F_ID ("id", REQ),
  F_ID ("from", REQ),
  F_DISPLAY_NAME (REQ),
  F_BYTES ("text", REQ, 1, 4000),
  F_INT ("ts", REQ, 0, MAX_TIME_MS),
  F_END,
};
static const Field welcome_fields[] = {
  F_ID ("participant_id", REQ),
  F_ENUM ("role", REQ, roles),
  F_DISPLAY_NAME (REQ),
  F_TOKEN ("resume_token", REQ),
  F_INT ("server_time", REQ, 0, MAX_TIME_MS),
  F_ID ("consultation_id", OPT),
  F_END,
};
static const Field consultation_fields[] = {
  F_ID ("consultation_id", REQ),
  F_TITLE (OPT),
  F_ENUM ("state", REQ, consultation_states),
  F_OBJECT ("invitation", OPT, invitation_fields),
  F_ID ("kiosk", OPT),
  F_INT ("scheduled_at", OPT, 0, MAX_TIME_MS),
  F_END,
};
static const Field consultations_fields[] = {
  F_ARRAY ("items", REQ, 1000, consultation_item_fields),
  F_END,
};
static const Field waiting_room_fields[] = {
  F_ID ("consultation_id", REQ),
  F_ARRAY ("entries", REQ, 1000, waiting_entry_fields),
  F_END,
};
static const Field waiting_fields[] = {
  F_ID ("consultation_id", REQ),
  F_INT ("position", REQ, 1, G_MAXINT32),
  F_END,
};
static const Field admitted_fields[] = {
  F_ID ("consultation_id", REQ),
  F_OBJECT ("peer", REQ, peer_fields),
  F_ARRAY ("ice_servers", REQ, 16, ice_server_fields),
  F_BOOL ("polite", REQ),
  F_END,
};
static const Field declined_fields[] = {
  F_ID ("consultation_id", REQ),
  F_REASON (OPT),
  F_END,
};
static const Field presence_fields[] = {
  F_ID ("consultation_id", REQ),
  F_ID ("participant_id", REQ),
  F_DISPLAY_NAME (REQ),
  F_ENUM ("role", REQ, roles),
  F_ENUM ("state", REQ, presence_states),
  F_END,
};
static const Field consultation_ended_fields[] = {
  F_ID ("consultation_id", REQ),
  F_REASON (REQ),
  F_END,
};
static const Field error_fields[] = {
  F_ENUM ("code", REQ, error_names),
  F_REASON (OPT),
  F_INT ("next_at", OPT, 0, MAX_TIME_MS),
  F_END,
};

typedef gboolean (*ExtraCheck) (JsonObject *object, GError **error);

static gboolean check_hello (JsonObject *object, GError **error);
static gboolean check_candidate (JsonObject *object, GError **error);

typedef struct {
  const Field *to_server;   /* NULL: not valid client → server */
  const Field *to_client;   /* NULL: not valid server → client */
  ExtraCheck   check;
} MessageSpec;

/* Indexed by TcMessageType. */
static const MessageSpec message_specs[] = {
  [TC_MESSAGE_HELLO] = { hello_fields, NULL, check_hello },
  [TC_MESSAGE_CREATE_CONSULTATION] = { create_consultation_fields, NULL, NULL },
  [TC_MESSAGE_LIST_CONSULTATIONS] = { no_fields, NULL, NULL },
  [TC_MESSAGE_INVITE] = { invite_fields, NULL, NULL },
  [TC_MESSAGE_ADMIT] = { admit_fields, NULL, NULL },
  [TC_MESSAGE_DECLINE] = { decline_fields, NULL, NULL },
  [TC_MESSAGE_LEAVE] = { no_fields, NULL, NULL },
  [TC_MESSAGE_END] = { end_fields, NULL, NULL },
  [TC_MESSAGE_PING] = { no_fields, NULL, NULL },
  [TC_MESSAGE_SDP] = { sdp_to_server_fields, sdp_to_client_fields, NULL },
  [TC_MESSAGE_ICE] = { ice_to_server_fields, ice_to_client_fields, check_candidate },
  [TC_MESSAGE_CHAT] = { chat_to_server_fields, chat_to_client_fields, NULL },
  [TC_MESSAGE_WELCOME] = { NULL, welcome_fields, NULL },
  [TC_MESSAGE_CONSULTATION] = { NULL, consultation_fields, NULL },
  [TC_MESSAGE_CONSULTATIONS] = { NULL, consultations_fields, NULL },
  [TC_MESSAGE_WAITING_ROOM] = { NULL, waiting_room_fields, NULL },
  [TC_MESSAGE_WAITING] = { NULL, waiting_fields, NULL },
  [TC_MESSAGE_ADMITTED] = { NULL, admitted_fields, NULL },
  [TC_MESSAGE_DECLINED] = { NULL, declined_fields, NULL },
  [TC_MESSAGE_PRESENCE] = { NULL, presence_fields, NULL },
  [TC_MESSAGE_CONSULTATION_ENDED] = { NULL, consultation_ended_fields, NULL },
  [TC_MESSAGE_PONG] = { NULL, no_fields, NULL },
  [TC_MESSAGE_ERROR] = { NULL, error_fields, NULL },
};

G_STATIC_ASSERT (G_N_ELEMENTS (message_specs) == G_N_ELEMENTS (type_names) - 1);
G_STATIC_ASSERT (G_N_ELEMENTS (error_names) == TC_PROTOCOL_ERROR_INTERNAL + 2);

/* ---- the validator ---------------------------------------------------------------- */

static gboolean
bad_field (GError    **error,
           const char *prefix,
           const char *name,
           const char *problem)
{
  g_set_error (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_MESSAGE,
               "%s%s%s: %s", prefix ? prefix : "", prefix ? "." : "", name, problem);
  return FALSE;
}

static gboolean
is_id_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.' || c == ':';
}

static gboolean
check_string (const char  *str,
              const Field *field,
              const char  *prefix,
              GError     **error)
{
  gsize bytes = strlen (str);
  char problem[96];

  /* No UTF-8 check here: the whole text was validated and tc_json_scan only lets through
   * escapes that decode to valid UTF-8 without NUL (tc-json-scan.c; measured: re-validating an SDP
   * costs ~10% of a parse). */
  if (field->kind == KIND_BYTES)
    {
      if ((gint64) bytes < field->min || (gint64) bytes > field->max)
        {
          g_snprintf (problem, sizeof problem, "must be %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT " bytes",
                      field->min, field->max);
          return bad_field (error, prefix, field->name, problem);
        }
      return TRUE;
    }

  if (field->kind == KIND_ID)
    {
      if (bytes < 1 || bytes > 64)
        return bad_field (error, prefix, field->name, "must be 1–64 characters");
      for (gsize i = 0; i < bytes; i++)
        if (!is_id_char (str[i]))
          return bad_field (error, prefix, field->name, "must be letters, digits, '.', '_', ':' or '-'");
      return TRUE;
    }

  /* KIND_CHARS: count characters (bounded by the byte length) and refuse control characters. */
  {
    gint64 chars = 0;
    for (const char *p = str; *p; p = g_utf8_next_char (p))
      {
        gunichar c = g_utf8_get_char (p);
        if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
          return bad_field (error, prefix, field->name, "must not contain control characters");
        chars++;
      }
    if (chars < field->min || chars > field->max)
      {
        g_snprintf (problem, sizeof problem, "must be %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT " characters",
                    field->min, field->max);
        return bad_field (error, prefix, field->name, problem);
      }
  }
  return TRUE;
}

static const char *
node_string (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

static gboolean validate_object (JsonObject  *object,
                                 const Field *fields,
                                 const char  *prefix,
                                 GError     **error);

static gboolean
validate_field (JsonNode    *node,
                const Field *field,
                const char  *prefix,
                GError     **error)
{
  const char *str;

  switch (field->kind)
    {
    case KIND_FORBIDDEN:
      return bad_field (error, prefix, field->name, "only the server sets this field");

    case KIND_BYTES:
    case KIND_CHARS:
    case KIND_ID:
      if ((str = node_string (node)) == NULL)
        return bad_field (error, prefix, field->name, "must be a string");
      return check_string (str, field, prefix, error);

    case KIND_INT:
      {
        gint64 value;
        if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
          return bad_field (error, prefix, field->name, "must be an integer");
        value = json_node_get_int (node);
        if (value < field->min || value > field->max)
          return bad_field (error, prefix, field->name, "out of range");
        return TRUE;
      }

    case KIND_BOOL:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return bad_field (error, prefix, field->name, "must be a boolean");
      return TRUE;

    case KIND_ENUM:
      if ((str = node_string (node)) == NULL)
        return bad_field (error, prefix, field->name, "must be a string");
      for (guint i = 0; field->values[i] != NULL; i++)
        if (strcmp (str, field->values[i]) == 0)
          return TRUE;
      return bad_field (error, prefix, field->name, "not one of the allowed values");

    case KIND_OBJECT:
      {
        g_autofree char *inner = NULL;
        if (!JSON_NODE_HOLDS_OBJECT (node))
          return bad_field (error, prefix, field->name, "must be an object");
        if (field->fields == NULL)
          return TRUE;
        inner = prefix ? g_strdup_printf ("%s.%s", prefix, field->name) : g_strdup (field->name);
        return validate_object (json_node_get_object (node), field->fields, inner, error);
      }

    case KIND_ARRAY:
      {
        JsonArray *array;
        guint n;
        if (!JSON_NODE_HOLDS_ARRAY (node))
          return bad_field (error, prefix, field->name, "must be an array");
        array = json_node_get_array (node);
        n = json_array_get_length (array);
        if ((gint64) n > field->max)
          return bad_field (error, prefix, field->name, "too many items");
        for (guint i = 0; i < n; i++)
          {
            JsonNode *item = json_array_get_element (array, i);
            g_autofree char *inner = g_strdup_printf ("%s%s%s[%u]", prefix ? prefix : "",
                                                      prefix ? "." : "", field->name, i);
            if (!JSON_NODE_HOLDS_OBJECT (item))
              {
                g_set_error (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_MESSAGE,
                             "%s: must be an object", inner);
                return FALSE;
              }
            if (!validate_object (json_node_get_object (item), field->fields, inner, error))
              return FALSE;
          }
        return TRUE;
      }

    case KIND_URLS:
      {
        static const Field url = F_BYTES ("urls", REQ, 1, 512);
        JsonArray *array;
        guint n;
        if ((str = node_string (node)) != NULL)
          return check_string (str, &url, prefix, error);
        if (!JSON_NODE_HOLDS_ARRAY (node))
          return bad_field (error, prefix, field->name, "must be a string or an array of strings");
        array = json_node_get_array (node);
        n = json_array_get_length (array);
        if (n < field->min || n > field->max)
          return bad_field (error, prefix, field->name, "wrong number of items");
        for (guint i = 0; i < n; i++)
          {
            if ((str = node_string (json_array_get_element (array, i))) == NULL)
              return bad_field (error, prefix, field->name, "must be a string or an array of strings");
            if (!check_string (str, &url, prefix, error))
              return FALSE;
          }
        return TRUE;
      }

    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

static gboolean
validate_object (JsonObject  *object,
                 const Field *fields,
                 const char  *prefix,
                 GError     **error)
{
  for (const Field *field = fields; field->name != NULL; field++)
    {
      JsonNode *node = json_object_get_member (object, field->name);

      /* An optional field set to null counts as absent (W3C dictionaries serialise that way). */
      if (node == NULL || (JSON_NODE_HOLDS_NULL (node) && !field->required && field->kind != KIND_FORBIDDEN))
        {
          if (field->required)
            return bad_field (error, prefix, field->name, "missing");
          continue;
        }
      if (!validate_field (node, field, prefix, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_hello (JsonObject *object,
             GError    **error)
{
  static const Field method = F_ENUM ("method", REQ, auth_methods);
  JsonObject *auth = json_object_get_object_member (object, "auth");
  JsonNode *node = json_object_get_member (auth, "method");
  const char *str;

  if (node == NULL)
    return bad_field (error, "auth", "method", "missing");
  if (!validate_field (node, &method, "auth", error))
    return FALSE;
  str = json_node_get_string (node);
  for (guint i = 0; auth_methods[i] != NULL; i++)
    if (strcmp (str, auth_methods[i]) == 0)
      return validate_object (auth, auth_fields[i], "auth", error);
  g_assert_not_reached ();
  return FALSE;
}

static gboolean
check_candidate (JsonObject *object,
                 GError    **error)
{
  JsonObject *candidate = json_object_get_object_member (object, "candidate");
  JsonNode *mid = json_object_get_member (candidate, "sdpMid");
  JsonNode *index = json_object_get_member (candidate, "sdpMLineIndex");

  if ((mid == NULL || JSON_NODE_HOLDS_NULL (mid)) && (index == NULL || JSON_NODE_HOLDS_NULL (index)))
    return bad_field (error, "candidate", "sdpMid", "sdpMid or sdpMLineIndex is required");
  return TRUE;
}

/* ---- public entry points ---------------------------------------------------------- */

JsonObject *
tc_protocol_parse (const char     *data,
                   gsize           length,
                   TcDirection     direction,
                   TcMessageType  *out_type,
                   char          **out_rid,
                   GError        **error)
{
  static const Field rid_field = F_CHARS ("rid", OPT, 1, 64);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonNode *node;
  const char *type_name;
  TcMessageType type;
  const MessageSpec *spec;
  const Field *fields;
  gboolean has_doubles = FALSE;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (direction == TC_DIRECTION_TO_SERVER || direction == TC_DIRECTION_TO_CLIENT, NULL);

  if (out_rid)
    *out_rid = NULL;

  if (length > TC_PROTOCOL_MAX_MESSAGE_SIZE)
    {
      g_set_error (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_TOO_LARGE,
                   "message larger than %d bytes", TC_PROTOCOL_MAX_MESSAGE_SIZE);
      return NULL;
    }
  if (length == 0 || !g_utf8_validate_len (data, length, NULL))
    {
      g_set_error_literal (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_JSON,
                           length == 0 ? "empty message" : "not valid UTF-8");
      return NULL;
    }
  if (!tc_json_scan (data, length, &has_doubles, error))
    return NULL;

  /* Not json_parser_new_immutable (): sealing every node costs ~40% more per parse
   * (measured on a 5 KiB sdp message), and nothing here relies on immutability. */
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      /* json-glib's message may quote the input: do not pass it on. */
      g_set_error_literal (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_JSON, "not valid JSON");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_JSON, "not a JSON object");
      return NULL;
    }
  /* json-glib 1.6 prints some doubles as invalid JSON: 1e999 parses to inf, printed
   * "inf.0"; 6E-9 inside an object is printed "6e-09.0" (fuzzer findings). What is
   * accepted must be re-sendable, so a message with doubles (rare: the protocol's own
   * numbers are integers) is serialised once and must scan cleanly. */
  if (has_doubles)
    {
      gsize out_length = 0;
      g_autofree char *out = NULL;
      out = tc_protocol_serialize (json_node_get_object (root), &out_length);
      if (!tc_json_scan (out, out_length, NULL, NULL))
        {
          g_set_error_literal (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_JSON,
                               "number out of range or not representable");
          return NULL;
        }
    }
  object = json_node_get_object (root);

  /* The rid first, so that even a refused message can be answered with it. */
  node = json_object_get_member (object, "rid");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!validate_field (node, &rid_field, NULL, error))
        return NULL;
      if (out_rid)
        *out_rid = g_strdup (json_node_get_string (node));
    }

  node = json_object_get_member (object, "type");
  if (node == NULL)
    return (bad_field (error, NULL, "type", "missing"), NULL);
  if ((type_name = node_string (node)) == NULL)
    return (bad_field (error, NULL, "type", "must be a string"), NULL);
  if (!tc_message_type_from_string (type_name, &type))
    {
      g_set_error_literal (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_UNKNOWN_TYPE, "type: unknown");
      return NULL;
    }
  if (out_type)
    *out_type = type;

  spec = &message_specs[type];
  fields = direction == TC_DIRECTION_TO_SERVER ? spec->to_server : spec->to_client;
  if (fields == NULL)
    {
      g_set_error (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_MESSAGE,
                   "type: '%s' is only sent %s", type_names[type],
                   direction == TC_DIRECTION_TO_SERVER ? "by the server" : "to the server");
      return NULL;
    }

  if (direction == TC_DIRECTION_TO_CLIENT)
    {
      static const Field envelope[] = {
        F_INT ("seq", OPT, 1, G_MAXINT64),
        F_INT ("ts", OPT, 0, MAX_TIME_MS),
        F_END,
      };
      if (!validate_object (object, envelope, NULL, error))
        return NULL;
    }

  if (type == TC_MESSAGE_HELLO)
    {
      node = json_object_get_member (object, "v");
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64
          && json_node_get_int (node) != TC_PROTOCOL_VERSION)
        {
          g_set_error (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_UNSUPPORTED_VERSION,
                       "v: only version %d is supported", TC_PROTOCOL_VERSION);
          return NULL;
        }
    }

  if (!validate_object (object, fields, NULL, error))
    return NULL;
  if (spec->check != NULL && !spec->check (object, error))
    return NULL;

  return json_object_ref (object);
}

JsonObject *
tc_protocol_message_new (TcMessageType type)
{
  JsonObject *object;

  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (message_specs), NULL);

  object = json_object_new ();
  json_object_set_string_member (object, "type", type_names[type]);
  return object;
}

JsonObject *
tc_protocol_error_message_new (TcProtocolError  code,
                               const char      *reason,
                               const char      *rid)
{
  JsonObject *object = tc_protocol_message_new (TC_MESSAGE_ERROR);

  json_object_set_string_member (object, "code", tc_protocol_error_to_string (code));
  if (reason != NULL && g_utf8_validate (reason, -1, NULL))
    {
      /* Keep the message valid for any receiver: at most 200 characters, no control characters. */
      g_autoptr(GString) clean = g_string_new (NULL);
      guint chars = 0;
      for (const char *p = reason; *p && chars < 200; p = g_utf8_next_char (p), chars++)
        {
          gunichar c = g_utf8_get_char (p);
          g_string_append_unichar (clean, g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029 ? ' ' : c);
        }
      json_object_set_string_member (object, "reason", clean->str);
    }
  if (rid != NULL)
    json_object_set_string_member (object, "rid", rid);
  return object;
}

char *
tc_protocol_serialize (JsonObject *message,
                       gsize      *out_length)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = NULL;

  g_return_val_if_fail (message != NULL, NULL);

  root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, message);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, out_length);
}

char *
tc_protocol_append_members (const char  *data,
                            gsize        length,
                            JsonObject  *extra,
                            gsize       *out_length,
                            GError     **error)
{
  g_autofree char *members = NULL;
  gsize members_length = 0;
  gsize end = length;
  GString *out;

  g_return_val_if_fail (data != NULL && extra != NULL, NULL);

  /* The object's closing brace: the last byte that is not whitespace. */
  while (end > 0 && (data[end - 1] == ' ' || data[end - 1] == '\t' || data[end - 1] == '\n' || data[end - 1] == '\r'))
    end--;
  if (end < 2 || data[end - 1] != '}' || memchr (data, '{', end) == NULL)
    {
      g_set_error_literal (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_JSON, "not a JSON object");
      return NULL;
    }
  end--;

  members = tc_protocol_serialize (extra, &members_length);   /* "{…}" */
  out = g_string_sized_new (end + members_length + 2);
  g_string_append_len (out, data, (gssize) end);
  if (members_length > 2)
    {
      /* An empty object ("{" then only whitespace) takes no separating comma. */
      const char *p = data + end;
      while (p > data && (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n' || p[-1] == '\r'))
        p--;
      if (p > data && p[-1] != '{')
        g_string_append_c (out, ',');
      g_string_append_len (out, members + 1, (gssize) members_length - 1);
    }
  else
    g_string_append_c (out, '}');
  if (out_length)
    *out_length = out->len;
  return g_string_free (out, FALSE);
}
