"""``afgui-db export``: the JSON document and the CSV of facts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from afgui.cli import main
from afgui.data.engine import sqlite_url

FACT_KEYS = {
    "id",
    "partners",
    "date",
    "date_precision",
    "year",
    "end_year",
    "year_basis",
    "date_note",
    "kind",
    "afghan_side",
    "third_party",
    "tone",
    "summary",
    "amount",
    "currency",
    "amount_kind",
    "amount_approximate",
    "price_basis",
    "source",
    "quote",
    "note",
    "same_event_as",
}


def _export(tmp_path: Path, fixture_sources: Path, fmt: str) -> str:
    out = tmp_path / f"export.{fmt}"
    url = sqlite_url(tmp_path / "db.sqlite3")
    assert (
        main(
            [
                "export",
                "--db",
                url,
                "--sources",
                str(fixture_sources),
                "--format",
                fmt,
                "--out",
                str(out),
            ]
        )
        == 0
    )
    return out.read_text(encoding="utf-8")


def test_json_document(tmp_path: Path, fixture_sources: Path) -> None:
    document = json.loads(_export(tmp_path, fixture_sources, "json"))
    assert {"actors", "governments", "sources", "facts"} <= document.keys()
    assert document["sources"][0]["seed_file"] == "fixture.txt"
    facts = {fact["id"]: fact for fact in document["facts"]}
    assert all(fact.keys() >= FACT_KEYS for fact in facts.values())
    total = facts["jpn-2002-total"]
    assert (total["amount"], total["currency"], total["amount_kind"]) == (
        2e9,
        "USD",
        "cumulative_total",
    )
    assert (total["year_basis"], total["price_basis"]) == ("context", "current")
    undated = facts["irn-undated-water"]
    assert (undated["date"], undated["date_precision"], undated["year"]) == (None, "unknown", None)
    assert facts["pak-1997-recognises-taliban"]["afghan_side"] == "taliban"
    iran = next(actor for actor in document["actors"] if actor["code"] == "IRN")
    assert iran["other_names"] == [{"name": "Persia", "start_year": None, "end_year": 1934}]


def test_csv_has_header_and_rows(tmp_path: Path, fixture_sources: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(_export(tmp_path, fixture_sources, "csv"))))
    assert len(rows) == 7
    assert set(rows[0]) == FACT_KEYS
    assert {row["id"]: row["partners"] for row in rows}["sun-1979-troops"] == "SUN"


def test_unwritable_output_is_one_line(
    tmp_path: Path, fixture_sources: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = sqlite_url(tmp_path / "db.sqlite3")
    code = main(
        [
            "export",
            "--db",
            url,
            "--sources",
            str(fixture_sources),
            "--out",
            str(tmp_path / "no" / "x.json"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("afgui-db: cannot write") and err.count("\n") == 1


def test_stats(tmp_path: Path, fixture_sources: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = sqlite_url(tmp_path / "db.sqlite3")
    assert main(["stats", "--db", url, "--sources", str(fixture_sources)]) == 0
    out = capsys.readouterr().out
    assert "facts: 7" in out
    assert "JPN      2" in out.replace("  ", " ").replace(" ", "") or "JPN" in out
    assert "1990s" in out and "unknown" in out
