"""The curated date notation: every accepted form and the errors for the rest."""

from __future__ import annotations

import pytest

from afgui.domain.dates import DateFormatError, parse_fact_date
from afgui.domain.vocab import DatePrecision


@pytest.mark.parametrize(
    ("text", "precision", "year", "end_year", "rendered"),
    [
        ("1931", DatePrecision.YEAR, 1931, 1931, "1931"),
        ("1978-04", DatePrecision.MONTH, 1978, 1978, "1978-04"),
        ("1997-05-26", DatePrecision.DAY, 1997, 1997, "1997-05-26"),
        ("1992/1996", DatePrecision.SPAN, 1992, 1996, "1992/1996"),
        ("1950/..", DatePrecision.SPAN, 1950, None, "1950/.."),
        ("1950s", DatePrecision.SPAN, 1950, 1959, "1950/1959"),
        ("unknown", DatePrecision.UNKNOWN, None, None, None),
    ],
)
def test_accepted_forms(
    text: str,
    precision: DatePrecision,
    year: int | None,
    end_year: int | None,
    rendered: str | None,
) -> None:
    date = parse_fact_date(text)
    assert (date.precision, date.year, date.end_year, date.text) == (
        precision,
        year,
        end_year,
        rendered,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1997-02-30", "impossible date"),
        ("1997-13", "impossible date"),
        ("1996/1992", "ends before it starts"),
        ("May 1997", "malformed date"),
        ("97", "malformed date"),
    ],
)
def test_rejected_forms(text: str, message: str) -> None:
    with pytest.raises(DateFormatError, match=message):
        parse_fact_date(text)


def test_unknown_dates_sort_last() -> None:
    assert parse_fact_date("unknown").sort_key > parse_fact_date("2021-08-15").sort_key
