/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-video-paintable"

#include "config.h"

#include "tc-video-paintable.h"

#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

/* One mapped frame, made in the streaming thread and consumed on the main
 * context. The GBytes owns the mapping: its free function unmaps the frame. */
typedef struct {
  GBytes          *bytes;
  int              width;
  int              height;
  gsize            stride;
  GdkMemoryFormat  format;
  double           pixel_aspect;  /* par_n / par_d */
} PendingFrame;

enum {
  PROP_0,
  PROP_FRAME_COUNT,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

struct _TcVideoPaintable {
  GObject       parent_instance;

  GMainContext *context;        /* where textures are made and signals emitted */

  GMutex        lock;           /* guards pending and idle_scheduled */
  PendingFrame *pending;
  gboolean      idle_scheduled;

  GdkTexture   *texture;
  double        pixel_aspect;
  guint64       frame_count;
};

static void tc_video_paintable_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TcVideoPaintable, tc_video_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      tc_video_paintable_paintable_init))

static void
pending_frame_free (PendingFrame *frame)
{
  g_clear_pointer (&frame->bytes, g_bytes_unref);
  g_free (frame);
}

/* ---- GdkPaintable ------------------------------------------------------ */

static void
tc_video_paintable_snapshot (GdkPaintable *paintable,
                             GdkSnapshot  *snapshot,
                             double        width,
                             double        height)
{
  TcVideoPaintable *self = TC_VIDEO_PAINTABLE (paintable);

  if (self->texture == NULL)
    return;

  gtk_snapshot_append_texture (GTK_SNAPSHOT (snapshot), self->texture,
                               &GRAPHENE_RECT_INIT (0, 0, width, height));
}

static GdkPaintable *
tc_video_paintable_get_current_image (GdkPaintable *paintable)
{
  TcVideoPaintable *self = TC_VIDEO_PAINTABLE (paintable);

  if (self->texture != NULL)
    return GDK_PAINTABLE (g_object_ref (self->texture));

  return gdk_paintable_new_empty (0, 0);
}

static int
tc_video_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  TcVideoPaintable *self = TC_VIDEO_PAINTABLE (paintable);

  if (self->texture == NULL)
    return 0;

  return (int) (gdk_texture_get_width (self->texture) * self->pixel_aspect + 0.5);
}

static int
tc_video_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  TcVideoPaintable *self = TC_VIDEO_PAINTABLE (paintable);

  if (self->texture == NULL)
    return 0;

  return gdk_texture_get_height (self->texture);
}

static double
tc_video_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  TcVideoPaintable *self = TC_VIDEO_PAINTABLE (paintable);
  int height;

  if (self->texture == NULL)
    return 0.0;

  height = gdk_texture_get_height (self->texture);
  if (height <= 0)
    return 0.0;

  return gdk_texture_get_width (self->texture) * self->pixel_aspect / height;
}

static void
tc_video_paintable_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = tc_video_paintable_snapshot;
  iface->get_current_image = tc_video_paintable_get_current_image;
  iface->get_intrinsic_width = tc_video_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = tc_video_paintable_get_intrinsic_height;
  iface->get_intrinsic_aspect_ratio = tc_video_paintable_get_intrinsic_aspect_ratio;
}

/* ---- main context side ------------------------------------------------- */

static void
set_texture (TcVideoPaintable *self,
             GdkTexture       *texture,
             double            pixel_aspect)
{
  gboolean size_changed;

  if (texture == NULL || self->texture == NULL)
    size_changed = texture != self->texture;
  else
    size_changed = gdk_texture_get_width (texture) != gdk_texture_get_width (self->texture) ||
                   gdk_texture_get_height (texture) != gdk_texture_get_height (self->texture) ||
                   pixel_aspect != self->pixel_aspect;

  g_set_object (&self->texture, texture);
  self->pixel_aspect = pixel_aspect;

  if (size_changed)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

static gboolean
show_pending_frame (gpointer user_data)
{
  TcVideoPaintable *self = TC_VIDEO_PAINTABLE (user_data);
  PendingFrame *frame;
  g_autoptr(GdkTexture) texture = NULL;

  g_mutex_lock (&self->lock);
  frame = g_steal_pointer (&self->pending);
  self->idle_scheduled = FALSE;
  g_mutex_unlock (&self->lock);

  if (frame == NULL)
    return G_SOURCE_REMOVE;

  texture = gdk_memory_texture_new (frame->width, frame->height, frame->format,
                                    frame->bytes, frame->stride);
  set_texture (self, texture, frame->pixel_aspect);
  pending_frame_free (frame);

  self->frame_count++;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_FRAME_COUNT]);

  return G_SOURCE_REMOVE;
}

/* ---- streaming thread side --------------------------------------------- */

static void
unmap_frame (gpointer data)
{
  GstVideoFrame *vframe = data;

  gst_video_frame_unmap (vframe);
  g_free (vframe);
}

static PendingFrame *
pending_frame_from_sample (GstSample *sample)
{
  GstVideoInfo info;
  GstVideoFrame *vframe;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstCaps *caps = gst_sample_get_caps (sample);
  PendingFrame *frame;
  GdkMemoryFormat format;

  if (buffer == NULL || caps == NULL || !gst_video_info_from_caps (&info, caps))
    return NULL;

  /* Video is opaque (alpha is 255), so labelling it premultiplied is exact and
   * spares GTK a conversion on upload. */
  switch (GST_VIDEO_INFO_FORMAT (&info))
    {
    case GST_VIDEO_FORMAT_RGBA:
      format = GDK_MEMORY_R8G8B8A8_PREMULTIPLIED;
      break;
    case GST_VIDEO_FORMAT_BGRA:
      format = GDK_MEMORY_B8G8R8A8_PREMULTIPLIED;
      break;
    default:
      return NULL;
    }

  vframe = g_new0 (GstVideoFrame, 1);
  if (!gst_video_frame_map (vframe, &info, buffer, GST_MAP_READ))
    {
      g_free (vframe);
      return NULL;
    }

  frame = g_new0 (PendingFrame, 1);
  frame->width = GST_VIDEO_FRAME_WIDTH (vframe);
  frame->height = GST_VIDEO_FRAME_HEIGHT (vframe);
  frame->stride = GST_VIDEO_FRAME_PLANE_STRIDE (vframe, 0);
  frame->format = format;
  frame->pixel_aspect = (GST_VIDEO_INFO_PAR_N (&info) > 0 && GST_VIDEO_INFO_PAR_D (&info) > 0)
                        ? (double) GST_VIDEO_INFO_PAR_N (&info) / GST_VIDEO_INFO_PAR_D (&info)
                        : 1.0;
  /* Only the rows GTK reads: the last row need not be padded to the stride. */
  frame->bytes = g_bytes_new_with_free_func (GST_VIDEO_FRAME_PLANE_DATA (vframe, 0),
                                             frame->stride * (frame->height - 1) + frame->width * 4,
                                             unmap_frame, vframe);
  return frame;
}

static void
weak_ref_free (gpointer data)
{
  GWeakRef *ref = data;

  g_weak_ref_clear (ref);
  g_free (ref);
}

static GstFlowReturn
on_new_sample (GstAppSink *appsink,
               gpointer    user_data)
{
  g_autoptr(TcVideoPaintable) self = g_weak_ref_get (user_data);
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (appsink);
  PendingFrame *frame;
  PendingFrame *dropped = NULL;
  gboolean schedule = FALSE;

  if (sample == NULL)
    return GST_FLOW_EOS;
  if (self == NULL)
    return GST_FLOW_OK;  /* the window is gone; the pipeline will be stopped soon */

  frame = pending_frame_from_sample (sample);
  if (frame == NULL)
    return GST_FLOW_OK;

  g_mutex_lock (&self->lock);
  dropped = g_steal_pointer (&self->pending);
  self->pending = frame;
  if (!self->idle_scheduled)
    schedule = self->idle_scheduled = TRUE;
  g_mutex_unlock (&self->lock);

  if (dropped != NULL)
    pending_frame_free (dropped);

  if (schedule)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, show_pending_frame, g_object_ref (self), g_object_unref);
      g_source_set_static_name (source, "[tc] video frame");
      g_source_attach (source, self->context);
      g_source_unref (source);
    }

  return GST_FLOW_OK;
}

/* ---- GObject ----------------------------------------------------------- */

static void
tc_video_paintable_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TcVideoPaintable *self = TC_VIDEO_PAINTABLE (object);

  switch (prop_id)
    {
    case PROP_FRAME_COUNT:
      g_value_set_uint64 (value, self->frame_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_video_paintable_finalize (GObject *object)
{
  TcVideoPaintable *self = TC_VIDEO_PAINTABLE (object);

  g_clear_pointer (&self->pending, pending_frame_free);
  g_clear_object (&self->texture);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tc_video_paintable_parent_class)->finalize (object);
}

static void
tc_video_paintable_class_init (TcVideoPaintableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tc_video_paintable_get_property;
  object_class->finalize = tc_video_paintable_finalize;

  props[PROP_FRAME_COUNT] =
    g_param_spec_uint64 ("frame-count", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
tc_video_paintable_init (TcVideoPaintable *self)
{
  g_mutex_init (&self->lock);
  self->context = g_main_context_ref_thread_default ();
  self->pixel_aspect = 1.0;
}

TcVideoPaintable *
tc_video_paintable_new (void)
{
  return g_object_new (TC_TYPE_VIDEO_PAINTABLE, NULL);
}

GstElement *
tc_video_paintable_create_sink (TcVideoPaintable *self)
{
  GstElement *bin;
  GstElement *convert;
  GstElement *appsink;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstPad) pad = NULL;
  GstAppSinkCallbacks callbacks = { .new_sample = on_new_sample };
  GWeakRef *ref;

  g_return_val_if_fail (TC_IS_VIDEO_PAINTABLE (self), NULL);

  bin = gst_bin_new (NULL);
  convert = gst_element_factory_make ("videoconvert", NULL);
  appsink = gst_element_factory_make ("appsink", NULL);
  g_return_val_if_fail (convert != NULL && appsink != NULL, NULL);

  caps = gst_caps_from_string ("video/x-raw,format={BGRA,RGBA}");
  g_object_set (appsink,
                "caps", caps,
                "max-buffers", 1,
                "drop", TRUE,
                "enable-last-sample", FALSE,
                "qos", TRUE,
                /* Added to a running (live) call pipeline: waiting for preroll would
                 * make the whole pipeline lose its state and stall. */
                "async", FALSE,
                NULL);

  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  gst_app_sink_set_callbacks (GST_APP_SINK (appsink), &callbacks, ref, weak_ref_free);

  gst_bin_add_many (GST_BIN (bin), convert, appsink, NULL);
  gst_element_link (convert, appsink);

  pad = gst_element_get_static_pad (convert, "sink");
  gst_element_add_pad (bin, gst_ghost_pad_new ("sink", pad));

  return bin;
}

GdkTexture *
tc_video_paintable_get_texture (TcVideoPaintable *self)
{
  g_return_val_if_fail (TC_IS_VIDEO_PAINTABLE (self), NULL);

  return self->texture;
}

guint64
tc_video_paintable_get_frame_count (TcVideoPaintable *self)
{
  g_return_val_if_fail (TC_IS_VIDEO_PAINTABLE (self), 0);

  return self->frame_count;
}

void
tc_video_paintable_clear (TcVideoPaintable *self)
{
  g_return_if_fail (TC_IS_VIDEO_PAINTABLE (self));

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->pending, pending_frame_free);
  g_mutex_unlock (&self->lock);

  if (self->texture != NULL)
    set_texture (self, NULL, 1.0);
}
