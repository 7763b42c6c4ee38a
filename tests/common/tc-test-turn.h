/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcTestTurn: Debian's coturn (`turnserver`) as a child process with a generated
 * configuration: TURN REST credentials (use-auth-secret), UDP and TCP on one port, no
 * TLS, peers allowed in the test namespaces' 10.77.0.0/16 (coturn refuses some private
 * peers unless told). Stopped, with its files removed, by tc_test_turn_stop(). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char        *ns;           /* namespace it runs in ("" for the current one) */
  char        *listen_ip;
  guint        port;
  char        *realm;
  char        *secret;       /* static-auth-secret (also in secret_file) */
  char        *secret_file;
  char        *dir;          /* temporary directory: config, log, pid, user db */
  char        *log_path;
  GSubprocess *process;
} TcTestTurn;

/* TRUE when /usr/bin/turnserver (or turnserver on PATH) exists; otherwise says why. */
gboolean    tc_test_turn_available   (void);

/* Starts coturn on @listen_ip:@port inside @ns and returns once it listens on UDP. */
TcTestTurn *tc_test_turn_start       (const char  *ns,
                                      const char  *listen_ip,
                                      guint        port,
                                      GError     **error);
void        tc_test_turn_stop        (TcTestTurn  *self);

/* "turn:IP:PORT?transport=udp" (no credentials: the signalling server adds them). */
char       *tc_test_turn_uri         (TcTestTurn  *self);
/* TURN REST credentials valid for @ttl_s: username "expiry:@user", password
 * base64(HMAC-SHA1(secret, username)). */
void        tc_test_turn_credentials (TcTestTurn  *self,
                                      const char  *user,
                                      guint        ttl_s,
                                      char       **username,
                                      char       **password);
/* Number of allocations coturn has logged so far (from its log). */
guint       tc_test_turn_count_allocations (TcTestTurn *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcTestTurn, tc_test_turn_stop)

G_END_DECLS
