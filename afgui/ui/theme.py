"""The look of the window: palette, fonts and the colours that mean something, light or dark.

Side colours follow Okabe & Ito's colour-blind-safe set (blue for the Kabul government,
vermillion for the Taliban) so they stay apart from the map's brown-teal strength scale;
the dark theme uses lighter members of the same hues so they keep their contrast.

The colours below are the current theme's: :func:`apply_theme` replaces them (and the
application palette), and every view reads them when it draws, so views that bake colours
into style sheets or plot items re-read them on ``QEvent.PaletteChange``. The strength
scale itself (``afgui.ui.palette``) is data and stays the same in both themes.
"""

from __future__ import annotations

import functools
import gc
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from afgui.domain.vocab import AfghanSide, AmountKind
from afgui.ui import palette as strength_palette
from afgui.ui.world_map import MapStyle


class Scheme(StrEnum):
    """The theme asked for: the system's colour scheme, or light or dark regardless."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


def _c(name: str, alpha: int = 255) -> QColor:
    colour = QColor(name)
    colour.setAlpha(alpha)
    return colour


@dataclass(frozen=True, slots=True)
class Colours:
    """One theme's colours (see the module constants for what each is for)."""

    dark: bool
    ink: QColor
    muted_ink: QColor
    faint_ink: QColor
    window: QColor
    surface: QColor
    rule: QColor
    accent: QColor
    highlight_row: QColor
    quote_ink: QColor
    button: QColor
    alternate_base: QColor
    tooltip_base: QColor
    control: QColor
    control_border: QColor
    control_hover: QColor
    track: QColor
    side_colours: dict[str, QColor]
    period_tints: dict[AfghanSide, tuple[QColor, QColor]]
    compare: QColor
    no_data: QColor
    subject: QColor
    ocean: QColor
    coast: QColor
    border: QColor
    hatch: QColor
    selection: QColor
    selection_halo: QColor
    marked_outline: QColor
    map_label: QColor
    hover: QColor
    legend_background: QColor
    legend_text: QColor


LIGHT = Colours(
    dark=False,
    ink=_c("#1f2933"),
    muted_ink=_c("#616e7c"),
    # At least 3:1 on the surface (WCAG for large text and graphics), still clearly fainter
    # than the muted ink.
    faint_ink=_c("#848f9b"),
    window=_c("#f4f5f7"),
    surface=_c("#ffffff"),
    rule=_c("#d9dde3"),
    accent=_c("#2f6fb0"),
    highlight_row=_c("#fff4c2"),
    quote_ink=_c("#3e4c59"),
    button=_c("#eef0f3"),
    alternate_base=_c("#f7f8fa"),
    tooltip_base=_c("#fffdf5"),
    control=_c("#ffffff"),
    control_border=_c("#c3cad3"),
    control_hover=_c("#eef2f6"),
    track=_c("#e8ebef"),
    side_colours={
        "government": _c("#0072b2"),
        "taliban": _c("#d55e00"),
        "both": _c("#5f6b7a"),
    },
    # Government periods: alternating cool tints for the Kabul governments, warm ones
    # for the Taliban's emirates.
    period_tints={
        AfghanSide.GOVERNMENT: (_c("#dce8f4"), _c("#c6d9ec")),
        AfghanSide.TALIBAN: (_c("#f7dcc6"), _c("#f2cdb0")),
    },
    compare=_c("#cc79a7"),
    no_data=_c("#cdd1d6"),
    subject=_c("#3d4a57"),
    ocean=_c("#e3eaf0"),
    coast=_c("#5b7286", 110),
    border=_c("#ffffff", 215),
    hatch=_c("#ffffff", 150),
    selection=_c("#15191d"),
    selection_halo=_c("#ffffff", 235),
    marked_outline=_c("#14191e"),
    map_label=_c("#14191e"),
    hover=_c("#15191d", 170),
    legend_background=_c("#ffffff", 225),
    legend_text=_c("#2b3136"),
)

DARK = Colours(
    dark=True,
    ink=_c("#e3e8ed"),
    muted_ink=_c("#a5b0bb"),
    faint_ink=_c("#75818d"),
    window=_c("#15181c"),
    surface=_c("#1e2227"),
    rule=_c("#353c44"),
    accent=_c("#5ea8ec"),
    highlight_row=_c("#3d3517"),
    quote_ink=_c("#c5cdd6"),
    button=_c("#2a3037"),
    alternate_base=_c("#23282e"),
    tooltip_base=_c("#2a3037"),
    control=_c("#262b31"),
    control_border=_c("#48515b"),
    control_hover=_c("#313840"),
    track=_c("#2b3138"),
    side_colours={
        "government": _c("#56b4e9"),
        "taliban": _c("#f0803c"),
        "both": _c("#a3aebb"),
    },
    period_tints={
        AfghanSide.GOVERNMENT: (_c("#213244"), _c("#293d52")),
        AfghanSide.TALIBAN: (_c("#45301f"), _c("#523824")),
    },
    compare=_c("#e08cbd"),
    no_data=_c("#454d56"),
    subject=_c("#dfe4e9"),
    ocean=_c("#18222c"),
    coast=_c("#7f95a8", 120),
    border=_c("#11161b", 220),
    hatch=_c("#ffffff", 38),
    selection=_c("#ffffff"),
    selection_halo=_c("#000000", 200),
    marked_outline=_c("#ffffff"),
    map_label=_c("#f2f5f7"),
    hover=_c("#ffffff", 190),
    legend_background=_c("#1e2227", 230),
    legend_text=_c("#dde3e8"),
)

_current = LIGHT

INK = LIGHT.ink
MUTED_INK = LIGHT.muted_ink
FAINT_INK = LIGHT.faint_ink
WINDOW = LIGHT.window
SURFACE = LIGHT.surface
RULE = LIGHT.rule
ACCENT = LIGHT.accent
HIGHLIGHT_ROW = LIGHT.highlight_row
#: Verbatim quotes in the detail pane.
QUOTE_INK = LIGHT.quote_ink
#: Flat controls drawn by hand (side switch, slider handle): face, border, hover.
CONTROL = LIGHT.control
CONTROL_BORDER = LIGHT.control_border
CONTROL_HOVER = LIGHT.control_hover
#: The year slider's empty track.
TRACK = LIGHT.track
#: Countries without data on the map (also ``afgui.ui.palette.NO_DATA``).
NO_DATA = LIGHT.no_data

SIDE_COLOURS: dict[str, QColor] = dict(LIGHT.side_colours)

#: The partner compared with the selection (Okabe & Ito's reddish purple): apart from
#: both side colours and from the map's brown-teal scale.
COMPARE_COLOUR = LIGHT.compare

PERIOD_TINTS: dict[AfghanSide, tuple[QColor, QColor]] = dict(LIGHT.period_tints)
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


def current() -> Colours:
    """The colours of the theme applied last (light until one is applied)."""
    return _current


def system_is_dark() -> bool:
    """Whether the platform asks for a dark colour scheme (Qt 6.5+; unknown: light)."""
    hints = QGuiApplication.styleHints()
    return hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark


def resolve(scheme: Scheme | str) -> Colours:
    chosen = Scheme(scheme)
    if chosen is Scheme.SYSTEM:
        return DARK if system_is_dark() else LIGHT
    return DARK if chosen is Scheme.DARK else LIGHT


def use_colours(colours: Colours) -> None:
    """Make ``colours`` the module's colours (without touching the application)."""
    global _current, INK, MUTED_INK, FAINT_INK, WINDOW, SURFACE, RULE, ACCENT, HIGHLIGHT_ROW
    global QUOTE_INK, CONTROL, CONTROL_BORDER, CONTROL_HOVER, TRACK, NO_DATA, COMPARE_COLOUR
    _current = colours
    INK, MUTED_INK, FAINT_INK = colours.ink, colours.muted_ink, colours.faint_ink
    WINDOW, SURFACE, RULE = colours.window, colours.surface, colours.rule
    ACCENT, HIGHLIGHT_ROW, QUOTE_INK = colours.accent, colours.highlight_row, colours.quote_ink
    CONTROL, CONTROL_BORDER = colours.control, colours.control_border
    CONTROL_HOVER, TRACK = colours.control_hover, colours.track
    NO_DATA, COMPARE_COLOUR = colours.no_data, colours.compare
    # Mutated in place: modules that imported the dicts keep seeing the current ones.
    SIDE_COLOURS.clear()
    SIDE_COLOURS.update(colours.side_colours)
    PERIOD_TINTS.clear()
    PERIOD_TINTS.update(colours.period_tints)
    strength_palette.NO_DATA = QColor(colours.no_data)
    strength_palette.SUBJECT = QColor(colours.subject)


def map_style(colours: Colours | None = None) -> MapStyle:
    """The world map's colours for a theme (the current one by default)."""
    c = colours or _current
    return MapStyle(
        ocean=QColor(c.ocean),
        coast=QColor(c.coast),
        border=QColor(c.border),
        hatch=QColor(c.hatch),
        selection=QColor(c.selection),
        selection_halo=QColor(c.selection_halo),
        marked_fill=QColor(c.subject),
        marked_outline=QColor(c.marked_outline),
        label=QColor(c.map_label),
        hover=QColor(c.hover),
        legend_background=QColor(c.legend_background),
        legend_text=QColor(c.legend_text),
    )


def make_palette(colours: Colours) -> QPalette:
    palette = QPalette()
    role = QPalette.ColorRole
    palette.setColor(role.Window, colours.window)
    palette.setColor(role.WindowText, colours.ink)
    palette.setColor(role.Base, colours.surface)
    palette.setColor(role.AlternateBase, colours.alternate_base)
    palette.setColor(role.Text, colours.ink)
    palette.setColor(role.Button, colours.button)
    palette.setColor(role.ButtonText, colours.ink)
    palette.setColor(role.BrightText, colours.surface)
    palette.setColor(role.ToolTipBase, colours.tooltip_base)
    palette.setColor(role.ToolTipText, colours.ink)
    palette.setColor(role.Highlight, colours.accent)
    # Dark text on the dark theme's light accent, white on the light theme's deep one.
    palette.setColor(role.HighlightedText, QColor("#0d1117" if colours.dark else "#ffffff"))
    palette.setColor(role.PlaceholderText, colours.faint_ink)
    palette.setColor(role.Link, colours.accent)
    palette.setColor(role.LinkVisited, colours.accent)
    # Fusion draws frames, handles and bevels from these.
    palette.setColor(role.Light, colours.control_hover if colours.dark else QColor("#ffffff"))
    palette.setColor(role.Midlight, colours.control_hover)
    palette.setColor(role.Mid, colours.rule)
    palette.setColor(role.Dark, colours.control_border)
    palette.setColor(role.Shadow, QColor("#000000"))
    for disabled in (role.Text, role.WindowText, role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, disabled, colours.faint_ink)
    return palette


def apply_theme(app: QApplication, scheme: Scheme | str = Scheme.LIGHT) -> Colours:
    """A calm Fusion look that is the same on every platform (and offscreen), light or
    dark; ``Scheme.SYSTEM`` follows the platform's colour scheme. Returns the colours."""
    colours = resolve(scheme)
    changed = colours is not _current
    app.setStyle("Fusion")
    use_colours(colours)
    app.setPalette(make_palette(colours))
    if changed:
        _tell_every_widget(app)
    font = QFont(app.font())
    if font.pointSizeF() < 9.5:
        font.setPointSizeF(9.5)
        app.setFont(font)
    return colours


def _tell_every_widget(app: QApplication) -> None:
    """Make sure every widget hears of a theme change.

    Qt sends ``PaletteChange`` only to widgets whose inherited palette changes, and a
    widget under a container with a style sheet inherits the container's palette, so it
    hears nothing and keeps the old colours. Setting each style sheet again re-resolves
    those palettes (and ``palette(...)`` references in the sheets); a ``PaletteChange``
    sent to every widget then lets each view re-read the theme's colours.
    """
    # A fresh-clone CI run crashed reading the sheet of a widget listed a moment before.
    # Python's garbage collector, which any allocation may run, deletes a widget whose
    # wrapper only a reference cycle holds, and with it its children: one collected
    # while the list is made or walked leaves dangling pointers in it. The collector waits.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for widget in app.allWidgets():
            sheet = widget.styleSheet()
            if sheet:
                widget.setStyleSheet(sheet)
        for widget in app.allWidgets():
            QCoreApplication.sendEvent(widget, QEvent(QEvent.Type.PaletteChange))
    finally:
        if collecting:
            gc.enable()


def fill_as_card(widget: QWidget) -> None:
    """Let ``widget`` fill its background with the surface colour of the card it lies on
    (palette Base) before painting: the same pixels, but Qt then counts it opaque and no
    longer paints the card (its rounded panel, in Python) under it each time only the
    widget changes. For widgets inside a card's straight edges, clear of its corners.

    The map's title, the detail pane's header, the charts' title and legend and the
    year controls: a year change painted two or three cards under them (~0.23 ms), now
    none. In blocks alternating with and without (the curated data, three runs, pixels
    identical): year changes 4.82, 5.19, 5.51 -> 4.41, 5.15, 4.90 ms on average (p95
    8.25, 8.72, 9.29 -> 7.48, 8.56, 8.47), selections 16.5, 16.6, 15.3 -> 15.8, 15.7,
    14.3 ms."""
    widget.setAutoFillBackground(True)
    widget.setBackgroundRole(QPalette.ColorRole.Base)


@functools.lru_cache(maxsize=4096)
def shaping_needed(text: str) -> bool:
    """Whether Qt must shape ``text`` to set it legibly: it has a letter of a script
    other than Latin, Greek or Cyrillic (the Arabic script of Dari and Pashto joins its
    letters), a right-to-left character, a combining mark, a joiner or other format
    character (Persian's zero-width non-joiner), or an emoji (flags are pairs made one)."""
    if text.isascii():
        return False
    for char in text:
        if char.isascii():
            continue
        category = unicodedata.category(char)
        if category.startswith("M") or category.startswith("C"):
            return True
        if unicodedata.bidirectional(char) in ("R", "AL", "AN"):
            return True
        if category == "So" and ord(char) >= 0x1F000:
            return True
        if category.startswith("L") and not unicodedata.name(char, "").startswith(
            ("LATIN ", "GREEK ", "CYRILLIC ")
        ):
            return True
    return False


def unshaped_font(texts: Iterable[str]) -> QFont | None:
    """A font to set on a widget that shows only ``texts`` (and numbers): its own font,
    laid out without shaping; None if one of them needs shaping (see
    :func:`shaping_needed`).

    Only the style strategy is set, so the widget still follows the app's font and its
    size. Shaping (HarfBuzz) is most of what Qt spends laying out a short text, and a
    view lays each cell's text out twice every time it paints it; for Latin text it
    adds only the font's kerning pairs and ligatures (with DejaVu Sans: "Ta" and "Tu" a
    fraction of a pixel wider, in a cell's name). Qt leaves Arabic script unjoined
    without it, hence the check.
    """
    if any(shaping_needed(text) for text in texts):
        return None
    font = QFont()
    font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    return font


def heading_font(base: QFont, scale: float = 1.25, *, bold: bool = True) -> QFont:
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * scale)
    font.setBold(bold)
    return font
