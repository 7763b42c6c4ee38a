/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Hostile and clumsy clients against the real teleconsult-server: every error of the
 * protocol table in its situation, and after each the server still serves a fresh client. */
#include <check.h>
#include <string.h>

#include "tc-store.h"
#include "tc-test-server.h"
#include "tc-token.h"

#define T 5000

static TcTestServer *srv;

static void
setup (void)
{
  g_autoptr(GError) error = NULL;
  const char *args[] = { "--hello-timeout", "2", NULL };

  srv = tc_test_server_new (args, &error);
  ck_assert_msg (srv != NULL, "%s", error ? error->message : "");
}

static void
teardown (void)
{
  g_clear_pointer (&srv, tc_test_server_free);
}

static void
expect_error (TcTestWs   *ws,
              const char *code)
{
  g_autoptr(JsonObject) o = tc_test_ws_expect_error (ws, code, T);

  ck_assert_msg (o != NULL, "expected error '%s'", code);
  ck_assert_msg (json_object_has_member (o, "reason"), "error '%s' without a reason", code);
}

static JsonObject *
expect (TcTestWs   *ws,
        const char *type)
{
  JsonObject *o = tc_test_ws_expect (ws, type, T);

  ck_assert_msg (o != NULL, "expected '%s'", type);
  return o;
}

/* The server still signs a fresh practitioner in and answers a ping. */
static void
assert_alive (void)
{
  g_autoptr(TcTestWs) ws = tc_test_server_sign_in (srv, NULL);
  g_autoptr(JsonObject) pong = NULL;

  ck_assert_msg (ws != NULL, "the server no longer serves fresh clients");
  tc_test_ws_sendf (ws, "{\"type\":\"ping\"}");
  pong = expect (ws, "pong");
}

static void
assert_open (TcTestWs *ws)
{
  g_autoptr(JsonObject) pong = NULL;

  tc_test_ws_sendf (ws, "{\"type\":\"ping\",\"rid\":\"alive\"}");
  pong = expect (ws, "pong");
  ck_assert_str_eq (json_object_get_string_member (pong, "rid"), "alive");
}

static TcTestWs *
connect_raw (void)
{
  g_autoptr(GError) error = NULL;
  TcTestWs *ws = tc_test_ws_connect (srv->url, &error);

  ck_assert_msg (ws != NULL, "%s", error ? error->message : "");
  return ws;
}

START_TEST (test_malformed)
{
  g_autoptr(TcTestWs) doc = tc_test_server_sign_in (srv, NULL);
  g_autofree char *big = NULL;
  GString *s;

  ck_assert_ptr_nonnull (doc);
  tc_test_ws_send_text (doc, "{not json");
  expect_error (doc, "bad-json");
  tc_test_ws_send_text (doc, "[1,2,3]");
  expect_error (doc, "bad-json");
  tc_test_ws_send_binary (doc, "\x01\x02", 2);
  expect_error (doc, "bad-json");
  tc_test_ws_send_text (doc, "{\"type\":\"create-consultation\",\"title\":5,\"rid\":\"r-5\"}");
  {
    g_autoptr(JsonObject) e = tc_test_ws_expect_error (doc, "bad-message", T);
    ck_assert_ptr_nonnull (e);
    ck_assert_str_eq (json_object_get_string_member (e, "rid"), "r-5");
    ck_assert_ptr_nonnull (strstr (json_object_get_string_member (e, "reason"), "title"));
  }
  tc_test_ws_send_text (doc, "{\"type\":42}");
  expect_error (doc, "bad-message");
  tc_test_ws_send_text (doc, "{\"type\":\"teleport\"}");
  expect_error (doc, "unknown-type");
  tc_test_ws_send_text (doc, "{\"type\":\"welcome\"}");
  expect_error (doc, "bad-message");
  tc_test_ws_sendf (doc, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"password\",\"username\":\"%s\",\"password\":\"%s\"}}",
                    srv->username, srv->password);
  expect_error (doc, "already-authenticated");

  /* Deep nesting. */
  s = g_string_new ("{\"type\":\"ping\",\"x\":");
  for (int i = 0; i < 40; i++)
    g_string_append_c (s, '[');
  for (int i = 0; i < 40; i++)
    g_string_append_c (s, ']');
  g_string_append_c (s, '}');
  tc_test_ws_send_text (doc, s->str);
  g_string_free (s, TRUE);
  expect_error (doc, "bad-json");

  /* Over 64 KiB: too-large, and the connection stays. */
  big = g_strnfill (70 * 1024, 'a');
  tc_test_ws_sendf (doc, "{\"type\":\"chat\",\"text\":\"%s\"}", big);
  expect_error (doc, "too-large");
  assert_open (doc);

  /* Far over it (> 128 KiB) the frame is not even buffered: libsoup drops the connection. */
  g_free (big);
  big = g_strnfill (200 * 1024, 'b');
  tc_test_ws_sendf (doc, "{\"type\":\"chat\",\"text\":\"%s\"}", big);
  tc_test_ws_sendf (doc, "{\"type\":\"ping\",\"rid\":\"after-big\"}");
  ck_assert_ptr_null (tc_test_ws_expect (doc, "pong", 2000));
  assert_alive ();
}
END_TEST

START_TEST (test_before_hello)
{
  g_autoptr(TcTestWs) ws = connect_raw ();
  g_autoptr(TcTestWs) v2 = NULL, quiet = NULL, bad = NULL;

  tc_test_ws_sendf (ws, "{\"type\":\"list-consultations\"}");
  expect_error (ws, "not-authenticated");
  tc_test_ws_sendf (ws, "{\"type\":\"ping\"}");
  expect_error (ws, "not-authenticated");
  ck_assert (!tc_test_ws_is_closed (ws));
  tc_test_ws_sendf (ws, "{\"type\":\"ping\"}");
  expect_error (ws, "not-authenticated");
  ck_assert_uint_eq (tc_test_ws_wait_closed (ws, T), 1008);

  v2 = connect_raw ();
  tc_test_ws_sendf (v2, "{\"type\":\"hello\",\"v\":2,\"auth\":{\"method\":\"resume\",\"token\":\"x\",\"last_seq\":0}}");
  expect_error (v2, "unsupported-version");
  ck_assert_uint_eq (tc_test_ws_wait_closed (v2, T), 1008);

  bad = connect_raw ();
  tc_test_ws_sendf (bad, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"telepathy\"}}");
  expect_error (bad, "bad-message");
  ck_assert_uint_eq (tc_test_ws_wait_closed (bad, T), 1008);

  /* Silence: the hello deadline (2 s here) closes the connection. */
  quiet = connect_raw ();
  ck_assert_uint_eq (tc_test_ws_wait_closed (quiet, 6000), 1008);
  assert_alive ();
}
END_TEST

START_TEST (test_credentials)
{
  /* Each connects just before its hello: the hello deadline is short here. */
  g_autoptr(TcTestWs) wrong = connect_raw ();
  g_autoptr(TcTestWs) unknown = NULL, guessed = NULL, code = NULL, resume = NULL;
  g_autofree char *token = tc_token_generate ();

  tc_test_ws_sendf (wrong, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"password\",\"username\":\"%s\",\"password\":\"nope\"}}",
                    srv->username);
  expect_error (wrong, "bad-credentials");
  ck_assert_uint_eq (tc_test_ws_wait_closed (wrong, T), 1008);

  unknown = connect_raw ();
  tc_test_ws_sendf (unknown, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"password\",\"username\":\"mallory\",\"password\":\"%s\"}}",
                    srv->password);
  expect_error (unknown, "bad-credentials");
  ck_assert_uint_eq (tc_test_ws_wait_closed (unknown, T), 1008);

  guessed = connect_raw ();
  tc_test_ws_sendf (guessed, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"invitation\",\"token\":\"%s\",\"display_name\":\"Eve\"}}",
                    token);
  expect_error (guessed, "invalid-token");
  ck_assert_uint_eq (tc_test_ws_wait_closed (guessed, T), 1008);

  code = connect_raw ();
  tc_test_ws_sendf (code, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"invitation\",\"token\":\"ABCD-EFGH\",\"display_name\":\"Eve\"}}");
  expect_error (code, "invalid-token");

  resume = connect_raw ();
  tc_test_ws_sendf (resume, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"resume\",\"token\":\"%s\",\"last_seq\":0}}", token);
  expect_error (resume, "invalid-token");
  assert_alive ();
}
END_TEST

static char *
create (TcTestWs    *doc,
        JsonObject **out_invitation)
{
  g_autoptr(JsonObject) c = NULL;

  tc_test_ws_sendf (doc, "{\"type\":\"create-consultation\"}");
  c = expect (doc, "consultation");
  if (out_invitation)
    *out_invitation = json_object_ref (json_object_get_object_member (c, "invitation"));
  return g_strdup (json_object_get_string_member (c, "consultation_id"));
}

static TcTestWs *
admitted_patient (TcTestWs    *doc,
                  const char  *cid,
                  JsonObject  *inv,
                  char       **out_id)
{
  g_autoptr(JsonObject) w = NULL, a = NULL;
  TcTestWs *pat = tc_test_server_join (srv, "invitation", json_object_get_string_member (inv, "token"), "P", &w);

  ck_assert_ptr_nonnull (pat);
  *out_id = g_strdup (json_object_get_string_member (w, "participant_id"));
  tc_test_ws_sendf (doc, "{\"type\":\"admit\",\"consultation_id\":\"%s\",\"participant_id\":\"%s\"}", cid, *out_id);
  a = expect (pat, "admitted");
  return pat;
}

/* Nothing of one consultation reaches another; another practitioner's ids look unknown. */
START_TEST (test_isolation)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = tc_test_server_run_command (srv, "other-password\n", &error, "add-practitioner", "other",
                                                     "--display-name", "Dr Other", NULL);
  g_autoptr(TcTestWs) doc = tc_test_server_sign_in (srv, NULL);
  g_autoptr(TcTestWs) other = NULL, p1 = NULL, p2 = NULL, waiting = NULL;
  g_autoptr(JsonObject) inv1 = NULL, inv2 = NULL, w = NULL;
  g_autofree char *c1 = NULL, *c2 = NULL, *p1_id = NULL, *p2_id = NULL;

  ck_assert_msg (out != NULL, "%s", error ? error->message : "");
  other = connect_raw ();
  tc_test_ws_sendf (other, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"password\",\"username\":\"other\",\"password\":\"other-password\"}}");
  w = expect (other, "welcome");
  g_clear_pointer (&w, json_object_unref);

  c1 = create (doc, &inv1);
  c2 = create (other, &inv2);
  p1 = admitted_patient (doc, c1, inv1, &p1_id);
  p2 = admitted_patient (other, c2, inv2, &p2_id);
  waiting = tc_test_server_join (srv, "invitation", json_object_get_string_member (inv1, "token"), "W", &w);
  ck_assert_ptr_nonnull (waiting);

  /* The other practitioner cannot see, invite, admit, decline or end doc's consultation. */
  tc_test_ws_sendf (other, "{\"type\":\"invite\",\"consultation_id\":\"%s\"}", c1);
  expect_error (other, "not-found");
  tc_test_ws_sendf (other, "{\"type\":\"admit\",\"consultation_id\":\"%s\",\"participant_id\":\"%s\"}",
                    c1, json_object_get_string_member (w, "participant_id"));
  expect_error (other, "not-found");
  tc_test_ws_sendf (other, "{\"type\":\"decline\",\"consultation_id\":\"%s\",\"participant_id\":\"%s\"}",
                    c1, json_object_get_string_member (w, "participant_id"));
  expect_error (other, "not-found");
  tc_test_ws_sendf (other, "{\"type\":\"end\",\"consultation_id\":\"%s\"}", c1);
  expect_error (other, "not-found");
  tc_test_ws_sendf (other, "{\"type\":\"end\",\"consultation_id\":\"c-doesnotexist\"}");
  expect_error (other, "not-found");
  /* Admitting in one's own consultation someone who waits in another: not-found. */
  tc_test_ws_sendf (other, "{\"type\":\"admit\",\"consultation_id\":\"%s\",\"participant_id\":\"%s\"}",
                    c2, json_object_get_string_member (w, "participant_id"));
  expect_error (other, "not-found");

  /* Relay across consultations is refused both ways. */
  tc_test_ws_sendf (p1, "{\"type\":\"sdp\",\"to\":\"%s\",\"description\":{\"type\":\"offer\",\"sdp\":\"x\"}}", p2_id);
  expect_error (p1, "not-found");
  tc_test_ws_sendf (other, "{\"type\":\"ice\",\"to\":\"%s\",\"candidate\":{\"candidate\":\"\",\"sdpMid\":\"0\"}}", p1_id);
  expect_error (other, "not-found");
  tc_test_ws_sendf (p1, "{\"type\":\"chat\",\"text\":\"for c1 only\"}");
  {
    g_autoptr(JsonObject) chat = expect (p1, "chat");
  }
  tc_test_ws_sendf (p2, "{\"type\":\"chat\",\"text\":\"for c2 only\"}");
  {
    g_autoptr(JsonObject) chat = expect (p2, "chat");
  }
  tc_test_ws_drain (p1, 300);
  ck_assert_uint_eq (tc_test_ws_count (p2, "chat"), 0);
  ck_assert_uint_eq (tc_test_ws_count (p1, "chat"), 0);
  ck_assert_uint_eq (tc_test_ws_count (waiting, "chat"), 0);
  /* Whatever the other practitioner was told is about its own consultation. */
  for (JsonObject *m; (m = tc_test_ws_next (other, 0)) != NULL; json_object_unref (m))
    if (json_object_has_member (m, "consultation_id"))
      ck_assert_str_eq (json_object_get_string_member (m, "consultation_id"), c2);

  /* Roles: patients may not run consultations. */
  tc_test_ws_sendf (p1, "{\"type\":\"admit\",\"consultation_id\":\"%s\",\"participant_id\":\"%s\"}",
                    c1, json_object_get_string_member (w, "participant_id"));
  expect_error (p1, "forbidden");
  tc_test_ws_sendf (p1, "{\"type\":\"create-consultation\"}");
  expect_error (p1, "forbidden");
  tc_test_ws_sendf (p1, "{\"type\":\"end\",\"consultation_id\":\"%s\"}", c1);
  expect_error (p1, "forbidden");
  tc_test_ws_sendf (waiting, "{\"type\":\"chat\",\"text\":\"let me in\"}");
  expect_error (waiting, "not-admitted");
  assert_open (p1);
  assert_alive ();
}
END_TEST

START_TEST (test_expired_token)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestWs) doc = tc_test_server_sign_in (srv, NULL);
  g_autoptr(TcTestWs) late = NULL;
  g_autoptr(TcStore) store = NULL;
  g_autofree char *cid = create (doc, NULL);
  g_autofree char *token = tc_token_generate ();
  guint8 hash[32];

  /* Seed an invitation that expired a minute ago, through the same database. */
  store = tc_store_open (srv->database, &error);
  ck_assert_msg (store != NULL, "%s", error ? error->message : "");
  tc_token_hash (token, hash);
  ck_assert (tc_store_add_invitation (store, hash, NULL, cid, g_get_real_time () / 1000 - 60000, &error));
  g_clear_object (&store);

  late = connect_raw ();
  tc_test_ws_sendf (late, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"invitation\",\"token\":\"%s\",\"display_name\":\"Late\"}}",
                    token);
  expect_error (late, "expired-token");
  ck_assert_uint_eq (tc_test_ws_wait_closed (late, T), 1008);
  assert_alive ();
}
END_TEST

START_TEST (test_flood)
{
  g_autoptr(TcTestWs) doc = tc_test_server_sign_in (srv, NULL);
  g_autoptr(JsonObject) limited = NULL;

  ck_assert_ptr_nonnull (doc);
  for (int i = 0; i < 400; i++)
    tc_test_ws_sendf (doc, "{\"type\":\"ping\"}");
  limited = tc_test_ws_expect_error (doc, "rate-limited", T);
  ck_assert_ptr_nonnull (limited);
  ck_assert_uint_eq (tc_test_ws_wait_closed (doc, T), 1008);
  /* The burst went through before the limit bit (more if the bucket refilled meanwhile). */
  ck_assert_uint_ge (tc_test_ws_count (doc, "pong"), 90);
  ck_assert_uint_lt (tc_test_ws_count (doc, "pong"), 390);
  assert_alive ();
}
END_TEST

START_TEST (test_idle)
{
  g_autoptr(GError) error = NULL;
  const char *args[] = { "--idle-timeout", "2", NULL };
  g_autoptr(TcTestServer) idle_srv = tc_test_server_new (args, &error);
  g_autoptr(TcTestWs) doc = NULL;

  ck_assert_msg (idle_srv != NULL, "%s", error ? error->message : "");
  doc = tc_test_server_sign_in (idle_srv, NULL);
  ck_assert_ptr_nonnull (doc);
  /* Idle timeout is 2 s here (45 s by default); WebSocket pings come every 15 s. */
  ck_assert_uint_eq (tc_test_ws_wait_closed (doc, 10000), 1001);
  assert_alive ();
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("server-badinput");
  TCase *tc = tcase_create ("badinput");
  SRunner *sr;
  int failed;

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_malformed);
  tcase_add_test (tc, test_before_hello);
  tcase_add_test (tc, test_credentials);
  tcase_add_test (tc, test_isolation);
  tcase_add_test (tc, test_expired_token);
  tcase_add_test (tc, test_flood);
  tcase_add_test (tc, test_idle);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
