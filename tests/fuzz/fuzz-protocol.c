/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzes tc_protocol_parse in both directions. Beyond "never crashes", it checks two
 * properties: a refusal always carries a TC_PROTOCOL_ERROR, and whatever is accepted
 * serializes to text that is accepted again, unchanged (the server relays what it parsed),
 * and an accepted sdp/ice with `from` appended (tc_protocol_append_members) is a valid
 * message for the peer. */
#include <stdlib.h>
#include <string.h>

#include "fuzz-target.h"
#include "tc-protocol.h"

static void
check_direction (const uint8_t *data,
                 size_t         size,
                 TcDirection    direction)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *rid = NULL;
  TcMessageType type;

  object = tc_protocol_parse ((const char *) data, size, direction, &type, &rid, &error);
  if (object == NULL)
    {
      if (error == NULL || error->domain != TC_PROTOCOL_ERROR || error->message == NULL)
        abort ();
      return;
    }
  if (error != NULL || json_object_get_string_member (object, "type") == NULL)
    abort ();

  {
    gsize length = 0, length2 = 0;
    g_autofree char *text = tc_protocol_serialize (object, &length);
    g_autoptr(GError) error2 = NULL;
    g_autoptr(JsonObject) again = NULL;
    g_autofree char *text2 = NULL;
    TcMessageType type2;

    if (text == NULL || strlen (text) != length)
      abort ();
    again = tc_protocol_parse (text, length, direction, &type2, NULL, &error2);
    if (again == NULL)
      {
        /* Escaping may grow a message past the size limit; anything else is a bug. */
        if (!g_error_matches (error2, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_TOO_LARGE))
          abort ();
        return;
      }
    if (type2 != type)
      abort ();
    text2 = tc_protocol_serialize (again, &length2);
    if (length2 != length || memcmp (text, text2, length) != 0)
      abort ();
  }

  /* What the server relays: the received text with `from` and `seq` appended must be a
   * valid message for the peer. */
  if (direction == TC_DIRECTION_TO_SERVER && (type == TC_MESSAGE_SDP || type == TC_MESSAGE_ICE))
    {
      g_autoptr(JsonObject) extra = json_object_new ();
      g_autoptr(GError) error3 = NULL;
      g_autoptr(JsonObject) relayed = NULL;
      g_autofree char *out = NULL;
      gsize out_length = 0;

      json_object_set_string_member (extra, "from", "p-1");
      json_object_set_int_member (extra, "seq", 1);
      out = tc_protocol_append_members ((const char *) data, size, extra, &out_length, NULL);
      if (out == NULL)
        abort ();
      relayed = tc_protocol_parse (out, out_length, TC_DIRECTION_TO_CLIENT, NULL, NULL, &error3);
      if (relayed == NULL && !g_error_matches (error3, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_TOO_LARGE))
        abort ();
      if (relayed != NULL && g_strcmp0 (json_object_get_string_member (relayed, "from"), "p-1") != 0)
        abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  check_direction (data, size, TC_DIRECTION_TO_SERVER);
  check_direction (data, size, TC_DIRECTION_TO_CLIENT);
  return 0;
}
