"""The year slider with the Afghan government periods drawn along it, and its controls.

:class:`YearSlider` is a ``QSlider`` (so arrow keys, PageUp/PageDown by a decade,
Home/End and accessibility come from Qt) that paints its own track: one band per
government period, labelled when the label fits, decade ticks below, and the handle.
A press anywhere on the track jumps there and a drag follows the pointer.
:class:`TimeControls` adds play/pause with a speed and a box to type a year, and keeps
all of it in step with :class:`~afgui.ui.state.AppState`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QHelpEvent,
    QIcon,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractSlider,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QToolButton,
    QToolTip,
    QWidget,
)

from afgui.domain.model import Government
from afgui.ui import theme
from afgui.ui.safe_text import plain_tooltip
from afgui.ui.state import AppState

#: Years per second when playing, as offered in the speed box.
SPEEDS: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0)
DEFAULT_SPEED = 4.0
#: Years between labelled ticks; the slider takes the smallest whose labels do not touch.
TICK_STEPS: tuple[int, ...] = (10, 20, 25, 50, 100)


def fractional_year(day: dt.date) -> float:
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def label_candidates(name: str) -> list[str]:
    """Ever shorter labels for a government's name, longest first.

    "Islamic Emirate of Afghanistan (Taliban)" gives itself, "Islamic Emirate (Taliban)",
    "Islamic Emirate", "Taliban" and "IEA"; the slider draws the longest that fits.
    """
    candidates = [name]
    without_country = re.sub(r"\s+of Afghanistan\b", "", name).strip()
    candidates.append(without_country)
    core = re.sub(r"\s*\(.*?\)\s*", " ", without_country).strip()
    candidates.append(core)
    aside = re.search(r"\(([^)]*)\)", name)
    if aside:
        candidates.append(aside.group(1).strip())
    initials = "".join(word[0] for word in re.findall(r"[A-Z][\w-]*", re.sub(r"\(.*?\)", "", name)))
    if len(initials) >= 2:
        candidates.append(initials)
    unique: list[str] = []
    for candidate in candidates:
        if candidate and candidate not in unique:
            unique.append(candidate)
    return sorted(unique, key=len, reverse=True)


def fitting_label(name: str, width: float, metrics: QFontMetrics) -> str:
    for candidate in label_candidates(name):
        if metrics.horizontalAdvance(candidate) <= width:
            return candidate
    return ""


@dataclass(frozen=True, slots=True)
class Period:
    """A government period on the slider, in fractional years."""

    government: Government
    start: float
    end: float
    tint: QColor


def periods_of(governments: Sequence[Government], last_year: int) -> tuple[Period, ...]:
    periods: list[Period] = []
    counts: dict[str, int] = {}
    for government in governments:
        index = counts.get(government.side.value, 0)
        counts[government.side.value] = index + 1
        tints = theme.PERIOD_TINTS.get(
            government.side, theme.PERIOD_TINTS[next(iter(theme.PERIOD_TINTS))]
        )
        end = fractional_year(government.end) if government.end else last_year + 1.0
        periods.append(Period(government, fractional_year(government.start), end, tints[index % 2]))
    return tuple(periods)


def describe_government(government: Government) -> str:
    end = government.end.isoformat() if government.end else "today"
    return f"{government.name}\n{government.start.isoformat()} – {end}"


class YearSlider(QSlider):
    """A horizontal year slider whose track shows who held Kabul when."""

    MARGIN = 14
    TRACK_TOP = 6
    TRACK_HEIGHT = 24

    def __init__(
        self,
        first_year: int,
        last_year: int,
        governments: Sequence[Government],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        # Set before anything that calls sliderChange.
        self._background: QPixmap | None = None
        self._painted_x = 0.0
        self.setRange(first_year, last_year)
        self.setSingleStep(1)
        self.setPageStep(10)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Year")
        self.setMouseTracking(True)
        self._governments = tuple(governments)
        self._periods = periods_of(governments, last_year)

    def sizeHint(self) -> QSize:  # noqa: N802
        metrics = self.fontMetrics()
        return QSize(600, self.TRACK_TOP + self.TRACK_HEIGHT + 8 + metrics.height() + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(200, self.sizeHint().height())

    # Geometry -----------------------------------------------------------------

    def _span(self) -> tuple[float, float]:
        """The x of the minimum year's start and the width of the whole range."""
        left = float(self.MARGIN)
        width = max(1.0, self.width() - 2.0 * self.MARGIN)
        return left, width

    def x_of(self, year: float) -> float:
        """The x position of the middle of ``year`` (or of a fractional year's instant)."""
        left, width = self._span()
        years = self.maximum() - self.minimum() + 1
        return left + (year - self.minimum()) / years * width

    def year_at(self, x: float) -> int:
        left, width = self._span()
        years = self.maximum() - self.minimum() + 1
        year = self.minimum() + int((x - left) / width * years)
        return min(max(year, self.minimum()), self.maximum())

    def handle_x(self) -> float:
        """Where the handle is drawn: the middle of the current year."""
        return self.x_of(self.value() + 0.5)

    def track_rect(self) -> QRectF:
        left, width = self._span()
        return QRectF(left, self.TRACK_TOP, width, self.TRACK_HEIGHT)

    def period_at(self, x: float) -> Period | None:
        for period in self._periods:
            if self.x_of(period.start) <= x < self.x_of(period.end):
                return period
        return None

    # Interaction --------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.setSliderDown(True)
        self.setValue(self.year_at(event.position().x()))
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self.isSliderDown():
            self.setValue(self.year_at(event.position().x()))
            event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self.isSliderDown():
            self.setValue(self.year_at(event.position().x()))
            self.setSliderDown(False)
            event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        # QSlider maps PageUp/PageDown the way of vertical sliders; make PageUp go forward
        # in time on every platform, as the arrows do.
        if event.key() == Qt.Key.Key_PageUp:
            self.setValue(self.value() + self.pageStep())
        elif event.key() == Qt.Key.Key_PageDown:
            self.setValue(self.value() - self.pageStep())
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            period = self.period_at(float(event.pos().x()))
            if period is not None:
                text = plain_tooltip(describe_government(period.government))
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    # Painting -----------------------------------------------------------------

    def sliderChange(self, change: QAbstractSlider.SliderChange) -> None:  # noqa: N802
        if change != QAbstractSlider.SliderChange.SliderValueChange:
            super().sliderChange(change)
            return
        # Only the handle moves: repaint where it was and where it is, not the whole track.
        self.update(self._handle_rect(self._painted_x))
        self._painted_x = self.handle_x()
        self.update(self._handle_rect(self._painted_x))

    def _handle_rect(self, x: float) -> QRect:
        track = self.track_rect()
        return QRectF(x - 10, 0, 20, track.bottom() + 6).toAlignedRect()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._background = None
        self._painted_x = self.handle_x()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._background = None
        if event.type() == QEvent.Type.PaletteChange:
            # A theme change: the bands take the new theme's tints.
            self._periods = periods_of(self._governments, self.maximum())
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.drawPixmap(0, 0, self._background_pixmap())
        track = self.track_rect()
        # The handle: a narrow bar across the track, gripped above and below it, so the
        # name of the government it stands on stays readable.
        x = self.handle_x()
        self._painted_x = x
        colour = theme.ACCENT if self.hasFocus() else theme.INK
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRect(QRectF(x - 1.5, track.top(), 3, track.height()))
        painter.setPen(QPen(theme.CONTROL, 1.5))
        for grip_top in (track.top() - 6, track.bottom() - 1):
            painter.drawRoundedRect(QRectF(x - 5.5, grip_top, 11, 7), 3, 3)
        if self.hasFocus():
            painter.setPen(QPen(theme.ACCENT, 1, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(track.adjusted(-3, -3, 3, 3), 6, 6)
        painter.end()

    def _background_pixmap(self) -> QPixmap:
        """The track, government bands, labels and ticks: drawn once per size."""
        if self._background is not None:
            return self._background
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(round(self.width() * ratio), round(self.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        track = self.track_rect()
        metrics = self.fontMetrics()
        outline = QPainterPath()
        outline.addRoundedRect(track, 5, 5)
        painter.fillPath(outline, theme.TRACK)

        painter.save()
        painter.setClipPath(outline)
        label_font = self.font()
        label_font.setPointSizeF(label_font.pointSizeF() * 0.88)
        label_metrics = QFontMetrics(label_font)
        painter.setFont(label_font)
        painter.setPen(theme.INK)
        for period in self._periods:
            left = max(self.x_of(period.start), track.left())
            right = min(self.x_of(period.end), track.right())
            if right <= left:
                continue
            band = QRectF(left, track.top(), right - left, track.height())
            painter.fillRect(band, period.tint)
            label = fitting_label(period.government.name, band.width() - 8, label_metrics)
            if label:
                painter.drawText(band, Qt.AlignmentFlag.AlignCenter, label)
        painter.restore()

        # Decade ticks and labels, thinned so labels never touch.
        painter.setFont(self.font())
        years = self.maximum() - self.minimum() + 1
        label_width = metrics.horizontalAdvance("0000") + 14
        step = next(
            (step for step in TICK_STEPS if track.width() / years * step >= label_width),
            TICK_STEPS[-1],
        )
        first_tick = (self.minimum() + step - 1) // step * step
        painter.setPen(QPen(theme.MUTED_INK, 1))
        baseline = track.bottom() + 4 + metrics.ascent()
        for year in range(first_tick, self.maximum() + 1, step):
            x = self.x_of(year)
            painter.drawLine(QPointF(x, track.bottom()), QPointF(x, track.bottom() + 3))
            text = str(year)
            width = metrics.horizontalAdvance(text)
            painter.drawText(QPointF(x - width / 2, baseline), text)
        painter.end()
        self._background = pixmap
        return pixmap


def media_icon(*, playing: bool, colour: QColor, size: QSize, ratio: float) -> QIcon:
    """A play triangle or pause bars in ``colour``: the style's own icons are black, which
    the dark theme's buttons would hide."""
    pixmap = QPixmap(round(size.width() * ratio), round(size.height() * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    w, h = float(size.width()), float(size.height())
    if playing:
        bar = w * 0.22
        painter.drawRoundedRect(QRectF(w * 0.22, h * 0.18, bar, h * 0.64), 1, 1)
        painter.drawRoundedRect(QRectF(w * 0.56, h * 0.18, bar, h * 0.64), 1, 1)
    else:
        triangle = QPolygonF(
            [QPointF(w * 0.26, h * 0.16), QPointF(w * 0.84, h * 0.5), QPointF(w * 0.26, h * 0.84)]
        )
        painter.drawPolygon(triangle)
    painter.end()
    return QIcon(pixmap)


class TimeControls(QWidget):
    """Play/pause and speed, the year slider and a box to type a year, tied to the state."""

    def __init__(
        self, state: AppState, governments: Sequence[Government], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._state = state
        self.slider = YearSlider(state.first_year, state.last_year, governments, self)
        self.slider.setValue(state.year)
        theme.fill_as_card(self.slider)

        self.play_button = QToolButton(self)
        self.play_button.setCheckable(True)
        self.play_button.setAutoRaise(False)
        self.play_button.setIconSize(QSize(18, 18))
        self.play_button.setToolTip("Play through the years (Space)")
        self.play_button.setAccessibleName("Play")

        self.speed_box = QComboBox(self)
        for speed in SPEEDS:
            self.speed_box.addItem(f"{speed:g} yr/s", speed)
        self.speed_box.setCurrentIndex(SPEEDS.index(DEFAULT_SPEED))
        self.speed_box.setToolTip("Playing speed, in years per second")
        self.speed_box.setAccessibleName("Playing speed")

        self.year_box = QSpinBox(self)
        self.year_box.setRange(state.first_year, state.last_year)
        self.year_box.setValue(state.year)
        self.year_box.setKeyboardTracking(False)
        self.year_box.setAccelerated(True)
        self.year_box.setToolTip("Type a year and press Enter")
        self.year_box.setAccessibleName("Year")
        self.year_box.setFont(theme.heading_font(self.font(), 1.35))
        theme.fill_as_card(self.year_box)
        self.year_box.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.year_box.setButtonSymbols(QSpinBox.ButtonSymbols.UpDownArrows)
        self.year_box.setMinimumWidth(
            QFontMetrics(self.year_box.font()).horizontalAdvance("00000") + 36
        )

        year_label = QLabel("Year", self)
        year_label.setBuddy(self.year_box)
        year_label.setStyleSheet(f"color: {theme.MUTED_INK.name()};")
        self._year_label = year_label

        self._timer = QTimer(self)
        self._timer.timeout.connect(self._advance)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 6)
        layout.setSpacing(8)
        layout.addWidget(self.play_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.speed_box, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.slider, 1)
        layout.addWidget(year_label, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.year_box, 0, Qt.AlignmentFlag.AlignTop)
        for widget in (self.play_button, self.speed_box):
            widget.setFixedHeight(self.year_box.sizeHint().height())
        year_label.setFixedHeight(self.year_box.sizeHint().height())

        self.slider.valueChanged.connect(state.set_year)
        self.year_box.valueChanged.connect(state.set_year)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.speed_box.currentIndexChanged.connect(self._update_interval)
        state.year_changed.connect(self._on_year_changed)
        self._update_play_icon()
        self._update_interval()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._year_label.setStyleSheet(f"color: {theme.MUTED_INK.name()};")
            self._update_play_icon()

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    @property
    def interval_ms(self) -> int:
        return self._timer.interval()

    def play(self) -> None:
        self.play_button.setChecked(True)

    def pause(self) -> None:
        self.play_button.setChecked(False)

    def toggle_play(self) -> None:
        self.play_button.toggle()

    def _on_play_toggled(self, checked: bool) -> None:
        if checked:
            if self._state.year >= self._state.last_year:
                self._state.set_year(self._state.first_year)
            self._timer.start()
        else:
            self._timer.stop()
        self._update_play_icon()

    def _update_play_icon(self) -> None:
        self.play_button.setIcon(
            media_icon(
                playing=self.play_button.isChecked(),
                colour=theme.INK,
                size=self.play_button.iconSize(),
                ratio=self.devicePixelRatioF(),
            )
        )
        self.play_button.setText("Pause" if self.play_button.isChecked() else "Play")
        self.play_button.setAccessibleName(self.play_button.text())

    def _update_interval(self) -> None:
        speed = float(self.speed_box.currentData() or DEFAULT_SPEED)
        self._timer.setInterval(round(1000 / speed))

    def _advance(self) -> None:
        if self._state.year >= self._state.last_year:
            self.pause()
            return
        self._state.set_year(self._state.year + 1)

    def _on_year_changed(self, year: int) -> None:
        # The state ignores its own value, so echoing the year back is harmless.
        if self.slider.value() != year:
            self.slider.setValue(year)
        if self.year_box.value() != year:
            self.year_box.setValue(year)
