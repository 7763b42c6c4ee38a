/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reconnect grace: a dropped participant resumes with its resume token and last_seq,
 * gets what it missed exactly once, others see reconnecting/back; after the grace the
 * token is refused. Grace is 3 s here (60 s by default). */
#include <check.h>
#include <string.h>

#include "tc-test-server.h"

#define T 5000

static TcTestServer *srv;
static TcTestWs *doc;
static TcTestWs *pat;
static char *cid;
static char *doc_id;
static char *pat_id;
static char *pat_resume;
static char *doc_resume;

static JsonObject *
expect (TcTestWs   *ws,
        const char *type)
{
  JsonObject *o = tc_test_ws_expect (ws, type, T);

  ck_assert_msg (o != NULL, "expected '%s'", type);
  return o;
}

static void
setup (void)
{
  g_autoptr(GError) error = NULL;
  const char *args[] = { "--reconnect-grace", "3", NULL };
  g_autoptr(JsonObject) welcome = NULL, c = NULL, pw = NULL, a = NULL;

  srv = tc_test_server_new (args, &error);
  ck_assert_msg (srv != NULL, "%s", error ? error->message : "");
  doc = tc_test_server_sign_in (srv, &welcome);
  ck_assert_ptr_nonnull (doc);
  doc_id = g_strdup (json_object_get_string_member (welcome, "participant_id"));
  doc_resume = g_strdup (json_object_get_string_member (welcome, "resume_token"));
  tc_test_ws_sendf (doc, "{\"type\":\"create-consultation\"}");
  c = expect (doc, "consultation");
  cid = g_strdup (json_object_get_string_member (c, "consultation_id"));
  pat = tc_test_server_join (srv, "invitation",
                             json_object_get_string_member (json_object_get_object_member (c, "invitation"), "token"),
                             "Pat", &pw);
  ck_assert_ptr_nonnull (pat);
  pat_id = g_strdup (json_object_get_string_member (pw, "participant_id"));
  pat_resume = g_strdup (json_object_get_string_member (pw, "resume_token"));
  tc_test_ws_sendf (doc, "{\"type\":\"admit\",\"consultation_id\":\"%s\",\"participant_id\":\"%s\"}", cid, pat_id);
  a = expect (pat, "admitted");
  g_clear_pointer (&a, json_object_unref);
  a = expect (doc, "admitted");
}

static void
teardown (void)
{
  g_clear_pointer (&pat, tc_test_ws_free);
  g_clear_pointer (&doc, tc_test_ws_free);
  g_clear_pointer (&srv, tc_test_server_free);
  g_clear_pointer (&cid, g_free);
  g_clear_pointer (&doc_id, g_free);
  g_clear_pointer (&pat_id, g_free);
  g_clear_pointer (&pat_resume, g_free);
  g_clear_pointer (&doc_resume, g_free);
}

static TcTestWs *
resume (const char  *token,
        gint64       last_seq,
        JsonObject **out_welcome)
{
  g_autoptr(GError) error = NULL;
  TcTestWs *ws = tc_test_ws_connect (srv->url, &error);

  ck_assert_msg (ws != NULL, "%s", error ? error->message : "");
  tc_test_ws_sendf (ws, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"resume\",\"token\":\"%s\",\"last_seq\":%" G_GINT64_FORMAT "}}",
                    token, last_seq);
  if (out_welcome != NULL)
    *out_welcome = tc_test_ws_expect (ws, "welcome", T);
  return ws;
}

static void
expect_presence (TcTestWs   *ws,
                 const char *who,
                 const char *state)
{
  g_autoptr(JsonObject) p = expect (ws, "presence");

  ck_assert_str_eq (json_object_get_string_member (p, "participant_id"), who);
  ck_assert_str_eq (json_object_get_string_member (p, "state"), state);
  ck_assert_str_eq (json_object_get_string_member (p, "consultation_id"), cid);
}

START_TEST (test_resume_replays_once)
{
  g_autoptr(TcTestWs) again = NULL, stale = NULL;
  g_autoptr(JsonObject) welcome = NULL, m = NULL;
  gint64 last_seq, first_replayed = 0, previous = 0;
  guint replayed = 0;

  tc_test_ws_drain (pat, 100);
  last_seq = tc_test_ws_last_seq (pat);
  ck_assert_int_gt (last_seq, 0);

  tc_test_ws_drop (pat);
  expect_presence (doc, pat_id, "reconnecting");

  /* Sent while the patient is away. */
  tc_test_ws_sendf (doc, "{\"type\":\"chat\",\"text\":\"are you there?\"}");
  m = expect (doc, "chat");
  g_clear_pointer (&m, json_object_unref);
  tc_test_ws_sendf (doc, "{\"type\":\"sdp\",\"to\":\"%s\",\"description\":{\"type\":\"offer\",\"sdp\":\"v=0 again\"}}", pat_id);
  tc_test_ws_drain (doc, 100);

  again = resume (pat_resume, last_seq, &welcome);
  ck_assert_ptr_nonnull (welcome);
  ck_assert_str_eq (json_object_get_string_member (welcome, "participant_id"), pat_id);
  ck_assert_str_eq (json_object_get_string_member (welcome, "role"), "patient");
  ck_assert_str_ne (json_object_get_string_member (welcome, "resume_token"), pat_resume);
  expect_presence (doc, pat_id, "back");

  /* Exactly what was missed, once, in order. */
  tc_test_ws_drain (again, 300);
  ck_assert_uint_eq (tc_test_ws_count (again, "chat"), 1);
  ck_assert_uint_eq (tc_test_ws_count (again, "sdp"), 1);
  ck_assert_uint_eq (tc_test_ws_count (again, "admitted"), 0);
  for (JsonObject *o; (o = tc_test_ws_next (again, 0)) != NULL; json_object_unref (o))
    {
      gint64 seq = json_object_get_int_member (o, "seq");

      ck_assert_int_gt (seq, last_seq);
      ck_assert_int_gt (seq, previous);
      if (first_replayed == 0)
        first_replayed = seq;
      previous = seq;
      replayed++;
    }
  ck_assert_uint_eq (replayed, 2);
  ck_assert_int_eq (first_replayed, last_seq + 1);

  /* Live again, seq continues. */
  tc_test_ws_sendf (doc, "{\"type\":\"chat\",\"text\":\"welcome back\"}");
  m = expect (again, "chat");
  ck_assert_int_eq (json_object_get_int_member (m, "seq"), previous + 1);
  g_clear_pointer (&m, json_object_unref);

  /* The token of the first connection was replaced at the resume. */
  stale = resume (pat_resume, 0, NULL);
  m = tc_test_ws_expect_error (stale, "invalid-token", T);
  ck_assert_ptr_nonnull (m);
  ck_assert_uint_eq (tc_test_ws_wait_closed (stale, T), 1008);
}
END_TEST

START_TEST (test_grace_expires)
{
  g_autoptr(TcTestWs) late = NULL;
  g_autoptr(JsonObject) m = NULL;

  tc_test_ws_drop (pat);
  expect_presence (doc, pat_id, "reconnecting");
  /* The grace is 3 s; the sweep then says `left`. */
  {
    g_autoptr(JsonObject) left = tc_test_ws_expect (doc, "presence", 10000);

    ck_assert_ptr_nonnull (left);
    ck_assert_str_eq (json_object_get_string_member (left, "state"), "left");
    ck_assert_str_eq (json_object_get_string_member (left, "participant_id"), pat_id);
  }

  late = resume (pat_resume, 0, NULL);
  m = tc_test_ws_expect_error (late, "expired-token", T);
  ck_assert_ptr_nonnull (m);
  ck_assert_uint_eq (tc_test_ws_wait_closed (late, T), 1008);

  /* The practitioner can no longer reach the gone participant. */
  g_clear_pointer (&m, json_object_unref);
  tc_test_ws_sendf (doc, "{\"type\":\"ice\",\"to\":\"%s\",\"candidate\":{\"candidate\":\"\",\"sdpMid\":\"0\"}}", pat_id);
  m = tc_test_ws_expect_error (doc, "not-found", T);
  ck_assert_ptr_nonnull (m);
}
END_TEST

/* A resume while the server still believes the old socket alive takes it over; the
 * practitioner resumes the same way and the call goes on. */
START_TEST (test_takeover_and_practitioner_resume)
{
  g_autoptr(TcTestWs) again = NULL, doc2 = NULL;
  g_autoptr(JsonObject) welcome = NULL, dwelcome = NULL, m = NULL;

  again = resume (pat_resume, tc_test_ws_last_seq (pat), &welcome);
  ck_assert_ptr_nonnull (welcome);
  ck_assert_uint_eq (tc_test_ws_wait_closed (pat, T), 1000);

  tc_test_ws_drop (doc);
  expect_presence (again, doc_id, "reconnecting");
  doc2 = resume (doc_resume, tc_test_ws_last_seq (doc), &dwelcome);
  ck_assert_ptr_nonnull (dwelcome);
  ck_assert_str_eq (json_object_get_string_member (dwelcome, "participant_id"), doc_id);
  ck_assert_str_eq (json_object_get_string_member (dwelcome, "role"), "practitioner");
  expect_presence (again, doc_id, "back");

  tc_test_ws_sendf (doc2, "{\"type\":\"chat\",\"text\":\"still here\"}");
  m = expect (again, "chat");
  ck_assert_str_eq (json_object_get_string_member (m, "from"), doc_id);
  g_clear_pointer (&m, json_object_unref);
  tc_test_ws_sendf (again, "{\"type\":\"sdp\",\"to\":\"%s\",\"description\":{\"type\":\"answer\",\"sdp\":\"v=0\"}}", doc_id);
  m = expect (doc2, "sdp");
  ck_assert_str_eq (json_object_get_string_member (m, "from"), pat_id);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("server-resume");
  TCase *tc = tcase_create ("resume");
  SRunner *sr;
  int failed;

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_resume_replays_once);
  tcase_add_test (tc, test_grace_expires);
  tcase_add_test (tc, test_takeover_and_practitioner_resume);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
