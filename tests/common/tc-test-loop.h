/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Waiting in tests that drive asynchronous objects on the thread-default main context.
 *
 *   ck_assert (tc_test_wait_until (is_connected, call, 20000));   // FALSE on timeout
 *   tc_test_spin (500);    // let pending work run for half a second
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef gboolean (*TcTestPredicate) (gpointer data);

/* Iterates the thread-default main context until @predicate (@data) holds, or
 * @timeout_ms passes. Returns whether it held. */
gboolean tc_test_wait_until (TcTestPredicate predicate,
                             gpointer        data,
                             guint           timeout_ms);
/* Iterates the thread-default main context for @ms milliseconds. */
void     tc_test_spin       (guint           ms);

G_END_DECLS
