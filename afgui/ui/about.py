"""The About box: what afgui is, where its data comes from, and the licences it ships."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

import afgui

#: Third-party components bundled with afgui and their licences.
LICENCES: tuple[tuple[str, str, str], ...] = (
    ("Qt for Python (PySide6)", "LGPL-3.0", "https://www.qt.io/qt-for-python"),
    ("pyqtgraph", "MIT", "https://www.pyqtgraph.org"),
    (
        "pygal_maps_world (world map geometry, worldmap.svg)",
        "LGPL-3.0-or-later",
        "https://www.pygal.org",
    ),
    ("SQLAlchemy", "MIT", "https://www.sqlalchemy.org"),
    ("NumPy", "BSD-3-Clause", "https://numpy.org"),
    ("PyYAML", "MIT", "https://pyyaml.org"),
    ("platformdirs", "MIT", "https://github.com/tox-dev/platformdirs"),
    ("ColorBrewer BrBG colour scheme (Cynthia Brewer)", "Apache-2.0", "https://colorbrewer2.org"),
)


def about_html() -> str:
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>&nbsp;{html.escape(licence)}</td></tr>"
        for name, licence, _ in LICENCES
    )
    return (
        f"<h3>afgui {html.escape(afgui.__version__)}</h3>"
        "<p>Afghanistan's foreign relations through time, from sourced and quoted facts.</p>"
        "<p>afgui is MIT-licensed. It includes:</p>"
        f"<table>{rows}</table>"
        "<p>The country outlines come from the <i>pygal_maps_world</i> package "
        "(LGPL-3.0-or-later), used unmodified. Borders are today's; historic states are "
        "drawn as the union of their successors.</p>"
    )


def show_about(parent: QWidget | None) -> None:
    box = QMessageBox(parent)
    box.setWindowTitle("About afgui")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_html())
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.exec()
