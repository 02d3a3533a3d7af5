"""Telling a sound database from a damaged one before the app trusts it.

SQLite keeps no checksums of its own: a flipped byte inside a row reads back as a changed
value without any error. The build therefore records a digest of every table's rows in
``meta``, and opening the default database recomputes it; ``PRAGMA integrity_check``
catches damage to the file's structure (pages, b-trees, and indexes that no longer match
their table — which ``quick_check`` skips) that would fail later queries.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import SQLAlchemyError

from afgui.data.schema import Base, MetaRow

DIGEST_KEY = "content_digest"


def content_digest(connection: Connection) -> str:
    """SHA-256 over every afgui table but ``meta``, rows in primary-key order.

    Values go through the same typed columns at build time and when checked, so their
    ``repr`` is stable; the result depends only on the rows, not on the file's layout.
    """
    digest = hashlib.sha256()
    for table in Base.metadata.sorted_tables:
        if table.name == MetaRow.__tablename__:
            continue
        digest.update(f"\x00{table.name}\x00".encode())
        query = select(table).order_by(*table.primary_key.columns)
        for row in connection.execute(query):
            digest.update(repr(tuple(row)).encode("utf-8", "surrogatepass"))
            digest.update(b"\x00")
    return digest.hexdigest()


def structural_damage(engine: Engine) -> str | None:
    """What ``PRAGMA integrity_check`` (or opening the file) reports, or None when sound."""
    try:
        with engine.connect() as connection:
            result = connection.exec_driver_sql("PRAGMA integrity_check")
            findings = [str(row[0]) for row in result]
    except SQLAlchemyError as error:
        return error_cause(error)
    except UnicodeDecodeError:
        # A damaged schema page: SQLite's own error message quotes it and cannot be decoded.
        return "its schema cannot be read"
    if findings == ["ok"]:
        return None
    # Findings can span lines and start with a header such as "*** in database main ***".
    lines = [
        line.strip()
        for finding in findings
        for line in finding.splitlines()
        if line.strip() and not line.startswith("***")
    ]
    more = f" and {len(lines) - 1} more findings" if len(lines) > 1 else ""
    return _shorten(f"{lines[0] if lines else 'integrity_check failed'}{more}")


def digest_mismatch(engine: Engine, recorded: str) -> str | None:
    """Why the rows do not match the ``recorded`` digest, or None when they do."""
    try:
        with engine.connect() as connection:
            actual = content_digest(connection)
    except (SQLAlchemyError, ValueError, TypeError) as error:
        # A damaged value can fail to decode (text) or to convert (dates) on the way out.
        cause = error_cause(error) if isinstance(error, SQLAlchemyError) else str(error)
        return f"a row cannot be read: {cause}"
    if actual != recorded:
        return "its rows do not match the checksum recorded when it was built"
    return None


def error_cause(error: BaseException) -> str:
    """The driver's own words for a database error, on one line, without SQLAlchemy's links."""
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error).strip()
    return _shorten(text.splitlines()[0]) if text else type(error).__name__


def _shorten(text: str, limit: int = 160) -> str:
    # A damaged value can be quoted in the driver's message: keep the message one short line.
    return text if len(text) <= limit else f"{text[: limit - 1]}…"
