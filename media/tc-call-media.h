/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal to media/: the GStreamer branches of a call and the parsing of webrtcbin's stats
 * and SDP.  No session state here, so TcCallSession stays about signalling and lifecycle. */
#pragma once

#include <gst/gst.h>
#include <gst/sdp/sdp.h>

#include "tc-call-stats.h"
#include "tc-call-session.h"

G_BEGIN_DECLS

#define TC_PT_VP8  96
#define TC_PT_H264 102
#define TC_PT_OPUS 111
#define TC_TWCC_URI "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"

typedef struct {
  GstElement *balance;      /* contrast/saturation 0 = black frames when the camera is off */
  GstElement *valve;        /* drops frames in audio-only mode */
  GstElement *scale_caps;   /* the adaptation's capsfilter after videoscale/videorate */
  GstElement *encoder;
  GstElement *payloader;
  GstPad     *webrtc_pad;   /* the webrtcbin sink pad we requested (owned) */
} TcVideoSend;

typedef struct {
  GstElement *volume;       /* mute */
  GstElement *encoder;
  GstPad     *webrtc_pad;   /* owned */
} TcAudioSend;

/* Counts RTP sequence numbers on a received stream, after webrtcbin's jitter buffer and RTX:
 * the loss that was not repaired.  (1.22's RTCP loss figures read zero in bundle mode.) */
typedef struct {
  GMutex lock;
  gboolean started;
  guint16 last_seq;
  guint64 expected;
  guint64 received;
} TcSeqCounter;

void tc_seq_counter_init   (TcSeqCounter *counter);
void tc_seq_counter_clear  (TcSeqCounter *counter);
/* Attaches a probe counting @counter on @pad (RTP buffers and buffer lists). */
void tc_seq_counter_attach (TcSeqCounter *counter,
                            GstPad       *pad);
void tc_seq_counter_read   (TcSeqCounter *counter,
                            guint64      *expected,
                            guint64      *received);

/* The cumulative numbers read from one get-stats reply. */
typedef struct {
  guint64 bytes_in;
  guint64 bytes_out;
  guint64 audio_bytes_in;
  guint64 video_bytes_in;
  guint64 packets_in;
  gint64 lost_in;
  gint64 lost_out;
  double rtt_ms;          /* -1 unknown */
  double loss_out;        /* -1 unknown */
  double jitter_ms;       /* -1 unknown */
  TcCandidateType local_type;
  TcCandidateType remote_type;
  char local_address[64];
  char remote_address[64];
} TcRawStats;

gboolean tc_call_media_build_video_send (GstBin         *pipeline,
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
                                         GError        **error);

gboolean tc_call_media_build_audio_send (GstBin         *pipeline,
                                         GstElement     *webrtc,
                                         GstElement     *source,
                                         GstElement     *voice_processor,
                                         int             pt,
                                         TcAudioSend    *out,
                                         GError        **error);

/* Links a new webrtcbin src pad to a decoder and @sink (which the caller gives up).
 * @audio_tail, when not NULL, is an element already in @pipeline placed just before the
 * audio sink (the echo probe).  Returns the element whose src pad carries decoded frames. */
GstElement *tc_call_media_link_receive (GstBin      *pipeline,
                                        GstPad      *webrtc_src,
                                        GstElement  *sink,
                                        GstElement  *audio_tail,
                                        gboolean    *is_video,
                                        GError     **error);

void tc_call_media_parse_stats (const GstStructure *reply,
                                TcRawStats         *out);

/* Returns the payload type the offer uses for @encoding_name in its first @media m-line,
 * or -1; @mline receives that m-line's index. */
int tc_call_media_find_payload (const GstSDPMessage *sdp,
                                const char          *media,
                                const char          *encoding_name,
                                guint               *mline);

/* The H.264 payload type we can send in the offer's first video m-line: packetization-mode 1
 * and a (constrained) baseline profile, which openh264 produces; -1 if none.  @profile gets
 * the offer's profile-level-id (free with g_free), so our caps intersect the offer's. */
int tc_call_media_find_h264 (const GstSDPMessage  *sdp,
                             char                **profile);

/* The a=mid of every m-line, in order ("" when absent). */
GPtrArray *tc_call_media_get_mids (const GstSDPMessage *sdp);

G_END_DECLS
