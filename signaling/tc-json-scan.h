/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal to signaling/: the strict JSON lexer that runs before json-glib
 * (see tc_json_scan) and a check on what json-glib produced. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One linear, bounded pass: refuses (TC_PROTOCOL_ERROR_BAD_JSON) anything but RFC 8259
 * tokens, more than one top-level value and nesting deeper than TC_PROTOCOL_MAX_DEPTH.
 * @out_has_doubles (optional) is set when a number has a fraction or an exponent. */
gboolean tc_json_scan (const char *data,
                       gsize       length,
                       gboolean   *out_has_doubles,
                       GError    **error);

G_END_DECLS
