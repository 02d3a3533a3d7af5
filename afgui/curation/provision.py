"""Finding the database the app and the CLI read, and rebuilding it when it is stale.

A new user never meets a "no database" error: the default database lives in the user data
directory (platformdirs) and is rebuilt from the bundled curated sources whenever it is
missing, from an older schema version, or built from other sources. A rebuild writes a new
file beside the old one and swaps it in atomically, so an instance reading the old file
keeps working. A file that is not a sound afgui database of this or an older version —
another application's, a damaged one (structure, indexes or row checksum), one from a newer afgui —
is never overwritten or deleted: the database is rebuilt beside it and a warning says where
the bad file is. When neither place can be used, one message names the files and causes.

An explicit URL (``--db``/``AFGUI_DB_URL``) is built when empty and otherwise used as it
is: it may hold other data on purpose (a synthetic benchmark database). It is refused, with
the reason, when it is not afgui's or is damaged; building into it (``build_explicit``)
never drops another application's tables.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from afgui.curation.build import build_database
from afgui.curation.loader import Corpus, CurationError, load_corpus
from afgui.curation.locations import DatabaseUnavailableError as DatabaseUnavailableError
from afgui.curation.locations import bundled_sources_root as bundled_sources_root
from afgui.curation.locations import current_sources
from afgui.curation.locations import default_database_path as default_database_path
from afgui.data.engine import make_engine, read_meta, sqlite_path, sqlite_url
from afgui.data.integrity import DIGEST_KEY, digest_mismatch, error_cause, structural_damage
from afgui.data.schema import APPLICATION_ID, SCHEMA_VERSION, Base


@dataclass(frozen=True)
class OpenedDatabase:
    url: str
    engine: Engine
    rebuilt: bool
    warnings: tuple[str, ...] = ()
    #: The warnings about bad files left untouched beside the database in use (a subset
    #: of ``warnings``): the user must learn where they are, so the window shows them.
    kept_aside: tuple[str, ...] = ()


def _build_corpus(tree: dict[str, bytes]) -> Corpus:
    corpus, problems = load_corpus(tree)
    if problems:
        raise CurationError(problems)
    return corpus


def describe_url(url: str) -> str:
    """The file behind ``url``, or the URL with its password masked, for messages."""
    path = _file_of(url)
    if path is not None:
        return str(path)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (SQLAlchemyError, ValueError):
        return "the database URL (it cannot be parsed)"


def _file_of(url: str) -> Path | None:
    """The SQLite file behind ``url``; None for other back-ends and for unparsable URLs."""
    try:
        return sqlite_path(url)
    except (SQLAlchemyError, ValueError):
        return None


def open_database(
    url: str | None = None,
    *,
    sources_root: Path | Traversable | None = None,
    default_path: Path | None = None,
) -> OpenedDatabase:
    """Open ``url`` (or the default database), building or rebuilding it as needed."""
    tree, current_hash = current_sources(sources_root)
    if url is None:
        return _open_default(default_path or default_database_path(), tree, current_hash)
    return _open_explicit(url, tree, current_hash)


def _is_current(meta: dict[str, str], current_hash: str) -> bool:
    return (
        meta.get("schema_version") == str(SCHEMA_VERSION)
        and meta.get("sources_hash") == current_hash
        and DIGEST_KEY in meta
    )


@dataclass(frozen=True)
class _Probe:
    """What a look at an existing file found; ``problem`` says why afgui must not use it."""

    meta: dict[str, str]
    problem: str | None = None


def _probe(path: Path, *, deep: bool) -> _Probe:
    """Inspect the file at ``path`` through a read-only connection; never writes to it.

    ``deep`` adds the check of the whole file's structure (``PRAGMA integrity_check``): cheap
    for the curated database, too slow for a synthetic benchmark one of a million facts.
    """
    engine = make_engine(sqlite_url(path), read_only=True)
    try:
        return _inspect(engine, deep=deep)
    finally:
        engine.dispose()


def check_file(path: Path, *, deep: bool) -> str | None:
    """Why the afgui database file at ``path`` must not be used, or None when it passes
    the checks an open makes (see :func:`_probe`); for a start that used the file as an
    earlier start verified it (afgui.services.quick_start), in the background."""
    return _probe(path, deep=deep).problem


def _inspect(engine: Engine, *, deep: bool) -> _Probe:
    if deep and (damage := structural_damage(engine)) is not None:
        return _Probe({}, f"is damaged or not an afgui database ({damage})")
    meta = read_meta(engine)
    if meta is None:
        if not deep and (damage := structural_damage(engine)) is not None:
            return _Probe({}, f"is damaged or not an afgui database ({damage})")
        return _Probe({}, "is not an afgui database (it has no afgui tables)")
    application = meta.get("application")
    if application != APPLICATION_ID:
        return _Probe(meta, f"belongs to another application ({application!r}, not afgui)")
    version = meta.get("schema_version", "")
    if not version.isdigit() or int(version) > SCHEMA_VERSION:
        return _Probe(
            meta,
            f"was written by a newer afgui (schema version {version!r}; "
            f"this afgui reads version {SCHEMA_VERSION})",
        )
    if version == str(SCHEMA_VERSION) and (mismatch := _tables_mismatch(engine)):
        return _Probe(meta, f"is damaged ({mismatch})")
    # Only afgui's build records a digest, and only for curated data (small): checked even
    # on explicit files, whose structure check is skipped (a synthetic one can be huge).
    recorded = meta.get(DIGEST_KEY)
    if recorded is not None and (mismatch := digest_mismatch(engine, recorded)):
        return _Probe(meta, f"is damaged ({mismatch})")
    return _Probe(meta)


def _tables_mismatch(engine: Engine) -> str | None:
    """How the tables differ from this schema version's (a hand-altered file), or None."""
    try:
        inspector = inspect(engine)
        present = set(inspector.get_table_names())
        for table in Base.metadata.sorted_tables:
            if table.name not in present:
                return f"the table {table.name} is missing"
            columns = {column["name"] for column in inspector.get_columns(table.name)}
            missing = sorted(set(table.columns.keys()) - columns)
            if missing:
                return f"the table {table.name} lacks the column {', '.join(missing)}"
    except (SQLAlchemyError, UnicodeDecodeError) as error:
        cause = error_cause(error) if isinstance(error, SQLAlchemyError) else "undecodable"
        return f"its tables cannot be listed: {cause}"
    return None


def _open_default(path: Path, tree: dict[str, bytes], current_hash: str) -> OpenedDatabase:
    candidates = [path, path.with_name(f"{path.stem}.rebuilt{path.suffix}")]
    refused: list[str] = []
    for candidate in candidates:
        warnings = [
            f"{bad}; it was left untouched (delete or move it), afgui uses {candidate}"
            for bad in refused
        ]
        if not candidate.exists():
            return _build_file(candidate, tree, current_hash, warnings)
        probe = _probe(candidate, deep=True)
        if probe.problem is None:
            if _is_current(probe.meta, current_hash):
                return _opened(candidate, rebuilt=False, warnings=warnings)
            return _build_file(candidate, tree, current_hash, warnings)
        refused.append(f"{candidate} {probe.problem}")
    raise DatabaseUnavailableError(
        f"cannot use the database: {'; '.join(refused)}. Both were left untouched: "
        "move them away, or pass --db URL"
    )


def _opened(path: Path, *, rebuilt: bool, warnings: list[str]) -> OpenedDatabase:
    url = sqlite_url(path)
    engine = make_engine(url, read_only=True)
    return OpenedDatabase(url, engine, rebuilt, tuple(warnings), kept_aside=tuple(warnings))


def _build_file(
    path: Path, tree: dict[str, bytes], current_hash: str, warnings: list[str]
) -> OpenedDatabase:
    corpus = _build_corpus(tree)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.stem}.", suffix=".building"
        )
        os.close(handle)
    except OSError as error:
        raise DatabaseUnavailableError(
            f"cannot create the database in {path.parent}: {error.strerror or error}"
        ) from None
    temporary_path = Path(temporary)
    engine = make_engine(sqlite_url(temporary_path))
    try:
        build_database(engine, corpus)
        engine.dispose()
        temporary_path.replace(path)
    except (OSError, SQLAlchemyError) as error:
        engine.dispose()
        for leftover in (temporary_path, Path(f"{temporary_path}-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise DatabaseUnavailableError(
            f"cannot write the database {path}: {_cause(error)}"
        ) from None
    return _opened(path, rebuilt=True, warnings=warnings)


def _cause(error: BaseException) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return error_cause(error)


def _make_engine(url: str, where: str) -> Engine:
    try:
        return make_engine(url)
    except (SQLAlchemyError, ValueError, ImportError) as error:
        # ImportError: the URL names a driver that is not installed (psycopg, pymysql …).
        raise DatabaseUnavailableError(f"cannot open {where}: {_cause(error)}") from None


def _refuse_unusable_file(url: str, where: str) -> None:
    """Raise when ``url`` names an existing file afgui must neither use nor overwrite."""
    path = _file_of(url)
    if path is None:
        return
    if not path.parent.is_dir():
        raise DatabaseUnavailableError(
            f"cannot open {where}: the directory {path.parent} does not exist"
        )
    if path.exists() and (path.is_dir() or path.stat().st_size > 0):
        probe = _probe(path, deep=False)
        if probe.problem is not None:
            raise DatabaseUnavailableError(f"{where} {probe.problem}; it was left untouched")


def build_explicit(url: str, corpus: Corpus) -> None:
    """Build ``corpus`` into the database at ``url`` (``afgui-db build --db URL``).

    An afgui database of any version is replaced in one transaction; anything else that
    holds tables of afgui's names is refused, so no other application's data is dropped.
    """
    where = describe_url(url)
    _refuse_unusable_file(url, where)
    engine = _make_engine(url, where)
    try:
        _build_into(engine, where, corpus)
    finally:
        engine.dispose()


def _build_into(engine: Engine, where: str, corpus: Corpus) -> None:
    try:
        existing = set(inspect(engine).get_table_names())
    except SQLAlchemyError as error:
        raise DatabaseUnavailableError(f"cannot open {where}: {_cause(error)}") from None
    if existing & set(Base.metadata.tables) and read_meta(engine) is None:
        raise DatabaseUnavailableError(
            f"{where} has tables named like afgui's but is not an afgui database; "
            "it was left untouched"
        )
    try:
        build_database(engine, corpus)
    except SQLAlchemyError as error:
        raise DatabaseUnavailableError(
            f"cannot build the database {where}: {_cause(error)} (nothing was changed)"
        ) from None


def _open_explicit(url: str, tree: dict[str, bytes], current_hash: str) -> OpenedDatabase:
    where = describe_url(url)
    _refuse_unusable_file(url, where)
    engine = _make_engine(url, where)
    meta = read_meta(engine)
    if meta is None:
        try:
            _build_into(engine, where, _build_corpus(tree))
        except BaseException:
            engine.dispose()
            raise
        return OpenedDatabase(url, engine, rebuilt=True)
    if meta.get("application") != APPLICATION_ID:
        engine.dispose()
        raise DatabaseUnavailableError(f"{where} is not an afgui database (left untouched)")
    if meta.get("schema_version") != str(SCHEMA_VERSION):
        engine.dispose()
        raise DatabaseUnavailableError(
            f"{where} has schema version {meta.get('schema_version')}, this afgui reads "
            f"version {SCHEMA_VERSION}; rebuild it with: afgui-db build --db URL"
        )
    warnings: tuple[str, ...] = ()
    if meta.get("sources_hash") != current_hash:
        warnings = (f"{where} was built from other sources than the bundled ones; used as it is",)
    return OpenedDatabase(url, engine, rebuilt=False, warnings=warnings)
