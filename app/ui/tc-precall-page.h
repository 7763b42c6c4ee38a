/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcPrecallPage: the check before joining. Camera preview, microphone level,
 * a test sound, and network checks, each passed or failed in plain words with
 * what to do. Fed by the window (TcDeviceCheck); emits "continue". */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef enum {
  TC_PRECALL_CHECK_CAMERA,
  TC_PRECALL_CHECK_MICROPHONE,
  TC_PRECALL_CHECK_SPEAKER,
  TC_PRECALL_CHECK_NETWORK,
  TC_PRECALL_CHECK_SERVER,
  TC_PRECALL_N_CHECKS,
} TcPrecallCheck;

typedef enum {
  TC_CHECK_STATUS_RUNNING,
  TC_CHECK_STATUS_PASSED,
  TC_CHECK_STATUS_FAILED,
} TcCheckStatus;

#define TC_TYPE_PRECALL_PAGE (tc_precall_page_get_type ())
G_DECLARE_FINAL_TYPE (TcPrecallPage, tc_precall_page, TC, PRECALL_PAGE, AdwBin)

GtkWidget     *tc_precall_page_new                  (void);
void           tc_precall_page_set_camera_paintable (TcPrecallPage *self,
                                                     GdkPaintable  *paintable);
/* 0 (silence) to 1 (loud). */
void           tc_precall_page_set_microphone_level (TcPrecallPage *self,
                                                     double         level);
double         tc_precall_page_get_microphone_level (TcPrecallPage *self);
/* @details: what was found, and if failed what to do, in plain words. */
void           tc_precall_page_set_check            (TcPrecallPage  *self,
                                                     TcPrecallCheck  check,
                                                     TcCheckStatus   status,
                                                     const char     *details);
TcCheckStatus  tc_precall_page_get_check            (TcPrecallPage  *self,
                                                     TcPrecallCheck  check);

G_END_DECLS
