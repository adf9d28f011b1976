"""Permanent place labels for the HTML map: by zoom and importance, never overlapping.

Each label gets the first zoom level from which it is shown. At every zoom the labels
already shown stay; the others are taken in order of importance, and one is shown when its
box (right of its place, estimated from its length) overlaps no box shown. Boxes keep their
screen size while places spread apart as the map zooms in, so a label shown at one zoom
fits at every higher zoom, and the page only compares the zoom with each label's first.
"""

from __future__ import annotations

from typing import Any

from tipmap.routes.flowcluster import world_pixels

#: Estimated label box: width per character, height, gap from the place (px at 12 px font).
CHAR_PX, HEIGHT_PX, GAP_PX = 7.0, 16.0, 11.0
#: Zoom levels labels are placed for; a label placed at none of them appears at the last.
ZOOMS = range(1, 13)


def _box(lonlat: tuple[float, float], label: str, zoom: int) -> tuple[float, float, float, float]:
    x, y = world_pixels(lonlat, zoom)
    return (x + GAP_PX, y - HEIGHT_PX / 2, x + GAP_PX + CHAR_PX * len(label), y + HEIGHT_PX / 2)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def label_zooms(places: list[tuple[str, str, tuple[float, float], float]]) -> list[dict[str, Any]]:
    """First zoom of each label: ``places`` are (id, label, (lon, lat), importance).

    Returns the page's label entries ``{"id", "t", "ll": [lat, lon], "z"}``, most
    important first.
    """
    ordered = sorted(places, key=lambda p: (-p[3], p[1]))
    first: dict[int, int] = {}
    for zoom in ZOOMS:
        shown = [_box(ordered[i][2], ordered[i][1], zoom) for i in first]  # once shown, always shown
        for i, (_, label, lonlat, _) in enumerate(ordered):
            box = _box(lonlat, label, zoom)
            if i not in first and not any(_overlap(box, other) for other in shown):
                first[i] = zoom
                shown.append(box)
    return [
        {"id": pid, "t": label, "ll": [round(lonlat[1], 5), round(lonlat[0], 5)], "z": first.get(i, ZOOMS[-1] + 1)}
        for i, (pid, label, lonlat, _) in enumerate(ordered)
    ]
