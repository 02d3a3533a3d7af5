"""``afgui-db explain PARTNER YEAR --side``: the facts behind a value, on fixture sources."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from afgui.cli import main
from afgui.data.engine import sqlite_url

MEASURES_SOURCES = Path(__file__).parent / "fixtures" / "measures"


def _explain(tmp_path: Path, *args: str) -> int:
    url = sqlite_url(tmp_path / "measures.sqlite3")
    return main(["explain", *args, "--db", url, "--sources", str(MEASURES_SOURCES)])


def test_explain_lists_each_fact_and_the_total(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _explain(tmp_path, "PAK", "1993", "--side", "government") == 0
    out = capsys.readouterr().out
    expected = 10 * math.tanh((6.0 * 0.5 ** (3 / 5) - 7.0) / 10)
    assert out.startswith(
        f"Pakistan (PAK), 1993, the Kabul government's side: {expected:+.2f} "
        "on the scale -10..+10; status: relations broken"
    )
    assert "CAMEO 054 grant diplomatic recognition" in out
    assert "weight -7.0 (WEIS break diplomatic relations)" in out
    assert "(age 3)" in out and "(age 0)" in out
    assert "source: measures" in out and '"break"' in out
    contributions = [float(x) for x in re.findall(r"contribution ([+-]\d+\.\d+)", out)]
    assert len(contributions) == 2
    assert sum(contributions) == pytest.approx(expected, abs=2e-3)
    assert out.rstrip().endswith(f"total {expected:+.2f} = value {expected:+.2f}")


def test_explain_names_second_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _explain(tmp_path, "pak", "1997", "--side", "taliban") == 0
    out = capsys.readouterr().out
    assert "pak-1997-recognises-taliban" in out
    assert "also reported by: pak-1997-second-report-of-recognition" in out
    assert "1 fact(s)" in out


def test_explain_no_data_and_ended_actor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _explain(tmp_path, "RUS", "1993") == 0
    assert "no data" in capsys.readouterr().out
    assert _explain(tmp_path, "SUN", "1995") == 0
    assert "Soviet Union did not exist in 1995 (1922–1991)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("XYZ", "1997"), "afgui-db: unknown partner code 'XYZ'"),
        (("PAK", "1900"), "afgui-db: year 1900 is outside 1979-2021"),
    ],
)
def test_explain_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, str], message: str
) -> None:
    assert _explain(tmp_path, *args) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(message) and captured.err.count("\n") == 1
    assert captured.out == ""


def test_explain_rejects_an_unknown_side(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as raised:
        _explain(tmp_path, "PAK", "1997", "--side", "kabul")
    assert raised.value.code == 2
