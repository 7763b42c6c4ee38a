/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Device readings over a real call between two namespaces (issue "Medical device
 * readings"): the server and the practitioner in ns A, the patient in ns B, each
 * client with an XDG_DATA_HOME of its own (the patient's queue, the practitioner's
 * dedup store). Every reading the patient took must reach the practitioner exactly
 * once and in the order taken, and the patient's queue must empty:
 *  - when the veth goes down for 5 s in the middle of the stream and comes back;
 *  - when the patient's process is killed (SIGKILL) in the middle of the stream and
 *    started again on the same invitation and data directory, taking a few more.
 * Root only. */
#include <check.h>
#include <string.h>

#include "tc-e2e-call.h"
#include "tc-e2e-cli.h"

/* Readings begin when the patient joins, before media connects: the stream has to
 * outlast the call's set-up for the cut and the kill to land in its middle. */
#define READINGS 80
#define READING_INTERVAL "250"
#define CUT_AFTER 10            /* readings received before the link goes or the patient dies */
#define CUT_MS 5000
#define READINGS_AFTER_RESTART 5
#define DELIVERY_TIMEOUT_MS 45000

/* tc-e2e-call.c's practitioner account. */
#define PRACTITIONER "doctor"

static char *
data_env (TcE2eCall  *call,
          const char *who)
{
  g_autofree char *dir = g_build_filename (call->dir, who, NULL);

  g_mkdir_with_parents (dir, 0700);
  return g_strconcat ("XDG_DATA_HOME=", dir, NULL);
}

/* The practitioner (auto-admit) in ns A; returns the invitation URL. */
static char *
start_practitioner (TcE2eCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *env0 = data_env (call, "practitioner-data");
  const char *env[] = { env0, NULL };
  const char *argv[] = { call->cli_binary, "practitioner", "--server", call->server_url, "--username", PRACTITIONER,
                         "--password-file", call->password_file, "--auto-admit", "--test-sources", NULL };
  JsonObject *invitation;

  call->practitioner = tc_e2e_cli_spawn ("practitioner", call->netns->ns_a, env, call->dir, argv, &error);
  ck_assert_msg (call->practitioner != NULL, "%s", error ? error->message : "");
  invitation = tc_e2e_client_wait (call->practitioner, "invitation", NULL, NULL, NULL, 30000);
  ck_assert_msg (invitation != NULL, "the practitioner got no invitation");
  return g_strdup (json_object_get_string_member_with_default (invitation, "url", ""));
}

static TcE2eClient *
start_patient (TcE2eCall  *call,
               const char *label,
               const char *url,
               guint       readings)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *env0 = data_env (call, "patient-data");
  g_autofree char *n = g_strdup_printf ("%u", readings);
  const char *env[] = { env0, NULL };
  const char *argv[] = { call->cli_binary, "patient", "--invitation", url, "--name", "E2E Patient", "--test-sources",
                         "--readings", n, "--reading-interval", READING_INTERVAL, NULL };
  TcE2eClient *client = tc_e2e_cli_spawn (label, call->netns->ns_b, env, call->dir, argv, &error);

  ck_assert_msg (client != NULL, "%s", error ? error->message : "");
  return client;
}

static gboolean
wait_received (TcE2eClient *practitioner,
               guint        n,
               guint        timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (tc_e2e_client_count (practitioner, "reading", NULL, NULL) < n)
    {
      if (practitioner->eof || g_get_monotonic_time () > deadline)
        return FALSE;
      tc_e2e_spin (20);
    }
  return TRUE;
}

/* A stats line of the patient, newer than now, saying nothing waits in its queue. */
static gboolean
wait_queue_empty (TcE2eClient *patient,
                  guint        timeout_ms)
{
  guint from = patient->events->len;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_get_monotonic_time () < deadline && !patient->eof)
    {
      JsonObject *st = tc_e2e_client_wait (patient, "stats", NULL, NULL, &from, 1000);

      if (st != NULL && tc_e2e_stat (st, "readings_pending") == 0)
        return TRUE;
    }
  return FALSE;
}

/* Received must equal sent, element by element: same set, no duplicate, same order. */
static void
assert_delivered (GPtrArray *sent,
                  GPtrArray *received)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < received->len; i++)
    {
      const char *id = g_ptr_array_index (received, i);

      ck_assert_msg (g_hash_table_add (seen, (gpointer) id), "reading %s arrived twice (the second as #%u)", id, i);
    }
  for (guint i = 0; i < MIN (sent->len, received->len); i++)
    ck_assert_msg (g_str_equal (g_ptr_array_index (sent, i), g_ptr_array_index (received, i)),
                   "reading #%u out of order: sent %s, received %s", i, (char *) g_ptr_array_index (sent, i),
                   (char *) g_ptr_array_index (received, i));
  ck_assert_msg (received->len == sent->len, "%u readings sent, %u received", sent->len, received->len);
}

/* Reading messages that reached the practitioner's data channel more than once (sent
 * again after a cut or restart, dropped by its dedup store): the CLI prints every
 * data-channel message as a "data" event. */
static guint
wire_duplicates (TcE2eClient *practitioner)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint messages = 0;

  for (guint i = 0; i < practitioner->events->len; i++)
    {
      JsonObject *e = g_ptr_array_index (practitioner->events, i);
      g_autoptr(JsonParser) parser = NULL;
      JsonNode *root;
      JsonObject *msg;

      if (g_strcmp0 (json_object_get_string_member_with_default (e, "event", ""), "data") != 0)
        continue;
      parser = json_parser_new ();
      if (!json_parser_load_from_data (parser, json_object_get_string_member_with_default (e, "text", ""), -1, NULL))
        continue;
      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        continue;
      msg = json_node_get_object (root);
      if (g_strcmp0 (json_object_get_string_member_with_default (msg, "type", ""), "reading") != 0)
        continue;
      messages++;
      g_hash_table_add (ids, g_strdup (json_object_get_string_member_with_default (msg, "id", "")));
    }
  return messages - g_hash_table_size (ids);
}

/* t_ms of the first event named @event (with @key == @value) at index >= @from, or -1. */
static gint64
first_event_ms (TcE2eClient *client,
                const char  *event,
                const char  *key,
                const char  *value,
                guint        from)
{
  JsonObject *e = tc_e2e_client_wait (client, event, key, value, &from, 0);

  return e != NULL ? json_object_get_int_member_with_default (e, "t_ms", -1) : -1;
}

/* t_ms of the first event named @event stamped at or after @since_ms, or -1. */
static gint64
first_event_since (TcE2eClient *client,
                   const char  *event,
                   gint64       since_ms)
{
  for (guint i = 0; i < client->events->len; i++)
    {
      JsonObject *e = g_ptr_array_index (client->events, i);
      gint64 t = json_object_get_int_member_with_default (e, "t_ms", -1);

      if (g_strcmp0 (json_object_get_string_member_with_default (e, "event", ""), event) == 0 && t >= since_ms)
        return t;
    }
  return -1;
}

START_TEST (test_readings_survive_a_cut)
{
  TcTestNetns *netns = tc_e2e_netns ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TcE2eCall) call = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) received = NULL;
  guint patient_mark, before_cut;
  gint64 up_ms, reconnected_ms, first_after_ms;
  g_autofree char *history = NULL;

  ck_assert_ptr_nonnull (netns);
  call = tc_e2e_call_new (netns, FALSE, &error);
  ck_assert_msg (call != NULL, "%s", error ? error->message : "");
  url = start_practitioner (call);
  call->patient = start_patient (call, "patient", url, READINGS);
  tc_e2e_call_assert_connected (call, 30000);

  ck_assert_msg (wait_received (call->practitioner, CUT_AFTER, 30000), "fewer than %u readings before the cut",
                 CUT_AFTER);
  ck_assert_msg (tc_e2e_client_count (call->patient, "reading-sent", NULL, NULL) < READINGS - 10,
                 "the patient took its readings too fast for the cut to land in the stream");
  patient_mark = call->patient->events->len;
  ck_assert_msg (tc_test_netns_set_link (netns, FALSE, &error), "%s", error ? error->message : "");
  before_cut = tc_e2e_client_count (call->practitioner, "reading", NULL, NULL);
  tc_e2e_spin (CUT_MS);
  ck_assert_msg (tc_test_netns_set_link (netns, TRUE, &error), "%s", error ? error->message : "");
  up_ms = g_get_monotonic_time () / 1000;
  g_printerr ("link down with %u readings received; up again %d ms later\n", before_cut, CUT_MS);

  ck_assert_msg (g_subprocess_get_identifier (call->patient->process) != NULL, "the patient exited during the cut");
  ck_assert_msg (wait_received (call->practitioner, READINGS, DELIVERY_TIMEOUT_MS),
                 "only %u of %u readings arrived within %u ms of the link's return",
                 tc_e2e_client_count (call->practitioner, "reading", NULL, NULL), READINGS, DELIVERY_TIMEOUT_MS);
  /* Room for a late duplicate to show. */
  tc_e2e_spin (2000);

  reconnected_ms = first_event_ms (call->patient, "call-state", "state", "connected", patient_mark);
  first_after_ms = first_event_since (call->practitioner, "reading", up_ms);
  history = tc_e2e_client_history (call->patient);
  g_printerr ("MEASURE cut: patient call connected again %" G_GINT64_FORMAT " ms after the link returned "
              "(history: %s); first reading after the cut %" G_GINT64_FORMAT " ms after it; %u readings, %u of them "
              "sent twice on the wire\n",
              reconnected_ms >= 0 ? reconnected_ms - up_ms : -1, history,
              first_after_ms >= 0 ? first_after_ms - up_ms : -1, READINGS,
              wire_duplicates (call->practitioner));

  sent = tc_e2e_cli_collect (call->patient, "reading-sent", "id");
  received = tc_e2e_cli_collect (call->practitioner, "reading", "id");
  assert_delivered (sent, received);
  ck_assert_msg (wait_queue_empty (call->patient, 10000), "the patient's queue did not empty");
}
END_TEST

/* Kills the patient in the middle of its stream and starts it again. With @during_cut,
 * the link goes down first and the readings taken meanwhile wait unacknowledged in the
 * queue when the process dies; the link returns just before the restart. */
static void
kill_and_restart (gboolean during_cut)
{
  TcTestNetns *netns = tc_e2e_netns ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TcE2eCall) call = NULL;
  g_autofree char *url = NULL;
  TcE2eClient *first;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) sent_again = NULL;
  g_autoptr(GPtrArray) received = NULL;
  guint at_kill, at_restart, resent = 0;
  gint64 restart_ms;
  JsonObject *connected;

  ck_assert_ptr_nonnull (netns);
  call = tc_e2e_call_new (netns, FALSE, &error);
  ck_assert_msg (call != NULL, "%s", error ? error->message : "");
  url = start_practitioner (call);
  first = start_patient (call, "patient#1", url, READINGS);
  ck_assert_msg (wait_received (call->practitioner, CUT_AFTER, 40000), "fewer than %u readings before the kill",
                 CUT_AFTER);
  ck_assert_msg (tc_e2e_client_count (first, "reading-sent", NULL, NULL) < READINGS - 20,
                 "the patient took its readings too fast for the kill to land in the stream");
  if (during_cut)
    {
      ck_assert_msg (tc_test_netns_set_link (netns, FALSE, &error), "%s", error ? error->message : "");
      tc_e2e_spin (2500);
    }

  /* Right after a reading was reported, so the next one (250 ms away) is not half taken. */
  {
    guint from = first->events->len;

    ck_assert_msg (tc_e2e_client_wait (first, "reading-sent", NULL, NULL, &from, 5000) != NULL,
                   "the patient stopped taking readings");
  }
  ck_assert_msg (tc_e2e_cli_kill (first, 5000), "the patient did not die");
  at_kill = tc_e2e_client_count (call->practitioner, "reading", NULL, NULL);
  sent = tc_e2e_cli_collect (first, "reading-sent", "id");
  g_printerr ("patient killed: %u readings taken, %u received\n", sent->len, at_kill);
  if (during_cut)
    {
      ck_assert_msg (tc_test_netns_set_link (netns, TRUE, &error), "%s", error ? error->message : "");
      ck_assert_msg (sent->len >= at_kill + 5, "too few readings waited in the queue (%u taken, %u received)",
                     sent->len, at_kill);
    }

  at_restart = tc_e2e_client_count (call->practitioner, "reading", NULL, NULL);
  restart_ms = g_get_monotonic_time () / 1000;
  call->patient = start_patient (call, "patient#2", url, READINGS_AFTER_RESTART);
  connected = tc_e2e_client_wait (call->patient, "call-state", "state", "connected", NULL, 30000);
  ck_assert_msg (connected != NULL, "the restarted patient never connected: %s",
                 tc_e2e_client_history (call->patient));

  /* What the first process took, then what the second took. */
  {
    gint64 deadline = g_get_monotonic_time () + 30000 * 1000;

    while (tc_e2e_client_count (call->patient, "reading-sent", NULL, NULL) < READINGS_AFTER_RESTART &&
           g_get_monotonic_time () < deadline && !call->patient->eof)
      tc_e2e_spin (20);
  }
  sent_again = tc_e2e_cli_collect (call->patient, "reading-sent", "id");
  ck_assert_uint_eq (sent_again->len, READINGS_AFTER_RESTART);
  g_ptr_array_extend_and_steal (sent, g_steal_pointer (&sent_again));

  ck_assert_msg (wait_received (call->practitioner, sent->len, DELIVERY_TIMEOUT_MS),
                 "only %u of %u readings arrived within %u ms of the restart",
                 tc_e2e_client_count (call->practitioner, "reading", NULL, NULL), sent->len, DELIVERY_TIMEOUT_MS);
  tc_e2e_spin (2000);

  received = tc_e2e_cli_collect (call->practitioner, "reading", "id");
  {
    /* A reading queued by the first process in the instant before SIGKILL, whose
     * "reading-sent" line it had no time to print, must arrive too: right after the
     * ones it reported, recognisable by the CLI's systolic value 110 + n % 40. */
    guint n = sent->len - READINGS_AFTER_RESTART;

    if (received->len == sent->len + 1 && !g_str_equal (g_ptr_array_index (received, n), g_ptr_array_index (sent, n)))
      {
        JsonObject *e = NULL;
        guint from = 0;

        for (guint i = 0; i <= n; i++)
          e = tc_e2e_client_wait (call->practitioner, "reading", NULL, NULL, &from, 0);
        ck_assert_msg (e != NULL && json_object_get_double_member_with_default (e, "systolic", 0) == 110 + n % 40,
                       "reading #%u is neither the next one taken nor the first one taken after the restart", n);
        g_printerr ("NOTE: reading #%u was queued just before the kill, unreported; it arrived in its place\n", n);
        g_ptr_array_insert (sent, n, g_strdup (g_ptr_array_index (received, n)));
      }
  }
  resent = received->len > at_restart ? MIN (received->len, sent->len - READINGS_AFTER_RESTART) - at_restart : 0;
  g_printerr ("MEASURE kill%s: %u readings taken before the kill, %u received by then, %u more from the first "
              "process's queue after the restart; restarted patient connected %" G_GINT64_FORMAT " ms after "
              "its start; %u readings sent twice on the wire\n", during_cut ? " during a cut" : "", sent->len - READINGS_AFTER_RESTART, at_kill, resent,
              json_object_get_int_member_with_default (connected, "t_ms", 0) - restart_ms,
              wire_duplicates (call->practitioner));
  assert_delivered (sent, received);
  ck_assert_msg (wait_queue_empty (call->patient, 10000), "the restarted patient's queue did not empty");
  tc_e2e_cli_free (first);
}

START_TEST (test_readings_survive_a_killed_patient)
{
  kill_and_restart (FALSE);
}
END_TEST

START_TEST (test_readings_survive_a_patient_killed_during_a_cut)
{
  kill_and_restart (TRUE);
}
END_TEST

int
main (void)
{
  const void *tests[] = { test_readings_survive_a_cut, test_readings_survive_a_killed_patient,
                          test_readings_survive_a_patient_killed_during_a_cut, NULL };

  return tc_e2e_main ("readings-netns", tests, 100);
}
