"""YearPrefetch: every year's map colours and list rows worked out while idle, the same
as a year change works them out; PartnerPrefetch: every partner's explanation columns."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import Engine

from afgui.services import measures
from afgui.services.measures import ExplanationSummary, ViewSide
from afgui.ui import map_panel, partner_list
from afgui.ui.prefetch import PartnerPrefetch, YearPrefetch, years_nearest_first
from tests.window_support import make_window


def test_years_nearest_first() -> None:
    assert years_nearest_first(1990, 1996, 1993) == [1993, 1994, 1992, 1995, 1991, 1996, 1990]
    assert years_nearest_first(1990, 1992, 1990) == [1990, 1991, 1992]
    assert years_nearest_first(2000, 2000, 2000) == [2000]


def _prefetched_window(qtbot, engine: Engine):  # type: ignore[no-untyped-def]
    window = make_window(qtbot, engine, year=1985, selection="SUN")
    prefetch = YearPrefetch(
        window.state, (window.map_panel.prepare_year, window.partner_list.prepare_year), window
    )
    prefetch.start()
    qtbot.waitUntil(lambda: prefetch.done, timeout=10_000)
    return window, prefetch


def test_after_the_prefetch_a_year_change_works_nothing_out(
    qtbot, monkeypatch: pytest.MonkeyPatch, fixture_engine: Engine
) -> None:
    window, _ = _prefetched_window(qtbot, fixture_engine)
    worked_out: list[str] = []
    build = partner_list.build_rows
    fill = map_panel.MapPanel._fill_table

    def counting_build(*args, **kwargs):  # type: ignore[no-untyped-def]
        worked_out.append("rows")
        return build(*args, **kwargs)

    def counting_fill(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        worked_out.append("fills")
        return fill(self, *args, **kwargs)

    monkeypatch.setattr(partner_list, "build_rows", counting_build)
    monkeypatch.setattr(map_panel.MapPanel, "_fill_table", counting_fill)
    state = window.state
    for year in (state.first_year, 1979, 2001, state.last_year, 1950):
        state.set_year(year)
    assert worked_out == []


def test_prefetched_years_show_what_years_worked_out_on_the_spot(
    qtbot, fixture_engine: Engine
) -> None:
    window, prefetch = _prefetched_window(qtbot, fixture_engine)
    plain = make_window(qtbot, fixture_engine, year=1985, selection="SUN")
    for side in (ViewSide.GOVERNMENT, ViewSide.TALIBAN):
        for shown in (window, plain):
            shown.state.set_side(side.value)
        # A side change starts the prefetch again, for the new side.
        qtbot.waitUntil(lambda: prefetch.done, timeout=10_000)
        assert (1985, side.value) in window.map_panel._fills
        for year in (1979, 1996, 2001, 2021):
            for shown in (window, plain):
                shown.state.set_year(year)
                shown.partner_list.flush()
            assert window.partner_list.visible_rows() == plain.partner_list.visible_rows()
            ours = window.map_panel.prepare_year(year, side)
            theirs = plain.map_panel.prepare_year(year, side)
            assert all(np.array_equal(a, b) for a, b in zip(ours, theirs, strict=True))
            assert window.map_panel.drawn() == plain.map_panel.drawn()


def test_done_only_once_every_year_is_prepared_for_the_side(qtbot, fixture_engine: Engine) -> None:
    window = make_window(qtbot, fixture_engine, year=1985, selection="SUN")
    prepared: list[tuple[int, ViewSide]] = []
    prefetch = YearPrefetch(
        window.state, (lambda year, side: prepared.append((year, side)),), window
    )
    assert not prefetch.done  # not started: nothing prepared
    window.state.set_side(ViewSide.TALIBAN.value)
    assert not prefetch.done and prepared == []  # the first start is the app's
    prefetch.start()
    qtbot.waitUntil(lambda: prefetch.done, timeout=10_000)
    state = window.state
    every_year = range(state.first_year, state.last_year + 1)
    assert sorted(prepared) == [(year, ViewSide.TALIBAN) for year in every_year]
    prepared.clear()
    state.set_side(ViewSide.BOTH.value)
    assert not prefetch.done
    qtbot.waitUntil(lambda: prefetch.done, timeout=10_000)
    assert len(prepared) == len(every_year)
    assert {side for _, side in prepared} == {ViewSide.BOTH}


def test_partners_are_prepared_in_order_at_the_side_and_again_at_a_new_one(
    qtbot, fixture_engine: Engine
) -> None:
    window = make_window(qtbot, fixture_engine, year=1985, selection="SUN")
    prepared: list[tuple[str, ViewSide]] = []
    order = ["USA", "PAK", "SUN", "CHN"]
    prefetch = PartnerPrefetch(
        window.state, lambda: order, lambda code, side: prepared.append((code, side)), window
    )
    window.state.set_side(ViewSide.TALIBAN.value)
    assert not prefetch.done and prepared == []  # the first start is the app's
    prefetch.start()
    qtbot.waitUntil(lambda: prefetch.done, timeout=10_000)
    assert prepared == [(code, ViewSide.TALIBAN) for code in order]
    prepared.clear()
    window.state.set_side(ViewSide.BOTH.value)
    assert not prefetch.done
    qtbot.waitUntil(lambda: prefetch.done, timeout=10_000)
    assert prepared == [(code, ViewSide.BOTH) for code in order]


def test_prepared_explanations_are_kept_and_explain_the_same(
    qtbot, monkeypatch: pytest.MonkeyPatch, fixture_engine: Engine
) -> None:
    """After the prefetch the detail pane's explanations use the columns prepared (none
    worked out again), and they are what the columns worked out on the spot give."""
    window = make_window(qtbot, fixture_engine, year=1985, selection="SUN")
    relations = window.detail._relations
    partners = sorted(relations.partners())
    side = window.state.side
    years = range(window.state.first_year, window.state.last_year + 1)

    def explanations() -> dict[tuple[str, int], ExplanationSummary]:
        return {
            (code, year): relations.explain_largest(code, year, side, 12)
            for code in partners
            for year in years
        }

    before = explanations()
    relations._parts.clear()
    relations._parts_facts = 0
    prefetch = PartnerPrefetch(window.state, lambda: partners, relations.prepare_explanation)
    prefetch.start()
    qtbot.waitUntil(lambda: prefetch.done, timeout=10_000)
    assert set(relations._parts) == {(code, side) for code in partners}
    asked: list[str] = []
    monkeypatch.setattr(
        relations.__class__,
        "_counted_parts",
        _counting(relations.__class__._counted_parts, asked),
    )
    # Kept rather than worked out again: the kept columns answer without the index.
    index = relations._catalog.fact_index()
    monkeypatch.setattr(index.__class__, "links", _refusing)
    assert explanations() == before
    # Every partner with a value at some year was explained from its columns.
    valued = {code for (code, _), summary in before.items() if summary.explanation.value}
    assert len(valued) >= 3
    assert set(asked) == valued


def _counting(method, calls: list[str]):  # type: ignore[no-untyped-def]
    def counted(self, partner, side):  # type: ignore[no-untyped-def]
        calls.append(partner)
        return method(self, partner, side)

    return counted


def _refusing(self, partner):  # type: ignore[no-untyped-def]
    raise AssertionError(f"{partner}'s links read again")


def test_kept_explanation_columns_stay_within_their_budget(
    monkeypatch: pytest.MonkeyPatch, fixture_engine: Engine
) -> None:
    """The partners asked last are kept, up to _PARTS_KEPT_FACTS facts together (the one
    just worked out always)."""
    from afgui.services.catalog import Catalog

    relations = measures.RelationsService(fixture_engine, Catalog(fixture_engine))
    side = ViewSide.BOTH
    sizes = {code: len(relations._counted_parts(code, side).ranks) for code in relations.partners()}
    relations._parts.clear()
    relations._parts_facts = 0
    largest = max(sizes, key=lambda code: sizes[code])
    budget = sizes[largest] + 1
    monkeypatch.setattr(measures, "_PARTS_KEPT_FACTS", budget)
    for code in relations.partners():
        relations.prepare_explanation(code, side)
        kept = [partner for partner, _ in relations._parts]
        assert kept[-1] == code
        assert relations._parts_facts == sum(sizes[partner] for partner in kept)
        assert relations._parts_facts <= max(budget, sizes[code])
    relations._parts.clear()
    relations._parts_facts = 0
    monkeypatch.setattr(measures, "_PARTS_KEPT_FACTS", 0)
    first, second = sorted(code for code, size in sizes.items() if size)[:2]
    relations.prepare_explanation(first, side)
    relations.prepare_explanation(second, side)
    assert list(relations._parts) == [(second, side)]


def test_columns_made_twice_at_once_are_counted_once(fixture_engine: Engine) -> None:
    """Two threads may both miss the kept columns and make them: the second replaces the
    first, and the facts kept are counted once."""
    from collections import OrderedDict

    from afgui.services.catalog import Catalog

    class Missing(OrderedDict):  # type: ignore[type-arg]
        def get(self, key, default=None):  # type: ignore[no-untyped-def]
            return default  # as if another thread's were not in yet

    relations = measures.RelationsService(fixture_engine, Catalog(fixture_engine))
    relations._parts = Missing()
    relations._parts_facts = 0
    code = max(
        relations.partners(), key=lambda c: len(relations._counted_parts(c, ViewSide.BOTH).ranks)
    )
    relations._parts.clear()
    relations._parts_facts = 0
    for _ in range(2):
        relations.prepare_explanation(code, ViewSide.BOTH)
    assert list(relations._parts) == [(code, ViewSide.BOTH)]
    assert relations._parts_facts == len(relations._parts[code, ViewSide.BOTH].ranks) > 0
