"""Citations of facts and their sources: plain text, BibTeX and CSL-JSON.

A fact's citation is what a reader needs to quote it responsibly: the summary, the date
with how certain it is, the source and the verbatim quote. The source's bibliographic
entry (BibTeX, CSL-JSON) carries only what the curated source records; a field that is
unknown (``None``) is left out, never filled with a guess. An unparseable ``published``
text is kept verbatim rather than read as a date.

Everything here is plain text in, plain text out: no Qt, no database.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from afgui.domain.model import Fact, FactDate, Source
from afgui.domain.vocab import AfghanSide, DatePrecision, SourceKind, YearBasis

#: How each kind of source reads in a reference ("Web page", "News article" …).
KIND_LABELS: Mapping[SourceKind, str] = {
    SourceKind.ENCYCLOPEDIA: "Encyclopedia article",
    SourceKind.WEB_PAGE: "Web page",
    SourceKind.NEWS: "News article",
    SourceKind.ANALYSIS: "Analysis",
    SourceKind.PAPER: "Paper",
    SourceKind.OTHER: "Document",
}

#: CSL 1.0.2 item types. Analyses and papers of unknown venue are "article": CSL's type
#: for self-contained works not published in a journal.
CSL_TYPES: Mapping[SourceKind, str] = {
    SourceKind.ENCYCLOPEDIA: "entry-encyclopedia",
    SourceKind.WEB_PAGE: "webpage",
    SourceKind.NEWS: "article-newspaper",
    SourceKind.ANALYSIS: "article",
    SourceKind.PAPER: "article",
    SourceKind.OTHER: "document",
}

SIDE_LABELS: Mapping[AfghanSide, str] = {
    AfghanSide.GOVERNMENT: "Kabul government",
    AfghanSide.TALIBAN: "Taliban",
    AfghanSide.BOTH: "both Afghan sides",
    AfghanSide.NONE: "no Afghan side present",
}

_PUBLISHED = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)
# Characters BibTeX does not allow in a citation key.
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_.:/+-]+")
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _known(text: str | None) -> str | None:
    """The text with whitespace folded; None when it is unknown or blank."""
    if text is None:
        return None
    folded = " ".join(text.split())
    return folded or None


def describe_date(date: FactDate) -> str:
    """The date as written with how it is known: ``1979/1989 (span), year from context``."""
    text = date.text
    if text is None:
        return "undated"
    if date.precision is DatePrecision.SPAN:
        text = f"{text} (span)"
    if date.basis is YearBasis.CONTEXT:
        text = f"{text}, year from context"
    elif date.basis is YearBasis.INFERRED:
        text = f"{text}, year inferred"
    return text


def published_parts(published: str | None) -> tuple[int, ...] | None:
    """``"2017-03"`` → ``(2017, 3)``; None for unknown or free text (kept verbatim elsewhere)."""
    if published is None:
        return None
    match = _PUBLISHED.match(published.strip())
    if match is None:
        return None
    parts = tuple(int(group) for group in match.groups() if group is not None)
    try:
        month, day = (*parts[1:], 1, 1)[:2]
        dt.date(parts[0], month, day)
    except ValueError:
        return None
    return parts


def source_reference(source: Source) -> str:
    """A one-line reference from what is known: author, title, kind, publisher, date."""
    parts: list[str] = []
    author, title = _known(source.author), _known(source.title)
    if author:
        parts.append(author)
    parts.append(f"“{title}”" if title else "Untitled")
    kind = KIND_LABELS[source.kind]
    for detail in (_known(source.publisher), _known(source.published)):
        if detail:
            kind = f"{kind}, {detail}"
    parts.append(kind)
    return ". ".join(parts) + "."


def fact_citation_text(
    fact: Fact,
    source: Source | None,
    names: Mapping[str, str] | None = None,
) -> str:
    """The fact as plain text: partners and summary, date, side, source, verbatim quote.

    ``names`` maps actor codes to names (codes are shown where a name is missing).
    """
    known = names or {}
    partners = ", ".join(known.get(code, code) for code in fact.partners)
    source_text = (
        source_reference(source) if source is not None else f"source {fact.citation.source_id}"
    )
    lines = [
        f"{partners}: {fact.summary.strip()}",
        f"Date: {describe_date(fact.date)}",
        f"Afghan side: {SIDE_LABELS[fact.afghan_side]}",
        f"Source: {source_text}",
        f"Quote: “{fact.citation.quote.strip()}”",
    ]
    if fact.date.note:
        lines.append(f"Date note: {fact.date.note.strip()}")
    lines.append(f"afgui fact {fact.id}")
    return "\n".join(lines) + "\n"


def bibtex_key(source: Source) -> str:
    key = _KEY_UNSAFE.sub("-", source.id).strip("-")
    return key or "source"


def bibtex_escape(text: str) -> str:
    """Text safe inside a braced BibTeX field: specials escaped, whitespace folded."""
    folded = " ".join(text.split())
    return "".join(_BIBTEX_SPECIAL.get(char, char) for char in folded)


def source_bibtex(source: Source) -> str:
    """A ``@misc`` entry (no required fields, so valid with whatever is unknown)."""
    fields: list[tuple[str, str]] = []
    author, title, publisher = _known(source.author), _known(source.title), _known(source.publisher)
    published, note = _known(source.published), _known(source.note)
    if author:
        fields.append(("author", bibtex_escape(author)))
    if title:
        # Double braces keep the title's capitals ("Afghan", "U.S.") in every style.
        fields.append(("title", "{" + bibtex_escape(title) + "}"))
    fields.append(("howpublished", KIND_LABELS[source.kind]))
    if publisher:
        fields.append(("publisher", bibtex_escape(publisher)))
    notes: list[str] = []
    parts = published_parts(published)
    if parts is not None:
        fields.append(("year", f"{parts[0]:04d}"))
        if len(parts) > 1:
            fields.append(("month", _MONTHS[parts[1] - 1]))
        fields.append(("date", "-".join(f"{part:02d}" for part in parts)))
    elif published:
        notes.append(f"Published: {published}")
    if note:
        notes.append(note)
    if notes:
        fields.append(("note", bibtex_escape(" ".join(notes))))
    body = ",\n".join(
        # Months are BibTeX macros (jan, feb …), written bare so styles can localise them.
        f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
        for name, value in fields
    )
    return f"@misc{{{bibtex_key(source)},\n{body}\n}}\n"


def sources_bibtex(sources: Iterable[Source]) -> str:
    return "\n".join(source_bibtex(source) for source in sources)


def source_csl(source: Source) -> dict[str, Any]:
    """A CSL-JSON item: only the variables the source records."""
    item: dict[str, Any] = {"id": source.id, "type": CSL_TYPES[source.kind]}
    title, author, publisher = _known(source.title), _known(source.author), _known(source.publisher)
    published, note = _known(source.published), _known(source.note)
    if title:
        item["title"] = title
    if author:
        # One literal name: splitting it into family and given names would be a guess.
        item["author"] = [{"literal": author}]
    if publisher:
        item["publisher"] = publisher
    parts = published_parts(published)
    if parts is not None:
        item["issued"] = {"date-parts": [list(parts)]}
    elif published:
        item["issued"] = {"literal": published}
    item["genre"] = KIND_LABELS[source.kind]
    if note:
        item["note"] = note
    return item


def sources_csl_json(sources: Iterable[Source]) -> str:
    """CSL-JSON: an array of items, as reference managers (Zotero, pandoc) import it."""
    return json.dumps([source_csl(source) for source in sources], ensure_ascii=False, indent=2)
