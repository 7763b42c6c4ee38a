/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcSummaryPage: after the call, with whom and for how long; emits "done". */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TC_TYPE_SUMMARY_PAGE (tc_summary_page_get_type ())
G_DECLARE_FINAL_TYPE (TcSummaryPage, tc_summary_page, TC, SUMMARY_PAGE, AdwBin)

GtkWidget  *tc_summary_page_new       (void);
/* @peer_name may be NULL; @duration_s < 0 when the call never connected. */
void        tc_summary_page_set_call  (TcSummaryPage *self,
                                       const char    *peer_name,
                                       gint64         duration_s);
const char *tc_summary_page_get_text  (TcSummaryPage *self);

G_END_DECLS
