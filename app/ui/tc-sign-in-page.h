/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcSignInPage: the practitioner chooses "This computer (LAN)" (the default) or a
 * server with username and password. Emits "sign-in"; the window does the rest. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TC_TYPE_SIGN_IN_PAGE (tc_sign_in_page_get_type ())
G_DECLARE_FINAL_TYPE (TcSignInPage, tc_sign_in_page, TC, SIGN_IN_PAGE, AdwBin)

GtkWidget  *tc_sign_in_page_new              (void);
gboolean    tc_sign_in_page_get_use_lan      (TcSignInPage *self);
void        tc_sign_in_page_set_use_lan      (TcSignInPage *self, gboolean use_lan);
const char *tc_sign_in_page_get_server_url   (TcSignInPage *self);
void        tc_sign_in_page_set_server_url   (TcSignInPage *self, const char *url);
const char *tc_sign_in_page_get_username     (TcSignInPage *self);
void        tc_sign_in_page_set_username     (TcSignInPage *self, const char *username);
const char *tc_sign_in_page_get_password     (TcSignInPage *self);
/* Forgets the typed password (after signing in, or on leaving the page). */
void        tc_sign_in_page_clear_password   (TcSignInPage *self);
const char *tc_sign_in_page_get_display_name (TcSignInPage *self);
void        tc_sign_in_page_set_display_name (TcSignInPage *self, const char *display_name);
void        tc_sign_in_page_set_busy         (TcSignInPage *self, gboolean busy);
gboolean    tc_sign_in_page_get_can_sign_in  (TcSignInPage *self);

G_END_DECLS
