"""Broken database files: the app starts anyway or refuses with one message; nothing is lost.

Each case checks the message (it names the file and the cause) and that the bad file's
bytes are unchanged afterwards.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from afgui.curation.build import build_database
from afgui.curation.loader import Corpus
from afgui.data.engine import make_engine, sqlite_url
from afgui.data.schema import FactRow
from afgui.domain.model import Citation


def _fact_count(url: str) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count()).select_from(FactRow)) or 0
    finally:
        engine.dispose()


def test_failed_rebuild_keeps_the_previous_contents(tmp_path: Path, fixture_corpus: Corpus) -> None:
    """A rebuild that fails half-way rolls back the dropped tables too (DDL is transactional)."""
    url = sqlite_url(tmp_path / "explicit.sqlite3")
    engine = make_engine(url)
    build_database(engine, fixture_corpus)
    broken_fact = dataclasses.replace(
        fixture_corpus.facts[0], citation=Citation("no-such-source", "a quote")
    )
    broken = dataclasses.replace(fixture_corpus, facts=(*fixture_corpus.facts[1:], broken_fact))
    with pytest.raises(IntegrityError):
        build_database(engine, broken)
    engine.dispose()
    assert _fact_count(url) == len(fixture_corpus.facts)
