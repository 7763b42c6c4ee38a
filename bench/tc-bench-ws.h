/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A minimal WebSocket (RFC 6455) client and server framing on one epoll loop, for
 * benchmarks that hold thousands of connections in one thread: no TLS, no extensions,
 * text frames out, text/binary/ping/pong/close in. Not for production use. */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Anything registered with the loop starts with this. */
typedef struct _BenchSource BenchSource;
struct _BenchSource
{
  void (*dispatch) (BenchSource *source, uint32_t events);
};

typedef struct _BenchLoop BenchLoop;

BenchLoop *bench_loop_new (void);
void       bench_loop_free (BenchLoop *loop);
void       bench_loop_add (BenchLoop *loop, int fd, BenchSource *source, uint32_t events);
void       bench_loop_modify (BenchLoop *loop, int fd, BenchSource *source, uint32_t events);
void       bench_loop_remove (BenchLoop *loop, int fd);
/* Waits at most @timeout_ms and dispatches what is ready; returns the number of events. */
int        bench_loop_iterate (BenchLoop *loop, int timeout_ms);

/* Monotonic clock in nanoseconds. */
gint64     bench_now_ns (void);

typedef enum {
  BENCH_WS_CONNECTING,
  BENCH_WS_HANDSHAKE,
  BENCH_WS_OPEN,
  BENCH_WS_CLOSED,
} BenchWsState;

typedef struct _BenchWs BenchWs;
typedef void (*BenchWsMessageFunc) (BenchWs *ws, char *text, gsize length, gpointer user_data);
typedef void (*BenchWsEventFunc) (BenchWs *ws, gpointer user_data);

struct _BenchWs
{
  BenchSource        source;
  BenchLoop         *loop;
  int                fd;
  BenchWsState       state;
  GByteArray        *in;
  GByteArray        *out;
  GByteArray        *fragments;
  gboolean           polling_out;
  char               accept[32];
  char              *request;
  BenchWsEventFunc   on_open;
  BenchWsMessageFunc on_message;
  BenchWsEventFunc   on_closed;
  gpointer           user_data;
  guint64            pings_answered;
};

/* Starts a non-blocking connect to ws://127.0.0.1:@port@path. Callbacks run from
 * bench_loop_iterate and must not free @ws. on_closed runs once, for any reason
 * (refused, closed, error); the caller frees @ws later with bench_ws_free. */
BenchWs *bench_ws_connect (BenchLoop          *loop,
                           guint16             port,
                           const char         *path,
                           const char         *subprotocol,
                           BenchWsEventFunc    on_open,
                           BenchWsMessageFunc  on_message,
                           BenchWsEventFunc    on_closed,
                           gpointer            user_data);
/* Queues one masked text frame (sent at once when the socket allows). */
void     bench_ws_send_text (BenchWs    *ws,
                             const char *text,
                             gsize       length);
/* Drops the connection without a close handshake (on_closed is not called). */
void     bench_ws_free (BenchWs *ws);

/* Framing, shared with the benchmark's echo server. Parses one frame at @buf; returns
 * the bytes it spans, 0 if incomplete, -1 if malformed. Unmasks the payload in place. */
gssize   bench_ws_parse_frame (guint8   *buf,
                               gsize     length,
                               gboolean *fin,
                               int      *opcode,
                               guint8  **payload,
                               guint64  *payload_length);
void     bench_ws_append_frame (GByteArray *out,
                                int         opcode,
                                const void *data,
                                gsize       length,
                                gboolean    mask);
/* base64 (SHA-1 (key + GUID)), the Sec-WebSocket-Accept value; @out holds 29 bytes. */
void     bench_ws_accept_key (const char *key,
                              char        out[29]);

G_END_DECLS
