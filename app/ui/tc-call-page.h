/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcCallPage: the call. Remote video large, self view in a corner, controls with
 * words under their icons, timer, connection quality, security code, chat and
 * participants, a devices area, and a "Reconnecting…" overlay. A view: the window
 * binds its properties to the consultation; it emits "hang-up" (after the person
 * confirmed) and "send-chat". */
#pragma once

#include <adwaita.h>

#include "tc-video-paintable.h"

G_BEGIN_DECLS

/* Same order as TcQualityLevel (media/tc-call-stats.h). */
typedef enum {
  TC_CALL_QUALITY_UNKNOWN,
  TC_CALL_QUALITY_GOOD,
  TC_CALL_QUALITY_FAIR,
  TC_CALL_QUALITY_POOR,
} TcCallQuality;

#define TC_TYPE_CALL_PAGE (tc_call_page_get_type ())
G_DECLARE_FINAL_TYPE (TcCallPage, tc_call_page, TC, CALL_PAGE, AdwBin)

GtkWidget  *tc_call_page_new                  (void);
void        tc_call_page_reset                (TcCallPage   *self);
void        tc_call_page_set_remote_paintable (TcCallPage   *self,
                                               GdkPaintable *paintable);
void        tc_call_page_set_local_paintable  (TcCallPage   *self,
                                               GdkPaintable *paintable);
void        tc_call_page_set_peer_name        (TcCallPage   *self,
                                               const char   *peer_name);
void        tc_call_page_set_verification_code (TcCallPage  *self,
                                                const char  *code);
/* @details: tooltip, e.g. "Round trip 40 ms · loss 0.1 % · direct". */
void        tc_call_page_set_quality          (TcCallPage    *self,
                                               TcCallQuality  quality,
                                               const char    *details);
/* Monotonic time (µs) when media connected; 0 while connecting. */
void        tc_call_page_set_started_at       (TcCallPage   *self,
                                               gint64        monotonic_us);
void        tc_call_page_add_chat_message     (TcCallPage   *self,
                                               const char   *from_name,
                                               const char   *text,
                                               gint64        server_ts_ms,
                                               gboolean      from_me);
/* Asks "End the consultation?"; emits "hang-up" if confirmed. */
void        tc_call_page_request_hang_up      (TcCallPage   *self);
/* The box where the devices panel puts its widgets. */
GtkBox     *tc_call_page_get_devices_area     (TcCallPage   *self);
const char *tc_call_page_get_timer_text       (TcCallPage   *self);
guint       tc_call_page_get_unread_count     (TcCallPage   *self);
gboolean    tc_call_page_get_microphone_muted (TcCallPage   *self);
gboolean    tc_call_page_get_camera_off       (TcCallPage   *self);
gboolean    tc_call_page_get_reconnecting     (TcCallPage   *self);

/* Clinical media.  Properties: "clinical-station" (shows the exam camera and stethoscope
 * toggles), "exam-camera-active", "stethoscope-active" (the toggles), "still-consent"
 * (practitioner's "Keep Pictures" switch), "remote-stethoscope-active" (practitioner's
 * indicator).  Signal "take-still" (): the practitioner pressed "Take a Picture".
 * @exam_preview: the station's own exam camera; @remote_exam: the peer's, shown beside the
 * face while its frames come (with the picture button and the consent switch). */
void        tc_call_page_set_exam_paintables  (TcCallPage       *self,
                                               TcVideoPaintable *exam_preview,
                                               TcVideoPaintable *remote_exam);
/* The picture the practitioner asked for, and whether it was kept. */
void        tc_call_page_show_still           (TcCallPage   *self,
                                               GdkTexture   *texture,
                                               gboolean      kept);
gboolean    tc_call_page_get_remote_exam_shown (TcCallPage  *self);
gboolean    tc_call_page_get_still_shown      (TcCallPage   *self);
gboolean    tc_call_page_get_stethoscope_indicator_shown (TcCallPage *self);

G_END_DECLS
