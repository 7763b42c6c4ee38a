/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-reading-sender"

#include "tc-reading-sender.h"

#include "tc-fhir.h"
#include "tc-reading-message.h"

typedef struct {
  gint64  seq;
  char   *id;
  char   *message;
  gint64  sent_us;   /* monotonic */
} InFlight;

enum {
  PROP_0,
  PROP_WINDOW,
  PROP_RETRANSMIT_TIMEOUT,
  PROP_OPEN,
  PROP_IN_FLIGHT,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_ACKED,
  SIGNAL_SEND_FAILED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

struct _TcReadingSender
{
  GObject           parent_instance;

  TcReadingQueue   *queue;
  char             *peer;
  TcReadingSendFunc send_func;
  gpointer          user_data;
  GDestroyNotify    destroy;

  gboolean          open;
  guint             window;
  guint             retransmit_timeout_ms;
  GQueue            in_flight;     /* InFlight, in seq order */
  GSource          *timer;
  GMainContext     *context;
  gboolean          pumping;
};

G_DEFINE_FINAL_TYPE (TcReadingSender, tc_reading_sender, G_TYPE_OBJECT)

static void pump (TcReadingSender *self);

static void
in_flight_free (InFlight *f)
{
  g_free (f->id);
  g_free (f->message);
  g_free (f);
}

static void
clear_in_flight (TcReadingSender *self)
{
  gboolean had = self->in_flight.length > 0;

  g_queue_clear_full (&self->in_flight, (GDestroyNotify) in_flight_free);
  if (had)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_IN_FLIGHT]);
}

static void
stop_timer (TcReadingSender *self)
{
  if (self->timer)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
}

static gboolean
send_one (TcReadingSender *self,
          InFlight        *f)
{
  g_autoptr(GError) error = NULL;
  /* a copy: a synchronous ack may free `f` while the send function runs */
  g_autofree char *message = g_strdup (f->message);

  f->sent_us = g_get_monotonic_time ();
  if (!self->send_func (message, self->user_data, &error))
    {
      /* the channel refused: treat it as closed until told otherwise; the timer retries */
      g_debug ("send failed: %s", error ? error->message : "unknown");
      g_signal_emit (self, signals[SIGNAL_SEND_FAILED], 0, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
on_timer (gpointer user_data)
{
  TcReadingSender *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 timeout_us = (gint64) self->retransmit_timeout_ms * 1000;
  InFlight *oldest = g_queue_peek_head (&self->in_flight);

  if (!self->open)
    return G_SOURCE_CONTINUE;
  if (oldest && now - oldest->sent_us >= timeout_us)
    {
      /* go back N: resend every unacknowledged reading, in order. Work on copies: an ack
       * delivered synchronously by the send function may remove entries meanwhile. */
      g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);

      for (GList *l = self->in_flight.head; l; l = l->next)
        {
          InFlight *f = l->data;
          f->sent_us = now;
          g_ptr_array_add (messages, g_strdup (f->message));
        }
      for (guint i = 0; i < messages->len; i++)
        {
          g_autoptr(GError) error = NULL;
          if (!self->send_func (g_ptr_array_index (messages, i), self->user_data, &error))
            {
              g_signal_emit (self, signals[SIGNAL_SEND_FAILED], 0, error);
              break;
            }
        }
    }
  pump (self);
  return G_SOURCE_CONTINUE;
}

static void
ensure_timer (TcReadingSender *self)
{
  guint interval;

  if (self->timer)
    return;
  interval = MAX (self->retransmit_timeout_ms / 4, 10);
  self->timer = g_timeout_source_new (interval);
  g_source_set_callback (self->timer, on_timer, self, NULL);
  g_source_set_name (self->timer, "[teleconsult] reading retransmit");
  g_source_attach (self->timer, self->context);
}

static void
pump (TcReadingSender *self)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  InFlight *last;
  guint room;
  guint before = self->in_flight.length;

  if (!self->open || self->pumping)
    return;
  self->pumping = TRUE;

  room = self->window > self->in_flight.length ? self->window - self->in_flight.length : 0;
  last = g_queue_peek_tail (&self->in_flight);
  if (room > 0)
    items = tc_reading_queue_list_pending (self->queue, self->peer, last ? last->seq : 0, room, &error);
  if (error)
    g_warning ("Cannot read the reading queue: %s", error->message);

  for (guint i = 0; items && i < items->len; i++)
    {
      TcQueuedReading *q = g_ptr_array_index (items, i);
      InFlight *f = g_new0 (InFlight, 1);

      f->seq = q->seq;
      f->id = g_strdup (q->id);
      f->message = tc_reading_message_encode_reading (q->id, q->observation);
      if (f->message == NULL)
        {
          in_flight_free (f);
          break;
        }
      /* in flight before sending: a synchronous ack must find it */
      g_queue_push_tail (&self->in_flight, f);
      if (!send_one (self, f))
        {
          GList *link = g_queue_find (&self->in_flight, f);
          if (link)
            {
              g_queue_delete_link (&self->in_flight, link);
              in_flight_free (f);
            }
          break;
        }
    }

  self->pumping = FALSE;
  if (self->in_flight.length != before)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_IN_FLIGHT]);
}

static void
tc_reading_sender_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TcReadingSender *self = TC_READING_SENDER (object);

  switch (prop_id)
    {
    case PROP_WINDOW: g_value_set_uint (value, self->window); break;
    case PROP_RETRANSMIT_TIMEOUT: g_value_set_uint (value, self->retransmit_timeout_ms); break;
    case PROP_OPEN: g_value_set_boolean (value, self->open); break;
    case PROP_IN_FLIGHT: g_value_set_uint (value, self->in_flight.length); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_reading_sender_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TcReadingSender *self = TC_READING_SENDER (object);

  switch (prop_id)
    {
    case PROP_WINDOW: tc_reading_sender_set_window (self, g_value_get_uint (value)); break;
    case PROP_RETRANSMIT_TIMEOUT: tc_reading_sender_set_retransmit_timeout (self, g_value_get_uint (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_reading_sender_dispose (GObject *object)
{
  TcReadingSender *self = TC_READING_SENDER (object);

  stop_timer (self);
  g_queue_clear_full (&self->in_flight, (GDestroyNotify) in_flight_free);
  g_clear_object (&self->queue);
  if (self->destroy && self->user_data)
    self->destroy (self->user_data);
  self->destroy = NULL;
  self->user_data = NULL;
  G_OBJECT_CLASS (tc_reading_sender_parent_class)->dispose (object);
}

static void
tc_reading_sender_finalize (GObject *object)
{
  TcReadingSender *self = TC_READING_SENDER (object);

  g_free (self->peer);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (tc_reading_sender_parent_class)->finalize (object);
}

static void
tc_reading_sender_class_init (TcReadingSenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tc_reading_sender_get_property;
  object_class->set_property = tc_reading_sender_set_property;
  object_class->dispose = tc_reading_sender_dispose;
  object_class->finalize = tc_reading_sender_finalize;

  props[PROP_WINDOW] =
    g_param_spec_uint ("window", NULL, NULL, 1, 1024, 8,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_RETRANSMIT_TIMEOUT] =
    g_param_spec_uint ("retransmit-timeout", NULL, NULL, 10, 600000, 10000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_OPEN] =
    g_param_spec_boolean ("open", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_IN_FLIGHT] =
    g_param_spec_uint ("in-flight", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /* "acked" (id): the practitioner has the reading; it is marked in the queue. */
  signals[SIGNAL_ACKED] =
    g_signal_new ("acked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_SEND_FAILED] =
    g_signal_new ("send-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
tc_reading_sender_init (TcReadingSender *self)
{
  self->window = 8;
  self->retransmit_timeout_ms = 10000;
  g_queue_init (&self->in_flight);
  self->context = g_main_context_ref_thread_default ();
}

TcReadingSender *
tc_reading_sender_new (TcReadingQueue   *queue,
                       const char       *peer,
                       TcReadingSendFunc send_func,
                       gpointer          user_data,
                       GDestroyNotify    destroy)
{
  TcReadingSender *self;

  g_return_val_if_fail (TC_IS_READING_QUEUE (queue), NULL);
  g_return_val_if_fail (peer != NULL && *peer != '\0', NULL);
  g_return_val_if_fail (send_func != NULL, NULL);

  self = g_object_new (TC_TYPE_READING_SENDER, NULL);
  self->queue = g_object_ref (queue);
  self->peer = g_strdup (peer);
  self->send_func = send_func;
  self->user_data = user_data;
  self->destroy = destroy;
  return self;
}

void
tc_reading_sender_channel_opened (TcReadingSender *self)
{
  g_return_if_fail (TC_IS_READING_SENDER (self));

  if (self->open)
    return;
  self->open = TRUE;
  clear_in_flight (self);   /* everything unacknowledged goes again, oldest first */
  ensure_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_OPEN]);
  pump (self);
}

void
tc_reading_sender_channel_closed (TcReadingSender *self)
{
  g_return_if_fail (TC_IS_READING_SENDER (self));

  if (!self->open)
    return;
  self->open = FALSE;
  stop_timer (self);
  clear_in_flight (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_OPEN]);
}

gboolean
tc_reading_sender_is_open (TcReadingSender *self)
{
  g_return_val_if_fail (TC_IS_READING_SENDER (self), FALSE);
  return self->open;
}

gboolean
tc_reading_sender_submit (TcReadingSender *self,
                          const TcReading *reading,
                          GError         **error)
{
  g_return_val_if_fail (TC_IS_READING_SENDER (self), FALSE);

  if (!tc_reading_queue_enqueue_reading (self->queue, self->peer, reading, error))
    return FALSE;
  pump (self);
  return TRUE;
}

void
tc_reading_sender_kick (TcReadingSender *self)
{
  g_return_if_fail (TC_IS_READING_SENDER (self));
  pump (self);
}

gboolean
tc_reading_sender_handle_message (TcReadingSender *self,
                                  const char      *data,
                                  gsize            len,
                                  GError         **error)
{
  g_autoptr(TcReadingMessage) msg = NULL;
  gboolean was_pending = FALSE;

  g_return_val_if_fail (TC_IS_READING_SENDER (self), FALSE);

  msg = tc_reading_message_decode (data, len, error);
  if (msg == NULL)
    return FALSE;
  if (msg->type != TC_READING_MESSAGE_ACK)
    return FALSE;

  if (!tc_reading_queue_ack (self->queue, msg->id, &was_pending, error))
    return FALSE;
  for (GList *l = self->in_flight.head; l; l = l->next)
    {
      InFlight *f = l->data;
      if (g_strcmp0 (f->id, msg->id) == 0)
        {
          in_flight_free (f);
          g_queue_delete_link (&self->in_flight, l);
          g_object_notify_by_pspec (G_OBJECT (self), props[PROP_IN_FLIGHT]);
          break;
        }
    }
  if (was_pending)
    g_signal_emit (self, signals[SIGNAL_ACKED], 0, msg->id);
  pump (self);
  return TRUE;
}

guint
tc_reading_sender_get_in_flight (TcReadingSender *self)
{
  g_return_val_if_fail (TC_IS_READING_SENDER (self), 0);
  return self->in_flight.length;
}

guint
tc_reading_sender_get_window (TcReadingSender *self)
{
  g_return_val_if_fail (TC_IS_READING_SENDER (self), 0);
  return self->window;
}

void
tc_reading_sender_set_window (TcReadingSender *self,
                              guint            window)
{
  g_return_if_fail (TC_IS_READING_SENDER (self));
  g_return_if_fail (window >= 1);

  if (self->window == window)
    return;
  self->window = window;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_WINDOW]);
  pump (self);
}

guint
tc_reading_sender_get_retransmit_timeout (TcReadingSender *self)
{
  g_return_val_if_fail (TC_IS_READING_SENDER (self), 0);
  return self->retransmit_timeout_ms;
}

void
tc_reading_sender_set_retransmit_timeout (TcReadingSender *self,
                                          guint            timeout_ms)
{
  g_return_if_fail (TC_IS_READING_SENDER (self));

  if (self->retransmit_timeout_ms == timeout_ms)
    return;
  self->retransmit_timeout_ms = timeout_ms;
  if (self->timer)
    {
      stop_timer (self);
      ensure_timer (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_RETRANSMIT_TIMEOUT]);
}
