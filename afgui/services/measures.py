"""Relation strength, diplomatic status and aid per partner and year, for the map and charts.

``RelationsService`` builds an in-memory cube (partners × years × sides) once, at
construction, with numpy from the fact columns of the per-partner index
(``afgui.services.fact_index``, read from the database in one pass when it is not on disk
yet), so a million facts never become Fact objects; the cube is then kept on disk for
the next start (``afgui.services.cube_cache``). After that, a year change reads
O(partners) values (``values_at``), a partner's curve O(years) (``series``).
``explain_largest`` and ``aid_columns`` slice the partner's columns of the index.
``explain`` loads one partner's facts and recomputes the value fact by fact with the
reference computation of ``afgui.domain.measures``, so the two always agree.

The formula, weights, decay and status rules are in ``afgui/domain/measures.py`` and, in
plain words, in ``docs/methodology.md``.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from afgui.data.lazy_engine import LazyEngine
from afgui.domain.measures import (
    DEALING_KINDS,
    DECAY_PER_YEAR,
    FORMAL_RANK,
    FORMAL_STATUS,
    SCALE_MAX,
    SCALE_MIN,
    VIEW_SIDES,
    AidPoint,
    Contribution,
    DiplomaticStatus,
    Explanation,
    StrengthCell,
    ViewSide,
    aid_points,
    event_weight,
    explain_strength,
    scale_factor,
    tone_factor,
)
from afgui.domain.model import Fact
from afgui.domain.vocab import TONE_MAX, TONE_MIN, AfghanSide, FactKind
from afgui.services import cube_cache
from afgui.services.catalog import Catalog
from afgui.services.fact_index import NO_YEAR, AidColumns

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = [
    "SCALE_MAX",
    "SCALE_MIN",
    "AidColumns",
    "AidPoint",
    "Contribution",
    "DiplomaticStatus",
    "Explanation",
    "ExplanationSummary",
    "RelationsService",
    "StrengthCell",
    "UnknownPartnerError",
    "ViewSide",
    "YearOutOfRangeError",
]

_SIDES: tuple[ViewSide, ...] = tuple(ViewSide)
_STATUSES: tuple[DiplomaticStatus, ...] = tuple(DiplomaticStatus)
_NO_STATUS = -1
# When the database holds no dated fact at all, the range is this one year.
_EMPTY_YEAR = 2001


@dataclass(frozen=True, slots=True)
class ExplanationSummary:
    """The largest contributions to a value, for a reader; the others summed.

    ``largest`` holds at most the asked number of contributions, largest (by size)
    first, ties in the order :meth:`RelationsService.explain` gives; ``others`` counts
    the counted facts not listed and ``others_total`` is their contributions together.
    """

    explanation: Explanation
    others: int
    others_total: float


class UnknownPartnerError(KeyError):
    """No actor has this code."""


class YearOutOfRangeError(ValueError):
    """The year lies outside the range the measures cover."""


class RelationsService:
    """Relation strength, status and aid of every partner, year and side (see module doc)."""

    def __init__(self, engine: Engine | LazyEngine, catalog: Catalog) -> None:
        self._database = LazyEngine.of(engine)
        self._catalog = catalog
        self._parts: OrderedDict[tuple[str, ViewSide], _CountedParts] = OrderedDict()
        self._parts_facts = 0  # the facts the kept parts hold together
        self._parts_lock = threading.Lock()
        actors = catalog.actors_by_code
        # A returning user's database has its cube on disk (afgui.services.cube_cache).
        key = cube_cache.cube_key(self._database)
        cube = cube_cache.load(key) if key is not None else None
        if cube is None:
            cube = _build_cube(catalog)
            if key is not None:
                cube_cache.store(key, cube)
        self._partners = cube.partners
        codes = cube.codes
        first, last = cube.first_year, cube.last_year
        self._first_year, self._last_year = first, last
        self._years = tuple(range(first, last + 1))
        self._index = {code: i for i, code in enumerate(codes)}
        self._partner_rows = np.array([self._index[code] for code in self._partners], np.intp)
        raw, has_data, statuses = cube.raw, cube.has_data, cube.statuses
        exists = np.array(
            [
                [actors[code].exists_in(year) if code in actors else True for year in self._years]
                for code in codes
            ],
            dtype=bool,
        ).reshape(len(codes), len(self._years))
        self._values = np.where(
            has_data & exists[:, :, None], SCALE_MAX * np.tanh(raw / SCALE_MAX), np.nan
        )
        self._statuses = np.where(exists[:, :, None], statuses, _NO_STATUS).astype(np.int8)

    @property
    def first_year(self) -> int:
        return self._first_year

    @property
    def last_year(self) -> int:
        return self._last_year

    def partners(self) -> tuple[str, ...]:
        """Codes of the actors named by at least one fact, in code order."""
        return self._partners

    def cell(self, partner: str, year: int, side: ViewSide) -> StrengthCell:
        p, y = self._locate(partner, year)
        return self._cell(p, y, _SIDES.index(side))

    def values_at(self, year: int, side: ViewSide) -> Mapping[str, StrengthCell]:
        """Every partner's value and status in ``year`` (built once per year and side)."""
        if not self._first_year <= year <= self._last_year:
            raise YearOutOfRangeError(self._range_message(year))
        return self._values_at(year, side)

    @lru_cache(maxsize=1024)  # noqa: B019 - the service lives as long as the app
    def _values_at(self, year: int, side: ViewSide) -> Mapping[str, StrengthCell]:
        y = year - self._first_year
        s = _SIDES.index(side)
        # Whole columns at once, and one cell for every partner without data: a million
        # facts' 250 partners made this a millisecond of a year change, cell by cell.
        values = self._values[self._partner_rows, y, s].tolist()
        codes = self._statuses[self._partner_rows, y, s].tolist()
        cells: dict[tuple[float | None, int], StrengthCell] = {}
        by_partner: dict[str, StrengthCell] = {}
        for partner, value, code in zip(self._partners, values, codes, strict=True):
            key = (None if math.isnan(value) else value, code)
            cell = cells.get(key)
            if cell is None:
                cell = StrengthCell(key[0], None if code < 0 else _STATUSES[code])
                cells[key] = cell
            by_partner[partner] = cell
        return MappingProxyType(by_partner)

    def series(self, partner: str, side: ViewSide) -> tuple[Sequence[int], Sequence[float | None]]:
        """The value in every year ``first_year..last_year``; None = no data."""
        p, _ = self._locate(partner, self._first_year)
        column = self._values[p, :, _SIDES.index(side)]
        return self._years, tuple(None if math.isnan(v) else float(v) for v in column)

    def series_values(self, partner: str, side: ViewSide) -> npt.NDArray[np.float64]:
        """:meth:`series`'s values as an array (a copy), NaN where there is no data."""
        p, _ = self._locate(partner, self._first_year)
        return np.array(self._values[p, :, _SIDES.index(side)], dtype=np.float64)

    def status_series(
        self, partner: str, side: ViewSide
    ) -> tuple[Sequence[int], Sequence[DiplomaticStatus | None]]:
        p, _ = self._locate(partner, self._first_year)
        column = self._statuses[p, :, _SIDES.index(side)]
        return self._years, tuple(None if c < 0 else _STATUSES[c] for c in column)

    def explain(self, partner: str, year: int, side: ViewSide) -> Explanation:
        """The facts behind a value, each with its weight, age, decay and contribution."""
        p, y = self._locate(partner, year)
        cell = self._cell(p, y, _SIDES.index(side))
        if cell.value is None:
            return Explanation(partner, year, side, None, cell.status, ())
        # The catalogue keeps the selected partner's facts, which the detail pane also shows.
        facts = self._catalog.facts_of(partner)
        _, contributions = explain_strength(facts, year, side, self._last_year)
        return Explanation(partner, year, side, cell.value, cell.status, contributions)

    def explain_largest(
        self, partner: str, year: int, side: ViewSide, limit: int
    ) -> ExplanationSummary:
        """:meth:`explain`, keeping only the ``limit`` largest contributions.

        The same values, computed with numpy over the partner's counted facts, read from
        SQL as columns (kept for the last partners and sides asked), so a partner with
        hundreds of thousands of facts is explained in milliseconds once they are read;
        only the listed facts become objects. ``explain``, fact by fact, stays the
        reference that the tests hold this to.
        """
        p, y = self._locate(partner, year)
        cell = self._cell(p, y, _SIDES.index(side))
        if cell.value is None:
            return ExplanationSummary(
                Explanation(partner, year, side, None, cell.status, ()), 0, 0.0
            )
        parts = self._counted_parts(partner, side)
        # The parts are in time order: those begun by the year are a prefix, and every
        # column below a view of it, not a copy (USA at 1M: 264 152 facts).
        shown = int(np.searchsorted(parts.starts, year, side="right"))
        # spread_decay, the mean over the span of 0.5 ** (age / half-life), looked up in
        # the table of every (age, years elapsed) pair (see _span_table): one gather
        # rather than the powers and the geometric sum worked out per fact.
        cells = np.minimum(parts.ends[:shown], year, dtype=np.intp)
        cells += parts.span_cells[:shown]
        cells += year * parts.span_row
        spans = _span_table(self._last_year - self._first_year + 1).take(cells)
        spans /= parts.lengths[:shown]
        raw = parts.weighted_tones[:shown] * spans
        total = float(np.sum(raw))
        factor = scale_factor(total)
        contributions = raw * factor
        top = _largest(np.abs(contributions), limit)
        ranks = parts.ranks[top]
        index = self._catalog.fact_index()
        ids = index.fact_ids(ranks)
        # Often among the timeline's facts the catalogue keeps (all of a curated partner's).
        by_id = self._catalog.facts_by_ids(ids)
        kinds = index.arrays["fact_kinds"].take(ranks)
        tones = index.arrays["fact_tones"].take(ranks) - np.int8(TONE_MIN)
        largest = tuple(
            Contribution(
                by_id[fact_id],
                float(_WEIGHTS[kind, tone]),
                float(_TONE_FACTORS[tone]),
                int(year - parts.starts[i]),
                float(spans[i]),
                float(contributions[i]),
            )
            for fact_id, i, kind, tone in zip(
                ids, top.tolist(), kinds.tolist(), tones.tolist(), strict=True
            )
        )
        shown_total = float(np.sum(contributions[top]))
        return ExplanationSummary(
            Explanation(partner, year, side, cell.value, cell.status, largest),
            shown - len(top),
            total * factor - shown_total,
        )

    def prepare_explanation(self, partner: str, side: ViewSide) -> None:
        """Work out ahead what :meth:`explain_largest` needs of ``partner`` at ``side``
        (its counted facts as columns), kept while the columns of the partners and sides
        asked last hold at most ``_PARTS_KEPT_FACTS`` facts together.

        A popular partner's first explanation at 1M facts spent most of its time there
        (Russia, 116 717 facts: ~3 ms of ~5); the app prepares every partner at the side
        viewed while the window is idle (afgui.ui.prefetch)."""
        self._counted_parts(partner, side)

    def _counted_parts(self, partner: str, side: ViewSide) -> _CountedParts:
        key = (partner, side)
        with self._parts_lock:
            parts = self._parts.get(key)
            if parts is not None:
                self._parts.move_to_end(key)
                return parts
        # Sliced from the per-partner index, not read from SQL: a popular partner of a
        # large database has hundreds of thousands of facts (264 152 for USA at 1M), and
        # only the listed contributions become objects (explain_largest loads them by id).
        # Gathers by machine-word indices (``take``) and ``compress``: numpy converts
        # narrower indices, and selects by a boolean mask, several times slower (USA at
        # 1M: ~9 ms for these columns that way, ~3 ms this way).
        index = self._catalog.fact_index()
        columns = index.arrays
        links = index.links(partner).facts
        ranks = links.astype(np.intp)
        # A fact that is not direct has side -1, 255 as a byte, which never counts.
        sides = columns["fact_sides"].take(ranks).view(np.uint8)
        counted = _SIDE_COUNTS[_SIDES.index(side)].take(sides)
        ranks = np.compress(counted, ranks)
        kinds = columns["fact_kinds"].take(ranks).astype(np.intp)
        tones = columns["fact_tones"].take(ranks) - np.int8(TONE_MIN)
        # Years as the index holds them (int16), as are the ends and lengths: the columns
        # are kept for many partners (22 bytes a fact rather than 48).
        starts = columns["fact_years"].take(ranks)
        ends = columns["fact_ends"].take(ranks)
        ends = np.maximum(starts, np.where(ends >= NO_YEAR, self._last_year, ends))
        years = self._last_year - self._first_year + 1
        # Each fact's cell of the span table less what depends on the year explained
        # (see explain_largest): age = year - start and elapsed = min(end, year) - start
        # give the cell age * (years + 1) + elapsed, or the last column for a fact of
        # one year (elapsed 0).
        span_cells = starts.astype(np.int32) * np.int32(-(years + 2))
        span_cells += np.where(starts == ends, years, 0).astype(np.int32)
        parts = _CountedParts(
            ranks=np.compress(counted, links),
            weighted_tones=_WEIGHTED_TONES.ravel().take(kinds * len(_TONES) + tones),
            starts=starts,
            ends=ends,
            lengths=ends - starts + np.int16(1),
            span_cells=span_cells,
            span_row=years + 1,
        )
        with self._parts_lock:
            # Another thread may have made them meanwhile: counted once.
            made = self._parts.pop(key, None)
            if made is not None:
                self._parts_facts -= len(made.ranks)
            self._parts[key] = parts
            self._parts_facts += len(ranks)
            # The oldest go first, but never the one just made.
            while self._parts_facts > _PARTS_KEPT_FACTS and len(self._parts) > 1:
                _, dropped = self._parts.popitem(last=False)
                self._parts_facts -= len(dropped.ranks)
        return parts

    def aid(self, partner: str) -> tuple[AidPoint, ...]:
        """The aid figures whose principal partner is ``partner``, in time order.

        One object per figure; the charts and the detail pane use :meth:`aid_columns`.
        """
        return self.aid_columns(partner).points()

    def aid_columns(self, partner: str) -> AidColumns:
        """The aid figures of :meth:`aid` as columns, by year then fact id (no objects)."""
        if partner not in self._index:
            raise UnknownPartnerError(partner)
        return self._catalog.fact_index().aid(partner)

    def all_aid(self) -> tuple[tuple[str, AidPoint], ...]:
        """Every aid figure with its principal partner, by partner then time."""
        from sqlalchemy.orm import Session

        from afgui.data import repository

        with Session(self._database.get()) as session:
            facts = repository.load_aid_facts(session)
        by_partner: dict[str, list[Fact]] = {}
        for fact in facts:
            by_partner.setdefault(fact.partners[0], []).append(fact)
        return tuple(
            (code, point)
            for code in sorted(by_partner)
            for point in aid_points(by_partner[code], code)
        )

    def _cell(self, p: int, y: int, s: int) -> StrengthCell:
        value = self._values[p, y, s]
        code = self._statuses[p, y, s]
        return StrengthCell(
            None if math.isnan(value) else float(value),
            None if code < 0 else _STATUSES[code],
        )

    def _locate(self, partner: str, year: int) -> tuple[int, int]:
        index = self._index.get(partner)
        if index is None:
            raise UnknownPartnerError(partner)
        if not self._first_year <= year <= self._last_year:
            raise YearOutOfRangeError(self._range_message(year))
        return index, year - self._first_year

    def _range_message(self, year: int) -> str:
        return f"year {year} is outside {self._first_year}-{self._last_year}"


def _build_cube(catalog: Catalog) -> cube_cache.CachedCube:
    """The strength and status cubes, from the per-partner index's fact columns.

    The index (``catalog.fact_index``, of the catalog's database) is built from the
    database in one pass when this database has none yet; the cube is then numpy over
    its columns, with no second pass over the facts.
    """
    actors = catalog.actors_by_code
    index = catalog.fact_index()
    columns = index.arrays
    counts = np.diff(columns["link_offsets"])
    years, ends = columns["fact_years"], columns["fact_ends"]
    dated, ended = years[years < NO_YEAR], ends[ends < NO_YEAR]
    lasts = [int(part.max()) for part in (dated, ended) if len(part)]
    bounds = (int(dated.min()) if len(dated) else None, max(lasts) if lasts else None)
    first, last = _year_range(bounds, catalog)
    codes = tuple(sorted(set(index.partners) | set(actors)))
    builder = _CubeBuilder({code: i for i, code in enumerate(codes)}, first, last)
    rows = np.array([builder.index[code] for code in index.partners], dtype=np.int64)
    owners = np.repeat(rows, counts)
    ranks = columns["link_facts"]
    # In chunks of links: the gathered columns of a million facts at once would add a few
    # hundred megabytes to a first start.
    for low in range(0, len(ranks), _CUBE_CHUNK):
        chunk = ranks[low : low + _CUBE_CHUNK]
        direct = columns["fact_sides"][chunk] >= 0
        chunk_owners, chunk = owners[low : low + _CUBE_CHUNK][direct], chunk[direct]

        builder.add(
            chunk_owners,
            *(np.asarray(columns[name][chunk], dtype=np.int64) for name in _CUBE_COLUMNS),
        )
    raw, has_data = builder.strength()
    return cube_cache.CachedCube(
        partners=tuple(sorted(code for code in index.partners if code in actors)),
        codes=codes,
        first_year=first,
        last_year=last,
        raw=raw,
        has_data=has_data,
        statuses=builder.statuses(),
    )


def _year_range(bounds: tuple[int | None, int | None], catalog: Catalog) -> tuple[int, int]:
    first, last = bounds
    government_years = [g.start.year for g in catalog.governments] + [
        g.end.year for g in catalog.governments if g.end is not None
    ]
    if first is None or last is None:
        if not government_years:
            return _EMPTY_YEAR, _EMPTY_YEAR
        return min(government_years), max(government_years)
    return first, max([last, *government_years])


_TONES = range(TONE_MIN, TONE_MAX + 1)
#: Goldstein value per kind (``FactKind`` order) and tone (from ``TONE_MIN``).
_WEIGHTS = np.array([[event_weight(kind, tone).value for tone in _TONES] for kind in FactKind])
_TONE_FACTORS = np.array([tone_factor(tone) for tone in _TONES])
#: Whether a fact of each Afghan side (``AfghanSide`` order) counts in each view side.
_SIDE_IN_VIEW = np.array([[side in VIEW_SIDES[view] for view in _SIDES] for side in AfghanSide])
#: ``weights * tone_factors`` per kind and tone: the same products, looked up.
_WEIGHTED_TONES = _WEIGHTS * _TONE_FACTORS[np.newaxis, :]
#: Per view side, whether a fact of each side code, read as a byte, counts in it (the
#: codes of ``AfghanSide``; -1, a fact that is not direct, is 255 and never counts).
_SIDE_COUNTS = np.zeros((len(_SIDES), 256), dtype=bool)
_SIDE_COUNTS[:, : len(AfghanSide)] = _SIDE_IN_VIEW.T


def _largest(values: npt.NDArray[np.float64], limit: int) -> npt.NDArray[np.intp]:
    """Indices of the ``limit`` largest values, largest first, ties in index order.

    What a stable sort of all values would put first, without sorting them all: a
    partition finds the threshold, and only the values at or above it are sorted. The
    partition runs over the values at or above a floor first, the ``limit``-th largest of
    the last few (a partner's latest facts, which decay least): every value at or above
    the threshold is at or above the floor, so it is the same threshold, found in a
    few hundred values rather than all (USA at 1M: 140 736, 1.4 ms to partition).
    """
    if limit <= 0 or not len(values):
        return np.empty(0, dtype=np.intp)
    candidates = np.arange(len(values))
    if len(values) > limit:
        last = values[-max(limit, _FLOOR_SAMPLE) :]
        floor = np.partition(last, len(last) - limit)[len(last) - limit]
        candidates = np.flatnonzero(values >= floor)
        chosen = values[candidates]
        if len(chosen) > limit:
            threshold = np.partition(chosen, len(chosen) - limit)[len(chosen) - limit]
            candidates = candidates[chosen >= threshold]
    order = np.argsort(-values[candidates], kind="stable")
    return candidates[order[:limit]]


#: How many of the last values give :func:`_largest` its floor.
_FLOOR_SAMPLE = 256


@lru_cache(maxsize=4)
def _span_table(years: int) -> npt.NDArray[np.float64]:
    """:func:`afgui.domain.measures.spread_decay` times the span's length, by cell: row
    ``age`` (the year explained less the fact's first year, ``0 <= age < years``), column
    ``elapsed`` (the last year of the fact counted by then, less its first year,
    ``0 <= elapsed <= age``), and a last column for a fact of one year (``decay(age)``).

    A geometric sum, ``decay(age - elapsed) * (1 - decay(elapsed + 1)) / (1 - decay(1))``
    (the fact-by-fact reference adds its terms with ``math.fsum``; the tests hold the two
    together). The cells where ``elapsed > age`` are never read (zero).
    """
    powers = DECAY_PER_YEAR ** np.arange(years + 1, dtype=np.float64)
    age, elapsed = np.indices((years, years))
    table = np.zeros((years, years + 1), dtype=np.float64)
    read = elapsed <= age
    table[:, :years][read] = (
        powers[(age - elapsed)[read]] * (1 - powers[elapsed[read] + 1]) / (1 - DECAY_PER_YEAR)
    )
    table[:, years] = powers[:years]
    table.setflags(write=False)
    return table.reshape(-1)


#: Links added to the cube at a time when it is built from the index.
_CUBE_CHUNK = 200_000
#: The index's fact columns :meth:`_CubeBuilder.add` takes, in its order.
_CUBE_COLUMNS = ("fact_sides", "fact_kinds", "fact_tones", "fact_years", "fact_ends", "fact_orders")
#: How many counted facts, of the partners and sides asked last, stay ready for
#: ``explain_largest`` (22 bytes each: ~44 MB at most). Every partner at all three sides
#: holds 1 976 345 at 1M facts (878 000 at the Kabul government's), so all stay ready.
_PARTS_KEPT_FACTS = 2_000_000


@dataclass(frozen=True, slots=True)
class _CountedParts:
    """A partner's facts that count for one side, as columns in the reference order,
    which the per-partner index keeps (time order: start years never decrease, so the
    facts begun by a year are a prefix); ``ranks`` are their rows in the index's fact
    columns."""

    ranks: npt.NDArray[np.int32]
    #: ``weight * tone_factor``, the year-independent part of a contribution.
    weighted_tones: npt.NDArray[np.float64]
    starts: npt.NDArray[np.int16]
    ends: npt.NDArray[np.int16]
    #: Years spanned, ``ends - starts + 1``.
    lengths: npt.NDArray[np.int16]
    #: With ``min(end, year) + year * span_row``, each fact's cell of the span table.
    span_cells: npt.NDArray[np.int32]
    span_row: int


class _CubeBuilder:
    """Accumulates batches of direct facts into the strength and status cubes with numpy.

    Strength: each fact adds ``weight × tone factor / n`` to every year of its span (a
    difference array makes that O(1) per fact); a cumulative sum turns the differences
    into yearly impulses, and ``raw[y] = raw[y-1] × decay(1) + impulse[y]`` carries them
    forward with the half-life.

    Status: the rules of ``afgui.domain.measures.status_series``, per partner and side at
    once: where knowledge starts, where dealings start, which years a hostile conflict
    covers, and the latest formal event of each year (by date, then ``FORMAL_RANK``),
    carried forward. The tests check both against each other.
    """

    def __init__(self, index: Mapping[str, int], first: int, last: int) -> None:
        self.index = index
        self.first, self.last = first, last
        self.years = last - first + 1
        partners, views = len(index), len(_SIDES)
        self._diff = np.zeros((partners, self.years + 1, views), dtype=np.float64)
        self._hostile = np.zeros((partners, self.years + 1, views), dtype=np.int64)
        # Latest formal event of each year: month * 100 + day, times 8, plus its rank.
        self._formal = np.full((partners, self.years, views), -1, dtype=np.int64)
        self._first_data = np.full((partners, views), self.years, dtype=np.int64)
        self._first_dealing = np.full((partners, views), self.years, dtype=np.int64)
        kinds, sides = list(FactKind), list(AfghanSide)
        tones = range(TONE_MIN, TONE_MAX + 1)
        self._amount = np.array(
            [
                [event_weight(kind, tone).value * tone_factor(tone) for tone in tones]
                for kind in kinds
            ]
        )
        self._in_view = np.array([[side in VIEW_SIDES[view] for view in _SIDES] for side in sides])
        self._is_dealing = np.array([kind in DEALING_KINDS for kind in kinds])
        self._rank = np.array([FORMAL_RANK.get(kind, -1) for kind in kinds])
        self._is_conflict = np.array([kind is FactKind.CONFLICT for kind in kinds])

    def add(
        self,
        p: npt.NDArray[np.int64],
        side: npt.NDArray[np.int64],
        kind: npt.NDArray[np.int64],
        tone: npt.NDArray[np.int64],
        years: npt.NDArray[np.int64],
        end_years: npt.NDArray[np.int64],
        order: npt.NDArray[np.int64],
    ) -> None:
        """Add direct facts, one per partner: rows of the cube, ``AfghanSide`` and
        ``FactKind`` indices, tones, years, end years (``NO_YEAR``: open) and
        ``month * 100 + day``."""
        tone = np.clip(tone, TONE_MIN, TONE_MAX)
        start = years - self.first
        end_years = np.where(end_years >= NO_YEAR, self.last, end_years)
        end = np.clip(end_years - self.first, start, self.years - 1)
        amount = self._amount[kind, tone - TONE_MIN] / (end - start + 1)
        hostile = self._is_conflict[kind] & (tone <= TONE_MIN)
        dealing = self._is_dealing[kind] & (tone >= 0)
        rank = self._rank[kind]
        formal = rank >= 0
        formal_key = order * 8 + rank
        for v in range(len(_SIDES)):
            rows = self._in_view[side, v]
            pv, sv, ev = p[rows], start[rows], end[rows]
            np.add.at(self._diff[:, :, v], (pv, sv), amount[rows])
            np.add.at(self._diff[:, :, v], (pv, ev + 1), -amount[rows])
            np.minimum.at(self._first_data[:, v], pv, sv)
            m = rows & dealing
            np.minimum.at(self._first_dealing[:, v], p[m], start[m])
            m = rows & hostile
            np.add.at(self._hostile[:, :, v], (p[m], start[m]), 1)
            np.add.at(self._hostile[:, :, v], (p[m], end[m] + 1), -1)
            m = rows & formal
            np.maximum.at(self._formal[:, :, v], (p[m], start[m]), formal_key[m])

    def strength(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
        """Raw decayed sums (partners × years × sides) and where any fact is counted."""
        impulse = np.cumsum(self._diff[:, : self.years, :], axis=1)
        raw = np.empty_like(impulse)
        running = np.zeros((len(self.index), len(_SIDES)), dtype=np.float64)
        for y in range(self.years):
            running = running * DECAY_PER_YEAR + impulse[:, y, :]
            raw[:, y, :] = running
        return raw, self._known()

    def statuses(self) -> npt.NDArray[np.int8]:
        """Status codes (index into DiplomaticStatus, -1 = none) per partner, year, side."""
        code = {status: i for i, status in enumerate(_STATUSES)}
        year = np.arange(self.years)[None, :, None]
        # Carry the latest formal event forward: the last year with one, at or before y.
        has_formal = self._formal >= 0
        last_formal = np.maximum.accumulate(np.where(has_formal, year, -1), axis=1)
        latest = np.take_along_axis(self._formal, np.maximum(last_formal, 0), axis=1)
        by_rank = np.array([code[status] for status in FORMAL_STATUS.values()], dtype=np.int8)
        formal_status = by_rank[np.where(latest >= 0, latest % 8, 0)]
        cube = np.where(
            year >= self._first_dealing[:, None, :],
            np.int8(code[DiplomaticStatus.RELATIONS]),
            np.int8(code[DiplomaticStatus.NONE_RECORDED]),
        )
        cube = np.where(last_formal >= 0, formal_status, cube)
        hostile = np.cumsum(self._hostile[:, : self.years, :], axis=1) > 0
        cube = np.where(hostile, np.int8(code[DiplomaticStatus.HOSTILITIES]), cube)
        return np.where(self._known(), cube, np.int8(_NO_STATUS)).astype(np.int8)

    def _known(self) -> npt.NDArray[np.bool_]:
        return np.arange(self.years)[None, :, None] >= self._first_data[:, None, :]
