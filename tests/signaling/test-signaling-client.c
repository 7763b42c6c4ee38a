/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcSignalingClient against a real teleconsult-server on loopback: the whole
 * consultation flow through two clients, resume after the TCP connection is cut
 * under the patient, and the errors a person can meet when signing in. */
#include <check.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "tc-protocol.h"
#include "tc-signaling-client.h"
#include "tc-test-server.h"

#define WAIT_MS 10000

/* ------------------------------------------------------------ main loop */

static gboolean
on_deadline (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Predicate) (gpointer data);

/* Iterates the thread-default main context until @predicate holds; FALSE on timeout. */
static gboolean
run_until (Predicate predicate,
           gpointer  data,
           guint     timeout_ms)
{
  GMainContext *context = g_main_context_get_thread_default ();
  g_autoptr(GSource) deadline = g_timeout_source_new (timeout_ms);
  gboolean expired = FALSE;

  g_source_set_callback (deadline, on_deadline, &expired, NULL);
  g_source_attach (deadline, context);
  while (!predicate (data) && !expired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (deadline);
  return predicate (data);
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
spin (guint ms)
{
  gboolean never = FALSE;

  run_until (is_true, &never, ms);
}

/* ------------------------------------------------------------- recorder */

/* Every message a client delivers, in order. */
typedef struct {
  TcSignalingClient *client;
  GPtrArray         *messages;   /* JsonObject */
} Recorder;

static void
on_message (TcSignalingClient *client,
            const char        *type,
            JsonObject        *message,
            gpointer           user_data)
{
  Recorder *recorder = user_data;

  ck_assert_str_eq (type, json_object_get_string_member (message, "type"));
  g_ptr_array_add (recorder->messages, json_object_ref (message));
}

static Recorder *
recorder_new (TcSignalingClient *client)
{
  Recorder *recorder = g_new0 (Recorder, 1);

  recorder->client = client;
  recorder->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_signal_connect (client, "message", G_CALLBACK (on_message), recorder);
  return recorder;
}

static void
recorder_free (Recorder *recorder)
{
  g_signal_handlers_disconnect_by_data (recorder->client, recorder);
  g_ptr_array_unref (recorder->messages);
  g_free (recorder);
}

typedef struct {
  Recorder   *recorder;
  const char *type;
  const char *key;     /* optional: a string member that must equal value */
  const char *value;
  guint       count;   /* how many such messages */
} Want;

static guint
count_matching (Recorder   *recorder,
                const char *type,
                const char *key,
                const char *value,
                JsonObject **out_last)
{
  guint n = 0;

  for (guint i = 0; i < recorder->messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (recorder->messages, i);

      if (g_strcmp0 (json_object_get_string_member (message, "type"), type) != 0)
        continue;
      if (key != NULL && g_strcmp0 (json_object_get_string_member_with_default (message, key, NULL), value) != 0)
        continue;
      n++;
      if (out_last != NULL)
        *out_last = message;
    }
  return n;
}

static gboolean
want_met (gpointer data)
{
  Want *want = data;

  return count_matching (want->recorder, want->type, want->key, want->value, NULL) >= want->count;
}

/* Waits for the first (or @count-th) message of @type; returns the last match. */
static JsonObject *
wait_for (Recorder   *recorder,
          const char *type,
          const char *key,
          const char *value,
          guint       count)
{
  Want want = { recorder, type, key, value, count };
  JsonObject *last = NULL;

  if (!run_until (want_met, &want, WAIT_MS))
    ck_abort_msg ("timed out waiting for %u × %s (%s = %s)", count, type, key ? key : "-", value ? value : "-");
  count_matching (recorder, type, key, value, &last);
  return last;
}

/* Texts of the chat messages delivered, in order, joined with ','. */
static char *
chat_texts (Recorder *recorder)
{
  g_autoptr(GString) texts = g_string_new (NULL);

  for (guint i = 0; i < recorder->messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (recorder->messages, i);

      if (g_strcmp0 (json_object_get_string_member (message, "type"), "chat") != 0)
        continue;
      if (texts->len > 0)
        g_string_append_c (texts, ',');
      g_string_append (texts, json_object_get_string_member (message, "text"));
    }
  return g_string_free (g_steal_pointer (&texts), FALSE);
}

/* Exactly-once delivery: every delivered seq is larger than the one before. */
static void
assert_seqs_increase (Recorder *recorder)
{
  gint64 last = 0;

  for (guint i = 0; i < recorder->messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (recorder->messages, i);
      gint64 seq;

      if (!json_object_has_member (message, "seq"))
        continue;
      seq = json_object_get_int_member (message, "seq");
      ck_assert_int_gt (seq, last);
      last = seq;
    }
}

/* ------------------------------------------------------------- clients */

typedef struct {
  gboolean    done;
  GError     *error;
  JsonObject *reply;
} Result;

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Result *res = user_data;

  tc_signaling_client_connect_finish (TC_SIGNALING_CLIENT (source), result, &res->error);
  res->done = TRUE;
}

static GError *
connect_with (TcSignalingClient *client,
              JsonObject        *auth)
{
  Result res = { 0 };

  tc_signaling_client_connect_async (client, auth, NULL, on_connected, &res);
  ck_assert_msg (run_until (is_true, &res.done, 20000), "connect did not complete");
  return res.error;
}

static JsonObject *
password_auth (const char *username,
               const char *password)
{
  JsonObject *auth = json_object_new ();

  json_object_set_string_member (auth, "method", "password");
  json_object_set_string_member (auth, "username", username);
  json_object_set_string_member (auth, "password", password);
  return auth;
}

static JsonObject *
invitation_auth (const char *token,
                 const char *display_name)
{
  JsonObject *auth = json_object_new ();

  json_object_set_string_member (auth, "method", "invitation");
  json_object_set_string_member (auth, "token", token);
  json_object_set_string_member (auth, "display_name", display_name);
  return auth;
}

static TcSignalingClient *
new_client (TcTestServer *server,
            const char   *url)
{
  return tc_signaling_client_new (url ? url : server->url);
}

static TcSignalingClient *
connect_practitioner (TcTestServer *server)
{
  TcSignalingClient *client = new_client (server, NULL);
  g_autoptr(JsonObject) auth = password_auth (server->username,
                                              server->password);
  g_autoptr(GError) error = connect_with (client, auth);

  ck_assert_msg (error == NULL, "practitioner sign-in failed: %s", error ? error->message : "");
  ck_assert_int_eq (tc_signaling_client_get_state (client), TC_SIGNALING_STATE_CONNECTED);
  ck_assert_str_eq (tc_signaling_client_get_role (client), "practitioner");
  ck_assert_ptr_nonnull (tc_signaling_client_get_participant_id (client));
  return client;
}

static void
on_reply (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Result *res = user_data;
  TcSignalingClient *client = TC_SIGNALING_CLIENT (source);

  if (g_task_get_source_tag (G_TASK (result)) == tc_signaling_client_create_consultation_async)
    res->reply = tc_signaling_client_create_consultation_finish (client, result, &res->error);
  else if (g_task_get_source_tag (G_TASK (result)) == tc_signaling_client_invite_async)
    res->reply = tc_signaling_client_invite_finish (client, result, &res->error);
  else
    res->reply = tc_signaling_client_list_consultations_finish (client, result, &res->error);
  res->done = TRUE;
}

/* Returns the `consultation` reply. */
static JsonObject *
create_consultation (TcSignalingClient *practitioner)
{
  Result res = { 0 };

  tc_signaling_client_create_consultation_async (practitioner, "Follow-up", NULL, 0, NULL, on_reply, &res);
  ck_assert (run_until (is_true, &res.done, WAIT_MS));
  ck_assert_msg (res.reply != NULL, "create-consultation failed: %s", res.error ? res.error->message : "");
  ck_assert_str_eq (json_object_get_string_member (res.reply, "type"), "consultation");
  ck_assert_str_eq (json_object_get_string_member (res.reply, "state"), "open");
  ck_assert (json_object_has_member (res.reply, "invitation"));
  return res.reply;
}

static const char *
invitation_token (JsonObject *consultation)
{
  return json_object_get_string_member (json_object_get_object_member (consultation, "invitation"), "token");
}

/* A patient joined through @url and admitted by @practitioner. */
typedef struct {
  TcTestServer      *server;
  TcSignalingClient *practitioner;
  TcSignalingClient *patient;
  Recorder          *prac_rec;
  Recorder          *pat_rec;
  JsonObject        *consultation;
  const char        *consultation_id;
} Call;

static void
call_setup (Call       *call,
            const char *patient_url)
{
  g_autoptr(JsonObject) auth = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *waiting_room, *entry, *admitted;
  JsonArray *entries;
  const char *patient_id, *practitioner_id;

  call->practitioner = connect_practitioner (call->server);
  call->prac_rec = recorder_new (call->practitioner);
  call->consultation = create_consultation (call->practitioner);
  call->consultation_id = json_object_get_string_member (call->consultation, "consultation_id");

  call->patient = new_client (call->server, patient_url);
  call->pat_rec = recorder_new (call->patient);
  auth = invitation_auth (invitation_token (call->consultation), "Alice");
  error = connect_with (call->patient, auth);
  ck_assert_msg (error == NULL, "patient join failed: %s", error ? error->message : "");
  ck_assert_int_eq (tc_signaling_client_get_state (call->patient), TC_SIGNALING_STATE_CONNECTED);
  ck_assert_str_eq (tc_signaling_client_get_role (call->patient), "patient");
  ck_assert_str_eq (tc_signaling_client_get_display_name (call->patient), "Alice");
  ck_assert_str_eq (tc_signaling_client_get_consultation_id (call->patient), call->consultation_id);
  patient_id = tc_signaling_client_get_participant_id (call->patient);
  practitioner_id = tc_signaling_client_get_participant_id (call->practitioner);
  ck_assert_str_ne (patient_id, practitioner_id);

  wait_for (call->pat_rec, "waiting", "consultation_id", call->consultation_id, 1);

  /* The practitioner's waiting room lists the patient. */
  for (guint n = 1;; n++)
    {
      waiting_room = wait_for (call->prac_rec, "waiting-room", "consultation_id", call->consultation_id, n);
      entries = json_object_get_array_member (waiting_room, "entries");
      if (json_array_get_length (entries) > 0)
        break;
    }
  ck_assert_int_eq (json_array_get_length (entries), 1);
  entry = json_array_get_object_element (entries, 0);
  ck_assert_str_eq (json_object_get_string_member (entry, "participant_id"), patient_id);
  ck_assert_str_eq (json_object_get_string_member (entry, "display_name"), "Alice");
  ck_assert_str_eq (json_object_get_string_member (entry, "role"), "patient");

  tc_signaling_client_admit (call->practitioner, call->consultation_id, patient_id);
  admitted = wait_for (call->pat_rec, "admitted", NULL, NULL, 1);
  ck_assert_str_eq (json_object_get_string_member (json_object_get_object_member (admitted, "peer"),
                                                   "participant_id"), practitioner_id);
  ck_assert (json_object_has_member (admitted, "ice_servers"));
  ck_assert_ptr_nonnull (json_object_get_array_member (admitted, "ice_servers"));
  admitted = wait_for (call->prac_rec, "admitted", NULL, NULL, 1);
  ck_assert_str_eq (json_object_get_string_member (json_object_get_object_member (admitted, "peer"),
                                                   "participant_id"), patient_id);
  ck_assert_ptr_nonnull (json_object_get_array_member (admitted, "ice_servers"));
  /* Exactly one of the two is polite (perfect negotiation). */
  ck_assert (json_object_get_boolean_member (admitted, "polite") !=
             json_object_get_boolean_member (wait_for (call->pat_rec, "admitted", NULL, NULL, 1), "polite"));
}

static gboolean
client_finalized (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Drops the last reference and checks that nothing kept the client alive. */
static void
unref_and_check (TcSignalingClient *client)
{
  gpointer weak = client;

  g_object_add_weak_pointer (G_OBJECT (client), &weak);
  g_object_unref (client);
  ck_assert_msg (run_until (client_finalized, &weak, WAIT_MS), "the client was not finalized");
}

static void
call_teardown (Call *call)
{
  recorder_free (call->prac_rec);
  recorder_free (call->pat_rec);
  tc_signaling_client_close (call->patient);
  tc_signaling_client_close (call->practitioner);
  ck_assert_int_eq (tc_signaling_client_get_state (call->patient), TC_SIGNALING_STATE_CLOSED);
  ck_assert_int_eq (tc_signaling_client_get_state (call->practitioner), TC_SIGNALING_STATE_CLOSED);
  unref_and_check (call->patient);
  unref_and_check (call->practitioner);
  json_object_unref (call->consultation);
}

/* ---------------------------------------------------------------- tests */

#define OFFER "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
#define ANSWER "v=0\r\no=- 1234 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
#define CANDIDATE "candidate:1 1 UDP 2122252543 127.0.0.1 40000 typ host"

START_TEST (test_full_flow)
{
  g_autoptr(GError) error = NULL;
  Call call = { 0 };
  JsonObject *message, *candidate;
  const char *patient_id, *practitioner_id;

  call.server = tc_test_server_new (NULL, &error);
  ck_assert_msg (call.server != NULL, "%s", error ? error->message : "");
  call_setup (&call, NULL);
  patient_id = tc_signaling_client_get_participant_id (call.patient);
  practitioner_id = tc_signaling_client_get_participant_id (call.practitioner);

  /* SDP both ways, relayed with `from`. */
  tc_signaling_client_send_sdp (call.practitioner, patient_id, "offer", OFFER);
  message = wait_for (call.pat_rec, "sdp", "from", practitioner_id, 1);
  ck_assert_str_eq (json_object_get_string_member (json_object_get_object_member (message, "description"), "type"), "offer");
  ck_assert_str_eq (json_object_get_string_member (json_object_get_object_member (message, "description"), "sdp"), OFFER);
  tc_signaling_client_send_sdp (call.patient, practitioner_id, "answer", ANSWER);
  message = wait_for (call.prac_rec, "sdp", "from", patient_id, 1);
  ck_assert_str_eq (json_object_get_string_member (json_object_get_object_member (message, "description"), "sdp"), ANSWER);

  /* Trickle ICE both ways, end of candidates included. */
  tc_signaling_client_send_ice (call.practitioner, patient_id, CANDIDATE, "0", 0);
  tc_signaling_client_send_ice (call.practitioner, patient_id, "", NULL, 0);
  tc_signaling_client_send_ice (call.patient, practitioner_id, CANDIDATE, "0", -1);
  message = wait_for (call.pat_rec, "ice", "from", practitioner_id, 2);
  ck_assert_str_eq (json_object_get_string_member (json_object_get_object_member (message, "candidate"), "candidate"), "");
  message = wait_for (call.prac_rec, "ice", "from", patient_id, 1);
  candidate = json_object_get_object_member (message, "candidate");
  ck_assert_str_eq (json_object_get_string_member (candidate, "candidate"), CANDIDATE);
  ck_assert_str_eq (json_object_get_string_member (candidate, "sdpMid"), "0");
  ck_assert (!json_object_has_member (candidate, "sdpMLineIndex"));

  /* Chat reaches both, the sender included. */
  ck_assert (tc_signaling_client_send_chat (call.patient, "Bonjour docteur", &error));
  message = wait_for (call.prac_rec, "chat", "from", patient_id, 1);
  ck_assert_str_eq (json_object_get_string_member (message, "text"), "Bonjour docteur");
  ck_assert_str_eq (json_object_get_string_member (message, "display_name"), "Alice");
  ck_assert (json_object_has_member (message, "id"));
  wait_for (call.pat_rec, "chat", "from", patient_id, 1);

  /* A chat text the protocol refuses fails at once, and nothing is sent. */
  {
    g_autofree char *too_long = g_strnfill (4001, 'a');

    ck_assert (!tc_signaling_client_send_chat (call.patient, too_long, &error));
    ck_assert_msg (g_error_matches (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_MESSAGE), "%s", error->message);
    g_clear_error (&error);
    ck_assert (!tc_signaling_client_send_chat (call.patient, "", &error));
    g_clear_error (&error);
  }

  /* End: the patient is told, and its client closes without an error. */
  tc_signaling_client_end (call.practitioner, call.consultation_id);
  wait_for (call.pat_rec, "consultation-ended", "consultation_id", call.consultation_id, 1);
  ck_assert_int_eq (tc_signaling_client_get_state (call.patient), TC_SIGNALING_STATE_CLOSED);
  ck_assert_ptr_null (tc_signaling_client_get_close_error (call.patient));
  /* The practitioner stays signed in. */
  wait_for (call.prac_rec, "consultation-ended", "consultation_id", call.consultation_id, 1);
  spin (200);
  ck_assert_int_eq (tc_signaling_client_get_state (call.practitioner), TC_SIGNALING_STATE_CONNECTED);

  assert_seqs_increase (call.pat_rec);
  assert_seqs_increase (call.prac_rec);
  ck_assert (!tc_signaling_client_send_chat (call.patient, "too late", &error));
  g_clear_error (&error);

  call_teardown (&call);
  tc_test_server_free (call.server);
}
END_TEST

/* ----------------------------------------------------------- TCP proxy */

/* A loopback TCP relay in front of the server: cutting it drops the patient's
 * connection the way a network does, under the client and under the server. */
typedef struct {
  GSocketService *service;
  guint16         port;
  guint16         target_port;
  gboolean        refusing;
  GPtrArray      *sockets;   /* GSocketConnection, both sides of every pipe */
  guint           accepted;
} Proxy;

static void
on_spliced (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_io_stream_splice_finish (result, NULL);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *downstream,
             GObject           *source_object,
             gpointer           user_data)
{
  Proxy *proxy = user_data;
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GSocketConnection) upstream = NULL;
  g_autoptr(GError) error = NULL;

  proxy->accepted++;
  if (proxy->refusing)
    {
      g_io_stream_close (G_IO_STREAM (downstream), NULL, NULL);
      return TRUE;
    }
  /* Loopback: the connect completes at once. */
  upstream = g_socket_client_connect_to_host (socket_client, "127.0.0.1", proxy->target_port, NULL, &error);
  if (upstream == NULL)
    {
      /* The server is down: so is the path through us. */
      g_io_stream_close (G_IO_STREAM (downstream), NULL, NULL);
      return TRUE;
    }
  g_ptr_array_add (proxy->sockets, g_object_ref (downstream));
  g_ptr_array_add (proxy->sockets, g_object_ref (upstream));
  g_io_stream_splice_async (G_IO_STREAM (downstream), G_IO_STREAM (upstream),
                            G_IO_STREAM_SPLICE_CLOSE_STREAM1 | G_IO_STREAM_SPLICE_CLOSE_STREAM2,
                            G_PRIORITY_DEFAULT, NULL, on_spliced, NULL);
  return TRUE;
}

static Proxy *
proxy_new (guint16 target_port)
{
  Proxy *proxy = g_new0 (Proxy, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  proxy->target_port = target_port;
  proxy->sockets = g_ptr_array_new_with_free_func (g_object_unref);
  proxy->service = g_socket_service_new ();
  ck_assert (g_socket_listener_add_address (G_SOCKET_LISTENER (proxy->service), address,
                                            G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                            NULL, &bound, &error));
  proxy->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (proxy->service, "incoming", G_CALLBACK (on_incoming), proxy);
  g_socket_service_start (proxy->service);
  return proxy;
}

/* Shuts every relayed socket both ways: each peer reads end-of-stream. */
static void
proxy_cut (Proxy *proxy)
{
  for (guint i = 0; i < proxy->sockets->len; i++)
    {
      GSocket *socket = g_socket_connection_get_socket (g_ptr_array_index (proxy->sockets, i));

      g_socket_shutdown (socket, TRUE, TRUE, NULL);
    }
  g_ptr_array_set_size (proxy->sockets, 0);
}

static void
proxy_free (Proxy *proxy)
{
  proxy_cut (proxy);
  g_socket_service_stop (proxy->service);
  g_socket_listener_close (G_SOCKET_LISTENER (proxy->service));
  g_signal_handlers_disconnect_by_data (proxy->service, proxy);
  g_object_unref (proxy->service);
  g_ptr_array_unref (proxy->sockets);
  g_free (proxy);
}

static char *
url_with_port (const char *url,
               guint16     port)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) other = NULL;

  ck_assert_ptr_nonnull (uri);
  other = g_uri_build (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri), port,
                       g_uri_get_path (uri), NULL, NULL);
  return g_uri_to_string (other);
}

static guint16
url_port (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return (guint16) g_uri_get_port (uri);
}

typedef struct {
  TcSignalingClient *client;
  TcSignalingState   state;
} StateWant;

static gboolean
state_reached (gpointer data)
{
  StateWant *want = data;

  return tc_signaling_client_get_state (want->client) == want->state;
}

static void
wait_state (TcSignalingClient *client,
            TcSignalingState   state)
{
  StateWant want = { client, state };

  ck_assert_msg (run_until (state_reached, &want, WAIT_MS), "state %d never reached (now %d)",
                 state, tc_signaling_client_get_state (client));
}

typedef struct {
  guint reconnecting;
  guint connected;
} StateLog;

static void
on_state (TcSignalingClient *client,
          GParamSpec        *pspec,
          gpointer           user_data)
{
  StateLog *log = user_data;

  if (tc_signaling_client_get_state (client) == TC_SIGNALING_STATE_RECONNECTING)
    log->reconnecting++;
  else if (tc_signaling_client_get_state (client) == TC_SIGNALING_STATE_CONNECTED)
    log->connected++;
}

START_TEST (test_resume_after_cut)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *patient_url = NULL;
  g_autofree char *patient_id = NULL;
  g_autofree char *pat_chats = NULL;
  g_autofree char *prac_chats = NULL;
  const char *practitioner_id;
  Call call = { 0 };
  StateLog log = { 0 };
  Proxy *proxy;
  guint before_cut;
  gint64 t0;

  call.server = tc_test_server_new (NULL, &error);
  ck_assert_msg (call.server != NULL, "%s", error ? error->message : "");
  proxy = proxy_new (url_port (call.server->url));
  patient_url = url_with_port (call.server->url, proxy->port);
  call_setup (&call, patient_url);
  tc_signaling_client_set_reconnect_delays (call.patient, 50, 400);
  patient_id = g_strdup (tc_signaling_client_get_participant_id (call.patient));
  practitioner_id = tc_signaling_client_get_participant_id (call.practitioner);
  g_signal_connect (call.patient, "notify::state", G_CALLBACK (on_state), &log);

  ck_assert (tc_signaling_client_send_chat (call.patient, "p0", NULL));
  wait_for (call.prac_rec, "chat", "text", "p0", 1);
  wait_for (call.pat_rec, "chat", "text", "p0", 1);

  /* The network goes: no way through until it comes back. */
  proxy->refusing = TRUE;
  before_cut = proxy->accepted;
  proxy_cut (proxy);
  wait_state (call.patient, TC_SIGNALING_STATE_RECONNECTING);
  wait_for (call.prac_rec, "presence", "state", "reconnecting", 1);

  /* Both sides talk meanwhile: the patient's messages wait in its queue, the
   * practitioner's are kept by the server. */
  for (guint i = 1; i <= 5; i++)
    {
      g_autofree char *p = g_strdup_printf ("p%u", i);
      g_autofree char *d = g_strdup_printf ("d%u", i);

      ck_assert (tc_signaling_client_send_chat (call.practitioner, d, NULL));
      ck_assert (tc_signaling_client_send_chat (call.patient, p, NULL));
    }
  tc_signaling_client_send_ice (call.practitioner, patient_id, CANDIDATE, "0", 0);
  tc_signaling_client_send_ice (call.patient, practitioner_id, CANDIDATE, "0", 0);
  wait_for (call.prac_rec, "chat", "text", "d5", 1);
  /* The client keeps trying while the network is down. */
  t0 = g_get_monotonic_time ();
  while (proxy->accepted < before_cut + 2 && g_get_monotonic_time () - t0 < 5 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  ck_assert_uint_ge (proxy->accepted, before_cut + 2);
  ck_assert_int_eq (tc_signaling_client_get_state (call.patient), TC_SIGNALING_STATE_RECONNECTING);

  /* The network returns: the same participant resumes and everything arrives once, in order. */
  proxy->refusing = FALSE;
  t0 = g_get_monotonic_time ();
  wait_state (call.patient, TC_SIGNALING_STATE_CONNECTED);
  g_print ("signaling-client: resumed %" G_GINT64_FORMAT " ms after the network returned (backoff 50-400 ms)\n",
           (g_get_monotonic_time () - t0) / 1000);
  ck_assert_str_eq (tc_signaling_client_get_participant_id (call.patient), patient_id);
  ck_assert_uint_eq (log.reconnecting, 1);
  ck_assert_uint_eq (log.connected, 1);
  wait_for (call.prac_rec, "presence", "state", "back", 1);

  wait_for (call.prac_rec, "chat", "text", "p5", 1);
  wait_for (call.pat_rec, "chat", "text", "p5", 1);
  wait_for (call.pat_rec, "ice", "from", practitioner_id, 1);
  wait_for (call.prac_rec, "ice", "from", patient_id, 1);
  spin (300);   /* any duplicate would arrive now */

  pat_chats = chat_texts (call.pat_rec);
  prac_chats = chat_texts (call.prac_rec);
  ck_assert_str_eq (pat_chats, "p0,d1,d2,d3,d4,d5,p1,p2,p3,p4,p5");
  ck_assert_str_eq (prac_chats, "p0,d1,d2,d3,d4,d5,p1,p2,p3,p4,p5");
  ck_assert_uint_eq (count_matching (call.pat_rec, "ice", NULL, NULL, NULL), 1);
  ck_assert_uint_eq (count_matching (call.prac_rec, "ice", NULL, NULL, NULL), 1);
  assert_seqs_increase (call.pat_rec);
  assert_seqs_increase (call.prac_rec);

  /* Still a working call afterwards. */
  tc_signaling_client_send_sdp (call.practitioner, patient_id, "offer", OFFER);
  wait_for (call.pat_rec, "sdp", "from", practitioner_id, 1);

  call_teardown (&call);
  proxy_free (proxy);
  tc_test_server_free (call.server);
}
END_TEST

/* The consultation ends while the patient is away: resuming is refused, and the
 * client closes with an error the application can show. */
START_TEST (test_resume_refused)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *patient_url = NULL;
  const GError *close_error;
  Call call = { 0 };
  Proxy *proxy;

  call.server = tc_test_server_new (NULL, &error);
  ck_assert_msg (call.server != NULL, "%s", error ? error->message : "");
  proxy = proxy_new (url_port (call.server->url));
  patient_url = url_with_port (call.server->url, proxy->port);
  call_setup (&call, patient_url);
  tc_signaling_client_set_reconnect_delays (call.patient, 50, 200);

  proxy->refusing = TRUE;
  proxy_cut (proxy);
  wait_state (call.patient, TC_SIGNALING_STATE_RECONNECTING);
  wait_for (call.prac_rec, "presence", "state", "reconnecting", 1);
  ck_assert (tc_signaling_client_send_chat (call.patient, "queued", NULL));

  tc_signaling_client_end (call.practitioner, call.consultation_id);
  wait_for (call.prac_rec, "consultation-ended", NULL, NULL, 1);
  proxy->refusing = FALSE;

  wait_state (call.patient, TC_SIGNALING_STATE_CLOSED);
  close_error = tc_signaling_client_get_close_error (call.patient);
  ck_assert_ptr_nonnull (close_error);
  ck_assert_msg (close_error->domain == TC_PROTOCOL_ERROR, "%s", close_error->message);
  ck_assert_msg (close_error->code == TC_PROTOCOL_ERROR_CONSULTATION_ENDED ||
                 close_error->code == TC_PROTOCOL_ERROR_INVALID_TOKEN ||
                 close_error->code == TC_PROTOCOL_ERROR_EXPIRED_TOKEN, "%s", close_error->message);
  ck_assert_uint_eq (count_matching (call.prac_rec, "chat", NULL, NULL, NULL), 0);

  call_teardown (&call);
  proxy_free (proxy);
  tc_test_server_free (call.server);
}
END_TEST

START_TEST (test_bad_credentials)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestServer) server = tc_test_server_new (NULL, &error);
  TcSignalingClient *client;
  g_autoptr(JsonObject) wrong = NULL;
  g_autoptr(JsonObject) unknown = NULL;

  ck_assert_msg (server != NULL, "%s", error ? error->message : "");
  client = new_client (server, NULL);

  wrong = password_auth (server->username, "not the password");
  error = connect_with (client, wrong);
  ck_assert_msg (g_error_matches (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_CREDENTIALS),
                 "%s", error ? error->message : "no error");
  ck_assert_int_eq (tc_signaling_client_get_state (client), TC_SIGNALING_STATE_DISCONNECTED);
  ck_assert_ptr_null (tc_signaling_client_get_participant_id (client));
  g_clear_error (&error);

  /* An unknown user gets the same answer. */
  unknown = password_auth ("nobody-here", "whatever");
  error = connect_with (client, unknown);
  ck_assert_msg (g_error_matches (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_CREDENTIALS),
                 "%s", error ? error->message : "no error");
  g_clear_error (&error);

  unref_and_check (client);
}
END_TEST

START_TEST (test_invalid_invitation)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestServer) server = tc_test_server_new (NULL, &error);
  TcSignalingClient *client;
  g_autoptr(JsonObject) garbage = NULL;

  ck_assert_msg (server != NULL, "%s", error ? error->message : "");
  client = new_client (server, NULL);

  /* Well-formed (43 base64url characters) but issued by nobody. */
  garbage = invitation_auth ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Mallory");
  error = connect_with (client, garbage);
  ck_assert_msg (g_error_matches (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_INVALID_TOKEN),
                 "%s", error ? error->message : "no error");
  ck_assert_int_eq (tc_signaling_client_get_state (client), TC_SIGNALING_STATE_DISCONNECTED);

  unref_and_check (client);
}
END_TEST

/* An invitation of a consultation that has ended is refused. */
START_TEST (test_ended_invitation)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestServer) server = tc_test_server_new (NULL, &error);
  TcSignalingClient *practitioner, *patient;
  g_autoptr(JsonObject) consultation = NULL;
  g_autoptr(JsonObject) auth = NULL;
  Recorder *rec;

  ck_assert_msg (server != NULL, "%s", error ? error->message : "");
  practitioner = connect_practitioner (server);
  rec = recorder_new (practitioner);
  consultation = create_consultation (practitioner);
  tc_signaling_client_end (practitioner, json_object_get_string_member (consultation, "consultation_id"));
  wait_for (rec, "consultation-ended", NULL, NULL, 1);

  patient = new_client (server, NULL);
  auth = invitation_auth (invitation_token (consultation), "Alice");
  error = connect_with (patient, auth);
  ck_assert_msg (g_error_matches (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_CONSULTATION_ENDED) ||
                 g_error_matches (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_INVALID_TOKEN),
                 "%s", error ? error->message : "no error");

  recorder_free (rec);
  tc_signaling_client_close (practitioner);
  unref_and_check (patient);
  unref_and_check (practitioner);
}
END_TEST

/* Requests are matched to their replies by rid; a refused one fails with the
 * server's code. */
START_TEST (test_requests)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestServer) server = tc_test_server_new (NULL, &error);
  g_autoptr(JsonObject) first = NULL;
  TcSignalingClient *practitioner;
  Result invite = { 0 }, bad = { 0 }, list = { 0 };
  const char *id;

  ck_assert_msg (server != NULL, "%s", error ? error->message : "");
  practitioner = connect_practitioner (server);
  first = create_consultation (practitioner);
  id = json_object_get_string_member (first, "consultation_id");

  /* Three requests in flight at once. */
  tc_signaling_client_invite_async (practitioner, id, 3600, NULL, on_reply, &invite);
  tc_signaling_client_invite_async (practitioner, "no-such-consultation", 0, NULL, on_reply, &bad);
  tc_signaling_client_list_consultations_async (practitioner, NULL, on_reply, &list);
  ck_assert (run_until (is_true, &invite.done, WAIT_MS));
  ck_assert (run_until (is_true, &bad.done, WAIT_MS));
  ck_assert (run_until (is_true, &list.done, WAIT_MS));

  ck_assert_msg (invite.reply != NULL, "%s", invite.error ? invite.error->message : "");
  ck_assert_str_eq (json_object_get_string_member (invite.reply, "consultation_id"), id);
  ck_assert_str_ne (invitation_token (invite.reply), invitation_token (first));
  ck_assert_ptr_null (bad.reply);
  ck_assert_msg (g_error_matches (bad.error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_NOT_FOUND),
                 "%s", bad.error ? bad.error->message : "no error");
  ck_assert_msg (list.reply != NULL, "%s", list.error ? list.error->message : "");
  ck_assert_str_eq (json_object_get_string_member (list.reply, "type"), "consultations");
  ck_assert_int_eq (json_array_get_length (json_object_get_array_member (list.reply, "items")), 1);

  /* Round trip measured by ping. */
  tc_signaling_client_ping (practitioner);
  {
    gint64 t0 = g_get_monotonic_time ();

    while (tc_signaling_client_get_rtt (practitioner) < 0 && g_get_monotonic_time () - t0 < 5 * G_USEC_PER_SEC)
      g_main_context_iteration (NULL, TRUE);
  }
  ck_assert_int_ge (tc_signaling_client_get_rtt (practitioner), 0);
  g_print ("signaling-client: application ping round trip %d ms on loopback\n",
           tc_signaling_client_get_rtt (practitioner));

  g_clear_pointer (&invite.reply, json_object_unref);
  g_clear_pointer (&list.reply, json_object_unref);
  g_clear_error (&bad.error);
  tc_signaling_client_close (practitioner);
  ck_assert_int_eq (tc_signaling_client_get_state (practitioner), TC_SIGNALING_STATE_CLOSED);
  unref_and_check (practitioner);
}
END_TEST

/* No server needed: transport failures are GIOErrors and leave the client reusable. */
START_TEST (test_transport_errors)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) auth = password_auth ("someone", "secret");
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autofree char *url = NULL;
  TcSignalingClient *client;
  guint16 port;

  /* A port that was just free: nobody listens there. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  ck_assert_msg (port != 0, "%s", error ? error->message : "");
  g_socket_listener_close (listener);
  url = g_strdup_printf ("ws://127.0.0.1:%u/ws", port);

  client = tc_signaling_client_new (url);
  error = connect_with (client, auth);
  ck_assert_msg (error != NULL && error->domain == G_IO_ERROR, "%s", error ? error->message : "no error");
  ck_assert_int_eq (tc_signaling_client_get_state (client), TC_SIGNALING_STATE_DISCONNECTED);
  g_clear_error (&error);
  /* The client can try again. */
  error = connect_with (client, auth);
  ck_assert (error != NULL && error->domain == G_IO_ERROR);
  g_clear_error (&error);
  unref_and_check (client);

  client = tc_signaling_client_new ("http://127.0.0.1/ws");
  error = connect_with (client, auth);
  ck_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT));
  g_clear_error (&error);
  tc_signaling_client_close (client);
  ck_assert_int_eq (tc_signaling_client_get_state (client), TC_SIGNALING_STATE_CLOSED);
  unref_and_check (client);
}
END_TEST

/* The patient is away longer than the server's grace: the resume is refused as
 * expired, and the client closes with an error the application can show. */
START_TEST (test_resume_grace_expired)
{
  static const char *const args[] = { "--reconnect-grace", "1", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *patient_url = NULL;
  const GError *close_error;
  Call call = { 0 };
  Proxy *proxy;

  call.server = tc_test_server_new (args, &error);
  ck_assert_msg (call.server != NULL, "%s", error ? error->message : "");
  proxy = proxy_new (url_port (call.server->url));
  patient_url = url_with_port (call.server->url, proxy->port);
  call_setup (&call, patient_url);
  tc_signaling_client_set_reconnect_delays (call.patient, 50, 200);

  proxy->refusing = TRUE;
  proxy_cut (proxy);
  wait_state (call.patient, TC_SIGNALING_STATE_RECONNECTING);
  wait_for (call.prac_rec, "presence", "state", "left", 1);
  proxy->refusing = FALSE;

  wait_state (call.patient, TC_SIGNALING_STATE_CLOSED);
  close_error = tc_signaling_client_get_close_error (call.patient);
  ck_assert_ptr_nonnull (close_error);
  ck_assert_msg (g_error_matches (close_error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_EXPIRED_TOKEN),
                 "%s", close_error->message);

  call_teardown (&call);
  proxy_free (proxy);
  tc_test_server_free (call.server);
}
END_TEST

/* The server restarts: its "going away" (1001) is not final, so the client
 * retries through the outage; the new server does not know the old session. */
START_TEST (test_server_restart)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestServer) server = tc_test_server_new (NULL, &error);
  g_autofree char *url = NULL;
  g_autoptr(JsonObject) auth = NULL;
  TcSignalingClient *client;
  StateLog log = { 0 };
  const GError *close_error;
  Proxy *proxy;
  guint before;
  gint64 t0;

  ck_assert_msg (server != NULL, "%s", error ? error->message : "");
  proxy = proxy_new (url_port (server->url));
  url = url_with_port (server->url, proxy->port);
  client = tc_signaling_client_new (url);
  tc_signaling_client_set_reconnect_delays (client, 50, 200);
  auth = password_auth (server->username, server->password);
  error = connect_with (client, auth);
  ck_assert_msg (error == NULL, "%s", error ? error->message : "");
  g_signal_connect (client, "notify::state", G_CALLBACK (on_state), &log);

  tc_test_server_stop (server);
  wait_state (client, TC_SIGNALING_STATE_RECONNECTING);
  /* While nothing listens, the client keeps trying. */
  before = proxy->accepted;
  t0 = g_get_monotonic_time ();
  while (proxy->accepted < before + 2 && g_get_monotonic_time () - t0 < 5 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  ck_assert_uint_ge (proxy->accepted, before + 2);
  ck_assert_int_eq (tc_signaling_client_get_state (client), TC_SIGNALING_STATE_RECONNECTING);

  ck_assert_msg (tc_test_server_start (server, &error), "%s", error ? error->message : "");
  proxy->target_port = url_port (server->url);
  wait_state (client, TC_SIGNALING_STATE_CLOSED);
  close_error = tc_signaling_client_get_close_error (client);
  ck_assert_ptr_nonnull (close_error);
  ck_assert_msg (g_error_matches (close_error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_INVALID_TOKEN),
                 "%s", close_error->message);
  ck_assert_uint_eq (log.reconnecting, 1);
  ck_assert_uint_eq (log.connected, 0);

  unref_and_check (client);
  proxy_free (proxy);
}
END_TEST

/* A burst larger than the server's rate limit (burst 100) is paced, not refused:
 * every message arrives, in order, and no rate-limited error comes back. */
START_TEST (test_send_pacing)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *received = NULL;
  Call call = { 0 };
  gint64 t0;

  call.server = tc_test_server_new (NULL, &error);
  ck_assert_msg (call.server != NULL, "%s", error ? error->message : "");
  call_setup (&call, NULL);

  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < 150; i++)
    {
      g_autofree char *text = g_strdup_printf ("m%u", i);

      ck_assert (tc_signaling_client_send_chat (call.patient, text, NULL));
      g_string_append_printf (expected, "%s%s", i ? "," : "", text);
    }
  wait_for (call.prac_rec, "chat", "text", "m149", 1);
  g_print ("signaling-client: 150 chats delivered in %" G_GINT64_FORMAT " ms (paced at 40/s after a burst of 80)\n",
           (g_get_monotonic_time () - t0) / 1000);
  received = chat_texts (call.prac_rec);
  ck_assert_str_eq (received, expected->str);
  spin (200);
  ck_assert_uint_eq (count_matching (call.pat_rec, "error", NULL, NULL, NULL), 0);

  call_teardown (&call);
  tc_test_server_free (call.server);
}
END_TEST

/* wss with a throwaway self-signed certificate: refused unless trusted. */
START_TEST (test_tls)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tc-client-tls-XXXXXX", &error);
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autoptr(TcTestServer) server = NULL;
  g_autoptr(JsonObject) auth = NULL;
  TcSignalingClient *client;
  int status = -1;

  ck_assert_msg (dir != NULL, "%s", error ? error->message : "");
  cert = g_build_filename (dir, "cert.pem", NULL);
  key = g_build_filename (dir, "key.pem", NULL);
  {
    const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                           "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                           "-keyout", key, "-out", cert, NULL };

    ck_assert_msg (g_spawn_sync (NULL, (char **) argv, NULL,
                                 G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, NULL, NULL, &status, &error), "%s", error ? error->message : "");
    ck_assert (g_spawn_check_wait_status (status, NULL));
  }
  {
    const char *args[] = { "--tls-cert", cert, "--tls-key", key, NULL };

    server = tc_test_server_new (args, &error);
    ck_assert_msg (server != NULL, "%s", error ? error->message : "");
  }
  ck_assert (g_str_has_prefix (server->url, "wss://"));
  auth = password_auth (server->username, server->password);

  /* Not trusted by default. */
  client = tc_signaling_client_new (server->url);
  error = connect_with (client, auth);
  ck_assert_msg (error != NULL && error->domain == G_TLS_ERROR, "%s", error ? error->message : "no error");
  ck_assert_int_eq (tc_signaling_client_get_state (client), TC_SIGNALING_STATE_DISCONNECTED);
  g_clear_error (&error);

  /* Trusted: the same client signs in. */
  ck_assert (tc_signaling_client_trust_certificate_file (client, cert, &error));
  error = connect_with (client, auth);
  ck_assert_msg (error == NULL, "%s", error ? error->message : "");
  ck_assert_int_eq (tc_signaling_client_get_state (client), TC_SIGNALING_STATE_CONNECTED);
  tc_signaling_client_close (client);
  unref_and_check (client);

  /* Explicit opt-in accepts it too. */
  client = tc_signaling_client_new (server->url);
  g_object_set (client, "accept-invalid-cert", TRUE, NULL);
  error = connect_with (client, auth);
  ck_assert_msg (error == NULL, "%s", error ? error->message : "");
  tc_signaling_client_close (client);
  unref_and_check (client);

  g_clear_pointer (&server, tc_test_server_free);
  g_unlink (cert);
  g_unlink (key);
  g_rmdir (dir);
}
END_TEST

static gboolean
rtt_known (gpointer data)
{
  return tc_signaling_client_get_rtt (data) >= 0;
}

/* A server that stops answering (SIGSTOP: the TCP connection stays up) is
 * noticed by the application pings, and the session resumes once it answers. */
START_TEST (test_silent_server)
{
  g_autoptr(GError) error = NULL;
  Call call = { 0 };
  StateLog log = { 0 };
  const char *patient_id;

  call.server = tc_test_server_new (NULL, &error);
  ck_assert_msg (call.server != NULL, "%s", error ? error->message : "");
  call_setup (&call, NULL);
  patient_id = tc_signaling_client_get_participant_id (call.patient);
  tc_signaling_client_set_ping_interval (call.patient, 200);
  tc_signaling_client_set_reconnect_delays (call.patient, 50, 200);
  g_signal_connect (call.patient, "notify::state", G_CALLBACK (on_state), &log);

  g_subprocess_send_signal (call.server->process, SIGSTOP);
  wait_state (call.patient, TC_SIGNALING_STATE_RECONNECTING);
  ck_assert (tc_signaling_client_send_chat (call.patient, "still there?", NULL));
  spin (300);
  g_subprocess_send_signal (call.server->process, SIGCONT);

  wait_state (call.patient, TC_SIGNALING_STATE_CONNECTED);
  ck_assert_str_eq (tc_signaling_client_get_participant_id (call.patient), patient_id);
  ck_assert_uint_eq (log.reconnecting, 1);
  wait_for (call.prac_rec, "chat", "text", "still there?", 1);
  wait_for (call.pat_rec, "chat", "text", "still there?", 1);
  ck_assert (run_until (rtt_known, call.patient, 2000));
  spin (300);
  ck_assert_uint_eq (count_matching (call.pat_rec, "chat", NULL, NULL, NULL), 1);
  assert_seqs_increase (call.pat_rec);

  call_teardown (&call);
  tc_test_server_free (call.server);
}
END_TEST

/* Cancelling or closing during the WebSocket handshake ends the attempt at once. */
START_TEST (test_cancel_connect)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(JsonObject) auth = password_auth ("someone", "secret");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *url = NULL;
  TcSignalingClient *client;
  Result res = { 0 };
  guint16 port;

  /* Listens, never answers: the handshake hangs. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  ck_assert_msg (port != 0, "%s", error ? error->message : "");
  url = g_strdup_printf ("ws://127.0.0.1:%u/ws", port);
  client = tc_signaling_client_new (url);

  tc_signaling_client_connect_async (client, auth, cancellable, on_connected, &res);
  ck_assert_int_eq (tc_signaling_client_get_state (client), TC_SIGNALING_STATE_CONNECTING);
  spin (100);
  g_cancellable_cancel (cancellable);
  ck_assert (run_until (is_true, &res.done, 2000));
  ck_assert_msg (g_error_matches (res.error, G_IO_ERROR, G_IO_ERROR_CANCELLED), "%s",
                 res.error ? res.error->message : "no error");
  ck_assert_int_eq (tc_signaling_client_get_state (client), TC_SIGNALING_STATE_DISCONNECTED);
  g_clear_error (&res.error);

  res.done = FALSE;
  tc_signaling_client_connect_async (client, auth, NULL, on_connected, &res);
  spin (100);
  tc_signaling_client_close (client);
  ck_assert (run_until (is_true, &res.done, 2000));
  ck_assert (g_error_matches (res.error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  ck_assert_int_eq (tc_signaling_client_get_state (client), TC_SIGNALING_STATE_CLOSED);
  g_clear_error (&res.error);

  unref_and_check (client);
}
END_TEST

static gpointer
client_in_own_context (gpointer data)
{
  TcTestServer *server = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(JsonObject) consultation = NULL;
  TcSignalingClient *client;

  g_main_context_push_thread_default (context);
  client = connect_practitioner (server);
  consultation = create_consultation (client);
  /* Only the periodic ping (a timer) measures the round trip here. */
  tc_signaling_client_set_ping_interval (client, 100);
  ck_assert (run_until (rtt_known, client, WAIT_MS));
  tc_signaling_client_close (client);
  unref_and_check (client);
  g_main_context_pop_thread_default (context);
  return GINT_TO_POINTER (TRUE);
}

/* A client made under another thread-default context runs entirely there: the
 * global default context is never iterated during this test. */
START_TEST (test_thread_default_context)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestServer) server = tc_test_server_new (NULL, &error);
  GThread *thread;

  ck_assert_msg (server != NULL, "%s", error ? error->message : "");
  thread = g_thread_new ("client", client_in_own_context, server);
  ck_assert (GPOINTER_TO_INT (g_thread_join (thread)));
}
END_TEST

/* Declined: the patient's client closes without an error, and the same
 * invitation works again in a new client. */
START_TEST (test_declined)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestServer) server = tc_test_server_new (NULL, &error);
  g_autoptr(JsonObject) consultation = NULL;
  g_autoptr(JsonObject) auth = NULL;
  TcSignalingClient *practitioner, *patient;
  Recorder *prac_rec, *pat_rec;
  const char *consultation_id;
  JsonObject *declined;

  ck_assert_msg (server != NULL, "%s", error ? error->message : "");
  practitioner = connect_practitioner (server);
  prac_rec = recorder_new (practitioner);
  consultation = create_consultation (practitioner);
  consultation_id = json_object_get_string_member (consultation, "consultation_id");
  auth = invitation_auth (invitation_token (consultation), "Bob");

  patient = new_client (server, NULL);
  pat_rec = recorder_new (patient);
  error = connect_with (patient, auth);
  ck_assert_msg (error == NULL, "%s", error ? error->message : "");
  wait_for (pat_rec, "waiting", NULL, NULL, 1);
  tc_signaling_client_decline (practitioner, consultation_id,
                               tc_signaling_client_get_participant_id (patient), "Wrong room");
  declined = wait_for (pat_rec, "declined", NULL, NULL, 1);
  ck_assert_str_eq (json_object_get_string_member (declined, "reason"), "Wrong room");
  ck_assert_int_eq (tc_signaling_client_get_state (patient), TC_SIGNALING_STATE_CLOSED);
  ck_assert_ptr_null (tc_signaling_client_get_close_error (patient));
  recorder_free (pat_rec);
  unref_and_check (patient);

  patient = new_client (server, NULL);
  pat_rec = recorder_new (patient);
  error = connect_with (patient, auth);
  ck_assert_msg (error == NULL, "%s", error ? error->message : "");
  wait_for (pat_rec, "waiting", NULL, NULL, 1);

  recorder_free (pat_rec);
  recorder_free (prac_rec);
  tc_signaling_client_close (patient);
  tc_signaling_client_close (practitioner);
  unref_and_check (patient);
  unref_and_check (practitioner);
}
END_TEST

/* A kiosk with nothing scheduled is told so; once a consultation is made for its
 * station, it joins that consultation's waiting room. */
START_TEST (test_kiosk)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestServer) server = tc_test_server_new (NULL, &error);
  g_autoptr(JsonObject) auth = json_object_new ();
  TcSignalingClient *practitioner, *kiosk;
  Recorder *kiosk_rec;
  Result res = { 0 };
  const char *consultation_id;

  ck_assert_msg (server != NULL, "%s", error ? error->message : "");
  json_object_set_string_member (auth, "method", "kiosk");
  json_object_set_string_member (auth, "token", server->kiosk_token);
  json_object_set_string_member (auth, "display_name", "Room 12");

  kiosk = new_client (server, NULL);
  error = connect_with (kiosk, auth);
  ck_assert_msg (g_error_matches (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_NO_CONSULTATION),
                 "%s", error ? error->message : "no error");
  g_clear_error (&error);

  practitioner = connect_practitioner (server);
  tc_signaling_client_create_consultation_async (practitioner, "Rounds", server->kiosk_station, 0, NULL,
                                                 on_reply, &res);
  ck_assert (run_until (is_true, &res.done, WAIT_MS));
  ck_assert_msg (res.reply != NULL, "%s", res.error ? res.error->message : "");
  ck_assert (!json_object_has_member (res.reply, "invitation"));
  consultation_id = json_object_get_string_member (res.reply, "consultation_id");

  kiosk_rec = recorder_new (kiosk);
  error = connect_with (kiosk, auth);
  ck_assert_msg (error == NULL, "%s", error ? error->message : "");
  ck_assert_str_eq (tc_signaling_client_get_role (kiosk), "kiosk");
  ck_assert_str_eq (tc_signaling_client_get_consultation_id (kiosk), consultation_id);
  wait_for (kiosk_rec, "waiting", "consultation_id", consultation_id, 1);

  recorder_free (kiosk_rec);
  json_object_unref (res.reply);
  tc_signaling_client_close (kiosk);
  tc_signaling_client_close (practitioner);
  unref_and_check (kiosk);
  unref_and_check (practitioner);
}
END_TEST

/* One case per test, so that CK_RUN_CASE=<name> runs one alone. */
#define ADD_CASE(suite, fn)                           \
  G_STMT_START {                                      \
    TCase *tc = tcase_create (#fn + strlen ("test_")); \
    tcase_set_timeout (tc, 60);                       \
    tcase_add_test (tc, fn);                          \
    suite_add_tcase (suite, tc);                      \
  } G_STMT_END

static Suite *
signaling_client_suite (void)
{
  Suite *s = suite_create ("signaling-client");

  ADD_CASE (s, test_transport_errors);
  ADD_CASE (s, test_bad_credentials);
  ADD_CASE (s, test_invalid_invitation);
  ADD_CASE (s, test_ended_invitation);
  ADD_CASE (s, test_requests);
  ADD_CASE (s, test_full_flow);
  ADD_CASE (s, test_resume_after_cut);
  ADD_CASE (s, test_resume_refused);
  ADD_CASE (s, test_resume_grace_expired);
  ADD_CASE (s, test_server_restart);
  ADD_CASE (s, test_send_pacing);
  ADD_CASE (s, test_tls);
  ADD_CASE (s, test_silent_server);
  ADD_CASE (s, test_cancel_connect);
  ADD_CASE (s, test_thread_default_context);
  ADD_CASE (s, test_declined);
  ADD_CASE (s, test_kiosk);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (signaling_client_suite ());
  int failed;

  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
