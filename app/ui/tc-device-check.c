/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-device-check"

#include "config.h"

#include "tc-device-check.h"

#include <glib/gi18n-lib.h>
#include <math.h>

/* Below this the microphone hears only its own noise floor. */
#define SPEECH_DB (-45.0)
#define CAMERA_TIMEOUT_S 8
#define SERVER_TIMEOUT_S 5

enum {
  SIGNAL_RESULT,
  SIGNAL_LEVEL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _TcDeviceCheck {
  GObject           parent_instance;

  TcMediaFactory   *factory;
  TcVideoPaintable *preview;

  GstElement       *pipeline;
  GstElement       *tone;
  guint             bus_watch;
  guint             tone_bus_watch;
  guint             camera_timeout;
  gulong            frame_handler;
  GCancellable     *cancellable;

  double            level;
  gboolean          heard_speech;
  gboolean          camera_ok;
};

G_DEFINE_FINAL_TYPE (TcDeviceCheck, tc_device_check, G_TYPE_OBJECT)

static void
report (TcDeviceCheck  *self,
        TcPrecallCheck  check,
        TcCheckStatus   status,
        const char     *details)
{
  g_signal_emit (self, signals[SIGNAL_RESULT], 0, check, status, details);
}

/* A GStreamer error from a capture device, in words. */
static const char *
describe_device_error (const GError *error,
                       gboolean      camera)
{
  if (error->domain == GST_RESOURCE_ERROR &&
      (error->code == GST_RESOURCE_ERROR_BUSY || error->code == GST_RESOURCE_ERROR_OPEN_READ_WRITE))
    return camera ? _("Your camera is being used by another program. Close that program, then come back to this page.")
                  : _("Your microphone is being used by another program. Close that program, then come back to this page.");
  if (error->domain == GST_RESOURCE_ERROR && error->code == GST_RESOURCE_ERROR_NOT_AUTHORIZED)
    return camera ? _("Teleconsult is not allowed to use the camera. Allow it in your computer's privacy settings.")
                  : _("Teleconsult is not allowed to use the microphone. Allow it in your computer's privacy settings.");
  if (error->domain == GST_RESOURCE_ERROR && error->code == GST_RESOURCE_ERROR_NOT_FOUND)
    return camera ? _("No camera was found. Plug one in, or continue: your doctor will hear you without seeing you.")
                  : _("No microphone was found. Plug one in: your doctor needs to hear you.");
  return camera ? _("The camera could not be started. Unplug it and plug it in again.")
                : _("The microphone could not be started. Unplug it and plug it in again.");
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  TcDeviceCheck *self = TC_DEVICE_CHECK (user_data);

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ELEMENT:
      {
        const GstStructure *s = gst_message_get_structure (message);
        const GValue *peaks;
        double peak_db = -120.0;

        if (!gst_structure_has_name (s, "level") ||
            (peaks = gst_structure_get_value (s, "peak")) == NULL || !G_VALUE_HOLDS (peaks, G_TYPE_VALUE_ARRAY))
          break;
        G_GNUC_BEGIN_IGNORE_DEPRECATIONS
        {
          GValueArray *array = g_value_get_boxed (peaks);
          for (guint i = 0; array != NULL && i < array->n_values; i++)
            peak_db = MAX (peak_db, g_value_get_double (g_value_array_get_nth (array, i)));
        }
        G_GNUC_END_IGNORE_DEPRECATIONS
        /* -60 dB (silence) .. 0 dB (loud) mapped to 0..1. */
        self->level = CLAMP ((peak_db + 60.0) / 60.0, 0.0, 1.0);
        g_signal_emit (self, signals[SIGNAL_LEVEL], 0, self->level);
        if (!self->heard_speech && peak_db > SPEECH_DB)
          {
            self->heard_speech = TRUE;
            report (self, TC_PRECALL_CHECK_MICROPHONE, TC_CHECK_STATUS_PASSED,
                    _("Your microphone works: the bar moves when you speak."));
          }
        break;
      }
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;
        g_autofree char *path = gst_object_get_path_string (GST_MESSAGE_SRC (message));
        gboolean camera = strstr (path, "camera") != NULL;

        gst_message_parse_error (message, &error, &debug);
        g_message ("Device check failed in %s: %s", path, error->message);
        report (self, camera ? TC_PRECALL_CHECK_CAMERA : TC_PRECALL_CHECK_MICROPHONE,
                TC_CHECK_STATUS_FAILED, describe_device_error (error, camera));
        tc_device_check_stop (self);
        return G_SOURCE_REMOVE;
      }
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

static void
on_first_frame (TcDeviceCheck *self)
{
  if (self->camera_ok)
    return;
  self->camera_ok = TRUE;
  g_clear_handle_id (&self->camera_timeout, g_source_remove);
  report (self, TC_PRECALL_CHECK_CAMERA, TC_CHECK_STATUS_PASSED,
          _("Your camera works. Check that your face is in the picture and well lit."));
}

static gboolean
on_camera_timeout (gpointer data)
{
  TcDeviceCheck *self = data;

  self->camera_timeout = 0;
  report (self, TC_PRECALL_CHECK_CAMERA, TC_CHECK_STATUS_FAILED,
          _("No picture from the camera. Check that it is plugged in and not covered."));
  return G_SOURCE_REMOVE;
}

static gboolean
build_pipeline (TcDeviceCheck  *self,
                GError        **error)
{
  g_autoptr(GstElement) pipeline = gst_pipeline_new ("device-check");
  GstElement *camera, *sink, *mic, *convert, *level, *fakesink;
  g_autoptr(GstBus) bus = NULL;

  camera = tc_media_factory_create_source (self->factory, TC_SOURCE_FACE_CAMERA, error);
  if (camera == NULL)
    return FALSE;
  gst_object_set_name (GST_OBJECT (camera), "camera");
  sink = tc_video_paintable_create_sink (self->preview);
  gst_bin_add_many (GST_BIN (pipeline), camera, sink, NULL);
  if (!gst_element_link (camera, sink))
    {
      g_set_error_literal (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION, "camera link failed");
      return FALSE;
    }

  mic = tc_media_factory_create_source (self->factory, TC_SOURCE_VOICE_MIC, error);
  if (mic == NULL)
    return FALSE;
  gst_object_set_name (GST_OBJECT (mic), "microphone");
  convert = gst_element_factory_make ("audioconvert", NULL);
  level = gst_element_factory_make ("level", NULL);
  fakesink = gst_element_factory_make ("fakesink", NULL);
  if (convert == NULL || level == NULL || fakesink == NULL)
    {
      g_set_error_literal (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
                           "audioconvert, level or fakesink missing");
      return FALSE;
    }
  g_object_set (level, "interval", (guint64) 100 * GST_MSECOND, "post-messages", TRUE, NULL);
  g_object_set (fakesink, "sync", FALSE, NULL);
  gst_bin_add_many (GST_BIN (pipeline), mic, convert, level, fakesink, NULL);
  if (!gst_element_link_many (mic, convert, level, fakesink, NULL))
    {
      g_set_error_literal (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION, "microphone link failed");
      return FALSE;
    }

  bus = gst_element_get_bus (pipeline);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);
  self->pipeline = g_steal_pointer (&pipeline);
  return TRUE;
}

static void
on_server_connected (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(TcDeviceCheck) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) connection =
    g_socket_client_connect_to_uri_finish (G_SOCKET_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (connection != NULL)
    report (self, TC_PRECALL_CHECK_SERVER, TC_CHECK_STATUS_PASSED,
            _("The consultation can be reached."));
  else
    {
      g_debug ("Server check: %s", error->message);
      report (self, TC_PRECALL_CHECK_SERVER, TC_CHECK_STATUS_FAILED,
              _("The consultation cannot be reached. Check that you are connected to the internet or to the same network as your doctor, then try again."));
    }
}

static void
check_network (TcDeviceCheck *self,
               const char    *server_url)
{
  GNetworkMonitor *monitor = g_network_monitor_get_default ();

  if (g_network_monitor_get_network_available (monitor))
    report (self, TC_PRECALL_CHECK_NETWORK, TC_CHECK_STATUS_PASSED,
            _("Your computer is connected to a network."));
  else
    report (self, TC_PRECALL_CHECK_NETWORK, TC_CHECK_STATUS_FAILED,
            _("Your computer is not connected to a network. Check the cable or the Wi-Fi."));

  if (server_url == NULL)
    {
      report (self, TC_PRECALL_CHECK_SERVER, TC_CHECK_STATUS_PASSED,
              _("The connection will be checked when you join."));
      return;
    }
  {
    g_autoptr(GSocketClient) client = g_socket_client_new ();
    g_autoptr(GUri) uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);
    gboolean tls = uri != NULL && (g_strcmp0 (g_uri_get_scheme (uri), "wss") == 0 ||
                                   g_strcmp0 (g_uri_get_scheme (uri), "https") == 0);
    /* A TCP connection is enough: it says the server answers, nothing more. */
    g_socket_client_set_timeout (client, SERVER_TIMEOUT_S);
    g_socket_client_connect_to_uri_async (client, server_url, tls ? 443 : 80, self->cancellable,
                                          on_server_connected, g_object_ref (self));
  }
}

void
tc_device_check_start (TcDeviceCheck *self,
                       const char    *server_url)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TC_IS_DEVICE_CHECK (self));

  tc_device_check_stop (self);
  self->cancellable = g_cancellable_new ();
  self->heard_speech = FALSE;
  self->camera_ok = FALSE;

  report (self, TC_PRECALL_CHECK_SPEAKER, TC_CHECK_STATUS_RUNNING,
          _("Press the button: you should hear a short tone."));
  if (!build_pipeline (self, &error))
    {
      g_message ("Device check pipeline: %s", error->message);
      report (self, TC_PRECALL_CHECK_CAMERA, TC_CHECK_STATUS_FAILED,
              _("The camera could not be started. Unplug it and plug it in again."));
      report (self, TC_PRECALL_CHECK_MICROPHONE, TC_CHECK_STATUS_FAILED,
              _("The microphone could not be started. Unplug it and plug it in again."));
    }
  else
    {
      report (self, TC_PRECALL_CHECK_CAMERA, TC_CHECK_STATUS_RUNNING, _("Starting your camera…"));
      report (self, TC_PRECALL_CHECK_MICROPHONE, TC_CHECK_STATUS_RUNNING, _("Say a few words."));
      self->frame_handler = g_signal_connect_object (self->preview, "notify::frame-count",
                                                     G_CALLBACK (on_first_frame), self, G_CONNECT_SWAPPED);
      self->camera_timeout = g_timeout_add_seconds (CAMERA_TIMEOUT_S, on_camera_timeout, self);
      gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
    }
  check_network (self, server_url);
}

static gboolean
on_tone_bus_message (GstBus     *bus,
                     GstMessage *message,
                     gpointer    user_data)
{
  TcDeviceCheck *self = TC_DEVICE_CHECK (user_data);

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
    report (self, TC_PRECALL_CHECK_SPEAKER, TC_CHECK_STATUS_PASSED,
            _("A tone was played. If you did not hear it, turn up the volume."));
  else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    report (self, TC_PRECALL_CHECK_SPEAKER, TC_CHECK_STATUS_FAILED,
            _("No sound could be played. Check that your speakers or headphones are plugged in."));
  else
    return G_SOURCE_CONTINUE;

  gst_element_set_state (self->tone, GST_STATE_NULL);
  self->tone_bus_watch = 0;
  return G_SOURCE_REMOVE;
}

void
tc_device_check_play_test_sound (TcDeviceCheck *self)
{
  GstElement *src, *convert, *sink;
  g_autoptr(GstBus) bus = NULL;

  g_return_if_fail (TC_IS_DEVICE_CHECK (self));

  if (self->tone != NULL)
    {
      g_clear_handle_id (&self->tone_bus_watch, g_source_remove);
      gst_element_set_state (self->tone, GST_STATE_NULL);
      g_clear_object (&self->tone);
    }

  self->tone = gst_pipeline_new ("test-tone");
  src = gst_element_factory_make ("audiotestsrc", NULL);
  convert = gst_element_factory_make ("audioconvert", NULL);
  sink = tc_media_factory_create_audio_sink (self->factory);
  if (src == NULL || convert == NULL || sink == NULL)
    {
      report (self, TC_PRECALL_CHECK_SPEAKER, TC_CHECK_STATUS_FAILED,
              _("No sound could be played. Check that your speakers or headphones are plugged in."));
      return;
    }
  /* One second of a soft 660 Hz tone. */
  g_object_set (src, "freq", 660.0, "volume", 0.4, "num-buffers", 48, "samplesperbuffer", 1000, NULL);
  gst_bin_add_many (GST_BIN (self->tone), src, convert, sink, NULL);
  gst_element_link_many (src, convert, sink, NULL);
  bus = gst_element_get_bus (self->tone);
  self->tone_bus_watch = gst_bus_add_watch (bus, on_tone_bus_message, self);
  report (self, TC_PRECALL_CHECK_SPEAKER, TC_CHECK_STATUS_RUNNING, _("Playing a tone…"));
  gst_element_set_state (self->tone, GST_STATE_PLAYING);
}

void
tc_device_check_stop (TcDeviceCheck *self)
{
  g_return_if_fail (TC_IS_DEVICE_CHECK (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->camera_timeout, g_source_remove);
  g_clear_signal_handler (&self->frame_handler, self->preview);
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  if (self->pipeline != NULL)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      g_clear_object (&self->pipeline);
    }
  g_clear_handle_id (&self->tone_bus_watch, g_source_remove);
  if (self->tone != NULL)
    {
      gst_element_set_state (self->tone, GST_STATE_NULL);
      g_clear_object (&self->tone);
    }
}

double
tc_device_check_get_level (TcDeviceCheck *self)
{
  g_return_val_if_fail (TC_IS_DEVICE_CHECK (self), 0.0);

  return self->level;
}

static void
tc_device_check_dispose (GObject *object)
{
  TcDeviceCheck *self = TC_DEVICE_CHECK (object);

  tc_device_check_stop (self);
  g_clear_object (&self->factory);
  g_clear_object (&self->preview);

  G_OBJECT_CLASS (tc_device_check_parent_class)->dispose (object);
}

static void
tc_device_check_class_init (TcDeviceCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tc_device_check_dispose;

  signals[SIGNAL_RESULT] =
    g_signal_new ("result", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_INT, G_TYPE_STRING);
  signals[SIGNAL_LEVEL] =
    g_signal_new ("level", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_DOUBLE);
}

static void
tc_device_check_init (TcDeviceCheck *self)
{
}

TcDeviceCheck *
tc_device_check_new (TcMediaFactory   *factory,
                     TcVideoPaintable *preview)
{
  TcDeviceCheck *self = g_object_new (TC_TYPE_DEVICE_CHECK, NULL);

  self->factory = g_object_ref (factory);
  self->preview = g_object_ref (preview);
  return self;
}
