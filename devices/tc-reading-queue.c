/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-reading-queue"

#include "tc-reading-queue.h"

#include <sqlite3.h>

#include "tc-fhir.h"

G_DEFINE_QUARK (tc-reading-queue-error-quark, tc_reading_queue_error)

struct _TcReadingQueue
{
  GObject  parent_instance;
  sqlite3 *db;
};

G_DEFINE_FINAL_TYPE (TcReadingQueue, tc_reading_queue, G_TYPE_OBJECT)

void
tc_queued_reading_free (TcQueuedReading *item)
{
  if (item == NULL)
    return;
  g_free (item->id);
  g_free (item->observation);
  g_free (item);
}

static gboolean
sql_fail (sqlite3 *db, const char *what, GError **error)
{
  g_set_error (error, TC_READING_QUEUE_ERROR, TC_READING_QUEUE_ERROR_FAILED,
               "Reading queue: %s failed: %s", what, db ? sqlite3_errmsg (db) : "no database");
  return FALSE;
}

static gboolean
exec (sqlite3 *db, const char *sql, GError **error)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return sql_fail (db, sql, error);
  return TRUE;
}

static void
tc_reading_queue_finalize (GObject *object)
{
  TcReadingQueue *self = TC_READING_QUEUE (object);

  g_clear_pointer (&self->db, sqlite3_close);
  G_OBJECT_CLASS (tc_reading_queue_parent_class)->finalize (object);
}

static void
tc_reading_queue_class_init (TcReadingQueueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tc_reading_queue_finalize;
}

static void
tc_reading_queue_init (TcReadingQueue *self)
{
}

TcReadingQueue *
tc_reading_queue_new (const char *path,
                      GError    **error)
{
  g_autoptr(TcReadingQueue) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (TC_TYPE_READING_QUEUE, NULL);
  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL)
      != SQLITE_OK)
    {
      sql_fail (self->db, "open", error);
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  /* WAL + FULL: a commit is on disk (WAL fsynced) before enqueue returns, and a crash mid-write
   * leaves the previous state. */
  if (!exec (self->db, "PRAGMA journal_mode=WAL", error) ||
      !exec (self->db, "PRAGMA synchronous=FULL", error) ||
      !exec (self->db,
             "CREATE TABLE IF NOT EXISTS outbox ("
             " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
             " id TEXT NOT NULL UNIQUE,"
             " peer TEXT NOT NULL,"
             " observation TEXT NOT NULL,"
             " created_us INTEGER NOT NULL,"
             " acked_us INTEGER)", error) ||
      !exec (self->db, "CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (peer, acked_us, seq)", error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
tc_reading_queue_enqueue (TcReadingQueue *self,
                          const char     *peer,
                          const char     *id,
                          const char     *observation,
                          GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (TC_IS_READING_QUEUE (self), FALSE);

  if (peer == NULL || *peer == '\0' || id == NULL || !g_uuid_string_is_valid (id) || observation == NULL)
    {
      g_set_error (error, TC_READING_QUEUE_ERROR, TC_READING_QUEUE_ERROR_INVALID,
                   "Reading queue: a reading needs a peer key, a UUID and an observation");
      return FALSE;
    }
  if (sqlite3_prepare_v2 (self->db,
                          "INSERT INTO outbox (id, peer, observation, created_us) VALUES (?, ?, ?, ?)",
                          -1, &stmt, NULL) != SQLITE_OK)
    return sql_fail (self->db, "prepare insert", error);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, peer, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, observation, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_CONSTRAINT)
    {
      g_set_error (error, TC_READING_QUEUE_ERROR, TC_READING_QUEUE_ERROR_DUPLICATE,
                   "Reading queue: this reading is already queued");
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return sql_fail (self->db, "insert", error);
  return TRUE;
}

gboolean
tc_reading_queue_enqueue_reading (TcReadingQueue  *self,
                                  const char      *peer,
                                  const TcReading *reading,
                                  GError         **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (reading != NULL, FALSE);

  json = tc_fhir_observation_to_string (reading, NULL, error);
  if (json == NULL)
    return FALSE;
  return tc_reading_queue_enqueue (self, peer, reading->id, json, error);
}

GPtrArray *
tc_reading_queue_list_pending (TcReadingQueue *self,
                               const char     *peer,
                               gint64          after_seq,
                               guint           limit,
                               GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_queued_reading_free);
  int rc;

  g_return_val_if_fail (TC_IS_READING_QUEUE (self), NULL);
  g_return_val_if_fail (peer != NULL, NULL);

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT seq, id, observation FROM outbox"
                          " WHERE peer = ? AND acked_us IS NULL AND seq > ? ORDER BY seq LIMIT ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      sql_fail (self->db, "prepare select", error);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, peer, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, after_seq);
  sqlite3_bind_int64 (stmt, 3, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TcQueuedReading *item = g_new0 (TcQueuedReading, 1);
      item->seq = sqlite3_column_int64 (stmt, 0);
      item->id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      item->observation = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      g_ptr_array_add (items, item);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      sql_fail (self->db, "select", error);
      return NULL;
    }
  return g_steal_pointer (&items);
}

guint
tc_reading_queue_count_pending (TcReadingQueue *self,
                                const char     *peer)
{
  sqlite3_stmt *stmt = NULL;
  guint n = 0;

  g_return_val_if_fail (TC_IS_READING_QUEUE (self), 0);

  if (sqlite3_prepare_v2 (self->db, "SELECT count(*) FROM outbox WHERE peer = ? AND acked_us IS NULL",
                          -1, &stmt, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_text (stmt, 1, peer, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

gboolean
tc_reading_queue_ack (TcReadingQueue *self,
                      const char     *id,
                      gboolean       *was_pending,
                      GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (TC_IS_READING_QUEUE (self), FALSE);

  if (was_pending)
    *was_pending = FALSE;
  if (id == NULL)
    return TRUE;
  if (sqlite3_prepare_v2 (self->db, "UPDATE outbox SET acked_us = ? WHERE id = ? AND acked_us IS NULL",
                          -1, &stmt, NULL) != SQLITE_OK)
    return sql_fail (self->db, "prepare update", error);
  sqlite3_bind_int64 (stmt, 1, g_get_real_time ());
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return sql_fail (self->db, "update", error);
  if (was_pending)
    *was_pending = sqlite3_changes (self->db) > 0;
  return TRUE;
}

gboolean
tc_reading_queue_purge_acked (TcReadingQueue *self,
                              gint64          before_us,
                              GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (TC_IS_READING_QUEUE (self), FALSE);

  if (sqlite3_prepare_v2 (self->db, "DELETE FROM outbox WHERE acked_us IS NOT NULL AND acked_us < ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    return sql_fail (self->db, "prepare delete", error);
  sqlite3_bind_int64 (stmt, 1, before_us);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return sql_fail (self->db, "delete", error);
  return TRUE;
}
