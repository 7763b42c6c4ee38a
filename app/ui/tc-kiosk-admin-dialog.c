/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-kiosk-admin"

#include "config.h"

#include "tc-kiosk-admin-dialog.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <sodium.h>

/* Three wrong PINs are forgiven (a shaky finger); then 30 s, doubling, up to 10 min. */
#define FREE_ATTEMPTS 3
#define FIRST_LOCK_S  30
#define MAX_LOCK_S    600

enum {
  SIGNAL_SAVED,
  SIGNAL_LEAVE_KIOSK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _TcKioskAdminDialog {
  AdwWindow     parent_instance;

  GtkStack     *stack;
  GtkWidget    *pin_entry;
  GtkGrid      *keypad;
  GtkLabel     *pin_message;
  GtkWidget    *unlock_button;
  GtkWidget    *cancel_button;
  GtkSpinner   *spinner;
  AdwEntryRow  *server_row;
  AdwEntryRow  *token_row;
  AdwEntryRow  *name_row;
  AdwEntryRow  *new_pin_row;
  AdwEntryRow  *confirm_pin_row;
  GtkLabel     *settings_message;
  GtkWidget    *save_button;
  GtkWidget    *leave_button;
  GtkWidget    *close_button;

  GSettings    *settings;
  GCancellable *cancellable;
  guint         failures;
  gint64        locked_until;   /* monotonic µs */
  guint         lock_timer;
  gboolean      busy;
  gboolean      setup;
};

G_DEFINE_FINAL_TYPE (TcKioskAdminDialog, tc_kiosk_admin_dialog, ADW_TYPE_WINDOW)

/* ---- hashing, off the main thread -------------------------------------- */

char *
tc_kiosk_admin_hash_pin (const char *pin)
{
  char hash[crypto_pwhash_STRBYTES];

  g_return_val_if_fail (pin != NULL, NULL);

  if (crypto_pwhash_str (hash, pin, strlen (pin), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return NULL;
  return g_strdup (hash);
}

gboolean
tc_kiosk_admin_pin_is_valid (const char *pin)
{
  gsize len = pin != NULL ? strlen (pin) : 0;

  if (len < TC_KIOSK_ADMIN_MIN_PIN || len > TC_KIOSK_ADMIN_MAX_PIN)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (pin[i]))
      return FALSE;
  return TRUE;
}

typedef struct {
  char *hash;
  char *pin;
} PinJob;

static void
pin_job_free (PinJob *job)
{
  if (job->pin != NULL)
    sodium_memzero (job->pin, strlen (job->pin));
  g_free (job->pin);
  g_free (job->hash);
  g_free (job);
}

static PinJob *
pin_job_new (const char *hash,
             const char *pin)
{
  PinJob *job = g_new0 (PinJob, 1);

  job->hash = g_strdup (hash);
  job->pin = g_strdup (pin);
  return job;
}

static void
verify_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  PinJob *job = task_data;
  gboolean ok = job->hash != NULL && *job->hash != '\0' &&
                crypto_pwhash_str_verify (job->hash, job->pin, strlen (job->pin)) == 0;

  g_task_return_boolean (task, ok);
}

static void
hash_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PinJob *job = task_data;
  char *hash = tc_kiosk_admin_hash_pin (job->pin);

  if (hash == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "not enough memory to hash the PIN");
  else
    g_task_return_pointer (task, hash, g_free);
}

/* ---- PIN page ---------------------------------------------------------- */

static void
set_busy (TcKioskAdminDialog *self,
          gboolean            busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_widget_set_sensitive (self->unlock_button, !busy && self->locked_until == 0);
  gtk_widget_set_sensitive (self->save_button, !busy);
}

static gboolean
update_lock (gpointer data)
{
  TcKioskAdminDialog *self = data;
  gint64 now = g_get_monotonic_time ();

  if (self->locked_until != 0 && now < self->locked_until)
    {
      guint s = (guint) ((self->locked_until - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "Too many wrong PINs. Try again in %u second.",
                                                            "Too many wrong PINs. Try again in %u seconds.", s),
                                               s);

      gtk_label_set_text (self->pin_message, text);
      gtk_widget_set_sensitive (self->unlock_button, FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->keypad), FALSE);
      gtk_widget_set_sensitive (self->pin_entry, FALSE);
      return G_SOURCE_CONTINUE;
    }
  if (self->locked_until != 0)
    gtk_label_set_text (self->pin_message, "");
  self->locked_until = 0;
  self->lock_timer = 0;
  gtk_widget_set_sensitive (self->unlock_button, !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->keypad), TRUE);
  gtk_widget_set_sensitive (self->pin_entry, TRUE);
  return G_SOURCE_REMOVE;
}

static void
show_settings (TcKioskAdminDialog *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "kiosk-server-url");
  g_autofree char *token = g_settings_get_string (self->settings, "kiosk-device-token");
  g_autofree char *name = g_settings_get_string (self->settings, "kiosk-display-name");

  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), token);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  gtk_editable_set_text (GTK_EDITABLE (self->new_pin_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_pin_row), "");
  gtk_label_set_text (self->settings_message, "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->new_pin_row),
                                 self->setup ? _("Administrator PIN (4 to 12 digits)")
                                             : _("New PIN (leave empty to keep it)"));
  gtk_widget_set_visible (self->leave_button, !self->setup);
  gtk_widget_set_visible (self->close_button, !self->setup);
  gtk_window_set_title (GTK_WINDOW (self), self->setup ? _("Set Up This Station") : _("Station Settings"));
  gtk_stack_set_visible_child_name (self->stack, "settings");
}

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(TcKioskAdminDialog) self = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  if (ok)
    {
      self->failures = 0;
      gtk_label_set_text (self->pin_message, "");
      show_settings (self);
      return;
    }

  self->failures++;
  g_message ("wrong administrator PIN (%u in a row)", self->failures);
  gtk_label_set_text (self->pin_message, _("Wrong PIN. Try again."));
  if (self->failures >= FREE_ATTEMPTS)
    {
      guint shift = MIN (self->failures - FREE_ATTEMPTS, 8u);
      gint64 lock_s = MIN ((gint64) FIRST_LOCK_S << shift, MAX_LOCK_S);

      self->locked_until = g_get_monotonic_time () + lock_s * G_USEC_PER_SEC;
      g_clear_handle_id (&self->lock_timer, g_source_remove);
      self->lock_timer = g_timeout_add_seconds (1, update_lock, self);
      update_lock (self);
    }
  gtk_widget_grab_focus (self->pin_entry);
}

static void
on_unlock (TcKioskAdminDialog *self)
{
  g_autofree char *hash = g_settings_get_string (self->settings, "kiosk-admin-pin-hash");
  const char *pin = gtk_editable_get_text (GTK_EDITABLE (self->pin_entry));
  g_autoptr(GTask) task = NULL;

  if (self->locked_until != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  if (self->busy || self->locked_until != 0 || *pin == '\0')
    return;

  set_busy (self, TRUE);
  task = g_task_new (self, self->cancellable, on_verified, g_object_ref (self));
  g_task_set_task_data (task, pin_job_new (hash, pin), (GDestroyNotify) pin_job_free);
  g_task_run_in_thread (task, verify_thread);
}

static void
on_key (GtkButton          *button,
        TcKioskAdminDialog *self)
{
  const char *digit = g_object_get_data (G_OBJECT (button), "digit");
  GtkEditable *entry = GTK_EDITABLE (self->pin_entry);
  g_autofree char *text = NULL;

  if (digit == NULL)
    {
      /* Erase the last digit. */
      text = g_strdup (gtk_editable_get_text (entry));
      if (*text != '\0')
        text[strlen (text) - 1] = '\0';
    }
  else if (strlen (gtk_editable_get_text (entry)) < TC_KIOSK_ADMIN_MAX_PIN)
    text = g_strconcat (gtk_editable_get_text (entry), digit, NULL);
  if (text != NULL)
    gtk_editable_set_text (entry, text);
}

/* A touch screen has no keyboard: big digits to type the PIN. */
static void
build_keypad (TcKioskAdminDialog *self)
{
  static const char *digits[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL, "0" };

  for (guint i = 0; i < G_N_ELEMENTS (digits) + 1; i++)
    {
      GtkWidget *button;

      if (i == G_N_ELEMENTS (digits))
        {
          button = gtk_button_new_from_icon_name ("edit-clear-symbolic");
          gtk_widget_set_tooltip_text (button, _("Erase the last digit"));
        }
      else if (digits[i] == NULL)
        continue;
      else
        {
          button = gtk_button_new_with_label (digits[i]);
          g_object_set_data (G_OBJECT (button), "digit", (gpointer) digits[i]);
        }
      gtk_widget_add_css_class (button, "tc-kiosk-key");
      g_signal_connect (button, "clicked", G_CALLBACK (on_key), self);
      gtk_grid_attach (self->keypad, button, (int) (i % 3), (int) (i / 3), 1, 1);
    }
}

static void
on_cancel (TcKioskAdminDialog *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  gtk_window_close (GTK_WINDOW (self));
}

/* ---- settings page ----------------------------------------------------- */

static gboolean
url_is_acceptable (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  return scheme != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' &&
         (g_ascii_strcasecmp (scheme, "wss") == 0 || g_ascii_strcasecmp (scheme, "ws") == 0 ||
          g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "http") == 0);
}

static void
store_station (TcKioskAdminDialog *self)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  g_autofree char *token = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

  g_settings_set_string (self->settings, "kiosk-server-url", url);
  g_settings_set_string (self->settings, "kiosk-device-token", token);
  g_settings_set_string (self->settings, "kiosk-display-name", name);
}

static void
finish_save (TcKioskAdminDialog *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->new_pin_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_pin_row), "");
  self->setup = FALSE;
  g_signal_emit (self, signals[SIGNAL_SAVED], 0);
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_hashed (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(TcKioskAdminDialog) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (hash == NULL)
    {
      gtk_label_set_text (self->settings_message, _("The PIN could not be saved. Try again."));
      return;
    }
  /* Station and PIN together: a first setup is never half saved. */
  g_settings_delay (self->settings);
  store_station (self);
  g_settings_set_string (self->settings, "kiosk-admin-pin-hash", hash);
  g_settings_apply (self->settings);
  finish_save (self);
}

static void
on_save (TcKioskAdminDialog *self)
{
  const char *pin = gtk_editable_get_text (GTK_EDITABLE (self->new_pin_row));
  const char *confirm = gtk_editable_get_text (GTK_EDITABLE (self->confirm_pin_row));
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  g_autofree char *token = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autoptr(GTask) task = NULL;

  if (self->busy)
    return;
  if (!url_is_acceptable (url))
    {
      gtk_label_set_text (self->settings_message,
                          _("Enter the server address, beginning with wss:// or https://."));
      return;
    }
  if (*token == '\0' || *name == '\0')
    {
      gtk_label_set_text (self->settings_message, _("Enter the device token and the station name."));
      return;
    }
  if (*pin == '\0' && !self->setup)
    {
      store_station (self);
      finish_save (self);
      return;
    }
  if (!tc_kiosk_admin_pin_is_valid (pin))
    {
      gtk_label_set_text (self->settings_message, _("The PIN must have 4 to 12 digits."));
      return;
    }
  if (g_strcmp0 (pin, confirm) != 0)
    {
      gtk_label_set_text (self->settings_message, _("The two PINs are different."));
      return;
    }

  set_busy (self, TRUE);
  gtk_label_set_text (self->settings_message, "");
  task = g_task_new (self, self->cancellable, on_hashed, g_object_ref (self));
  g_task_set_task_data (task, pin_job_new (NULL, pin), (GDestroyNotify) pin_job_free);
  g_task_run_in_thread (task, hash_thread);
}

static void
on_leave (TcKioskAdminDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
  g_signal_emit (self, signals[SIGNAL_LEAVE_KIOSK], 0);
}

/* ---- GObject ----------------------------------------------------------- */

static gboolean
tc_kiosk_admin_dialog_close_request (GtkWindow *window)
{
  TcKioskAdminDialog *self = TC_KIOSK_ADMIN_DIALOG (window);

  /* The first setup must end with a PIN: no way around it. */
  if (self->setup)
    return TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  gtk_stack_set_visible_child_name (self->stack, "pin");
  return GTK_WINDOW_CLASS (tc_kiosk_admin_dialog_parent_class)->close_request (window);
}

static void
tc_kiosk_admin_dialog_dispose (GObject *object)
{
  TcKioskAdminDialog *self = TC_KIOSK_ADMIN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->lock_timer, g_source_remove);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), TC_TYPE_KIOSK_ADMIN_DIALOG);

  G_OBJECT_CLASS (tc_kiosk_admin_dialog_parent_class)->dispose (object);
}

static void
tc_kiosk_admin_dialog_class_init (TcKioskAdminDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");

  object_class->dispose = tc_kiosk_admin_dialog_dispose;
  window_class->close_request = tc_kiosk_admin_dialog_close_request;

  signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_LEAVE_KIOSK] = g_signal_new ("leave-kiosk", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/teleconsult/Teleconsult/ui/tc-kiosk-admin-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TcKioskAdminDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, TcKioskAdminDialog, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, TcKioskAdminDialog, keypad);
  gtk_widget_class_bind_template_child (widget_class, TcKioskAdminDialog, pin_message);
  gtk_widget_class_bind_template_child (widget_class, TcKioskAdminDialog, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, TcKioskAdminDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, TcKioskAdminDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, TcKioskAdminDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, TcKioskAdminDialog, token_row);
  gtk_widget_class_bind_template_child (widget_class, TcKioskAdminDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, TcKioskAdminDialog, new_pin_row);
  gtk_widget_class_bind_template_child (widget_class, TcKioskAdminDialog, confirm_pin_row);
  gtk_widget_class_bind_template_child (widget_class, TcKioskAdminDialog, settings_message);
  gtk_widget_class_bind_template_child (widget_class, TcKioskAdminDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, TcKioskAdminDialog, leave_button);
  gtk_widget_class_bind_template_child (widget_class, TcKioskAdminDialog, close_button);
  gtk_widget_class_bind_template_callback (widget_class, on_unlock);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel);
  gtk_widget_class_bind_template_callback (widget_class, on_save);
  gtk_widget_class_bind_template_callback (widget_class, on_leave);
}

static void
tc_kiosk_admin_dialog_init (TcKioskAdminDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  build_keypad (self);
  gtk_window_set_hide_on_close (GTK_WINDOW (self), TRUE);
}

TcKioskAdminDialog *
tc_kiosk_admin_dialog_new (GtkWindow *parent,
                           GSettings *settings)
{
  TcKioskAdminDialog *self = g_object_new (TC_TYPE_KIOSK_ADMIN_DIALOG,
                                           "transient-for", parent,
                                           "modal", TRUE,
                                           NULL);

  self->settings = g_object_ref (settings);
  return self;
}

void
tc_kiosk_admin_dialog_open (TcKioskAdminDialog *self)
{
  g_autofree char *hash = NULL;

  g_return_if_fail (TC_IS_KIOSK_ADMIN_DIALOG (self));

  hash = g_settings_get_string (self->settings, "kiosk-admin-pin-hash");
  self->setup = *hash == '\0';
  if (self->setup)
    show_settings (self);
  else
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Station Settings"));
      gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
      gtk_stack_set_visible_child_name (self->stack, "pin");
      if (self->locked_until == 0)
        gtk_label_set_text (self->pin_message, "");
      update_lock (self);
    }
  gtk_window_present (GTK_WINDOW (self));
}

void
tc_kiosk_admin_dialog_try_pin (TcKioskAdminDialog *self,
                               const char         *pin)
{
  g_return_if_fail (TC_IS_KIOSK_ADMIN_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), pin);
  on_unlock (self);
}

const char *
tc_kiosk_admin_dialog_get_page_name (TcKioskAdminDialog *self)
{
  g_return_val_if_fail (TC_IS_KIOSK_ADMIN_DIALOG (self), NULL);

  if (self->busy && g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "pin") == 0)
    return "checking";
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
tc_kiosk_admin_dialog_get_message (TcKioskAdminDialog *self)
{
  g_return_val_if_fail (TC_IS_KIOSK_ADMIN_DIALOG (self), NULL);

  return gtk_label_get_text (self->pin_message);
}

guint
tc_kiosk_admin_dialog_get_failures (TcKioskAdminDialog *self)
{
  g_return_val_if_fail (TC_IS_KIOSK_ADMIN_DIALOG (self), 0);

  return self->failures;
}
