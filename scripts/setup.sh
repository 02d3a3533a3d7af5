#!/usr/bin/env bash
# Installs what afgui needs on a Debian machine: the system libraries Qt loads, a virtual
# environment in .venv and the package with its dev tools. Safe to run again: each step is
# skipped when already done. Sourced by scripts/app.sh and scripts/test.sh.
set -euo pipefail

AFGUI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$AFGUI_ROOT"
# shellcheck source=scripts/debian.sh
source "$AFGUI_ROOT/scripts/debian.sh"

# Qt's offscreen platform needs the first line, its X11 (xcb) platform the second,
# the end-to-end tests the third.
DEBIAN_PACKAGES=(
  libgl1 libxkbcommon0 libegl1 libfontconfig1 libglib2.0-0 libdbus-1-3 fonts-dejavu-core
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
  libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-xinerama0 libxcb-xkb1
  xvfb xauth xdotool
)

install_debian_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0
  ensure_debian_packages "${DEBIAN_PACKAGES[@]}"
}

install_python_environment() {
  local python="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    "$python" -m venv .venv
  fi
  # Reinstall only when the project's metadata changed since the last install.
  local stamp=.venv/.afgui-installed
  local wanted
  wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "setup: installing afgui and its dependencies into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[dev]"
    echo "$wanted" > "$stamp"
  fi
}

install_debian_packages
install_python_environment
