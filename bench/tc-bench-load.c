/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Signalling load benchmark (docs/benchmarks.md, "Signalling load").
 *
 * Starts a real teleconsult-server on loopback (or uses --url), then
 *  (a) holds N idle authenticated patient connections (each joined with its own
 *      invitation, created by a few practitioner connections) and reports the server's
 *      RSS per connection (VmRSS after minus before);
 *  (b) admits practitioner ↔ patient pairs (one consultation per pair) and has every
 *      client send an offer-sized `sdp` to its peer RATE times a second, measuring the
 *      relay latency (send → receive, one monotonic clock, one process).
 * Beside each number it prints a reference measured in the same run with the same client
 * code: a trivial epoll WebSocket echo server (tc-bench-echo.c) holding the same
 * connections / echoing the same messages. Every loop is bounded; it stops by itself. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tc-bench-echo.h"
#include "tc-bench-server.h"
#include "tc-bench-ws.h"
#include "tc-protocol.h"

#define PASSWORD "bench-password-1"
#define MAX_LOGINS_IN_FLIGHT 4
#define MAX_CONNECTS_IN_FLIGHT 200
#define CREATE_RATE 40.0   /* per practitioner connection; the server allows 50/s */
#define CREATE_BURST 80.0
#define SETUP_TIMEOUT_S 400
#define NS_PER_S G_GINT64_CONSTANT (1000000000)

typedef enum { KIND_PRACTITIONER, KIND_PATIENT, KIND_ECHO } ClientKind;

typedef struct _Bench Bench;

typedef struct {
  Bench     *bench;
  BenchWs   *ws;
  ClientKind kind;
  guint      index;
  guint      account;
  gboolean   closed;
  gboolean   in_flight;      /* counted in logins_in_flight or connects_in_flight */
  gboolean   welcomed;
  gboolean   waiting;
  gboolean   admitted;
  char      *peer_id;        /* admitted peer, or NULL */
  char      *consultation_id;
  char      *token;          /* patients: their invitation */
  GString   *relay_text;     /* the relay message, timestamp patched per send */
  gsize      ts_offset;
  guint      creates_wanted;
  guint      creates_sent;
  double     create_tokens;
  gint64     create_tokens_at;
  GPtrArray *admitted_ids;   /* practitioners: participants already admitted */
  GHashTable *own_consultations; /* practitioners: ids they created */
} Client;

struct _Bench {
  BenchLoop  *loop;
  guint16     port;
  gboolean    echo;            /* clients talk to the echo server: no protocol */
  gboolean    admit;           /* practitioners admit their waiting patients */
  const char *password;        /* of the bench<N> accounts */
  GPtrArray  *clients;         /* Client, owned */
  GQueue      login_queue;     /* practitioners not yet logged in */
  guint       logins_in_flight;
  GQueue      patient_queue;   /* patients not yet connected */
  guint       connects_in_flight;
  guint       n_open, n_closed, n_welcomed_patients, n_waiting, n_admitted;
  guint       n_practitioners, n_welcomed_practitioners;
  gint64      started_ns, logins_done_ns;
  guint       errors[TC_PROTOCOL_ERROR_INTERNAL + 1];
  guint       bad_messages;
  /* relay */
  GString    *padding;         /* JSON-escaped SDP body */
  gboolean    measuring;
  GArray     *latencies;       /* gint64 ns */
  guint64     sent, received, skipped;
};

typedef struct {
  /* command line */
  char   *url;            /* an already running server: ws://127.0.0.1:PORT/ws */
  char   *password;       /* of its bench0… accounts (--url) */
  guint   accounts;       /* how many bench<N> accounts it has (--url) */
  int     url_pid;        /* its pid, for RSS and CPU (--url; optional) */
  char   *idle_list;
  guint   relay_clients;
  guint   rate;
  guint   runs;
  guint   idle_runs;
  guint   seconds;
  guint   message_size;
  BenchServer server;   /* the server under test */
  pid_t   echo_pid;
  guint16 echo_port;
} Options;

/* ---- helpers ------------------------------------------------------------------------ */

static int
compare_gint64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static double
percentile_ms (GArray *values, double p)
{
  gsize i;
  if (values->len == 0)
    return -1;
  i = (gsize) (p * (values->len - 1) + 0.5);
  return g_array_index (values, gint64, i) / 1e6;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (GArray *doubles)
{
  g_autoptr(GArray) copy = g_array_copy (doubles);
  if (copy->len == 0)
    return -1;
  qsort (copy->data, copy->len, sizeof (double), compare_double);
  return g_array_index (copy, double, copy->len / 2);
}

static void
raise_fd_limit (void)
{
  struct rlimit rl;
  getrlimit (RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  if (setrlimit (RLIMIT_NOFILE, &rl) < 0)
    g_printerr ("tc-bench-load: cannot raise RLIMIT_NOFILE: %s\n", g_strerror (errno));
}

static guint
fd_limit (void)
{
  struct rlimit rl;
  getrlimit (RLIMIT_NOFILE, &rl);
  return (guint) MIN (rl.rlim_cur, G_MAXUINT);
}

/* ---- clients ----------------------------------------------------------------------- */

static void client_on_open (BenchWs *ws, gpointer user_data);
static void client_on_message (BenchWs *ws, char *text, gsize length, gpointer user_data);
static void client_on_closed (BenchWs *ws, gpointer user_data);

static Client *
client_new (Bench *b, ClientKind kind)
{
  Client *c = g_new0 (Client, 1);
  c->bench = b;
  c->kind = kind;
  c->index = b->clients->len;
  g_ptr_array_add (b->clients, c);
  return c;
}

static void
client_free (Client *c)
{
  bench_ws_free (c->ws);
  g_free (c->peer_id);
  g_free (c->consultation_id);
  g_free (c->token);
  if (c->relay_text)
    g_string_free (c->relay_text, TRUE);
  g_clear_pointer (&c->admitted_ids, g_ptr_array_unref);
  g_clear_pointer (&c->own_consultations, g_hash_table_unref);
  g_free (c);
}

static void
client_connect (Client *c)
{
  c->in_flight = TRUE;
  if (c->kind == KIND_PRACTITIONER)
    c->bench->logins_in_flight++;
  else
    c->bench->connects_in_flight++;
  c->ws = bench_ws_connect (c->bench->loop, c->bench->port, "/ws", TC_PROTOCOL_SUBPROTOCOL,
                            client_on_open, client_on_message, client_on_closed, c);
}

/* The connection got where it was going (welcomed, or open for echo) or failed. */
static void
client_settle (Client *c)
{
  if (!c->in_flight)
    return;
  c->in_flight = FALSE;
  if (c->kind == KIND_PRACTITIONER)
    c->bench->logins_in_flight--;
  else
    c->bench->connects_in_flight--;
}

static void
client_send (Client *c, const char *text)
{
  bench_ws_send_text (c->ws, text, strlen (text));
}

static void
client_on_open (BenchWs *ws, gpointer user_data)
{
  Client *c = user_data;
  g_autofree char *hello = NULL;

  c->bench->n_open++;
  if (c->kind == KIND_ECHO)
    {
      client_settle (c);
      return;
    }
  if (c->kind == KIND_PRACTITIONER)
    hello = g_strdup_printf ("{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"password\",\"username\":\"bench%u\","
                             "\"password\":\"%s\"}}", c->account, c->bench->password);
  else
    hello = g_strdup_printf ("{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"invitation\",\"token\":\"%s\","
                             "\"display_name\":\"Patient %u\"}}", c->token, c->index);
  client_send (c, hello);
}

static void
client_on_closed (BenchWs *ws, gpointer user_data)
{
  Client *c = user_data;
  c->closed = TRUE;
  c->bench->n_closed++;
  client_settle (c);
}

/* Relay messages carry "a=x-bench:SENDER SEND_NS" in their SDP. */
static gboolean
record_relay (Bench *b, const char *text, gsize length)
{
  const char *marker = g_strstr_len (text, MIN (length, 512), "a=x-bench:");
  char *end;
  gint64 sent_ns;

  if (marker == NULL)
    return FALSE;
  g_ascii_strtoull (marker + 10, &end, 10);
  sent_ns = g_ascii_strtoll (end + 1, NULL, 10);
  b->received++;
  if (b->measuring)
    {
      gint64 latency = bench_now_ns () - sent_ns;
      g_array_append_val (b->latencies, latency);
    }
  return TRUE;
}

static void
practitioner_admit_waiting (Client *c, JsonObject *msg)
{
  const char *cid = json_object_get_string_member (msg, "consultation_id");
  JsonArray *entries = json_object_get_array_member (msg, "entries");

  if (c->own_consultations == NULL || !g_hash_table_contains (c->own_consultations, cid))
    return;   /* another connection of the same account created it */
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);
      const char *pid = json_object_get_string_member (e, "participant_id");
      g_autofree char *admit = NULL;

      if (g_ptr_array_find_with_equal_func (c->admitted_ids, pid, g_str_equal, NULL))
        continue;
      g_ptr_array_add (c->admitted_ids, g_strdup (pid));
      admit = g_strdup_printf ("{\"type\":\"admit\",\"consultation_id\":\"%s\",\"participant_id\":\"%s\"}", cid, pid);
      client_send (c, admit);
    }
}

static void
client_on_message (BenchWs *ws, char *text, gsize length, gpointer user_data)
{
  Client *c = user_data;
  Bench *b = c->bench;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) msg = NULL;
  TcMessageType type;

  if (record_relay (b, text, length) || c->kind == KIND_ECHO)
    return;

  msg = tc_protocol_parse (text, length, TC_DIRECTION_TO_CLIENT, &type, NULL, &error);
  if (msg == NULL)
    {
      /* The server's output is validated too: report it, never the content. */
      if (b->bad_messages++ < 5)
        g_printerr ("tc-bench-load: the server sent an invalid message: %s\n", error->message);
      return;
    }
  switch (type)
    {
    case TC_MESSAGE_WELCOME:
      c->welcomed = TRUE;
      client_settle (c);
      if (c->kind == KIND_PATIENT)
        b->n_welcomed_patients++;
      else if (++b->n_welcomed_practitioners == b->n_practitioners)
        b->logins_done_ns = bench_now_ns ();
      break;
    case TC_MESSAGE_CONSULTATION:
      {
        JsonObject *inv = json_object_get_object_member (msg, "invitation");
        const char *cid = json_object_get_string_member (msg, "consultation_id");
        Client *patient;
        if (inv == NULL)
          break;
        g_hash_table_add (c->own_consultations, g_strdup (cid));
        patient = client_new (b, KIND_PATIENT);
        patient->token = g_strdup (json_object_get_string_member (inv, "token"));
        patient->consultation_id = g_strdup (cid);
        g_queue_push_tail (&b->patient_queue, patient);
      }
      break;
    case TC_MESSAGE_WAITING:
      if (!c->waiting)
        b->n_waiting++;
      c->waiting = TRUE;
      break;
    case TC_MESSAGE_WAITING_ROOM:
      if (b->admit && c->admitted_ids != NULL)
        practitioner_admit_waiting (c, msg);
      break;
    case TC_MESSAGE_ADMITTED:
      if (!c->admitted)
        b->n_admitted++;
      c->admitted = TRUE;
      g_free (c->peer_id);
      c->peer_id = g_strdup (json_object_get_string_member (json_object_get_object_member (msg, "peer"),
                                                            "participant_id"));
      break;
    case TC_MESSAGE_ERROR:
      {
        TcProtocolError code;
        if (tc_protocol_error_from_string (json_object_get_string_member (msg, "code"), &code))
          b->errors[code]++;
      }
      break;
    default:
      break;
    }
}

static void
bench_init (Bench *b, guint16 port, gboolean echo)
{
  memset (b, 0, sizeof *b);
  b->loop = bench_loop_new ();
  b->port = port;
  b->echo = echo;
  b->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  b->latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_queue_init (&b->login_queue);
  g_queue_init (&b->patient_queue);
}

static void
bench_clear (Bench *b)
{
  g_queue_clear (&b->login_queue);
  g_queue_clear (&b->patient_queue);
  g_ptr_array_unref (b->clients);
  g_array_unref (b->latencies);
  if (b->padding)
    g_string_free (b->padding, TRUE);
  bench_loop_free (b->loop);
}

/* One step of setup: start logins and connects within their in-flight limits, pace
 * create-consultation per practitioner connection. */
static void
bench_pump (Bench *b)
{
  gint64 now = bench_now_ns ();

  while (b->logins_in_flight < MAX_LOGINS_IN_FLIGHT && !g_queue_is_empty (&b->login_queue))
    client_connect (g_queue_pop_head (&b->login_queue));
  while (b->connects_in_flight < MAX_CONNECTS_IN_FLIGHT && !g_queue_is_empty (&b->patient_queue))
    client_connect (g_queue_pop_head (&b->patient_queue));

  for (guint i = 0; i < b->clients->len; i++)
    {
      Client *c = b->clients->pdata[i];
      if (c->kind != KIND_PRACTITIONER || !c->welcomed || c->closed || c->creates_sent >= c->creates_wanted)
        continue;
      c->create_tokens = MIN (CREATE_BURST, c->create_tokens + (now - c->create_tokens_at) * CREATE_RATE / NS_PER_S);
      c->create_tokens_at = now;
      while (c->create_tokens >= 1.0 && c->creates_sent < c->creates_wanted)
        {
          client_send (c, "{\"type\":\"create-consultation\",\"title\":\"bench\"}");
          c->creates_sent++;
          c->create_tokens -= 1.0;
        }
    }
}

static void
add_practitioners (Bench *b, guint n, guint accounts, guint creates_each)
{
  b->n_practitioners += n;
  b->started_ns = bench_now_ns ();
  for (guint i = 0; i < n; i++)
    {
      Client *c = client_new (b, KIND_PRACTITIONER);
      c->account = i % accounts;
      c->creates_wanted = creates_each;
      c->create_tokens = CREATE_BURST;
      c->create_tokens_at = bench_now_ns ();
      c->admitted_ids = g_ptr_array_new_with_free_func (g_free);
      c->own_consultations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_queue_push_tail (&b->login_queue, c);
    }
}

#define STALL_S 15

/* Iterates until @done, the deadline, or STALL_S seconds without progress; returns
 * whether @done became true. */
static gboolean
bench_run_until (Bench *b, gboolean (*done) (Bench *b, gpointer data), gpointer data, guint timeout_s)
{
  gint64 deadline = bench_now_ns () + (gint64) timeout_s * NS_PER_S;
  gint64 progress_at = bench_now_ns ();
  guint64 progress = 0;

  while (!done (b, data))
    {
      guint64 now_progress = (guint64) b->n_open + b->n_closed + b->n_welcomed_patients + b->n_waiting +
                             b->n_admitted + b->clients->len;
      gint64 now = bench_now_ns ();
      if (now_progress != progress)
        {
          progress = now_progress;
          progress_at = now;
        }
      if (now > deadline || now - progress_at > STALL_S * NS_PER_S)
        return FALSE;
      bench_pump (b);
      bench_loop_iterate (b->loop, 5);
    }
  return TRUE;
}

static gboolean
all_waiting (Bench *b, gpointer data)
{
  return b->n_waiting >= GPOINTER_TO_UINT (data);
}

static gboolean
all_admitted (Bench *b, gpointer data)
{
  return b->n_admitted >= GPOINTER_TO_UINT (data);
}

static gboolean
all_open (Bench *b, gpointer data)
{
  return b->n_open + b->n_closed >= GPOINTER_TO_UINT (data);
}

static void
print_errors (Bench *b)
{
  if (b->logins_done_ns > 0)
    printf ("    %u practitioner logins (Argon2id on the server, %d at a time) took %.1f s\n",
            b->n_practitioners, MAX_LOGINS_IN_FLIGHT, (b->logins_done_ns - b->started_ns) / 1e9);
  for (guint i = 0; i <= TC_PROTOCOL_ERROR_INTERNAL; i++)
    if (b->errors[i] > 0)
      printf ("    server errors: %u × %s\n", b->errors[i], tc_protocol_error_to_string (i));
  if (b->bad_messages > 0)
    printf ("    invalid server messages: %u\n", b->bad_messages);
}

static guint
count_open (Bench *b, ClientKind kind)
{
  guint n = 0;
  for (guint i = 0; i < b->clients->len; i++)
    {
      Client *c = b->clients->pdata[i];
      if (c->kind == kind && !c->closed && c->ws && c->ws->state == BENCH_WS_OPEN)
        n++;
    }
  return n;
}

/* Starts the server under test with @accounts accounts, or with --url uses the running
 * one (and at most the accounts it has); returns the number of accounts usable. */
static guint
server_up (Options *o, guint accounts, GError **error)
{
  if (o->url == NULL)
    return bench_server_start (&o->server, PASSWORD, accounts, error) ? accounts : 0;
  o->server.pid = o->url_pid;
  return MIN (accounts, o->accounts);
}

static void
server_down (Options *o)
{
  if (o->url == NULL)
    bench_server_stop (&o->server);
  else
    o->server.pid = 0;
}

/* ---- (a) idle connections ------------------------------------------------------------ */

typedef struct {
  guint  held;
  double kib_per_conn;
  double echo_kib_per_conn;
  double setup_s;
  double idle_cpu;
} IdleResult;

static gboolean
run_idle (Options *o, guint n, IdleResult *r)
{
  g_autoptr(GError) error = NULL;
  Bench b;
  guint practitioners = MAX (1, (n + 249) / 250);
  gint64 rss0, rss1, t0;
  guint accounts;

  memset (r, 0, sizeof *r);
  if ((accounts = server_up (o, practitioners, &error)) == 0)
    {
      g_printerr ("tc-bench-load: cannot start the server: %s\n", error ? error->message : "no accounts");
      server_down (o);
      return FALSE;
    }
  g_usleep (300000);
  rss0 = bench_read_rss_kib (o->server.pid);

  bench_init (&b, o->server.port, FALSE);
  t0 = bench_now_ns ();
  b.password = o->url ? o->password : PASSWORD;
  add_practitioners (&b, practitioners, accounts, (n + practitioners - 1) / practitioners);
  if (!bench_run_until (&b, all_waiting, GUINT_TO_POINTER (n), SETUP_TIMEOUT_S))
    printf ("    setup timed out: %u of %u patients waiting\n", b.n_waiting, n);
  r->setup_s = (bench_now_ns () - t0) / 1e9;
  /* Hold them a little (pings and pongs keep flowing), then measure. */
  {
    gint64 cpu0 = bench_read_cpu_ticks (o->server.pid);
    gint64 h0 = bench_now_ns (), until = h0 + 5 * NS_PER_S;
    while (bench_now_ns () < until)
      bench_loop_iterate (b.loop, 50);
    r->idle_cpu = 100.0 * (bench_read_cpu_ticks (o->server.pid) - cpu0) / sysconf (_SC_CLK_TCK) /
                  ((bench_now_ns () - h0) / 1e9);
  }
  rss1 = bench_read_rss_kib (o->server.pid);
  r->held = count_open (&b, KIND_PATIENT);
  r->kib_per_conn = r->held > 0 ? (double) (rss1 - rss0) / r->held : -1;
  printf ("    N=%u: %u patient + %u practitioner connections held (%u closed, %u never started), "
          "server RSS %.1f → %.1f MiB, setup %.1f s, server CPU while idle %.0f%%\n",
          n, r->held, count_open (&b, KIND_PRACTITIONER), b.n_closed, g_queue_get_length (&b.patient_queue),
          rss0 / 1024.0, rss1 / 1024.0, r->setup_s, r->idle_cpu);
  print_errors (&b);
  bench_clear (&b);
  server_down (o);

  /* Reference: the echo server holding the same number of connections. */
  bench_init (&b, o->echo_port, TRUE);
  g_usleep (200000);
  rss0 = bench_read_rss_kib (o->echo_pid);
  for (guint i = 0; i < n; i++)
    g_queue_push_tail (&b.patient_queue, client_new (&b, KIND_ECHO));
  bench_run_until (&b, all_open, GUINT_TO_POINTER (n), 60);
  {
    gint64 until = bench_now_ns () + NS_PER_S;
    while (bench_now_ns () < until)
      bench_loop_iterate (b.loop, 50);
  }
  rss1 = bench_read_rss_kib (o->echo_pid);
  r->echo_kib_per_conn = (double) (rss1 - rss0) / MAX (1u, count_open (&b, KIND_ECHO));
  bench_clear (&b);
  return TRUE;
}

/* ---- (b) relay latency ---------------------------------------------------------------- */

static void
build_padding (Bench *b, guint size)
{
  guint i = 0;
  b->padding = g_string_new ("v=0\\r\\no=- 4611731400430051336 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n"
                             "a=group:BUNDLE 0 1 2\\r\\n");
  while (b->padding->len < size)
    g_string_append_printf (b->padding, "a=candidate:%u 1 udp 2122260223 192.168.%u.%u 5%04u typ host generation 0\\r\\n",
                            i, i / 250, i % 250, i % 10000), i++;
}

/* The message text is built once per client; each send patches the fixed-width
 * timestamp in place, so the client's cost per message is a copy and a mask. */
#define TS_WIDTH 19

static void
send_relay (Bench *b, Client *c)
{
  char ts[TS_WIDTH + 1];

  if (c->relay_text == NULL)
    {
      c->relay_text = g_string_new (NULL);
      g_string_printf (c->relay_text, "{\"type\":\"sdp\",\"to\":\"%s\",\"description\":{\"type\":\"offer\",\"sdp\":"
                       "\"a=x-bench:%u ", c->peer_id ? c->peer_id : "echo", c->index);
      c->ts_offset = c->relay_text->len;
      g_string_append_printf (c->relay_text, "%0*d\\r\\n%s\"}}", TS_WIDTH, 0, b->padding->str);
    }
  g_snprintf (ts, sizeof ts, "%0*" G_GINT64_FORMAT, TS_WIDTH, bench_now_ns ());
  memcpy (c->relay_text->str + c->ts_offset, ts, TS_WIDTH);
  bench_ws_send_text (c->ws, c->relay_text->str, c->relay_text->len);
  b->sent++;
}

typedef struct {
  double p50, p99, max;
  guint64 samples, lost;
  double server_cpu;
  double client_cpu;
  double rate;
  guint64 skipped;
} RelayRun;

/* Every participating client sends @rate messages a second, spread evenly: client i in
 * slot i % slots of a wheel of 1 ms slots. */
static void
relay_window (Bench *b, GPtrArray *senders, guint rate, guint seconds, gboolean measure, pid_t pid, RelayRun *r)
{
  guint slots = MAX (1u, 1000 / rate);
  gint64 start = bench_now_ns ();
  gint64 end = start + (gint64) seconds * NS_PER_S;
  gint64 last_tick = start / 1000000 - 1;
  gint64 cpu0 = bench_read_cpu_ticks (pid);
  gint64 self0 = bench_read_cpu_ticks (getpid ());
  guint64 sent0 = b->sent, received0 = b->received, skipped0 = b->skipped;

  g_array_set_size (b->latencies, 0);
  b->measuring = measure;
  while (bench_now_ns () < end)
    {
      gint64 tick = bench_now_ns () / 1000000;
      /* When the client falls behind it skips sends rather than bursting (a burst would
       * trip the server's rate limit and measure the client, not the server). */
      if (tick - last_tick > 20)
        {
          b->skipped += (guint64) (tick - 20 - last_tick) * senders->len / slots;
          last_tick = tick - 20;
        }
      for (gint64 t = last_tick + 1; t <= tick; t++)
        for (guint i = (guint) (t % slots); i < senders->len; i += slots)
          {
            Client *c = senders->pdata[i];
            if (!c->closed && c->ws->state == BENCH_WS_OPEN)
              send_relay (b, c);
          }
      last_tick = tick;
      bench_loop_iterate (b->loop, 1);
    }
  /* Drain what is in flight (bounded), still measuring. */
  {
    gint64 drain_end = bench_now_ns () + NS_PER_S / 2;
    while (bench_now_ns () < drain_end && b->received - received0 < b->sent - sent0)
      bench_loop_iterate (b->loop, 5);
  }
  b->measuring = FALSE;
  if (r != NULL)
    {
      gint64 cpu1 = bench_read_cpu_ticks (pid);
      double elapsed = (bench_now_ns () - start) / 1e9;
      qsort (b->latencies->data, b->latencies->len, sizeof (gint64), compare_gint64);
      r->p50 = percentile_ms (b->latencies, 0.50);
      r->p99 = percentile_ms (b->latencies, 0.99);
      r->max = b->latencies->len ? g_array_index (b->latencies, gint64, b->latencies->len - 1) / 1e6 : -1;
      r->samples = b->latencies->len;
      r->lost = (b->sent - sent0) - (b->received - received0);
      r->server_cpu = cpu0 >= 0 && cpu1 >= 0 ? 100.0 * (cpu1 - cpu0) / sysconf (_SC_CLK_TCK) / elapsed : -1;
      r->client_cpu = 100.0 * (bench_read_cpu_ticks (getpid ()) - self0) / sysconf (_SC_CLK_TCK) / elapsed;
      r->skipped = b->skipped - skipped0;
      r->rate = (b->sent - sent0) / elapsed;
    }
}

static void
print_relay_run (const char *what, guint run, RelayRun *r)
{
  printf ("    %s run %u: p50 %.2f ms, p99 %.2f ms, max %.1f ms, %" G_GUINT64_FORMAT " samples (%.0f msg/s sent, %"
          G_GUINT64_FORMAT " skipped by a late client), %" G_GUINT64_FORMAT " not received; CPU: server %.0f%%, "
          "bench client %.0f%%\n", what, run, r->p50, r->p99, r->max, r->samples, r->rate, r->skipped, r->lost,
          r->server_cpu, r->client_cpu);
}

static gboolean
run_relay (Options *o, GArray *p50s, GArray *p99s, GArray *ref_p50s, GArray *ref_p99s, gint64 *rss_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) senders = g_ptr_array_new ();
  Bench b;
  guint pairs = MAX (1u, o->relay_clients / 2);
  guint accounts = MAX (1u, (pairs + 9) / 10);
  gint64 t0;

  if ((accounts = server_up (o, accounts, &error)) == 0)
    {
      g_printerr ("tc-bench-load: cannot start the server: %s\n", error ? error->message : "no accounts");
      server_down (o);
      return FALSE;
    }
  bench_init (&b, o->server.port, FALSE);
  b.admit = TRUE;
  b.password = o->url ? o->password : PASSWORD;
  build_padding (&b, o->message_size);
  t0 = bench_now_ns ();
  add_practitioners (&b, pairs, accounts, 1);
  if (!bench_run_until (&b, all_admitted, GUINT_TO_POINTER (2 * pairs), SETUP_TIMEOUT_S))
    printf ("    setup timed out: %u of %u clients admitted\n", b.n_admitted, 2 * pairs);
  printf ("    %u clients admitted in pairs in %.1f s; message %zu bytes, %u msg/s each\n",
          b.n_admitted, (bench_now_ns () - t0) / 1e9, b.padding->len + 120, o->rate);
  for (guint i = 0; i < b.clients->len; i++)
    {
      Client *c = b.clients->pdata[i];
      if (c->admitted && c->peer_id)
        g_ptr_array_add (senders, c);
    }
  relay_window (&b, senders, o->rate, 2, FALSE, o->server.pid, NULL);   /* warm-up */
  for (guint run = 0; run < o->runs; run++)
    {
      RelayRun r;
      relay_window (&b, senders, o->rate, o->seconds, TRUE, o->server.pid, &r);
      print_relay_run ("server", run + 1, &r);
      g_array_append_val (p50s, r.p50);
      g_array_append_val (p99s, r.p99);
    }
  *rss_out = bench_read_rss_kib (o->server.pid);
  print_errors (&b);
  bench_clear (&b);
  server_down (o);

  /* Reference: the same clients, messages and rate through the echo server. */
  bench_init (&b, o->echo_port, TRUE);
  build_padding (&b, o->message_size);
  g_ptr_array_set_size (senders, 0);
  for (guint i = 0; i < 2 * pairs; i++)
    {
      Client *c = client_new (&b, KIND_ECHO);
      g_queue_push_tail (&b.patient_queue, c);
      g_ptr_array_add (senders, c);
    }
  bench_run_until (&b, all_open, GUINT_TO_POINTER (2 * pairs), 60);
  relay_window (&b, senders, o->rate, 2, FALSE, o->echo_pid, NULL);
  for (guint run = 0; run < o->runs; run++)
    {
      RelayRun r;
      relay_window (&b, senders, o->rate, o->seconds, TRUE, o->echo_pid, &r);
      print_relay_run ("echo  ", run + 1, &r);
      g_array_append_val (ref_p50s, r.p50);
      g_array_append_val (ref_p99s, r.p99);
    }
  bench_clear (&b);
  return TRUE;
}

/* ---- main ------------------------------------------------------------------------------ */

static char *
default_server_path (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self ? g_path_get_dirname (self) : g_strdup (".");
  return g_build_filename (dir, "..", "signaling", "server", "teleconsult-server", NULL);
}

int
main (int argc, char *argv[])
{
  Options o = { .relay_clients = 1000, .rate = 10, .runs = 3, .idle_runs = 1, .seconds = 5, .message_size = 5000,
               .accounts = 1 };
  gboolean quick = FALSE;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_FILENAME, &o.server.path, "teleconsult-server binary (default: next to this build)", "PATH" },
    { "idle", 0, 0, G_OPTION_ARG_STRING, &o.idle_list, "Idle connection counts (default 1000,10000)", "N,N" },
    { "relay-clients", 0, 0, G_OPTION_ARG_INT, &o.relay_clients, "Clients in the relay test, in pairs (1000)", "N" },
    { "rate", 0, 0, G_OPTION_ARG_INT, &o.rate, "Messages per second per client (10)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &o.runs, "Relay runs; medians are printed (3)", "N" },
    { "idle-runs", 0, 0, G_OPTION_ARG_INT, &o.idle_runs, "Idle runs per size, each with a fresh server (1)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &o.seconds, "Seconds per relay run (5)", "S" },
    { "message-size", 0, 0, G_OPTION_ARG_INT, &o.message_size, "Bytes of SDP per message (5000)", "B" },
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, "Small sizes, one run (a smoke test)", NULL },
    { "url", 0, 0, G_OPTION_ARG_STRING, &o.url, "Use this running server instead (ws://127.0.0.1:PORT/ws)", "URL" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &o.password, "With --url: password of its accounts bench0, bench1, …", "PW" },
    { "accounts", 0, 0, G_OPTION_ARG_INT, &o.accounts, "With --url: how many bench<N> accounts exist (1)", "N" },
    { "server-pid", 0, 0, G_OPTION_ARG_INT, &o.url_pid, "With --url: its pid, for RSS and CPU readings", "PID" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- signalling server load benchmark");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) idle_sizes = NULL;
  g_autoptr(GArray) p50s = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) p99s = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ref_p50s = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ref_p99s = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GString) summary = g_string_new (NULL);
  gint64 relay_rss = -1;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("tc-bench-load: %s\n", error->message);
      return 2;
    }
  if (quick)
    {
      g_free (o.idle_list);
      o.idle_list = g_strdup ("200");
      o.relay_clients = 100;
      o.runs = 1;
      o.seconds = 2;
    }
  if (o.rate < 1 || o.rate > 1000 || o.runs < 1 || o.runs > 20 || o.idle_runs < 1 || o.idle_runs > 20 || o.seconds < 1 || o.seconds > 120 ||
      o.message_size > 60000 || o.relay_clients > 20000)
    {
      g_printerr ("tc-bench-load: an option is out of range\n");
      return 2;
    }
  if (o.url != NULL)
    {
      const char *prefix = "ws://127.0.0.1:";
      o.server.port = g_str_has_prefix (o.url, prefix) ? (guint16) g_ascii_strtoull (o.url + strlen (prefix), NULL, 10) : 0;
      if (o.server.port == 0 || o.password == NULL || o.accounts < 1)
        {
          g_printerr ("tc-bench-load: --url takes ws://127.0.0.1:PORT/ws and needs --password (and --accounts)\n");
          return 2;
        }
    }
  if (o.server.path == NULL)
    o.server.path = default_server_path ();
  if (o.url == NULL && !g_file_test (o.server.path, G_FILE_TEST_IS_EXECUTABLE))
    {
      printf ("tc-bench-load: no server at %s; skipped\n", o.server.path);
      return 0;
    }
  idle_sizes = g_strsplit (o.idle_list ? o.idle_list : "1000,10000", ",", 0);

  setvbuf (stdout, NULL, _IOLBF, 0);   /* progress shows up even when piped to a file */
  raise_fd_limit ();
  o.echo_pid = bench_echo_spawn (&o.echo_port);
  printf ("Signalling load (tc-bench-load): server %s, RLIMIT_NOFILE %u, %u run(s) each\n",
          o.server.path, fd_limit (), o.runs);

  printf ("  (a) idle authenticated connections (patients waiting, each with its own invitation)\n");
  for (guint s = 0; idle_sizes[s] != NULL; s++)
    {
      guint n = (guint) g_ascii_strtoull (idle_sizes[s], NULL, 10);
      g_autoptr(GArray) kib = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) echo_kib = g_array_new (FALSE, FALSE, sizeof (double));
      guint held_min = G_MAXUINT;

      if (n == 0)
        continue;
      if (n + 64 > fd_limit ())
        {
          printf ("    N=%u: skipped (RLIMIT_NOFILE %u)\n", n, fd_limit ());
          continue;
        }
      for (guint run = 0; run < o.idle_runs; run++)
        {
          IdleResult r;
          if (!run_idle (&o, n, &r))
            break;
          g_array_append_val (kib, r.kib_per_conn);
          g_array_append_val (echo_kib, r.echo_kib_per_conn);
          held_min = MIN (held_min, r.held);
        }
      if (kib->len > 0)
        g_string_append_printf (summary, "  idle N=%-6u held %u (min of %u run(s)); server %.1f KiB/connection "
                                "(~%.0f MiB at N); reference echo server %.1f KiB/connection\n",
                                n, held_min, kib->len, median (kib), median (kib) * n / 1024, median (echo_kib));
    }

  printf ("  (b) relay latency of a %u-byte sdp message, %u clients in practitioner-patient pairs, %u msg/s each\n",
          o.message_size, o.relay_clients, o.rate);
  if (o.relay_clients >= 2 && o.relay_clients + 64 <= fd_limit () &&
      run_relay (&o, p50s, p99s, ref_p50s, ref_p99s, &relay_rss))
    g_string_append_printf (summary, "  relay %u clients × %u msg/s, median of %u runs: p50 %.2f ms, p99 %.2f ms (server RSS %.0f MiB); "
                            "reference echo p50 %.2f ms, p99 %.2f ms\n",
                            o.relay_clients, o.rate, o.runs, median (p50s), median (p99s), relay_rss / 1024.0,
                            median (ref_p50s), median (ref_p99s));

  kill (o.echo_pid, SIGKILL);
  waitpid (o.echo_pid, NULL, 0);
  printf ("Signalling load summary:\n%s", summary->str);
  g_free (o.server.path);
  g_free (o.idle_list);
  return 0;
}
