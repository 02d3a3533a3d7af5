"""The charts: strength per Afghan side and aid over time, with a year cursor in step."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QGraphicsRectItem, QToolTip
from sqlalchemy import Engine

from afgui.domain.model import Government
from afgui.domain.vocab import AfghanSide, AmountKind
from afgui.services.catalog import Catalog
from afgui.services.fact_index import AidColumns
from afgui.services.measures import ViewSide
from afgui.ui import theme
from afgui.ui.charts import AID_HEADROOM, LINE_SIDES, ChartsView, _shade_colour, aid_axis_top
from tests.window_support import make_state, services

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


@pytest.fixture
def charts(qtbot, fixture_engine: Engine) -> ChartsView:
    catalog, relations = services(fixture_engine)
    state = make_state(relations, year=1997, side=ViewSide.TALIBAN)
    widget = ChartsView(state, catalog, relations)
    qtbot.addWidget(widget)
    widget.resize(800, 320)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def finite(values: object) -> list[float]:
    return [float(v) for v in values if v is not None and not math.isnan(v)]  # type: ignore[attr-defined]


def test_selection_draws_one_line_per_side_and_the_aid(charts: ChartsView) -> None:
    relations = charts._relations
    assert all(
        len(finite(line.yData if line.yData is not None else [])) == 0
        for line in charts.lines.values()
    )
    assert charts.placeholder.isVisible()
    charts._state.select("JPN")
    assert not charts.placeholder.isVisible()
    for side in LINE_SIDES:
        _, expected = relations.series("JPN", side)
        assert finite(charts.lines[side].yData) == pytest.approx(finite(expected))
    heights = {kind: list(bar.opts["height"]) for kind, bar in charts.bars.items()}
    assert sorted(h for values in heights.values() for h in values) == [1000.0, 2000.0]
    assert charts.title.text() == "Japan over time"
    # The aid kinds are keyed under the aid plot, the lines in the header.
    assert [name for name, _ in charts.aid_key()] == ["pledge", "cumulative total"]
    assert "pledge" not in charts.legend.text()


def test_the_aid_key_shows_the_kinds_in_a_row_under_the_aid_plot(qtbot, charts: ChartsView) -> None:
    charts._state.select("JPN")
    qtbot.waitUntil(lambda: len(charts.aid_key()) == 2, timeout=2000)
    QApplication.processEvents()
    entries = [rect for _, rect in charts.aid_key()]
    plot = charts.graphics.mapFromScene(
        charts.aid_plot.getViewBox().sceneBoundingRect()
    ).boundingRect()
    view = charts.graphics.viewport().rect()
    for rect in entries:
        assert rect.top() > plot.bottom() and view.contains(rect.toRect())
    assert abs(entries[0].left() - plot.left()) <= 2  # from the plot's left edge
    assert entries[0].right() < entries[1].left()  # side by side, apart
    assert entries[0].center().y() == pytest.approx(entries[1].center().y(), abs=1)
    charts._state.select("SUN")  # no aid figures: no key
    assert charts.aid_key() == []
    charts._state.select("JPN")
    assert [rect for _, rect in charts.aid_key()] == entries


def test_items_are_created_once(charts: ChartsView) -> None:
    lines = dict(charts.lines)
    bars = dict(charts.bars)
    items = list(charts.strength_plot.items)
    for code in ("JPN", "PAK", "", "SUN"):
        charts._state.select(code)
    charts._state.set_side("both")
    assert charts.lines == lines and charts.bars == bars
    assert list(charts.strength_plot.items) == items


def test_viewed_side_is_drawn_strong(charts: ChartsView) -> None:
    charts._state.select("PAK")
    assert charts.pen_of(ViewSide.TALIBAN).widthF() > charts.pen_of(ViewSide.GOVERNMENT).widthF()
    charts._state.set_side("government")
    assert charts.pen_of(ViewSide.GOVERNMENT).widthF() > charts.pen_of(ViewSide.TALIBAN).widthF()
    charts._state.set_side("both")
    assert charts.pen_of(ViewSide.BOTH).style() == Qt.PenStyle.DashLine
    assert "font-weight:600;'>both pooled" in charts.legend.text()


def test_the_other_sides_lines_are_one_pixel_wide_and_keep_their_dashes(
    charts: ChartsView,
) -> None:
    """The sides not viewed are drawn one pixel wide (Qt's fast stroker) with the ink
    they had at 1.4 px, and the pooled line's dashes as long in pixels as Qt's dash
    line gave them then, so it does not look like the dashed zero line."""
    charts._state.select("PAK")
    charts._state.set_side("government")
    for side in (ViewSide.TALIBAN, ViewSide.BOTH):
        pen = charts.pen_of(side)
        assert pen.widthF() == charts._px(1.0)
        assert pen.widthF() * pen.color().alphaF() == pytest.approx(
            1.4 * (110 if side is ViewSide.TALIBAN else 120) / 255, abs=0.02
        )
    pooled = charts.pen_of(ViewSide.BOTH)
    assert pooled.style() == Qt.PenStyle.CustomDashLine
    # A pattern is in pen widths: pixels, at one pixel wide.
    assert pooled.dashPattern() == pytest.approx([4 * 1.4, 2 * 1.4])
    assert charts.pen_of(ViewSide.GOVERNMENT).widthF() == charts._px(2.6)


def test_a_line_is_drawn_from_its_first_value_to_its_last(charts: ChartsView) -> None:
    """Missing values at the ends are left out of the curve; those inside stay, as
    gaps that break it."""
    charts._state.select("PAK")
    checked = 0
    for side in LINE_SIDES:
        values = charts._relations.series_values("PAK", side)
        known = np.flatnonzero(np.isfinite(values))
        xs, ys = charts.lines[side].getData()
        if not len(known):
            assert len(xs) == 0
            continue
        first, last = known[0], known[-1]
        assert xs == pytest.approx(charts._years[first : last + 1] + 0.5)
        np.testing.assert_array_equal(ys, values[first : last + 1])  # NaN inside kept
        checked += first > 0
    assert checked  # a side of Pakistan starts after the first year shown


def test_government_periods_are_shaded(charts: ChartsView) -> None:
    shades = [item for item in charts.strength_plot.items if isinstance(item, QGraphicsRectItem)]
    assert len(shades) == len(charts._periods) > 0  # the fixture's periods do not overlap
    codes = [government.code for _, _, government in charts._periods]
    assert "taliban-emirate-1" in codes
    spans = sorted((shade.rect().left(), shade.rect().right()) for shade in shades)
    assert spans == sorted((start, end) for start, end, _ in charts._periods)
    assert all(shade.brush().color().alpha() == 255 for shade in shades)  # no blending


def test_overlapping_periods_are_shaded_with_both_tints(
    qtbot, fixture_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    kabul = Government(
        "k", "Kabul", dt.date(1990, 1, 1), dt.date(2001, 1, 1), AfghanSide.GOVERNMENT
    )
    taliban = Government("t", "Taliban", dt.date(1996, 1, 1), None, AfghanSide.TALIBAN)
    monkeypatch.setattr(Catalog, "governments", property(lambda _: (kabul, taliban)))
    catalog, relations = services(fixture_engine)
    charts = ChartsView(make_state(relations, year=1997), catalog, relations)
    qtbot.addWidget(charts)
    shades = sorted(
        (item for item in charts.strength_plot.items if isinstance(item, QGraphicsRectItem)),
        key=lambda shade: shade.rect().left(),
    )
    assert [(round(s.rect().left()), round(s.rect().right())) for s in shades] == [
        (1990, 1996),
        (1996, 2001),
        (2001, charts._state.last_year + 1),
    ]
    only_kabul, both, only_taliban = (shade.brush().color() for shade in shades)
    assert only_kabul == _shade_colour([(0, AfghanSide.GOVERNMENT)])
    assert only_taliban == _shade_colour([(0, AfghanSide.TALIBAN)])
    assert both == _shade_colour([(0, AfghanSide.GOVERNMENT), (0, AfghanSide.TALIBAN)])
    assert both not in (only_kabul, only_taliban)


def test_cursor_follows_the_year(charts: ChartsView) -> None:
    assert charts.cursor_year() == 1997
    charts._state.set_year(2010)
    assert charts.cursor_year() == 2010
    # In both plots, in the middle of the year (to the nearest pixel).
    assert charts.year_cursor.line_values() == pytest.approx((2010.5, 2010.5), abs=0.1)
    assert charts.year_cursor.label_text() == "2010"


def test_a_year_before_the_view_widens_it_by_five_years(charts: ChartsView) -> None:
    charts._state.select("JPN")
    low, _ = charts._x_range
    assert low > charts._state.first_year + 10
    charts._state.set_year(int(low) - 3)
    widened, _ = charts._x_range
    assert widened == low - 5
    assert charts.strength_plot.getViewBox().viewRange()[0][0] == pytest.approx(widened)
    assert charts.aid_plot.getViewBox().viewRange()[0][0] == pytest.approx(widened)
    charts._state.set_year(int(low) - 4)  # in the widened view already
    assert charts._x_range[0] == widened
    charts._state.set_year(charts._state.first_year)
    assert charts._x_range[0] == charts._state.first_year


def on_screen(charts: ChartsView, year: float, *, aid: bool = False) -> QPoint:
    """Where ``year`` is in the middle of a plot, in the view's viewport."""
    plot = charts.aid_plot if aid else charts.strength_plot
    box = plot.getViewBox()
    low, high = box.viewRange()[1]
    scene = box.mapViewToScene(QPointF(year, (low + high) / 2))
    return charts.graphics.mapFromScene(scene)


def test_dragging_the_cursor_moves_the_year(qtbot, charts: ChartsView) -> None:
    charts._state.select("PAK")
    viewport = charts.graphics.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=on_screen(charts, 1997.5))
    for year in (1999.5, 2002.5, 2005.5):
        qtbot.mouseMove(viewport, on_screen(charts, year))
    assert charts.year_cursor.hovered  # highlighted while dragged
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=on_screen(charts, 2005.5))
    assert charts._state.year == 2005
    assert charts.cursor_year() == 2005
    assert charts.year_cursor.line_values() == pytest.approx((2005.5, 2005.5), abs=0.1)
    assert charts.year_cursor.label_text() == "2005"
    # The aid plot's line is dragged the same way and moves the label too.
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=on_screen(charts, 2005.5, aid=True))
    qtbot.mouseMove(viewport, on_screen(charts, 1990.5, aid=True))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=on_screen(charts, 1990.5, aid=True))
    assert charts._state.year == 1990
    assert charts.year_cursor.label_text() == "1990"
    assert charts.year_cursor.line_values() == pytest.approx((1990.5, 1990.5), abs=0.1)


def test_a_drag_whose_release_was_lost_ends_at_the_next_move(qtbot, charts: ChartsView) -> None:
    viewport = charts.graphics.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=on_screen(charts, 1997.5))

    def move_without_buttons(year: float) -> None:
        where = QPointF(on_screen(charts, year))
        event = QMouseEvent(
            QEvent.Type.MouseMove,
            where,
            QPointF(viewport.mapToGlobal(where)),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(viewport, event)

    move_without_buttons(2003.5)
    assert charts._state.year == 1997  # not dragged any more
    assert not charts.year_cursor.hovered


def test_clicking_a_plot_takes_its_year(qtbot, charts: ChartsView) -> None:
    charts._state.select("PAK")
    viewport = charts.graphics.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=on_screen(charts, 2008.3))
    assert charts._state.year == 2008
    assert charts.year_cursor.label_text() == "2008"
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=on_screen(charts, 1999.9, aid=True))
    assert charts._state.year == 1999
    # Outside the plots (on the axis labels) a click leaves the year.
    axis = charts.aid_plot.getAxis("left")
    outside = charts.graphics.mapFromScene(axis.sceneBoundingRect().center())
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=outside)
    assert charts._state.year == 1999


def test_the_cursor_is_highlighted_under_the_mouse(qtbot, charts: ChartsView) -> None:
    cursor = charts.year_cursor
    viewport = charts.graphics.viewport()
    assert not cursor.hovered
    assert all(line.pen().color() == theme.INK for line in cursor.lines)
    qtbot.mouseMove(viewport, on_screen(charts, 1997.5))
    assert cursor.hovered
    assert all(line.pen().color() == theme.ACCENT for line in cursor.lines)
    assert all(line.pen().widthF() > charts._px(2) for line in cursor.lines)
    assert viewport.cursor().shape() == Qt.CursorShape.SizeHorCursor
    assert charts._state.year == 1997  # hovering changes nothing
    charts._on_mouse_moved(charts.graphics.mapToScene(on_screen(charts, 1997.5)))
    assert "drag to change the year" in QToolTip.text()  # the tooltip offers it
    qtbot.mouseMove(viewport, on_screen(charts, 2010.5, aid=True))
    assert not cursor.hovered
    charts._on_mouse_moved(charts.graphics.mapToScene(on_screen(charts, 2010.5, aid=True)))
    assert "drag" not in QToolTip.text()  # away from the cursor, the values only
    assert all(line.pen().color() == theme.INK for line in cursor.lines)
    assert all(line.pen().widthF() == charts._px(2) for line in cursor.lines)
    assert all(line.pen().isCosmetic() for line in cursor.lines)
    qtbot.mouseMove(viewport, on_screen(charts, 1997.5))
    assert cursor.hovered
    charts._state.set_year(2003)  # the cursor moves away from under the mouse
    assert not cursor.hovered
    assert all(line.pen().color() == theme.INK for line in cursor.lines)


def test_the_label_stays_in_the_plot(charts: ChartsView) -> None:
    box = charts.strength_plot.getViewBox()
    for year in (charts._state.first_year, 1997, charts._state.last_year):
        charts._state.set_year(year)
        charts.graphics.scene().prepareForPaint()  # places the label for the view's range
        label = charts.year_cursor.label.mapRectToItem(box, charts.year_cursor.label.rect())
        assert box.rect().contains(label), year


def test_tooltips_give_values_and_aid(charts: ChartsView) -> None:
    charts._state.select("JPN")
    charts._state.set_side("government")
    text = charts.tooltip_text(2002, aid=False)
    assert text.startswith("2002\n")
    assert "Kabul government: +" in text and "Taliban: —" in text
    aid = charts.tooltip_text(2002, aid=True)
    assert "pledge: 1,000 million USD" in aid and "cumulative total: 2,000 million USD" in aid
    assert charts.tooltip_text(1500, aid=False) == ""


def test_a_theme_change_recolours_the_cursor_and_the_shades(qapp, charts: ChartsView) -> None:
    cursor = charts.year_cursor
    shade = charts._shades[0][0]
    light_shade = shade.brush().color()
    try:
        theme.apply_theme(qapp, theme.Scheme.DARK)
        assert all(line.pen().color() == theme.DARK.ink for line in cursor.lines)
        assert cursor.text.brush().color() == theme.DARK.ink
        assert cursor.label.brush().color().rgb() == theme.DARK.surface.rgb()
        assert shade.brush().color() != light_shade
        assert shade.brush().color().alpha() == 255
    finally:
        theme.apply_theme(qapp, theme.Scheme.LIGHT)
    assert all(line.pen().color() == theme.LIGHT.ink for line in cursor.lines)
    assert shade.brush().color() == light_shade


class _PaintCount(QObject):
    """Adds the object name of each widget it watches to ``paints`` when it paints."""

    def __init__(self, paints: list[str]) -> None:
        super().__init__()
        self.paints = paints

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.paints.append(watched.objectName())
        return False


def _deliver_events() -> None:
    """Deliver what a change posted (layouts, paints) as the app's event loop would."""
    for _ in range(3):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


def _pakistan_shown(qtbot, charts: ChartsView) -> None:  # type: ignore[no-untyped-def]
    charts._state.select("PAK")
    qtbot.waitUntil(lambda: "Pakistan" in charts.title.text(), timeout=2000)
    _deliver_events()


def test_a_selection_lays_the_title_out_before_the_paint(qtbot, charts: ChartsView) -> None:
    """A new title, wider or narrower, is laid out with the selection: laid out after the
    paint, it had the title and the legend painted a second time."""
    charts._state.select("PAK")
    qtbot.waitUntil(lambda: not charts.title.text().startswith("Over"), timeout=2000)
    QApplication.processEvents()
    paints: list[str] = []
    counter = _PaintCount(paints)
    charts.title.setObjectName("title")
    charts.title.installEventFilter(counter)
    charts._state.select("SUN")  # "Soviet Union over time": wider than Pakistan's
    _deliver_events()
    assert charts.title.text() == "Soviet Union over time"
    assert paints == ["title"]


def test_bars_keep_the_bounds_pyqtgraph_works_out(qtbot, charts: ChartsView) -> None:
    """The bars' kept bounding rect is pyqtgraph's, after a change of data, of range
    (another partner) and of size."""
    bar = charts.bars[AmountKind.PLEDGE]

    def pyqtgraphs() -> QRectF:
        return QRectF(pg.BarGraphItem.boundingRect(bar))

    charts._state.select("JPN")
    charts.graphics.scene().prepareForPaint()
    assert not bar.boundingRect().isEmpty()
    assert bar.boundingRect() == pyqtgraphs()
    bar.setOpts(x=[2001.5, 2003.5], height=[5000.0, 250.0], width=0.2)
    assert bar.boundingRect() == pyqtgraphs()
    charts.aid_plot.setYRange(0, 9000, padding=0)  # the pixel padding changes with it
    charts.graphics.scene().prepareForPaint()
    assert bar.boundingRect() == pyqtgraphs()
    charts.resize(640, 400)
    qtbot.waitUntil(lambda: charts.graphics.width() < 700)
    charts.graphics.scene().prepareForPaint()
    assert bar.boundingRect() == pyqtgraphs()


def test_a_years_bars_share_its_width_in_the_order_of_the_kinds(charts: ChartsView) -> None:
    charts._state.select("JPN")  # 2002: a pledge and a cumulative total
    pledge = charts.bars[AmountKind.PLEDGE].opts
    total = charts.bars[AmountKind.CUMULATIVE_TOTAL].opts
    assert list(pledge["x"]) == pytest.approx([2002.275])
    assert list(total["x"]) == pytest.approx([2002.725])
    assert list(pledge["width"]) == list(total["width"]) == pytest.approx([0.45])
    assert not charts.bars[AmountKind.COMMITMENT].isVisible()  # none of that kind


def test_a_year_with_several_figures_of_a_kind_draws_its_largest(charts: ChartsView) -> None:
    """One bar per year and kind, as tall as its largest figure (figures are never
    added); the tooltip lists each figure."""
    kinds = list(AmountKind)
    pledge, total = kinds.index(AmountKind.PLEDGE), kinds.index(AmountKind.CUMULATIVE_TOTAL)
    charts._state.select("JPN")
    charts._aid = AidColumns(
        "JPN",
        np.array([b"a", b"b", b"c", b"d"]),
        np.array([2001, 2001, 2001, 2003], dtype=np.int16),
        np.array([100e6, 300e6, 2e9, 50e6]),
        np.zeros(4, dtype=np.int16),
        np.array([pledge, pledge, total, pledge], dtype=np.int8),
        np.zeros(4, dtype=bool),
        np.zeros(4, dtype=np.int16),
        ("USD",),
        ("current",),
    )
    charts._update_aid()
    pledges = charts.bars[AmountKind.PLEDGE].opts
    assert list(pledges["height"]) == [300.0, 50.0]
    assert list(pledges["x"]) == pytest.approx([2001.275, 2003.5])
    assert list(charts.bars[AmountKind.CUMULATIVE_TOTAL].opts["height"]) == [2000.0]
    tooltip = charts.tooltip_text(2001, aid=True)
    assert "pledge: 100 million USD" in tooltip
    assert "pledge: 300 million USD" in tooltip


def _aid_of(amounts: list[float]) -> AidColumns:
    """Pledges in USD, one a year from 2001."""
    count = len(amounts)
    return AidColumns(
        "JPN",
        np.array([f"f{i}".encode() for i in range(count)]),
        np.arange(2001, 2001 + count, dtype=np.int16),
        np.array(amounts),
        np.zeros(count, dtype=np.int16),
        np.full(count, list(AmountKind).index(AmountKind.PLEDGE), dtype=np.int8),
        np.zeros(count, dtype=bool),
        np.zeros(count, dtype=np.int16),
        ("USD",),
        ("current",),
    )


def test_the_aid_axis_ends_at_a_round_value_above_the_tallest_bar() -> None:
    rounds = {
        step * 10.0**power
        for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8)
        for power in range(-3, 9)
    }
    for largest in np.geomspace(0.0011, 9.9e7, 997):
        top = aid_axis_top(float(largest))
        assert any(math.isclose(top, value, rel_tol=1e-12) for value in rounds), largest
        # Room above the tallest bar, which still fills most of the plot.
        assert largest * AID_HEADROOM <= top * (1 + 1e-9)
        assert top <= largest * AID_HEADROOM * 4 / 3 * (1 + 1e-9)
    assert [aid_axis_top(v) for v in (2000, 250, 70, 1000 / AID_HEADROOM, 8.0)] == [
        2500,
        300,
        80,
        pytest.approx(1000),
        10,
    ]
    # No figure (or none that can be drawn): the axis of an empty plot.
    assert [aid_axis_top(v) for v in (0.0, -5.0, math.nan, math.inf)] == [1.0] * 4


def test_partners_of_like_aid_share_the_aid_axis_and_its_drawing(qtbot, charts: ChartsView) -> None:
    """The aid axis ends at a round value, so partners whose largest figures are alike
    share its range, and the axis takes its drawing of that range again."""
    charts._state.select("JPN")
    axis = charts.aid_plot.getAxis("left")
    drawings: dict[str, object] = {}
    for name, amounts in (("first", [610e6, 2.1e9]), ("other", [2.6e9]), ("alike", [2.2e9, 5e6])):
        charts._aid = _aid_of(amounts)
        charts._update_aid()
        charts._apply_now()
        charts.graphics.viewport().repaint()
        drawings[name] = axis.picture
        assert charts.aid_plot.getViewBox().viewRange()[1] == pytest.approx(
            [0, 3000 if name == "other" else 2500]
        ), name
    assert drawings["alike"] is drawings["first"]
    assert drawings["other"] is not drawings["first"]


def test_a_curves_bounds_are_pyqtgraphs(charts: ChartsView) -> None:
    """Found by numpy's reductions directly, a curve's data bounds are those pyqtgraph's
    own code finds: with gaps and without values."""
    line = charts.lines[ViewSide.GOVERNMENT]
    years = np.arange(1990.5, 2000.5)
    for values in (
        np.linspace(-3.0, 7.5, 10),
        np.array([np.nan, np.nan, 2.0, -4.5, np.nan, 8.25, 0.0, np.nan, 1.0, np.nan]),
        np.full(10, np.nan),
    ):
        line.setData(years, values)
        for ax in (0, 1):
            ours = line.dataBounds(ax)
            line.invalidateBounds()  # pyqtgraph's code would take ours from its cache
            theirs = pg.PlotCurveItem.dataBounds(line, ax)
            np.testing.assert_array_equal(np.array(ours, float), np.array(theirs, float))


def test_a_new_legend_is_painted_once(qtbot, charts: ChartsView) -> None:
    """Its rich text is laid out before the paint: laid out in it, the text asked for a
    second paint of the legend and of the window around it."""
    _pakistan_shown(qtbot, charts)
    paints: list[str] = []
    counter = _PaintCount(paints)
    charts.legend.setObjectName("legend")
    charts.legend.installEventFilter(counter)
    changes = {
        "side": lambda: charts._state.set_side("both"),
        "compare": lambda: charts._state.set_compare("SUN"),
    }
    for name, change in changes.items():
        before = charts.legend.text()
        change()
        _deliver_events()
        assert charts.legend.text() != before
        assert paints == ["legend"], name
        paints.clear()


def test_a_selection_leaves_the_legend_alone(qtbot, charts: ChartsView) -> None:
    """The legend keys the lines, which a selection does not change; a new title, wider
    or narrower, leaves it where it is, so it is neither laid out nor painted again."""
    _pakistan_shown(qtbot, charts)
    paints: list[str] = []
    charts.legend.installEventFilter(_PaintCount(paints))
    text, geometry = charts.legend.text(), charts.legend.geometry()
    for code in ("JPN", "SUN", "RUS"):
        charts._state.select(code)
        _deliver_events()
        assert (charts.legend.text(), charts.legend.geometry()) == (text, geometry)
    assert paints == []


def test_an_unchanged_range_is_not_set_again(
    charts: ChartsView, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyqtgraph works a range out again even when it is the same: the charts set the
    views' ranges only when they change (the x range in steps of five years, the aid
    axis for the largest figure)."""
    charts._state.select("JPN")
    ranges: list[str] = []
    for plot, name in ((charts.strength_plot, "strength"), (charts.aid_plot, "aid")):
        box = plot.getViewBox()
        original = box.setRange
        monkeypatch.setattr(
            box,
            "setRange",
            lambda *args, _name=name, _original=original, **kwargs: (
                ranges.append(_name),
                _original(*args, **kwargs),
            ),
        )
    x_range = charts._x_range
    charts._update_range()
    charts._update_aid()
    assert ranges == []
    assert charts._x_range == x_range
    assert charts.aid_plot.getViewBox().viewRange()[1][1] == pytest.approx(2500)
    charts._state.select("PAK")  # another start and other figures
    assert sorted(set(ranges)) == ["aid", "strength"]


def test_the_lines_pens_follow_the_theme_and_the_side(qapp, charts: ChartsView) -> None:
    """Kept across selections, the pens are drawn again for a new theme or side."""
    charts._state.select("PAK")
    charts._state.select("JPN")
    viewed = charts._state.side
    assert charts.pen_of(viewed).color().rgb() == theme.SIDE_COLOURS[viewed.value].rgb()
    try:
        theme.apply_theme(qapp, theme.Scheme.DARK)
        assert charts.pen_of(viewed).color().rgb() == theme.DARK.side_colours[viewed.value].rgb()
        charts._state.set_side("government")
        assert charts.pen_of(ViewSide.GOVERNMENT).widthF() > charts.pen_of(viewed).widthF()
    finally:
        theme.apply_theme(qapp, theme.Scheme.LIGHT)
    assert charts.pen_of(ViewSide.GOVERNMENT).color().rgb() == (
        theme.LIGHT.side_colours["government"].rgb()
    )


def test_a_title_too_long_for_its_row_is_cut_with_an_ellipsis(qtbot, charts: ChartsView) -> None:
    """The legend keeps its width; the title takes what is left, and a long one ends in
    "…" with the whole title in its tooltip."""
    charts._state.select("SUN")
    charts._state.set_compare("JPN")
    whole = "Soviet Union and Japan over time"
    assert charts.title.full_text() == whole
    charts.resize(520, 320)
    qtbot.waitUntil(lambda: charts.title.text() != whole, timeout=2000)
    assert charts.title.text().endswith("…") and whole.startswith(charts.title.text()[:-1])
    assert charts.title.toolTip() == whole
    assert charts.title.fontMetrics().horizontalAdvance(charts.title.text()) <= (
        charts.title.width()
    )
    charts.resize(1200, 320)
    qtbot.waitUntil(lambda: charts.title.text() == whole, timeout=2000)
    assert charts.title.toolTip() == ""


def test_figures_in_other_currencies_are_counted_in_the_key_not_on_the_axis(
    qtbot, monkeypatch: pytest.MonkeyPatch, charts: ChartsView
) -> None:
    """The chart draws the currency most figures are in; how many are in others is said
    after the key (the value axis's label, "(+2946 other)" at 1M facts, was cut)."""
    aid = AidColumns(
        "JPN",
        np.array([b"a", b"b", b"c", b"d"]),
        np.array([2002, 2002, 2005, 2006], dtype=np.int16),
        np.array([1e9, 2e9, 3e9, 4e9]),
        np.array([0, 0, 1, 0], dtype=np.int16),
        np.array([0, 1, 0, 0], dtype=np.int8),
        np.zeros(4, dtype=bool),
        np.zeros(4, dtype=np.int16),
        ("USD", "JPY"),
        ("",),
    )
    monkeypatch.setattr(charts._relations, "aid_columns", lambda code: aid)
    charts._state.select("JPN")
    entries = [name for name, _ in charts.aid_key()]
    assert entries[-1] == "+1 in other currencies"
    assert charts._aid_others.toolTip().startswith("1 figure is in other currencies than the")
    rects = [rect for _, rect in charts.aid_key()]
    assert all(a.right() < b.left() for a, b in itertools.pairwise(rects))
    assert charts.aid_plot.getAxis("left").labelText == "Aid, M USD"
    monkeypatch.setattr(charts._relations, "aid_columns", lambda code: AidColumns.empty(code))
    charts._state.select("SUN")
    assert charts.aid_key() == []
