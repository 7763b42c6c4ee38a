/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "tc-video-sinks.h"

static GstElement *
sink_or_null (TcVideoPaintable *paintable)
{
  return paintable != NULL ? tc_video_paintable_create_sink (paintable) : NULL;
}

GstElement *
tc_video_sinks_for_role (TcVideoSinkRole   role,
                         TcVideoPaintable *remote,
                         TcVideoPaintable *local,
                         TcVideoPaintable *exam_preview,
                         TcVideoPaintable *remote_exam)
{
  switch (role)
    {
    case TC_VIDEO_SINK_ROLE_REMOTE:
      return sink_or_null (remote);
    case TC_VIDEO_SINK_ROLE_LOCAL_PREVIEW:
      return sink_or_null (local);
    case TC_VIDEO_SINK_ROLE_EXAM_PREVIEW:
      return sink_or_null (exam_preview);
    case TC_VIDEO_SINK_ROLE_REMOTE_EXAM:
      return sink_or_null (remote_exam);
    default:
      return NULL;
    }
}
