/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server under test for benchmarks: a real teleconsult-server on loopback with a
 * scratch database and practitioner accounts, plus /proc readings of a process. */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

typedef struct {
  char   *path;     /* the teleconsult-server binary (set by the caller) */
  char   *tmpdir;   /* scratch directory: database and the server's stdout */
  pid_t   pid;
  guint16 port;
} BenchServer;

/* Creates @accounts practitioner accounts "bench0"… with @password (add-practitioner),
 * then starts `serve --listen=127.0.0.1 --port=0` and waits (≤ 10 s) for its port. The
 * child inherits the caller's RLIMIT_NOFILE. */
gboolean bench_server_start (BenchServer *server,
                             const char  *password,
                             guint        accounts,
                             GError     **error);
/* SIGTERM, then SIGKILL after 10 s; removes the scratch directory. */
void     bench_server_stop  (BenchServer *server);

/* VmRSS in KiB, or -1. */
gint64   bench_read_rss_kib   (pid_t pid);
/* utime + stime in clock ticks, or -1. */
gint64   bench_read_cpu_ticks (pid_t pid);

G_END_DECLS
