/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The invitation QR code: a well-formed symbol (valid size, quiet zone, the three
 * finder patterns) at the requested scale. No display needed. */
#include "config.h"

#include <check.h>

#include "tc-qr-code.h"
#include "tc-ui-config.h"

#define SCALE 3

static guint8 *
download (GdkTexture *texture, gsize *stride)
{
  int w = gdk_texture_get_width (texture);
  guint8 *pixels = g_malloc ((gsize) w * 4 * gdk_texture_get_height (texture));

  *stride = (gsize) w * 4;
  gdk_texture_download (texture, pixels, *stride);
  return pixels;
}

/* Module (x, y) counted from the symbol's corner (inside the quiet zone). */
static gboolean
dark (const guint8 *pixels, gsize stride, int x, int y)
{
  const guint8 *p = pixels + (gsize) ((4 + y) * SCALE + SCALE / 2) * stride + ((4 + x) * SCALE + SCALE / 2) * 4;

  ck_assert_msg ((p[0] == 0 && p[1] == 0 && p[2] == 0) || (p[0] == 255 && p[1] == 255 && p[2] == 255),
                 "module %d,%d is neither black nor white", x, y);
  return p[0] == 0;
}

static void
assert_finder (const guint8 *pixels, gsize stride, int x0, int y0)
{
  for (int y = 0; y < 7; y++)
    for (int x = 0; x < 7; x++)
      {
        gboolean ring = x == 0 || y == 0 || x == 6 || y == 6;
        gboolean centre = x >= 2 && x <= 4 && y >= 2 && y <= 4;

        ck_assert_msg (dark (pixels, stride, x0 + x, y0 + y) == (ring || centre),
                       "finder at %d,%d wrong at %d,%d", x0, y0, x, y);
      }
}

START_TEST (test_invitation_symbol)
{
  const char *link = "teleconsult://join?server=ws%3A%2F%2F192.168.1.20%3A8443%2Fws"
                     "&token=Q2xhdWRlIE1vbmV0IHBhaW50ZWQgd2F0ZXIgbGlsaWVz";
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = tc_qr_code_new_texture (link, SCALE, &error);
  g_autofree guint8 *pixels = NULL;
  gsize stride;
  int side, modules;

#if !HAVE_QRENCODE
  ck_assert_ptr_null (texture);
  ck_assert_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  return;
#endif
  ck_assert_ptr_nonnull (texture);
  side = gdk_texture_get_width (texture);
  ck_assert_int_eq (gdk_texture_get_height (texture), side);
  ck_assert_int_eq (side % SCALE, 0);
  modules = side / SCALE - 8;
  ck_assert_msg (modules >= 21 && (modules - 21) % 4 == 0, "%d modules is not a QR size", modules);

  pixels = download (texture, &stride);
  /* Quiet zone: the first rows and columns are white. */
  for (int i = 0; i < 4 * SCALE; i++)
    {
      ck_assert_int_eq (pixels[(gsize) i * stride + (gsize) (side / 2) * 4], 255);
      ck_assert_int_eq (pixels[(gsize) (side / 2) * stride + (gsize) i * 4], 255);
    }
  assert_finder (pixels, stride, 0, 0);
  assert_finder (pixels, stride, modules - 7, 0);
  assert_finder (pixels, stride, 0, modules - 7);
  /* No finder in the fourth corner. */
  ck_assert (!(dark (pixels, stride, modules - 1, modules - 1) && dark (pixels, stride, modules - 7, modules - 1) &&
               dark (pixels, stride, modules - 1, modules - 7) && !dark (pixels, stride, modules - 2, modules - 2)));
}
END_TEST

START_TEST (test_too_long)
{
  g_autofree char *huge = g_strnfill (8000, 'x');
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = tc_qr_code_new_texture (huge, SCALE, &error);

  ck_assert_ptr_null (texture);
  ck_assert_ptr_nonnull (error);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("qr-code");
  TCase *tc = tcase_create ("core");
  SRunner *sr;
  int failed;

  tcase_add_test (tc, test_invitation_symbol);
  tcase_add_test (tc, test_too_long);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
