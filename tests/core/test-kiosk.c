/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcKiosk against a real teleconsult-server: idle while nothing is scheduled, joins
 * by itself when a consultation is scheduled for its station, and rejoins after the
 * server has been gone for 30 seconds. */
#include <check.h>
#include <stdlib.h>

#include <gst/gst.h>

#include "tc-kiosk.h"
#include "tc-test-loop.h"
#include "tc-test-server.h"

static gboolean
is_idle (TcKiosk *kiosk)
{
  return tc_kiosk_get_status (kiosk) == TC_KIOSK_STATUS_IDLE;
}

static gboolean
is_waiting (TcKiosk *kiosk)
{
  TcConsultation *c = tc_kiosk_get_consultation (kiosk);

  return tc_kiosk_get_status (kiosk) == TC_KIOSK_STATUS_IN_CONSULTATION
         && c != NULL && tc_consultation_get_state (c) == TC_CONSULTATION_STATE_WAITING;
}

static gboolean
rejoined (TcKiosk *kiosk)
{
  return tc_kiosk_get_n_joins (kiosk) >= 2 && is_waiting (kiosk);
}

static gboolean
waiting_room_lists_kiosk (JsonObject *msg,
                          const char *name)
{
  JsonArray *entries = json_object_get_array_member (msg, "entries");

  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);

      if (g_strcmp0 (json_object_get_string_member (e, "role"), "kiosk") == 0
          && g_strcmp0 (json_object_get_string_member (e, "display_name"), name) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Waits until a waiting-room message lists the kiosk (the queue may be sent more than once). */
static gboolean
expect_kiosk_in_queue (TcTestWs   *ws,
                       const char *name)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(JsonObject) msg = tc_test_ws_expect (ws, "waiting-room", 1000);

      if (msg != NULL && waiting_room_lists_kiosk (msg, name))
        return TRUE;
    }
  return FALSE;
}

/* A port that is free now: a real server keeps its port across restarts, so the
 * test's server must too (the fixture otherwise binds an ephemeral one each time). */
static char *
free_port (void)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  ck_assert (g_socket_bind (sock, any, TRUE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  return g_strdup_printf ("%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
}

START_TEST (test_kiosk_joins_and_survives_outage)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *port = free_port ();
  const char *args[] = { "--port", port, NULL };
  TcTestServer *srv = tc_test_server_new (args, &error);
  g_autoptr(TcMediaFactory) factory = tc_media_factory_new_with_mode (TC_MEDIA_MODE_TEST);
  g_autoptr(TcKiosk) kiosk = NULL;
  TcTestWs *doctor;
  g_autoptr(JsonObject) created = NULL;

  ck_assert_msg (srv != NULL, "server: %s", error ? error->message : "?");

  kiosk = tc_kiosk_new (factory, srv->url, srv->kiosk_token, "Résidence Les Tilleuls");
  tc_kiosk_set_intervals (kiosk, 300, 1000);
  tc_kiosk_add_local_address (kiosk, "127.0.0.1");
  tc_kiosk_start (kiosk);

  /* Nothing scheduled: the station waits quietly and keeps asking. */
  ck_assert_msg (tc_test_wait_until ((TcTestPredicate) is_idle, kiosk, 10000), "status %d", tc_kiosk_get_status (kiosk));
  ck_assert_ptr_null (tc_kiosk_get_consultation (kiosk));

  /* A practitioner schedules a consultation for this station, for now. */
  doctor = tc_test_server_sign_in (srv, NULL);
  ck_assert_msg (doctor != NULL, "the practitioner could not sign in");
  tc_test_ws_sendf (doctor, "{\"type\":\"create-consultation\",\"rid\":\"c1\",\"kiosk\":\"%s\"}", srv->kiosk_station);
  created = tc_test_ws_expect (doctor, "consultation", 5000);
  ck_assert_ptr_nonnull (created);

  ck_assert_msg (tc_test_wait_until ((TcTestPredicate) is_waiting, kiosk, 15000), "the kiosk did not join by itself");
  ck_assert_uint_eq (tc_kiosk_get_n_joins (kiosk), 1);
  ck_assert (expect_kiosk_in_queue (doctor, "Résidence Les Tilleuls"));
  tc_test_ws_free (doctor);

  /* The server goes away for 30 s, then comes back with the same database. */
  tc_test_server_stop (srv);
  tc_test_spin (30000);
  ck_assert_int_ne (tc_kiosk_get_status (kiosk), TC_KIOSK_STATUS_STOPPED);
  ck_assert (tc_test_server_start (srv, &error));

  ck_assert_msg (tc_test_wait_until ((TcTestPredicate) rejoined, kiosk, 30000), "the kiosk did not rejoin (status %d, joins %u)",
                 tc_kiosk_get_status (kiosk), tc_kiosk_get_n_joins (kiosk));
  doctor = tc_test_server_sign_in (srv, NULL);
  ck_assert_msg (doctor != NULL, "the practitioner could not sign in");
  ck_assert (expect_kiosk_in_queue (doctor, "Résidence Les Tilleuls"));
  tc_test_ws_free (doctor);

  tc_kiosk_stop (kiosk);
  ck_assert_int_eq (tc_kiosk_get_status (kiosk), TC_KIOSK_STATUS_STOPPED);
  g_clear_object (&kiosk);
  tc_test_server_free (srv);
}
END_TEST

int
main (int    argc,
      char **argv)
{
  Suite *s = suite_create ("kiosk");
  TCase *tc = tcase_create ("loopback");
  SRunner *sr;
  int failed;

  gst_init (&argc, &argv);
  tcase_set_timeout (tc, 150);
  tcase_add_test (tc, test_kiosk_joins_and_survives_outage);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
