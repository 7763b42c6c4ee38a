/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-precall-page"

#include "config.h"

#include "tc-precall-page.h"

#include <glib/gi18n-lib.h>

enum {
  SIGNAL_CONTINUE,
  SIGNAL_PLAY_TEST_SOUND,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _TcPrecallPage {
  AdwBin         parent_instance;

  GtkPicture    *camera_picture;
  GtkLevelBar   *microphone_level;
  AdwActionRow  *camera_row;
  AdwActionRow  *microphone_row;
  AdwActionRow  *speaker_row;
  AdwActionRow  *network_row;
  AdwActionRow  *server_row;
  GtkImage      *camera_status;
  GtkImage      *microphone_status;
  GtkImage      *speaker_status;
  GtkImage      *network_status;
  GtkImage      *server_status;

  TcCheckStatus  status[TC_PRECALL_N_CHECKS];
};

G_DEFINE_FINAL_TYPE (TcPrecallPage, tc_precall_page, ADW_TYPE_BIN)

static void
on_continue_clicked (TcPrecallPage *self)
{
  g_signal_emit (self, signals[SIGNAL_CONTINUE], 0);
}

static void
on_test_sound_clicked (TcPrecallPage *self)
{
  g_signal_emit (self, signals[SIGNAL_PLAY_TEST_SOUND], 0);
}

static void
tc_precall_page_class_init (TcPrecallPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  signals[SIGNAL_CONTINUE] =
    g_signal_new ("continue", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_PLAY_TEST_SOUND] =
    g_signal_new ("play-test-sound", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/teleconsult/Teleconsult/ui/tc-precall-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TcPrecallPage, camera_picture);
  gtk_widget_class_bind_template_child (widget_class, TcPrecallPage, microphone_level);
  gtk_widget_class_bind_template_child (widget_class, TcPrecallPage, camera_row);
  gtk_widget_class_bind_template_child (widget_class, TcPrecallPage, microphone_row);
  gtk_widget_class_bind_template_child (widget_class, TcPrecallPage, speaker_row);
  gtk_widget_class_bind_template_child (widget_class, TcPrecallPage, network_row);
  gtk_widget_class_bind_template_child (widget_class, TcPrecallPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, TcPrecallPage, camera_status);
  gtk_widget_class_bind_template_child (widget_class, TcPrecallPage, microphone_status);
  gtk_widget_class_bind_template_child (widget_class, TcPrecallPage, speaker_status);
  gtk_widget_class_bind_template_child (widget_class, TcPrecallPage, network_status);
  gtk_widget_class_bind_template_child (widget_class, TcPrecallPage, server_status);
  gtk_widget_class_bind_template_callback (widget_class, on_continue_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_test_sound_clicked);
}

static void
tc_precall_page_init (TcPrecallPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  tc_precall_page_set_check (self, TC_PRECALL_CHECK_CAMERA, TC_CHECK_STATUS_RUNNING,
                             _("Starting your camera…"));
  tc_precall_page_set_check (self, TC_PRECALL_CHECK_MICROPHONE, TC_CHECK_STATUS_RUNNING,
                             _("Say a few words."));
  tc_precall_page_set_check (self, TC_PRECALL_CHECK_SPEAKER, TC_CHECK_STATUS_RUNNING,
                             _("Press the button: you should hear a short tone."));
  tc_precall_page_set_check (self, TC_PRECALL_CHECK_NETWORK, TC_CHECK_STATUS_RUNNING,
                             _("Checking your internet connection…"));
  tc_precall_page_set_check (self, TC_PRECALL_CHECK_SERVER, TC_CHECK_STATUS_RUNNING,
                             _("Checking that the consultation can be reached…"));
}

GtkWidget *
tc_precall_page_new (void)
{
  return g_object_new (TC_TYPE_PRECALL_PAGE, NULL);
}

void
tc_precall_page_set_camera_paintable (TcPrecallPage *self,
                                      GdkPaintable  *paintable)
{
  g_return_if_fail (TC_IS_PRECALL_PAGE (self));

  gtk_picture_set_paintable (self->camera_picture, paintable);
}

void
tc_precall_page_set_microphone_level (TcPrecallPage *self,
                                      double         level)
{
  g_return_if_fail (TC_IS_PRECALL_PAGE (self));

  gtk_level_bar_set_value (self->microphone_level, CLAMP (level, 0.0, 1.0));
}

double
tc_precall_page_get_microphone_level (TcPrecallPage *self)
{
  g_return_val_if_fail (TC_IS_PRECALL_PAGE (self), 0.0);

  return gtk_level_bar_get_value (self->microphone_level);
}

void
tc_precall_page_set_check (TcPrecallPage  *self,
                           TcPrecallCheck  check,
                           TcCheckStatus   status,
                           const char     *details)
{
  AdwActionRow *rows[] = { self->camera_row, self->microphone_row, self->speaker_row,
                           self->network_row, self->server_row };
  GtkImage *icons[] = { self->camera_status, self->microphone_status, self->speaker_status,
                        self->network_status, self->server_status };
  static const char *icon_names[] = { "content-loading-symbolic", "emblem-ok-symbolic",
                                      "dialog-warning-symbolic" };
  static const char *css[] = { "dim-label", "success", "warning" };
  const char *status_words[] = { _("Checking"), _("Working"), _("Problem") };
  GtkWidget *icon;

  g_return_if_fail (TC_IS_PRECALL_PAGE (self));
  g_return_if_fail (check < TC_PRECALL_N_CHECKS && status <= TC_CHECK_STATUS_FAILED);

  self->status[check] = status;
  icon = GTK_WIDGET (icons[check]);
  gtk_image_set_from_icon_name (icons[check], icon_names[status]);
  for (guint i = 0; i < G_N_ELEMENTS (css); i++)
    gtk_widget_remove_css_class (icon, css[i]);
  gtk_widget_add_css_class (icon, css[status]);
  gtk_widget_set_tooltip_text (icon, status_words[status]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  status_words[status], -1);
  adw_action_row_set_subtitle (rows[check], details ? details : "");
}

TcCheckStatus
tc_precall_page_get_check (TcPrecallPage  *self,
                           TcPrecallCheck  check)
{
  g_return_val_if_fail (TC_IS_PRECALL_PAGE (self), TC_CHECK_STATUS_RUNNING);
  g_return_val_if_fail (check < TC_PRECALL_N_CHECKS, TC_CHECK_STATUS_RUNNING);

  return self->status[check];
}
