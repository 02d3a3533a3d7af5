"""Synthetic databases of afgui's schema, for measuring how the app scales with data.

``afgui-db synth`` writes a database of the same schema as the curated one, with far more
facts: the curated actors, governments and sources, plus synthetic actors (mostly states
drawn by real ISO 3166-1 alpha-2 shapes, so the map has colour) and facts drawn from
distributions shaped like the curated ones — a few partners dominate, facts thicken
towards the present, tones follow the kind of fact, Taliban facts start in 1994, aid
facts often carry an amount. Every value respects the validation rules of the curated
files (partners existed in the fact's years, notes where a year is inferred).

The same parameters and seed always give the same rows (numpy's PCG64 generator, rows in
sorted order, no timestamp). ``meta.sources_hash`` is ``synthetic:...``, so the app never
mistakes it for a stale curated database; explicit ``--db`` URLs are never rebuilt.

Speed: values are drawn as whole numpy arrays, rows are made in chunks and written with
Core ``insert`` executemany inside one transaction; the secondary indexes are created
after the load, and SQLite skips its journal while the file is still a temporary one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Engine, event, insert

from afgui.curation.build import _rows as reference_rows
from afgui.curation.build import fact_row
from afgui.curation.loader import Corpus
from afgui.data.engine import make_engine, read_meta, sqlite_url
from afgui.data.schema import (
    APPLICATION_ID,
    Base,
    FactPartnerRow,
    FactRow,
    MetaRow,
)
from afgui.domain.model import Actor, Amount, Citation, Fact, FactDate
from afgui.domain.vocab import (
    AID_KINDS,
    ActorKind,
    AfghanSide,
    AmountKind,
    DatePrecision,
    FactKind,
    YearBasis,
)

# Bump when the generator's output changes for the same parameters.
GENERATOR_VERSION = 1
FIRST_YEAR, LAST_YEAR = 1900, 2025
TALIBAN_FROM = 1994
CHUNK = 20_000

# Every officially assigned ISO 3166-1 alpha-2 code; synthetic states take their shapes
# from the ones no curated actor draws first.
_ISO2_TEXT = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO "
    "BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ "
    "DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP "
    "GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG "
    "KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML "
    "MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE "
    "PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL "
    "SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM "
    "US UY UZ VA VC VE VG VI VN VU WF YE YT ZA ZM ZW"
)
ISO2_CODES = tuple(_ISO2_TEXT.split())

# Relative frequency and mean tone of each kind, shaped like the curated corpus but with
# every kind present.
_KIND_PROFILE: dict[FactKind, tuple[float, float]] = {
    FactKind.STATEMENT: (40, 0.3),
    FactKind.OTHER: (20, 0.3),
    FactKind.MEETING: (26, 0.8),
    FactKind.VISIT: (22, 1.0),
    FactKind.CONFLICT: (16, -1.6),
    FactKind.CONFERENCE: (14, 0.7),
    FactKind.MILITARY_COOPERATION: (10, 1.2),
    FactKind.AID_DELIVERED: (12, 1.4),
    FactKind.MILITARY_AID: (9, 1.3),
    FactKind.AGREEMENT: (10, 1.2),
    FactKind.RECOGNITION: (6, 1.5),
    FactKind.AID_PLEDGE: (10, 1.3),
    FactKind.EMBASSY_OPENED: (6, 1.2),
    FactKind.WITHDRAWAL: (5, -0.8),
    FactKind.RELATIONS_ESTABLISHED: (4, 1.4),
    FactKind.EMBASSY_CLOSED: (3, -1.2),
    FactKind.SANCTIONS: (3, -1.6),
    FactKind.TRADE: (5, 0.9),
    FactKind.TREATY: (3, 1.3),
    FactKind.RELATIONS_BROKEN: (2, -1.8),
}
_KINDS = tuple(_KIND_PROFILE)
# The partners most named by the curated facts, most named first.
_LEADING = ("USA", "RUS", "PAK", "CHN", "JPN", "IRN", "SUN", "IND", "SAU", "NATO", "TUR", "GBR")
_SIDES = (AfghanSide.GOVERNMENT, AfghanSide.TALIBAN, AfghanSide.BOTH, AfghanSide.NONE)
_SIDE_WEIGHTS = (0.55, 0.30, 0.05, 0.10)
_PRECISIONS = (
    DatePrecision.DAY,
    DatePrecision.MONTH,
    DatePrecision.YEAR,
    DatePrecision.SPAN,
    DatePrecision.UNKNOWN,
)
_PRECISION_WEIGHTS = (0.22, 0.20, 0.30, 0.25, 0.03)
_BASES = (YearBasis.STATED, YearBasis.CONTEXT, YearBasis.INFERRED)
_BASIS_WEIGHTS = (0.55, 0.25, 0.20)
_CURRENCIES = ("USD", "EUR", "JPY", "GBP")
_CURRENCY_WEIGHTS = (0.85, 0.08, 0.04, 0.03)
_AMOUNT_KINDS = tuple(AmountKind)
_PARTNER_COUNTS = (1, 2, 3, 4, 5)
_PARTNER_COUNT_WEIGHTS = (0.75, 0.16, 0.06, 0.02, 0.01)

_SYLLABLE_TEXT = (
    "ka ra no vi lo sta mer dan tal or bel um ze ria qu ost an ter mo sa lin gar pha "
    "dor is vel kan tu ray"
)
_SYLLABLES = tuple(_SYLLABLE_TEXT.split())
_WORD_TEXT = (
    "the minister said government delegation talks agreed support relations between "
    "both sides visited capital signed embassy assistance security cooperation reported "
    "officials announced regional trade border envoy meeting discussed peace process "
    "issued statement development programme troops withdrawal recognised council"
)
_WORDS = tuple(_WORD_TEXT.split())


@dataclass(frozen=True, slots=True)
class SynthParameters:
    actors: int = 250
    facts: int = 1_000_000
    seed: int = 1

    @property
    def sources_hash(self) -> str:
        return (
            f"synthetic:v{GENERATOR_VERSION}:actors={self.actors}:"
            f"facts={self.facts}:seed={self.seed}"
        )


@dataclass(frozen=True, slots=True)
class SynthSummary:
    actors: int
    facts: int
    fact_partners: int
    sources_hash: str


class SynthError(Exception):
    """The synthetic database cannot be written; the message says why."""


def build_synthetic(engine: Engine, base: Corpus, parameters: SynthParameters) -> SynthSummary:
    """Replace every afgui table in ``engine``'s database with synthetic data, atomically.

    ``base`` supplies the real actors, governments and sources (the curated corpus).
    """
    if parameters.actors < 2 or parameters.facts < 0:
        raise SynthError("need at least 2 actors (Afghanistan and one partner) and 0+ facts")
    rng = np.random.Generator(np.random.PCG64(parameters.seed))
    actors = _actors(base, parameters.actors, rng)
    partners = 0
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        Base.metadata.create_all(connection)
        # Secondary indexes are cheaper to build once, after the load, than to maintain.
        deferred = [
            index
            for row in (FactRow, FactPartnerRow)
            for index in Base.metadata.tables[row.__tablename__].indexes
        ]
        for index in deferred:
            index.drop(connection)
        # The reference tables are written exactly as the curated build writes them.
        reference = replace(
            base, actors=tuple(actors), facts=(), sources_hash=parameters.sources_hash
        )
        for table, rows in reference_rows(reference):
            _insert(connection, table, rows)
        _insert(connection, MetaRow, [{"key": "synthetic_base", "value": base_fingerprint(base)}])
        sources = tuple(sorted(source.id for source in base.sources))
        for facts in _fact_chunks(actors, sources, parameters.facts, rng):
            _insert(connection, FactRow, [fact_row(fact) for fact in facts])
            links = [
                {"fact_id": fact.id, "actor_code": code, "position": position}
                for fact in facts
                for position, code in enumerate(fact.partners)
            ]
            partners += len(links)
            _insert(connection, FactPartnerRow, links)
        for index in deferred:
            index.create(connection)
    return SynthSummary(len(actors), parameters.facts, partners, parameters.sources_hash)


def base_fingerprint(base: Corpus) -> str:
    """A short hash of what the generator takes from the curated corpus (not its facts)."""
    digest = hashlib.sha256(
        repr(
            (
                [(a.code, a.kind, a.start_year, a.end_year, a.map_shapes) for a in base.actors],
                sorted(g.code for g in base.governments),
                sorted(s.id for s in base.sources),
            )
        ).encode()
    )
    return digest.hexdigest()[:16]


def write_synthetic_file(path: Path, base: Corpus, parameters: SynthParameters) -> SynthSummary:
    """Build a synthetic SQLite file at ``path``, swapped in atomically when complete.

    A file at ``path`` that is not an afgui database is never overwritten.
    """
    if path.exists() and path.stat().st_size > 0:
        probe = make_engine(sqlite_url(path), read_only=True)
        try:
            meta = read_meta(probe)
        finally:
            probe.dispose()
        if meta is None or meta.get("application") != APPLICATION_ID:
            raise SynthError(f"{path} exists and is not an afgui database (left untouched)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".synth")
        os.close(handle)
    except OSError as error:
        raise SynthError(f"cannot write in {path.parent}: {error.strerror or error}") from None
    temporary = Path(name)
    engine = make_engine(sqlite_url(temporary))
    # The file is not in use until it is renamed into place, so a crash mid-build loses
    # nothing: no journal, no syncs (several times faster for a million rows).
    event.listen(engine, "connect", _fast_sqlite)
    try:
        summary = build_synthetic(engine, base, parameters)
        engine.dispose()
        temporary.replace(path)
    except BaseException:
        engine.dispose()
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return summary


def _fast_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=OFF")
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.close()


def _insert(connection: Connection, table: type[Base], rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(insert(table), rows)


# --- actors -------------------------------------------------------------------------------


def _actors(base: Corpus, count: int, rng: np.random.Generator) -> list[Actor]:
    """The curated actors (Afghanistan first), then synthetic ones up to ``count``."""
    # Afghanistan first, then the partners the curated facts name most (fixed here, so the
    # output does not move as curators add facts), then the other curated actors in file
    # order; the Zipf-like popularity below favours the first ones.
    order = {code: position for position, code in enumerate(("AFG", *_LEADING))}
    real = [
        actor
        for _, actor in sorted(
            enumerate(base.actors),
            key=lambda item: (order.get(item[1].code, len(order)), item[0]),
        )
    ][:count]
    used = {iso2 for actor in real for iso2 in actor.map_shapes}
    free = [code for code in ISO2_CODES if code not in used]
    pool = [free[i] for i in rng.permutation(len(free))] or list(ISO2_CODES)
    synthetic: list[Actor] = []
    for number in range(1, count - len(real) + 1):
        roll = rng.random()
        code = f"SY{number:03d}"
        name = _name(rng)
        if roll < 0.12:
            synthetic.append(Actor(code, f"{name} Council", ActorKind.ORGANISATION))
            continue
        if roll < 0.17:
            synthetic.append(Actor(code, f"{name} Front", ActorKind.GROUP, start_year=1970))
            continue
        start = end = None
        era = rng.random()
        if era < 0.08:
            end = int(rng.integers(1920, 1992))
        elif era < 0.25:
            start = int(rng.integers(1918, 1995))
        shape = pool[(number - 1) % len(pool)]
        synthetic.append(
            Actor(code, name, ActorKind.STATE, start_year=start, end_year=end, map_shapes=(shape,))
        )
    return real + synthetic


def _name(rng: np.random.Generator) -> str:
    parts = rng.choice(len(_SYLLABLES), size=int(rng.integers(2, 4)))
    return "".join(_SYLLABLES[i] for i in parts).capitalize() + "ia"


# --- facts --------------------------------------------------------------------------------


def _fact_chunks(
    actors: Sequence[Actor], sources: Sequence[str], count: int, rng: np.random.Generator
) -> Iterator[list[Fact]]:
    candidates = [actor for actor in actors if actor.code != "AFG"]
    # Zipf-like popularity: a handful of partners hold most facts, as in the curated data.
    ranks = np.arange(1, len(candidates) + 1, dtype=np.float64)
    popularity = 1.0 / ranks**1.1
    popularity /= popularity.sum()
    starts = np.array([a.start_year or FIRST_YEAR for a in candidates], dtype=np.int64)
    ends = np.array([a.end_year or LAST_YEAR for a in candidates], dtype=np.int64)
    starts, ends = np.clip(starts, FIRST_YEAR, LAST_YEAR), np.clip(ends, FIRST_YEAR, LAST_YEAR)
    # Years thicken towards the present: an exponential with a 30-year scale from 2025
    # back, plus a uniform floor so early decades are not empty.
    year_weights = np.exp((np.arange(FIRST_YEAR, LAST_YEAR + 1) - LAST_YEAR) / 30.0) + 0.02
    year_weights /= year_weights.sum()
    kind_weights = np.array([w for w, _ in _KIND_PROFILE.values()], dtype=np.float64)
    kind_weights /= kind_weights.sum()
    kind_tone = np.array([tone for _, tone in _KIND_PROFILE.values()])
    aid_kind = np.array([kind in AID_KINDS for kind in _KINDS])
    names = [actor.name for actor in candidates]
    done = 0
    while done < count:
        size = min(CHUNK, count - done)
        yield _chunk(
            rng,
            first_number=done + 1,
            size=size,
            candidates=[a.code for a in candidates],
            names=names,
            popularity=popularity,
            starts=starts,
            ends=ends,
            year_weights=year_weights,
            kind_weights=kind_weights,
            kind_tone=kind_tone,
            aid_kind=aid_kind,
            sources=sources,
        )
        done += size


def _chunk(
    rng: np.random.Generator,
    *,
    first_number: int,
    size: int,
    candidates: Sequence[str],
    names: Sequence[str],
    popularity: npt.NDArray[np.float64],
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
    year_weights: npt.NDArray[np.float64],
    kind_weights: npt.NDArray[np.float64],
    kind_tone: npt.NDArray[np.float64],
    aid_kind: npt.NDArray[np.bool_],
    sources: Sequence[str],
) -> list[Fact]:
    partner_count = rng.choice(_PARTNER_COUNTS, size=size, p=_PARTNER_COUNT_WEIGHTS)
    drawn = rng.choice(len(candidates), size=(size, max(_PARTNER_COUNTS)), p=popularity)
    principal = drawn[:, 0]
    # The year is drawn, then moved into the principal partner's years of existence.
    years = FIRST_YEAR + rng.choice(len(year_weights), size=size, p=year_weights)
    years = np.clip(years, starts[principal], ends[principal])
    kinds = rng.choice(len(_KINDS), size=size, p=kind_weights)
    tones = np.clip(np.rint(rng.normal(kind_tone[kinds], 0.8)), -2, 2).astype(np.int64)
    sides = rng.choice(len(_SIDES), size=size, p=_SIDE_WEIGHTS)
    precisions = rng.choice(len(_PRECISIONS), size=size, p=_PRECISION_WEIGHTS)
    bases = rng.choice(len(_BASES), size=size, p=_BASIS_WEIGHTS)
    span_lengths = rng.geometric(0.25, size=size)
    open_span = rng.random(size) < 0.05
    months = rng.integers(1, 13, size=size)
    days = rng.integers(1, 29, size=size)
    third_roll = rng.random(size)
    has_amount = rng.random(size) < np.where(aid_kind[kinds], 0.6, 0.02)
    amounts = np.round(np.exp(rng.normal(17.0, 1.6, size=size)), -3)
    currencies = rng.choice(len(_CURRENCIES), size=size, p=_CURRENCY_WEIGHTS)
    amount_kinds = rng.choice(len(_AMOUNT_KINDS), size=size)
    approximate = rng.random(size) < 0.3
    source_picks = rng.integers(0, len(sources), size=size)
    words = rng.integers(0, len(_WORDS), size=(size, 12))
    quote_numbers = rng.integers(2, 999, size=size)

    facts: list[Fact] = []
    for i in range(size):
        year = int(years[i])
        precision = _PRECISIONS[precisions[i]]
        side = _SIDES[sides[i]]
        if side is AfghanSide.TALIBAN and year < TALIBAN_FROM:
            side = AfghanSide.GOVERNMENT
        first = last = year
        if precision is DatePrecision.SPAN:
            last = min(year + int(span_lengths[i]), int(ends[principal[i]]))
            if last <= year:
                precision = DatePrecision.YEAR
        codes = [candidates[principal[i]]]
        for index in drawn[i, 1 : partner_count[i]]:
            code = candidates[index]
            # Every partner must have existed in the fact's years, as the curators check.
            if code not in codes and starts[index] <= first and ends[index] >= last:
                codes.append(code)
        basis = _BASES[bases[i]]
        note = None if basis is YearBasis.STATED else f"Year {basis.value} (synthetic)."
        if precision is DatePrecision.UNKNOWN:
            date = FactDate(precision, basis=basis, note=note or "Undated (synthetic).")
        elif precision is DatePrecision.SPAN:
            end = None if open_span[i] and ends[principal[i]] == LAST_YEAR else last
            date = FactDate(precision, year, end_year=end, basis=basis, note=note)
        elif precision is DatePrecision.DAY:
            date = FactDate(
                precision, year, int(months[i]), int(days[i]), year, basis=basis, note=note
            )
        elif precision is DatePrecision.MONTH:
            date = FactDate(precision, year, int(months[i]), None, year, basis=basis, note=note)
        else:
            date = FactDate(precision, year, end_year=year, basis=basis, note=note)
        kind = _KINDS[kinds[i]]
        amount = None
        if has_amount[i]:
            amount = Amount(
                float(amounts[i]),
                _CURRENCIES[currencies[i]],
                _AMOUNT_KINDS[amount_kinds[i]],
                approximate=bool(approximate[i]),
            )
        partner_name = names[principal[i]]
        quote = " ".join(_WORDS[w] for w in words[i])
        facts.append(
            Fact(
                id=f"syn-{first_number + i:07d}",
                partners=tuple(codes),
                kind=kind,
                afghan_side=side,
                date=date,
                tone=int(tones[i]),
                summary=(
                    f"Synthetic {kind.value.replace('_', ' ')} between {partner_name} and "
                    f"Afghanistan ({side.value} side), generated for benchmarking."
                ),
                citation=Citation(
                    sources[source_picks[i]],
                    f"In {year} {quote}, as {quote_numbers[i]} sources later noted.",
                ),
                amount=amount,
                third_party=side is AfghanSide.NONE and third_roll[i] < 0.6,
            )
        )
    return facts
