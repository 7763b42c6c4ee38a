/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <check.h>
#include <string.h>

#include "tc-media-error.h"
#include "tc-verification.h"

#define FP_A "sha-256 B6:A0:B4:81:56:B1:34:7C:67:3E:48:F5:77:02:9C:D0:93:92:F0:1B:90:89:63:26:79:23:C4:66:A7:07:73:8F"
#define FP_B "sha-256 DA:FC:1E:61:CB:81:1A:D6:E4:F8:41:EF:EF:6A:01:A8:CD:3A:B4:68:C5:44:AD:73:AC:9C:5C:06:91:3B:A8:4C"
#define FP_M "sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00"

static char *
make_sdp (const char *fingerprint)
{
  return g_strdup_printf ("v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
                          "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
                          "a=fingerprint:%s\r\n"
                          "m=video 0 UDP/TLS/RTP/SAVPF 96\r\n"
                          "a=fingerprint:%s\r\n", fingerprint, fingerprint);
}

START_TEST (test_both_sides_agree)
{
  g_autofree char *sdp_a = make_sdp (FP_A);
  g_autofree char *sdp_b = make_sdp (FP_B);
  g_autofree char *code_a = NULL, *code_b = NULL, *words_a = NULL, *words_b = NULL;
  g_autoptr(GError) error = NULL;

  /* Each side: its own description is local, the other's remote. */
  ck_assert (tc_verification_compute (sdp_a, sdp_b, &code_a, &words_a, &error));
  ck_assert (tc_verification_compute (sdp_b, sdp_a, &code_b, &words_b, &error));
  ck_assert_ptr_null (error);
  ck_assert_str_eq (code_a, code_b);
  ck_assert_str_eq (words_a, words_b);
  ck_assert_int_eq (strlen (code_a), TC_VERIFICATION_CODE_LEN);
  for (guint i = 0; i < 6; i++)
    ck_assert (g_ascii_isdigit (code_a[i]));
  {
    g_auto(GStrv) w = g_strsplit (words_a, " ", -1);

    ck_assert_uint_eq (g_strv_length (w), TC_VERIFICATION_WORD_COUNT);
  }
}
END_TEST

/* A relay that rewrites the fingerprint in the offer to terminate DTLS itself: each side
 * now sees a different pair, and the codes read aloud differ. */
START_TEST (test_rewritten_fingerprint_disagrees)
{
  g_autofree char *sdp_a = make_sdp (FP_A);
  g_autofree char *sdp_b = make_sdp (FP_B);
  g_autofree char *sdp_m = make_sdp (FP_M);
  g_autofree char *code_a = NULL, *code_b = NULL;

  /* A received the relay's fingerprint instead of B's, and B the relay's instead of A's. */
  ck_assert (tc_verification_compute (sdp_a, sdp_m, &code_a, NULL, NULL));
  ck_assert (tc_verification_compute (sdp_b, sdp_m, &code_b, NULL, NULL));
  ck_assert_str_ne (code_a, code_b);

  /* Even a single rewritten direction changes the code. */
  g_clear_pointer (&code_b, g_free);
  ck_assert (tc_verification_compute (sdp_b, sdp_a, &code_b, NULL, NULL));
  ck_assert_str_ne (code_a, code_b);
}
END_TEST

START_TEST (test_normalisation)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *upper = NULL, *lower = NULL;
  g_autofree char *plain = g_strconcat ("v=0\na=fingerprint:", FP_A, NULL);
  g_autofree char *sdp_lower = g_ascii_strdown (plain, -1);
  g_autofree char *sdp_upper = g_strconcat ("v=0\r\na=fingerprint:SHA-256 ", FP_A + 8, "  \r\n", NULL);

  lower = tc_verification_get_fingerprint (sdp_lower, &error);
  ck_assert_ptr_nonnull (lower);
  upper = tc_verification_get_fingerprint (sdp_upper, &error);
  ck_assert_ptr_nonnull (upper);
  ck_assert_str_eq (lower, upper);
  ck_assert_str_eq (upper, FP_A);
}
END_TEST

START_TEST (test_order_independent)
{
  g_autofree char *ab = tc_verification_code_from_fingerprints (FP_A, FP_B);
  g_autofree char *ba = tc_verification_code_from_fingerprints (FP_B, FP_A);
  g_autofree char *wab = tc_verification_words_from_fingerprints (FP_A, FP_B, "fr");
  g_autofree char *wba = tc_verification_words_from_fingerprints (FP_B, FP_A, "fr");

  ck_assert_str_eq (ab, ba);
  ck_assert_str_eq (wab, wba);
}
END_TEST

START_TEST (test_bad_descriptions)
{
  static const char *const bad[] = {
    "v=0\r\n",
    "a=fingerprint:\r\n",
    "a=fingerprint:sha-256\r\n",
    "a=fingerprint:sha-256 ZZ:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE\r\n",
    "a=fingerprint:sha-256 00:11\r\n",
    "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:\r\n",
    "a=fingerprint:sha-256 0:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n",
    "a=fingerprint:averyveryverylongalgorithmname 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n",
  };
  g_autofree char *huge = g_strnfill (70000, 'x');
  g_autofree char *code = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      char *fp = tc_verification_get_fingerprint (bad[i], &error);

      ck_assert_msg (fp == NULL, "accepted %s", bad[i]);
      ck_assert (g_error_matches (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_FINGERPRINT));
    }
  ck_assert_ptr_null (tc_verification_get_fingerprint (huge, NULL));
  ck_assert_ptr_null (tc_verification_get_fingerprint (NULL, NULL));
  ck_assert (!tc_verification_compute ("v=0\r\n", "v=0\r\n", &code, NULL, NULL));
  ck_assert_ptr_null (code);
}
END_TEST

START_TEST (test_word_lists)
{
  const char *const *lists[] = { tc_verification_words_en, tc_verification_words_fr };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = 0; i < TC_VERIFICATION_N_WORDS; i++)
        {
          const char *w = lists[l][i];

          ck_assert_ptr_nonnull (w);
          ck_assert_uint_ge (strlen (w), 2);
          ck_assert_msg (!g_hash_table_contains (seen, w), "duplicate word %s", w);
          g_hash_table_add (seen, (gpointer) w);
          for (const char *p = w; *p; p++)
            ck_assert (g_ascii_islower (*p));
        }
    }
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("verification");
  TCase *tc = tcase_create ("core");
  SRunner *sr;
  int failed;

  tcase_add_test (tc, test_both_sides_agree);
  tcase_add_test (tc, test_rewritten_fingerprint_disagrees);
  tcase_add_test (tc, test_normalisation);
  tcase_add_test (tc, test_order_independent);
  tcase_add_test (tc, test_bad_descriptions);
  tcase_add_test (tc, test_word_lists);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
