"""Exports of what the window shows: the charts and the map as PNG or SVG, facts as CSV
or JSON, and the whole dataset.

Every file is written to a temporary sibling and renamed into place, so a failed export
never leaves half a file behind. Text files are UTF-8; the CSV has a header row.

* Charts: pyqtgraph's exporters render both plots (strength and aid) with a caption row
  naming the partner, the side and the lines, added for the export and removed after.
* Map: the PNG is the map as drawn (legend and outlines included) under a title; the
  SVG is written here directly, one ``<path id="PK">`` per country in the current view,
  so the file stays small and every country can be restyled in a drawing program.
* Facts and dataset: the records of :mod:`afgui.services.export`, as ``afgui-db export``
  writes them.
"""

from __future__ import annotations

import contextlib
import html
import importlib
import io
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from afgui.domain.model import Fact
from afgui.services.catalog import Catalog
from afgui.services.export import (
    actor_record,
    dataset_document,
    fact_record,
    source_record,
    write_facts_csv,
    write_json,
)
from afgui.services.measures import RelationsService
from afgui.ui import palette, theme
from afgui.ui.map_geometry import world_geometry
from afgui.ui.map_panel import SUBJECT, MapPanel

if TYPE_CHECKING:
    # pyqtgraph is imported where a chart is exported: importing it here would put it
    # (about 180 ms) back on the start-up path through the menus.
    import pyqtgraph as pg

    from afgui.ui.charts import ChartsView

# mkstemp creates files readable by their owner only; exports get the usual permissions.
_UMASK = os.umask(0)
os.umask(_UMASK)

#: Pixel scale of exported PNGs relative to the widget, for print and slides.
PNG_SCALE = 2.0
#: The least size (logical pixels) the charts are laid out at for an export.
FIGURE_SIZE = (960.0, 540.0)


class ExportFormat(StrEnum):
    PNG = "png"
    SVG = "svg"
    CSV = "csv"
    JSON = "json"


IMAGE_FILTERS = "PNG image (*.png);;SVG drawing (*.svg)"
DATA_FILTERS = "CSV table (*.csv);;JSON document (*.json)"


class ExportError(Exception):
    """An export could not be written; the message says what and why."""


def format_of(path: Path, allowed: Sequence[ExportFormat]) -> ExportFormat:
    """The format a file name asks for; ExportError if its suffix is not one of ``allowed``."""
    suffix = path.suffix.lower().lstrip(".")
    for export_format in allowed:
        if suffix == export_format.value:
            return export_format
    names = ", ".join(f".{f.value}" for f in allowed)
    raise ExportError(f"{path.name}: use one of {names}")


def with_suffix_for_filter(path: Path, chosen_filter: str) -> Path:
    """Add the chosen filter's extension when the user typed a name without one."""
    if path.suffix:
        return path
    for export_format in ExportFormat:
        if f"*.{export_format.value}" in chosen_filter:
            return path.with_suffix(f".{export_format.value}")
    return path


@contextlib.contextmanager
def _atomic(path: Path, *, text: bool = True) -> Iterator[IO[Any]]:
    """A file that appears at ``path`` only once it has been written completely."""
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as error:
        raise ExportError(f"cannot write in {path.parent}: {error.strerror}") from None
    try:
        mode = "w" if text else "wb"
        encoding = "utf-8" if text else None
        newline = "" if text else None
        with os.fdopen(handle, mode, encoding=encoding, newline=newline) as stream:
            yield stream
        Path(temporary).chmod(0o666 & ~_UMASK)
        Path(temporary).replace(path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {error.strerror}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_bytes(path: Path, data: bytes) -> None:
    with _atomic(path, text=False) as stream:
        stream.write(data)


def _image_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]  # the stubs want bytes; PySide6 accepts only str
        raise ExportError("the image could not be encoded as PNG")
    buffer.close()
    return bytes(data.data())


# Charts --------------------------------------------------------------------------------


def export_charts(charts: ChartsView, path: Path, *, caption: str = "") -> ExportFormat:
    """Write the charts (strength and aid plots) as PNG or SVG, with a legend of the
    lines and bars shown and ``caption`` (plain text) under the plots.

    The legend and caption exist in the file only; the window is left as it was.
    """
    import pyqtgraph.exporters as pg_exporters

    export_format = format_of(path, (ExportFormat.PNG, ExportFormat.SVG))
    layout = charts.graphics.ci
    fill = QColor(theme.SURFACE)
    with (
        _figure_size(layout),
        _caption_row(layout, caption),
        _legend(charts.strength_plot, charts.legend_entries()),
    ):
        scene = layout.scene()
        if scene is not None:
            scene.prepareForPaint()
        if export_format is ExportFormat.PNG:
            exporter = pg_exporters.ImageExporter(layout)
            width = max(1, round(layout.boundingRect().width() * PNG_SCALE))
            exporter.parameters()["width"] = width
            exporter.parameters()["background"] = fill
            image = exporter.export(toBytes=True)
            if not isinstance(image, QImage) or image.isNull():
                raise ExportError("the charts could not be drawn")
            _write_bytes(path, _image_bytes(image))
        else:
            exporter = pg_exporters.SVGExporter(layout)
            exporter.parameters()["background"] = fill
            with _closed_paths_tolerated():
                svg = exporter.export(toBytes=True)
            if not isinstance(svg, bytes | bytearray):
                raise ExportError("the charts could not be drawn as SVG")
            _write_bytes(path, bytes(svg))
    return export_format


@contextlib.contextmanager
def _legend(plot: pg.PlotItem, entries: Sequence[tuple[Any, str]]) -> Iterator[None]:
    import pyqtgraph as pg

    if not entries:
        yield
        return
    legend = pg.LegendItem(
        offset=(8, 8),
        brush=pg.mkBrush(_with_alpha(theme.SURFACE, 225)),
        pen=pg.mkPen(theme.RULE),
        labelTextColor=theme.INK,
        verSpacing=-4,
    )
    legend.setParentItem(plot.getViewBox())
    for item, name in entries:
        legend.addItem(item, html.escape(name))
    try:
        yield
    finally:
        legend.clear()
        scene = legend.scene()
        if scene is not None:
            # Removing it from the scene also detaches it from the plot.
            scene.removeItem(legend)


def _with_alpha(colour: QColor, alpha: int) -> QColor:
    result = QColor(colour)
    result.setAlpha(alpha)
    return result


@contextlib.contextmanager
def _closed_paths_tolerated() -> Iterator[None]:
    """Work around pyqtgraph#3495: its SVG exporter cannot read the ``Z`` (close path)
    commands that Qt 6's SVG generator writes.

    Qt writes them after rectangles and clip paths that already end where they start,
    and after the one-point subpaths that begin a curve with gaps; in both cases the
    ``Z`` draws nothing, so it is taken out before pyqtgraph maps the coordinates.
    """
    module: Any = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    original = module.correctCoordinates

    def correct(node: Any, defs: Any, item: Any, options: Any) -> Any:
        for path in node.getElementsByTagName("path"):
            tokens = path.getAttribute("d").split()
            if "Z" in tokens or "z" in tokens:
                path.setAttribute("d", " ".join(t for t in tokens if t not in ("Z", "z")))
        return original(node, defs, item, options)

    module.correctCoordinates = correct
    try:
        yield
    finally:
        module.correctCoordinates = original


@contextlib.contextmanager
def _figure_size(layout: pg.GraphicsLayout) -> Iterator[None]:
    """Lay the plots out at least :data:`FIGURE_SIZE` for the export, then as before.

    A chart pane on screen may be short and wide; in a figure the axis titles and the
    two plots need room. Nothing is painted in between, so the window does not flicker.
    """
    before = layout.geometry()
    width = max(before.width(), FIGURE_SIZE[0])
    height = max(before.height(), FIGURE_SIZE[1])
    layout.setGeometry(QRectF(before.topLeft(), QSizeF(width, height)))
    layout.layout.activate()
    try:
        yield
    finally:
        layout.setGeometry(before)
        layout.layout.activate()


@contextlib.contextmanager
def _caption_row(layout: pg.GraphicsLayout, caption: str) -> Iterator[None]:
    if not caption:
        yield
        return
    import pyqtgraph as pg

    rows = layout.layout.rowCount()
    label = pg.LabelItem(
        html.escape(caption), color=theme.MUTED_INK, justify="left", size=_caption_size()
    )
    layout.addItem(label, row=rows, col=0)
    layout.layout.activate()
    try:
        yield
    finally:
        layout.removeItem(label)
        layout.layout.activate()


def _caption_size() -> str:
    font = QFont()
    size = font.pointSizeF() if font.pointSizeF() > 0 else 9.0
    return f"{size * 0.95:.1f}pt"


# Map -----------------------------------------------------------------------------------


def export_map(panel: MapPanel, path: Path, *, selected: Sequence[str] = ()) -> ExportFormat:
    """Write the map as shown (its zoom and pan) as PNG or SVG.

    ``selected`` are the shapes outlined as the selection (alpha-2 codes).
    """
    export_format = format_of(path, (ExportFormat.PNG, ExportFormat.SVG))
    panel.map.settle()
    if export_format is ExportFormat.PNG:
        _write_bytes(path, _image_bytes(map_image(panel)))
    else:
        svg = map_svg(panel, selected=selected)
        with _atomic(path) as stream:
            stream.write(svg)
    return export_format


def map_image(panel: MapPanel) -> QImage:
    """The map widget as drawn, under its title, at the widget's pixel density."""
    world = panel.map
    pixmap = world.grab()
    ratio = pixmap.devicePixelRatio()
    font = theme.heading_font(panel.font(), 1.1)
    title_height = round(panel.fontMetrics().height() * 2.2)
    image = QImage(
        round(pixmap.width()),
        round(pixmap.height() + title_height * ratio),
        QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.setDevicePixelRatio(ratio)
    image.fill(theme.SURFACE)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setFont(font)
    painter.setPen(theme.INK)
    painter.drawText(
        QRectF(8, 0, world.width() - 16, title_height),
        int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
        panel.title.text(),
    )
    painter.drawPixmap(QPointF(0, title_height), pixmap)
    painter.end()
    return image


def _rgb(colour: QColor) -> str:
    return colour.name(QColor.NameFormat.HexRgb)


def _opacity(colour: QColor) -> str:
    return f"{colour.alphaF():.3g}"


def _path_data(rings: Sequence[np.ndarray], transform: Callable[[np.ndarray], np.ndarray]) -> str:
    parts = []
    for ring in rings:
        points = transform(ring)
        coordinates = " ".join(f"{x:.2f},{y:.2f}" for x, y in points.tolist())
        parts.append(f"M{coordinates}Z")
    return "".join(parts)


def map_svg(panel: MapPanel, *, selected: Sequence[str] = ()) -> str:
    """The map in view as an SVG document: ocean, countries, outlines, legend."""
    world = panel.map
    style = world.map_style
    width, height = max(world.width(), 1), max(world.height(), 1)
    origin = world.map_to_widget(QPointF(0, 0))
    unit = world.map_to_widget(QPointF(1, 1))
    scale_x, scale_y = unit.x() - origin.x(), unit.y() - origin.y()
    visible = QRectF(
        world.widget_to_map(QPointF(0, 0)), world.widget_to_map(QPointF(width, height))
    )

    def to_widget(points: np.ndarray) -> np.ndarray:
        return points * (scale_x, scale_y) + (origin.x(), origin.y())

    drawn = {item.actor: item for item in panel.drawn()}
    geometry = world_geometry()
    codes = set(world.codes)
    selected_set = {code.upper() for code in selected}
    no_data = QColor(palette.NO_DATA)
    out = io.StringIO()
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">\n'
        f"<title>{html.escape(panel.title.text())}</title>\n"
        "<defs>\n"
        f'<pattern id="no-data" patternUnits="userSpaceOnUse" width="{style.hatch_period}" '
        f'height="{style.hatch_period}" patternTransform="rotate(45)">'
        f'<rect width="{style.hatch_period}" height="{style.hatch_period}" '
        f'fill="{_rgb(no_data)}"/>'
    )
    if style.hatch is not None:
        out.write(
            f'<rect width="1" height="{style.hatch_period}" fill="{_rgb(style.hatch)}" '
            f'fill-opacity="{_opacity(style.hatch)}"/>'
        )
    out.write(
        "</pattern>\n"
        f'<clipPath id="view"><rect width="{width}" height="{height}"/></clipPath>\n'
        "</defs>\n"
        f'<rect width="{width}" height="{height}" fill="{_rgb(style.ocean)}"/>\n'
        '<g clip-path="url(#view)" stroke-linejoin="round">\n'
        f'<g id="countries" stroke="{_rgb(style.border)}" '
        f'stroke-opacity="{_opacity(style.border)}" stroke-width="{style.border_width:g}">\n'
    )
    outlines: list[tuple[str, str]] = []
    labelled = None
    label_size = max(panel.font().pointSizeF(), 7.0) * 96 / 72
    for shape in geometry:
        if shape.code not in codes or not shape.bounds.intersects(visible):
            continue
        actor = panel.actor_at_shape(shape.code)
        item = drawn.get(actor)
        if actor == SUBJECT:
            fill = _rgb(style.marked_fill)
        elif item is None or item.value is None:
            fill = "url(#no-data)"
        else:
            fill = item.colour
        data = _path_data(shape.rings, to_widget)
        name = f"{shape.code}" + (f" {actor}" if actor else "")
        out.write(
            f'<path id="{shape.code}" d="{data}" fill="{fill}">'
            f"<title>{html.escape(_map_title(panel, shape.code) or name)}</title></path>\n"
        )
        if actor == SUBJECT:
            outlines.append((data, f'stroke="{_rgb(style.marked_outline)}" stroke-width="1.6"'))
            labelled = labelled or shape
        if shape.code in selected_set:
            halo = style.selection_halo
            outlines.append(
                (
                    data,
                    f'stroke="{_rgb(halo)}" stroke-opacity="{_opacity(halo)}" '
                    f'stroke-width="{style.selection_width + 2.4:g}"',
                )
            )
            outlines.append(
                (data, f'stroke="{_rgb(style.selection)}" stroke-width="{style.selection_width:g}"')
            )
    out.write("</g>\n")
    for data, stroke in outlines:
        out.write(f'<path d="{data}" fill="none" {stroke}/>\n')
    if labelled is not None:
        # Under the country, as the map draws it, so the country itself stays visible.
        bounds = labelled.bounds
        x = bounds.center().x() * scale_x + origin.x()
        y = bounds.bottom() * scale_y + origin.y() + 4 + label_size
        out.write(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-weight="bold" '
            f'font-size="{label_size:.1f}px" font-family="{html.escape(panel.font().family())}, '
            f'sans-serif" fill="{_rgb(style.label)}" stroke="{_rgb(style.selection_halo)}" '
            f'stroke-width="3" paint-order="stroke" stroke-linejoin="round">Afghanistan</text>\n'
        )
    out.write("</g>\n")
    out.write(_legend_svg(height, style.legend_background, style.legend_text, panel))
    out.write("</svg>\n")
    return out.getvalue()


def _map_title(panel: MapPanel, code: str) -> str:
    text = panel.tooltip_for(code)
    return " · ".join(text.splitlines()) if text else ""


def _legend_svg(height: int, background: QColor, ink: QColor, panel: MapPanel) -> str:
    size = max(panel.font().pointSizeF(), 7.0) * 0.85 * 96 / 72
    line = size * 1.35
    pad, bar_width, bar_height, swatch = 8.0, 150.0, 10.0, 12.0
    stops = palette.legend_stops()
    box_width = bar_width + 2 * pad + 16
    box_height = pad * 2 + line * 2 + 2 + bar_height + 4 + line + 6 + max(swatch, line)
    left, top = 10.0, height - 10.0 - box_height
    x0 = left + pad + 8
    text_style = (
        f'fill="{_rgb(ink)}" font-family="{html.escape(panel.font().family())}, sans-serif"'
    )
    out = [
        f'<g id="legend" font-size="{size:.1f}px">',
        f'<rect x="{left:g}" y="{top:.1f}" width="{box_width:g}" height="{box_height:.1f}" '
        f'rx="6" fill="{_rgb(background)}" fill-opacity="{_opacity(background)}"/>',
        '<linearGradient id="strength" x1="0" y1="0" x2="1" y2="0">',
    ]
    count = max(len(stops) - 1, 1)
    for number, (_, colour) in enumerate(stops):
        out.append(f'<stop offset="{number / count:.4f}" stop-color="{_rgb(colour)}"/>')
    out.append("</linearGradient>")
    y = top + pad + line * 0.8
    out.append(
        f'<text x="{x0:.1f}" y="{y:.1f}" font-weight="bold" {text_style}>Relation strength</text>'
    )
    y += line
    out.append(f'<text x="{x0:.1f}" y="{y:.1f}" {text_style}>hostile</text>')
    out.append(
        f'<text x="{x0 + bar_width:.1f}" y="{y:.1f}" text-anchor="end" {text_style}>close</text>'
    )
    y += line * 0.35
    out.append(
        f'<rect x="{x0:.1f}" y="{y:.1f}" width="{bar_width:g}" height="{bar_height:g}" '
        'fill="url(#strength)" stroke="#000000" stroke-opacity="0.25"/>'
    )
    label_y = y + bar_height + 4 + line * 0.8
    for number, (label, _) in enumerate(stops):
        if not label:
            continue
        x = x0 + bar_width * number / count
        out.append(
            f'<line x1="{x:.1f}" y1="{y + bar_height:.1f}" x2="{x:.1f}" '
            f'y2="{y + bar_height + 3:.1f}" stroke="{_rgb(ink)}"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{label_y:.1f}" text-anchor="middle" {text_style}>'
            f"{html.escape(label)}</text>"
        )
    y = label_y + line * 0.5
    out.append(
        f'<rect x="{x0:.1f}" y="{y:.1f}" width="{swatch:g}" height="{swatch:g}" '
        'fill="url(#no-data)" stroke="#000000" stroke-opacity="0.25"/>'
    )
    out.append(
        f'<text x="{x0 + swatch + 6:.1f}" y="{y + swatch * 0.85:.1f}" {text_style}>No data</text>'
    )
    out.append("</g>\n")
    return "\n".join(out)


# Facts and the dataset -------------------------------------------------------------------


def partner_facts_document(catalog: Catalog, code: str, facts: Sequence[Fact]) -> dict[str, Any]:
    """One partner's facts with the partner and the sources they cite."""
    actor = catalog.actors_by_code.get(code)
    cited = {fact.citation.source_id for fact in facts}
    return {
        "partner": actor_record(actor) if actor else {"code": code},
        "sources": [source_record(s) for s in catalog.sources if s.id in cited],
        "facts": [fact_record(fact) for fact in facts],
    }


def export_partner_facts(catalog: Catalog, code: str, path: Path) -> int:
    """Write every fact naming ``code`` as CSV or JSON; returns how many."""
    export_format = format_of(path, (ExportFormat.CSV, ExportFormat.JSON))
    facts = catalog.facts_of(code)
    with _atomic(path) as stream:
        if export_format is ExportFormat.CSV:
            write_facts_csv(facts, stream)
        else:
            write_json(partner_facts_document(catalog, code, facts), stream)
    return len(facts)


def export_dataset(catalog: Catalog, relations: RelationsService | None, path: Path) -> int:
    """Write the whole dataset: JSON with the measures, or CSV of every fact.

    Returns the number of facts. Reads the database: call it off the UI thread.
    """
    export_format = format_of(path, (ExportFormat.CSV, ExportFormat.JSON))
    if export_format is ExportFormat.CSV:
        facts = catalog.facts()
        with _atomic(path) as stream:
            write_facts_csv(facts, stream)
        return len(facts)
    document = dataset_document(catalog, relations)
    with _atomic(path) as stream:
        write_json(document, stream)
    return len(document["facts"])


__all__ = [
    "DATA_FILTERS",
    "IMAGE_FILTERS",
    "PNG_SCALE",
    "ExportError",
    "ExportFormat",
    "export_charts",
    "export_dataset",
    "export_map",
    "export_partner_facts",
    "format_of",
    "map_image",
    "map_svg",
    "partner_facts_document",
    "with_suffix_for_filter",
]
