/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-patient-waiting-page"

#include "config.h"

#include "tc-patient-waiting-page.h"
#include "tc-format.h"

#include <glib/gi18n-lib.h>

enum {
  SIGNAL_LEAVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _TcPatientWaitingPage {
  AdwBin         parent_instance;

  AdwStatusPage *status_page;
  GtkSpinner    *spinner;
  GtkLabel      *waiting_label;

  gint64         since;
  guint          tick_id;
};

G_DEFINE_FINAL_TYPE (TcPatientWaitingPage, tc_patient_waiting_page, ADW_TYPE_BIN)

static void
update_waiting (TcPatientWaitingPage *self)
{
  g_autofree char *duration = NULL;
  g_autofree char *text = NULL;

  if (self->since == 0)
    {
      gtk_label_set_text (self->waiting_label, "");
      return;
    }
  /* Minutes are enough here: a ticking seconds counter makes waiting feel longer. */
  duration = tc_format_duration_words ((g_get_monotonic_time () - self->since) / G_USEC_PER_SEC / 60 * 60);
  /* Translators: %s is a duration such as "2 minutes" */
  text = g_strdup_printf (_("Waiting for %s"), duration);
  gtk_label_set_text (self->waiting_label, text);
}

static gboolean
on_tick (gpointer data)
{
  update_waiting (TC_PATIENT_WAITING_PAGE (data));
  return G_SOURCE_CONTINUE;
}

static void
tc_patient_waiting_page_map (GtkWidget *widget)
{
  TcPatientWaitingPage *self = TC_PATIENT_WAITING_PAGE (widget);

  GTK_WIDGET_CLASS (tc_patient_waiting_page_parent_class)->map (widget);
  gtk_spinner_start (self->spinner);
  update_waiting (self);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, on_tick, self);
}

static void
tc_patient_waiting_page_unmap (GtkWidget *widget)
{
  TcPatientWaitingPage *self = TC_PATIENT_WAITING_PAGE (widget);

  gtk_spinner_stop (self->spinner);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (tc_patient_waiting_page_parent_class)->unmap (widget);
}

static void
on_leave_clicked (TcPatientWaitingPage *self)
{
  g_signal_emit (self, signals[SIGNAL_LEAVE], 0);
}

static void
tc_patient_waiting_page_dispose (GObject *object)
{
  TcPatientWaitingPage *self = TC_PATIENT_WAITING_PAGE (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  G_OBJECT_CLASS (tc_patient_waiting_page_parent_class)->dispose (object);
}

static void
tc_patient_waiting_page_class_init (TcPatientWaitingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_patient_waiting_page_dispose;
  widget_class->map = tc_patient_waiting_page_map;
  widget_class->unmap = tc_patient_waiting_page_unmap;

  signals[SIGNAL_LEAVE] =
    g_signal_new ("leave", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/teleconsult/Teleconsult/ui/tc-patient-waiting-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TcPatientWaitingPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, TcPatientWaitingPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, TcPatientWaitingPage, waiting_label);
  gtk_widget_class_bind_template_callback (widget_class, on_leave_clicked);
}

static void
tc_patient_waiting_page_init (TcPatientWaitingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tc_patient_waiting_page_new (void)
{
  return g_object_new (TC_TYPE_PATIENT_WAITING_PAGE, NULL);
}

void
tc_patient_waiting_page_start (TcPatientWaitingPage *self,
                               gint64                since_monotonic_us)
{
  g_return_if_fail (TC_IS_PATIENT_WAITING_PAGE (self));

  self->since = since_monotonic_us;
  update_waiting (self);
}
