/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcConsultation: the signalling client, the call session and (later) the device
 * readings of one consultation, behind one object with states the UI can show.
 *
 * The practitioner's side always offers: webrtcbin 1.22 only gets working TWCC on
 * the offerer. When the call session reports that its connection is lost for good
 * (webrtcbin 1.22 has no ICE restart), the practitioner builds a new session and
 * offers again; the patient replaces its session whenever a new offer arrives. */
#define G_LOG_DOMAIN "tc-consultation"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tc-consultation.h"
#include "tc-ice-servers.h"
#include "tc-invitation.h"
#include "tc-lan-certificate.h"
#include "tc-protocol.h"
#include "tc-reading-link.h"
#include "tc-server.h"
#include "tc-signaling-client.h"
#include "tc-still-transfer.h"
#include "tc-token.h"

#define LAN_USERNAME "lan"

enum {
  PROP_0,
  PROP_ROLE,
  PROP_STATE,
  PROP_DISPLAY_NAME,
  PROP_PEER_NAME,
  PROP_INVITATION_URL,
  PROP_INVITATION_CODE,
  PROP_WAITING_ROOM,
  PROP_CALL_SESSION,
  PROP_VERIFICATION_CODE,
  PROP_CALL_STARTED_AT,
  PROP_MEDIA_FACTORY,
  PROP_STILL_CONSENT,
  PROP_REMOTE_STETHOSCOPE_ACTIVE,
  PROP_PENDING_READINGS,
  N_PROPS
};

enum {
  CHAT_RECEIVED,
  FAILED,
  CALL_SESSION_CHANGED,
  READING_RECEIVED,
  STILL_RECEIVED,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

struct _TcConsultation
{
  GObject parent_instance;

  TcMediaFactory      *factory;
  TcSignalingClient   *client;
  TcServer            *lan_server;   /* LAN mode: the embedded signalling server */
  TcReadingLink       *readings;     /* device readings over the call's data channel */
  char                *lan_address;  /* LAN mode serving other computers, or NULL */
  char                *pin;          /* the server certificate's fingerprint to trust */
  TcCallSession       *call;

  TcConsultationRole   role;
  TcConsultationState  state;

  char                *display_name;
  char                *participant_id;
  char                *consultation_id;
  char                *peer_id;
  char                *peer_name;
  char                *invitation_url;
  char                *invitation_code;
  char                *verification_code;
  GListStore          *waiting_room;
  GStrv                stun_uris;
  GStrv                turn_uris;
  gint64               call_started_at;
  gboolean             relay_only;
  guint                max_reconnect_ms;   /* 0: the client's default */
  GPtrArray           *local_addresses;

  /* clinical media (see docs/clinical-media.md) */
  gboolean             clinical_tracks;      /* a station: send exam camera and stethoscope */
  gboolean             still_consent;        /* the patient agreed that stills are kept */
  gboolean             remote_stethoscope_active;
  GPtrArray           *kept_stills;          /* of GBytes, only with consent */
  TcStillReassembler  *still_rx;
  TcStillSender       *still_tx;             /* station: the still being sent */
  char                *still_tx_pending;     /* its message refused for backpressure */
  guint                still_tx_source;
  GCancellable        *still_cancellable;
};

G_DEFINE_TYPE (TcConsultation, tc_consultation, G_TYPE_OBJECT)

G_DEFINE_QUARK (tc-consultation-error-quark, tc_consultation_error)

static void stop_call (TcConsultation *self);
static void on_clinical_message (TcCallSession *call, const char *text, TcConsultation *self);
static void stop_still_sending (TcConsultation *self);

static void
set_state (TcConsultation      *self,
           TcConsultationState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_debug ("state %d", state);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

static void
set_string (TcConsultation  *self,
            char           **field,
            const char      *value,
            guint            prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static void
fail (TcConsultation *self,
      const GError   *error)
{
  /* A handler may drop the last reference to us while we still emit. */
  g_autoptr(TcConsultation) hold = g_object_ref (self);

  g_message ("consultation failed: %s", error->message);
  stop_call (self);
  set_state (self, TC_CONSULTATION_STATE_FAILED);
  g_signal_emit (self, signals[FAILED], 0, error);
}

/* ---- the call ------------------------------------------------------------ */

static void
on_local_description (TcCallSession  *call,
                      const char     *type,
                      const char     *sdp,
                      TcConsultation *self)
{
  if (self->peer_id != NULL)
    tc_signaling_client_send_sdp (self->client, self->peer_id, type, sdp);
}

static void
on_local_candidate (TcCallSession  *call,
                    const char     *sdp_mid,
                    int             sdp_mline_index,
                    const char     *candidate,
                    TcConsultation *self)
{
  if (self->peer_id != NULL)
    tc_signaling_client_send_ice (self->client, self->peer_id, candidate, sdp_mid, sdp_mline_index);
}

static void
on_call_state (TcCallSession  *call,
               GParamSpec     *pspec,
               TcConsultation *self)
{
  TcCallState call_state = tc_call_session_get_state (call);

  if (call_state == TC_CALL_STATE_CONNECTED)
    {
      if (self->call_started_at == 0)
        {
          self->call_started_at = g_get_monotonic_time ();
          g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CALL_STARTED_AT]);
        }
      if (self->state == TC_CONSULTATION_STATE_RECONNECTING)
        set_state (self, TC_CONSULTATION_STATE_IN_CALL);
    }
  else if (call_state == TC_CALL_STATE_RECONNECTING && self->state == TC_CONSULTATION_STATE_IN_CALL)
    set_state (self, TC_CONSULTATION_STATE_RECONNECTING);
}

static void
on_verification_code (TcCallSession  *call,
                      GParamSpec     *pspec,
                      TcConsultation *self)
{
  set_string (self, &self->verification_code, tc_call_session_get_verification_code (call),
              PROP_VERIFICATION_CODE);
}

static void start_call (TcConsultation *self);

static gboolean
restart_call_idle (gpointer data)
{
  TcConsultation *self = data;

  if (self->state == TC_CONSULTATION_STATE_IN_CALL || self->state == TC_CONSULTATION_STATE_RECONNECTING)
    {
      stop_call (self);
      set_state (self, TC_CONSULTATION_STATE_RECONNECTING);
      /* Only the offerer rebuilds now; the patient rebuilds when the new offer arrives. */
      if (self->role == TC_CONSULTATION_ROLE_PRACTITIONER)
        start_call (self);
    }
  return G_SOURCE_REMOVE;
}

static void
on_rebuild_needed (TcCallSession  *call,
                   TcConsultation *self)
{
  g_message ("media connection lost: rebuilding the peer connection");
  /* Not from inside the session's own signal emission: it is about to be disposed. */
  g_idle_add_full (G_PRIORITY_DEFAULT, restart_call_idle, g_object_ref (self), g_object_unref);
}

static void
stop_call (TcConsultation *self)
{
  if (self->call == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->call, self);
  stop_still_sending (self);
  if (self->readings != NULL)
    tc_reading_link_attach (self->readings, NULL);
  tc_call_session_stop (self->call);
  g_clear_object (&self->call);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CALL_SESSION]);
  g_signal_emit (self, signals[CALL_SESSION_CHANGED], 0);
}

static gboolean
create_call (TcConsultation *self,
             TcCallRole      call_role,
             GError        **error)
{
  g_assert (self->call == NULL);

  self->call = tc_call_session_new (self->factory, call_role);
  tc_call_session_set_ice_servers (self->call,
                                   (const char *const *) self->stun_uris,
                                   (const char *const *) self->turn_uris);
  g_object_set (self->call, "relay-only", self->relay_only, NULL);
  for (guint i = 0; i < self->local_addresses->len; i++)
    tc_call_session_add_local_address (self->call, g_ptr_array_index (self->local_addresses, i));
  g_signal_connect_object (self->call, "local-description", G_CALLBACK (on_local_description), self, 0);
  g_signal_connect_object (self->call, "local-candidate", G_CALLBACK (on_local_candidate), self, 0);
  g_signal_connect_object (self->call, "notify::state", G_CALLBACK (on_call_state), self, 0);
  g_signal_connect_object (self->call, "notify::verification-code", G_CALLBACK (on_verification_code), self, 0);
  g_signal_connect_object (self->call, "rebuild-needed", G_CALLBACK (on_rebuild_needed), self, 0);
  /* Clinical tracks are negotiated in the first offer or never (no renegotiation). */
  if (self->clinical_tracks)
    tc_call_session_set_clinical_tracks (self->call, TRUE);
  else if (call_role == TC_CALL_ROLE_OFFERER)
    g_object_set (self->call, "clinical-receive", TRUE, NULL);
  g_signal_connect_object (self->call, "data-message", G_CALLBACK (on_clinical_message), self, 0);
  if (self->readings != NULL)
    tc_reading_link_attach (self->readings, self->call);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CALL_SESSION]);
  g_signal_emit (self, signals[CALL_SESSION_CHANGED], 0);

  return tc_call_session_start (self->call, error);
}

static void
start_call (TcConsultation *self)
{
  g_autoptr(GError) error = NULL;

  if (!create_call (self, TC_CALL_ROLE_OFFERER, &error))
    fail (self, error);
}

/* ---- signalling messages --------------------------------------------------- */

static void
handle_waiting_room (TcConsultation *self,
                     JsonObject     *msg)
{
  JsonArray *entries = json_object_get_array_member (msg, "entries");
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);

      g_ptr_array_add (items, tc_waiting_entry_new (
          json_object_get_string_member_with_default (e, "participant_id", ""),
          json_object_get_string_member_with_default (e, "display_name", ""),
          json_object_get_string_member_with_default (e, "role", "patient"),
          json_object_get_int_member_with_default (e, "waiting_since", 0)));
    }

  g_list_store_splice (self->waiting_room, 0, g_list_model_get_n_items (G_LIST_MODEL (self->waiting_room)),
                       items->pdata, items->len);
}

static void
handle_admitted (TcConsultation *self,
                 JsonObject     *msg)
{
  JsonObject *peer = json_object_get_object_member (msg, "peer");
  JsonArray *ice = json_object_get_array_member (msg, "ice_servers");
  guint skipped;

  g_clear_pointer (&self->stun_uris, g_strfreev);
  g_clear_pointer (&self->turn_uris, g_strfreev);
  skipped = tc_ice_servers_to_uris (ice, &self->stun_uris, &self->turn_uris);
  if (skipped > 0)
    g_message ("%u ICE server entries could not be used", skipped);

  g_free (self->peer_id);
  self->peer_id = g_strdup (json_object_get_string_member_with_default (peer, "participant_id", NULL));
  set_string (self, &self->peer_name, json_object_get_string_member_with_default (peer, "display_name", NULL),
              PROP_PEER_NAME);

  stop_call (self);
  set_state (self, TC_CONSULTATION_STATE_IN_CALL);
  if (self->role == TC_CONSULTATION_ROLE_PRACTITIONER)
    start_call (self);
}

static void
handle_sdp (TcConsultation *self,
            JsonObject     *msg)
{
  JsonObject *desc = json_object_get_object_member (msg, "description");
  const char *type = json_object_get_string_member (desc, "type");
  const char *sdp = json_object_get_string_member (desc, "sdp");
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (json_object_get_string_member_with_default (msg, "from", NULL), self->peer_id) != 0)
    return;

  if (g_strcmp0 (type, "offer") == 0)
    {
      if (self->role == TC_CONSULTATION_ROLE_PRACTITIONER)
        return; /* the practitioner is always the offerer */
      /* A new offer means the practitioner rebuilt the call: follow with a fresh session. */
      stop_call (self);
      if (!create_call (self, TC_CALL_ROLE_ANSWERER, &error))
        {
          fail (self, error);
          return;
        }
    }

  if (self->call == NULL)
    return;
  if (!tc_call_session_set_remote_description (self->call, type, sdp, &error))
    g_message ("remote description refused: %s", error->message);
}

static void
handle_ice (TcConsultation *self,
            JsonObject     *msg)
{
  JsonObject *cand = json_object_get_object_member (msg, "candidate");
  g_autoptr(GError) error = NULL;

  if (self->call == NULL
      || g_strcmp0 (json_object_get_string_member_with_default (msg, "from", NULL), self->peer_id) != 0)
    return;

  if (!tc_call_session_add_remote_candidate (self->call,
                                             json_object_get_string_member_with_default (cand, "sdpMid", NULL),
                                             (int) json_object_get_int_member_with_default (cand, "sdpMLineIndex", -1),
                                             json_object_get_string_member_with_default (cand, "candidate", ""),
                                             &error))
    g_message ("remote candidate refused: %s", error->message);
}

static void
handle_chat (TcConsultation *self,
             JsonObject     *msg)
{
  const char *from = json_object_get_string_member_with_default (msg, "from", "");

  g_signal_emit (self, signals[CHAT_RECEIVED], 0,
                 json_object_get_string_member_with_default (msg, "display_name", ""),
                 json_object_get_string_member_with_default (msg, "text", ""),
                 json_object_get_int_member_with_default (msg, "ts", 0),
                 g_strcmp0 (from, self->participant_id) == 0);
}

static void
handle_presence (TcConsultation *self,
                 JsonObject     *msg)
{
  const char *who = json_object_get_string_member_with_default (msg, "participant_id", "");
  const char *presence = json_object_get_string_member_with_default (msg, "state", "");

  if (g_strcmp0 (who, self->peer_id) != 0)
    return;

  if (g_strcmp0 (presence, "left") == 0)
    {
      stop_call (self);
      g_clear_pointer (&self->peer_id, g_free);
      if (self->role == TC_CONSULTATION_ROLE_PRACTITIONER)
        set_state (self, TC_CONSULTATION_STATE_SIGNED_IN);
      else
        set_state (self, TC_CONSULTATION_STATE_ENDED);
    }
}

static void
handle_consultation (TcConsultation *self,
                     JsonObject     *msg)
{
  JsonObject *inv = json_object_get_object_member (msg, "invitation");

  g_free (self->consultation_id);
  self->consultation_id = g_strdup (json_object_get_string_member (msg, "consultation_id"));
  if (inv != NULL)
    {
      const char *url = json_object_get_string_member_with_default (inv, "url", NULL);
      g_autofree char *pinned = NULL;

      /* LAN mode: the patient's app trusts our self-signed certificate by this. */
      if (url != NULL && self->lan_server != NULL && self->pin != NULL)
        url = pinned = g_strdup_printf ("%s&fp=%s", url, self->pin);
      set_string (self, &self->invitation_url, url, PROP_INVITATION_URL);
      set_string (self, &self->invitation_code, json_object_get_string_member_with_default (inv, "code", NULL),
                  PROP_INVITATION_CODE);
    }
}

static void
on_message (TcSignalingClient *client,
            const char        *type,
            JsonObject        *msg,
            TcConsultation    *self)
{
  TcMessageType mtype;

  if (!tc_message_type_from_string (type, &mtype))
    return;

  switch (mtype)
    {
    case TC_MESSAGE_CONSULTATION:
      handle_consultation (self, msg);
      break;
    case TC_MESSAGE_WAITING_ROOM:
      handle_waiting_room (self, msg);
      break;
    case TC_MESSAGE_WAITING:
      if (self->state == TC_CONSULTATION_STATE_CONNECTING)
        set_state (self, TC_CONSULTATION_STATE_WAITING);
      break;
    case TC_MESSAGE_ADMITTED:
      handle_admitted (self, msg);
      break;
    case TC_MESSAGE_DECLINED:
      {
        g_autoptr(GError) error = g_error_new_literal (TC_CONSULTATION_ERROR, TC_CONSULTATION_ERROR_DECLINED,
                                                       _("Your practitioner cannot see you right now. "
                                                         "You may try again later with the same link."));
        fail (self, error);
      }
      break;
    case TC_MESSAGE_CONSULTATION_ENDED:
      stop_call (self);
      set_state (self, TC_CONSULTATION_STATE_ENDED);
      break;
    case TC_MESSAGE_SDP:
      handle_sdp (self, msg);
      break;
    case TC_MESSAGE_ICE:
      handle_ice (self, msg);
      break;
    case TC_MESSAGE_CHAT:
      handle_chat (self, msg);
      break;
    case TC_MESSAGE_PRESENCE:
      handle_presence (self, msg);
      break;
    case TC_MESSAGE_ERROR:
      g_message ("server error: %s", json_object_get_string_member_with_default (msg, "code", "?"));
      break;
    default:
      break;
    }
}

static void
on_client_state (TcSignalingClient *client,
                 GParamSpec        *pspec,
                 TcConsultation    *self)
{
  TcSignalingState sstate = tc_signaling_client_get_state (client);

  if (sstate == TC_SIGNALING_STATE_RECONNECTING && self->state == TC_CONSULTATION_STATE_WAITING)
    return; /* the waiting screen stays calm: the client resumes by itself */

  if (sstate == TC_SIGNALING_STATE_CLOSED
      && self->state != TC_CONSULTATION_STATE_ENDED
      && self->state != TC_CONSULTATION_STATE_FAILED
      && self->state != TC_CONSULTATION_STATE_IDLE)
    {
      /* Closed without an error: the consultation ended normally (the server may close
       * before we have handled its consultation-ended). */
      if (tc_signaling_client_get_close_error (client) == NULL)
        {
          stop_call (self);
          set_state (self, TC_CONSULTATION_STATE_ENDED);
          return;
        }
    }
  if (sstate == TC_SIGNALING_STATE_CLOSED
      && self->state != TC_CONSULTATION_STATE_ENDED
      && self->state != TC_CONSULTATION_STATE_FAILED
      && self->state != TC_CONSULTATION_STATE_IDLE)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                                     _("The connection to the consultation was lost and "
                                                       "could not be restored. Please join again."));
      fail (self, error);
    }
}

/* ---- device readings ------------------------------------------------------- */

static void
on_reading_received (TcReadingLink  *link,
                     TcReading      *reading,
                     TcConsultation *self)
{
  g_signal_emit (self, signals[READING_RECEIVED], 0, reading);
}

static void
on_pending_changed (TcReadingLink  *link,
                    TcConsultation *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PENDING_READINGS]);
}

static char *
data_file (const char *name)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "teleconsult", NULL);

  g_mkdir_with_parents (dir, 0700);
  return g_build_filename (dir, name, NULL);
}

/* Readings wait per consultation: rejoining the same consultation after a crash or
 * a cut sends what the practitioner has not acknowledged yet. */
static gboolean
setup_readings (TcConsultation  *self,
                GError         **error)
{
  g_autofree char *path = NULL;

  if (self->readings != NULL)
    return TRUE;

  if (self->role == TC_CONSULTATION_ROLE_PRACTITIONER)
    {
      g_autoptr(TcReadingDedup) dedup = NULL;

      path = data_file ("received-readings.sqlite");
      dedup = tc_reading_dedup_new (path, error);
      if (dedup == NULL)
        return FALSE;
      self->readings = tc_reading_link_new_receiver (dedup);
      g_signal_connect_object (self->readings, "reading-received", G_CALLBACK (on_reading_received), self, 0);
    }
  else
    {
      g_autoptr(TcReadingQueue) queue = NULL;
      g_autofree char *peer = NULL;
      const char *consultation_id = tc_signaling_client_get_consultation_id (self->client);

      if (consultation_id == NULL)
        return TRUE;
      path = data_file ("readings.sqlite");
      queue = tc_reading_queue_new (path, error);
      if (queue == NULL)
        return FALSE;
      /* The server chooses consultation ids: bind the key to the server too, so another
       * server reusing an id can never be handed this one's readings. */
      peer = g_strdup_printf ("%s#%s", tc_signaling_client_get_url (self->client), consultation_id);
      self->readings = tc_reading_link_new_sender (queue, peer);
      g_signal_connect_object (self->readings, "pending-changed", G_CALLBACK (on_pending_changed), self, 0);
    }
  return TRUE;
}

gboolean
tc_consultation_submit_reading (TcConsultation   *self,
                                const TcReading  *reading,
                                GError          **error)
{
  g_return_val_if_fail (TC_IS_CONSULTATION (self), FALSE);

  if (self->role == TC_CONSULTATION_ROLE_PRACTITIONER || self->readings == NULL)
    {
      g_set_error_literal (error, TC_CONSULTATION_ERROR, TC_CONSULTATION_ERROR_WRONG_STATE,
                           _("Readings can be sent once you have joined a consultation."));
      return FALSE;
    }
  return tc_reading_link_submit (self->readings, reading, error);
}

guint
tc_consultation_get_pending_readings (TcConsultation *self)
{
  g_return_val_if_fail (TC_IS_CONSULTATION (self), 0);
  return self->readings != NULL ? tc_reading_link_get_pending (self->readings) : 0;
}

/* ---- connecting ------------------------------------------------------------ */

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TcConsultation *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!tc_signaling_client_connect_finish (TC_SIGNALING_CLIENT (source), result, &error))
    {
      set_state (self, TC_CONSULTATION_STATE_FAILED);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_free (self->participant_id);
  self->participant_id = g_strdup (tc_signaling_client_get_participant_id (self->client));
  set_string (self, &self->display_name, tc_signaling_client_get_display_name (self->client),
              PROP_DISPLAY_NAME);

  if (!setup_readings (self, &error))
    {
      /* Calls work without it; the reading panel shows why readings cannot be kept. */
      g_message ("device readings unavailable: %s", error->message);
      g_clear_error (&error);
    }

  /* The DTLS certificate and codecs cost 100–300 ms: pay it while nobody waits on it. */
  tc_call_session_prepare ();

  if (self->role == TC_CONSULTATION_ROLE_PRACTITIONER)
    set_state (self, TC_CONSULTATION_STATE_SIGNED_IN);
  else if (self->state == TC_CONSULTATION_STATE_CONNECTING)
    set_state (self, TC_CONSULTATION_STATE_WAITING);

  g_task_return_boolean (task, TRUE);
}

static void
connect_client (TcConsultation      *self,
                const char          *url,
                JsonObject          *auth,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data,
                gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);

  if (self->client != NULL)
    {
      g_task_return_new_error (task, TC_CONSULTATION_ERROR, TC_CONSULTATION_ERROR_WRONG_STATE,
                               "already connected");
      g_object_unref (task);
      return;
    }

  self->client = tc_signaling_client_new (url);
  if (self->pin != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!tc_signaling_client_pin_certificate (self->client, self->pin, &error))
        g_message ("ignoring a malformed certificate fingerprint: %s", error->message);
    }
  if (self->max_reconnect_ms > 0)
    tc_signaling_client_set_reconnect_delays (self->client, MIN (500, self->max_reconnect_ms),
                                              self->max_reconnect_ms);
  g_signal_connect_object (self->client, "message", G_CALLBACK (on_message), self, 0);
  g_signal_connect_object (self->client, "notify::state", G_CALLBACK (on_client_state), self, 0);
  set_state (self, TC_CONSULTATION_STATE_CONNECTING);
  tc_signaling_client_connect_async (self->client, auth, cancellable, on_connected, task);
}

void
tc_consultation_sign_in_async (TcConsultation      *self,
                               const char          *server_url,
                               const char          *username,
                               const char          *password,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(JsonObject) auth = json_object_new ();

  g_return_if_fail (TC_IS_CONSULTATION (self));

  self->role = TC_CONSULTATION_ROLE_PRACTITIONER;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ROLE]);
  json_object_set_string_member (auth, "method", "password");
  json_object_set_string_member (auth, "username", username);
  json_object_set_string_member (auth, "password", password);
  connect_client (self, server_url, auth, cancellable, callback, user_data, tc_consultation_sign_in_async);
}

gboolean
tc_consultation_sign_in_finish (TcConsultation  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tc_consultation_join_async (TcConsultation      *self,
                            const char          *invitation,
                            const char          *display_name,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(JsonObject) auth = NULL;
  g_autofree char *server_url = NULL;
  g_autofree char *token = NULL;
  GError *error = NULL;

  g_return_if_fail (TC_IS_CONSULTATION (self));

  g_clear_pointer (&self->pin, g_free);
  if (!tc_invitation_parse (invitation, &server_url, &token, &self->pin, &error))
    {
      g_task_report_error (self, callback, user_data, tc_consultation_join_async, error);
      return;
    }

  self->role = TC_CONSULTATION_ROLE_PATIENT;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ROLE]);
  auth = json_object_new ();
  json_object_set_string_member (auth, "method", "invitation");
  json_object_set_string_member (auth, "token", token);
  json_object_set_string_member (auth, "display_name", display_name);
  connect_client (self, server_url, auth, cancellable, callback, user_data, tc_consultation_join_async);
}

gboolean
tc_consultation_join_finish (TcConsultation  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_consultation_created (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TcConsultation *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;

  reply = tc_signaling_client_create_consultation_finish (TC_SIGNALING_CLIENT (source), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  handle_consultation (self, reply);
  g_task_return_boolean (task, TRUE);
}

void
tc_consultation_join_kiosk_async (TcConsultation      *self,
                                  const char          *server_url,
                                  const char          *device_token,
                                  const char          *display_name,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(JsonObject) auth = json_object_new ();

  g_return_if_fail (TC_IS_CONSULTATION (self));

  self->role = TC_CONSULTATION_ROLE_KIOSK;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ROLE]);
  json_object_set_string_member (auth, "method", "kiosk");
  json_object_set_string_member (auth, "token", device_token);
  json_object_set_string_member (auth, "display_name", display_name);
  connect_client (self, server_url, auth, cancellable, callback, user_data, tc_consultation_join_kiosk_async);
}

gboolean
tc_consultation_join_kiosk_finish (TcConsultation  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gint64
tc_consultation_get_next_scheduled_at (TcConsultation *self)
{
  g_return_val_if_fail (TC_IS_CONSULTATION (self), 0);
  return self->client != NULL ? tc_signaling_client_get_next_scheduled_at (self->client) : 0;
}

void
tc_consultation_set_lan_address (TcConsultation *self,
                                 const char     *address)
{
  g_return_if_fail (TC_IS_CONSULTATION (self));
  g_free (self->lan_address);
  self->lan_address = g_strdup (address);
}

void
tc_consultation_create_async (TcConsultation      *self,
                              const char          *title,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tc_consultation_create_async);
  if (self->role != TC_CONSULTATION_ROLE_PRACTITIONER || self->state != TC_CONSULTATION_STATE_SIGNED_IN)
    {
      g_task_return_new_error (task, TC_CONSULTATION_ERROR, TC_CONSULTATION_ERROR_WRONG_STATE,
                               "sign in before creating a consultation");
      return;
    }

  tc_signaling_client_create_consultation_async (self->client, title, NULL, 0, cancellable,
                                                 on_consultation_created, g_steal_pointer (&task));
}

gboolean
tc_consultation_create_finish (TcConsultation  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
send_participant_action (TcConsultation *self,
                         TcMessageType   type,
                         const char     *participant_id,
                         const char     *reason)
{
  g_return_if_fail (self->role == TC_CONSULTATION_ROLE_PRACTITIONER && self->consultation_id != NULL);

  if (type == TC_MESSAGE_ADMIT)
    tc_signaling_client_admit (self->client, self->consultation_id, participant_id);
  else
    tc_signaling_client_decline (self->client, self->consultation_id, participant_id, reason);
}

void
tc_consultation_admit (TcConsultation *self,
                       const char     *participant_id)
{
  g_return_if_fail (TC_IS_CONSULTATION (self));
  send_participant_action (self, TC_MESSAGE_ADMIT, participant_id, NULL);
}

void
tc_consultation_decline (TcConsultation *self,
                         const char     *participant_id,
                         const char     *reason)
{
  g_return_if_fail (TC_IS_CONSULTATION (self));
  send_participant_action (self, TC_MESSAGE_DECLINE, participant_id, reason);
}

void
tc_consultation_hang_up (TcConsultation *self)
{
  g_return_if_fail (TC_IS_CONSULTATION (self));

  stop_call (self);
  if (self->client != NULL)
    {
      if (self->role == TC_CONSULTATION_ROLE_PRACTITIONER && self->consultation_id != NULL)
        tc_signaling_client_end (self->client, self->consultation_id);
      else
        tc_signaling_client_close (self->client);
    }
  set_state (self, TC_CONSULTATION_STATE_ENDED);
}

gboolean
tc_consultation_send_chat (TcConsultation  *self,
                           const char      *text,
                           GError         **error)
{
  g_return_val_if_fail (TC_IS_CONSULTATION (self), FALSE);

  if (self->client == NULL
      || (self->state != TC_CONSULTATION_STATE_IN_CALL && self->state != TC_CONSULTATION_STATE_RECONNECTING))
    {
      g_set_error_literal (error, TC_CONSULTATION_ERROR, TC_CONSULTATION_ERROR_WRONG_STATE,
                           _("Messages can be sent once the call has started."));
      return FALSE;
    }
  return tc_signaling_client_send_chat (self->client, text, error);
}


/* ---- LAN mode ---------------------------------------------------------------- */

typedef struct {
  TcStore *store;
  char    *display_name;
  char    *password;
} LanSetup;

static void
lan_setup_free (LanSetup *setup)
{
  g_clear_object (&setup->store);
  g_free (setup->display_name);
  if (setup->password != NULL)
    memset (setup->password, 0, strlen (setup->password));
  g_free (setup->password);
  g_free (setup);
}

/* Worker thread: Argon2id hashing takes a noticeable fraction of a second. The
 * account's password is fresh random each start and never leaves this process. */
static void
lan_prepare_account (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  LanSetup *setup = task_data;
  GError *error = NULL;

  tc_store_remove_practitioner (setup->store, LAN_USERNAME, NULL);
  if (!tc_store_add_practitioner (setup->store, LAN_USERNAME, setup->display_name, setup->password, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_lan_signed_in (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!tc_consultation_sign_in_finish (TC_CONSULTATION (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_lan_account_ready (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TcConsultation *self = g_task_get_source_object (task);
  LanSetup *setup = g_task_get_task_data (task);
  g_autofree char *url = NULL;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->lan_address == NULL)
    {
      /* This computer only: loopback, where plain ws crosses no network. */
      self->lan_server = g_object_new (TC_TYPE_SERVER,
                                       "store", setup->store,
                                       "listen-address", "127.0.0.1",
                                       NULL);
    }
  else
    {
      /* Other computers: TLS always, with our own certificate pinned by the link. */
      g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "teleconsult", NULL);
      g_autofree char *cert = NULL;
      g_autofree char *key = NULL;

      g_clear_pointer (&self->pin, g_free);
      if (!tc_lan_certificate_ensure (dir, &cert, &key, &self->pin, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      self->lan_server = g_object_new (TC_TYPE_SERVER,
                                       "store", setup->store,
                                       "listen-address", self->lan_address,
                                       "tls-certificate-file", cert,
                                       "tls-key-file", key,
                                       NULL);
    }
  if (!tc_server_start (self->lan_server, &error))
    {
      g_clear_object (&self->lan_server);
      g_task_return_error (task, error);
      return;
    }
  url = tc_server_get_url (self->lan_server);
  /* Invitation links name the address patients reach, with the bound port. */
  g_object_set (self->lan_server, "public-url", url, NULL);
  tc_consultation_sign_in_async (self, url, LAN_USERNAME, setup->password,
                                 g_task_get_cancellable (task), on_lan_signed_in, g_object_ref (task));
}

void
tc_consultation_host_lan_async (TcConsultation      *self,
                                const char          *display_name,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) worker = NULL;
  LanSetup *setup;
  GError *error = NULL;

  g_return_if_fail (TC_IS_CONSULTATION (self));
  g_task_set_source_tag (task, tc_consultation_host_lan_async);

  if (self->client != NULL || self->lan_server != NULL)
    {
      g_task_return_new_error (task, TC_CONSULTATION_ERROR, TC_CONSULTATION_ERROR_WRONG_STATE,
                               "already connected");
      return;
    }

  setup = g_new0 (LanSetup, 1);
  setup->display_name = g_strdup (display_name != NULL && *display_name ? display_name : _("Practitioner"));
  setup->password = tc_token_generate ();
  /* In memory, for this process only: the consultations die with the app that hosts
   * them anyway, and two instances must not share (and reset) one account. */
  setup->store = tc_store_open (":memory:", &error);
  if (setup->store == NULL)
    {
      lan_setup_free (setup);
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, setup, (GDestroyNotify) lan_setup_free);

  worker = g_task_new (self, cancellable, on_lan_account_ready, g_steal_pointer (&task));
  g_task_set_task_data (worker, setup, NULL);
  g_task_run_in_thread (worker, lan_prepare_account);
}

gboolean
tc_consultation_host_lan_finish (TcConsultation  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- clinical media: stills and the stethoscope indicator ------------------ */

#define STILL_PUMP_MS 20

static void
send_or_log (TcConsultation *self,
             char           *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *owned = text;

  if (self->call != NULL && !tc_call_session_send_data (self->call, owned, &error))
    g_message ("clinical message not sent: %s", error->message);
}

static void
stop_still_sending (TcConsultation *self)
{
  g_clear_handle_id (&self->still_tx_source, g_source_remove);
  g_clear_pointer (&self->still_tx, tc_still_sender_free);
  g_clear_pointer (&self->still_tx_pending, g_free);
  g_cancellable_cancel (self->still_cancellable);
  g_clear_object (&self->still_cancellable);
  g_clear_pointer (&self->still_rx, tc_still_reassembler_free);
}

/* Sends what the channel takes now; the rest waits for the next tick (the session refuses
 * more than 1 MiB waiting, and a still can be several). */
static gboolean
pump_still (gpointer data)
{
  TcConsultation *self = data;

  while (self->still_tx != NULL && self->call != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (self->still_tx_pending == NULL)
        self->still_tx_pending = tc_still_sender_next (self->still_tx);
      if (self->still_tx_pending == NULL)
        break;   /* all sent */
      if (!tc_call_session_send_data (self->call, self->still_tx_pending, &error))
        {
          if (g_error_matches (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BACKPRESSURE))
            return G_SOURCE_CONTINUE;
          g_message ("still not sent: %s", error->message);
          break;
        }
      g_clear_pointer (&self->still_tx_pending, g_free);
    }
  self->still_tx_source = 0;
  g_clear_pointer (&self->still_tx, tc_still_sender_free);
  g_clear_pointer (&self->still_tx_pending, g_free);
  return G_SOURCE_REMOVE;
}

typedef struct {
  TcConsultation *self;
  char *id;
} StillRequest;

static void
on_still_taken (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  StillRequest *req = user_data;
  g_autoptr(TcConsultation) self = req->self;
  g_autofree char *id = req->id;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) image = tc_call_session_take_still_finish (TC_CALL_SESSION (source), result, &error);

  g_free (req);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || TC_CALL_SESSION (source) != self->call)
    return;
  if (image == NULL)
    {
      g_message ("still not taken: %s", error->message);
      send_or_log (self, tc_still_nack_message (id, "no-picture"));
      return;
    }
  stop_still_sending (self);
  self->still_tx = tc_still_sender_new (id, "image/png", image, TC_STILL_DEFAULT_MAX_SIZE, &error);
  if (self->still_tx == NULL)
    {
      send_or_log (self, tc_still_nack_message (id, tc_still_error_to_reason (error)));
      return;
    }
  if (pump_still (self) == G_SOURCE_CONTINUE)
    self->still_tx_source = g_timeout_add (STILL_PUMP_MS, pump_still, self);
}

static void
handle_still_message (TcConsultation *self,
                      TcStillMessage *m)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) image = NULL;
  g_autofree char *mime = NULL;

  switch (m->type)
    {
    case TC_STILL_MESSAGE_REQUEST:
      if (!self->clinical_tracks)
        {
          send_or_log (self, tc_still_nack_message (m->id, "no-camera"));
          return;
        }
      {
        StillRequest *req = g_new0 (StillRequest, 1);

        req->self = g_object_ref (self);
        req->id = g_strdup (m->id);
        g_clear_object (&self->still_cancellable);
        self->still_cancellable = g_cancellable_new ();
        tc_call_session_take_still_async (self->call, FALSE, self->still_cancellable, on_still_taken, req);
      }
      return;

    case TC_STILL_MESSAGE_BEGIN:
    case TC_STILL_MESSAGE_CHUNK:
    case TC_STILL_MESSAGE_END:
      if (self->still_rx == NULL)
        self->still_rx = tc_still_reassembler_new (TC_STILL_DEFAULT_MAX_SIZE);
      if (!tc_still_reassembler_feed (self->still_rx, m, &image, &mime, &error))
        {
          g_message ("still refused: %s", error->message);
          send_or_log (self, tc_still_nack_message (m->id, tc_still_error_to_reason (error)));
          return;
        }
      if (image == NULL)
        return;
      send_or_log (self, tc_still_ack_message (m->id));
      /* Shown either way; kept with the consultation only with the patient's consent. */
      if (self->still_consent)
        g_ptr_array_add (self->kept_stills, g_bytes_ref (image));
      g_signal_emit (self, signals[STILL_RECEIVED], 0, image, mime, self->still_consent);
      return;

    case TC_STILL_MESSAGE_ACK:
    case TC_STILL_MESSAGE_NACK:
    default:
      g_debug ("still %s: %s", m->type == TC_STILL_MESSAGE_ACK ? "acknowledged" : "refused",
               m->reason != NULL ? m->reason : "");
      return;
    }
}

static void
handle_stethoscope_notice (TcConsultation *self,
                           const char     *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *o;
  JsonNode *active;

  if (strlen (text) > 256 || !json_parser_load_from_data (parser, text, -1, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  o = json_node_get_object (root);
  if (g_strcmp0 (json_object_get_string_member_with_default (o, "type", ""), "stethoscope") != 0)
    return;
  active = json_object_get_member (o, "active");
  if (active == NULL || !JSON_NODE_HOLDS_VALUE (active) || json_node_get_value_type (active) != G_TYPE_BOOLEAN)
    return;
  if (self->remote_stethoscope_active == json_node_get_boolean (active))
    return;
  self->remote_stethoscope_active = json_node_get_boolean (active);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_REMOTE_STETHOSCOPE_ACTIVE]);
}

static void
on_clinical_message (TcCallSession  *call,
                     const char     *text,
                     TcConsultation *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TcStillMessage) m = NULL;

  /* Cheap filter: other owners of the channel (readings, chat) have their own types. */
  if (strstr (text, "\"still-") == NULL && strstr (text, "\"stethoscope\"") == NULL)
    return;
  m = tc_still_message_parse (text, &error);
  if (m != NULL)
    handle_still_message (self, m);
  else if (g_error_matches (error, TC_STILL_ERROR, TC_STILL_ERROR_NOT_STILL))
    handle_stethoscope_notice (self, text);
  else
    g_message ("bad still message: %s", error->message);
}

void
tc_consultation_set_clinical_tracks (TcConsultation *self,
                                     gboolean        clinical)
{
  g_return_if_fail (TC_IS_CONSULTATION (self));
  self->clinical_tracks = !!clinical;
}

gboolean
tc_consultation_request_still (TcConsultation  *self,
                               GError         **error)
{
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (TC_IS_CONSULTATION (self), FALSE);

  if (self->call == NULL)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_STATE, _("There is no call to ask a picture from"));
      return FALSE;
    }
  id = tc_still_new_id ();
  text = tc_still_request_message (id);
  return tc_call_session_send_data (self->call, text, error);
}

void
tc_consultation_set_still_consent (TcConsultation *self,
                                   gboolean        consent)
{
  g_return_if_fail (TC_IS_CONSULTATION (self));

  consent = !!consent;
  if (self->still_consent == consent)
    return;
  self->still_consent = consent;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STILL_CONSENT]);
}

gboolean
tc_consultation_get_still_consent (TcConsultation *self)
{
  g_return_val_if_fail (TC_IS_CONSULTATION (self), FALSE);
  return self->still_consent;
}

GPtrArray *
tc_consultation_get_kept_stills (TcConsultation *self)
{
  g_return_val_if_fail (TC_IS_CONSULTATION (self), NULL);
  return self->kept_stills;
}

void
tc_consultation_set_stethoscope_active (TcConsultation *self,
                                        gboolean        active)
{
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_if_fail (TC_IS_CONSULTATION (self));

  if (self->call == NULL || !tc_call_session_get_clinical_tracks (self->call))
    return;
  active = !!active;
  if (tc_call_session_get_stethoscope_active (self->call) == active)
    return;
  tc_call_session_set_stethoscope_active (self->call, active);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "stethoscope");
  json_builder_set_member_name (b, "active");
  json_builder_add_boolean_value (b, active);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  send_or_log (self, json_to_string (root, FALSE));
}

gboolean
tc_consultation_get_remote_stethoscope_active (TcConsultation *self)
{
  g_return_val_if_fail (TC_IS_CONSULTATION (self), FALSE);
  return self->remote_stethoscope_active;
}

/* ---- GObject --------------------------------------------------------------- */

static void
tc_consultation_dispose (GObject *object)
{
  TcConsultation *self = TC_CONSULTATION (object);

  stop_call (self);
  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      tc_signaling_client_close (self->client);
      g_clear_object (&self->client);
    }
  g_clear_object (&self->readings);
  g_clear_pointer (&self->kept_stills, g_ptr_array_unref);
  /* The embedded server goes last: the client above has just said goodbye to it. */
  g_clear_object (&self->lan_server);
  g_clear_object (&self->factory);
  g_clear_object (&self->waiting_room);

  G_OBJECT_CLASS (tc_consultation_parent_class)->dispose (object);
}

static void
tc_consultation_finalize (GObject *object)
{
  TcConsultation *self = TC_CONSULTATION (object);

  g_free (self->display_name);
  g_free (self->participant_id);
  g_free (self->consultation_id);
  g_free (self->peer_id);
  g_free (self->peer_name);
  g_free (self->invitation_url);
  g_free (self->invitation_code);
  g_free (self->verification_code);
  g_strfreev (self->stun_uris);
  g_strfreev (self->turn_uris);
  g_ptr_array_unref (self->local_addresses);
  g_free (self->lan_address);
  g_free (self->pin);

  G_OBJECT_CLASS (tc_consultation_parent_class)->finalize (object);
}

static void
tc_consultation_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TcConsultation *self = TC_CONSULTATION (object);

  switch (prop_id)
    {
    case PROP_ROLE:
      g_value_set_int (value, self->role);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_PEER_NAME:
      g_value_set_string (value, self->peer_name);
      break;
    case PROP_INVITATION_URL:
      g_value_set_string (value, self->invitation_url);
      break;
    case PROP_INVITATION_CODE:
      g_value_set_string (value, self->invitation_code);
      break;
    case PROP_WAITING_ROOM:
      g_value_set_object (value, self->waiting_room);
      break;
    case PROP_CALL_SESSION:
      g_value_set_object (value, self->call);
      break;
    case PROP_VERIFICATION_CODE:
      g_value_set_string (value, self->verification_code);
      break;
    case PROP_CALL_STARTED_AT:
      g_value_set_int64 (value, self->call_started_at);
      break;
    case PROP_MEDIA_FACTORY:
      g_value_set_object (value, self->factory);
      break;
    case PROP_PENDING_READINGS:
      g_value_set_uint (value, tc_consultation_get_pending_readings (self));
      break;
    case PROP_STILL_CONSENT:
      g_value_set_boolean (value, self->still_consent);
      break;
    case PROP_REMOTE_STETHOSCOPE_ACTIVE:
      g_value_set_boolean (value, self->remote_stethoscope_active);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_consultation_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TcConsultation *self = TC_CONSULTATION (object);

  switch (prop_id)
    {
    case PROP_STILL_CONSENT:
      tc_consultation_set_still_consent (self, g_value_get_boolean (value));
      break;
    case PROP_MEDIA_FACTORY:
      self->factory = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_consultation_class_init (TcConsultationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = tc_consultation_dispose;
  object_class->finalize = tc_consultation_finalize;
  object_class->get_property = tc_consultation_get_property;
  object_class->set_property = tc_consultation_set_property;

  /* Enums are exposed as ints: no glib-mkenums step for two small enums. */
  props[PROP_ROLE] = g_param_spec_int ("role", NULL, NULL, 0, TC_CONSULTATION_ROLE_KIOSK, 0, ro);
  props[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, 0, TC_CONSULTATION_STATE_FAILED, 0, ro);
  props[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, ro);
  props[PROP_PEER_NAME] = g_param_spec_string ("peer-name", NULL, NULL, NULL, ro);
  props[PROP_INVITATION_URL] = g_param_spec_string ("invitation-url", NULL, NULL, NULL, ro);
  props[PROP_INVITATION_CODE] = g_param_spec_string ("invitation-code", NULL, NULL, NULL, ro);
  props[PROP_WAITING_ROOM] = g_param_spec_object ("waiting-room", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  props[PROP_CALL_SESSION] = g_param_spec_object ("call-session", NULL, NULL, TC_TYPE_CALL_SESSION, ro);
  props[PROP_VERIFICATION_CODE] = g_param_spec_string ("verification-code", NULL, NULL, NULL, ro);
  props[PROP_CALL_STARTED_AT] = g_param_spec_int64 ("call-started-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  props[PROP_MEDIA_FACTORY] = g_param_spec_object ("media-factory", NULL, NULL, TC_TYPE_MEDIA_FACTORY,
                                                   G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                                   G_PARAM_STATIC_STRINGS);
  props[PROP_STILL_CONSENT] = g_param_spec_boolean ("still-consent", NULL, NULL, FALSE,
                                                    G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                    G_PARAM_STATIC_STRINGS);
  props[PROP_REMOTE_STETHOSCOPE_ACTIVE] = g_param_spec_boolean ("remote-stethoscope-active", NULL, NULL,
                                                                FALSE, ro);
  props[PROP_PENDING_READINGS] = g_param_spec_uint ("pending-readings", NULL, NULL, 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[STILL_RECEIVED] = g_signal_new ("still-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                          G_TYPE_BYTES, G_TYPE_STRING, G_TYPE_BOOLEAN);
  signals[CHAT_RECEIVED] = g_signal_new ("chat-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                                         G_TYPE_STRING, G_TYPE_STRING, G_TYPE_INT64, G_TYPE_BOOLEAN);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[READING_RECEIVED] = g_signal_new ("reading-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                            TC_TYPE_READING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[CALL_SESSION_CHANGED] = g_signal_new ("call-session-changed", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tc_consultation_init (TcConsultation *self)
{
  self->waiting_room = g_list_store_new (TC_TYPE_WAITING_ENTRY);
  self->local_addresses = g_ptr_array_new_with_free_func (g_free);
  self->kept_stills = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}

TcConsultation *
tc_consultation_new (TcMediaFactory *factory)
{
  g_return_val_if_fail (TC_IS_MEDIA_FACTORY (factory), NULL);
  return g_object_new (TC_TYPE_CONSULTATION, "media-factory", factory, NULL);
}

void
tc_consultation_set_relay_only (TcConsultation *self,
                                gboolean        relay_only)
{
  g_return_if_fail (TC_IS_CONSULTATION (self));
  self->relay_only = !!relay_only;
}

void
tc_consultation_set_max_reconnect_delay (TcConsultation *self,
                                         guint           max_ms)
{
  g_return_if_fail (TC_IS_CONSULTATION (self));
  self->max_reconnect_ms = max_ms;
}

void
tc_consultation_add_local_address (TcConsultation *self,
                                   const char     *address)
{
  g_return_if_fail (TC_IS_CONSULTATION (self));
  g_ptr_array_add (self->local_addresses, g_strdup (address));
}

TcConsultationRole
tc_consultation_get_role (TcConsultation *self)
{
  g_return_val_if_fail (TC_IS_CONSULTATION (self), 0);
  return self->role;
}

TcConsultationState
tc_consultation_get_state (TcConsultation *self)
{
  g_return_val_if_fail (TC_IS_CONSULTATION (self), 0);
  return self->state;
}

const char *
tc_consultation_get_display_name (TcConsultation *self)
{
  g_return_val_if_fail (TC_IS_CONSULTATION (self), NULL);
  return self->display_name;
}

const char *
tc_consultation_get_peer_name (TcConsultation *self)
{
  g_return_val_if_fail (TC_IS_CONSULTATION (self), NULL);
  return self->peer_name;
}

const char *
tc_consultation_get_invitation_url (TcConsultation *self)
{
  g_return_val_if_fail (TC_IS_CONSULTATION (self), NULL);
  return self->invitation_url;
}

const char *
tc_consultation_get_invitation_code (TcConsultation *self)
{
  g_return_val_if_fail (TC_IS_CONSULTATION (self), NULL);
  return self->invitation_code;
}

GListModel *
tc_consultation_get_waiting_room (TcConsultation *self)
{
  g_return_val_if_fail (TC_IS_CONSULTATION (self), NULL);
  return G_LIST_MODEL (self->waiting_room);
}

TcCallSession *
tc_consultation_get_call_session (TcConsultation *self)
{
  g_return_val_if_fail (TC_IS_CONSULTATION (self), NULL);
  return self->call;
}

const char *
tc_consultation_get_verification_code (TcConsultation *self)
{
  g_return_val_if_fail (TC_IS_CONSULTATION (self), NULL);
  return self->verification_code;
}

gint64
tc_consultation_get_call_started_at (TcConsultation *self)
{
  g_return_val_if_fail (TC_IS_CONSULTATION (self), 0);
  return self->call_started_at;
}

TcMediaFactory *
tc_consultation_get_media_factory (TcConsultation *self)
{
  g_return_val_if_fail (TC_IS_CONSULTATION (self), NULL);
  return self->factory;
}
