/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcPcap: reads a classic pcap file (tcpdump -w) and sorts every IPv4/UDP payload by
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
  guint udp;               /* IPv4/UDP datagrams (ChannelData counts once, by what it carries) */
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
} TcPcapSummary;

TcPcapSummary *tc_pcap_summarize       (const char     *path,
                                        GError        **error);
/* Same, on bytes already in memory. */
TcPcapSummary *tc_pcap_summarize_bytes (const guint8   *data,
                                        gsize           len,
                                        GError        **error);
/* Classifies one UDP payload into @summary. */
void           tc_pcap_classify_udp    (TcPcapSummary  *summary,
                                        const guint8   *payload,
                                        gsize           len);
char          *tc_pcap_summary_to_string (const TcPcapSummary *summary);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcPcapSummary, g_free)

G_END_DECLS
