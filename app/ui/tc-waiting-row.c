/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-waiting-row"

#include "config.h"

#include "tc-waiting-row.h"
#include "tc-format.h"

#include <glib/gi18n-lib.h>

enum {
  SIGNAL_ADMIT,
  SIGNAL_DECLINE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _TcWaitingRow {
  GtkListBoxRow  parent_instance;

  AdwAvatar     *avatar;
  GtkLabel      *name_label;
  GtkLabel      *waiting_label;
  GtkButton     *admit_button;
  GtkButton     *decline_button;

  char          *participant_id;
  char          *display_name;
  gint64         waiting_since;
  guint          tick_id;
};

G_DEFINE_FINAL_TYPE (TcWaitingRow, tc_waiting_row, GTK_TYPE_LIST_BOX_ROW)

static void
update_waiting (TcWaitingRow *self)
{
  gint64 now_ms = g_get_real_time () / 1000;
  g_autofree char *duration = tc_format_duration_words ((now_ms - self->waiting_since) / 1000);
  /* Translators: %s is a duration such as "2 minutes" */
  g_autofree char *text = g_strdup_printf (_("Waiting for %s"), duration);

  gtk_label_set_text (self->waiting_label, text);
}

static gboolean
on_tick (gpointer data)
{
  update_waiting (TC_WAITING_ROW (data));
  return G_SOURCE_CONTINUE;
}

static void
tc_waiting_row_map (GtkWidget *widget)
{
  TcWaitingRow *self = TC_WAITING_ROW (widget);

  GTK_WIDGET_CLASS (tc_waiting_row_parent_class)->map (widget);
  update_waiting (self);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, on_tick, self);
}

static void
tc_waiting_row_unmap (GtkWidget *widget)
{
  TcWaitingRow *self = TC_WAITING_ROW (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (tc_waiting_row_parent_class)->unmap (widget);
}

static void
on_admit_clicked (TcWaitingRow *self)
{
  g_signal_emit (self, signals[SIGNAL_ADMIT], 0);
}

static void
on_decline_clicked (TcWaitingRow *self)
{
  g_signal_emit (self, signals[SIGNAL_DECLINE], 0);
}

static void
tc_waiting_row_finalize (GObject *object)
{
  TcWaitingRow *self = TC_WAITING_ROW (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_free (self->participant_id);
  g_free (self->display_name);

  G_OBJECT_CLASS (tc_waiting_row_parent_class)->finalize (object);
}

static void
tc_waiting_row_class_init (TcWaitingRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tc_waiting_row_finalize;
  widget_class->map = tc_waiting_row_map;
  widget_class->unmap = tc_waiting_row_unmap;

  signals[SIGNAL_ADMIT] =
    g_signal_new ("admit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DECLINE] =
    g_signal_new ("decline", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/teleconsult/Teleconsult/ui/tc-waiting-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TcWaitingRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, TcWaitingRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, TcWaitingRow, waiting_label);
  gtk_widget_class_bind_template_child (widget_class, TcWaitingRow, admit_button);
  gtk_widget_class_bind_template_child (widget_class, TcWaitingRow, decline_button);
  gtk_widget_class_bind_template_callback (widget_class, on_admit_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_decline_clicked);
}

static void
tc_waiting_row_init (TcWaitingRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tc_waiting_row_new (const char *participant_id,
                    const char *display_name,
                    gint64      waiting_since)
{
  TcWaitingRow *self = g_object_new (TC_TYPE_WAITING_ROW, NULL);
  g_autofree char *admit = NULL;
  g_autofree char *decline = NULL;

  self->participant_id = g_strdup (participant_id);
  self->display_name = g_strdup (display_name);
  self->waiting_since = waiting_since;

  gtk_label_set_text (self->name_label, display_name);
  adw_avatar_set_text (self->avatar, display_name);
  update_waiting (self);

  /* Translators: %s is the patient's name */
  admit = g_strdup_printf (_("Admit %s to the consultation"), display_name);
  /* Translators: %s is the patient's name */
  decline = g_strdup_printf (_("Decline %s"), display_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->admit_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, admit, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->admit_button), admit);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->decline_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, decline, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->decline_button), decline);

  return GTK_WIDGET (self);
}

const char *
tc_waiting_row_get_participant_id (TcWaitingRow *self)
{
  g_return_val_if_fail (TC_IS_WAITING_ROW (self), NULL);

  return self->participant_id;
}

const char *
tc_waiting_row_get_waiting_text (TcWaitingRow *self)
{
  g_return_val_if_fail (TC_IS_WAITING_ROW (self), NULL);

  return gtk_label_get_text (self->waiting_label);
}
