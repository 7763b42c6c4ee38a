/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "tc-bench-echo.h"
#include "tc-bench-ws.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define READ_CHUNK 65536

typedef struct {
  BenchSource source;
  BenchLoop  *loop;
  int         fd;
  gboolean    open;
  gboolean    polling_out;
  GByteArray *in;
  GByteArray *out;
} EchoConn;

typedef struct {
  BenchSource source;
  BenchLoop  *loop;
  int         fd;
} EchoListener;

static void
echo_close (EchoConn *c)
{
  bench_loop_remove (c->loop, c->fd);
  close (c->fd);
  g_byte_array_unref (c->in);
  g_byte_array_unref (c->out);
  g_free (c);
}

static gboolean
echo_flush (EchoConn *c)
{
  while (c->out->len > 0)
    {
      ssize_t n = send (c->fd, c->out->data, c->out->len, MSG_NOSIGNAL);
      if (n < 0)
        {
          if (errno == EAGAIN)
            break;
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      g_byte_array_remove_range (c->out, 0, (guint) n);
    }
  if ((c->out->len > 0) != c->polling_out)
    {
      c->polling_out = c->out->len > 0;
      bench_loop_modify (c->loop, c->fd, &c->source, EPOLLIN | (c->polling_out ? EPOLLOUT : 0));
    }
  return TRUE;
}

static gboolean
echo_handshake (EchoConn *c)
{
  guint8 *end = memmem (c->in->data, c->in->len, "\r\n\r\n", 4);
  g_autofree char *head = NULL;
  g_autofree char *reply = NULL;
  const char *key;
  char accept[29];
  char key_value[64];

  if (end == NULL)
    return c->in->len < 8192;
  head = g_strndup ((const char *) c->in->data, end - c->in->data);
  g_byte_array_remove_range (c->in, 0, (guint) (end - c->in->data) + 4);
  key = strcasestr (head, "\r\nSec-WebSocket-Key:");
  if (key == NULL)
    return FALSE;
  key += strlen ("\r\nSec-WebSocket-Key:");
  while (*key == ' ')
    key++;
  g_strlcpy (key_value, key, MIN (sizeof key_value, strcspn (key, "\r\n") + 1));
  bench_ws_accept_key (key_value, accept);
  reply = g_strdup_printf ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Accept: %s\r\n%s\r\n", accept,
                           strcasestr (head, "Sec-WebSocket-Protocol:") ? "Sec-WebSocket-Protocol: teleconsult.v1\r\n" : "");
  g_byte_array_append (c->out, (const guint8 *) reply, strlen (reply));
  c->open = TRUE;
  return TRUE;
}

static void
echo_dispatch (BenchSource *source,
               uint32_t     events)
{
  EchoConn *c = (EchoConn *) source;
  gsize offset = 0;

  if (events & EPOLLOUT && !echo_flush (c))
    {
      echo_close (c);
      return;
    }
  if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
    return;
  {
    guint old = c->in->len;
    ssize_t n;
    g_byte_array_set_size (c->in, old + READ_CHUNK);
    n = recv (c->fd, c->in->data + old, READ_CHUNK, 0);
    g_byte_array_set_size (c->in, old + (n > 0 ? (guint) n : 0));
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
      {
        echo_close (c);
        return;
      }
  }
  if (!c->open && !echo_handshake (c))
    {
      echo_close (c);
      return;
    }
  while (c->open)
    {
      gboolean fin;
      int opcode;
      guint8 *payload;
      guint64 len;
      gssize n = bench_ws_parse_frame (c->in->data + offset, c->in->len - offset, &fin, &opcode, &payload, &len);
      if (n == 0)
        break;
      if (n < 0 || opcode == 8)
        {
          echo_close (c);
          return;
        }
      offset += n;
      if (opcode == 9)
        bench_ws_append_frame (c->out, 10, payload, len, FALSE);
      else if (opcode == 1 || opcode == 2)
        bench_ws_append_frame (c->out, opcode, payload, len, FALSE);
    }
  g_byte_array_remove_range (c->in, 0, (guint) offset);
  if (c->in->len == 0)
    {
      g_byte_array_unref (c->in);
      c->in = g_byte_array_new ();
    }
  if (!echo_flush (c))
    echo_close (c);
}

static void
listener_dispatch (BenchSource *source,
                   uint32_t     events)
{
  EchoListener *l = (EchoListener *) source;

  for (;;)
    {
      int one = 1;
      int fd = accept4 (l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
      EchoConn *c;

      if (fd < 0)
        return;
      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      c = g_new0 (EchoConn, 1);
      c->source.dispatch = echo_dispatch;
      c->loop = l->loop;
      c->fd = fd;
      c->in = g_byte_array_new ();
      c->out = g_byte_array_new ();
      bench_loop_add (l->loop, fd, &c->source, EPOLLIN);
    }
}

pid_t
bench_echo_spawn (guint16 *out_port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t len = sizeof addr;
  int one = 1;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  pid_t pid;

  inet_pton (AF_INET, "127.0.0.1", &addr.sin_addr);
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (fd, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (fd, 4096) < 0)
    g_error ("echo server: %s", g_strerror (errno));
  getsockname (fd, (struct sockaddr *) &addr, &len);
  *out_port = ntohs (addr.sin_port);

  pid = fork ();
  if (pid < 0)
    g_error ("fork: %s", g_strerror (errno));
  if (pid == 0)
    {
      EchoListener listener = { .source.dispatch = listener_dispatch, .fd = fd };
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      listener.loop = bench_loop_new ();
      bench_loop_add (listener.loop, fd, &listener.source, EPOLLIN);
      for (;;)
        bench_loop_iterate (listener.loop, -1);
    }
  close (fd);
  return pid;
}
