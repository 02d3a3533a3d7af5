"""``afgui --self-test``: passes on a working installation, and fails when a view is blank."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from pytestqt.qtbot import QtBot

from afgui import selftest
from afgui.curation.provision import open_database
from afgui.services.catalog import Catalog
from afgui.services.measures import RelationsService
from afgui.ui.main_window import MainWindow
from afgui.ui.map_panel import country_names
from afgui.ui.state import AppState

# The offscreen platform cannot pass size hints to a window manager, and says so.
pytestmark = pytest.mark.qt_log_ignore(r"propagateSizeHints")


def test_self_test_passes_and_prints_one_line(
    qtbot: QtBot, capsys: pytest.CaptureFixture[str]
) -> None:
    assert selftest.run_self_test() == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.startswith("afgui self-test passed (")
    for part in ("facts", "map ", "list ", "chart ", "first paint"):
        assert part in out


def test_self_test_leaves_no_database_behind(
    qtbot: QtBot, capsys: pytest.CaptureFixture[str]
) -> None:
    data_home = Path(os.environ["XDG_DATA_HOME"])
    assert selftest.run_self_test() == 0
    assert not (data_home / "afgui").exists()


def test_app_dispatches_self_test(
    qtbot: QtBot, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from afgui import app

    monkeypatch.setattr(selftest, "run_self_test", lambda: 7)
    assert app.main(["--self-test"]) == 7


def test_failure_is_one_line_and_exit_1(
    qtbot: QtBot, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> str:
        raise selftest.SelfTestError("map: nothing drawn")

    monkeypatch.setattr(selftest, "run_checks", broken)
    assert selftest.run_self_test() == 1
    out = capsys.readouterr().out
    assert out.strip().endswith("map: nothing drawn")
    assert "FAILED" in out and out.count("\n") == 1


def test_crash_is_reported_as_failure(
    qtbot: QtBot, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(selftest, "run_checks", crash)
    assert selftest.run_self_test() == 1
    captured = capsys.readouterr()
    assert "FAILED" in captured.out and "RuntimeError: boom" in captured.out
    assert "Traceback" in captured.err


# The checks themselves, on a real window whose views are made to draw nothing.


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    opened = open_database(default_path=tmp_path / "db.sqlite3")
    catalog = Catalog(opened.engine)
    relations = RelationsService(opened.engine, catalog)
    partner = selftest._partner_with_most_facts(catalog, relations)
    state = AppState(relations.first_year, relations.last_year, selection=partner)
    main = MainWindow(state, catalog, relations, country_names())
    qtbot.addWidget(main)
    main.resize(*selftest.WINDOW_SIZE)
    main.show()
    qtbot.waitExposed(main)
    return main


def _blank(colour: str = "#ffffff") -> QPixmap:
    pixmap = QPixmap(400, 300)
    pixmap.fill(QColor(colour))
    return pixmap


def test_checks_pass_on_the_real_window(window: MainWindow) -> None:
    assert "colours" in selftest.check_map(window)
    assert "rows" in selftest.check_list(window)
    assert "yearly values" in selftest.check_chart(window, window.state.selection)


def test_blank_map_fails(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(window.map_panel.map, "grab", lambda *_: _blank())
    with pytest.raises(selftest.SelfTestError, match="map"):
        selftest.check_map(window)


def test_blank_list_fails(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    viewport = window.partner_list.view.viewport()
    monkeypatch.setattr(window.partner_list.view, "viewport", lambda: viewport)
    monkeypatch.setattr(viewport, "grab", lambda *_: _blank())
    with pytest.raises(selftest.SelfTestError, match="list"):
        selftest.check_list(window)


def test_blank_chart_fails(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(window.charts.graphics, "grab", lambda *_: _blank())
    with pytest.raises(selftest.SelfTestError, match="chart"):
        selftest.check_chart(window, window.state.selection)


def test_chart_without_selection_fails(window: MainWindow) -> None:
    window.state.select("")
    with pytest.raises(selftest.SelfTestError, match="chart"):
        selftest.check_chart(window, "none")


# Pixel helpers.


def test_rgb_pixels_reads_colours_row_by_row(qtbot: QtBot) -> None:
    image = QImage(3, 2, QImage.Format.Format_ARGB32)
    image.fill(QColor("#102030"))
    image.setPixelColor(2, 1, QColor("#a0b0c0"))
    pixels = selftest.rgb_pixels(image)
    assert pixels.shape == (2, 3)
    assert pixels[0, 0] == 0x102030 and pixels[1, 2] == 0xA0B0C0


def test_count_near_and_dark_share(qtbot: QtBot) -> None:
    image = QImage(10, 10, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.fillRect(0, 0, 10, 2, QColor("#1f2933"))
    painter.end()
    pixels = selftest.rgb_pixels(image)
    assert selftest.count_near(pixels, QColor("#202a35")) == 20
    assert selftest.count_near(pixels, QColor("#ff0000")) == 0
    assert selftest.dark_share(pixels) == pytest.approx(0.2)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_process_age_is_known_on_linux() -> None:
    age = selftest.process_age()
    assert age is not None and age >= 0
