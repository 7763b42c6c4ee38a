/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcServer: the transport. Listening (ws or wss), accepting WebSockets on /ws,
 * per-connection limits (size, rate, hello deadline, idle), one server-wide sweep
 * timer, sending with sequence numbers, and a graceful shutdown. The protocol
 * itself lives in tc-server-handlers.c. */
#define G_LOG_DOMAIN "tc-server"

#include "tc-server-private.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sodium.h>
#include <string.h>

#define WS_PATH "/ws"
#define RATE_PER_SECOND 50.0f
#define RATE_BURST 100.0f
#define VIOLATIONS_MAX 10
#define VIOLATIONS_WINDOW_US (10 * G_USEC_PER_SEC)
#define UNAUTHENTICATED_MAX 3
/* libsoup closes (1009) above this; between the protocol limit and this we answer
 * `too-large` and keep the connection, as the protocol document says. */
#define HARD_PAYLOAD_LIMIT (2 * TC_PROTOCOL_MAX_MESSAGE_SIZE)
#define SHUTDOWN_DEADLINE_MS 3000
#define LISTEN_BACKLOG 4096

#define PURGE_INTERVAL_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

enum {
  PROP_0,
  PROP_LISTEN_ADDRESS,
  PROP_PORT,
  PROP_TLS_CERTIFICATE_FILE,
  PROP_TLS_KEY_FILE,
  PROP_ALLOW_INSECURE,
  PROP_DATABASE_PATH,
  PROP_STORE,
  PROP_STUN_URIS,
  PROP_TURN_URIS,
  PROP_TURN_SECRET,
  PROP_PUBLIC_URL,
  PROP_RECONNECT_GRACE,
  PROP_HELLO_TIMEOUT,
  PROP_IDLE_TIMEOUT,
  PROP_KEEPALIVE_INTERVAL,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_TYPE (TcServer, tc_server, G_TYPE_OBJECT)

G_DEFINE_QUARK (tc-server-error-quark, tc_server_error)

static void maybe_finish_shutdown (TcServer *self);

/* ---- connections ---------------------------------------------------------------- */

TcConnection *
tc_connection_ref (TcConnection *conn)
{
  conn->ref_count++;
  return conn;
}

void
tc_connection_unref (TcConnection *conn)
{
  if (--conn->ref_count > 0)
    return;
  g_clear_object (&conn->ws);
  g_free (conn);
}

void
tc_server_send_raw (TcConnection *conn,
                    JsonObject   *message)
{
  g_autofree char *text = NULL;

  if (conn->state == TC_CONNECTION_CLOSING ||
      soup_websocket_connection_get_state (conn->ws) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  text = tc_protocol_serialize (message, NULL);
  soup_websocket_connection_send_text (conn->ws, text);
}

void
tc_server_send_error (TcConnection    *conn,
                      TcProtocolError  code,
                      const char      *reason,
                      const char      *rid)
{
  g_autoptr(JsonObject) msg = tc_protocol_error_message_new (code, reason, rid);

  g_info ("error %s to %s", tc_protocol_error_to_string (code),
          conn->participant ? conn->participant->id : "unauthenticated connection");
  /* After welcome every server message carries a seq; errors are not kept for replay. */
  if (conn->participant != NULL && conn->state == TC_CONNECTION_READY)
    tc_server_send (conn->server, conn->participant, msg);
  else
    tc_server_send_raw (conn, msg);
}

void
tc_server_close (TcConnection *conn,
                 gushort       code,
                 const char   *reason)
{
  if (conn->state == TC_CONNECTION_CLOSING)
    return;
  conn->state = TC_CONNECTION_CLOSING;
  if (soup_websocket_connection_get_state (conn->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (conn->ws, code, reason);
}

void
tc_server_send (TcServer      *self,
                TcParticipant *participant,
                JsonObject    *message)
{
  const char *type = json_object_get_string_member_with_default (message, "type", "");
  gboolean keep = strcmp (type, "pong") != 0 && strcmp (type, "error") != 0;
  g_autofree char *text = tc_participant_sequence (participant, message, keep, NULL);
  TcConnection *conn = participant->conn;

  if (conn != NULL && conn->state == TC_CONNECTION_READY &&
      soup_websocket_connection_get_state (conn->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (conn->ws, text);
}

void
tc_server_send_spliced (TcServer      *self,
                        TcParticipant *to,
                        const char    *from_id,
                        const char    *data,
                        gsize          length)
{
  g_autoptr(GString) text = g_string_sized_new (length + 96);
  TcConnection *conn = to->conn;
  gsize start = 0;

  /* Validated JSON: the first non-blank byte is the object's '{'. */
  while (start < length && data[start] != '{')
    start++;
  g_return_if_fail (start < length);

  g_string_append_printf (text, "{\"from\":\"%s\",\"seq\":%" G_GINT64_FORMAT ",", from_id, ++to->seq);
  g_string_append_len (text, data + start + 1, (gssize) (length - start - 1));
  tc_participant_keep (to, to->seq, text->str, text->len);
  if (conn != NULL && conn->state == TC_CONNECTION_READY &&
      soup_websocket_connection_get_state (conn->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (conn->ws, text->str);
}

void
tc_server_attach (TcServer      *self,
                  TcConnection  *conn,
                  TcParticipant *participant)
{
  conn->participant = participant;
  conn->state = TC_CONNECTION_READY;
  participant->conn = conn;
  participant->disconnected_at = 0;
  g_hash_table_remove (self->reconnecting, participant);
}

/* Token bucket: RATE_PER_SECOND, burst RATE_BURST. */
static gboolean
take_token (TcConnection *conn,
            gint64        now)
{
  float refill = (float) (now - conn->bucket_at) * RATE_PER_SECOND / (float) G_USEC_PER_SEC;

  conn->bucket_at = now;
  conn->tokens = MIN (RATE_BURST, conn->tokens + refill);
  if (conn->tokens < 1.0f)
    return FALSE;
  conn->tokens -= 1.0f;
  return TRUE;
}

static void
rate_violation (TcConnection *conn,
                gint64        now,
                const char   *rid)
{
  /* Right after the main loop stalled, messages that waited in the socket arrive
   * back to back: that is the server's lag, not the client's flood. */
  if (now < conn->server->lagging_until)
    return;

  if (now - conn->violations_since > VIOLATIONS_WINDOW_US)
    {
      conn->violations_since = now;
      conn->violations = 0;
    }
  conn->violations++;
  tc_server_send_error (conn, TC_PROTOCOL_ERROR_RATE_LIMITED, "too many messages; slow down", rid);
  if (conn->violations >= VIOLATIONS_MAX)
    {
      g_info ("closing %s: rate limit exceeded",
              conn->participant ? conn->participant->id : "unauthenticated connection");
      tc_server_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "rate limit exceeded");
    }
}

static void
on_message (SoupWebsocketConnection *ws,
            int                      data_type,
            GBytes                  *bytes,
            TcConnection            *conn)
{
  TcServer *self = conn->server;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) message = NULL;
  g_autofree char *rid = NULL;
  TcMessageType type = (TcMessageType) -1;
  gint64 now = g_get_monotonic_time ();
  const char *data;
  gsize length;

  if (conn->state == TC_CONNECTION_CLOSING)
    return;
  conn->last_seen = now;
  if (!take_token (conn, now) && now >= self->lagging_until)
    {
      rate_violation (conn, now, NULL);
      return;
    }

  data = g_bytes_get_data (bytes, &length);
  if (data_type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      tc_server_send_error (conn, TC_PROTOCOL_ERROR_BAD_JSON, "binary messages are not accepted", NULL);
      return;
    }

  message = tc_protocol_parse (data, length, TC_DIRECTION_TO_SERVER, &type, &rid, &error);
  if (message == NULL)
    {
      TcProtocolError code = error->domain == TC_PROTOCOL_ERROR ? (TcProtocolError) error->code
                                                                 : TC_PROTOCOL_ERROR_BAD_MESSAGE;

      tc_server_send_error (conn, code, error->message, rid);
      if (conn->state == TC_CONNECTION_READY)
        return;
      /* Before welcome: a refused hello ends the connection, so does junk past the limit. */
      if (code == TC_PROTOCOL_ERROR_UNSUPPORTED_VERSION || type == TC_MESSAGE_HELLO ||
          ++conn->unauthenticated >= UNAUTHENTICATED_MAX)
        tc_server_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "refused");
      return;
    }

  tc_server_handle_message (self, conn, type, message, rid, data, length);
}

static void
on_pong (SoupWebsocketConnection *ws,
         GBytes                  *message,
         TcConnection            *conn)
{
  conn->last_seen = g_get_monotonic_time ();
}

static void
on_closed (SoupWebsocketConnection *ws,
           TcConnection            *conn)
{
  TcServer *self = conn->server;
  TcParticipant *participant = conn->participant;

  conn->state = TC_CONNECTION_CLOSING;
  g_signal_handlers_disconnect_by_data (ws, conn);
  if (participant != NULL)
    {
      conn->participant = NULL;
      participant->conn = NULL;
      tc_server_participant_dropped (self, participant);
    }
  g_debug ("connection closed (code %u)", soup_websocket_connection_get_close_code (ws));
  /* The set holds the last reference the transport had. */
  g_hash_table_remove (self->connections, conn);
  maybe_finish_shutdown (self);
}

static void
on_websocket (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *ws,
              gpointer                 user_data)
{
  TcServer *self = user_data;
  TcConnection *conn;
  gint64 now = g_get_monotonic_time ();

  if (self->shutting_down)
    {
      soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "going away");
      return;
    }

  /* Signalling is many small messages: do not let Nagle hold the second of two. */
  if (soup_server_message_get_socket (msg) != NULL)
    g_socket_set_option (soup_server_message_get_socket (msg), IPPROTO_TCP, TCP_NODELAY, 1, NULL);

  conn = g_new0 (TcConnection, 1);
  conn->ref_count = 1;
  conn->server = self;
  conn->ws = g_object_ref (ws);
  conn->opened_at = now;
  conn->last_seen = now;
  conn->bucket_at = now;
  conn->tokens = RATE_BURST;
  conn->state = TC_CONNECTION_NEW;
  g_hash_table_add (self->connections, conn);

  soup_websocket_connection_set_max_incoming_payload_size (ws, HARD_PAYLOAD_LIMIT);
  soup_websocket_connection_set_keepalive_interval (ws, self->keepalive_interval);
  g_signal_connect (ws, "message", G_CALLBACK (on_message), conn);
  g_signal_connect (ws, "pong", G_CALLBACK (on_pong), conn);
  g_signal_connect (ws, "closed", G_CALLBACK (on_closed), conn);
}

static void
connection_free_from_set (gpointer data)
{
  TcConnection *conn = data;

  if (conn->ws != NULL)
    g_signal_handlers_disconnect_by_data (conn->ws, conn);
  if (conn->participant != NULL)
    conn->participant->conn = NULL;
  conn->participant = NULL;
  conn->state = TC_CONNECTION_CLOSING;
  tc_connection_unref (conn);
}

/* ---- the sweep: hello deadline, idle connections, reconnect grace ------------------ */

static gboolean
sweep (gpointer user_data)
{
  TcServer *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 hello_us = (gint64) self->hello_timeout * G_USEC_PER_SEC;
  gint64 idle_us = (gint64) self->idle_timeout * G_USEC_PER_SEC;
  gint64 grace_us = (gint64) self->reconnect_grace * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) expired = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  /* A sweep that comes late means the loop is behind: forgive rate bursts for a while. */
  if (self->last_sweep != 0 && now - self->last_sweep > (gint64) self->sweep_ms * 1000 + G_USEC_PER_SEC)
    self->lagging_until = now + 2 * G_USEC_PER_SEC;
  self->last_sweep = now;

  /* Nor punish clients for our own lag with the hello deadline or the idle timeout. */
  g_hash_table_iter_init (&iter, self->connections);
  while (now >= self->lagging_until && g_hash_table_iter_next (&iter, &key, NULL))
    {
      TcConnection *conn = key;

      if (conn->state == TC_CONNECTION_CLOSING)
        continue;
      if (conn->state == TC_CONNECTION_NEW && now - conn->opened_at > hello_us)
        {
          g_info ("closing a connection that sent no hello in time");
          tc_server_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "no hello");
        }
      else if (now - conn->last_seen > idle_us)
        {
          g_info ("closing idle connection of %s", conn->participant ? conn->participant->id : "nobody");
          tc_server_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "idle");
        }
    }

  g_hash_table_iter_init (&iter, self->reconnecting);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      TcParticipant *p = key;

      if (now - p->disconnected_at > grace_us)
        g_ptr_array_add (expired, p);
    }
  /* Dropping changes the tables: do it outside the iteration. */
  for (guint i = 0; i < expired->len; i++)
    {
      TcParticipant *p = expired->pdata[i];

      g_hash_table_remove (self->reconnecting, p);
      p->disconnected_at = -1; /* marks "grace over" for the handler */
      tc_server_participant_dropped (self, p);
    }

  g_hash_table_iter_init (&iter, self->tombstones);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (((TcTombstone *) value)->until < now)
      g_hash_table_iter_remove (&iter);

  if (now - self->last_purge > PURGE_INTERVAL_US)
    {
      self->last_purge = now;
      tc_store_purge_expired_invitations (self->store, g_get_real_time () / 1000, NULL);
    }
  return G_SOURCE_CONTINUE;
}

/* ---- start ------------------------------------------------------------------------- */

static gboolean
address_is_loopback (const char *address)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);

  if (inet != NULL)
    return g_inet_address_get_is_loopback (inet);
  return g_strcmp0 (address, "localhost") == 0;
}

gboolean
tc_server_start (TcServer  *self,
                 GError   **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  SoupServerListenOptions options = 0;
  g_autoptr(GError) local_error = NULL;
  const char *protocols[] = { TC_PROTOCOL_SUBPROTOCOL, NULL };
  g_autoptr(GSocket) listen_socket = NULL;
  g_autoptr(GSocketAddress) local = NULL;

  g_return_val_if_fail (TC_IS_SERVER (self), FALSE);
  g_return_val_if_fail (!self->started, FALSE);

  if (sodium_init () < 0)
    {
      g_set_error (error, TC_SERVER_ERROR, TC_SERVER_ERROR_FAILED, "libsodium could not be initialised");
      return FALSE;
    }

  inet = g_inet_address_new_from_string (self->listen_address);
  if (inet == NULL)
    {
      g_set_error (error, TC_SERVER_ERROR, TC_SERVER_ERROR_LISTEN,
                   "“%s” is not an IP address", self->listen_address);
      return FALSE;
    }

  self->tls = self->tls_certificate_file != NULL || self->tls_key_file != NULL;
  if (!self->tls && !address_is_loopback (self->listen_address))
    {
      if (!self->allow_insecure)
        {
          g_set_error (error, TC_SERVER_ERROR, TC_SERVER_ERROR_INSECURE,
                       "Refusing plain ws on %s: give a TLS certificate and key, or force insecure mode",
                       self->listen_address);
          return FALSE;
        }
      g_message ("INSECURE: serving plain ws on %s; tokens and passwords travel in clear",
                 self->listen_address);
    }

  if (self->store == NULL)
    {
      self->store = tc_store_open (self->database_path, error);
      if (self->store == NULL)
        return FALSE;
    }

  self->soup = soup_server_new ("server-header", "teleconsult-server", NULL);
  if (self->tls)
    {
      g_autoptr(GTlsCertificate) cert = NULL;

      if (self->tls_certificate_file == NULL || self->tls_key_file == NULL)
        {
          g_set_error (error, TC_SERVER_ERROR, TC_SERVER_ERROR_TLS, "TLS needs both a certificate and a key file");
          return FALSE;
        }
      cert = g_tls_certificate_new_from_files (self->tls_certificate_file, self->tls_key_file, &local_error);
      if (cert == NULL)
        {
          g_set_error (error, TC_SERVER_ERROR, TC_SERVER_ERROR_TLS, "Cannot load the TLS certificate: %s",
                       local_error->message);
          return FALSE;
        }
      soup_server_set_tls_certificate (self->soup, cert);
      options |= SOUP_SERVER_LISTEN_HTTPS;
    }

  /* No permessage-deflate: its zlib state costs ~100 KiB per idle connection, and
   * compressing secrets beside attacker-chosen text invites CRIME-style guessing. */
  soup_server_remove_websocket_extension (self->soup, SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE);
  soup_server_add_websocket_handler (self->soup, WS_PATH, NULL, (char **) protocols,
                                     on_websocket, self, NULL);

  /* Our own socket, for a deep accept queue: GLib's default backlog of 10 drops SYNs
   * when many clients connect at once, and they retry only after seconds. */
  address = g_inet_socket_address_new (inet, (guint16) self->port);
  listen_socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &local_error);
  if (listen_socket != NULL)
    g_socket_set_listen_backlog (listen_socket, LISTEN_BACKLOG);
  if (listen_socket == NULL ||
      !g_socket_bind (listen_socket, address, TRUE, &local_error) ||
      !g_socket_listen (listen_socket, &local_error) ||
      !soup_server_listen_socket (self->soup, listen_socket, options, &local_error))
    {
      g_set_error (error, TC_SERVER_ERROR, TC_SERVER_ERROR_LISTEN, "Cannot listen on %s port %u: %s",
                   self->listen_address, self->port, local_error->message);
      g_clear_object (&self->soup);
      return FALSE;
    }

  local = g_socket_get_local_address (listen_socket, NULL);
  if (local != NULL)
    self->bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  self->bound_host = g_strdup (self->listen_address);

  /* One timer for every connection. Short timeouts (tests) want a finer sweep. */
  self->sweep_ms = MIN (MIN (self->hello_timeout, self->idle_timeout), self->reconnect_grace) < 5 ? 200 : 1000;
  self->sweep_id = g_timeout_add (self->sweep_ms, sweep, self);
  self->last_purge = g_get_monotonic_time ();
  self->started = TRUE;
  g_info ("listening on port %u (%s)", self->bound_port, self->tls ? "wss" : "ws");
  return TRUE;
}

guint
tc_server_get_port (TcServer *self)
{
  g_return_val_if_fail (TC_IS_SERVER (self), 0);
  return self->bound_port;
}

char *
tc_server_get_url (TcServer *self)
{
  g_return_val_if_fail (TC_IS_SERVER (self), NULL);

  if (!self->started)
    return NULL;
  if (strchr (self->bound_host, ':') != NULL)
    return g_strdup_printf ("%s://[%s]:%u%s", self->tls ? "wss" : "ws", self->bound_host, self->bound_port, WS_PATH);
  return g_strdup_printf ("%s://%s:%u%s", self->tls ? "wss" : "ws", self->bound_host, self->bound_port, WS_PATH);
}

TcStore *
tc_server_get_store (TcServer *self)
{
  g_return_val_if_fail (TC_IS_SERVER (self), NULL);
  return self->store;
}

guint
tc_server_get_n_connections (TcServer *self)
{
  g_return_val_if_fail (TC_IS_SERVER (self), 0);
  return g_hash_table_size (self->connections);
}

/* ---- shutdown ---------------------------------------------------------------------- */

static void
finish_shutdown (TcServer *self)
{
  g_autoptr(GPtrArray) tasks = g_steal_pointer (&self->shutdown_tasks);
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->sweep_id, g_source_remove);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  if (self->store != NULL && !tc_store_flush (self->store, &error))
    g_info ("flushing the store at shutdown failed");

  for (guint i = 0; tasks != NULL && i < tasks->len; i++)
    {
      if (error != NULL)
        g_task_return_error (tasks->pdata[i], g_error_copy (error));
      else
        g_task_return_boolean (tasks->pdata[i], TRUE);
    }
}

static void
maybe_finish_shutdown (TcServer *self)
{
  if (self->shutdown_tasks != NULL && g_hash_table_size (self->connections) == 0)
    finish_shutdown (self);
}

static gboolean
shutdown_deadline (gpointer user_data)
{
  TcServer *self = user_data;

  if (self->shutdown_tasks != NULL)
    {
      g_info ("%u connections did not close in time", g_hash_table_size (self->connections));
      finish_shutdown (self);
    }
  return G_SOURCE_REMOVE;
}

void
tc_server_shutdown_async (TcServer            *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (TC_IS_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tc_server_shutdown_async);

  if (!self->started)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->shutdown_tasks == NULL)
    self->shutdown_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->shutdown_tasks, g_steal_pointer (&task));
  if (self->shutting_down)
    return;

  self->shutting_down = TRUE;
  g_info ("shutting down: closing %u connections", g_hash_table_size (self->connections));
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    tc_server_close (key, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "going away");

  if (g_hash_table_size (self->connections) == 0)
    finish_shutdown (self);
  else
    g_timeout_add_full (G_PRIORITY_DEFAULT, SHUTDOWN_DEADLINE_MS, shutdown_deadline,
                        g_object_ref (self), g_object_unref);
}

gboolean
tc_server_shutdown_finish (TcServer      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- GObject ------------------------------------------------------------------------ */

TcServer *
tc_server_new (void)
{
  return g_object_new (TC_TYPE_SERVER, NULL);
}

static void
tc_server_dispose (GObject *object)
{
  TcServer *self = TC_SERVER (object);

  g_clear_handle_id (&self->sweep_id, g_source_remove);
  /* Connections first (they point at participants), then participants, then rooms. */
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_pointer (&self->reconnecting, g_hash_table_unref);
  g_clear_pointer (&self->by_resume, g_hash_table_unref);
  g_clear_pointer (&self->practitioners, g_hash_table_unref);
  g_clear_pointer (&self->participants, g_hash_table_unref);
  g_clear_pointer (&self->rooms, g_hash_table_unref);
  g_clear_pointer (&self->tombstones, g_hash_table_unref);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (tc_server_parent_class)->dispose (object);
}

static void
tc_server_finalize (GObject *object)
{
  TcServer *self = TC_SERVER (object);

  g_free (self->listen_address);
  g_free (self->tls_certificate_file);
  g_free (self->tls_key_file);
  g_free (self->database_path);
  g_strfreev (self->stun_uris);
  g_strfreev (self->turn_uris);
  if (self->turn_secret != NULL)
    sodium_memzero (self->turn_secret, strlen (self->turn_secret));
  g_free (self->turn_secret);
  g_free (self->public_url);
  g_free (self->bound_host);

  G_OBJECT_CLASS (tc_server_parent_class)->finalize (object);
}

static void
tc_server_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TcServer *self = TC_SERVER (object);

  switch (prop_id)
    {
    case PROP_LISTEN_ADDRESS: g_value_set_string (value, self->listen_address); break;
    case PROP_PORT: g_value_set_uint (value, self->started ? self->bound_port : self->port); break;
    case PROP_TLS_CERTIFICATE_FILE: g_value_set_string (value, self->tls_certificate_file); break;
    case PROP_TLS_KEY_FILE: g_value_set_string (value, self->tls_key_file); break;
    case PROP_ALLOW_INSECURE: g_value_set_boolean (value, self->allow_insecure); break;
    case PROP_DATABASE_PATH: g_value_set_string (value, self->database_path); break;
    case PROP_STORE: g_value_set_object (value, self->store); break;
    case PROP_STUN_URIS: g_value_set_boxed (value, self->stun_uris); break;
    case PROP_TURN_URIS: g_value_set_boxed (value, self->turn_uris); break;
    case PROP_TURN_SECRET: g_value_set_string (value, self->turn_secret); break;
    case PROP_PUBLIC_URL: g_value_set_string (value, self->public_url); break;
    case PROP_RECONNECT_GRACE: g_value_set_uint (value, self->reconnect_grace); break;
    case PROP_HELLO_TIMEOUT: g_value_set_uint (value, self->hello_timeout); break;
    case PROP_IDLE_TIMEOUT: g_value_set_uint (value, self->idle_timeout); break;
    case PROP_KEEPALIVE_INTERVAL: g_value_set_uint (value, self->keepalive_interval); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_string (TcServer    *self,
            char       **field,
            const GValue *value,
            guint        prop)
{
  const char *str = g_value_get_string (value);

  if (g_strcmp0 (*field, str) == 0)
    return;
  g_free (*field);
  *field = g_strdup (str);
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static void
set_uint (TcServer     *self,
          guint        *field,
          const GValue *value,
          guint         prop)
{
  guint v = g_value_get_uint (value);

  if (*field == v)
    return;
  *field = v;
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static void
tc_server_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TcServer *self = TC_SERVER (object);

  switch (prop_id)
    {
    case PROP_LISTEN_ADDRESS: set_string (self, &self->listen_address, value, prop_id); break;
    case PROP_PORT: set_uint (self, &self->port, value, prop_id); break;
    case PROP_TLS_CERTIFICATE_FILE: set_string (self, &self->tls_certificate_file, value, prop_id); break;
    case PROP_TLS_KEY_FILE: set_string (self, &self->tls_key_file, value, prop_id); break;
    case PROP_ALLOW_INSECURE:
      if (self->allow_insecure != g_value_get_boolean (value))
        {
          self->allow_insecure = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_DATABASE_PATH: set_string (self, &self->database_path, value, prop_id); break;
    case PROP_STORE: self->store = g_value_dup_object (value); break;
    case PROP_STUN_URIS:
      g_strfreev (self->stun_uris);
      self->stun_uris = g_value_dup_boxed (value);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_TURN_URIS:
      g_strfreev (self->turn_uris);
      self->turn_uris = g_value_dup_boxed (value);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_TURN_SECRET: set_string (self, &self->turn_secret, value, prop_id); break;
    case PROP_PUBLIC_URL: set_string (self, &self->public_url, value, prop_id); break;
    case PROP_RECONNECT_GRACE: set_uint (self, &self->reconnect_grace, value, prop_id); break;
    case PROP_HELLO_TIMEOUT: set_uint (self, &self->hello_timeout, value, prop_id); break;
    case PROP_IDLE_TIMEOUT: set_uint (self, &self->idle_timeout, value, prop_id); break;
    case PROP_KEEPALIVE_INTERVAL: set_uint (self, &self->keepalive_interval, value, prop_id); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_server_class_init (TcServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = tc_server_dispose;
  object_class->finalize = tc_server_finalize;
  object_class->get_property = tc_server_get_property;
  object_class->set_property = tc_server_set_property;

  props[PROP_LISTEN_ADDRESS] = g_param_spec_string ("listen-address", NULL, NULL, "127.0.0.1", rw);
  props[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 0, 65535, 0, rw);
  props[PROP_TLS_CERTIFICATE_FILE] = g_param_spec_string ("tls-certificate-file", NULL, NULL, NULL, rw);
  props[PROP_TLS_KEY_FILE] = g_param_spec_string ("tls-key-file", NULL, NULL, NULL, rw);
  props[PROP_ALLOW_INSECURE] = g_param_spec_boolean ("allow-insecure", NULL, NULL, FALSE, rw);
  props[PROP_DATABASE_PATH] = g_param_spec_string ("database-path", NULL, NULL, ":memory:", rw);
  props[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, TC_TYPE_STORE,
                                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_STUN_URIS] = g_param_spec_boxed ("stun-uris", NULL, NULL, G_TYPE_STRV, rw);
  props[PROP_TURN_URIS] = g_param_spec_boxed ("turn-uris", NULL, NULL, G_TYPE_STRV, rw);
  props[PROP_TURN_SECRET] = g_param_spec_string ("turn-secret", NULL, NULL, NULL, rw);
  props[PROP_PUBLIC_URL] = g_param_spec_string ("public-url", NULL, NULL, NULL, rw);
  props[PROP_RECONNECT_GRACE] = g_param_spec_uint ("reconnect-grace", NULL, NULL, 1, 3600, 60, rw);
  props[PROP_HELLO_TIMEOUT] = g_param_spec_uint ("hello-timeout", NULL, NULL, 1, 3600, 10, rw);
  props[PROP_IDLE_TIMEOUT] = g_param_spec_uint ("idle-timeout", NULL, NULL, 1, 86400, 45, rw);
  props[PROP_KEEPALIVE_INTERVAL] = g_param_spec_uint ("keepalive-interval", NULL, NULL, 0, 3600, 15, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
free_ptr_array (gpointer data)
{
  g_ptr_array_unref (data);
}

static void
tc_server_init (TcServer *self)
{
  self->listen_address = g_strdup ("127.0.0.1");
  self->database_path = g_strdup (":memory:");
  self->reconnect_grace = 60;
  self->hello_timeout = 10;
  self->idle_timeout = 45;
  self->keepalive_interval = 15;
  self->code_tokens = 30.0f;

  self->connections = g_hash_table_new_full (NULL, NULL, connection_free_from_set, NULL);
  self->participants = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                              (GDestroyNotify) tc_participant_free);
  self->by_resume = g_hash_table_new (tc_hash32_hash, tc_hash32_equal);
  self->reconnecting = g_hash_table_new (NULL, NULL);
  self->rooms = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) tc_room_free);
  self->practitioners = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, free_ptr_array);
  self->tombstones = g_hash_table_new_full (tc_hash32_hash, tc_hash32_equal, g_free, g_free);
}
