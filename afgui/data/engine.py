"""Engine set-up: the one place that knows which database afgui talks to.

Any SQLAlchemy URL works (``--db URL`` or ``AFGUI_DB_URL``); SQLite is the default and the
only SQLite-specific code (pragmas, file paths) lives here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from afgui.data.schema import MetaRow

DB_URL_ENV = "AFGUI_DB_URL"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other back-ends and in-memory databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys and a busy timeout for concurrent use."""
    parsed = make_url(url)
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if read_only and path is not None:
            # A read-only URI lets several app instances share a database that a
            # rebuild replaces atomically underneath them.
            url = f"sqlite:///file:{path}?mode=ro&uri=true"
        connect_args["timeout"] = 15
    engine = create_engine(url, connect_args=connect_args)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
            # The sqlite3 module would run DDL outside any transaction (it only opens one
            # before DML), so a failed rebuild would leave the tables dropped and empty.
            # SQLAlchemy's recipe: turn that off and emit BEGIN ourselves.
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN")

    return engine


def read_meta(engine: Engine) -> dict[str, str] | None:
    """The ``meta`` table as a dict, or None when the database has no afgui tables."""
    try:
        if not inspect(engine).has_table(MetaRow.__tablename__):
            return None
        with Session(engine) as session:
            rows = session.execute(select(MetaRow.key, MetaRow.value)).all()
    except (SQLAlchemyError, UnicodeDecodeError):
        # UnicodeDecodeError: in a damaged file even SQLite's error message can be garbage.
        return None
    return {key: value for key, value in rows}


def url_from_environment() -> str | None:
    value = os.environ.get(DB_URL_ENV, "").strip()
    return value or None
