/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcConsultation end to end in one process: a real teleconsult-server on loopback,
 * a practitioner and a patient each with their own consultation object, test sources,
 * ICE on 127.0.0.1. */
#include <check.h>
#include <stdlib.h>

#include <gst/gst.h>

#include "tc-consultation.h"
#include "tc-protocol.h"
#include "tc-test-loop.h"
#include "tc-test-server.h"

typedef struct {
  TcConsultation *consultation;
  gboolean        done;
  gboolean        ok;
  GError         *error;
  int             chats_from_me;
  int             chats_from_peer;
  char           *last_chat;
  GPtrArray      *readings;   /* ids received, in order */
} Side;

static gboolean
side_done (gpointer data)
{
  return ((Side *) data)->done;
}

static void
on_finished (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Side *side = user_data;

  side->done = TRUE;
  if (g_async_result_is_tagged (result, tc_consultation_sign_in_async))
    side->ok = tc_consultation_sign_in_finish (TC_CONSULTATION (source), result, &side->error);
  else if (g_async_result_is_tagged (result, tc_consultation_join_async))
    side->ok = tc_consultation_join_finish (TC_CONSULTATION (source), result, &side->error);
  else if (g_async_result_is_tagged (result, tc_consultation_create_async))
    side->ok = tc_consultation_create_finish (TC_CONSULTATION (source), result, &side->error);
  else if (g_async_result_is_tagged (result, tc_consultation_host_lan_async))
    side->ok = tc_consultation_host_lan_finish (TC_CONSULTATION (source), result, &side->error);
  else
    ck_abort_msg ("unexpected async result");
}

static void
on_chat (TcConsultation *consultation,
         const char     *from_name,
         const char     *text,
         gint64          ts,
         gboolean        from_me,
         Side           *side)
{
  ck_assert_int_gt (ts, 0);
  if (from_me)
    side->chats_from_me++;
  else
    side->chats_from_peer++;
  g_free (side->last_chat);
  side->last_chat = g_strdup (text);
}

static void
on_reading (TcConsultation *consultation,
            TcReading      *reading,
            Side           *side)
{
  g_ptr_array_add (side->readings, g_strdup (reading->id));
}

static void
side_init (Side *side)
{
  g_autoptr(TcMediaFactory) factory = tc_media_factory_new_with_mode (TC_MEDIA_MODE_TEST);

  memset (side, 0, sizeof *side);
  side->consultation = tc_consultation_new (factory);
  tc_consultation_add_local_address (side->consultation, "127.0.0.1");
  g_signal_connect (side->consultation, "chat-received", G_CALLBACK (on_chat), side);
  side->readings = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (side->consultation, "reading-received", G_CALLBACK (on_reading), side);
}

static void
side_reset (Side *side)
{
  side->done = FALSE;
  side->ok = FALSE;
  g_clear_error (&side->error);
}

static void
side_clear (Side *side)
{
  g_clear_error (&side->error);
  g_clear_pointer (&side->last_chat, g_free);
  g_clear_pointer (&side->readings, g_ptr_array_unref);
  g_clear_object (&side->consultation);
}

static TcConsultationState
state_of (Side *side)
{
  return tc_consultation_get_state (side->consultation);
}

static gboolean
waiting_room_has_one (gpointer data)
{
  return g_list_model_get_n_items (tc_consultation_get_waiting_room (data)) == 1;
}

typedef struct {
  Side *a;
  Side *b;
} Pair;

static gboolean
both_connected (gpointer data)
{
  Pair *p = data;
  TcCallSession *ca = tc_consultation_get_call_session (p->a->consultation);
  TcCallSession *cb = tc_consultation_get_call_session (p->b->consultation);

  return ca != NULL && cb != NULL
         && tc_call_session_get_state (ca) == TC_CALL_STATE_CONNECTED
         && tc_call_session_get_state (cb) == TC_CALL_STATE_CONNECTED
         && tc_consultation_get_verification_code (p->a->consultation) != NULL
         && tc_consultation_get_verification_code (p->b->consultation) != NULL;
}

static gboolean
chats_arrived (gpointer data)
{
  Pair *p = data;

  return p->a->chats_from_peer == 1 && p->b->chats_from_me == 1;
}

static gboolean
patient_ended (gpointer data)
{
  return state_of (data) == TC_CONSULTATION_STATE_ENDED;
}

static gboolean
in_call (gpointer data)
{
  return state_of (data) == TC_CONSULTATION_STATE_IN_CALL;
}

/* Signs in (or hosts in LAN mode), creates a consultation, joins it as the patient and
 * admits: leaves both sides IN_CALL. */
static void
start_consultation (Side         *doctor,
                    Side         *patient,
                    TcTestServer *srv)
{
  if (srv != NULL)
    tc_consultation_sign_in_async (doctor->consultation, srv->url, srv->username, srv->password,
                                   NULL, on_finished, doctor);
  else
    tc_consultation_host_lan_async (doctor->consultation, "Dr LAN", NULL, on_finished, doctor);
  ck_assert (tc_test_wait_until (side_done, doctor, 15000));
  ck_assert_msg (doctor->ok, "sign in failed: %s", doctor->error ? doctor->error->message : "?");
  ck_assert_int_eq (state_of (doctor), TC_CONSULTATION_STATE_SIGNED_IN);
  ck_assert_int_eq (tc_consultation_get_role (doctor->consultation), TC_CONSULTATION_ROLE_PRACTITIONER);

  side_reset (doctor);
  tc_consultation_create_async (doctor->consultation, "Follow-up", NULL, on_finished, doctor);
  ck_assert (tc_test_wait_until (side_done, doctor, 10000));
  ck_assert_msg (doctor->ok, "create failed: %s", doctor->error ? doctor->error->message : "?");
  ck_assert (g_str_has_prefix (tc_consultation_get_invitation_url (doctor->consultation), "teleconsult://join?"));
  ck_assert_int_eq (strlen (tc_consultation_get_invitation_code (doctor->consultation)), 9);

  tc_consultation_join_async (patient->consultation, tc_consultation_get_invitation_url (doctor->consultation),
                              "Alice Martin", NULL, on_finished, patient);
  ck_assert (tc_test_wait_until (side_done, patient, 10000));
  ck_assert_msg (patient->ok, "join failed: %s", patient->error ? patient->error->message : "?");
  ck_assert_int_eq (state_of (patient), TC_CONSULTATION_STATE_WAITING);

  ck_assert_msg (tc_test_wait_until (waiting_room_has_one, doctor->consultation, 10000), "the queue stayed empty");
  {
    g_autoptr(TcWaitingEntry) entry = g_list_model_get_item (tc_consultation_get_waiting_room (doctor->consultation), 0);

    ck_assert_str_eq (tc_waiting_entry_get_display_name (entry), "Alice Martin");
    ck_assert_int_gt (tc_waiting_entry_get_waiting_since (entry), 0);
    tc_consultation_admit (doctor->consultation, tc_waiting_entry_get_participant_id (entry));
  }

  ck_assert (tc_test_wait_until (in_call, patient, 10000));
  ck_assert (tc_test_wait_until (in_call, doctor, 10000));
  ck_assert_str_eq (tc_consultation_get_peer_name (doctor->consultation), "Alice Martin");
}

START_TEST (test_full_consultation)
{
  g_autoptr(GError) error = NULL;
  TcTestServer *srv = tc_test_server_new (NULL, &error);
  Side doctor, patient;
  Pair pair = { &patient, &doctor };

  ck_assert_msg (srv != NULL, "server: %s", error ? error->message : "?");
  side_init (&doctor);
  side_init (&patient);

  start_consultation (&doctor, &patient, srv);

  ck_assert_msg (tc_test_wait_until (both_connected, &pair, 60000), "the call never connected");
  /* Both people read the same code: no one swapped the DTLS fingerprints. */
  ck_assert_str_eq (tc_consultation_get_verification_code (doctor.consultation),
                    tc_consultation_get_verification_code (patient.consultation));
  ck_assert_int_gt (tc_consultation_get_call_started_at (doctor.consultation), 0);

  ck_assert (tc_consultation_send_chat (patient.consultation, "Bonjour docteur", &error));
  ck_assert_ptr_null (error);
  {
    Pair chat_pair = { &doctor, &patient };

    ck_assert (tc_test_wait_until (chats_arrived, &chat_pair, 10000));
  }
  ck_assert_str_eq (doctor.last_chat, "Bonjour docteur");

  /* An empty message is refused with an error, not sent. */
  ck_assert (!tc_consultation_send_chat (patient.consultation, "", &error));
  ck_assert_ptr_nonnull (error);
  g_clear_error (&error);

  tc_consultation_hang_up (doctor.consultation);
  ck_assert_int_eq (state_of (&doctor), TC_CONSULTATION_STATE_ENDED);
  ck_assert_ptr_null (tc_consultation_get_call_session (doctor.consultation));
  ck_assert_msg (tc_test_wait_until (patient_ended, &patient, 10000), "the patient never learnt the end");
  ck_assert_ptr_null (tc_consultation_get_call_session (patient.consultation));

  side_clear (&doctor);
  side_clear (&patient);
  tc_test_server_free (srv);
}
END_TEST

START_TEST (test_bad_invitations)
{
  g_autoptr(GError) error = NULL;
  TcTestServer *srv = tc_test_server_new (NULL, &error);
  g_autofree char *unknown = NULL;
  g_autofree char *escaped = NULL;
  Side patient;

  ck_assert_msg (srv != NULL, "server: %s", error ? error->message : "?");
  side_init (&patient);

  tc_consultation_join_async (patient.consultation, "https://example.org/not-an-invitation", "Bob",
                              NULL, on_finished, &patient);
  ck_assert (tc_test_wait_until (side_done, &patient, 5000));
  ck_assert (!patient.ok);
  ck_assert (g_error_matches (patient.error, TC_CONSULTATION_ERROR, TC_CONSULTATION_ERROR_BAD_INVITATION));
  side_clear (&patient);

  /* Well formed, but no such invitation: the server says so. */
  side_init (&patient);
  escaped = g_uri_escape_string (srv->url, NULL, FALSE);
  unknown = g_strdup_printf ("teleconsult://join?server=%s&token=%s", escaped,
                             "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  tc_consultation_join_async (patient.consultation, unknown, "Bob", NULL, on_finished, &patient);
  ck_assert (tc_test_wait_until (side_done, &patient, 10000));
  ck_assert (!patient.ok);
  ck_assert_msg (g_error_matches (patient.error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_INVALID_TOKEN),
                 "unexpected error: %s", patient.error->message);
  side_clear (&patient);

  tc_test_server_free (srv);
}
END_TEST

START_TEST (test_wrong_password)
{
  g_autoptr(GError) error = NULL;
  TcTestServer *srv = tc_test_server_new (NULL, &error);
  Side doctor;

  ck_assert_msg (srv != NULL, "server: %s", error ? error->message : "?");
  side_init (&doctor);
  tc_consultation_sign_in_async (doctor.consultation, srv->url, srv->username, "not the password",
                                 NULL, on_finished, &doctor);
  ck_assert (tc_test_wait_until (side_done, &doctor, 15000));
  ck_assert (!doctor.ok);
  ck_assert (g_error_matches (doctor.error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_CREDENTIALS));
  side_clear (&doctor);
  tc_test_server_free (srv);
}
END_TEST

/* LAN mode serving other computers: TLS with the practitioner's own certificate,
 * trusted by the patient through the fingerprint in the link, and by nothing else. */
START_TEST (test_lan_mode_tls)
{
  g_autofree char *tampered = NULL;
  const char *url;
  const char *fp;
  Side doctor, patient, intruder;

  side_init (&doctor);
  side_init (&patient);
  /* The loopback address stands in for the LAN one: the test sends nothing elsewhere. */
  tc_consultation_set_lan_address (doctor.consultation, "127.0.0.1");

  start_consultation (&doctor, &patient, NULL);
  url = tc_consultation_get_invitation_url (doctor.consultation);
  ck_assert_msg (g_str_has_prefix (url, "teleconsult://join?server=wss%3A%2F%2F127.0.0.1%3A"), "%s", url);
  fp = strstr (url, "&fp=");
  ck_assert_ptr_nonnull (fp);
  ck_assert_uint_eq (strlen (fp + 4), 43);

  /* Someone else's certificate fingerprint: the connection is refused. */
  tampered = g_strdup (url);
  tampered[strlen (tampered) - 1] = tampered[strlen (tampered) - 1] == 'A' ? 'B' : 'A';
  side_init (&intruder);
  tc_consultation_join_async (intruder.consultation, tampered, "Mallory", NULL, on_finished, &intruder);
  ck_assert (tc_test_wait_until (side_done, &intruder, 10000));
  ck_assert (!intruder.ok);
  ck_assert_msg (intruder.error->domain == G_TLS_ERROR || intruder.error->domain == G_IO_ERROR,
                 "unexpected error: %s", intruder.error->message);
  side_clear (&intruder);

  tc_consultation_hang_up (doctor.consultation);
  ck_assert (tc_test_wait_until (patient_ended, &patient, 10000));
  side_clear (&patient);
  side_clear (&doctor);
}
END_TEST

static TcReading *
blood_pressure (double systolic,
                double diastolic)
{
  TcReading *reading = tc_reading_new (TC_READING_KIND_BLOOD_PRESSURE);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  tc_reading_add_component (reading, TC_COMPONENT_SYSTOLIC, TC_VALUE_PRESENT, systolic, 0, "mm[Hg]");
  tc_reading_add_component (reading, TC_COMPONENT_DIASTOLIC, TC_VALUE_PRESENT, diastolic, 0, "mm[Hg]");
  tc_reading_set_timestamp (reading, now);
  return reading;
}

typedef struct {
  Side *receiver;
  guint n;
} Count;

static gboolean
readings_arrived (gpointer data)
{
  Count *c = data;

  return c->receiver->readings->len >= c->n;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static gboolean
all_acknowledged (gpointer data)
{
  return tc_consultation_get_pending_readings (data) == 0;
}

/* Readings taken in the waiting room wait; once the call is up every one arrives,
 * exactly once and in order, and the patient's queue empties as acks come back. */
START_TEST (test_readings_delivery)
{
  g_autoptr(GError) error = NULL;
  TcTestServer *srv;
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_free);
  Side doctor, patient;
  Pair pair = { &patient, &doctor };
  Count count = { &doctor, 6 };
  guint pending_notifies = 0;

  srv = tc_test_server_new (NULL, &error);
  ck_assert_msg (srv != NULL, "server: %s", error ? error->message : "?");
  side_init (&doctor);
  side_init (&patient);

  /* Before joining there is nowhere to keep them: a clear error, nothing half done. */
  {
    g_autoptr(TcReading) early = blood_pressure (120, 80);

    ck_assert (!tc_consultation_submit_reading (patient.consultation, early, &error));
    ck_assert (g_error_matches (error, TC_CONSULTATION_ERROR, TC_CONSULTATION_ERROR_WRONG_STATE));
    g_clear_error (&error);
  }

  /* Start, but submit three readings while the patient still waits. */
  tc_consultation_sign_in_async (doctor.consultation, srv->url, srv->username, srv->password,
                                 NULL, on_finished, &doctor);
  ck_assert (tc_test_wait_until (side_done, &doctor, 15000) && doctor.ok);
  side_reset (&doctor);
  tc_consultation_create_async (doctor.consultation, NULL, NULL, on_finished, &doctor);
  ck_assert (tc_test_wait_until (side_done, &doctor, 10000) && doctor.ok);
  tc_consultation_join_async (patient.consultation, tc_consultation_get_invitation_url (doctor.consultation),
                              "Alice", NULL, on_finished, &patient);
  ck_assert (tc_test_wait_until (side_done, &patient, 10000) && patient.ok);

  g_signal_connect (patient.consultation, "notify::pending-readings", G_CALLBACK (count_notify),
                    &pending_notifies);
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(TcReading) r = blood_pressure (110 + i, 70 + i);

      ck_assert (tc_consultation_submit_reading (patient.consultation, r, &error));
      g_ptr_array_add (sent, g_strdup (r->id));
    }
  ck_assert_uint_eq (tc_consultation_get_pending_readings (patient.consultation), 3);

  ck_assert (tc_test_wait_until (waiting_room_has_one, doctor.consultation, 10000));
  {
    g_autoptr(TcWaitingEntry) entry = g_list_model_get_item (tc_consultation_get_waiting_room (doctor.consultation), 0);

    tc_consultation_admit (doctor.consultation, tc_waiting_entry_get_participant_id (entry));
  }
  ck_assert_msg (tc_test_wait_until (both_connected, &pair, 60000), "the call never connected");

  for (int i = 3; i < 6; i++)
    {
      g_autoptr(TcReading) r = blood_pressure (110 + i, 70 + i);

      ck_assert (tc_consultation_submit_reading (patient.consultation, r, &error));
      g_ptr_array_add (sent, g_strdup (r->id));
    }

  ck_assert_msg (tc_test_wait_until (readings_arrived, &count, 20000), "only %u readings arrived", doctor.readings->len);
  ck_assert_msg (tc_test_wait_until (all_acknowledged, patient.consultation, 20000), "acks did not come back");
  /* Give a duplicate the time to show up, then check: exactly once, in order. */
  tc_test_spin (500);
  ck_assert_uint_eq (doctor.readings->len, sent->len);
  /* Six submits and six acknowledgements, each announced, so no window needs to poll. */
  ck_assert_uint_ge (pending_notifies, 12);
  for (guint i = 0; i < sent->len; i++)
    ck_assert_str_eq (g_ptr_array_index (doctor.readings, i), g_ptr_array_index (sent, i));

  tc_consultation_hang_up (doctor.consultation);
  side_clear (&doctor);
  side_clear (&patient);
  tc_test_server_free (srv);
}
END_TEST

/* LAN mode: the practitioner's consultation hosts the embedded server itself. */
START_TEST (test_lan_mode)
{
  Side doctor, patient;

  side_init (&doctor);
  side_init (&patient);

  start_consultation (&doctor, &patient, NULL);
  ck_assert (g_str_has_prefix (tc_consultation_get_invitation_url (doctor.consultation),
                               "teleconsult://join?server=ws%3A%2F%2F127.0.0.1%3A"));

  tc_consultation_hang_up (doctor.consultation);
  ck_assert_msg (tc_test_wait_until (patient_ended, &patient, 10000), "the patient never learnt the end");

  side_clear (&patient);
  side_clear (&doctor);
}
END_TEST

int
main (int    argc,
      char **argv)
{
  Suite *s = suite_create ("consultation");
  TCase *tc = tcase_create ("loopback");
  SRunner *sr;
  int failed;

  gst_init (&argc, &argv);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_full_consultation);
  tcase_add_test (tc, test_bad_invitations);
  tcase_add_test (tc, test_wrong_password);
  tcase_add_test (tc, test_readings_delivery);
  suite_add_tcase (s, tc);
  /* LAN mode (embedded server) apart: CK_RUN_CASE=lan runs just these. */
  tc = tcase_create ("lan");
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_lan_mode);
  tcase_add_test (tc, test_lan_mode_tls);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
