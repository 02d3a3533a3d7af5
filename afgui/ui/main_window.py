"""The main window: lays out the map, partner list, detail pane, charts and year controls.

It only places the views; each view gets the shared state and the services in its
constructor and keeps itself in step through the state's signals.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMargins, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from afgui.services.catalog import Catalog
from afgui.services.measures import RelationsService
from afgui.ui import theme
from afgui.ui.about import show_about
from afgui.ui.detail_pane import DetailPane
from afgui.ui.map_panel import MapPanel
from afgui.ui.partner_list import PartnerList
from afgui.ui.side_switch import SideSwitch
from afgui.ui.state import AppState
from afgui.ui.year_slider import TimeControls

if TYPE_CHECKING:
    from afgui.ui.charts import ChartsView

TITLE = "afgui — Afghanistan's foreign relations"


class Card(QFrame):
    """A panel in the surface colour (palette Base) with a hairline border (Mid).

    Painted here rather than by a style sheet: a style sheet on a container puts every
    widget inside it under Qt's style-sheet style, whose painting made a full repaint of
    the partner list about twice as slow. Theme changes repaint it with the new palette.
    """

    RADIUS = 6.0

    def __init__(self, widget: QWidget, parent: QWidget, margins: int | QMargins = 10) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        if isinstance(margins, int):
            margins = QMargins(margins, margins, margins, margins)
        layout.setContentsMargins(margins)
        layout.addWidget(widget)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1.0))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(
            QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), self.RADIUS, self.RADIUS
        )


class MainWindow(QMainWindow):
    #: Emitted once, when the window has been painted for the first time: work the first
    #: paint does not need (the charts, the database engine) starts then.
    first_painted = Signal()

    def __init__(
        self,
        state: AppState,
        catalog: Catalog,
        relations: RelationsService,
        country_names: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle(TITLE)
        self.state = state

        root = QWidget(self)
        self.setCentralWidget(root)

        self.side_switch = SideSwitch(state, root)
        self.map_panel = MapPanel(state, catalog, relations, country_names, root)
        self.partner_list = PartnerList(state, catalog, relations, root)
        self.detail = DetailPane(state, catalog, relations, root)
        # The charts (pyqtgraph: about 250 ms of import, construction and first paint)
        # are built right after the first paint; until then their card shows what an
        # empty chart says, or that they are coming. See ``charts``.
        self._catalog = catalog
        self._relations = relations
        self._charts: ChartsView | None = None
        self._painted = False
        self._charts_slot = QWidget(root)
        slot_layout = QVBoxLayout(self._charts_slot)
        slot_layout.setContentsMargins(0, 0, 0, 0)
        self._charts_placeholder = QLabel(
            "Drawing the charts…" if state.selection else "Select a partner to see it over time",
            root,
        )
        self._charts_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._muted: list[QLabel] = [self._charts_placeholder]
        slot_layout.addWidget(self._charts_placeholder)
        self.time_controls = TimeControls(state, catalog.governments, root)

        title = QLabel("afgui", root)
        title.setFont(theme.heading_font(self.font(), 1.45))
        subtitle = QLabel("Afghanistan's foreign relations through time", root)
        self._muted.append(subtitle)
        self._colour_labels()
        about = QPushButton("About", root)
        about.clicked.connect(lambda: show_about(self))
        top = QHBoxLayout()
        top.setContentsMargins(12, 8, 12, 0)
        top.setSpacing(12)
        top.addWidget(title)
        top.addWidget(subtitle)
        top.addStretch(1)
        top.addWidget(self.side_switch)
        top.addSpacing(8)
        top.addWidget(about)

        # Map and charts share the wide centre; the partner list and the detail pane
        # share the right-hand column, so each gets the width its text needs.
        centre = QSplitter(Qt.Orientation.Vertical, root)
        centre.setChildrenCollapsible(False)
        centre.addWidget(Card(self.map_panel, centre))
        centre.addWidget(Card(self._charts_slot, centre))
        side = QSplitter(Qt.Orientation.Vertical, root)
        side.setChildrenCollapsible(False)
        side.addWidget(Card(self.partner_list, side))
        # Below the rounded corners at the top, the detail pane's header fills its own
        # background (theme.fill_as_card): its text where it was, 1 + 12 px down.
        side.addWidget(Card(self.detail, side, margins=QMargins(1, 7, 1, 1)))
        self.splitter = QSplitter(Qt.Orientation.Horizontal, root)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.centre_splitter = centre
        self.side_splitter = side

        layout = QVBoxLayout(root)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(top)
        body = QHBoxLayout()
        body.setContentsMargins(10, 0, 10, 0)
        body.addWidget(self.splitter)
        layout.addLayout(body, 1)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(10, 0, 10, 8)
        bottom.addWidget(Card(self.time_controls, root, margins=2))
        layout.addLayout(bottom)

        # The keyboard follows the reading order: the top bar, the map, the list and the
        # detail pane, then the year controls (the side buttons take the arrow keys).
        controls = self.time_controls
        chain: list[QWidget] = [
            *self.side_switch.buttons.values(),
            about,
            self.map_panel.reset_button,
            self.map_panel.map,
            self.partner_list.search,
            self.partner_list.view,
            self.detail.browser,
            controls.play_button,
            controls.speed_box,
            controls.slider,
            controls.year_box,
        ]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

        # Splitters are balanced to the window until the user moves one or saved sizes
        # are restored; from then on they keep what the user chose.
        self._balanced = True
        for splitter in self.splitters().values():
            splitter.splitterMoved.connect(self._on_splitter_moved)
        # Find, play and quit are menu actions (afgui.ui.menus), with their shortcuts.

    def splitters(self) -> dict[str, QSplitter]:
        """The window's splitters by name (for saving and restoring their sizes)."""
        return {
            "main": self.splitter,
            "centre": self.centre_splitter,
            "side": self.side_splitter,
        }

    def restore_splitter_sizes(self, sizes: Mapping[str, Sequence[int]]) -> None:
        """Give the named splitters these sizes (ignoring unknown names, wrong lengths)."""
        restored = False
        for name, splitter in self.splitters().items():
            wanted = list(sizes.get(name, ()))
            if len(wanted) == splitter.count() and all(size > 0 for size in wanted):
                splitter.setSizes(wanted)
                restored = True
        if restored:
            self._balanced = False

    def _on_splitter_moved(self, *_: object) -> None:
        self._balanced = False

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._colour_labels()

    def _colour_labels(self) -> None:
        for label in self._muted:
            label.setStyleSheet(f"color: {theme.MUTED_INK.name()};")

    @property
    def charts(self) -> ChartsView:
        """The charts view, built now if the idle build after the first paint has not run."""
        if self._charts is None:
            self._build_charts()
        assert self._charts is not None
        return self._charts

    def _build_charts(self) -> None:
        if self._charts is not None:
            return
        from afgui.ui.charts import ChartsView

        # The splitters keep the sizes they had: swapping the placeholder for the charts
        # in a shown window would otherwise let them hand the charts' height to the map.
        sizes = {name: splitter.sizes() for name, splitter in self.splitters().items()}
        self._charts = ChartsView(self.state, self._catalog, self._relations, self._charts_slot)
        self._charts_placeholder.hide()
        layout = self._charts_slot.layout()
        assert layout is not None
        layout.addWidget(self._charts)
        for name, splitter in self.splitters().items():
            if all(size > 0 for size in sizes[name]):
                splitter.setSizes(sizes[name])

    @property
    def charts_built(self) -> bool:
        """Whether the charts exist yet (they are built right after the first paint)."""
        return self._charts is not None

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        # A splitter first shown lays its panes out by their size hints, undoing the
        # balance of the resize before it (the charts' placeholder hints at one line).
        self._balance()
        if not self._painted:
            # The charts' card is painted with the rest of the window; what follows the
            # first paint starts then, from a zero timer: one started here would be a
            # posted call that Qt may deliver before the window's first paint.
            self._charts_slot.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._charts_slot and event.type() == QEvent.Type.Paint:
            self._charts_slot.removeEventFilter(self)
            if not self._painted:
                self._painted = True
                QTimer.singleShot(0, self._after_first_paint)
        return super().eventFilter(watched, event)

    def _after_first_paint(self) -> None:
        self._build_charts()
        self.first_painted.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._balance()

    def _balance(self) -> None:
        """The right column scales with the window but leaves the map most of the width."""
        width = self.splitter.width()
        if width <= 0 or not self._balanced:
            return
        column = max(440, min(int(width * 0.35), 640))
        self.splitter.setSizes([width - column, column])
        height = self.centre_splitter.height()
        self.centre_splitter.setSizes([round(height * 0.58), height - round(height * 0.58)])
        height = self.side_splitter.height()
        self.side_splitter.setSizes([round(height * 0.42), height - round(height * 0.42)])
