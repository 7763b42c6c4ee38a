/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcStore: the server's durable state in SQLite (WAL): practitioner accounts
 * (Argon2id password hashes), consultations, invitations and kiosks. Tokens are
 * stored only as their SHA-256. Every call is synchronous and fast except password
 * verification, which runs on a small worker pool (tc_store_verify_password_async).
 * One TcStore is used from one thread (the server's main context). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TC_STORE_HASH_SIZE 32

typedef enum {
  TC_STORE_ERROR_FAILED,          /* SQLite failed (disk, corruption) */
  TC_STORE_ERROR_NOT_FOUND,
  TC_STORE_ERROR_EXISTS,          /* a unique name is taken */
  TC_STORE_ERROR_INVALID,         /* an argument is out of range */
  TC_STORE_ERROR_BAD_CREDENTIALS, /* wrong username or password */
} TcStoreError;

#define TC_STORE_ERROR (tc_store_error_quark ())
GQuark tc_store_error_quark (void);

typedef struct {
  gint64  id;
  char   *username;
  char   *display_name;
  gint64  created_at;     /* ms since the epoch */
} TcStorePractitioner;

typedef struct {
  char   *id;
  gint64  practitioner_id;
  char   *title;          /* may be NULL */
  char   *state;          /* "open" / "ended" */
  char   *kiosk_station;  /* may be NULL */
  gint64  scheduled_at;   /* ms, 0 = not scheduled */
  gint64  created_at;
  gint64  ended_at;       /* ms, 0 = not ended */
} TcStoreConsultation;

typedef struct {
  char   *consultation_id;
  gint64  expires_at;     /* ms */
} TcStoreInvitation;

typedef struct {
  char *station;
  char *display_name;
} TcStoreKiosk;

void tc_store_practitioner_free (TcStorePractitioner *p);
void tc_store_consultation_free (TcStoreConsultation *c);
void tc_store_invitation_free   (TcStoreInvitation   *i);
void tc_store_kiosk_free        (TcStoreKiosk        *k);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcStorePractitioner, tc_store_practitioner_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcStoreConsultation, tc_store_consultation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcStoreInvitation, tc_store_invitation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcStoreKiosk, tc_store_kiosk_free)

#define TC_TYPE_STORE (tc_store_get_type ())
G_DECLARE_FINAL_TYPE (TcStore, tc_store, TC, STORE, GObject)

/* Opens (creating if needed) the database at @path; ":memory:" works for tests. */
TcStore   *tc_store_open (const char  *path,
                          GError     **error);
const char *tc_store_get_path (TcStore *self);
/* Checkpoints the WAL into the main file (on shutdown). */
gboolean   tc_store_flush (TcStore  *self,
                           GError  **error);

/* Practitioners. Adding hashes the password (Argon2id, slow: ~0.1–0.5 s) on the
 * calling thread: meant for the command line, not the server's main loop. */
gboolean   tc_store_add_practitioner    (TcStore     *self,
                                         const char  *username,
                                         const char  *display_name,
                                         const char  *password,
                                         GError     **error);
gboolean   tc_store_remove_practitioner (TcStore     *self,
                                         const char  *username,
                                         GError     **error);
/* Element type TcStorePractitioner, ordered by username. */
GPtrArray *tc_store_list_practitioners  (TcStore     *self,
                                         GError     **error);
/* Verifies on a worker thread; an unknown username costs as much as a wrong
 * password. Finishes with the practitioner or TC_STORE_ERROR_BAD_CREDENTIALS. */
void       tc_store_verify_password_async (TcStore             *self,
                                           const char          *username,
                                           const char          *password,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
TcStorePractitioner *tc_store_verify_password_finish (TcStore       *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
/* The raw PHC string of the stored hash (tests check its format). */
char      *tc_store_get_password_hash (TcStore     *self,
                                       const char  *username,
                                       GError     **error);

/* Consultations. */
gboolean   tc_store_add_consultation  (TcStore                   *self,
                                       const TcStoreConsultation *consultation,
                                       GError                   **error);
TcStoreConsultation *tc_store_get_consultation (TcStore     *self,
                                                const char  *id,
                                                GError     **error);
/* Open consultations of @practitioner_id, oldest first. */
GPtrArray *tc_store_list_open_consultations (TcStore  *self,
                                             gint64    practitioner_id,
                                             GError  **error);
gboolean   tc_store_end_consultation  (TcStore     *self,
                                       const char  *id,
                                       gint64       ended_at,
                                       GError     **error);
/* The open consultation of @station that is due at @now (scheduled no later than
 * @now + @lead_ms, or unscheduled); NULL with NOT_FOUND otherwise, and then
 * *@out_next_at receives the next scheduled one (0 if none). */
TcStoreConsultation *tc_store_find_kiosk_consultation (TcStore     *self,
                                                       const char  *station,
                                                       gint64       now,
                                                       gint64       lead_ms,
                                                       gint64      *out_next_at,
                                                       GError     **error);

/* Invitations, keyed by the SHA-256 of the token (and of the normalized short code). */
gboolean   tc_store_add_invitation (TcStore       *self,
                                    const guint8   token_hash[TC_STORE_HASH_SIZE],
                                    const guint8  *code_hash,
                                    const char    *consultation_id,
                                    gint64         expires_at,
                                    GError       **error);
TcStoreInvitation *tc_store_find_invitation (TcStore       *self,
                                             const guint8   token_hash[TC_STORE_HASH_SIZE],
                                             GError       **error);
TcStoreInvitation *tc_store_find_invitation_by_code (TcStore       *self,
                                                     const guint8   code_hash[TC_STORE_HASH_SIZE],
                                                     GError       **error);
/* Removes invitations that expired before @now; returns how many. */
int        tc_store_purge_expired_invitations (TcStore  *self,
                                               gint64    now,
                                               GError  **error);

/* Kiosks. */
gboolean   tc_store_add_kiosk (TcStore       *self,
                               const char    *station,
                               const char    *display_name,
                               const guint8   token_hash[TC_STORE_HASH_SIZE],
                               GError       **error);
TcStoreKiosk *tc_store_find_kiosk_by_token (TcStore       *self,
                                            const guint8   token_hash[TC_STORE_HASH_SIZE],
                                            GError       **error);
gboolean   tc_store_has_kiosk (TcStore    *self,
                               const char *station);

G_END_DECLS
