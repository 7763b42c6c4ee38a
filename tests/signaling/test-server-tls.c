/* SPDX-License-Identifier: GPL-3.0-or-later */
/* wss with a throwaway self-signed certificate (made with openssl here); plain ws off
 * loopback refused; TcServer embedded in-process (as the desktop app's LAN mode does). */
#include <check.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tc-server.h"
#include "tc-test-server.h"

#define T 5000

/* Under AddressSanitizer, LeakSanitizer's tracer crashes (SIGSEGV in StopTheWorld) at
 * the exit of any process that made a TLS connection through glib-networking/GnuTLS
 * here. Leak checking of the server stays on in the plain-ws tests; for this program
 * and the TLS servers it spawns it is off. (Only ASan's runtime calls this hook.) */
const char *__lsan_default_options (void);
const char *
__lsan_default_options (void)
{
  return "detect_leaks=0";
}

static char *dir;
static char *cert;
static char *key;

/* In the checked fixture, i.e. in Check's forked child: GSubprocess starts GLib's worker
 * thread, which a fork would not carry over. */
static void
setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;

  dir = g_dir_make_tmp ("tc-test-tls-XXXXXX", NULL);
  cert = g_build_filename (dir, "cert.pem", NULL);
  key = g_build_filename (dir, "key.pem", NULL);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                           "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                           "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                           "-addext", "subjectAltName=IP:127.0.0.1", NULL);
  ck_assert_msg (proc != NULL && g_subprocess_wait_check (proc, NULL, NULL),
                 "openssl could not make a test certificate");
}

static void
teardown (void)
{
  if (cert)
    g_remove (cert);
  if (key)
    g_remove (key);
  if (dir)
    g_rmdir (dir);
  g_clear_pointer (&cert, g_free);
  g_clear_pointer (&key, g_free);
  g_clear_pointer (&dir, g_free);
}

START_TEST (test_wss)
{
  g_autoptr(GError) error = NULL;
  const char *args[] = { "--tls-cert", cert, "--tls-key", key, NULL };
  g_autoptr(TcTestServer) srv = tc_test_server_new (args, &error);
  g_autoptr(TcTestWs) ws = NULL, untrusted = NULL, plain = NULL;
  g_autoptr(JsonObject) welcome = NULL, hello = NULL, c = NULL;
  g_autofree char *plain_url = NULL;
  g_autofree char *escaped = NULL;

  ck_assert_msg (srv != NULL, "%s", error ? error->message : "");
  ck_assert_msg (g_str_has_prefix (srv->url, "wss://127.0.0.1:"), "url %s", srv->url);

  /* A client that trusts the certificate signs in. */
  ws = tc_test_ws_connect_full (srv->url, cert, &error);
  ck_assert_msg (ws != NULL, "%s", error ? error->message : "");
  tc_test_ws_sendf (ws, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"password\",\"username\":\"%s\",\"password\":\"%s\"}}",
                    srv->username, srv->password);
  welcome = tc_test_ws_expect (ws, "welcome", T);
  ck_assert_ptr_nonnull (welcome);

  /* Invitation links name the wss URL. */
  tc_test_ws_sendf (ws, "{\"type\":\"create-consultation\"}");
  c = tc_test_ws_expect (ws, "consultation", T);
  ck_assert_ptr_nonnull (c);
  escaped = g_uri_escape_string (srv->url, NULL, FALSE);
  ck_assert_ptr_nonnull (strstr (json_object_get_string_member (json_object_get_object_member (c, "invitation"), "url"),
                                 escaped));

  /* One that does not trust it fails the handshake; plain ws to the TLS port fails too. */
  untrusted = tc_test_ws_connect (srv->url, &error);
  ck_assert_ptr_null (untrusted);
  g_clear_error (&error);
  plain_url = g_strconcat ("ws://", srv->url + strlen ("wss://"), NULL);
  plain = tc_test_ws_connect (plain_url, &error);
  ck_assert_ptr_null (plain);
  g_clear_error (&error);

  /* The server still works for the trusted client. */
  tc_test_ws_sendf (ws, "{\"type\":\"ping\"}");
  hello = tc_test_ws_expect (ws, "pong", T);
  ck_assert_ptr_nonnull (hello);
}
END_TEST

START_TEST (test_refuses_plain_off_loopback)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *binary = tc_test_server_binary (&error);
  g_autofree char *db = g_build_filename (dir, "x.db", NULL);
  g_autofree char *err_text = NULL;
  g_autoptr(GSubprocess) proc = NULL;

  ck_assert_ptr_nonnull (binary);
  /* Nothing is bound: the check happens before listening. */
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           binary, "serve", "--listen", "0.0.0.0", "--port", "0", "--database", db, NULL);
  ck_assert_ptr_nonnull (proc);
  ck_assert (g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &err_text, &error));
  ck_assert (g_subprocess_get_if_exited (proc));
  ck_assert_int_ne (g_subprocess_get_exit_status (proc), 0);
  ck_assert_ptr_nonnull (strstr (err_text, "plain ws"));
  g_remove (db);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);
    g_remove (wal);
    g_remove (shm);
  }
}
END_TEST

static void
on_shut_down (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;

  ck_assert (tc_server_shutdown_finish (TC_SERVER (source), result, NULL));
  *done = TRUE;
}

/* In-process, as the desktop app embeds it: no globals, GError, graceful shutdown. */
START_TEST (test_embedded)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcStore) store = tc_store_open (":memory:", &error);
  g_autoptr(TcServer) server = NULL;
  g_autoptr(TcServer) second = NULL;
  g_autoptr(TcTestWs) ws = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autofree char *url = NULL;
  gboolean done = FALSE;

  ck_assert (store != NULL);
  ck_assert (tc_store_add_practitioner (store, "lan", "Dr LAN", "lan-password", &error));
  server = g_object_new (TC_TYPE_SERVER, "store", store, "listen-address", "127.0.0.1", "port", 0,
                         "tls-certificate-file", cert, "tls-key-file", key, NULL);
  ck_assert_msg (tc_server_start (server, &error), "%s", error ? error->message : "");
  ck_assert_uint_gt (tc_server_get_port (server), 0);
  url = tc_server_get_url (server);
  ck_assert (g_str_has_prefix (url, "wss://127.0.0.1:"));

  /* A second server on the same port fails with a GError, not an exit. */
  second = g_object_new (TC_TYPE_SERVER, "port", tc_server_get_port (server), NULL);
  ck_assert (!tc_server_start (second, &error));
  ck_assert (g_error_matches (error, TC_SERVER_ERROR, TC_SERVER_ERROR_LISTEN));
  g_clear_error (&error);

  ws = tc_test_ws_connect_full (url, cert, &error);
  ck_assert_msg (ws != NULL, "%s", error ? error->message : "");
  tc_test_ws_sendf (ws, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"password\",\"username\":\"lan\",\"password\":\"lan-password\"}}");
  welcome = tc_test_ws_expect (ws, "welcome", T);
  ck_assert_ptr_nonnull (welcome);
  ck_assert_uint_eq (tc_server_get_n_connections (server), 1);

  tc_server_shutdown_async (server, NULL, on_shut_down, &done);
  ck_assert_uint_eq (tc_test_ws_wait_closed (ws, T), 1001);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  ck_assert_uint_eq (tc_server_get_n_connections (server), 0);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("server-tls");
  TCase *tc = tcase_create ("tls");
  SRunner *sr;
  int failed;

  g_setenv ("LSAN_OPTIONS", "detect_leaks=0", TRUE);
  if (!g_file_test ("/usr/bin/openssl", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("openssl is not installed: skipping\n");
      return 77;
    }
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_wss);
  tcase_add_test (tc, test_refuses_plain_off_loopback);
  tcase_add_test (tc, test_embedded);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
