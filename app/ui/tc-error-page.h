/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcErrorPage: what went wrong in plain words, what to do, and one button that
 * does it (emits "action"). */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TC_TYPE_ERROR_PAGE (tc_error_page_get_type ())
G_DECLARE_FINAL_TYPE (TcErrorPage, tc_error_page, TC, ERROR_PAGE, AdwBin)

GtkWidget  *tc_error_page_new         (void);
/* @action_label uses a mnemonic, e.g. "_Try Again". */
void        tc_error_page_set_error   (TcErrorPage *self,
                                       const char  *title,
                                       const char  *what_to_do,
                                       const char  *action_label);
const char *tc_error_page_get_title   (TcErrorPage *self);

G_END_DECLS
