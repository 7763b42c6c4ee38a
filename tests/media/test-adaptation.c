/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The adaptation's decisions, driven by synthetic one-per-second stats sequences. */
#include <check.h>

#include "tc-adaptation.h"

#define GOOD 0.0, 50.0
#define BAD  0.08, 50.0

/* Feeds @n identical samples; returns how many changed the step. */
static guint
feed (TcAdaptation *a,
      guint         n,
      double        loss,
      double        rtt)
{
  guint changes = 0;

  for (guint i = 0; i < n; i++)
    changes += tc_adaptation_feed_values (a, loss, rtt);
  return changes;
}

START_TEST (test_ladder_shape)
{
  g_autoptr(TcAdaptation) a = tc_adaptation_new (640, 480, 30);
  guint n = tc_adaptation_get_n_levels (a);
  const TcAdaptationStep *top = tc_adaptation_get_step_at (a, 0);

  ck_assert_uint_eq (tc_adaptation_get_level (a), 0);
  ck_assert_uint_eq (top->width, 640);
  ck_assert_uint_eq (top->height, 480);
  ck_assert_uint_eq (top->fps, 30);
  ck_assert (!top->audio_only);
  /* Each step asks less: bitrate first, then resolution, then frame rate, then no video. */
  for (guint i = 1; i + 1 < n; i++)
    {
      const TcAdaptationStep *prev = tc_adaptation_get_step_at (a, i - 1);
      const TcAdaptationStep *cur = tc_adaptation_get_step_at (a, i);

      ck_assert_uint_lt (cur->bitrate_kbps, prev->bitrate_kbps);
      ck_assert_uint_le (cur->width, prev->width);
      ck_assert_uint_le (cur->fps, prev->fps);
      ck_assert (cur->width % 2 == 0 && cur->height % 2 == 0);
    }
  ck_assert_uint_eq (tc_adaptation_get_step_at (a, 1)->width, 640);
  ck_assert_uint_lt (tc_adaptation_get_step_at (a, 3)->width, 640);
  ck_assert_uint_lt (tc_adaptation_get_step_at (a, 4)->fps, 30);
  ck_assert (tc_adaptation_get_step_at (a, n - 1)->audio_only);
}
END_TEST

START_TEST (test_good_network_stays_on_top)
{
  g_autoptr(TcAdaptation) a = tc_adaptation_new (1280, 720, 30);

  ck_assert_uint_eq (feed (a, 120, GOOD), 0);
  ck_assert_uint_eq (tc_adaptation_get_level (a), 0);
  ck_assert_uint_eq (tc_adaptation_get_step (a)->bitrate_kbps, 2500);
  /* Unknown samples change nothing. */
  ck_assert_uint_eq (feed (a, 10, -1, -1), 0);
}
END_TEST

START_TEST (test_one_bad_sample_is_noise)
{
  g_autoptr(TcAdaptation) a = tc_adaptation_new (640, 480, 30);

  for (guint i = 0; i < 30; i++)
    {
      ck_assert (!tc_adaptation_feed_values (a, BAD));
      ck_assert (!tc_adaptation_feed_values (a, GOOD));
    }
  ck_assert_uint_eq (tc_adaptation_get_level (a), 0);
}
END_TEST

START_TEST (test_sustained_loss_steps_down_to_audio_only)
{
  g_autoptr(TcAdaptation) a = tc_adaptation_new (640, 480, 30);
  guint n = tc_adaptation_get_n_levels (a);
  guint last = 0;

  /* Two bad samples to leave the top level... */
  ck_assert (!tc_adaptation_feed_values (a, BAD));
  ck_assert (tc_adaptation_feed_values (a, BAD));
  ck_assert_uint_eq (tc_adaptation_get_level (a), 1);

  /* ...then one level at a time, never faster than one step per hold period. */
  last = tc_adaptation_get_level (a);
  {
    guint since = 0;

    for (guint i = 0; i < 60 && tc_adaptation_get_level (a) + 1 < n; i++)
      {
        since++;
        if (tc_adaptation_feed_values (a, BAD))
          {
            ck_assert_uint_eq (tc_adaptation_get_level (a), last + 1);
            ck_assert_uint_ge (since, TC_ADAPTATION_HOLD);
            since = 0;
          }
        last = tc_adaptation_get_level (a);
      }
  }
  ck_assert_uint_eq (tc_adaptation_get_level (a), n - 1);
  ck_assert (tc_adaptation_get_step (a)->audio_only);
  /* At the floor, more loss changes nothing. */
  ck_assert_uint_eq (feed (a, 20, BAD), 0);
}
END_TEST

START_TEST (test_severe_loss_skips_a_step)
{
  g_autoptr(TcAdaptation) a = tc_adaptation_new (640, 480, 30);

  ck_assert (tc_adaptation_feed_values (a, 0.30, 50));
  ck_assert_uint_eq (tc_adaptation_get_level (a), 2);
  /* RTT alone can be severe too. */
  feed (a, 3, 0.0, 1500);
  ck_assert_uint_ge (tc_adaptation_get_level (a), 4);
}
END_TEST

START_TEST (test_recovery_is_slow_and_steady)
{
  g_autoptr(TcAdaptation) a = tc_adaptation_new (640, 480, 30);
  guint changes;

  feed (a, 6, BAD);
  ck_assert_uint_ge (tc_adaptation_get_level (a), 2);

  /* Seven good seconds are not enough to climb... */
  ck_assert_uint_eq (feed (a, TC_ADAPTATION_UP_AFTER - 1, GOOD), 0);
  /* ...the eighth is. */
  ck_assert (tc_adaptation_feed_values (a, GOOD));

  /* A long good run climbs back to the top, one level per UP_AFTER samples. */
  changes = feed (a, 200, GOOD);
  ck_assert_uint_ge (changes, 1);
  ck_assert_uint_eq (tc_adaptation_get_level (a), 0);
}
END_TEST

START_TEST (test_middling_samples_block_climbing)
{
  g_autoptr(TcAdaptation) a = tc_adaptation_new (640, 480, 30);

  feed (a, 4, BAD);
  ck_assert_uint_eq (tc_adaptation_get_level (a), 1);
  /* 3 % loss: not bad enough to fall, not good enough to climb. */
  ck_assert_uint_eq (feed (a, 100, 0.03, 50), 0);
  ck_assert_uint_eq (tc_adaptation_get_level (a), 1);
}
END_TEST

/* A link that is fine at level 1 but lossy at level 0 must not flap every few seconds: each
 * failed climb doubles the wait. */
START_TEST (test_hysteresis_backs_off)
{
  g_autoptr(TcAdaptation) a = tc_adaptation_new (640, 480, 30);
  guint changes = 0;

  feed (a, 2, BAD);
  ck_assert_uint_eq (tc_adaptation_get_level (a), 1);

  for (guint second = 0; second < 300; second++)
    {
      gboolean on_top = tc_adaptation_get_level (a) == 0;

      if (tc_adaptation_feed_values (a, on_top ? 0.08 : 0.0, 50))
        changes++;
    }
  /* Without back-off: a climb every ~8 s and a fall 3 s later, ~55 changes.  With it:
   * waits of 8, 16, 32, 64, 64… good seconds. */
  ck_assert_uint_le (changes, 14);
  ck_assert_uint_ge (changes, 4);
  ck_assert_uint_eq (tc_adaptation_get_up_after (a), TC_ADAPTATION_UP_AFTER_MAX);
}
END_TEST

START_TEST (test_leaving_audio_only_needs_more_evidence)
{
  g_autoptr(TcAdaptation) a = tc_adaptation_new (640, 480, 30);

  feed (a, 40, 0.5, 50);
  ck_assert (tc_adaptation_get_step (a)->audio_only);
  ck_assert_uint_eq (feed (a, TC_ADAPTATION_UP_AFTER, GOOD), 0);
  ck_assert (tc_adaptation_get_step (a)->audio_only);
  ck_assert_uint_eq (feed (a, TC_ADAPTATION_UP_AFTER, GOOD), 1);
  ck_assert (!tc_adaptation_get_step (a)->audio_only);
}
END_TEST

START_TEST (test_stats_entry_point)
{
  g_autoptr(TcAdaptation) a = tc_adaptation_new (640, 480, 30);
  TcCallStats s;

  tc_call_stats_init (&s);
  /* Loss the peer reports about what we send counts... */
  s.loss_out = 0.1;
  s.loss_in = 0.0;
  s.rtt_ms = 30;
  ck_assert (!tc_adaptation_feed (a, &s));
  ck_assert (tc_adaptation_feed (a, &s));
  ck_assert_uint_eq (tc_adaptation_get_level (a), 1);
  /* ...and so does our own receive loss, even when the peer reports none. */
  s.loss_out = 0.0;
  s.loss_in = 0.1;
  ck_assert (!tc_adaptation_feed (a, &s));
  ck_assert (!tc_adaptation_feed (a, &s));
  ck_assert (tc_adaptation_feed (a, &s));
  ck_assert_uint_eq (tc_adaptation_get_level (a), 2);
  /* Neither known: no decision. */
  s.loss_out = -1;
  s.loss_in = -1;
  s.rtt_ms = -1;
  ck_assert (!tc_adaptation_feed (a, &s));
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("adaptation");
  TCase *tc = tcase_create ("decisions");
  SRunner *sr;
  int failed;

  tcase_add_test (tc, test_ladder_shape);
  tcase_add_test (tc, test_good_network_stays_on_top);
  tcase_add_test (tc, test_one_bad_sample_is_noise);
  tcase_add_test (tc, test_sustained_loss_steps_down_to_audio_only);
  tcase_add_test (tc, test_severe_loss_skips_a_step);
  tcase_add_test (tc, test_recovery_is_slow_and_steady);
  tcase_add_test (tc, test_middling_samples_block_climbing);
  tcase_add_test (tc, test_hysteresis_backs_off);
  tcase_add_test (tc, test_leaving_audio_only_needs_more_evidence);
  tcase_add_test (tc, test_stats_entry_point);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
