/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcKiosk: a nursing-home station that runs by itself. It joins the consultation
 * scheduled for its station with its device token, waits (showing the next one)
 * when nothing is scheduled, starts over after each consultation, and retries
 * forever when the server cannot be reached. No widgets here. */
#pragma once

#include "tc-consultation.h"

G_BEGIN_DECLS

typedef enum {
  TC_KIOSK_STATUS_STOPPED,
  TC_KIOSK_STATUS_CONNECTING,      /* asking the server for this station's consultation */
  TC_KIOSK_STATUS_IDLE,            /* nothing scheduled now; see next-scheduled-at */
  TC_KIOSK_STATUS_IN_CONSULTATION, /* waiting room or call: see the consultation's state */
  TC_KIOSK_STATUS_OFFLINE,         /* the server cannot be reached; retrying */
} TcKioskStatus;

#define TC_TYPE_KIOSK (tc_kiosk_get_type ())
G_DECLARE_FINAL_TYPE (TcKiosk, tc_kiosk, TC, KIOSK, GObject)

TcKiosk         *tc_kiosk_new                   (TcMediaFactory *factory,
                                                 const char     *server_url,
                                                 const char     *device_token,
                                                 const char     *display_name);
/* How often to ask again when nothing is scheduled, and the longest wait between
 * retries when offline (defaults 30 s and 30 s; tests shorten them). */
void             tc_kiosk_set_intervals         (TcKiosk        *self,
                                                 guint           idle_poll_ms,
                                                 guint           max_retry_ms);
/* Addresses ICE may gather on even if libnice would skip them (loopback tests). */
void             tc_kiosk_add_local_address     (TcKiosk        *self,
                                                 const char     *address);
void             tc_kiosk_start                 (TcKiosk        *self);
void             tc_kiosk_stop                  (TcKiosk        *self);

TcKioskStatus    tc_kiosk_get_status            (TcKiosk        *self);
/* The current consultation (NULL when idle or offline). */
TcConsultation  *tc_kiosk_get_consultation      (TcKiosk        *self);
/* Unix ms of the next scheduled consultation, or 0 when none is known. */
gint64           tc_kiosk_get_next_scheduled_at (TcKiosk        *self);
/* How many times the kiosk (re)joined a consultation since start. */
guint            tc_kiosk_get_n_joins           (TcKiosk        *self);

G_END_DECLS
