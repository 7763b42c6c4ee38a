/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-glass-clock"

#include "tc-glass-clock.h"

#include <string.h>

#define SYNC_BYTE 0xB4
#define ROWS ((TC_GLASS_CLOCK_BITS + TC_GLASS_CLOCK_COLUMNS - 1) / TC_GLASS_CLOCK_COLUMNS)
#define WHITE 235
#define BLACK 16

static guint8
crc8 (const guint8 *data,
      gsize         len)
{
  guint8 crc = 0;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (guint b = 0; b < 8; b++)
        crc = (crc & 0x80) ? (guint8) ((crc << 1) ^ 0x07) : (guint8) (crc << 1);
    }
  return crc;
}

static guint64
encode_word (guint64 value)
{
  guint8 bytes[6];

  for (guint i = 0; i < 6; i++)
    bytes[i] = (guint8) (value >> (40 - 8 * i));
  return (guint64) SYNC_BYTE << 56 | (value & G_GUINT64_CONSTANT (0xffffffffffff)) << 8 | crc8 (bytes, 6);
}

static gboolean
decode_word (guint64  word,
             guint64 *value)
{
  guint64 v = (word >> 8) & G_GUINT64_CONSTANT (0xffffffffffff);
  guint8 bytes[6];

  if ((word >> 56) != SYNC_BYTE)
    return FALSE;
  for (guint i = 0; i < 6; i++)
    bytes[i] = (guint8) (v >> (40 - 8 * i));
  if (crc8 (bytes, 6) != (guint8) (word & 0xff))
    return FALSE;
  *value = v;
  return TRUE;
}

/* Block i spans [x0, x1) × [y0, y1); edges are proportional to the width. */
static void
block_rect (guint  width,
            guint  bit,
            guint *x0,
            guint *x1,
            guint *y0,
            guint *y1)
{
  guint col = bit % TC_GLASS_CLOCK_COLUMNS;
  guint row = bit / TC_GLASS_CLOCK_COLUMNS;

  *x0 = col * width / TC_GLASS_CLOCK_COLUMNS;
  *x1 = (col + 1) * width / TC_GLASS_CLOCK_COLUMNS;
  *y0 = row * width / TC_GLASS_CLOCK_COLUMNS;
  *y1 = (row + 1) * width / TC_GLASS_CLOCK_COLUMNS;
}

static gboolean
fits (guint width,
      guint height)
{
  return width >= TC_GLASS_CLOCK_MIN_WIDTH && ROWS * width / TC_GLASS_CLOCK_COLUMNS <= height;
}

gboolean
tc_glass_clock_write_luma (guint8  *luma,
                           gsize    stride,
                           guint    width,
                           guint    height,
                           guint64  value)
{
  guint64 word = encode_word (value);

  if (!fits (width, height))
    return FALSE;
  for (guint bit = 0; bit < TC_GLASS_CLOCK_BITS; bit++)
    {
      guint8 level = (word >> (TC_GLASS_CLOCK_BITS - 1 - bit)) & 1 ? WHITE : BLACK;
      guint x0, x1, y0, y1;

      block_rect (width, bit, &x0, &x1, &y0, &y1);
      for (guint y = y0; y < y1; y++)
        memset (luma + y * stride + x0, level, x1 - x0);
    }
  return TRUE;
}

/* Mean luma over the centre half of one block, via @sample(x, y). */
typedef guint (*SampleFunc) (gconstpointer data, guint x, guint y);

static gboolean
read_word (SampleFunc     sample,
           gconstpointer  data,
           guint          width,
           guint          height,
           guint64       *value)
{
  guint64 word = 0;

  if (!fits (width, height))
    return FALSE;
  for (guint bit = 0; bit < TC_GLASS_CLOCK_BITS; bit++)
    {
      guint x0, x1, y0, y1, qx, qy;
      guint sum = 0, n = 0;

      block_rect (width, bit, &x0, &x1, &y0, &y1);
      qx = (x1 - x0) / 4;
      qy = (y1 - y0) / 4;
      for (guint y = y0 + qy; y < y1 - qy; y++)
        for (guint x = x0 + qx; x < x1 - qx; x++, n++)
          sum += sample (data, x, y);
      word = word << 1 | (n > 0 && sum / n >= (WHITE + BLACK) / 2);
    }
  return decode_word (word, value);
}

typedef struct {
  const guint8 *luma;
  gsize         stride;
} LumaPlane;

static guint
sample_luma (gconstpointer data,
             guint         x,
             guint         y)
{
  const LumaPlane *p = data;

  return p->luma[y * p->stride + x];
}

gboolean
tc_glass_clock_read_luma (const guint8 *luma,
                          gsize         stride,
                          guint         width,
                          guint         height,
                          guint64      *value)
{
  LumaPlane plane = { luma, stride };

  return read_word (sample_luma, &plane, width, height, value);
}

static gboolean
is_yuv8 (const GstVideoFormatInfo *finfo)
{
  return GST_VIDEO_FORMAT_INFO_IS_YUV (finfo) && GST_VIDEO_FORMAT_INFO_DEPTH (finfo, 0) == 8 &&
         GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, 0) == 1;
}

static gboolean
is_rgb8 (const GstVideoFormatInfo *finfo)
{
  return GST_VIDEO_FORMAT_INFO_IS_RGB (finfo) && GST_VIDEO_FORMAT_INFO_DEPTH (finfo, 0) == 8 &&
         GST_VIDEO_FORMAT_INFO_N_PLANES (finfo) == 1 && GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, 0) >= 3;
}

gboolean
tc_glass_clock_stamp_frame (GstVideoFrame *frame,
                            guint64        value)
{
  const GstVideoFormatInfo *finfo = frame->info.finfo;
  guint width = GST_VIDEO_FRAME_WIDTH (frame);
  guint height = GST_VIDEO_FRAME_HEIGHT (frame);
  guint band = ROWS * width / TC_GLASS_CLOCK_COLUMNS;

  if (!fits (width, height))
    return FALSE;
  if (is_yuv8 (finfo))
    {
      if (!tc_glass_clock_write_luma (GST_VIDEO_FRAME_COMP_DATA (frame, 0), GST_VIDEO_FRAME_COMP_STRIDE (frame, 0),
                                      width, height, value))
        return FALSE;
      /* Neutral chroma under the band: pure black and white survive the encoder best. */
      for (guint c = 1; c < GST_VIDEO_FRAME_N_COMPONENTS (frame) && c < 3; c++)
        {
          guint8 *data = GST_VIDEO_FRAME_COMP_DATA (frame, c);
          gint stride = GST_VIDEO_FRAME_COMP_STRIDE (frame, c);
          gint pstride = GST_VIDEO_FRAME_COMP_PSTRIDE (frame, c);
          guint cw = GST_VIDEO_FORMAT_INFO_SCALE_WIDTH (finfo, c, width);
          guint ch = GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (finfo, c, band);

          for (guint y = 0; y < ch; y++)
            for (guint x = 0; x < cw; x++)
              data[y * stride + x * pstride] = 128;
        }
      return TRUE;
    }
  if (is_rgb8 (finfo))
    {
      guint64 word = encode_word (value);

      for (guint bit = 0; bit < TC_GLASS_CLOCK_BITS; bit++)
        {
          guint8 level = (word >> (TC_GLASS_CLOCK_BITS - 1 - bit)) & 1 ? 255 : 0;
          guint x0, x1, y0, y1;

          block_rect (width, bit, &x0, &x1, &y0, &y1);
          for (guint c = 0; c < 3; c++)
            {
              guint8 *data = GST_VIDEO_FRAME_COMP_DATA (frame, c);
              gint stride = GST_VIDEO_FRAME_COMP_STRIDE (frame, c);
              gint pstride = GST_VIDEO_FRAME_COMP_PSTRIDE (frame, c);

              for (guint y = y0; y < y1; y++)
                for (guint x = x0; x < x1; x++)
                  data[y * stride + x * pstride] = level;
            }
        }
      return TRUE;
    }
  return FALSE;
}

typedef struct {
  const guint8 *comp[3];
  gint          stride;
  gint          pstride;
} RgbPlane;

static guint
sample_rgb (gconstpointer data,
            guint         x,
            guint         y)
{
  const RgbPlane *p = data;
  gsize off = (gsize) y * p->stride + (gsize) x * p->pstride;

  /* Grey blocks: the mean of the three channels is luma enough. */
  return ((guint) p->comp[0][off] + p->comp[1][off] + p->comp[2][off]) / 3;
}

gboolean
tc_glass_clock_read_frame (GstVideoFrame *frame,
                           guint64       *value)
{
  const GstVideoFormatInfo *finfo = frame->info.finfo;
  guint width = GST_VIDEO_FRAME_WIDTH (frame);
  guint height = GST_VIDEO_FRAME_HEIGHT (frame);

  if (is_yuv8 (finfo))
    return tc_glass_clock_read_luma (GST_VIDEO_FRAME_COMP_DATA (frame, 0), GST_VIDEO_FRAME_COMP_STRIDE (frame, 0),
                                     width, height, value);
  if (is_rgb8 (finfo))
    {
      RgbPlane plane = {
        { GST_VIDEO_FRAME_COMP_DATA (frame, 0), GST_VIDEO_FRAME_COMP_DATA (frame, 1),
          GST_VIDEO_FRAME_COMP_DATA (frame, 2) },
        GST_VIDEO_FRAME_COMP_STRIDE (frame, 0), GST_VIDEO_FRAME_COMP_PSTRIDE (frame, 0),
      };

      return read_word (sample_rgb, &plane, width, height, value);
    }
  return FALSE;
}

gboolean
tc_glass_clock_read_buffer (GstBuffer *buffer,
                            GstCaps   *caps,
                            guint64   *value)
{
  GstVideoInfo vinfo;
  GstVideoFrame frame;
  gboolean ok;

  if (caps == NULL || !gst_video_info_from_caps (&vinfo, caps) ||
      !gst_video_frame_map (&frame, &vinfo, buffer, GST_MAP_READ))
    return FALSE;
  ok = tc_glass_clock_read_frame (&frame, value);
  gst_video_frame_unmap (&frame);
  return ok;
}

static gboolean
pad_video_info (GstPad        *pad,
                GstVideoInfo  *info)
{
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);

  return caps != NULL && gst_video_info_from_caps (info, caps);
}

static GstPadProbeReturn
stamp_probe (GstPad          *pad,
             GstPadProbeInfo *info,
             gpointer         user_data)
{
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstVideoInfo vinfo;
  GstVideoFrame frame;

  if (buffer == NULL || !pad_video_info (pad, &vinfo))
    return GST_PAD_PROBE_OK;
  buffer = gst_buffer_make_writable (buffer);
  GST_PAD_PROBE_INFO_DATA (info) = buffer;
  if (gst_video_frame_map (&frame, &vinfo, buffer, GST_MAP_READWRITE))
    {
      tc_glass_clock_stamp_frame (&frame, (guint64) g_get_monotonic_time ());
      gst_video_frame_unmap (&frame);
    }
  return GST_PAD_PROBE_OK;
}

gulong
tc_glass_clock_add_stamper (GstPad *pad)
{
  return gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, stamp_probe, NULL, NULL);
}

typedef struct {
  TcGlassClockFunc func;
  gpointer         user_data;
  GDestroyNotify   destroy;
} Reader;

static void
reader_free (gpointer data)
{
  Reader *reader = data;

  if (reader->destroy != NULL)
    reader->destroy (reader->user_data);
  g_free (reader);
}

static GstPadProbeReturn
read_probe (GstPad          *pad,
            GstPadProbeInfo *info,
            gpointer         user_data)
{
  Reader *reader = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstVideoInfo vinfo;
  GstVideoFrame frame;
  guint64 stamp;
  gboolean ok;

  if (buffer == NULL || !pad_video_info (pad, &vinfo) ||
      !gst_video_frame_map (&frame, &vinfo, buffer, GST_MAP_READ))
    return GST_PAD_PROBE_OK;
  ok = tc_glass_clock_read_frame (&frame, &stamp);
  gst_video_frame_unmap (&frame);
  if (ok)
    reader->func (g_get_monotonic_time () - (gint64) stamp, reader->user_data);
  return GST_PAD_PROBE_OK;
}

gulong
tc_glass_clock_add_reader (GstPad          *pad,
                           TcGlassClockFunc func,
                           gpointer         user_data,
                           GDestroyNotify   destroy)
{
  Reader *reader = g_new0 (Reader, 1);

  reader->func = func;
  reader->user_data = user_data;
  reader->destroy = destroy;
  return gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, read_probe, reader, reader_free);
}
