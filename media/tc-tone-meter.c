/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-tone-meter"

#include "tc-tone-meter.h"

#include <math.h>

#define SILENCE_DB (-200.0)

struct _TcToneMeter {
  GMutex  lock;
  guint   rate;
  double  frequency;
  guint   skip;          /* samples still to skip */
  guint64 n;
  double  sum_sq;        /* broadband, normalised to [-1, 1] */
  /* Goertzel state for the current block. */
  double  coeff;
  double  s1, s2;
  guint   block_len;
  guint   in_block;
  double  tone_power_sum;   /* sum over whole blocks of the tone's mean square */
  guint   n_blocks;
};

TcToneMeter *
tc_tone_meter_new (guint  rate,
                   double frequency,
                   guint  skip_samples)
{
  TcToneMeter *self;

  g_return_val_if_fail (rate > 0, NULL);
  g_return_val_if_fail (frequency > 0 && frequency < rate / 2.0, NULL);

  self = g_new0 (TcToneMeter, 1);
  g_mutex_init (&self->lock);
  self->rate = rate;
  self->frequency = frequency;
  self->skip = skip_samples;
  self->block_len = MAX (rate / 10, 1);
  self->coeff = 2.0 * cos (2.0 * G_PI * frequency / rate);
  return self;
}

void
tc_tone_meter_free (TcToneMeter *self)
{
  if (self == NULL)
    return;
  g_mutex_clear (&self->lock);
  g_free (self);
}

static void
end_block (TcToneMeter *self)
{
  double n = self->block_len;
  /* |X(k)|² of the block; a sine of amplitude A gives |X|² ≈ (A·N/2)², mean square A²/2. */
  double power = self->s1 * self->s1 + self->s2 * self->s2 - self->coeff * self->s1 * self->s2;

  self->tone_power_sum += 2.0 * power / (n * n);
  self->n_blocks++;
  self->s1 = self->s2 = 0;
  self->in_block = 0;
}

void
tc_tone_meter_add_s16 (TcToneMeter  *self,
                       const gint16 *samples,
                       gsize         n_samples)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (samples != NULL || n_samples == 0);

  g_mutex_lock (&self->lock);
  for (gsize i = 0; i < n_samples; i++)
    {
      double x = samples[i] / 32768.0;
      double s0;

      if (self->skip > 0)
        {
          self->skip--;
          continue;
        }
      self->sum_sq += x * x;
      self->n++;
      s0 = x + self->coeff * self->s1 - self->s2;
      self->s2 = self->s1;
      self->s1 = s0;
      if (++self->in_block == self->block_len)
        end_block (self);
    }
  g_mutex_unlock (&self->lock);
}

guint64
tc_tone_meter_get_n_samples (TcToneMeter *self)
{
  guint64 n;

  g_mutex_lock (&self->lock);
  n = self->n;
  g_mutex_unlock (&self->lock);
  return n;
}

static double
to_db (double mean_square)
{
  return mean_square > 0 ? 10.0 * log10 (mean_square) : SILENCE_DB;
}

double
tc_tone_meter_get_rms_dbfs (TcToneMeter *self)
{
  double db;

  g_mutex_lock (&self->lock);
  db = self->n > 0 ? to_db (self->sum_sq / (double) self->n) : SILENCE_DB;
  g_mutex_unlock (&self->lock);
  return db;
}

double
tc_tone_meter_get_tone_dbfs (TcToneMeter *self)
{
  double db;

  g_mutex_lock (&self->lock);
  db = self->n_blocks > 0 ? to_db (self->tone_power_sum / self->n_blocks) : SILENCE_DB;
  g_mutex_unlock (&self->lock);
  return db;
}

static GstPadProbeReturn
on_buffer (GstPad          *pad,
           GstPadProbeInfo *info,
           gpointer         data)
{
  TcToneMeter *self = data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;

  if (buffer != NULL && gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      tc_tone_meter_add_s16 (self, (const gint16 *) map.data, map.size / sizeof (gint16));
      gst_buffer_unmap (buffer, &map);
    }
  return GST_PAD_PROBE_OK;
}

gulong
tc_tone_meter_attach (TcToneMeter *self,
                      GstPad      *pad)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (GST_IS_PAD (pad), 0);

  return gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, self, NULL);
}
