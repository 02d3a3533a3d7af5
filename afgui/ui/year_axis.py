"""The charts' time axis: pyqtgraph's bottom axis, with its ticks and labels worked out fast.

pyqtgraph's ``AxisItem`` works out where its ticks and labels go in general Python code
each time its range changes: 1-2.4 ms per axis for the ranges of these charts. Every
selection changes the range (the plots start a few years before the partner's first
fact) and both plots have a time axis, so a selection paid it twice. ``YearAxis`` keeps
pyqtgraph's choice of tick levels (``tickSpacing``) and its drawing (``drawPicture``)
and computes the same draw specifications directly; only the major ticks are
labelled. Anything it does not cover (grids, explicit ticks, logarithmic mode, other
orientations) falls back to pyqtgraph's own code.

A ``YearAxis`` also keeps the pictures of the last ranges it drew, keyed by everything
they are drawn from: the ranges are whole multiples of five years, so selections come
back to them, and a kept picture saves working out and drawing the ticks again (~0.5
ms per axis).

Both charts' axes (``YearAxis`` and the value axes, :class:`QuickBoundsAxis`) also keep
their bounding rect: Qt asks for it several times a paint, of every axis, and pyqtgraph
works it out in Python each time.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPicture
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

__all__ = ["QuickBoundsAxis", "YearAxis"]

#: Where a tick label goes relative to its tick, as pyqtgraph places bottom labels.
_LABEL_FLAGS = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextDontClip
#: How far below the axis's top and past its ends its line may be drawn (+1, a pixel wide).
_LINE_REACH = 2.0
#: How many pictures of past ranges a YearAxis keeps.
_KEPT_PICTURES = 48


class QuickBoundsAxis(pg.AxisItem):  # type: ignore[misc]
    """pyqtgraph's axis, its bounding rect worked out once per geometry and style.

    Qt asks each item for its bounding rect at every paint, twice for a cached one, and
    pyqtgraph's works it out in Python (~10 µs): for the charts' four axes, a fifth of
    what a year change cost once the cursor was cheap. It depends on the geometry, the
    style and the grid (with a grid, on the linked view too); the last two change only
    through ``setStyle`` and ``setGrid``, which forget it.
    """

    def __init__(self, orientation: str, **options: Any) -> None:
        self._bounds: tuple[QRectF, QRectF] | None = None  # (for geometry, bounds)
        super().__init__(orientation, **options)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        geometry = self.geometry()
        bounds = getattr(self, "_bounds", None)  # None while pyqtgraph sets up
        if bounds is None or bounds[0] != geometry or self.grid is not False:
            bounds = self._bounds = (geometry, self._bounds_now())
        return QRectF(bounds[1])

    def _fast_path(self) -> bool:
        """Whether this axis draws what its own code covers (a linked view, no grid, no
        explicit ticks, linear scale); anything else is pyqtgraph's to draw."""
        return not (
            self.linkedView() is None
            or self.grid is not False
            or self._tickLevels is not None
            or self.logMode
            or any(self.style["stopAxisAtTick"])
        )

    def _bounds_now(self) -> QRectF:
        return QRectF(super().boundingRect())

    def setStyle(self, **options: Any) -> Any:  # noqa: N802 - pyqtgraph's name
        self._bounds = None
        return super().setStyle(**options)

    def setGrid(self, grid: float | bool) -> None:  # noqa: N802 - pyqtgraph's name
        self._bounds = None
        super().setGrid(grid)


class YearAxis(QuickBoundsAxis):
    """A bottom axis of years (see the module docstring)."""

    picture: QPicture | None  # pyqtgraph's: the drawing played at each paint

    def __init__(self, **options: Any) -> None:
        self._pictures: OrderedDict[Hashable, QPicture] = OrderedDict()
        super().__init__("bottom", **options)
        self._label_boxes: dict[tuple[str, str], QRectF] = {}

    def paint(
        self, p: QPainter, opt: QStyleOptionGraphicsItem | None, widget: QWidget | None
    ) -> None:
        """pyqtgraph's paint, with the picture of a range drawn before taken again."""
        key = self._picture_key() if self.picture is None else None
        if key is not None:
            kept = self._pictures.get(key)
            if kept is not None:
                self._pictures.move_to_end(key)
                self.picture = kept
        super().paint(p, opt, widget)
        if key is not None and key not in self._pictures and self.picture is not None:
            self._pictures[key] = self.picture
            if len(self._pictures) > _KEPT_PICTURES:
                self._pictures.popitem(last=False)

    def _picture_key(self) -> Hashable | None:
        """Everything the fast path draws from (None where pyqtgraph's code draws)."""
        if not self._fast_path():
            return None
        style = self.style
        font = style["tickFont"] if style["tickFont"] is not None else QFont()
        pens = tuple(
            (pen.color().rgba(), pen.widthF(), pen.style().value, pen.isCosmetic())
            for pen in (self.pen(), self.tickPen(), self.textPen())
        )
        return (
            tuple(float(value) for value in self.range),
            self.mapRectFromParent(self.geometry()).getRect(),
            self.boundingRect().getRect(),
            pens,
            font.key(),
            style["tickLength"],
            tuple(style["tickTextOffset"]),
            style["showValues"],
            style["tickAlpha"],
            style["maxTickLevel"],
            self._tickDensity,
            None if self._tickSpacing is None else tuple(map(tuple, self._tickSpacing)),
        )

    def _bounds_now(self) -> QRectF:
        """pyqtgraph's box, reaching over the whole axis line.

        pyqtgraph draws the line a pixel below the axis's top and a pixel past either
        end, and an axis without labels is no taller than that: drawn outside its box,
        the line was lost when the axis was cached (the charts cache it) and could be
        left stale when it changed.
        """
        reach = _LINE_REACH
        return super()._bounds_now().adjusted(-reach, 0.0, reach, reach)

    def generateDrawSpecs(self, p: QPainter) -> Any:  # noqa: N802 - pyqtgraph override
        low, high = (float(value) for value in self.range)
        bounds = self.mapRectFromParent(self.geometry())
        length = bounds.width()
        if not self._fast_path() or not high > low or length <= 0:
            return super().generateDrawSpecs(p)
        if self.style["tickFont"] is not None:
            p.setFont(self.style["tickFont"])
        scale = length / (high - low)
        # pyqtgraph's arithmetic, so that a tick at an end of the range is kept or
        # dropped as its own axis would.
        shift = low * scale
        x_min, x_max = sorted((low * scale - shift, high * scale - shift))
        top = bounds.top()
        axis_spec = (
            self.pen(),
            QPointF(bounds.left() - 1.0, top + 1.0),
            QPointF(bounds.right() + 1.0, top + 1.0),
        )
        tick_length = self.style["tickLength"]
        levels = self.tickSpacing(low, high, length)
        finest = min(spacing for spacing, _ in levels) if levels else 1.0
        taken: set[int] = set()
        tick_specs: list[tuple[QPen, QPointF, QPointF]] = []
        major: list[tuple[float, float]] = []  # (value, x) of the labelled ticks
        for level, (spacing, offset) in enumerate(levels):
            pen = self._tick_pen(level)
            reach = tick_length / (level * 0.5 + 1.0)
            first = math.ceil((low - offset) / spacing)
            last = math.floor((high - offset) / spacing)
            for step in range(first, last + 1):
                value = step * spacing + offset
                key = round(value / finest)
                if key in taken:
                    continue  # a coarser level has a tick here already
                taken.add(key)
                x = value * scale - shift
                if not x_min <= x <= x_max:
                    continue
                tick_specs.append((pen, QPointF(x, top), QPointF(x, top + reach)))
                if level == 0:
                    major.append((value, x))
        text_specs: list[tuple[QRectF, Qt.AlignmentFlag, str]] = []
        if not self.style["showValues"]:
            return axis_spec, tick_specs, text_specs
        below = top + max(0.0, tick_length) + self.style["tickTextOffset"][1]
        outline = self.boundingRect()
        tallest = 0.0
        spacing = levels[0][0] if levels else 1.0
        for value, x in major:
            text = _year_text(value, spacing)
            box = self._label_box(p, text)
            tallest = max(tallest, box.height())
            rect = QRectF(x - box.width() / 2, below, box.width(), box.height())
            if outline & rect == rect:
                text_specs.append((rect, _LABEL_FLAGS, text))
        self._updateMaxTextSize(tallest)
        return axis_spec, tick_specs, text_specs

    def _tick_pen(self, level: int) -> QPen:
        pen = QPen(self.tickPen())
        alpha = self.style["tickAlpha"]
        if alpha is None:
            alpha = 255 / (level + 1)
        elif isinstance(alpha, float):
            alpha *= 255
        if pen.brush().style() == Qt.BrushStyle.SolidPattern:
            colour = QColor(pen.color())
            colour.setAlpha(max(0, min(255, int(alpha))))
            pen.setColor(colour)
        return pen

    def _label_box(self, p: QPainter, text: str) -> QRectF:
        """A label's size as pyqtgraph measures it (a little lower than the font's box)."""
        key = (p.font().key(), text)
        box = self._label_boxes.get(key)
        if box is None:
            box = p.boundingRect(QRectF(0, 0, 100, 100), Qt.AlignmentFlag.AlignCenter, text)
            box.setHeight(box.height() * 0.8)
            self._label_boxes[key] = box
        return QRectF(box)


def _year_text(value: float, spacing: float) -> str:
    """``1990``; a fraction of a year only where the ticks are closer than a year."""
    if spacing >= 1:
        return str(round(value))
    places = max(0, math.ceil(-math.log10(spacing)))
    return f"{value:.{places}f}"
