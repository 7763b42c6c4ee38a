/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcKioskWindow: the nursing-home station. Full screen, one large-type screen at a
 * time, driven by TcKiosk: the station name, the clock and the next consultation
 * between calls; the waiting room and the call (the same pages as the desktop app)
 * during one. It cannot be closed; a discreet button asks for the administrator
 * PIN (TcKioskAdminDialog) to reach the settings or leave kiosk mode. */
#pragma once

#include <adwaita.h>

#include "tc-kiosk.h"

G_BEGIN_DECLS

#define TC_TYPE_KIOSK_WINDOW (tc_kiosk_window_get_type ())
G_DECLARE_FINAL_TYPE (TcKioskWindow, tc_kiosk_window, TC, KIOSK_WINDOW, AdwApplicationWindow)

/* @app may be NULL (tests); @settings holds the kiosk-* keys. */
TcKioskWindow *tc_kiosk_window_new                  (GtkApplication *app,
                                                     TcMediaMode     media_mode,
                                                     GSettings      *settings);
/* Tests: shorter polling, and loopback for ICE; applied at the next (re)start. */
void           tc_kiosk_window_set_test_options     (TcKioskWindow  *self,
                                                     guint           idle_poll_ms,
                                                     guint           max_retry_ms,
                                                     const char     *local_address);
/* (Re)starts the station from the settings; shows the setup screen when no PIN is set. */
void           tc_kiosk_window_start                (TcKioskWindow  *self);
/* "setup", "idle", "waiting" or "call". */
const char    *tc_kiosk_window_get_page_name        (TcKioskWindow  *self);
TcKiosk       *tc_kiosk_window_get_kiosk            (TcKioskWindow  *self);
/* The texts of the idle screen, for tests. */
const char    *tc_kiosk_window_get_status_text      (TcKioskWindow  *self);
/* The admin dialog, created on first use (kept: it remembers wrong attempts). */
GtkWindow     *tc_kiosk_window_open_admin           (TcKioskWindow  *self);
/* TRUE while the screen is kept awake (a consultation in call). */
gboolean       tc_kiosk_window_get_keeps_awake      (TcKioskWindow  *self);
/* Lets the window close (leaving kiosk mode after the PIN). */
void           tc_kiosk_window_allow_close          (TcKioskWindow  *self);

G_END_DECLS
