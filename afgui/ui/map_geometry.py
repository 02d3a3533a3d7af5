"""Country outlines for the world map, parsed from ``pygal_maps_world``'s ``worldmap.svg``.

The SVG holds 184 countries, each a ``<g class="xx country map-element">`` (``xx`` the
lower-case ISO 3166-1 alpha-2 code) around one or more ``<path>`` elements, in a
``viewBox`` of 2475 × 1388 user units. Its path data uses only the relative commands
``m c s l h v`` (2038 paths, 4689 commands, 158 628 numbers, no ``z``: filling closes a
subpath implicitly). The parser accepts those and their absolute forms, and rejects
anything else loudly so a different release of the file cannot be misdrawn silently.

Speed matters because the map is on the start-up path (about 25 ms here for the whole
file). The work is vectorised over the whole file rather than looped per command, and
the geometry is simplified on the way: the file's curve segments are one or two user
units long, about half a logical pixel at the default zoom, so a curve that is nearly
straight (see :data:`FLATNESS`) becomes its chord and the others two extra points; this
keeps micro-states like Mauritius recognisable at high zoom while most of the outline
points are plain chord end points. Each country's :class:`QPainterPath` is streamed
from a binary element array rather than built by one Python call per vertex. The result
is cached for the life of the process.

Codes in this module's API are upper-case ("AF"), as everywhere else in afgui.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import re
import threading
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import platformdirs
from PySide6.QtCore import QByteArray, QDataStream, QPointF, QRectF
from PySide6.QtGui import QPainterPath

from afgui.data.cache_files import save_arrays_atomically

FloatArray = npt.NDArray[np.float64]

_SVG_PACKAGE = "pygal_maps_world"
_SVG_RESOURCE = "worldmap.svg"
_SVG_NS = "{http://www.w3.org/2000/svg}"

#: A curve whose control points lie closer than this (SVG user units) to its chord is
#: drawn as the chord. One unit is about half a logical pixel at the default zoom at
#: 1280 px, so curves stay smooth well into the zoom range; the source itself is only
#: given to 0.1 unit.
FLATNESS = 0.2

# Command letters (not e/E, which are exponents) and the separator joining many paths.
_PATH_BREAK = "|"
_COMMAND = re.compile(r"([A-DF-Za-df-z|])")
# A minus sign glued to the previous number ("0.5-0.72") starts a new number, so every
# minus gets a space before it; an exponent's minus must then be glued back.
_EXPONENT_SIGN = re.compile(r"([eE]) -")

# Per command kind (indexed like _LETTERS): numbers per repetition, where the end point's
# x and y sit in a repetition (-1: the coordinate does not move), and whether each of
# them is absolute. "h"/"v" move along one axis only.
_LETTERS = "|mMlLhHvVcCsS"
_KIND = {letter: index for index, letter in enumerate(_LETTERS)}
_ARITY = np.array([1, 2, 2, 2, 2, 1, 1, 1, 1, 6, 6, 4, 4])
_END_X = np.array([-1, 0, 0, 0, 0, 0, 0, -1, -1, 4, 4, 2, 2])
_END_Y = np.array([-1, 1, 1, 1, 1, -1, -1, 0, 0, 5, 5, 3, 3])
_ABSOLUTE = np.array([letter.isupper() for letter in _LETTERS])
_ABS_X = _ABSOLUTE & (_END_X >= 0)
_ABS_Y = _ABSOLUTE & (_END_Y >= 0)
_MOVE = np.array([letter in "mM" for letter in _LETTERS])
_CUBIC = np.array([letter in "cC" for letter in _LETTERS])
_SMOOTH = np.array([letter in "sS" for letter in _LETTERS])
# Where a curve is sampled besides its end point, and the cubic Bernstein weights of its
# two control points and its end point there (the start is the origin).
_SAMPLES = np.array([1 / 3, 2 / 3])
_BERNSTEIN = np.stack(
    (3 * (1 - _SAMPLES) ** 2 * _SAMPLES, 3 * (1 - _SAMPLES) * _SAMPLES**2, _SAMPLES**3),
    axis=1,
)


class PathDataError(ValueError):
    """The SVG path data uses a command or number layout this parser does not handle."""


@dataclass(frozen=True, slots=True, eq=False)
class CountryShape:
    """One country's outline in SVG user units.

    ``path`` is shared: treat it as read-only (copy it before transforming in place).
    """

    code: str
    path: QPainterPath = field(repr=False)
    rings: tuple[FloatArray, ...] = field(repr=False)
    bounds: QRectF


@dataclass(frozen=True, slots=True, eq=False)
class WorldGeometry:
    """All countries of the map, in the order of the SVG file."""

    view_box: QRectF
    shapes: tuple[CountryShape, ...] = field(repr=False)
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

    Curves are flattened (see the module docstring). Supports ``M L H V C S`` in both
    cases; raises :class:`PathDataError` on anything else (``z``, ``q``, ``t``, ``a``).
    """
    return parse_many_path_data([data])[0]


def parse_many_path_data(datas: Sequence[str]) -> list[list[FloatArray]]:
    """:func:`parse_path_data` for many ``d`` attributes at once.

    Everything is vectorised over the whole file: the texts are joined so that splitting
    and number conversion run once, every segment's end point comes from one segmented
    cumulative sum, and all curves are flattened together. A Python loop per command
    would cost several times more (it was measured at ~90 ms for the world map).
    """
    joined = _PATH_BREAK.join(datas).replace("-", " -")
    if "e" in joined or "E" in joined:
        joined = _EXPONENT_SIGN.sub(r"\1-", joined)
    # Odd items are command letters, even items the numbers that follow each of them.
    parts = _COMMAND.split(joined)
    if parts[0].strip():
        raise PathDataError("path data must start with a command")
    try:
        kinds = np.array([_KIND[letter] for letter in parts[1::2]], dtype=np.intp)
    except KeyError as error:
        raise PathDataError(f"unsupported path command {error.args[0]!r}") from None
    # Each command letter becomes a NaN so that one conversion keeps the positions of the
    # command boundaries.
    with warnings.catch_warnings():
        # numpy only warns (DeprecationWarning) when text is left over, e.g. "1.5.5".
        warnings.simplefilter("error", DeprecationWarning)
        try:
            values = np.fromstring(" nan ".join(parts[0::2]), sep=" ")
        except (ValueError, DeprecationWarning) as error:
            raise PathDataError(f"malformed number in path data: {error}") from None
    heads = np.flatnonzero(np.isnan(values))
    if len(heads) != len(kinds):
        raise PathDataError("malformed number in path data")
    points, subpath_starts, subpath_owner = _flatten(kinds, values, heads)
    paths: list[list[FloatArray]] = [[] for _ in datas]
    subpaths = np.split(points, subpath_starts[1:]) if len(points) else []
    for owner, subpath in zip(subpath_owner.tolist(), subpaths, strict=True):
        if len(subpath) > 1:
            paths[owner].append(subpath)
    return paths


def _flatten(
    kinds: npt.NDArray[np.intp], values: FloatArray, heads: npt.NDArray[np.intp]
) -> tuple[FloatArray, npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """All points of all paths, the index where each subpath starts, and its path."""
    counts = np.diff(heads, append=len(values)) - 1
    arity = _ARITY[kinds]
    breaks = kinds == _KIND[_PATH_BREAK]
    if np.any(breaks & (counts != 0)) or np.any(~breaks & ((counts == 0) | (counts % arity))):
        raise PathDataError("a command has the wrong count of numbers")
    # SVG treats the first move of a path as absolute, and nothing may come before it.
    opens = ~breaks & np.concatenate(([True], breaks[:-1]))
    if not np.all(_MOVE[kinds[opens]]):
        raise PathDataError("path data must start with a move")

    # One row per segment (a repetition of a command); base indexes its first number.
    repeats = np.where(breaks, 0, counts // arity)
    command = np.repeat(np.arange(len(kinds)), repeats)
    within = np.arange(len(command)) - (np.cumsum(repeats) - repeats)[command]
    kind = kinds[command]
    base = heads[command] + 1 + within * arity[command]
    padded = np.append(values, 0.0)  # index len(values) reads 0: "this axis does not move"
    nowhere = len(values)
    move = _MOVE[kind] & (within == 0)
    path_start = move & opens[command]

    # End points: relative steps summed up, restarting at every absolute coordinate.
    step_x = padded[np.where(_END_X[kind] >= 0, base + _END_X[kind], nowhere)]
    step_y = padded[np.where(_END_Y[kind] >= 0, base + _END_Y[kind], nowhere)]
    absolute = _ABSOLUTE[kind]
    end = np.column_stack(
        (
            _segmented_cumsum(step_x, _ABS_X[kind] | path_start),
            _segmented_cumsum(step_y, _ABS_Y[kind] | path_start),
        )
    )
    start = np.roll(end, 1, axis=0)

    # Curves, with control points made relative to the segment's start.
    cubic = _CUBIC[kind]
    curve = cubic | _SMOOTH[kind]
    shift = np.where(absolute, 1.0, 0.0)[:, np.newaxis] * start
    second_at = base + np.where(cubic, 2, 0)
    second = np.column_stack((padded[second_at], padded[second_at + 1])) - shift
    first = np.column_stack((padded[base], padded[base + 1])) - shift
    # "s": the first control point mirrors the previous curve's second one, if any.
    previous_curve = np.roll(curve, 1)
    previous_curve[0] = False
    mirrored = np.roll(end - (second + start), 1, axis=0)
    first = np.where(
        cubic[:, np.newaxis],
        first,
        np.where(previous_curve[:, np.newaxis], mirrored, 0.0),
    )
    chord = end - start
    length = np.maximum(np.hypot(chord[:, 0], chord[:, 1]), 1e-9)
    bend = np.maximum(
        np.abs(first[:, 0] * chord[:, 1] - first[:, 1] * chord[:, 0]),
        np.abs(second[:, 0] * chord[:, 1] - second[:, 1] * chord[:, 0]),
    )
    curvy = np.flatnonzero(curve & (bend > FLATNESS * length))

    # Each segment contributes up to two curve samples, then its end point.
    slots = np.full((len(kind), 3, 2), np.nan)
    slots[:, 2] = end
    slots[curvy, :2] = start[curvy, np.newaxis] + (
        _BERNSTEIN[np.newaxis, :, 0, np.newaxis] * first[curvy, np.newaxis]
        + _BERNSTEIN[np.newaxis, :, 1, np.newaxis] * second[curvy, np.newaxis]
        + _BERNSTEIN[np.newaxis, :, 2, np.newaxis] * chord[curvy, np.newaxis]
    )
    used = ~np.isnan(slots[:, :, 0])
    points = slots[used]
    segment_of_point = np.repeat(np.arange(len(kind)), used.sum(axis=1))
    subpath_starts = np.flatnonzero(move[segment_of_point])
    owner = np.cumsum(breaks)[command]
    return points, subpath_starts, owner[segment_of_point[subpath_starts]]


def _segmented_cumsum(steps: FloatArray, resets: npt.NDArray[np.bool_]) -> FloatArray:
    """Running sum of ``steps`` that restarts from the value itself where ``resets``."""
    if not len(steps):
        return steps
    total = np.cumsum(steps)
    last_reset = np.maximum.accumulate(np.where(resets, np.arange(len(steps)), 0))
    result: FloatArray = total - (total - steps)[last_reset]
    return result


# QPainterPath's QDataStream layout (qtbase qpainterpath.cpp): element count, then per
# element its type (0 move, 1 line) and x, y as doubles, then cStart and the fill rule;
# all big-endian.
_ELEMENT = np.dtype([("type", ">i4"), ("x", ">f8"), ("y", ">f8")])
_WINDING_FILL = 1  # Qt.FillRule.WindingFill: SVG's default "nonzero" rule


def rings_to_path(rings: Sequence[FloatArray]) -> QPainterPath:
    """Build a closed, winding-filled :class:`QPainterPath` from point rings in one go."""
    path = QPainterPath()
    if not rings:
        return path
    lengths = np.array([len(ring) for ring in rings])
    points = np.concatenate(rings)
    starts = np.cumsum(lengths) - lengths
    ends = starts + lengths - 1
    # Close open rings explicitly, or their outline would miss the last edge when stroked.
    unclosed = np.any(points[starts] != points[ends], axis=1)
    points = np.insert(points, ends[unclosed] + 1, points[starts[unclosed]], axis=0)
    starts = starts + np.cumsum(unclosed) - unclosed
    elements = np.empty(len(points), dtype=_ELEMENT)
    elements["type"] = 1
    elements["type"][starts] = 0
    elements["x"] = points[:, 0]
    elements["y"] = points[:, 1]
    payload = b"".join(
        (
            np.array([len(elements)], dtype=">i4").tobytes(),
            elements.tobytes(),
            np.array([starts[-1], _WINDING_FILL], dtype=">i4").tobytes(),
        )
    )
    # QDataStream(QByteArray) reads from its own copy; the (QByteArray*, mode) overload
    # would keep a pointer to a temporary that Python may already have freed.
    buffer = QByteArray(payload)
    stream = QDataStream(buffer)
    stream >> path
    return path


def parse_world_svg(text: str) -> WorldGeometry:
    """Parse the text of ``worldmap.svg`` (or a file laid out like it)."""
    root = ET.fromstring(text)  # noqa: S314 - the file ships inside a pinned package
    view_box = [float(part) for part in root.get("viewBox", "0 0 0 0").split()]
    owners: list[str] = []
    datas: list[str] = []
    for group in root.iter(f"{_SVG_NS}g"):
        classes = (group.get("class") or "").split()
        if "country" not in classes:
            continue
        for element in group.iter(f"{_SVG_NS}path"):
            owners.append(classes[0].upper())
            datas.append(element.get("d", ""))
    rings: dict[str, list[FloatArray]] = {}
    for code, subpaths in zip(owners, parse_many_path_data(datas), strict=True):
        rings.setdefault(code, []).extend(ring for ring in subpaths if len(ring) >= 3)
    return _geometry(view_box, rings)


def _geometry(
    view_box: Sequence[float], rings: Mapping[str, Sequence[FloatArray]]
) -> WorldGeometry:
    shapes: list[CountryShape] = []
    for code, country in rings.items():
        if not country:
            continue
        frozen = tuple(country)
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
                _cache = _cached_world_geometry(read_world_svg())
    return _cache


# Parsing the SVG is most of the map's share of the start (~45 ms of ~65 here), so the
# outlines are also kept on disk, in the user cache directory, under a key of the file's
# text and this module's source: a new pygal_maps_world or a new parser never reads an
# old cache. Anything unreadable there is ignored and parsed again.
_DISK_FORMAT = 1


def _disk_key(text: str) -> str | None:
    try:
        source = Path(__file__).read_bytes()
    except OSError:
        return None  # a frozen build without sources: parse every time
    digest = hashlib.sha256(f"{_DISK_FORMAT}\x00{FLATNESS}\x00".encode())
    digest.update(hashlib.sha256(source).digest())
    digest.update(hashlib.sha256(text.encode("utf-8")).digest())
    return digest.hexdigest()[:32]


def _disk_path(key: str) -> Path:
    directory = Path(platformdirs.user_cache_dir("afgui", appauthor=False)) / "map"
    return directory / f"world-{key}.npz"


def _cached_world_geometry(text: str) -> WorldGeometry:
    key = _disk_key(text)
    if key is not None:
        loaded = _load_rings(_disk_path(key))
        if loaded is not None:
            return _geometry(*loaded)
    world = parse_world_svg(text)
    if key is not None:
        _store_rings(_disk_path(key), world)
    return world


def _load_rings(path: Path) -> tuple[list[float], dict[str, list[FloatArray]]] | None:
    try:
        with np.load(path, allow_pickle=False) as stored:
            view_box = [float(value) for value in stored["view_box"]]
            codes = [str(code) for code in stored["codes"]]
            ring_counts = stored["ring_counts"].astype(np.int64)
            ring_lengths = stored["ring_lengths"].astype(np.int64)
            points = stored["points"].astype(np.float64)
    except (OSError, KeyError, ValueError, TypeError, zipfile.BadZipFile):
        return None
    if (
        len(view_box) != 4
        or len(codes) != len(ring_counts)
        or int(ring_counts.sum()) != len(ring_lengths)
        or int(ring_lengths.sum()) != len(points)
        or points.ndim != 2
        or points.shape[1] != 2
    ):
        return None
    ends = np.cumsum(ring_lengths)
    all_rings = [points[end - length : end] for end, length in zip(ends, ring_lengths, strict=True)]
    rings: dict[str, list[FloatArray]] = {}
    first = 0
    for code, count in zip(codes, ring_counts, strict=True):
        rings[code] = all_rings[first : first + int(count)]
        first += int(count)
    return view_box, rings


def _store_rings(path: Path, world: WorldGeometry) -> None:
    rings = [ring for shape in world.shapes for ring in shape.rings]
    box = world.view_box
    save_arrays_atomically(
        path,
        view_box=np.array([box.x(), box.y(), box.width(), box.height()]),
        codes=np.array([shape.code for shape in world.shapes]),
        ring_counts=np.array([len(shape.rings) for shape in world.shapes]),
        ring_lengths=np.array([len(ring) for ring in rings]),
        points=np.concatenate(rings) if rings else np.zeros((0, 2)),
    )


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
