"""A returning user's start draws the window from what the last start recorded.

The record (afgui.services.quick_start) is used only for the same, unchanged file, the
same bundled sources and the same code; the window it gives shows what the usual start
shows, and SQLAlchemy is first imported after the first paint.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from afgui.app import OpenedServices, StartCheck, initial_state, open_services, parse_args
from afgui.curation.locations import current_sources, default_database_path
from afgui.services import cube_cache, quick_start
from afgui.services.measures import ViewSide
from afgui.ui.main_window import MainWindow

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _same_services(usual: OpenedServices, quick: OpenedServices) -> None:
    assert quick.catalog.reference == usual.catalog.reference
    assert quick.relations.partners() == usual.relations.partners()
    assert (quick.relations.first_year, quick.relations.last_year) == (
        usual.relations.first_year,
        usual.relations.last_year,
    )
    for year in (1979, 1997, 2012, usual.relations.last_year):
        for side in ViewSide:
            assert quick.relations.values_at(year, side) == usual.relations.values_at(year, side)
    assert quick.warnings == usual.warnings


def _opened_twice(db: str | None) -> tuple[OpenedServices, OpenedServices]:
    usual = open_services(db)
    assert usual.remember is not None
    assert usual.remember() is True
    return usual, open_services(db)


def test_second_start_uses_the_record_and_shows_the_same() -> None:
    usual, quick = _opened_twice(None)
    assert usual.catalog.database.created
    # Nothing of the window's first paint needs a query: the engine is not made yet.
    assert quick.remember is None
    assert not quick.catalog.database.created
    _same_services(usual, quick)
    # The first query makes the engine, and reads the file the usual start opened.
    code = usual.relations.partners()[0]
    assert quick.catalog.facts_of(code) == usual.catalog.facts_of(code)
    assert quick.catalog.database.created
    assert str(default_database_path()) in str(quick.catalog.database.get().url)


def test_explicit_database_keeps_its_warning(fixture_engine: Engine) -> None:
    url = str(fixture_engine.url)
    usual, quick = _opened_twice(url)
    assert any("other sources" in warning for warning in usual.warnings)
    assert not quick.catalog.database.created
    _same_services(usual, quick)


def test_a_changed_file_is_opened_the_usual_way() -> None:
    usual, _ = _opened_twice(None)
    path = default_database_path()
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    again = open_services(None)
    assert again.catalog.database.created
    assert again.remember is not None
    _same_services(usual, again)


def test_the_record_holds_only_for_its_sources_and_code(monkeypatch: pytest.MonkeyPatch) -> None:
    _opened_twice(None)
    _, sources_hash = current_sources()
    assert quick_start.recall("", sources_hash) is not None
    assert quick_start.recall("", "another hash") is None
    assert quick_start.recall("elsewhere.sqlite3", sources_hash) is None
    monkeypatch.setattr(cube_cache, "code_identity", lambda extra_modules=(): "other code")
    assert quick_start.recall("", sources_hash) is None


@pytest.mark.parametrize("damage", ["not json", '{"format": 1}', "[]", ""])
def test_a_damaged_record_is_no_record(damage: str) -> None:
    _opened_twice(None)
    records = list(quick_start.record_directory().glob("start-*.json"))
    assert len(records) == 1
    records[0].write_text(damage, encoding="utf-8")
    again = open_services(None)
    assert again.catalog.database.created
    assert again.remember is not None and again.remember() is True
    assert json.loads(records[0].read_text(encoding="utf-8"))["format"] == quick_start.FORMAT


def test_no_record_while_a_bad_file_is_kept_aside() -> None:
    path = default_database_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database" * 100)
    opened = open_services(None)
    assert opened.kept_aside
    assert opened.remember is None
    # The next start warns again.
    assert open_services(None).kept_aside


FIRST_PAINT_PROBE = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication([])


class Probe(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Show and isinstance(watched, QMainWindow):
            app.removeEventFilter(self)
            QTimer.singleShot(0, lambda: painted(watched))
        return False


def painted(window):
    app.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    window.repaint()
    print("sqlalchemy imported at first paint:", "sqlalchemy" in sys.modules, flush=True)
    before = window.detail.plain_text()
    window.state.select("USA")
    app.processEvents()
    window.detail.flush()
    after = window.detail.plain_text()
    print("facts shown after a selection:", len(after) > len(before) + 200, flush=True)
    app.quit()


probe = Probe()
app.installEventFilter(probe)
from afgui.app import main

main(["--size", "1024x700", "--settings", sys.argv[1], *sys.argv[2:]])
"""


def test_a_returning_start_imports_sqlalchemy_only_after_its_first_paint(
    tmp_path: Path,
) -> None:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    # Each run with settings of its own; the third opens on a partner, as a returning
    # user's window usually does: its facts are read right after the first paint.
    arguments: list[list[str]] = [[], [], ["--country", "USA"]]
    runs = [
        subprocess.run(
            [sys.executable, "-c", FIRST_PAINT_PROBE, str(tmp_path / f"afgui-{run}.ini"), *extra],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
        for run, extra in enumerate(arguments)
    ]
    # The first start builds the database and opens it the usual way.
    assert "sqlalchemy imported at first paint: True" in runs[0]
    assert "sqlalchemy imported at first paint: False" in runs[1]
    assert "sqlalchemy imported at first paint: False" in runs[2]
    for run in runs:
        assert "facts shown after a selection: True" in run


def test_a_file_damaged_since_its_record_is_reported_and_opened_the_usual_way_next(
    qtbot: QtBot,
) -> None:
    """A flipped letter that leaves size and modification time as they were (bit rot on
    disk): the start from the record checks the file after its first paint, says so in
    the window, and the next start sets the file aside and builds a new database."""
    usual, _ = _opened_twice(None)
    summary = usual.catalog.facts()[0].summary.encode()
    path = default_database_path()
    data = path.read_bytes()
    offset = data.index(summary)
    letter = b"Q" if data[offset : offset + 1] != b"Q" else b"Z"
    stat = path.stat()
    with path.open("r+b") as stream:
        stream.seek(offset)
        stream.write(letter)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    quick = open_services(None)
    assert quick.check is not None  # the record still holds: the start used it
    state = initial_state(parse_args([]), quick.catalog, quick.relations)
    window = MainWindow(state, quick.catalog, quick.relations)
    qtbot.addWidget(window)
    StartCheck(window, quick).start()
    qtbot.waitUntil(lambda: bool(window.findChildren(QMessageBox)), timeout=30_000)
    (notice,) = window.findChildren(QMessageBox)
    assert str(path) in notice.text()
    assert "do not match the checksum" in notice.text()

    again = open_services(None)
    assert again.check is None
    assert again.kept_aside and str(path) in again.kept_aside[0]
    assert again.catalog.facts()[0].summary == usual.catalog.facts()[0].summary
