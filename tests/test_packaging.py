"""Installers: desktop metadata, icons, licences, the spec's pitfalls, and the round trip.

The round trip (build the frozen app, tarball and .deb; self-test them; install the .deb
with apt-get; remove it) takes a few minutes and root: it runs when scripts/test.sh sets
AFGUI_PACKAGING_TEST=1 (and by hand: ``bash packaging/test.sh``). Everything else here
is quick and runs always.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import afgui

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
APP_ID = "org.afgui.afgui"
DESKTOP = ROOT / "resources" / f"{APP_ID}.desktop"
METAINFO = ROOT / "resources" / f"{APP_ID}.metainfo.xml"


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_launches_afgui_with_its_icon() -> None:
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "afgui"
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"


def test_metainfo_matches_desktop_entry_and_version() -> None:
    component = ET.parse(METAINFO).getroot()
    assert component.findtext("id") == APP_ID
    assert component.find("launchable").text == DESKTOP.name  # type: ignore[union-attr]
    assert component.findtext("provides/binary") == "afgui"
    versions = [release.get("version") for release in component.iter("release")]
    assert afgui.__version__ in versions, "add a <release> for the new version"
    assert component.findtext("project_license") == "MIT"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_desktop_entry_validates() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout == "", result.stdout


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream")
def test_metainfo_validates() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", "--pedantic", str(METAINFO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_icons_render_in_every_size(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(PACKAGING / "render_icons.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        png = (tmp_path / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", png[16:24]) == (size, size)
    assert (tmp_path / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    ico = (tmp_path / "afgui.ico").read_bytes()
    assert struct.unpack("<HHH", ico[:6]) == (0, 1, 7)
    icns = (tmp_path / "afgui.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)


def test_licences_cover_every_runtime_component(tmp_path: Path) -> None:
    out = tmp_path / "licenses"
    subprocess.run(
        [sys.executable, str(PACKAGING / "collect_licenses.py"), str(out)],
        check=True,
        capture_output=True,
    )
    readme = (out / "README.txt").read_text(encoding="utf-8")
    for name in ("afgui", "PySide6", "shiboken6", "pyqtgraph", "numpy", "SQLAlchemy"):
        assert re.search(rf"^{name}\S* \S+: ", readme, re.MULTILINE), name
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in (
        out / "pygal_maps_world" / "LGPL-3.0.txt"
    ).read_text(encoding="utf-8")
    assert "MIT License" in (out / "afgui" / "LICENSE").read_text(encoding="utf-8")


def test_spec_keeps_clear_of_known_pitfalls() -> None:
    spec = (PACKAGING / "afgui.spec").read_text(encoding="utf-8")
    excluded = spec[spec.index("EXCLUDED_MODULES = [") : spec.index("# Qt modules the app")]
    for needed in ('"pydoc"', '"colorama"', '"QtOpenGL"'):
        assert needed not in excluded  # pyqtgraph imports each of them
    unused_qt = spec[spec.index("UNUSED_QT_MODULES = [") : spec.index("EXCLUDED_MODULES +=")]
    assert '"QtOpenGL"' not in unused_qt and '"QtOpenGLWidgets"' not in unused_qt
    assert re.findall(r"^\s*strip=(\w+)", spec, re.MULTILINE) == ["False", "False"]  # OpenBLAS
    assert "worldmap.svg" in spec and '"afgui"' in spec


def test_debian_copyright_is_machine_readable() -> None:
    text = (PACKAGING / "linux" / "copyright").read_text(encoding="utf-8")
    assert text.startswith("Format: https://www.debian.org/doc/packaging-manuals/")
    stanzas = [block for block in text.split("\n\n") if block.strip()]
    declared = {
        line.split(":", 1)[1].split()[0]
        for block in stanzas
        for line in block.splitlines()
        if line.startswith("License:")
    }
    standalone = {
        block.splitlines()[0].split(":", 1)[1].strip()
        for block in stanzas
        if block.startswith("License:")
    }
    inline = {"PSF-2.0"}  # given with its text inside its Files stanza
    assert declared <= standalone | inline


@pytest.mark.packaging
@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("AFGUI_PACKAGING_TEST") != "1",
    reason="the packaging round trip runs from scripts/test.sh (AFGUI_PACKAGING_TEST=1)",
)
def test_packaging_round_trip() -> None:
    installed = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", "afgui"], capture_output=True, text=True
    )
    if "install ok installed" in installed.stdout and os.environ.get("CI") != "true":
        pytest.skip("an afgui package is installed here; the round trip would remove it")
    env = dict(os.environ)
    # zstd instead of xz: the same package in a tenth of the time (the release uses xz).
    env.setdefault("AFGUI_DEB_COMPRESSION", "zstd")
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run(
        ["bash", str(PACKAGING / "test.sh")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if result.returncode != 0 or "packaging test passed" not in result.stdout:
        pytest.fail(result.stdout[-4000:] + result.stderr[-4000:], pytrace=False)
