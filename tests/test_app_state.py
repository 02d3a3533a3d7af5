"""AppState: one year, one side and one selection, each change signalled exactly once."""

from __future__ import annotations

import pytest

from afgui.services.measures import ViewSide
from afgui.ui.state import AppState

# Showing a top-level window on the offscreen platform logs this harmless warning.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def test_year_is_clamped_and_signalled_once(qtbot) -> None:
    state = AppState(1979, 2021, year=1997)
    with qtbot.waitSignal(state.year_changed) as blocker:
        state.set_year(2001)
    assert blocker.args == [2001]
    assert state.year == 2001
    with qtbot.assertNotEmitted(state.year_changed):
        state.set_year(2001)
    state.set_year(1500)
    assert state.year == 1979
    state.set_year(3000)
    assert state.year == 2021


def test_default_year_is_the_last_and_initial_year_is_clamped() -> None:
    assert AppState(1979, 2021).year == 2021
    assert AppState(1979, 2021, year=1900).year == 1979
    with pytest.raises(ValueError, match="empty year range"):
        AppState(2000, 1999)


def test_side_accepts_values_and_rejects_others(qtbot) -> None:
    state = AppState(1979, 2021)
    assert state.side is ViewSide.GOVERNMENT
    with qtbot.waitSignal(state.side_changed) as blocker:
        state.set_side("taliban")
    assert blocker.args == ["taliban"]
    assert state.side is ViewSide.TALIBAN
    with qtbot.assertNotEmitted(state.side_changed):
        state.set_side(ViewSide.TALIBAN)
    with pytest.raises(ValueError):
        state.set_side("kabul")
    assert state.side is ViewSide.TALIBAN


def test_selection_is_signalled_and_can_be_cleared(qtbot) -> None:
    state = AppState(1979, 2021, selection="PAK")
    with qtbot.waitSignal(state.selection_changed) as blocker:
        state.select("SUN")
    assert blocker.args == ["SUN"]
    with qtbot.assertNotEmitted(state.selection_changed):
        state.select("SUN")
    state.select("")
    assert state.selection == ""
