/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-media"

#include "tc-ice-uri.h"
#include "tc-media-error.h"

#include <string.h>

static gboolean
check_input (const char  *s,
             const char  *what,
             GError     **error)
{
  if (s == NULL || *s == '\0')
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_URI, "Empty %s", what);
      return FALSE;
    }
  if (strnlen (s, TC_ICE_URI_MAX + 1) > TC_ICE_URI_MAX)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_URI, "The %s is too long", what);
      return FALSE;
    }
  for (const char *p = s; *p; p++)
    if ((guchar) *p <= 0x20 || (guchar) *p == 0x7f)
      {
        g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_URI,
                     "The %s contains spaces or control characters", what);
        return FALSE;
      }
  return TRUE;
}

/* "host:port" or "[v6]:port", optionally followed by "?query". */
static gboolean
check_hostport (const char  *hostport,
                GError     **error)
{
  const char *end = strchr (hostport, '?');
  gsize len = end ? (gsize) (end - hostport) : strlen (hostport);

  if (len == 0 || hostport[0] == ':' || memchr (hostport, '@', len) != NULL ||
      memchr (hostport, '/', len) != NULL)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_URI, "The ICE server host is not valid");
      return FALSE;
    }
  return TRUE;
}

char *
tc_ice_uri_normalize_stun (const char  *uri,
                           GError     **error)
{
  const char *rest;

  if (!check_input (uri, "STUN URI", error))
    return NULL;

  if (g_str_has_prefix (uri, "stun://"))
    rest = uri + 7;
  else if (g_str_has_prefix (uri, "stun:"))
    rest = uri + 5;
  else
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_URI, "Not a STUN URI");
      return NULL;
    }
  if (!check_hostport (rest, error))
    return NULL;
  return g_strconcat ("stun://", rest, NULL);
}

static char *
escape_part (const char *raw)
{
  /* Undo any escaping the caller did, then escape everything outside unreserved. */
  g_autofree char *plain = g_uri_unescape_string (raw, NULL);

  return g_uri_escape_string (plain ? plain : raw, NULL, FALSE);
}

static char *
build_turn (const char  *scheme,
            const char  *user,
            const char  *pass,
            const char  *hostport,
            GError     **error)
{
  g_autofree char *euser = NULL;
  g_autofree char *epass = NULL;

  if (*user == '\0' || *pass == '\0')
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_URI, "The TURN server needs a username and a password");
      return NULL;
    }
  if (!check_hostport (hostport, error))
    return NULL;
  euser = escape_part (user);
  epass = escape_part (pass);
  return g_strdup_printf ("%s://%s:%s@%s", scheme, euser, epass, hostport);
}

static const char *
turn_scheme (const char  *uri,
             const char **rest)
{
  if (g_str_has_prefix (uri, "turns://"))
    return *rest = uri + 8, "turns";
  if (g_str_has_prefix (uri, "turn://"))
    return *rest = uri + 7, "turn";
  if (g_str_has_prefix (uri, "turns:"))
    return *rest = uri + 6, "turns";
  if (g_str_has_prefix (uri, "turn:"))
    return *rest = uri + 5, "turn";
  return NULL;
}

char *
tc_ice_uri_normalize_turn (const char  *uri,
                           GError     **error)
{
  const char *rest = NULL, *scheme, *at, *colon;
  g_autofree char *userinfo = NULL;
  g_autofree char *user = NULL;

  if (!check_input (uri, "TURN URI", error))
    return NULL;
  scheme = turn_scheme (uri, &rest);
  if (scheme == NULL)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_URI, "Not a TURN URI");
      return NULL;
    }

  at = strrchr (rest, '@');
  if (at == NULL)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_URI, "The TURN URI has no credentials");
      return NULL;
    }
  userinfo = g_strndup (rest, at - rest);
  colon = strrchr (userinfo, ':');
  if (colon == NULL)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_URI, "The TURN URI has no password");
      return NULL;
    }
  user = g_strndup (userinfo, colon - userinfo);
  return build_turn (scheme, user, colon + 1, at + 1, error);
}

char *
tc_ice_server_to_turn_uri (const char  *url,
                           const char  *username,
                           const char  *credential,
                           GError     **error)
{
  const char *rest = NULL, *scheme;

  if (!check_input (url, "TURN URL", error) ||
      !check_input (username, "TURN username", error) ||
      !check_input (credential, "TURN credential", error))
    return NULL;
  scheme = turn_scheme (url, &rest);
  if (scheme == NULL)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_URI, "Not a TURN URL");
      return NULL;
    }
  if (strchr (rest, '@') != NULL)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_BAD_URI, "The TURN URL already has credentials");
      return NULL;
    }
  return build_turn (scheme, username, credential, rest, error);
}
