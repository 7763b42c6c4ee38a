/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcVideoPaintable: frames pushed through a real pipeline (appsrc ! sink bin)
 * come out as textures with exactly the pixels that went in, stride and all.
 * GdkMemoryTexture needs no display, so this runs without X. */
#include <check.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#include "tc-video-paintable.h"

/* Odd width, and rows padded explicitly (RGBA rows are always a multiple of 4
 * bytes, so GStreamer's default stride would equal W*4): the buffer carries a
 * GstVideoMeta with stride W*4+12 and the paintable must honour it. */
#define W 33
#define H 7
#define SRC_STRIDE (W * 4 + 12)

static guint8
channel (guint frame, guint x, guint y, guint c)
{
  return (guint8) ((frame * 37 + x * 7 + y * 13 + c * 61) & 0xff);
}

static GstBuffer *
make_frame (guint n)
{
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, SRC_STRIDE * H, NULL);
  gsize offset[GST_VIDEO_MAX_PLANES] = { 0 };
  gint stride[GST_VIDEO_MAX_PLANES] = { SRC_STRIDE };
  GstMapInfo map;

  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  memset (map.data, 0xEE, map.size);  /* padding bytes that must never be shown */
  for (guint y = 0; y < H; y++)
    for (guint x = 0; x < W; x++)
      {
        guint8 *p = map.data + y * SRC_STRIDE + x * 4;
        p[0] = channel (n, x, y, 0);
        p[1] = channel (n, x, y, 1);
        p[2] = channel (n, x, y, 2);
        p[3] = 0xff;  /* video is opaque */
      }
  gst_buffer_unmap (buffer, &map);

  gst_buffer_add_video_meta_full (buffer, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_FORMAT_RGBA,
                                  W, H, 1, offset, stride);
  GST_BUFFER_PTS (buffer) = n * GST_SECOND / 30;
  GST_BUFFER_DURATION (buffer) = GST_SECOND / 30;
  return buffer;
}

typedef struct {
  GstElement *pipeline;
  GstElement *src;
} Pipeline;

static void
pipeline_start (Pipeline *p, TcVideoPaintable *paintable, const char *caps_str)
{
  g_autoptr(GstCaps) caps = gst_caps_from_string (caps_str);
  GstElement *sink = tc_video_paintable_create_sink (paintable);

  p->pipeline = gst_pipeline_new (NULL);
  p->src = gst_element_factory_make ("appsrc", NULL);
  ck_assert_ptr_nonnull (p->src);
  ck_assert_ptr_nonnull (sink);
  g_object_set (p->src, "caps", caps, "format", GST_FORMAT_TIME, NULL);
  gst_bin_add_many (GST_BIN (p->pipeline), p->src, sink, NULL);
  ck_assert (gst_element_link (p->src, sink));
  ck_assert_int_ne (gst_element_set_state (p->pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
}

static void
pipeline_stop (Pipeline *p)
{
  gst_element_set_state (p->pipeline, GST_STATE_NULL);
  gst_object_unref (p->pipeline);
}

static void
wait_for_frames (TcVideoPaintable *paintable, guint64 count)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (tc_video_paintable_get_frame_count (paintable) < count)
    {
      ck_assert_msg (g_get_monotonic_time () < deadline, "no frame after 10 s");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
count_signal (gpointer instance, gpointer user_data)
{
  (*(guint *) user_data)++;
}

/* Download the texture and compare every pixel with what frame @n holds. */
static void
assert_texture_is_frame (GdkTexture *texture, guint n)
{
  gsize stride = W * 4;
  g_autofree guint8 *pixels = g_malloc (stride * H);

  ck_assert_int_eq (gdk_texture_get_width (texture), W);
  ck_assert_int_eq (gdk_texture_get_height (texture), H);
  /* gdk_texture_download gives cairo's ARGB32: B, G, R, A in memory on little endian. */
  gdk_texture_download (texture, pixels, stride);
  for (guint y = 0; y < H; y++)
    for (guint x = 0; x < W; x++)
      {
        const guint8 *p = pixels + y * stride + x * 4;
        guint32 argb = *(const guint32 *) p;
        guint8 r = (argb >> 16) & 0xff, g = (argb >> 8) & 0xff, b = argb & 0xff, a = argb >> 24;

        ck_assert_msg (r == channel (n, x, y, 0) && g == channel (n, x, y, 1) &&
                       b == channel (n, x, y, 2) && a == 0xff,
                       "pixel %u,%u of frame %u: got %02x%02x%02x%02x", x, y, n, r, g, b, a);
      }
}

START_TEST (test_pixels_exact_with_stride)
{
  g_autoptr(TcVideoPaintable) paintable = tc_video_paintable_new ();
  Pipeline p;
  guint size_changes = 0, content_changes = 0;

  g_signal_connect (paintable, "invalidate-size", G_CALLBACK (count_signal), &size_changes);
  g_signal_connect (paintable, "invalidate-contents", G_CALLBACK (count_signal), &content_changes);
  ck_assert_ptr_null (tc_video_paintable_get_texture (paintable));
  ck_assert_int_eq (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (paintable)), 0);

  pipeline_start (&p, paintable, "video/x-raw,format=RGBA,width=33,height=7,framerate=30/1");
  ck_assert_int_eq (gst_app_src_push_buffer (GST_APP_SRC (p.src), make_frame (0)), GST_FLOW_OK);
  wait_for_frames (paintable, 1);

  assert_texture_is_frame (tc_video_paintable_get_texture (paintable), 0);
  ck_assert_int_eq (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (paintable)), W);
  ck_assert_int_eq (gdk_paintable_get_intrinsic_height (GDK_PAINTABLE (paintable)), H);
  ck_assert (G_APPROX_VALUE (gdk_paintable_get_intrinsic_aspect_ratio (GDK_PAINTABLE (paintable)),
                             (double) W / H, 1e-9));
  ck_assert_uint_eq (size_changes, 1);
  ck_assert_uint_eq (content_changes, 1);

  /* A second frame of the same size: new contents, same size. */
  ck_assert_int_eq (gst_app_src_push_buffer (GST_APP_SRC (p.src), make_frame (1)), GST_FLOW_OK);
  wait_for_frames (paintable, 2);
  assert_texture_is_frame (tc_video_paintable_get_texture (paintable), 1);
  ck_assert_uint_eq (size_changes, 1);
  ck_assert_uint_eq (content_changes, 2);

  tc_video_paintable_clear (paintable);
  ck_assert_ptr_null (tc_video_paintable_get_texture (paintable));
  ck_assert_uint_eq (size_changes, 2);

  pipeline_stop (&p);
}
END_TEST

/* Frames arriving while the main context is busy: only the newest is shown. */
START_TEST (test_only_latest_frame_kept)
{
  g_autoptr(TcVideoPaintable) paintable = tc_video_paintable_new ();
  Pipeline p;

  pipeline_start (&p, paintable, "video/x-raw,format=RGBA,width=33,height=7,framerate=30/1");
  g_object_set (p.src, "block", FALSE, NULL);
  for (guint n = 0; n < 5; n++)
    ck_assert_int_eq (gst_app_src_push_buffer (GST_APP_SRC (p.src), make_frame (n)), GST_FLOW_OK);
  /* Let the streaming thread deliver all five without running the main context. */
  gst_app_src_end_of_stream (GST_APP_SRC (p.src));
  {
    g_autoptr(GstBus) bus = gst_element_get_bus (p.pipeline);
    g_autoptr(GstMessage) msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
                                                            GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    ck_assert_ptr_nonnull (msg);
    ck_assert_int_eq (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  }

  wait_for_frames (paintable, 1);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  /* All five reached the paintable while the main context slept: one texture
   * was made, from the last frame pushed. */
  ck_assert_uint_eq (tc_video_paintable_get_frame_count (paintable), 1);
  assert_texture_is_frame (tc_video_paintable_get_texture (paintable), 4);

  pipeline_stop (&p);
}
END_TEST

/* A format other than RGBA goes through videoconvert and keeps its aspect. */
START_TEST (test_converted_size_and_aspect)
{
  g_autoptr(TcVideoPaintable) paintable = tc_video_paintable_new ();
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  GstElement *sink = tc_video_paintable_create_sink (paintable);
  GstElement *src;
  GstElement *capsfilter;
  g_autoptr(GstCaps) caps = gst_caps_from_string ("video/x-raw,format=I420,width=161,height=91,"
                                                  "pixel-aspect-ratio=4/3,framerate=30/1");

  pipeline = gst_pipeline_new (NULL);
  src = gst_element_factory_make ("videotestsrc", NULL);
  capsfilter = gst_element_factory_make ("capsfilter", NULL);
  g_object_set (src, "num-buffers", 3, NULL);
  g_object_set (capsfilter, "caps", caps, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, capsfilter, sink, NULL);
  ck_assert (gst_element_link_many (src, capsfilter, sink, NULL));
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  wait_for_frames (paintable, 1);
  ck_assert_int_eq (gdk_texture_get_width (tc_video_paintable_get_texture (paintable)), 161);
  ck_assert_int_eq (gdk_texture_get_height (tc_video_paintable_get_texture (paintable)), 91);
  /* 161 * 4/3 = 214.67 → 215 */
  ck_assert_int_eq (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (paintable)), 215);
  ck_assert (G_APPROX_VALUE (gdk_paintable_get_intrinsic_aspect_ratio (GDK_PAINTABLE (paintable)),
                             161.0 * 4 / 3 / 91, 1e-9));
  gst_element_set_state (pipeline, GST_STATE_NULL);
}
END_TEST

/* The paintable may die before the pipeline stops: frames are then dropped. */
START_TEST (test_paintable_disposed_first)
{
  TcVideoPaintable *paintable = tc_video_paintable_new ();
  Pipeline p;

  pipeline_start (&p, paintable, "video/x-raw,format=RGBA,width=33,height=7,framerate=30/1");
  ck_assert_int_eq (gst_app_src_push_buffer (GST_APP_SRC (p.src), make_frame (0)), GST_FLOW_OK);
  wait_for_frames (paintable, 1);
  g_assert_finalize_object (paintable);
  ck_assert_int_eq (gst_app_src_push_buffer (GST_APP_SRC (p.src), make_frame (1)), GST_FLOW_OK);
  g_usleep (100 * 1000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  pipeline_stop (&p);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("video-paintable");
  TCase *tc = tcase_create ("core");
  SRunner *sr;
  int failed;

  gst_init (NULL, NULL);
  tcase_add_test (tc, test_pixels_exact_with_stride);
  tcase_add_test (tc, test_only_latest_frame_kept);
  tcase_add_test (tc, test_converted_size_and_aspect);
  tcase_add_test (tc, test_paintable_disposed_first);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
