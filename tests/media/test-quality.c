/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <check.h>

#include "tc-call-stats.h"
#include "tc-quality.h"

static TcCallStats
sample (double loss_in, double loss_out, double rtt, double jitter)
{
  TcCallStats s;

  tc_call_stats_init (&s);
  s.loss_in = loss_in;
  s.loss_out = loss_out;
  s.rtt_ms = rtt;
  s.jitter_in_ms = jitter;
  return s;
}

START_TEST (test_levels)
{
  TcCallStats s;

  s = sample (-1, -1, -1, -1);
  ck_assert_int_eq (tc_quality_evaluate (&s), TC_QUALITY_UNKNOWN);
  s = sample (0.0, 0.0, 20, 5);
  ck_assert_int_eq (tc_quality_evaluate (&s), TC_QUALITY_GOOD);
  s = sample (0.0, -1, -1, -1);
  ck_assert_int_eq (tc_quality_evaluate (&s), TC_QUALITY_GOOD);
  s = sample (0.05, 0.0, 20, 5);
  ck_assert_int_eq (tc_quality_evaluate (&s), TC_QUALITY_FAIR);
  s = sample (0.0, 0.0, 300, 5);
  ck_assert_int_eq (tc_quality_evaluate (&s), TC_QUALITY_FAIR);
  s = sample (0.0, 0.0, 20, 50);
  ck_assert_int_eq (tc_quality_evaluate (&s), TC_QUALITY_FAIR);
  s = sample (0.0, 0.15, 20, 5);
  ck_assert_int_eq (tc_quality_evaluate (&s), TC_QUALITY_POOR);
  s = sample (0.0, 0.0, 800, 5);
  ck_assert_int_eq (tc_quality_evaluate (&s), TC_QUALITY_POOR);
  s = sample (0.0, 0.0, 20, 150);
  ck_assert_int_eq (tc_quality_evaluate (&s), TC_QUALITY_POOR);
}
END_TEST

START_TEST (test_thresholds_are_edges)
{
  TcCallStats s = sample (TC_QUALITY_GOOD_MAX_LOSS, 0, 10, 1);

  /* The GOOD bound is exclusive, the POOR bound inclusive. */
  ck_assert_int_eq (tc_quality_evaluate (&s), TC_QUALITY_FAIR);
  s = sample (TC_QUALITY_POOR_MIN_LOSS, 0, 10, 1);
  ck_assert_int_eq (tc_quality_evaluate (&s), TC_QUALITY_POOR);
  s = sample (TC_QUALITY_POOR_MIN_LOSS - 0.001, 0, 10, 1);
  ck_assert_int_eq (tc_quality_evaluate (&s), TC_QUALITY_FAIR);
}
END_TEST

START_TEST (test_effective_loss)
{
  TcCallStats s = sample (0.01, 0.2, -1, -1);

  ck_assert_double_eq_tol (tc_quality_effective_loss (&s), 0.2, 1e-9);
  s = sample (0.3, -1, -1, -1);
  ck_assert_double_eq_tol (tc_quality_effective_loss (&s), 0.3, 1e-9);
  s = sample (-1, -1, -1, -1);
  ck_assert (tc_quality_effective_loss (&s) < 0);
  s = sample (2.0, -1, -1, -1);
  ck_assert_double_eq_tol (tc_quality_effective_loss (&s), 1.0, 1e-9);
}
END_TEST

START_TEST (test_pair_type)
{
  TcCallStats s;

  tc_call_stats_init (&s);
  ck_assert_int_eq (tc_call_stats_get_pair_type (&s), TC_CANDIDATE_TYPE_UNKNOWN);
  s.local_candidate_type = TC_CANDIDATE_TYPE_HOST;
  s.remote_candidate_type = TC_CANDIDATE_TYPE_HOST;
  ck_assert_int_eq (tc_call_stats_get_pair_type (&s), TC_CANDIDATE_TYPE_HOST);
  s.remote_candidate_type = TC_CANDIDATE_TYPE_SRFLX;
  ck_assert_int_eq (tc_call_stats_get_pair_type (&s), TC_CANDIDATE_TYPE_SRFLX);
  s.local_candidate_type = TC_CANDIDATE_TYPE_RELAY;
  ck_assert_int_eq (tc_call_stats_get_pair_type (&s), TC_CANDIDATE_TYPE_RELAY);

  ck_assert_int_eq (tc_candidate_type_from_string ("relay"), TC_CANDIDATE_TYPE_RELAY);
  ck_assert_int_eq (tc_candidate_type_from_string ("srflx"), TC_CANDIDATE_TYPE_SRFLX);
  ck_assert_int_eq (tc_candidate_type_from_string ("prflx"), TC_CANDIDATE_TYPE_PRFLX);
  ck_assert_int_eq (tc_candidate_type_from_string ("host"), TC_CANDIDATE_TYPE_HOST);
  ck_assert_int_eq (tc_candidate_type_from_string ("bogus"), TC_CANDIDATE_TYPE_UNKNOWN);
  ck_assert_int_eq (tc_candidate_type_from_string (NULL), TC_CANDIDATE_TYPE_UNKNOWN);
  ck_assert_str_eq (tc_candidate_type_to_string (TC_CANDIDATE_TYPE_RELAY), "relay");
}
END_TEST

START_TEST (test_boxed_copy)
{
  g_autoptr(TcCallStats) a = tc_call_stats_new ();
  g_autoptr(TcCallStats) b = NULL;

  a->bitrate_in_kbps = 123;
  g_strlcpy (a->local_address, "127.0.0.1:5000", sizeof a->local_address);
  b = g_boxed_copy (TC_TYPE_CALL_STATS, a);
  ck_assert_uint_eq (b->bitrate_in_kbps, 123);
  ck_assert_str_eq (b->local_address, "127.0.0.1:5000");
  ck_assert_ptr_ne (a, b);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("quality");
  TCase *tc = tcase_create ("core");
  SRunner *sr;
  int failed;

  tcase_add_test (tc, test_levels);
  tcase_add_test (tc, test_thresholds_are_edges);
  tcase_add_test (tc, test_effective_loss);
  tcase_add_test (tc, test_pair_type);
  tcase_add_test (tc, test_boxed_copy);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
