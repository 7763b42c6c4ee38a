/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-bluez"

#include "tc-bluez-manager.h"

#include <string.h>

#include "tc-gatt-parser.h"

#define BLUEZ              "org.bluez"
#define ADAPTER_IFACE      "org.bluez.Adapter1"
#define DEVICE_IFACE       "org.bluez.Device1"
#define CHAR_IFACE         "org.bluez.GattCharacteristic1"
#define DBUS_TIMEOUT_MS    30000
#define MAX_RECONNECT_MS   60000
#define MAX_DIS_STRING     64

static const guint16 health_services[] = {
  TC_GATT_SERVICE_BLOOD_PRESSURE, TC_GATT_SERVICE_HEALTH_THERMOMETER, TC_GATT_SERVICE_HEART_RATE,
  TC_GATT_SERVICE_PULSE_OXIMETER, TC_GATT_SERVICE_GLUCOSE, TC_GATT_SERVICE_WEIGHT_SCALE, 0
};

const guint16 *
tc_bluez_health_services (void)
{
  return health_services;
}

typedef struct {
  char         *path;
  gboolean      connected;
  GHashTable   *subscribed;     /* characteristic paths subscribed in this connection */
  guint         pending_notify;
  char         *manufacturer;
  char         *model;
  char         *serial;
  char         *racp;           /* glucose Record Access Control Point, if the device has one */
  guint         retry_id;
  guint         retry_ms;
} DeviceState;

struct _TcBluezManager
{
  GObject             parent_instance;

  GDBusObjectManager *manager;
  GCancellable       *cancellable;
  GHashTable         *wanted;      /* device path -> DeviceState */
  GHashTable         *found;       /* device paths already reported */
  guint               reconnect_delay_ms;
};

enum {
  SIGNAL_DEVICE_FOUND,
  SIGNAL_DEVICE_READY,
  SIGNAL_DEVICE_DISCONNECTED,
  SIGNAL_READING,
  SIGNAL_ERROR,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TcBluezManager, tc_bluez_manager, G_TYPE_OBJECT)

static void device_connected (TcBluezManager *self, DeviceState *state);
static void schedule_retry (TcBluezManager *self, DeviceState *state);
static void request_stored_records (TcBluezManager *self, DeviceState *state);

static void
device_state_free (DeviceState *state)
{
  g_clear_handle_id (&state->retry_id, g_source_remove);
  g_hash_table_unref (state->subscribed);
  g_free (state->path);
  g_free (state->manufacturer);
  g_free (state->model);
  g_free (state->serial);
  g_free (state->racp);
  g_free (state);
}

/* An async D-Bus call's context: the manager (strong ref) and the paths involved. */
typedef struct {
  TcBluezManager *self;
  char           *device_path;
  char           *char_path;
  guint16         uuid;
} Call;

static Call *
call_new (TcBluezManager *self, const char *device_path, const char *char_path, guint16 uuid)
{
  Call *c = g_new0 (Call, 1);
  c->self = g_object_ref (self);
  c->device_path = g_strdup (device_path);
  c->char_path = g_strdup (char_path);
  c->uuid = uuid;
  return c;
}

static void
call_free (Call *c)
{
  g_object_unref (c->self);
  g_free (c->device_path);
  g_free (c->char_path);
  g_free (c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

static void
emit_error (TcBluezManager *self, const char *path, const GError *error)
{
  g_debug ("%s: %s", path, error->message);
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, path, error);
}

static GDBusProxy *
get_proxy (TcBluezManager *self, const char *path, const char *iface)
{
  return G_DBUS_PROXY (g_dbus_object_manager_get_interface (self->manager, path, iface));
}

static gboolean
get_bool (GDBusProxy *proxy, const char *name)
{
  g_autoptr(GVariant) v = g_dbus_proxy_get_cached_property (proxy, name);
  return v && g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean (v);
}

static guint16
proxy_uuid16 (GDBusProxy *proxy)
{
  g_autoptr(GVariant) v = g_dbus_proxy_get_cached_property (proxy, "UUID");
  if (v == NULL || !g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
    return 0;
  return tc_gatt_uuid16_from_string (g_variant_get_string (v, NULL));
}

static gboolean
has_flag (GDBusProxy *proxy, const char *flag)
{
  g_autoptr(GVariant) v = g_dbus_proxy_get_cached_property (proxy, "Flags");
  g_autofree const char **flags = NULL;

  if (v == NULL || !g_variant_is_of_type (v, G_VARIANT_TYPE_STRING_ARRAY))
    return FALSE;
  flags = g_variant_get_strv (v, NULL);
  return g_strv_contains (flags, flag);
}

static guint16
health_service_of (GDBusProxy *device)
{
  g_autoptr(GVariant) v = g_dbus_proxy_get_cached_property (device, "UUIDs");
  g_autofree const char **uuids = NULL;

  if (v == NULL || !g_variant_is_of_type (v, G_VARIANT_TYPE_STRING_ARRAY))
    return 0;
  uuids = g_variant_get_strv (v, NULL);
  for (guint i = 0; uuids[i]; i++)
    {
      guint16 u = tc_gatt_uuid16_from_string (uuids[i]);
      for (guint s = 0; health_services[s]; s++)
        if (u == health_services[s])
          return u;
    }
  return 0;
}

static void
maybe_found (TcBluezManager *self, GDBusProxy *device)
{
  const char *path = g_dbus_proxy_get_object_path (device);
  guint16 service = health_service_of (device);
  g_autoptr(GVariant) alias = NULL;

  if (service == 0 || g_hash_table_contains (self->found, path))
    return;
  g_hash_table_add (self->found, g_strdup (path));
  alias = g_dbus_proxy_get_cached_property (device, "Alias");
  g_signal_emit (self, signals[SIGNAL_DEVICE_FOUND], 0, path,
                 alias && g_variant_is_of_type (alias, G_VARIANT_TYPE_STRING) ? g_variant_get_string (alias, NULL) : "",
                 (guint) service);
}

static DeviceState *
state_for_char (TcBluezManager *self, const char *char_path)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->wanted);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gsize n = strlen (key);
      if (strncmp (char_path, key, n) == 0 && char_path[n] == '/')
        return value;
    }
  return NULL;
}

/* ---- Device Information ---- */

static char *
dis_string (GVariant *bytes)
{
  gsize n = 0;
  const char *data = g_variant_get_fixed_array (bytes, &n, 1);
  g_autofree char *raw = g_strndup (data, MIN (n, MAX_DIS_STRING));

  /* a device's string is untrusted: valid UTF-8, no control characters */
  g_autofree char *valid = g_utf8_make_valid (raw, -1);
  for (char *p = valid; *p; p++)
    if ((guchar) *p < 0x20)
      *p = ' ';
  return g_strstrip (g_steal_pointer (&valid));
}

static void
on_read_value (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Call) c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) ret = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), res, &error);
  g_autoptr(GVariant) bytes = NULL;
  DeviceState *state = g_hash_table_lookup (c->self->wanted, c->device_path);
  char **slot;

  if (ret == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("%s: reading device information failed: %s", c->char_path, error->message);
      return;
    }
  if (state == NULL)
    return;
  bytes = g_variant_get_child_value (ret, 0);
  slot = c->uuid == TC_GATT_MANUFACTURER_NAME_STRING ? &state->manufacturer
       : c->uuid == TC_GATT_MODEL_NUMBER_STRING ? &state->model : &state->serial;
  g_free (*slot);
  *slot = dis_string (bytes);
}

/* ---- subscriptions ---- */

static void
on_racp_written (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Call) c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) ret = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), res, &error);

  if (ret == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    emit_error (c->self, c->device_path, error);
}

/* A glucose meter sends its records when asked through the Record Access Control Point:
 * "report stored records" (0x01), "all records" (0x01). Records it already sent come again; they
 * get the same stable id (see on_value) so the queue and the receiver recognise them. */
static void
request_stored_records (TcBluezManager *self, DeviceState *state)
{
  static const guint8 report_all[] = { 0x01, 0x01 };
  g_autoptr(GDBusProxy) racp = NULL;

  if (state->racp == NULL || !g_hash_table_contains (state->subscribed, state->racp))
    return;
  racp = get_proxy (self, state->racp, CHAR_IFACE);
  if (racp == NULL)
    return;
  g_dbus_proxy_call (racp, "WriteValue",
                     g_variant_new ("(@aya{sv})",
                                    g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, report_all, sizeof report_all, 1),
                                    NULL),
                     G_DBUS_CALL_FLAGS_NONE, DBUS_TIMEOUT_MS, self->cancellable, on_racp_written,
                     call_new (self, state->path, state->racp, TC_GATT_RECORD_ACCESS_CONTROL_POINT));
}

static void
on_start_notify (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Call) c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) ret = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), res, &error);
  DeviceState *state = g_hash_table_lookup (c->self->wanted, c->device_path);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (state == NULL)
    return;
  if (state->pending_notify > 0)
    state->pending_notify--;
  if (ret == NULL)
    {
      g_hash_table_remove (state->subscribed, c->char_path);
      emit_error (c->self, c->device_path, error);
      return;
    }
  if (state->pending_notify == 0 && state->connected)
    {
      request_stored_records (c->self, state);
      g_signal_emit (c->self, signals[SIGNAL_DEVICE_READY], 0, state->path);
    }
}

static void
setup_char (TcBluezManager *self, DeviceState *state, GDBusProxy *chr)
{
  const char *path = g_dbus_proxy_get_object_path (chr);
  guint16 uuid = proxy_uuid16 (chr);

  if (!state->connected)
    return;
  if (uuid == TC_GATT_MANUFACTURER_NAME_STRING || uuid == TC_GATT_MODEL_NUMBER_STRING ||
      uuid == TC_GATT_SERIAL_NUMBER_STRING)
    {
      g_dbus_proxy_call (chr, "ReadValue", g_variant_new ("(a{sv})", NULL), G_DBUS_CALL_FLAGS_NONE,
                         DBUS_TIMEOUT_MS, self->cancellable, on_read_value, call_new (self, state->path, path, uuid));
      return;
    }
  if (uuid == TC_GATT_RECORD_ACCESS_CONTROL_POINT)
    {
      g_free (state->racp);
      state->racp = g_strdup (path);
    }
  else if (!tc_gatt_is_measurement (uuid))
    return;
  if (g_hash_table_contains (state->subscribed, path))
    return;
  if (!has_flag (chr, "notify") && !has_flag (chr, "indicate"))
    return;
  g_hash_table_add (state->subscribed, g_strdup (path));
  state->pending_notify++;
  g_dbus_proxy_call (chr, "StartNotify", NULL, G_DBUS_CALL_FLAGS_NONE, DBUS_TIMEOUT_MS, self->cancellable,
                     on_start_notify, call_new (self, state->path, path, uuid));
}

static void
setup_device_chars (TcBluezManager *self, DeviceState *state)
{
  GList *objects = g_dbus_object_manager_get_objects (self->manager);
  g_autofree char *prefix = g_strconcat (state->path, "/", NULL);

  for (GList *l = objects; l; l = l->next)
    {
      GDBusObject *obj = l->data;
      g_autoptr(GDBusInterface) chr = NULL;

      if (!g_str_has_prefix (g_dbus_object_get_object_path (obj), prefix))
        continue;
      chr = g_dbus_object_get_interface (obj, CHAR_IFACE);
      if (chr)
        setup_char (self, state, G_DBUS_PROXY (chr));
    }
  g_list_free_full (objects, g_object_unref);
}

/* ---- readings ---- */

static void
on_value (TcBluezManager *self, GDBusProxy *chr, GVariant *value)
{
  const char *path = g_dbus_proxy_get_object_path (chr);
  DeviceState *state = state_for_char (self, path);
  guint16 uuid = proxy_uuid16 (chr);
  g_autoptr(TcReading) reading = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize n = 0;

  if (state == NULL || !tc_gatt_is_measurement (uuid) || !g_variant_is_of_type (value, G_VARIANT_TYPE_BYTESTRING))
    return;
  data = g_variant_get_fixed_array (value, &n, 1);
  reading = tc_gatt_parse (uuid, data, n, &error);
  if (reading == NULL)
    {
      /* the message names field and offset, never a value */
      emit_error (self, state->path, error);
      return;
    }
  if (reading->kind == TC_READING_KIND_GLUCOSE && reading->sequence_number >= 0)
    {
      g_autoptr(GDBusProxy) dev = get_proxy (self, state->path, DEVICE_IFACE);
      g_autoptr(GVariant) address = dev ? g_dbus_proxy_get_cached_property (dev, "Address") : NULL;
      g_autofree char *when = reading->timestamp ? g_date_time_format (reading->timestamp, "%FT%T") : g_strdup ("-");
      g_autofree char *name = g_strdup_printf ("glucose:%s:%d:%s",
                                               address && g_variant_is_of_type (address, G_VARIANT_TYPE_STRING)
                                                 ? g_variant_get_string (address, NULL) : state->path,
                                               reading->sequence_number, when);
      g_autofree char *id = tc_reading_stable_id (name);
      tc_reading_set_id (reading, id);
    }
  tc_reading_set_device_info (reading, state->manufacturer, state->model, state->serial);
  g_signal_emit (self, signals[SIGNAL_READING], 0, state->path, reading);
}

/* ---- connection ---- */

static void
on_connect (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Call) c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) ret = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), res, &error);
  DeviceState *state = g_hash_table_lookup (c->self->wanted, c->device_path);
  g_autofree char *remote = NULL;

  if (ret == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (state == NULL)
    return;
  if (ret == NULL)
    {
      remote = g_dbus_error_get_remote_error (error);
      if (g_strcmp0 (remote, "org.bluez.Error.AlreadyConnected") != 0)
        {
          emit_error (c->self, c->device_path, error);
          /* not there (yet): try again later */
          if (!state->connected)
            schedule_retry (c->self, state);
          return;
        }
    }
  if (!state->connected)
    {
      g_autoptr(GDBusProxy) dev = get_proxy (c->self, state->path, DEVICE_IFACE);
      if (dev && get_bool (dev, "Connected"))
        device_connected (c->self, state);
    }
}

static void
call_connect (TcBluezManager *self, DeviceState *state)
{
  g_autoptr(GDBusProxy) dev = get_proxy (self, state->path, DEVICE_IFACE);

  if (dev == NULL)
    return;   /* gone from BlueZ; it comes back through object-added */
  g_dbus_proxy_call (dev, "Connect", NULL, G_DBUS_CALL_FLAGS_NONE, DBUS_TIMEOUT_MS, self->cancellable,
                     on_connect, call_new (self, state->path, NULL, 0));
}

/* No reference: the timeout is removed with the device state, in dispose at the latest. */
typedef struct {
  TcBluezManager *self;
  char           *path;
} Retry;

static void
retry_free (gpointer data)
{
  Retry *r = data;
  g_free (r->path);
  g_free (r);
}

static gboolean
on_retry (gpointer user_data)
{
  Retry *r = user_data;
  DeviceState *state = g_hash_table_lookup (r->self->wanted, r->path);

  if (state)
    {
      state->retry_id = 0;
      if (!state->connected)
        call_connect (r->self, state);
    }
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (TcBluezManager *self,
                DeviceState    *state)
{
  Retry *r;

  if (state->retry_id)
    return;
  r = g_new0 (Retry, 1);
  r->self = self;
  r->path = g_strdup (state->path);
  state->retry_id = g_timeout_add_full (G_PRIORITY_DEFAULT, state->retry_ms, on_retry, r, retry_free);
  state->retry_ms = MIN (state->retry_ms * 2, MAX_RECONNECT_MS);
}

static void
device_connected (TcBluezManager *self, DeviceState *state)
{
  state->connected = TRUE;
  state->retry_ms = self->reconnect_delay_ms;
  g_clear_handle_id (&state->retry_id, g_source_remove);
  g_hash_table_remove_all (state->subscribed);
  state->pending_notify = 0;
  setup_device_chars (self, state);
}

static void
device_disconnected (TcBluezManager *self, DeviceState *state)
{
  if (!state->connected)
    return;
  state->connected = FALSE;
  g_hash_table_remove_all (state->subscribed);
  state->pending_notify = 0;
  g_signal_emit (self, signals[SIGNAL_DEVICE_DISCONNECTED], 0, state->path);
  schedule_retry (self, state);
}

static void
on_pair (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Call) c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) ret = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), res, &error);
  DeviceState *state = g_hash_table_lookup (c->self->wanted, c->device_path);
  g_autofree char *remote = NULL;

  if (ret == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (ret == NULL)
    {
      remote = g_dbus_error_get_remote_error (error);
      if (g_strcmp0 (remote, "org.bluez.Error.AlreadyExists") != 0)
        emit_error (c->self, c->device_path, error);
    }
  if (state)
    call_connect (c->self, state);
}

static void
on_set_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) ret = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);

  if (ret == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("setting Trusted failed: %s", error->message);
}

void
tc_bluez_manager_connect_device (TcBluezManager *self,
                                 const char     *device_path)
{
  g_autoptr(GDBusProxy) dev = NULL;
  DeviceState *state;

  g_return_if_fail (TC_IS_BLUEZ_MANAGER (self));
  g_return_if_fail (device_path != NULL);

  state = g_hash_table_lookup (self->wanted, device_path);
  if (state == NULL)
    {
      state = g_new0 (DeviceState, 1);
      state->path = g_strdup (device_path);
      state->subscribed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      state->retry_ms = self->reconnect_delay_ms;
      g_hash_table_insert (self->wanted, state->path, state);
    }

  dev = get_proxy (self, device_path, DEVICE_IFACE);
  if (dev == NULL)
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No such Bluetooth device");
      emit_error (self, device_path, error);
      return;
    }

  /* trusted devices may reconnect on their own, which is how most cuffs and scales send */
  g_dbus_connection_call (g_dbus_proxy_get_connection (dev), BLUEZ, device_path,
                          "org.freedesktop.DBus.Properties", "Set",
                          g_variant_new ("(ssv)", DEVICE_IFACE, "Trusted", g_variant_new_boolean (TRUE)),
                          NULL, G_DBUS_CALL_FLAGS_NONE, DBUS_TIMEOUT_MS, self->cancellable, on_set_done, NULL);

  if (get_bool (dev, "Connected"))
    device_connected (self, state);
  else if (!get_bool (dev, "Paired"))
    g_dbus_proxy_call (dev, "Pair", NULL, G_DBUS_CALL_FLAGS_NONE, DBUS_TIMEOUT_MS, self->cancellable,
                       on_pair, call_new (self, device_path, NULL, 0));
  else
    call_connect (self, state);
}

void
tc_bluez_manager_forget_device (TcBluezManager *self,
                                const char     *device_path)
{
  g_autoptr(GDBusProxy) dev = NULL;

  g_return_if_fail (TC_IS_BLUEZ_MANAGER (self));

  if (!g_hash_table_remove (self->wanted, device_path))
    return;
  dev = get_proxy (self, device_path, DEVICE_IFACE);
  if (dev)
    g_dbus_proxy_call (dev, "Disconnect", NULL, G_DBUS_CALL_FLAGS_NONE, DBUS_TIMEOUT_MS, NULL, NULL, NULL);
}

gboolean
tc_bluez_manager_is_connected (TcBluezManager *self,
                               const char     *device_path)
{
  DeviceState *state;

  g_return_val_if_fail (TC_IS_BLUEZ_MANAGER (self), FALSE);
  state = g_hash_table_lookup (self->wanted, device_path);
  return state && state->connected;
}

void
tc_bluez_manager_set_reconnect_delay (TcBluezManager *self,
                                      guint           delay_ms)
{
  g_return_if_fail (TC_IS_BLUEZ_MANAGER (self));
  self->reconnect_delay_ms = MAX (delay_ms, 10);
}

/* ---- object manager events ---- */

static void
handle_interface (TcBluezManager *self, GDBusProxy *proxy)
{
  const char *iface = g_dbus_proxy_get_interface_name (proxy);
  const char *path = g_dbus_proxy_get_object_path (proxy);

  if (strcmp (iface, DEVICE_IFACE) == 0)
    {
      DeviceState *state = g_hash_table_lookup (self->wanted, path);
      maybe_found (self, proxy);
      /* a wanted device that BlueZ forgot and found again */
      if (state && !state->connected)
        {
          if (get_bool (proxy, "Connected"))
            device_connected (self, state);
          else
            schedule_retry (self, state);
        }
    }
  else if (strcmp (iface, CHAR_IFACE) == 0)
    {
      DeviceState *state = state_for_char (self, path);
      if (state)
        setup_char (self, state, proxy);
    }
}

static void
on_interface_added (GDBusObjectManager *manager, GDBusObject *object, GDBusInterface *iface, gpointer user_data)
{
  handle_interface (user_data, G_DBUS_PROXY (iface));
}

static void
on_object_added (GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
  GList *ifaces = g_dbus_object_get_interfaces (object);

  for (GList *l = ifaces; l; l = l->next)
    handle_interface (user_data, G_DBUS_PROXY (l->data));
  g_list_free_full (ifaces, g_object_unref);
}

static void
on_object_removed (GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
  TcBluezManager *self = user_data;
  const char *path = g_dbus_object_get_object_path (object);
  DeviceState *state = g_hash_table_lookup (self->wanted, path);

  g_hash_table_remove (self->found, path);
  if (state)
    device_disconnected (self, state);
}

static void
on_properties_changed (GDBusObjectManagerClient *manager,
                       GDBusObjectProxy         *object,
                       GDBusProxy               *proxy,
                       GVariant                 *changed,
                       const char *const        *invalidated,
                       gpointer                  user_data)
{
  TcBluezManager *self = user_data;
  const char *iface = g_dbus_proxy_get_interface_name (proxy);
  const char *path = g_dbus_proxy_get_object_path (proxy);

  if (strcmp (iface, CHAR_IFACE) == 0)
    {
      g_autoptr(GVariant) value = g_variant_lookup_value (changed, "Value", G_VARIANT_TYPE_BYTESTRING);
      if (value)
        on_value (self, proxy, value);
    }
  else if (strcmp (iface, DEVICE_IFACE) == 0)
    {
      DeviceState *state = g_hash_table_lookup (self->wanted, path);
      gboolean b;

      if (g_variant_lookup (changed, "UUIDs", "^a&s", NULL))
        maybe_found (self, proxy);
      if (state == NULL)
        return;
      if (g_variant_lookup (changed, "Connected", "b", &b))
        {
          if (b && !state->connected)
            device_connected (self, state);
          else if (!b)
            device_disconnected (self, state);
        }
      if (g_variant_lookup (changed, "ServicesResolved", "b", &b) && b && state->connected)
        setup_device_chars (self, state);
    }
}

/* ---- discovery ---- */

static GDBusProxy *
first_adapter (TcBluezManager *self)
{
  GList *objects = g_dbus_object_manager_get_objects (self->manager);
  GDBusProxy *adapter = NULL;

  for (GList *l = objects; l && adapter == NULL; l = l->next)
    {
      GDBusInterface *i = g_dbus_object_get_interface (l->data, ADAPTER_IFACE);
      if (i)
        adapter = G_DBUS_PROXY (i);
    }
  g_list_free_full (objects, g_object_unref);
  return adapter;
}

static void
on_discovery_call (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Call) c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) ret = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), res, &error);

  if (ret == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    emit_error (c->self, g_dbus_proxy_get_object_path (G_DBUS_PROXY (source)), error);
}

void
tc_bluez_manager_start_discovery (TcBluezManager *self)
{
  g_autoptr(GDBusProxy) adapter = NULL;
  GVariantBuilder uuids, filter;
  GList *objects;

  g_return_if_fail (TC_IS_BLUEZ_MANAGER (self));

  /* what BlueZ already knows */
  objects = g_dbus_object_manager_get_objects (self->manager);
  for (GList *l = objects; l; l = l->next)
    {
      g_autoptr(GDBusInterface) dev = g_dbus_object_get_interface (l->data, DEVICE_IFACE);
      if (dev)
        maybe_found (self, G_DBUS_PROXY (dev));
    }
  g_list_free_full (objects, g_object_unref);

  adapter = first_adapter (self);
  if (adapter == NULL)
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No Bluetooth adapter");
      emit_error (self, "/org/bluez", error);
      return;
    }

  g_variant_builder_init (&uuids, G_VARIANT_TYPE ("as"));
  for (guint i = 0; health_services[i]; i++)
    {
      g_autofree char *u = tc_gatt_uuid16_to_string (health_services[i]);
      g_variant_builder_add (&uuids, "s", u);
    }
  g_variant_builder_init (&filter, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&filter, "{sv}", "UUIDs", g_variant_builder_end (&uuids));
  g_variant_builder_add (&filter, "{sv}", "Transport", g_variant_new_string ("le"));

  /* queued in order on the same connection: the filter applies before discovery starts */
  g_dbus_proxy_call (adapter, "SetDiscoveryFilter", g_variant_new ("(a{sv})", &filter), G_DBUS_CALL_FLAGS_NONE,
                     DBUS_TIMEOUT_MS, self->cancellable, on_discovery_call, call_new (self, NULL, NULL, 0));
  g_dbus_proxy_call (adapter, "StartDiscovery", NULL, G_DBUS_CALL_FLAGS_NONE, DBUS_TIMEOUT_MS, self->cancellable,
                     on_discovery_call, call_new (self, NULL, NULL, 0));
}

void
tc_bluez_manager_stop_discovery (TcBluezManager *self)
{
  g_autoptr(GDBusProxy) adapter = NULL;

  g_return_if_fail (TC_IS_BLUEZ_MANAGER (self));

  adapter = first_adapter (self);
  if (adapter)
    g_dbus_proxy_call (adapter, "StopDiscovery", NULL, G_DBUS_CALL_FLAGS_NONE, DBUS_TIMEOUT_MS, self->cancellable,
                       on_discovery_call, call_new (self, NULL, NULL, 0));
}

/* ---- object ---- */

static void
tc_bluez_manager_dispose (GObject *object)
{
  TcBluezManager *self = TC_BLUEZ_MANAGER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->manager)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_clear_object (&self->manager);
  g_clear_pointer (&self->wanted, g_hash_table_unref);
  G_OBJECT_CLASS (tc_bluez_manager_parent_class)->dispose (object);
}

static void
tc_bluez_manager_finalize (GObject *object)
{
  TcBluezManager *self = TC_BLUEZ_MANAGER (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->found, g_hash_table_unref);
  G_OBJECT_CLASS (tc_bluez_manager_parent_class)->finalize (object);
}

static void
tc_bluez_manager_class_init (TcBluezManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tc_bluez_manager_dispose;
  object_class->finalize = tc_bluez_manager_finalize;

  /* (path, name, 16-bit health service UUID) */
  signals[SIGNAL_DEVICE_FOUND] =
    g_signal_new ("device-found", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT);
  /* (path): connected and subscribed to every measurement characteristic */
  signals[SIGNAL_DEVICE_READY] =
    g_signal_new ("device-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_DEVICE_DISCONNECTED] =
    g_signal_new ("device-disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  /* (path, reading) */
  signals[SIGNAL_READING] =
    g_signal_new ("reading", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, TC_TYPE_READING | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* (path, error) */
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);
}

static void
tc_bluez_manager_init (TcBluezManager *self)
{
  self->cancellable = g_cancellable_new ();
  self->wanted = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) device_state_free);
  self->found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->reconnect_delay_ms = 2000;
}

static void
on_manager_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GDBusObjectManager *manager = g_dbus_object_manager_client_new_for_bus_finish (res, &error);
  TcBluezManager *self;

  if (manager == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self = g_object_new (TC_TYPE_BLUEZ_MANAGER, NULL);
  self->manager = manager;
  g_signal_connect (manager, "object-added", G_CALLBACK (on_object_added), self);
  g_signal_connect (manager, "object-removed", G_CALLBACK (on_object_removed), self);
  g_signal_connect (manager, "interface-added", G_CALLBACK (on_interface_added), self);
  g_signal_connect (manager, "interface-proxy-properties-changed", G_CALLBACK (on_properties_changed), self);
  g_task_return_pointer (task, self, g_object_unref);
}

void
tc_bluez_manager_new_async (GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, tc_bluez_manager_new_async);
  g_dbus_object_manager_client_new_for_bus (G_BUS_TYPE_SYSTEM, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE,
                                            BLUEZ, "/", NULL, NULL, NULL, cancellable, on_manager_ready, task);
}

TcBluezManager *
tc_bluez_manager_new_finish (GAsyncResult *result,
                             GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
