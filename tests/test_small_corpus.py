"""A small database's facts kept in memory: ``Catalog.keep_all_facts``.

Once kept, the catalogue answers ``facts_of``, ``facts_in`` (the timeline's window) and
``facts_by_ids`` (the facts behind a value) without a query, with the same facts in the
same order as it reads them from the database; a database over the limit is not kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

from afgui.services.catalog import Catalog


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements run on ``engine`` inside the block."""
    run: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        run.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield run
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _partners(catalog: Catalog) -> list[str]:
    return [code for code, count in catalog.fact_counts().items() if count]


def test_kept_facts_are_the_facts_read_from_the_database(fixture_engine: Engine) -> None:
    reading = Catalog(fixture_engine)
    keeping = Catalog(fixture_engine)
    assert keeping.keep_all_facts()
    codes = _partners(reading)
    assert len(codes) > 3
    for code in codes:
        assert keeping.facts_of(code) == reading.facts_of(code), code
        for year, limit in ((1979, 3), (2001, 5), (2021, 150)):
            place = keeping.window_place(code, year, limit)
            assert keeping.facts_in(place) == reading.facts_in(place), (code, year)
        ids = [fact.id for fact in reading.facts_of(code)][::2]
        assert keeping.facts_by_ids([*ids, "no-such-fact"]) == reading.facts_by_ids(ids)


def test_a_kept_catalogue_runs_no_query_for_facts(fixture_engine: Engine) -> None:
    catalog = Catalog(fixture_engine)
    catalog.fact_index()
    assert catalog.keep_all_facts()
    code = _partners(catalog)[0]
    with _statements(fixture_engine) as run:
        facts = catalog.facts_of(code)
        window = catalog.facts_in(catalog.window_place(code, 2001, 150))
        by_id = catalog.facts_by_ids([fact.id for fact in facts])
    assert run == []
    assert facts and window and len(by_id) == len(facts)


def test_a_database_over_the_limit_is_not_kept(fixture_engine: Engine) -> None:
    catalog = Catalog(fixture_engine)
    total = catalog.fact_index().facts
    assert total > 1
    assert not catalog.keep_all_facts(limit=total - 1)
    code = _partners(catalog)[0]
    with _statements(fixture_engine) as run:
        catalog.facts_by_ids([fact.id for fact in Catalog(fixture_engine).facts_of(code)][:2])
    assert run, "a catalogue that keeps nothing reads the facts asked for"
    assert catalog.keep_all_facts(limit=total)
