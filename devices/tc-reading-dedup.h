/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The receiving (practitioner's) side: remembers every reading id it has stored, durably, so a
 * retransmitted reading is recognised and acknowledged again but not shown twice. */
#pragma once

#include <glib-object.h>

#include "tc-reading.h"

G_BEGIN_DECLS

#define TC_TYPE_READING_DEDUP (tc_reading_dedup_get_type ())
G_DECLARE_FINAL_TYPE (TcReadingDedup, tc_reading_dedup, TC, READING_DEDUP, GObject)

/* `path` may be ":memory:". Errors are in TC_READING_QUEUE_ERROR. */
TcReadingDedup *tc_reading_dedup_new      (const char     *path,
                                           GError        **error);
/* Stores `id` (and the observation, may be NULL) unless already seen; durable when TRUE. */
gboolean        tc_reading_dedup_add      (TcReadingDedup *self,
                                           const char     *id,
                                           const char     *observation,
                                           gboolean       *is_new,
                                           GError        **error);
gboolean        tc_reading_dedup_contains (TcReadingDedup *self,
                                           const char     *id);
guint           tc_reading_dedup_count    (TcReadingDedup *self);

/* One incoming data-channel message. A new reading is stored, returned and *ack set; a duplicate
 * returns NULL with no error and *ack set (the sender missed our first ack); an ack or an invalid
 * message returns NULL (error set when invalid) and *ack NULL. */
TcReading      *tc_reading_dedup_receive  (TcReadingDedup *self,
                                           const char     *data,
                                           gsize           len,
                                           char          **ack,
                                           GError        **error);

G_END_DECLS
