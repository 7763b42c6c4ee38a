#!/usr/bin/env python3
# Checks that the Flatpak manifest parses and agrees with the meson build: the app id,
# the command, the modules the GNOME runtime lacks, and finish-args limited to what
# Teleconsult needs, each one justified by a comment just above it.
import sys

import yaml

manifest_path, app_id, meson_build = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []
passed = 0


def check(condition, what):
    global passed
    if condition:
        passed += 1
    else:
        failures.append(what)


with open(manifest_path, encoding="utf-8") as f:
    text = f.read()
manifest = yaml.safe_load(text)

check(isinstance(manifest, dict), "the manifest is a YAML mapping")
check(manifest.get("app-id") == app_id, f"app-id is {app_id} (meson.build's app_id)")
check(manifest.get("command") == "teleconsult", "command is the installed teleconsult binary")
check(manifest.get("runtime") == "org.gnome.Platform", "runtime is the GNOME platform")

modules = manifest.get("modules", [])
names = [m.get("name") for m in modules if isinstance(m, dict)]
for needed in ("libsrtp2", "libnice", "libsodium"):
    check(needed in names, f"module {needed} is built (the runtime lacks it)")
check(names and names[-1] == "teleconsult", "the app is the last module")
app = modules[-1] if modules else {}
check(app.get("buildsystem") == "meson", "the app builds with meson")
check("-Dtests=false" in app.get("config-opts", []), "the app module does not build the tests")
libnice = next((m for m in modules if m.get("name") == "libnice"), {})
check("-Dgstreamer=enabled" in libnice.get("config-opts", []), "libnice builds its GStreamer plugin")

with open(meson_build, encoding="utf-8") as f:
    check(f"app_id = '{app_id}'" in f.read(), "meson.build declares the same app id")

allowed = {
    "--share=network", "--socket=pulseaudio", "--device=all", "--socket=wayland",
    "--socket=fallback-x11", "--share=ipc", "--system-talk-name=org.bluez",
    "--talk-name=org.freedesktop.ScreenSaver",
}
finish_args = manifest.get("finish-args", [])
for arg in finish_args:
    check(arg in allowed, f"finish-arg {arg} is one Teleconsult needs")
    # The line before the argument (or before a run of arguments) is a comment.
    lines = text.splitlines()
    idx = next(i for i, line in enumerate(lines) if line.strip() == f"- {arg}")
    j = idx - 1
    while j >= 0 and lines[j].strip().startswith("- --"):
        j -= 1
    check(j >= 0 and lines[j].strip().startswith("#"), f"finish-arg {arg} is justified by a comment")
check("--filesystem=home" not in finish_args and "--filesystem=host" not in finish_args,
      "no access to the home folder or the host file system")

for f in failures:
    print(f"FAIL: {f}")
print(f"manifest: {passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
