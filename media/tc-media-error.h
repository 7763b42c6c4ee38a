/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TC_MEDIA_ERROR (tc_media_error_quark ())
GQuark tc_media_error_quark (void);

typedef enum {
  TC_MEDIA_ERROR_FAILED,
  TC_MEDIA_ERROR_MISSING_ELEMENT,   /* a GStreamer plugin is not installed */
  TC_MEDIA_ERROR_BAD_STATE,         /* called at the wrong moment (not started, already stopped) */
  TC_MEDIA_ERROR_BAD_SDP,           /* a description we cannot parse or use */
  TC_MEDIA_ERROR_BAD_CANDIDATE,
  TC_MEDIA_ERROR_NOT_OPEN,          /* the data channel is closed */
  TC_MEDIA_ERROR_BACKPRESSURE,      /* too much data waiting to be sent */
  TC_MEDIA_ERROR_TOO_LARGE,
  TC_MEDIA_ERROR_NO_FINGERPRINT,    /* no usable a=fingerprint line */
  TC_MEDIA_ERROR_BAD_URI,
} TcMediaError;

G_END_DECLS
