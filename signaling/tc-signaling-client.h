/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcSignalingClient: the client side of docs/signaling-protocol.md over a libsoup
 * WebSocket. Signs in, delivers every validated server message exactly once and in
 * order, queues outgoing messages while the connection heals, and resumes a dropped
 * connection with the resume token. docs/signaling-client.md describes the behaviour.
 * Use it from the thread whose thread-default main context was current at creation. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  TC_SIGNALING_STATE_DISCONNECTED, /* never connected, or the first connect failed */
  TC_SIGNALING_STATE_CONNECTING,   /* first connect: WebSocket + hello, until welcome */
  TC_SIGNALING_STATE_CONNECTED,    /* welcome received; messages flow */
  TC_SIGNALING_STATE_RECONNECTING, /* the connection dropped; resuming with backoff */
  TC_SIGNALING_STATE_CLOSED,       /* final: closed by us, by the server, or resume refused */
} TcSignalingState;

#define TC_TYPE_SIGNALING_STATE (tc_signaling_state_get_type ())
GType tc_signaling_state_get_type (void);

#define TC_TYPE_SIGNALING_CLIENT (tc_signaling_client_get_type ())
G_DECLARE_FINAL_TYPE (TcSignalingClient, tc_signaling_client, TC, SIGNALING_CLIENT, GObject)

/* @url: ws:// or wss:// URL of the server's WebSocket endpoint (e.g. wss://host:8443/ws). */
TcSignalingClient *tc_signaling_client_new        (const char *url);

/* TLS trust. By default the system trust store is used. A deployment with its own CA
 * or a self-signed certificate sets a database (or a PEM file of trusted certificates);
 * accept-invalid-cert accepts ANY certificate and exists only for explicit opt-in. */
void          tc_signaling_client_set_tls_database       (TcSignalingClient *self,
                                                          GTlsDatabase      *database);
GTlsDatabase *tc_signaling_client_get_tls_database       (TcSignalingClient *self);
gboolean      tc_signaling_client_trust_certificate_file (TcSignalingClient *self,
                                                          const char        *pem_path,
                                                          GError           **error);
void          tc_signaling_client_set_accept_invalid_cert (TcSignalingClient *self,
                                                           gboolean           accept);

/* Trust exactly one certificate, whatever its issuer and names: the one whose DER
 * SHA-256, base64url without padding (43 characters), is @fingerprint. LAN mode's
 * invitation links carry it (`fp=`) for the practitioner's self-signed certificate.
 * A certificate that passes normal verification is accepted as usual. */
gboolean      tc_signaling_client_pin_certificate        (TcSignalingClient  *self,
                                                          const char         *fingerprint,
                                                          GError            **error);
/* The fingerprint tc_signaling_client_pin_certificate() expects, of @certificate. */
char         *tc_signaling_client_certificate_fingerprint (GTlsCertificate   *certificate);
/* Reconnect backoff: the first retry waits about @initial_ms, each next one twice as
 * long, at most @max_ms, each with random jitter (defaults 500 and 30000). */
void          tc_signaling_client_set_reconnect_delays   (TcSignalingClient *self,
                                                          guint              initial_ms,
                                                          guint              max_ms);
/* Application ping period while connected (default 15000 ms; 0 disables). Measures
 * the rtt property; a connection that answers nothing for 3 periods counts as dropped. */
void          tc_signaling_client_set_ping_interval      (TcSignalingClient *self,
                                                          guint              interval_ms);

/* Opens the WebSocket, sends hello with @auth (the hello.auth object: password,
 * invitation or kiosk) and completes when welcome arrives. The client does not keep
 * @auth. Fails with the server's error as TC_PROTOCOL_ERROR + code (e.g.
 * TC_PROTOCOL_ERROR_BAD_CREDENTIALS), a G_IO_ERROR for transport problems, a G_TLS_ERROR
 * (e.g. G_TLS_ERROR_BAD_CERTIFICATE) for an untrusted certificate,
 * or G_IO_ERROR_CANCELLED. On failure the state returns to DISCONNECTED and
 * connect may be tried again. Only valid in state DISCONNECTED. */
void      tc_signaling_client_connect_async  (TcSignalingClient   *self,
                                              JsonObject          *auth,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean  tc_signaling_client_connect_finish (TcSignalingClient   *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Sends leave, closes the WebSocket (1000) and goes CLOSED. Never blocks. */
void      tc_signaling_client_close          (TcSignalingClient   *self);

/* Queues @message (any client→server message but hello). It is validated first
 * (an invalid one is logged without content and dropped: FALSE); sent at once when
 * connected, otherwise kept in order and sent after (re)connection. Sending is paced
 * under the server's rate limit. Returns FALSE before connect_async and once CLOSED. */
gboolean  tc_signaling_client_send           (TcSignalingClient   *self,
                                              JsonObject          *message);

/* Convenience senders. @sdp_type is "offer" or "answer". @sdp_mid may be NULL and
 * @sdp_mline_index -1 (at least one must be given); an empty @candidate means end of
 * candidates. */
void      tc_signaling_client_send_sdp       (TcSignalingClient   *self,
                                              const char          *to,
                                              const char          *sdp_type,
                                              const char          *sdp);
void      tc_signaling_client_send_ice       (TcSignalingClient   *self,
                                              const char          *to,
                                              const char          *candidate,
                                              const char          *sdp_mid,
                                              int                  sdp_mline_index);
/* Chat text is user input: a text that the protocol refuses (empty, over 4,000
 * bytes) fails with TC_PROTOCOL_ERROR_BAD_MESSAGE instead of being queued. */
gboolean  tc_signaling_client_send_chat      (TcSignalingClient   *self,
                                              const char          *text,
                                              GError             **error);
void      tc_signaling_client_admit          (TcSignalingClient   *self,
                                              const char          *consultation_id,
                                              const char          *participant_id);
void      tc_signaling_client_decline        (TcSignalingClient   *self,
                                              const char          *consultation_id,
                                              const char          *participant_id,
                                              const char          *reason);
void      tc_signaling_client_end            (TcSignalingClient   *self,
                                              const char          *consultation_id);
void      tc_signaling_client_ping           (TcSignalingClient   *self);

/* Requests answered by a reply matched by `rid`. The finish functions return the
 * reply message (new reference; `consultation` or `consultations`), or NULL with the
 * server's error as TC_PROTOCOL_ERROR + code, G_IO_ERROR_TIMED_OUT when no answer
 * came within 30 s, or the close error when the client closed first.
 * @kiosk may be NULL; @invitation_ttl_s / @ttl_s 0 means the server's default. */
void        tc_signaling_client_create_consultation_async  (TcSignalingClient   *self,
                                                            const char          *title,
                                                            const char          *kiosk,
                                                            guint                invitation_ttl_s,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
JsonObject *tc_signaling_client_create_consultation_finish (TcSignalingClient   *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);
void        tc_signaling_client_invite_async               (TcSignalingClient   *self,
                                                            const char          *consultation_id,
                                                            guint                ttl_s,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
JsonObject *tc_signaling_client_invite_finish              (TcSignalingClient   *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);
void        tc_signaling_client_list_consultations_async   (TcSignalingClient   *self,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
JsonObject *tc_signaling_client_list_consultations_finish  (TcSignalingClient   *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

TcSignalingState  tc_signaling_client_get_state           (TcSignalingClient *self);
const char       *tc_signaling_client_get_url             (TcSignalingClient *self);
const char       *tc_signaling_client_get_participant_id  (TcSignalingClient *self);
/* "practitioner", "patient" or "kiosk" (NULL before the first welcome). */
const char       *tc_signaling_client_get_role            (TcSignalingClient *self);
const char       *tc_signaling_client_get_display_name    (TcSignalingClient *self);
/* From welcome, for patients and kiosks; NULL for a practitioner. */
const char       *tc_signaling_client_get_consultation_id (TcSignalingClient *self);
/* Last application ping round trip in milliseconds, or -1 before the first pong. */
int               tc_signaling_client_get_rtt             (TcSignalingClient *self);
/* Highest server `seq` delivered so far (0 before any). */
gint64            tc_signaling_client_get_last_seq        (TcSignalingClient *self);
/* Why the client is CLOSED, in words a person can read; NULL when it closed
 * normally (close(), consultation-ended, declined) or is not closed. */
const GError     *tc_signaling_client_get_close_error     (TcSignalingClient *self);

/* After a kiosk's connect failed with TC_PROTOCOL_ERROR_NO_CONSULTATION: when the
 * station's next consultation is scheduled (Unix ms), or 0 when none is. */
gint64            tc_signaling_client_get_next_scheduled_at (TcSignalingClient *self);

/* Signals:
 *   "message::<type>" (const char *type, JsonObject *message)
 *       every validated server message after welcome, exactly once and in server
 *       order, replies and errors included ("message::error" for `error`).
 *   "closed" (const GError *error)   when the state becomes CLOSED; error as above. */

G_END_DECLS
