/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "tc-ice-servers.h"


#include "tc-ice-uri.h"

/* One URL of an RTCIceServer: webrtcbin's form is built by media/'s tc-ice-uri. */
static guint
add_url (const char *url,
         const char *username,
         const char *credential,
         GPtrArray  *stun,
         GPtrArray  *turn)
{
  char *uri;

  if (g_str_has_prefix (url, "stun:"))
    uri = tc_ice_uri_normalize_stun (url, NULL);
  else if (g_str_has_prefix (url, "turn:") || g_str_has_prefix (url, "turns:"))
    uri = (username != NULL && credential != NULL)
            ? tc_ice_server_to_turn_uri (url, username, credential, NULL) : NULL;
  else
    uri = NULL;

  if (uri == NULL)
    return 1;
  g_ptr_array_add (g_str_has_prefix (uri, "stun") ? stun : turn, uri);
  return 0;
}

guint
tc_ice_servers_to_uris (JsonArray *ice_servers,
                        GStrv     *out_stun_uris,
                        GStrv     *out_turn_uris)
{
  g_autoptr(GPtrArray) stun = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) turn = g_ptr_array_new_with_free_func (g_free);
  guint skipped = 0;
  guint n = ice_servers != NULL ? json_array_get_length (ice_servers) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (ice_servers, i);
      JsonObject *server;
      JsonNode *urls;
      const char *username;
      const char *credential;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          skipped++;
          continue;
        }
      server = json_node_get_object (node);
      username = json_object_get_string_member_with_default (server, "username", NULL);
      credential = json_object_get_string_member_with_default (server, "credential", NULL);
      urls = json_object_get_member (server, "urls");

      if (urls != NULL && JSON_NODE_HOLDS_VALUE (urls) && json_node_get_value_type (urls) == G_TYPE_STRING)
        skipped += add_url (json_node_get_string (urls), username, credential, stun, turn);
      else if (urls != NULL && JSON_NODE_HOLDS_ARRAY (urls))
        {
          JsonArray *list = json_node_get_array (urls);

          for (guint j = 0; j < json_array_get_length (list); j++)
            {
              JsonNode *u = json_array_get_element (list, j);

              if (JSON_NODE_HOLDS_VALUE (u) && json_node_get_value_type (u) == G_TYPE_STRING)
                skipped += add_url (json_node_get_string (u), username, credential, stun, turn);
              else
                skipped++;
            }
        }
      else
        skipped++;
    }

  g_ptr_array_add (stun, NULL);
  g_ptr_array_add (turn, NULL);
  *out_stun_uris = (GStrv) g_ptr_array_steal (stun, NULL);
  *out_turn_uris = (GStrv) g_ptr_array_steal (turn, NULL);
  return skipped;
}
