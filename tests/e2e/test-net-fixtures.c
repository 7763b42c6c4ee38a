/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fixtures every e2e test stands on: two namespaces over a veth (links really up,
 * traffic passes, tbf and link cuts apply, tcpdump captures) and coturn relaying with
 * TURN REST credentials. Root only. */
#include <check.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#include "tc-pcap.h"
#include "tc-test-netns.h"
#include "tc-test-turn.h"

static TcTestNetns *netns;

static void
netns_setup (void)
{
  g_autoptr(GError) error = NULL;

  tc_test_netns_sweep_stale ();
  netns = tc_test_netns_new (&error);
  if (netns == NULL)
    g_printerr ("netns setup failed: %s\n", error->message);
}

static void
netns_teardown (void)
{
  g_clear_pointer (&netns, tc_test_netns_free);
}

static gboolean
ping (const char *ns,
      const char *addr)
{
  const char *argv[] = { "ping", "-c", "1", "-W", "1", addr, NULL };

  return tc_test_netns_run (ns, argv, NULL);
}

START_TEST (test_veth_carries_traffic)
{
  ck_assert_ptr_nonnull (netns);
  ck_assert (g_str_has_prefix (netns->ns_a, TC_TEST_NETNS_PREFIX));
  ck_assert (ping (netns->ns_a, netns->addr_b));
  ck_assert (ping (netns->ns_b, netns->addr_a));
  /* Namespaces are isolated from the host: the host does not reach them. */
  ck_assert (!ping (NULL, netns->addr_b));
}
END_TEST

START_TEST (test_link_cut_and_return)
{
  g_autoptr(GError) error = NULL;

  ck_assert_ptr_nonnull (netns);
  ck_assert (tc_test_netns_set_link (netns, FALSE, &error));
  ck_assert (!ping (netns->ns_a, netns->addr_b));
  ck_assert_msg (tc_test_netns_set_link (netns, TRUE, &error), "%s", error ? error->message : "");
  ck_assert (ping (netns->ns_a, netns->addr_b));
}
END_TEST

START_TEST (test_rate_limit_applies)
{
  g_autoptr(GError) error = NULL;
  const char *show[] = { "tc", "qdisc", "show", "dev", netns->dev_a, NULL };
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *out = NULL;

  ck_assert_msg (tc_test_netns_set_rate (netns, TRUE, 500, &error), "%s", error ? error->message : "");
  proc = tc_test_netns_spawn (netns->ns_a, G_SUBPROCESS_FLAGS_STDOUT_PIPE, show, &error);
  ck_assert_ptr_nonnull (proc);
  ck_assert (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error));
  ck_assert_msg (strstr (out, "tbf") != NULL && strstr (out, "500Kbit") != NULL, "qdisc: %s", out);
  ck_assert (tc_test_netns_set_rate (netns, TRUE, 0, &error));
  ck_assert (ping (netns->ns_a, netns->addr_b));
  /* The UDP loss rule loads, replaces itself and goes away (ICMP is never dropped). */
  ck_assert_msg (tc_test_netns_set_loss (netns, TRUE, 50, &error), "%s", error ? error->message : "");
  ck_assert_msg (tc_test_netns_set_loss (netns, TRUE, 1000, &error), "%s", error ? error->message : "");
  ck_assert (ping (netns->ns_a, netns->addr_b));
  ck_assert (tc_test_netns_set_loss (netns, TRUE, 0, &error));
}
END_TEST

/* coturn in ns A relays between two clients in ns B with REST credentials; tcpdump on
 * the veth sees the STUN/TURN messages (first byte 0–3 per RFC 7983). */
START_TEST (test_turn_relays_and_capture_sees_stun)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestTurn) turn = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tc-fixtures-XXXXXX", NULL);
  g_autofree char *pcap = g_build_filename (dir, "veth.pcap", NULL);
  g_autofree char *user = NULL;
  g_autofree char *password = NULL;
  g_autofree char *port = NULL;
  g_autoptr(GSubprocess) tcpdump = NULL;
  g_autoptr(TcPcapSummary) summary = NULL;
  g_autofree char *text = NULL;

  ck_assert_ptr_nonnull (netns);
  if (!tc_test_turn_available ())
    return;
  turn = tc_test_turn_start (netns->ns_a, netns->addr_a, 3478, &error);
  ck_assert_msg (turn != NULL, "%s", error ? error->message : "");
  tcpdump = tc_test_netns_start_capture (netns, pcap, &error);
  ck_assert_msg (tcpdump != NULL, "%s", error ? error->message : "");

  tc_test_turn_credentials (turn, "fixture", 600, &user, &password);
  port = g_strdup_printf ("%u", turn->port);
  {
    /* -y: two clients exchange messages through their relays; -c: no RTCP pair. */
    const char *argv[] = { "turnutils_uclient", "-y", "-c", "-n", "10", "-m", "1", "-p", port,
                           "-u", user, "-w", password, turn->listen_ip, NULL };

    ck_assert_msg (tc_test_netns_run (netns->ns_b, argv, &error), "%s", error ? error->message : "");
  }
  ck_assert_uint_ge (tc_test_turn_count_allocations (turn), 1);

  ck_assert (tc_test_netns_stop_capture (tcpdump, &error));
  summary = tc_pcap_summarize (pcap, &error);
  ck_assert_msg (summary != NULL, "%s", error ? error->message : "");
  text = tc_pcap_summary_to_string (summary);
  g_printerr ("veth capture: %s\n", text);
  /* Allocation and permissions in STUN; the clients' test bytes in ChannelData, or in
   * Send/Data indications (STUN too) before the channel is bound. */
  ck_assert_msg (summary->stun > 0, "%s", text);
  ck_assert_msg (summary->turn_channel + summary->stun >= 10, "%s", text);
  g_unlink (pcap);
  g_rmdir (dir);
}
END_TEST

/* Wrong credentials get no allocation. */
START_TEST (test_turn_refuses_bad_credentials)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcTestTurn) turn = NULL;
  g_autofree char *port = NULL;

  ck_assert_ptr_nonnull (netns);
  if (!tc_test_turn_available ())
    return;
  turn = tc_test_turn_start (netns->ns_a, netns->addr_a, 3478, &error);
  ck_assert_msg (turn != NULL, "%s", error ? error->message : "");
  port = g_strdup_printf ("%u", turn->port);
  {
    const char *argv[] = { "turnutils_uclient", "-y", "-c", "-n", "2", "-m", "1", "-p", port,
                           "-u", "1:intruder", "-w", "not-the-password", turn->listen_ip, NULL };

    ck_assert (!tc_test_netns_run (netns->ns_b, argv, NULL));
  }
  ck_assert_uint_eq (tc_test_turn_count_allocations (turn), 0);
}
END_TEST

static void
add_test (Suite        *s,
          const char   *name,
          const TTest  *test)
{
  TCase *tc = tcase_create (name);

  tcase_add_unchecked_fixture (tc, netns_setup, netns_teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test);
  suite_add_tcase (s, tc);
}

int
main (void)
{
  Suite *s;
  SRunner *sr;
  int failed;

  if (!tc_test_netns_can_run ())
    return TC_TEST_SKIP;

  s = suite_create ("net-fixtures");
  /* Namespaces are made and deleted in the parent process (unchecked fixtures), so a
   * failed assertion in the forked test cannot leave them behind; one TCase per test
   * gives each test fresh ones. */
  add_test (s, "veth", test_veth_carries_traffic);
  add_test (s, "link", test_link_cut_and_return);
  add_test (s, "rate", test_rate_limit_applies);
  add_test (s, "turn", test_turn_relays_and_capture_sees_stun);
  add_test (s, "turn-refuses", test_turn_refuses_bad_credentials);

  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
