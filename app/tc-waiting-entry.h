/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TC_TYPE_WAITING_ENTRY (tc_waiting_entry_get_type ())
G_DECLARE_FINAL_TYPE (TcWaitingEntry, tc_waiting_entry, TC, WAITING_ENTRY, GObject)

TcWaitingEntry *tc_waiting_entry_new                 (const char *participant_id,
                                                      const char *display_name,
                                                      const char *role,
                                                      gint64      waiting_since);
const char     *tc_waiting_entry_get_participant_id (TcWaitingEntry *self);
const char     *tc_waiting_entry_get_display_name   (TcWaitingEntry *self);
const char     *tc_waiting_entry_get_role           (TcWaitingEntry *self);
/* Unix time in milliseconds (server clock) when the participant started waiting. */
gint64          tc_waiting_entry_get_waiting_since  (TcWaitingEntry *self);

G_END_DECLS
