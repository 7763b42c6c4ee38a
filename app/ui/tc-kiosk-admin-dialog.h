/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcKioskAdminDialog: the kiosk's locked door. Asks for the administrator PIN
 * (Argon2id hash in GSettings, verified on a worker thread, wrong attempts slowed
 * down), then shows the station settings: server, device token, station name,
 * new PIN, and "Leave Kiosk Mode". In setup mode (no PIN yet) it opens on the
 * settings and a PIN is required. Emits "saved" and "leave-kiosk". */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TC_KIOSK_ADMIN_MIN_PIN 4
#define TC_KIOSK_ADMIN_MAX_PIN 12

#define TC_TYPE_KIOSK_ADMIN_DIALOG (tc_kiosk_admin_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TcKioskAdminDialog, tc_kiosk_admin_dialog, TC, KIOSK_ADMIN_DIALOG, AdwWindow)

TcKioskAdminDialog *tc_kiosk_admin_dialog_new          (GtkWindow          *parent,
                                                        GSettings          *settings);
/* Shows the PIN page (or the settings in setup mode when no PIN is set) and presents. */
void                tc_kiosk_admin_dialog_open         (TcKioskAdminDialog *self);
/* Types @pin and asks to unlock, as a person would (tests). */
void                tc_kiosk_admin_dialog_try_pin      (TcKioskAdminDialog *self,
                                                        const char         *pin);
/* "pin", "checking" or "settings". */
const char         *tc_kiosk_admin_dialog_get_page_name (TcKioskAdminDialog *self);
/* The message under the PIN entry ("Wrong PIN", "Too many attempts…"), or "". */
const char         *tc_kiosk_admin_dialog_get_message  (TcKioskAdminDialog *self);
guint               tc_kiosk_admin_dialog_get_failures (TcKioskAdminDialog *self);

/* Argon2id hash of @pin (INTERACTIVE limits), NULL on out-of-memory. Blocks ~0.1 s:
 * call it off the main thread. */
char               *tc_kiosk_admin_hash_pin            (const char         *pin);
/* A PIN of 4 to 12 digits. */
gboolean            tc_kiosk_admin_pin_is_valid        (const char         *pin);

G_END_DECLS
