#!/bin/sh
# Runs a UI test under a private X server (Xvfb) and a private D-Bus session bus.
# Exit 77 (meson SKIP) only when Xvfb itself is missing.
set -eu

if ! command -v Xvfb >/dev/null 2>&1 || ! command -v xvfb-run >/dev/null 2>&1; then
  echo "xvfb-wrapper: Xvfb / xvfb-run not installed (apt-get install xvfb xauth); skipping"
  exit 77
fi

export GDK_BACKEND=x11
# The cairo renderer draws the same pixels on every machine and costs little CPU.
export GSK_RENDERER="${GSK_RENDERER:-cairo}"
export NO_AT_BRIDGE=1
# No accessibility bus to start in a private session.
export GTK_A11Y=none
unset WAYLAND_DISPLAY

if command -v dbus-run-session >/dev/null 2>&1; then
  exec xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" dbus-run-session -- "$@"
fi
exec xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" "$@"
