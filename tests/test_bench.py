"""``python -m afgui.bench``: a tiny run gives complete, valid JSON (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from afgui.bench import add_growth, dataset_facts, percentile, read_through, spread, tail

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _number(value: Any) -> float:
    assert isinstance(value, int | float)
    assert not isinstance(value, bool)
    assert value >= 0
    return float(value)


def _check_dataset(report: dict[str, Any], play_years: int) -> None:
    first = report["first_paint_ms"]
    assert set(first) == {"median", "min", "max"}
    assert _number(first["min"]) <= _number(first["median"]) <= _number(first["max"])
    ready = report["ready_ms"]
    assert set(ready) == {"median", "min", "max"}
    assert _number(ready["min"]) <= _number(ready["median"]) <= _number(ready["max"])
    # Each run is ready (charts built, engine made) only after its first paint.
    assert ready["min"] >= first["min"]
    selected = report["first_paint_selected_ms"]
    assert set(selected) == {"median", "min", "max"}
    assert _number(selected["min"]) <= _number(selected["median"]) <= _number(selected["max"])
    for key in (
        "year_change_ms",
        "year_change_cpu_ms",
        "year_settle_ms",
        "selection_settle_ms",
        "selection_ms",
        "selection_cpu_ms",
    ):
        figures = report[key]
        assert set(figures) == {"p50", "p95", "max"}
        assert _number(figures["p50"]) <= _number(figures["p95"]) <= _number(figures["max"])
    play = report["play"]
    assert play["steps"] == play_years
    assert 0 <= play["dropped"] <= play["steps"] * 10
    assert _number(report["peak_rss_mb"]) > 10
    assert report["facts"] > 0
    assert set(report["views_repainted"]) == {"map", "list", "detail", "charts", "slider"}


def test_quick_bench_prints_complete_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    command = [
        sys.executable,
        "-m",
        "afgui.bench",
        "--quick",
        "--datasets=curated,synth_2k",
        "--runs=1",
        "--changes=4",
        "--selections=2",
        "--play-years=2",
        "--settles=1",
        f"--cache-dir={tmp_path / 'cache'}",
        f"--out={out}",
    ]
    finished = subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert finished.returncode == 0, finished.stderr
    results = json.loads(finished.stdout)
    assert json.loads(out.read_text()) == results
    assert list(results) == ["curated", "synth_2k"]
    for report in results.values():
        _check_dataset(report, play_years=2)
    assert results["synth_2k"]["facts"] == 2000
    assert set(results["synth_2k"]["growth_vs_curated"]) == {
        "first_paint_median",
        "year_change_p95",
        "selection_p95",
        "peak_rss",
    }
    # The synthetic database is cached for the next run.
    assert len(list((tmp_path / "cache").glob("synth-*-f2000-*.sqlite3"))) == 1


def test_statistics() -> None:
    values = [5.0, 1.0, 3.0, 2.0, 4.0]
    assert percentile(values, 0.5) == 3.0
    assert percentile(values, 0.95) == pytest.approx(4.8)
    assert percentile([7.0], 0.95) == 7.0
    assert spread(values) == {"median": 3.0, "min": 1.0, "max": 5.0}
    assert tail(values) == {"p50": 3.0, "p95": 4.8, "max": 5.0}
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_dataset_names() -> None:
    assert dataset_facts("curated") is None
    assert dataset_facts("synth_100k") == 100_000
    assert dataset_facts("synth_1m") == 1_000_000
    assert dataset_facts("synth_2500") == 2500
    with pytest.raises(ValueError, match="unknown dataset"):
        dataset_facts("synthetic")


def test_growth_is_relative_to_curated() -> None:
    def report(scale: float) -> dict[str, Any]:
        return {
            "first_paint_ms": {"median": 100 * scale},
            "year_change_ms": {"p95": 2 * scale},
            "selection_ms": {"p95": 10 * scale},
            "peak_rss_mb": 50 * scale,
        }

    results = {"curated": report(1), "synth_1m": report(3)}
    add_growth(results)
    assert results["synth_1m"]["growth_vs_curated"] == dict.fromkeys(
        ("first_paint_median", "year_change_p95", "selection_p95", "peak_rss"), 3.0
    )
    assert "growth_vs_curated" not in results["curated"]


def test_read_through_reads_the_whole_file(tmp_path: Path) -> None:
    """The database file is read to its end (it spans several of the 1 MB reads); no
    file, or one that cannot be read, reads nothing."""
    path = tmp_path / "data.sqlite3"
    path.write_bytes(bytes(range(256)) * 9_000)  # 2.2 MB
    assert read_through(path) == 256 * 9_000
    assert read_through(None) == 0
    assert read_through(tmp_path / "missing.sqlite3") == 0


def test_unknown_dataset_is_a_usage_error() -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "afgui.bench", "--datasets=nonsense"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 2
    assert "unknown dataset" in finished.stderr
