"""Verbatim-quote matching between a curated quote and its seed document.

A quote matches when it appears in the document after both are normalised the same
way: runs of whitespace collapse to one space, and a word hyphenated across a line break
("Af- ghanistan", "Af-\\nghanistan") is joined again. Nothing else is forgiven: case,
punctuation, typographic quotes and footnote numbers glued to words must be as written.
"""

from __future__ import annotations

import re

_WHITESPACE = re.compile(r"\s+")
# A hyphen at a line break between two lower-case letters splits one word; hyphens inside
# a line ("co-operation") are kept because they are not followed by whitespace.
_LINE_BREAK_HYPHEN = re.compile(r"(?<=[a-z])-\s+(?=[a-z])")


def normalise(text: str) -> str:
    joined = _LINE_BREAK_HYPHEN.sub("", text)
    return _WHITESPACE.sub(" ", joined).strip()


def quote_found(quote: str, document: str) -> bool:
    needle = normalise(quote)
    return bool(needle) and needle in normalise(document)
