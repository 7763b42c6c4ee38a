/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-join-page"

#include "config.h"

#include "tc-join-page.h"

#include <glib/gi18n-lib.h>

/* The protocol's display_name limit (docs/signaling-protocol.md). */
#define MAX_NAME_CHARS 64

enum {
  PROP_0,
  PROP_INVITATION,
  PROP_DISPLAY_NAME,
  PROP_CONSENTED,
  PROP_BUSY,
  PROP_CAN_JOIN,
  N_PROPS
};

enum {
  SIGNAL_JOIN,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

struct _TcJoinPage {
  AdwBin          parent_instance;

  AdwEntryRow    *invitation_row;
  AdwEntryRow    *name_row;
  GtkCheckButton *consent_check;
  GtkButton      *continue_button;
  GtkSpinner     *spinner;

  gboolean        busy;
  gboolean        can_join;
};

G_DEFINE_FINAL_TYPE (TcJoinPage, tc_join_page, ADW_TYPE_BIN)

static gboolean
is_filled (const char *text)
{
  for (; text != NULL && *text != '\0'; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return TRUE;
  return FALSE;
}

static void
update_can_join (TcJoinPage *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  gboolean can_join = is_filled (gtk_editable_get_text (GTK_EDITABLE (self->invitation_row))) &&
                      is_filled (name) && g_utf8_strlen (name, -1) <= MAX_NAME_CHARS &&
                      gtk_check_button_get_active (self->consent_check);

  gtk_widget_set_sensitive (GTK_WIDGET (self->continue_button), can_join && !self->busy);
  if (can_join == self->can_join)
    return;
  self->can_join = can_join;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CAN_JOIN]);
}

static void
on_invitation_changed (TcJoinPage *self)
{
  update_can_join (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_INVITATION]);
}

static void
on_name_changed (TcJoinPage *self)
{
  update_can_join (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DISPLAY_NAME]);
}

static void
on_consent_toggled (TcJoinPage *self)
{
  update_can_join (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CONSENTED]);
}

static void
on_continue_clicked (TcJoinPage *self)
{
  if (self->can_join && !self->busy)
    g_signal_emit (self, signals[SIGNAL_JOIN], 0);
}

static void
on_entry_activated (TcJoinPage *self)
{
  on_continue_clicked (self);
}

static void
on_paste_ready (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TcJoinPage) self = user_data;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);

  if (text != NULL)
    tc_join_page_set_invitation (self, g_strstrip (text));
}

static void
on_paste_clicked (TcJoinPage *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));

  gdk_clipboard_read_text_async (clipboard, NULL, on_paste_ready, g_object_ref (self));
}

static void
tc_join_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TcJoinPage *self = TC_JOIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_INVITATION:
      g_value_set_string (value, tc_join_page_get_invitation (self));
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, tc_join_page_get_display_name (self));
      break;
    case PROP_CONSENTED:
      g_value_set_boolean (value, tc_join_page_get_consented (self));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_CAN_JOIN:
      g_value_set_boolean (value, self->can_join);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_join_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TcJoinPage *self = TC_JOIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_INVITATION:
      tc_join_page_set_invitation (self, g_value_get_string (value));
      break;
    case PROP_DISPLAY_NAME:
      tc_join_page_set_display_name (self, g_value_get_string (value));
      break;
    case PROP_CONSENTED:
      tc_join_page_set_consented (self, g_value_get_boolean (value));
      break;
    case PROP_BUSY:
      tc_join_page_set_busy (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_join_page_class_init (TcJoinPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = tc_join_page_get_property;
  object_class->set_property = tc_join_page_set_property;

  props[PROP_INVITATION] =
    g_param_spec_string ("invitation", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_CONSENTED] =
    g_param_spec_boolean ("consented", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_CAN_JOIN] =
    g_param_spec_boolean ("can-join", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /* Continue was pressed with every field filled. */
  signals[SIGNAL_JOIN] =
    g_signal_new ("join", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/teleconsult/Teleconsult/ui/tc-join-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TcJoinPage, invitation_row);
  gtk_widget_class_bind_template_child (widget_class, TcJoinPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, TcJoinPage, consent_check);
  gtk_widget_class_bind_template_child (widget_class, TcJoinPage, continue_button);
  gtk_widget_class_bind_template_child (widget_class, TcJoinPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_invitation_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_consent_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_continue_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_paste_clicked);
}

static void
tc_join_page_init (TcJoinPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tc_join_page_new (void)
{
  return g_object_new (TC_TYPE_JOIN_PAGE, NULL);
}

const char *
tc_join_page_get_invitation (TcJoinPage *self)
{
  g_return_val_if_fail (TC_IS_JOIN_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->invitation_row));
}

void
tc_join_page_set_invitation (TcJoinPage *self,
                             const char *invitation)
{
  g_return_if_fail (TC_IS_JOIN_PAGE (self));

  if (g_strcmp0 (invitation, tc_join_page_get_invitation (self)) == 0)
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->invitation_row), invitation ? invitation : "");
}

const char *
tc_join_page_get_display_name (TcJoinPage *self)
{
  g_return_val_if_fail (TC_IS_JOIN_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->name_row));
}

void
tc_join_page_set_display_name (TcJoinPage *self,
                               const char *display_name)
{
  g_return_if_fail (TC_IS_JOIN_PAGE (self));

  if (g_strcmp0 (display_name, tc_join_page_get_display_name (self)) == 0)
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), display_name ? display_name : "");
}

gboolean
tc_join_page_get_consented (TcJoinPage *self)
{
  g_return_val_if_fail (TC_IS_JOIN_PAGE (self), FALSE);

  return gtk_check_button_get_active (self->consent_check);
}

void
tc_join_page_set_consented (TcJoinPage *self,
                            gboolean    consented)
{
  g_return_if_fail (TC_IS_JOIN_PAGE (self));

  if (!consented == !tc_join_page_get_consented (self))
    return;
  gtk_check_button_set_active (self->consent_check, consented);
}

gboolean
tc_join_page_get_busy (TcJoinPage *self)
{
  g_return_val_if_fail (TC_IS_JOIN_PAGE (self), FALSE);

  return self->busy;
}

void
tc_join_page_set_busy (TcJoinPage *self,
                       gboolean    busy)
{
  g_return_if_fail (TC_IS_JOIN_PAGE (self));

  busy = !!busy;
  if (busy == self->busy)
    return;
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->invitation_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), !busy);
  update_can_join (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BUSY]);
}

gboolean
tc_join_page_get_can_join (TcJoinPage *self)
{
  g_return_val_if_fail (TC_IS_JOIN_PAGE (self), FALSE);

  return self->can_join;
}
