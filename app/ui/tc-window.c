/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-window"

#include "config.h"

#include "tc-video-sinks.h"
#include "tc-window.h"

#include <glib/gi18n-lib.h>

#include "tc-call-page.h"
#include "tc-device-check.h"
#include "tc-devices-panel.h"
#include "tc-error-page.h"
#include "tc-error-text.h"
#include "tc-home-page.h"
#include "tc-invitation.h"
#include "tc-join-page.h"
#include "tc-patient-waiting-page.h"
#include "tc-precall-page.h"
#include "tc-sign-in-page.h"
#include "tc-summary-page.h"
#include "tc-vitals-panel.h"

/* Seconds the demo patient spends on the pre-call check before joining. */
#define DEMO_PRECALL_S 3

struct _TcWindow {
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkWidget            *back_button;
  GtkStack             *stack;
  TcJoinPage           *join_page;
  TcPrecallPage        *precall_page;
  TcPatientWaitingPage *patient_waiting_page;
  TcSignInPage         *sign_in_page;
  TcHomePage           *home_page;
  TcCallPage           *call_page;
  TcSummaryPage        *summary_page;
  TcErrorPage          *error_page;

  GSettings            *settings;        /* NULL when the schema is not installed */
  TcMediaFactory       *factory;
  TcConsultation       *consultation;
  TcVideoPaintable     *remote;
  TcVideoPaintable     *local;
  TcVideoPaintable     *exam_preview;    /* my exam camera (station) */
  TcVideoPaintable     *remote_exam;     /* the peer's exam camera (practitioner) */
  TcDeviceCheck        *device_check;
  GCancellable         *cancellable;

  TcCallSession        *bound_session;
  GBinding             *mute_binding;
  GBinding             *camera_binding;
  GBinding             *exam_binding;
  gulong                stats_handler;

  GtkWidget            *devices_panel;   /* TcDevicesPanel (patient, kiosk) or TcVitalsPanel */

  TcErrorAction         error_action;
  gboolean              practitioner;
  gboolean              demo;
  gboolean              clinical;        /* the patient sends clinical tracks (--clinical) */
  char                 *invitation_file;
  guint                 demo_timeout;
};

G_DEFINE_FINAL_TYPE (TcWindow, tc_window, ADW_TYPE_APPLICATION_WINDOW)

static void set_consultation (TcWindow *self, TcConsultation *consultation);

/* ---- small helpers ----------------------------------------------------- */

static void
toast (TcWindow   *self,
       const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
show_page (TcWindow   *self,
           const char *name)
{
  gboolean in_call = g_strcmp0 (name, "call") == 0;
  GActionMap *map = G_ACTION_MAP (self);
  const char *call_actions[] = { "toggle-mute", "toggle-camera", "toggle-chat", "toggle-devices",
                                 "hang-up" };

  if (g_strcmp0 (name, "precall") != 0 && self->device_check != NULL)
    tc_device_check_stop (self->device_check);

  g_debug ("page %s", name);
  gtk_stack_set_visible_child_name (self->stack, name);
  /* Back only where going back is safe and means something. */
  gtk_widget_set_visible (self->back_button,
                          g_strcmp0 (name, "precall") == 0 ||
                          (g_strcmp0 (name, "sign-in") == 0 && !self->practitioner) ||
                          (g_strcmp0 (name, "join") == 0 && self->practitioner));
  for (guint i = 0; i < G_N_ELEMENTS (call_actions); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, call_actions[i])),
                                 in_call);
}

static void
show_error (TcWindow     *self,
            const GError *error)
{
  TcErrorText text;
  g_autofree char *what_to_do = NULL;

  tc_error_text_describe (error, &text);
  if (text.show_message && error->message != NULL)
    what_to_do = g_strdup_printf ("%s\n\n%s", error->message, text.what_to_do);
  tc_error_page_set_error (self->error_page, text.title, what_to_do ? what_to_do : text.what_to_do,
                           text.action_label);
  self->error_action = text.action;
  tc_join_page_set_busy (self->join_page, FALSE);
  tc_sign_in_page_set_busy (self->sign_in_page, FALSE);
  tc_home_page_set_busy (self->home_page, FALSE);
  show_page (self, "error");
}

/* A consultation that finished (ended or failed) cannot be reused: start afresh. */
static void
reset_consultation (TcWindow *self)
{
  g_autoptr(TcConsultation) fresh = tc_consultation_new (self->factory);

  set_consultation (self, fresh);
}

/* ---- call session ------------------------------------------------------ */

static void
on_stats (TcCallSession     *session,
          const TcCallStats *stats,
          TcWindow          *self)
{
  TcCandidateType pair = tc_call_stats_get_pair_type (stats);
  const char *path = pair == TC_CANDIDATE_TYPE_RELAY ? _("through a relay server")
                   : pair == TC_CANDIDATE_TYPE_UNKNOWN ? "" : _("direct");
  g_autofree char *rtt = stats->rtt_ms >= 0
                         /* Translators: network round-trip time */
                         ? g_strdup_printf (_("Round trip %.0f ms"), stats->rtt_ms)
                         : g_strdup (_("Round trip unknown"));
  g_autofree char *loss = stats->loss_in >= 0
                          /* Translators: packet loss, e.g. "Loss 0.5 %" */
                          ? g_strdup_printf (_("Loss %.1f %%"), stats->loss_in * 100.0)
                          : g_strdup (_("Loss unknown"));
  g_autofree char *details = g_strdup_printf ("%s · %s%s%s", rtt, loss, *path ? " · " : "", path);

  g_debug ("stats: %.1f fps in, %u kbit/s in, %u kbit/s out, %ux%u", stats->fps_in, stats->bitrate_in_kbps,
           stats->bitrate_out_kbps, stats->width_in, stats->height_in);
  tc_call_page_set_quality (self->call_page, (TcCallQuality) MIN (stats->quality, TC_QUALITY_POOR),
                            details);
}

static void
on_session_error (TcCallSession *session,
                  const GError  *error,
                  TcWindow      *self)
{
  TcErrorText text;

  /* The consultation decides whether the call goes on; say what happened. */
  tc_error_text_describe (error, &text);
  toast (self, text.title);
}

static void
unbind_session (TcWindow *self)
{
  g_clear_pointer (&self->mute_binding, g_binding_unbind);
  g_clear_pointer (&self->camera_binding, g_binding_unbind);
  g_clear_pointer (&self->exam_binding, g_binding_unbind);
  if (self->bound_session != NULL)
    {
      g_clear_signal_handler (&self->stats_handler, self->bound_session);
      g_signal_handlers_disconnect_by_data (self->bound_session, self);
    }
  g_clear_object (&self->bound_session);
}

static void
on_call_session_changed (TcWindow *self)
{
  TcCallSession *session = tc_consultation_get_call_session (self->consultation);

  if (session == self->bound_session)
    return;
  unbind_session (self);
  if (session == NULL)
    return;

  self->bound_session = g_object_ref (session);
  /* The page keeps what the person chose across a rebuilt session. */
  self->mute_binding = g_object_bind_property (self->call_page, "microphone-muted",
                                               session, "microphone-muted",
                                               G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  self->camera_binding = g_object_bind_property (self->call_page, "camera-off",
                                                 session, "camera-enabled",
                                                 G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL |
                                                 G_BINDING_INVERT_BOOLEAN);
  if (tc_call_session_get_clinical_tracks (session))
    self->exam_binding = g_object_bind_property (self->call_page, "exam-camera-active",
                                                 session, "exam-camera-active",
                                                 G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  self->stats_handler = g_signal_connect_object (session, "stats", G_CALLBACK (on_stats), self, 0);
  g_signal_connect_object (session, "error", G_CALLBACK (on_session_error), self, 0);
}

static GstElement *
create_video_sink (TcVideoSinkRole role,
                   gpointer        data)
{
  TcWindow *self = data;

  return tc_video_sinks_for_role (role, self->remote, self->local, self->exam_preview, self->remote_exam);
}

/* ---- devices panel ----------------------------------------------------- */

static void
sync_pending (TcWindow *self)
{
  if (TC_IS_DEVICES_PANEL (self->devices_panel))
    tc_devices_panel_set_pending (TC_DEVICES_PANEL (self->devices_panel),
                                  tc_consultation_get_pending_readings (self->consultation));
}


static void
on_panel_reading (TcDevicesPanel *panel,
                  TcReading      *reading,
                  TcWindow       *self)
{
  g_autoptr(GError) error = NULL;

  if (!tc_consultation_submit_reading (self->consultation, reading, &error))
    {
      g_debug ("Reading not kept: %s", error->message);
      tc_devices_panel_show_send_error (panel, error->message);
      return;
    }
  sync_pending (self);
}

static void
on_reading_received (TcConsultation *consultation,
                     TcReading      *reading,
                     TcWindow       *self)
{
  if (TC_IS_VITALS_PANEL (self->devices_panel))
    tc_vitals_panel_add_reading (TC_VITALS_PANEL (self->devices_panel), reading);
}

/* A fresh panel per call: the practitioner's trends cover this consultation only. */
static void
setup_devices_panel (TcWindow *self)
{
  GtkBox *area = tc_call_page_get_devices_area (self->call_page);

  if (self->devices_panel != NULL)
    gtk_box_remove (area, self->devices_panel);
  self->devices_panel = NULL;
  /* The call page's placeholder sentence gives way to the panel. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (area)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_has_css_class (child, "dim-label"))
      gtk_widget_set_visible (child, FALSE);

  if (tc_consultation_get_role (self->consultation) == TC_CONSULTATION_ROLE_PRACTITIONER)
    {
      self->devices_panel = tc_vitals_panel_new ();
      tc_vitals_panel_set_settings (TC_VITALS_PANEL (self->devices_panel), self->settings);
    }
  else
    {
      self->devices_panel = tc_devices_panel_new ();
      tc_devices_panel_set_show_simulated (TC_DEVICES_PANEL (self->devices_panel),
                                           tc_media_factory_get_mode (self->factory) == TC_MEDIA_MODE_TEST);
      g_signal_connect_object (self->devices_panel, "reading", G_CALLBACK (on_panel_reading), self, 0);
      tc_devices_panel_start_bluetooth (TC_DEVICES_PANEL (self->devices_panel));
      sync_pending (self);
    }
  gtk_box_append (area, self->devices_panel);
}

/* ---- consultation → pages ---------------------------------------------- */

static void
sync_page (TcWindow *self)
{
  TcConsultationState state = tc_consultation_get_state (self->consultation);
  gboolean connecting = state == TC_CONSULTATION_STATE_CONNECTING;

  tc_join_page_set_busy (self->join_page, connecting);
  tc_sign_in_page_set_busy (self->sign_in_page, connecting);
  tc_call_page_set_started_at (self->call_page, tc_consultation_get_call_started_at (self->consultation));
  g_object_set (self->call_page, "reconnecting", state == TC_CONSULTATION_STATE_RECONNECTING, NULL);

  switch (state)
    {
    case TC_CONSULTATION_STATE_IDLE:
    case TC_CONSULTATION_STATE_CONNECTING:
      break;
    case TC_CONSULTATION_STATE_SIGNED_IN:
      tc_sign_in_page_clear_password (self->sign_in_page);
      show_page (self, "home");
      break;
    case TC_CONSULTATION_STATE_WAITING:
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "patient-waiting") != 0)
        tc_patient_waiting_page_start (self->patient_waiting_page, g_get_monotonic_time ());
      show_page (self, "patient-waiting");
      break;
    case TC_CONSULTATION_STATE_IN_CALL:
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "call") != 0)
        {
          tc_call_page_reset (self->call_page);
          g_object_set (self->call_page, "clinical-station",
                        self->clinical && tc_consultation_get_role (self->consultation) != TC_CONSULTATION_ROLE_PRACTITIONER,
                        NULL);
          setup_devices_panel (self);
          tc_call_page_set_peer_name (self->call_page, tc_consultation_get_peer_name (self->consultation));
          tc_call_page_set_verification_code (self->call_page,
                                              tc_consultation_get_verification_code (self->consultation));
          tc_call_page_set_started_at (self->call_page,
                                       tc_consultation_get_call_started_at (self->consultation));
        }
      show_page (self, "call");
      break;
    case TC_CONSULTATION_STATE_RECONNECTING:
      break;
    case TC_CONSULTATION_STATE_ENDED:
      {
        gint64 started = tc_consultation_get_call_started_at (self->consultation);

        tc_summary_page_set_call (self->summary_page, tc_consultation_get_peer_name (self->consultation),
                                  started > 0 ? (g_get_monotonic_time () - started) / G_USEC_PER_SEC : -1);
        tc_video_paintable_clear (self->remote);
        tc_video_paintable_clear (self->local);
        tc_video_paintable_clear (self->exam_preview);
        tc_video_paintable_clear (self->remote_exam);
        show_page (self, "summary");
        break;
      }
    case TC_CONSULTATION_STATE_FAILED:
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "error") != 0)
        show_error (self, NULL);
      break;
    default:
      break;
    }
}

static void
on_failed (TcConsultation *consultation,
           const GError   *error,
           TcWindow       *self)
{
  show_error (self, error);
}

static void
on_chat_received (TcConsultation *consultation,
                  const char     *from_name,
                  const char     *text,
                  gint64          server_ts_ms,
                  gboolean        from_me,
                  TcWindow       *self)
{
  tc_call_page_add_chat_message (self->call_page, from_name, text, server_ts_ms, from_me);
}

static void
write_invitation_file (TcWindow   *self,
                       const char *url)
{
  g_autoptr(GError) error = NULL;

  if (self->invitation_file == NULL || url == NULL)
    return;
  if (!g_file_set_contents (self->invitation_file, url, -1, &error))
    g_warning ("Cannot write the demo invitation: %s", error->message);
}

static void
on_invitation_changed (TcWindow *self)
{
  tc_home_page_set_invitation (self->home_page, tc_consultation_get_invitation_url (self->consultation),
                               tc_consultation_get_invitation_code (self->consultation));
  if (self->demo)
    write_invitation_file (self, tc_consultation_get_invitation_url (self->consultation));
}

static void
on_peer_name_changed (TcWindow *self)
{
  tc_call_page_set_peer_name (self->call_page, tc_consultation_get_peer_name (self->consultation));
}

static void
on_verification_code_changed (TcWindow *self)
{
  tc_call_page_set_verification_code (self->call_page,
                                      tc_consultation_get_verification_code (self->consultation));
}

/* A doctor between two patients may be in another window: say who arrived. */
static void
on_waiting_room_changed (GListModel *model,
                         guint       position,
                         guint       removed,
                         guint       added,
                         TcWindow   *self)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GObject) entry = NULL;
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;

  if (added == 0 || app == NULL || gtk_window_is_active (GTK_WINDOW (self)))
    return;
  entry = g_list_model_get_item (model, position + added - 1);
  g_object_get (entry, "display-name", &name, NULL);
  /* Translators: a notification, %s is the patient's name */
  title = g_strdup_printf (_("%s is in the waiting room"), name ? name : "");
  notification = g_notification_new (title);
  g_notification_set_body (notification, _("Open Teleconsult to admit them."));
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_application_send_notification (app, "waiting-room", notification);
}

/* ---- clinical media ---------------------------------------------------- */

static void
on_page_stethoscope (TcWindow *self)
{
  gboolean active = FALSE;

  g_object_get (self->call_page, "stethoscope-active", &active, NULL);
  if (tc_consultation_get_role (self->consultation) != TC_CONSULTATION_ROLE_PRACTITIONER)
    tc_consultation_set_stethoscope_active (self->consultation, active);
}

static void
on_page_still_consent (TcWindow *self)
{
  gboolean consent = FALSE;

  g_object_get (self->call_page, "still-consent", &consent, NULL);
  tc_consultation_set_still_consent (self->consultation, consent);
}

static void
on_take_still (TcWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (!tc_consultation_request_still (self->consultation, &error))
    {
      g_debug ("No still: %s", error->message);
      toast (self, _("The picture could not be taken. Please try again."));
    }
}

static void
on_remote_stethoscope (TcWindow *self)
{
  g_object_set (self->call_page, "remote-stethoscope-active",
                tc_consultation_get_remote_stethoscope_active (self->consultation), NULL);
}

static void
on_still_received (TcConsultation *consultation,
                   GBytes         *bytes,
                   const char     *mime,
                   gboolean        kept,
                   TcWindow       *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (bytes, &error);

  if (texture == NULL)
    {
      g_debug ("Still not shown: %s", error->message);
      toast (self, _("The picture could not be shown."));
      return;
    }
  tc_call_page_show_still (self->call_page, texture, kept);
}

static void
set_consultation (TcWindow       *self,
                  TcConsultation *consultation)
{
  if (self->consultation != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->consultation, self);
      g_signal_handlers_disconnect_by_data (tc_consultation_get_waiting_room (self->consultation), self);
      if (tc_consultation_get_state (self->consultation) != TC_CONSULTATION_STATE_ENDED &&
          tc_consultation_get_state (self->consultation) != TC_CONSULTATION_STATE_IDLE &&
          tc_consultation_get_state (self->consultation) != TC_CONSULTATION_STATE_FAILED)
        tc_consultation_hang_up (self->consultation);
    }
  unbind_session (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->consultation, consultation);

  tc_home_page_set_invitation (self->home_page, NULL, NULL);
  tc_home_page_set_waiting_room (self->home_page, tc_consultation_get_waiting_room (consultation));
  g_signal_connect_object (tc_consultation_get_waiting_room (consultation), "items-changed",
                           G_CALLBACK (on_waiting_room_changed), self, 0);

  g_signal_connect_object (consultation, "notify::state", G_CALLBACK (sync_page), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (consultation, "notify::pending-readings", G_CALLBACK (sync_pending), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (consultation, "notify::call-started-at", G_CALLBACK (sync_page), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (consultation, "notify::invitation-url", G_CALLBACK (on_invitation_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (consultation, "notify::invitation-code", G_CALLBACK (on_invitation_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (consultation, "notify::peer-name", G_CALLBACK (on_peer_name_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (consultation, "notify::verification-code",
                           G_CALLBACK (on_verification_code_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (consultation, "notify::call-session", G_CALLBACK (on_call_session_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (consultation, "failed", G_CALLBACK (on_failed), self, 0);
  g_signal_connect_object (consultation, "chat-received", G_CALLBACK (on_chat_received), self, 0);
  g_signal_connect_object (consultation, "reading-received", G_CALLBACK (on_reading_received), self, 0);
  g_signal_connect_object (consultation, "still-received", G_CALLBACK (on_still_received), self, 0);
  g_signal_connect_object (consultation, "notify::remote-stethoscope-active",
                           G_CALLBACK (on_remote_stethoscope), self, G_CONNECT_SWAPPED);
  on_call_session_changed (self);
}

/* ---- async results ----------------------------------------------------- */

typedef gboolean (*FinishFunc) (TcConsultation *, GAsyncResult *, GError **);

static void
finish_op (GObject      *source,
           GAsyncResult *result,
           TcWindow     *self,
           FinishFunc    finish)
{
  g_autoptr(GError) error = NULL;

  if (!finish (TC_CONSULTATION (source), result, &error))
    {
      /* A consultation replaced meanwhile, or a cancelled attempt, says nothing. */
      if (TC_CONSULTATION (source) == self->consultation &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }
  if (TC_CONSULTATION (source) == self->consultation)
    sync_page (self);
}

static void
on_create_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(TcWindow) self = data;

  tc_home_page_set_busy (self->home_page, FALSE);
  finish_op (source, result, self, tc_consultation_create_finish);
}

static void
create_consultation (TcWindow *self)
{
  tc_home_page_set_busy (self->home_page, TRUE);
  tc_consultation_create_async (self->consultation, NULL, self->cancellable, on_create_done,
                                g_object_ref (self));
}

static void
after_sign_in (TcWindow *self,
               GObject  *source)
{
  if (self->demo && TC_CONSULTATION (source) == self->consultation &&
      tc_consultation_get_state (self->consultation) == TC_CONSULTATION_STATE_SIGNED_IN)
    create_consultation (self);
}

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(TcWindow) self = data;

  finish_op (source, result, self, tc_consultation_sign_in_finish);
  after_sign_in (self, source);
}

static void
on_lan_hosted (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(TcWindow) self = data;

  finish_op (source, result, self, tc_consultation_host_lan_finish);
  after_sign_in (self, source);
}

static void
on_joined (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(TcWindow) self = data;

  finish_op (source, result, self, tc_consultation_join_finish);
}

/* ---- page signals ------------------------------------------------------ */

static void
start_precall (TcWindow *self)
{
  g_autofree char *server_url = NULL;
  g_autofree char *token = NULL;

  tc_precall_page_set_camera_paintable (self->precall_page, GDK_PAINTABLE (self->local));
  if (self->device_check == NULL)
    {
      self->device_check = tc_device_check_new (self->factory, self->local);
      g_signal_connect_object (self->device_check, "result", G_CALLBACK (tc_precall_page_set_check),
                               self->precall_page, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->device_check, "level", G_CALLBACK (tc_precall_page_set_microphone_level),
                               self->precall_page, G_CONNECT_SWAPPED);
    }
  /* A pasted link names its server and can be checked now; a short code cannot. */
  tc_invitation_parse (tc_join_page_get_invitation (self->join_page), &server_url, &token, NULL, NULL);
  show_page (self, "precall");
  tc_device_check_start (self->device_check, server_url);
}

static void
on_join (TcWindow *self)
{
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "display-name", tc_join_page_get_display_name (self->join_page));
  start_precall (self);
}

static void
on_precall_continue (TcWindow *self)
{
  g_clear_handle_id (&self->demo_timeout, g_source_remove);
  if (self->device_check != NULL)
    tc_device_check_stop (self->device_check);  /* the call needs the camera now */
  if (tc_consultation_get_state (self->consultation) != TC_CONSULTATION_STATE_IDLE)
    reset_consultation (self);
  tc_join_page_set_busy (self->join_page, TRUE);
  tc_consultation_set_clinical_tracks (self->consultation, self->clinical);
  tc_consultation_join_async (self->consultation, tc_join_page_get_invitation (self->join_page),
                              tc_join_page_get_display_name (self->join_page), self->cancellable,
                              on_joined, g_object_ref (self));
}

static void
on_play_test_sound (TcWindow *self)
{
  if (self->device_check != NULL)
    tc_device_check_play_test_sound (self->device_check);
}

static void
on_leave_waiting (TcWindow *self)
{
  tc_consultation_hang_up (self->consultation);
  reset_consultation (self);
  show_page (self, "join");
}

static void
on_sign_in (TcWindow *self)
{
  self->practitioner = TRUE;
  if (tc_consultation_get_state (self->consultation) != TC_CONSULTATION_STATE_IDLE)
    reset_consultation (self);
  tc_sign_in_page_set_busy (self->sign_in_page, TRUE);
  if (tc_sign_in_page_get_use_lan (self->sign_in_page))
    {
      if (self->settings != NULL)
        {
          g_autofree char *lan_address = g_settings_get_string (self->settings, "lan-address");

          g_settings_set_string (self->settings, "display-name", tc_sign_in_page_get_display_name (self->sign_in_page));
          if (lan_address[0] != '\0')
            tc_consultation_set_lan_address (self->consultation, lan_address);
        }
      tc_consultation_host_lan_async (self->consultation, tc_sign_in_page_get_display_name (self->sign_in_page),
                                      self->cancellable, on_lan_hosted, g_object_ref (self));
    }
  else
    {
      if (self->settings != NULL)
        {
          g_settings_set_string (self->settings, "server-url", tc_sign_in_page_get_server_url (self->sign_in_page));
          g_settings_set_string (self->settings, "username", tc_sign_in_page_get_username (self->sign_in_page));
        }
      tc_consultation_sign_in_async (self->consultation, tc_sign_in_page_get_server_url (self->sign_in_page),
                                     tc_sign_in_page_get_username (self->sign_in_page),
                                     tc_sign_in_page_get_password (self->sign_in_page),
                                     self->cancellable, on_signed_in, g_object_ref (self));
    }
}

static void
on_create (TcWindow *self)
{
  create_consultation (self);
}

static void
on_admit (TcWindow   *self,
          const char *participant_id)
{
  tc_consultation_admit (self->consultation, participant_id);
}

static void
on_decline (TcWindow   *self,
            const char *participant_id)
{
  tc_consultation_decline (self->consultation, participant_id, NULL);
}

static void
on_hang_up (TcWindow *self)
{
  tc_consultation_hang_up (self->consultation);
}

static void
on_send_chat (TcWindow   *self,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  if (!tc_consultation_send_chat (self->consultation, text, &error))
    {
      g_debug ("Chat not sent: %s", error->message);
      toast (self, _("The message could not be sent. Try again in a moment."));
    }
}

static void
on_summary_done (TcWindow *self)
{
  reset_consultation (self);
  show_page (self, self->practitioner ? "sign-in" : "join");
  /* Ending a consultation closes its connections; in LAN mode nothing needs
   * typing again, so the practitioner is back at the desk for the next patient. */
  if (self->practitioner && tc_sign_in_page_get_use_lan (self->sign_in_page) &&
      tc_sign_in_page_get_can_sign_in (self->sign_in_page))
    on_sign_in (self);
}

static void
on_error_action (TcWindow *self)
{
  TcErrorAction action = self->error_action;

  reset_consultation (self);
  if (action == TC_ERROR_ACTION_SIGN_IN || (self->practitioner && action == TC_ERROR_ACTION_RETRY))
    show_page (self, "sign-in");
  else if (action == TC_ERROR_ACTION_NEW_INVITE)
    {
      tc_join_page_set_invitation (self->join_page, "");
      show_page (self, "join");
    }
  else
    show_page (self, "join");
}

/* ---- actions ----------------------------------------------------------- */

static void
toggle_call_property (TcWindow   *self,
                      const char *property)
{
  gboolean value;

  g_object_get (self->call_page, property, &value, NULL);
  g_object_set (self->call_page, property, !value, NULL);
}

static void
action_toggle_mute (GSimpleAction *a, GVariant *p, gpointer data)
{
  toggle_call_property (data, "microphone-muted");
}

static void
action_toggle_camera (GSimpleAction *a, GVariant *p, gpointer data)
{
  toggle_call_property (data, "camera-off");
}

static void
action_toggle_chat (GSimpleAction *a, GVariant *p, gpointer data)
{
  toggle_call_property (data, "chat-visible");
}

static void
action_toggle_devices (GSimpleAction *a, GVariant *p, gpointer data)
{
  toggle_call_property (data, "devices-visible");
}

static void
action_hang_up (GSimpleAction *a, GVariant *p, gpointer data)
{
  tc_call_page_request_hang_up (TC_WINDOW (data)->call_page);
}

static void
action_fullscreen (GSimpleAction *a, GVariant *p, gpointer data)
{
  GtkWindow *window = GTK_WINDOW (data);

  if (gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  else
    gtk_window_fullscreen (window);
}

static void
action_back (GSimpleAction *a, GVariant *p, gpointer data)
{
  TcWindow *self = data;
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_strcmp0 (page, "precall") == 0)
    show_page (self, "join");
  else if (g_strcmp0 (page, "sign-in") == 0)
    {
      self->practitioner = FALSE;
      show_page (self, "join");
    }
  else if (g_strcmp0 (page, "join") == 0 && self->practitioner)
    show_page (self, "sign-in");
}

static gboolean
can_switch_role (TcWindow *self)
{
  TcConsultationState state = tc_consultation_get_state (self->consultation);

  if (state == TC_CONSULTATION_STATE_IDLE || state == TC_CONSULTATION_STATE_ENDED ||
      state == TC_CONSULTATION_STATE_FAILED)
    return TRUE;
  toast (self, _("Finish the current consultation first."));
  return FALSE;
}

static void
action_practitioner (GSimpleAction *a, GVariant *p, gpointer data)
{
  TcWindow *self = data;

  if (can_switch_role (self))
    tc_window_show_sign_in (self, NULL);
}

static void
action_patient (GSimpleAction *a, GVariant *p, gpointer data)
{
  TcWindow *self = data;

  if (can_switch_role (self))
    tc_window_show_join (self, NULL, NULL);
}

static void
apply_larger_text (TcWindow *self,
                   gboolean  larger)
{
  if (larger)
    gtk_widget_add_css_class (GTK_WIDGET (self), "tc-larger-text");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "tc-larger-text");
}

static void
action_larger_text (GSimpleAction *action, GVariant *state, gpointer data)
{
  TcWindow *self = data;
  gboolean larger = g_variant_get_boolean (state);

  g_simple_action_set_state (action, state);
  apply_larger_text (self, larger);
  if (self->settings != NULL)
    g_settings_set_boolean (self->settings, "larger-text", larger);
}

static const GActionEntry win_actions[] = {
  { "toggle-mute", action_toggle_mute },
  { "toggle-camera", action_toggle_camera },
  { "toggle-chat", action_toggle_chat },
  { "toggle-devices", action_toggle_devices },
  { "hang-up", action_hang_up },
  { "fullscreen", action_fullscreen },
  { "back", action_back },
  { "practitioner", action_practitioner },
  { "patient", action_patient },
  { "larger-text", NULL, NULL, "false", action_larger_text },
};

/* ---- GObject ----------------------------------------------------------- */

static gboolean
tc_window_close_request (GtkWindow *window)
{
  TcWindow *self = TC_WINDOW (window);

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
    }
  /* Leaving the window leaves the consultation: say goodbye properly. */
  if (self->consultation != NULL)
    tc_consultation_hang_up (self->consultation);

  return GTK_WINDOW_CLASS (tc_window_parent_class)->close_request (window);
}

static void
tc_window_dispose (GObject *object)
{
  TcWindow *self = TC_WINDOW (object);

  g_clear_handle_id (&self->demo_timeout, g_source_remove);
  unbind_session (self);
  if (self->device_check != NULL)
    tc_device_check_stop (self->device_check);
  g_clear_object (&self->device_check);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->consultation != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->consultation, self);
      g_signal_handlers_disconnect_by_data (tc_consultation_get_waiting_room (self->consultation), self);
    }
  g_clear_object (&self->consultation);
  g_clear_object (&self->factory);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tc_window_parent_class)->dispose (object);
}

static void
tc_window_finalize (GObject *object)
{
  TcWindow *self = TC_WINDOW (object);

  g_clear_object (&self->remote);
  g_clear_object (&self->local);
  g_clear_object (&self->exam_preview);
  g_clear_object (&self->remote_exam);
  g_free (self->invitation_file);

  G_OBJECT_CLASS (tc_window_parent_class)->finalize (object);
}

static void
tc_window_class_init (TcWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = tc_window_dispose;
  object_class->finalize = tc_window_finalize;
  window_class->close_request = tc_window_close_request;

  g_type_ensure (TC_TYPE_JOIN_PAGE);
  g_type_ensure (TC_TYPE_PRECALL_PAGE);
  g_type_ensure (TC_TYPE_PATIENT_WAITING_PAGE);
  g_type_ensure (TC_TYPE_SIGN_IN_PAGE);
  g_type_ensure (TC_TYPE_HOME_PAGE);
  g_type_ensure (TC_TYPE_CALL_PAGE);
  g_type_ensure (TC_TYPE_SUMMARY_PAGE);
  g_type_ensure (TC_TYPE_ERROR_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/teleconsult/Teleconsult/ui/tc-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, TcWindow, name)
  BIND (toast_overlay);
  BIND (window_title);
  BIND (back_button);
  BIND (stack);
  BIND (join_page);
  BIND (precall_page);
  BIND (patient_waiting_page);
  BIND (sign_in_page);
  BIND (home_page);
  BIND (call_page);
  BIND (summary_page);
  BIND (error_page);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_join);
  gtk_widget_class_bind_template_callback (widget_class, on_precall_continue);
  gtk_widget_class_bind_template_callback (widget_class, on_play_test_sound);
  gtk_widget_class_bind_template_callback (widget_class, on_leave_waiting);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in);
  gtk_widget_class_bind_template_callback (widget_class, on_create);
  gtk_widget_class_bind_template_callback (widget_class, on_admit);
  gtk_widget_class_bind_template_callback (widget_class, on_decline);
  gtk_widget_class_bind_template_callback (widget_class, on_hang_up);
  gtk_widget_class_bind_template_callback (widget_class, on_send_chat);
  gtk_widget_class_bind_template_callback (widget_class, on_summary_done);
  gtk_widget_class_bind_template_callback (widget_class, on_error_action);
}

static GSettings *
settings_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  return schema != NULL ? g_settings_new (APP_ID) : NULL;
}

static void
tc_window_init (TcWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);

  self->remote = tc_video_paintable_new ();
  self->local = tc_video_paintable_new ();
  tc_call_page_set_remote_paintable (self->call_page, GDK_PAINTABLE (self->remote));
  tc_call_page_set_local_paintable (self->call_page, GDK_PAINTABLE (self->local));
  self->exam_preview = tc_video_paintable_new ();
  self->remote_exam = tc_video_paintable_new ();
  tc_call_page_set_exam_paintables (self->call_page, self->exam_preview, self->remote_exam);
  g_signal_connect_object (self->call_page, "notify::stethoscope-active", G_CALLBACK (on_page_stethoscope), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->call_page, "notify::still-consent", G_CALLBACK (on_page_still_consent), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->call_page, "take-still", G_CALLBACK (on_take_still), self, G_CONNECT_SWAPPED);

  self->settings = settings_if_installed ();
  if (self->settings != NULL)
    {
      g_autofree char *name = g_settings_get_string (self->settings, "display-name");
      g_autofree char *url = g_settings_get_string (self->settings, "server-url");
      g_autofree char *username = g_settings_get_string (self->settings, "username");

      gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      if (g_settings_get_boolean (self->settings, "larger-text"))
        g_action_group_change_action_state (G_ACTION_GROUP (self), "larger-text", g_variant_new_boolean (TRUE));
      tc_join_page_set_display_name (self->join_page, name);
      tc_sign_in_page_set_display_name (self->sign_in_page, name);
      tc_sign_in_page_set_server_url (self->sign_in_page, url);
      tc_sign_in_page_set_username (self->sign_in_page, username);

      /* A shared station in a nursing home: full screen, patients only. Joining the
       * scheduled consultation with the station's token waits for a kiosk API in
       * TcConsultation. */
      if (g_settings_get_boolean (self->settings, "kiosk-mode"))
        {
          gtk_window_fullscreen (GTK_WINDOW (self));
          g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                                     "practitioner")),
                                       FALSE);
        }
    }
  show_page (self, "join");
}

TcWindow *
tc_window_new (GtkApplication *app,
               TcMediaMode     media_mode)
{
  TcWindow *self = g_object_new (TC_TYPE_WINDOW, "application", app, NULL);
  g_autoptr(TcConsultation) consultation = NULL;

  self->factory = tc_media_factory_new_with_mode (media_mode);
  tc_media_factory_set_video_sink_func (self->factory, create_video_sink, self, NULL);
  consultation = tc_consultation_new (self->factory);
  set_consultation (self, consultation);
  return self;
}

static gboolean
demo_auto_continue (gpointer data)
{
  TcWindow *self = data;

  self->demo_timeout = 0;
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "precall") == 0)
    on_precall_continue (self);
  return G_SOURCE_REMOVE;
}

void
tc_window_show_join (TcWindow   *self,
                     const char *invitation,
                     const char *display_name)
{
  g_return_if_fail (TC_IS_WINDOW (self));

  self->practitioner = FALSE;
  if (invitation != NULL)
    tc_join_page_set_invitation (self->join_page, invitation);
  if (display_name != NULL)
    tc_join_page_set_display_name (self->join_page, display_name);
  show_page (self, "join");

  /* The demo patient consents and goes on by itself. */
  if (self->demo && invitation != NULL)
    {
      tc_join_page_set_consented (self->join_page, TRUE);
      if (tc_join_page_get_can_join (self->join_page))
        {
          start_precall (self);
          g_clear_handle_id (&self->demo_timeout, g_source_remove);
          self->demo_timeout = g_timeout_add_seconds (DEMO_PRECALL_S, demo_auto_continue, self);
        }
    }
}

void
tc_window_show_sign_in (TcWindow   *self,
                        const char *server_url)
{
  g_return_if_fail (TC_IS_WINDOW (self));

  self->practitioner = TRUE;
  if (server_url != NULL)
    {
      tc_sign_in_page_set_server_url (self->sign_in_page, server_url);
      tc_sign_in_page_set_use_lan (self->sign_in_page, FALSE);
    }
  show_page (self, "sign-in");
}

void
tc_window_host_lan (TcWindow   *self,
                    const char *display_name)
{
  g_return_if_fail (TC_IS_WINDOW (self));

  tc_window_show_sign_in (self, NULL);
  tc_sign_in_page_set_use_lan (self->sign_in_page, TRUE);
  if (display_name != NULL)
    tc_sign_in_page_set_display_name (self->sign_in_page, display_name);
  if (tc_sign_in_page_get_can_sign_in (self->sign_in_page))
    on_sign_in (self);
}

void
tc_window_set_demo (TcWindow   *self,
                    gboolean    demo,
                    const char *invitation_file)
{
  g_return_if_fail (TC_IS_WINDOW (self));

  self->demo = demo;
  g_free (self->invitation_file);
  self->invitation_file = g_strdup (invitation_file);
}

TcConsultation *
tc_window_get_consultation (TcWindow *self)
{
  g_return_val_if_fail (TC_IS_WINDOW (self), NULL);

  return self->consultation;
}

const char *
tc_window_get_page_name (TcWindow *self)
{
  g_return_val_if_fail (TC_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

GtkWidget *
tc_window_get_page (TcWindow   *self,
                    const char *name)
{
  g_return_val_if_fail (TC_IS_WINDOW (self), NULL);

  return gtk_stack_get_child_by_name (self->stack, name);
}

TcVideoPaintable *
tc_window_get_remote_paintable (TcWindow *self)
{
  g_return_val_if_fail (TC_IS_WINDOW (self), NULL);

  return self->remote;
}

TcVideoPaintable *
tc_window_get_local_paintable (TcWindow *self)
{
  g_return_val_if_fail (TC_IS_WINDOW (self), NULL);

  return self->local;
}

GtkBox *
tc_window_get_devices_area (TcWindow *self)
{
  g_return_val_if_fail (TC_IS_WINDOW (self), NULL);

  return tc_call_page_get_devices_area (self->call_page);
}

void
tc_window_set_clinical (TcWindow *self,
                        gboolean  clinical)
{
  g_return_if_fail (TC_IS_WINDOW (self));

  self->clinical = clinical;
}

TcVideoPaintable *
tc_window_get_exam_paintable (TcWindow *self,
                              gboolean  remote)
{
  g_return_val_if_fail (TC_IS_WINDOW (self), NULL);

  return remote ? self->remote_exam : self->exam_preview;
}
