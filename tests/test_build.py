"""``afgui-db build``: one transaction, deterministic, with schema version and sources hash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from afgui.cli import main
from afgui.curation.build import build_database
from afgui.curation.loader import Corpus
from afgui.data.engine import make_engine, read_meta, sqlite_url
from afgui.data.schema import SCHEMA_VERSION
from afgui.services.catalog import Catalog
from afgui.services.export import dataset_document


def test_meta_records_version_and_hash(fixture_engine: Engine, fixture_corpus: Corpus) -> None:
    meta = read_meta(fixture_engine)
    assert meta is not None
    assert meta["application"] == "afgui"
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    assert meta["sources_hash"] == fixture_corpus.sources_hash


def test_round_trip_keeps_every_field(fixture_engine: Engine, fixture_corpus: Corpus) -> None:
    catalog = Catalog(fixture_engine)
    by_id = {fact.id: fact for fact in catalog.facts()}
    assert by_id.keys() == {fact.id for fact in fixture_corpus.facts}
    for fact in fixture_corpus.facts:
        assert by_id[fact.id] == fact
    assert catalog.actors == tuple(sorted(fixture_corpus.actors, key=lambda a: a.code))
    assert catalog.governments == fixture_corpus.governments


def test_two_builds_give_the_same_export(tmp_path: Path, fixture_corpus: Corpus) -> None:
    exports = []
    for name in ("one", "two"):
        engine = make_engine(sqlite_url(tmp_path / f"{name}.sqlite3"))
        build_database(engine, fixture_corpus)
        exports.append(json.dumps(dataset_document(Catalog(engine)), sort_keys=True))
        engine.dispose()
    assert exports[0] == exports[1]


def test_rebuild_replaces_content(tmp_path: Path, fixture_corpus: Corpus) -> None:
    engine = make_engine(sqlite_url(tmp_path / "db.sqlite3"))
    build_database(engine, fixture_corpus)
    build_database(engine, fixture_corpus)
    assert len(Catalog(engine).facts()) == len(fixture_corpus.facts)
    engine.dispose()


def test_cli_build_with_url(
    tmp_path: Path, fixture_sources: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = sqlite_url(tmp_path / "cli.sqlite3")
    assert main(["build", "--db", url, "--sources", str(fixture_sources)]) == 0
    assert "built (7 facts)" in capsys.readouterr().out
    engine = make_engine(url)
    assert len(Catalog(engine).facts()) == 7
    engine.dispose()


def test_cli_build_refuses_invalid_sources(
    tmp_path: Path, fixture_sources: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = sqlite_url(tmp_path / "never.sqlite3")
    assert main(["build", "--db", url, "--sources", str(tmp_path)]) == 1
    assert "sources.yaml: file is missing" in capsys.readouterr().err
    assert not (tmp_path / "never.sqlite3").exists()
