"""Exports: charts and map as PNG and SVG, a partner's facts and the dataset as CSV and
JSON. Each file is written whole, parses, and holds what the window shows."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from PySide6.QtGui import QColor, QImage
from sqlalchemy import Engine

from afgui.domain.model import Actor, Citation, Fact, FactDate, Source
from afgui.domain.vocab import (
    ActorKind,
    AfghanSide,
    AmountKind,
    DatePrecision,
    FactKind,
    SourceKind,
)
from afgui.services.catalog import Catalog
from afgui.services.export import FACT_COLUMNS
from afgui.ui import exporting, palette, theme
from afgui.ui.exporting import (
    FIGURE_SIZE,
    PNG_SCALE,
    ExportError,
    ExportFormat,
    export_charts,
    export_dataset,
    export_map,
    export_partner_facts,
    format_of,
    with_suffix_for_filter,
)
from afgui.ui.main_window import MainWindow
from tests.window_support import make_window

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def window(qtbot, fixture_engine: Engine) -> MainWindow:
    return make_window(qtbot, fixture_engine, year=2002, selection="JPN")


def colours_in(image: QImage) -> set[str]:
    step = 3
    return {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    }


def svg_root(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()  # raises on malformed XML
    assert root.tag == f"{SVG}svg"
    return root


# Charts ------------------------------------------------------------------------------


def test_charts_png_is_a_figure_with_the_lines_and_the_window_is_left_as_it_was(
    window: MainWindow, tmp_path: Path
) -> None:
    layout = window.charts.graphics.ci
    before = layout.geometry()
    items_before = len(window.charts.graphics.scene().items())
    target = tmp_path / "japan.png"
    assert export_charts(window.charts, target, caption="Japan over time") is ExportFormat.PNG
    image = QImage(str(target))
    assert not image.isNull()
    assert image.width() >= FIGURE_SIZE[0] * PNG_SCALE - 1
    assert image.height() >= FIGURE_SIZE[1] * PNG_SCALE - 1
    colours = colours_in(image)
    assert theme.SIDE_COLOURS["government"].name() in colours  # the viewed side's line
    assert theme.AMOUNT_COLOURS[AmountKind.PLEDGE].name() in colours  # Japan's pledge
    assert layout.geometry() == before
    assert len(window.charts.graphics.scene().items()) == items_before


def test_charts_svg_parses_and_holds_lines_legend_and_caption(
    window: MainWindow, tmp_path: Path
) -> None:
    target = tmp_path / "japan.svg"
    export_charts(window.charts, target, caption="Japan & friends over time")
    root = svg_root(target)
    text = target.read_text(encoding="utf-8")
    strokes = {element.get("stroke") for element in root.iter() if element.get("stroke")}
    assert theme.SIDE_COLOURS["government"].name() in strokes
    words = " ".join("".join(element.itertext()) for element in root.iter(f"{SVG}text"))
    assert "Japan: Kabul government" in words  # the figure's legend
    assert "pledge" in words  # the aid key under the aid plot
    assert "Japan & friends over time" in words
    assert "<title>" in text


def test_charts_export_with_a_compared_partner_names_it(window: MainWindow, tmp_path: Path) -> None:
    window.state.set_compare("RUS")
    target = tmp_path / "compare.svg"
    export_charts(window.charts, target)
    root = svg_root(target)
    words = " ".join("".join(element.itertext()) for element in root.iter(f"{SVG}text"))
    assert "Russia: Kabul government" in words
    strokes = {element.get("stroke") for element in root.iter() if element.get("stroke")}
    assert theme.COMPARE_COLOUR.name() in strokes


# Map ---------------------------------------------------------------------------------


def test_map_png_has_the_title_and_the_colours_of_the_map(
    window: MainWindow, tmp_path: Path
) -> None:
    target = tmp_path / "map.png"
    assert export_map(window.map_panel, target) is ExportFormat.PNG
    image = QImage(str(target))
    assert not image.isNull()
    world = window.map_panel.map
    title = image.height() - world.height()
    assert title > 0  # the title band above the map
    drawn = {item.actor: item for item in window.map_panel.drawn()}
    assert drawn["JPN"].value is not None
    assert drawn["RUS"].value is not None
    # The exported map is the one on screen, below the title band: the same pixels.
    shown = world.grab().toImage()
    for code in ("JP", "RU", "AF"):
        inside = world.country_point(code).toPoint()
        assert image.pixelColor(inside.x(), inside.y() + title) == shown.pixelColor(inside)
    # And Russia (wide: no outline near its middle) in its strength's colour.
    inside = world.country_point("RU").toPoint()
    pixel = image.pixelColor(inside.x(), inside.y() + title)
    expected = QColor(drawn["RUS"].colour)
    assert abs(pixel.red() - expected.red()) <= 3
    assert abs(pixel.green() - expected.green()) <= 3
    assert abs(pixel.blue() - expected.blue()) <= 3


def test_map_svg_has_one_path_per_country_with_its_fill_and_a_legend(
    window: MainWindow, tmp_path: Path
) -> None:
    target = tmp_path / "map.svg"
    selected = window.map_panel.shapes_of("JPN")
    assert export_map(window.map_panel, target, selected=selected) is ExportFormat.SVG
    root = svg_root(target)
    paths = {p.get("id"): p for p in root.iter(f"{SVG}path") if p.get("id")}
    drawn = {item.actor: item for item in window.map_panel.drawn()}
    assert paths["JP"].get("fill") == drawn["JPN"].colour
    assert paths["JP"].get("fill") == palette.strength_colour(drawn["JPN"].value).name()
    assert paths["AF"].get("fill") == window.map_panel.map.map_style.marked_fill.name()
    assert paths["BR"].get("fill") == "url(#no-data)"  # no actor draws Brazil: hatched
    assert "AQ" not in paths  # hidden on the map, left out of the file
    assert root.find(f".//{SVG}pattern[@id='no-data']") is not None
    assert root.find(f".//{SVG}g[@id='legend']") is not None
    outlines = [p for p in root.iter(f"{SVG}path") if not p.get("id") and p.get("fill") == "none"]
    selection = window.map_panel.map.map_style.selection.name()
    assert any(p.get("stroke") == selection for p in outlines)
    words = " ".join("".join(element.itertext()) for element in root.iter(f"{SVG}text"))
    assert "Afghanistan" in words
    assert "Relation strength" in words
    assert root.findtext(f"{SVG}title") == window.map_panel.title.text()


def test_map_svg_keeps_the_zoom(window: MainWindow, tmp_path: Path) -> None:
    world = window.map_panel.map
    world.zoom_by(6.0, world.country_point("JP"))
    world.settle()
    target = tmp_path / "zoomed.svg"
    export_map(window.map_panel, target)
    ids = {p.get("id") for p in svg_root(target).iter(f"{SVG}path") if p.get("id")}
    assert "JP" in ids
    assert "BR" not in ids  # out of view


# Facts and dataset -------------------------------------------------------------------


def test_partner_facts_csv_has_a_header_and_every_fact(
    fixture_engine: Engine, tmp_path: Path
) -> None:
    catalog = Catalog(fixture_engine)
    target = tmp_path / "japan.csv"
    assert export_partner_facts(catalog, "JPN", target) == 2
    with target.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    with target.open(encoding="utf-8", newline="") as stream:
        assert next(csv.reader(stream)) == list(FACT_COLUMNS)
    assert sorted(row["id"] for row in rows) == sorted(f.id for f in catalog.facts_of("JPN"))
    assert all(row["partners"] == "JPN" for row in rows)


def test_partner_facts_json_holds_partner_sources_and_facts(
    fixture_engine: Engine, tmp_path: Path
) -> None:
    catalog = Catalog(fixture_engine)
    target = tmp_path / "japan.json"
    export_partner_facts(catalog, "JPN", target)
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["partner"]["code"] == "JPN"
    assert [s["id"] for s in document["sources"]] == ["fixture"]
    facts = {fact["id"]: fact for fact in document["facts"]}
    assert set(facts) == {f.id for f in catalog.facts_of("JPN")}
    assert {fact["amount_kind"] for fact in facts.values()} >= {"pledge"}


@dataclass
class _Catalog:
    """Just what the facts export reads, holding non-ASCII text."""

    fact: Fact
    source: Source

    @property
    def actors_by_code(self) -> dict[str, Actor]:
        return {"IRN": Actor("IRN", "Iran", ActorKind.STATE)}

    @property
    def sources(self) -> tuple[Source, ...]:
        return (self.source,)

    def facts_of(self, code: str) -> list[Fact]:
        return [self.fact]


def test_exports_are_utf8_with_non_ascii_text_intact(tmp_path: Path) -> None:
    quote = "“Helmand’s water” — ≈ 850 m³/s, said the وزیر"
    fact = Fact(
        "iran-water",
        ("IRN",),
        FactKind.STATEMENT,
        AfghanSide.GOVERNMENT,
        FactDate(DatePrecision.YEAR, 1973, end_year=1973),
        -1,
        "Iran and Afghanistan sign the Helmand treaty — at last",
        Citation("s", quote),
    )
    catalog = _Catalog(fact, Source("s", "Über", SourceKind.OTHER, "s.txt"))
    export_partner_facts(catalog, "IRN", tmp_path / "iran.csv")  # type: ignore[arg-type]
    export_partner_facts(catalog, "IRN", tmp_path / "iran.json")  # type: ignore[arg-type]
    raw = (tmp_path / "iran.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no byte-order mark in the header
    [row] = list(csv.DictReader(raw.decode("utf-8").splitlines()))
    assert row["quote"] == quote
    document = json.loads((tmp_path / "iran.json").read_bytes().decode("utf-8"))
    assert document["facts"][0]["quote"] == quote
    assert document["sources"][0]["title"] == "Über"


def test_dataset_exports_hold_every_fact_and_the_measures(
    fixture_engine: Engine, tmp_path: Path
) -> None:
    from tests.window_support import services

    catalog, relations = services(fixture_engine)
    count = len(catalog.facts())
    assert export_dataset(catalog, relations, tmp_path / "all.json") == count
    document = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert len(document["facts"]) == count
    assert {"actors", "governments", "sources", "measures", "relation_strength"} <= set(document)
    assert export_dataset(catalog, relations, tmp_path / "all.csv") == count
    with (tmp_path / "all.csv").open(encoding="utf-8", newline="") as stream:
        assert len(list(csv.DictReader(stream))) == count


# Errors ------------------------------------------------------------------------------


def test_unknown_suffixes_are_refused() -> None:
    with pytest.raises(ExportError, match=r"\.png, \.svg"):
        format_of(Path("chart.jpg"), (ExportFormat.PNG, ExportFormat.SVG))
    assert format_of(Path("CHART.SVG"), (ExportFormat.PNG, ExportFormat.SVG)) is ExportFormat.SVG


def test_a_typed_name_without_suffix_gets_the_chosen_filter() -> None:
    assert with_suffix_for_filter(Path("x"), "SVG drawing (*.svg)") == Path("x.svg")
    assert with_suffix_for_filter(Path("x.png"), "SVG drawing (*.svg)") == Path("x.png")


def test_a_failed_export_leaves_no_file(
    fixture_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = Catalog(fixture_engine)
    with pytest.raises(ExportError, match="cannot write"):
        export_partner_facts(catalog, "JPN", tmp_path / "missing" / "japan.csv")
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "japan.csv"
    target.write_text("old", encoding="utf-8")

    def half_then_fail(facts: object, stream: IO[str]) -> None:
        stream.write("id,partners\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exporting, "write_facts_csv", half_then_fail)
    with pytest.raises(ExportError, match="No space left"):
        export_partner_facts(catalog, "JPN", target)
    assert target.read_text(encoding="utf-8") == "old"  # the earlier file is intact
    assert sorted(p.name for p in folder.iterdir()) == ["japan.csv"]  # no temporary left


def test_exported_files_are_readable_by_others(fixture_engine: Engine, tmp_path: Path) -> None:
    catalog = Catalog(fixture_engine)
    target = tmp_path / "japan.csv"
    export_partner_facts(catalog, "JPN", target)
    assert target.stat().st_mode & 0o044  # not the owner-only mode of a temporary file


def test_the_window_state_is_untouched_by_exports(window: MainWindow, tmp_path: Path) -> None:
    state = window.state
    before = (state.year, state.side, state.selection)
    zoom = window.map_panel.map.zoom
    export_charts(window.charts, tmp_path / "c.png")
    export_map(window.map_panel, tmp_path / "m.svg")
    assert (state.year, state.side, state.selection) == before
    assert window.map_panel.map.zoom == zoom
