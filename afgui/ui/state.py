"""The one shared state of the main window: the year, the Afghan side and the selected partner.

A second partner may be chosen to compare with the selected one (``compare``). Every view
reads these values and follows their signals; no view talks to another.
A setter that is given the current value emits nothing, so views that echo a change back
(the slider, the list, the chart cursor) cannot start a loop.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from afgui.services.measures import ViewSide


class AppState(QObject):
    """The year shown, the Afghan side viewed and the selected partner (``""``: none)."""

    year_changed = Signal(int)
    side_changed = Signal(str)
    selection_changed = Signal(str)
    #: The partner compared with the selection ("" for none).
    compare_changed = Signal(str)

    def __init__(
        self,
        first_year: int,
        last_year: int,
        *,
        year: int | None = None,
        side: ViewSide = ViewSide.GOVERNMENT,
        selection: str = "",
        compare: str = "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if first_year > last_year:
            raise ValueError(f"empty year range {first_year}..{last_year}")
        self._first_year = first_year
        self._last_year = last_year
        self._year = self._clamp(last_year if year is None else year)
        self._side = ViewSide(side)
        self._selection = selection
        self._compare = "" if compare == selection else compare

    @property
    def first_year(self) -> int:
        return self._first_year

    @property
    def last_year(self) -> int:
        return self._last_year

    @property
    def year(self) -> int:
        return self._year

    @property
    def side(self) -> ViewSide:
        return self._side

    @property
    def selection(self) -> str:
        return self._selection

    @property
    def compare(self) -> str:
        return self._compare

    def _clamp(self, year: int) -> int:
        return min(max(int(year), self._first_year), self._last_year)

    def set_year(self, year: int) -> None:
        """Show ``year``, clamped to the covered range."""
        year = self._clamp(year)
        if year != self._year:
            self._year = year
            self.year_changed.emit(year)

    def set_side(self, side: str) -> None:
        """View ``side`` (a :class:`ViewSide` or its value); anything else raises ValueError."""
        value = ViewSide(side)
        if value is not self._side:
            self._side = value
            self.side_changed.emit(value.value)

    def select(self, code: str) -> None:
        """Select the partner ``code`` everywhere; ``""`` clears the selection.

        Selecting the partner being compared ends the comparison (a partner is not
        compared with itself).
        """
        if code != self._selection:
            self._selection = code
            if code and code == self._compare:
                self._compare = ""
                self.compare_changed.emit("")
            self.selection_changed.emit(code)

    def set_compare(self, code: str) -> None:
        """Compare ``code`` with the selection; ``""`` (or the selection itself) ends it."""
        if code == self._selection:
            code = ""
        if code != self._compare:
            self._compare = code
            self.compare_changed.emit(code)
