/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzes tc_protocol_parse in both directions. Beyond "never crashes", it checks two
 * properties: a refusal always carries a TC_PROTOCOL_ERROR, and whatever is accepted
 * serializes to text that is accepted again, unchanged (the server relays what it parsed). */
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
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  check_direction (data, size, TC_DIRECTION_TO_SERVER);
  check_direction (data, size, TC_DIRECTION_TO_CLIENT);
  return 0;
}
