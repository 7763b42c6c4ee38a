/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Durations in words and as a clock, translated. Pure functions. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "45 seconds", "3 minutes", "1 hour 5 minutes": for sentences. */
char *tc_format_duration_words (gint64 seconds);
/* "0:45", "12:05", "1:02:03": for a running call timer. */
char *tc_format_duration_clock (gint64 seconds);

G_END_DECLS
