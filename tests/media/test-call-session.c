/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two real webrtcbin peers in one process over 127.0.0.1 (like GStreamer's own webrtcbin
 * tests), with test sources: connection, media both ways, data channel, stats,
 * verification codes, teardown. */
#include <check.h>
#include <string.h>
#include <gst/gst.h>

#include "tc-call-fixture.h"
#include "tc-verification.h"

#define ck_assert_error(err, dom, c) \
  ck_assert_msg ((err) != NULL && (err)->domain == (dom) && (err)->code == (c), \
                 "expected error %d, got %s", (int) (c), (err) ? (err)->message : "none")

static gint *watched_counter;
static gint watched_target;

static gboolean
counter_reached (TcTestCall *call)
{
  return g_atomic_int_get (watched_counter) >= watched_target;
}

/* Waits until @counter grew by @n (within @timeout_ms: generous, the machine is shared). */
static gboolean
wait_growth (TcTestCall *call,
             gint       *counter,
             gint        n,
             guint       timeout_ms)
{
  watched_counter = counter;
  watched_target = g_atomic_int_get (counter) + n;
  return tc_test_call_wait (call, counter_reached, timeout_ms);
}

static gboolean
both_stats_ready (TcTestCall *call)
{
  return call->a.n_stats >= 2 && call->b.n_stats >= 2 &&
         call->a.stats.bitrate_in_kbps > 0 && call->b.stats.bitrate_in_kbps > 0 &&
         call->a.stats.local_address[0] != '\0' && call->b.stats.local_address[0] != '\0' &&
         call->a.stats.fps_in > 0 && call->b.stats.fps_in > 0;
}

static gboolean
messages_arrived (TcTestCall *call)
{
  return call->a.messages->len >= 2 && call->b.messages->len >= 2;
}

static gboolean
codes_ready (TcTestCall *call)
{
  return tc_call_session_get_verification_code (call->a.session) != NULL &&
         tc_call_session_get_verification_code (call->b.session) != NULL;
}

START_TEST (test_two_peers)
{
  TcTestCall call;
  g_autoptr(GError) error = NULL;
  guint fds_before, fds_after;
  const char *code_a, *code_b;
  gint64 t0;

  /* Warm up once so the fd count below does not include GStreamer's lazy globals. */
  tc_call_session_prepare ();
  fds_before = tc_test_count_fds ();

  tc_test_call_init (&call, 0.0);
  /* Descriptions arrive late: the candidates sent before them must be queued, not lost. */
  call.description_delay_ms = 200;
  t0 = g_get_monotonic_time ();
  ck_assert (tc_test_call_start (&call));

  /* Sent before the data channel exists: queued and delivered on open. */
  ck_assert (tc_call_session_send_data (call.a.session, "early from a", &error));
  ck_assert_ptr_null (error);

  ck_assert_msg (tc_test_call_wait (&call, tc_test_call_connected, 20000), "the call never connected");
  g_printerr ("connected after %.0f ms\n", (g_get_monotonic_time () - t0) / 1000.0);
  ck_assert_msg (tc_test_call_wait (&call, tc_test_call_media_flowing, 20000),
                 "media did not flow: a video %d audio %d, b video %d audio %d",
                 call.a.video_frames, call.a.audio_buffers, call.b.video_frames, call.b.audio_buffers);
  g_printerr ("media both ways after %.0f ms\n", (g_get_monotonic_time () - t0) / 1000.0);

  ck_assert (call.a.n_local_candidates > 0 && call.b.n_local_candidates > 0);

  /* Both ways, once the channel is open. */
  ck_assert (tc_call_session_send_data (call.b.session, "early from b", &error));
  ck_assert (tc_call_session_send_data (call.a.session, "hello b", &error));
  ck_assert (tc_call_session_send_data (call.b.session, "hello a", &error));
  ck_assert_msg (tc_test_call_wait (&call, messages_arrived, 10000), "data messages did not arrive");
  ck_assert_str_eq (g_ptr_array_index (call.b.messages, 0), "early from a");
  ck_assert_str_eq (g_ptr_array_index (call.b.messages, 1), "hello b");
  ck_assert_str_eq (g_ptr_array_index (call.a.messages, 0), "early from b");
  ck_assert_str_eq (g_ptr_array_index (call.a.messages, 1), "hello a");

  /* Encrypted media only, and a fingerprint to verify. */
  ck_assert_ptr_nonnull (call.a.local_sdp);
  ck_assert_ptr_nonnull (call.b.local_sdp);
  ck_assert_ptr_nonnull (strstr (call.b.local_sdp, "a=fingerprint:"));
  ck_assert_ptr_nonnull (strstr (call.a.local_sdp, "a=fingerprint:"));
  ck_assert_ptr_nonnull (strstr (call.a.local_sdp, "UDP/TLS/RTP/SAVPF"));
  ck_assert_ptr_null (strstr (call.a.local_sdp, " RTP/AVP"));
  ck_assert_ptr_null (strstr (call.b.local_sdp, " RTP/AVP"));
  ck_assert_ptr_nonnull (strstr (call.a.local_sdp, "useinbandfec=1"));
  ck_assert_ptr_nonnull (strstr (call.a.local_sdp, "a=sendrecv"));
  ck_assert_ptr_null (strstr (call.b.local_sdp, "a=recvonly"));
  ck_assert_ptr_nonnull (strstr (call.a.local_sdp, "nack"));
  ck_assert_ptr_nonnull (strstr (call.a.local_sdp, "webrtc-datachannel"));

  ck_assert (tc_test_call_wait (&call, codes_ready, 5000));
  code_a = tc_call_session_get_verification_code (call.a.session);
  code_b = tc_call_session_get_verification_code (call.b.session);
  ck_assert_int_eq (strlen (code_a), 6);
  ck_assert_str_eq (code_a, code_b);
  ck_assert_str_eq (tc_call_session_get_verification_words (call.a.session),
                    tc_call_session_get_verification_words (call.b.session));

  ck_assert_msg (tc_test_call_wait (&call, both_stats_ready, 10000), "stats never became complete");
  g_printerr ("a: rtt %.1f ms, in %u kbit/s, out %u kbit/s, %.1f fps in %ux%u, pair %s %s -> %s, quality %d\n",
              call.a.stats.rtt_ms, call.a.stats.bitrate_in_kbps, call.a.stats.bitrate_out_kbps,
              call.a.stats.fps_in, call.a.stats.width_in, call.a.stats.height_in,
              tc_candidate_type_to_string (tc_call_stats_get_pair_type (&call.a.stats)),
              call.a.stats.local_address, call.a.stats.remote_address, call.a.stats.quality);
  ck_assert_int_eq (tc_call_stats_get_pair_type (&call.a.stats), TC_CANDIDATE_TYPE_HOST);
  ck_assert_ptr_nonnull (strstr (call.a.stats.local_address, "127.0.0.1"));
  ck_assert (call.a.stats.bitrate_out_kbps > 0 && call.b.stats.bitrate_out_kbps > 0);
  ck_assert_uint_eq (call.a.stats.width_in, 640);
  ck_assert_uint_eq (call.b.stats.height_in, 480);

  /* The end of candidates reached the other side as an empty candidate. */
  ck_assert (call.a.got_end_of_candidates);

  /* Camera off keeps the track (black frames still arrive); mute keeps audio flowing. */
  tc_call_session_set_camera_enabled (call.a.session, FALSE);
  tc_call_session_set_microphone_muted (call.b.session, TRUE);
  ck_assert (wait_growth (&call, &call.b.video_frames, 10, 5000));
  ck_assert (wait_growth (&call, &call.a.audio_buffers, 10, 5000));
  tc_call_session_set_camera_enabled (call.a.session, TRUE);
  tc_call_session_set_microphone_muted (call.b.session, FALSE);
  ck_assert (tc_call_session_get_camera_enabled (call.a.session));

  /* Audio only stops the video, and video comes back (with a fresh keyframe) after. */
  tc_call_session_set_audio_only (call.a.session, TRUE);
  ck_assert (tc_call_session_get_audio_only (call.a.session));
  ck_assert_uint_eq (call.a.n_audio_only_changes, 1);
  tc_test_call_run_for (700);
  {
    gint v = g_atomic_int_get (&call.b.video_frames);

    tc_test_call_run_for (1000);
    ck_assert_int_le (g_atomic_int_get (&call.b.video_frames) - v, 3);
  }
  tc_call_session_set_audio_only (call.a.session, FALSE);
  ck_assert_uint_eq (call.a.n_audio_only_changes, 2);
  ck_assert_msg (wait_growth (&call, &call.b.video_frames, 10, 8000), "video did not come back");

  tc_call_session_stop (call.a.session);
  tc_call_session_stop (call.b.session);
  ck_assert_int_eq (tc_call_session_get_state (call.a.session), TC_CALL_STATE_ENDED);
  ck_assert (!tc_call_session_send_data (call.a.session, "too late", &error));
  g_clear_error (&error);

  ck_assert_msg (tc_test_call_clear (&call), "a session was not finalized");
  fds_after = tc_test_count_fds ();
  g_printerr ("fds before %u after %u\n", fds_before, fds_after);
  ck_assert_uint_le (fds_after, fds_before + 2);
}
END_TEST

/* Another stack numbers its payload types differently: the answerer must send with the
 * offer's numbers, not answer recvonly. */
static char *
renumber_offer (const char *sdp)
{
  g_auto(GStrv) lines = g_strsplit (sdp, "\r\n", -1);
  g_autoptr(GRegex) r96 = g_regex_new ("\\b96\\b", 0, 0, NULL);
  g_autoptr(GRegex) r111 = g_regex_new ("\\b111\\b", 0, 0, NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "m=") || g_str_has_prefix (lines[i], "a=rtpmap:") ||
          g_str_has_prefix (lines[i], "a=rtcp-fb:") || g_str_has_prefix (lines[i], "a=fmtp:"))
        {
          char *a = g_regex_replace_literal (r96, lines[i], -1, 0, "100", 0, NULL);
          char *b = g_regex_replace_literal (r111, a, -1, 0, "109", 0, NULL);

          g_free (a);
          g_free (lines[i]);
          lines[i] = b;
        }
    }
  return g_strjoinv ("\r\n", lines);
}

static gboolean
b_has_pair (TcTestCall *call)
{
  return call->b.stats.local_address[0] != '\0';
}

static gboolean
offerer_receives (TcTestCall *call)
{
  return g_atomic_int_get (&call->a.video_frames) > 10 && g_atomic_int_get (&call->a.audio_buffers) > 10;
}

/* The offer is renumbered on its way (the offerer itself keeps sending 96/111, so only the
 * answerer-to-offerer direction is meaningful here). */
START_TEST (test_foreign_payload_types)
{
  TcTestCall call;

  tc_test_call_init (&call, 0.0);
  call.rewrite_offer = renumber_offer;
  /* And the port range is honoured. */
  g_object_set (call.b.session, "min-port", 47000, "max-port", 47099, NULL);
  ck_assert (tc_test_call_start (&call));
  ck_assert_msg (tc_test_call_wait (&call, offerer_receives, 30000),
                 "the answerer's media did not arrive: video %d audio %d",
                 call.a.video_frames, call.a.audio_buffers);
  ck_assert (tc_test_call_wait (&call, b_has_pair, 10000));
  {
    const char *colon = strrchr (call.b.stats.local_address, ':');
    guint port = colon ? (guint) g_ascii_strtoull (colon + 1, NULL, 10) : 0;

    ck_assert_msg (port >= 47000 && port <= 47099, "local address %s", call.b.stats.local_address);
  }
  ck_assert_ptr_nonnull (strstr (call.b.local_sdp, "a=rtpmap:100 VP8/90000"));
  ck_assert_ptr_nonnull (strstr (call.b.local_sdp, "a=rtpmap:109 OPUS/48000"));
  ck_assert_ptr_null (strstr (call.b.local_sdp, "a=recvonly"));
  ck_assert_msg (tc_test_call_clear (&call), "a session was not finalized");
}
END_TEST

static gboolean
rebuild_requested (TcTestCall *call)
{
  return call->a.n_rebuild > 0;
}

/* The peer vanishes without a word: after the grace period the owner is asked to rebuild. */
START_TEST (test_rebuild_after_peer_vanishes)
{
  TcTestCall call;
  gint64 t0;

  tc_test_call_init (&call, 0.0);
  g_object_set (call.a.session, "grace-period-ms", 1000, NULL);
  ck_assert (tc_test_call_start (&call));
  ck_assert (tc_test_call_wait (&call, tc_test_call_connected, 20000));
  ck_assert_uint_eq (call.a.n_rebuild, 0);

  tc_call_session_stop (call.b.session);
  t0 = g_get_monotonic_time ();
  ck_assert_msg (tc_test_call_wait (&call, rebuild_requested, 40000), "rebuild-needed never came");
  g_printerr ("rebuild-needed %.1f s after the peer vanished\n", (g_get_monotonic_time () - t0) / 1e6);
  ck_assert_int_eq (tc_call_session_get_state (call.a.session), TC_CALL_STATE_RECONNECTING);
  ck_assert_uint_eq (call.a.n_rebuild, 1);
  ck_assert_msg (tc_test_call_clear (&call), "a session was not finalized");
}
END_TEST

START_TEST (test_h264)
{
  TcTestCall call;

  if (!tc_media_factory_has_element ("openh264enc"))
    return;
  tc_test_call_init (&call, 0.0);
  g_object_set (call.a.session, "video-codec", TC_VIDEO_CODEC_H264, NULL);
  g_object_set (call.b.session, "video-codec", TC_VIDEO_CODEC_H264, NULL);
  ck_assert (tc_test_call_start (&call));
  ck_assert_msg (tc_test_call_wait (&call, tc_test_call_media_flowing, 30000),
                 "media did not flow: a video %d audio %d, b video %d audio %d",
                 call.a.video_frames, call.a.audio_buffers, call.b.video_frames, call.b.audio_buffers);
  ck_assert_ptr_nonnull (strstr (call.a.local_sdp, "H264/90000"));
  ck_assert_ptr_nonnull (strstr (call.b.local_sdp, "H264/90000"));
  ck_assert_ptr_null (strstr (call.b.local_sdp, "a=recvonly"));
  ck_assert_msg (tc_test_call_clear (&call), "a session was not finalized");
}
END_TEST

START_TEST (test_bad_input)
{
  g_autoptr(TcMediaFactory) factory = tc_media_factory_new_with_mode (TC_MEDIA_MODE_TEST);
  g_autoptr(TcCallSession) session = tc_call_session_new (factory, TC_CALL_ROLE_ANSWERER);
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = g_strnfill (70000, 'a');
  const char *plain_rtp =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
    "m=audio 9 RTP/AVP 111\r\na=rtpmap:111 OPUS/48000/2\r\n";

  /* Before start. */
  ck_assert (!tc_call_session_set_remote_description (session, "offer", plain_rtp, &error));
  ck_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_STATE);
  g_clear_error (&error);

  /* A start that fails leaves nothing running and says FAILED. */
  {
    g_autoptr(TcCallSession) broken = tc_call_session_new (factory, TC_CALL_ROLE_OFFERER);

    tc_call_session_add_local_address (broken, "not-an-address");
    ck_assert (!tc_call_session_start (broken, &error));
    ck_assert_ptr_nonnull (error);
    g_clear_error (&error);
    ck_assert_int_eq (tc_call_session_get_state (broken), TC_CALL_STATE_FAILED);
    tc_call_session_stop (broken);
  }

  tc_call_session_add_local_address (session, "127.0.0.1");
  ck_assert (tc_call_session_start (session, &error));
  ck_assert (!tc_call_session_start (session, &error));
  g_clear_error (&error);

  ck_assert (!tc_call_session_set_remote_description (session, "answer", plain_rtp, &error));
  ck_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_STATE);
  g_clear_error (&error);
  ck_assert (!tc_call_session_set_remote_description (session, "offer", huge, &error));
  ck_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_SDP);
  g_clear_error (&error);
  ck_assert (!tc_call_session_set_remote_description (session, "offer", "not sdp at all", &error));
  ck_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_SDP);
  g_clear_error (&error);
  /* Unencrypted media is refused. */
  ck_assert (!tc_call_session_set_remote_description (session, "offer", plain_rtp, &error));
  ck_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_SDP);
  g_clear_error (&error);

  ck_assert (!tc_call_session_add_remote_candidate (session, "0", 0, "garbage", &error));
  ck_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_CANDIDATE);
  g_clear_error (&error);
  ck_assert (!tc_call_session_add_remote_candidate (session, "0", 0, huge, &error));
  g_clear_error (&error);
  ck_assert (!tc_call_session_add_remote_candidate (session, NULL, -1, "candidate:1 1 UDP 1 127.0.0.1 9 typ host", &error));
  g_clear_error (&error);
  /* Early candidates are accepted (queued). */
  ck_assert (tc_call_session_add_remote_candidate (session, "0", 0, "candidate:1 1 UDP 2015363327 127.0.0.1 50000 typ host", &error));
  ck_assert (tc_call_session_add_remote_candidate (session, "0", 0, "", &error));

  ck_assert (!tc_call_session_send_data (session, huge, &error));
  ck_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* The channel is not open: messages queue up to 1 MiB, then the sender is told to wait. */
  {
    g_autofree char *chunk = g_strnfill (60000, 'b');
    guint accepted = 0;

    while (tc_call_session_send_data (session, chunk, &error))
      accepted++;
    ck_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BACKPRESSURE);
    g_clear_error (&error);
    ck_assert_uint_eq (accepted, 1024 * 1024 / 60000);
  }

  tc_call_session_stop (session);
  tc_call_session_stop (session);
  ck_assert_int_eq (tc_call_session_get_state (session), TC_CALL_STATE_ENDED);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}
END_TEST

static Suite *
call_session_suite (void)
{
  Suite *s = suite_create ("call-session");
  TCase *tc = tcase_create ("two-peers");

  tcase_set_timeout (tc, 90);
  tcase_add_test (tc, test_bad_input);
  tcase_add_test (tc, test_two_peers);
  tcase_add_test (tc, test_foreign_payload_types);
  tcase_add_test (tc, test_h264);
  tcase_add_test (tc, test_rebuild_after_peer_vanishes);
  suite_add_tcase (s, tc);
  return s;
}

int
main (int argc, char **argv)
{
  SRunner *sr;
  int failed;

  gst_init (&argc, &argv);
  tc_test_install_log_guard ();
  sr = srunner_create (call_session_suite ());
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
