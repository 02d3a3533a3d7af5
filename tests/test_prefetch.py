"""YearPrefetch: every year's map colours and list rows worked out while idle, the same
as a year change works them out."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import Engine

from afgui.services.measures import ViewSide
from afgui.ui import map_panel, partner_list
from afgui.ui.prefetch import YearPrefetch, years_nearest_first
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
