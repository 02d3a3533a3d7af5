"""Render the world map widget offscreen to a PNG, and optionally time it.

    python scripts/map_preview.py /tmp/map.png                 # 1280x800, random strengths
    python scripts/map_preview.py /tmp/map2.png --scale 2      # device pixel ratio 2
    python scripts/map_preview.py /tmp/zoom.png --zoom 5 --at AF --select IR
    python scripts/map_preview.py /tmp/map.png --bench         # recolour + repaint timings

For looking at the map while changing its style; the numbers of ``--bench`` are the ones
quoted in the map's design notes (year change = ``set_fills`` + a synchronous repaint).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", default="1280x800", help="WIDTHxHEIGHT in logical pixels")
    parser.add_argument("--scale", type=float, default=1.0, help="QT_SCALE_FACTOR")
    parser.add_argument("--seed", type=int, default=3, help="for the random strengths")
    parser.add_argument("--zoom", type=float, default=1.0)
    parser.add_argument("--at", default="AF", help="country to zoom around")
    parser.add_argument("--select", default="PK", help="comma-separated codes to outline")
    parser.add_argument("--bench", action="store_true", help="print timings")
    args = parser.parse_args()
    # Both must be set before Qt starts.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["QT_SCALE_FACTOR"] = str(args.scale)

    import numpy as np
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from afgui.ui import map_geometry, palette
    from afgui.ui.world_map import WorldMapView

    started = time.perf_counter()
    map_geometry.world_geometry()
    parsed = time.perf_counter()

    width, height = (int(part) for part in args.size.lower().split("x"))
    view = WorldMapView()
    view.resize(width, height)
    rng = np.random.default_rng(args.seed)
    codes = [code for code in view.codes if code != "AF"]

    def random_fills() -> dict[str, QColor]:
        values = rng.uniform(-10, 10, len(codes))
        known = rng.random(len(codes)) < 0.65
        return {
            code: palette.strength_colour(float(value))
            for code, value, keep in zip(codes, values, known, strict=True)
            if keep
        }

    view.set_fills(random_fills(), palette.NO_DATA)
    view.set_marked(["AF"], {"AF": "Afghanistan"})
    view.set_selected([code for code in args.select.split(",") if code])
    view.set_legend(
        palette.legend_stops(),
        palette.NO_DATA,
        title="Relation strength",
        low_caption="hostile",
        high_caption="close",
    )
    shown = time.perf_counter()
    view.show()
    app.processEvents()  # exposes the window and paints it the first time
    painted = time.perf_counter()
    if args.zoom != 1.0:
        view.zoom_by(args.zoom, view.country_point(args.at))
    view.settle()
    app.processEvents()
    image = view.grab()
    if not image.save(str(args.out)):
        print(f"cannot write {args.out}", file=sys.stderr)
        return 1
    print(f"saved {args.out}: {image.width()}x{image.height()} device pixels")

    if args.bench:
        ratio = view.devicePixelRatioF()
        print(f"device pixel ratio {ratio}")
        print(f"geometry parse (first call, cold): {1e3 * (parsed - started):.1f} ms")
        print(f"show + first paint (layers, composite): {1e3 * (painted - shown):.1f} ms")
        tables = [random_fills() for _ in range(20)]

        def timed(label: str, step: Callable[[int], object], runs: int) -> None:
            samples = []
            for run in range(runs):
                begin = time.perf_counter()
                step(run)
                samples.append(time.perf_counter() - begin)
            samples.sort()
            p95 = samples[min(len(samples) - 1, int(0.95 * len(samples)))]
            print(
                f"{label}: median {1e3 * statistics.median(samples):.2f} ms, "
                f"p95 {1e3 * p95:.2f} ms ({runs} runs)"
            )

        def recolour(run: int) -> None:
            view.set_fills(tables[run % len(tables)], palette.NO_DATA)
            view.repaint()

        def rerender(run: int) -> None:
            view.zoom_by(1.01 if run % 2 == 0 else 1 / 1.01)
            view.settle()
            view.repaint()

        def hit_test(run: int) -> None:
            for x in range(0, width, 7):
                view.country_at(QPointF(x, (run * 13) % height))

        timed("year change: set_fills + repaint", recolour, 200)
        timed("view change: pan + full re-render + repaint", rerender, 20)
        hits = len(range(0, width, 7))
        timed(f"hit-test x{hits}", hit_test, 50)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
