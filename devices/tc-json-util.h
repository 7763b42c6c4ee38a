/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Small JSON helpers for the devices layer: bounded parsing and compact output whose numbers
 * read as the decimals they are (json-glib 1.6 prints 36.6 as 36.600000000000001). */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Compact JSON; doubles use the shortest form that reads back to the same double. */
char     *tc_json_to_string   (JsonNode    *node);

/* Parses `data` after checking size and nesting depth (json-glib recurses on nesting). */
JsonNode *tc_json_parse       (const char  *data,
                               gsize        len,
                               gsize        max_len,
                               guint        max_depth,
                               GError     **error);

/* Typed member access: NULL / FALSE without an error when absent, error when of the wrong type. */
const char *tc_json_get_string (JsonObject *obj,
                                const char *member,
                                gsize       max_len,
                                gboolean    required,
                                GError    **error);

G_END_DECLS
