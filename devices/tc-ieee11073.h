/* SPDX-License-Identifier: GPL-3.0-or-later */
/* IEEE 11073-20601 SFLOAT (16-bit) and FLOAT (32-bit) as used by Bluetooth health characteristics. Pure. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Special values are recognised on the raw bits before any decoding. */
typedef enum {
  TC_MDER_OK = 0,
  TC_MDER_NAN,               /* not a number */
  TC_MDER_NRES,              /* not at this resolution */
  TC_MDER_POSITIVE_INFINITY,
  TC_MDER_NEGATIVE_INFINITY,
  TC_MDER_RESERVED,          /* reserved for future use */
} TcMderSpecial;

typedef struct {
  TcMderSpecial special;
  gint32        mantissa;  /* meaningful only when special == TC_MDER_OK */
  gint8         exponent;  /* base 10 */
  double        value;     /* mantissa * 10^exponent, or NAN when special != TC_MDER_OK */
} TcMderFloat;

#define TC_SFLOAT_NAN      0x07FF
#define TC_SFLOAT_NRES     0x0800
#define TC_SFLOAT_POS_INF  0x07FE
#define TC_SFLOAT_NEG_INF  0x0802
#define TC_SFLOAT_RESERVED 0x0801

#define TC_FLOAT_NAN       0x007FFFFFu
#define TC_FLOAT_NRES      0x00800000u
#define TC_FLOAT_POS_INF   0x007FFFFEu
#define TC_FLOAT_NEG_INF   0x00800002u
#define TC_FLOAT_RESERVED  0x00800001u

void        tc_sfloat_decode          (guint16        raw,
                                       TcMderFloat   *out);
void        tc_float_decode           (guint32        raw,
                                       TcMderFloat   *out);

/* Encoders, used by the simulated device to produce real characteristic bytes.
 * Return FALSE when value * 10^-exponent does not fit the mantissa (or would hit a special value). */
gboolean    tc_sfloat_encode          (double         value,
                                       int            exponent,
                                       guint16       *raw);
gboolean    tc_float_encode           (double         value,
                                       int            exponent,
                                       guint32       *raw);
guint16     tc_sfloat_encode_special  (TcMderSpecial  special);
guint32     tc_float_encode_special   (TcMderSpecial  special);

const char *tc_mder_special_to_string (TcMderSpecial  special);

G_END_DECLS
