"""The partner list: every actor with facts or a value, its strength and status at the year.

:class:`PartnerTableModel` wraps a list of frozen :class:`PartnerRow` values;
:class:`PartnerFilterProxy` sorts it (unknown strengths always last) and filters it by the
search box. :class:`PartnerList` keeps both in step with the shared state: a year or
side change updates the rows in place, so the selection and the sort survive it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from afgui.domain.vocab import ActorKind
from afgui.services.catalog import Catalog
from afgui.services.measures import RelationsService, StrengthCell
from afgui.ui import palette, theme
from afgui.ui.state import AppState

AnyIndex = QModelIndex | QPersistentModelIndex

#: The code of the row's actor, for any column.
CODE_ROLE = Qt.ItemDataRole.UserRole + 1
#: The value a column sorts by (numbers as numbers, unknown strengths as None).
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

NO_VALUE = "\N{EM DASH}"

#: Short kind labels keep the list narrow; the tooltip gives the full word.
KIND_LABELS: dict[ActorKind, str] = {
    ActorKind.STATE: "state",
    ActorKind.ORGANISATION: "org.",
    ActorKind.GROUP: "group",
}


@dataclass(frozen=True, slots=True)
class PartnerRow:
    """One partner as the list shows it at one year and side."""

    code: str
    name: str
    kind: ActorKind
    value: float | None
    status: str
    facts: int
    exists: bool = True


def strength_text(value: float | None) -> str:
    if value is None:
        return NO_VALUE
    return palette.format_strength(round(value, 1) + 0.0)


class PartnerTableModel(QAbstractTableModel):
    """A table of :class:`PartnerRow` values: name, kind, strength, status, facts."""

    NAME, KIND, STRENGTH, STATUS, FACTS = range(5)
    HEADERS: ClassVar[tuple[str, ...]] = ("Partner", "Kind", "Strength", "Status", "Facts")
    HEADER_TIPS: ClassVar[tuple[str, ...]] = (
        "The partner's name in the year shown",
        "State, international organisation or non-state group",
        "Relation strength at the year, from −10 (hostile) to +10 (close)",
        "Diplomatic status at the year",
        "How many curated facts name this partner (all Afghan sides)",
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PartnerRow] = []
        self._swatches: dict[str, QIcon] = {}

    @property
    def rows(self) -> tuple[PartnerRow, ...]:
        return tuple(self._rows)

    def set_rows(self, rows: Sequence[PartnerRow]) -> None:
        """Show ``rows``; the same partners in the same order are updated in place."""
        new_rows = list(rows)
        if [row.code for row in new_rows] == [row.code for row in self._rows]:
            if new_rows != self._rows:
                self._rows = new_rows
                if self._rows:
                    self.dataChanged.emit(
                        self.index(0, 0), self.index(len(self._rows) - 1, len(self.HEADERS) - 1)
                    )
            return
        self.beginResetModel()
        self._rows = new_rows
        self.endResetModel()

    def row_of(self, code: str) -> int:
        for number, row in enumerate(self._rows):
            if row.code == code:
                return number
        return -1

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.HEADER_TIPS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in (self.STRENGTH, self.FACTS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        if not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(self.HEADERS):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == CODE_ROLE:
            return row.code
        if role == Qt.ItemDataRole.DecorationRole and column == self.STRENGTH:
            return self._swatch(row.value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.STRENGTH, self.FACTS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and (
            not row.exists or (column in (self.STRENGTH, self.STATUS) and row.value is None)
        ):
            return theme.FAINT_INK
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        return None

    def _display(self, row: PartnerRow, column: int) -> str:
        if column == self.NAME:
            return row.name
        if column == self.KIND:
            return KIND_LABELS.get(row.kind, row.kind.value)
        if column == self.STRENGTH:
            return strength_text(row.value)
        if column == self.STATUS:
            return row.status or NO_VALUE
        return str(row.facts)

    def _sort_key(self, row: PartnerRow, column: int) -> Any:
        if column == self.NAME:
            return row.name.casefold()
        if column == self.KIND:
            return row.kind.value
        if column == self.STRENGTH:
            return row.value
        if column == self.STATUS:
            return row.status or None
        return row.facts

    def _tooltip(self, row: PartnerRow) -> str:
        lines = [f"{row.name} ({row.code}), {row.kind.value}"]
        if not row.exists:
            lines.append("did not exist in this year")
        if row.value is None:
            lines.append("no data in this year")
        else:
            lines.append(f"strength {strength_text(row.value)}, {row.status or 'status unknown'}")
        lines.append(f"{row.facts} fact{'s' if row.facts != 1 else ''}")
        return "\n".join(lines)

    def _swatch(self, value: float | None) -> QIcon:
        colour = palette.strength_colour(value)
        key = colour.name()
        icon = self._swatches.get(key)
        if icon is None:
            pixmap = QPixmap(12, 12)
            pixmap.fill(QColor(0, 0, 0, 0))
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QColor("#8a939e"))
            painter.setBrush(colour)
            painter.drawRoundedRect(0, 0, 11, 11, 2, 2)
            painter.end()
            icon = QIcon(pixmap)
            self._swatches[key] = icon
        return icon


class PartnerFilterProxy(QSortFilterProxyModel):
    """Sorts by :data:`SORT_ROLE`, unknown values last in either order; filters by text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(True)
        self._needle = ""

    def set_search(self, text: str) -> None:
        self._needle = text.strip().casefold()
        self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:  # noqa: N802
        if not self._needle:
            return True
        model = self.sourceModel()
        name = model.index(source_row, PartnerTableModel.NAME, source_parent)
        haystack = f"{model.data(name, Qt.ItemDataRole.DisplayRole)} {model.data(name, CODE_ROLE)}"
        return self._needle in haystack.casefold()

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:  # noqa: N802
        a = left.data(SORT_ROLE)
        b = right.data(SORT_ROLE)
        if a is None or b is None:
            if a is None and b is None:
                return self._tie(left, right)
            # Unknown goes last whichever way the column is sorted.
            descending = self.sortOrder() == Qt.SortOrder.DescendingOrder
            return (a is None) == descending
        if a == b:
            return self._tie(left, right)
        return bool(a < b)

    def _tie(self, left: AnyIndex, right: AnyIndex) -> bool:
        # Equal keys fall back to the name, always A to Z.
        model = self.sourceModel()
        a = str(model.index(left.row(), PartnerTableModel.NAME).data(SORT_ROLE))
        b = str(model.index(right.row(), PartnerTableModel.NAME).data(SORT_ROLE))
        descending = self.sortOrder() == Qt.SortOrder.DescendingOrder
        return (a > b) if descending else (a < b)


def build_rows(
    partners: Sequence[str],
    cells: Mapping[str, StrengthCell],
    catalog: Catalog,
    fact_counts: Mapping[str, int],
    year: int,
) -> list[PartnerRow]:
    actors = catalog.actors_by_code
    rows: list[PartnerRow] = []
    for code in partners:
        actor = actors.get(code)
        cell = cells.get(code)
        value = None if cell is None else cell.value
        status = "" if cell is None or cell.status is None else str(cell.status.value)
        rows.append(
            PartnerRow(
                code=code,
                name=actor.name_in(year) if actor else code,
                kind=actor.kind if actor else ActorKind.GROUP,
                value=value,
                status=status,
                facts=fact_counts.get(code, 0),
                exists=actor.exists_in(year) if actor else True,
            )
        )
    return rows


class PartnerList(QWidget):
    """Search box and sortable table of partners; selecting a row selects it everywhere."""

    def __init__(
        self,
        state: AppState,
        catalog: Catalog,
        relations: RelationsService,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._state = state
        self._catalog = catalog
        self._relations = relations
        self._partners = tuple(relations.partners())
        self._fact_counts = catalog.fact_counts()
        self._syncing = False

        self.model = PartnerTableModel(self)
        self.proxy = PartnerFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        title = QLabel("Partners", self)
        title.setFont(theme.heading_font(self.font(), 1.1))
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search partners…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search partners")

        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(PartnerTableModel.NAME, QHeaderView.ResizeMode.Stretch)
        metrics = self.view.fontMetrics()
        padding = 12
        widths = {
            PartnerTableModel.KIND: metrics.horizontalAdvance("group") + padding,
            PartnerTableModel.STRENGTH: metrics.horizontalAdvance("Strength") + padding + 8,
            PartnerTableModel.STATUS: metrics.horizontalAdvance("embassy closed") + padding,
            PartnerTableModel.FACTS: metrics.horizontalAdvance("Facts") + padding,
        }
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        header.setMinimumSectionSize(36)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setAccessibleName("Partners")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(title)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)

        self._refresh()
        self.view.sortByColumn(PartnerTableModel.STRENGTH, Qt.SortOrder.DescendingOrder)

        self.search.textChanged.connect(self.proxy.set_search)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection)
        state.year_changed.connect(self._refresh)
        state.side_changed.connect(self._refresh)
        state.selection_changed.connect(self._show_selection)
        self._show_selection(state.selection)

    def visible_rows(self) -> list[PartnerRow]:
        """The rows the list shows, in the order shown (after search and sort)."""
        rows = self.model.rows
        return [
            rows[self.proxy.mapToSource(self.proxy.index(number, 0)).row()]
            for number in range(self.proxy.rowCount())
        ]

    def _refresh(self, *_: object) -> None:
        year = self._state.year
        cells = self._relations.values_at(year, self._state.side)
        self.model.set_rows(
            build_rows(self._partners, cells, self._catalog, self._fact_counts, year)
        )

    def _on_view_selection(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        if self._syncing:
            return
        rows = self.view.selectionModel().selectedRows()
        if rows:
            code = str(rows[0].data(CODE_ROLE))
            self._state.select(code)

    def _show_selection(self, code: str) -> None:
        self._syncing = True
        try:
            selection = self.view.selectionModel()
            source_row = self.model.row_of(code) if code else -1
            if source_row < 0:
                selection.clearSelection()
                return
            index = self.proxy.mapFromSource(self.model.index(source_row, 0))
            if not index.isValid():
                selection.clearSelection()
                return
            selection.setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        finally:
            self._syncing = False
