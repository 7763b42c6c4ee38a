/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server side of `hello`: password sign-in (verified off the main loop), patients
 * with an invitation token or short code, kiosks with a device token, and resume with
 * replay. Logs name codes, participant ids and message types only. */
#define G_LOG_DOMAIN "tc-server"

#include "tc-server-private.h"
#include "tc-token.h"

#include <string.h>

#define KIOSK_LEAD_MS (15 * 60 * 1000)
#define CODE_BURST 30.0f
#define CODE_PER_SECOND 0.5f

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static void
set_rid (JsonObject *msg,
         const char *rid)
{
  if (rid != NULL)
    json_object_set_string_member (msg, "rid", rid);
}

/* ---- hello ------------------------------------------------------------------------ */

static void
refuse_hello (TcConnection    *conn,
              TcProtocolError  code,
              const char      *reason,
              const char      *rid)
{
  tc_server_send_error (conn, code, reason, rid);
  tc_server_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, tc_protocol_error_to_string (code));
}

static void
send_welcome (TcServer      *self,
              TcConnection  *conn,
              TcParticipant *p,
              const char    *rid)
{
  g_autoptr(JsonObject) msg = tc_protocol_message_new (TC_MESSAGE_WELCOME);
  g_autofree char *token = NULL;

  /* A fresh resume token at every welcome; the old one stops working. */
  g_hash_table_remove (self->by_resume, p->resume_hash);
  token = tc_participant_new_resume_token (p);
  g_hash_table_insert (self->by_resume, p->resume_hash, p);

  json_object_set_string_member (msg, "participant_id", p->id);
  json_object_set_string_member (msg, "role", tc_role_to_string (p->role));
  json_object_set_string_member (msg, "display_name", p->display_name);
  json_object_set_string_member (msg, "resume_token", token);
  json_object_set_int_member (msg, "server_time", now_ms ());
  if (p->room != NULL)
    json_object_set_string_member (msg, "consultation_id", p->room->consultation_id);
  set_rid (msg, rid);
  tc_server_attach (self, conn, p);
  tc_server_send_raw (conn, msg);
  g_info ("welcome %s (%s)", p->id, tc_role_to_string (p->role));
}

typedef struct {
  TcConnection *conn;
  char         *rid;
} PasswordData;

static void
on_password_verified (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  PasswordData *data = user_data;
  TcConnection *conn = data->conn;
  TcServer *self = conn->server;
  g_autoptr(TcStorePractitioner) account = NULL;
  g_autoptr(GError) error = NULL;
  TcParticipant *p;
  GHashTableIter iter;
  gpointer value;

  account = tc_store_verify_password_finish (TC_STORE (source), result, &error);
  if (conn->state != TC_CONNECTION_AUTHENTICATING)
    goto out; /* the connection went away meanwhile */

  if (account == NULL)
    {
      gboolean bad = g_error_matches (error, TC_STORE_ERROR, TC_STORE_ERROR_BAD_CREDENTIALS);

      g_info ("password sign-in refused (%s)", bad ? "bad-credentials" : "internal");
      refuse_hello (conn, bad ? TC_PROTOCOL_ERROR_BAD_CREDENTIALS : TC_PROTOCOL_ERROR_INTERNAL,
                    bad ? "wrong username or password" : "the server failed", data->rid);
      goto out;
    }

  p = tc_participant_new (TC_ROLE_PRACTITIONER, account->display_name);
  p->practitioner_id = account->id;
  tc_server_register_participant (self, p);
  send_welcome (self, conn, p, data->rid);

  /* Patients may already be waiting in this practitioner's consultations. */
  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TcRoom *room = value;

      if (room->practitioner_id == p->practitioner_id && room->waiting->len > 0)
        {
          g_autoptr(JsonObject) msg = tc_room_waiting_room_message (room);
          tc_server_send (self, p, msg);
        }
    }

out:
  tc_connection_unref (conn);
  g_free (data->rid);
  g_free (data);
}

/* The room of an open consultation, loaded on demand. Sets *code on failure. */
static TcRoom *
load_room (TcServer              *self,
           TcStoreConsultation   *c)
{
  TcRoom *room = g_hash_table_lookup (self->rooms, c->id);

  if (room == NULL)
    {
      room = tc_room_new (c);
      g_hash_table_insert (self->rooms, room->consultation_id, room);
    }
  return room;
}

static void
enqueue (TcServer      *self,
         TcRoom        *room,
         TcParticipant *p)
{
  p->state = TC_PARTICIPANT_WAITING;
  p->waiting_since = now_ms ();
  p->position = 0;
  g_ptr_array_add (room->waiting, p);
  tc_server_waiting_changed (self, room);
}

static gboolean
take_code_token (TcServer *self)
{
  gint64 now = g_get_monotonic_time ();
  float refill = (float) (now - self->code_bucket_at) * CODE_PER_SECOND / (float) G_USEC_PER_SEC;

  self->code_bucket_at = now;
  self->code_tokens = MIN (CODE_BURST, self->code_tokens + refill);
  if (self->code_tokens < 1.0f)
    return FALSE;
  self->code_tokens -= 1.0f;
  return TRUE;
}

static void
hello_invitation (TcServer     *self,
                  TcConnection *conn,
                  JsonObject   *auth,
                  const char   *rid)
{
  const char *token = json_object_get_string_member_with_default (auth, "token", "");
  const char *name = json_object_get_string_member_with_default (auth, "display_name", "");
  g_autoptr(TcStoreInvitation) inv = NULL;
  g_autoptr(TcStoreConsultation) c = NULL;
  g_autofree char *code = NULL;
  guint8 hash[TC_HASH_SIZE];
  TcParticipant *p;
  TcRoom *room;

  if (tc_token_is_well_formed (token))
    {
      tc_token_hash (token, hash);
      inv = tc_store_find_invitation (self->store, hash, NULL);
    }
  else if ((code = tc_token_short_code_normalize (token)) != NULL)
    {
      /* ~40 bits: guessing is only kept impractical by a server-wide limit. */
      if (!take_code_token (self))
        {
          refuse_hello (conn, TC_PROTOCOL_ERROR_RATE_LIMITED, "too many short-code attempts", rid);
          return;
        }
      tc_token_hash (code, hash);
      inv = tc_store_find_invitation_by_code (self->store, hash, NULL);
    }

  if (inv == NULL)
    {
      refuse_hello (conn, TC_PROTOCOL_ERROR_INVALID_TOKEN, "no such invitation", rid);
      return;
    }
  c = tc_store_get_consultation (self->store, inv->consultation_id, NULL);
  if (c == NULL)
    {
      refuse_hello (conn, TC_PROTOCOL_ERROR_INVALID_TOKEN, "no such invitation", rid);
      return;
    }
  if (g_strcmp0 (c->state, "open") != 0)
    {
      refuse_hello (conn, TC_PROTOCOL_ERROR_CONSULTATION_ENDED, "the consultation is over", rid);
      return;
    }
  if (inv->expires_at < now_ms ())
    {
      refuse_hello (conn, TC_PROTOCOL_ERROR_EXPIRED_TOKEN, "the invitation has expired", rid);
      return;
    }

  room = load_room (self, c);
  p = tc_participant_new (TC_ROLE_PATIENT, name);
  p->room = room;
  tc_server_register_participant (self, p);
  send_welcome (self, conn, p, rid);
  enqueue (self, room, p);
}

static void
hello_kiosk (TcServer     *self,
             TcConnection *conn,
             JsonObject   *auth,
             const char   *rid)
{
  const char *token = json_object_get_string_member_with_default (auth, "token", "");
  const char *name = json_object_get_string_member_with_default (auth, "display_name", NULL);
  g_autoptr(TcStoreKiosk) kiosk = NULL;
  g_autoptr(TcStoreConsultation) c = NULL;
  guint8 hash[TC_HASH_SIZE];
  gint64 next_at = 0;
  TcParticipant *p;
  TcRoom *room;

  if (tc_token_is_well_formed (token))
    {
      tc_token_hash (token, hash);
      kiosk = tc_store_find_kiosk_by_token (self->store, hash, NULL);
    }
  if (kiosk == NULL)
    {
      refuse_hello (conn, TC_PROTOCOL_ERROR_INVALID_TOKEN, "no such kiosk", rid);
      return;
    }

  c = tc_store_find_kiosk_consultation (self->store, kiosk->station, now_ms (), KIOSK_LEAD_MS, &next_at, NULL);
  if (c == NULL)
    {
      g_autoptr(JsonObject) msg =
        tc_protocol_error_message_new (TC_PROTOCOL_ERROR_NO_CONSULTATION, "nothing is scheduled now", rid);

      if (next_at > 0)
        json_object_set_int_member (msg, "next_at", next_at);
      tc_server_send_raw (conn, msg);
      tc_server_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "no-consultation");
      return;
    }

  room = load_room (self, c);
  p = tc_participant_new (TC_ROLE_KIOSK, name ? name : kiosk->display_name);
  p->room = room;
  tc_server_register_participant (self, p);
  send_welcome (self, conn, p, rid);
  enqueue (self, room, p);
}

static void
replay_one (const char *text,
            gsize       length,
            gpointer    user_data)
{
  TcConnection *conn = user_data;

  soup_websocket_connection_send_text (conn->ws, text);
}

static void
hello_resume (TcServer     *self,
              TcConnection *conn,
              JsonObject   *auth,
              const char   *rid)
{
  const char *token = json_object_get_string_member_with_default (auth, "token", "");
  gint64 last_seq = json_object_get_int_member_with_default (auth, "last_seq", 0);
  g_autoptr(GPtrArray) rooms = NULL;
  guint8 hash[TC_HASH_SIZE];
  TcParticipant *p = NULL;
  TcTombstone *tomb;

  if (tc_token_is_well_formed (token))
    {
      tc_token_hash (token, hash);
      p = g_hash_table_lookup (self->by_resume, hash);
    }
  if (p == NULL)
    {
      tomb = tc_token_is_well_formed (token) ? g_hash_table_lookup (self->tombstones, hash) : NULL;
      if (tomb != NULL)
        refuse_hello (conn, tomb->code, "the session is over", rid);
      else
        refuse_hello (conn, TC_PROTOCOL_ERROR_INVALID_TOKEN, "no such session", rid);
      return;
    }

  if (p->conn != NULL)
    {
      /* The old socket is not dead yet as far as we know: the new one replaces it. */
      TcConnection *old = p->conn;

      old->participant = NULL;
      p->conn = NULL;
      tc_server_close (old, SOUP_WEBSOCKET_CLOSE_NORMAL, "replaced");
    }
  else
    {
      rooms = tc_server_rooms_of (p);
    }

  send_welcome (self, conn, p, rid);
  g_info ("participant %s resumed after seq %" G_GINT64_FORMAT, p->id, last_seq);
  tc_participant_replay (p, last_seq, replay_one, conn);
  for (guint i = 0; rooms != NULL && i < rooms->len; i++)
    tc_server_presence (self, rooms->pdata[i], p, "back");
}

void
tc_server_handle_hello (TcServer     *self,
              TcConnection *conn,
              JsonObject   *message,
              const char   *rid)
{
  JsonObject *auth = json_object_get_object_member (message, "auth");
  const char *method = json_object_get_string_member_with_default (auth, "method", "");

  if (strcmp (method, "password") == 0)
    {
      PasswordData *data = g_new0 (PasswordData, 1);

      data->conn = tc_connection_ref (conn);
      data->rid = g_strdup (rid);
      conn->state = TC_CONNECTION_AUTHENTICATING;
      tc_store_verify_password_async (self->store,
                                      json_object_get_string_member_with_default (auth, "username", ""),
                                      json_object_get_string_member_with_default (auth, "password", ""),
                                      NULL, on_password_verified, data);
    }
  else if (strcmp (method, "invitation") == 0)
    hello_invitation (self, conn, auth, rid);
  else if (strcmp (method, "kiosk") == 0)
    hello_kiosk (self, conn, auth, rid);
  else if (strcmp (method, "resume") == 0)
    hello_resume (self, conn, auth, rid);
  else
    refuse_hello (conn, TC_PROTOCOL_ERROR_BAD_MESSAGE, "auth.method: unknown", rid);
}
