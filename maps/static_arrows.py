"""Arrowheads on a static map, all in one collection; the lines they end, in a few.

Each head is the filled triangle of matplotlib's ``-|>`` arrow style (length 0.4 and half
width 0.2 of its size, tip on the point), pointing along the segment that ends there. One
collection of them draws what one ``annotate`` arrow per head drew, without an annotation,
a text and a patch per head.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.transforms import Affine2D, Bbox

HEAD_LENGTH, HEAD_WIDTH = 0.4, 0.2  # matplotlib's defaults for "-|>", in units of the size


@dataclass(frozen=True)
class Head:
    """An arrowhead: its tip, the point it comes from (data units), colour and size (points)."""

    tip: tuple[float, float]
    tail: tuple[float, float]
    colour: str
    size: float


class HeadCollection(PolyCollection):
    """A layer's arrowheads, with the segments they point along (for labels to avoid)."""

    tails: np.ndarray = np.empty((0, 2))

    def obstacles(self) -> list[Bbox]:
        """Display-space box of each head and its segment (what an annotation arrow covered)."""
        tips = self.get_offset_transform().transform(self.get_offsets())
        tails = self.get_offset_transform().transform(self.tails)
        boxes = []
        for path, tip, tail in zip(self.get_paths(), tips, tails):
            corners = np.vstack([path.transformed(self.get_transform()).vertices + tip, tail])
            boxes.append(Bbox([corners.min(axis=0), corners.max(axis=0)]))
        return boxes


def draw_heads(ax, heads: list[Head], *, zorder: float) -> HeadCollection | None:
    """Draw ``heads`` on ``ax``; like annotation arrows, a head whose tip is outside the axes
    is left out and one inside is not clipped at the frame."""
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    kept = [h for h in heads if h.tip != h.tail and x0 <= h.tip[0] <= x1 and y0 <= h.tip[1] <= y1]
    if not kept:
        return None
    tips = np.array([h.tip for h in kept], dtype=float)
    tails = np.array([h.tail for h in kept], dtype=float)
    back = (tails - tips) / np.hypot(*(tails - tips).T)[:, None]  # unit vectors from the tips backwards
    across = np.column_stack([-back[:, 1], back[:, 0]])
    size = np.array([h.size for h in kept], dtype=float)[:, None]
    base, half = back * HEAD_LENGTH * size, across * HEAD_WIDTH * size
    triangles = np.stack([base + half, np.zeros_like(base), base - half], axis=1)  # in points, around each tip
    collection = HeadCollection(
        list(triangles),
        offsets=tips,
        offset_transform=ax.transData,
        transform=Affine2D().scale(1 / 72.0) + ax.figure.dpi_scale_trans,  # points to pixels at any dpi
        facecolors=[h.colour for h in kept],
        edgecolors="none",
        linewidths=0,
        zorder=zorder,
        clip_on=False,
    )
    collection.tails = tails
    ax.add_collection(collection, autolim=False)
    return collection


def draw_strokes(ax, strokes: list[tuple], *, zorder: float) -> None:
    """Draw ``strokes`` ((points, colour, width, dash) in data units, in order) as lines.

    Drawn like one ``ax.plot`` line each (solid ones with round caps, dashed ones with
    butt caps, as a line's solid and dash cap styles), but as one collection per run of
    strokes with the same caps, so the order in which they overlap is kept.
    """
    run: list[tuple] = []
    for stroke in strokes + [None]:
        if run and (stroke is None or (stroke[3] == "solid") != (run[0][3] == "solid")):
            collection = LineCollection(
                [points for points, *_ in run],
                colors=[colour for _, colour, _, _ in run],
                linewidths=[width for _, _, width, _ in run],
                linestyles=[dash for *_, dash in run],
                capstyle="round" if run[0][3] == "solid" else "butt",
                joinstyle="round",
                zorder=zorder,
            )
            ax.add_collection(collection, autolim=False)
            run = []
        if stroke is not None:
            run.append(stroke)
