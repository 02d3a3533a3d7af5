"""Colours for relation strength on the scale −10 (hostile) … 0 (neutral) … +10 (close).

The scale is ColorBrewer's 11-class diverging **BrBG** (Cynthia Brewer, colorbrewer2.org):
brown for hostile, teal for close, a neutral near-white in the middle. BrBG is one of
ColorBrewer's schemes marked safe for colour-blind readers: its two arms differ in
lightness and along the blue–yellow axis, which deuteranopes and protanopes still see,
unlike the red–green of RdYlGn. It also reads without colour: darker means stronger in
either direction.

"No data" must never be mistaken for "neutral": :data:`NO_DATA` is a cool mid-light grey,
clearly darker than the off-white neutral and unlike either arm's hue, and the map and
its legend draw it hatched as well.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from PySide6.QtGui import QColor

#: Ends of the strength scale.
SCALE_MIN = -10.0
SCALE_MAX = 10.0

# ColorBrewer BrBG, 11 classes, from −10 to +10 in steps of 2.
_BRBG_11 = (
    "#543005",
    "#8c510a",
    "#bf812d",
    "#dfc27d",
    "#f6e8c3",
    "#f5f5f5",
    "#c7eae5",
    "#80cdc1",
    "#35978f",
    "#01665e",
    "#003c30",
)
_ANCHORS = tuple(QColor(code) for code in _BRBG_11)
#: The anchors' channels as ``QColor.redF()`` etc. give them, for :func:`strength_rgbs`.
_ANCHOR_CHANNELS = np.array(
    [(anchor.redF(), anchor.greenF(), anchor.blueF()) for anchor in _ANCHORS], dtype=np.float64
)

#: The colour of strength 0 (relations exist, neither warm nor hostile).
NEUTRAL = QColor(_BRBG_11[5])
#: Countries for which nothing is known in the chosen year. Grey, hatched on the map.
NO_DATA = QColor("#cdd1d6")
#: Afghanistan itself on the map: a dark slate no strength colour comes near.
SUBJECT = QColor("#3d4a57")

MINUS = "\N{MINUS SIGN}"


def strength_colour(value: float | None) -> QColor:
    """The fill for a relation strength; ``None`` (unknown) gives :data:`NO_DATA`.

    Values are clamped to −10…+10 and interpolated linearly between the eleven BrBG
    classes, so neighbouring strengths get neighbouring colours. NaN counts as unknown.
    """
    if value is None or value != value:  # NaN is not equal to itself
        return QColor(NO_DATA)
    clamped = min(max(float(value), SCALE_MIN), SCALE_MAX)
    position = (clamped - SCALE_MIN) / (SCALE_MAX - SCALE_MIN) * (len(_ANCHORS) - 1)
    lower = min(int(position), len(_ANCHORS) - 2)
    weight = position - lower
    return _mix(_ANCHORS[lower], _ANCHORS[lower + 1], weight)


def strength_rgbs(values: npt.ArrayLike) -> npt.NDArray[np.uint32]:
    """``strength_colour(value).rgb()`` for many values at once (NaN gives NO_DATA's).

    The same arithmetic, array-wise, down to QColor's rounding: its floating-point
    channels are stored as 16-bit integers from single-precision products, and
    ``rgb()`` brings those to 8 bits by ``round(c / 257)``. A colour per partner and
    year is then a few array operations instead of a QColor each (a year first shown
    at a million facts coloured 250 partners one by one: ~4 ms).
    """
    wanted = np.asarray(values, dtype=np.float64).reshape(-1)
    unknown = np.isnan(wanted)
    clamped = np.clip(np.where(unknown, 0.0, wanted), SCALE_MIN, SCALE_MAX)
    position = (clamped - SCALE_MIN) / (SCALE_MAX - SCALE_MIN) * (len(_ANCHORS) - 1)
    lower = np.minimum(position.astype(np.intp), len(_ANCHORS) - 2)
    weight = position - lower
    low, high = _ANCHOR_CHANNELS[lower], _ANCHOR_CHANNELS[lower + 1]
    channels = (low + (high - low) * weight[:, None]).astype(np.float32)
    scaled = channels * np.float32(65535)
    whole = np.trunc(scaled)
    sixteen = (whole + (scaled - whole >= np.float32(0.5))).astype(np.int64)
    eight: npt.NDArray[np.int64] = (sixteen + 128) // 257
    rgbs: npt.NDArray[np.uint32] = (
        0xFF000000 | eight[:, 0] << 16 | eight[:, 1] << 8 | eight[:, 2]
    ).astype(np.uint32)
    rgbs[unknown] = NO_DATA.rgb()
    return rgbs


def format_strength(value: float) -> str:
    """``+5``, ``0``, ``−2.5``: a signed label with a true minus sign."""
    text = f"{abs(value):g}"
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"{MINUS}{text}"
    return text


def legend_stops(labelled: Sequence[float] = (-10, -5, 0, 5, 10)) -> list[tuple[str, QColor]]:
    """Stops for a continuous legend: one per whole unit, labelled only at ``labelled``.

    Twenty-one evenly spaced stops reproduce :func:`strength_colour` exactly in a linear
    gradient (it is piecewise linear between the BrBG classes at even values); the
    unlabelled ones carry ``""`` so the legend keeps its tick labels sparse.
    """
    wanted = {float(value) for value in labelled}
    stops: list[tuple[str, QColor]] = []
    for step in range(round(SCALE_MAX - SCALE_MIN) + 1):
        value = SCALE_MIN + step
        label = format_strength(value) if value in wanted else ""
        stops.append((label, strength_colour(value)))
    return stops


def _mix(low: QColor, high: QColor, weight: float) -> QColor:
    def channel(a: float, b: float) -> float:
        return a + (b - a) * weight

    return QColor.fromRgbF(
        channel(low.redF(), high.redF()),
        channel(low.greenF(), high.greenF()),
        channel(low.blueF(), high.blueF()),
    )
