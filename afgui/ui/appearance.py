"""The chosen theme: follow the system's colour scheme (the default), or light or dark.

:class:`Appearance` applies the theme to the application (``afgui.ui.theme``) and, while
it follows the system, applies it again whenever the system's scheme changes. The views
notice through ``QEvent.PaletteChange`` and re-read the theme's colours.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from afgui.ui import theme
from afgui.ui.theme import Colours, Scheme


class Appearance(QObject):
    """The theme asked for (``scheme``) and the colours in use (``colours``)."""

    #: The scheme asked for changed ("system", "light" or "dark").
    scheme_changed = Signal(str)

    def __init__(self, app: QApplication, scheme: Scheme | str = Scheme.SYSTEM) -> None:
        super().__init__(app)
        self._app = app
        self._scheme = Scheme(scheme)
        self._colours = theme.apply_theme(app, self._scheme)
        hints = app.styleHints()
        if hints is not None:
            hints.colorSchemeChanged.connect(self._on_system_scheme)

    @property
    def scheme(self) -> Scheme:
        return self._scheme

    @property
    def colours(self) -> Colours:
        return self._colours

    @property
    def dark(self) -> bool:
        return self._colours.dark

    def set_scheme(self, scheme: Scheme | str) -> None:
        """Use ``scheme`` from now on (an unknown value raises ValueError)."""
        chosen = Scheme(scheme)
        if chosen is self._scheme:
            return
        self._scheme = chosen
        self._apply()
        self.scheme_changed.emit(chosen.value)

    def _on_system_scheme(self, _: Qt.ColorScheme) -> None:
        if self._scheme is Scheme.SYSTEM:
            self._apply()

    def _apply(self) -> None:
        colours = theme.resolve(self._scheme)
        if colours is not self._colours:
            self._colours = theme.apply_theme(self._app, self._scheme)
