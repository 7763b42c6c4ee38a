/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-test-netns"

#include "tc-test-netns.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* How long a veth end may take to report operstate "up" (usually < 100 ms). */
#define OPERSTATE_TIMEOUT_US (5 * G_USEC_PER_SEC)

gboolean
tc_test_netns_can_run (void)
{
  if (geteuid () != 0)
    {
      g_printerr ("SKIP: network namespace tests need root (creating namespaces and veth pairs)\n");
      return FALSE;
    }
  if (!g_file_test ("/usr/sbin/ip", G_FILE_TEST_IS_EXECUTABLE) &&
      !g_file_test ("/sbin/ip", G_FILE_TEST_IS_EXECUTABLE) &&
      g_find_program_in_path ("ip") == NULL)
    {
      g_printerr ("SKIP: iproute2's ip is not installed\n");
      return FALSE;
    }
  return TRUE;
}

/* Kills the child if the test process dies (failed assertion, Check timeout): nothing
 * may outlive the run inside a namespace. */
static void
child_setup_die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GPtrArray *
build_argv (const char *ns, const char * const *argv)
{
  GPtrArray *full = g_ptr_array_new ();

  if (ns != NULL && ns[0] != '\0')
    {
      g_ptr_array_add (full, (gpointer) "ip");
      g_ptr_array_add (full, (gpointer) "netns");
      g_ptr_array_add (full, (gpointer) "exec");
      g_ptr_array_add (full, (gpointer) ns);
    }
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (full, (gpointer) argv[i]);
  g_ptr_array_add (full, NULL);
  return full;
}

GSubprocess *
tc_test_netns_spawn_full (const char          *ns,
                          GSubprocessFlags     flags,
                          const char * const  *env,
                          const char          *cwd,
                          const char * const  *argv,
                          GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GPtrArray) full = build_argv (ns, argv);

  g_subprocess_launcher_set_child_setup (launcher, child_setup_die_with_parent, NULL, NULL);
  if (cwd != NULL)
    g_subprocess_launcher_set_cwd (launcher, cwd);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (env[i], "=", 2);

      if (kv[0] != NULL && kv[1] != NULL)
        g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
    }
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) full->pdata, error);
}

GSubprocess *
tc_test_netns_spawn (const char          *ns,
                     GSubprocessFlags     flags,
                     const char * const  *argv,
                     GError             **error)
{
  return tc_test_netns_spawn_full (ns, flags, NULL, NULL, argv, error);
}

/* g_spawn_sync() rather than GSubprocess: it waits with waitpid() in this thread. Check
 * forks each test after the fixtures ran in the parent; a GSubprocess there would start
 * GLib's worker thread, which a forked child lacks, and the child's waits would hang. */
static gboolean
spawn_sync (const char          *ns,
            const char * const  *argv,
            char               **out,
            char               **err,
            GError             **error)
{
  g_autoptr(GPtrArray) full = build_argv (ns, argv);
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) full->pdata, NULL,
                     G_SPAWN_SEARCH_PATH | (out == NULL ? G_SPAWN_STDOUT_TO_DEV_NULL : 0) |
                     (err == NULL ? G_SPAWN_STDERR_TO_DEV_NULL : 0),
                     child_setup_die_with_parent, NULL, out, err, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_autofree char *cmd = g_strjoinv (" ", (char **) argv);

      g_set_error (error, G_SPAWN_EXIT_ERROR, 1, "“%s” failed in namespace %s: %s", cmd,
                   ns != NULL && ns[0] != '\0' ? ns : "(host)",
                   err != NULL && *err != NULL ? g_strstrip (*err) : "");
      return FALSE;
    }
  return TRUE;
}

gboolean
tc_test_netns_run (const char          *ns,
                   const char * const  *argv,
                   GError             **error)
{
  g_autofree char *err = NULL;

  return spawn_sync (ns, argv, NULL, &err, error);
}

/* Runs argv and returns its stdout, or NULL. */
static char *
run_capture (const char          *ns,
             const char * const  *argv,
             GError             **error)
{
  char *out = NULL;

  if (!spawn_sync (ns, argv, &out, NULL, error))
    {
      g_free (out);
      return NULL;
    }
  return out;
}

static void
kill_namespace_processes (const char *ns)
{
  const char *argv[] = { "ip", "netns", "pids", ns, NULL };
  g_autofree char *out = run_capture (NULL, argv, NULL);
  g_auto(GStrv) pids = NULL;

  if (out == NULL)
    return;
  pids = g_strsplit (out, "\n", -1);
  for (guint i = 0; pids[i] != NULL; i++)
    {
      gint64 pid = g_ascii_strtoll (pids[i], NULL, 10);

      if (pid > 1 && pid != getpid ())
        kill ((pid_t) pid, SIGKILL);
    }
}

static void
delete_namespace (const char *ns)
{
  const char *argv[] = { "ip", "netns", "del", ns, NULL };
  g_autoptr(GError) error = NULL;

  kill_namespace_processes (ns);
  if (!tc_test_netns_run (NULL, argv, &error))
    g_printerr ("tc-test-netns: could not delete %s: %s\n", ns, error->message);
}

void
tc_test_netns_sweep_stale (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/run/netns", 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gint64 pid;

      if (!g_str_has_prefix (name, TC_TEST_NETNS_PREFIX))
        continue;
      pid = g_ascii_strtoll (name + strlen (TC_TEST_NETNS_PREFIX), NULL, 10);
      if (pid <= 0 || pid == getpid ())
        continue;
      if (kill ((pid_t) pid, 0) == 0 || errno != ESRCH)
        continue;   /* its creator still runs: not ours to delete */
      g_printerr ("tc-test-netns: deleting stale namespace %s\n", name);
      delete_namespace (name);
    }
}

static char *
read_operstate (const char *ns,
                const char *dev)
{
  g_autofree char *path = g_strdup_printf ("/sys/class/net/%s/operstate", dev);
  const char *argv[] = { "cat", path, NULL };
  char *out = run_capture (ns, argv, NULL);

  return out != NULL ? g_strstrip (out) : NULL;
}

static gboolean
wait_operstate_up (const char  *ns,
                   const char  *dev,
                   GError     **error)
{
  gint64 deadline = g_get_monotonic_time () + OPERSTATE_TIMEOUT_US;

  for (;;)
    {
      g_autofree char *state = read_operstate (ns, dev);

      if (g_strcmp0 (state, "up") == 0)
        return TRUE;
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "%s in %s stays “%s”, not “up”", dev, ns, state != NULL ? state : "?");
          return FALSE;
        }
      g_usleep (20 * 1000);
    }
}

TcTestNetns *
tc_test_netns_new (GError **error)
{
  g_autoptr(TcTestNetns) self = g_new0 (TcTestNetns, 1);
  int pid = (int) getpid ();
  g_autofree char *cidr_a = NULL;
  g_autofree char *cidr_b = NULL;

  self->ns_a = g_strdup_printf (TC_TEST_NETNS_PREFIX "%d-a", pid);
  self->ns_b = g_strdup_printf (TC_TEST_NETNS_PREFIX "%d-b", pid);
  /* Interface names are at most 15 bytes. */
  self->dev_a = g_strdup_printf ("tcv%da", pid);
  self->dev_b = g_strdup_printf ("tcv%db", pid);
  self->subnet = 1 + (guint) pid % 250;
  self->addr_a = g_strdup_printf ("10.77.%u.1", self->subnet);
  self->addr_b = g_strdup_printf ("10.77.%u.2", self->subnet);
  cidr_a = g_strdup_printf ("%s/24", self->addr_a);
  cidr_b = g_strdup_printf ("%s/24", self->addr_b);

  {
    const char *add_a[] = { "ip", "netns", "add", self->ns_a, NULL };
    const char *add_b[] = { "ip", "netns", "add", self->ns_b, NULL };
    const char *veth[] = { "ip", "link", "add", self->dev_a, "netns", self->ns_a,
                           "type", "veth", "peer", "name", self->dev_b, "netns", self->ns_b, NULL };
    const char *addr_a[] = { "ip", "addr", "add", cidr_a, "dev", self->dev_a, NULL };
    const char *addr_b[] = { "ip", "addr", "add", cidr_b, "dev", self->dev_b, NULL };
    const char *lo_up[] = { "ip", "link", "set", "lo", "up", NULL };

    if (!tc_test_netns_run (NULL, add_a, error))
      {
        g_clear_pointer (&self->ns_b, g_free);   /* not created: do not delete at free */
        return NULL;
      }
    if (!tc_test_netns_run (NULL, add_b, error) ||
        !tc_test_netns_run (NULL, veth, error) ||
        !tc_test_netns_run (self->ns_a, addr_a, error) ||
        !tc_test_netns_run (self->ns_b, addr_b, error) ||
        !tc_test_netns_run (self->ns_a, lo_up, error) ||
        !tc_test_netns_run (self->ns_b, lo_up, error) ||
        !tc_test_netns_set_link (self, TRUE, error))
      return NULL;
  }
  return g_steal_pointer (&self);
}

void
tc_test_netns_free (TcTestNetns *self)
{
  if (self == NULL)
    return;
  /* Deleting a namespace removes the veth pair with it. */
  for (guint i = 0; i < 2; i++)
    {
      const char *ns = i == 0 ? self->ns_a : self->ns_b;
      g_autofree char *path = ns != NULL ? g_build_filename ("/run/netns", ns, NULL) : NULL;

      if (path != NULL && g_file_test (path, G_FILE_TEST_EXISTS))
        delete_namespace (ns);
    }
  g_free (self->ns_a);
  g_free (self->ns_b);
  g_free (self->dev_a);
  g_free (self->dev_b);
  g_free (self->addr_a);
  g_free (self->addr_b);
  g_free (self);
}

gboolean
tc_test_netns_set_rate (TcTestNetns  *self,
                        gboolean      in_a,
                        guint         kbit,
                        GError      **error)
{
  const char *ns = in_a ? self->ns_a : self->ns_b;
  const char *dev = in_a ? self->dev_a : self->dev_b;
  g_autofree char *rate = g_strdup_printf ("%ukbit", kbit);

  if (kbit == 0)
    {
      const char *argv[] = { "tc", "qdisc", "del", "dev", dev, "root", NULL };

      return tc_test_netns_run (ns, argv, error);
    }
  else
    {
      const char *argv[] = { "tc", "qdisc", "replace", "dev", dev, "root", "tbf", "rate", rate,
                             "burst", "32kbit", "latency", "400ms", NULL };

      return tc_test_netns_run (ns, argv, error);
    }
}

gboolean
tc_test_netns_set_loss (TcTestNetns  *self,
                        gboolean      in_a,
                        guint         permille,
                        GError      **error)
{
  const char *ns = in_a ? self->ns_a : self->ns_b;
  const char *dev = in_a ? self->dev_a : self->dev_b;
  g_autofree char *rules = NULL;
  const char *del[] = { "nft", "delete", "table", "inet", "tcloss", NULL };
  g_autofree char *path = NULL;
  int fd;
  gboolean ok;

  /* Ignore "no such table": the first call has nothing to delete. */
  tc_test_netns_run (ns, del, NULL);
  if (permille == 0)
    return TRUE;
  {
    g_autofree char *share = permille >= 1000 ? g_strdup ("")
                             : g_strdup_printf ("numgen random mod 1000 < %u ", permille);

    rules = g_strdup_printf ("table inet tcloss {\n"
                             "  chain in {\n"
                             "    type filter hook input priority 0; policy accept;\n"
                             "    iifname \"%s\" meta l4proto udp %sdrop\n"
                             "  }\n"
                             "}\n", dev, share);
  }
  /* Through a file and g_spawn_sync(): callable from fixtures before Check forks. */
  fd = g_file_open_tmp ("tc-loss-XXXXXX.nft", &path, error);
  if (fd < 0)
    return FALSE;
  close (fd);
  if (!g_file_set_contents (path, rules, -1, error))
    return FALSE;
  {
    const char *load[] = { "nft", "-f", path, NULL };

    ok = tc_test_netns_run (ns, load, error);
  }
  g_unlink (path);
  return ok;
}

gboolean
tc_test_netns_set_link (TcTestNetns  *self,
                        gboolean      up,
                        GError      **error)
{
  const char *state = up ? "up" : "down";
  const char *argv_a[] = { "ip", "link", "set", self->dev_a, state, NULL };
  const char *argv_b[] = { "ip", "link", "set", self->dev_b, state, NULL };

  if (!tc_test_netns_run (self->ns_a, argv_a, error) ||
      !tc_test_netns_run (self->ns_b, argv_b, error))
    return FALSE;
  if (!up)
    return TRUE;
  return wait_operstate_up (self->ns_a, self->dev_a, error) &&
         wait_operstate_up (self->ns_b, self->dev_b, error);
}

gint64
tc_test_netns_tx_bytes (TcTestNetns *self,
                        gboolean     in_a)
{
  g_autofree char *path = g_strdup_printf ("/sys/class/net/%s/statistics/tx_bytes",
                                           in_a ? self->dev_a : self->dev_b);
  const char *argv[] = { "cat", path, NULL };
  g_autofree char *out = run_capture (in_a ? self->ns_a : self->ns_b, argv, NULL);

  return out != NULL ? g_ascii_strtoll (out, NULL, 10) : -1;
}

GSubprocess *
tc_test_netns_start_capture (TcTestNetns  *self,
                             const char   *pcap_path,
                             GError      **error)
{
  /* -U: write each packet at once so a stopped capture is complete; -Z root: keep
   * the right to write where the test asks. */
  const char *argv[] = { "tcpdump", "-i", self->dev_a, "-U", "-s", "0", "-n", "-Z", "root",
                         "-w", pcap_path, "udp", NULL };
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) err = NULL;

  proc = tc_test_netns_spawn (self->ns_a, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              argv, error);
  if (proc == NULL)
    return NULL;
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (proc));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, error);

      if (line == NULL)
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "tcpdump exited before capturing");
          return NULL;
        }
      if (strstr (line, "listening on") != NULL)
        break;
    }
  /* tcpdump writes little more to stderr (a summary at exit): the pipe will not fill. */
  return g_steal_pointer (&proc);
}

void
tc_test_terminate (GSubprocess *process,
                   guint        grace_ms)
{
  gint64 deadline;

  if (process == NULL || g_subprocess_get_identifier (process) == NULL)
    return;
  g_subprocess_send_signal (process, SIGTERM);
  deadline = g_get_monotonic_time () + (gint64) grace_ms * 1000;
  while (g_subprocess_get_identifier (process) != NULL && g_get_monotonic_time () < deadline)
    {
      /* GSubprocess reaps through the GLib worker thread; poll its identifier. */
      g_usleep (10 * 1000);
    }
  if (g_subprocess_get_identifier (process) != NULL)
    g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
}

gboolean
tc_test_netns_stop_capture (GSubprocess  *tcpdump,
                            GError      **error)
{
  tc_test_terminate (tcpdump, 3000);
  if (!g_subprocess_get_if_exited (tcpdump) && !g_subprocess_get_if_signaled (tcpdump))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "tcpdump did not stop");
      return FALSE;
    }
  return TRUE;
}
