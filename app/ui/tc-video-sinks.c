/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "tc-video-sinks.h"

GstElement *
tc_video_sinks_for_role (TcVideoSinkRole   role,
                         TcVideoPaintable *remote,
                         TcVideoPaintable *local)
{
  switch (role)
    {
    case TC_VIDEO_SINK_ROLE_REMOTE:
      return tc_video_paintable_create_sink (remote);
    case TC_VIDEO_SINK_ROLE_LOCAL_PREVIEW:
      return tc_video_paintable_create_sink (local);
    default:
      return NULL;
    }
}
