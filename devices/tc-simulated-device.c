/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-simulated-device"

#include "tc-simulated-device.h"

#include <gio/gio.h>
#include <math.h>

#include "tc-gatt-parser.h"
#include "tc-gatt-writer.h"

#define MAX_VALUES 3

enum {
  PROP_0,
  PROP_INTERVAL,
  PROP_RUNNING,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_READING,
  SIGNAL_ERROR,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

struct _TcSimulatedDevice
{
  GObject        parent_instance;

  TcReadingKind  kind;
  double         values[MAX_VALUES];
  guint          n_values;
  double         jitter;
  guint          interval_ms;
  guint          timer_id;
  GBytes        *last_value;
  GRand         *rand;
};

G_DEFINE_FINAL_TYPE (TcSimulatedDevice, tc_simulated_device, G_TYPE_OBJECT)

static const struct {
  guint n;
  double defaults[MAX_VALUES];
  guint16 uuid;
} kind_info[TC_READING_N_KINDS] = {
  [TC_READING_KIND_BLOOD_PRESSURE] = { 3, { 120, 80, 72 }, TC_GATT_BLOOD_PRESSURE_MEASUREMENT },
  [TC_READING_KIND_CUFF_PRESSURE] = { 1, { 150 }, TC_GATT_INTERMEDIATE_CUFF_PRESSURE },
  [TC_READING_KIND_BODY_TEMPERATURE] = { 1, { 36.8 }, TC_GATT_TEMPERATURE_MEASUREMENT },
  [TC_READING_KIND_HEART_RATE] = { 1, { 72 }, TC_GATT_HEART_RATE_MEASUREMENT },
  [TC_READING_KIND_SPO2] = { 2, { 98, 72 }, TC_GATT_PLX_SPOT_CHECK },
  [TC_READING_KIND_GLUCOSE] = { 1, { 95 }, TC_GATT_GLUCOSE_MEASUREMENT },
  [TC_READING_KIND_BODY_WEIGHT] = { 1, { 70.5 }, TC_GATT_WEIGHT_MEASUREMENT },
};

static gboolean
on_tick (gpointer user_data)
{
  TcSimulatedDevice *self = user_data;
  g_autoptr(TcReading) reading = tc_simulated_device_trigger (self, NULL);

  return G_SOURCE_CONTINUE;
}

static void
tc_simulated_device_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TcSimulatedDevice *self = TC_SIMULATED_DEVICE (object);

  switch (prop_id)
    {
    case PROP_INTERVAL: g_value_set_uint (value, self->interval_ms); break;
    case PROP_RUNNING: g_value_set_boolean (value, self->timer_id != 0); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_simulated_device_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TcSimulatedDevice *self = TC_SIMULATED_DEVICE (object);

  switch (prop_id)
    {
    case PROP_INTERVAL: tc_simulated_device_set_interval (self, g_value_get_uint (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_simulated_device_dispose (GObject *object)
{
  TcSimulatedDevice *self = TC_SIMULATED_DEVICE (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  G_OBJECT_CLASS (tc_simulated_device_parent_class)->dispose (object);
}

static void
tc_simulated_device_finalize (GObject *object)
{
  TcSimulatedDevice *self = TC_SIMULATED_DEVICE (object);

  g_clear_pointer (&self->last_value, g_bytes_unref);
  g_clear_pointer (&self->rand, g_rand_free);
  G_OBJECT_CLASS (tc_simulated_device_parent_class)->finalize (object);
}

static void
tc_simulated_device_class_init (TcSimulatedDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tc_simulated_device_get_property;
  object_class->set_property = tc_simulated_device_set_property;
  object_class->dispose = tc_simulated_device_dispose;
  object_class->finalize = tc_simulated_device_finalize;

  props[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 0, 24 * 3600 * 1000, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_READING] =
    g_signal_new ("reading", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TC_TYPE_READING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
tc_simulated_device_init (TcSimulatedDevice *self)
{
  self->rand = g_rand_new ();
}

TcSimulatedDevice *
tc_simulated_device_new (TcReadingKind kind)
{
  TcSimulatedDevice *self;

  g_return_val_if_fail (kind > TC_READING_KIND_INVALID && kind < TC_READING_N_KINDS, NULL);

  self = g_object_new (TC_TYPE_SIMULATED_DEVICE, NULL);
  self->kind = kind;
  self->n_values = kind_info[kind].n;
  for (guint i = 0; i < self->n_values; i++)
    self->values[i] = kind_info[kind].defaults[i];
  return self;
}

TcReadingKind
tc_simulated_device_get_kind (TcSimulatedDevice *self)
{
  g_return_val_if_fail (TC_IS_SIMULATED_DEVICE (self), TC_READING_KIND_INVALID);
  return self->kind;
}

guint16
tc_simulated_device_get_characteristic (TcSimulatedDevice *self)
{
  g_return_val_if_fail (TC_IS_SIMULATED_DEVICE (self), 0);
  return kind_info[self->kind].uuid;
}

gboolean
tc_simulated_device_set_values (TcSimulatedDevice *self,
                                const double      *values,
                                guint              n_values,
                                GError           **error)
{
  g_return_val_if_fail (TC_IS_SIMULATED_DEVICE (self), FALSE);

  if (n_values != kind_info[self->kind].n)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "A simulated %s device takes %u value(s)", tc_reading_kind_to_string (self->kind),
                   kind_info[self->kind].n);
      return FALSE;
    }
  for (guint i = 0; i < n_values; i++)
    self->values[i] = values[i];
  return TRUE;
}

void
tc_simulated_device_set_interval (TcSimulatedDevice *self,
                                  guint              interval_ms)
{
  g_return_if_fail (TC_IS_SIMULATED_DEVICE (self));

  if (self->interval_ms == interval_ms)
    return;
  self->interval_ms = interval_ms;
  if (self->timer_id)
    {
      tc_simulated_device_stop (self);
      tc_simulated_device_start (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_INTERVAL]);
}

guint
tc_simulated_device_get_interval (TcSimulatedDevice *self)
{
  g_return_val_if_fail (TC_IS_SIMULATED_DEVICE (self), 0);
  return self->interval_ms;
}

void
tc_simulated_device_set_jitter (TcSimulatedDevice *self,
                                double             amount)
{
  g_return_if_fail (TC_IS_SIMULATED_DEVICE (self));
  self->jitter = MAX (amount, 0);
}

void
tc_simulated_device_start (TcSimulatedDevice *self)
{
  g_return_if_fail (TC_IS_SIMULATED_DEVICE (self));

  if (self->timer_id || self->interval_ms == 0)
    return;
  self->timer_id = g_timeout_add (self->interval_ms, on_tick, self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_RUNNING]);
}

void
tc_simulated_device_stop (TcSimulatedDevice *self)
{
  g_return_if_fail (TC_IS_SIMULATED_DEVICE (self));

  if (!self->timer_id)
    return;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_RUNNING]);
}

gboolean
tc_simulated_device_is_running (TcSimulatedDevice *self)
{
  g_return_val_if_fail (TC_IS_SIMULATED_DEVICE (self), FALSE);
  return self->timer_id != 0;
}

GBytes *
tc_simulated_device_get_last_value (TcSimulatedDevice *self)
{
  g_return_val_if_fail (TC_IS_SIMULATED_DEVICE (self), NULL);
  return self->last_value;
}

static double
value (TcSimulatedDevice *self, guint i, guint decimals)
{
  double v = self->values[i];
  double p = pow (10.0, decimals);

  if (self->jitter > 0)
    v += g_rand_double_range (self->rand, -self->jitter, self->jitter);
  return round (v * p) / p;
}

/* What the sensor measured, before it is put on the wire. */
static TcReading *
measure (TcSimulatedDevice *self)
{
  TcReading *r = tc_reading_new (self->kind);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) whole = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                      g_date_time_get_day_of_month (now), g_date_time_get_hour (now),
                                                      g_date_time_get_minute (now), g_date_time_get_second (now));

  tc_reading_set_timestamp (r, whole);
  switch (self->kind)
    {
    case TC_READING_KIND_BLOOD_PRESSURE:
      tc_reading_add_component (r, TC_COMPONENT_SYSTOLIC, TC_VALUE_PRESENT, value (self, 0, 0), 0, TC_UNIT_MMHG);
      tc_reading_add_component (r, TC_COMPONENT_DIASTOLIC, TC_VALUE_PRESENT, value (self, 1, 0), 0, TC_UNIT_MMHG);
      tc_reading_add_component (r, TC_COMPONENT_MEAN_ARTERIAL, TC_VALUE_NAN, NAN, 0, TC_UNIT_MMHG);
      tc_reading_add_component (r, TC_COMPONENT_PULSE_RATE, TC_VALUE_PRESENT, value (self, 2, 0), 0, TC_UNIT_PER_MIN);
      r->user_id = 1;
      break;
    case TC_READING_KIND_CUFF_PRESSURE:
      tc_reading_add_component (r, TC_COMPONENT_CUFF_PRESSURE, TC_VALUE_PRESENT, value (self, 0, 0), 0, TC_UNIT_MMHG);
      break;
    case TC_READING_KIND_BODY_TEMPERATURE:
      tc_reading_add_component (r, TC_COMPONENT_BODY_TEMPERATURE, TC_VALUE_PRESENT, value (self, 0, 1), 1,
                                TC_UNIT_CELSIUS);
      r->temperature_type = TC_TEMPERATURE_TYPE_MOUTH;
      break;
    case TC_READING_KIND_HEART_RATE:
      tc_reading_add_component (r, TC_COMPONENT_HEART_RATE, TC_VALUE_PRESENT, value (self, 0, 0), 0, TC_UNIT_PER_MIN);
      r->sensor_contact = TC_SENSOR_CONTACT_DETECTED;
      tc_reading_set_timestamp (r, NULL);   /* heart rate carries no time stamp */
      break;
    case TC_READING_KIND_SPO2:
      tc_reading_add_component (r, TC_COMPONENT_SPO2, TC_VALUE_PRESENT, value (self, 0, 0), 0, TC_UNIT_PERCENT);
      tc_reading_add_component (r, TC_COMPONENT_PULSE_RATE, TC_VALUE_PRESENT, value (self, 1, 0), 0, TC_UNIT_PER_MIN);
      break;
    case TC_READING_KIND_GLUCOSE:
      tc_reading_add_component (r, TC_COMPONENT_GLUCOSE, TC_VALUE_PRESENT, value (self, 0, 0), 0, TC_UNIT_MG_DL);
      r->sequence_number = 1;
      r->glucose_type = 1;
      r->sample_location = 1;
      break;
    case TC_READING_KIND_BODY_WEIGHT:
      tc_reading_add_component (r, TC_COMPONENT_BODY_WEIGHT, TC_VALUE_PRESENT, value (self, 0, 2), 3, TC_UNIT_KG);
      break;
    case TC_READING_KIND_INVALID:
    case TC_READING_N_KINDS:
    default:
      g_assert_not_reached ();
    }
  return r;
}

TcReading *
tc_simulated_device_trigger (TcSimulatedDevice *self,
                             GError           **error)
{
  g_autoptr(TcReading) measured = NULL;
  g_autoptr(TcReading) parsed = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local = NULL;
  guint16 uuid;

  g_return_val_if_fail (TC_IS_SIMULATED_DEVICE (self), NULL);

  uuid = kind_info[self->kind].uuid;
  measured = measure (self);
  bytes = tc_gatt_encode (uuid, measured, &local);
  if (bytes)
    parsed = tc_gatt_parse (uuid, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &local);
  if (parsed == NULL)
    {
      g_signal_emit (self, signals[SIGNAL_ERROR], 0, local);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  g_clear_pointer (&self->last_value, g_bytes_unref);
  self->last_value = g_bytes_ref (bytes);
  tc_reading_set_device_info (parsed, "Teleconsult", "Simulated device", "SIM-0001");
  g_signal_emit (self, signals[SIGNAL_READING], 0, parsed);
  return g_steal_pointer (&parsed);
}
