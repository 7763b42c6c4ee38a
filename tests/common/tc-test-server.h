/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test fixtures for anything that talks to a real signalling server.
 *
 * TcTestServer: the real `teleconsult-server` binary (found through $TC_BUILD_DIR, set by
 * tests/meson.build) on 127.0.0.1, an ephemeral port and a fresh database in a temp dir,
 * with one practitioner account and one kiosk already created.
 *
 *   g_autoptr(GError) error = NULL;
 *   TcTestServer *srv = tc_test_server_new (NULL, &error);     // extra `serve` args or NULL
 *   srv->url              "ws://127.0.0.1:PORT/ws"
 *   srv->username / srv->password / srv->display_name      the practitioner ("doctor")
 *   srv->kiosk_station / srv->kiosk_token                    the kiosk ("station-1")
 *   srv->database         path of the SQLite file (open it with TcStore to seed data)
 *   tc_test_server_stop (srv);            SIGTERM, wait (graceful shutdown)
 *   tc_test_server_start (srv, &error);   again, same database (restart tests)
 *   tc_test_server_free (srv);            stop, delete the temp dir
 *
 * Extra args, e.g. { "--reconnect-grace", "2", NULL }, go to `serve`; TLS tests pass
 * --tls-cert/--tls-key (srv->url is then wss://). Creating accounts hashes with Argon2id:
 * ~0.1 s each, so make few.
 *
 * TcTestWs: a synchronous-looking WebSocket client on libsoup that iterates the
 * thread-default main context while it waits (so it can live beside other async code).
 *
 *   TcTestWs *ws = tc_test_ws_connect (srv->url, &error);
 *   tc_test_ws_sendf (ws, "{\"type\":\"ping\",\"rid\":\"%s\"}", "r1");
 *   g_autoptr(JsonObject) pong = tc_test_ws_expect (ws, "pong", 5000);   // NULL on timeout
 *   g_autoptr(JsonObject) err = tc_test_ws_expect_error (ws, "not-found", 5000);
 *   gushort code = tc_test_ws_wait_closed (ws, 5000);   // close code the server sent, 0 on timeout
 *   tc_test_ws_drop (ws);      // abrupt: the TCP stream dies without a close frame
 *   tc_test_ws_free (ws);
 *
 * Received messages queue up; tc_test_ws_expect() takes the first one of the asked type
 * and leaves the others queued (tc_test_ws_count() counts them, tc_test_ws_next()
 * takes any). tc_test_ws_last_seq() is the highest `seq` received so far.
 * Convenience: tc_test_server_sign_in() connects and signs the practitioner in;
 * tc_test_server_join() joins as a patient (invitation) or kiosk.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  GSubprocess *process;
  char        *binary;
  char        *dir;
  char        *database;
  char        *url;
  guint        port;
  char        *username;
  char        *password;
  char        *display_name;
  char        *kiosk_station;
  char        *kiosk_token;
  char       **extra_args;
} TcTestServer;

/* Path of the built teleconsult-server, or NULL (with error) when TC_BUILD_DIR is unset. */
char         *tc_test_server_binary (GError **error);
TcTestServer *tc_test_server_new    (const char * const *extra_args,
                                     GError            **error);
gboolean      tc_test_server_start  (TcTestServer *server,
                                     GError      **error);
/* SIGTERM and wait (up to 10 s, then SIGKILL). Returns the exit status (-1 if killed). */
int           tc_test_server_stop   (TcTestServer *server);
void          tc_test_server_free   (TcTestServer *server);
/* Runs `teleconsult-server SUBCOMMAND … --database DB` with @input on stdin; returns stdout. */
char         *tc_test_server_run_command (TcTestServer       *server,
                                          const char         *input,
                                          GError            **error,
                                          const char         *subcommand,
                                          ...) G_GNUC_NULL_TERMINATED;

typedef struct _TcTestWs TcTestWs;

TcTestWs   *tc_test_ws_connect      (const char       *url,
                                     GError          **error);
/* With TLS: trusts exactly the PEM certificates in @ca_file. */
TcTestWs   *tc_test_ws_connect_full (const char       *url,
                                     const char       *ca_file,
                                     GError          **error);
void        tc_test_ws_free         (TcTestWs         *ws);
void        tc_test_ws_send_text    (TcTestWs         *ws,
                                     const char       *text);
void        tc_test_ws_send_json    (TcTestWs         *ws,
                                     JsonObject       *message);
void        tc_test_ws_sendf        (TcTestWs         *ws,
                                     const char       *format,
                                     ...) G_GNUC_PRINTF (2, 3);
void        tc_test_ws_send_binary  (TcTestWs         *ws,
                                     const void       *data,
                                     gsize             length);
JsonObject *tc_test_ws_next         (TcTestWs         *ws,
                                     guint             timeout_ms);
JsonObject *tc_test_ws_expect       (TcTestWs         *ws,
                                     const char       *type,
                                     guint             timeout_ms);
JsonObject *tc_test_ws_expect_error (TcTestWs         *ws,
                                     const char       *code,
                                     guint             timeout_ms);
guint       tc_test_ws_count        (TcTestWs         *ws,
                                     const char       *type);
/* Lets events run for @ms (to see that nothing more arrives). */
void        tc_test_ws_drain        (TcTestWs         *ws,
                                     guint             ms);
gboolean    tc_test_ws_is_closed    (TcTestWs         *ws);
gushort     tc_test_ws_wait_closed  (TcTestWs         *ws,
                                     guint             timeout_ms);
void        tc_test_ws_close        (TcTestWs         *ws);
void        tc_test_ws_drop         (TcTestWs         *ws);
gint64      tc_test_ws_last_seq     (TcTestWs         *ws);

/* Connects and signs in as the fixture's practitioner; *out_welcome (optional) gets `welcome`.
 * NULL if no welcome came. */
TcTestWs   *tc_test_server_sign_in  (TcTestServer     *server,
                                     JsonObject      **out_welcome);
/* Connects and joins with an invitation (@method "invitation") or kiosk token ("kiosk"). */
TcTestWs   *tc_test_server_join     (TcTestServer     *server,
                                     const char       *method,
                                     const char       *token,
                                     const char       *display_name,
                                     JsonObject      **out_welcome);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcTestServer, tc_test_server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcTestWs, tc_test_ws_free)

G_END_DECLS
