"""Broken database files: the app starts anyway or refuses with one message; nothing is lost.

The default database is derived, so a bad file there is left untouched, the database is
rebuilt beside it and a warning names the bad file. An explicit ``--db`` file that cannot be
used is refused with one message naming it and the cause. Every case checks the message and
that the bad file's bytes are unchanged afterwards.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from afgui.curation import provision
from afgui.curation.loader import Corpus
from afgui.curation.provision import (
    DatabaseUnavailableError,
    OpenedDatabase,
    build_explicit,
    default_database_path,
    open_database,
)
from afgui.data.engine import make_engine, sqlite_url
from afgui.data.schema import SCHEMA_VERSION, FactRow
from afgui.domain.model import Citation
from afgui.services.catalog import Catalog
from afgui.services.measures import RelationsService, ViewSide

FIXTURE_SOURCES = Path(__file__).parent / "fixtures" / "sources"
SUMMARY = b"Pakistan recognises the Taliban government."


def _snapshot(engine: Engine) -> tuple[Any, ...]:
    """Everything the app reads, as domain values, for comparing two databases."""
    catalog = Catalog(engine)
    relations = RelationsService(engine, catalog)  # its aggregate queries use the indexes
    values = tuple(
        tuple(sorted(relations.values_at(year, side).items()))
        for year in (1979, 1997, 2002)
        for side in ViewSide
    )
    return catalog.actors, catalog.governments, catalog.sources, tuple(catalog.facts()), values


@contextlib.contextmanager
def _opened(**kwargs: Any) -> Iterator[OpenedDatabase]:
    opened = open_database(sources_root=FIXTURE_SOURCES, **kwargs)
    try:
        yield opened
    finally:
        opened.engine.dispose()


def _good_database(path: Path) -> bytes:
    """Build the fixture database at ``path``; its bytes."""
    with _opened(default_path=path):
        pass
    return path.read_bytes()


def _flip(data: bytes, offset: int, length: int = 1, mask: int = 0xFF) -> bytes:
    changed = bytearray(data)
    for index in range(offset, min(offset + length, len(data))):
        changed[index] ^= mask
    return bytes(changed)


def _sql(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    with connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()


def _assert_rebuilt_beside(opened: OpenedDatabase, bad: Path, cause: str) -> None:
    sibling = bad.with_name(f"{bad.stem}.rebuilt{bad.suffix}")
    assert opened.url == sqlite_url(sibling)
    assert opened.rebuilt
    [warning] = opened.warnings
    assert str(bad) in warning and "left untouched" in warning and str(sibling) in warning
    assert cause in warning
    assert "\n" not in warning
    assert len(Catalog(opened.engine).facts()) == 7


# --- the default database ----------------------------------------------------------------


def test_a_changed_value_inside_a_row_is_noticed(tmp_path: Path) -> None:
    """SQLite has no checksums: one changed letter reads back silently without the digest."""
    path = tmp_path / "afgui.sqlite3"
    data = _good_database(path)
    offset = data.index(SUMMARY)
    damaged = data[:offset] + b"Q" + data[offset + 1 :]  # "Qakistan": still valid UTF-8
    path.write_bytes(damaged)
    with _opened(default_path=path) as opened:
        _assert_rebuilt_beside(opened, path, "do not match the checksum")
        summaries = {fact.summary for fact in Catalog(opened.engine).facts()}
    assert SUMMARY.decode() in summaries
    assert path.read_bytes() == damaged


def test_bytes_flipped_in_the_middle(tmp_path: Path) -> None:
    path = tmp_path / "afgui.sqlite3"
    data = _good_database(path)
    offset = data.index(SUMMARY) + 4
    damaged = _flip(data, offset, length=16)
    path.write_bytes(damaged)
    with _opened(default_path=path) as opened:
        _assert_rebuilt_beside(opened, path, "is damaged")
    assert path.read_bytes() == damaged


def test_damaged_page_structure_is_noticed(tmp_path: Path) -> None:
    path = tmp_path / "afgui.sqlite3"
    data = _good_database(path)
    page_size = int.from_bytes(data[16:18], "big")
    # The b-tree page header of page 2 (the first table's root): its cell count and offsets.
    damaged = _flip(data, page_size + 3, length=4)
    path.write_bytes(damaged)
    with _opened(default_path=path) as opened:
        _assert_rebuilt_beside(opened, path, "is damaged")
    assert path.read_bytes() == damaged


def _root_page(path: Path, name: str) -> int:
    connection = sqlite3.connect(path)
    [(page,)] = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,))
    connection.close()
    return int(page)


def test_an_index_that_no_longer_matches_its_table_is_noticed(tmp_path: Path) -> None:
    """quick_check passes this file, and the partner counts read it: 'QAK' had one fact."""
    path = tmp_path / "afgui.sqlite3"
    data = _good_database(path)
    page_size = int.from_bytes(data[16:18], "big")
    start = (_root_page(path, "ix_fact_partners_actor") - 1) * page_size
    key = start + data[start : start + page_size].index(b"PAKpak-1997")
    damaged = data[:key] + b"Q" + data[key + 1 :]  # the index says QAK, the table PAK
    path.write_bytes(damaged)
    with _opened(default_path=path) as opened:
        _assert_rebuilt_beside(opened, path, "missing from index ix_fact_partners_actor")
        assert "QAK" not in Catalog(opened.engine).fact_counts()
    assert path.read_bytes() == damaged


def test_schema_text_that_cannot_be_decoded_is_noticed(tmp_path: Path) -> None:
    """SQLite quotes the damaged CREATE statement in its error; decoding it raised."""
    path = tmp_path / "afgui.sqlite3"
    data = _good_database(path)
    offset = data.index(b"CREATE TABLE facts") + 2
    damaged = data[:offset] + bytes([data[offset] ^ 0x80]) + data[offset + 1 :]
    path.write_bytes(damaged)
    with _opened(default_path=path) as opened:
        _assert_rebuilt_beside(opened, path, "its schema cannot be read")
    assert path.read_bytes() == damaged


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    position=st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
    length=st.integers(min_value=1, max_value=64),
    mask=st.integers(min_value=1, max_value=255),
)
def test_no_flip_anywhere_changes_what_is_shown_silently(
    position: float, length: int, mask: int
) -> None:
    """Whatever bytes are flipped, afgui shows the original data or warns and keeps the file."""
    with tempfile.TemporaryDirectory() as directory:
        base = Path(directory)
        good = base / "good" / "afgui.sqlite3"
        data = _good_database(good)
        with _opened(default_path=good) as opened:
            expected = _snapshot(opened.engine)
        path = base / "afgui.sqlite3"
        damaged = _flip(data, int(position * len(data)), length, mask)
        path.write_bytes(damaged)
        with _opened(default_path=path) as opened:
            served = _snapshot(opened.engine)
            warned = [warning for warning in opened.warnings if str(path) in warning]
        assert served == expected
        if warned:
            assert path.read_bytes() == damaged


@pytest.mark.parametrize(
    ("name", "mutate", "cause"),
    [
        ("truncated", lambda data: data[: len(data) // 2], "is damaged"),
        ("truncated to its header", lambda data: data[:100], "is damaged"),
        ("empty", lambda data: b"", "no afgui tables"),
        ("not sqlite", lambda data: b"%PDF-1.7 not a database\n" * 200, "not an afgui database"),
        ("zeros", lambda data: bytes(len(data)), "not an afgui database"),
    ],
)
def test_unreadable_default_file_is_kept_and_rebuilt_beside(
    tmp_path: Path, name: str, mutate: Callable[[bytes], bytes], cause: str
) -> None:
    path = tmp_path / "afgui.sqlite3"
    bad = mutate(_good_database(path))
    path.write_bytes(bad)
    with _opened(default_path=path) as opened:
        _assert_rebuilt_beside(opened, path, cause)
    assert path.read_bytes() == bad


def test_newer_schema_version_is_kept_and_rebuilt_beside(tmp_path: Path) -> None:
    path = tmp_path / "afgui.sqlite3"
    _good_database(path)
    newer = SCHEMA_VERSION + 1
    _sql(path, f"UPDATE meta SET value = '{newer}' WHERE key = 'schema_version'")
    before = path.read_bytes()
    with _opened(default_path=path) as opened:
        _assert_rebuilt_beside(opened, path, f"newer afgui (schema version '{newer}'")
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("statements", "cause"),
    [
        (
            [
                "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)",
                "INSERT INTO notes VALUES (1, 'x')",
            ],
            "no afgui tables",
        ),
        (
            [
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
                "INSERT INTO meta VALUES ('application', 'otherapp')",
                "CREATE TABLE facts (id TEXT PRIMARY KEY)",
                "INSERT INTO facts VALUES ('precious')",
            ],
            "another application ('otherapp'",
        ),
    ],
)
def test_database_of_another_application_is_kept(
    tmp_path: Path, statements: list[str], cause: str
) -> None:
    path = tmp_path / "afgui.sqlite3"
    _sql(path, *statements)
    before = path.read_bytes()
    with _opened(default_path=path) as opened:
        _assert_rebuilt_beside(opened, path, cause)
    assert path.read_bytes() == before


def test_both_places_unusable_refuses_with_one_message(tmp_path: Path) -> None:
    path = tmp_path / "afgui.sqlite3"
    sibling = tmp_path / "afgui.rebuilt.sqlite3"
    path.write_bytes(b"not a database\n" * 100)
    sibling.write_bytes(b"")
    _sql(sibling, "CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    before = path.read_bytes(), sibling.read_bytes()
    with pytest.raises(DatabaseUnavailableError) as caught:
        open_database(sources_root=FIXTURE_SOURCES, default_path=path)
    message = str(caught.value)
    assert str(path) in message and str(sibling) in message
    assert "not a database" in message and "no afgui tables" in message
    assert "left untouched" in message and "\n" not in message
    assert (path.read_bytes(), sibling.read_bytes()) == before


def test_database_without_a_digest_is_rebuilt_in_place(tmp_path: Path) -> None:
    """An afgui database from before the digest is afgui's own and merely stale."""
    path = tmp_path / "afgui.sqlite3"
    _good_database(path)
    _sql(path, "DELETE FROM meta WHERE key = 'content_digest'")
    with _opened(default_path=path) as opened:
        assert opened.rebuilt and opened.url == sqlite_url(path) and opened.warnings == ()
    with _opened(default_path=path) as opened:
        assert not opened.rebuilt


# --- explicit --db files -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prepare", "cause"),
    [
        (lambda path: path.write_bytes(b"\x00\xff garbage " * 300), "not an afgui database"),
        (
            lambda path: _sql(path, "CREATE TABLE notes (id INTEGER PRIMARY KEY)"),
            "no afgui tables",
        ),
        (
            lambda path: (
                _good_database(path),
                _sql(
                    path, f"UPDATE meta SET value='{SCHEMA_VERSION + 1}' WHERE key='schema_version'"
                ),
            ),
            "newer afgui",
        ),
        (
            lambda path: path.write_bytes(
                _good_database(path).replace(SUMMARY, b"Q" + SUMMARY[1:])
            ),
            "do not match the checksum",
        ),
    ],
)
def test_explicit_file_that_cannot_be_used_is_refused(
    tmp_path: Path, prepare: Callable[[Path], object], cause: str
) -> None:
    path = tmp_path / "explicit.sqlite3"
    prepare(path)
    before = path.read_bytes()
    for attempt in (
        lambda: open_database(sqlite_url(path), sources_root=FIXTURE_SOURCES),
        lambda: build_explicit(sqlite_url(path), _fixture_corpus()),
    ):
        with pytest.raises(DatabaseUnavailableError) as caught:
            attempt()
        message = str(caught.value)
        assert message.startswith(str(path)) and cause in message and "\n" not in message
    assert path.read_bytes() == before


def test_explicit_build_never_drops_another_applications_tables(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    _sql(
        path,
        "CREATE TABLE facts (id TEXT PRIMARY KEY, body TEXT)",
        "INSERT INTO facts VALUES ('mine', 'precious')",
    )
    before = path.read_bytes()
    with pytest.raises(DatabaseUnavailableError, match="not an afgui database"):
        build_explicit(sqlite_url(path), _fixture_corpus())
    assert path.read_bytes() == before


def test_explicit_older_schema_is_refused_and_can_be_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _good_database(path)
    _sql(path, "UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with pytest.raises(DatabaseUnavailableError, match="afgui-db build --db URL"):
        open_database(sqlite_url(path), sources_root=FIXTURE_SOURCES)
    build_explicit(sqlite_url(path), _fixture_corpus())
    with _opened(url=sqlite_url(path)) as opened:
        assert not opened.rebuilt and len(Catalog(opened.engine).facts()) == 7


def test_explicit_file_in_a_missing_directory(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "missing" / "x.sqlite3")
    with pytest.raises(DatabaseUnavailableError, match="does not exist"):
        open_database(url, sources_root=FIXTURE_SOURCES)
    assert not (tmp_path / "missing").exists()


def test_explicit_url_without_its_driver_and_with_a_password(tmp_path: Path) -> None:
    url = "mysql+nosuchdriver://reader:s3cret@127.0.0.1:1/afgui"
    with pytest.raises(DatabaseUnavailableError) as caught:
        open_database(url, sources_root=FIXTURE_SOURCES)
    message = str(caught.value)
    assert message.startswith("cannot open mysql+nosuchdriver://reader:***@127.0.0.1:1/afgui")
    assert "s3cret" not in message


def test_failed_rebuild_keeps_the_previous_contents(tmp_path: Path, fixture_corpus: Corpus) -> None:
    """A rebuild that fails half-way rolls back the dropped tables too (DDL is transactional)."""
    url = sqlite_url(tmp_path / "explicit.sqlite3")
    build_explicit(url, fixture_corpus)
    broken_fact = dataclasses.replace(
        fixture_corpus.facts[0], citation=Citation("no-such-source", "a quote")
    )
    broken = dataclasses.replace(fixture_corpus, facts=(*fixture_corpus.facts[1:], broken_fact))
    with pytest.raises(DatabaseUnavailableError, match="nothing was changed"):
        build_explicit(url, broken)
    engine = make_engine(url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(FactRow)) == 7
    engine.dispose()


def _fixture_corpus() -> Corpus:
    from afgui.curation.loader import load_corpus, read_source_tree

    corpus, problems = load_corpus(read_source_tree(FIXTURE_SOURCES))
    assert problems == []
    return corpus


# --- a read-only directory and a full disk ----------------------------------------------


def _stale_default(path: Path) -> bytes:
    """An afgui database at ``path`` built from other sources than the bundled ones."""
    _good_database(path)
    _sql(path, "UPDATE meta SET value = 'other' WHERE key = 'sources_hash'")
    return path.read_bytes()


def test_read_only_directory_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "afgui.sqlite3"
    before = _stale_default(path)

    def denied(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(provision.tempfile, "mkstemp", denied)
    with pytest.raises(DatabaseUnavailableError) as caught:
        open_database(sources_root=FIXTURE_SOURCES, default_path=path)
    assert str(caught.value) == f"cannot create the database in {tmp_path}: Permission denied"
    assert path.read_bytes() == before


def test_full_disk_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's max_page_count makes every write past a few pages fail as on a full disk."""
    path = tmp_path / "afgui.sqlite3"
    before = _stale_default(path)
    real_make_engine = provision.make_engine

    def small_disk(url: str, *, read_only: bool = False) -> Engine:
        engine = real_make_engine(url, read_only=read_only)

        @event.listens_for(engine, "connect")
        def _limit(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA max_page_count = 4")

        return engine

    monkeypatch.setattr(provision, "make_engine", small_disk)
    with pytest.raises(DatabaseUnavailableError) as caught:
        open_database(sources_root=FIXTURE_SOURCES, default_path=path)
    assert str(caught.value) == f"cannot write the database {path}: database or disk is full"
    assert path.read_bytes() == before
    assert sorted(tmp_path.iterdir()) == [path]  # no temporary file or journal left behind


def test_current_database_in_a_read_only_directory_opens(tmp_path: Path) -> None:
    with _subprocess_env(tmp_path) as env:
        default = _default_path_for(env)
        default.parent.mkdir(parents=True)
        result = _afgui_db(["build"], env)  # built with the bundled sources
        assert result.returncode == 0, result.stderr
        default.parent.chmod(0o555)
        result = _afgui_db(["stats"], env, unprivileged=True)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("facts: ")


def test_read_only_directory_for_real(tmp_path: Path) -> None:
    with _subprocess_env(tmp_path) as env:
        default = _default_path_for(env)
        default.parent.mkdir(parents=True)
        before = _stale_default(default)
        default.parent.chmod(0o555)
        result = _afgui_db(["build"], env, unprivileged=True)
        assert result.returncode == 1
        assert result.stderr == (
            f"afgui-db: cannot create the database in {default.parent}: Permission denied\n"
        )
        assert default.read_bytes() == before
        assert sorted(default.parent.iterdir()) == [default]


def test_full_disk_for_real(tmp_path: Path) -> None:
    """A file-size limit (RLIMIT_FSIZE) makes SQLite's writes fail as a full disk does."""
    with _subprocess_env(tmp_path) as env:
        default = _default_path_for(env)
        default.parent.mkdir(parents=True)
        before = _stale_default(default)
        result = _afgui_db(["build"], env, file_size_limit=64 * 1024)
        assert result.returncode == 1
        assert result.stderr.startswith(f"afgui-db: cannot write the database {default}: ")
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert default.read_bytes() == before
        assert sorted(default.parent.iterdir()) == [default]


# --- helpers for the subprocess cases ------------------------------------------------------


@contextlib.contextmanager
def _subprocess_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AFGUI_")}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")
    try:
        yield env
    finally:
        # Let pytest clean up the directories made read-only.
        for directory in (tmp_path / "xdg-data").rglob("*"):
            if directory.is_dir():
                directory.chmod(0o755)


def _default_path_for(env: dict[str, str]) -> Path:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from afgui.curation.provision import default_database_path as d; print(d())",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    path = Path(result.stdout.strip())
    assert path.name == default_database_path().name
    return path


_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2


def _drop_root_override() -> None:
    """In the child before exec: root loses the capability to ignore file permissions."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _afgui_db(
    args: list[str],
    env: dict[str, str],
    *,
    unprivileged: bool = False,
    file_size_limit: int | None = None,
) -> subprocess.CompletedProcess[str]:
    def prepare() -> None:
        if unprivileged and os.geteuid() == 0:
            _drop_root_override()
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run(
        [sys.executable, "-c", "import sys; from afgui.cli import main; sys.exit(main())", *args],
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=prepare,
        timeout=120,
    )
