/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "tc-consultation.h"
#include "tc-invitation.h"
#include "tc-token.h"

static gboolean
is_websocket_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  return g_strcmp0 (scheme, "ws") == 0 || g_strcmp0 (scheme, "wss") == 0;
}

static gboolean
bad_invitation (GError **error)
{
  g_set_error_literal (error, TC_CONSULTATION_ERROR, TC_CONSULTATION_ERROR_BAD_INVITATION,
                       _("This invitation link is not complete. Please copy the whole link "
                         "from the message your practitioner sent, and try again."));
  return FALSE;
}

gboolean
tc_invitation_parse (const char  *link,
                     char       **out_server_url,
                     char       **out_token,
                     char       **out_fingerprint,
                     GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) params = NULL;
  const char *server;
  const char *token;
  const char *fingerprint;

  g_return_val_if_fail (out_server_url != NULL && out_token != NULL, FALSE);

  if (link == NULL || strnlen (link, TC_INVITATION_MAX_LENGTH + 1) > TC_INVITATION_MAX_LENGTH)
    return bad_invitation (error);
  if (!g_utf8_validate (link, -1, NULL))
    return bad_invitation (error);

  trimmed = g_strstrip (g_strdup (link));
  uri = g_uri_parse (trimmed, G_URI_FLAGS_ENCODED_QUERY, NULL);
  if (uri == NULL
      || g_strcmp0 (g_uri_get_scheme (uri), "teleconsult") != 0
      || g_strcmp0 (g_uri_get_host (uri), "join") != 0
      || g_uri_get_query (uri) == NULL)
    return bad_invitation (error);

  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  if (params == NULL)
    return bad_invitation (error);

  server = g_hash_table_lookup (params, "server");
  token = g_hash_table_lookup (params, "token");
  fingerprint = g_hash_table_lookup (params, "fp");
  if (server == NULL || token == NULL || !is_websocket_url (server) || !tc_token_is_well_formed (token))
    return bad_invitation (error);
  /* Same shape as a token: 43 base64url characters (a SHA-256). */
  if (fingerprint != NULL && (!tc_token_is_well_formed (fingerprint) || !g_str_has_prefix (server, "wss:")))
    return bad_invitation (error);

  *out_server_url = g_strdup (server);
  *out_token = g_strdup (token);
  if (out_fingerprint != NULL)
    *out_fingerprint = g_strdup (fingerprint);
  return TRUE;
}

char *
tc_invitation_build (const char *server_url,
                     const char *token)
{
  g_autofree char *escaped_server = g_uri_escape_string (server_url, NULL, FALSE);
  g_autofree char *escaped_token = g_uri_escape_string (token, NULL, FALSE);

  return g_strdup_printf ("teleconsult://join?server=%s&token=%s", escaped_server, escaped_token);
}
