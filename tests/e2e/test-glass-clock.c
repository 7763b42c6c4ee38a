/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The glass-to-glass clock blocks: exact round trips, tolerance of noise, blur, scaling
 * and a real VP8 encode/decode; refusal of damaged stamps. */
#include <check.h>
#include <gst/app/gstappsink.h>
#include <stdlib.h>
#include <string.h>

#include "tc-glass-clock.h"

typedef struct {
  guint8 *data;
  gsize   stride;
  guint   width;
  guint   height;
} Luma;

static Luma *
luma_new (guint width,
          guint height,
          guint pad)
{
  Luma *l = g_new0 (Luma, 1);

  l->width = width;
  l->height = height;
  l->stride = width + pad;
  l->data = g_malloc (l->stride * height);
  /* A busy background: a diagonal gradient. */
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < l->stride; x++)
      l->data[y * l->stride + x] = (guint8) ((x + 2 * y) & 0xff);
  return l;
}

static void
luma_free (Luma *l)
{
  g_free (l->data);
  g_free (l);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Luma, luma_free)

static const guint64 values[] = { 0, 1, 123456789, G_GUINT64_CONSTANT (0xffffffffffff),
                                  G_GUINT64_CONSTANT (0x800000000001) };

START_TEST (test_round_trip_exact)
{
  static const guint sizes[][2] = { { 640, 480 }, { 1280, 720 }, { 320, 240 }, { 160, 120 }, { 642, 362 } };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint v = 0; v < G_N_ELEMENTS (values); v++)
      {
        g_autoptr(Luma) l = luma_new (sizes[s][0], sizes[s][1], 24);
        guint64 out = 0;

        ck_assert (tc_glass_clock_write_luma (l->data, l->stride, l->width, l->height, values[v]));
        ck_assert (tc_glass_clock_read_luma (l->data, l->stride, l->width, l->height, &out));
        ck_assert_uint_eq (out, values[v]);
      }
}
END_TEST

START_TEST (test_too_small_or_blank_is_refused)
{
  g_autoptr(Luma) small = luma_new (100, 100, 0);
  g_autoptr(Luma) flat = luma_new (640, 480, 0);
  guint64 out;

  ck_assert (!tc_glass_clock_write_luma (small->data, small->stride, small->width, small->height, 5));
  ck_assert (!tc_glass_clock_read_luma (small->data, small->stride, small->width, small->height, &out));
  memset (flat->data, 0, flat->stride * flat->height);
  ck_assert (!tc_glass_clock_read_luma (flat->data, flat->stride, flat->width, flat->height, &out));
  memset (flat->data, 255, flat->stride * flat->height);
  ck_assert (!tc_glass_clock_read_luma (flat->data, flat->stride, flat->width, flat->height, &out));
}
END_TEST

/* One flipped block breaks the CRC (or the sync): no wrong time is ever reported. */
START_TEST (test_flipped_block_is_refused)
{
  for (guint bit = 0; bit < TC_GLASS_CLOCK_BITS; bit++)
    {
      g_autoptr(Luma) l = luma_new (640, 480, 0);
      guint block = l->width / TC_GLASS_CLOCK_COLUMNS;
      guint x0 = (bit % TC_GLASS_CLOCK_COLUMNS) * block, y0 = (bit / TC_GLASS_CLOCK_COLUMNS) * block;
      guint64 out;

      ck_assert (tc_glass_clock_write_luma (l->data, l->stride, l->width, l->height, 987654321));
      for (guint y = y0; y < y0 + block; y++)
        for (guint x = x0; x < x0 + block; x++)
          l->data[y * l->stride + x] = 255 - l->data[y * l->stride + x];
      ck_assert_msg (!tc_glass_clock_read_luma (l->data, l->stride, l->width, l->height, &out), "bit %u", bit);
    }
}
END_TEST

START_TEST (test_noise_and_blur_tolerated)
{
  g_autoptr(Luma) l = luma_new (640, 480, 0);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autofree guint8 *copy = NULL;
  guint64 out = 0;

  ck_assert (tc_glass_clock_write_luma (l->data, l->stride, l->width, l->height, 424242424242));
  /* 5×5 box blur then ±50 noise: much worse than VP8 at a sane bitrate. */
  copy = g_memdup2 (l->data, l->stride * l->height);
  for (guint y = 2; y + 2 < l->height; y++)
    for (guint x = 2; x + 2 < l->width; x++)
      {
        guint sum = 0;

        for (int dy = -2; dy <= 2; dy++)
          for (int dx = -2; dx <= 2; dx++)
            sum += copy[(y + dy) * l->stride + x + dx];
        l->data[y * l->stride + x] = (guint8) (sum / 25);
      }
  for (gsize i = 0; i < l->stride * l->height; i++)
    l->data[i] = (guint8) CLAMP ((int) l->data[i] + g_rand_int_range (rand, -50, 51), 0, 255);
  ck_assert (tc_glass_clock_read_luma (l->data, l->stride, l->width, l->height, &out));
  ck_assert_uint_eq (out, 424242424242);
}
END_TEST

/* Written at 1280×720, read at 640×360 (the receiver may get a scaled-down stream). */
START_TEST (test_scaled_frame_reads)
{
  g_autoptr(Luma) big = luma_new (1280, 720, 0);
  g_autoptr(Luma) half = luma_new (640, 360, 0);
  guint64 out = 0;

  ck_assert (tc_glass_clock_write_luma (big->data, big->stride, big->width, big->height, 31337));
  for (guint y = 0; y < half->height; y++)
    for (guint x = 0; x < half->width; x++)
      half->data[y * half->stride + x] =
        (guint8) ((big->data[2 * y * big->stride + 2 * x] + big->data[2 * y * big->stride + 2 * x + 1] +
                   big->data[(2 * y + 1) * big->stride + 2 * x] + big->data[(2 * y + 1) * big->stride + 2 * x + 1]) / 4);
  ck_assert (tc_glass_clock_read_luma (half->data, half->stride, half->width, half->height, &out));
  ck_assert_uint_eq (out, 31337);
}
END_TEST

typedef struct {
  guint  read;
  gint64 min_us;
  gint64 max_us;
} Counts;

static void
on_latency (gint64   latency_us,
            gpointer user_data)
{
  Counts *c = user_data;

  c->read++;
  c->min_us = MIN (c->min_us, latency_us);
  c->max_us = MAX (c->max_us, latency_us);
}

/* Through a real low-bitrate VP8 encoder and decoder, in I420 and after conversion to
 * BGRx (what an RGB video sink sees). */
static void
run_vp8 (const char *out_format)
{
  g_autofree char *desc = g_strdup_printf (
    "videotestsrc num-buffers=90 pattern=ball is-live=false ! video/x-raw,format=I420,width=640,height=480,framerate=30/1 "
    "! identity name=stamp ! vp8enc deadline=1 target-bitrate=300000 keyframe-max-dist=60 ! vp8dec "
    "! videoconvert ! video/x-raw,format=%s ! fakesink name=sink sync=false", out_format);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (desc, &error);
  g_autoptr(GstElement) stamp = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstPad) stamp_pad = NULL;
  g_autoptr(GstPad) sink_pad = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;
  Counts counts = { 0, G_MAXINT64, G_MININT64 };

  ck_assert_msg (pipeline != NULL, "%s", error ? error->message : "");
  stamp = gst_bin_get_by_name (GST_BIN (pipeline), "stamp");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  stamp_pad = gst_element_get_static_pad (stamp, "src");
  sink_pad = gst_element_get_static_pad (sink, "sink");
  tc_glass_clock_add_stamper (stamp_pad);
  tc_glass_clock_add_reader (sink_pad, on_latency, &counts, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  ck_assert_ptr_nonnull (msg);
  ck_assert_int_eq (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  /* Nearly every frame reads, and every time read is a real recent one. */
  ck_assert_msg (counts.read >= 85, "%s: %u of 90 frames read", out_format, counts.read);
  ck_assert_int_ge (counts.min_us, 0);
  ck_assert_int_lt (counts.max_us, 5 * G_USEC_PER_SEC);
}

START_TEST (test_vp8_round_trip)
{
  run_vp8 ("I420");
  run_vp8 ("BGRx");
}
END_TEST

int
main (int   argc,
      char *argv[])
{
  Suite *s = suite_create ("glass-clock");
  TCase *tc = tcase_create ("blocks");
  SRunner *sr;
  int failed;

  gst_init (&argc, &argv);
  tcase_add_test (tc, test_round_trip_exact);
  tcase_add_test (tc, test_too_small_or_blank_is_refused);
  tcase_add_test (tc, test_flipped_block_is_refused);
  tcase_add_test (tc, test_noise_and_blur_tolerated);
  tcase_add_test (tc, test_scaled_frame_reads);
  tcase_add_test (tc, test_vp8_round_trip);
  tcase_set_timeout (tc, 90);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
