"""A database engine made on first use.

Importing SQLAlchemy and its ORM takes about 0.6 s of a start on a slow machine, more
than a third of the time to the first painted window. A window drawn from the on-disk
caches (the relations cube, the fact index, the reference data of
:mod:`afgui.services.quick_start`) needs no query, so the services hold a
:class:`LazyEngine` and the engine, with SQLAlchemy, is made only when a query is first
run (or ahead of it, in the background, by :meth:`LazyEngine.warm_up`).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

WARM_UP_THREAD = "afgui-engine-warm-up"


class LazyEngine:
    """The engine of ``url``, made on first :meth:`get`; or an engine made already.

    ``cache_key`` names the database's contents when it is known without reading them
    (see :func:`afgui.services.cube_cache.cube_key`).
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        engine: Engine | None = None,
        read_only: bool = False,
        cache_key: str | None = None,
    ) -> None:
        if (url is None) == (engine is None):
            raise ValueError("give either a URL or an engine")
        self._url = url
        self._engine = engine
        self._read_only = read_only
        self._lock = threading.Lock()
        self.cache_key = cache_key

    @classmethod
    def of(cls, source: Engine | LazyEngine) -> LazyEngine:
        """``source`` itself when lazy, else a wrapper of the engine given."""
        return source if isinstance(source, LazyEngine) else cls(engine=source)

    @property
    def created(self) -> bool:
        """Whether the engine has been made (SQLAlchemy imported for it)."""
        return self._engine is not None

    def get(self) -> Engine:
        """The engine, made now if it has not been."""
        engine = self._engine
        if engine is not None:
            return engine
        with self._lock:
            if self._engine is None:
                from afgui.data.engine import make_engine

                assert self._url is not None
                self._engine = make_engine(self._url, read_only=self._read_only)
            return self._engine

    def warm_up(self, then: Callable[[], object] | None = None) -> threading.Thread | None:
        """Make the engine and import what queries need in a background thread, so the
        first query after the first paint does not wait for the imports, then run
        ``then`` in that thread; returns the thread (None when there is nothing to do)."""
        if self.created and then is None:
            return None

        def work() -> None:
            # A failure here is met again, and reported, by the query that needs the engine.
            with contextlib.suppress(Exception):
                # The repository imports the ORM, which the first query needs as well.
                import afgui.data.repository  # noqa: F401

                self.get()
            if then is not None:
                then()

        thread = threading.Thread(target=work, name=WARM_UP_THREAD, daemon=True)
        thread.start()
        return thread
