/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <check.h>
#include <stdlib.h>

#include "tc-consultation.h"
#include "tc-invitation.h"
#include "tc-token.h"

START_TEST (test_round_trip)
{
  g_autofree char *token = tc_token_generate ();
  g_autofree char *link = tc_invitation_build ("wss://clinic.example:8443/ws", token);
  g_autofree char *server = NULL;
  g_autofree char *parsed_token = NULL;
  g_autoptr(GError) error = NULL;

  ck_assert (g_str_has_prefix (link, "teleconsult://join?server=wss%3A%2F%2Fclinic.example%3A8443%2Fws&token="));
  ck_assert (tc_invitation_parse (link, &server, &parsed_token, NULL, &error));
  ck_assert_ptr_null (error);
  ck_assert_str_eq (server, "wss://clinic.example:8443/ws");
  ck_assert_str_eq (parsed_token, token);
}
END_TEST

START_TEST (test_surrounding_space_is_ignored)
{
  g_autofree char *token = tc_token_generate ();
  g_autofree char *link = tc_invitation_build ("ws://127.0.0.1:9000/ws", token);
  g_autofree char *pasted = g_strdup_printf ("  \n%s \t\n", link);
  g_autofree char *server = NULL;
  g_autofree char *parsed_token = NULL;

  ck_assert (tc_invitation_parse (pasted, &server, &parsed_token, NULL, NULL));
  ck_assert_str_eq (server, "ws://127.0.0.1:9000/ws");
}
END_TEST

static void
assert_refused (const char *link)
{
  g_autofree char *server = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;

  ck_assert_msg (!tc_invitation_parse (link, &server, &token, NULL, &error), "accepted: %s", link ? link : "(null)");
  ck_assert (g_error_matches (error, TC_CONSULTATION_ERROR, TC_CONSULTATION_ERROR_BAD_INVITATION));
  ck_assert_ptr_null (server);
  ck_assert_ptr_null (token);
  /* Plain words for a person, not a code. */
  ck_assert (strstr (error->message, "link") != NULL);
}

START_TEST (test_fingerprint)
{
  g_autofree char *token = tc_token_generate ();
  g_autofree char *fp = tc_token_generate ();
  g_autofree char *base = tc_invitation_build ("wss://192.0.2.7:8443/ws", token);
  g_autofree char *link = g_strdup_printf ("%s&fp=%s", base, fp);
  g_autofree char *plain = tc_invitation_build ("ws://127.0.0.1:1/ws", token);
  g_autofree char *plain_pinned = g_strdup_printf ("%s&fp=%s", plain, fp);
  g_autofree char *bad_fp = g_strdup_printf ("%s&fp=short", base);
  g_autofree char *server = NULL;
  g_autofree char *parsed_token = NULL;
  g_autofree char *parsed_fp = NULL;

  ck_assert (tc_invitation_parse (link, &server, &parsed_token, &parsed_fp, NULL));
  ck_assert_str_eq (parsed_fp, fp);
  g_clear_pointer (&server, g_free);
  g_clear_pointer (&parsed_token, g_free);
  g_clear_pointer (&parsed_fp, g_free);
  ck_assert (tc_invitation_parse (base, &server, &parsed_token, &parsed_fp, NULL));
  ck_assert_ptr_null (parsed_fp);
  g_clear_pointer (&server, g_free);
  g_clear_pointer (&parsed_token, g_free);
  /* A pin only makes sense over TLS, and must be a whole SHA-256. */
  ck_assert (!tc_invitation_parse (plain_pinned, &server, &parsed_token, &parsed_fp, NULL));
  ck_assert (!tc_invitation_parse (bad_fp, &server, &parsed_token, &parsed_fp, NULL));
}
END_TEST

START_TEST (test_bad_links)
{
  g_autofree char *token = tc_token_generate ();
  g_autofree char *http = g_strdup_printf ("teleconsult://join?server=http%%3A%%2F%%2Fa%%2Fws&token=%s", token);
  g_autofree char *wrong_scheme = g_strdup_printf ("https://join?server=ws%%3A%%2F%%2Fa%%2Fws&token=%s", token);
  g_autofree char *wrong_host = g_strdup_printf ("teleconsult://leave?server=ws%%3A%%2F%%2Fa%%2Fws&token=%s", token);
  g_autofree char *no_server = g_strdup_printf ("teleconsult://join?token=%s", token);
  g_autofree char *huge = g_strnfill (TC_INVITATION_MAX_LENGTH + 10, 'a');

  assert_refused (NULL);
  assert_refused ("");
  assert_refused ("teleconsult://join");
  assert_refused ("teleconsult://join?server=ws%3A%2F%2Fa%2Fws");
  assert_refused ("teleconsult://join?server=ws%3A%2F%2Fa%2Fws&token=short");
  assert_refused ("teleconsult://join?server=ws%3A%2F%2Fa%2Fws&token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%21");
  assert_refused (http);
  assert_refused (wrong_scheme);
  assert_refused (wrong_host);
  assert_refused (no_server);
  assert_refused (huge);
  assert_refused ("teleconsult://join?server=ws%3A%2F%2Fa%2Fws&token=\xff\xfe");
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("invitation");
  TCase *tc = tcase_create ("core");
  SRunner *sr;
  int failed;

  tcase_add_test (tc, test_round_trip);
  tcase_add_test (tc, test_surrounding_space_is_ignored);
  tcase_add_test (tc, test_bad_links);
  tcase_add_test (tc, test_fingerprint);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
