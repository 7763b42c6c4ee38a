/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcDeviceCheck: the pre-call check's engine (no widgets, no signalling). Runs the
 * camera into a paintable, the microphone through a `level` element, plays a test
 * tone, and checks the network and the consultation's server. Results arrive as
 * signals on the main context, in plain words for the person. */
#pragma once

#include <gio/gio.h>

#include "tc-media-factory.h"
#include "tc-precall-page.h"
#include "tc-video-paintable.h"

G_BEGIN_DECLS

#define TC_TYPE_DEVICE_CHECK (tc_device_check_get_type ())
G_DECLARE_FINAL_TYPE (TcDeviceCheck, tc_device_check, TC, DEVICE_CHECK, GObject)

TcDeviceCheck *tc_device_check_new          (TcMediaFactory   *factory,
                                             TcVideoPaintable *preview);
/* Starts camera, microphone and network checks. @server_url: the consultation's
 * ws(s):// URL, or NULL when it is not known yet (a short code). */
void           tc_device_check_start        (TcDeviceCheck    *self,
                                             const char       *server_url);
void           tc_device_check_play_test_sound (TcDeviceCheck *self);
/* Releases camera and microphone (before the call takes them). */
void           tc_device_check_stop         (TcDeviceCheck    *self);
double         tc_device_check_get_level    (TcDeviceCheck    *self);

/* Signals:
 *   "result" (TcPrecallCheck check, TcCheckStatus status, const char *details)
 *   "level"  (double level)   0..1, about ten times a second */

G_END_DECLS
