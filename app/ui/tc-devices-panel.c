/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-devices-panel"

#include "config.h"

#include "tc-devices-panel.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>

#include "tc-bluez-manager.h"
#include "tc-manual-entry.h"
#include "tc-simulated-device.h"
#include "tc-vitals-panel.h"

#define SIMULATED_PATH "simulated"
#define MAX_FIELD_CHARS 12

enum {
  SIGNAL_READING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What can be typed in, in the order of the drop-downs. */
static const TcReadingKind entry_kinds[] = {
  TC_READING_KIND_BLOOD_PRESSURE,
  TC_READING_KIND_BODY_TEMPERATURE,
  TC_READING_KIND_HEART_RATE,
  TC_READING_KIND_SPO2,
  TC_READING_KIND_BODY_WEIGHT,
  TC_READING_KIND_GLUCOSE,
};

typedef struct {
  TcComponentType type;
  const char     *unit;       /* UCUM */
  const char     *unit_shown;
  gboolean        required;
  GtkWidget      *entry;
  GtkWidget      *error;
} Field;

typedef struct {
  char          *path;
  char          *name;
  guint          service;
  TcDeviceState  state;
  char          *last;
  gboolean       failed;
  AdwActionRow  *row;
  GtkWidget     *button;
} Device;

struct _TcDevicesPanel {
  AdwBin          parent_instance;

  GtkWidget      *send_status;
  GtkWidget      *bluetooth_status;
  GtkListBox     *device_list;
  GtkWidget      *simulated_box;
  GtkDropDown    *simulated_kind;
  GtkWidget      *simulated_last;
  GtkDropDown    *manual_kind;
  GtkBox         *manual_fields;
  GtkWidget      *manual_result;

  GCancellable   *cancellable;
  TcBluezManager *bluez;
  gboolean        bluetooth_available;
  GPtrArray      *devices;       /* Device */
  GArray         *fields;        /* Field */
  TcReadingKind   manual;
  char           *simulated_text;
  guint           submitted;     /* readings handed over in this panel's life */
  guint           pending;
};

G_DEFINE_FINAL_TYPE (TcDevicesPanel, tc_devices_panel, ADW_TYPE_BIN)

/* ---- sending status ------------------------------------------------------ */

static void
update_send_status (TcDevicesPanel *self)
{
  g_autofree char *text = NULL;

  if (self->pending > 0)
    /* Translators: readings stored on this computer, not yet received by the doctor */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Waiting to send (%u)", "Waiting to send (%u)",
                                         self->pending), self->pending);
  else if (self->submitted > 0)
    text = g_strdup (_("Sent to your doctor ✓"));
  else
    text = g_strdup (_("Your readings are sent to your doctor."));
  gtk_label_set_text (GTK_LABEL (self->send_status), text);
  if (self->pending > 0)
    gtk_widget_remove_css_class (self->send_status, "success");
  else if (self->submitted > 0)
    gtk_widget_add_css_class (self->send_status, "success");
}

static void
hand_over (TcDevicesPanel  *self,
           const TcReading *reading)
{
  self->submitted++;
  g_signal_emit (self, signals[SIGNAL_READING], 0, reading);
  update_send_status (self);
}

static char *
last_text (const TcReading *reading)
{
  g_autofree char *value = tc_vitals_format_value (reading);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) local = g_date_time_to_local (reading->timestamp != NULL ? reading->timestamp : now);
  g_autofree char *clock = g_date_time_format (local, "%H:%M");

  /* Translators: "Last: 120/80 mmHg at 14:02" */
  return g_strdup_printf (_("Last: %s at %s"), value, clock);
}

/* ---- Bluetooth devices ----------------------------------------------------- */

static const char *
service_name (guint service)
{
  switch (service)
    {
    case 0x1810: return _("Blood pressure monitor");
    case 0x1809: return _("Thermometer");
    case 0x180D: return _("Heart rate monitor");
    case 0x1822: return _("Pulse oximeter");
    case 0x1808: return _("Glucose meter");
    case 0x181D: return _("Scale");
    default: return _("Health device");
    }
}

static const char *
state_name (Device *d)
{
  if (d->failed)
    return _("Could not connect. Check that it is on and close by, then try again.");
  switch (d->state)
    {
    case TC_DEVICE_STATE_FOUND: return _("Found");
    case TC_DEVICE_STATE_PAIRING: return _("Connecting…");
    case TC_DEVICE_STATE_CONNECTED: return _("Connected");
    case TC_DEVICE_STATE_DISCONNECTED: return _("Disconnected");
    default: return "";
    }
}

static void
device_free (gpointer data)
{
  Device *d = data;

  g_free (d->path);
  g_free (d->name);
  g_free (d->last);
  g_free (d);
}

static Device *
find_device (TcDevicesPanel *self,
             const char     *path)
{
  for (guint i = 0; i < self->devices->len; i++)
    {
      Device *d = g_ptr_array_index (self->devices, i);

      if (g_strcmp0 (d->path, path) == 0)
        return d;
    }
  return NULL;
}

static void
update_device_row (Device *d)
{
  g_autofree char *subtitle = NULL;

  subtitle = d->last != NULL
             ? g_strdup_printf ("%s · %s\n%s", service_name (d->service), state_name (d), d->last)
             : g_strdup_printf ("%s · %s", service_name (d->service), state_name (d));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (d->row), d->name);
  adw_action_row_set_subtitle (d->row, subtitle);
  gtk_widget_set_visible (d->button, d->state != TC_DEVICE_STATE_CONNECTED && d->state != TC_DEVICE_STATE_PAIRING);
  gtk_button_set_label (GTK_BUTTON (d->button),
                        d->state == TC_DEVICE_STATE_DISCONNECTED ? _("Reconnect") : _("Connect"));
}

static void
on_connect_clicked (GtkButton      *button,
                    TcDevicesPanel *self)
{
  Device *d = find_device (self, g_object_get_data (G_OBJECT (button), "tc-device-path"));

  if (d == NULL || self->bluez == NULL)
    return;
  d->state = TC_DEVICE_STATE_PAIRING;
  d->failed = FALSE;
  update_device_row (d);
  tc_bluez_manager_connect_device (self->bluez, d->path);
}

static void
on_device_found (TcBluezManager *bluez,
                 const char     *path,
                 const char     *name,
                 guint           service,
                 TcDevicesPanel *self)
{
  Device *d = find_device (self, path);

  if (d == NULL)
    {
      d = g_new0 (Device, 1);
      d->path = g_strdup (path);
      d->row = ADW_ACTION_ROW (adw_action_row_new ());
      adw_action_row_set_subtitle_lines (d->row, 4);
      d->button = gtk_button_new_with_label (_("Connect"));
      gtk_widget_set_valign (d->button, GTK_ALIGN_CENTER);
      gtk_widget_set_size_request (d->button, -1, 48);
      g_object_set_data_full (G_OBJECT (d->button), "tc-device-path", g_strdup (path), g_free);
      g_signal_connect_object (d->button, "clicked", G_CALLBACK (on_connect_clicked), self, 0);
      adw_action_row_add_suffix (d->row, d->button);
      gtk_list_box_append (self->device_list, GTK_WIDGET (d->row));
      g_ptr_array_add (self->devices, d);
    }
  g_free (d->name);
  d->name = g_strdup (name != NULL && *name != '\0' ? name : service_name (service));
  d->service = service;
  update_device_row (d);
  gtk_widget_set_visible (GTK_WIDGET (self->device_list), TRUE);
  gtk_label_set_text (GTK_LABEL (self->bluetooth_status),
                      _("Turn your device on and press Connect. Then measure as usual."));
}

static void
set_device_state (TcDevicesPanel *self,
                  const char     *path,
                  TcDeviceState   state)
{
  Device *d = find_device (self, path);

  if (d == NULL)
    return;
  d->state = state;
  d->failed = FALSE;
  update_device_row (d);
}

static void
on_device_ready (TcBluezManager *bluez,
                 const char     *path,
                 TcDevicesPanel *self)
{
  set_device_state (self, path, TC_DEVICE_STATE_CONNECTED);
}

static void
on_device_disconnected (TcBluezManager *bluez,
                        const char     *path,
                        TcDevicesPanel *self)
{
  set_device_state (self, path, TC_DEVICE_STATE_DISCONNECTED);
}

static void
on_device_reading (TcBluezManager *bluez,
                   const char     *path,
                   TcReading      *reading,
                   TcDevicesPanel *self)
{
  Device *d = find_device (self, path);

  /* A cuff inflating sends its pressure as it goes: only the result is a reading. */
  if (reading->preliminary)
    return;
  if (d != NULL)
    {
      g_free (d->last);
      d->last = last_text (reading);
      update_device_row (d);
    }
  hand_over (self, reading);
}

static void
set_bluetooth_unavailable (TcDevicesPanel *self)
{
  self->bluetooth_available = FALSE;
  gtk_label_set_text (GTK_LABEL (self->bluetooth_status),
                      _("Bluetooth is not available on this computer. "
                        "You can still type your readings in below."));
}

static void
on_bluez_error (TcBluezManager *bluez,
                const char     *path,
                GError         *error,
                TcDevicesPanel *self)
{
  Device *d = find_device (self, path);

  g_debug ("Bluetooth: %s", error->message);
  if (d != NULL)
    {
      d->failed = TRUE;
      if (d->state == TC_DEVICE_STATE_PAIRING)
        d->state = TC_DEVICE_STATE_FOUND;
      update_device_row (d);
    }
  else if (self->devices->len == 0)
    set_bluetooth_unavailable (self);
}

static void
on_bluez_ready (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  TcBluezManager *bluez = tc_bluez_manager_new_finish (result, &error);
  TcDevicesPanel *self;

  if (bluez == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self = user_data;
      g_debug ("Bluetooth unavailable: %s", error->message);
      set_bluetooth_unavailable (self);
      return;
    }
  self = user_data;
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_object_unref (bluez);
      return;
    }
  self->bluez = bluez;
  self->bluetooth_available = TRUE;
  g_signal_connect_object (bluez, "device-found", G_CALLBACK (on_device_found), self, 0);
  g_signal_connect_object (bluez, "device-ready", G_CALLBACK (on_device_ready), self, 0);
  g_signal_connect_object (bluez, "device-disconnected", G_CALLBACK (on_device_disconnected), self, 0);
  g_signal_connect_object (bluez, "reading", G_CALLBACK (on_device_reading), self, 0);
  g_signal_connect_object (bluez, "error", G_CALLBACK (on_bluez_error), self, 0);
  tc_bluez_manager_start_discovery (bluez);
}

/* ---- manual entry ------------------------------------------------------------ */

static void
clear_field (gpointer data)
{
  Field *f = data;

  g_clear_object (&f->entry);
  g_clear_object (&f->error);
}

static Field *
find_field (TcDevicesPanel  *self,
            TcComponentType  type)
{
  for (guint i = 0; i < self->fields->len; i++)
    if (g_array_index (self->fields, Field, i).type == type)
      return &g_array_index (self->fields, Field, i);
  return NULL;
}

static const char *
field_label (TcComponentType type,
             gboolean        required)
{
  switch (type)
    {
    case TC_COMPONENT_SYSTOLIC: return _("Upper number (systolic)");
    case TC_COMPONENT_DIASTOLIC: return _("Lower number (diastolic)");
    case TC_COMPONENT_PULSE_RATE: return required ? _("Pulse") : _("Pulse (if shown)");
    case TC_COMPONENT_HEART_RATE: return _("Heart rate");
    case TC_COMPONENT_BODY_TEMPERATURE: return _("Temperature");
    case TC_COMPONENT_SPO2: return _("Oxygen saturation");
    case TC_COMPONENT_BODY_WEIGHT: return _("Weight");
    case TC_COMPONENT_GLUCOSE: return _("Blood glucose");
    default: return "";
    }
}

static void
add_field (TcDevicesPanel  *self,
           TcComponentType  type,
           const char      *unit,
           const char      *unit_shown,
           gboolean         required,
           const char      *example)
{
  Field f = { type, unit, unit_shown, required, NULL, NULL };
  GtkWidget *label = gtk_label_new (field_label (type, required));
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *unit_label = gtk_label_new (unit_shown);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  f.entry = g_object_ref_sink (gtk_entry_new ());
  gtk_entry_set_input_purpose (GTK_ENTRY (f.entry), GTK_INPUT_PURPOSE_NUMBER);
  gtk_entry_set_max_length (GTK_ENTRY (f.entry), MAX_FIELD_CHARS);
  gtk_entry_set_placeholder_text (GTK_ENTRY (f.entry), example);
  gtk_widget_set_hexpand (f.entry, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (f.entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  field_label (type, required), -1);
  gtk_box_append (GTK_BOX (row), f.entry);
  gtk_box_append (GTK_BOX (row), unit_label);
  f.error = g_object_ref_sink (gtk_label_new (NULL));
  gtk_label_set_wrap (GTK_LABEL (f.error), TRUE);
  gtk_label_set_xalign (GTK_LABEL (f.error), 0);
  gtk_widget_add_css_class (f.error, "error");
  gtk_widget_set_visible (f.error, FALSE);
  g_signal_connect_object (f.entry, "activate", G_CALLBACK (tc_devices_panel_send_manual), self,
                           G_CONNECT_SWAPPED);

  gtk_box_append (self->manual_fields, label);
  gtk_box_append (self->manual_fields, row);
  gtk_box_append (self->manual_fields, f.error);
  g_array_append_val (self->fields, f);
}

static void
build_form (TcDevicesPanel *self,
            TcReadingKind   kind)
{
  GtkWidget *child;

  g_array_set_size (self->fields, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->manual_fields))) != NULL)
    gtk_box_remove (self->manual_fields, child);
  self->manual = kind;

  switch (kind)
    {
    case TC_READING_KIND_BLOOD_PRESSURE:
      add_field (self, TC_COMPONENT_SYSTOLIC, TC_UNIT_MMHG, "mmHg", TRUE, "120");
      add_field (self, TC_COMPONENT_DIASTOLIC, TC_UNIT_MMHG, "mmHg", TRUE, "80");
      add_field (self, TC_COMPONENT_PULSE_RATE, TC_UNIT_PER_MIN, _("bpm"), FALSE, "72");
      break;
    case TC_READING_KIND_BODY_TEMPERATURE:
      add_field (self, TC_COMPONENT_BODY_TEMPERATURE, TC_UNIT_CELSIUS, "°C", TRUE, "36.8");
      break;
    case TC_READING_KIND_HEART_RATE:
      add_field (self, TC_COMPONENT_HEART_RATE, TC_UNIT_PER_MIN, _("bpm"), TRUE, "72");
      break;
    case TC_READING_KIND_SPO2:
      add_field (self, TC_COMPONENT_SPO2, TC_UNIT_PERCENT, "%", TRUE, "97");
      add_field (self, TC_COMPONENT_PULSE_RATE, TC_UNIT_PER_MIN, _("bpm"), FALSE, "72");
      break;
    case TC_READING_KIND_BODY_WEIGHT:
      add_field (self, TC_COMPONENT_BODY_WEIGHT, TC_UNIT_KG, "kg", TRUE, "70.5");
      break;
    case TC_READING_KIND_GLUCOSE:
      add_field (self, TC_COMPONENT_GLUCOSE, TC_UNIT_MG_DL, "mg/dL", TRUE, "95");
      break;
    default:
      break;
    }
}

static void
set_field_error (Field      *f,
                 const char *message)
{
  gtk_label_set_text (GTK_LABEL (f->error), message != NULL ? message : "");
  gtk_widget_set_visible (f->error, message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (f->entry, "error");
  else
    gtk_widget_remove_css_class (f->entry, "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (f->entry), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  message != NULL ? message : "", -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (f->entry), GTK_ACCESSIBLE_STATE_INVALID,
                               message != NULL ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE, -1);
}

/* The devices layer's messages are English and name the field; the person reads words
 * in their language next to the field itself. The accepted range is taken from it. */
static char *
field_error_words (Field        *f,
                   const GError *error)
{
  if (g_error_matches (error, TC_MANUAL_ENTRY_ERROR, TC_MANUAL_ENTRY_ERROR_OUT_OF_RANGE))
    {
      g_autoptr(GRegex) regex = g_regex_new ("between (-?[0-9.]+) and (-?[0-9.]+)", 0, 0, NULL);
      g_autoptr(GMatchInfo) match = NULL;

      if (g_regex_match (regex, error->message, 0, &match))
        {
          g_autofree char *low = g_match_info_fetch (match, 1);
          g_autofree char *high = g_match_info_fetch (match, 2);

          /* Translators: "Please check this number: it should be between 50 and 300 mmHg." */
          return g_strdup_printf (_("Please check this number: it should be between %s and %s %s."), low, high,
                                  f->unit_shown);
        }
      return g_strdup (_("Please check this number: it is not a value a person can have."));
    }
  if (g_error_matches (error, TC_MANUAL_ENTRY_ERROR, TC_MANUAL_ENTRY_ERROR_MISSING))
    return g_strdup (_("Please type this number."));
  if (g_error_matches (error, TC_MANUAL_ENTRY_ERROR, TC_MANUAL_ENTRY_ERROR_INCONSISTENT) &&
      f->type == TC_COMPONENT_DIASTOLIC)
    return g_strdup (_("The lower number must be smaller than the upper number."));
  return g_strdup (_("This number cannot be sent. Please check it."));
}

/* Accepts "36,8" as well as "36.8": people type what their language writes. */
static gboolean
parse_number (const char *text,
              double     *value)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *end = NULL;

  g_strdelimit (copy, ",", '.');
  if (*copy == '\0')
    return FALSE;
  *value = g_ascii_strtod (copy, &end);
  return end != NULL && *end == '\0' && isfinite (*value);
}

void
tc_devices_panel_send_manual (TcDevicesPanel *self)
{
  TcManualValue values[4];
  guint n = 0;
  gboolean ok = TRUE;
  TcComponentType bad = TC_COMPONENT_N_TYPES;
  g_autoptr(GError) error = NULL;
  g_autoptr(TcReading) reading = NULL;
  g_autofree char *done = NULL;

  g_return_if_fail (TC_IS_DEVICES_PANEL (self));

  gtk_widget_set_visible (self->manual_result, FALSE);
  for (guint i = 0; i < self->fields->len && n < G_N_ELEMENTS (values); i++)
    {
      Field *f = &g_array_index (self->fields, Field, i);
      const char *text = gtk_editable_get_text (GTK_EDITABLE (f->entry));
      g_autoptr(GError) field_error = NULL;
      g_autofree char *words = NULL;
      g_autofree char *trimmed = g_strstrip (g_strdup (text));
      double value;

      set_field_error (f, NULL);
      if (*trimmed == '\0' && !f->required)
        continue;
      if (!parse_number (text, &value))
        {
          set_field_error (f, *trimmed == '\0' ? _("Please type this number.")
                                            : _("Please type only a number, for example as shown in grey."));
          ok = FALSE;
          continue;
        }
      if (!tc_manual_entry_check (f->type, value, f->unit, &field_error))
        {
          words = field_error_words (f, field_error);
          set_field_error (f, words);
          ok = FALSE;
          continue;
        }
      values[n++] = (TcManualValue) { f->type, value, f->unit };
    }
  if (!ok)
    return;

  reading = tc_manual_entry_create (self->manual, values, n, NULL, &bad, &error);
  if (reading == NULL)
    {
      Field *f = find_field (self, bad);
      g_autofree char *words = NULL;

      if (f == NULL && self->fields->len > 0)
        f = &g_array_index (self->fields, Field, 0);
      if (f != NULL)
        {
          words = field_error_words (f, error);
          set_field_error (f, words);
        }
      return;
    }

  for (guint i = 0; i < self->fields->len; i++)
    gtk_editable_set_text (GTK_EDITABLE (g_array_index (self->fields, Field, i).entry), "");
  done = last_text (reading);
  gtk_label_set_text (GTK_LABEL (self->manual_result), done);
  gtk_widget_set_visible (self->manual_result, TRUE);
  hand_over (self, reading);
}

static void
on_manual_kind_changed (TcDevicesPanel *self)
{
  guint i = gtk_drop_down_get_selected (self->manual_kind);

  if (i < G_N_ELEMENTS (entry_kinds) && entry_kinds[i] != self->manual)
    build_form (self, entry_kinds[i]);
}

/* ---- simulated device ----------------------------------------------------------- */

static void
on_simulated_clicked (TcDevicesPanel *self)
{
  guint i = gtk_drop_down_get_selected (self->simulated_kind);

  if (i < G_N_ELEMENTS (entry_kinds))
    tc_devices_panel_take_simulated (self, entry_kinds[i]);
}

/* ---- GObject --------------------------------------------------------------------- */

static GListModel *
kinds_model (void)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (entry_kinds); i++)
    gtk_string_list_append (list, tc_vitals_kind_name (entry_kinds[i]));
  return G_LIST_MODEL (list);
}

static void
tc_devices_panel_dispose (GObject *object)
{
  TcDevicesPanel *self = TC_DEVICES_PANEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->bluez != NULL)
    tc_bluez_manager_stop_discovery (self->bluez);
  g_clear_object (&self->bluez);
  g_clear_pointer (&self->fields, g_array_unref);
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), TC_TYPE_DEVICES_PANEL);

  G_OBJECT_CLASS (tc_devices_panel_parent_class)->dispose (object);
}

static void
tc_devices_panel_finalize (GObject *object)
{
  TcDevicesPanel *self = TC_DEVICES_PANEL (object);

  g_free (self->simulated_text);

  G_OBJECT_CLASS (tc_devices_panel_parent_class)->finalize (object);
}

static void
tc_devices_panel_class_init (TcDevicesPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_devices_panel_dispose;
  object_class->finalize = tc_devices_panel_finalize;

  signals[SIGNAL_READING] =
    g_signal_new ("reading", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TC_TYPE_READING | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/teleconsult/Teleconsult/ui/tc-devices-panel.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, TcDevicesPanel, name)
  BIND (send_status);
  BIND (bluetooth_status);
  BIND (device_list);
  BIND (simulated_box);
  BIND (simulated_kind);
  BIND (simulated_last);
  BIND (manual_kind);
  BIND (manual_fields);
  BIND (manual_result);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_simulated_clicked);
  gtk_widget_class_bind_template_callback (widget_class, tc_devices_panel_send_manual);
}

static void
tc_devices_panel_init (TcDevicesPanel *self)
{
  g_autoptr(GListModel) manual_model = kinds_model ();
  g_autoptr(GListModel) simulated_model = kinds_model ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->devices = g_ptr_array_new_with_free_func (device_free);
  self->fields = g_array_new (FALSE, TRUE, sizeof (Field));
  g_array_set_clear_func (self->fields, clear_field);

  gtk_drop_down_set_model (self->simulated_kind, simulated_model);
  gtk_drop_down_set_model (self->manual_kind, manual_model);
  build_form (self, entry_kinds[0]);
  g_signal_connect_object (self->manual_kind, "notify::selected", G_CALLBACK (on_manual_kind_changed), self,
                           G_CONNECT_SWAPPED);
}

GtkWidget *
tc_devices_panel_new (void)
{
  return g_object_new (TC_TYPE_DEVICES_PANEL, NULL);
}

void
tc_devices_panel_start_bluetooth (TcDevicesPanel *self)
{
  g_return_if_fail (TC_IS_DEVICES_PANEL (self));

  if (self->bluez != NULL)
    return;
  /* The callback holds no reference: disposing the panel cancels it first. */
  tc_bluez_manager_new_async (self->cancellable, on_bluez_ready, self);
}

gboolean
tc_devices_panel_get_bluetooth_available (TcDevicesPanel *self)
{
  g_return_val_if_fail (TC_IS_DEVICES_PANEL (self), FALSE);

  return self->bluetooth_available;
}

void
tc_devices_panel_set_show_simulated (TcDevicesPanel *self,
                                     gboolean        show)
{
  g_return_if_fail (TC_IS_DEVICES_PANEL (self));

  gtk_widget_set_visible (self->simulated_box, show);
}

void
tc_devices_panel_set_pending (TcDevicesPanel *self,
                              guint           pending)
{
  g_return_if_fail (TC_IS_DEVICES_PANEL (self));

  if (self->pending == pending)
    return;
  self->pending = pending;
  update_send_status (self);
}

void
tc_devices_panel_show_send_error (TcDevicesPanel *self,
                                  const char     *message)
{
  g_return_if_fail (TC_IS_DEVICES_PANEL (self));

  if (self->submitted > 0)
    self->submitted--;
  gtk_label_set_text (GTK_LABEL (self->send_status), message);
  gtk_widget_remove_css_class (self->send_status, "success");
}

const char *
tc_devices_panel_get_send_status (TcDevicesPanel *self)
{
  g_return_val_if_fail (TC_IS_DEVICES_PANEL (self), NULL);

  return gtk_label_get_text (GTK_LABEL (self->send_status));
}

const char *
tc_devices_panel_get_bluetooth_status (TcDevicesPanel *self)
{
  g_return_val_if_fail (TC_IS_DEVICES_PANEL (self), NULL);

  return gtk_label_get_text (GTK_LABEL (self->bluetooth_status));
}

void
tc_devices_panel_set_manual_kind (TcDevicesPanel *self,
                                  TcReadingKind   kind)
{
  g_return_if_fail (TC_IS_DEVICES_PANEL (self));

  for (guint i = 0; i < G_N_ELEMENTS (entry_kinds); i++)
    if (entry_kinds[i] == kind)
      gtk_drop_down_set_selected (self->manual_kind, i);
}

gboolean
tc_devices_panel_set_manual_text (TcDevicesPanel *self,
                                  TcComponentType field,
                                  const char     *text)
{
  Field *f;

  g_return_val_if_fail (TC_IS_DEVICES_PANEL (self), FALSE);

  f = find_field (self, field);
  if (f == NULL)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (f->entry), text);
  return TRUE;
}

const char *
tc_devices_panel_get_field_error (TcDevicesPanel *self,
                                  TcComponentType field)
{
  Field *f;

  g_return_val_if_fail (TC_IS_DEVICES_PANEL (self), NULL);

  f = find_field (self, field);
  return f != NULL && gtk_widget_get_visible (f->error) ? gtk_label_get_text (GTK_LABEL (f->error)) : NULL;
}

void
tc_devices_panel_take_simulated (TcDevicesPanel *self,
                                 TcReadingKind   kind)
{
  g_autoptr(TcSimulatedDevice) device = NULL;
  g_autoptr(TcReading) reading = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TC_IS_DEVICES_PANEL (self));

  device = tc_simulated_device_new (kind);
  tc_simulated_device_set_jitter (device, 3);
  reading = tc_simulated_device_trigger (device, &error);
  if (reading == NULL)
    {
      g_debug ("Simulated device: %s", error->message);
      return;
    }
  g_free (self->simulated_text);
  self->simulated_text = last_text (reading);
  gtk_label_set_text (GTK_LABEL (self->simulated_last), self->simulated_text);
  gtk_widget_set_visible (self->simulated_last, TRUE);
  hand_over (self, reading);
}

const char *
tc_devices_panel_get_last_text (TcDevicesPanel *self,
                                const char     *device)
{
  Device *d;

  g_return_val_if_fail (TC_IS_DEVICES_PANEL (self), NULL);

  if (g_strcmp0 (device, SIMULATED_PATH) == 0)
    return self->simulated_text;
  d = find_device (self, device);
  return d != NULL ? d->last : NULL;
}
