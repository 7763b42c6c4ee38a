/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Glass-to-glass clock: the sender writes the capture time (CLOCK_MONOTONIC, µs; both
 * peers on one machine share it) into the top rows of each raw frame as black and white
 * blocks; the receiver reads them back after decoding and subtracts from its own clock.
 *
 * Layout, proportional to the frame width so a scaled frame still reads: 40 blocks per
 * row, each width/40 pixels square, 64 bits in two rows: 8 sync bits (0xB4), the time
 * in 48 bits (most significant first), a CRC-8 of those 6 bytes. Bit 1 = white. The
 * reader averages the centre half of each block and thresholds at mid-grey, so VP8's
 * ringing around the edges does not matter. */
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

#define TC_GLASS_CLOCK_COLUMNS 40
#define TC_GLASS_CLOCK_BITS    64
/* Narrowest frame that can carry a stamp (blocks of 4 px). */
#define TC_GLASS_CLOCK_MIN_WIDTH (TC_GLASS_CLOCK_COLUMNS * 4)

/* On an 8-bit luma plane. Return FALSE when the frame is too small (write) or carries
 * no valid stamp (read). */
gboolean tc_glass_clock_write_luma  (guint8        *luma,
                                     gsize          stride,
                                     guint          width,
                                     guint          height,
                                     guint64        value);
gboolean tc_glass_clock_read_luma   (const guint8  *luma,
                                     gsize          stride,
                                     guint          width,
                                     guint          height,
                                     guint64       *value);

/* On a mapped frame: 8-bit YUV formats (luma written, chroma neutral under the blocks)
 * and 8-bit packed RGB(A). FALSE for other formats. */
gboolean tc_glass_clock_stamp_frame (GstVideoFrame *frame,
                                     guint64        value);
gboolean tc_glass_clock_read_frame  (GstVideoFrame *frame,
                                     guint64       *value);

/* On a buffer with its caps (e.g. in a fakesink "handoff", after clock sync). */
gboolean tc_glass_clock_read_buffer (GstBuffer     *buffer,
                                     GstCaps       *caps,
                                     guint64       *value);

/* Stamps g_get_monotonic_time() into every raw video buffer crossing @pad. */
gulong   tc_glass_clock_add_stamper (GstPad        *pad);

/* Called from the streaming thread for each decoded frame that carries a stamp. */
typedef void (*TcGlassClockFunc) (gint64   latency_us,
                                  gpointer user_data);
/* Reads the stamp of every raw video buffer crossing @pad and reports now − stamp. */
gulong   tc_glass_clock_add_reader  (GstPad          *pad,
                                     TcGlassClockFunc func,
                                     gpointer         user_data,
                                     GDestroyNotify   destroy);

G_END_DECLS
