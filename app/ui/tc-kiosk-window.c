/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-kiosk-window"

#include "config.h"

#include "tc-video-sinks.h"
#include "tc-kiosk-window.h"

#include <glib/gi18n-lib.h>

#include "tc-call-page.h"
#include "tc-devices-panel.h"
#include "tc-kiosk-admin-dialog.h"
#include "tc-video-paintable.h"

enum {
  SIGNAL_LEAVE_KIOSK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _TcKioskWindow {
  AdwApplicationWindow  parent_instance;

  GtkStack             *stack;
  GtkWidget            *admin_button;
  GtkWidget            *setup_button;
  GtkLabel             *station_label;
  GtkLabel             *clock_label;
  GtkLabel             *date_label;
  GtkLabel             *next_label;
  GtkLabel             *status_label;
  GtkSpinner           *status_spinner;
  GtkLabel             *waiting_station_label;
  GtkSpinner           *waiting_spinner;
  TcCallPage           *call_page;

  GSettings            *settings;
  TcMediaFactory       *factory;
  TcVideoPaintable     *remote;
  TcVideoPaintable     *local;
  TcVideoPaintable     *exam_preview;      /* the station's exam camera, for aiming it */
  TcKiosk              *kiosk;
  TcConsultation       *consultation;      /* the kiosk's current one, signals connected */
  TcCallSession        *bound_session;
  GBinding             *mute_binding;
  GBinding             *camera_binding;
  GBinding             *exam_binding;
  TcKioskAdminDialog   *admin;
  GtkWidget            *devices_panel;     /* TcDevicesPanel, one per call */

  guint                 clock_timer;
  guint                 inhibit_cookie;
  gboolean              keeps_awake;
  gboolean              allow_close;

  guint                 idle_poll_ms;
  guint                 max_retry_ms;
  char                 *local_address;
};

G_DEFINE_FINAL_TYPE (TcKioskWindow, tc_kiosk_window, ADW_TYPE_APPLICATION_WINDOW)

/* ---- clock and idle screen --------------------------------------------- */

static gboolean
update_clock (gpointer data)
{
  TcKioskWindow *self = data;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time = g_date_time_format (now, "%H:%M");
  /* Translators: the date on the kiosk's idle screen (g_date_time_format), e.g. "Sunday 22 November" */
  g_autofree char *date = g_date_time_format (now, _("%A %d %B"));

  gtk_label_set_text (self->clock_label, time);
  gtk_label_set_text (self->date_label, date);
  return G_SOURCE_CONTINUE;
}

static char *
next_consultation_text (gint64 next_ms)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) next = NULL;
  g_autofree char *time = NULL;
  g_autofree char *date = NULL;

  if (next_ms <= 0)
    return g_strdup (_("No consultation scheduled"));

  utc = g_date_time_new_from_unix_utc (next_ms / 1000);
  next = utc != NULL ? g_date_time_to_local (utc) : NULL;
  if (next == NULL)
    return g_strdup (_("No consultation scheduled"));
  time = g_date_time_format (next, "%H:%M");
  if (g_date_time_get_year (next) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (next) == g_date_time_get_day_of_year (now))
    /* Translators: %s is a time of day, e.g. 14:30 */
    return g_strdup_printf (_("Next consultation at %s"), time);
  date = g_date_time_format (next, _("%A %d %B"));
  /* Translators: the first %s is a date, the second a time of day */
  return g_strdup_printf (_("Next consultation on %s at %s"), date, time);
}

static void
show_idle (TcKioskWindow *self,
           const char    *status,
           gboolean       busy)
{
  g_autofree char *next = next_consultation_text (self->kiosk ? tc_kiosk_get_next_scheduled_at (self->kiosk) : 0);

  gtk_label_set_text (self->next_label, next);
  gtk_widget_set_visible (GTK_WIDGET (self->next_label), status == NULL);
  gtk_label_set_text (self->status_label, status ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), status != NULL);
  gtk_spinner_set_spinning (self->status_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->status_spinner), busy);
  gtk_stack_set_visible_child_name (self->stack, "idle");
}

/* ---- keeping the screen awake ------------------------------------------ */

static void
set_keeps_awake (TcKioskWindow *self,
                 gboolean       awake)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (self->keeps_awake == awake)
    return;
  self->keeps_awake = awake;
  g_debug ("screen %s", awake ? "kept awake" : "may sleep");
  if (awake && app != NULL)
    self->inhibit_cookie = gtk_application_inhibit (app, GTK_WINDOW (self), GTK_APPLICATION_INHIBIT_IDLE,
                                                    _("A consultation is in progress"));
  else if (!awake && app != NULL && self->inhibit_cookie != 0)
    gtk_application_uninhibit (app, self->inhibit_cookie);
  if (!awake)
    self->inhibit_cookie = 0;
}

/* ---- call session ------------------------------------------------------ */

static void
unbind_session (TcKioskWindow *self)
{
  g_clear_pointer (&self->mute_binding, g_binding_unbind);
  g_clear_pointer (&self->camera_binding, g_binding_unbind);
  g_clear_pointer (&self->exam_binding, g_binding_unbind);
  g_clear_object (&self->bound_session);
}

static void
on_call_session_changed (TcKioskWindow *self)
{
  TcCallSession *session = self->consultation ? tc_consultation_get_call_session (self->consultation) : NULL;

  if (session == self->bound_session)
    return;
  unbind_session (self);
  if (session == NULL)
    return;
  self->bound_session = g_object_ref (session);
  self->mute_binding = g_object_bind_property (self->call_page, "microphone-muted", session, "microphone-muted",
                                               G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  self->camera_binding = g_object_bind_property (self->call_page, "camera-off", session, "camera-enabled",
                                                 G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL |
                                                 G_BINDING_INVERT_BOOLEAN);
  if (tc_call_session_get_clinical_tracks (session))
    self->exam_binding = g_object_bind_property (self->call_page, "exam-camera-active",
                                                 session, "exam-camera-active",
                                                 G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
}

static void
on_page_stethoscope (TcKioskWindow *self)
{
  gboolean active = FALSE;

  g_object_get (self->call_page, "stethoscope-active", &active, NULL);
  if (self->consultation != NULL)
    tc_consultation_set_stethoscope_active (self->consultation, active);
}

static GstElement *
create_video_sink (TcVideoSinkRole role,
                   gpointer        data)
{
  TcKioskWindow *self = data;

  return tc_video_sinks_for_role (role, self->remote, self->local, self->exam_preview, NULL);
}

/* ---- medical devices (the desktop app's panel) ------------------------- */

static void
sync_pending (TcKioskWindow *self)
{
  if (self->devices_panel != NULL && self->consultation != NULL)
    tc_devices_panel_set_pending (TC_DEVICES_PANEL (self->devices_panel),
                                  tc_consultation_get_pending_readings (self->consultation));
}


static void
on_panel_reading (TcDevicesPanel *panel,
                  TcReading      *reading,
                  TcKioskWindow  *self)
{
  g_autoptr(GError) error = NULL;

  /* A reading that comes after the call has nowhere to go; the panel is going too. */
  if (self->consultation == NULL)
    return;
  if (!tc_consultation_submit_reading (self->consultation, reading, &error))
    {
      tc_devices_panel_show_send_error (panel, error->message);
      return;
    }
  sync_pending (self);
}

static void
clear_devices_panel (TcKioskWindow *self)
{
  if (self->devices_panel != NULL)
    gtk_box_remove (tc_call_page_get_devices_area (self->call_page), self->devices_panel);
  self->devices_panel = NULL;
}

/* A fresh panel per call, as in the desktop app. */
static void
setup_devices_panel (TcKioskWindow *self)
{
  GtkBox *area = tc_call_page_get_devices_area (self->call_page);

  clear_devices_panel (self);
  /* The call page's placeholder sentence gives way to the panel. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (area)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_has_css_class (child, "dim-label"))
      gtk_widget_set_visible (child, FALSE);
  self->devices_panel = tc_devices_panel_new ();
  tc_devices_panel_set_show_simulated (TC_DEVICES_PANEL (self->devices_panel),
                                       tc_media_factory_get_mode (self->factory) == TC_MEDIA_MODE_TEST);
  g_signal_connect_object (self->devices_panel, "reading", G_CALLBACK (on_panel_reading), self, 0);
  tc_devices_panel_start_bluetooth (TC_DEVICES_PANEL (self->devices_panel));
  gtk_box_append (area, self->devices_panel);
  sync_pending (self);
}

/* ---- kiosk and consultation → screens ---------------------------------- */

static void
sync_screen (TcKioskWindow *self)
{
  TcKioskStatus status = self->kiosk ? tc_kiosk_get_status (self->kiosk) : TC_KIOSK_STATUS_STOPPED;
  TcConsultationState state = self->consultation ? tc_consultation_get_state (self->consultation)
                                                 : TC_CONSULTATION_STATE_IDLE;
  gboolean in_call = status == TC_KIOSK_STATUS_IN_CONSULTATION &&
                     (state == TC_CONSULTATION_STATE_IN_CALL || state == TC_CONSULTATION_STATE_RECONNECTING);

  set_keeps_awake (self, in_call);
  if (!in_call)
    clear_devices_panel (self);
  /* The call page has its own header: the settings door waits until after the call. */
  gtk_widget_set_visible (self->admin_button, !in_call);
  gtk_spinner_set_spinning (self->waiting_spinner, FALSE);

  switch (status)
    {
    case TC_KIOSK_STATUS_STOPPED:
      show_idle (self, NULL, FALSE);
      return;
    case TC_KIOSK_STATUS_CONNECTING:
      show_idle (self, _("Connecting…"), TRUE);
      return;
    case TC_KIOSK_STATUS_OFFLINE:
      show_idle (self, _("The server cannot be reached, trying again…"), TRUE);
      return;
    case TC_KIOSK_STATUS_IDLE:
      show_idle (self, NULL, FALSE);
      return;
    case TC_KIOSK_STATUS_IN_CONSULTATION:
      break;
    }

  switch (state)
    {
    case TC_CONSULTATION_STATE_WAITING:
      gtk_spinner_set_spinning (self->waiting_spinner, TRUE);
      gtk_stack_set_visible_child_name (self->stack, "waiting");
      break;
    case TC_CONSULTATION_STATE_IN_CALL:
    case TC_CONSULTATION_STATE_RECONNECTING:
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "call") != 0)
        {
          tc_call_page_reset (self->call_page);
          g_object_set (self->call_page, "clinical-station", TRUE, NULL);
          setup_devices_panel (self);
          tc_call_page_set_peer_name (self->call_page, tc_consultation_get_peer_name (self->consultation));
          tc_call_page_set_verification_code (self->call_page,
                                              tc_consultation_get_verification_code (self->consultation));
        }
      tc_call_page_set_started_at (self->call_page, tc_consultation_get_call_started_at (self->consultation));
      g_object_set (self->call_page, "reconnecting", state == TC_CONSULTATION_STATE_RECONNECTING, NULL);
      gtk_stack_set_visible_child_name (self->stack, "call");
      break;
    case TC_CONSULTATION_STATE_ENDED:
    case TC_CONSULTATION_STATE_FAILED:
      /* The kiosk starts over by itself; the last frames must not linger. */
      tc_video_paintable_clear (self->remote);
      tc_video_paintable_clear (self->local);
      tc_video_paintable_clear (self->exam_preview);
      show_idle (self, NULL, FALSE);
      break;
    case TC_CONSULTATION_STATE_IDLE:
    case TC_CONSULTATION_STATE_CONNECTING:
    case TC_CONSULTATION_STATE_SIGNED_IN:
    default:
      show_idle (self, _("Connecting…"), TRUE);
      break;
    }
}

static void
on_peer_changed (TcKioskWindow *self)
{
  tc_call_page_set_peer_name (self->call_page, tc_consultation_get_peer_name (self->consultation));
  tc_call_page_set_verification_code (self->call_page, tc_consultation_get_verification_code (self->consultation));
}

static void
on_chat_received (TcConsultation *consultation,
                  const char     *from_name,
                  const char     *text,
                  gint64          server_ts_ms,
                  gboolean        from_me,
                  TcKioskWindow  *self)
{
  tc_call_page_add_chat_message (self->call_page, from_name, text, server_ts_ms, from_me);
}

static void
on_consultation_changed (TcKioskWindow *self)
{
  TcConsultation *consultation = self->kiosk != NULL ? tc_kiosk_get_consultation (self->kiosk) : NULL;

  if (consultation == self->consultation)
    {
      sync_screen (self);
      return;
    }
  if (self->consultation != NULL)
    g_signal_handlers_disconnect_by_data (self->consultation, self);
  unbind_session (self);
  g_set_object (&self->consultation, consultation);
  if (consultation != NULL)
    {
      /* A station sends its exam camera and stethoscope (silent until switched on). Only
       * with test sources for now: the factory cannot yet name the exam camera's device, so
       * in real mode it would open the face camera a second time and the call could fail. */
      tc_consultation_set_clinical_tracks (consultation,
                                           tc_media_factory_get_mode (self->factory) == TC_MEDIA_MODE_TEST);
      g_signal_connect_object (consultation, "notify::state", G_CALLBACK (sync_screen), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (consultation, "notify::pending-readings", G_CALLBACK (sync_pending), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (consultation, "notify::call-started-at", G_CALLBACK (sync_screen), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (consultation, "notify::peer-name", G_CALLBACK (on_peer_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (consultation, "notify::verification-code", G_CALLBACK (on_peer_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (consultation, "notify::call-session", G_CALLBACK (on_call_session_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (consultation, "chat-received", G_CALLBACK (on_chat_received), self, 0);
      on_call_session_changed (self);
    }
  sync_screen (self);
}

static void
on_hang_up (TcKioskWindow *self)
{
  if (self->consultation != NULL)
    tc_consultation_hang_up (self->consultation);
}

static void
on_send_chat (TcKioskWindow *self,
              const char    *text)
{
  g_autoptr(GError) error = NULL;

  if (self->consultation != NULL && !tc_consultation_send_chat (self->consultation, text, &error))
    g_message ("chat message not sent: %s", error->message);
}

/* ---- start, stop ------------------------------------------------------- */

static void
stop_kiosk (TcKioskWindow *self)
{
  if (self->kiosk == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->kiosk, self);
  tc_kiosk_stop (self->kiosk);
  g_clear_object (&self->kiosk);
  on_consultation_changed (self);
}

void
tc_kiosk_window_start (TcKioskWindow *self)
{
  g_autofree char *hash = NULL;
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *name = NULL;

  g_return_if_fail (TC_IS_KIOSK_WINDOW (self));

  stop_kiosk (self);
  hash = g_settings_get_string (self->settings, "kiosk-admin-pin-hash");
  url = g_settings_get_string (self->settings, "kiosk-server-url");
  token = g_settings_get_string (self->settings, "kiosk-device-token");
  name = g_settings_get_string (self->settings, "kiosk-display-name");
  gtk_label_set_text (self->station_label, name);
  gtk_label_set_text (self->waiting_station_label, name);

  /* No PIN yet, or nowhere to connect: an administrator must set the station up. */
  if (*hash == '\0' || *url == '\0' || *token == '\0')
    {
      set_keeps_awake (self, FALSE);
      gtk_stack_set_visible_child_name (self->stack, "setup");
      return;
    }

  self->kiosk = tc_kiosk_new (self->factory, url, token, name);
  if (self->idle_poll_ms > 0)
    tc_kiosk_set_intervals (self->kiosk, self->idle_poll_ms, self->max_retry_ms);
  if (self->local_address != NULL)
    tc_kiosk_add_local_address (self->kiosk, self->local_address);
  g_signal_connect_object (self->kiosk, "notify::status", G_CALLBACK (sync_screen), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->kiosk, "notify::next-scheduled-at", G_CALLBACK (sync_screen), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->kiosk, "notify::consultation", G_CALLBACK (on_consultation_changed), self,
                           G_CONNECT_SWAPPED);
  tc_kiosk_start (self->kiosk);
  on_consultation_changed (self);
}

/* ---- administration ---------------------------------------------------- */

static void
on_admin_leave (TcKioskWindow *self)
{
  g_message ("leaving kiosk mode (administrator PIN given)");
  stop_kiosk (self);
  g_signal_emit (self, signals[SIGNAL_LEAVE_KIOSK], 0);
}

GtkWindow *
tc_kiosk_window_open_admin (TcKioskWindow *self)
{
  g_return_val_if_fail (TC_IS_KIOSK_WINDOW (self), NULL);

  if (self->admin == NULL)
    {
      self->admin = tc_kiosk_admin_dialog_new (GTK_WINDOW (self), self->settings);
      g_object_ref_sink (self->admin);
      g_signal_connect_object (self->admin, "saved", G_CALLBACK (tc_kiosk_window_start), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->admin, "leave-kiosk", G_CALLBACK (on_admin_leave), self, G_CONNECT_SWAPPED);
    }
  tc_kiosk_admin_dialog_open (self->admin);
  return GTK_WINDOW (self->admin);
}

static void
on_admin_clicked (TcKioskWindow *self)
{
  tc_kiosk_window_open_admin (self);
}

/* ---- GObject ----------------------------------------------------------- */

static gboolean
tc_kiosk_window_close_request (GtkWindow *window)
{
  TcKioskWindow *self = TC_KIOSK_WINDOW (window);

  /* Alt+F4, a window manager's close button, app.quit: a kiosk stays. */
  if (!self->allow_close)
    {
      g_message ("close refused: kiosk mode (the administrator PIN leaves it)");
      return TRUE;
    }
  stop_kiosk (self);
  if (self->admin != NULL)
    gtk_window_destroy (GTK_WINDOW (self->admin));
  return GTK_WINDOW_CLASS (tc_kiosk_window_parent_class)->close_request (window);
}

static void
tc_kiosk_window_dispose (GObject *object)
{
  TcKioskWindow *self = TC_KIOSK_WINDOW (object);

  stop_kiosk (self);
  set_keeps_awake (self, FALSE);
  g_clear_handle_id (&self->clock_timer, g_source_remove);
  if (self->admin != NULL)
    gtk_window_destroy (GTK_WINDOW (self->admin));
  g_clear_object (&self->admin);
  g_clear_object (&self->factory);
  g_clear_object (&self->remote);
  g_clear_object (&self->local);
  g_clear_object (&self->exam_preview);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), TC_TYPE_KIOSK_WINDOW);

  G_OBJECT_CLASS (tc_kiosk_window_parent_class)->dispose (object);
}

static void
tc_kiosk_window_finalize (GObject *object)
{
  TcKioskWindow *self = TC_KIOSK_WINDOW (object);

  g_free (self->local_address);

  G_OBJECT_CLASS (tc_kiosk_window_parent_class)->finalize (object);
}

static void
tc_kiosk_window_class_init (TcKioskWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = tc_kiosk_window_dispose;
  object_class->finalize = tc_kiosk_window_finalize;
  window_class->close_request = tc_kiosk_window_close_request;

  signals[SIGNAL_LEAVE_KIOSK] = g_signal_new ("leave-kiosk", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (TC_TYPE_CALL_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/teleconsult/Teleconsult/ui/tc-kiosk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TcKioskWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TcKioskWindow, admin_button);
  gtk_widget_class_bind_template_child (widget_class, TcKioskWindow, setup_button);
  gtk_widget_class_bind_template_child (widget_class, TcKioskWindow, station_label);
  gtk_widget_class_bind_template_child (widget_class, TcKioskWindow, clock_label);
  gtk_widget_class_bind_template_child (widget_class, TcKioskWindow, date_label);
  gtk_widget_class_bind_template_child (widget_class, TcKioskWindow, next_label);
  gtk_widget_class_bind_template_child (widget_class, TcKioskWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, TcKioskWindow, status_spinner);
  gtk_widget_class_bind_template_child (widget_class, TcKioskWindow, waiting_station_label);
  gtk_widget_class_bind_template_child (widget_class, TcKioskWindow, waiting_spinner);
  gtk_widget_class_bind_template_child (widget_class, TcKioskWindow, call_page);
  gtk_widget_class_bind_template_callback (widget_class, on_admin_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_hang_up);
  gtk_widget_class_bind_template_callback (widget_class, on_send_chat);
}

/* The kiosk's sizes, on top of the app's style.css, once per display. */
static void
load_kiosk_css (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  g_autoptr(GtkCssProvider) css = NULL;

  if (g_object_get_data (G_OBJECT (display), "tc-kiosk-css") != NULL)
    return;
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/teleconsult/Teleconsult/kiosk.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 1);
  g_object_set_data_full (G_OBJECT (display), "tc-kiosk-css", g_steal_pointer (&css), g_object_unref);
}

static void
tc_kiosk_window_init (TcKioskWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  load_kiosk_css (GTK_WIDGET (self));

  self->remote = tc_video_paintable_new ();
  self->local = tc_video_paintable_new ();
  tc_call_page_set_remote_paintable (self->call_page, GDK_PAINTABLE (self->remote));
  tc_call_page_set_local_paintable (self->call_page, GDK_PAINTABLE (self->local));
  self->exam_preview = tc_video_paintable_new ();
  tc_call_page_set_exam_paintables (self->call_page, self->exam_preview, NULL);
  g_signal_connect_object (self->call_page, "notify::stethoscope-active", G_CALLBACK (on_page_stethoscope), self,
                           G_CONNECT_SWAPPED);
  update_clock (self);
  self->clock_timer = g_timeout_add_seconds (1, update_clock, self);
}

TcKioskWindow *
tc_kiosk_window_new (GtkApplication *app,
                     TcMediaMode     media_mode,
                     GSettings      *settings)
{
  TcKioskWindow *self = g_object_new (TC_TYPE_KIOSK_WINDOW, "application", app, NULL);

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self->settings = g_object_ref (settings);
  self->factory = tc_media_factory_new_with_mode (media_mode);
  tc_media_factory_set_video_sink_func (self->factory, create_video_sink, self, NULL);
  gtk_window_fullscreen (GTK_WINDOW (self));
  return self;
}

void
tc_kiosk_window_set_test_options (TcKioskWindow *self,
                                  guint          idle_poll_ms,
                                  guint          max_retry_ms,
                                  const char    *local_address)
{
  g_return_if_fail (TC_IS_KIOSK_WINDOW (self));

  self->idle_poll_ms = idle_poll_ms;
  self->max_retry_ms = max_retry_ms;
  g_free (self->local_address);
  self->local_address = g_strdup (local_address);
}

const char *
tc_kiosk_window_get_page_name (TcKioskWindow *self)
{
  g_return_val_if_fail (TC_IS_KIOSK_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

TcKiosk *
tc_kiosk_window_get_kiosk (TcKioskWindow *self)
{
  g_return_val_if_fail (TC_IS_KIOSK_WINDOW (self), NULL);

  return self->kiosk;
}

const char *
tc_kiosk_window_get_status_text (TcKioskWindow *self)
{
  g_return_val_if_fail (TC_IS_KIOSK_WINDOW (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->status_label)) ? gtk_label_get_text (self->status_label)
                                                                  : gtk_label_get_text (self->next_label);
}

gboolean
tc_kiosk_window_get_keeps_awake (TcKioskWindow *self)
{
  g_return_val_if_fail (TC_IS_KIOSK_WINDOW (self), FALSE);

  return self->keeps_awake;
}

void
tc_kiosk_window_allow_close (TcKioskWindow *self)
{
  g_return_if_fail (TC_IS_KIOSK_WINDOW (self));

  self->allow_close = TRUE;
}
