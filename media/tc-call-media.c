/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-media"

#include "tc-call-media.h"
#include "tc-media-error.h"
#include "tc-media-factory.h"

#include <string.h>
#include <gst/rtp/rtp.h>
#include <gst/webrtc/webrtc.h>

static GstElement *
make (const char  *factory,
      GError     **error)
{
  GstElement *e = gst_element_factory_make (factory, NULL);

  if (e == NULL)
    g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_MISSING_ELEMENT,
                 "The GStreamer element “%s” is not installed", factory);
  return e;
}

/* Adds the NULL-terminated floating @elements to @bin and links them in order.  On failure
 * every element is removed again. */
static gboolean
add_and_link (GstBin      *bin,
              GstElement **elements,
              GError     **error)
{
  guint n = 0;

  for (n = 0; elements[n] != NULL; n++)
    gst_bin_add (bin, elements[n]);

  for (guint i = 1; i < n; i++)
    if (!gst_element_link (elements[i - 1], elements[i]))
      {
        g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_FAILED,
                     "Could not link %s to %s", GST_ELEMENT_NAME (elements[i - 1]),
                     GST_ELEMENT_NAME (elements[i]));
        for (guint j = 0; j < n; j++)
          {
            gst_element_set_state (elements[j], GST_STATE_NULL);
            gst_bin_remove (bin, elements[j]);
          }
        return FALSE;
      }
  return TRUE;
}

static void
sync_all (GstElement **elements)
{
  for (guint i = 0; elements[i] != NULL; i++)
    gst_element_sync_state_with_parent (elements[i]);
}

static void
free_array (GstElement **elements,
            guint        n)
{
  for (guint i = 0; i < n; i++)
    if (elements[i] != NULL)
      gst_object_unref (gst_object_ref_sink (elements[i]));
}

static GstPad *
link_to_webrtc (GstElement  *webrtc,
                GstElement  *last,
                GError     **error)
{
  GstPad *sink = gst_element_request_pad_simple (webrtc, "sink_%u");
  g_autoptr(GstPad) src = gst_element_get_static_pad (last, "src");

  if (sink == NULL || gst_pad_link (src, sink) != GST_PAD_LINK_OK)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_FAILED,
                   "Could not link a media branch to webrtcbin");
      if (sink != NULL)
        {
          gst_element_release_request_pad (webrtc, sink);
          gst_object_unref (sink);
        }
      return NULL;
    }
  return sink;
}

static GstCaps *
video_rtp_caps (TcVideoCodec  codec,
                int           pt,
                const char   *h264_profile)
{
  if (codec == TC_VIDEO_CODEC_H264)
    return gst_caps_new_simple ("application/x-rtp",
                                "media", G_TYPE_STRING, "video",
                                "encoding-name", G_TYPE_STRING, "H264",
                                "clock-rate", G_TYPE_INT, 90000,
                                "payload", G_TYPE_INT, pt,
                                "packetization-mode", G_TYPE_STRING, "1",
                                "profile-level-id", G_TYPE_STRING, h264_profile ? h264_profile : "42e01f",
                                "level-asymmetry-allowed", G_TYPE_STRING, "1",
                                NULL);
  return gst_caps_new_simple ("application/x-rtp",
                              "media", G_TYPE_STRING, "video",
                              "encoding-name", G_TYPE_STRING, "VP8",
                              "clock-rate", G_TYPE_INT, 90000,
                              "payload", G_TYPE_INT, pt,
                              NULL);
}

static GstElement *
make_video_encoder (TcVideoCodec   codec,
                    guint          fps,
                    GError       **error)
{
  GstElement *enc;

  if (codec == TC_VIDEO_CODEC_H264)
    {
      enc = make ("openh264enc", error);
      if (enc == NULL)
        return NULL;
      gst_util_set_object_arg (G_OBJECT (enc), "usage-type", "camera");
      gst_util_set_object_arg (G_OBJECT (enc), "rate-control", "bitrate");
      g_object_set (enc, "bitrate", 800000, "gop-size", fps * 4, "complexity", 0, NULL);
      return enc;
    }

  enc = make ("vp8enc", error);
  if (enc == NULL)
    return NULL;
  /* Real time, one pass, no lag: what a call needs.  Error resilience lets the decoder
   * resume after a lost packet; keyframes every 4 s bound the damage of a lost PLI. */
  gst_util_set_object_arg (G_OBJECT (enc), "end-usage", "cbr");
  gst_util_set_object_arg (G_OBJECT (enc), "error-resilient", "default");
  g_object_set (enc,
                "deadline", (gint64) 1,
                "cpu-used", 8,
                "lag-in-frames", 0,
                "keyframe-max-dist", (int) (fps * 4),
                "target-bitrate", 800000,
                "threads", 1,   /* libvpx spins between threads: ruinous on a shared 2-core machine */
                "undershoot", 95,
                "buffer-size", 1000,
                "buffer-initial-size", 500,
                "buffer-optimal-size", 600,
                NULL);
  return enc;
}

static GstElement *
make_video_payloader (TcVideoCodec   codec,
                      int            pt,
                      gboolean       twcc,
                      GError       **error)
{
  GstElement *pay;

  if (codec == TC_VIDEO_CODEC_H264)
    {
      pay = make ("rtph264pay", error);
      if (pay == NULL)
        return NULL;
      gst_util_set_object_arg (G_OBJECT (pay), "aggregate-mode", "zero-latency");
      g_object_set (pay, "config-interval", -1, NULL);
    }
  else
    {
      pay = make ("rtpvp8pay", error);
      if (pay == NULL)
        return NULL;
      gst_util_set_object_arg (G_OBJECT (pay), "picture-id-mode", "15-bit");
    }
  g_object_set (pay, "pt", (guint) pt, "mtu", 1200, NULL);

  if (twcc)
    {
      /* webrtcbin 1.22 only negotiates transport-cc when the offerer's payloader carries it. */
      GstRTPHeaderExtension *ext = gst_rtp_header_extension_create_from_uri (TC_TWCC_URI);

      if (ext != NULL)
        {
          gst_rtp_header_extension_set_id (ext, 1);
          g_signal_emit_by_name (pay, "add-extension", ext);
          gst_object_unref (ext);
        }
      else
        g_message ("rtphdrexttwcc is not installed: no transport-cc");
    }
  return pay;
}

gboolean
tc_call_media_build_video_send (GstBin         *pipeline,
                                GstElement     *webrtc,
                                GstElement     *source,
                                GstElement     *preview_sink,
                                TcVideoCodec    codec,
                                int             pt,
                                const char     *h264_profile,
                                gboolean        twcc,
                                guint           width,
                                guint           height,
                                guint           fps,
                                TcVideoSend    *out,
                                GError        **error)
{
  GstElement *head[5] = { NULL, };
  GstElement *preview[3] = { NULL, };
  GstElement *send[11] = { NULL, };
  g_autoptr(GstCaps) raw_caps = NULL;
  g_autoptr(GstCaps) rtp_caps = NULL;
  guint n = 0;

  memset (out, 0, sizeof *out);

  /* source → videobalance → tee ─┬→ queue → preview sink
   *                              └→ queue → valve → videoscale → videorate → capsfilter → enc → pay → capsfilter → webrtcbin */
  head[0] = source;
  if ((head[1] = make ("videobalance", error)) == NULL ||
      (head[2] = make ("tee", error)) == NULL)
    goto fail_head;

  preview[0] = gst_element_factory_make ("queue", NULL);
  g_object_set (preview[0], "leaky", 2, "max-size-buffers", 2, "max-size-bytes", 0,
                "max-size-time", (guint64) 0, NULL);
  preview[1] = preview_sink;

  send[n++] = gst_element_factory_make ("queue", NULL);
  g_object_set (send[0], "leaky", 2, "max-size-buffers", 3, "max-size-bytes", 0,
                "max-size-time", (guint64) 0, NULL);
  if ((send[n++] = make ("valve", error)) == NULL ||
      (send[n++] = make ("videoconvert", error)) == NULL ||
      (send[n++] = make ("videoscale", error)) == NULL ||
      (send[n++] = make ("videorate", error)) == NULL)
    goto fail_send;
  g_object_set (send[4], "drop-only", TRUE, NULL);
  raw_caps = gst_caps_new_simple ("video/x-raw",
                                  "width", G_TYPE_INT, (int) width,
                                  "height", G_TYPE_INT, (int) height,
                                  "framerate", GST_TYPE_FRACTION, (int) fps, 1,
                                  NULL);
  send[n] = gst_element_factory_make ("capsfilter", NULL);
  g_object_set (send[n++], "caps", raw_caps, NULL);
  if ((send[n++] = make_video_encoder (codec, fps, error)) == NULL ||
      (send[n++] = make_video_payloader (codec, pt, twcc, error)) == NULL)
    goto fail_send;
  rtp_caps = video_rtp_caps (codec, pt, h264_profile);
  send[n] = gst_element_factory_make ("capsfilter", NULL);
  g_object_set (send[n++], "caps", rtp_caps, NULL);

  out->balance = head[1];
  out->valve = send[1];
  out->scale_caps = send[5];
  out->encoder = send[6];
  out->payloader = send[7];

  if (!add_and_link (pipeline, head, error))
    goto fail_none;
  if (!add_and_link (pipeline, preview, error) || !add_and_link (pipeline, send, error))
    goto fail_none;
  if (!gst_element_link (head[2], preview[0]) || !gst_element_link (head[2], send[0]))
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_FAILED, "Could not link the video tee");
      goto fail_none;
    }
  out->webrtc_pad = link_to_webrtc (webrtc, send[n - 1], error);
  if (out->webrtc_pad == NULL)
    goto fail_none;

  sync_all (send);
  sync_all (preview);
  sync_all (head);
  return TRUE;

fail_head:
  free_array (head, G_N_ELEMENTS (head));
  free_array (preview + 1, 1);
  return FALSE;
fail_send:
  free_array (head, G_N_ELEMENTS (head));
  free_array (preview, G_N_ELEMENTS (preview));
  free_array (send, n);
  return FALSE;
fail_none:
  /* Elements are in the pipeline: the pipeline's teardown frees them. */
  return FALSE;
}

gboolean
tc_call_media_build_audio_send (GstBin         *pipeline,
                                GstElement     *webrtc,
                                GstElement     *source,
                                GstElement     *voice_processor,
                                int             pt,
                                TcAudioSend    *out,
                                GError        **error)
{
  GstElement *chain[10] = { NULL, };
  g_autoptr(GstCaps) rtp_caps = NULL;
  guint n = 0;
  GstElement *enc, *pay;

  memset (out, 0, sizeof *out);

  chain[n++] = source;
  if (voice_processor != NULL)
    {
      chain[n++] = voice_processor;
      chain[n++] = gst_element_factory_make ("audioconvert", NULL);
    }
  chain[n++] = out->volume = gst_element_factory_make ("volume", NULL);
  chain[n++] = gst_element_factory_make ("audioconvert", NULL);
  chain[n++] = gst_element_factory_make ("audioresample", NULL);
  if ((enc = make ("opusenc", error)) == NULL)
    goto fail;
  chain[n++] = enc;
  /* In-band FEC recovers single lost packets; it only engages when the encoder expects loss. */
  gst_util_set_object_arg (G_OBJECT (enc), "audio-type", "voice");
  g_object_set (enc, "inband-fec", TRUE, "packet-loss-percentage", 10,
                "bitrate", 32000, "dtx", FALSE, NULL);
  if ((pay = make ("rtpopuspay", error)) == NULL)
    goto fail;
  chain[n++] = pay;
  g_object_set (pay, "pt", (guint) pt, NULL);
  rtp_caps = gst_caps_new_simple ("application/x-rtp",
                                  "media", G_TYPE_STRING, "audio",
                                  "encoding-name", G_TYPE_STRING, "OPUS",
                                  "clock-rate", G_TYPE_INT, 48000,
                                  "payload", G_TYPE_INT, pt,
                                  "useinbandfec", G_TYPE_STRING, "1",
                                  NULL);
  chain[n] = gst_element_factory_make ("capsfilter", NULL);
  g_object_set (chain[n++], "caps", rtp_caps, NULL);
  out->encoder = enc;

  if (!add_and_link (pipeline, chain, error))
    return FALSE;
  out->webrtc_pad = link_to_webrtc (webrtc, chain[n - 1], error);
  if (out->webrtc_pad == NULL)
    return FALSE;
  sync_all (chain);
  return TRUE;

fail:
  free_array (chain, n);
  return FALSE;
}

GstElement *
tc_call_media_link_receive (GstBin      *pipeline,
                            GstPad      *webrtc_src,
                            GstElement  *sink,
                            GstElement  *audio_tail,
                            gboolean    *is_video,
                            GError     **error)
{
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (webrtc_src);
  GstElement *chain[9] = { NULL, };
  GstStructure *s;
  const char *media, *encoding;
  GstElement *frames = NULL;
  g_autoptr(GstPad) sinkpad = NULL;
  guint n = 0;

  if (caps == NULL)
    caps = gst_pad_query_caps (webrtc_src, NULL);
  s = gst_caps_get_structure (caps, 0);
  media = gst_structure_get_string (s, "media");
  encoding = gst_structure_get_string (s, "encoding-name");
  *is_video = g_strcmp0 (media, "video") == 0;

  chain[n] = gst_element_factory_make ("queue", NULL);
  g_object_set (chain[n++], "max-size-time", (guint64) 500 * GST_MSECOND,
                "max-size-buffers", 0, "max-size-bytes", 0, NULL);

  if (g_strcmp0 (encoding, "VP8") == 0)
    {
      chain[n++] = gst_element_factory_make ("rtpvp8depay", NULL);
      chain[n] = gst_element_factory_make ("vp8dec", NULL);
      if (chain[n] != NULL)
        g_object_set (chain[n], "threads", 1, NULL);
      n++;
    }
  else if (g_strcmp0 (encoding, "H264") == 0)
    {
      chain[n++] = gst_element_factory_make ("rtph264depay", NULL);
      chain[n++] = gst_element_factory_make ("h264parse", NULL);
      chain[n++] = gst_element_factory_make (tc_media_factory_has_element ("avdec_h264")
                                             ? "avdec_h264" : "openh264dec", NULL);
    }
  else if (g_strcmp0 (encoding, "OPUS") == 0)
    {
      chain[n++] = gst_element_factory_make ("rtpopusdepay", NULL);
      chain[n] = gst_element_factory_make ("opusdec", NULL);
      /* Use the FEC the sender puts in each packet to rebuild the previous lost one. */
      g_object_set (chain[n++], "use-inband-fec", TRUE, "plc", TRUE, NULL);
    }
  else
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_SDP,
                   "Unsupported codec %s", encoding ? encoding : "(none)");
      goto fail;
    }

  for (guint i = 1; i < n; i++)
    if (chain[i] == NULL)
      {
        g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_MISSING_ELEMENT,
                     "A decoder for %s is not installed", encoding);
        goto fail;
      }

  if (*is_video)
    {
      chain[n++] = frames = gst_element_factory_make ("videoconvert", NULL);
    }
  else
    {
      chain[n++] = gst_element_factory_make ("audioconvert", NULL);
      chain[n++] = frames = gst_element_factory_make ("audioresample", NULL);
    }

  if (!add_and_link (pipeline, chain, error))
    {
      gst_object_unref (gst_object_ref_sink (sink));
      return NULL;
    }
  gst_bin_add (pipeline, sink);
  if (!*is_video && audio_tail != NULL)
    {
      if (!gst_element_link (frames, audio_tail) || !gst_element_link (audio_tail, sink))
        goto link_failed;
    }
  else if (!gst_element_link (frames, sink))
    goto link_failed;

  gst_element_sync_state_with_parent (sink);
  if (!*is_video && audio_tail != NULL)
    gst_element_sync_state_with_parent (audio_tail);
  sync_all (chain);

  sinkpad = gst_element_get_static_pad (chain[0], "sink");
  if (gst_pad_link (webrtc_src, sinkpad) != GST_PAD_LINK_OK)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_FAILED, "Could not link a received stream");
      return NULL;
    }
  return frames;

link_failed:
  g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_FAILED, "Could not link a sink");
  return NULL;

fail:
  free_array (chain, n);
  gst_object_unref (gst_object_ref_sink (sink));
  return NULL;
}

/* ---- stats ---- */

void
tc_seq_counter_init (TcSeqCounter *counter)
{
  memset (counter, 0, sizeof *counter);
  g_mutex_init (&counter->lock);
}

void
tc_seq_counter_clear (TcSeqCounter *counter)
{
  g_mutex_clear (&counter->lock);
}

static void
count_seq (TcSeqCounter *c,
           GstBuffer    *buffer)
{
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  guint16 seq;

  if (!gst_rtp_buffer_map (buffer, GST_MAP_READ, &rtp))
    return;
  seq = gst_rtp_buffer_get_seq (&rtp);
  gst_rtp_buffer_unmap (&rtp);

  g_mutex_lock (&c->lock);
  if (!c->started)
    {
      c->started = TRUE;
      c->last_seq = seq;
      c->expected = c->received = 1;
    }
  else
    {
      guint16 delta = (guint16) (seq - c->last_seq);

      if (delta != 0 && delta < 0x8000)
        {
          /* A jump of thousands is a restart of the sender, not loss. */
          c->expected += delta < 3000 ? delta : 1;
          c->last_seq = seq;
          c->received++;
        }
      else if (delta != 0 && c->received < c->expected)
        c->received++;   /* late, reordered */
    }
  g_mutex_unlock (&c->lock);
}

static gboolean
count_in_list (GstBuffer **buffer,
               guint       idx,
               gpointer    user_data)
{
  count_seq (user_data, *buffer);
  return TRUE;
}

static GstPadProbeReturn
seq_probe (GstPad          *pad,
           GstPadProbeInfo *info,
           gpointer         user_data)
{
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    count_seq (user_data, GST_PAD_PROBE_INFO_BUFFER (info));
  else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    gst_buffer_list_foreach (GST_PAD_PROBE_INFO_BUFFER_LIST (info), count_in_list, user_data);
  return GST_PAD_PROBE_OK;
}

void
tc_seq_counter_attach (TcSeqCounter *counter,
                       GstPad       *pad)
{
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                     seq_probe, counter, NULL);
}

void
tc_seq_counter_read (TcSeqCounter *counter,
                     guint64      *expected,
                     guint64      *received)
{
  g_mutex_lock (&counter->lock);
  *expected = counter->expected;
  *received = counter->received;
  g_mutex_unlock (&counter->lock);
}

typedef struct {
  const GstStructure *reply;
  TcRawStats *out;
  const char *local_candidate_id;
  const char *remote_candidate_id;
} ParseState;

static gboolean
get_type (const GstStructure  *s,
          GstWebRTCStatsType  *type)
{
  int v;

  if (!gst_structure_get_enum (s, "type", GST_TYPE_WEBRTC_STATS_TYPE, &v))
    return FALSE;
  *type = v;
  return TRUE;
}

static gboolean
parse_one (GQuark        field,
           const GValue *value,
           gpointer      user_data)
{
  ParseState *st = user_data;
  TcRawStats *out = st->out;
  const GstStructure *s;
  GstWebRTCStatsType type;
  guint64 u64;
  gint64 i64;
  double d;
  const char *kind;

  if (!GST_VALUE_HOLDS_STRUCTURE (value))
    return TRUE;
  s = gst_value_get_structure (value);
  if (!get_type (s, &type))
    return TRUE;

  switch (type)
    {
    case GST_WEBRTC_STATS_INBOUND_RTP:
      kind = gst_structure_get_string (s, "kind");
      if (gst_structure_get_uint64 (s, "bytes-received", &u64))
        {
          out->bytes_in += u64;
          if (g_strcmp0 (kind, "audio") == 0)
            out->audio_bytes_in += u64;
          else if (g_strcmp0 (kind, "video") == 0)
            out->video_bytes_in += u64;
        }
      if (gst_structure_get_uint64 (s, "packets-received", &u64))
        out->packets_in += u64;
      if (gst_structure_get_int64 (s, "packets-lost", &i64) && i64 > 0)
        out->lost_in += i64;
      if (gst_structure_get_double (s, "jitter", &d) && d * 1000.0 > out->jitter_ms)
        out->jitter_ms = d * 1000.0;
      break;

    case GST_WEBRTC_STATS_OUTBOUND_RTP:
      if (gst_structure_get_uint64 (s, "bytes-sent", &u64))
        out->bytes_out += u64;
      break;

    case GST_WEBRTC_STATS_REMOTE_INBOUND_RTP:
      if (gst_structure_get_double (s, "fraction-lost", &d) && d > out->loss_out)
        out->loss_out = d;
      if (gst_structure_get_double (s, "round-trip-time", &d) && d > 0 && d * 1000.0 > out->rtt_ms)
        out->rtt_ms = d * 1000.0;
      if (gst_structure_get_int64 (s, "packets-lost", &i64) && i64 > 0)
        out->lost_out += i64;
      break;

    case GST_WEBRTC_STATS_CANDIDATE_PAIR:
      if (st->local_candidate_id == NULL)
        {
          st->local_candidate_id = gst_structure_get_string (s, "local-candidate-id");
          st->remote_candidate_id = gst_structure_get_string (s, "remote-candidate-id");
        }
      break;

    default:
      break;
    }
  return TRUE;
}

static void
parse_candidate (const GstStructure *reply,
                 const char         *id,
                 TcCandidateType    *type,
                 char               *address,
                 gsize               address_size)
{
  const GstStructure *c;
  const char *ip;
  guint port = 0;

  if (id == NULL || !gst_structure_has_field_typed (reply, id, GST_TYPE_STRUCTURE))
    return;
  c = gst_value_get_structure (gst_structure_get_value (reply, id));
  *type = tc_candidate_type_from_string (gst_structure_get_string (c, "candidate-type"));
  ip = gst_structure_get_string (c, "address");
  gst_structure_get_uint (c, "port", &port);
  if (ip != NULL)
    g_snprintf (address, address_size, strchr (ip, ':') ? "[%s]:%u" : "%s:%u", ip, port);
}

void
tc_call_media_parse_stats (const GstStructure *reply,
                           TcRawStats         *out)
{
  ParseState st = { reply, out, NULL, NULL };

  memset (out, 0, sizeof *out);
  out->rtt_ms = -1;
  out->loss_out = -1;
  out->jitter_ms = -1;

  if (reply == NULL)
    return;
  gst_structure_foreach (reply, parse_one, &st);
  parse_candidate (reply, st.local_candidate_id, &out->local_type,
                   out->local_address, sizeof out->local_address);
  parse_candidate (reply, st.remote_candidate_id, &out->remote_type,
                   out->remote_address, sizeof out->remote_address);
}

/* ---- SDP ---- */

int
tc_call_media_find_payload (const GstSDPMessage *sdp,
                            const char          *media,
                            const char          *encoding_name,
                            guint               *mline)
{
  gsize len = strlen (encoding_name);

  for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
    {
      const GstSDPMedia *m = gst_sdp_message_get_media (sdp, i);

      if (g_strcmp0 (gst_sdp_media_get_media (m), media) != 0)
        continue;
      /* Port 0 rejects an m-line, except with bundle-only (bundled behind the first one). */
      if (gst_sdp_media_get_port (m) == 0 && gst_sdp_media_get_attribute_val (m, "bundle-only") == NULL)
        continue;

      for (guint j = 0; j < gst_sdp_media_attributes_len (m); j++)
        {
          const GstSDPAttribute *a = gst_sdp_media_get_attribute (m, j);
          const char *sp;
          char *end = NULL;
          gint64 pt;

          if (g_strcmp0 (a->key, "rtpmap") != 0 || a->value == NULL)
            continue;
          /* "96 VP8/90000" */
          pt = g_ascii_strtoll (a->value, &end, 10);
          if (end == a->value || pt < 0 || pt > 127)
            continue;
          sp = end;
          while (*sp == ' ')
            sp++;
          if (g_ascii_strncasecmp (sp, encoding_name, len) == 0 && sp[len] == '/')
            {
              if (mline != NULL)
                *mline = i;
              return (int) pt;
            }
        }
      /* Only the first m-line of that kind: that is the one we map our track to. */
      return -1;
    }
  return -1;
}

/* "packetization-mode=1;profile-level-id=42e01f" → the value of @key, or NULL. */
static char *
fmtp_value (const char *params,
            const char *key)
{
  g_auto(GStrv) parts = g_strsplit (params, ";", 32);
  gsize key_len = strlen (key);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *p = parts[i];

      while (*p == ' ')
        p++;
      if (g_ascii_strncasecmp (p, key, key_len) == 0 && p[key_len] == '=')
        return g_strstrip (g_strdup (p + key_len + 1));
    }
  return NULL;
}

int
tc_call_media_find_h264 (const GstSDPMessage  *sdp,
                         char                **profile)
{
  guint line = G_MAXUINT;
  const GstSDPMedia *m;

  *profile = NULL;
  if (tc_call_media_find_payload (sdp, "video", "H264", &line) < 0)
    return -1;
  m = gst_sdp_message_get_media (sdp, line);

  for (guint j = 0; j < gst_sdp_media_attributes_len (m); j++)
    {
      const GstSDPAttribute *a = gst_sdp_media_get_attribute (m, j);
      g_autofree char *mode = NULL;
      g_autofree char *plid = NULL;
      char *end = NULL;
      gint64 pt;

      if (g_strcmp0 (a->key, "fmtp") != 0 || a->value == NULL)
        continue;
      pt = g_ascii_strtoll (a->value, &end, 10);
      if (end == a->value || pt < 0 || pt > 127 || *end != ' ')
        continue;
      /* Only payload types this m-line maps to H264. */
      {
        g_autofree char *want = g_strdup_printf ("%d H264/", (int) pt);
        gboolean is_h264 = FALSE;

        for (guint k = 0; k < gst_sdp_media_attributes_len (m); k++)
          {
            const GstSDPAttribute *r = gst_sdp_media_get_attribute (m, k);

            if (g_strcmp0 (r->key, "rtpmap") == 0 && r->value != NULL &&
                g_ascii_strncasecmp (r->value, want, strlen (want)) == 0)
              is_h264 = TRUE;
          }
        if (!is_h264)
          continue;
      }
      mode = fmtp_value (end + 1, "packetization-mode");
      plid = fmtp_value (end + 1, "profile-level-id");
      if (g_strcmp0 (mode, "1") != 0 || plid == NULL || strlen (plid) != 6)
        continue;
      /* 42xxxx: baseline family (constrained baseline 42e0, 42c0, baseline 4200). */
      if (g_ascii_strncasecmp (plid, "42", 2) == 0)
        {
          *profile = g_steal_pointer (&plid);
          return (int) pt;
        }
    }
  return -1;
}

GPtrArray *
tc_call_media_get_mids (const GstSDPMessage *sdp)
{
  GPtrArray *mids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
    {
      const char *mid = gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (sdp, i), "mid");

      g_ptr_array_add (mids, g_strdup (mid ? mid : ""));
    }
  return mids;
}
