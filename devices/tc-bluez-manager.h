/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bluetooth LE health devices through BlueZ's D-Bus API (org.bluez on the system bus):
 * discovery of devices advertising a health service, pairing and connection, Device Information,
 * subscription to measurement characteristics (notifications and indications), readings from
 * PropertiesChanged on Value, and reconnection when a wanted device comes back.
 *
 * Signals (all on the thread-default main context of creation):
 *   "device-found"        (const char *path, const char *name, guint service16)
 *   "device-ready"        (const char *path)  connected and subscribed
 *   "device-disconnected" (const char *path)
 *   "reading"             (const char *path, TcReading *reading)  valid during the emission only
 *   "error"               (const char *path, GError *error)       messages never contain values */
#pragma once

#include <gio/gio.h>

#include "tc-reading.h"

G_BEGIN_DECLS

#define TC_TYPE_BLUEZ_MANAGER (tc_bluez_manager_get_type ())
G_DECLARE_FINAL_TYPE (TcBluezManager, tc_bluez_manager, TC, BLUEZ_MANAGER, GObject)

/* Connects to the system bus (DBUS_SYSTEM_BUS_ADDRESS is honoured, as tests use a private one). */
void            tc_bluez_manager_new_async      (GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TcBluezManager *tc_bluez_manager_new_finish     (GAsyncResult        *result,
                                                 GError             **error);

/* Devices already known to BlueZ that advertise a health service are reported ("device-found")
 * at once; discovery finds new ones. Errors arrive on "error". */
void            tc_bluez_manager_start_discovery (TcBluezManager *self);
void            tc_bluez_manager_stop_discovery  (TcBluezManager *self);
/* Pairs (if needed), trusts and connects, then reads Device Information and subscribes to every
 * measurement characteristic. The device stays wanted: when it disconnects it is reconnected,
 * and when it reconnects by itself it is subscribed again. */
void            tc_bluez_manager_connect_device  (TcBluezManager *self,
                                                  const char     *device_path);
/* Stops wanting the device (no more reconnection); disconnects it. */
void            tc_bluez_manager_forget_device   (TcBluezManager *self,
                                                  const char     *device_path);
gboolean        tc_bluez_manager_is_connected    (TcBluezManager *self,
                                                  const char     *device_path);
/* First delay before a reconnection attempt; doubles up to a minute. Default 2000 ms. */
void            tc_bluez_manager_set_reconnect_delay (TcBluezManager *self,
                                                      guint           delay_ms);

/* 16-bit UUIDs of the health services we look for; 0-terminated. */
const guint16  *tc_bluez_health_services         (void);

G_END_DECLS
