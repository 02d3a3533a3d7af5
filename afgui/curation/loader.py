"""Reading and validating the curated sources under ``db/``.

``read_source_tree`` collects the files; ``load_corpus`` parses and checks them all and
returns the domain values together with *every* problem found, each naming the file, the
entry and the field, so a curator fixes a whole batch in one pass. YAML is read with safe
loading only; files over ``MAX_FILE_BYTES`` are refused unread. Any input — random bytes,
deep nesting, aliases that expand exponentially, tags naming Python objects, unreadable or
special files — is answered with problems, never an exception; values quoted in messages
are shortened so a problem stays one readable line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import reprlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import yaml

from afgui.domain.dates import DateFormatError, parse_calendar_date, parse_fact_date
from afgui.domain.model import (
    Actor,
    ActorName,
    Amount,
    Citation,
    Fact,
    Government,
    Source,
)
from afgui.domain.vocab import (
    TONE_MAX,
    TONE_MIN,
    ActorKind,
    AfghanSide,
    AmountKind,
    DatePrecision,
    FactKind,
    SourceKind,
    YearBasis,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
# Curated files nest four or five levels; libyaml's C composer recurses on the C stack and
# crashes the interpreter (a segmentation fault, not an exception) near 30,000 levels,
# which a 60 kB file reaches.
MAX_NESTING = 64
ACTORS_FILE = "actors.yaml"
GOVERNMENTS_FILE = "governments.yaml"
SOURCES_FILE = "sources.yaml"
FACTS_DIR = "facts"

_FACT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")
_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_ACTOR_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,15}$")
_ISO2 = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _yaml_loader() -> type[yaml.SafeLoader | yaml.CSafeLoader]:
    """The C loader where there is one, being much faster; both are safe loaders (no tags
    that build Python objects)."""
    import yaml  # only when sources are read: a returning user's start never parses them

    loader: type[yaml.SafeLoader | yaml.CSafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong in the curated sources."""

    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.file, self.entry, self.field) if part)
        return f"{where}: {self.message}"


class CurationError(Exception):
    """The curated sources have problems; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the curated sources:\n{lines}{more}")


@dataclass(frozen=True, slots=True)
class QuoteRef:
    """Where a quote stands in the curated files, kept even for entries with other problems."""

    file: str
    entry: str
    source_id: str
    quote: str


@dataclass(frozen=True)
class Corpus:
    """The validated curated data, ready to build into a database."""

    actors: tuple[Actor, ...]
    governments: tuple[Government, ...]
    sources: tuple[Source, ...]
    facts: tuple[Fact, ...]
    sources_hash: str
    quotes: tuple[QuoteRef, ...] = ()
    """Every fact entry's quote, valid entry or not, so quote checks report them all."""


def read_source_tree(root: Path | Traversable) -> dict[str, bytes]:
    """The curated files below ``root`` as ``{relative path: bytes}`` (YAML files only).

    Files larger than ``MAX_FILE_BYTES``, unreadable ones and ones that are not regular
    files (a FIFO would block the read) map to a marker so validation can name them; a
    directory that cannot be listed raises ``CurationError``.
    """
    files: dict[str, bytes] = {}

    def visit(node: Path | Traversable, prefix: str) -> None:
        try:
            children = sorted(node.iterdir(), key=lambda item: item.name)
        except OSError as error:
            problem = Problem(prefix or str(node), "", "", f"cannot list: {_os_reason(error)}")
            raise CurationError([problem]) from None
        for child in children:
            relative = f"{prefix}{child.name}"
            if child.is_dir():
                if child.name == FACTS_DIR and not prefix:
                    visit(child, f"{relative}/")
            elif child.name.endswith(".yaml"):
                files[relative] = _read_limited(child)

    visit(root, "")
    return files


class _Unreadable(bytes):
    """Stands for a file that was not read; ``reason`` says why."""

    reason: str

    def __new__(cls, reason: str) -> _Unreadable:
        marker = super().__new__(cls, f"\x00unreadable: {reason}".encode())
        marker.reason = reason
        return marker


def _read_limited(node: Path | Traversable) -> bytes:
    try:
        if not node.is_file():
            return _Unreadable("not a regular file")
        with node.open("rb") as handle:
            data: bytes = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return _Unreadable(f"cannot read: {_os_reason(error)}")
    if len(data) > MAX_FILE_BYTES:
        return _Unreadable(f"file is larger than {MAX_FILE_BYTES} bytes")
    return data


def _os_reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def hash_source_tree(files: Mapping[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\x00")
        digest.update(hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


T = TypeVar("T")


@dataclass
class _Checker:
    """Collects problems while reading one entry of one file."""

    file: str
    problems: list[Problem]
    entry: str = ""

    def add(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.entry, field_name, message))


@dataclass
class _Entry:
    data: Mapping[str, Any]
    check: _Checker
    allowed: frozenset[str]
    seen: set[str] = field(default_factory=set)

    def unknown_fields(self) -> None:
        for key in self.data:
            if key not in self.allowed:
                self.check.add(_field_name(key), "unknown field")

    def get(self, key: str, kind: type[T], *, required: bool, nullable: bool = False) -> T | None:
        if key not in self.data:
            if required:
                self.check.add(key, "missing")
            return None
        value = self.data[key]
        if value is None:
            if not nullable:
                self.check.add(key, "must not be empty")
            return None
        if kind is int and isinstance(value, bool):
            self.check.add(key, f"expected an integer, got {_short(value)}")
            return None
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return kind(value)  # type: ignore[call-arg]
        if not isinstance(value, kind):
            self.check.add(key, f"expected {_type_name(kind)}, got {_describe(value)}")
            return None
        if kind is str and not value.strip():  # type: ignore[attr-defined]
            self.check.add(key, "must not be empty")
            return None
        return value

    def text(self, key: str, *, required: bool = True, nullable: bool = False) -> str | None:
        return self.get(key, str, required=required, nullable=nullable)

    def enum(self, key: str, enum: Callable[[str], T], choices: str, *, default: T) -> T:
        raw = self.get(key, str, required=False)
        if raw is None:
            return default
        try:
            return enum(raw)
        except ValueError:
            self.check.add(key, f"unknown value {_short(raw)}; expected one of: {choices}")
            return default

    def required_enum(self, key: str, enum: Callable[[str], T], choices: str) -> T | None:
        raw = self.get(key, str, required=True)
        if raw is None:
            return None
        try:
            return enum(raw)
        except ValueError:
            self.check.add(key, f"unknown value {_short(raw)}; expected one of: {choices}")
            return None

    def year(self, key: str) -> int | None:
        value = self.get(key, int, required=False, nullable=True)
        if value is not None and not 1000 <= value <= 2100:
            self.check.add(key, f"year {value} is out of range 1000–2100")
            return None
        return value


def _type_name(kind: type[Any]) -> str:
    return {
        str: "text",
        int: "an integer",
        float: "a number",
        list: "a list",
        dict: "a mapping",
    }.get(kind, kind.__name__)


# Bounded in depth and width: a plain repr of a YAML alias bomb (ten lists of ten, nine
# levels deep, in a few hundred bytes) would build a string of billions of characters.
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxset = 3, 4, 4, 4
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxlong = 60, 60, 40


def _describe(value: Any) -> str:
    return f"{type(value).__name__} {_short(value)}"


def _short(value: Any) -> str:
    """A value quoted in a message: repr, bounded in length, depth and width."""
    text = _SHORT.repr(value)
    return text if len(text) <= 100 else f"{text[:99]}…"


def _field_name(key: Any) -> str:
    """A mapping key as a field name in a problem, one short printable line."""
    if isinstance(key, str) and key.isprintable() and len(key) <= 60:
        return key
    return _short(key)


def _choices(enum: Any) -> str:
    return ", ".join(member.value for member in enum)


def _parse_yaml(name: str, data: bytes, problems: list[Problem]) -> Any:
    import yaml  # see _yaml_loader

    if isinstance(data, _Unreadable):
        problems.append(Problem(name, "", "", data.reason))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(Problem(name, "", "", f"not valid UTF-8 (byte {error.start})"))
        return None
    try:
        if _too_deep(text):
            problems.append(Problem(name, "", "", f"nested more than {MAX_NESTING} levels deep"))
            return None
        return yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(error, "problem", None) or type(error).__name__
        problems.append(Problem(name, "", "", f"not valid YAML{where}: {reason}"))
    except RecursionError:
        problems.append(Problem(name, "", "", "not valid YAML: nested too deeply"))
    return None


def _too_deep(text: str) -> bool:
    """Whether collections nest deeper than ``MAX_NESTING``, from the (iterative) event stream."""
    import yaml  # see _yaml_loader

    depth = 0
    for event in yaml.parse(text, Loader=_yaml_loader()):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                return True
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return False


def _entries(
    name: str, document: Any, problems: list[Problem], *, key: str
) -> Iterator[tuple[_Checker, Mapping[str, Any]]]:
    if document is None:
        return
    if not isinstance(document, list):
        problems.append(
            Problem(name, "", "", f"expected a list of entries, got {_describe(document)}")
        )
        return
    for index, item in enumerate(document, start=1):
        check = _Checker(name, problems, f"entry {index}")
        if not isinstance(item, dict):
            check.add("", f"expected a mapping, got {_describe(item)}")
            continue
        identifier = item.get(key)
        if (
            isinstance(identifier, str)
            and identifier.strip()
            and _field_name(identifier) == identifier
        ):
            check.entry = identifier
        yield check, item


def _check_key(
    check: _Checker,
    field_name: str,
    value: str | None,
    seen: set[str],
    pattern: re.Pattern[str] | None = None,
    hint: str = "",
) -> None:
    """An entry's key is well formed (when a pattern is given) and unique in its file."""
    if value is None:
        return
    if pattern is not None and not pattern.match(value):
        check.add(field_name, hint)
    elif value in seen:
        check.add(field_name, f"duplicate {field_name} {_short(value)}")
    seen.add(value)


def _load_sources(name: str, document: Any, problems: list[Problem]) -> list[Source]:
    allowed = frozenset(
        {"id", "title", "kind", "author", "publisher", "published", "seed_file", "note"}
    )
    sources: list[Source] = []
    seen: set[str] = set()
    for check, data in _entries(name, document, problems, key="id"):
        entry = _Entry(data, check, allowed)
        entry.unknown_fields()
        source_id = entry.text("id")
        _check_key(
            check, "id", source_id, seen, _SOURCE_ID, "use lower-case letters, digits and '-'"
        )
        title = entry.text("title", nullable=True)
        kind = entry.required_enum("kind", SourceKind, _choices(SourceKind))
        seed_file = entry.text("seed_file")
        if seed_file is not None and (
            "/" in seed_file
            or "\\" in seed_file
            or seed_file.startswith(".")
            or not seed_file.isprintable()
        ):
            check.add("seed_file", "must be a plain file name in the seeds directory")
            seed_file = None
        for optional in ("author", "publisher", "published"):
            if optional not in data:
                check.add(optional, "missing (write null when the text does not give it)")
        author = entry.text("author", required=False, nullable=True)
        publisher = entry.text("publisher", required=False, nullable=True)
        published = _date_text(entry, "published")
        note = entry.text("note", required=False)
        if source_id and kind and seed_file:
            sources.append(
                Source(source_id, title, kind, seed_file, author, publisher, published, note)
            )
    return sources


def _date_text(entry: _Entry, key: str) -> str | None:
    value = entry.data.get(key)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return entry.text(key, required=False, nullable=True)


def _load_actors(name: str, document: Any, problems: list[Problem]) -> list[Actor]:
    allowed = frozenset(
        {"code", "name", "kind", "start", "end", "predecessor", "successor", "map", "names", "note"}
    )
    actors: list[Actor] = []
    seen: set[str] = set()
    for check, data in _entries(name, document, problems, key="code"):
        entry = _Entry(data, check, allowed)
        entry.unknown_fields()
        code = entry.text("code")
        _check_key(
            check,
            "code",
            code,
            seen,
            _ACTOR_CODE,
            "use 2–16 upper-case letters or digits (ISO alpha-3 for states)",
        )
        actor_name = entry.text("name")
        kind = entry.required_enum("kind", ActorKind, _choices(ActorKind))
        start, end = entry.year("start"), entry.year("end")
        if start is not None and end is not None and end < start:
            check.add("end", f"ends ({end}) before it starts ({start})")
        predecessor = entry.text("predecessor", required=False)
        successor = entry.text("successor", required=False)
        shapes = _string_list(entry, "map") or []
        for shape in shapes:
            if not _ISO2.match(shape):
                check.add("map", f"{_short(shape)} is not an ISO 3166-1 alpha-2 code")
        if shapes and kind is not None and kind is not ActorKind.STATE:
            check.add("map", f"an {kind.value} has no shape on the map")
        other_names = _other_names(entry)
        note = entry.text("note", required=False)
        if code and actor_name and kind:
            actors.append(
                Actor(
                    code,
                    actor_name,
                    kind,
                    start,
                    end,
                    predecessor,
                    successor,
                    tuple(shapes),
                    tuple(other_names),
                    note,
                )
            )
    codes = {actor.code for actor in actors}
    for actor in actors:
        check = _Checker(name, problems, actor.code)
        for link in ("predecessor", "successor"):
            target = getattr(actor, link)
            if target is not None and target not in codes:
                check.add(link, f"unknown actor code {_short(target)}")
    return actors


def _string_list(entry: _Entry, key: str) -> list[str] | None:
    values = entry.get(key, list, required=False)
    if values is None:
        return None
    strings = [value for value in values if isinstance(value, str)]
    if len(strings) != len(values):
        entry.check.add(key, "every item must be text")
    return strings


def _other_names(entry: _Entry) -> list[ActorName]:
    values = entry.get("names", list, required=False) or []
    names: list[ActorName] = []
    for index, item in enumerate(values, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            entry.check.add("names", f"item {index} needs a name")
            continue
        sub = _Entry(item, entry.check, frozenset({"name", "start", "end"}))
        for key in item:
            if key not in sub.allowed:
                entry.check.add(f"names.{_field_name(key)}", "unknown field")
        names.append(ActorName(item["name"], sub.year("start"), sub.year("end")))
    return names


def _load_governments(name: str, document: Any, problems: list[Problem]) -> list[Government]:
    allowed = frozenset({"code", "name", "start", "end", "side", "note"})
    governments: list[Government] = []
    seen: set[str] = set()
    for check, data in _entries(name, document, problems, key="code"):
        entry = _Entry(data, check, allowed)
        entry.unknown_fields()
        code = entry.text("code")
        _check_key(check, "code", code, seen)
        gov_name = entry.text("name")
        start = _calendar_date(entry, "start", required=True)
        end = _calendar_date(entry, "end", required=True)
        if start is not None and end is not None and end < start:
            check.add("end", f"ends ({end}) before it starts ({start})")
        side = entry.required_enum("side", AfghanSide, "government, taliban")
        if side in (AfghanSide.BOTH, AfghanSide.NONE):
            check.add("side", "a government belongs to one track: government or taliban")
            side = None
        note = entry.text("note", required=False)
        if code and gov_name and start and side:
            governments.append(Government(code, gov_name, start, end, side, note))
    return sorted(governments, key=lambda government: government.start)


def _calendar_date(entry: _Entry, key: str, *, required: bool) -> dt.date | None:
    if key not in entry.data:
        if required:
            entry.check.add(key, "missing (write null for an open end)")
        return None
    value = entry.data[key]
    if value is None:
        if key == "start":
            entry.check.add(key, "must not be empty")
        return None
    if isinstance(value, dt.datetime):
        # A YAML timestamp with a time of day; comparing it with a plain date would raise.
        entry.check.add(key, f"expected a date without a time of day, got {value.isoformat()}")
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return parse_calendar_date(value)
        except DateFormatError as error:
            entry.check.add(key, str(error))
            return None
    entry.check.add(key, f"expected an ISO date, got {_describe(value)}")
    return None


_FACT_FIELDS = frozenset(
    {
        "id",
        "partners",
        "kind",
        "afghan_side",
        "third_party",
        "date",
        "year_basis",
        "date_note",
        "tone",
        "summary",
        "quote",
        "amount",
        "note",
        "same_event_as",
    }
)
_AMOUNT_FIELDS = frozenset({"value", "currency", "kind", "approximate", "price_basis"})


def _load_fact_file(
    name: str,
    document: Any,
    problems: list[Problem],
    source_ids: set[str],
    seen_ids: dict[str, str],
    quotes: list[QuoteRef],
) -> list[Fact]:
    if document is None:
        problems.append(Problem(name, "", "", "empty file"))
        return []
    if not isinstance(document, dict):
        problems.append(
            Problem(
                name, "", "", f"expected a mapping with source and facts, got {_describe(document)}"
            )
        )
        return []
    for key in document:
        if key not in ("source", "facts"):
            problems.append(Problem(name, "", _field_name(key), "unknown field"))
    source_id = document.get("source")
    if not isinstance(source_id, str):
        problems.append(Problem(name, "", "source", "missing source id"))
        source_id = None
    elif source_id not in source_ids:
        problems.append(Problem(name, "", "source", f"unknown source {_short(source_id)}"))
        source_id = None
    facts: list[Fact] = []
    for check, data in _entries(name, document.get("facts"), problems, key="id"):
        fact_id = data.get("id")
        if isinstance(fact_id, str) and fact_id:
            if fact_id in seen_ids:
                check.add("id", f"duplicate id, also in {seen_ids[fact_id]}")
                continue
            seen_ids[fact_id] = name
        quote = data.get("quote")
        if source_id is not None and isinstance(quote, str) and quote.strip():
            quotes.append(QuoteRef(name, check.entry, source_id, quote))
        fact = _load_fact(check, data, source_id)
        if fact is not None:
            facts.append(fact)
    return facts


def _load_fact(check: _Checker, data: Mapping[str, Any], source_id: str | None) -> Fact | None:
    entry = _Entry(data, check, _FACT_FIELDS)
    entry.unknown_fields()
    fact_id = entry.text("id")
    if fact_id is not None and not _FACT_ID.match(fact_id):
        check.add("id", "use lower-case letters, digits and '-' (at most 120)")
        fact_id = None
    partners = _string_list(entry, "partners")
    if not partners:
        check.add("partners", "name at least one partner")
    elif len(set(partners)) != len(partners):
        check.add("partners", "a partner is listed twice")
    kind = entry.required_enum("kind", FactKind, _choices(FactKind))
    side = entry.required_enum("afghan_side", AfghanSide, _choices(AfghanSide))
    third_party = entry.get("third_party", bool, required=False)
    basis = entry.enum("year_basis", YearBasis, _choices(YearBasis), default=YearBasis.STATED)
    date_note = entry.text("date_note", required=False)
    if basis is not YearBasis.STATED and date_note is None:
        check.add("date_note", f"say why the year is {basis.value}")
    raw_date = data.get("date")
    if isinstance(raw_date, dt.date):
        raw_date = raw_date.isoformat()
    elif isinstance(raw_date, int) and not isinstance(raw_date, bool):
        raw_date = str(raw_date)
    fact_date = None
    if raw_date is None:
        check.add("date", "missing (write unknown when the text gives no date)")
    elif not isinstance(raw_date, str):
        check.add("date", f"expected text, got {_describe(raw_date)}")
    else:
        try:
            fact_date = parse_fact_date(raw_date, basis, date_note)
        except DateFormatError as error:
            check.add("date", str(error))
        else:
            if fact_date.precision is DatePrecision.UNKNOWN and date_note is None:
                check.add("date_note", "say why the date is unknown")
    tone = entry.get("tone", int, required=True)
    if tone is not None and not TONE_MIN <= tone <= TONE_MAX:
        check.add("tone", f"{tone} is outside the scale {TONE_MIN}..{TONE_MAX}")
        tone = None
    summary = entry.text("summary")
    quote = entry.text("quote")
    amount = _amount(entry)
    note = entry.text("note", required=False)
    same_event_as = entry.text("same_event_as", required=False)
    if (
        fact_id
        and partners
        and kind
        and side
        and fact_date
        and tone is not None
        and summary
        and quote
        and source_id
        and (amount is not None or "amount" not in data)
    ):
        return Fact(
            id=fact_id,
            partners=tuple(partners),
            kind=kind,
            afghan_side=side,
            date=fact_date,
            tone=tone,
            summary=summary.strip(),
            citation=Citation(source_id, quote.strip()),
            amount=amount,
            third_party=bool(third_party),
            note=note,
            same_event_as=same_event_as,
        )
    return None


def _amount(entry: _Entry) -> Amount | None:
    data = entry.get("amount", dict, required=False)
    if data is None:
        return None
    check = entry.check
    for key in data:
        if key not in _AMOUNT_FIELDS:
            check.add(f"amount.{_field_name(key)}", "unknown field")
    raw_value = data.get("value")
    value: float | None = None
    if isinstance(raw_value, bool) or not isinstance(raw_value, int | float):
        check.add("amount.value", "the figure must be a number")
    else:
        try:
            value = float(raw_value)
        except OverflowError:  # an integer beyond any float
            value = math.inf
        if not math.isfinite(value) or value <= 0:
            check.add("amount.value", "the figure must be a positive, finite number")
            value = None
    currency = data.get("currency")
    if not isinstance(currency, str) or not currency:
        check.add("amount.currency", "an amount needs a currency (ISO 4217, e.g. USD)")
        currency = None
    elif not _CURRENCY.match(currency):
        check.add("amount.currency", f"{_short(currency)} is not an ISO 4217 code")
        currency = None
    raw_kind = data.get("kind")
    kind = None
    if not isinstance(raw_kind, str) or not raw_kind:
        check.add("amount.kind", f"an amount needs a kind: {_choices(AmountKind)}")
    else:
        try:
            kind = AmountKind(raw_kind)
        except ValueError:
            check.add(
                "amount.kind",
                f"unknown value {_short(raw_kind)}; expected one of: {_choices(AmountKind)}",
            )
    approximate = data.get("approximate", False)
    if not isinstance(approximate, bool):
        check.add("amount.approximate", "write true or false")
        approximate = False
    price_basis = data.get("price_basis", "current")
    if not isinstance(price_basis, str) or not price_basis.strip():
        check.add("amount.price_basis", "must be text, e.g. current")
        price_basis = "current"
    if value is None or currency is None or kind is None:
        return None
    return Amount(value, currency, kind, approximate, price_basis)


def load_corpus(files: Mapping[str, bytes]) -> tuple[Corpus, list[Problem]]:
    """Parse and validate every curated file; the corpus holds only the valid entries."""
    problems: list[Problem] = []
    for required in (SOURCES_FILE, ACTORS_FILE, GOVERNMENTS_FILE):
        if required not in files:
            problems.append(Problem(required, "", "", "file is missing"))
    sources = _load_sources(SOURCES_FILE, _parse(files, SOURCES_FILE, problems), problems)
    actors = _load_actors(ACTORS_FILE, _parse(files, ACTORS_FILE, problems), problems)
    governments = _load_governments(
        GOVERNMENTS_FILE, _parse(files, GOVERNMENTS_FILE, problems), problems
    )
    source_ids = {source.id for source in sources}
    actors_by_code = {actor.code: actor for actor in actors}
    facts: list[Fact] = []
    seen_ids: dict[str, str] = {}
    quotes: list[QuoteRef] = []
    for name in sorted(files):
        if not name.startswith(f"{FACTS_DIR}/"):
            continue
        reported = len(problems)
        document = _parse(files, name, problems)
        if document is None and len(problems) > reported:
            continue  # unreadable or not YAML: said already, it is not also "empty"
        for fact in _load_fact_file(name, document, problems, source_ids, seen_ids, quotes):
            if _check_partners(_Checker(name, problems, fact.id), fact, actors_by_code):
                facts.append(fact)
    _check_same_events(facts, seen_ids, problems)
    corpus = Corpus(
        actors=tuple(actors),
        governments=tuple(governments),
        sources=tuple(sources),
        facts=tuple(sorted(facts, key=lambda fact: fact.id)),
        sources_hash=hash_source_tree(files),
        quotes=tuple(quotes),
    )
    return corpus, sorted(problems)


def _parse(files: Mapping[str, bytes], name: str, problems: list[Problem]) -> Any:
    data = files.get(name)
    return None if data is None else _parse_yaml(name, data, problems)


def _check_same_events(
    facts: list[Fact], fact_files: Mapping[str, str], problems: list[Problem]
) -> None:
    """``same_event_as`` names another existing fact that is itself a primary report."""
    by_id = {fact.id: fact for fact in facts}
    for fact in facts:
        target_id = fact.same_event_as
        if target_id is None:
            continue
        check = _Checker(fact_files.get(fact.id, ""), problems, fact.id)
        target = by_id.get(target_id)
        if target_id == fact.id:
            check.add("same_event_as", "a fact cannot be the same event as itself")
        elif target_id not in fact_files:
            check.add("same_event_as", f"unknown fact id {_short(target_id)}")
        elif target is not None and target.same_event_as is not None:
            check.add(
                "same_event_as",
                f"{_short(target_id)} itself points to {_short(target.same_event_as)}; "
                "point to that primary fact",
            )


def _check_partners(check: _Checker, fact: Fact, actors: Mapping[str, Actor]) -> bool:
    valid = True
    for code in fact.partners:
        actor = actors.get(code)
        if actor is None:
            check.add("partners", f"unknown actor code {_short(code)}")
            valid = False
            continue
        if code == "AFG":
            check.add("partners", "Afghanistan is implicit; say its side in afghan_side")
            valid = False
            continue
        first, last = fact.date.year, fact.date.end_year
        if first is None:
            continue
        last = first if last is None and fact.date.precision is not DatePrecision.SPAN else last
        before = actor.end_year is not None and first > actor.end_year
        after = (
            actor.start_year is not None and (last if last is not None else 9999) < actor.start_year
        )
        if before or after:
            span = f"{actor.start_year or '…'}–{actor.end_year or '…'}"
            check.add(
                "date",
                f"{fact.date.text} is outside the years {code} existed ({span})",
            )
            valid = False
    return valid
