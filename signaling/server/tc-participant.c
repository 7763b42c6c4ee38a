/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A participant: who is behind a connection, which survives the connection for the
 * reconnect grace, with the sequenced messages it may have to replay. */
#define G_LOG_DOMAIN "tc-server"

#include "tc-server-private.h"
#include "tc-token.h"

#include <sodium.h>
#include <string.h>

typedef struct {
  gint64 seq;
  gsize  length;
  char   text[];
} TcHistoryEntry;

const char *
tc_role_to_string (TcRole role)
{
  switch (role)
    {
    case TC_ROLE_PRACTITIONER: return "practitioner";
    case TC_ROLE_PATIENT: return "patient";
    case TC_ROLE_KIOSK: return "kiosk";
    default: g_assert_not_reached ();
    }
}

char *
tc_random_id (const char *prefix)
{
  guint8 bytes[12];
  char b64[sodium_base64_ENCODED_LEN (sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (b64, sizeof b64, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return g_strconcat (prefix, b64, NULL);
}

/* Keys are SHA-256 digests: their first bytes are already uniformly distributed. */
guint
tc_hash32_hash (gconstpointer key)
{
  guint h;

  memcpy (&h, key, sizeof h);
  return h;
}

gboolean
tc_hash32_equal (gconstpointer a,
                 gconstpointer b)
{
  return sodium_memcmp (a, b, TC_HASH_SIZE) == 0;
}

TcParticipant *
tc_participant_new (TcRole      role,
                    const char *display_name)
{
  TcParticipant *p = g_new0 (TcParticipant, 1);

  p->id = tc_random_id ("p-");
  p->role = role;
  p->display_name = g_strdup (display_name);
  g_queue_init (&p->history);
  if (role == TC_ROLE_PRACTITIONER)
    p->rooms = g_ptr_array_new ();
  return p;
}

static void
history_drop_oldest (TcParticipant *p)
{
  TcHistoryEntry *e = g_queue_pop_head (&p->history);

  p->history_bytes -= e->length;
  g_free (e);
}

void
tc_participant_free (TcParticipant *p)
{
  if (p == NULL)
    return;
  while (!g_queue_is_empty (&p->history))
    history_drop_oldest (p);
  g_clear_pointer (&p->rooms, g_ptr_array_unref);
  g_free (p->id);
  g_free (p->display_name);
  g_free (p);
}

char *
tc_participant_new_resume_token (TcParticipant *p)
{
  char *token = tc_token_generate ();

  tc_token_hash (token, p->resume_hash);
  return token;
}

char *
tc_participant_sequence (TcParticipant *p,
                         JsonObject    *message,
                         gboolean       keep,
                         gsize         *out_length)
{
  char *text;
  gsize length;

  json_object_set_int_member (message, "seq", ++p->seq);
  text = tc_protocol_serialize (message, &length);
  if (out_length)
    *out_length = length;
  if (keep)
    tc_participant_keep (p, p->seq, text, length);
  return text;
}

void
tc_participant_keep (TcParticipant *p,
                     gint64         seq,
                     const char    *text,
                     gsize          length)
{
  TcHistoryEntry *e;

  e = g_malloc (sizeof (TcHistoryEntry) + length + 1);
  e->seq = seq;
  e->length = length;
  memcpy (e->text, text, length);
  e->text[length] = '\0';
  g_queue_push_tail (&p->history, e);
  p->history_bytes += length;
  while (p->history.length > TC_HISTORY_MAX_MESSAGES ||
         (p->history_bytes > TC_HISTORY_MAX_BYTES && p->history.length > 1))
    history_drop_oldest (p);
}

void
tc_participant_replay (TcParticipant *p,
                       gint64         last_seq,
                       void         (*func) (const char *text,
                                             gsize       length,
                                             gpointer    user_data),
                       gpointer       user_data)
{
  for (GList *l = p->history.head; l != NULL; l = l->next)
    {
      TcHistoryEntry *e = l->data;

      if (e->seq > last_seq)
        func (e->text, e->length, user_data);
    }
}

/* {participant_id, display_name, role}: the `peer` of `admitted`. */
JsonObject *
tc_participant_describe (TcParticipant *p)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "participant_id", p->id);
  json_object_set_string_member (o, "display_name", p->display_name);
  json_object_set_string_member (o, "role", tc_role_to_string (p->role));
  return o;
}
