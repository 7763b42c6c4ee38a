/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-reading-link"

#include <string.h>

#include <gio/gio.h>

#include "tc-reading-link.h"
#include "tc-reading-sender.h"

enum {
  READING_RECEIVED,
  PENDING_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _TcReadingLink
{
  GObject          parent_instance;

  /* Exactly one of the two sides is set. */
  TcReadingQueue  *queue;
  TcReadingSender *sender;
  char            *peer;
  TcReadingDedup  *dedup;

  TcCallSession   *call;
};

G_DEFINE_TYPE (TcReadingLink, tc_reading_link, G_TYPE_OBJECT)

static gboolean
send_over_call (const char *message,
                gpointer    user_data,
                GError    **error)
{
  TcReadingLink *self = user_data;

  if (self->call == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "no call");
      return FALSE;
    }
  return tc_call_session_send_data (self->call, message, error);
}

static void
on_data_message (TcCallSession *call,
                 const char    *text,
                 TcReadingLink *self)
{
  g_autoptr(GError) error = NULL;
  gsize len = strlen (text);

  if (self->sender != NULL)
    {
      /* Acks are consumed; other traffic on the channel is not ours. */
      tc_reading_sender_handle_message (self->sender, text, len, NULL);
      return;
    }

  {
    g_autofree char *ack = NULL;
    g_autoptr(TcReading) reading = tc_reading_dedup_receive (self->dedup, text, len, &ack, &error);

    if (ack != NULL && !tc_call_session_send_data (call, ack, &error))
      g_message ("could not acknowledge a reading: %s", error->message);
    if (reading != NULL)
      g_signal_emit (self, signals[READING_RECEIVED], 0, reading);
  }
}

static void
on_call_state (TcCallSession *call,
               GParamSpec    *pspec,
               TcReadingLink *self)
{
  if (self->sender == NULL)
    return;
  if (tc_call_session_get_state (call) == TC_CALL_STATE_CONNECTED)
    tc_reading_sender_channel_opened (self->sender);
  else if (tc_reading_sender_is_open (self->sender))
    tc_reading_sender_channel_closed (self->sender);
}

void
tc_reading_link_attach (TcReadingLink *self,
                        TcCallSession *call)
{
  g_return_if_fail (TC_IS_READING_LINK (self));

  if (self->call == call)
    return;
  if (self->call != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->call, self);
      g_clear_object (&self->call);
      if (self->sender != NULL && tc_reading_sender_is_open (self->sender))
        tc_reading_sender_channel_closed (self->sender);
    }
  if (call == NULL)
    return;

  self->call = g_object_ref (call);
  g_signal_connect_object (call, "data-message", G_CALLBACK (on_data_message), self, 0);
  g_signal_connect_object (call, "notify::state", G_CALLBACK (on_call_state), self, 0);
  on_call_state (call, NULL, self);
}

gboolean
tc_reading_link_submit (TcReadingLink    *self,
                        const TcReading  *reading,
                        GError          **error)
{
  g_return_val_if_fail (TC_IS_READING_LINK (self), FALSE);
  g_return_val_if_fail (self->sender != NULL, FALSE);

  if (!tc_reading_sender_submit (self->sender, reading, error))
    return FALSE;
  g_signal_emit (self, signals[PENDING_CHANGED], 0);
  return TRUE;
}

guint
tc_reading_link_get_pending (TcReadingLink *self)
{
  g_return_val_if_fail (TC_IS_READING_LINK (self), 0);

  return self->queue != NULL ? tc_reading_queue_count_pending (self->queue, self->peer) : 0;
}

static void
tc_reading_link_dispose (GObject *object)
{
  TcReadingLink *self = TC_READING_LINK (object);

  tc_reading_link_attach (self, NULL);
  g_clear_object (&self->sender);
  g_clear_object (&self->queue);
  g_clear_object (&self->dedup);

  G_OBJECT_CLASS (tc_reading_link_parent_class)->dispose (object);
}

static void
tc_reading_link_finalize (GObject *object)
{
  TcReadingLink *self = TC_READING_LINK (object);

  g_free (self->peer);

  G_OBJECT_CLASS (tc_reading_link_parent_class)->finalize (object);
}

static void
tc_reading_link_class_init (TcReadingLinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tc_reading_link_dispose;
  object_class->finalize = tc_reading_link_finalize;

  signals[PENDING_CHANGED] = g_signal_new ("pending-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[READING_RECEIVED] = g_signal_new ("reading-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                            TC_TYPE_READING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
tc_reading_link_init (TcReadingLink *self)
{
}

static void
on_acked (TcReadingSender *sender,
          const char      *id,
          TcReadingLink   *self)
{
  g_signal_emit (self, signals[PENDING_CHANGED], 0);
}

TcReadingLink *
tc_reading_link_new_sender (TcReadingQueue *queue,
                            const char     *peer)
{
  TcReadingLink *self;

  g_return_val_if_fail (TC_IS_READING_QUEUE (queue), NULL);
  g_return_val_if_fail (peer != NULL, NULL);

  self = g_object_new (TC_TYPE_READING_LINK, NULL);
  self->queue = g_object_ref (queue);
  self->peer = g_strdup (peer);
  self->sender = tc_reading_sender_new (queue, peer, send_over_call, self, NULL);
  g_signal_connect_object (self->sender, "acked", G_CALLBACK (on_acked), self, 0);
  return self;
}

TcReadingLink *
tc_reading_link_new_receiver (TcReadingDedup *dedup)
{
  TcReadingLink *self;

  g_return_val_if_fail (TC_IS_READING_DEDUP (dedup), NULL);

  self = g_object_new (TC_TYPE_READING_LINK, NULL);
  self->dedup = g_object_ref (dedup);
  return self;
}
