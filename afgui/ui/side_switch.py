"""The side switch: view the Kabul government's relations, the Taliban's, or both pooled."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QFocusEvent
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


def _text_on(background: QColor) -> str:
    """White or near-black, whichever reads better on ``background`` (WCAG luminance)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    luminance = (
        0.2126 * linear(background.redF())
        + 0.7152 * linear(background.greenF())
        + 0.0722 * linear(background.blueF())
    )
    # Contrast with white (1.05 / (L + 0.05)) against contrast with black ((L + 0.05) / 0.05).
    return "#ffffff" if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 else "#101418"


_KEYBOARD_FOCUS = (
    Qt.FocusReason.TabFocusReason,
    Qt.FocusReason.BacktabFocusReason,
    Qt.FocusReason.ShortcutFocusReason,
)


class _SideButton(QPushButton):
    """A side button that shows a focus ring only when the keyboard brought the focus
    (a style sheet's ``:focus`` would also ring it after a click or at start-up)."""

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        # Tab, Backtab and the arrow keys within the group (which move it as Tab does).
        self._set_ring(event.reason() in _KEYBOARD_FOCUS)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        self._set_ring(False)
        super().focusOutEvent(event)

    def _set_ring(self, ring: bool) -> None:
        if bool(self.property("keyboardFocus")) != ring:
            self.setProperty("keyboardFocus", ring)
            self.style().unpolish(self)
            self.style().polish(self)


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
        self._label = label
        layout.addWidget(label)
        for number, (side, text, tip) in enumerate(CHOICES):
            button = _SideButton(text, self)
            button.setCheckable(True)
            button.setToolTip(tip)
            button.setAccessibleName(f"View {text}")
            self.group.addButton(button, number)
            self.buttons[side] = button
            layout.addWidget(button)
        self._colours = theme.current()
        self._apply_colours()
        self.buttons[state.side].setChecked(True)
        self.group.idClicked.connect(self._on_clicked)
        state.side_changed.connect(self._on_side_changed)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._colours is not theme.current():
            self._colours = theme.current()
            self._apply_colours()

    def _apply_colours(self) -> None:
        self._label.setStyleSheet(f"color: {theme.MUTED_INK.name()}; padding-right: 8px;")
        for number, (side, _, _) in enumerate(CHOICES):
            colour = theme.SIDE_COLOURS[side.value].name()
            text = _text_on(theme.SIDE_COLOURS[side.value])
            left = "4px" if number == 0 else "0"
            right = "4px" if number == len(CHOICES) - 1 else "0"
            # A checked button takes its side's colour; the keyboard focus gets a ring in
            # the accent colour, since a flat style sheet hides Fusion's focus frame.
            self.buttons[side].setStyleSheet(
                "QPushButton { padding: 4px 12px; "
                f"border: 1px solid {theme.CONTROL_BORDER.name()}; "
                f"border-top-left-radius: {left}; border-bottom-left-radius: {left}; "
                f"border-top-right-radius: {right}; border-bottom-right-radius: {right}; "
                f"background: {theme.CONTROL.name()}; color: {theme.INK.name()}; }}"
                f"QPushButton:checked {{ background: {colour}; color: {text}; "
                f"border-color: {colour}; }}"
                f"QPushButton:hover:!checked {{ background: {theme.CONTROL_HOVER.name()}; }}"
                f'QPushButton[keyboardFocus="true"] {{ border: 2px solid {theme.ACCENT.name()}; }}'
            )

    def _on_clicked(self, number: int) -> None:
        self._state.set_side(CHOICES[number][0])

    def _on_side_changed(self, side: str) -> None:
        button = self.buttons[ViewSide(side)]
        if not button.isChecked():
            button.setChecked(True)
