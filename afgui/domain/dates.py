"""Parsing of the date notation used in the curated sources.

Accepted forms: ``unknown``; ``1931``; ``1978-04``; ``1997-05-26``; a span ``1992/1996``;
an open span ``1950/..``; a decade ``1950s`` (the span 1950/1959).
"""

from __future__ import annotations

import datetime as dt
import re

from afgui.domain.model import FactDate
from afgui.domain.vocab import DatePrecision, YearBasis

# ASCII digits only: ``\d`` alone also matches Arabic-Indic and full-width digits.
_POINT = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)
_SPAN = re.compile(r"^(\d{4})/(\d{4}|\.\.)$", re.ASCII)
_DECADE = re.compile(r"^(\d{3})0s$", re.ASCII)


class DateFormatError(ValueError):
    """The text is not in the curated date notation, or names an impossible date."""


def parse_fact_date(
    text: str, basis: YearBasis = YearBasis.STATED, note: str | None = None
) -> FactDate:
    value = text.strip()
    if value == "unknown":
        return FactDate(DatePrecision.UNKNOWN, basis=basis, note=note)
    if match := _DECADE.match(value):
        start = int(match.group(1)) * 10
        return FactDate(DatePrecision.SPAN, start, end_year=start + 9, basis=basis, note=note)
    if match := _SPAN.match(value):
        start = int(match.group(1))
        end = None if match.group(2) == ".." else int(match.group(2))
        if end is not None and end < start:
            raise DateFormatError(f"span {value!r} ends before it starts")
        return FactDate(DatePrecision.SPAN, start, end_year=end, basis=basis, note=note)
    if match := _POINT.match(value):
        year = int(match.group(1))
        month = int(match.group(2)) if match.group(2) else None
        day = int(match.group(3)) if match.group(3) else None
        try:
            dt.date(year, month or 1, day or 1)
        except ValueError as error:
            raise DateFormatError(f"impossible date {value!r}: {error}") from None
        precision = (
            DatePrecision.DAY
            if day is not None
            else DatePrecision.MONTH
            if month is not None
            else DatePrecision.YEAR
        )
        return FactDate(precision, year, month, day, end_year=year, basis=basis, note=note)
    raise DateFormatError(
        f"malformed date {value!r}: use YYYY, YYYY-MM, YYYY-MM-DD, YYYY/YYYY, YYYY/.., "
        "a decade like 1950s, or unknown"
    )


def parse_calendar_date(text: str) -> dt.date:
    """A full ISO date (``1996-09-27``), for government periods."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as error:
        raise DateFormatError(f"malformed date {text!r}: {error}") from None
