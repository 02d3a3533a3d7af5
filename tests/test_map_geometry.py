"""The world map's geometry: the SVG path parser and the parsed countries."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from afgui.ui import map_geometry as mg


def _points(data: str) -> list[list[list[float]]]:
    return [subpath.round(6).tolist() for subpath in mg.parse_path_data(data)]


def _cubic(p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float],
           p3: tuple[float, float], t: float) -> tuple[float, float]:  # fmt: skip
    u = 1 - t
    return (
        u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
        u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
    )


# ------------------------------------------------------------------ the path parser


def test_lines_moves_and_implicit_repeats() -> None:
    assert _points("m10 10 l 1 1 2 0 h 3 v -4 m 1 1 2 2") == [
        [[10, 10], [11, 11], [13, 11], [16, 11], [16, 7]],
        [[17, 8], [19, 10]],
    ]


def test_absolute_and_relative_forms_agree() -> None:
    relative = "m10 10 c1 2 3 4 5 6 1 1 2 2 3 0 s 1 1 2 0 l 1 1 h 2 v -3"
    absolute = "M10 10 C11 12 13 14 15 16 16 17 17 18 18 16 S 19 17 20 16 L 21 17 H 23 V 14"
    assert np.allclose(mg.parse_path_data(relative)[0], mg.parse_path_data(absolute)[0])


def test_first_move_of_each_path_is_absolute() -> None:
    many = mg.parse_many_path_data(["m 5 5 l 1 0 1 0", "m 100 100 l 0 1 0 1"])
    assert many[0][0].tolist() == [[5, 5], [6, 5], [7, 5]]
    assert many[1][0].tolist() == [[100, 100], [100, 101], [100, 102]]


def test_glued_minus_signs_and_exponents() -> None:
    assert _points("m1e1-1e-1 l-2.5e-1-1 1 1") == [[[10, -0.1], [9.75, -1.1], [10.75, -0.1]]]


def test_curves_are_flattened_onto_the_exact_bezier() -> None:
    # A strongly bent curve gets two inner samples, each exactly on the curve.
    points = mg.parse_path_data("M0 0 C0 30 30 30 30 0")[0]
    assert len(points) == 4
    for t, point in zip((1 / 3, 2 / 3, 1.0), points[1:], strict=True):
        assert np.allclose(point, _cubic((0, 0), (0, 30), (30, 30), (30, 0), t))


def test_nearly_straight_curves_become_their_chord() -> None:
    points = mg.parse_path_data("m0 0 c 1 0.01 2 -0.01 3 0")[0]
    assert points.tolist() == [[0, 0], [3, 0]]


def test_smooth_curve_mirrors_the_previous_control_point() -> None:
    smooth = mg.parse_path_data("m0 0 c 0 10 10 10 10 0 s 10 -10 10 0")[0]
    explicit = mg.parse_path_data("M0 0 C0 10 10 10 10 0 C10 -10 20 -10 20 0")[0]
    assert np.allclose(smooth, explicit)


def test_smooth_curve_after_a_line_uses_the_current_point() -> None:
    smooth = mg.parse_path_data("M0 0 L 5 0 S 15 10 15 0")[0]
    explicit = mg.parse_path_data("M0 0 L 5 0 C 5 0 15 10 15 0")[0]
    assert np.allclose(smooth, explicit)


@pytest.mark.parametrize(
    "data",
    [
        "m0 0 l 1 1 z",  # closepath: not used by the file
        "m0 0 a 1 1 0 0 1 2 2",  # arcs
        "m0 0 q 1 1 2 2",
        "m0 0 l 1",  # an odd count for a line
        "l 1 1",  # no initial move
        "5 5 m 1 1",  # numbers before any command
        "m0 0 l 1.5.5 2",  # compact decimals are not supported
    ],
)
def test_unsupported_or_malformed_path_data_is_rejected(data: str) -> None:
    with pytest.raises(mg.PathDataError):
        mg.parse_path_data(data)


def test_rings_become_closed_winding_paths() -> None:
    square = np.array([[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0]])
    hole = np.array([[1.0, 1.0], [1.0, 3.0], [3.0, 3.0], [3.0, 1.0], [1.0, 1.0]])
    path = mg.rings_to_path([square, hole])
    assert path.fillRule() == Qt.FillRule.WindingFill
    assert path.elementCount() == 10  # the open square gained its closing point
    last = path.elementAt(4)
    assert (last.x, last.y) == (0.0, 0.0)
    assert path.contains(QPointF(0.5, 0.5))
    assert not path.contains(QPointF(2.0, 2.0))  # opposite winding: a hole


# ------------------------------------------------------------------ the world file


def test_world_file_parses_into_the_countries() -> None:
    world = mg.world_geometry()
    assert len(world) >= 175
    for code in ("AF", "PK", "RU", "US", "JP", "IR", "CN", "IN", "DE", "BR"):
        assert code in world
        shape = world.shape(code)
        assert shape.code == code
        assert not shape.path.isEmpty()
        assert world.view_box.contains(shape.bounds.center())
    assert all(code == code.upper() and len(code) == 2 for code in world.codes)
    assert world.shape("af") is world.shape("AF")


def test_world_geometry_is_parsed_once() -> None:
    assert mg.world_geometry() is mg.world_geometry()


def test_the_outlines_kept_on_disk_are_the_parsed_ones() -> None:
    text = mg.read_world_svg()
    parsed = mg._cached_world_geometry(text)  # parses, then keeps the rings on disk
    key = mg._disk_key(text)
    assert key is not None and mg._disk_path(key).exists()
    loaded = mg._cached_world_geometry(text)
    assert loaded.view_box == parsed.view_box
    assert loaded.codes == parsed.codes
    for before, after in zip(parsed.shapes, loaded.shapes, strict=True):
        assert after.path == before.path
        assert after.bounds == before.bounds
        assert len(after.rings) == len(before.rings)
        assert all(np.array_equal(a, b) for a, b in zip(after.rings, before.rings, strict=True))
    # Another file (or another parser) has another key; a damaged file is parsed again.
    assert mg._disk_key(text + " ") != key
    mg._disk_path(key).write_bytes(b"damaged")
    assert mg._cached_world_geometry(text).codes == parsed.codes


def test_the_file_uses_only_the_commands_the_parser_was_checked_against() -> None:
    datas = re.findall(r' d="([^"]*)"', mg.read_world_svg())
    assert len(datas) == 2038
    letters = {char for data in datas for char in data if char.isalpha()}
    assert letters == {"m", "c", "s", "l", "h", "v"}  # no z, no arcs, no exponents


def test_micro_states_keep_an_area() -> None:
    world = mg.world_geometry()
    for code in ("MU", "SG", "VA", "MC", "AD"):
        bounds = world.shape(code).bounds
        assert bounds.width() > 0 and bounds.height() > 0


def test_neighbours_are_where_they_belong() -> None:
    # (Bounding boxes would mislead: the Aleutians stretch the US across the dateline.)
    at = mg.world_geometry().interior_point
    assert at("IR").x() < at("AF").x() < at("CN").x()
    assert at("PK").y() > at("AF").y()
    assert at("JP").x() > at("CN").x()
    assert at("US").x() < at("GB").x() < at("RU").x()


def test_centroid_of_afghanistan_lies_inside_it() -> None:
    shape = mg.world_geometry().shape("AF")
    assert shape.path.contains(_centroid(shape.rings))


@pytest.mark.parametrize("code", ["AF", "CL", "HR", "VN", "NO", "ID", "US", "RU"])
def test_interior_point_is_inside_even_for_awkward_shapes(code: str) -> None:
    world = mg.world_geometry()
    point = world.interior_point(code)
    assert world.shape(code).path.contains(point)


def _centroid(rings: tuple[np.ndarray, ...]) -> QPointF:
    ring = max(rings, key=len)
    x, y = ring[:, 0], ring[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2
    cx = ((x + np.roll(x, -1)) * cross).sum() / (6 * area)
    cy = ((y + np.roll(y, -1)) * cross).sum() / (6 * area)
    return QPointF(float(cx), float(cy))
