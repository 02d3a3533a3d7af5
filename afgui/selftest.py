"""``afgui --self-test``: does this installation work? One line of answer, exit 0 or 1.

Made for installers and packagers: after ``apt-get install ./afgui_….deb`` (or unpacking
the tarball, or on a build machine) ``afgui --self-test`` proves that the frozen program
starts, that its bundled curated sources build a database, and that the main window draws
real content — without a display, without touching the user's data directory, and
without leaving anything behind.

It builds the database from the bundled sources into a temporary directory, composes the
same main window as ``afgui`` (offscreen, 1280×800) with the partner that has most facts
selected, waits until the window and its three main views have painted, then checks what
they drew, pixel by pixel:

* the map shows several of the strength colours the map says it fills countries with;
* the partner list has rows, and its table shows text (dark pixels);
* the strength chart shows the selected partner's line in the viewed side's pen colour.

It also reports the time from process start to first paint (on Linux, where the start
time of the process is known; elsewhere from the start of the self-test).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QEventLoop,
    QMessageLogContext,
    QObject,
    QThread,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QColor, QFontDatabase, QImage
from PySide6.QtWidgets import QApplication, QWidget

from afgui import __version__
from afgui.curation.provision import open_database
from afgui.services.catalog import Catalog
from afgui.services.measures import RelationsService, ViewSide
from afgui.ui.main_window import MainWindow
from afgui.ui.map_panel import SUBJECT, country_names
from afgui.ui.state import AppState
from afgui.ui.theme import apply_theme

WINDOW_SIZE = (1280, 800)
#: How long the window may take to paint before the self-test gives up (a cold start of
#: the frozen app on a slow disk takes a few seconds; a hang must still end).
PAINT_TIMEOUT = 30.0
#: Time given after the first paint for pyqtgraph's resize-driven axis layout.
SETTLE_SECONDS = 0.3

#: At least this many distinct strength colours must appear on the map (or all of them
#: when the map fills fewer).
MIN_MAP_COLOURS = 3
#: Share of the list's pixels that must be dark "ink" (text), and of the chart's pixels
#: that must be of the line's colour: both far below what a real drawing gives and far
#: above zero, so an empty or blank widget fails and no layout change makes it flaky.
MIN_TEXT_SHARE = 0.002
MIN_LINE_PIXELS = 30
COLOUR_TOLERANCE = 12

RGB = npt.NDArray[np.uint32]


class SelfTestError(Exception):
    """What the self-test found wrong, in words for the person who ran it."""


class PaintWatch(QObject):
    """Records when each watched widget first received a paint event."""

    def __init__(self, widgets: dict[str, QWidget]) -> None:
        super().__init__()
        self.widgets = widgets
        self.first_paint: dict[str, float] = {}
        for widget in widgets.values():
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            for name, widget in self.widgets.items():
                if widget is watched and name not in self.first_paint:
                    self.first_paint[name] = time.perf_counter()
        return False

    @property
    def all_painted(self) -> bool:
        return self.first_paint.keys() >= self.widgets.keys()

    def detach(self) -> None:
        for widget in self.widgets.values():
            widget.removeEventFilter(self)


def process_age() -> float | None:
    """Seconds since this process started, from the kernel (Linux); None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        stat = Path("/proc/self/stat").read_text(encoding="ascii")
        uptime = float(Path("/proc/uptime").read_text(encoding="ascii").split()[0])
        # Field 22 (starttime, in clock ticks since boot); the command name in field 2
        # may contain spaces and parentheses, so count from its closing parenthesis.
        start_ticks = int(stat.rsplit(")", 1)[1].split()[19])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def rgb_pixels(image: QImage) -> RGB:
    """The image as a (height, width) array of 0xRRGGBB values."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    height, stride = image.height(), image.bytesPerLine() // 4
    flat = np.frombuffer(image.constBits(), dtype=np.uint32, count=stride * height)
    return flat.reshape(height, stride)[:, : image.width()] & np.uint32(0xFFFFFF)


Channel = npt.NDArray[np.int64]


def _channels(pixels: RGB) -> tuple[Channel, Channel, Channel]:
    wide = pixels.astype(np.int64)
    return (wide >> 16) & 0xFF, (wide >> 8) & 0xFF, wide & 0xFF


def count_near(pixels: RGB, colour: QColor, tolerance: int = COLOUR_TOLERANCE) -> int:
    """How many pixels lie within ``tolerance`` of ``colour`` in every channel."""
    red, green, blue = _channels(pixels)
    near = (
        (np.abs(red - colour.red()) <= tolerance)
        & (np.abs(green - colour.green()) <= tolerance)
        & (np.abs(blue - colour.blue()) <= tolerance)
    )
    return int(near.sum())


def dark_share(pixels: RGB, threshold: int = 140) -> float:
    """The share of pixels darker than ``threshold`` (text on a light table)."""
    red, green, blue = _channels(pixels)
    luminance = 0.299 * red + 0.587 * green + 0.114 * blue
    return float((luminance < threshold).mean()) if pixels.size else 0.0


def _settle(until: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        QCoreApplication.sendPostedEvents()
        if until():
            return True
        QThread.msleep(5)
    return until()


def check_map(window: MainWindow) -> str:
    drawn = window.map_panel.drawn()
    expected = {
        QColor(actor.colour).rgb() & 0xFFFFFF
        for actor in drawn
        if actor.value is not None and actor.actor != SUBJECT
    }
    if not expected:
        raise SelfTestError(f"map: no partner has a value in {window.state.year}")
    shown = set(np.unique(rgb_pixels(window.map_panel.map.grab().toImage())).tolist())
    found = expected & shown
    if len(found) < min(MIN_MAP_COLOURS, len(expected)):
        raise SelfTestError(
            f"map: {len(found)} of {len(expected)} strength colours drawn (blank map?)"
        )
    coloured = sum(1 for actor in drawn if actor.value is not None and actor.actor != SUBJECT)
    return f"map {coloured} partners in {len(found)} colours"


def check_list(window: MainWindow) -> str:
    rows = window.partner_list.proxy.rowCount()
    if rows == 0:
        raise SelfTestError("list: no partner rows")
    view = window.partner_list.view
    share = dark_share(rgb_pixels(view.viewport().grab().toImage()))
    if share < MIN_TEXT_SHARE:
        raise SelfTestError(f"list: {rows} rows but no text drawn (dark share {share:.4f})")
    return f"list {rows} rows"


def check_chart(window: MainWindow, partner: str) -> str:
    charts = window.charts
    side = window.state.side
    line = charts.lines[side]
    _, values = line.getData()
    finite = 0 if values is None else int(np.isfinite(np.asarray(values, dtype=float)).sum())
    if finite < 2:
        raise SelfTestError(f"chart: {partner} has {finite} strength values for {side.value}")
    colour = charts.pen_of(side).color()
    pixels = count_near(rgb_pixels(charts.graphics.grab().toImage()), colour)
    if pixels < MIN_LINE_PIXELS:
        raise SelfTestError(
            f"chart: the {side.value} line of {partner} is not drawn "
            f"({pixels} pixels of {colour.name()})"
        )
    return f"chart {partner} {finite} yearly values"


def _partner_with_most_facts(catalog: Catalog, relations: RelationsService) -> str:
    counts = catalog.fact_counts()
    partners = [code for code in relations.partners() if code != SUBJECT]
    if not partners:
        raise SelfTestError("database: no partners")
    return max(partners, key=lambda code: (counts.get(code, 0), code))


def _first_paint_text(watch: PaintWatch, started: float, age_at_start: float | None) -> str:
    painted = max(watch.first_paint.values()) - started
    if age_at_start is not None:
        return f"first paint {age_at_start + painted:.2f} s after process start"
    return f"first paint {painted:.2f} s after self-test start"


def run_checks(directory: Path, started: float, age_at_start: float | None) -> str:
    """Build, show and check the window; the one-line summary, or SelfTestError."""
    if not QFontDatabase.families():
        raise SelfTestError("no fonts found: install a font (e.g. fonts-dejavu-core)")
    opened = open_database(default_path=directory / "selftest.sqlite3")
    try:
        catalog = Catalog(opened.engine)
        facts = len(catalog.facts())
        if facts == 0:
            raise SelfTestError("database: no facts in the bundled sources")
        relations = RelationsService(opened.engine, catalog)
        partner = _partner_with_most_facts(catalog, relations)
        state = AppState(
            relations.first_year,
            relations.last_year,
            side=ViewSide.GOVERNMENT,
            selection=partner,
        )
        window = MainWindow(state, catalog, relations, country_names())
        watch = PaintWatch(
            {
                "window": window,
                "map": window.map_panel.map,
                "list": window.partner_list.view.viewport(),
                "chart": window.charts.graphics.viewport(),
            }
        )
        window.resize(*WINDOW_SIZE)
        window.show()
        try:
            if not _settle(lambda: watch.all_painted, PAINT_TIMEOUT):
                missing = sorted(watch.widgets.keys() - watch.first_paint.keys())
                raise SelfTestError(f"not painted within {PAINT_TIMEOUT:.0f} s: {missing}")
            paint = _first_paint_text(watch, started, age_at_start)
            _settle(lambda: False, SETTLE_SECONDS)
            parts = [
                f"{facts} facts, {len(catalog.actors)} actors",
                check_map(window),
                check_list(window),
                check_chart(window, partner),
                paint,
            ]
        finally:
            watch.detach()
            window.close()
            window.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    finally:
        opened.engine.dispose()
    return "; ".join(parts)


#: Qt messages that say nothing about afgui: the offscreen platform cannot tell a window
#: manager about size hints, which only a real desktop has.
_EXPECTED_QT_MESSAGES = ("This plugin does not support propagateSizeHints()",)


def _quiet_handler(
    previous: Callable[[QtMsgType, QMessageLogContext, str], None] | None,
) -> Callable[[QtMsgType, QMessageLogContext, str], None]:
    def handle(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message in _EXPECTED_QT_MESSAGES:
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            print(message, file=sys.stderr)

    return handle


def _attach_console() -> None:
    """A windowed program on Windows has no standard output: print to the console that
    started it, if any (the exit status tells the result either way)."""
    if sys.platform == "win32" and sys.stdout is None:
        import ctypes

        if ctypes.windll.kernel32.AttachConsole(-1):
            sys.stdout = sys.stderr = Path("CONOUT$").open("w", encoding="utf-8")  # noqa: SIM115


def run_self_test() -> int:
    """The ``--self-test`` command: prints one line, returns the exit status."""
    started = time.perf_counter()
    _attach_console()
    age_at_start = process_age()
    # Before the application object exists: Qt reads the platform when it is created.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("afgui")
    apply_theme(app)
    build = "frozen" if getattr(sys, "frozen", False) else "source"
    previous = qInstallMessageHandler(None)
    qInstallMessageHandler(_quiet_handler(previous))
    try:
        with tempfile.TemporaryDirectory(prefix="afgui-selftest-") as directory:
            summary = run_checks(Path(directory), started, age_at_start)
    except SelfTestError as error:
        print(f"afgui self-test FAILED ({__version__}, {build}): {error}")
        return 1
    except Exception as error:  # any crash is a failed self-test, reported in one line
        traceback.print_exc(file=sys.stderr)
        print(f"afgui self-test FAILED ({__version__}, {build}): {type(error).__name__}: {error}")
        return 1
    finally:
        qInstallMessageHandler(previous)
    print(f"afgui self-test passed ({__version__}, {build}): {summary}")
    return 0
