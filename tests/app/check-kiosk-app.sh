#!/bin/sh
# `teleconsult --kiosk` as systemd starts it: it registers on the session bus,
# app.quit is disabled, and asking it to quit over D-Bus leaves it running.
# Run inside tests/app/xvfb-wrapper.sh (private X server and session bus).
#   check-kiosk-app.sh TELECONSULT_BINARY
set -eu

app="$1"
name=io.github.teleconsult.Teleconsult
path=/io/github/teleconsult/Teleconsult
command -v gdbus >/dev/null 2>&1 || { echo "check-kiosk-app: gdbus missing; skipping"; exit 77; }

log=$(mktemp)
TC_MEDIA_SOURCES=test "$app" --kiosk >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT

i=0
until gdbus call --session --dest $name --object-path $path --method org.gtk.Actions.Describe quit \
        >"$log.describe" 2>/dev/null; do
  i=$((i + 1))
  if [ $i -gt 100 ] || ! kill -0 $pid 2>/dev/null; then
    cat "$log"; echo "check-kiosk-app: the kiosk never appeared on the session bus"; exit 1
  fi
  sleep 0.1
done
describe=$(cat "$log.describe"); rm -f "$log.describe"
case "$describe" in
  "((false,"*) echo "check-kiosk-app: app.quit is disabled: $describe" ;;
  *) echo "check-kiosk-app: app.quit should be disabled in kiosk mode: $describe"; exit 1 ;;
esac

gdbus call --session --dest $name --object-path $path \
  --method org.freedesktop.Application.ActivateAction quit "[]" "{}" >/dev/null 2>&1 || true
sleep 1
if ! kill -0 $pid 2>/dev/null; then
  cat "$log"; echo "check-kiosk-app: the kiosk quit when asked over D-Bus"; exit 1
fi
echo "check-kiosk-app: still running after app.quit"
