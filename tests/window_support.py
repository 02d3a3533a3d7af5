"""Helpers for the main-window tests: services over the fixture database, a built window."""

from __future__ import annotations

from sqlalchemy import Engine

from afgui.services.catalog import Catalog
from afgui.services.measures import RelationsService, ViewSide
from afgui.ui.main_window import MainWindow
from afgui.ui.map_panel import country_names
from afgui.ui.state import AppState


def services(engine: Engine) -> tuple[Catalog, RelationsService]:
    catalog = Catalog(engine)
    return catalog, RelationsService(engine, catalog)


def make_state(
    relations: RelationsService,
    *,
    year: int,
    side: ViewSide = ViewSide.GOVERNMENT,
    selection: str = "",
) -> AppState:
    return AppState(
        relations.first_year, relations.last_year, year=year, side=side, selection=selection
    )


def make_window(
    qtbot,  # type: ignore[no-untyped-def]
    engine: Engine,
    *,
    year: int,
    side: ViewSide = ViewSide.GOVERNMENT,
    selection: str = "",
    size: tuple[int, int] = (1280, 800),
) -> MainWindow:
    catalog, relations = services(engine)
    state = make_state(relations, year=year, side=side, selection=selection)
    window = MainWindow(state, catalog, relations, country_names())
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window
