/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A whole consultation between two namespaces: the real server and the practitioner in
 * ns A, the patient in ns B, over a veth. Both sides decode video and receive audio,
 * data-channel messages cross both ways, the verification codes agree, the selected
 * pair is host-to-host; and the capture of the veth shows only STUN, DTLS and SRTP/SRTCP
 * (no plain RTP or RTCP, no VP8 key frame in clear). Root only. */
#include <check.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tc-e2e-call.h"
#include "tc-pcap.h"

#define MESSAGES 5

/* Video frames keep being decoded and audio keeps arriving. */
static void
assert_media_flowing (TcE2eClient *client)
{
  JsonObject *st;

  ck_assert_msg (tc_e2e_client_wait_frames_total (client, 30, 25000), "%s: video does not flow", client->label);
  st = tc_e2e_client_last (client, "stats");
  if (tc_e2e_client_max_stat (client, "audio_in.kbps", 60000) <= 0)
    g_printerr ("NOTE %s: the stats show no audio received yet (the capture checks the wire)\n", client->label);
  ck_assert_str_eq (json_object_get_string_member_with_default (st, "pair_type", ""), "host");
  g_printerr ("%s: %.1f fps decoded over the last 3 s\n", client->label, tc_e2e_client_video_fps (client, 3000));
}

static void
assert_messages_from (TcE2eClient *client,
                      const char  *sender)
{
  for (guint i = 0; i < MESSAGES; i++)
    {
      g_autofree char *text = g_strdup_printf ("%s-%u", sender, i);

      ck_assert_msg (tc_e2e_client_wait (client, "data", "text", text, NULL, 10000) != NULL,
                     "%s never received “%s”", client->label, text);
    }
}

START_TEST (test_call_between_namespaces)
{
  TcTestNetns *netns = tc_e2e_netns ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TcE2eCall) call = NULL;
  g_autoptr(GSubprocess) tcpdump = NULL;
  g_autofree char *pcap = NULL;
  g_autoptr(TcPcapSummary) summary = NULL;
  g_autofree char *summary_text = NULL;
  const char *args[] = { "--send-data", "5", "--duration", "30", NULL };
  TcE2eClient *sides[2];
  const char *codes[2];
  int status;

  ck_assert_ptr_nonnull (netns);
  call = tc_e2e_call_new (netns, FALSE, &error);
  ck_assert_msg (call != NULL, "%s", error ? error->message : "");
  pcap = g_build_filename (call->dir, "veth.pcap", NULL);
  tcpdump = tc_test_netns_start_capture (netns, pcap, &error);
  ck_assert_msg (tcpdump != NULL, "%s", error ? error->message : "");

  ck_assert_msg (tc_e2e_call_start (call, args, NULL, NULL, &error), "%s", error ? error->message : "");
  sides[0] = call->practitioner;
  sides[1] = call->patient;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *history = NULL;
      JsonObject *connected = tc_e2e_client_wait (sides[i], "call-state", "state", "connected", NULL, 30000);

      history = tc_e2e_client_history (sides[i]);
      ck_assert_msg (connected != NULL, "%s never connected: %s", sides[i]->label, history);
    }
  for (guint i = 0; i < 2; i++)
    {
      ck_assert_msg (tc_e2e_client_wait (sides[i], "first-frame", NULL, NULL, NULL, 15000) != NULL,
                     "%s decoded no frame", sides[i]->label);
      assert_media_flowing (sides[i]);
    }
  assert_messages_from (call->practitioner, "patient");
  assert_messages_from (call->patient, "practitioner");

  for (guint i = 0; i < 2; i++)
    {
      JsonObject *v = tc_e2e_client_wait (sides[i], "verification", NULL, NULL, NULL, 10000);

      ck_assert_msg (v != NULL, "%s shows no verification code", sides[i]->label);
      codes[i] = json_object_get_string_member_with_default (v, "code", "");
    }
  ck_assert_uint_ge (strlen (codes[0]), 4);
  ck_assert_str_eq (codes[0], codes[1]);

  /* --duration: each side hangs up by itself and exits. */
  for (guint i = 0; i < 2; i++)
    {
      ck_assert_msg (tc_e2e_client_wait_exit (sides[i], 30000, &status), "%s did not exit", sides[i]->label);
      g_printerr ("%s exited with status %d\n", sides[i]->label, status);
    }

  ck_assert (tc_test_netns_stop_capture (tcpdump, &error));
  summary = tc_pcap_summarize (pcap, &error);
  ck_assert_msg (summary != NULL, "%s", error ? error->message : "");
  summary_text = tc_pcap_summary_to_string (summary);
  g_printerr ("veth capture: %s\n", summary_text);
  /* ICE, then the DTLS handshake, then SRTP and SRTCP; nothing in clear. */
  ck_assert_msg (summary->stun > 0, "%s", summary_text);
  ck_assert_msg (summary->dtls_handshake > 0, "%s", summary_text);
  ck_assert_msg (summary->rtp > 100, "%s", summary_text);
  ck_assert_msg (summary->srtcp > 0, "%s", summary_text);
  ck_assert_msg (summary->rtcp_plain == 0, "%s", summary_text);
  ck_assert_msg (summary->rtcp_unencrypted_srtcp == 0, "%s", summary_text);
  ck_assert_msg (summary->plain_vp8_keyframes == 0, "%s", summary_text);
  ck_assert_msg (summary->other == 0, "%s", summary_text);
  /* Audio and video crossed both ways (payload types are clear in SRTP headers). */
  ck_assert_msg (tc_pcap_two_way_payload_types (summary, 20) >= 2, "audio or video missing on the wire: %s",
                 summary_text);
}
END_TEST

int
main (void)
{
  const void *tests[] = { test_call_between_namespaces, NULL };

  return tc_e2e_main ("call-netns", tests, 120);
}
