/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Any error the consultation can report, said in plain words with the way forward. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TC_ERROR_ACTION_RETRY,       /* try the same thing again */
  TC_ERROR_ACTION_NEW_INVITE,  /* the invitation is no good: back to the join page */
  TC_ERROR_ACTION_SIGN_IN,     /* back to the sign-in page */
} TcErrorAction;

typedef struct {
  const char    *title;        /* short, title case */
  const char    *what_to_do;   /* one or two sentences */
  const char    *action_label; /* with a mnemonic */
  TcErrorAction  action;
  gboolean       show_message; /* nothing specific is known: show error->message too */
} TcErrorText;

/* Fills @out (translated, static strings) for @error. Never fails: unknown errors
 * get a general message. */
void tc_error_text_describe (const GError *error,
                             TcErrorText  *out);

G_END_DECLS
