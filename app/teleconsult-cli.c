/* SPDX-License-Identifier: GPL-3.0-or-later */
/* teleconsult-cli: the headless client. Joins a consultation as a practitioner or a
 * patient with real or test sources and prints one JSON object per line on stdout
 * (states, invitation, first frame, stats, data-channel messages, errors).
 * Tests, benchmarks and kiosk diagnostics drive it. */
#define G_LOG_DOMAIN "teleconsult-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib-unix.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "tc-consultation.h"
#include "tc-simulated-device.h"

typedef struct {
  GMainLoop      *loop;
  TcConsultation *consultation;
  TcMediaFactory *factory;
  int             exit_code;

  /* options */
  gboolean        practitioner;
  char           *server;
  char           *username;
  char           *password_file;
  char           *title;
  gboolean        auto_admit;
  char           *invitation;
  char           *name;
  int             duration_s;
  int             send_data;

  /* Touched from streaming threads: atomics only. */
  gint64          admitted_at_us;
  gint            video_frames;
  gint            first_frame_reported;
  gint64          last_audio_us;
  gint            max_audio_gap_us;  /* capped at G_MAXINT µs */

  int             stats_interval_ms;
  gint64          last_stats_us;
  int             readings;          /* patient: simulated readings to send */
  int             reading_interval_ms;
  int             readings_sent;
  guint           readings_id;
  TcSimulatedDevice *device;

  guint           duration_id;
  gboolean        data_sent;
  TcCallSession  *watched_call;
} Cli;

/* ---- output ---------------------------------------------------------------- */

static void
emit (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  fprintf (stdout, "%s\n", text);
  fflush (stdout);
}

static JsonBuilder *
event_begin (const char *event)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, event);
  json_builder_set_member_name (b, "t_ms");
  json_builder_add_int_value (b, g_get_monotonic_time () / 1000);
  return b;
}

static void
event_end (JsonBuilder *b)
{
  json_builder_end_object (b);
  emit (b);
  g_object_unref (b);
}

static void
emit_string_event (const char *event,
                   const char *key,
                   const char *value)
{
  JsonBuilder *b = event_begin (event);

  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, value != NULL ? value : "");
  event_end (b);
}

static const char *
state_name (TcConsultationState state)
{
  static const char *const names[] = {
    "idle", "connecting", "signed-in", "waiting", "in-call", "reconnecting", "ended", "failed"
  };
  return state < G_N_ELEMENTS (names) ? names[state] : "unknown";
}

static const char *
call_state_name (TcCallState state)
{
  static const char *const names[] = {
    "new", "connecting", "connected", "reconnecting", "failed", "ended"
  };
  return state < G_N_ELEMENTS (names) ? names[state] : "unknown";
}

static void
add_double (JsonBuilder *b,
            const char  *key,
            double       value)
{
  json_builder_set_member_name (b, key);
  json_builder_add_double_value (b, value);
}

static void
add_int (JsonBuilder *b,
         const char  *key,
         gint64       value)
{
  json_builder_set_member_name (b, key);
  json_builder_add_int_value (b, value);
}

static void
on_stats (TcCallSession     *call,
          const TcCallStats *st,
          Cli               *cli)
{
  JsonBuilder *b;
  gint64 now = g_get_monotonic_time ();

  /* The session samples every second; print at most one line per --stats-interval. */
  if (cli->last_stats_us != 0 && now - cli->last_stats_us < (gint64) cli->stats_interval_ms * 1000 - 100000)
    return;
  cli->last_stats_us = now;
  b = event_begin ("stats");

  add_double (b, "rtt_ms", st->rtt_ms);
  add_double (b, "loss_in", st->loss_in);
  add_double (b, "loss_out", st->loss_out);
  add_double (b, "jitter_ms", st->jitter_in_ms);
  json_builder_set_member_name (b, "pair_type");
  json_builder_add_string_value (b, tc_candidate_type_to_string (tc_call_stats_get_pair_type (st)));
  json_builder_set_member_name (b, "quality");
  json_builder_add_int_value (b, st->quality);
  json_builder_set_member_name (b, "audio_only");
  json_builder_add_boolean_value (b, st->audio_only);
  add_int (b, "target_kbps", st->target_bitrate_kbps);
  add_int (b, "kbps_in", st->bitrate_in_kbps);
  add_int (b, "kbps_out", st->bitrate_out_kbps);
  add_int (b, "readings_pending", tc_consultation_get_pending_readings (cli->consultation));

  json_builder_set_member_name (b, "video_in");
  json_builder_begin_object (b);
  add_double (b, "fps", st->fps_in);
  add_int (b, "width", st->width_in);
  add_int (b, "height", st->height_in);
  add_int (b, "kbps", st->video_bitrate_in_kbps);
  add_int (b, "frames", g_atomic_int_get (&cli->video_frames));
  json_builder_end_object (b);

  json_builder_set_member_name (b, "video_out");
  json_builder_begin_object (b);
  add_double (b, "fps", st->fps_out);
  add_int (b, "width", st->width_out);
  add_int (b, "height", st->height_out);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "audio_in");
  json_builder_begin_object (b);
  add_int (b, "kbps", st->audio_bitrate_in_kbps);
  /* The longest gap since the previous stats line, so a start-up gap hides nothing later. */
  add_int (b, "max_gap_ms", g_atomic_int_exchange (&cli->max_audio_gap_us, 0) / 1000);
  json_builder_end_object (b);

  event_end (b);
}

/* ---- sinks: count frames and audio gaps on the streaming threads ------------- */

static gboolean
report_first_frame (gpointer data)
{
  Cli *cli = data;
  JsonBuilder *b = event_begin ("first-frame");
  gint64 admitted = cli->admitted_at_us;

  add_int (b, "since_admit_ms", admitted > 0 ? (g_get_monotonic_time () - admitted) / 1000 : -1);
  event_end (b);
  return G_SOURCE_REMOVE;
}

static void
on_video_handoff (GstElement *sink,
                  GstBuffer  *buffer,
                  GstPad     *pad,
                  Cli        *cli)
{
  g_atomic_int_inc (&cli->video_frames);
  if (g_atomic_int_compare_and_exchange (&cli->first_frame_reported, 0, 1))
    g_main_context_invoke (NULL, report_first_frame, cli);
}

static void
on_audio_handoff (GstElement *sink,
                  GstBuffer  *buffer,
                  GstPad     *pad,
                  Cli        *cli)
{
  /* Only this streaming thread writes these two; stats read the gap atomically. */
  gint64 now = g_get_monotonic_time ();
  gint64 last = cli->last_audio_us;

  if (last > 0 && now - last > g_atomic_int_get (&cli->max_audio_gap_us) && now - last < G_MAXINT)
    g_atomic_int_set (&cli->max_audio_gap_us, (gint) (now - last));
  cli->last_audio_us = now;
}

static GstElement *
make_counting_sink (GCallback handoff,
                    Cli      *cli)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);

  g_object_set (sink, "sync", TRUE, "signal-handoffs", TRUE, "async", FALSE, NULL);
  g_signal_connect (sink, "handoff", handoff, cli);
  return sink;
}

static GstElement *
video_sink_func (TcVideoSinkRole role,
                 gpointer        data)
{
  if (role != TC_VIDEO_SINK_ROLE_REMOTE)
    return NULL;
  return make_counting_sink (G_CALLBACK (on_video_handoff), data);
}

static GstElement *
audio_sink_func (gpointer data)
{
  return make_counting_sink (G_CALLBACK (on_audio_handoff), data);
}

/* ---- device readings --------------------------------------------------------- */

/* Patient: one simulated blood-pressure reading, through real GATT bytes and the parser. */
static gboolean
send_one_reading (gpointer data)
{
  Cli *cli = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TcReading) reading = NULL;
  double values[] = { 110 + cli->readings_sent % 40, 70 + cli->readings_sent % 20, 60 + cli->readings_sent % 30 };
  JsonBuilder *b;

  if (cli->readings_sent >= cli->readings)
    {
      cli->readings_id = 0;
      return G_SOURCE_REMOVE;
    }
  if (!tc_simulated_device_set_values (cli->device, values, G_N_ELEMENTS (values), &error)
      || (reading = tc_simulated_device_trigger (cli->device, &error)) == NULL
      || !tc_consultation_submit_reading (cli->consultation, reading, &error))
    {
      /* Not stored: say so and try the same number again next time. */
      emit_string_event ("error", "message", error->message);
      return G_SOURCE_CONTINUE;
    }

  b = event_begin ("reading-sent");
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, reading->id);
  add_int (b, "n", cli->readings_sent);
  event_end (b);
  cli->readings_sent++;
  return G_SOURCE_CONTINUE;
}

static void
start_readings (Cli *cli)
{
  if (cli->readings <= 0 || cli->readings_id != 0 || cli->readings_sent >= cli->readings)
    return;
  if (cli->device == NULL)
    cli->device = tc_simulated_device_new (TC_READING_KIND_BLOOD_PRESSURE);
  cli->readings_id = g_timeout_add (MAX (cli->reading_interval_ms, 1), send_one_reading, cli);
}

/* Practitioner: each reading once, with its id so a test can check order and duplicates. */
static void
on_reading_received (TcConsultation *consultation,
                     TcReading      *reading,
                     Cli            *cli)
{
  JsonBuilder *b = event_begin ("reading");
  const TcReadingComponent *sys = tc_reading_get_component (reading, TC_COMPONENT_SYSTOLIC);

  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, reading->id);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, tc_reading_kind_to_string (reading->kind));
  if (sys != NULL)
    add_double (b, "systolic", sys->value);
  event_end (b);
}

/* ---- consultation events --------------------------------------------------- */

static gboolean
on_duration_elapsed (gpointer data)
{
  Cli *cli = data;

  cli->duration_id = 0;
  emit_string_event ("hang-up", "reason", "duration");
  tc_consultation_hang_up (cli->consultation);
  return G_SOURCE_REMOVE;
}

static void
send_data_messages (Cli *cli)
{
  TcCallSession *call = tc_consultation_get_call_session (cli->consultation);

  if (cli->data_sent || cli->send_data <= 0 || call == NULL)
    return;
  cli->data_sent = TRUE;
  for (int i = 0; i < cli->send_data; i++)
    {
      g_autofree char *text = g_strdup_printf ("%s-%d", cli->practitioner ? "practitioner" : "patient", i);
      g_autoptr(GError) error = NULL;

      if (!tc_call_session_send_data (call, text, &error))
        emit_string_event ("error", "message", error->message);
    }
}

static void
on_call_state (TcCallSession *call,
               GParamSpec    *pspec,
               Cli           *cli)
{
  TcCallState state = tc_call_session_get_state (call);

  emit_string_event ("call-state", "state", call_state_name (state));
  if (state == TC_CALL_STATE_CONNECTED)
    {
      send_data_messages (cli);
      if (cli->duration_s > 0 && cli->duration_id == 0)
        cli->duration_id = g_timeout_add_seconds (cli->duration_s, on_duration_elapsed, cli);
    }
}

/* Application messages on the channel (readings, acks, stills) carry health data:
 * print only their type and id. Anything else (e.g. --send-data's) is printed as is. */
static char *
redact_data_message (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonGenerator) gen = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *msg;

  if (text[0] != '{' || !json_parser_load_from_data (parser, text, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return g_strdup (text);
  msg = json_node_get_object (json_parser_get_root (parser));
  if (json_object_get_string_member_with_default (msg, "type", NULL) == NULL)
    return g_strdup (text);

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, json_object_get_string_member (msg, "type"));
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, json_object_get_string_member_with_default (msg, "id", ""));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  gen = json_generator_new ();
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static void
on_data_message (TcCallSession *call,
                 const char    *text,
                 Cli           *cli)
{
  g_autofree char *shown = redact_data_message (text);

  emit_string_event ("data", "text", shown);
}

static void
on_call_session_changed (TcConsultation *consultation,
                         Cli            *cli)
{
  TcCallSession *call = tc_consultation_get_call_session (consultation);

  if (call == cli->watched_call)
    return;
  cli->watched_call = call;
  if (call == NULL)
    return;
  /* A rebuilt session sends its data messages again: they prove the new channel works. */
  cli->data_sent = FALSE;
  g_signal_connect (call, "notify::state", G_CALLBACK (on_call_state), cli);
  g_signal_connect (call, "stats", G_CALLBACK (on_stats), cli);
  g_signal_connect (call, "data-message", G_CALLBACK (on_data_message), cli);
}

static void
on_verification_code (TcConsultation *consultation,
                      GParamSpec     *pspec,
                      Cli            *cli)
{
  const char *code = tc_consultation_get_verification_code (consultation);

  if (code != NULL)
    emit_string_event ("verification", "code", code);
}

static void
on_state (TcConsultation *consultation,
          GParamSpec     *pspec,
          Cli            *cli)
{
  TcConsultationState state = tc_consultation_get_state (consultation);

  emit_string_event ("state", "state", state_name (state));
  if (state == TC_CONSULTATION_STATE_IN_CALL && cli->admitted_at_us == 0)
    cli->admitted_at_us = g_get_monotonic_time ();
  if (!cli->practitioner && (state == TC_CONSULTATION_STATE_WAITING || state == TC_CONSULTATION_STATE_IN_CALL))
    start_readings (cli);
  if (state == TC_CONSULTATION_STATE_ENDED)
    g_main_loop_quit (cli->loop);
}

static void
on_failed (TcConsultation *consultation,
           const GError   *error,
           Cli            *cli)
{
  emit_string_event ("error", "message", error->message);
  cli->exit_code = 1;
  g_main_loop_quit (cli->loop);
}

static void
on_chat (TcConsultation *consultation,
         const char     *from_name,
         const char     *text,
         gint64          ts,
         gboolean        from_me,
         Cli            *cli)
{
  JsonBuilder *b = event_begin ("chat");

  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, text);
  json_builder_set_member_name (b, "from_me");
  json_builder_add_boolean_value (b, from_me);
  event_end (b);
}

static void
on_waiting_room_changed (GListModel *model,
                         guint       position,
                         guint       removed,
                         guint       added,
                         Cli        *cli)
{
  g_autoptr(TcWaitingEntry) entry = NULL;
  JsonBuilder *b = event_begin ("waiting-room");

  add_int (b, "count", g_list_model_get_n_items (model));
  event_end (b);

  if (!cli->auto_admit || g_list_model_get_n_items (model) == 0)
    return;
  entry = g_list_model_get_item (model, 0);
  cli->admitted_at_us = g_get_monotonic_time ();
  tc_consultation_admit (cli->consultation, tc_waiting_entry_get_participant_id (entry));
}

static void
quit_with_error (Cli          *cli,
                 const GError *error)
{
  emit_string_event ("error", "message", error->message);
  cli->exit_code = 1;
  g_main_loop_quit (cli->loop);
}

static void
on_created (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;

  if (!tc_consultation_create_finish (TC_CONSULTATION (source), result, &error))
    {
      quit_with_error (cli, error);
      return;
    }
  {
    JsonBuilder *b = event_begin ("invitation");

    json_builder_set_member_name (b, "url");
    json_builder_add_string_value (b, tc_consultation_get_invitation_url (cli->consultation));
    json_builder_set_member_name (b, "code");
    json_builder_add_string_value (b, tc_consultation_get_invitation_code (cli->consultation));
    event_end (b);
  }
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;

  if (!tc_consultation_sign_in_finish (TC_CONSULTATION (source), result, &error))
    {
      quit_with_error (cli, error);
      return;
    }
  tc_consultation_create_async (cli->consultation, cli->title, NULL, on_created, cli);
}

static void
on_joined (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;

  if (!tc_consultation_join_finish (TC_CONSULTATION (source), result, &error))
    quit_with_error (cli, error);
}

static gboolean
on_signal_quit (gpointer data)
{
  Cli *cli = data;

  tc_consultation_hang_up (cli->consultation);
  g_main_loop_quit (cli->loop);
  return G_SOURCE_CONTINUE;
}

/* ---- main ------------------------------------------------------------------ */

static char *
read_password (const char  *path,
               GError     **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  return g_strchomp (g_steal_pointer (&contents));
}

static gboolean
parse_resolution (const char *text,
                  guint      *w,
                  guint      *h)
{
  return text != NULL && sscanf (text, "%ux%u", w, h) == 2 && *w >= 16 && *h >= 16 && *w <= 4096 && *h <= 4096;
}

int
main (int    argc,
      char **argv)
{
  Cli cli = { .reading_interval_ms = 500 };
  gboolean test_sources = FALSE;
  gboolean relay_only = FALSE;
  g_autofree char *resolution = NULL;
  int fps = 30;
  g_auto(GStrv) local_addresses = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &cli.server, "Signalling server (practitioner)", "WS-URL" },
    { "username", 0, 0, G_OPTION_ARG_STRING, &cli.username, "Practitioner account", "NAME" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &cli.password_file, "File holding the password", "FILE" },
    { "title", 0, 0, G_OPTION_ARG_STRING, &cli.title, "Consultation title", "TEXT" },
    { "auto-admit", 0, 0, G_OPTION_ARG_NONE, &cli.auto_admit, "Admit whoever waits", NULL },
    { "invitation", 0, 0, G_OPTION_ARG_STRING, &cli.invitation, "Invitation link (patient)", "URL" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &cli.name, "Display name (patient)", "NAME" },
    { "test-sources", 0, 0, G_OPTION_ARG_NONE, &test_sources, "Test pattern and tone instead of camera and microphone", NULL },
    { "resolution", 0, 0, G_OPTION_ARG_STRING, &resolution, "Video size", "WxH" },
    { "fps", 0, 0, G_OPTION_ARG_INT, &fps, "Video frame rate", "N" },
    { "relay-only", 0, 0, G_OPTION_ARG_NONE, &relay_only, "Only use TURN relays (hides this address)", NULL },
    { "local-address", 0, 0, G_OPTION_ARG_STRING_ARRAY, &local_addresses, "Gather ICE candidates on this address too", "IP" },
    { "duration", 0, 0, G_OPTION_ARG_INT, &cli.duration_s, "Hang up this many seconds after media connects", "S" },
    { "send-data", 0, 0, G_OPTION_ARG_INT, &cli.send_data, "Send N numbered data-channel messages once connected", "N" },
    { "stats-interval", 0, 0, G_OPTION_ARG_INT, &cli.stats_interval_ms, "At most one stats line per MS (the call samples every second)", "MS" },
    { "readings", 0, 0, G_OPTION_ARG_INT, &cli.readings, "Patient: take N simulated blood-pressure readings", "N" },
    { "reading-interval", 0, 0, G_OPTION_ARG_INT, &cli.reading_interval_ms, "Milliseconds between readings (500)", "MS" },
    { NULL }
  };

  gst_init (&argc, &argv);
  context = g_option_context_new ("practitioner|patient - the Teleconsult headless client");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (argc != 2 || (strcmp (argv[1], "practitioner") != 0 && strcmp (argv[1], "patient") != 0))
    {
      g_printerr ("Say which role to play: practitioner or patient (see --help).\n");
      return 2;
    }
  cli.practitioner = strcmp (argv[1], "practitioner") == 0;
  if (cli.practitioner && (cli.server == NULL || cli.username == NULL || cli.password_file == NULL))
    {
      g_printerr ("practitioner needs --server, --username and --password-file.\n");
      return 2;
    }
  if (!cli.practitioner && (cli.invitation == NULL || cli.name == NULL))
    {
      g_printerr ("patient needs --invitation and --name.\n");
      return 2;
    }

  cli.factory = tc_media_factory_new ();
  if (test_sources)
    tc_media_factory_set_mode (cli.factory, TC_MEDIA_MODE_TEST);
  if (resolution != NULL)
    {
      guint w, h;

      if (!parse_resolution (resolution, &w, &h))
        {
          g_printerr ("--resolution takes WIDTHxHEIGHT, e.g. 1280x720.\n");
          return 2;
        }
      tc_media_factory_set_resolution (cli.factory, w, h);
    }
  if (fps < 1 || fps > 60)
    {
      g_printerr ("--fps takes 1 to 60.\n");
      return 2;
    }
  tc_media_factory_set_framerate (cli.factory, fps);
  tc_media_factory_set_video_sink_func (cli.factory, video_sink_func, &cli, NULL);
  tc_media_factory_set_audio_sink_func (cli.factory, audio_sink_func, &cli, NULL);

  cli.loop = g_main_loop_new (NULL, FALSE);
  cli.consultation = tc_consultation_new (cli.factory);
  tc_consultation_set_relay_only (cli.consultation, relay_only);
  for (guint i = 0; local_addresses != NULL && local_addresses[i] != NULL; i++)
    tc_consultation_add_local_address (cli.consultation, local_addresses[i]);

  g_signal_connect (cli.consultation, "notify::state", G_CALLBACK (on_state), &cli);
  g_signal_connect (cli.consultation, "notify::verification-code", G_CALLBACK (on_verification_code), &cli);
  g_signal_connect (cli.consultation, "call-session-changed", G_CALLBACK (on_call_session_changed), &cli);
  g_signal_connect (cli.consultation, "failed", G_CALLBACK (on_failed), &cli);
  g_signal_connect (cli.consultation, "chat-received", G_CALLBACK (on_chat), &cli);
  g_signal_connect (cli.consultation, "reading-received", G_CALLBACK (on_reading_received), &cli);
  g_signal_connect (tc_consultation_get_waiting_room (cli.consultation), "items-changed",
                    G_CALLBACK (on_waiting_room_changed), &cli);
  g_unix_signal_add (SIGINT, on_signal_quit, &cli);
  g_unix_signal_add (SIGTERM, on_signal_quit, &cli);

  if (cli.practitioner)
    {
      g_autofree char *password = read_password (cli.password_file, &error);

      if (password == NULL)
        {
          g_printerr ("Cannot read the password file: %s\n", error->message);
          return 2;
        }
      tc_consultation_sign_in_async (cli.consultation, cli.server, cli.username, password, NULL,
                                     on_signed_in, &cli);
    }
  else
    tc_consultation_join_async (cli.consultation, cli.invitation, cli.name, NULL, on_joined, &cli);

  g_main_loop_run (cli.loop);

  g_clear_handle_id (&cli.duration_id, g_source_remove);
  g_clear_handle_id (&cli.readings_id, g_source_remove);
  g_clear_object (&cli.device);
  g_clear_object (&cli.consultation);
  g_clear_object (&cli.factory);
  g_main_loop_unref (cli.loop);
  g_free (cli.server);
  g_free (cli.username);
  g_free (cli.password_file);
  g_free (cli.title);
  g_free (cli.invitation);
  g_free (cli.name);
  return cli.exit_code;
}
