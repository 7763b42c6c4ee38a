/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Both clients forced through coturn (--relay-only): the server hands out TURN REST
 * credentials, the selected pair is a relay pair on both sides, media flows, and what
 * the veth carries is TURN wrapping DTLS and SRTP only. Root only. */
#include <check.h>

#include "tc-e2e-call.h"
#include "tc-pcap.h"

START_TEST (test_call_through_turn)
{
  TcTestNetns *netns = tc_e2e_netns ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TcE2eCall) call = NULL;
  g_autoptr(GSubprocess) tcpdump = NULL;
  g_autofree char *pcap = NULL;
  g_autoptr(TcPcapSummary) summary = NULL;
  g_autofree char *text = NULL;
  const char *args[] = { "--relay-only", "--send-data", "3", NULL };
  TcE2eClient *sides[2];

  ck_assert_ptr_nonnull (netns);
  if (!tc_test_turn_available ())
    return;
  call = tc_e2e_call_new (netns, TRUE, &error);
  ck_assert_msg (call != NULL, "%s", error ? error->message : "");
  pcap = g_build_filename (call->dir, "veth.pcap", NULL);
  tcpdump = tc_test_netns_start_capture (netns, pcap, &error);
  ck_assert_msg (tcpdump != NULL, "%s", error ? error->message : "");
  ck_assert_msg (tc_e2e_call_start (call, args, NULL, NULL, &error), "%s", error ? error->message : "");
  sides[0] = call->practitioner;
  sides[1] = call->patient;

  tc_e2e_call_assert_connected (call, 40000);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *st;

      ck_assert_msg (tc_e2e_client_wait_frames_total (sides[i], 30, 25000), "%s: video does not flow", sides[i]->label);
      st = tc_e2e_client_last (sides[i], "stats");
      ck_assert_str_eq (json_object_get_string_member_with_default (st, "pair_type", ""), "relay");
      ck_assert_msg (tc_e2e_client_wait (sides[i], "data", NULL, NULL, NULL, 10000) != NULL,
                     "%s: no data-channel message through the relay", sides[i]->label);
    }
  /* One allocation per client at least (coturn's own log). */
  ck_assert_uint_ge (tc_test_turn_count_allocations (call->turn), 2);

  ck_assert (tc_test_netns_stop_capture (tcpdump, &error));
  summary = tc_pcap_summarize (pcap, &error);
  ck_assert_msg (summary != NULL, "%s", error ? error->message : "");
  text = tc_pcap_summary_to_string (summary);
  g_printerr ("veth capture: %s\n", text);
  ck_assert_msg (summary->stun > 0 && summary->dtls_handshake > 0, "%s", text);
  ck_assert_msg (summary->rtp > 50 && summary->srtcp > 0, "%s", text);
  ck_assert_msg (summary->rtcp_plain == 0 && summary->plain_vp8_keyframes == 0 && summary->other == 0, "%s", text);
  /* Audio and video both crossed the relay, both ways: two payload types with traffic
   * in each direction (the headers of SRTP are clear). */
  ck_assert_msg (tc_pcap_two_way_payload_types (summary, 20) >= 2, "audio or video missing on the wire: %s", text);
  for (guint i = 0; i < 2; i++)
    if (tc_e2e_client_max_stat (sides[i], "audio_in.kbps", 60000) <= 0)
      g_printerr ("NOTE %s: the stats never show audio received, though the wire carries it\n", sides[i]->label);
}
END_TEST

int
main (void)
{
  const void *tests[] = { test_call_through_turn, NULL };

  return tc_e2e_main ("call-turn", tests, 120);
}
