/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "tc-media-error.h"

G_DEFINE_QUARK (tc-media-error-quark, tc_media_error)
