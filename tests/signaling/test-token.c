/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <check.h>
#include <string.h>

#include "tc-token.h"

#define N_UNIQUE 10000

static const char *alphabet_url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char *alphabet_code = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

START_TEST (test_generate_shape)
{
  for (int i = 0; i < 100; i++)
    {
      g_autofree char *t = tc_token_generate ();
      ck_assert_uint_eq (strlen (t), 43);
      ck_assert_uint_eq (strspn (t, alphabet_url), 43);
      ck_assert (tc_token_is_well_formed (t));
    }
}
END_TEST

START_TEST (test_generate_unique)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 0; i < N_UNIQUE; i++)
    ck_assert (g_hash_table_add (seen, tc_token_generate ()));
  ck_assert_uint_eq (g_hash_table_size (seen), N_UNIQUE);
}
END_TEST

START_TEST (test_hash)
{
  guint8 raw[32];
  g_autofree char *hex = tc_token_hash_hex ("hello");
  g_autofree char *hex2 = tc_token_hash_hex ("hellp");

  /* printf '%s' hello | sha256sum */
  ck_assert_str_eq (hex, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  ck_assert_str_ne (hex, hex2);
  tc_token_hash ("hello", raw);
  ck_assert_uint_eq (raw[0], 0x2c);
  ck_assert_uint_eq (raw[31], 0x24);
}
END_TEST

START_TEST (test_equal)
{
  g_autofree char *a = tc_token_generate ();
  g_autofree char *b = tc_token_generate ();
  g_autofree char *a_copy = g_strdup (a);

  ck_assert (tc_token_equal (a, a_copy));
  ck_assert (!tc_token_equal (a, b));
  ck_assert (!tc_token_equal (a, NULL));
  ck_assert (!tc_token_equal (NULL, NULL));
  ck_assert (tc_token_equal ("", ""));
  ck_assert (!tc_token_equal ("abc", "abcd"));
}
END_TEST

START_TEST (test_well_formed)
{
  g_autofree char *t = tc_token_generate ();
  g_autofree char *longer = g_strconcat (t, "A", NULL);
  g_autofree char *bad = g_strdup (t);

  ck_assert (!tc_token_is_well_formed (NULL));
  ck_assert (!tc_token_is_well_formed (""));
  ck_assert (!tc_token_is_well_formed (longer));
  ck_assert (!tc_token_is_well_formed (t + 1));
  bad[10] = '+';
  ck_assert (!tc_token_is_well_formed (bad));
  bad[10] = '=';
  ck_assert (!tc_token_is_well_formed (bad));
  ck_assert (tc_token_is_well_formed ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-_"));
}
END_TEST

START_TEST (test_short_code_generate)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 0; i < 1000; i++)
    {
      char *code = tc_token_short_code_generate ();
      g_autofree char *norm = tc_token_short_code_normalize (code);
      ck_assert_uint_eq (strlen (code), 9);
      ck_assert_int_eq (code[4], '-');
      ck_assert_uint_eq (strspn (code, alphabet_code), 4);
      ck_assert_uint_eq (strspn (code + 5, alphabet_code), 4);
      ck_assert_ptr_nonnull (norm);
      ck_assert_str_eq (norm, code);
      g_hash_table_add (seen, code);
    }
  /* ~40 bits: 1000 codes colliding would mean a broken generator. */
  ck_assert_uint_ge (g_hash_table_size (seen), 999);
}
END_TEST

START_TEST (test_short_code_normalize)
{
  struct { const char *in; const char *out; } cases[] = {
    { "ABCD-EFGH", "ABCD-EFGH" },
    { "abcd-efgh", "ABCD-EFGH" },
    { "abcdefgh", "ABCD-EFGH" },
    { " ab cd - ef gh ", "ABCD-EFGH" },
    { "2345-6789", "2345-6789" },
    { "ZZZZ--ZZZZ", "ZZZZ-ZZZZ" },
    { "ABCD-EFG", NULL },          /* 7 */
    { "ABCD-EFGHJ", NULL },        /* 9 */
    { "ABCD-EFG0", NULL },         /* 0 excluded */
    { "ABCD-EFGO", NULL },         /* O excluded */
    { "ABCD-EFG1", NULL },         /* 1 excluded */
    { "ABCD-EFGI", NULL },         /* I excluded */
    { "ABCD-EFGL", NULL },         /* L excluded */
    { "abcd-efgl", NULL },
    { "ABCD_EFGH", NULL },
    { "ABCD-EFG\xc3\xa9", NULL },
    { "", NULL },
    { "--------", NULL },
  };
  g_autofree char *huge = g_strnfill (1000, ' ');

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = tc_token_short_code_normalize (cases[i].in);
      if (cases[i].out == NULL)
        ck_assert_msg (got == NULL, "case %zu should be refused", i);
      else
        ck_assert_str_eq (got, cases[i].out);
    }
  ck_assert_ptr_null (tc_token_short_code_normalize (NULL));
  ck_assert_ptr_null (tc_token_short_code_normalize (huge));
}
END_TEST

static Suite *
token_suite (void)
{
  Suite *s = suite_create ("token");
  TCase *tc = tcase_create ("core");

  tcase_add_test (tc, test_generate_shape);
  tcase_add_test (tc, test_generate_unique);
  tcase_add_test (tc, test_hash);
  tcase_add_test (tc, test_equal);
  tcase_add_test (tc, test_well_formed);
  tcase_add_test (tc, test_short_code_generate);
  tcase_add_test (tc, test_short_code_normalize);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (token_suite ());
  int failed;

  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
