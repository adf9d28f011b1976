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


def _box(lonlat: tuple[float, float], label: str, zoom: int) -> tuple[float, float, float, float]:
    x, y = world_pixels(lonlat, zoom)
    return (x + GAP_PX, y - HEIGHT_PX / 2, x + GAP_PX + CHAR_PX * len(label), y + HEIGHT_PX / 2)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _marker(lonlat: tuple[float, float], zoom: int) -> tuple[float, float, float, float]:
    x, y = world_pixels(lonlat, zoom)
    return (x - MARKER_PX / 2, y - MARKER_PX / 2, x + MARKER_PX / 2, y + MARKER_PX / 2)


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
    points = [p[2] for p in ordered] + list(markers)
    masks = [0] * len(ordered)
    before: set[int] = set()
    for zoom in ZOOMS:
        symbols = [_marker(p, zoom) for p in points]
        shown: list[tuple[float, float, float, float]] = []
        now: set[int] = set()
        # labels shown one zoom out keep their place first, so zooming in does not reshuffle them
        for i in sorted(range(len(ordered)), key=lambda i: (i not in before, i)):
            box = _box(ordered[i][2], ordered[i][1], zoom)
            if not any(_overlap(box, other) for other in shown + symbols):
                shown.append(box)
                now.add(i)
                masks[i] |= 1 << zoom
        before = now
    return [
        {"id": pid, "t": label, "ll": [round(lonlat[1], 5), round(lonlat[0], 5)], "m": masks[i]}
        for i, (pid, label, lonlat, _) in enumerate(ordered)
    ]
