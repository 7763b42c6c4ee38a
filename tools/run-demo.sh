#!/usr/bin/env bash
# Two windows on one machine (`make demo`): a practitioner in LAN mode and a
# patient who joins the practitioner's invitation by itself. Admit the patient
# in the practitioner's window to start the call.
#   ./tools/run-demo.sh BUILD
set -euo pipefail

BUILD="${1:-build}"
BUILD="$(cd "$BUILD" && pwd)"
APP="$BUILD/app/ui/teleconsult"

if [ ! -x "$APP" ]; then
  echo "run-demo: $APP is missing. Build first: meson compile -C $BUILD" >&2
  exit 1
fi

export GSETTINGS_SCHEMA_DIR="$BUILD/resources${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR}"
export TC_LOCALEDIR="$BUILD/po"
# Both windows share this machine's one camera at best: test patterns unless asked.
export TC_MEDIA_SOURCES="${TC_MEDIA_SOURCES:-test}"
# Each window keeps its own settings, so the two do not fight over them.
export GSETTINGS_BACKEND=memory

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  if [ "${TC_XVFB:-0}" != "1" ]; then
    cat >&2 <<MSG
run-demo: there is no display here, so the two windows have nowhere to appear.
Run it inside a desktop session (make demo), or over ssh -X. To check that both
sides start and connect without a display: TC_XVFB=1 make demo
MSG
    exit 2
  fi
  echo "run-demo: no display; running under Xvfb as asked (TC_XVFB=1)"
  exec xvfb-run -a -s "-screen 0 1920x1080x24" "$0" "$BUILD"
fi

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

invitation="$work/invitation"
echo "run-demo: starting the practitioner (LAN mode)…"
"$APP" --separate --lan --demo --name "Dr Martin" --invitation-file "$invitation" &
pids+=($!)

for _ in $(seq 1 100); do
  [ -s "$invitation" ] && break
  sleep 0.2
done
if [ ! -s "$invitation" ]; then
  echo "run-demo: the practitioner window made no invitation within 20 s" >&2
  exit 1
fi

echo "run-demo: starting the patient with the invitation…"
"$APP" --separate --demo --name "Marie Dupont" --join "$(cat "$invitation")" &
pids+=($!)

echo "run-demo: admit Marie Dupont in Dr Martin's window. Close both windows to stop."
wait "${pids[@]}"
