/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <check.h>
#include <math.h>
#include <string.h>

#include "tc-fhir.h"
#include "tc-manual-entry.h"

static const struct {
  TcComponentType type;
  double value;
  const char *unit;
  gboolean ok;
  const char *message;   /* substring expected in the error */
} checks[] = {
  { TC_COMPONENT_SYSTOLIC, 50, "mm[Hg]", TRUE, NULL },
  { TC_COMPONENT_SYSTOLIC, 300, "mm[Hg]", TRUE, NULL },
  { TC_COMPONENT_SYSTOLIC, 49, "mm[Hg]", FALSE, "Systolic pressure must be between 50 and 300 mmHg" },
  { TC_COMPONENT_SYSTOLIC, 301, "mm[Hg]", FALSE, "between 50 and 300 mmHg" },
  { TC_COMPONENT_SYSTOLIC, 16.0, "kPa", TRUE, NULL },
  { TC_COMPONENT_SYSTOLIC, 41, "kPa", FALSE, "between 6.7 and 39.9 kPa" },
  { TC_COMPONENT_SYSTOLIC, 120, "kg", FALSE, "cannot be given in" },
  { TC_COMPONENT_SPO2, 50, "%", TRUE, NULL },
  { TC_COMPONENT_SPO2, 100, "%", TRUE, NULL },
  { TC_COMPONENT_SPO2, 100.5, "%", FALSE, "Oxygen saturation must be between 50 and 100 %" },
  { TC_COMPONENT_SPO2, 49, "%", FALSE, NULL },
  { TC_COMPONENT_BODY_TEMPERATURE, 30, "Cel", TRUE, NULL },
  { TC_COMPONENT_BODY_TEMPERATURE, 45.1, "Cel", FALSE, "Body temperature must be between 30.0 and 45.0 °C" },
  { TC_COMPONENT_BODY_TEMPERATURE, 98.6, "[degF]", TRUE, NULL },
  { TC_COMPONENT_BODY_TEMPERATURE, 114, "[degF]", FALSE, "between 86.0 and 113.0 °F" },
  { TC_COMPONENT_BODY_WEIGHT, 1, "kg", TRUE, NULL },
  { TC_COMPONENT_BODY_WEIGHT, 400.1, "kg", FALSE, "between 1.0 and 400.0 kg" },
  { TC_COMPONENT_BODY_WEIGHT, 882.5, "[lb_av]", FALSE, "between 2.3 and 881.8 lb" },
  { TC_COMPONENT_HEART_RATE, 20, "/min", TRUE, NULL },
  { TC_COMPONENT_HEART_RATE, 19, "/min", FALSE, "Heart rate must be between 20 and 300" },
  { TC_COMPONENT_GLUCOSE, 95, "mg/dL", TRUE, NULL },
  { TC_COMPONENT_GLUCOSE, 601, "mg/dL", FALSE, "between 20 and 600 mg/dL" },
  { TC_COMPONENT_GLUCOSE, 5.5, "mmol/L", TRUE, NULL },
  { TC_COMPONENT_GLUCOSE, 0.5, "mmol/L", FALSE, "mmol/L" },
  { TC_COMPONENT_GLUCOSE, NAN, "mg/dL", FALSE, NULL },
  { TC_COMPONENT_ENERGY_EXPENDED, 5, "kJ", FALSE, "cannot be entered by hand" },
};

START_TEST (test_check)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = tc_manual_entry_check (checks[_i].type, checks[_i].value, checks[_i].unit, &error);

  ck_assert_msg (ok == checks[_i].ok, "case %d: %s", _i, error ? error->message : "accepted");
  if (!ok)
    {
      ck_assert (error->domain == TC_MANUAL_ENTRY_ERROR);
      if (checks[_i].message)
        ck_assert_msg (strstr (error->message, checks[_i].message) != NULL, "“%s”", error->message);
    }
}
END_TEST

START_TEST (test_create)
{
  TcManualValue bp[] = {
    { TC_COMPONENT_SYSTOLIC, 128, TC_UNIT_MMHG },
    { TC_COMPONENT_DIASTOLIC, 82, TC_UNIT_MMHG },
    { TC_COMPONENT_PULSE_RATE, 70, TC_UNIT_PER_MIN },
  };
  g_autoptr(GDateTime) when = g_date_time_new_utc (2025, 6, 1, 8, 0, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(TcReading) r = tc_manual_entry_create (TC_READING_KIND_BLOOD_PRESSURE, bp, 3, when, NULL, &error);
  g_autoptr(TcReading) back = NULL;
  g_autofree char *json = NULL;

  ck_assert_msg (r != NULL, "%s", error ? error->message : "");
  ck_assert (r->manual_entry);
  ck_assert (g_date_time_equal (r->timestamp, when));
  ck_assert_double_eq (tc_reading_get_component (r, TC_COMPONENT_SYSTOLIC)->value, 128);
  json = tc_fhir_observation_to_string (r, NULL, &error);
  ck_assert (strstr (json, "Entered by hand") != NULL);
  back = tc_fhir_observation_parse (json, strlen (json), &error);
  ck_assert (back->manual_entry);
}
END_TEST

START_TEST (test_create_errors)
{
  TcManualValue inverted[] = {
    { TC_COMPONENT_SYSTOLIC, 80, TC_UNIT_MMHG },
    { TC_COMPONENT_DIASTOLIC, 120, TC_UNIT_MMHG },
  };
  TcManualValue missing[] = { { TC_COMPONENT_SYSTOLIC, 120, TC_UNIT_MMHG } };
  TcManualValue bad_pulse[] = {
    { TC_COMPONENT_SYSTOLIC, 120, TC_UNIT_MMHG },
    { TC_COMPONENT_DIASTOLIC, 80, TC_UNIT_MMHG },
    { TC_COMPONENT_PULSE_RATE, 400, TC_UNIT_PER_MIN },
  };
  TcManualValue wrong_kind[] = { { TC_COMPONENT_SPO2, 97, TC_UNIT_PERCENT } };
  TcManualValue twice[] = { { TC_COMPONENT_SPO2, 97, TC_UNIT_PERCENT }, { TC_COMPONENT_SPO2, 96, TC_UNIT_PERCENT } };
  TcComponentType bad;
  g_autoptr(GError) error = NULL;

  ck_assert_ptr_null (tc_manual_entry_create (TC_READING_KIND_BLOOD_PRESSURE, inverted, 2, NULL, &bad, &error));
  ck_assert_int_eq (error->code, TC_MANUAL_ENTRY_ERROR_INCONSISTENT);
  ck_assert_int_eq (bad, TC_COMPONENT_DIASTOLIC);
  g_clear_error (&error);

  ck_assert_ptr_null (tc_manual_entry_create (TC_READING_KIND_BLOOD_PRESSURE, missing, 1, NULL, &bad, &error));
  ck_assert_int_eq (error->code, TC_MANUAL_ENTRY_ERROR_MISSING);
  ck_assert_int_eq (bad, TC_COMPONENT_DIASTOLIC);
  ck_assert_str_eq (error->message, "Diastolic pressure is needed");
  g_clear_error (&error);

  ck_assert_ptr_null (tc_manual_entry_create (TC_READING_KIND_BLOOD_PRESSURE, bad_pulse, 3, NULL, &bad, &error));
  ck_assert_int_eq (error->code, TC_MANUAL_ENTRY_ERROR_OUT_OF_RANGE);
  ck_assert_int_eq (bad, TC_COMPONENT_PULSE_RATE);
  g_clear_error (&error);

  ck_assert_ptr_null (tc_manual_entry_create (TC_READING_KIND_BODY_WEIGHT, wrong_kind, 1, NULL, &bad, &error));
  ck_assert_int_eq (error->code, TC_MANUAL_ENTRY_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  ck_assert_ptr_null (tc_manual_entry_create (TC_READING_KIND_SPO2, twice, 2, NULL, &bad, &error));
  ck_assert_int_eq (error->code, TC_MANUAL_ENTRY_ERROR_INCONSISTENT);
  g_clear_error (&error);

  ck_assert_ptr_null (tc_manual_entry_create (TC_READING_KIND_CUFF_PRESSURE, NULL, 0, NULL, &bad, &error));
  ck_assert_int_eq (error->code, TC_MANUAL_ENTRY_ERROR_UNSUPPORTED);
}
END_TEST

static Suite *
manual_suite (void)
{
  Suite *s = suite_create ("manual-entry");
  TCase *tc = tcase_create ("core");

  tcase_add_loop_test (tc, test_check, 0, G_N_ELEMENTS (checks));
  tcase_add_test (tc, test_create);
  tcase_add_test (tc, test_create_errors);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (manual_suite ());
  int failed;

  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
