/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-application"

#include "config.h"

#include "tc-application.h"

#include <glib/gi18n-lib.h>

#include "tc-kiosk-window.h"
#include "tc-window.h"

struct _TcApplication {
  AdwApplication  parent_instance;

  TcMediaMode     media_mode;
  gboolean        lan;
  gboolean        demo;
  gboolean        kiosk;
  char           *server_url;
  char           *display_name;
  char           *join;
  char           *invitation_file;
};

G_DEFINE_FINAL_TYPE (TcApplication, tc_application, ADW_TYPE_APPLICATION)

static TcWindow *
new_window (TcApplication *self)
{
  TcWindow *window = tc_window_new (GTK_APPLICATION (self), self->media_mode);

  tc_window_set_demo (window, self->demo, self->invitation_file);
  return window;
}

static GSettings *
settings_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  return schema != NULL ? g_settings_new (APP_ID) : NULL;
}

/* ---- kiosk mode: no way out but the administrator PIN ------------------- */

static void
set_quit_allowed (TcApplication *self,
                  gboolean       allowed)
{
  GtkApplication *gtk_app = GTK_APPLICATION (self);
  GAction *quit = g_action_map_lookup_action (G_ACTION_MAP (self), "quit");
  const char *none[] = { NULL };

  g_simple_action_set_enabled (G_SIMPLE_ACTION (quit), allowed);
  gtk_application_set_accels_for_action (gtk_app, "app.quit", allowed ? (const char *[]) { "<Ctrl>q", NULL } : none);
  gtk_application_set_accels_for_action (gtk_app, "win.fullscreen", allowed ? (const char *[]) { "F11", NULL } : none);
  gtk_application_set_accels_for_action (gtk_app, "win.show-help-overlay",
                                         allowed ? (const char *[]) { "<Control>question", NULL } : none);
}

static void
on_leave_kiosk (TcKioskWindow *kiosk,
                TcApplication *self)
{
  g_autoptr(GSettings) settings = settings_if_installed ();
  TcWindow *window;

  self->kiosk = FALSE;
  if (settings != NULL)
    g_settings_set_boolean (settings, "kiosk-mode", FALSE);
  set_quit_allowed (self, TRUE);
  window = new_window (self);
  gtk_window_present (GTK_WINDOW (window));
  tc_kiosk_window_allow_close (kiosk);
  gtk_window_close (GTK_WINDOW (kiosk));
}

static TcKioskWindow *
kiosk_window (TcApplication *self)
{
  g_autoptr(GSettings) settings = NULL;
  TcKioskWindow *window;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (TC_IS_KIOSK_WINDOW (l->data))
      return l->data;

  settings = settings_if_installed ();
  if (settings == NULL)
    {
      g_warning ("kiosk mode needs the GSettings schema %s installed", APP_ID);
      return NULL;
    }
  set_quit_allowed (self, FALSE);
  window = tc_kiosk_window_new (GTK_APPLICATION (self), self->media_mode, settings);
  g_signal_connect_object (window, "leave-kiosk", G_CALLBACK (on_leave_kiosk), self, 0);
  tc_kiosk_window_start (window);
  return window;
}

static gboolean
wants_kiosk (TcApplication *self)
{
  g_autoptr(GSettings) settings = NULL;

  if (self->kiosk)
    return TRUE;
  settings = settings_if_installed ();
  return settings != NULL && g_settings_get_boolean (settings, "kiosk-mode");
}

static TcWindow *
current_window (TcApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  return TC_IS_WINDOW (window) ? TC_WINDOW (window) : new_window (self);
}

static void
tc_application_activate (GApplication *app)
{
  TcApplication *self = TC_APPLICATION (app);
  TcWindow *window;

  if (wants_kiosk (self))
    {
      TcKioskWindow *kiosk = kiosk_window (self);

      if (kiosk != NULL)
        {
          gtk_window_present (GTK_WINDOW (kiosk));
          return;
        }
    }
  window = current_window (self);
  if (self->join != NULL)
    tc_window_show_join (window, self->join, self->display_name);
  else if (self->lan)
    tc_window_host_lan (window, self->display_name);
  else if (self->server_url != NULL)
    tc_window_show_sign_in (window, self->server_url);
  gtk_window_present (GTK_WINDOW (window));
}

static void
tc_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  TcApplication *self = TC_APPLICATION (app);

  /* A kiosk joins only what is scheduled for its station. */
  if (wants_kiosk (self))
    {
      tc_application_activate (app);
      return;
    }
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);
      TcWindow *window = current_window (self);

      /* The join page reads the link; a bad one gets a clear message there. */
      tc_window_show_join (window, uri, self->display_name);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static int
tc_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  TcApplication *self = TC_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("teleconsult %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_contains (options, "test-sources"))
    {
      /* The media factory reads it: test patterns and tones instead of devices. */
      g_setenv ("TC_MEDIA_SOURCES", "test", TRUE);
      self->media_mode = TC_MEDIA_MODE_TEST;
    }
  self->lan = g_variant_dict_contains (options, "lan");
  {
    const char *lan_address = NULL;

    /* Remembered: the practice's address rarely changes. */
    if (g_variant_dict_lookup (options, "lan-address", "&s", &lan_address))
      {
        g_autoptr(GSettings) settings = settings_if_installed ();

        if (settings != NULL)
          g_settings_set_string (settings, "lan-address", lan_address);
      }
  }
  self->demo = g_variant_dict_contains (options, "demo");
  self->kiosk = g_variant_dict_contains (options, "kiosk");
  g_variant_dict_lookup (options, "server", "s", &self->server_url);
  g_variant_dict_lookup (options, "name", "s", &self->display_name);
  g_variant_dict_lookup (options, "join", "s", &self->join);
  g_variant_dict_lookup (options, "invitation-file", "^ay", &self->invitation_file);
  /* Two windows of a demo, or a test, must not be merged into one process. */
  if (g_variant_dict_contains (options, "separate"))
    g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);

  return -1;
}

static void
action_about (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { "The Teleconsult developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Teleconsult"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Secure video consultations with your doctor"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         /* Translators: your name, shown in the About window */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
action_quit (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  /* Close each window so its consultation ends properly (close-request). */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static const GActionEntry app_actions[] = {
  { "about", action_about },
  { "quit", action_quit },
};

static void
tc_application_startup (GApplication *app)
{
  GtkApplication *gtk_app = GTK_APPLICATION (app);

  G_APPLICATION_CLASS (tc_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (gtk_app, "app.quit", (const char *[]) { "<Ctrl>q", NULL });
  gtk_application_set_accels_for_action (gtk_app, "win.toggle-mute", (const char *[]) { "<Ctrl>d", NULL });
  gtk_application_set_accels_for_action (gtk_app, "win.toggle-camera", (const char *[]) { "<Ctrl>e", NULL });
  gtk_application_set_accels_for_action (gtk_app, "win.toggle-chat", (const char *[]) { "<Ctrl>t", NULL });
  gtk_application_set_accels_for_action (gtk_app, "win.toggle-devices", (const char *[]) { "<Ctrl>m", NULL });
  gtk_application_set_accels_for_action (gtk_app, "win.hang-up", (const char *[]) { "<Ctrl><Shift>h", NULL });
  gtk_application_set_accels_for_action (gtk_app, "win.fullscreen", (const char *[]) { "F11", NULL });
  gtk_application_set_accels_for_action (gtk_app, "win.back", (const char *[]) { "<Alt>Left", NULL });
}

static void
tc_application_finalize (GObject *object)
{
  TcApplication *self = TC_APPLICATION (object);

  g_free (self->server_url);
  g_free (self->display_name);
  g_free (self->join);
  g_free (self->invitation_file);

  G_OBJECT_CLASS (tc_application_parent_class)->finalize (object);
}

static void
tc_application_class_init (TcApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = tc_application_finalize;
  app_class->activate = tc_application_activate;
  app_class->open = tc_application_open;
  app_class->startup = tc_application_startup;
  app_class->handle_local_options = tc_application_handle_local_options;
}

static void
tc_application_init (TcApplication *self)
{
  const GOptionEntry options[] = {
    { "lan", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Practitioner: receive patients on this computer (no server)"), NULL },
    { "lan-address", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Practitioner: in LAN mode, serve other computers on this address (over TLS)"), N_("ADDRESS") },
    { "server", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Practitioner: sign in to this server"), N_("URL") },
    { "name", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("The name the other person sees"), N_("NAME") },
    { "join", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Patient: join with this invitation link or code"), N_("LINK") },
    { "test-sources", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Use test patterns and tones instead of the camera and microphone"), NULL },
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Demonstration: create, consent and join without asking"), NULL },
    { "invitation-file", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Demonstration: write the invitation link to this file"), N_("FILE") },
    { "kiosk", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Nursing-home station: full screen, joins the consultations scheduled for it"), NULL },
    { "separate", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Run as a separate process, not in the already running one"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version"), NULL },
    { NULL }
  };

  self->media_mode = g_strcmp0 (g_getenv ("TC_MEDIA_SOURCES"), "test") == 0 ? TC_MEDIA_MODE_TEST
                                                                             : TC_MEDIA_MODE_REAL;
  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

TcApplication *
tc_application_new (void)
{
  return g_object_new (TC_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/teleconsult/Teleconsult",
                       NULL);
}
