"""Gather the licence texts of everything the frozen afgui ships into one folder.

    python packaging/collect_licenses.py OUTDIR [PYZ_TOC]

Run with the build environment's Python (packaging/build.sh does): it walks afgui's
run-time requirements as installed there — only those the bundle really holds, when
PyInstaller's ``PYZ-00.toc`` is given — copies each distribution's licence files to
``OUTDIR/<distribution>/``, adds the LGPL/GPL texts for the packages whose wheels carry
none (PySide6, shiboken6, pygal_maps_world), Python's own licence, afgui's MIT licence,
and writes ``OUTDIR/README.txt`` listing every component with its version and licence.
"""

from __future__ import annotations

import ast
import re
import shutil
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEXTS = HERE / "licenses"
LICENCE_FILE = re.compile(r"(^|/)(LICEN[CS]E|COPYING|NOTICE|AUTHORS)[^/]*$", re.IGNORECASE)

# Wheels that ship no licence file: the texts of the licences their metadata names.
EXTRA_TEXTS = {
    "PySide6_Essentials": ("LGPL-3.0.txt", "GPL-3.0.txt"),
    "shiboken6": ("LGPL-3.0.txt", "GPL-3.0.txt"),
    "pygal_maps_world": ("LGPL-3.0.txt", "GPL-3.0.txt"),
}
NOTES = {
    "PySide6_Essentials": "Qt for Python with the Qt 6 libraries (LGPL-3.0). Qt's shared "
    "libraries sit unmodified in _internal/PySide6/Qt/lib and may be replaced. Qt includes "
    "ICU (Unicode licence) and other third-party code listed at "
    "doc.qt.io/qt-6/licenses-used-in-qt.html.",
    "numpy": "Its LICENSE.txt includes the licences of the bundled OpenBLAS (BSD-3-Clause) "
    "and GCC runtime libraries (GPL-3.0 with the GCC Runtime Library Exception).",
    "pygal_maps_world": "Only worldmap.svg (the country outlines) is used.",
}


def _name(dist: metadata.Distribution) -> str:
    return re.sub(r"[-_.]+", "_", dist.metadata["Name"])


def runtime_distributions(root: str = "afgui") -> list[metadata.Distribution]:
    """``root`` and everything it requires at run time (no extras), each once."""
    seen: dict[str, metadata.Distribution] = {}
    pending = [root]
    while pending:
        wanted = pending.pop()
        try:
            dist = metadata.distribution(wanted)
        except metadata.PackageNotFoundError:
            continue
        key = _name(dist).lower()
        if key in seen:
            continue
        seen[key] = dist
        for requirement in dist.requires or ():
            if "extra ==" in requirement:
                continue
            if ";" in requirement and not _marker_holds(requirement.split(";", 1)[1]):
                continue
            pending.append(re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0])
    return sorted(seen.values(), key=lambda dist: _name(dist).lower())


def _marker_holds(marker: str) -> bool:
    from packaging.markers import Marker

    return Marker(marker).evaluate()


def shipped_modules(pyz_toc: Path) -> set[str]:
    """Top-level module names in a PyInstaller PYZ table of contents."""
    _, entries = ast.literal_eval(pyz_toc.read_text(encoding="utf-8"))
    return {str(entry[0]).split(".", 1)[0] for entry in entries}


def top_level_names(dist: metadata.Distribution) -> set[str]:
    listed = dist.read_text("top_level.txt")
    if listed:
        return {line.strip() for line in listed.splitlines() if line.strip()}
    names = set()
    for file in dist.files or ():
        first = str(file).split("/", 1)[0]
        if not first.endswith((".dist-info", ".data")) and first != "..":
            names.add(first.removesuffix(".py"))
    return names


def licence_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta["License-Expression"]
    if expression:
        return str(expression)
    text = meta["License"] or ""
    if text and len(text) < 80 and "\n" not in text:
        return str(text)
    classifiers = [
        value.split("::")[-1].strip()
        for value in meta.get_all("Classifier") or []
        if value.startswith("License ::")
    ]
    return ", ".join(classifiers) or "see the files"


def copy_licence_files(dist: metadata.Distribution, target: Path) -> list[str]:
    copied: list[str] = []
    for file in dist.files or ():
        relative = str(file)
        if ".dist-info/" not in relative or not LICENCE_FILE.search(relative):
            continue
        source = Path(str(dist.locate_file(file)))
        if not source.is_file():
            continue
        inside = relative.split(".dist-info/", 1)[1]
        inside = inside.removeprefix("licenses/")
        destination = target / inside
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        copied.append(inside)
    for text in EXTRA_TEXTS.get(_name(dist), ()):
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(TEXTS / text, target / text)
        copied.append(text)
    return copied


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print("usage: collect_licenses.py OUTDIR [PYZ_TOC]", file=sys.stderr)
        return 2
    out = Path(argv[0])
    shipped = shipped_modules(Path(argv[1])) if len(argv) == 2 else None
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    lines = [
        "afgui and the components its installers ship",
        "=============================================",
        "",
    ]
    missing: list[str] = []
    for dist in runtime_distributions():
        name = _name(dist)
        if shipped is not None and name != "afgui" and not top_level_names(dist) & shipped:
            continue
        target = out / name
        if name == "afgui":
            target.mkdir()
            shutil.copyfile(TEXTS / "MIT-afgui.txt", target / "LICENSE")
            files = ["LICENSE"]
        else:
            files = copy_licence_files(dist, target)
        if not files:
            missing.append(name)
        lines.append(f"{dist.metadata['Name']} {dist.version}: {licence_of(dist)}")
        if name in NOTES:
            lines.append(f"    {NOTES[name]}")
        lines.extend(f"    {name}/{file}" for file in files)
        lines.append("")
    python_licence = Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"
    if python_licence.is_file():
        (out / "Python").mkdir()
        shutil.copyfile(python_licence, out / "Python" / "LICENSE.txt")
        version = sysconfig.get_python_version()
        lines += [f"Python {version}: PSF-2.0 (and the licences in it)", "    Python/LICENSE.txt"]
    else:
        missing.append("Python")
    (out / "README.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if missing:
        print(f"collect_licenses: no licence text for {', '.join(missing)}", file=sys.stderr)
        return 1
    print(f"collect_licenses: {len(lines)} lines of notices in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
