"""The composition root and the ``afgui`` command.

``main()`` parses the command line, opens the database, creates the services, the one
:class:`~afgui.ui.state.AppState`, the theme and the main window with its menus, and
either runs the window or, with ``--screenshot``/``--report``, builds it offscreen, shows
the requested state, saves what it shows and exits.

A window run normally starts where the last one ended (geometry, splitters, year,
partner, comparison, side and theme, kept with ``QSettings``) and saves that state when
it quits; the command line overrides what was saved. Headless runs read and write no
saved state unless ``--settings`` names a file.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import NoReturn

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QObject,
    QPointF,
    Qt,
    QThread,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QApplication, QMessageBox

from afgui.curation.loader import CurationError
from afgui.curation.locations import DatabaseUnavailableError, current_sources
from afgui.data.lazy_engine import LazyEngine
from afgui.services import quick_start
from afgui.services.catalog import Catalog
from afgui.services.measures import RelationsService, ViewSide
from afgui.ui import menus
from afgui.ui.appearance import Appearance
from afgui.ui.errors import install_error_reporter
from afgui.ui.main_window import MainWindow
from afgui.ui.map_panel import country_names
from afgui.ui.prefetch import PartnerPrefetch, YearPrefetch
from afgui.ui.report import window_report
from afgui.ui.settings import SavedState, SettingsStore, capture, restore_window
from afgui.ui.state import AppState
from afgui.ui.theme import Scheme

DEFAULT_SIZE = (1440, 900)
GEOMETRY_DELAY_MS = 400
E2E_COUNTRIES = ("PK", "IN", "CN", "RU", "US", "IR", "JP", "SA", "TR", "UZ")
HEADLESS_SIZE = (1280, 800)


class UsageError(Exception):
    """A command-line value that cannot be used; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Options:
    year: int | None
    country: str | None
    side: ViewSide | None
    db: str | None
    screenshot: Path | None
    report: Path | None
    report_on_exit: Path | None
    size: tuple[int, int] | None
    e2e_geometry: Path | None = None
    compare: str | None = None
    theme: Scheme | None = None
    settings: Path | None = None

    @property
    def headless(self) -> bool:
        return self.screenshot is not None or self.report is not None


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, got {text!r}") from None
    if width < 320 or height < 240:
        raise argparse.ArgumentTypeError(f"window size {text} is too small (min 320x240)")
    return width, height


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line (argparse prints the whole usage first), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = _Parser(
        prog="afgui",
        description="Explore Afghanistan's foreign relations through time.",
        epilog="With --screenshot and/or --report the window is built offscreen, shows the "
        "given state, is saved, and afgui exits.",
    )
    parser.add_argument("--year", type=int, help="the year to show (default: the latest)")
    parser.add_argument(
        "--country", metavar="CODE", help="the partner to select, by actor code (e.g. PAK, SUN)"
    )
    parser.add_argument(
        "--side",
        choices=[side.value for side in ViewSide],
        help="the Afghan side to view (default: the last one viewed, else government)",
    )
    parser.add_argument(
        "--compare",
        metavar="CODE",
        help="a second partner to show beside the selected one (e.g. IND)",
    )
    parser.add_argument(
        "--theme",
        choices=[scheme.value for scheme in Scheme],
        help="light, dark, or follow the system (default: as last chosen, else system)",
    )
    parser.add_argument(
        "--settings",
        type=Path,
        metavar="INI",
        help="keep the saved window state in this file instead of the user's settings",
    )
    parser.add_argument("--db", metavar="URL", help="SQLAlchemy database URL (or AFGUI_DB_URL)")
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help="save the window as PNG")
    parser.add_argument(
        "--report", type=Path, metavar="JSON", help="write what the window shows as JSON"
    )
    parser.add_argument(
        "--report-on-exit",
        type=Path,
        metavar="JSON",
        help="run normally and write the report when the window closes (for end-to-end tests)",
    )
    # Test hook: where the end-to-end tests find the slider and countries on screen.
    parser.add_argument("--e2e-geometry", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--size",
        type=_size,
        metavar="WxH",
        help=f"window size (headless default {HEADLESS_SIZE[0]}x{HEADLESS_SIZE[1]})",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check that this installation works (bundled data, window drawn offscreen), "
        "print one line and exit",
    )
    args = parser.parse_args(argv)
    return Options(
        year=args.year,
        country=args.country.strip().upper() if args.country else None,
        side=ViewSide(args.side) if args.side else None,
        db=args.db or os.environ.get("AFGUI_DB_URL") or None,
        screenshot=args.screenshot,
        report=args.report,
        report_on_exit=args.report_on_exit,
        size=args.size,
        e2e_geometry=args.e2e_geometry,
        compare=args.compare.strip().upper() if args.compare else None,
        theme=Scheme(args.theme) if args.theme else None,
        settings=args.settings,
    )


def _settle(seconds: float = 0.3) -> None:
    """Let Qt deliver show, resize, layout and paint events until the window is drawn.

    pyqtgraph lays out its axes in response to resize events, so a grab right after
    ``show()`` would miss axis labels; a few rounds of event processing fix that.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        QCoreApplication.sendPostedEvents()
        QThread.msleep(10)


def _most_named_first(catalog: Catalog, relations: RelationsService) -> list[str]:
    """The partners, those most facts name first (the ones most often looked up)."""
    counts = catalog.fact_counts()
    return sorted(relations.partners(), key=lambda code: (-counts.get(code, 0), code))


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _saved(path: Path, save: Callable[[Path], object]) -> bool:
    """Run ``save(path)``; on failure say so in one line (no traceback) and return False."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if save(path) is False:
            raise OSError(0, "the image could not be written")
    except OSError as error:
        print(f"afgui: cannot write {path}: {error.strerror or error}", file=sys.stderr)
        return False
    return True


#: Set to ``pool`` to leave Qt its GUI thread pool (see :func:`paint_on_one_thread`).
PAINT_THREADS_VARIABLE = "AFGUI_QT_PAINT_THREADS"


def paint_on_one_thread(environ: MutableMapping[str, str] = os.environ) -> None:
    """Keep Qt's raster painting on the GUI thread, before the application is created.

    Qt splits large fills, image conversions and scalings into bands, hands them to its
    GUI thread pool and waits (``QT_THREAD_PARALLEL_FILLS`` in qdrawhelper.cpp; the map's
    composite, an indexed image converted whole at a year jump, is one). afgui's images
    are a few hundred rows, so waking the pool's threads costs more than it saves: on
    the two-core machine of docs/performance.md a selection at 1M facts took a median
    30-37 ms with the pool and 18-25 ms without, the same pixels.
    A user who sets ``QT_NO_GUI_THREADPOOL`` themselves, or ``AFGUI_QT_PAINT_THREADS=pool``,
    keeps their choice."""
    if environ.get(PAINT_THREADS_VARIABLE) != "pool":
        environ.setdefault("QT_NO_GUI_THREADPOOL", "1")


def main(argv: Sequence[str] | None = None) -> int:
    paint_on_one_thread()
    if "--self-test" in (sys.argv[1:] if argv is None else argv):
        # For installers and packagers (afgui/selftest.py composes its own window).
        from afgui.selftest import run_self_test

        return run_self_test()
    options = parse_args(argv)
    if options.headless:
        # The same window, drawn without a display.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    # Qt reads QT_QPA_PLATFORM when the application object is created, not on import.
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("afgui")
    app.setOrganizationName("afgui")
    store = _settings_store(options)
    saved = store.load() if store is not None else SavedState()
    appearance = Appearance(app, options.theme or saved.theme)

    try:
        opened = open_services(options.db)
        catalog, relations = opened.catalog, opened.relations
        state = initial_state(options, catalog, relations, saved)
        # The window's first queries (the selected partner's facts) may meet damage too.
        window = MainWindow(state, catalog, relations, country_names())
    except _start_errors() as error:
        message = _start_error_message(error)
        print(f"afgui: {message}", file=sys.stderr)
        if not options.headless:
            box = QMessageBox(QMessageBox.Icon.Critical, "afgui", message)
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.exec()
        return 2
    for warning in opened.warnings:
        print(f"afgui: {warning}", file=sys.stderr)
    if opened.remember is not None:
        opened.remember()
    # What the first query needs (SQLAlchemy, the engine) is made while the user looks,
    # and a database used as an earlier start verified it is checked again meanwhile.
    start_check = StartCheck(window, opened)
    if options.headless:
        # Nothing to keep responsive: checked before anything is saved.
        start_check.run_now()
    else:
        window.first_painted.connect(start_check.start)
        # Every year's map colours and list rows, worked out while the window is idle.
        prefetch = YearPrefetch(
            state, (window.map_panel.prepare_year, window.partner_list.prepare_year), window
        )
        window.first_painted.connect(prefetch.start)
        # And what explaining each partner at the side takes, the most-named first.
        explanations = PartnerPrefetch(
            state,
            partial(_most_named_first, catalog, relations),
            relations.prepare_explanation,
            window,
        )
        window.first_painted.connect(explanations.start)

    menus.install(window, catalog, relations, appearance)
    size = options.size or (HEADLESS_SIZE if options.headless else DEFAULT_SIZE)
    window.resize(*size)
    if options.size is None:
        restore_window(window, saved)
    window.show()
    if store is not None:
        app.aboutToQuit.connect(lambda: store.save(capture(window, appearance.scheme)))

    if options.headless:
        # Built now rather than after the first paint: what is saved shows everything.
        window.charts  # noqa: B018
        _settle()
        if options.screenshot is not None and not _saved(
            options.screenshot, lambda path: window.grab().save(str(path))
        ):
            return 1
        if options.report is not None and not _saved(
            options.report, lambda path: _write_json(path, window_report(window))
        ):
            return 1
        if store is not None:
            store.save(capture(window, appearance.scheme))
        window.close()
        return 0

    restore_excepthook = install_error_reporter(window)
    # Errors while the app tears down are printed as usual, not shown over a closed window.
    app.aboutToQuit.connect(restore_excepthook)
    if opened.kept_aside:
        # The user of the window reads no stderr: say where a bad database file was kept.
        # Not modal: the window works at once, the notice stays until it is closed.
        notice = QMessageBox(
            QMessageBox.Icon.Warning, "afgui", "\n\n".join(opened.kept_aside), parent=window
        )
        notice.setTextFormat(Qt.TextFormat.PlainText)
        notice.setWindowModality(Qt.WindowModality.NonModal)
        notice.show()
    if options.report_on_exit is not None:
        target = options.report_on_exit
        app.aboutToQuit.connect(
            lambda: _saved(target, lambda path: _write_json(path, window_report(window)))
        )
    if options.e2e_geometry is not None:
        geometry_path = options.e2e_geometry
        QTimer.singleShot(GEOMETRY_DELAY_MS, lambda: _write_geometry(window, geometry_path))
    return app.exec()


@dataclass(frozen=True)
class OpenedServices:
    """The services of the database asked for, and what opening it had to say."""

    catalog: Catalog
    relations: RelationsService
    warnings: tuple[str, ...]
    #: Warnings about bad files left untouched beside the database in use (shown in the
    #: window, see ``OpenedDatabase.kept_aside``).
    kept_aside: tuple[str, ...]
    #: Writes the quick-start record once the window stands (None: nothing to record).
    remember: Callable[[], object] | None = None
    #: For a start from the record: checks the file as an open would, in the background
    #: after the first paint; says why it must not be used, or None.
    check: Callable[[], str | None] | None = None
    #: For a start from the record: makes the next start open the database the usual way.
    forget: Callable[[], None] | None = None


class StartCheck(QObject):
    """After the first paint: makes the database engine and, for a start from the
    quick-start record, checks the file as an open would, in a background thread; then
    keeps a small database's facts in memory (:meth:`Catalog.keep_all_facts`).

    A file that fails (damaged since it was verified without its size or modification
    time changing: a flipped bit on disk) is reported on stderr and in a notice over the
    window, and its record is removed, so the next start opens it the usual way: that
    sets a damaged default database aside and builds a new one, or refuses a --db file.
    """

    failed = Signal(str)

    def __init__(self, window: MainWindow, opened: OpenedServices) -> None:
        super().__init__(window)
        self._window = window
        self._opened = opened
        # Emitted from the background thread, delivered in the window's (queued).
        self.failed.connect(self._on_failed)

    def start(self) -> None:
        self._opened.catalog.database.warm_up(self._check)

    def run_now(self) -> None:
        """The check in this thread, reported on stderr (a window run offscreen)."""
        problem = self._opened.check() if self._opened.check is not None else None
        if problem is not None:
            self._report(problem, show=False)

    def _check(self) -> None:
        problem = self._opened.check() if self._opened.check is not None else None
        if problem is not None:
            self.failed.emit(problem)
            return
        # A small database (the curated one) is then read whole, here rather than by
        # the selections: see afgui.services.catalog.SMALL_CORPUS_FACTS. A failed read
        # leaves the catalogue reading by id, as before, and is met again by the next.
        with contextlib.suppress(Exception):
            self._opened.catalog.keep_all_facts()

    @Slot(str)
    def _on_failed(self, problem: str) -> None:
        self._report(problem)

    def _report(self, problem: str, *, show: bool = True) -> None:
        if self._opened.forget is not None:
            self._opened.forget()
        message = (
            f"{problem}. It was left untouched. afgui opens the database again at the next "
            "start and sets a damaged file aside; until then this window may show wrong data."
        )
        print(f"afgui: {message}", file=sys.stderr)
        if not show:
            return
        notice = QMessageBox(QMessageBox.Icon.Warning, "afgui", message, parent=self._window)
        notice.setTextFormat(Qt.TextFormat.PlainText)
        notice.setWindowModality(Qt.WindowModality.NonModal)
        notice.show()


def open_services(db: str | None) -> OpenedServices:
    """The catalogue and the relations of ``db`` (None: the default database).

    A database found as an earlier start left it (:mod:`afgui.services.quick_start`) is
    used without SQLAlchemy until its first query; any other is opened, verified and
    built if need be the usual way (:func:`afgui.curation.provision.open_database`), and
    recorded for the next start.
    """
    requested = db or ""
    _, sources_hash = current_sources()
    record = quick_start.recall(requested, sources_hash)
    if record is not None:
        database = record.database()
        catalog = Catalog(database, record.reference)
        verified = record.path

        def check() -> str | None:
            from afgui.curation.provision import check_file

            # As the usual open: the whole structure of the default database, not of a
            # --db file (a synthetic one can be huge); the digest of both.
            try:
                problem = check_file(verified, deep=not requested)
            except Exception as error:
                # Anything unforeseen is said in the window, as a failed check would be.
                problem = f"could not be checked ({error})"
            return None if problem is None else f"{verified} {problem}"

        return OpenedServices(
            catalog,
            RelationsService(database, catalog),
            record.warnings,
            kept_aside=(),
            check=check,
            forget=lambda: quick_start.forget(requested),
        )

    from afgui.curation.provision import open_database
    from afgui.data.engine import sqlite_path, sqlite_url

    opened = open_database(db)
    database = LazyEngine(engine=opened.engine)
    catalog = Catalog(database)
    relations = RelationsService(database, catalog)
    path = sqlite_path(opened.url)
    remember = None
    if path is not None and not opened.kept_aside:
        file = path.resolve()

        def remember() -> bool:
            return quick_start.remember(
                requested,
                sources_hash,
                url=sqlite_url(file),
                path=file,
                read_only=db is None,
                database=database,
                reference=catalog.reference,
                warnings=opened.warnings,
            )

    return OpenedServices(catalog, relations, opened.warnings, opened.kept_aside, remember)


def _start_errors() -> tuple[type[BaseException], ...]:
    """What a start reports in one line: bad data, bad options, an unusable database."""
    errors: tuple[type[BaseException], ...] = (DatabaseUnavailableError, CurationError, UsageError)
    # Only raised once SQLAlchemy is imported: an explicit --db file damaged in a way only
    # reading reveals. A start that never imported it cannot have met one.
    exc = sys.modules.get("sqlalchemy.exc")
    if exc is not None:
        errors = (*errors, exc.SQLAlchemyError)
    return errors


def _start_error_message(error: BaseException) -> str:
    if isinstance(error, (DatabaseUnavailableError, CurationError, UsageError)):
        return str(error)
    from afgui.data.integrity import error_cause

    return f"cannot read the database: {error_cause(error)}"


def _write_geometry(window: MainWindow, path: Path) -> None:
    """Screen positions of the slider's years and of a few countries (end-to-end tests)."""
    window.map_panel.map.settle()
    slider = window.time_controls.slider
    y = slider.track_rect().center().y()
    years = {}
    for year in range(slider.minimum(), slider.maximum() + 1):
        point = slider.mapToGlobal(QPointF(slider.x_of(year + 0.5), y)).toPoint()
        years[str(year)] = [point.x(), point.y()]
    world = window.map_panel.map
    countries = {}
    for code in E2E_COUNTRIES:
        if code in world.codes:
            point = world.mapToGlobal(world.country_point(code)).toPoint()
            countries[code] = [point.x(), point.y()]
    _write_json(path, {"window": int(window.winId()), "slider": years, "map": countries})


def _settings_store(options: Options) -> SettingsStore | None:
    """Where the window state is kept: ``--settings``, else the user's settings for a
    window run normally, none for a headless run (its output must not depend on them)."""
    if options.settings is not None:
        return SettingsStore.at(options.settings)
    if options.headless:
        return None
    return SettingsStore.user()


def initial_state(
    options: Options,
    catalog: Catalog,
    relations: RelationsService,
    saved: SavedState | None = None,
) -> AppState:
    """The state the command line asks for, else the saved one; raises
    :class:`UsageError` for bad command-line values (saved values that no longer fit
    the data are dropped)."""
    saved = saved or SavedState()
    first, last = relations.first_year, relations.last_year
    if options.year is not None and not first <= options.year <= last:
        raise UsageError(f"--year {options.year} is outside the covered years {first}–{last}")
    known = catalog.actors_by_code
    for flag, code in (("--country", options.country), ("--compare", options.compare)):
        if code and code not in known:
            codes = ", ".join(sorted(relations.partners()))
            raise UsageError(f"{flag} {code} is not an actor code; known: {codes}")
    if options.country:
        selection = options.country
        # A partner given on the command line starts a fresh view: no saved comparison.
        compare = options.compare or ""
    else:
        selection = saved.partner if saved.partner in known else ""
        compare = options.compare or (saved.compare if saved.compare in known else "")
    year = options.year if options.year is not None else saved.year
    side = options.side or saved.side or ViewSide.GOVERNMENT
    return AppState(first, last, year=year, side=side, selection=selection, compare=compare)
