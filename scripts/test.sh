#!/usr/bin/env bash
# Sets up everything on a fresh Debian machine, then runs every check: lint, format,
# types, layer contracts, and the whole test suite (unit, Qt, end-to-end under Xvfb,
# the quick benchmark). Arguments are passed to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
export PATH="$AFGUI_ROOT/.venv/bin:$PATH"

echo "== ruff check";  ruff check .
echo "== ruff format"; ruff format --check .
echo "== mypy";        mypy
echo "== import contracts"; lint-imports
# The packaging round trip (tests/test_packaging.py: build, install and remove the .deb;
# a few minutes, needs root or sudo) is part of the test command; 0 leaves it out.
export AFGUI_PACKAGING_TEST="${AFGUI_PACKAGING_TEST:-1}"
# The validators of the desktop entry and the AppStream metadata, which
# tests/test_packaging.py runs whether or not the round trip does: without them those
# two tests would be skipped on a fresh machine.
if command -v dpkg-query >/dev/null 2>&1; then
  ensure_debian_packages desktop-file-utils appstream
fi
echo "== pytest";      pytest "$@"
