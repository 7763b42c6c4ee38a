/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-pcap"

#include "tc-pcap.h"

#include <string.h>

#define PCAP_MAX_FILE (512u * 1024 * 1024)
#define LINKTYPE_ETHERNET 1
#define LINKTYPE_LINUX_SLL 113
#define LINKTYPE_RAW 101

static guint32
rd32 (const guint8 *p,
      gboolean      swap)
{
  guint32 v = (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;

  return swap ? GUINT32_SWAP_LE_BE (v) : v;
}

static guint16
be16 (const guint8 *p)
{
  return (guint16) (p[0] << 8 | p[1]);
}

static gboolean
is_rtcp_type (guint8 pt)
{
  return pt >= 192 && pt <= 223;
}

static void
classify_rtcp (TcPcapSummary *s,
               const guint8  *p,
               gsize          len)
{
  gsize off = 0;
  gsize first_len;

  /* Plain (compound) RTCP: every header is version 2 with an RTCP type, and the
   * lengths add up to the datagram exactly. */
  while (off + 4 <= len)
    {
      gsize plen = ((gsize) be16 (p + off + 2) + 1) * 4;

      if ((p[off] >> 6) != 2 || !is_rtcp_type (p[off + 1]) || off + plen > len)
        break;
      off += plen;
    }
  if (off == len)
    {
      s->rtcp_plain++;
      return;
    }
  /* SRTCP: the first header in clear, then (encrypted) rest, E|index, 10-byte tag. */
  first_len = ((gsize) be16 (p + 2) + 1) * 4;
  if (len >= first_len + 14 && len >= 8 + 14)
    {
      if (p[len - 14] & 0x80)
        s->srtcp++;
      else
        s->rtcp_unencrypted_srtcp++;
      return;
    }
  s->other++;
}

/* A VP8 key frame's payload header begins with a 3-byte frame tag then 9d 01 2a; in
 * clear RTP it sits right after the 1–6 byte VP8 payload descriptor. */
static gboolean
has_clear_vp8_keyframe (const guint8 *p,
                        gsize         len)
{
  gsize hdr = 12 + 4 * (gsize) (p[0] & 0x0f);

  if (p[0] & 0x10)   /* header extension */
    {
      if (len < hdr + 4)
        return FALSE;
      hdr += 4 + 4 * (gsize) be16 (p + hdr + 2);
    }
  for (gsize d = 1; d <= 6; d++)
    {
      gsize at = hdr + d + 3;

      if (at + 3 <= len && p[at] == 0x9d && p[at + 1] == 0x01 && p[at + 2] == 0x2a)
        return TRUE;
    }
  return FALSE;
}

static void
classify (TcPcapSummary *s,
          const guint8  *p,
          gsize          len,
          guint          depth,
          guint          dir)
{
  guint8 b;

  if (len == 0)
    {
      s->other++;
      return;
    }
  b = p[0];
  if (b <= 3)
    s->stun++;
  else if (b >= 20 && b <= 63)
    {
      s->dtls++;
      if (b == 22)
        s->dtls_handshake++;
    }
  else if (b >= 64 && b <= 79 && depth == 0)
    {
      /* ChannelData: 2-byte channel, 2-byte length, the relayed datagram. */
      gsize inner;

      s->turn_channel++;
      if (len < 4 || (inner = be16 (p + 2)) > len - 4)
        {
          s->other++;
          return;
        }
      classify (s, p + 4, inner, depth + 1, dir);
    }
  else if (b >= 128 && b <= 191)
    {
      if (len >= 8 && is_rtcp_type (p[1]))
        classify_rtcp (s, p, len);
      else if (len >= 12)
        {
          s->rtp++;
          s->rtp_by_pt[p[1] & 0x7f]++;
          s->rtp_dir[dir & 1][p[1] & 0x7f]++;
          if (has_clear_vp8_keyframe (p, len))
            s->plain_vp8_keyframes++;
        }
      else
        s->other++;
    }
  else
    s->other++;
}

void
tc_pcap_classify_udp (TcPcapSummary *summary,
                      const guint8  *payload,
                      gsize          len,
                      guint          direction)
{
  summary->udp++;
  classify (summary, payload, len, 0, direction);
}

guint
tc_pcap_two_way_payload_types (const TcPcapSummary *summary,
                               guint                min)
{
  guint n = 0;

  for (guint pt = 0; pt < 128; pt++)
    n += summary->rtp_dir[0][pt] >= min && summary->rtp_dir[1][pt] >= min;
  return n;
}

typedef enum {
  FRAME_OTHER,
  FRAME_UDP,
  FRAME_MULTICAST,
} FrameKind;

/* Finds the UDP payload in one captured frame (IPv4 or IPv6 without extension headers). */
static FrameKind
udp_payload (guint32        linktype,
             const guint8  *f,
             gsize          len,
             const guint8 **payload,
             gsize         *payload_len,
             guint         *direction)
{
  gsize off, ip_len, hdr, udp_len;
  guint16 ethertype;
  gboolean multicast;

  switch (linktype)
    {
    case LINKTYPE_ETHERNET:
      if (len < 14)
        return FRAME_OTHER;
      ethertype = be16 (f + 12);
      off = 14;
      break;
    case LINKTYPE_LINUX_SLL:
      if (len < 16)
        return FRAME_OTHER;
      ethertype = be16 (f + 14);
      off = 16;
      break;
    case LINKTYPE_RAW:
      ethertype = len > 0 && (f[0] >> 4) == 6 ? 0x86dd : 0x0800;
      off = 0;
      break;
    default:
      return FRAME_OTHER;
    }
  if (ethertype == 0x0800)
    {
      if (len < off + 20 || (f[off] >> 4) != 4)
        return FRAME_OTHER;
      hdr = (gsize) (f[off] & 0x0f) * 4;
      ip_len = be16 (f + off + 2);
      if (hdr < 20 || f[off + 9] != 17 || (be16 (f + off + 6) & 0x1fff) != 0)
        return FRAME_OTHER;   /* not UDP, or a later fragment */
      multicast = f[off + 16] >= 224;
      *direction = memcmp (f + off + 12, f + off + 16, 4) < 0 ? 0 : 1;
    }
  else if (ethertype == 0x86dd)
    {
      if (len < off + 40 || (f[off] >> 4) != 6 || f[off + 6] != 17)
        return FRAME_OTHER;
      hdr = 40;
      ip_len = 40 + (gsize) be16 (f + off + 4);
      multicast = f[off + 24] == 0xff;
      *direction = memcmp (f + off + 8, f + off + 24, 16) < 0 ? 0 : 1;
    }
  else
    return FRAME_OTHER;
  if (ip_len > len - off)
    ip_len = len - off;   /* truncated capture: keep what we have */
  if (ip_len < hdr + 8)
    return FRAME_OTHER;
  off += hdr;
  udp_len = be16 (f + off + 4);
  if (udp_len < 8)
    return FRAME_OTHER;
  *payload = f + off + 8;
  *payload_len = MIN (udp_len, ip_len - hdr) - 8;
  return multicast ? FRAME_MULTICAST : FRAME_UDP;
}

TcPcapSummary *
tc_pcap_summarize_bytes (const guint8  *data,
                         gsize          len,
                         GError       **error)
{
  g_autoptr(TcPcapSummary) s = g_new0 (TcPcapSummary, 1);
  guint32 magic;
  gboolean swap;
  guint32 linktype;
  gsize off = 24;

  if (len < 24)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a pcap file: too short");
      return NULL;
    }
  magic = rd32 (data, FALSE);
  if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
    swap = FALSE;
  else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
    swap = TRUE;
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a pcap file (magic %08x)", magic);
      return NULL;
    }
  linktype = rd32 (data + 20, swap) & 0x0fffffff;
  if (linktype != LINKTYPE_ETHERNET && linktype != LINKTYPE_LINUX_SLL && linktype != LINKTYPE_RAW)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "unsupported pcap link type %u", linktype);
      return NULL;
    }
  while (off < len)
    {
      guint32 incl;
      const guint8 *payload;
      gsize payload_len;
      guint direction;

      if (len - off < 16)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "truncated record header at %" G_GSIZE_FORMAT, off);
          return NULL;
        }
      incl = rd32 (data + off + 8, swap);
      off += 16;
      if (incl > len - off)
        {
          /* tcpdump killed mid-write: the last record may be cut; count what is whole. */
          break;
        }
      s->packets++;
      switch (udp_payload (linktype, data + off, incl, &payload, &payload_len, &direction))
        {
        case FRAME_UDP:
          tc_pcap_classify_udp (s, payload, payload_len, direction);
          break;
        case FRAME_MULTICAST:
          s->multicast++;
          break;
        case FRAME_OTHER:
          break;
        }
      off += incl;
    }
  return g_steal_pointer (&s);
}

TcPcapSummary *
tc_pcap_summarize (const char  *path,
                   GError     **error)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, error);

  if (file == NULL)
    return NULL;
  if (g_mapped_file_get_length (file) > PCAP_MAX_FILE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is larger than %u bytes", path, PCAP_MAX_FILE);
      return NULL;
    }
  return tc_pcap_summarize_bytes ((const guint8 *) g_mapped_file_get_contents (file),
                                  g_mapped_file_get_length (file), error);
}

char *
tc_pcap_summary_to_string (const TcPcapSummary *s)
{
  g_autoptr(GString) pts = g_string_new (NULL);

  for (guint pt = 0; pt < 128; pt++)
    if (s->rtp_by_pt[pt] > 0)
      g_string_append_printf (pts, " pt%u=%u", pt, s->rtp_by_pt[pt]);
  return g_strdup_printf ("packets=%u multicast=%u udp=%u stun=%u dtls=%u (handshake %u) channel=%u rtp=%u srtcp=%u "
                          "rtcp_plain=%u srtcp_E0=%u vp8_key_in_clear=%u other=%u rtp by type:%s",
                          s->packets, s->multicast, s->udp, s->stun, s->dtls, s->dtls_handshake, s->turn_channel, s->rtp,
                          s->srtcp, s->rtcp_plain, s->rtcp_unencrypted_srtcp, s->plain_vp8_keyframes, s->other, pts->str);
}
