"""Every package under afgui/ is listed in pyproject.toml, and db/ ships as afgui.curated."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_listed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "afgui").rglob("__init__.py")
    }
    assert on_disk | {"afgui.curated", "afgui.curated.facts"} == set(config["packages"])


def test_curated_sources_are_importable_resources() -> None:
    names = {item.name for item in files("afgui.curated").iterdir()}
    assert {"actors.yaml", "governments.yaml", "sources.yaml", "facts"} <= names
