"""Label placement without overlaps: try positions around a point, keep the first free one."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.axes import Axes
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

#: Candidate offsets (points) with their alignment, in order of preference.
_RING: tuple[tuple[float, float, str, str], ...] = (
    (6, 5, "left", "bottom"),
    (6, -5, "left", "top"),
    (-6, 5, "right", "bottom"),
    (-6, -5, "right", "top"),
    (8, 0, "left", "center"),
    (-8, 0, "right", "center"),
    (0, 9, "center", "bottom"),
    (0, -9, "center", "top"),
)
#: The ring above, then the same directions twice as far out (clear of neighbouring markers).
POSITIONS: tuple[tuple[float, float, str, str], ...] = _RING + tuple((2 * dx, 2 * dy, ha, va) for dx, dy, ha, va in _RING)


#: Where a text's box starts, in widths/heights from its anchor, by alignment.
_ALIGN = {"left": 0.0, "bottom": 0.0, "center": -0.5, "right": -1.0, "top": -1.0}


@dataclass
class Placer:
    """Places labels on ``ax`` so that none overlaps another or leaves the axes.

    ``placed`` (display-space boxes) may be extended by the caller; boxes are not changed once
    added. A label is measured once; its box at each candidate position is that box moved by
    the offset and alignment (the chosen one is measured again and checked before it is kept).
    """

    ax: Axes
    placed: list[Bbox]
    _extents: np.ndarray = field(default_factory=lambda: np.empty((0, 4)), repr=False)

    @classmethod
    def on(cls, ax: Axes, obstacles: list[Bbox] | None = None) -> Placer:
        """A placer for ``ax`` that also avoids the given display-space boxes."""
        return cls(ax, list(obstacles or []))

    def place(self, text: str, x: float, y: float, *, positions=POSITIONS, **style) -> Annotation | None:
        """Annotate (x, y) with ``text`` at the first free position; None if none is free."""
        renderer = self.ax.figure.canvas.get_renderer()
        frame = self.ax.get_window_extent(renderer)
        dx0, dy0, ha0, va0 = positions[0]
        label = self.ax.annotate(text, (x, y), xytext=(dx0, dy0), textcoords="offset points", ha=ha0, va=va0, **style)
        first = label.get_window_extent(renderer)
        if first.bounds == (0, 0, 1, 1):  # matplotlib's answer for a point outside the axes: nowhere fits
            label.remove()
            return None
        per_point = self.ax.figure.dpi / 72.0
        for dx, dy, ha, va in positions:
            shift_x = (dx - dx0) * per_point + (_ALIGN[ha] - _ALIGN[ha0]) * first.width
            shift_y = (dy - dy0) * per_point + (_ALIGN[va] - _ALIGN[va0]) * first.height
            if not self._free(first.translated(shift_x, shift_y).expanded(1.04, 1.08), frame):
                continue
            label.xyann = (dx, dy)
            label.set_horizontalalignment(ha)
            label.set_verticalalignment(va)
            box = label.get_window_extent(renderer).expanded(1.04, 1.08)  # measured where it stands
            if self._free(box, frame):
                self.placed.append(box)
                return label
        label.remove()
        return None

    def _free(self, box: Bbox, frame: Bbox) -> bool:
        """Whether ``box`` lies inside ``frame`` and overlaps no placed box (as Bbox.overlaps)."""
        if not (frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)):
            return False
        if len(self._extents) < len(self.placed):
            new = [other.extents for other in self.placed[len(self._extents) :]]
            self._extents = np.vstack([self._extents, np.sort(np.reshape(new, (-1, 2, 2)), axis=1).reshape(-1, 4)])
        x0, x1 = sorted((box.x0, box.x1))
        y0, y1 = sorted((box.y0, box.y1))
        e = self._extents
        return not bool(np.any((x0 <= e[:, 2]) & (e[:, 0] <= x1) & (y0 <= e[:, 3]) & (e[:, 1] <= y1)))
