/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-call-page"

#include "config.h"

#include "tc-call-page.h"
#include "tc-format.h"
#include "tc-video-paintable.h"

#include <glib/gi18n-lib.h>

enum {
  PROP_0,
  PROP_MICROPHONE_MUTED,
  PROP_CAMERA_OFF,
  PROP_CHAT_VISIBLE,
  PROP_DEVICES_VISIBLE,
  PROP_RECONNECTING,
  PROP_CLINICAL_STATION,
  PROP_EXAM_CAMERA_ACTIVE,
  PROP_STETHOSCOPE_ACTIVE,
  PROP_STILL_CONSENT,
  PROP_REMOTE_STETHOSCOPE_ACTIVE,
  N_PROPS
};

enum {
  SIGNAL_HANG_UP,
  SIGNAL_SEND_CHAT,
  SIGNAL_TAKE_STILL,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

struct _TcCallPage {
  AdwBin           parent_instance;

  GtkPicture      *remote_picture;
  GtkPicture      *local_picture;
  GtkWidget       *self_view;
  GtkLabel        *no_video_label;
  GtkLabel        *peer_label;
  GtkLabel        *timer_label;
  GtkBox          *quality_box;
  GtkImage        *quality_icon;
  GtkLabel        *quality_label;
  GtkMenuButton   *verification_button;
  GtkLabel        *verification_label;
  GtkLabel        *verification_short_label;
  GtkWidget       *reconnecting_box;
  GtkSpinner      *reconnecting_spinner;
  GtkToggleButton *mute_button;
  GtkImage        *mute_icon;
  GtkLabel        *mute_label;
  GtkToggleButton *camera_button;
  GtkImage        *camera_icon;
  GtkLabel        *camera_label;
  GtkToggleButton *chat_button;
  GtkLabel        *chat_label;
  GtkToggleButton *devices_button;
  GtkButton       *hang_up_button;
  GtkRevealer     *side_revealer;
  GtkRevealer     *devices_revealer;
  GtkListBox      *participants_list;
  GtkListBox      *chat_list;
  GtkScrolledWindow *chat_scroller;
  GtkEntry        *chat_entry;
  GtkBox          *devices_area;
  GtkPicture      *remote_exam_picture;
  GtkWidget       *exam_preview_frame;
  GtkPicture      *exam_preview_picture;
  GtkLabel        *stethoscope_indicator;
  GtkWidget       *still_box;
  GtkPicture      *still_picture;
  GtkLabel        *still_status_label;
  GtkToggleButton *exam_button;
  GtkLabel        *exam_label;
  GtkToggleButton *stethoscope_button;
  GtkLabel        *stethoscope_label;
  GtkButton       *still_button;
  GtkWidget       *consent_box;
  GtkSwitch       *consent_switch;

  GdkPaintable    *remote_paintable;
  char            *peer_name;
  gint64           started_at;
  guint            tick_id;
  guint            unread;
  gboolean         reconnecting;

  /* Clinical media (docs/ui.md). */
  TcVideoPaintable *remote_exam;
  guint64          remote_exam_frames;   /* frame count at the last tick */
  guint            remote_exam_idle;     /* ticks without a new exam frame */
  gboolean         remote_exam_shown;
  gboolean         clinical_station;
  gboolean         remote_stethoscope;
};

G_DEFINE_FINAL_TYPE (TcCallPage, tc_call_page, ADW_TYPE_BIN)

/* ---- controls ---------------------------------------------------------- */

static void
update_clinical (TcCallPage *self)
{
  gboolean exam = gtk_toggle_button_get_active (self->exam_button);
  gboolean stethoscope = gtk_toggle_button_get_active (self->stethoscope_button);
  const char *indicator = NULL;

  /* Station: its own controls. */
  gtk_widget_set_visible (GTK_WIDGET (self->exam_button), self->clinical_station);
  gtk_widget_set_visible (GTK_WIDGET (self->stethoscope_button), self->clinical_station);
  gtk_widget_set_visible (self->exam_preview_frame, self->clinical_station && exam);
  /* The words stay (a kiosk's row of large controls has no room for "Stop …"): the pressed
   * look, the preview and the indicator say it is on; the accessible label says it too. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->exam_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  exam ? _("Exam camera is on. Turn it off")
                                       : _("Exam camera is off. Turn it on"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->stethoscope_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  stethoscope ? _("Stethoscope is on. Turn it off")
                                              : _("Stethoscope is off. Turn it on"), -1);

  /* Practitioner: the peer's exam camera, the picture button and the consent, once the
   * exam camera has sent. */
  gtk_widget_set_visible (GTK_WIDGET (self->remote_exam_picture), self->remote_exam_shown);
  gtk_widget_set_visible (GTK_WIDGET (self->still_button), !self->clinical_station && self->remote_exam_shown);
  gtk_widget_set_visible (self->consent_box, !self->clinical_station && self->remote_exam_shown);

  if (self->clinical_station && stethoscope)
    indicator = _("Stethoscope on — your doctor is listening");
  else if (!self->clinical_station && self->remote_stethoscope)
    indicator = _("Stethoscope on — you are hearing the patient's stethoscope");
  gtk_label_set_text (self->stethoscope_indicator, indicator ? indicator : "");
  gtk_widget_set_visible (GTK_WIDGET (self->stethoscope_indicator), indicator != NULL);
}

/* Once a second: the peer's exam camera shows while its frames come, and goes away two
 * seconds after they stop (the station switched it off). */
static void
check_remote_exam (TcCallPage *self)
{
  guint64 frames;
  gboolean shown;

  if (self->remote_exam == NULL)
    return;
  frames = tc_video_paintable_get_frame_count (self->remote_exam);
  if (frames != self->remote_exam_frames)
    self->remote_exam_idle = 0;
  else if (self->remote_exam_idle < G_MAXUINT)
    self->remote_exam_idle++;
  self->remote_exam_frames = frames;
  shown = frames > 0 && self->remote_exam_idle < 2;
  if (shown != self->remote_exam_shown)
    {
      self->remote_exam_shown = shown;
      update_clinical (self);
    }
}

static void
on_still_clicked (TcCallPage *self)
{
  g_signal_emit (self, signals[SIGNAL_TAKE_STILL], 0);
}

static void
on_still_close (TcCallPage *self)
{
  gtk_widget_set_visible (self->still_box, FALSE);
  gtk_picture_set_paintable (self->still_picture, NULL);
}

static void
on_consent_notify (TcCallPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STILL_CONSENT]);
}

static void
update_controls (TcCallPage *self)
{
  gboolean muted = gtk_toggle_button_get_active (self->mute_button);
  gboolean camera_off = gtk_toggle_button_get_active (self->camera_button);
  g_autofree char *chat = NULL;

  gtk_image_set_from_icon_name (self->mute_icon, muted ? "microphone-disabled-symbolic"
                                                       : "audio-input-microphone-symbolic");
  gtk_label_set_text (self->mute_label, muted ? _("Unmute") : _("Mute"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->mute_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  muted ? _("Microphone is off. Turn it on")
                                        : _("Microphone is on. Turn it off"), -1);
  gtk_image_set_from_icon_name (self->camera_icon, camera_off ? "camera-disabled-symbolic"
                                                              : "camera-web-symbolic");
  gtk_label_set_text (self->camera_label, camera_off ? _("Start Video") : _("Stop Video"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->camera_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  camera_off ? _("Camera is off. Turn it on")
                                             : _("Camera is on. Turn it off"), -1);
  gtk_widget_set_visible (self->self_view, !camera_off);

  update_clinical (self);

  if (self->unread > 0)
    /* Translators: the chat button when messages are unread, e.g. "Chat (2)" */
    chat = g_strdup_printf (_("Chat (%u)"), self->unread);
  gtk_label_set_text (self->chat_label, chat ? chat : _("Chat"));
}

static void
on_toggle_notify (TcCallPage *self,
                  GParamSpec *pspec,
                  GtkToggleButton *button)
{
  if (button == self->mute_button)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MICROPHONE_MUTED]);
  else if (button == self->camera_button)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CAMERA_OFF]);
  else if (button == self->chat_button)
    {
      gtk_revealer_set_reveal_child (self->side_revealer, gtk_toggle_button_get_active (button));
      if (gtk_toggle_button_get_active (button))
        {
          self->unread = 0;
          gtk_widget_grab_focus (GTK_WIDGET (self->chat_entry));
        }
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CHAT_VISIBLE]);
    }
  else if (button == self->exam_button)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_EXAM_CAMERA_ACTIVE]);
  else if (button == self->stethoscope_button)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STETHOSCOPE_ACTIVE]);
  else if (button == self->devices_button)
    {
      gtk_revealer_set_reveal_child (self->devices_revealer, gtk_toggle_button_get_active (button));
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DEVICES_VISIBLE]);
    }
  update_controls (self);
}

static void
on_hang_up_response (AdwMessageDialog *dialog,
                     const char       *response,
                     TcCallPage       *self)
{
  if (g_strcmp0 (response, "end") == 0)
    g_signal_emit (self, signals[SIGNAL_HANG_UP], 0);
}

void
tc_call_page_request_hang_up (TcCallPage *self)
{
  GtkRoot *root;
  AdwMessageDialog *dialog;

  g_return_if_fail (TC_IS_CALL_PAGE (self));

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("End the Consultation?"),
                                                       _("The call stops for both of you.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Keep Talking"),
                                    "end", _("_End Call"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "end", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_hang_up_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_hang_up_clicked (TcCallPage *self)
{
  tc_call_page_request_hang_up (self);
}

static void
on_send_chat (TcCallPage *self)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->chat_entry)));

  if (*g_strstrip (text) == '\0')
    return;
  g_signal_emit (self, signals[SIGNAL_SEND_CHAT], 0, text);
  gtk_editable_set_text (GTK_EDITABLE (self->chat_entry), "");
}

/* ---- timer ------------------------------------------------------------- */

static void
update_timer (TcCallPage *self)
{
  g_autofree char *clock = NULL;

  if (self->started_at == 0)
    {
      gtk_label_set_text (self->timer_label, _("Connecting…"));
      return;
    }
  clock = tc_format_duration_clock ((g_get_monotonic_time () - self->started_at) / G_USEC_PER_SEC);
  gtk_label_set_text (self->timer_label, clock);
}

static gboolean
on_tick (gpointer data)
{
  update_timer (TC_CALL_PAGE (data));
  check_remote_exam (TC_CALL_PAGE (data));
  return G_SOURCE_CONTINUE;
}

static void
on_remote_contents (TcCallPage *self)
{
  gboolean has_video = gdk_paintable_get_intrinsic_width (self->remote_paintable) > 0;

  gtk_widget_set_visible (GTK_WIDGET (self->no_video_label), !has_video);
}

/* ---- GObject ----------------------------------------------------------- */

static void
tc_call_page_map (GtkWidget *widget)
{
  TcCallPage *self = TC_CALL_PAGE (widget);

  GTK_WIDGET_CLASS (tc_call_page_parent_class)->map (widget);
  update_timer (self);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, on_tick, self);
}

static void
tc_call_page_unmap (GtkWidget *widget)
{
  TcCallPage *self = TC_CALL_PAGE (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (tc_call_page_parent_class)->unmap (widget);
}

static void
tc_call_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TcCallPage *self = TC_CALL_PAGE (object);

  switch (prop_id)
    {
    case PROP_MICROPHONE_MUTED:
      g_value_set_boolean (value, gtk_toggle_button_get_active (self->mute_button));
      break;
    case PROP_CAMERA_OFF:
      g_value_set_boolean (value, gtk_toggle_button_get_active (self->camera_button));
      break;
    case PROP_CHAT_VISIBLE:
      g_value_set_boolean (value, gtk_toggle_button_get_active (self->chat_button));
      break;
    case PROP_DEVICES_VISIBLE:
      g_value_set_boolean (value, gtk_toggle_button_get_active (self->devices_button));
      break;
    case PROP_RECONNECTING:
      g_value_set_boolean (value, self->reconnecting);
      break;
    case PROP_CLINICAL_STATION:
      g_value_set_boolean (value, self->clinical_station);
      break;
    case PROP_EXAM_CAMERA_ACTIVE:
      g_value_set_boolean (value, gtk_toggle_button_get_active (self->exam_button));
      break;
    case PROP_STETHOSCOPE_ACTIVE:
      g_value_set_boolean (value, gtk_toggle_button_get_active (self->stethoscope_button));
      break;
    case PROP_STILL_CONSENT:
      g_value_set_boolean (value, gtk_switch_get_active (self->consent_switch));
      break;
    case PROP_REMOTE_STETHOSCOPE_ACTIVE:
      g_value_set_boolean (value, self->remote_stethoscope);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_call_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TcCallPage *self = TC_CALL_PAGE (object);

  switch (prop_id)
    {
    case PROP_MICROPHONE_MUTED:
      gtk_toggle_button_set_active (self->mute_button, g_value_get_boolean (value));
      break;
    case PROP_CAMERA_OFF:
      gtk_toggle_button_set_active (self->camera_button, g_value_get_boolean (value));
      break;
    case PROP_CHAT_VISIBLE:
      gtk_toggle_button_set_active (self->chat_button, g_value_get_boolean (value));
      break;
    case PROP_DEVICES_VISIBLE:
      gtk_toggle_button_set_active (self->devices_button, g_value_get_boolean (value));
      break;
    case PROP_RECONNECTING:
      if (self->reconnecting != g_value_get_boolean (value))
        {
          self->reconnecting = g_value_get_boolean (value);
          gtk_widget_set_visible (self->reconnecting_box, self->reconnecting);
          gtk_spinner_set_spinning (self->reconnecting_spinner, self->reconnecting);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_CLINICAL_STATION:
      if (self->clinical_station != g_value_get_boolean (value))
        {
          self->clinical_station = g_value_get_boolean (value);
          update_clinical (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_EXAM_CAMERA_ACTIVE:
      gtk_toggle_button_set_active (self->exam_button, g_value_get_boolean (value));
      break;
    case PROP_STETHOSCOPE_ACTIVE:
      gtk_toggle_button_set_active (self->stethoscope_button, g_value_get_boolean (value));
      break;
    case PROP_STILL_CONSENT:
      gtk_switch_set_active (self->consent_switch, g_value_get_boolean (value));
      break;
    case PROP_REMOTE_STETHOSCOPE_ACTIVE:
      if (self->remote_stethoscope != g_value_get_boolean (value))
        {
          self->remote_stethoscope = g_value_get_boolean (value);
          update_clinical (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_call_page_dispose (GObject *object)
{
  TcCallPage *self = TC_CALL_PAGE (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->remote_paintable != NULL)
    g_signal_handlers_disconnect_by_data (self->remote_paintable, self);
  g_clear_object (&self->remote_paintable);
  g_clear_object (&self->remote_exam);

  G_OBJECT_CLASS (tc_call_page_parent_class)->dispose (object);
}

static void
tc_call_page_finalize (GObject *object)
{
  TcCallPage *self = TC_CALL_PAGE (object);

  g_free (self->peer_name);
  G_OBJECT_CLASS (tc_call_page_parent_class)->finalize (object);
}

static void
tc_call_page_class_init (TcCallPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = tc_call_page_get_property;
  object_class->set_property = tc_call_page_set_property;
  object_class->dispose = tc_call_page_dispose;
  object_class->finalize = tc_call_page_finalize;
  widget_class->map = tc_call_page_map;
  widget_class->unmap = tc_call_page_unmap;

  props[PROP_MICROPHONE_MUTED] = g_param_spec_boolean ("microphone-muted", NULL, NULL, FALSE, flags);
  props[PROP_CAMERA_OFF] = g_param_spec_boolean ("camera-off", NULL, NULL, FALSE, flags);
  props[PROP_CHAT_VISIBLE] = g_param_spec_boolean ("chat-visible", NULL, NULL, FALSE, flags);
  props[PROP_DEVICES_VISIBLE] = g_param_spec_boolean ("devices-visible", NULL, NULL, FALSE, flags);
  props[PROP_RECONNECTING] = g_param_spec_boolean ("reconnecting", NULL, NULL, FALSE, flags);
  /* TRUE on a station sending clinical tracks: the exam camera and stethoscope controls. */
  props[PROP_CLINICAL_STATION] = g_param_spec_boolean ("clinical-station", NULL, NULL, FALSE, flags);
  props[PROP_EXAM_CAMERA_ACTIVE] = g_param_spec_boolean ("exam-camera-active", NULL, NULL, FALSE, flags);
  props[PROP_STETHOSCOPE_ACTIVE] = g_param_spec_boolean ("stethoscope-active", NULL, NULL, FALSE, flags);
  /* Practitioner: the patient agreed that pictures are kept. */
  props[PROP_STILL_CONSENT] = g_param_spec_boolean ("still-consent", NULL, NULL, FALSE, flags);
  /* Practitioner: the station's stethoscope is on (the indicator). */
  props[PROP_REMOTE_STETHOSCOPE_ACTIVE] = g_param_spec_boolean ("remote-stethoscope-active", NULL, NULL,
                                                                FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /* The person confirmed they want to end the call. */
  signals[SIGNAL_HANG_UP] =
    g_signal_new ("hang-up", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* (text) */
  signals[SIGNAL_SEND_CHAT] =
    g_signal_new ("send-chat", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* Practitioner: "Take a Picture" was pressed. */
  signals[SIGNAL_TAKE_STILL] =
    g_signal_new ("take-still", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/teleconsult/Teleconsult/ui/tc-call-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, TcCallPage, name)
  BIND (remote_picture);
  BIND (local_picture);
  BIND (self_view);
  BIND (no_video_label);
  BIND (peer_label);
  BIND (timer_label);
  BIND (quality_box);
  BIND (quality_icon);
  BIND (quality_label);
  BIND (verification_button);
  BIND (verification_label);
  BIND (verification_short_label);
  BIND (reconnecting_box);
  BIND (reconnecting_spinner);
  BIND (mute_button);
  BIND (mute_icon);
  BIND (mute_label);
  BIND (camera_button);
  BIND (camera_icon);
  BIND (camera_label);
  BIND (chat_button);
  BIND (chat_label);
  BIND (devices_button);
  BIND (hang_up_button);
  BIND (side_revealer);
  BIND (devices_revealer);
  BIND (participants_list);
  BIND (chat_list);
  BIND (chat_scroller);
  BIND (chat_entry);
  BIND (devices_area);
  BIND (remote_exam_picture);
  BIND (exam_preview_frame);
  BIND (exam_preview_picture);
  BIND (stethoscope_indicator);
  BIND (still_box);
  BIND (still_picture);
  BIND (still_status_label);
  BIND (exam_button);
  BIND (exam_label);
  BIND (stethoscope_button);
  BIND (stethoscope_label);
  BIND (still_button);
  BIND (consent_box);
  BIND (consent_switch);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_hang_up_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_send_chat);
  gtk_widget_class_bind_template_callback (widget_class, on_still_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_still_close);
}

static void
tc_call_page_init (TcCallPage *self)
{
  GtkToggleButton *toggles[6];

  gtk_widget_init_template (GTK_WIDGET (self));

  toggles[0] = self->mute_button;
  toggles[1] = self->camera_button;
  toggles[2] = self->chat_button;
  toggles[3] = self->devices_button;
  toggles[4] = self->exam_button;
  toggles[5] = self->stethoscope_button;
  for (guint i = 0; i < G_N_ELEMENTS (toggles); i++)
    /* Swapped: the handler gets (self, pspec, button). */
    g_signal_connect_object (toggles[i], "notify::active", G_CALLBACK (on_toggle_notify), self,
                             G_CONNECT_SWAPPED);
  g_signal_connect_object (self->consent_switch, "notify::active", G_CALLBACK (on_consent_notify), self,
                           G_CONNECT_SWAPPED);
  tc_call_page_reset (self);
}

GtkWidget *
tc_call_page_new (void)
{
  return g_object_new (TC_TYPE_CALL_PAGE, NULL);
}

void
tc_call_page_reset (TcCallPage *self)
{
  GtkListBoxRow *row;

  g_return_if_fail (TC_IS_CALL_PAGE (self));

  while ((row = gtk_list_box_get_row_at_index (self->chat_list, 0)) != NULL)
    gtk_list_box_remove (self->chat_list, GTK_WIDGET (row));
  self->unread = 0;
  self->started_at = 0;
  g_object_set (self, "microphone-muted", FALSE, "camera-off", FALSE, "reconnecting", FALSE,
                "exam-camera-active", FALSE, "stethoscope-active", FALSE, "still-consent", FALSE,
                "remote-stethoscope-active", FALSE, NULL);
  self->remote_exam_frames = self->remote_exam ? tc_video_paintable_get_frame_count (self->remote_exam) : 0;
  self->remote_exam_idle = 0;
  self->remote_exam_shown = FALSE;
  on_still_close (self);
  tc_call_page_set_peer_name (self, NULL);
  tc_call_page_set_verification_code (self, NULL);
  tc_call_page_set_quality (self, TC_CALL_QUALITY_UNKNOWN, NULL);
  update_timer (self);
  update_controls (self);
}

void
tc_call_page_set_remote_paintable (TcCallPage   *self,
                                   GdkPaintable *paintable)
{
  g_return_if_fail (TC_IS_CALL_PAGE (self));

  if (self->remote_paintable != NULL)
    g_signal_handlers_disconnect_by_data (self->remote_paintable, self);
  g_set_object (&self->remote_paintable, paintable);
  gtk_picture_set_paintable (self->remote_picture, paintable);
  if (paintable != NULL)
    {
      g_signal_connect_object (paintable, "invalidate-size", G_CALLBACK (on_remote_contents), self,
                               G_CONNECT_SWAPPED);
      on_remote_contents (self);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->no_video_label), TRUE);
}

void
tc_call_page_set_local_paintable (TcCallPage   *self,
                                  GdkPaintable *paintable)
{
  g_return_if_fail (TC_IS_CALL_PAGE (self));

  gtk_picture_set_paintable (self->local_picture, paintable);
}

static GtkWidget *
participant_row (const char *name,
                 const char *role)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *avatar = adw_avatar_new (32, name, TRUE);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), role);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), avatar);
  return row;
}

void
tc_call_page_set_peer_name (TcCallPage *self,
                            const char *peer_name)
{
  GtkListBoxRow *row;

  g_return_if_fail (TC_IS_CALL_PAGE (self));

  g_free (self->peer_name);
  self->peer_name = g_strdup (peer_name);
  gtk_label_set_text (self->peer_label, peer_name ? peer_name : "");

  while ((row = gtk_list_box_get_row_at_index (self->participants_list, 0)) != NULL)
    gtk_list_box_remove (self->participants_list, GTK_WIDGET (row));
  if (peer_name != NULL)
    gtk_list_box_append (self->participants_list, participant_row (peer_name, _("In the call")));
  gtk_list_box_append (self->participants_list, participant_row (_("You"), _("In the call")));
}

void
tc_call_page_set_verification_code (TcCallPage *self,
                                    const char *code)
{
  g_return_if_fail (TC_IS_CALL_PAGE (self));

  gtk_label_set_text (self->verification_label, code ? code : "");
  gtk_label_set_text (self->verification_short_label, code ? code : "");
  gtk_widget_set_visible (GTK_WIDGET (self->verification_button), code != NULL && *code != '\0');
}

void
tc_call_page_set_quality (TcCallPage    *self,
                          TcCallQuality  quality,
                          const char    *details)
{
  static const char *icons[] = {
    "network-cellular-signal-none-symbolic",
    "network-cellular-signal-excellent-symbolic",
    "network-cellular-signal-ok-symbolic",
    "network-cellular-signal-weak-symbolic",
  };
  const char *words[] = { _("Connecting"), _("Good connection"), _("Fair connection"),
                          _("Poor connection") };
  g_autofree char *tooltip = NULL;

  g_return_if_fail (TC_IS_CALL_PAGE (self));
  g_return_if_fail (quality <= TC_CALL_QUALITY_POOR);

  gtk_image_set_from_icon_name (self->quality_icon, icons[quality]);
  gtk_label_set_text (self->quality_label, words[quality]);
  tooltip = details ? g_strdup_printf ("%s\n%s", words[quality], details) : g_strdup (words[quality]);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->quality_box), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->quality_box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  tooltip, -1);
}

void
tc_call_page_set_started_at (TcCallPage *self,
                             gint64      monotonic_us)
{
  g_return_if_fail (TC_IS_CALL_PAGE (self));

  self->started_at = monotonic_us;
  update_timer (self);
}

static gboolean
scroll_chat_to_end (gpointer data)
{
  TcCallPage *self = data;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->chat_scroller);

  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  return G_SOURCE_REMOVE;
}

void
tc_call_page_add_chat_message (TcCallPage *self,
                               const char *from_name,
                               const char *text,
                               gint64      server_ts_ms,
                               gboolean    from_me)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *header;
  GtkWidget *body;
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (server_ts_ms / 1000);
  g_autofree char *time = when ? g_date_time_format (when, "%H:%M") : g_strdup ("");
  g_autofree char *heading = g_strdup_printf ("%s · %s", from_me ? _("You") : from_name, time);

  g_return_if_fail (TC_IS_CALL_PAGE (self));

  header = gtk_label_new (heading);
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "caption-heading");
  body = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (body), 0);
  gtk_label_set_wrap (GTK_LABEL (body), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (body), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (body), TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), body);
  gtk_widget_add_css_class (box, from_me ? "tc-chat-mine" : "tc-chat-theirs");
  gtk_list_box_append (self->chat_list, box);

  if (!from_me && !gtk_toggle_button_get_active (self->chat_button))
    {
      self->unread++;
      update_controls (self);
    }
  g_idle_add_full (G_PRIORITY_LOW, scroll_chat_to_end, g_object_ref (self), g_object_unref);
}

GtkBox *
tc_call_page_get_devices_area (TcCallPage *self)
{
  g_return_val_if_fail (TC_IS_CALL_PAGE (self), NULL);

  return self->devices_area;
}

const char *
tc_call_page_get_timer_text (TcCallPage *self)
{
  g_return_val_if_fail (TC_IS_CALL_PAGE (self), NULL);

  return gtk_label_get_text (self->timer_label);
}

guint
tc_call_page_get_unread_count (TcCallPage *self)
{
  g_return_val_if_fail (TC_IS_CALL_PAGE (self), 0);

  return self->unread;
}

gboolean
tc_call_page_get_microphone_muted (TcCallPage *self)
{
  g_return_val_if_fail (TC_IS_CALL_PAGE (self), FALSE);

  return gtk_toggle_button_get_active (self->mute_button);
}

gboolean
tc_call_page_get_camera_off (TcCallPage *self)
{
  g_return_val_if_fail (TC_IS_CALL_PAGE (self), FALSE);

  return gtk_toggle_button_get_active (self->camera_button);
}

gboolean
tc_call_page_get_reconnecting (TcCallPage *self)
{
  g_return_val_if_fail (TC_IS_CALL_PAGE (self), FALSE);

  return self->reconnecting;
}

void
tc_call_page_set_exam_paintables (TcCallPage       *self,
                                  TcVideoPaintable *exam_preview,
                                  TcVideoPaintable *remote_exam)
{
  g_return_if_fail (TC_IS_CALL_PAGE (self));

  gtk_picture_set_paintable (self->exam_preview_picture, GDK_PAINTABLE (exam_preview));
  g_set_object (&self->remote_exam, remote_exam);
  gtk_picture_set_paintable (self->remote_exam_picture, GDK_PAINTABLE (remote_exam));
  self->remote_exam_frames = remote_exam ? tc_video_paintable_get_frame_count (remote_exam) : 0;
  self->remote_exam_idle = 0;
  self->remote_exam_shown = FALSE;
  update_clinical (self);
}

void
tc_call_page_show_still (TcCallPage *self,
                         GdkTexture *texture,
                         gboolean    kept)
{
  g_return_if_fail (TC_IS_CALL_PAGE (self));
  g_return_if_fail (GDK_IS_TEXTURE (texture));

  gtk_picture_set_paintable (self->still_picture, GDK_PAINTABLE (texture));
  gtk_label_set_text (self->still_status_label,
                      kept ? _("Kept with the consultation.")
                           : _("Not kept: the patient did not agree to keep pictures."));
  gtk_widget_set_visible (self->still_box, TRUE);
}

gboolean
tc_call_page_get_remote_exam_shown (TcCallPage *self)
{
  g_return_val_if_fail (TC_IS_CALL_PAGE (self), FALSE);

  return self->remote_exam_shown;
}

gboolean
tc_call_page_get_still_shown (TcCallPage *self)
{
  g_return_val_if_fail (TC_IS_CALL_PAGE (self), FALSE);

  return gtk_widget_get_visible (self->still_box) &&
         gtk_picture_get_paintable (self->still_picture) != NULL;
}

gboolean
tc_call_page_get_stethoscope_indicator_shown (TcCallPage *self)
{
  g_return_val_if_fail (TC_IS_CALL_PAGE (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->stethoscope_indicator));
}
