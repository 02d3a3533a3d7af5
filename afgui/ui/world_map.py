"""The world map: countries coloured by relation strength, with hover, click, zoom and pan.

:class:`WorldMapView` is self-contained; the main window feeds it colours and listens to
its signals. Everything it paints comes from a few cached layers so that a change of
year, which only recolours countries, costs about a millisecond:

* an **ID raster** (``Format_Indexed8``, device resolution, antialiasing off) whose every
  pixel holds the index of the country drawn there (0 is the ocean). It is rendered only
  when the size, zoom, pan or device pixel ratio changes, and doubles as the hit-test map:
  the country under the cursor is one pixel lookup. It is dilated by a pixel into the
  ocean so that every pixel the overlay leaves partly uncovered has a land colour beneath
  it, which makes the aliased raster's coasts come out antialiased after compositing.
* an **overlay** (ARGB, same size, antialiased): the ocean with the land's coverage cut
  out, a faint coastline on the water side and thin light borders.
* the **composite**: the ID raster converted through its colour table (one entry per
  country), "no data" countries hatched, the overlay blended on top. A year change swaps
  the colour table and rebuilds only this, and only around the countries whose colour
  changed (from one year to the next most keep theirs): the same steps over those
  countries' boxes give the same pixels, and only those boxes are repainted.
* small **sprites** (selection and marks, hover outline) cropped to what they cover, and
  the **legend**; each is redrawn only when its own inputs change. An outline grows from
  its country's antialiased **coverage**, which is kept per view; the largest countries'
  (Canada, Russia, the United States...) are worked out while the window is idle, so a
  click on one costs about a millisecond, not four or five.

Rendering the first two layers takes tens of milliseconds (mostly Qt's antialiased
coverage of the land), too slow for every mouse move of a drag. So while the user zooms,
pans or resizes, the last layers are drawn transformed (scaled/shifted) and re-rendered
once the view has been still for :data:`SETTLE_MS`; hit-testing maps through the same
transform.

Codes are ISO 3166-1 alpha-2, upper-case.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from PySide6 import QtGui
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QImage,
    QKeyEvent,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QRegion,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from afgui.ui import palette
from afgui.ui.map_geometry import WorldGeometry, world_geometry

#: Zoom relative to "whole world fits"; below 1 only empty ocean would be gained.
MIN_ZOOM = 1.0
MAX_ZOOM = 24.0
#: Left off the map unless asked for: Antarctica is no partner, and its long band along
#: the bottom would take room from the inhabited world and sit under the legend.
DEFAULT_HIDDEN = frozenset({"AQ"})

#: How long the view must be still after a zoom or pan before it is re-rendered sharply.
SETTLE_MS = 120

_OCEAN_INDEX = 0
#: Composing box by box pays while the changed countries' boxes, each counted with
#: :data:`_BOX_SHARE` of the map for its own overhead, stay under this share of the map's
#: pixels; above it the composite is made again whole. (Measured: a box costs about what
#: its pixels cost in the whole, plus a tenth of the whole; most year changes that
#: recolour anything recolour a few countries or a dozen and more.)
_RECOMPOSE_SHARE = 0.65
_BOX_SHARE = 0.12
#: How far (device pixels) a country's colour reaches beyond its outline's bounds: the
#: ID raster is dilated by a pixel into the ocean, and bounds are rounded outwards.
_BOX_MARGIN = 2
_TABLE_SIZE = 256
#: The composite is opaque (every colour of the table is), so it is kept without
#: alpha: Qt then copies it to the window where it blended it pixel by pixel.
_COMPOSITE_FORMAT = QImage.Format.Format_RGB32
#: Countries whose outline has at least this many path elements have their coverage
#: worked out while the window is idle (:meth:`WorldMapView._warm_next_coverage`): the
#: antialiased fill is most of an outline's cost and grows with the path (Canada's 9 045
#: elements: ~4 ms of a 5 ms selection; a 400-element country: ~0.15 ms).
HEAVY_OUTLINE_ELEMENTS = 1000
#: The most coverage (bytes) kept for the view, so that a deep zoom, where every
#: country's box is the whole widget, keeps no more than a few such masks.
_COVERAGE_BUDGET = 16 * 1024 * 1024
_COVERAGE_MARGIN = 2.0  # logical pixels around a country's kept coverage
_WHEEL_STEP = 120  # angleDelta units of one notch of a common mouse wheel
_WHEEL_FACTOR = 1.2  # zoom per notch
_KEY_FACTOR = 1.25
_KEYBOARD_FOCUS = (
    Qt.FocusReason.TabFocusReason,
    Qt.FocusReason.BacktabFocusReason,
    Qt.FocusReason.ShortcutFocusReason,
)


def _colour(name: str, alpha: int = 255) -> Callable[[], QColor]:
    def make() -> QColor:
        colour = QColor(name)
        colour.setAlpha(alpha)
        return colour

    return make


@dataclass(frozen=True, slots=True)
class MapStyle:
    """Colours and line widths of the map. Widths are in logical pixels."""

    ocean: QColor = field(default_factory=_colour("#e3eaf0"))
    coast: QColor = field(default_factory=_colour("#5b7286", 110))
    border: QColor = field(default_factory=_colour("#ffffff", 215))
    border_width: float = 1.0
    #: Stripes over countries drawn with the default ("no data") fill; None: no hatch.
    hatch: QColor | None = field(default_factory=_colour("#ffffff", 150))
    hatch_period: int = 5
    selection: QColor = field(default_factory=_colour("#15191d"))
    selection_halo: QColor = field(default_factory=_colour("#ffffff", 235))
    selection_width: float = 2.2
    marked_fill: QColor = field(default_factory=lambda: QColor(palette.SUBJECT))
    marked_outline: QColor = field(default_factory=_colour("#14191e"))
    label: QColor = field(default_factory=_colour("#14191e"))
    hover: QColor = field(default_factory=_colour("#15191d", 170))
    hover_width: float = 1.4
    legend_background: QColor = field(default_factory=_colour("#ffffff", 225))
    legend_text: QColor = field(default_factory=_colour("#2b3136"))


@dataclass(slots=True)
class _ViewLayers:
    """Everything that depends on size, zoom, pan and pixel ratio, but not on colours."""

    transform: QTransform  # map units -> logical widget pixels, when rendered
    ratio: float
    size: QSize  # logical widget size when rendered
    ids: QImage  # Format_Indexed8, device pixels
    overlay: QImage  # ARGB32_Premultiplied, device pixels
    hatch_pixels: npt.NDArray[np.intp]  # flat indices of land pixels on a hatch stripe
    hatch_ids: npt.NDArray[np.uint8]  # the country index at each of them
    boxes: list[QRect]  # per country index, the device pixels its colour can reach


@dataclass(slots=True)
class _Sprite:
    """A small cached image, where its top-left corner goes (logical pixels), and the
    view transform it was drawn for."""

    image: QImage
    origin: QPointF
    transform: QTransform


@dataclass(frozen=True, slots=True)
class _Coverage:
    """A country's antialiased coverage (0-255) on the device pixels from ``origin``."""

    origin: QPoint  # device pixels
    values: npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class _Legend:
    stops: tuple[tuple[str, QColor], ...]
    no_data: QColor
    title: str
    low_caption: str
    high_caption: str
    no_data_label: str


class WorldMapView(QWidget):
    """A zoomable world map whose countries are filled per ISO alpha-2 code.

    Signals: ``country_clicked(code)`` on a left click without drag on a country;
    ``country_hovered(code)`` when the country under the cursor changes ("" for none).
    Interaction: wheel zooms around the cursor, left-drag pans, double-click or ``0``
    resets, ``+``/``-`` zoom, arrow keys pan. ``tooltip_provider`` (code -> plain text or
    None) supplies the tooltip of the country under the cursor.
    """

    country_clicked = Signal(str)
    country_hovered = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        geometry: WorldGeometry | None = None,
        style: MapStyle | None = None,
        hidden: Collection[str] = DEFAULT_HIDDEN,
    ) -> None:
        super().__init__(parent)
        geometry = geometry if geometry is not None else world_geometry()
        self._geometry = geometry
        self._style = style if style is not None else MapStyle()
        hide = {code.upper() for code in hidden}
        self._shapes = tuple(shape for shape in geometry if shape.code not in hide)
        self._codes: tuple[str, ...] = tuple(shape.code for shape in self._shapes)
        if len(self._codes) >= _TABLE_SIZE:
            raise ValueError("an 8-bit ID raster holds at most 255 countries")
        self._index = {code: number for number, code in enumerate(self._codes, start=1)}
        self._fit_rect = _union(shape.bounds for shape in self._shapes)
        self._zoom = 1.0
        self._centre = self._fit_rect.center()

        self._default = QColor(palette.NO_DATA)  # until the first set_fills
        # The ID raster's colour table (ARGB words), and which entries are hatched.
        self._table = np.full(_TABLE_SIZE, self._style.ocean.rgb(), dtype=np.uint32)
        self._hatched = np.zeros(_TABLE_SIZE, dtype=bool)
        # One colour per code, and whether it is known (unknown: the default, hatched).
        self._fill_colours = np.zeros(len(self._codes), dtype=np.uint32)
        self._fill_known = np.zeros(len(self._codes), dtype=bool)
        self._marked_mask = np.zeros(len(self._codes), dtype=bool)
        self._selected: frozenset[str] = frozenset()
        self._marked: frozenset[str] = frozenset()
        self._labels: dict[str, str] = {}
        self._hovered = ""
        self._legend: _Legend | None = None
        self.tooltip_provider: Callable[[str], str | None] | None = None

        self._layers: _ViewLayers | None = None
        self._composite: QImage | None = None
        # Boxes of the composite (device pixels) to compose again before it is drawn.
        self._stale_boxes: list[QRect] = []
        # What is drawn over the map: the marked countries' outlines and labels, which
        # rarely change, apart from the selection's outline, which changes on each click.
        self._marked_sprites: tuple[_Sprite | None, _Sprite | None] = (None, None)
        self._marked_stale = True
        # Where the labels were drawn (a label moves off a selected neighbour), where they
        # go for each selection met, and each label's text with its halo: stroking the
        # text for the halo takes over a millisecond, copying it a few microseconds.
        self._label_places: _LabelPlaces = ()
        self._placements: dict[frozenset[str], _LabelPlaces] = {}
        self._label_stamps: dict[str, QImage] = {}
        self._selection_sprite: _Sprite | None = None
        self._selection_stale = True
        self._hover_sprite: _Sprite | None = None
        self._legend_sprite: _Sprite | None = None
        self._hatch_cache: tuple[int, int, int, int, npt.NDArray[np.intp]] | None = None
        # Each country's coverage for the view transform, pixel ratio and size of the key, for
        # outlines (selection, hover); the heaviest worked out when idle, others as drawn.
        # None: off the widget. Full: the budget is spent, nothing more is worked out.
        self._coverages: dict[str, _Coverage | None] = {}
        self._coverage_key: tuple[QTransform, float, QSize] | None = None
        self._coverage_full = False
        self._heavy_codes = tuple(
            shape.code
            for shape in sorted(self._shapes, key=lambda shape: -shape.path.elementCount())
            if shape.path.elementCount() >= HEAVY_OUTLINE_ELEMENTS
        )
        self._warm_timer = QTimer(self)
        self._warm_timer.setInterval(0)  # fires whenever the event loop is idle
        self._warm_timer.timeout.connect(self._warm_next_coverage)

        self._keyboard_focus = False
        self._press: QPointF | None = None
        self._press_centre = QPointF()
        self._dragging = False
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(SETTLE_MS)
        self._settle_timer.timeout.connect(self.settle)

        self._rebuild_table()
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Every pixel is painted from the composite, so Qt need not clear the background.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAccessibleName("World map")
        self.setAccessibleDescription(
            "Countries coloured by relation strength. Scroll or + and - to zoom, drag or "
            "arrow keys to pan, 0 or double-click to reset."
        )

    # ----------------------------------------------------------------- public API

    @property
    def codes(self) -> tuple[str, ...]:
        """Every country code the map draws."""
        return self._codes

    @property
    def zoom(self) -> float:
        """1.0 when the whole world fits; up to :data:`MAX_ZOOM`."""
        return self._zoom

    @property
    def map_style(self) -> MapStyle:
        return self._style

    @property
    def warming(self) -> bool:
        """Whether the heaviest countries' outline coverage is still being worked out."""
        return self._warm_timer.isActive()

    @property
    def hovered(self) -> str:
        """The country under the cursor, "" for none."""
        return self._hovered

    def set_style(self, style: MapStyle) -> None:
        """Draw with other colours (a change of theme): every layer is rendered again."""
        self._style = style
        self._table = np.full(_TABLE_SIZE, style.ocean.rgb(), dtype=np.uint32)
        self._rebuild_table()
        self._invalidate_view()
        self._legend_sprite = None
        self.update()

    def set_fills(self, fills: Mapping[str, QColor], default: QColor) -> None:
        """Fill each country; those absent from ``fills`` get ``default``, hatched.

        Cheap by design (called on every change of year): it rewrites a 256-entry colour
        table and schedules one repaint. Codes not on the map are ignored; colours are
        drawn opaque.
        """
        rgbs = {code.upper(): QColor(colour).rgb() for code, colour in fills.items()}
        colours = np.array([rgbs.get(code, 0) for code in self._codes], dtype=np.uint32)
        known = np.array([code in rgbs for code in self._codes], dtype=bool)
        self.set_fill_table(colours, known, default)

    def set_fill_table(
        self,
        colours: npt.NDArray[np.uint32],
        known: npt.NDArray[np.bool_],
        default: QColor,
    ) -> None:
        """Like :meth:`set_fills`, by position: one ``QColor.rgb()`` word per code of
        :attr:`codes`, in that order, used where ``known`` (elsewhere ``default``,
        hatched).

        Only the countries whose colour changed are composed and repainted again; when
        none did, nothing is.
        """
        if len(colours) != len(self._codes) or len(known) != len(self._codes):
            raise ValueError(f"{len(colours)} fills for {len(self._codes)} countries")
        self._fill_colours = np.asarray(colours, dtype=np.uint32)
        self._fill_known = np.asarray(known, dtype=bool)
        self._default = QColor(default)
        before = self._table.copy(), self._hatched.copy()
        self._rebuild_table()
        self._recolour(before)

    def set_selected(self, codes: Collection[str]) -> None:
        """Outline these countries with a thick contrasting stroke (empty: none)."""
        # frozenset & dict keys gives a set: a frozenset again, as it keys label placements.
        selected = frozenset({code.upper() for code in codes} & self._index.keys())
        if selected != self._selected:
            # Only where the old outline was and the new one goes: a whole repaint of the
            # map cost about half a millisecond more of each selection.
            before = self._selection_area(self._selected)
            self._selected = selected
            self._selection_stale = True
            area = before + self._selection_area(selected)
            # A label moved off (or back onto) a selected neighbour is repainted too; with
            # its layers or labels still to make, the next paint is the whole map anyway.
            current = self._layers_current() and not self._marked_stale
            places = self._placed_labels() if current else self._label_places
            if places != self._label_places:
                area += self._labels_area(self._label_places) + self._labels_area(places)
            self.update(area)

    def set_marked(self, codes: Collection[str], labels: Mapping[str, str] | None = None) -> None:
        """Mark the subject country (Afghanistan): a dark fill, a dark outline and a label.

        ``labels`` maps codes to the text drawn under the country; codes without one get
        no label. Marked countries ignore their fill.
        """
        self._marked = frozenset({code.upper() for code in codes} & self._index.keys())
        self._marked_mask = np.array([code in self._marked for code in self._codes], dtype=bool)
        self._labels = {code.upper(): text for code, text in (labels or {}).items()}
        self._rebuild_table()
        self._composite = None
        self._marked_stale = True
        self.update()

    def set_legend(
        self,
        stops: Sequence[tuple[str, QColor]],
        no_data: QColor,
        *,
        title: str = "",
        low_caption: str = "",
        high_caption: str = "",
        no_data_label: str = "No data",
    ) -> None:
        """Show a legend in the bottom-left corner: a gradient through ``stops``.

        Each stop is ``(label, colour)``, spaced evenly; empty labels get no tick. The
        captions sit above the ends of the bar. A ``no_data`` swatch follows, hatched
        exactly as such countries are on the map.
        """
        self._legend = _Legend(
            tuple((label, QColor(colour)) for label, colour in stops),
            QColor(no_data),
            title,
            low_caption,
            high_caption,
            no_data_label,
        )
        self._legend_sprite = None
        self.update()

    def clear_legend(self) -> None:
        self._legend = None
        self._legend_sprite = None
        self.update()

    def reset_view(self) -> None:
        """Back to the whole world, centred, rendered sharply at the next paint."""
        self._zoom = 1.0
        self._centre = self._fit_rect.center()
        self._settle_timer.stop()
        self._invalidate_view()
        self.update()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom by ``factor`` keeping the map point under ``anchor`` (widget pixels) fixed.

        The zoom is clamped to :data:`MIN_ZOOM` … :data:`MAX_ZOOM`; ``anchor`` defaults
        to the widget's centre.
        """
        if anchor is None:
            anchor = QRectF(self.rect()).center()
        fixed = self.widget_to_map(anchor)
        zoom = min(max(self._zoom * factor, MIN_ZOOM), MAX_ZOOM)
        if zoom == self._zoom:
            return
        self._zoom = zoom
        half = QPointF(self.width() / 2, self.height() / 2)
        self._centre = fixed - (anchor - half) / self._scale()
        self._view_moved()

    def pan_by(self, dx: float, dy: float) -> None:
        """Move the map by ``dx``, ``dy`` widget pixels (positive: the map moves right/down)."""
        self._centre = self._centre - QPointF(dx, dy) / self._scale()
        self._view_moved()

    def settle(self) -> None:
        """Re-render the layers for the current view now if a zoom or pan left them stale.

        Runs by itself :data:`SETTLE_MS` after the view stops moving; call it to get the
        sharp picture at once (before grabbing the widget, say).
        """
        self._settle_timer.stop()
        if not self._layers_current():
            self._invalidate_view()
            self.update()

    def map_to_widget(self, point: QPointF) -> QPointF:
        """SVG map units to logical widget pixels under the current zoom and pan."""
        return self._transform().map(point)

    def widget_to_map(self, point: QPointF) -> QPointF:
        inverse, _ = self._transform().inverted()
        return inverse.map(point)

    def country_point(self, code: str) -> QPointF:
        """A point well inside ``code``'s largest landmass, in widget pixels.

        Raises KeyError for a code that is not on the map.
        """
        if code.upper() not in self._index:
            raise KeyError(code)
        return self.map_to_widget(self._geometry.interior_point(code))

    def country_at(self, position: QPointF | QPoint) -> str:
        """The country under a widget position, "" for ocean or outside. One pixel read."""
        layers = self._ensure_layers()
        if layers is None:
            return ""
        point = QPointF(position)
        if layers.transform != self._transform():
            # The layers lag behind a zoom, pan or resize; look where they show this point.
            point = _between(self._transform(), layers.transform).map(point)
        x = math.floor(point.x() * layers.ratio)
        y = math.floor(point.y() * layers.ratio)
        if not (0 <= x < layers.ids.width() and 0 <= y < layers.ids.height()):
            return ""
        index = layers.ids.pixelIndex(x, y)
        return self._codes[index - 1] if index > 0 else ""

    # ----------------------------------------------------------------- Qt overrides

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(960, 560)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(240, 140)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        composite = self._ensure_composite()
        painter = QPainter(self)
        layers = self._layers
        if composite is None or layers is None:
            painter.fillRect(self.rect(), self._style.ocean)
            painter.end()
            return
        current = self._transform()
        if self._layers_current():
            painter.drawImage(QPointF(0, 0), composite)
        else:
            # Interim frame during a zoom, pan or resize: the last sharp render, moved into place
            # (smoothly scaled when zooming; a plain shift needs no filtering).
            interim = _between(layers.transform, current)
            painter.fillRect(self.rect(), self._style.ocean)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, interim.m11() != 1.0)
            painter.setTransform(interim)
            painter.drawImage(QPointF(0, 0), composite)
            painter.resetTransform()
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        outlines, labels = self._ensure_marked()
        for sprite in (outlines, self._ensure_selection(), labels, self._hover_sprite):
            if sprite is None:
                continue
            if sprite.transform != current:
                painter.setTransform(_between(sprite.transform, current))
            painter.drawImage(sprite.origin, sprite.image)
            painter.resetTransform()
        legend = self._ensure_legend()
        if legend is not None:
            painter.drawImage(legend.origin, legend.image)
        if self._keyboard_focus and self.hasFocus():
            painter.setPen(_pen(self.palette().color(QPalette.ColorRole.Highlight), 2.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        painter.end()
        if self._layers_current() and not self._warm_timer.isActive() and self._unwarmed():
            self._warm_timer.start()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        # Like a zoom: while the user drags the window edge, show the last render moved
        # into place and re-render once the size has settled.
        self._legend_sprite = None
        self._view_moved()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            self._show_tooltip(self.country_at(event.pos()), event.globalPos())
            return True
        if event.type() == QEvent.Type.DevicePixelRatioChange:
            self._invalidate_view()
            self._legend_sprite = None
        elif event.type() == QEvent.Type.FontChange:
            self._legend_sprite = None
            self._invalidate_decorations()
        return super().event(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        # A focus ring only when focus came from the keyboard; a click needs no ring.
        self._keyboard_focus = event.reason() in _KEYBOARD_FOCUS
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        self._keyboard_focus = False
        self.update()
        super().focusOutEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
            self._press_centre = QPointF(self._centre)
            self._dragging = False
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        position = event.position()
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            offset = position - self._press
            if not self._dragging and (
                offset.manhattanLength() >= QApplication.startDragDistance()
            ):
                self._dragging = True
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
                self._set_hovered("", None)
            if self._dragging:
                self._centre = self._press_centre - offset / self._scale()
                self._view_moved()
                return
        self._set_hovered(self.country_at(position), event.globalPosition().toPoint())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            super().mouseReleaseEvent(event)
            return
        dragged = self._dragging
        self._press = None
        self._dragging = False
        self.unsetCursor()
        if dragged:
            self.settle()
        else:
            code = self.country_at(event.position())
            if code:
                self.country_clicked.emit(code)
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self.reset_view()
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        steps = event.angleDelta().y() / _WHEEL_STEP
        if steps:
            self.zoom_by(_WHEEL_FACTOR**steps, event.position())
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        step = min(self.width(), self.height()) / 6
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(_KEY_FACTOR)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_by(1 / _KEY_FACTOR)
        elif key == Qt.Key.Key_0:
            self.reset_view()
        elif key == Qt.Key.Key_Left:
            self.pan_by(step, 0)
        elif key == Qt.Key.Key_Right:
            self.pan_by(-step, 0)
        elif key == Qt.Key.Key_Up:
            self.pan_by(0, step)
        elif key == Qt.Key.Key_Down:
            self.pan_by(0, -step)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        self._set_hovered("", None)
        super().leaveEvent(event)

    # ----------------------------------------------------------------- view maths

    def _scale(self) -> float:
        """Logical pixels per map unit."""
        width, height = max(self.width(), 1), max(self.height(), 1)
        fit = min(width / self._fit_rect.width(), height / self._fit_rect.height())
        return fit * 0.97 * self._zoom  # a small margin keeps coasts off the edges

    def _transform(self) -> QTransform:
        scale = self._scale()
        return QTransform(
            scale,
            0.0,
            0.0,
            scale,
            self.width() / 2 - self._centre.x() * scale,
            self.height() / 2 - self._centre.y() * scale,
        )

    def _clamped_centre(self, centre: QPointF) -> QPointF:
        """Keep the map in view: no panning past its edges, none at all when it fits."""
        scale = self._scale()
        half_width = self.width() / 2 / scale
        half_height = self.height() / 2 / scale
        fit = self._fit_rect

        def clamp(value: float, low: float, high: float, half: float) -> float:
            if high - low <= 2 * half:
                return (low + high) / 2
            return min(max(value, low + half), high - half)

        return QPointF(
            clamp(centre.x(), fit.left(), fit.right(), half_width),
            clamp(centre.y(), fit.top(), fit.bottom(), half_height),
        )

    def _view_moved(self) -> None:
        """A zoom or pan: show the old layers moved at once, re-render when still."""
        self._centre = self._clamped_centre(self._centre)
        self._settle_timer.start()
        self.update()

    def _invalidate_view(self) -> None:
        self._layers = None
        self._composite = None
        self._invalidate_decorations()
        self._hover_sprite = self._outline_sprite(self._hovered) if self._hovered else None

    # ----------------------------------------------------------------- colours

    def _rebuild_table(self) -> None:
        # rgb() drops alpha: the composite is painted as opaque (WA_OpaquePaintEvent).
        count = len(self._codes)
        known = self._fill_known & ~self._marked_mask
        entries = np.where(known, self._fill_colours, np.uint32(self._default.rgb()))
        entries[self._marked_mask] = self._style.marked_fill.rgb()
        self._table[1 : count + 1] = entries
        self._hatched[:] = False
        self._hatched[1 : count + 1] = ~known & ~self._marked_mask

    def _recolour(self, before: tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_]]) -> None:
        """After a new colour table: compose again and repaint what it changed."""
        table, hatched = before
        changed = np.flatnonzero((table != self._table) | (hatched != self._hatched)).tolist()
        if not changed:
            return
        layers = self._layers
        if (
            self._composite is None
            or layers is None
            or layers.ratio != self.devicePixelRatioF()
            or not self._layers_current()
        ):
            self._composite = None
            self.update()
            return
        boxes = [box for box in (layers.boxes[index] for index in changed) if not box.isEmpty()]
        # What composing box by box costs, in shares of composing the whole.
        whole = layers.ids.width() * layers.ids.height()
        cost = sum(box.width() * box.height() / whole + _BOX_SHARE for box in boxes)
        if cost > _RECOMPOSE_SHARE:
            self._composite = None  # cheaper in one go
            self.update()
            return
        self._stale_boxes.extend(boxes)
        for box in boxes:
            logical = QRectF(
                box.x() / layers.ratio,
                box.y() / layers.ratio,
                box.width() / layers.ratio,
                box.height() / layers.ratio,
            )
            self.update(logical.toAlignedRect().adjusted(-1, -1, 1, 1))

    # ----------------------------------------------------------------- layers

    def _layers_current(self) -> bool:
        layers = self._layers
        return (
            layers is not None
            and layers.transform == self._transform()
            and layers.size == self.size()
        )

    def _ensure_layers(self) -> _ViewLayers | None:
        """The layers, rendered if missing or made for another device pixel ratio.

        Layers that merely lag behind a zoom, pan or resize are kept (see :meth:`settle`).
        """
        ratio = self.devicePixelRatioF()
        layers = self._layers
        if layers is not None and layers.ratio == ratio:
            return layers
        if self.width() <= 0 or self.height() <= 0:
            return None
        self._layers = self._render_layers(ratio)
        self._composite = None
        self._invalidate_decorations()
        return self._layers

    def _render_layers(self, ratio: float) -> _ViewLayers:
        width, height = _device_size(self.size(), ratio)
        transform = self._transform()
        device = transform * QTransform.fromScale(ratio, ratio)
        visible, _ = device.inverted()
        visible_rect = visible.mapRect(QRectF(0, 0, width, height))
        shapes = [
            (index, shape)
            for index, shape in enumerate(self._shapes, start=1)
            if shape.bounds.intersects(visible_rect)
        ]

        # The ID raster. Painting onto Grayscale8 stores the grey level verbatim, and
        # (i, i, i) has grey level i, so the pixels are the country indices; the 8-bit
        # buffer is then simply relabelled as indexed.
        ids = QImage(width, height, QImage.Format.Format_Grayscale8)
        ids.fill(_OCEAN_INDEX)
        painter = QPainter(ids)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setTransform(device)
        for index, shape in shapes:
            painter.fillPath(shape.path, QColor(index, index, index))
        painter.end()
        ids.reinterpretAsFormat(QImage.Format.Format_Indexed8)
        raster = _pixels(ids, np.uint8)
        _dilate_into_ocean(raster)

        # The overlay: land coverage painted opaque, then the ocean drawn "source out"
        # so it keeps exactly the uncovered part; a coast shade on the water side only
        # (SourceAtop draws where ocean remains), then the borders on top. (Painting the
        # ocean first and cutting land out with DestinationOut looks the same but takes
        # Qt's slow generic compositing path: about twice the time.)
        style = self._style
        overlay = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        overlay.fill(Qt.GlobalColor.transparent)
        painter = QPainter(overlay)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setTransform(device)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0))
        for _, shape in shapes:
            painter.drawPath(shape.path)
        painter.resetTransform()
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOut)
        painter.fillRect(overlay.rect(), style.ocean)
        painter.setTransform(device)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        # Cosmetic pens are sized in device pixels; at most one pixel wide keeps Qt on its
        # fast hairline path (a wider antialiased stroke of every border costs ~20×).
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceAtop)
        painter.setPen(_cosmetic_pen(style.coast, 1.0))
        for _, shape in shapes:
            painter.drawPath(shape.path)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        painter.setPen(_cosmetic_pen(style.border, min(style.border_width * ratio, 1.0)))
        for _, shape in shapes:
            painter.drawPath(shape.path)
        painter.end()

        hatch_pixels = self._hatch_stripes(width, height, ratio)
        on_land = raster.ravel()[hatch_pixels] != _OCEAN_INDEX
        hatch_pixels = hatch_pixels[on_land]
        hatch_ids = raster.ravel()[hatch_pixels]
        frame = QRect(0, 0, width, height)
        margin = _BOX_MARGIN
        boxes = [QRect()] + [
            device.mapRect(shape.bounds).toAlignedRect().adjusted(-margin, -margin, margin, margin)
            & frame
            for shape in self._shapes
        ]
        return _ViewLayers(
            transform, ratio, QSize(self.size()), ids, overlay, hatch_pixels, hatch_ids, boxes
        )

    def _hatch_stripes(self, width: int, height: int, ratio: float) -> npt.NDArray[np.intp]:
        """Flat indices of the hatch stripes' pixels; cached, as only a resize changes them."""
        period = max(2, round(self._style.hatch_period * ratio))
        thickness = max(1, round(ratio))
        key = (width, height, period, thickness)
        if self._hatch_cache is None or self._hatch_cache[:4] != key:
            rows, columns = np.nonzero(_hatch_mask(width, height, period, thickness))
            self._hatch_cache = (*key, (rows * width + columns).astype(np.intp))
        return self._hatch_cache[4]

    def _ensure_composite(self) -> QImage | None:
        layers = self._ensure_layers()
        if layers is None:
            return None
        composite = self._composite
        if composite is not None:
            if self._stale_boxes:
                self._recompose(composite, layers, self._stale_boxes)
                self._stale_boxes = []
            return composite
        self._stale_boxes = []
        ids = layers.ids
        ids.setColorTable(self._table.tolist())
        composite = ids.convertToFormat(_COMPOSITE_FORMAT)
        self._hatch(composite, layers.hatch_pixels, layers.hatch_ids)
        painter = QPainter(composite)
        painter.drawImage(0, 0, layers.overlay)
        painter.end()
        composite.setDevicePixelRatio(layers.ratio)
        self._composite = composite
        return composite

    def _recompose(self, composite: QImage, layers: _ViewLayers, boxes: list[QRect]) -> None:
        """Compose ``boxes`` of the composite again, by the same steps as the whole."""
        ids = layers.ids
        ids.setColorTable(self._table.tolist())
        pixels = _pixels(composite, np.uint32)
        width = ids.width()
        hatch = self._style.hatch
        stripe = _blend(self._default, hatch) if hatch is not None else 0
        region = QRegion()
        for box in dict.fromkeys((box.x(), box.y(), box.width(), box.height()) for box in boxes):
            left, top, box_width, box_height = box
            part = ids.copy(*box).convertToFormat(_COMPOSITE_FORMAT)
            pixels[top : top + box_height, left : left + box_width] = _pixels(part, np.uint32)
            if hatch is not None:
                # The stripes' pixels are in row order: those of the box's rows, then
                # those of its columns, then those of "no data" countries.
                start, end = np.searchsorted(
                    layers.hatch_pixels, (top * width, (top + box_height) * width)
                )
                flat = layers.hatch_pixels[start:end]
                columns = flat % width
                on = (columns >= left) & (columns < left + box_width)
                on &= self._hatched[layers.hatch_ids[start:end]]
                pixels.reshape(-1)[flat[on]] = stripe
            region += QRect(*box)
        # The overlay once over the boxes' union: blended twice where boxes overlap, it
        # would darken the coasts there.
        composite.setDevicePixelRatio(1.0)
        painter = QPainter(composite)
        painter.setClipRegion(region)
        bounding = region.boundingRect()
        painter.drawImage(bounding.topLeft(), layers.overlay, bounding)
        painter.end()
        composite.setDevicePixelRatio(layers.ratio)

    def _hatch(
        self,
        composite: QImage,
        hatch_pixels: npt.NDArray[np.intp],
        hatch_ids: npt.NDArray[np.uint8],
    ) -> None:
        """Stripe the "no data" countries' pixels among ``hatch_pixels``."""
        hatch = self._style.hatch
        if hatch is None or not len(hatch_pixels):
            return
        on = self._hatched[hatch_ids]
        if on.any():
            # 32-bit rows have no padding, so the flat indices of the ID raster's
            # unpadded width address the same pixels here.
            pixels = _pixels(composite, np.uint32).ravel()
            pixels[hatch_pixels[on]] = _blend(self._default, hatch)

    def _invalidate_decorations(self) -> None:
        self._marked_stale = True
        self._selection_stale = True

    def _ensure_marked(self) -> tuple[_Sprite | None, _Sprite | None]:
        """The marked countries' outlines, and their labels (drawn over the selection)."""
        if self._marked_stale:
            self._marked_stale = False
            self._placements.clear()
            self._label_stamps.clear()
            self._label_places = self._placed_labels()
            self._marked_sprites = (
                self._marked_outlines(),
                self._labels_sprite(self._label_places),
            )
        elif self._layers_current():
            # (While the view moves the sprites are drawn moved, placed as they were.)
            places = self._placed_labels()
            if places != self._label_places:
                self._label_places = places
                self._marked_sprites = (self._marked_sprites[0], self._labels_sprite(places))
        return self._marked_sprites

    def _marked_outlines(self) -> _Sprite | None:
        if not self._marked or self._ensure_layers() is None:
            return None
        transform = self._transform()
        paths = [transform.map(self._geometry.shape(code).path) for code in sorted(self._marked)]
        bounds = QRectF()
        for path in paths:
            bounds |= path.boundingRect().adjusted(
                -MARKED_WIDTH, -MARKED_WIDTH, MARKED_WIDTH, MARKED_WIDTH
            )
        outlines = _new_sprite(bounds & QRectF(self.rect()), self.devicePixelRatioF(), transform)
        if outlines is not None:
            _draw_bands(
                outlines,
                _fill_coverage(outlines, paths),
                [(self._style.marked_outline, MARKED_WIDTH)],
            )
        return outlines

    def _label_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def _placed_labels(self) -> _LabelPlaces:
        """:meth:`_place_labels` for the selection, kept until the decorations are made
        again (a new view, font or marking)."""
        places = self._placements.get(self._selected)
        if places is None:
            places = self._placements[self._selected] = self._place_labels()
        return places

    def _place_labels(self) -> _LabelPlaces:
        """Each marked country's label: the left and top of its stamp (its text within its
        halo, :meth:`_label_stamp`; widget coordinates) and the text.

        Under the country rather than on it, so the country itself stays visible; or, when
        a selected country lies there (Pakistan, Iran, India's outline under
        "Afghanistan"), the first of above it, right of it and left of it that keeps off
        every selected country and inside the view.
        """
        if not self._marked or self._ensure_layers() is None:
            return ()
        metrics = QFontMetricsF(self._label_font())
        transform = self._transform()
        view = QRectF(self.rect())
        ratio = self.devicePixelRatioF()
        selected = [
            (transform.mapRect(self._geometry.shape(code).bounds), code)
            for code in sorted(self._selected)
        ]
        paths: dict[str, QPainterPath] = {}

        def clear(box: QRectF) -> bool:
            if not view.contains(box):
                return False
            for bounds, code in selected:
                if not bounds.intersects(box):
                    continue
                if code not in paths:
                    paths[code] = transform.map(self._geometry.shape(code).path)
                if paths[code].intersects(box):
                    return False
            return True

        places: list[tuple[float, float, str]] = []
        for code in sorted(self._marked):
            text = self._labels.get(code)
            if not text:
                continue
            outline = transform.mapRect(self._geometry.shape(code).bounds)
            size = metrics.boundingRect(text).size()
            width, height = size.width(), size.height()
            middle = outline.center()
            candidates = [
                QPointF(middle.x() - width / 2, outline.bottom() + _LABEL_GAP),
                QPointF(middle.x() - width / 2, outline.top() - _LABEL_GAP - height),
                QPointF(outline.right() + _LABEL_GAP, middle.y() - height / 2),
                QPointF(outline.left() - _LABEL_GAP - width, middle.y() - height / 2),
            ]
            corner = next(
                (
                    point
                    for point in candidates
                    if clear(
                        QRectF(point, size).adjusted(
                            -_LABEL_HALO, -_LABEL_HALO, _LABEL_HALO, _LABEL_HALO
                        )
                    )
                ),
                candidates[0],
            )
            # The stamp's corner (see _label_stamp), on whole device pixels: the stamp is
            # copied there as it is.
            places.append(
                (
                    round((corner.x() - _LABEL_HALO) * ratio) / ratio,
                    round((corner.y() - _LABEL_HALO) * ratio) / ratio,
                    text,
                )
            )
        return tuple(places)

    def _labels_area(self, places: _LabelPlaces) -> QRegion:
        """Where labels placed so are drawn."""
        area = QRegion()
        for left, top, text in places:
            box = QRectF(QPointF(left, top), self._label_stamp(text).deviceIndependentSize())
            area += box.adjusted(-1, -1, 1, 1).toAlignedRect() & self.rect()
        return area

    def _labels_sprite(self, places: _LabelPlaces) -> _Sprite | None:
        if not places:
            return None
        stamps = [(QPointF(left, top), self._label_stamp(text)) for left, top, text in places]
        bounds = QRectF()
        for corner, stamp in stamps:
            bounds |= QRectF(corner, stamp.deviceIndependentSize())
        labels = _new_sprite(
            bounds & QRectF(self.rect()), self.devicePixelRatioF(), self._transform()
        )
        if labels is None:
            return None
        painter = _sprite_painter(labels)
        for corner, stamp in stamps:
            painter.drawImage(corner, stamp)
        painter.end()
        return labels

    def _label_stamp(self, text: str) -> QImage:
        """``text`` in the labels' font and colour, within its halo, whose top-left corner
        goes :data:`_LABEL_HALO` up and left of where the text is placed."""
        stamp = self._label_stamps.get(text)
        if stamp is None:
            font = self._label_font()
            metrics = QFontMetricsF(font)
            size = metrics.boundingRect(text).size()
            ratio = self.devicePixelRatioF()
            stamp = QImage(
                math.ceil((size.width() + 2 * _LABEL_HALO) * ratio),
                math.ceil((size.height() + 2 * _LABEL_HALO) * ratio),
                QImage.Format.Format_ARGB32_Premultiplied,
            )
            stamp.fill(Qt.GlobalColor.transparent)
            stamp.setDevicePixelRatio(ratio)
            painter = QPainter(stamp)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            text_path = QPainterPath()
            text_path.addText(QPointF(_LABEL_HALO, _LABEL_HALO + metrics.ascent()), font, text)
            painter.strokePath(text_path, _pen(self._style.selection_halo, 3.0))
            painter.fillPath(text_path, self._style.label)
            painter.end()
            self._label_stamps[text] = stamp
        return stamp

    def _ensure_selection(self) -> _Sprite | None:
        """The selected countries' outline: a halo and a line around their union."""
        if not self._selection_stale:
            return self._selection_sprite
        self._selection_stale = False
        self._selection_sprite = None
        if not self._selected or self._ensure_layers() is None:
            return None
        style = self._style
        transform = self._transform()
        paths = [transform.map(self._geometry.shape(code).path) for code in sorted(self._selected)]
        halo_width = self._halo_width()
        bounds = QRectF()
        for path in paths:
            bounds |= path.boundingRect().adjusted(-halo_width, -halo_width, halo_width, halo_width)
        sprite = _new_sprite(bounds & QRectF(self.rect()), self.devicePixelRatioF(), transform)
        if sprite is None:
            return None
        # One outline around the union: a historic state (the Soviet Union) is outlined
        # as a whole, not republic by republic.
        _draw_bands(
            sprite,
            self._coverage_on(sprite, sorted(self._selected), paths),
            [(style.selection_halo, halo_width), (style.selection, style.selection_width)],
        )
        self._selection_sprite = sprite
        return sprite

    def _halo_width(self) -> float:
        """The width of the light halo under the selection's outline."""
        return self._style.selection_width + 2.4

    def _selection_area(self, codes: Collection[str]) -> QRegion:
        """Where the outline of ``codes`` is (was) drawn: the whole widget while the view
        moves (the sprite is then drawn transformed)."""
        transform = self._transform()
        sprite = self._selection_sprite
        if not self._layers_current() or (sprite is not None and sprite.transform != transform):
            return QRegion(self.rect())
        # A pixel more than the sprite's halo: its bounds come from the mapped path.
        reach = self._halo_width() + 1
        area = QRegion()
        for code in codes:
            box = transform.mapRect(self._geometry.shape(code).bounds)
            area += box.adjusted(-reach, -reach, reach, reach).toAlignedRect() & self.rect()
        return area

    def _outline_sprite(self, code: str) -> _Sprite | None:
        transform = self._transform()
        path = transform.map(self._geometry.shape(code).path)
        width = self._style.hover_width
        bounds = path.boundingRect().adjusted(-width, -width, width, width)
        sprite = _new_sprite(bounds & QRectF(self.rect()), self.devicePixelRatioF(), transform)
        if sprite is None:
            return None
        _draw_bands(sprite, self._coverage_on(sprite, [code], [path]), [(self._style.hover, width)])
        return sprite

    # ----------------------------------------------------------------- outline coverage

    def _current_coverages(self) -> dict[str, _Coverage | None]:
        """The kept coverages, emptied first if the view has moved, or the widget's size
        (they are clipped to it) or pixel ratio has changed."""
        key = (self._transform(), self.devicePixelRatioF(), self.size())
        if key != self._coverage_key:
            self._coverages = {}
            self._coverage_key = key
            self._coverage_full = False
        return self._coverages

    def _country_coverage(self, code: str) -> _Coverage | None:
        """``code``'s coverage for the current view (kept), or None off the widget."""
        coverages = self._current_coverages()
        if code in coverages:
            return coverages[code]
        ratio = self.devicePixelRatioF()
        path = self._transform().map(self._geometry.shape(code).path)
        # A margin, as the outlines' sprites have: a path that touches the image's edge
        # is filled with other values at that edge.
        margin = _COVERAGE_MARGIN
        box = path.boundingRect().adjusted(-margin, -margin, margin, margin)
        sprite = _new_sprite(box & QRectF(self.rect()), ratio, self._transform())
        if sprite is None:
            coverages[code] = None
            return None
        values = _fill_coverage(sprite, [path])
        origin = sprite.origin * ratio
        coverage = _Coverage(QPoint(round(origin.x()), round(origin.y())), values)
        spent = sum(kept.values.nbytes for kept in coverages.values() if kept is not None)
        if spent + values.nbytes <= _COVERAGE_BUDGET:
            coverages[code] = coverage
        else:
            self._coverage_full = True
        return coverage

    def _coverage_on(
        self, sprite: _Sprite, codes: Sequence[str], paths: Sequence[QPainterPath]
    ) -> npt.NDArray[np.uint8]:
        """The union of the countries' coverage on ``sprite``'s pixels.

        From each country's kept coverage when the pixel ratio is whole (then a country's
        pixels line up with the sprite's, and the same fill shifted by whole pixels gives
        the same values), combined as :func:`_fill_coverage` combines them; else filled
        on the spot. The same pixels either way (tests/test_world_map.py).
        """
        ratio = self.devicePixelRatioF()
        if ratio != int(ratio):
            return _fill_coverage(sprite, paths)
        image = sprite.image
        height, width = image.height(), image.width()
        left, top = round(sprite.origin.x() * ratio), round(sprite.origin.y() * ratio)
        union = np.zeros((height, width), dtype=np.uint8)
        first = True
        for code in codes:
            coverage = self._country_coverage(code)
            if coverage is None:
                continue
            rows, columns = coverage.values.shape
            x, y = coverage.origin.x() - left, coverage.origin.y() - top
            # The part of the country's box inside the sprite.
            x0, y0 = max(x, 0), max(y, 0)
            x1, y1 = min(x + columns, width), min(y + rows, height)
            if x0 >= x1 or y0 >= y1:
                continue
            covered = coverage.values[y0 - y : y1 - y, x0 - x : x1 - x]
            if first:  # onto nothing, the blend below gives the coverage itself
                union[y0:y1, x0:x1] = covered
                first = False
                continue
            # What the fill in CompositionMode_Plus leaves: white added to the pixel, at
            # the coverage's share, with Qt's rounding of a division by 255.
            share = covered.astype(np.uint16)
            blend = 255 * share + union[y0:y1, x0:x1] * (255 - share)
            union[y0:y1, x0:x1] = (blend + (blend >> 8) + 0x80) >> 8
        return union

    def _unwarmed(self) -> list[str]:
        kept = self._current_coverages()
        if self._coverage_full:
            return []
        return [code for code in self._heavy_codes if code in self._index and code not in kept]

    def _warm_next_coverage(self) -> None:
        """One heavy country's coverage per idle turn, while the view stands still."""
        waiting = self._unwarmed() if self._layers_current() and self.isVisible() else []
        if waiting:
            self._country_coverage(waiting[0])
        else:
            self._warm_timer.stop()

    def _ensure_legend(self) -> _Sprite | None:
        legend = self._legend
        if legend is None:
            return None
        if self._legend_sprite is None:
            self._legend_sprite = self._render_legend(legend)
        return self._legend_sprite

    def _render_legend(self, legend: _Legend) -> _Sprite | None:
        """A compact vertical legend in the bottom-left corner, which is open ocean (the
        South Pacific) on this projection; its width follows the widget's so that it
        stays clear of South America when the map is small."""
        style = self._style
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 6.5))
        bold = QFont(font)
        bold.setBold(True)
        metrics = QFontMetricsF(font)
        line = metrics.height()
        pad = 8.0
        bar_width = min(max(self.width() * 0.16, 110.0), 170.0)
        bar_height = 10.0
        swatch = 12.0
        captions = bool(legend.low_caption or legend.high_caption)
        title_width = QFontMetricsF(bold).horizontalAdvance(legend.title)
        no_data_width = swatch + 6 + metrics.horizontalAdvance(legend.no_data_label)
        # Room for the end labels to sit centred under the ends of the bar.
        labels = [label for label, _ in legend.stops]
        ends = [metrics.horizontalAdvance(text) / 2 + 2 for text in labels[:1] + labels[-1:]]
        left = max([pad, *ends])
        width = left * 2 + max(bar_width, title_width, no_data_width)
        height = pad * 2 + (line + 2 if legend.title else 0) + (line if captions else 0)
        height += bar_height + 4 + line + 6 + max(swatch, line)
        margin = 10.0
        origin = QPointF(margin, self.height() - margin - height)
        frame = QRectF(origin, QSize(math.ceil(width), math.ceil(height)).toSizeF())
        sprite = _new_sprite(frame, self.devicePixelRatioF(), self._transform())
        if sprite is None:
            return None
        painter = _sprite_painter(sprite)
        painter.translate(origin)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.legend_background)
        painter.drawRoundedRect(QRectF(0, 0, width, height), 6, 6)
        painter.setBrush(Qt.BrushStyle.NoBrush)

        y = pad
        painter.setPen(style.legend_text)
        if legend.title:
            painter.setFont(bold)
            painter.drawText(QPointF(left, y + metrics.ascent()), legend.title)
            y += line + 2
        painter.setFont(font)
        if captions:
            baseline = y + metrics.ascent()
            painter.drawText(QPointF(left, baseline), legend.low_caption)
            right = left + bar_width - metrics.horizontalAdvance(legend.high_caption)
            painter.drawText(QPointF(right, baseline), legend.high_caption)
            y += line
        bar = QRectF(left, y, bar_width, bar_height)
        gradient = QLinearGradient(bar.topLeft(), bar.topRight())
        count = max(len(legend.stops) - 1, 1)
        for number, (_, colour) in enumerate(legend.stops):
            gradient.setColorAt(number / count, colour)
        painter.fillRect(bar, gradient)
        frame_pen = _pen(QColor(0, 0, 0, 60), 1.0)
        painter.setPen(frame_pen)
        painter.drawRect(bar)
        painter.setPen(style.legend_text)
        taken = -math.inf  # right end of the last tick label drawn
        for number, (label, _) in enumerate(legend.stops):
            if not label:
                continue
            x = bar.left() + bar.width() * number / count
            advance = metrics.horizontalAdvance(label)
            start = min(max(x - advance / 2, 2.0), width - 2 - advance)
            if start < taken + 4:
                continue  # a narrow legend keeps only the labels that fit
            painter.drawLine(QPointF(x, bar.bottom()), QPointF(x, bar.bottom() + 3))
            painter.drawText(QPointF(start, bar.bottom() + 4 + metrics.ascent()), label)
            taken = start + advance
        y = bar.bottom() + 4 + line + 6

        row = max(swatch, line)
        box = QRectF(left, y + (row - swatch) / 2, swatch, swatch)
        painter.fillRect(box, legend.no_data)
        painter.drawText(
            QPointF(box.right() + 6, y + (row - line) / 2 + metrics.ascent()),
            legend.no_data_label,
        )
        painter.end()
        if style.hatch is not None:
            # The same pixel pattern as on the map, so the swatch reads as the same thing.
            _hatch_rect(sprite, box.translated(origin - sprite.origin), legend.no_data, style)
        painter = _sprite_painter(sprite)
        painter.translate(origin)
        painter.setPen(frame_pen)
        painter.drawRect(box)
        painter.end()
        return sprite

    # ----------------------------------------------------------------- hover & tooltip

    def _set_hovered(self, code: str, global_position: QPoint | None) -> None:
        if code == self._hovered:
            return
        self._hovered = code
        before = self._hover_sprite
        self._hover_sprite = self._outline_sprite(code) if code else None
        # Repaint only where the outline was and is (Qt clips the blit to that region).
        current = self._transform()
        dirty = QRectF()
        for sprite in (before, self._hover_sprite):
            if sprite is not None:
                area = QRectF(sprite.origin, sprite.image.deviceIndependentSize())
                if sprite.transform != current:
                    area = _between(sprite.transform, current).mapRect(area)
                dirty |= area
        if not dirty.isEmpty():
            self.update(dirty.toAlignedRect().adjusted(-1, -1, 1, 1))
        self.country_hovered.emit(code)
        if QToolTip.isVisible():
            if global_position is None:
                QToolTip.hideText()
            else:
                self._show_tooltip(code, global_position)

    def _show_tooltip(self, code: str, global_position: QPoint) -> None:
        text = self.tooltip_provider(code) if code and self.tooltip_provider else None
        if text:
            # The provider's text is plain; escape it so "<" or "&" in a name stay literal
            # (and let long lines wrap, which the default "pre" conversion forbids).
            rich = QtGui.Qt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)
            QToolTip.showText(global_position, rich, self)
        else:
            QToolTip.hideText()


# --------------------------------------------------------------------- helpers


def _device_size(size: QSize, ratio: float) -> tuple[int, int]:
    return max(1, math.ceil(size.width() * ratio)), max(1, math.ceil(size.height() * ratio))


def _union(rects: Iterable[QRectF]) -> QRectF:
    result = QRectF()
    for rect in rects:
        result |= rect
    return result


def _between(old: QTransform, new: QTransform) -> QTransform:
    """Maps widget pixels under view ``old`` to widget pixels under view ``new``."""
    inverse, _ = old.inverted()
    return inverse * new


def _pixels(image: QImage, dtype: type[np.uint8] | type[np.uint32]) -> npt.NDArray[Any]:
    """A writable (height, width) numpy view of an 8- or 32-bit image's pixels."""
    stride = image.bytesPerLine() // np.dtype(dtype).itemsize
    flat = np.frombuffer(image.bits(), dtype=dtype)
    view: npt.NDArray[Any] = flat.reshape(image.height(), stride)[:, : image.width()]
    return view


def _dilate_into_ocean(raster: npt.NDArray[np.uint8]) -> None:
    """Give each ocean pixel next to land (4-neighbourhood) that land's index, in place."""
    grown = np.zeros_like(raster)
    np.maximum(grown[1:], raster[:-1], out=grown[1:])
    np.maximum(grown[:-1], raster[1:], out=grown[:-1])
    np.maximum(grown[:, 1:], raster[:, :-1], out=grown[:, 1:])
    np.maximum(grown[:, :-1], raster[:, 1:], out=grown[:, :-1])
    np.copyto(raster, grown, where=raster == _OCEAN_INDEX)


def _cosmetic_pen(colour: QColor, width: float) -> QPen:
    pen = QPen(colour, width)
    pen.setCosmetic(True)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _pen(colour: QColor, width: float) -> QPen:
    pen = QPen(colour, width)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


def _blend(base: QColor, top: QColor) -> int:
    """``top`` (with alpha) over opaque ``base``, as an opaque ARGB32 word."""
    alpha = top.alphaF()

    def channel(low: int, high: int) -> int:
        return round(low + (high - low) * alpha)

    return (
        0xFF000000
        | channel(base.red(), top.red()) << 16
        | channel(base.green(), top.green()) << 8
        | channel(base.blue(), top.blue())
    )


def _hatch_mask(width: int, height: int, period: int, thickness: int) -> npt.NDArray[np.bool_]:
    """Diagonal stripes ``thickness`` device pixels wide, ``period`` apart (a tiled tile)."""
    tile = np.add.outer(np.arange(period), np.arange(period)) % period < thickness
    reps = (height // period + 1, width // period + 1)
    mask: npt.NDArray[np.bool_] = np.tile(tile, reps)[:height, :width]
    return mask


def _hatch_rect(sprite: _Sprite, rect: QRectF, base: QColor, style: MapStyle) -> None:
    """Apply the map's hatch to a rectangle (logical, sprite-relative) of a sprite."""
    assert style.hatch is not None
    image = sprite.image
    ratio = image.devicePixelRatio()
    left, top = math.ceil(rect.left() * ratio), math.ceil(rect.top() * ratio)
    right, bottom = math.floor(rect.right() * ratio), math.floor(rect.bottom() * ratio)
    if right <= left or bottom <= top:
        return
    period = max(2, round(style.hatch_period * ratio))
    mask = _hatch_mask(right - left, bottom - top, period, max(1, round(ratio)))
    region = _pixels(image, np.uint32)[top:bottom, left:right]
    region[mask] = _blend(base, style.hatch)


#: Where marked countries' labels go: the left and top of each one's stamp (its text
#: within its halo), and the text.
_LabelPlaces = tuple[tuple[float, float, str], ...]
#: How far a marked country's label is set from its outline's bounds, and how far its
#: halo reaches around its text, in logical pixels.
_LABEL_GAP = 4.0
_LABEL_HALO = 4.0
#: The width of a marked country's outline (Afghanistan's), in logical pixels.
MARKED_WIDTH = 1.6


def _fill_coverage(sprite: _Sprite, paths: Sequence[QPainterPath]) -> npt.NDArray[np.uint8]:
    """The union of ``paths`` (widget coordinates) filled with antialiasing on
    ``sprite``'s pixels: each pixel's coverage, 0-255."""
    image = sprite.image
    ratio = image.devicePixelRatio()
    coverage_image = QImage(image.width(), image.height(), QImage.Format.Format_Grayscale8)
    coverage_image.fill(0)
    painter = QPainter(coverage_image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    # Added up, not painted over: where two shapes meet, their half-covered edge pixels
    # make a whole one, so no seam is left between the members of a union.
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Plus)
    painter.scale(ratio, ratio)
    painter.translate(-sprite.origin)
    for path in paths:
        painter.fillPath(path, QColor(255, 255, 255))
    painter.end()
    # A copy: the pixels' view does not keep the image, which goes with this function.
    return _pixels(coverage_image, np.uint8).copy()


def _draw_bands(
    sprite: _Sprite, coverage: npt.NDArray[np.uint8], bands: Sequence[tuple[QColor, float]]
) -> None:
    """Outline the shape ``coverage`` (on ``sprite``'s pixels, :func:`_fill_coverage`)
    on ``sprite``: for each ``(colour, width)``, in order, a band of that width centred
    on the shape's edge.

    Qt strokes a wide antialiased pen at roughly 10-20 µs a segment, which made
    selecting a large country (Canada's 9 000 segments and 285 rings) cost 200 ms or
    more; the shape is filled once with antialiasing (a few ms, worked out ahead for the
    largest) and the bands grow from its edge with numpy, at a cost that follows the
    sprite's pixels, not the outline's detail. Islands thinner than a band get a
    fainter, not a blacker, outline.
    """
    image = sprite.image
    ratio = image.devicePixelRatio()
    width, height = image.width(), image.height()
    outside = 255 - coverage
    target = QRectF(0, 0, width / ratio, height / ratio)
    stride = (width + 3) // 4 * 4
    painter = QPainter(image)
    for colour, band_width in bands:
        radius = band_width * ratio / 2
        # Rows 32-bit aligned, as QImage wants them of the memory it is given.
        band = np.zeros((height, stride), dtype=np.uint8)
        np.minimum(
            _grey_dilate(coverage, radius), _grey_dilate(outside, radius), out=band[:, :width]
        )
        layer = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        layer.fill(colour)
        # The band's coverage becomes the colour's alpha (times its own).
        mask = QImage(band.data, width, height, stride, QImage.Format.Format_Alpha8)
        layer_painter = QPainter(layer)
        layer_painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_DestinationIn)
        layer_painter.drawImage(0, 0, mask)
        layer_painter.end()
        painter.drawImage(target, layer, QRectF(layer.rect()))
    painter.end()


@lru_cache(maxsize=16)
def _disc_offsets(radius: float) -> tuple[tuple[int, int], ...]:
    """The integer offsets within ``radius`` (at least the four neighbours)."""
    reach = max(1, math.ceil(radius))
    limit = max(radius, 1.0) ** 2 + 0.25
    return tuple(
        (dy, dx)
        for dy in range(-reach, reach + 1)
        for dx in range(-reach, reach + 1)
        if (dy or dx) and dy * dy + dx * dx <= limit
    )


def _grey_dilate(values: npt.NDArray[np.uint8], radius: float) -> npt.NDArray[np.uint8]:
    """Each pixel's largest value within ``radius`` pixels (a greyscale dilation).

    By rows of the disc: each row of it is a run ``-w..w`` of columns, so the image is
    first dilated along its rows by every half-width the disc has (each wider one from
    the last, two maxima a step), then those are combined over the disc's rows. The same
    maximum over the same pixels as one shifted maximum per offset, in about a third of
    the passes over the sprite (an outline's four dilations took 4-6 ms for the largest
    countries).
    """
    height, width = values.shape
    half_widths: dict[int, int] = {0: 0}
    for dy, dx in _disc_offsets(radius):
        half_widths[dy] = max(half_widths.get(dy, 0), abs(dx))
    along: dict[int, npt.NDArray[np.uint8]] = {0: values}
    grown = values
    for reach in range(1, max(half_widths.values()) + 1):
        grown = grown.copy()
        if reach < width:  # farther than the sprite is wide: nothing more to take
            np.maximum(grown[:, reach:], values[:, :-reach], out=grown[:, reach:])
            np.maximum(grown[:, :-reach], values[:, reach:], out=grown[:, :-reach])
        along[reach] = grown
    result = along[half_widths[0]].copy()
    for dy, reach in half_widths.items():
        if dy == 0 or abs(dy) >= height:
            continue  # the centre row is the start; past a thin sprite there is nothing
        rows = along[reach]
        if dy > 0:
            np.maximum(result[:-dy], rows[dy:], out=result[:-dy])
        else:
            np.maximum(result[-dy:], rows[:dy], out=result[-dy:])
    return result


def _new_sprite(bounds: QRectF, ratio: float, transform: QTransform) -> _Sprite | None:
    if bounds.isEmpty():
        return None
    outer = bounds.toAlignedRect()
    image = QImage(
        max(1, math.ceil(outer.width() * ratio)),
        max(1, math.ceil(outer.height() * ratio)),
        QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.fill(Qt.GlobalColor.transparent)
    image.setDevicePixelRatio(ratio)
    return _Sprite(image, QPointF(outer.topLeft()), transform)


def _sprite_painter(sprite: _Sprite) -> QPainter:
    """A painter on the sprite that takes widget coordinates (logical pixels)."""
    painter = QPainter(sprite.image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.translate(-sprite.origin)
    return painter


__all__ = ["DEFAULT_HIDDEN", "MAX_ZOOM", "MIN_ZOOM", "SETTLE_MS", "MapStyle", "WorldMapView"]
