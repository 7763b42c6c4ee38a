/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tc-media-factory.h"
#include "tc-video-paintable.h"

G_BEGIN_DECLS

/* The media factory's video sink function for a window with one remote view and one
 * self-view: REMOTE goes to @remote, LOCAL_PREVIEW to @local. The exam-camera roles get
 * NULL (the factory's fakesink) until a window has a place for them: an exam camera
 * must never land in the self-view. */
GstElement *tc_video_sinks_for_role (TcVideoSinkRole   role,
                                     TcVideoPaintable *remote,
                                     TcVideoPaintable *local);

G_END_DECLS
