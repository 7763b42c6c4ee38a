/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The medical-device panels of the call page: the patient's devices panel (manual entry,
 * simulated device, sending status, Bluetooth absent) and the practitioner's vitals panel
 * (latest value, flags, trend chart, ranges from GSettings), photographed in the current
 * language. Runs under Xvfb (xvfb-wrapper.sh). */
#include "config.h"

#include <check.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>

#include "tc-devices-panel.h"
#include "tc-simulated-device.h"
#include "tc-trend-chart.h"
#include "tc-ui-test-util.h"
#include "tc-vitals-panel.h"

static void
setup (void)
{
  tc_ui_test_init ();
}

static void
screenshot (GtkWidget *page, const char *title, int width, int height, const char *name)
{
  GtkWindow *window;
  g_autofree char *path = NULL;

  /* The same panel photographed again: take it out of the previous window content. */
  if (gtk_widget_get_parent (page) != NULL)
    gtk_box_remove (GTK_BOX (gtk_widget_get_parent (page)), page);
  window = tc_ui_test_window_new (page, title);

  gtk_window_set_default_size (window, width, height);
  path = tc_ui_test_screenshot (GTK_WIDGET (window), name);
  ck_assert (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static TcReading *
blood_pressure (double sys, double dia, double pulse, guint64 status)
{
  TcReading *r = tc_reading_new (TC_READING_KIND_BLOOD_PRESSURE);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  tc_reading_add_component (r, TC_COMPONENT_SYSTOLIC, isnan (sys) ? TC_VALUE_NAN : TC_VALUE_PRESENT, sys, 0,
                            TC_UNIT_MMHG);
  tc_reading_add_component (r, TC_COMPONENT_DIASTOLIC, TC_VALUE_PRESENT, dia, 0, TC_UNIT_MMHG);
  tc_reading_add_component (r, TC_COMPONENT_MEAN_ARTERIAL, TC_VALUE_NAN, NAN, 0, TC_UNIT_MMHG);
  tc_reading_add_component (r, TC_COMPONENT_PULSE_RATE, TC_VALUE_PRESENT, pulse, 0, TC_UNIT_PER_MIN);
  tc_reading_set_timestamp (r, now);
  r->status = status;
  return r;
}

static TcReading *
simulated (TcReadingKind kind, const double *values, guint n)
{
  g_autoptr(TcSimulatedDevice) device = tc_simulated_device_new (kind);
  g_autoptr(GError) error = NULL;
  TcReading *r;

  ck_assert (tc_simulated_device_set_values (device, values, n, &error));
  r = tc_simulated_device_trigger (device, &error);
  ck_assert_msg (r != NULL, "simulated reading: %s", error ? error->message : "");
  return r;
}

START_TEST (test_trend_chart)
{
  GtkWidget *widget = tc_trend_chart_new ();
  TcTrendChart *chart = TC_TREND_CHART (g_object_ref_sink (widget));

  ck_assert_uint_eq (tc_trend_chart_get_n_points (chart), 0);
  tc_trend_chart_add_point (chart, 100, 120, 80, "120/80 mmHg");
  tc_trend_chart_add_point (chart, 50, 130, 85, "130/85 mmHg");
  tc_trend_chart_add_point (chart, 150, NAN, NAN, "nothing");
  ck_assert_uint_eq (tc_trend_chart_get_n_points (chart), 2);
  /* Kept in time order, both values in words for screen readers. */
  ck_assert_ptr_nonnull (strstr (tc_trend_chart_get_description (chart), "130/85 mmHg; 120/80 mmHg"));
  for (guint i = 0; i < TC_TREND_CHART_MAX_POINTS + 10; i++)
    tc_trend_chart_add_point (chart, 200 + i, 70, NAN, "70");
  ck_assert_uint_eq (tc_trend_chart_get_n_points (chart), TC_TREND_CHART_MAX_POINTS);
  tc_trend_chart_clear (chart);
  ck_assert_uint_eq (tc_trend_chart_get_n_points (chart), 0);
  g_object_unref (chart);
}
END_TEST

START_TEST (test_vitals_panel)
{
  GtkWidget *page = tc_vitals_panel_new ();
  TcVitalsPanel *panel = TC_VITALS_PANEL (page);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(TcReading) normal = blood_pressure (128, 84, 72, 0);
  g_autoptr(TcReading) high = blood_pressure (165, 95, 88, TC_READING_STATUS_IRREGULAR_PULSE |
                                              TC_READING_STATUS_BODY_MOVEMENT);
  g_autoptr(TcReading) nan_sys = blood_pressure (NAN, 80, 70, 0);
  const double spo2_values[] = { 91, 80 };
  const double temp_values[] = { 38.6 };
  const double weight_values[] = { 71.2 };
  const double hr_values[] = { 64 };
  g_autoptr(TcReading) spo2 = simulated (TC_READING_KIND_SPO2, spo2_values, 2);
  g_autoptr(TcReading) temp = simulated (TC_READING_KIND_BODY_TEMPERATURE, temp_values, 1);
  g_autoptr(TcReading) weight = simulated (TC_READING_KIND_BODY_WEIGHT, weight_values, 1);
  g_autoptr(TcReading) hr = simulated (TC_READING_KIND_HEART_RATE, hr_values, 1);
  TcTrendChart *chart;

  g_object_ref_sink (page);
  tc_vitals_panel_set_settings (panel, settings);
  ck_assert_ptr_null (tc_vitals_panel_get_value_text (panel, TC_READING_KIND_BLOOD_PRESSURE));
  screenshot (page, _("Medical Devices"), 460, 700, "vitals-empty");

  chart = tc_vitals_panel_get_chart (panel, TC_READING_KIND_BLOOD_PRESSURE);
  tc_vitals_panel_add_reading (panel, normal);
  ck_assert_str_eq (tc_vitals_panel_get_value_text (panel, TC_READING_KIND_BLOOD_PRESSURE), "128/84 mmHg");
  ck_assert_uint_eq (tc_trend_chart_get_n_points (chart), 1);
  ck_assert (!tc_vitals_panel_is_out_of_range (panel, TC_READING_KIND_BLOOD_PRESSURE));
  ck_assert_ptr_null (tc_vitals_panel_get_flags_text (panel, TC_READING_KIND_BLOOD_PRESSURE));

  tc_vitals_panel_add_reading (panel, high);
  ck_assert_str_eq (tc_vitals_panel_get_value_text (panel, TC_READING_KIND_BLOOD_PRESSURE), "165/95 mmHg");
  ck_assert_uint_eq (tc_trend_chart_get_n_points (chart), 2);
  ck_assert (tc_vitals_panel_is_out_of_range (panel, TC_READING_KIND_BLOOD_PRESSURE));
  ck_assert_ptr_nonnull (tc_vitals_panel_get_range_text (panel, TC_READING_KIND_BLOOD_PRESSURE));
  ck_assert_ptr_nonnull (strstr (tc_vitals_panel_get_flags_text (panel, TC_READING_KIND_BLOOD_PRESSURE),
                                 _("irregular pulse")));

  /* A wider usual range, set by the practitioner, takes the mark away at once. */
  g_settings_set (settings, "range-systolic", "(dd)", 90.0, 170.0);
  g_settings_set (settings, "range-diastolic", "(dd)", 50.0, 100.0);
  ck_assert (!tc_vitals_panel_is_out_of_range (panel, TC_READING_KIND_BLOOD_PRESSURE));
  g_settings_reset (settings, "range-systolic");
  g_settings_reset (settings, "range-diastolic");
  ck_assert (tc_vitals_panel_is_out_of_range (panel, TC_READING_KIND_BLOOD_PRESSURE));

  tc_vitals_panel_add_reading (panel, spo2);
  tc_vitals_panel_add_reading (panel, temp);
  tc_vitals_panel_add_reading (panel, weight);
  tc_vitals_panel_add_reading (panel, hr);
  ck_assert (tc_vitals_panel_is_out_of_range (panel, TC_READING_KIND_SPO2));
  ck_assert (tc_vitals_panel_is_out_of_range (panel, TC_READING_KIND_BODY_TEMPERATURE));
  ck_assert (!tc_vitals_panel_is_out_of_range (panel, TC_READING_KIND_HEART_RATE));
  ck_assert (!tc_vitals_panel_is_out_of_range (panel, TC_READING_KIND_BODY_WEIGHT));
  ck_assert_uint_eq (tc_trend_chart_get_n_points (tc_vitals_panel_get_chart (panel, TC_READING_KIND_SPO2)), 1);
  ck_assert_str_eq (tc_vitals_panel_get_value_text (panel, TC_READING_KIND_SPO2), "91 %");
  screenshot (page, _("Medical Devices"), 460, 1000, "vitals");

  /* A cuff that could not measure: said in words, never a number, not in the trend. */
  tc_vitals_panel_add_reading (panel, nan_sys);
  ck_assert_str_eq (tc_vitals_panel_get_value_text (panel, TC_READING_KIND_BLOOD_PRESSURE),
                    _("no value (device could not measure)"));
  ck_assert_uint_eq (tc_trend_chart_get_n_points (chart), 2);
  ck_assert (!tc_vitals_panel_is_out_of_range (panel, TC_READING_KIND_BLOOD_PRESSURE));

  tc_vitals_panel_clear (panel);
  ck_assert_uint_eq (tc_trend_chart_get_n_points (chart), 0);
  ck_assert_ptr_null (tc_vitals_panel_get_value_text (panel, TC_READING_KIND_BLOOD_PRESSURE));
  g_object_unref (page);
}
END_TEST

static void
on_reading (TcDevicesPanel *panel, TcReading *reading, GPtrArray *readings)
{
  g_ptr_array_add (readings, tc_reading_copy (reading));
}

START_TEST (test_devices_panel)
{
  GtkWidget *page = tc_devices_panel_new ();
  TcDevicesPanel *panel = TC_DEVICES_PANEL (page);
  g_autoptr(GPtrArray) readings = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_reading_free);
  GtkWidget *vitals = tc_vitals_panel_new ();
  g_autofree char *waiting = NULL;
  const TcReading *r;

  g_object_ref_sink (page);
  g_object_ref_sink (vitals);
  g_signal_connect (page, "reading", G_CALLBACK (on_reading), readings);
  /* What the patient sends is what the doctor's panel shows (here without a call). */
  g_signal_connect_swapped (page, "reading", G_CALLBACK (tc_vitals_panel_add_reading), vitals);

  /* No system bus here: said calmly, manual entry stays. */
  tc_devices_panel_start_bluetooth (panel);
  ck_assert (!tc_devices_panel_get_bluetooth_available (panel));
  for (guint i = 0; i < 200 && g_strcmp0 (tc_devices_panel_get_bluetooth_status (panel),
                                           _("Looking for devices…")) == 0; i++)
    tc_ui_test_spin (10);
  ck_assert_str_eq (tc_devices_panel_get_bluetooth_status (panel),
                    _("Bluetooth is not available on this computer. You can still type your readings in below."));

  /* Out of range: the error stands next to the field and nothing is sent. */
  tc_devices_panel_set_manual_kind (panel, TC_READING_KIND_BLOOD_PRESSURE);
  ck_assert (tc_devices_panel_set_manual_text (panel, TC_COMPONENT_SYSTOLIC, "400"));
  ck_assert (tc_devices_panel_set_manual_text (panel, TC_COMPONENT_DIASTOLIC, "80"));
  tc_devices_panel_send_manual (panel);
  ck_assert_uint_eq (readings->len, 0);
  ck_assert_ptr_nonnull (tc_devices_panel_get_field_error (panel, TC_COMPONENT_SYSTOLIC));
  ck_assert_ptr_nonnull (strstr (tc_devices_panel_get_field_error (panel, TC_COMPONENT_SYSTOLIC), "300"));
  ck_assert_ptr_null (tc_devices_panel_get_field_error (panel, TC_COMPONENT_DIASTOLIC));

  /* Not a number, and lower above upper. */
  tc_devices_panel_set_manual_text (panel, TC_COMPONENT_SYSTOLIC, "abc");
  tc_devices_panel_send_manual (panel);
  ck_assert_uint_eq (readings->len, 0);
  ck_assert_ptr_nonnull (tc_devices_panel_get_field_error (panel, TC_COMPONENT_SYSTOLIC));
  tc_devices_panel_set_manual_text (panel, TC_COMPONENT_SYSTOLIC, "120");
  tc_devices_panel_set_manual_text (panel, TC_COMPONENT_DIASTOLIC, "130");
  tc_devices_panel_send_manual (panel);
  ck_assert_uint_eq (readings->len, 0);
  ck_assert_ptr_null (tc_devices_panel_get_field_error (panel, TC_COMPONENT_SYSTOLIC));
  ck_assert_ptr_nonnull (tc_devices_panel_get_field_error (panel, TC_COMPONENT_DIASTOLIC));
  tc_devices_panel_set_manual_text (panel, TC_COMPONENT_SYSTOLIC, "400");
  tc_devices_panel_set_manual_text (panel, TC_COMPONENT_DIASTOLIC, "80");
  tc_devices_panel_send_manual (panel);
  tc_devices_panel_set_show_simulated (panel, TRUE);
  screenshot (page, _("Medical Devices"), 460, 900, "devices-field-error");

  /* A good one goes, marked as typed in; a comma is a decimal point too. */
  tc_devices_panel_set_manual_text (panel, TC_COMPONENT_SYSTOLIC, "132");
  tc_devices_panel_set_manual_text (panel, TC_COMPONENT_DIASTOLIC, "85");
  tc_devices_panel_send_manual (panel);
  ck_assert_uint_eq (readings->len, 1);
  r = g_ptr_array_index (readings, 0);
  ck_assert_int_eq (r->kind, TC_READING_KIND_BLOOD_PRESSURE);
  ck_assert (r->manual_entry);
  ck_assert_double_eq (tc_reading_get_component (r, TC_COMPONENT_SYSTOLIC)->value, 132);
  ck_assert_ptr_null (tc_devices_panel_get_field_error (panel, TC_COMPONENT_SYSTOLIC));
  ck_assert_str_eq (tc_vitals_panel_get_value_text (TC_VITALS_PANEL (vitals), TC_READING_KIND_BLOOD_PRESSURE),
                    "132/85 mmHg");

  tc_devices_panel_set_manual_kind (panel, TC_READING_KIND_BODY_TEMPERATURE);
  ck_assert (!tc_devices_panel_set_manual_text (panel, TC_COMPONENT_SYSTOLIC, "1"));
  tc_devices_panel_set_manual_text (panel, TC_COMPONENT_BODY_TEMPERATURE, "37,4");
  tc_devices_panel_send_manual (panel);
  ck_assert_uint_eq (readings->len, 2);
  r = g_ptr_array_index (readings, 1);
  ck_assert_double_eq_tol (tc_reading_get_component (r, TC_COMPONENT_BODY_TEMPERATURE)->value, 37.4, 1e-9);

  /* The simulated device goes through the real GATT bytes and is sent the same way. */
  tc_devices_panel_take_simulated (panel, TC_READING_KIND_HEART_RATE);
  ck_assert_uint_eq (readings->len, 3);
  ck_assert_int_eq (((TcReading *) g_ptr_array_index (readings, 2))->kind, TC_READING_KIND_HEART_RATE);
  ck_assert_ptr_nonnull (tc_devices_panel_get_last_text (panel, "simulated"));
  ck_assert_uint_eq (tc_trend_chart_get_n_points (tc_vitals_panel_get_chart (TC_VITALS_PANEL (vitals),
                                                                             TC_READING_KIND_HEART_RATE)), 1);

  /* Sending status follows the queue. */
  tc_devices_panel_set_pending (panel, 3);
  waiting = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Waiting to send (%u)", "Waiting to send (%u)", 3), 3);
  ck_assert_str_eq (tc_devices_panel_get_send_status (panel), waiting);
  screenshot (page, _("Medical Devices"), 460, 900, "devices-waiting");
  tc_devices_panel_set_pending (panel, 0);
  ck_assert_str_eq (tc_devices_panel_get_send_status (panel), _("Sent to your doctor ✓"));
  screenshot (page, _("Medical Devices"), 460, 900, "devices-sent");
  screenshot (vitals, _("Medical Devices"), 460, 900, "vitals-from-devices");

  g_object_unref (vitals);
  g_object_unref (page);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("devices-panels");
  TCase *tc = tcase_create ("panels");
  g_autofree char *dir = g_dir_make_tmp ("tc-devui-XXXXXX", NULL);
  g_autofree char *bus = g_strdup_printf ("unix:path=%s/no-system-bus", dir);
  SRunner *sr;
  int failed;

  /* Deterministic "no Bluetooth": a system bus address where nothing listens. */
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", bus, TRUE);
  tcase_add_checked_fixture (tc, setup, NULL);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_trend_chart);
  tcase_add_test (tc, test_vitals_panel);
  tcase_add_test (tc, test_devices_panel);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_set_fork_status (sr, CK_NOFORK);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  g_rmdir (dir);
  return failed == 0 ? 0 : 1;
}
