/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tc-ui-test-util.h"

#include <locale.h>
#include <glib/gi18n-lib.h>

/* Xvfb has no window manager, and GTK 4.8's X11 backend then sends a text entry
 * its focus-out in an order GtkText complains about ("did not receive a
 * focus-out event"). That one message says nothing about our code; every other
 * warning stays fatal (G_DEBUG=fatal-warnings). */
static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0 &&
        g_str_has_prefix (fields[i].value, "GtkText - did not receive a focus-out event"))
      return G_LOG_WRITER_HANDLED;

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

void
tc_ui_test_init (void)
{
  static gboolean done;
  const char *build = g_getenv ("TC_BUILD_DIR");
  g_autoptr(GtkCssProvider) css = NULL;

  if (done)
    return;
  done = TRUE;
  g_log_set_writer_func (log_writer, NULL, NULL);

  setlocale (LC_ALL, "");
  if (build != NULL)
    {
      g_autofree char *po = g_build_filename (build, "po", NULL);
      bindtextdomain (GETTEXT_PACKAGE, po);
    }
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  gtk_init ();
  adw_init ();
  /* Screenshots show the page, not a crossfade between two. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/teleconsult/Teleconsult/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/io/github/teleconsult/Teleconsult/icons");
}

const char *
tc_ui_test_lang (void)
{
  const char *lang = g_getenv ("TC_SCREENSHOT_LANG");

  return lang != NULL && *lang != '\0' ? lang : "en";
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
tc_ui_test_spin (guint ms)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add (ms, quit_loop, loop);
  g_main_loop_run (loop);
}

gboolean
tc_ui_test_wait_until (gboolean (*done) (gpointer),
                       gpointer data,
                       guint    timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

/* One window for the whole run, its content replaced per test: without a window
 * manager, X focus moves oddly between short-lived windows and GTK 4.8 warns
 * that a text entry "did not receive a focus-out event". */
static GtkWidget *shared_window;

GtkWindow *
tc_ui_test_window_new (GtkWidget  *page,
                       const char *title)
{
  GtkWidget *window = shared_window;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();

  if (window == NULL)
    {
      window = shared_window = adw_window_new ();
      g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &shared_window);
    }

  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (title, NULL));
  gtk_box_append (GTK_BOX (box), header);
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_widget_add_css_class (window, "tc-window");
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 720);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

typedef struct {
  GtkWidget     *window;
  GskRenderNode *node;
  gboolean       done;
} AfterPaint;

static void
on_after_paint (GdkFrameClock *clock,
                AfterPaint    *ap)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (ap->window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (ap->window),
                          gtk_widget_get_height (ap->window));
  ap->node = gtk_snapshot_free_to_node (snapshot);
  ap->done = TRUE;
}

char *
tc_ui_test_screenshot (GtkWidget  *window,
                       const char *name)
{
  const char *build = g_getenv ("TC_BUILD_DIR");
  g_autofree char *dir = g_build_filename (build ? build : ".", "tests", "app", "screenshots",
                                           tc_ui_test_lang (), NULL);
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  char *path = g_build_filename (dir, file, NULL);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;
  int width = 0, height = 0;

  g_assert_true (tc_ui_test_wait_until (is_mapped, window, 10000));
  /* Let layout, CSS transitions (150–250 ms in Adwaita) and frames settle. */
  tc_ui_test_spin (400);

  /* The widget paintable yields nothing while an allocation is pending, so take
   * the picture right after a frame was painted, when layout is done. */
  for (guint attempt = 0; node == NULL && attempt < 50; attempt++)
    {
      AfterPaint ap = { window, NULL, FALSE };
      GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
      gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &ap);

      gtk_widget_queue_draw (window);
      while (!ap.done)
        g_main_context_iteration (NULL, TRUE);
      g_signal_handler_disconnect (clock, id);
      node = ap.node;
    }
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));

  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  return path;
}
