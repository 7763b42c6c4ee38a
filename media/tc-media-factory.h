/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum {
  TC_MEDIA_MODE_REAL,   /* camera, microphone, loudspeaker */
  TC_MEDIA_MODE_TEST,   /* live test patterns and tones, fakesinks */
} TcMediaMode;

typedef enum {
  TC_SOURCE_FACE_CAMERA,
  TC_SOURCE_EXAM_CAMERA,   /* second video (otoscope, exam camera): for later */
  TC_SOURCE_VOICE_MIC,
  TC_SOURCE_STETHOSCOPE,   /* second audio, no voice processing: for later */
} TcSourceKind;

typedef enum {
  TC_VIDEO_SINK_ROLE_LOCAL_PREVIEW,
  TC_VIDEO_SINK_ROLE_REMOTE,
  TC_VIDEO_SINK_ROLE_EXAM_PREVIEW,   /* the station's own exam camera, to aim it */
  TC_VIDEO_SINK_ROLE_REMOTE_EXAM,    /* the peer's exam camera */
} TcVideoSinkRole;

#define TC_TYPE_MEDIA_MODE (tc_media_mode_get_type ())
GType tc_media_mode_get_type (void);
#define TC_TYPE_SOURCE_KIND (tc_source_kind_get_type ())
GType tc_source_kind_get_type (void);
#define TC_TYPE_VIDEO_SINK_ROLE (tc_video_sink_role_get_type ())
GType tc_video_sink_role_get_type (void);

/* Returns a new (floating or full) sink element, or NULL for the default.  Called on the
 * thread that calls tc_call_session_start() (the main context), never from a streaming thread.
 * The element receives raw video (any format videoconvert can produce: set caps on it). */
typedef GstElement *(*TcVideoSinkFunc) (TcVideoSinkRole role, gpointer data);
/* Same for the audio output (raw audio after audioconvert/audioresample). */
typedef GstElement *(*TcAudioSinkFunc) (gpointer data);

#define TC_TYPE_MEDIA_FACTORY (tc_media_factory_get_type ())
G_DECLARE_FINAL_TYPE (TcMediaFactory, tc_media_factory, TC, MEDIA_FACTORY, GObject)

/* The mode defaults to TC_MEDIA_SOURCES=test|real from the environment, else real. */
TcMediaFactory *tc_media_factory_new (void);
TcMediaFactory *tc_media_factory_new_with_mode (TcMediaMode mode);

TcMediaMode  tc_media_factory_get_mode        (TcMediaFactory *self);
void         tc_media_factory_set_mode        (TcMediaFactory *self, TcMediaMode mode);
void         tc_media_factory_set_resolution  (TcMediaFactory *self, guint width, guint height);
guint        tc_media_factory_get_width       (TcMediaFactory *self);
guint        tc_media_factory_get_height      (TcMediaFactory *self);
guint        tc_media_factory_get_framerate   (TcMediaFactory *self);
void         tc_media_factory_set_framerate   (TcMediaFactory *self, guint fps);
gboolean     tc_media_factory_get_voice_processing (TcMediaFactory *self);
void         tc_media_factory_set_voice_processing (TcMediaFactory *self, gboolean enabled);

void tc_media_factory_set_video_sink_func (TcMediaFactory  *self,
                                           TcVideoSinkFunc  func,
                                           gpointer         data,
                                           GDestroyNotify   destroy);
void tc_media_factory_set_audio_sink_func (TcMediaFactory  *self,
                                           TcAudioSinkFunc  func,
                                           gpointer         data,
                                           GDestroyNotify   destroy);

/* A bin with one always "src" ghost pad giving raw video at the configured size and rate
 * (video kinds) or 48 kHz mono S16LE (audio kinds).  Live in both modes. */
GstElement *tc_media_factory_create_source     (TcMediaFactory  *self,
                                                TcSourceKind     kind,
                                                GError         **error);
GstElement *tc_media_factory_create_video_sink (TcMediaFactory  *self,
                                                TcVideoSinkRole  role);
GstElement *tc_media_factory_create_audio_sink (TcMediaFactory  *self);

/* Voice processing: webrtcdsp (echo cancellation + noise suppression) bound by name to a
 * webrtcechoprobe on the playback path.  Both return NULL (and log once) when voice
 * processing is off or the elements are not installed; the call then works without them. */
GstElement *tc_media_factory_create_voice_processor (TcMediaFactory *self,
                                                     const char     *probe_name);
GstElement *tc_media_factory_create_echo_probe      (TcMediaFactory *self,
                                                     const char     *probe_name);

/* Sets an opusenc for a voice (VoIP mode, 32 kbit/s, in-band FEC) or a stethoscope
 * (TC_SOURCE_STETHOSCOPE: generic audio mode, 64 kbit/s fullband, no FEC, no DTX: VoIP mode and
 * a loss-expecting encoder high-pass the signal, which takes heart and lung sounds away). */
void tc_media_factory_configure_opus (TcMediaFactory *self,
                                      GstElement     *opusenc,
                                      TcSourceKind    kind);

/* TRUE when an element factory of that name is installed. */
gboolean tc_media_factory_has_element (const char *factory_name);

G_END_DECLS
