/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A call through 5 % random packet loss on both send paths (netsim as webrtcbin's aux
 * sender, after RTX): NACK/RTX keep video decoding, Opus FEC + PLC keep audio going. */
#include <check.h>
#include <gst/gst.h>

#include "tc-adaptation.h"
#include "tc-call-fixture.h"

#define WINDOW_MS 10000

START_TEST (test_five_percent_loss)
{
  TcTestCall call;
  gint a0, b0, a1, b1;
  double fps_a, fps_b;
  gint64 t0, t1;

  tc_test_call_init (&call, g_getenv ("TC_TEST_LOSS") ? g_ascii_strtod (g_getenv ("TC_TEST_LOSS"), NULL) : 0.05);
  /* Small frames: the machine is shared; the point is loss, not CPU. */
  tc_media_factory_set_resolution (call.a.factory, 320, 240);
  tc_media_factory_set_resolution (call.b.factory, 320, 240);
  if (g_getenv ("TC_TEST_NO_DSP"))
    {
      tc_media_factory_set_voice_processing (call.a.factory, FALSE);
      tc_media_factory_set_voice_processing (call.b.factory, FALSE);
    }
  /* Measure the raw resilience: the adaptation would (rightly) lower the frame rate. */
  g_object_set (call.a.session, "adaptive", g_getenv ("TC_TEST_ADAPTIVE") != NULL, NULL);
  g_object_set (call.b.session, "adaptive", g_getenv ("TC_TEST_ADAPTIVE") != NULL, NULL);
  ck_assert (tc_test_call_start (&call));
  ck_assert_msg (tc_test_call_wait (&call, tc_test_call_media_flowing, 30000),
                 "media did not flow: a video %d audio %d, b video %d audio %d",
                 call.a.video_frames, call.a.audio_buffers, call.b.video_frames, call.b.audio_buffers);
  tc_test_call_run_for (1000);

  g_mutex_lock (&call.a.lock);
  call.a.longest_audio_gap_us = 0;
  call.a.longest_audio_hole = 0;
  g_mutex_unlock (&call.a.lock);
  g_mutex_lock (&call.b.lock);
  call.b.longest_audio_gap_us = 0;
  call.b.longest_audio_hole = 0;
  g_mutex_unlock (&call.b.lock);

  a0 = g_atomic_int_get (&call.a.video_frames);
  b0 = g_atomic_int_get (&call.b.video_frames);
  t0 = g_get_monotonic_time ();
  tc_test_call_run_for (WINDOW_MS);
  a1 = g_atomic_int_get (&call.a.video_frames);
  b1 = g_atomic_int_get (&call.b.video_frames);
  t1 = g_get_monotonic_time ();

  fps_a = (a1 - a0) / ((t1 - t0) / 1e6);
  fps_b = (b1 - b0) / ((t1 - t0) / 1e6);
  g_printerr ("fps out a %.1f b %.1f\n", call.a.stats.fps_out, call.b.stats.fps_out);
  g_printerr ("5%% loss: video %.1f fps at a, %.1f fps at b; longest audio gap %.0f ms at a, %.0f ms at b; "
              "loss reported: a out %.3f in %.3f, b out %.3f in %.3f; lost in a %" G_GINT64_FORMAT " b %" G_GINT64_FORMAT "\n",
              fps_a, fps_b, call.a.longest_audio_gap_us / 1000.0, call.b.longest_audio_gap_us / 1000.0,
              call.a.stats.loss_out, call.a.stats.loss_in, call.b.stats.loss_out, call.b.stats.loss_in,
              call.a.stats.packets_lost_in, call.b.stats.packets_lost_in);

  ck_assert_msg (fps_a >= 20.0 && fps_b >= 20.0, "video fell to %.1f / %.1f fps", fps_a, fps_b);
  /* The loss is real: the receivers saw it. */
  ck_assert (call.a.stats.packets_lost_in > 0 || call.b.stats.packets_lost_in > 0 ||
             call.a.stats.loss_out > 0 || call.b.stats.loss_out > 0);
  g_printerr ("longest hole in the decoded audio (media time): %.0f ms at a, %.0f ms at b\n",
              call.a.longest_audio_hole / 1e6, call.b.longest_audio_hole / 1e6);
  /* Audio never stops: FEC and PLC fill losses (holes are 0 ms on a quiet machine).  The bound
   * is loose because a stall of this shared machine makes packets late, and late is lost. */
  ck_assert_msg (call.a.longest_audio_hole < GST_SECOND && call.b.longest_audio_hole < GST_SECOND,
                 "audio hole %" GST_TIME_FORMAT " / %" GST_TIME_FORMAT,
                 GST_TIME_ARGS (call.a.longest_audio_hole), GST_TIME_ARGS (call.b.longest_audio_hole));
  ck_assert_msg (tc_test_call_clear (&call), "a session was not finalized");
}
END_TEST

static guint top_kbps;

static gboolean
stepped_down (TcTestCall *call)
{
  return call->a.stats.target_bitrate_kbps > 0 && call->a.stats.target_bitrate_kbps < top_kbps;
}

/* Heavy loss: the adaptation lowers what the video sender asks of the encoder. */
START_TEST (test_adaptation_steps_down)
{
  TcTestCall call;
  g_autoptr(TcAdaptation) ladder = tc_adaptation_new (320, 240, 30);

  top_kbps = tc_adaptation_get_step_at (ladder, 0)->bitrate_kbps;
  tc_test_call_init (&call, 0.15);
  tc_media_factory_set_resolution (call.a.factory, 320, 240);
  tc_media_factory_set_resolution (call.b.factory, 320, 240);
  ck_assert (tc_test_call_start (&call));
  ck_assert (tc_test_call_wait (&call, tc_test_call_connected, 20000));
  ck_assert_msg (tc_test_call_wait (&call, stepped_down, 20000),
                 "no step down: target %u kbit/s, loss in %.3f", call.a.stats.target_bitrate_kbps,
                 call.a.stats.loss_in);
  g_printerr ("15%% loss: target bitrate %u -> %u kbit/s, quality %d\n", top_kbps,
              call.a.stats.target_bitrate_kbps, call.a.stats.quality);
  ck_assert_int_ne (call.a.stats.quality, TC_QUALITY_GOOD);
  ck_assert_msg (tc_test_call_clear (&call), "a session was not finalized");
}
END_TEST

int
main (int argc, char **argv)
{
  Suite *s = suite_create ("call-loss");
  TCase *tc = tcase_create ("netsim");
  SRunner *sr;
  int failed;

  gst_init (&argc, &argv);
  tc_test_install_log_guard ();
  if (!tc_media_factory_has_element ("netsim"))
    {
      g_printerr ("netsim is not installed: skipping\n");
      return 77;
    }
  tcase_set_timeout (tc, 90);
  tcase_add_test (tc, test_five_percent_loss);
  tcase_add_test (tc, test_adaptation_steps_down);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
