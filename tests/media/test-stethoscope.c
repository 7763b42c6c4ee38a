/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The stethoscope path keeps a 50–200 Hz tone (heart and lung sounds live there) within 3 dB
 * through Opus; the voice path (webrtcdsp: echo cancellation, noise suppression, high-pass, gain
 * control; Opus in voice mode) is only measured and printed.  Pipelines run faster than real
 * time (no live source, no clock sync), a few seconds of audio each. */
#include <check.h>
#include <math.h>

#include "tc-media-factory.h"
#include "tc-tone-meter.h"

#define RATE 48000
#define SECONDS 4
#define SKIP_SAMPLES RATE   /* the first second: encoder, AGC and suppressor warm-up */
#define RAW_CAPS "audio/x-raw,format=S16LE,rate=48000,channels=1,layout=interleaved"

/* ---- The meter alone ---- */

static void
feed_sine (TcToneMeter *meter,
           double       freq,
           double       amplitude,
           guint        n)
{
  g_autofree gint16 *s = g_new (gint16, n);

  for (guint i = 0; i < n; i++)
    s[i] = (gint16) lround (amplitude * 32767.0 * sin (2 * G_PI * freq * i / RATE));
  /* In two pieces: blocks must carry over between buffers. */
  tc_tone_meter_add_s16 (meter, s, n / 3);
  tc_tone_meter_add_s16 (meter, s + n / 3, n - n / 3);
}

START_TEST (test_meter_known_levels)
{
  static const double freqs[] = { 50, 80, 150, 200 };

  for (guint i = 0; i < G_N_ELEMENTS (freqs); i++)
    {
      g_autoptr(TcToneMeter) m = tc_tone_meter_new (RATE, freqs[i], 480);
      g_autoptr(TcToneMeter) off = tc_tone_meter_new (RATE, freqs[i], 0);
      double expected = 20 * log10 (0.5 / sqrt (2));   /* −9.03 dBFS */

      feed_sine (m, freqs[i], 0.5, RATE);
      ck_assert_uint_eq (tc_tone_meter_get_n_samples (m), RATE - 480);
      ck_assert_double_eq_tol (tc_tone_meter_get_rms_dbfs (m), expected, 0.1);
      ck_assert_double_eq_tol (tc_tone_meter_get_tone_dbfs (m), expected, 0.3);

      /* A 1 kHz tone has the same RMS but almost nothing at the measured frequency. */
      feed_sine (off, 1000, 0.5, RATE);
      ck_assert_double_eq_tol (tc_tone_meter_get_rms_dbfs (off), expected, 0.1);
      ck_assert_double_lt (tc_tone_meter_get_tone_dbfs (off), expected - 30);
    }
}
END_TEST

START_TEST (test_meter_silence)
{
  g_autoptr(TcToneMeter) m = tc_tone_meter_new (RATE, 80, 0);
  gint16 zeros[4800] = { 0, };

  ck_assert_double_eq (tc_tone_meter_get_rms_dbfs (m), -200);
  tc_tone_meter_add_s16 (m, zeros, G_N_ELEMENTS (zeros));
  ck_assert_double_eq (tc_tone_meter_get_rms_dbfs (m), -200);
  ck_assert_double_eq (tc_tone_meter_get_tone_dbfs (m), -200);
}
END_TEST

/* ---- Through the two paths ---- */

typedef struct {
  double in_rms, out_rms, in_tone, out_tone;
} Levels;

/* The processing of each path, between the raw source and the raw output.  Mirrors the voice
 * send branch of tc-call-media.c with the factory's webrtcdsp (real mode: gain control on), and
 * the stethoscope's: no voice treatment, Opus in audio (not VoIP) mode, 64 kbit/s fullband, no
 * DTX and no FEC (VoIP mode and a loss-expecting encoder both high-pass the signal). */
static const char voice_chain[] =
  "webrtcdsp probe=probe echo-cancel=true noise-suppression=true high-pass-filter=true "
  "gain-control=true ! audioconvert ! audioresample ! "
  "opusenc audio-type=voice bitrate=32000 inband-fec=true packet-loss-percentage=10 dtx=false";
static const char stethoscope_chain[] =
  "opusenc audio-type=generic bitrate=64000 bandwidth=fullband inband-fec=false dtx=false";

static gboolean
measure (const char *chain,
         gboolean    with_probe,
         double      freq,
         Levels     *out)
{
  g_autofree char *desc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) in = NULL;
  g_autoptr(GstElement) outid = NULL;
  g_autoptr(GstPad) in_pad = NULL;
  g_autoptr(GstPad) out_pad = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;
  g_autoptr(TcToneMeter) min = tc_tone_meter_new (RATE, freq, SKIP_SAMPLES);
  g_autoptr(TcToneMeter) mout = tc_tone_meter_new (RATE, freq, SKIP_SAMPLES);

  /* The echo probe sits on the playback side in a call; here the far end is silent. */
  desc = g_strdup_printf ("audiotestsrc wave=sine freq=%f volume=0.3 samplesperbuffer=480 num-buffers=%d ! "
                          RAW_CAPS " ! identity name=in ! %s ! opusdec ! audioconvert ! audioresample ! "
                          RAW_CAPS " ! identity name=out ! fakesink sync=false %s",
                          freq, SECONDS * 100, chain,
                          with_probe ? "audiotestsrc wave=silence samplesperbuffer=480 num-buffers=400 ! "
                                       RAW_CAPS " ! webrtcechoprobe name=probe ! fakesink sync=false" : "");
  pipeline = gst_parse_launch (desc, &error);
  ck_assert_msg (pipeline != NULL, "%s", error ? error->message : "");
  ck_assert_msg (error == NULL, "%s", error->message);
  in = gst_bin_get_by_name (GST_BIN (pipeline), "in");
  outid = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  in_pad = gst_element_get_static_pad (in, "src");
  out_pad = gst_element_get_static_pad (outid, "src");
  tc_tone_meter_attach (min, in_pad);
  tc_tone_meter_attach (mout, out_pad);

  ck_assert_int_ne (gst_element_set_state (pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  bus = gst_element_get_bus (pipeline);
  msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  ck_assert_msg (msg != NULL, "pipeline timed out");
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) e = NULL;

      gst_message_parse_error (msg, &e, NULL);
      ck_abort_msg ("pipeline error: %s", e->message);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);

  /* Most of the signal was measured on both sides (the encoder may hold back a frame). */
  ck_assert_uint_ge (tc_tone_meter_get_n_samples (min), (SECONDS - 1) * RATE - 480);
  ck_assert_uint_ge (tc_tone_meter_get_n_samples (mout), (SECONDS - 1) * RATE - 4800);
  out->in_rms = tc_tone_meter_get_rms_dbfs (min);
  out->out_rms = tc_tone_meter_get_rms_dbfs (mout);
  out->in_tone = tc_tone_meter_get_tone_dbfs (min);
  out->out_tone = tc_tone_meter_get_tone_dbfs (mout);
  return TRUE;
}

static const double tone_freqs[] = { 50, 80, 150, 200 };

START_TEST (test_stethoscope_keeps_tone)
{
  double freq = tone_freqs[_i];
  Levels l;

  measure (stethoscope_chain, FALSE, freq, &l);
  g_print ("stethoscope %3.0f Hz: in %.2f dBFS, out %.2f dBFS (tone %.2f -> %.2f, change %+.2f dB)\n",
           freq, l.in_rms, l.out_rms, l.in_tone, l.out_tone, l.out_tone - l.in_tone);
  ck_assert_double_eq_tol (l.out_tone, l.in_tone, 3.0);
  ck_assert_double_eq_tol (l.out_rms, l.in_rms, 3.0);
}
END_TEST

START_TEST (test_voice_path_reported)
{
  double freq = tone_freqs[_i];
  Levels l;

  if (!tc_media_factory_has_element ("webrtcdsp") || !tc_media_factory_has_element ("webrtcechoprobe"))
    {
      g_print ("voice %3.0f Hz: webrtcdsp not installed, not measured\n", freq);
      return;
    }
  measure (voice_chain, TRUE, freq, &l);
  /* Not asserted: the voice path is allowed to lose the tone; the number is for the record. */
  g_print ("voice       %3.0f Hz: in %.2f dBFS, out %.2f dBFS (tone %.2f -> %.2f, change %+.2f dB)\n",
           freq, l.in_rms, l.out_rms, l.in_tone, l.out_tone, l.out_tone - l.in_tone);
  ck_assert (isfinite (l.out_tone));
}
END_TEST

static Suite *
stethoscope_suite (void)
{
  Suite *s = suite_create ("stethoscope");
  TCase *meter = tcase_create ("meter");
  TCase *paths = tcase_create ("paths");

  tcase_add_test (meter, test_meter_known_levels);
  tcase_add_test (meter, test_meter_silence);
  suite_add_tcase (s, meter);
  tcase_set_timeout (paths, 60);
  tcase_add_loop_test (paths, test_stethoscope_keeps_tone, 0, G_N_ELEMENTS (tone_freqs));
  tcase_add_loop_test (paths, test_voice_path_reported, 0, G_N_ELEMENTS (tone_freqs));
  suite_add_tcase (s, paths);
  return s;
}

int
main (int   argc,
      char *argv[])
{
  SRunner *sr;
  int failed;

  gst_init (&argc, &argv);
  if (!tc_media_factory_has_element ("opusenc") || !tc_media_factory_has_element ("opusdec"))
    {
      g_print ("opusenc/opusdec not installed: skipped\n");
      return 77;
    }
  sr = srunner_create (stethoscope_suite ());
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
