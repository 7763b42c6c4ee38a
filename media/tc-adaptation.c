/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-media"

#include "tc-adaptation.h"

#define N_LEVELS 7
/* A climb followed by a fall within this many samples counts as failed. */
#define FAILED_CLIMB_WINDOW 12

struct _TcAdaptation
{
  TcAdaptationStep steps[N_LEVELS];
  guint level;
  guint bad_run;
  guint good_run;
  guint since_change;
  guint up_after;
  gboolean last_change_was_up;
};

static guint
even (guint v, guint min)
{
  v &= ~1u;
  return v < min ? min : v;
}

static guint
clamp_kbps (double v, guint min)
{
  return v < min ? min : (guint) v;
}

TcAdaptation *
tc_adaptation_new (guint width,
                   guint height,
                   guint fps)
{
  TcAdaptation *self = g_new0 (TcAdaptation, 1);
  double full;

  g_return_val_if_fail (width > 0 && height > 0 && fps > 0, self);

  /* ~0.1 bit per pixel: 640x480@30 ≈ 920 kbit/s, 1280x720@30 capped at 2.5 Mbit/s. */
  full = CLAMP ((double) width * height * fps * 0.1 / 1000.0, 300.0, 2500.0);

  self->steps[0] = (TcAdaptationStep) { width, height, fps, clamp_kbps (full, 300), FALSE };
  self->steps[1] = (TcAdaptationStep) { width, height, fps, clamp_kbps (full * 0.6, 200), FALSE };
  self->steps[2] = (TcAdaptationStep) { width, height, fps, clamp_kbps (full * 0.35, 150), FALSE };
  self->steps[3] = (TcAdaptationStep) { even (width / 2, 16), even (height / 2, 16), fps,
                                        clamp_kbps (full * 0.25, 120), FALSE };
  self->steps[4] = (TcAdaptationStep) { even (width / 2, 16), even (height / 2, 16), MAX (fps / 2, 1),
                                        clamp_kbps (full * 0.15, 90), FALSE };
  self->steps[5] = (TcAdaptationStep) { even (width / 4, 16), even (height / 4, 16), MAX (fps / 2, 1),
                                        clamp_kbps (full * 0.08, 60), FALSE };
  self->steps[6] = (TcAdaptationStep) { 0, 0, 0, 0, TRUE };
  self->up_after = TC_ADAPTATION_UP_AFTER;
  self->since_change = TC_ADAPTATION_HOLD;
  return self;
}

void
tc_adaptation_free (TcAdaptation *self)
{
  g_free (self);
}

static void
change_level (TcAdaptation *self,
              guint         level)
{
  gboolean up = level < self->level;

  if (!up && self->last_change_was_up && self->since_change < FAILED_CLIMB_WINDOW)
    self->up_after = MIN (self->up_after * 2, TC_ADAPTATION_UP_AFTER_MAX);

  self->level = level;
  self->bad_run = 0;
  self->good_run = 0;
  self->since_change = 0;
  self->last_change_was_up = up;
}

gboolean
tc_adaptation_feed_values (TcAdaptation *self,
                           double        loss,
                           double        rtt_ms)
{
  gboolean known = loss >= 0 || rtt_ms >= 0;
  gboolean severe = loss >= TC_ADAPTATION_SEVERE_LOSS || rtt_ms >= TC_ADAPTATION_SEVERE_RTT_MS;
  gboolean bad = loss >= TC_ADAPTATION_BAD_LOSS || rtt_ms >= TC_ADAPTATION_BAD_RTT_MS;
  gboolean good = known && loss < TC_ADAPTATION_GOOD_LOSS && rtt_ms < TC_ADAPTATION_GOOD_RTT_MS;
  guint up_needed;

  g_return_val_if_fail (self != NULL, FALSE);

  self->since_change++;
  if (!known)
    return FALSE;

  if (bad)
    {
      self->bad_run++;
      self->good_run = 0;
    }
  else if (good)
    {
      self->good_run++;
      self->bad_run = 0;
    }
  else
    {
      /* In between: neither climbs nor falls; a climb needs an unbroken good run. */
      self->bad_run = 0;
      self->good_run = 0;
    }

  /* A climb that held for a minute proves the network; forget earlier failed climbs. */
  if (self->last_change_was_up && self->since_change >= 60 && !bad)
    self->up_after = TC_ADAPTATION_UP_AFTER;

  if (bad && self->since_change >= TC_ADAPTATION_HOLD && self->level + 1 < N_LEVELS &&
      (severe || self->bad_run >= TC_ADAPTATION_DOWN_AFTER))
    {
      guint next = self->level + (severe ? 2 : 1);

      change_level (self, MIN (next, N_LEVELS - 1));
      return TRUE;
    }

  /* Leaving audio-only costs the most if it fails: ask for twice the evidence. */
  up_needed = self->steps[self->level].audio_only ? self->up_after * 2 : self->up_after;
  if (good && self->level > 0 && self->good_run >= up_needed)
    {
      change_level (self, self->level - 1);
      return TRUE;
    }
  return FALSE;
}

gboolean
tc_adaptation_feed (TcAdaptation      *self,
                    const TcCallStats *stats)
{
  double loss;

  g_return_val_if_fail (self != NULL && stats != NULL, FALSE);

  /* What the peer receives from us is what our encoder controls, but webrtcbin 1.22's RTCP
   * loss figures are unreliable (zero in bundle mode): take the worse of the peer's report
   * and our own receive loss, assuming the path is lossy both ways. */
  loss = MAX (stats->loss_out, stats->loss_in);
  return tc_adaptation_feed_values (self, loss, stats->rtt_ms);
}

const TcAdaptationStep *
tc_adaptation_get_step (TcAdaptation *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->steps[self->level];
}

guint
tc_adaptation_get_level (TcAdaptation *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->level;
}

guint
tc_adaptation_get_n_levels (TcAdaptation *self)
{
  return N_LEVELS;
}

const TcAdaptationStep *
tc_adaptation_get_step_at (TcAdaptation *self,
                           guint         level)
{
  g_return_val_if_fail (self != NULL && level < N_LEVELS, NULL);
  return &self->steps[level];
}

guint
tc_adaptation_get_up_after (TcAdaptation *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->up_after;
}
