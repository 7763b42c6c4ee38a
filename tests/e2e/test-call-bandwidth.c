/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 500 kbit/s on the veth (tbf, both directions): each sender's outgoing bitrate settles
 * below the cap and the call stays connected with video still decoded. Root only. */
#include <check.h>

#include "tc-e2e-call.h"

#define CAP_KBIT 500

START_TEST (test_call_adapts_to_a_bandwidth_cap)
{
  TcTestNetns *netns = tc_e2e_netns ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TcE2eCall) call = NULL;
  TcE2eClient *sides[2];
  guint marks[2];
  gint64 deadline;

  ck_assert_ptr_nonnull (netns);
  call = tc_e2e_call_new (netns, FALSE, &error);
  ck_assert_msg (call != NULL, "%s", error ? error->message : "");
  ck_assert_msg (tc_e2e_call_start (call, NULL, NULL, NULL, &error), "%s", error ? error->message : "");
  sides[0] = call->practitioner;
  sides[1] = call->patient;
  tc_e2e_call_assert_connected (call, 30000);
  for (guint i = 0; i < 2; i++)
    ck_assert_msg (tc_e2e_client_wait_frames (sides[i], 30, 20000), "%s: video does not flow", sides[i]->label);

  ck_assert_msg (tc_test_netns_set_rate (netns, TRUE, CAP_KBIT, &error), "%s", error ? error->message : "");
  ck_assert_msg (tc_test_netns_set_rate (netns, FALSE, CAP_KBIT, &error), "%s", error ? error->message : "");
  for (guint i = 0; i < 2; i++)
    marks[i] = sides[i]->events->len;

  /* Give the adaptation up to 40 s to bring both senders under the cap. */
  deadline = g_get_monotonic_time () + 40 * G_USEC_PER_SEC;
  for (;;)
    {
      gboolean under = TRUE;

      for (guint i = 0; i < 2; i++)
        {
          JsonObject *st = tc_e2e_client_last (sides[i], "stats");

          under = under && st != NULL && sides[i]->events->len > marks[i] &&
                  tc_e2e_client_max_stat (sides[i], "kbps_out", 6000) < CAP_KBIT &&
                  tc_e2e_stat (st, "kbps_out") > 0;
        }
      if (under || g_get_monotonic_time () > deadline)
        break;
      tc_e2e_spin (500);
    }
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *st = tc_e2e_client_last (sides[i], "stats");
      const char *left = NULL;

      g_printerr ("%s under %u kbit/s: sending %.0f kbit/s (max over 6 s %.0f), target %.0f kbit/s, "
                  "receiving %.1f fps, quality %.0f\n", sides[i]->label, CAP_KBIT, tc_e2e_stat (st, "kbps_out"),
                  tc_e2e_client_max_stat (sides[i], "kbps_out", 6000), tc_e2e_stat (st, "target_kbps"),
                  tc_e2e_client_video_fps (sides[i], 6000), tc_e2e_stat (st, "quality"));
      ck_assert_msg (tc_e2e_client_max_stat (sides[i], "kbps_out", 6000) < CAP_KBIT,
                     "%s still sends above the cap", sides[i]->label);
      ck_assert_msg (!tc_e2e_client_left_connected (sides[i], marks[i], &left), "%s went %s", sides[i]->label, left);
    }
  /* Still a call: video keeps coming on both sides. */
  for (guint i = 0; i < 2; i++)
    ck_assert_msg (tc_e2e_client_wait_frames (sides[i], 10, 15000), "%s: video stopped under the cap",
                   sides[i]->label);
}
END_TEST

int
main (void)
{
  const void *tests[] = { test_call_adapts_to_a_bandwidth_cap, NULL };

  return tc_e2e_main ("call-bandwidth", tests, 150);
}
