"""What afgui remembers between sessions: window geometry, splitter sizes, the year, the
selected and compared partners, the Afghan side and the theme (``QSettings``, INI format).

:class:`SettingsStore` reads and writes a :class:`SavedState`; values that cannot be used
(a damaged file, a side that no longer exists) are dropped, never fatal. The command
line (``--year``, ``--country``, ``--side``, ``--theme``) overrides what was saved; see
``afgui.app``. Tests give the store a file of their own, never the user's settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from afgui.services.measures import ViewSide
from afgui.ui.main_window import MainWindow
from afgui.ui.state import AppState
from afgui.ui.theme import Scheme

ORGANISATION = "afgui"
APPLICATION = "afgui"
#: Written with every save; a later afgui may read older formats.
FORMAT = 1


@dataclass(frozen=True, slots=True)
class SavedState:
    """The remembered state; None or empty where nothing (usable) was saved."""

    geometry: bytes | None = None
    splitters: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    year: int | None = None
    partner: str = ""
    compare: str = ""
    side: ViewSide | None = None
    theme: Scheme = Scheme.SYSTEM


class SettingsStore:
    """Reads and writes :class:`SavedState` in one ``QSettings``."""

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    @classmethod
    def user(cls) -> SettingsStore:
        """The user's settings (``~/.config/afgui/afgui.ini`` on Linux)."""
        return cls(
            QSettings(
                QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION
            )
        )

    @classmethod
    def at(cls, path: Path) -> SettingsStore:
        """Settings kept in the INI file ``path`` (created on the first save)."""
        return cls(QSettings(str(path), QSettings.Format.IniFormat))

    @property
    def path(self) -> str:
        return self._settings.fileName()

    def load(self) -> SavedState:
        settings = self._settings
        geometry = settings.value("window/geometry")
        splitters: dict[str, tuple[int, ...]] = {}
        settings.beginGroup("splitters")
        for name in settings.childKeys():
            sizes = _int_list(settings.value(name))
            if sizes:
                splitters[name] = sizes
        settings.endGroup()
        side_text = _text(settings.value("view/side"))
        theme_text = _text(settings.value("view/theme"))
        return SavedState(
            geometry=bytes(geometry.data()) if isinstance(geometry, QByteArray) else None,
            splitters=splitters,
            year=_int(settings.value("view/year")),
            partner=_code(settings.value("view/partner")),
            compare=_code(settings.value("view/compare")),
            side=ViewSide(side_text) if side_text in {s.value for s in ViewSide} else None,
            theme=Scheme(theme_text) if theme_text in {s.value for s in Scheme} else Scheme.SYSTEM,
        )

    def save(self, saved: SavedState) -> None:
        settings = self._settings
        settings.setValue("format", FORMAT)
        if saved.geometry is not None:
            settings.setValue("window/geometry", QByteArray(saved.geometry))
        settings.remove("splitters")
        for name, sizes in saved.splitters.items():
            settings.setValue(f"splitters/{name}", ",".join(str(size) for size in sizes))
        if saved.year is not None:
            settings.setValue("view/year", saved.year)
        settings.setValue("view/partner", saved.partner)
        settings.setValue("view/compare", saved.compare)
        if saved.side is not None:
            settings.setValue("view/side", saved.side.value)
        settings.setValue("view/theme", saved.theme.value)
        settings.sync()

    def status(self) -> QSettings.Status:
        return self._settings.status()


def capture(window: MainWindow, theme: Scheme) -> SavedState:
    """What the window shows now, to be saved."""
    state: AppState = window.state
    return SavedState(
        geometry=bytes(window.saveGeometry().data()),
        splitters={name: tuple(splitter.sizes()) for name, splitter in window.splitters().items()},
        year=state.year,
        partner=state.selection,
        compare=state.compare,
        side=state.side,
        theme=theme,
    )


def restore_window(window: MainWindow, saved: SavedState) -> bool:
    """Give the window its saved geometry and splitter sizes; False if none was saved."""
    restored = False
    if saved.geometry:
        restored = window.restoreGeometry(QByteArray(saved.geometry))
    if saved.splitters:
        window.restore_splitter_sizes(saved.splitters)
    return restored


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _code(value: object) -> str:
    text = _text(value).upper()
    return text if text.isascii() and text.replace("_", "").isalnum() else ""


def _int(value: object) -> int | None:
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None


def _int_list(value: object) -> tuple[int, ...]:
    # INI stores "812,468" as a list of strings or as one string, depending on Qt.
    parts = value if isinstance(value, list) else str(value or "").split(",")
    try:
        sizes = tuple(int(str(part).strip()) for part in parts if str(part).strip())
    except ValueError:
        return ()
    return sizes if all(size >= 0 for size in sizes) else ()
