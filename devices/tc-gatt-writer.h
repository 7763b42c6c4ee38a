/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcReading -> characteristic value bytes, as a sensor would send them. Pure. Used by the simulated
 * device (so demos run the real parser) and by the fuzz corpus generator. */
#pragma once

#include <glib.h>

#include "tc-reading.h"

G_BEGIN_DECLS

/* Errors are in TC_GATT_ERROR (INVALID when the reading does not fit the characteristic). */
GBytes *tc_gatt_encode (guint16          uuid,
                        const TcReading *reading,
                        GError         **error);

G_END_DECLS
