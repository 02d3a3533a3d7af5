"""The year slider: drag, keys, play/pause, the year box and the government periods."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont, QFontMetrics

from afgui.domain.model import Government
from afgui.domain.vocab import AfghanSide
from afgui.ui import theme
from afgui.ui.state import AppState
from afgui.ui.year_slider import (
    TimeControls,
    describe_government,
    fitting_label,
    label_candidates,
    periods_of,
)

# Showing a top-level window on the offscreen platform logs this harmless warning.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

GOVERNMENTS = (
    Government(
        "dra",
        "Democratic Republic of Afghanistan",
        dt.date(1978, 4, 28),
        dt.date(1992, 4, 28),
        AfghanSide.GOVERNMENT,
    ),
    Government(
        "islamic-state",
        "Islamic State of Afghanistan (mujahideen)",
        dt.date(1992, 4, 28),
        dt.date(1996, 9, 27),
        AfghanSide.GOVERNMENT,
    ),
    Government(
        "taliban-emirate-1",
        "Islamic Emirate of Afghanistan (Taliban)",
        dt.date(1996, 9, 27),
        dt.date(2001, 11, 13),
        AfghanSide.TALIBAN,
    ),
    Government(
        "islamic-republic",
        "Islamic Republic of Afghanistan",
        dt.date(2001, 11, 13),
        None,
        AfghanSide.GOVERNMENT,
    ),
)


@pytest.fixture
def controls(qtbot) -> TimeControls:
    state = AppState(1979, 2021, year=1997)
    widget = TimeControls(state, GOVERNMENTS)
    qtbot.addWidget(widget)
    widget.resize(900, 70)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_labels_shorten_to_fit(qapp) -> None:
    candidates = label_candidates("Islamic Emirate of Afghanistan (Taliban)")
    assert candidates[0] == "Islamic Emirate of Afghanistan (Taliban)"
    assert "Islamic Emirate" in candidates
    assert "Taliban" in candidates
    assert candidates[-1] == "IEA"
    metrics = QFontMetrics(QFont())
    assert fitting_label("Democratic Republic of Afghanistan", 10_000, metrics) == (
        "Democratic Republic of Afghanistan"
    )
    short = fitting_label(
        "Democratic Republic of Afghanistan", metrics.horizontalAdvance("DRA"), metrics
    )
    assert short == "DRA"
    assert fitting_label("Democratic Republic of Afghanistan", 1, metrics) == ""


def test_periods_are_tinted_by_side_and_described() -> None:
    periods = periods_of(GOVERNMENTS, 2021)
    assert [period.government.code for period in periods] == [g.code for g in GOVERNMENTS]
    taliban = periods[2]
    assert taliban.tint in theme.PERIOD_TINTS[AfghanSide.TALIBAN]
    assert periods[0].tint in theme.PERIOD_TINTS[AfghanSide.GOVERNMENT]
    assert 1996.7 < taliban.start < 1996.8 and 2001.8 < taliban.end < 2001.9
    assert periods[-1].end == 2022.0  # still in power: to the end of the range
    assert describe_government(GOVERNMENTS[-1]).endswith("2001-11-13 – today")


def test_period_under_the_pointer(controls: TimeControls) -> None:
    slider = controls.slider
    period = slider.period_at(slider.x_of(1998.5))
    assert period is not None and period.government.code == "taliban-emirate-1"
    assert slider.period_at(slider.x_of(1979.1)).government.code == "dra"


def test_keys_move_the_year(qtbot, controls: TimeControls) -> None:
    state = controls._state
    slider = controls.slider
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert state.year == 1998
    qtbot.keyClick(slider, Qt.Key.Key_Left)
    qtbot.keyClick(slider, Qt.Key.Key_Left)
    assert state.year == 1996
    qtbot.keyClick(slider, Qt.Key.Key_PageUp)
    assert state.year == 2006
    qtbot.keyClick(slider, Qt.Key.Key_PageDown)
    qtbot.keyClick(slider, Qt.Key.Key_PageDown)
    assert state.year == 1986
    qtbot.keyClick(slider, Qt.Key.Key_End)
    assert state.year == 2021
    qtbot.keyClick(slider, Qt.Key.Key_Home)
    assert state.year == 1979
    assert controls.year_box.value() == 1979


def test_press_and_drag_follow_the_pointer(qtbot, controls: TimeControls) -> None:
    state = controls._state
    slider = controls.slider
    y = round(slider.track_rect().center().y())
    qtbot.mousePress(slider, Qt.MouseButton.LeftButton, pos=QPoint(round(slider.x_of(1985.5)), y))
    assert state.year == 1985
    qtbot.mouseMove(slider, QPoint(round(slider.x_of(2010.5)), y))
    assert state.year == 2010
    qtbot.mouseRelease(slider, Qt.MouseButton.LeftButton, pos=QPoint(round(slider.x_of(2012.5)), y))
    assert state.year == 2012
    assert not slider.isSliderDown()
    assert slider.year_at(-50) == 1979 and slider.year_at(10_000) == 2021


def test_year_box_sets_the_year_and_follows_it(qtbot, controls: TimeControls) -> None:
    state = controls._state
    box = controls.year_box
    box.selectAll()
    qtbot.keyClicks(box, "1989")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert state.year == 1989
    assert controls.slider.value() == 1989
    state.set_year(2003)
    assert box.value() == 2003


def test_play_advances_and_pause_stops(qtbot, controls: TimeControls) -> None:
    state = controls._state
    controls.speed_box.setCurrentIndex(controls.speed_box.count() - 1)
    assert controls.interval_ms == 125
    controls.play()
    assert controls.playing
    assert controls.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: state.year >= 1999, timeout=5000)
    controls.pause()
    assert not controls.playing
    stopped_at = state.year
    qtbot.wait(300)
    assert state.year == stopped_at


def test_play_at_the_end_restarts_and_stops_at_the_end(qtbot, controls: TimeControls) -> None:
    state = controls._state
    state.set_year(2021)
    controls.play()
    assert state.year == 1979
    controls.pause()
    state.set_year(2019)
    controls.speed_box.setCurrentIndex(controls.speed_box.count() - 1)
    controls.play()
    qtbot.waitUntil(lambda: not controls.playing, timeout=5000)
    assert state.year == 2021
    assert not controls.play_button.isChecked()
