#!/usr/bin/env bash
# Runs the desktop app from a build folder: ./tools/run-app.sh BUILD [teleconsult options]
# (`make run`). Uses the compiled schema and translations of that build folder.
# With no display: set TC_XVFB=1 to run it under Xvfb anyway (nothing to see, but
# useful to check that it starts), otherwise this explains how to run it.
set -euo pipefail

BUILD="${1:-build}"
shift || true
BUILD="$(cd "$BUILD" && pwd)"
APP="$BUILD/app/ui/teleconsult"

if [ ! -x "$APP" ]; then
  echo "run-app: $APP is missing. Build first: meson compile -C $BUILD" >&2
  echo "         (the app needs GTK 4 and libadwaita: apt-get install libgtk-4-dev libadwaita-1-dev)" >&2
  exit 1
fi

export GSETTINGS_SCHEMA_DIR="$BUILD/resources${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR}"
export TC_LOCALEDIR="$BUILD/po"

# Test patterns and tones when the machine has no camera.
extra=()
if [ -z "${TC_MEDIA_SOURCES:-}" ] && ! ls /dev/video* >/dev/null 2>&1; then
  echo "run-app: no camera found (/dev/video*): using test sources (set TC_MEDIA_SOURCES=real to override)"
  extra+=(--test-sources)
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  if [ "${TC_XVFB:-0}" = "1" ]; then
    echo "run-app: no display; running under Xvfb as asked (TC_XVFB=1). Stop it with Ctrl+C."
    exec xvfb-run -a -s "-screen 0 1280x800x24" "$APP" "${extra[@]}" "$@"
  fi
  cat >&2 <<MSG
run-app: there is no display here (neither DISPLAY nor WAYLAND_DISPLAY is set), so
the Teleconsult window has nowhere to appear.

  * On a desktop session, run again from a terminal inside it:  make run
  * Over SSH, forward X:  ssh -X host, then  make run
  * To only check that it starts, run it on a virtual screen:  TC_XVFB=1 make run
  * The UI tests take screenshots of every page without a display:
      meson test -C $BUILD ui-pages-en ui-pages-fr
    then look in $BUILD/tests/app/screenshots/
MSG
  exit 2
fi

exec "$APP" "${extra[@]}" "$@"
