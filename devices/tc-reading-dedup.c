/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-reading-dedup"

#include "tc-reading-dedup.h"

#include <sqlite3.h>

#include "tc-reading-message.h"
#include "tc-reading-queue.h"

struct _TcReadingDedup
{
  GObject  parent_instance;
  sqlite3 *db;
};

G_DEFINE_FINAL_TYPE (TcReadingDedup, tc_reading_dedup, G_TYPE_OBJECT)

static gboolean
sql_fail (sqlite3 *db, const char *what, GError **error)
{
  g_set_error (error, TC_READING_QUEUE_ERROR, TC_READING_QUEUE_ERROR_FAILED,
               "Received readings: %s failed: %s", what, db ? sqlite3_errmsg (db) : "no database");
  return FALSE;
}

static void
tc_reading_dedup_finalize (GObject *object)
{
  TcReadingDedup *self = TC_READING_DEDUP (object);

  g_clear_pointer (&self->db, sqlite3_close);
  G_OBJECT_CLASS (tc_reading_dedup_parent_class)->finalize (object);
}

static void
tc_reading_dedup_class_init (TcReadingDedupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tc_reading_dedup_finalize;
}

static void
tc_reading_dedup_init (TcReadingDedup *self)
{
}

TcReadingDedup *
tc_reading_dedup_new (const char *path,
                      GError    **error)
{
  g_autoptr(TcReadingDedup) self = g_object_new (TC_TYPE_READING_DEDUP, NULL);
  static const char *const setup[] = {
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "CREATE TABLE IF NOT EXISTS received ("
    " id TEXT PRIMARY KEY, received_us INTEGER NOT NULL, observation TEXT)",
  };

  g_return_val_if_fail (path != NULL, NULL);

  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL)
      != SQLITE_OK)
    {
      sql_fail (self->db, "open", error);
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  for (guint i = 0; i < G_N_ELEMENTS (setup); i++)
    if (sqlite3_exec (self->db, setup[i], NULL, NULL, NULL) != SQLITE_OK)
      {
        sql_fail (self->db, setup[i], error);
        return NULL;
      }
  return g_steal_pointer (&self);
}

gboolean
tc_reading_dedup_add (TcReadingDedup *self,
                      const char     *id,
                      const char     *observation,
                      gboolean       *is_new,
                      GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (TC_IS_READING_DEDUP (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (is_new)
    *is_new = FALSE;
  if (sqlite3_prepare_v2 (self->db,
                          "INSERT OR IGNORE INTO received (id, received_us, observation) VALUES (?, ?, ?)",
                          -1, &stmt, NULL) != SQLITE_OK)
    return sql_fail (self->db, "prepare insert", error);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  if (observation)
    sqlite3_bind_text (stmt, 3, observation, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 3);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return sql_fail (self->db, "insert", error);
  if (is_new)
    *is_new = sqlite3_changes (self->db) > 0;
  return TRUE;
}

gboolean
tc_reading_dedup_contains (TcReadingDedup *self,
                           const char     *id)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;

  g_return_val_if_fail (TC_IS_READING_DEDUP (self), FALSE);

  if (sqlite3_prepare_v2 (self->db, "SELECT 1 FROM received WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return found;
}

guint
tc_reading_dedup_count (TcReadingDedup *self)
{
  sqlite3_stmt *stmt = NULL;
  guint n = 0;

  g_return_val_if_fail (TC_IS_READING_DEDUP (self), 0);

  if (sqlite3_prepare_v2 (self->db, "SELECT count(*) FROM received", -1, &stmt, NULL) != SQLITE_OK)
    return 0;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

TcReading *
tc_reading_dedup_receive (TcReadingDedup *self,
                          const char     *data,
                          gsize           len,
                          char          **ack,
                          GError        **error)
{
  g_autoptr(TcReadingMessage) msg = NULL;
  gboolean is_new;

  g_return_val_if_fail (TC_IS_READING_DEDUP (self), NULL);
  g_return_val_if_fail (ack != NULL, NULL);

  *ack = NULL;
  msg = tc_reading_message_decode (data, len, error);
  if (msg == NULL || msg->type != TC_READING_MESSAGE_READING)
    return NULL;
  /* acknowledge only what is durably stored */
  if (!tc_reading_dedup_add (self, msg->id, msg->observation, &is_new, error))
    return NULL;
  *ack = tc_reading_message_encode_ack (msg->id);
  return is_new ? g_steal_pointer (&msg->reading) : NULL;
}
