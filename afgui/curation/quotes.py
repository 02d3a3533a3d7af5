"""Checking every fact's quote against its seed document.

The seeds are not shipped with afgui; they are read from a directory given by option,
``AFGUI_SEEDS``, or found at ``../shared/seeds`` beside the project.
"""

from __future__ import annotations

import os
from pathlib import Path

from afgui.curation.loader import Corpus, Problem
from afgui.domain.quotes import normalise

SEEDS_ENV = "AFGUI_SEEDS"


def find_seeds_dir(explicit: Path | None = None) -> Path | None:
    """The seeds directory: the option, then ``AFGUI_SEEDS``, then ``../shared/seeds``."""
    if explicit is not None:
        return explicit
    from_env = os.environ.get(SEEDS_ENV, "").strip()
    if from_env:
        return Path(from_env)
    project_root = Path(__file__).resolve().parents[2]
    for base in (project_root, Path.cwd()):
        candidate = base.parent / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return None


def check_quotes(corpus: Corpus, seeds_dir: Path) -> list[Problem]:
    """One problem per quote not found verbatim (whitespace collapsed) in its seed."""
    problems: list[Problem] = []
    documents: dict[str, str | None] = {}
    seed_of = {source.id: source.seed_file for source in corpus.sources}
    for source in corpus.sources:
        path = seeds_dir / source.seed_file
        try:
            documents[source.id] = normalise(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            documents[source.id] = None
            problems.append(
                Problem("sources.yaml", source.id, "seed_file", f"cannot read {path}: {error}")
            )
    for ref in corpus.quotes:
        document = documents.get(ref.source_id)
        if document is not None and normalise(ref.quote) not in document:
            problems.append(
                Problem(
                    ref.file, ref.entry, "quote", f"not found verbatim in {seed_of[ref.source_id]}"
                )
            )
    return sorted(problems)
