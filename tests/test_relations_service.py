"""RelationsService: the in-memory cube built from the database, on small fixture sources
with hand-computed values (tests/fixtures/measures), and against the fact-by-fact
reference computation."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from afgui.curation.build import build_database
from afgui.curation.loader import Corpus, load_corpus, read_source_tree
from afgui.data.engine import make_engine, sqlite_url
from afgui.domain.measures import explain_strength, spread_decay, status_in
from afgui.domain.model import Citation, Fact, FactDate
from afgui.domain.vocab import TONE_MAX, TONE_MIN, AfghanSide, AmountKind, DatePrecision, FactKind
from afgui.services.catalog import Catalog
from afgui.services.measures import (
    SCALE_MAX,
    SCALE_MIN,
    DiplomaticStatus,
    RelationsService,
    StrengthCell,
    UnknownPartnerError,
    ViewSide,
    YearOutOfRangeError,
    _largest,
    _span_table,
)

MEASURES_SOURCES = Path(__file__).parent / "fixtures" / "measures"
GOV, TAL, BOTH = ViewSide.GOVERNMENT, ViewSide.TALIBAN, ViewSide.BOTH
D = 0.5 ** (1 / 5)  # a year's decay at a half-life of five years


def tanh10(raw: float) -> float:
    return 10 * math.tanh(raw / 10)


def assert_cell(cell: StrengthCell, value: float, status: DiplomaticStatus) -> None:
    assert cell.value == pytest.approx(value)
    assert cell.status is status


@pytest.fixture(scope="module")
def measures_corpus() -> Corpus:
    corpus, problems = load_corpus(read_source_tree(MEASURES_SOURCES))
    assert problems == []
    return corpus


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, measures_corpus: Corpus) -> Iterator[Engine]:
    engine = make_engine(sqlite_url(tmp_path_factory.mktemp("m") / "measures.sqlite3"))
    build_database(engine, measures_corpus)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def service(engine: Engine) -> RelationsService:
    return RelationsService(engine, Catalog(engine))


def test_range_and_partners(service: RelationsService) -> None:
    # The first fact is of 1979; the last year is that of the last government change (2021).
    assert (service.first_year, service.last_year) == (1979, 2021)
    assert service.partners() == ("GBR", "JPN", "PAK", "RUS", "SUN", "UN", "USA")
    years, values = service.series("PAK", GOV)
    assert list(years) == list(range(1979, 2022)) and len(values) == len(years)


def test_recognition_then_break(service: RelationsService) -> None:
    assert service.cell("PAK", 1989, GOV) == StrengthCell(None, None)
    assert_cell(service.cell("PAK", 1990, GOV), tanh10(6.0), DiplomaticStatus.RECOGNITION)
    cell = service.cell("PAK", 1993, GOV)
    assert cell.value == pytest.approx(tanh10(6.0 * D**3 - 7.0))
    assert cell.status is DiplomaticStatus.RELATIONS_BROKEN


def test_two_sides_in_one_year(service: RelationsService) -> None:
    raw_gov = 6.0 * D**7 - 7.0 * D**4 - 1.0
    assert service.values_at(1997, GOV)["PAK"].value == pytest.approx(tanh10(raw_gov))
    taliban = service.values_at(1997, TAL)["PAK"]
    assert_cell(taliban, tanh10(6.0), DiplomaticStatus.RECOGNITION)
    assert service.values_at(1997, BOTH)["PAK"].value == pytest.approx(tanh10(raw_gov + 6.0))
    # The second report of the recognition (1996/1997, same_event_as) counts nowhere.
    assert service.values_at(1996, TAL)["PAK"] == StrengthCell(None, None)


def test_an_actor_that_ceases_to_exist(service: RelationsService) -> None:
    assert_cell(service.cell("SUN", 1979, GOV), tanh10(-10.0), DiplomaticStatus.HOSTILITIES)
    assert service.cell("SUN", 1991, GOV).value == pytest.approx(tanh10(-10.0 * D**12))
    assert service.cell("SUN", 1992, GOV) == StrengthCell(None, None)
    # Russia inherits nothing: no data until its own first fact.
    assert service.cell("RUS", 1992, GOV) == StrengthCell(None, None)
    assert_cell(service.cell("RUS", 1995, GOV), tanh10(1.9 * 0.5), DiplomaticStatus.RELATIONS)
    years, values = service.series("SUN", GOV)
    assert values[years.index(1992) :] == (None,) * (2021 - 1992 + 1)


def test_neutral_third_party_and_undated(service: RelationsService) -> None:
    assert service.cell("UN", 1999, BOTH) == StrengthCell(None, None)
    for side in ViewSide:
        assert service.cell("UN", 2000, side) == StrengthCell(0.0, DiplomaticStatus.RELATIONS)
    # GBR is only in a third-party fact: a partner, never a value.
    assert all(value is None for value in service.series("GBR", BOTH)[1])
    # USA: the 1990/1994 programme counts, spread; the undated criticism and the
    # third-party talks do not.
    assert service.cell("USA", 1990, GOV).value == pytest.approx(tanh10(7.4 / 5))


def test_values_at_covers_every_partner(service: RelationsService) -> None:
    cells = service.values_at(2002, GOV)
    assert set(cells) == set(service.partners())
    # The package counts; the cumulative total that includes it restates it and does not.
    assert cells["JPN"].value == pytest.approx(tanh10(5.2))
    assert cells["SUN"] == StrengthCell(None, None)
    assert cells is service.values_at(2002, GOV)


def test_series_values_are_the_series_with_gaps_as_nan(service: RelationsService) -> None:
    for partner in service.partners():
        for side in ViewSide:
            _, values = service.series(partner, side)
            array = service.series_values(partner, side)
            assert array.shape == (len(values),)
            assert [None if math.isnan(v) else v for v in array.tolist()] == list(values)


def test_explain_sums_to_the_value(service: RelationsService) -> None:
    explanation = service.explain("PAK", 1997, BOTH)
    assert explanation.status is DiplomaticStatus.RECOGNITION
    ids = [c.fact.id for c in explanation.contributions]
    assert ids == [
        "pak-1990-recognition",
        "pak-1993-relations-broken",
        "pak-1997-criticises-government",
        "pak-1997-recognises-taliban",
    ]
    assert explanation.value is not None
    total = math.fsum(c.contribution for c in explanation.contributions)
    assert total == pytest.approx(explanation.value, abs=1e-12)
    ages = {c.fact.id: (c.weight, c.tone_factor, c.age) for c in explanation.contributions}
    assert ages["pak-1993-relations-broken"] == (-7.0, 1.0, 4)
    empty = service.explain("SUN", 1995, GOV)
    assert (empty.value, empty.status, empty.contributions) == (None, None, ())


def test_explain_largest_agrees_with_explain(service: RelationsService) -> None:
    """The numpy path the detail pane uses gives explain's values, largest first."""
    for partner in service.partners():
        for side in ViewSide:
            for year in range(service.first_year, service.last_year + 1):
                full = service.explain(partner, year, side)
                ranked = sorted(full.contributions, key=lambda c: -abs(c.contribution))
                for limit in (1, 2, 12):
                    summary = service.explain_largest(partner, year, side, limit)
                    largest = summary.explanation.contributions
                    assert summary.explanation.value == full.value
                    assert summary.explanation.status == full.status
                    assert len(largest) == min(limit, len(ranked))
                    assert summary.others == len(ranked) - len(largest)
                    for got, want in zip(largest, ranked, strict=False):
                        assert abs(got.contribution) == pytest.approx(abs(want.contribution))
                    by_id = {c.fact.id: c for c in full.contributions}
                    for got in largest:
                        reference = by_id[got.fact.id]
                        assert (got.weight, got.tone_factor, got.age) == (
                            reference.weight,
                            reference.tone_factor,
                            reference.age,
                        )
                        assert got.decay == pytest.approx(reference.decay, rel=1e-12)
                        assert got.contribution == pytest.approx(reference.contribution)
                    if got_ids := {c.fact.id for c in largest}:
                        assert got_ids <= {c.fact.id for c in full.contributions}
                    together = math.fsum(c.contribution for c in largest) + summary.others_total
                    assert together == pytest.approx(full.value or 0.0, abs=1e-9)


@pytest.mark.parametrize("seed", range(40))
def test_largest_is_the_head_of_a_stable_sort(seed: int) -> None:
    """_largest partitions above a floor taken from the last values: the same indices,
    in the same order, as a stable sort of all of them, ties included."""
    rng = np.random.default_rng(seed)
    size = int(rng.choice([1, 5, 12, 13, 255, 256, 257, 600, 5_000]))
    # Few distinct values (many ties), or spread ones; small or large at the end.
    values = rng.integers(0, int(rng.choice([2, 5, 1_000])), size).astype(np.float64)
    if seed % 3 == 0:
        values[-min(size, 300) :] *= 0.01  # the latest values small: a low floor
    for limit in (1, 2, 12, size, size + 3):
        expected = np.argsort(-values, kind="stable")[:limit]
        assert _largest(values, limit).tolist() == expected.tolist()
    assert _largest(values, 0).tolist() == []


def test_span_table_is_spread_decay_times_the_length() -> None:
    """Every cell the explanation reads: spans that end before, in and after the year
    explained, and facts of one year (the last column)."""
    years = 40
    table = _span_table(years).reshape(years, years + 1)
    for age in range(years):
        year, start = 2000 + age, 2000
        assert table[age, years] == pytest.approx(spread_decay(start, start, year), rel=1e-13)
        for end in range(start, start + years + 3):
            elapsed = min(end, year) - start
            length = end - start + 1
            assert table[age, elapsed] / length == pytest.approx(
                spread_decay(start, end, year), rel=1e-13
            )


def test_aid_keeps_totals_and_packages_apart(service: RelationsService) -> None:
    points = service.aid("JPN")
    assert [(p.year, p.amount, p.amount_kind, p.currency) for p in points] == [
        (2002, 5e8, AmountKind.COMMITMENT, "USD"),
        (2002, 2e9, AmountKind.CUMULATIVE_TOTAL, "USD"),
    ]
    assert service.aid("PAK") == ()
    # The aid fact without a figure is an event in the strength.
    assert service.cell("JPN", 2003, GOV).value == pytest.approx(tanh10(5.2 * D + 7.4 * 0.5))


def test_unknown_partner_and_year(service: RelationsService) -> None:
    with pytest.raises(UnknownPartnerError):
        service.explain("XXX", 1997, GOV)
    with pytest.raises(YearOutOfRangeError):
        service.values_at(1900, GOV)
    with pytest.raises(UnknownPartnerError):
        service.aid("XXX")


def test_real_cube_agrees_with_the_reference(fixture_engine: Engine) -> None:
    catalog = Catalog(fixture_engine)
    service = RelationsService(fixture_engine, catalog)
    _assert_agrees(service, catalog)


def _assert_agrees(service: RelationsService, catalog: Catalog) -> None:
    last = service.last_year
    for partner in service.partners():
        facts = catalog.facts_of(partner)
        actor = catalog.actors_by_code[partner]
        for side in ViewSide:
            years, values = service.series(partner, side)
            for year, cube_value in zip(years, values, strict=True):
                expected, _ = explain_strength(facts, year, side, last)
                status = status_in(facts, year, side, last)
                if not actor.exists_in(year):
                    expected, status = None, None
                if expected is None:
                    assert cube_value is None
                else:
                    assert cube_value == pytest.approx(expected, abs=1e-9)
                assert service.cell(partner, year, side).status == status
                assert cube_value is None or SCALE_MIN <= cube_value <= SCALE_MAX


# --- property: the cube and the fact-by-fact reference agree -------------------------


@st.composite
def corpora(draw: st.DrawFn, base: Corpus) -> Corpus:
    partners = ["PAK", "JPN", "USA", "UN", "SUN", "RUS"]
    facts = []
    for index in range(draw(st.integers(min_value=0, max_value=15))):
        partner = draw(st.sampled_from(partners))
        # A second partner, when drawn, must have existed over the same years.
        others = [code for code in ("PAK", "JPN", "USA", "UN") if code != partner]
        extra = draw(st.lists(st.sampled_from(others), max_size=1))
        low, high = {"SUN": (1979, 1991), "RUS": (1992, 2020)}.get(partner, (1979, 2020))
        start = draw(st.integers(min_value=low, max_value=high))
        shape = draw(st.sampled_from(["day", "year", "span", "open", "unknown"]))
        if shape == "unknown":
            date = FactDate(DatePrecision.UNKNOWN)
        elif shape == "span":
            end = draw(st.integers(min_value=start, max_value=high))
            date = FactDate(DatePrecision.SPAN, start, end_year=end)
        elif shape == "open":
            date = FactDate(DatePrecision.SPAN, start, end_year=None)
        elif shape == "day":
            # Few dates, so that formal events often share a year or a day.
            month, day = draw(st.sampled_from([1, 6])), draw(st.sampled_from([1, 15]))
            date = FactDate(DatePrecision.DAY, start, month, day, end_year=start)
        else:
            date = FactDate(DatePrecision.YEAR, start, end_year=start)
        facts.append(
            Fact(
                id=f"f-{index:02d}",
                partners=(partner, *extra),
                kind=draw(st.sampled_from(list(FactKind))),
                afghan_side=draw(st.sampled_from(list(AfghanSide))),
                date=date,
                tone=draw(st.integers(min_value=TONE_MIN, max_value=TONE_MAX)),
                summary="made up",
                citation=Citation("measures", "made up"),
                third_party=draw(st.booleans()),
            )
        )
    return Corpus(
        actors=base.actors,
        governments=base.governments,
        sources=base.sources,
        facts=tuple(facts),
        sources_hash="property",
        quotes=(),
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_cube_agrees_with_reference_property(
    data: st.DataObject, measures_corpus: Corpus, tmp_path: Path
) -> None:
    corpus = data.draw(corpora(measures_corpus))
    engine = make_engine(sqlite_url(tmp_path / "property.sqlite3"))
    try:
        build_database(engine, corpus)
        catalog = Catalog(engine)
        _assert_agrees(RelationsService(engine, catalog), catalog)
    finally:
        engine.dispose()


def test_a_total_without_a_figure_counts_as_the_reference_says(
    tmp_path: Path, measures_corpus: Corpus
) -> None:
    """A row of a hand-made database with the cumulative kind but no amount reads as a Fact
    without an amount, which counts: the cube (from SQL) and ``explain`` must agree."""
    from sqlalchemy import text

    engine = make_engine(sqlite_url(tmp_path / "odd.sqlite3"))
    try:
        build_database(engine, measures_corpus)
        with engine.begin() as connection:
            connection.execute(text("UPDATE facts SET amount = NULL WHERE id = 'jpn-2002-total'"))
        catalog = Catalog(engine)
        service = RelationsService(engine, catalog)
        explanation = service.explain("JPN", 2002, GOV)
        assert "jpn-2002-total" in {c.fact.id for c in explanation.contributions}
        assert service.cell("JPN", 2002, GOV).value == pytest.approx(explanation.value)
        assert explanation.value == pytest.approx(tanh10(2 * 5.2))
    finally:
        engine.dispose()


def test_values_at_agrees_with_each_cell(service: RelationsService) -> None:
    """A year's values come from whole columns; each equals the partner's own cell."""
    for side in ViewSide:
        for year in range(service.first_year, service.last_year + 1):
            cells = service.values_at(year, side)
            assert list(cells) == list(service.partners())
            for partner, cell in cells.items():
                assert cell == service.cell(partner, year, side)
