/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <check.h>
#include <stdlib.h>

#include "tc-ice-servers.h"

static JsonArray *
parse_array (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  ck_assert (json_parser_load_from_data (parser, json, -1, NULL));
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

START_TEST (test_w3c_list)
{
  g_autoptr(JsonArray) list = parse_array (
      "[{\"urls\":[\"stun:10.0.0.1:3478\"]},"
      " {\"urls\":[\"turn:10.0.0.1:3478?transport=udp\",\"turn:10.0.0.1:3478?transport=tcp\"],"
      "  \"username\":\"1700000000:p-1\",\"credential\":\"ab+c/d=\"}]");
  g_auto(GStrv) stun = NULL;
  g_auto(GStrv) turn = NULL;

  ck_assert_uint_eq (tc_ice_servers_to_uris (list, &stun, &turn), 0);
  ck_assert_uint_eq (g_strv_length (stun), 1);
  ck_assert_str_eq (stun[0], "stun://10.0.0.1:3478");
  ck_assert_uint_eq (g_strv_length (turn), 2);
  /* The REST user name's colon and the credential's base64 characters are escaped. */
  ck_assert_str_eq (turn[0], "turn://1700000000%3Ap-1:ab%2Bc%2Fd%3D@10.0.0.1:3478?transport=udp");
  ck_assert_str_eq (turn[1], "turn://1700000000%3Ap-1:ab%2Bc%2Fd%3D@10.0.0.1:3478?transport=tcp");
}
END_TEST

START_TEST (test_unusable_entries_are_skipped)
{
  g_autoptr(JsonArray) list = parse_array (
      "[42, {\"urls\":\"stun:host:1\"}, {\"urls\":[\"turn:h:1\"]}, {\"urls\":[\"http://x\"]},"
      " {\"urls\":[\"stun:a@b\"]}, {\"nourls\":1}, {\"urls\":[7]}, {\"urls\":[\"stuns:h:5349\"]}]");
  g_auto(GStrv) stun = NULL;
  g_auto(GStrv) turn = NULL;

  /* 42, turn without credentials, http, stun with '@', no urls, 7, stuns: 7 skipped. */
  ck_assert_uint_eq (tc_ice_servers_to_uris (list, &stun, &turn), 7);
  ck_assert_uint_eq (g_strv_length (stun), 1);
  ck_assert_str_eq (stun[0], "stun://host:1");
  ck_assert_uint_eq (g_strv_length (turn), 0);
}
END_TEST

START_TEST (test_null_list)
{
  g_auto(GStrv) stun = NULL;
  g_auto(GStrv) turn = NULL;

  ck_assert_uint_eq (tc_ice_servers_to_uris (NULL, &stun, &turn), 0);
  ck_assert_ptr_nonnull (stun);
  ck_assert_ptr_null (stun[0]);
  ck_assert_ptr_null (turn[0]);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("ice-servers");
  TCase *tc = tcase_create ("core");
  SRunner *sr;
  int failed;

  tcase_add_test (tc, test_w3c_list);
  tcase_add_test (tc, test_unusable_entries_are_skipped);
  tcase_add_test (tc, test_null_list);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
