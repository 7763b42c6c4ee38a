/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "tc-bench-server.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

gint64
bench_read_rss_kib (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *contents = NULL;
  const char *line;

  if (pid <= 0 || !g_file_get_contents (path, &contents, NULL, NULL))
    return -1;
  line = strstr (contents, "\nVmRSS:");
  return line ? g_ascii_strtoll (line + 7, NULL, 10) : -1;
}

/* utime + stime in clock ticks */
gint64
bench_read_cpu_ticks (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *p;

  if (pid <= 0 || !g_file_get_contents (path, &contents, NULL, NULL))
    return -1;
  p = strrchr (contents, ')');   /* comm may contain spaces */
  if (p == NULL)
    return -1;
  fields = g_strsplit (p + 2, " ", 0);
  if (g_strv_length (fields) < 15)
    return -1;
  /* after ")": state(3) ... utime is field 14, stime 15 → index 11, 12 here */
  return g_ascii_strtoll (fields[11], NULL, 10) + g_ascii_strtoll (fields[12], NULL, 10);
}

static gboolean
add_account (BenchServer *o, const char *password, guint account, GError **error)
{
  g_autofree char *db = g_build_filename (o->tmpdir, "bench.db", NULL);
  g_autofree char *user = g_strdup_printf ("bench%u", account);
  g_autofree char *line = g_strconcat (password, "\n", NULL);
  const char *argv[] = { o->path, "add-practitioner", "--database", db, user, NULL };
  int fds[2], status;
  GPid pid;

  if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                 NULL, NULL, &pid, &fds[0], NULL, &fds[1], error))
    return FALSE;
  if (write (fds[0], line, strlen (line)) < 0)
    g_printerr ("bench: writing the password: %s\n", g_strerror (errno));
  close (fds[0]);
  close (fds[1]);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "add-practitioner failed");
      return FALSE;
    }
  return TRUE;
}

gboolean
bench_server_start (BenchServer *o,
                    const char  *password,
                    guint        accounts,
                    GError     **error)
{
  g_autofree char *db = NULL;
  g_autofree char *log_path = NULL;
  const char *argv[8];
  int out_fd;
  GPid pid;

  o->tmpdir = g_dir_make_tmp ("tc-bench-load-XXXXXX", error);
  if (o->tmpdir == NULL)
    return FALSE;
  db = g_build_filename (o->tmpdir, "bench.db", NULL);
  for (guint a = 0; a < accounts; a++)
    if (!add_account (o, password, a, error))
      return FALSE;

  argv[0] = o->path;
  argv[1] = "serve";
  argv[2] = "--listen=127.0.0.1";
  argv[3] = "--port=0";
  argv[4] = "--database";
  argv[5] = db;
  argv[6] = NULL;
  /* Its stdout goes to a file (it may log there: a pipe we stop reading would block or
   * kill it), which is polled for the "listening on ws://127.0.0.1:PORT/ws" line.
   * The child inherits our raised RLIMIT_NOFILE. */
  log_path = g_build_filename (o->tmpdir, "server.out", NULL);
  out_fd = open (log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out_fd < 0 || !g_spawn_async_with_fds (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                              &pid, -1, out_fd, -1, error))
    {
      if (out_fd >= 0)
        close (out_fd);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot create %s", log_path);
      return FALSE;
    }
  close (out_fd);
  o->pid = pid;
  for (int i = 0; i < 100 && o->port == 0; i++)
    {
      g_autofree char *contents = NULL;
      const char *line;
      g_usleep (100000);
      if (g_file_get_contents (log_path, &contents, NULL, NULL) &&
          (line = strstr (contents, "listening on ws://127.0.0.1:")) != NULL)
        o->port = (guint16) g_ascii_strtoull (line + strlen ("listening on ws://127.0.0.1:"), NULL, 10);
    }
  if (o->port == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the server did not print its port within 10 s");
      return FALSE;
    }
  return TRUE;
}

void
bench_server_stop (BenchServer *o)
{
  if (o->pid > 0)
    {
      int status;
      kill (o->pid, SIGTERM);
      for (int i = 0; i < 100 && waitpid (o->pid, &status, WNOHANG) == 0; i++)
        g_usleep (100000);
      if (waitpid (o->pid, &status, WNOHANG) == 0)
        {
          kill (o->pid, SIGKILL);
          waitpid (o->pid, &status, 0);
        }
      o->pid = 0;
      o->port = 0;
    }
  if (o->tmpdir != NULL)
    {
      const char *files[] = { "bench.db", "bench.db-wal", "bench.db-shm", "server.out" };
      for (guint i = 0; i < G_N_ELEMENTS (files); i++)
        {
          g_autofree char *f = g_build_filename (o->tmpdir, files[i], NULL);
          g_unlink (f);
        }
      g_rmdir (o->tmpdir);
      g_clear_pointer (&o->tmpdir, g_free);
    }
}

