"""The catalogue of curated data: actors, governments, sources and facts.

One short session per call, values out as frozen dataclasses. Reference data (actors,
governments, sources) is small and read once, then kept; so are the facts of the last
few partners asked for (see :data:`FACTS_CACHE_SIZE`).
"""

from __future__ import annotations

import bisect
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from afgui.data import repository
from afgui.data.repository import FactWindow
from afgui.domain.model import Actor, Fact, Government, Source

__all__ = ["FACTS_CACHE_SIZE", "NEAR_MARGIN", "Catalog", "CorpusStats", "FactWindow"]

#: Partners whose facts stay loaded. The detail pane and the relation explanations both
#: ask for the selected partner's facts, again whenever the year settles; a partner of a
#: large database has tens of thousands (26 549 facts, 0.97 s CPU to load, at 100 000
#: synthetic facts). Two partners: the selected one and the one selected before.
FACTS_CACHE_SIZE = 2
#: :meth:`Catalog.facts_near` reads this many times the facts asked for, centred on the
#: year, so the following settled years of a drag are mostly served from memory.
NEAR_MARGIN = 3


@dataclass(frozen=True, slots=True)
class CorpusStats:
    """Facts counted per actor, kind, source and decade (``unknown`` for undated facts)."""

    facts: int
    per_actor: tuple[tuple[str, int], ...]
    per_kind: tuple[tuple[str, int], ...]
    per_source: tuple[tuple[str, int], ...]
    per_decade: tuple[tuple[str, int], ...]


class Catalog:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._facts_of: OrderedDict[str, tuple[Fact, ...]] = OrderedDict()
        self._facts_lock = threading.Lock()
        self._near: dict[str, FactWindow] = {}
        self._per_year: dict[str, dict[int | None, int]] = {}

    @cached_property
    def actors(self) -> tuple[Actor, ...]:
        with Session(self._engine) as session:
            return tuple(repository.load_actors(session))

    @cached_property
    def actors_by_code(self) -> dict[str, Actor]:
        return {actor.code: actor for actor in self.actors}

    @cached_property
    def governments(self) -> tuple[Government, ...]:
        with Session(self._engine) as session:
            return tuple(repository.load_governments(session))

    @cached_property
    def sources(self) -> tuple[Source, ...]:
        with Session(self._engine) as session:
            return tuple(repository.load_sources(session))

    @cached_property
    def sources_by_id(self) -> dict[str, Source]:
        return {source.id: source for source in self.sources}

    def governments_in(self, year: int) -> tuple[Government, ...]:
        """The Afghan governments that held Kabul at some point in ``year``, in order."""
        return tuple(g for g in self.governments if g.held_kabul_in(year))

    def facts(self) -> list[Fact]:
        with Session(self._engine) as session:
            return repository.load_facts(session)

    def facts_of(self, actor_code: str) -> list[Fact]:
        """The facts naming ``actor_code``, in time order (a new list of shared facts)."""
        with self._facts_lock:
            cached = self._facts_of.get(actor_code)
            if cached is not None:
                self._facts_of.move_to_end(actor_code)
                return list(cached)
        with Session(self._engine) as session:
            loaded = tuple(repository.load_facts_of_partner(session, actor_code))
        with self._facts_lock:
            self._facts_of[actor_code] = loaded
            while len(self._facts_of) > FACTS_CACHE_SIZE:
                self._facts_of.popitem(last=False)
        return list(loaded)

    def facts_near(self, actor_code: str, year: int, limit: int) -> FactWindow:
        """At most ``limit`` facts naming ``actor_code`` nearest the end of ``year``.

        The slice of :meth:`facts_of`'s list centred on the year as far as its ends allow,
        without loading the rest: a popular partner of a large database has hundreds of
        thousands of facts. The partner's facts per year and a wider window are read and
        kept for the last partner; the window is read again once the year leaves it.
        """
        with self._facts_lock:
            kept = self._near.get(actor_code)
            per_year = self._per_year.get(actor_code)
        if kept is not None:
            window = _slice(kept, year, limit)
            if window is not None:
                return window
        with Session(self._engine) as session:
            if per_year is None:
                per_year = repository.count_facts_of_per_year(session, actor_code)
            kept = repository.load_facts_window(
                session, actor_code, year, limit * NEAR_MARGIN, per_year
            )
        with self._facts_lock:
            self._near = {actor_code: kept}
            self._per_year = {actor_code: per_year}
        window = _slice(kept, year, limit)
        assert window is not None  # a window centred on the year holds the year's slice
        return window

    def event_years(self, actor_code: str) -> tuple[int, ...]:
        """The years in which facts naming ``actor_code`` begin, in order, each once.

        From the partner's facts per year (kept for the last partner, as
        :meth:`facts_near` reads them), not from its facts.
        """
        with self._facts_lock:
            per_year = self._per_year.get(actor_code)
        if per_year is None:
            with Session(self._engine) as session:
                per_year = repository.count_facts_of_per_year(session, actor_code)
            with self._facts_lock:
                self._per_year = {actor_code: per_year}
                self._near.pop(actor_code, None)
        return tuple(sorted(year for year in per_year if year is not None))

    def fact_counts(self) -> dict[str, int]:
        with Session(self._engine) as session:
            return repository.count_facts_per_partner(session)

    def stats(self) -> CorpusStats:
        facts = self.facts()
        per_actor: Counter[str] = Counter()
        per_kind: Counter[str] = Counter()
        per_source: Counter[str] = Counter()
        per_decade: Counter[str] = Counter()
        for fact in facts:
            per_actor.update(fact.partners)
            per_kind[fact.kind.value] += 1
            per_source[fact.citation.source_id] += 1
            year = fact.date.year
            per_decade["unknown" if year is None else f"{year // 10 * 10}s"] += 1

        def ordered(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
            return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))

        return CorpusStats(
            facts=len(facts),
            per_actor=ordered(per_actor),
            per_kind=ordered(per_kind),
            per_source=ordered(per_source),
            per_decade=tuple(sorted(per_decade.items())),
        )


def _slice(kept: FactWindow, year: int, limit: int) -> FactWindow | None:
    """The ``limit`` facts of ``kept``'s partner nearest ``year``; None if not all kept."""
    facts = kept.facts
    found = bisect.bisect_right(facts, (year, 99, 99), key=lambda fact: fact.date.sort_key)
    # The year's place among all the partner's facts is known only inside the window.
    if (found == 0 and kept.start > 0) or (
        found == len(facts) and kept.start + len(facts) < kept.total
    ):
        return None
    position = kept.start + found
    start = max(0, min(position - limit // 2, kept.total - limit))
    end = min(kept.total, start + limit)
    if start < kept.start or end > kept.start + len(facts):
        return None
    return FactWindow(
        facts[start - kept.start : end - kept.start],
        start,
        kept.total,
        kept.first_year,
        kept.last_year,
    )
