/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <check.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "tc-media-factory.h"

/* Runs @source into a fakesink until @n buffers passed; returns the negotiated caps. */
static GstCaps *
run_source (GstElement *source,
            guint       n)
{
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr(GstPad) pad = NULL;
  GstCaps *caps = NULL;
  GstSample *sample = NULL;

  g_object_set (sink, "sync", FALSE, "enable-last-sample", TRUE, NULL);
  gst_bin_add_many (GST_BIN (pipeline), source, sink, NULL);
  ck_assert (gst_element_link (source, sink));
  ck_assert_int_ne (gst_element_set_state (pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);

  for (guint i = 0; i < 200 && caps == NULL; i++)
    {
      g_object_get (sink, "last-sample", &sample, NULL);
      if (sample != NULL)
        {
          caps = gst_caps_ref (gst_sample_get_caps (sample));
          gst_sample_unref (sample);
        }
      else
        g_usleep (20000);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  ck_assert_msg (caps != NULL, "no buffer came out of the source");
  return caps;
}

START_TEST (test_env_selects_test_mode)
{
  g_autoptr(TcMediaFactory) f = NULL;

  g_setenv ("TC_MEDIA_SOURCES", "test", TRUE);
  f = tc_media_factory_new ();
  ck_assert_int_eq (tc_media_factory_get_mode (f), TC_MEDIA_MODE_TEST);
  g_clear_object (&f);
  g_setenv ("TC_MEDIA_SOURCES", "real", TRUE);
  f = tc_media_factory_new ();
  ck_assert_int_eq (tc_media_factory_get_mode (f), TC_MEDIA_MODE_REAL);
  g_unsetenv ("TC_MEDIA_SOURCES");
}
END_TEST

START_TEST (test_video_source_caps)
{
  g_autoptr(TcMediaFactory) f = tc_media_factory_new_with_mode (TC_MEDIA_MODE_TEST);
  g_autoptr(GError) error = NULL;
  GstElement *src;
  g_autoptr(GstCaps) caps = NULL;
  GstVideoInfo info;

  ck_assert_uint_eq (tc_media_factory_get_width (f), 640);
  ck_assert_uint_eq (tc_media_factory_get_height (f), 480);
  ck_assert_uint_eq (tc_media_factory_get_framerate (f), 30);
  tc_media_factory_set_resolution (f, 1280, 720);
  g_object_set (f, "framerate", 15, NULL);

  src = tc_media_factory_create_source (f, TC_SOURCE_FACE_CAMERA, &error);
  ck_assert_ptr_nonnull (src);
  caps = run_source (src, 3);
  ck_assert (gst_video_info_from_caps (&info, caps));
  ck_assert_int_eq (GST_VIDEO_INFO_WIDTH (&info), 1280);
  ck_assert_int_eq (GST_VIDEO_INFO_HEIGHT (&info), 720);
  ck_assert_int_eq (GST_VIDEO_INFO_FPS_N (&info), 15);

  /* The exam camera is a second, distinct source. */
  src = tc_media_factory_create_source (f, TC_SOURCE_EXAM_CAMERA, &error);
  ck_assert_ptr_nonnull (src);
  gst_object_unref (gst_object_ref_sink (src));
}
END_TEST

START_TEST (test_audio_source_caps)
{
  g_autoptr(TcMediaFactory) f = tc_media_factory_new_with_mode (TC_MEDIA_MODE_TEST);
  g_autoptr(GError) error = NULL;
  GstElement *src = tc_media_factory_create_source (f, TC_SOURCE_VOICE_MIC, &error);
  g_autoptr(GstCaps) caps = NULL;
  GstStructure *s;
  int rate = 0, channels = 0;

  ck_assert_ptr_nonnull (src);
  caps = run_source (src, 3);
  s = gst_caps_get_structure (caps, 0);
  ck_assert (gst_structure_get_int (s, "rate", &rate));
  ck_assert (gst_structure_get_int (s, "channels", &channels));
  ck_assert_int_eq (rate, 48000);
  ck_assert_int_eq (channels, 1);

  src = tc_media_factory_create_source (f, TC_SOURCE_STETHOSCOPE, &error);
  ck_assert_ptr_nonnull (src);
  gst_object_unref (gst_object_ref_sink (src));
}
END_TEST

static GstElement *
my_sink (TcVideoSinkRole role,
         gpointer        data)
{
  GstElement *sink = gst_element_factory_make ("fakesink", role == TC_VIDEO_SINK_ROLE_REMOTE ? "remote" : "preview");

  (*(guint *) data)++;
  return sink;
}

static void
count_destroy (gpointer data)
{
  (*(guint *) data) += 100;
}

START_TEST (test_sink_functions)
{
  g_autoptr(TcMediaFactory) f = tc_media_factory_new_with_mode (TC_MEDIA_MODE_TEST);
  guint calls = 0;
  GstElement *sink;

  /* Default: fakesink in test mode. */
  sink = gst_object_ref_sink (tc_media_factory_create_video_sink (f, TC_VIDEO_SINK_ROLE_REMOTE));
  ck_assert_str_eq (GST_OBJECT_NAME (gst_element_get_factory (sink)), "fakesink");
  gst_object_unref (sink);
  sink = gst_object_ref_sink (tc_media_factory_create_audio_sink (f));
  ck_assert_str_eq (GST_OBJECT_NAME (gst_element_get_factory (sink)), "fakesink");
  gst_object_unref (sink);

  tc_media_factory_set_video_sink_func (f, my_sink, &calls, count_destroy);
  sink = gst_object_ref_sink (tc_media_factory_create_video_sink (f, TC_VIDEO_SINK_ROLE_REMOTE));
  ck_assert_str_eq (GST_OBJECT_NAME (sink), "remote");
  gst_object_unref (sink);
  sink = gst_object_ref_sink (tc_media_factory_create_video_sink (f, TC_VIDEO_SINK_ROLE_LOCAL_PREVIEW));
  ck_assert_str_eq (GST_OBJECT_NAME (sink), "preview");
  gst_object_unref (sink);
  ck_assert_uint_eq (calls, 2);
  /* Replacing the function releases the old data. */
  tc_media_factory_set_video_sink_func (f, NULL, NULL, NULL);
  ck_assert_uint_eq (calls, 102);
}
END_TEST

START_TEST (test_voice_processing)
{
  g_autoptr(TcMediaFactory) f = tc_media_factory_new_with_mode (TC_MEDIA_MODE_TEST);
  GstElement *dsp, *probe;

  if (!tc_media_factory_has_element ("webrtcdsp"))
    {
      /* Degrades: no element, no error. */
      ck_assert_ptr_null (tc_media_factory_create_voice_processor (f, "p"));
      return;
    }
  probe = tc_media_factory_create_echo_probe (f, "tc-test-probe");
  dsp = tc_media_factory_create_voice_processor (f, "tc-test-probe");
  ck_assert_ptr_nonnull (probe);
  ck_assert_ptr_nonnull (dsp);
  {
    g_autofree char *name = NULL;
    gboolean ec = FALSE, ns = FALSE;

    g_object_get (dsp, "probe", &name, "echo-cancel", &ec, "noise-suppression", &ns, NULL);
    ck_assert_str_eq (name, "tc-test-probe");
    ck_assert (ec && ns);
  }
  gst_object_unref (gst_object_ref_sink (dsp));
  gst_object_unref (gst_object_ref_sink (probe));

  tc_media_factory_set_voice_processing (f, FALSE);
  ck_assert_ptr_null (tc_media_factory_create_voice_processor (f, "p"));
  ck_assert_ptr_null (tc_media_factory_create_echo_probe (f, "p"));
}
END_TEST

/* Real mode builds camera and microphone sources without opening them (no device here). */
START_TEST (test_real_mode_sources)
{
  g_autoptr(TcMediaFactory) f = tc_media_factory_new_with_mode (TC_MEDIA_MODE_REAL);
  g_autoptr(GError) error = NULL;
  GstElement *src;
  g_autoptr(GstIterator) it = NULL;
  GValue item = G_VALUE_INIT;
  gboolean found = FALSE;

  g_object_set (f, "camera-device", "/dev/video7", NULL);
  src = tc_media_factory_create_source (f, TC_SOURCE_FACE_CAMERA, &error);
  ck_assert_ptr_nonnull (src);
  it = gst_bin_iterate_elements (GST_BIN (src));
  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElement *e = g_value_get_object (&item);

      if (g_strcmp0 (GST_OBJECT_NAME (gst_element_get_factory (e)), "v4l2src") == 0)
        {
          g_autofree char *device = NULL;

          g_object_get (e, "device", &device, NULL);
          ck_assert_str_eq (device, "/dev/video7");
          found = TRUE;
        }
      g_value_reset (&item);
    }
  g_value_unset (&item);
  ck_assert (found);
  gst_object_unref (gst_object_ref_sink (src));

  src = tc_media_factory_create_source (f, TC_SOURCE_VOICE_MIC, &error);
  ck_assert_ptr_nonnull (src);
  gst_object_unref (gst_object_ref_sink (src));
}
END_TEST

int
main (int argc, char **argv)
{
  Suite *s = suite_create ("media-factory");
  TCase *tc = tcase_create ("core");
  SRunner *sr;
  int failed;

  gst_init (&argc, &argv);
  tcase_set_timeout (tc, 30);
  tcase_add_test (tc, test_env_selects_test_mode);
  tcase_add_test (tc, test_video_source_caps);
  tcase_add_test (tc, test_audio_source_caps);
  tcase_add_test (tc, test_sink_functions);
  tcase_add_test (tc, test_voice_processing);
  tcase_add_test (tc, test_real_mode_sources);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
