"""Label placement without overlaps: try positions around a point, keep the first free one."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass
class Placer:
    """Places labels on ``ax`` so that none overlaps another or leaves the axes."""

    ax: Axes
    placed: list[Bbox]

    @classmethod
    def on(cls, ax: Axes, obstacles: list[Bbox] | None = None) -> Placer:
        """A placer for ``ax`` that also avoids the given display-space boxes."""
        return cls(ax, list(obstacles or []))

    def place(self, text: str, x: float, y: float, *, positions=POSITIONS, **style) -> Annotation | None:
        """Annotate (x, y) with ``text`` at the first free position; None if none is free."""
        renderer = self.ax.figure.canvas.get_renderer()
        frame = self.ax.get_window_extent(renderer)
        for dx, dy, ha, va in positions:
            label = self.ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, **style)
            box = label.get_window_extent(renderer).expanded(1.04, 1.08)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(other) for other in self.placed):
                self.placed.append(box)
                return label
            label.remove()
        return None
