"""``afgui-db export``: the JSON document and the CSV of facts."""

from __future__ import annotations

import csv
import io
import json
import math
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


def test_json_measures(tmp_path: Path, fixture_sources: Path) -> None:
    document = json.loads(_export(tmp_path, fixture_sources, "json"))
    measures = document["measures"]
    assert (measures["scale_min"], measures["scale_max"]) == (-10.0, 10.0)
    first, last = measures["first_year"], measures["last_year"]
    strength = document["relation_strength"]
    partners = sorted({record["partner"] for record in strength})
    assert partners == ["IRN", "JPN", "PAK", "RUS", "SUN"]
    # Every partner, year and side of the covered range, once.
    keys = {(r["partner"], r["year"], r["side"]) for r in strength}
    assert len(keys) == len(strength) == len(partners) * (last - first + 1) * 3
    cells = {(r["partner"], r["year"], r["side"]): (r["value"], r["status"]) for r in strength}
    assert cells[("PAK", 1997, "taliban")] == (round(10 * math.tanh(0.6), 4), "recognition")
    assert cells[("PAK", 1997, "government")] == (None, None)
    assert cells[("SUN", 1979, "government")] == (round(10 * math.tanh(-1.0), 4), "hostilities")
    assert cells[("SUN", 1992, "government")] == (None, None)
    assert cells[("IRN", last, "government")] == (None, None)  # its one fact is undated
    assert "cumulative_total" in document["aid_note"] and "current" in document["aid_note"]
    assert document["aid"] == [
        {
            "partner": "JPN",
            "year": 2002,
            "amount": 1e9,
            "currency": "USD",
            "amount_kind": "pledge",
            "approximate": False,
            "price_basis": "current",
            "fact": "jpn-2002-pledge",
        },
        {
            "partner": "JPN",
            "year": 2002,
            "amount": 2e9,
            "currency": "USD",
            "amount_kind": "cumulative_total",
            "approximate": False,
            "price_basis": "current",
            "fact": "jpn-2002-total",
        },
    ]
