"""The look of the window: palette, fonts and the colours that mean something.

Side colours follow Okabe & Ito's colour-blind-safe set (blue for the Kabul government,
vermillion for the Taliban) so they stay apart from the map's brown-teal strength scale.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from afgui.domain.vocab import AfghanSide, AmountKind

INK = QColor("#1f2933")
MUTED_INK = QColor("#616e7c")
FAINT_INK = QColor("#9aa5b1")
WINDOW = QColor("#f4f5f7")
SURFACE = QColor("#ffffff")
RULE = QColor("#d9dde3")
ACCENT = QColor("#2f6fb0")
HIGHLIGHT_ROW = QColor("#fff4c2")

SIDE_COLOURS: dict[str, QColor] = {
    "government": QColor("#0072b2"),
    "taliban": QColor("#d55e00"),
    "both": QColor("#5f6b7a"),
}

#: The partner compared with the selection (Okabe & Ito's reddish purple): apart from
#: both side colours and from the map's brown-teal scale.
COMPARE_COLOUR = QColor("#cc79a7")

# Government periods along the year slider: alternating cool tints for the Kabul
# governments, a warm tint for the Taliban's emirates.
PERIOD_TINTS: dict[AfghanSide, tuple[QColor, QColor]] = {
    AfghanSide.GOVERNMENT: (QColor("#dce8f4"), QColor("#c6d9ec")),
    AfghanSide.TALIBAN: (QColor("#f7dcc6"), QColor("#f2cdb0")),
}
PERIOD_SHADE_ALPHA = 60

AMOUNT_COLOURS: dict[AmountKind, QColor] = {
    AmountKind.PLEDGE: QColor("#56b4e9"),
    AmountKind.COMMITMENT: QColor("#0072b2"),
    AmountKind.DISBURSEMENT: QColor("#009e73"),
    AmountKind.CUMULATIVE_TOTAL: QColor("#999999"),
}

AMOUNT_LABELS: dict[AmountKind, str] = {
    AmountKind.PLEDGE: "pledge",
    AmountKind.COMMITMENT: "commitment",
    AmountKind.DISBURSEMENT: "disbursement",
    AmountKind.CUMULATIVE_TOTAL: "cumulative total",
}

SIDE_LABELS: dict[str, str] = {
    "government": "Kabul government",
    "taliban": "Taliban",
    "both": "Both sides",
    "none": "no Afghan side",
}


def apply_theme(app: QApplication) -> None:
    """A calm light Fusion look that is the same on every platform (and offscreen)."""
    app.setStyle("Fusion")
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, WINDOW)
    palette.setColor(QPalette.ColorRole.WindowText, INK)
    palette.setColor(QPalette.ColorRole.Base, SURFACE)
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f7f8fa"))
    palette.setColor(QPalette.ColorRole.Text, INK)
    palette.setColor(QPalette.ColorRole.Button, QColor("#eef0f3"))
    palette.setColor(QPalette.ColorRole.ButtonText, INK)
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor("#fffdf5"))
    palette.setColor(QPalette.ColorRole.ToolTipText, INK)
    palette.setColor(QPalette.ColorRole.Highlight, ACCENT)
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.PlaceholderText, FAINT_INK)
    palette.setColor(QPalette.ColorRole.Link, ACCENT)
    palette.setColor(QPalette.ColorRole.Mid, RULE)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, FAINT_INK)
    app.setPalette(palette)
    font = QFont(app.font())
    if font.pointSizeF() < 9.5:
        font.setPointSizeF(9.5)
    app.setFont(font)


def heading_font(base: QFont, scale: float = 1.25, *, bold: bool = True) -> QFont:
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * scale)
    font.setBold(bold)
    return font
