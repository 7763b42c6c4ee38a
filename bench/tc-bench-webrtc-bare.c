/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The floor under the call benchmark: two bare webrtcbin peers, no Teleconsult code,
 * the same media (VP8 30 fps with media/'s encoder settings, Opus 32 kbit/s, test
 * sources), each peer its own process in its own network namespace over a veth (as
 * root; otherwise both in this namespace). This process relays their offer, answer and
 * candidates over pipes and prints medians:
 *   first frame    offer creation → first decoded remote frame rendered, per side
 *   glass-to-glass capture → render of the same frame (tc-glass-clock blocks)
 *   CPU            CPU seconds per minute of call, per peer process (getrusage)
 *   peak RSS       VmHWM per peer process
 * Usage: tc-bench-webrtc-bare [--runs N] [--duration S] [--resolution WxH]... [--json]
 * (--json: one line per run for tc-bench-call). Never fails on time. */
#define G_LOG_DOMAIN "tc-bench-bare"

#include <gio/gunixinputstream.h>
#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "tc-glass-clock.h"
#include "tc-test-netns.h"

/* ------------------------------------------------------------------ peer process */

typedef struct {
  GMainLoop        *loop;
  GstElement       *pipeline;
  GstElement       *webrtc;
  GDataInputStream *in;
  gboolean          offerer;
  guint             duration_s;
  gint64            t0_us;          /* offer creation (both sides: sent with the offer) */
  GMutex            lock;           /* the fields below are written by streaming threads */
  gint64            first_frame_us;
  guint             frames;         /* rendered remote video frames in the window */
  guint             audio_buffers;
  GArray           *glass_us;       /* gint64 */
  gint64            window_start_us;
  double            window_cpu_s;
  gboolean          window_open;
} Peer;

static double
cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static gint64
vm_hwm_kb (void)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (p = strstr (status, "VmHWM:")) == NULL)
    return -1;
  return g_ascii_strtoll (p + 6, NULL, 10);
}

/* One JSON object per line on stdout; streaming threads print too, so serialise. */
static void
emit (JsonBuilder *b)
{
  static GMutex out_lock;
  g_autoptr(JsonNode) node = json_builder_get_root (b);
  g_autofree char *text = json_to_string (node, FALSE);

  g_mutex_lock (&out_lock);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
  g_mutex_unlock (&out_lock);
}

static void
emit_sdp (const char *type,
          GstWebRTCSessionDescription *desc,
          gint64 t0_us)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *sdp = gst_sdp_message_as_text (desc->sdp);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "sdp");
  json_builder_add_string_value (b, sdp);
  json_builder_set_member_name (b, "t0_us");
  json_builder_add_int_value (b, t0_us);
  json_builder_end_object (b);
  emit (b);
}

static void
on_offer_created (GstPromise *promise,
                  gpointer    user_data)
{
  Peer *peer = user_data;
  const GstStructure *reply = gst_promise_get_reply (promise);
  GstWebRTCSessionDescription *offer = NULL;

  gst_structure_get (reply, "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &offer, NULL);
  gst_promise_unref (promise);
  g_signal_emit_by_name (peer->webrtc, "set-local-description", offer, NULL);
  emit_sdp ("offer", offer, peer->t0_us);
  gst_webrtc_session_description_free (offer);
}

static void
on_negotiation_needed (GstElement *webrtc,
                       gpointer    user_data)
{
  Peer *peer = user_data;

  if (!peer->offerer || peer->t0_us != 0)
    return;
  peer->t0_us = g_get_monotonic_time ();
  g_signal_emit_by_name (webrtc, "create-offer", NULL,
                         gst_promise_new_with_change_func (on_offer_created, peer, NULL));
}

static void
on_answer_created (GstPromise *promise,
                   gpointer    user_data)
{
  Peer *peer = user_data;
  const GstStructure *reply = gst_promise_get_reply (promise);
  GstWebRTCSessionDescription *answer = NULL;

  gst_structure_get (reply, "answer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &answer, NULL);
  gst_promise_unref (promise);
  g_signal_emit_by_name (peer->webrtc, "set-local-description", answer, NULL);
  emit_sdp ("answer", answer, 0);
  gst_webrtc_session_description_free (answer);
}

static void
on_ice_candidate (GstElement *webrtc,
                  guint       mline,
                  const char *candidate,
                  gpointer    user_data)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "ice");
  json_builder_set_member_name (b, "mline");
  json_builder_add_int_value (b, mline);
  json_builder_set_member_name (b, "candidate");
  json_builder_add_string_value (b, candidate);
  json_builder_end_object (b);
  emit (b);
}

static int
compare_i64 (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static gboolean
finish_window (gpointer user_data)
{
  Peer *peer = user_data;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gint64 now = g_get_monotonic_time ();
  double cpu = cpu_seconds ();
  double wall_s;
  double glass_median = -1, glass_p95 = -1;
  guint frames;

  g_mutex_lock (&peer->lock);
  peer->window_open = FALSE;
  wall_s = (now - peer->window_start_us) / 1e6;
  frames = peer->frames;
  if (peer->glass_us->len > 0)
    {
      g_array_sort (peer->glass_us, compare_i64);
      glass_median = g_array_index (peer->glass_us, gint64, peer->glass_us->len / 2) / 1000.0;
      glass_p95 = g_array_index (peer->glass_us, gint64, peer->glass_us->len * 95 / 100) / 1000.0;
    }
  g_mutex_unlock (&peer->lock);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "result");
  json_builder_set_member_name (b, "first_frame_ms");
  json_builder_add_double_value (b, (peer->first_frame_us - peer->t0_us) / 1000.0);
  json_builder_set_member_name (b, "cpu_s_per_min");
  json_builder_add_double_value (b, (cpu - peer->window_cpu_s) / wall_s * 60.0);
  json_builder_set_member_name (b, "vm_hwm_kb");
  json_builder_add_int_value (b, vm_hwm_kb ());
  json_builder_set_member_name (b, "fps_in");
  json_builder_add_double_value (b, frames / wall_s);
  json_builder_set_member_name (b, "audio_buffers");
  json_builder_add_int_value (b, peer->audio_buffers);
  json_builder_set_member_name (b, "glass_ms");
  json_builder_add_double_value (b, glass_median);
  json_builder_set_member_name (b, "glass_p95_ms");
  json_builder_add_double_value (b, glass_p95);
  json_builder_end_object (b);
  emit (b);
  return G_SOURCE_REMOVE;
}

static gboolean
open_window (gpointer user_data)
{
  Peer *peer = user_data;

  g_mutex_lock (&peer->lock);
  peer->window_start_us = g_get_monotonic_time ();
  peer->window_cpu_s = cpu_seconds ();
  peer->frames = 0;
  g_array_set_size (peer->glass_us, 0);
  peer->window_open = TRUE;
  g_mutex_unlock (&peer->lock);
  g_timeout_add_seconds (peer->duration_s, finish_window, peer);
  return G_SOURCE_REMOVE;
}

/* After clock sync: the frame is being "shown". */
static void
on_video_handoff (GstElement *sink,
                  GstBuffer  *buffer,
                  GstPad     *pad,
                  gpointer    user_data)
{
  Peer *peer = user_data;
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  guint64 stamp;
  gboolean stamped = tc_glass_clock_read_buffer (buffer, caps, &stamp);
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&peer->lock);
  if (peer->first_frame_us == 0)
    {
      peer->first_frame_us = now;
      /* Measure CPU once the call is up and past its first second of ramp-up. */
      g_timeout_add_seconds (1, open_window, peer);
    }
  if (peer->window_open)
    {
      gint64 latency = now - (gint64) stamp;

      peer->frames++;
      if (stamped)
        g_array_append_val (peer->glass_us, latency);
    }
  g_mutex_unlock (&peer->lock);
}

static void
on_audio_handoff (GstElement *sink,
                  GstBuffer  *buffer,
                  GstPad     *pad,
                  gpointer    user_data)
{
  Peer *peer = user_data;

  g_mutex_lock (&peer->lock);
  peer->audio_buffers++;
  g_mutex_unlock (&peer->lock);
}

static void
on_decoded_pad (GstElement *decodebin,
                GstPad     *pad,
                gpointer    user_data)
{
  Peer *peer = user_data;
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  const char *name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  gboolean video = g_str_has_prefix (name, "video/");
  GstElement *queue = gst_element_factory_make ("queue", NULL);
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr(GstPad) sinkpad = gst_element_get_static_pad (queue, "sink");

  /* async=FALSE: a sink added to a PLAYING live pipeline must not send it back to
   * PAUSED while it prerolls (that stalls the whole call). */
  g_object_set (sink, "sync", TRUE, "async", FALSE, "signal-handoffs", TRUE, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (video ? on_video_handoff : on_audio_handoff), peer);
  gst_bin_add_many (GST_BIN (peer->pipeline), queue, sink, NULL);
  gst_element_link (queue, sink);
  gst_element_sync_state_with_parent (sink);
  gst_element_sync_state_with_parent (queue);
  gst_pad_link (pad, sinkpad);
}

static void
on_incoming_stream (GstElement *webrtc,
                    GstPad     *pad,
                    gpointer    user_data)
{
  Peer *peer = user_data;
  GstElement *decodebin;
  g_autoptr(GstPad) sinkpad = NULL;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  decodebin = gst_element_factory_make ("decodebin", NULL);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (on_decoded_pad), peer);
  gst_bin_add (GST_BIN (peer->pipeline), decodebin);
  gst_element_sync_state_with_parent (decodebin);
  sinkpad = gst_element_get_static_pad (decodebin, "sink");
  gst_pad_link (pad, sinkpad);
}

static void
handle_line (Peer       *peer,
             const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *msg;
  const char *type;

  if (!json_parser_load_from_data (parser, line, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  msg = json_node_get_object (json_parser_get_root (parser));
  type = json_object_get_string_member_with_default (msg, "type", "");
  if (g_str_equal (type, "offer") || g_str_equal (type, "answer"))
    {
      gboolean offer = g_str_equal (type, "offer");
      GstSDPMessage *sdp = NULL;
      GstWebRTCSessionDescription *desc;
      GstPromise *promise = gst_promise_new ();

      gst_sdp_message_new_from_text (json_object_get_string_member_with_default (msg, "sdp", ""), &sdp);
      desc = gst_webrtc_session_description_new (offer ? GST_WEBRTC_SDP_TYPE_OFFER : GST_WEBRTC_SDP_TYPE_ANSWER, sdp);
      if (offer)
        peer->t0_us = json_object_get_int_member_with_default (msg, "t0_us", 0);
      g_signal_emit_by_name (peer->webrtc, "set-remote-description", desc, promise);
      gst_promise_wait (promise);
      gst_promise_unref (promise);
      gst_webrtc_session_description_free (desc);
      if (offer)
        g_signal_emit_by_name (peer->webrtc, "create-answer", NULL,
                               gst_promise_new_with_change_func (on_answer_created, peer, NULL));
    }
  else if (g_str_equal (type, "ice"))
    g_signal_emit_by_name (peer->webrtc, "add-ice-candidate",
                           (guint) json_object_get_int_member_with_default (msg, "mline", 0),
                           json_object_get_string_member_with_default (msg, "candidate", ""));
  else if (g_str_equal (type, "bye"))
    g_main_loop_quit (peer->loop);
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Peer *peer = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (peer->in, result, NULL, NULL);

  if (line == NULL)
    {
      g_main_loop_quit (peer->loop);   /* the relay went away */
      return;
    }
  handle_line (peer, line);
  g_data_input_stream_read_line_async (peer->in, G_PRIORITY_DEFAULT, NULL, on_line, peer);
}

static gboolean
on_bus (GstBus     *bus,
        GstMessage *message,
        gpointer    user_data)
{
  Peer *peer = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) error = NULL;

      gst_message_parse_error (message, &error, NULL);
      g_printerr ("peer: %s\n", error->message);
      g_main_loop_quit (peer->loop);
    }
  return G_SOURCE_CONTINUE;
}

static int
run_peer (gboolean    offerer,
          guint       width,
          guint       height,
          guint       fps,
          guint       duration_s)
{
  Peer peer = { 0 };
  g_autofree char *desc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stdin_stream = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  g_autoptr(GstElement) stamp = NULL;
  g_autoptr(GstPad) stamp_pad = NULL;
  g_autoptr(GstBus) bus = NULL;

  peer.offerer = offerer;
  peer.duration_s = duration_s;
  peer.glass_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_mutex_init (&peer.lock);
  peer.loop = g_main_loop_new (NULL, FALSE);
  /* The encoder settings are media/tc-call-media.c's, so the floor is the same work. */
  desc = g_strdup_printf (
    "webrtcbin name=webrtc bundle-policy=max-bundle latency=200 "
    "videotestsrc is-live=true pattern=ball ! video/x-raw,format=I420,width=%u,height=%u,framerate=%u/1 "
    "! identity name=stamp ! queue max-size-buffers=2 leaky=downstream "
    "! vp8enc deadline=1 cpu-used=8 lag-in-frames=0 keyframe-max-dist=%u target-bitrate=800000 threads=1 "
    "  end-usage=cbr error-resilient=default undershoot=95 buffer-size=1000 buffer-initial-size=500 "
    "  buffer-optimal-size=600 "
    "! rtpvp8pay pt=96 mtu=1200 picture-id-mode=15-bit "
    "! capsfilter name=vrtp caps=application/x-rtp,media=video,encoding-name=VP8,clock-rate=90000,payload=96 "
    "! queue name=vq ! webrtc. "
    "audiotestsrc is-live=true wave=sine volume=0.3 ! audioconvert ! audioresample ! queue "
    "! opusenc audio-type=voice inband-fec=true packet-loss-percentage=10 bitrate=32000 "
    "! rtpopuspay pt=97 ! application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000,payload=97 ! queue ! webrtc. ",
    width, height, fps, fps * 4);
  peer.pipeline = gst_parse_launch (desc, &error);
  if (peer.pipeline == NULL)
    {
      g_printerr ("peer: %s\n", error->message);
      return 1;
    }
  peer.webrtc = gst_bin_get_by_name (GST_BIN (peer.pipeline), "webrtc");
  stamp = gst_bin_get_by_name (GST_BIN (peer.pipeline), "stamp");
  stamp_pad = gst_element_get_static_pad (stamp, "src");
  tc_glass_clock_add_stamper (stamp_pad);
  {
    /* NACK + RTX for video, as media/ does: a lost packet otherwise costs a key frame. */
    g_autoptr(GstElement) vrtp = gst_bin_get_by_name (GST_BIN (peer.pipeline), "vq");
    g_autoptr(GstPad) vsrc = gst_element_get_static_pad (vrtp, "src");
    g_autoptr(GstPad) vsink = gst_pad_get_peer (vsrc);
    g_autoptr(GstWebRTCRTPTransceiver) trans = NULL;

    if (vsink != NULL)
      g_object_get (vsink, "transceiver", &trans, NULL);
    if (trans != NULL)
      g_object_set (trans, "do-nack", TRUE, NULL);
  }
  g_signal_connect (peer.webrtc, "on-negotiation-needed", G_CALLBACK (on_negotiation_needed), &peer);
  g_signal_connect (peer.webrtc, "on-ice-candidate", G_CALLBACK (on_ice_candidate), &peer);
  g_signal_connect (peer.webrtc, "pad-added", G_CALLBACK (on_incoming_stream), &peer);
  bus = gst_element_get_bus (peer.pipeline);
  gst_bus_add_watch (bus, on_bus, &peer);

  peer.in = g_data_input_stream_new (stdin_stream);
  g_data_input_stream_read_line_async (peer.in, G_PRIORITY_DEFAULT, NULL, on_line, &peer);
  gst_element_set_state (peer.pipeline, GST_STATE_PLAYING);
  g_main_loop_run (peer.loop);
  /* webrtcbin 1.22 can deadlock in teardown; the numbers are out: leave at once. */
  fflush (stdout);
  _exit (0);
}

/* ------------------------------------------------------------------ relay and report */

typedef struct {
  double first_frame_ms;
  double cpu_s_per_min;
  double rss_mb;
  double fps_in;
  double glass_ms;
  gboolean ok;
} PeerResult;

typedef struct {
  GSubprocess      *proc;
  GDataInputStream *out;
  GOutputStream    *in;
  PeerResult        result;
  gboolean          done;
  struct Relay     *relay;
  guint             index;
} PeerProc;

typedef struct Relay {
  PeerProc   peers[2];
  GMainLoop *loop;
  guint      results;
} Relay;

static void relay_read (PeerProc *p);

static void
on_peer_line (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  PeerProc *p = user_data;
  Relay *relay = p->relay;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (p->out, result, NULL, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *msg;

  if (line == NULL)
    {
      if (!p->done)
        {
          p->done = TRUE;
          relay->results++;
        }
      if (relay->results == 2)
        g_main_loop_quit (relay->loop);
      return;
    }
  if (json_parser_load_from_data (parser, line, -1, NULL) && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      msg = json_node_get_object (json_parser_get_root (parser));
      if (g_strcmp0 (json_object_get_string_member_with_default (msg, "type", ""), "result") == 0)
        {
          p->result.first_frame_ms = json_object_get_double_member_with_default (msg, "first_frame_ms", -1);
          p->result.cpu_s_per_min = json_object_get_double_member_with_default (msg, "cpu_s_per_min", -1);
          p->result.rss_mb = json_object_get_int_member_with_default (msg, "vm_hwm_kb", -1) / 1024.0;
          p->result.fps_in = json_object_get_double_member_with_default (msg, "fps_in", -1);
          p->result.glass_ms = json_object_get_double_member_with_default (msg, "glass_ms", -1);
          p->result.ok = TRUE;
          if (!p->done)
            {
              p->done = TRUE;
              relay->results++;
            }
          if (relay->results == 2)
            g_main_loop_quit (relay->loop);
        }
      else
        {
          GOutputStream *other = relay->peers[1 - p->index].in;
          g_autofree char *with_nl = g_strconcat (line, "\n", NULL);

          g_output_stream_write_all (other, with_nl, strlen (with_nl), NULL, NULL, NULL);
        }
    }
  relay_read (p);
}

static void
relay_read (PeerProc *p)
{
  g_data_input_stream_read_line_async (p->out, G_PRIORITY_DEFAULT, NULL, on_peer_line, p);
}

static gboolean
on_relay_timeout (gpointer user_data)
{
  Relay *relay = user_data;

  g_printerr ("bare pair: timed out\n");
  g_main_loop_quit (relay->loop);
  return G_SOURCE_REMOVE;
}

/* One call between two bare peers; fills @results[0] (offerer) and [1] (answerer). */
static gboolean
run_pair (const char  *self_exe,
          TcTestNetns *netns,
          guint        width,
          guint        height,
          guint        duration_s,
          PeerResult   results[2])
{
  Relay relay = { 0 };
  g_autofree char *w = g_strdup_printf ("%u", width);
  g_autofree char *h = g_strdup_printf ("%u", height);
  g_autofree char *d = g_strdup_printf ("%u", duration_s);
  guint timeout_id;
  gboolean ok = TRUE;

  relay.loop = g_main_loop_new (NULL, FALSE);
  for (guint i = 0; i < 2; i++)
    {
      const char *argv[] = { self_exe, "--peer", i == 0 ? "offer" : "answer", "--width", w,
                             "--height", h, "--duration", d, NULL };
      g_autoptr(GError) error = NULL;
      PeerProc *p = &relay.peers[i];

      p->relay = &relay;
      p->index = i;
      p->proc = tc_test_netns_spawn (netns != NULL ? (i == 0 ? netns->ns_a : netns->ns_b) : NULL,
                                     G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, argv, &error);
      if (p->proc == NULL)
        {
          g_printerr ("bare pair: %s\n", error->message);
          return FALSE;
        }
      p->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p->proc));
      p->in = g_subprocess_get_stdin_pipe (p->proc);
    }
  for (guint i = 0; i < 2; i++)
    relay_read (&relay.peers[i]);
  timeout_id = g_timeout_add_seconds (duration_s + 40, on_relay_timeout, &relay);
  g_main_loop_run (relay.loop);
  g_source_remove (timeout_id);

  for (guint i = 0; i < 2; i++)
    {
      PeerProc *p = &relay.peers[i];

      g_output_stream_write_all (p->in, "{\"type\":\"bye\"}\n", 15, NULL, NULL, NULL);
      g_output_stream_close (p->in, NULL, NULL);
    }
  for (guint i = 0; i < 2; i++)
    {
      PeerProc *p = &relay.peers[i];

      tc_test_terminate (p->proc, 3000);
      results[i] = p->result;
      ok = ok && p->result.ok;
      g_clear_object (&p->out);
      g_clear_object (&p->proc);
    }
  g_main_loop_unref (relay.loop);
  return ok;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  if (values->len == 0)
    return -1;
  g_array_sort (values, compare_double);
  return values->len % 2 ? g_array_index (values, double, values->len / 2)
                         : (g_array_index (values, double, values->len / 2 - 1) +
                            g_array_index (values, double, values->len / 2)) / 2;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *peer_role = NULL;
  int width = 640, height = 480, fps = 30, duration = 15, runs = 3;
  gboolean json = FALSE, no_netns = FALSE;
  g_auto(GStrv) resolutions = NULL;
  GOptionEntry entries[] = {
    { "peer", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &peer_role, "internal: run one peer", "offer|answer" },
    { "width", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &width, "internal", "W" },
    { "height", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &height, "internal", "H" },
    { "fps", 0, 0, G_OPTION_ARG_INT, &fps, "Frames per second (30)", "N" },
    { "duration", 0, 0, G_OPTION_ARG_INT, &duration, "Seconds of call measured per run (15)", "S" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs per resolution (3)", "N" },
    { "resolution", 0, 0, G_OPTION_ARG_STRING_ARRAY, &resolutions, "WxH (640x480 and 1280x720)", "WxH" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON line per run, no table", NULL },
    { "no-netns", 0, 0, G_OPTION_ARG_NONE, &no_netns, "Both peers in this namespace", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— bare webrtcbin call, the floor for tc-bench-call");
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestNetns) netns = NULL;
  g_autofree char *self_exe = NULL;
  const char *default_res[] = { "640x480", "1280x720", NULL };
  const char * const *res_list;

  g_option_context_add_main_entries (context, entries, NULL);
  gst_init (&argc, &argv);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (peer_role != NULL)
    return run_peer (g_str_equal (peer_role, "offer"), (guint) width, (guint) height, (guint) fps, (guint) duration);

  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  if (!no_netns && geteuid () == 0)
    {
      tc_test_netns_sweep_stale ();
      netns = tc_test_netns_new (&error);
      if (netns == NULL)
        {
          g_printerr ("Could not create the namespaces (%s); running both peers here\n", error->message);
          g_clear_error (&error);
        }
    }
  res_list = resolutions != NULL ? (const char * const *) resolutions : default_res;
  if (!json)
    g_print ("Bare webrtcbin pair, VP8 %d fps + Opus, %s, %d run(s) of %d s, medians\n", fps,
             netns != NULL ? "two namespaces over a veth" : "one namespace", runs, duration);

  for (guint r = 0; res_list[r] != NULL; r++)
    {
      guint w, h;
      GArray *ff[2], *cpu[2], *rss[2];
      g_autoptr(GArray) g2g = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) fps_in = g_array_new (FALSE, FALSE, sizeof (double));

      for (guint i = 0; i < 2; i++)
        {
          ff[i] = g_array_new (FALSE, FALSE, sizeof (double));
          cpu[i] = g_array_new (FALSE, FALSE, sizeof (double));
          rss[i] = g_array_new (FALSE, FALSE, sizeof (double));
        }
      if (sscanf (res_list[r], "%ux%u", &w, &h) != 2)
        {
          g_printerr ("Bad resolution %s\n", res_list[r]);
          return 2;
        }
      for (int run = 0; run < runs; run++)
        {
          PeerResult res[2] = { 0 };
          gboolean ok = run_pair (self_exe, netns, w, h, (guint) duration, res);

          if (json)
            g_print ("{\"pairing\":\"bare\",\"resolution\":\"%ux%u\",\"ok\":%s,"
                     "\"first_frame_ms\":[%.1f,%.1f],\"glass_ms\":[%.1f,%.1f],\"cpu_s_per_min\":[%.2f,%.2f],"
                     "\"rss_mb\":[%.1f,%.1f],\"fps_in\":[%.1f,%.1f]}\n",
                     w, h, ok ? "true" : "false", res[0].first_frame_ms, res[1].first_frame_ms,
                     res[0].glass_ms, res[1].glass_ms, res[0].cpu_s_per_min, res[1].cpu_s_per_min,
                     res[0].rss_mb, res[1].rss_mb, res[0].fps_in, res[1].fps_in);
          if (!ok)
            continue;
          for (guint i = 0; i < 2; i++)
            {
              g_array_append_val (ff[i], res[i].first_frame_ms);
              g_array_append_val (cpu[i], res[i].cpu_s_per_min);
              g_array_append_val (rss[i], res[i].rss_mb);
              g_array_append_val (g2g, res[i].glass_ms);
              g_array_append_val (fps_in, res[i].fps_in);
            }
        }
      if (!json)
        g_print ("%-9s  first frame ms %6.0f / %6.0f  glass-to-glass ms %5.0f  CPU s/min %5.1f / %5.1f  "
                 "peak RSS MB %5.1f / %5.1f  fps in %4.1f  (%u ok runs; offerer / answerer)\n",
                 res_list[r], median (ff[0]), median (ff[1]), median (g2g), median (cpu[0]), median (cpu[1]),
                 median (rss[0]), median (rss[1]), median (fps_in), ff[0]->len);
      for (guint i = 0; i < 2; i++)
        {
          g_array_unref (ff[i]);
          g_array_unref (cpu[i]);
          g_array_unref (rss[i]);
        }
    }
  return 0;
}
