"""Read access to the database, returning domain values (never ORM objects).

Each function takes an open ``Session``; the caller (a service) owns the session, one per
user action.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, and_, case, func, select
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


def _fact_from_row(row: FactRow | Row[Any], partners: Sequence[str]) -> Fact:
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
    for fact_id, actor_code in session.connection().execute(query):
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


def load_aid_facts(session: Session, actor_code: str | None = None) -> list[Fact]:
    """Facts with an amount whose principal partner is ``actor_code`` (all when None)."""
    principal = select(FactPartnerRow.fact_id).where(FactPartnerRow.position == 0)
    if actor_code is not None:
        principal = principal.where(FactPartnerRow.actor_code == actor_code)
    chosen = select(FactRow.id).where(FactRow.amount.is_not(None), FactRow.id.in_(principal))
    rows = list(session.scalars(select(FactRow).where(FactRow.id.in_(chosen))))
    partners = _partners_of(session, None if actor_code is None else chosen)
    return _ordered([_fact_from_row(row, partners[row.id]) for row in rows])


def load_facts_by_ids(session: Session, fact_ids: Sequence[str]) -> list[Fact]:
    """The facts with these ids (a few: one bound parameter each), in time order."""
    if not fact_ids:
        return []
    chosen = select(FactRow.id).where(FactRow.id.in_(list(fact_ids)))
    # Core rows, not ORM entities: the selection loads up to a few hundred of these, and
    # the identity map's bookkeeping cost more than reading them.
    query = select(FactRow.__table__).where(FactRow.id.in_(chosen))
    rows = session.connection().execute(query).all()
    partners = _partners_of(session, chosen)
    return _ordered([_fact_from_row(row, partners[row.id]) for row in rows])


#: Stands for an unknown year (or an open end) in the index columns below: larger than
#: any year, so undated facts sort last, as in ``FactDate.sort_key``.
NO_YEAR = 32_767


@dataclass(frozen=True, slots=True)
class FactOrderBatch:
    """A batch of facts as columns for the per-partner index, in id order.

    ``years`` and ``end_years`` hold :data:`NO_YEAR` where unknown (open); ``orders`` is
    ``month * 100 + day`` (0 where unknown). ``counted_sides`` is the index of the fact's
    Afghan side in ``AfghanSide`` when the fact is direct (dated, not third-party, not a
    second report), else -1; ``kinds`` the index of its kind in ``FactKind``.
    """

    ids: tuple[str, ...]
    years: tuple[int, ...]
    orders: tuple[int, ...]
    end_years: tuple[int, ...]
    counted_sides: tuple[int, ...]
    kinds: tuple[int, ...]
    tones: tuple[int, ...]


def iter_fact_order_batches(
    session: Session, batch_size: int = 200_000
) -> Iterator[FactOrderBatch]:
    """Every fact as integer columns (and its id), in id order, streamed in batches.

    The vocabularies become small integers in SQL (bound values), so a million facts
    cost one pass of plain tuples, no objects.
    """
    sides = {side.value: i for i, side in enumerate(AfghanSide)}
    kinds = {kind.value: i for i, kind in enumerate(FactKind)}
    direct = and_(
        FactRow.year.is_not(None),
        FactRow.third_party.is_(False),
        FactRow.same_event_as.is_(None),
    )
    query = select(
        FactRow.id,
        func.coalesce(FactRow.year, NO_YEAR),
        func.coalesce(FactRow.month, 0) * 100 + func.coalesce(FactRow.day, 0),
        func.coalesce(FactRow.end_year, NO_YEAR),
        case((direct, case(sides, value=FactRow.afghan_side, else_=-1)), else_=-1),
        case(kinds, value=FactRow.kind, else_=len(kinds) - 1),
        FactRow.tone,
    ).order_by(FactRow.id)
    result = session.connection().execute(query, execution_options={"yield_per": batch_size})
    for rows in result.partitions():
        yield FactOrderBatch(*zip(*rows, strict=True))


def count_links_per_partner(session: Session) -> list[tuple[str, int]]:
    """How many facts name each actor, in actor-code order (the order of the link ids)."""
    query = (
        select(FactPartnerRow.actor_code, func.count())
        .group_by(FactPartnerRow.actor_code)
        .order_by(FactPartnerRow.actor_code)
    )
    return [(code, count) for code, count in session.execute(query)]


def iter_link_fact_ids(session: Session, batch_size: int = 200_000) -> Iterator[tuple[str, ...]]:
    """The id of every (partner, fact) link, partner-major by actor code, then fact id.

    The order of the ``(actor_code, fact_id)`` index, so SQLite reads it without sorting.
    """
    query = select(FactPartnerRow.fact_id).order_by(
        FactPartnerRow.actor_code, FactPartnerRow.fact_id
    )
    result = session.connection().execute(query, execution_options={"yield_per": batch_size})
    for rows in result.partitions():
        yield tuple(row[0] for row in rows)


@dataclass(frozen=True, slots=True)
class AidColumnsRows:
    """Every aid figure with its principal partner, as columns (no order promised).

    The figures :func:`afgui.domain.measures.aid_points` keeps: an amount with a currency
    and a kind, a known year, not a second report of an event.
    """

    partners: tuple[str, ...]
    ids: tuple[str, ...]
    years: tuple[int, ...]
    amounts: tuple[float, ...]
    currencies: tuple[str, ...]
    kinds: tuple[str, ...]
    approximate: tuple[bool, ...]
    price_bases: tuple[str, ...]


def load_aid_columns(session: Session) -> AidColumnsRows:
    """The aid figures of every principal partner, as plain columns (see the class)."""
    query = (
        select(
            FactPartnerRow.actor_code,
            FactRow.id,
            FactRow.year,
            FactRow.amount,
            FactRow.currency,
            FactRow.amount_kind,
            func.coalesce(FactRow.amount_approximate, False),
            func.coalesce(func.nullif(FactRow.price_basis, ""), "current"),
        )
        .join(FactPartnerRow, FactPartnerRow.fact_id == FactRow.id)
        .where(
            FactPartnerRow.position == 0,
            FactRow.amount.is_not(None),
            FactRow.currency.is_not(None),
            FactRow.currency != "",
            FactRow.amount_kind.is_not(None),
            FactRow.amount_kind != "",
            FactRow.year.is_not(None),
            FactRow.same_event_as.is_(None),
        )
    )
    rows = session.connection().execute(query).all()
    if not rows:
        return AidColumnsRows((), (), (), (), (), (), (), ())
    partners, ids, years, amounts, currencies, kinds, approximate, bases = zip(*rows, strict=True)
    return AidColumnsRows(
        partners, ids, years, amounts, currencies, kinds, tuple(map(bool, approximate)), bases
    )
