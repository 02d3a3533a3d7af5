"""The catalogue of curated data: actors, governments, sources and facts.

One short session per call, values out as frozen dataclasses. Reference data (actors,
governments, sources) is small and read once, then kept; so are the facts of the last
few partners asked for (see :data:`FACTS_CACHE_SIZE`). A partner's timeline window and
event years come from the per-partner index (:mod:`afgui.services.fact_index`), so only
the facts shown are read.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from afgui.data.lazy_engine import LazyEngine
from afgui.domain.model import Actor, Fact, Government, Source
from afgui.services import fact_index
from afgui.services.fact_index import FactIndex

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

__all__ = [
    "FACTS_CACHE_SIZE",
    "SMALL_CORPUS_FACTS",
    "Catalog",
    "CorpusStats",
    "FactWindow",
    "FactWindowPlace",
    "ReferenceData",
]

#: Partners whose facts stay loaded. The detail pane and the relation explanations both
#: ask for the selected partner's facts, again whenever the year settles; a partner of a
#: large database has tens of thousands (26 549 facts, 0.97 s CPU to load, at 100 000
#: synthetic facts). Two partners: the selected one and the one selected before.
FACTS_CACHE_SIZE = 2

#: A database with at most this many facts has all of them kept in memory once read
#: (:meth:`Catalog.keep_all_facts`, after the window's first paint): the curated one has
#: a few hundred, about a kilobyte each. A selection then reads none: the facts behind
#: a value and the timeline's window had cost two short sessions, 1-4 ms of every
#: selection on the curated data. Larger databases read the few facts shown, by id.
SMALL_CORPUS_FACTS = 5_000


@dataclass(frozen=True, slots=True)
class FactWindow:
    """At most ``limit`` facts of a partner nearest a year, in time order.

    ``facts`` is the slice ``[start, start + len(facts))`` of all ``total`` facts naming
    the partner in time order (unknown dates last), centred on the end of the year as
    far as the ends allow; ``first_year`` and ``last_year`` bound the dated ones.
    """

    facts: tuple[Fact, ...]
    start: int
    total: int
    first_year: int | None
    last_year: int | None


@dataclass(frozen=True, slots=True)
class FactWindowPlace:
    """Where :meth:`Catalog.facts_near`'s window lies, from the index alone: facts
    ``start`` to ``end`` of the ``total`` naming ``actor_code`` (none of them read)."""

    actor_code: str
    start: int
    end: int
    total: int
    first_year: int | None
    last_year: int | None

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class CorpusStats:
    """Facts counted per actor, kind, source and decade (``unknown`` for undated facts)."""

    facts: int
    per_actor: tuple[tuple[str, int], ...]
    per_kind: tuple[tuple[str, int], ...]
    per_source: tuple[tuple[str, int], ...]
    per_decade: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class ReferenceData:
    """The small tables read once and kept: actors, Afghan governments, sources."""

    actors: tuple[Actor, ...]
    governments: tuple[Government, ...]
    sources: tuple[Source, ...]


class Catalog:
    """Reads the database (``engine``, made on first query when lazy).

    ``reference`` gives the reference data when it is known already (kept from an
    earlier start, :mod:`afgui.services.quick_start`), so none of it is queried.
    """

    def __init__(self, engine: Engine | LazyEngine, reference: ReferenceData | None = None) -> None:
        self._database = LazyEngine.of(engine)
        self._reference = reference
        self._facts_of: OrderedDict[str, tuple[Fact, ...]] = OrderedDict()
        self._facts_lock = threading.Lock()
        self._near: dict[tuple[str, int, int], tuple[Fact, ...]] = {}
        #: Every fact by id, for a small database once :meth:`keep_all_facts` has run.
        self._all_by_id: dict[str, Fact] | None = None
        self._index: FactIndex | None = None
        self._index_lock = threading.Lock()

    @property
    def database(self) -> LazyEngine:
        return self._database

    def _session(self) -> Session:
        from sqlalchemy.orm import Session

        return Session(self._database.get())

    @property
    def reference(self) -> ReferenceData:
        if self._reference is None:
            from afgui.data import repository

            with self._session() as session:
                self._reference = ReferenceData(
                    actors=tuple(repository.load_actors(session)),
                    governments=tuple(repository.load_governments(session)),
                    sources=tuple(repository.load_sources(session)),
                )
        return self._reference

    @property
    def actors(self) -> tuple[Actor, ...]:
        return self.reference.actors

    @cached_property
    def actors_by_code(self) -> dict[str, Actor]:
        return {actor.code: actor for actor in self.actors}

    @property
    def governments(self) -> tuple[Government, ...]:
        return self.reference.governments

    @property
    def sources(self) -> tuple[Source, ...]:
        return self.reference.sources

    @cached_property
    def sources_by_id(self) -> dict[str, Source]:
        return {source.id: source for source in self.sources}

    def governments_in(self, year: int) -> tuple[Government, ...]:
        """The Afghan governments that held Kabul at some point in ``year``, in order."""
        return tuple(g for g in self.governments if g.held_kabul_in(year))

    def facts(self) -> list[Fact]:
        from afgui.data import repository

        with self._session() as session:
            return repository.load_facts(session)

    def keep_all_facts(self, limit: int = SMALL_CORPUS_FACTS) -> bool:
        """Read every fact and keep them, if there are at most ``limit``; whether kept.

        Meant for a background thread after the first paint: later calls of
        :meth:`facts_of`, :meth:`facts_in` and :meth:`facts_by_ids` are then answered
        from memory, with the same facts in the same order as read from the database.
        """
        if self._all_by_id is not None:
            return True
        if self.fact_index().facts > limit:
            return False
        every = {fact.id: fact for fact in self.facts()}
        with self._facts_lock:
            self._all_by_id = every
        return True

    def _kept(self, fact_ids: Sequence[str]) -> tuple[Fact, ...] | None:
        """The facts with these ids in time order, when all facts are kept; else None."""
        every = self._all_by_id
        if every is None:
            return None
        from afgui.data import repository

        return tuple(repository.in_time_order(every[i] for i in fact_ids if i in every))

    def facts_of(self, actor_code: str) -> list[Fact]:
        """The facts naming ``actor_code``, in time order (a new list of shared facts)."""
        if self._all_by_id is not None:
            index = self.fact_index()
            kept = self._kept(index.fact_ids(index.links(actor_code).facts))
            assert kept is not None
            return list(kept)
        with self._facts_lock:
            cached = self._facts_of.get(actor_code)
            if cached is not None:
                self._facts_of.move_to_end(actor_code)
                return list(cached)
        from afgui.data import repository

        with self._session() as session:
            loaded = tuple(repository.load_facts_of_partner(session, actor_code))
        with self._facts_lock:
            self._facts_of[actor_code] = loaded
            while len(self._facts_of) > FACTS_CACHE_SIZE:
                self._facts_of.popitem(last=False)
        return list(loaded)

    def fact_index(self) -> FactIndex:
        """The per-partner index of the facts (:mod:`afgui.services.fact_index`).

        Mapped from disk when this database's index was stored, else built once (the
        relations service asks for it while it builds its cube, at a first start).
        """
        with self._index_lock:
            if self._index is None:
                self._index = fact_index.load_or_build(self._database)
            return self._index

    def facts_near(self, actor_code: str, year: int, limit: int) -> FactWindow:
        """At most ``limit`` facts naming ``actor_code`` nearest the end of ``year``.

        The slice of :meth:`facts_of`'s list centred on the year as far as its ends allow,
        without loading the rest: a popular partner of a large database has hundreds of
        thousands of facts. The index places the window; only its facts are read, by id.
        """
        place = self.window_place(actor_code, year, limit)
        return FactWindow(
            self.facts_in(place), place.start, place.total, place.first_year, place.last_year
        )

    def window_place(self, actor_code: str, year: int, limit: int) -> FactWindowPlace:
        """Where :meth:`facts_near` finds its window, without reading a fact: a caller
        that shows the window's facts later reads them then (:meth:`facts_in`)."""
        links = self.fact_index().links(actor_code)
        total = len(links)
        start = max(0, min(links.position_after(year) - limit // 2, total - limit))
        end = min(total, start + limit)
        dated = links.dated_years()
        first, last = (int(dated[0]), int(dated[-1])) if len(dated) else (None, None)
        return FactWindowPlace(actor_code, start, end, total, first, last)

    def facts_in(self, place: FactWindowPlace) -> tuple[Fact, ...]:
        """The facts of a window :meth:`window_place` gave, in time order."""
        key = (place.actor_code, place.start, place.end)
        with self._facts_lock:
            kept = self._near.get(key)
        if kept is None:
            links = self.fact_index().links(place.actor_code)
            ids = self.fact_index().fact_ids(links.facts[place.start : place.end])
            kept = self._kept(ids)
            if kept is None:
                from afgui.data import repository

                with self._session() as session:
                    kept = tuple(repository.load_facts_by_ids(session, ids))
            with self._facts_lock:
                # The same window again (a year change inside it) costs no query.
                self._near = {key: kept}
        return kept

    def event_years(self, actor_code: str) -> tuple[int, ...]:
        """The years in which facts naming ``actor_code`` begin, in order, each once."""
        dated = self.fact_index().links(actor_code).dated_years()
        return tuple(int(year) for year in np.unique(dated))

    def facts_by_ids(self, fact_ids: Sequence[str]) -> dict[str, Fact]:
        """The facts with these ids (a few), by id; those of the kept timeline window
        come from memory, so a selection reads the others in the same short session."""
        every = self._all_by_id
        if every is not None:
            return {fact_id: every[fact_id] for fact_id in fact_ids if fact_id in every}
        with self._facts_lock:
            known = {fact.id: fact for facts in self._near.values() for fact in facts}
        missing = [fact_id for fact_id in fact_ids if fact_id not in known]
        if missing:
            from afgui.data import repository

            with self._session() as session:
                known.update((f.id, f) for f in repository.load_facts_by_ids(session, missing))
        return {fact_id: known[fact_id] for fact_id in fact_ids if fact_id in known}

    def fact_counts(self) -> dict[str, int]:
        """How many facts name each actor (from the index: a million facts need no query)."""
        index = self.fact_index()
        counts = np.diff(index.arrays["link_offsets"]).tolist()
        return dict(zip(index.partners, counts, strict=True))

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
