/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <check.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tc-fhir.h"
#include "tc-gatt-parser.h"
#include "tc-reading-dedup.h"
#include "tc-reading-message.h"
#include "tc-reading-queue.h"

static char *tmpdir;

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("tc-queue-XXXXXX", NULL);
  ck_assert_ptr_nonnull (tmpdir);
}

static void
teardown (void)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
  ck_assert_int_eq (system (cmd), 0);
  g_clear_pointer (&tmpdir, g_free);
}

static char *
observation_for (const char *id)
{
  static const guint8 hr[] = { 0x00, 0x48 };
  g_autoptr(TcReading) r = tc_gatt_parse (0x2A37, hr, sizeof hr, NULL);

  tc_reading_set_id (r, id);
  return tc_fhir_observation_to_string (r, NULL, NULL);
}

static void
enqueue_new (TcReadingQueue *q, const char *peer, char **id_out)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *obs = observation_for (id);
  g_autoptr(GError) error = NULL;

  ck_assert_msg (tc_reading_queue_enqueue (q, peer, id, obs, &error), "%s", error ? error->message : "");
  if (id_out)
    *id_out = g_steal_pointer (&id);
}

START_TEST (test_order_ack_reopen)
{
  g_autofree char *path = g_build_filename (tmpdir, "outbox.db", NULL);
  g_autoptr(TcReadingQueue) q = tc_reading_queue_new (path, NULL);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;
  gboolean was_pending;

  ck_assert_ptr_nonnull (q);
  for (int i = 0; i < 5; i++)
    {
      char *id;
      enqueue_new (q, "dr-a", &id);
      g_ptr_array_add (ids, id);
    }
  pending = tc_reading_queue_list_pending (q, "dr-a", 0, 100, &error);
  ck_assert_uint_eq (pending->len, 5);
  for (guint i = 0; i < 5; i++)
    ck_assert_str_eq (((TcQueuedReading *) pending->pdata[i])->id, ids->pdata[i]);
  /* after_seq pages on */
  g_clear_pointer (&pending, g_ptr_array_unref);
  pending = tc_reading_queue_list_pending (q, "dr-a", 0, 2, &error);
  ck_assert_uint_eq (pending->len, 2);
  {
    gint64 after = ((TcQueuedReading *) pending->pdata[1])->seq;
    g_clear_pointer (&pending, g_ptr_array_unref);
    pending = tc_reading_queue_list_pending (q, "dr-a", after, 100, &error);
    ck_assert_uint_eq (pending->len, 3);
    ck_assert_str_eq (((TcQueuedReading *) pending->pdata[0])->id, ids->pdata[2]);
  }

  ck_assert (tc_reading_queue_ack (q, ids->pdata[1], &was_pending, &error));
  ck_assert (was_pending);
  ck_assert (tc_reading_queue_ack (q, ids->pdata[1], &was_pending, &error));
  ck_assert (!was_pending);   /* a repeated ack changes nothing */
  ck_assert (tc_reading_queue_ack (q, "00000000-0000-4000-8000-000000000000", &was_pending, &error));
  ck_assert (!was_pending);
  ck_assert_uint_eq (tc_reading_queue_count_pending (q, "dr-a"), 4);

  /* close and reopen: unacknowledged ones are still there, in order */
  g_clear_object (&q);
  q = tc_reading_queue_new (path, &error);
  ck_assert_ptr_nonnull (q);
  g_clear_pointer (&pending, g_ptr_array_unref);
  pending = tc_reading_queue_list_pending (q, "dr-a", 0, 100, &error);
  ck_assert_uint_eq (pending->len, 4);
  ck_assert_str_eq (((TcQueuedReading *) pending->pdata[0])->id, ids->pdata[0]);
  ck_assert_str_eq (((TcQueuedReading *) pending->pdata[1])->id, ids->pdata[2]);

  ck_assert (tc_reading_queue_purge_acked (q, g_get_real_time () + 1, &error));
  ck_assert_uint_eq (tc_reading_queue_count_pending (q, "dr-a"), 4);
}
END_TEST

START_TEST (test_peer_binding)
{
  g_autoptr(TcReadingQueue) q = tc_reading_queue_new (":memory:", NULL);
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;

  /* taken with no call up: waits for the next call with that practitioner only */
  enqueue_new (q, "dr-a", &id);
  enqueue_new (q, "dr-b", NULL);
  enqueue_new (q, "dr-b", NULL);
  a = tc_reading_queue_list_pending (q, "dr-a", 0, 100, NULL);
  b = tc_reading_queue_list_pending (q, "dr-b", 0, 100, NULL);
  ck_assert_uint_eq (a->len, 1);
  ck_assert_uint_eq (b->len, 2);
  ck_assert_uint_eq (tc_reading_queue_count_pending (q, "dr-c"), 0);

  /* the same id twice, bad arguments */
  {
    g_autofree char *obs = observation_for (id);
    ck_assert (!tc_reading_queue_enqueue (q, "dr-a", id, obs, &error));
    ck_assert_int_eq (error->code, TC_READING_QUEUE_ERROR_DUPLICATE);
    g_clear_error (&error);
    ck_assert (!tc_reading_queue_enqueue (q, "", id, obs, &error));
    ck_assert_int_eq (error->code, TC_READING_QUEUE_ERROR_INVALID);
    g_clear_error (&error);
    ck_assert (!tc_reading_queue_enqueue (q, "dr-a", "nope", obs, &error));
    ck_assert_int_eq (error->code, TC_READING_QUEUE_ERROR_INVALID);
  }
}
END_TEST

/* kill -9 a writer mid-stream: everything it was told is durable is there after reopening. */
START_TEST (test_kill_mid_stream)
{
  g_autofree char *path = g_build_filename (tmpdir, "outbox.db", NULL);
  int fds[2];
  pid_t pid;
  g_autoptr(GPtrArray) confirmed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(TcReadingQueue) q = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;
  FILE *in;
  char line[64];
  int status;

  ck_assert_int_eq (pipe (fds), 0);
  pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      TcReadingQueue *cq;
      close (fds[0]);
      cq = tc_reading_queue_new (path, NULL);
      if (cq == NULL)
        _exit (2);
      for (int i = 0; i < 100000; i++)
        {
          g_autofree char *id = g_uuid_string_random ();
          g_autofree char *obs = observation_for (id);
          g_autofree char *msg = NULL;
          if (!tc_reading_queue_enqueue (cq, "dr-a", id, obs, NULL))
            _exit (3);
          msg = g_strdup_printf ("%s\n", id);   /* "it is durable": only after enqueue returned */
          if (write (fds[1], msg, strlen (msg)) < 0)
            _exit (4);
        }
      _exit (0);
    }
  close (fds[1]);
  in = fdopen (fds[0], "r");
  while (confirmed->len < 40 && fgets (line, sizeof line, in))
    {
      g_strchomp (line);
      g_ptr_array_add (confirmed, g_strdup (line));
    }
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
  ck_assert (WIFSIGNALED (status));
  /* the child may have confirmed a few more before it died */
  while (fgets (line, sizeof line, in))
    {
      g_strchomp (line);
      g_ptr_array_add (confirmed, g_strdup (line));
    }
  fclose (in);
  ck_assert_uint_ge (confirmed->len, 40);

  q = tc_reading_queue_new (path, &error);
  ck_assert_msg (q != NULL, "%s", error ? error->message : "");
  pending = tc_reading_queue_list_pending (q, "dr-a", 0, 1000000, &error);
  ck_assert_ptr_nonnull (pending);
  ck_assert_uint_ge (pending->len, confirmed->len);
  for (guint i = 0; i < confirmed->len; i++)
    ck_assert_str_eq (((TcQueuedReading *) pending->pdata[i])->id, confirmed->pdata[i]);
  /* and the queue still takes writes */
  enqueue_new (q, "dr-a", NULL);
}
END_TEST

START_TEST (test_messages)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *obs = observation_for (id);
  g_autofree char *msg = tc_reading_message_encode_reading (id, obs);
  g_autofree char *ack = tc_reading_message_encode_ack (id);
  g_autoptr(TcReadingMessage) m = NULL;
  g_autoptr(TcReadingMessage) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *other = g_uuid_string_random ();
  g_autofree char *mismatch = tc_reading_message_encode_reading (other, obs);
  static const char *bad[] = {
    "", "[]", "{}", "{\"type\":\"reading-ack\"}", "{\"type\":\"reading-ack\",\"id\":\"x\"}",
    "{\"type\":\"hello\",\"id\":\"0b9a3a43-7f5c-4a5f-9d1e-0e6f7c6d2a11\"}",
    "{\"type\":\"reading\",\"id\":\"0b9a3a43-7f5c-4a5f-9d1e-0e6f7c6d2a11\"}",
    "{\"type\":\"reading\",\"id\":\"0b9a3a43-7f5c-4a5f-9d1e-0e6f7c6d2a11\",\"observation\":7}",
    "{\"type\":1,\"id\":\"0b9a3a43-7f5c-4a5f-9d1e-0e6f7c6d2a11\"}",
  };

  m = tc_reading_message_decode (msg, strlen (msg), &error);
  ck_assert_msg (m != NULL, "%s", error ? error->message : "");
  ck_assert_int_eq (m->type, TC_READING_MESSAGE_READING);
  ck_assert_str_eq (m->id, id);
  ck_assert_int_eq (m->reading->kind, TC_READING_KIND_HEART_RATE);
  {
    g_autofree char *expected = g_strdup_printf ("{\"type\":\"reading-ack\",\"id\":\"%s\"}", id);
    ck_assert_str_eq (ack, expected);
  }
  a = tc_reading_message_decode (ack, strlen (ack), &error);
  ck_assert_int_eq (a->type, TC_READING_MESSAGE_ACK);
  ck_assert_str_eq (a->id, id);

  ck_assert_ptr_null (tc_reading_message_decode (mismatch, strlen (mismatch), &error));
  g_clear_error (&error);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      ck_assert_msg (tc_reading_message_decode (bad[i], strlen (bad[i]), &error) == NULL, "accepted %s", bad[i]);
      ck_assert_ptr_nonnull (error);
      g_clear_error (&error);
    }
}
END_TEST

START_TEST (test_dedup)
{
  g_autofree char *path = g_build_filename (tmpdir, "inbox.db", NULL);
  g_autoptr(TcReadingDedup) d = tc_reading_dedup_new (path, NULL);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *obs = observation_for (id);
  g_autofree char *msg = tc_reading_message_encode_reading (id, obs);
  g_autofree char *ack1 = NULL, *ack2 = NULL, *ack3 = NULL, *ack4 = NULL;
  g_autofree char *ackmsg = tc_reading_message_encode_ack (id);
  g_autoptr(TcReading) first = NULL;
  g_autoptr(TcReading) second = NULL;
  g_autoptr(GError) error = NULL;

  first = tc_reading_dedup_receive (d, msg, strlen (msg), &ack1, &error);
  ck_assert_ptr_nonnull (first);
  ck_assert_str_eq (ack1, ackmsg);
  second = tc_reading_dedup_receive (d, msg, strlen (msg), &ack2, &error);
  ck_assert_ptr_null (second);          /* duplicate: recognised */
  ck_assert_ptr_null (error);
  ck_assert_str_eq (ack2, ackmsg);      /* but acknowledged again */
  ck_assert_uint_eq (tc_reading_dedup_count (d), 1);

  /* survives a reopen */
  g_clear_object (&d);
  d = tc_reading_dedup_new (path, NULL);
  ck_assert (tc_reading_dedup_contains (d, id));
  ck_assert_ptr_null (tc_reading_dedup_receive (d, msg, strlen (msg), &ack3, &error));
  ck_assert_ptr_nonnull (ack3);

  /* garbage: an error and no ack */
  ck_assert_ptr_null (tc_reading_dedup_receive (d, "{", 1, &ack4, &error));
  ck_assert_ptr_nonnull (error);
  ck_assert_ptr_null (ack4);
}
END_TEST

static Suite *
queue_suite (void)
{
  Suite *s = suite_create ("reading-queue");
  TCase *tc = tcase_create ("core");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_order_ack_reopen);
  tcase_add_test (tc, test_peer_binding);
  tcase_add_test (tc, test_kill_mid_stream);
  tcase_add_test (tc, test_messages);
  tcase_add_test (tc, test_dedup);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (queue_suite ());
  int failed;

  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
