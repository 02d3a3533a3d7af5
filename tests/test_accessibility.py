"""Accessibility: every control has an accessible name, the whole window works by keyboard
alone with a visible focus, text follows the system font size, and the window is drawn
sharply at twice the scale (QT_SCALE_FACTOR=2)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QFont, QImage
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget
from sqlalchemy import Engine

from afgui.services.measures import ViewSide
from afgui.ui import menus, theme
from afgui.ui.appearance import Appearance
from afgui.ui.main_window import MainWindow
from afgui.ui.theme import Scheme
from tests.window_support import make_window, services

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


@pytest.fixture
def window(qtbot, fixture_engine: Engine, qapp: QApplication) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, fixture_engine, year=2002, selection="JPN")
    catalog, relations = services(fixture_engine)
    menus.install(window, catalog, relations, Appearance(qapp, Scheme.LIGHT))
    assert window.charts is not None  # built now rather than after the first paint
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    yield window
    theme.apply_theme(qapp, Scheme.LIGHT)


def accessible_name(widget: QWidget) -> str:
    """The name set on the widget, else the one Qt derives (a button's text)."""
    if widget.accessibleName():
        return widget.accessibleName()
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def focusable(window: MainWindow) -> list[QWidget]:
    return [
        widget
        for widget in window.findChildren(QWidget)
        if widget.isVisible()
        and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        and widget.focusProxy() is None
        # A spin box's inner line edit is read out as the spin box itself.
        and not (widget.parentWidget() and widget.parentWidget().focusProxy() is widget)
    ]


def tab_chain(qtbot, start: QWidget, steps: int = 40) -> list[QWidget]:  # type: ignore[no-untyped-def]
    start.setFocus(Qt.FocusReason.TabFocusReason)
    chain: list[QWidget] = []
    for _ in range(steps):
        widget = QApplication.focusWidget()
        assert widget is not None
        if widget in chain:
            break
        chain.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    return chain


def test_every_control_has_an_accessible_name(window: MainWindow) -> None:
    controls = focusable(window)
    assert len(controls) >= 10
    unnamed = [type(widget).__name__ for widget in controls if not accessible_name(widget)]
    assert unnamed == []
    assert accessible_name(window.charts.graphics) == "Charts of strength and aid over time"
    for action in window.menuBar().actions():
        assert action.text().replace("&", "")


def test_tab_reaches_every_control_in_reading_order(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    first = window.side_switch.buttons[ViewSide.GOVERNMENT]
    chain = tab_chain(qtbot, first)
    names = [accessible_name(widget) for widget in chain]
    assert names == [
        "View Kabul government",
        "About",
        "Reset view",
        "World map",
        "Search partners",
        "Partners",
        "Partner details",
        "Play",
        "Playing speed",
        "Year",
        "Year",
    ]
    assert chain[-2] is window.time_controls.slider
    assert chain[-1] is window.time_controls.year_box


def test_the_keyboard_alone_selects_a_partner_and_changes_year_and_side(
    qtbot,  # type: ignore[no-untyped-def]
    window: MainWindow,
) -> None:
    state = window.state
    search = window.partner_list.search
    qtbot.keyClick(window.map_panel.map, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert search.hasFocus()
    qtbot.keyClicks(search, "rus")
    qtbot.keyClick(search, Qt.Key.Key_Tab)
    table = window.partner_list.view
    assert table.hasFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Up)
    assert state.selection == "RUS"
    slider = window.time_controls.slider
    slider.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert state.year == 2003
    side = window.side_switch.buttons[ViewSide.GOVERNMENT]
    side.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(side, Qt.Key.Key_Right)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert state.side is ViewSide.TALIBAN


def test_the_focus_is_visible_on_every_control(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Tab from control to control: each looks different while it has the focus."""
    # Tabbing through once marks the window as driven by keyboard (Qt then draws focus).
    chain = tab_chain(qtbot, window.side_switch.buttons[ViewSide.GOVERNMENT])
    hidden = []
    for widget in chain:
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        assert widget.hasFocus()
        focused = widget.grab().toImage()
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        if widget.grab().toImage() == focused:
            hidden.append(accessible_name(widget))
    assert hidden == []


def test_text_follows_the_system_font_size(
    qtbot,  # type: ignore[no-untyped-def]
    fixture_engine: Engine,
    qapp: QApplication,
) -> None:
    normal = make_window(qtbot, fixture_engine, year=2002, selection="JPN")
    base = QFont(qapp.font())
    sizes = (normal.detail.header.sizeHint().height(), normal.partner_list.view.rowHeight(0))
    big = QFont(base)
    big.setPointSizeF(base.pointSizeF() * 1.6)
    qapp.setFont(big)
    try:
        large = make_window(qtbot, fixture_engine, year=2002, selection="JPN")
        assert large.detail.header.sizeHint().height() > sizes[0] * 1.3
        assert large.partner_list.view.rowHeight(0) > sizes[1] * 1.3
        assert large.font().pointSizeF() == pytest.approx(big.pointSizeF())
        axis = large.charts.strength_plot.getAxis("left")
        assert axis.style["tickFont"].pointSizeF() == pytest.approx(big.pointSizeF())
    finally:
        qapp.setFont(base)


def test_sharp_at_twice_the_scale(tmp_path: Path, fixture_engine: Engine) -> None:
    picture = tmp_path / "scaled.png"
    environment = dict(os.environ, QT_SCALE_FACTOR="2")
    environment.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "afgui",
            "--db",
            fixture_engine.url.render_as_string(hide_password=False),
            "--screenshot",
            str(picture),
            "--year",
            "2002",
            "--country",
            "JPN",
            "--size",
            "1000x700",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(picture))
    # Drawn at device resolution: twice the pixels in each direction, not an upscale.
    assert (image.width(), image.height()) == (2000, 1400)
    assert any(
        image.pixelColor(x, y).rgb() != image.pixelColor(x + 1, y).rgb()
        for y in range(300, 320)
        for x in range(0, 1998, 2)
    ), "neighbouring device pixels are all pairs: the window was drawn at 1x and scaled"


def test_buttons_name_themselves_by_their_text(window: MainWindow) -> None:
    buttons = [b for b in window.findChildren(QAbstractButton) if b.isVisible()]
    assert buttons
    assert all(accessible_name(button) for button in buttons)
