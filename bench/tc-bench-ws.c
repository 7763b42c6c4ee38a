/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "tc-bench-ws.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS 256
#define READ_CHUNK 65536
#define MAX_HANDSHAKE 8192
#define MAX_MESSAGE (1024 * 1024)
#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

enum { OP_CONT = 0, OP_TEXT = 1, OP_BINARY = 2, OP_CLOSE = 8, OP_PING = 9, OP_PONG = 10 };

struct _BenchLoop
{
  int epfd;
};

BenchLoop *
bench_loop_new (void)
{
  BenchLoop *loop = g_new0 (BenchLoop, 1);
  loop->epfd = epoll_create1 (EPOLL_CLOEXEC);
  g_assert (loop->epfd >= 0);
  return loop;
}

void
bench_loop_free (BenchLoop *loop)
{
  close (loop->epfd);
  g_free (loop);
}

void
bench_loop_add (BenchLoop *loop, int fd, BenchSource *source, uint32_t events)
{
  struct epoll_event ev = { .events = events, .data.ptr = source };
  if (epoll_ctl (loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
    g_error ("epoll_ctl add: %s", g_strerror (errno));
}

void
bench_loop_modify (BenchLoop *loop, int fd, BenchSource *source, uint32_t events)
{
  struct epoll_event ev = { .events = events, .data.ptr = source };
  if (epoll_ctl (loop->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
    g_error ("epoll_ctl mod: %s", g_strerror (errno));
}

void
bench_loop_remove (BenchLoop *loop, int fd)
{
  epoll_ctl (loop->epfd, EPOLL_CTL_DEL, fd, NULL);
}

int
bench_loop_iterate (BenchLoop *loop, int timeout_ms)
{
  struct epoll_event events[MAX_EVENTS];
  int n = epoll_wait (loop->epfd, events, MAX_EVENTS, timeout_ms);

  if (n < 0)
    {
      if (errno != EINTR)
        g_error ("epoll_wait: %s", g_strerror (errno));
      return 0;
    }
  for (int i = 0; i < n; i++)
    {
      BenchSource *source = events[i].data.ptr;
      source->dispatch (source, events[i].events);
    }
  return n;
}

gint64
bench_now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- framing ---- */

gssize
bench_ws_parse_frame (guint8   *buf,
                      gsize     length,
                      gboolean *fin,
                      int      *opcode,
                      guint8  **payload,
                      guint64  *payload_length)
{
  gsize header = 2;
  guint64 len;
  gboolean masked;
  guint8 *mask = NULL;

  if (length < 2)
    return 0;
  if (buf[0] & 0x70)
    return -1;   /* no extensions negotiated */
  *fin = (buf[0] & 0x80) != 0;
  *opcode = buf[0] & 0x0f;
  masked = (buf[1] & 0x80) != 0;
  len = buf[1] & 0x7f;
  if (len == 126)
    {
      if (length < 4)
        return 0;
      len = ((guint64) buf[2] << 8) | buf[3];
      header = 4;
    }
  else if (len == 127)
    {
      if (length < 10)
        return 0;
      len = 0;
      for (int i = 0; i < 8; i++)
        len = (len << 8) | buf[2 + i];
      header = 10;
    }
  if (len > MAX_MESSAGE)
    return -1;
  if (masked)
    {
      if (length < header + 4)
        return 0;
      mask = buf + header;
      header += 4;
    }
  if (length < header + len)
    return 0;
  if (mask != NULL)
    for (guint64 i = 0; i < len; i++)
      buf[header + i] ^= mask[i & 3];
  *payload = buf + header;
  *payload_length = len;
  return (gssize) (header + len);
}

void
bench_ws_append_frame (GByteArray *out,
                       int         opcode,
                       const void *data,
                       gsize       length,
                       gboolean    mask)
{
  guint8 header[14];
  gsize h = 0;
  guint8 key[4];
  guint start;

  header[h++] = 0x80 | (opcode & 0x0f);
  if (length < 126)
    header[h++] = (mask ? 0x80 : 0) | (guint8) length;
  else if (length <= 0xffff)
    {
      header[h++] = (mask ? 0x80 : 0) | 126;
      header[h++] = (guint8) (length >> 8);
      header[h++] = (guint8) length;
    }
  else
    {
      header[h++] = (mask ? 0x80 : 0) | 127;
      for (int i = 7; i >= 0; i--)
        header[h++] = (guint8) ((guint64) length >> (8 * i));
    }
  if (mask)
    {
      guint32 r = g_random_int ();
      memcpy (key, &r, 4);
      memcpy (header + h, key, 4);
      h += 4;
    }
  g_byte_array_append (out, header, h);
  start = out->len;
  g_byte_array_append (out, data, length);
  if (mask)
    {
      /* Eight bytes at a time: the bench client must not be the bottleneck. */
      guint64 key8;
      gsize i = 0;
      for (int k = 0; k < 8; k++)
        ((guint8 *) &key8)[k] = key[k & 3];
      for (; i + 8 <= length; i += 8)
        {
          guint64 v;
          memcpy (&v, out->data + start + i, 8);
          v ^= key8;
          memcpy (out->data + start + i, &v, 8);
        }
      for (; i < length; i++)
        out->data[start + i] ^= key[i & 3];
    }
}

void
bench_ws_accept_key (const char *key,
                     char        out[29])
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize digest_len = sizeof digest;
  g_autofree char *b64 = NULL;

  g_checksum_update (sha1, (const guchar *) key, -1);
  g_checksum_update (sha1, (const guchar *) WS_GUID, -1);
  g_checksum_get_digest (sha1, digest, &digest_len);
  b64 = g_base64_encode (digest, digest_len);
  g_strlcpy (out, b64, 29);
}

/* ---- client ---- */

static void
ws_update_poll (BenchWs *ws)
{
  gboolean want = ws->out->len > 0 || ws->state == BENCH_WS_CONNECTING;
  if (want != ws->polling_out)
    {
      ws->polling_out = want;
      bench_loop_modify (ws->loop, ws->fd, &ws->source, EPOLLIN | (want ? EPOLLOUT : 0));
    }
}

static void
ws_fail (BenchWs *ws)
{
  if (ws->state == BENCH_WS_CLOSED)
    return;
  ws->state = BENCH_WS_CLOSED;
  bench_loop_remove (ws->loop, ws->fd);
  close (ws->fd);
  ws->fd = -1;
  if (ws->on_closed)
    ws->on_closed (ws, ws->user_data);
}

static gboolean
ws_flush (BenchWs *ws)
{
  while (ws->out->len > 0)
    {
      ssize_t n = send (ws->fd, ws->out->data, ws->out->len, MSG_NOSIGNAL);
      if (n < 0)
        {
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      g_byte_array_remove_range (ws->out, 0, (guint) n);
    }
  ws_update_poll (ws);
  return TRUE;
}

static gboolean
ws_handle_handshake (BenchWs *ws)
{
  guint8 *end = memmem (ws->in->data, ws->in->len, "\r\n\r\n", 4);
  g_autofree char *head = NULL;

  if (end == NULL)
    return ws->in->len < MAX_HANDSHAKE;
  head = g_strndup ((const char *) ws->in->data, end - ws->in->data);
  g_byte_array_remove_range (ws->in, 0, (guint) (end - ws->in->data) + 4);
  if (!g_str_has_prefix (head, "HTTP/1.1 101") || strstr (head, ws->accept) == NULL)
    return FALSE;
  ws->state = BENCH_WS_OPEN;
  if (ws->on_open)
    ws->on_open (ws, ws->user_data);
  return TRUE;
}

/* Returns FALSE when the connection must be dropped. */
static gboolean
ws_handle_frames (BenchWs *ws)
{
  gsize offset = 0;
  gboolean ok = TRUE;
  guint len_before = ws->in->len;

  /* Spare capacity for one byte, so a payload at the very end can be zero-terminated in
   * place (g_byte_array_set_size never shrinks the allocation). */
  g_byte_array_append (ws->in, (const guint8 *) "", 1);
  g_byte_array_set_size (ws->in, len_before);

  while (ok && ws->state == BENCH_WS_OPEN)
    {
      gboolean fin;
      int opcode;
      guint8 *payload;
      guint64 len;
      gssize n = bench_ws_parse_frame (ws->in->data + offset, ws->in->len - offset, &fin, &opcode, &payload, &len);

      if (n == 0)
        break;
      if (n < 0)
        {
          ok = FALSE;
          break;
        }
      offset += n;
      switch (opcode)
        {
        case OP_PING:
          bench_ws_append_frame (ws->out, OP_PONG, payload, len, TRUE);
          ws->pings_answered++;
          break;
        case OP_PONG:
          break;
        case OP_CLOSE:
          bench_ws_append_frame (ws->out, OP_CLOSE, payload, MIN (len, 2), TRUE);
          ws_flush (ws);
          ok = FALSE;
          break;
        case OP_TEXT:
        case OP_BINARY:
        case OP_CONT:
          if (!fin || ws->fragments->len > 0)
            {
              g_byte_array_append (ws->fragments, payload, len);
              if (!fin)
                break;
              g_byte_array_append (ws->fragments, (const guint8 *) "", 1);
              if (ws->on_message)
                ws->on_message (ws, (char *) ws->fragments->data, ws->fragments->len - 1, ws->user_data);
              g_byte_array_set_size (ws->fragments, 0);
            }
          else if (ws->on_message)
            {
              /* Zero-terminate in place: the byte after the payload is the next frame's
               * (already parsed past) or spare capacity; save and restore it. */
              guint8 saved = payload[len];
              payload[len] = 0;
              ws->on_message (ws, (char *) payload, len, ws->user_data);
              if (ws->state == BENCH_WS_OPEN)
                payload[len] = saved;
            }
          break;
        default:
          ok = FALSE;
        }
    }
  if (ws->state != BENCH_WS_CLOSED && offset > 0)
    g_byte_array_remove_range (ws->in, 0, (guint) MIN (offset, ws->in->len));
  return ok;
}

static void
ws_dispatch (BenchSource *source,
             uint32_t     events)
{
  BenchWs *ws = (BenchWs *) source;

  if (ws->state == BENCH_WS_CONNECTING && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
    {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt (ws->fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0)
        {
          ws_fail (ws);
          return;
        }
      ws->state = BENCH_WS_HANDSHAKE;
      g_byte_array_append (ws->out, (const guint8 *) ws->request, strlen (ws->request));
      g_clear_pointer (&ws->request, g_free);
    }
  if (events & EPOLLOUT)
    {
      if (!ws_flush (ws))
        {
          ws_fail (ws);
          return;
        }
    }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
    {
      guint old = ws->in->len;
      ssize_t n;

      g_byte_array_set_size (ws->in, old + READ_CHUNK);
      n = recv (ws->fd, ws->in->data + old, READ_CHUNK, 0);
      g_byte_array_set_size (ws->in, old + (n > 0 ? (guint) n : 0));
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
        {
          ws_fail (ws);
          return;
        }
      if (ws->state == BENCH_WS_HANDSHAKE && !ws_handle_handshake (ws))
        {
          ws_fail (ws);
          return;
        }
      if (ws->state == BENCH_WS_OPEN && !ws_handle_frames (ws))
        {
          ws_fail (ws);
          return;
        }
      if (ws->state == BENCH_WS_OPEN && ws->out->len > 0 && !ws_flush (ws))
        ws_fail (ws);
      /* Idle connections should not keep a 64 KiB buffer each. */
      if (ws->state != BENCH_WS_CLOSED && ws->in->len == 0)
        {
          g_byte_array_unref (ws->in);
          ws->in = g_byte_array_new ();
        }
    }
}

BenchWs *
bench_ws_connect (BenchLoop          *loop,
                  guint16             port,
                  const char         *path,
                  const char         *subprotocol,
                  BenchWsEventFunc    on_open,
                  BenchWsMessageFunc  on_message,
                  BenchWsEventFunc    on_closed,
                  gpointer            user_data)
{
  BenchWs *ws = g_new0 (BenchWs, 1);
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };
  guint8 raw_key[16];
  g_autofree char *key = NULL;
  int one = 1;

  for (int i = 0; i < 16; i++)
    raw_key[i] = (guint8) g_random_int ();
  key = g_base64_encode (raw_key, sizeof raw_key);
  bench_ws_accept_key (key, ws->accept);

  ws->source.dispatch = ws_dispatch;
  ws->loop = loop;
  ws->in = g_byte_array_new ();
  ws->out = g_byte_array_new ();
  ws->fragments = g_byte_array_new ();
  ws->on_open = on_open;
  ws->on_message = on_message;
  ws->on_closed = on_closed;
  ws->user_data = user_data;
  ws->request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nUpgrade: websocket\r\n"
                                 "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                                 "Sec-WebSocket-Version: 13\r\n%s%s%s\r\n",
                                 path, port, key,
                                 subprotocol ? "Sec-WebSocket-Protocol: " : "",
                                 subprotocol ? subprotocol : "", subprotocol ? "\r\n" : "");

  inet_pton (AF_INET, "127.0.0.1", &addr.sin_addr);
  ws->fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (ws->fd < 0)
    g_error ("socket: %s (raise RLIMIT_NOFILE)", g_strerror (errno));
  setsockopt (ws->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ws->state = BENCH_WS_CONNECTING;
  ws->polling_out = TRUE;
  bench_loop_add (loop, ws->fd, &ws->source, EPOLLIN | EPOLLOUT);
  if (connect (ws->fd, (struct sockaddr *) &addr, sizeof addr) < 0 && errno != EINPROGRESS)
    ws_fail (ws);   /* reported through on_closed on return; the caller still owns ws */
  return ws;
}

void
bench_ws_send_text (BenchWs    *ws,
                    const char *text,
                    gsize       length)
{
  gboolean was_empty;

  if (ws->state != BENCH_WS_OPEN)
    return;
  was_empty = ws->out->len == 0;
  bench_ws_append_frame (ws->out, OP_TEXT, text, length, TRUE);
  if (was_empty && !ws_flush (ws))
    ws_fail (ws);
}

void
bench_ws_free (BenchWs *ws)
{
  if (ws == NULL)
    return;
  if (ws->fd >= 0)
    {
      bench_loop_remove (ws->loop, ws->fd);
      close (ws->fd);
    }
  g_byte_array_unref (ws->in);
  g_byte_array_unref (ws->out);
  g_byte_array_unref (ws->fragments);
  g_free (ws->request);
  g_free (ws);
}
