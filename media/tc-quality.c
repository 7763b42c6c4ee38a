/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-media"

#include "tc-quality.h"

double
tc_quality_effective_loss (const TcCallStats *stats)
{
  double loss = -1;

  g_return_val_if_fail (stats != NULL, -1);

  if (stats->loss_in >= 0)
    loss = stats->loss_in;
  if (stats->loss_out >= 0 && stats->loss_out > loss)
    loss = stats->loss_out;
  return loss > 1.0 ? 1.0 : loss;
}

TcQualityLevel
tc_quality_evaluate (const TcCallStats *stats)
{
  double loss;

  g_return_val_if_fail (stats != NULL, TC_QUALITY_UNKNOWN);

  loss = tc_quality_effective_loss (stats);
  if (loss < 0 && stats->rtt_ms < 0 && stats->jitter_in_ms < 0)
    return TC_QUALITY_UNKNOWN;

  if (loss >= TC_QUALITY_POOR_MIN_LOSS ||
      stats->rtt_ms >= TC_QUALITY_POOR_MIN_RTT_MS ||
      stats->jitter_in_ms >= TC_QUALITY_POOR_MIN_JITTER_MS)
    return TC_QUALITY_POOR;

  if (loss < TC_QUALITY_GOOD_MAX_LOSS &&
      stats->rtt_ms < TC_QUALITY_GOOD_MAX_RTT_MS &&
      stats->jitter_in_ms < TC_QUALITY_GOOD_MAX_JITTER_MS)
    return TC_QUALITY_GOOD;

  return TC_QUALITY_FAIR;
}

const char *
tc_quality_level_to_string (TcQualityLevel level)
{
  switch (level)
    {
    case TC_QUALITY_GOOD: return "good";
    case TC_QUALITY_FAIR: return "fair";
    case TC_QUALITY_POOR: return "poor";
    case TC_QUALITY_UNKNOWN:
    default:
      return "unknown";
    }
}
