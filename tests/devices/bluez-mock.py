#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""BlueZ for the devices tests: python-dbusmock's bluez5 template on the bus in
DBUS_SYSTEM_BUS_ADDRESS (a private bus the test started), plus the GATT objects
the template lacks (services, characteristics with ReadValue/StartNotify).

Commands on stdin, one per line; each answers one line on stdout ("ok ..." or "error ...").
  adapter
  device ADDRESS NAME SERVICE16 CHAR16 FLAG      -> ok DEVICE_PATH CHAR_PATH [RACP_PATH]  (FLAG: notify|indicate;
                                                  a glucose service 1808 also gets a RACP 2a52)
  notify CHAR_PATH HEX                          -> PropertiesChanged on Value (a notification)
  disconnect ADDRESS | reconnect ADDRESS        -> the device drops / comes back by itself
  away ADDRESS yes|no                           -> while away, Device1.Connect fails
  calls PATH METHOD                             -> ok N (how many times METHOD was called on PATH)
"""
import os
import subprocess
import sys

import dbus
import dbusmock

MOCK = 'org.freedesktop.DBus.Mock'
BLUEZ_MOCK = 'org.bluez.Mock'
OM = 'org.freedesktop.DBus.ObjectManager'
DEVICE = 'org.bluez.Device1'
SERVICE = 'org.bluez.GattService1'
CHAR = 'org.bluez.GattCharacteristic1'


def uuid128(u16):
    return '0000%04x-0000-1000-8000-00805f9b34fb' % int(u16, 16)


def ay(data):
    return dbus.Array([dbus.Byte(b) for b in data], signature='y')


class Mock:
    def __init__(self):
        self.bus = dbus.bus.BusConnection(os.environ['DBUS_SYSTEM_BUS_ADDRESS'])
        # spawn_server_template talks to the bus named by DBUS_SYSTEM_BUS_ADDRESS
        self.server, _ = dbusmock.DBusTestCase.spawn_server_template(
            'bluez5', {}, stdout=subprocess.DEVNULL, system_bus=True)
        self.root = self.bus.get_object('org.bluez', '/')
        self.handles = 10

    def obj(self, path):
        return self.bus.get_object('org.bluez', path)

    def added(self, path, iface, props):
        ifaces = dbus.Dictionary({iface: dbus.Dictionary(props, signature='sv')}, signature='sa{sv}')
        self.root.EmitSignal(OM, 'InterfacesAdded', 'oa{sa{sv}}', [dbus.ObjectPath(path), ifaces],
                             dbus_interface=MOCK)

    def add_service(self, dev, u16):
        path = '%s/service%04x' % (dev, self.handles)
        self.handles += 1
        props = {'UUID': uuid128(u16), 'Device': dbus.ObjectPath(dev), 'Primary': True,
                 'Includes': dbus.Array([], signature='o')}
        self.root.AddObject(path, SERVICE, props, [], dbus_interface=MOCK)
        self.added(path, SERVICE, props)
        return path

    def add_char(self, service, u16, flags, value=b''):
        path = '%s/char%04x' % (service, self.handles)
        self.handles += 1
        props = {'UUID': uuid128(u16), 'Service': dbus.ObjectPath(service), 'Value': ay(value),
                 'Notifying': False, 'Flags': dbus.Array(flags, signature='s')}
        read = 'ret = dbus.Array([dbus.Byte(b) for b in %r], signature="y")' % list(value)
        notify_on = ("self.props['%s']['Notifying'] = dbus.Boolean(True, variant_level=1)\n"
                     "self.EmitSignal('org.freedesktop.DBus.Properties', 'PropertiesChanged', 'sa{sv}as', "
                     "['%s', {'Notifying': dbus.Boolean(True, variant_level=1)}, []])" % (CHAR, CHAR))
        self.root.AddObject(path, CHAR, props, [
            ('ReadValue', 'a{sv}', 'ay', read),
            ('StartNotify', '', '', notify_on),
            ('StopNotify', '', '', ''),
            ('WriteValue', 'aya{sv}', '', ''),
        ], dbus_interface=MOCK)
        self.added(path, CHAR, props)
        return path

    def device(self, address, name, svc16, char16, flag):
        dev = str(self.root.AddDevice('hci0', address, name, dbus_interface=BLUEZ_MOCK))
        d = self.obj(dev)
        # Connect that honours "away", and that keeps the Connected property true
        d.AddMethod(DEVICE, 'Connect', '', '',
                    "if getattr(self, 'away', False):\n"
                    "    raise dbus.exceptions.DBusException('Page Timeout', name='org.bluez.Error.Failed')\n"
                    "self.props['%s']['Connected'] = dbus.Boolean(True, variant_level=1)\n"
                    "self.EmitSignal('org.freedesktop.DBus.Properties', 'PropertiesChanged', 'sa{sv}as', "
                    "['%s', {'Connected': dbus.Boolean(True, variant_level=1), "
                    "'ServicesResolved': dbus.Boolean(True, variant_level=1)}, []])" % (DEVICE, DEVICE),
                    dbus_interface=MOCK)
        d.AddMethod(DEVICE, 'Pair', '', '',
                    "self.props['%s']['Paired'] = dbus.Boolean(True, variant_level=1)" % DEVICE,
                    dbus_interface=MOCK)
        d.AddMethod('org.teleconsult.Test', 'SetAway', 'b', '', 'self.away = args[0]', dbus_interface=MOCK)
        dis = self.add_service(dev, '180a')
        self.add_char(dis, '2a29', ['read'], b'Acme Medical')
        self.add_char(dis, '2a24', ['read'], b'BP-7000')
        self.add_char(dis, '2a25', ['read'], b'SN 0042\xff')   # not UTF-8 at the end: must be cleaned
        svc = self.add_service(dev, svc16)
        char = self.add_char(svc, char16, [flag])
        racp = ''
        if svc16 == '1808':
            # glucose: records are sent when asked through the Record Access Control Point
            racp = self.add_char(svc, '2a52', ['write', 'indicate'])
        # advertised service: what discovery filters on
        d.UpdateProperties(DEVICE, {'UUIDs': dbus.Array([uuid128(svc16)], signature='s'),
                                    'RSSI': dbus.Int16(-60)}, dbus_interface=MOCK)
        return dev, char, racp

    def run(self):
        print('ready', flush=True)
        for line in sys.stdin:
            words = line.split()
            if not words:
                continue
            try:
                cmd = words[0]
                if cmd == 'adapter':
                    print('ok', self.root.AddAdapter('hci0', 'teleconsult-test', dbus_interface=BLUEZ_MOCK))
                elif cmd == 'device':
                    print('ok', *self.device(*words[1:6]))
                elif cmd == 'notify':
                    self.obj(words[1]).UpdateProperties(CHAR, {'Value': ay(bytes.fromhex(words[2]))},
                                                        dbus_interface=MOCK)
                    print('ok')
                elif cmd == 'disconnect':
                    self.root.DisconnectDevice('hci0', words[1], dbus_interface=BLUEZ_MOCK)
                    print('ok')
                elif cmd == 'reconnect':
                    self.root.ConnectDevice('hci0', words[1], dbus_interface=BLUEZ_MOCK)
                    print('ok')
                elif cmd == 'away':
                    dev = '/org/bluez/hci0/dev_' + words[1].replace(':', '_').upper()
                    self.obj(dev).SetAway(words[2] == 'yes', dbus_interface='org.teleconsult.Test')
                    print('ok')
                elif cmd == 'calls':
                    calls = self.obj(words[1]).GetMethodCalls(words[2], dbus_interface=MOCK)
                    print('ok', len(calls))
                else:
                    print('error unknown command')
            except dbus.exceptions.DBusException as e:
                print('error', e.get_dbus_name())
            except (ValueError, TypeError, IndexError) as e:
                print('error', type(e).__name__)
            sys.stdout.flush()
        self.server.terminate()
        self.server.wait()


if __name__ == '__main__':
    Mock().run()
