/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcWaitingRow: one person in the waiting room, how long they have waited (updated
 * every second while shown), Admit and Decline. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TC_TYPE_WAITING_ROW (tc_waiting_row_get_type ())
G_DECLARE_FINAL_TYPE (TcWaitingRow, tc_waiting_row, TC, WAITING_ROW, GtkListBoxRow)

/* @waiting_since: Unix time in ms when they started waiting. */
GtkWidget  *tc_waiting_row_new                (const char *participant_id,
                                               const char *display_name,
                                               gint64      waiting_since);
const char *tc_waiting_row_get_participant_id (TcWaitingRow *self);
/* The text shown, e.g. "Waiting for 2 minutes" (for tests). */
const char *tc_waiting_row_get_waiting_text   (TcWaitingRow *self);

G_END_DECLS
