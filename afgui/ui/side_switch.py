"""The side switch: view the Kabul government's relations, the Taliban's, or both pooled."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QWidget

from afgui.services.measures import ViewSide
from afgui.ui import theme
from afgui.ui.state import AppState

CHOICES: tuple[tuple[ViewSide, str, str], ...] = (
    (
        ViewSide.GOVERNMENT,
        "Kabul government",
        "Relations of Afghanistan's non-Taliban governments",
    ),
    (ViewSide.TALIBAN, "Taliban", "Relations of the Taliban, as insurgency or government"),
    (ViewSide.BOTH, "Both", "Facts of every Afghan side pooled, each fact once"),
)


class SideSwitch(QWidget):
    """Three exclusive buttons bound to the state's side."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[ViewSide, QPushButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        label = QLabel("Afghan side", self)
        label.setStyleSheet(f"color: {theme.MUTED_INK.name()}; padding-right: 8px;")
        layout.addWidget(label)
        for number, (side, text, tip) in enumerate(CHOICES):
            button = QPushButton(text, self)
            button.setCheckable(True)
            button.setToolTip(tip)
            button.setAccessibleName(f"View {text}")
            colour = theme.SIDE_COLOURS[side.value].name()
            left = "4px" if number == 0 else "0"
            right = "4px" if number == len(CHOICES) - 1 else "0"
            button.setStyleSheet(
                "QPushButton { padding: 4px 12px; border: 1px solid #c3cad3; "
                f"border-top-left-radius: {left}; border-bottom-left-radius: {left}; "
                f"border-top-right-radius: {right}; border-bottom-right-radius: {right}; "
                "background: #ffffff; }"
                f"QPushButton:checked {{ background: {colour}; color: white; "
                f"border-color: {colour}; }}"
                "QPushButton:hover:!checked { background: #eef2f6; }"
            )
            self.group.addButton(button, number)
            self.buttons[side] = button
            layout.addWidget(button)
        self.buttons[state.side].setChecked(True)
        self.group.idClicked.connect(self._on_clicked)
        state.side_changed.connect(self._on_side_changed)

    def _on_clicked(self, number: int) -> None:
        self._state.set_side(CHOICES[number][0])

    def _on_side_changed(self, side: str) -> None:
        button = self.buttons[ViewSide(side)]
        if not button.isChecked():
            button.setChecked(True)
