"""The menu bar: every action has a shortcut shown in its menu, the shortcuts work from
the keyboard, and each action does what it says (exports, citations, compare, going
through years and events, help pages)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QWidget
from sqlalchemy import Engine

from afgui.services.measures import ViewSide
from afgui.ui import menus, theme
from afgui.ui.appearance import Appearance
from afgui.ui.citing import CitationDialog, CitationForm
from afgui.ui.help import TextDialog
from afgui.ui.main_window import MainWindow
from afgui.ui.menus import Prompts, WindowMenus, event_years, file_stem, next_event
from afgui.ui.theme import Scheme
from tests.window_support import make_window, services

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


class Recorder:
    """Prompts that answer from a script and keep what was shown."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.paths: list[Path] = []
        self.asked: list[tuple[str, str, Path]] = []
        self.years: list[int | None] = []
        self.partners: list[str | None] = []
        self.choices: list[Sequence[tuple[str, str]]] = []
        self.dialogs: list[QDialog] = []
        self.errors: list[str] = []

    def prompts(self) -> Prompts:
        return Prompts(
            save_path=self._save_path,
            year=lambda parent, first, last, current: self.years.pop(0),
            partner=self._partner,
            show=self.dialogs.append,
            error=lambda parent, text: self.errors.append(text),
        )

    def _save_path(self, parent: QWidget, title: str, filters: str, suggested: Path) -> Path | None:
        self.asked.append((title, filters, suggested))
        return self.paths.pop(0) if self.paths else None

    def _partner(
        self, parent: QWidget, choices: Sequence[tuple[str, str]], current: str
    ) -> str | None:
        self.choices.append(choices)
        return self.partners.pop(0)


@pytest.fixture
def appearance(qapp) -> Iterator[Appearance]:  # type: ignore[no-untyped-def]
    yield Appearance(qapp, Scheme.LIGHT)
    theme.apply_theme(qapp, Scheme.LIGHT)


@pytest.fixture
def recorder(tmp_path: Path) -> Recorder:
    return Recorder(tmp_path)


def build(
    qtbot,  # type: ignore[no-untyped-def]
    engine: Engine,
    appearance: Appearance,
    recorder: Recorder,
    **state: object,
) -> tuple[MainWindow, WindowMenus]:
    window = make_window(qtbot, engine, **state)  # type: ignore[arg-type]
    catalog, relations = services(engine)
    bar = menus.install(window, catalog, relations, appearance, recorder.prompts())
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    return window, bar


@pytest.fixture
def window_and_menus(
    qtbot,  # type: ignore[no-untyped-def]
    fixture_engine: Engine,
    appearance: Appearance,
    recorder: Recorder,
) -> tuple[MainWindow, WindowMenus]:
    return build(qtbot, fixture_engine, appearance, recorder, year=2002, selection="JPN")


def all_actions(menu: QMenu) -> list:  # type: ignore[type-arg]
    found = []
    for action in menu.actions():
        if action.menu() is not None:
            found.extend(all_actions(action.menu()))
        elif not action.isSeparator():
            found.append(action)
    return found


# The menus themselves -----------------------------------------------------------------


def test_every_action_has_a_distinct_shortcut_shown_in_its_menu(
    window_and_menus: tuple[MainWindow, WindowMenus],
) -> None:
    window, bar = window_and_menus
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Go", "&Help"]
    actions = [a for top in window.menuBar().actions() for a in all_actions(top.menu())]
    assert len(actions) == len(bar.actions) >= 28
    keys = [action.shortcut().toString() for action in actions]
    assert all(keys), [a.text() for a in actions if not a.shortcut().toString()]
    assert len(set(keys)) == len(keys), sorted(keys)
    # Qt shows an action's shortcut beside it in a menu bar's menus.
    assert bar.actions["find"].shortcut() == QKeySequence("Ctrl+F")
    assert bar.actions["quit"].shortcut() == QKeySequence("Ctrl+Q")
    assert bar.actions["methodology"].shortcut() == QKeySequence("F1")


def test_ctrl_f_focuses_the_search_and_keys_move_the_year(
    qtbot,  # type: ignore[no-untyped-def]
    window_and_menus: tuple[MainWindow, WindowMenus],
) -> None:
    window, _ = window_and_menus
    world = window.map_panel.map
    world.setFocus()
    qtbot.keyClick(world, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.partner_list.search.hasFocus()
    alt = Qt.KeyboardModifier.AltModifier
    qtbot.keyClick(window.partner_list.search, Qt.Key.Key_Right, alt)
    assert window.state.year == 2003
    qtbot.keyClick(window.partner_list.search, Qt.Key.Key_Left, alt)
    qtbot.keyClick(window.partner_list.search, Qt.Key.Key_Left, alt)
    assert window.state.year == 2001
    qtbot.keyClick(world, Qt.Key.Key_Home, alt)
    assert window.state.year == window.state.first_year
    qtbot.keyClick(world, Qt.Key.Key_End, alt)
    assert window.state.year == window.state.last_year
    qtbot.keyClick(world, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.state.side is ViewSide.TALIBAN


def test_side_actions_follow_the_state(window_and_menus: tuple[MainWindow, WindowMenus]) -> None:
    window, bar = window_and_menus
    assert bar.actions["side_government"].isChecked()
    window.state.set_side("both")
    assert bar.actions["side_both"].isChecked()
    assert not bar.actions["side_government"].isChecked()
    bar.actions["side_taliban"].trigger()
    assert window.state.side is ViewSide.TALIBAN


def test_actions_needing_a_partner_are_disabled_without_one(
    window_and_menus: tuple[MainWindow, WindowMenus],
) -> None:
    window, bar = window_and_menus
    needing = ("export_facts", "cite", "compare", "previous_event", "next_event")
    assert all(bar.actions[name].isEnabled() for name in needing)
    assert not bar.actions["stop_compare"].isEnabled()
    window.state.select("")
    assert not any(bar.actions[name].isEnabled() for name in needing)
    assert bar.actions["export_charts"].isEnabled()


# Go ----------------------------------------------------------------------------------


def test_event_years_and_steps() -> None:
    assert next_event((1979, 1992, 2002), 1992, 1) == 2002
    assert next_event((1979, 1992, 2002), 1992, -1) == 1979
    assert next_event((1979, 1992, 2002), 2010, 1) is None
    assert next_event((), 2000, -1) is None


def test_previous_and_next_event_of_the_partner(
    qtbot,  # type: ignore[no-untyped-def]
    fixture_engine: Engine,
    appearance: Appearance,
    recorder: Recorder,
) -> None:
    window, bar = build(qtbot, fixture_engine, appearance, recorder, year=1985, selection="RUS")
    catalog, _ = services(fixture_engine)
    assert event_years(catalog.facts_of("RUS")) == (1992, 2016)
    bar.actions["next_event"].trigger()
    assert window.state.year == 1992
    bar.actions["next_event"].trigger()
    assert window.state.year == 2016
    bar.actions["next_event"].trigger()
    assert window.state.year == 2016
    assert "No later fact names Russia" in window.statusBar().currentMessage()
    bar.actions["previous_event"].trigger()
    assert window.state.year == 1992


def test_jump_to_year(window_and_menus: tuple[MainWindow, WindowMenus], recorder: Recorder) -> None:
    window, bar = window_and_menus
    recorder.years = [1979, None]
    bar.actions["jump_year"].trigger()
    assert window.state.year == 1979
    bar.actions["jump_year"].trigger()  # cancelled
    assert window.state.year == 1979


def test_play_pause_and_reset_zoom(window_and_menus: tuple[MainWindow, WindowMenus]) -> None:
    window, bar = window_and_menus
    bar.actions["play"].trigger()
    assert window.time_controls.playing
    bar.actions["play"].trigger()
    assert not window.time_controls.playing
    world = window.map_panel.map
    world.zoom_by(4.0)
    bar.actions["reset_zoom"].trigger()
    assert world.zoom == 1.0


# File --------------------------------------------------------------------------------


def test_export_actions_write_the_chosen_files(
    window_and_menus: tuple[MainWindow, WindowMenus], recorder: Recorder, tmp_path: Path
) -> None:
    window, bar = window_and_menus
    recorder.paths = [tmp_path / "c.svg", tmp_path / "m.png", tmp_path / "f.json"]
    bar.actions["export_charts"].trigger()
    bar.actions["export_map"].trigger()
    bar.actions["export_facts"].trigger()
    assert recorder.errors == []
    assert (tmp_path / "c.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert not QImage(str(tmp_path / "m.png")).isNull()
    document = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    assert document["partner"]["code"] == "JPN"
    titles = [title for title, _, _ in recorder.asked]
    assert titles == ["Export charts", "Export map", "Export the partner's facts"]
    suggested = [path.name for _, _, path in recorder.asked]
    assert suggested[0] == "afgui-charts-japan-2002-government.png"
    assert suggested[2] == "afgui-facts-japan.csv"
    assert "Saved" in window.statusBar().currentMessage()


def test_a_cancelled_or_failing_export_writes_nothing(
    window_and_menus: tuple[MainWindow, WindowMenus], recorder: Recorder, tmp_path: Path
) -> None:
    _, bar = window_and_menus
    folder = tmp_path / "out"
    folder.mkdir()
    bar.actions["export_map"].trigger()  # cancelled: no path
    recorder.paths = [folder / "map.gif"]
    bar.actions["export_map"].trigger()
    assert recorder.errors == ["map.gif: use one of .png, .svg"]
    assert list(folder.iterdir()) == []


def test_dataset_export_runs_in_the_background(
    qtbot,  # type: ignore[no-untyped-def]
    window_and_menus: tuple[MainWindow, WindowMenus],
    recorder: Recorder,
    tmp_path: Path,
) -> None:
    _, bar = window_and_menus
    target = tmp_path / "dataset.json"
    recorder.paths = [target]
    with qtbot.waitSignal(bar.dataset_exported, timeout=20000) as blocker:
        bar.actions["export_dataset"].trigger()
    assert blocker.args == [str(target), ""]
    document = json.loads(target.read_text(encoding="utf-8"))
    assert {"facts", "measures", "relation_strength"} <= set(document)


def test_dataset_export_failure_is_reported(
    qtbot,  # type: ignore[no-untyped-def]
    window_and_menus: tuple[MainWindow, WindowMenus],
    recorder: Recorder,
    tmp_path: Path,
) -> None:
    _, bar = window_and_menus
    recorder.paths = [tmp_path / "missing" / "dataset.csv"]
    with qtbot.waitSignal(bar.dataset_exported, timeout=20000) as blocker:
        bar.actions["export_dataset"].trigger()
    assert blocker.args[0] == ""
    assert "cannot write" in blocker.args[1]
    assert recorder.errors == [blocker.args[1]]


def test_file_stems() -> None:
    assert file_stem("afgui", "map", "Côte d'Ivoire", "1997") == "afgui-map-côte-d-ivoire-1997"
    assert file_stem("", "") == "afgui"


# Edit and citations ------------------------------------------------------------------


def test_cite_opens_the_partners_facts_and_copies_each_form(
    qtbot,  # type: ignore[no-untyped-def]
    window_and_menus: tuple[MainWindow, WindowMenus],
    recorder: Recorder,
) -> None:
    _, bar = window_and_menus
    bar.actions["cite"].trigger()
    [dialog] = recorder.dialogs
    assert isinstance(dialog, CitationDialog)
    qtbot.addWidget(dialog)
    assert dialog.facts.count() == 2
    fact = dialog.current_fact()
    assert fact is not None and "JPN" in fact.partners
    clipboard = QGuiApplication.clipboard()
    dialog.copy()
    assert clipboard.text().startswith("Japan: ")
    assert f"Quote: “{fact.citation.quote}”" in clipboard.text()
    dialog.form.setCurrentIndex(list(CitationForm).index(CitationForm.BIBTEX))
    dialog.copy()
    assert clipboard.text().startswith("@misc{fixture,")
    dialog.form.setCurrentIndex(list(CitationForm).index(CitationForm.CSL_JSON))
    dialog.copy()
    assert json.loads(clipboard.text())[0]["id"] == "fixture"
    assert dialog.status.text() == "Copied to the clipboard."


# View: compare and theme -------------------------------------------------------------


def test_compare_with_and_stop(
    window_and_menus: tuple[MainWindow, WindowMenus], recorder: Recorder
) -> None:
    window, bar = window_and_menus
    recorder.partners = ["RUS", None]
    bar.actions["compare"].trigger()
    assert window.state.compare == "RUS"
    codes = [code for code, _ in recorder.choices[0]]
    assert "JPN" not in codes and "RUS" in codes
    assert bar.actions["stop_compare"].isEnabled()
    bar.actions["compare"].trigger()  # cancelled: unchanged
    assert window.state.compare == "RUS"
    bar.actions["stop_compare"].trigger()
    assert window.state.compare == ""


def test_theme_actions_switch_the_appearance(
    window_and_menus: tuple[MainWindow, WindowMenus], appearance: Appearance
) -> None:
    _, bar = window_and_menus
    assert bar.actions["theme_light"].isChecked()
    bar.actions["theme_dark"].trigger()
    assert appearance.scheme is Scheme.DARK and appearance.dark
    assert theme.current() is theme.DARK
    appearance.set_scheme(Scheme.SYSTEM)
    assert bar.actions["theme_system"].isChecked()


# Help --------------------------------------------------------------------------------


def test_help_pages(window_and_menus: tuple[MainWindow, WindowMenus], recorder: Recorder) -> None:
    _, bar = window_and_menus
    for name in ("methodology", "sources", "shortcuts", "about"):
        bar.actions[name].trigger()
    pages = [dialog.browser.toPlainText() for dialog in recorder.dialogs]
    assert all(isinstance(dialog, TextDialog) for dialog in recorder.dialogs)
    methodology, sources, shortcuts, about = pages
    assert "half-life of 5 years" in methodology
    assert "grant diplomatic recognition" in methodology
    assert "A small fixture document" in sources
    assert "not given" in sources  # unknown author, publisher, date
    assert "Ctrl+Shift+C" in shortcuts and "Cite a fact" in shortcuts
    assert "pygal_maps_world" in about and "LGPL" in about
    for dialog in recorder.dialogs:
        dialog.deleteLater()


def test_sources_dialog_copies_bibtex_and_csl(
    window_and_menus: tuple[MainWindow, WindowMenus], recorder: Recorder
) -> None:
    _, bar = window_and_menus
    bar.actions["sources"].trigger()
    [dialog] = recorder.dialogs
    buttons = [dialog.extra.itemAt(i).widget() for i in range(dialog.extra.count())]
    clipboard = QApplication.clipboard()
    buttons[0].click()
    assert clipboard.text().startswith("@misc{fixture,")
    buttons[1].click()
    assert [item["id"] for item in json.loads(clipboard.text())] == ["fixture"]
    dialog.deleteLater()
