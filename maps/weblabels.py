"""Permanent place labels for the HTML map: by zoom and importance, never overlapping.

Each label gets the set of zoom levels at which it is shown. At every zoom, the labels
shown one zoom out are tried first (so zooming in does not reshuffle them), then the others
in order of importance; a label is shown when its box (right of its place, estimated from
its length) overlaps no label already shown and no symbol (places, hotspots, support).
"""

from __future__ import annotations

from typing import Any

from tipmap.routes.flowcluster import world_pixels

#: Estimated label box: width per character, height, gap from the place (px at 12 px font).
CHAR_PX, HEIGHT_PX, GAP_PX = 7.0, 16.0, 11.0
#: Size of a symbol (place, hotspot, support point) that labels must not cover (px).
MARKER_PX = 18.0
#: Zoom levels labels are placed for; a label placed at none of them appears at the last.
ZOOMS = range(1, 13)


#: Side of the cells boxes are filed under (px): a box is compared only with boxes that
#: share a cell with it (two boxes that overlap always do), not with every box shown.
CELL_PX = 64.0

Box = tuple[float, float, float, float]


def _box(lonlat: tuple[float, float], label: str, zoom: int) -> Box:
    return _label_box(world_pixels(lonlat, zoom), label)


def _label_box(xy: tuple[float, float], label: str) -> Box:
    x, y = xy
    return (x + GAP_PX, y - HEIGHT_PX / 2, x + GAP_PX + CHAR_PX * len(label), y + HEIGHT_PX / 2)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _marker(xy: tuple[float, float]) -> Box:
    x, y = xy
    return (x - MARKER_PX / 2, y - MARKER_PX / 2, x + MARKER_PX / 2, y + MARKER_PX / 2)


class _Boxes:
    """Boxes filed by the grid cells they touch: whether a new box overlaps any of them."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Box]] = {}

    @staticmethod
    def _cells(box: Box) -> list[tuple[int, int]]:
        xs = range(int(box[0] // CELL_PX), int(box[2] // CELL_PX) + 1)
        return [(cx, cy) for cx in xs for cy in range(int(box[1] // CELL_PX), int(box[3] // CELL_PX) + 1)]

    def add(self, box: Box) -> None:
        for cell in self._cells(box):
            self.cells.setdefault(cell, []).append(box)

    def hit(self, box: Box) -> bool:
        return any(_overlap(box, other) for cell in self._cells(box) for other in self.cells.get(cell, ()))


def label_zooms(
    places: list[tuple[str, str, tuple[float, float], float]], *, markers: list[tuple[float, float]] = ()
) -> list[dict[str, Any]]:
    """Zoom levels of each label: ``places`` are (id, label, (lon, lat), importance);
    ``markers`` are other symbols (lon, lat) labels must not cover (hotspots, support).

    Returns the page's label entries ``{"id", "t", "ll": [lat, lon], "m"}``, most important
    first; bit ``z`` of ``m`` is set when the label shows at zoom ``z`` (the page uses the
    last zoom placed for closer ones).
    """
    ordered = sorted(places, key=lambda p: (-p[3], p[1]))
    # pixels at zoom 0, scaled by a power of two per zoom: the same floats as world_pixels gives
    base = [world_pixels(p[2], 0) for p in ordered]
    others = [world_pixels(p, 0) for p in markers]
    masks = [0] * len(ordered)
    before: set[int] = set()
    for zoom in ZOOMS:
        scale = 2.0**zoom
        taken = _Boxes()
        for x, y in base + others:
            taken.add(_marker((x * scale, y * scale)))
        now: set[int] = set()
        # labels shown one zoom out keep their place first, so zooming in does not reshuffle them
        for i in sorted(range(len(ordered)), key=lambda i: (i not in before, i)):
            box = _label_box((base[i][0] * scale, base[i][1] * scale), ordered[i][1])
            if not taken.hit(box):
                taken.add(box)
                now.add(i)
                masks[i] |= 1 << zoom
        before = now
    return [
        {"id": pid, "t": label, "ll": [round(lonlat[1], 5), round(lonlat[0], 5)], "m": masks[i]}
        for i, (pid, label, lonlat, _) in enumerate(ordered)
    ]
