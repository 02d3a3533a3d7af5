"""Fact text is untrusted: shown as text, loading nothing, opening links only on consent.

A database whose summaries, quotes, date notes, source titles, actor and government
names carry payloads — an image from a local web server (which must receive no request),
a ``file:`` link, 100 kB of text, right-to-left and combining characters, emoji — is
shown in the real window; every payload must appear literally as text. The link policy
of the detail pane's browser is tested on links of our own.
"""

from __future__ import annotations

import dataclasses
import http.server
import math
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QHelpEvent, QTextCharFormat, QTextDocument, QTextFormat
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QToolTip
from sqlalchemy import Engine

from afgui.curation.build import build_database
from afgui.curation.loader import Corpus
from afgui.data.engine import make_engine, sqlite_url
from afgui.domain.model import Citation
from afgui.services.catalog import Catalog
from afgui.services.measures import ViewSide
from afgui.ui.citing import CitationDialog
from afgui.ui.main_window import MainWindow
from afgui.ui.partner_list import PartnerTableModel
from afgui.ui.safe_text import (
    SafeTextBrowser,
    full_address,
    is_openable,
    link_confirmation,
)
from tests.window_support import make_window

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

RTL = "\u202eevil.exe\u202c \u0627\u0641\u063a\u0627\u0646\u0633\u062a\u0627\u0646 \u05e9\u05dc"
COMBINING = "Z\u0351\u0363\u0334a\u0306\u0301\u0327l\u0300\u0316g\u030a\u0324o" + "e\u0301" * 50
# A flag, a family joined by zero-width joiners, a skin tone.
EMOJI = "\U0001f1e6\U0001f1eb \U0001f469\u200d\U0001f469\u200d\U0001f467 \U0001f91d\U0001f3fd"
BIG = ("A hundred kilobytes of one summary. " * 3000)[:100_000]


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A local web server that counts the requests it receives."""
    requests: list[str] = []
    handler = type("Handler", (_CountingHandler,), {"requests": requests})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _payloads(base: str) -> dict[str, str]:
    return {
        "img": f'<img src="{base}/img.png">',
        "css": f"<link rel=stylesheet href='{base}/x.css'><style>@import '{base}/y.css';</style>",
        "bg": f"<table background='{base}/bg.png'><tr><td>cell</td></tr></table>",
        "file": '<a href="file:///etc/passwd">passwd</a> <img src="file:///etc/passwd">',
        "script": "<script>alert(1)</script><a href='javascript:alert(2)'>js</a>",
        "rtl": RTL,
        "combining": COMBINING,
        "emoji": EMOJI,
    }


@pytest.fixture
def hostile_engine(
    tmp_path: Path, fixture_corpus: Corpus, server: tuple[str, list[str]]
) -> Iterator[Engine]:
    base, _ = server
    payloads = _payloads(base)
    every = " ".join(payloads.values())
    facts = []
    for number, fact in enumerate(fixture_corpus.facts):
        facts.append(
            dataclasses.replace(
                fact,
                summary=BIG if fact.id == "pak-1997-recognises-taliban" else f"{number} {every}",
                citation=Citation(fact.citation.source_id, f"quote {payloads['img']} {every}"),
                date=dataclasses.replace(fact.date, note=f"note {payloads['file']}"),
                note=every,
            )
        )
    actors = tuple(
        dataclasses.replace(actor, name=f"{payloads['img']} {actor.code} {RTL} {EMOJI}")
        for actor in fixture_corpus.actors
    )
    sources = tuple(
        dataclasses.replace(source, title=f"{payloads['file']} {payloads['img']} {COMBINING}")
        for source in fixture_corpus.sources
    )
    governments = tuple(
        dataclasses.replace(government, name=f"{payloads['img']} {government.name} {RTL}")
        for government in fixture_corpus.governments
    )
    corpus = dataclasses.replace(
        fixture_corpus, facts=tuple(facts), actors=actors, sources=sources, governments=governments
    )
    engine = make_engine(sqlite_url(tmp_path / "hostile.sqlite3"))
    build_database(engine, corpus)
    yield engine
    engine.dispose()


def _as_qt_shows(text: str) -> str:
    """What a label or tooltip displays for ``text``: Qt guesses rich text from its start."""
    document = QTextDocument()
    if QtGui.Qt.mightBeRichText(text):
        document.setHtml(text)
    else:
        document.setPlainText(text)
    return document.toPlainText()


def _formats(document: QTextDocument) -> Iterator[QTextCharFormat]:
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            yield iterator.fragment().charFormat()
            iterator += 1
        block = block.next()


def _assert_inert(document: QTextDocument) -> None:
    for char_format in _formats(document):
        assert not char_format.isImageFormat()
        assert not char_format.isAnchor()
        assert not char_format.hasProperty(QTextFormat.Property.BackgroundImageUrl)


def _show_everything(qtbot, window: MainWindow, code: str) -> None:  # type: ignore[no-untyped-def]
    window.state.select(code)
    window.detail.flush()
    window.partner_list.flush()
    for year in (1979, 1997, 2002):
        window.state.set_year(year)
        window.detail.flush()
        window.grab()  # lays out and paints every widget, images included if any
    QApplication.processEvents()


def test_hostile_text_is_shown_as_text_and_loads_nothing(
    qtbot, hostile_engine: Engine, server: tuple[str, list[str]]
) -> None:
    base, requests = server
    payloads = _payloads(base)
    window = make_window(qtbot, hostile_engine, year=1997, side=ViewSide.BOTH)
    for code in ("PAK", "JPN", "SUN"):
        _show_everything(qtbot, window, code)
        detail = window.detail
        _assert_inert(detail.browser.document())
        text = detail.plain_text()
        for name, payload in payloads.items():
            assert payload in text, name
        assert f"{payloads['img']} {code} {RTL} {EMOJI}" in text  # the actor's name
    window.state.select("PAK")
    window.detail.flush()
    assert BIG in window.detail.plain_text()
    window.state.set_compare("JPN")  # both partners side by side, the second one's facts below
    window.detail.flush()
    _assert_inert(window.detail.browser.document())
    compared = window.detail.plain_text()
    assert f"{payloads['img']} JPN {RTL} {EMOJI}" in compared
    assert all(payload in compared for payload in payloads.values())
    # The browser and the header refuse every resource, wherever it points.
    for url in (f"{base}/img.png", "file:///etc/passwd", "/etc/passwd", "qrc:/x.png"):
        for kind in QTextDocument.ResourceType:
            assert window.detail.browser.loadResource(int(kind.value), QUrl(url)) is None
            header_document = window.detail.header._document
            assert header_document.loadResource(int(kind.value), QUrl(url)) is None
    assert requests == []


def test_names_in_lists_and_tooltips_are_literal(
    qtbot, hostile_engine: Engine, server: tuple[str, list[str]]
) -> None:
    base, requests = server
    image = _payloads(base)["img"]
    window = make_window(qtbot, hostile_engine, year=1997, side=ViewSide.BOTH)
    window.partner_list.flush()
    model = window.partner_list.model
    assert model.rowCount() > 0
    for row in range(model.rowCount()):
        name = model.index(row, PartnerTableModel.NAME).data(Qt.ItemDataRole.DisplayRole)
        tooltip = model.index(row, PartnerTableModel.NAME).data(Qt.ItemDataRole.ToolTipRole)
        assert name.startswith(image)
        assert _as_qt_shows(tooltip).startswith(f"{image} ")
    for start, end, government in window.charts._periods:
        assert image in government.name
        year = max(math.ceil(start), window.state.first_year)
        if year >= end or year > window.state.last_year:
            continue
        shown = _as_qt_shows(window.charts.tooltip_text(year, aid=False))
        assert government.name in shown.replace("\u2028", "\n")
    slider = window.time_controls.slider
    shown_names = set()
    for year in range(slider.minimum(), slider.maximum() + 1):
        position = QPoint(round(slider.x_of(year + 0.5)), round(slider.track_rect().center().y()))
        period = slider.period_at(position.x())
        if period is None:
            continue
        help_event = QHelpEvent(QEvent.Type.ToolTip, position, slider.mapToGlobal(position))
        QApplication.sendEvent(slider, help_event)
        shown = _as_qt_shows(QToolTip.text()).replace("\u2028", "\n")
        assert shown.startswith(f"{period.government.name}\n")
        shown_names.add(period.government.name)
    assert len(shown_names) >= 3 and all(name.startswith(image) for name in shown_names)
    assert window.map_panel.title.textFormat() == Qt.TextFormat.PlainText
    assert requests == []


def test_the_citation_dialog_shows_facts_and_quotes_literally(
    qtbot, hostile_engine: Engine, server: tuple[str, list[str]]
) -> None:
    base, requests = server
    image = _payloads(base)["img"]
    catalog = Catalog(hostile_engine)
    facts = catalog.facts_of("JPN")
    names = {actor.code: actor.name for actor in catalog.actors}
    dialog = CitationDialog(names["JPN"], facts, catalog.sources_by_id, names, 2002)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.facts.count() == len(facts) > 0
    for row in range(dialog.facts.count()):
        item = dialog.facts.item(row)
        assert image in item.text()
        assert _as_qt_shows(item.toolTip()).replace("\u2028", "\n").startswith(f"quote {image}")
    assert image in dialog.preview.toPlainText()  # the citation, as plain text
    assert requests == []


# --- the link policy ----------------------------------------------------------------------


@pytest.fixture
def browser(qtbot) -> SafeTextBrowser:  # type: ignore[no-untyped-def]
    widget = SafeTextBrowser()
    qtbot.addWidget(widget)
    widget.resize(600, 300)
    opened: list[QUrl] = []
    widget.open_url = opened.append
    widget.opened = opened  # type: ignore[attr-defined]
    widget.setHtml(
        "<p><a href='file:///etc/passwd'>FILE</a></p>"
        "<p><a href='smb://server/share/x'>SMB</a></p>"
        "<p><a href='javascript:alert(1)'>SCRIPT</a></p>"
        "<p><a href='data:text/html,hi'>DATA</a></p>"
        "<p><a href='relative/page.html'>RELATIVE</a></p>"
        "<p><a href='https://xn--80ak6aa92e.com/p?q=1#f'>IDN</a></p>"
        "<p><a href='https://example.org/a%20b?q=\u202e'>WEB</a></p>"
    )
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _click_anchor(qtbot, browser: SafeTextBrowser, label: str) -> None:  # type: ignore[no-untyped-def]
    cursor = browser.document().find(label)
    assert not cursor.isNull()
    cursor.setPosition(cursor.selectionStart() + 1)
    point = browser.cursorRect(cursor).center()
    QTest.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(point))


def _answer_next_box(button: QMessageBox.StandardButton, seen: list[str]) -> None:
    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        assert box.textFormat() == Qt.TextFormat.PlainText
        seen.append(box.text())
        box.button(button).click() if box.button(button) else box.reject()

    QTimer.singleShot(0, answer)


@pytest.mark.parametrize("label", ["FILE", "SMB", "SCRIPT", "DATA", "RELATIVE"])
def test_other_schemes_are_refused(qtbot, browser: SafeTextBrowser, label: str) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    _answer_next_box(QMessageBox.StandardButton.Close, seen)
    with qtbot.waitSignal(browser.anchorClicked):
        _click_anchor(qtbot, browser, label)
    [message] = seen
    assert message.startswith("afgui opens only web links (http and https).")
    assert browser.opened == []  # type: ignore[attr-defined]
    assert browser.source().isEmpty()  # the browser did not navigate either


def test_web_links_open_only_after_the_full_address_is_shown(
    qtbot, browser: SafeTextBrowser
) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    _answer_next_box(QMessageBox.StandardButton.Cancel, seen)
    _click_anchor(qtbot, browser, "WEB")
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert seen[0].endswith("https://example.org/a%20b?q=%E2%80%AE")  # the RTL mark encoded
    assert browser.opened == []  # type: ignore[attr-defined]
    _answer_next_box(QMessageBox.StandardButton.Open, seen)
    _click_anchor(qtbot, browser, "IDN")
    qtbot.waitUntil(lambda: len(browser.opened) == 1)  # type: ignore[attr-defined]
    assert seen[1].endswith("https://xn--80ak6aa92e.com/p?q=1#f")
    assert full_address(browser.opened[0]) == "https://xn--80ak6aa92e.com/p?q=1#f"  # type: ignore[attr-defined]


def test_what_may_be_opened() -> None:
    assert is_openable(QUrl("https://example.org/x"))
    assert is_openable(QUrl("HTTP://example.org"))
    for text in (
        "file:///etc/passwd",
        "smb://host/share",
        "javascript:alert(1)",
        "https:///x",
        "ftp://example.org/",
        "about:blank",
        "",
        "example.org",
    ):
        assert not is_openable(QUrl(text)), text
    assert full_address(QUrl("https://аррӏе.com/é")) == "https://xn--80ak6aa92e.com/%C3%A9"
    box = link_confirmation(None, QUrl("https://example.org/<b>x</b>"))
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.deleteLater()
