/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  TC_CANDIDATE_TYPE_UNKNOWN,
  TC_CANDIDATE_TYPE_HOST,
  TC_CANDIDATE_TYPE_SRFLX,
  TC_CANDIDATE_TYPE_PRFLX,
  TC_CANDIDATE_TYPE_RELAY,
} TcCandidateType;

typedef enum {
  TC_QUALITY_UNKNOWN,
  TC_QUALITY_GOOD,
  TC_QUALITY_FAIR,
  TC_QUALITY_POOR,
} TcQualityLevel;

#define TC_TYPE_CANDIDATE_TYPE (tc_candidate_type_get_type ())
GType tc_candidate_type_get_type (void);
#define TC_TYPE_QUALITY_LEVEL (tc_quality_level_get_type ())
GType tc_quality_level_get_type (void);

/* One sample of call statistics, built every second from webrtcbin's get-stats and the
 * session's own frame counters.  Plain data: no GstStructure leaks out of media/.
 * A value that is not known yet is negative (doubles) or 0 (counters, sizes). */
typedef struct {
  gint64 monotonic_us;            /* when the sample was taken (g_get_monotonic_time) */

  double rtt_ms;                  /* RTCP round trip, -1 unknown */
  double loss_out;                /* fraction 0..1 of what we send, as reported by the peer; -1 unknown */
  double loss_in;                 /* fraction 0..1 of what we receive over the last interval; -1 unknown */
  gint64 packets_lost_in;         /* cumulative, all media */
  gint64 packets_lost_out;        /* cumulative, as reported by the peer */
  gint64 packets_received;        /* cumulative, all media */
  double jitter_in_ms;            /* largest inbound jitter, -1 unknown */

  guint bitrate_in_kbps;          /* RTP payload + headers, over the last interval */
  guint bitrate_out_kbps;
  guint audio_bitrate_in_kbps;
  guint video_bitrate_in_kbps;

  double fps_in;                  /* decoded frames per second reaching the remote-video sink */
  double fps_out;                 /* frames per second entering the video encoder */
  guint width_in, height_in;
  guint width_out, height_out;
  guint target_bitrate_kbps;      /* what the adaptation asked of the video encoder */

  TcCandidateType local_candidate_type;
  TcCandidateType remote_candidate_type;
  char local_address[64];         /* "ip:port", empty when no pair is selected */
  char remote_address[64];

  gboolean audio_only;
  TcQualityLevel quality;
} TcCallStats;

#define TC_TYPE_CALL_STATS (tc_call_stats_get_type ())
GType tc_call_stats_get_type (void);

TcCallStats *tc_call_stats_new  (void);
TcCallStats *tc_call_stats_copy (const TcCallStats *stats);
void         tc_call_stats_free (TcCallStats *stats);
void         tc_call_stats_init (TcCallStats *stats);

/* The pair type: relay if either end is relayed, else srflx/prflx, else host. */
TcCandidateType tc_call_stats_get_pair_type (const TcCallStats *stats);
TcCandidateType tc_candidate_type_from_string (const char *type);
const char     *tc_candidate_type_to_string   (TcCandidateType type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcCallStats, tc_call_stats_free)

G_END_DECLS
