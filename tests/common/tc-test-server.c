/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcTestServer: the real teleconsult-server in a temp dir on loopback. */
#include "tc-test-server.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>

char *
tc_test_server_binary (GError **error)
{
  const char *build = g_getenv ("TC_BUILD_DIR");
  char *path;

  if (build == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "TC_BUILD_DIR is not set (run through meson test)");
      return NULL;
    }
  path = g_build_filename (build, "signaling", "server", "teleconsult-server", NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s is not built", path);
      g_free (path);
      return NULL;
    }
  return path;
}

static char *
run_commandv (TcTestServer  *server,
              const char    *input,
              GPtrArray     *args,
              GError       **error)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *out = NULL;

  g_ptr_array_add (args, (char *) "--database");
  g_ptr_array_add (args, server->database);
  g_ptr_array_add (args, NULL);
  proc = g_subprocess_newv ((const char * const *) args->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, error);
  if (proc == NULL)
    return NULL;
  if (!g_subprocess_communicate_utf8 (proc, input, NULL, &out, NULL, error))
    return NULL;
  if (!g_subprocess_get_if_exited (proc) || g_subprocess_get_exit_status (proc) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "teleconsult-server %s failed",
                   (const char *) args->pdata[1]);
      return NULL;
    }
  return g_steal_pointer (&out);
}

char *
tc_test_server_run_command (TcTestServer  *server,
                            const char    *input,
                            GError       **error,
                            const char    *subcommand,
                            ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, server->binary);
  g_ptr_array_add (args, (char *) subcommand);
  va_start (ap, subcommand);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  return run_commandv (server, input, args, error);
}

TcTestServer *
tc_test_server_new (const char * const *extra_args,
                    GError            **error)
{
  g_autoptr(TcTestServer) server = g_new0 (TcTestServer, 1);
  g_autofree char *input = NULL;
  g_autofree char *out = NULL;

  server->binary = tc_test_server_binary (error);
  if (server->binary == NULL)
    return NULL;
  server->dir = g_dir_make_tmp ("tc-test-server-XXXXXX", error);
  if (server->dir == NULL)
    return NULL;
  server->database = g_build_filename (server->dir, "server.db", NULL);
  server->extra_args = g_strdupv ((char **) extra_args);
  server->username = g_strdup ("doctor");
  server->display_name = g_strdup ("Dr Test");
  server->password = g_strdup_printf ("pw-%08x%08x", g_random_int (), g_random_int ());
  server->kiosk_station = g_strdup ("station-1");

  input = g_strdup_printf ("%s\n", server->password);
  out = tc_test_server_run_command (server, input, error, "add-practitioner", server->username,
                                    "--display-name", server->display_name, NULL);
  if (out == NULL)
    return NULL;
  g_clear_pointer (&out, g_free);
  out = tc_test_server_run_command (server, "", error, "add-kiosk", server->kiosk_station,
                                    "--display-name", "Station One", NULL);
  if (out == NULL)
    return NULL;
  server->kiosk_token = g_strdup (g_strstrip (out));

  if (!tc_test_server_start (server, error))
    return NULL;
  return g_steal_pointer (&server);
}

gboolean
tc_test_server_start (TcTestServer  *server,
                      GError       **error)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  const char *url;
  const char *colon;

  g_return_val_if_fail (server->process == NULL, FALSE);

  g_ptr_array_add (args, server->binary);
  g_ptr_array_add (args, (char *) "serve");
  g_ptr_array_add (args, (char *) "--listen");
  g_ptr_array_add (args, (char *) "127.0.0.1");
  g_ptr_array_add (args, (char *) "--port");
  g_ptr_array_add (args, (char *) "0");
  g_ptr_array_add (args, (char *) "--database");
  g_ptr_array_add (args, server->database);
  for (guint i = 0; server->extra_args != NULL && server->extra_args[i] != NULL; i++)
    g_ptr_array_add (args, server->extra_args[i]);
  g_ptr_array_add (args, NULL);

  server->process = g_subprocess_newv ((const char * const *) args->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, error);
  if (server->process == NULL)
    return FALSE;

  /* Blocking read: the server prints the line once it listens, or exits (EOF). */
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, error);
  if (line == NULL || !g_str_has_prefix (line, "listening on "))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the server did not start");
      tc_test_server_stop (server);
      return FALSE;
    }
  url = line + strlen ("listening on ");
  g_free (server->url);
  server->url = g_strdup (url);
  colon = strrchr (url, ':');
  server->port = colon ? (guint) g_ascii_strtoull (colon + 1, NULL, 10) : 0;
  return TRUE;
}

static void
on_waited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

int
tc_test_server_stop (TcTestServer *server)
{
  g_autoptr(GSubprocess) proc = g_steal_pointer (&server->process);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gboolean done = FALSE;

  if (proc == NULL)
    return -1;
  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait_async (proc, NULL, on_waited, &done);
  while (!done && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  if (!done)
    {
      g_subprocess_force_exit (proc);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
      return -1;
    }
  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_remove (path);
    }
  g_rmdir (dir);
}

void
tc_test_server_free (TcTestServer *server)
{
  if (server == NULL)
    return;
  tc_test_server_stop (server);
  if (server->dir != NULL)
    remove_tree (server->dir);
  g_free (server->binary);
  g_free (server->dir);
  g_free (server->database);
  g_free (server->url);
  g_free (server->username);
  g_free (server->password);
  g_free (server->display_name);
  g_free (server->kiosk_station);
  g_free (server->kiosk_token);
  g_strfreev (server->extra_args);
  g_free (server);
}

TcTestWs *
tc_test_server_sign_in (TcTestServer  *server,
                        JsonObject   **out_welcome)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestWs) ws = tc_test_ws_connect (server->url, &error);
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(JsonObject) hello = json_object_new ();
  JsonObject *auth;

  if (ws == NULL)
    {
      g_printerr ("connect failed: %s\n", error->message);
      return NULL;
    }
  auth = json_object_new ();
  json_object_set_string_member (hello, "type", "hello");
  json_object_set_int_member (hello, "v", 1);
  json_object_set_string_member (auth, "method", "password");
  json_object_set_string_member (auth, "username", server->username);
  json_object_set_string_member (auth, "password", server->password);
  json_object_set_object_member (hello, "auth", auth);
  tc_test_ws_send_json (ws, hello);
  welcome = tc_test_ws_expect (ws, "welcome", 10000);
  if (welcome == NULL)
    return NULL;
  if (out_welcome != NULL)
    *out_welcome = g_steal_pointer (&welcome);
  return g_steal_pointer (&ws);
}

TcTestWs *
tc_test_server_join (TcTestServer  *server,
                     const char    *method,
                     const char    *token,
                     const char    *display_name,
                     JsonObject   **out_welcome)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestWs) ws = tc_test_ws_connect (server->url, &error);
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(JsonObject) hello = json_object_new ();
  JsonObject *auth = json_object_new ();

  if (ws == NULL)
    {
      g_printerr ("connect failed: %s\n", error->message);
      json_object_unref (auth);
      return NULL;
    }
  json_object_set_string_member (hello, "type", "hello");
  json_object_set_int_member (hello, "v", 1);
  json_object_set_string_member (auth, "method", method);
  json_object_set_string_member (auth, "token", token);
  json_object_set_string_member (auth, "display_name", display_name);
  json_object_set_object_member (hello, "auth", auth);
  tc_test_ws_send_json (ws, hello);
  welcome = tc_test_ws_expect (ws, "welcome", 5000);
  if (welcome == NULL)
    return NULL;
  if (out_welcome != NULL)
    *out_welcome = g_steal_pointer (&welcome);
  return g_steal_pointer (&ws);
}
