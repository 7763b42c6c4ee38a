/* SPDX-License-Identifier: GPL-3.0-or-later */
/* QR codes for invitation links, rendered to a texture (libqrencode). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Black modules on white with the standard 4-module quiet zone, @module_px pixels
 * per module. NULL (and an error) when the text does not fit or QR support was
 * not built. */
GdkTexture *tc_qr_code_new_texture (const char  *text,
                                    guint        module_px,
                                    GError     **error);

G_END_DECLS
