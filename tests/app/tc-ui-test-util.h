/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers for UI tests under Xvfb: init, waiting on the main loop, screenshots. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* gtk_init + adw_init, the app's CSS and icons, translations from the build folder. */
void        tc_ui_test_init          (void);
/* "en" or "fr", from TC_SCREENSHOT_LANG. */
const char *tc_ui_test_lang          (void);
/* Runs the main context for @ms milliseconds. */
void        tc_ui_test_spin          (guint ms);
/* Runs the main context until @done returns TRUE or @timeout_ms passes. */
gboolean    tc_ui_test_wait_until    (gboolean (*done) (gpointer), gpointer data, guint timeout_ms);
/* A window like the app's (header bar with @title, then @page), presented. The
 * same window is reused by every call; do not destroy it. */
GtkWindow  *tc_ui_test_window_new    (GtkWidget *page, const char *title);
/* Renders @window to <build>/tests/app/screenshots/<lang>/<name>.png; returns the path. */
char       *tc_ui_test_screenshot    (GtkWidget *window, const char *name);

G_END_DECLS
