/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-qr-code"

#include "config.h"

#include "tc-qr-code.h"
#include "tc-ui-config.h"

#include <glib/gi18n-lib.h>
#if HAVE_QRENCODE
#include <qrencode.h>
#endif

#define QUIET_ZONE 4

GdkTexture *
tc_qr_code_new_texture (const char  *text,
                        guint        module_px,
                        GError     **error)
{
#if HAVE_QRENCODE
  QRcode *qr;
  guint side, stride;
  guint8 *pixels;
  GBytes *bytes;
  GdkTexture *texture;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (module_px > 0 && module_px <= 32, NULL);

  qr = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (qr == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("This link is too long for a QR code."));
      return NULL;
    }

  side = (qr->width + 2 * QUIET_ZONE) * module_px;
  stride = side * 4;
  pixels = g_malloc (stride * side);
  memset (pixels, 0xff, stride * side);
  for (int y = 0; y < qr->width; y++)
    for (int x = 0; x < qr->width; x++)
      {
        if (!(qr->data[y * qr->width + x] & 1))
          continue;
        for (guint py = 0; py < module_px; py++)
          {
            guint8 *row = pixels + ((QUIET_ZONE + y) * module_px + py) * stride;
            for (guint px = 0; px < module_px; px++)
              {
                guint8 *p = row + ((QUIET_ZONE + x) * module_px + px) * 4;
                p[0] = p[1] = p[2] = 0;
              }
          }
      }
  QRcode_free (qr);

  bytes = g_bytes_new_take (pixels, stride * side);
  texture = gdk_memory_texture_new (side, side, GDK_MEMORY_R8G8B8A8, bytes, stride);
  g_bytes_unref (bytes);
  return texture;
#else
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               _("QR codes are not available in this build."));
  return NULL;
#endif
}
