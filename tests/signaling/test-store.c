/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcStore on a real SQLite file: accounts, Argon2id hashes, persistence, tokens as hashes only. */
#include <check.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "tc-store.h"

static char *tmpdir;
static char *dbpath;

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("tc-test-store-XXXXXX", NULL);
  ck_assert_ptr_nonnull (tmpdir);
  dbpath = g_build_filename (tmpdir, "server.db", NULL);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_remove (p);
    }
  g_rmdir (dir);
}

static void
teardown (void)
{
  remove_tree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_pointer (&dbpath, g_free);
}

typedef struct {
  GMainLoop           *loop;
  TcStorePractitioner *result;
  GError              *error;
  gint64               elapsed_us;
  gint64               started;
} VerifyWait;

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  VerifyWait *w = user_data;

  w->result = tc_store_verify_password_finish (TC_STORE (source), result, &w->error);
  w->elapsed_us = g_get_monotonic_time () - w->started;
  g_main_loop_quit (w->loop);
}

/* Runs a verification to completion; returns the practitioner or NULL (error in *error). */
static TcStorePractitioner *
verify (TcStore     *store,
        const char  *username,
        const char  *password,
        gint64      *elapsed_us,
        GError     **error)
{
  VerifyWait w = { 0 };

  w.loop = g_main_loop_new (NULL, FALSE);
  w.started = g_get_monotonic_time ();
  tc_store_verify_password_async (store, username, password, NULL, on_verified, &w);
  g_main_loop_run (w.loop);
  g_main_loop_unref (w.loop);
  if (elapsed_us)
    *elapsed_us = w.elapsed_us;
  if (w.error)
    g_propagate_error (error, w.error);
  return w.result;
}

START_TEST (test_accounts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcStore) store = tc_store_open (dbpath, &error);
  g_autoptr(TcStorePractitioner) p = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *hash = NULL;
  gint64 t_wrong = 0, t_unknown = 0;

  ck_assert_msg (store != NULL, "%s", error ? error->message : "");
  ck_assert (tc_store_add_practitioner (store, "dr.house", "Dr House", "correct horse", &error));

  /* Duplicate usernames are refused. */
  ck_assert (!tc_store_add_practitioner (store, "dr.house", "Other", "x", &error));
  ck_assert (g_error_matches (error, TC_STORE_ERROR, TC_STORE_ERROR_EXISTS));
  g_clear_error (&error);

  /* Bad input is refused before any hashing. */
  ck_assert (!tc_store_add_practitioner (store, "", "Nobody", "x", &error));
  ck_assert (g_error_matches (error, TC_STORE_ERROR, TC_STORE_ERROR_INVALID));
  g_clear_error (&error);
  ck_assert (!tc_store_add_practitioner (store, "tab\tname", "Nobody", "x", &error));
  ck_assert (g_error_matches (error, TC_STORE_ERROR, TC_STORE_ERROR_INVALID));
  g_clear_error (&error);

  /* The stored hash is Argon2id, not the password. */
  hash = tc_store_get_password_hash (store, "dr.house", &error);
  ck_assert_ptr_nonnull (hash);
  ck_assert_msg (g_str_has_prefix (hash, "$argon2id$"), "hash format: %.12s", hash);
  ck_assert_ptr_null (strstr (hash, "correct horse"));
  ck_assert_int_eq (crypto_pwhash_str_needs_rehash (hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                    crypto_pwhash_MEMLIMIT_INTERACTIVE), 0);

  p = verify (store, "dr.house", "correct horse", NULL, &error);
  ck_assert_msg (p != NULL, "%s", error ? error->message : "");
  ck_assert_str_eq (p->username, "dr.house");
  ck_assert_str_eq (p->display_name, "Dr House");
  ck_assert_int_gt (p->id, 0);

  ck_assert_ptr_null (verify (store, "dr.house", "wrong horse", &t_wrong, &error));
  ck_assert (g_error_matches (error, TC_STORE_ERROR, TC_STORE_ERROR_BAD_CREDENTIALS));
  g_clear_error (&error);

  /* An unknown user gets the same answer and costs a comparable time (a real hash). */
  ck_assert_ptr_null (verify (store, "nobody", "correct horse", &t_unknown, &error));
  ck_assert (g_error_matches (error, TC_STORE_ERROR, TC_STORE_ERROR_BAD_CREDENTIALS));
  g_clear_error (&error);
  ck_assert_msg (t_unknown > t_wrong / 3, "unknown user %" G_GINT64_FORMAT " µs vs wrong password %"
                 G_GINT64_FORMAT " µs", t_unknown, t_wrong);

  ck_assert (tc_store_add_practitioner (store, "amy", "Dr Amy", "pw", &error));
  list = tc_store_list_practitioners (store, &error);
  ck_assert_uint_eq (list->len, 2);
  ck_assert_str_eq (((TcStorePractitioner *) list->pdata[0])->username, "amy");

  ck_assert (tc_store_remove_practitioner (store, "amy", &error));
  ck_assert (!tc_store_remove_practitioner (store, "amy", &error));
  ck_assert (g_error_matches (error, TC_STORE_ERROR, TC_STORE_ERROR_NOT_FOUND));
  g_clear_error (&error);

  g_clear_object (&store);
}
END_TEST

static void
random_hash (guint8 out[TC_STORE_HASH_SIZE])
{
  randombytes_buf (out, TC_STORE_HASH_SIZE);
}

static GString *
read_all_files (const char *dir)
{
  GString *all = g_string_new (NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len;

      if (g_file_get_contents (p, &contents, &len, NULL))
        g_string_append_len (all, contents, len);
    }
  return all;
}

static gboolean
memmem_found (const char *hay,
              gsize       hay_len,
              const void *needle,
              gsize       needle_len)
{
  return memmem (hay, hay_len, needle, needle_len) != NULL;
}

START_TEST (test_persistence)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcStore) store = tc_store_open (dbpath, &error);
  g_autoptr(TcStorePractitioner) p = NULL;
  g_autoptr(TcStoreConsultation) c = NULL;
  g_autoptr(TcStoreInvitation) inv = NULL;
  g_autoptr(TcStoreKiosk) kiosk = NULL;
  g_autoptr(GPtrArray) open = NULL;
  TcStoreConsultation nc = { 0 };
  guint8 token_hash[TC_STORE_HASH_SIZE], code_hash[TC_STORE_HASH_SIZE];
  guint8 kiosk_hash[TC_STORE_HASH_SIZE], other[TC_STORE_HASH_SIZE];
  const char marker[] = "SECRET-TOKEN-MARKER-7f3a";
  g_autoptr(GString) files = NULL;
  gint64 now = g_get_real_time () / 1000, next_at = -1;
  gint64 pid;

  ck_assert (store != NULL);
  ck_assert (tc_store_add_practitioner (store, "doc", "Doc", "pw", &error));
  p = verify (store, "doc", "pw", NULL, &error);
  ck_assert (p != NULL);
  pid = p->id;

  nc.id = (char *) "c-one";
  nc.practitioner_id = pid;
  nc.title = (char *) "Follow-up";
  ck_assert (tc_store_add_consultation (store, &nc, &error));

  /* The store keeps hashes: the test hashes a recognisable "token" itself. */
  crypto_hash_sha256 (token_hash, (const guint8 *) marker, strlen (marker));
  random_hash (code_hash);
  ck_assert (tc_store_add_invitation (store, token_hash, code_hash, "c-one", now + 60000, &error));
  random_hash (kiosk_hash);
  random_hash (other);
  ck_assert (tc_store_add_kiosk (store, "ward-3", "Ward 3", kiosk_hash, &error));
  ck_assert (!tc_store_add_kiosk (store, "ward-3", "Again", other, &error));
  ck_assert (g_error_matches (error, TC_STORE_ERROR, TC_STORE_ERROR_EXISTS));
  g_clear_error (&error);
  ck_assert (!tc_store_add_kiosk (store, "ward 3", "Spaces", other, &error));
  ck_assert (g_error_matches (error, TC_STORE_ERROR, TC_STORE_ERROR_INVALID));
  g_clear_error (&error);

  nc.id = (char *) "c-kiosk";
  nc.title = NULL;
  nc.kiosk_station = (char *) "ward-3";
  nc.scheduled_at = now + 3600 * 1000;
  ck_assert (tc_store_add_consultation (store, &nc, &error));
  ck_assert (tc_store_flush (store, &error));
  g_clear_object (&store);

  /* Reopen: everything is still there. */
  store = tc_store_open (dbpath, &error);
  ck_assert (store != NULL);
  c = tc_store_get_consultation (store, "c-one", &error);
  ck_assert_msg (c != NULL, "%s", error ? error->message : "");
  ck_assert_str_eq (c->title, "Follow-up");
  ck_assert_str_eq (c->state, "open");
  ck_assert_int_eq (c->practitioner_id, pid);

  inv = tc_store_find_invitation (store, token_hash, &error);
  ck_assert (inv != NULL);
  ck_assert_str_eq (inv->consultation_id, "c-one");
  ck_assert_int_eq (inv->expires_at, now + 60000);
  g_clear_pointer (&inv, tc_store_invitation_free);
  inv = tc_store_find_invitation_by_code (store, code_hash, &error);
  ck_assert (inv != NULL);
  g_clear_pointer (&inv, tc_store_invitation_free);
  random_hash (other);
  ck_assert_ptr_null (tc_store_find_invitation (store, other, &error));
  ck_assert (g_error_matches (error, TC_STORE_ERROR, TC_STORE_ERROR_NOT_FOUND));
  g_clear_error (&error);

  kiosk = tc_store_find_kiosk_by_token (store, kiosk_hash, &error);
  ck_assert (kiosk != NULL);
  ck_assert_str_eq (kiosk->station, "ward-3");
  ck_assert (tc_store_has_kiosk (store, "ward-3"));
  ck_assert (!tc_store_has_kiosk (store, "ward-4"));

  /* The kiosk consultation is an hour away: not due now, but announced. */
  g_clear_pointer (&c, tc_store_consultation_free);
  c = tc_store_find_kiosk_consultation (store, "ward-3", now, 15 * 60 * 1000, &next_at, &error);
  ck_assert_ptr_null (c);
  ck_assert (g_error_matches (error, TC_STORE_ERROR, TC_STORE_ERROR_NOT_FOUND));
  g_clear_error (&error);
  ck_assert_int_eq (next_at, now + 3600 * 1000);
  c = tc_store_find_kiosk_consultation (store, "ward-3", now + 3600 * 1000, 0, &next_at, &error);
  ck_assert (c != NULL);
  ck_assert_str_eq (c->id, "c-kiosk");

  open = tc_store_list_open_consultations (store, pid, &error);
  ck_assert_uint_eq (open->len, 2);
  ck_assert (tc_store_end_consultation (store, "c-one", now, &error));
  ck_assert (!tc_store_end_consultation (store, "c-one", now, &error));
  g_clear_error (&error);
  g_clear_pointer (&open, g_ptr_array_unref);
  open = tc_store_list_open_consultations (store, pid, &error);
  ck_assert_uint_eq (open->len, 1);

  ck_assert_int_eq (tc_store_purge_expired_invitations (store, now + 120000, &error), 1);
  ck_assert (tc_store_flush (store, &error));
  g_clear_object (&store);

  /* Neither the token nor the password appears anywhere on disk. */
  files = read_all_files (tmpdir);
  ck_assert_uint_gt (files->len, 0);
  ck_assert (!memmem_found (files->str, files->len, marker, strlen (marker)));
  ck_assert (!memmem_found (files->str, files->len, "SECRET-TOKEN", 12));
  /* …while stored hashes do (the search would be meaningless otherwise). */
  ck_assert (memmem_found (files->str, files->len, kiosk_hash, sizeof kiosk_hash));
}
END_TEST

START_TEST (test_bad_path)
{
  g_autoptr(GError) error = NULL;
  TcStore *store = tc_store_open ("/nonexistent-dir/x/server.db", &error);

  ck_assert_ptr_null (store);
  ck_assert (g_error_matches (error, TC_STORE_ERROR, TC_STORE_ERROR_FAILED));
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("store");
  TCase *tc = tcase_create ("store");
  SRunner *sr;
  int failed;

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_accounts);
  tcase_add_test (tc, test_persistence);
  tcase_add_test (tc, test_bad_path);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
