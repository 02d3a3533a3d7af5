#!/usr/bin/env bash
# The packaging round trip, on Debian 12 as root (or with sudo):
#
#   1. build (packaging/build.sh), unless --no-build is given;
#   2. dist/afgui/afgui --self-test, five times: the frozen start-to-first-paint time;
#   3. the tarball, unpacked elsewhere: --self-test, also through a symlink;
#   4. the .deb: lintian (errors fail), apt-get install ./dist/afgui_<version>_<arch>.deb,
#      then `afgui --self-test` as installed, the installed desktop entry and metadata
#      validated, icons, copyright and manual page in place, and (with Xvfb and xdotool)
#      a real window on an X server;
#   5. apt-get purge: no file of the package, no /opt/afgui, no /usr/bin/afgui remain.
#
# Every step reports; the last line sums up with the times. It refuses to run when an afgui
# package is already installed (it would remove it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
started=$SECONDS
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

say() { printf '== %s\n' "$*"; }
fail() { printf 'packaging test FAILED: %s\n' "$*" >&2; exit 1; }

# One round trip at a time on a machine: they share dpkg's state (and maybe this tree).
LOCK=/tmp/afgui-packaging-test.lock
exec 9>"$LOCK"
flock -w 1800 9 || fail "another packaging test holds $LOCK"

if dpkg-query -W -f='${Status}' afgui 2>/dev/null | grep -q "install ok installed"; then
  fail "an afgui package is installed already; remove it first (apt-get purge afgui)"
fi

if [ "${1:-}" != "--no-build" ]; then
  t=$SECONDS
  bash packaging/build.sh
  build_seconds=$((SECONDS - t))
else
  build_seconds=0
fi

VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' afgui/__init__.py)"
ARCH="$(dpkg --print-architecture)"
case "$ARCH" in amd64) TARBALL_ARCH=x86_64 ;; arm64) TARBALL_ARCH=aarch64 ;; *) TARBALL_ARCH=$ARCH ;; esac
DEB="dist/afgui_${VERSION}_${ARCH}.deb"
TARBALL="dist/afgui-$VERSION-linux-$TARBALL_ARCH.tar.gz"
for artefact in dist/afgui/afgui "$DEB" "$TARBALL"; do
  [ -e "$artefact" ] || fail "$artefact is missing (run packaging/build.sh)"
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# A throw-away home: the self-test must not need (nor touch) the user's data directory.
export HOME="$WORK/home" XDG_DATA_HOME="$WORK/home/.local/share"
export XDG_CONFIG_HOME="$WORK/home/.config" XDG_CACHE_HOME="$WORK/home/.cache"
mkdir -p "$HOME"

self_test() {  # self_test LABEL COMMAND...: runs it, checks the line, echoes it
  local label=$1 output
  shift
  output="$("$@" --self-test 2>"$WORK/stderr")" || {
    cat "$WORK/stderr" >&2
    fail "$label: $output"
  }
  case "$output" in "afgui self-test passed ("*", frozen)"*) ;; *) fail "$label: $output" ;; esac
  echo "$output"
}

say "frozen self-test (dist/afgui), five runs"
paints=()
for _ in 1 2 3 4 5; do
  line="$(self_test dist dist/afgui/afgui)"
  paints+=("$(sed -n 's/.*first paint \([0-9.]*\) s.*/\1/p' <<<"$line")")
done
echo "   $line"
median_paint="$(printf '%s\n' "${paints[@]}" | sort -n | sed -n 3p)"
echo "   first paint (s): ${paints[*]}; median $median_paint"
[ -z "$(ls -A "$XDG_DATA_HOME" 2>/dev/null)" ] || fail "the self-test wrote to the data directory"

say "tarball"
mkdir -p "$WORK/unpacked"
tar -C "$WORK/unpacked" -xzf "$TARBALL"
TAR_APP="$WORK/unpacked/afgui-$VERSION"
for file in afgui README.txt licenses/README.txt share/applications/org.afgui.afgui.desktop \
  share/metainfo/org.afgui.afgui.metainfo.xml share/icons/hicolor/256x256/apps/org.afgui.afgui.png; do
  [ -e "$TAR_APP/$file" ] || fail "tarball: $file missing"
done
self_test tarball "$TAR_APP/afgui" | sed 's/^/   /'
ln -s "$TAR_APP/afgui" "$WORK/afgui-link"
self_test "tarball via symlink" "$WORK/afgui-link" >/dev/null
echo "   runs through a symlink too"

if ! command -v lintian >/dev/null; then
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    lintian >/dev/null 2>&1 || echo "   (lintian could not be installed; its check is left out)"
fi
if command -v lintian >/dev/null; then
  say "lintian (errors fail; zstd test packages are not 'malformed')"
  status=0
  lintian --fail-on error --suppress-tags malformed-deb-archive "$DEB" >"$WORK/lintian" 2>&1 \
    || status=$?
  grep -v "root privileges" "$WORK/lintian" | sed 's/^/   /' || true
  [ "$status" -eq 0 ] || fail "lintian found errors"
  echo "   no errors"
fi

say "install $DEB"
t=$SECONDS
dpkg-deb --field "$DEB" Depends | grep -q "libgl1" || fail "Depends lacks libgl1"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$DEB" >"$WORK/apt.log" 2>&1 \
  || { cat "$WORK/apt.log" >&2; fail "apt-get install"; }
install_seconds=$((SECONDS - t))
# From here on a failure must not leave the package installed.
trap '$sudo env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq afgui >/dev/null 2>&1; rm -rf "$WORK"' EXIT
dpkg-query -L afgui > "$WORK/files"
# By full path: in a development shell another afgui (the virtualenv's) comes first.
[ -x /usr/bin/afgui ] || fail "no /usr/bin/afgui"
self_test installed /usr/bin/afgui | sed 's/^/   /'
desktop-file-validate /usr/share/applications/org.afgui.afgui.desktop
appstreamcli validate --no-net /usr/share/metainfo/org.afgui.afgui.metainfo.xml >/dev/null \
  || fail "installed metainfo does not validate"
for size in 16 22 24 32 48 64 128 256 512; do
  [ -f "/usr/share/icons/hicolor/${size}x${size}/apps/org.afgui.afgui.png" ] \
    || fail "icon ${size}x${size} missing"
done
[ -f /usr/share/doc/afgui/copyright ] || fail "no /usr/share/doc/afgui/copyright"
[ -f /usr/share/man/man1/afgui.1.gz ] || fail "no manual page"
echo "   desktop entry, metainfo, icons, copyright and manual page in place"

if command -v xvfb-run >/dev/null && command -v xdotool >/dev/null; then
  say "a real window under Xvfb (xcb platform, the installed system libraries)"
  cat > "$WORK/x11.sh" <<'EOF'
/usr/bin/afgui & pid=$!
for _ in $(seq 1 60); do
  if xdotool search --onlyvisible --name "afgui" >/dev/null 2>&1; then
    kill "$pid"; wait "$pid" 2>/dev/null; exit 0
  fi
  kill -0 "$pid" 2>/dev/null || exit 1
  sleep 0.5
done
kill "$pid"; exit 1
EOF
  env -u QT_QPA_PLATFORM xvfb-run -a -s "-screen 0 1440x900x24" bash "$WORK/x11.sh" \
    || fail "no afgui window appeared under Xvfb"
  echo "   window shown"
fi

say "remove"
t=$SECONDS
$sudo env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq afgui >"$WORK/apt.log" 2>&1 \
  || { cat "$WORK/apt.log" >&2; fail "apt-get purge"; }
remove_seconds=$((SECONDS - t))
trap 'rm -rf "$WORK"' EXIT
left=()
while IFS= read -r path; do  # directories such as /usr/share/icons/hicolor are shared
  if [ -f "$path" ] || [ -L "$path" ]; then left+=("$path"); fi
done < "$WORK/files"
[ ${#left[@]} -eq 0 ] || fail "left behind: ${left[*]:0:5}"
[ ! -e /opt/afgui ] || fail "/opt/afgui left behind"
[ ! -e /usr/bin/afgui ] || fail "/usr/bin/afgui left behind"
if dpkg-query -W -f='${Status}' afgui 2>/dev/null | grep -q "installed"; then
  fail "dpkg still lists afgui"
fi
echo "   nothing left behind"

echo "packaging test passed: build ${build_seconds} s, install ${install_seconds} s," \
  "remove ${remove_seconds} s, whole round trip $((SECONDS - started)) s;" \
  "frozen first paint median ${median_paint} s"
