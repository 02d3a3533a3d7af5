"""Seeded monkey test: thousands of random user actions on the real window.

Slider drags and keys, clicks, drags, double-clicks, keys and the wheel on the map, clicks
in the partner list and on its headers (sorting), typing in the search box and the year
box, chart cursor drags, the side switch, play and pause, window resizes — each a real
Qt input event, in an order drawn from a seeded random generator. The run must raise no
exception (pytest-qt fails the test on one raised inside Qt) and log no Qt warning
(``qt_log_level_fail``). The seed is printed; replay a run with ``--monkey-seed SEED``
(or ``AFGUI_MONKEY_SEED``) and lengthen it with ``--monkey-actions N`` (or
``AFGUI_MONKEY_ACTIONS``); the default is 2,000 actions.
"""

from __future__ import annotations

import os
import random
import string
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QHelpEvent, QKeyEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QWidget
from sqlalchemy import Engine

from afgui.curation.provision import open_database
from afgui.services.measures import ViewSide
from afgui.ui import menus, theme
from afgui.ui.appearance import Appearance
from afgui.ui.main_window import MainWindow
from afgui.ui.menus import Prompts
from afgui.ui.theme import Scheme
from tests.window_support import make_window, services

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

DEFAULT_ACTIONS = 2_000
LEFT = Qt.MouseButton.LeftButton
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
CONTROL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
SEARCH_TEXT = string.ascii_letters + string.digits + " -'()éü" + "\u0627\u0641\u202e" + "🇦🇫"
# Every key a user might press, except the ones that quit (Ctrl+Q) or leave the window.
KEYS = (
    *(Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down),
    *(Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown),
    *(Qt.Key.Key_Plus, Qt.Key.Key_Minus, Qt.Key.Key_Equal, Qt.Key.Key_0, Qt.Key.Key_5),
    *(Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Escape, Qt.Key.Key_Tab),
    *(Qt.Key.Key_Backtab, Qt.Key.Key_Backspace, Qt.Key.Key_Delete, Qt.Key.Key_A),
)


def _setting(request: pytest.FixtureRequest, option: str, variable: str) -> int | None:
    value = request.config.getoption(option)
    if value is None and os.environ.get(variable, "").strip():
        value = int(os.environ[variable])
    return value  # type: ignore[no-any-return]


@pytest.fixture
def curated_engine(tmp_path: Path) -> Iterator[Engine]:
    """The real curated corpus: more partners, years and facts than the fixture."""
    opened = open_database(default_path=tmp_path / "afgui.sqlite3")
    yield opened.engine
    opened.engine.dispose()


class Monkey:
    """Random real input on one window; ``history`` keeps the last actions for a report."""

    def __init__(self, qtbot, window: MainWindow, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
        self.qtbot = qtbot
        self.window = window
        self.rng = rng
        self.history: deque[str] = deque(maxlen=25)
        self.counts: dict[str, int] = {}
        self.actions: list[tuple[int, Callable[[], str]]] = [
            (10, self.drag_slider),
            (10, self.slider_key),
            (8, self.click_map),
            (4, self.drag_map),
            (6, self.wheel_map),
            (4, self.map_key),
            (2, self.double_click_map),
            (8, self.click_list),
            (3, self.sort_list),
            (3, self.list_key),
            (6, self.type_search),
            (3, self.type_year),
            (6, self.drag_chart_cursor),
            (4, self.switch_side),
            (3, self.play_pause),
            (5, self.random_key),
            (1, self.resize_window),
            (5, self.hover),
            (3, self.ask_tooltip),
            (4, self.wheel_elsewhere),
            (2, self.change_speed),
            (4, self.menu_action),
        ]
        self._weights = [weight for weight, _ in self.actions]

    # helpers ----------------------------------------------------------------------------

    def _point_in(self, widget: QWidget) -> QPoint:
        return QPoint(
            self.rng.randrange(max(1, widget.width())), self.rng.randrange(max(1, widget.height()))
        )

    def _settle(self) -> None:
        QApplication.processEvents()

    def step(self, number: int) -> None:
        action = self.rng.choices(self.actions, weights=self._weights)[0][1]
        description = action()
        name = action.__name__
        self.counts[name] = self.counts.get(name, 0) + 1
        self.history.append(f"{number}: {description}")
        self._settle()
        if number % 97 == 0:
            # Now and then the user pauses: deferred refreshes (detail body, list re-sort)
            # and a playing slider get their turn.
            self.qtbot.wait(self.rng.choice((20, 160, 320)))

    # the slider ---------------------------------------------------------------------------

    def drag_slider(self) -> str:
        slider = self.window.time_controls.slider
        y = round(slider.track_rect().center().y())
        years = [self.rng.randint(slider.minimum() - 3, slider.maximum() + 3) for _ in range(4)]
        points = [QPoint(round(slider.x_of(year + 0.5)), y) for year in years]
        QTest.mousePress(slider, LEFT, NO_MODIFIER, points[0])
        for point in points[1:]:
            QTest.mouseMove(slider, point)
        QTest.mouseRelease(slider, LEFT, NO_MODIFIER, points[-1])
        return f"drag slider {years}"

    def slider_key(self) -> str:
        slider = self.window.time_controls.slider
        key = self.rng.choice(KEYS[:8])
        slider.setFocus()
        QTest.keyClick(slider, key)
        return f"slider key {key.name}"

    # the map ------------------------------------------------------------------------------

    def _map_point(self) -> QPoint:
        world = self.window.map_panel.map
        if world.codes and self.rng.random() < 0.6:
            return world.country_point(self.rng.choice(world.codes)).toPoint()
        return self._point_in(world)

    def _modifier(self) -> Qt.KeyboardModifier:
        return self.rng.choice((NO_MODIFIER,) * 4 + (CONTROL, SHIFT))

    def click_map(self) -> str:
        point = self._map_point()
        modifier = self._modifier()
        QTest.mouseClick(self.window.map_panel.map, LEFT, modifier, point)
        return f"click map {point.x()},{point.y()} {modifier.name}"

    def double_click_map(self) -> str:
        point = self._map_point()
        QTest.mouseDClick(self.window.map_panel.map, LEFT, NO_MODIFIER, point)
        return f"double-click map {point.x()},{point.y()}"

    def drag_map(self) -> str:
        world = self.window.map_panel.map
        points = [self._point_in(world) for _ in range(3)]
        QTest.mousePress(world, LEFT, NO_MODIFIER, points[0])
        for point in points[1:]:
            QTest.mouseMove(world, point)
        QTest.mouseRelease(world, LEFT, NO_MODIFIER, points[-1])
        return f"drag map {[(p.x(), p.y()) for p in points]}"

    def wheel_map(self) -> str:
        world = self.window.map_panel.map
        point = self._point_in(world)
        delta = self.rng.choice((-360, -120, -40, 15, 120, 240, 960))
        event = QWheelEvent(
            QPointF(point),
            QPointF(world.mapToGlobal(point)),
            QPoint(0, 0),
            QPoint(0, delta),
            Qt.MouseButton.NoButton,
            NO_MODIFIER,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(world, event)
        return f"wheel map {delta} at {point.x()},{point.y()}"

    def map_key(self) -> str:
        world = self.window.map_panel.map
        key = self.rng.choice(KEYS)
        world.setFocus()
        QTest.keyClick(world, key)
        return f"map key {key.name}"

    # the partner list ---------------------------------------------------------------------

    def click_list(self) -> str:
        view = self.window.partner_list.view
        model = view.model()
        if model.rowCount() == 0:
            return "click list (empty)"
        row = self.rng.randrange(model.rowCount())
        index = model.index(row, self.rng.randrange(model.columnCount()))
        view.scrollTo(index)
        rect = view.visualRect(index)
        if rect.isEmpty():
            return f"click list row {row} (not visible)"
        modifier = self._modifier()
        QTest.mouseClick(view.viewport(), LEFT, modifier, rect.center())
        return f"click list row {row} {modifier.name}"

    def sort_list(self) -> str:
        header = self.window.partner_list.view.horizontalHeader()
        column = self.rng.randrange(header.count())
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        QTest.mouseClick(header.viewport(), LEFT, NO_MODIFIER, QPoint(x, header.height() // 2))
        return f"sort list by column {column}"

    def list_key(self) -> str:
        view = self.window.partner_list.view
        key = self.rng.choice(KEYS[:8])
        view.setFocus()
        QTest.keyClick(view, key)
        return f"list key {key.name}"

    def type_search(self) -> str:
        search = self.window.partner_list.search
        search.setFocus()
        if self.rng.random() < 0.3:
            QTest.keyClick(search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            QTest.keyClick(search, Qt.Key.Key_Backspace)
            return "clear search"
        text = "".join(self.rng.choice(SEARCH_TEXT) for _ in range(self.rng.randint(1, 4)))
        _type(search, text)
        return f"type search {text!r}"

    # the year box and play ---------------------------------------------------------------

    def type_year(self) -> str:
        box = self.window.time_controls.year_box
        box.setFocus()
        QTest.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        text = self.rng.choice(("1979", "1996", "2001", "2021", "1850", "3000", "0", "19", "x"))
        QTest.keyClicks(box, text)
        QTest.keyClick(box, Qt.Key.Key_Return)
        return f"type year {text!r}"

    def play_pause(self) -> str:
        button = self.window.time_controls.play_button
        QTest.mouseClick(button, LEFT)
        return f"play button ({'playing' if button.isChecked() else 'paused'})"

    # the charts -----------------------------------------------------------------------------

    def drag_chart_cursor(self) -> str:
        charts = self.window.charts
        view = charts.graphics
        box = charts.strength_plot.getViewBox()

        def on_screen(year: float) -> QPoint:
            return view.mapFromScene(box.mapViewToScene(QPointF(year, 0)))

        start = charts.year_cursor.value()
        years = [start, *(self.rng.uniform(1975, 2025) for _ in range(3))]
        QTest.mousePress(view.viewport(), LEFT, NO_MODIFIER, on_screen(years[0]))
        for year in years[1:]:
            QTest.mouseMove(view.viewport(), on_screen(year))
        QTest.mouseRelease(view.viewport(), LEFT, NO_MODIFIER, on_screen(years[-1]))
        return f"drag chart cursor {[round(year, 1) for year in years]}"

    # the rest -----------------------------------------------------------------------------

    def switch_side(self) -> str:
        side = self.rng.choice(list(ViewSide))
        QTest.mouseClick(self.window.side_switch.buttons[side], LEFT)
        return f"side {side.value}"

    def random_key(self) -> str:
        key = self.rng.choice(KEYS)
        modifier = self.rng.choice(
            (
                NO_MODIFIER,
                NO_MODIFIER,
                Qt.KeyboardModifier.ShiftModifier,
                Qt.KeyboardModifier.ControlModifier,
            )
        )
        target = QApplication.focusWidget() or self.window
        QTest.keyClick(target, key, modifier)
        return f"key {key.name} {modifier.name} on {type(target).__name__}"

    def _hover_target(self) -> QWidget:
        return self.rng.choice(
            (
                self.window.map_panel.map,
                self.window.map_panel.map,
                self.window.charts.graphics.viewport(),
                self.window.time_controls.slider,
                self.window.partner_list.view.viewport(),
                self.window.detail.browser.viewport(),
            )
        )

    def hover(self) -> str:
        """The pointer moving with no button down: hover outlines, chart read-outs."""
        target = self._hover_target()
        points = [self._point_in(target) for _ in range(3)]
        for point in points:
            QTest.mouseMove(target, point)
        return f"hover {type(target).__name__} {[(p.x(), p.y()) for p in points]}"

    def ask_tooltip(self) -> str:
        target = self._hover_target()
        point = self._point_in(target)
        event = QHelpEvent(QEvent.Type.ToolTip, point, target.mapToGlobal(point))
        QApplication.sendEvent(target, event)
        return f"tooltip {type(target).__name__} {point.x()},{point.y()}"

    def wheel_elsewhere(self) -> str:
        target = self._hover_target()
        point = self._point_in(target)
        delta = self.rng.choice((-240, -120, 120, 240))
        modifier = self.rng.choice((NO_MODIFIER, NO_MODIFIER, CONTROL))
        event = QWheelEvent(
            QPointF(point),
            QPointF(target.mapToGlobal(point)),
            QPoint(0, 0),
            QPoint(0, delta),
            Qt.MouseButton.NoButton,
            modifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(target, event)
        return f"wheel {type(target).__name__} {delta} {modifier.name}"

    def change_speed(self) -> str:
        box = self.window.time_controls.speed_box
        box.setFocus()
        key = self.rng.choice((Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End))
        QTest.keyClick(box, key)
        return f"speed {key.name} -> {box.currentText()}"

    def menu_action(self) -> str:
        """A menu command (compare, events, go to year, cite, exports …), never Quit."""
        actions = []
        pending = [menu_action.menu() for menu_action in self.window.menuBar().actions()]
        while pending:
            menu = pending.pop()
            if menu is None:
                continue
            for action in menu.actions():
                if action.menu() is not None:
                    pending.append(action.menu())
                elif not action.isSeparator() and "quit" not in action.text().lower():
                    actions.append(action)
        if not actions:
            return "menu (none)"
        action = self.rng.choice(actions)
        action.trigger()
        return f"menu {action.text().replace('&', '')!r}"

    def resize_window(self) -> str:
        width, height = self.rng.randint(900, 1600), self.rng.randint(600, 1000)
        self.window.resize(width, height)
        return f"resize {width}x{height}"


def _type(widget: QWidget, text: str) -> None:
    """Type ``text`` as key events carrying the text (QTest.keyClicks knows ASCII only)."""
    for character in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, int(Qt.Key.Key_unknown), NO_MODIFIER, character)
            QApplication.sendEvent(widget, event)


def _answer_dialogs(rng: random.Random, answered: list[str]) -> QTimer:
    """Dialogs opened by menus and keys would block the run: answer them as a user might.

    An input dialog (the partner to compare with, the year to jump to) is often accepted,
    so its command takes effect; a file dialog is always cancelled (nothing is written);
    anything else is closed.
    """

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            return
        name = type(dialog).__name__
        if isinstance(dialog, QInputDialog) and rng.random() < 0.7:
            dialog.accept()
            answered.append(f"{name} accepted")
        elif isinstance(dialog, QDialog):
            dialog.reject()
            answered.append(f"{name} cancelled")
        else:
            dialog.close()
            answered.append(f"{name} closed")

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(answer)
    timer.start()
    return timer


class MonkeyPrompts:
    """The menus' questions answered at random: save paths in a scratch folder (or cancel),
    a year, a partner to compare with (or cancel); dialogs opened for the guard to close."""

    def __init__(self, rng: random.Random, folder: Path) -> None:
        self.rng = rng
        self.folder = folder
        self.asked: list[str] = []
        self.errors: list[str] = []

    def prompts(self) -> Prompts:
        return Prompts(
            save_path=self._save_path,
            year=self._year,
            partner=self._partner,
            show=lambda dialog: dialog.open(),
            error=lambda parent, text: self.errors.append(text),
        )

    def _save_path(self, parent: QWidget, title: str, filters: str, suggested: Path) -> Path | None:
        self.asked.append("save")
        if self.rng.random() < 0.5:
            return None
        self.folder.mkdir(exist_ok=True)
        return self.folder / suggested.name

    def _year(self, parent: QWidget, first: int, last: int, current: int) -> int | None:
        self.asked.append("year")
        return self.rng.choice((None, self.rng.randint(first, last)))

    def _partner(
        self, parent: QWidget, choices: Sequence[tuple[str, str]], current: str
    ) -> str | None:
        self.asked.append("partner")
        if not choices or self.rng.random() < 0.2:
            return None
        return self.rng.choice(choices)[0]


@pytest.fixture
def appearance(qapp) -> Iterator[Appearance]:  # type: ignore[no-untyped-def]
    """The menus' theme switch, put back to the light theme the other tests expect."""
    yield Appearance(qapp, Scheme.LIGHT)
    theme.apply_theme(qapp, Scheme.LIGHT)


def test_monkey(  # type: ignore[no-untyped-def]
    qtbot,
    curated_engine: Engine,
    appearance: Appearance,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    count = _setting(request, "--monkey-actions", "AFGUI_MONKEY_ACTIONS") or DEFAULT_ACTIONS
    seed = _setting(request, "--monkey-seed", "AFGUI_MONKEY_SEED")
    if seed is None:
        seed = random.SystemRandom().randrange(2**32)
    replay = f"pytest tests/test_monkey.py --monkey-seed {seed} --monkey-actions {count}"
    print(f"monkey: seed {seed}, {count} actions; replay with: {replay}")

    window = make_window(qtbot, curated_engine, year=1997, size=(1280, 800))
    catalog, relations = services(curated_engine)
    prompts = MonkeyPrompts(random.Random(seed + 2), tmp_path / "exports")
    bar = menus.install(window, catalog, relations, appearance, prompts.prompts())
    monkey = Monkey(qtbot, window, random.Random(seed))
    answered: list[str] = []
    guard = _answer_dialogs(random.Random(seed + 1), answered)
    try:
        for number in range(1, count + 1):
            try:
                monkey.step(number)
            except Exception as error:
                recent = "\n  ".join(monkey.history)
                raise AssertionError(
                    f"monkey seed {seed}: action {number} failed: {error!r}\n"
                    f"last actions:\n  {recent}\nreplay with: {replay}"
                ) from error
    finally:
        guard.stop()
        if window.time_controls.play_button.isChecked():
            QTest.mouseClick(window.time_controls.play_button, LEFT)
        worker = bar._worker  # a dataset export still being written
        if worker is not None:
            qtbot.waitUntil(lambda: not worker.is_alive(), timeout=60_000)
        QApplication.processEvents()
    print(f"monkey: actions by kind {dict(sorted(monkey.counts.items()))}")
    print(f"monkey: dialogs answered {Counter(answered)}; prompts {Counter(prompts.asked)}")
    assert prompts.errors == [], prompts.errors  # every export into a writable folder worked

    # Whatever happened, the window is whole and its views agree with the state.
    state = window.state
    window.detail.flush()
    window.partner_list.flush()
    QApplication.processEvents()
    assert window.isVisible()
    assert state.first_year <= state.year <= state.last_year
    assert window.time_controls.slider.value() == state.year
    assert window.charts.cursor_year() == state.year
    assert window.side_switch.buttons[state.side].isChecked()
    assert len(monkey.counts) == len(monkey.actions), monkey.counts  # every kind was tried
