/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-summary-page"

#include "config.h"

#include "tc-summary-page.h"
#include "tc-format.h"

#include <glib/gi18n-lib.h>

enum {
  SIGNAL_DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _TcSummaryPage {
  AdwBin         parent_instance;

  AdwStatusPage *status_page;
};

G_DEFINE_FINAL_TYPE (TcSummaryPage, tc_summary_page, ADW_TYPE_BIN)

static void
on_done_clicked (TcSummaryPage *self)
{
  g_signal_emit (self, signals[SIGNAL_DONE], 0);
}

static void
tc_summary_page_class_init (TcSummaryPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  signals[SIGNAL_DONE] =
    g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/teleconsult/Teleconsult/ui/tc-summary-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TcSummaryPage, status_page);
  gtk_widget_class_bind_template_callback (widget_class, on_done_clicked);
}

static void
tc_summary_page_init (TcSummaryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tc_summary_page_new (void)
{
  return g_object_new (TC_TYPE_SUMMARY_PAGE, NULL);
}

void
tc_summary_page_set_call (TcSummaryPage *self,
                          const char    *peer_name,
                          gint64         duration_s)
{
  g_autofree char *duration = NULL;
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;

  g_return_if_fail (TC_IS_SUMMARY_PAGE (self));

  if (duration_s < 0)
    text = g_strdup (_("The call did not start. You can try again when you are ready."));
  else
    {
      duration = tc_format_duration_words (duration_s);
      if (peer_name != NULL && *peer_name != '\0')
        /* Translators: "Your consultation with Dr Martin lasted 12 minutes." */
        text = g_strdup_printf (_("Your consultation with %s lasted %s."), peer_name, duration);
      else
        /* Translators: %s is a duration such as "12 minutes" */
        text = g_strdup_printf (_("Your consultation lasted %s."), duration);
    }
  /* The description is markup; a name may hold an ampersand. */
  escaped = g_markup_escape_text (text, -1);
  adw_status_page_set_description (self->status_page, escaped);
}

const char *
tc_summary_page_get_text (TcSummaryPage *self)
{
  g_return_val_if_fail (TC_IS_SUMMARY_PAGE (self), NULL);

  return adw_status_page_get_description (self->status_page);
}
