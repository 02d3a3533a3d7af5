"""Country outlines for the world map, parsed from ``pygal_maps_world``'s ``worldmap.svg``.

The SVG holds 184 countries, each a ``<g class="xx country map-element">`` (``xx`` the
lower-case ISO 3166-1 alpha-2 code) around one or more ``<path>`` elements, in a
``viewBox`` of 2475 × 1388 user units. Its path data uses only relative ``m c s l h v``
commands; the parser below also accepts their absolute forms, ``q t`` and ``z`` so that a
different release of the file still loads, and rejects elliptical arcs loudly.

Speed matters because the map is on the start-up path. Curves are flattened to their
end points: the file's segments are one or two user units long, about half a pixel at the
default zoom, so the control points add nothing visible but cost parse and paint time.
Points closer together than :data:`SIMPLIFY_TOLERANCE` are merged for the same reason.
All numbers of the file are converted by one ``numpy`` call, and each country's
:class:`QPainterPath` is built by streaming a binary element array into it rather than
by one Python call per vertex. The result is cached for the life of the process.

Codes in this module's API are upper-case ("AF"), as everywhere else in afgui.
"""

from __future__ import annotations

import importlib.resources
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QByteArray, QDataStream, QPointF, QRectF
from PySide6.QtGui import QPainterPath

FloatArray = npt.NDArray[np.float64]

_SVG_PACKAGE = "pygal_maps_world"
_SVG_RESOURCE = "worldmap.svg"
_SVG_NS = "{http://www.w3.org/2000/svg}"

#: Merge consecutive points closer than this (SVG user units). At the default zoom one
#: unit is about half a logical pixel at 1280 px width, so even at the maximum zoom the
#: facets stay a few pixels long; the source is only given to 0.1 unit anyway.
SIMPLIFY_TOLERANCE = 0.35

# Numbers of the path grammar, and the command letters between them. A minus sign glued to
# the previous number ("0.5-0.72") starts a new number; an exponent's sign does not.
_COMMAND = re.compile(r"[A-DF-Za-df-z]")  # not e/E: they are exponents
_GLUED_MINUS = re.compile(r"(?<=[0-9.])-")
# How many numbers one repetition of each command takes, and where its end point sits.
_ARITY = {"m": 2, "l": 2, "t": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4}
_END_POINT = {"m": 0, "l": 0, "t": 0, "c": 4, "s": 2, "q": 2}


class PathDataError(ValueError):
    """The SVG path data uses a command or number layout this parser does not handle."""


@dataclass(frozen=True, slots=True, eq=False)
class CountryShape:
    """One country's outline in SVG user units.

    ``path`` is shared: treat it as read-only (copy it before transforming in place).
    """

    code: str
    path: QPainterPath
    rings: tuple[FloatArray, ...]
    bounds: QRectF


@dataclass(frozen=True, slots=True, eq=False)
class WorldGeometry:
    """All countries of the map, in the order of the SVG file."""

    view_box: QRectF
    shapes: tuple[CountryShape, ...]
    _by_code: dict[str, CountryShape] = field(init=False, repr=False)
    _interior: dict[str, QPointF] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Frozen dataclasses allow derived fields only through object.__setattr__.
        object.__setattr__(self, "_by_code", {shape.code: shape for shape in self.shapes})
        object.__setattr__(self, "_interior", {})

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(shape.code for shape in self.shapes)

    @property
    def by_code(self) -> Mapping[str, CountryShape]:
        return self._by_code

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[CountryShape]:
        return iter(self.shapes)

    def __len__(self) -> int:
        return len(self.shapes)

    def shape(self, code: str) -> CountryShape:
        return self._by_code[code.upper()]

    def interior_point(self, code: str) -> QPointF:
        """A point well inside the country's largest landmass (for labels and tests).

        The centroid of a concave or crescent-shaped country can fall outside it, so this
        picks, on a grid over the largest ring, the inside point farthest from its edges.
        Computed on first request and cached.
        """
        key = code.upper()
        cached = self._interior.get(key)
        if cached is None:
            cached = _pole_of_inaccessibility(self.shape(key))
            self._interior[key] = cached
        return QPointF(cached)


def parse_path_data(data: str) -> list[FloatArray]:
    """Return the subpaths of SVG path ``data`` as ``(n, 2)`` arrays of absolute points.

    Curves are reduced to their end points (see the module docstring). A closed subpath
    (``z``) ends with a copy of its first point.
    """
    spaced = _GLUED_MINUS.sub(" -", data)
    letters = _COMMAND.findall(spaced)
    if not letters:
        return []
    bad = {letter for letter in letters if letter.lower() not in _ARITY and letter not in "zZ"}
    if bad:
        raise PathDataError(f"unsupported path commands {sorted(bad)}")
    # Each command letter becomes a NaN so that a single vectorised conversion keeps the
    # positions of the command boundaries.
    values = np.fromstring(_COMMAND.sub(" nan ", spaced), sep=" ")  # type: ignore[call-overload]
    boundaries = np.flatnonzero(np.isnan(values)).tolist()
    if len(boundaries) != len(letters):
        raise PathDataError("malformed path data")
    boundaries.append(len(values))
    return _Builder().run(letters, values, boundaries)


class _Builder:
    """Turns the command stream of one ``d`` attribute into subpath point arrays.

    Relative end points are collected as deltas and summed in one ``cumsum`` per run, so
    the Python loop runs once per command letter, not once per point.
    """

    def __init__(self) -> None:
        self.subpaths: list[FloatArray] = []
        self.chunks: list[FloatArray] = []  # absolute points of the open subpath
        self.deltas: list[FloatArray] = []  # relative steps after self.anchor
        self.anchor = np.zeros(2)  # the current point before self.deltas
        self.start = np.zeros(2)  # first point of the open subpath

    def run(self, letters: list[str], values: FloatArray, bounds: list[int]) -> list[FloatArray]:
        for index, letter in enumerate(letters):
            args = values[bounds[index] + 1 : bounds[index + 1]]
            self.command(letter, args)
        self.end_subpath()
        return self.subpaths

    def current(self) -> FloatArray:
        """Materialise the pending deltas and return the current point."""
        if self.deltas:
            steps = np.concatenate(self.deltas)
            self.deltas = []
            points = self.anchor + np.cumsum(steps, axis=0)
            self.chunks.append(points)
            self.anchor = points[-1].copy()
        return self.anchor

    def end_subpath(self) -> None:
        self.current()
        if self.chunks:
            points = np.concatenate(self.chunks)
            if len(points) > 1:
                self.subpaths.append(points)
        self.chunks = []

    def command(self, letter: str, args: FloatArray) -> None:
        lower = letter.lower()
        relative = letter == lower
        if lower == "z":
            self.current()
            self.chunks.append(self.start[np.newaxis, :].copy())
            self.end_subpath()
            self.anchor = self.start.copy()
            return
        arity = _ARITY[lower]
        if len(args) == 0 or len(args) % arity:
            raise PathDataError(f"command {letter!r} has {len(args)} numbers")
        if lower in "hv":
            axis = 0 if lower == "h" else 1
            if relative:
                steps = np.zeros((len(args), 2))
                steps[:, axis] = args
                self.deltas.append(steps)
            else:
                points = np.repeat(self.current()[np.newaxis, :], len(args), axis=0)
                points[:, axis] = args
                self.absolute(points)
            return
        offset = _END_POINT[lower]
        ends = args.reshape(-1, arity)[:, offset : offset + 2]
        if lower == "m":
            # A move starts a subpath; further pairs are implicit line-tos.
            first = self.current() + ends[0] if relative else ends[0].copy()
            self.end_subpath()
            self.start = first.copy()
            self.anchor = first.copy()
            self.chunks.append(first[np.newaxis, :].copy())
            ends = ends[1:]
            if not len(ends):
                return
        if relative:
            self.deltas.append(ends)
        else:
            self.current()
            self.absolute(ends.copy())

    def absolute(self, points: FloatArray) -> None:
        self.chunks.append(points)
        self.anchor = points[-1].copy()


def simplify(points: FloatArray, tolerance: float) -> FloatArray:
    """Drop points that snap to the same ``tolerance`` grid cell as their predecessor.

    A vectorised stand-in for Douglas–Peucker: good enough where segments are already
    short, and it never moves a kept point. The first and last points are always kept.
    """
    if len(points) < 3 or tolerance <= 0:
        return points
    cells = np.floor(points / tolerance)
    keep = np.empty(len(points), dtype=bool)
    keep[0] = True
    keep[1:] = np.any(cells[1:] != cells[:-1], axis=1)
    keep[-1] = True
    return points[keep]


# QPainterPath's QDataStream layout (qtbase qpainterpath.cpp): element count, then per
# element its type (0 move, 1 line) and x, y as doubles, then cStart and the fill rule;
# all big-endian.
_ELEMENT = np.dtype([("type", ">i4"), ("x", ">f8"), ("y", ">f8")])
_WINDING_FILL = 1  # Qt.FillRule.WindingFill: SVG's default "nonzero" rule


def rings_to_path(rings: tuple[FloatArray, ...]) -> QPainterPath:
    """Build a closed, winding-filled :class:`QPainterPath` from point rings in one go."""
    path = QPainterPath()
    if not rings:
        return path
    closed = [
        ring if np.array_equal(ring[0], ring[-1]) else np.vstack((ring, ring[:1])) for ring in rings
    ]
    total = sum(len(ring) for ring in closed)
    elements = np.empty(total, dtype=_ELEMENT)
    elements["type"] = 1
    position = 0
    last_start = 0
    for ring in closed:
        elements["type"][position] = 0
        elements["x"][position : position + len(ring)] = ring[:, 0]
        elements["y"][position : position + len(ring)] = ring[:, 1]
        last_start = position
        position += len(ring)
    payload = (
        np.array([total], dtype=">i4").tobytes()
        + elements.tobytes()
        + np.array([last_start, _WINDING_FILL], dtype=">i4").tobytes()
    )
    # The read-only constructor copies the bytes; the (QByteArray*, mode) one would keep a
    # pointer to a temporary that Python may already have freed.
    buffer = QByteArray(payload)
    stream = QDataStream(buffer)
    stream >> path
    return path


def parse_world_svg(text: str, tolerance: float = SIMPLIFY_TOLERANCE) -> WorldGeometry:
    """Parse the text of ``worldmap.svg`` (or a file laid out like it)."""
    root = ET.fromstring(text)  # noqa: S314 - the file ships inside a pinned package
    view_box = [float(part) for part in root.get("viewBox", "0 0 0 0").split()]
    shapes: list[CountryShape] = []
    for group in root.iter(f"{_SVG_NS}g"):
        classes = (group.get("class") or "").split()
        if "country" not in classes or not classes:
            continue
        code = classes[0].upper()
        rings: list[FloatArray] = []
        for element in group.iter(f"{_SVG_NS}path"):
            for subpath in parse_path_data(element.get("d", "")):
                ring = simplify(subpath, tolerance)
                if len(ring) >= 3:
                    rings.append(ring)
        if not rings:
            continue
        frozen = tuple(rings)
        for ring in frozen:
            ring.flags.writeable = False
        path = rings_to_path(frozen)
        shapes.append(CountryShape(code, path, frozen, path.boundingRect()))
    return WorldGeometry(QRectF(*view_box), tuple(shapes))


def read_world_svg() -> str:
    """The SVG text, found through importlib.resources so a frozen (PyInstaller) app works."""
    resource = importlib.resources.files(_SVG_PACKAGE).joinpath(_SVG_RESOURCE)
    return resource.read_text(encoding="utf-8")


_cache: WorldGeometry | None = None
_cache_lock = threading.Lock()


def world_geometry() -> WorldGeometry:
    """The parsed world map, parsed on first call and shared afterwards."""
    global _cache
    if _cache is None:
        with _cache_lock:
            if _cache is None:
                _cache = parse_world_svg(read_world_svg())
    return _cache


def _pole_of_inaccessibility(shape: CountryShape, grid: int = 24) -> QPointF:
    ring = max(shape.rings, key=_ring_area)
    low = ring.min(axis=0)
    high = ring.max(axis=0)
    xs = np.linspace(low[0], high[0], grid + 2)[1:-1]
    ys = np.linspace(low[1], high[1], grid + 2)[1:-1]
    candidates = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    inside = np.array([shape.path.contains(QPointF(x, y)) for x, y in candidates])
    candidates = candidates[inside]
    if not len(candidates):
        centre = shape.bounds.center()
        return QPointF(centre.x(), centre.y())
    starts = ring
    ends = np.roll(ring, -1, axis=0)
    distance = _distance_to_segments(candidates, starts, ends)
    best = candidates[int(np.argmax(distance))]
    return QPointF(float(best[0]), float(best[1]))


def _ring_area(ring: FloatArray) -> float:
    x = ring[:, 0]
    y = ring[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def _distance_to_segments(points: FloatArray, starts: FloatArray, ends: FloatArray) -> FloatArray:
    """Smallest distance from each point to any of the segments (vectorised)."""
    segment = ends - starts
    length2 = np.maximum(np.einsum("ij,ij->i", segment, segment), 1e-12)
    offset = points[:, np.newaxis, :] - starts[np.newaxis, :, :]
    along = np.clip(np.einsum("pij,ij->pi", offset, segment) / length2, 0.0, 1.0)
    nearest = starts[np.newaxis, :, :] + along[:, :, np.newaxis] * segment[np.newaxis, :, :]
    gap = points[:, np.newaxis, :] - nearest
    result: FloatArray = np.sqrt(np.einsum("pij,pij->pi", gap, gap)).min(axis=1)
    return result
