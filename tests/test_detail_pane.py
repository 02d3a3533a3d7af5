"""The detail pane: the selected partner at the year, why its value is what it is, and
its facts, with untrusted fact text shown as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMargins, QObject, QRect
from PySide6.QtGui import QFont, QFontMetricsF, QTextDocument
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from afgui.curation.provision import open_database
from afgui.domain.model import Amount, Citation, Fact, FactDate, Source
from afgui.domain.vocab import (
    AfghanSide,
    AmountKind,
    DatePrecision,
    FactKind,
    SourceKind,
    YearBasis,
)
from afgui.services.citations import describe_date
from afgui.services.measures import ViewSide
from afgui.ui import detail_pane, theme
from afgui.ui.detail_pane import (
    TIMELINE_LIMIT,
    DetailPane,
    Header,
    Span,
    amount_text,
    fact_is_of_year,
    nearest_window,
    render_body,
)
from afgui.ui.state import AppState
from tests.window_support import make_state, services

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

HOSTILE_TEXT = "<b>bold</b> & <script>alert(1)</script>"


def fact(year: int | None, summary: str = "Something happened.", **changes: object) -> Fact:
    values: dict[str, object] = {
        "id": f"f-{year}",
        "partners": ("PAK",),
        "kind": FactKind.MEETING,
        "afghan_side": AfghanSide.TALIBAN,
        "date": FactDate(DatePrecision.YEAR, year, end_year=year),
        "tone": 1,
        "summary": summary,
        "citation": Citation("src", "the quote"),
    }
    values.update(changes)
    return Fact(**values)  # type: ignore[arg-type]


def test_dates_say_how_certain_they_are() -> None:
    assert describe_date(FactDate(DatePrecision.DAY, 1997, 5, 25, end_year=1997)) == "1997-05-25"
    context = FactDate(DatePrecision.YEAR, 2002, end_year=2002, basis=YearBasis.CONTEXT)
    assert describe_date(context) == "2002, year from context"
    span = FactDate(DatePrecision.SPAN, 1979, end_year=1989, basis=YearBasis.INFERRED)
    assert describe_date(span) == "1979/1989 (span), year inferred"
    assert describe_date(FactDate(DatePrecision.UNKNOWN)) == "undated"


def test_amounts_are_readable() -> None:
    assert amount_text(1e9, "USD") == "USD 1 billion"
    assert amount_text(2.5e8, "USD", approximate=True) == "≈ USD 250 million"
    assert amount_text(12500, "EUR") == "EUR 12,500"


def test_a_span_belongs_to_each_of_its_years() -> None:
    span = fact(1979, date=FactDate(DatePrecision.SPAN, 1979, end_year=1989))
    assert fact_is_of_year(span, 1985)
    assert not fact_is_of_year(span, 1990)
    assert fact_is_of_year(fact(1997), 1997)
    assert not fact_is_of_year(fact(None, date=FactDate(DatePrecision.UNKNOWN)), 1997)


def test_fact_text_is_escaped_never_interpreted(qapp) -> None:
    hostile = fact(
        1997,
        HOSTILE_TEXT,
        citation=Citation("src", "quote with <i>markup</i>"),
        amount=Amount(2.5e8, "USD", AmountKind.PLEDGE, approximate=True),
    )
    html = (
        render_body(
            code="PAK",
            year=1997,
            side=ViewSide.TALIBAN,
            explanation=None,
            facts=[hostile],
            aid=(),
            sources={"src": Source("src", "A <title>", SourceKind.NEWS, "seed.txt")},
            names={"PAK": "Pakistan"},
        )
        .parts()
        .html
    )
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;" in html and "&lt;i&gt;markup&lt;/i&gt;" in html
    assert "A &lt;title&gt;" in html
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setHtml(html)
    text = document.toPlainText()
    assert HOSTILE_TEXT in text
    assert "quote with <i>markup</i>" in text
    assert "≈ USD 250 million (pledge)" in text


def test_a_why_rows_text_is_shown_as_text(qapp) -> None:
    """A "why" row is written into the document as text runs, never parsed; its HTML
    (the body's text form) escapes it."""
    row = detail_pane.WhyRow("+1", "1997", HOSTILE_TEXT, "weight <1>", first=True, last=True)
    document = QTextDocument()
    detail_pane.write_body(document, detail_pane.Body((row,)), document.defaultFont())
    assert document.toPlainText() == f"\t+1\t1997\t{HOSTILE_TEXT}\nweight <1>"
    assert "<script>" not in row.html and "&lt;script&gt;" in row.html


def test_a_long_timeline_shows_the_facts_nearest_the_year() -> None:
    """A partner of a large database has thousands of facts; the pane shows a window."""
    facts = [
        fact(year, f"Event {year}-{n}.", id=f"f-{year}-{n}")
        for year in range(1900, 2020)
        for n in range(10)
    ]
    parts = render_body(
        code="PAK",
        year=1997,
        side=ViewSide.TALIBAN,
        explanation=None,
        facts=facts,
        aid=(),
        sources={},
        names={},
    ).parts()
    html = parts.html
    assert f"Timeline · {len(facts)} facts" in html
    assert len(parts.facts) == len(parts.highlighted) == TIMELINE_LIMIT
    assert all(piece.startswith("<p ") and piece.endswith("</p>") for piece in parts.facts)
    assert "Event 1997-9." in html
    assert "Event 1998-0." in html
    assert "Event 1900-0." not in html
    assert "earlier facts not shown" in html
    assert "later facts not shown" in html
    assert nearest_window(5, 10, 4) == (3, 7)
    assert nearest_window(0, 10, 4) == (0, 4)
    assert nearest_window(10, 10, 4) == (6, 10)
    assert nearest_window(3, 3, 4) == (0, 3)


def test_the_years_own_facts_are_highlighted_and_later_ones_faded() -> None:
    facts = [fact(1990, "Earlier."), fact(1997, "This year."), fact(2005, "Later.")]
    parts = render_body(
        code="PAK",
        year=1997,
        side=ViewSide.TALIBAN,
        explanation=None,
        facts=facts,
        aid=(),
        sources={},
        names={},
    ).parts()
    blocks = parts.facts
    highlight = theme.HIGHLIGHT_ROW.name()
    faint = theme.FAINT_INK.name()
    assert [highlight in block for block in blocks] == [False, True, False]
    assert parts.highlighted == (False, True, False)
    assert [f"color:{faint};" in block for block in blocks] == [False, False, True]
    # A fact of the other Afghan side is faded too.
    html = (
        render_body(
            code="PAK",
            year=1997,
            side=ViewSide.GOVERNMENT,
            explanation=None,
            facts=facts[:1],
            aid=(),
            sources={},
            names={},
        )
        .parts()
        .facts[0]
    )
    assert f"color:{faint};" in html


@pytest.fixture
def pane(qtbot, fixture_engine: Engine) -> DetailPane:
    catalog, relations = services(fixture_engine)
    state = make_state(relations, year=1997, side=ViewSide.TALIBAN)
    widget = DetailPane(state, catalog, relations)
    qtbot.addWidget(widget)
    widget.resize(440, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_without_selection_it_shows_the_year_and_a_hint(pane: DetailPane) -> None:
    text = pane.plain_text()
    assert text.startswith("1997")
    assert "Afghan government: Islamic Emirate of Afghanistan" in text
    assert "Select a partner" in text


def test_selection_fills_the_pane(pane: DetailPane) -> None:
    pane._state.select("PAK")
    text = pane.plain_text()
    assert text.startswith("Pakistan\nstate · PAK · in 1997")
    assert "Afghan government: Islamic Emirate of Afghanistan\n" in text
    assert "Viewing: Taliban" in text
    assert "Status: recognition" in text
    assert "Strength: +" in text
    assert "Why +" in text
    assert "Pakistan recognises the Taliban government." in text  # the contributing fact
    assert "Pakistan recognised the Taliban government on 25 May 1997" in text  # its quote
    assert "1997-05-25" in text
    assert "Timeline · 1 fact" in text


def test_year_change_updates_header_at_once_and_body_when_settled(qtbot, pane: DetailPane) -> None:
    state = pane._state
    state.select("JPN")
    assert "no data in 1997" in pane.plain_text()
    state.set_side("government")
    state.set_year(2002)
    assert "in 2002" in pane.plain_text()
    assert pane.body_pending
    qtbot.waitUntil(lambda: not pane.body_pending, timeout=3000)
    text = pane.plain_text()
    assert "Japan pledges $1 billion." in text
    assert "Aid figures" in text
    assert "USD 1 billion" in text and "pledge" in text
    assert "USD 2 billion" in text and "cumulative total" in text


def test_historic_names_and_states_that_no_longer_exist(pane: DetailPane) -> None:
    state = pane._state
    state.select("SUN")
    pane.flush()
    assert "Note: Soviet Union did not exist in 1997" in pane.plain_text()
    state.select("IRN")
    assert "Afghanistan and Iran quarrel over water." in pane.plain_text()
    assert "undated" in pane.plain_text()


def test_an_actor_without_facts_can_be_selected(pane: DetailPane) -> None:
    pane._state.select("SAU")
    text = pane.plain_text()
    assert text.startswith("Saudi Arabia")
    assert "Timeline · 0 facts" in text


@pytest.fixture
def stepping_pane(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, fixture_engine: Engine
) -> tuple[DetailPane, AppState, str]:
    """A pane that adds one paragraph per step, in 2001, with the fixture partner that has
    the most facts (two: the fixture's partners have few). Unshown, its text area is
    a few lines tall: it lays out at once no more than the explanation's heading."""
    monkeypatch.setattr(detail_pane, "ADD_BUDGET_MS", 0)
    catalog, relations = services(fixture_engine)
    state = make_state(relations, year=2001)
    pane = DetailPane(state, catalog, relations)
    qtbot.addWidget(pane)
    code = max(relations.partners(), key=lambda partner: len(catalog.facts_of(partner)))
    assert len(catalog.facts_of(code)) >= 2
    return pane, state, code


def _whole_document(pane: DetailPane, code: str) -> QTextDocument:
    """The body written whole, at once, into an empty document."""
    whole = QTextDocument()
    font = pane.browser.document().defaultFont()
    whole.setDefaultFont(font)
    whole.setDefaultStyleSheet(pane.browser.document().defaultStyleSheet())
    detail_pane.write_body(whole, pane._body_of(code), font)
    return whole


def _whole_text(pane: DetailPane, code: str) -> str:
    return _whole_document(pane, code).toPlainText()


def _paragraphs(document: QTextDocument) -> list[tuple[str, str, float, float, float]]:
    """Each paragraph's text, background and top, bottom and right margins."""
    found = []
    block = document.begin()
    while block.isValid():
        paragraph = block.blockFormat()
        background = paragraph.background().color().name() if paragraph.background() else ""
        found.append(
            (
                block.text(),
                background,
                paragraph.topMargin(),
                paragraph.bottomMargin(),
                paragraph.rightMargin(),
            )
        )
        block = block.next()
    return found


def test_a_long_timeline_is_added_in_steps_and_ends_as_one_render(
    qtbot: QtBot, stepping_pane: tuple[DetailPane, AppState, str]
) -> None:
    """A new partner's first facts show at once, the rest follow after the paint; the
    finished pane reads exactly as the whole document rendered in one go."""
    pane, state, code = stepping_pane
    state.select(code)
    assert pane.body_pending
    first = pane.browser.toPlainText()
    qtbot.waitUntil(lambda: not pane.body_pending, timeout=5000)
    stepped = pane.browser.toPlainText()
    assert len(stepped) > len(first)
    assert stepped == _whole_text(pane, code)
    # Paragraph by paragraph too: the added facts keep their own spacing and highlight.
    assert _paragraphs(pane.browser.document()) == _paragraphs(_whole_document(pane, code))
    # And every format, the rows' columns included.
    assert pane.browser.document().toHtml() == _whole_document(pane, code).toHtml()


def test_a_shown_pane_adds_facts_only_after_painting_the_first(
    qtbot: QtBot, stepping_pane: tuple[DetailPane, AppState, str]
) -> None:
    """The first step of a long timeline comes after the body's first paint, not
    before it, however long the other views take to update."""
    pane, state, code = stepping_pane
    pane.show()
    qtbot.waitExposed(pane)
    events: list[str] = []

    class PaintWatch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                events.append("paint")
            return False

    watch = PaintWatch()
    pane.browser.viewport().installEventFilter(watch)
    state.select(code)
    pane.browser.document().contentsChanged.connect(lambda: events.append("added"))
    qtbot.waitUntil(lambda: not pane.body_pending, timeout=5000)
    assert "added" in events
    assert events.index("paint") < events.index("added")
    assert pane.browser.toPlainText() == _whole_text(pane, code)


def test_a_year_change_read_from_the_top_is_laid_out_in_steps(
    stepping_pane: tuple[DetailPane, AppState, str],
) -> None:
    """Read from the top, where the explanation is, the new year's timeline is added in
    steps after the paint, like a new partner's, and ends as the whole render."""
    pane, state, code = stepping_pane
    state.select(code)
    pane.flush()
    state.set_year(2002)
    pane._body_timer.stop()
    pane.refresh_body()  # what the deferred body's timer does once the year stands still
    assert pane.body_pending
    pane.flush()
    assert not pane.body_pending
    assert pane.browser.toPlainText() == _whole_text(pane, code)
    assert _paragraphs(pane.browser.document()) == _paragraphs(_whole_document(pane, code))


def test_a_year_change_keeps_a_reader_further_down_in_place(
    qtbot: QtBot, stepping_pane: tuple[DetailPane, AppState, str]
) -> None:
    """A reader scrolled down into the timeline stays at the same place: the new year's
    body is laid out at once down to below what the pane shows there, the rest after."""
    pane, state, code = stepping_pane
    pane.resize(300, 160)
    pane.show()
    qtbot.waitExposed(pane)
    state.select(code)
    pane.flush()
    bar = pane.browser.verticalScrollBar()
    assert bar.maximum() > 1
    bar.setValue(bar.maximum() // 2)
    place = bar.value()
    state.set_year(2002)
    pane._body_timer.stop()
    pane.refresh_body()
    assert bar.value() == place
    document = pane.browser.document()
    laid_out = document.documentLayout().blockBoundingRect(document.lastBlock()).bottom()
    assert laid_out > place + pane.browser.viewport().height() or not pane.body_pending
    pane.flush()
    assert pane.browser.toPlainText() == _whole_text(pane, code)
    assert bar.value() == place


def test_the_why_rows_line_up_in_three_columns(qapp) -> None:
    """The contributions end at one right edge, the dates start at one place right of the
    widest contribution, the summaries right of the widest date, and a summary wraps
    under itself, as in the table these rows replaced; the calculation is a line of its
    own under the summary."""
    rows = [
        detail_pane.WhyRow("+0.96", "2001/2021", "A long summary. " * 8, "weight 3.5", first=True),
        detail_pane.WhyRow("−12.31", "1950", "Short.", "weight 7.4 × tone +0.5", last=True),
    ]
    document = QTextDocument()
    document.setTextWidth(320)
    font = document.defaultFont()
    detail_pane.write_body(document, detail_pane.Body(tuple(rows)), font)
    assert document.size().height() > 0  # laid out
    sign_ends, date_starts, summary_starts, wrapped = [], [], [], []
    block = document.begin()
    while block.isValid():
        text = block.text()
        if text.startswith("\t"):
            layout = block.layout()
            line = layout.lineAt(0)
            tabs = [index for index, char in enumerate(text) if char == "\t"]
            sign_ends.append(line.cursorToX(tabs[1])[0])
            date_starts.append(line.cursorToX(tabs[1] + 1)[0])
            summary_starts.append(line.cursorToX(tabs[2] + 1)[0])
            wrapped += [layout.lineAt(n).x() for n in range(1, layout.lineCount())]
        block = block.next()
    assert len(sign_ends) == len(rows)
    assert len(set(sign_ends)) == len(set(date_starts)) == len(set(summary_starts)) == 1
    widest_date = QFontMetricsF(font).horizontalAdvance("2001/2021")
    assert date_starts[0] > sign_ends[0] and summary_starts[0] > date_starts[0] + widest_date
    assert len(wrapped) > len(rows) and set(wrapped) == {summary_starts[0]}
    assert document.toPlainText().splitlines()[0].endswith("A long summary.")
    assert "\u2028weight 3.5" in document.begin().text()


def test_the_headers_values_line_up_in_a_column_and_wrap_under_it(
    qtbot: QtBot, pane: DetailPane
) -> None:
    """The header's rows read as a two-column table: each value starts at the same
    place, right of the widest key, and a long value wraps under itself, not under the
    keys."""
    pane.resize(240, 600)  # narrow: the government's name wraps
    qtbot.waitUntil(lambda: pane.header.width() == 240)
    pane._state.select("SUN")  # in 1997, with a note row
    document = pane.header._document
    starts: list[float] = []
    wrapped: list[float] = []
    block = document.begin()
    while block.isValid():
        if "\t" in block.text():
            layout = block.layout()
            first = layout.lineAt(0)
            starts.append(first.cursorToX(block.text().index("\t") + 1)[0])
            wrapped += [layout.lineAt(line).x() for line in range(1, layout.lineCount())]
        block = block.next()
    keys = ("Afghan government", "Viewing", "Status", "Strength", "Note")
    assert len(starts) == len(keys)
    assert len(set(starts)) == 1
    assert wrapped and all(x == starts[0] for x in wrapped)
    widest = max(pane.header.fontMetrics().horizontalAdvance(key) for key in keys)
    assert starts[0] > widest
    rows = document.toPlainText().splitlines()[2:]
    plain = pane._header.text.splitlines()[2:]
    assert len(rows) == len(plain) == len(keys)
    for row, line in zip(rows, plain, strict=True):
        key, value = line.split(": ", 1)
        assert row.startswith(f"{key}\t") and row.endswith(value)


def test_a_header_rewritten_in_place_reads_as_one_built_afresh(pane: DetailPane) -> None:
    """Year and side changes rewrite only the header's paragraphs that changed (a row
    more or less, the Soviet Union's note from 1992, builds it again); each time the
    document is the same as one built from nothing."""
    state = pane._state
    state.select("SUN")
    steps = [(1979, "government"), (1980, "government"), (1992, "government")]
    steps += [(1997, "taliban"), (2002, "government"), (1997, "both"), (1985, "both")]
    for year, side in steps:
        state.set_side(side)
        state.set_year(year)
        fresh = detail_pane.RichTextBlock(margins=QMargins())
        fresh.set_header(pane._header)
        assert pane.header._document.toHtml() == fresh._document.toHtml()
        assert ("Note: Soviet Union did not exist" in pane.plain_text()) == (year >= 1992)


def test_a_block_resized_before_it_is_shown_lays_its_text_out_at_its_width(
    qtbot: QtBot,
) -> None:
    """A narrow window gives the header its width before showing it, and no resize
    follows: the text must wrap at that width, not run past the edge and be cut."""
    block = detail_pane.RichTextBlock(margins=QMargins(14, 6, 14, 8))
    qtbot.addWidget(block)
    block.set_html("<p>Afghan government: Islamic Emirate of Afghanistan (Taliban)</p>")
    block.resize(200, 40)
    block.show()
    qtbot.waitExposed(block)
    assert block._document.textWidth() == 200 - 14 - 14
    assert block._document.size().width() <= 200 - 14 - 14


def shaped_runs(block: detail_pane.RichTextBlock) -> dict[str, bool]:
    """Each run of the block's text, and whether Qt shapes it."""
    runs: dict[str, bool] = {}
    paragraph = block._document.begin()
    while paragraph.isValid():
        fragments = paragraph.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            strategy = fragment.charFormat().fontStyleStrategy()
            runs[fragment.text()] = strategy != QFont.StyleStrategy.PreferNoShaping
            fragments += 1
        paragraph = paragraph.next()
    return runs


def test_the_header_lays_out_its_lines_and_rows_without_shaping(pane: DetailPane) -> None:
    """What a year change rewrites skips shaping (see theme.unshaped_font); the title,
    in larger letters, keeps its kerning; a text in Pashto keeps its letters joined."""
    state = pane._state
    state.select("PAK")
    for year in (1979, 1980, 2002):
        state.set_year(year)
        runs = shaped_runs(pane.header)
        assert runs.pop("Pakistan") is True
        assert runs and not any(runs.values()), runs

    pashto = "د افغانستان اسلامي امارت"  # the Islamic Emirate of Afghanistan
    header = Header(
        f"Pakistan\nAfghan government: {pashto}",
        title="Pakistan",
        lines=("state · PAK · in 1997",),
        rows=(("Afghan government", (Span(pashto),)),),
        muted="#777777",
    )
    block = detail_pane.RichTextBlock(margins=QMargins())
    block.set_header(header)
    runs = shaped_runs(block)
    assert runs[pashto] is True
    assert runs["state · PAK · in 1997"] is False


def test_a_pane_opened_on_a_partner_reads_its_facts_after_its_first_paint(
    qtbot: QtBot, fixture_engine: Engine
) -> None:
    """The window is painted before the first query (which imports SQLAlchemy at a
    start): the header is there at once, the body right after the pane's first paint."""
    catalog, relations = services(fixture_engine)
    state = make_state(relations, year=1997, selection="PAK")
    pane = DetailPane(state, catalog, relations)
    qtbot.addWidget(pane)
    assert "Pakistan" in pane.plain_text()  # the header
    assert pane.browser.toPlainText() == "Reading the facts…"
    assert pane.body_pending
    pane.resize(500, 700)
    pane.show()
    qtbot.waitUntil(lambda: not pane.body_pending)
    assert "Timeline" in pane.browser.toPlainText()

    # Unshown, a flush brings the body (the report and the tests read it that way).
    other = DetailPane(state, catalog, relations)
    qtbot.addWidget(other)
    other.flush()
    assert not other.body_pending
    assert other.browser.toPlainText() == pane.browser.toPlainText()


def test_a_year_change_holds_the_timeline_being_added_until_the_body_follows(
    stepping_pane: tuple[DetailPane, AppState, str],
) -> None:
    """The rest of a timeline being added is the previous year's: a year change stops
    adding it (no step, no second paint while the year moves) until the body follows
    the year, which adds the new year's, or the previous year's again if it came back."""
    pane, state, code = stepping_pane
    state.select(code)
    assert pane._add_timer.isActive()  # unshown: no paint to wait for
    before = pane.browser.toPlainText()
    state.set_year(2002)
    assert not pane._add_timer.isActive() and pane.body_pending
    state.set_year(2001)  # back before the body followed
    assert pane.browser.toPlainText() == before
    pane._body_timer.stop()
    pane.refresh_body()  # what the deferred body's timer does once the year stands still
    assert pane._add_timer.isActive()
    pane.flush()
    assert not pane.body_pending
    assert pane.browser.toPlainText() == _whole_text(pane, code)
    assert _paragraphs(pane.browser.document()) == _paragraphs(_whole_document(pane, code))
    # Held, then flushed at another year: the new year's whole timeline.
    state.select("")
    state.select(code)
    state.set_year(2002)
    assert pane.body_pending
    pane.flush()
    assert not pane.body_pending
    assert pane.browser.toPlainText() == _whole_text(pane, code)


def test_a_body_that_would_read_the_same_is_not_set_again(pane: DetailPane) -> None:
    """The body is compared by what it is made from, not by its whole HTML: a year
    change that leaves it as it was (no partner selected) leaves the document alone, one
    that changes it sets it again."""
    state = pane._state
    document = pane.browser.document()
    revision = document.revision()
    state.set_year(2002)
    pane.flush()
    assert document.revision() == revision
    state.select("PAK")
    revision = document.revision()
    state.set_year(1998)
    pane.flush()
    assert document.revision() != revision
    assert pane.browser.toPlainText() == _whole_text(pane, "PAK")


def test_a_year_change_repaints_only_the_header_lines_that_changed(
    qtbot: QtBot, pane: DetailPane
) -> None:
    """A year change paints again only the header's paragraphs that changed (and those
    they moved); what is on screen is then the header as a whole paint draws it."""
    regions: list[QRect] = []

    class PaintWatch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                regions.append(event.region().boundingRect())  # type: ignore[attr-defined]
            return False

    watch = PaintWatch()
    pane.header.installEventFilter(watch)
    state = pane._state
    state.select("SUN")
    # A row more or less (the note from 1992) or a longer government paints it all.
    partial = []
    for year in (1979, 1980, 1981, 1991, 1992, 1993, 2001, 2002, 1997, 1996):
        regions.clear()
        state.set_year(year)
        qtbot.waitUntil(lambda: bool(regions))
        qtbot.wait(20)
        if all(region.height() < pane.header.height() for region in regions):
            partial.append(year)
        screen = pane.screen().grabWindow(pane.winId()).toImage()
        shown = screen.copy(pane.header.geometry())
        drawn = pane.header.grab().toImage().convertToFormat(shown.format())
        assert shown == drawn, year
    assert {1980, 1981, 1993, 1996} <= set(partial)


def test_a_selection_lays_out_what_the_pane_shows_and_the_rest_after_the_paint(
    qtbot: QtBot, stepping_pane: tuple[DetailPane, AppState, str]
) -> None:
    """A selection lays out the body's paragraphs down to one that reaches below what the
    pane shows (so that the scroll bar stays), the others after the paint: under an
    explanation that fills the pane the timeline waits; a pane tall enough to show the
    whole body has all of it at once."""
    pane, state, code = stepping_pane
    # The first fact of the timeline by its quote (its summary may be in the "why" too).
    quote = pane._body_of(code).timeline.facts[0].citation.quote
    for height, whole in ((120, False), (1200, True)):
        pane.resize(440, height)
        pane.show()
        qtbot.waitExposed(pane)
        state.select("")
        state.select(code)
        assert pane.body_pending != whole
        assert (quote in pane.browser.toPlainText()) == whole
        document = pane.browser.document()
        laid_out = document.documentLayout().blockBoundingRect(document.lastBlock()).bottom()
        assert (laid_out > pane.browser.viewport().height()) != whole
        pane.flush()
        assert pane.browser.toPlainText() == _whole_text(pane, code)
        assert _paragraphs(pane.browser.document()) == _paragraphs(_whole_document(pane, code))


def test_a_timeline_the_pane_does_not_show_yet_is_read_after_the_paint(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, stepping_pane: tuple[DetailPane, AppState, str]
) -> None:
    """A new partner whose explanation fills the pane shows it without reading its
    timeline's facts; they are read once, for the first step after the paint."""
    pane, state, code = stepping_pane
    catalog = pane._catalog
    reads: list[str] = []
    read_window = catalog.facts_in
    monkeypatch.setattr(
        catalog, "facts_in", lambda place: reads.append(place.actor_code) or read_window(place)
    )
    pane.resize(440, 120)
    pane.show()
    qtbot.waitExposed(pane)
    state.select(code)
    assert pane.body_pending
    assert reads == []
    qtbot.waitUntil(lambda: not pane.body_pending, timeout=5000)
    assert reads == [code]
    assert pane.browser.toPlainText() == _whole_text(pane, code)
    assert _paragraphs(pane.browser.document()) == _paragraphs(_whole_document(pane, code))


def test_a_selection_lays_out_at_most_one_paragraph_below_what_the_pane_shows(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Before its first paint, a selection lays out the body's paragraphs down to one that
    reaches below what the pane shows, and at most one wholly below it, at any height:
    the "why" rows count by the lines they take (counted by their characters, about
    twice the rows shown were laid out)."""
    opened = open_database(default_path=tmp_path / "afgui.sqlite3")
    try:
        catalog, relations = services(opened.engine)
        state = make_state(relations, year=2010, side=ViewSide.GOVERNMENT)
        pane = DetailPane(state, catalog, relations)
        qtbot.addWidget(pane)
        # The partner with the most facts by 2010: a full explanation to lay out.
        code = max(relations.partners(), key=lambda partner: len(catalog.facts_of(partner)))
        summary = relations.explain_largest(code, 2010, ViewSide.GOVERNMENT, 12)
        rows = len(summary.explanation.contributions)
        assert rows >= 6
        for height in (200, 300, 400):
            pane.resize(440, height)
            pane.show()
            qtbot.waitExposed(pane)
            state.select("")
            state.select(code)
            assert pane.body_pending
            document = pane.browser.document()
            shown = pane.browser.viewport().height()
            layout = document.documentLayout()
            tops = []
            block = document.begin()
            while block.isValid():
                tops.append(layout.blockBoundingRect(block).top())
                block = block.next()
            bottom = layout.blockBoundingRect(document.lastBlock()).bottom()
            assert bottom > shown, height
            assert sum(top >= shown for top in tops) <= 1, (height, shown, tops)
    finally:
        opened.engine.dispose()
