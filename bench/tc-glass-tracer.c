/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A GStreamer tracer ("tcglass") that adds the glass-to-glass clock to any pipeline
 * without touching its code, so tc-bench-call measures teleconsult-cli as shipped:
 *
 *   GST_PLUGIN_PATH=<build>/bench GST_TRACERS=tcglass TC_GLASS_LOG=/tmp/x teleconsult-cli …
 *
 * - every buffer a videotestsrc pushes gets the capture time stamped into its pixels
 *   (tc-glass-clock blocks, CLOCK_MONOTONIC µs);
 * - every raw video buffer pushed into a sink element that is downstream of a decoder
 *   (remote video, not the local preview) is read once the sink has taken it (after
 *   its clock wait: the frame is being shown), and "now latency" (both µs, monotonic) is
 *   appended, one frame per line, to $TC_GLASS_LOG.<pid>.
 * Tracers hook pad pushes in the streaming threads; everything here is per pad or
 * under a lock. */
#define G_LOG_DOMAIN "tc-glass-tracer"
/* GST_PLUGIN_DEFINE names the package. */
#define PACKAGE "teleconsult"

#include <gst/gst.h>
#include <gst/video/video.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tc-glass-clock.h"

#define TC_TYPE_GLASS_TRACER (tc_glass_tracer_get_type ())
G_DECLARE_FINAL_TYPE (TcGlassTracer, tc_glass_tracer, TC, GLASS_TRACER, GstTracer)

struct _TcGlassTracer {
  GstTracer parent_instance;
  GMutex    lock;
  FILE     *log;
};

G_DEFINE_TYPE (TcGlassTracer, tc_glass_tracer, GST_TYPE_TRACER)

/* Per-pad role, cached: 1 stamp, 2 read, 3 nothing. */
static GQuark role_quark;
static GQuark stamp_quark;

enum { ROLE_UNKNOWN, ROLE_STAMP, ROLE_READ, ROLE_NONE };

/* The src pad feeding @sinkpad, through ghost and proxy pads; a new ref or NULL. */
static GstPad *
upstream_src (GstPad *sinkpad)
{
  GstPad *pad = gst_pad_get_peer (sinkpad);

  for (guint hops = 0; pad != NULL && hops < 16; hops++)
    {
      GstObject *parent = gst_pad_get_parent (pad);

      if (GST_IS_GHOST_PAD (pad))
        {
          /* A bin's src ghost pad: go inside. */
          GstPad *target = gst_ghost_pad_get_target (GST_GHOST_PAD (pad));

          gst_clear_object (&parent);
          gst_object_unref (pad);
          pad = target;
        }
      else if (parent != NULL && GST_IS_GHOST_PAD (parent))
        {
          /* The inner side of a bin's sink ghost pad: continue outside. */
          GstPad *outer = gst_pad_get_peer (GST_PAD (parent));

          gst_object_unref (parent);
          gst_object_unref (pad);
          pad = outer;
        }
      else
        {
          gst_clear_object (&parent);
          return pad;
        }
    }
  gst_clear_object (&pad);
  return NULL;
}

static gboolean
is_decoder (GstElement *element)
{
  GstElementFactory *factory = gst_element_get_factory (element);
  const char *klass = factory ? gst_element_factory_get_metadata (factory, GST_ELEMENT_METADATA_KLASS) : NULL;

  return klass != NULL && strstr (klass, "Decoder") != NULL;
}

/* Walks upstream from @src (a src pad) through single-input elements. */
static gboolean
downstream_of_decoder (GstPad *src)
{
  GstPad *pad = gst_object_ref (src);
  gboolean found = FALSE;

  for (guint hops = 0; pad != NULL && hops < 32 && !found; hops++)
    {
      GstObject *parent = gst_pad_get_parent (pad);
      GstPad *next = NULL;

      if (parent != NULL && GST_IS_ELEMENT (parent))
        {
          GstElement *element = GST_ELEMENT (parent);

          if (is_decoder (element))
            found = TRUE;
          else if (element->sinkpads != NULL)
            {
              GstPad *sinkpad;

              GST_OBJECT_LOCK (element);
              sinkpad = element->sinkpads ? gst_object_ref (element->sinkpads->data) : NULL;
              GST_OBJECT_UNLOCK (element);
              if (sinkpad != NULL)
                {
                  next = upstream_src (sinkpad);
                  gst_object_unref (sinkpad);
                }
            }
        }
      gst_clear_object (&parent);
      gst_object_unref (pad);
      pad = next;
    }
  gst_clear_object (&pad);
  return found;
}

static int
pad_role (GstPad *pad)
{
  int role = GPOINTER_TO_INT (g_object_get_qdata (G_OBJECT (pad), role_quark));
  GstObject *parent;
  GstPad *peer;

  if (role != ROLE_UNKNOWN)
    return role;
  role = ROLE_NONE;
  parent = gst_pad_get_parent (pad);
  if (parent != NULL && GST_IS_ELEMENT (parent))
    {
      GstElementFactory *factory = gst_element_get_factory (GST_ELEMENT (parent));

      if (factory != NULL && g_strcmp0 (GST_OBJECT_NAME (factory), "videotestsrc") == 0)
        role = ROLE_STAMP;
    }
  gst_clear_object (&parent);
  if (role == ROLE_NONE && (peer = gst_pad_get_peer (pad)) != NULL)
    {
      GstObject *sink = gst_pad_get_parent (peer);

      if (sink != NULL && GST_IS_ELEMENT (sink) && GST_OBJECT_FLAG_IS_SET (sink, GST_ELEMENT_FLAG_SINK) &&
          downstream_of_decoder (pad))
        role = ROLE_READ;
      gst_clear_object (&sink);
      gst_object_unref (peer);
    }
  g_object_set_qdata (G_OBJECT (pad), role_quark, GINT_TO_POINTER (role));
  return role;
}

static gboolean
video_info (GstPad       *pad,
            GstVideoInfo *info)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);
  gboolean ok = caps != NULL && gst_video_info_from_caps (info, caps);

  gst_clear_caps (&caps);
  return ok;
}

static void
on_push_pre (GObject      *self,
             GstClockTime  ts,
             GstPad       *pad,
             GstBuffer    *buffer)
{
  int role = pad_role (pad);
  GstVideoInfo info;
  GstVideoFrame frame;

  if (role == ROLE_NONE || !video_info (pad, &info))
    return;
  if (role == ROLE_STAMP)
    {
      /* Fresh source buffers are ours alone; a shared one is left untouched. */
      if (gst_buffer_is_writable (buffer) && gst_video_frame_map (&frame, &info, buffer, GST_MAP_READWRITE))
        {
          tc_glass_clock_stamp_frame (&frame, (guint64) g_get_monotonic_time ());
          gst_video_frame_unmap (&frame);
        }
      return;
    }
  if (gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ))
    {
      guint64 stamp;

      if (tc_glass_clock_read_frame (&frame, &stamp))
        g_object_set_qdata (G_OBJECT (pad), stamp_quark, GSIZE_TO_POINTER ((gsize) stamp));
      gst_video_frame_unmap (&frame);
    }
}

/* The push returned: a syncing sink has shown the frame. */
static void
on_push_post (GObject       *object,
              GstClockTime   ts,
              GstPad        *pad,
              GstFlowReturn  result)
{
  TcGlassTracer *self = TC_GLASS_TRACER (object);
  gsize stamp = GPOINTER_TO_SIZE (g_object_steal_qdata (G_OBJECT (pad), stamp_quark));

  if (stamp == 0 || result != GST_FLOW_OK)
    return;
  g_mutex_lock (&self->lock);
  if (self->log != NULL)
    {
      gint64 now = g_get_monotonic_time ();

      fprintf (self->log, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", now, now - (gint64) stamp);
      fflush (self->log);
    }
  g_mutex_unlock (&self->lock);
}

static void
tc_glass_tracer_finalize (GObject *object)
{
  TcGlassTracer *self = TC_GLASS_TRACER (object);

  if (self->log != NULL)
    fclose (self->log);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (tc_glass_tracer_parent_class)->finalize (object);
}

static void
tc_glass_tracer_class_init (TcGlassTracerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tc_glass_tracer_finalize;
  role_quark = g_quark_from_static_string ("tc-glass-role");
  stamp_quark = g_quark_from_static_string ("tc-glass-stamp");
}

static void
tc_glass_tracer_init (TcGlassTracer *self)
{
  const char *prefix = g_getenv ("TC_GLASS_LOG");

  g_mutex_init (&self->lock);
  if (prefix != NULL)
    {
      g_autofree char *path = g_strdup_printf ("%s.%d", prefix, (int) getpid ());

      self->log = fopen (path, "a");
    }
  gst_tracing_register_hook (GST_TRACER (self), "pad-push-pre", G_CALLBACK (on_push_pre));
  gst_tracing_register_hook (GST_TRACER (self), "pad-push-post", G_CALLBACK (on_push_post));
}

static gboolean
plugin_init (GstPlugin *plugin)
{
  return gst_tracer_register (plugin, "tcglass", TC_TYPE_GLASS_TRACER);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, tcglass,
                   "Glass-to-glass clock for Teleconsult benchmarks", plugin_init, "0.1.0", "GPL",
                   "teleconsult", "https://github.com/teleconsult")
