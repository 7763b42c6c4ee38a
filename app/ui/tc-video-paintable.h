/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcVideoPaintable: a GdkPaintable fed by a GStreamer appsink (Debian 12 has no
 * gtk4paintablesink). Frames are mapped in the streaming thread and become
 * textures on the main context; only the newest frame is kept. */
#pragma once

#include <gst/gst.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TC_TYPE_VIDEO_PAINTABLE (tc_video_paintable_get_type ())
G_DECLARE_FINAL_TYPE (TcVideoPaintable, tc_video_paintable, TC, VIDEO_PAINTABLE, GObject)

TcVideoPaintable *tc_video_paintable_new            (void);

/* A new sink bin (videoconvert ! appsink, RGBA/BGRA, max-buffers=1 drop=true)
 * whose frames this paintable shows. Floating reference, ready to be returned
 * from a TcVideoSinkFunc or added to a pipeline. Each call makes a new bin (a
 * call rebuilt after a network loss needs a fresh one); frames from any of
 * them are shown. The paintable may be disposed before the pipeline stops. */
GstElement       *tc_video_paintable_create_sink    (TcVideoPaintable *self);

/* The newest frame, or NULL before the first one (or after clear). */
GdkTexture       *tc_video_paintable_get_texture    (TcVideoPaintable *self);
/* Frames shown so far (counted on the main context). */
guint64           tc_video_paintable_get_frame_count (TcVideoPaintable *self);
/* Forgets the current frame (e.g. when a call ends): the paintable paints nothing. */
void              tc_video_paintable_clear          (TcVideoPaintable *self);

G_END_DECLS
