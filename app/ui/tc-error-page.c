/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-error-page"

#include "config.h"

#include "tc-error-page.h"

enum {
  SIGNAL_ACTION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _TcErrorPage {
  AdwBin         parent_instance;

  AdwStatusPage *status_page;
  GtkButton     *action_button;
};

G_DEFINE_FINAL_TYPE (TcErrorPage, tc_error_page, ADW_TYPE_BIN)

static void
on_action_clicked (TcErrorPage *self)
{
  g_signal_emit (self, signals[SIGNAL_ACTION], 0);
}

static void
tc_error_page_class_init (TcErrorPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  signals[SIGNAL_ACTION] =
    g_signal_new ("action", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/teleconsult/Teleconsult/ui/tc-error-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TcErrorPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, TcErrorPage, action_button);
  gtk_widget_class_bind_template_callback (widget_class, on_action_clicked);
}

static void
tc_error_page_init (TcErrorPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tc_error_page_new (void)
{
  return g_object_new (TC_TYPE_ERROR_PAGE, NULL);
}

void
tc_error_page_set_error (TcErrorPage *self,
                         const char  *title,
                         const char  *what_to_do,
                         const char  *action_label)
{
  g_autofree char *escaped = NULL;

  g_return_if_fail (TC_IS_ERROR_PAGE (self));

  /* The description is markup; messages may come from elsewhere. */
  escaped = what_to_do ? g_markup_escape_text (what_to_do, -1) : NULL;
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, escaped);
  gtk_button_set_label (self->action_button, action_label);
}

const char *
tc_error_page_get_title (TcErrorPage *self)
{
  g_return_val_if_fail (TC_IS_ERROR_PAGE (self), NULL);

  return adw_status_page_get_title (self->status_page);
}
