/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One teleconsult-cli started by the test itself rather than by tc_e2e_call_start():
 * with an environment of its own (e.g. its own XDG_DATA_HOME), or started again after
 * it was killed. Its JSON lines land in a TcE2eClient, so every tc_e2e_client_*()
 * helper of tc-e2e-call.h reads it. A client stored in a TcE2eCall (practitioner or
 * patient) is freed with the call; any other with tc_e2e_cli_free(). */
#pragma once

#include "tc-e2e-call.h"

G_BEGIN_DECLS

/* Starts @argv (NULL-terminated, argv[0] the binary) inside @ns with TC_MEDIA_SOURCES=test
 * plus @env (KEY=VALUE strings, may be NULL), in @cwd (may be NULL). @label prefixes
 * the lines echoed to the test log. */
TcE2eClient *tc_e2e_cli_spawn      (const char          *label,
                                    const char          *ns,
                                    const char * const  *env,
                                    const char          *cwd,
                                    const char * const  *argv,
                                    GError             **error);
/* SIGKILL (no chance to hang up or flush anything), then waits up to @timeout_ms for
 * the exit and the last lines. FALSE if it did not die in time. */
gboolean     tc_e2e_cli_kill       (TcE2eClient         *client,
                                    guint                timeout_ms);
/* Terminates (SIGTERM, then SIGKILL) and frees. Safe on NULL. */
void         tc_e2e_cli_free       (TcE2eClient         *client);
/* The string member @key of every event named @event, in arrival order. */
GPtrArray   *tc_e2e_cli_collect    (TcE2eClient         *client,
                                    const char          *event,
                                    const char          *key);

G_END_DECLS
