"""The detail pane: the selected partner at the year, and the facts behind its strength.

It shows the partner's name and kind, the Afghan government of the year, the status,
the strength with the facts that make it up, aid figures, and a timeline of every fact
naming the partner (those up to the year in full ink, the year's own highlighted, later
ones faded). Fact text is untrusted: every piece of it is HTML-escaped before it enters
the rich-text document, and the documents load no resource and open no link unasked
(:mod:`afgui.ui.safe_text`).

The per-selection work (the timeline's facts nearest the year, the largest
contributions, the aid rows nearest the year) slices the per-partner index and loads
only the facts shown, so it runs on the UI thread; see
:class:`DetailPane` for how year changes stay cheap.
"""

from __future__ import annotations

import bisect
import functools
import html
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import overload

from PySide6.QtCore import (
    QElapsedTimer,
    QEvent,
    QMargins,
    QObject,
    QRectF,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QShowEvent,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextDocumentFragment,
    QTextFormat,
    QTextOption,
)
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget

from afgui.domain.measures import counts_toward, is_cumulative_total
from afgui.domain.model import Actor, Fact, Government, Source
from afgui.domain.vocab import DatePrecision
from afgui.services.catalog import Catalog, FactWindowPlace
from afgui.services.citations import describe_date
from afgui.services.measures import (
    AidPoint,
    Explanation,
    RelationsService,
    StrengthCell,
    ViewSide,
)
from afgui.ui import palette, theme
from afgui.ui.compare import PartnerAt, compare_header, compared_section
from afgui.ui.partner_list import strength_text
from afgui.ui.safe_text import InertTextDocument, SafeTextBrowser
from afgui.ui.state import AppState

#: How long the year must stand still before the body follows it.
BODY_DELAY_MS = 150
#: Contributions listed under "Why"; the rest are summed in one line.
WHY_LIMIT = 12
#: Facts of the timeline and rows of aid figures shown, those nearest the year. The
#: curated partners have at most a few dozen; a partner of a large database has tens of
#: thousands, which nobody scrolls through and which took seconds and hundreds of
#: megabytes to lay out (100 000 synthetic facts: 17 MB of HTML, 2.9 s in setHtml).
TIMELINE_LIMIT = 150
#: A pane shown from the top lays out at once only the paragraphs it shows; the others
#: are added after it is painted, for up to ADD_BUDGET_MS every ADD_INTERVAL_MS (a fact
#: takes ~0.2 ms: a step adds about twenty, and the window answers between).
ADD_BUDGET_MS = 4
ADD_INTERVAL_MS = 16
AID_LIMIT = 60
#: The space between two timeline facts and the room right of each, in pixels.
FACT_GAP_PX = 4
FACT_RIGHT_PX = 6


#: The space above a section's heading.
H2_TOP_PX = 14


def _style() -> str:
    """The body's style sheet in the current theme's colours. Sizes are relative to the
    default font (x-large = 1.5×, large = 1.2×), so the text follows the system's size.
    Paragraphs carry the ink themselves: HTML inserted into a document (the body is
    added piece by piece) does not take the body's."""
    return f"""
body {{ color: {theme.INK.name()}; }}
p, div {{ color: {theme.INK.name()}; }}
h1 {{ font-size: x-large; margin: 0 0 2px 0; }}
h2 {{ font-size: large; margin: {H2_TOP_PX}px 0 4px 0; color: {theme.INK.name()}; }}
.sub {{ color: {theme.MUTED_INK.name()}; }}
.muted {{ color: {theme.MUTED_INK.name()}; }}
.faint {{ color: {theme.FAINT_INK.name()}; }}
.quote {{ color: {theme.QUOTE_INK.name()}; font-style: italic; }}
td {{ padding: 2px 6px 2px 0; vertical-align: top; }}
td.key {{ color: {theme.MUTED_INK.name()}; white-space: nowrap; padding-right: 10px; }}
td.num {{ text-align: right; white-space: nowrap; }}
"""


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def amount_text(amount: float, currency: str, *, approximate: bool = False) -> str:
    """``USD 1 billion``, ``≈ USD 250 million``, ``EUR 12,500``."""
    magnitude = abs(amount)
    if magnitude >= 1e9:
        number = f"{amount / 1e9:,.2f}".rstrip("0").rstrip(".") + " billion"
    elif magnitude >= 1e6:
        number = f"{amount / 1e6:,.1f}".rstrip("0").rstrip(".") + " million"
    else:
        number = f"{amount:,.0f}"
    return f"{'≈ ' if approximate else ''}{currency} {number}"


def government_text(governments: Sequence[Government], year: int) -> str:
    if not governments:
        return "none recorded"
    parts = []
    for government in governments:
        when = []
        if government.start.year == year:
            when.append(f"from {government.start.isoformat()}")
        if government.end is not None and government.end.year == year:
            when.append(f"until {government.end.isoformat()}")
        suffix = f" ({', '.join(when)})" if when else ""
        parts.append(f"{government.name}{suffix}")
    return "; ".join(parts)


def fact_is_of_year(fact: Fact, year: int) -> bool:
    start = fact.date.year
    if start is None:
        return False
    end = fact.date.end_year if fact.date.end_year is not None else start
    return start <= year <= end if fact.date.precision is DatePrecision.SPAN else start == year


@dataclass(frozen=True, slots=True)
class Span:
    """A run of header text: its colour (``""``: the text colour), weight and background."""

    text: str
    colour: str = ""
    bold: bool = False
    background: str = ""


@dataclass(frozen=True, slots=True)
class Header:
    """The pane's top block at one year, as plain text and as what it shows: a title,
    lines under it in ``muted`` ink and rows of a key (also ``muted``) and a value; or,
    for a comparison, rich text (``html``)."""

    text: str
    html: str = ""
    title: str = ""
    lines: tuple[str, ...] = ()
    rows: tuple[tuple[str, tuple[Span, ...]], ...] = ()
    muted: str = ""


def render_header(
    *,
    actor: Actor | None,
    code: str,
    year: int,
    side: ViewSide,
    governments: Sequence[Government],
    cell: StrengthCell | None,
) -> Header:
    """Name, kind, the Afghan government of the year, side, status and strength."""
    government = government_text(governments, year)
    viewing = theme.SIDE_LABELS[side.value]
    muted, faint = theme.MUTED_INK.name(), theme.FAINT_INK.name()
    if not code:
        lines = (f"Afghan government: {government}", f"Viewing: {viewing}")
        return Header("\n".join((str(year), *lines)), title=str(year), lines=lines, muted=muted)
    name = actor.name_in(year) if actor else code
    kind = actor.kind.value if actor else "actor"
    today = f" · today {actor.name}" if actor and name != actor.name else ""
    value = cell.value if cell else None
    status = cell.status.value if cell and cell.status else None
    chip = palette.strength_colour(value).name()
    strength = (
        (Span(strength_text(value), bold=True), Span(" "), Span("(scale −10 … +10)", muted))
        if value is not None
        else (Span(f"no data in {year}", faint),)
    )
    rows = [
        ("Afghan government", (Span(government),)),
        ("Viewing", (Span(viewing),)),
        ("Status", (Span(status),) if status else (Span("unknown", faint),)),
        ("Strength", (Span("\u00a0" * 4, background=chip), Span("\u00a0"), *strength)),
    ]
    plain = [
        name,
        f"{kind} · {code}{today} · in {year}",
        f"Afghan government: {government}",
        f"Viewing: {viewing}",
        f"Status: {status or 'unknown'}",
        f"Strength: {strength_text(value) if value is not None else f'no data in {year}'}",
    ]
    if actor and not actor.exists_in(year):
        rows.append(("Note", (Span(f"{name} did not exist in {year}"),)))
        plain.append(f"Note: {name} did not exist in {year}")
    return Header(
        "\n".join(plain),
        title=name,
        lines=(f"{kind} · {code}{today} · in {year}",),
        rows=tuple(rows),
        muted=muted,
    )


class WindowFacts(Sequence[Fact]):
    """A timeline window's facts, read from the catalogue when first looked at.

    Its length is known from the index. A new partner's pane mostly shows the
    explanation and the aid figures first and the timeline after the window's paint,
    and reading the window (150 facts: 7-10 ms at a million facts) waits until then.
    """

    def __init__(self, catalog: Catalog, place: FactWindowPlace) -> None:
        self._catalog = catalog
        self._place = place
        self._facts: tuple[Fact, ...] | None = None

    @property
    def place(self) -> FactWindowPlace:
        return self._place

    def _all(self) -> tuple[Fact, ...]:
        if self._facts is None:
            self._facts = self._catalog.facts_in(self._place)
        return self._facts

    def __len__(self) -> int:
        return len(self._place)

    @overload
    def __getitem__(self, index: int) -> Fact: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Fact, ...]: ...

    def __getitem__(self, index: int | slice) -> Fact | tuple[Fact, ...]:
        if isinstance(index, slice) and not range(len(self))[index]:
            return ()  # nothing asked for: nothing read
        return self._all()[index]

    def __iter__(self) -> Iterator[Fact]:
        return iter(self._all())


@dataclass(frozen=True, slots=True)
class Timeline:
    """The timeline's facts shown, each made into HTML only when it is asked for: a
    selection lays out the first few at once and the others after the paint."""

    facts: Sequence[Fact] = ()
    year: int = 0
    side: ViewSide = ViewSide.GOVERNMENT
    sources: Mapping[str, Source] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    partner: str = ""

    def html(self, index: int) -> str:
        """The paragraph of the ``index``-th fact shown."""
        fact = self.facts[index]
        counted = counts_toward(fact, self.side)
        return _fact_html(
            fact, self.year, counted, self.sources, self.names, self.partner, first=not index
        )

    @property
    def highlighted(self) -> tuple[bool, ...]:
        """Which facts are the year's own."""
        return tuple(fact_is_of_year(fact, self.year) for fact in self.facts)

    def key(self) -> tuple[tuple[str, bool, bool, bool], ...]:
        """What the facts' HTML depends on besides the partner, the names and the theme:
        equal keys, equal HTML (see :func:`_fact_html`)."""
        year = self.year
        return tuple(
            (
                fact.id,
                fact_is_of_year(fact, year),
                fact.date.year is None or fact.date.year > year,
                counts_toward(fact, self.side),
            )
            for fact in self.facts
        )


@dataclass(frozen=True, slots=True)
class Body:
    """The body as :func:`render_body` makes it: what comes before the timeline's facts
    (the head), the facts, made into HTML when asked (:class:`Timeline`), and the HTML
    after them."""

    #: The head: pieces of HTML (each one or a few paragraphs), "why" rows and the aid
    #: figures, each made into a document's paragraphs when it is laid out.
    pieces: tuple[Piece, ...] = ()
    timeline: Timeline = field(default_factory=Timeline)
    tail: str = ""

    @property
    def head(self) -> str:
        """The head as HTML: the document's opening and everything before the facts."""
        return _opening() + "".join(
            piece if isinstance(piece, str) else piece.html for piece in self.pieces
        )

    def parts(self, facts: int | None = None) -> BodyHtml:
        """The body's HTML with the first ``facts`` of the timeline (all by default)."""
        shown = self.timeline
        count = len(shown.facts) if facts is None else min(facts, len(shown.facts))
        return BodyHtml(
            self.head,
            tuple(shown.html(index) for index in range(count)),
            self.tail if count == len(shown.facts) else "",
            tuple(fact_is_of_year(fact, shown.year) for fact in shown.facts[:count]),
        )


@dataclass(frozen=True, slots=True)
class BodyHtml:
    """The body's HTML in three parts, so that a long timeline can be added in steps.

    ``head`` opens the document and holds everything before the timeline's facts (the
    explanation, the aid figures, the timeline's heading); ``facts`` holds one paragraph
    per fact shown, and ``highlighted`` which of them are the year's own; ``tail`` what
    follows them. ``html`` is the whole document.
    """

    head: str
    facts: tuple[str, ...] = ()
    tail: str = ""
    highlighted: tuple[bool, ...] = ()

    @property
    def html(self) -> str:
        return f"{self.head}{''.join(self.facts)}{self.tail}</body></html>"


def render_body(
    *,
    code: str,
    year: int,
    side: ViewSide,
    explanation: Explanation | None,
    facts: Sequence[Fact],
    aid: Sequence[AidPoint],
    sources: Mapping[str, Source],
    names: Mapping[str, str],
    others: int = 0,
    others_total: float = 0.0,
    facts_start: int = 0,
    facts_total: int | None = None,
    aid_start: int = 0,
    aid_total: int | None = None,
) -> Body:
    """Why the value is what it is, aid figures and the timeline, as escaped HTML.

    ``explanation`` may list only the largest contributions, with ``others`` more facts
    counting ``others_total`` together (:meth:`RelationsService.explain_largest`).
    ``facts`` are all the partner's facts in time order, or, with ``facts_total`` given,
    the ones to show: those from ``facts_start`` of ``facts_total``
    (:meth:`Catalog.facts_near`). Likewise ``aid`` holds all the partner's figures, or,
    with ``aid_total`` given, the rows to show, from ``aid_start``, by year then fact id
    (:meth:`AidColumns.nearest`).
    """
    # The head's paragraphs, each piece one or a few, so that they can be laid out as
    # they come into view (DetailPane._fill_view).
    out: list[Piece] = []
    if not code:
        out.append(
            "<p class='muted'>Select a partner on the map or in the list to see its relation "
            "with Afghanistan in this year and the facts it rests on.</p>"
        )
        return Body(tuple(out))
    value = explanation.value if explanation else None
    contributions = explanation.contributions if explanation else ()
    out.append(f"<h2>Why {esc(strength_text(value)) if value is not None else 'no value'}</h2>")
    if contributions:
        out.append(
            "<div class='muted'>Each fact up to the year counts with its weight and tone, "
            "fading with age:</div>"
        )
        ordered = sorted(contributions, key=lambda item: -abs(item.contribution))
        shown, rest = ordered[:WHY_LIMIT], ordered[WHY_LIMIT:]
        rest_count = len(rest) + others
        rest_total = math.fsum([*(i.contribution for i in rest), others_total])
        for number, item in enumerate(shown):
            sign = palette.format_strength(round(item.contribution, 2) + 0.0)
            out.append(
                WhyRow(
                    sign,
                    item.fact.date.text or "undated",
                    item.fact.summary,
                    f"weight {item.weight:g} × tone {item.tone_factor:+g}"
                    f" × decay {item.decay:.2f} (age {item.age})",
                    first=not number,
                    last=number == len(shown) - 1 and not rest_count,
                )
            )
        if rest_count:
            total = palette.format_strength(round(rest_total, 2) + 0.0)
            out.append(
                f"<div class='faint'>… and {rest_count} smaller contribution"
                f"{'s' if rest_count != 1 else ''} ({esc(total)} together).</div>"
            )
    else:
        out.append(
            f"<div class='faint'>No fact up to {year} on this side contributes a value.</div>"
        )

    if aid:
        if aid_total is None:
            points = sorted(aid, key=lambda item: (item.year, item.fact_id))
            aid_total = len(points)
            start, end = nearest_window(
                bisect.bisect_right(points, year, key=lambda item: item.year),
                aid_total,
                AID_LIMIT,
            )
            shown_points = points[start:end]
        else:
            start, shown_points = aid_start, list(aid)
        out.append(AidFigures(tuple(shown_points), start, aid_total, year))

    if facts_total is None:
        # ``facts`` are in time order, undated last: the window is centred on the year's end.
        count = len(facts)
        start, end = nearest_window(
            bisect.bisect_right(facts, (year, 99, 99), key=lambda fact: fact.date.sort_key),
            count,
            TIMELINE_LIMIT,
        )
        shown_facts = facts[start:end]
    else:
        count, start, end = facts_total, facts_start, facts_start + len(facts)
        shown_facts = facts
    # The facts below are paragraphs, whose margins collapse with the heading's.
    out.append(
        f"<h2 style='margin-bottom:{FACT_GAP_PX // 2}px'>"
        f"Timeline · {count} fact{'s' if count != 1 else ''}</h2>"
    )
    if not count:
        out.append("<div class='faint'>No facts name this partner.</div>")
    if start:
        out.append(f"<div class='faint'>… {start} earlier facts not shown.</div>")
    if not isinstance(shown_facts, WindowFacts):
        shown_facts = tuple(shown_facts)
    timeline = Timeline(shown_facts, year, side, sources, names, code)
    tail = f"<div class='faint'>… {count - end} later facts not shown.</div>" if end < count else ""
    return Body(tuple(out), timeline, tail)


def nearest_window(position: int, length: int, limit: int) -> tuple[int, int]:
    """The slice ``[start, end)`` of at most ``limit`` items centred on ``position``."""
    start = max(0, min(position - limit // 2, length - limit))
    return start, min(length, start + limit)


def _opening() -> str:
    """The body's HTML up to its content: the style sheet."""
    return f"<html><head><style>{_style()}</style></head><body>"


@dataclass(frozen=True, slots=True)
class AidFigures:
    """The aid figures shown at ``year``: ``points``, from the ``start``-th of ``total``.
    Made into HTML when laid out, mostly after the paint (sixty figures' HTML took
    ~0.4 ms of a selection at a million facts)."""

    points: tuple[AidPoint, ...]
    start: int
    total: int
    year: int

    @property
    def html(self) -> str:
        # Lines of one paragraph, not table rows: Qt lays a table of 60 rows out in
        # ~15 ms, which a selection of a partner with many figures paid every time.
        lines: list[str] = []
        if self.start:
            lines.append(f"<span class='faint'>… {self.start} earlier not shown</span>")
        for point in self.points:
            label = theme.AMOUNT_LABELS.get(point.amount_kind, str(point.amount_kind))
            figure = esc(amount_text(point.amount, point.currency, approximate=point.approximate))
            line = f"{point.year}&nbsp;&nbsp; <b>{figure}</b>&nbsp;&nbsp; {esc(label)}"
            lines.append(line if point.year <= self.year else f"<span class='faint'>{line}</span>")
        end = self.start + len(self.points)
        if end < self.total:
            lines.append(f"<span class='faint'>… {self.total - end} later not shown</span>")
        return f"<h2>Aid figures</h2><p style='margin:0'>{'<br>'.join(lines)}</p>"


#: The space right of a "why" row's contribution and of its date, and right of the row.
WHY_GAP_PX = 6
#: A tab that stays a tab (HTML folds one in running text into a space).
_TAB = "<span style='white-space:pre'>\t</span>"


@dataclass(frozen=True, slots=True)
class WhyRow:
    """One contribution under "Why": the signed contribution (right-aligned), its date
    and the fact's summary in three columns, the summary wrapping under itself, and
    ``detail`` (the calculation) below it in faint ink.

    A paragraph with tab stops and a hanging indent rather than a table row: Qt laid the
    twelve rows' table out in ~2.5 ms (it sizes each cell at its narrowest and widest
    first), and a row on its own can be laid out when it comes into view. The columns
    are placed as the table's were (:class:`WhyColumns`); the vertical space is its
    cells' padding: 2 px above and below, 4 px between rows (adjacent margins collapse),
    and below the ``last`` row, which a heading follows, the heading's space too (a
    table's did not merge into it, as a paragraph's margin does).
    """

    sign: str
    date: str
    summary: str
    detail: str
    first: bool = False
    last: bool = False

    @property
    def runs(self) -> str:
        """The row's text as HTML, without its paragraph (see :meth:`WhyColumns.format`).
        Its ink is explicit: text inserted into a document does not take the body's."""
        return (
            f"<span style='color:{theme.INK.name()}'>{_TAB}<b>{esc(self.sign)}</b>{_TAB}"
            f"<span class='muted'>{esc(self.date)}</span>{_TAB}{esc(self.summary)}"
            f"<br><span class='faint'>{esc(self.detail)}</span></span>"
        )

    @property
    def html(self) -> str:
        """The row as a paragraph of HTML, without its columns (HTML cannot give a
        paragraph tab stops): for the body's HTML as text."""
        return f"<p>{self.runs}</p>"


#: A piece of a body's head (see Body.pieces).
Piece = str | WhyRow | AidFigures


@dataclass(frozen=True, slots=True)
class WhyColumns:
    """Where a body's "why" rows put their columns, as its table did: the contributions
    right-aligned in a column as wide as the widest, the dates left-aligned in the next,
    the summaries in the rest; each column as wide as its widest text in whole pixels,
    plus :data:`WHY_GAP_PX`."""

    sign_width: int = 0
    date_width: int = 0

    @classmethod
    def of(cls, pieces: Sequence[Piece], font: QFont) -> WhyColumns:
        """The columns of the rows among ``pieces``, shown in ``font``."""
        rows = [piece for piece in pieces if isinstance(piece, WhyRow)]
        if not rows:
            return cls()
        bold = QFont(font)
        bold.setWeight(QFont.Weight.Bold)
        signs, dates = QFontMetricsF(bold), QFontMetricsF(font)
        return cls(
            math.ceil(max(signs.horizontalAdvance(row.sign) for row in rows)),
            math.ceil(max(dates.horizontalAdvance(row.date) for row in rows)),
        )

    def runs(self, row: WhyRow) -> list[tuple[str, QTextCharFormat]]:
        """``row``'s text in runs of the formats its HTML gives them (:attr:`WhyRow.runs`:
        a tab before each column, a line break before the calculation)."""
        ink, bold, muted, faint = _row_formats(
            theme.INK.name(), theme.MUTED_INK.name(), theme.FAINT_INK.name()
        )
        return [
            ("\t", ink),
            (_as_html_shows(row.sign), bold),
            ("\t", ink),
            (_as_html_shows(row.date), muted),
            ("\t", ink),
            (_as_html_shows(row.summary), ink),
            ("\u2028", ink),
            (_as_html_shows(row.detail), faint),
        ]

    @property
    def indent(self) -> int:
        """Where the summaries' column starts, in pixels from the paragraph's left."""
        return self.sign_width + WHY_GAP_PX + self.date_width + WHY_GAP_PX

    def lines(self, row: WhyRow, width: float, char_width: float) -> int:
        """At least as many lines as ``row`` takes in a paragraph ``width`` pixels wide,
        for characters ``char_width`` wide on average: its summary and its calculation
        each wrap in the column after the dates, and a line more for what wrapping at
        words leaves at line ends, a wider average and the row's margins."""
        per_line = max(1.0, (width - self.indent - WHY_GAP_PX) / max(1.0, char_width))
        summary, detail = _as_html_shows(row.summary), _as_html_shows(row.detail)
        return math.ceil(len(summary) / per_line) + math.ceil(len(detail) / per_line) + 1

    def format(self, row: WhyRow) -> QTextBlockFormat:
        """The paragraph format of ``row``."""
        date_at = self.sign_width + WHY_GAP_PX
        indent = self.indent
        paragraph = QTextBlockFormat()
        paragraph.setTopMargin(2 if row.first else 4)
        paragraph.setBottomMargin(2 + H2_TOP_PX if row.last else 2)
        paragraph.setRightMargin(WHY_GAP_PX)
        paragraph.setLeftMargin(indent)
        paragraph.setTextIndent(-indent)
        paragraph.setTabPositions(
            [
                QTextOption.Tab(self.sign_width, QTextOption.TabType.RightTab),
                QTextOption.Tab(date_at, QTextOption.TabType.LeftTab),
                QTextOption.Tab(indent, QTextOption.TabType.LeftTab),
            ]
        )
        return paragraph


_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def _as_html_shows(text: str) -> str:
    """``text`` with its white space as HTML shows it: each run one space, none at the
    ends (a line break in it would otherwise start a paragraph)."""
    return _HTML_SPACE.sub(" ", text).strip(" ")


@functools.cache
def _row_formats(ink: str, muted: str, faint: str) -> tuple[QTextCharFormat, ...]:
    """The text formats of a "why" row in these inks: the summary's, the contribution's
    (bold), the date's and the calculation's."""
    formats = tuple(QTextCharFormat() for _ in range(4))
    for run, colour in zip(formats, (ink, ink, muted, faint), strict=True):
        run.setForeground(QColor(colour))
    formats[1].setFontWeight(QFont.Weight.Bold)
    return formats


def write_piece(cursor: QTextCursor, piece: Piece, columns: WhyColumns) -> int:
    """Add ``piece`` of a body's head (:attr:`Body.pieces`) at ``cursor``, the end of its
    document, in paragraphs of its own (into the document's only one if it is empty).

    HTML inserted into an empty document's paragraph gives it the format of its own first
    paragraph (a heading's size and space); inserted into any other, it takes that one's
    format, and merges into it if it has text. So a piece after the first is inserted
    into a paragraph given the format its first paragraph has in an empty document. A
    row is written as text runs, not parsed from HTML (~0.3 ms a row), into a paragraph
    with the format of its columns (:class:`WhyColumns`). Returns about how many
    characters it added (a row's text, a piece's HTML).
    """
    document = cursor.document()
    if isinstance(piece, WhyRow):
        # One change for the layout to follow, not one per run.
        cursor.beginEditBlock()
        if document.isEmpty():
            cursor.setBlockFormat(columns.format(piece))
        else:
            cursor.insertBlock(columns.format(piece))
        for text, run in columns.runs(piece):
            cursor.insertText(text, run)
        cursor.endEditBlock()
        return len(piece.summary) + len(piece.detail)
    html = piece if isinstance(piece, str) else piece.html
    if document.isEmpty():
        cursor.insertHtml(html)
        return len(html)
    # Parsed with the document's style sheet, as insertHtml would.
    fragment = QTextDocumentFragment.fromHtml(html, document)
    # The pieces start with a few kinds of paragraph (a heading, a faint line ...).
    opening = (html[: html.find(">") + 1], document.defaultStyleSheet())
    formats = _FIRST_FORMATS.get(opening)
    if formats is None:
        alone = QTextDocument()
        QTextCursor(alone).insertFragment(fragment)
        first = alone.begin()
        formats = _FIRST_FORMATS[opening] = (first.blockFormat(), first.charFormat())
    cursor.beginEditBlock()
    cursor.insertBlock(*formats)
    cursor.insertFragment(fragment)
    cursor.endEditBlock()
    return len(html)


#: The formats of a piece's first paragraph by its opening tag and the style sheet.
_FIRST_FORMATS: dict[tuple[str, str], tuple[QTextBlockFormat, QTextCharFormat]] = {}


def write_body(document: QTextDocument, body: Body, font: QFont) -> None:
    """Add the whole of ``body`` to the end of ``document`` (at once: one layout), the
    way the pane adds it in steps, each run of HTML between "why" rows (the timeline's
    facts with it) as one piece. ``font`` is the document's text font; the pieces of
    HTML take the document's style sheet (:func:`_style`)."""
    cursor = QTextCursor(document)
    cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.beginEditBlock()
    columns = WhyColumns.of(body.pieces, font)
    run: list[str] = []
    for piece in body.pieces:
        if isinstance(piece, WhyRow):
            if run:
                write_piece(cursor, "".join(run), columns)
                run.clear()
            write_piece(cursor, piece, columns)
        else:
            run.append(piece if isinstance(piece, str) else piece.html)
    timeline = body.timeline
    run += [timeline.html(index) for index in range(len(timeline.facts))]
    run.append(body.tail)
    if any(run):
        write_piece(cursor, "".join(run), columns)
    cursor.endEditBlock()


def _fact_html(
    fact: Fact,
    year: int,
    counted: bool,
    sources: Mapping[str, Source],
    names: Mapping[str, str],
    partner: str,
    *,
    first: bool = False,
) -> str:
    own_year = fact_is_of_year(fact, year)
    later = fact.date.year is None or fact.date.year > year
    ink = theme.FAINT_INK.name() if later or not counted else theme.INK.name()
    background = f" background-color:{theme.HIGHLIGHT_ROW.name()};" if own_year else ""
    # One paragraph a fact, its lines broken by <br>: Qt lays out and paints a paragraph
    # about twice as fast as the one-cell table each fact used to be (which sized its
    # cell by laying the text out at its narrowest and widest first). Adjacent
    # paragraphs' margins collapse, so the top margin is the whole gap between facts.
    top = FACT_GAP_PX // 2 if first else FACT_GAP_PX
    side = theme.SIDE_LABELS.get(fact.afghan_side.value, fact.afghan_side.value)
    side_colour = theme.SIDE_COLOURS.get(fact.afghan_side.value, theme.MUTED_INK).name()
    source = sources.get(fact.citation.source_id)
    source_name = source.title if source and source.title else fact.citation.source_id
    with_others = [names.get(other, other) for other in fact.partners if other != partner]
    meta = [fact.kind.value.replace("_", " "), f"tone {palette.format_strength(fact.tone)}"]
    if fact.amount is not None:
        meta.append(
            amount_text(
                fact.amount.value, fact.amount.currency, approximate=fact.amount.approximate
            )
            + f" ({theme.AMOUNT_LABELS.get(fact.amount.kind, fact.amount.kind)})"
        )
    parts = [
        f"<p style='margin:{top}px {FACT_RIGHT_PX}px {FACT_GAP_PX // 2}px 0;"
        f" color:{ink};{background}'>",
        f"<b>{esc(describe_date(fact.date))}</b>&nbsp; "
        f"<span style='color:{side_colour}'>{esc(side)}</span>"
        f"<span class='muted'> · {esc(' · '.join(meta))}</span>",
    ]
    if with_others:
        parts.append(f"<span class='muted'> · with {esc(', '.join(with_others))}</span>")
    parts.append(f"<br>{esc(fact.summary)}")
    parts.append(f"<br><span class='quote'>“{esc(fact.citation.quote)}”</span>")
    parts.append(f"<br><span class='muted'>Source: {esc(source_name)}</span>")
    if fact.date.note:
        parts.append(f"<br><span class='faint'>Date: {esc(fact.date.note)}</span>")
    if fact.same_event_as:
        parts.append(
            f"<br><span class='faint'>Same event as {esc(fact.same_event_as)}; counted once.</span>"
        )
    if fact.third_party:
        parts.append(
            "<br><span class='faint'>Between foreign actors about Afghanistan; "
            "not counted in the strength.</span>"
        )
    elif is_cumulative_total(fact):
        parts.append(
            "<br><span class='faint'>A cumulative total of aid, which restates the aid of "
            "the years before: not counted in the strength, never added to packages.</span>"
        )
    parts.append("</p>")
    return "".join(parts)


#: The header's space between its key column and the values, and above its rows.
HEADER_KEY_GAP_PX = 10
HEADER_ROWS_TOP_PX = 6


def _text_format(
    text: str, *, colour: str = "", bold: bool = False, background: str = ""
) -> QTextCharFormat:
    """The format of ``text`` in the header: laid out without shaping when it needs
    none, as a year change lays out again the lines and rows it alters (see
    theme.unshaped_font; the header's update and paint at a year change, two runs of
    alternating blocks: 0.77 / 0.68 -> 0.63 / 0.59 ms). The title keeps its shaping:
    its larger letters show kerning, and only a selection changes it."""
    run = QTextCharFormat()
    if colour:
        run.setForeground(QColor(colour))
    if bold:
        run.setFontWeight(QFont.Weight.Bold)
    if background:
        run.setBackground(QColor(background))
    if not theme.shaping_needed(text):
        run.setFontStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    return run


def _span_format(span: Span) -> QTextCharFormat:
    return _text_format(span.text, colour=span.colour, bold=span.bold, background=span.background)


def _replace_text(
    cursor: QTextCursor, block: QTextBlock, start: int, runs: Sequence[tuple[str, QTextCharFormat]]
) -> None:
    """Replace ``block``'s text from ``start`` to its end by ``runs`` of formatted text."""
    cursor.setPosition(block.position() + start)
    cursor.setPosition(block.position() + block.length() - 1, QTextCursor.MoveMode.KeepAnchor)
    cursor.removeSelectedText()
    for text, run in runs:
        cursor.insertText(text, run)


#: The width a text block lays itself out for before it is shown.
UNSHOWN_WIDTH = 400


class RichTextBlock(QWidget):
    """A block of rich text whose height follows its text and width.

    A word-wrapped ``QLabel`` asks its parents to lay out again on every ``setText``,
    which costs milliseconds per year change here; this block does so only when its
    height actually changes.
    """

    def __init__(self, parent: QWidget | None = None, *, margins: QMargins) -> None:
        super().__init__(parent)
        self._margins = margins
        self._document = InertTextDocument(self)
        self._document.setDocumentMargin(0)
        self._document.setDefaultFont(self.font())
        self._height = 0
        self._shown_header: Header | None = None
        # What HTML's font-size:x-large is: the default size stepped up twice (1.5x).
        self._title = QTextCharFormat()
        self._title.setProperty(QTextFormat.Property.FontSizeAdjustment, 2)
        self._title.setFontWeight(QFont.Weight.DemiBold)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_html(self, html_text: str, *, may_shrink: bool = True) -> None:
        """Show ``html_text``; with ``may_shrink`` False the block keeps its height if the
        new text needs less, so stepping through years does not make the pane jump."""
        self._shown_header = None
        self._document.setHtml(html_text)
        self._relayout(may_shrink=may_shrink)
        self.update()

    def set_header(self, header: Header, *, may_shrink: bool = True) -> None:
        """Show ``header``'s title, lines and rows (see :meth:`set_html`).

        The document is built paragraph by paragraph rather than parsed from HTML, and
        the rows are paragraphs with a tab stop after the widest key and a hanging
        indent rather than a table, which Qt lays out in about half the time. After a
        header of the same shape (a year change, mostly) only the paragraphs whose text
        changed are rewritten, so the others keep their layout.
        """
        cursor = QTextCursor(self._document)
        shown = self._shown_header
        same_shape = (
            shown is not None
            and shown.muted == header.muted
            and len(shown.lines) == len(header.lines)
            and [key for key, _ in shown.rows] == [key for key, _ in header.rows]
        )
        before = self._block_rects() if same_shape else []
        # One change for the layout to follow, not one per piece inserted.
        cursor.beginEditBlock()
        if shown is not None and same_shape:
            rewritten = self._update_header(cursor, shown, header)
        else:
            self._build_header(cursor, header)
        cursor.endEditBlock()
        self._shown_header = header
        height = self._height
        self._relayout(may_shrink=may_shrink)
        if not same_shape or self._height != height:
            self.update()
            return
        # Only the paragraphs rewritten, and those they moved, are painted again: a year
        # change mostly changes the year's line and the strength.
        dirty = QRectF()
        for number, (old, new) in enumerate(zip(before, self._block_rects(), strict=True)):
            if number in rewritten or old != new:
                dirty = dirty.united(old).united(new)
        if not dirty.isEmpty():
            # The whole width, and a pixel more above and below for the antialiasing.
            top = math.floor(dirty.top()) + self._margins.top() - 1
            bottom = math.ceil(dirty.bottom()) + self._margins.top() + 1
            self.update(0, top, self.width(), bottom - top)

    def _build_header(self, cursor: QTextCursor, header: Header) -> None:
        document = self._document
        document.clear()
        cursor.setBlockCharFormat(self._title)
        cursor.insertText(header.title, self._title)
        muted = QTextCharFormat()
        muted.setForeground(QColor(header.muted))
        for line in header.lines:
            cursor.insertBlock(QTextBlockFormat(), muted)
            cursor.insertText(line, _text_format(line, colour=header.muted))
        key_font = QFont(document.defaultFont())
        if not any(theme.shaping_needed(key) for key, _ in header.rows):
            key_font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)  # as they are set
        metrics = QFontMetricsF(key_font)
        widest = max((metrics.horizontalAdvance(key) for key, _ in header.rows), default=0.0)
        # Whole pixels, as a table's column would be.
        indent = float(math.ceil(widest + HEADER_KEY_GAP_PX))
        for index, (key, spans) in enumerate(header.rows):
            row = QTextBlockFormat()
            row.setTopMargin(HEADER_ROWS_TOP_PX if index == 0 else 0)
            row.setLeftMargin(indent)
            row.setTextIndent(-indent)
            row.setTabPositions([QTextOption.Tab(indent, QTextOption.TabType.LeftTab)])
            cursor.insertBlock(row, muted)
            cursor.insertText(f"{key}\t", _text_format(key, colour=header.muted))
            for span in spans:
                cursor.insertText(span.text, _span_format(span))

    def _update_header(self, cursor: QTextCursor, shown: Header, header: Header) -> set[int]:
        """Rewrite the paragraphs of ``shown`` that differ in ``header`` (same shape);
        return their numbers."""
        rewritten: set[int] = set()
        block = self._document.begin()
        if header.title != shown.title:
            _replace_text(cursor, block, 0, [(header.title, self._title)])
            rewritten.add(block.blockNumber())
        for old, new in zip(shown.lines, header.lines, strict=True):
            block = block.next()
            if old != new:
                _replace_text(cursor, block, 0, [(new, _text_format(new, colour=header.muted))])
                rewritten.add(block.blockNumber())
        for (key, old_spans), (_, spans) in zip(shown.rows, header.rows, strict=True):
            block = block.next()
            if old_spans != spans:
                runs = [(span.text, _span_format(span)) for span in spans]
                _replace_text(cursor, block, len(key) + 1, runs)
                rewritten.add(block.blockNumber())
        return rewritten

    def _block_rects(self) -> list[QRectF]:
        """Where each paragraph is laid out, in the document."""
        layout = self._document.documentLayout()
        rects = []
        block = self._document.begin()
        while block.isValid():
            rects.append(layout.blockBoundingRect(block))
            block = block.next()
        return rects

    def html(self) -> str:
        return self._document.toHtml()

    def plain_text(self) -> str:
        return self._document.toPlainText()

    def _text_width(self, width: int) -> float:
        return float(max(50, width - self._margins.left() - self._margins.right()))

    def _relayout(self, *, may_shrink: bool = True) -> None:
        # Until it is shown the block has no real width yet; a typical one keeps the first
        # size hint sensible (a narrow default would make the window very tall).
        width = self.width() if self.isVisible() else UNSHOWN_WIDTH
        text_width = self._text_width(width)
        # Setting the width lays the whole document out again, even the same width.
        if self._document.textWidth() != text_width:
            self._document.setTextWidth(text_width)
        height = self._content_height()
        if not may_shrink:
            height = max(height, self._height)
        if height != self._height:
            self._height = height
            self.updateGeometry()

    def _content_height(self) -> int:
        size = self._document.size()
        return math.ceil(size.height()) + self._margins.top() + self._margins.bottom()

    def sizeHint(self) -> QSize:  # noqa: N802
        # The height follows the width the block was last given (see resizeEvent); not
        # height-for-width, which would let a narrow probe make the window very tall.
        return QSize(320, self._height or self._content_height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(120, self.sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._relayout()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        # Resized before it was shown, the block laid its text out at UNSHOWN_WIDTH; if
        # no resize follows (a narrow window, its column at its smallest), the text ran
        # past its right edge and was cut ("Islamic Emirate of Afg" at 1024x700).
        self._relayout()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.translate(self._margins.left(), self._margins.top())
        # Only the paragraphs in the part to paint (see set_header) are drawn.
        area = QRectF(event.rect()).translated(-self._margins.left(), -self._margins.top())
        self._document.drawContents(painter, area)
        painter.end()


class DetailPane(QWidget):
    """The selected partner at the year: status, strength and why, aid and timeline.

    The header follows every change at once (it reads the measures' cached cube). The
    body (the explanation, which queries the partner's facts, and the timeline) follows
    a new selection at once but a year or side change only once the year has stood
    still for :data:`BODY_DELAY_MS`, so dragging the slider or playing stays smooth.
    Read from the top, the body lays out at once only what the pane shows, the rest of
    it (the explanation's other rows, the aid figures, the timeline) in steps after the
    paint; a year or side change holds those steps until the body follows it.
    """

    def __init__(
        self,
        state: AppState,
        catalog: Catalog,
        relations: RelationsService,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._state = state
        self._catalog = catalog
        self._relations = relations
        self._partners = frozenset(relations.partners())
        self._names = {actor.code: actor.name for actor in catalog.actors}
        self._shown = ""
        # The opening of the body's HTML as last written (its style sheet), and what the
        # body was made from (see refresh_body).
        self._body_html = ""
        self._body_key: object = None
        self._header = Header("")
        self._fact_counts: dict[str, int] | None = None

        # Filled in the card's colour (theme.fill_as_card), so kept clear of the card's
        # rounded corners by its top margin of 7 px (afgui.ui.main_window); 6 px more
        # here put the text 13 px down, where it was.
        self.header = RichTextBlock(self, margins=QMargins(14, 6, 14, 8))
        theme.fill_as_card(self.header)
        self.header.setAccessibleName("Selected partner")
        self.browser = SafeTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.browser.setAccessibleName("Partner details")
        # Tab moves on to the next control rather than through the text.
        self.browser.setTabChangesFocus(True)
        # Without a frame the browser would show its keyboard focus only by a caret.
        self.browser.setStyleSheet(
            "QTextBrowser { border: 2px solid transparent; }"
            "QTextBrowser:focus { border: 2px solid palette(highlight); }"
        )
        self.browser.document().setDocumentMargin(12)
        self.browser.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        rule = QFrame(self)
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setStyleSheet(f"color: {theme.RULE.name()};")
        self._rule = rule
        self._colours = theme.current()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(rule)
        layout.addWidget(self.browser, 1)

        self._body_timer = QTimer(self)
        self._body_timer.setSingleShot(True)
        self._body_timer.setInterval(BODY_DELAY_MS)
        self._body_timer.timeout.connect(self.refresh_body)
        # What is still to add to a body laid out in steps: the head's pieces, the
        # timeline's facts (by index) and what follows them.
        self._pieces: list[Piece] = []
        self._columns = WhyColumns()
        self._timeline = Timeline()
        #: Indices of the timeline's facts still to be added, in order.
        self._to_add: list[int] = []
        self._tail_to_add = ""
        # A frame's time after the body's first paint: the first step waits for that
        # paint (a timer started with the new text could fall due before the window
        # was painted, when the other views' updates take longer than the interval).
        self._add_timer = QTimer(self)
        self._add_timer.setSingleShot(True)
        self._add_timer.setInterval(ADD_INTERVAL_MS)
        self._add_timer.timeout.connect(self._add_facts)
        self._adding_after_paint = False
        # Adding stopped by a year or side change until the body follows (see
        # _on_year_or_side).
        self._adding_held = False
        self.browser.viewport().installEventFilter(self)
        state.year_changed.connect(self._on_year_or_side)
        state.side_changed.connect(self._on_year_or_side)
        state.selection_changed.connect(self._on_selection)
        state.compare_changed.connect(self._on_selection)
        self.refresh_header()
        # A window that opens on a partner is painted before the partner's facts are
        # read: a start's first query imports SQLAlchemy (~0.6 s on a slow machine), so
        # the body follows right after the pane's first paint (see eventFilter).
        self._body_after_paint = bool(state.selection)
        if self._body_after_paint:
            self.browser.setPlainText("Reading the facts…")
        else:
            self.refresh_body()

    # What the pane shows ------------------------------------------------------------

    def plain_text(self) -> str:
        """The header and the body as plain text (the body as of its last refresh)."""
        return f"{self._header.text}\n\n{self.browser.toPlainText()}".strip()

    @property
    def body_pending(self) -> bool:
        """Whether the body still shows an earlier year or side, or is still adding the
        facts of a long timeline."""
        return (
            self._body_after_paint
            or self._body_timer.isActive()
            or self._add_timer.isActive()
            or self._adding_after_paint
            or self._adding_held
        )

    def flush(self) -> None:
        """Bring the body up to date now, if a refresh is pending."""
        if self._body_timer.isActive() or self._body_after_paint:
            self._body_timer.stop()
            self.refresh_body()
        while self._add_timer.isActive() or self._adding_after_paint or self._adding_held:
            self._add_timer.stop()
            self._adding_after_paint = self._adding_held = False
            self._add_facts()

    def timeline_facts(self, code: str, year: int) -> WindowFacts:
        """The facts the timeline shows at ``year``, read when first looked at; the
        catalogue keeps the last window read, for the next settled years."""
        return WindowFacts(self._catalog, self._catalog.window_place(code, year, TIMELINE_LIMIT))

    # Updates ------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and watched is self.browser.viewport():
            if self._adding_after_paint:
                self._adding_after_paint = False
                self._add_timer.start()
            if self._body_after_paint:
                # Queued: delivered once this paint (and the window's) is done.
                QTimer.singleShot(0, self._body_after_first_paint)
        return super().eventFilter(watched, event)

    def _body_after_first_paint(self) -> None:
        if self._body_after_paint:
            self.refresh_body()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._colours is not theme.current():
            # A theme change: the text carries its colours, so it is rendered again.
            self._colours = theme.current()
            self._rule.setStyleSheet(f"color: {theme.RULE.name()};")
            self.refresh_header()
            self._body_timer.stop()
            self.refresh_body()

    def _on_year_or_side(self, *_: object) -> None:
        # A year with two governments needs a longer header; keeping that height for
        # the following years spares the body a costly re-layout on every step.
        self.refresh_header(may_shrink=False)
        if self._add_timer.isActive() or self._adding_after_paint:
            # The timeline still being added is the previous year's, which the body's
            # refresh replaces once the year stands still: adding it meanwhile would
            # cost every few year changes a step and a second paint of the window.
            self._add_timer.stop()
            self._adding_after_paint = False
            self._adding_held = True
        self._body_timer.start()

    def _on_selection(self, *_: object) -> None:
        self.refresh_header()
        self._body_timer.stop()
        self.refresh_body()

    def refresh_header(self, *, may_shrink: bool = True) -> None:
        year = self._state.year
        side = self._state.side
        code = self._state.selection
        cell = self._relations.values_at(year, side).get(code) if code in self._partners else None
        compare = self._state.compare if code else ""
        if compare:
            header = self._compare_header(code, compare, cell)
        else:
            header = render_header(
                actor=self._catalog.actors_by_code.get(code) if code else None,
                code=code,
                year=year,
                side=side,
                governments=self._catalog.governments_in(year),
                cell=cell,
            )
        if header != self._header:
            self._header = header
            if header.html:
                self.header.set_html(header.html, may_shrink=may_shrink)
            else:
                self.header.set_header(header, may_shrink=may_shrink)
            self.header.setAccessibleDescription(header.text)

    def _compare_header(self, code: str, compare: str, cell: StrengthCell | None) -> Header:
        """The selection and the compared partner side by side (afgui.ui.compare)."""
        year, side = self._state.year, self._state.side
        values = self._relations.values_at(year, side)
        actors = self._catalog.actors_by_code
        if self._fact_counts is None:
            self._fact_counts = self._catalog.fact_counts()
        counts = self._fact_counts
        rich, plain = compare_header(
            first=PartnerAt(code, actors.get(code), cell, counts.get(code, 0)),
            second=PartnerAt(
                compare,
                actors.get(compare),
                values.get(compare) if compare in self._partners else None,
                counts.get(compare, 0),
            ),
            year=year,
            side=side,
            government_text=government_text(self._catalog.governments_in(year), year),
        )
        return Header(plain, html=rich)

    def refresh_body(self) -> None:
        self._body_after_paint = False
        code = self._state.selection
        compare = self._state.compare if code else ""
        body = self._body_of(code)
        key: object
        compared_body = Body()
        compared = ""
        if compare:
            # The compared partner's body under its own heading (the section without a
            # body is the heading alone).
            compared_body = self._body_of(compare)
            compared = compared_section(self._names.get(compare, compare), "")
            key = body.parts().html + compared + compared_body.parts().html
        else:
            # The body's HTML follows from these (the names and sources do not change):
            # comparing them spares making every fact of the timeline into HTML now.
            key = (code, body.pieces, body.tail, body.timeline)
        if self._same_body(key):
            if self._adding_held:  # back at the year whose timeline was being added
                self._adding_held = False
                self._add_timer.start()
            return
        self._stop_adding()
        # Keep the reader's place while the year or side changes; a new partner starts on top.
        shown = f"{code}/{compare}"
        new_partner = shown != self._shown
        scroll = 0 if new_partner else self.browser.verticalScrollBar().value()
        self._shown = shown
        self._body_key = key
        timeline = body.timeline
        font = self.browser.document().defaultFont()
        style = _style()
        if self.browser.document().defaultStyleSheet() != style:
            # The pieces of HTML added take the document's style sheet (a theme's colours).
            self.browser.document().setDefaultStyleSheet(style)
        if not compare:
            # The pane lays out only what it shows, down to the reader's place: from the
            # top (a new partner's always is) mostly the first rows of the explanation.
            # The rest follows a few paragraphs at a time after the window has been
            # painted (Qt lays out the whole document it is given, to size the scroll
            # bar: at a million facts the explanation's twelve rows and sixty aid
            # figures took ~7 ms), the timeline's facts each made into HTML only then.
            # What is added below the place does not move it.
            self._body_html = _opening()
            self._pieces = list(body.pieces)
            self._columns = WhyColumns.of(body.pieces, font)
            self._timeline = timeline
            self._to_add = list(range(len(timeline.facts)))
            self._tail_to_add = body.tail
            with self.browser.scroll_bar_held():
                self.browser.clear()
                self._fill_view(scroll)
            if self._still_to_add():
                if self.browser.viewport().isVisible():
                    self._adding_after_paint = True
                else:  # no paint to wait for
                    self._add_timer.start()
        else:
            self._body_html = _opening()
            with self.browser.scroll_bar_held():
                self.browser.clear()
                write_body(self.browser.document(), body, font)
                if compare:
                    cursor = QTextCursor(self.browser.document())
                    cursor.movePosition(QTextCursor.MoveOperation.End)
                    write_piece(cursor, compared, WhyColumns())
                    write_body(self.browser.document(), compared_body, font)
        self.browser.verticalScrollBar().setValue(scroll)

    def _same_body(self, key: str | tuple[str, tuple[Piece, ...], str, Timeline]) -> bool:
        """Whether ``key`` (see refresh_body) gives the body shown: the timelines are
        compared last, so a new partner's facts are not read for it."""
        old = self._body_key
        if isinstance(key, tuple) and isinstance(old, tuple):
            return bool(old[:3] == key[:3] and old[3].key() == key[3].key())
        return key == old

    def _still_to_add(self) -> bool:
        return bool(self._pieces) or bool(self._to_add) or bool(self._tail_to_add)

    def _fill_view(self, scroll: int = 0) -> None:
        """Lay out the body's first paragraphs, as many as the pane shows scrolled down by
        ``scroll`` pixels (and one more, so that the scroll bar stays: hiding it would lay
        the text out again wider).

        They are added in rounds of about as much text as the height still to fill holds
        (a "why" row counted by the lines it takes, see _add_one), each laid out once at
        its end (a paragraph added alone is laid out, and the pane told, at once: a short
        body's dozen pieces cost twice a whole document's layout that way)."""
        document = self.browser.document()
        layout = document.documentLayout()
        viewport = self.browser.viewport()
        # Unshown, the document is not laid out (it has no width yet): nothing to fill.
        height = viewport.height() if viewport.isVisible() else 0
        metrics = self.browser.fontMetrics()
        # Characters per pixel of height: the lines a pixel holds, the characters a line.
        density = viewport.width() / max(1, metrics.averageCharWidth()) / metrics.lineSpacing()
        if height > 0:
            height += scroll
        cursor = QTextCursor(document)
        bottom = 0.0
        while self._still_to_add():
            budget = int((height - bottom) * density)
            cursor.beginEditBlock()
            added = 0
            while self._still_to_add() and added <= budget:
                added += self._add_one(budget - added)
            cursor.endEditBlock()
            bottom = layout.blockBoundingRect(document.lastBlock()).bottom()
            if bottom > height or height <= 0:
                break

    def _add_one(self, budget: int = 0) -> int:
        """Add the body's next paragraph: the head's (the explanation, the aid figures,
        the timeline's heading), then the timeline's facts, then what follows them; or,
        up to about ``budget`` characters, the next run of them written as HTML, as one
        piece (each piece of HTML inserted costs a document of its own to parse it).
        Return about how many characters it added."""
        cursor = QTextCursor(self.browser.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        row = self._pieces[0] if self._pieces else None
        if isinstance(row, WhyRow):
            self._pieces.pop(0)
            write_piece(cursor, row, self._columns)
            # Counted as the full lines of the pane it takes the height of, rather more
            # than less: its lines are shorter (they start after the dates), and counted
            # by its characters the pane laid out twice the rows it shows before its
            # first paint. Counted more, a round ends above the pane's foot and the next
            # adds what is left, so no paragraph is added wholly below the first to
            # reach past the foot.
            char_width = max(1, self.browser.fontMetrics().averageCharWidth())
            shown = self.browser.viewport().width()  # a full line, as _fill_view counts
            width = shown - 2 * self.browser.document().documentMargin()
            lines = self._columns.lines(row, width, char_width)
            return int(lines * shown / char_width)
        run: list[str] = []
        size = 0
        while size <= budget and (html := self._next_html()) is not None:
            run.append(html)
            size += len(html)
        return write_piece(cursor, "".join(run), self._columns)

    def _next_html(self) -> str | None:
        """The next paragraphs to add as HTML, taken off what is still to add; None if
        the next is a "why" row or nothing is left."""
        if self._pieces:
            piece = self._pieces[0]
            if isinstance(piece, WhyRow):
                return None
            self._pieces.pop(0)
            return piece if isinstance(piece, str) else piece.html
        if self._to_add:
            # The first fact made into HTML reads the window's facts (WindowFacts).
            return self._timeline.html(self._to_add.pop(0))
        tail, self._tail_to_add = self._tail_to_add, ""
        return tail or None

    def _add_facts(self) -> None:
        """Add the next paragraphs of a body being laid out in steps (see refresh_body),
        for up to ADD_BUDGET_MS, at least one. The timeline's facts start a step of their
        own: the first reads them (WindowFacts: 7-10 ms at a million facts), which after
        the rest of the explanation and the aid figures would make one long step."""
        clock = QElapsedTimer()
        clock.start()
        with self.browser.scroll_bar_held():
            while self._still_to_add():
                head_left = bool(self._pieces)
                self._add_one()
                if clock.elapsed() >= ADD_BUDGET_MS or (head_left and not self._pieces):
                    break
        if self._still_to_add():
            self._add_timer.start()

    def _stop_adding(self) -> None:
        self._add_timer.stop()
        self._adding_after_paint = self._adding_held = False
        self._pieces = []
        self._to_add = []
        self._tail_to_add = ""
        self._timeline = Timeline()

    def _body_of(self, code: str) -> Body:
        year = self._state.year
        side = self._state.side
        explanation: Explanation | None = None
        others, others_total = 0, 0.0
        aid: tuple[AidPoint, ...] = ()
        aid_start = aid_total = 0
        # Not read yet: see WindowFacts.
        window = self.timeline_facts(code, year) if code else None
        if code in self._partners:
            # Only the contributions the pane lists are made into objects (see WHY_LIMIT),
            # and only the aid rows it lists (see AID_LIMIT).
            summary = self._relations.explain_largest(code, year, side, WHY_LIMIT)
            explanation = summary.explanation
            others, others_total = summary.others, summary.others_total
            figures = self._relations.aid_columns(code)
            aid_start, aid = figures.nearest(year, AID_LIMIT)
            aid_total = len(figures)
        return render_body(
            code=code,
            year=year,
            side=side,
            explanation=explanation,
            facts=window if window is not None else (),
            aid=aid,
            sources=self._catalog.sources_by_id,
            names=self._names,
            others=others,
            others_total=others_total,
            facts_start=window.place.start if window is not None else 0,
            facts_total=window.place.total if window is not None else 0,
            aid_start=aid_start,
            aid_total=aid_total,
        )
