/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-media"

#include "tc-call-channel.h"
#include "tc-call-session.h"
#include "tc-media-error.h"

#include <string.h>

#define CLOSE_WAIT_US (300 * 1000)

struct _TcCallChannel
{
  GObject parent_instance;

  GMainContext *context;
  GMutex lock;                    /* guards channel: attach() runs on an SCTP thread */
  GstWebRTCDataChannel *channel;
  gboolean open;
  gboolean closed;
  GQueue outgoing;                /* of char* */
  gsize outgoing_bytes;
};

G_DEFINE_TYPE (TcCallChannel, tc_call_channel, G_TYPE_OBJECT)

enum {
  SIGNAL_OPENED,
  SIGNAL_MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void flush_outgoing (TcCallChannel *self);

/* ---- hops (see tc-call-session.c: always an idle source, never invoke) ---- */

typedef void (*HopFunc) (TcCallChannel *self, char *text);

typedef struct {
  TcCallChannel *self;
  HopFunc func;
  char *text;
} Hop;

static gboolean
hop_dispatch (gpointer user_data)
{
  Hop *h = user_data;

  if (!h->self->closed)
    h->func (h->self, h->text);
  return G_SOURCE_REMOVE;
}

static void
hop_free (gpointer user_data)
{
  Hop *h = user_data;

  g_free (h->text);
  g_object_unref (h->self);
  g_free (h);
}

static void
hop (TcCallChannel *self,
     HopFunc        func,
     char          *text)
{
  GSource *source = g_idle_source_new ();
  Hop *h = g_new0 (Hop, 1);

  h->self = g_object_ref (self);
  h->func = func;
  h->text = text;
  g_source_set_callback (source, hop_dispatch, h, hop_free);
  g_source_set_static_name (source, "[tc-call-channel] hop");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/* ---- webrtcbin callbacks (any thread) ---- */

static void
opened_main (TcCallChannel *self,
             char          *unused)
{
  if (self->open)
    return;
  self->open = TRUE;
  flush_outgoing (self);
  g_signal_emit (self, signals[SIGNAL_OPENED], 0);
}

static void
closed_main (TcCallChannel *self,
             char          *unused)
{
  self->open = FALSE;
}

static void
message_main (TcCallChannel *self,
              char          *text)
{
  g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, text);
}

static void
low_main (TcCallChannel *self,
          char          *unused)
{
  flush_outgoing (self);
}

static void
on_open (GstWebRTCDataChannel *channel,
         gpointer              user_data)
{
  hop (user_data, opened_main, NULL);
}

static void
on_close (GstWebRTCDataChannel *channel,
          gpointer              user_data)
{
  hop (user_data, closed_main, NULL);
}

static void
on_error (GstWebRTCDataChannel *channel,
          GError               *error,
          gpointer              user_data)
{
  g_debug ("data channel error: %s", error ? error->message : "");
  hop (user_data, closed_main, NULL);
}

static void
on_message_string (GstWebRTCDataChannel *channel,
                   const char           *text,
                   gpointer              user_data)
{
  if (text == NULL || strnlen (text, TC_CALL_SESSION_MAX_MESSAGE + 1) > TC_CALL_SESSION_MAX_MESSAGE)
    return;
  hop (user_data, message_main, g_strdup (text));
}

static void
on_buffered_amount_low (GstWebRTCDataChannel *channel,
                        gpointer              user_data)
{
  hop (user_data, low_main, NULL);
}

static void
check_already_open (TcCallChannel *self,
                    char          *unused)
{
  GstWebRTCDataChannelState ready = GST_WEBRTC_DATA_CHANNEL_STATE_CLOSED;

  /* A remote channel can be open before we hear of it. */
  if (self->channel != NULL)
    g_object_get (self->channel, "ready-state", &ready, NULL);
  if (ready == GST_WEBRTC_DATA_CHANNEL_STATE_OPEN)
    opened_main (self, NULL);
}

gboolean
tc_call_channel_attach (TcCallChannel        *self,
                        GstWebRTCDataChannel *channel)
{
  g_return_val_if_fail (TC_IS_CALL_CHANNEL (self), FALSE);
  g_return_val_if_fail (channel != NULL, FALSE);

  g_mutex_lock (&self->lock);
  if (self->channel != NULL || self->closed)
    {
      g_mutex_unlock (&self->lock);
      return FALSE;
    }
  self->channel = g_object_ref (channel);
  g_mutex_unlock (&self->lock);

  /* Connected here, on the thread that hands the channel over, so that no message can arrive
   * before a handler exists. */
  g_object_set (channel, "buffered-amount-low-threshold", (guint64) TC_CALL_CHANNEL_LOW_WATER, NULL);
  g_signal_connect (channel, "on-open", G_CALLBACK (on_open), self);
  g_signal_connect (channel, "on-close", G_CALLBACK (on_close), self);
  g_signal_connect (channel, "on-error", G_CALLBACK (on_error), self);
  g_signal_connect (channel, "on-message-string", G_CALLBACK (on_message_string), self);
  g_signal_connect (channel, "on-buffered-amount-low", G_CALLBACK (on_buffered_amount_low), self);
  hop (self, check_already_open, NULL);
  return TRUE;
}

/* ---- sending (main context) ---- */

static guint64
buffered_amount (TcCallChannel *self)
{
  guint64 amount = 0;

  g_object_get (self->channel, "buffered-amount", &amount, NULL);
  return amount;
}

static gboolean
send_now (TcCallChannel  *self,
          const char     *text,
          GError        **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!gst_webrtc_data_channel_send_string_full (self->channel, text, &local_error))
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NOT_OPEN,
                   "Could not send on the data channel: %s",
                   local_error ? local_error->message : "unknown error");
      return FALSE;
    }
  return TRUE;
}

static void
flush_outgoing (TcCallChannel *self)
{
  while (self->open && !g_queue_is_empty (&self->outgoing) &&
         buffered_amount (self) < TC_CALL_CHANNEL_HIGH_WATER)
    {
      g_autofree char *text = g_queue_pop_head (&self->outgoing);
      g_autoptr(GError) error = NULL;

      self->outgoing_bytes -= strlen (text);
      if (!send_now (self, text, &error))
        {
          g_debug ("dropping a queued data message: %s", error->message);
          break;
        }
    }
}

gboolean
tc_call_channel_is_open (TcCallChannel *self)
{
  g_return_val_if_fail (TC_IS_CALL_CHANNEL (self), FALSE);
  return self->open;
}

gboolean
tc_call_channel_send (TcCallChannel  *self,
                      const char     *text,
                      GError        **error)
{
  gsize len;

  g_return_val_if_fail (TC_IS_CALL_CHANNEL (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (self->closed)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NOT_OPEN, "The data channel is closed");
      return FALSE;
    }
  len = strlen (text);
  if (len > TC_CALL_SESSION_MAX_MESSAGE)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_TOO_LARGE, "The message is too large");
      return FALSE;
    }
  if (self->open && g_queue_is_empty (&self->outgoing) && buffered_amount (self) < TC_CALL_CHANNEL_HIGH_WATER)
    return send_now (self, text, error);

  if (self->outgoing_bytes + len > TC_CALL_CHANNEL_HIGH_WATER)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BACKPRESSURE,
                   "Too much data is waiting to be sent");
      return FALSE;
    }
  g_queue_push_tail (&self->outgoing, g_strdup (text));
  self->outgoing_bytes += len;
  return TRUE;
}

void
tc_call_channel_close (TcCallChannel *self)
{
  GstWebRTCDataChannelState ready = GST_WEBRTC_DATA_CHANNEL_STATE_CLOSED;
  GstWebRTCDataChannel *channel;

  g_return_if_fail (TC_IS_CALL_CHANNEL (self));

  g_mutex_lock (&self->lock);
  self->closed = TRUE;
  channel = g_steal_pointer (&self->channel);
  g_mutex_unlock (&self->lock);

  self->open = FALSE;
  g_queue_clear_full (&self->outgoing, g_free);
  self->outgoing_bytes = 0;
  if (channel == NULL)
    return;

  g_object_get (channel, "ready-state", &ready, NULL);
  if (ready == GST_WEBRTC_DATA_CHANNEL_STATE_OPEN)
    {
      /* 1.22.0 tears a channel down before its data is flushed: give what is buffered, then
       * the close itself, a bounded moment to leave. */
      gint64 deadline = g_get_monotonic_time () + CLOSE_WAIT_US;
      guint64 amount = 0;

      do
        {
          g_object_get (channel, "buffered-amount", &amount, NULL);
          if (amount > 0)
            g_usleep (5000);
        }
      while (amount > 0 && g_get_monotonic_time () < deadline);

      gst_webrtc_data_channel_close (channel);
      while (g_get_monotonic_time () < deadline)
        {
          g_object_get (channel, "ready-state", &ready, NULL);
          if (ready == GST_WEBRTC_DATA_CHANNEL_STATE_CLOSED)
            break;
          g_usleep (5000);
        }
    }
  g_signal_handlers_disconnect_by_data (channel, self);
  g_object_unref (channel);
}

/* ---- GObject ---- */

static void
tc_call_channel_dispose (GObject *object)
{
  TcCallChannel *self = TC_CALL_CHANNEL (object);

  tc_call_channel_close (self);

  G_OBJECT_CLASS (tc_call_channel_parent_class)->dispose (object);
}

static void
tc_call_channel_finalize (GObject *object)
{
  TcCallChannel *self = TC_CALL_CHANNEL (object);

  g_queue_clear_full (&self->outgoing, g_free);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tc_call_channel_parent_class)->finalize (object);
}

static void
tc_call_channel_class_init (TcCallChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tc_call_channel_dispose;
  object_class->finalize = tc_call_channel_finalize;

  signals[SIGNAL_OPENED] =
    g_signal_new ("opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tc_call_channel_init (TcCallChannel *self)
{
  g_mutex_init (&self->lock);
  g_queue_init (&self->outgoing);
}

TcCallChannel *
tc_call_channel_new (GMainContext *context)
{
  TcCallChannel *self = g_object_new (TC_TYPE_CALL_CHANNEL, NULL);

  self->context = g_main_context_ref (context);
  return self;
}
