/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The protocol on the server side after `hello` (see tc-server-hello.c): consultations,
 * waiting rooms, admission, relay, presence, leave and end; docs/signaling-protocol.md
 * is the reference. Logs name codes, participant ids and message types only. */
#define G_LOG_DOMAIN "tc-server"

#include "tc-server-private.h"
#include "tc-token.h"
#include "tc-turn-credentials.h"

#include <string.h>

#define DEFAULT_INVITATION_TTL 86400

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

static const char *
type_name (TcMessageType type)
{
  return tc_message_type_to_string (type);
}

/* ---- registry -------------------------------------------------------------------- */

static GPtrArray *
account_participants (TcServer *self,
                      gint64    practitioner_id)
{
  return g_hash_table_lookup (self->practitioners, &practitioner_id);
}

void
tc_server_register_participant (TcServer      *self,
                      TcParticipant *p)
{
  g_hash_table_insert (self->participants, p->id, p);
  g_hash_table_insert (self->by_resume, p->resume_hash, p);
  if (p->role == TC_ROLE_PRACTITIONER)
    {
      GPtrArray *list = account_participants (self, p->practitioner_id);

      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (self->practitioners, g_memdup2 (&p->practitioner_id, sizeof (gint64)), list);
        }
      g_ptr_array_add (list, p);
    }
}

static void
maybe_drop_room (TcServer *self,
                 TcRoom   *room)
{
  if (tc_room_is_empty (room))
    g_hash_table_remove (self->rooms, room->consultation_id);
}

static void
add_tombstone (TcServer        *self,
               const guint8    *hash,
               TcProtocolError  code)
{
  TcTombstone *t = g_new0 (TcTombstone, 1);

  t->until = g_get_monotonic_time () + G_GINT64_CONSTANT (600) * G_USEC_PER_SEC;
  t->code = code;
  g_hash_table_replace (self->tombstones, g_memdup2 (hash, TC_HASH_SIZE), t);
}

/* ---- notifications --------------------------------------------------------------- */

static void
send_to_account (TcServer   *self,
                 gint64      practitioner_id,
                 JsonObject *msg,
                 GPtrArray  *skip)
{
  GPtrArray *list = account_participants (self, practitioner_id);

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      if (skip != NULL && g_ptr_array_find (skip, list->pdata[i], NULL))
        continue;
      tc_server_send (self, list->pdata[i], msg);
    }
}

void
tc_server_waiting_changed (TcServer *self,
                 TcRoom   *room)
{
  /* The whole queue goes out at every change: only build it for someone to read it. */
  if (account_participants (self, room->practitioner_id) != NULL)
    {
      g_autoptr(JsonObject) msg = tc_room_waiting_room_message (room);

      send_to_account (self, room->practitioner_id, msg, NULL);
    }
  for (guint i = 0; i < room->waiting->len; i++)
    {
      TcParticipant *p = room->waiting->pdata[i];
      g_autoptr(JsonObject) w = NULL;

      if (p->position == i + 1)
        continue;
      p->position = i + 1;
      w = tc_protocol_message_new (TC_MESSAGE_WAITING);
      json_object_set_string_member (w, "consultation_id", room->consultation_id);
      json_object_set_int_member (w, "position", i + 1);
      tc_server_send (self, p, w);
    }
}

/* To the other members of the room and to the account's practitioners. */
void
tc_server_presence (TcServer      *self,
          TcRoom        *room,
          TcParticipant *subject,
          const char    *state)
{
  g_autoptr(GPtrArray) skip = g_ptr_array_new ();

  g_ptr_array_add (skip, subject);
  for (guint i = 0; i < room->members->len; i++)
    {
      TcParticipant *m = room->members->pdata[i];
      g_autoptr(JsonObject) msg = NULL;

      if (m == subject)
        continue;
      msg = tc_protocol_message_new (TC_MESSAGE_PRESENCE);
      json_object_set_string_member (msg, "consultation_id", room->consultation_id);
      json_object_set_string_member (msg, "participant_id", subject->id);
      json_object_set_string_member (msg, "display_name", subject->display_name);
      json_object_set_string_member (msg, "role", tc_role_to_string (subject->role));
      json_object_set_string_member (msg, "state", state);
      tc_server_send (self, m, msg);
      g_ptr_array_add (skip, m);
    }
  {
    g_autoptr(JsonObject) msg = tc_protocol_message_new (TC_MESSAGE_PRESENCE);

    json_object_set_string_member (msg, "consultation_id", room->consultation_id);
    json_object_set_string_member (msg, "participant_id", subject->id);
    json_object_set_string_member (msg, "display_name", subject->display_name);
    json_object_set_string_member (msg, "role", tc_role_to_string (subject->role));
    json_object_set_string_member (msg, "state", state);
    send_to_account (self, room->practitioner_id, msg, skip);
  }
}

/* Rooms in which the participant takes part: a patient's own, a practitioner's admitted ones. */
GPtrArray *
tc_server_rooms_of (TcParticipant *p)
{
  GPtrArray *rooms = g_ptr_array_new ();

  if (p->room != NULL)
    g_ptr_array_add (rooms, p->room);
  for (guint i = 0; p->rooms != NULL && i < p->rooms->len; i++)
    g_ptr_array_add (rooms, p->rooms->pdata[i]);
  return rooms;
}

/* The participant leaves for good: out of its rooms (with @presence_state to the
 * others unless NULL), its resume token tombstoned with @code, its connection
 * closed with @close_code unless 0. Frees @p. */
static void
participant_gone (TcServer        *self,
                  TcParticipant   *p,
                  const char      *presence_state,
                  TcProtocolError  code,
                  gushort          close_code)
{
  g_autoptr(GPtrArray) rooms = tc_server_rooms_of (p);
  TcConnection *conn = p->conn;

  g_info ("participant %s gone", p->id);
  for (guint i = 0; i < rooms->len; i++)
    {
      TcRoom *room = rooms->pdata[i];
      gboolean was_waiting = g_ptr_array_find (room->waiting, p, NULL);

      tc_room_remove (room, p);
      if (presence_state != NULL)
        tc_server_presence (self, room, p, presence_state);
      if (was_waiting)
        tc_server_waiting_changed (self, room);
      maybe_drop_room (self, room);
    }
  p->room = NULL;

  if (p->role == TC_ROLE_PRACTITIONER)
    {
      GPtrArray *list = account_participants (self, p->practitioner_id);

      if (list != NULL)
        {
          g_ptr_array_remove (list, p);
          if (list->len == 0)
            g_hash_table_remove (self->practitioners, &p->practitioner_id);
        }
    }

  g_hash_table_remove (self->by_resume, p->resume_hash);
  g_hash_table_remove (self->reconnecting, p);
  add_tombstone (self, p->resume_hash, code);
  if (conn != NULL)
    {
      conn->participant = NULL;
      p->conn = NULL;
      if (close_code != 0)
        tc_server_close (conn, close_code, "bye");
    }
  g_hash_table_remove (self->participants, p->id);
}

void
tc_server_participant_dropped (TcServer      *self,
                               TcParticipant *p)
{
  g_autoptr(GPtrArray) rooms = NULL;

  if (p->disconnected_at == -1)
    {
      /* The reconnect grace is over. */
      participant_gone (self, p, "left", TC_PROTOCOL_ERROR_EXPIRED_TOKEN, 0);
      return;
    }
  g_info ("participant %s reconnecting", p->id);
  p->disconnected_at = g_get_monotonic_time ();
  g_hash_table_add (self->reconnecting, p);
  rooms = tc_server_rooms_of (p);
  for (guint i = 0; i < rooms->len; i++)
    tc_server_presence (self, rooms->pdata[i], p, "reconnecting");
}

/* ---- ICE servers ----------------------------------------------------------------- */

static JsonArray *
ice_servers_for (TcServer      *self,
                 TcParticipant *p)
{
  JsonArray *servers = json_array_new ();

  if (self->stun_uris != NULL && self->stun_uris[0] != NULL)
    {
      JsonObject *s = json_object_new ();
      JsonArray *urls = json_array_new ();

      for (guint i = 0; self->stun_uris[i] != NULL; i++)
        json_array_add_string_element (urls, self->stun_uris[i]);
      json_object_set_array_member (s, "urls", urls);
      json_array_add_object_element (servers, s);
    }
  if (self->turn_uris != NULL && self->turn_uris[0] != NULL && self->turn_secret != NULL)
    {
      JsonObject *s = json_object_new ();
      JsonArray *urls = json_array_new ();
      g_autofree char *username = NULL;
      g_autofree char *credential = NULL;

      for (guint i = 0; self->turn_uris[i] != NULL; i++)
        json_array_add_string_element (urls, self->turn_uris[i]);
      tc_turn_credentials_compute (self->turn_secret, p->id,
                                   g_get_real_time () / G_USEC_PER_SEC + TC_TURN_CREDENTIALS_LIFETIME_SECONDS,
                                   &username, &credential);
      json_object_set_array_member (s, "urls", urls);
      json_object_set_string_member (s, "username", username);
      json_object_set_string_member (s, "credential", credential);
      json_array_add_object_element (servers, s);
    }
  return servers;
}

/* ---- practitioner requests -------------------------------------------------------- */

/* The consultation if it belongs to @p's account; an error has been sent otherwise. */
static TcStoreConsultation *
owned_consultation (TcServer      *self,
                    TcParticipant *p,
                    const char    *id,
                    const char    *rid,
                    gboolean       open_only)
{
  g_autoptr(GError) error = NULL;
  TcStoreConsultation *c = tc_store_get_consultation (self->store, id, &error);

  if (c == NULL && !g_error_matches (error, TC_STORE_ERROR, TC_STORE_ERROR_NOT_FOUND))
    {
      tc_server_send_error (p->conn, TC_PROTOCOL_ERROR_INTERNAL, "the server failed", rid);
      return NULL;
    }
  /* Another practitioner's consultation looks exactly like an unknown one. */
  if (c == NULL || c->practitioner_id != p->practitioner_id)
    {
      tc_store_consultation_free (c);
      tc_server_send_error (p->conn, TC_PROTOCOL_ERROR_NOT_FOUND, "consultation_id: no such consultation", rid);
      return NULL;
    }
  if (open_only && g_strcmp0 (c->state, "open") != 0)
    {
      tc_store_consultation_free (c);
      tc_server_send_error (p->conn, TC_PROTOCOL_ERROR_CONSULTATION_ENDED, "the consultation is over", rid);
      return NULL;
    }
  return c;
}

static JsonObject *
consultation_message (TcStoreConsultation *c)
{
  JsonObject *msg = tc_protocol_message_new (TC_MESSAGE_CONSULTATION);

  json_object_set_string_member (msg, "consultation_id", c->id);
  if (c->title != NULL)
    json_object_set_string_member (msg, "title", c->title);
  json_object_set_string_member (msg, "state", c->state ? c->state : "open");
  if (c->kiosk_station != NULL)
    json_object_set_string_member (msg, "kiosk", c->kiosk_station);
  if (c->scheduled_at > 0)
    json_object_set_int_member (msg, "scheduled_at", c->scheduled_at);
  return msg;
}

/* Adds an invitation to @msg; FALSE if the store failed. */
static gboolean
add_invitation (TcServer   *self,
                JsonObject *msg,
                const char *consultation_id,
                gint64      ttl_s)
{
  g_autofree char *token = tc_token_generate ();
  g_autofree char *code = tc_token_short_code_generate ();
  g_autofree char *server_url = self->public_url ? g_strdup (self->public_url) : tc_server_get_url (self);
  g_autofree char *escaped = g_uri_escape_string (server_url, NULL, FALSE);
  g_autofree char *url = NULL;
  g_autofree char *normalized = tc_token_short_code_normalize (code);
  guint8 token_hash[TC_HASH_SIZE], code_hash[TC_HASH_SIZE];
  gint64 expires_at = now_ms () + ttl_s * 1000;
  JsonObject *inv;

  tc_token_hash (token, token_hash);
  tc_token_hash (normalized ? normalized : code, code_hash);
  if (!tc_store_add_invitation (self->store, token_hash, code_hash, consultation_id, expires_at, NULL))
    return FALSE;

  url = g_strdup_printf ("teleconsult://join?server=%s&token=%s", escaped, token);
  inv = json_object_new ();
  json_object_set_string_member (inv, "token", token);
  json_object_set_string_member (inv, "url", url);
  json_object_set_string_member (inv, "code", code);
  json_object_set_int_member (inv, "expires_at", expires_at);
  json_object_set_object_member (msg, "invitation", inv);
  return TRUE;
}

static void
handle_create (TcServer      *self,
               TcParticipant *p,
               JsonObject    *message,
               const char    *rid)
{
  TcStoreConsultation c = { 0 };
  g_autofree char *id = tc_random_id ("c-");
  g_autoptr(JsonObject) reply = NULL;

  c.id = id;
  c.practitioner_id = p->practitioner_id;
  c.title = (char *) json_object_get_string_member_with_default (message, "title", NULL);
  c.kiosk_station = (char *) json_object_get_string_member_with_default (message, "kiosk", NULL);
  c.scheduled_at = json_object_get_int_member_with_default (message, "scheduled_at", 0);
  c.state = (char *) "open";
  c.created_at = now_ms ();

  if (c.kiosk_station != NULL && !tc_store_has_kiosk (self->store, c.kiosk_station))
    {
      tc_server_send_error (p->conn, TC_PROTOCOL_ERROR_NOT_FOUND, "kiosk: no such station", rid);
      return;
    }
  if (!tc_store_add_consultation (self->store, &c, NULL))
    {
      tc_server_send_error (p->conn, TC_PROTOCOL_ERROR_INTERNAL, "the server failed", rid);
      return;
    }
  reply = consultation_message (&c);
  if (c.kiosk_station == NULL &&
      !add_invitation (self, reply, id,
                       json_object_get_int_member_with_default (message, "invitation_ttl", DEFAULT_INVITATION_TTL)))
    {
      tc_server_send_error (p->conn, TC_PROTOCOL_ERROR_INTERNAL, "the server failed", rid);
      return;
    }
  set_rid (reply, rid);
  tc_server_send (self, p, reply);
  g_info ("consultation %s created by %s", id, p->id);
}

static void
handle_list (TcServer      *self,
             TcParticipant *p,
             const char    *rid)
{
  g_autoptr(GPtrArray) list = tc_store_list_open_consultations (self->store, p->practitioner_id, NULL);
  g_autoptr(JsonObject) reply = NULL;
  JsonArray *items;

  if (list == NULL)
    {
      tc_server_send_error (p->conn, TC_PROTOCOL_ERROR_INTERNAL, "the server failed", rid);
      return;
    }
  reply = tc_protocol_message_new (TC_MESSAGE_CONSULTATIONS);
  items = json_array_new ();
  for (guint i = 0; i < list->len && i < 1000; i++)
    {
      TcStoreConsultation *c = list->pdata[i];
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "id", c->id);
      if (c->title != NULL)
        json_object_set_string_member (item, "title", c->title);
      json_object_set_string_member (item, "state", c->state);
      json_object_set_int_member (item, "created_at", c->created_at);
      if (c->kiosk_station != NULL)
        json_object_set_string_member (item, "kiosk", c->kiosk_station);
      if (c->scheduled_at > 0)
        json_object_set_int_member (item, "scheduled_at", c->scheduled_at);
      json_array_add_object_element (items, item);
    }
  json_object_set_array_member (reply, "items", items);
  set_rid (reply, rid);
  tc_server_send (self, p, reply);
}

static void
handle_invite (TcServer      *self,
               TcParticipant *p,
               JsonObject    *message,
               const char    *rid)
{
  const char *id = json_object_get_string_member_with_default (message, "consultation_id", "");
  g_autoptr(TcStoreConsultation) c = owned_consultation (self, p, id, rid, TRUE);
  g_autoptr(JsonObject) reply = NULL;

  if (c == NULL)
    return;
  reply = consultation_message (c);
  if (!add_invitation (self, reply, c->id,
                       json_object_get_int_member_with_default (message, "ttl", DEFAULT_INVITATION_TTL)))
    {
      tc_server_send_error (p->conn, TC_PROTOCOL_ERROR_INTERNAL, "the server failed", rid);
      return;
    }
  set_rid (reply, rid);
  tc_server_send (self, p, reply);
}

static void
send_admitted (TcServer      *self,
               TcRoom        *room,
               TcParticipant *to,
               TcParticipant *peer,
               gboolean       polite)
{
  g_autoptr(JsonObject) msg = tc_protocol_message_new (TC_MESSAGE_ADMITTED);

  json_object_set_string_member (msg, "consultation_id", room->consultation_id);
  json_object_set_object_member (msg, "peer", tc_participant_describe (peer));
  json_object_set_array_member (msg, "ice_servers", ice_servers_for (self, to));
  json_object_set_boolean_member (msg, "polite", polite);
  tc_server_send (self, to, msg);
}

static TcParticipant *
waiting_participant (TcServer      *self,
                     TcParticipant *p,
                     JsonObject    *message,
                     const char    *rid,
                     TcRoom       **out_room)
{
  const char *id = json_object_get_string_member_with_default (message, "consultation_id", "");
  g_autoptr(TcStoreConsultation) c = owned_consultation (self, p, id, rid, TRUE);
  TcParticipant *x = NULL;
  TcRoom *room;

  if (c == NULL)
    return NULL;
  room = g_hash_table_lookup (self->rooms, c->id);
  if (room != NULL)
    x = tc_room_find_waiting (room, json_object_get_string_member_with_default (message, "participant_id", ""));
  if (x == NULL)
    {
      tc_server_send_error (p->conn, TC_PROTOCOL_ERROR_NOT_FOUND, "participant_id: nobody waiting with this id", rid);
      return NULL;
    }
  *out_room = room;
  return x;
}

static void
handle_admit (TcServer      *self,
              TcParticipant *p,
              JsonObject    *message,
              const char    *rid)
{
  TcRoom *room = NULL;
  TcParticipant *x = waiting_participant (self, p, message, rid, &room);

  if (x == NULL)
    return;

  g_ptr_array_remove (room->waiting, x);
  x->state = TC_PARTICIPANT_ADMITTED;
  x->position = 0;
  if (!tc_room_has_member (room, p))
    {
      g_ptr_array_add (room->members, p);
      g_ptr_array_add (p->rooms, room);
    }
  g_ptr_array_add (room->members, x);
  g_info ("%s admitted %s", p->id, x->id);

  send_admitted (self, room, x, p, TRUE);
  send_admitted (self, room, p, x, FALSE);
  for (guint i = 0; i < room->members->len; i++)
    {
      TcParticipant *m = room->members->pdata[i];
      g_autoptr(JsonObject) msg = NULL;

      if (m == p || m == x)
        continue;
      msg = tc_protocol_message_new (TC_MESSAGE_PRESENCE);
      json_object_set_string_member (msg, "consultation_id", room->consultation_id);
      json_object_set_string_member (msg, "participant_id", x->id);
      json_object_set_string_member (msg, "display_name", x->display_name);
      json_object_set_string_member (msg, "role", tc_role_to_string (x->role));
      json_object_set_string_member (msg, "state", "joined");
      tc_server_send (self, m, msg);
    }
  tc_server_waiting_changed (self, room);
}

static void
handle_decline (TcServer      *self,
                TcParticipant *p,
                JsonObject    *message,
                const char    *rid)
{
  TcRoom *room = NULL;
  TcParticipant *x = waiting_participant (self, p, message, rid, &room);
  g_autoptr(JsonObject) msg = NULL;

  if (x == NULL)
    return;
  msg = tc_protocol_message_new (TC_MESSAGE_DECLINED);
  json_object_set_string_member (msg, "consultation_id", room->consultation_id);
  if (json_object_has_member (message, "reason"))
    json_object_set_string_member (msg, "reason", json_object_get_string_member (message, "reason"));
  tc_server_send (self, x, msg);
  g_info ("%s declined %s", p->id, x->id);
  participant_gone (self, x, NULL, TC_PROTOCOL_ERROR_INVALID_TOKEN, SOUP_WEBSOCKET_CLOSE_NORMAL);
}

static void
handle_end (TcServer      *self,
            TcParticipant *p,
            JsonObject    *message,
            const char    *rid)
{
  const char *id = json_object_get_string_member_with_default (message, "consultation_id", "");
  g_autoptr(TcStoreConsultation) c = owned_consultation (self, p, id, rid, TRUE);
  g_autoptr(JsonObject) msg = NULL;
  g_autoptr(GPtrArray) everyone = g_ptr_array_new ();
  GPtrArray *account;
  TcRoom *room;

  if (c == NULL)
    return;
  if (!tc_store_end_consultation (self->store, c->id, now_ms (), NULL))
    {
      tc_server_send_error (p->conn, TC_PROTOCOL_ERROR_INTERNAL, "the server failed", rid);
      return;
    }
  g_info ("consultation %s ended by %s", c->id, p->id);

  /* Out of the table first: nothing below may free it behind our back. */
  room = g_hash_table_lookup (self->rooms, c->id);
  if (room != NULL)
    {
      g_hash_table_steal (self->rooms, c->id);
      g_ptr_array_extend (everyone, room->members, NULL, NULL);
      g_ptr_array_extend (everyone, room->waiting, NULL, NULL);
    }
  account = account_participants (self, p->practitioner_id);
  for (guint i = 0; account != NULL && i < account->len; i++)
    if (!g_ptr_array_find (everyone, account->pdata[i], NULL))
      g_ptr_array_add (everyone, account->pdata[i]);

  msg = tc_protocol_message_new (TC_MESSAGE_CONSULTATION_ENDED);
  json_object_set_string_member (msg, "consultation_id", c->id);
  json_object_set_string_member (msg, "reason", "ended-by-practitioner");
  for (guint i = 0; i < everyone->len; i++)
    {
      TcParticipant *x = everyone->pdata[i];

      if (x == p)
        set_rid (msg, rid);
      tc_server_send (self, x, msg);
      if (x == p)
        json_object_remove_member (msg, "rid");
    }

  if (room == NULL)
    return;
  /* Patients and kiosks leave with the consultation; practitioners stay signed in. */
  for (guint i = 0; i < everyone->len; i++)
    {
      TcParticipant *x = everyone->pdata[i];

      tc_room_remove (room, x);
      if (x->role != TC_ROLE_PRACTITIONER)
        {
          x->room = NULL;
          participant_gone (self, x, NULL, TC_PROTOCOL_ERROR_CONSULTATION_ENDED, SOUP_WEBSOCKET_CLOSE_NORMAL);
        }
    }
  tc_room_free (room);
}

/* ---- relay ------------------------------------------------------------------------ */

/* The room in which @p may talk to @to (or, with @to NULL, its current room). Sends
 * not-admitted / not-found and returns NULL otherwise. */
static TcRoom *
relay_room (TcServer      *self,
            TcParticipant *p,
            const char    *to,
            const char    *consultation_id,
            const char    *rid,
            TcParticipant **out_to)
{
  g_autoptr(GPtrArray) rooms = NULL;
  gboolean admitted = FALSE;

  rooms = tc_server_rooms_of (p);
  for (guint i = rooms->len; i > 0; i--)
    {
      TcRoom *room = rooms->pdata[i - 1];
      TcParticipant *target;

      if (!tc_room_has_member (room, p))
        continue;
      admitted = TRUE;
      if (consultation_id != NULL && strcmp (room->consultation_id, consultation_id) != 0)
        continue;
      if (to == NULL)
        return room;
      target = tc_room_find_member (room, to);
      if (target != NULL && target != p)
        {
          *out_to = target;
          return room;
        }
    }
  if (!admitted)
    tc_server_send_error (p->conn, TC_PROTOCOL_ERROR_NOT_ADMITTED, "not admitted to a consultation", rid);
  else
    tc_server_send_error (p->conn, TC_PROTOCOL_ERROR_NOT_FOUND,
                          to ? "to: no such participant" : "consultation_id: no such consultation", rid);
  return NULL;
}

/* Members the server sets, or that would mean something else to the receiver: their
 * presence rules out relaying the text as received (a duplicate key would win). */
static gboolean
splice_safe (JsonObject *message)
{
  static const char *const owned[] = { "from", "seq", "ts", "rid", "id", "display_name", "code", NULL };

  for (guint i = 0; owned[i] != NULL; i++)
    if (json_object_has_member (message, owned[i]))
      return FALSE;
  return TRUE;
}

static void
handle_relay (TcServer      *self,
              TcParticipant *p,
              TcMessageType  type,
              JsonObject    *message,
              const char    *rid,
              const char    *data,
              gsize          length)
{
  const char *to = json_object_get_string_member_with_default (message, "to", "");
  TcParticipant *target = NULL;
  g_autoptr(JsonObject) out = NULL;
  const char *field = type == TC_MESSAGE_SDP ? "description" : "candidate";

  if (relay_room (self, p, to, NULL, rid, &target) == NULL)
    return;
  /* The common case, and most of the server's work under load: no re-serialising. */
  if (data != NULL && splice_safe (message))
    {
      tc_server_send_spliced (self, target, p->id, data, length);
      return;
    }
  out = tc_protocol_message_new (type);
  json_object_set_string_member (out, "from", p->id);
  json_object_set_string_member (out, "to", target->id);
  json_object_set_member (out, field, json_node_copy (json_object_get_member (message, field)));
  tc_server_send (self, target, out);
  g_debug ("%s relayed from %s to %s", type_name (type), p->id, target->id);
}

static void
handle_chat (TcServer      *self,
             TcParticipant *p,
             JsonObject    *message,
             const char    *rid)
{
  const char *consultation_id = json_object_get_string_member_with_default (message, "consultation_id", NULL);
  g_autoptr(JsonObject) out = NULL;
  g_autofree char *id = NULL;
  TcRoom *room;

  room = relay_room (self, p, NULL, consultation_id, rid, NULL);
  if (room == NULL)
    return;
  id = g_strdup_printf ("m%" G_GUINT64_FORMAT, ++self->chat_counter);
  out = tc_protocol_message_new (TC_MESSAGE_CHAT);
  json_object_set_string_member (out, "id", id);
  json_object_set_string_member (out, "from", p->id);
  json_object_set_string_member (out, "display_name", p->display_name);
  json_object_set_string_member (out, "text", json_object_get_string_member (message, "text"));
  json_object_set_int_member (out, "ts", now_ms ());
  for (guint i = 0; i < room->members->len; i++)
    {
      TcParticipant *m = room->members->pdata[i];

      if (m == p)
        set_rid (out, rid);
      tc_server_send (self, m, out);
      if (m == p && rid != NULL)
        json_object_remove_member (out, "rid");
    }
}

/* ---- dispatch --------------------------------------------------------------------- */

static gboolean
practitioner_only (TcMessageType type)
{
  switch (type)
    {
    case TC_MESSAGE_CREATE_CONSULTATION:
    case TC_MESSAGE_LIST_CONSULTATIONS:
    case TC_MESSAGE_INVITE:
    case TC_MESSAGE_ADMIT:
    case TC_MESSAGE_DECLINE:
    case TC_MESSAGE_END:
      return TRUE;
    default:
      return FALSE;
    }
}

void
tc_server_handle_message (TcServer      *self,
                          TcConnection  *conn,
                          TcMessageType  type,
                          JsonObject    *message,
                          const char    *rid,
                          const char    *data,
                          gsize          length)
{
  TcParticipant *p = conn->participant;

  if (conn->state != TC_CONNECTION_READY)
    {
      if (type == TC_MESSAGE_HELLO && conn->state == TC_CONNECTION_NEW)
        {
          tc_server_handle_hello (self, conn, message, rid);
          return;
        }
      tc_server_send_error (conn, TC_PROTOCOL_ERROR_NOT_AUTHENTICATED, "send hello first", rid);
      if (++conn->unauthenticated >= 3)
        tc_server_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "not authenticated");
      return;
    }
  g_return_if_fail (p != NULL);

  if (type == TC_MESSAGE_HELLO)
    {
      tc_server_send_error (conn, TC_PROTOCOL_ERROR_ALREADY_AUTHENTICATED, "already signed in", rid);
      return;
    }
  if (practitioner_only (type) && p->role != TC_ROLE_PRACTITIONER)
    {
      g_info ("forbidden %s from %s", type_name (type), p->id);
      tc_server_send_error (conn, TC_PROTOCOL_ERROR_FORBIDDEN, "only a practitioner may send this", rid);
      return;
    }

  switch (type)
    {
    case TC_MESSAGE_CREATE_CONSULTATION: handle_create (self, p, message, rid); break;
    case TC_MESSAGE_LIST_CONSULTATIONS: handle_list (self, p, rid); break;
    case TC_MESSAGE_INVITE: handle_invite (self, p, message, rid); break;
    case TC_MESSAGE_ADMIT: handle_admit (self, p, message, rid); break;
    case TC_MESSAGE_DECLINE: handle_decline (self, p, message, rid); break;
    case TC_MESSAGE_END: handle_end (self, p, message, rid); break;
    case TC_MESSAGE_SDP:
    case TC_MESSAGE_ICE: handle_relay (self, p, type, message, rid, data, length); break;
    case TC_MESSAGE_CHAT: handle_chat (self, p, message, rid); break;
    case TC_MESSAGE_LEAVE:
      participant_gone (self, p, "left", TC_PROTOCOL_ERROR_INVALID_TOKEN, SOUP_WEBSOCKET_CLOSE_NORMAL);
      break;
    case TC_MESSAGE_PING:
      {
        g_autoptr(JsonObject) pong = tc_protocol_message_new (TC_MESSAGE_PONG);

        set_rid (pong, rid);
        tc_server_send (self, p, pong);
      }
      break;
    default:
      /* Server-to-client types never pass tc_protocol_parse in this direction. */
      tc_server_send_error (conn, TC_PROTOCOL_ERROR_BAD_MESSAGE, "type: not accepted by the server", rid);
      break;
    }
}
