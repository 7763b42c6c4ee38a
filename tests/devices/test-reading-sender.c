/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <check.h>
#include <gio/gio.h>
#include <string.h>

#include "tc-gatt-parser.h"
#include "tc-reading-dedup.h"
#include "tc-reading-message.h"
#include "tc-reading-sender.h"

/* A fake data channel: two FIFOs, delivered one message at a time by the test. */
typedef struct {
  GQueue   to_receiver;
  GQueue   to_sender;
  gboolean lose;        /* messages handed to the channel vanish */
  gboolean refuse;      /* the send function reports failure */
  guint    sent;
} Wire;

static gboolean
wire_send (const char *message, gpointer user_data, GError **error)
{
  Wire *w = user_data;

  if (w->refuse)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "channel not open");
      return FALSE;
    }
  w->sent++;
  if (!w->lose)
    g_queue_push_tail (&w->to_receiver, g_strdup (message));
  return TRUE;
}

static void
wire_cut (Wire *w)
{
  g_queue_clear_full (&w->to_receiver, g_free);
  g_queue_clear_full (&w->to_sender, g_free);
}

static TcReading *
make_reading (guint8 bpm)
{
  guint8 b[] = { 0x00, bpm };
  return tc_gatt_parse (0x2A37, b, sizeof b, NULL);
}

static void
submit_n (TcReadingSender *s, TcReadingQueue *q, GPtrArray *order, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TcReading) r = make_reading ((guint8) (40 + order->len % 150));
      g_autoptr(GError) error = NULL;

      if (s)
        ck_assert (tc_reading_sender_submit (s, r, &error));
      else
        ck_assert (tc_reading_queue_enqueue_reading (q, "dr-a", r, &error));
      g_ptr_array_add (order, g_strdup (r->id));
    }
}

/* Delivers one message in each direction; returns FALSE when nothing moved. */
static gboolean
step (Wire *w, TcReadingDedup *inbox, TcReadingSender *s, GPtrArray *received, guint *duplicates)
{
  gboolean moved = FALSE;
  char *m;

  if ((m = g_queue_pop_head (&w->to_receiver)))
    {
      g_autofree char *msg = m;
      g_autofree char *ack = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(TcReading) r = tc_reading_dedup_receive (inbox, msg, strlen (msg), &ack, &error);

      ck_assert_msg (error == NULL, "%s", error ? error->message : "");
      ck_assert_ptr_nonnull (ack);
      if (r)
        g_ptr_array_add (received, g_strdup (r->id));
      else
        (*duplicates)++;
      g_queue_push_tail (&w->to_sender, g_steal_pointer (&ack));
      moved = TRUE;
    }
  if ((m = g_queue_pop_head (&w->to_sender)))
    {
      g_autofree char *msg = m;
      g_autoptr(GError) error = NULL;

      ck_assert (tc_reading_sender_handle_message (s, msg, strlen (msg), &error));
      moved = TRUE;
    }
  ck_assert_uint_le (tc_reading_sender_get_in_flight (s), tc_reading_sender_get_window (s));
  return moved;
}

/* Cut the channel after `_i` steps, with messages in flight both ways; readings are also taken
 * while it is down. Every reading must reach the receiver exactly once, in the order taken. */
START_TEST (test_cut_mid_stream)
{
  Wire w = { G_QUEUE_INIT, G_QUEUE_INIT, FALSE, FALSE, 0 };
  g_autoptr(TcReadingQueue) q = tc_reading_queue_new (":memory:", NULL);
  g_autoptr(TcReadingDedup) inbox = tc_reading_dedup_new (":memory:", NULL);
  g_autoptr(TcReadingSender) s = NULL;
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) received = g_ptr_array_new_with_free_func (g_free);
  guint duplicates = 0;
  guint steps = 0;
  guint cut_at = (guint) _i;

  /* readings taken before the call */
  submit_n (NULL, q, order, 7);
  s = tc_reading_sender_new (q, "dr-a", wire_send, &w, NULL);
  tc_reading_sender_set_window (s, 3);
  tc_reading_sender_channel_opened (s);
  submit_n (s, q, order, 8);

  while (steps < 10000)
    {
      if (steps == cut_at)
        {
          wire_cut (&w);
          tc_reading_sender_channel_closed (s);
          submit_n (s, q, order, 4);   /* taken while no call is up */
          ck_assert_uint_eq (tc_reading_sender_get_in_flight (s), 0);
          tc_reading_sender_channel_opened (s);
        }
      if (!step (&w, inbox, s, received, &duplicates) && steps > cut_at)
        break;
      steps++;
    }

  ck_assert_uint_eq (received->len, order->len);
  for (guint i = 0; i < order->len; i++)
    ck_assert_str_eq (received->pdata[i], order->pdata[i]);
  ck_assert_uint_eq (tc_reading_queue_count_pending (q, "dr-a"), 0);
  ck_assert_uint_eq (tc_reading_sender_get_in_flight (s), 0);
  g_queue_clear_full (&w.to_receiver, g_free);
  g_queue_clear_full (&w.to_sender, g_free);
}
END_TEST

/* Some cut points lose a delivered reading's ack: the retransmission must be a recognised duplicate. */
START_TEST (test_lost_ack_is_duplicate)
{
  Wire w = { G_QUEUE_INIT, G_QUEUE_INIT, FALSE, FALSE, 0 };
  g_autoptr(TcReadingQueue) q = tc_reading_queue_new (":memory:", NULL);
  g_autoptr(TcReadingDedup) inbox = tc_reading_dedup_new (":memory:", NULL);
  g_autoptr(TcReadingSender) s = tc_reading_sender_new (q, "dr-a", wire_send, &w, NULL);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) received = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *m = NULL;
  g_autofree char *ack = NULL;
  g_autoptr(TcReading) r = NULL;
  guint duplicates = 0;

  tc_reading_sender_channel_opened (s);
  submit_n (s, q, order, 1);
  m = g_queue_pop_head (&w.to_receiver);
  r = tc_reading_dedup_receive (inbox, m, strlen (m), &ack, NULL);
  ck_assert_ptr_nonnull (r);
  g_ptr_array_add (received, g_strdup (r->id));
  /* the ack is lost with the channel */
  tc_reading_sender_channel_closed (s);
  tc_reading_sender_channel_opened (s);
  while (step (&w, inbox, s, received, &duplicates))
    ;
  ck_assert_uint_eq (duplicates, 1);
  ck_assert_uint_eq (received->len, 1);
  ck_assert_uint_eq (tc_reading_queue_count_pending (q, "dr-a"), 0);
}
END_TEST

static gboolean
quit_when_done (gpointer data)
{
  GMainLoop *loop = data;
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

/* Losses without a reconnect: the retransmit timer sends again. A refusing channel does no harm. */
START_TEST (test_retransmit_timeout)
{
  Wire w = { G_QUEUE_INIT, G_QUEUE_INIT, TRUE, FALSE, 0 };
  g_autoptr(TcReadingQueue) q = tc_reading_queue_new (":memory:", NULL);
  g_autoptr(TcReadingDedup) inbox = tc_reading_dedup_new (":memory:", NULL);
  g_autoptr(TcReadingSender) s = tc_reading_sender_new (q, "dr-a", wire_send, &w, NULL);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) received = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  guint duplicates = 0;
  gint64 deadline;

  tc_reading_sender_set_window (s, 2);
  tc_reading_sender_set_retransmit_timeout (s, 40);
  tc_reading_sender_channel_opened (s);
  submit_n (s, q, order, 3);
  ck_assert_uint_eq (w.sent, 2);     /* the window holds the third back */
  ck_assert_uint_eq (tc_reading_sender_get_in_flight (s), 2);

  /* both lost; the channel then refuses for a while, then works */
  w.lose = FALSE;
  w.refuse = TRUE;
  g_timeout_add (100, quit_when_done, loop);
  g_main_loop_run (loop);
  w.refuse = FALSE;

  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (tc_reading_queue_count_pending (q, "dr-a") > 0 && g_get_monotonic_time () < deadline)
    {
      while (step (&w, inbox, s, received, &duplicates))
        ;
      g_main_context_iteration (NULL, TRUE);
    }
  ck_assert_uint_eq (tc_reading_queue_count_pending (q, "dr-a"), 0);
  ck_assert_uint_eq (received->len, 3);
  for (guint i = 0; i < 3; i++)
    ck_assert_str_eq (received->pdata[i], order->pdata[i]);
  ck_assert_uint_gt (w.sent, 3);     /* something was sent again */
}
END_TEST

static gboolean
sync_send (const char *message, gpointer user_data, GError **error)
{
  gpointer *pair = user_data;       /* [0] = sender, [1] = inbox */
  g_autofree char *ack = NULL;
  g_autoptr(TcReading) r = tc_reading_dedup_receive (pair[1], message, strlen (message), &ack, NULL);

  /* the ack comes back before the send function has returned */
  if (ack)
    tc_reading_sender_handle_message (pair[0], ack, strlen (ack), NULL);
  return TRUE;
}

START_TEST (test_synchronous_ack)
{
  g_autoptr(TcReadingQueue) q = tc_reading_queue_new (":memory:", NULL);
  g_autoptr(TcReadingDedup) inbox = tc_reading_dedup_new (":memory:", NULL);
  gpointer pair[2] = { NULL, inbox };
  g_autoptr(TcReadingSender) s = tc_reading_sender_new (q, "dr-a", sync_send, pair, NULL);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);

  pair[0] = s;
  tc_reading_sender_channel_opened (s);
  submit_n (s, q, order, 20);
  ck_assert_uint_eq (tc_reading_dedup_count (inbox), 20);
  ck_assert_uint_eq (tc_reading_queue_count_pending (q, "dr-a"), 0);
  ck_assert_uint_eq (tc_reading_sender_get_in_flight (s), 0);
}
END_TEST

START_TEST (test_lifecycle)
{
  Wire w = { G_QUEUE_INIT, G_QUEUE_INIT, FALSE, FALSE, 0 };
  TcReadingQueue *q = tc_reading_queue_new (":memory:", NULL);
  TcReadingSender *s = tc_reading_sender_new (q, "dr-a", wire_send, &w, NULL);

  tc_reading_sender_channel_opened (s);
  ck_assert (!tc_reading_sender_handle_message (s, "{\"type\":\"x\"}", 12, NULL));
  g_object_unref (q);
  g_object_add_weak_pointer (G_OBJECT (s), (gpointer *) &s);
  g_object_unref (s);
  ck_assert_ptr_null (s);
}
END_TEST

static Suite *
sender_suite (void)
{
  Suite *s = suite_create ("reading-sender");
  TCase *tc = tcase_create ("core");

  tcase_add_loop_test (tc, test_cut_mid_stream, 0, 40);
  tcase_add_test (tc, test_lost_ack_is_duplicate);
  tcase_add_test (tc, test_retransmit_timeout);
  tcase_add_test (tc, test_synchronous_ack);
  tcase_add_test (tc, test_lifecycle);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (sender_suite ());
  int failed;

  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
