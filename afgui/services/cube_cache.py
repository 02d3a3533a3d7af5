"""A disk cache of the relations cube, so a returning user's start skips rebuilding it.

Building the cube streams every direct fact through Python: negligible for the curated
data, but about 7 s of a 1 000 000-fact database's start. The cube depends only on the
database's rows and on the code that computes it, so it is kept, as a small ``.npz``
file in the user cache directory, under a key made of:

* the database file (resolved path, size, modification time) and its whole ``meta``
  table, which names the rows it holds (the content digest of a curated build, the
  parameters and seed of a synthetic one);
* the source of the modules that compute the cube (measures, repository, schema), or the
  afgui version where the source cannot be read (a frozen build).

Anything else — an in-memory or server database, an unreadable file, a damaged or
foreign cache file — means no cache: the cube is built as usual. Writes are atomic.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import shutil
import time
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import platformdirs

from afgui import __version__
from afgui.data.cache_files import save_arrays_atomically
from afgui.data.lazy_engine import LazyEngine

if TYPE_CHECKING:
    from sqlalchemy import Engine

#: Bump when what is stored changes shape.
FORMAT = 1
_CODE_MODULES = (
    "afgui.domain.measures",
    "afgui.services.measures",
    "afgui.services.cube_cache",
    "afgui.services.fact_index",
    "afgui.data.repository",
    "afgui.data.schema",
)


@dataclass(frozen=True, slots=True)
class CachedCube:
    """What the cube build derives from the database (see ``RelationsService``)."""

    partners: tuple[str, ...]
    codes: tuple[str, ...]
    first_year: int
    last_year: int
    raw: npt.NDArray[np.float64]
    has_data: npt.NDArray[np.bool_]
    statuses: npt.NDArray[np.int8]


def cache_directory() -> Path:
    return Path(platformdirs.user_cache_dir("afgui", appauthor=False)) / "measures"


def cube_key(source: Engine | LazyEngine) -> str | None:
    """The cache key of the database's cube, or None when its cube is not to be cached.

    A :class:`LazyEngine` that knows its key (a database verified at an earlier start,
    :mod:`afgui.services.quick_start`) answers without a query.
    """
    lazy = LazyEngine.of(source)
    if lazy.cache_key is not None:
        return lazy.cache_key
    from afgui.data.engine import read_meta

    engine = lazy.get()
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    # A read-only URI ("file:PATH?mode=ro&uri=true") names the file after "file:".
    path = Path(database.removeprefix("file:").split("?", 1)[0])
    try:
        stat = path.resolve(strict=True).stat()
    except OSError:
        return None
    meta = read_meta(engine)
    if meta is None:
        return None
    identity = {
        "format": FORMAT,
        "file": [str(path.resolve()), stat.st_size, stat.st_mtime_ns],
        "meta": meta,
        "code": code_identity(),
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:32]


def code_identity(extra_modules: Collection[str] = ()) -> str:
    """A digest of the source of the modules that compute what is cached (and of
    ``extra_modules``), or the afgui version where the source cannot be read."""
    digest = hashlib.sha256()
    for name in (*_CODE_MODULES, *extra_modules):
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        try:
            digest.update(Path(origin or "").read_bytes())
        except OSError:
            return f"version {__version__}"
    return digest.hexdigest()


def load(key: str) -> CachedCube | None:
    path = cache_directory() / f"cube-{key}.npz"
    try:
        with np.load(path, allow_pickle=False) as stored:
            header = json.loads(str(stored["header"]))
            cube = CachedCube(
                partners=tuple(header["partners"]),
                codes=tuple(header["codes"]),
                first_year=int(header["first_year"]),
                last_year=int(header["last_year"]),
                raw=stored["raw"],
                has_data=stored["has_data"],
                statuses=stored["statuses"],
            )
    except (OSError, KeyError, ValueError, TypeError, zipfile.BadZipFile):
        return None
    mark_used(path)
    years = cube.last_year - cube.first_year + 1
    shape = cube.raw.shape
    if (
        len(shape) != 3
        or shape[:2] != (len(cube.codes), years)
        or cube.has_data.shape != shape
        or cube.statuses.shape != shape
    ):
        return None
    return cube


def store(key: str, cube: CachedCube) -> None:
    """Keep ``cube`` under ``key``; a failure to write only costs the next start time."""
    directory = cache_directory()
    header = {
        "partners": list(cube.partners),
        "codes": list(cube.codes),
        "first_year": cube.first_year,
        "last_year": cube.last_year,
    }
    save_arrays_atomically(
        directory / f"cube-{key}.npz",
        header=np.array(json.dumps(header)),
        raw=cube.raw,
        has_data=cube.has_data,
        statuses=cube.statuses,
    )
    prune(keep=[directory / f"cube-{key}.npz"])


# Pruning ---------------------------------------------------------------------------------

#: Cached cubes and fact indexes not used for this many days are removed whenever a new
#: one is stored. Every afgui upgrade or database rebuild makes a new key, so the old
#: entries (30 MB for the index of a million facts) would otherwise stay for ever; entries
#: in use are kept, so two installations sharing a database do not delete each other's.
UNUSED_DAYS = 30
#: Leftovers of an interrupted write (``.cube-…``, ``.index-…``) older than this go too.
LEFTOVER_HOURS = 24


def mark_used(path: Path) -> None:
    """Note that the cache entry ``path`` was just used (its modification time)."""
    with contextlib.suppress(OSError):
        os.utime(path)


def prune(keep: Collection[Path] = (), now: float | None = None) -> list[str]:
    """Remove unused cache entries and old leftovers (see :data:`UNUSED_DAYS`), never
    those in ``keep``; returns the names removed. Failures are ignored: pruning only
    saves disk space."""
    moment = time.time() if now is None else now
    kept = {Path(path).name for path in keep}
    removed: list[str] = []
    try:
        entries = list(cache_directory().iterdir())
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if name in kept:
            continue
        if name.startswith(("cube-", "index-")):
            limit = UNUSED_DAYS * 86_400
        elif name.startswith((".cube-", ".index-")):
            limit = LEFTOVER_HOURS * 3_600
        else:
            continue
        try:
            if moment - entry.stat().st_mtime <= limit:
                continue
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except OSError:
            continue
        removed.append(name)
    return removed
