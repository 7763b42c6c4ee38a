/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "tc-test-loop.h"

static gboolean
never (gpointer data)
{
  return FALSE;
}

gboolean
tc_test_wait_until (TcTestPredicate predicate,
                    gpointer        data,
                    guint           timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  GMainContext *context = g_main_context_get_thread_default ();

  while (!predicate (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      /* Non-blocking with a short sleep: timers of other threads' work (webrtcbin hops,
       * worker tasks) are noticed within a millisecond or two. */
      g_main_context_iteration (context, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

void
tc_test_spin (guint ms)
{
  tc_test_wait_until (never, NULL, ms);
}
