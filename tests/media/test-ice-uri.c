/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <check.h>

#include "tc-ice-uri.h"
#include "tc-media-error.h"

START_TEST (test_stun)
{
  g_autofree char *a = tc_ice_uri_normalize_stun ("stun:127.0.0.1:3478", NULL);
  g_autofree char *b = tc_ice_uri_normalize_stun ("stun://example.org:3478", NULL);
  g_autoptr(GError) error = NULL;

  ck_assert_str_eq (a, "stun://127.0.0.1:3478");
  ck_assert_str_eq (b, "stun://example.org:3478");
  ck_assert_ptr_null (tc_ice_uri_normalize_stun ("turn:host:3478", &error));
  ck_assert (g_error_matches (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_URI));
  ck_assert_ptr_null (tc_ice_uri_normalize_stun ("stun:", NULL));
  ck_assert_ptr_null (tc_ice_uri_normalize_stun ("stun:a b:1", NULL));
  ck_assert_ptr_null (tc_ice_uri_normalize_stun ("stun:user@host:1", NULL));
  ck_assert_ptr_null (tc_ice_uri_normalize_stun (NULL, NULL));
}
END_TEST

/* TURN REST usernames are "expiry:participant": the colon must not split user from password. */
START_TEST (test_turn_rest_user_is_escaped)
{
  g_autofree char *u = tc_ice_uri_normalize_turn ("turn://1700000000:p-42:c2VjcmV0+/=@127.0.0.1:3478?transport=udp", NULL);
  g_autofree char *again = NULL;

  ck_assert_str_eq (u, "turn://1700000000%3Ap-42:c2VjcmV0%2B%2F%3D@127.0.0.1:3478?transport=udp");
  /* Already escaped input is not escaped twice. */
  again = tc_ice_uri_normalize_turn (u, NULL);
  ck_assert_str_eq (again, u);
}
END_TEST

START_TEST (test_turn_from_w3c)
{
  g_autofree char *u = tc_ice_server_to_turn_uri ("turn:10.0.0.1:3478?transport=udp", "1700000000:abc", "pw/1=", NULL);
  g_autofree char *s = tc_ice_server_to_turn_uri ("turns:relay.example:5349?transport=tcp", "u", "p", NULL);
  g_autoptr(GError) error = NULL;

  ck_assert_str_eq (u, "turn://1700000000%3Aabc:pw%2F1%3D@10.0.0.1:3478?transport=udp");
  ck_assert_str_eq (s, "turns://u:p@relay.example:5349?transport=tcp");
  ck_assert_ptr_null (tc_ice_server_to_turn_uri ("stun:h:1", "u", "p", &error));
  ck_assert (g_error_matches (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_URI));
  ck_assert_ptr_null (tc_ice_server_to_turn_uri ("turn:h:1", "", "p", NULL));
  ck_assert_ptr_null (tc_ice_server_to_turn_uri ("turn:h:1", "u", NULL, NULL));
  ck_assert_ptr_null (tc_ice_server_to_turn_uri ("turn:x@h:1", "u", "p", NULL));
}
END_TEST

START_TEST (test_turn_bad)
{
  g_autofree char *long_uri = NULL;
  g_autoptr(GString) s = g_string_new ("turn://u:p@");

  ck_assert_ptr_null (tc_ice_uri_normalize_turn ("turn://host:3478", NULL));
  ck_assert_ptr_null (tc_ice_uri_normalize_turn ("turn://user@host:3478", NULL));
  ck_assert_ptr_null (tc_ice_uri_normalize_turn ("turn://u:p@", NULL));
  ck_assert_ptr_null (tc_ice_uri_normalize_turn ("http://u:p@h:1", NULL));
  ck_assert_ptr_null (tc_ice_uri_normalize_turn ("turn://u:p@h:1\n", NULL));
  for (guint i = 0; i < 3000; i++)
    g_string_append_c (s, 'h');
  long_uri = g_string_free (g_steal_pointer (&s), FALSE);
  ck_assert_ptr_null (tc_ice_uri_normalize_turn (long_uri, NULL));
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("ice-uri");
  TCase *tc = tcase_create ("core");
  SRunner *sr;
  int failed;

  tcase_add_test (tc, test_stun);
  tcase_add_test (tc, test_turn_rest_user_is_escaped);
  tcase_add_test (tc, test_turn_from_w3c);
  tcase_add_test (tc, test_turn_bad);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
