#!/usr/bin/env bash
# Installs every Debian 12 package Teleconsult needs to build, test, benchmark and fuzz.
# Idempotent: packages already present are skipped by apt; safe to run on every `make check`.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential clang meson ninja-build pkg-config gettext git
  # libraries
  libglib2.0-dev libglib2.0-bin libjson-glib-dev libsoup-3.0-dev libsqlite3-dev libsodium-dev check
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstreamer-plugins-bad1.0-dev
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-nice
  gstreamer1.0-tools libnice-dev
  libgtk-4-dev libadwaita-1-dev libgnutls28-dev libssl-dev libqrencode-dev
  # test and diagnostics tools
  coturn python3-yaml python3-dbusmock python3-websockets python3-gi xvfb xauth iproute2 iputils-ping tcpdump nftables
  desktop-file-utils appstream openssl dbus dbus-x11 bluez
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
