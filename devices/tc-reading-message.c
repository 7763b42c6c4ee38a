/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-reading-message"

#include "tc-reading-message.h"

#include <string.h>

#include "tc-fhir.h"
#include "tc-json-util.h"

void
tc_reading_message_free (TcReadingMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->id);
  g_clear_pointer (&message->reading, tc_reading_free);
  g_free (message->observation);
  g_free (message);
}

char *
tc_reading_message_encode_reading (const char *id,
                                   const char *observation)
{
  g_return_val_if_fail (id != NULL && g_uuid_string_is_valid (id), NULL);
  g_return_val_if_fail (observation != NULL && observation[0] == '{', NULL);

  /* the id is a UUID (no escaping needed) and the observation is JSON we produced */
  return g_strdup_printf ("{\"type\":\"reading\",\"id\":\"%s\",\"observation\":%s}", id, observation);
}

char *
tc_reading_message_encode_ack (const char *id)
{
  g_return_val_if_fail (id != NULL && g_uuid_string_is_valid (id), NULL);

  return g_strdup_printf ("{\"type\":\"reading-ack\",\"id\":\"%s\"}", id);
}

TcReadingMessage *
tc_reading_message_decode (const char *data,
                           gsize       len,
                           GError    **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(TcReadingMessage) msg = NULL;
  JsonObject *obj;
  JsonNode *obs;
  const char *type, *id;
  GError *local = NULL;

  root = tc_json_parse (data, len, TC_READING_MESSAGE_MAX_SIZE, TC_FHIR_MAX_DEPTH + 1, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_INVALID, "Reading message is not a JSON object");
      return NULL;
    }
  obj = json_node_get_object (root);
  type = tc_json_get_string (obj, "type", 32, TRUE, &local);
  if (!local)
    id = tc_json_get_string (obj, "id", 64, TRUE, &local);
  if (local)
    {
      g_propagate_prefixed_error (error, local, "Reading message: ");
      return NULL;
    }
  if (!g_uuid_string_is_valid (id))
    {
      g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_INVALID, "Reading message: “id” is not a UUID");
      return NULL;
    }

  msg = g_new0 (TcReadingMessage, 1);
  msg->id = g_strdup (id);
  if (strcmp (type, "reading-ack") == 0)
    {
      msg->type = TC_READING_MESSAGE_ACK;
      return g_steal_pointer (&msg);
    }
  if (strcmp (type, "reading") != 0)
    {
      g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_INVALID, "Reading message: unknown type “%s”", type);
      return NULL;
    }

  msg->type = TC_READING_MESSAGE_READING;
  obs = json_object_get_member (obj, "observation");
  if (obs == NULL)
    {
      g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_INVALID, "Reading message: “observation” is missing");
      return NULL;
    }
  msg->reading = tc_fhir_observation_parse_node (obs, error);
  if (msg->reading == NULL)
    return NULL;
  if (strcmp (msg->reading->id, msg->id) != 0)
    {
      g_set_error (error, TC_FHIR_ERROR, TC_FHIR_ERROR_INVALID,
                   "Reading message: the observation's id is not the message's id");
      return NULL;
    }
  msg->observation = tc_json_to_string (obs);
  return g_steal_pointer (&msg);
}
