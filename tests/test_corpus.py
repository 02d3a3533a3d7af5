"""The real curated corpus under db/: it validates, every quote is in its seed, it builds."""

from __future__ import annotations

from pathlib import Path

from afgui.curation.loader import load_corpus, read_source_tree
from afgui.curation.quotes import check_quotes

DB = Path(__file__).resolve().parents[1] / "db"


def test_corpus_validates() -> None:
    _, problems = load_corpus(read_source_tree(DB))
    assert [str(p) for p in problems] == []


def test_every_quote_is_verbatim_in_its_seed(seeds_dir: Path) -> None:
    corpus, _ = load_corpus(read_source_tree(DB))
    assert [str(p) for p in check_quotes(corpus, seeds_dir)] == []


def test_every_source_has_its_seed(seeds_dir: Path) -> None:
    corpus, _ = load_corpus(read_source_tree(DB))
    assert {source.seed_file for source in corpus.sources} <= {p.name for p in seeds_dir.iterdir()}


def test_every_used_actor_exists_and_afghanistan_is_not_a_partner() -> None:
    corpus, _ = load_corpus(read_source_tree(DB))
    codes = {actor.code for actor in corpus.actors}
    used = {code for fact in corpus.facts for code in fact.partners}
    assert used <= codes
    assert "AFG" not in used
