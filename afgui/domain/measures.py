"""Relation strength and diplomatic status: the pure computation behind the map colours.

The strength of Afghanistan's relation with a partner in a year, seen from one Afghan side,
is built from the curated facts in four steps (``docs/methodology.md`` explains each in
plain words, with a worked example):

1. **Weight.** Each fact's kind is read as the CAMEO (or WEIS) event category it belongs
   to, and takes that category's value on Goldstein's conflict-cooperation scale. The
   curator's tone says which way the event went for Afghanistan, so each kind has two
   categories: one for a cooperative reading (tone > 0) and one for a conflictual reading
   (tone < 0). A neutral tone uses the cooperative category with a factor of zero.
2. **Tone factor.** ``|tone| / 2``: a close or hostile fact (±2) counts in full, a cordial
   or strained one (±1) half, a neutral one (0) not at all, though it still shows that
   something is known.
3. **Decay.** A fact counts ``0.5 ** (age / HALF_LIFE_YEARS)`` of its weight ``age`` years
   later, so a year without events shows the standing relation, fading towards neutral.
   A fact dated by a span is spread evenly over the span's years (an open span runs to the
   last year covered): each year carries ``1/n`` of the fact and decays from that year on.
4. **Scale.** The raw sum ``S`` of the decayed contributions is squashed into
   ``SCALE_MIN..SCALE_MAX`` by ``10 · tanh(S / 10)``, which keeps the order of partners and
   is nearly the identity for small sums. Each fact's reported contribution is its raw
   contribution times ``value / S``, so the contributions always add up to the value.

Only direct facts count: dated, not third-party, with an Afghan side in the view, not a
second report of an event another fact already records (``same_event_as``), and not a
cumulative total ("total aid reached $2 billion"), which restates aid given over the years
before it rather than being an event of its date. No counted fact at or before a year
means *no data* (``None``), which is not the neutral 0.

Weights: Goldstein, J. S. (1992) "A Conflict-Cooperation Scale for WEIS Events Data",
Journal of Conflict Resolution 36(2):369-385; CAMEO codebook (Schrodt, P. A., 2012,
"CAMEO Conflict and Mediation Event Observations Event and Actor Codebook", version
1.1b3), whose event codes carry Goldstein values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from afgui.domain.model import Fact, FactDate
from afgui.domain.vocab import TONE_MAX, TONE_MIN, AfghanSide, AmountKind, FactKind

SCALE_MIN = -10.0
SCALE_MAX = 10.0
HALF_LIFE_YEARS = 5.0


class ViewSide(StrEnum):
    """Whose relations the measures describe.

    ``government`` counts facts of the Kabul governments' track and facts in which both
    tracks took part; ``taliban`` the Taliban's track and the shared facts; ``both`` pools
    every Afghan side (government, taliban, both), each fact once.
    """

    GOVERNMENT = "government"
    TALIBAN = "taliban"
    BOTH = "both"


VIEW_SIDES: Mapping[ViewSide, frozenset[AfghanSide]] = MappingProxyType(
    {
        ViewSide.GOVERNMENT: frozenset({AfghanSide.GOVERNMENT, AfghanSide.BOTH}),
        ViewSide.TALIBAN: frozenset({AfghanSide.TALIBAN, AfghanSide.BOTH}),
        ViewSide.BOTH: frozenset({AfghanSide.GOVERNMENT, AfghanSide.TALIBAN, AfghanSide.BOTH}),
    }
)


class DiplomaticStatus(StrEnum):
    # Known facts, but none that makes or shows diplomatic ties: not a claim that there
    # were no relations, which the sources seldom state.
    NONE_RECORDED = "none recorded"
    RELATIONS = "relations"
    RECOGNITION = "recognition"
    EMBASSY_OPEN = "embassy open"
    EMBASSY_CLOSED = "embassy closed"
    RELATIONS_BROKEN = "relations broken"
    HOSTILITIES = "hostilities"


@dataclass(frozen=True, slots=True)
class EventWeight:
    """A Goldstein value and the event category it belongs to (``CAMEO 054``, ``WEIS``)."""

    value: float
    code: str
    label: str

    def __str__(self) -> str:
        return f"{self.code} {self.label} ({self.value:+.1f})"


# Used where a kind is read against its usual direction (a strained visit, a cordial
# conflict): the root categories of cooperative diplomacy and of disapproval.
COOPERATION = EventWeight(3.5, "CAMEO 050", "engage in diplomatic cooperation")
DISAPPROVAL = EventWeight(-2.0, "CAMEO 110", "disapprove")

# Per kind: (cooperative reading, conflictual reading).
WEIGHTS: Mapping[FactKind, tuple[EventWeight, EventWeight]] = MappingProxyType(
    {
        FactKind.RECOGNITION: (
            EventWeight(6.0, "CAMEO 054", "grant diplomatic recognition"),
            EventWeight(-4.0, "CAMEO 161", "reduce or break diplomatic relations"),
        ),
        FactKind.RELATIONS_ESTABLISHED: (
            EventWeight(6.0, "CAMEO 054", "grant diplomatic recognition"),
            EventWeight(-4.0, "CAMEO 161", "reduce or break diplomatic relations"),
        ),
        FactKind.RELATIONS_BROKEN: (
            COOPERATION,
            EventWeight(-7.0, "WEIS", "break diplomatic relations"),
        ),
        FactKind.EMBASSY_OPENED: (COOPERATION, DISAPPROVAL),
        FactKind.EMBASSY_CLOSED: (
            COOPERATION,
            EventWeight(-4.0, "CAMEO 161", "reduce or break diplomatic relations"),
        ),
        FactKind.VISIT: (EventWeight(1.9, "CAMEO 042", "make a visit"), DISAPPROVAL),
        FactKind.MEETING: (EventWeight(1.0, "CAMEO 040", "consult"), DISAPPROVAL),
        FactKind.CONFERENCE: (
            EventWeight(2.5, "CAMEO 044", "meet at a third location"),
            DISAPPROVAL,
        ),
        FactKind.AGREEMENT: (EventWeight(8.0, "CAMEO 057", "sign formal agreement"), DISAPPROVAL),
        FactKind.TREATY: (EventWeight(8.0, "CAMEO 057", "sign formal agreement"), DISAPPROVAL),
        FactKind.AID_PLEDGE: (
            EventWeight(5.2, "CAMEO 033", "express intent to provide material aid"),
            DISAPPROVAL,
        ),
        FactKind.AID_DELIVERED: (
            EventWeight(7.4, "CAMEO 071", "provide economic aid"),
            DISAPPROVAL,
        ),
        FactKind.MILITARY_AID: (
            EventWeight(8.3, "CAMEO 072", "provide military aid"),
            DISAPPROVAL,
        ),
        FactKind.MILITARY_COOPERATION: (
            EventWeight(7.4, "CAMEO 062", "cooperate militarily"),
            DISAPPROVAL,
        ),
        FactKind.TRADE: (EventWeight(6.4, "CAMEO 061", "cooperate economically"), DISAPPROVAL),
        FactKind.CONFLICT: (
            COOPERATION,
            EventWeight(-10.0, "CAMEO 190", "use conventional military force"),
        ),
        FactKind.SANCTIONS: (
            COOPERATION,
            EventWeight(-8.0, "CAMEO 163", "impose embargo, boycott, or sanctions"),
        ),
        FactKind.STATEMENT: (
            EventWeight(3.4, "CAMEO 051", "praise or endorse"),
            EventWeight(-2.0, "CAMEO 111", "criticize or denounce"),
        ),
        FactKind.WITHDRAWAL: (
            EventWeight(9.0, "CAMEO 087", "de-escalate military engagement"),
            EventWeight(-7.0, "CAMEO 166", "expel or withdraw"),
        ),
        FactKind.OTHER: (COOPERATION, DISAPPROVAL),
    }
)


def event_weight(kind: FactKind, tone: int) -> EventWeight:
    """The Goldstein category of a fact of ``kind``, read in the direction of ``tone``."""
    cooperative, conflictual = WEIGHTS[kind]
    return conflictual if tone < 0 else cooperative


def tone_factor(tone: int) -> float:
    """How strongly the fact counts: ±2 in full, ±1 half, 0 not at all."""
    return abs(max(TONE_MIN, min(TONE_MAX, tone))) / TONE_MAX


def decay(age: float) -> float:
    """The share of its weight a fact keeps ``age`` years later (0 before it happened)."""
    if age < 0:
        return 0.0
    return float(0.5 ** (age / HALF_LIFE_YEARS))


DECAY_PER_YEAR = decay(1)


def squash(raw: float) -> float:
    """The raw sum on the bounded scale: ``10 · tanh(raw / 10)``."""
    return SCALE_MAX * math.tanh(raw / SCALE_MAX)


def scale_factor(raw: float) -> float:
    """``squash(raw) / raw``: what every raw contribution is multiplied by (1 at raw = 0)."""
    if raw == 0:
        return 1.0
    return squash(raw) / raw


def fact_years(date: FactDate, last_year: int) -> tuple[int, int] | None:
    """The first and last year a fact is spread over; None for an unknown date."""
    if date.year is None:
        return None
    end = date.end_year if date.end_year is not None else last_year
    return date.year, max(date.year, end)


def spread_decay(start: int, end: int, year: int) -> float:
    """The decay of a fact spread evenly over ``start..end``, seen from ``year``.

    Each year ``s`` of the span carries ``1/n`` of the fact and keeps ``decay(year - s)``
    of it; years after ``year`` do not count yet. For a point in time (``start == end``)
    this is plain ``decay(year - start)``.
    """
    if year < start:
        return 0.0
    span = end - start + 1
    return math.fsum(decay(year - s) for s in range(start, min(end, year) + 1)) / span


def is_cumulative_total(fact: Fact) -> bool:
    """Whether the fact reports a cumulative total of aid, not a new package."""
    return fact.amount is not None and fact.amount.kind is AmountKind.CUMULATIVE_TOTAL


def counts_toward(fact: Fact, side: ViewSide) -> bool:
    """Whether a fact counts in the measures of ``side`` (see the module docstring)."""
    return (
        fact.date.year is not None
        and not fact.third_party
        and fact.same_event_as is None
        and not is_cumulative_total(fact)
        and fact.afghan_side in VIEW_SIDES[side]
    )


@dataclass(frozen=True, slots=True)
class Contribution:
    """One fact's share of a value: ``weight × tone_factor × decay``, scaled to the value.

    ``age`` is the number of years from the fact's (first) year to the year explained;
    ``decay`` is the share it keeps (for a span, averaged over the span's years).
    ``contribution`` is ``weight × tone_factor × decay × scale_factor(raw total)``.
    """

    fact: Fact
    weight: float
    tone_factor: float
    age: int
    decay: float
    contribution: float

    @property
    def raw(self) -> float:
        """The contribution before the whole sum is squashed into the scale."""
        return self.weight * self.tone_factor * self.decay


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a partner has the value it has in a year, seen from one side."""

    partner: str
    year: int
    side: ViewSide
    value: float | None
    status: DiplomaticStatus | None
    contributions: tuple[Contribution, ...]

    @property
    def raw_total(self) -> float:
        return math.fsum(c.raw for c in self.contributions)

    @property
    def scale_factor(self) -> float:
        return scale_factor(self.raw_total)


@dataclass(frozen=True, slots=True)
class StrengthCell:
    """The value (None = no data) and the diplomatic status of a partner in one year."""

    value: float | None
    status: DiplomaticStatus | None


@dataclass(frozen=True, slots=True)
class AidPoint:
    """One aid figure as the source gives it; cumulative totals are never summed."""

    year: int
    amount: float
    currency: str
    amount_kind: AmountKind
    fact_id: str
    approximate: bool
    price_basis: str = "current"


def explain_strength(
    facts: Iterable[Fact], year: int, side: ViewSide, last_year: int
) -> tuple[float | None, tuple[Contribution, ...]]:
    """The value in ``year`` and each counted fact's contribution to it.

    This is the reference computation, fact by fact; the service's cube computes the same
    values for every partner and year at once.
    """
    raw_parts: list[tuple[Fact, EventWeight, float, int, float]] = []
    for fact in facts:
        if not counts_toward(fact, side):
            continue
        years = fact_years(fact.date, last_year)
        if years is None or years[0] > year:
            continue
        start, end = years
        raw_parts.append(
            (
                fact,
                event_weight(fact.kind, fact.tone),
                tone_factor(fact.tone),
                year - start,
                spread_decay(start, end, year),
            )
        )
    if not raw_parts:
        return None, ()
    raw_total = math.fsum(w.value * tf * d for _, w, tf, _, d in raw_parts)
    factor = scale_factor(raw_total)
    contributions = tuple(
        Contribution(fact, w.value, tf, age, d, w.value * tf * d * factor)
        for fact, w, tf, age, d in raw_parts
    )
    return squash(raw_total), contributions


# --- diplomatic status ---------------------------------------------------------------

FORMAL_STATUS: Mapping[FactKind, DiplomaticStatus] = MappingProxyType(
    {
        FactKind.RELATIONS_ESTABLISHED: DiplomaticStatus.RELATIONS,
        FactKind.RECOGNITION: DiplomaticStatus.RECOGNITION,
        FactKind.EMBASSY_OPENED: DiplomaticStatus.EMBASSY_OPEN,
        FactKind.EMBASSY_CLOSED: DiplomaticStatus.EMBASSY_CLOSED,
        FactKind.RELATIONS_BROKEN: DiplomaticStatus.RELATIONS_BROKEN,
    }
)
# Two formal events on the same date sort in this order, the last one winning.
FORMAL_RANK: Mapping[FactKind, int] = MappingProxyType(
    {kind: rank for rank, kind in enumerate(FORMAL_STATUS)}
)

# Kinds that show the two sides deal with each other officially, when the tone is not
# negative: before any formal event, they make the status "relations".
DEALING_KINDS: frozenset[FactKind] = frozenset(
    {
        FactKind.VISIT,
        FactKind.MEETING,
        FactKind.CONFERENCE,
        FactKind.AGREEMENT,
        FactKind.TREATY,
        FactKind.AID_PLEDGE,
        FactKind.AID_DELIVERED,
        FactKind.MILITARY_AID,
        FactKind.MILITARY_COOPERATION,
        FactKind.TRADE,
    }
)


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """What the status needs of a counted fact (or of a group of identical ones).

    ``order`` places it within its first year (``month * 100 + day``, 0 when unknown).
    """

    start: int
    end: int
    order: int
    kind: FactKind
    tone: int

    @property
    def is_formal(self) -> bool:
        return self.kind in FORMAL_STATUS

    @property
    def is_hostile(self) -> bool:
        return self.kind is FactKind.CONFLICT and self.tone <= TONE_MIN

    @property
    def is_dealing(self) -> bool:
        return self.kind in DEALING_KINDS and self.tone >= 0


def status_event(fact: Fact, last_year: int) -> StatusEvent | None:
    years = fact_years(fact.date, last_year)
    if years is None:
        return None
    order = (fact.date.month or 0) * 100 + (fact.date.day or 0)
    return StatusEvent(years[0], years[1], order, fact.kind, fact.tone)


def status_series(
    events: Iterable[StatusEvent], first_year: int, last_year: int
) -> list[DiplomaticStatus | None]:
    """The status in each year ``first_year..last_year`` from a partner's counted facts.

    - no counted fact yet: None (nothing known);
    - a year covered by a hostile (tone −2) conflict: hostilities;
    - otherwise the latest formal event so far decides (relations established, recognition,
      embassy opened or closed, relations broken), dated by its first year;
    - with no formal event yet: relations once the two have dealt with each other (a
      visit, meeting, agreement, aid … with a tone of 0 or more), else none recorded.
    """
    count = last_year - first_year + 1
    hostile = [False] * count
    formal: list[tuple[int, int, int, DiplomaticStatus]] = []
    first_data: int | None = None
    first_dealing: int | None = None
    for event in events:
        first_data = event.start if first_data is None else min(first_data, event.start)
        if event.is_dealing:
            first_dealing = (
                event.start if first_dealing is None else min(first_dealing, event.start)
            )
        if event.is_formal:
            status = FORMAL_STATUS[event.kind]
            formal.append((event.start, event.order, FORMAL_RANK[event.kind], status))
        if event.is_hostile:
            for year in range(max(event.start, first_year), min(event.end, last_year) + 1):
                hostile[year - first_year] = True
    formal.sort(key=lambda item: item[:3])
    series: list[DiplomaticStatus | None] = []
    current: DiplomaticStatus | None = None
    position = 0
    for index in range(count):
        year = first_year + index
        while position < len(formal) and formal[position][0] <= year:
            current = formal[position][3]
            position += 1
        if first_data is None or year < first_data:
            series.append(None)
        elif hostile[index]:
            series.append(DiplomaticStatus.HOSTILITIES)
        elif current is not None:
            series.append(current)
        elif first_dealing is not None and first_dealing <= year:
            series.append(DiplomaticStatus.RELATIONS)
        else:
            series.append(DiplomaticStatus.NONE_RECORDED)
    return series


def status_in(
    facts: Iterable[Fact], year: int, side: ViewSide, last_year: int
) -> DiplomaticStatus | None:
    """The status in one year from a partner's facts (the reference computation)."""
    events = [
        event
        for fact in facts
        if counts_toward(fact, side) and (event := status_event(fact, last_year)) is not None
    ]
    first = min([event.start for event in events] + [year])
    return status_series(events, first, year)[-1]


def aid_points(facts: Sequence[Fact], partner: str) -> tuple[AidPoint, ...]:
    """The aid figures whose principal partner is ``partner``, in time order.

    A figure is attributed to the principal partner only, so a joint figure is not counted
    once per donor; undated figures and second reports of one event are left out.
    """
    points = [
        AidPoint(
            year=fact.date.year,
            amount=fact.amount.value,
            currency=fact.amount.currency,
            amount_kind=fact.amount.kind,
            fact_id=fact.id,
            approximate=fact.amount.approximate,
            price_basis=fact.amount.price_basis,
        )
        for fact in facts
        if fact.amount is not None
        and fact.date.year is not None
        and fact.partners[:1] == (partner,)
        and fact.same_event_as is None
    ]
    kinds = list(AmountKind)
    return tuple(sorted(points, key=lambda p: (p.year, kinds.index(p.amount_kind), p.fact_id)))
