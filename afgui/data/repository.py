"""Read access to the database, returning domain values (never ORM objects).

Each function takes an open ``Session``; the caller (a service) owns the session, one per
user action.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, func, not_, select
from sqlalchemy.orm import Session

from afgui.data.packing import (
    CODE_KIND_BASE,
    CODE_SIDE_BASE,
    CODE_TONE_OFFSET,
    NO_YEAR,
    TIME_BASE,
)
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
    TONE_MAX,
    TONE_MIN,
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


#: The columns a Fact is made of, in the order :func:`_fact_from_values` unpacks them.
_FACT_COLUMNS = (
    FactRow.id,
    FactRow.kind,
    FactRow.afghan_side,
    FactRow.third_party,
    FactRow.date_precision,
    FactRow.year,
    FactRow.month,
    FactRow.day,
    FactRow.end_year,
    FactRow.year_basis,
    FactRow.date_note,
    FactRow.tone,
    FactRow.summary,
    FactRow.amount,
    FactRow.currency,
    FactRow.amount_kind,
    FactRow.amount_approximate,
    FactRow.price_basis,
    FactRow.source_id,
    FactRow.quote,
    FactRow.note,
    FactRow.same_event_as,
)
# Looked up by value in dicts: calling an Enum class is several times slower, and a
# timeline makes hundreds of facts per selection.
_KINDS = {kind.value: kind for kind in FactKind}
_SIDES = {side.value: side for side in AfghanSide}
_PRECISIONS = {precision.value: precision for precision in DatePrecision}
_BASES = {basis.value: basis for basis in YearBasis}
_AMOUNT_KINDS = {kind.value: kind for kind in AmountKind}


def _fact_from_values(values: Sequence[Any], partners: Sequence[str]) -> Fact:
    """A Fact from a row of :data:`_FACT_COLUMNS` (plain values: Core rows unpack fast)."""
    (
        fact_id,
        kind,
        afghan_side,
        third_party,
        precision,
        year,
        month,
        day,
        end_year,
        year_basis,
        date_note,
        tone,
        summary,
        value,
        currency,
        amount_kind,
        approximate,
        price_basis,
        source_id,
        quote,
        note,
        same_event_as,
    ) = values
    amount = None
    if value is not None and currency and amount_kind:
        amount = Amount(
            value=value,
            currency=currency,
            kind=_AMOUNT_KINDS.get(amount_kind) or AmountKind(amount_kind),
            approximate=bool(approximate),
            price_basis=price_basis or "current",
        )
    return Fact(
        id=fact_id,
        partners=tuple(partners),
        kind=_KINDS.get(kind) or FactKind(kind),
        afghan_side=_SIDES.get(afghan_side) or AfghanSide(afghan_side),
        date=FactDate(
            precision=_PRECISIONS.get(precision) or DatePrecision(precision),
            year=year,
            month=month,
            day=day,
            end_year=end_year,
            basis=_BASES.get(year_basis) or YearBasis(year_basis),
            note=date_note,
        ),
        tone=tone,
        summary=summary,
        citation=Citation(source_id, quote),
        amount=amount,
        third_party=bool(third_party),
        note=note,
        same_event_as=same_event_as,
    )


def _facts_from(
    session: Session, where: ColumnElement[bool] | None, partners: Mapping[str, list[str]]
) -> list[Fact]:
    """The facts ``where`` selects (all when None), with their partners, in time order."""
    query = select(*_FACT_COLUMNS)
    if where is not None:
        query = query.where(where)
    rows = session.connection().execute(query).all()
    return in_time_order([_fact_from_values(row, partners.get(row[0], ())) for row in rows])


def _partners_of(
    session: Session, fact_ids: Select[Any] | list[str] | None
) -> dict[str, list[str]]:
    """Partners of the facts ``fact_ids`` selects or lists (all facts when None).

    Many facts come as a subquery, not a list of bound ids: a popular partner of a large
    database has more facts than SQLite allows parameters in one statement (32 766).
    """
    query = select(FactPartnerRow.fact_id, FactPartnerRow.actor_code).order_by(
        FactPartnerRow.fact_id, FactPartnerRow.position
    )
    if fact_ids is not None:
        query = query.where(FactPartnerRow.fact_id.in_(fact_ids))
    partners: dict[str, list[str]] = defaultdict(list)
    for fact_id, actor_code in session.connection().execute(query).all():
        partners[fact_id].append(actor_code)
    return partners


def in_time_order(facts: Iterable[Fact]) -> list[Fact]:
    """``facts`` in time order (unknown dates last), ties broken by id: every reader's order."""
    return sorted(facts, key=lambda fact: (fact.date.sort_key, fact.id))


def load_facts(session: Session) -> list[Fact]:
    """Every fact, in time order (unknown dates last), ties broken by id."""
    return _facts_from(session, None, _partners_of(session, None))


def load_facts_of_partner(session: Session, actor_code: str) -> list[Fact]:
    """The facts naming ``actor_code`` among their partners, in time order."""
    ids = select(FactPartnerRow.fact_id).where(FactPartnerRow.actor_code == actor_code)
    partners = _partners_of(session, ids)
    return _facts_from(session, FactRow.id.in_(ids), partners)


def load_aid_facts(session: Session, actor_code: str | None = None) -> list[Fact]:
    """Facts with an amount whose principal partner is ``actor_code`` (all when None)."""
    principal = select(FactPartnerRow.fact_id).where(FactPartnerRow.position == 0)
    if actor_code is not None:
        principal = principal.where(FactPartnerRow.actor_code == actor_code)
    chosen = select(FactRow.id).where(FactRow.amount.is_not(None), FactRow.id.in_(principal))
    partners = _partners_of(session, None if actor_code is None else chosen)
    return _facts_from(session, FactRow.id.in_(chosen), partners)


# Built once: building it again for every selection cost as much as running it.
_FACTS_BY_IDS = (
    select(*_FACT_COLUMNS, FactPartnerRow.actor_code)
    .outerjoin(FactPartnerRow, FactPartnerRow.fact_id == FactRow.id)
    .where(FactRow.id.in_(bindparam("ids", expanding=True)))
    .order_by(FactRow.id, FactPartnerRow.position)
)


def load_facts_by_ids(session: Session, fact_ids: Sequence[str]) -> list[Fact]:
    """The facts with these ids (a few: one bound parameter each), in time order.

    One statement, facts joined with their partners (a row per partner, in order): a
    selection reads a timeline window this way, and a second statement for the partners
    cost as much again.
    """
    if not fact_ids:
        return []
    rows = session.connection().execute(_FACTS_BY_IDS, {"ids": list(fact_ids)}).all()
    facts: list[Fact] = []
    values: Sequence[Any] = ()
    partners: list[str] = []
    for *columns, partner in rows:
        if values and columns[0] != values[0]:
            facts.append(_fact_from_values(values, partners))
            partners = []
        values = columns
        if partner is not None:
            partners.append(partner)
    if values:
        facts.append(_fact_from_values(values, partners))
    return in_time_order(facts)


@dataclass(frozen=True, slots=True)
class FactOrderBatch:
    """A batch of facts as packed integer columns for the per-partner index, in id order.

    ``times`` is ``year * TIME_BASE + month * 100 + day`` (0 for an unknown month or day;
    year :data:`NO_YEAR` when unknown); ``end_years`` holds :data:`NO_YEAR` for an open
    end. ``codes`` is ``(side + 1) * CODE_SIDE_BASE + kind * CODE_KIND_BASE + tone +
    CODE_TONE_OFFSET``: ``side`` the index of the fact's Afghan side in ``AfghanSide``
    when the fact is direct (dated, not third-party, not a second report, not a cumulative
    total of aid: see ``afgui.domain.measures.counts_toward``), else -1;
    ``kind`` the index of its kind in ``FactKind``; the tone clipped to its range.
    """

    ids: Sequence[str]
    times: Sequence[int]
    end_years: Sequence[int]
    codes: Sequence[int]


def iter_fact_order_batches(session: Session, batch_size: int = 50_000) -> Iterator[FactOrderBatch]:
    """Every fact as packed integer columns (and its id), in id order, in batches.

    The vocabularies become small integers in SQL (bound values) and are packed there, so
    a million facts cost one pass of a few plain values each, no objects.
    """
    sides = {side.value: i for i, side in enumerate(AfghanSide)}
    kinds = {kind.value: i for i, kind in enumerate(FactKind)}
    direct = and_(
        FactRow.year.is_not(None),
        FactRow.third_party.is_(False),
        FactRow.same_event_as.is_(None),
        # Not a cumulative total of aid, exactly as a Fact read from the row would say
        # (``is_cumulative_total``: an amount with a value, a currency and that kind).
        not_(
            and_(
                FactRow.amount.is_not(None),
                func.coalesce(FactRow.currency, "") != "",
                func.coalesce(FactRow.amount_kind, "") == AmountKind.CUMULATIVE_TOTAL.value,
            )
        ),
    )
    side = case((direct, case(sides, value=FactRow.afghan_side, else_=-1)), else_=-1)
    kind = case(kinds, value=FactRow.kind, else_=len(kinds) - 1)
    tone = case(
        (FactRow.tone > TONE_MAX, TONE_MAX), (FactRow.tone < TONE_MIN, TONE_MIN), else_=FactRow.tone
    )
    query = select(
        FactRow.id,
        func.coalesce(FactRow.year, NO_YEAR) * TIME_BASE
        + func.coalesce(FactRow.month, 0) * 100
        + func.coalesce(FactRow.day, 0),
        func.coalesce(FactRow.end_year, NO_YEAR),
        (side + 1) * CODE_SIDE_BASE + kind * CODE_KIND_BASE + tone + CODE_TONE_OFFSET,
    ).order_by(FactRow.id)
    result = session.connection().execute(query)
    for rows in result.partitions(batch_size):
        ids, times, end_years, codes = zip(*rows, strict=True)
        yield FactOrderBatch(ids, times, end_years, codes)


def count_links_per_partner(session: Session) -> list[tuple[str, int]]:
    """How many facts name each actor, in actor-code order (the order of the link ids)."""
    query = (
        select(FactPartnerRow.actor_code, func.count())
        .group_by(FactPartnerRow.actor_code)
        .order_by(FactPartnerRow.actor_code)
    )
    return [(code, count) for code, count in session.execute(query)]


def iter_link_fact_ids(session: Session, batch_size: int = 50_000) -> Iterator[Sequence[str]]:
    """The id of every (partner, fact) link, partner-major by actor code, then fact id.

    The order of the ``(actor_code, fact_id)`` index, so SQLite reads it without sorting.
    """
    query = select(FactPartnerRow.fact_id).order_by(
        FactPartnerRow.actor_code, FactPartnerRow.fact_id
    )
    yield from session.connection().execute(query).scalars().partitions(batch_size)


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
