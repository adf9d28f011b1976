"""Geodesic geometry on the WGS84 ellipsoid with :class:`pyproj.Geod`.

Every coordinate pair here is (longitude, latitude).
"""

from __future__ import annotations

from collections.abc import Sequence

from pyproj import Geod
from shapely.geometry import LineString

WGS84 = Geod(ellps="WGS84")

#: Longest straight piece of a drawn corridor; shorter pieces follow the great circle.
DENSIFY_KM = 25.0


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance in kilometres between two (lon, lat) points."""
    _, _, metres = WGS84.inv(a[0], a[1], b[0], b[1])
    return metres / 1000.0


def path_length_km(points: Sequence[tuple[float, float]]) -> float:
    """Sum of the geodesic distances between consecutive (lon, lat) points."""
    return sum(distance_km(a, b) for a, b in zip(points, points[1:]))


def geodesic_line(points: Sequence[tuple[float, float]], *, step_km: float = DENSIFY_KM) -> LineString:
    """A line through ``points`` whose legs follow great-circle (geodesic) arcs.

    Each leg is densified with intermediate points no more than ``step_km`` apart.
    Longitudes are unwrapped so that a leg across the antimeridian stays continuous
    (values may leave [-180, 180]; Leaflet and matplotlib draw them correctly).
    """
    if len(points) < 2:
        raise ValueError("a geodesic line needs at least two points")
    coords: list[tuple[float, float]] = [tuple(points[0])]  # type: ignore[list-item]
    for a, b in zip(points, points[1:]):
        n = int(distance_km(a, b) // step_km)
        between = WGS84.npts(a[0], a[1], b[0], b[1], n) if n > 0 else []
        for lon, lat in [*between, (b[0], b[1])]:
            coords.append((_unwrap(lon, coords[-1][0]), lat))
    return LineString(coords)


def _unwrap(lon: float, previous: float) -> float:
    """Shift ``lon`` by whole turns so that it lies within 180 degrees of ``previous``."""
    while lon - previous > 180.0:
        lon -= 360.0
    while lon - previous < -180.0:
        lon += 360.0
    return lon


def waypoint_positions(line: LineString, points: Sequence[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Where ``line`` (from :func:`geodesic_line`) passes each of ``points``, in order.

    Equal to ``points`` except that longitudes may differ by whole turns, matching the
    unwrapped line, so a marker drawn there sits on the line.
    """
    coords = list(line.coords)
    positions: list[tuple[float, float]] = []
    start = 0
    for lon, lat in points:
        for index in range(start, len(coords)):
            x, y = coords[index]
            if abs(y - lat) < 1e-9 and abs((x - lon + 180.0) % 360.0 - 180.0) < 1e-9:
                positions.append((x, y))
                start = index
                break
        else:
            raise ValueError(f"line does not pass ({lon}, {lat})")
    return tuple(positions)
