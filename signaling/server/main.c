/* SPDX-License-Identifier: GPL-3.0-or-later */
/* teleconsult-server: a thin command line around TcServer and TcStore. */
#include "config.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include "tc-server.h"
#include "tc-store.h"
#include "tc-token.h"

static const char usage[] =
  "Usage: teleconsult-server COMMAND [OPTIONS]\n"
  "\n"
  "Commands:\n"
  "  serve                          run the signalling server\n"
  "  add-practitioner USERNAME      add an account (password read from stdin)\n"
  "  remove-practitioner USERNAME   remove an account\n"
  "  list-practitioners             list accounts\n"
  "  add-kiosk STATION              add a kiosk station and print its device token once\n"
  "\n"
  "Run 'teleconsult-server COMMAND --help' for the options of a command.\n";

static char *
default_database_path (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "teleconsult-server", NULL);

  g_mkdir_with_parents (dir, 0700);
  return g_build_filename (dir, "server.db", NULL);
}

static TcStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fallback = path ? NULL : default_database_path ();
  TcStore *store = tc_store_open (path ? path : fallback, &error);

  if (store == NULL)
    g_printerr ("teleconsult-server: %s\n", error->message);
  return store;
}

/* Parses @argv with @entries; on --help or an error prints and returns FALSE with *status set. */
static gboolean
parse_options (int          *argc,
               char       ***argv,
               const char   *parameter,
               const char   *summary,
               GOptionEntry *entries,
               int          *status)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("teleconsult-server: %s\n", error->message);
      *status = 2;
      return FALSE;
    }
  return TRUE;
}

/* ---- serve ------------------------------------------------------------------------ */

typedef struct {
  GMainLoop *loop;
  TcServer  *server;
  gboolean   stopping;
} ServeState;

static void
on_shut_down (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ServeState *state = user_data;
  g_autoptr(GError) error = NULL;

  if (!tc_server_shutdown_finish (TC_SERVER (source), result, &error))
    g_printerr ("teleconsult-server: %s\n", error->message);
  g_main_loop_quit (state->loop);
}

static gboolean
on_signal (gpointer user_data)
{
  ServeState *state = user_data;

  if (!state->stopping)
    {
      state->stopping = TRUE;
      tc_server_shutdown_async (state->server, NULL, on_shut_down, state);
    }
  return G_SOURCE_CONTINUE;
}

static char *
read_secret_file (const char  *path,
                  GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  g_strstrip (contents);
  if (*contents == '\0')
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s is empty", path);
      return NULL;
    }
  return g_steal_pointer (&contents);
}

/* One descriptor per connection: allow as many as the hard limit does. */
static void
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

static int
cmd_serve (int    argc,
           char **argv)
{
  g_autofree char *listen = NULL, *database = NULL, *tls_cert = NULL, *tls_key = NULL;
  g_autofree char *turn_secret_file = NULL, *public_url = NULL;
  g_auto(GStrv) stun = NULL, turn = NULL;
  gboolean insecure = FALSE;
  int port = 8443, grace = 60, hello_timeout = 10, idle_timeout = 45, status = 0;
  GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "Address to listen on (default 127.0.0.1)", "ADDR" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port (0 = any free port; default 8443)", "N" },
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &database, "SQLite database (default in the user data dir)", "PATH" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, "PEM certificate (serves wss)", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "PEM private key", "FILE" },
    { "insecure", 0, 0, G_OPTION_ARG_NONE, &insecure, "Allow plain ws on a non-loopback address", NULL },
    { "stun", 0, 0, G_OPTION_ARG_STRING_ARRAY, &stun, "STUN URI given to clients (repeatable)", "URI" },
    { "turn", 0, 0, G_OPTION_ARG_STRING_ARRAY, &turn, "TURN URI given to clients (repeatable)", "URI" },
    { "turn-secret-file", 0, 0, G_OPTION_ARG_FILENAME, &turn_secret_file,
      "File holding coturn's static-auth-secret", "FILE" },
    { "public-url", 0, 0, G_OPTION_ARG_STRING, &public_url, "wss URL put in invitation links", "URL" },
    { "reconnect-grace", 0, 0, G_OPTION_ARG_INT, &grace, "Seconds a dropped participant may resume (60)", "S" },
    { "hello-timeout", 0, 0, G_OPTION_ARG_INT, &hello_timeout, "Seconds to wait for hello (10)", "S" },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout, "Seconds of silence before closing (45)", "S" },
    { NULL }
  };
  g_autoptr(TcServer) server = NULL;
  g_autoptr(TcStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *turn_secret = NULL;
  g_autofree char *url = NULL;
  ServeState state = { 0 };
  guint sigint, sigterm;

  if (!parse_options (&argc, &argv, "- run the signalling server", NULL, entries, &status))
    return status;
  if (port < 0 || port > 65535 || grace < 1 || hello_timeout < 1 || idle_timeout < 1)
    {
      g_printerr ("teleconsult-server: a port or timeout is out of range\n");
      return 2;
    }
  if (turn_secret_file != NULL && (turn_secret = read_secret_file (turn_secret_file, &error)) == NULL)
    {
      g_printerr ("teleconsult-server: %s\n", error->message);
      return 1;
    }
  if ((store = open_store (database)) == NULL)
    return 1;
  raise_fd_limit ();
  if (insecure && tls_cert == NULL)
    g_printerr ("teleconsult-server: warning: --insecure: plain ws, tokens and passwords travel in clear\n");

  server = g_object_new (TC_TYPE_SERVER,
                         "store", store,
                         "listen-address", listen ? listen : "127.0.0.1",
                         "port", (guint) port,
                         "tls-certificate-file", tls_cert,
                         "tls-key-file", tls_key,
                         "allow-insecure", insecure,
                         "stun-uris", stun,
                         "turn-uris", turn,
                         "turn-secret", turn_secret,
                         "public-url", public_url,
                         "reconnect-grace", (guint) grace,
                         "hello-timeout", (guint) hello_timeout,
                         "idle-timeout", (guint) idle_timeout,
                         NULL);
  if (turn_secret != NULL)
    sodium_memzero (turn_secret, strlen (turn_secret));
  if (!tc_server_start (server, &error))
    {
      g_printerr ("teleconsult-server: %s\n", error->message);
      return 1;
    }

  url = tc_server_get_url (server);
  printf ("listening on %s\n", url);
  fflush (stdout);

  state.loop = g_main_loop_new (NULL, FALSE);
  state.server = server;
  sigint = g_unix_signal_add (SIGINT, on_signal, &state);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &state);
  g_main_loop_run (state.loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_main_loop_unref (state.loop);
  return 0;
}

/* ---- accounts --------------------------------------------------------------------- */

/* One line from stdin, without echo on a terminal. */
static char *
read_password (void)
{
  struct termios old, quiet;
  gboolean tty = isatty (STDIN_FILENO);
  char buffer[1100];
  char *line;

  if (tty)
    {
      g_printerr ("Password: ");
      tcgetattr (STDIN_FILENO, &old);
      quiet = old;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  line = fgets (buffer, sizeof buffer, stdin);
  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &old);
      g_printerr ("\n");
    }
  if (line == NULL)
    return NULL;
  buffer[strcspn (buffer, "\r\n")] = '\0';
  line = g_strdup (buffer);
  sodium_memzero (buffer, sizeof buffer);
  return line;
}

static int
cmd_add_practitioner (int    argc,
                      char **argv)
{
  g_autofree char *database = NULL, *display_name = NULL;
  GOptionEntry entries[] = {
    { "display-name", 0, 0, G_OPTION_ARG_STRING, &display_name, "Name shown to patients", "NAME" },
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &database, "SQLite database", "PATH" },
    { NULL }
  };
  g_autoptr(TcStore) store = NULL;
  g_autoptr(GError) error = NULL;
  char *password;
  gboolean ok;
  int status = 0;

  if (!parse_options (&argc, &argv, "USERNAME - add a practitioner account",
                      "The password is read from standard input (one line), never from the command line.",
                      entries, &status))
    return status;
  if (argc != 2)
    {
      g_printerr ("teleconsult-server: add-practitioner needs exactly one USERNAME\n");
      return 2;
    }
  if ((store = open_store (database)) == NULL)
    return 1;
  if ((password = read_password ()) == NULL)
    {
      g_printerr ("teleconsult-server: no password on standard input\n");
      return 1;
    }
  ok = tc_store_add_practitioner (store, argv[1], display_name ? display_name : argv[1], password, &error);
  sodium_memzero (password, strlen (password));
  g_free (password);
  if (!ok)
    {
      g_printerr ("teleconsult-server: %s\n", error->message);
      return 1;
    }
  printf ("added practitioner %s\n", argv[1]);
  return 0;
}

static int
cmd_remove_practitioner (int    argc,
                         char **argv)
{
  g_autofree char *database = NULL;
  GOptionEntry entries[] = {
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &database, "SQLite database", "PATH" },
    { NULL }
  };
  g_autoptr(TcStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!parse_options (&argc, &argv, "USERNAME - remove a practitioner account and its consultations",
                      NULL, entries, &status))
    return status;
  if (argc != 2)
    {
      g_printerr ("teleconsult-server: remove-practitioner needs exactly one USERNAME\n");
      return 2;
    }
  if ((store = open_store (database)) == NULL)
    return 1;
  if (!tc_store_remove_practitioner (store, argv[1], &error))
    {
      g_printerr ("teleconsult-server: %s\n", error->message);
      return 1;
    }
  printf ("removed practitioner %s\n", argv[1]);
  return 0;
}

static int
cmd_list_practitioners (int    argc,
                        char **argv)
{
  g_autofree char *database = NULL;
  GOptionEntry entries[] = {
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &database, "SQLite database", "PATH" },
    { NULL }
  };
  g_autoptr(TcStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  int status = 0;

  if (!parse_options (&argc, &argv, "- list practitioner accounts", NULL, entries, &status))
    return status;
  if ((store = open_store (database)) == NULL)
    return 1;
  if ((list = tc_store_list_practitioners (store, &error)) == NULL)
    {
      g_printerr ("teleconsult-server: %s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < list->len; i++)
    {
      TcStorePractitioner *p = list->pdata[i];
      g_autoptr(GDateTime) created = g_date_time_new_from_unix_utc (p->created_at / 1000);
      g_autofree char *when = created ? g_date_time_format_iso8601 (created) : g_strdup ("?");

      printf ("%s\t%s\t%s\n", p->username, p->display_name, when);
    }
  return 0;
}

static int
cmd_add_kiosk (int    argc,
               char **argv)
{
  g_autofree char *database = NULL, *display_name = NULL;
  GOptionEntry entries[] = {
    { "display-name", 0, 0, G_OPTION_ARG_STRING, &display_name, "Name of the station", "NAME" },
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &database, "SQLite database", "PATH" },
    { NULL }
  };
  g_autoptr(TcStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  guint8 hash[32];
  int status = 0;

  if (!parse_options (&argc, &argv, "STATION - add a kiosk station",
                      "Prints the station's device token once; only its hash is stored.",
                      entries, &status))
    return status;
  if (argc != 2)
    {
      g_printerr ("teleconsult-server: add-kiosk needs exactly one STATION\n");
      return 2;
    }
  if ((store = open_store (database)) == NULL)
    return 1;
  token = tc_token_generate ();
  tc_token_hash (token, hash);
  if (!tc_store_add_kiosk (store, argv[1], display_name ? display_name : argv[1], hash, &error))
    {
      g_printerr ("teleconsult-server: %s\n", error->message);
      return 1;
    }
  printf ("%s\n", token);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  static const struct {
    const char *name;
    int (*func) (int argc, char **argv);
  } commands[] = {
    { "serve", cmd_serve },
    { "add-practitioner", cmd_add_practitioner },
    { "remove-practitioner", cmd_remove_practitioner },
    { "list-practitioners", cmd_list_practitioners },
    { "add-kiosk", cmd_add_kiosk },
  };

  setlocale (LC_ALL, "");
  if (sodium_init () < 0)
    {
      g_printerr ("teleconsult-server: libsodium could not be initialised\n");
      return 1;
    }
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      strcmp (argv[1], "help") == 0)
    {
      fputs (usage, argc < 2 ? stderr : stdout);
      return argc < 2 ? 2 : 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("teleconsult-server %s\n", PACKAGE_VERSION);
      return 0;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        /* The subcommand parses its own options; argv[0] becomes "teleconsult-server COMMAND". */
        g_autofree char *prgname = g_strdup_printf ("teleconsult-server %s", argv[1]);

        g_set_prgname (prgname);
        return commands[i].func (argc - 1, argv + 1);
      }
  g_printerr ("teleconsult-server: unknown command “%s”\n\n%s", argv[1], usage);
  return 2;
}
