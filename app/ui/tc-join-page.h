/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcJoinPage: the patient pastes an invitation (link or code), gives a name and
 * consents. Emits "join" when Continue is pressed; knows nothing of the call. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TC_TYPE_JOIN_PAGE (tc_join_page_get_type ())
G_DECLARE_FINAL_TYPE (TcJoinPage, tc_join_page, TC, JOIN_PAGE, AdwBin)

GtkWidget  *tc_join_page_new              (void);
const char *tc_join_page_get_invitation   (TcJoinPage *self);
void        tc_join_page_set_invitation   (TcJoinPage *self, const char *invitation);
const char *tc_join_page_get_display_name (TcJoinPage *self);
void        tc_join_page_set_display_name (TcJoinPage *self, const char *display_name);
gboolean    tc_join_page_get_consented    (TcJoinPage *self);
void        tc_join_page_set_consented    (TcJoinPage *self, gboolean consented);
gboolean    tc_join_page_get_busy         (TcJoinPage *self);
void        tc_join_page_set_busy         (TcJoinPage *self, gboolean busy);
/* TRUE when every field is filled and consent given (Continue is enabled). */
gboolean    tc_join_page_get_can_join     (TcJoinPage *self);

G_END_DECLS
