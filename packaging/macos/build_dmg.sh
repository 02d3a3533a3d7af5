#!/usr/bin/env bash
# Builds, signs and notarises the macOS disk image of afgui. NOT RUN ON THE LINUX BUILD
# MACHINE: run it on macOS 12+ (on the architecture to ship: arm64 or x86_64) from the
# repository root:
#
#   bash packaging/macos/build_dmg.sh
#
# Needs: Python 3.11+ (python.org or Homebrew) as python3, Xcode command-line tools.
# Signing and notarisation happen when these are set (otherwise the image is unsigned
# and Gatekeeper will refuse it on other Macs):
#   AFGUI_SIGN_IDENTITY    "Developer ID Application: Name (TEAMID)" in the keychain
#   AFGUI_NOTARY_PROFILE   a profile stored with `xcrun notarytool store-credentials`
#
# Output: dist/afgui.app and dist/afgui-<version>-macos-<arch>.dmg.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

VENV=build/venv-macos
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q ".[package]"
"$VENV/bin/python" -m pip install -q --no-deps --force-reinstall .
VERSION="$("$VENV/bin/python" -c 'import afgui; print(afgui.__version__)')"
ARCH="$(uname -m)"

"$VENV/bin/python" packaging/render_icons.py build/icons       # afgui.icns for the spec
rm -rf dist/afgui dist/afgui.app
"$VENV/bin/pyinstaller" --noconfirm --distpath dist --workpath build/pyinstaller \
  packaging/afgui.spec                                          # BUNDLE: dist/afgui.app
APP=dist/afgui.app
"$VENV/bin/python" packaging/collect_licenses.py "$APP/Contents/Resources/licenses" \
  build/pyinstaller/afgui/PYZ-00.toc

"$APP/Contents/MacOS/afgui" --self-test

if [ -n "${AFGUI_SIGN_IDENTITY:-}" ]; then
  sign=(codesign --force --timestamp --options runtime --sign "$AFGUI_SIGN_IDENTITY")
  # Inside out: every library and extension module first, then the app itself.
  find "$APP/Contents" -type f \( -name '*.so' -o -name '*.dylib' \) -print0 \
    | xargs -0 "${sign[@]}"
  find "$APP/Contents" -type d -name '*.framework' -print0 | xargs -0 -r "${sign[@]}"
  "${sign[@]}" --entitlements packaging/macos/entitlements.plist "$APP"
  codesign --verify --deep --strict --verbose=2 "$APP"
fi

DMG="dist/afgui-$VERSION-macos-$ARCH.dmg"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "afgui $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO \
  -imagekey zlib-level=9 -ov "$DMG"

if [ -n "${AFGUI_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$AFGUI_SIGN_IDENTITY" "$DMG"
  if [ -n "${AFGUI_NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$DMG" --keychain-profile "$AFGUI_NOTARY_PROFILE" --wait
    xcrun stapler staple "$DMG"
    spctl --assess --type open --context context:primary-signature --verbose=2 "$DMG"
  fi
fi
echo "built $DMG ($(du -h "$DMG" | cut -f1))"
