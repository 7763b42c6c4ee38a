/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-media"

#include "tc-call-stats.h"

#include <string.h>

G_DEFINE_ENUM_TYPE (TcCandidateType, tc_candidate_type,
  G_DEFINE_ENUM_VALUE (TC_CANDIDATE_TYPE_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (TC_CANDIDATE_TYPE_HOST, "host"),
  G_DEFINE_ENUM_VALUE (TC_CANDIDATE_TYPE_SRFLX, "srflx"),
  G_DEFINE_ENUM_VALUE (TC_CANDIDATE_TYPE_PRFLX, "prflx"),
  G_DEFINE_ENUM_VALUE (TC_CANDIDATE_TYPE_RELAY, "relay"))

G_DEFINE_ENUM_TYPE (TcQualityLevel, tc_quality_level,
  G_DEFINE_ENUM_VALUE (TC_QUALITY_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (TC_QUALITY_GOOD, "good"),
  G_DEFINE_ENUM_VALUE (TC_QUALITY_FAIR, "fair"),
  G_DEFINE_ENUM_VALUE (TC_QUALITY_POOR, "poor"))

G_DEFINE_BOXED_TYPE (TcCallStats, tc_call_stats, tc_call_stats_copy, tc_call_stats_free)

void
tc_call_stats_init (TcCallStats *stats)
{
  g_return_if_fail (stats != NULL);

  memset (stats, 0, sizeof *stats);
  stats->rtt_ms = -1;
  stats->loss_out = -1;
  stats->loss_in = -1;
  stats->jitter_in_ms = -1;
  stats->quality = TC_QUALITY_UNKNOWN;
}

TcCallStats *
tc_call_stats_new (void)
{
  TcCallStats *stats = g_new (TcCallStats, 1);

  tc_call_stats_init (stats);
  return stats;
}

TcCallStats *
tc_call_stats_copy (const TcCallStats *stats)
{
  g_return_val_if_fail (stats != NULL, NULL);

  return g_memdup2 (stats, sizeof *stats);
}

void
tc_call_stats_free (TcCallStats *stats)
{
  g_free (stats);
}

TcCandidateType
tc_candidate_type_from_string (const char *type)
{
  if (type == NULL)
    return TC_CANDIDATE_TYPE_UNKNOWN;
  if (g_ascii_strcasecmp (type, "host") == 0)
    return TC_CANDIDATE_TYPE_HOST;
  if (g_ascii_strcasecmp (type, "srflx") == 0 || g_ascii_strcasecmp (type, "server-reflexive") == 0)
    return TC_CANDIDATE_TYPE_SRFLX;
  if (g_ascii_strcasecmp (type, "prflx") == 0 || g_ascii_strcasecmp (type, "peer-reflexive") == 0)
    return TC_CANDIDATE_TYPE_PRFLX;
  if (g_ascii_strcasecmp (type, "relay") == 0 || g_ascii_strcasecmp (type, "relayed") == 0)
    return TC_CANDIDATE_TYPE_RELAY;
  return TC_CANDIDATE_TYPE_UNKNOWN;
}

const char *
tc_candidate_type_to_string (TcCandidateType type)
{
  switch (type)
    {
    case TC_CANDIDATE_TYPE_HOST: return "host";
    case TC_CANDIDATE_TYPE_SRFLX: return "srflx";
    case TC_CANDIDATE_TYPE_PRFLX: return "prflx";
    case TC_CANDIDATE_TYPE_RELAY: return "relay";
    case TC_CANDIDATE_TYPE_UNKNOWN:
    default:
      return "unknown";
    }
}

TcCandidateType
tc_call_stats_get_pair_type (const TcCallStats *stats)
{
  TcCandidateType l, r;

  g_return_val_if_fail (stats != NULL, TC_CANDIDATE_TYPE_UNKNOWN);

  l = stats->local_candidate_type;
  r = stats->remote_candidate_type;
  if (l == TC_CANDIDATE_TYPE_RELAY || r == TC_CANDIDATE_TYPE_RELAY)
    return TC_CANDIDATE_TYPE_RELAY;
  if (l == TC_CANDIDATE_TYPE_SRFLX || r == TC_CANDIDATE_TYPE_SRFLX)
    return TC_CANDIDATE_TYPE_SRFLX;
  if (l == TC_CANDIDATE_TYPE_PRFLX || r == TC_CANDIDATE_TYPE_PRFLX)
    return TC_CANDIDATE_TYPE_PRFLX;
  if (l == TC_CANDIDATE_TYPE_HOST && r == TC_CANDIDATE_TYPE_HOST)
    return TC_CANDIDATE_TYPE_HOST;
  return TC_CANDIDATE_TYPE_UNKNOWN;
}
