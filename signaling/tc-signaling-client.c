/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-signaling-client"

#include "config.h"

#include <libsoup/soup.h>
#include <sodium.h>
#include <string.h>

#include "tc-protocol.h"
#include "tc-signaling-client.h"

/* One connection attempt (WebSocket handshake + hello) may take this long. */
#define ATTEMPT_TIMEOUT_S      15
/* A request with a `rid` fails when its reply has not come within this time. */
#define REQUEST_TIMEOUT_S      30
/* Outgoing pace, safely under the server's 50 messages/s, burst 100. */
#define SEND_RATE_PER_S        40.0
#define SEND_BURST             80.0
/* Messages kept while not connected; beyond this, new ones are refused. */
#define MAX_QUEUED             1024

typedef struct {
  GTask   *task;
  GSource *timeout;
} Request;

struct _TcSignalingClient
{
  GObject parent_instance;

  /* Every source and callback runs here: the thread-default context at creation. */
  GMainContext     *context;

  char             *url;
  GTlsDatabase     *tls_database;
  gboolean          accept_invalid_cert;
  guint             reconnect_initial_ms;
  guint             reconnect_max_ms;
  guint             ping_interval_ms;

  TcSignalingState  state;
  char             *participant_id;
  char             *role;
  char             *display_name;
  char             *consultation_id;
  char             *resume_token;
  gint64            last_seq;
  int               rtt_ms;
  GError           *close_error;

  SoupSession      *session;
  /* The current attempt or connection. attempt_serial invalidates callbacks of
   * attempts that were abandoned. */
  guint             attempt_serial;
  GCancellable     *attempt_cancellable;
  GSource          *attempt_timeout;
  char             *pending_hello;     /* serialized hello, wiped after sending */
  SoupWebsocketConnection *conn;
  gboolean          welcomed;          /* welcome arrived on conn */

  GTask            *connect_task;
  gulong            connect_cancel_id;
  GSource          *connect_cancel_idle;

  GSource          *reconnect_source;
  guint             reconnect_attempt;

  GQueue            outgoing;          /* serialized messages, oldest first */
  double            tokens;
  gint64            tokens_updated_us;
  GSource          *flush_source;

  GHashTable       *requests;          /* rid → Request */
  guint64           next_rid;

  GSource          *ping_source;
  gint64            ping_sent_us;      /* 0 when no ping is outstanding */
  char             *ping_rid;
  gint64            last_rx_us;

  GRand            *rand;

  /* From a no-consultation refusal: Unix ms of the station's next consultation, or 0. */
  gint64                   next_scheduled_at;

  /* LAN mode: the server's self-signed certificate, pinned by its SHA-256. */
  guint8                   pinned_sha256[32];
  gboolean                 has_pin;
};

G_DEFINE_FINAL_TYPE (TcSignalingClient, tc_signaling_client, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (TcSignalingState, tc_signaling_state,
  G_DEFINE_ENUM_VALUE (TC_SIGNALING_STATE_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (TC_SIGNALING_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (TC_SIGNALING_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (TC_SIGNALING_STATE_RECONNECTING, "reconnecting"),
  G_DEFINE_ENUM_VALUE (TC_SIGNALING_STATE_CLOSED, "closed"))

enum {
  PROP_0,
  PROP_URL,
  PROP_TLS_DATABASE,
  PROP_ACCEPT_INVALID_CERT,
  PROP_STATE,
  PROP_PARTICIPANT_ID,
  PROP_ROLE,
  PROP_DISPLAY_NAME,
  PROP_CONSULTATION_ID,
  PROP_RTT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_MESSAGE,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_attempt      (TcSignalingClient *self,
                                char              *hello_text);
static void connection_dropped (TcSignalingClient *self,
                                gushort            close_code);
static void go_closed          (TcSignalingClient *self,
                                const GError      *error);
static void flush_queue        (TcSignalingClient *self);

/* ---------------------------------------------------------------- helpers */

/* A timeout (or an idle when @ms is 0) on our context; the caller owns the returned ref. */
static GSource *
schedule (TcSignalingClient *self,
          guint              ms,
          GSourceFunc        func,
          gpointer           data)
{
  GSource *source = ms == 0 ? g_idle_source_new () : g_timeout_source_new (ms);

  g_source_set_callback (source, func, data, NULL);
  g_source_attach (source, self->context);
  return source;
}

static void
unschedule (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
request_free (gpointer data)
{
  Request *request = data;

  unschedule (&request->timeout);
  g_clear_object (&request->task);
  g_free (request);
}

static void
set_string (TcSignalingClient *self,
            char             **field,
            const char        *value,
            int                prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_state (TcSignalingClient *self,
           TcSignalingState   state)
{
  if (self->state == state)
    return;
  g_debug ("state %d -> %d", self->state, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
wipe_string (char **str)
{
  if (*str != NULL)
    sodium_memzero (*str, strlen (*str));
  g_clear_pointer (str, g_free);
}

/* The server's error message as a GError a person can read. Unknown codes become
 * TC_PROTOCOL_ERROR_INTERNAL. */
static GError *
error_from_message (JsonObject *message)
{
  const char *code_str = json_object_get_string_member_with_default (message, "code", "");
  TcProtocolError code = TC_PROTOCOL_ERROR_INTERNAL;
  const char *text;

  tc_protocol_error_from_string (code_str, &code);
  switch (code)
    {
    case TC_PROTOCOL_ERROR_BAD_CREDENTIALS:
      text = "The user name or password is wrong";
      break;
    case TC_PROTOCOL_ERROR_INVALID_TOKEN:
      text = "This invitation is not valid";
      break;
    case TC_PROTOCOL_ERROR_EXPIRED_TOKEN:
      text = "This invitation or session has expired";
      break;
    case TC_PROTOCOL_ERROR_CONSULTATION_ENDED:
      text = "The consultation has ended";
      break;
    case TC_PROTOCOL_ERROR_UNSUPPORTED_VERSION:
      text = "The server speaks another version of the protocol; update Teleconsult";
      break;
    case TC_PROTOCOL_ERROR_NO_CONSULTATION:
      text = "No consultation is scheduled for this station now";
      break;
    case TC_PROTOCOL_ERROR_RATE_LIMITED:
      text = "Too many messages; try again in a moment";
      break;
    default:
      text = NULL;
      break;
    }

  if (text != NULL)
    return g_error_new_literal (TC_PROTOCOL_ERROR, code, text);
  /* The server's reason is English meant for logs, and names no secret. */
  return g_error_new (TC_PROTOCOL_ERROR, code, "The server refused the request (%s: %s)",
                      tc_protocol_error_to_string (code),
                      json_object_get_string_member_with_default (message, "reason", ""));
}

/* ------------------------------------------------------------- connection */

static void
on_retired_closed (SoupWebsocketConnection *conn,
                   gpointer                 user_data)
{
  g_signal_handlers_disconnect_by_func (conn, on_retired_closed, user_data);
  g_object_unref (conn);
}

/* Lets go of the current connection. An open one is closed with @code and kept
 * alive until its close handshake ends; libsoup gives a silent peer 5 s. */
static void
retire_connection (TcSignalingClient *self,
                   gushort            code)
{
  SoupWebsocketConnection *conn = g_steal_pointer (&self->conn);

  self->welcomed = FALSE;
  if (conn == NULL)
    return;

  g_signal_handlers_disconnect_by_data (conn, self);
  if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_CLOSED)
    {
      g_object_unref (conn);
      return;
    }

  g_signal_connect (conn, "closed", G_CALLBACK (on_retired_closed), NULL);
  if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (conn, code, NULL);
}

static void
clear_attempt (TcSignalingClient *self)
{
  self->attempt_serial++;
  if (self->attempt_cancellable != NULL)
    g_cancellable_cancel (self->attempt_cancellable);
  g_clear_object (&self->attempt_cancellable);
  unschedule (&self->attempt_timeout);
  wipe_string (&self->pending_hello);
}

static void
fail_requests (TcSignalingClient *self,
               const GError      *error)
{
  g_autoptr(GHashTable) requests = g_steal_pointer (&self->requests);
  GHashTableIter iter;
  gpointer value;

  self->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, request_free);
  g_hash_table_iter_init (&iter, requests);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Request *request = value;

      g_task_return_error (request->task, g_error_copy (error));
    }
}

static void
clear_queue (TcSignalingClient *self)
{
  if (self->outgoing.length > 0)
    g_debug ("dropping %u queued messages", self->outgoing.length);
  g_queue_clear_full (&self->outgoing, g_free);
  unschedule (&self->flush_source);
}

static void
finish_connect (TcSignalingClient *self,
                GError            *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);

  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (self->connect_cancel_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), self->connect_cancel_id);
  self->connect_cancel_id = 0;
  unschedule (&self->connect_cancel_idle);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Errors that will not go away by trying again. */
static gboolean
is_final_error (const GError *error)
{
  if (error->domain == TC_PROTOCOL_ERROR)
    return error->code != TC_PROTOCOL_ERROR_RATE_LIMITED && error->code != TC_PROTOCOL_ERROR_INTERNAL;
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
schedule_reconnect (TcSignalingClient *self);

/* The attempt (first connect or resume) failed before welcome. Takes @error. */
static void
attempt_failed (TcSignalingClient *self,
                GError            *error)
{
  clear_attempt (self);
  retire_connection (self, SOUP_WEBSOCKET_CLOSE_NORMAL);

  if (self->state == TC_SIGNALING_STATE_CONNECTING)
    {
      g_debug ("connect failed: %s", error->message);
      clear_queue (self);
      fail_requests (self, error);
      set_state (self, TC_SIGNALING_STATE_DISCONNECTED);
      finish_connect (self, error);
    }
  else if (self->state == TC_SIGNALING_STATE_RECONNECTING)
    {
      g_message ("resume attempt %u failed: %s", self->reconnect_attempt, error->message);
      if (g_error_matches (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_EXPIRED_TOKEN) ||
          g_error_matches (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_INVALID_TOKEN))
        {
          /* Said of a resume, "invitation" would mislead. */
          g_free (error->message);
          error->message = g_strdup ("The connection was lost for too long and the session has ended; join again");
        }
      if (is_final_error (error))
        go_closed (self, error);
      else
        schedule_reconnect (self);
      g_error_free (error);
    }
  else
    {
      g_error_free (error);
    }
}

static gboolean
on_attempt_timeout (gpointer user_data)
{
  TcSignalingClient *self = user_data;

  g_clear_pointer (&self->attempt_timeout, g_source_unref);
  attempt_failed (self, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                     "The server did not answer within %d seconds",
                                     ATTEMPT_TIMEOUT_S));
  return G_SOURCE_REMOVE;
}

static void
send_ping (TcSignalingClient *self)
{
  g_autoptr(JsonObject) ping = tc_protocol_message_new (TC_MESSAGE_PING);

  g_free (self->ping_rid);
  self->ping_rid = g_strdup_printf ("p%" G_GUINT64_FORMAT, ++self->next_rid);
  json_object_set_string_member (ping, "rid", self->ping_rid);
  self->ping_sent_us = g_get_monotonic_time ();
  tc_signaling_client_send (self, ping);
}

static gboolean
on_ping_tick (gpointer user_data)
{
  TcSignalingClient *self = user_data;
  gint64 silent_us = g_get_monotonic_time () - self->last_rx_us;

  if (silent_us > 3 * (gint64) self->ping_interval_ms * 1000)
    {
      g_message ("no answer from the server for %" G_GINT64_FORMAT " ms; reconnecting",
                 silent_us / 1000);
      g_clear_pointer (&self->ping_source, g_source_unref);
      connection_dropped (self, 0);
      return G_SOURCE_REMOVE;
    }
  send_ping (self);
  return G_SOURCE_CONTINUE;
}

static void
handle_welcome (TcSignalingClient *self,
                JsonObject        *welcome)
{
  const char *participant_id = json_object_get_string_member_with_default (welcome, "participant_id", NULL);
  gboolean resumed = self->state == TC_SIGNALING_STATE_RECONNECTING;

  if (resumed && g_strcmp0 (participant_id, self->participant_id) != 0)
    g_message ("resumed as a different participant");

  clear_attempt (self);
  self->welcomed = TRUE;
  self->reconnect_attempt = 0;
  self->last_rx_us = g_get_monotonic_time ();
  self->ping_sent_us = 0;

  g_free (self->resume_token);
  self->resume_token = g_strdup (json_object_get_string_member_with_default (welcome, "resume_token", NULL));

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->participant_id, participant_id, PROP_PARTICIPANT_ID);
  set_string (self, &self->role,
              json_object_get_string_member_with_default (welcome, "role", NULL), PROP_ROLE);
  set_string (self, &self->display_name,
              json_object_get_string_member_with_default (welcome, "display_name", NULL), PROP_DISPLAY_NAME);
  set_string (self, &self->consultation_id,
              json_object_get_string_member_with_default (welcome, "consultation_id", NULL),
              PROP_CONSULTATION_ID);
  set_state (self, TC_SIGNALING_STATE_CONNECTED);
  g_object_thaw_notify (G_OBJECT (self));

  g_debug ("%s as participant %s (role %s)", resumed ? "resumed" : "signed in", self->participant_id, self->role);

  if (self->ping_interval_ms > 0 && self->ping_source == NULL)
    self->ping_source = schedule (self, self->ping_interval_ms, on_ping_tick, self);

  flush_queue (self);
  finish_connect (self, NULL);
}

static gboolean
complete_request (TcSignalingClient *self,
                  TcMessageType      type,
                  JsonObject        *message,
                  const char        *rid)
{
  gpointer key = NULL, value = NULL;
  Request *request;

  if (rid == NULL || !g_hash_table_steal_extended (self->requests, rid, &key, &value))
    return FALSE;

  request = value;
  if (type == TC_MESSAGE_ERROR)
    g_task_return_error (request->task, error_from_message (message));
  else
    g_task_return_pointer (request->task, json_object_ref (message), (GDestroyNotify) json_object_unref);
  g_free (key);
  request_free (request);
  return TRUE;
}

static void
handle_message (TcSignalingClient *self,
                TcMessageType      type,
                JsonObject        *message,
                const char        *rid)
{
  const char *type_str = tc_message_type_to_string (type);

  if (json_object_has_member (message, "seq"))
    {
      gint64 seq = json_object_get_int_member (message, "seq");

      if (seq <= self->last_seq)
        {
          g_debug ("dropping %s seq %" G_GINT64_FORMAT ": already delivered", type_str, seq);
          return;
        }
      /* The server does not replay pong and error, so a gap after a resume is normal. */
      if (self->last_seq > 0 && seq != self->last_seq + 1)
        g_debug ("server messages %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT " were not delivered",
                 self->last_seq + 1, seq - 1);
      self->last_seq = seq;
    }

  if (type == TC_MESSAGE_WELCOME)
    {
      g_message ("dropping a second welcome");
      return;
    }

  if (type == TC_MESSAGE_PONG && self->ping_sent_us != 0 &&
      (rid == NULL || g_strcmp0 (rid, self->ping_rid) == 0))
    {
      self->rtt_ms = (int) ((g_get_monotonic_time () - self->ping_sent_us) / 1000);
      self->ping_sent_us = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RTT]);
    }

  complete_request (self, type, message, rid);

  g_signal_emit (self, signals[SIGNAL_MESSAGE], g_quark_from_string (type_str), type_str, message);

  /* A signal handler may have closed us. */
  if (self->state != TC_SIGNALING_STATE_CONNECTED)
    return;

  /* The server closes a declined or ended patient's connection: that is final. */
  if (type == TC_MESSAGE_DECLINED ||
      (type == TC_MESSAGE_CONSULTATION_ENDED && g_strcmp0 (self->role, "practitioner") != 0))
    go_closed (self, NULL);
}

static void
on_conn_message (SoupWebsocketConnection *conn,
                 SoupWebsocketDataType    data_type,
                 GBytes                  *bytes,
                 gpointer                 user_data)
{
  g_autoptr(TcSignalingClient) self = g_object_ref (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) message = NULL;
  g_autofree char *rid = NULL;
  TcMessageType type;
  gsize length;
  const char *data;

  if (data_type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      g_message ("dropping a binary WebSocket message");
      return;
    }

  data = g_bytes_get_data (bytes, &length);
  message = tc_protocol_parse (data, length, TC_DIRECTION_TO_CLIENT, &type, &rid, &error);
  if (message == NULL)
    {
      g_message ("dropping an invalid server message: %s", error->message);
      return;
    }
  self->last_rx_us = g_get_monotonic_time ();

  if (self->welcomed)
    handle_message (self, type, message, rid);
  else if (type == TC_MESSAGE_WELCOME)
    handle_welcome (self, message);
  else if (type == TC_MESSAGE_ERROR)
    {
      /* A kiosk told "no consultation now" also learns when the next one is. */
      self->next_scheduled_at = json_object_get_int_member_with_default (message, "next_at", 0);
      attempt_failed (self, error_from_message (message));
    }
  else
    g_message ("dropping %s before welcome", tc_message_type_to_string (type));
}

static void
on_conn_error (SoupWebsocketConnection *conn,
               GError                  *error,
               gpointer                 user_data)
{
  g_debug ("WebSocket error: %s", error->message);
}

static void
on_conn_closed (SoupWebsocketConnection *conn,
                gpointer                 user_data)
{
  g_autoptr(TcSignalingClient) self = g_object_ref (user_data);
  gushort code = soup_websocket_connection_get_close_code (conn);

  g_debug ("WebSocket closed by the server, code %u", code);
  if (!self->welcomed)
    attempt_failed (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                       "The server closed the connection (code %u)", code));
  else
    connection_dropped (self, code);
}

typedef struct {
  TcSignalingClient *self;
  guint              serial;
} AttemptData;

static void
on_websocket_connected (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  AttemptData *data = user_data;
  g_autoptr(TcSignalingClient) self = data->self;
  g_autoptr(SoupWebsocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  guint serial = data->serial;

  g_free (data);
  conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  if (serial != self->attempt_serial)
    {
      /* An abandoned attempt. */
      if (conn != NULL)
        soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
      return;
    }
  if (conn == NULL)
    {
      attempt_failed (self, g_steal_pointer (&error));
      return;
    }

  g_assert (self->conn == NULL);
  self->conn = g_steal_pointer (&conn);
  self->welcomed = FALSE;
  soup_websocket_connection_set_max_incoming_payload_size (self->conn, TC_PROTOCOL_MAX_MESSAGE_SIZE);
  g_signal_connect (self->conn, "message", G_CALLBACK (on_conn_message), self);
  g_signal_connect (self->conn, "error", G_CALLBACK (on_conn_error), self);
  g_signal_connect (self->conn, "closed", G_CALLBACK (on_conn_closed), self);

  soup_websocket_connection_send_text (self->conn, self->pending_hello);
  wipe_string (&self->pending_hello);
}

static gboolean
on_accept_certificate (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  /* Only connected when the application opted in with accept-invalid-cert. */
  g_message ("accepting a TLS certificate that failed verification (flags 0x%x)", errors);
  return TRUE;
}

/* SHA-256 of the certificate's DER encoding. */
static gboolean
certificate_sha256 (GTlsCertificate *certificate,
                    guint8           out[32])
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize len = 32;

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return FALSE;
  g_checksum_update (sum, der->data, der->len);
  g_checksum_get_digest (sum, out, &len);
  return len == 32;
}

static gboolean
on_accept_pinned_certificate (SoupMessage          *msg,
                              GTlsCertificate      *certificate,
                              GTlsCertificateFlags  errors,
                              gpointer              user_data)
{
  TcSignalingClient *self = user_data;
  guint8 digest[32];

  if (!certificate_sha256 (certificate, digest)
      || sodium_memcmp (digest, self->pinned_sha256, sizeof digest) != 0)
    {
      g_message ("refusing a TLS certificate that does not match the invitation's fingerprint");
      return FALSE;
    }
  return TRUE;
}

char *
tc_signaling_client_certificate_fingerprint (GTlsCertificate *certificate)
{
  guint8 digest[32];
  char *b64;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  if (!certificate_sha256 (certificate, digest))
    return NULL;
  b64 = g_base64_encode (digest, sizeof digest);
  /* base64url without padding: 43 characters that survive a URL. */
  g_strdelimit (b64, "+", '-');
  g_strdelimit (b64, "/", '_');
  b64[strcspn (b64, "=")] = '\0';
  return b64;
}

gboolean
tc_signaling_client_pin_certificate (TcSignalingClient  *self,
                                     const char         *fingerprint,
                                     GError            **error)
{
  g_autofree char *b64 = NULL;
  g_autofree guchar *raw = NULL;
  gsize len = 0;

  g_return_val_if_fail (TC_IS_SIGNALING_CLIENT (self), FALSE);

  if (fingerprint == NULL || strlen (fingerprint) != 43 || strspn (fingerprint,
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != 43)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "The certificate fingerprint is not 43 base64url characters");
      return FALSE;
    }
  b64 = g_strconcat (fingerprint, "=", NULL);
  g_strdelimit (b64, "-", '+');
  g_strdelimit (b64, "_", '/');
  raw = g_base64_decode (b64, &len);
  if (len != sizeof self->pinned_sha256)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "The certificate fingerprint is not a SHA-256");
      return FALSE;
    }
  memcpy (self->pinned_sha256, raw, len);
  self->has_pin = TRUE;
  return TRUE;
}

static void
ensure_session (TcSignalingClient *self)
{
  if (self->session != NULL)
    return;
  /* A session belongs to the thread-default context it was made in. */
  g_main_context_push_thread_default (self->context);
  self->session = soup_session_new_with_options ("user-agent", "teleconsult/" PACKAGE_VERSION, NULL);
  g_main_context_pop_thread_default (self->context);
  if (self->tls_database != NULL)
    soup_session_set_tls_database (self->session, self->tls_database);
}

static gboolean
url_is_valid (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme;
  const char *host;

  if (uri == NULL)
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  return (g_ascii_strcasecmp (scheme, "ws") == 0 || g_ascii_strcasecmp (scheme, "wss") == 0) &&
         host != NULL && host[0] != '\0';
}

/* Takes @hello_text. */
static void
start_attempt (TcSignalingClient *self,
               char              *hello_text)
{
  static const char *protocols[] = { TC_PROTOCOL_SUBPROTOCOL, NULL };
  g_autoptr(SoupMessage) msg = NULL;
  AttemptData *data;

  clear_attempt (self);
  retire_connection (self, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  self->pending_hello = hello_text;

  ensure_session (self);
  if (url_is_valid (self->url))
    msg = soup_message_new ("GET", self->url);
  if (msg == NULL)
    {
      attempt_failed (self, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                         "The server address is not a valid ws:// or wss:// URL"));
      return;
    }
  if (self->accept_invalid_cert)
    g_signal_connect (msg, "accept-certificate", G_CALLBACK (on_accept_certificate), NULL);
  else if (self->has_pin)
    g_signal_connect (msg, "accept-certificate", G_CALLBACK (on_accept_pinned_certificate), self);

  self->attempt_cancellable = g_cancellable_new ();
  self->attempt_timeout = schedule (self, ATTEMPT_TIMEOUT_S * 1000, on_attempt_timeout, self);

  data = g_new0 (AttemptData, 1);
  data->self = g_object_ref (self);
  data->serial = self->attempt_serial;
  /* The connection and its callbacks belong to our context. */
  g_main_context_push_thread_default (self->context);
  soup_session_websocket_connect_async (self->session, msg, NULL, (char **) protocols,
                                        G_PRIORITY_DEFAULT, self->attempt_cancellable,
                                        on_websocket_connected, data);
  g_main_context_pop_thread_default (self->context);
}

static gboolean
on_reconnect_timeout (gpointer user_data)
{
  TcSignalingClient *self = user_data;
  g_autoptr(JsonObject) hello = tc_protocol_message_new (TC_MESSAGE_HELLO);
  g_autoptr(JsonObject) auth = json_object_new ();

  g_clear_pointer (&self->reconnect_source, g_source_unref);
  json_object_set_string_member (auth, "method", "resume");
  json_object_set_string_member (auth, "token", self->resume_token);
  json_object_set_int_member (auth, "last_seq", self->last_seq);
  json_object_set_int_member (hello, "v", TC_PROTOCOL_VERSION);
  json_object_set_object_member (hello, "auth", g_steal_pointer (&auth));

  g_debug ("resume attempt %u after seq %" G_GINT64_FORMAT, self->reconnect_attempt, self->last_seq);
  start_attempt (self, tc_protocol_serialize (hello, NULL));
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (TcSignalingClient *self)
{
  guint64 delay = self->reconnect_initial_ms;
  guint shift = MIN (self->reconnect_attempt, 16u);

  if (self->resume_token == NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                                     "The connection was lost and cannot be resumed");
      go_closed (self, error);
      return;
    }

  delay = MIN (delay << shift, (guint64) self->reconnect_max_ms);
  /* Equal jitter: half fixed, half random, so that clients do not return in step. */
  delay = delay / 2 + (guint64) g_rand_int_range (self->rand, 0, (gint32) (delay / 2) + 1);
  self->reconnect_attempt++;

  unschedule (&self->reconnect_source);
  self->reconnect_source = schedule (self, (guint) MAX (delay, 1), on_reconnect_timeout, self);
}

/* A welcomed connection ended without our asking. */
static void
connection_dropped (TcSignalingClient *self,
                    gushort            close_code)
{
  unschedule (&self->ping_source);
  unschedule (&self->flush_source);
  retire_connection (self, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);

  if (self->state != TC_SIGNALING_STATE_CONNECTED)
    return;

  /* 1000 and 1008 are the server's deliberate closes (ended, declined, refused):
   * resuming would only be refused again. */
  if (close_code == SOUP_WEBSOCKET_CLOSE_NORMAL || close_code == SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION)
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                             "The server closed the connection (code %u)", close_code);
      go_closed (self, error);
      return;
    }

  g_message ("connection lost (code %u); resuming", close_code);
  set_state (self, TC_SIGNALING_STATE_RECONNECTING);
  schedule_reconnect (self);
}

static void
go_closed (TcSignalingClient *self,
           const GError      *error)
{
  g_autoptr(GError) request_error = NULL;
  g_autoptr(TcSignalingClient) hold = NULL;

  if (self->state == TC_SIGNALING_STATE_CLOSED)
    return;
  /* Completing tasks may drop the last outside reference. */
  hold = g_object_ref (self);

  clear_attempt (self);
  unschedule (&self->reconnect_source);
  unschedule (&self->ping_source);
  retire_connection (self, SOUP_WEBSOCKET_CLOSE_NORMAL);
  clear_queue (self);
  wipe_string (&self->resume_token);

  g_clear_error (&self->close_error);
  if (error != NULL)
    self->close_error = g_error_copy (error);

  set_state (self, TC_SIGNALING_STATE_CLOSED);

  request_error = error != NULL ? g_error_copy (error)
                                : g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CLOSED,
                                                       "The connection to the server is closed");
  fail_requests (self, request_error);
  if (self->connect_task != NULL)
    finish_connect (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                               "The connection was closed while signing in"));

  g_signal_emit (self, signals[SIGNAL_CLOSED], 0, self->close_error);
}

/* ------------------------------------------------------------------ queue */

static gboolean
on_flush_timeout (gpointer user_data)
{
  TcSignalingClient *self = user_data;

  g_clear_pointer (&self->flush_source, g_source_unref);
  flush_queue (self);
  return G_SOURCE_REMOVE;
}

/* Sends what the token bucket allows, oldest first; schedules the rest. */
static void
flush_queue (TcSignalingClient *self)
{
  gint64 now = g_get_monotonic_time ();

  if (self->state != TC_SIGNALING_STATE_CONNECTED || self->conn == NULL || !self->welcomed ||
      soup_websocket_connection_get_state (self->conn) != SOUP_WEBSOCKET_STATE_OPEN)
    return;

  self->tokens = MIN (SEND_BURST, self->tokens + (now - self->tokens_updated_us) * SEND_RATE_PER_S / G_USEC_PER_SEC);
  self->tokens_updated_us = now;

  while (self->outgoing.length > 0 && self->tokens >= 1.0)
    {
      g_autofree char *text = g_queue_pop_head (&self->outgoing);

      soup_websocket_connection_send_text (self->conn, text);
      self->tokens -= 1.0;
    }

  if (self->outgoing.length > 0 && self->flush_source == NULL)
    {
      guint wait_ms = (guint) ((1.0 - self->tokens) * 1000.0 / SEND_RATE_PER_S) + 1;

      self->flush_source = schedule (self, wait_ms, on_flush_timeout, self);
    }
}

/* -------------------------------------------------------------- GObject */

static void
tc_signaling_client_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TcSignalingClient *self = TC_SIGNALING_CLIENT (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_TLS_DATABASE:
      g_value_set_object (value, self->tls_database);
      break;
    case PROP_ACCEPT_INVALID_CERT:
      g_value_set_boolean (value, self->accept_invalid_cert);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PARTICIPANT_ID:
      g_value_set_string (value, self->participant_id);
      break;
    case PROP_ROLE:
      g_value_set_string (value, self->role);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_CONSULTATION_ID:
      g_value_set_string (value, self->consultation_id);
      break;
    case PROP_RTT:
      g_value_set_int (value, self->rtt_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_signaling_client_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TcSignalingClient *self = TC_SIGNALING_CLIENT (object);

  switch (prop_id)
    {
    case PROP_URL:
      self->url = g_value_dup_string (value);
      break;
    case PROP_TLS_DATABASE:
      tc_signaling_client_set_tls_database (self, g_value_get_object (value));
      break;
    case PROP_ACCEPT_INVALID_CERT:
      tc_signaling_client_set_accept_invalid_cert (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_signaling_client_dispose (GObject *object)
{
  TcSignalingClient *self = TC_SIGNALING_CLIENT (object);

  clear_attempt (self);
  /* Without close() the server keeps our place for its grace period. */
  retire_connection (self, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  unschedule (&self->reconnect_source);
  unschedule (&self->ping_source);
  unschedule (&self->connect_cancel_idle);
  clear_queue (self);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (tc_signaling_client_parent_class)->dispose (object);
}

static void
tc_signaling_client_finalize (GObject *object)
{
  TcSignalingClient *self = TC_SIGNALING_CLIENT (object);

  /* Tasks hold a reference to us: none can be pending here. */
  g_assert (self->connect_task == NULL);
  g_clear_pointer (&self->requests, g_hash_table_unref);
  g_free (self->url);
  g_clear_object (&self->tls_database);
  g_free (self->participant_id);
  g_free (self->role);
  g_free (self->display_name);
  g_free (self->consultation_id);
  wipe_string (&self->resume_token);
  g_free (self->ping_rid);
  g_clear_error (&self->close_error);
  g_rand_free (self->rand);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (tc_signaling_client_parent_class)->finalize (object);
}

static void
tc_signaling_client_class_init (TcSignalingClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tc_signaling_client_get_property;
  object_class->set_property = tc_signaling_client_set_property;
  object_class->dispose = tc_signaling_client_dispose;
  object_class->finalize = tc_signaling_client_finalize;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TLS_DATABASE] =
    g_param_spec_object ("tls-database", NULL, NULL, G_TYPE_TLS_DATABASE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCEPT_INVALID_CERT] =
    g_param_spec_boolean ("accept-invalid-cert", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TC_TYPE_SIGNALING_STATE, TC_SIGNALING_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PARTICIPANT_ID] =
    g_param_spec_string ("participant-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLE] =
    g_param_spec_string ("role", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONSULTATION_ID] =
    g_param_spec_string ("consultation-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RTT] =
    g_param_spec_int ("rtt", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  JSON_TYPE_OBJECT | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
tc_signaling_client_init (TcSignalingClient *self)
{
  self->reconnect_initial_ms = 500;
  self->reconnect_max_ms = 30000;
  self->ping_interval_ms = 15000;
  self->rtt_ms = -1;
  self->tokens = SEND_BURST;
  self->tokens_updated_us = g_get_monotonic_time ();
  self->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, request_free);
  g_queue_init (&self->outgoing);
  self->rand = g_rand_new ();
  self->context = g_main_context_ref_thread_default ();
}

/* ------------------------------------------------------------ public API */

TcSignalingClient *
tc_signaling_client_new (const char *url)
{
  g_return_val_if_fail (url != NULL, NULL);

  return g_object_new (TC_TYPE_SIGNALING_CLIENT, "url", url, NULL);
}

void
tc_signaling_client_set_tls_database (TcSignalingClient *self,
                                      GTlsDatabase      *database)
{
  g_return_if_fail (TC_IS_SIGNALING_CLIENT (self));
  g_return_if_fail (database == NULL || G_IS_TLS_DATABASE (database));

  if (!g_set_object (&self->tls_database, database))
    return;
  /* A new session so that no connection made under the old trust is reused. */
  g_clear_object (&self->session);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS_DATABASE]);
}

GTlsDatabase *
tc_signaling_client_get_tls_database (TcSignalingClient *self)
{
  g_return_val_if_fail (TC_IS_SIGNALING_CLIENT (self), NULL);

  return self->tls_database;
}

gboolean
tc_signaling_client_trust_certificate_file (TcSignalingClient *self,
                                            const char        *pem_path,
                                            GError           **error)
{
  g_autoptr(GTlsDatabase) database = NULL;

  g_return_val_if_fail (TC_IS_SIGNALING_CLIENT (self), FALSE);
  g_return_val_if_fail (pem_path != NULL, FALSE);

  database = g_tls_file_database_new (pem_path, error);
  if (database == NULL)
    return FALSE;
  tc_signaling_client_set_tls_database (self, database);
  return TRUE;
}

void
tc_signaling_client_set_accept_invalid_cert (TcSignalingClient *self,
                                             gboolean           accept)
{
  g_return_if_fail (TC_IS_SIGNALING_CLIENT (self));

  accept = !!accept;
  if (self->accept_invalid_cert == accept)
    return;
  self->accept_invalid_cert = accept;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCEPT_INVALID_CERT]);
}

void
tc_signaling_client_set_reconnect_delays (TcSignalingClient *self,
                                          guint              initial_ms,
                                          guint              max_ms)
{
  g_return_if_fail (TC_IS_SIGNALING_CLIENT (self));
  g_return_if_fail (initial_ms > 0 && initial_ms <= max_ms && max_ms <= G_MAXINT32);

  self->reconnect_initial_ms = initial_ms;
  self->reconnect_max_ms = max_ms;
}

void
tc_signaling_client_set_ping_interval (TcSignalingClient *self,
                                       guint              interval_ms)
{
  g_return_if_fail (TC_IS_SIGNALING_CLIENT (self));

  self->ping_interval_ms = interval_ms;
  unschedule (&self->ping_source);
  if (interval_ms > 0 && self->state == TC_SIGNALING_STATE_CONNECTED)
    self->ping_source = schedule (self, interval_ms, on_ping_tick, self);
}

static gboolean
on_connect_cancel_idle (gpointer user_data)
{
  TcSignalingClient *self = user_data;

  g_clear_pointer (&self->connect_cancel_idle, g_source_unref);
  if (self->state == TC_SIGNALING_STATE_CONNECTING)
    attempt_failed (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
  return G_SOURCE_REMOVE;
}

static void
on_connect_cancelled (GCancellable *cancellable,
                      gpointer      user_data)
{
  TcSignalingClient *self = user_data;

  /* Not from inside this handler: finishing disconnects it, which would deadlock. */
  if (self->connect_cancel_idle == NULL)
    self->connect_cancel_idle = schedule (self, 0, on_connect_cancel_idle, self);
}

void
tc_signaling_client_connect_async (TcSignalingClient   *self,
                                   JsonObject          *auth,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) hello = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  g_return_if_fail (TC_IS_SIGNALING_CLIENT (self));
  g_return_if_fail (auth != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tc_signaling_client_connect_async);

  if (self->state != TC_SIGNALING_STATE_DISCONNECTED)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               "The signalling client is already in use");
      return;
    }

  hello = tc_protocol_message_new (TC_MESSAGE_HELLO);
  json_object_set_int_member (hello, "v", TC_PROTOCOL_VERSION);
  json_object_set_object_member (hello, "auth", json_object_ref (auth));
  text = tc_protocol_serialize (hello, &length);
  /* The same validation the server applies: a bad hello fails here, in words. */
  {
    g_autoptr(JsonObject) parsed = tc_protocol_parse (text, length, TC_DIRECTION_TO_SERVER, NULL, NULL, &error);

    if (parsed == NULL)
      {
        wipe_string (&text);
        g_task_return_error (task, g_steal_pointer (&error));
        return;
      }
  }

  self->connect_task = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      self->connect_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_connect_cancelled),
                                                       self, NULL);
    }
  set_state (self, TC_SIGNALING_STATE_CONNECTING);
  start_attempt (self, g_steal_pointer (&text));
}

gboolean
tc_signaling_client_connect_finish (TcSignalingClient  *self,
                                    GAsyncResult       *result,
                                    GError            **error)
{
  g_return_val_if_fail (TC_IS_SIGNALING_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tc_signaling_client_close (TcSignalingClient *self)
{
  g_return_if_fail (TC_IS_SIGNALING_CLIENT (self));

  if (self->state == TC_SIGNALING_STATE_CLOSED)
    return;

  if (self->state == TC_SIGNALING_STATE_CONNECTED && self->conn != NULL &&
      soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      g_autoptr(JsonObject) leave = tc_protocol_message_new (TC_MESSAGE_LEAVE);
      g_autofree char *text = tc_protocol_serialize (leave, NULL);

      /* What the pace held back goes now: the conversation is over. */
      while (self->outgoing.length > 0)
        {
          g_autofree char *queued = g_queue_pop_head (&self->outgoing);

          soup_websocket_connection_send_text (self->conn, queued);
        }
      soup_websocket_connection_send_text (self->conn, text);
    }
  go_closed (self, NULL);
}

gboolean
tc_signaling_client_send (TcSignalingClient *self,
                          JsonObject        *message)
{
  g_autoptr(JsonObject) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  TcMessageType type;
  gsize length = 0;

  g_return_val_if_fail (TC_IS_SIGNALING_CLIENT (self), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);

  if (self->state == TC_SIGNALING_STATE_CLOSED || self->state == TC_SIGNALING_STATE_DISCONNECTED)
    {
      g_debug ("not sending: not connected");
      return FALSE;
    }

  text = tc_protocol_serialize (message, &length);
  parsed = tc_protocol_parse (text, length, TC_DIRECTION_TO_SERVER, &type, NULL, &error);
  if (parsed == NULL)
    {
      g_message ("not sending an invalid message: %s", error->message);
      return FALSE;
    }
  if (type == TC_MESSAGE_HELLO)
    {
      g_message ("not sending hello: connect does that");
      return FALSE;
    }
  if (self->outgoing.length >= MAX_QUEUED)
    {
      g_message ("not sending %s: %u messages already wait", tc_message_type_to_string (type), MAX_QUEUED);
      return FALSE;
    }

  g_queue_push_tail (&self->outgoing, g_steal_pointer (&text));
  flush_queue (self);
  return TRUE;
}

void
tc_signaling_client_send_sdp (TcSignalingClient *self,
                              const char        *to,
                              const char        *sdp_type,
                              const char        *sdp)
{
  g_autoptr(JsonObject) message = tc_protocol_message_new (TC_MESSAGE_SDP);
  JsonObject *description = json_object_new ();

  g_return_if_fail (to != NULL && sdp_type != NULL && sdp != NULL);

  json_object_set_string_member (message, "to", to);
  json_object_set_string_member (description, "type", sdp_type);
  json_object_set_string_member (description, "sdp", sdp);
  json_object_set_object_member (message, "description", description);
  tc_signaling_client_send (self, message);
}

void
tc_signaling_client_send_ice (TcSignalingClient *self,
                              const char        *to,
                              const char        *candidate,
                              const char        *sdp_mid,
                              int                sdp_mline_index)
{
  g_autoptr(JsonObject) message = tc_protocol_message_new (TC_MESSAGE_ICE);
  JsonObject *init = json_object_new ();

  g_return_if_fail (to != NULL && candidate != NULL);

  json_object_set_string_member (message, "to", to);
  json_object_set_string_member (init, "candidate", candidate);
  if (sdp_mid != NULL)
    json_object_set_string_member (init, "sdpMid", sdp_mid);
  if (sdp_mline_index >= 0)
    json_object_set_int_member (init, "sdpMLineIndex", sdp_mline_index);
  json_object_set_object_member (message, "candidate", init);
  tc_signaling_client_send (self, message);
}

gboolean
tc_signaling_client_send_chat (TcSignalingClient  *self,
                               const char         *text,
                               GError            **error)
{
  g_autoptr(JsonObject) message = tc_protocol_message_new (TC_MESSAGE_CHAT);
  gsize length;

  g_return_val_if_fail (TC_IS_SIGNALING_CLIENT (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  length = strlen (text);
  if (length == 0 || length > 4000 || !g_utf8_validate (text, length, NULL))
    {
      g_set_error (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_MESSAGE,
                   length == 0 ? "The message is empty" :
                   length > 4000 ? "The message is too long (at most 4,000 bytes)" :
                   "The message is not valid text");
      return FALSE;
    }
  json_object_set_string_member (message, "text", text);
  if (!tc_signaling_client_send (self, message))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           "Not connected to the consultation");
      return FALSE;
    }
  return TRUE;
}

void
tc_signaling_client_admit (TcSignalingClient *self,
                           const char        *consultation_id,
                           const char        *participant_id)
{
  g_autoptr(JsonObject) message = tc_protocol_message_new (TC_MESSAGE_ADMIT);

  g_return_if_fail (consultation_id != NULL && participant_id != NULL);

  json_object_set_string_member (message, "consultation_id", consultation_id);
  json_object_set_string_member (message, "participant_id", participant_id);
  tc_signaling_client_send (self, message);
}

void
tc_signaling_client_decline (TcSignalingClient *self,
                             const char        *consultation_id,
                             const char        *participant_id,
                             const char        *reason)
{
  g_autoptr(JsonObject) message = tc_protocol_message_new (TC_MESSAGE_DECLINE);

  g_return_if_fail (consultation_id != NULL && participant_id != NULL);

  json_object_set_string_member (message, "consultation_id", consultation_id);
  json_object_set_string_member (message, "participant_id", participant_id);
  if (reason != NULL)
    json_object_set_string_member (message, "reason", reason);
  tc_signaling_client_send (self, message);
}

void
tc_signaling_client_end (TcSignalingClient *self,
                         const char        *consultation_id)
{
  g_autoptr(JsonObject) message = tc_protocol_message_new (TC_MESSAGE_END);

  g_return_if_fail (consultation_id != NULL);

  json_object_set_string_member (message, "consultation_id", consultation_id);
  tc_signaling_client_send (self, message);
}

void
tc_signaling_client_ping (TcSignalingClient *self)
{
  g_return_if_fail (TC_IS_SIGNALING_CLIENT (self));

  send_ping (self);
}

static gboolean
on_request_timeout (gpointer user_data)
{
  Request *request = user_data;
  g_autoptr(TcSignalingClient) self = g_object_ref (g_task_get_source_object (request->task));
  const char *rid = g_task_get_task_data (request->task);
  gpointer key = NULL;

  g_clear_pointer (&request->timeout, g_source_unref);
  if (g_hash_table_steal_extended (self->requests, rid, &key, NULL))
    {
      g_task_return_new_error (request->task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                               "The server did not answer within %d seconds", REQUEST_TIMEOUT_S);
      g_free (key);
      request_free (request);
    }
  return G_SOURCE_REMOVE;
}

/* Takes @message; adds a `rid` and completes @task with the reply. */
static void
start_request (TcSignalingClient *self,
               JsonObject        *message,
               GTask             *task)
{
  g_autoptr(JsonObject) owned = message;
  char *rid;
  Request *request;

  if (self->state == TC_SIGNALING_STATE_CLOSED || self->state == TC_SIGNALING_STATE_DISCONNECTED)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "Not connected to the server");
      return;
    }

  rid = g_strdup_printf ("r%" G_GUINT64_FORMAT, ++self->next_rid);
  json_object_set_string_member (owned, "rid", rid);
  g_task_set_task_data (task, g_strdup (rid), g_free);

  if (!tc_signaling_client_send (self, owned))
    {
      g_free (rid);
      g_task_return_new_error (task, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_MESSAGE,
                               "The request is not valid");
      return;
    }

  request = g_new0 (Request, 1);
  request->task = g_object_ref (task);
  request->timeout = schedule (self, REQUEST_TIMEOUT_S * 1000, on_request_timeout, request);
  g_hash_table_insert (self->requests, rid, request);
}

void
tc_signaling_client_create_consultation_async (TcSignalingClient   *self,
                                               const char          *title,
                                               const char          *kiosk,
                                               guint                invitation_ttl_s,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  JsonObject *message;

  g_return_if_fail (TC_IS_SIGNALING_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tc_signaling_client_create_consultation_async);

  message = tc_protocol_message_new (TC_MESSAGE_CREATE_CONSULTATION);
  if (title != NULL)
    json_object_set_string_member (message, "title", title);
  if (kiosk != NULL)
    json_object_set_string_member (message, "kiosk", kiosk);
  if (invitation_ttl_s > 0)
    json_object_set_int_member (message, "invitation_ttl", invitation_ttl_s);
  start_request (self, message, task);
}

static JsonObject *
propagate_reply (TcSignalingClient  *self,
                 GAsyncResult       *result,
                 gpointer            source_tag,
                 GError            **error)
{
  g_return_val_if_fail (TC_IS_SIGNALING_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

JsonObject *
tc_signaling_client_create_consultation_finish (TcSignalingClient  *self,
                                                GAsyncResult       *result,
                                                GError            **error)
{
  return propagate_reply (self, result, tc_signaling_client_create_consultation_async, error);
}

void
tc_signaling_client_invite_async (TcSignalingClient   *self,
                                  const char          *consultation_id,
                                  guint                ttl_s,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  JsonObject *message;

  g_return_if_fail (TC_IS_SIGNALING_CLIENT (self));
  g_return_if_fail (consultation_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tc_signaling_client_invite_async);

  message = tc_protocol_message_new (TC_MESSAGE_INVITE);
  json_object_set_string_member (message, "consultation_id", consultation_id);
  if (ttl_s > 0)
    json_object_set_int_member (message, "ttl", ttl_s);
  start_request (self, message, task);
}

JsonObject *
tc_signaling_client_invite_finish (TcSignalingClient  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  return propagate_reply (self, result, tc_signaling_client_invite_async, error);
}

void
tc_signaling_client_list_consultations_async (TcSignalingClient   *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TC_IS_SIGNALING_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tc_signaling_client_list_consultations_async);
  start_request (self, tc_protocol_message_new (TC_MESSAGE_LIST_CONSULTATIONS), task);
}

JsonObject *
tc_signaling_client_list_consultations_finish (TcSignalingClient  *self,
                                               GAsyncResult       *result,
                                               GError            **error)
{
  return propagate_reply (self, result, tc_signaling_client_list_consultations_async, error);
}

TcSignalingState
tc_signaling_client_get_state (TcSignalingClient *self)
{
  g_return_val_if_fail (TC_IS_SIGNALING_CLIENT (self), TC_SIGNALING_STATE_CLOSED);
  return self->state;
}

const char *
tc_signaling_client_get_url (TcSignalingClient *self)
{
  g_return_val_if_fail (TC_IS_SIGNALING_CLIENT (self), NULL);
  return self->url;
}

const char *
tc_signaling_client_get_participant_id (TcSignalingClient *self)
{
  g_return_val_if_fail (TC_IS_SIGNALING_CLIENT (self), NULL);
  return self->participant_id;
}

const char *
tc_signaling_client_get_role (TcSignalingClient *self)
{
  g_return_val_if_fail (TC_IS_SIGNALING_CLIENT (self), NULL);
  return self->role;
}

const char *
tc_signaling_client_get_display_name (TcSignalingClient *self)
{
  g_return_val_if_fail (TC_IS_SIGNALING_CLIENT (self), NULL);
  return self->display_name;
}

const char *
tc_signaling_client_get_consultation_id (TcSignalingClient *self)
{
  g_return_val_if_fail (TC_IS_SIGNALING_CLIENT (self), NULL);
  return self->consultation_id;
}

int
tc_signaling_client_get_rtt (TcSignalingClient *self)
{
  g_return_val_if_fail (TC_IS_SIGNALING_CLIENT (self), -1);
  return self->rtt_ms;
}

gint64
tc_signaling_client_get_last_seq (TcSignalingClient *self)
{
  g_return_val_if_fail (TC_IS_SIGNALING_CLIENT (self), 0);
  return self->last_seq;
}

const GError *
tc_signaling_client_get_close_error (TcSignalingClient *self)
{
  g_return_val_if_fail (TC_IS_SIGNALING_CLIENT (self), NULL);
  return self->close_error;
}

gint64
tc_signaling_client_get_next_scheduled_at (TcSignalingClient *self)
{
  g_return_val_if_fail (TC_IS_SIGNALING_CLIENT (self), 0);
  return self->next_scheduled_at;
}
