/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <check.h>
#include <string.h>

#include "tc-turn-credentials.h"

START_TEST (test_vector)
{
  g_autofree char *username = NULL;
  g_autofree char *credential = NULL;

  tc_turn_credentials_compute ("turn-shared-secret", "p-123", 1700000000, &username, &credential);
  ck_assert_str_eq (username, "1700000000:p-123");
  /* Computed independently, once:
   * printf '%s' '1700000000:p-123' | openssl dgst -sha1 -hmac 'turn-shared-secret' -binary | base64 */
  ck_assert_str_eq (credential, "5+ni/Badet9PqvKCa/sYFqX73+g=");
}
END_TEST

START_TEST (test_depends_on_inputs)
{
  g_autofree char *u1 = NULL, *c1 = NULL, *u2 = NULL, *c2 = NULL, *u3 = NULL, *c3 = NULL;

  tc_turn_credentials_compute ("secret-a", "p1", 100, &u1, &c1);
  tc_turn_credentials_compute ("secret-b", "p1", 100, &u2, &c2);
  tc_turn_credentials_compute ("secret-a", "p1", 101, &u3, &c3);
  ck_assert_str_eq (u1, u2);
  ck_assert_str_ne (c1, c2);
  ck_assert_str_eq (u3, "101:p1");
  ck_assert_str_ne (c1, c3);
  /* base64 of a 20-byte digest: 28 characters with one '=' */
  ck_assert_uint_eq (strlen (c1), 28);
  ck_assert_int_eq (c1[27], '=');
}
END_TEST

static Suite *
turn_suite (void)
{
  Suite *s = suite_create ("turn-credentials");
  TCase *tc = tcase_create ("core");

  tcase_add_test (tc, test_vector);
  tcase_add_test (tc, test_depends_on_inputs);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (turn_suite ());
  int failed;

  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
