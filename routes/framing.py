"""Where a map opens: the selected records' extent, robust to a few long-haul outliers.

One Vietnam -> United Kingdom corridor must not make a map of Myanmar and Vietnam frame
all of Eurasia. The framing points are the places the records stand on (corridor
waypoints, hotspots, support points, flow ends, hexagon extents); a point is an outlier
when it lies much farther from the bulk's median than the bulk does, and only when such
points are *few*: otherwise the records really are spread out and all are framed. The
interactive map and the static plot use the same frame; outliers stay reachable (the page
offers "show all"; the plot names them and takes ``--extent``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

#: A point is an outlier beyond this many times the median distance to the bulk's centre ...
FACTOR = 4.0
#: ... and beyond this distance (km), so that a compact selection is never trimmed ...
FLOOR_KM = 800.0
#: ... and only when outliers are at most this share of the points (a few, not a second bulk).
SHARE = 0.15

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Frame:
    """The box to open on (the bulk), the box of everything, and the points left outside."""

    bounds: Box
    full: Box
    outliers: tuple[tuple[float, float], ...] = ()


def framing_points(atlas: Any, layers: tuple = ()) -> list[tuple[float, float]]:
    """(lon, lat) of what the records stand on: corridor waypoints as drawn, hotspots,
    support points, case-flow ends and the corners of hexagon layers."""
    points = [tuple(p) for pts in atlas.corridors.get("waypoint_lonlat", []) for p in pts]
    for frame in (atlas.hotspots, atlas.support):
        points += [(g.x, g.y) for g in frame.geometry]
    for layer in layers:
        if layer.kind == "flows" and len(layer.data.lines):
            for line in layer.data.lines.geometry:
                points += [line.coords[0], line.coords[-1]]
        elif layer.kind == "hexagons" and layer.data.bounds is not None:
            west, south, east, north = layer.data.bounds
            points += [(west, south), (east, north)]
        elif layer.kind == "drafts":
            points += framing_points(layer.data)
    return [(float(x), float(y)) for x, y in points]


def split_outliers(points: list[tuple[float, float]]) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """``points`` as (bulk, outliers) by the rule in the module docstring."""
    from pyproj import Geod

    if len(points) < 4:
        return list(points), []
    lons, lats = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    centre_lon, centre_lat = float(np.median(lons)), float(np.median(lats))
    _, _, metres = Geod(ellps="WGS84").inv(np.full(len(points), centre_lon), np.full(len(points), centre_lat), lons, lats)
    km = np.abs(metres) / 1000.0
    far = km > max(FACTOR * float(np.median(km)), FLOOR_KM)
    if not far.any() or far.sum() > SHARE * len(points):
        return list(points), []
    return [p for p, f in zip(points, far) if not f], [p for p, f in zip(points, far) if f]


def _box(points: list[tuple[float, float]]) -> Box:
    return (min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points), max(p[1] for p in points))


def frame_of(atlas: Any, layers: tuple = ()) -> Frame | None:
    """The frame of ``atlas`` and ``layers`` (None when nothing is drawn)."""
    points = framing_points(atlas, layers)
    if not points:
        return None
    bulk, outliers = split_outliers(points)
    return Frame(_box(bulk), _box(points), tuple(outliers))


def opening_view(atlas: Any, layers: tuple, selection: Any) -> Box | None:
    """The box a filtered map or plot opens on when a few outliers would stretch it (the
    bulk with a margin), else None (open on everything drawn, as before)."""
    filtered = selection.corridors or selection.countries or selection.exploitation
    if not (filtered or selection.since is not None or selection.until is not None):
        return None
    frame = frame_of(atlas, layers)
    if frame is None or not frame.outliers:
        return None
    from tipmap.routes.cartography import view_for

    view = view_for(frame.bounds)
    return (view.west, view.south, view.east, view.north)
