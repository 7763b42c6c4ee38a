/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-ieee11073"

#include "tc-ieee11073.h"

#include <math.h>

/* 10^n for the exponent range of FLOAT (-128..127) is outside double's exact range for large n,
 * but pow() is correctly rounded enough here; for the common negative exponents we divide by an
 * exact power of ten so 366e-1 comes out as the double nearest 36.6. */
static double
scale (gint32 mantissa, int exponent)
{
  if (exponent >= 0)
    return (double) mantissa * pow (10.0, exponent);
  if (exponent >= -22)   /* 10^22 is the largest power of ten a double holds exactly */
    return (double) mantissa / pow (10.0, -exponent);
  return (double) mantissa * pow (10.0, exponent);
}

void
tc_sfloat_decode (guint16      raw,
                  TcMderFloat *out)
{
  gint32 mantissa;
  int exponent;

  g_return_if_fail (out != NULL);

  out->mantissa = 0;
  out->exponent = 0;
  out->value = NAN;

  switch (raw)
    {
    case TC_SFLOAT_NAN: out->special = TC_MDER_NAN; return;
    case TC_SFLOAT_NRES: out->special = TC_MDER_NRES; return;
    case TC_SFLOAT_POS_INF: out->special = TC_MDER_POSITIVE_INFINITY; return;
    case TC_SFLOAT_NEG_INF: out->special = TC_MDER_NEGATIVE_INFINITY; return;
    case TC_SFLOAT_RESERVED: out->special = TC_MDER_RESERVED; return;
    default: break;
    }

  mantissa = raw & 0x0FFF;
  if (mantissa & 0x0800)
    mantissa -= 0x1000;
  exponent = (raw >> 12) & 0x0F;
  if (exponent & 0x08)
    exponent -= 0x10;

  out->special = TC_MDER_OK;
  out->mantissa = mantissa;
  out->exponent = (gint8) exponent;
  out->value = scale (mantissa, exponent);
}

void
tc_float_decode (guint32      raw,
                 TcMderFloat *out)
{
  gint32 mantissa;
  int exponent;

  g_return_if_fail (out != NULL);

  out->mantissa = 0;
  out->exponent = 0;
  out->value = NAN;

  switch (raw)
    {
    case TC_FLOAT_NAN: out->special = TC_MDER_NAN; return;
    case TC_FLOAT_NRES: out->special = TC_MDER_NRES; return;
    case TC_FLOAT_POS_INF: out->special = TC_MDER_POSITIVE_INFINITY; return;
    case TC_FLOAT_NEG_INF: out->special = TC_MDER_NEGATIVE_INFINITY; return;
    case TC_FLOAT_RESERVED: out->special = TC_MDER_RESERVED; return;
    default: break;
    }

  mantissa = (gint32) (raw & 0x00FFFFFFu);
  if (mantissa & 0x00800000)
    mantissa -= 0x01000000;
  exponent = (gint8) ((raw >> 24) & 0xFF);

  out->special = TC_MDER_OK;
  out->mantissa = mantissa;
  out->exponent = (gint8) exponent;
  out->value = scale (mantissa, exponent);
}

static gboolean
to_mantissa (double value,
             int    exponent,
             gint64 min,
             gint64 max,
             gint64 *mantissa)
{
  double m;

  if (!isfinite (value))
    return FALSE;
  m = round (exponent >= 0 ? value / pow (10.0, exponent) : value * pow (10.0, -exponent));
  if (m < (double) min || m > (double) max)
    return FALSE;
  *mantissa = (gint64) m;
  return TRUE;
}

gboolean
tc_sfloat_encode (double   value,
                  int      exponent,
                  guint16 *raw)
{
  gint64 mantissa;
  guint16 bits;

  g_return_val_if_fail (raw != NULL, FALSE);

  if (exponent < -8 || exponent > 7)
    return FALSE;
  /* mantissas +2045..+2047 and -2048..-2046 are the special values when the exponent is 0 */
  if (!to_mantissa (value, exponent, -2045, 2045, &mantissa))
    return FALSE;
  bits = (guint16) ((((guint) exponent & 0x0F) << 12) | ((guint) mantissa & 0x0FFF));
  if (bits == TC_SFLOAT_NAN || bits == TC_SFLOAT_NRES || bits == TC_SFLOAT_POS_INF ||
      bits == TC_SFLOAT_NEG_INF || bits == TC_SFLOAT_RESERVED)
    return FALSE;
  *raw = bits;
  return TRUE;
}

gboolean
tc_float_encode (double   value,
                 int      exponent,
                 guint32 *raw)
{
  gint64 mantissa;
  guint32 bits;

  g_return_val_if_fail (raw != NULL, FALSE);

  if (exponent < -128 || exponent > 127)
    return FALSE;
  if (!to_mantissa (value, exponent, -8388605, 8388605, &mantissa))
    return FALSE;
  bits = (((guint32) exponent & 0xFF) << 24) | ((guint32) mantissa & 0x00FFFFFFu);
  if (bits == TC_FLOAT_NAN || bits == TC_FLOAT_NRES || bits == TC_FLOAT_POS_INF ||
      bits == TC_FLOAT_NEG_INF || bits == TC_FLOAT_RESERVED)
    return FALSE;
  *raw = bits;
  return TRUE;
}

guint16
tc_sfloat_encode_special (TcMderSpecial special)
{
  switch (special)
    {
    case TC_MDER_NAN: return TC_SFLOAT_NAN;
    case TC_MDER_NRES: return TC_SFLOAT_NRES;
    case TC_MDER_POSITIVE_INFINITY: return TC_SFLOAT_POS_INF;
    case TC_MDER_NEGATIVE_INFINITY: return TC_SFLOAT_NEG_INF;
    case TC_MDER_RESERVED: return TC_SFLOAT_RESERVED;
    case TC_MDER_OK:
    default:
      g_return_val_if_reached (TC_SFLOAT_NAN);
    }
}

guint32
tc_float_encode_special (TcMderSpecial special)
{
  switch (special)
    {
    case TC_MDER_NAN: return TC_FLOAT_NAN;
    case TC_MDER_NRES: return TC_FLOAT_NRES;
    case TC_MDER_POSITIVE_INFINITY: return TC_FLOAT_POS_INF;
    case TC_MDER_NEGATIVE_INFINITY: return TC_FLOAT_NEG_INF;
    case TC_MDER_RESERVED: return TC_FLOAT_RESERVED;
    case TC_MDER_OK:
    default:
      g_return_val_if_reached (TC_FLOAT_NAN);
    }
}

const char *
tc_mder_special_to_string (TcMderSpecial special)
{
  switch (special)
    {
    case TC_MDER_OK: return "ok";
    case TC_MDER_NAN: return "NaN";
    case TC_MDER_NRES: return "NRes";
    case TC_MDER_POSITIVE_INFINITY: return "+INF";
    case TC_MDER_NEGATIVE_INFINITY: return "-INF";
    case TC_MDER_RESERVED: return "reserved";
    default: return "unknown";
    }
}
