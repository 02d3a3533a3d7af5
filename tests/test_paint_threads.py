"""Painting on the GUI thread: afgui turns off Qt's GUI thread pool (parallel fills)
unless the user chose otherwise, and the window's pixels do not depend on it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage
from sqlalchemy import Engine

from afgui.app import PAINT_THREADS_VARIABLE, paint_on_one_thread


def test_the_pool_is_turned_off_by_default() -> None:
    environ: dict[str, str] = {}
    paint_on_one_thread(environ)
    assert environ == {"QT_NO_GUI_THREADPOOL": "1"}


def test_a_users_own_setting_is_kept() -> None:
    environ = {"QT_NO_GUI_THREADPOOL": "0"}
    paint_on_one_thread(environ)
    assert environ == {"QT_NO_GUI_THREADPOOL": "0"}


def test_the_pool_can_be_kept() -> None:
    environ = {PAINT_THREADS_VARIABLE: "pool"}
    paint_on_one_thread(environ)
    assert "QT_NO_GUI_THREADPOOL" not in environ


def _screenshot(tmp_path: Path, db_url: str, paint_threads: str) -> np.ndarray:
    picture = tmp_path / f"{paint_threads}.png"
    environment = dict(os.environ, **{PAINT_THREADS_VARIABLE: paint_threads})
    environment.pop("QT_NO_GUI_THREADPOOL", None)
    arguments = ["--db", db_url, "--year", "1997", "--country", "PAK", "--side", "both"]
    subprocess.run(
        [sys.executable, "-m", "afgui", *arguments, "--screenshot", str(picture)],
        env=environment,
        capture_output=True,
        timeout=120,
        check=True,
    )
    image = QImage(str(picture)).convertToFormat(QImage.Format.Format_RGB32)
    assert not image.isNull()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return rows[:, : image.width() * 4].copy()


def test_the_same_pixels_with_and_without_the_pool(tmp_path: Path, fixture_engine: Engine) -> None:
    db_url = fixture_engine.url.render_as_string(hide_password=False)
    with_pool = _screenshot(tmp_path, db_url, "pool")
    on_one_thread = _screenshot(tmp_path, db_url, "one")
    assert with_pool.shape == on_one_thread.shape
    assert with_pool.any()
    assert np.array_equal(with_pool, on_one_thread)
