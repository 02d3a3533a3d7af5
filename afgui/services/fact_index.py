"""A per-partner index of the facts, kept on disk next to the relations cube.

Selecting a partner needs, of all the facts naming it, only a window of the timeline,
the largest contributions to its strength and its aid figures. A popular partner of a
large database has hundreds of thousands of facts (264 152 for USA at 1 000 000), which
SQL can only count, order and hand over row by row. The index holds, as numpy columns:

* **every fact** in the reference time order (``FactDate.sort_key``: year, month, day,
  unknown dates last; then the id): its id (UTF-8 bytes of fixed width), year, end year,
  month and day, the Afghan side when it is counted in the measures, kind and tone —
  all the relations cube is computed from, so the cube is built from the index;
* **every (partner, fact) link**, partner-major (actor-code order), each partner's links
  in that time order, with their years and one offset per partner, so a partner's facts
  are a slice: the timeline's window, its facts per year and the counted facts behind
  ``RelationsService.explain_largest`` come from it without a query;
* **the aid figures of every principal partner** (year, amount, currency, kind,
  approximate, price basis, fact) in the order the detail pane lists them (year, id).

It is built in one pass over the facts the first time a database is opened, before the
cube, which is computed from it (both in about 10 s of CPU at 1 000 000 facts, 2-3 s more
than the cube alone took; 30 MB on disk), and kept as ``.npy``
files in a directory under the cube's key (:func:`afgui.services.cube_cache.cube_key`),
which the next start maps into memory (``mmap_mode``) in a few milliseconds: only the
pages a selection touches are read. A database that cannot be cached (in memory, on a
server) gets its index built in memory. A missing, damaged or foreign directory is
ignored and rebuilt. Nothing here holds a fact's text: the facts shown are read by id.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from afgui.data.lazy_engine import LazyEngine
from afgui.data.packing import CODE_KIND_BASE, CODE_SIDE_BASE, CODE_TONE_OFFSET, NO_YEAR, TIME_BASE
from afgui.domain.measures import AidPoint
from afgui.domain.vocab import AmountKind
from afgui.services import cube_cache

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["NO_YEAR", "AidColumns", "FactIndex", "PartnerLinks", "build", "load", "store"]

#: Bump when what is stored changes shape.
FORMAT = 1
_AMOUNT_KINDS: tuple[AmountKind, ...] = tuple(AmountKind)
#: The arrays stored, with their dtypes (a loaded file must match them).
_ARRAYS: dict[str, str] = {
    "fact_ids": "S",
    "fact_years": "int16",
    "fact_ends": "int16",
    "fact_orders": "int16",
    "fact_sides": "int8",
    "fact_kinds": "int8",
    "fact_tones": "int8",
    "link_offsets": "int64",
    "link_facts": "int32",
    "link_years": "int16",
    "aid_offsets": "int64",
    "aid_facts": "int32",
    "aid_years": "int16",
    "aid_amounts": "float64",
    "aid_currencies": "int16",
    "aid_kinds": "int8",
    "aid_approximate": "bool",
    "aid_bases": "int16",
}


@dataclass(frozen=True, slots=True)
class PartnerLinks:
    """One partner's facts in time order: ranks (rows of the fact columns) and years."""

    facts: npt.NDArray[np.int32]
    years: npt.NDArray[np.int16]

    def __len__(self) -> int:
        return len(self.facts)

    def position_after(self, year: int) -> int:
        """How many of the facts begin in ``year`` or before (undated ones last)."""
        return int(np.searchsorted(self.years, year, side="right"))

    def dated_years(self) -> npt.NDArray[np.int16]:
        return self.years[: int(np.searchsorted(self.years, NO_YEAR, side="left"))]


@dataclass(frozen=True, slots=True)
class AidColumns:
    """A partner's aid figures as columns, ordered by year, then fact id.

    The same figures as :meth:`RelationsService.aid` gives as :class:`AidPoint` objects,
    which a partner of a large database has tens of thousands of; the charts reduce them
    with numpy and the detail pane makes objects of the few rows it lists.
    ``currency_codes`` and ``basis_codes`` index ``currencies`` and ``price_bases``;
    ``kinds`` indexes ``AmountKind``.
    """

    partner: str
    fact_ids: npt.NDArray[np.bytes_]
    years: npt.NDArray[np.int16]
    amounts: npt.NDArray[np.float64]
    currency_codes: npt.NDArray[np.int16]
    kinds: npt.NDArray[np.int8]
    approximate: npt.NDArray[np.bool_]
    basis_codes: npt.NDArray[np.int16]
    currencies: tuple[str, ...]
    price_bases: tuple[str, ...]

    @classmethod
    def empty(cls, partner: str = "") -> AidColumns:
        return cls(
            partner,
            np.empty(0, dtype="S1"),
            np.empty(0, dtype=np.int16),
            np.empty(0, dtype=np.float64),
            np.empty(0, dtype=np.int16),
            np.empty(0, dtype=np.int8),
            np.empty(0, dtype=bool),
            np.empty(0, dtype=np.int16),
            (),
            (),
        )

    def __len__(self) -> int:
        return len(self.years)

    def point(self, i: int) -> AidPoint:
        return self._points(np.array([i], dtype=np.intp))[0]

    def _points(self, rows: npt.NDArray[np.intp]) -> tuple[AidPoint, ...]:
        """The figures at ``rows``, in that order.

        Column by column into Python values, then zipped: element by element, numpy's
        scalar conversions took ~8 µs a figure, half a millisecond of a selection at
        1M facts (the detail pane lists 60).
        """
        currencies, bases = self.currencies, self.price_bases
        return tuple(
            AidPoint(
                year=year,
                amount=amount,
                currency=currencies[currency],
                amount_kind=_AMOUNT_KINDS[kind],
                fact_id=fact_id.decode(),
                approximate=approximate,
                price_basis=bases[basis],
            )
            for year, amount, currency, kind, fact_id, approximate, basis in zip(
                self.years[rows].tolist(),
                self.amounts[rows].tolist(),
                self.currency_codes[rows].tolist(),
                self.kinds[rows].tolist(),
                self.fact_ids[rows].tolist(),
                self.approximate[rows].tolist(),
                self.basis_codes[rows].tolist(),
                strict=True,
            )
        )

    def points(self) -> tuple[AidPoint, ...]:
        """Every figure, in the order of :func:`afgui.domain.measures.aid_points`."""
        return self._points(np.lexsort((self.kinds, self.years)))  # stable: ids stay in order

    def points_in(self, year: int) -> tuple[AidPoint, ...]:
        """The figures of ``year``, in the order of ``aid_points``."""
        low, high = np.searchsorted(self.years, [year, year + 1])
        rows = np.arange(int(low), int(high), dtype=np.intp)
        return self._points(rows[np.argsort(self.kinds[rows], kind="stable")])

    def nearest(self, year: int, limit: int) -> tuple[int, tuple[AidPoint, ...]]:
        """The ``limit`` figures nearest the end of ``year`` and the first one's place.

        The slice the detail pane shows: centred on the figures up to the year, clamped
        at the ends.
        """
        position = int(np.searchsorted(self.years, year, side="right"))
        start = max(0, min(position - limit // 2, len(self) - limit))
        end = min(len(self), start + limit)
        return start, self._points(np.arange(start, end, dtype=np.intp))

    def kinds_present(self) -> frozenset[AmountKind]:
        """The amount kinds the figures have (counted: the largest partner at 1M facts
        has 20 000 figures, and the charts ask at every selection)."""
        counts = np.bincount(np.asarray(self.kinds), minlength=len(_AMOUNT_KINDS))
        return frozenset(kind for kind, count in zip(_AMOUNT_KINDS, counts, strict=False) if count)

    def main_currency(self) -> tuple[str, int]:
        """The currency most figures are in (``USD`` without figures) and how many figures
        are in others. A tie goes to the currency of the first tied figure in
        :meth:`points` order, as ``Counter.most_common`` over the points would have it.

        Counted, and only the tied currencies' figures ordered: ordering every figure
        took ~0.5 ms for the 20 000 of the largest partner at 1M facts.
        """
        if not len(self):
            return "USD", 0
        codes = np.asarray(self.currency_codes)
        counts = np.bincount(codes, minlength=len(self.currencies))
        most = int(counts.max())
        tied = np.flatnonzero(counts == most)
        if len(tied) == 1:
            code = int(tied[0])
        else:
            rows = np.flatnonzero(np.isin(codes, tied))
            order = np.lexsort((np.asarray(self.kinds)[rows], np.asarray(self.years)[rows]))
            code = int(codes[rows[order[0]]])
        return self.currencies[code], len(self) - most

    def in_currency(self, currency: str) -> npt.NDArray[np.bool_]:
        """Which figures are in ``currency``."""
        if currency not in self.currencies:
            return np.zeros(len(self), dtype=bool)
        return np.asarray(self.currency_codes == self.currencies.index(currency), dtype=bool)

    def largest_per_year_and_kind(
        self, currency: str
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Per year and amount kind, the largest figure in ``currency``: years, kinds (as
        ``kinds`` codes) and amounts, by year, then kind.

        What the aid chart draws, one bar each. Figures are never added
        (docs/methodology.md, 3): two pledges of one year may be one pledge reported
        twice, or in different prices. The chart's tooltip lists every figure.
        """
        shown = self.in_currency(currency)
        years = np.compress(shown, self.years).astype(np.int64)
        kinds = np.compress(shown, self.kinds).astype(np.int64)
        return _largest_per_cell(years, kinds, np.compress(shown, self.amounts))

    def largest_new_per_year(
        self, currency: str
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Per year, the largest figure in ``currency`` that is new aid (a pledge, a
        commitment or a disbursement; a cumulative total restates earlier aid): years
        and amounts, by year. A compared partner's aid, drawn as one outline a year."""
        shown = self.in_currency(currency) & (np.asarray(self.kinds) != _CUMULATIVE)
        years = np.compress(shown, self.years).astype(np.int64)
        amounts = np.compress(shown, self.amounts)
        years, _, largest = _largest_per_cell(years, np.zeros_like(years), amounts)
        return years, largest


_CUMULATIVE = _AMOUNT_KINDS.index(AmountKind.CUMULATIVE_TOTAL)


def _largest_per_cell(
    years: npt.NDArray[np.int64], kinds: npt.NDArray[np.int64], amounts: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """The largest of ``amounts`` per (year, kind) cell, by year, then kind; ``years`` in
    order (the columns are)."""
    if not len(years):
        return years, kinds, amounts
    first, count = int(years[0]), len(_AMOUNT_KINDS)
    cells = (years - first) * count + kinds
    largest = np.full((int(years[-1]) - first + 1) * count, -np.inf)
    np.maximum.at(largest, cells, amounts)
    filled = np.flatnonzero(largest > -np.inf)
    return filled // count + first, filled % count, largest[filled]


@dataclass(frozen=True, slots=True)
class FactIndex:
    """The columns described in the module docstring (ranks index the fact columns)."""

    partners: tuple[str, ...]
    currencies: tuple[str, ...]
    price_bases: tuple[str, ...]
    arrays: dict[str, npt.NDArray[Any]]
    _rows: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rows", {code: i for i, code in enumerate(self.partners)})

    def _row(self, partner: str) -> int | None:
        return self._rows.get(partner)

    @property
    def facts(self) -> int:
        return len(self.arrays["fact_ids"])

    def fact_id(self, rank: int) -> str:
        return bytes(self.arrays["fact_ids"][rank]).decode()

    def fact_ids(self, ranks: npt.NDArray[np.integer[Any]]) -> list[str]:
        return [bytes(raw).decode() for raw in self.arrays["fact_ids"][ranks]]

    def links(self, partner: str) -> PartnerLinks:
        """The facts naming ``partner`` in time order (none for an unknown partner)."""
        row = self._row(partner)
        if row is None:
            return PartnerLinks(np.empty(0, np.int32), np.empty(0, np.int16))
        offsets = self.arrays["link_offsets"]
        low, high = int(offsets[row]), int(offsets[row + 1])
        return PartnerLinks(
            self.arrays["link_facts"][low:high], self.arrays["link_years"][low:high]
        )

    def aid(self, partner: str) -> AidColumns:
        """The aid figures whose principal partner is ``partner``."""
        a = self.arrays
        row = self._row(partner)
        low, high = (
            (0, 0) if row is None else (int(a["aid_offsets"][row]), int(a["aid_offsets"][row + 1]))
        )
        return AidColumns(
            partner=partner,
            fact_ids=a["fact_ids"][a["aid_facts"][low:high]],
            years=a["aid_years"][low:high],
            amounts=a["aid_amounts"][low:high],
            currency_codes=a["aid_currencies"][low:high],
            kinds=a["aid_kinds"][low:high],
            approximate=a["aid_approximate"][low:high],
            basis_codes=a["aid_bases"][low:high],
            currencies=self.currencies,
            price_bases=self.price_bases,
        )


def build(source: Engine | LazyEngine) -> FactIndex:
    """Read the index's columns from the database (one pass, no Fact objects)."""
    from sqlalchemy.orm import Session

    from afgui.data import repository

    # Each batch becomes numpy arrays as it comes: a million facts as Python tuples
    # would hold several hundred megabytes at once.
    id_parts: list[npt.NDArray[np.bytes_]] = []
    int_parts: list[npt.NDArray[np.int32]] = []
    link_parts: list[npt.NDArray[np.bytes_]] = []
    with Session(LazyEngine.of(source).get()) as session:
        for batch in repository.iter_fact_order_batches(session):
            id_parts.append(_as_bytes(list(batch.ids)))
            int_parts.append(np.array([batch.times, batch.end_years, batch.codes], np.int32))
        counts = repository.count_links_per_partner(session)
        for ids in repository.iter_link_fact_ids(session):
            link_parts.append(_as_bytes(list(ids)))
        aid = repository.load_aid_columns(session)
    ids_by_id = _concatenate(id_parts)
    times, ends, codes = (
        np.concatenate(int_parts, axis=1) if int_parts else np.empty((3, 0), np.int32)
    )
    years, orders = np.divmod(times, TIME_BASE)
    sides, rest = np.divmod(codes, CODE_SIDE_BASE)
    kinds, tones = np.divmod(rest, CODE_KIND_BASE)
    undated = years >= NO_YEAR
    # The reference order: year, month and day (undated all equal and last), then the id,
    # which is the order the rows came in; lexsort is stable.
    by_time = np.lexsort((np.where(undated, 9999, orders), years))
    rank_of = np.empty(len(by_time), dtype=np.int64)
    rank_of[by_time] = np.arange(len(by_time))

    partners = tuple(code for code, _ in counts)
    link_counts = np.array([count for _, count in counts], dtype=np.int64)
    link_offsets = np.concatenate(([0], np.cumsum(link_counts))).astype(np.int64)
    links = _concatenate(link_parts)
    link_facts = rank_of[_positions(ids_by_id, links)]
    # Within each partner, by rank: partner-major keys sorted at once.
    owner = np.repeat(np.arange(len(partners), dtype=np.int64), link_counts)
    link_facts = (np.sort(owner * (len(by_time) + 1) + link_facts) % (len(by_time) + 1)).astype(
        np.int32
    )
    fact_years = np.minimum(years, NO_YEAR)[by_time].astype(np.int16)

    currencies = tuple(sorted(set(aid.currencies)))
    bases = tuple(sorted(set(aid.price_bases)))
    partner_row = {code: i for i, code in enumerate(partners)}
    aid_partner = np.array([partner_row[code] for code in aid.partners], dtype=np.int64)
    aid_id_order = _positions(ids_by_id, _as_bytes(list(aid.ids)))
    aid_years = np.array(aid.years, dtype=np.int64)
    # Per partner, by year, then id: the detail pane's order.
    aid_order = np.lexsort((aid_id_order, aid_years, aid_partner))
    aid_counts = np.bincount(aid_partner, minlength=len(partners))
    amount_kinds = {kind.value: i for i, kind in enumerate(_AMOUNT_KINDS)}
    arrays: dict[str, npt.NDArray[Any]] = {
        "fact_ids": ids_by_id[by_time],
        "fact_years": fact_years,
        "fact_ends": np.minimum(ends, NO_YEAR)[by_time].astype(np.int16),
        "fact_sides": (sides - 1)[by_time].astype(np.int8),
        "fact_kinds": kinds[by_time].astype(np.int8),
        "fact_orders": np.clip(np.where(undated, 0, orders), 0, 9999)[by_time].astype(np.int16),
        # Clipped as the measures read them (the sign picks the weight, the size counts).
        "fact_tones": (tones - CODE_TONE_OFFSET)[by_time].astype(np.int8),
        "link_offsets": link_offsets,
        "link_facts": link_facts,
        "link_years": fact_years[link_facts],
        "aid_offsets": np.concatenate(([0], np.cumsum(aid_counts))).astype(np.int64),
        "aid_facts": rank_of[aid_id_order][aid_order].astype(np.int32),
        "aid_years": aid_years[aid_order].astype(np.int16),
        "aid_amounts": np.array(aid.amounts, dtype=np.float64)[aid_order],
        "aid_currencies": np.array([currencies.index(c) for c in aid.currencies], dtype=np.int16)[
            aid_order
        ],
        "aid_kinds": np.array([amount_kinds[k] for k in aid.kinds], dtype=np.int8)[aid_order],
        "aid_approximate": np.array(aid.approximate, dtype=bool)[aid_order],
        "aid_bases": np.array([bases.index(b) for b in aid.price_bases], dtype=np.int16)[aid_order],
    }
    return FactIndex(partners, currencies, bases, arrays)


def _as_bytes(ids: list[str]) -> npt.NDArray[np.bytes_]:
    """Ids as fixed-width UTF-8 bytes, which sort as SQLite's default collation does."""
    if not ids:
        return np.empty(0, dtype="S1")
    try:
        return np.array(ids, dtype="S")
    except UnicodeEncodeError:
        return np.array([fact_id.encode() for fact_id in ids], dtype="S")


def _concatenate(parts: list[npt.NDArray[np.bytes_]]) -> npt.NDArray[np.bytes_]:
    """Fixed-width byte strings of batches as one array (of the widest batch's width)."""
    if not parts:
        return np.empty(0, dtype="S1")
    width = max(part.dtype.itemsize for part in parts)
    return np.concatenate([part.astype(f"S{width}") for part in parts])


def _positions(
    sorted_ids: npt.NDArray[np.bytes_], ids: npt.NDArray[np.bytes_]
) -> npt.NDArray[np.int64]:
    """Where each of ``ids`` stands in ``sorted_ids`` (each id is there)."""
    width = max(sorted_ids.dtype.itemsize, ids.dtype.itemsize, 1)
    found = np.searchsorted(sorted_ids.astype(f"S{width}"), ids.astype(f"S{width}"))
    return found.astype(np.int64)


# Storage ---------------------------------------------------------------------------


def directory(key: str) -> Path:
    return cube_cache.cache_directory() / f"index-{key}"


def load(key: str) -> FactIndex | None:
    """The index stored under ``key``, mapped into memory; None if missing or damaged."""
    where = directory(key)
    try:
        header = json.loads((where / "header.json").read_text(encoding="utf-8"))
        if header.get("format") != FORMAT:
            return None
        # Plain arrays over the mapped files, not np.memmap: every slice and gather of a
        # memmap passes through its Python __getitem__ and __array_finalize__ (a
        # selection at 1M facts takes a few dozen, ~0.25 ms for the aid columns alone).
        arrays = {
            name: np.asarray(np.load(where / f"{name}.npy", mmap_mode="r", allow_pickle=False))
            for name in _ARRAYS
        }
        index = FactIndex(
            tuple(header["partners"]),
            tuple(header["currencies"]),
            tuple(header["price_bases"]),
            arrays,
        )
    except (OSError, KeyError, ValueError, TypeError, AttributeError):
        return None
    if not _consistent(index):
        return None
    cube_cache.mark_used(where)
    return index


def _consistent(index: FactIndex) -> bool:
    a = index.arrays
    for name, dtype in _ARRAYS.items():
        array = a[name]
        if array.ndim != 1 or (array.dtype.kind != "S" if dtype == "S" else array.dtype != dtype):
            return False
    facts = len(a["fact_ids"])
    partners = len(index.partners)
    if any(len(a[name]) != facts for name in _ARRAYS if name.startswith("fact_")):
        return False
    links, aid = len(a["link_facts"]), len(a["aid_facts"])
    if len(a["link_years"]) != links or any(
        len(a[name]) != aid for name in _ARRAYS if name.startswith("aid_") and name != "aid_offsets"
    ):
        return False
    for name, total in (("link_offsets", links), ("aid_offsets", aid)):
        offsets = a[name]
        if len(offsets) != partners + 1 or (
            partners and (offsets[0] != 0 or offsets[-1] != total or np.any(np.diff(offsets) < 0))
        ):
            return False
    if facts == 0:
        return links == 0 and aid == 0
    return bool(
        (links == 0 or (a["link_facts"].min() >= 0 and a["link_facts"].max() < facts))
        and (aid == 0 or (a["aid_facts"].min() >= 0 and a["aid_facts"].max() < facts))
        and (aid == 0 or a["aid_currencies"].max() < len(index.currencies))
        and (aid == 0 or a["aid_bases"].max() < len(index.price_bases))
    )


def store(key: str, index: FactIndex) -> None:
    """Keep ``index`` under ``key``: written aside, then renamed into place.

    A failure to write only costs the next start the build.
    """
    final = directory(key)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}-"))
    except OSError:
        return
    try:
        for name in _ARRAYS:
            np.save(temporary / f"{name}.npy", np.ascontiguousarray(index.arrays[name]))
        header = {
            "format": FORMAT,
            "partners": list(index.partners),
            "currencies": list(index.currencies),
            "price_bases": list(index.price_bases),
        }
        (temporary / "header.json").write_text(json.dumps(header), encoding="utf-8")
        # A damaged directory of the same key is replaced.
        if final.exists():
            shutil.rmtree(final, ignore_errors=True)
        temporary.replace(final)
    except OSError:
        with contextlib.suppress(OSError):
            shutil.rmtree(temporary)
        return
    cube_cache.prune(keep=[final])


def load_or_build(source: Engine | LazyEngine) -> FactIndex:
    """The database's index: from disk when stored, else built (and stored if it can be)."""
    key = cube_cache.cube_key(source)
    index = load(key) if key is not None else None
    if index is None:
        index = build(source)
        if key is not None:
            store(key, index)
            # Mapped from disk like a stored one, so the built arrays are not kept twice.
            index = load(key) or index
    return index
