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


def _picture_drawn(axis: pg.AxisItem, scene: pg.GraphicsScene) -> QPicture:
    """The picture ``axis`` paints from, once ``scene`` is ready to paint."""
    scene.prepareForPaint()
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        axis.paint(painter, None, None)
    finally:
        painter.end()
    assert axis.picture is not None
    return axis.picture


def test_pictures_of_past_ranges_are_kept_until_the_style_changes(qtbot: QtBot) -> None:
    axis = YearAxis()
    plot = _plot_with(qtbot, axis, 600)
    scene = plot.scene()

    def drawn_at(low: int) -> QPicture:
        plot.setXRange(low, 2024, padding=0)
        return _picture_drawn(axis, scene)

    first = drawn_at(1950)
    assert drawn_at(1990) is not first
    assert drawn_at(1950) is first  # taken again, not drawn again
    axis.setPen(pg.mkPen("#ff0000"))  # as a theme change does
    recoloured = drawn_at(1950)
    assert recoloured is not first
    assert _ink_in(recoloured, QColor("#ff0000")) and not _ink_in(first, QColor("#ff0000"))
    axis.setStyle(showValues=False)
    assert drawn_at(1950) is not recoloured


def _full_specs(axis: pg.AxisItem) -> object:
    """Everything the axis would draw: line, ticks (pen, ends), labels (box, flags, text)."""
    picture = QPicture()
    painter = QPainter(picture)
    try:
        painter.setFont(axis.style["tickFont"] or painter.font())
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    assert specs is not None
    (pen, start, end), ticks, texts = specs
    return (
        (pen.color().rgba(), QPointF(start).toTuple(), QPointF(end).toTuple()),
        [
            (p.color().rgba(), p.widthF(), QPointF(a).toTuple(), QPointF(b).toTuple())
            for p, a, b in ticks
        ],
        [(rect.getRect(), int(flags), text) for rect, flags, text in texts],
    )


def _value_plot(qtbot: QtBot, axis: pg.AxisItem, height: int) -> pg.PlotItem:
    widget = pg.GraphicsLayoutWidget()
    _KEPT.append(widget)
    qtbot.addWidget(widget)
    widget.resize(400, height)
    plot = widget.addPlot(axisItems={"left": axis})
    axis.enableAutoSIPrefix(False)  # as the charts have it
    axis.setWidth(70)
    widget.show()
    qtbot.waitExposed(widget)
    return plot


@pytest.mark.parametrize("height", [90, 180, 330, 560])
def test_value_axis_draws_what_pyqtgraph_draws(qtbot: QtBot, height: int) -> None:
    """The same line, ticks (pens and ends) and labels (boxes, alignment and text) as
    pyqtgraph's own axis, for the aid plot's ranges (0 to 1.12 times the largest figure)
    and others, where finer levels are labelled too or not."""
    ours = _value_plot(qtbot, QuickBoundsAxis("left"), height)
    theirs = _value_plot(qtbot, pg.AxisItem("left"), height)
    tops = [1.12, 2.24, 11.2, 56.0, 123.4, 1000.0, 1120.0, 8765.4, 13_440.0, 250_000.0, 3.1e7]
    ranges = [(0.0, top) for top in tops] + [(-10.8, 10.8), (-3.25, 0.5), (1950.0, 1953.5)]
    labelled_finer = False
    for low, high in ranges:
        for plot in (ours, theirs):
            plot.setYRange(low, high, padding=0)
            plot.scene().prepareForPaint()
        our_specs = _full_specs(ours.getAxis("left"))
        assert our_specs == _full_specs(theirs.getAxis("left")), (low, high)
        labels = our_specs[2]  # type: ignore[index]
        labelled_finer |= len(labels) > 6
    if height >= 330:
        assert labelled_finer  # the text-density rule was exercised


def test_a_value_axis_keeps_its_pictures_per_height(qtbot: QtBot) -> None:
    """The strength axis (explicit ticks) is drawn at one of two heights, with aid figures
    below it or without: each drawing is taken again rather than drawn again."""
    axis = QuickBoundsAxis("left")
    plot = _value_plot(qtbot, axis, 300)
    axis.setTicks([[(value, str(value)) for value in (-10, -5, 0, 5, 10)]])
    plot.setYRange(-10.8, 10.8, padding=0)
    widget = plot.scene().views()[0]

    def drawn_at(height: int) -> QPicture:
        widget.resize(400, height)
        qtbot.waitUntil(lambda: abs(axis.geometry().height() - (height - 30)) < 30)
        return _picture_drawn(axis, plot.scene())

    first = drawn_at(300)
    shorter = drawn_at(180)
    assert shorter is not first
    assert drawn_at(300) is first
    assert drawn_at(180) is shorter
    axis.setTextPen(pg.mkPen("#ff0000"))  # as a theme change does
    assert drawn_at(300) is not first
