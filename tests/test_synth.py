"""``afgui-db synth``: reproducible synthetic databases of the curated schema."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, select

from afgui.cli import main
from afgui.curation.loader import Corpus, load_corpus
from afgui.curation.provision import open_database
from afgui.curation.synth import (
    SynthError,
    SynthParameters,
    build_synthetic,
    write_synthetic_file,
)
from afgui.data.engine import make_engine, read_meta, sqlite_url
from afgui.data.schema import SCHEMA_VERSION, Base
from afgui.domain.model import Actor, Fact
from afgui.domain.vocab import AfghanSide, DatePrecision, FactKind
from afgui.services.catalog import Catalog

SMALL = SynthParameters(actors=60, facts=3000, seed=7)


def content_hash(engine: Engine) -> str:
    """Every row of every table, in primary-key order."""
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            for row in connection.execute(query):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def build(path: Path, corpus: Corpus, parameters: SynthParameters = SMALL) -> Engine:
    write_synthetic_file(path, corpus, parameters)
    return make_engine(sqlite_url(path), read_only=True)


@pytest.fixture
def synthetic(tmp_path: Path, fixture_corpus: Corpus) -> Engine:
    return build(tmp_path / "synthetic.sqlite3", fixture_corpus)


def test_same_seed_same_content(tmp_path: Path, fixture_corpus: Corpus) -> None:
    one = build(tmp_path / "one.sqlite3", fixture_corpus)
    two = build(tmp_path / "two.sqlite3", fixture_corpus)
    other = build(tmp_path / "other.sqlite3", fixture_corpus, SynthParameters(60, 3000, seed=8))
    assert content_hash(one) == content_hash(two)
    assert content_hash(one) != content_hash(other)


def test_meta_marks_it_synthetic(synthetic: Engine) -> None:
    meta = read_meta(synthetic)
    assert meta is not None
    assert meta["application"] == "afgui"
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    assert meta["sources_hash"] == SMALL.sources_hash
    assert meta["sources_hash"].startswith("synthetic:")


def test_counts_and_integrity(synthetic: Engine, fixture_corpus: Corpus) -> None:
    catalog = Catalog(synthetic)
    assert len(catalog.actors) == SMALL.actors
    assert {a.code for a in fixture_corpus.actors} <= {a.code for a in catalog.actors}
    assert catalog.governments == fixture_corpus.governments
    assert len(catalog.facts()) == SMALL.facts
    with synthetic.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        indexes = {row[1] for row in connection.exec_driver_sql("PRAGMA index_list(facts)")}
    assert "ix_facts_year" in indexes


def test_distributions_cover_the_vocabulary(synthetic: Engine) -> None:
    catalog = Catalog(synthetic)
    facts = catalog.facts()
    assert {fact.kind for fact in facts} == set(FactKind)
    assert {fact.afghan_side for fact in facts} == set(AfghanSide)
    assert {fact.tone for fact in facts} == {-2, -1, 0, 1, 2}
    assert {fact.date.precision for fact in facts} == set(DatePrecision)
    years = [fact.date.year for fact in facts if fact.date.year is not None]
    assert min(years) >= 1900
    assert max(years) <= 2025
    assert any(fact.amount is not None for fact in facts)
    assert any(len(fact.partners) > 1 for fact in facts)
    # Synthetic states are drawn with real ISO shapes, so the map has colour.
    synthetic_states = [a for a in catalog.actors if a.code.startswith("SY") and a.map_shapes]
    assert synthetic_states
    assert all(len(iso2) == 2 and iso2.isupper() for a in synthetic_states for iso2 in a.map_shapes)
    # A few partners dominate, as in the curated data.
    per_partner = Counter(fact.partners[0] for fact in facts)
    assert per_partner.most_common(1)[0][1] > 10 * (len(facts) / len(per_partner)) / 4


def _actor_entry(actor: Actor) -> dict[str, Any]:
    entry: dict[str, Any] = {"code": actor.code, "name": actor.name, "kind": actor.kind.value}
    for key, value in (
        ("start", actor.start_year),
        ("end", actor.end_year),
        ("predecessor", actor.predecessor),
        ("successor", actor.successor),
        ("note", actor.note),
    ):
        if value is not None:
            entry[key] = value
    if actor.map_shapes:
        entry["map"] = list(actor.map_shapes)
    if actor.other_names:
        entry["names"] = [
            {
                key: value
                for key, value in (("name", n.name), ("start", n.start_year), ("end", n.end_year))
                if value is not None
            }
            for n in actor.other_names
        ]
    return entry


def _fact_entry(fact: Fact) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": fact.id,
        "partners": list(fact.partners),
        "kind": fact.kind.value,
        "afghan_side": fact.afghan_side.value,
        "date": fact.date.text or "unknown",
        "year_basis": fact.date.basis.value,
        "tone": fact.tone,
        "summary": fact.summary,
        "quote": fact.citation.quote,
    }
    if fact.date.note is not None:
        entry["date_note"] = fact.date.note
    if fact.third_party:
        entry["third_party"] = True
    if fact.amount is not None:
        entry["amount"] = {
            "value": fact.amount.value,
            "currency": fact.amount.currency,
            "kind": fact.amount.kind.value,
            "approximate": fact.amount.approximate,
            "price_basis": fact.amount.price_basis,
        }
    return entry


def test_synthetic_facts_pass_the_curators_validation(
    synthetic: Engine, fixture_sources: Path
) -> None:
    """Written back as curated YAML, every synthetic fact and actor is valid."""
    catalog = Catalog(synthetic)
    facts = catalog.facts()
    tree = {
        name: (fixture_sources / name).read_bytes() for name in ("sources.yaml", "governments.yaml")
    }
    tree["actors.yaml"] = yaml.safe_dump([_actor_entry(a) for a in catalog.actors]).encode()
    by_source: dict[str, list[dict[str, Any]]] = {}
    for fact in facts:
        by_source.setdefault(fact.citation.source_id, []).append(_fact_entry(fact))
    for source_id, entries in by_source.items():
        document = {"source": source_id, "facts": entries}
        tree[f"facts/{source_id}.yaml"] = yaml.safe_dump(document, allow_unicode=True).encode()
    corpus, problems = load_corpus(tree)
    assert problems == []
    assert len(corpus.facts) == len(facts)
    assert all(
        fact.date.year is None or fact.date.year >= 1994
        for fact in facts
        if fact.afghan_side is AfghanSide.TALIBAN
    )


def test_app_opens_it_without_rebuilding(tmp_path: Path, fixture_corpus: Corpus) -> None:
    path = tmp_path / "synthetic.sqlite3"
    write_synthetic_file(path, fixture_corpus, SMALL)
    opened = open_database(sqlite_url(path))
    try:
        assert not opened.rebuilt
        assert len(Catalog(opened.engine).facts()) == SMALL.facts
    finally:
        opened.engine.dispose()


def test_build_into_any_engine(tmp_path: Path, fixture_corpus: Corpus) -> None:
    engine = make_engine(sqlite_url(tmp_path / "plain.sqlite3"))
    summary = build_synthetic(engine, fixture_corpus, SynthParameters(actors=5, facts=10))
    assert (summary.actors, summary.facts) == (5, 10)
    assert summary.fact_partners >= 10
    assert len(Catalog(engine).facts()) == 10
    engine.dispose()


def test_refuses_to_overwrite_a_foreign_file(tmp_path: Path, fixture_corpus: Corpus) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_text("my notes")
    with pytest.raises(SynthError, match="not an afgui database"):
        write_synthetic_file(path, fixture_corpus, SMALL)
    assert path.read_text() == "my notes"
    assert list(tmp_path.iterdir()) == [path]


def test_cli_synth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.sqlite3"
    args = ["synth", "--actors", "80", "--facts", "500", "--seed", "3", "--out", str(out)]
    assert main(args) == 0
    assert "500 facts, 80 actors, seed 3" in capsys.readouterr().out
    first = content_hash(make_engine(sqlite_url(out), read_only=True))
    assert main(args) == 0
    assert content_hash(make_engine(sqlite_url(out), read_only=True)) == first


def test_cli_synth_refusal_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "taken.txt"
    out.write_text("not a database")
    assert main(["synth", "--facts", "5", "--out", str(out)]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "not an afgui database" in error
