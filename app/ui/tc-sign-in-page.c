/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-sign-in-page"

#include "config.h"

#include "tc-sign-in-page.h"

#include <glib/gi18n-lib.h>

enum {
  SIGNAL_SIGN_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _TcSignInPage {
  AdwBin                parent_instance;

  GtkCheckButton       *lan_check;
  GtkCheckButton       *server_check;
  AdwPreferencesGroup  *lan_group;
  AdwPreferencesGroup  *server_group;
  AdwEntryRow          *display_name_row;
  AdwEntryRow          *server_url_row;
  AdwEntryRow          *username_row;
  AdwPasswordEntryRow  *password_row;
  GtkButton            *sign_in_button;
  GtkLabel             *sign_in_label;
  GtkSpinner           *spinner;

  gboolean              busy;
};

G_DEFINE_FINAL_TYPE (TcSignInPage, tc_sign_in_page, ADW_TYPE_BIN)

static gboolean
row_filled (gpointer row)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));

  return *g_strstrip (text) != '\0';
}

gboolean
tc_sign_in_page_get_can_sign_in (TcSignInPage *self)
{
  g_return_val_if_fail (TC_IS_SIGN_IN_PAGE (self), FALSE);

  if (tc_sign_in_page_get_use_lan (self))
    return row_filled (self->display_name_row);
  return row_filled (self->server_url_row) && row_filled (self->username_row) &&
         gtk_editable_get_text (GTK_EDITABLE (self->password_row))[0] != '\0';
}

static void
update_state (TcSignInPage *self)
{
  gboolean lan = tc_sign_in_page_get_use_lan (self);

  gtk_widget_set_visible (GTK_WIDGET (self->lan_group), lan);
  gtk_widget_set_visible (GTK_WIDGET (self->server_group), !lan);
  gtk_label_set_text_with_mnemonic (self->sign_in_label,
                                    lan ? _("_Start Receiving Patients") : _("_Sign In"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button),
                            !self->busy && tc_sign_in_page_get_can_sign_in (self));
}

static void
on_mode_toggled (TcSignInPage *self)
{
  update_state (self);
}

static void
on_field_changed (TcSignInPage *self)
{
  update_state (self);
}

static void
on_sign_in_clicked (TcSignInPage *self)
{
  if (!self->busy && tc_sign_in_page_get_can_sign_in (self))
    g_signal_emit (self, signals[SIGNAL_SIGN_IN], 0);
}

static void
tc_sign_in_page_class_init (TcSignInPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /* The button was pressed with the chosen mode's fields filled. */
  signals[SIGNAL_SIGN_IN] =
    g_signal_new ("sign-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/teleconsult/Teleconsult/ui/tc-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TcSignInPage, lan_check);
  gtk_widget_class_bind_template_child (widget_class, TcSignInPage, server_check);
  gtk_widget_class_bind_template_child (widget_class, TcSignInPage, lan_group);
  gtk_widget_class_bind_template_child (widget_class, TcSignInPage, server_group);
  gtk_widget_class_bind_template_child (widget_class, TcSignInPage, display_name_row);
  gtk_widget_class_bind_template_child (widget_class, TcSignInPage, server_url_row);
  gtk_widget_class_bind_template_child (widget_class, TcSignInPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, TcSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, TcSignInPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, TcSignInPage, sign_in_label);
  gtk_widget_class_bind_template_child (widget_class, TcSignInPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_mode_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked);
}

static void
tc_sign_in_page_init (TcSignInPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_state (self);
}

GtkWidget *
tc_sign_in_page_new (void)
{
  return g_object_new (TC_TYPE_SIGN_IN_PAGE, NULL);
}

gboolean
tc_sign_in_page_get_use_lan (TcSignInPage *self)
{
  g_return_val_if_fail (TC_IS_SIGN_IN_PAGE (self), TRUE);

  return gtk_check_button_get_active (self->lan_check);
}

void
tc_sign_in_page_set_use_lan (TcSignInPage *self,
                             gboolean      use_lan)
{
  g_return_if_fail (TC_IS_SIGN_IN_PAGE (self));

  gtk_check_button_set_active (use_lan ? self->lan_check : self->server_check, TRUE);
}

#define TEXT_ACCESSORS(field)                                                  \
const char *                                                                   \
tc_sign_in_page_get_##field (TcSignInPage *self)                               \
{                                                                              \
  g_return_val_if_fail (TC_IS_SIGN_IN_PAGE (self), NULL);                      \
  return gtk_editable_get_text (GTK_EDITABLE (self->field##_row));             \
}

TEXT_ACCESSORS (server_url)
TEXT_ACCESSORS (username)
TEXT_ACCESSORS (password)
TEXT_ACCESSORS (display_name)

void
tc_sign_in_page_set_server_url (TcSignInPage *self,
                                const char   *url)
{
  g_return_if_fail (TC_IS_SIGN_IN_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->server_url_row), url ? url : "");
}

void
tc_sign_in_page_set_username (TcSignInPage *self,
                              const char   *username)
{
  g_return_if_fail (TC_IS_SIGN_IN_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), username ? username : "");
}

void
tc_sign_in_page_set_display_name (TcSignInPage *self,
                                  const char   *display_name)
{
  g_return_if_fail (TC_IS_SIGN_IN_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->display_name_row), display_name ? display_name : "");
}

void
tc_sign_in_page_clear_password (TcSignInPage *self)
{
  g_return_if_fail (TC_IS_SIGN_IN_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
}

void
tc_sign_in_page_set_busy (TcSignInPage *self,
                          gboolean      busy)
{
  g_return_if_fail (TC_IS_SIGN_IN_PAGE (self));

  self->busy = !!busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
  gtk_spinner_set_spinning (self->spinner, self->busy);
  update_state (self);
}
