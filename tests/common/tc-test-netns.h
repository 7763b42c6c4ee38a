/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcTestNetns: two network namespaces joined by a veth pair, for end-to-end tests and
 * benchmarks that need real interfaces (libnice ignores loopback-only hosts and the
 * interfaces that are not running). Root only: tc_test_netns_require_root() says why
 * it skips. Every helper blocks: call them from test code, never from an app main loop. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Every namespace this helper creates starts with this prefix, then the creating pid. */
#define TC_TEST_NETNS_PREFIX "tce2e-"

/* Exit status that meson reads as SKIP. */
#define TC_TEST_SKIP 77

typedef struct {
  char  *ns_a;      /* namespace names, e.g. "tce2e-1234-a" */
  char  *ns_b;
  char  *dev_a;     /* veth end inside ns_a, e.g. "tcv1234a" */
  char  *dev_b;
  char  *addr_a;    /* "10.77.N.1" */
  char  *addr_b;    /* "10.77.N.2" */
  guint  subnet;    /* N */
} TcTestNetns;

/* TRUE when the process may create namespaces; otherwise prints why on stderr. */
gboolean     tc_test_netns_can_run            (void);
/* Deletes namespaces (and kills their processes) left by earlier runs whose creator died. */
void         tc_test_netns_sweep_stale        (void);

/* Creates both namespaces, the veth pair, addresses, brings every link up and waits
 * until both veth ends report operstate "up". */
TcTestNetns *tc_test_netns_new                (GError      **error);
/* Kills every process still inside the namespaces and deletes them. Safe on NULL. */
void         tc_test_netns_free               (TcTestNetns  *self);

/* Runs argv (NULL-terminated) inside @ns ("" or NULL: the current namespace) and waits.
 * Fails with the command's stderr when it exits non-zero. */
gboolean     tc_test_netns_run                (const char          *ns,
                                               const char * const  *argv,
                                               GError             **error);
/* Starts argv inside @ns. The child is killed (SIGKILL) if this process dies first. */
GSubprocess *tc_test_netns_spawn              (const char          *ns,
                                               GSubprocessFlags     flags,
                                               const char * const  *argv,
                                               GError             **error);
/* Like tc_test_netns_spawn() with extra environment (KEY=VALUE strings, may be NULL)
 * and a working directory (may be NULL). */
GSubprocess *tc_test_netns_spawn_full         (const char          *ns,
                                               GSubprocessFlags     flags,
                                               const char * const  *env,
                                               const char          *cwd,
                                               const char * const  *argv,
                                               GError             **error);

/* tbf on the egress of the veth end in @ns_a (if @in_a) or @ns_b; 0 kbit removes it. */
gboolean     tc_test_netns_set_rate           (TcTestNetns  *self,
                                               gboolean      in_a,
                                               guint         kbit,
                                               GError      **error);
/* Drops @permille ‰ of the UDP packets arriving on the veth end in ns_a (if @in_a) or
 * ns_b, at random (nftables numgen; there is no netem here). On arrival, not departure:
 * an output drop would fail the sender's sendmsg() with EPERM, which no real network
 * does. 0 removes the rule. */
gboolean     tc_test_netns_set_loss           (TcTestNetns  *self,
                                               gboolean      in_a,
                                               guint         permille,
                                               GError      **error);
/* Both veth ends down, or both up and waited for (operstate "up"). */
gboolean     tc_test_netns_set_link           (TcTestNetns  *self,
                                               gboolean      up,
                                               GError      **error);
/* Returns the sum of tx bytes of the veth end in ns_a (if @in_a) or ns_b, or -1. */
gint64       tc_test_netns_tx_bytes           (TcTestNetns  *self,
                                               gboolean      in_a);

/* tcpdump -w @pcap_path on dev_a (UDP only, full packets); returns once tcpdump
 * listens. Stop it with tc_test_netns_stop_capture(). */
GSubprocess *tc_test_netns_start_capture      (TcTestNetns  *self,
                                               const char   *pcap_path,
                                               GError      **error);
gboolean     tc_test_netns_stop_capture       (GSubprocess  *tcpdump,
                                               GError      **error);

/* SIGTERM, then SIGKILL after @grace_ms; waits for the exit. Safe on NULL. */
void         tc_test_terminate                (GSubprocess  *process,
                                               guint         grace_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcTestNetns, tc_test_netns_free)

G_END_DECLS
