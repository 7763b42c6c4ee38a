/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-test-turn"

#include "tc-test-turn.h"
#include "tc-test-netns.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#define LISTEN_TIMEOUT_US (10 * G_USEC_PER_SEC)

static char *
find_turnserver (void)
{
  if (g_file_test ("/usr/bin/turnserver", G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup ("/usr/bin/turnserver");
  return g_find_program_in_path ("turnserver");
}

gboolean
tc_test_turn_available (void)
{
  g_autofree char *path = find_turnserver ();

  if (path == NULL)
    g_printerr ("SKIP: coturn's turnserver is not installed (apt install coturn)\n");
  return path != NULL;
}

/* /proc/net/udp as seen inside @ns lists "HEXIP:HEXPORT" little-endian IPv4. */
static gboolean
udp_port_open (const char *ns,
               const char *ip,
               guint       port)
{
  const char *argv[] = { "ip", "netns", "exec", ns, "cat", "/proc/net/udp", NULL };
  g_autofree char *out = NULL;
  g_autofree char *needle = NULL;
  guint a, b, c, d;

  if (sscanf (ip, "%u.%u.%u.%u", &a, &b, &c, &d) != 4)
    return FALSE;
  needle = g_strdup_printf ("%02X%02X%02X%02X:%04X", d, c, b, a, port);
  if (!g_spawn_sync (NULL, (char **) (ns[0] != '\0' ? argv : argv + 4), NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, NULL, NULL))
    return FALSE;
  return out != NULL && strstr (out, needle) != NULL;
}

TcTestTurn *
tc_test_turn_start (const char  *ns,
                    const char  *listen_ip,
                    guint        port,
                    GError     **error)
{
  g_autoptr(TcTestTurn) self = g_new0 (TcTestTurn, 1);
  g_autofree char *turnserver = find_turnserver ();
  g_autofree char *conf_path = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *pid_path = NULL;
  g_autofree char *db_path = NULL;
  gint64 deadline;

  if (turnserver == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "turnserver is not installed");
      return NULL;
    }
  self->ns = g_strdup (ns != NULL ? ns : "");
  self->listen_ip = g_strdup (listen_ip);
  self->port = port;
  self->realm = g_strdup ("teleconsult.test");
  self->secret = g_uuid_string_random ();
  self->dir = g_dir_make_tmp ("tc-turn-XXXXXX", error);
  if (self->dir == NULL)
    return NULL;
  self->secret_file = g_build_filename (self->dir, "secret", NULL);
  self->log_path = g_build_filename (self->dir, "turn.log", NULL);
  conf_path = g_build_filename (self->dir, "turnserver.conf", NULL);
  pid_path = g_build_filename (self->dir, "turn.pid", NULL);
  db_path = g_build_filename (self->dir, "turndb", NULL);

  /* coturn refuses relaying to some private ranges unless allowed; the namespaces
   * live in 10.77.0.0/16, so allow exactly that. */
  conf = g_strdup_printf ("listening-ip=%s\n"
                          "relay-ip=%s\n"
                          "listening-port=%u\n"
                          "min-port=49152\nmax-port=49407\n"
                          "use-auth-secret\n"
                          "static-auth-secret=%s\n"
                          "realm=%s\n"
                          "fingerprint\n"
                          "no-cli\nno-tls\nno-dtls\n"
                          "no-multicast-peers\n"
                          "no-software-attribute\n"
                          "allowed-peer-ip=10.77.0.0-10.77.255.255\n"
                          "userdb=%s\n"
                          "simple-log\nno-stdout-log\nverbose\n"
                          "log-file=%s\n"
                          "pidfile=%s\n",
                          listen_ip, listen_ip, port, self->secret, self->realm,
                          db_path, self->log_path, pid_path);
  if (!g_file_set_contents_full (conf_path, conf, -1, G_FILE_SET_CONTENTS_NONE, 0600, error) ||
      !g_file_set_contents_full (self->secret_file, self->secret, -1, G_FILE_SET_CONTENTS_NONE, 0600, error))
    return NULL;

  {
    const char *argv[] = { turnserver, "-c", conf_path, NULL };

    self->process = tc_test_netns_spawn (self->ns, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                         G_SUBPROCESS_FLAGS_STDERR_SILENCE, argv, error);
  }
  if (self->process == NULL)
    return NULL;

  deadline = g_get_monotonic_time () + LISTEN_TIMEOUT_US;
  while (!udp_port_open (self->ns, listen_ip, port))
    {
      if (g_subprocess_get_identifier (self->process) == NULL || g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = NULL;

          g_file_get_contents (self->log_path, &log, NULL, NULL);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "turnserver did not listen on %s:%u; log: %.2000s",
                       listen_ip, port, log != NULL ? log : "(none)");
          return NULL;
        }
      g_usleep (50 * 1000);
    }
  return g_steal_pointer (&self);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
}

void
tc_test_turn_stop (TcTestTurn *self)
{
  if (self == NULL)
    return;
  tc_test_terminate (self->process, 2000);
  g_clear_object (&self->process);
  if (self->dir != NULL && g_getenv ("TC_TEST_KEEP_TURN_LOG") == NULL)
    remove_dir (self->dir);
  g_free (self->ns);
  g_free (self->listen_ip);
  g_free (self->realm);
  g_free (self->secret);
  g_free (self->secret_file);
  g_free (self->dir);
  g_free (self->log_path);
  g_free (self);
}

char *
tc_test_turn_uri (TcTestTurn *self)
{
  return g_strdup_printf ("turn:%s:%u?transport=udp", self->listen_ip, self->port);
}

void
tc_test_turn_credentials (TcTestTurn  *self,
                          const char  *user,
                          guint        ttl_s,
                          char       **username,
                          char       **password)
{
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT ":%s",
                                           g_get_real_time () / G_USEC_PER_SEC + ttl_s, user);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) self->secret, strlen (self->secret));
  guint8 digest[20];
  gsize len = sizeof digest;

  g_hmac_update (hmac, (const guchar *) name, -1);
  g_hmac_get_digest (hmac, digest, &len);
  *password = g_base64_encode (digest, len);
  *username = g_steal_pointer (&name);
}

guint
tc_test_turn_count_allocations (TcTestTurn *self)
{
  g_autofree char *log = NULL;
  guint n = 0;

  if (!g_file_get_contents (self->log_path, &log, NULL, NULL))
    return 0;
  for (const char *p = log; (p = strstr (p, "ALLOCATE processed, success")) != NULL; p++)
    n++;
  return n;
}
