/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sending side's outbox: every reading waits here, durably, until the practitioner acknowledges
 * its id. Rows are bound to a peer key (practitioner / consultation) so a reading taken while no call
 * is up waits for the next call with that practitioner. */
#pragma once

#include <glib-object.h>

#include "tc-reading.h"

G_BEGIN_DECLS

#define TC_READING_QUEUE_ERROR (tc_reading_queue_error_quark ())
GQuark tc_reading_queue_error_quark (void);

typedef enum {
  TC_READING_QUEUE_ERROR_FAILED,     /* SQLite said no: disk full, corrupt file, ... */
  TC_READING_QUEUE_ERROR_INVALID,    /* bad argument (id not a UUID, empty peer key) */
  TC_READING_QUEUE_ERROR_DUPLICATE,  /* this id is already queued */
} TcReadingQueueError;

typedef struct {
  gint64  seq;          /* order of enqueueing */
  char   *id;
  char   *observation;  /* FHIR Observation JSON */
} TcQueuedReading;

void tc_queued_reading_free (TcQueuedReading *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcQueuedReading, tc_queued_reading_free)

#define TC_TYPE_READING_QUEUE (tc_reading_queue_get_type ())
G_DECLARE_FINAL_TYPE (TcReadingQueue, tc_reading_queue, TC, READING_QUEUE, GObject)

/* `path` may be ":memory:" for tests. Opens with WAL and synchronous=FULL. */
TcReadingQueue *tc_reading_queue_new            (const char     *path,
                                                 GError        **error);
/* Durable (committed and synced) when it returns TRUE. */
gboolean        tc_reading_queue_enqueue        (TcReadingQueue *self,
                                                 const char     *peer,
                                                 const char     *id,
                                                 const char     *observation,
                                                 GError        **error);
/* Maps the reading to FHIR (received = now when it has no time) and enqueues it. */
gboolean        tc_reading_queue_enqueue_reading (TcReadingQueue  *self,
                                                  const char      *peer,
                                                  const TcReading *reading,
                                                  GError         **error);
/* Unacknowledged readings for `peer` with seq > after_seq, oldest first: GPtrArray of TcQueuedReading. */
GPtrArray      *tc_reading_queue_list_pending   (TcReadingQueue *self,
                                                 const char     *peer,
                                                 gint64          after_seq,
                                                 guint           limit,
                                                 GError        **error);
guint           tc_reading_queue_count_pending  (TcReadingQueue *self,
                                                 const char     *peer);
/* *was_pending tells whether this ack changed anything (FALSE for an unknown or repeated ack). */
gboolean        tc_reading_queue_ack            (TcReadingQueue *self,
                                                 const char     *id,
                                                 gboolean       *was_pending,
                                                 GError        **error);
/* Forgets acknowledged rows acknowledged before `before_us` (g_get_real_time () scale). */
gboolean        tc_reading_queue_purge_acked    (TcReadingQueue *self,
                                                 gint64          before_us,
                                                 GError        **error);

G_END_DECLS
