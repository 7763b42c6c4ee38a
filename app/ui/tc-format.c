/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tc-format.h"

#include <glib/gi18n-lib.h>

char *
tc_format_duration_words (gint64 seconds)
{
  gint64 hours, minutes;

  if (seconds < 0)
    seconds = 0;
  hours = seconds / 3600;
  minutes = (seconds % 3600) / 60;

  if (seconds < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d second", "%d seconds", seconds), (int) seconds);
  if (hours == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", minutes), (int) minutes);
  if (minutes == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours", hours), (int) hours);
  {
    g_autofree char *h = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours", hours), (int) hours);
    g_autofree char *m = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", minutes), (int) minutes);
    /* Translators: a duration, e.g. "1 hour 5 minutes" */
    return g_strdup_printf (_("%s %s"), h, m);
  }
}

char *
tc_format_duration_clock (gint64 seconds)
{
  if (seconds < 0)
    seconds = 0;
  if (seconds >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", (int) (seconds / 3600), (int) (seconds % 3600 / 60),
                            (int) (seconds % 60));
  return g_strdup_printf ("%d:%02d", (int) (seconds / 60), (int) (seconds % 60));
}
