"""Headless use: ``afgui --screenshot``/``--report`` build the window offscreen, show the
requested state, save it and exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from sqlalchemy import Engine

from afgui.app import parse_args
from afgui.services.measures import ViewSide


def run_afgui(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ)
    environment.pop("QT_QPA_PLATFORM", None)  # afgui must choose offscreen by itself
    environment.pop("DISPLAY", None)
    return subprocess.run(
        [sys.executable, "-m", "afgui", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        check=False,
    )


@pytest.fixture
def db_url(fixture_engine: Engine) -> str:
    return fixture_engine.url.render_as_string(hide_password=False)


def test_command_line_options() -> None:
    options = parse_args(["--year", "1997", "--country", "pak", "--side", "taliban"])
    assert (options.year, options.country, options.side) == (1997, "PAK", ViewSide.TALIBAN)
    assert not options.headless
    assert parse_args(["--report", "x.json"]).headless
    assert parse_args(["--size", "1920x1080"]).size == (1920, 1080)
    with pytest.raises(SystemExit):
        parse_args(["--side", "kabul"])
    with pytest.raises(SystemExit):
        parse_args(["--size", "big"])


def test_screenshot_and_report(tmp_path: Path, db_url: str) -> None:
    picture = tmp_path / "out.png"
    report_path = tmp_path / "out.json"
    result = run_afgui(
        "--db",
        db_url,
        "--year",
        "1997",
        "--country",
        "PAK",
        "--side",
        "taliban",
        "--screenshot",
        str(picture),
        "--report",
        str(report_path),
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(picture))
    assert (image.width(), image.height()) == (1280, 800)
    colours = {image.pixel(x, y) for x in range(0, 1280, 7) for y in range(0, 800, 7)}
    assert len(colours) > 50  # a drawn window, not a blank one
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert set(report) == {"year", "side", "selection", "map", "list", "detail_text"}
    assert (report["year"], report["side"], report["selection"]) == (1997, "taliban", "PAK")
    pakistan = next(item for item in report["map"] if item["actor"] == "PAK")
    assert pakistan["value"] > 0 and pakistan["status"] == "recognition"
    assert pakistan["colour"].startswith("#")
    assert report["list"][0]["actor"] == "PAK"
    assert report["detail_text"].startswith("Pakistan")
    assert "Why +" in report["detail_text"]


def test_report_alone_and_another_size(tmp_path: Path, db_url: str) -> None:
    picture = tmp_path / "big.png"
    report_path = tmp_path / "only.json"
    result = run_afgui("--db", db_url, "--report", str(report_path))
    assert result.returncode == 0, result.stderr
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["selection"] is None and report["side"] == "government"
    assert report["year"] == 2021  # the latest covered year
    result = run_afgui(
        "--db",
        db_url,
        "--year",
        "1985",
        "--country",
        "SUN",
        "--size",
        "1920x1080",
        "--screenshot",
        str(picture),
    )
    assert result.returncode == 0, result.stderr
    assert QImage(str(picture)).size().toTuple() == (1920, 1080)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--year", "1700"), "outside the covered years 1979–2021"),
        (("--country", "XYZ"), "not an actor code"),
    ],
)
def test_bad_values_exit_2_with_a_message(
    tmp_path: Path, db_url: str, arguments: tuple[str, ...], message: str
) -> None:
    result = run_afgui("--db", db_url, *arguments, "--report", str(tmp_path / "r.json"))
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "r.json").exists()
