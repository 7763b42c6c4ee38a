/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The stethoscope path keeps a 50–200 Hz tone (heart and lung sounds live there) within 3 dB
 * through Opus; the voice path (webrtcdsp: echo cancellation, noise suppression, high-pass, gain
 * control; Opus in voice mode) is only measured and printed.  Both chains come from the
 * factory's own settings.  Pipelines run faster than real
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

/* Each path takes its processing from the factory, as the call does: the voice gets the
 * factory's webrtcdsp (real mode: echo cancellation, noise suppression, high-pass, gain control)
 * bound to an echo probe on a silent far end, and Opus configured for TC_SOURCE_VOICE_MIC; the
 * stethoscope gets no voice treatment and Opus configured for TC_SOURCE_STETHOSCOPE. */
static GstElement *
add (GstElement *pipeline,
     const char *factory_name)
{
  GstElement *e = gst_element_factory_make (factory_name, NULL);

  ck_assert_msg (e != NULL, "%s is not installed", factory_name);
  gst_bin_add (GST_BIN (pipeline), e);
  return e;
}

static GstElement *
add_caps (GstElement *pipeline)
{
  GstElement *filter = add (pipeline, "capsfilter");
  g_autoptr(GstCaps) caps = gst_caps_from_string (RAW_CAPS);

  g_object_set (filter, "caps", caps, NULL);
  return filter;
}

static GstElement *
build_path (TcSourceKind kind,
            double       freq,
            GstPad     **in_pad,
            GstPad     **out_pad)
{
  g_autoptr(TcMediaFactory) factory = tc_media_factory_new_with_mode (TC_MEDIA_MODE_REAL);
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *chain[16];
  guint n = 0;
  GstElement *src, *in, *out, *enc, *sink;

  src = add (pipeline, "audiotestsrc");
  gst_util_set_object_arg (G_OBJECT (src), "wave", "sine");
  g_object_set (src, "freq", freq, "volume", 0.3, "samplesperbuffer", 480, "num-buffers", SECONDS * 100, NULL);
  chain[n++] = src;
  chain[n++] = add_caps (pipeline);
  chain[n++] = in = add (pipeline, "identity");
  if (kind == TC_SOURCE_VOICE_MIC)
    {
      GstElement *probe = tc_media_factory_create_echo_probe (factory, "probe");
      GstElement *far = add (pipeline, "audiotestsrc");
      GstElement *far_caps = add_caps (pipeline);
      GstElement *far_sink = add (pipeline, "fakesink");
      GstElement *dsp = tc_media_factory_create_voice_processor (factory, "probe");

      ck_assert (probe != NULL && dsp != NULL);
      gst_util_set_object_arg (G_OBJECT (far), "wave", "silence");
      g_object_set (far, "samplesperbuffer", 480, "num-buffers", SECONDS * 100, NULL);
      g_object_set (far_sink, "sync", FALSE, NULL);
      gst_bin_add_many (GST_BIN (pipeline), probe, dsp, NULL);
      ck_assert (gst_element_link_many (far, far_caps, probe, far_sink, NULL));
      chain[n++] = dsp;
      chain[n++] = add (pipeline, "audioconvert");
      chain[n++] = add (pipeline, "audioresample");
    }
  chain[n++] = enc = add (pipeline, "opusenc");
  tc_media_factory_configure_opus (factory, enc, kind);
  chain[n++] = add (pipeline, "opusdec");
  chain[n++] = add (pipeline, "audioconvert");
  chain[n++] = add (pipeline, "audioresample");
  chain[n++] = add_caps (pipeline);
  chain[n++] = out = add (pipeline, "identity");
  chain[n++] = sink = add (pipeline, "fakesink");
  g_object_set (sink, "sync", FALSE, NULL);
  for (guint i = 0; i + 1 < n; i++)
    ck_assert_msg (gst_element_link (chain[i], chain[i + 1]), "link %u", i);
  *in_pad = gst_element_get_static_pad (in, "src");
  *out_pad = gst_element_get_static_pad (out, "src");
  return pipeline;
}

static gboolean
measure (TcSourceKind kind,
         double       freq,
         Levels      *out)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstPad) in_pad = NULL;
  g_autoptr(GstPad) out_pad = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;
  g_autoptr(TcToneMeter) min = tc_tone_meter_new (RATE, freq, SKIP_SAMPLES);
  g_autoptr(TcToneMeter) mout = tc_tone_meter_new (RATE, freq, SKIP_SAMPLES);

  pipeline = build_path (kind, freq, &in_pad, &out_pad);
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

  measure (TC_SOURCE_STETHOSCOPE, freq, &l);
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
  measure (TC_SOURCE_VOICE_MIC, freq, &l);
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
