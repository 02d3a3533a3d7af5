"""The default database: built when missing, rebuilt when stale, never clobbering a file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from afgui.curation.provision import DatabaseUnavailableError, open_database
from afgui.data.engine import read_meta, sqlite_url
from afgui.services.catalog import Catalog


def test_missing_default_is_built(tmp_path: Path, fixture_sources: Path) -> None:
    path = tmp_path / "data" / "afgui.sqlite3"
    opened = open_database(sources_root=fixture_sources, default_path=path)
    assert opened.rebuilt and path.exists()
    assert len(Catalog(opened.engine).facts()) == 7
    again = open_database(sources_root=fixture_sources, default_path=path)
    assert not again.rebuilt


def test_stale_default_is_rebuilt(tmp_path: Path, fixture_sources: Path) -> None:
    path = tmp_path / "afgui.sqlite3"
    open_database(sources_root=fixture_sources, default_path=path).engine.dispose()
    sources = tmp_path / "sources"
    shutil.copytree(fixture_sources, sources)
    facts = sources / "facts" / "fixture.yaml"
    facts.write_text(
        facts.read_text().replace(
            "Pakistan recognises the Taliban government.", "Pakistan recognises the Taliban."
        )
    )
    opened = open_database(sources_root=sources, default_path=path)
    assert opened.rebuilt
    summaries = {fact.id: fact.summary for fact in Catalog(opened.engine).facts()}
    assert summaries["pak-1997-recognises-taliban"] == "Pakistan recognises the Taliban."


def test_foreign_file_is_left_untouched(tmp_path: Path, fixture_sources: Path) -> None:
    path = tmp_path / "afgui.sqlite3"
    path.write_bytes(b"not a database at all" * 100)
    before = path.read_bytes()
    opened = open_database(sources_root=fixture_sources, default_path=path)
    assert path.read_bytes() == before
    assert opened.url.endswith("afgui.rebuilt.sqlite3")
    assert any(str(path) in warning and "untouched" in warning for warning in opened.warnings)


def test_explicit_empty_url_is_built(tmp_path: Path, fixture_sources: Path) -> None:
    url = sqlite_url(tmp_path / "explicit.sqlite3")
    opened = open_database(url, sources_root=fixture_sources)
    assert opened.rebuilt
    meta = read_meta(opened.engine)
    assert meta is not None and meta["application"] == "afgui"


def test_explicit_foreign_file_is_refused(tmp_path: Path, fixture_sources: Path) -> None:
    path = tmp_path / "other.sqlite3"
    path.write_bytes(b"garbage" * 50)
    with pytest.raises(DatabaseUnavailableError, match="not an afgui database"):
        open_database(sqlite_url(path), sources_root=fixture_sources)
    assert path.read_bytes() == b"garbage" * 50


def test_bundled_sources_build(tmp_path: Path) -> None:
    opened = open_database(default_path=tmp_path / "bundled.sqlite3")
    assert opened.rebuilt
    assert any(actor.code == "SUN" for actor in Catalog(opened.engine).actors)
