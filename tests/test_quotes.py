"""Verbatim quote matching: whitespace and line-break hyphenation are forgiven, nothing else."""

from __future__ import annotations

from afgui.domain.quotes import quote_found

DOCUMENT = (
    "the request of the Afghan\ngovernment, but Af- ghanistan resisted\n"
    "the co-operation in 1992–969 ended"
)


def test_whitespace_collapsed() -> None:
    assert quote_found("the request of the Afghan government", DOCUMENT)


def test_line_break_hyphenation_joined_either_way() -> None:
    assert quote_found("but Afghanistan resisted", DOCUMENT)
    assert quote_found("but Af- ghanistan resisted", DOCUMENT)


def test_in_line_hyphen_kept() -> None:
    assert quote_found("the co-operation", DOCUMENT)
    assert not quote_found("the cooperation", DOCUMENT)


def test_glued_footnotes_stay_verbatim() -> None:
    assert quote_found("in 1992–969 ended", DOCUMENT)
    assert not quote_found("in 1992–96 ended", DOCUMENT)


def test_case_and_punctuation_matter() -> None:
    assert not quote_found("The request of the Afghan government", DOCUMENT)
    assert not quote_found("", DOCUMENT)
