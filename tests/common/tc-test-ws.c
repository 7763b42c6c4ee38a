/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcTestWs: a WebSocket test client that looks synchronous (see tc-test-server.h). */
#include "tc-test-server.h"

#include <libsoup/soup.h>
#include <stdarg.h>
#include <string.h>

struct _TcTestWs
{
  SoupSession             *session;
  SoupWebsocketConnection *conn;
  GQueue                   queue;  /* JsonObject, oldest first */
  gboolean                 closed;
  gushort                  close_code;
  gint64                   last_seq;
  gboolean                 connect_done;
  GError                  *connect_error;
};

static gboolean
wake (gpointer user_data)
{
  gboolean *fired = user_data;

  *fired = TRUE;
  return G_SOURCE_REMOVE;
}

/* One blocking iteration of the default context, woken after at most @ms. */
static void
iterate (guint ms)
{
  gboolean fired = FALSE;
  guint id = g_timeout_add (ms, wake, &fired);

  g_main_context_iteration (NULL, TRUE);
  if (!fired)
    g_source_remove (id);
}

static void
on_message (SoupWebsocketConnection *conn,
            int                      type,
            GBytes                  *bytes,
            TcTestWs                *ws)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  JsonNode *root;
  JsonObject *object;

  if (!json_parser_load_from_data (parser, data, (gssize) length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_printerr ("test client: the server sent something that is not a JSON object\n");
      return;
    }
  object = json_node_get_object (root);
  if (json_object_has_member (object, "seq"))
    ws->last_seq = MAX (ws->last_seq, json_object_get_int_member (object, "seq"));
  g_queue_push_tail (&ws->queue, json_object_ref (object));
}

static void
on_closed (SoupWebsocketConnection *conn,
           TcTestWs                *ws)
{
  ws->closed = TRUE;
  ws->close_code = soup_websocket_connection_get_close_code (conn);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TcTestWs *ws = user_data;

  ws->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &ws->connect_error);
  ws->connect_done = TRUE;
}

TcTestWs *
tc_test_ws_connect_full (const char  *url,
                         const char  *ca_file,
                         GError     **error)
{
  g_autoptr(TcTestWs) ws = g_new0 (TcTestWs, 1);
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *http_url = NULL;
  const char *protocols[] = { "teleconsult.v1", NULL };
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_queue_init (&ws->queue);
  ws->session = soup_session_new ();
  if (ca_file != NULL)
    {
      g_autoptr(GTlsDatabase) db = g_tls_file_database_new (ca_file, error);

      if (db == NULL)
        return NULL;
      soup_session_set_tls_database (ws->session, db);
    }

  if (g_str_has_prefix (url, "wss://"))
    http_url = g_strconcat ("https://", url + 6, NULL);
  else if (g_str_has_prefix (url, "ws://"))
    http_url = g_strconcat ("http://", url + 5, NULL);
  else
    http_url = g_strdup (url);
  msg = soup_message_new ("GET", http_url);
  if (msg == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad URL %s", url);
      return NULL;
    }

  soup_session_websocket_connect_async (ws->session, msg, NULL, (char **) protocols, G_PRIORITY_DEFAULT,
                                        NULL, on_connected, ws);
  while (!ws->connect_done && g_get_monotonic_time () < deadline)
    iterate (50);
  if (!ws->connect_done)
    {
      /* The callback still points at ws: keep iterating until it lands. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "connecting timed out");
      soup_session_abort (ws->session);
      while (!ws->connect_done)
        iterate (50);
      g_clear_object (&ws->conn);
      return NULL;
    }
  if (ws->conn == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&ws->connect_error));
      return NULL;
    }
  g_signal_connect (ws->conn, "message", G_CALLBACK (on_message), ws);
  g_signal_connect (ws->conn, "closed", G_CALLBACK (on_closed), ws);
  return g_steal_pointer (&ws);
}

TcTestWs *
tc_test_ws_connect (const char  *url,
                    GError     **error)
{
  return tc_test_ws_connect_full (url, NULL, error);
}

void
tc_test_ws_free (TcTestWs *ws)
{
  if (ws == NULL)
    return;
  if (ws->conn != NULL)
    {
      g_signal_handlers_disconnect_by_data (ws->conn, ws);
      if (soup_websocket_connection_get_state (ws->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (ws->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&ws->conn);
    }
  g_queue_clear_full (&ws->queue, (GDestroyNotify) json_object_unref);
  g_clear_error (&ws->connect_error);
  g_clear_object (&ws->session);
  g_free (ws);
}

void
tc_test_ws_send_text (TcTestWs   *ws,
                      const char *text)
{
  if (ws->conn != NULL && soup_websocket_connection_get_state (ws->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (ws->conn, text);
}

void
tc_test_ws_send_binary (TcTestWs   *ws,
                        const void *data,
                        gsize       length)
{
  if (ws->conn != NULL && soup_websocket_connection_get_state (ws->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_binary (ws->conn, data, length);
}

void
tc_test_ws_send_json (TcTestWs   *ws,
                      JsonObject *message)
{
  g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), message);
  g_autofree char *text = json_to_string (root, FALSE);

  tc_test_ws_send_text (ws, text);
}

void
tc_test_ws_sendf (TcTestWs   *ws,
                  const char *format,
                  ...)
{
  g_autofree char *text = NULL;
  va_list ap;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);
  tc_test_ws_send_text (ws, text);
}

static JsonObject *
take_matching (TcTestWs   *ws,
               const char *type,
               const char *code)
{
  for (GList *l = ws->queue.head; l != NULL; l = l->next)
    {
      JsonObject *o = l->data;

      if (type != NULL && g_strcmp0 (json_object_get_string_member_with_default (o, "type", ""), type) != 0)
        continue;
      if (code != NULL && g_strcmp0 (json_object_get_string_member_with_default (o, "code", ""), code) != 0)
        continue;
      g_queue_delete_link (&ws->queue, l);
      return o;
    }
  return NULL;
}

static JsonObject *
wait_for (TcTestWs   *ws,
          const char *type,
          const char *code,
          guint       timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  JsonObject *o;

  while ((o = take_matching (ws, type, code)) == NULL)
    {
      if (g_get_monotonic_time () >= deadline || ws->closed)
        {
          /* A closed socket may still have delivered its last messages. */
          while (g_main_context_iteration (NULL, FALSE))
            ;
          return take_matching (ws, type, code);
        }
      iterate (50);
    }
  return o;
}

JsonObject *
tc_test_ws_next (TcTestWs *ws,
                 guint     timeout_ms)
{
  return wait_for (ws, NULL, NULL, timeout_ms);
}

JsonObject *
tc_test_ws_expect (TcTestWs   *ws,
                   const char *type,
                   guint       timeout_ms)
{
  return wait_for (ws, type, NULL, timeout_ms);
}

JsonObject *
tc_test_ws_expect_error (TcTestWs   *ws,
                         const char *code,
                         guint       timeout_ms)
{
  return wait_for (ws, "error", code, timeout_ms);
}

guint
tc_test_ws_count (TcTestWs   *ws,
                  const char *type)
{
  guint n = 0;

  for (GList *l = ws->queue.head; l != NULL; l = l->next)
    if (type == NULL || g_strcmp0 (json_object_get_string_member_with_default (l->data, "type", ""), type) == 0)
      n++;
  return n;
}

void
tc_test_ws_drain (TcTestWs *ws,
                  guint     ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < deadline)
    iterate (MAX (1, MIN (50, (guint) ((deadline - g_get_monotonic_time ()) / 1000))));
}

gboolean
tc_test_ws_is_closed (TcTestWs *ws)
{
  return ws->closed;
}

gushort
tc_test_ws_wait_closed (TcTestWs *ws,
                        guint     timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!ws->closed && g_get_monotonic_time () < deadline)
    iterate (50);
  return ws->closed ? ws->close_code : 0;
}

void
tc_test_ws_close (TcTestWs *ws)
{
  if (ws->conn != NULL && soup_websocket_connection_get_state (ws->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (ws->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  tc_test_ws_wait_closed (ws, 5000);
}

void
tc_test_ws_drop (TcTestWs *ws)
{
  GIOStream *io;

  if (ws->conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (ws->conn, ws);
  io = soup_websocket_connection_get_io_stream (ws->conn);
  g_io_stream_close (io, NULL, NULL);
  g_clear_object (&ws->conn);
  ws->closed = TRUE;
  ws->close_code = 0;
}

gint64
tc_test_ws_last_seq (TcTestWs *ws)
{
  return ws->last_seq;
}
