/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcDevicesPanel: the patient's (or kiosk's) medical devices during a call. Bluetooth
 * health devices found by TcBluezManager with their state and last measurement and a
 * Connect button; "Enter a reading by hand" (one small form per kind, checked with
 * tc_manual_entry_*, the errors next to the field); a simulated device for demos; and
 * whether the readings reached the doctor. Large and simple. A view: every reading is
 * emitted as "reading" (TcReading *) for the window to send; the window reports back
 * with tc_devices_panel_set_pending(). */
#pragma once

#include <adwaita.h>

#include "tc-reading.h"

G_BEGIN_DECLS

#define TC_TYPE_DEVICES_PANEL (tc_devices_panel_get_type ())
G_DECLARE_FINAL_TYPE (TcDevicesPanel, tc_devices_panel, TC, DEVICES_PANEL, AdwBin)

typedef enum {
  TC_DEVICE_STATE_FOUND,
  TC_DEVICE_STATE_PAIRING,      /* connecting, pairing and subscribing */
  TC_DEVICE_STATE_CONNECTED,
  TC_DEVICE_STATE_DISCONNECTED,
} TcDeviceState;

GtkWidget  *tc_devices_panel_new                 (void);
/* Connects to BlueZ (system bus) and looks for health devices; says so calmly if it cannot. */
void        tc_devices_panel_start_bluetooth     (TcDevicesPanel *self);
gboolean    tc_devices_panel_get_bluetooth_available (TcDevicesPanel *self);
/* The "Simulated device" section, for demos (--test-sources). Hidden by default. */
void        tc_devices_panel_set_show_simulated  (TcDevicesPanel *self,
                                                  gboolean        show);
/* Readings stored but not yet acknowledged by the doctor's side. */
void        tc_devices_panel_set_pending         (TcDevicesPanel *self,
                                                  guint           pending);
/* A reading could not be kept for sending: @message is shown in plain words. */
void        tc_devices_panel_show_send_error     (TcDevicesPanel *self,
                                                  const char     *message);
const char *tc_devices_panel_get_send_status     (TcDevicesPanel *self);
const char *tc_devices_panel_get_bluetooth_status (TcDevicesPanel *self);

/* Manual entry, also for tests: chooses the form for @kind, fills a field, sends. */
void        tc_devices_panel_set_manual_kind     (TcDevicesPanel *self,
                                                  TcReadingKind   kind);
gboolean    tc_devices_panel_set_manual_text     (TcDevicesPanel *self,
                                                  TcComponentType field,
                                                  const char     *text);
void        tc_devices_panel_send_manual         (TcDevicesPanel *self);
/* The error shown next to @field, or NULL. */
const char *tc_devices_panel_get_field_error     (TcDevicesPanel *self,
                                                  TcComponentType field);
/* A reading from a device outside BlueZ (the simulated one): shown and emitted. */
void        tc_devices_panel_take_simulated      (TcDevicesPanel *self,
                                                  TcReadingKind   kind);
/* Last measurement text of the simulated device or a Bluetooth device (by object path). */
const char *tc_devices_panel_get_last_text       (TcDevicesPanel *self,
                                                  const char     *device);

G_END_DECLS
