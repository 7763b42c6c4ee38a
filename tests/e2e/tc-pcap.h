/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcPcap: reads a classic pcap file (tcpdump -w) and sorts every IPv4 or IPv6 UDP payload by
 * its first byte as RFC 7983 demultiplexes them (STUN 0–3, DTLS 20–63, TURN
 * ChannelData 64–79 — unwrapped and sorted by what it carries — RTP/RTCP 128–191).
 * RTCP is told apart from SRTCP by the trailer SRTCP adds (RFC 3711 §3.4): plain RTCP's
 * header lengths add up to the UDP payload; SRTCP carries 4 bytes of E|index and a
 * 10-byte tag beyond the first header, with E set when encrypted. Bounded: a damaged
 * file gives a GError, never a read past the buffer. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  guint packets;           /* records in the file */
  guint udp;               /* IPv4 or IPv6 UDP datagrams to one host (ChannelData counts once) */
  guint multicast;         /* UDP to multicast groups (e.g. libnice's UPnP SSDP search): not sorted */
  guint stun;              /* STUN/TURN messages, incl. TURN Send/Data indications */
  guint dtls;              /* DTLS records */
  guint dtls_handshake;    /* of which handshake (content type 22) */
  guint turn_channel;      /* ChannelData frames (also counted by their content) */
  guint rtp;               /* RTP-range packets that are not RTCP (SRTP or RTP: see below) */
  guint srtcp;             /* RTCP with an SRTCP trailer and E=1 */
  guint rtcp_plain;        /* RTCP whose header lengths fill the datagram: unencrypted */
  guint rtcp_unencrypted_srtcp; /* SRTCP trailer with E=0 */
  guint plain_vp8_keyframes;    /* RTP payloads showing a VP8 key frame start code in clear */
  guint other;             /* anything else (ZRTP, unknown first bytes, truncated) */
  guint rtp_by_pt[128];    /* RTP packets per payload type (the header is clear in SRTP) */
  guint rtp_dir[2][128];   /* the same per direction: [0] lower to higher IPv4 address, [1] back */
} TcPcapSummary;

TcPcapSummary *tc_pcap_summarize       (const char     *path,
                                        GError        **error);
/* Same, on bytes already in memory. */
TcPcapSummary *tc_pcap_summarize_bytes (const guint8   *data,
                                        gsize           len,
                                        GError        **error);
/* Classifies one UDP payload into @summary; @direction (0 or 1) sorts its RTP. */
void           tc_pcap_classify_udp    (TcPcapSummary  *summary,
                                        const guint8   *payload,
                                        gsize           len,
                                        guint           direction);
/* Payload types seen at least @min times in both directions (audio and video crossing). */
guint          tc_pcap_two_way_payload_types (const TcPcapSummary *summary,
                                        guint           min);
char          *tc_pcap_summary_to_string (const TcPcapSummary *summary);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcPcapSummary, g_free)

G_END_DECLS
