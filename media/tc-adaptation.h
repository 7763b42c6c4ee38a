/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pure: what the video sender should do, from a sequence of stats samples (about one per
 * second).  webrtcbin 1.22 has no congestion controller, so this is ours: step down a
 * ladder (bitrate, then resolution, then frame rate, then audio only) when the peer reports
 * loss or the round trip grows, climb back slowly when it recovers.  No I/O. */
#pragma once

#include "tc-call-stats.h"

G_BEGIN_DECLS

typedef struct {
  guint width;
  guint height;
  guint fps;
  guint bitrate_kbps;
  gboolean audio_only;
} TcAdaptationStep;

/* A sample is bad at or above these (either), good below the GOOD ones (both). */
#define TC_ADAPTATION_BAD_LOSS      0.05
#define TC_ADAPTATION_BAD_RTT_MS    400.0
#define TC_ADAPTATION_SEVERE_LOSS   0.20
#define TC_ADAPTATION_SEVERE_RTT_MS 1000.0
#define TC_ADAPTATION_GOOD_LOSS     0.02
#define TC_ADAPTATION_GOOD_RTT_MS   250.0

/* Samples needed: bad ones in a row to step down, good ones in a row to step up (doubled
 * after each failed climb, up to the max), and samples to wait after any change. */
#define TC_ADAPTATION_DOWN_AFTER    2
#define TC_ADAPTATION_UP_AFTER      8
#define TC_ADAPTATION_UP_AFTER_MAX  64
#define TC_ADAPTATION_HOLD          3

typedef struct _TcAdaptation TcAdaptation;

TcAdaptation *tc_adaptation_new  (guint width,
                                  guint height,
                                  guint fps);
void          tc_adaptation_free (TcAdaptation *self);

/* Returns TRUE when the step changed. */
gboolean tc_adaptation_feed (TcAdaptation      *self,
                             const TcCallStats *stats);
/* Same, from the two numbers it uses: @loss fraction (or -1), @rtt_ms (or -1). */
gboolean tc_adaptation_feed_values (TcAdaptation *self,
                                    double        loss,
                                    double        rtt_ms);

const TcAdaptationStep *tc_adaptation_get_step     (TcAdaptation *self);
guint                   tc_adaptation_get_level    (TcAdaptation *self);
guint                   tc_adaptation_get_n_levels (TcAdaptation *self);
const TcAdaptationStep *tc_adaptation_get_step_at  (TcAdaptation *self,
                                                    guint         level);
/* Good samples needed now before the next climb. */
guint                   tc_adaptation_get_up_after (TcAdaptation *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcAdaptation, tc_adaptation_free)

G_END_DECLS
