"""The relations cube is kept on disk and reused only for the same database and code."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, create_engine

from afgui.curation.build import build_database
from afgui.curation.loader import Corpus
from afgui.data.engine import make_engine, sqlite_url
from afgui.services import cube_cache, measures
from afgui.services.catalog import Catalog
from afgui.services.measures import RelationsService, ViewSide


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each time the cube is built from the database rather than loaded."""
    calls: list[str] = []
    build = measures._build_cube

    def counting(catalog: Catalog) -> cube_cache.CachedCube:
        calls.append(str(catalog.database.get().url))
        return build(catalog)

    monkeypatch.setattr(measures, "_build_cube", counting)
    return calls


def _service(engine: Engine) -> RelationsService:
    return RelationsService(engine, Catalog(engine))


def _same(one: RelationsService, two: RelationsService) -> None:
    assert one.partners() == two.partners()
    assert (one.first_year, one.last_year) == (two.first_year, two.last_year)
    for year in range(one.first_year, one.last_year + 1):
        for side in ViewSide:
            assert one.values_at(year, side) == two.values_at(year, side)


def test_second_start_loads_the_cube(fixture_engine: Engine, builds: list[str]) -> None:
    first = _service(fixture_engine)
    second = _service(fixture_engine)
    assert len(builds) == 1
    _same(first, second)
    assert len(list(cube_cache.cache_directory().glob("cube-*.npz"))) == 1


def test_read_only_engine_shares_the_key(fixture_engine: Engine) -> None:
    path = fixture_engine.url.database
    assert path is not None
    read_only = make_engine(sqlite_url(Path(path)), read_only=True)
    assert cube_cache.cube_key(read_only) == cube_cache.cube_key(fixture_engine)
    read_only.dispose()


def test_another_database_is_another_cube(
    tmp_path: Path, fixture_corpus: Corpus, fixture_engine: Engine, builds: list[str]
) -> None:
    _service(fixture_engine)
    smaller = replace(fixture_corpus, facts=fixture_corpus.facts[:-3], sources_hash="other")
    other = make_engine(sqlite_url(tmp_path / "other.sqlite3"))
    build_database(other, smaller)
    assert cube_cache.cube_key(other) != cube_cache.cube_key(fixture_engine)
    _service(other)
    assert len(builds) == 2
    other.dispose()


def test_a_rewritten_file_is_not_trusted(fixture_engine: Engine, builds: list[str]) -> None:
    key = cube_cache.cube_key(fixture_engine)
    path = Path(str(fixture_engine.url.database))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert cube_cache.cube_key(fixture_engine) != key


def test_memory_databases_are_not_cached() -> None:
    assert cube_cache.cube_key(create_engine("sqlite://")) is None


def test_a_damaged_cache_file_is_rebuilt(fixture_engine: Engine, builds: list[str]) -> None:
    first = _service(fixture_engine)
    (stored,) = cube_cache.cache_directory().glob("cube-*.npz")
    stored.write_bytes(b"not a numpy archive")
    second = _service(fixture_engine)
    assert len(builds) == 2
    _same(first, second)


def test_a_cube_of_the_wrong_shape_is_ignored(fixture_engine: Engine) -> None:
    key = cube_cache.cube_key(fixture_engine)
    assert key is not None
    wrong = cube_cache.CachedCube(
        partners=("PAK",),
        codes=("PAK",),
        first_year=2000,
        last_year=2001,
        raw=np.zeros((1, 5, 3)),
        has_data=np.zeros((1, 5, 3), dtype=bool),
        statuses=np.zeros((1, 5, 3), dtype=np.int8),
    )
    cube_cache.store(key, wrong)
    assert cube_cache.load(key) is None


def test_an_unwritable_cache_only_costs_time(
    fixture_engine: Engine, builds: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory should be")
    monkeypatch.setattr(cube_cache, "cache_directory", lambda: blocked / "measures")
    _service(fixture_engine)
    _service(fixture_engine)
    assert len(builds) == 2


def _aged(path: Path, days: float) -> Path:
    moment = os.path.getmtime(path) - days * 86_400
    os.utime(path, (moment, moment))
    return path


def test_unused_entries_and_old_leftovers_are_pruned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cube_cache, "cache_directory", lambda: tmp_path)
    old_cube = tmp_path / "cube-old.npz"
    old_cube.write_bytes(b"x")
    old_index = tmp_path / "index-old"
    old_index.mkdir()
    (old_index / "header.json").write_text("{}")
    recent_cube = tmp_path / "cube-recent.npz"
    recent_cube.write_bytes(b"x")
    old_leftover = tmp_path / ".index-old-x1"
    old_leftover.mkdir()
    fresh_leftover = tmp_path / ".cube-new-x2.npz"
    fresh_leftover.write_bytes(b"x")
    other = tmp_path / "something-else"
    other.write_bytes(b"x")
    kept_anyway = tmp_path / "cube-kept.npz"
    kept_anyway.write_bytes(b"x")
    for path in (old_cube, old_index, old_leftover, other, kept_anyway):
        _aged(path, cube_cache.UNUSED_DAYS + 1)
    removed = cube_cache.prune(keep=[kept_anyway])
    assert sorted(removed) == sorted([old_cube.name, old_index.name, old_leftover.name])
    assert {path.name for path in tmp_path.iterdir()} == {
        recent_cube.name,
        fresh_leftover.name,
        other.name,
        kept_anyway.name,
    }


def test_loading_marks_an_entry_as_used(fixture_engine: Engine, builds: list[str]) -> None:
    _service(fixture_engine)
    (stored,) = cube_cache.cache_directory().glob("cube-*.npz")
    _aged(stored, cube_cache.UNUSED_DAYS + 1)
    _service(fixture_engine)
    assert builds == [str(fixture_engine.url)]  # the second start loaded it
    cube_cache.prune()
    assert stored.exists()
