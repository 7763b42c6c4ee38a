/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-home-page"

#include "config.h"

#include "tc-home-page.h"
#include "tc-qr-code.h"
#include "tc-waiting-row.h"

#include <glib/gi18n-lib.h>

enum {
  SIGNAL_CREATE,
  SIGNAL_ADMIT,
  SIGNAL_DECLINE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _TcHomePage {
  AdwBin               parent_instance;

  GtkBox              *invitation_box;
  GtkPicture          *qr_picture;
  AdwActionRow        *code_row;
  AdwActionRow        *link_row;
  GtkButton           *copy_code_button;
  GtkButton           *copy_link_button;
  GtkButton           *create_button;
  GtkLabel            *create_label;
  GtkSpinner          *spinner;
  GtkListBox          *waiting_list;

  char                *url;
  char                *code;
  gboolean             busy;
};

G_DEFINE_FINAL_TYPE (TcHomePage, tc_home_page, ADW_TYPE_BIN)

static gboolean
restore_copy_icon (gpointer data)
{
  gtk_button_set_icon_name (GTK_BUTTON (data), "edit-copy-symbolic");
  return G_SOURCE_REMOVE;
}

static void
copy_text (TcHomePage *self,
           GtkButton  *button,
           const char *text)
{
  if (text == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  /* A visible "done" for people who do not notice toasts. */
  gtk_button_set_icon_name (button, "object-select-symbolic");
  g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, 2, restore_copy_icon,
                              g_object_ref (button), g_object_unref);
}

static void
on_copy_code_clicked (TcHomePage *self)
{
  copy_text (self, self->copy_code_button, self->code);
}

static void
on_copy_link_clicked (TcHomePage *self)
{
  copy_text (self, self->copy_link_button, self->url);
}

static void
on_create_clicked (TcHomePage *self)
{
  if (!self->busy)
    g_signal_emit (self, signals[SIGNAL_CREATE], 0);
}

static void
on_row_admit (TcWaitingRow *row,
              TcHomePage   *self)
{
  g_signal_emit (self, signals[SIGNAL_ADMIT], 0, tc_waiting_row_get_participant_id (row));
}

static void
on_row_decline (TcWaitingRow *row,
                TcHomePage   *self)
{
  g_signal_emit (self, signals[SIGNAL_DECLINE], 0, tc_waiting_row_get_participant_id (row));
}

static GtkWidget *
create_waiting_row (gpointer item,
                    gpointer user_data)
{
  TcHomePage *self = user_data;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  gint64 since = 0;
  GtkWidget *row;

  g_object_get (item, "participant-id", &id, "display-name", &name, "waiting-since", &since, NULL);
  row = tc_waiting_row_new (id, name, since);
  g_signal_connect_object (row, "admit", G_CALLBACK (on_row_admit), self, 0);
  g_signal_connect_object (row, "decline", G_CALLBACK (on_row_decline), self, 0);
  return row;
}

static void
tc_home_page_finalize (GObject *object)
{
  TcHomePage *self = TC_HOME_PAGE (object);

  g_free (self->url);
  g_free (self->code);

  G_OBJECT_CLASS (tc_home_page_parent_class)->finalize (object);
}

static void
tc_home_page_class_init (TcHomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tc_home_page_finalize;

  signals[SIGNAL_CREATE] =
    g_signal_new ("create", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* (participant_id) */
  signals[SIGNAL_ADMIT] =
    g_signal_new ("admit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_DECLINE] =
    g_signal_new ("decline", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/teleconsult/Teleconsult/ui/tc-home-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TcHomePage, invitation_box);
  gtk_widget_class_bind_template_child (widget_class, TcHomePage, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, TcHomePage, code_row);
  gtk_widget_class_bind_template_child (widget_class, TcHomePage, link_row);
  gtk_widget_class_bind_template_child (widget_class, TcHomePage, copy_code_button);
  gtk_widget_class_bind_template_child (widget_class, TcHomePage, copy_link_button);
  gtk_widget_class_bind_template_child (widget_class, TcHomePage, create_button);
  gtk_widget_class_bind_template_child (widget_class, TcHomePage, create_label);
  gtk_widget_class_bind_template_child (widget_class, TcHomePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, TcHomePage, waiting_list);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_code_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_link_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_create_clicked);
}

static void
tc_home_page_init (TcHomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tc_home_page_new (void)
{
  return g_object_new (TC_TYPE_HOME_PAGE, NULL);
}

void
tc_home_page_set_invitation (TcHomePage *self,
                             const char *url,
                             const char *code)
{
  gboolean has_invitation;

  g_return_if_fail (TC_IS_HOME_PAGE (self));

  g_free (self->url);
  self->url = g_strdup (url);
  g_free (self->code);
  self->code = g_strdup (code);
  has_invitation = url != NULL || code != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->invitation_box), has_invitation);
  adw_action_row_set_subtitle (self->link_row, url ? url : "");
  gtk_widget_set_visible (GTK_WIDGET (self->link_row), url != NULL);
  adw_action_row_set_subtitle (self->code_row, code ? code : "");
  gtk_widget_set_visible (GTK_WIDGET (self->code_row), code != NULL);
  gtk_label_set_text_with_mnemonic (self->create_label,
                                    has_invitation ? _("_New Invitation") : _("_New Consultation"));

  gtk_picture_set_paintable (self->qr_picture, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), FALSE);
  if (url != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GdkTexture) qr = tc_qr_code_new_texture (url, 4, &error);

      if (qr != NULL)
        {
          gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (qr));
          gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), TRUE);
        }
      else
        g_debug ("No QR code: %s", error->message);
    }
}

void
tc_home_page_set_waiting_room (TcHomePage *self,
                               GListModel *model)
{
  g_return_if_fail (TC_IS_HOME_PAGE (self));

  gtk_list_box_bind_model (self->waiting_list, model, create_waiting_row, self, NULL);
}

void
tc_home_page_set_busy (TcHomePage *self,
                       gboolean    busy)
{
  g_return_if_fail (TC_IS_HOME_PAGE (self));

  self->busy = !!busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
}

GtkWidget *
tc_home_page_get_waiting_row (TcHomePage *self,
                              guint       position)
{
  g_return_val_if_fail (TC_IS_HOME_PAGE (self), NULL);

  return GTK_WIDGET (gtk_list_box_get_row_at_index (self->waiting_list, position));
}
