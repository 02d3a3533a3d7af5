#!/usr/bin/env bash
# Builds the Linux installers of afgui from this checkout, on Debian 12 (as root or with
# sudo):
#
#   dist/afgui/                                 the frozen program (PyInstaller onedir)
#   dist/afgui-<version>-linux-x86_64.tar.gz    that folder, with desktop files and icons
#   dist/afgui_<version>_amd64.deb              /opt/afgui, /usr/bin/afgui, menu entry,
#                                               icons, AppStream metadata, copyright
#
# It installs what it needs when missing (Debian tools; a clean build environment in
# build/venv with a regular, non-editable install of afgui and PyInstaller), validates
# the desktop entry and the AppStream metadata, and prints sizes and timings.
# packaging/test.sh then installs the .deb, runs `afgui --self-test` and removes it.
#
# Environment: PYTHON (default python3) makes build/venv. AFGUI_DEB_COMPRESSION (default
# xz, which every dpkg reads) and AFGUI_DEB_LEVEL (default: dpkg-deb's) choose the .deb's
# compression; the test command builds with zstd to save two minutes of xz. PyInstaller
# reuses its analysis in build/pyinstaller when nothing changed; delete that folder to
# start from scratch.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD="$ROOT/build"
DIST="$ROOT/dist"
VENV="$BUILD/venv"
APP_ID=org.afgui.afgui
started=$SECONDS

say() { printf '== %s\n' "$*"; }
elapsed() { echo "$((SECONDS - ${1}))"; }

# --- tools -----------------------------------------------------------------------------
# shellcheck source=scripts/debian.sh
source "$ROOT/scripts/debian.sh"
DEBIAN_TOOLS=(binutils patchelf dpkg-dev fakeroot desktop-file-utils appstream xz-utils file)
install_debian_tools() {
  command -v dpkg-query >/dev/null 2>&1 || { echo "build.sh: needs Debian (dpkg)" >&2; exit 1; }
  ensure_debian_packages "${DEBIAN_TOOLS[@]}"
}

# A separate environment with a regular install: PyInstaller then sees afgui exactly as
# a user's pip would install it (db/ as afgui.curated), and no developer tool leaks in.
prepare_build_environment() {
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
  fi
  local stamp="$VENV/.afgui-deps" wanted
  wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    say "installing afgui's dependencies and PyInstaller into $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q ".[package]"
    echo "$wanted" > "$stamp"
  fi
  say "installing afgui from this checkout into $VENV"
  "$VENV/bin/python" -m pip install -q --no-deps --force-reinstall --no-cache-dir .
}

install_debian_tools
prepare_build_environment
VERSION="$("$VENV/bin/python" -c 'import afgui; print(afgui.__version__)')"
ARCH="$(dpkg --print-architecture)"
case "$ARCH" in amd64) TARBALL_ARCH=x86_64 ;; arm64) TARBALL_ARCH=aarch64 ;; *) TARBALL_ARCH=$ARCH ;; esac
say "afgui $VERSION for $ARCH"

# --- metadata checks -------------------------------------------------------------------
grep -q "<release version=\"$VERSION\"" "resources/$APP_ID.metainfo.xml" || {
  echo "build.sh: resources/$APP_ID.metainfo.xml has no <release> for $VERSION" >&2
  exit 1
}
desktop-file-validate "resources/$APP_ID.desktop"
appstreamcli validate --no-net --pedantic "resources/$APP_ID.metainfo.xml"

# --- icons, freeze, licences -----------------------------------------------------------
say "rendering icons"
rm -rf "$BUILD/icons"
"$VENV/bin/python" packaging/render_icons.py "$BUILD/icons"

say "freezing with PyInstaller"
t=$SECONDS
rm -rf "$DIST/afgui"
"$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath "$DIST" --workpath "$BUILD/pyinstaller" packaging/afgui.spec
freeze_seconds=$(elapsed $t)

say "collecting licences"
"$VENV/bin/python" packaging/collect_licenses.py "$DIST/afgui/licenses" \
  "$BUILD/pyinstaller/afgui/PYZ-00.toc"

# --- tarball ---------------------------------------------------------------------------
say "tarball"
t=$SECONDS
STAGE="$BUILD/stage"
rm -rf "$STAGE"
TAR_ROOT="$STAGE/tar/afgui-$VERSION"
mkdir -p "$TAR_ROOT"
cp -a "$DIST/afgui/." "$TAR_ROOT/"
mkdir -p "$TAR_ROOT/share/applications" "$TAR_ROOT/share/metainfo" "$TAR_ROOT/share/icons"
cp -a "$BUILD/icons/hicolor" "$TAR_ROOT/share/icons/hicolor"
cp "resources/$APP_ID.desktop" "$TAR_ROOT/share/applications/"
cp "resources/$APP_ID.metainfo.xml" "$TAR_ROOT/share/metainfo/"
cp packaging/linux/README-tarball.txt "$TAR_ROOT/README.txt"
TARBALL="$DIST/afgui-$VERSION-linux-$TARBALL_ARCH.tar.gz"
tar -C "$STAGE/tar" --owner=0 --group=0 --numeric-owner -cf - "afgui-$VERSION" \
  | gzip > "$TARBALL"
tar_seconds=$(elapsed $t)

# --- .deb ------------------------------------------------------------------------------
say "Debian package"
t=$SECONDS
PKG="$STAGE/deb"
mkdir -p "$PKG/DEBIAN" "$PKG/opt" "$PKG/usr/bin" "$PKG/usr/share/applications" \
  "$PKG/usr/share/metainfo" "$PKG/usr/share/icons" "$PKG/usr/share/doc/afgui"
cp -a "$DIST/afgui" "$PKG/opt/afgui"
install -m 0755 packaging/linux/afgui-launcher.sh "$PKG/usr/bin/afgui"
install -m 0644 "resources/$APP_ID.desktop" "$PKG/usr/share/applications/"
install -m 0644 "resources/$APP_ID.metainfo.xml" "$PKG/usr/share/metainfo/"
cp -a "$BUILD/icons/hicolor" "$PKG/usr/share/icons/hicolor"
install -m 0644 packaging/linux/copyright "$PKG/usr/share/doc/afgui/copyright"
mkdir -p "$PKG/usr/share/man/man1" "$PKG/usr/share/lintian/overrides"
gzip -9n < packaging/linux/afgui.1 > "$PKG/usr/share/man/man1/afgui.1.gz"
install -m 0644 packaging/linux/lintian-overrides "$PKG/usr/share/lintian/overrides/afgui"
printf 'afgui (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- afgui developers <afgui@users.noreply.invalid>  %s\n' \
  "$VERSION" "$VERSION" "$(date -R)" | gzip -9n > "$PKG/usr/share/doc/afgui/changelog.gz"
find "$PKG" -type d -exec chmod 0755 {} +
find "$PKG/usr/share" -type f -exec chmod 0644 {} +
# Shared libraries need no execute bit (Debian policy); only the program itself does.
find "$PKG/opt/afgui" -type f -name '*.so*' -exec chmod 0644 {} +

# Depends: the system libraries the bundled ELF files link against, as dpkg-shlibdeps
# finds them (libraries inside the bundle resolve to the bundle), plus a font, which
# fontconfig needs and no library dependency brings.
say "computing Depends with dpkg-shlibdeps"
SHLIB="$STAGE/shlibdeps"
mkdir -p "$SHLIB/debian"
printf 'Source: afgui\n\nPackage: afgui\nArchitecture: any\n' > "$SHLIB/debian/control"
mapfile -t elf_files < <(find "$PKG/opt/afgui" -type f \( -name '*.so*' -o -name afgui \) \
  -exec file --no-pad {} + | grep -E ': ELF ' | cut -d: -f1)
private_dirs=$(find "$PKG/opt/afgui" -type f -name '*.so*' -printf '%h\n' | sort -u | sed 's/^/-l/' | tr '\n' ' ')
# shellcheck disable=SC2086
shlibs=$(cd "$SHLIB" && dpkg-shlibdeps -O --ignore-missing-info --warnings=0 \
  $private_dirs "${elf_files[@]}" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "build.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
DEPENDS="$shlibs, fonts-dejavu-core | fonts-liberation2 | fonts-noto-core | fonts-freefont-ttf"
installed_kib=$(du -sk --apparent-size "$PKG" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@INSTALLED_SIZE@/$installed_kib/" \
  -e "s/@DEPENDS@/$DEPENDS/" packaging/linux/control.in > "$PKG/DEBIAN/control"

DEB="$DIST/afgui_${VERSION}_${ARCH}.deb"
rm -f "$DEB"
level=()
[ -z "${AFGUI_DEB_LEVEL:-}" ] || level=(-z"$AFGUI_DEB_LEVEL")
dpkg-deb --root-owner-group -Z"${AFGUI_DEB_COMPRESSION:-xz}" "${level[@]}" \
  --build "$PKG" "$DEB" >/dev/null
deb_seconds=$(elapsed $t)

# --- report ----------------------------------------------------------------------------
onedir_bytes=$(du -sb "$DIST/afgui" | cut -f1)
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo
say "built afgui $VERSION in $(elapsed $started) s (freeze ${freeze_seconds} s, tarball ${tar_seconds} s, deb ${deb_seconds} s)"
printf '   %-45s %s\n' "dist/afgui/ (unpacked)" "$(mib "$onedir_bytes")"
printf '   %-45s %s\n' "$(basename "$TARBALL")" "$(mib "$(stat -c %s "$TARBALL")")"
printf '   %-45s %s (%s)\n' "$(basename "$DEB")" "$(mib "$(stat -c %s "$DEB")")" \
  "${AFGUI_DEB_COMPRESSION:-xz}"
printf '   Depends: %s\n' "$DEPENDS"
