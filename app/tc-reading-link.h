/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcReadingLink: device readings over the call's data channel. On the patient's side
 * it feeds the durable TcReadingSender (every reading waits in SQLite until the
 * practitioner acknowledges it); on the practitioner's side it stores, deduplicates
 * and acknowledges what arrives. The call session may be replaced at any time
 * (rebuilt connection): attach the new one and unacknowledged readings go again. */
#pragma once

#include <glib-object.h>

#include "tc-call-session.h"
#include "tc-reading-dedup.h"
#include "tc-reading-queue.h"
#include "tc-reading.h"

G_BEGIN_DECLS

#define TC_TYPE_READING_LINK (tc_reading_link_get_type ())
G_DECLARE_FINAL_TYPE (TcReadingLink, tc_reading_link, TC, READING_LINK, GObject)

/* Sending side; @peer keys the queue (the readings for one consultation). */
TcReadingLink *tc_reading_link_new_sender   (TcReadingQueue *queue,
                                             const char     *peer);
/* Receiving side. */
TcReadingLink *tc_reading_link_new_receiver (TcReadingDedup *dedup);

/* The call whose data channel carries the readings, or NULL when there is none. */
void           tc_reading_link_attach       (TcReadingLink  *self,
                                             TcCallSession  *call);
/* Sending side: stores the reading durably, then sends it when a channel is open. */
gboolean       tc_reading_link_submit       (TcReadingLink   *self,
                                             const TcReading *reading,
                                             GError         **error);
/* Sending side: readings stored but not yet acknowledged. */
guint          tc_reading_link_get_pending  (TcReadingLink  *self);

/* Signals: "reading-received" (TcReading *reading): receiving side, once per reading id.
 *          "pending-changed" (): sending side, after a submit and after each acknowledgement. */

G_END_DECLS
