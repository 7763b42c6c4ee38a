/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Random UDP loss on the network path (nftables on both veth ends; no netem here):
 * at 5 % video still decodes at >= 20 fps and audio never stops for more than 200 ms;
 * at 10 % the call stays up (numbers printed). Root only.
 *
 * The frame rate is first measured without loss. On a machine too loaded to decode
 * 25 fps even then, the absolute 20 fps says nothing about loss; the test then asks
 * for 80 % of that baseline instead, and says so. */
#include <check.h>

#include "tc-e2e-call.h"

#define WINDOW_MS 12000

static void
apply_loss (TcTestNetns *netns,
            guint        permille)
{
  g_autoptr(GError) error = NULL;

  ck_assert_msg (tc_test_netns_set_loss (netns, TRUE, permille, &error), "%s", error ? error->message : "");
  ck_assert_msg (tc_test_netns_set_loss (netns, FALSE, permille, &error), "%s", error ? error->message : "");
}

START_TEST (test_call_under_loss)
{
  TcTestNetns *netns = tc_e2e_netns ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TcE2eCall) call = NULL;
  TcE2eClient *sides[2];
  double gap_before[2];
  double baseline[2];
  guint marks[2];

  ck_assert_ptr_nonnull (netns);
  call = tc_e2e_call_new (netns, FALSE, &error);
  ck_assert_msg (call != NULL, "%s", error ? error->message : "");
  ck_assert_msg (tc_e2e_call_start (call, NULL, NULL, NULL, &error), "%s", error ? error->message : "");
  sides[0] = call->practitioner;
  sides[1] = call->patient;
  tc_e2e_call_assert_connected (call, 30000);
  for (guint i = 0; i < 2; i++)
    {
      ck_assert_msg (tc_e2e_client_wait_frames (sides[i], 30, 20000), "%s: video does not flow", sides[i]->label);
    }
  tc_e2e_spin (WINDOW_MS);
  for (guint i = 0; i < 2; i++)
    {
      baseline[i] = tc_e2e_client_video_fps (sides[i], WINDOW_MS - 2000);
      gap_before[i] = tc_e2e_stat (tc_e2e_client_last (sides[i], "stats"), "audio_in.max_gap_ms");
      g_printerr ("%s without loss: %.1f fps decoded, longest audio gap so far %.0f ms\n", sides[i]->label,
                  baseline[i], gap_before[i]);
    }

  /* 5 %: still a good call. */
  apply_loss (netns, 50);
  tc_e2e_spin (WINDOW_MS);
  for (guint i = 0; i < 2; i++)
    {
      double fps = tc_e2e_client_video_fps (sides[i], WINDOW_MS - 2000);
      double gap = tc_e2e_stat (tc_e2e_client_last (sides[i], "stats"), "audio_in.max_gap_ms");

      g_printerr ("%s at 5%% loss: %.1f fps decoded, longest audio gap %.0f ms (before the loss %.0f ms), "
                  "loss_in %.3f\n", sides[i]->label, fps, gap, gap_before[i],
                  tc_e2e_stat (tc_e2e_client_last (sides[i], "stats"), "loss_in"));
      if (baseline[i] >= 25)
        ck_assert_msg (fps >= 20, "%s: %.1f fps at 5%% loss", sides[i]->label, fps);
      else
        {
          g_printerr ("NOTE %s: only %.1f fps without loss (machine load): asking for 80%% of it, not 20 fps\n",
                      sides[i]->label, baseline[i]);
          ck_assert_msg (fps >= 0.8 * baseline[i], "%s: %.1f fps at 5%% loss, %.1f without", sides[i]->label, fps,
                         baseline[i]);
        }
      /* The CLI's gap is the longest since the call started. When gaps near the limit
       * already happen without loss (start-up, a loaded machine), the 5 % window cannot
       * be judged against 200 ms: say so instead of guessing. */
      if (gap_before[i] <= 150)
        ck_assert_msg (gap <= 200, "%s: audio stopped for %.0f ms at 5%% loss", sides[i]->label, gap);
      else
        g_printerr ("NOTE %s: audio gaps of %.0f ms without loss: the 200 ms limit is not judged in this run\n",
                    sides[i]->label, gap_before[i]);
      marks[i] = sides[i]->events->len;
    }

  /* 10 %: the call stays up. */
  apply_loss (netns, 100);
  tc_e2e_spin (WINDOW_MS);
  for (guint i = 0; i < 2; i++)
    {
      const char *left = NULL;

      g_printerr ("%s at 10%% loss: %.1f fps decoded, longest audio gap %.0f ms, loss_in %.3f\n", sides[i]->label,
                  tc_e2e_client_video_fps (sides[i], WINDOW_MS - 2000),
                  tc_e2e_stat (tc_e2e_client_last (sides[i], "stats"), "audio_in.max_gap_ms"),
                  tc_e2e_stat (tc_e2e_client_last (sides[i], "stats"), "loss_in"));
      ck_assert_msg (!tc_e2e_client_left_connected (sides[i], marks[i], &left), "%s went %s at 10%% loss",
                     sides[i]->label, left);
    }
  /* Video keeps coming, unless the other side chose to send audio only (the adaptation's
   * last step, by design); either way the call is up and audio crosses. */
  for (guint i = 0; i < 2; i++)
    {
      TcE2eClient *sender = sides[1 - i];
      gboolean flowing = tc_e2e_client_wait_frames (sides[i], 10, 10000);
      gboolean sender_audio_only = tc_e2e_stat (tc_e2e_client_last (sender, "stats"), "audio_only") > 0 ||
                                   tc_e2e_client_max_stat (sender, "audio_only", 15000) > 0;

      g_printerr ("%s at 10%% loss: video %s%s\n", sides[i]->label, flowing ? "still decoded" : "stopped",
                  sender_audio_only ? " (the other side went audio-only)" : "");
      ck_assert_msg (flowing || sender_audio_only, "%s: video stopped at 10%% loss and the sender did not go audio-only",
                     sides[i]->label);
      ck_assert_msg (tc_e2e_client_wait_stat_above (sides[i], "kbps_in", 0, 12000), "%s: nothing received at 10%% loss",
                     sides[i]->label);
    }
  apply_loss (netns, 0);
}
END_TEST

int
main (void)
{
  const void *tests[] = { test_call_under_loss, NULL };

  return tc_e2e_main ("call-loss", tests, 180);
}
