/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-kiosk"

#include "tc-kiosk.h"
#include "tc-protocol.h"

enum {
  PROP_0,
  PROP_STATUS,
  PROP_CONSULTATION,
  PROP_NEXT_SCHEDULED_AT,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

struct _TcKiosk
{
  GObject         parent_instance;

  TcMediaFactory *factory;
  char           *server_url;
  char           *device_token;
  char           *display_name;
  GPtrArray      *local_addresses;
  guint           idle_poll_ms;
  guint           max_retry_ms;

  TcKioskStatus   status;
  TcConsultation *consultation;
  GCancellable   *cancellable;
  gint64          next_scheduled_at;
  guint           retry_ms;
  guint           timer_id;
  guint           n_joins;
};

G_DEFINE_TYPE (TcKiosk, tc_kiosk, G_TYPE_OBJECT)

static void attempt (TcKiosk *self);

static void
set_status (TcKiosk       *self,
            TcKioskStatus  status)
{
  if (self->status == status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATUS]);
}

static void
set_next_scheduled_at (TcKiosk *self,
                       gint64   next_at)
{
  if (self->next_scheduled_at == next_at)
    return;
  self->next_scheduled_at = next_at;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_NEXT_SCHEDULED_AT]);
}

static void
drop_consultation (TcKiosk *self)
{
  if (self->consultation == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->consultation, self);
  g_clear_object (&self->consultation);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CONSULTATION]);
}

static gboolean
on_timer (gpointer data)
{
  TcKiosk *self = data;

  self->timer_id = 0;
  attempt (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_attempt (TcKiosk *self,
                  guint    delay_ms)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->timer_id = g_timeout_add (delay_ms, on_timer, self);
}

/* Offline: back off, doubling up to the maximum, for ever. */
static void
retry_later (TcKiosk *self)
{
  self->retry_ms = self->retry_ms == 0 ? 1000 : MIN (self->retry_ms * 2, self->max_retry_ms);
  set_status (self, TC_KIOSK_STATUS_OFFLINE);
  schedule_attempt (self, self->retry_ms);
}

static void
on_consultation_state (TcConsultation *consultation,
                       GParamSpec     *pspec,
                       TcKiosk        *self)
{
  TcConsultationState state = tc_consultation_get_state (consultation);

  if (self->status != TC_KIOSK_STATUS_IN_CONSULTATION)
    return;
  if (state != TC_CONSULTATION_STATE_ENDED && state != TC_CONSULTATION_STATE_FAILED)
    return;

  /* We are inside the consultation's own emission: stop listening now, but let the
   * next attempt release it, from the main loop. */
  g_signal_handlers_disconnect_by_data (consultation, self);
  if (state == TC_CONSULTATION_STATE_ENDED)
    {
      /* Next resident: ask again at once, the next consultation may already be due. */
      set_status (self, TC_KIOSK_STATUS_CONNECTING);
      schedule_attempt (self, 0);
    }
  else
    {
      /* Lost the server past what signalling could resume: join again. */
      retry_later (self);
    }
}

static void
on_joined (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  TcKiosk *self = user_data;
  TcConsultation *consultation = TC_CONSULTATION (source);
  g_autoptr(GError) error = NULL;

  if (tc_consultation_join_kiosk_finish (consultation, result, &error))
    {
      self->retry_ms = 0;
      self->n_joins++;
      set_next_scheduled_at (self, 0);
      set_status (self, TC_KIOSK_STATUS_IN_CONSULTATION);
      g_signal_connect_object (consultation, "notify::state", G_CALLBACK (on_consultation_state), self, 0);
      g_object_unref (self);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }

  if (self->consultation == consultation)
    {
      gint64 next_at = tc_consultation_get_next_scheduled_at (consultation);

      drop_consultation (self);
      if (g_error_matches (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_NO_CONSULTATION))
        {
          self->retry_ms = 0;
          set_next_scheduled_at (self, next_at);
          set_status (self, TC_KIOSK_STATUS_IDLE);
          schedule_attempt (self, self->idle_poll_ms);
        }
      else
        {
          g_message ("kiosk could not join: %s", error->message);
          retry_later (self);
        }
    }
  g_object_unref (self);
}

static void
attempt (TcKiosk *self)
{
  drop_consultation (self);
  if (self->status == TC_KIOSK_STATUS_STOPPED)
    return;

  if (self->status != TC_KIOSK_STATUS_OFFLINE)
    set_status (self, TC_KIOSK_STATUS_CONNECTING);
  self->consultation = tc_consultation_new (self->factory);
  /* A station has no one to press "retry": keep signalling's own retries frequent too. */
  tc_consultation_set_max_reconnect_delay (self->consultation, self->max_retry_ms);
  for (guint i = 0; i < self->local_addresses->len; i++)
    tc_consultation_add_local_address (self->consultation, g_ptr_array_index (self->local_addresses, i));
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CONSULTATION]);
  tc_consultation_join_kiosk_async (self->consultation, self->server_url, self->device_token,
                                    self->display_name, self->cancellable, on_joined, g_object_ref (self));
}

void
tc_kiosk_start (TcKiosk *self)
{
  g_return_if_fail (TC_IS_KIOSK (self));

  if (self->status != TC_KIOSK_STATUS_STOPPED)
    return;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->retry_ms = 0;
  set_status (self, TC_KIOSK_STATUS_CONNECTING);
  attempt (self);
}

void
tc_kiosk_stop (TcKiosk *self)
{
  g_return_if_fail (TC_IS_KIOSK (self));

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->consultation != NULL)
    tc_consultation_hang_up (self->consultation);
  drop_consultation (self);
  set_status (self, TC_KIOSK_STATUS_STOPPED);
}

void
tc_kiosk_set_intervals (TcKiosk *self,
                        guint    idle_poll_ms,
                        guint    max_retry_ms)
{
  g_return_if_fail (TC_IS_KIOSK (self));
  self->idle_poll_ms = MAX (idle_poll_ms, 100);
  self->max_retry_ms = MAX (max_retry_ms, 100);
}

void
tc_kiosk_add_local_address (TcKiosk    *self,
                            const char *address)
{
  g_return_if_fail (TC_IS_KIOSK (self));
  g_ptr_array_add (self->local_addresses, g_strdup (address));
}

TcKioskStatus
tc_kiosk_get_status (TcKiosk *self)
{
  g_return_val_if_fail (TC_IS_KIOSK (self), TC_KIOSK_STATUS_STOPPED);
  return self->status;
}

TcConsultation *
tc_kiosk_get_consultation (TcKiosk *self)
{
  g_return_val_if_fail (TC_IS_KIOSK (self), NULL);
  return self->consultation;
}

gint64
tc_kiosk_get_next_scheduled_at (TcKiosk *self)
{
  g_return_val_if_fail (TC_IS_KIOSK (self), 0);
  return self->next_scheduled_at;
}

guint
tc_kiosk_get_n_joins (TcKiosk *self)
{
  g_return_val_if_fail (TC_IS_KIOSK (self), 0);
  return self->n_joins;
}

static void
tc_kiosk_dispose (GObject *object)
{
  TcKiosk *self = TC_KIOSK (object);

  tc_kiosk_stop (self);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->factory);

  G_OBJECT_CLASS (tc_kiosk_parent_class)->dispose (object);
}

static void
tc_kiosk_finalize (GObject *object)
{
  TcKiosk *self = TC_KIOSK (object);

  g_free (self->server_url);
  g_free (self->device_token);
  g_free (self->display_name);
  g_ptr_array_unref (self->local_addresses);

  G_OBJECT_CLASS (tc_kiosk_parent_class)->finalize (object);
}

static void
tc_kiosk_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  TcKiosk *self = TC_KIOSK (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_int (value, self->status);
      break;
    case PROP_CONSULTATION:
      g_value_set_object (value, self->consultation);
      break;
    case PROP_NEXT_SCHEDULED_AT:
      g_value_set_int64 (value, self->next_scheduled_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_kiosk_class_init (TcKioskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = tc_kiosk_dispose;
  object_class->finalize = tc_kiosk_finalize;
  object_class->get_property = tc_kiosk_get_property;

  props[PROP_STATUS] = g_param_spec_int ("status", NULL, NULL, 0, TC_KIOSK_STATUS_OFFLINE, 0, ro);
  props[PROP_CONSULTATION] = g_param_spec_object ("consultation", NULL, NULL, TC_TYPE_CONSULTATION, ro);
  props[PROP_NEXT_SCHEDULED_AT] = g_param_spec_int64 ("next-scheduled-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
tc_kiosk_init (TcKiosk *self)
{
  self->local_addresses = g_ptr_array_new_with_free_func (g_free);
  self->idle_poll_ms = 30000;
  self->max_retry_ms = 30000;
}

TcKiosk *
tc_kiosk_new (TcMediaFactory *factory,
              const char     *server_url,
              const char     *device_token,
              const char     *display_name)
{
  TcKiosk *self;

  g_return_val_if_fail (TC_IS_MEDIA_FACTORY (factory), NULL);
  g_return_val_if_fail (server_url != NULL && device_token != NULL, NULL);

  self = g_object_new (TC_TYPE_KIOSK, NULL);
  self->factory = g_object_ref (factory);
  self->server_url = g_strdup (server_url);
  self->device_token = g_strdup (device_token);
  self->display_name = g_strdup (display_name != NULL ? display_name : "Kiosk");
  return self;
}
