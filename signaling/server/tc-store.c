/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-store"

#include "tc-store.h"

#include <sodium.h>
#include <sqlite3.h>
#include <string.h>

#define SCHEMA_VERSION 1
/* Argon2id with the INTERACTIVE limits; a verification costs ~0.1 s and 64 MiB, so
 * at most this many run at once. */
#define VERIFY_THREADS 2
#define MAX_PASSWORD_BYTES 1024

/* A hash of a random password made with the same parameters: verifying an unknown
 * username against it takes as long as a wrong password for a real account. */
static const char dummy_hash[] =
  "$argon2id$v=19$m=65536,t=2,p=1$aJ4WWB6Gz5XVR8JyVxu8Pw$D2vDNFkOJT51stI8DM/rB2ZobivKbzJP1z/HGewhgL8";

typedef enum {
  STMT_ADD_PRACTITIONER,
  STMT_REMOVE_PRACTITIONER,
  STMT_LIST_PRACTITIONERS,
  STMT_GET_PRACTITIONER,
  STMT_ADD_CONSULTATION,
  STMT_GET_CONSULTATION,
  STMT_LIST_OPEN_CONSULTATIONS,
  STMT_END_CONSULTATION,
  STMT_KIOSK_DUE,
  STMT_KIOSK_NEXT,
  STMT_ADD_INVITATION,
  STMT_FIND_INVITATION,
  STMT_FIND_INVITATION_BY_CODE,
  STMT_PURGE_INVITATIONS,
  STMT_ADD_KIOSK,
  STMT_FIND_KIOSK,
  STMT_HAS_KIOSK,
  N_STMTS
} StmtId;

static const char *const stmt_sql[N_STMTS] = {
  [STMT_ADD_PRACTITIONER] =
    "INSERT INTO practitioners (username, display_name, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
  [STMT_REMOVE_PRACTITIONER] = "DELETE FROM practitioners WHERE username = ?1",
  [STMT_LIST_PRACTITIONERS] =
    "SELECT id, username, display_name, created_at FROM practitioners ORDER BY username",
  [STMT_GET_PRACTITIONER] =
    "SELECT id, username, display_name, created_at, password_hash FROM practitioners WHERE username = ?1",
  [STMT_ADD_CONSULTATION] =
    "INSERT INTO consultations (id, practitioner_id, title, state, kiosk_station, scheduled_at, created_at, ended_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  [STMT_GET_CONSULTATION] =
    "SELECT id, practitioner_id, title, state, kiosk_station, scheduled_at, created_at, ended_at "
    "FROM consultations WHERE id = ?1",
  [STMT_LIST_OPEN_CONSULTATIONS] =
    "SELECT id, practitioner_id, title, state, kiosk_station, scheduled_at, created_at, ended_at "
    "FROM consultations WHERE practitioner_id = ?1 AND state = 'open' ORDER BY created_at, id",
  [STMT_END_CONSULTATION] =
    "UPDATE consultations SET state = 'ended', ended_at = ?2 WHERE id = ?1 AND state = 'open'",
  [STMT_KIOSK_DUE] =
    "SELECT id, practitioner_id, title, state, kiosk_station, scheduled_at, created_at, ended_at "
    "FROM consultations WHERE kiosk_station = ?1 AND state = 'open' AND scheduled_at <= ?2 "
    "ORDER BY scheduled_at, created_at LIMIT 1",
  [STMT_KIOSK_NEXT] =
    "SELECT MIN(scheduled_at) FROM consultations WHERE kiosk_station = ?1 AND state = 'open' AND scheduled_at > ?2",
  [STMT_ADD_INVITATION] =
    "INSERT INTO invitations (token_hash, code_hash, consultation_id, expires_at) VALUES (?1, ?2, ?3, ?4)",
  [STMT_FIND_INVITATION] =
    "SELECT token_hash, consultation_id, expires_at FROM invitations WHERE token_hash = ?1",
  [STMT_FIND_INVITATION_BY_CODE] =
    "SELECT code_hash, consultation_id, expires_at FROM invitations WHERE code_hash = ?1",
  [STMT_PURGE_INVITATIONS] = "DELETE FROM invitations WHERE expires_at < ?1",
  [STMT_ADD_KIOSK] =
    "INSERT INTO kiosks (station, display_name, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
  [STMT_FIND_KIOSK] = "SELECT token_hash, station, display_name FROM kiosks WHERE token_hash = ?1",
  [STMT_HAS_KIOSK] = "SELECT 1 FROM kiosks WHERE station = ?1",
};

/* Unscheduled kiosk consultations are stored with this scheduled_at so that they
 * are always due; the API reports them as 0. */
#define UNSCHEDULED G_GINT64_CONSTANT (0)

struct _TcStore
{
  GObject parent_instance;

  char         *path;
  sqlite3      *db;
  sqlite3_stmt *stmts[N_STMTS];
  GThreadPool  *verify_pool;
};

G_DEFINE_TYPE (TcStore, tc_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (tc-store-error-quark, tc_store_error)

void
tc_store_practitioner_free (TcStorePractitioner *p)
{
  if (p == NULL)
    return;
  g_free (p->username);
  g_free (p->display_name);
  g_free (p);
}

void
tc_store_consultation_free (TcStoreConsultation *c)
{
  if (c == NULL)
    return;
  g_free (c->id);
  g_free (c->title);
  g_free (c->state);
  g_free (c->kiosk_station);
  g_free (c);
}

void
tc_store_invitation_free (TcStoreInvitation *i)
{
  if (i == NULL)
    return;
  g_free (i->consultation_id);
  g_free (i);
}

void
tc_store_kiosk_free (TcStoreKiosk *k)
{
  if (k == NULL)
    return;
  g_free (k->station);
  g_free (k->display_name);
  g_free (k);
}

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static gboolean
set_sqlite_error (TcStore     *self,
                  GError     **error,
                  const char  *what)
{
  int code = sqlite3_extended_errcode (self->db);

  if ((code & 0xff) == SQLITE_CONSTRAINT)
    g_set_error (error, TC_STORE_ERROR, TC_STORE_ERROR_EXISTS, "%s: already exists", what);
  else
    g_set_error (error, TC_STORE_ERROR, TC_STORE_ERROR_FAILED, "%s: %s", what, sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
exec_sql (TcStore     *self,
          const char  *sql,
          GError     **error)
{
  char *msg = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, TC_STORE_ERROR, TC_STORE_ERROR_FAILED, "Database error: %s", msg ? msg : "unknown");
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

/* A reset statement ready for binding. */
static sqlite3_stmt *
get_stmt (TcStore  *self,
          StmtId    id,
          GError  **error)
{
  if (self->stmts[id] == NULL &&
      sqlite3_prepare_v3 (self->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                          &self->stmts[id], NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, "Preparing a query");
      return NULL;
    }
  sqlite3_reset (self->stmts[id]);
  sqlite3_clear_bindings (self->stmts[id]);
  return self->stmts[id];
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text ? g_strdup ((const char *) text) : NULL;
}

/* Runs a statement that returns no rows; returns the number of changed rows or -1. */
static int
step_done (TcStore      *self,
           sqlite3_stmt *stmt,
           GError      **error,
           const char   *what)
{
  int rc = sqlite3_step (stmt);
  int changes;

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, what);
      sqlite3_reset (stmt);
      return -1;
    }
  changes = sqlite3_changes (self->db);
  sqlite3_reset (stmt);
  return changes;
}

static gboolean
migrate (TcStore  *self,
         GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int version = 0;

  if (!exec_sql (self, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", error))
    return FALSE;
  if (sqlite3_prepare_v2 (self->db, "SELECT MAX(version) FROM schema_version", -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error, "Reading the schema version");
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, TC_STORE_ERROR, TC_STORE_ERROR_FAILED,
                   "The database was made by a newer server (schema %d, this one knows %d)",
                   version, SCHEMA_VERSION);
      return FALSE;
    }
  if (version == SCHEMA_VERSION)
    return TRUE;

  return exec_sql (self,
    "BEGIN IMMEDIATE;"
    "CREATE TABLE practitioners ("
    "  id INTEGER PRIMARY KEY,"
    "  username TEXT NOT NULL UNIQUE,"
    "  display_name TEXT NOT NULL,"
    "  password_hash TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE consultations ("
    "  id TEXT PRIMARY KEY,"
    "  practitioner_id INTEGER NOT NULL REFERENCES practitioners (id) ON DELETE CASCADE,"
    "  title TEXT,"
    "  state TEXT NOT NULL,"
    "  kiosk_station TEXT,"
    "  scheduled_at INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  ended_at INTEGER);"
    "CREATE INDEX consultations_by_practitioner ON consultations (practitioner_id, state);"
    "CREATE INDEX consultations_by_kiosk ON consultations (kiosk_station, state, scheduled_at);"
    "CREATE TABLE invitations ("
    "  token_hash BLOB PRIMARY KEY,"
    "  code_hash BLOB UNIQUE,"
    "  consultation_id TEXT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,"
    "  expires_at INTEGER NOT NULL);"
    "CREATE TABLE kiosks ("
    "  station TEXT PRIMARY KEY,"
    "  display_name TEXT NOT NULL,"
    "  token_hash BLOB NOT NULL UNIQUE,"
    "  created_at INTEGER NOT NULL);"
    "INSERT INTO schema_version (version) VALUES (1);"
    "COMMIT;", error);
}

static void
verify_in_thread (gpointer data,
                  gpointer pool_data);

TcStore *
tc_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(TcStore) self = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  if (sodium_init () < 0)
    {
      g_set_error (error, TC_STORE_ERROR, TC_STORE_ERROR_FAILED, "libsodium could not be initialised");
      return NULL;
    }

  self = g_object_new (TC_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, TC_STORE_ERROR, TC_STORE_ERROR_FAILED, "Cannot open the database %s: %s",
                   path, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_extended_result_codes (self->db, 1);

  if (!exec_sql (self, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;", error))
    return NULL;
  if (!migrate (self, error))
    return NULL;

  self->verify_pool = g_thread_pool_new (verify_in_thread, NULL, VERIFY_THREADS, FALSE, NULL);
  return g_steal_pointer (&self);
}

const char *
tc_store_get_path (TcStore *self)
{
  g_return_val_if_fail (TC_IS_STORE (self), NULL);
  return self->path;
}

gboolean
tc_store_flush (TcStore  *self,
                GError  **error)
{
  g_return_val_if_fail (TC_IS_STORE (self), FALSE);

  if (sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error, "Checkpointing the database");
  return TRUE;
}

static gboolean
valid_text (const char  *text,
            gsize        max_chars,
            const char  *what,
            GError     **error)
{
  if (text == NULL || *text == '\0' || !g_utf8_validate (text, -1, NULL) ||
      g_utf8_strlen (text, -1) > (glong) max_chars)
    {
      g_set_error (error, TC_STORE_ERROR, TC_STORE_ERROR_INVALID, "%s must be 1–%zu characters", what, max_chars);
      return FALSE;
    }
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_set_error (error, TC_STORE_ERROR, TC_STORE_ERROR_INVALID, "%s contains control characters", what);
        return FALSE;
      }
  return TRUE;
}

gboolean
tc_store_add_practitioner (TcStore     *self,
                           const char  *username,
                           const char  *display_name,
                           const char  *password,
                           GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];
  sqlite3_stmt *stmt;
  gsize password_len;

  g_return_val_if_fail (TC_IS_STORE (self), FALSE);

  if (!valid_text (username, 64, "The username", error) ||
      !valid_text (display_name, 64, "The display name", error))
    return FALSE;
  password_len = password ? strlen (password) : 0;
  if (password_len < 1 || password_len > MAX_PASSWORD_BYTES)
    {
      g_set_error (error, TC_STORE_ERROR, TC_STORE_ERROR_INVALID, "The password must be 1–%d bytes",
                   MAX_PASSWORD_BYTES);
      return FALSE;
    }

  if (crypto_pwhash_str (hash, password, password_len,
                         crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error (error, TC_STORE_ERROR, TC_STORE_ERROR_FAILED, "Out of memory while hashing the password");
      return FALSE;
    }

  if ((stmt = get_stmt (self, STMT_ADD_PRACTITIONER, error)) == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, display_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now_ms ());
  sodium_memzero (hash, sizeof hash);
  return step_done (self, stmt, error, "Adding the practitioner") >= 0;
}

gboolean
tc_store_remove_practitioner (TcStore     *self,
                              const char  *username,
                              GError     **error)
{
  sqlite3_stmt *stmt;
  int changes;

  g_return_val_if_fail (TC_IS_STORE (self), FALSE);

  if ((stmt = get_stmt (self, STMT_REMOVE_PRACTITIONER, error)) == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  changes = step_done (self, stmt, error, "Removing the practitioner");
  if (changes < 0)
    return FALSE;
  if (changes == 0)
    {
      g_set_error (error, TC_STORE_ERROR, TC_STORE_ERROR_NOT_FOUND, "No such practitioner");
      return FALSE;
    }
  return TRUE;
}

static TcStorePractitioner *
practitioner_from_row (sqlite3_stmt *stmt)
{
  TcStorePractitioner *p = g_new0 (TcStorePractitioner, 1);

  p->id = sqlite3_column_int64 (stmt, 0);
  p->username = column_dup (stmt, 1);
  p->display_name = column_dup (stmt, 2);
  p->created_at = sqlite3_column_int64 (stmt, 3);
  return p;
}

GPtrArray *
tc_store_list_practitioners (TcStore  *self,
                             GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_store_practitioner_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (TC_IS_STORE (self), NULL);

  if ((stmt = get_stmt (self, STMT_LIST_PRACTITIONERS, error)) == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, practitioner_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "Listing practitioners");
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

/* Looks the account up; NULL without error when the username is unknown. */
static TcStorePractitioner *
lookup_practitioner (TcStore     *self,
                     const char  *username,
                     char       **out_hash,
                     GError     **error)
{
  TcStorePractitioner *p = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if ((stmt = get_stmt (self, STMT_GET_PRACTITIONER, error)) == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      p = practitioner_from_row (stmt);
      *out_hash = column_dup (stmt, 4);
    }
  else if (rc != SQLITE_DONE)
    set_sqlite_error (self, error, "Looking up the practitioner");
  sqlite3_reset (stmt);
  return p;
}

char *
tc_store_get_password_hash (TcStore     *self,
                            const char  *username,
                            GError     **error)
{
  g_autoptr(TcStorePractitioner) p = NULL;
  GError *local_error = NULL;
  char *hash = NULL;

  g_return_val_if_fail (TC_IS_STORE (self), NULL);

  p = lookup_practitioner (self, username, &hash, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (p == NULL)
    g_set_error (error, TC_STORE_ERROR, TC_STORE_ERROR_NOT_FOUND, "No such practitioner");
  return hash;
}

typedef struct {
  TcStorePractitioner *practitioner; /* NULL: unknown username */
  char                *hash;
  char                *password;
  gsize                password_len;
} VerifyData;

static void
verify_data_free (VerifyData *data)
{
  tc_store_practitioner_free (data->practitioner);
  g_free (data->hash);
  if (data->password != NULL)
    {
      sodium_memzero (data->password, data->password_len);
      g_free (data->password);
    }
  g_free (data);
}

static void
verify_in_thread (gpointer item,
                  gpointer pool_data)
{
  g_autoptr(GTask) task = item;
  VerifyData *data = g_task_get_task_data (task);
  const char *hash = data->hash ? data->hash : dummy_hash;
  gboolean ok;

  ok = crypto_pwhash_str_verify (hash, data->password, data->password_len) == 0;
  if (ok && data->practitioner != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&data->practitioner),
                             (GDestroyNotify) tc_store_practitioner_free);
      return;
    }
  g_task_return_new_error (task, TC_STORE_ERROR, TC_STORE_ERROR_BAD_CREDENTIALS,
                           "Wrong username or password");
}

void
tc_store_verify_password_async (TcStore             *self,
                                const char          *username,
                                const char          *password,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  VerifyData *data;

  g_return_if_fail (TC_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tc_store_verify_password_async);

  data = g_new0 (VerifyData, 1);
  data->password_len = password ? strlen (password) : 0;
  data->password = g_strndup (password ? password : "", data->password_len);
  g_task_set_task_data (task, data, (GDestroyNotify) verify_data_free);

  if (username != NULL && data->password_len <= MAX_PASSWORD_BYTES)
    data->practitioner = lookup_practitioner (self, username, &data->hash, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The lookup happened here, on the caller's thread; the worker only hashes. */
  g_thread_pool_push (self->verify_pool, g_steal_pointer (&task), NULL);
}

TcStorePractitioner *
tc_store_verify_password_finish (TcStore       *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static TcStoreConsultation *
consultation_from_row (sqlite3_stmt *stmt)
{
  TcStoreConsultation *c = g_new0 (TcStoreConsultation, 1);

  c->id = column_dup (stmt, 0);
  c->practitioner_id = sqlite3_column_int64 (stmt, 1);
  c->title = column_dup (stmt, 2);
  c->state = column_dup (stmt, 3);
  c->kiosk_station = column_dup (stmt, 4);
  c->scheduled_at = sqlite3_column_int64 (stmt, 5);
  c->created_at = sqlite3_column_int64 (stmt, 6);
  c->ended_at = sqlite3_column_int64 (stmt, 7);
  return c;
}

gboolean
tc_store_add_consultation (TcStore                   *self,
                           const TcStoreConsultation *c,
                           GError                   **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TC_IS_STORE (self), FALSE);
  g_return_val_if_fail (c != NULL && c->id != NULL, FALSE);

  if ((stmt = get_stmt (self, STMT_ADD_CONSULTATION, error)) == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, c->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, c->practitioner_id);
  bind_text_or_null (stmt, 3, c->title);
  sqlite3_bind_text (stmt, 4, c->state ? c->state : "open", -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 5, c->kiosk_station);
  sqlite3_bind_int64 (stmt, 6, c->scheduled_at > 0 ? c->scheduled_at : UNSCHEDULED);
  sqlite3_bind_int64 (stmt, 7, c->created_at > 0 ? c->created_at : now_ms ());
  if (c->ended_at > 0)
    sqlite3_bind_int64 (stmt, 8, c->ended_at);
  else
    sqlite3_bind_null (stmt, 8);
  return step_done (self, stmt, error, "Adding the consultation") >= 0;
}

static TcStoreConsultation *
single_consultation (TcStore       *self,
                     sqlite3_stmt  *stmt,
                     GError       **error)
{
  TcStoreConsultation *c = NULL;
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    c = consultation_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, TC_STORE_ERROR, TC_STORE_ERROR_NOT_FOUND, "No such consultation");
  else
    set_sqlite_error (self, error, "Reading a consultation");
  sqlite3_reset (stmt);
  return c;
}

TcStoreConsultation *
tc_store_get_consultation (TcStore     *self,
                           const char  *id,
                           GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TC_IS_STORE (self), NULL);

  if ((stmt = get_stmt (self, STMT_GET_CONSULTATION, error)) == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  return single_consultation (self, stmt, error);
}

GPtrArray *
tc_store_list_open_consultations (TcStore  *self,
                                  gint64    practitioner_id,
                                  GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_store_consultation_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (TC_IS_STORE (self), NULL);

  if ((stmt = get_stmt (self, STMT_LIST_OPEN_CONSULTATIONS, error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, practitioner_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, consultation_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "Listing consultations");
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

gboolean
tc_store_end_consultation (TcStore     *self,
                           const char  *id,
                           gint64       ended_at,
                           GError     **error)
{
  sqlite3_stmt *stmt;
  int changes;

  g_return_val_if_fail (TC_IS_STORE (self), FALSE);

  if ((stmt = get_stmt (self, STMT_END_CONSULTATION, error)) == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, ended_at);
  changes = step_done (self, stmt, error, "Ending the consultation");
  if (changes < 0)
    return FALSE;
  if (changes == 0)
    {
      g_set_error (error, TC_STORE_ERROR, TC_STORE_ERROR_NOT_FOUND, "No such open consultation");
      return FALSE;
    }
  return TRUE;
}

TcStoreConsultation *
tc_store_find_kiosk_consultation (TcStore     *self,
                                  const char  *station,
                                  gint64       now,
                                  gint64       lead_ms,
                                  gint64      *out_next_at,
                                  GError     **error)
{
  TcStoreConsultation *c;
  GError *local_error = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TC_IS_STORE (self), NULL);

  if (out_next_at)
    *out_next_at = 0;
  if ((stmt = get_stmt (self, STMT_KIOSK_DUE, error)) == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, station, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now + lead_ms);
  c = single_consultation (self, stmt, &local_error);
  if (c != NULL)
    return c;
  if (!g_error_matches (local_error, TC_STORE_ERROR, TC_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  g_propagate_error (error, local_error);

  if (out_next_at && (stmt = get_stmt (self, STMT_KIOSK_NEXT, NULL)) != NULL)
    {
      sqlite3_bind_text (stmt, 1, station, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, now + lead_ms);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        *out_next_at = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
    }
  return NULL;
}

gboolean
tc_store_add_invitation (TcStore       *self,
                         const guint8   token_hash[TC_STORE_HASH_SIZE],
                         const guint8  *code_hash,
                         const char    *consultation_id,
                         gint64         expires_at,
                         GError       **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TC_IS_STORE (self), FALSE);

  if ((stmt = get_stmt (self, STMT_ADD_INVITATION, error)) == NULL)
    return FALSE;
  sqlite3_bind_blob (stmt, 1, token_hash, TC_STORE_HASH_SIZE, SQLITE_TRANSIENT);
  if (code_hash != NULL)
    sqlite3_bind_blob (stmt, 2, code_hash, TC_STORE_HASH_SIZE, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_text (stmt, 3, consultation_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, expires_at);
  return step_done (self, stmt, error, "Adding the invitation") >= 0;
}

/* Column 0 is the stored hash, compared again in constant time: the index lookup
 * found it, the comparison makes the match explicit. */
static TcStoreInvitation *
single_invitation (TcStore       *self,
                   sqlite3_stmt  *stmt,
                   const guint8  *hash,
                   GError       **error)
{
  TcStoreInvitation *inv = NULL;
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) == TC_STORE_HASH_SIZE &&
      sodium_memcmp (sqlite3_column_blob (stmt, 0), hash, TC_STORE_HASH_SIZE) == 0)
    {
      inv = g_new0 (TcStoreInvitation, 1);
      inv->consultation_id = column_dup (stmt, 1);
      inv->expires_at = sqlite3_column_int64 (stmt, 2);
    }
  else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    g_set_error (error, TC_STORE_ERROR, TC_STORE_ERROR_NOT_FOUND, "No such invitation");
  else
    set_sqlite_error (self, error, "Looking up an invitation");
  sqlite3_reset (stmt);
  return inv;
}

TcStoreInvitation *
tc_store_find_invitation (TcStore       *self,
                          const guint8   token_hash[TC_STORE_HASH_SIZE],
                          GError       **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TC_IS_STORE (self), NULL);

  if ((stmt = get_stmt (self, STMT_FIND_INVITATION, error)) == NULL)
    return NULL;
  sqlite3_bind_blob (stmt, 1, token_hash, TC_STORE_HASH_SIZE, SQLITE_TRANSIENT);
  return single_invitation (self, stmt, token_hash, error);
}

TcStoreInvitation *
tc_store_find_invitation_by_code (TcStore       *self,
                                  const guint8   code_hash[TC_STORE_HASH_SIZE],
                                  GError       **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TC_IS_STORE (self), NULL);

  if ((stmt = get_stmt (self, STMT_FIND_INVITATION_BY_CODE, error)) == NULL)
    return NULL;
  sqlite3_bind_blob (stmt, 1, code_hash, TC_STORE_HASH_SIZE, SQLITE_TRANSIENT);
  return single_invitation (self, stmt, code_hash, error);
}

int
tc_store_purge_expired_invitations (TcStore  *self,
                                    gint64    now,
                                    GError  **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TC_IS_STORE (self), -1);

  if ((stmt = get_stmt (self, STMT_PURGE_INVITATIONS, error)) == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, now);
  return step_done (self, stmt, error, "Removing expired invitations");
}

/* Station ids travel as protocol ids: 1–64 of A–Z a–z 0–9 . _ : - */
static gboolean
valid_station (const char  *station,
               GError     **error)
{
  gsize len = station ? strlen (station) : 0;

  if (len < 1 || len > 64 || strspn (station, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") != len)
    {
      g_set_error (error, TC_STORE_ERROR, TC_STORE_ERROR_INVALID,
                   "The station id must be 1–64 letters, digits, '.', '_', ':' or '-'");
      return FALSE;
    }
  return TRUE;
}

gboolean
tc_store_add_kiosk (TcStore       *self,
                    const char    *station,
                    const char    *display_name,
                    const guint8   token_hash[TC_STORE_HASH_SIZE],
                    GError       **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TC_IS_STORE (self), FALSE);

  if (!valid_station (station, error) ||
      !valid_text (display_name, 64, "The display name", error))
    return FALSE;
  if ((stmt = get_stmt (self, STMT_ADD_KIOSK, error)) == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, station, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, display_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob (stmt, 3, token_hash, TC_STORE_HASH_SIZE, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now_ms ());
  return step_done (self, stmt, error, "Adding the kiosk") >= 0;
}

TcStoreKiosk *
tc_store_find_kiosk_by_token (TcStore       *self,
                              const guint8   token_hash[TC_STORE_HASH_SIZE],
                              GError       **error)
{
  TcStoreKiosk *k = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (TC_IS_STORE (self), NULL);

  if ((stmt = get_stmt (self, STMT_FIND_KIOSK, error)) == NULL)
    return NULL;
  sqlite3_bind_blob (stmt, 1, token_hash, TC_STORE_HASH_SIZE, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) == TC_STORE_HASH_SIZE &&
      sodium_memcmp (sqlite3_column_blob (stmt, 0), token_hash, TC_STORE_HASH_SIZE) == 0)
    {
      k = g_new0 (TcStoreKiosk, 1);
      k->station = column_dup (stmt, 1);
      k->display_name = column_dup (stmt, 2);
    }
  else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    g_set_error (error, TC_STORE_ERROR, TC_STORE_ERROR_NOT_FOUND, "No such kiosk");
  else
    set_sqlite_error (self, error, "Looking up a kiosk");
  sqlite3_reset (stmt);
  return k;
}

gboolean
tc_store_has_kiosk (TcStore    *self,
                    const char *station)
{
  sqlite3_stmt *stmt;
  gboolean found;

  g_return_val_if_fail (TC_IS_STORE (self), FALSE);

  if ((stmt = get_stmt (self, STMT_HAS_KIOSK, NULL)) == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, station, -1, SQLITE_TRANSIENT);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return found;
}

static void
tc_store_finalize (GObject *object)
{
  TcStore *self = TC_STORE (object);

  /* Waits for verifications in flight; their tasks hold a reference to us, so by
   * the time we are finalized the pool is idle. */
  if (self->verify_pool != NULL)
    g_thread_pool_free (self->verify_pool, FALSE, TRUE);
  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
  g_free (self->path);

  G_OBJECT_CLASS (tc_store_parent_class)->finalize (object);
}

static void
tc_store_class_init (TcStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tc_store_finalize;
}

static void
tc_store_init (TcStore *self)
{
}
