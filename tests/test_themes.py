"""Themes: light and dark, following the system by default; a change reaches every view
(cards, map, charts, detail pane, list, slider), text keeps its contrast in both, and
screenshots of both are saved for a look (``AFGUI_SCREENSHOTS=DIR`` keeps them)."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import Engine

from afgui.ui import palette, theme
from afgui.ui.appearance import Appearance
from afgui.ui.main_window import MainWindow
from afgui.ui.theme import DARK, LIGHT, Colours, Scheme
from tests.window_support import make_window

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def luminance(colour: QColor) -> float:
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(colour.redF())
        + 0.7152 * linear(colour.greenF())
        + 0.0722 * linear(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    yield Appearance(qapp, Scheme.LIGHT)
    theme.apply_theme(qapp, Scheme.LIGHT)


@pytest.fixture
def window(qtbot, fixture_engine: Engine, appearance: Appearance) -> MainWindow:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, fixture_engine, year=2002, selection="JPN")
    # Built now, not after the first paint: every shot below must show them.
    assert window.charts is not None
    window.state.set_compare("RUS")
    window.detail.flush()
    return window


def shot(window: MainWindow, name: str, tmp_path: Path) -> QImage:
    window.map_panel.map.settle()
    QApplication.processEvents()
    image = window.grab().toImage()
    folder = Path(os.environ.get("AFGUI_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    assert image.save(str(folder / f"theme-{name}.png"))
    return image


def mean_luminance(image: QImage) -> float:
    samples = [
        luminance(image.pixelColor(x, y))
        for x in range(0, image.width(), 7)
        for y in range(0, image.height(), 7)
    ]
    return sum(samples) / len(samples)


def card_colour(window: MainWindow) -> QColor:
    """A pixel of the list's card, beside its title."""
    card = window.partner_list.parentWidget()
    assert card is not None
    return card.grab().toImage().pixelColor(QPoint(card.width() - 6, 4))


@pytest.mark.parametrize("colours", [LIGHT, DARK], ids=["light", "dark"])
def test_text_and_marks_keep_their_contrast(colours: Colours) -> None:
    for background in (colours.surface, colours.window):
        assert contrast(colours.ink, background) >= 7.0  # WCAG AAA for body text
        assert contrast(colours.muted_ink, background) >= 4.5  # AA
        assert contrast(colours.faint_ink, background) >= 3.0  # AA large text, graphics
    assert contrast(colours.quote_ink, colours.surface) >= 7.0
    assert contrast(colours.ink, colours.highlight_row) >= 7.0
    for colour in (*colours.side_colours.values(), colours.compare, colours.accent):
        assert contrast(colour, colours.surface) >= 3.0  # lines and marks on the charts
    # "No data" stays apart from the neutral strength colour and from the ocean (the map
    # also hatches it and draws the coasts).
    assert contrast(colours.no_data, palette.NEUTRAL) >= 1.4
    assert contrast(colours.no_data, colours.ocean) >= 1.2


def test_the_theme_follows_the_system_by_default(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    dark = False
    monkeypatch.setattr(theme, "system_is_dark", lambda: dark)
    try:
        appearance = Appearance(qapp)
        assert appearance.scheme is Scheme.SYSTEM and not appearance.dark
        dark = True
        hints = qapp.styleHints()
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert appearance.dark and theme.current() is DARK
        # A theme chosen explicitly ignores the system.
        appearance.set_scheme(Scheme.LIGHT)
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert not appearance.dark
    finally:
        theme.apply_theme(qapp, Scheme.LIGHT)


def test_dark_and_light_reach_every_view(
    window: MainWindow, appearance: Appearance, tmp_path: Path
) -> None:
    light = shot(window, "light", tmp_path)
    assert mean_luminance(light) > 0.6
    assert card_colour(window) == LIGHT.surface

    appearance.set_scheme(Scheme.DARK)
    dark = shot(window, "dark", tmp_path)
    assert mean_luminance(dark) < 0.2
    assert card_colour(window) == DARK.surface
    charts = window.charts
    assert charts.graphics.backgroundBrush().color() == DARK.surface
    assert window.map_panel.map.map_style.ocean == DARK.ocean
    assert window.map_panel.map.map_style.marked_fill == DARK.subject
    body = window.detail.browser.toHtml()
    assert DARK.ink.name() in window.detail._body_html  # the body's style sheet
    assert LIGHT.ink.name() not in window.detail._body_html
    assert "Russia" in body  # the compared partner's section is still there
    assert charts.pen_of(window.state.side).color().rgb() == DARK.side_colours["government"].rgb()
    assert window.partner_list.view.palette().color(window.partner_list.view.backgroundRole()) != (
        LIGHT.surface
    )
    ocean = window.map_panel.map.grab().toImage().pixelColor(3, 3)
    assert ocean == DARK.ocean

    appearance.set_scheme(Scheme.LIGHT)
    again = shot(window, "light-again", tmp_path)
    assert card_colour(window) == LIGHT.surface
    assert abs(mean_luminance(again) - mean_luminance(light)) < 0.02


def test_the_map_restyles_itself(qtbot) -> None:  # type: ignore[no-untyped-def]
    from afgui.ui.world_map import WorldMapView

    view = WorldMapView()
    qtbot.addWidget(view)
    view.resize(400, 240)
    view.show()
    qtbot.waitExposed(view)
    assert view.grab().toImage().pixelColor(2, 2) == LIGHT.ocean
    view.set_style(theme.map_style(DARK))
    assert view.grab().toImage().pixelColor(2, 2) == DARK.ocean


def test_the_collector_waits_while_a_theme_change_walks_the_widgets(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A widget that only a reference cycle holds, collected while the walk over every
    widget is half done, would leave its pointer dangling in the list (a fresh-clone CI
    run crashed reading such a widget's sheet): no collection runs during the walk."""
    walking = False
    collected_while_walking: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and walking:
            collected_while_walking.append(info["generation"])

    walk = theme._tell_every_widget

    def watched_walk(app: QApplication) -> None:
        nonlocal walking
        walking = True
        try:
            walk(app)
        finally:
            walking = False

    class Busy(QLabel):
        """Works in Python when the palette changes, as the views do (allocating)."""

        def changeEvent(self, event: QEvent) -> None:  # noqa: N802
            super().changeEvent(event)
            if event.type() == QEvent.Type.PaletteChange:
                self.setProperty("work", len([[n] for n in range(200)]))

    busy = Busy("re-reads the theme")
    monkeypatch.setattr(theme, "_tell_every_widget", watched_walk)
    for number in range(5):
        cyclic = QLabel(f"held by a cycle {number}")
        cyclic.setStyleSheet("color: palette(text);")
        cyclic.setProperty("number", number)
        cyclic.me = cyclic  # type: ignore[attr-defined]
        del cyclic
    thresholds = gc.get_threshold()
    gc.set_threshold(1)  # a collection at nearly every allocation
    gc.callbacks.append(watch)
    try:
        theme.apply_theme(qapp, Scheme.DARK)
    finally:
        gc.callbacks.remove(watch)
        gc.set_threshold(*thresholds)
        theme.apply_theme(qapp, Scheme.LIGHT)
        gc.collect()  # the cycles' widgets go now, not in a later test
    assert busy.property("work") == 200  # it heard of the change
    assert collected_while_walking == []
