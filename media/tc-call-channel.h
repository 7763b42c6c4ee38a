/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal to media/: the call's one data channel.  Queues text until the channel opens and
 * while the transport is backed up; hops every webrtcbin callback to the main context. */
#pragma once

#include <glib-object.h>
#include <gst/webrtc/webrtc.h>

G_BEGIN_DECLS

#define TC_CALL_CHANNEL_HIGH_WATER (1024 * 1024)
#define TC_CALL_CHANNEL_LOW_WATER  (256 * 1024)

#define TC_TYPE_CALL_CHANNEL (tc_call_channel_get_type ())
G_DECLARE_FINAL_TYPE (TcCallChannel, tc_call_channel, TC, CALL_CHANNEL, GObject)

/* Signals, on @context: "opened" (), "message" (const char *text). */
TcCallChannel *tc_call_channel_new     (GMainContext          *context);
/* Any thread.  Returns FALSE when a channel is already attached (the extra one is ignored). */
gboolean       tc_call_channel_attach  (TcCallChannel         *self,
                                        GstWebRTCDataChannel  *channel);
gboolean       tc_call_channel_is_open (TcCallChannel         *self);
/* Sent now or queued; TC_MEDIA_ERROR_BACKPRESSURE past the high water mark. */
gboolean       tc_call_channel_send    (TcCallChannel         *self,
                                        const char            *text,
                                        GError               **error);
/* Flushes (bounded wait), closes and detaches.  Main context; idempotent. */
void           tc_call_channel_close   (TcCallChannel         *self);

G_END_DECLS
