"""The world map widget: hit-testing, clicks, colours, zoom and pan, decorations, palette."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QHelpEvent,
    QImage,
    QPaintEvent,
    QRegion,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from afgui.ui import map_geometry, palette
from afgui.ui.world_map import (
    _LABEL_HALO,
    HEAVY_OUTLINE_ELEMENTS,
    MAX_ZOOM,
    MIN_ZOOM,
    MapStyle,
    WorldMapView,
    _disc_offsets,
    _fill_coverage,
    _grey_dilate,
    _new_sprite,
    _pixels,
)

WIDTH, HEIGHT = 1000, 600
RED = QColor("#d7301f")
BLUE = QColor("#2166ac")


@pytest.fixture
def view(qtbot: QtBot) -> Iterator[WorldMapView]:
    widget = WorldMapView()
    qtbot.addWidget(widget)
    widget.resize(WIDTH, HEIGHT)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


@pytest.fixture
def plain_view(qtbot: QtBot) -> Iterator[WorldMapView]:
    """Without the "no data" hatch, so interior pixels are exactly the fill colours."""
    widget = WorldMapView(style=MapStyle(hatch=None))
    qtbot.addWidget(widget)
    widget.resize(WIDTH, HEIGHT)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


def _image(view: WorldMapView) -> QImage:
    view.settle()
    return view.grab().toImage()


def _pixel(image: QImage, point: QPointF) -> QColor:
    ratio = image.devicePixelRatio()
    return image.pixelColor(int(point.x() * ratio), int(point.y() * ratio))


def _centroid(code: str) -> QPointF:
    rings = map_geometry.world_geometry().shape(code).rings
    ring = max(rings, key=len)
    x, y = ring[:, 0], ring[:, 1]
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    area = cross.sum() / 2
    cx = ((x[:-1] + x[1:]) * cross).sum() / (6 * area)
    cy = ((y[:-1] + y[1:]) * cross).sum() / (6 * area)
    return QPointF(float(cx), float(cy))


def _wheel(view: WorldMapView, position: QPointF, notches: float) -> None:
    event = QWheelEvent(
        position,
        view.mapToGlobal(position),
        QPoint(0, 0),
        QPoint(0, round(120 * notches)),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view, event)


# ------------------------------------------------------------------ hit-testing


def test_hit_test_at_the_centroid_of_afghanistan(view: WorldMapView) -> None:
    assert view.country_at(view.map_to_widget(_centroid("AF"))) == "AF"


@pytest.mark.parametrize("code", ["AF", "PK", "IR", "RU", "US", "JP", "BR", "AU", "FR", "ZA"])
def test_hit_test_inside_countries(view: WorldMapView, code: str) -> None:
    assert view.country_at(view.country_point(code)) == code


def test_hit_test_on_ocean_and_outside(view: WorldMapView) -> None:
    mid_pacific = view.map_to_widget(QPointF(80, 700))
    assert view.country_at(mid_pacific) == ""
    assert view.country_at(QPointF(-5, 10)) == ""
    assert view.country_at(QPointF(WIDTH + 5, 10)) == ""


def test_antarctica_is_hidden_by_default(qtbot: QtBot) -> None:
    assert "AQ" not in WorldMapView().codes
    everything = WorldMapView(hidden=())
    qtbot.addWidget(everything)
    assert "AQ" in everything.codes


# ------------------------------------------------------------------ mouse


def test_click_emits_the_country(view: WorldMapView, qtbot: QtBot) -> None:
    point = view.country_point("FR").toPoint()
    with qtbot.waitSignal(view.country_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == ["FR"]


def test_click_on_the_ocean_emits_nothing(view: WorldMapView, qtbot: QtBot) -> None:
    ocean = view.map_to_widget(QPointF(80, 700)).toPoint()
    with qtbot.assertNotEmitted(view.country_clicked):
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=ocean)


def test_drag_pans_and_does_not_click(view: WorldMapView, qtbot: QtBot) -> None:
    view.zoom_by(3)
    view.settle()
    start = view.country_point("DE")
    before = view.map_to_widget(QPointF(1000, 300))
    with qtbot.assertNotEmitted(view.country_clicked):
        qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start.toPoint())
        qtbot.mouseMove(view, (start + QPointF(60, 40)).toPoint())
        qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=(start + QPointF(60, 40)).toPoint())
    after = view.map_to_widget(QPointF(1000, 300))
    assert after.x() - before.x() == pytest.approx(60, abs=1)
    assert after.y() - before.y() == pytest.approx(40, abs=1)


def test_hover_reports_the_country_and_then_none(view: WorldMapView, qtbot: QtBot) -> None:
    with qtbot.waitSignal(view.country_hovered, timeout=1000) as blocker:
        qtbot.mouseMove(view, view.country_point("IN").toPoint())
    assert blocker.args == ["IN"]
    assert view.hovered == "IN"
    with qtbot.waitSignal(view.country_hovered, timeout=1000) as blocker:
        qtbot.mouseMove(view, view.map_to_widget(QPointF(80, 700)).toPoint())
    assert blocker.args == [""]


def test_hover_outlines_the_country(plain_view: WorldMapView, qtbot: QtBot) -> None:
    edge = _edge_point(plain_view, "BR")
    before = _pixel(_image(plain_view), edge)
    qtbot.mouseMove(plain_view, plain_view.country_point("BR").toPoint())
    after = _pixel(_image(plain_view), edge)
    assert after.lightness() < before.lightness() - 30


def test_tooltip_shows_the_providers_plain_text(
    view: WorldMapView, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Record instead of showing: the offscreen platform warns that it cannot raise one.
    shown: list[str] = []
    monkeypatch.setattr(QToolTip, "showText", lambda _pos, text, *_args: shown.append(text))
    monkeypatch.setattr(QToolTip, "hideText", lambda: shown.append(""))
    asked: list[str] = []

    def provider(code: str) -> str | None:
        asked.append(code)
        return f"{code} <b>not bold</b> & co" if code == "CN" else None

    view.tooltip_provider = provider
    point = view.country_point("CN").toPoint()
    QApplication.sendEvent(view, QHelpEvent(QEvent.Type.ToolTip, point, view.mapToGlobal(point)))
    assert asked == ["CN"]
    assert len(shown) == 1
    assert "&lt;b&gt;" in shown[0] and "&amp; co" in shown[0]  # plain text stays literal
    ocean = view.map_to_widget(QPointF(80, 700)).toPoint()
    QApplication.sendEvent(view, QHelpEvent(QEvent.Type.ToolTip, ocean, view.mapToGlobal(ocean)))
    assert asked == ["CN"]  # nothing to ask about the ocean
    assert shown[-1] == ""  # hidden
    other = view.country_point("IN").toPoint()
    QApplication.sendEvent(view, QHelpEvent(QEvent.Type.ToolTip, other, view.mapToGlobal(other)))
    assert asked == ["CN", "IN"]
    assert shown[-1] == ""  # the provider had nothing to say


# ------------------------------------------------------------------ colours


def test_set_fills_changes_the_interior_colour(plain_view: WorldMapView) -> None:
    inside = plain_view.country_point("BR")
    plain_view.set_fills({"BR": RED}, palette.NO_DATA)
    assert _pixel(_image(plain_view), inside) == RED
    plain_view.set_fills({"br": BLUE}, palette.NO_DATA)  # codes are case-insensitive
    assert _pixel(_image(plain_view), inside) == BLUE


def test_translucent_fills_are_drawn_opaque(plain_view: WorldMapView) -> None:
    plain_view.set_fills({"BR": QColor(215, 48, 31, 40)}, palette.NO_DATA)
    assert _pixel(_image(plain_view), plain_view.country_point("BR")) == RED


def test_countries_without_a_fill_get_the_default(plain_view: WorldMapView) -> None:
    plain_view.set_fills({"BR": RED, "XX": BLUE}, palette.NEUTRAL)  # XX: not on the map
    image = _image(plain_view)
    assert _pixel(image, plain_view.country_point("AR")) == palette.NEUTRAL
    assert _pixel(image, plain_view.country_point("BR")) == RED


def test_no_data_is_hatched(view: WorldMapView) -> None:
    view.set_fills({}, palette.NO_DATA)
    image = _image(view)
    centre = view.country_point("RU")
    colours = {
        _pixel(image, centre + QPointF(dx, 0)).name() for dx in range(-6, 7)
    }  # a run across the stripes meets the ground and the stripe colour
    assert palette.NO_DATA.name() in colours
    assert len(colours) >= 2


def _fresh_image(qtbot: QtBot, fills: dict[str, QColor]) -> QImage:
    """What a new map of the same size draws with ``fills`` from the start."""
    fresh = WorldMapView()
    qtbot.addWidget(fresh)
    fresh.resize(WIDTH, HEIGHT)
    fresh.show()
    qtbot.waitExposed(fresh)
    fresh.set_fills(fills, palette.NO_DATA)
    return _image(fresh)


def test_recolouring_some_countries_draws_what_a_new_map_draws(
    view: WorldMapView, qtbot: QtBot
) -> None:
    view.set_fills({"BR": RED, "FR": BLUE, "RU": RED, "CN": BLUE}, palette.NO_DATA)
    _image(view)
    # A few countries change (France back to "no data"), then most of them.
    for fills in (
        {"BR": BLUE, "RU": RED, "CN": BLUE},
        {code: RED if number % 2 else BLUE for number, code in enumerate(view.codes)},
    ):
        view.set_fills(fills, palette.NO_DATA)
        assert _image(view) == _fresh_image(qtbot, fills)


def test_unchanged_colours_repaint_nothing(view: WorldMapView) -> None:
    painted = []

    class Paints(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                painted.append(True)
            return False

    view.set_fills({"BR": RED}, palette.NO_DATA)
    _image(view)
    QApplication.processEvents()
    watcher = Paints()
    view.installEventFilter(watcher)
    view.set_fills({"BR": QColor(RED)}, QColor(palette.NO_DATA))
    QApplication.processEvents()
    assert painted == []
    view.set_fills({"BR": BLUE}, palette.NO_DATA)
    QApplication.processEvents()
    assert painted


def test_each_countrys_box_holds_its_pixels(view: WorldMapView) -> None:
    layers = view._ensure_layers()
    assert layers is not None
    raster = _pixels(layers.ids, np.uint8)
    for index, code in enumerate(view.codes, start=1):
        rows, columns = np.nonzero(raster == index)
        if not len(rows):
            continue
        box = layers.boxes[index]
        assert box.top() <= rows.min() and rows.max() <= box.bottom(), code
        assert box.left() <= columns.min() and columns.max() <= box.right(), code


def test_marked_country_is_dark_and_labelled(plain_view: WorldMapView) -> None:
    plain_view.set_fills({"AF": RED, "PK": BLUE}, palette.NO_DATA)
    before = _image(plain_view)
    plain_view.set_marked(["AF"], {"AF": "Afghanistan"})
    after = _image(plain_view)
    assert _pixel(after, plain_view.country_point("AF")) == palette.SUBJECT
    assert _changed_pixels(before, after, _label_area(plain_view, "AF")) > 30


def test_selection_outline_changes_pixels_on_the_border(plain_view: WorldMapView) -> None:
    plain_view.set_fills({"PK": BLUE}, palette.NO_DATA)
    edge = _edge_point(plain_view, "PK")
    before = _image(plain_view)
    plain_view.set_selected(["PK"])
    after = _image(plain_view)
    # The dark outline runs along the border (its vertex may sit on the band's edge).
    assert _darkest_near(after, edge) < 80
    assert _darkest_near(before, edge) > 120
    assert _pixel(before, edge) != _pixel(after, edge)
    # The inside away from the border keeps its colour.
    assert _pixel(after, plain_view.country_point("PK")) == BLUE
    plain_view.set_selected([])
    assert _pixel(_image(plain_view), edge) == _pixel(before, edge)


def _outline_pixels(view: WorldMapView, codes: list[str]) -> tuple[QPointF, np.ndarray]:
    view.set_selected(codes)
    sprite = view._ensure_selection()
    assert sprite is not None
    return sprite.origin, np.array(_pixels(sprite.image, np.uint32))


def _coverage_filled_anew(view: WorldMapView, codes: list[str]) -> np.ndarray:
    """The union's coverage on the selection sprite, filled with its paths at once."""
    view.set_selected(codes)
    sprite = view._ensure_selection()
    assert sprite is not None
    transform = view._transform()
    paths = [transform.map(view._geometry.shape(code).path) for code in sorted(codes)]
    blank = _new_sprite(QRectF(sprite.origin, QSizeF(sprite.image.size())), 1.0, transform)
    assert blank is not None
    return _fill_coverage(blank, paths)


@pytest.mark.parametrize(
    "codes", [["CA"], ["US"], ["FR"], ["AD"], ["RU", "UA", "KZ", "BY"], ["US", "CA"]]
)
def test_kept_coverage_gives_the_outline_a_fill_gives(view: WorldMapView, codes: list[str]) -> None:
    """An outline from the countries' kept coverage (worked out when idle, or at an
    earlier selection) has exactly the pixels of one from the paths filled anew."""
    view.grab()
    view._coverages.clear()
    origin, drawn_anew = _outline_pixels(view, codes)
    kept = set(view._coverages)
    assert set(codes) <= kept
    view.set_selected([])
    again_origin, from_kept = _outline_pixels(view, codes)
    assert again_origin == origin
    assert np.array_equal(from_kept, drawn_anew)
    sprite = view._ensure_selection()
    assert sprite is not None
    assert np.array_equal(
        view._coverage_on(sprite, sorted(codes), []), _coverage_filled_anew(view, codes)
    )


def test_heavy_outlines_are_worked_out_when_idle(view: WorldMapView, qtbot: QtBot) -> None:
    heavy = {
        shape.code
        for shape in map_geometry.world_geometry()
        if shape.path.elementCount() >= HEAVY_OUTLINE_ELEMENTS and shape.code in view.codes
    }
    assert {"CA", "RU", "US"} <= heavy
    view.grab()
    qtbot.waitUntil(lambda: not view.warming and heavy <= set(view._coverages))
    assert set(view._coverages) == heavy  # nothing else before it is drawn
    # A zoom leaves them behind; once the view is still again they are worked out anew.
    view.zoom_by(2.0)
    view.settle()
    view.grab()
    assert not heavy & set(view._current_coverages())
    qtbot.waitUntil(lambda: not view.warming)
    in_view = {code for code in heavy if view._coverages.get(code) is not None}
    assert in_view, "the heavy countries still in view are worked out again"
    assert set(view._coverages) == heavy  # those out of it are tried once, and left


class _PaintRegions(QObject):
    """The regions of the paint events a widget gets."""

    def __init__(self, widget: WorldMapView) -> None:
        super().__init__()
        self.regions: list[QRegion] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if isinstance(event, QPaintEvent):
            self.regions.append(QRegion(event.region()))
        return False


def _sprite_rect(view: WorldMapView) -> QRect:
    sprite = view._ensure_selection()
    assert sprite is not None
    size = QSizeF(sprite.image.size()) / sprite.image.devicePixelRatio()
    return QRectF(sprite.origin, size).toAlignedRect() & view.rect()


def test_a_selection_repaints_only_the_outlines(view: WorldMapView, qtbot: QtBot) -> None:
    view.settle()
    view.repaint()
    painted = _PaintRegions(view)
    view.set_selected(["PK"])
    qtbot.waitUntil(lambda: bool(painted.regions))
    pakistan = _sprite_rect(view)
    assert painted.regions[-1].contains(pakistan)
    assert painted.regions[-1].boundingRect() != view.rect()
    painted.regions.clear()
    view.set_selected(["CA"])
    qtbot.waitUntil(lambda: bool(painted.regions))
    # Where Pakistan's outline was is painted again (without it), and Canada's new one.
    region = painted.regions[-1]
    assert region.contains(pakistan) and region.contains(_sprite_rect(view))


def _label_box(view: WorldMapView) -> QRectF:
    """Where the (one) marked country's label is placed, in widget coordinates."""
    ((left, top, text),) = view._placed_labels()  # its stamp's corner, the halo around it
    corner = QPointF(left + _LABEL_HALO, top + _LABEL_HALO)
    return QRectF(corner, QFontMetricsF(view._label_font()).boundingRect(text).size())


def _label_ink(image: QImage, box: QRectF, ink: QColor) -> int:
    """How many pixels in ``box`` are exactly the labels' colour."""
    ratio = image.devicePixelRatio()
    area = QRectF(box.topLeft() * ratio, box.size() * ratio).toAlignedRect() & image.rect()
    return sum(
        image.pixelColor(x, y) == ink
        for y in range(area.top(), area.bottom() + 1)
        for x in range(area.left(), area.right() + 1)
    )


def test_the_label_keeps_off_a_selected_neighbour(plain_view: WorldMapView, qtbot: QtBot) -> None:
    """The label of Afghanistan goes under the country, or, when a selected country lies
    there (Pakistan), above it; the paint covers where it was and where it goes."""
    view = plain_view
    view.set_marked(["AF"], {"AF": "Afghanistan"})
    view.settle()
    view.repaint()
    transform = view._transform()
    afghanistan = transform.mapRect(map_geometry.world_geometry().shape("AF").bounds)
    pakistan = transform.map(map_geometry.world_geometry().shape("PK").path)
    below = _label_box(view)
    assert below.top() >= afghanistan.bottom()
    assert pakistan.intersects(below)
    ink = view._style.label
    assert _label_ink(_image(view), below, ink) > 30
    painted = _PaintRegions(view)
    view.set_selected(["PK"])
    above = _label_box(view)
    assert above.bottom() <= afghanistan.top()
    assert not pakistan.intersects(above)
    qtbot.waitUntil(lambda: bool(painted.regions))
    assert painted.regions[-1].contains(below.toAlignedRect())
    assert painted.regions[-1].contains(above.toAlignedRect())
    image = _image(view)
    assert _label_ink(image, above, ink) > 30
    # A selection elsewhere (Turkmenistan, north of it) sends it back under the country.
    view.set_selected(["TM"])
    assert _label_box(view) == below
    assert _label_ink(_image(view), above, ink) == 0


def test_legend_is_drawn_in_the_corner(view: WorldMapView) -> None:
    corner = QPointF(30, HEIGHT - 20)
    before = _pixel(_image(view), corner)
    view.set_legend(palette.legend_stops(), palette.NO_DATA, title="Relation strength")
    with_legend = _pixel(_image(view), corner)
    assert with_legend != before
    view.clear_legend()
    assert _pixel(_image(view), corner) == before


# ------------------------------------------------------------------ zoom and pan


def test_zoom_changes_the_mapping_and_reset_restores_it(view: WorldMapView) -> None:
    home_af = view.map_to_widget(_centroid("AF"))
    home_fr = view.map_to_widget(_centroid("FR"))
    view.zoom_by(2.5, home_af)
    assert view.zoom == pytest.approx(2.5)
    moved_af = view.map_to_widget(_centroid("AF"))
    assert moved_af.x() == pytest.approx(home_af.x(), abs=0.01)  # the anchor stays put
    assert moved_af.y() == pytest.approx(home_af.y(), abs=0.01)
    assert view.map_to_widget(_centroid("FR")) != home_fr
    assert view.country_at(view.country_point("FR")) == "FR"  # before settling too
    view.settle()
    assert view.country_at(view.country_point("FR")) == "FR"
    view.reset_view()
    assert view.zoom == 1.0
    assert view.map_to_widget(_centroid("FR")) == home_fr


def test_wheel_zooms_around_the_cursor(view: WorldMapView) -> None:
    cursor = view.country_point("IT")
    fixed = view.widget_to_map(cursor)
    _wheel(view, cursor, 2)
    assert view.zoom == pytest.approx(1.2**2)
    assert view.map_to_widget(fixed).x() == pytest.approx(cursor.x(), abs=0.01)
    _wheel(view, cursor, -2)
    assert view.zoom == pytest.approx(1.0)


def test_zoom_is_limited(view: WorldMapView) -> None:
    view.zoom_by(1e6)
    assert view.zoom == MAX_ZOOM
    view.zoom_by(1e-9)
    assert view.zoom == MIN_ZOOM


def test_keyboard_zoom_and_reset(view: WorldMapView, qtbot: QtBot) -> None:
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert view.zoom > 1
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_0)
    assert view.zoom == 1.0


def test_focus_ring_only_for_keyboard_focus(view: WorldMapView, qtbot: QtBot) -> None:
    corner = QPointF(1.5, HEIGHT / 2)
    ocean = _pixel(_image(view), corner)
    view.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(view.hasFocus, timeout=1000)
    assert _pixel(_image(view), corner) == ocean
    view.clearFocus()
    view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(view.hasFocus, timeout=1000)
    assert _pixel(_image(view), corner) != ocean


def test_double_click_resets(view: WorldMapView, qtbot: QtBot) -> None:
    home = view.map_to_widget(_centroid("BR"))
    view.zoom_by(4, view.country_point("JP"))
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    assert view.zoom == 1.0
    assert view.map_to_widget(_centroid("BR")) == home


def test_no_panning_when_the_whole_world_fits(view: WorldMapView) -> None:
    home = view.map_to_widget(_centroid("BR"))
    view.pan_by(200, 100)
    assert view.map_to_widget(_centroid("BR")) == home


def test_zoomed_view_renders_sharp_after_settling(plain_view: WorldMapView) -> None:
    plain_view.set_fills({"FR": RED}, palette.NO_DATA)
    plain_view.zoom_by(8, plain_view.country_point("FR"))
    image = _image(plain_view)
    assert _pixel(image, plain_view.country_point("FR")) == RED
    assert plain_view.country_at(plain_view.country_point("FR")) == "FR"


def test_resize_keeps_hit_testing_right_before_and_after_settling(
    plain_view: WorldMapView,
) -> None:
    plain_view.set_fills({"CA": RED}, palette.NO_DATA)
    plain_view.resize(700, 700)
    assert plain_view.country_at(plain_view.country_point("CA")) == "CA"  # interim
    image = _image(plain_view)  # settled
    assert image.width() == round(700 * image.devicePixelRatio())
    assert _pixel(image, plain_view.country_point("CA")) == RED
    assert plain_view.country_at(plain_view.country_point("CA")) == "CA"


def test_tiny_and_hidden_widgets_do_not_fail(qtbot: QtBot) -> None:
    widget = WorldMapView()
    qtbot.addWidget(widget)
    assert widget.country_at(QPointF(1, 1)) == ""  # never shown: nothing to hit
    widget.resize(3, 2)
    widget.show()
    qtbot.waitExposed(widget)
    widget.grab()


# ------------------------------------------------------------------ palette


def test_palette_ends_and_middle() -> None:
    assert palette.strength_colour(-10) == QColor("#543005")
    assert palette.strength_colour(10) == QColor("#003c30")
    assert palette.strength_colour(0) == palette.NEUTRAL
    assert palette.strength_colour(-50) == palette.strength_colour(-10)  # clamped
    assert palette.strength_colour(None) == palette.NO_DATA
    assert palette.strength_colour(float("nan")) == palette.NO_DATA


def test_palette_colours_many_values_as_one_by_one() -> None:
    # Every hundredth of the scale and beyond it, the anchors, and irregular values:
    # the array form must give QColor's own rounding, not a colour one unit off.
    rng = np.random.default_rng(7)
    values = np.concatenate(
        (np.arange(-1200, 1201) / 100, rng.uniform(-11, 11, 20_000), [np.nan, -0.0])
    )
    expected = [
        palette.strength_colour(None if np.isnan(value) else float(value)).rgb() for value in values
    ]
    assert palette.strength_rgbs(values).tolist() == expected


def test_palette_darkens_away_from_zero() -> None:
    for sign in (-1, 1):
        lightness = [palette.strength_colour(sign * v).lightness() for v in range(0, 11)]
        assert lightness == sorted(lightness, reverse=True)


def test_no_data_is_clearly_unlike_neutral() -> None:
    neutral, missing = palette.NEUTRAL, palette.NO_DATA
    distance = sum(
        abs(a - b)
        for a, b in zip(
            (neutral.red(), neutral.green(), neutral.blue()),
            (missing.red(), missing.green(), missing.blue()),
            strict=True,
        )
    )
    assert distance > 60


def test_legend_stops_cover_the_scale_with_sparse_labels() -> None:
    stops = palette.legend_stops()
    assert len(stops) == 21
    assert [label for label, _ in stops if label] == ["−10", "−5", "0", "+5", "+10"]
    assert stops[0][1] == palette.strength_colour(-10)
    assert stops[-1][1] == palette.strength_colour(10)


# ------------------------------------------------------------------ helpers


def _darkest_near(image: QImage, point: QPointF, reach: int = 2) -> int:
    """The lowest lightness within ``reach`` pixels of ``point``."""
    return min(
        _pixel(image, point + QPointF(dx, dy)).lightness()
        for dx in range(-reach, reach + 1)
        for dy in range(-reach, reach + 1)
    )


def _edge_point(view: WorldMapView, code: str) -> QPointF:
    """A point on the country's outline: its largest ring's leftmost vertex."""
    ring = max(map_geometry.world_geometry().shape(code).rings, key=len)
    x, y = ring[ring[:, 0].argmin()]
    return view.map_to_widget(QPointF(float(x), float(y)))


def _label_area(view: WorldMapView, code: str) -> tuple[int, int, int, int]:
    bounds = (
        view.map_to_widget(map_geometry.world_geometry().shape(code).bounds.bottomLeft()),
        view.map_to_widget(map_geometry.world_geometry().shape(code).bounds.bottomRight()),
    )
    left, right = bounds[0].x() - 40, bounds[1].x() + 40
    top = bounds[0].y() + 2
    return int(left), int(top), int(right), int(top + 20)


def _changed_pixels(before: QImage, after: QImage, area: tuple[int, int, int, int]) -> int:
    left, top, right, bottom = area
    ratio = after.devicePixelRatio()
    changed = 0
    for y in range(top, bottom):
        for x in range(left, right):
            px, py = int(x * ratio), int(y * ratio)
            changed += before.pixel(px, py) != after.pixel(px, py)
    return changed


def test_dilation_by_rows_is_the_maximum_over_the_disc() -> None:
    """The row-wise dilation takes the same maximum as one shifted maximum per offset of
    the disc, at the edges of the sprite too."""
    rng = np.random.default_rng(3)
    for shape in ((1, 1), (2, 50), (7, 9), (40, 3), (61, 87)):
        for radius in (0.5, 1.3, 2.5, 4.6):
            values = (rng.random(shape) ** 8 * 255).astype(np.uint8)
            height, width = shape
            expected = values.copy()
            for y in range(height):
                for x in range(width):
                    for dy, dx in _disc_offsets(radius):
                        if 0 <= y + dy < height and 0 <= x + dx < width:
                            expected[y, x] = max(expected[y, x], values[y + dy, x + dx])
            assert np.array_equal(_grey_dilate(values, radius), expected), (shape, radius)


def test_outline_bands_of_sprites_thinner_than_the_band() -> None:
    """A selection panned to the view's edge leaves a sprite a few pixels tall; at a 2x
    screen the halo's radius (4.6 px) reaches past it."""
    values = np.zeros((2, 50), dtype=np.uint8)
    values[0, 25] = 255
    grown = _grey_dilate(values, 4.6)
    assert grown.shape == (2, 50)
    assert grown[1, 25] == 255 and grown[0, 29] == 255 and grown[1, 21] == 255
    assert grown[0, 31] == 0 and grown[0, 19] == 0
