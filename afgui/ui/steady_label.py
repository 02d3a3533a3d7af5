"""A one-line label whose text changes often and whose size seldom does.

``QLabel.setText`` always tells its layout that its size may have changed, and each
layout up to the window's then lays itself out again and tells its own parent: the map's
title, rewritten at every year change ("Relations in 1979 · Kabul government"), made
the whole window's layout run at every step of a drag (six layout requests, ~0.5 ms on
the curated data). A label whose minimum and maximum sizes are equal does not tell its
layout, so :class:`SteadyLabel` keeps itself at its size hint and tells the layout only
when the hint changes (a longer side name, another font).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QWidget


class SteadyLabel(QLabel):
    """A ``QLabel`` fixed at its size hint, which follows its text, font and style.

    In a row with a taller widget (``row``: a button, say) the label is as tall as that
    widget's size hint, the height the row's layout gave the label before it was fixed,
    so its text sits where a stretched label centres it.
    """

    def __init__(self, parent: QWidget | None = None, row: QWidget | None = None) -> None:
        super().__init__(parent)
        self._row = row

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        if text == self.text():
            return
        super().setText(text)  # fixed: its layout is not told
        self._fit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()

    def _fit(self) -> None:
        hint = self.sizeHint()
        if self._row is not None:
            hint.setHeight(max(hint.height(), self._row.sizeHint().height()))
        if self.minimumSize() != hint or self.maximumSize() != hint:
            self.setFixedSize(hint)  # the layout is told, as the size changes
