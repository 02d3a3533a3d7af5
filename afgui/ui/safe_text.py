"""Showing untrusted text: documents that load nothing, links opened only on consent.

Fact text, names and titles come from curated files anyone can edit. Every piece is
escaped before it enters rich text; these classes are the second wall behind that:

* :class:`InertTextDocument` and :class:`SafeTextBrowser` never load a resource — no
  local file, no image, nothing from the network — whatever a document refers to;
* :class:`SafeTextBrowser` opens only ``http``/``https`` links, and only after showing
  the full address (ASCII, so a look-alike or right-to-left name cannot hide where it
  goes); ``file:``, ``smb:``, ``javascript:`` and every other scheme are refused;
* :func:`plain_tooltip` makes a tooltip show its text literally (Qt renders any tooltip
  that merely looks like HTML as rich text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6 import QtGui
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QTextDocument
from PySide6.QtWidgets import QMessageBox, QTextBrowser, QWidget

#: The only link schemes afgui ever hands to the desktop.
OPENABLE_SCHEMES = frozenset({"http", "https"})


def is_openable(url: QUrl) -> bool:
    """Whether ``url`` is a web address afgui may offer to open."""
    return url.isValid() and url.scheme().lower() in OPENABLE_SCHEMES and bool(url.host())


def full_address(url: QUrl) -> str:
    """The whole URL in ASCII: punycode host, percent-encoded path, query and fragment."""
    return bytes(url.toEncoded().data()).decode("ascii", "replace")


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip that shows it literally, wrapping long lines."""
    return QtGui.Qt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)


class InertTextDocument(QTextDocument):
    """A rich-text document that never loads a resource (images, style sheets, files)."""

    def loadResource(self, type: int, name: QUrl | str) -> Any:  # noqa: N802
        return None


class SafeTextBrowser(QTextBrowser):
    """A text browser that loads nothing and opens web links only after asking.

    ``open_url`` (the desktop's browser by default) is an attribute so that tests can see
    what would have been opened.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        self.anchorClicked.connect(self.follow_link)

    def loadResource(self, type: int, name: QUrl | str) -> Any:  # noqa: N802
        return None

    @contextmanager
    def scroll_bar_held(self) -> Iterator[None]:
        """Keep the vertical scroll bar shown while the text is replaced or added to.

        ``setHtml`` first empties the document, which hides the bar; the new text is then
        laid out at the full width, found too tall, the bar is shown and the text laid
        out again at the narrower width. Holding the bar lays a long text out once; a
        short one is laid out again at the full width when the bar goes (cheaply).
        """
        bars = self.verticalScrollBarPolicy()
        if bars != Qt.ScrollBarPolicy.ScrollBarAsNeeded:
            yield
            return
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        try:
            yield
        finally:
            self.setVerticalScrollBarPolicy(bars)

    def follow_link(self, url: QUrl) -> bool:
        """Open ``url`` if it is a web address and the user agrees; True if it was opened."""
        if not is_openable(url):
            refusal = _message_box(
                self,
                QMessageBox.Icon.Information,
                "Link not opened",
                "afgui opens only web links (http and https). This link was not opened:\n\n"
                f"{full_address(url)}",
                QMessageBox.StandardButton.Close,
            )
            refusal.exec()
            return False
        question = link_confirmation(self, url)
        if question.exec() != QMessageBox.StandardButton.Open:
            return False
        self.open_url(url)
        return True


def link_confirmation(parent: QWidget | None, url: QUrl) -> QMessageBox:
    """The question shown before a web link is opened, with the full address."""
    box = _message_box(
        parent,
        QMessageBox.Icon.Question,
        "Open link?",
        f"Open this address in your web browser?\n\n{full_address(url)}",
        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
    )
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box


def _message_box(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton,
) -> QMessageBox:
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box
