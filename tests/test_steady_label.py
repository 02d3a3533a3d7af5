"""SteadyLabel: a label whose text changes without laying its window out again, unless
its size changes; the map's title is one, so a year change lays nothing out."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QHBoxLayout, QPushButton, QWidget
from sqlalchemy import Engine

from afgui.services.measures import ViewSide
from afgui.ui.steady_label import SteadyLabel
from tests.window_support import make_window

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


class LayoutRequests(QObject):
    """Counts the layout requests delivered to the watched widgets."""

    def __init__(self, *watched: QWidget) -> None:
        super().__init__()
        self.count = 0
        for widget in watched:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def _row(qtbot) -> tuple[QWidget, SteadyLabel, QPushButton]:
    """A label in a row with a taller button, laid out and shown; keep the parent."""
    parent = QWidget()
    qtbot.addWidget(parent)
    button = QPushButton("Reset view", parent)
    label = SteadyLabel(parent, row=button)
    label.setText("Relations in 1979 · Kabul government")
    layout = QHBoxLayout(parent)
    layout.addWidget(label)
    layout.addStretch(1)
    layout.addWidget(button)
    parent.show()
    qtbot.waitExposed(parent)
    QApplication.sendPostedEvents()
    return parent, label, button


def test_same_size_text_lays_nothing_out(qtbot) -> None:
    parent, label, _ = _row(qtbot)
    requests = LayoutRequests(parent)
    # The same glyphs in another order: the same width in any font.
    label.setText("Relations in 1997 · Kabul government")
    QApplication.sendPostedEvents()
    assert label.text() == "Relations in 1997 · Kabul government"
    assert requests.count == 0


def test_a_longer_text_resizes_the_label(qtbot) -> None:
    parent, label, _ = _row(qtbot)
    before = label.width()
    requests = LayoutRequests(parent)
    label.setText("Relations in 1980 · Kabul government and the Taliban")
    QApplication.sendPostedEvents()
    assert requests.count >= 1
    assert label.width() > before
    assert label.width() == label.sizeHint().width()


def test_it_is_as_tall_as_its_row(qtbot) -> None:
    _parent, label, button = _row(qtbot)
    assert label.height() == max(label.sizeHint().height(), button.sizeHint().height())


def test_a_new_font_refits_it(qtbot) -> None:
    _parent, label, _ = _row(qtbot)
    before = label.width()
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    label.setFont(font)
    assert label.width() > before
    assert label.width() == label.sizeHint().width()


def test_a_year_change_lays_the_map_panel_out_no_more(qtbot, fixture_engine: Engine) -> None:
    window = make_window(qtbot, fixture_engine, year=1985, side=ViewSide.GOVERNMENT)
    QApplication.sendPostedEvents()
    # The title's layout is the map panel's: a plain QLabel asked it at every year.
    requests = LayoutRequests(window.map_panel)
    for year in (1986, 1987, 2001):
        window.state.set_year(year)
        QApplication.sendPostedEvents()
    assert window.map_panel.title.text() == "Relations in 2001 · Kabul government"
    assert requests.count == 0
