/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pure: how good the call is, from one stats sample.  No I/O. */
#pragma once

#include "tc-call-stats.h"

G_BEGIN_DECLS

/* Thresholds, exposed so the UI can explain a level. */
#define TC_QUALITY_GOOD_MAX_LOSS      0.02
#define TC_QUALITY_GOOD_MAX_RTT_MS    250.0
#define TC_QUALITY_GOOD_MAX_JITTER_MS 30.0
#define TC_QUALITY_POOR_MIN_LOSS      0.10
#define TC_QUALITY_POOR_MIN_RTT_MS    500.0
#define TC_QUALITY_POOR_MIN_JITTER_MS 100.0

/* The worse of the two loss fractions that are known, or -1. */
double         tc_quality_effective_loss (const TcCallStats *stats);
TcQualityLevel tc_quality_evaluate       (const TcCallStats *stats);
const char    *tc_quality_level_to_string (TcQualityLevel level);

G_END_DECLS
