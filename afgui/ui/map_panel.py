"""The map panel: which actor each country shape draws in a year, and its colour there.

Actors are drawn by the ISO alpha-2 shapes of today's countries (``Actor.map_shapes``),
and only in the years they exist: the Soviet Union by fifteen shapes until 1991, Russia,
Uzbekistan and the others from 1992. Where two existing actors claim a shape (the union
and a successor in the year of dissolution), the larger union wins, so a historic state
is drawn whole through its last year. The assignment changes only in the few years some
actor begins or ends, so it is cached per set of existing actors and a year change costs
one dictionary lookup plus a recolouring.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from afgui.domain.model import Actor
from afgui.services.catalog import Catalog
from afgui.services.measures import RelationsService, StrengthCell, ViewSide
from afgui.ui import palette, theme
from afgui.ui.partner_list import strength_text
from afgui.ui.state import AppState
from afgui.ui.steady_label import SteadyLabel
from afgui.ui.world_map import WorldMapView

#: The subject of the whole app, marked on the map rather than coloured.
SUBJECT = "AFG"


def country_names() -> dict[str, str]:
    """English names of the map's countries by upper-case alpha-2 code, for tooltips."""
    from pygal_maps_world.i18n import COUNTRIES

    return {str(code).upper(): str(name) for code, name in COUNTRIES.items()}


class WholeOrNoneLabel(QLabel):
    """A line of help shown whole or not at all: it takes the width its row leaves, down
    to none, and paints nothing when that is less than its text needs.

    As a plain label it held the map's header, and with it the map's column, at least
    683 px wide: in a 1024 px window the column beside it (the partner list and the
    detail pane) then had 300 px of its 440, and the list cut its columns."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        if self.width() >= self.sizeHint().width():
            super().paintEvent(event)


class ShapeAssignment:
    """For each year, which actor draws each country shape (alpha-2 code → actor code)."""

    def __init__(self, actors: Sequence[Actor], drawable: Collection[str] | None = None) -> None:
        allowed = None if drawable is None else frozenset(drawable)
        self._actors = tuple(
            sorted(
                (actor for actor in actors if actor.map_shapes),
                key=lambda actor: (-len(actor.map_shapes), actor.code),
            )
        )
        self._allowed = allowed
        self._by_existing: dict[tuple[str, ...], dict[str, str]] = {}
        self._by_year: dict[int, dict[str, str]] = {}
        self._shapes_of: dict[tuple[int, str], tuple[str, ...]] = {}

    def at(self, year: int) -> Mapping[str, str]:
        mapping = self._by_year.get(year)
        if mapping is None:
            existing = tuple(actor.code for actor in self._actors if actor.exists_in(year))
            mapping = self._by_existing.get(existing)
            if mapping is None:
                mapping = self._assign(year)
                self._by_existing[existing] = mapping
            self._by_year[year] = mapping
        return mapping

    def _assign(self, year: int) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for actor in self._actors:
            if not actor.exists_in(year):
                continue
            for shape in actor.map_shapes:
                if self._allowed is not None and shape not in self._allowed:
                    continue
                mapping.setdefault(shape, actor.code)
        return mapping

    def shapes_of(self, code: str, year: int) -> list[str]:
        mapping = self.at(year)
        # Keyed by the mapping, which is shared by every year with the same actors.
        key = (id(mapping), code)
        shapes = self._shapes_of.get(key)
        if shapes is None:
            shapes = self._shapes_of[key] = tuple(
                shape for shape, actor in mapping.items() if actor == code
            )
        return list(shapes)


@dataclass(frozen=True, slots=True)
class DrawnActor:
    """One actor as the map draws it at a year (for reports and tests)."""

    actor: str
    value: float | None
    status: str | None
    colour: str


class MapPanel(QWidget):
    """The world map coloured at the state's year and side, with a title and a reset."""

    def __init__(
        self,
        state: AppState,
        catalog: Catalog,
        relations: RelationsService,
        country_names: Mapping[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._state = state
        self._catalog = catalog
        self._relations = relations
        self._country_names = dict(country_names or {})
        self.map = WorldMapView(self, style=theme.map_style())
        self._colours = theme.current()
        self._assignment = ShapeAssignment(catalog.actors, self.map.codes)
        self._cells: Mapping[str, StrengthCell] = {}
        self._mapping: Mapping[str, str] = {}
        # Colour tables by year and side: a year seen before (a drag back and forth,
        # play) costs a lookup.
        self._fills: dict[
            tuple[int, str], tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_]]
        ] = {}
        subject = catalog.actors_by_code.get(SUBJECT)
        self._subject_shapes = tuple(
            shape for shape in (subject.map_shapes if subject else ()) if shape in self.map.codes
        )

        self.reset_button = QPushButton("Reset view", self)
        self.title = SteadyLabel(self, row=self.reset_button)
        theme.fill_as_card(self.title)
        self.title.setFont(theme.heading_font(self.font(), 1.1))
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.reset_button.setToolTip("Show the whole world again (double-click the map, or 0)")
        self.reset_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        hint = WholeOrNoneLabel("Scroll to zoom · drag to pan · click a country", self)
        self._hint = hint

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(hint)
        header.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.map, 1)

        self._apply_colours()
        self.map.set_marked(
            self._subject_shapes, {shape: "Afghanistan" for shape in self._subject_shapes[:1]}
        )
        self.map.tooltip_provider = self.tooltip_for
        self.map.country_clicked.connect(self._on_clicked)
        self.reset_button.clicked.connect(self.map.reset_view)
        state.year_changed.connect(self._refresh)
        state.side_changed.connect(self._refresh)
        state.selection_changed.connect(self._update_selection)
        self._refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._colours is not theme.current():
            self._colours = theme.current()
            self.map.set_style(theme.map_style())
            self._apply_colours()
            self._fills.clear()
            self._refresh()

    def _apply_colours(self) -> None:
        self._hint.setStyleSheet(f"color: {theme.MUTED_INK.name()};")
        self.map.set_legend(
            palette.legend_stops(),
            palette.NO_DATA,
            title="Relation strength",
            low_caption="hostile",
            high_caption="close",
            no_data_label="No data",
        )

    # What the map shows -----------------------------------------------------------

    def actor_at_shape(self, shape: str) -> str:
        """The actor drawn by ``shape`` in the shown year ("" for none)."""
        return self._mapping.get(shape.upper(), "")

    def shapes_of(self, code: str) -> list[str]:
        return self._assignment.shapes_of(code, self._state.year)

    def drawn(self) -> list[DrawnActor]:
        """Every actor drawn at the shown year, with its value, status and colour."""
        seen: dict[str, None] = {}
        for actor in self._mapping.values():
            seen.setdefault(actor, None)
        drawn: list[DrawnActor] = []
        for code in sorted(seen):
            cell = self._cells.get(code)
            value = None if cell is None else cell.value
            status = None if cell is None or cell.status is None else str(cell.status.value)
            if code == SUBJECT:
                colour = self.map.map_style.marked_fill
            else:
                colour = palette.strength_colour(value)
            drawn.append(DrawnActor(code, value, status, colour.name()))
        return drawn

    def tooltip_for(self, shape: str) -> str | None:
        country = self._country_names.get(shape, shape)
        code = self._mapping.get(shape)
        year = self._state.year
        if code is None:
            return f"{country}\nno data in {year}"
        actor = self._catalog.actors_by_code.get(code)
        name = actor.name_in(year) if actor else code
        lines = [name if name == country else f"{name}\n(drawn here: {country})"]
        if code == SUBJECT:
            lines.append("Afghanistan, the subject of this map")
            return "\n".join(lines)
        cell = self._cells.get(code)
        if cell is None or cell.value is None:
            lines.append(f"no data in {year}")
        else:
            lines.append(f"strength {strength_text(cell.value)} in {year}")
        if cell is not None and cell.status is not None:
            lines.append(f"status: {cell.status.value}")
        return "\n".join(lines)

    # Updates ----------------------------------------------------------------------

    def _refresh(self, *_: object) -> None:
        year = self._state.year
        side = self._state.side
        self._cells = self._relations.values_at(year, side)
        self._mapping = self._assignment.at(year)
        self.map.set_fill_table(*self.prepare_year(year, side), palette.NO_DATA)
        self.title.setText(f"Relations in {year} · {theme.SIDE_LABELS[side.value]}")
        self._update_selection(self._state.selection)

    def prepare_year(
        self, year: int, side: ViewSide
    ) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_]]:
        """The colour table of ``year`` at ``side``, worked out once and kept (see
        afgui.ui.prefetch)."""
        key = (year, side.value)
        fills = self._fills.get(key)
        if fills is None:
            cells = self._relations.values_at(year, side)
            fills = self._fills[key] = self._fill_table(cells, self._assignment.at(year))
        return fills

    def _fill_table(
        self, cells: Mapping[str, StrengthCell], mapping: Mapping[str, str]
    ) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_]]:
        """The colour of each map code, in the map's order, and whether it is known
        (unknown: no data), for a year's ``cells`` and shape ``mapping``."""
        values = np.full(len(self.map.codes), np.nan)
        for number, shape in enumerate(self.map.codes):
            code = mapping.get(shape)
            cell = None if code is None else cells.get(code)
            if cell is not None and cell.value is not None:
                values[number] = cell.value
        known = ~np.isnan(values)  # unknown: the map hatches it as "no data"
        return palette.strength_rgbs(values), known

    def _update_selection(self, code: str) -> None:
        self.map.set_selected(self.shapes_of(code) if code else ())

    def _on_clicked(self, shape: str) -> None:
        code = self._mapping.get(shape.upper())
        if code and code != SUBJECT:
            self._state.select(code)
