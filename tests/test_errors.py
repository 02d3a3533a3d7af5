"""An uncaught error in the window's code is shown to the user once, and still printed."""

from __future__ import annotations

import sys
from types import TracebackType

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from afgui.ui.errors import install_error_reporter


def _boxes(parent: QWidget) -> list[QMessageBox]:
    return [box for box in parent.findChildren(QMessageBox) if box.isVisible()]


def _raised(message: str) -> tuple[type[BaseException], BaseException, TracebackType | None]:
    """An error raised from one place, with its traceback (the message may vary)."""
    try:
        raise ValueError(message)
    except ValueError as error:
        return ValueError, error, error.__traceback__


@pytest.mark.qt_no_exception_capture
def test_an_uncaught_error_is_shown_once_and_printed(
    qtbot: QtBot, capsys: pytest.CaptureFixture[str]
) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    restore = install_error_reporter(window)
    try:
        sys.excepthook(*_raised("no such partner: XYZ"))
        boxes = _boxes(window)
        assert len(boxes) == 1
        assert "ValueError: no such partner: XYZ" in boxes[0].text()
        assert "ValueError: no such partner: XYZ" in capsys.readouterr().err
        # While a box is open, later errors are printed only: a repeating error in a
        # paint or a timer must not flood the screen.
        sys.excepthook(KeyError, KeyError("other"), None)
        assert len(_boxes(window)) == 1
        assert "KeyError" in capsys.readouterr().err
        boxes[0].close()
        # The same error from the same place, another message: still the same error.
        sys.excepthook(*_raised("no such partner: ABC"))
        assert _boxes(window) == []
        # Another error, once the box is closed, gets its own.
        sys.excepthook(KeyError, KeyError("other"), None)
        assert len(_boxes(window)) == 1
    finally:
        restore()
    for box in _boxes(window):
        box.close()


@pytest.mark.qt_no_exception_capture
def test_interrupts_are_not_reported(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    restore = install_error_reporter(window)
    try:
        sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
        assert _boxes(window) == []
    finally:
        restore()


@pytest.mark.qt_no_exception_capture
def test_restore_puts_the_previous_hook_back(qtbot: QtBot) -> None:
    before = sys.excepthook
    restore = install_error_reporter(QWidget())
    assert sys.excepthook is not before
    restore()
    assert sys.excepthook is before
