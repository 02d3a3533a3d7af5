"""The partner list: every actor with facts or a value, its strength and status at the year.

:class:`PartnerTableModel` wraps a list of frozen :class:`PartnerRow` values;
:class:`PartnerFilterProxy` sorts it (unknown strengths always last) and filters it by the
search box. :class:`PartnerList` keeps both in step with the shared state: a year or
side change updates the rows in place, so the selection and the sort survive it.

The cells are :class:`QStandardItem` items, so that painting never calls into Python. A
year change writes at once only the changed rows in view; the others are written when
the year settles or as soon as they may come into view.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from afgui.domain.measures import DiplomaticStatus
from afgui.domain.vocab import ActorKind
from afgui.services.catalog import Catalog
from afgui.services.measures import RelationsService, StrengthCell, ViewSide
from afgui.ui import palette, theme
from afgui.ui.safe_text import plain_tooltip
from afgui.ui.state import AppState

AnyIndex = QModelIndex | QPersistentModelIndex

#: The code of the row's actor, for any column.
CODE_ROLE = Qt.ItemDataRole.UserRole + 1
#: The value a column sorts by (numbers as numbers, unknown strengths as None).
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
#: A row's place in the order last sorted (see PartnerFilterProxy.sort), in the sort
#: column's item: what the proxy's sort compares.
PLACE_ROLE = Qt.ItemDataRole.UserRole + 3

NO_VALUE = "\N{EM DASH}"

#: At most this many strengths keep their swatch icon at hand.
_SWATCH_VALUES = 4096

#: At most this many years' rows (per Afghan side) are kept built.
_BUILT_YEARS = 1024

#: How long the year must stand still before the rows re-sort by their new values.
RESORT_DELAY_MS = 250

#: Short kind labels keep the list narrow; the tooltip gives the full word.
KIND_LABELS: dict[ActorKind, str] = {
    ActorKind.STATE: "state",
    ActorKind.ORGANISATION: "org.",
    ActorKind.GROUP: "group",
}
#: Each status's text, without the enum's (slow) property on every row.
_STATUS_TEXTS: dict[DiplomaticStatus, str] = {
    status: str(status.value) for status in DiplomaticStatus
}
#: Each kind's value, without the enum's (slow) property on every row.
_KIND_VALUES: dict[ActorKind, str] = {kind: kind.value for kind in ActorKind}


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
_PLACE = int(PLACE_ROLE)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
#: The columns of numbers (strength, facts), aligned right.
_RIGHT_ALIGNED = frozenset((2, 4))

#: The roles of a cell that change with its row's values, in the order of a
#: :data:`Cell`'s values. A cell's other roles are its row's code and tooltip and its
#: column's alignment.
_VARYING = (_DISPLAY, _SORT, _DECORATION, _FOREGROUND)
#: A cell's value for each of :data:`_VARYING`, None where it has none.
Cell = tuple[str, Any, QIcon | None, QColor | None]
#: A row's tooltip and its cells.
RowCells = tuple[str, tuple[Cell, ...]]

#: At most this many rows keep their worked-out cells at hand.
_CACHED_ROWS = 8192


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


def sorted_rows(
    numbers: Sequence[int], rows: Sequence[PartnerRow], column: int, descending: bool
) -> list[int]:
    """``numbers`` (indices into ``rows``) in the order the list shows them sorted by
    ``column``, ascending or descending: unknown values last either way, ties by name A
    to Z, then in the order given (a stable sort)."""
    known = [n for n in numbers if sort_key(rows[n], column) is not None]
    unknown = [n for n in numbers if sort_key(rows[n], column) is None]
    for part in (known, unknown):
        part.sort(key=lambda n: rows[n].name.casefold())
    known.sort(key=lambda n: sort_key(rows[n], column), reverse=descending)
    return known + unknown


class PartnerTableModel(QStandardItemModel):
    """A table of :class:`PartnerRow` values: name, kind, strength, status, facts.

    Every cell (and header) is a real :class:`QStandardItem` holding its roles in Qt's
    own storage, so painting (a dozen roles per cell, through the proxy) never calls into
    Python: a Python ``data`` made a full repaint of the list 3–5 ms instead of 1–2. When
    the rows change, :meth:`set_rows` writes only the roles that differ from what the
    items hold (a year change alters a strength, a status, a tooltip) and announces each
    run of changed rows once; rows out of view may wait (see :meth:`set_rows`).
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
        # What flags() answers for no index (Qt's default would allow drops there).
        self.invisibleRootItem().setFlags(_NO_FLAGS)
        for section, (text, tip) in enumerate(zip(self.HEADERS, self.HEADER_TIPS, strict=True)):
            header = QStandardItem(text)
            header.setToolTip(tip)
            if section in _RIGHT_ALIGNED:
                header.setData(_RIGHT, _ALIGNMENT)
            self.setHorizontalHeaderItem(section, header)
        self._rows: list[PartnerRow] = []
        # The items of each row and the roles they hold, to write only what changes.
        self._items: list[tuple[QStandardItem, ...]] = []
        self._shown: list[RowCells] = []
        # Changed rows not yet written (see set_rows).
        self._pending: set[int] = set()
        # Rows recur as the year goes back and forth: their cells are worked out once.
        self._cells_of_row: dict[PartnerRow, RowCells] = {}
        self._swatches: dict[int, QIcon] = {}
        self._swatch_of_value: dict[float | None, QIcon] = {}

    @property
    def rows(self) -> tuple[PartnerRow, ...]:
        return tuple(self._rows)

    def set_rows(self, rows: Sequence[PartnerRow], now: Iterable[int] | None = None) -> None:
        """Show ``rows``; the same partners in the same order are updated in place.

        Given ``now`` (row numbers: those a view shows), only the changed rows among them
        are written at once; the others wait for :meth:`write_pending`, their items
        holding their earlier roles until then, while :attr:`rows` is new at once.
        """
        new_rows = list(rows)
        if [row.code for row in new_rows] != [row.code for row in self._rows]:
            self._pending.clear()
            self._find_swatches(row.value for row in new_rows)
            self._reset(new_rows)
            return
        old_rows, self._rows = self._rows, new_rows
        for number, (old, new) in enumerate(zip(old_rows, new_rows, strict=True)):
            if old is not new and old != new:
                self._pending.add(number)
        self.write_pending(now)

    def write_pending(self, numbers: Iterable[int] | None = None) -> None:
        """Write the rows :meth:`set_rows` left to write (of them, those in ``numbers``)."""
        pending = self._pending
        if not pending:
            return
        chosen = sorted(pending if numbers is None else pending.intersection(numbers))
        pending.difference_update(chosen)
        rows = self._rows
        self._find_swatches(rows[number].value for number in chosen)
        runs: list[tuple[int, int, int, int]] = []
        # Signals are held while the items change (one per role written) and given as
        # one per run of changed rows, over the columns that look different in it, so
        # the proxy maps one range and the view repaints only those cells.
        blocked = self.blockSignals(True)
        try:
            start = end = -1
            first = last = 0
            for number in chosen:
                columns = self._write(number, self._cells(rows[number]))
                if not columns:
                    continue
                if start >= 0 and number == end + 1:
                    end, first, last = number, min(first, columns[0]), max(last, columns[-1])
                    continue
                if start >= 0:
                    runs.append((start, end, first, last))
                start, end, first, last = number, number, columns[0], columns[-1]
            if start >= 0:
                runs.append((start, end, first, last))
        finally:
            self.blockSignals(blocked)
        for top, bottom, left, right in runs:
            self.dataChanged.emit(self.index(top, left), self.index(bottom, right))

    def prepare(self, rows: Sequence[PartnerRow]) -> None:
        """Work out the cells of ``rows`` ahead of showing them, if they fit among the
        cells kept (more would push out others that are as likely to be shown)."""
        if (
            len(self._cells_of_row) + len(rows) > _CACHED_ROWS
            or len(self._swatch_of_value) + len(rows) > _SWATCH_VALUES
        ):
            return
        self._find_swatches(row.value for row in rows)
        for row in rows:
            self._cells(row)

    def refresh_colours(self) -> None:
        """Work every cell out again after a theme change (faint text, swatch borders)."""
        self._swatches.clear()
        self._swatch_of_value.clear()
        self._cells_of_row.clear()
        self._pending.clear()
        self._find_swatches(row.value for row in self._rows)
        blocked = self.blockSignals(True)
        try:
            for number, row in enumerate(self._rows):
                self._write(number, self._cells(row))
        finally:
            self.blockSignals(blocked)
        if self._rows:
            last = self.index(len(self._rows) - 1, len(self.HEADERS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def set_places(self, column: int, places: Sequence[int]) -> None:
        """Give each row's item in ``column`` its place (``PLACE_ROLE``), unannounced:
        the proxy reads them when it sorts, and a view has nothing new to show."""
        blocked = self.blockSignals(True)
        try:
            for items, place in zip(self._items, places, strict=True):
                items[column].setData(place, _PLACE)
        finally:
            self.blockSignals(blocked)

    def row_at(self, number: int) -> PartnerRow:
        return self._rows[number]

    def row_of(self, code: str) -> int:
        for number, row in enumerate(self._rows):
            if row.code == code:
                return number
        return -1

    def _reset(self, rows: list[PartnerRow]) -> None:
        self.beginResetModel()
        # Within the reset: the views and the proxy learn of the new rows from it, not
        # from the insertions, removals and item changes that filling them announces.
        blocked = self.blockSignals(True)
        try:
            self._items = []
            self.setRowCount(0)
            self.setRowCount(len(rows))
            self._rows = rows
            self._shown = []
            for number, row in enumerate(rows):
                tooltip, cells = self._cells(row)
                items = []
                for column, cell in enumerate(cells):
                    item = QStandardItem()
                    item.setFlags(_FLAGS)
                    item.setData(row.code, _CODE)
                    item.setData(tooltip, _TOOLTIP)
                    if column in _RIGHT_ALIGNED:
                        item.setData(_RIGHT, _ALIGNMENT)
                    for role, value in zip(_VARYING, cell, strict=True):
                        if value is not None:
                            item.setData(value, role)
                    self.setItem(number, column, item)
                    items.append(item)
                # An empty row header: no number for the (hidden) vertical header to
                # show or a screen reader to read.
                self.setVerticalHeaderItem(number, QStandardItem())
                self._items.append(tuple(items))
                self._shown.append((tooltip, cells))
        finally:
            self.blockSignals(blocked)
        self.endResetModel()

    def _write(self, number: int, row_cells: RowCells) -> list[int]:
        """Give row ``number``'s items what ``row_cells`` holds; the columns that look
        different now.

        Only the roles that differ are written, a role without a value is removed
        (``setData(None)``), so each item holds exactly its cell's roles.
        """
        shown_tooltip, shown = self._shown[number]
        tooltip, cells = row_cells
        items = self._items[number]
        if tooltip != shown_tooltip:
            for item in items:
                item.setData(tooltip, _TOOLTIP)
        columns = []
        for column, (before, after) in enumerate(zip(shown, cells, strict=True)):
            if before == after:
                continue
            item = items[column]
            painted = False
            for role, old, new in zip(_VARYING, before, after, strict=True):
                if old is not new and (old is None or new is None or old != new):
                    item.setData(new, role)
                    # The proxy sorts by the rows, not by this role: a new sort value
                    # alone does not make the cell worth repainting (nor do tooltips,
                    # which views read when they show them).
                    painted = painted or role != _SORT
            if painted:
                columns.append(column)
        self._shown[number] = row_cells
        return columns

    def _cells(self, row: PartnerRow) -> RowCells:
        cells = self._cells_of_row.get(row)
        if cells is None:
            if len(self._cells_of_row) >= _CACHED_ROWS:
                self._cells_of_row.clear()
            cells = self._cells_of_row[row] = self._make_cells(row)
        return cells

    def _make_cells(self, row: PartnerRow) -> RowCells:
        # Column by column in one go, as sort_key says and with the row's texts worked
        # out once: rows' cells are made for every changed row, not only those shown.
        value = row.value
        strength = strength_text(value)
        kind = _KIND_VALUES[row.kind]
        faint = theme.FAINT_INK
        gone = None if row.exists else faint
        unknown = faint if value is None else gone
        return plain_tooltip(_tooltip(row, strength)), (
            (row.name, row.name.casefold(), None, gone),
            (KIND_LABELS.get(row.kind) or kind, kind, None, gone),
            (strength, value, self._swatch(value), unknown),
            (row.status or NO_VALUE, row.status or None, None, unknown),
            (str(row.facts), row.facts, None, gone),
        )

    def _swatch(self, value: float | None) -> QIcon:
        # By value first: most rows keep their value from one year to the next, and
        # working the colour out costs more than the look-up (bounded: values are floats).
        icon = self._swatch_of_value.get(value)
        if icon is None:
            self._find_swatches([value])
            icon = self._swatch_of_value[value]
        return icon

    def _find_swatches(self, values: Iterable[float | None]) -> None:
        """Look up the swatches of the ``values`` not yet at hand, their colours at once.

        A year first shown gives most of 250 partners a value never seen: one colour by
        one, that was 2–3 ms.
        """
        known = self._swatch_of_value
        wanted = list({value for value in values if value not in known})
        if not wanted:
            return
        if len(known) + len(wanted) > _SWATCH_VALUES:
            known.clear()
        rgbs = palette.strength_rgbs([math.nan if value is None else value for value in wanted])
        for value, rgb in zip(wanted, rgbs.tolist(), strict=True):
            icon = self._swatches.get(rgb)
            if icon is None:
                icon = self._swatches[rgb] = _draw_swatch(QColor.fromRgb(rgb))
            known[value] = icon


def _draw_swatch(colour: QColor) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(theme.FAINT_INK)
    painter.setBrush(colour)
    painter.drawRoundedRect(0, 0, 11, 11, 2, 2)
    painter.end()
    return QIcon(pixmap)


def _tooltip(row: PartnerRow, strength: str) -> str:
    lines = [f"{row.name} ({row.code}), {_KIND_VALUES[row.kind]}"]
    if not row.exists:
        lines.append("did not exist in this year")
    if row.value is None:
        lines.append("no data in this year")
    else:
        lines.append(f"strength {strength}, {row.status or 'status unknown'}")
    lines.append(f"{row.facts} fact{'s' if row.facts != 1 else ''}")
    return "\n".join(lines)


class PartnerFilterProxy(QSortFilterProxyModel):
    """Sorts by :func:`sorted_rows` (unknown values last in either order); filters by text.

    The order is worked out in Python by two key sorts (~0.2 ms for 250 rows) and each
    row's place written to its item (``PLACE_ROLE``), which Qt's own sort then compares
    in C++: a comparison in Python, ~2 000 of them to sort 250 rows, made a re-sort at
    100 000 facts stall the window ~10-17 ms. Sorting is not dynamic: after the rows
    change, :meth:`resort` sorts again only when the order shown is no longer right,
    which is rare from one year to the next.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(PLACE_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(False)
        self._needle = ""

    def setSourceModel(self, model: QAbstractItemModel) -> None:  # noqa: N802 - Qt's name
        previous = self.sourceModel()
        if isinstance(previous, PartnerTableModel):
            previous.modelReset.disconnect(self._after_reset)
        super().setSourceModel(model)
        if isinstance(model, PartnerTableModel):
            # New items hold no places yet: sorted again once Qt has taken the new rows.
            model.modelReset.connect(self._after_reset)

    def _after_reset(self) -> None:
        if self.sortColumn() >= 0:
            self.sort(self.sortColumn(), self.sortOrder())

    def set_search(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+; invalidateRowsFilter is deprecated
            self.beginFilterChange()
            self._needle = text.strip().casefold()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            self._needle = text.strip().casefold()
            self.invalidateRowsFilter()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt's sort, by the places of the order :func:`sorted_rows` gives from the order
        shown (rows the search hides after the others, in the model's order)."""
        model = self.sourceModel()
        if column >= 0 and isinstance(model, PartnerTableModel):
            shown = self._shown_rows()
            hidden = sorted(set(range(model.rowCount())) - set(shown))
            descending = order == Qt.SortOrder.DescendingOrder
            ordered = sorted_rows(shown + hidden, model.rows, column, descending)
            places = [0] * len(ordered)
            for place, number in enumerate(ordered):
                # Qt sorts descending by comparing the other way round.
                places[number] = len(ordered) - 1 - place if descending else place
            model.set_places(column, places)
        super().sort(column, order)

    def resort(self) -> None:
        """Sort again if the rows' new values broke the order."""
        column = self.sortColumn()
        model = self.sourceModel()
        if column < 0 or not isinstance(model, PartnerTableModel):
            return
        shown = self._shown_rows()
        descending = self.sortOrder() == Qt.SortOrder.DescendingOrder
        if sorted_rows(shown, model.rows, column, descending) != shown:
            self.sort(column, self.sortOrder())

    def _shown_rows(self) -> list[int]:
        """The model's numbers of the rows shown, in the order shown."""
        return [self.mapToSource(self.index(number, 0)).row() for number in range(self.rowCount())]

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:  # noqa: N802
        if not self._needle:
            return True
        model = self.sourceModel()
        if isinstance(model, PartnerTableModel):
            row = model.row_at(source_row)
            haystack = f"{row.name} {row.code}"
        else:
            name = model.index(source_row, PartnerTableModel.NAME, source_parent)
            haystack = f"{name.data()} {name.data(CODE_ROLE)}"
        return self._needle in haystack.casefold()


def build_rows(
    partners: Sequence[str],
    cells: Mapping[str, StrengthCell],
    catalog: Catalog,
    fact_counts: Mapping[str, int],
    year: int,
    previous: Sequence[PartnerRow] = (),
) -> list[PartnerRow]:
    """The rows of ``partners`` at ``year``; a row that equals the row ``previous`` holds
    for its partner is that very row, so that the model sees at once it is unchanged."""
    actors = catalog.actors_by_code
    before = {row.code: row for row in previous}
    rows: list[PartnerRow] = []
    for code in partners:
        actor = actors.get(code)
        cell = cells.get(code)
        if cell is None:
            value, status = None, ""
        else:
            value = cell.value
            status = "" if cell.status is None else _STATUS_TEXTS[cell.status]
        if actor is None:
            name, kind, exists = code, ActorKind.GROUP, True
        else:
            name, kind, exists = actor.name_in(year), actor.kind, actor.exists_in(year)
        facts = fact_counts.get(code, 0)
        old = before.get(code)
        if (
            old is not None
            and old.value == value
            and old.status == status
            and old.name == name
            and old.exists == exists
            and old.facts == facts
            and old.kind is kind
        ):
            rows.append(old)
            continue
        rows.append(PartnerRow(code, name, kind, value, status, facts, exists))
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
        self._built: dict[tuple[int, ViewSide], tuple[Mapping[str, StrengthCell], list[PartnerRow]]]
        self._built = {}

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
        # A jump of years rewrites most cells in view, and Qt lays each one's text out
        # twice to paint it: without shaping the list's rows repaint in 1.0 ms instead
        # of 1.8 (year changes on the curated data, p95 6.39 -> 5.81 and 6.74 -> 6.10 ms,
        # blocks alternating with and without in one window).
        unshaped = theme.unshaped_font(self._texts_shown(catalog))
        if unshaped is not None:
            self.view.setFont(unshaped)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        # A selection of its own, never changed: with the view's, every selected row (all
        # its columns) repainted the whole header, which shows no selection (~0.3 ms a
        # selection at 1M facts). Sorting by a click on it goes through the header's
        # sort indicator, not its selection.
        header.setSelectionModel(QItemSelectionModel(self.proxy, header))
        header.setSectionResizeMode(PartnerTableModel.NAME, QHeaderView.ResizeMode.Stretch)
        metrics = self.view.fontMetrics()
        padding = 12
        widths = {
            PartnerTableModel.KIND: metrics.horizontalAdvance("group") + padding,
            PartnerTableModel.STRENGTH: metrics.horizontalAdvance("Strength") + padding + 8,
            PartnerTableModel.STATUS: metrics.horizontalAdvance("embassy closed") + padding,
            # As wide as the largest count (a large database's run to six digits).
            PartnerTableModel.FACTS: max(
                metrics.horizontalAdvance("Facts"),
                metrics.horizontalAdvance(str(max(self._fact_counts.values(), default=0))),
            )
            + padding,
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
        self._resort_timer.timeout.connect(self._settle)
        self._refresh()
        self.view.sortByColumn(PartnerTableModel.STRENGTH, Qt.SortOrder.DescendingOrder)

        self.search.textChanged.connect(self.proxy.set_search)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection)
        state.year_changed.connect(self._refresh)
        state.side_changed.connect(self._refresh)
        state.selection_changed.connect(self._show_selection)
        # Rows a year change left unwritten are written as soon as they may come into
        # view (a scroll, a resize, a search, a sort), before the view paints them.
        scroll_bar = self.view.verticalScrollBar()
        scroll_bar.valueChanged.connect(self._write_pending)
        scroll_bar.rangeChanged.connect(self._write_pending)
        self.proxy.layoutChanged.connect(self._write_pending)
        self.proxy.rowsInserted.connect(self._write_pending)
        self.proxy.rowsRemoved.connect(self._write_pending)
        self.proxy.modelReset.connect(self._write_pending)
        self._show_selection(state.selection)

    def _texts_shown(self, catalog: Catalog) -> list[str]:
        """Every text the list's cells may show but numbers: each partner's names
        (those of other years too), the kinds and the statuses."""
        actors = catalog.actors_by_code
        texts = [*KIND_LABELS.values(), *_STATUS_TEXTS.values(), NO_VALUE]
        for code in self._partners:
            actor = actors.get(code)
            if actor is None:
                texts.append(code)
            else:
                texts += [actor.name, *(other.name for other in actor.other_names)]
        return texts

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.model.refresh_colours()

    def flush(self) -> None:
        """Write the rows out of view and re-sort now, if the year has not settled yet."""
        if self._resort_timer.isActive():
            self._resort_timer.stop()
            self._settle()

    def visible_rows(self) -> list[PartnerRow]:
        """The rows the list shows, in the order shown (after search and sort)."""
        rows = self.model.rows
        return [
            rows[self.proxy.mapToSource(self.proxy.index(number, 0)).row()]
            for number in range(self.proxy.rowCount())
        ]

    def prepare_year(self, year: int, side: ViewSide) -> None:
        """Build the rows of ``year`` at ``side`` ahead of showing them, with their cells
        when the model has room for them (see afgui.ui.prefetch)."""
        rows, built_now = self._rows_at(year, side)
        if built_now:
            self.model.prepare(rows)

    def _rows_at(self, year: int, side: ViewSide) -> tuple[list[PartnerRow], bool]:
        """The rows of ``year`` at ``side``, and whether they were built by this call."""
        cells = self._relations.values_at(year, side)
        # A year's rows are built once: a drag or a play goes over the same years again.
        # The service gives the same mapping for a year and side while it has them.
        built = self._built.get((year, side))
        if built is not None and built[0] is cells:
            return built[1], False
        if len(self._built) >= _BUILT_YEARS:
            self._built.clear()
        rows = build_rows(
            self._partners, cells, self._catalog, self._fact_counts, year, self.model.rows
        )
        self._built[year, side] = (cells, rows)
        return rows, True

    def _refresh(self, *_: object) -> None:
        rows = self._rows_at(self._state.year, self._state.side)[0]
        # Only the rows in view are written (and their cells worked out) now: with 250
        # partners ~180 rows change per year, at a dozen roles each, but ~10 are on
        # screen. The others are written once the year settles, or as soon as they may
        # come into view; working out every row's cells ahead is the prefetch's.
        self.model.set_rows(rows, now=self._rows_in_view())
        # Rows keep their places while the year moves and re-sort once it settles: that
        # reads better than rows jumping on every frame of a drag, and keeps it cheap.
        self._resort_timer.start()

    def _settle(self) -> None:
        self.model.write_pending()
        self.proxy.resort()

    def _write_pending(self, *_: object) -> None:
        self.model.write_pending()

    def _rows_in_view(self) -> list[int]:
        """The model's numbers of the rows the view shows (before a re-sort moves them)."""
        shown = self.proxy.rowCount()
        first = self.view.rowAt(0)
        if first < 0:
            return list(range(self.model.rowCount())) if shown else []
        last = self.view.rowAt(self.view.viewport().height() - 1)
        last = shown - 1 if last < 0 else last
        return [
            self.proxy.mapToSource(self.proxy.index(number, 0)).row()
            for number in range(first, last + 1)
        ]

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
