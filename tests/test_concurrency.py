"""Several processes on one database: instances read side by side, a rebuild corrupts nothing.

The default database is rebuilt into a temporary file and renamed over the old one, so a
reader keeps its open file and the next connection sees the new one. An explicit database
is rebuilt in one transaction, so a reader sees the old rows or the new ones, never a
half-built or empty database. The tests synchronise on the reader's output (it reports
each version it sees), not on time; the timeouts only keep a hung process from hanging
the suite.
"""

from __future__ import annotations

import os
import selectors
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from afgui.curation.provision import open_database
from afgui.data.engine import sqlite_url
from afgui.services.catalog import Catalog

FIXTURE_SOURCES = Path(__file__).parent / "fixtures" / "sources"
ORIGINAL = "Pakistan recognises the Taliban government."
CHANGED = "Pakistan recognises the Taliban government (version B)."
GUARD_SECONDS = 120  # not an assertion: only so that a hung child fails the test

# Reads the database over and over, each time through a fresh read-only engine (as a new
# app instance would) and through one long-lived engine (as a running instance does);
# prints each version it sees (A or B) when it changes; stops when the stop file exists.
READER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from afgui.data.engine import make_engine, sqlite_url
    from afgui.services.catalog import Catalog

    url, stop = sys.argv[1], Path(sys.argv[2])
    versions = {%(original)r: "A", %(changed)r: "B"}
    expected_ids = None

    def version(engine):
        global expected_ids
        facts = Catalog(engine).facts()
        ids = sorted(fact.id for fact in facts)
        if expected_ids is None:
            expected_ids = ids
        assert ids == expected_ids, ids  # never empty, never half-built
        [summary] = [f.summary for f in facts if f.id == "pak-1997-recognises-taliban"]
        return versions[summary]

    lasting = make_engine(url, read_only=True)
    seen, reads = None, 0
    while True:
        done = stop.exists()
        fresh = make_engine(url, read_only=True)
        try:
            current = version(fresh)
        finally:
            fresh.dispose()
        version(lasting)
        reads += 1
        if current != seen:
            seen = current
            print(current, flush=True)
        if done:
            break
    print(f"reads {reads}", flush=True)
    """
) % {"original": ORIGINAL, "changed": CHANGED}


def _env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AFGUI_")}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")
    return env


def _changed_sources(tmp_path: Path) -> Path:
    root = tmp_path / "sources-b"
    shutil.copytree(FIXTURE_SOURCES, root)
    facts = root / "facts" / "fixture.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace(ORIGINAL, CHANGED), "utf-8")
    return root


def _afgui_db(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import sys; from afgui.cli import main; sys.exit(main())", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=GUARD_SECONDS,
    )


def _start_reader(url: str, stop: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", READER, url, str(stop)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _next_line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=GUARD_SECONDS):
            process.kill()
            pytest.fail("the reader stopped answering")
    line = process.stdout.readline()
    if not line:
        _, err = process.communicate(timeout=GUARD_SECONDS)
        pytest.fail(f"the reader failed:\n{err}")
    return line.strip()


def _finish(process: subprocess.Popen[str], stop: Path) -> int:
    stop.touch()
    out, err = process.communicate(timeout=GUARD_SECONDS)
    assert process.returncode == 0, err
    assert err == ""
    last = out.strip().splitlines()[-1]
    assert last.startswith("reads ")
    return int(last.removeprefix("reads "))


def _assert_sound(path: Path) -> None:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    connection.close()


def test_two_instances_start_together_on_a_missing_database(tmp_path: Path) -> None:
    """Both build the default database at once; both work; one sound file remains."""
    env = _env(tmp_path)
    command = [sys.executable, "-c", "import sys; from afgui.cli import main; sys.exit(main())"]
    args = ["stats", "--sources", str(FIXTURE_SOURCES)]
    first = subprocess.Popen([*command, *args], env=env, stdout=subprocess.PIPE, text=True)
    second = subprocess.Popen([*command, *args], env=env, stdout=subprocess.PIPE, text=True)
    outputs = [process.communicate(timeout=GUARD_SECONDS)[0] for process in (first, second)]
    assert first.returncode == second.returncode == 0
    assert outputs[0] == outputs[1] and outputs[0].startswith("facts: 7\n")
    [database] = (tmp_path / "xdg-data" / "afgui").iterdir()  # no temporary file left
    _assert_sound(database)


def test_rebuild_of_the_default_database_while_instances_read(tmp_path: Path) -> None:
    env = _env(tmp_path)
    sources_b = _changed_sources(tmp_path)
    result = _afgui_db(["build", "--sources", str(FIXTURE_SOURCES)], env)
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.split(": ")[0])
    stop = tmp_path / "stop"
    readers = [_start_reader(sqlite_url(path), stop, env) for _ in range(2)]
    for reader in readers:
        assert _next_line(reader) == "A"
    for version, sources in [("B", sources_b), ("A", FIXTURE_SOURCES)] * 2:
        result = _afgui_db(["build", "--sources", str(sources)], env)
        assert result.returncode == 0 and result.stdout.startswith(f"{path}: rebuilt"), result
        for reader in readers:
            assert _next_line(reader) == version  # it saw the rebuilt file, and nothing else
    for reader in readers:
        assert _finish(reader, stop) >= 5
    assert sorted(path.parent.iterdir()) == [path]
    _assert_sound(path)
    opened = open_database(sources_root=FIXTURE_SOURCES, default_path=path)
    assert not opened.rebuilt and opened.warnings == ()
    opened.engine.dispose()


def test_rebuild_of_an_explicit_database_while_an_instance_reads(tmp_path: Path) -> None:
    """Transactional DDL: a reader never sees the tables dropped or half filled."""
    env = _env(tmp_path)
    sources_b = _changed_sources(tmp_path)
    path = tmp_path / "explicit.sqlite3"
    url = sqlite_url(path)
    result = _afgui_db(["build", "--db", url, "--sources", str(FIXTURE_SOURCES)], env)
    assert result.returncode == 0, result.stderr
    stop = tmp_path / "stop"
    reader = _start_reader(url, stop, env)
    assert _next_line(reader) == "A"
    for version, sources in [("B", sources_b), ("A", FIXTURE_SOURCES)] * 2:
        result = _afgui_db(["build", "--db", url, "--sources", str(sources)], env)
        assert result.returncode == 0, result.stderr
        assert _next_line(reader) == version
    assert _finish(reader, stop) >= 5
    _assert_sound(path)
    opened = open_database(url, sources_root=FIXTURE_SOURCES)
    assert len(Catalog(opened.engine).facts()) == 7
    opened.engine.dispose()
