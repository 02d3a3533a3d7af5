"""Compare: a second partner overlaid in the charts and shown beside the first in the
detail pane, chosen in the state (menus, ``--compare``) and cleared with the selection."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from afgui.services.measures import ViewSide
from afgui.ui import theme
from afgui.ui.main_window import MainWindow
from afgui.ui.state import AppState
from tests.window_support import make_window, services

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


@pytest.fixture
def window(qtbot, fixture_engine: Engine) -> MainWindow:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, fixture_engine, year=2002, selection="JPN")
    assert window.charts is not None
    return window


def curve(window: MainWindow) -> list[float | None]:
    _, ys = window.charts.compare_line.getData()
    if ys is None:
        return []
    return [None if math.isnan(value) else round(float(value), 6) for value in ys]


def test_the_state_keeps_one_comparison_apart_from_the_selection(qtbot) -> None:  # type: ignore[no-untyped-def]
    state = AppState(1979, 2021, selection="PAK")
    with qtbot.waitSignal(state.compare_changed) as blocker:
        state.set_compare("IND")
    assert blocker.args == ["IND"] and state.compare == "IND"
    with qtbot.assertNotEmitted(state.compare_changed):
        state.set_compare("IND")
    state.set_compare("PAK")  # not with itself
    assert state.compare == ""
    state.set_compare("IND")
    with qtbot.waitSignal(state.compare_changed) as blocker:
        state.select("IND")  # the compared partner becomes the selection
    assert blocker.args == [""] and (state.selection, state.compare) == ("IND", "")
    assert AppState(1979, 2021, selection="PAK", compare="PAK").compare == ""


def test_the_charts_overlay_the_compared_partner(
    window: MainWindow, fixture_engine: Engine
) -> None:
    _, relations = services(fixture_engine)
    assert curve(window) == []
    window.state.set_compare("RUS")
    _, expected = relations.series("RUS", ViewSide.GOVERNMENT)
    assert curve(window) == [None if v is None else round(v, 6) for v in expected]
    assert window.charts.title.text() == "Japan and Russia over time"
    assert "Russia" in window.charts.legend.text()
    pen = window.charts.compare_line.opts["pen"]
    assert pen.color().rgb() == theme.COMPARE_COLOUR.rgb()

    window.state.set_side("taliban")
    _, expected = relations.series("RUS", ViewSide.TALIBAN)
    assert curve(window) == [None if v is None else round(v, 6) for v in expected]
    assert "Russia: " in window.charts.tooltip_text(2016, aid=False)

    window.state.set_compare("")
    assert curve(window) == []
    assert window.charts.title.text() == "Japan over time"
    assert "Russia" not in window.charts.legend.text()


def test_compared_aid_is_drawn_as_outlined_bars(window: MainWindow) -> None:
    window.state.select("RUS")
    window.state.set_compare("JPN")
    bars = window.charts.compare_bars.opts
    assert list(bars["x"]) == [2002.5]
    # Japan's 2002 pledge, in millions: its cumulative total of that year restates
    # earlier aid and is not added to it (docs/methodology.md, 3).
    assert list(bars["height"]) == [1000.0]
    tooltip = window.charts.tooltip_text(2002, aid=True)
    assert "Japan, pledge: 1,000 million USD" in tooltip
    assert "Japan, cumulative total: 2,000 million USD" in tooltip


def test_the_detail_pane_shows_both_partners(window: MainWindow) -> None:
    window.state.set_compare("RUS")
    window.detail.flush()
    text = window.detail.plain_text()
    assert text.startswith("Japan compared with Russia")
    assert "Status: Japan relations; Russia embassy closed" in text
    assert "Facts: Japan 2; Russia 2" in text
    assert "Compared: Russia" in text
    assert "The Russian embassy closes after a fire." in text  # Russia's own timeline
    assert "Japan pledges $1 billion." in text

    window.state.set_compare("")
    window.detail.flush()
    text = window.detail.plain_text()
    assert "Compared:" not in text and "Russian embassy" not in text


def test_compare_from_the_command_line(tmp_path: Path, fixture_engine: Engine) -> None:
    report = tmp_path / "report.json"
    environment = dict(os.environ)
    environment.pop("QT_QPA_PLATFORM", None)
    db = fixture_engine.url.render_as_string(hide_password=False)
    command = [sys.executable, "-m", "afgui", "--db", db, "--report", str(report)]
    result = subprocess.run(
        [*command, "--year", "2002", "--country", "jpn", "--compare", "rus"],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(report.read_text(encoding="utf-8"))
    assert shown["detail_text"].startswith("Japan compared with Russia")

    result = subprocess.run(
        [*command, "--country", "JPN", "--compare", "ZZZ"],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=False,
    )
    assert result.returncode == 2
    assert "--compare ZZZ is not an actor code" in result.stderr
