"""The charts' time axis draws the ticks and labels pyqtgraph's own axis would."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPicture
from pytestqt.qtbot import QtBot

from afgui.ui.year_axis import QuickBoundsAxis, YearAxis


def _specs(axis: pg.AxisItem) -> tuple[object, list[tuple[float, float, float, int]], list[str]]:
    picture = QPicture()
    painter = QPainter(picture)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    assert specs is not None
    line, ticks, texts = specs
    tick_lines = sorted((a.x(), a.y(), b.y(), pen.color().alpha()) for pen, a, b in ticks)
    return (
        (QPointF(line[1]).toTuple(), QPointF(line[2]).toTuple()),
        tick_lines,
        [text for _, _, text in texts],
    )


_KEPT: list[pg.GraphicsLayoutWidget] = []


def _plot_with(qtbot: QtBot, axis: pg.AxisItem, width: int) -> pg.PlotItem:
    widget = pg.GraphicsLayoutWidget()
    _KEPT.append(widget)  # the plot lives as long as its widget
    qtbot.addWidget(widget)
    widget.resize(width, 200)
    plot = widget.addPlot(axisItems={"bottom": axis})
    widget.show()
    qtbot.waitExposed(widget)
    return plot


@pytest.mark.parametrize(
    ("low", "high", "width"),
    [(1830, 2024, 900), (1930, 2024, 900), (2005, 2024, 900), (1995, 2024, 420), (1990, 1993, 600)],
)
def test_same_ticks_and_labels_as_pyqtgraph(qtbot: QtBot, low: int, high: int, width: int) -> None:
    ours = _plot_with(qtbot, YearAxis(), width)
    theirs = _plot_with(qtbot, pg.AxisItem("bottom"), width)
    for plot in (ours, theirs):
        plot.setXRange(low, high, padding=0)
    qtbot.wait(10)
    our_line, our_ticks, our_labels = _specs(ours.getAxis("bottom"))
    their_line, their_ticks, their_labels = _specs(theirs.getAxis("bottom"))
    assert our_line == their_line
    assert len(our_ticks) == len(their_ticks)
    for ours_tick, theirs_tick in zip(our_ticks, their_ticks, strict=True):
        assert ours_tick == pytest.approx(theirs_tick, abs=1e-6)
    assert our_labels  # every range here has labelled years
    # Only the major ticks are labelled; pyqtgraph may add minor labels where they fit.
    assert set(our_labels) <= set(their_labels)
    assert our_labels == sorted(our_labels, key=float)


def test_labels_stay_inside_the_axis(qtbot: QtBot) -> None:
    plot = _plot_with(qtbot, YearAxis(), 500)
    plot.setXRange(1901, 2024, padding=0)
    qtbot.wait(10)
    axis = plot.getAxis("bottom")
    picture = QPicture()
    painter = QPainter(picture)
    _, _, texts = axis.generateDrawSpecs(painter)
    painter.end()
    outline: QRectF = axis.boundingRect()
    assert texts
    for rect, _, text in texts:
        assert outline.contains(rect), text
        assert 1901 <= int(text) <= 2024


def test_hidden_values_draw_ticks_only(qtbot: QtBot) -> None:
    axis = YearAxis()
    axis.setStyle(showValues=False)
    plot = _plot_with(qtbot, axis, 600)
    plot.setXRange(1950, 2024, padding=0)
    qtbot.wait(10)
    _, ticks, labels = _specs(axis)
    assert ticks
    assert labels == []


def test_everything_drawn_lies_in_the_bounding_rect(qtbot: QtBot) -> None:
    """Even without labels (an axis then no taller than its line's offset), so that a
    cached axis keeps its line and a changed one leaves nothing stale."""
    for show_values in (False, True):
        axis = YearAxis()
        axis.setStyle(showValues=show_values)
        plot = _plot_with(qtbot, axis, 600)
        plot.setXRange(1950, 2024, padding=0)
        qtbot.wait(10)
        picture = QPicture()
        painter = QPainter(picture)
        axis.paint(painter, None, None)
        painter.end()
        drawn = QRectF(picture.boundingRect())
        assert not drawn.isEmpty()
        assert axis.boundingRect().contains(drawn), (show_values, drawn, axis.boundingRect())


def test_kept_bounding_rect_follows_geometry_and_style(qtbot: QtBot) -> None:
    axis = QuickBoundsAxis("left")
    plot = pg.GraphicsLayoutWidget()
    _KEPT.append(plot)
    qtbot.addWidget(plot)
    plot.resize(400, 200)
    item = plot.addPlot(axisItems={"left": axis})
    plot.show()
    qtbot.waitExposed(plot)

    def pyqtgraphs() -> QRectF:
        return QRectF(pg.AxisItem.boundingRect(axis))

    assert axis.boundingRect() == pyqtgraphs()
    plot.resize(500, 320)
    qtbot.waitUntil(lambda: axis.geometry().height() > 150)
    assert axis.boundingRect() == pyqtgraphs()
    axis.setStyle(tickLength=-12)
    assert axis.boundingRect() == pyqtgraphs()
    item.showGrid(y=True)
    assert axis.boundingRect() == pyqtgraphs()


def _ink_in(picture: QPicture, colour: QColor) -> bool:
    image = QImage(700, 80, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    picture.play(painter)
    painter.end()
    return any(
        image.pixelColor(x, y).rgb() == colour.rgb()
        for x in range(image.width())
        for y in range(image.height())
    )


def test_pictures_of_past_ranges_are_kept_until_the_style_changes(qtbot: QtBot) -> None:
    axis = YearAxis()
    plot = _plot_with(qtbot, axis, 600)
    scene = plot.scene()

    def drawn_at(low: int) -> QPicture:
        plot.setXRange(low, 2024, padding=0)
        scene.prepareForPaint()
        image = QImage(1, 1, QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        try:
            axis.paint(painter, None, None)
        finally:
            painter.end()
        assert axis.picture is not None
        return axis.picture

    first = drawn_at(1950)
    assert drawn_at(1990) is not first
    assert drawn_at(1950) is first  # taken again, not drawn again
    axis.setPen(pg.mkPen("#ff0000"))  # as a theme change does
    recoloured = drawn_at(1950)
    assert recoloured is not first
    assert _ink_in(recoloured, QColor("#ff0000")) and not _ink_in(first, QColor("#ff0000"))
    axis.setStyle(showValues=False)
    assert drawn_at(1950) is not recoloured
