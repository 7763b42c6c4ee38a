/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Measures the level of a test tone in 48 kHz (any rate) mono S16 audio: broadband RMS and the
 * energy at the tone's own frequency (Goertzel over 100 ms blocks), both in dBFS.  The pure part
 * takes samples; tc_tone_meter_attach() feeds it from a pad (streaming thread, locked). */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _TcToneMeter TcToneMeter;

/* @skip_samples: samples ignored at the start (codec and processing warm-up).
 * @frequency: the tone in Hz (> 0 and < rate / 2). */
TcToneMeter *tc_tone_meter_new (guint  rate,
                                double frequency,
                                guint  skip_samples);
void         tc_tone_meter_free (TcToneMeter *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcToneMeter, tc_tone_meter_free)

void    tc_tone_meter_add_s16       (TcToneMeter  *self,
                                     const gint16 *samples,
                                     gsize         n_samples);
/* Samples measured (after the skipped ones). */
guint64 tc_tone_meter_get_n_samples (TcToneMeter *self);
/* RMS of everything measured, dB relative to a full-scale square wave; -200 for silence. */
double  tc_tone_meter_get_rms_dbfs  (TcToneMeter *self);
/* RMS of the component at the tone's frequency only (whole 100 ms blocks), same scale. */
double  tc_tone_meter_get_tone_dbfs (TcToneMeter *self);

/* Adds a buffer probe on @pad that feeds every S16 mono buffer to @self until @self is freed
 * or the probe removed (returns the probe id).  The caps on the pad must be S16 (native), mono. */
gulong  tc_tone_meter_attach        (TcToneMeter *self,
                                     GstPad      *pad);

G_END_DECLS
