"""What a start needs before its first paint, kept from the last start on the same database.

Opening the database the usual way (:func:`afgui.curation.provision.open_database`)
imports SQLAlchemy and its ORM, checks the file's structure and digest, and reads the
reference data: about 0.7 s on a slow machine, most of a returning user's start. None of
it is needed to draw the window when nothing changed since the last start: the relations
cube and the fact index are on disk already (:mod:`afgui.services.cube_cache`,
:mod:`afgui.services.fact_index`), and what is left fits in a small record:

* which file was opened for the database asked for (the default one may be its
  ``.rebuilt`` twin), with its size, modification time and inode when it was verified;
* the key of its cube and index, the reference data (actors, Afghan governments,
  sources), and the warnings the open gave;
* the hash of the bundled curated sources and of the code that reads and computes all
  this.

:func:`recall` gives the record only when all of these still hold: the same file, unchanged
(an atomic rebuild makes a new inode, any write a new modification time), the same bundled
sources (else the default database must be rebuilt) and the same code. Otherwise the
start opens the database the usual way and :func:`remember` writes a new record. A
database with files kept aside (a damaged one left untouched) gets no record, so its
warning is shown at every start. Only SQLite files are recorded. Writes are atomic; a
record that cannot be read is no record.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from afgui.data.lazy_engine import LazyEngine
from afgui.domain.model import Actor, ActorName, Government, Source
from afgui.domain.vocab import ActorKind, AfghanSide, SourceKind
from afgui.services import cube_cache
from afgui.services.catalog import ReferenceData
from afgui.services.export import actor_record, government_record, source_record

#: Bump when what is stored changes shape.
FORMAT = 1
# Besides the cube's modules (cube_cache.code_identity): what reads and writes the record.
_CODE_MODULES = (
    "afgui.services.quick_start",
    "afgui.services.catalog",
    "afgui.services.export",
    "afgui.domain.model",
)


@dataclass(frozen=True, slots=True)
class StartRecord:
    """A database verified at an earlier start, and what its first paint needs."""

    url: str
    #: The database file, as it was when an open verified it.
    path: Path
    read_only: bool
    cache_key: str
    reference: ReferenceData
    warnings: tuple[str, ...]

    def database(self) -> LazyEngine:
        """The database, its engine made on first query."""
        return LazyEngine(self.url, read_only=self.read_only, cache_key=self.cache_key)


def record_directory() -> Path:
    return Path(platformdirs.user_cache_dir("afgui", appauthor=False)) / "start"


def _record_path(requested: str) -> Path:
    # A URL given on the command line may name a file relative to the working directory.
    where = f"{requested}\0{Path.cwd()}" if requested else ""
    name = hashlib.sha256(where.encode()).hexdigest()[:24]
    return record_directory() / f"start-{name}.json"


def _file_identity(path: Path) -> list[object] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino]


def recall(requested: str, sources_hash: str) -> StartRecord | None:
    """The record of the database asked for (``""``: the default one), or None when it
    is missing, unreadable or out of date (see the module's description)."""
    try:
        stored = json.loads(_record_path(requested).read_text(encoding="utf-8"))
        if (
            stored["format"] != FORMAT
            or stored["requested"] != requested
            or stored["sources_hash"] != sources_hash
            or stored["code"] != cube_cache.code_identity(_CODE_MODULES)
        ):
            return None
        path = Path(stored["file"][0])
        if _file_identity(path) != stored["file"]:
            return None
        return StartRecord(
            url=str(stored["url"]),
            path=path,
            read_only=bool(stored["read_only"]),
            cache_key=str(stored["cache_key"]),
            reference=_reference_from(stored["reference"]),
            warnings=tuple(str(warning) for warning in stored["warnings"]),
        )
    except (OSError, KeyError, IndexError, ValueError, TypeError, AttributeError):
        return None


def remember(
    requested: str,
    sources_hash: str,
    *,
    url: str,
    path: Path,
    read_only: bool,
    database: LazyEngine,
    reference: ReferenceData,
    warnings: Sequence[str] = (),
) -> bool:
    """Write the record of a database just opened and verified the usual way; returns
    whether it was written (not for a database whose cube is not cached, nor when the
    cache directory cannot be written: a record only saves start-up time)."""
    key = cube_cache.cube_key(database)
    identity = _file_identity(path.resolve())
    if key is None or identity is None:
        return False
    record = {
        "format": FORMAT,
        "requested": requested,
        "sources_hash": sources_hash,
        "code": cube_cache.code_identity(_CODE_MODULES),
        "file": identity,
        "url": url,
        "read_only": read_only,
        "cache_key": key,
        "reference": _reference_to(reference),
        "warnings": list(warnings),
    }
    try:
        target = _record_path(requested)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=".start-", suffix=".json")
    except OSError:
        return False
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(record, stream, ensure_ascii=False)
        Path(name).replace(target)
    except OSError:
        with contextlib.suppress(OSError):
            Path(name).unlink()
        return False
    return True


def forget(requested: str) -> None:
    """Remove the record of the database asked for, if there is one."""
    with contextlib.suppress(OSError):
        _record_path(requested).unlink()


# The reference data as JSON: the export's records (afgui.services.export) and back ------


def _reference_to(reference: ReferenceData) -> dict[str, Any]:
    return {
        "actors": [actor_record(actor) for actor in reference.actors],
        "governments": [government_record(government) for government in reference.governments],
        "sources": [source_record(source) for source in reference.sources],
    }


def _reference_from(stored: dict[str, Any]) -> ReferenceData:
    actors = tuple(
        Actor(
            **{
                **record,
                "kind": ActorKind(record["kind"]),
                "map_shapes": tuple(record["map_shapes"]),
                "other_names": tuple(ActorName(**other) for other in record["other_names"]),
            }
        )
        for record in stored["actors"]
    )
    governments = tuple(
        Government(
            **{
                **record,
                "start": dt.date.fromisoformat(record["start"]),
                "end": dt.date.fromisoformat(record["end"]) if record["end"] else None,
                "side": AfghanSide(record["side"]),
            }
        )
        for record in stored["governments"]
    )
    sources = tuple(
        Source(**{**record, "kind": SourceKind(record["kind"])}) for record in stored["sources"]
    )
    return ReferenceData(actors, governments, sources)
