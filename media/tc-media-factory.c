/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one place that creates sources and sinks, so that tests and the headless client swap
 * cameras for test patterns by configuration, never by #ifdef. */
#define G_LOG_DOMAIN "tc-media"

#include "tc-media-factory.h"
#include "tc-media-error.h"

struct _TcMediaFactory
{
  GObject parent_instance;

  TcMediaMode mode;
  guint width;
  guint height;
  guint framerate;
  gboolean voice_processing;
  gboolean clock_overlay;
  char *camera_device;

  TcVideoSinkFunc video_sink_func;
  gpointer video_sink_data;
  GDestroyNotify video_sink_destroy;
  TcAudioSinkFunc audio_sink_func;
  gpointer audio_sink_data;
  GDestroyNotify audio_sink_destroy;

  gboolean warned_no_dsp;
};

G_DEFINE_TYPE (TcMediaFactory, tc_media_factory, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (TcMediaMode, tc_media_mode,
  G_DEFINE_ENUM_VALUE (TC_MEDIA_MODE_REAL, "real"),
  G_DEFINE_ENUM_VALUE (TC_MEDIA_MODE_TEST, "test"))

G_DEFINE_ENUM_TYPE (TcSourceKind, tc_source_kind,
  G_DEFINE_ENUM_VALUE (TC_SOURCE_FACE_CAMERA, "face-camera"),
  G_DEFINE_ENUM_VALUE (TC_SOURCE_EXAM_CAMERA, "exam-camera"),
  G_DEFINE_ENUM_VALUE (TC_SOURCE_VOICE_MIC, "voice-mic"),
  G_DEFINE_ENUM_VALUE (TC_SOURCE_STETHOSCOPE, "stethoscope"))

G_DEFINE_ENUM_TYPE (TcVideoSinkRole, tc_video_sink_role,
  G_DEFINE_ENUM_VALUE (TC_VIDEO_SINK_ROLE_LOCAL_PREVIEW, "local-preview"),
  G_DEFINE_ENUM_VALUE (TC_VIDEO_SINK_ROLE_REMOTE, "remote"),
  G_DEFINE_ENUM_VALUE (TC_VIDEO_SINK_ROLE_EXAM_PREVIEW, "exam-preview"),
  G_DEFINE_ENUM_VALUE (TC_VIDEO_SINK_ROLE_REMOTE_EXAM, "remote-exam"))

enum {
  PROP_0,
  PROP_MODE,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_FRAMERATE,
  PROP_VOICE_PROCESSING,
  PROP_CLOCK_OVERLAY,
  PROP_CAMERA_DEVICE,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static void
tc_media_factory_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TcMediaFactory *self = TC_MEDIA_FACTORY (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_WIDTH:
      g_value_set_uint (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_uint (value, self->height);
      break;
    case PROP_FRAMERATE:
      g_value_set_uint (value, self->framerate);
      break;
    case PROP_VOICE_PROCESSING:
      g_value_set_boolean (value, self->voice_processing);
      break;
    case PROP_CLOCK_OVERLAY:
      g_value_set_boolean (value, self->clock_overlay);
      break;
    case PROP_CAMERA_DEVICE:
      g_value_set_string (value, self->camera_device);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_media_factory_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TcMediaFactory *self = TC_MEDIA_FACTORY (object);

  switch (prop_id)
    {
    case PROP_MODE:
      tc_media_factory_set_mode (self, g_value_get_enum (value));
      break;
    case PROP_WIDTH:
      tc_media_factory_set_resolution (self, g_value_get_uint (value), self->height);
      break;
    case PROP_HEIGHT:
      tc_media_factory_set_resolution (self, self->width, g_value_get_uint (value));
      break;
    case PROP_FRAMERATE:
      tc_media_factory_set_framerate (self, g_value_get_uint (value));
      break;
    case PROP_VOICE_PROCESSING:
      tc_media_factory_set_voice_processing (self, g_value_get_boolean (value));
      break;
    case PROP_CLOCK_OVERLAY:
      if (self->clock_overlay != g_value_get_boolean (value))
        {
          self->clock_overlay = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_CAMERA_DEVICE:
      if (g_strcmp0 (self->camera_device, g_value_get_string (value)) != 0)
        {
          g_free (self->camera_device);
          self->camera_device = g_value_dup_string (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_media_factory_finalize (GObject *object)
{
  TcMediaFactory *self = TC_MEDIA_FACTORY (object);

  if (self->video_sink_destroy)
    self->video_sink_destroy (self->video_sink_data);
  if (self->audio_sink_destroy)
    self->audio_sink_destroy (self->audio_sink_data);
  g_free (self->camera_device);

  G_OBJECT_CLASS (tc_media_factory_parent_class)->finalize (object);
}

static void
tc_media_factory_class_init (TcMediaFactoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tc_media_factory_get_property;
  object_class->set_property = tc_media_factory_set_property;
  object_class->finalize = tc_media_factory_finalize;

  props[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, TC_TYPE_MEDIA_MODE, TC_MEDIA_MODE_REAL,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_WIDTH] =
    g_param_spec_uint ("width", NULL, NULL, 16, 4096, 640,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_HEIGHT] =
    g_param_spec_uint ("height", NULL, NULL, 16, 4096, 480,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_FRAMERATE] =
    g_param_spec_uint ("framerate", NULL, NULL, 1, 60, 30,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_VOICE_PROCESSING] =
    g_param_spec_boolean ("voice-processing", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_CLOCK_OVERLAY] =
    g_param_spec_boolean ("clock-overlay", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* A V4L2 device node (/dev/video0) for the face camera; NULL: autovideosrc picks one. */
  props[PROP_CAMERA_DEVICE] =
    g_param_spec_string ("camera-device", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
tc_media_factory_init (TcMediaFactory *self)
{
  const char *env = g_getenv ("TC_MEDIA_SOURCES");

  self->mode = (env != NULL && g_strcmp0 (env, "test") == 0) ? TC_MEDIA_MODE_TEST : TC_MEDIA_MODE_REAL;
  self->width = 640;
  self->height = 480;
  self->framerate = 30;
  self->voice_processing = TRUE;
}

TcMediaFactory *
tc_media_factory_new (void)
{
  return g_object_new (TC_TYPE_MEDIA_FACTORY, NULL);
}

TcMediaFactory *
tc_media_factory_new_with_mode (TcMediaMode mode)
{
  return g_object_new (TC_TYPE_MEDIA_FACTORY, "mode", mode, NULL);
}

TcMediaMode
tc_media_factory_get_mode (TcMediaFactory *self)
{
  g_return_val_if_fail (TC_IS_MEDIA_FACTORY (self), TC_MEDIA_MODE_REAL);
  return self->mode;
}

void
tc_media_factory_set_mode (TcMediaFactory *self,
                           TcMediaMode     mode)
{
  g_return_if_fail (TC_IS_MEDIA_FACTORY (self));

  if (self->mode == mode)
    return;
  self->mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MODE]);
}

void
tc_media_factory_set_resolution (TcMediaFactory *self,
                                 guint           width,
                                 guint           height)
{
  g_return_if_fail (TC_IS_MEDIA_FACTORY (self));
  g_return_if_fail (width >= 16 && height >= 16 && width <= 4096 && height <= 4096);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->width != width)
    {
      self->width = width;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_WIDTH]);
    }
  if (self->height != height)
    {
      self->height = height;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_HEIGHT]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

guint
tc_media_factory_get_width (TcMediaFactory *self)
{
  g_return_val_if_fail (TC_IS_MEDIA_FACTORY (self), 0);
  return self->width;
}

guint
tc_media_factory_get_height (TcMediaFactory *self)
{
  g_return_val_if_fail (TC_IS_MEDIA_FACTORY (self), 0);
  return self->height;
}

guint
tc_media_factory_get_framerate (TcMediaFactory *self)
{
  g_return_val_if_fail (TC_IS_MEDIA_FACTORY (self), 0);
  return self->framerate;
}

void
tc_media_factory_set_framerate (TcMediaFactory *self,
                                guint           fps)
{
  g_return_if_fail (TC_IS_MEDIA_FACTORY (self));
  g_return_if_fail (fps >= 1 && fps <= 60);

  if (self->framerate == fps)
    return;
  self->framerate = fps;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_FRAMERATE]);
}

gboolean
tc_media_factory_get_voice_processing (TcMediaFactory *self)
{
  g_return_val_if_fail (TC_IS_MEDIA_FACTORY (self), FALSE);
  return self->voice_processing;
}

void
tc_media_factory_set_voice_processing (TcMediaFactory *self,
                                       gboolean        enabled)
{
  g_return_if_fail (TC_IS_MEDIA_FACTORY (self));

  enabled = !!enabled;
  if (self->voice_processing == enabled)
    return;
  self->voice_processing = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_VOICE_PROCESSING]);
}

void
tc_media_factory_set_video_sink_func (TcMediaFactory  *self,
                                      TcVideoSinkFunc  func,
                                      gpointer         data,
                                      GDestroyNotify   destroy)
{
  g_return_if_fail (TC_IS_MEDIA_FACTORY (self));

  if (self->video_sink_destroy)
    self->video_sink_destroy (self->video_sink_data);
  self->video_sink_func = func;
  self->video_sink_data = data;
  self->video_sink_destroy = destroy;
}

void
tc_media_factory_set_audio_sink_func (TcMediaFactory  *self,
                                      TcAudioSinkFunc  func,
                                      gpointer         data,
                                      GDestroyNotify   destroy)
{
  g_return_if_fail (TC_IS_MEDIA_FACTORY (self));

  if (self->audio_sink_destroy)
    self->audio_sink_destroy (self->audio_sink_data);
  self->audio_sink_func = func;
  self->audio_sink_data = data;
  self->audio_sink_destroy = destroy;
}

gboolean
tc_media_factory_has_element (const char *factory_name)
{
  g_autoptr(GstElementFactory) factory = NULL;

  g_return_val_if_fail (factory_name != NULL, FALSE);

  factory = gst_element_factory_find (factory_name);
  return factory != NULL;
}

static GstElement *
make_element (const char  *factory_name,
              GError     **error)
{
  GstElement *element = gst_element_factory_make (factory_name, NULL);

  if (element == NULL)
    g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_MISSING_ELEMENT,
                 "The GStreamer element “%s” is not installed", factory_name);
  return element;
}

/* Puts @elements (NULL-terminated, floating) in a new bin, links them in order, and ghosts
 * the last one's src pad. */
static GstElement *
make_source_bin (const char  *name,
                 GstElement **elements,
                 GError     **error)
{
  GstElement *bin = gst_bin_new (name);
  g_autoptr(GstPad) src = NULL;
  GstElement *last = NULL;

  for (guint i = 0; elements[i] != NULL; i++)
    {
      gst_bin_add (GST_BIN (bin), elements[i]);
      if (last != NULL && !gst_element_link (last, elements[i]))
        {
          g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_FAILED,
                       "Could not link %s to %s", GST_ELEMENT_NAME (last),
                       GST_ELEMENT_NAME (elements[i]));
          gst_object_unref (gst_object_ref_sink (bin));
          return NULL;
        }
      last = elements[i];
    }

  src = gst_element_get_static_pad (last, "src");
  gst_element_add_pad (bin, gst_ghost_pad_new ("src", src));
  return bin;
}

static void
unref_floating (GstElement **elements,
                guint        n)
{
  for (guint i = 0; i < n; i++)
    if (elements[i] != NULL)
      gst_object_unref (gst_object_ref_sink (elements[i]));
}

static GstElement *
create_video_source (TcMediaFactory  *self,
                     TcSourceKind     kind,
                     GError         **error)
{
  GstElement *elements[8] = { NULL, };
  guint n = 0;
  g_autoptr(GstCaps) caps = NULL;

  if (self->mode == TC_MEDIA_MODE_TEST)
    {
      elements[n] = make_element ("videotestsrc", error);
      if (elements[n] == NULL)
        goto fail;
      g_object_set (elements[n], "is-live", TRUE, NULL);
      gst_util_set_object_arg (G_OBJECT (elements[n]), "pattern",
                               kind == TC_SOURCE_EXAM_CAMERA ? "smpte" : "ball");
      n++;
      if (self->clock_overlay)
        {
          if (tc_media_factory_has_element ("clockoverlay"))
            elements[n++] = gst_element_factory_make ("clockoverlay", NULL);
          else
            g_message ("clockoverlay is not installed; test video has no clock");
        }
    }
  else
    {
      gboolean v4l2 = self->camera_device != NULL && kind == TC_SOURCE_FACE_CAMERA;

      elements[n] = make_element (v4l2 ? "v4l2src" : "autovideosrc", error);
      if (elements[n] == NULL)
        goto fail;
      if (v4l2)
        g_object_set (elements[n], "device", self->camera_device, NULL);
      n++;
    }

  for (const char *const *f = (const char *const[]) { "videoconvert", "videoscale", "videorate", NULL };
       *f != NULL; f++)
    {
      elements[n] = make_element (*f, error);
      if (elements[n] == NULL)
        goto fail;
      n++;
    }

  caps = gst_caps_new_simple ("video/x-raw",
                              "width", G_TYPE_INT, (int) self->width,
                              "height", G_TYPE_INT, (int) self->height,
                              "framerate", GST_TYPE_FRACTION, (int) self->framerate, 1,
                              NULL);
  elements[n] = gst_element_factory_make ("capsfilter", NULL);
  g_object_set (elements[n], "caps", caps, NULL);
  n++;

  return make_source_bin (kind == TC_SOURCE_EXAM_CAMERA ? "exam-camera" : "face-camera",
                          elements, error);

fail:
  unref_floating (elements, n);
  return NULL;
}

static GstElement *
create_audio_source (TcMediaFactory  *self,
                     TcSourceKind     kind,
                     GError         **error)
{
  GstElement *elements[6] = { NULL, };
  guint n = 0;
  g_autoptr(GstCaps) caps = NULL;

  if (self->mode == TC_MEDIA_MODE_TEST)
    {
      elements[n] = make_element ("audiotestsrc", error);
      if (elements[n] == NULL)
        goto fail;
      g_object_set (elements[n], "is-live", TRUE,
                    "freq", kind == TC_SOURCE_STETHOSCOPE ? 80.0 : 440.0,
                    "volume", 0.3, NULL);
      gst_util_set_object_arg (G_OBJECT (elements[n]), "wave", "sine");
      n++;
    }
  else
    {
      const char *name = tc_media_factory_has_element ("pulsesrc") ? "pulsesrc" : "autoaudiosrc";

      elements[n] = make_element (name, error);
      if (elements[n] == NULL)
        goto fail;
      n++;
    }

  for (const char *const *f = (const char *const[]) { "audioconvert", "audioresample", NULL };
       *f != NULL; f++)
    {
      elements[n] = make_element (*f, error);
      if (elements[n] == NULL)
        goto fail;
      n++;
    }

  /* 48 kHz mono S16: what webrtcdsp and opusenc both take without another conversion. */
  caps = gst_caps_new_simple ("audio/x-raw",
                              "format", G_TYPE_STRING, "S16LE",
                              "rate", G_TYPE_INT, 48000,
                              "channels", G_TYPE_INT, 1,
                              NULL);
  elements[n] = gst_element_factory_make ("capsfilter", NULL);
  g_object_set (elements[n], "caps", caps, NULL);
  n++;

  return make_source_bin (kind == TC_SOURCE_STETHOSCOPE ? "stethoscope" : "voice-mic",
                          elements, error);

fail:
  unref_floating (elements, n);
  return NULL;
}

GstElement *
tc_media_factory_create_source (TcMediaFactory  *self,
                                TcSourceKind     kind,
                                GError         **error)
{
  g_return_val_if_fail (TC_IS_MEDIA_FACTORY (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  switch (kind)
    {
    case TC_SOURCE_FACE_CAMERA:
    case TC_SOURCE_EXAM_CAMERA:
      return create_video_source (self, kind, error);
    case TC_SOURCE_VOICE_MIC:
    case TC_SOURCE_STETHOSCOPE:
      return create_audio_source (self, kind, error);
    default:
      g_return_val_if_reached (NULL);
    }
}

static GstElement *
make_fakesink (void)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);

  g_object_set (sink, "sync", TRUE, "async", FALSE, NULL);
  return sink;
}

GstElement *
tc_media_factory_create_video_sink (TcMediaFactory  *self,
                                    TcVideoSinkRole  role)
{
  g_return_val_if_fail (TC_IS_MEDIA_FACTORY (self), NULL);

  if (self->video_sink_func != NULL)
    {
      GstElement *sink = self->video_sink_func (role, self->video_sink_data);

      if (sink != NULL)
        return sink;
    }
  return make_fakesink ();
}

GstElement *
tc_media_factory_create_audio_sink (TcMediaFactory *self)
{
  g_return_val_if_fail (TC_IS_MEDIA_FACTORY (self), NULL);

  if (self->audio_sink_func != NULL)
    {
      GstElement *sink = self->audio_sink_func (self->audio_sink_data);

      if (sink != NULL)
        return sink;
    }
  if (self->mode == TC_MEDIA_MODE_REAL && tc_media_factory_has_element ("autoaudiosink"))
    return gst_element_factory_make ("autoaudiosink", NULL);
  return make_fakesink ();
}

static gboolean
voice_processing_available (TcMediaFactory *self)
{
  if (!self->voice_processing)
    return FALSE;
  if (tc_media_factory_has_element ("webrtcdsp") && tc_media_factory_has_element ("webrtcechoprobe"))
    return TRUE;
  if (!self->warned_no_dsp)
    {
      g_message ("webrtcdsp/webrtcechoprobe are not installed: no echo cancellation or noise suppression");
      self->warned_no_dsp = TRUE;
    }
  return FALSE;
}

GstElement *
tc_media_factory_create_voice_processor (TcMediaFactory *self,
                                         const char     *probe_name)
{
  GstElement *dsp;

  g_return_val_if_fail (TC_IS_MEDIA_FACTORY (self), NULL);
  g_return_val_if_fail (probe_name != NULL, NULL);

  if (!voice_processing_available (self))
    return NULL;

  dsp = gst_element_factory_make ("webrtcdsp", NULL);
  /* Voice only: the stethoscope must never go through here (it would be suppressed as noise). */
  g_object_set (dsp,
                "probe", probe_name,
                "echo-cancel", TRUE,
                "noise-suppression", TRUE,
                "gain-control", self->mode == TC_MEDIA_MODE_REAL,
                NULL);
  return dsp;
}

GstElement *
tc_media_factory_create_echo_probe (TcMediaFactory *self,
                                    const char     *probe_name)
{
  g_return_val_if_fail (TC_IS_MEDIA_FACTORY (self), NULL);
  g_return_val_if_fail (probe_name != NULL, NULL);

  if (!voice_processing_available (self))
    return NULL;

  return gst_element_factory_make ("webrtcechoprobe", probe_name);
}

void
tc_media_factory_configure_opus (TcMediaFactory *self,
                                 GstElement     *opusenc,
                                 TcSourceKind    kind)
{
  g_return_if_fail (TC_IS_MEDIA_FACTORY (self));
  g_return_if_fail (GST_IS_ELEMENT (opusenc));

  if (kind == TC_SOURCE_STETHOSCOPE)
    {
      gst_util_set_object_arg (G_OBJECT (opusenc), "audio-type", "generic");
      gst_util_set_object_arg (G_OBJECT (opusenc), "bandwidth", "fullband");
      g_object_set (opusenc, "bitrate", 64000, "inband-fec", FALSE, "packet-loss-percentage", 0,
                    "dtx", FALSE, NULL);
      return;
    }
  /* In-band FEC recovers single lost packets; it only engages when the encoder expects loss. */
  gst_util_set_object_arg (G_OBJECT (opusenc), "audio-type", "voice");
  g_object_set (opusenc, "inband-fec", TRUE, "packet-loss-percentage", 10,
                "bitrate", 32000, "dtx", FALSE, NULL);
}
