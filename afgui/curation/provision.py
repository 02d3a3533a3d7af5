"""Finding the database the app and the CLI read, and rebuilding it when it is stale.

A new user never meets a "no database" error: the default database lives in the user data
directory (platformdirs) and is rebuilt from the bundled curated sources whenever it is
missing, from another schema version, or built from other sources. A rebuild writes a new
file beside the old one and swaps it in atomically, so an instance reading the old file
keeps working. A file that is not an afgui database is never overwritten or deleted.

An explicit URL (``--db``/``AFGUI_DB_URL``) is built when empty and otherwise used as it
is: it may hold other data on purpose (a synthetic benchmark database).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import platformdirs
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from afgui.curation.build import build_database
from afgui.curation.loader import CurationError, hash_source_tree, load_corpus, read_source_tree
from afgui.data.engine import make_engine, read_meta, sqlite_path, sqlite_url
from afgui.data.schema import APPLICATION_ID, SCHEMA_VERSION


class DatabaseUnavailableError(Exception):
    """The database cannot be used; the message names the file or URL and the cause."""


@dataclass(frozen=True)
class OpenedDatabase:
    url: str
    engine: Engine
    rebuilt: bool
    warnings: tuple[str, ...] = ()


def bundled_sources_root() -> Traversable:
    return files("afgui.curated")


def default_database_path() -> Path:
    directory = Path(platformdirs.user_data_dir("afgui", appauthor=False))
    return directory / f"afgui-schema{SCHEMA_VERSION}.sqlite3"


def _current_sources(root: Path | Traversable | None) -> tuple[dict[str, bytes], str]:
    tree = read_source_tree(root if root is not None else bundled_sources_root())
    return tree, hash_source_tree(tree)


def _build_corpus(tree: dict[str, bytes]):  # type: ignore[no-untyped-def]
    corpus, problems = load_corpus(tree)
    if problems:
        raise CurationError(problems)
    return corpus


def describe_url(url: str) -> str:
    path = sqlite_path(url)
    return str(path) if path is not None else url


def open_database(
    url: str | None = None,
    *,
    sources_root: Path | Traversable | None = None,
    default_path: Path | None = None,
) -> OpenedDatabase:
    """Open ``url`` (or the default database), building or rebuilding it as needed."""
    tree, current_hash = _current_sources(sources_root)
    if url is None:
        return _open_default(default_path or default_database_path(), tree, current_hash)
    return _open_explicit(url, tree, current_hash)


def _is_current(meta: dict[str, str] | None, current_hash: str) -> bool:
    return (
        meta is not None
        and meta.get("application") == APPLICATION_ID
        and meta.get("schema_version") == str(SCHEMA_VERSION)
        and meta.get("sources_hash") == current_hash
    )


def _probe(path: Path) -> tuple[bool, dict[str, str] | None]:
    """(is it afgui's, its meta) for the file at ``path``; never writes to it."""
    engine = make_engine(sqlite_url(path), read_only=True)
    try:
        meta = read_meta(engine)
    finally:
        engine.dispose()
    return meta is not None and meta.get("application") == APPLICATION_ID, meta


def _open_default(path: Path, tree: dict[str, bytes], current_hash: str) -> OpenedDatabase:
    warnings: list[str] = []
    candidates = [path, path.with_name(f"{path.stem}.rebuilt{path.suffix}")]
    for candidate in candidates:
        if not candidate.exists():
            return _build_file(candidate, tree, current_hash, warnings)
        ours, meta = _probe(candidate)
        if ours:
            if _is_current(meta, current_hash):
                return _opened(candidate, rebuilt=False, warnings=warnings)
            return _build_file(candidate, tree, current_hash, warnings)
        warnings.append(f"{candidate} is not a readable afgui database; it was left untouched")
    raise DatabaseUnavailableError(
        f"cannot use {path}: it and {candidates[-1]} are not afgui databases "
        "(move them away, or pass --db URL)"
    )


def _opened(path: Path, *, rebuilt: bool, warnings: list[str]) -> OpenedDatabase:
    url = sqlite_url(path)
    return OpenedDatabase(url, make_engine(url, read_only=True), rebuilt, tuple(warnings))


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
        with contextlib.suppress(OSError):
            temporary_path.unlink()
        cause = getattr(error, "strerror", None) or str(error).splitlines()[0]
        raise DatabaseUnavailableError(f"cannot write the database {path}: {cause}") from None
    return _opened(path, rebuilt=True, warnings=warnings)


def _open_explicit(url: str, tree: dict[str, bytes], current_hash: str) -> OpenedDatabase:
    where = describe_url(url)
    try:
        engine = make_engine(url)
    except (SQLAlchemyError, ValueError) as error:
        raise DatabaseUnavailableError(f"cannot open {where}: {error}") from None
    path = sqlite_path(url)
    if path is not None and path.exists() and path.stat().st_size > 0:
        ours, meta = _probe(path)
        if not ours:
            engine.dispose()
            raise DatabaseUnavailableError(f"{where} is not an afgui database (left untouched)")
    else:
        meta = read_meta(engine)
    if meta is None:
        build_database(engine, _build_corpus(tree))
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
