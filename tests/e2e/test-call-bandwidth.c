/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A tbf cap on the veth (both directions): each sender's outgoing bitrate settles below
 * the cap and the call stays connected, with video still decoded (or audio only, the
 * adaptation's last step, when the sender says so). Root only.
 *
 * The cap is 500 kbit/s, or 60 % of what the senders send without it when that is less:
 * the test pattern needs only ~150 kbit/s at 640x480, and a cap that never bites would
 * show nothing. */
#include <check.h>

#include "tc-e2e-call.h"

#define MAX_CAP_KBIT 500

START_TEST (test_call_adapts_to_a_bandwidth_cap)
{
  TcTestNetns *netns = tc_e2e_netns ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TcE2eCall) call = NULL;
  TcE2eClient *sides[2];
  guint marks[2];
  guint cap = MAX_CAP_KBIT;
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

  /* What they send freely, once the encoders settled. */
  tc_e2e_spin (8000);
  for (guint i = 0; i < 2; i++)
    {
      double rate = tc_e2e_client_max_stat (sides[i], "kbps_out", 8000);

      g_printerr ("%s sends %.0f kbit/s without a cap\n", sides[i]->label, rate);
      ck_assert_msg (rate > 0, "%s sends nothing", sides[i]->label);
      cap = MIN (cap, (guint) (rate * 0.6));
    }
  cap = MAX (cap, 64);
  g_printerr ("cap: %u kbit/s\n", cap);

  ck_assert_msg (tc_test_netns_set_rate (netns, TRUE, cap, &error), "%s", error ? error->message : "");
  ck_assert_msg (tc_test_netns_set_rate (netns, FALSE, cap, &error), "%s", error ? error->message : "");
  for (guint i = 0; i < 2; i++)
    marks[i] = sides[i]->events->len;

  /* Up to 40 s for the adaptation: two stats in a row under the cap, on each side. */
  for (guint i = 0; i < 2; i++)
    {
      guint from = marks[i];
      guint under = 0;
      JsonObject *st = NULL;
      const char *left = NULL;

      deadline = g_get_monotonic_time () + 40 * G_USEC_PER_SEC;
      while (under < 2 && g_get_monotonic_time () < deadline)
        {
          st = tc_e2e_client_wait (sides[i], "stats", NULL, NULL, &from, 1000);
          if (st != NULL)
            under = tc_e2e_stat (st, "kbps_out") < cap ? under + 1 : 0;
        }
      st = tc_e2e_client_last (sides[i], "stats");
      g_printerr ("%s under %u kbit/s: sending %.0f kbit/s, target %.0f kbit/s, quality %.0f, "
                  "receiving %.1f fps at %.0fx%.0f\n", sides[i]->label, cap, tc_e2e_stat (st, "kbps_out"),
                  tc_e2e_stat (st, "target_kbps"), tc_e2e_stat (st, "quality"),
                  tc_e2e_client_video_fps (sides[i], 6000), tc_e2e_stat (st, "video_in.width"),
                  tc_e2e_stat (st, "video_in.height"));
      ck_assert_msg (under >= 2, "%s still sends above the cap after 40 s", sides[i]->label);
      ck_assert_msg (!tc_e2e_client_left_connected (sides[i], marks[i], &left), "%s went %s", sides[i]->label, left);
    }
  /* Still a call: video keeps coming on both sides, unless its sender went audio-only. */
  for (guint i = 0; i < 2; i++)
    {
      gboolean flowing = tc_e2e_client_wait_frames (sides[i], 10, 15000);
      gboolean sender_audio_only = tc_e2e_client_max_stat (sides[1 - i], "audio_only", 15000) > 0;

      g_printerr ("%s under the cap: video %s%s\n", sides[i]->label, flowing ? "still decoded" : "stopped",
                  sender_audio_only ? " (the other side went audio-only)" : "");
      ck_assert_msg (flowing || sender_audio_only, "%s: video stopped under the cap", sides[i]->label);
    }
}
END_TEST

int
main (void)
{
  const void *tests[] = { test_call_adapts_to_a_bandwidth_cap, NULL };

  return tc_e2e_main ("call-bandwidth", tests, 150);
}
