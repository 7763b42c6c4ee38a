/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every page builds, reacts as a person expects, and is photographed in the
 * current language (tests/app/screenshots/<lang>/<page>.png in the build folder).
 * Runs under Xvfb (xvfb-wrapper.sh). */
#include "config.h"

#include <check.h>
#include <glib/gi18n-lib.h>
#include <gst/gst.h>

#include "tc-ui-test-util.h"
#include "tc-call-page.h"
#include "tc-error-page.h"
#include "tc-home-page.h"
#include "tc-join-page.h"
#include "tc-patient-waiting-page.h"
#include "tc-precall-page.h"
#include "tc-sign-in-page.h"
#include "tc-summary-page.h"
#include "tc-video-paintable.h"
#include "tc-waiting-row.h"

/* A waiting-room item with the properties TcWaitingEntry has. */
#define TEST_TYPE_ENTRY (test_entry_get_type ())
G_DECLARE_FINAL_TYPE (TestEntry, test_entry, TEST, ENTRY, GObject)
struct _TestEntry { GObject parent; char *id; char *name; gint64 since; };
G_DEFINE_FINAL_TYPE (TestEntry, test_entry, G_TYPE_OBJECT)
enum { P_0, P_ID, P_NAME, P_SINCE };

static void
test_entry_get_property (GObject *o, guint id, GValue *v, GParamSpec *p)
{
  TestEntry *self = TEST_ENTRY (o);
  if (id == P_ID) g_value_set_string (v, self->id);
  else if (id == P_NAME) g_value_set_string (v, self->name);
  else g_value_set_int64 (v, self->since);
}

static void
test_entry_finalize (GObject *o)
{
  TestEntry *self = TEST_ENTRY (o);
  g_free (self->id);
  g_free (self->name);
  G_OBJECT_CLASS (test_entry_parent_class)->finalize (o);
}

static void
test_entry_class_init (TestEntryClass *k)
{
  GObjectClass *oc = G_OBJECT_CLASS (k);
  oc->get_property = test_entry_get_property;
  oc->finalize = test_entry_finalize;
  g_object_class_install_property (oc, P_ID, g_param_spec_string ("participant-id", NULL, NULL, NULL, G_PARAM_READABLE));
  g_object_class_install_property (oc, P_NAME, g_param_spec_string ("display-name", NULL, NULL, NULL, G_PARAM_READABLE));
  g_object_class_install_property (oc, P_SINCE, g_param_spec_int64 ("waiting-since", NULL, NULL, 0, G_MAXINT64, 0, G_PARAM_READABLE));
}

static void test_entry_init (TestEntry *self) { }

static TestEntry *
test_entry_new (const char *id, const char *name, gint64 seconds_ago)
{
  TestEntry *e = g_object_new (TEST_TYPE_ENTRY, NULL);
  e->id = g_strdup (id);
  e->name = g_strdup (name);
  e->since = g_get_real_time () / 1000 - seconds_ago * 1000;
  return e;
}

static void
on_signal_count (gpointer instance, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
on_string_signal (gpointer instance, const char *value, gpointer user_data)
{
  g_free (*(char **) user_data);
  *(char **) user_data = g_strdup (value);
}

static void
setup (void)
{
  tc_ui_test_init ();
}

static void
screenshot (GtkWindow *window, const char *name)
{
  g_autofree char *path = tc_ui_test_screenshot (GTK_WIDGET (window), name);

  ck_assert (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

START_TEST (test_join_page)
{
  GtkWidget *page = tc_join_page_new ();
  TcJoinPage *join = TC_JOIN_PAGE (page);
  GtkWindow *window = tc_ui_test_window_new (page, "Teleconsult");
  guint joins = 0;

  g_signal_connect (page, "join", G_CALLBACK (on_signal_count), &joins);
  ck_assert (!tc_join_page_get_can_join (join));

  tc_join_page_set_invitation (join, "teleconsult://join?server=ws%3A%2F%2F192.168.1.20%3A8443%2Fws&token=abc");
  ck_assert (!tc_join_page_get_can_join (join));
  tc_join_page_set_display_name (join, "   ");
  ck_assert_msg (!tc_join_page_get_can_join (join), "a blank name is not a name");
  tc_join_page_set_display_name (join, "Marie Dupont");
  ck_assert_msg (!tc_join_page_get_can_join (join), "consent is required");
  tc_join_page_set_consented (join, TRUE);
  ck_assert (tc_join_page_get_can_join (join));

  tc_join_page_set_busy (join, TRUE);
  ck_assert (tc_join_page_get_busy (join));
  tc_join_page_set_busy (join, FALSE);

  g_signal_emit_by_name (page, "join");
  ck_assert_uint_eq (joins, 1);

  screenshot (window, "join");
}
END_TEST

START_TEST (test_sign_in_page)
{
  GtkWidget *page = tc_sign_in_page_new ();
  TcSignInPage *sign_in = TC_SIGN_IN_PAGE (page);
  GtkWindow *window = tc_ui_test_window_new (page, "Teleconsult");

  ck_assert_msg (tc_sign_in_page_get_use_lan (sign_in), "LAN is the default");
  ck_assert (!tc_sign_in_page_get_can_sign_in (sign_in));
  tc_sign_in_page_set_display_name (sign_in, "Dr Martin");
  ck_assert (tc_sign_in_page_get_can_sign_in (sign_in));
  screenshot (window, "sign-in-lan");

  tc_sign_in_page_set_use_lan (sign_in, FALSE);
  ck_assert (!tc_sign_in_page_get_can_sign_in (sign_in));
  tc_sign_in_page_set_server_url (sign_in, "https://teleconsult.example.org");
  tc_sign_in_page_set_username (sign_in, "dr.martin");
  ck_assert_msg (!tc_sign_in_page_get_can_sign_in (sign_in), "a password is required");
  screenshot (window, "sign-in-server");
}
END_TEST

START_TEST (test_home_page)
{
  GtkWidget *page = tc_home_page_new ();
  TcHomePage *home = TC_HOME_PAGE (page);
  GtkWindow *window = tc_ui_test_window_new (page, "Teleconsult");
  g_autoptr(GListStore) store = g_list_store_new (TEST_TYPE_ENTRY);
  g_autoptr(TestEntry) e1 = test_entry_new ("p-1", "Marie Dupont", 125);
  g_autoptr(TestEntry) e2 = test_entry_new ("p-2", "Jean Moreau", 20);
  g_autofree char *admitted = NULL;
  g_autofree char *declined = NULL;
  g_autofree char *expected = NULL;
  GtkWidget *row;

  g_signal_connect (page, "admit", G_CALLBACK (on_string_signal), &admitted);
  g_signal_connect (page, "decline", G_CALLBACK (on_string_signal), &declined);

  tc_home_page_set_waiting_room (home, G_LIST_MODEL (store));
  ck_assert_ptr_null (tc_home_page_get_waiting_row (home, 0));
  screenshot (window, "home-empty");

  tc_home_page_set_invitation (home, "teleconsult://join?server=ws%3A%2F%2F192.168.1.20%3A8443%2Fws&token=Q2xhdWRlIE1vbmV0IHBhaW50ZWQgd2F0ZXIgbGlsaWVz",
                               "482 913");
  g_list_store_append (store, e1);
  g_list_store_append (store, e2);
  row = tc_home_page_get_waiting_row (home, 0);
  ck_assert_ptr_nonnull (row);
  ck_assert_ptr_nonnull (tc_home_page_get_waiting_row (home, 1));
  ck_assert_str_eq (tc_waiting_row_get_participant_id (TC_WAITING_ROW (row)), "p-1");
  {
    /* 125 s is "2 minutes", in the current language. */
    g_autofree char *minutes = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", 2), 2);
    expected = g_strdup_printf (_("Waiting for %s"), minutes);
    ck_assert_str_eq (tc_waiting_row_get_waiting_text (TC_WAITING_ROW (row)), expected);
  }

  g_signal_emit_by_name (row, "admit");
  ck_assert_str_eq (admitted, "p-1");
  g_signal_emit_by_name (tc_home_page_get_waiting_row (home, 1), "decline");
  ck_assert_str_eq (declined, "p-2");

  screenshot (window, "home");
}
END_TEST

/* A real pipeline (videotestsrc → paintable sink) so pages show real frames. */
static GstElement *
start_test_video (TcVideoPaintable *paintable, int pattern, int width, int height)
{
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *src = gst_element_factory_make ("videotestsrc", NULL);
  GstElement *filter = gst_element_factory_make ("capsfilter", NULL);
  GstElement *sink = tc_video_paintable_create_sink (paintable);
  g_autoptr(GstCaps) caps = gst_caps_new_simple ("video/x-raw", "width", G_TYPE_INT, width,
                                                 "height", G_TYPE_INT, height,
                                                 "framerate", GST_TYPE_FRACTION, 15, 1, NULL);

  /* A blue-grey room behind the ball pattern, so the picture reads as video. */
  g_object_set (src, "pattern", pattern, "is-live", TRUE, "background-color", 0xff35556eu, NULL);
  g_object_set (filter, "caps", caps, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, filter, sink, NULL);
  ck_assert (gst_element_link_many (src, filter, sink, NULL));
  ck_assert_int_ne (gst_element_set_state (pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  return pipeline;
}

static void
stop_test_video (GstElement *pipeline)
{
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
}

static gboolean
has_frames (gpointer data)
{
  return tc_video_paintable_get_frame_count (data) >= 3;
}

START_TEST (test_precall_page)
{
  GtkWidget *page = tc_precall_page_new ();
  TcPrecallPage *precall = TC_PRECALL_PAGE (page);
  GtkWindow *window = tc_ui_test_window_new (page, "Teleconsult");
  g_autoptr(TcVideoPaintable) camera = tc_video_paintable_new ();
  GstElement *pipeline = start_test_video (camera, 0 /* smpte */, 640, 360);
  guint sounds = 0;

  g_signal_connect (page, "play-test-sound", G_CALLBACK (on_signal_count), &sounds);
  tc_precall_page_set_camera_paintable (precall, GDK_PAINTABLE (camera));
  ck_assert (tc_ui_test_wait_until (has_frames, camera, 10000));

  ck_assert_int_eq (tc_precall_page_get_check (precall, TC_PRECALL_CHECK_CAMERA), TC_CHECK_STATUS_RUNNING);
  tc_precall_page_set_microphone_level (precall, 1.7);
  ck_assert (tc_precall_page_get_microphone_level (precall) == 1.0);
  tc_precall_page_set_microphone_level (precall, 0.55);
  tc_precall_page_set_check (precall, TC_PRECALL_CHECK_CAMERA, TC_CHECK_STATUS_PASSED, _("Your camera works. Check that your face is in the picture and well lit."));
  tc_precall_page_set_check (precall, TC_PRECALL_CHECK_MICROPHONE, TC_CHECK_STATUS_PASSED, _("Your microphone works: the bar moves when you speak."));
  tc_precall_page_set_check (precall, TC_PRECALL_CHECK_NETWORK, TC_CHECK_STATUS_PASSED, _("Your computer is connected to a network."));
  tc_precall_page_set_check (precall, TC_PRECALL_CHECK_SERVER, TC_CHECK_STATUS_FAILED,
                             _("The consultation cannot be reached. Check that you are connected to the internet or to the same network as your doctor, then try again."));
  ck_assert_int_eq (tc_precall_page_get_check (precall, TC_PRECALL_CHECK_SERVER), TC_CHECK_STATUS_FAILED);
  g_signal_emit_by_name (page, "play-test-sound");
  ck_assert_uint_eq (sounds, 1);

  screenshot (window, "precall");
  stop_test_video (pipeline);
}
END_TEST

START_TEST (test_patient_waiting_page)
{
  GtkWidget *page = tc_patient_waiting_page_new ();
  GtkWindow *window = tc_ui_test_window_new (page, "Teleconsult");

  tc_patient_waiting_page_start (TC_PATIENT_WAITING_PAGE (page), g_get_monotonic_time () - 150 * G_USEC_PER_SEC);
  screenshot (window, "patient-waiting");
}
END_TEST

static GtkWidget *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (w))
        return GTK_WIDGET (w);
    }
  return NULL;
}

START_TEST (test_call_page)
{
  GtkWidget *page = tc_call_page_new ();
  TcCallPage *call = TC_CALL_PAGE (page);
  GtkWindow *window = tc_ui_test_window_new (page, "Teleconsult");
  g_autoptr(TcVideoPaintable) remote = tc_video_paintable_new ();
  g_autoptr(TcVideoPaintable) local = tc_video_paintable_new ();
  GstElement *remote_pipeline = start_test_video (remote, 18 /* ball */, 1280, 720);
  GstElement *local_pipeline = start_test_video (local, 0 /* smpte */, 320, 180);
  g_autofree char *sent = NULL;
  gint64 ts = g_get_real_time () / 1000;
  guint hang_ups = 0;
  GtkWidget *dialog;

  g_signal_connect (page, "send-chat", G_CALLBACK (on_string_signal), &sent);
  tc_call_page_set_remote_paintable (call, GDK_PAINTABLE (remote));
  tc_call_page_set_local_paintable (call, GDK_PAINTABLE (local));
  tc_call_page_set_peer_name (call, "Dr Martin");
  tc_call_page_set_verification_code (call, "4821 7730");
  tc_call_page_set_quality (call, TC_CALL_QUALITY_GOOD, "RTT 42 ms · loss 0.1 % · direct");
  tc_call_page_set_started_at (call, g_get_monotonic_time () - 125 * G_USEC_PER_SEC);
  ck_assert_str_eq (tc_call_page_get_timer_text (call), "2:05");
  ck_assert (tc_ui_test_wait_until (has_frames, remote, 10000));
  ck_assert (tc_ui_test_wait_until (has_frames, local, 10000));

  /* Mute through the property, as the Ctrl+D action does. */
  ck_assert (!tc_call_page_get_microphone_muted (call));
  g_object_set (page, "microphone-muted", TRUE, NULL);
  ck_assert (tc_call_page_get_microphone_muted (call));
  g_object_set (page, "microphone-muted", FALSE, NULL);

  tc_call_page_add_chat_message (call, "Dr Martin", "Bonjour, je vous entends bien.", ts - 60000, FALSE);
  ck_assert_uint_eq (tc_call_page_get_unread_count (call), 1);
  screenshot (window, "call");

  g_object_set (page, "chat-visible", TRUE, NULL);
  ck_assert_uint_eq (tc_call_page_get_unread_count (call), 0);
  tc_call_page_add_chat_message (call, "Marie Dupont", "Moi aussi, merci docteur.", ts, TRUE);
  g_signal_emit_by_name (page, "send-chat", "hello");
  ck_assert_str_eq (sent, "hello");
  screenshot (window, "call-chat");

  g_object_set (page, "chat-visible", FALSE, "devices-visible", TRUE, "camera-off", TRUE, NULL);
  screenshot (window, "call-devices");

  g_object_set (page, "devices-visible", FALSE, "camera-off", FALSE, "reconnecting", TRUE, NULL);
  tc_call_page_set_quality (call, TC_CALL_QUALITY_POOR, "RTT 900 ms · loss 12 % · relay");
  ck_assert (tc_call_page_get_reconnecting (call));
  screenshot (window, "call-reconnecting");

  /* End Call asks first: "Keep Talking" does nothing, "End Call" hangs up. */
  g_signal_connect (page, "hang-up", G_CALLBACK (on_signal_count), &hang_ups);
  tc_call_page_request_hang_up (call);
  dialog = find_message_dialog ();
  ck_assert_ptr_nonnull (dialog);
  screenshot (GTK_WINDOW (dialog), "call-hang-up-confirm");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  ck_assert_uint_eq (hang_ups, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));
  tc_call_page_request_hang_up (call);
  dialog = find_message_dialog ();
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "end");
  ck_assert_uint_eq (hang_ups, 1);
  gtk_window_destroy (GTK_WINDOW (dialog));
  stop_test_video (remote_pipeline);
  stop_test_video (local_pipeline);
}
END_TEST

static gboolean
remote_exam_shown (gpointer data)
{
  return tc_call_page_get_remote_exam_shown (TC_CALL_PAGE (data));
}

/* Clinical media on both sides: the station's exam camera preview, stethoscope and their
 * indicator; the practitioner's view of the exam camera, the picture and the indicator. */
START_TEST (test_call_page_clinical)
{
  GtkWidget *station_page = tc_call_page_new ();
  GtkWidget *doctor_page = tc_call_page_new ();
  GtkWindow *station = tc_ui_test_window_new (station_page, "Teleconsult");
  GtkWindow *doctor;
  g_autoptr(TcVideoPaintable) remote = tc_video_paintable_new ();
  g_autoptr(TcVideoPaintable) local = tc_video_paintable_new ();
  g_autoptr(TcVideoPaintable) exam = tc_video_paintable_new ();
  g_autoptr(TcVideoPaintable) remote_exam = tc_video_paintable_new ();
  g_autoptr(TcVideoPaintable) unused = tc_video_paintable_new ();
  GstElement *remote_pipeline = start_test_video (remote, 18 /* ball */, 1280, 720);
  GstElement *local_pipeline = start_test_video (local, 0 /* smpte */, 320, 180);
  GstElement *exam_pipeline = start_test_video (exam, 13 /* pinwheel */, 640, 480);
  GstElement *remote_exam_pipeline;
  g_autoptr(GBytes) pixels = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  guchar data[64 * 48 * 4];
  guint stills = 0;

  /* Station: the controls show only with clinical tracks. */
  tc_call_page_set_remote_paintable (TC_CALL_PAGE (station_page), GDK_PAINTABLE (remote));
  tc_call_page_set_local_paintable (TC_CALL_PAGE (station_page), GDK_PAINTABLE (local));
  tc_call_page_set_exam_paintables (TC_CALL_PAGE (station_page), exam, unused);
  tc_call_page_set_peer_name (TC_CALL_PAGE (station_page), "Dr Martin");
  tc_call_page_set_started_at (TC_CALL_PAGE (station_page), g_get_monotonic_time () - 65 * G_USEC_PER_SEC);
  ck_assert (!tc_call_page_get_stethoscope_indicator_shown (TC_CALL_PAGE (station_page)));
  g_object_set (station_page, "clinical-station", TRUE, "exam-camera-active", TRUE, "stethoscope-active", TRUE,
                NULL);
  ck_assert (tc_call_page_get_stethoscope_indicator_shown (TC_CALL_PAGE (station_page)));
  ck_assert (tc_ui_test_wait_until (has_frames, exam, 10000));
  ck_assert (tc_ui_test_wait_until (has_frames, remote, 10000));
  screenshot (station, "call-clinical-station");
  g_object_set (station_page, "stethoscope-active", FALSE, NULL);
  ck_assert (!tc_call_page_get_stethoscope_indicator_shown (TC_CALL_PAGE (station_page)));
  stop_test_video (exam_pipeline);
  gtk_window_destroy (station);

  /* Practitioner: the exam camera shows beside the face while it sends. */
  doctor = tc_ui_test_window_new (doctor_page, "Teleconsult");
  tc_call_page_set_remote_paintable (TC_CALL_PAGE (doctor_page), GDK_PAINTABLE (remote));
  tc_call_page_set_local_paintable (TC_CALL_PAGE (doctor_page), GDK_PAINTABLE (local));
  tc_call_page_set_exam_paintables (TC_CALL_PAGE (doctor_page), unused, remote_exam);
  tc_call_page_set_peer_name (TC_CALL_PAGE (doctor_page), "Marie Dupont");
  tc_call_page_set_started_at (TC_CALL_PAGE (doctor_page), g_get_monotonic_time () - 65 * G_USEC_PER_SEC);
  ck_assert (!tc_call_page_get_remote_exam_shown (TC_CALL_PAGE (doctor_page)));
  remote_exam_pipeline = start_test_video (remote_exam, 13 /* pinwheel */, 640, 480);
  ck_assert (tc_ui_test_wait_until (remote_exam_shown, doctor_page, 10000));
  g_signal_connect (doctor_page, "take-still", G_CALLBACK (on_signal_count), &stills);
  g_signal_emit_by_name (doctor_page, "take-still");
  ck_assert_uint_eq (stills, 1);
  for (gsize i = 0; i < sizeof data; i += 4)
    {
      data[i] = (guchar) (i % 256);
      data[i + 1] = 120;
      data[i + 2] = 60;
      data[i + 3] = 255;
    }
  pixels = g_bytes_new (data, sizeof data);
  texture = gdk_memory_texture_new (64, 48, GDK_MEMORY_R8G8B8A8, pixels, 64 * 4);
  g_object_set (doctor_page, "still-consent", TRUE, NULL);
  tc_call_page_show_still (TC_CALL_PAGE (doctor_page), texture, TRUE);
  ck_assert (tc_call_page_get_still_shown (TC_CALL_PAGE (doctor_page)));
  g_object_set (doctor_page, "remote-stethoscope-active", TRUE, NULL);
  ck_assert (tc_call_page_get_stethoscope_indicator_shown (TC_CALL_PAGE (doctor_page)));
  screenshot (doctor, "call-clinical-practitioner");

  stop_test_video (remote_exam_pipeline);
  stop_test_video (remote_pipeline);
  stop_test_video (local_pipeline);
  gtk_window_destroy (doctor);
}
END_TEST

START_TEST (test_summary_and_error_pages)
{
  GtkWidget *page = tc_summary_page_new ();
  GtkWidget *error_page = tc_error_page_new ();
  GtkWindow *window = tc_ui_test_window_new (page, "Teleconsult");
  GtkWindow *error_window;
  guint actions = 0;

  tc_summary_page_set_call (TC_SUMMARY_PAGE (page), "Dr Martin", 12 * 60 + 5);
  ck_assert_ptr_nonnull (strstr (tc_summary_page_get_text (TC_SUMMARY_PAGE (page)), "Dr Martin"));
  screenshot (window, "summary");

  error_window = tc_ui_test_window_new (error_page, "Teleconsult");
  g_signal_connect (error_page, "action", G_CALLBACK (on_signal_count), &actions);
  tc_error_page_set_error (TC_ERROR_PAGE (error_page), _("The Consultation Cannot Be Reached"),
                           _("Check that your computer is connected to the internet, or to the same network as your doctor, then try again. If it still does not work, call your doctor's office."),
                           _("_Try Again"));
  g_signal_emit_by_name (error_page, "action");
  ck_assert_uint_eq (actions, 1);
  screenshot (error_window, "error");
}
END_TEST

/* The shortcuts window (Ctrl+?) parses and lists the call shortcuts. */
START_TEST (test_shortcuts_window)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/teleconsult/Teleconsult/gtk/help-overlay.ui");
  GtkWidget *overlay = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));

  ck_assert_ptr_nonnull (overlay);
  ck_assert (GTK_IS_SHORTCUTS_WINDOW (overlay));
  gtk_window_set_default_size (GTK_WINDOW (overlay), 900, 600);
  gtk_window_present (GTK_WINDOW (overlay));
  screenshot (GTK_WINDOW (overlay), "shortcuts");
  gtk_window_destroy (GTK_WINDOW (overlay));
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("ui-pages");
  TCase *tc = tcase_create ("pages");
  SRunner *sr;
  int failed;

  gst_init (NULL, NULL);
  tcase_add_checked_fixture (tc, setup, NULL);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_join_page);
  tcase_add_test (tc, test_sign_in_page);
  tcase_add_test (tc, test_home_page);
  tcase_add_test (tc, test_precall_page);
  tcase_add_test (tc, test_patient_waiting_page);
  tcase_add_test (tc, test_call_page);
  tcase_add_test (tc, test_call_page_clinical);
  tcase_add_test (tc, test_summary_and_error_pages);
  tcase_add_test (tc, test_shortcuts_window);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  /* GTK holds an X connection: one process, no fork per test. */
  srunner_set_fork_status (sr, CK_NOFORK);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
