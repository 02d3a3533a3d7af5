"""End to end under Xvfb: drag the real slider and click a real country with xdotool.

The test starts its own Xvfb on a free display, runs ``python -m afgui`` there on the xcb
platform with two test hooks (``--e2e-geometry``: where the slider's years and some
countries are on screen; ``--report-on-exit``: what the window shows when it closes),
drives the window with xdotool and checks the final state.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

pytestmark = pytest.mark.e2e

NEEDED = ("Xvfb", "xdotool")
STARTUP_TIMEOUT = 90.0


def _missing_tools() -> list[str]:
    return [tool for tool in NEEDED if shutil.which(tool) is None]


def _wait_for(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _free_display() -> int:
    for number in range(99, 400):
        if (
            not Path(f"/tmp/.X{number}-lock").exists()
            and not Path(f"/tmp/.X11-unix/X{number}").exists()
        ):
            return number
    raise AssertionError("no free X display number")


@pytest.fixture
def display() -> Iterator[str]:
    missing = _missing_tools()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"end-to-end tests need {', '.join(missing)} (apt install xvfb xdotool)")
        pytest.skip(f"end-to-end tests need {', '.join(missing)}")
    number = _free_display()
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), 30, "Xvfb")
        yield f":{number}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def xdotool(display: str, *args: str) -> str:
    result = subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_drag_the_slider_and_click_a_country(
    tmp_path: Path, display: str, fixture_engine: Engine
) -> None:
    geometry_path = tmp_path / "geometry.json"
    report_path = tmp_path / "report.json"
    environment = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "afgui",
            "--db",
            fixture_engine.url.render_as_string(hide_password=False),
            "--year",
            "1990",
            "--size",
            "1280x800",
            "--e2e-geometry",
            str(geometry_path),
            "--report-on-exit",
            str(report_path),
        ],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(
            lambda: geometry_path.exists() or app.poll() is not None, STARTUP_TIMEOUT, "afgui"
        )
        assert app.poll() is None, app.communicate()[1]
        geometry = json.loads(geometry_path.read_text(encoding="utf-8"))
        window = xdotool(display, "search", "--sync", "--name", "afgui").splitlines()[0]
        assert int(window) == geometry["window"]

        slider = geometry["slider"]
        x, y = slider["1990"]
        xdotool(display, "mousemove", str(x), str(y), "sleep", "0.2", "mousedown", "1")
        for year in range(1991, 1998):
            x, y = slider[str(year)]
            xdotool(display, "mousemove", str(x), str(y), "sleep", "0.05")
        xdotool(display, "mouseup", "1", "sleep", "0.3")

        x, y = geometry["map"]["PK"]
        xdotool(display, "mousemove", str(x), str(y), "sleep", "0.3", "click", "1", "sleep", "0.5")

        # Without a window manager the keyboard goes to the window under the pointer.
        xdotool(display, "key", "ctrl+q")
        app.wait(timeout=60)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    assert app.returncode == 0, app.stderr.read() if app.stderr else ""
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["year"] == 1997
    assert report["selection"] == "PAK"
    assert report["detail_text"].startswith("Pakistan")
    assert "in 1997" in report["detail_text"]
    drawn = {item["actor"]: item for item in report["map"]}
    assert "PAK" in drawn and "SUN" not in drawn and "RUS" in drawn
