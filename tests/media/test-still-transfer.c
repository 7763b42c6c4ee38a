/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Still images over the data channel: messages, chunking and a reassembler that keeps nothing
 * of a transfer that went wrong. */
#include <check.h>
#include <string.h>

#include "tc-still-transfer.h"

#define SMALL_MAX (1024 * 1024)

static GBytes *
random_image (GRand *rand,
              gsize  size)
{
  guint8 *data = g_malloc (MAX (size, 1));

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_rand_int_range (rand, 0, 256);
  return g_bytes_new_take (data, size);
}

static GRand *
new_rand (void)
{
  guint32 seed = g_random_int ();

  /* Printed so a failure can be replayed. */
  g_print ("seed %u\n", seed);
  return g_rand_new_with_seed (seed);
}

/* Every message of one transfer, parsed: [0] begin, [1..n] chunks, [n+1] end. */
static GPtrArray *
encode (const char *id,
        GBytes     *image)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcStillSender) sender = tc_still_sender_new (id, "image/png", image, SMALL_MAX, &error);
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_still_message_free);
  char *text;

  ck_assert_msg (sender != NULL, "%s", error ? error->message : "");
  while ((text = tc_still_sender_next (sender)) != NULL)
    {
      TcStillMessage *m = tc_still_message_parse (text, &error);

      /* Each message stays well under the session's 64 KiB. */
      ck_assert_uint_le (strlen (text), 22 * 1024);
      ck_assert_msg (m != NULL, "%s", error ? error->message : "");
      g_ptr_array_add (messages, m);
      g_free (text);
    }
  ck_assert_uint_eq (messages->len, tc_still_sender_get_n_messages (sender));
  return messages;
}

static void
assert_same (GBytes *a,
             GBytes *b)
{
  gsize la = 0, lb = 0;
  const guint8 *da = g_bytes_get_data (a, &la);
  const guint8 *db = g_bytes_get_data (b, &lb);

  ck_assert_uint_eq (la, lb);
  ck_assert_int_eq (memcmp (da, db, la), 0);
}

/* Feeds every message but the last; returns what the end gives. */
static GBytes *
feed_all (TcStillReassembler *r,
          GPtrArray          *messages,
          GError            **error)
{
  GBytes *image = NULL;

  for (guint i = 0; i + 1 < messages->len; i++)
    {
      gboolean ok = tc_still_reassembler_feed (r, messages->pdata[i], &image, NULL, error);

      ck_assert (image == NULL);
      if (!ok)
        return NULL;
    }
  if (!tc_still_reassembler_feed (r, messages->pdata[messages->len - 1], &image, NULL, error))
    {
      ck_assert (image == NULL);
      return NULL;
    }
  ck_assert (image != NULL);
  return image;
}

START_TEST (test_round_trip_sizes)
{
  static const gsize sizes[] = {
    1, 2, 3, 100, TC_STILL_CHUNK_SIZE - 1, TC_STILL_CHUNK_SIZE, TC_STILL_CHUNK_SIZE + 1,
    5 * TC_STILL_CHUNK_SIZE + 7, 300 * 1000,
  };
  g_autoptr(GRand) rand = new_rand ();
  g_autoptr(TcStillReassembler) r = tc_still_reassembler_new (SMALL_MAX);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) image = random_image (rand, sizes[i]);
      g_autoptr(GPtrArray) messages = encode ("photo-1", image);
      g_autoptr(GBytes) out = NULL;
      g_autofree char *mime = NULL;
      g_autoptr(GError) error = NULL;
      TcStillMessage *begin = messages->pdata[0];

      ck_assert_int_eq (begin->type, TC_STILL_MESSAGE_BEGIN);
      ck_assert_uint_eq (begin->size, sizes[i]);
      ck_assert_uint_eq (begin->chunks, (sizes[i] + TC_STILL_CHUNK_SIZE - 1) / TC_STILL_CHUNK_SIZE);
      for (guint k = 0; k + 1 < messages->len; k++)
        {
          ck_assert (tc_still_reassembler_feed (r, messages->pdata[k], &out, &mime, &error));
          ck_assert (out == NULL);
        }
      ck_assert_uint_eq (tc_still_reassembler_get_received (r), begin->chunks);
      ck_assert (tc_still_reassembler_feed (r, messages->pdata[messages->len - 1], &out, &mime, &error));
      ck_assert_ptr_nonnull (out);
      ck_assert_str_eq (mime, "image/png");
      assert_same (image, out);
      ck_assert_ptr_null (tc_still_reassembler_get_id (r));
    }
}
END_TEST

START_TEST (test_shuffled_and_duplicated)
{
  g_autoptr(GRand) rand = new_rand ();
  g_autoptr(TcStillReassembler) r = tc_still_reassembler_new (SMALL_MAX);

  for (guint round = 0; round < 5; round++)
    {
      gsize size = (gsize) g_rand_int_range (rand, 1, 12 * TC_STILL_CHUNK_SIZE);
      g_autoptr(GBytes) image = random_image (rand, size);
      g_autoptr(GPtrArray) messages = encode ("x_2", image);
      g_autoptr(GPtrArray) order = g_ptr_array_new ();
      g_autoptr(GBytes) out = NULL;
      g_autoptr(GError) error = NULL;
      guint n = messages->len - 2;

      for (guint k = 1; k <= n; k++)
        {
          g_ptr_array_add (order, messages->pdata[k]);
          if (g_rand_boolean (rand))
            g_ptr_array_add (order, messages->pdata[k]);   /* duplicate */
        }
      for (guint k = order->len - 1; k > 0; k--)
        {
          guint j = (guint) g_rand_int_range (rand, 0, (gint32) k + 1);
          gpointer t = order->pdata[k];

          order->pdata[k] = order->pdata[j];
          order->pdata[j] = t;
        }
      ck_assert (tc_still_reassembler_feed (r, messages->pdata[0], &out, NULL, &error));
      for (guint k = 0; k < order->len; k++)
        ck_assert_msg (tc_still_reassembler_feed (r, order->pdata[k], &out, NULL, &error), "%s", error->message);
      ck_assert_uint_eq (tc_still_reassembler_get_received (r), n);
      ck_assert (tc_still_reassembler_feed (r, messages->pdata[n + 1], &out, NULL, &error));
      assert_same (image, out);
    }
}
END_TEST

START_TEST (test_empty_refused)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(TcStillSender) sender = tc_still_sender_new ("a", "image/jpeg", empty, SMALL_MAX, &error);
  g_autoptr(TcStillReassembler) r = tc_still_reassembler_new (SMALL_MAX);
  g_autoptr(TcStillMessage) begin = NULL;
  g_autoptr(GBytes) out = NULL;

  ck_assert_ptr_null (sender);
  ck_assert (g_error_matches (error, TC_STILL_ERROR, TC_STILL_ERROR_EMPTY));
  g_clear_error (&error);

  begin = tc_still_message_parse ("{\"type\":\"still-begin\",\"id\":\"a\",\"mime\":\"image/png\",\"size\":0,"
                                  "\"sha256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\","
                                  "\"chunks\":0}", &error);
  ck_assert_msg (begin != NULL, "%s", error ? error->message : "");
  ck_assert (!tc_still_reassembler_feed (r, begin, &out, NULL, &error));
  ck_assert (g_error_matches (error, TC_STILL_ERROR, TC_STILL_ERROR_EMPTY));
  ck_assert_ptr_null (tc_still_reassembler_get_id (r));
}
END_TEST

START_TEST (test_too_large)
{
  g_autoptr(GRand) rand = new_rand ();
  g_autoptr(GBytes) image = random_image (rand, 3 * TC_STILL_CHUNK_SIZE);
  g_autoptr(GError) error = NULL;
  g_autoptr(TcStillSender) sender = tc_still_sender_new ("a", "image/png", image, 2 * TC_STILL_CHUNK_SIZE, &error);
  g_autoptr(GPtrArray) messages = encode ("a", image);
  g_autoptr(TcStillReassembler) small = tc_still_reassembler_new (2 * TC_STILL_CHUNK_SIZE);
  g_autoptr(TcStillMessage) fat = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autofree char *big = NULL;
  g_autofree char *text = NULL;
  guint8 bytes[TC_STILL_CHUNK_SIZE + 1] = { 0, };

  ck_assert_ptr_null (sender);
  ck_assert (g_error_matches (error, TC_STILL_ERROR, TC_STILL_ERROR_TOO_LARGE));
  g_clear_error (&error);

  /* The receiver's own limit holds whatever the sender announces. */
  ck_assert (!tc_still_reassembler_feed (small, messages->pdata[0], &out, NULL, &error));
  ck_assert (g_error_matches (error, TC_STILL_ERROR, TC_STILL_ERROR_TOO_LARGE));
  ck_assert_ptr_null (tc_still_reassembler_get_id (small));
  g_clear_error (&error);

  /* A chunk over 16 KiB is refused before decoding. */
  big = g_base64_encode (bytes, sizeof bytes);
  text = g_strdup_printf ("{\"type\":\"still-chunk\",\"id\":\"a\",\"n\":0,\"data\":\"%s\"}", big);
  fat = tc_still_message_parse (text, &error);
  ck_assert_ptr_null (fat);
  ck_assert (g_error_matches (error, TC_STILL_ERROR, TC_STILL_ERROR_TOO_LARGE));
  g_clear_error (&error);

  /* A size beyond what the protocol can describe. */
  ck_assert_ptr_null (tc_still_message_parse ("{\"type\":\"still-begin\",\"id\":\"a\",\"mime\":\"image/png\","
                                              "\"size\":99999999999,\"sha256\":\"e3b0c44298fc1c149afbf4c8996fb924"
                                              "27ae41e4649b934ca495991b7852b855\",\"chunks\":1}", &error));
  ck_assert (g_error_matches (error, TC_STILL_ERROR, TC_STILL_ERROR_TOO_LARGE));
}
END_TEST

/* Feeds begin and chunks (with one of them replaced), then end: returns the error. */
static GError *
corrupt_transfer (GPtrArray      *messages,
                  guint           index,
                  TcStillMessage *replacement)
{
  g_autoptr(TcStillReassembler) r = tc_still_reassembler_new (SMALL_MAX);
  GError *error = NULL;
  GBytes *out = NULL;

  for (guint i = 0; i < messages->len; i++)
    {
      const TcStillMessage *m = i == index ? replacement : messages->pdata[i];

      if (m == NULL)
        continue;   /* dropped */
      if (!tc_still_reassembler_feed (r, m, &out, NULL, &error))
        {
          /* Nothing of the transfer stays... */
          ck_assert_ptr_null (tc_still_reassembler_get_id (r));
          ck_assert_uint_eq (tc_still_reassembler_get_received (r), 0);
          ck_assert_ptr_null (out);
          return error;
        }
    }
  g_bytes_unref (out);
  ck_abort_msg ("corrupt transfer accepted");
  return NULL;
}

static TcStillMessage *
chunk_with (const char *id,
            guint       n,
            GBytes     *data)
{
  TcStillMessage *m = g_new0 (TcStillMessage, 1);

  m->type = TC_STILL_MESSAGE_CHUNK;
  m->id = g_strdup (id);
  m->n = n;
  m->data = g_bytes_ref (data);
  return m;
}

START_TEST (test_corruption)
{
  g_autoptr(GRand) rand = new_rand ();
  g_autoptr(GBytes) image = random_image (rand, 4 * TC_STILL_CHUNK_SIZE + 100);
  g_autoptr(GPtrArray) messages = encode ("c", image);
  TcStillMessage *second = messages->pdata[2];
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (second->data, &len);
  g_autofree guint8 *flipped = g_memdup2 (d, len);
  g_autoptr(GBytes) flipped_bytes = NULL;
  g_autoptr(GBytes) short_bytes = g_bytes_new (d, len - 1);
  g_autoptr(TcStillMessage) c_flipped = NULL;
  g_autoptr(TcStillMessage) c_short = NULL;
  g_autoptr(TcStillMessage) c_extra = NULL;
  g_autoptr(TcStillMessage) c_short_last = NULL;
  g_autoptr(TcStillMessage) begin_bad_count = NULL;
  g_autoptr(TcStillMessage) begin_bad_size = NULL;
  g_autoptr(TcStillMessage) begin_bad_sum = NULL;
  g_autoptr(GError) e_missing = NULL, e_flip = NULL, e_short = NULL, e_extra = NULL;
  g_autoptr(GError) e_count = NULL, e_size = NULL, e_sum = NULL, e_short_last = NULL;
  TcStillMessage *begin = messages->pdata[0];

  flipped[7] ^= 0x10;
  flipped_bytes = g_bytes_new (flipped, len);
  c_flipped = chunk_with ("c", 1, flipped_bytes);
  c_short = chunk_with ("c", 1, short_bytes);
  c_extra = chunk_with ("c", 5, short_bytes);
  c_short_last = chunk_with ("c", 4, short_bytes);   /* the last chunk has 100 bytes */

  begin_bad_count = g_memdup2 (begin, sizeof *begin);
  begin_bad_count->id = g_strdup ("c");
  begin_bad_count->mime = g_strdup ("image/png");
  begin_bad_count->sha256 = g_strdup (begin->sha256);
  begin_bad_count->chunks = 6;
  begin_bad_count->data = NULL;
  begin_bad_count->reason = NULL;
  /* One byte more than sent: the last chunk comes short. */
  begin_bad_size = g_memdup2 (begin_bad_count, sizeof *begin);
  begin_bad_size->id = g_strdup ("c");
  begin_bad_size->mime = g_strdup ("image/png");
  begin_bad_size->sha256 = g_strdup (begin->sha256);
  begin_bad_size->chunks = 5;
  begin_bad_size->size = begin->size + 1;
  begin_bad_sum = g_memdup2 (begin_bad_size, sizeof *begin);
  begin_bad_sum->id = g_strdup ("c");
  begin_bad_sum->mime = g_strdup ("image/png");
  begin_bad_sum->sha256 = g_strdup ("0000000000000000000000000000000000000000000000000000000000000000");
  begin_bad_sum->size = begin->size;

  e_missing = corrupt_transfer (messages, 3, NULL);
  ck_assert (g_error_matches (e_missing, TC_STILL_ERROR, TC_STILL_ERROR_MISSING_CHUNK));
  e_flip = corrupt_transfer (messages, 2, c_flipped);
  ck_assert (g_error_matches (e_flip, TC_STILL_ERROR, TC_STILL_ERROR_CHECKSUM_MISMATCH));
  e_short = corrupt_transfer (messages, 2, c_short);
  ck_assert (g_error_matches (e_short, TC_STILL_ERROR, TC_STILL_ERROR_SIZE_MISMATCH));
  e_extra = corrupt_transfer (messages, 5, c_extra);   /* in place of the last chunk */
  ck_assert (g_error_matches (e_extra, TC_STILL_ERROR, TC_STILL_ERROR_BAD_CHUNK));
  e_short_last = corrupt_transfer (messages, 5, c_short_last);
  ck_assert (g_error_matches (e_short_last, TC_STILL_ERROR, TC_STILL_ERROR_SIZE_MISMATCH));
  e_count = corrupt_transfer (messages, 0, begin_bad_count);
  ck_assert (g_error_matches (e_count, TC_STILL_ERROR, TC_STILL_ERROR_SIZE_MISMATCH));
  e_size = corrupt_transfer (messages, 0, begin_bad_size);
  ck_assert (g_error_matches (e_size, TC_STILL_ERROR, TC_STILL_ERROR_SIZE_MISMATCH));
  e_sum = corrupt_transfer (messages, 0, begin_bad_sum);
  ck_assert (g_error_matches (e_sum, TC_STILL_ERROR, TC_STILL_ERROR_CHECKSUM_MISMATCH));
  ck_assert_str_eq (tc_still_error_to_reason (e_sum), "checksum");
  ck_assert_str_eq (tc_still_error_to_reason (e_missing), "missing-chunk");
}
END_TEST

START_TEST (test_bad_base64)
{
  static const char *const bad[] = {
    "@@@@", "abc", "ab=c", "a===", "====", "AAAA AAA", "AA\\u0000A", "AAAA=", "A=AA",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = g_strdup_printf ("{\"type\":\"still-chunk\",\"id\":\"a\",\"n\":0,\"data\":\"%s\"}", bad[i]);
      g_autoptr(TcStillMessage) m = tc_still_message_parse (text, &error);

      ck_assert_msg (m == NULL, "accepted %s", bad[i]);
      ck_assert_msg (g_error_matches (error, TC_STILL_ERROR, TC_STILL_ERROR_BAD_BASE64), "%s: %s", bad[i],
                     error->message);
    }
}
END_TEST

START_TEST (test_other_id_and_stray)
{
  g_autoptr(GRand) rand = new_rand ();
  g_autoptr(GBytes) image = random_image (rand, 2 * TC_STILL_CHUNK_SIZE + 1);
  g_autoptr(GPtrArray) messages = encode ("mine", image);
  g_autoptr(GPtrArray) others = encode ("other", image);
  g_autoptr(TcStillReassembler) r = tc_still_reassembler_new (SMALL_MAX);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;

  /* A chunk or end with no transfer in progress. */
  ck_assert (!tc_still_reassembler_feed (r, messages->pdata[1], &out, NULL, &error));
  ck_assert (g_error_matches (error, TC_STILL_ERROR, TC_STILL_ERROR_UNEXPECTED));
  g_clear_error (&error);
  ck_assert (!tc_still_reassembler_feed (r, messages->pdata[messages->len - 1], &out, NULL, &error));
  ck_assert (g_error_matches (error, TC_STILL_ERROR, TC_STILL_ERROR_UNEXPECTED));
  g_clear_error (&error);

  /* Another id's chunks are refused without harming the transfer in progress. */
  ck_assert (tc_still_reassembler_feed (r, messages->pdata[0], &out, NULL, &error));
  ck_assert (tc_still_reassembler_feed (r, messages->pdata[1], &out, NULL, &error));
  ck_assert (!tc_still_reassembler_feed (r, others->pdata[2], &out, NULL, &error));
  ck_assert (g_error_matches (error, TC_STILL_ERROR, TC_STILL_ERROR_UNEXPECTED));
  g_clear_error (&error);
  ck_assert_str_eq (tc_still_reassembler_get_id (r), "mine");
  ck_assert_uint_eq (tc_still_reassembler_get_received (r), 1);

  /* A new begin replaces the unfinished transfer. */
  out = feed_all (r, others, &error);
  ck_assert_msg (out != NULL, "%s", error ? error->message : "");
  assert_same (image, out);
}
END_TEST

START_TEST (test_messages)
{
  g_autofree char *request = tc_still_request_message ("r1");
  g_autofree char *ack = tc_still_ack_message ("r1");
  g_autofree char *nack = tc_still_nack_message ("r1", "declined");
  g_autofree char *id = tc_still_new_id ();
  g_autoptr(TcStillMessage) m1 = tc_still_message_parse (request, NULL);
  g_autoptr(TcStillMessage) m2 = tc_still_message_parse (ack, NULL);
  g_autoptr(TcStillMessage) m3 = tc_still_message_parse (nack, NULL);
  static const char *const not_still[] = {
    "{\"type\":\"chat\",\"text\":\"hi\"}", "{}", "[1]", "{\"type\":3}",
  };
  static const char *const bad[] = {
    "", "{", "not json", "{\"type\":\"still-begin\"}", "{\"type\":\"still-wat\",\"id\":\"a\"}",
    "{\"type\":\"still-request\",\"id\":\"\"}", "{\"type\":\"still-request\",\"id\":\"a b\"}",
    "{\"type\":\"still-request\",\"id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
    "{\"type\":\"still-request\",\"id\":5}",
    "{\"type\":\"still-nack\",\"id\":\"a\"}", "{\"type\":\"still-nack\",\"id\":\"a\",\"reason\":\"Free Text\"}",
    "{\"type\":\"still-begin\",\"id\":\"a\",\"mime\":\"image/gif\",\"size\":1,\"chunks\":1,"
      "\"sha256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}",
    "{\"type\":\"still-begin\",\"id\":\"a\",\"mime\":\"image/png\",\"size\":1,\"chunks\":1,\"sha256\":\"E3\"}",
    "{\"type\":\"still-begin\",\"id\":\"a\",\"mime\":\"image/png\",\"size\":-1,\"chunks\":1,"
      "\"sha256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}",
    "{\"type\":\"still-begin\",\"id\":\"a\",\"mime\":\"image/png\",\"size\":1.5,\"chunks\":1,"
      "\"sha256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}",
    "{\"type\":\"still-chunk\",\"id\":\"a\",\"n\":\"0\",\"data\":\"AA==\"}",
    "{\"type\":\"still-chunk\",\"id\":\"a\",\"n\":0}",
  };
  g_autofree char *huge = g_strnfill (70000, ' ');
  g_autoptr(GError) error = NULL;

  ck_assert (tc_still_id_is_valid (id));
  ck_assert (m1 && m1->type == TC_STILL_MESSAGE_REQUEST);
  ck_assert_str_eq (m1->id, "r1");
  ck_assert (m2 && m2->type == TC_STILL_MESSAGE_ACK);
  ck_assert (m3 && m3->type == TC_STILL_MESSAGE_NACK);
  ck_assert_str_eq (m3->reason, "declined");
  for (guint i = 0; i < G_N_ELEMENTS (not_still); i++)
    {
      ck_assert_ptr_null (tc_still_message_parse (not_still[i], &error));
      ck_assert_msg (g_error_matches (error, TC_STILL_ERROR, TC_STILL_ERROR_NOT_STILL), "%s", not_still[i]);
      g_clear_error (&error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      ck_assert_msg (tc_still_message_parse (bad[i], &error) == NULL, "accepted %s", bad[i]);
      ck_assert_msg (error != NULL && error->domain == TC_STILL_ERROR
                     && error->code != TC_STILL_ERROR_NOT_STILL, "%s", bad[i]);
      g_clear_error (&error);
    }
  ck_assert_ptr_null (tc_still_message_parse (huge, &error));
  ck_assert (g_error_matches (error, TC_STILL_ERROR, TC_STILL_ERROR_TOO_LARGE));
}
END_TEST

START_TEST (test_truncated_messages)
{
  g_autoptr(GRand) rand = new_rand ();
  g_autoptr(GBytes) image = random_image (rand, 300);
  g_autoptr(GError) error = NULL;
  g_autoptr(TcStillSender) sender = tc_still_sender_new ("t", "image/jpeg", image, SMALL_MAX, &error);
  char *text;

  /* Every prefix of every message is refused cleanly (or, for the full text, accepted). */
  while ((text = tc_still_sender_next (sender)) != NULL)
    {
      gsize len = strlen (text);

      for (gsize cut = 0; cut < len; cut++)
        {
          g_autofree char *prefix = g_strndup (text, cut);
          g_autoptr(GError) e = NULL;
          g_autoptr(TcStillMessage) m = tc_still_message_parse (prefix, &e);

          ck_assert_ptr_null (m);
          ck_assert (e != NULL);
        }
      g_free (text);
    }
}
END_TEST

static Suite *
still_suite (void)
{
  Suite *s = suite_create ("still-transfer");
  TCase *tc = tcase_create ("core");

  tcase_add_test (tc, test_round_trip_sizes);
  tcase_add_test (tc, test_shuffled_and_duplicated);
  tcase_add_test (tc, test_empty_refused);
  tcase_add_test (tc, test_too_large);
  tcase_add_test (tc, test_corruption);
  tcase_add_test (tc, test_bad_base64);
  tcase_add_test (tc, test_other_id_and_stray);
  tcase_add_test (tc, test_messages);
  tcase_add_test (tc, test_truncated_messages);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (still_suite ());
  int failed;

  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
