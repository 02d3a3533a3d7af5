"""Charts of the selected partner over time: relation strength per Afghan side, and aid.

Two pyqtgraph plots share the year axis. The strength plot has one line per Afghan side
(the viewed side drawn strong, the others faint), keyed in the header; the aid plot has
bars per amount kind, keyed under it.
Both shade the Afghan government periods and carry a cursor at the state's year
(:class:`YearCursor`): plain Qt items, so a year change moves it with a few C++ setters
and repaints it without Python; clicking or dragging in a plot moves the year
everywhere. Every plot item is created once; selection and side changes only call
``setData``/``setOpts``.
"""

from __future__ import annotations

import html
import itertools
import math
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPen,
    QResizeEvent,
    QShowEvent,
    QTransform,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from afgui.domain.model import Government
from afgui.domain.vocab import AfghanSide, AmountKind
from afgui.services.catalog import Catalog
from afgui.services.measures import (
    SCALE_MAX,
    SCALE_MIN,
    AidColumns,
    AidPoint,
    RelationsService,
    ViewSide,
)
from afgui.ui import theme
from afgui.ui.partner_list import strength_text
from afgui.ui.safe_text import plain_tooltip
from afgui.ui.state import AppState
from afgui.ui.year_axis import QuickBoundsAxis, YearAxis
from afgui.ui.year_slider import fractional_year

#: Lines drawn in the strength chart, in drawing order (the emphasised one is raised).
LINE_SIDES: tuple[ViewSide, ...] = (ViewSide.BOTH, ViewSide.GOVERNMENT, ViewSide.TALIBAN)
AMOUNT_ORDER: tuple[AmountKind, ...] = (
    AmountKind.PLEDGE,
    AmountKind.COMMITMENT,
    AmountKind.DISBURSEMENT,
    AmountKind.CUMULATIVE_TOTAL,
)
BAR_GROUP_WIDTH = 0.9
#: How far up and down the government shading reaches, in data units, until the aid
#: axis is known (large enough to cover any view, small enough for the rasteriser).
SHADE_REACH = 100.0
#: How much of a government period's tint covers what is under it (of 255).
SHADE_ALPHA = 150
#: The aid plot's height, axis included, when there is nothing to draw in it.
EMPTY_AID_HEIGHT = 72
UNLIMITED = 16_777_215  # QWIDGETSIZE_MAX
#: Years of context shown before a partner's first value.
LEAD_YEARS = 5
#: The aid axis reaches a round value above the largest bar: the first of these times a
#: power of ten at or above it with :data:`AID_HEADROOM` (the tallest bar fills 71-95 %
#: of the plot). Partners of like sizes then share an axis range, whose drawing the axis
#: keeps (afgui.ui.year_axis): drawing it anew was ~0.9 ms of a selection's paint at 1M
#: facts, where every partner's largest figure, times a fixed headroom, made a new range.
AID_AXIS_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
AID_HEADROOM = 1.05
#: The viewed side's line width, in logical pixels.
STRONG_LINE_PX = 2.6
#: The other sides' lines: one pixel wide on a standard screen, where Qt draws an
#: antialiased line with its one-pixel stroker rather than its general stroker and
#: rasteriser. Painting each, first selection at 1M facts, 30 partners, two runs: the
#: faint solid line 0.92 -> 0.31 ms, the faint pooled (dashed) one 1.35 -> 0.40 ms; the
#: charts' whole paint 6.6 -> 4.9 ms. Their alpha is raised to keep about the ink they
#: had at 1.4 px (1.4 x 110/255 ~ 1.0 x 155/255).
FAINT_LINE_PX = 1.0
FAINT_ALPHA = 155
FAINT_POOLED_ALPHA = 170
#: The faint pooled line's dashes and gaps in pen widths: the 5.6 and 2.8 pixels Qt's
#: dash line had at 1.4 px, so that it does not read as the dashed zero line.
FAINT_DASHES = (5.6, 2.8)


def aid_axis_top(largest: float) -> float:
    """Where the aid axis ends for bars up to ``largest`` (see :data:`AID_AXIS_STEPS`);
    1 for no positive finite figure."""
    if not (largest > 0 and math.isfinite(largest)):
        return 1.0
    wanted = largest * AID_HEADROOM
    power = 10.0 ** math.floor(math.log10(wanted))
    # The relative slack absorbs log10's rounding at an exact power of ten.
    return next(step * power for step in AID_AXIS_STEPS if step * power >= wanted * (1 - 1e-9))


def _qcolor(colour: QColor, alpha: int = 255) -> QColor:
    result = QColor(colour)
    result.setAlpha(alpha)
    return result


def _figure_text(point: AidPoint) -> str:
    """An aid figure as the tooltip lists it: ``pledge: ≈ 1,000 million USD``."""
    approx = "≈ " if point.approximate else ""
    amount = f"{point.amount / 1e6:,.0f} million {point.currency}"
    return f"{theme.AMOUNT_LABELS[point.amount_kind]}: {approx}{amount}"


def _shade_colour(tints: Sequence[tuple[int, AfghanSide]]) -> QColor:
    """The opaque colour of the theme's surface under the period tints ``tints`` (index
    and side, in drawing order), each at ``SHADE_ALPHA``."""
    red, green, blue = theme.SURFACE.redF(), theme.SURFACE.greenF(), theme.SURFACE.blueF()
    share = SHADE_ALPHA / 255
    for index, side in tints:
        tint = theme.PERIOD_TINTS[side][index % 2]
        red += (tint.redF() - red) * share
        green += (tint.greenF() - green) * share
        blue += (tint.blueF() - blue) * share
    return QColor.fromRgbF(red, green, blue)


#: Each amount kind's place in a year's group of bars, by the kind's code in the columns.
_SLOTS = np.array([AMOUNT_ORDER.index(kind) for kind in AmountKind], dtype=np.int64)


class ElidedLabel(QLabel):
    """One line of plain text, cut with an ellipsis to the label's width (the whole
    text then in its tooltip): a title that takes the width its row leaves."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._full_text = ""

    def full_text(self) -> str:
        return self._full_text

    def set_full_text(self, text: str) -> None:
        self._full_text = text
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._elide()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._elide()

    def _elide(self) -> None:
        text = self._full_text
        # Unshown, it has no width of its own yet (and it is cut when shown).
        shown = (
            self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, self.width())
            if self.isVisible()
            else text
        )
        if shown != self.text():
            self.setText(shown)
        tip = text if shown != text else ""
        if tip != self.toolTip():
            self.setToolTip(tip)


class Curve(pg.PlotCurveItem):  # type: ignore[misc]
    """pyqtgraph's curve, the bounds of its data found by numpy's NaN-skipping
    reductions directly.

    pyqtgraph finds them with ``np.nanmin``/``np.nanmax`` under a warnings filter, ~40 µs
    for each axis of each curve, again whenever the view's transform changes (so twice
    per curve and selection, the range moving with the partner). The same reductions
    (``nanmin`` is ``fmin.reduce`` and a check) give the same bounds; anything else (a
    fill, a pen sized in data units, infinite values, a partial range) is pyqtgraph's.
    """

    def dataBounds(  # noqa: N802 - pyqtgraph's names (the view box passes them by name)
        self,
        ax: int,
        frac: float = 1.0,
        orthoRange: object = None,  # noqa: N803
    ) -> tuple[float | None, float | None]:
        data = self.xData if ax == 0 else self.yData
        pens = (self.opts["pen"], self.opts["shadowPen"])
        if (
            frac < 1.0
            or orthoRange is not None
            or self.opts["fillLevel"] is not None
            or data is None
            or not len(data)
            or any(pen is not None and not pen.isCosmetic() for pen in pens)
        ):
            return super().dataBounds(ax, frac, orthoRange)  # type: ignore[no-any-return]
        cache = self._boundsCache[ax]
        if cache is not None and cache[0] == (frac, orthoRange):
            return cache[1]  # type: ignore[no-any-return]
        low, high = float(np.fmin.reduce(data)), float(np.fmax.reduce(data))
        if math.isinf(low) or math.isinf(high):
            return super().dataBounds(ax, frac, orthoRange)  # type: ignore[no-any-return]
        self._boundsCache[ax] = [(frac, orthoRange), (low, high)]
        return low, high


class Bars(pg.BarGraphItem):  # type: ignore[misc]
    """pyqtgraph's bars, their bounding rect kept until the data or the view changes.

    Qt asks a cached item for its bounding rect about six times a paint, and pyqtgraph
    works it out each time in Python, padding it by a pixel measured through the item's
    device transform (``pixelVectors``, ~30 µs): 24 times and 0.7 ms of a selection at
    1M facts. It depends only on the data, the pens (both through ``setOpts``) and that
    transform, which is compared in C++ here.
    """

    def __init__(self, view: pg.GraphicsView, **options: object) -> None:
        self._view = view
        self._bounds: tuple[QTransform, QRectF] | None = None  # (for transform, bounds)
        super().__init__(**options)

    def setOpts(self, **options: object) -> None:  # noqa: N802 - pyqtgraph's name
        self._bounds = None
        super().setOpts(**options)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        device = self.deviceTransform(self._view.viewportTransform())
        bounds = self._bounds
        if bounds is None or bounds[0] != device:
            bounds = self._bounds = (device, QRectF(super().boundingRect()))
        return QRectF(bounds[1])


class YearCursor(QObject):
    """The year cursor: a vertical line at the middle of the year in each plot, and the
    year written on a filled box near the top of the first plot, beside its line.

    It is drawn by plain Qt items in the view boxes' pixel coordinates — a line per view
    box, the label a rect and a simple text — so painting it calls no Python, and moving
    it at a year change is a few C++ setters (pyqtgraph's movable ``InfiniteLine`` with
    its label cost ~1.1 ms of Python per change, and Python again in every repaint of the
    strip it left and entered). Pixel coordinates rather than the data's, because Qt
    sizes a line's bounding rect by its pen width in the item's units even for a cosmetic
    pen: two years wide in the data, a strip 16 pixels wide was repainted for a 2 pixel
    line. The places are worked out again when a view's range or size changes.

    The mouse is read by an event filter on the view's viewport: near the cursor (within
    ``REACH``) the lines are highlighted, the mouse pointer offers to drag and
    :attr:`hovered` is set (the charts' tooltip then says so); a left press in a plot
    takes the year under the mouse and dragging moves it. Either way the cursor only
    asks for the year (``set_year``); its owner moves it when the year has changed.
    Mouse moves are left to the scene, which shows the tooltips.
    """

    #: How near the mouse must come to the cursor, in logical pixels, to highlight it.
    REACH = 5.0
    #: The label's padding around the year, in logical pixels.
    PAD = QPointF(4.0, 3.0)
    #: Where the label's middle stands, as a share of the first view box's height from
    #: its top (pyqtgraph's ``InfLineLabel(position=0.93)`` put it there).
    LABEL_HEIGHT = 0.07

    def __init__(
        self,
        view: pg.GraphicsLayoutWidget,
        plots: Sequence[pg.PlotItem],
        set_year: Callable[[int], None],
        font: QFont,
    ) -> None:
        super().__init__(view)
        self._view = view
        self._boxes: list[pg.ViewBox] = [plot.getViewBox() for plot in plots]
        self._set_year = set_year
        self._x = math.nan
        self._hovered = False
        self._drag_box: pg.ViewBox | None = None
        self._pen = QPen()
        self._hover_pen = QPen()
        self._scale = 1.0  # device pixels per logical pixel
        self.lines: tuple[QGraphicsLineItem, ...] = tuple(
            QGraphicsLineItem(box) for box in self._boxes
        )
        for line, box in zip(self.lines, self._boxes, strict=True):
            line.setZValue(20)  # above the data (the view box's child group)
            # sigTransformChanged is sent before a paint when the range or size changed.
            box.sigTransformChanged.connect(self._place)
            box.sigResized.connect(self._place)
        first = self._boxes[0]
        self.label = QGraphicsRectItem(first)
        self.label.setPen(QPen(Qt.PenStyle.NoPen))
        self.label.setZValue(1000)
        self.text = QGraphicsSimpleTextItem(self.label)
        self.text.setFont(font)
        self.text.setPos(self.PAD)
        view.viewport().installEventFilter(self)

    # The year ---------------------------------------------------------------------------

    def set_year(self, year: int) -> None:
        """Stand at ``year`` (the middle of it); the label says it."""
        x = year + 0.5
        if x == self._x:
            return
        self._x = x
        self.text.setText(str(year))
        self._place()
        if self._hovered and self._drag_box is None:
            # Moved from under a resting mouse (by the slider, the keys, playing): the
            # next mouse move says whether it is near again.
            self._set_hovered(False)

    def value(self) -> float:
        """Where the cursor stands, in years (the middle of its year)."""
        return self._x

    def year(self) -> int:
        return math.floor(self._x)

    def line_values(self) -> tuple[float, ...]:
        """Where each plot's line stands, in years (all the same)."""
        return tuple(
            float(box.childGroup.mapFromParent(line.pos()).x())
            for line, box in zip(self.lines, self._boxes, strict=True)
        )

    def label_text(self) -> str:
        return self.text.text()

    def drag_to(self, x: float) -> None:
        """Take the year at ``x`` (in years), as a click or drag of the mouse there does."""
        self._set_year(math.floor(x))

    # Drawing ----------------------------------------------------------------------------

    def set_colours(self, ink: QColor, accent: QColor, surface: QColor, scale: float) -> None:
        """Draw in the theme's colours, the lines ``scale`` device pixels per logical one
        (their pens are cosmetic: widths are in device pixels)."""
        self._scale = scale
        self._pen = QPen(ink, 2 * scale)
        self._hover_pen = QPen(accent, 3 * scale)
        for pen in (self._pen, self._hover_pen):
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        for line in self.lines:
            line.setPen(self._hover_pen if self._hovered else self._pen)
        self.label.setBrush(_qcolor(surface, 230))
        self.text.setBrush(ink)
        self._place()

    def _place(self, *_: object) -> None:
        if math.isnan(self._x):
            return
        scale = self._scale
        for line, box in zip(self.lines, self._boxes, strict=True):
            at = box.childGroup.mapToParent(QPointF(self._x, 0.0)).x()
            # On a whole device pixel: the 2 pixel line is then drawn crisp, not blurred
            # over three.
            at = round(at * scale) / scale
            line.setLine(0.0, 0.0, 0.0, box.rect().height())
            line.setPos(at, 0.0)
        box = self._boxes[0]
        at = self.lines[0].pos().x()
        text = self.text.boundingRect()
        width = text.width() + 2 * self.PAD.x()
        height = text.height() + 2 * self.PAD.y()
        self.label.setRect(0.0, 0.0, width, height)
        # Left of the line, touching it; right of it where the left has no room.
        left = at - 1.0 - width if at - 1.0 - width >= 0 else at + 1.0
        self.label.setPos(left, box.rect().height() * self.LABEL_HEIGHT - height / 2)

    # The mouse ---------------------------------------------------------------------------

    @property
    def hovered(self) -> bool:
        """Whether the mouse is near the cursor (or dragging it)."""
        return self._hovered

    def _set_hovered(self, hovered: bool) -> None:
        if hovered == self._hovered:
            return
        self._hovered = hovered
        for line in self.lines:
            line.setPen(self._hover_pen if hovered else self._pen)
        viewport = self._view.viewport()
        if hovered:
            viewport.setCursor(Qt.CursorShape.SizeHorCursor)
        else:
            viewport.unsetCursor()

    def _box_at(self, scene: QPointF) -> pg.ViewBox | None:
        for box in self._boxes:
            if box.sceneBoundingRect().contains(scene):
                return box
        return None

    def _near(self, scene: QPointF) -> bool:
        box = self._box_at(scene)
        if box is None or math.isnan(self._x):
            return False
        line = self.lines[self._boxes.index(box)]
        return abs(scene.x() - float(line.scenePos().x())) <= self.REACH

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.Leave and self._drag_box is None:
            self._set_hovered(False)
            return False
        if not isinstance(event, QMouseEvent):
            return False
        scene = self._view.mapToScene(event.position().toPoint())
        if kind == QEvent.Type.MouseMove:
            if self._drag_box is not None and not event.buttons() & Qt.MouseButton.LeftButton:
                self._drag_box = None  # the release went elsewhere (a popup, another window)
            if self._drag_box is not None:
                self.drag_to(self._drag_box.mapSceneToView(scene).x())
            else:
                self._set_hovered(self._near(scene))
            # Not taken: the scene still shows the tooltips of the year under the mouse.
            return False
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            box = self._box_at(scene)
            if box is None:
                return False
            self._drag_box = box
            self._set_hovered(True)
            self.drag_to(box.mapSceneToView(scene).x())
            return True
        if kind == QEvent.Type.MouseButtonRelease and self._drag_box is not None:
            self.drag_to(self._drag_box.mapSceneToView(scene).x())
            self._drag_box = None
            self._set_hovered(self._near(scene))
            return True
        return False


class ChartsView(QWidget):
    """Strength over time and aid volume for the selected partner, with a year cursor."""

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
        self._years = np.arange(state.first_year, state.last_year + 1, dtype=float)
        self._series: dict[ViewSide, np.ndarray] = {}
        # Aid figures as columns: a partner of a large database has tens of thousands.
        self._aid = AidColumns.empty()
        self._compare_series: dict[ViewSide, np.ndarray] = {}
        self._compare_aid = AidColumns.empty()
        self._aid_currency = ""
        self._aid_kinds: frozenset[AmountKind] = frozenset()
        self._x_range = (float(state.first_year), float(state.last_year + 1))
        self._x_range_set: tuple[float, float] | None = None  # the views' x range, once set
        self._aid_top: float | None = None  # where the aid axis was set to end
        self._pens_for: tuple[object, ...] = ()  # (side, theme, pixel ratio) of the lines' pens

        pg.setConfigOptions(antialias=True)
        self.title = ElidedLabel(self)
        self.title.setFont(theme.heading_font(self.font(), 1.1))
        # The title takes the width the legend leaves, whatever its text: a selection's
        # new title then moves nothing else (the legend's text was laid out again at
        # every selection whose title was wider or narrower, ~0.5 ms at 1M facts).
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.title.setMinimumWidth(1)
        self.legend = QLabel(self)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        # The legend of the lines, as wide as its text; on a narrow window cut rather
        # than widen it.
        self.legend.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.legend.setMinimumWidth(1)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        theme.fill_as_card(self.title)
        theme.fill_as_card(self.legend)
        self._legend_pending = False  # a new text not laid out yet
        self._legend_width = -1  # the width its text was laid out at
        self.graphics = pg.GraphicsLayoutWidget(self)
        self.graphics.setAccessibleName("Charts of strength and aid over time")
        self.graphics.setAccessibleDescription(
            "The selected partner's relation strength per Afghan side and its aid figures "
            "by year; the year slider and the detail pane give the same values by keyboard."
        )
        # Nothing in the plots is operated by keyboard (the slider is), so no tab stop.
        self.graphics.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.graphics.viewport().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # The view paints every pixel (the themes' surfaces are opaque): Qt need not
        # fill the viewport's background under each repaint first.
        self.graphics.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.graphics.setBackground(theme.SURFACE)
        self.graphics.ci.setContentsMargins(4, 4, 10, 4)
        self.graphics.ci.setSpacing(6)

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.title, 1)
        header.addWidget(self.legend)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.graphics, 1)

        self.strength_plot = self._make_plot(0, "Strength")
        self.strength_plot.setYRange(SCALE_MIN, SCALE_MAX, padding=0.04)
        self.strength_plot.getAxis("left").setTicks(
            [[(v, f"{v:+.0f}".replace("-", "−") if v else "0") for v in (-10, -5, 0, 5, 10)]]
        )
        self.strength_plot.getAxis("bottom").setStyle(showValues=False)
        self.aid_plot = self._make_plot(1, "Aid, M USD")
        self._make_aid_key()
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.graphics.ci.layout.setRowStretchFactor(1, 2)

        self._shade_governments(catalog.governments)
        # Guide lines as plain Qt items rather than the axes' grid: a grid makes every
        # cursor move repaint both axes.
        self._guides: list[tuple[QGraphicsLineItem, int]] = []
        for level in (-10, -5, 0, 5, 10):
            guide = QGraphicsLineItem(
                float(state.first_year), float(level), float(state.last_year + 1), float(level)
            )
            guide.setZValue(-5)
            self.strength_plot.addItem(guide, ignoreBounds=True)
            self._guides.append((guide, level))

        # Curves rather than pyqtgraph's PlotDataItems: they draw the same curve, and
        # the PlotDataItem's own handling of the data (display dataset, bounds, clipping
        # and downsampling, all off here) cost ~0.3 ms per line and selection, and its
        # setPen re-processed the data.
        self.lines: dict[ViewSide, Curve] = {}
        for side in LINE_SIDES:
            line = Curve(connect="finite", name=theme.SIDE_LABELS[side.value])
            # Cached as a picture: a cursor move then repaints the curve from the cache.
            line.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.strength_plot.addItem(line)
            self.lines[side] = line
        self.bars: dict[AmountKind, Bars] = {}
        for kind in AMOUNT_ORDER:
            colour = theme.AMOUNT_COLOURS[kind]
            bar = Bars(
                self.graphics,
                x=[],
                height=[],
                width=BAR_GROUP_WIDTH / len(AMOUNT_ORDER),
                brush=pg.mkBrush(colour),
                pen=pg.mkPen(colour.darker(130), width=1),
            )
            # Cached like the curves: a large partner has thousands of aid figures, and
            # every year change repaints the plot for its cursor.
            bar.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.aid_plot.addItem(bar)
            self.bars[kind] = bar
        # The partner compared with the selection: one line at the viewed side and its
        # aid (in the selection's currency) as outlined bars over the selection's.
        self.compare_line = Curve(connect="finite")
        self._compare_drawn = False
        self.compare_line.setZValue(8)
        self.strength_plot.addItem(self.compare_line)
        self.compare_bars = Bars(
            self.graphics, x=[], height=[], width=BAR_GROUP_WIDTH, brush=pg.mkBrush(None)
        )
        self.compare_bars.setZValue(8)
        self.compare_bars.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.aid_plot.addItem(self.compare_bars)

        # Messages centred in the view boxes, as plain Qt items in their pixels: a
        # pyqtgraph TextItem works out its transform in Python before every paint.
        self.placeholder = QGraphicsSimpleTextItem("Select a partner to see it over time")
        self.aid_empty = QGraphicsSimpleTextItem("no aid figures")
        for message, plot in (
            (self.placeholder, self.strength_plot),
            (self.aid_empty, self.aid_plot),
        ):
            message.setFont(QFont(self.font()))
            message.setParentItem(plot.getViewBox())
            plot.getViewBox().sigResized.connect(self._centre_messages)

        self.year_cursor = YearCursor(
            self.graphics, (self.strength_plot, self.aid_plot), state.set_year, QFont(self.font())
        )
        self.year_cursor.set_year(state.year)

        self._colours = theme.current()
        self._apply_colours()
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
        state.selection_changed.connect(self._on_selection)
        state.side_changed.connect(self._on_side_changed)
        state.year_changed.connect(self._on_year)
        state.compare_changed.connect(self._on_compare)
        self._on_selection(state.selection)

    # Construction helpers ---------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._colours is not theme.current():
            self._colours = theme.current()
            self._apply_colours()
            self._update_aid()
            self._on_side(self._state.side.value)
            self._lay_out_legend()

    def _px(self, width: float) -> float:
        """A line width in logical pixels as a pen width: pyqtgraph's pens are cosmetic,
        sized in device pixels, so on a 2x screen they would be drawn half as thick."""
        return width * self.devicePixelRatioF()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.DevicePixelRatioChange:
            self._apply_colours()
            self._update_aid()
            self._on_side(self._state.side.value)
            self._lay_out_legend()
        return super().event(event)

    def _apply_colours(self) -> None:
        """Give every themed item the current theme's colours (at start and on a change)."""
        self.graphics.setBackground(theme.SURFACE)
        for plot in (self.strength_plot, self.aid_plot):
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(pg.mkPen(theme.RULE))
                axis.setTextPen(pg.mkPen(theme.MUTED_INK))
                if axis.labelText:
                    axis.setLabel(axis.labelText, **{"color": theme.MUTED_INK.name()})
        for guide, level in self._guides:
            pen = QPen(theme.FAINT_INK if level == 0 else _qcolor(theme.FAINT_INK, 70), 0)
            if level == 0:
                pen.setStyle(Qt.PenStyle.DashLine)
            guide.setPen(pen)
        for shade, _, stretch in self._shades:
            shade.setBrush(_shade_colour(self._stretches[stretch]))
        self.placeholder.setBrush(theme.MUTED_INK)
        self.aid_empty.setBrush(theme.FAINT_INK)
        for _, kind_name in self._aid_key.values():
            kind_name.setBrush(theme.MUTED_INK)
        self._aid_others.setBrush(theme.FAINT_INK)
        self.year_cursor.set_colours(theme.INK, theme.ACCENT, theme.SURFACE, self._px(1))

    def _make_plot(self, row: int, label: str) -> pg.PlotItem:
        plot = self.graphics.addPlot(
            row=row, col=0, axisItems={"bottom": YearAxis(), "left": QuickBoundsAxis("left")}
        )
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        font = QFont(self.font())
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(theme.RULE))
            axis.setTextPen(pg.mkPen(theme.MUTED_INK))
            axis.setTickFont(font)
            # Their ticks reach into the view box, so every cursor move repaints a strip
            # of each: from a cached pixmap instead of replaying the axis in Python.
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        left = plot.getAxis("left")
        left.setLabel(label, **{"color": theme.MUTED_INK.name()})
        left.setWidth(
            self.fontMetrics().horizontalAdvance("−0000") + self.fontMetrics().height() + 14
        )
        # No SI prefixes (the values are years, strengths and millions): with them on,
        # pyqtgraph re-laid out every axis's label (setHtml) at each range change, four
        # times a selection. The hidden top and right axes follow no view at all.
        for name in ("left", "bottom", "top", "right"):
            plot.getAxis(name).enableAutoSIPrefix(False)
        for name in ("top", "right"):
            plot.getAxis(name).unlinkFromView()
        box = plot.getViewBox()
        box.setDefaultPadding(0.0)
        # The view box draws nothing of its own (its background and border are child
        # items; its paint() strokes the border again, with no pen): without contents
        # Qt skips calling paint() and shape() in Python at every repaint under it. Its
        # mouse handling is off, so it loses nothing by not being hit by the mouse.
        box.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
        return plot

    def _make_aid_key(self) -> None:
        """The key of the aid bars' colours, under the aid plot on its time axis's label
        line (its ticks say the years): one swatch and name per amount kind, plain Qt
        items shown for the kinds the partner has (:meth:`_place_aid_key`). In the
        header's legend, the four of them made it too wide for the charts at 1440 px,
        and it changed with most selections."""
        axis = self.aid_plot.getAxis("bottom")
        # A label of no visible text keeps the axis's line for the key.
        axis.setLabel("\u00a0")
        font = QFont(self.font())
        side = QFontMetricsF(font).height() * 0.62
        self._aid_key: dict[AmountKind, tuple[QGraphicsRectItem, QGraphicsSimpleTextItem]] = {}
        for kind in AMOUNT_ORDER:
            swatch = QGraphicsRectItem(0.0, 0.0, side, side, axis)
            swatch.setPen(QPen(Qt.PenStyle.NoPen))
            swatch.setBrush(theme.AMOUNT_COLOURS[kind])
            name = QGraphicsSimpleTextItem(theme.AMOUNT_LABELS[kind], axis)
            name.setFont(font)
            self._aid_key[kind] = (swatch, name)
        # After them, how many figures are in currencies the chart does not draw (the
        # value axis's label said "(+2946 other)", too long for it at 1M facts).
        self._aid_others = QGraphicsSimpleTextItem("", axis)
        self._aid_others.setFont(font)
        self._aid_others_count = 0
        self._aid_key_shown: tuple[frozenset[AmountKind], int, str] | None = None
        axis.geometryChanged.connect(self._place_aid_key)

    def _place_aid_key(self) -> None:
        """Show the key's entries of the kinds the partner has, in a row from the aid
        plot's left edge, on the line of the time axis's label, and after them how many
        figures are in other currencies."""
        axis = self.aid_plot.getAxis("bottom")
        height = axis.geometry().height()
        x = 0.0
        for kind in AMOUNT_ORDER:
            swatch, name = self._aid_key[kind]
            shown = kind in self._aid_kinds
            swatch.setVisible(shown)
            name.setVisible(shown)
            if not shown:
                continue
            text = name.boundingRect()
            top = height - text.height() - 1
            size = swatch.rect().height()
            swatch.setPos(x, top + (text.height() - size) / 2)
            name.setPos(x + size + 4, top)
            x += size + 4 + text.width() + 14
        others = self._aid_others_count
        self._aid_others.setVisible(bool(others))
        if others:
            self._aid_others.setText(f"+{others:,} in other currencies")
            self._aid_others.setToolTip(
                f"{others:,} figure{'s are' if others != 1 else ' is'} in other currencies "
                f"than the chart's {self._aid_currency}, and not drawn; the tooltip of a "
                "year lists every figure"
            )
            top = height - self._aid_others.boundingRect().height() - 1
            self._aid_others.setPos(x, top)
        self._aid_key_shown = (self._aid_kinds, others, self._aid_currency)

    def _shade_governments(self, governments: Sequence[Government]) -> None:
        """Shade each government's period in its side's tint (alternating per side).

        Drawn as opaque plain QGraphicsRectItems, one per stretch of time with the same
        governments, in the colour their translucent tints make over the surface: Qt
        draws them without calling back into Python and without blending, which
        matters because every cursor move repaints the strip they lie under.
        """
        self._periods: list[tuple[float, float, Government]] = []
        tinted: list[tuple[float, float, int, AfghanSide]] = []
        counts: Counter[str] = Counter()
        for government in governments:
            start = fractional_year(government.start)
            end = (
                fractional_year(government.end)
                if government.end is not None
                else self._state.last_year + 1.0
            )
            if government.side not in theme.PERIOD_TINTS:
                continue
            tinted.append((start, end, counts[government.side.value], government.side))
            counts[government.side.value] += 1
            self._periods.append((start, end, government))
        #: Per stretch, the tints over it (index, side), in drawing order.
        self._stretches: list[tuple[tuple[int, AfghanSide], ...]] = []
        #: Each shade with its plot and the index of its stretch.
        self._shades: list[tuple[QGraphicsRectItem, pg.PlotItem, int]] = []
        edges = sorted({start for start, *_ in tinted} | {end for _, end, *_ in tinted})
        for low, high in itertools.pairwise(edges):
            over = tuple((i, side) for start, end, i, side in tinted if start < high and end > low)
            if not over:
                continue
            for plot in (self.strength_plot, self.aid_plot):
                shade = QGraphicsRectItem(QRectF(low, -SHADE_REACH, high - low, 2 * SHADE_REACH))
                shade.setPen(QPen(Qt.PenStyle.NoPen))
                shade.setBrush(_shade_colour(over))
                shade.setZValue(-20)
                plot.addItem(shade, ignoreBounds=True)
                self._shades.append((shade, plot, len(self._stretches)))
            self._stretches.append(over)

    # State changes ----------------------------------------------------------------

    def _on_selection(self, code: str) -> None:
        if not code:
            self._series = {}
            self._aid = AidColumns.empty()
            for line in self.lines.values():
                line.setData([], [])
        else:
            self._series = {}
            for side in LINE_SIDES:
                # NaN where there is no data, so the line breaks there.
                array = self._relations.series_values(code, side)
                self._series[side] = array
                # From its first value to its last (gaps inside still break it): with
                # missing values at the ends, pyqtgraph makes the path by a slower way
                # (~60 µs more a line), for the same line.
                known = np.flatnonzero(np.isfinite(array))
                start, stop = (int(known[0]), int(known[-1]) + 1) if len(known) else (0, 0)
                # A bar-like step per year: the value holds from the start to the end of it.
                self.lines[side].setData(self._years[start:stop] + 0.5, array[start:stop])
            self._aid = self._relations.aid_columns(code)
        self.placeholder.setVisible(not code)
        self._on_compare(self._state.compare)

    def _on_compare(self, code: str) -> None:
        self._compare_series = {}
        self._compare_aid = AidColumns.empty()
        if code and self._state.selection:
            for side in LINE_SIDES:
                self._compare_series[side] = self._relations.series_values(code, side)
            self._compare_aid = self._relations.aid_columns(code)
        self.title.set_full_text(self.title_text())
        self._update_aid()
        self._update_range()
        self._on_side(self._state.side.value)
        self._apply_now()

    def _apply_now(self) -> None:
        """Lay the plots out and move their contents into place before the next paint.

        Otherwise the paint itself finds the work — a plot whose height changed (with or
        without aid figures), a view box whose range changed — and asks for a second
        and third paint: a selection painted the charts two or three times (16.6 ms
        median, 43.7 ms p95 on the curated data) instead of once (10.4 / 15.6 ms).
        Likewise the title and the legend above the plots: a new legend (a side or a
        compared partner) laid out only after the window's paint took a second and a
        third paint of the window.
        """
        # The labels' new sizes reach their layout as a posted request: handled now.
        QCoreApplication.sendPostedEvents(self, QEvent.Type.LayoutRequest)
        self.graphics.ci.layout.activate()
        for plot in (self.strength_plot, self.aid_plot):
            plot.getViewBox().prepareForPaint()
        self._lay_out_legend()  # at the width the layout gave it

    def _centre_messages(self, *_: object) -> None:
        for message in (self.placeholder, self.aid_empty):
            box = message.parentItem()
            if box is not None:
                message.setPos(box.boundingRect().center() - message.boundingRect().center())

    def _name(self, code: str) -> str:
        actor = self._catalog.actors_by_code.get(code)
        return actor.name if actor else code

    def title_text(self) -> str:
        """``Pakistan over time``, ``Pakistan and India over time``, ``Over time``."""
        code = self._state.selection
        if not code:
            return "Over time"
        if self._compare_series:
            return f"{self._name(code)} and {self._name(self._state.compare)} over time"
        return f"{self._name(code)} over time"

    def _on_side(self, side: str) -> None:
        viewed = ViewSide(side)
        # The lines' pens and order follow the side, the theme and the pixel ratio only:
        # a selection keeps them (building and comparing them cost ~0.1 ms).
        pens_for = (viewed, theme.current(), self.devicePixelRatioF())
        if pens_for != self._pens_for:
            self._pens_for = pens_for
            self._set_line_pens(viewed)
        compared = self._compare_series.get(viewed)
        self.compare_line.setVisible(compared is not None)  # hidden: not asked for bounds
        if compared is None:
            if self._compare_drawn:
                self.compare_line.setData([], [])
                self._compare_drawn = False
        else:
            self._compare_drawn = True
            self.compare_line.setData(self._years + 0.5, compared)
            self.compare_line.setPen(
                pg.mkPen(theme.COMPARE_COLOUR, width=self._px(2.4), style=Qt.PenStyle.DashDotLine)
            )
        legend = self._legend_html(viewed)
        if legend != self.legend.text():
            self.legend.setText(legend)
            self._legend_pending = True

    def _set_line_pens(self, viewed: ViewSide) -> None:
        """The viewed side's line strong and on top, the others faint."""
        for line_side, line in self.lines.items():
            colour = theme.SIDE_COLOURS[line_side.value]
            strong = line_side is viewed or (
                viewed is ViewSide.BOTH and line_side is not ViewSide.BOTH
            )
            if line_side is ViewSide.BOTH and viewed is ViewSide.BOTH:
                pen = pg.mkPen(colour, width=self._px(STRONG_LINE_PX), style=Qt.PenStyle.DashLine)
            elif line_side is ViewSide.BOTH:
                pen = pg.mkPen(_qcolor(colour, FAINT_POOLED_ALPHA), width=self._px(FAINT_LINE_PX))
                pen.setDashPattern(list(FAINT_DASHES))
            else:
                pen = pg.mkPen(
                    _qcolor(colour, 255 if strong else FAINT_ALPHA),
                    width=self._px(STRONG_LINE_PX if strong else FAINT_LINE_PX),
                )
            current = line.opts.get("pen")
            # setPen forgets the curve's bounds and drawing; a new selection keeps the pens.
            if not isinstance(current, QPen) or current != pen:
                line.setPen(pen)
            line.setZValue(10 if line_side is viewed else 5)

    def _on_side_changed(self, side: str) -> None:
        self._on_side(side)
        self._apply_now()  # the legend's new text (and the plots) before the paint

    def _lay_out_legend(self) -> None:
        """Lay the legend's text out at the legend's width now, before the paint.

        A rich-text label lays its text out in its paint, at its width, and that layout
        asks for another paint: each change of the legend's text or width painted the
        legend, and the window around it, in a second pass (~0.33 ms at 1M facts).
        Asked for its height at its width, the label lays the text out at that width,
        and its paint finds nothing to do.
        """
        width = self.legend.width()
        if self._legend_pending or width != self._legend_width:
            self._legend_pending = False
            self._legend_width = width
            self.legend.heightForWidth(width)

    def _on_year(self, year: int) -> None:
        self.year_cursor.set_year(year)
        low, high = self._x_range
        if not low <= year <= high - 1:
            self._update_range()

    # Drawing ------------------------------------------------------------------------

    def _update_aid(self) -> None:
        """The aid bars, the compared partner's, and the aid axis's range and label.

        One bar per year and kind, as tall as its largest figure, and one outline per
        year for the compared partner's largest new figure (AidColumns): figures are
        never added, and the tooltip lists them all. Array-wise, with years as offsets
        from the first rather than ranked by ``np.unique`` (a sort).
        """
        aid = self._aid
        currency, others = aid.main_currency()
        self._aid_currency = currency
        self._aid_kinds = aid.kinds_present()
        self._aid_others_count = others
        if (self._aid_kinds, others, currency) != self._aid_key_shown:
            self._place_aid_key()
        years, kinds, tallest = aid.largest_per_year_and_kind(currency)
        amounts = tallest / 1e6
        # Bars of one year share its width, in the fixed order of the amount kinds: per
        # year, which kinds it has; a bar's place is the number of those before its kind.
        slot = _SLOTS[kinds]
        slots = len(AMOUNT_ORDER)
        # Which kinds each year has, indexed flat: (year - first year) x slots + slot.
        first = int(years[0]) if len(years) else 0
        cell = (years - first) * slots + slot
        present = np.zeros((int(years[-1]) - first + 1 if len(years) else 0, slots), bool)
        present.reshape(-1)[cell] = True  # a view: the array is contiguous
        group = present.sum(axis=1)[cell // slots]
        place = (np.cumsum(present, axis=1) - 1).reshape(-1)[cell]
        widths = BAR_GROUP_WIDTH / np.maximum(group, 1)
        xs = years + 0.5 - BAR_GROUP_WIDTH / 2 + widths * (place + 0.5)
        # Each kind's bars in year order, as slices of the bars ordered by kind (a
        # stable sort of small integers) rather than picked by four masks each.
        by_kind = np.argsort(slot.astype(np.int8), kind="stable")
        xs, amounts_by_kind, widths = xs[by_kind], amounts[by_kind], widths[by_kind]
        ends = np.cumsum(np.bincount(slot, minlength=slots)).tolist()
        for i, kind in enumerate(AMOUNT_ORDER):
            start, end = ends[i - 1] if i else 0, ends[i]
            bar = self.bars[kind]
            # Most partners have no figures of most kinds: an empty item stays so without
            # pyqtgraph preparing (and redrawing) it again, and hidden, so that no paint
            # asks it for its bounds in Python.
            bar.setVisible(end > start)
            if end == start and not np.size(bar.opts["x"]):
                continue
            bar.setOpts(x=xs[start:end], height=amounts_by_kind[start:end], width=widths[start:end])
        compared_years, compared = self._compare_aid.largest_new_per_year(currency)
        compared = compared / 1e6
        self.compare_bars.setVisible(bool(len(compared_years)))
        if len(compared_years) or np.size(self.compare_bars.opts["x"]):
            self.compare_bars.setOpts(
                x=compared_years.astype(float) + 0.5,
                height=compared,
                pen=pg.mkPen(theme.COMPARE_COLOUR, width=self._px(2)),
            )
        heights = np.concatenate((amounts, compared))
        label = f"Aid, M {currency}" if len(heights) else "Aid"
        axis = self.aid_plot.getAxis("left")
        # Set only when it changes: pyqtgraph lays the label out again and redraws and
        # re-measures the axis even for the same text (themes recolour it themselves).
        if label != axis.labelText:
            axis.setLabel(label, **{"color": theme.MUTED_INK.name()})
        top = aid_axis_top(float(heights.max()) if len(heights) else 0.0)
        if top != self._aid_top:  # the same (no figures, say): pyqtgraph's range work spared
            self._aid_top = top
            self.aid_plot.setYRange(0, top, padding=0)
            for shade, plot, _ in self._shades:
                if plot is self.aid_plot:
                    rect = shade.rect()
                    shade.setRect(QRectF(rect.left(), -top, rect.width(), top * 3))
        # Without aid figures the aid plot shrinks and leaves the room to the strength.
        self.aid_plot.setMaximumHeight(UNLIMITED if len(heights) else EMPTY_AID_HEIGHT)
        self.aid_empty.setVisible(bool(self._state.selection) and not len(heights))
        if axis.style["showValues"] != bool(len(heights)):
            axis.setStyle(showValues=bool(len(heights)))

    def _update_range(self) -> None:
        first = float(self._state.first_year)
        last = float(self._state.last_year + 1)
        low = first
        defined = [
            self._years[np.isfinite(values)] for values in self._series.values() if len(values)
        ]
        defined += [
            self._years[np.isfinite(values)]
            for values in self._compare_series.values()
            if len(values)
        ]
        starts = [float(years[0]) for years in defined if len(years)]
        # Aid columns are in year order: the first is the earliest.
        starts += [float(aid.years[0]) for aid in (self._aid, self._compare_aid) if len(aid)]
        if starts:
            low = max(first, math.floor((min(starts) - LEAD_YEARS) / 5) * 5)
        # A year before that widens the view to the five years it falls in: a drag
        # leftwards past the start redraws the whole charts every fifth year rather
        # than every year, and the time axis keeps its picture of each such range.
        low = max(first, min(low, math.floor(self._state.year / 5) * 5.0))
        self._x_range = (low, last)
        if self._x_range == self._x_range_set:
            return  # pyqtgraph works a range out again (~0.1 ms a view) even unchanged
        self._x_range_set = self._x_range
        # Both set rather than linked: pyqtgraph's link maps the range through the
        # views' screen geometry in Python at every change, for views of equal width.
        for plot in (self.strength_plot, self.aid_plot):
            plot.setXRange(low, last, padding=0)

    def _legend_html(self, viewed: ViewSide) -> str:
        parts = []
        for side in (ViewSide.GOVERNMENT, ViewSide.TALIBAN, ViewSide.BOTH):
            colour = theme.SIDE_COLOURS[side.value].name()
            dash = "┄┄" if side is ViewSide.BOTH else "━━"
            label = "both pooled" if side is ViewSide.BOTH else theme.SIDE_LABELS[side.value]
            weight = "font-weight:600;" if side is viewed else ""
            parts.append(
                f"<span style='color:{colour}'>{dash}</span>&nbsp;"
                f"<span style='{weight}'>{label}</span>"
            )
        if self._compare_series:
            name = html.escape(self._name(self._state.compare))
            parts.append(
                f"<span style='color:{theme.COMPARE_COLOUR.name()}'>━·━</span>&nbsp;"
                f"<span style='font-weight:600'>{name}</span>"
            )
        return "&nbsp;&nbsp; ".join(parts)

    def legend_entries(self) -> list[tuple[pg.GraphicsObject, str]]:
        """The lines shown with data and their names (for an exported figure)."""
        entries: list[tuple[pg.GraphicsObject, str]] = []
        if not self._state.selection:
            return entries
        name = self._name(self._state.selection)
        for side in (ViewSide.GOVERNMENT, ViewSide.TALIBAN, ViewSide.BOTH):
            values = self._series.get(side)
            if values is not None and np.isfinite(values).any():
                label = (
                    "both sides pooled" if side is ViewSide.BOTH else theme.SIDE_LABELS[side.value]
                )
                entries.append((self.lines[side], f"{name}: {label}"))
        # The aid kinds have their key under the aid plot, which the figure shows.
        viewed = self._compare_series.get(self._state.side)
        if viewed is not None:
            viewing = theme.SIDE_LABELS[self._state.side.value]
            entries.append((self.compare_line, f"{self._name(self._state.compare)}: {viewing}"))
        return entries

    # Hover ---------------------------------------------------------------------------

    def _on_mouse_moved(self, position: QPointF) -> None:
        for plot in (self.strength_plot, self.aid_plot):
            box = plot.getViewBox()
            if box.sceneBoundingRect().contains(position):
                year = math.floor(box.mapSceneToView(position).x())
                text = self.tooltip_text(year, aid=plot is self.aid_plot)
                if text and self.year_cursor.hovered:
                    text += "\n\nClick or drag to change the year"
                if text:
                    QToolTip.showText(QCursor.pos(), plain_tooltip(text), self.graphics)
                return
        QToolTip.hideText()

    def tooltip_text(self, year: int, *, aid: bool) -> str:
        if not self._state.first_year <= year <= self._state.last_year:
            return ""
        lines = [str(year)]
        governments = [g for start, end, g in self._periods if start < year + 1 and end > year]
        if governments:
            lines.append(" / ".join(g.name for g in governments))
        if aid:
            points = self._aid.points_in(year)
            lines.extend(_figure_text(point) for point in points)
            if self._state.selection and not points:
                lines.append("no aid figure")
            compared = self._compare_aid.points_in(year)
            if compared:
                name = self._name(self._state.compare)
                lines.extend(f"{name}, {_figure_text(point)}" for point in compared)
        elif self._series:
            index = year - self._state.first_year
            for side in (ViewSide.GOVERNMENT, ViewSide.TALIBAN, ViewSide.BOTH):
                value = float(self._series[side][index])
                shown = None if math.isnan(value) else value
                label = "both pooled" if side is ViewSide.BOTH else theme.SIDE_LABELS[side.value]
                lines.append(f"{label}: {strength_text(shown)}")
            compared_values = self._compare_series.get(self._state.side)
            if compared_values is not None:
                value = float(compared_values[index])
                shown = None if math.isnan(value) else value
                lines.append(f"{self._name(self._state.compare)}: {strength_text(shown)}")
        return "\n".join(lines)

    # Introspection for reports and tests ----------------------------------------------

    def aid_key(self) -> list[tuple[str, QRectF]]:
        """The aid key's entries shown, in order: each kind's name and where its swatch
        and name lie, in the charts' view's pixels, then the note of figures in other
        currencies, if any."""
        view = self.graphics

        def placed(*items: QGraphicsItem) -> QRectF:
            rect = QRectF()
            for item in items:
                rect |= view.mapFromScene(item.sceneBoundingRect()).boundingRect().toRectF()
            return rect

        entries = [
            (name.text(), placed(swatch, name))
            for swatch, name in self._aid_key.values()
            if name.isVisible()
        ]
        if self._aid_others.isVisible():
            entries.append((self._aid_others.text(), placed(self._aid_others)))
        return entries

    def cursor_year(self) -> int:
        return self.year_cursor.year()

    def pen_of(self, side: ViewSide) -> QPen:
        return QPen(self.lines[side].opts["pen"])
