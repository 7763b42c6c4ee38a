/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcConsultation: one consultation as a person lives it. It joins the signalling
 * client, the call session and the device readings, and exposes states, properties
 * and signals for the UI and the headless client. No widgets here. */
#pragma once

#include <gio/gio.h>

#include "tc-call-session.h"
#include "tc-media-factory.h"
#include "tc-reading.h"
#include "tc-waiting-entry.h"

G_BEGIN_DECLS

typedef enum {
  TC_CONSULTATION_ROLE_PRACTITIONER,
  TC_CONSULTATION_ROLE_PATIENT,
  TC_CONSULTATION_ROLE_KIOSK,
} TcConsultationRole;

typedef enum {
  TC_CONSULTATION_STATE_IDLE,
  TC_CONSULTATION_STATE_CONNECTING,
  TC_CONSULTATION_STATE_SIGNED_IN,    /* practitioner: signed in, may host a consultation */
  TC_CONSULTATION_STATE_WAITING,      /* patient or kiosk: in the waiting room */
  TC_CONSULTATION_STATE_IN_CALL,      /* admitted: the call runs (see the call session's own state) */
  TC_CONSULTATION_STATE_RECONNECTING, /* signalling or media is healing itself */
  TC_CONSULTATION_STATE_ENDED,
  TC_CONSULTATION_STATE_FAILED,
} TcConsultationState;

#define TC_CONSULTATION_ERROR (tc_consultation_error_quark ())
GQuark tc_consultation_error_quark (void);

typedef enum {
  TC_CONSULTATION_ERROR_BAD_INVITATION,   /* the link or code cannot be read */
  TC_CONSULTATION_ERROR_WRONG_STATE,      /* e.g. admit before signing in */
  TC_CONSULTATION_ERROR_DECLINED,         /* the practitioner did not admit this patient now */
} TcConsultationError;

#define TC_TYPE_CONSULTATION (tc_consultation_get_type ())
G_DECLARE_FINAL_TYPE (TcConsultation, tc_consultation, TC, CONSULTATION, GObject)

TcConsultation     *tc_consultation_new                 (TcMediaFactory *factory);

/* Practitioner */
void                tc_consultation_sign_in_async       (TcConsultation      *self,
                                                         const char          *server_url,
                                                         const char          *username,
                                                         const char          *password,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean            tc_consultation_sign_in_finish      (TcConsultation      *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
/* LAN mode: starts an embedded signalling server on this computer and signs in to it. */
void                tc_consultation_host_lan_async      (TcConsultation      *self,
                                                         const char          *display_name,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean            tc_consultation_host_lan_finish     (TcConsultation      *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
/* LAN mode serves other computers on @address (an address of this computer, e.g. its
 * LAN IPv4) over TLS with a self-signed certificate whose fingerprint the invitation
 * link carries. NULL (the default) keeps LAN mode on this computer only (loopback,
 * plain ws). Call before tc_consultation_host_lan_async(). */
void                tc_consultation_set_lan_address     (TcConsultation      *self,
                                                         const char          *address);
/* Creates a consultation; on success invitation-url and invitation-code are set. */
void                tc_consultation_create_async        (TcConsultation      *self,
                                                         const char          *title,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean            tc_consultation_create_finish       (TcConsultation      *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
void                tc_consultation_admit               (TcConsultation      *self,
                                                         const char          *participant_id);
void                tc_consultation_decline             (TcConsultation      *self,
                                                         const char          *participant_id,
                                                         const char          *reason);

/* Patient or kiosk. @invitation is a teleconsult://join?server=…&token=… link. */
void                tc_consultation_join_async          (TcConsultation      *self,
                                                         const char          *invitation,
                                                         const char          *display_name,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean            tc_consultation_join_finish         (TcConsultation      *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* Kiosk: joins the consultation scheduled now for this station with its device token.
 * Fails with TC_PROTOCOL_ERROR_NO_CONSULTATION when none is; then
 * tc_consultation_get_next_scheduled_at() tells when the next one is (Unix ms, or 0). */
void                tc_consultation_join_kiosk_async    (TcConsultation      *self,
                                                         const char          *server_url,
                                                         const char          *device_token,
                                                         const char          *display_name,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean            tc_consultation_join_kiosk_finish   (TcConsultation      *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
gint64              tc_consultation_get_next_scheduled_at (TcConsultation *self);

/* Both. Patient: leaves. Practitioner: ends the consultation for everyone. */
void                tc_consultation_hang_up             (TcConsultation      *self);
gboolean            tc_consultation_send_chat           (TcConsultation      *self,
                                                         const char          *text,
                                                         GError             **error);

/* Patient or kiosk: a device reading for the practitioner. It is stored durably first
 * and sent over the call's data channel until the practitioner acknowledges it: it
 * survives a network cut, a rebuilt call and a crash of this application. */
gboolean            tc_consultation_submit_reading      (TcConsultation   *self,
                                                         const TcReading  *reading,
                                                         GError          **error);
/* Readings stored but not yet acknowledged (property "pending-readings", notified
 * after each submit and each acknowledgement). */
guint               tc_consultation_get_pending_readings (TcConsultation *self);

/* Transport settings applied to every call session this consultation builds. */
void                tc_consultation_set_relay_only      (TcConsultation *self,
                                                         gboolean        relay_only);
/* Longest wait between signalling reconnection attempts (default: the client's 30 s). */
void                tc_consultation_set_max_reconnect_delay (TcConsultation *self,
                                                             guint           max_ms);
/* Adds an address ICE may gather on even if libnice would skip it (loopback tests). */
void                tc_consultation_add_local_address   (TcConsultation *self,
                                                         const char     *address);

TcConsultationRole  tc_consultation_get_role            (TcConsultation *self);
TcConsultationState tc_consultation_get_state           (TcConsultation *self);
const char         *tc_consultation_get_display_name    (TcConsultation *self);
const char         *tc_consultation_get_peer_name       (TcConsultation *self);
const char         *tc_consultation_get_invitation_url  (TcConsultation *self);
const char         *tc_consultation_get_invitation_code (TcConsultation *self);
/* A GListModel of TcWaitingEntry, updated as the queue changes (practitioner). */
GListModel         *tc_consultation_get_waiting_room    (TcConsultation *self);
/* The running call, or NULL. Replaced when the call is rebuilt after a network loss. */
TcCallSession      *tc_consultation_get_call_session    (TcConsultation *self);
const char         *tc_consultation_get_verification_code (TcConsultation *self);
/* Monotonic time (µs) when media first connected, or 0. */
gint64              tc_consultation_get_call_started_at (TcConsultation *self);
TcMediaFactory     *tc_consultation_get_media_factory   (TcConsultation *self);

/* Clinical media (docs/clinical-media.md).  A station (kiosk) sets clinical tracks before the
 * call: its sessions send an exam camera and a stethoscope, silent until switched on.  The
 * practitioner's offers always carry receive-only m-lines for them. */
void                tc_consultation_set_clinical_tracks (TcConsultation *self,
                                                         gboolean        clinical);
/* Practitioner: asks the station for a still of its exam camera ("still-received" follows). */
gboolean            tc_consultation_request_still       (TcConsultation  *self,
                                                         GError         **error);
/* Practitioner: the patient agreed that stills are kept with the consultation.  Without it a
 * still is shown ("still-received") but not kept. */
void                tc_consultation_set_still_consent   (TcConsultation *self,
                                                         gboolean        consent);
gboolean            tc_consultation_get_still_consent   (TcConsultation *self);
/* The stills kept so far (GBytes, PNG), in order; owned by the consultation. */
GPtrArray          *tc_consultation_get_kept_stills     (TcConsultation *self);
/* Station: switches the stethoscope track and tells the peer {"type":"stethoscope","active"}. */
void                tc_consultation_set_stethoscope_active (TcConsultation *self,
                                                            gboolean        active);
/* Practitioner: what the station last said about its stethoscope (the indicator). */
gboolean            tc_consultation_get_remote_stethoscope_active (TcConsultation *self);

/* Signals:
 *   "chat-received" (const char *from_name, const char *text, gint64 server_ts_ms, gboolean from_me)
 *   "failed"        (const GError *error)   — also sets state FAILED; the UI shows error->message
 *   "call-session-changed" ()               — also notify::call-session
 *   "reading-received" (TcReading *reading) — practitioner: once per reading
 *   "still-received" (GBytes *png, const char *mime, gboolean kept) — practitioner */

G_END_DECLS
