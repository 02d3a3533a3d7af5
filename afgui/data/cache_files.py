"""Best-effort cache files of numpy arrays, written atomically.

Caches only save start-up time: a write that fails leaves no partial file and is not an
error; readers treat a missing or damaged file as a cache miss.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt


def save_arrays_atomically(path: Path, **arrays: npt.ArrayLike) -> None:
    """Write ``arrays`` as ``path`` (npz) through a temporary file renamed into place."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".npz")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez(stream, **arrays)  # type: ignore[arg-type]
        Path(name).replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            Path(name).unlink()
