"""The per-partner index of the facts: the same answers as the reference queries, kept on
disk next to the relations cube, rebuilt when missing or damaged, built in memory where
nothing can be kept."""

from __future__ import annotations

import bisect
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine

from afgui.curation.build import build_database
from afgui.curation.loader import Corpus
from afgui.data.engine import make_engine
from afgui.domain.measures import AidPoint, aid_points
from afgui.domain.vocab import AmountKind
from afgui.services import cube_cache, fact_index
from afgui.services.catalog import Catalog
from afgui.services.fact_index import AidColumns
from afgui.services.measures import RelationsService


def _main_currency(points: tuple[AidPoint, ...]) -> tuple[str, int]:
    """The reference: the most common currency of the points (ties to the first seen)."""
    counts = Counter(point.currency for point in points).most_common()
    if not counts:
        return "USD", 0
    return counts[0][0], sum(count for _, count in counts[1:])


def _key(engine: Engine) -> str:
    key = cube_cache.cube_key(engine)
    assert key is not None
    return key


def _assert_matches_reference(index: fact_index.FactIndex, catalog: Catalog) -> None:
    """Every partner's links, years and aid figures as the reference queries give them."""
    codes = [code for code, count in catalog.fact_counts().items() if count]
    assert set(index.partners) == set(codes)
    for code in codes:
        facts = catalog.facts_of(code)
        links = index.links(code)
        assert index.fact_ids(links.facts) == [fact.id for fact in facts]
        years = [fact.date.year for fact in facts]
        assert [None if y == fact_index.NO_YEAR else int(y) for y in links.years] == years
        for year in range(1975, 2025):
            expected = bisect.bisect_right(facts, (year, 99, 99), key=lambda f: f.date.sort_key)
            assert links.position_after(year) == expected
        figures = index.aid(code)
        reference = aid_points(facts, code)
        assert figures.points() == reference
        assert figures.main_currency() == _main_currency(reference)
        assert figures.kinds_present() == {point.amount_kind for point in reference}
        by_year_id = sorted(reference, key=lambda point: (point.year, point.fact_id))
        for year in range(1975, 2025):
            assert figures.points_in(year) == tuple(p for p in reference if p.year == year)
            for limit in (1, 2, 60):
                position = bisect.bisect_right(by_year_id, year, key=lambda point: point.year)
                start = max(0, min(position - limit // 2, len(by_year_id) - limit))
                assert figures.nearest(year, limit) == (
                    start,
                    tuple(by_year_id[start : start + limit]),
                )
    assert index.links("NOPE").facts.size == 0
    assert len(index.aid("NOPE")) == 0


def test_the_index_gives_what_the_reference_queries_give(fixture_engine: Engine) -> None:
    catalog = Catalog(fixture_engine)
    _assert_matches_reference(catalog.fact_index(), catalog)


def test_it_is_stored_with_the_cube_and_mapped_on_the_next_start(
    fixture_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    RelationsService(fixture_engine, Catalog(fixture_engine))
    key = _key(fixture_engine)
    assert fact_index.directory(key).is_dir()
    assert (cube_cache.cache_directory() / f"cube-{key}.npz").is_file()
    builds: list[Engine] = []
    monkeypatch.setattr(fact_index, "build", lambda engine: builds.append(engine))
    catalog = Catalog(fixture_engine)
    loaded = catalog.fact_index()
    assert builds == []
    # Mapped from the file (a plain array over the mapping, not read into memory).
    assert isinstance(loaded.arrays["link_facts"].base, np.memmap)
    assert not loaded.arrays["link_facts"].flags.owndata
    _assert_matches_reference(loaded, catalog)


@pytest.mark.parametrize("damage", ["truncated array", "garbage header", "other format"])
def test_a_damaged_index_is_ignored_and_rebuilt(fixture_engine: Engine, damage: str) -> None:
    catalog = Catalog(fixture_engine)
    built = catalog.fact_index()
    where = fact_index.directory(_key(fixture_engine))
    if damage == "truncated array":
        path = where / "link_facts.npy"
        path.write_bytes(path.read_bytes()[:-4])
    elif damage == "garbage header":
        (where / "header.json").write_text("{not json", encoding="utf-8")
    else:
        (where / "header.json").write_text('{"format": -1}', encoding="utf-8")
    assert fact_index.load(_key(fixture_engine)) is None
    again = Catalog(fixture_engine)
    _assert_matches_reference(again.fact_index(), again)
    # Rebuilt in place: the next start maps it again.
    reloaded = fact_index.load(_key(fixture_engine))
    assert reloaded is not None
    assert reloaded.partners == built.partners


def test_inconsistent_offsets_are_refused(fixture_engine: Engine) -> None:
    Catalog(fixture_engine).fact_index()
    where = fact_index.directory(_key(fixture_engine))
    offsets = np.load(where / "link_offsets.npy")
    offsets[-1] += 1
    np.save(where / "link_offsets.npy", offsets)
    assert fact_index.load(_key(fixture_engine)) is None


def test_an_in_memory_database_gets_an_index_in_memory(fixture_corpus: Corpus) -> None:
    engine = make_engine("sqlite://")
    build_database(engine, fixture_corpus)
    assert cube_cache.cube_key(engine) is None
    catalog = Catalog(engine)
    _assert_matches_reference(catalog.fact_index(), catalog)
    window = catalog.facts_near("USA", 2001, 3)
    assert window.total == len(catalog.facts_of("USA"))
    assert not list(Path(cube_cache.cache_directory()).glob("index-*"))
    engine.dispose()


def _random_aid_columns(rng: np.random.Generator, size: int, currencies: int) -> AidColumns:
    years = np.sort(rng.integers(1950, 2024, size)).astype(np.int16)
    return AidColumns(
        "X",
        np.array([f"f{i}".encode() for i in range(size)]),
        years,
        rng.uniform(0, 5e9, size),
        rng.integers(0, currencies, size).astype(np.int16),
        rng.integers(0, len(AmountKind), size).astype(np.int8),
        np.zeros(size, dtype=bool),
        np.zeros(size, dtype=np.int16),
        tuple(f"C{i}" for i in range(currencies)),
        ("",),
    )


def test_the_main_currency_and_kinds_are_counted_as_the_points_give_them() -> None:
    """Counted on the columns, they are what the figures in points() order give, ties
    between currencies included (broken by the first figure in year and kind order)."""
    rng = np.random.default_rng(7)
    ties = 0
    for trial in range(300):
        aid = _random_aid_columns(
            rng, int(rng.integers(0, 12 if trial % 2 else 400)), 1 + trial % 4
        )
        points = aid.points()
        assert aid.main_currency() == _main_currency(points)
        assert aid.kinds_present() == {point.amount_kind for point in points}
        counts = Counter(point.currency for point in points).most_common(2)
        ties += len(counts) == 2 and counts[0][1] == counts[1][1]
    assert ties > 10  # ties were tried


def test_the_largest_figures_per_year_are_those_of_the_points() -> None:
    """What the aid chart draws: per year and kind the largest figure in a currency, and
    per year the largest that is not a cumulative total; never a sum."""
    rng = np.random.default_rng(11)
    for trial in range(200):
        # Few years, so that many years have several figures of one kind.
        aid = _random_aid_columns(rng, int(rng.integers(0, 6 if trial % 2 else 300)), 2)
        if trial % 3 == 0 and len(aid):
            aid = AidColumns(**{**_fields(aid), "amounts": np.round(aid.amounts, -9)})  # ties
        for currency in ("C0", "C1", "EUR"):
            points = [p for p in aid.points() if p.currency == currency]
            kinds = list(AmountKind)
            per_cell: dict[tuple[int, int], float] = {}
            new_per_year: dict[int, float] = {}
            for p in points:
                cell = (p.year, kinds.index(p.amount_kind))
                per_cell[cell] = max(per_cell.get(cell, -np.inf), p.amount)
                if p.amount_kind is not AmountKind.CUMULATIVE_TOTAL:
                    new_per_year[p.year] = max(new_per_year.get(p.year, -np.inf), p.amount)
            years, codes, amounts = aid.largest_per_year_and_kind(currency)
            got = list(zip(years.tolist(), codes.tolist(), amounts.tolist(), strict=True))
            assert got == [(y, k, a) for (y, k), a in sorted(per_cell.items())]
            years, amounts = aid.largest_new_per_year(currency)
            assert list(zip(years.tolist(), amounts.tolist(), strict=True)) == sorted(
                new_per_year.items()
            )


def _fields(aid: AidColumns) -> dict[str, object]:
    return {name: getattr(aid, name) for name in AidColumns.__dataclass_fields__}
