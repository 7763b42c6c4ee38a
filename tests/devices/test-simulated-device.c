/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <check.h>
#include <math.h>

#include "tc-fhir.h"
#include "tc-gatt-parser.h"
#include "tc-gatt-writer.h"
#include "tc-simulated-device.h"

static const struct {
  TcReadingKind kind;
  double values[3];
  guint n;
  TcComponentType check;
  double expect;
  const char *unit;
} cases[] = {
  { TC_READING_KIND_BLOOD_PRESSURE, { 135, 85, 66 }, 3, TC_COMPONENT_DIASTOLIC, 85, "mm[Hg]" },
  { TC_READING_KIND_CUFF_PRESSURE, { 180 }, 1, TC_COMPONENT_CUFF_PRESSURE, 180, "mm[Hg]" },
  { TC_READING_KIND_BODY_TEMPERATURE, { 38.4 }, 1, TC_COMPONENT_BODY_TEMPERATURE, 38.4, "Cel" },
  { TC_READING_KIND_HEART_RATE, { 280 }, 1, TC_COMPONENT_HEART_RATE, 280, "/min" },
  { TC_READING_KIND_SPO2, { 93, 101 }, 2, TC_COMPONENT_PULSE_RATE, 101, "/min" },
  { TC_READING_KIND_GLUCOSE, { 142 }, 1, TC_COMPONENT_GLUCOSE, 142, "mg/dL" },
  { TC_READING_KIND_BODY_WEIGHT, { 82.35 }, 1, TC_COMPONENT_BODY_WEIGHT, 82.35, "kg" },
};

static void
on_reading (TcSimulatedDevice *dev, TcReading *reading, gpointer data)
{
  guint *count = data;
  (*count)++;
}

START_TEST (test_each_kind)
{
  g_autoptr(TcSimulatedDevice) dev = tc_simulated_device_new (cases[_i].kind);
  g_autoptr(TcReading) r = NULL;
  g_autoptr(TcReading) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  GBytes *bytes;
  guint count = 0;
  const TcReadingComponent *c;

  g_signal_connect (dev, "reading", G_CALLBACK (on_reading), &count);
  ck_assert (tc_simulated_device_set_values (dev, cases[_i].values, cases[_i].n, &error));
  r = tc_simulated_device_trigger (dev, &error);
  ck_assert_msg (r != NULL, "%s", error ? error->message : "");
  ck_assert_uint_eq (count, 1);
  ck_assert_int_eq (r->kind, cases[_i].kind);
  c = tc_reading_get_component (r, cases[_i].check);
  ck_assert_ptr_nonnull (c);
  ck_assert_double_eq_tol (c->value, cases[_i].expect, 1e-9);
  ck_assert_str_eq (c->unit, cases[_i].unit);
  ck_assert_str_eq (r->model, "Simulated device");

  /* the bytes are a real characteristic value: the parser reads them on its own */
  bytes = tc_simulated_device_get_last_value (dev);
  ck_assert_ptr_nonnull (bytes);
  again = tc_gatt_parse (tc_simulated_device_get_characteristic (dev), g_bytes_get_data (bytes, NULL),
                         g_bytes_get_size (bytes), &error);
  ck_assert_ptr_nonnull (again);
  ck_assert_double_eq_tol (tc_reading_get_component (again, cases[_i].check)->value, cases[_i].expect, 1e-9);

  json = tc_fhir_observation_to_string (r, NULL, &error);
  ck_assert_msg (json != NULL, "%s", error ? error->message : "");
}
END_TEST

START_TEST (test_bp_map_is_nan_on_the_wire)
{
  g_autoptr(TcSimulatedDevice) dev = tc_simulated_device_new (TC_READING_KIND_BLOOD_PRESSURE);
  g_autoptr(TcReading) r = tc_simulated_device_trigger (dev, NULL);
  const guint8 *b = g_bytes_get_data (tc_simulated_device_get_last_value (dev), NULL);

  /* flags, systolic, diastolic, then MAP = 0x07FF (NaN), as real cuffs send it */
  ck_assert_uint_eq (b[5], 0xFF);
  ck_assert_uint_eq (b[6], 0x07);
  ck_assert_int_eq (tc_reading_get_component (r, TC_COMPONENT_MEAN_ARTERIAL)->state, TC_VALUE_NAN);
  ck_assert_ptr_nonnull (r->timestamp);
}
END_TEST

START_TEST (test_values_refused)
{
  g_autoptr(TcSimulatedDevice) dev = tc_simulated_device_new (TC_READING_KIND_SPO2);
  g_autoptr(GError) error = NULL;
  g_autoptr(TcReading) r = NULL;
  double one[] = { 97 };
  double huge[] = { 5000, 60 };   /* does not fit an SFLOAT at 1 % resolution */

  ck_assert (!tc_simulated_device_set_values (dev, one, 1, &error));
  g_clear_error (&error);
  ck_assert (tc_simulated_device_set_values (dev, huge, 2, &error));
  r = tc_simulated_device_trigger (dev, &error);
  /* 5000 still fits with a coarser exponent; the parser gets a valid value */
  ck_assert_ptr_nonnull (r);
  ck_assert_double_eq (tc_reading_get_component (r, TC_COMPONENT_SPO2)->value, 5000);
}
END_TEST

static gboolean
quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

START_TEST (test_interval_and_jitter)
{
  g_autoptr(TcSimulatedDevice) dev = tc_simulated_device_new (TC_READING_KIND_HEART_RATE);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  guint count = 0;

  g_signal_connect (dev, "reading", G_CALLBACK (on_reading), &count);
  tc_simulated_device_set_jitter (dev, 5);
  tc_simulated_device_set_interval (dev, 20);
  tc_simulated_device_start (dev);
  ck_assert (tc_simulated_device_is_running (dev));
  g_timeout_add (300, quit, loop);
  g_main_loop_run (loop);
  tc_simulated_device_stop (dev);
  ck_assert (!tc_simulated_device_is_running (dev));
  ck_assert_uint_ge (count, 5);
}
END_TEST

static Suite *
sim_suite (void)
{
  Suite *s = suite_create ("simulated-device");
  TCase *tc = tcase_create ("core");

  tcase_add_loop_test (tc, test_each_kind, 0, G_N_ELEMENTS (cases));
  tcase_add_test (tc, test_bp_map_is_nan_on_the_wire);
  tcase_add_test (tc, test_values_refused);
  tcase_add_test (tc, test_interval_and_jitter);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (sim_suite ());
  int failed;

  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
