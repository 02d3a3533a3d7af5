"""The catalogue of curated data: actors, governments, sources and facts.

One short session per call, values out as frozen dataclasses. Reference data (actors,
governments, sources) is small and read once, then kept.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from afgui.data import repository
from afgui.domain.model import Actor, Fact, Government, Source


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
        with Session(self._engine) as session:
            return repository.load_facts_of_partner(session, actor_code)

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
