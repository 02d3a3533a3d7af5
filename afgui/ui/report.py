"""What the main window shows, as one JSON-ready object (for ``--report`` and tests)."""

from __future__ import annotations

from typing import Any

from afgui.ui.main_window import MainWindow


def window_report(window: MainWindow) -> dict[str, Any]:
    """``year``, ``side``, ``selection``, ``map``, ``list`` and ``detail_text``."""
    state = window.state
    # The settled state: a long timeline may still be being added to the detail pane.
    window.detail.flush()
    return {
        "year": state.year,
        "side": state.side.value,
        "selection": state.selection or None,
        "map": [
            {
                "actor": drawn.actor,
                "value": drawn.value,
                "status": drawn.status,
                "colour": drawn.colour,
            }
            for drawn in window.map_panel.drawn()
        ],
        "list": [
            {
                "actor": row.code,
                "name": row.name,
                "kind": row.kind.value,
                "strength": row.value,
                "status": row.status or None,
                "facts": row.facts,
            }
            for row in window.partner_list.visible_rows()
        ],
        "detail_text": window.detail.plain_text(),
    }
