"""Citations: a fact as plain text, its source as BibTeX and CSL-JSON (no Qt)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from afgui.curation.loader import load_corpus, read_source_tree
from afgui.domain.model import Citation, Fact, FactDate, Source
from afgui.domain.vocab import AfghanSide, DatePrecision, FactKind, SourceKind, YearBasis
from afgui.services.citations import (
    CSL_TYPES,
    bibtex_escape,
    describe_date,
    fact_citation_text,
    published_parts,
    source_bibtex,
    source_csl,
    source_reference,
    sources_bibtex,
    sources_csl_json,
)

DB = Path(__file__).resolve().parents[1] / "db"

#: Item types of CSL 1.0.2 (csl-data.json schema).
CSL_ITEM_TYPES = frozenset(
    [
        "article",
        "article-journal",
        "article-magazine",
        "article-newspaper",
        "bill",
        "book",
        "broadcast",
        "chapter",
        "classic",
        "collection",
        "dataset",
        "document",
        "entry",
        "entry-dictionary",
        "entry-encyclopedia",
        "event",
        "figure",
        "graphic",
        "hearing",
        "interview",
        "legal_case",
        "legislation",
        "manuscript",
        "map",
        "motion_picture",
        "musical_score",
        "pamphlet",
        "paper-conference",
        "patent",
        "performance",
        "periodical",
        "personal_communication",
        "post",
        "post-weblog",
        "regulation",
        "report",
        "review",
        "review-book",
        "software",
        "song",
        "speech",
        "standard",
        "thesis",
        "treaty",
        "webpage",
    ]
)
CSL_VARIABLES = frozenset({"id", "type", "title", "author", "publisher", "issued", "genre", "note"})


def parse_bibtex(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """A strict little BibTeX reader: entries of ``name = {braced}`` or bare fields.

    Raises AssertionError on anything a BibTeX tool would reject: unbalanced braces,
    missing commas, bad keys, duplicate fields, unescaped specials in a value.
    """
    entries = []
    position = 0
    header = re.compile(r"\s*@([A-Za-z]+)\{([^,\s{}()\"#%'=~\\]+),\s*")
    field = re.compile(r"([a-z]+)\s*=\s*")
    while position < len(text):
        if not text[position:].strip():
            break
        match = header.match(text, position)
        assert match, f"no entry header at {text[position : position + 40]!r}"
        kind, key = match.group(1).lower(), match.group(2)
        position = match.end()
        fields: dict[str, str] = {}
        while True:
            if text[position] == "}":
                position += 1
                break
            match = field.match(text, position)
            assert match, f"no field at {text[position : position + 40]!r}"
            name = match.group(1)
            assert name not in fields, f"duplicate field {name}"
            position = match.end()
            if text[position] == "{":
                depth, start = 0, position
                while True:
                    char = text[position]
                    if char == "\\":
                        position += 2
                        continue
                    if char == "{":
                        depth += 1
                    elif char == "}":
                        depth -= 1
                        if depth == 0:
                            break
                    position += 1
                value = text[start + 1 : position]
                position += 1
            else:
                bare = re.compile(r"[a-z0-9]+").match(text, position)
                assert bare, f"bad value of {name}"
                value = bare.group(0)
                position = bare.end()
            unescaped = re.search(r"(?<!\\)[%&#_$]", value)
            assert unescaped is None, f"unescaped {unescaped.group(0)!r} in {name}"
            fields[name] = value
            rest = re.compile(r"\s*(,\s*)?").match(text, position)
            assert rest is not None
            position = rest.end()
            if not rest.group(1):
                assert text[position] == "}", f"missing comma after {name}"
        entries.append((kind, key, fields))
    return entries


def fact(**changes: object) -> Fact:
    values: dict[str, object] = {
        "id": "khalil-2001-pakistan-recognition",
        "partners": ("PAK", "SAU"),
        "kind": FactKind.RECOGNITION,
        "afghan_side": AfghanSide.TALIBAN,
        "date": FactDate(DatePrecision.MONTH, 1997, 5, end_year=1997),
        "tone": 2,
        "summary": "Pakistan recognises the Taliban's Emirate.",
        "citation": Citation("khalil", "Pakistan recognized the Taliban government in May 1997"),
    }
    values.update(changes)
    return Fact(**values)  # type: ignore[arg-type]


KHALIL = Source(
    "khalil",
    "The Rise of Taliban Diplomacy",
    SourceKind.ANALYSIS,
    "003.txt",
    author="Ahmad Bilal Khalil",
)
UNTITLED = Source("paper-x", None, SourceKind.PAPER, "004.txt", note="Title not given.")


def test_plain_text_holds_summary_date_side_source_and_the_verbatim_quote() -> None:
    text = fact_citation_text(fact(), KHALIL, {"PAK": "Pakistan", "SAU": "Saudi Arabia"})
    assert text.splitlines() == [
        "Pakistan, Saudi Arabia: Pakistan recognises the Taliban's Emirate.",
        "Date: 1997-05",
        "Afghan side: Taliban",
        "Source: Ahmad Bilal Khalil. “The Rise of Taliban Diplomacy”. Analysis.",
        "Quote: “Pakistan recognized the Taliban government in May 1997”",
        "afgui fact khalil-2001-pakistan-recognition",
    ]


def test_plain_text_says_how_the_date_is_known_and_names_unknown_sources_by_id() -> None:
    date = FactDate(
        DatePrecision.SPAN, 1979, end_year=1989, basis=YearBasis.CONTEXT, note="the war years"
    )
    text = fact_citation_text(fact(date=date), None)
    assert "Date: 1979/1989 (span), year from context" in text
    assert "Date note: the war years" in text
    assert "Source: source khalil" in text
    assert text.startswith("PAK, SAU: ")  # codes where no name is known


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (FactDate(DatePrecision.UNKNOWN), "undated"),
        (FactDate(DatePrecision.DAY, 1997, 5, 26, 1997), "1997-05-26"),
        (FactDate(DatePrecision.YEAR, 2002, basis=YearBasis.INFERRED), "2002, year inferred"),
        (FactDate(DatePrecision.SPAN, 1950, end_year=None), "1950/.. (span)"),
    ],
)
def test_describe_date(date: FactDate, expected: str) -> None:
    assert describe_date(date) == expected


def test_reference_of_an_untitled_source_invents_nothing() -> None:
    assert source_reference(UNTITLED) == "Untitled. Paper."


def test_bibtex_has_only_the_known_fields() -> None:
    [(kind, key, fields)] = parse_bibtex(source_bibtex(KHALIL))
    assert (kind, key) == ("misc", "khalil")
    assert fields == {
        "author": "Ahmad Bilal Khalil",
        "title": "{The Rise of Taliban Diplomacy}",
        "howpublished": "Analysis",
    }


def test_bibtex_of_a_source_with_every_field_unknown_is_still_valid() -> None:
    bare = Source("wiki/x y", None, SourceKind.OTHER, "x.txt")
    [(kind, key, fields)] = parse_bibtex(source_bibtex(bare))
    assert (kind, key) == ("misc", "wiki/x-y")
    assert fields == {"howpublished": "Document"}


def test_bibtex_dates_and_free_text_published() -> None:
    dated = Source("d", "T", SourceKind.NEWS, "d.txt", publisher="Pajhwok", published="2019-08-17")
    [(_, _, fields)] = parse_bibtex(source_bibtex(dated))
    assert fields["year"] == "2019"
    assert fields["month"] == "aug"
    assert fields["date"] == "2019-08-17"
    assert fields["publisher"] == "Pajhwok"
    vague = Source("v", "T", SourceKind.NEWS, "v.txt", published="early 2017")
    [(_, _, fields)] = parse_bibtex(source_bibtex(vague))
    assert "year" not in fields
    assert fields["note"] == "Published: early 2017"


def test_bibtex_escapes_specials() -> None:
    tricky = Source("t", "R&D: 50% of {aid} #1_x ~ ^ \\ $", SourceKind.WEB_PAGE, "t.txt")
    [(_, _, fields)] = parse_bibtex(source_bibtex(tricky))
    assert fields["title"] == (
        r"{R\&D: 50\% of \{aid\} \#1\_x \textasciitilde{} \textasciicircum{} "
        r"\textbackslash{} \$}"
    )


@given(st.text(max_size=60))
def test_any_text_escapes_to_a_balanced_field(text: str) -> None:
    source = Source("s", text or None, SourceKind.OTHER, "s.txt", author=text or None)
    [(_, _, fields)] = parse_bibtex(source_bibtex(source))
    assert ("title" in fields) == bool(text.strip())
    assert ("author" in fields) == bool(text.strip())
    assert bibtex_escape(text).count("\n") == 0


def test_csl_json_of_known_and_unknown_fields() -> None:
    item = source_csl(KHALIL)
    assert item == {
        "id": "khalil",
        "type": "article",
        "title": "The Rise of Taliban Diplomacy",
        "author": [{"literal": "Ahmad Bilal Khalil"}],
        "genre": "Analysis",
    }
    bare = source_csl(UNTITLED)
    assert "title" not in bare
    assert "author" not in bare
    assert "issued" not in bare
    assert bare["note"] == "Title not given."


def test_csl_dates_are_date_parts_or_literal() -> None:
    dated = Source("d", "T", SourceKind.NEWS, "d.txt", published="2019-08")
    assert source_csl(dated)["issued"] == {"date-parts": [[2019, 8]]}
    vague = Source("v", "T", SourceKind.NEWS, "v.txt", published="2019-13")
    assert source_csl(vague)["issued"] == {"literal": "2019-13"}


def test_published_parts() -> None:
    assert published_parts(None) is None
    assert published_parts("2017") == (2017,)
    assert published_parts("2017-02-28") == (2017, 2, 28)
    assert published_parts("2017-02-30") is None
    assert published_parts("spring 2017") is None


def test_every_curated_source_gives_valid_bibtex_and_csl() -> None:
    corpus, problems = load_corpus(read_source_tree(DB))
    assert problems == []
    sources = corpus.sources
    assert len(sources) >= 5
    entries = parse_bibtex(sources_bibtex(sources))
    assert [key for _, key, _ in entries] == [source.id for source in sources]
    items = json.loads(sources_csl_json(sources))
    assert [item["id"] for item in items] == [source.id for source in sources]
    for item, source in zip(items, sources, strict=True):
        assert item["type"] in CSL_ITEM_TYPES
        assert set(item) <= CSL_VARIABLES
        assert ("title" in item) == (source.title is not None)
        assert ("author" in item) == (source.author is not None)
    assert set(CSL_TYPES.values()) <= CSL_ITEM_TYPES
