/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcServer: the Teleconsult signalling server (docs/signaling-protocol.md) on a libsoup
 * WebSocket endpoint `/ws`. Embeddable: no global state, every failure is a GError, all
 * work happens on the thread-default main context of the thread that calls
 * tc_server_start() (password hashing excepted: it runs on worker threads).
 *
 *   g_autoptr(TcServer) server = g_object_new (TC_TYPE_SERVER, "database-path", path, NULL);
 *   if (!tc_server_start (server, &error)) …
 *   g_print ("%s\n", tc_server_get_url (server));
 *   …
 *   tc_server_shutdown_async (server, NULL, on_shut_down, NULL);   // 1001 to everyone
 */
#pragma once

#include <gio/gio.h>

#include "tc-store.h"

G_BEGIN_DECLS

typedef enum {
  TC_SERVER_ERROR_FAILED,
  TC_SERVER_ERROR_INSECURE,   /* plain ws requested on a non-loopback address */
  TC_SERVER_ERROR_TLS,        /* the certificate or key could not be loaded */
  TC_SERVER_ERROR_LISTEN,     /* the address could not be bound */
} TcServerError;

#define TC_SERVER_ERROR (tc_server_error_quark ())
GQuark tc_server_error_quark (void);

#define TC_TYPE_SERVER (tc_server_get_type ())
G_DECLARE_FINAL_TYPE (TcServer, tc_server, TC, SERVER, GObject)

/* Properties (set before tc_server_start):
 *   listen-address     string  "127.0.0.1"
 *   port               uint    0 (ephemeral; see tc_server_get_port)
 *   tls-certificate-file, tls-key-file   PEM files; both set = wss
 *   allow-insecure     bool    FALSE: plain ws only on loopback unless TRUE
 *   database-path      string  ":memory:"
 *   store              TcStore (construct-only alternative to database-path)
 *   stun-uris, turn-uris   GStrv  e.g. "stun:host:3478", "turn:host:3478?transport=udp"
 *   turn-secret        string  coturn's static-auth-secret
 *   public-url         string  wss URL put in invitation links (default: the bound URL)
 *   reconnect-grace    uint s  60
 *   hello-timeout      uint s  10
 *   idle-timeout       uint s  45
 *   keepalive-interval uint s  15
 */
TcServer   *tc_server_new (void);

gboolean    tc_server_start (TcServer  *self,
                             GError   **error);
/* The bound port (after start), and "ws[s]://ADDR:PORT/ws". */
guint       tc_server_get_port (TcServer *self);
char       *tc_server_get_url  (TcServer *self);
TcStore    *tc_server_get_store (TcServer *self);
guint       tc_server_get_n_connections (TcServer *self);

/* Closes every connection with 1001 "going away", stops listening and flushes the
 * store; completes once every connection is closed (or after a few seconds). */
void        tc_server_shutdown_async  (TcServer            *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean    tc_server_shutdown_finish (TcServer      *self,
                                       GAsyncResult  *result,
                                       GError       **error);

G_END_DECLS
