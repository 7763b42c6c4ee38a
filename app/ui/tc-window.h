/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcWindow: one consultation in one window. Owns a TcConsultation and binds the
 * pages (views) to it: state → page, properties → widgets, widget signals →
 * consultation methods. Never touches signalling or webrtcbin directly. */
#pragma once

#include <adwaita.h>

#include "tc-consultation.h"
#include "tc-video-paintable.h"

G_BEGIN_DECLS

#define TC_TYPE_WINDOW (tc_window_get_type ())
G_DECLARE_FINAL_TYPE (TcWindow, tc_window, TC, WINDOW, AdwApplicationWindow)

TcWindow         *tc_window_new                   (GtkApplication *app,
                                                   TcMediaMode     media_mode);
/* Patient: the join page, filled with @invitation (link or code) and @display_name. */
void              tc_window_show_join             (TcWindow   *self,
                                                   const char *invitation,
                                                   const char *display_name);
/* Practitioner: the sign-in page; @server_url NULL keeps "This computer (LAN)". */
void              tc_window_show_sign_in          (TcWindow   *self,
                                                   const char *server_url);
/* Practitioner in LAN mode at once (--lan), as @display_name. */
void              tc_window_host_lan              (TcWindow   *self,
                                                   const char *display_name);
/* Demo mode (tools/run-demo.sh): the practitioner creates a consultation as soon
 * as it is signed in and writes the invitation link to @invitation_file; the
 * patient consents and joins by itself. Never for real use. */
void              tc_window_set_demo              (TcWindow   *self,
                                                   gboolean    demo,
                                                   const char *invitation_file);

TcConsultation   *tc_window_get_consultation      (TcWindow   *self);
/* "join", "precall", "patient-waiting", "sign-in", "home", "call", "summary", "error". */
const char       *tc_window_get_page_name         (TcWindow   *self);
GtkWidget        *tc_window_get_page              (TcWindow   *self,
                                                   const char *name);
TcVideoPaintable *tc_window_get_remote_paintable  (TcWindow   *self);
TcVideoPaintable *tc_window_get_local_paintable   (TcWindow   *self);
/* Where the devices panel puts its widgets during a call. */
GtkBox           *tc_window_get_devices_area      (TcWindow   *self);
/* Patient: send an exam camera and a stethoscope (clinical tracks) in the next calls, with
 * their controls on the call page.  Off by default (--clinical turns it on). */
void              tc_window_set_clinical          (TcWindow   *self,
                                                   gboolean    clinical);
/* The exam camera paintables: @remote TRUE the peer's, FALSE my own preview. */
TcVideoPaintable *tc_window_get_exam_paintable    (TcWindow   *self,
                                                   gboolean    remote);

G_END_DECLS
