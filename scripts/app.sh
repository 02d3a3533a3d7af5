#!/usr/bin/env bash
# Sets up everything on a fresh Debian machine, then launches afgui.
# Arguments are passed to afgui (e.g. --year 1997 --country PAK).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec .venv/bin/afgui "$@"
