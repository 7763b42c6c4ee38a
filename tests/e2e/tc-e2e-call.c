/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-e2e-call"

#include "tc-e2e-call.h"

#include <check.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#define SERVER_PORT 8443
#define TURN_PORT 3478
#define PRACTITIONER "doctor"

static char *
built (const char *relative)
{
  const char *build_dir = g_getenv ("TC_BUILD_DIR");

  return build_dir != NULL ? g_build_filename (build_dir, relative, NULL) : NULL;
}

gboolean
tc_e2e_binaries_present (void)
{
  const char *needed[] = { "signaling/server/teleconsult-server", "app/teleconsult-cli" };

  for (guint i = 0; i < G_N_ELEMENTS (needed); i++)
    {
      g_autofree char *path = built (needed[i]);

      if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        {
          g_printerr ("SKIP: %s is not built (TC_BUILD_DIR=%s)\n", needed[i],
                      g_getenv ("TC_BUILD_DIR") ? g_getenv ("TC_BUILD_DIR") : "unset");
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
tc_e2e_cli_has_option (const char *option)
{
  g_autofree char *cli = built ("app/teleconsult-cli");
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *out = NULL;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL,
                           cli, "--help", NULL);
  if (proc == NULL || !g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, NULL) || out == NULL)
    return FALSE;
  return strstr (out, option) != NULL;
}

void
tc_e2e_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      /* Wake at least every 10 ms: nothing here depends on a timer of ours. */
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (5000);
    }
}

/* ---- clients ------------------------------------------------------------------------ */

static void client_read (TcE2eClient *client);

static void
on_client_line (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  TcE2eClient *client = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (client->out, result, NULL, &error);
  g_autoptr(JsonParser) parser = NULL;

  if (line == NULL)
    {
      client->eof = TRUE;
      return;
    }
  parser = json_parser_new ();
  if (json_parser_load_from_data (parser, line, -1, NULL) && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *event = json_node_get_object (json_parser_get_root (parser));

      g_ptr_array_add (client->events, json_object_ref (event));
      /* Echo to the test log: what each side saw is the first thing to read on failure.
       * Stats are many; every fifth is enough. */
      if (g_strcmp0 (json_object_get_string_member_with_default (event, "event", ""), "stats") != 0 ||
          tc_e2e_client_count (client, "stats", NULL, NULL) % 5 == 1)
        g_printerr ("[%s +%.1fs] %s\n", client->label,
                    (g_get_monotonic_time () - client->started_us) / 1e6, line);
    }
  else
    g_printerr ("[%s] (not JSON) %s\n", client->label, line);
  client_read (client);
}

static void
client_read (TcE2eClient *client)
{
  g_data_input_stream_read_line_async (client->out, G_PRIORITY_DEFAULT, NULL, on_client_line, client);
}

static TcE2eClient *
client_start (TcE2eCall          *call,
              const char         *label,
              const char         *ns,
              GPtrArray          *args,
              GError            **error)
{
  TcE2eClient *client = g_new0 (TcE2eClient, 1);

  client->label = g_strdup (label);
  client->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  client->started_us = g_get_monotonic_time ();
  g_ptr_array_add (args, NULL);
  {
    /* Test media in any case; the CLI's own warnings stay visible on stderr. */
    const char *env[] = { "TC_MEDIA_SOURCES=test", NULL };

    client->process = tc_test_netns_spawn_full (ns, G_SUBPROCESS_FLAGS_STDOUT_PIPE, env, call->dir,
                                                (const char * const *) args->pdata, error);
  }
  if (client->process == NULL)
    {
      g_ptr_array_unref (client->events);
      g_free (client->label);
      g_free (client);
      return NULL;
    }
  client->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (client->process));
  client_read (client);
  return client;
}

static void
client_free (TcE2eClient *client)
{
  if (client == NULL)
    return;
  tc_test_terminate (client->process, 5000);
  g_clear_object (&client->process);
  g_clear_object (&client->out);
  g_ptr_array_unref (client->events);
  g_free (client->label);
  g_free (client);
}

static gboolean
event_matches (JsonObject *event,
               const char *name,
               const char *key,
               const char *value)
{
  if (g_strcmp0 (json_object_get_string_member_with_default (event, "event", ""), name) != 0)
    return FALSE;
  if (key == NULL)
    return TRUE;
  return json_object_has_member (event, key) &&
         JSON_NODE_HOLDS_VALUE (json_object_get_member (event, key)) &&
         g_strcmp0 (json_object_get_string_member_with_default (event, key, ""), value) == 0;
}

JsonObject *
tc_e2e_client_wait (TcE2eClient *client,
                    const char  *event,
                    const char  *key,
                    const char  *value,
                    guint       *from,
                    guint        timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint i = from != NULL ? *from : 0;

  for (;;)
    {
      for (; i < client->events->len; i++)
        {
          JsonObject *e = g_ptr_array_index (client->events, i);

          if (event_matches (e, event, key, value))
            {
              if (from != NULL)
                *from = i + 1;
              return e;
            }
        }
      if (client->eof || g_get_monotonic_time () > deadline)
        return NULL;
      tc_e2e_spin (20);
    }
}

JsonObject *
tc_e2e_client_last (TcE2eClient *client,
                    const char  *event)
{
  for (guint i = client->events->len; i > 0; i--)
    {
      JsonObject *e = g_ptr_array_index (client->events, i - 1);

      if (event_matches (e, event, NULL, NULL))
        return e;
    }
  return NULL;
}

guint
tc_e2e_client_count (TcE2eClient *client,
                     const char  *event,
                     const char  *key,
                     const char  *value)
{
  guint n = 0;

  for (guint i = 0; i < client->events->len; i++)
    if (event_matches (g_ptr_array_index (client->events, i), event, key, value))
      n++;
  return n;
}

gboolean
tc_e2e_client_wait_exit (TcE2eClient *client,
                         guint        timeout_ms,
                         int         *exit_status)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_subprocess_get_identifier (client->process) != NULL)
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      tc_e2e_spin (20);
    }
  /* Read what it printed last. */
  while (!client->eof && g_get_monotonic_time () < deadline)
    tc_e2e_spin (20);
  g_subprocess_wait (client->process, NULL, NULL);
  if (exit_status != NULL)
    *exit_status = g_subprocess_get_if_exited (client->process) ? g_subprocess_get_exit_status (client->process)
                                                                : -1;
  return TRUE;
}

double
tc_e2e_stat (JsonObject *stats,
             const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonObject *obj = stats;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      JsonNode *node;

      if (obj == NULL || !json_object_has_member (obj, parts[i]))
        return -1;
      node = json_object_get_member (obj, parts[i]);
      if (parts[i + 1] == NULL)
        return JSON_NODE_HOLDS_VALUE (node) ? json_node_get_double (node) : -1;
      obj = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    }
  return -1;
}

double
tc_e2e_client_video_fps (TcE2eClient *client,
                         guint        window_ms)
{
  JsonObject *last = tc_e2e_client_last (client, "stats");
  JsonObject *first = NULL;
  gint64 t_last;

  if (last == NULL)
    return -1;
  t_last = json_object_get_int_member_with_default (last, "t_ms", 0);
  for (guint i = 0; i < client->events->len; i++)
    {
      JsonObject *e = g_ptr_array_index (client->events, i);

      if (event_matches (e, "stats", NULL, NULL) &&
          t_last - json_object_get_int_member_with_default (e, "t_ms", 0) <= (gint64) window_ms)
        {
          first = e;
          break;
        }
    }
  if (first == NULL || first == last)
    return -1;
  return (tc_e2e_stat (last, "video_in.frames") - tc_e2e_stat (first, "video_in.frames")) * 1000.0 /
         (double) (t_last - json_object_get_int_member_with_default (first, "t_ms", 0));
}

double
tc_e2e_client_max_stat (TcE2eClient *client,
                        const char  *path,
                        guint        window_ms)
{
  JsonObject *last = tc_e2e_client_last (client, "stats");
  gint64 t_last;
  double best = -1;

  if (last == NULL)
    return -1;
  t_last = json_object_get_int_member_with_default (last, "t_ms", 0);
  for (guint i = 0; i < client->events->len; i++)
    {
      JsonObject *e = g_ptr_array_index (client->events, i);

      if (event_matches (e, "stats", NULL, NULL) &&
          t_last - json_object_get_int_member_with_default (e, "t_ms", 0) <= (gint64) window_ms)
        best = MAX (best, tc_e2e_stat (e, path));
    }
  return best;
}

gboolean
tc_e2e_client_wait_stat_above (TcE2eClient *client,
                               const char  *path,
                               double       threshold,
                               guint        timeout_ms)
{
  guint from = client->events->len;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_get_monotonic_time () < deadline && !client->eof)
    {
      JsonObject *st = tc_e2e_client_wait (client, "stats", NULL, NULL, &from, 500);

      if (st != NULL && tc_e2e_stat (st, path) > threshold)
        return TRUE;
    }
  return FALSE;
}

gboolean
tc_e2e_client_wait_frames_total (TcE2eClient *client,
                                 guint        frames,
                                 guint        timeout_ms)
{
  JsonObject *st = tc_e2e_client_last (client, "stats");

  if (st != NULL && tc_e2e_stat (st, "video_in.frames") >= frames)
    return TRUE;
  return tc_e2e_client_wait_stat_above (client, "video_in.frames", frames - 1, timeout_ms);
}

gboolean
tc_e2e_client_wait_frames (TcE2eClient *client,
                           guint        frames,
                           guint        timeout_ms)
{
  JsonObject *st = tc_e2e_client_last (client, "stats");
  double start = st != NULL ? MAX (tc_e2e_stat (st, "video_in.frames"), 0) : 0;
  guint from = client->events->len;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_get_monotonic_time () < deadline && !client->eof)
    {
      st = tc_e2e_client_wait (client, "stats", NULL, NULL, &from, 500);
      if (st != NULL && tc_e2e_stat (st, "video_in.frames") >= start + frames)
        return TRUE;
    }
  return FALSE;
}

gboolean
tc_e2e_client_left_connected (TcE2eClient *client,
                              guint        from,
                              const char **state)
{
  for (guint i = from; i < client->events->len; i++)
    {
      JsonObject *e = g_ptr_array_index (client->events, i);

      if (event_matches (e, "call-state", NULL, NULL) &&
          g_strcmp0 (json_object_get_string_member_with_default (e, "state", ""), "connected") != 0)
        {
          if (state != NULL)
            *state = json_object_get_string_member_with_default (e, "state", "");
          return TRUE;
        }
    }
  return FALSE;
}

void
tc_e2e_call_assert_connected (TcE2eCall *self,
                              guint      timeout_ms)
{
  TcE2eClient *sides[] = { self->practitioner, self->patient };

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *history = NULL;
      JsonObject *connected = tc_e2e_client_wait (sides[i], "call-state", "state", "connected", NULL, timeout_ms);

      history = tc_e2e_client_history (sides[i]);
      ck_assert_msg (connected != NULL, "%s never connected: %s", sides[i]->label, history);
    }
}

char *
tc_e2e_client_history (TcE2eClient *client)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < client->events->len; i++)
    {
      JsonObject *e = g_ptr_array_index (client->events, i);
      const char *name = json_object_get_string_member_with_default (e, "event", "");

      if (g_str_equal (name, "call-state") || g_str_equal (name, "state") || g_str_equal (name, "error"))
        g_string_append_printf (s, "%s%s:%s", s->len ? " " : "", name,
                                json_object_get_string_member_with_default (e, g_str_equal (name, "error") ? "message"
                                                                                                          : "state", ""));
    }
  return g_string_free (s, FALSE);
}

/* ---- server ------------------------------------------------------------------------- */

static gboolean
add_practitioner (TcE2eCall  *self,
                  const char *database,
                  GError    **error)
{
  const char *argv[] = { self->server_binary, "add-practitioner", PRACTITIONER, "--display-name", "Dr E2E",
                         "--database", database, NULL };
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *password = NULL;
  g_autofree char *input = NULL;
  g_autofree char *err = NULL;

  /* A random password: never one that could be mistaken for a real secret. */
  password = g_uuid_string_random ();
  input = g_strdup_printf ("%s\n", password);
  if (!g_file_set_contents_full (self->password_file, password, -1, G_FILE_SET_CONTENTS_NONE, 0600, error))
    return FALSE;
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                           G_SUBPROCESS_FLAGS_STDERR_PIPE, error, argv[0], argv[1], argv[2], argv[3], argv[4],
                           argv[5], argv[6], NULL);
  if (proc == NULL || !g_subprocess_communicate_utf8 (proc, input, NULL, NULL, &err, error))
    return FALSE;
  if (!g_subprocess_get_if_exited (proc) || g_subprocess_get_exit_status (proc) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "add-practitioner failed: %s", err ? err : "");
      return FALSE;
    }
  return TRUE;
}

TcE2eCall *
tc_e2e_call_new (TcTestNetns  *netns,
                 gboolean      with_turn,
                 GError      **error)
{
  g_autoptr(TcE2eCall) self = g_new0 (TcE2eCall, 1);
  g_autofree char *database = NULL;
  g_autofree char *port = g_strdup_printf ("%u", SERVER_PORT);
  g_autofree char *turn_uri = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  self->netns = netns;
  self->server_binary = built ("signaling/server/teleconsult-server");
  self->cli_binary = built ("app/teleconsult-cli");
  self->dir = g_dir_make_tmp ("tc-e2e-XXXXXX", error);
  if (self->dir == NULL)
    return NULL;
  database = g_build_filename (self->dir, "server.db", NULL);
  self->password_file = g_build_filename (self->dir, "password", NULL);
  if (!add_practitioner (self, database, error))
    return NULL;

  if (with_turn)
    {
      self->turn = tc_test_turn_start (netns->ns_a, netns->addr_a, TURN_PORT, error);
      if (self->turn == NULL)
        return NULL;
      turn_uri = tc_test_turn_uri (self->turn);
    }

  g_ptr_array_add (argv, self->server_binary);
  g_ptr_array_add (argv, (gpointer) "serve");
  g_ptr_array_add (argv, (gpointer) "--listen");
  g_ptr_array_add (argv, netns->addr_a);
  g_ptr_array_add (argv, (gpointer) "--port");
  g_ptr_array_add (argv, port);
  g_ptr_array_add (argv, (gpointer) "--database");
  g_ptr_array_add (argv, database);
  /* Plain ws inside the test namespaces: no certificate to manage, nothing leaves them. */
  g_ptr_array_add (argv, (gpointer) "--insecure");
  if (turn_uri != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--turn");
      g_ptr_array_add (argv, turn_uri);
      g_ptr_array_add (argv, (gpointer) "--turn-secret-file");
      g_ptr_array_add (argv, self->turn->secret_file);
    }
  g_ptr_array_add (argv, NULL);
  self->server = tc_test_netns_spawn (netns->ns_a, G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                      (const char * const *) argv->pdata, error);
  if (self->server == NULL)
    return NULL;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->server));
  /* Blocking read is fine: the server prints this line at once or exits. */
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, error);
  if (line == NULL || !g_str_has_prefix (line, "listening on "))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "teleconsult-server did not start");
      return NULL;
    }
  self->server_url = g_strdup (line + strlen ("listening on "));
  return g_steal_pointer (&self);
}

static void
add_args (GPtrArray          *argv,
          const char * const *args)
{
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
}

gboolean
tc_e2e_call_start (TcE2eCall          *self,
                   const char * const *common_args,
                   const char * const *practitioner_args,
                   const char * const *patient_args,
                   GError            **error)
{
  g_autoptr(GPtrArray) prac = g_ptr_array_new ();
  g_autoptr(GPtrArray) pat = g_ptr_array_new ();
  JsonObject *invitation;
  g_autofree char *url = NULL;

  g_ptr_array_add (prac, self->cli_binary);
  g_ptr_array_add (prac, (gpointer) "practitioner");
  g_ptr_array_add (prac, (gpointer) "--server");
  g_ptr_array_add (prac, self->server_url);
  g_ptr_array_add (prac, (gpointer) "--username");
  g_ptr_array_add (prac, (gpointer) PRACTITIONER);
  g_ptr_array_add (prac, (gpointer) "--password-file");
  g_ptr_array_add (prac, self->password_file);
  g_ptr_array_add (prac, (gpointer) "--auto-admit");
  g_ptr_array_add (prac, (gpointer) "--test-sources");
  add_args (prac, common_args);
  add_args (prac, practitioner_args);
  self->practitioner = client_start (self, "practitioner", self->netns->ns_a, prac, error);
  if (self->practitioner == NULL)
    return FALSE;

  invitation = tc_e2e_client_wait (self->practitioner, "invitation", NULL, NULL, NULL, 30000);
  if (invitation == NULL)
    {
      g_autofree char *history = tc_e2e_client_history (self->practitioner);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "the practitioner got no invitation (%s)", history);
      return FALSE;
    }
  url = g_strdup (json_object_get_string_member_with_default (invitation, "url", ""));

  g_ptr_array_add (pat, self->cli_binary);
  g_ptr_array_add (pat, (gpointer) "patient");
  g_ptr_array_add (pat, (gpointer) "--invitation");
  g_ptr_array_add (pat, url);
  g_ptr_array_add (pat, (gpointer) "--name");
  g_ptr_array_add (pat, (gpointer) "E2E Patient");
  g_ptr_array_add (pat, (gpointer) "--test-sources");
  add_args (pat, common_args);
  add_args (pat, patient_args);
  self->patient = client_start (self, "patient", self->netns->ns_b, pat, error);
  return self->patient != NULL;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
tc_e2e_call_free (TcE2eCall *self)
{
  if (self == NULL)
    return;
  client_free (self->patient);
  client_free (self->practitioner);
  tc_test_terminate (self->server, 5000);
  g_clear_object (&self->server);
  g_clear_pointer (&self->turn, tc_test_turn_stop);
  if (self->dir != NULL && g_getenv ("TC_E2E_KEEP") == NULL)
    remove_tree (self->dir);
  else if (self->dir != NULL)
    g_printerr ("kept %s (TC_E2E_KEEP)\n", self->dir);
  g_free (self->dir);
  g_free (self->server_binary);
  g_free (self->cli_binary);
  g_free (self->server_url);
  g_free (self->password_file);
  g_free (self);
}

/* ---- suite -------------------------------------------------------------------------- */

/* Check runs fixtures and tests through plain function pointers: the namespaces of
 * the running test have to live in a file-level variable. */
static TcTestNetns *current_netns;

TcTestNetns *
tc_e2e_netns (void)
{
  return current_netns;
}

static void
netns_setup (void)
{
  g_autoptr(GError) error = NULL;

  tc_test_netns_sweep_stale ();
  current_netns = tc_test_netns_new (&error);
  if (current_netns == NULL)
    g_printerr ("Could not create the test namespaces: %s\n", error->message);
}

static void
netns_teardown (void)
{
  g_clear_pointer (&current_netns, tc_test_netns_free);
}

int
tc_e2e_main (const char         *suite_name,
             const void * const *tests,
             guint               timeout_s)
{
  Suite *s;
  SRunner *sr;
  int failed;

  if (!tc_test_netns_can_run () || !tc_e2e_binaries_present ())
    return TC_TEST_SKIP;
  s = suite_create (suite_name);
  for (guint i = 0; tests[i] != NULL; i++)
    {
      const TTest *test = tests[i];
      TCase *tc = tcase_create (test->name);

      /* In the parent process, so a failed assertion in the forked test cannot leave
       * namespaces behind; the processes started inside die with the test (PDEATHSIG). */
      tcase_add_unchecked_fixture (tc, netns_setup, netns_teardown);
      tcase_set_timeout (tc, timeout_s);
      tcase_add_test (tc, test);
      suite_add_tcase (s, tc);
    }
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
