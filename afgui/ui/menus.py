"""The menu bar: File, Edit, View, Go and Help, every action with its shortcut.

:class:`WindowMenus` builds the actions on a :class:`~afgui.ui.main_window.MainWindow`
from its public parts and the services; actions change the shared
:class:`~afgui.ui.state.AppState` (year, side, selection, comparison) or the
:class:`~afgui.ui.appearance.Appearance`, and never reach into a view's internals.
How the menus ask the user something (a file name, a year, a partner) and show dialogs
goes through :class:`Prompts`, which tests replace.

Writing the whole dataset reads every fact and measure, so it runs on a worker thread;
the other exports concern what is on screen and take well under a second.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QInputDialog,
    QMenu,
    QMessageBox,
    QWidget,
)

from afgui.domain.model import Fact
from afgui.services.catalog import Catalog
from afgui.services.measures import RelationsService, ViewSide
from afgui.ui import exporting, theme
from afgui.ui import help as help_pages
from afgui.ui.about import about_html
from afgui.ui.appearance import Appearance
from afgui.ui.citing import CitationDialog
from afgui.ui.exporting import DATA_FILTERS, IMAGE_FILTERS, ExportError
from afgui.ui.main_window import MainWindow
from afgui.ui.theme import Scheme

#: How long a status-bar message stays, in milliseconds.
MESSAGE_MS = 6000

SIDE_ACTIONS: tuple[tuple[ViewSide, str, str], ...] = (
    (ViewSide.GOVERNMENT, "&Kabul government", "Ctrl+1"),
    (ViewSide.TALIBAN, "&Taliban", "Ctrl+2"),
    (ViewSide.BOTH, "&Both sides pooled", "Ctrl+3"),
)
THEME_ACTIONS: tuple[tuple[Scheme, str, str], ...] = (
    (Scheme.SYSTEM, "Follow the &system", "Ctrl+Shift+T"),
    (Scheme.LIGHT, "&Light", "Ctrl+Shift+L"),
    (Scheme.DARK, "&Dark", "Ctrl+Shift+D"),
)


def event_years(facts: Sequence[Fact]) -> tuple[int, ...]:
    """The years in which a partner's facts begin, in order, each once."""
    return tuple(sorted({fact.date.year for fact in facts if fact.date.year is not None}))


def next_event(years: Sequence[int], year: int, step: int) -> int | None:
    """The first event year after ``year`` (``step`` 1) or the last before it (-1)."""
    if step > 0:
        return next((y for y in years if y > year), None)
    return next((y for y in reversed(years) if y < year), None)


def file_stem(*parts: str) -> str:
    """A file name from words: ``afgui-pakistan-1997``."""
    text = "-".join(part for part in parts if part)
    return re.sub(r"[\W_]+", "-", text.casefold()).strip("-") or "afgui"


def _ask_save_path(parent: QWidget, title: str, filters: str, suggested: Path) -> Path | None:
    name, chosen = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
    if not name:
        return None
    return exporting.with_suffix_for_filter(Path(name), chosen)


def _ask_year(parent: QWidget, first: int, last: int, current: int) -> int | None:
    year, ok = QInputDialog.getInt(parent, "Go to year", "Year:", current, first, last, 1)
    return year if ok else None


def _ask_partner(parent: QWidget, choices: Sequence[tuple[str, str]], current: str) -> str | None:
    labels = [f"{name} ({code})" for code, name in choices]
    codes = [code for code, _ in choices]
    index = codes.index(current) if current in codes else 0
    label, ok = QInputDialog.getItem(
        parent, "Compare", "Compare the selected partner with:", labels, index, False
    )
    if not ok or label not in labels:
        return None
    return codes[labels.index(label)]


def _show(dialog: QDialog) -> None:
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


def _error(parent: QWidget, text: str) -> None:
    # The text may quote a file name or a database message: never let Qt read it as HTML.
    box = QMessageBox(
        QMessageBox.Icon.Warning, "afgui", text, QMessageBox.StandardButton.Ok, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


@dataclass
class Prompts:
    """How the menus ask and tell the user; tests replace these with plain functions."""

    save_path: Callable[[QWidget, str, str, Path], Path | None] = _ask_save_path
    year: Callable[[QWidget, int, int, int], int | None] = _ask_year
    partner: Callable[[QWidget, Sequence[tuple[str, str]], str], str | None] = _ask_partner
    show: Callable[[QDialog], None] = _show
    error: Callable[[QWidget, str], None] = _error


class WindowMenus(QObject):
    """The menu bar of one main window and its actions (``actions`` by name)."""

    #: A background export ended: the path written, or "" and an error message.
    dataset_exported = Signal(str, str)
    _dataset_done = Signal(str, str)

    def __init__(
        self,
        window: MainWindow,
        catalog: Catalog,
        relations: RelationsService,
        appearance: Appearance,
        prompts: Prompts | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.state = window.state
        self._catalog = catalog
        self._relations = relations
        self._appearance = appearance
        self.prompts = prompts or Prompts()
        self._folder = Path.home()
        self._worker: threading.Thread | None = None
        self.actions: dict[str, QAction] = {}
        self._names = {actor.code: actor.name for actor in catalog.actors}
        self._dataset_done.connect(self._on_dataset_done)

        bar = window.menuBar()
        self._build_file(bar.addMenu("&File"))
        self._build_edit(bar.addMenu("&Edit"))
        self._build_view(bar.addMenu("&View"))
        self._build_go(bar.addMenu("&Go"))
        self._build_help(bar.addMenu("&Help"))

        self.state.selection_changed.connect(self._update_enabled)
        self.state.compare_changed.connect(self._update_enabled)
        self.state.side_changed.connect(self._on_side)
        appearance.scheme_changed.connect(self._on_scheme)
        self._update_enabled()

    # Construction ---------------------------------------------------------------------

    def _action(
        self,
        menu: QMenu,
        name: str,
        text: str,
        shortcut: str,
        handler: Callable[[], object],
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self.window)
        # Written out rather than platform standard keys: some platforms (offscreen, some
        # desktops) define no standard Quit or Help key, and every action needs one.
        action.setShortcut(QKeySequence(shortcut))
        # Window-wide, so a shortcut works wherever the focus is in the window.
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: handler())
        menu.addAction(action)
        self.actions[name] = action
        return action

    def _build_file(self, menu: QMenu) -> None:
        self._action(
            menu,
            "export_charts",
            "Export &charts…",
            "Ctrl+E",
            self.export_charts,
            "Save the strength and aid charts as PNG or SVG",
        )
        self._action(
            menu,
            "export_map",
            "Export &map…",
            "Ctrl+Shift+E",
            self.export_map,
            "Save the map as shown as PNG or SVG",
        )
        self._action(
            menu,
            "export_facts",
            "Export the partner's &facts…",
            "Ctrl+Shift+S",
            self.export_facts,
            "Save every fact naming the selected partner as CSV or JSON",
        )
        self._action(
            menu,
            "export_dataset",
            "Export the whole &dataset…",
            "Ctrl+Shift+A",
            self.export_dataset,
            "Save every actor, source, fact and measure as JSON, or every fact as CSV",
        )
        menu.addSeparator()
        self._action(menu, "quit", "&Quit", "Ctrl+Q", self.window.close, "Quit afgui")

    def _build_edit(self, menu: QMenu) -> None:
        self._action(
            menu,
            "find",
            "&Find partner",
            "Ctrl+F",
            self.find_partner,
            "Search the partner list",
        )
        self._action(
            menu,
            "cite",
            "&Cite a fact…",
            "Ctrl+Shift+C",
            self.cite,
            "Copy a fact of the selected partner as text, or its source as BibTeX or CSL-JSON",
        )

    def _build_view(self, menu: QMenu) -> None:
        sides = menu.addMenu("Afghan &side")
        self._sides = QActionGroup(self)
        for side, text, keys in SIDE_ACTIONS:
            action = self._action(
                sides,
                f"side_{side.value}",
                text,
                keys,
                partial(self.state.set_side, side),
                f"View the relations of: {theme.SIDE_LABELS[side.value]}",
            )
            action.setCheckable(True)
            action.setChecked(side is self.state.side)
            self._sides.addAction(action)
        menu.addSeparator()
        self._action(
            menu,
            "compare",
            "Compare &with…",
            "Ctrl+B",
            self.choose_compare,
            "Show a second partner beside the selected one",
        )
        self._action(
            menu,
            "stop_compare",
            "Stop c&omparing",
            "Ctrl+Shift+B",
            lambda: self.state.set_compare(""),
            "Show the selected partner alone",
        )
        menu.addSeparator()
        themes = menu.addMenu("&Theme")
        self._themes = QActionGroup(self)
        for scheme, text, keys in THEME_ACTIONS:
            action = self._action(
                themes,
                f"theme_{scheme.value}",
                text,
                keys,
                partial(self._appearance.set_scheme, scheme),
            )
            action.setCheckable(True)
            action.setChecked(scheme is self._appearance.scheme)
            self._themes.addAction(action)
        menu.addSeparator()
        self._action(
            menu,
            "reset_zoom",
            "&Reset map zoom",
            "Ctrl+0",
            self.window.map_panel.map.reset_view,
            "Show the whole world again",
        )

    def _build_go(self, menu: QMenu) -> None:
        state = self.state
        self._action(
            menu,
            "previous_year",
            "&Previous year",
            "Alt+Left",
            lambda: state.set_year(state.year - 1),
        )
        self._action(
            menu, "next_year", "&Next year", "Alt+Right", lambda: state.set_year(state.year + 1)
        )
        self._action(
            menu,
            "first_year",
            "&First year",
            "Alt+Home",
            lambda: state.set_year(state.first_year),
        )
        self._action(
            menu, "last_year", "&Last year", "Alt+End", lambda: state.set_year(state.last_year)
        )
        menu.addSeparator()
        self._action(
            menu,
            "previous_event",
            "P&revious event of the partner",
            "Alt+Shift+Left",
            lambda: self.step_event(-1),
            "Go to the last earlier year in which a fact names the selected partner",
        )
        self._action(
            menu,
            "next_event",
            "Ne&xt event of the partner",
            "Alt+Shift+Right",
            lambda: self.step_event(1),
            "Go to the next year in which a fact names the selected partner",
        )
        menu.addSeparator()
        self._action(menu, "jump_year", "&Jump to year…", "Ctrl+G", self.jump_to_year)
        self._action(
            menu,
            "play",
            "Play / &pause",
            "Ctrl+Space",
            self.window.time_controls.toggle_play,
            "Play through the years",
        )

    def _build_help(self, menu: QMenu) -> None:
        self._action(
            menu,
            "methodology",
            "&Methodology",
            "F1",
            self.show_methodology,
            "How strength, status and aid are computed",
        )
        self._action(
            menu,
            "sources",
            "&Sources",
            "Ctrl+Shift+R",
            self.show_sources,
            "The documents the facts quote, with their bibliographic data",
        )
        self._action(menu, "shortcuts", "&Keyboard shortcuts", "Ctrl+/", self.show_shortcuts)
        menu.addSeparator()
        self._action(
            menu,
            "about",
            "&About afgui",
            "Ctrl+F1",
            self.show_about,
            "Version and the licences of the map data and libraries",
        )

    # State ----------------------------------------------------------------------------

    def _update_enabled(self, *_: object) -> None:
        selected = bool(self.state.selection)
        for name in ("export_facts", "cite", "compare", "previous_event", "next_event"):
            self.actions[name].setEnabled(selected)
        self.actions["stop_compare"].setEnabled(bool(self.state.compare))

    def _on_side(self, side: str) -> None:
        self.actions[f"side_{side}"].setChecked(True)

    def _on_scheme(self, scheme: str) -> None:
        self.actions[f"theme_{scheme}"].setChecked(True)

    def _message(self, text: str) -> None:
        self.window.statusBar().showMessage(text, MESSAGE_MS)

    def _name(self, code: str) -> str:
        return self._names.get(code, code)

    # File -----------------------------------------------------------------------------

    def _ask(self, title: str, filters: str, stem: str, suffix: str) -> Path | None:
        path = self.prompts.save_path(
            self.window, title, filters, self._folder / f"{stem}.{suffix}"
        )
        if path is not None:
            self._folder = path.parent
        return path

    def _stem(self, what: str) -> str:
        state = self.state
        partner = self._name(state.selection) if state.selection else ""
        compare = self._name(state.compare) if state.compare else ""
        return file_stem("afgui", what, partner, compare, str(state.year), state.side.value)

    def export_charts(self) -> None:
        path = self._ask("Export charts", IMAGE_FILTERS, self._stem("charts"), "png")
        if path is None:
            return
        charts = self.window.charts
        side = theme.SIDE_LABELS[self.state.side.value]
        caption = f"{charts.title_text()} · viewing {side} · year {self.state.year} · afgui"
        self._run(lambda: exporting.export_charts(charts, path, caption=caption), path)

    def export_map(self) -> None:
        path = self._ask("Export map", IMAGE_FILTERS, self._stem("map"), "png")
        if path is None:
            return
        panel = self.window.map_panel
        selected = panel.shapes_of(self.state.selection) if self.state.selection else []
        self._run(lambda: exporting.export_map(panel, path, selected=selected), path)

    def export_facts(self) -> None:
        code = self.state.selection
        if not code:
            return
        stem = file_stem("afgui", "facts", self._name(code))
        path = self._ask("Export the partner's facts", DATA_FILTERS, stem, "csv")
        if path is None:
            return
        self._run(lambda: exporting.export_partner_facts(self._catalog, code, path), path)

    def export_dataset(self) -> None:
        if self._worker is not None and self._worker.is_alive():
            self._message("The dataset is still being written.")
            return
        filters = "JSON document, with the measures (*.json);;CSV table of the facts (*.csv)"
        path = self._ask("Export the whole dataset", filters, "afgui-dataset", "json")
        if path is None:
            return
        self._message(f"Writing {path.name}…")

        def work() -> None:
            try:
                exporting.export_dataset(self._catalog, self._relations, path)
            except ExportError as error:
                self._dataset_done.emit("", str(error))
            except Exception as error:  # reported to the user rather than lost in a thread
                self._dataset_done.emit("", f"cannot write {path}: {error}")
            else:
                self._dataset_done.emit(str(path), "")

        self._worker = threading.Thread(target=work, name="afgui-export", daemon=True)
        self._worker.start()

    def _on_dataset_done(self, path: str, error: str) -> None:
        if error:
            self.prompts.error(self.window, error)
        else:
            self._message(f"Saved {path}")
        self.dataset_exported.emit(path, error)

    def _run(self, job: Callable[[], object], path: Path) -> None:
        try:
            job()
        except ExportError as error:
            self.prompts.error(self.window, str(error))
            return
        self._message(f"Saved {path}")

    # Edit -----------------------------------------------------------------------------

    def find_partner(self) -> None:
        search = self.window.partner_list.search
        search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        search.selectAll()

    def cite(self) -> None:
        code = self.state.selection
        if not code:
            return
        dialog = CitationDialog(
            self._name(code),
            self._catalog.facts_of(code),
            self._catalog.sources_by_id,
            self._names,
            self.state.year,
            self.window,
        )
        self.prompts.show(dialog)

    # View and Go ----------------------------------------------------------------------

    def choose_compare(self) -> None:
        selection = self.state.selection
        if not selection:
            return
        choices = sorted(
            ((code, self._name(code)) for code in self._relations.partners() if code != selection),
            key=lambda item: item[1].casefold(),
        )
        code = self.prompts.partner(self.window, choices, self.state.compare)
        if code:
            self.state.set_compare(code)

    def step_event(self, step: int) -> None:
        code = self.state.selection
        if not code:
            return
        # The years only, not the partner's facts (hundreds of thousands in a large database).
        year = next_event(self._catalog.event_years(code), self.state.year, step)
        if year is None:
            direction = "later" if step > 0 else "earlier"
            self._message(f"No {direction} fact names {self._name(code)}.")
            return
        self.state.set_year(year)

    def jump_to_year(self) -> None:
        state = self.state
        year = self.prompts.year(self.window, state.first_year, state.last_year, state.year)
        if year is not None:
            state.set_year(year)

    # Help -----------------------------------------------------------------------------

    def show_methodology(self) -> None:
        self.prompts.show(
            help_pages.TextDialog("Methodology", help_pages.methodology_html(), self.window)
        )

    def show_sources(self) -> None:
        counts = dict(self._catalog.stats().per_source)
        self.prompts.show(help_pages.sources_dialog(self._catalog.sources, counts, self.window))

    def show_shortcuts(self) -> None:
        body = help_pages.shortcuts_html(self.actions.values())
        self.prompts.show(help_pages.TextDialog("Keyboard shortcuts", body, self.window))

    def show_about(self) -> None:
        self.prompts.show(help_pages.TextDialog("About afgui", about_html(), self.window))


def install(
    window: MainWindow,
    catalog: Catalog,
    relations: RelationsService,
    appearance: Appearance,
    prompts: Prompts | None = None,
) -> WindowMenus:
    """Give ``window`` its menu bar; the returned object owns the actions."""
    return WindowMenus(window, catalog, relations, appearance, prompts)


__all__ = ["Prompts", "WindowMenus", "event_years", "file_stem", "install", "next_event"]
