"""The partner list: its item model and proxy, search, sort and selection in step."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from sqlalchemy import Engine

from afgui.domain.vocab import ActorKind
from afgui.services.measures import ViewSide
from afgui.ui.partner_list import (
    CODE_ROLE,
    NO_VALUE,
    PartnerFilterProxy,
    PartnerList,
    PartnerRow,
    PartnerTableModel,
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


def test_search_box_filters_the_view(qtbot, partner_list: PartnerList) -> None:
    qtbot.keyClicks(partner_list.search, "jap")
    assert [row.code for row in partner_list.visible_rows()] == ["JPN"]
    partner_list.view.selectionModel().select(
        partner_list.proxy.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert partner_list._state.selection == "JPN"
