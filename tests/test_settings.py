"""Saved state: window geometry, splitter sizes, year, partner, comparison, side and theme
survive a restart (QSettings), and the command line overrides them. Every test keeps its
settings in a file of its own, never the user's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import Engine

from afgui.app import initial_state, parse_args
from afgui.services.measures import ViewSide
from afgui.ui.settings import SavedState, SettingsStore, capture, restore_window
from afgui.ui.theme import Scheme
from tests.window_support import make_window, services

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


@pytest.fixture
def store(tmp_path: Path) -> SettingsStore:
    return SettingsStore.at(tmp_path / "afgui.ini")


def test_a_saved_state_reads_back_the_same(store: SettingsStore, tmp_path: Path) -> None:
    saved = SavedState(
        geometry=b"\x01\xd9\xd0\xcb\x00\x03\x00\x00geometry",
        splitters={"main": (812, 440), "centre": (400, 290), "side": (300, 390)},
        year=1997,
        partner="PAK",
        compare="IND",
        side=ViewSide.TALIBAN,
        theme=Scheme.DARK,
    )
    store.save(saved)
    assert store.status() == QSettings.Status.NoError
    assert Path(store.path) == tmp_path / "afgui.ini"
    assert SettingsStore.at(tmp_path / "afgui.ini").load() == saved


def test_nothing_saved_gives_the_defaults(store: SettingsStore) -> None:
    assert store.load() == SavedState()
    assert store.load().theme is Scheme.SYSTEM


def test_unusable_values_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "afgui.ini"
    path.write_text(
        "[view]\nyear=soon\npartner=<script>\ncompare=IND\nside=kabul\ntheme=purple\n"
        "[splitters]\nmain=812,wide\ncentre=-5,10\nside=300,390\n"
        "[window]\ngeometry=not bytes\n",
        encoding="utf-8",
    )
    saved = SettingsStore.at(path).load()
    assert saved == SavedState(splitters={"side": (300, 390)}, compare="IND")


def test_capture_and_restore_the_window(
    qtbot,  # type: ignore[no-untyped-def]
    fixture_engine: Engine,
    store: SettingsStore,
) -> None:
    # The offscreen screen is 800 pixels wide and restoring a geometry keeps the window
    # on the screen, so the window is as narrow as it may be.
    width = make_window(qtbot, fixture_engine, year=1985).minimumSizeHint().width()
    first = make_window(qtbot, fixture_engine, year=1985, selection="SUN", size=(width, 700))
    first.restore_splitter_sizes({"main": (first.splitter.width() - 450, 450)})
    first.state.set_compare("PAK")
    first.state.set_side("both")
    store.save(capture(first, Scheme.LIGHT))
    sizes = first.splitter.sizes()
    saved = store.load()
    assert (saved.year, saved.partner, saved.compare) == (1985, "SUN", "PAK")
    assert saved.side is ViewSide.BOTH and saved.theme is Scheme.LIGHT
    assert saved.splitters["main"] == tuple(sizes)

    second = make_window(qtbot, fixture_engine, year=2002, size=(width, 500))
    assert restore_window(second, saved)
    qtbot.waitUntil(lambda: second.size() == first.size(), timeout=3000)
    qtbot.waitUntil(lambda: second.splitter.sizes() == sizes, timeout=3000)
    # Once restored, the splitters keep their sizes when the window is resized.
    second.resize(second.width(), second.height() + 40)
    qtbot.waitUntil(lambda: second.splitter.sizes() == sizes, timeout=3000)


def test_the_command_line_overrides_what_was_saved(fixture_engine: Engine) -> None:
    catalog, relations = services(fixture_engine)
    saved = SavedState(year=1985, partner="SUN", compare="PAK", side=ViewSide.TALIBAN)

    state = initial_state(parse_args([]), catalog, relations, saved)
    assert (state.year, state.selection, state.compare) == (1985, "SUN", "PAK")
    assert state.side is ViewSide.TALIBAN

    state = initial_state(
        parse_args(["--year", "2002", "--side", "both"]), catalog, relations, saved
    )
    assert (state.year, state.selection, state.side) == (2002, "SUN", ViewSide.BOTH)

    # A partner given on the command line starts without the saved comparison.
    state = initial_state(parse_args(["--country", "JPN"]), catalog, relations, saved)
    assert (state.selection, state.compare) == ("JPN", "")
    state = initial_state(
        parse_args(["--country", "JPN", "--compare", "RUS"]), catalog, relations, saved
    )
    assert (state.selection, state.compare) == ("JPN", "RUS")


def test_saved_partners_that_no_longer_exist_are_dropped(fixture_engine: Engine) -> None:
    catalog, relations = services(fixture_engine)
    saved = SavedState(year=1500, partner="ZZZ", compare="YYY")
    state = initial_state(parse_args([]), catalog, relations, saved)
    assert (state.selection, state.compare) == ("", "")
    assert state.year == state.first_year  # clamped into the covered years


def run_afgui(*args: str) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ)
    environment.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(
        [sys.executable, "-m", "afgui", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=False,
    )


def test_round_trip_through_two_runs_of_afgui(tmp_path: Path, fixture_engine: Engine) -> None:
    db = fixture_engine.url.render_as_string(hide_password=False)
    settings = tmp_path / "afgui.ini"
    report = tmp_path / "report.json"
    first = run_afgui(
        "--db", db, "--settings", str(settings), "--report", str(report),
        "--year", "1985", "--country", "SUN", "--compare", "PAK",
        "--side", "taliban", "--theme", "dark",
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    saved = SettingsStore.at(settings).load()
    assert (saved.year, saved.partner, saved.compare) == (1985, "SUN", "PAK")
    assert (saved.side, saved.theme) == (ViewSide.TALIBAN, Scheme.DARK)
    assert saved.geometry and set(saved.splitters) == {"main", "centre", "side"}

    second = run_afgui("--db", db, "--settings", str(settings), "--report", str(report))
    assert second.returncode == 0, second.stderr
    shown = json.loads(report.read_text(encoding="utf-8"))
    assert (shown["year"], shown["selection"], shown["side"]) == (1985, "SUN", "taliban")

    third = run_afgui(
        "--db", db, "--settings", str(settings), "--report", str(report), "--year", "2002"
    )
    assert third.returncode == 0, third.stderr
    shown = json.loads(report.read_text(encoding="utf-8"))
    assert (shown["year"], shown["selection"]) == (2002, "SUN")


def test_headless_runs_leave_the_users_settings_alone(
    tmp_path: Path, fixture_engine: Engine
) -> None:
    db = fixture_engine.url.render_as_string(hide_password=False)
    config = Path(os.environ["XDG_CONFIG_HOME"])
    result = run_afgui("--db", db, "--report", str(tmp_path / "r.json"), "--year", "1990")
    assert result.returncode == 0, result.stderr
    assert not (config / "afgui").exists()
