/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal to signaling/: the strict JSON lexer that runs before json-glib
 * (see tc_json_scan) and a check on what json-glib produced. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One linear, bounded pass: refuses (TC_PROTOCOL_ERROR_BAD_JSON) anything but RFC 8259
 * tokens and nesting deeper than TC_PROTOCOL_MAX_DEPTH. */
gboolean tc_json_scan           (const char *data,
                                 gsize       length,
                                 GError    **error);
/* FALSE if a number became an infinity (1e999). Recursion bounded by the scan's depth. */
gboolean tc_json_numbers_finite (JsonNode   *node);

G_END_DECLS
