/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcHomePage: the practitioner's desk. Creates a consultation ("create"), shows its
 * invitation (link, short code, QR code, copy buttons) and the waiting room, a
 * GListModel of objects with "participant-id", "display-name" and "waiting-since"
 * properties (TcWaitingEntry), with "admit" and "decline" per person. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TC_TYPE_HOME_PAGE (tc_home_page_get_type ())
G_DECLARE_FINAL_TYPE (TcHomePage, tc_home_page, TC, HOME_PAGE, AdwBin)

GtkWidget  *tc_home_page_new             (void);
void        tc_home_page_set_invitation  (TcHomePage *self,
                                          const char *url,
                                          const char *code);
void        tc_home_page_set_waiting_room (TcHomePage *self,
                                           GListModel *model);
void        tc_home_page_set_busy        (TcHomePage *self,
                                          gboolean    busy);
/* The row of the n-th person waiting, or NULL (for tests). */
GtkWidget  *tc_home_page_get_waiting_row (TcHomePage *self,
                                          guint       position);

G_END_DECLS
