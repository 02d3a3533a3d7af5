"""Read access to the database, returning domain values (never ORM objects).

Each function takes an open ``Session``; the caller (a service) owns the session, one per
user action.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import Session

from afgui.data.schema import (
    ActorNameRow,
    ActorRow,
    ActorShapeRow,
    FactPartnerRow,
    FactRow,
    GovernmentRow,
    SourceRow,
)
from afgui.domain.model import (
    Actor,
    ActorName,
    Amount,
    Citation,
    Fact,
    FactDate,
    Government,
    Source,
)
from afgui.domain.vocab import (
    ActorKind,
    AfghanSide,
    AmountKind,
    DatePrecision,
    FactKind,
    SourceKind,
    YearBasis,
)


def load_actors(session: Session) -> list[Actor]:
    names: dict[str, list[ActorName]] = defaultdict(list)
    for name_row in session.scalars(
        select(ActorNameRow).order_by(ActorNameRow.actor_code, ActorNameRow.position)
    ):
        names[name_row.actor_code].append(
            ActorName(name_row.name, name_row.start_year, name_row.end_year)
        )
    shapes: dict[str, list[str]] = defaultdict(list)
    for shape_row in session.scalars(
        select(ActorShapeRow).order_by(ActorShapeRow.actor_code, ActorShapeRow.position)
    ):
        shapes[shape_row.actor_code].append(shape_row.iso2)
    return [
        Actor(
            code=row.code,
            name=row.name,
            kind=ActorKind(row.kind),
            start_year=row.start_year,
            end_year=row.end_year,
            predecessor=row.predecessor,
            successor=row.successor,
            map_shapes=tuple(shapes[row.code]),
            other_names=tuple(names[row.code]),
            note=row.note,
        )
        for row in session.scalars(select(ActorRow).order_by(ActorRow.code))
    ]


def load_governments(session: Session) -> list[Government]:
    return [
        Government(row.code, row.name, row.start, row.end, AfghanSide(row.side), row.note)
        for row in session.scalars(select(GovernmentRow).order_by(GovernmentRow.start))
    ]


def load_sources(session: Session) -> list[Source]:
    return [
        Source(
            id=row.id,
            title=row.title,
            kind=SourceKind(row.kind),
            seed_file=row.seed_file,
            author=row.author,
            publisher=row.publisher,
            published=row.published,
            note=row.note,
        )
        for row in session.scalars(select(SourceRow).order_by(SourceRow.id))
    ]


def _fact_from_row(row: FactRow, partners: Sequence[str]) -> Fact:
    amount = None
    if row.amount is not None and row.currency and row.amount_kind:
        amount = Amount(
            value=row.amount,
            currency=row.currency,
            kind=AmountKind(row.amount_kind),
            approximate=bool(row.amount_approximate),
            price_basis=row.price_basis or "current",
        )
    return Fact(
        id=row.id,
        partners=tuple(partners),
        kind=FactKind(row.kind),
        afghan_side=AfghanSide(row.afghan_side),
        date=FactDate(
            precision=DatePrecision(row.date_precision),
            year=row.year,
            month=row.month,
            day=row.day,
            end_year=row.end_year,
            basis=YearBasis(row.year_basis),
            note=row.date_note,
        ),
        tone=row.tone,
        summary=row.summary,
        citation=Citation(row.source_id, row.quote),
        amount=amount,
        third_party=row.third_party,
        note=row.note,
        same_event_as=row.same_event_as,
    )


def _partners_of(session: Session, fact_ids: Select[str] | None) -> dict[str, list[str]]:
    """Partners of the facts ``fact_ids`` selects (all facts when None).

    A subquery, not a list of bound ids: a popular partner of a large database has more
    facts than SQLite allows parameters in one statement (32 766).
    """
    query = select(FactPartnerRow.fact_id, FactPartnerRow.actor_code).order_by(
        FactPartnerRow.fact_id, FactPartnerRow.position
    )
    if fact_ids is not None:
        query = query.where(FactPartnerRow.fact_id.in_(fact_ids))
    partners: dict[str, list[str]] = defaultdict(list)
    for fact_id, actor_code in session.execute(query):
        partners[fact_id].append(actor_code)
    return partners


def _ordered(facts: list[Fact]) -> list[Fact]:
    return sorted(facts, key=lambda fact: (fact.date.sort_key, fact.id))


def load_facts(session: Session) -> list[Fact]:
    """Every fact, in time order (unknown dates last), ties broken by id."""
    partners = _partners_of(session, None)
    rows = session.scalars(select(FactRow))
    return _ordered([_fact_from_row(row, partners[row.id]) for row in rows])


def load_facts_of_partner(session: Session, actor_code: str) -> list[Fact]:
    """The facts naming ``actor_code`` among their partners, in time order."""
    ids = select(FactPartnerRow.fact_id).where(FactPartnerRow.actor_code == actor_code)
    rows = list(session.scalars(select(FactRow).where(FactRow.id.in_(ids))))
    partners = _partners_of(session, ids)
    return _ordered([_fact_from_row(row, partners[row.id]) for row in rows])


def count_facts_per_partner(session: Session) -> dict[str, int]:
    query = select(FactPartnerRow.actor_code, func.count()).group_by(FactPartnerRow.actor_code)
    return {code: count for code, count in session.execute(query)}


@dataclass(frozen=True, slots=True)
class DirectFactBatch:
    """A batch of direct facts as columns, one row per fact and partner, for the cube.

    Direct: dated, not third-party, with an Afghan side, and not a second report of an
    event (``same_event_as``). ``end_years`` holds None for an open span; ``orders`` is
    ``month * 100 + day`` (0 where unknown), to order facts within their first year.
    """

    partners: tuple[str, ...]
    sides: tuple[str, ...]
    kinds: tuple[str, ...]
    tones: tuple[int, ...]
    years: tuple[int, ...]
    end_years: tuple[int | None, ...]
    orders: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.partners)


def iter_direct_fact_batches(
    session: Session, batch_size: int = 100_000
) -> Iterator[DirectFactBatch]:
    """Every direct fact with each of its partners, streamed in column batches.

    Plain columns, no GROUP BY: SQLite sorts to group, which costs more on a million facts
    than counting in numpy afterwards; and no Fact objects are made.
    """
    query = (
        select(
            FactPartnerRow.actor_code,
            FactRow.afghan_side,
            FactRow.kind,
            FactRow.tone,
            FactRow.year,
            FactRow.end_year,
            func.coalesce(FactRow.month, 0) * 100 + func.coalesce(FactRow.day, 0),
        )
        .select_from(FactRow)
        .join(FactPartnerRow, FactPartnerRow.fact_id == FactRow.id)
        .where(
            FactRow.year.is_not(None),
            FactRow.third_party.is_(False),
            FactRow.afghan_side != AfghanSide.NONE.value,
            FactRow.same_event_as.is_(None),
        )
    )
    # The session's connection runs the Core statement without the ORM's per-row work,
    # which halves the time on a million rows.
    result = session.connection().execute(query, execution_options={"yield_per": batch_size})
    for rows in result.partitions():
        partners, sides, kinds, tones, years, end_years, orders = zip(*rows, strict=True)
        yield DirectFactBatch(partners, sides, kinds, tones, years, end_years, orders)


def load_aid_facts(session: Session, actor_code: str | None = None) -> list[Fact]:
    """Facts with an amount whose principal partner is ``actor_code`` (all when None)."""
    principal = select(FactPartnerRow.fact_id).where(FactPartnerRow.position == 0)
    if actor_code is not None:
        principal = principal.where(FactPartnerRow.actor_code == actor_code)
    chosen = select(FactRow.id).where(FactRow.amount.is_not(None), FactRow.id.in_(principal))
    rows = list(session.scalars(select(FactRow).where(FactRow.id.in_(chosen))))
    partners = _partners_of(session, None if actor_code is None else chosen)
    return _ordered([_fact_from_row(row, partners[row.id]) for row in rows])


def fact_year_bounds(session: Session) -> tuple[int | None, int | None]:
    """The first and the last year any dated fact names (start or end of its span)."""
    first, last_start, last_end = session.execute(
        select(func.min(FactRow.year), func.max(FactRow.year), func.max(FactRow.end_year))
    ).one()
    lasts = [year for year in (last_start, last_end) if year is not None]
    return first, max(lasts) if lasts else None


def _time_order() -> tuple[ColumnElement[int], ...]:
    """ORDER BY terms matching ``FactDate.sort_key`` (unknown dates last), then the id."""
    undated = FactRow.year.is_(None)
    return (
        func.coalesce(FactRow.year, 9999),
        case((undated, 99), else_=func.coalesce(FactRow.month, 0)),
        case((undated, 99), else_=func.coalesce(FactRow.day, 0)),
    )


def load_facts_by_ids(session: Session, fact_ids: Sequence[str]) -> list[Fact]:
    """The facts with these ids (a few: one bound parameter each), in time order."""
    if not fact_ids:
        return []
    chosen = select(FactRow.id).where(FactRow.id.in_(list(fact_ids)))
    rows = list(session.scalars(select(FactRow).where(FactRow.id.in_(chosen))))
    partners = _partners_of(session, chosen)
    return _ordered([_fact_from_row(row, partners[row.id]) for row in rows])


@dataclass(frozen=True, slots=True)
class FactWindow:
    """At most ``limit`` facts of a partner nearest a year, in time order.

    ``facts`` is the slice ``[start, start + len(facts))`` of all ``total`` facts naming
    the partner in time order (unknown dates last), centred on the end of the year as
    far as the ends allow; ``first_year`` and ``last_year`` bound the dated ones.
    """

    facts: tuple[Fact, ...]
    start: int
    total: int
    first_year: int | None
    last_year: int | None


def count_facts_of_per_year(session: Session, actor_code: str) -> dict[int | None, int]:
    """How many facts name ``actor_code`` in each year (None: unknown date)."""
    query = (
        select(FactRow.year, func.count())
        .join(FactPartnerRow, FactPartnerRow.fact_id == FactRow.id)
        .where(FactPartnerRow.actor_code == actor_code)
        .group_by(FactRow.year)
    )
    return {year: count for year, count in session.execute(query)}


def load_facts_window(
    session: Session,
    actor_code: str,
    year: int,
    limit: int,
    per_year: Mapping[int | None, int] | None = None,
) -> FactWindow:
    """The ``limit`` facts naming ``actor_code`` nearest ``year`` (see :class:`FactWindow`).

    ``per_year`` (:func:`count_facts_of_per_year`, which a caller may keep) places the
    window; the facts are then read by year through the year index, checking the
    partner per fact, so a partner with hundreds of thousands of facts costs the few
    years the window spans and only ``limit`` Fact objects.
    """
    if per_year is None:
        per_year = count_facts_of_per_year(session, actor_code)
    # Unknown dates sort last, as in FactDate.sort_key.
    keys = sorted(per_year, key=lambda key: 9999 if key is None else key)
    total = sum(per_year.values())
    up_to = sum(per_year[key] for key in keys if (9999 if key is None else key) <= year)
    start = max(0, min(up_to - limit // 2, total - limit))
    end = min(total, start + limit)
    dated = [key for key in keys if key is not None]
    first, last = (dated[0], dated[-1]) if dated else (None, None)
    if start >= end:
        return FactWindow((), start, total, first, last)
    spanned: list[int | None] = []
    offset = 0
    before = 0
    for key in keys:
        after = before + per_year[key]
        if after > start and before < end:
            if not spanned:
                offset = start - before
            spanned.append(key)
        before = after
    in_years = [key for key in spanned if key is not None]
    conditions: list[ColumnElement[bool]] = []
    if in_years:
        conditions.append(FactRow.year.between(in_years[0], in_years[-1]))
    if None in spanned:
        conditions.append(FactRow.year.is_(None))
    named = (
        select(FactPartnerRow.fact_id)
        .where(FactPartnerRow.fact_id == FactRow.id, FactPartnerRow.actor_code == actor_code)
        .exists()
    )
    query = (
        select(FactRow.id)
        .where(or_(*conditions), named)
        .order_by(*_time_order(), FactRow.id)
        .limit(end - start)
        .offset(offset)
    )
    ids = list(session.scalars(query))
    return FactWindow(tuple(load_facts_by_ids(session, ids)), start, total, first, last)


@dataclass(frozen=True, slots=True)
class DirectFactsOf:
    """A partner's direct facts (see :class:`DirectFactBatch`) as columns, in time order."""

    ids: tuple[str, ...]
    sides: tuple[str, ...]
    kinds: tuple[str, ...]
    tones: tuple[int, ...]
    years: tuple[int, ...]
    end_years: tuple[int | None, ...]


def load_direct_facts_of(session: Session, actor_code: str) -> DirectFactsOf:
    """The direct facts naming ``actor_code`` as plain columns, no Fact objects."""
    query = (
        select(
            FactRow.id,
            FactRow.afghan_side,
            FactRow.kind,
            FactRow.tone,
            FactRow.year,
            FactRow.end_year,
        )
        .join(FactPartnerRow, FactPartnerRow.fact_id == FactRow.id)
        .where(
            FactPartnerRow.actor_code == actor_code,
            FactRow.year.is_not(None),
            FactRow.third_party.is_(False),
            FactRow.same_event_as.is_(None),
        )
        .order_by(*_time_order(), FactRow.id)
    )
    rows = session.connection().execute(query).all()
    if not rows:
        return DirectFactsOf((), (), (), (), (), ())
    ids, sides, kinds, tones, years, end_years = zip(*rows, strict=True)
    return DirectFactsOf(ids, sides, kinds, tones, years, end_years)
