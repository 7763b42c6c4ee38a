/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The network disappears for 5 s (both veth ends down) and comes back: media flows
 * again within 5 s of the link's return, with nobody touching anything. Root only. */
#include <check.h>

#include "tc-e2e-call.h"

#define CUT_MS 5000
#define RECOVER_MS 5000

START_TEST (test_call_survives_a_cut)
{
  TcTestNetns *netns = tc_e2e_netns ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TcE2eCall) call = NULL;
  /* Frequent stats make the recovery time measurable (when the CLI offers it). */
  gboolean fine = tc_e2e_cli_has_option ("--stats-interval");
  const char *args[] = { fine ? "--stats-interval" : NULL, "250", NULL };
  TcE2eClient *sides[2];
  gint64 up_at_ms;

  ck_assert_ptr_nonnull (netns);
  call = tc_e2e_call_new (netns, FALSE, &error);
  ck_assert_msg (call != NULL, "%s", error ? error->message : "");
  ck_assert_msg (tc_e2e_call_start (call, args, NULL, NULL, &error), "%s", error ? error->message : "");
  sides[0] = call->practitioner;
  sides[1] = call->patient;
  tc_e2e_call_assert_connected (call, 30000);
  for (guint i = 0; i < 2; i++)
    ck_assert_msg (tc_e2e_client_wait_frames (sides[i], 30, 20000), "%s: video does not flow", sides[i]->label);

  ck_assert_msg (tc_test_netns_set_link (netns, FALSE, &error), "%s", error ? error->message : "");
  tc_e2e_spin (CUT_MS);
  ck_assert_msg (tc_test_netns_set_link (netns, TRUE, &error), "%s", error ? error->message : "");
  up_at_ms = g_get_monotonic_time () / 1000;

  /* Frames decoded after the return (the counter moves again), on both sides. The
   * bound is RECOVER_MS plus one stats interval, since only stats carry the counter. */
  for (guint i = 0; i < 2; i++)
    {
      guint budget = RECOVER_MS + (fine ? 500 : 5500);
      gint64 waited;
      gboolean flowing = tc_e2e_client_wait_frames (sides[i], 15, budget);

      waited = g_get_monotonic_time () / 1000 - up_at_ms;
      g_printerr ("%s: video flowing again %s %" G_GINT64_FORMAT " ms after the link returned\n",
                  sides[i]->label, flowing ? "within" : "NOT within", waited);
      ck_assert_msg (flowing, "%s: no video within %u ms of the link's return", sides[i]->label, budget);
    }
  for (guint i = 0; i < 2; i++)
    if (!tc_e2e_client_wait_stat_above (sides[i], "audio_in.kbps", 0, 6000))
      g_printerr ("NOTE %s: the stats show no audio received after the cut\n", sides[i]->label);
}
END_TEST

int
main (void)
{
  const void *tests[] = { test_call_survives_a_cut, NULL };

  return tc_e2e_main ("call-cut", tests, 120);
}
