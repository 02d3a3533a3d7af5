"""The catalogue's facts nearest a year: the detail pane's timeline without loading all.

``Catalog.facts_near`` must give exactly the slice of ``facts_of`` that the pane used to
cut itself (centred on the end of the year, clamped at the ends), from the per-partner
index (``afgui.services.fact_index``) whether that was built or loaded from disk.
"""

from __future__ import annotations

import bisect

from sqlalchemy import Engine

from afgui.domain.model import Fact
from afgui.services.catalog import Catalog


def _expected(facts: list[Fact], year: int, limit: int) -> tuple[list[Fact], int]:
    position = bisect.bisect_right(facts, (year, 99, 99), key=lambda fact: fact.date.sort_key)
    start = max(0, min(position - limit // 2, len(facts) - limit))
    return facts[start : start + limit], start


def test_facts_near_is_the_slice_of_all_facts_nearest_the_year(fixture_engine: Engine) -> None:
    reference = Catalog(fixture_engine)
    codes = [code for code, count in reference.fact_counts().items() if count]
    assert codes
    checked = 0
    for code in codes:
        facts = reference.facts_of(code)
        dated = [fact.date.year for fact in facts if fact.date.year is not None]
        years = range(min(dated, default=2000) - 3, max(dated, default=2000) + 4)
        for limit in (1, 2, 3, 5, 150):
            # One catalogue per sweep, so the same window again comes from the kept one.
            catalog = Catalog(fixture_engine)
            for year in [*years, *reversed(years)]:
                window = catalog.facts_near(code, year, limit)
                shown, start = _expected(facts, year, limit)
                assert list(window.facts) == shown, (code, year, limit)
                assert (window.start, window.total) == (start, len(facts))
                assert window.first_year == min(dated, default=None)
                assert window.last_year == max(dated, default=None)
                checked += 1
    assert checked > 100


def test_unknown_partner_has_an_empty_window(fixture_engine: Engine) -> None:
    window = Catalog(fixture_engine).facts_near("NOPE", 2001, 150)
    assert (window.facts, window.start, window.total) == ((), 0, 0)
    assert (window.first_year, window.last_year) == (None, None)


def test_event_years_are_the_years_facts_begin(fixture_engine: Engine) -> None:
    catalog = Catalog(fixture_engine)
    codes = [code for code, count in catalog.fact_counts().items() if count]
    for code in codes:
        expected = sorted({f.date.year for f in catalog.facts_of(code) if f.date.year is not None})
        assert catalog.event_years(code) == tuple(expected)
        # Kept with the timeline's window of the same partner, which stays right.
        window = catalog.facts_near(code, 2001, 2)
        assert list(window.facts) == _expected(catalog.facts_of(code), 2001, 2)[0]
        assert catalog.event_years(code) == tuple(expected)
