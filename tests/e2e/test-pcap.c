/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pcap classifier that tells the e2e tests whether media went out encrypted:
 * synthetic captures with each kind of datagram, damaged files. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tc-pcap.h"

/* Appends one Ethernet/IPv4/UDP record carrying @payload. */
static void
add_record (GByteArray   *pcap,
            const guint8 *payload,
            gsize         len)
{
  guint8 rec[16] = { 0 };
  guint8 hdr[14 + 20 + 8] = { 0 };
  guint32 incl = (guint32) (sizeof hdr + len);
  guint16 ip_len = (guint16) (20 + 8 + len);
  guint16 udp_len = (guint16) (8 + len);

  memcpy (rec + 8, &incl, 4);   /* little-endian host, magic written the same way */
  memcpy (rec + 12, &incl, 4);
  hdr[12] = 0x08;
  hdr[14] = 0x45;
  hdr[16] = ip_len >> 8;
  hdr[17] = ip_len & 0xff;
  hdr[14 + 9] = 17;
  hdr[34 + 4] = udp_len >> 8;
  hdr[34 + 5] = udp_len & 0xff;
  g_byte_array_append (pcap, rec, sizeof rec);
  g_byte_array_append (pcap, hdr, sizeof hdr);
  g_byte_array_append (pcap, payload, len);
}

/* The same over IPv6 (link-local, as libnice uses on a veth), @dst_last the last byte of
 * the destination address (0xff: make it multicast ff02::…). */
static void
add_record6 (GByteArray   *pcap,
             const guint8 *payload,
             gsize         len,
             guint8        src_last,
             guint8        dst_last)
{
  guint8 rec[16] = { 0 };
  guint8 hdr[14 + 40 + 8] = { 0 };
  guint32 incl = (guint32) (sizeof hdr + len);
  guint16 udp_len = (guint16) (8 + len);

  memcpy (rec + 8, &incl, 4);
  memcpy (rec + 12, &incl, 4);
  hdr[12] = 0x86;
  hdr[13] = 0xdd;
  hdr[14] = 0x60;
  hdr[14 + 4] = udp_len >> 8;
  hdr[14 + 5] = udp_len & 0xff;
  hdr[14 + 6] = 17;
  hdr[14 + 8] = 0xfe;
  hdr[14 + 9] = 0x80;
  hdr[14 + 23] = src_last;
  hdr[14 + 24] = dst_last == 0xff ? 0xff : 0xfe;
  hdr[14 + 25] = dst_last == 0xff ? 0x02 : 0x80;
  hdr[14 + 39] = dst_last;
  hdr[54 + 4] = udp_len >> 8;
  hdr[54 + 5] = udp_len & 0xff;
  g_byte_array_append (pcap, rec, sizeof rec);
  g_byte_array_append (pcap, hdr, sizeof hdr);
  g_byte_array_append (pcap, payload, len);
}

static GByteArray *
new_pcap (void)
{
  GByteArray *pcap = g_byte_array_new ();
  guint8 global[24] = { 0 };
  guint32 magic = 0xa1b2c3d4, snap = 65535, link = 1;

  g_assert (G_BYTE_ORDER == G_LITTLE_ENDIAN);
  memcpy (global, &magic, 4);
  global[4] = 2;
  global[6] = 4;
  memcpy (global + 16, &snap, 4);
  memcpy (global + 20, &link, 4);
  g_byte_array_append (pcap, global, sizeof global);
  return pcap;
}

/* An RTCP receiver report (8 bytes + one 24-byte block). */
static gsize
make_rr (guint8 *p)
{
  memset (p, 0x11, 32);
  p[0] = 0x81;
  p[1] = 201;
  p[2] = 0;
  p[3] = 7;
  return 32;
}

START_TEST (test_each_kind_is_counted)
{
  g_autoptr(GByteArray) pcap = new_pcap ();
  g_autoptr(TcPcapSummary) s = NULL;
  g_autoptr(GError) error = NULL;
  guint8 stun[20] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42 };
  guint8 dtls_hs[13] = { 22, 0xfe, 0xfd };
  guint8 dtls_app[13] = { 23, 0xfe, 0xfd };
  guint8 rtp[40] = { 0x80, 96 };
  guint8 rtp_vp8_clear[40] = { 0x90, 96 };
  guint8 rr[64];
  guint8 srtcp[64];
  guint8 channel[4 + 32] = { 0x40, 0x00, 0x00, 32 };
  gsize n;

  memset (rtp + 12, 0x5a, sizeof rtp - 12);
  add_record (pcap, stun, sizeof stun);
  add_record (pcap, dtls_hs, sizeof dtls_hs);
  add_record (pcap, dtls_app, sizeof dtls_app);
  add_record (pcap, rtp, sizeof rtp);
  /* Clear VP8 key frame: X bit set in the descriptor (2 bytes), tag, 9d 01 2a. */
  rtp_vp8_clear[0] = 0x80;
  rtp_vp8_clear[12] = 0x90;
  rtp_vp8_clear[13] = 0x00;
  rtp_vp8_clear[14 + 3] = 0x9d;
  rtp_vp8_clear[14 + 4] = 0x01;
  rtp_vp8_clear[14 + 5] = 0x2a;
  add_record (pcap, rtp_vp8_clear, sizeof rtp_vp8_clear);
  /* Plain compound RTCP: RR + RR. */
  n = make_rr (rr);
  n += make_rr (rr + n);
  add_record (pcap, rr, n);
  /* SRTCP: RR header then E|index and a 10-byte tag. */
  n = make_rr (srtcp);
  srtcp[n] = 0x80;
  srtcp[n + 3] = 0x05;
  n += 14;
  add_record (pcap, srtcp, n);
  /* ChannelData carrying a plain RR. */
  make_rr (channel + 4);
  add_record (pcap, channel, sizeof channel);

  s = tc_pcap_summarize_bytes (pcap->data, pcap->len, &error);
  ck_assert_ptr_nonnull (s);
  ck_assert_uint_eq (s->packets, 8);
  ck_assert_uint_eq (s->udp, 8);
  ck_assert_uint_eq (s->stun, 1);
  ck_assert_uint_eq (s->dtls, 2);
  ck_assert_uint_eq (s->dtls_handshake, 1);
  ck_assert_uint_eq (s->rtp, 2);
  ck_assert_uint_eq (s->rtp_by_pt[96], 2);
  /* Both synthetic packets go the same way (zero addresses): not two-way. */
  ck_assert_uint_eq (tc_pcap_two_way_payload_types (s, 1), 0);
  ck_assert_uint_eq (s->plain_vp8_keyframes, 1);
  ck_assert_uint_eq (s->rtcp_plain, 2);
  ck_assert_uint_eq (s->srtcp, 1);
  ck_assert_uint_eq (s->turn_channel, 1);
  ck_assert_uint_eq (s->other, 0);
}
END_TEST

/* IPv6 link-local media both ways; an SSDP search to a multicast group is set aside. */
START_TEST (test_ipv6_and_multicast)
{
  g_autoptr(GByteArray) pcap = new_pcap ();
  g_autoptr(TcPcapSummary) s = NULL;
  g_autoptr(GError) error = NULL;
  guint8 audio[40] = { 0x80, 111 };
  guint8 video[40] = { 0x80, 96 };
  const char ssdp[] = "M-SEARCH * HTTP/1.1\r\n";

  add_record6 (pcap, audio, sizeof audio, 1, 2);
  add_record6 (pcap, audio, sizeof audio, 2, 1);
  add_record6 (pcap, video, sizeof video, 1, 2);
  add_record6 (pcap, video, sizeof video, 2, 1);
  add_record6 (pcap, video, sizeof video, 2, 1);
  add_record6 (pcap, (const guint8 *) ssdp, sizeof ssdp - 1, 1, 0xff);
  s = tc_pcap_summarize_bytes (pcap->data, pcap->len, &error);
  ck_assert_ptr_nonnull (s);
  ck_assert_uint_eq (s->packets, 6);
  ck_assert_uint_eq (s->multicast, 1);
  ck_assert_uint_eq (s->udp, 5);
  ck_assert_uint_eq (s->rtp, 5);
  ck_assert_uint_eq (s->other, 0);
  ck_assert_uint_eq (tc_pcap_two_way_payload_types (s, 1), 2);
  ck_assert_uint_eq (tc_pcap_two_way_payload_types (s, 2), 0);
}
END_TEST

START_TEST (test_srtcp_without_e_flag_is_flagged)
{
  g_autoptr(TcPcapSummary) s = g_new0 (TcPcapSummary, 1);
  guint8 p[64];
  gsize n = make_rr (p);

  memset (p + n, 0, 14);
  tc_pcap_classify_udp (s, p, n + 14, 0);
  ck_assert_uint_eq (s->rtcp_unencrypted_srtcp, 1);
  ck_assert_uint_eq (s->srtcp, 0);
}
END_TEST

START_TEST (test_damaged_files_fail_cleanly)
{
  g_autoptr(GByteArray) pcap = new_pcap ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TcPcapSummary) s = NULL;
  guint8 junk[24] = { 1, 2, 3, 4 };
  guint8 stun[20] = { 0x00, 0x01 };

  s = tc_pcap_summarize_bytes (junk, sizeof junk, &error);
  ck_assert_ptr_null (s);
  ck_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA));
  g_clear_error (&error);
  s = tc_pcap_summarize_bytes (junk, 3, &error);
  ck_assert_ptr_null (s);
  g_clear_error (&error);

  /* A record cut short (tcpdump killed mid-write) ends the file without a crash. */
  add_record (pcap, stun, sizeof stun);
  add_record (pcap, stun, sizeof stun);
  for (guint cut = 1; cut < pcap->len - 24; cut++)
    {
      g_autoptr(TcPcapSummary) t = tc_pcap_summarize_bytes (pcap->data, pcap->len - cut, &error);

      /* Either a clean error (header cut) or the whole records before the cut. */
      if (t == NULL)
        g_clear_error (&error);
      else
        ck_assert_uint_le (t->stun, 1);
    }
  /* Record length far beyond the file. */
  pcap->data[24 + 8] = 0xff;
  pcap->data[24 + 9] = 0xff;
  pcap->data[24 + 10] = 0xff;
  pcap->data[24 + 11] = 0x7f;
  s = tc_pcap_summarize_bytes (pcap->data, pcap->len, &error);
  ck_assert_ptr_nonnull (s);
  ck_assert_uint_eq (s->packets, 0);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("pcap");
  TCase *tc = tcase_create ("classify");
  SRunner *sr;
  int failed;

  tcase_add_test (tc, test_each_kind_is_counted);
  tcase_add_test (tc, test_ipv6_and_multicast);
  tcase_add_test (tc, test_srtcp_without_e_flag_is_flagged);
  tcase_add_test (tc, test_damaged_files_fail_cleanly);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
