"""The main window: map, list, detail, slider and charts all follow one year, one
selected partner and one Afghan side."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from sqlalchemy import Engine

from afgui.domain.model import Actor
from afgui.domain.vocab import ActorKind
from afgui.services.measures import ViewSide
from afgui.ui import palette
from afgui.ui.main_window import MainWindow
from afgui.ui.map_panel import ShapeAssignment
from afgui.ui.partner_list import CODE_ROLE, PartnerTableModel
from afgui.ui.report import window_report
from tests.window_support import make_window

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


@pytest.fixture
def window(qtbot, fixture_engine: Engine) -> MainWindow:
    return make_window(qtbot, fixture_engine, year=1985, side=ViewSide.GOVERNMENT)


def fill_of(window: MainWindow, shape: str) -> str:
    drawn = {item.actor: item for item in window.map_panel.drawn()}
    return drawn[window.map_panel.actor_at_shape(shape)].colour


def list_value(window: MainWindow, code: str) -> float | None:
    return next(row.value for row in window.partner_list.visible_rows() if row.code == code)


def drag_slider(qtbot, window: MainWindow, start: int, end: int) -> None:
    slider = window.time_controls.slider
    y = round(slider.track_rect().center().y())
    qtbot.mousePress(
        slider, Qt.MouseButton.LeftButton, pos=QPoint(round(slider.x_of(start + 0.5)), y)
    )
    step = 1 if end >= start else -1
    for year in range(start, end + step, step):
        qtbot.mouseMove(slider, QPoint(round(slider.x_of(year + 0.5)), y))
    qtbot.mouseRelease(
        slider, Qt.MouseButton.LeftButton, pos=QPoint(round(slider.x_of(end + 0.5)), y)
    )


def test_historic_states_are_drawn_by_their_successors_shapes() -> None:
    actors = [
        Actor("SUN", "Soviet Union", ActorKind.STATE, 1922, 1991, map_shapes=("RU", "UZ", "TJ")),
        Actor("RUS", "Russia", ActorKind.STATE, 1992, map_shapes=("RU",)),
        Actor("UZB", "Uzbekistan", ActorKind.STATE, 1991, map_shapes=("UZ",)),
        Actor("PAK", "Pakistan", ActorKind.STATE, 1947, map_shapes=("PK",)),
        Actor("UN", "United Nations", ActorKind.ORGANISATION, 1945),
    ]
    assignment = ShapeAssignment(actors, drawable={"RU", "UZ", "TJ", "PK"})
    assert assignment.at(1985) == {"RU": "SUN", "UZ": "SUN", "TJ": "SUN", "PK": "PAK"}
    # In the year of dissolution the union is still drawn whole.
    assert assignment.at(1991)["UZ"] == "SUN"
    assert assignment.at(1995) == {"RU": "RUS", "UZ": "UZB", "PK": "PAK"}
    assert assignment.at(1930) == {"RU": "SUN", "UZ": "SUN", "TJ": "SUN"}
    assert assignment.at(1985) is assignment.at(1986)  # cached per set of existing actors
    assert assignment.shapes_of("SUN", 1985) == ["RU", "UZ", "TJ"]


def test_map_shows_the_year_side_and_afghanistan(window: MainWindow) -> None:
    panel = window.map_panel
    assert panel.actor_at_shape("UZ") == "SUN"
    assert fill_of(window, "RU") == palette.strength_colour(list_value(window, "SUN")).name()
    assert fill_of(window, "PK") == palette.NO_DATA.name()
    assert panel.actor_at_shape("AF") == "AFG"
    assert "AF" in panel.map._marked
    assert "Soviet Union" in (panel.tooltip_for("UZ") or "")
    assert "strength" in (panel.tooltip_for("RU") or "")
    assert "no data" in (panel.tooltip_for("BR") or "")
    assert panel.title.text() == "Relations in 1985 · Kabul government"


def test_dragging_the_slider_changes_map_list_and_detail(qtbot, window: MainWindow) -> None:
    window.state.select("SUN")
    map_before = fill_of(window, "RU")
    list_before = list_value(window, "SUN")
    detail_before = window.detail.plain_text()
    drag_slider(qtbot, window, 1985, 1980)
    assert window.state.year == 1980
    assert window.time_controls.year_box.value() == 1980
    assert list_value(window, "SUN") != list_before
    assert fill_of(window, "RU") != map_before
    assert fill_of(window, "RU") == palette.strength_colour(list_value(window, "SUN")).name()
    assert window.detail.plain_text() != detail_before
    assert "in 1980" in window.detail.plain_text()
    # Past 1991 the shapes belong to Russia, which has no data on this side yet.
    drag_slider(qtbot, window, 1980, 1993)
    assert window.map_panel.actor_at_shape("RU") == "RUS"
    assert window.map_panel.actor_at_shape("UZ") == ""


def test_clicking_a_country_selects_it_everywhere(qtbot, window: MainWindow) -> None:
    world = window.map_panel.map
    world.settle()
    point = world.country_point("PK").toPoint()
    assert world.country_at(point) == "PK"
    qtbot.mouseClick(world, Qt.MouseButton.LeftButton, pos=point)
    assert window.state.selection == "PAK"
    selected = window.partner_list.view.selectionModel().selectedRows()
    assert [index.data(CODE_ROLE) for index in selected] == ["PAK"]
    assert window.detail.plain_text().startswith("Pakistan")
    assert world._selected == frozenset({"PK"})
    assert window.charts.title.text() == "Pakistan over time"
    # Afghanistan itself is not a partner: clicking it changes nothing.
    qtbot.mouseClick(world, Qt.MouseButton.LeftButton, pos=world.country_point("AF").toPoint())
    assert window.state.selection == "PAK"


def test_selecting_a_historic_state_outlines_all_its_shapes(window: MainWindow) -> None:
    window.state.select("SUN")
    assert window.map_panel.map._selected == frozenset({"RU", "UZ", "TJ", "TM"})
    window.state.set_year(2000)
    assert window.map_panel.map._selected == frozenset()


def test_keys_and_play_move_the_year(qtbot, window: MainWindow) -> None:
    slider = window.time_controls.slider
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert window.state.year == 1986
    qtbot.keyClick(slider, Qt.Key.Key_PageUp)
    assert window.state.year == 1996
    assert window.map_panel.title.text().startswith("Relations in 1996")
    window.time_controls.speed_box.setCurrentIndex(window.time_controls.speed_box.count() - 1)
    window.time_controls.play()
    qtbot.waitUntil(lambda: window.state.year >= 1998, timeout=5000)
    window.time_controls.pause()
    assert window.charts.cursor_year() == window.state.year
    assert window.partner_list.visible_rows()  # the list is still there


def test_chart_cursor_and_slider_stay_in_step(qtbot, window: MainWindow) -> None:
    window.state.select("SUN")
    window.state.set_year(1988)
    assert window.charts.cursor_year() == 1988
    window.charts.year_cursor.drag_to(1981.5)  # as a drag of the cursor does
    assert window.state.year == 1981
    assert window.time_controls.slider.value() == 1981
    assert window.time_controls.year_box.value() == 1981


def test_side_switch_changes_every_view(qtbot, window: MainWindow) -> None:
    window.state.set_year(1997)
    window.state.select("PAK")
    assert list_value(window, "PAK") is None
    assert fill_of(window, "PK") == palette.NO_DATA.name()
    qtbot.mouseClick(window.side_switch.buttons[ViewSide.TALIBAN], Qt.MouseButton.LeftButton)
    assert window.state.side is ViewSide.TALIBAN
    value = list_value(window, "PAK")
    assert value is not None and value > 0
    assert fill_of(window, "PK") == palette.strength_colour(value).name()
    assert "Viewing: Taliban" in window.detail.plain_text()
    assert "Status: recognition" in window.detail.plain_text()
    assert window.charts.pen_of(ViewSide.TALIBAN).widthF() > 2
    window.state.set_side("both")
    assert window.side_switch.buttons[ViewSide.BOTH].isChecked()


def test_report_says_what_the_window_shows(qtbot, window: MainWindow) -> None:
    window.state.set_side("taliban")
    window.state.set_year(1997)
    window.state.select("PAK")
    window.detail.flush()
    window.partner_list.flush()
    report = window_report(window)
    json.dumps(report)  # plain JSON values only
    assert (report["year"], report["side"], report["selection"]) == (1997, "taliban", "PAK")
    drawn = {item["actor"]: item for item in report["map"]}
    assert drawn["PAK"]["status"] == "recognition"
    assert drawn["PAK"]["colour"] == palette.strength_colour(drawn["PAK"]["value"]).name()
    assert drawn["SAU"]["value"] is None and drawn["SAU"]["colour"] == palette.NO_DATA.name()
    assert "SUN" not in drawn and "RUS" in drawn and "UN" not in drawn
    assert report["list"][0]["actor"] == "PAK"
    assert [row["actor"] for row in report["list"]] == [
        row.code for row in window.partner_list.visible_rows()
    ]
    assert report["detail_text"].startswith("Pakistan")


@pytest.mark.parametrize("selection", ["", "PAK"])
def test_the_charts_keep_their_share_when_they_are_built_after_the_first_paint(
    qtbot, fixture_engine: Engine, selection: str
) -> None:
    """The charts replace a one-line placeholder after the first paint; the splitters'
    balance (map 58 %, charts 42 %) holds before and after."""
    window = make_window(qtbot, fixture_engine, year=1990, selection=selection, size=(1440, 900))
    before = window.centre_splitter.sizes()
    assert before[1] / sum(before) == pytest.approx(0.42, abs=0.02)
    qtbot.waitUntil(lambda: window.charts_built)
    assert window.centre_splitter.sizes() == before


def test_the_cards_are_not_painted_under_what_a_year_change_alters(
    qtbot, fixture_engine: Engine
) -> None:
    """What a year change alters on a card (the map's title, the detail's header, the
    year controls) fills its own background in the card's colour, so Qt does not paint
    the card, in Python, under it again."""
    from PySide6.QtCore import QEvent, QObject, QRect
    from PySide6.QtWidgets import QApplication, QWidget

    from afgui.ui.main_window import Card

    window = make_window(qtbot, fixture_engine, year=1990, selection="PAK", size=(1440, 900))
    qtbot.waitUntil(lambda: window.charts_built and not window.detail.body_pending)
    qtbot.wait(50)
    painted: list[QRect] = []  # in the window's coordinates

    class Counter(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget):
                for rect in event.region():
                    painted.append(rect.translated(watched.mapTo(window, QPoint(0, 0))))
            return False

    counter = Counter()
    cards = window.findChildren(Card)
    assert len(cards) == 5
    for card in cards:
        card.installEventFilter(counter)
    filled: list[QWidget] = [
        window.map_panel.title,
        window.detail.header,
        window.time_controls.slider,
        window.time_controls.year_box,
    ]
    areas = [
        QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size()) for widget in filled
    ]
    for year in (1991, 1979, 2001):
        window.state.set_year(year)
        for _ in range(3):
            QApplication.sendPostedEvents()
            QApplication.processEvents()
        assert window.map_panel.title.text().startswith(f"Relations in {year}")
    assert not [(rect, area) for rect in painted for area in areas if rect.intersects(area)]
    painted.clear()
    window.update()  # a whole repaint does paint the cards (around them)
    qtbot.waitUntil(lambda: len(painted) >= len(cards))


def _ink(widget: QWidget) -> int:
    """How many of ``widget``'s pixels differ from its top-left one, as painted now."""
    image = widget.grab().toImage()
    background = image.pixel(0, 0)
    return sum(
        image.pixel(x, y) != background for y in range(image.height()) for x in range(image.width())
    )


def test_a_narrow_window_leaves_the_partner_list_room_for_every_column(
    qtbot, fixture_engine: Engine
) -> None:
    """At 1024 px the map's header drops its hint rather than hold the map's column wide
    (it held it at 683 px, and the list beside it cut its Status and Facts columns):
    the right column gets its 440 px and the list shows every column whole. With room,
    the hint is shown whole."""
    window = make_window(qtbot, fixture_engine, year=1997, selection="PAK", size=(1024, 700))
    qtbot.waitUntil(lambda: window.splitter.sizes()[1] >= 440)
    view = window.partner_list.view
    header = view.horizontalHeader()
    assert not any(header.isSectionHidden(column) for column in range(header.count()))
    assert header.length() <= view.viewport().width()
    name = header.sectionSize(PartnerTableModel.NAME)
    assert name >= view.fontMetrics().horizontalAdvance("United States")
    hint = window.map_panel._hint
    assert 0 < hint.width() < hint.sizeHint().width()
    assert _ink(hint) == 0  # not cut: not shown
    window.resize(1440, 900)
    qtbot.waitUntil(lambda: hint.width() >= hint.sizeHint().width())
    assert _ink(hint) > 0
