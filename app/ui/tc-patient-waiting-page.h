/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcPatientWaitingPage: a calm page while the patient waits to be admitted;
 * shows for how long, emits "leave". */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TC_TYPE_PATIENT_WAITING_PAGE (tc_patient_waiting_page_get_type ())
G_DECLARE_FINAL_TYPE (TcPatientWaitingPage, tc_patient_waiting_page, TC, PATIENT_WAITING_PAGE, AdwBin)

GtkWidget *tc_patient_waiting_page_new (void);
/* Restarts the "waiting for" clock (monotonic time, µs). */
void       tc_patient_waiting_page_start (TcPatientWaitingPage *self,
                                          gint64                since_monotonic_us);

G_END_DECLS
