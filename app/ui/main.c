/* SPDX-License-Identifier: GPL-3.0-or-later */
/* teleconsult: the desktop application. */
#include "config.h"

#include <locale.h>
#include <glib/gi18n-lib.h>
#include <gst/gst.h>

#include "tc-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TcApplication) app = NULL;
  const char *localedir = g_getenv ("TC_LOCALEDIR");  /* uninstalled runs: <build>/po */

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gst_init (&argc, &argv);
  app = tc_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
