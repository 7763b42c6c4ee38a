/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sends the queued readings for one peer over a channel it does not own: the caller supplies a
 * send function and tells it when the channel opens and closes, and hands it incoming messages.
 * Readings go out oldest first, at most `window` unacknowledged at a time; unacknowledged ones are
 * sent again after a reconnect or when `retransmit-timeout` passes; acknowledged ones are marked in
 * the queue and never sent again. The receiver's TcReadingDedup makes delivery exactly-once. */
#pragma once

#include <glib-object.h>

#include "tc-reading-queue.h"

G_BEGIN_DECLS

/* Returns FALSE (with error) when the message could not be handed to the channel. */
typedef gboolean (*TcReadingSendFunc) (const char *message,
                                       gpointer    user_data,
                                       GError    **error);

#define TC_TYPE_READING_SENDER (tc_reading_sender_get_type ())
G_DECLARE_FINAL_TYPE (TcReadingSender, tc_reading_sender, TC, READING_SENDER, GObject)

TcReadingSender *tc_reading_sender_new            (TcReadingQueue   *queue,
                                                   const char       *peer,
                                                   TcReadingSendFunc send_func,
                                                   gpointer          user_data,
                                                   GDestroyNotify    destroy);
void             tc_reading_sender_channel_opened (TcReadingSender *self);
void             tc_reading_sender_channel_closed (TcReadingSender *self);
gboolean         tc_reading_sender_is_open        (TcReadingSender *self);
/* Queues the reading durably for this peer, then sends if the channel is open. */
gboolean         tc_reading_sender_submit         (TcReadingSender *self,
                                                   const TcReading *reading,
                                                   GError         **error);
/* Someone else enqueued for this peer: send if possible. */
void             tc_reading_sender_kick           (TcReadingSender *self);
/* An incoming data-channel message; acks are consumed (TRUE), anything else is FALSE. */
gboolean         tc_reading_sender_handle_message (TcReadingSender *self,
                                                   const char      *data,
                                                   gsize            len,
                                                   GError         **error);
guint            tc_reading_sender_get_in_flight  (TcReadingSender *self);
guint            tc_reading_sender_get_window     (TcReadingSender *self);
void             tc_reading_sender_set_window     (TcReadingSender *self,
                                                   guint            window);
guint            tc_reading_sender_get_retransmit_timeout (TcReadingSender *self);
void             tc_reading_sender_set_retransmit_timeout (TcReadingSender *self,
                                                           guint            timeout_ms);

G_END_DECLS
