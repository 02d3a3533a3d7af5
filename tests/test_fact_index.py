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
from afgui.domain.measures import aid_points
from afgui.services import cube_cache, fact_index
from afgui.services.catalog import Catalog
from afgui.services.measures import RelationsService


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
        assert figures.currency_counts() == dict(
            Counter(point.currency for point in reference).most_common()
        )
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
