/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The benchmarks' reference server: a trivial single-threaded epoll WebSocket echo
 * server in a child process, so the client code can be measured against it. */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/* Forks the echo server on 127.0.0.1 (an ephemeral port); returns its pid. */
pid_t bench_echo_spawn (guint16 *out_port);

G_END_DECLS
