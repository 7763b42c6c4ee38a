/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <check.h>
#include <math.h>

#include "tc-ieee11073.h"

typedef struct {
  guint16       raw;
  TcMderSpecial special;
  gint32        mantissa;
  int           exponent;
  double        value;
} SfloatVector;

/* SFLOAT: bits 15..12 signed exponent, bits 11..0 signed mantissa */
static const SfloatVector sfloat_vectors[] = {
  { 0x0078, TC_MDER_OK, 120, 0, 120.0 },          /* exp 0, mantissa 0x078 */
  { 0xF16E, TC_MDER_OK, 366, -1, 36.6 },          /* exp 0xF = -1, mantissa 0x16E = 366 */
  { 0x0FFF, TC_MDER_OK, -1, 0, -1.0 },            /* mantissa 0xFFF = -1 */
  { 0x2001, TC_MDER_OK, 1, 2, 100.0 },            /* exp 2 */
  { 0x8001, TC_MDER_OK, 1, -8, 1e-8 },            /* smallest exponent */
  { 0x7001, TC_MDER_OK, 1, 7, 1e7 },              /* largest exponent */
  { 0x0803, TC_MDER_OK, -2045, 0, -2045.0 },      /* most negative ordinary mantissa */
  { 0x07FD, TC_MDER_OK, 2045, 0, 2045.0 },        /* most positive ordinary mantissa */
  { 0xF7FF, TC_MDER_OK, 2047, -1, 204.7 },        /* 0x7FF mantissa with exponent != 0 is a number */
  { 0x07FF, TC_MDER_NAN, 0, 0, NAN },
  { 0x0800, TC_MDER_NRES, 0, 0, NAN },
  { 0x07FE, TC_MDER_POSITIVE_INFINITY, 0, 0, NAN },
  { 0x0802, TC_MDER_NEGATIVE_INFINITY, 0, 0, NAN },
  { 0x0801, TC_MDER_RESERVED, 0, 0, NAN },
};

START_TEST (test_sfloat_vectors)
{
  const SfloatVector *v = &sfloat_vectors[_i];
  TcMderFloat f;

  tc_sfloat_decode (v->raw, &f);
  ck_assert_int_eq (f.special, v->special);
  if (v->special == TC_MDER_OK)
    {
      ck_assert_int_eq (f.mantissa, v->mantissa);
      ck_assert_int_eq (f.exponent, v->exponent);
      ck_assert_double_eq_tol (f.value, v->value, fabs (v->value) * 1e-12);
    }
  else
    ck_assert (isnan (f.value));
}
END_TEST

typedef struct {
  guint32       raw;
  TcMderSpecial special;
  double        value;
} FloatVector;

/* FLOAT: bits 31..24 signed exponent, bits 23..0 signed mantissa */
static const FloatVector float_vectors[] = {
  { 0xFF00016E, TC_MDER_OK, 36.6 },     /* exp -1, mantissa 366 */
  { 0xFE000E42, TC_MDER_OK, 36.50 },    /* exp -2, mantissa 3650 */
  { 0x00FFFFFF, TC_MDER_OK, -1.0 },     /* mantissa -1 */
  { 0x01000001, TC_MDER_OK, 10.0 },     /* exp 1 */
  { 0xFF0003DA, TC_MDER_OK, 98.6 },     /* exp -1, mantissa 986 */
  { 0x007FFFFF, TC_MDER_NAN, NAN },
  { 0x00800000, TC_MDER_NRES, NAN },
  { 0x007FFFFE, TC_MDER_POSITIVE_INFINITY, NAN },
  { 0x00800002, TC_MDER_NEGATIVE_INFINITY, NAN },
  { 0x00800001, TC_MDER_RESERVED, NAN },
};

START_TEST (test_float_vectors)
{
  const FloatVector *v = &float_vectors[_i];
  TcMderFloat f;

  tc_float_decode (v->raw, &f);
  ck_assert_int_eq (f.special, v->special);
  if (v->special == TC_MDER_OK)
    ck_assert_double_eq_tol (f.value, v->value, fabs (v->value) * 1e-12);
  else
    ck_assert (isnan (f.value));
}
END_TEST

START_TEST (test_exact_decimal)
{
  TcMderFloat f;

  /* 36.6 must be the double nearest 36.6, not 36.600000000000001 from a multiplication */
  tc_sfloat_decode (0xF16E, &f);
  ck_assert (f.value == 36.6);
  tc_float_decode (0xFF00016E, &f);
  ck_assert (f.value == 36.6);
}
END_TEST

START_TEST (test_encode)
{
  guint16 s;
  guint32 l;
  TcMderFloat f;

  ck_assert (tc_sfloat_encode (36.6, -1, &s));
  ck_assert_uint_eq (s, 0xF16E);
  ck_assert (tc_sfloat_encode (120, 0, &s));
  ck_assert_uint_eq (s, 0x0078);
  ck_assert (tc_sfloat_encode (-1, 0, &s));
  ck_assert_uint_eq (s, 0x0FFF);
  /* 2047 at exponent 0 would be NaN's bit pattern: refused */
  ck_assert (!tc_sfloat_encode (2047, 0, &s));
  ck_assert (!tc_sfloat_encode (5000, 0, &s));
  ck_assert (!tc_sfloat_encode (NAN, 0, &s));
  ck_assert (!tc_sfloat_encode (1, 9, &s));
  ck_assert (tc_float_encode (36.6, -1, &l));
  ck_assert_uint_eq (l, 0xFF00016E);
  ck_assert (!tc_float_encode (8388607, 0, &l));

  for (int m = -2045; m <= 2045; m += 7)
    for (int e = -8; e <= 7; e++)
      {
        double v = m * pow (10, e);
        ck_assert (tc_sfloat_encode (v, e, &s));
        tc_sfloat_decode (s, &f);
        ck_assert_int_eq (f.special, TC_MDER_OK);
        ck_assert_int_eq (f.mantissa, m);
        ck_assert_int_eq (f.exponent, e);
      }

  ck_assert_uint_eq (tc_sfloat_encode_special (TC_MDER_NAN), 0x07FF);
  ck_assert_uint_eq (tc_sfloat_encode_special (TC_MDER_NRES), 0x0800);
  ck_assert_uint_eq (tc_float_encode_special (TC_MDER_NEGATIVE_INFINITY), 0x00800002);
}
END_TEST

static Suite *
ieee11073_suite (void)
{
  Suite *s = suite_create ("ieee11073");
  TCase *tc = tcase_create ("core");

  tcase_add_loop_test (tc, test_sfloat_vectors, 0, G_N_ELEMENTS (sfloat_vectors));
  tcase_add_loop_test (tc, test_float_vectors, 0, G_N_ELEMENTS (float_vectors));
  tcase_add_test (tc, test_exact_decimal);
  tcase_add_test (tc, test_encode);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (ieee11073_suite ());
  int failed;

  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
