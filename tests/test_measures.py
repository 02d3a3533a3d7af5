"""Relation strength and status, fact by fact (afgui.domain.measures): hand-computed values
on small made-up facts, and properties with hypothesis."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from afgui.domain.measures import (
    HALF_LIFE_YEARS,
    SCALE_MAX,
    SCALE_MIN,
    WEIGHTS,
    DiplomaticStatus,
    StatusEvent,
    ViewSide,
    aid_points,
    counts_toward,
    decay,
    event_weight,
    explain_strength,
    spread_decay,
    squash,
    status_in,
    status_series,
    tone_factor,
)
from afgui.domain.model import Amount, Citation, Fact, FactDate
from afgui.domain.vocab import (
    TONE_MAX,
    TONE_MIN,
    AfghanSide,
    AmountKind,
    DatePrecision,
    FactKind,
)

LAST = 2021
GOV, TAL, BOTH = ViewSide.GOVERNMENT, ViewSide.TALIBAN, ViewSide.BOTH


def _date(text: str) -> FactDate:
    if text == "unknown":
        return FactDate(DatePrecision.UNKNOWN)
    if "/" in text:
        start, end = text.split("/")
        return FactDate(DatePrecision.SPAN, int(start), end_year=None if end == ".." else int(end))
    parts = [int(part) for part in text.split("-")]
    precision = (DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY)[len(parts) - 1]
    month = parts[1] if len(parts) > 1 else None
    day = parts[2] if len(parts) > 2 else None
    return FactDate(precision, parts[0], month, day, end_year=parts[0])


def fact(
    fact_id: str,
    kind: FactKind,
    date: str,
    tone: int,
    side: AfghanSide = AfghanSide.GOVERNMENT,
    *,
    partners: tuple[str, ...] = ("PAK",),
    third_party: bool = False,
    amount: Amount | None = None,
    same_event_as: str | None = None,
) -> Fact:
    return Fact(
        id=fact_id,
        partners=partners,
        kind=kind,
        afghan_side=side,
        date=_date(date),
        tone=tone,
        summary=fact_id,
        citation=Citation("measures", fact_id),
        amount=amount,
        third_party=third_party,
        same_event_as=same_event_as,
    )


RECOGNITION = fact("pak-1990-recognition", FactKind.RECOGNITION, "1990", 2)
BREAK = fact("pak-1993-break", FactKind.RELATIONS_BROKEN, "1993-03", -2)


def value(facts: list[Fact], year: int, side: ViewSide = GOV) -> float | None:
    return explain_strength(facts, year, side, LAST)[0]


# --- the pieces -----------------------------------------------------------------------


def test_weights_are_the_published_goldstein_values() -> None:
    assert event_weight(FactKind.RECOGNITION, 2).value == 6.0
    assert event_weight(FactKind.AGREEMENT, 1).value == 8.0
    assert event_weight(FactKind.AID_DELIVERED, 1).value == 7.4
    assert event_weight(FactKind.MILITARY_AID, 2).value == 8.3
    assert event_weight(FactKind.VISIT, 1).value == 1.9
    assert event_weight(FactKind.RELATIONS_BROKEN, -2).value == -7.0
    assert event_weight(FactKind.EMBASSY_CLOSED, -1).value == -4.0
    assert event_weight(FactKind.SANCTIONS, -1).value == -8.0
    assert event_weight(FactKind.CONFLICT, -2).value == -10.0
    # The tone picks the reading: praise for a cordial statement, criticism for a strained one.
    assert event_weight(FactKind.STATEMENT, 1).value == 3.4
    assert event_weight(FactKind.STATEMENT, -1).value == -2.0
    assert set(WEIGHTS) == set(FactKind)
    for cooperative, conflictual in WEIGHTS.values():
        assert 0 < cooperative.value <= SCALE_MAX and SCALE_MIN <= conflictual.value < 0


def test_tone_factor_decay_and_scale() -> None:
    assert [tone_factor(t) for t in range(TONE_MIN, TONE_MAX + 1)] == [1, 0.5, 0, 0.5, 1]
    assert decay(0) == 1 and decay(HALF_LIFE_YEARS) == pytest.approx(0.5)
    assert decay(2 * HALF_LIFE_YEARS) == pytest.approx(0.25) and decay(-1) == 0
    assert squash(0) == 0 and squash(6.0) == pytest.approx(10 * math.tanh(0.6))
    assert squash(-1e6) == SCALE_MIN and squash(1e6) == SCALE_MAX


def test_spread_decay_over_a_span() -> None:
    # 1990/1994 seen from 1992: three of five yearly slices have happened.
    expected = (decay(2) + decay(1) + decay(0)) / 5
    assert spread_decay(1990, 1994, 1992) == pytest.approx(expected)
    assert spread_decay(1990, 1990, 1995) == decay(5)
    assert spread_decay(1990, 1994, 1989) == 0


# --- hand-computed values -------------------------------------------------------------


def test_recognition_then_break() -> None:
    facts = [RECOGNITION, BREAK]
    assert value(facts, 1989) is None
    assert value(facts, 1990) == pytest.approx(10 * math.tanh(0.6))  # 6.0 × 1 × 1
    raw_1992 = 6.0 * 0.5 ** (2 / 5)
    assert value(facts, 1992) == pytest.approx(10 * math.tanh(raw_1992 / 10))
    raw_1993 = 6.0 * 0.5 ** (3 / 5) - 7.0  # = -3.0415
    assert raw_1993 == pytest.approx(-3.041477, abs=1e-6)
    assert value(facts, 1993) == pytest.approx(10 * math.tanh(raw_1993 / 10))
    # Ten years on, the break has faded but the standing value is still there, not zero.
    raw_2003 = 6.0 * 0.5 ** (13 / 5) - 7.0 * 0.5 ** (10 / 5)
    assert value(facts, 2003) == pytest.approx(10 * math.tanh(raw_2003 / 10))
    statuses = [status_in(facts, year, GOV, LAST) for year in (1989, 1990, 1992, 1993, 2003)]
    assert statuses == [
        None,
        DiplomaticStatus.RECOGNITION,
        DiplomaticStatus.RECOGNITION,
        DiplomaticStatus.RELATIONS_BROKEN,
        DiplomaticStatus.RELATIONS_BROKEN,
    ]


def test_contributions_are_explained_and_sum_to_the_value() -> None:
    total, contributions = explain_strength([RECOGNITION, BREAK], 1993, GOV, LAST)
    assert total is not None
    recognition, broken = contributions
    assert (recognition.weight, recognition.tone_factor, recognition.age) == (6.0, 1.0, 3)
    assert recognition.decay == pytest.approx(0.5 ** (3 / 5))
    assert (broken.weight, broken.tone_factor, broken.age, broken.decay) == (-7.0, 1.0, 0, 1.0)
    factor = total / (6.0 * 0.5 ** (3 / 5) - 7.0)
    assert recognition.contribution == pytest.approx(recognition.raw * factor)
    assert math.fsum(c.contribution for c in contributions) == pytest.approx(total)


def test_two_sides_in_one_year() -> None:
    taliban = fact("pak-1997-taliban", FactKind.RECOGNITION, "1997-05-25", 2, AfghanSide.TALIBAN)
    criticism = fact("pak-1997-criticism", FactKind.STATEMENT, "1997", -1)
    facts = [RECOGNITION, BREAK, taliban, criticism]
    raw_gov = 6.0 * 0.5 ** (7 / 5) - 7.0 * 0.5 ** (4 / 5) - 2.0 * 0.5
    assert raw_gov == pytest.approx(-2.746869, abs=1e-6)
    assert value(facts, 1997, GOV) == pytest.approx(10 * math.tanh(raw_gov / 10))
    assert value(facts, 1997, TAL) == pytest.approx(10 * math.tanh(0.6))
    assert value(facts, 1997, BOTH) == pytest.approx(10 * math.tanh((raw_gov + 6.0) / 10))
    assert value(facts, 1996, TAL) is None
    assert status_in(facts, 1997, GOV, LAST) is DiplomaticStatus.RELATIONS_BROKEN
    assert status_in(facts, 1997, TAL, LAST) is DiplomaticStatus.RECOGNITION


def test_a_fact_of_both_sides_counts_in_each_view_once() -> None:
    shared = fact("un-2000-talks", FactKind.MEETING, "2000", 2, AfghanSide.BOTH, partners=("UN",))
    for side in ViewSide:
        assert value([shared], 2000, side) == pytest.approx(10 * math.tanh(0.1))


def test_neutral_is_a_value_and_no_data_is_none() -> None:
    neutral = fact("un-2000-neutral", FactKind.MEETING, "2000", 0, AfghanSide.BOTH)
    assert value([neutral], 1999) is None
    assert value([neutral], 2000) == 0.0
    assert status_in([neutral], 2000, GOV, LAST) is DiplomaticStatus.RELATIONS


def test_facts_that_do_not_count() -> None:
    undated = fact("usa-undated", FactKind.STATEMENT, "unknown", -2)
    third = fact("gbr-1990-talks", FactKind.MEETING, "1990", 2, AfghanSide.NONE, third_party=True)
    nobody = fact("usa-1990-report", FactKind.STATEMENT, "1990", -1, AfghanSide.NONE)
    second = fact("pak-1990-again", FactKind.RECOGNITION, "1990", 2, same_event_as=RECOGNITION.id)
    for year in (1990, 2000):
        assert value([undated, third, nobody, second], year) is None
    assert value([RECOGNITION, second], 1990) == value([RECOGNITION], 1990)


def test_a_span_is_spread_over_its_years() -> None:
    programme = fact("usa-1990-programme", FactKind.AID_DELIVERED, "1990/1994", 2)
    slice_ = 7.4 / 5
    d = 0.5 ** (1 / 5)
    assert value([programme], 1990) == pytest.approx(10 * math.tanh(slice_ / 10))
    raw_1994 = slice_ * sum(d**k for k in range(5))
    assert value([programme], 1994) == pytest.approx(10 * math.tanh(raw_1994 / 10))
    raw_1999 = slice_ * sum(d**k for k in range(5, 10))
    assert value([programme], 1999) == pytest.approx(10 * math.tanh(raw_1999 / 10))
    _, (contribution,) = explain_strength([programme], 1999, GOV, LAST)
    assert contribution.age == 9 and contribution.raw == pytest.approx(raw_1999)


def test_an_open_span_runs_to_the_last_year() -> None:
    since = fact("ind-2001-consulates", FactKind.EMBASSY_OPENED, "2001/..", 1)
    _, (contribution,) = explain_strength([since], 2001, GOV, 2010)
    assert contribution.decay == pytest.approx(1 / 10)


def test_hostilities_only_while_a_hostile_conflict_lasts() -> None:
    invasion = fact("sun-1979-invasion", FactKind.CONFLICT, "1979-12", -2, partners=("SUN",))
    limited = fact("irn-1980-limited-help", FactKind.CONFLICT, "1980/1982", -1)
    assert status_in([invasion], 1979, GOV, LAST) is DiplomaticStatus.HOSTILITIES
    assert status_in([invasion], 1980, GOV, LAST) is DiplomaticStatus.NONE_RECORDED
    assert status_in([limited], 1981, GOV, LAST) is DiplomaticStatus.NONE_RECORDED
    assert value([invasion], 1979) == pytest.approx(10 * math.tanh(-1.0))


def test_formal_events_in_one_year_follow_their_dates() -> None:
    opened = StatusEvent(2001, 2001, 300, FactKind.EMBASSY_OPENED, 1)
    closed = StatusEvent(2001, 2001, 1200, FactKind.EMBASSY_CLOSED, -1)
    established = StatusEvent(1931, 1931, 0, FactKind.RELATIONS_ESTABLISHED, 1)
    series = status_series([closed, opened, established], 1930, 2002)
    assert series[0] is None
    assert series[1] is DiplomaticStatus.RELATIONS
    assert series[-2:] == [DiplomaticStatus.EMBASSY_CLOSED] * 2


def _package_and_total() -> tuple[Fact, Fact]:
    """A $500 million package and the $2 billion cumulative total that includes it."""
    package = fact(
        "jpn-2002-package",
        FactKind.AID_PLEDGE,
        "2002",
        2,
        partners=("JPN",),
        amount=Amount(5e8, "USD", AmountKind.COMMITMENT),
    )
    total = fact(
        "jpn-2002-total",
        FactKind.AID_PLEDGE,
        "2002",
        2,
        partners=("JPN",),
        amount=Amount(2e9, "USD", AmountKind.CUMULATIVE_TOTAL),
    )
    return package, total


def test_aid_points_keep_totals_apart_from_packages() -> None:
    package, total = _package_and_total()
    joint = fact(
        "usa-2002-joint",
        FactKind.AID_PLEDGE,
        "2002",
        1,
        partners=("USA", "JPN"),
        amount=Amount(1e8, "USD", AmountKind.PLEDGE, approximate=True),
    )
    without = fact("jpn-2003-aid", FactKind.AID_DELIVERED, "2003", 1, partners=("JPN",))
    points = aid_points([package, total, joint, without], "JPN")
    assert [(p.year, p.amount, p.amount_kind) for p in points] == [
        (2002, 5e8, AmountKind.COMMITMENT),
        (2002, 2e9, AmountKind.CUMULATIVE_TOTAL),
    ]
    assert [p.fact_id for p in aid_points([joint], "USA")] == ["usa-2002-joint"]
    # The fact without a figure is an event in the strength, not zero dollars.
    assert value([package, total, without], 2003) is not None


# --- properties -----------------------------------------------------------------------

_KINDS = st.sampled_from(list(FactKind))
_SIDES = st.sampled_from(list(AfghanSide))


@st.composite
def facts_strategy(draw: st.DrawFn) -> list[Fact]:
    count = draw(st.integers(min_value=0, max_value=12))
    facts = []
    for index in range(count):
        start = draw(st.integers(min_value=1900, max_value=2020))
        shape = draw(st.sampled_from(["year", "span", "open", "unknown"]))
        if shape == "year":
            date = str(start)
        elif shape == "span":
            date = f"{start}/{start + draw(st.integers(min_value=0, max_value=30))}"
        elif shape == "open":
            date = f"{start}/.."
        else:
            date = "unknown"
        facts.append(
            fact(
                f"f-{index}",
                draw(_KINDS),
                date,
                draw(st.integers(min_value=TONE_MIN, max_value=TONE_MAX)),
                draw(_SIDES),
                third_party=draw(st.booleans()),
            )
        )
    return facts


@settings(max_examples=200, deadline=None)
@given(facts=facts_strategy(), year=st.integers(min_value=1890, max_value=LAST), side=_SIDES)
def test_contributions_sum_to_a_value_in_range(
    facts: list[Fact], year: int, side: AfghanSide
) -> None:
    view = ViewSide.BOTH if side is AfghanSide.NONE else ViewSide(side.value)
    total, contributions = explain_strength(facts, year, view, LAST)
    if total is None:
        assert contributions == ()
        return
    assert SCALE_MIN <= total <= SCALE_MAX
    assert math.fsum(c.contribution for c in contributions) == pytest.approx(total, abs=1e-9)
    for c in contributions:
        assert c.age >= 0 and 0 < c.decay <= 1 and 0 <= c.tone_factor <= 1


@settings(max_examples=200, deadline=None)
@given(facts=facts_strategy(), side=st.sampled_from(list(ViewSide)))
def test_no_data_stays_no_data(facts: list[Fact], side: ViewSide) -> None:
    counted = [
        f
        for f, c in ((f, explain_strength([f], LAST, side, LAST)[0]) for f in facts)
        if c is not None
    ]
    first = min((f.date.year for f in counted if f.date.year is not None), default=None)
    for year in range(1890, LAST + 1):
        total = value(facts, year, side)
        status = status_in(facts, year, side, LAST)
        if first is None or year < first:
            assert total is None and status is None
        else:
            assert total is not None and status is not None


def test_a_cumulative_total_is_not_an_event() -> None:
    """A total ("total aid reached $2 billion") restates the aid of the years before: it
    is shown as a figure but counts neither in the strength nor in the status."""
    package, total = _package_and_total()
    assert counts_toward(package, GOV)
    assert not counts_toward(total, GOV)
    assert value([package, total], 2002) == pytest.approx(value([package], 2002))
    assert value([total], 2002) is None
    assert status_in([total], 2002, GOV, LAST) is None
    assert [p.fact_id for p in aid_points([package, total], "JPN")] == [
        "jpn-2002-package",
        "jpn-2002-total",
    ]
