"""The charts' axes: pyqtgraph's axes, with their ticks and labels worked out fast.

pyqtgraph's ``AxisItem`` works out where its ticks and labels go in general Python code
each time its range changes: 1-2.4 ms per axis for the ranges of these charts. Every
selection changes the range (the plots start a few years before the partner's first
fact) and both plots have a time axis, so a selection paid it twice; the aid plot's
value axis follows the partner's largest figure, so it paid it a third time (~2.5 ms
at 1M facts, most of it ``np.isclose`` over the ticks and pyqtgraph's ``Point``).
:class:`YearAxis` keeps pyqtgraph's choice of tick levels (``tickSpacing``) and its
drawing (``drawPicture``) and computes the same draw specifications directly; only the
major ticks are labelled. :class:`QuickBoundsAxis` does the same for a value axis on
the left, labelling the levels pyqtgraph's text-density rule would. Anything they do
not cover (grids, explicit ticks, logarithmic mode, other orientations) falls back to
pyqtgraph's own code.

Both also keep the pictures of the last ranges they drew, keyed by everything they are
drawn from: the time axis's ranges are whole multiples of five years, so selections
come back to them, and the strength axis's height takes one of two values (with or
without aid figures below it); a kept picture saves working out and drawing the ticks
again (~0.5 ms per axis).

Both charts' axes also keep their bounding rect: Qt asks for it several times a paint,
of every axis, and pyqtgraph works it out in Python each time.
"""

from __future__ import annotations

import bisect
import math
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPicture
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

__all__ = ["QuickBoundsAxis", "YearAxis"]

#: Where a tick label goes relative to its tick, as pyqtgraph places bottom labels.
_LABEL_FLAGS = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextDontClip
#: ... and left labels.
_LEFT_LABEL_FLAGS = (
    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextDontClip
)
#: How far below the axis's top and past its ends its line may be drawn (+1, a pixel wide).
_LINE_REACH = 2.0
#: How many pictures of past ranges an axis keeps.
_KEPT_PICTURES = 48


#: Values that are keys as they are (most of an axis's style).
_PLAIN = frozenset({bool, int, float, str, type(None)})


def _hashable(value: object) -> Hashable:
    """``value`` as a key: lists as tuples, fonts by their key, the rest as it is."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, list | tuple):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, QFont):
        return value.key()
    if isinstance(value, np.generic):
        return value.item()  # type: ignore[no-any-return]
    return value


class QuickBoundsAxis(pg.AxisItem):  # type: ignore[misc]
    """pyqtgraph's axis, its bounding rect worked out once per geometry and style, its
    pictures kept per range, and a plain value axis on the left drawn from specs worked
    out directly (see the module docstring).

    Qt asks each item for its bounding rect at every paint, twice for a cached one, and
    pyqtgraph's works it out in Python (~10 µs): for the charts' four axes, a fifth of
    what a year change cost once the cursor was cheap. It depends on the geometry, the
    style and the grid (with a grid, on the linked view too); the last two change only
    through ``setStyle`` and ``setGrid``, which forget it.
    """

    picture: QPicture | None  # pyqtgraph's: the drawing played at each paint

    def __init__(self, orientation: str, **options: Any) -> None:
        self._bounds: tuple[QRectF, QRectF] | None = None  # (for geometry, bounds)
        #: Pictures drawn before, with the text size they told ``_updateMaxTextSize``.
        self._pictures: OrderedDict[Hashable, tuple[QPicture, float | None]] = OrderedDict()
        self._label_boxes: dict[tuple[str, str], QRectF] = {}
        self._text_size: float | None = None  # told _updateMaxTextSize by the last drawing
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

    # Kept pictures ----------------------------------------------------------------------

    def paint(
        self, p: QPainter, opt: QStyleOptionGraphicsItem | None, widget: QWidget | None
    ) -> None:
        """pyqtgraph's paint, with the picture of a range drawn before taken again."""
        key = self._picture_key() if self.picture is None else None
        if key is not None:
            kept = self._pictures.get(key)
            if kept is not None:
                self._pictures.move_to_end(key)
                picture, text_size = kept
                if text_size is not None:
                    # What drawing it told pyqtgraph (the size of an axis of free width
                    # follows it); this forgets the picture, so it is set after.
                    self._updateMaxTextSize(text_size)
                self.picture = picture
        self._text_size = None
        super().paint(p, opt, widget)
        if key is not None and key not in self._pictures and self.picture is not None:
            self._pictures[key] = (self.picture, self._text_size)
            if len(self._pictures) > _KEPT_PICTURES:
                self._pictures.popitem(last=False)

    def _updateMaxTextSize(self, x: float) -> None:  # noqa: N802 - pyqtgraph's name
        self._text_size = x
        super()._updateMaxTextSize(x)

    def _picture_key(self) -> Hashable | None:
        """Everything a drawing is made from (None with a grid, which is drawn from the
        linked view's rect too)."""
        view = self.getViewWidget()
        if self.grid is not False or self.linkedView() is None or view is None:
            return None
        pens = tuple(
            (pen.color().rgba(), pen.widthF(), pen.style().value, pen.isCosmetic())
            for pen in (self.pen(), self.tickPen(), self.textPen())
        )
        device = self.deviceTransform(view.viewportTransform())  # sizes the ticks
        return (
            tuple(float(value) for value in self.range),
            self.mapRectFromParent(self.geometry()).getRect(),
            self.boundingRect().getRect(),
            (device.m11(), device.m12(), device.m21(), device.m22()),
            pens,
            # pyqtgraph's style has a fixed set of names, in a fixed order.
            tuple(map(_hashable, self.style.values())),
            self._tickDensity,
            _hashable(self._tickSpacing),
            _hashable(self._tickLevels),
            self.logMode,
            self.scale,
            self.autoSIPrefixScale,
        )

    # The value axis's drawing -----------------------------------------------------------

    def generateDrawSpecs(self, p: QPainter) -> Any:  # noqa: N802 - pyqtgraph override
        if self.orientation != "left" or not self._fast_path():
            return super().generateDrawSpecs(p)
        return self._left_draw_specs(p)

    def _left_draw_specs(self, p: QPainter) -> Any:
        """pyqtgraph's ``generateDrawSpecs`` for a left axis, its arithmetic step by step
        (so that the same ticks are kept and labelled), in plain Python."""
        style = self.style
        if style["tickFont"] is not None:
            p.setFont(style["tickFont"])
        bounds = self.mapRectFromParent(self.geometry())
        span = (
            bounds.topRight() + QPointF(-1.0, -1.0),
            bounds.bottomRight() + QPointF(-1.0, 1.0),
        )
        length = self._device_length(span)
        low, high = self.range[0], self.range[1]
        if not length or high == low:
            return super().generateDrawSpecs(p)
        levels = self._tick_values(low, high, length)
        scale = -bounds.height() / (high - low)
        shift = low * scale - bounds.height()
        x_min, x_max = sorted((low * scale - shift, high * scale - shift))
        tick_stop = bounds.right()  # where ticks start too: no grid
        tick_specs: list[tuple[QPen, QPointF, QPointF]] = []
        positions: list[list[float | None]] = []
        for level, (_, values) in enumerate(levels):
            reach = style["tickLength"] / (level * 0.5 + 1.0)
            pen = self._tick_pen(level)
            placed: list[float | None] = []
            for value in values:
                y = value * scale - shift
                if y < x_min or y > x_max:
                    placed.append(None)
                    continue
                placed.append(y)
                tick_specs.append((pen, QPointF(tick_stop, y), QPointF(tick_stop - reach, y)))
            positions.append(placed)
        axis_spec = (self.pen(), span[0], span[1])
        text_specs: list[tuple[QRectF, Qt.AlignmentFlag, str]] = []
        if not style["showValues"]:
            return axis_spec, tick_specs, text_specs
        heights: list[float] = []
        widths: list[float] = []
        widest = 0.0
        font = p.font().key()
        outline = self.boundingRect()
        before = max(0, style["tickLength"]) + style["tickTextOffset"][0]
        for level in range(min(len(levels), style["maxTextLevel"] + 1)):
            spacing, values = levels[level]
            strings: list[str | None] = list(
                self.tickStrings(values, self.autoSIPrefixScale * self.scale, spacing)
            )
            if not strings:
                continue
            boxes: list[QRectF | None] = []
            for index, text in enumerate(strings):
                if positions[level][index] is None or text is None:
                    strings[index] = None
                    boxes.append(None)
                    continue
                measured = self._label_box(p, font, text)
                boxes.append(measured)
                heights.append(measured.height())
                widths.append(measured.width())
            # pyqtgraph's text-density rule, with numpy's sums (it compares them).
            filled = float(np.sum(heights)) if heights else 0.0
            size = np.max(widths) if widths else 0
            if level > 0 and _too_crowded(filled / length, len(text_specs), style):
                break
            widest = size
            for text, box, y in zip(strings, boxes, positions[level], strict=True):
                if text is None or box is None or y is None:
                    continue
                height, width = box.height(), box.width()
                rect = QRectF(tick_stop - before - width, y - height / 2, width, height)
                if outline & rect != rect:
                    continue
                text_specs.append((rect, _LEFT_LABEL_FLAGS, text))
        self._updateMaxTextSize(widest)
        return axis_spec, tick_specs, text_specs

    def _device_length(self, span: tuple[QPointF, QPointF]) -> float:
        """The axis line's length in device pixels, as pyqtgraph measures it (0 when the
        axis has no device yet)."""
        view = self.getViewWidget()
        if view is None:
            return 0.0
        device = self.deviceTransform(view.viewportTransform())
        if device.determinant() == 0:
            return 0.0
        start, end = device.map(span[0]), device.map(span[1])
        return math.hypot(end.x() - start.x(), end.y() - start.y())

    def _tick_values(
        self, low: float, high: float, length: float
    ) -> list[tuple[float, list[float]]]:
        """pyqtgraph's ``tickValues`` (linear): per level its spacing and the values not
        within a hundredth of a spacing of a coarser level's, found by bisection in the
        sorted values kept so far rather than by ``np.isclose`` against all of them."""
        low, high = sorted((low, high))
        low *= self.scale
        high *= self.scale
        kept: list[float] = []
        ticks: list[tuple[float, list[float]]] = []
        for spacing, offset in self.tickSpacing(low, high, length):
            start = math.ceil((low - offset) / spacing) * spacing + offset
            count = int((high - start) / spacing) + 1
            near = spacing / self.scale * 0.01
            values = []
            for step in range(count):
                value = (step * spacing + start) / self.scale
                at = bisect.bisect_left(kept, value)
                if (at < len(kept) and abs(kept[at] - value) <= near) or (
                    at > 0 and abs(kept[at - 1] - value) <= near
                ):
                    continue
                values.append(value)
            for value in values:
                bisect.insort(kept, value)
            ticks.append((spacing / self.scale, values))
        return ticks

    def _tick_pen(self, level: int) -> QPen:
        """The tick pen of a level, faded as pyqtgraph fades it (no grid)."""
        pen = QPen(self.tickPen())
        alpha = self.style["tickAlpha"]
        if alpha is None:
            alpha = 255 / (level + 1)
        elif isinstance(alpha, float):
            alpha = min(255, max(0, round(alpha * 255)))
        if pen.brush().style() == Qt.BrushStyle.SolidPattern:
            colour = QColor(pen.color())
            colour.setAlpha(int(alpha))
            pen.setColor(colour)
        return pen

    def _label_box(self, p: QPainter, font: str, text: str) -> QRectF:
        """A label's size as pyqtgraph measures it (a little lower than the font's box),
        in the painter's font (``font``: its key, asked once per drawing: ~4 µs)."""
        key = (font, text)
        box = self._label_boxes.get(key)
        if box is None:
            box = p.boundingRect(QRectF(0, 0, 100, 100), Qt.AlignmentFlag.AlignCenter, text)
            box.setHeight(box.height() * 0.8)
            self._label_boxes[key] = box
        return QRectF(box)


def _too_crowded(filled: float, labelled: int, style: dict[str, Any]) -> bool:
    """pyqtgraph's rule for a finer level's labels: none once the labels so far fill
    more of the axis than its limit for as many labels."""
    limits: Sequence[tuple[int, float]] = style["textFillLimits"]
    return any(labelled >= count and filled >= limit for count, limit in limits)


class YearAxis(QuickBoundsAxis):
    """A bottom axis of years (see the module docstring)."""

    def __init__(self, **options: Any) -> None:
        super().__init__("bottom", **options)

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
        font = p.font().key()
        outline = self.boundingRect()
        tallest = 0.0
        spacing = levels[0][0] if levels else 1.0
        for value, x in major:
            text = _year_text(value, spacing)
            box = self._label_box(p, font, text)
            tallest = max(tallest, box.height())
            rect = QRectF(x - box.width() / 2, below, box.width(), box.height())
            if outline & rect == rect:
                text_specs.append((rect, _LABEL_FLAGS, text))
        self._updateMaxTextSize(tallest)
        return axis_spec, tick_specs, text_specs


def _year_text(value: float, spacing: float) -> str:
    """``1990``; a fraction of a year only where the ticks are closer than a year."""
    if spacing >= 1:
        return str(round(value))
    places = max(0, math.ceil(-math.log10(spacing)))
    return f"{value:.{places}f}"
