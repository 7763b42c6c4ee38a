/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One call: one pipeline, one webrtcbin (max-bundle), Opus + VP8 (or H.264) sendrecv, one
 * reliable data channel.  Everything webrtcbin and GStreamer report from their own threads
 * hops to the session's main context before touching the session (see hop()). */
#define G_LOG_DOMAIN "tc-media"

#include <openssl/crypto.h>

#include "tc-call-session.h"
#include "tc-call-channel.h"
#include "tc-call-media.h"
#include "tc-adaptation.h"
#include "tc-ice-uri.h"
#include "tc-quality.h"
#include "tc-verification.h"

#include <string.h>
#include <gio/gio.h>
#include <gst/sdp/sdp.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>
#include <gst/webrtc/webrtc.h>

#define MAX_SDP_BYTES        65536
#define MAX_CANDIDATE_BYTES  1024
#define MAX_PENDING_CANDIDATES 256
#define STATS_INTERVAL_MS    1000

struct _TcCallSession
{
  GObject parent_instance;

  TcMediaFactory *factory;
  TcCallRole role;
  GMainContext *context;
  TcCallState state;
  gboolean started;
  gboolean stopped;

  /* configuration */
  char *stun_uri;
  GPtrArray *turn_uris;
  GPtrArray *local_addresses;
  gboolean relay_only;
  guint min_port;
  guint max_port;
  guint grace_period_ms;
  TcVideoCodec video_codec;
  gboolean adaptive;
  double simulated_loss;

  /* user controls */
  gboolean mic_muted;
  gboolean camera_enabled;
  gboolean audio_only;
  gboolean audio_only_forced;
  gboolean clinical_tracks;     /* this side sends an exam camera and a stethoscope */
  gboolean clinical_receive;    /* an offerer without them still offers to receive them */
  gboolean exam_active;
  gboolean stethoscope_active;

  /* pipeline */
  GstElement *pipeline;
  GstElement *webrtc;
  GstBus *bus;
  guint bus_watch;
  gboolean media_built;
  TcVideoSend video;
  TcAudioSend audio;
  TcVideoSend exam;
  TcAudioSend stethoscope;
  GstElement *exam_preview_valve;
  GstElement *exam_still_sink;   /* appsink keeping the newest exam frame */
  TcVideoCodec sent_codec;
  char *probe_name;
  GstElement *echo_probe;

  /* Touched by the pad-added handler (a streaming thread): guarded by lock. */
  GMutex lock;
  GstElement *remote_video_sink;
  GstElement *remote_audio_sink;
  GstElement *remote_exam_sink;
  GstElement *remote_stethoscope_sink;
  int exam_mline;           /* the second video m-line, -1: none */
  int stethoscope_mline;    /* the second audio m-line, -1: none */
  GstPad *frames_in_pad;
  TcSeqCounter seq_audio;
  TcSeqCounter seq_video;
  guint64 last_expected;
  guint64 last_received;
  guint64 watch_received;
  gint64 last_rx_progress_us;
  guint watch_source;
  gint frames_in;     /* atomic */
  gint frames_out;    /* atomic */

  /* signalling */
  char *local_sdp;
  char *remote_sdp;
  GPtrArray *local_mids;
  GPtrArray *remote_mids;
  gboolean remote_set;
  gboolean remote_pending;
  GQueue pending_candidates;   /* of PendingCandidate */
  gboolean gathering_done_sent;
  char *verification_code;
  char *verification_words;

  TcCallChannel *channel;

  /* connection */
  GstWebRTCICEConnectionState ice_state;
  guint grace_source;

  /* stats and adaptation */
  guint stats_source;
  gboolean stats_pending;
  gint64 stats_requested_us;
  TcCallStats last_stats;
  gboolean have_stats;
  TcRawStats last_raw;
  gint64 last_raw_us;
  TcAdaptation *adaptation;
};

typedef struct {
  char *mid;
  int mline;
  char *candidate;
} PendingCandidate;

G_DEFINE_TYPE (TcCallSession, tc_call_session, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (TcCallRole, tc_call_role,
  G_DEFINE_ENUM_VALUE (TC_CALL_ROLE_OFFERER, "offerer"),
  G_DEFINE_ENUM_VALUE (TC_CALL_ROLE_ANSWERER, "answerer"))

G_DEFINE_ENUM_TYPE (TcCallState, tc_call_state,
  G_DEFINE_ENUM_VALUE (TC_CALL_STATE_NEW, "new"),
  G_DEFINE_ENUM_VALUE (TC_CALL_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (TC_CALL_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (TC_CALL_STATE_RECONNECTING, "reconnecting"),
  G_DEFINE_ENUM_VALUE (TC_CALL_STATE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (TC_CALL_STATE_ENDED, "ended"))

G_DEFINE_ENUM_TYPE (TcVideoCodec, tc_video_codec,
  G_DEFINE_ENUM_VALUE (TC_VIDEO_CODEC_VP8, "vp8"),
  G_DEFINE_ENUM_VALUE (TC_VIDEO_CODEC_H264, "h264"))

enum {
  PROP_0,
  PROP_FACTORY,
  PROP_ROLE,
  PROP_STATE,
  PROP_RELAY_ONLY,
  PROP_MIN_PORT,
  PROP_MAX_PORT,
  PROP_GRACE_PERIOD_MS,
  PROP_VIDEO_CODEC,
  PROP_ADAPTIVE,
  PROP_AUDIO_ONLY,
  PROP_MICROPHONE_MUTED,
  PROP_CAMERA_ENABLED,
  PROP_VERIFICATION_CODE,
  PROP_VERIFICATION_WORDS,
  PROP_SIMULATED_LOSS,
  PROP_CLINICAL_TRACKS,
  PROP_CLINICAL_RECEIVE,
  PROP_EXAM_CAMERA_ACTIVE,
  PROP_STETHOSCOPE_ACTIVE,
  N_PROPS
};

enum {
  SIGNAL_LOCAL_DESCRIPTION,
  SIGNAL_LOCAL_CANDIDATE,
  SIGNAL_DATA_MESSAGE,
  SIGNAL_DATA_CHANNEL_OPEN,
  SIGNAL_STATS,
  SIGNAL_REBUILD_NEEDED,
  SIGNAL_AUDIO_ONLY_CHANGED,
  SIGNAL_ERROR,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

static void maybe_compute_verification (TcCallSession *self);
static void teardown (TcCallSession *self);

/* ---- hopping to the main context ---- */

typedef void (*HopFunc) (TcCallSession *self, gpointer data);

typedef struct {
  TcCallSession *self;
  HopFunc func;
  gpointer data;
  GDestroyNotify destroy;
} Hop;

static gboolean
hop_dispatch (gpointer user_data)
{
  Hop *h = user_data;

  if (!h->self->stopped)
    h->func (h->self, h->data);
  return G_SOURCE_REMOVE;
}

static void
hop_free (gpointer user_data)
{
  Hop *h = user_data;

  if (h->destroy != NULL && h->data != NULL)
    h->destroy (h->data);
  g_object_unref (h->self);
  g_free (h);
}

/* Always deferred through an idle source: g_main_context_invoke() would run the function
 * right here, on the streaming thread, whenever the main context is free. */
static void
hop (TcCallSession  *self,
     HopFunc         func,
     gpointer        data,
     GDestroyNotify  destroy)
{
  GSource *source = g_idle_source_new ();
  Hop *h = g_new0 (Hop, 1);

  h->self = g_object_ref (self);
  h->func = func;
  h->data = data;
  h->destroy = destroy;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, hop_dispatch, h, hop_free);
  g_source_set_static_name (source, "[tc-call-session] hop");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static guint
add_timeout (TcCallSession *self,
             guint          ms,
             GSourceFunc    func)
{
  GSource *source = g_timeout_source_new (ms);
  guint id;

  g_source_set_callback (source, func, self, NULL);
  id = g_source_attach (source, self->context);
  g_source_unref (source);
  return id;
}

static void
remove_source (TcCallSession *self,
               guint         *id)
{
  if (*id != 0)
    {
      GSource *source = g_main_context_find_source_by_id (self->context, *id);

      if (source != NULL)
        g_source_destroy (source);
      *id = 0;
    }
}

/* ---- state ---- */

static void
set_state (TcCallSession *self,
           TcCallState    state)
{
  if (self->state == state)
    return;
  g_debug ("call state %d → %d", self->state, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

static void
fail (TcCallSession *self,
      const GError  *error)
{
  if (self->state == TC_CALL_STATE_FAILED || self->state == TC_CALL_STATE_ENDED)
    return;
  g_message ("call failed: %s", error->message);
  set_state (self, TC_CALL_STATE_FAILED);
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
}

static void
request_rebuild (TcCallSession *self)
{
  if (self->state == TC_CALL_STATE_RECONNECTING || self->state == TC_CALL_STATE_FAILED ||
      self->state == TC_CALL_STATE_ENDED)
    return;
  remove_source (self, &self->grace_source);
  set_state (self, TC_CALL_STATE_RECONNECTING);
  g_signal_emit (self, signals[SIGNAL_REBUILD_NEEDED], 0);
}

static gboolean
grace_expired (gpointer user_data)
{
  TcCallSession *self = user_data;

  self->grace_source = 0;
  g_message ("ICE disconnected for longer than %u ms: the call needs rebuilding", self->grace_period_ms);
  request_rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
on_ice_state_main (TcCallSession *self,
                   gpointer       data)
{
  GstWebRTCICEConnectionState ice = GPOINTER_TO_INT (data);

  self->ice_state = ice;
  switch (ice)
    {
    case GST_WEBRTC_ICE_CONNECTION_STATE_NEW:
    case GST_WEBRTC_ICE_CONNECTION_STATE_CHECKING:
      if (self->state == TC_CALL_STATE_NEW)
        set_state (self, TC_CALL_STATE_CONNECTING);
      break;
    case GST_WEBRTC_ICE_CONNECTION_STATE_CONNECTED:
    case GST_WEBRTC_ICE_CONNECTION_STATE_COMPLETED:
      remove_source (self, &self->grace_source);
      if (self->state == TC_CALL_STATE_CONNECTING || self->state == TC_CALL_STATE_NEW)
        set_state (self, TC_CALL_STATE_CONNECTED);
      break;
    case GST_WEBRTC_ICE_CONNECTION_STATE_DISCONNECTED:
      if (self->grace_source == 0 && self->state == TC_CALL_STATE_CONNECTED)
        self->grace_source = add_timeout (self, self->grace_period_ms, grace_expired);
      break;
    case GST_WEBRTC_ICE_CONNECTION_STATE_FAILED:
      g_message ("ICE failed: the call needs rebuilding");
      request_rebuild (self);
      break;
    case GST_WEBRTC_ICE_CONNECTION_STATE_CLOSED:
    default:
      break;
    }
}

static void
on_ice_connection_state (GstElement *webrtc,
                         GParamSpec *pspec,
                         gpointer    user_data)
{
  GstWebRTCICEConnectionState ice;

  g_object_get (webrtc, "ice-connection-state", &ice, NULL);
  hop (user_data, on_ice_state_main, GINT_TO_POINTER (ice), NULL);
}

/* ---- bus ---- */

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  TcCallSession *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) gst_error = NULL;
        g_autofree char *debug = NULL;
        g_autoptr(GError) error = NULL;

        gst_message_parse_error (message, &gst_error, &debug);
        g_debug ("pipeline error from %s: %s (%s)", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)),
                 gst_error->message, debug ? debug : "");
        error = g_error_new (TC_MEDIA_ERROR, TC_MEDIA_ERROR_FAILED,
                             "The media pipeline failed: %s", gst_error->message);
        fail (self, error);
        break;
      }
    case GST_MESSAGE_LATENCY:
      /* Receive branches are added while playing: without this the sinks keep the latency of
       * the pipeline before them, ignore the jitter buffer's, and play late (gaps, drops). */
      if (self->pipeline != NULL)
        {
          g_autoptr(GstQuery) q = gst_query_new_latency ();

          gst_bin_recalculate_latency (GST_BIN (self->pipeline));
          if (gst_element_query (self->pipeline, q))
            {
              GstClockTime min = 0;

              gst_query_parse_latency (q, NULL, &min, NULL);
              g_debug ("pipeline latency now %" GST_TIME_FORMAT, GST_TIME_ARGS (min));
            }
        }
      break;
    case GST_MESSAGE_WARNING:
      {
        g_autoptr(GError) gst_error = NULL;

        gst_message_parse_warning (message, &gst_error, NULL);
        g_debug ("pipeline warning from %s: %s", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)),
                 gst_error->message);
        break;
      }
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

/* ---- data channel ---- */

static void
on_channel_opened (TcCallChannel *channel,
                   gpointer       user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_DATA_CHANNEL_OPEN], 0);
}

static void
on_channel_message (TcCallChannel *channel,
                    const char    *text,
                    gpointer       user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_DATA_MESSAGE], 0, text);
}

/* The answerer's channel arrives here, on an SCTP thread. */
static void
on_data_channel (GstElement           *webrtc,
                 GstWebRTCDataChannel *channel,
                 gpointer              user_data)
{
  TcCallSession *self = user_data;
  g_autofree char *label = NULL;

  g_object_get (channel, "label", &label, NULL);
  if (g_strcmp0 (label, TC_CALL_SESSION_DATA_CHANNEL_LABEL) != 0 ||
      !tc_call_channel_attach (self->channel, channel))
    g_debug ("ignoring an unexpected data channel");
}

/* ---- descriptions and candidates ---- */

static void
emit_local_candidate (TcCallSession *self,
                      guint          mline,
                      const char    *candidate)
{
  const char *mid = "";

  if (self->local_mids != NULL && mline < self->local_mids->len)
    mid = g_ptr_array_index (self->local_mids, mline);
  g_signal_emit (self, signals[SIGNAL_LOCAL_CANDIDATE], 0, mid, mline, candidate);
}

typedef struct {
  guint mline;
  char *candidate;
} LocalCandidate;

static void
local_candidate_free (gpointer data)
{
  LocalCandidate *c = data;

  g_free (c->candidate);
  g_free (c);
}

static void
on_ice_candidate_main (TcCallSession *self,
                       gpointer       data)
{
  LocalCandidate *c = data;

  emit_local_candidate (self, c->mline, c->candidate);
}

static void
on_ice_candidate (GstElement *webrtc,
                  guint       mline,
                  const char *candidate,
                  gpointer    user_data)
{
  LocalCandidate *c = g_new0 (LocalCandidate, 1);

  c->mline = mline;
  c->candidate = g_strdup (candidate ? candidate : "");
  hop (user_data, on_ice_candidate_main, c, local_candidate_free);
}

static void
on_gathering_done_main (TcCallSession *self,
                        gpointer       data)
{
  /* webrtcbin 1.22 does not signal end-of-candidates itself: say it for it (W3C: empty). */
  if (self->gathering_done_sent || self->local_sdp == NULL)
    return;
  self->gathering_done_sent = TRUE;
  emit_local_candidate (self, 0, "");
}

static void
on_ice_gathering_state (GstElement *webrtc,
                        GParamSpec *pspec,
                        gpointer    user_data)
{
  GstWebRTCICEGatheringState state;

  g_object_get (webrtc, "ice-gathering-state", &state, NULL);
  if (state == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE)
    hop (user_data, on_gathering_done_main, NULL, NULL);
}

static gboolean
promise_error (GstPromise  *promise,
               GError     **error)
{
  const GstStructure *reply;

  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_FAILED, "webrtcbin did not answer");
      return TRUE;
    }
  reply = gst_promise_get_reply (promise);
  if (reply != NULL && gst_structure_has_field (reply, "error"))
    {
      GError *e = NULL;

      gst_structure_get (reply, "error", G_TYPE_ERROR, &e, NULL);
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_SDP, "%s",
                   e ? e->message : "description refused");
      g_clear_error (&e);
      return TRUE;
    }
  return FALSE;
}

static void
set_local_main (TcCallSession *self,
                gpointer       data)
{
  GstWebRTCSessionDescription *desc = data;
  g_autoptr(GstPromise) promise = NULL;
  const char *type = desc->type == GST_WEBRTC_SDP_TYPE_OFFER ? "offer" : "answer";

  promise = gst_promise_new ();
  g_signal_emit_by_name (self->webrtc, "set-local-description", desc, promise);

  g_free (self->local_sdp);
  self->local_sdp = gst_sdp_message_as_text (desc->sdp);
  g_clear_pointer (&self->local_mids, g_ptr_array_unref);
  self->local_mids = tc_call_media_get_mids (desc->sdp);
  if (self->state == TC_CALL_STATE_NEW)
    set_state (self, TC_CALL_STATE_CONNECTING);

  g_signal_emit (self, signals[SIGNAL_LOCAL_DESCRIPTION], 0, type, self->local_sdp);
  maybe_compute_verification (self);
}

static void
on_description_created (GstPromise *promise,
                        gpointer    user_data)
{
  TcCallSession *self = user_data;
  const GstStructure *reply;
  GstWebRTCSessionDescription *desc = NULL;
  const char *field = self->role == TC_CALL_ROLE_OFFERER ? "offer" : "answer";
  g_autoptr(GError) error = NULL;

  if (!promise_error (promise, &error))
    {
      reply = gst_promise_get_reply (promise);
      if (reply != NULL)
        gst_structure_get (reply, field, GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &desc, NULL);
    }
  if (desc == NULL)
    {
      g_debug ("creating the %s failed: %s", field, error ? error->message : "no description");
      return;
    }
  hop (self, set_local_main, desc, (GDestroyNotify) gst_webrtc_session_description_free);
}

static void
create_description (TcCallSession *self)
{
  GstPromise *promise = gst_promise_new_with_change_func (on_description_created,
                                                          g_object_ref (self), g_object_unref);

  g_signal_emit_by_name (self->webrtc,
                         self->role == TC_CALL_ROLE_OFFERER ? "create-offer" : "create-answer",
                         NULL, promise);
  gst_promise_unref (promise);
}

static void
free_pending_candidate (gpointer data)
{
  PendingCandidate *c = data;

  g_free (c->mid);
  g_free (c->candidate);
  g_free (c);
}

static void
add_candidate_now (TcCallSession *self,
                   const char    *mid,
                   int            mline,
                   const char    *candidate)
{
  if (mline < 0 && self->remote_mids != NULL)
    for (guint i = 0; i < self->remote_mids->len; i++)
      if (g_strcmp0 (g_ptr_array_index (self->remote_mids, i), mid) == 0)
        {
          mline = (int) i;
          break;
        }
  if (mline < 0)
    {
      g_debug ("dropping a candidate for an unknown mid");
      return;
    }
  g_signal_emit_by_name (self->webrtc, "add-ice-candidate", (guint) mline, candidate);
}

static void
on_remote_set_main (TcCallSession *self,
                    gpointer       data)
{
  GError *error = data;

  self->remote_pending = FALSE;
  if (error != NULL)
    {
      fail (self, error);
      return;
    }
  self->remote_set = TRUE;

  while (!g_queue_is_empty (&self->pending_candidates))
    {
      PendingCandidate *c = g_queue_pop_head (&self->pending_candidates);

      add_candidate_now (self, c->mid, c->mline, c->candidate);
      free_pending_candidate (c);
    }

  if (self->role == TC_CALL_ROLE_ANSWERER)
    create_description (self);
  maybe_compute_verification (self);
}

static void
on_remote_set (GstPromise *promise,
               gpointer    user_data)
{
  GError *error = NULL;

  promise_error (promise, &error);
  hop (user_data, on_remote_set_main, error, (GDestroyNotify) g_error_free);
}

static void
maybe_compute_verification (TcCallSession *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *words = NULL;

  if (self->verification_code != NULL || self->local_sdp == NULL || self->remote_sdp == NULL ||
      !self->remote_set)
    return;

  if (!tc_verification_compute (self->local_sdp, self->remote_sdp, &code, &words, &error))
    {
      g_message ("no verification code: %s", error->message);
      return;
    }
  self->verification_code = g_steal_pointer (&code);
  self->verification_words = g_steal_pointer (&words);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_VERIFICATION_CODE]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_VERIFICATION_WORDS]);
}

/* ---- received media ---- */

static GstPadProbeReturn
count_frame (GstPad          *pad,
             GstPadProbeInfo *info,
             gpointer         user_data)
{
  g_atomic_int_inc ((gint *) user_data);
  return GST_PAD_PROBE_OK;
}

static void
on_pad_added (GstElement *webrtc,
              GstPad     *pad,
              gpointer    user_data)
{
  TcCallSession *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GstCaps) caps = NULL;
  GstElement *sink = NULL;
  GstElement *frames;
  const char *media = NULL;
  gboolean is_video = FALSE;
  gboolean clinical = FALSE;
  int mline = -1;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;

  caps = gst_pad_get_current_caps (pad);
  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  if (caps != NULL && !gst_caps_is_empty (caps))
    media = gst_structure_get_string (gst_caps_get_structure (caps, 0), "media");

  {
    g_autoptr(GstWebRTCRTPTransceiver) trans = NULL;

    g_object_get (pad, "transceiver", &trans, NULL);
    if (trans != NULL)
      {
        guint index = G_MAXUINT;

        g_object_get (trans, "mlineindex", &index, NULL);
        mline = index == G_MAXUINT ? -1 : (int) index;
      }
  }

  /* Runs on a streaming thread and must link now, or the first buffers are not-linked. */
  g_mutex_lock (&self->lock);
  if (mline >= 0 && mline == self->exam_mline)
    {
      clinical = TRUE;
      sink = g_steal_pointer (&self->remote_exam_sink);
    }
  else if (mline >= 0 && mline == self->stethoscope_mline)
    {
      clinical = TRUE;
      sink = g_steal_pointer (&self->remote_stethoscope_sink);
    }
  else if (g_strcmp0 (media, "video") == 0)
    sink = g_steal_pointer (&self->remote_video_sink);
  else if (g_strcmp0 (media, "audio") == 0)
    sink = g_steal_pointer (&self->remote_audio_sink);
  g_mutex_unlock (&self->lock);

  if (clinical)
    {
      /* Not counted in the call's stats (another sequence space); no echo probe: the one
       * probe follows the voice, and the stethoscope is not what the microphone hears. */
      if (sink == NULL)
        {
          sink = gst_element_factory_make ("fakesink", NULL);
          g_object_set (sink, "async", FALSE, NULL);
        }
      frames = tc_call_media_link_receive (GST_BIN (self->pipeline), pad, sink, NULL, &is_video, &error);
      if (frames == NULL)
        g_debug ("could not play a received clinical stream: %s", error->message);
      return;
    }

  if (sink == NULL)
    {
      sink = gst_element_factory_make ("fakesink", NULL);
      g_object_set (sink, "async", FALSE, NULL);
    }

  if (g_strcmp0 (media, "video") == 0)
    tc_seq_counter_attach (&self->seq_video, pad);
  else if (g_strcmp0 (media, "audio") == 0)
    tc_seq_counter_attach (&self->seq_audio, pad);

  frames = tc_call_media_link_receive (GST_BIN (self->pipeline), pad, sink,
                                       self->echo_probe, &is_video, &error);
  if (frames == NULL)
    {
      g_debug ("could not play a received stream: %s", error->message);
      return;
    }
  if (is_video)
    {
      GstPad *src = gst_element_get_static_pad (frames, "src");

      gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, count_frame, &self->frames_in, NULL);
      g_mutex_lock (&self->lock);
      g_clear_object (&self->frames_in_pad);
      self->frames_in_pad = src;
      g_mutex_unlock (&self->lock);
    }
}

/* ---- stats ---- */

static void
pad_size (GstPad *pad,
          guint  *width,
          guint  *height)
{
  g_autoptr(GstCaps) caps = NULL;
  GstVideoInfo info;

  *width = *height = 0;
  if (pad == NULL)
    return;
  caps = gst_pad_get_current_caps (pad);
  if (caps != NULL && gst_video_info_from_caps (&info, caps))
    {
      *width = GST_VIDEO_INFO_WIDTH (&info);
      *height = GST_VIDEO_INFO_HEIGHT (&info);
    }
}

static guint
kbps (guint64 now,
      guint64 before,
      double  seconds)
{
  if (now < before || seconds <= 0)
    return 0;
  return (guint) ((now - before) * 8.0 / 1000.0 / seconds + 0.5);
}

static void apply_adaptation (TcCallSession *self);

static void
on_stats_main (TcCallSession *self,
               gpointer       data)
{
  TcRawStats *raw = data;
  TcCallStats *st = &self->last_stats;
  gint64 now = g_get_monotonic_time ();
  double seconds = self->last_raw_us ? (now - self->last_raw_us) / 1e6 : 0;
  int frames_in = g_atomic_int_and ((guint *) &self->frames_in, 0);
  int frames_out = g_atomic_int_and ((guint *) &self->frames_out, 0);
  GstPad *in_pad = NULL;

  self->stats_pending = FALSE;

  tc_call_stats_init (st);
  st->monotonic_us = now;
  st->rtt_ms = raw->rtt_ms;
  st->loss_out = raw->loss_out;
  st->packets_lost_out = raw->lost_out;
  st->packets_received = (gint64) raw->packets_in;
  st->jitter_in_ms = raw->jitter_ms;
  st->local_candidate_type = raw->local_type;
  st->remote_candidate_type = raw->remote_type;
  g_strlcpy (st->local_address, raw->local_address, sizeof st->local_address);
  g_strlcpy (st->remote_address, raw->remote_address, sizeof st->remote_address);

  {
    guint64 ea, ra, ev, rv, expected, received;

    tc_seq_counter_read (&self->seq_audio, &ea, &ra);
    tc_seq_counter_read (&self->seq_video, &ev, &rv);
    expected = ea + ev;
    received = ra + rv;
    st->packets_lost_in = MAX (raw->lost_in, (gint64) (expected - received));
    if (expected > self->last_expected)
      {
        guint64 e = expected - self->last_expected;
        guint64 r = received - self->last_received;

        st->loss_in = r >= e ? 0.0 : (double) (e - r) / (double) e;
      }
    self->last_expected = expected;
    self->last_received = received;
  }

  if (seconds > 0)
    {

      st->bitrate_in_kbps = kbps (raw->bytes_in, self->last_raw.bytes_in, seconds);
      st->bitrate_out_kbps = kbps (raw->bytes_out, self->last_raw.bytes_out, seconds);
      st->audio_bitrate_in_kbps = kbps (raw->audio_bytes_in, self->last_raw.audio_bytes_in, seconds);
      st->video_bitrate_in_kbps = kbps (raw->video_bytes_in, self->last_raw.video_bytes_in, seconds);
      st->fps_in = frames_in / seconds;
      st->fps_out = frames_out / seconds;
    }
  self->last_raw = *raw;
  self->last_raw_us = now;

  g_mutex_lock (&self->lock);
  if (self->frames_in_pad != NULL)
    in_pad = gst_object_ref (self->frames_in_pad);
  g_mutex_unlock (&self->lock);
  pad_size (in_pad, &st->width_in, &st->height_in);
  g_clear_object (&in_pad);
  if (self->video.scale_caps != NULL && !self->audio_only)
    {
      g_autoptr(GstPad) out_pad = gst_element_get_static_pad (self->video.scale_caps, "src");

      pad_size (out_pad, &st->width_out, &st->height_out);
    }

  if (self->adaptive && self->adaptation != NULL && !self->audio_only_forced &&
      self->state == TC_CALL_STATE_CONNECTED && seconds > 0 &&
      tc_adaptation_feed (self->adaptation, st))
    apply_adaptation (self);

  if (self->adaptation != NULL)
    st->target_bitrate_kbps = tc_adaptation_get_step (self->adaptation)->bitrate_kbps;
  st->audio_only = self->audio_only;
  st->quality = tc_quality_evaluate (st);
  self->have_stats = TRUE;

  g_signal_emit (self, signals[SIGNAL_STATS], 0, st);
}

static void
on_stats_reply (GstPromise *promise,
                gpointer    user_data)
{
  TcRawStats *raw = g_new0 (TcRawStats, 1);

  if (gst_promise_wait (promise) == GST_PROMISE_RESULT_REPLIED)
    tc_call_media_parse_stats (gst_promise_get_reply (promise), raw);
  else
    tc_call_media_parse_stats (NULL, raw);
  hop (user_data, on_stats_main, raw, g_free);
}

static gboolean
stats_tick (gpointer user_data)
{
  TcCallSession *self = user_data;
  GstPromise *promise;

  /* A reply may never come (webrtcbin 1.22 stalls during a hung DTLS handshake): after a
   * few seconds ask again rather than go without stats for the rest of the call. */
  if (self->webrtc == NULL ||
      (self->stats_pending && g_get_monotonic_time () - self->stats_requested_us < 5 * G_USEC_PER_SEC))
    return G_SOURCE_CONTINUE;
  self->stats_pending = TRUE;
  self->stats_requested_us = g_get_monotonic_time ();
  promise = gst_promise_new_with_change_func (on_stats_reply, g_object_ref (self), g_object_unref);
  g_signal_emit_by_name (self->webrtc, "get-stats", NULL, promise);
  gst_promise_unref (promise);
  return G_SOURCE_CONTINUE;
}

/* ICE may not notice a peer that vanished (1.22 has no consent freshness), and webrtcbin may
 * stop answering get-stats while a DTLS handshake hangs: this watch reads only our own RTP
 * counters. */
static gboolean
silence_watch (gpointer user_data)
{
  TcCallSession *self = user_data;
  guint64 ea, ra, ev, rv;
  gint64 now = g_get_monotonic_time ();

  tc_seq_counter_read (&self->seq_audio, &ea, &ra);
  tc_seq_counter_read (&self->seq_video, &ev, &rv);
  if (ra + rv != self->watch_received || self->state != TC_CALL_STATE_CONNECTED ||
      self->last_rx_progress_us == 0)
    {
      self->watch_received = ra + rv;
      self->last_rx_progress_us = now;
      return G_SOURCE_CONTINUE;
    }
  if (now - self->last_rx_progress_us >= (gint64) self->grace_period_ms * 1000)
    {
      g_message ("nothing received for %u ms: the call needs rebuilding", self->grace_period_ms);
      self->watch_source = 0;
      request_rebuild (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* ---- adaptation ---- */

static void
set_video_flowing (TcCallSession *self,
                   gboolean       flowing)
{
  if (self->video.valve != NULL)
    g_object_set (self->video.valve, "drop", !flowing, NULL);
  /* Audio-only stops the exam camera too; it resumes only if it was switched on. */
  if (self->exam.valve != NULL)
    g_object_set (self->exam.valve, "drop", !flowing || !self->exam_active, NULL);
  if (flowing && self->video.encoder != NULL)
    {
      g_autoptr(GstPad) pad = gst_element_get_static_pad (self->video.encoder, "sink");

      gst_pad_send_event (pad, gst_video_event_new_downstream_force_key_unit (GST_CLOCK_TIME_NONE,
                          GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE, TRUE, 0));
    }
}

static void
update_audio_only (TcCallSession *self,
                   gboolean       audio_only)
{
  if (self->audio_only == audio_only)
    return;
  self->audio_only = audio_only;
  set_video_flowing (self, !audio_only);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_AUDIO_ONLY]);
  g_signal_emit (self, signals[SIGNAL_AUDIO_ONLY_CHANGED], 0, audio_only);
}

static void
apply_adaptation (TcCallSession *self)
{
  const TcAdaptationStep *step = tc_adaptation_get_step (self->adaptation);

  g_debug ("adaptation level %u: %ux%u@%u %u kbit/s%s", tc_adaptation_get_level (self->adaptation),
           step->width, step->height, step->fps, step->bitrate_kbps,
           step->audio_only ? " audio only" : "");

  if (!step->audio_only && self->video.encoder != NULL)
    {
      g_autoptr(GstCaps) caps = gst_caps_new_simple ("video/x-raw",
                                                     "width", G_TYPE_INT, (int) step->width,
                                                     "height", G_TYPE_INT, (int) step->height,
                                                     "framerate", GST_TYPE_FRACTION, (int) step->fps, 1,
                                                     NULL);

      if (self->sent_codec == TC_VIDEO_CODEC_VP8)
        g_object_set (self->video.encoder, "target-bitrate", (int) step->bitrate_kbps * 1000, NULL);
      else
        g_object_set (self->video.encoder, "bitrate", step->bitrate_kbps * 1000, NULL);
      g_object_set (self->video.scale_caps, "caps", caps, NULL);
      /* The exam camera follows the same step: it shares the link. */
      if (self->exam.encoder != NULL)
        {
          if (self->sent_codec == TC_VIDEO_CODEC_VP8)
            g_object_set (self->exam.encoder, "target-bitrate", (int) step->bitrate_kbps * 1000, NULL);
          else
            g_object_set (self->exam.encoder, "bitrate", step->bitrate_kbps * 1000, NULL);
          g_object_set (self->exam.scale_caps, "caps", caps, NULL);
        }
    }
  update_audio_only (self, step->audio_only);
}

/* ---- pipeline ---- */

static GstElement *
on_request_aux_sender (GstElement *webrtc,
                       GObject    *dtls_transport,
                       gpointer    user_data)
{
  TcCallSession *self = user_data;
  GstElement *netsim;

  if (self->simulated_loss <= 0 || !tc_media_factory_has_element ("netsim"))
    return NULL;
  netsim = gst_element_factory_make ("netsim", NULL);
  g_object_set (netsim, "drop-probability", (float) self->simulated_loss, NULL);
  return netsim;
}

static gboolean
setup_ice (TcCallSession  *self,
           GError        **error)
{
  g_autoptr(GObject) agent = NULL;

  if (self->stun_uri != NULL)
    g_object_set (self->webrtc, "stun-server", self->stun_uri, NULL);
  for (guint i = 0; i < self->turn_uris->len; i++)
    {
      gboolean ok = FALSE;

      g_signal_emit_by_name (self->webrtc, "add-turn-server", g_ptr_array_index (self->turn_uris, i), &ok);
      if (!ok)
        g_message ("webrtcbin refused TURN server %u", i);
    }
  if (self->relay_only)
    g_object_set (self->webrtc, "ice-transport-policy", GST_WEBRTC_ICE_TRANSPORT_POLICY_RELAY, NULL);

  g_object_get (self->webrtc, "ice-agent", &agent, NULL);
  if (agent == NULL)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_FAILED, "webrtcbin has no ICE agent");
      return FALSE;
    }
  if (self->max_port != 0)
    g_object_set (agent, "max-rtp-port", self->max_port, NULL);
  if (self->min_port != 0)
    g_object_set (agent, "min-rtp-port", self->min_port, NULL);
  g_object_set (agent, "ice-tcp", FALSE, NULL);
  {
    g_autoptr(GObject) nice_agent = NULL;

    /* No UPnP port mappings on the patient's router; it also slows gathering, and its
     * warnings are fatal under G_DEBUG=fatal-warnings.  Set once, before gathering. */
    g_object_get (agent, "agent", &nice_agent, NULL);
    if (nice_agent != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (nice_agent), "upnp"))
      g_object_set (nice_agent, "upnp", FALSE, NULL);
    /* Keepalives that expect an answer, so a vanished peer turns ICE to failed. */
    if (nice_agent != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (nice_agent), "keepalive-conncheck"))
      g_object_set (nice_agent, "keepalive-conncheck", TRUE, NULL);
  }
  for (guint i = 0; i < self->local_addresses->len; i++)
    {
      gboolean ok = FALSE;

      g_signal_emit_by_name (agent, "add-local-ip-address", g_ptr_array_index (self->local_addresses, i), &ok);
      if (!ok)
        {
          g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_FAILED, "Invalid local address %s",
                       (const char *) g_ptr_array_index (self->local_addresses, i));
          return FALSE;
        }
    }
  return TRUE;
}

static void
set_transceiver_options (GstPad   *webrtc_pad,
                         gboolean  video)
{
  g_autoptr(GstWebRTCRTPTransceiver) trans = NULL;

  g_object_get (webrtc_pad, "transceiver", &trans, NULL);
  if (trans == NULL)
    return;
  g_object_set (trans, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV, NULL);
  /* NACK + RTX for video; Opus has its own in-band FEC and a retransmitted voice packet
   * usually arrives too late to play. */
  if (video)
    g_object_set (trans, "do-nack", TRUE, NULL);
}

static GstPadProbeReturn
count_out (GstPad          *pad,
           GstPadProbeInfo *info,
           gpointer         user_data)
{
  g_atomic_int_inc ((gint *) user_data);
  return GST_PAD_PROBE_OK;
}

static GstElement *
make_exam_preview (TcCallSession *self)
{
  GstElement *bin = gst_bin_new ("exam-preview");
  GstElement *tee = gst_element_factory_make ("tee", NULL);
  GstElement *still_queue = gst_element_factory_make ("queue", NULL);
  GstElement *still = gst_element_factory_make ("appsink", "exam-still");
  GstElement *valve = gst_element_factory_make ("valve", NULL);
  GstElement *sink = tc_media_factory_create_video_sink (self->factory, TC_VIDEO_SINK_ROLE_EXAM_PREVIEW);
  g_autoptr(GstPad) pad = NULL;

  /* Nothing reaches the preview while the exam camera is off: a UI that has no place for it
   * yet is not disturbed. */
  g_object_set (valve, "drop", !self->exam_active, NULL);
  /* The still branch keeps only the newest frame and never holds the camera back. */
  g_object_set (still_queue, "leaky", 2, "max-size-buffers", 1, "max-size-bytes", 0,
                "max-size-time", (guint64) 0, NULL);
  g_object_set (still, "max-buffers", 1, "drop", TRUE, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add_many (GST_BIN (bin), tee, valve, sink, still_queue, still, NULL);
  gst_element_link_many (tee, valve, sink, NULL);
  gst_element_link_many (tee, still_queue, still, NULL);
  pad = gst_element_get_static_pad (tee, "sink");
  gst_element_add_pad (bin, gst_ghost_pad_new ("sink", pad));
  self->exam_preview_valve = valve;
  self->exam_still_sink = still;
  return bin;
}

/* webrtcbin 1.22 writes a=ssrc only for the caps it has seen; a track that sends nothing yet
 * would have none, and the peer's bundle demuxer would hand its packets to the first video
 * m-line.  A fixed SSRC in the caps after the payloader goes into the first offer. */
static void
announce_ssrc (GstElement *payloader)
{
  g_autoptr(GstPad) src = gst_element_get_static_pad (payloader, "src");
  g_autoptr(GstPad) peer = gst_pad_get_peer (src);
  g_autoptr(GstElement) filter = peer != NULL ? gst_pad_get_parent_element (peer) : NULL;
  g_autoptr(GstCaps) caps = NULL;
  guint32 ssrc = g_random_int_range (1, G_MAXINT32);

  g_object_set (payloader, "ssrc", ssrc, NULL);
  if (filter == NULL || g_object_class_find_property (G_OBJECT_GET_CLASS (filter), "caps") == NULL)
    return;
  g_object_get (filter, "caps", &caps, NULL);
  if (caps == NULL)
    return;
  caps = gst_caps_make_writable (caps);
  gst_caps_set_simple (caps, "ssrc", G_TYPE_UINT, ssrc, NULL);
  g_object_set (filter, "caps", caps, NULL);
}

/* The exam camera and the stethoscope: negotiated now (webrtcbin 1.22 renegotiates poorly),
 * silent until switched on.  The exam camera's frames are dropped before the encoder (the
 * transceiver stays, nothing is sent); the stethoscope sends silence (muted volume), so its
 * decoder and jitter buffer are warm when it is switched on. */
static gboolean
build_clinical (TcCallSession  *self,
                TcVideoCodec    codec,
                int             video_pt,
                const char     *h264_profile,
                int             audio_pt,
                GError        **error)
{
  TcMediaFactory *f = self->factory;

  if (audio_pt >= 0)
    {
      GstElement *steth = tc_media_factory_create_source (f, TC_SOURCE_STETHOSCOPE, error);

      if (steth == NULL)
        return FALSE;
      /* Every voice treatment off: no webrtcdsp (noise suppression would fade a heartbeat). */
      if (!tc_call_media_build_audio_send (GST_BIN (self->pipeline), self->webrtc, steth, NULL,
                                           audio_pt, &self->stethoscope, error))
        return FALSE;
      tc_media_factory_configure_opus (f, self->stethoscope.encoder, TC_SOURCE_STETHOSCOPE);
      g_object_set (self->stethoscope.volume, "mute", !self->stethoscope_active, NULL);
      set_transceiver_options (self->stethoscope.webrtc_pad, FALSE);
    }
  if (video_pt >= 0)
    {
      GstElement *camera = tc_media_factory_create_source (f, TC_SOURCE_EXAM_CAMERA, error);

      if (camera == NULL)
        return FALSE;
      if (!tc_call_media_build_video_send (GST_BIN (self->pipeline), self->webrtc, camera,
                                           make_exam_preview (self), codec, video_pt, h264_profile, FALSE,
                                           tc_media_factory_get_width (f), tc_media_factory_get_height (f),
                                           tc_media_factory_get_framerate (f), &self->exam, error))
        return FALSE;
      set_transceiver_options (self->exam.webrtc_pad, TRUE);
      g_object_set (self->exam.valve, "drop", !self->exam_active, NULL);
      announce_ssrc (self->exam.payloader);
    }
  return TRUE;
}

/* Builds the send side.  @video_pt/@audio_pt < 0: that kind is not sent (the offer lacks it).
 * @clinical: also the exam camera and stethoscope tracks (after the voice and face ones, so
 * they take the second audio and video m-lines). */
static gboolean
build_media (TcCallSession  *self,
             TcVideoCodec    codec,
             int             video_pt,
             const char     *h264_profile,
             int             audio_pt,
             gboolean        clinical,
             GError        **error)
{
  TcMediaFactory *f = self->factory;

  if (self->media_built)
    return TRUE;
  self->media_built = TRUE;
  self->sent_codec = codec;

  if (audio_pt >= 0)
    {
      GstElement *mic = tc_media_factory_create_source (f, TC_SOURCE_VOICE_MIC, error);
      GstElement *dsp;

      if (mic == NULL)
        return FALSE;
      dsp = self->echo_probe ? tc_media_factory_create_voice_processor (f, self->probe_name) : NULL;
      if (!tc_call_media_build_audio_send (GST_BIN (self->pipeline), self->webrtc, mic, dsp,
                                           audio_pt, &self->audio, error))
        return FALSE;
      tc_media_factory_configure_opus (f, self->audio.encoder, TC_SOURCE_VOICE_MIC);
      g_object_set (self->audio.volume, "mute", self->mic_muted, NULL);
      set_transceiver_options (self->audio.webrtc_pad, FALSE);
    }

  if (video_pt >= 0)
    {
      GstElement *camera = tc_media_factory_create_source (f, TC_SOURCE_FACE_CAMERA, error);
      GstElement *preview;
      g_autoptr(GstPad) enc_sink = NULL;

      if (camera == NULL)
        return FALSE;
      preview = tc_media_factory_create_video_sink (f, TC_VIDEO_SINK_ROLE_LOCAL_PREVIEW);
      if (!tc_call_media_build_video_send (GST_BIN (self->pipeline), self->webrtc, camera, preview,
                                           codec, video_pt, h264_profile, self->role == TC_CALL_ROLE_OFFERER,
                                           tc_media_factory_get_width (f), tc_media_factory_get_height (f),
                                           tc_media_factory_get_framerate (f), &self->video, error))
        return FALSE;
      set_transceiver_options (self->video.webrtc_pad, TRUE);
      enc_sink = gst_element_get_static_pad (self->video.encoder, "sink");
      gst_pad_add_probe (enc_sink, GST_PAD_PROBE_TYPE_BUFFER, count_out, &self->frames_out, NULL);
      if (!self->camera_enabled)
        g_object_set (self->video.balance, "contrast", 0.0, "saturation", 0.0, NULL);
      self->adaptation = tc_adaptation_new (tc_media_factory_get_width (f),
                                            tc_media_factory_get_height (f),
                                            tc_media_factory_get_framerate (f));
      apply_adaptation (self);
      if (self->audio_only_forced)
        update_audio_only (self, TRUE);
    }
  if (clinical)
    return build_clinical (self, codec, video_pt, h264_profile, audio_pt, error);
  return TRUE;
}

/* Receive-only m-lines for the peer's exam camera and stethoscope, after the voice and face
 * ones, in the order a station would add them (second audio, then second video). */
static void
add_clinical_receivers (TcCallSession *self,
                        TcVideoCodec   codec)
{
  g_autoptr(GstCaps) audio = gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "audio",
                                                  "encoding-name", G_TYPE_STRING, "OPUS",
                                                  "clock-rate", G_TYPE_INT, 48000,
                                                  "payload", G_TYPE_INT, TC_PT_OPUS, NULL);
  g_autoptr(GstCaps) video = NULL;
  GstWebRTCRTPTransceiver *trans = NULL;

  if (codec == TC_VIDEO_CODEC_H264)
    video = gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "video",
                                 "encoding-name", G_TYPE_STRING, "H264", "clock-rate", G_TYPE_INT, 90000,
                                 "payload", G_TYPE_INT, TC_PT_H264,
                                 "packetization-mode", G_TYPE_STRING, "1",
                                 "profile-level-id", G_TYPE_STRING, "42e01f", NULL);
  else
    video = gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "video",
                                 "encoding-name", G_TYPE_STRING, "VP8", "clock-rate", G_TYPE_INT, 90000,
                                 "payload", G_TYPE_INT, TC_PT_VP8, NULL);
  g_signal_emit_by_name (self->webrtc, "add-transceiver", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY,
                         audio, &trans);
  gst_clear_object (&trans);
  g_signal_emit_by_name (self->webrtc, "add-transceiver", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY,
                         video, &trans);
  if (trans != NULL)
    g_object_set (trans, "do-nack", TRUE, NULL);
  gst_clear_object (&trans);
}

static TcVideoCodec
preferred_codec (TcCallSession *self)
{
  if (self->video_codec == TC_VIDEO_CODEC_H264 && tc_media_factory_has_element ("openh264enc") &&
      (tc_media_factory_has_element ("openh264dec") || tc_media_factory_has_element ("avdec_h264")))
    return TC_VIDEO_CODEC_H264;
  return TC_VIDEO_CODEC_VP8;
}

static void
create_offer_main (TcCallSession *self,
                   gpointer       data)
{
  create_description (self);
}

static gboolean
start_pipeline (TcCallSession  *self,
                GError        **error)
{
  GstWebRTCDataChannel *channel = NULL;

  self->webrtc = gst_element_factory_make ("webrtcbin", "webrtc");
  if (self->webrtc == NULL)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_MISSING_ELEMENT,
                   "The GStreamer element “webrtcbin” is not installed");
      return FALSE;
    }
  self->pipeline = gst_pipeline_new ("tc-call");
  gst_bin_add (GST_BIN (self->pipeline), self->webrtc);
  g_object_set (self->webrtc, "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, NULL);
  if (!setup_ice (self, error))
    return FALSE;

  self->bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  {
    GSource *source = gst_bus_create_watch (self->bus);

    g_source_set_callback (source, (GSourceFunc) on_bus_message, self, NULL);
    self->bus_watch = g_source_attach (source, self->context);
    g_source_unref (source);
  }

  g_signal_connect (self->webrtc, "on-ice-candidate", G_CALLBACK (on_ice_candidate), self);
  g_signal_connect (self->webrtc, "notify::ice-connection-state", G_CALLBACK (on_ice_connection_state), self);
  g_signal_connect (self->webrtc, "notify::ice-gathering-state", G_CALLBACK (on_ice_gathering_state), self);
  g_signal_connect (self->webrtc, "on-data-channel", G_CALLBACK (on_data_channel), self);
  g_signal_connect (self->webrtc, "pad-added", G_CALLBACK (on_pad_added), self);
  g_signal_connect (self->webrtc, "request-aux-sender", G_CALLBACK (on_request_aux_sender), self);

  /* The playback side's sinks and echo probe are made now, on this thread: the sink
   * functions belong to the UI, and webrtcdsp looks its probe up by name when it starts. */
  self->remote_video_sink = gst_object_ref_sink (tc_media_factory_create_video_sink (self->factory, TC_VIDEO_SINK_ROLE_REMOTE));
  self->remote_audio_sink = gst_object_ref_sink (tc_media_factory_create_audio_sink (self->factory));
  self->probe_name = g_strdup_printf ("tc-echo-probe-%p", (void *) self);
  self->echo_probe = tc_media_factory_create_echo_probe (self->factory, self->probe_name);
  if (self->echo_probe != NULL)
    gst_bin_add (GST_BIN (self->pipeline), self->echo_probe);

  if (self->role == TC_CALL_ROLE_OFFERER)
    {
      TcVideoCodec codec = preferred_codec (self);

      if (!build_media (self, codec, codec == TC_VIDEO_CODEC_H264 ? TC_PT_H264 : TC_PT_VP8, NULL,
                        TC_PT_OPUS, self->clinical_tracks, error))
        return FALSE;
      if (!self->clinical_tracks && self->clinical_receive)
        add_clinical_receivers (self, codec);
    }

  if (gst_element_set_state (self->pipeline, GST_STATE_READY) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_FAILED, "The media pipeline could not start");
      return FALSE;
    }

  if (self->role == TC_CALL_ROLE_OFFERER)
    {
      g_autoptr(GstStructure) options = gst_structure_new ("options", "ordered", G_TYPE_BOOLEAN, TRUE, NULL);

      g_signal_emit_by_name (self->webrtc, "create-data-channel", TC_CALL_SESSION_DATA_CHANNEL_LABEL,
                             options, &channel);
      if (channel == NULL)
        {
          g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_FAILED, "Could not create the data channel");
          return FALSE;
        }
      tc_call_channel_attach (self->channel, channel);
      g_object_unref (channel);
    }

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_FAILED, "The media pipeline could not start");
      return FALSE;
    }

  self->stats_source = add_timeout (self, STATS_INTERVAL_MS, stats_tick);
  self->watch_source = add_timeout (self, 250, silence_watch);
  if (self->role == TC_CALL_ROLE_OFFERER)
    hop (self, create_offer_main, NULL, NULL);
  return TRUE;
}

gboolean
tc_call_session_start (TcCallSession  *self,
                       GError        **error)
{
  g_return_val_if_fail (TC_IS_CALL_SESSION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->started)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_STATE, "The call was already started");
      return FALSE;
    }
  self->started = TRUE;

  if (!start_pipeline (self, error))
    {
      /* Nothing half-built keeps running; the owner sees FAILED and the error. */
      teardown (self);
      set_state (self, TC_CALL_STATE_FAILED);
      return FALSE;
    }
  return TRUE;
}

static int
nth_media (const GstSDPMessage *sdp,
           const char          *media,
           guint                nth)
{
  guint seen = 0;

  for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
    if (g_strcmp0 (gst_sdp_media_get_media (gst_sdp_message_get_media (sdp, i)), media) == 0 && seen++ == nth)
      return (int) i;
  return -1;
}

static guint
count_media (const GstSDPMessage *sdp,
             const char          *media)
{
  guint n = 0;

  while (nth_media (sdp, media, n) >= 0)
    n++;
  return n;
}

/* The answerer sends what the offer can receive, with the offer's own payload types, so
 * webrtcbin finds a matching transceiver and answers sendrecv (not recvonly). */
static gboolean
build_media_from_offer (TcCallSession        *self,
                        const GstSDPMessage  *sdp,
                        GError              **error)
{
  TcVideoCodec codec = preferred_codec (self);
  int vp8 = tc_call_media_find_payload (sdp, "video", "VP8", NULL);
  g_autofree char *h264_profile = NULL;
  int h264 = tc_call_media_find_h264 (sdp, &h264_profile);
  int opus = tc_call_media_find_payload (sdp, "audio", "OPUS", NULL);
  int video_pt = -1;

  if (codec == TC_VIDEO_CODEC_H264 && h264 >= 0)
    video_pt = h264;
  else if (vp8 >= 0)
    {
      codec = TC_VIDEO_CODEC_VP8;
      video_pt = vp8;
    }
  else if (h264 >= 0 && tc_media_factory_has_element ("openh264enc"))
    {
      codec = TC_VIDEO_CODEC_H264;
      video_pt = h264;
    }

  /* webrtcbin matches our unassociated transceivers to the offer's m-lines by kind, so
   * the order we build them in does not matter. */
  return build_media (self, codec, video_pt, codec == TC_VIDEO_CODEC_H264 ? h264_profile : NULL,
                      opus, self->clinical_tracks && count_media (sdp, "video") >= 2
                      && count_media (sdp, "audio") >= 2, error);
}

gboolean
tc_call_session_set_remote_description (TcCallSession  *self,
                                        const char     *type,
                                        const char     *sdp,
                                        GError        **error)
{
  g_autoptr(GstSDPMessage) msg = NULL;
  GstWebRTCSessionDescription *desc;
  GstWebRTCSDPType sdp_type;
  GstPromise *promise;

  g_return_val_if_fail (TC_IS_CALL_SESSION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!self->started || self->stopped)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_STATE, "The call is not running");
      return FALSE;
    }
  if (g_strcmp0 (type, "offer") == 0 && self->role == TC_CALL_ROLE_ANSWERER)
    sdp_type = GST_WEBRTC_SDP_TYPE_OFFER;
  else if (g_strcmp0 (type, "answer") == 0 && self->role == TC_CALL_ROLE_OFFERER)
    sdp_type = GST_WEBRTC_SDP_TYPE_ANSWER;
  else
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_STATE,
                   "Unexpected description type for this side of the call");
      return FALSE;
    }
  if (self->remote_set || self->remote_pending)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_STATE,
                   "The remote description was already set (renegotiation is not supported)");
      return FALSE;
    }
  if (sdp == NULL || strnlen (sdp, MAX_SDP_BYTES + 1) > MAX_SDP_BYTES || !g_utf8_validate (sdp, -1, NULL))
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_SDP, "The description is missing, too large or not text");
      return FALSE;
    }
  if (gst_sdp_message_new_from_text (sdp, &msg) != GST_SDP_OK || gst_sdp_message_medias_len (msg) == 0)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_SDP, "The description could not be parsed");
      return FALSE;
    }
  for (guint i = 0; i < gst_sdp_message_medias_len (msg); i++)
    {
      const char *proto = gst_sdp_media_get_proto (gst_sdp_message_get_media (msg, i));

      if (proto == NULL || (strstr (proto, "SAVPF") == NULL && strstr (proto, "DTLS/SCTP") == NULL))
        {
          g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_SDP, "The description offers unencrypted media");
          return FALSE;
        }
    }

  if (sdp_type == GST_WEBRTC_SDP_TYPE_OFFER && !build_media_from_offer (self, msg, error))
    return FALSE;

  /* The second video and audio m-lines are the exam camera and the stethoscope; their sinks
   * are made here, on the owner's thread, only when the peer offers or answers them. */
  {
    int exam = nth_media (msg, "video", 1);
    int steth = nth_media (msg, "audio", 1);
    GstElement *exam_sink = exam >= 0
      ? gst_object_ref_sink (tc_media_factory_create_video_sink (self->factory, TC_VIDEO_SINK_ROLE_REMOTE_EXAM))
      : NULL;
    GstElement *steth_sink = steth >= 0
      ? gst_object_ref_sink (tc_media_factory_create_audio_sink (self->factory))
      : NULL;

    g_mutex_lock (&self->lock);
    self->exam_mline = exam;
    self->stethoscope_mline = steth;
    gst_clear_object (&self->remote_exam_sink);
    gst_clear_object (&self->remote_stethoscope_sink);
    self->remote_exam_sink = exam_sink;
    self->remote_stethoscope_sink = steth_sink;
    g_mutex_unlock (&self->lock);
  }

  g_free (self->remote_sdp);
  self->remote_sdp = g_strdup (sdp);
  g_clear_pointer (&self->remote_mids, g_ptr_array_unref);
  self->remote_mids = tc_call_media_get_mids (msg);
  self->remote_pending = TRUE;
  if (self->state == TC_CALL_STATE_NEW)
    set_state (self, TC_CALL_STATE_CONNECTING);

  desc = gst_webrtc_session_description_new (sdp_type, g_steal_pointer (&msg));
  promise = gst_promise_new_with_change_func (on_remote_set, g_object_ref (self), g_object_unref);
  g_signal_emit_by_name (self->webrtc, "set-remote-description", desc, promise);
  gst_promise_unref (promise);
  gst_webrtc_session_description_free (desc);
  return TRUE;
}

gboolean
tc_call_session_add_remote_candidate (TcCallSession  *self,
                                      const char     *sdp_mid,
                                      int             sdp_mline_index,
                                      const char     *candidate,
                                      GError        **error)
{
  g_return_val_if_fail (TC_IS_CALL_SESSION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (candidate == NULL)
    candidate = "";
  if (strnlen (candidate, MAX_CANDIDATE_BYTES + 1) > MAX_CANDIDATE_BYTES ||
      (sdp_mid != NULL && strnlen (sdp_mid, 65) > 64) || sdp_mline_index > 63)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_CANDIDATE, "The ICE candidate is too large");
      return FALSE;
    }
  /* webrtcbin would take any other text as end-of-candidates. */
  if (*candidate != '\0' && !g_str_has_prefix (candidate, "candidate:") &&
      !g_str_has_prefix (candidate, "a=candidate:"))
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_CANDIDATE, "Not an ICE candidate");
      return FALSE;
    }
  if (sdp_mline_index < 0 && (sdp_mid == NULL || *sdp_mid == '\0'))
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_CANDIDATE, "The ICE candidate has no m-line");
      return FALSE;
    }
  if (!self->started || self->stopped)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_STATE, "The call is not running");
      return FALSE;
    }

  if (!self->remote_set)
    {
      PendingCandidate *c;

      if (self->pending_candidates.length >= MAX_PENDING_CANDIDATES)
        {
          g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_CANDIDATE, "Too many early ICE candidates");
          return FALSE;
        }
      c = g_new0 (PendingCandidate, 1);
      c->mid = g_strdup (sdp_mid);
      c->mline = sdp_mline_index;
      c->candidate = g_strdup (candidate);
      g_queue_push_tail (&self->pending_candidates, c);
      return TRUE;
    }
  add_candidate_now (self, sdp_mid, sdp_mline_index, candidate);
  return TRUE;
}

gboolean
tc_call_session_send_data (TcCallSession  *self,
                           const char     *text,
                           GError        **error)
{
  g_return_val_if_fail (TC_IS_CALL_SESSION (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->stopped || self->state == TC_CALL_STATE_FAILED)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NOT_OPEN, "The call has ended");
      return FALSE;
    }
  return tc_call_channel_send (self->channel, text, error);
}

/* ---- teardown ---- */


static void
teardown (TcCallSession *self)
{
  remove_source (self, &self->stats_source);
  remove_source (self, &self->grace_source);
  remove_source (self, &self->watch_source);

  if (self->pipeline == NULL)
    return;

  if (self->channel != NULL)
    tc_call_channel_close (self->channel);

  if (self->webrtc != NULL)
    g_signal_handlers_disconnect_by_data (self->webrtc, self);

  /* Flush the bus, stop everything together (webrtcbin still has its clock, so rtpsession
   * does not see RTCP without a running time), then take webrtcbin out of the pipeline so
   * the last references to its transports go with it. */
  remove_source (self, &self->bus_watch);
  if (self->bus != NULL)
    gst_bus_set_flushing (self->bus, TRUE);
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  if (self->webrtc != NULL)
    {
      gst_bin_remove (GST_BIN (self->pipeline), self->webrtc);
      self->webrtc = NULL;
    }

  g_mutex_lock (&self->lock);
  g_clear_object (&self->frames_in_pad);
  gst_clear_object (&self->remote_video_sink);
  gst_clear_object (&self->remote_audio_sink);
  gst_clear_object (&self->remote_exam_sink);
  gst_clear_object (&self->remote_stethoscope_sink);
  g_mutex_unlock (&self->lock);

  gst_clear_object (&self->video.webrtc_pad);
  gst_clear_object (&self->audio.webrtc_pad);
  gst_clear_object (&self->exam.webrtc_pad);
  gst_clear_object (&self->stethoscope.webrtc_pad);
  memset (&self->video, 0, sizeof self->video);
  memset (&self->audio, 0, sizeof self->audio);
  memset (&self->exam, 0, sizeof self->exam);
  memset (&self->stethoscope, 0, sizeof self->stethoscope);
  self->exam_preview_valve = NULL;
  self->exam_still_sink = NULL;
  self->echo_probe = NULL;
  gst_clear_object (&self->bus);
  gst_clear_object (&self->pipeline);
}

void
tc_call_session_stop (TcCallSession *self)
{
  g_return_if_fail (TC_IS_CALL_SESSION (self));

  if (self->stopped)
    return;
  self->stopped = TRUE;
  teardown (self);
  tc_call_channel_close (self->channel);
  g_queue_clear_full (&self->pending_candidates, free_pending_candidate);
  set_state (self, TC_CALL_STATE_ENDED);
}

/* ---- GObject ---- */

static void
tc_call_session_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TcCallSession *self = TC_CALL_SESSION (object);

  switch (prop_id)
    {
    case PROP_FACTORY:
      g_value_set_object (value, self->factory);
      break;
    case PROP_ROLE:
      g_value_set_enum (value, self->role);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_RELAY_ONLY:
      g_value_set_boolean (value, self->relay_only);
      break;
    case PROP_MIN_PORT:
      g_value_set_uint (value, self->min_port);
      break;
    case PROP_MAX_PORT:
      g_value_set_uint (value, self->max_port);
      break;
    case PROP_GRACE_PERIOD_MS:
      g_value_set_uint (value, self->grace_period_ms);
      break;
    case PROP_VIDEO_CODEC:
      g_value_set_enum (value, self->video_codec);
      break;
    case PROP_ADAPTIVE:
      g_value_set_boolean (value, self->adaptive);
      break;
    case PROP_AUDIO_ONLY:
      g_value_set_boolean (value, self->audio_only);
      break;
    case PROP_MICROPHONE_MUTED:
      g_value_set_boolean (value, self->mic_muted);
      break;
    case PROP_CAMERA_ENABLED:
      g_value_set_boolean (value, self->camera_enabled);
      break;
    case PROP_VERIFICATION_CODE:
      g_value_set_string (value, self->verification_code);
      break;
    case PROP_VERIFICATION_WORDS:
      g_value_set_string (value, self->verification_words);
      break;
    case PROP_SIMULATED_LOSS:
      g_value_set_double (value, self->simulated_loss);
      break;
    case PROP_CLINICAL_TRACKS:
      g_value_set_boolean (value, self->clinical_tracks);
      break;
    case PROP_CLINICAL_RECEIVE:
      g_value_set_boolean (value, self->clinical_receive);
      break;
    case PROP_EXAM_CAMERA_ACTIVE:
      g_value_set_boolean (value, self->exam_active);
      break;
    case PROP_STETHOSCOPE_ACTIVE:
      g_value_set_boolean (value, self->stethoscope_active);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_uint_prop (TcCallSession *self,
               guint         *field,
               guint          value,
               guint          prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static void
tc_call_session_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TcCallSession *self = TC_CALL_SESSION (object);

  switch (prop_id)
    {
    case PROP_FACTORY:
      self->factory = g_value_dup_object (value);
      break;
    case PROP_ROLE:
      self->role = g_value_get_enum (value);
      break;
    case PROP_RELAY_ONLY:
      set_uint_prop (self, (guint *) &self->relay_only, g_value_get_boolean (value), PROP_RELAY_ONLY);
      break;
    case PROP_MIN_PORT:
      set_uint_prop (self, &self->min_port, g_value_get_uint (value), PROP_MIN_PORT);
      break;
    case PROP_MAX_PORT:
      set_uint_prop (self, &self->max_port, g_value_get_uint (value), PROP_MAX_PORT);
      break;
    case PROP_GRACE_PERIOD_MS:
      set_uint_prop (self, &self->grace_period_ms, g_value_get_uint (value), PROP_GRACE_PERIOD_MS);
      break;
    case PROP_VIDEO_CODEC:
      set_uint_prop (self, (guint *) &self->video_codec, g_value_get_enum (value), PROP_VIDEO_CODEC);
      break;
    case PROP_ADAPTIVE:
      set_uint_prop (self, (guint *) &self->adaptive, g_value_get_boolean (value), PROP_ADAPTIVE);
      break;
    case PROP_AUDIO_ONLY:
      tc_call_session_set_audio_only (self, g_value_get_boolean (value));
      break;
    case PROP_MICROPHONE_MUTED:
      tc_call_session_set_microphone_muted (self, g_value_get_boolean (value));
      break;
    case PROP_CAMERA_ENABLED:
      tc_call_session_set_camera_enabled (self, g_value_get_boolean (value));
      break;
    case PROP_CLINICAL_TRACKS:
      tc_call_session_set_clinical_tracks (self, g_value_get_boolean (value));
      break;
    case PROP_CLINICAL_RECEIVE:
      if (self->started)
        g_warning ("clinical-receive must be set before the call starts");
      else if (self->clinical_receive != g_value_get_boolean (value))
        {
          self->clinical_receive = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_EXAM_CAMERA_ACTIVE:
      tc_call_session_set_exam_camera_active (self, g_value_get_boolean (value));
      break;
    case PROP_STETHOSCOPE_ACTIVE:
      tc_call_session_set_stethoscope_active (self, g_value_get_boolean (value));
      break;
    case PROP_SIMULATED_LOSS:
      if (self->simulated_loss != g_value_get_double (value))
        {
          self->simulated_loss = g_value_get_double (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_call_session_dispose (GObject *object)
{
  TcCallSession *self = TC_CALL_SESSION (object);

  if (!self->stopped)
    {
      self->stopped = TRUE;
      teardown (self);
    }
  if (self->channel != NULL)
    {
      tc_call_channel_close (self->channel);
      g_signal_handlers_disconnect_by_data (self->channel, self);
      g_clear_object (&self->channel);
    }
  g_clear_object (&self->factory);

  G_OBJECT_CLASS (tc_call_session_parent_class)->dispose (object);
}

static void
tc_call_session_finalize (GObject *object)
{
  TcCallSession *self = TC_CALL_SESSION (object);

  g_queue_clear_full (&self->pending_candidates, free_pending_candidate);
  g_clear_pointer (&self->adaptation, tc_adaptation_free);
  g_clear_pointer (&self->local_mids, g_ptr_array_unref);
  g_clear_pointer (&self->remote_mids, g_ptr_array_unref);
  g_clear_pointer (&self->turn_uris, g_ptr_array_unref);
  g_clear_pointer (&self->local_addresses, g_ptr_array_unref);
  g_free (self->stun_uri);
  g_free (self->local_sdp);
  g_free (self->remote_sdp);
  g_free (self->verification_code);
  g_free (self->verification_words);
  g_free (self->probe_name);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  tc_seq_counter_clear (&self->seq_audio);
  tc_seq_counter_clear (&self->seq_video);

  G_OBJECT_CLASS (tc_call_session_parent_class)->finalize (object);
}

static void
tc_call_session_class_init (TcCallSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = tc_call_session_get_property;
  object_class->set_property = tc_call_session_set_property;
  object_class->dispose = tc_call_session_dispose;
  object_class->finalize = tc_call_session_finalize;

  props[PROP_FACTORY] =
    g_param_spec_object ("factory", NULL, NULL, TC_TYPE_MEDIA_FACTORY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_ROLE] =
    g_param_spec_enum ("role", NULL, NULL, TC_TYPE_CALL_ROLE, TC_CALL_ROLE_OFFERER,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TC_TYPE_CALL_STATE, TC_CALL_STATE_NEW, ro);
  props[PROP_RELAY_ONLY] =
    g_param_spec_boolean ("relay-only", NULL, NULL, FALSE, rw);
  props[PROP_MIN_PORT] =
    g_param_spec_uint ("min-port", NULL, NULL, 0, 65535, 0, rw);
  props[PROP_MAX_PORT] =
    g_param_spec_uint ("max-port", NULL, NULL, 0, 65535, 0, rw);
  props[PROP_GRACE_PERIOD_MS] =
    g_param_spec_uint ("grace-period-ms", NULL, NULL, 0, 600000, 5000, rw);
  props[PROP_VIDEO_CODEC] =
    g_param_spec_enum ("video-codec", NULL, NULL, TC_TYPE_VIDEO_CODEC, TC_VIDEO_CODEC_VP8, rw);
  props[PROP_ADAPTIVE] =
    g_param_spec_boolean ("adaptive", NULL, NULL, TRUE, rw);
  props[PROP_AUDIO_ONLY] =
    g_param_spec_boolean ("audio-only", NULL, NULL, FALSE, rw);
  props[PROP_MICROPHONE_MUTED] =
    g_param_spec_boolean ("microphone-muted", NULL, NULL, FALSE, rw);
  props[PROP_CAMERA_ENABLED] =
    g_param_spec_boolean ("camera-enabled", NULL, NULL, TRUE, rw);
  props[PROP_VERIFICATION_CODE] =
    g_param_spec_string ("verification-code", NULL, NULL, NULL, ro);
  props[PROP_VERIFICATION_WORDS] =
    g_param_spec_string ("verification-words", NULL, NULL, NULL, ro);
  props[PROP_SIMULATED_LOSS] =
    g_param_spec_double ("simulated-loss", NULL, NULL, 0.0, 1.0, 0.0, rw);
  /* Set before start(): this side sends an exam camera and a stethoscope (the station). */
  props[PROP_CLINICAL_TRACKS] =
    g_param_spec_boolean ("clinical-tracks", NULL, NULL, FALSE, rw);
  /* Set before start() on the side that offers but has no exam camera or stethoscope (the
   * practitioner): the offer still carries both, receive-only, so a station can answer them. */
  props[PROP_CLINICAL_RECEIVE] =
    g_param_spec_boolean ("clinical-receive", NULL, NULL, FALSE, rw);
  props[PROP_EXAM_CAMERA_ACTIVE] =
    g_param_spec_boolean ("exam-camera-active", NULL, NULL, FALSE, rw);
  /* The local indicator; the owner tells the peer {"type":"stethoscope","active":…}. */
  props[PROP_STETHOSCOPE_ACTIVE] =
    g_param_spec_boolean ("stethoscope-active", NULL, NULL, FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_LOCAL_DESCRIPTION] =
    g_signal_new ("local-description", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_LOCAL_CANDIDATE] =
    g_signal_new ("local-candidate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING);
  signals[SIGNAL_DATA_MESSAGE] =
    g_signal_new ("data-message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_DATA_CHANNEL_OPEN] =
    g_signal_new ("data-channel-open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_STATS] =
    g_signal_new ("stats", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  TC_TYPE_CALL_STATS | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_REBUILD_NEEDED] =
    g_signal_new ("rebuild-needed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_AUDIO_ONLY_CHANGED] =
    g_signal_new ("audio-only-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
tc_call_session_init (TcCallSession *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->state = TC_CALL_STATE_NEW;
  self->grace_period_ms = 5000;
  self->adaptive = TRUE;
  self->camera_enabled = TRUE;
  self->exam_mline = -1;
  self->stethoscope_mline = -1;
  self->turn_uris = g_ptr_array_new_with_free_func (g_free);
  self->local_addresses = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&self->lock);
  tc_seq_counter_init (&self->seq_audio);
  tc_seq_counter_init (&self->seq_video);
  g_queue_init (&self->pending_candidates);
  tc_call_stats_init (&self->last_stats);
  /* Exists before start(): text sent early waits in its queue. */
  self->channel = tc_call_channel_new (self->context);
  g_signal_connect (self->channel, "opened", G_CALLBACK (on_channel_opened), self);
  g_signal_connect (self->channel, "message", G_CALLBACK (on_channel_message), self);
}

TcCallSession *
tc_call_session_new (TcMediaFactory *factory,
                     TcCallRole      role)
{
  g_return_val_if_fail (TC_IS_MEDIA_FACTORY (factory), NULL);

  return g_object_new (TC_TYPE_CALL_SESSION, "factory", factory, "role", role, NULL);
}

static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  /* dtlsdec generates the process-wide self-signed certificate on first use (g_once);
   * every later webrtcbin reuses it.  Making the element is enough. */
  static const char *const warm[] = { "dtlsdec", "vp8enc", "vp8dec", "opusenc", "opusdec", NULL };

  for (guint i = 0; warm[i] != NULL; i++)
    {
      GstElement *e = gst_element_factory_make (warm[i], NULL);

      if (e != NULL)
        gst_object_unref (gst_object_ref_sink (e));
    }
  g_task_return_boolean (task, TRUE);
}

void
tc_call_session_prepare (void)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  /* The certificate is made with OpenSSL on a worker thread: if the process exits
   * meanwhile, OpenSSL's atexit cleanup frees its locks under that thread (a crash at
   * exit). Without the atexit handler the OS reclaims everything anyway. */
  OPENSSL_init_crypto (OPENSSL_INIT_NO_ATEXIT, NULL);

  g_task_set_source_tag (task, tc_call_session_prepare);
  g_task_run_in_thread (task, prepare_thread);
}

void
tc_call_session_set_ice_servers (TcCallSession      *self,
                                 const char *const  *stun_uris,
                                 const char *const  *turn_uris)
{
  g_return_if_fail (TC_IS_CALL_SESSION (self));
  g_return_if_fail (!self->started);

  g_clear_pointer (&self->stun_uri, g_free);
  g_ptr_array_set_size (self->turn_uris, 0);

  for (guint i = 0; stun_uris != NULL && stun_uris[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      char *uri = tc_ice_uri_normalize_stun (stun_uris[i], &error);

      if (uri == NULL)
        {
          g_message ("ignoring a STUN server: %s", error->message);
          continue;
        }
      if (self->stun_uri == NULL)
        self->stun_uri = uri;
      else
        g_free (uri);   /* webrtcbin takes one STUN server */
    }
  for (guint i = 0; turn_uris != NULL && turn_uris[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      char *uri = tc_ice_uri_normalize_turn (turn_uris[i], &error);

      if (uri == NULL)
        g_message ("ignoring a TURN server: %s", error->message);
      else
        g_ptr_array_add (self->turn_uris, uri);
    }
}

void
tc_call_session_add_local_address (TcCallSession *self,
                                   const char    *ip)
{
  g_return_if_fail (TC_IS_CALL_SESSION (self));
  g_return_if_fail (ip != NULL);
  g_return_if_fail (!self->started);

  g_ptr_array_add (self->local_addresses, g_strdup (ip));
}

void
tc_call_session_set_microphone_muted (TcCallSession *self,
                                      gboolean       muted)
{
  g_return_if_fail (TC_IS_CALL_SESSION (self));

  muted = !!muted;
  if (self->mic_muted == muted)
    return;
  self->mic_muted = muted;
  if (self->audio.volume != NULL)
    g_object_set (self->audio.volume, "mute", muted, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MICROPHONE_MUTED]);
}

gboolean
tc_call_session_get_microphone_muted (TcCallSession *self)
{
  g_return_val_if_fail (TC_IS_CALL_SESSION (self), FALSE);
  return self->mic_muted;
}

void
tc_call_session_set_camera_enabled (TcCallSession *self,
                                    gboolean       enabled)
{
  g_return_if_fail (TC_IS_CALL_SESSION (self));

  enabled = !!enabled;
  if (self->camera_enabled == enabled)
    return;
  self->camera_enabled = enabled;
  if (self->video.balance != NULL)
    g_object_set (self->video.balance,
                  "contrast", enabled ? 1.0 : 0.0,
                  "saturation", enabled ? 1.0 : 0.0,
                  NULL);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CAMERA_ENABLED]);
}

gboolean
tc_call_session_get_camera_enabled (TcCallSession *self)
{
  g_return_val_if_fail (TC_IS_CALL_SESSION (self), FALSE);
  return self->camera_enabled;
}

void
tc_call_session_set_audio_only (TcCallSession *self,
                                gboolean       audio_only)
{
  g_return_if_fail (TC_IS_CALL_SESSION (self));

  audio_only = !!audio_only;
  self->audio_only_forced = audio_only;
  if (audio_only)
    update_audio_only (self, TRUE);
  else if (self->adaptation != NULL)
    update_audio_only (self, tc_adaptation_get_step (self->adaptation)->audio_only);
  else
    update_audio_only (self, FALSE);
}

gboolean
tc_call_session_get_audio_only (TcCallSession *self)
{
  g_return_val_if_fail (TC_IS_CALL_SESSION (self), FALSE);
  return self->audio_only;
}

TcCallState
tc_call_session_get_state (TcCallSession *self)
{
  g_return_val_if_fail (TC_IS_CALL_SESSION (self), TC_CALL_STATE_NEW);
  return self->state;
}

TcCallRole
tc_call_session_get_role (TcCallSession *self)
{
  g_return_val_if_fail (TC_IS_CALL_SESSION (self), TC_CALL_ROLE_OFFERER);
  return self->role;
}

const char *
tc_call_session_get_verification_code (TcCallSession *self)
{
  g_return_val_if_fail (TC_IS_CALL_SESSION (self), NULL);
  return self->verification_code;
}

const char *
tc_call_session_get_verification_words (TcCallSession *self)
{
  g_return_val_if_fail (TC_IS_CALL_SESSION (self), NULL);
  return self->verification_words;
}

const TcCallStats *
tc_call_session_get_stats (TcCallSession *self)
{
  g_return_val_if_fail (TC_IS_CALL_SESSION (self), NULL);
  return self->have_stats ? &self->last_stats : NULL;
}

void
tc_call_session_set_clinical_tracks (TcCallSession *self,
                                     gboolean       clinical)
{
  g_return_if_fail (TC_IS_CALL_SESSION (self));

  clinical = !!clinical;
  if (self->clinical_tracks == clinical)
    return;
  if (self->started)
    {
      g_warning ("clinical-tracks must be set before the call starts");
      return;
    }
  self->clinical_tracks = clinical;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CLINICAL_TRACKS]);
}

gboolean
tc_call_session_get_clinical_tracks (TcCallSession *self)
{
  g_return_val_if_fail (TC_IS_CALL_SESSION (self), FALSE);
  return self->clinical_tracks;
}

void
tc_call_session_set_exam_camera_active (TcCallSession *self,
                                        gboolean       active)
{
  g_return_if_fail (TC_IS_CALL_SESSION (self));

  active = !!active;
  if (self->exam_active == active)
    return;
  self->exam_active = active;
  if (self->exam_preview_valve != NULL)
    g_object_set (self->exam_preview_valve, "drop", !active, NULL);
  if (self->exam.valve != NULL)
    {
      g_object_set (self->exam.valve, "drop", !active || self->audio_only, NULL);
      if (active && self->exam.encoder != NULL)
        {
          g_autoptr(GstPad) src = gst_element_get_static_pad (self->exam.encoder, "src");

          /* The peer's decoder has nothing to start from after a pause. */
          gst_pad_send_event (src, gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE, TRUE, 0));
        }
    }
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_EXAM_CAMERA_ACTIVE]);
}

gboolean
tc_call_session_get_exam_camera_active (TcCallSession *self)
{
  g_return_val_if_fail (TC_IS_CALL_SESSION (self), FALSE);
  return self->exam_active;
}

void
tc_call_session_set_stethoscope_active (TcCallSession *self,
                                        gboolean       active)
{
  g_return_if_fail (TC_IS_CALL_SESSION (self));

  active = !!active;
  if (self->stethoscope_active == active)
    return;
  self->stethoscope_active = active;
  if (self->stethoscope.volume != NULL)
    g_object_set (self->stethoscope.volume, "mute", !active, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STETHOSCOPE_ACTIVE]);
}

gboolean
tc_call_session_get_stethoscope_active (TcCallSession *self)
{
  g_return_val_if_fail (TC_IS_CALL_SESSION (self), FALSE);
  return self->stethoscope_active;
}

typedef struct {
  GstSample *sample;
  GstCaps *caps;
} StillJob;

static void
still_job_free (gpointer data)
{
  StillJob *job = data;

  gst_sample_unref (job->sample);
  gst_caps_unref (job->caps);
  g_free (job);
}

static void
still_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  StillJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GstSample) encoded = gst_video_convert_sample (job->sample, job->caps, 5 * GST_SECOND, &error);
  GstBuffer *buffer;
  GstMapInfo map;
  GBytes *bytes;

  if (encoded == NULL || (buffer = gst_sample_get_buffer (encoded)) == NULL ||
      !gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      g_task_return_new_error (task, TC_MEDIA_ERROR, TC_MEDIA_ERROR_FAILED,
                               "The still image could not be encoded%s%s",
                               error ? ": " : "", error ? error->message : "");
      return;
    }
  bytes = g_bytes_new (map.data, map.size);
  gst_buffer_unmap (buffer, &map);
  g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

void
tc_call_session_take_still_async (TcCallSession       *self,
                                  gboolean             jpeg,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  StillJob *job;
  GstSample *sample;
  const char *mime = jpeg ? "image/jpeg" : "image/png";

  g_return_if_fail (TC_IS_CALL_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tc_call_session_take_still_async);
  if (self->exam_still_sink == NULL)
    {
      g_task_return_new_error (task, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_STATE,
                               "This call has no exam camera");
      return;
    }
  sample = gst_app_sink_try_pull_sample (GST_APP_SINK (self->exam_still_sink), 0);
  if (sample == NULL)
    {
      g_task_return_new_error (task, TC_MEDIA_ERROR, TC_MEDIA_ERROR_FAILED,
                               "The exam camera has not given a picture yet");
      return;
    }
  job = g_new0 (StillJob, 1);
  job->sample = sample;
  job->caps = gst_caps_new_empty_simple (mime);
  /* Encoding a full frame takes tens of milliseconds: not on the main loop. */
  g_task_set_task_data (task, job, still_job_free);
  g_task_run_in_thread (task, still_thread);
}

GBytes *
tc_call_session_take_still_finish (TcCallSession  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
