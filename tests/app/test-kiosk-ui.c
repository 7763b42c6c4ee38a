/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The kiosk window under Xvfb, against a real teleconsult-server with the fixture's
 * kiosk account: the setup screen when no PIN is set; the idle screen ("No
 * consultation scheduled", then the next one); a practitioner schedules one for now
 * and the kiosk enters the waiting room by itself; admitted, it shows the call and
 * keeps the screen awake; ended, it returns to the idle screen by itself. The window
 * refuses to close; a wrong PIN is refused, the right one opens the settings. Touch
 * targets are at least 48 px. Screenshots: tests/app/screenshots/<lang>/kiosk-*.png. */
#include "config.h"

#include <check.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <gst/gst.h>

#include "tc-call-page.h"
#include "tc-devices-panel.h"
#include "tc-kiosk-admin-dialog.h"
#include "tc-kiosk-window.h"
#include "tc-test-server.h"
#include "tc-ui-test-util.h"

#define STEP_TIMEOUT_MS 20000
#define PIN "2468"
#define STATION_NAME "Résidence Les Tilleuls"

/* A failed check jumps out of the test (CK_NOFORK, needed by GTK) past its cleanups:
 * main() stops a server left running, or the test run would wait for it forever. */
static TcTestServer *left_over_server;

static GSettings *
fresh_settings (void)
{
  GSettings *settings = g_settings_new (APP_ID);
  const char *keys[] = { "kiosk-server-url", "kiosk-device-token", "kiosk-display-name",
                         "kiosk-admin-pin-hash" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (settings, keys[i]);
  return settings;
}

typedef struct {
  TcKioskWindow *window;
  const char    *page;
  const char    *text;   /* the idle screen's text starts with it, if set */
} ScreenWait;

static gboolean
on_screen (gpointer data)
{
  ScreenWait *w = data;

  return g_strcmp0 (tc_kiosk_window_get_page_name (w->window), w->page) == 0 &&
         (w->text == NULL || g_str_has_prefix (tc_kiosk_window_get_status_text (w->window), w->text));
}

static void
wait_for_screen (TcKioskWindow *window,
                 const char    *page,
                 const char    *text)
{
  ScreenWait w = { window, page, text };

  ck_assert_msg (tc_ui_test_wait_until (on_screen, &w, STEP_TIMEOUT_MS),
                 "expected %s \"%s\", still on %s \"%s\"", page, text ? text : "",
                 tc_kiosk_window_get_page_name (window), tc_kiosk_window_get_status_text (window));
}

static char *
before_percent (const char *format)
{
  const char *percent = strchr (format, '%');

  return g_strndup (format, percent ? (gsize) (percent - format) : strlen (format));
}

/* What "Next consultation at %s" and "… on %s at %s" share, in the test's language. */
static char *
next_prefix (void)
{
  const char *a = _("Next consultation at %s");
  const char *b = _("Next consultation on %s at %s");
  gsize n = 0;

  while (a[n] != '\0' && a[n] == b[n] && a[n] != '%')
    n++;
  return g_strndup (a, n);
}

static gboolean
not_checking (gpointer data)
{
  return g_strcmp0 (tc_kiosk_admin_dialog_get_page_name (data), "checking") != 0;
}

static gboolean
is_awake (gpointer data)
{
  return tc_kiosk_window_get_keeps_awake (data);
}

/* Every button that is shown must be a touch target of 48 px or more. */
static void
assert_touch_targets (GtkWidget *widget,
                      guint     *n_checked)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_BUTTON (widget))
    {
      ck_assert_msg (gtk_widget_get_width (widget) >= 48 && gtk_widget_get_height (widget) >= 48,
                     "%s \"%s\" in %s is %d x %d px", G_OBJECT_TYPE_NAME (widget),
                     gtk_button_get_label (GTK_BUTTON (widget)) ? gtk_button_get_label (GTK_BUTTON (widget)) : "",
                     G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)), gtk_widget_get_width (widget), gtk_widget_get_height (widget));
      (*n_checked)++;
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_touch_targets (child, n_checked);
}

static void
screenshot (GtkWidget  *window,
            const char *name)
{
  g_autofree char *path = tc_ui_test_screenshot (window, name);

  ck_assert (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
set_row (GtkWindow  *admin,
         const char *row,
         const char *text)
{
  GObject *widget = gtk_widget_get_template_child (GTK_WIDGET (admin), TC_TYPE_KIOSK_ADMIN_DIALOG, row);

  ck_assert_ptr_nonnull (widget);
  gtk_editable_set_text (GTK_EDITABLE (widget), text);
}

static void
press (GtkWindow  *admin,
       const char *button)
{
  GObject *widget = gtk_widget_get_template_child (GTK_WIDGET (admin), TC_TYPE_KIOSK_ADMIN_DIALOG, button);

  ck_assert_ptr_nonnull (widget);
  ck_assert (gtk_widget_is_sensitive (GTK_WIDGET (widget)) && gtk_widget_get_mapped (GTK_WIDGET (widget)));
  g_signal_emit_by_name (widget, "clicked");
}

static const char *
settings_message (GtkWindow *admin)
{
  return gtk_label_get_text (GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (admin),
                                                                       TC_TYPE_KIOSK_ADMIN_DIALOG,
                                                                       "settings_message")));
}

static void
set_flag (gboolean *flag)
{
  *flag = TRUE;
}

static void
close_window (TcKioskWindow *window)
{
  tc_kiosk_window_allow_close (window);
  gtk_window_destroy (GTK_WINDOW (window));
}

START_TEST (test_kiosk_setup_screen)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  TcKioskWindow *window = tc_kiosk_window_new (NULL, TC_MEDIA_MODE_TEST, settings);
  GtkWindow *admin;
  gboolean refused = FALSE;
  guint n_checked = 0;
  g_autofree char *hash = NULL;
  g_autofree char *name = NULL;
  g_autofree char *locked = NULL;

  tc_kiosk_window_start (window);
  gtk_window_present (GTK_WINDOW (window));
  /* No PIN and no server: nothing but the setup screen. */
  ck_assert_str_eq (tc_kiosk_window_get_page_name (window), "setup");
  screenshot (GTK_WIDGET (window), "kiosk-setup");
  assert_touch_targets (GTK_WIDGET (window), &n_checked);
  ck_assert_uint_ge (n_checked, 2);

  /* The first setup dialog cannot be dismissed without a PIN. */
  admin = tc_kiosk_window_open_admin (window);
  ck_assert_str_eq (tc_kiosk_admin_dialog_get_page_name (TC_KIOSK_ADMIN_DIALOG (admin)), "settings");
  screenshot (GTK_WIDGET (admin), "kiosk-admin-setup");
  g_signal_emit_by_name (admin, "close-request", &refused);
  ck_assert (refused);

  /* The administrator fills it in as a person would; mistakes are named. */
  set_row (admin, "server_row", "ws://127.0.0.1:9/ws");   /* nothing listens there */
  set_row (admin, "token_row", "a-device-token");
  set_row (admin, "name_row", STATION_NAME);
  set_row (admin, "new_pin_row", "12");
  set_row (admin, "confirm_pin_row", "12");
  press (admin, "save_button");
  ck_assert_str_eq (settings_message (admin), _("The PIN must have 4 to 12 digits."));
  set_row (admin, "new_pin_row", PIN);
  set_row (admin, "confirm_pin_row", "2469");
  press (admin, "save_button");
  ck_assert_str_eq (settings_message (admin), _("The two PINs are different."));
  set_row (admin, "confirm_pin_row", PIN);
  press (admin, "save_button");

  /* Saved (hashed off the main thread): the station starts, and cannot reach its server. */
  wait_for_screen (window, "idle", _("The server cannot be reached, trying again…"));
  ck_assert (!gtk_widget_get_visible (GTK_WIDGET (admin)));
  hash = g_settings_get_string (settings, "kiosk-admin-pin-hash");
  ck_assert (g_str_has_prefix (hash, "$argon2id$"));
  name = g_settings_get_string (settings, "kiosk-display-name");
  ck_assert_str_eq (name, STATION_NAME);
  screenshot (GTK_WIDGET (window), "kiosk-offline");

  /* Three wrong PINs are forgiven, then the keypad locks for a while. */
  admin = tc_kiosk_window_open_admin (window);
  for (guint i = 0; i < 3; i++)
    {
      tc_kiosk_admin_dialog_try_pin (TC_KIOSK_ADMIN_DIALOG (admin), "0000");
      ck_assert (tc_ui_test_wait_until (not_checking, admin, STEP_TIMEOUT_MS));
    }
  ck_assert_uint_eq (tc_kiosk_admin_dialog_get_failures (TC_KIOSK_ADMIN_DIALOG (admin)), 3);
  locked = before_percent (g_dngettext (GETTEXT_PACKAGE, "Too many wrong PINs. Try again in %u second.",
                                       "Too many wrong PINs. Try again in %u seconds.", 30));
  ck_assert_msg (g_str_has_prefix (tc_kiosk_admin_dialog_get_message (TC_KIOSK_ADMIN_DIALOG (admin)), locked),
                 "message: %s", tc_kiosk_admin_dialog_get_message (TC_KIOSK_ADMIN_DIALOG (admin)));
  /* While locked even the right PIN is not checked. */
  tc_kiosk_admin_dialog_try_pin (TC_KIOSK_ADMIN_DIALOG (admin), PIN);
  ck_assert_str_eq (tc_kiosk_admin_dialog_get_page_name (TC_KIOSK_ADMIN_DIALOG (admin)), "pin");
  ck_assert_uint_eq (tc_kiosk_admin_dialog_get_failures (TC_KIOSK_ADMIN_DIALOG (admin)), 3);
  ck_assert_str_eq (gtk_editable_get_text (GTK_EDITABLE (gtk_widget_get_template_child (
                      GTK_WIDGET (admin), TC_TYPE_KIOSK_ADMIN_DIALOG, "pin_entry"))), "");
  ck_assert (!gtk_widget_is_sensitive (GTK_WIDGET (gtk_widget_get_template_child (
               GTK_WIDGET (admin), TC_TYPE_KIOSK_ADMIN_DIALOG, "keypad"))));
  screenshot (GTK_WIDGET (admin), "kiosk-admin-locked");
  gtk_window_close (admin);

  close_window (window);
}
END_TEST

START_TEST (test_kiosk_with_server)
{
  g_autoptr(GError) error = NULL;
  TcTestServer *srv = left_over_server = tc_test_server_new (NULL, &error);
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autofree char *hash = tc_kiosk_admin_hash_pin (PIN);
  g_autoptr(TcTestWs) doctor = NULL;
  g_autoptr(JsonObject) later = NULL;
  g_autoptr(JsonObject) now = NULL;
  g_autoptr(JsonObject) ended = NULL;
  TcKioskWindow *window;
  GtkWindow *admin;
  gboolean refused = FALSE;
  guint n_checked = 0;
  const char *consultation_id;
  const char *participant_id = NULL;
  gint64 deadline;
  gboolean left = FALSE;
  g_autofree char *next = next_prefix ();

  ck_assert_msg (srv != NULL, "server: %s", error ? error->message : "?");
  g_settings_set_string (settings, "kiosk-server-url", srv->url);
  g_settings_set_string (settings, "kiosk-device-token", srv->kiosk_token);
  g_settings_set_string (settings, "kiosk-display-name", STATION_NAME);
  g_settings_set_string (settings, "kiosk-admin-pin-hash", hash);

  window = tc_kiosk_window_new (NULL, TC_MEDIA_MODE_TEST, settings);
  tc_kiosk_window_set_test_options (window, 300, 1000, "127.0.0.1");
  tc_kiosk_window_start (window);
  gtk_window_present (GTK_WINDOW (window));

  /* Nothing scheduled: the calm idle screen. */
  wait_for_screen (window, "idle", _("No consultation scheduled"));
  screenshot (GTK_WIDGET (window), "kiosk-idle");
  assert_touch_targets (GTK_WIDGET (window), &n_checked);
  ck_assert_uint_ge (n_checked, 1);

  /* No way out: the window manager's close, Alt+F4, app.quit all end in close-request. */
  g_signal_emit_by_name (window, "close-request", &refused);
  ck_assert (refused);
  gtk_window_close (GTK_WINDOW (window));
  tc_ui_test_spin (100);
  ck_assert (gtk_widget_get_visible (GTK_WIDGET (window)));

  /* A wrong PIN is refused; the right one opens the settings. */
  admin = tc_kiosk_window_open_admin (window);
  ck_assert_str_eq (tc_kiosk_admin_dialog_get_page_name (TC_KIOSK_ADMIN_DIALOG (admin)), "pin");
  tc_kiosk_admin_dialog_try_pin (TC_KIOSK_ADMIN_DIALOG (admin), "1357");
  ck_assert (tc_ui_test_wait_until (not_checking, admin, STEP_TIMEOUT_MS));
  ck_assert_str_eq (tc_kiosk_admin_dialog_get_page_name (TC_KIOSK_ADMIN_DIALOG (admin)), "pin");
  ck_assert_uint_eq (tc_kiosk_admin_dialog_get_failures (TC_KIOSK_ADMIN_DIALOG (admin)), 1);
  ck_assert_str_eq (tc_kiosk_admin_dialog_get_message (TC_KIOSK_ADMIN_DIALOG (admin)), _("Wrong PIN. Try again."));
  screenshot (GTK_WIDGET (admin), "kiosk-admin-pin");
  n_checked = 0;
  assert_touch_targets (GTK_WIDGET (admin), &n_checked);
  ck_assert_uint_ge (n_checked, 13);   /* ten digits, erase, cancel, unlock */
  tc_kiosk_admin_dialog_try_pin (TC_KIOSK_ADMIN_DIALOG (admin), PIN);
  ck_assert (tc_ui_test_wait_until (not_checking, admin, STEP_TIMEOUT_MS));
  ck_assert_str_eq (tc_kiosk_admin_dialog_get_page_name (TC_KIOSK_ADMIN_DIALOG (admin)), "settings");
  ck_assert_uint_eq (tc_kiosk_admin_dialog_get_failures (TC_KIOSK_ADMIN_DIALOG (admin)), 0);
  screenshot (GTK_WIDGET (admin), "kiosk-admin-settings");
  n_checked = 0;
  assert_touch_targets (GTK_WIDGET (admin), &n_checked);
  ck_assert_uint_ge (n_checked, 3);
  gtk_window_close (admin);
  ck_assert (!gtk_widget_get_visible (GTK_WIDGET (admin)));
  /* Closed, it asks for the PIN again next time. */
  ck_assert_str_eq (tc_kiosk_admin_dialog_get_page_name (TC_KIOSK_ADMIN_DIALOG (admin)), "pin");

  /* A practitioner schedules one for later: the idle screen tells when. */
  doctor = tc_test_server_sign_in (srv, NULL);
  ck_assert_msg (doctor != NULL, "the practitioner could not sign in");
  tc_test_ws_sendf (doctor, "{\"type\":\"create-consultation\",\"rid\":\"c1\",\"kiosk\":\"%s\",\"scheduled_at\":%"
                    G_GINT64_FORMAT "}", srv->kiosk_station, g_get_real_time () / 1000 + 2 * 3600 * 1000);
  later = tc_test_ws_expect (doctor, "consultation", 5000);
  ck_assert_ptr_nonnull (later);
  wait_for_screen (window, "idle", next);
  screenshot (GTK_WIDGET (window), "kiosk-idle-next");

  /* And one for now: the kiosk enters the waiting room by itself. */
  tc_test_ws_sendf (doctor, "{\"type\":\"create-consultation\",\"rid\":\"c2\",\"kiosk\":\"%s\"}", srv->kiosk_station);
  now = tc_test_ws_expect (doctor, "consultation", 5000);
  ck_assert_ptr_nonnull (now);
  consultation_id = json_object_get_string_member (now, "consultation_id");
  ck_assert_ptr_nonnull (consultation_id);
  wait_for_screen (window, "waiting", NULL);
  ck_assert (!tc_kiosk_window_get_keeps_awake (window));
  screenshot (GTK_WIDGET (window), "kiosk-waiting");

  /* Admitted: the call page (the desktop app's), and the screen stays awake. */
  deadline = g_get_monotonic_time () + STEP_TIMEOUT_MS * 1000;
  while (participant_id == NULL && g_get_monotonic_time () < deadline)
    {
      g_autoptr(JsonObject) room = tc_test_ws_expect (doctor, "waiting-room", 1000);
      JsonArray *entries = room ? json_object_get_array_member (room, "entries") : NULL;

      for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
        {
          JsonObject *e = json_array_get_object_element (entries, i);

          if (g_strcmp0 (json_object_get_string_member (e, "role"), "kiosk") == 0)
            participant_id = g_strdup (json_object_get_string_member (e, "participant_id"));
        }
    }
  ck_assert_msg (participant_id != NULL, "the kiosk never appeared in the waiting room");
  tc_test_ws_sendf (doctor, "{\"type\":\"admit\",\"consultation_id\":\"%s\",\"participant_id\":\"%s\"}",
                    consultation_id, participant_id);
  wait_for_screen (window, "call", NULL);
  ck_assert (tc_ui_test_wait_until (is_awake, window, STEP_TIMEOUT_MS));
  /* The medical devices panel of the desktop app, in the call page's devices area. */
  {
    GObject *call_page = gtk_widget_get_template_child (GTK_WIDGET (window), TC_TYPE_KIOSK_WINDOW, "call_page");
    GtkWidget *area = GTK_WIDGET (tc_call_page_get_devices_area (TC_CALL_PAGE (call_page)));

    ck_assert (TC_IS_DEVICES_PANEL (gtk_widget_get_last_child (area)));
    screenshot (GTK_WIDGET (window), "kiosk-call");
    g_object_set (call_page, "devices-visible", TRUE, NULL);
    screenshot (GTK_WIDGET (window), "kiosk-call-devices");
    n_checked = 0;
    assert_touch_targets (GTK_WIDGET (window), &n_checked);
    ck_assert_uint_ge (n_checked, 5);
    g_object_set (call_page, "devices-visible", FALSE, NULL);

    /* A station: the exam camera and stethoscope controls, switched on they show the
     * preview and the indicator (touch targets too). */
    {
      gboolean clinical = FALSE;

      g_object_get (call_page, "clinical-station", &clinical, NULL);
      ck_assert (clinical);
      g_object_set (call_page, "exam-camera-active", TRUE, "stethoscope-active", TRUE, NULL);
      ck_assert (tc_call_page_get_stethoscope_indicator_shown (TC_CALL_PAGE (call_page)));
      tc_ui_test_spin (500);
      screenshot (GTK_WIDGET (window), "kiosk-call-exam");
      n_checked = 0;
      assert_touch_targets (GTK_WIDGET (window), &n_checked);
      ck_assert_uint_ge (n_checked, 7);
      g_object_set (call_page, "exam-camera-active", FALSE, "stethoscope-active", FALSE, NULL);
    }
  }

  /* The practitioner ends: back to the idle screen by itself, the screen may sleep. */
  tc_test_ws_sendf (doctor, "{\"type\":\"end\",\"consultation_id\":\"%s\"}", consultation_id);
  ended = tc_test_ws_expect (doctor, "consultation-ended", 5000);
  ck_assert_ptr_nonnull (ended);
  wait_for_screen (window, "idle", NULL);
  ck_assert (!tc_kiosk_window_get_keeps_awake (window));
  wait_for_screen (window, "idle", next);

  /* With the PIN, "Leave Kiosk Mode" stops the station and tells the application. */
  g_signal_connect_swapped (window, "leave-kiosk", G_CALLBACK (set_flag), &left);
  admin = tc_kiosk_window_open_admin (window);
  tc_kiosk_admin_dialog_try_pin (TC_KIOSK_ADMIN_DIALOG (admin), PIN);
  ck_assert (tc_ui_test_wait_until (not_checking, admin, STEP_TIMEOUT_MS));
  ck_assert_str_eq (tc_kiosk_admin_dialog_get_page_name (TC_KIOSK_ADMIN_DIALOG (admin)), "settings");
  press (admin, "leave_button");
  ck_assert (left);
  ck_assert_ptr_null (tc_kiosk_window_get_kiosk (window));
  ck_assert (!gtk_widget_get_visible (GTK_WIDGET (admin)));

  g_free ((char *) participant_id);
  close_window (window);
  g_clear_pointer (&left_over_server, tc_test_server_free);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("kiosk-ui");
  TCase *tc = tcase_create ("kiosk");
  SRunner *sr;
  int failed;

  gst_init (NULL, NULL);
  tc_ui_test_init ();
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_kiosk_setup_screen);
  tcase_add_test (tc, test_kiosk_with_server);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_set_fork_status (sr, CK_NOFORK);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  g_clear_pointer (&left_over_server, tc_test_server_free);
  return failed == 0 ? 0 : 1;
}
