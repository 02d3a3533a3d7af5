"""Compiling a validated corpus into a database, in one transaction, deterministically.

The same corpus always gives the same rows: entries are inserted in sorted order and no
timestamp is stored. ``meta`` records the schema version, the sources' hash and a digest
of the rows (``afgui.data.integrity``), so damage to the file is noticed when it is opened.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, insert

from afgui import __version__
from afgui.curation.loader import Corpus
from afgui.data.integrity import DIGEST_KEY, content_digest
from afgui.data.schema import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    ActorNameRow,
    ActorRow,
    ActorShapeRow,
    Base,
    FactPartnerRow,
    FactRow,
    GovernmentRow,
    MetaRow,
    SourceRow,
)
from afgui.domain.model import Actor, Fact, Government, Source


def build_database(engine: Engine, corpus: Corpus) -> None:
    """Replace every afgui table in ``engine``'s database with the corpus, atomically."""
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        Base.metadata.create_all(connection)
        # Parents before children, each table in one executemany with bound parameters.
        for table, rows in _rows(corpus):
            if rows:
                connection.execute(insert(table), rows)
        # Read back inside the transaction: opening the default database checks it again.
        digest = content_digest(connection)
        connection.execute(insert(MetaRow), [{"key": DIGEST_KEY, "value": digest}])


def meta_records(sources_hash: str) -> list[dict[str, Any]]:
    return [
        {"key": "application", "value": APPLICATION_ID},
        {"key": "schema_version", "value": str(SCHEMA_VERSION)},
        {"key": "sources_hash", "value": sources_hash},
        {"key": "built_by", "value": f"afgui {__version__}"},
    ]


def _rows(corpus: Corpus) -> list[tuple[type[Base], list[dict[str, Any]]]]:
    actors = sorted(corpus.actors, key=lambda item: item.code)
    facts = sorted(corpus.facts, key=lambda item: item.id)
    return [
        (MetaRow, meta_records(corpus.sources_hash)),
        (SourceRow, [_source_row(source) for source in sorted(corpus.sources, key=lambda s: s.id)]),
        (ActorRow, [_actor_row(actor) for actor in actors]),
        (
            ActorNameRow,
            [
                {
                    "actor_code": actor.code,
                    "position": position,
                    "name": other.name,
                    "start_year": other.start_year,
                    "end_year": other.end_year,
                }
                for actor in actors
                for position, other in enumerate(actor.other_names)
            ],
        ),
        (
            ActorShapeRow,
            [
                {"actor_code": actor.code, "iso2": iso2, "position": position}
                for actor in actors
                for position, iso2 in enumerate(actor.map_shapes)
            ],
        ),
        (GovernmentRow, [_government_row(government) for government in corpus.governments]),
        (FactRow, [fact_row(fact) for fact in facts]),
        (
            FactPartnerRow,
            [
                {"fact_id": fact.id, "actor_code": code, "position": position}
                for fact in facts
                for position, code in enumerate(fact.partners)
            ],
        ),
    ]


def _source_row(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "title": source.title,
        "kind": source.kind.value,
        "author": source.author,
        "publisher": source.publisher,
        "published": source.published,
        "seed_file": source.seed_file,
        "note": source.note,
    }


def _actor_row(actor: Actor) -> dict[str, Any]:
    return {
        "code": actor.code,
        "name": actor.name,
        "kind": actor.kind.value,
        "start_year": actor.start_year,
        "end_year": actor.end_year,
        "predecessor": actor.predecessor,
        "successor": actor.successor,
        "note": actor.note,
    }


def _government_row(government: Government) -> dict[str, Any]:
    return {
        "code": government.code,
        "name": government.name,
        "start": government.start,
        "end": government.end,
        "side": government.side.value,
        "note": government.note,
    }


def fact_row(fact: Fact) -> dict[str, Any]:
    """The ``facts`` table row of a fact (also used by the synthetic-data generator)."""
    amount = fact.amount
    return {
        "id": fact.id,
        "kind": fact.kind.value,
        "afghan_side": fact.afghan_side.value,
        "third_party": fact.third_party,
        "date_precision": fact.date.precision.value,
        "year": fact.date.year,
        "month": fact.date.month,
        "day": fact.date.day,
        "end_year": fact.date.end_year,
        "year_basis": fact.date.basis.value,
        "date_note": fact.date.note,
        "tone": fact.tone,
        "summary": fact.summary,
        "amount": amount.value if amount else None,
        "currency": amount.currency if amount else None,
        "amount_kind": amount.kind.value if amount else None,
        "amount_approximate": amount.approximate if amount else None,
        "price_basis": amount.price_basis if amount else None,
        "source_id": fact.citation.source_id,
        "quote": fact.citation.quote,
        "note": fact.note,
        "same_event_as": fact.same_event_as,
    }
