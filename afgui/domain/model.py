"""Frozen value types of afgui's domain: actors, Afghan governments, sources and facts.

These are what the services hand to the UI and the CLI; ORM objects never leave the data
layer. Everything here is immutable and hashable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from afgui.domain.vocab import (
    ActorKind,
    AfghanSide,
    AmountKind,
    DatePrecision,
    FactKind,
    SourceKind,
    YearBasis,
)


@dataclass(frozen=True, slots=True)
class ActorName:
    """A name an actor bore in a span of years (Persia until 1934, Iran after)."""

    name: str
    start_year: int | None = None
    end_year: int | None = None

    def holds_in(self, year: int) -> bool:
        return (self.start_year is None or year >= self.start_year) and (
            self.end_year is None or year <= self.end_year
        )


@dataclass(frozen=True, slots=True)
class Actor:
    """A state (current or historic), an international organisation or a non-state group.

    ``map_shapes`` are ISO 3166-1 alpha-2 codes of today's countries that draw the actor;
    a historic state is the union of its successors' shapes; organisations have none.
    """

    code: str
    name: str
    kind: ActorKind
    start_year: int | None = None
    end_year: int | None = None
    predecessor: str | None = None
    successor: str | None = None
    map_shapes: tuple[str, ...] = ()
    other_names: tuple[ActorName, ...] = ()
    note: str | None = None

    def exists_in(self, year: int) -> bool:
        return (self.start_year is None or year >= self.start_year) and (
            self.end_year is None or year <= self.end_year
        )

    def name_in(self, year: int) -> str:
        for other in self.other_names:
            if other.holds_in(year):
                return other.name
        return self.name


@dataclass(frozen=True, slots=True)
class Government:
    """An Afghan government and the dates it held Kabul (``end`` is None while it still does)."""

    code: str
    name: str
    start: dt.date
    end: dt.date | None
    side: AfghanSide
    note: str | None = None

    def held_kabul_in(self, year: int) -> bool:
        return self.start.year <= year and (self.end is None or self.end.year >= year)


@dataclass(frozen=True, slots=True)
class Source:
    """A seed document that facts cite. Unknown bibliographic fields are None, never guessed."""

    id: str
    title: str | None
    kind: SourceKind
    seed_file: str
    author: str | None = None
    publisher: str | None = None
    published: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class FactDate:
    """When a fact happened, as precisely as its text allows.

    ``year`` is the first (or only) year, ``end_year`` the last year of a span (equal to
    ``year`` for a point in time, None for a span still open or an unknown date).
    """

    precision: DatePrecision
    year: int | None = None
    month: int | None = None
    day: int | None = None
    end_year: int | None = None
    basis: YearBasis = YearBasis.STATED
    note: str | None = None

    @property
    def text(self) -> str | None:
        """The date as written in the sources: ``1997-05-26``, ``1931``, ``1992/1996``."""
        if self.precision is DatePrecision.UNKNOWN or self.year is None:
            return None
        if self.precision is DatePrecision.SPAN:
            end = ".." if self.end_year is None else f"{self.end_year:04d}"
            return f"{self.year:04d}/{end}"
        if self.precision is DatePrecision.DAY:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.precision is DatePrecision.MONTH:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Orders facts in time; unknown dates sort last."""
        if self.year is None:
            return (9999, 99, 99)
        return (self.year, self.month or 0, self.day or 0)


@dataclass(frozen=True, slots=True)
class Amount:
    """A money figure exactly as the source gives it, with what kind of figure it is."""

    value: float
    currency: str
    kind: AmountKind
    approximate: bool = False
    price_basis: str = "current"


@dataclass(frozen=True, slots=True)
class Citation:
    source_id: str
    quote: str


@dataclass(frozen=True, slots=True)
class Fact:
    """One curated interaction, with the verbatim quote it rests on.

    ``partners`` lists foreign actors, the principal one first. ``third_party`` marks a
    relation between foreign actors about Afghanistan (e.g. the Soviet-US aid cut-off).
    ``same_event_as`` names the fact (usually from another source) that reports the same
    real event, so measures count the event once while both citations stay visible.
    """

    id: str
    partners: tuple[str, ...]
    kind: FactKind
    afghan_side: AfghanSide
    date: FactDate
    tone: int
    summary: str
    citation: Citation
    amount: Amount | None = None
    third_party: bool = False
    note: str | None = None
    same_event_as: str | None = None
