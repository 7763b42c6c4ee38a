/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tc-media-factory.h"
#include "tc-video-paintable.h"

G_BEGIN_DECLS

/* The media factory's video sink function for a window: REMOTE goes to @remote,
 * LOCAL_PREVIEW to @local, EXAM_PREVIEW (the station's own exam camera) to @exam_preview
 * and REMOTE_EXAM (the peer's exam camera) to @remote_exam.  A NULL paintable, or an
 * unknown role, gets NULL (the factory's fakesink): an exam camera never lands in the
 * self-view. */
GstElement *tc_video_sinks_for_role (TcVideoSinkRole   role,
                                     TcVideoPaintable *remote,
                                     TcVideoPaintable *local,
                                     TcVideoPaintable *exam_preview,
                                     TcVideoPaintable *remote_exam);

G_END_DECLS
