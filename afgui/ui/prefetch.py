"""Works out, while the window is idle, what views would otherwise work out when asked.

* **Every year** (:class:`YearPrefetch`): the map and the partner list each keep what a
  year shows once worked out (the map's colour table, the list's rows and cells): a drag
  over years seen before costs look-ups. The first drag over a year paid for working it
  out, in the middle of that drag; a year change shown for the first time took about
  1 ms more, and ~3 ms more at the 95th percentile, than one shown again.
* **Every partner** (:class:`PartnerPrefetch`): the detail pane explains a partner's
  strength from its counted facts as columns, which the relations service keeps once
  worked out (``RelationsService.prepare_explanation``). A popular partner's first
  selection paid for them: Russia's at 1M facts, ~3 ms of its explanation's ~5.

Each works its items out nearest what is shown first (the years nearest the shown
year; the partners most facts name), one per turn of the event loop (a millisecond or
two, ~4 ms for the most-named partner at 1M facts), so the window keeps answering
meanwhile; a side change starts it again for the new side. The app starts both after
the window's first paint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import QObject, QTimer, Slot

from afgui.services.measures import ViewSide
from afgui.ui.state import AppState

#: Works out what a view shows in a year for a side, and keeps it.
YearPreparer = Callable[[int, ViewSide], object]
#: Works out what explaining a partner at a side needs, and keeps it.
PartnerPreparer = Callable[[str, ViewSide], object]
#: One item's work, at a side.
_Step = Callable[[ViewSide], object]


def years_nearest_first(first: int, last: int, year: int) -> list[int]:
    """Every year ``first..last``, nearest ``year`` first (later before earlier)."""
    return sorted(range(first, last + 1), key=lambda other: (abs(other - year), other < year))


class _IdlePrefetch(QObject):
    """Runs the steps :meth:`_steps` gives at the state's side, one whenever idle."""

    def __init__(self, state: AppState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._queue: list[_Step] = []
        self._side = state.side
        self._prepared: ViewSide | None = None  # the side every step has run for
        # A zero-interval timer fires whenever the event loop has nothing else to do.
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._prepare_next)
        state.side_changed.connect(self._on_side)

    @property
    def done(self) -> bool:
        """Whether every step has run for the state's side."""
        return self._prepared is self._state.side

    def _steps(self) -> list[_Step]:
        raise NotImplementedError

    @Slot()
    def start(self) -> None:
        self._prepared = None
        self._side = self._state.side
        self._queue = self._steps()
        self._timer.start()

    def _on_side(self, *_: object) -> None:
        # Not before the first start: that is the app's to make.
        if self._queue or self._prepared is not None:
            self.start()

    def _prepare_next(self) -> None:
        if self._queue:
            self._queue.pop(0)(self._side)
        if not self._queue:
            self._timer.stop()
            self._prepared = self._side


class YearPrefetch(_IdlePrefetch):
    """Calls each preparer for every year of the state's range at its side, when idle."""

    def __init__(
        self,
        state: AppState,
        preparers: Sequence[YearPreparer],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(state, parent)
        self._preparers = tuple(preparers)

    def _steps(self) -> list[_Step]:
        state = self._state
        years = years_nearest_first(state.first_year, state.last_year, state.year)
        return [partial(self._prepare_year, year) for year in years]

    def _prepare_year(self, year: int, side: ViewSide) -> None:
        for prepare in self._preparers:
            prepare(year, side)


class PartnerPrefetch(_IdlePrefetch):
    """Calls ``prepare`` for every partner ``partners`` gives (in its order, when the
    prefetch starts) at the state's side, when idle."""

    def __init__(
        self,
        state: AppState,
        partners: Callable[[], Sequence[str]],
        prepare: PartnerPreparer,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(state, parent)
        self._partners = partners
        self._prepare = prepare

    def _steps(self) -> list[_Step]:
        return [partial(self._prepare, code) for code in self._partners()]
