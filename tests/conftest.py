"""Shared test set-up: offscreen Qt, fixture sources and the real seed documents."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

# Before any Qt import: tests never need a display (the end-to-end tests start Xvfb).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Module-scoped fixtures run before the per-test isolation below; they must not write to
# the real user cache either (RelationsService keeps its cube there).
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="afgui-test-cache-")

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from afgui.curation.build import build_database
from afgui.curation.loader import Corpus, load_corpus, read_source_tree
from afgui.curation.quotes import find_seeds_dir
from afgui.data.engine import make_engine, sqlite_url

# Removed at exit: every run would otherwise leave a directory in /tmp.
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], ignore_errors=True)

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_SOURCES = FIXTURES / "sources"
FIXTURE_SEEDS = FIXTURES / "seeds"
PROJECT_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the real user data directory or AFGUI_* settings."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("AFGUI_DB_URL", raising=False)


@pytest.fixture
def fixture_sources() -> Path:
    return FIXTURE_SOURCES


@pytest.fixture
def fixture_seeds() -> Path:
    return FIXTURE_SEEDS


@pytest.fixture
def fixture_corpus() -> Corpus:
    corpus, problems = load_corpus(read_source_tree(FIXTURE_SOURCES))
    assert problems == []
    return corpus


@pytest.fixture
def fixture_engine(tmp_path: Path, fixture_corpus: Corpus) -> Iterator[Engine]:
    engine = make_engine(sqlite_url(tmp_path / "fixture.sqlite3"))
    build_database(engine, fixture_corpus)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The real seed documents; under CI their absence fails instead of skipping."""
    found = find_seeds_dir(None)
    if found is None or not found.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("../shared/seeds not found: CI must check every quote against the seeds")
        pytest.skip("seed documents not found (../shared/seeds); quote checks need them")
    return found


def pytest_addoption(parser: pytest.Parser) -> None:
    """Options of tests/test_monkey.py (also AFGUI_MONKEY_ACTIONS / AFGUI_MONKEY_SEED)."""
    group = parser.getgroup("afgui")
    group.addoption(
        "--monkey-actions",
        type=int,
        default=None,
        metavar="N",
        help="random user actions in the monkey test (default 2000; e.g. 20000 for a long run)",
    )
    group.addoption(
        "--monkey-seed",
        type=int,
        default=None,
        metavar="SEED",
        help="the monkey test's seed, to replay a run (default: random, and printed)",
    )
