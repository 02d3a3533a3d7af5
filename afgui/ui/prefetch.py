"""Prepares the views' per-year tables for every year while the window is idle.

The map and the partner list each keep what a year shows once worked out (the map's
colour table, the list's rows and cells): a drag over years seen before costs look-ups.
The first drag over a year paid for working it out, in the middle of that drag; a year
change shown for the first time took about 1 ms more, and ~3 ms more at the 95th
percentile, than one shown again. :class:`YearPrefetch` works every year out
beforehand, nearest the shown year first, one year per turn of the event loop (a
millisecond or two), so the window keeps answering meanwhile; a side change starts it
again for the new side. The app starts it after the window's first paint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer, Slot

from afgui.services.measures import ViewSide
from afgui.ui.state import AppState

#: Works out what a view shows in a year for a side, and keeps it.
YearPreparer = Callable[[int, ViewSide], object]


def years_nearest_first(first: int, last: int, year: int) -> list[int]:
    """Every year ``first..last``, nearest ``year`` first (later before earlier)."""
    return sorted(range(first, last + 1), key=lambda other: (abs(other - year), other < year))


class YearPrefetch(QObject):
    """Calls each preparer for every year of the state's range at its side, when idle."""

    def __init__(
        self,
        state: AppState,
        preparers: Sequence[YearPreparer],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._state = state
        self._preparers = tuple(preparers)
        self._years: list[int] = []
        self._side = state.side
        self._prepared: ViewSide | None = None  # the side every year is prepared for
        # A zero-interval timer fires whenever the event loop has nothing else to do.
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._prepare_next)
        state.side_changed.connect(self._on_side)

    @property
    def done(self) -> bool:
        """Whether every year has been prepared for the state's side."""
        return self._prepared is self._state.side

    @Slot()
    def start(self) -> None:
        state = self._state
        self._prepared = None
        self._side = state.side
        self._years = years_nearest_first(state.first_year, state.last_year, state.year)
        self._timer.start()

    def _on_side(self, *_: object) -> None:
        # Not before the first start: that is the app's to make.
        if self._years or self._prepared is not None:
            self.start()

    def _prepare_next(self) -> None:
        if self._years:
            year = self._years.pop(0)
            for prepare in self._preparers:
                prepare(year, self._side)
        if not self._years:
            self._timer.stop()
            self._prepared = self._side
