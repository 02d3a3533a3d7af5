"""The partner list: its item model and proxy, search, sort and selection in step."""

from __future__ import annotations

import dataclasses
import random
import sys
from types import FrameType

import pytest
from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QIcon
from PySide6.QtWidgets import QApplication
from sqlalchemy import Engine

from afgui.domain.model import ActorName
from afgui.domain.vocab import ActorKind
from afgui.services.measures import ViewSide
from afgui.ui import partner_list as partner_list_module
from afgui.ui import theme
from afgui.ui.partner_list import (
    CODE_ROLE,
    NO_VALUE,
    SORT_ROLE,
    PartnerFilterProxy,
    PartnerList,
    PartnerRow,
    PartnerTableModel,
    sort_key,
    strength_text,
)
from tests.window_support import make_state, services

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

ROWS = [
    PartnerRow("PAK", "Pakistan", ActorKind.STATE, 5.4, "recognition", 3),
    PartnerRow("UN", "United Nations", ActorKind.ORGANISATION, None, "", 2),
    PartnerRow("SUN", "Soviet Union", ActorKind.STATE, -7.0, "hostilities", 4, exists=False),
    PartnerRow("JPN", "Japan", ActorKind.STATE, 5.4, "relations", 1),
    PartnerRow("IRN", "Persia", ActorKind.STATE, None, "", 1),
]


def shown_codes(proxy: PartnerFilterProxy) -> list[str]:
    return [proxy.index(row, 0).data(CODE_ROLE) for row in range(proxy.rowCount())]


@pytest.fixture
def proxy(qapp) -> PartnerFilterProxy:
    model = PartnerTableModel()
    model.set_rows(ROWS)
    proxy = PartnerFilterProxy()
    proxy.setSourceModel(model)
    return proxy


def test_models_pass_the_model_tester(qtmodeltester, proxy: PartnerFilterProxy) -> None:
    qtmodeltester.check(proxy.sourceModel())
    proxy.sort(PartnerTableModel.STRENGTH, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy)


def test_cells_show_text_colour_and_tooltips(proxy: PartnerFilterProxy) -> None:
    model = proxy.sourceModel()
    assert model.rowCount() == 5 and model.columnCount() == 5
    assert model.index(0, PartnerTableModel.STRENGTH).data() == "+5.4"
    assert model.index(2, PartnerTableModel.STRENGTH).data() == "−7"
    assert model.index(1, PartnerTableModel.STRENGTH).data() == NO_VALUE
    assert model.index(1, PartnerTableModel.KIND).data() == "org."
    assert model.index(1, PartnerTableModel.STATUS).data() == NO_VALUE
    assert model.index(0, PartnerTableModel.FACTS).data() == "3"
    assert model.index(0, PartnerTableModel.STRENGTH).data(Qt.ItemDataRole.DecorationRole)
    assert "did not exist" in model.index(2, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Strength"


def test_unknown_strength_sorts_last_both_ways(proxy: PartnerFilterProxy) -> None:
    proxy.sort(PartnerTableModel.STRENGTH, Qt.SortOrder.DescendingOrder)
    assert shown_codes(proxy) == ["JPN", "PAK", "SUN", "IRN", "UN"]
    proxy.sort(PartnerTableModel.STRENGTH, Qt.SortOrder.AscendingOrder)
    assert shown_codes(proxy) == ["SUN", "JPN", "PAK", "IRN", "UN"]
    proxy.sort(PartnerTableModel.NAME, Qt.SortOrder.AscendingOrder)
    assert shown_codes(proxy) == ["JPN", "PAK", "IRN", "SUN", "UN"]
    proxy.sort(PartnerTableModel.FACTS, Qt.SortOrder.DescendingOrder)
    assert shown_codes(proxy)[0] == "SUN"


def test_new_values_update_in_place_and_resort_on_request(proxy: PartnerFilterProxy) -> None:
    model = proxy.sourceModel()
    proxy.sort(PartnerTableModel.STRENGTH, Qt.SortOrder.DescendingOrder)
    changed = []
    model.dataChanged.connect(lambda top, bottom, roles: changed.append((top.row(), bottom.row())))
    resets = []
    model.modelReset.connect(lambda: resets.append(True))
    rows = list(ROWS)
    rows[2] = PartnerRow("SUN", "Soviet Union", ActorKind.STATE, 9.0, "relations", 4)
    model.set_rows(rows)
    assert changed == [(2, 2)] and resets == []
    assert shown_codes(proxy)[0] != "SUN"  # not yet: the order is kept until a resort
    proxy.resort()
    assert shown_codes(proxy)[0] == "SUN"
    model.set_rows(rows[:3])
    assert resets == [True]
    assert model.rowCount() == 3 and len(shown_codes(proxy)) == 3


def test_search_filters_by_name_or_code(proxy: PartnerFilterProxy) -> None:
    proxy.set_search("united")
    assert shown_codes(proxy) == ["UN"]
    proxy.set_search("sun")
    assert shown_codes(proxy) == ["SUN"]
    proxy.set_search("  ")
    assert len(shown_codes(proxy)) == 5


@pytest.fixture
def partner_list(qtbot, fixture_engine: Engine) -> PartnerList:
    catalog, relations = services(fixture_engine)
    state = make_state(relations, year=1997, side=ViewSide.TALIBAN)
    widget = PartnerList(state, catalog, relations)
    qtbot.addWidget(widget)
    widget.resize(480, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_lists_every_partner_with_values_at_the_year(partner_list: PartnerList) -> None:
    rows = partner_list.visible_rows()
    assert {row.code for row in rows} == {"IRN", "JPN", "PAK", "RUS", "SUN"}
    assert rows[0].code == "PAK" and rows[0].value is not None and rows[0].value > 0
    assert rows[0].status == "recognition"
    assert all(row.value is None for row in rows[1:])
    assert next(row for row in rows if row.code == "SUN").exists is False


def test_year_and_side_update_the_values(partner_list: PartnerList) -> None:
    state = partner_list._state
    before = {row.code: row.value for row in partner_list.visible_rows()}
    state.set_year(2002)
    after = {row.code: row.value for row in partner_list.visible_rows()}
    assert after["PAK"] is not None and after["PAK"] < before["PAK"]
    state.set_side("government")
    values = {row.code: row.value for row in partner_list.visible_rows()}
    assert values["PAK"] is None and values["JPN"] is not None
    partner_list.flush()
    assert partner_list.visible_rows()[0].code == "JPN"


def test_selecting_a_row_selects_the_partner(qtbot, partner_list: PartnerList) -> None:
    state = partner_list._state
    view = partner_list.view
    row = next(
        number
        for number in range(partner_list.proxy.rowCount())
        if partner_list.proxy.index(number, 0).data(CODE_ROLE) == "RUS"
    )
    rect = view.visualRect(partner_list.proxy.index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert state.selection == "RUS"


def test_selection_elsewhere_selects_the_row(partner_list: PartnerList) -> None:
    state = partner_list._state
    state.select("JPN")
    selected = partner_list.view.selectionModel().selectedRows()
    assert [index.data(CODE_ROLE) for index in selected] == ["JPN"]
    state.set_year(2010)  # the selection survives a year change
    selected = partner_list.view.selectionModel().selectedRows()
    assert [index.data(CODE_ROLE) for index in selected] == ["JPN"]
    state.select("")
    assert partner_list.view.selectionModel().selectedRows() == []
    assert state.selection == ""


def test_a_selection_leaves_the_header_alone_and_a_click_on_it_still_sorts(
    qtbot, partner_list: PartnerList
) -> None:
    """The header shows no selection, so a selected row does not repaint it; clicking
    a column's section sorts by that column."""
    header = partner_list.view.horizontalHeader()
    paints: list[QEvent.Type] = []

    class PaintWatch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                paints.append(event.type())
            return False

    watch = PaintWatch()
    header.viewport().installEventFilter(watch)
    for code in ("JPN", "RUS", "PAK"):
        partner_list._state.select(code)
        QApplication.sendPostedEvents()
        QApplication.processEvents()
        assert [i.data(CODE_ROLE) for i in partner_list.view.selectionModel().selectedRows()] == [
            code
        ]
    assert paints == []
    facts = PartnerTableModel.FACTS
    header.viewport().update()  # the header can still paint
    QApplication.processEvents()
    assert paints
    position = header.sectionViewportPosition(facts) + header.sectionSize(facts) // 2
    orders = []
    for _ in range(2):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(position, 5))
        assert header.sortIndicatorSection() == facts
        proxy = partner_list.proxy
        counts = [
            int(str(proxy.index(row, facts).data(Qt.ItemDataRole.DisplayRole)).replace(",", ""))
            for row in range(proxy.rowCount())
        ]
        ascending = header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
        assert counts == sorted(counts, reverse=not ascending)
        orders.append(ascending)
    assert orders[0] != orders[1]  # a second click sorts the other way


def test_search_box_filters_the_view(qtbot, partner_list: PartnerList) -> None:
    qtbot.keyClicks(partner_list.search, "jap")
    assert [row.code for row in partner_list.visible_rows()] == ["JPN"]
    partner_list.view.selectionModel().select(
        partner_list.proxy.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert partner_list._state.selection == "JPN"


def _roles(model: PartnerTableModel, row: int) -> list[dict[int, object]]:
    """Every role of the row's cells; icons by their cache key (each read is a copy)."""
    return [
        {
            role: value.cacheKey() if isinstance(value, QIcon) else value
            for role, value in model.itemData(model.index(row, column)).items()
        }
        for column in range(model.columnCount())
    ]


def test_cells_hold_their_roles_in_qt(proxy: PartnerFilterProxy) -> None:
    """The model overrides nothing a view calls to paint: Qt answers from its items."""
    for name in ("data", "flags", "headerData", "rowCount", "columnCount", "index", "parent"):
        assert name not in PartnerTableModel.__dict__, name
    model = proxy.sourceModel()
    assert model.flags(model.index(0, 0)) == (
        Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    )
    assert model.flags(model.index(-1, -1)) == Qt.ItemFlag.NoItemFlags
    assert model.index(0, 0).data(SORT_ROLE) == "pakistan"
    assert model.index(1, PartnerTableModel.STRENGTH).data(SORT_ROLE) is None
    assert model.index(0, PartnerTableModel.FACTS).data(SORT_ROLE) == 3
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert model.index(0, PartnerTableModel.FACTS).data(Qt.ItemDataRole.TextAlignmentRole) == (
        int(right)
    )
    assert model.index(0, PartnerTableModel.NAME).data(Qt.ItemDataRole.TextAlignmentRole) is None
    # Faint: a partner that did not exist, and an unknown strength and status.
    assert model.index(2, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(1, PartnerTableModel.STATUS).data(Qt.ItemDataRole.ForegroundRole)
    assert model.index(1, 0).data(Qt.ItemDataRole.DecorationRole) is None
    assert model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(0, Qt.Orientation.Vertical) is None


def test_a_new_value_rewrites_only_its_cells(proxy: PartnerFilterProxy) -> None:
    model = proxy.sourceModel()
    before = [_roles(model, row) for row in range(len(ROWS))]
    rows = list(ROWS)
    rows[0] = PartnerRow("PAK", "Pakistan", ActorKind.STATE, -2.0, "recognition", 3)
    model.set_rows(rows)
    after = [_roles(model, row) for row in range(len(ROWS))]
    assert after[1:] == before[1:]
    strength = PartnerTableModel.STRENGTH
    assert after[0][strength][Qt.ItemDataRole.DisplayRole] == "−2"
    assert after[0][strength][SORT_ROLE] == -2.0
    assert (
        after[0][strength][Qt.ItemDataRole.DecorationRole]
        is not (before[0][strength][Qt.ItemDataRole.DecorationRole])
    )
    assert "strength −2" in after[0][0][Qt.ItemDataRole.ToolTipRole]
    assert after[0][PartnerTableModel.STATUS] == before[0][PartnerTableModel.STATUS] | {
        Qt.ItemDataRole.ToolTipRole: after[0][0][Qt.ItemDataRole.ToolTipRole]
    }
    # Unknown again: the swatch stays (grey), the strength and status turn faint.
    rows[0] = PartnerRow("PAK", "Pakistan", ActorKind.STATE, None, "", 3)
    model.set_rows(rows)
    assert model.index(0, strength).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    model.set_rows(ROWS)
    assert _roles(model, 0) == before[0]


def test_rows_out_of_view_are_written_later(proxy: PartnerFilterProxy) -> None:
    model = proxy.sourceModel()
    changed = []
    model.dataChanged.connect(lambda top, bottom, roles: changed.append((top.row(), bottom.row())))
    rows = list(ROWS)
    rows[0] = PartnerRow("PAK", "Pakistan", ActorKind.STATE, 1.0, "recognition", 3)
    rows[3] = PartnerRow("JPN", "Japan", ActorKind.STATE, 2.0, "relations", 1)
    model.set_rows(rows, now=[0, 1])
    assert model.rows == tuple(rows)
    assert changed == [(0, 0)]
    assert model.index(0, PartnerTableModel.STRENGTH).data() == "+1"
    assert model.index(3, PartnerTableModel.STRENGTH).data() == "+5.4"  # not yet
    model.write_pending([2])
    assert changed == [(0, 0)]
    model.write_pending()
    assert changed == [(0, 0), (3, 3)]
    assert model.index(3, PartnerTableModel.STRENGTH).data() == "+2"


def test_colours_follow_the_theme(monkeypatch, proxy: PartnerFilterProxy) -> None:
    model = proxy.sourceModel()
    swatch = _roles(model, 0)[PartnerTableModel.STRENGTH][Qt.ItemDataRole.DecorationRole]
    changed = []
    model.dataChanged.connect(lambda top, bottom, roles: changed.append((top.row(), bottom.row())))
    monkeypatch.setattr(theme, "FAINT_INK", QColor("#123456"))
    model.refresh_colours()
    assert changed == [(0, len(ROWS) - 1)]
    assert model.index(2, 0).data(Qt.ItemDataRole.ForegroundRole) == QColor("#123456")
    assert (
        model.index(0, PartnerTableModel.STRENGTH).data(Qt.ItemDataRole.DecorationRole)
        is not swatch
    )


def test_painting_calls_no_python_of_the_list(partner_list: PartnerList) -> None:
    called: list[str] = []

    def watch(frame: FrameType, event: str, arg: object) -> None:
        if event == "call" and frame.f_code.co_filename == partner_list_module.__file__:
            called.append(frame.f_code.co_name)

    viewport = partner_list.view.viewport()
    sys.setprofile(watch)
    try:
        viewport.repaint()
        partner_list.view.horizontalHeader().viewport().repaint()
    finally:
        sys.setprofile(None)
    assert called == []


def test_a_year_change_writes_the_rows_in_view_then_all(partner_list: PartnerList) -> None:
    partner_list.resize(480, 120)  # a few rows in view
    model = partner_list.model

    def stale() -> list[str]:
        return [
            row.code
            for number, row in enumerate(model.rows)
            if model.index(number, PartnerTableModel.STRENGTH).data() != strength_text(row.value)
        ]

    partner_list._state.set_year(2010)
    in_view = {model.row_at(number).code for number in partner_list._rows_in_view()}
    assert in_view and not in_view & set(stale())
    partner_list.flush()
    assert stale() == []
    partner_list._state.set_year(1980)
    partner_list.view.scrollToBottom()  # what comes into view is written first
    assert stale() == []


def row_less(left: PartnerRow, right: PartnerRow, column: int, descending: bool) -> bool:
    """The list's order as a comparison of two rows, as Qt's sort calls it (descending by
    swapping the arguments): unknown values last, ties by name A to Z."""
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


class _ComparingProxy(PartnerFilterProxy):
    """Qt's own sort comparing two rows (row_less) at each step: the reference."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        QSortFilterProxyModel.sort(self, column, order)

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, PartnerTableModel)
        descending = self.sortOrder() == Qt.SortOrder.DescendingOrder
        return row_less(
            model.row_at(left.row()), model.row_at(right.row()), left.column(), descending
        )


@pytest.mark.parametrize("seed", range(12))
def test_sorting_by_places_gives_the_order_of_comparing_rows(qapp, seed: int) -> None:
    """PartnerFilterProxy sorts by places worked out first (sorted_rows); Qt's sort with
    a comparison of rows at each step (row_less) gives the same order: every column,
    both ways, with unknown values, equal values and names equal but for case, from an
    earlier order, under a search, and after new values (resort)."""
    rng = random.Random(seed)
    names = ["Pakistan", "pakistan", "India", "Iran", "Japan", "Union", "Zambia"]
    rows = [
        PartnerRow(
            f"C{i}",
            rng.choice(names),
            rng.choice(list(ActorKind)),
            rng.choice([None, -7.0, 0.0, 1.5, 5.4, 9.0]),
            rng.choice(["", "relations", "recognition", "hostilities"]),
            rng.randint(0, 3),
        )
        for i in range(rng.randint(0, 40))
    ]
    proxies = []
    for kind in (PartnerFilterProxy, _ComparingProxy):
        model = PartnerTableModel()
        model.set_rows(rows)
        proxy = kind()
        proxy.setSourceModel(model)
        proxies.append(proxy)
    for _ in range(6):
        search = rng.choice(["", "", "an", "pak"])
        column = rng.randrange(len(PartnerTableModel.HEADERS))
        order = rng.choice([Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
        for proxy in proxies:
            proxy.set_search(search)
            proxy.sort(column, order)
        assert shown_codes(proxies[0]) == shown_codes(proxies[1])
        # New values, then a resort where the order broke.
        changed = [
            PartnerRow(r.code, r.name, r.kind, rng.choice([r.value, None, 2.5]), r.status, r.facts)
            for r in rows
        ]
        for proxy in proxies:
            model = proxy.sourceModel()
            assert isinstance(model, PartnerTableModel)
            model.set_rows(changed)
            proxy.resort() if proxy is proxies[0] else proxy.sort(column, order)
        assert shown_codes(proxies[0]) == shown_codes(proxies[1])
        rows = changed


def test_the_facts_column_holds_the_largest_count(
    qtbot, monkeypatch: pytest.MonkeyPatch, fixture_engine: Engine
) -> None:
    """A large database's counts run to six digits: none is cut ("265…")."""
    catalog, relations = services(fixture_engine)
    counts = dict.fromkeys(relations.partners(), 7) | {"PAK": 264_152}
    monkeypatch.setattr(catalog, "fact_counts", lambda: counts)
    widget = PartnerList(make_state(relations, year=1997), catalog, relations)
    qtbot.addWidget(widget)
    widget.resize(420, 400)
    widget.show()
    qtbot.waitExposed(widget)
    column = widget.view.horizontalHeader().sectionSize(PartnerTableModel.FACTS)
    text = widget.view.fontMetrics().horizontalAdvance("264152")
    assert column >= text + 8  # the cell's margins
    widget.proxy.sort(PartnerTableModel.FACTS, Qt.SortOrder.DescendingOrder)
    assert widget.proxy.index(0, PartnerTableModel.FACTS).data() == "264152"


@pytest.mark.parametrize(
    ("text", "needed"),
    [
        ("Pakistan", False),
        ("Soviet Union · −0.9 — embassy closed", False),
        ("Côte d’Ivoire", False),
        ("Ελλάδα", False),
        ("Россия", False),
        ("طالبان", True),  # Pashto and Dari: Arabic script, its letters joined
        ("افغانستان", True),
        ("भारत", True),
        ("कख", True),  # letters of another script, even without marks
        ("עברית", True),
        ("Cote\u0301", True),  # a combining accent
        ("\u06a9\u0627\u0628\u0644", True),  # Kabul in Dari
        ("Ali\u200dx", True),  # a zero-width joiner
        ("\U0001f1e6\U0001f1eb", True),  # a flag: two letters made one
        ("☐ Kabul – Tashkent ‘…’", False),
    ],
)
def test_shaping_is_needed_beyond_latin_greek_and_cyrillic(text: str, needed: bool) -> None:
    assert theme.shaping_needed(text) is needed


def test_the_list_is_set_without_shaping_unless_a_name_needs_it(
    qtbot, monkeypatch: pytest.MonkeyPatch, fixture_engine: Engine
) -> None:
    """The curated names are Latin: the list's cells skip shaping, in the app's font and
    size. A name in Dari (another database, or another year's name) keeps it on."""
    catalog, relations = services(fixture_engine)
    plain = PartnerList(make_state(relations, year=1997), catalog, relations)
    qtbot.addWidget(plain)
    font = plain.view.font()
    assert font.styleStrategy() == QFont.StyleStrategy.PreferNoShaping
    assert font.family() == plain.font().family()
    assert font.pointSizeF() == plain.font().pointSizeF()

    actors = dict(catalog.actors_by_code)
    actors["PAK"] = dataclasses.replace(
        actors["PAK"], other_names=(ActorName("پاکستان", start_year=1947),)
    )
    monkeypatch.setattr(catalog, "actors_by_code", actors)
    dari = PartnerList(make_state(relations, year=1997), catalog, relations)
    qtbot.addWidget(dari)
    assert dari.view.font().styleStrategy() != QFont.StyleStrategy.PreferNoShaping
