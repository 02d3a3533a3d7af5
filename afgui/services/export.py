"""The dataset as one JSON document or a CSV of facts, for reviewers and other tools.

The shape is documented in ``docs/data-format.md``; keys and order are stable so two
exports of the same database are byte-identical.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO, Any

from afgui.domain.measures import HALF_LIFE_YEARS
from afgui.domain.model import Actor, Fact, Government, Source
from afgui.services.catalog import Catalog
from afgui.services.measures import SCALE_MAX, SCALE_MIN, AidPoint, RelationsService, ViewSide

FACT_COLUMNS = (
    "id",
    "partners",
    "date",
    "date_precision",
    "year",
    "end_year",
    "year_basis",
    "date_note",
    "kind",
    "afghan_side",
    "third_party",
    "tone",
    "summary",
    "amount",
    "currency",
    "amount_kind",
    "amount_approximate",
    "price_basis",
    "source",
    "quote",
    "note",
    "same_event_as",
)


def actor_record(actor: Actor) -> dict[str, Any]:
    return {
        "code": actor.code,
        "name": actor.name,
        "kind": actor.kind.value,
        "start_year": actor.start_year,
        "end_year": actor.end_year,
        "predecessor": actor.predecessor,
        "successor": actor.successor,
        "map_shapes": list(actor.map_shapes),
        "other_names": [
            {"name": n.name, "start_year": n.start_year, "end_year": n.end_year}
            for n in actor.other_names
        ],
        "note": actor.note,
    }


def government_record(government: Government) -> dict[str, Any]:
    return {
        "code": government.code,
        "name": government.name,
        "start": government.start.isoformat(),
        "end": government.end.isoformat() if government.end else None,
        "side": government.side.value,
        "note": government.note,
    }


def source_record(source: Source) -> dict[str, Any]:
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


def fact_record(fact: Fact) -> dict[str, Any]:
    amount = fact.amount
    return {
        "id": fact.id,
        "partners": list(fact.partners),
        "date": fact.date.text,
        "date_precision": fact.date.precision.value,
        "year": fact.date.year,
        "end_year": fact.date.end_year,
        "year_basis": fact.date.basis.value,
        "date_note": fact.date.note,
        "kind": fact.kind.value,
        "afghan_side": fact.afghan_side.value,
        "third_party": fact.third_party,
        "tone": fact.tone,
        "summary": fact.summary,
        "amount": amount.value if amount else None,
        "currency": amount.currency if amount else None,
        "amount_kind": amount.kind.value if amount else None,
        "amount_approximate": amount.approximate if amount else None,
        "price_basis": amount.price_basis if amount else None,
        "source": fact.citation.source_id,
        "quote": fact.citation.quote,
        "note": fact.note,
        "same_event_as": fact.same_event_as,
    }


AID_NOTE = (
    "Amounts are as the sources give them: in the stated currency (current US dollars "
    "unless stated) at the stated price basis ('current' = the money of the day, not "
    "adjusted for inflation). A cumulative_total includes earlier packages: never add it "
    "to them. Aid facts without a figure are events in relation_strength, not zero dollars."
)
STRENGTH_NOTE = (
    "value: relation strength on the scale -10..+10 (null = no data: no counted fact yet, "
    "or the partner did not exist that year; 0 = neutral); status: diplomatic status "
    "(null likewise). Method: docs/methodology.md."
)


def measures_record(relations: RelationsService) -> dict[str, Any]:
    return {
        "first_year": relations.first_year,
        "last_year": relations.last_year,
        "scale_min": SCALE_MIN,
        "scale_max": SCALE_MAX,
        "half_life_years": HALF_LIFE_YEARS,
        "sides": [side.value for side in ViewSide],
        "note": STRENGTH_NOTE,
    }


def strength_records(relations: RelationsService) -> list[dict[str, Any]]:
    """Every partner, year and side in the covered range, partner by partner."""
    records = []
    for partner in relations.partners():
        for side in ViewSide:
            years, _ = relations.series(partner, side)
            for year in years:
                cell = relations.cell(partner, year, side)
                records.append(
                    {
                        "partner": partner,
                        "year": year,
                        "side": side.value,
                        "value": None if cell.value is None else round(cell.value, 4),
                        "status": None if cell.status is None else cell.status.value,
                    }
                )
    return records


def aid_record(partner: str, point: AidPoint) -> dict[str, Any]:
    return {
        "partner": partner,
        "year": point.year,
        "amount": point.amount,
        "currency": point.currency,
        "amount_kind": point.amount_kind.value,
        "approximate": point.approximate,
        "price_basis": point.price_basis,
        "fact": point.fact_id,
    }


def dataset_document(catalog: Catalog, relations: RelationsService | None = None) -> dict[str, Any]:
    """The whole dataset; with ``relations``, also the measures derived from it."""
    document: dict[str, Any] = {
        "actors": [actor_record(actor) for actor in catalog.actors],
        "governments": [government_record(g) for g in catalog.governments],
        "sources": [source_record(source) for source in catalog.sources],
        "facts": [fact_record(fact) for fact in catalog.facts()],
    }
    if relations is not None:
        document["measures"] = measures_record(relations)
        document["relation_strength"] = strength_records(relations)
        document["aid_note"] = AID_NOTE
        document["aid"] = [aid_record(partner, point) for partner, point in relations.all_aid()]
    return document


def write_json(document: dict[str, Any], stream: IO[str]) -> None:
    json.dump(document, stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def write_facts_csv(facts: Iterable[Fact], stream: IO[str]) -> None:
    writer = csv.DictWriter(stream, fieldnames=FACT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for fact in facts:
        record = fact_record(fact)
        record["partners"] = ";".join(record["partners"])
        writer.writerow(record)
