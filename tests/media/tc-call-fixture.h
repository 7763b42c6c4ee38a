/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two TcCallSessions in one process, wired to each other directly (no signalling server),
 * ICE on 127.0.0.1, test sources, counting sinks.  Shared by the call tests. */
#pragma once

#include "tc-call-session.h"

typedef struct {
  TcMediaFactory *factory;
  TcCallSession *session;
  gint video_frames;      /* atomic: decoded remote video frames at the sink */
  gint audio_buffers;     /* atomic: decoded remote audio buffers at the sink */
  GMutex lock;
  gint64 last_audio_us;
  gint64 longest_audio_gap_us;
  gint64 first_audio_us;
  GstClockTime next_audio_pts;          /* media time: holes in the decoded audio itself */
  GstClockTime longest_audio_hole;
  GPtrArray *messages;    /* received data messages */
  char *local_sdp;
  TcCallStats stats;
  guint n_stats;
  guint n_local_candidates;
  gboolean got_end_of_candidates;
  guint n_audio_only_changes;
  guint n_rebuild;
  struct _TcTestCall *call;
} TcTestPeer;

typedef struct _TcTestCall {
  TcTestPeer a;   /* offerer */
  TcTestPeer b;   /* answerer */
  guint description_delay_ms;   /* delay descriptions, not candidates */
  /* Rewrites the offer before the answerer sees it (simulates another stack or a relay). */
  char *(*rewrite_offer) (const char *sdp);
} TcTestCall;

void tc_test_call_init    (TcTestCall *call,
                           double      simulated_loss);
gboolean tc_test_call_start (TcTestCall *call);
/* Iterates the default main context until @cond returns TRUE or @timeout_ms passes. */
gboolean tc_test_call_wait (TcTestCall *call,
                            gboolean  (*cond) (TcTestCall *call),
                            guint       timeout_ms);
void tc_test_call_run_for (guint ms);
/* Stops and drops both sessions; TRUE when both were finalized (no reference leaked). */
gboolean tc_test_call_clear (TcTestCall *call);
guint tc_test_count_fds   (void);
/* Keeps warnings and criticals fatal, except one known GStreamer 1.22.0 race (rtpsession's
 * RTCP thread iterating its sources while they change, under NACK/RTX load), which it counts. */
void tc_test_install_log_guard (void);
guint tc_test_known_races (void);
gboolean tc_test_call_connected (TcTestCall *call);
gboolean tc_test_call_media_flowing (TcTestCall *call);
