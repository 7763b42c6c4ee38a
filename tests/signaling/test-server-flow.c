/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The whole consultation flow against the real teleconsult-server on loopback:
 * sign in → create → invite → patients wait → admit → SDP/ICE relay both ways → chat →
 * end → tokens refused; kiosks; ICE servers with TURN REST credentials; restart. */
#include <check.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tc-test-server.h"

#define T 5000

static JsonObject *
expect (TcTestWs   *ws,
        const char *type)
{
  JsonObject *o = tc_test_ws_expect (ws, type, T);

  ck_assert_msg (o != NULL, "expected a '%s' message", type);
  return o;
}

static JsonObject *
expect_error (TcTestWs   *ws,
              const char *code)
{
  JsonObject *o = tc_test_ws_expect_error (ws, code, T);

  ck_assert_msg (o != NULL, "expected error '%s'", code);
  return o;
}

static const char *
str (JsonObject *o,
     const char *member)
{
  const char *s = json_object_get_string_member_with_default (o, member, NULL);

  ck_assert_msg (s != NULL, "missing string member '%s'", member);
  return s;
}

static char *
create_consultation (TcTestWs    *doc,
                     const char  *title,
                     JsonObject **out_invitation)
{
  g_autoptr(JsonObject) c = NULL;
  JsonObject *inv;

  tc_test_ws_sendf (doc, "{\"type\":\"create-consultation\",\"title\":\"%s\",\"rid\":\"create-1\"}", title);
  c = expect (doc, "consultation");
  ck_assert_str_eq (str (c, "rid"), "create-1");
  ck_assert_str_eq (str (c, "state"), "open");
  ck_assert_str_eq (str (c, "title"), title);
  inv = json_object_get_object_member (c, "invitation");
  ck_assert_ptr_nonnull (inv);
  if (out_invitation)
    *out_invitation = json_object_ref (inv);
  return g_strdup (str (c, "consultation_id"));
}

START_TEST (test_flow)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestServer) srv = tc_test_server_new (NULL, &error);
  g_autoptr(TcTestWs) doc = NULL, pat = NULL, pat2 = NULL, late = NULL;
  g_autoptr(JsonObject) welcome = NULL, pwelcome = NULL, p2welcome = NULL, inv = NULL;
  g_autoptr(JsonObject) m = NULL;
  g_autofree char *cid = NULL;
  g_autofree char *doc_id = NULL, *pat_id = NULL, *pat2_id = NULL;
  g_autofree char *escaped = NULL;
  JsonArray *entries;
  JsonObject *o;

  ck_assert_msg (srv != NULL, "%s", error ? error->message : "");
  ck_assert (g_str_has_prefix (srv->url, "ws://127.0.0.1:"));

  doc = tc_test_server_sign_in (srv, &welcome);
  ck_assert_ptr_nonnull (doc);
  ck_assert_str_eq (str (welcome, "role"), "practitioner");
  ck_assert_str_eq (str (welcome, "display_name"), srv->display_name);
  ck_assert_int_eq (strlen (str (welcome, "resume_token")), 43);
  ck_assert_int_gt (json_object_get_int_member (welcome, "server_time"), 0);
  doc_id = g_strdup (str (welcome, "participant_id"));

  cid = create_consultation (doc, "Follow-up", &inv);
  ck_assert_int_eq (strlen (str (inv, "token")), 43);
  ck_assert_int_eq (strlen (str (inv, "code")), 9);
  ck_assert_int_gt (json_object_get_int_member (inv, "expires_at"), g_get_real_time () / 1000 + 86000 * 1000);
  escaped = g_uri_escape_string (srv->url, NULL, FALSE);
  ck_assert (g_str_has_prefix (str (inv, "url"), "teleconsult://join?server="));
  ck_assert_ptr_nonnull (strstr (str (inv, "url"), escaped));
  ck_assert_ptr_nonnull (strstr (str (inv, "url"), str (inv, "token")));

  /* Listed among the open ones. */
  tc_test_ws_sendf (doc, "{\"type\":\"list-consultations\"}");
  m = expect (doc, "consultations");
  ck_assert_uint_eq (json_array_get_length (json_object_get_array_member (m, "items")), 1);
  o = json_array_get_object_element (json_object_get_array_member (m, "items"), 0);
  ck_assert_str_eq (str (o, "id"), cid);
  g_clear_pointer (&m, json_object_unref);

  /* A patient joins with the token and waits; the practitioner sees the queue. */
  pat = tc_test_server_join (srv, "invitation", str (inv, "token"), "Pat", &pwelcome);
  ck_assert_ptr_nonnull (pat);
  ck_assert_str_eq (str (pwelcome, "role"), "patient");
  ck_assert_str_eq (str (pwelcome, "consultation_id"), cid);
  pat_id = g_strdup (str (pwelcome, "participant_id"));
  m = expect (pat, "waiting");
  ck_assert_int_eq (json_object_get_int_member (m, "position"), 1);
  ck_assert_int_ge (json_object_get_int_member (m, "seq"), 1);
  g_clear_pointer (&m, json_object_unref);
  m = expect (doc, "waiting-room");
  ck_assert_str_eq (str (m, "consultation_id"), cid);
  entries = json_object_get_array_member (m, "entries");
  ck_assert_uint_eq (json_array_get_length (entries), 1);
  o = json_array_get_object_element (entries, 0);
  ck_assert_str_eq (str (o, "participant_id"), pat_id);
  ck_assert_str_eq (str (o, "display_name"), "Pat");
  ck_assert_str_eq (str (o, "role"), "patient");
  ck_assert_int_gt (json_object_get_int_member (o, "waiting_since"), 0);
  g_clear_pointer (&m, json_object_unref);

  /* A second patient with the short code, typed sloppily. */
  {
    g_autofree char *sloppy = g_ascii_strdown (str (inv, "code"), -1);
    pat2 = tc_test_server_join (srv, "invitation", sloppy, "Second", &p2welcome);
  }
  ck_assert_ptr_nonnull (pat2);
  pat2_id = g_strdup (str (p2welcome, "participant_id"));
  m = expect (pat2, "waiting");
  ck_assert_int_eq (json_object_get_int_member (m, "position"), 2);
  g_clear_pointer (&m, json_object_unref);
  m = expect (doc, "waiting-room");
  ck_assert_uint_eq (json_array_get_length (json_object_get_array_member (m, "entries")), 2);
  g_clear_pointer (&m, json_object_unref);

  /* Admit the first: both get `admitted`, the second moves up. */
  tc_test_ws_sendf (doc, "{\"type\":\"admit\",\"consultation_id\":\"%s\",\"participant_id\":\"%s\"}", cid, pat_id);
  m = expect (pat, "admitted");
  ck_assert_str_eq (str (json_object_get_object_member (m, "peer"), "participant_id"), doc_id);
  ck_assert_str_eq (str (json_object_get_object_member (m, "peer"), "role"), "practitioner");
  ck_assert (json_object_get_boolean_member (m, "polite"));
  ck_assert_ptr_nonnull (json_object_get_array_member (m, "ice_servers"));
  g_clear_pointer (&m, json_object_unref);
  m = expect (doc, "admitted");
  ck_assert_str_eq (str (json_object_get_object_member (m, "peer"), "participant_id"), pat_id);
  ck_assert (!json_object_get_boolean_member (m, "polite"));
  g_clear_pointer (&m, json_object_unref);
  m = expect (pat2, "waiting");
  ck_assert_int_eq (json_object_get_int_member (m, "position"), 1);
  g_clear_pointer (&m, json_object_unref);
  m = expect (doc, "waiting-room");
  ck_assert_uint_eq (json_array_get_length (json_object_get_array_member (m, "entries")), 1);
  g_clear_pointer (&m, json_object_unref);

  /* SDP and ICE both ways, with `from`. */
  tc_test_ws_sendf (doc, "{\"type\":\"sdp\",\"to\":\"%s\",\"description\":{\"type\":\"offer\",\"sdp\":\"v=0 offer\"}}", pat_id);
  m = expect (pat, "sdp");
  ck_assert_str_eq (str (m, "from"), doc_id);
  ck_assert_str_eq (str (json_object_get_object_member (m, "description"), "type"), "offer");
  ck_assert_str_eq (str (json_object_get_object_member (m, "description"), "sdp"), "v=0 offer");
  g_clear_pointer (&m, json_object_unref);
  tc_test_ws_sendf (pat, "{\"type\":\"sdp\",\"to\":\"%s\",\"description\":{\"type\":\"answer\",\"sdp\":\"v=0 answer\"}}", doc_id);
  m = expect (doc, "sdp");
  ck_assert_str_eq (str (m, "from"), pat_id);
  ck_assert_str_eq (str (json_object_get_object_member (m, "description"), "type"), "answer");
  g_clear_pointer (&m, json_object_unref);
  tc_test_ws_sendf (doc, "{\"type\":\"ice\",\"to\":\"%s\",\"candidate\":{\"candidate\":\"candidate:1 1 udp 1 127.0.0.1 5000 typ host\",\"sdpMLineIndex\":0}}", pat_id);
  m = expect (pat, "ice");
  ck_assert_str_eq (str (m, "from"), doc_id);
  ck_assert_int_eq (json_object_get_int_member (json_object_get_object_member (m, "candidate"), "sdpMLineIndex"), 0);
  g_clear_pointer (&m, json_object_unref);
  tc_test_ws_sendf (pat, "{\"type\":\"ice\",\"to\":\"%s\",\"candidate\":{\"candidate\":\"\",\"sdpMid\":\"0\"}}", doc_id);
  m = expect (doc, "ice");
  ck_assert_str_eq (str (m, "from"), pat_id);
  g_clear_pointer (&m, json_object_unref);

  /* Relayed messages carry the server's seq and never the sender's rid or seq. */
  {
    gint64 before = tc_test_ws_last_seq (pat);

    tc_test_ws_sendf (doc, "{\"type\":\"ice\",\"to\":\"%s\",\"rid\":\"mine\",\"seq\":999,\"candidate\":{\"candidate\":\"\",\"sdpMid\":\"1\"}}", pat_id);
    m = expect (pat, "ice");
    ck_assert (!json_object_has_member (m, "rid"));
    ck_assert_int_eq (json_object_get_int_member (m, "seq"), before + 1);
    ck_assert_str_eq (str (m, "from"), doc_id);
    g_clear_pointer (&m, json_object_unref);
    tc_test_ws_sendf (doc, "  {\"type\":\"ice\",\"to\":\"%s\",\"candidate\":{\"candidate\":\"\",\"sdpMid\":\"2\"},\"x\":[1]} ", pat_id);
    m = expect (pat, "ice");
    ck_assert_int_eq (json_object_get_int_member (m, "seq"), before + 2);
    ck_assert_str_eq (str (json_object_get_object_member (m, "candidate"), "sdpMid"), "2");
    ck_assert_str_eq (str (m, "from"), doc_id);
    g_clear_pointer (&m, json_object_unref);
  }

  /* The waiting patient may not talk to the practitioner, nor be talked to. */
  tc_test_ws_sendf (pat2, "{\"type\":\"sdp\",\"to\":\"%s\",\"description\":{\"type\":\"offer\",\"sdp\":\"x\"}}", doc_id);
  g_clear_pointer (&m, json_object_unref);
  m = expect_error (pat2, "not-admitted");
  g_clear_pointer (&m, json_object_unref);
  tc_test_ws_sendf (doc, "{\"type\":\"ice\",\"to\":\"%s\",\"candidate\":{\"candidate\":\"\",\"sdpMid\":\"0\"}}", pat2_id);
  m = expect_error (doc, "not-found");
  g_clear_pointer (&m, json_object_unref);

  /* Chat reaches every admitted participant, sender included, with server id and ts. */
  tc_test_ws_sendf (pat, "{\"type\":\"chat\",\"text\":\"hello doctor\",\"rid\":\"chat-1\"}");
  m = expect (doc, "chat");
  ck_assert_str_eq (str (m, "text"), "hello doctor");
  ck_assert_str_eq (str (m, "from"), pat_id);
  ck_assert_str_eq (str (m, "display_name"), "Pat");
  ck_assert_ptr_nonnull (str (m, "id"));
  ck_assert_int_gt (json_object_get_int_member (m, "ts"), 0);
  g_clear_pointer (&m, json_object_unref);
  m = expect (pat, "chat");
  ck_assert_str_eq (str (m, "rid"), "chat-1");
  g_clear_pointer (&m, json_object_unref);
  tc_test_ws_drain (pat2, 100);
  ck_assert_uint_eq (tc_test_ws_count (pat2, "chat"), 0);

  tc_test_ws_sendf (pat, "{\"type\":\"ping\",\"rid\":\"p1\"}");
  m = expect (pat, "pong");
  ck_assert_str_eq (str (m, "rid"), "p1");
  g_clear_pointer (&m, json_object_unref);

  /* End: everyone is told, patients are disconnected, the tokens are dead. */
  tc_test_ws_sendf (doc, "{\"type\":\"end\",\"consultation_id\":\"%s\"}", cid);
  m = expect (doc, "consultation-ended");
  ck_assert_str_eq (str (m, "reason"), "ended-by-practitioner");
  g_clear_pointer (&m, json_object_unref);
  m = expect (pat, "consultation-ended");
  g_clear_pointer (&m, json_object_unref);
  m = expect (pat2, "consultation-ended");
  g_clear_pointer (&m, json_object_unref);
  ck_assert_uint_eq (tc_test_ws_wait_closed (pat, T), 1000);
  ck_assert_uint_eq (tc_test_ws_wait_closed (pat2, T), 1000);
  ck_assert (!tc_test_ws_is_closed (doc));

  late = tc_test_ws_connect (srv->url, &error);
  ck_assert_ptr_nonnull (late);
  tc_test_ws_sendf (late, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"invitation\",\"token\":\"%s\",\"display_name\":\"Late\"}}",
                    str (inv, "token"));
  m = expect_error (late, "consultation-ended");
  g_clear_pointer (&m, json_object_unref);
  ck_assert_uint_eq (tc_test_ws_wait_closed (late, T), 1008);

  tc_test_ws_sendf (doc, "{\"type\":\"invite\",\"consultation_id\":\"%s\"}", cid);
  m = expect_error (doc, "consultation-ended");
  g_clear_pointer (&m, json_object_unref);
  tc_test_ws_sendf (doc, "{\"type\":\"list-consultations\"}");
  m = expect (doc, "consultations");
  ck_assert_uint_eq (json_array_get_length (json_object_get_array_member (m, "items")), 0);
  g_clear_pointer (&m, json_object_unref);

  /* The server shuts down gracefully: 1001 to the practitioner, exit status 0. */
  ck_assert_int_eq (tc_test_server_stop (srv), 0);
  ck_assert_uint_eq (tc_test_ws_wait_closed (doc, T), 1001);
}
END_TEST

START_TEST (test_decline_and_leave)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestServer) srv = tc_test_server_new (NULL, &error);
  g_autoptr(TcTestWs) doc = NULL, pat = NULL, again = NULL;
  g_autoptr(JsonObject) inv = NULL, pw = NULL, m = NULL;
  g_autofree char *cid = NULL;

  ck_assert_msg (srv != NULL, "%s", error ? error->message : "");
  doc = tc_test_server_sign_in (srv, NULL);
  cid = create_consultation (doc, "Decline", &inv);
  pat = tc_test_server_join (srv, "invitation", str (inv, "token"), "Pat", &pw);
  ck_assert_ptr_nonnull (pat);
  m = expect (doc, "waiting-room");
  g_clear_pointer (&m, json_object_unref);

  tc_test_ws_sendf (doc, "{\"type\":\"decline\",\"consultation_id\":\"%s\",\"participant_id\":\"%s\",\"reason\":\"wrong day\"}",
                    cid, str (pw, "participant_id"));
  m = expect (pat, "declined");
  ck_assert_str_eq (str (m, "reason"), "wrong day");
  g_clear_pointer (&m, json_object_unref);
  ck_assert_uint_eq (tc_test_ws_wait_closed (pat, T), 1000);
  m = expect (doc, "waiting-room");
  ck_assert_uint_eq (json_array_get_length (json_object_get_array_member (m, "entries")), 0);
  g_clear_pointer (&m, json_object_unref);

  /* The invitation stays usable; `leave` empties the queue again. */
  g_clear_pointer (&pw, json_object_unref);
  again = tc_test_server_join (srv, "invitation", str (inv, "token"), "Pat again", &pw);
  ck_assert_ptr_nonnull (again);
  m = expect (doc, "waiting-room");
  ck_assert_uint_eq (json_array_get_length (json_object_get_array_member (m, "entries")), 1);
  g_clear_pointer (&m, json_object_unref);
  tc_test_ws_sendf (again, "{\"type\":\"leave\"}");
  ck_assert_uint_eq (tc_test_ws_wait_closed (again, T), 1000);
  m = expect (doc, "waiting-room");
  ck_assert_uint_eq (json_array_get_length (json_object_get_array_member (m, "entries")), 0);
  g_clear_pointer (&m, json_object_unref);
}
END_TEST

START_TEST (test_kiosk)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestServer) srv = tc_test_server_new (NULL, &error);
  g_autoptr(TcTestWs) doc = NULL, kiosk = NULL, k2 = NULL;
  g_autoptr(JsonObject) m = NULL, kw = NULL;
  gint64 later = g_get_real_time () / 1000 + 2 * 3600 * 1000;
  g_autofree char *cid = NULL;

  ck_assert_msg (srv != NULL, "%s", error ? error->message : "");
  doc = tc_test_server_sign_in (srv, NULL);

  /* Nothing scheduled: no-consultation, without next_at. */
  kiosk = tc_test_ws_connect (srv->url, &error);
  tc_test_ws_sendf (kiosk, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"kiosk\",\"token\":\"%s\",\"display_name\":\"Ward\"}}",
                    srv->kiosk_token);
  m = expect_error (kiosk, "no-consultation");
  ck_assert (!json_object_has_member (m, "next_at"));
  g_clear_pointer (&m, json_object_unref);
  tc_test_ws_wait_closed (kiosk, T);
  g_clear_pointer (&kiosk, tc_test_ws_free);

  /* Unknown station: not-found; scheduled in two hours: next_at says when. */
  tc_test_ws_sendf (doc, "{\"type\":\"create-consultation\",\"kiosk\":\"nowhere\"}");
  m = expect_error (doc, "not-found");
  g_clear_pointer (&m, json_object_unref);
  tc_test_ws_sendf (doc, "{\"type\":\"create-consultation\",\"kiosk\":\"%s\",\"scheduled_at\":%" G_GINT64_FORMAT "}",
                    srv->kiosk_station, later);
  m = expect (doc, "consultation");
  ck_assert (!json_object_has_member (m, "invitation"));
  ck_assert_str_eq (str (m, "kiosk"), srv->kiosk_station);
  g_clear_pointer (&m, json_object_unref);
  kiosk = tc_test_ws_connect (srv->url, &error);
  tc_test_ws_sendf (kiosk, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"kiosk\",\"token\":\"%s\",\"display_name\":\"Ward\"}}",
                    srv->kiosk_token);
  m = expect_error (kiosk, "no-consultation");
  ck_assert_int_eq (json_object_get_int_member (m, "next_at"), later);
  g_clear_pointer (&m, json_object_unref);
  g_clear_pointer (&kiosk, tc_test_ws_free);

  /* One due now: the kiosk enters its waiting room. */
  tc_test_ws_sendf (doc, "{\"type\":\"create-consultation\",\"kiosk\":\"%s\",\"title\":\"Rounds\"}", srv->kiosk_station);
  m = expect (doc, "consultation");
  cid = g_strdup (str (m, "consultation_id"));
  g_clear_pointer (&m, json_object_unref);
  kiosk = tc_test_server_join (srv, "kiosk", srv->kiosk_token, "Ward 3 bed 2", &kw);
  ck_assert_ptr_nonnull (kiosk);
  ck_assert_str_eq (str (kw, "role"), "kiosk");
  ck_assert_str_eq (str (kw, "consultation_id"), cid);
  m = expect (doc, "waiting-room");
  ck_assert_str_eq (str (json_array_get_object_element (json_object_get_array_member (m, "entries"), 0), "role"), "kiosk");
  g_clear_pointer (&m, json_object_unref);

  /* A wrong device token is refused. */
  k2 = tc_test_ws_connect (srv->url, &error);
  tc_test_ws_sendf (k2, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"kiosk\",\"token\":\"%s\",\"display_name\":\"Ward\"}}",
                    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  m = expect_error (k2, "invalid-token");
  g_clear_pointer (&m, json_object_unref);
  ck_assert_uint_eq (tc_test_ws_wait_closed (k2, T), 1008);
}
END_TEST

/* TURN REST credentials that coturn's use-auth-secret accepts. */
START_TEST (test_ice_servers)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tc-turn-XXXXXX", NULL);
  g_autofree char *secret_file = g_build_filename (dir, "secret", NULL);
  const char *secret = "s3cret-shared-with-coturn";
  const char *args[] = { "--stun", "stun:127.0.0.1:3478", "--turn", "turn:127.0.0.1:3478?transport=udp",
                         "--turn", "turn:127.0.0.1:3478?transport=tcp", "--turn-secret-file", NULL, NULL };
  g_autoptr(TcTestServer) srv = NULL;
  g_autoptr(TcTestWs) doc = NULL, pat = NULL;
  g_autoptr(JsonObject) inv = NULL, pw = NULL, m = NULL;
  g_autofree char *cid = NULL, *expected = NULL;
  g_autoptr(GHmac) hmac = NULL;
  guint8 digest[20];
  gsize digest_len = sizeof digest;
  JsonArray *servers;
  JsonObject *turn;
  const char *username;
  gint64 expiry;

  ck_assert (g_file_set_contents (secret_file, secret, -1, NULL));
  args[7] = secret_file;
  srv = tc_test_server_new (args, &error);
  ck_assert_msg (srv != NULL, "%s", error ? error->message : "");
  doc = tc_test_server_sign_in (srv, NULL);
  cid = create_consultation (doc, "Turn", &inv);
  pat = tc_test_server_join (srv, "invitation", str (inv, "token"), "Pat", &pw);
  tc_test_ws_sendf (doc, "{\"type\":\"admit\",\"consultation_id\":\"%s\",\"participant_id\":\"%s\"}",
                    cid, str (pw, "participant_id"));
  m = expect (pat, "admitted");
  servers = json_object_get_array_member (m, "ice_servers");
  ck_assert_uint_eq (json_array_get_length (servers), 2);
  ck_assert_str_eq (json_array_get_string_element (
    json_object_get_array_member (json_array_get_object_element (servers, 0), "urls"), 0), "stun:127.0.0.1:3478");
  turn = json_array_get_object_element (servers, 1);
  ck_assert_uint_eq (json_array_get_length (json_object_get_array_member (turn, "urls")), 2);
  username = str (turn, "username");
  ck_assert (g_str_has_suffix (username, str (pw, "participant_id")));
  expiry = g_ascii_strtoll (username, NULL, 10);
  ck_assert_int_ge (expiry, g_get_real_time () / G_USEC_PER_SEC + 12 * 3600 - 60);
  ck_assert_int_le (expiry, g_get_real_time () / G_USEC_PER_SEC + 12 * 3600 + 60);

  hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) secret, strlen (secret));
  g_hmac_update (hmac, (const guchar *) username, -1);
  g_hmac_get_digest (hmac, digest, &digest_len);
  expected = g_base64_encode (digest, digest_len);
  ck_assert_str_eq (str (turn, "credential"), expected);

  g_clear_pointer (&srv, tc_test_server_free);
  g_remove (secret_file);
  g_rmdir (dir);
}
END_TEST

/* Consultations and invitations are in the database, not in memory. */
START_TEST (test_restart)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestServer) srv = tc_test_server_new (NULL, &error);
  g_autoptr(TcTestWs) doc = NULL, pat = NULL;
  g_autoptr(JsonObject) inv = NULL, pw = NULL, m = NULL;
  g_autofree char *cid = NULL;

  ck_assert_msg (srv != NULL, "%s", error ? error->message : "");
  doc = tc_test_server_sign_in (srv, NULL);
  cid = create_consultation (doc, "Survives", &inv);
  g_clear_pointer (&doc, tc_test_ws_free);

  ck_assert_int_eq (tc_test_server_stop (srv), 0);
  ck_assert (tc_test_server_start (srv, &error));

  doc = tc_test_server_sign_in (srv, NULL);
  ck_assert_ptr_nonnull (doc);
  tc_test_ws_sendf (doc, "{\"type\":\"list-consultations\"}");
  m = expect (doc, "consultations");
  ck_assert_str_eq (str (json_array_get_object_element (json_object_get_array_member (m, "items"), 0), "id"), cid);
  g_clear_pointer (&m, json_object_unref);

  pat = tc_test_server_join (srv, "invitation", str (inv, "token"), "Pat", &pw);
  ck_assert_ptr_nonnull (pat);
  ck_assert_str_eq (str (pw, "consultation_id"), cid);
  m = expect (doc, "waiting-room");
  ck_assert_uint_eq (json_array_get_length (json_object_get_array_member (m, "entries")), 1);
}
END_TEST

START_TEST (test_cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestServer) srv = tc_test_server_new (NULL, &error);
  g_autofree char *list = NULL, *out = NULL, *help = NULL;
  g_autoptr(GSubprocess) proc = NULL;

  ck_assert_msg (srv != NULL, "%s", error ? error->message : "");
  list = tc_test_server_run_command (srv, NULL, &error, "list-practitioners", NULL);
  ck_assert_msg (list != NULL, "%s", error ? error->message : "");
  ck_assert_ptr_nonnull (strstr (list, "doctor\tDr Test\t"));

  /* A duplicate fails; removal works once. */
  ck_assert_ptr_null (tc_test_server_run_command (srv, "x\n", &error, "add-practitioner", "doctor", NULL));
  g_clear_error (&error);
  out = tc_test_server_run_command (srv, NULL, &error, "remove-practitioner", "doctor", NULL);
  ck_assert_msg (out != NULL, "%s", error ? error->message : "");
  ck_assert_ptr_null (tc_test_server_run_command (srv, NULL, &error, "remove-practitioner", "doctor", NULL));
  g_clear_error (&error);
  g_free (list);
  list = tc_test_server_run_command (srv, NULL, &error, "list-practitioners", NULL);
  ck_assert_str_eq (list, "");

  /* The removed account can no longer sign in, even while the server runs. */
  ck_assert_ptr_null (tc_test_server_sign_in (srv, NULL));

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, srv->binary, "serve", "--help", NULL);
  ck_assert (g_subprocess_communicate_utf8 (proc, NULL, NULL, &help, NULL, &error));
  ck_assert_int_eq (g_subprocess_get_exit_status (proc), 0);
  ck_assert_ptr_nonnull (strstr (help, "--tls-cert"));
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("server-flow");
  TCase *tc = tcase_create ("flow");
  SRunner *sr;
  int failed;

  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_flow);
  tcase_add_test (tc, test_decline_and_leave);
  tcase_add_test (tc, test_kiosk);
  tcase_add_test (tc, test_ice_servers);
  tcase_add_test (tc, test_restart);
  tcase_add_test (tc, test_cli);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
