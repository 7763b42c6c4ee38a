/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcBluezManager against python-dbusmock's bluez5 template (plus GATT objects added by
 * bluez-mock.py) on a private bus started here: DBUS_SYSTEM_BUS_ADDRESS points at it. */
#include <check.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tc-bluez-manager.h"
#include "tc-reading-queue.h"

#define ADDRESS "AA:BB:CC:DD:EE:01"

static char *dir;
static GSubprocess *bus;
static GSubprocess *helper;
static GDataInputStream *helper_out;
static GOutputStream *helper_in;

static char *
read_line (GDataInputStream *in)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
  ck_assert_msg (line != NULL, "helper closed: %s", error ? error->message : "EOF");
  return line;
}

/* One command to the mock; returns the words after "ok". */
static GStrv
cmd (const char *fmt, ...)
{
  va_list args;
  g_autofree char *line = NULL;
  g_autofree char *answer = NULL;

  va_start (args, fmt);
  line = g_strdup_vprintf (fmt, args);
  va_end (args);
  ck_assert (g_output_stream_write_all (helper_in, line, strlen (line), NULL, NULL, NULL));
  ck_assert (g_output_stream_write_all (helper_in, "\n", 1, NULL, NULL, NULL));
  ck_assert (g_output_stream_flush (helper_in, NULL, NULL));
  answer = read_line (helper_out);
  ck_assert_msg (g_str_has_prefix (answer, "ok"), "%s -> %s", line, answer);
  return g_strsplit (answer + 2 + (answer[2] == ' '), " ", -1);
}

static void
setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *conf_path = NULL;
  g_autofree char *address = NULL;
  g_autofree char *ready = NULL;
  g_autofree char *script = NULL;
  g_autoptr(GDataInputStream) bus_out = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  dir = g_dir_make_tmp ("tc-bluez-XXXXXX", &error);
  ck_assert_ptr_nonnull (dir);
  conf = g_strdup_printf (
    "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
    " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
    "<busconfig><type>session</type><listen>unix:path=%s/bus</listen><auth>EXTERNAL</auth>\n"
    "<policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>"
    "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n", dir);
  conf_path = g_build_filename (dir, "bus.conf", NULL);
  ck_assert (g_file_set_contents (conf_path, conf, -1, NULL));

  bus = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "dbus-daemon", "--nofork",
                          "--print-address=1", "--config-file", conf_path, NULL);
  ck_assert_msg (bus != NULL, "%s", error ? error->message : "");
  bus_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bus));
  address = read_line (bus_out);
  /* the private bus only: nothing here may reach the machine's real BlueZ */
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", address, TRUE);
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");

  script = g_build_filename (g_getenv ("TC_SOURCE_DIR") ? g_getenv ("TC_SOURCE_DIR") : "..",
                             "tests", "devices", "bluez-mock.py", NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  helper = g_subprocess_launcher_spawn (launcher, &error, "/usr/bin/python3", script, NULL);
  ck_assert_msg (helper != NULL, "%s", error ? error->message : "");
  helper_in = g_subprocess_get_stdin_pipe (helper);
  helper_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (helper));
  ready = read_line (helper_out);
  ck_assert_str_eq (ready, "ready");
}

static void
teardown (void)
{
  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);

  g_output_stream_close (helper_in, NULL, NULL);
  g_subprocess_wait (helper, NULL, NULL);
  g_clear_object (&helper_out);
  g_clear_object (&helper);
  g_subprocess_force_exit (bus);
  g_subprocess_wait (bus, NULL, NULL);
  g_clear_object (&bus);
  ck_assert_int_eq (system (rm), 0);
  g_clear_pointer (&dir, g_free);
}

typedef struct {
  TcBluezManager *manager;
  GPtrArray      *found;
  GPtrArray      *readings;
  guint           ready;
  guint           disconnected;
  guint           errors;
} Events;

static void
on_manager (GObject *source, GAsyncResult *res, gpointer data)
{
  Events *ev = data;
  g_autoptr(GError) error = NULL;
  ev->manager = tc_bluez_manager_new_finish (res, &error);
  ck_assert_msg (ev->manager != NULL, "%s", error ? error->message : "");
}

static void
on_found (TcBluezManager *m, const char *path, const char *name, guint service, Events *ev)
{
  g_ptr_array_add (ev->found, g_strdup_printf ("%s %s %04x", path, name, service));
}

static void
on_ready (TcBluezManager *m, const char *path, Events *ev)
{
  ev->ready++;
}

static void
on_disconnected (TcBluezManager *m, const char *path, Events *ev)
{
  ev->disconnected++;
}

static void
on_reading (TcBluezManager *m, const char *path, TcReading *reading, Events *ev)
{
  g_ptr_array_add (ev->readings, tc_reading_copy (reading));
}

static void
on_error (TcBluezManager *m, const char *path, GError *error, Events *ev)
{
  ev->errors++;
}

static gboolean
wait_for (guint *counter, guint value)
{
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while (*counter < value && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return *counter >= value;
}

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

START_TEST (test_discover_connect_notify_reconnect)
{
  Events ev = { NULL, g_ptr_array_new_with_free_func (g_free),
                g_ptr_array_new_with_free_func ((GDestroyNotify) tc_reading_free), 0, 0, 0 };
  g_auto(GStrv) dev = NULL;
  g_auto(GStrv) calls = NULL;
  g_autofree char *expect_found = NULL;
  const char *dev_path, *char_path;
  TcReading *r;
  guint n;
  guint tick_id = g_timeout_add (50, tick, NULL);   /* keeps wait_for() iterating */

  g_strfreev (cmd ("adapter"));
  dev = cmd ("device " ADDRESS " Cuff 1810 2a35 indicate");
  dev_path = dev[0];
  char_path = dev[1];

  tc_bluez_manager_new_async (NULL, on_manager, &ev);
  while (ev.manager == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (ev.manager, "device-found", G_CALLBACK (on_found), &ev);
  g_signal_connect (ev.manager, "device-ready", G_CALLBACK (on_ready), &ev);
  g_signal_connect (ev.manager, "device-disconnected", G_CALLBACK (on_disconnected), &ev);
  g_signal_connect (ev.manager, "reading", G_CALLBACK (on_reading), &ev);
  g_signal_connect (ev.manager, "error", G_CALLBACK (on_error), &ev);
  tc_bluez_manager_set_reconnect_delay (ev.manager, 100);

  /* discovery: the cuff advertises the Blood Pressure service */
  tc_bluez_manager_start_discovery (ev.manager);
  ck_assert (wait_for (&ev.found->len, 1));
  expect_found = g_strdup_printf ("%s Cuff 1810", dev_path);
  ck_assert_str_eq (ev.found->pdata[0], expect_found);
  while (TRUE)
    {
      g_auto(GStrv) c = cmd ("calls /org/bluez/hci0 StartDiscovery");
      if (atoi (c[0]) == 1)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  {
    g_auto(GStrv) f = cmd ("calls /org/bluez/hci0 SetDiscoveryFilter");
    ck_assert_int_eq (atoi (f[0]), 1);
  }

  /* pair, connect, read Device Information, subscribe */
  tc_bluez_manager_connect_device (ev.manager, dev_path);
  ck_assert (wait_for (&ev.ready, 1));
  ck_assert (tc_bluez_manager_is_connected (ev.manager, dev_path));
  calls = cmd ("calls %s StartNotify", char_path);
  ck_assert_int_eq (atoi (calls[0]), 1);
  g_clear_pointer (&calls, g_strfreev);
  calls = cmd ("calls %s Pair", dev_path);
  ck_assert_int_eq (atoi (calls[0]), 1);
  g_clear_pointer (&calls, g_strfreev);

  /* an indication: flags ts|pulse|user|status, 120/80 mmHg, MAP NaN, 2024-03-15 10:30:45, pulse 72 */
  g_strfreev (cmd ("notify %s 1E78005000FF07E807030F0A1E2D4800022500", char_path));
  ck_assert (wait_for (&ev.readings->len, 1));
  r = ev.readings->pdata[0];
  ck_assert_int_eq (r->kind, TC_READING_KIND_BLOOD_PRESSURE);
  ck_assert_double_eq (tc_reading_get_component (r, TC_COMPONENT_SYSTOLIC)->value, 120);
  ck_assert_double_eq (tc_reading_get_component (r, TC_COMPONENT_PULSE_RATE)->value, 72);
  ck_assert_str_eq (r->manufacturer, "Acme Medical");
  ck_assert_str_eq (r->model, "BP-7000");
  ck_assert (g_str_has_prefix (r->serial, "SN 0042"));
  ck_assert (g_utf8_validate (r->serial, -1, NULL));

  /* a broken notification: an error, no reading */
  n = ev.errors;
  g_strfreev (cmd ("notify %s 1E78", char_path));
  ck_assert (wait_for (&ev.errors, n + 1));
  ck_assert_uint_eq (ev.readings->len, 1);

  /* the cuff goes away: reconnection attempts fail until it is back, then it is subscribed again */
  g_strfreev (cmd ("away " ADDRESS " yes"));
  g_strfreev (cmd ("disconnect " ADDRESS));
  ck_assert (wait_for (&ev.disconnected, 1));
  ck_assert (!tc_bluez_manager_is_connected (ev.manager, dev_path));
  n = ev.errors;
  ck_assert (wait_for (&ev.errors, n + 2));   /* two failed Connect attempts */
  g_strfreev (cmd ("away " ADDRESS " no"));
  ck_assert (wait_for (&ev.ready, 2));
  calls = cmd ("calls %s StartNotify", char_path);
  ck_assert_int_eq (atoi (calls[0]), 2);
  g_clear_pointer (&calls, g_strfreev);
  g_strfreev (cmd ("notify %s 007D0055005D00", char_path));   /* 125/85, MAP 93 */
  ck_assert (wait_for (&ev.readings->len, 2));
  ck_assert_double_eq (tc_reading_get_component (ev.readings->pdata[1], TC_COMPONENT_SYSTOLIC)->value, 125);

  /* it drops again and comes back on its own (Connected turns true without our Connect) */
  g_strfreev (cmd ("away " ADDRESS " yes"));
  g_strfreev (cmd ("disconnect " ADDRESS));
  ck_assert (wait_for (&ev.disconnected, 2));
  g_strfreev (cmd ("reconnect " ADDRESS));
  ck_assert (wait_for (&ev.ready, 3));
  g_strfreev (cmd ("notify %s 00820057005D00", char_path));   /* 130/87 */
  ck_assert (wait_for (&ev.readings->len, 3));
  ck_assert_double_eq (tc_reading_get_component (ev.readings->pdata[2], TC_COMPONENT_DIASTOLIC)->value, 87);

  tc_bluez_manager_forget_device (ev.manager, dev_path);
  g_object_add_weak_pointer (G_OBJECT (ev.manager), (gpointer *) &ev.manager);
  g_object_unref (ev.manager);
  /* in-flight D-Bus calls hold a reference until they finish */
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    while (ev.manager != NULL && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  ck_assert_ptr_null (ev.manager);
  g_source_remove (tick_id);
  g_ptr_array_unref (ev.found);
  g_ptr_array_unref (ev.readings);
}
END_TEST

/* A glucose meter: subscribed, asked for its stored records through the RACP, and a record sent
 * twice carries the same id both times, so the queue refuses the repeat. */
START_TEST (test_glucose_records)
{
  Events ev = { NULL, g_ptr_array_new_with_free_func (g_free),
                g_ptr_array_new_with_free_func ((GDestroyNotify) tc_reading_free), 0, 0, 0 };
  g_auto(GStrv) dev = NULL;
  g_auto(GStrv) calls = NULL;
  g_autoptr(TcReadingQueue) queue = tc_reading_queue_new (":memory:", NULL);
  g_autoptr(GError) error = NULL;
  TcReading *first, *again, *other;
  guint tick_id = g_timeout_add (50, tick, NULL);

  g_strfreev (cmd ("adapter"));
  dev = cmd ("device AA:BB:CC:DD:EE:02 Meter 1808 2a18 notify");
  ck_assert_ptr_nonnull (dev[2]);

  tc_bluez_manager_new_async (NULL, on_manager, &ev);
  while (ev.manager == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (ev.manager, "device-ready", G_CALLBACK (on_ready), &ev);
  g_signal_connect (ev.manager, "reading", G_CALLBACK (on_reading), &ev);
  g_signal_connect (ev.manager, "error", G_CALLBACK (on_error), &ev);

  tc_bluez_manager_connect_device (ev.manager, dev[0]);
  ck_assert (wait_for (&ev.ready, 1));
  while (TRUE)
    {
      g_auto(GStrv) c = cmd ("calls %s WriteValue", dev[2]);
      if (atoi (c[0]) >= 1)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  calls = cmd ("calls %s StartNotify", dev[2]);
  ck_assert_int_eq (atoi (calls[0]), 1);   /* RACP indications on before the request */

  /* record 1 (95 mg/dL, capillary blood, finger), the same record again, then record 2 */
  g_strfreev (cmd ("notify %s 020100E807030F0A1E2D5FB011", dev[1]));
  ck_assert (wait_for (&ev.readings->len, 1));
  g_strfreev (cmd ("notify %s 020100E807030F0A1E2D5FB012", dev[1]));   /* same record, other location */
  ck_assert (wait_for (&ev.readings->len, 2));
  g_strfreev (cmd ("notify %s 020200E807030F0A1E2D5FB011", dev[1]));
  ck_assert (wait_for (&ev.readings->len, 3));
  first = ev.readings->pdata[0];
  again = ev.readings->pdata[1];
  other = ev.readings->pdata[2];
  ck_assert_double_eq (tc_reading_get_component (first, TC_COMPONENT_GLUCOSE)->value, 95);
  ck_assert (g_uuid_string_is_valid (first->id));
  ck_assert_str_eq (first->id, again->id);
  ck_assert_str_ne (first->id, other->id);

  ck_assert (tc_reading_queue_enqueue_reading (queue, "dr-a", first, &error));
  ck_assert (!tc_reading_queue_enqueue_reading (queue, "dr-a", again, &error));
  ck_assert (g_error_matches (error, TC_READING_QUEUE_ERROR, TC_READING_QUEUE_ERROR_DUPLICATE));

  g_object_add_weak_pointer (G_OBJECT (ev.manager), (gpointer *) &ev.manager);
  g_object_unref (ev.manager);
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    while (ev.manager != NULL && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  ck_assert_ptr_null (ev.manager);
  g_source_remove (tick_id);
  g_ptr_array_unref (ev.found);
  g_ptr_array_unref (ev.readings);
}
END_TEST

int
main (void)
{
  SRunner *sr;
  Suite *s;
  TCase *tc;
  int failed;
  g_autofree char *daemon = g_find_program_in_path ("dbus-daemon");
  int status = -1;

  /* needs dbus-daemon and python3-dbusmock; without them this cannot run here */
  if (daemon == NULL ||
      !g_spawn_command_line_sync ("/usr/bin/python3 -c 'import dbusmock'", NULL, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      g_print ("SKIP: dbus-daemon or python3-dbusmock missing\n");
      return 77;
    }

  s = suite_create ("bluez-manager");
  tc = tcase_create ("mock");
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 90);
  tcase_add_test (tc, test_discover_connect_notify_reconnect);
  tcase_add_test (tc, test_glucose_records);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
