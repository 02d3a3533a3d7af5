"""The partner list: every actor with facts or a value, its strength and status at the year.

:class:`PartnerTableModel` wraps a list of frozen :class:`PartnerRow` values;
:class:`PartnerFilterProxy` sorts it (unknown strengths always last) and filters it by the
search box. :class:`PartnerList` keeps both in step with the shared state: a year or
side change updates the rows in place, so the selection and the sort survive it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QStandardItemModel
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
from afgui.ui.safe_text import plain_tooltip
from afgui.ui.state import AppState

AnyIndex = QModelIndex | QPersistentModelIndex

#: The code of the row's actor, for any column.
CODE_ROLE = Qt.ItemDataRole.UserRole + 1
#: The value a column sorts by (numbers as numbers, unknown strengths as None).
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

NO_VALUE = "\N{EM DASH}"

#: At most this many strengths keep their swatch icon at hand.
_SWATCH_VALUES = 4096

#: How long the year must stand still before the rows re-sort by their new values.
RESORT_DELAY_MS = 250

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


_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_CODE = int(CODE_ROLE)
_SORT = int(SORT_ROLE)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags


def sort_key(row: PartnerRow, column: int) -> Any:
    """What ``column`` sorts ``row`` by; None (unknown) sorts last in either order."""
    if column == PartnerTableModel.NAME:
        return row.name.casefold()
    if column == PartnerTableModel.KIND:
        return row.kind.value
    if column == PartnerTableModel.STRENGTH:
        return row.value
    if column == PartnerTableModel.STATUS:
        return row.status or None
    return row.facts


def row_less(left: PartnerRow, right: PartnerRow, column: int, descending: bool) -> bool:
    """The proxy's ``lessThan`` on rows: unknown values last, ties by name A to Z.

    Qt sorts descending by swapping the arguments, so the unknown-last and name-A-to-Z
    rules invert themselves here when ``descending``.
    """
    a = sort_key(left, column)
    b = sort_key(right, column)
    if a is None or b is None or a == b:
        if (a is None) != (b is None):
            return (a is None) == descending
        a = left.name.casefold()
        b = right.name.casefold()
        if a == b:
            return False
        return (a > b) if descending else (a < b)
    return bool(a < b)


class PartnerTableModel(QStandardItemModel):
    """A table of :class:`PartnerRow` values: name, kind, strength, status, facts.

    Every cell's roles are computed once after its row changes, when first asked for;
    ``data`` is then a lookup, because the view asks for a dozen roles per painted cell
    on every year change. Rows nobody shows are not computed until they are: with 250
    partners, ~180 rows change per year but ~25 are on screen.

    It holds no items: :class:`QStandardItemModel` only gives it a row and column count
    that Qt answers without calling into Python (the proxy asks for both for every index
    it maps); the cells come from ``data``.
    """

    NAME, KIND, STRENGTH, STATUS, FACTS = range(5)
    HEADERS: ClassVar[tuple[str, ...]] = ("Partner", "Kind", "Strength", "Status", "Facts")
    HEADER_TIPS: ClassVar[tuple[str, ...]] = (
        "The partner's name in the year shown",
        "State, international organisation (org.) or non-state group",
        "Relation strength at the year, from −10 (hostile) to +10 (close)",
        "Diplomatic status at the year",
        "How many curated facts name this partner (all Afghan sides)",
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(self.HEADERS), parent)
        self._rows: list[PartnerRow] = []
        self._cells: list[tuple[dict[int, Any], ...] | None] = []
        self._swatches: dict[str, QIcon] = {}
        self._swatch_of_value: dict[float | None, QIcon] = {}

    @property
    def rows(self) -> tuple[PartnerRow, ...]:
        return tuple(self._rows)

    def set_rows(self, rows: Sequence[PartnerRow]) -> None:
        """Show ``rows``; the same partners in the same order are updated in place."""
        new_rows = list(rows)
        if [row.code for row in new_rows] != [row.code for row in self._rows]:
            self.beginResetModel()
            self._rows = new_rows
            self._cells = [None] * len(new_rows)
            # Within the reset: the views and the proxy learn of the new count from it,
            # not from the insertions and removals setRowCount would announce.
            blocked = self.blockSignals(True)
            try:
                self.setRowCount(len(new_rows))
            finally:
                self.blockSignals(blocked)
            self.endResetModel()
            return
        old_rows, self._rows = self._rows, new_rows
        # One signal per run of changed rows, over the columns that changed in it, so
        # the view repaints only those cells.
        run: list[int] = []
        columns: set[int] = set()
        for number, (old, new) in enumerate(zip(old_rows, new_rows, strict=True)):
            if old == new:
                self._emit_run(run, columns)
                run, columns = [], set()
                continue
            self._cells[number] = None
            run.append(number)
            columns.update(_changed_columns(old, new))
        self._emit_run(run, columns)

    def refresh_colours(self) -> None:
        """Compute every cell again after a theme change (faint text, swatch borders)."""
        self._swatches.clear()
        self._swatch_of_value.clear()
        self._cells = [None] * len(self._rows)
        if self._rows:
            last = self.index(len(self._rows) - 1, len(self.HEADERS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def _emit_run(self, run: list[int], columns: set[int]) -> None:
        if run:
            self.dataChanged.emit(
                self.index(run[0], min(columns)), self.index(run[-1], max(columns))
            )

    def row_at(self, number: int) -> PartnerRow:
        return self._rows[number]

    def row_of(self, code: str) -> int:
        for number, row in enumerate(self._rows):
            if row.code == code:
                return number
        return -1

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
            return _RIGHT
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else _NO_FLAGS

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row, column = index.row(), index.column()
        if row < 0 or column < 0 or row >= len(self._cells) or column >= len(self.HEADERS):
            return None
        cells = self._cells[row]
        if cells is None:
            cells = self._cells[row] = self._make_cells(self._rows[row])
        return cells[column].get(int(role))

    def _make_cells(self, row: PartnerRow) -> tuple[dict[int, Any], ...]:
        # One tooltip for the whole row, converted once (not once per column).
        tooltip = plain_tooltip(_tooltip(row))
        faint = theme.FAINT_INK
        cells: list[dict[int, Any]] = []
        for column in range(len(self.HEADERS)):
            cell: dict[int, Any] = {
                _DISPLAY: _display(row, column),
                _SORT: sort_key(row, column),
                _CODE: row.code,
                _TOOLTIP: tooltip,
            }
            if column in (self.STRENGTH, self.FACTS):
                cell[_ALIGNMENT] = _RIGHT
            if column == self.STRENGTH:
                cell[_DECORATION] = self._swatch(row.value)
            if not row.exists or (column in (self.STRENGTH, self.STATUS) and row.value is None):
                cell[_FOREGROUND] = faint
            cells.append(cell)
        return tuple(cells)

    def _swatch(self, value: float | None) -> QIcon:
        # By value first: most rows keep their value from one year to the next, and
        # working the colour out costs more than the look-up (bounded: values are floats).
        icon = self._swatch_of_value.get(value)
        if icon is None:
            if len(self._swatch_of_value) >= _SWATCH_VALUES:
                self._swatch_of_value.clear()
            icon = self._swatch_of_value[value] = self._swatch_of_colour(value)
        return icon

    def _swatch_of_colour(self, value: float | None) -> QIcon:
        colour = palette.strength_colour(value)
        key = colour.name()
        icon = self._swatches.get(key)
        if icon is None:
            pixmap = QPixmap(12, 12)
            pixmap.fill(QColor(0, 0, 0, 0))
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(theme.FAINT_INK)
            painter.setBrush(colour)
            painter.drawRoundedRect(0, 0, 11, 11, 2, 2)
            painter.end()
            icon = QIcon(pixmap)
            self._swatches[key] = icon
        return icon


def _display(row: PartnerRow, column: int) -> str:
    if column == PartnerTableModel.NAME:
        return row.name
    if column == PartnerTableModel.KIND:
        return KIND_LABELS.get(row.kind, row.kind.value)
    if column == PartnerTableModel.STRENGTH:
        return strength_text(row.value)
    if column == PartnerTableModel.STATUS:
        return row.status or NO_VALUE
    return str(row.facts)


def _changed_columns(old: PartnerRow, new: PartnerRow) -> list[int]:
    changed = []
    if old.name != new.name or old.exists != new.exists:
        changed.append(PartnerTableModel.NAME)
    if old.value != new.value:
        changed.append(PartnerTableModel.STRENGTH)
    if old.status != new.status or (old.value is None) != (new.value is None):
        changed.append(PartnerTableModel.STATUS)
    if old.exists != new.exists:
        changed.extend(range(len(PartnerTableModel.HEADERS)))
    if old.kind != new.kind:
        changed.append(PartnerTableModel.KIND)
    if old.facts != new.facts:
        changed.append(PartnerTableModel.FACTS)
    return changed


def _tooltip(row: PartnerRow) -> str:
    lines = [f"{row.name} ({row.code}), {row.kind.value}"]
    if not row.exists:
        lines.append("did not exist in this year")
    if row.value is None:
        lines.append("no data in this year")
    else:
        lines.append(f"strength {strength_text(row.value)}, {row.status or 'status unknown'}")
    lines.append(f"{row.facts} fact{'s' if row.facts != 1 else ''}")
    return "\n".join(lines)


class PartnerFilterProxy(QSortFilterProxyModel):
    """Sorts with :func:`row_less` (unknown values last in either order); filters by text.

    Sorting is not dynamic: after the rows change, :meth:`resort` checks the current
    order with n − 1 comparisons and sorts again only when it is no longer right, which
    is rare from one year to the next.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(False)
        self._needle = ""

    def set_search(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+; invalidateRowsFilter is deprecated
            self.beginFilterChange()
            self._needle = text.strip().casefold()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            self._needle = text.strip().casefold()
            self.invalidateRowsFilter()

    def resort(self) -> None:
        """Sort again if the rows' new values broke the order."""
        column = self.sortColumn()
        model = self.sourceModel()
        if column < 0 or not isinstance(model, PartnerTableModel):
            return
        descending = self.sortOrder() == Qt.SortOrder.DescendingOrder
        shown = [
            model.row_at(self.mapToSource(self.index(number, 0)).row())
            for number in range(self.rowCount())
        ]
        for before, after in itertools.pairwise(shown):
            out_of_order = (
                row_less(before, after, column, descending)
                if descending
                else row_less(after, before, column, descending)
            )
            if out_of_order:
                self.sort(column, self.sortOrder())
                return

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:  # noqa: N802
        if not self._needle:
            return True
        model = self.sourceModel()
        name = model.index(source_row, PartnerTableModel.NAME, source_parent)
        haystack = f"{model.data(name, Qt.ItemDataRole.DisplayRole)} {model.data(name, CODE_ROLE)}"
        return self._needle in haystack.casefold()

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        descending = self.sortOrder() == Qt.SortOrder.DescendingOrder
        if isinstance(model, PartnerTableModel):
            return row_less(
                model.row_at(left.row()), model.row_at(right.row()), left.column(), descending
            )
        return super().lessThan(left, right)


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
        # Tab leaves the list (arrows move within it), so the keyboard can go on.
        self.view.setTabKeyNavigation(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(title)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)

        self._resort_timer = QTimer(self)
        self._resort_timer.setSingleShot(True)
        self._resort_timer.setInterval(RESORT_DELAY_MS)
        self._resort_timer.timeout.connect(self.proxy.resort)
        self._refresh()
        self.view.sortByColumn(PartnerTableModel.STRENGTH, Qt.SortOrder.DescendingOrder)

        self.search.textChanged.connect(self.proxy.set_search)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection)
        state.year_changed.connect(self._refresh)
        state.side_changed.connect(self._refresh)
        state.selection_changed.connect(self._show_selection)
        self._show_selection(state.selection)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.model.refresh_colours()

    def flush(self) -> None:
        """Re-sort now if a re-sort is pending."""
        if self._resort_timer.isActive():
            self._resort_timer.stop()
            self.proxy.resort()

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
        # Rows keep their places while the year moves and re-sort once it settles: that
        # reads better than rows jumping on every frame of a drag, and keeps it cheap.
        self._resort_timer.start()

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
