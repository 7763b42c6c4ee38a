/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A station (the offerer, clinical-tracks on) and a practitioner in one process over loopback:
 * the exam camera and the stethoscope are in the first offer, silent until switched on; the exam
 * camera's frames then reach the other side without renegotiation; a still crosses byte for byte
 * over the data channel. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "tc-call-fixture.h"
#include "tc-still-transfer.h"
#include "tc-tone-meter.h"

typedef struct {
  gint face_frames;          /* atomic */
  gint exam_frames;          /* atomic */
  gint exam_preview_frames;  /* atomic */
  guint n_descriptions;
  guint n_audio_sinks;
  TcToneMeter *stethoscope_meter;   /* atomic pointer: fed from the streaming thread */
} Counters;

static Counters station, practitioner;
static TcTestPeer *station_peer, *practitioner_peer;

static void
on_frame (GstElement *sink,
          GstBuffer  *buffer,
          GstPad     *pad,
          gpointer    user_data)
{
  g_atomic_int_inc ((gint *) user_data);
}

static GstElement *
sink_func (TcVideoSinkRole role,
           gpointer        data)
{
  Counters *c = data;
  gint *counter;
  GstElement *sink;

  switch (role)
    {
    case TC_VIDEO_SINK_ROLE_REMOTE:       counter = &c->face_frames; break;
    case TC_VIDEO_SINK_ROLE_REMOTE_EXAM:  counter = &c->exam_frames; break;
    case TC_VIDEO_SINK_ROLE_EXAM_PREVIEW: counter = &c->exam_preview_frames; break;
    case TC_VIDEO_SINK_ROLE_LOCAL_PREVIEW:
    default:
      return NULL;
    }
  sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (sink, "sync", TRUE, "async", FALSE, "signal-handoffs", TRUE, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (on_frame), counter);
  return sink;
}

static void
on_audio (GstElement *sink,
          GstBuffer  *buffer,
          GstPad     *pad,
          gpointer    user_data)
{
  Counters *c = user_data;
  TcToneMeter *meter = g_atomic_pointer_get (&c->stethoscope_meter);
  GstMapInfo map;

  if (meter != NULL && gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      tc_tone_meter_add_s16 (meter, (const gint16 *) map.data, map.size / 2);
      gst_buffer_unmap (buffer, &map);
    }
}

/* The session asks for the voice's sink at start() and for the stethoscope's when the
 * description with a second audio m-line is set: the second sink is the stethoscope's. */
static GstElement *
audio_sink_func (gpointer data)
{
  Counters *c = data;
  GstElement *bin, *filter, *sink;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstPad) pad = NULL;

  if (++c->n_audio_sinks != 2)
    return NULL;
  bin = gst_bin_new ("stethoscope-out");
  filter = gst_element_factory_make ("capsfilter", NULL);
  caps = gst_caps_from_string ("audio/x-raw,format=S16LE,rate=48000,channels=1");
  g_object_set (filter, "caps", caps, NULL);
  sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (sink, "sync", TRUE, "async", FALSE, "signal-handoffs", TRUE, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (on_audio), c);
  gst_bin_add_many (GST_BIN (bin), filter, sink, NULL);
  gst_element_link (filter, sink);
  pad = gst_element_get_static_pad (filter, "sink");
  gst_element_add_pad (bin, gst_ghost_pad_new ("sink", pad));
  return bin;
}

/* Measures the stethoscope's 80 Hz test tone at the practitioner for @ms after a warm-up. */
static double
stethoscope_level (guint ms)
{
  TcToneMeter *meter = tc_tone_meter_new (48000, 80, 48000 / 2);
  double db;

  g_atomic_pointer_set (&practitioner.stethoscope_meter, meter);
  tc_test_call_run_for (500 + ms);
  g_atomic_pointer_set (&practitioner.stethoscope_meter, NULL);
  tc_test_call_run_for (50);   /* a handoff that read the pointer has finished */
  ck_assert_uint_gt (tc_tone_meter_get_n_samples (meter), 48000 * ms / 1000 / 2);
  db = tc_tone_meter_get_tone_dbfs (meter);
  tc_tone_meter_free (meter);
  return db;
}

static void
on_description (TcCallSession *session,
                const char    *type,
                const char    *sdp,
                gpointer       user_data)
{
  ((Counters *) user_data)->n_descriptions++;
}

static gboolean
faces_flowing (TcTestCall *call)
{
  return tc_test_call_connected (call) &&
         g_atomic_int_get (&station.face_frames) > 10 && g_atomic_int_get (&practitioner.face_frames) > 10;
}

static gboolean
exam_arrived (TcTestCall *call)
{
  return g_atomic_int_get (&practitioner.exam_frames) > 10;
}

static gint exam_target;

static gboolean
exam_resumed (TcTestCall *call)
{
  return g_atomic_int_get (&practitioner.exam_frames) >= exam_target;
}

static guint
count_lines (const char *sdp,
             const char *prefix)
{
  g_auto(GStrv) lines = g_strsplit (sdp, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      n++;
  return n;
}

static gboolean
has_message (TcTestPeer *peer,
             const char *type)
{
  for (guint i = 0; i < peer->messages->len; i++)
    if (strstr (peer->messages->pdata[i], type) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
request_arrived (TcTestCall *call)
{
  return has_message (station_peer, "\"still-request\"");
}

static gboolean
end_arrived (TcTestCall *call)
{
  return has_message (practitioner_peer, "\"still-end\"");
}

static void
on_still (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GError *error = NULL;
  GBytes **out = user_data;

  *out = tc_call_session_take_still_finish (TC_CALL_SESSION (source), result, &error);
  ck_assert_msg (*out != NULL, "%s", error ? error->message : "");
}

static GBytes *still_taken;

static gboolean
still_ready (TcTestCall *call)
{
  return still_taken != NULL;
}

static void
send_still (TcTestCall *call)
{
  g_autoptr(GBytes) image = NULL;
  gsize size = 0;
  const guint8 *data;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = tc_still_request_message ("exam-1");
  g_autoptr(TcStillMessage) req = NULL;
  g_autoptr(TcStillSender) sender = NULL;
  g_autoptr(TcStillReassembler) r = tc_still_reassembler_new (TC_STILL_DEFAULT_MAX_SIZE);
  g_autoptr(GBytes) out = NULL;
  g_autofree char *mime = NULL;
  char *text;
  guint n_still = 0;

  /* The practitioner asks; the station answers with the image. */
  ck_assert (tc_call_session_send_data (practitioner_peer->session, request, &error));
  ck_assert (tc_test_call_wait (call, request_arrived, 10000));
  for (guint i = 0; i < station_peer->messages->len && req == NULL; i++)
    req = tc_still_message_parse (station_peer->messages->pdata[i], NULL);
  ck_assert_ptr_nonnull (req);
  ck_assert_int_eq (req->type, TC_STILL_MESSAGE_REQUEST);

  /* The station takes the exam camera's newest frame as PNG. */
  still_taken = NULL;
  tc_call_session_take_still_async (station_peer->session, FALSE, NULL, on_still, &still_taken);
  ck_assert (tc_test_call_wait (call, still_ready, 10000));
  image = g_steal_pointer (&still_taken);
  data = g_bytes_get_data (image, &size);
  ck_assert_uint_gt (size, 8);
  ck_assert_int_eq (memcmp (data, "\x89PNG\r\n\x1a\n", 8), 0);
  g_print ("still: %" G_GSIZE_FORMAT " bytes of PNG in %u messages\n", size,
           (guint) ((size + TC_STILL_CHUNK_SIZE - 1) / TC_STILL_CHUNK_SIZE + 2));

  sender = tc_still_sender_new (req->id, "image/png", image, TC_STILL_DEFAULT_MAX_SIZE, &error);
  ck_assert_msg (sender != NULL, "%s", error ? error->message : "");
  while ((text = tc_still_sender_next (sender)) != NULL)
    {
      gboolean ok = tc_call_session_send_data (station_peer->session, text, &error);

      g_free (text);
      ck_assert_msg (ok, "%s", error ? error->message : "");
    }
  ck_assert (tc_test_call_wait (call, end_arrived, 20000));

  for (guint i = 0; i < practitioner_peer->messages->len; i++)
    {
      g_autoptr(TcStillMessage) m = tc_still_message_parse (practitioner_peer->messages->pdata[i], NULL);

      if (m == NULL)
        continue;
      n_still++;
      ck_assert_msg (tc_still_reassembler_feed (r, m, &out, &mime, &error), "%s", error ? error->message : "");
    }
  ck_assert_uint_eq (n_still, tc_still_sender_get_n_messages (sender));
  ck_assert_ptr_nonnull (out);
  ck_assert_str_eq (mime, "image/png");
  ck_assert_uint_eq (g_bytes_get_size (out), g_bytes_get_size (image));
  ck_assert (g_bytes_equal (out, image));
}

/* _i == 0: the station offers (clinical-tracks); _i == 1: the practitioner offers
 * (clinical-receive, as the app does) and the station answers. */
START_TEST (test_clinical_tracks)
{
  TcTestCall call;
  guint descriptions_a, descriptions_b;
  double before, after;
  gint paused;
  gboolean station_offers = _i == 0;
  TcTestPeer *st, *pr;

  memset (&station, 0, sizeof station);
  memset (&practitioner, 0, sizeof practitioner);
  tc_test_install_log_guard ();
  tc_test_call_init (&call, 0.0);
  st = station_peer = station_offers ? &call.a : &call.b;
  pr = practitioner_peer = station_offers ? &call.b : &call.a;
  tc_media_factory_set_video_sink_func (st->factory, sink_func, &station, NULL);
  tc_media_factory_set_video_sink_func (pr->factory, sink_func, &practitioner, NULL);
  tc_media_factory_set_audio_sink_func (pr->factory, audio_sink_func, &practitioner, NULL);
  /* Smaller frames: three VP8 encoders on two cores. */
  tc_media_factory_set_resolution (call.a.factory, 320, 240);
  tc_media_factory_set_resolution (call.b.factory, 320, 240);
  tc_call_session_set_clinical_tracks (st->session, TRUE);
  if (!station_offers)
    g_object_set (pr->session, "clinical-receive", TRUE, NULL);
  g_signal_connect (call.a.session, "local-description", G_CALLBACK (on_description),
                    station_offers ? &station : &practitioner);
  g_signal_connect (call.b.session, "local-description", G_CALLBACK (on_description),
                    station_offers ? &practitioner : &station);
  ck_assert (tc_test_call_start (&call));
  ck_assert_msg (tc_test_call_wait (&call, faces_flowing, 20000), "the call did not start");

  /* All four tracks in the first offer, and answered. */
  ck_assert_uint_eq (count_lines (call.a.local_sdp, "m=audio"), 2);
  ck_assert_uint_eq (count_lines (call.a.local_sdp, "m=video"), 2);
  ck_assert_uint_eq (count_lines (call.b.local_sdp, "m=audio"), 2);
  ck_assert_uint_eq (count_lines (call.b.local_sdp, "m=video"), 2);
  if (station_offers)
    ck_assert_uint_eq (count_lines (call.a.local_sdp, "a=sendrecv"), 4);
  else
    {
      ck_assert_uint_eq (count_lines (call.a.local_sdp, "a=recvonly"), 2);
      ck_assert_uint_eq (count_lines (call.b.local_sdp, "a=sendonly"), 2);
    }
  descriptions_a = station.n_descriptions;
  descriptions_b = practitioner.n_descriptions;
  ck_assert_uint_eq (descriptions_a, 1);
  ck_assert_uint_eq (descriptions_b, 1);

  /* Inactive: nothing sent, nothing in the preview. */
  tc_test_call_run_for (1000);
  ck_assert_int_eq (g_atomic_int_get (&practitioner.exam_frames), 0);
  ck_assert_int_eq (g_atomic_int_get (&station.exam_preview_frames), 0);
  ck_assert (!tc_call_session_get_exam_camera_active (st->session));

  /* Switched on mid-call: frames arrive, with no new description. */
  tc_call_session_set_exam_camera_active (st->session, TRUE);
  ck_assert_msg (tc_test_call_wait (&call, exam_arrived, 15000), "exam camera frames did not arrive (%d)",
                 g_atomic_int_get (&practitioner.exam_frames));
  ck_assert_int_gt (g_atomic_int_get (&station.exam_preview_frames), 0);
  ck_assert_uint_eq (station.n_descriptions + practitioner.n_descriptions, descriptions_a + descriptions_b);
  g_print ("exam camera: %d frames received, %d in the station's preview\n",
           g_atomic_int_get (&practitioner.exam_frames), g_atomic_int_get (&station.exam_preview_frames));

  /* Audio-only (the adaptation's last step, or forced) stops the exam camera too. */
  tc_call_session_set_audio_only (st->session, TRUE);
  tc_test_call_run_for (700);
  paused = g_atomic_int_get (&practitioner.exam_frames);
  tc_test_call_run_for (1000);
  ck_assert_int_le (g_atomic_int_get (&practitioner.exam_frames), paused + 1);
  tc_call_session_set_audio_only (st->session, FALSE);
  exam_target = paused + 10;
  ck_assert_msg (tc_test_call_wait (&call, exam_resumed, 15000), "exam camera did not resume");

  /* The stethoscope: silence until switched on, then its tone (the test source: 80 Hz at
   * 0.3 of full scale, -13.5 dBFS) arrives within 3 dB.  Its state is a property the owner
   * reads (and tells the peer about). */
  before = stethoscope_level (1000);
  tc_call_session_set_stethoscope_active (st->session, TRUE);
  ck_assert (tc_call_session_get_stethoscope_active (st->session));
  after = stethoscope_level (2000);
  g_print ("stethoscope through the call, 80 Hz: %.1f dBFS off, %.1f dBFS on (sent -13.5)\n", before, after);
  ck_assert_double_lt (before, -60);
  ck_assert_double_eq_tol (after, 20 * log10 (0.3 / sqrt (2)), 3.0);

  /* A still of the exam camera, requested by the practitioner, byte for byte. */
  send_still (&call);

  ck_assert (tc_test_call_clear (&call));
}
END_TEST

static Suite *
clinical_suite (void)
{
  Suite *s = suite_create ("clinical-tracks");
  TCase *tc = tcase_create ("call");

  tcase_set_timeout (tc, 90);
  tcase_add_loop_test (tc, test_clinical_tracks, 0, 2);
  suite_add_tcase (s, tc);
  return s;
}

int
main (int   argc,
      char *argv[])
{
  SRunner *sr;
  int failed;

  gst_init (&argc, &argv);
  if (!tc_media_factory_has_element ("webrtcbin") || !tc_media_factory_has_element ("vp8enc"))
    {
      g_print ("webrtcbin/vp8enc not installed: skipped\n");
      return 77;
    }
  sr = srunner_create (clinical_suite ());
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
