"""Label placement without overlaps: try positions around a point, keep the first free one."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.axes import Axes
from matplotlib.text import Annotation, Text
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
#: Style keys that change a text's size (the others, such as colour or a bbox, do not).
_SIZING = ("fontsize", "family", "fontstyle", "fontweight", "fontfamily", "size", "weight", "style", "linespacing")

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in display units


@dataclass
class Placer:
    """Places labels on ``ax`` so that none overlaps another or leaves the axes.

    ``placed`` (display-space boxes) may be extended by the caller; boxes are not changed once
    added. Positions are tried first with the least box any text of that style has (no width,
    one line high), which rules out blocked positions without measuring the label; the label's
    width is then measured once (one renderer call per distinct string and style, no text
    layout), its box at each position is computed from the anchor, offset and alignment with
    the least line height (so it lies inside the label's real box: a position it finds blocked
    is blocked), and only the chosen position gets an annotation, measured where it stands
    and checked again before it is kept.
    """

    ax: Axes
    placed: list[Bbox]
    _extents: np.ndarray = field(default_factory=lambda: np.empty((0, 4)), repr=False)
    _probes: dict[tuple, Text] = field(default_factory=dict, repr=False)
    _widths: dict[tuple, float] = field(default_factory=dict, repr=False)
    _lines: dict[tuple, float] = field(default_factory=dict, repr=False)

    @classmethod
    def on(cls, ax: Axes, obstacles: list[Bbox] | None = None) -> Placer:
        """A placer for ``ax`` that also avoids the given display-space boxes."""
        return cls(ax, list(obstacles or []))

    def place(self, text: str, x: float, y: float, *, positions=POSITIONS, **style) -> Annotation | None:
        """Annotate (x, y) with ``text`` at the first free position; None if none is free."""
        renderer = self.ax.figure.canvas.get_renderer()
        frame = self.ax.get_window_extent(renderer).extents
        ax_, ay_ = self.ax.transData.transform((x, y))
        if not self.ax.contains_point((ax_, ay_)):  # matplotlib draws no annotation of a point outside
            return None
        per_point = self.ax.figure.dpi / 72.0
        line = self._line_height(style, renderer)
        anchors = np.array([(dx, dy) for dx, dy, _, _ in positions], dtype=float) * per_point + (ax_, ay_)
        across = np.array([_ALIGN[ha] for _, _, ha, _ in positions])
        up = np.array([_ALIGN[va] for _, _, _, va in positions])
        hopeful = self._free_all(_boxes(anchors, 0.0, line, np.zeros_like(across), up), frame)
        if not hopeful.any():  # a position where even the least box is blocked is blocked for this label too
            return None
        width = self._width(style, renderer, text)
        fits = hopeful & self._free_all(_boxes(anchors, width, line, across, up), frame)
        label = None
        for dx, dy, ha, va in (positions[i] for i in np.flatnonzero(fits)):
            if label is None:
                label = self.ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, **style)
            else:
                label.xyann = (dx, dy)
                label.set_horizontalalignment(ha)
                label.set_verticalalignment(va)
            box = label.get_window_extent(renderer).expanded(1.04, 1.08)  # measured where it stands
            if self._free(box.extents, frame):
                self.placed.append(box)
                return label
        if label is not None:
            label.remove()
        return None

    def _probe(self, style: dict) -> tuple[tuple, Text]:
        """The key of ``style``'s sizing part and one reusable text in it (never drawn)."""
        sizing = {k: v for k, v in style.items() if k in _SIZING}
        key = tuple(sorted(sizing.items()))
        if key not in self._probes:
            self._probes[key] = Text(0, 0, "", **sizing)
            self._probes[key].set_figure(self.ax.figure)
        return key, self._probes[key]

    def _line_height(self, style: dict, renderer) -> float:
        """The least height of a one-line text in ``style`` (pixels): that of a blank, whose
        box is the font's ascent and descent; a label's box is at least as high."""
        key, probe = self._probe(style)
        if key not in self._lines:
            probe.set_text(" ")
            self._lines[key] = probe.get_window_extent(renderer).height
        return self._lines[key]

    def _width(self, style: dict, renderer, text: str) -> float:
        """The width of ``text`` in ``style`` (pixels), measured once per string and style
        (the renderer's measure of each line, as a text's layout takes it)."""
        key, probe = self._probe(style)
        if (key, text) not in self._widths:
            if "$" in text:  # may be mathtext, which only a text's layout measures
                probe.set_text(text)
                self._widths[key, text] = probe.get_window_extent(renderer).width
            else:
                props = probe.get_fontproperties()
                self._widths[key, text] = max(  # a text's box is as wide as its widest line
                    renderer.get_text_width_height_descent(line, props, ismath=False)[0] if line else 0.0
                    for line in text.split("\n")
                )
        return self._widths[key, text]

    def _free(self, box: Box, frame: Box) -> bool:
        """Whether ``box`` lies inside ``frame`` and overlaps no placed box (as Bbox.overlaps)."""
        return bool(self._free_all(np.array([box], dtype=float), frame)[0])

    def _free_all(self, boxes: np.ndarray, frame: Box) -> np.ndarray:
        """For each of ``boxes`` (n x 4: x0, y0, x1, y1), whether it lies inside ``frame`` and
        overlaps no placed box (touching counts, as in Bbox.overlaps)."""
        boxes = np.sort(boxes.reshape(-1, 2, 2), axis=1).reshape(-1, 4)
        x0, y0, x1, y1 = (boxes[:, [i]] for i in range(4))
        inside = ((frame[0] <= x0) & (x1 <= frame[2]) & (frame[1] <= y0) & (y1 <= frame[3]))[:, 0]
        if len(self._extents) < len(self.placed):
            new = [other.extents for other in self.placed[len(self._extents) :]]
            self._extents = np.vstack([self._extents, np.sort(np.reshape(new, (-1, 2, 2)), axis=1).reshape(-1, 4)])
        e = self._extents.T
        return inside & ~((x0 <= e[2]) & (e[0] <= x1) & (y0 <= e[3]) & (e[1] <= y1)).any(axis=1)


def _boxes(anchors: np.ndarray, width: float, height: float, across: np.ndarray, up: np.ndarray) -> np.ndarray:
    """The boxes (n x 4) of a text ``width`` x ``height`` at each anchor (n x 2, pixels), placed
    by its alignment (``_ALIGN`` fractions across and up), grown by a little air around their
    centres like ``Bbox.expanded(1.04, 1.08)``."""
    x0 = anchors[:, 0] + across * width - width * 0.02
    y0 = anchors[:, 1] + up * height - height * 0.04
    return np.column_stack([x0, y0, x0 + width * 1.04, y0 + height * 1.08])
