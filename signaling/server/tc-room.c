/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A room: one open consultation in memory, with its waiting queue and its admitted
 * members. The room never owns participants; the server does. */
#define G_LOG_DOMAIN "tc-server"

#include "tc-server-private.h"

TcRoom *
tc_room_new (const TcStoreConsultation *c)
{
  TcRoom *room = g_new0 (TcRoom, 1);

  room->consultation_id = g_strdup (c->id);
  room->title = g_strdup (c->title);
  room->kiosk_station = g_strdup (c->kiosk_station);
  room->practitioner_id = c->practitioner_id;
  room->scheduled_at = c->scheduled_at;
  room->created_at = c->created_at;
  room->waiting = g_ptr_array_new ();
  room->members = g_ptr_array_new ();
  return room;
}

void
tc_room_free (TcRoom *room)
{
  if (room == NULL)
    return;
  g_ptr_array_unref (room->waiting);
  g_ptr_array_unref (room->members);
  g_free (room->consultation_id);
  g_free (room->title);
  g_free (room->kiosk_station);
  g_free (room);
}

gboolean
tc_room_is_empty (TcRoom *room)
{
  return room->waiting->len == 0 && room->members->len == 0;
}

gboolean
tc_room_has_member (TcRoom        *room,
                    TcParticipant *participant)
{
  return g_ptr_array_find (room->members, participant, NULL);
}

static TcParticipant *
find_in (GPtrArray  *list,
         const char *participant_id)
{
  for (guint i = 0; i < list->len; i++)
    {
      TcParticipant *p = list->pdata[i];

      if (g_strcmp0 (p->id, participant_id) == 0)
        return p;
    }
  return NULL;
}

TcParticipant *
tc_room_find_member (TcRoom     *room,
                     const char *participant_id)
{
  return find_in (room->members, participant_id);
}

TcParticipant *
tc_room_find_waiting (TcRoom     *room,
                      const char *participant_id)
{
  return find_in (room->waiting, participant_id);
}

JsonObject *
tc_room_waiting_room_message (TcRoom *room)
{
  JsonObject *msg = tc_protocol_message_new (TC_MESSAGE_WAITING_ROOM);
  JsonArray *entries = json_array_new ();

  for (guint i = 0; i < room->waiting->len; i++)
    {
      TcParticipant *p = room->waiting->pdata[i];
      JsonObject *entry = tc_participant_describe (p);

      json_object_set_int_member (entry, "waiting_since", p->waiting_since);
      json_array_add_object_element (entries, entry);
    }
  json_object_set_string_member (msg, "consultation_id", room->consultation_id);
  json_object_set_array_member (msg, "entries", entries);
  return msg;
}

/* Takes the participant out of the queue and the members; for a practitioner also
 * forgets the room. */
void
tc_room_remove (TcRoom        *room,
                TcParticipant *participant)
{
  g_ptr_array_remove (room->waiting, participant);
  g_ptr_array_remove (room->members, participant);
  if (participant->rooms != NULL)
    g_ptr_array_remove (participant->rooms, room);
}
