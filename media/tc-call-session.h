/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tc-call-stats.h"
#include "tc-media-error.h"
#include "tc-media-factory.h"

G_BEGIN_DECLS

typedef enum {
  TC_CALL_ROLE_OFFERER,
  TC_CALL_ROLE_ANSWERER,
} TcCallRole;

typedef enum {
  TC_CALL_STATE_NEW,
  TC_CALL_STATE_CONNECTING,
  TC_CALL_STATE_CONNECTED,
  TC_CALL_STATE_RECONNECTING,   /* rebuild-needed was emitted: make a new session */
  TC_CALL_STATE_FAILED,         /* the pipeline failed; see the error signal */
  TC_CALL_STATE_ENDED,          /* stop() was called */
} TcCallState;

typedef enum {
  TC_VIDEO_CODEC_VP8,
  TC_VIDEO_CODEC_H264,
} TcVideoCodec;

#define TC_TYPE_CALL_ROLE (tc_call_role_get_type ())
GType tc_call_role_get_type (void);
#define TC_TYPE_CALL_STATE (tc_call_state_get_type ())
GType tc_call_state_get_type (void);
#define TC_TYPE_VIDEO_CODEC (tc_video_codec_get_type ())
GType tc_video_codec_get_type (void);

#define TC_CALL_SESSION_DATA_CHANNEL_LABEL "teleconsult"
/* Largest text accepted by tc_call_session_send_data(). */
#define TC_CALL_SESSION_MAX_MESSAGE 65535

#define TC_TYPE_CALL_SESSION (tc_call_session_get_type ())
G_DECLARE_FINAL_TYPE (TcCallSession, tc_call_session, TC, CALL_SESSION, GObject)

TcCallSession *tc_call_session_new (TcMediaFactory *factory,
                                    TcCallRole      role);

/* Generates the process-wide DTLS certificate (100–300 ms) in a worker thread and loads the
 * codec plugins, so the first offer/answer does not pay for them.  Never blocks; safe to
 * call any time and more than once (e.g. when the patient enters the waiting room). */
void tc_call_session_prepare (void);

/* Before start().  STUN: "stun:host:port" or "stun://host:port" (only the first is used,
 * webrtcbin takes one).  TURN: "turn://user:pass@host:port?transport=udp" (user may contain
 * ':' — it is escaped here), or "turns://…".  Use tc_ice_server_to_turn_uri() for the W3C form. */
void tc_call_session_set_ice_servers   (TcCallSession      *self,
                                        const char *const  *stun_uris,
                                        const char *const  *turn_uris);
/* Restricts ICE to this local address (repeatable).  Before start(). */
void tc_call_session_add_local_address (TcCallSession      *self,
                                        const char         *ip);

/* Builds and starts the pipeline.  The offerer creates its offer right away and emits
 * local-description; the answerer waits for set_remote_description(). */
gboolean tc_call_session_start (TcCallSession  *self,
                                GError        **error);

/* type: "offer" or "answer". */
gboolean tc_call_session_set_remote_description (TcCallSession  *self,
                                                 const char     *type,
                                                 const char     *sdp,
                                                 GError        **error);
/* Candidates arriving before the remote description are queued.  An empty @candidate
 * means end of candidates.  @sdp_mline_index < 0: use @sdp_mid. */
gboolean tc_call_session_add_remote_candidate (TcCallSession  *self,
                                               const char     *sdp_mid,
                                               int             sdp_mline_index,
                                               const char     *candidate,
                                               GError        **error);

/* Queued until the data channel opens; fails with TC_MEDIA_ERROR_BACKPRESSURE when more
 * than 1 MiB waits, TC_MEDIA_ERROR_TOO_LARGE past TC_CALL_SESSION_MAX_MESSAGE bytes. */
gboolean tc_call_session_send_data (TcCallSession  *self,
                                    const char     *text,
                                    GError        **error);

void tc_call_session_set_microphone_muted (TcCallSession *self,
                                           gboolean       muted);
gboolean tc_call_session_get_microphone_muted (TcCallSession *self);
/* Disabled: black frames are sent, the track stays negotiated. */
void tc_call_session_set_camera_enabled   (TcCallSession *self,
                                           gboolean       enabled);
gboolean tc_call_session_get_camera_enabled (TcCallSession *self);

/* Clinical tracks (the station): set before start().  The exam camera and the stethoscope are
 * negotiated in the first offer (second video and audio m-lines) and stay silent until switched
 * on: exam frames are dropped before the encoder (transceiver kept, nothing sent, preview
 * empty), the stethoscope sends silence.  See docs/clinical-media.md. */
void     tc_call_session_set_clinical_tracks    (TcCallSession *self,
                                                 gboolean       clinical);
gboolean tc_call_session_get_clinical_tracks    (TcCallSession *self);
void     tc_call_session_set_exam_camera_active (TcCallSession *self,
                                                 gboolean       active);
gboolean tc_call_session_get_exam_camera_active (TcCallSession *self);
void     tc_call_session_set_stethoscope_active (TcCallSession *self,
                                                 gboolean       active);
gboolean tc_call_session_get_stethoscope_active (TcCallSession *self);
/* The newest exam camera frame, at the size the exam source delivers, as PNG (or JPEG)
 * bytes, encoded in a thread.  Works whether or not the exam camera is being sent. */
void   tc_call_session_take_still_async  (TcCallSession       *self,
                                          gboolean             jpeg,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GBytes *tc_call_session_take_still_finish (TcCallSession  *self,
                                           GAsyncResult   *result,
                                           GError        **error);

/* Forces audio-only (TRUE) or returns control to the adaptation (FALSE). */
void        tc_call_session_set_audio_only        (TcCallSession *self,
                                                   gboolean       audio_only);
gboolean    tc_call_session_get_audio_only        (TcCallSession *self);
TcCallState tc_call_session_get_state             (TcCallSession *self);
TcCallRole  tc_call_session_get_role              (TcCallSession *self);
/* NULL until both descriptions are set. */
const char *tc_call_session_get_verification_code  (TcCallSession *self);
const char *tc_call_session_get_verification_words (TcCallSession *self);
/* The last stats sample, or NULL before the first. */
const TcCallStats *tc_call_session_get_stats      (TcCallSession *self);

/* Closes the data channel, stops the pipeline and releases its resources.  Synchronous,
 * idempotent; state becomes ENDED. */
void tc_call_session_stop (TcCallSession *self);

G_END_DECLS
