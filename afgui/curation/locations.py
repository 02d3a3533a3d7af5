"""Where afgui's default database and its bundled curated sources are.

Free of SQLAlchemy, so that a start which finds its database as it left it
(:mod:`afgui.services.quick_start`) can name it, and tell whether the bundled sources
changed, before SQLAlchemy is imported. :mod:`afgui.curation.provision` builds on it.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import platformdirs

from afgui.curation.loader import hash_source_tree, read_source_tree
from afgui.data.versions import SCHEMA_VERSION


class DatabaseUnavailableError(Exception):
    """The database cannot be used; the message names the file or URL and the cause."""


def bundled_sources_root() -> Traversable:
    return files("afgui.curated")


def default_database_path() -> Path:
    directory = Path(platformdirs.user_data_dir("afgui", appauthor=False))
    return directory / f"afgui-schema{SCHEMA_VERSION}.sqlite3"


def current_sources(root: Path | Traversable | None = None) -> tuple[dict[str, bytes], str]:
    """The curated files (the bundled ones unless ``root`` is given) and their hash."""
    tree = read_source_tree(root if root is not None else bundled_sources_root())
    return tree, hash_source_tree(tree)
