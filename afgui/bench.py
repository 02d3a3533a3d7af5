"""``python -m afgui.bench``: how fast afgui starts, follows the year slider and selections.

For each dataset — the curated database and synthetic ones of 100 000 and 1 000 000 facts
(``afgui-db synth``, cached under the user cache directory) — it measures:

* **first paint**: from process start (the parent's monotonic clock just before it
  spawns the real ``afgui`` main) to the first fully painted window: the window shown,
  every posted event handled and the whole window painted synchronously once. Several
  runs after one unmeasured warm-up (warm disk cache); median, min and max.
* **year change**: in a real ``MainWindow`` built by the real ``afgui.app.main`` offscreen,
  with the partner most facts name selected (the detail pane and the charts then have
  the most to do): from ``AppState.set_year`` until every view has updated and Qt has
  painted what changed. Drags (±1 year) and jumps; p50, p95 and max.
* **selection change**: ``AppState.select`` across popular and rare partners, likewise.
* **play**: 80 years at the fastest speed the year controls offer, with their own timer
  at its real interval; a step is dropped when the timer fired a tick late by an interval
  or more, or when the map had not repainted a year before the next one came.
* **peak RSS** of the app process (``wait4``'s ``ru_maxrss``), the largest over runs.

The measurements run in child processes (``--child``): each wraps the real
``afgui.app.main`` with a probe that waits for its main window to be shown. Nothing here
asserts a time; ``docs/performance.md`` says what the numbers mean and where they stand.
The module imports only the standard library at the top, so a child's start-up is the
app's own.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any

FIRST_PAINT_MARK = "afgui-bench-first-paint"
READY_MARK = "afgui-bench-ready"
#: The partner selected at start in the first-paint runs of a returning user.
RETURNING_PARTNER = "USA"
RESULT_MARK = "afgui-bench-result"
WINDOW_SIZE = (1440, 900)
CHILD_TIMEOUT_S = 1800.0
#: A phase stops early once it has this many samples and has run out of its time budget.
MIN_SAMPLES = 10

#: Named datasets; ``synth_<N>`` (``synth_2k``, ``synth_250000``) also works.
DEFAULT_DATASETS = ("curated", "synth_100k", "synth_1m")
SYNTH_ACTORS = 250
SYNTH_SEED = 1


@dataclass(frozen=True, slots=True)
class Settings:
    runs: int
    changes: int
    selections: int
    play_years: int
    seed: int
    budget: float
    settles: int


# --- statistics ---------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), for 0 <= share <= 1."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def spread(values: Sequence[float]) -> dict[str, float]:
    return {
        "median": round(percentile(values, 0.5), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
    }


def tail(values: Sequence[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 0.5), 2),
        "p95": round(percentile(values, 0.95), 2),
        "max": round(max(values), 2),
    }


def dataset_facts(name: str) -> int | None:
    """Facts of a ``synth_<N>`` dataset (``k`` and ``m`` suffixes), None for ``curated``."""
    if name == "curated":
        return None
    match = re.fullmatch(r"synth_(\d+)([km]?)", name)
    if match is None:
        raise ValueError(f"unknown dataset {name!r}: use curated or synth_<N>[k|m]")
    return int(match.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2)]


# --- the parent: datasets, child processes, the report ---------------------------------------


def cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("afgui", appauthor=False)) / "bench"


def prepare(name: str, cache: Path) -> tuple[str | None, int, Path | None]:
    """(the ``--db`` URL to pass, or None for the default database; its number of facts;
    its file)."""
    from afgui.curation.loader import CurationError, load_corpus, read_source_tree
    from afgui.curation.provision import bundled_sources_root, open_database
    from afgui.data.engine import read_meta, sqlite_url
    from afgui.services.catalog import Catalog

    facts = dataset_facts(name)
    if facts is None:
        # The user's own default database, built now if missing or stale, so that the
        # runs measure a warm start as a returning user has it.
        opened = open_database(None)
        total = len(Catalog(opened.engine).facts())
        opened.engine.dispose()
        from afgui.data.engine import sqlite_path

        path = sqlite_path(opened.url)
        read_through(path)
        return None, total, path

    from afgui.curation.synth import SynthParameters, base_fingerprint, write_synthetic_file
    from afgui.data.engine import make_engine

    corpus, problems = load_corpus(read_source_tree(bundled_sources_root()))
    if problems:
        raise CurationError(problems)
    parameters = SynthParameters(actors=SYNTH_ACTORS, facts=facts, seed=SYNTH_SEED)
    base = base_fingerprint(corpus)
    path = cache / f"synth-a{SYNTH_ACTORS}-f{facts}-s{SYNTH_SEED}-{base}.sqlite3"
    url = sqlite_url(path)
    current = False
    if path.exists():
        engine = make_engine(url, read_only=True)
        meta = read_meta(engine) or {}
        engine.dispose()
        current = (
            meta.get("sources_hash") == parameters.sources_hash
            and meta.get("synthetic_base") == base
            and meta.get("schema_version") == _schema_version()
        )
    if not current:
        _progress(f"{name}: building {path.name} ({facts} facts)…")
        started = time.monotonic()
        write_synthetic_file(path, corpus, parameters)
        _progress(f"{name}: built in {time.monotonic() - started:.1f} s")
    read_through(path)
    return url, facts, path


def read_through(path: Path | None) -> int:
    """Read the database file once, so that what is measured next meets a warm disk (the
    targets are stated for one): otherwise whichever run came first after other work on
    the machine paid for reading a 500 MB file's pages, in its first selections at 1M
    facts (85 ms instead of 13 ms a selection in one A/B). Read through a small buffer:
    the measured child does it too, and its peak RSS is measured. Returns the bytes read
    (0 without a file, or when it cannot be read)."""
    if path is None:
        return 0
    buffer = bytearray(1 << 20)
    total = 0
    with contextlib.suppress(OSError), path.open("rb", buffering=0) as stream:
        while count := stream.readinto(buffer):
            total += count
    return total


def _schema_version() -> str:
    from afgui.data.schema import SCHEMA_VERSION

    return str(SCHEMA_VERSION)


def _progress(message: str) -> None:
    print(f"afgui.bench: {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True, slots=True)
class ChildRun:
    started_ns: int
    stdout: str
    stderr: str
    returncode: int
    peak_rss_mb: float
    cpu_ms: float


def run_child(arguments: Sequence[str]) -> ChildRun:
    """Run ``python -m afgui.bench --child …`` offscreen; its peak RSS comes from wait4."""
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    # A returning user's Python reads the byte-code it wrote on the first start (an
    # installed or frozen afgui has it from the start); the unmeasured warm-up run writes
    # it here. Without this, an environment that forbids writing it (CI machines often
    # set PYTHONDONTWRITEBYTECODE) would compile afgui's modules at every measured start.
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-m", "afgui.bench", "--child", *arguments]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic_ns()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=environment)  # noqa: S603
        timer = threading.Timer(CHILD_TIMEOUT_S, process.kill)
        timer.start()
        try:
            # wait4, not Popen.wait, to get this child's own resource usage.
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ChildRun(
            started_ns=started,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            returncode=process.returncode,
            peak_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
            cpu_ms=(usage.ru_utime + usage.ru_stime) * 1000,
        )


def _marked(run: ChildRun, mark: str) -> str:
    for line in run.stdout.splitlines():
        if line.startswith(f"{mark} "):
            return line[len(mark) + 1 :]
    raise RuntimeError(
        f"the measured child exited with {run.returncode} without a result:\n"
        f"{run.stderr.strip()[-2000:]}"
    )


def measure_dataset(
    name: str, settings: Settings, cache: Path, profile: Path | None = None
) -> dict[str, Any]:
    url, facts, path = prepare(name, cache)
    app_args = ["--db", url] if url else []
    load = os.getloadavg()[0]
    first_paints: list[float] = []
    first_paint_cpu: list[float] = []
    readies: list[float] = []
    peaks: list[float] = []
    for run in range(settings.runs + 1):
        child = run_child(["--first-paint", "--", *app_args])
        painted_ns, painted_cpu_ms = _marked(child, FIRST_PAINT_MARK).split()
        ready_ns = int(_marked(child, READY_MARK))
        if run == 0:
            continue  # warm-up: disk cache, byte-code, font cache
        first_paints.append((int(painted_ns) - child.started_ns) / 1e6)
        first_paint_cpu.append(float(painted_cpu_ms))
        readies.append((ready_ns - child.started_ns) / 1e6)
        peaks.append(child.peak_rss_mb)
    _progress(f"{name}: first paint {spread(first_paints)} ms")
    # A returning user usually comes back to a partner: the window then opens on its
    # detail pane and charts (USA: the partner most facts name in every dataset).
    selected_paints: list[float] = []
    for _ in range(settings.runs):
        child = run_child(["--first-paint", "--", *app_args, "--country", RETURNING_PARTNER])
        painted_ns, _ = _marked(child, FIRST_PAINT_MARK).split()
        _marked(child, READY_MARK)
        selected_paints.append((int(painted_ns) - child.started_ns) / 1e6)
        peaks.append(child.peak_rss_mb)
    _progress(f"{name}: first paint with {RETURNING_PARTNER} {spread(selected_paints)} ms")
    child = run_child(
        [
            f"--changes={settings.changes}",
            f"--selections={settings.selections}",
            f"--play-years={settings.play_years}",
            f"--seed={settings.seed}",
            f"--budget={settings.budget}",
            f"--settles={settings.settles}",
            *([f"--warm-file={path}"] if path else []),
            *([f"--profile={profile / name}"] if profile else []),
            "--",
            *app_args,
        ]
    )
    result = json.loads(_marked(child, RESULT_MARK))
    peaks.append(child.peak_rss_mb)
    report: dict[str, Any] = {
        "facts": facts,
        "first_paint_ms": spread(first_paints),
        "ready_ms": spread(readies),
        "first_paint_selected_ms": spread(selected_paints),
        "year_change_ms": tail(result["year_change_ms"]),
        "selection_ms": tail(result["selection_ms"]),
        "year_settle_ms": tail(result["year_settle_ms"]),
        "selection_settle_ms": tail(result["selection_settle_ms"]),
        "play": result["play"],
        "peak_rss_mb": round(max(peaks), 1),
        # CPU time is far less disturbed than wall-clock time by other work on the machine;
        # the load average says how busy it was.
        "first_paint_cpu_ms": spread(first_paint_cpu),
        "year_change_cpu_ms": tail(result["year_change_cpu_ms"]),
        "selection_cpu_ms": tail(result["selection_cpu_ms"]),
        "load_average": round(load, 2),
        "runs": settings.runs,
        "year_changes": len(result["year_change_ms"]),
        "selections": len(result["selection_ms"]),
        "selected_during_year_changes": result["selected"],
        "views_repainted": result["views_repainted"],
    }
    _progress(
        f"{name}: year change {report['year_change_ms']} ms, selection "
        f"{report['selection_ms']} ms, play {report['play']}, peak RSS {report['peak_rss_mb']} MB"
    )
    return report


GROWTH_FIGURES: tuple[tuple[str, Callable[[Mapping[str, Any]], float]], ...] = (
    ("first_paint_median", lambda r: r["first_paint_ms"]["median"]),
    ("year_change_p95", lambda r: r["year_change_ms"]["p95"]),
    ("selection_p95", lambda r: r["selection_ms"]["p95"]),
    ("peak_rss", lambda r: r["peak_rss_mb"]),
)


def add_growth(results: dict[str, dict[str, Any]]) -> None:
    """Each synthetic dataset's figures as multiples of the curated ones."""
    curated = results.get("curated")
    if curated is None:
        return
    for name, report in results.items():
        if name == "curated":
            continue
        report["growth_vs_curated"] = {
            figure: round(value(report) / value(curated), 2) if value(curated) else None
            for figure, value in GROWTH_FIGURES
        }


def run_benchmark(
    datasets: Sequence[str], settings: Settings, cache: Path, profile: Path | None = None
) -> dict[str, Any]:
    if profile is not None:
        profile.mkdir(parents=True, exist_ok=True)
    results = {name: measure_dataset(name, settings, cache, profile) for name in datasets}
    add_growth(results)
    return results


# --- the child: the real app, probed -------------------------------------------------------


def child_main(options: argparse.Namespace, app_args: Sequence[str]) -> int:
    """Run ``afgui.app.main`` and act once its main window has been shown."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    # afgui.app.main uses an existing QApplication, so the probe can watch from the start.
    app = QApplication(sys.argv[:1])

    class ShowProbe(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Show and isinstance(watched, QMainWindow):
                app.removeEventFilter(self)
                window = watched
                QTimer.singleShot(0, lambda: _on_shown(app, window, options))
            return False

    probe = ShowProbe()
    app.installEventFilter(probe)
    from afgui.app import main

    # A settings file of its own: the user's saved window state must neither change what
    # is measured nor be overwritten by it. It is only read (the child ends with
    # os._exit, before the app would save), so nothing is created.
    settings = Path(tempfile.gettempdir()) / f"afgui-bench-{os.getpid()}" / "afgui.ini"
    size = f"{WINDOW_SIZE[0]}x{WINDOW_SIZE[1]}"
    return main(["--size", size, "--settings", str(settings), *app_args])


def _paint_everything(app: Any, window: Any) -> None:
    """Lay the window out (its posted layout requests) and paint all of it, once.

    Nothing else runs first: work the app defers until after its first paint (a queued
    call, a timer) stays deferred, as it is for a person looking at the window.
    """
    from PySide6.QtCore import QEvent

    app.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    window.repaint()


def _on_shown(app: Any, window: Any, options: argparse.Namespace) -> None:
    _paint_everything(app, window)
    if options.first_paint:
        painted = time.monotonic_ns()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu_ms = (usage.ru_utime + usage.ru_stime) * 1000
        print(f"{FIRST_PAINT_MARK} {painted} {cpu_ms:.1f}", flush=True)
        _wait_until_ready(window)
        print(f"{READY_MARK} {time.monotonic_ns()}", flush=True)
        # The process is done: skip teardown (it is not part of start-up).
        os._exit(0)
    # What the app does right after its first paint (building the charts, making the
    # database engine) is not part of the first interaction measured: a person needs
    # longer than this to reach the slider. Measuring starts when it is done.
    _run_for(STARTUP_IDLE_MS)
    _wait_until_ready(window)
    try:
        result = _measure_window(app, window, options)
    except BaseException as error:
        import traceback

        traceback.print_exc()
        print(f"afgui.bench: measuring failed: {error}", file=sys.stderr, flush=True)
        os._exit(1)
    print(f"{RESULT_MARK} {json.dumps(result)}", flush=True)
    os._exit(0)


class _PaintCounter:
    """Counts paint events of each view (and its descendants), to check what repainted."""

    def __init__(self, views: Mapping[str, Any]) -> None:
        from PySide6.QtCore import QEvent, QObject
        from PySide6.QtWidgets import QWidget

        self.counts = dict.fromkeys(views, 0)
        counts = self.counts
        paint = QEvent.Type.Paint

        class Filter(QObject):
            def __init__(self, name: str) -> None:
                super().__init__()
                self.name = name

            def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
                if event.type() == paint:
                    counts[self.name] += 1
                return False

        self._watched: list[tuple[QObject, list[QWidget]]] = [
            (Filter(name), [view, *view.findChildren(QWidget)]) for name, view in views.items()
        ]
        self.resume()

    def pause(self) -> None:
        """Stop counting: each filter is a Python call for every event the views get
        (a selection at 1M facts took ~0.6 ms longer with them, alternating blocks of 30
        rare partners), which a phase that does not count should not pay."""
        for watcher, widgets in self._watched:
            for widget in widgets:
                widget.removeEventFilter(watcher)

    def resume(self) -> None:
        for watcher, widgets in self._watched:
            for widget in widgets:
                widget.installEventFilter(watcher)

    def snapshot(self) -> dict[str, int]:
        return dict(self.counts)


def _measure_window(app: Any, window: Any, options: argparse.Namespace) -> dict[str, Any]:
    from PySide6.QtCore import QElapsedTimer

    state = window.state
    views = {
        "map": window.map_panel,
        "list": window.partner_list,
        "detail": window.detail,
        "charts": window.charts,
        "slider": window.time_controls,
    }
    counter = _PaintCounter(views)
    relations = window.detail._relations
    catalog = window.detail._catalog
    counts = catalog.fact_counts()
    partners = sorted(relations.partners(), key=lambda code: (-counts.get(code, 0), code))
    rng = random.Random(options.seed)  # noqa: S311 - a reproducible sequence, not a secret
    first, last = state.first_year, state.last_year
    clock = QElapsedTimer()

    def timed(action: Callable[[], None], cpu: list[float]) -> float:
        """Wall-clock milliseconds of ``action`` and the repaint; its CPU time to ``cpu``."""
        cpu_start = time.process_time_ns()
        clock.start()
        action()
        _settle(app)
        elapsed = clock.nsecsElapsed() / 1e6
        cpu.append((time.process_time_ns() - cpu_start) / 1e6)
        return elapsed

    profiler = _Profiler(str(options.profile) if options.profile else None)
    # The file read through again before each phase: this machine's kernel gives back
    # pages of a file not read for a while (an eighth of the 1M database a minute after
    # reading it), and the phases come a minute or more after the parent read it.
    read_through(options.warm_file)
    # Year changes with the most-named partner selected: every view has work to do.
    selected = partners[0] if partners else ""
    state.select(selected)
    state.set_year(last)
    _settle(app)
    repainted = dict.fromkeys(views, 0)
    year_times: list[float] = []
    year_cpu: list[float] = []
    profiler.start()
    year = last
    deadline = time.monotonic() + options.budget
    for step in range(options.changes):
        if step >= MIN_SAMPLES and time.monotonic() > deadline:
            break
        if step % 4 == 3:
            target = rng.randint(first, last)
        else:
            target = year - 1 if year > first else year + 1
        if target == year:
            continue
        before = counter.snapshot()
        year_times.append(timed(partial(state.set_year, target), year_cpu))
        after = counter.snapshot()
        for name in views:
            repainted[name] += after[name] > before[name]
        year = target

    profiler.stop("year-change")
    # The work views defer until the year stands still (the detail body, the list's
    # re-sort) runs later, in one go: how long does it block the window?
    settle_stalls = [
        _stall_after(app, partial(state.set_year, rng.randint(first, last)))
        for _ in range(options.settles)
    ]
    # Selections at a fixed year: popular partners and a random sample of the others.
    # Nothing counts their paints.
    counter.pause()
    read_through(options.warm_file)
    state.set_year(min(max(2010, first), last))
    _settle(app)
    candidates = partners[: max(1, options.selections // 2)]
    others = partners[len(candidates) :]
    candidates += rng.sample(others, min(len(others), options.selections - len(candidates)))
    selection_times: list[float] = []
    selection_cpu: list[float] = []
    profiler.start()
    deadline = time.monotonic() + options.budget
    for code in candidates:
        if len(selection_times) >= MIN_SAMPLES and time.monotonic() > deadline:
            break
        if code == state.selection:
            continue
        selection_times.append(timed(partial(state.select, code), selection_cpu))
    if not selection_times and partners:
        selection_times.append(timed(partial(state.select, ""), selection_cpu))

    profiler.stop("selection")
    # What a selection leaves for after its paint (the rest of a long timeline, added in
    # steps): how long does it block the window? The most-named partners, which have
    # the longest timelines.
    selection_stalls: list[float] = []
    for code in partners[: options.settles + 1]:
        if code != state.selection and len(selection_stalls) < options.settles:
            selection_stalls.append(_stall_after(app, partial(state.select, code)))
    counter.resume()
    play = _play(app, window, counter, options.play_years)
    return {
        "year_change_ms": year_times,
        "year_change_cpu_ms": year_cpu,
        "year_settle_ms": settle_stalls,
        "selection_settle_ms": selection_stalls or [0.0],
        "selection_ms": selection_times,
        "selection_cpu_ms": selection_cpu,
        "play": play,
        "selected": selected,
        "views_repainted": {
            name: f"{count}/{len(year_times)}" for name, count in repainted.items()
        },
    }


class _Profiler:
    """pyinstrument around a phase when ``--profile PREFIX`` is given (PREFIX-phase.txt)."""

    def __init__(self, prefix: str | None) -> None:
        self._prefix = prefix
        self._profiler: Any = None

    def start(self) -> None:
        if self._prefix:
            from pyinstrument import Profiler

            self._profiler = Profiler(interval=0.0005)
            self._profiler.start()

    def stop(self, phase: str) -> None:
        if self._profiler is not None:
            self._profiler.stop()
            path = Path(f"{self._prefix}-{phase}.txt")
            path.write_text(self._profiler.output_text(show_all=False), encoding="utf-8")
            self._profiler = None


#: Left to the app after its first paint before the interactions are measured.
STARTUP_IDLE_MS = 1000


#: The longest a child waits for the window to be ready after its first paint.
READY_TIMEOUT_S = 60.0


def _wait_until_ready(window: Any) -> None:
    """Deliver events until what the window does after its first paint is done: the
    charts are built, the database engine has been made (afgui.data.lazy_engine), every
    year's map colours and list rows and every partner's explanation columns are
    prepared (afgui.ui.prefetch), the largest countries' outline coverage is worked out
    (afgui.ui.world_map) and the detail pane shows the selected partner's facts."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    from afgui.data.lazy_engine import WARM_UP_THREAD
    from afgui.ui.prefetch import PartnerPrefetch, YearPrefetch
    from afgui.ui.world_map import WorldMapView

    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        warming = any(t.name == WARM_UP_THREAD for t in threading.enumerate())
        prefetches = [*window.findChildren(YearPrefetch), *window.findChildren(PartnerPrefetch)]
        prefetching = not all(p.done for p in prefetches) or any(
            view.warming for view in window.findChildren(WorldMapView)
        )
        if (
            window.charts_built
            and not warming
            and not prefetching
            and not window.detail.body_pending
        ):
            return
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        time.sleep(0.001)
    raise RuntimeError(f"the window was not ready {READY_TIMEOUT_S:.0f} s after its first paint")


def _run_for(milliseconds: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


#: How long the window is watched after a year change for deferred work.
SETTLE_WATCH_MS = 700


def _stall_after(app: Any, action: Callable[[], None]) -> float:
    """The longest the event loop was blocked in the ``SETTLE_WATCH_MS`` after ``action``
    and its immediate repaint: a 1 ms timer that cannot fire shows the stall."""
    from PySide6.QtCore import QEventLoop, QTimer

    action()
    _settle(app)
    ticks: list[int] = [time.monotonic_ns()]
    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(lambda: ticks.append(time.monotonic_ns()))
    loop = QEventLoop()
    QTimer.singleShot(SETTLE_WATCH_MS, loop.quit)
    timer.start()
    loop.exec()
    timer.stop()
    ticks.append(time.monotonic_ns())
    return max(b - a for a, b in pairwise(ticks)) / 1e6


def _settle(app: Any) -> None:
    """Deliver every queued signal and posted event, including the update requests that
    paint what changed, until nothing is left."""
    for _ in range(3):
        app.sendPostedEvents()
        app.processEvents()


def _play(app: Any, window: Any, counter: _PaintCounter, years: int) -> dict[str, Any]:
    from PySide6.QtCore import QEventLoop, QTimer

    state = window.state
    controls = window.time_controls
    controls.speed_box.setCurrentIndex(controls.speed_box.count() - 1)
    interval = controls.interval_ms
    start = max(state.first_year, state.last_year - years)
    steps_wanted = min(years, state.last_year - start)
    state.set_year(start)
    _settle(app)
    loop = QEventLoop()
    ticks: list[tuple[int, int, int]] = []  # (time ns, year, map paints so far)

    def on_year(year: int) -> None:
        ticks.append((time.monotonic_ns(), year, counter.counts["map"]))
        if len(ticks) >= steps_wanted:
            controls.pause()
            QTimer.singleShot(0, loop.quit)

    state.year_changed.connect(on_year)
    QTimer.singleShot(int(steps_wanted * interval * 4 + 10_000), loop.quit)
    started = time.monotonic_ns()
    if steps_wanted > 0:
        controls.play()
        loop.exec()
    controls.pause()
    state.year_changed.disconnect(on_year)
    _settle(app)
    dropped = 0
    previous_ns, previous_paints = started, None
    for index, (at_ns, _year, paints) in enumerate(ticks):
        late = (at_ns - previous_ns) / 1e6 / interval
        dropped += max(0, round(late) - 1)
        if previous_paints is not None and paints == previous_paints:
            dropped += 1  # the previous year was never painted
        previous_ns, previous_paints = at_ns, paints
        if index == len(ticks) - 1 and counter.counts["map"] == paints:
            dropped += 1
    missing = max(0, steps_wanted - len(ticks))
    return {
        "steps": len(ticks),
        "dropped": dropped + missing,
        "interval_ms": interval,
        "years": f"{start}-{start + steps_wanted}",
    }


# --- command line -------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m afgui.bench",
        description="Measure afgui's start-up, year change, selection, play and memory, "
        "on the curated data and on synthetic databases; prints JSON.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="the curated dataset only, fewer repetitions"
    )
    parser.add_argument(
        "--datasets",
        help=f"comma-separated: curated, synth_<N>[k|m] (default {','.join(DEFAULT_DATASETS)})",
    )
    parser.add_argument("--runs", type=int, help="first-paint runs per dataset (5; quick 3)")
    parser.add_argument("--changes", type=int, help="year changes measured (300; quick 100)")
    parser.add_argument("--selections", type=int, help="selection changes (40; quick 20)")
    parser.add_argument("--play-years", type=int, default=80, help="years played (80)")
    parser.add_argument(
        "--settles",
        type=int,
        help="year changes and selections watched for deferred work (10; quick 5)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the year/partner sequence")
    parser.add_argument(
        "--budget",
        type=float,
        default=120.0,
        help="seconds a year-change or selection phase may take before it stops early, "
        f"with at least {MIN_SAMPLES} samples (120)",
    )
    parser.add_argument("--cache-dir", type=Path, help="where synthetic databases are kept")
    parser.add_argument(
        "--profile",
        metavar="DIR",
        type=Path,
        help="profile the year-change and selection phases with pyinstrument into DIR",
    )
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    # Internal: the measured child process.
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--first-paint", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--warm-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("app_args", nargs="*", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    options = parser.parse_args(argv)
    if options.child:
        options.changes = options.changes or 0
        options.selections = options.selections or 0
        options.settles = options.settles or 0
        return child_main(options, options.app_args)
    datasets = (
        ["curated"]
        if options.quick and not options.datasets
        else (options.datasets.split(",") if options.datasets else list(DEFAULT_DATASETS))
    )
    try:
        for name in datasets:
            dataset_facts(name)
    except ValueError as error:
        parser.error(str(error))
    settings = Settings(
        runs=max(1, options.runs or (3 if options.quick else 5)),
        changes=max(1, options.changes or (100 if options.quick else 300)),
        selections=max(1, options.selections or (20 if options.quick else 40)),
        play_years=max(1, options.play_years),
        seed=options.seed,
        budget=options.budget,
        settles=max(1, options.settles or (5 if options.quick else 10)),
    )
    try:
        results = run_benchmark(
            datasets,
            settings,
            options.cache_dir or cache_dir(),
            options.profile,
        )
    except RuntimeError as error:
        print(f"afgui.bench: {error}", file=sys.stderr)
        return 1
    text = json.dumps(results, indent=2)
    print(text)
    if options.out is not None:
        options.out.parent.mkdir(parents=True, exist_ok=True)
        options.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
