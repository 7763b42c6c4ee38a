/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SDP and stats helpers behind TcCallSession, on synthetic input. */
#include <check.h>
#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>

#include "tc-call-media.h"

/* Shaped like a browser's offer: audio first, several video codecs, H.264 high first. */
static const char *offer =
  "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
  "a=group:BUNDLE 0 1 2\r\n"
  "m=audio 9 UDP/TLS/RTP/SAVPF 111 63\r\n"
  "a=mid:0\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
  "a=rtpmap:63 red/48000/2\r\n"
  "m=video 0 UDP/TLS/RTP/SAVPF 100 101 102 103 104\r\n"
  "a=bundle-only\r\na=mid:1\r\n"
  "a=rtpmap:100 H264/90000\r\na=fmtp:100 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640c1f\r\n"
  "a=rtpmap:101 rtx/90000\r\na=fmtp:101 apt=100\r\n"
  "a=rtpmap:102 H264/90000\r\na=fmtp:102 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f\r\n"
  "a=rtpmap:103 H264/90000\r\na=fmtp:103 level-asymmetry-allowed=1; packetization-mode=1;profile-level-id=42e01f\r\n"
  "a=rtpmap:104 VP8/90000\r\n"
  "m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\na=bundle-only\r\na=mid:2\r\n";

static GstSDPMessage *
parse (const char *text)
{
  GstSDPMessage *msg = NULL;

  ck_assert_int_eq (gst_sdp_message_new_from_text (text, &msg), GST_SDP_OK);
  return msg;
}

START_TEST (test_find_payloads)
{
  g_autoptr(GstSDPMessage) msg = parse (offer);
  g_autofree char *profile = NULL;
  guint line = 99;

  ck_assert_int_eq (tc_call_media_find_payload (msg, "audio", "OPUS", &line), 111);
  ck_assert_uint_eq (line, 0);
  /* bundle-only m-lines have port 0 but are not rejected. */
  ck_assert_int_eq (tc_call_media_find_payload (msg, "video", "VP8", &line), 104);
  ck_assert_uint_eq (line, 1);
  ck_assert_int_eq (tc_call_media_find_payload (msg, "video", "AV1", NULL), -1);
  ck_assert_int_eq (tc_call_media_find_payload (msg, "text", "VP8", NULL), -1);

  /* Not the high profile, not packetization-mode 0: the constrained baseline one. */
  ck_assert_int_eq (tc_call_media_find_h264 (msg, &profile), 103);
  ck_assert_str_eq (profile, "42e01f");
}
END_TEST

START_TEST (test_rejected_media)
{
  g_autoptr(GstSDPMessage) msg = parse ("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                                        "m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n");
  g_autofree char *profile = NULL;

  ck_assert_int_eq (tc_call_media_find_payload (msg, "video", "VP8", NULL), -1);
  ck_assert_int_eq (tc_call_media_find_h264 (msg, &profile), -1);
  ck_assert_ptr_null (profile);
}
END_TEST

START_TEST (test_mids)
{
  g_autoptr(GstSDPMessage) msg = parse (offer);
  g_autoptr(GPtrArray) mids = tc_call_media_get_mids (msg);

  ck_assert_uint_eq (mids->len, 3);
  ck_assert_str_eq (g_ptr_array_index (mids, 0), "0");
  ck_assert_str_eq (g_ptr_array_index (mids, 2), "2");
}
END_TEST

static GstStructure *
entry (GstWebRTCStatsType type,
       const char        *first_field,
       ...)
{
  GstStructure *s = gst_structure_new ("entry", "type", GST_TYPE_WEBRTC_STATS_TYPE, type, NULL);
  va_list args;

  va_start (args, first_field);
  gst_structure_set_valist (s, first_field, args);
  va_end (args);
  return s;
}

static void
take (GstStructure *reply,
      const char   *id,
      GstStructure *s)
{
  gst_structure_set (reply, id, GST_TYPE_STRUCTURE, s, NULL);
  gst_structure_free (s);
}

START_TEST (test_parse_stats)
{
  g_autoptr(GstStructure) reply = gst_structure_new_empty ("application/x-webrtc-stats");
  TcRawStats raw;

  take (reply, "in-a", entry (GST_WEBRTC_STATS_INBOUND_RTP, "kind", G_TYPE_STRING, "audio",
                              "bytes-received", G_TYPE_UINT64, (guint64) 1000,
                              "packets-received", G_TYPE_UINT64, (guint64) 10,
                              "packets-lost", G_TYPE_INT64, (gint64) 2,
                              "jitter", G_TYPE_DOUBLE, 0.004, NULL));
  take (reply, "in-v", entry (GST_WEBRTC_STATS_INBOUND_RTP, "kind", G_TYPE_STRING, "video",
                              "bytes-received", G_TYPE_UINT64, (guint64) 5000,
                              "packets-received", G_TYPE_UINT64, (guint64) 20,
                              "packets-lost", G_TYPE_INT64, (gint64) -1,
                              "jitter", G_TYPE_DOUBLE, 0.010, NULL));
  take (reply, "out", entry (GST_WEBRTC_STATS_OUTBOUND_RTP, "bytes-sent", G_TYPE_UINT64, (guint64) 7000, NULL));
  take (reply, "rin", entry (GST_WEBRTC_STATS_REMOTE_INBOUND_RTP,
                             "fraction-lost", G_TYPE_DOUBLE, 0.25,
                             "round-trip-time", G_TYPE_DOUBLE, 0.040,
                             "packets-lost", G_TYPE_INT64, (gint64) 3, NULL));
  take (reply, "pair", entry (GST_WEBRTC_STATS_CANDIDATE_PAIR,
                              "local-candidate-id", G_TYPE_STRING, "lc",
                              "remote-candidate-id", G_TYPE_STRING, "rc", NULL));
  take (reply, "lc", entry (GST_WEBRTC_STATS_LOCAL_CANDIDATE, "candidate-type", G_TYPE_STRING, "relay",
                            "address", G_TYPE_STRING, "10.0.0.1", "port", G_TYPE_UINT, 3478, NULL));
  take (reply, "rc", entry (GST_WEBRTC_STATS_REMOTE_CANDIDATE, "candidate-type", G_TYPE_STRING, "srflx",
                            "address", G_TYPE_STRING, "::1", "port", G_TYPE_UINT, 5000, NULL));
  gst_structure_set (reply, "junk", G_TYPE_STRING, "ignored", NULL);

  tc_call_media_parse_stats (reply, &raw);
  ck_assert_uint_eq (raw.bytes_in, 6000);
  ck_assert_uint_eq (raw.audio_bytes_in, 1000);
  ck_assert_uint_eq (raw.video_bytes_in, 5000);
  ck_assert_uint_eq (raw.bytes_out, 7000);
  ck_assert_uint_eq (raw.packets_in, 30);
  ck_assert_int_eq (raw.lost_in, 2);
  ck_assert_int_eq (raw.lost_out, 3);
  ck_assert_double_eq_tol (raw.loss_out, 0.25, 1e-9);
  ck_assert_double_eq_tol (raw.rtt_ms, 40.0, 1e-9);
  ck_assert_double_eq_tol (raw.jitter_ms, 10.0, 1e-9);
  ck_assert_int_eq (raw.local_type, TC_CANDIDATE_TYPE_RELAY);
  ck_assert_int_eq (raw.remote_type, TC_CANDIDATE_TYPE_SRFLX);
  ck_assert_str_eq (raw.local_address, "10.0.0.1:3478");
  ck_assert_str_eq (raw.remote_address, "[::1]:5000");

  /* No reply: everything unknown. */
  tc_call_media_parse_stats (NULL, &raw);
  ck_assert (raw.rtt_ms < 0 && raw.loss_out < 0 && raw.jitter_ms < 0);
  ck_assert_uint_eq (raw.bytes_in, 0);
}
END_TEST

int
main (int argc, char **argv)
{
  Suite *s = suite_create ("call-media");
  TCase *tc = tcase_create ("core");
  SRunner *sr;
  int failed;

  gst_init (&argc, &argv);
  tcase_add_test (tc, test_find_payloads);
  tcase_add_test (tc, test_rejected_media);
  tcase_add_test (tc, test_mids);
  tcase_add_test (tc, test_parse_stats);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
