"""Unexpected errors, shown to the person at the window as well as printed.

Qt calls the app's slots from its event loop; an exception escaping one is handed to
``sys.excepthook``, which by default prints a traceback to a terminal that a desktop
user does not have, and the window carries on as if nothing happened. The reporter
installed here still prints it, then tells the user in a non-modal message box (one at
a time; an error repeating from the same place once), so a view that stopped following
the year is not mistaken for data.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

__all__ = ["install_error_reporter"]

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def install_error_reporter(window: QWidget) -> Callable[[], None]:
    """Report uncaught exceptions over ``window``; returns what puts the old hook back."""
    previous: ExceptHook = sys.excepthook
    seen: set[tuple[str, str]] = set()
    open_boxes: list[QMessageBox] = []

    def report(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        previous(kind, error, trace)
        if issubclass(kind, KeyboardInterrupt | SystemExit):
            return
        summary = f"{kind.__name__}: {error}"
        # The same error from the same place is one error, whatever its message carries
        # (a partner's code, an array's shape): a repeating paint or timer shows one box.
        key = (kind.__name__, _where(trace) or summary)
        if key in seen or any(box.isVisible() for box in open_boxes):
            return
        seen.add(key)
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "afgui: unexpected error",
            "Something went wrong inside afgui, and what the window shows may be out of "
            "date. Restarting afgui is the safe way on.\n\n"
            f"{summary}\n\n"
            "The full details were written to the standard error output; please include "
            "them when you report the problem.",
            parent=window,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.finished.connect(lambda _result: open_boxes.remove(box))
        open_boxes.append(box)
        box.show()

    sys.excepthook = report

    def restore() -> None:
        sys.excepthook = previous

    return restore


def _where(trace: TracebackType | None) -> str:
    """``file:line`` of the innermost frame of ``trace`` ("" without one)."""
    if trace is None:
        return ""
    while trace.tb_next is not None:
        trace = trace.tb_next
    return f"{trace.tb_frame.f_code.co_filename}:{trace.tb_lineno}"
