/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The call benchmark: two headless Teleconsult peers (teleconsult-cli, test sources,
 * VP8 30 fps) and a real teleconsult-server, the practitioner and server in one network
 * namespace and the patient in another (as root; otherwise all on loopback), measured
 * beside the bare webrtcbin pair (tc-bench-webrtc-bare) in the same run:
 *   first frame     admission → first remote frame rendered, per side (bare pair: from
 *                   offer creation, since it has no admission)
 *   glass-to-glass  capture → render (tc-glass-clock blocks), stamped and read by the
 *                   "tcglass" GStreamer tracer (bench/tc-glass-tracer.c) loaded into the
 *                   unchanged teleconsult-cli through GST_TRACERS
 *   CPU             CPU seconds per minute of call, per peer process (/proc/PID/stat)
 *   peak RSS        VmHWM per peer process
 * Medians of --runs (3) runs per resolution; prints a table. Never fails on time.
 * Usage: tc-bench-call [--runs N] [--duration S] [--resolution WxH]... [--no-bare] */
#define G_LOG_DOMAIN "tc-bench-call"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tc-test-netns.h"

typedef struct {
  char             *label;
  GSubprocess      *proc;
  GDataInputStream *out;
  GPtrArray        *events;   /* JsonObject * */
  gboolean          eof;
} Client;

typedef struct {
  double first_frame_ms[2];
  double glass_ms;
  double cpu_s_per_min[2];
  double rss_mb[2];
  double fps_in[2];
  double height_in[2];   /* received video height at the end (adaptation may scale down) */
  gboolean ok;
} RunResult;

typedef struct {
  TcTestNetns *netns;
  char        *dir;
  char        *server_bin;
  char        *cli_bin;
  char        *bare_bin;
  char        *password_file;
  GSubprocess *server;
  char        *server_url;
  gboolean     glass;       /* bench/libgsttcglass.so is built */
  char        *bench_dir;
  gboolean     stats_interval;
} Bench;

/* ---- processes ---------------------------------------------------------------------- */

static void client_read (Client *c);

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Client *c = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (c->out, result, NULL, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (line == NULL)
    {
      c->eof = TRUE;
      return;
    }
  if (json_parser_load_from_data (parser, line, -1, NULL) && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    g_ptr_array_add (c->events, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
  if (g_getenv ("TC_BENCH_VERBOSE") != NULL)
    g_printerr ("[%s] %s\n", c->label, line);
  client_read (c);
}

static void
client_read (Client *c)
{
  g_data_input_stream_read_line_async (c->out, G_PRIORITY_DEFAULT, NULL, on_line, c);
}

static Client *
client_spawn (const char         *label,
              const char         *ns,
              const char * const *argv,
              const char         *glass_dir,
              const char         *glass_log,
              GError            **error)
{
  Client *c = g_new0 (Client, 1);
  g_autofree char *plugin_path = glass_dir ? g_strdup_printf ("GST_PLUGIN_PATH=%s", glass_dir) : NULL;
  g_autofree char *log = glass_log ? g_strdup_printf ("TC_GLASS_LOG=%s", glass_log) : NULL;
  const char *env[] = { "TC_MEDIA_SOURCES=test", plugin_path ? "GST_TRACERS=tcglass" : NULL, plugin_path, log,
                        NULL };

  c->label = g_strdup (label);
  c->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  c->proc = tc_test_netns_spawn_full (ns, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                      env, NULL, argv, error);
  if (c->proc == NULL)
    {
      g_ptr_array_unref (c->events);
      g_free (c->label);
      g_free (c);
      return NULL;
    }
  c->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (c->proc));
  client_read (c);
  return c;
}

static void
client_free (Client *c)
{
  if (c == NULL)
    return;
  tc_test_terminate (c->proc, 5000);
  /* Let the pending read finish on the closed pipe. */
  while (!c->eof && g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&c->proc);
  g_clear_object (&c->out);
  g_ptr_array_unref (c->events);
  g_free (c->label);
  g_free (c);
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (5000);
}

static JsonObject *
find_event (Client     *c,
            const char *event,
            const char *key,
            const char *value)
{
  for (guint i = 0; i < c->events->len; i++)
    {
      JsonObject *e = g_ptr_array_index (c->events, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (e, "event", ""), event) == 0 &&
          (key == NULL || g_strcmp0 (json_object_get_string_member_with_default (e, key, ""), value) == 0))
        return e;
    }
  return NULL;
}

static JsonObject *
wait_event (Client     *c,
            const char *event,
            const char *key,
            const char *value,
            guint       timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  JsonObject *e;

  while ((e = find_event (c, event, key, value)) == NULL && !c->eof && g_get_monotonic_time () < deadline)
    spin (10);
  return e;
}

/* utime + stime of @pid in seconds, or -1. */
static double
process_cpu_s (GSubprocess *proc)
{
  const char *id = g_subprocess_get_identifier (proc);
  g_autofree char *path = NULL;
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (id == NULL)
    return -1;
  path = g_strdup_printf ("/proc/%s/stat", id);
  if (!g_file_get_contents (path, &stat, NULL, NULL) || (after = strrchr (stat, ')')) == NULL)
    return -1;
  /* Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15. */
  fields = g_strsplit (after + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return -1;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / (double) sysconf (_SC_CLK_TCK);
}

static double
process_hwm_mb (GSubprocess *proc)
{
  const char *id = g_subprocess_get_identifier (proc);
  g_autofree char *path = NULL;
  g_autofree char *status = NULL;
  const char *p;

  if (id == NULL)
    return -1;
  path = g_strdup_printf ("/proc/%s/status", id);
  if (!g_file_get_contents (path, &status, NULL, NULL) || (p = strstr (status, "VmHWM:")) == NULL)
    return -1;
  return g_ascii_strtoll (p + 6, NULL, 10) / 1024.0;
}

static double
last_video_height (Client *c)
{
  for (guint i = c->events->len; i > 0; i--)
    {
      JsonObject *e = g_ptr_array_index (c->events, i - 1);
      JsonObject *v;

      if (g_strcmp0 (json_object_get_string_member_with_default (e, "event", ""), "stats") == 0 &&
          (v = json_object_get_object_member (e, "video_in")) != NULL)
        return json_object_get_double_member_with_default (v, "height", -1);
    }
  return -1;
}

/* Remote frames rendered per second between two monotonic times (ms), from the frame
 * counter of the stats events that bracket the window. */
static double
fps_between (Client *c,
             gint64  from_ms,
             gint64  to_ms)
{
  JsonObject *first = NULL, *last = NULL;

  for (guint i = 0; i < c->events->len; i++)
    {
      JsonObject *e = g_ptr_array_index (c->events, i);
      gint64 t = json_object_get_int_member_with_default (e, "t_ms", 0);

      if (g_strcmp0 (json_object_get_string_member_with_default (e, "event", ""), "stats") != 0 ||
          t < from_ms || t > to_ms)
        continue;
      if (first == NULL)
        first = e;
      last = e;
    }
  if (first == NULL || first == last)
    return -1;
  {
    JsonObject *vf = json_object_get_object_member (first, "video_in");
    JsonObject *vl = json_object_get_object_member (last, "video_in");
    double dt = (json_object_get_int_member_with_default (last, "t_ms", 0) -
                 json_object_get_int_member_with_default (first, "t_ms", 0)) / 1000.0;

    if (vf == NULL || vl == NULL || dt <= 0)
      return -1;
    return (json_object_get_double_member_with_default (vl, "frames", 0) -
            json_object_get_double_member_with_default (vf, "frames", 0)) / dt;
  }
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  if (values->len == 0)
    return -1;
  g_array_sort (values, compare_double);
  return values->len % 2 ? g_array_index (values, double, values->len / 2)
                         : (g_array_index (values, double, values->len / 2 - 1) +
                            g_array_index (values, double, values->len / 2)) / 2;
}

/* Glass-to-glass latencies (ms) the tracer logged for @pid between two monotonic times. */
static void
glass_from_log (const char *prefix,
                const char *pid,
                gint64      from_us,
                gint64      to_us,
                GArray     *out)
{
  g_autofree char *path = g_strdup_printf ("%s.%s", prefix, pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gint64 t, latency;

      if (sscanf (lines[i], "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &t, &latency) == 2 && t >= from_us &&
          t <= to_us && latency >= 0)
        {
          double ms = latency / 1000.0;

          g_array_append_val (out, ms);
        }
    }
  g_unlink (path);
}

/* ---- one Teleconsult call ----------------------------------------------------------- */

static gboolean
run_call (Bench     *b,
          guint      width,
          guint      height,
          guint      duration_s,
          RunResult *r)
{
  g_autofree char *res = g_strdup_printf ("%ux%u", width, height);
  g_autoptr(GPtrArray) pargv = g_ptr_array_new ();
  g_autoptr(GPtrArray) cargv = g_ptr_array_new ();
  Client *sides[2] = { NULL, NULL };
  JsonObject *inv;
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *glass_log = g_build_filename (b->dir, "glass", NULL);
  char *pids[2] = { NULL, NULL };
  double cpu0[2], cpu1[2];
  gint64 t0 = 0, t1 = 0, window_start_ms;
  gboolean ok = FALSE;

  memset (r, 0, sizeof *r);
  g_ptr_array_add (pargv, b->cli_bin);
  g_ptr_array_add (pargv, (gpointer) "practitioner");
  g_ptr_array_add (pargv, (gpointer) "--server");
  g_ptr_array_add (pargv, b->server_url);
  g_ptr_array_add (pargv, (gpointer) "--username");
  g_ptr_array_add (pargv, (gpointer) "bench");
  g_ptr_array_add (pargv, (gpointer) "--password-file");
  g_ptr_array_add (pargv, b->password_file);
  g_ptr_array_add (pargv, (gpointer) "--auto-admit");
  for (guint i = 0; i < 2; i++)
    {
      GPtrArray *a = i == 0 ? pargv : cargv;

      if (i == 1)
        {
          g_ptr_array_add (a, b->cli_bin);
          g_ptr_array_add (a, (gpointer) "patient");
        }
      g_ptr_array_add (a, (gpointer) "--test-sources");
      g_ptr_array_add (a, (gpointer) "--resolution");
      g_ptr_array_add (a, res);
      g_ptr_array_add (a, (gpointer) "--fps");
      g_ptr_array_add (a, (gpointer) "30");
      if (b->stats_interval)
        {
          g_ptr_array_add (a, (gpointer) "--stats-interval");
          g_ptr_array_add (a, (gpointer) "1000");
        }
    }
  g_ptr_array_add (pargv, NULL);

  sides[0] = client_spawn ("practitioner", b->netns ? b->netns->ns_a : NULL,
                           (const char * const *) pargv->pdata, b->glass ? b->bench_dir : NULL, glass_log, &error);
  if (sides[0] == NULL)
    goto out;
  inv = wait_event (sides[0], "invitation", NULL, NULL, 30000);
  if (inv == NULL)
    {
      g_printerr ("call: no invitation\n");
      goto out;
    }
  url = g_strdup (json_object_get_string_member_with_default (inv, "url", ""));
  /* Patient arguments: invitation first (cargv already holds the media options). */
  g_ptr_array_add (cargv, (gpointer) "--invitation");
  g_ptr_array_add (cargv, url);
  g_ptr_array_add (cargv, (gpointer) "--name");
  g_ptr_array_add (cargv, (gpointer) "Bench Patient");
  g_ptr_array_add (cargv, NULL);
  sides[1] = client_spawn ("patient", b->netns ? b->netns->ns_b : NULL, (const char * const *) cargv->pdata,
                           b->glass ? b->bench_dir : NULL, glass_log, &error);
  if (sides[1] == NULL)
    goto out;

  for (guint i = 0; i < 2; i++)
    {
      JsonObject *ff = wait_event (sides[i], "first-frame", NULL, NULL, 40000);

      if (ff == NULL)
        {
          g_printerr ("call %s: %s decoded no frame\n", res, sides[i]->label);
          goto out;
        }
      r->first_frame_ms[i] = json_object_get_int_member_with_default (ff, "since_admit_ms", -1);
    }
  /* One second of ramp-up, then the measured window. */
  spin (1000);
  t0 = g_get_monotonic_time ();
  window_start_ms = t0 / 1000;
  for (guint i = 0; i < 2; i++)
    cpu0[i] = process_cpu_s (sides[i]->proc);
  spin (duration_s * 1000);
  t1 = g_get_monotonic_time ();
  for (guint i = 0; i < 2; i++)
    {
      cpu1[i] = process_cpu_s (sides[i]->proc);
      r->rss_mb[i] = process_hwm_mb (sides[i]->proc);
      r->cpu_s_per_min[i] = cpu0[i] >= 0 && cpu1[i] >= 0 ? (cpu1[i] - cpu0[i]) / ((t1 - t0) / 1e6) * 60 : -1;
      r->fps_in[i] = fps_between (sides[i], window_start_ms, t1 / 1000);
      r->height_in[i] = last_video_height (sides[i]);
    }
  for (guint i = 0; i < 2; i++)
    pids[i] = g_strdup (g_subprocess_get_identifier (sides[i]->proc));
  ok = cpu0[0] >= 0 && cpu1[1] >= 0;
  if (b->glass)
    {
      g_autoptr(GArray) g = g_array_new (FALSE, FALSE, sizeof (double));

      for (guint i = 0; i < 2; i++)
        if (pids[i] != NULL)
          glass_from_log (glass_log, pids[i], t0, t1, g);
      r->glass_ms = g->len > 0 ? median (g) : -1;
    }

out:
  g_free (pids[0]);
  g_free (pids[1]);
  if (error != NULL)
    g_printerr ("call: %s\n", error->message);
  client_free (sides[1]);
  client_free (sides[0]);
  r->ok = ok;
  return ok;
}

/* ---- the bare pair, through its own benchmark --------------------------------------- */

static gboolean
run_bare (Bench     *b,
          guint      width,
          guint      height,
          guint      duration_s,
          RunResult *r)
{
  g_autofree char *res = g_strdup_printf ("%ux%u", width, height);
  g_autofree char *dur = g_strdup_printf ("%u", duration_s);
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;

  memset (r, 0, sizeof *r);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, NULL, b->bare_bin, "--json", "--runs", "1",
                           "--duration", dur, "--resolution", res, NULL);
  if (proc == NULL || !g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, NULL) || out == NULL ||
      !json_parser_load_from_data (parser, out, -1, NULL) || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  o = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_get_boolean_member_with_default (o, "ok", FALSE))
    return FALSE;
#define PAIR(name, field)                                                                        \
  G_STMT_START {                                                                                 \
    JsonArray *a = json_object_get_array_member (o, name);                                       \
    for (guint i = 0; i < 2 && a != NULL && i < json_array_get_length (a); i++)                  \
      r->field[i] = json_array_get_double_element (a, i);                                        \
  } G_STMT_END
  PAIR ("first_frame_ms", first_frame_ms);
  PAIR ("cpu_s_per_min", cpu_s_per_min);
  PAIR ("rss_mb", rss_mb);
  PAIR ("fps_in", fps_in);
#undef PAIR
  {
    JsonArray *g = json_object_get_array_member (o, "glass_ms");

    r->glass_ms = g != NULL && json_array_get_length (g) == 2
                    ? (json_array_get_double_element (g, 0) + json_array_get_double_element (g, 1)) / 2 : -1;
  }
  /* No adaptation in the bare pair: it receives what it sends. */
  r->height_in[0] = r->height_in[1] = height;
  r->ok = TRUE;
  return TRUE;
}

/* ---- setup -------------------------------------------------------------------------- */

static gboolean
start_server (Bench   *b,
              GError **error)
{
  g_autofree char *db = g_build_filename (b->dir, "server.db", NULL);
  g_autofree char *password = g_uuid_string_random ();
  g_autofree char *input = g_strdup_printf ("%s\n", password);
  const char *listen = b->netns ? b->netns->addr_a : "127.0.0.1";
  g_autoptr(GSubprocess) add = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  b->password_file = g_build_filename (b->dir, "password", NULL);
  if (!g_file_set_contents (b->password_file, password, -1, error))
    return FALSE;
  add = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, error,
                          b->server_bin, "add-practitioner", "bench", "--database", db, NULL);
  if (add == NULL || !g_subprocess_communicate_utf8 (add, input, NULL, NULL, NULL, error) ||
      !g_subprocess_get_successful (add))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "add-practitioner failed");
      return FALSE;
    }
  {
    const char *argv[] = { b->server_bin, "serve", "--listen", listen, "--port", "8443", "--database", db,
                           b->netns ? "--insecure" : NULL, NULL };

    b->server = tc_test_netns_spawn (b->netns ? b->netns->ns_a : NULL,
                                     G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, argv, error);
  }
  if (b->server == NULL)
    return FALSE;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (b->server));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, error);
  if (line == NULL || !g_str_has_prefix (line, "listening on "))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "teleconsult-server did not start");
      return FALSE;
    }
  b->server_url = g_strdup (line + strlen ("listening on "));
  return TRUE;
}

static gboolean
cli_has (const char *cli,
         const char *option)
{
  g_autoptr(GSubprocess) proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                  NULL, cli, "--help", NULL);
  g_autofree char *out = NULL;

  return proc != NULL && g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, NULL) && out != NULL &&
         strstr (out, option) != NULL;
}

static void
print_row (const char *what,
           const char *res,
           GArray     *cols[11],
           guint       ok_runs,
           guint       runs)
{
  double g2g = median (cols[2]);
  g_autofree char *g2g_text = g2g >= 0 ? g_strdup_printf ("%6.0f", g2g) : g_strdup ("   n/a");

  g_print ("| %-11s | %-9s | %6.0f / %6.0f | %s | %5.1f / %5.1f | %6.1f / %6.1f | %4.1f / %4.1f | %4.0f / %4.0f | %u/%u |\n",
           what, res, median (cols[0]), median (cols[1]), g2g_text, median (cols[3]), median (cols[4]),
           median (cols[5]), median (cols[6]), median (cols[7]), median (cols[8]), median (cols[9]),
           median (cols[10]), ok_runs, runs);
}

static void
add_result (GArray          *cols[11],
            const RunResult *r)
{
  double v[11] = { r->first_frame_ms[0], r->first_frame_ms[1], r->glass_ms, r->cpu_s_per_min[0],
                   r->cpu_s_per_min[1], r->rss_mb[0], r->rss_mb[1], r->fps_in[0], r->fps_in[1],
                   r->height_in[0], r->height_in[1] };

  for (guint i = 0; i < 11; i++)
    if (i != 2 || v[i] >= 0)
      g_array_append_val (cols[i], v[i]);
}

int
main (int   argc,
      char *argv[])
{
  int runs = 3, duration = 15;
  gboolean no_bare = FALSE;
  g_auto(GStrv) resolutions = NULL;
  GOptionEntry entries[] = {
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs per resolution (3)", "N" },
    { "duration", 0, 0, G_OPTION_ARG_INT, &duration, "Seconds of call measured per run (15)", "S" },
    { "resolution", 0, 0, G_OPTION_ARG_STRING_ARRAY, &resolutions, "WxH (640x480 and 1280x720)", "WxH" },
    { "no-bare", 0, 0, G_OPTION_ARG_NONE, &no_bare, "Skip the bare webrtcbin reference", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— Teleconsult call vs bare webrtcbin");
  g_autoptr(GError) error = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *bench_dir = g_path_get_dirname (self);
  g_autofree char *build_dir = g_path_get_dirname (bench_dir);
  const char *default_res[] = { "640x480", "1280x720", NULL };
  const char * const *res_list;
  Bench b = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  b.server_bin = g_build_filename (build_dir, "signaling", "server", "teleconsult-server", NULL);
  b.cli_bin = g_build_filename (build_dir, "app", "teleconsult-cli", NULL);
  b.bare_bin = g_build_filename (bench_dir, "tc-bench-webrtc-bare", NULL);
  if (!g_file_test (b.server_bin, G_FILE_TEST_IS_EXECUTABLE) || !g_file_test (b.cli_bin, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("tc-bench-call: build teleconsult-server and teleconsult-cli first\n");
      return 0;
    }
  b.bench_dir = g_strdup (bench_dir);
  {
    g_autofree char *plugin = g_build_filename (bench_dir, "libgsttcglass.so", NULL);

    b.glass = g_file_test (plugin, G_FILE_TEST_EXISTS);
  }
  b.stats_interval = cli_has (b.cli_bin, "--stats-interval");
  b.dir = g_dir_make_tmp ("tc-bench-call-XXXXXX", NULL);
  if (geteuid () == 0)
    {
      tc_test_netns_sweep_stale ();
      b.netns = tc_test_netns_new (&error);
      if (b.netns == NULL)
        {
          g_printerr ("No namespaces (%s): running on loopback\n", error->message);
          g_clear_error (&error);
        }
    }
  if (!start_server (&b, &error))
    {
      g_printerr ("tc-bench-call: %s\n", error->message);
      tc_test_netns_free (b.netns);
      return 1;
    }

  res_list = resolutions != NULL ? (const char * const *) resolutions : default_res;
  g_print ("Call benchmark: VP8 30 fps + Opus, test sources, %s, %d run(s) x %d s per resolution, medians\n",
           b.netns ? "two namespaces over a veth" : "loopback", runs, duration);
  g_print ("first frame: Teleconsult from admission, bare from offer creation; pairs are "
           "practitioner / patient (bare: offerer / answerer)%s\n\n",
           b.glass ? "" : "; glass-to-glass n/a: bench/libgsttcglass.so is not built");
  g_print ("| pairing     | res       | first frame ms  | g2g ms | CPU s/min     | peak RSS MB     | fps in      | height in   | ok  |\n");
  g_print ("|-------------|-----------|-----------------|--------|---------------|-----------------|-------------|-------------|-----|\n");
  for (guint ri = 0; res_list[ri] != NULL; ri++)
    {
      guint w, h;
      GArray *tele[11], *bare[11];
      guint tele_ok = 0, bare_ok = 0;

      if (sscanf (res_list[ri], "%ux%u", &w, &h) != 2)
        continue;
      for (guint i = 0; i < 11; i++)
        {
          tele[i] = g_array_new (FALSE, FALSE, sizeof (double));
          bare[i] = g_array_new (FALSE, FALSE, sizeof (double));
        }
      /* Interleaved, so drifts in machine load hit both pairings alike. */
      for (int run = 0; run < runs; run++)
        {
          RunResult r;

          if (run_call (&b, w, h, (guint) duration, &r))
            {
              add_result (tele, &r);
              tele_ok++;
            }
          if (!no_bare && run_bare (&b, w, h, (guint) duration, &r))
            {
              add_result (bare, &r);
              bare_ok++;
            }
        }
      print_row ("Teleconsult", res_list[ri], tele, tele_ok, (guint) runs);
      if (!no_bare)
        print_row ("bare", res_list[ri], bare, bare_ok, (guint) runs);
      for (guint i = 0; i < 11; i++)
        {
          g_array_unref (tele[i]);
          g_array_unref (bare[i]);
        }
    }

  tc_test_terminate (b.server, 5000);
  g_clear_object (&b.server);
  tc_test_netns_free (b.netns);
  {
    g_autofree char *db = g_build_filename (b.dir, "server.db", NULL);

    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);

    g_unlink (db);
    g_unlink (wal);
    g_unlink (shm);
    g_unlink (b.password_file);
    g_rmdir (b.dir);
  }
  g_free (b.dir);
  g_free (b.server_bin);
  g_free (b.cli_bin);
  g_free (b.bare_bin);
  g_free (b.bench_dir);
  g_free (b.password_file);
  g_free (b.server_url);
  return 0;
}
