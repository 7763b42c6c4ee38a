#!/bin/sh
# The kiosk's systemd user unit: the keys that make it come back after a crash,
# then `systemd-analyze verify --user` (any warning fails) when systemd is here.
# Usage: check-kiosk-unit.sh UNIT TELECONSULT_BINARY
set -eu

unit="$1"
# meson passes the build's binary relative to the build folder.
binary="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "check-kiosk-unit: $*" >&2; exit 1; }

# A small parser: KEY=VALUE per section, comments and blank lines skipped.
value() {
  awk -v want_section="$1" -v want_key="$2" '
    /^[ \t]*[#;]/ || /^[ \t]*$/ { next }
    /^\[.*\]$/ { section = substr($0, 2, length($0) - 2); next }
    section == want_section {
      eq = index($0, "="); if (eq == 0) { print "BAD LINE: " $0 > "/dev/stderr"; exit 2 }
      key = substr($0, 1, eq - 1); gsub(/[ \t]+$/, "", key)
      if (key == want_key) { v = substr($0, eq + 1); sub(/^[ \t]+/, "", v); print v }
    }' "$unit"
}
expect() {
  got=$(value "$1" "$2")
  [ "$got" = "$3" ] || fail "[$1] $2 is '$got', expected '$3'"
}

expect Unit After graphical-session.target
expect Service Restart always
expect Service RestartSec 2
expect Service StandardError journal
expect Install WantedBy graphical-session.target
exec_start=$(value Service ExecStart)
case "$exec_start" in
  /*/teleconsult\ --kiosk) ;;
  *) fail "ExecStart is '$exec_start', expected an absolute path to teleconsult --kiosk" ;;
esac
echo "check-kiosk-unit: keys OK (ExecStart=$exec_start)"

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "check-kiosk-unit: systemd-analyze not installed; keys checked only"
  exit 0
fi
# verify checks that ExecStart exists: point it at the build's binary.
sed "s|^ExecStart=.*|ExecStart=$binary --kiosk|" "$unit" > "$tmp/teleconsult-kiosk.service"
# A user manager needs a runtime directory; a private one is enough to parse.
mkdir -m 700 "$tmp/run"
if ! out=$(cd "$tmp" && XDG_RUNTIME_DIR="$tmp/run" systemd-analyze verify --user ./teleconsult-kiosk.service 2>&1); then
  fail "systemd-analyze verify --user failed: $out"
fi
# It only warns (exit 0) on unknown keys or bad values: a warning is a failure here.
[ -z "$out" ] || fail "systemd-analyze verify --user warned: $out"
echo "check-kiosk-unit: systemd-analyze verify --user OK"
