"""Geodesic distances and lines (routes.geodesy), checked against values known by hand."""

from __future__ import annotations

import pytest
from pyproj import Geod
from tipmap.routes.geodesy import distance_km, geodesic_line, path_length_km, waypoint_positions

GEOD = Geod(ellps="WGS84")


def test_one_degree_of_longitude_on_the_equator():
    # a * pi / 180 with the WGS84 semi-major axis a = 6378.137 km
    assert distance_km((0.0, 0.0), (1.0, 0.0)) == pytest.approx(111.3195, abs=1e-3)


def test_one_degree_of_latitude_at_the_equator():
    # meridian arc from 0 to 1 degree north on WGS84 (published value 110.574 km)
    assert distance_km((0.0, 0.0), (0.0, 1.0)) == pytest.approx(110.574, abs=1e-3)


def test_path_length_is_the_sum_of_its_legs():
    pts = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]
    assert path_length_km(pts) == pytest.approx(111.3195 + 110.5743, abs=1e-3)


def test_line_is_densified_along_the_great_circle():
    a, b = (-0.1276, 51.5072), (116.397, 39.908)  # London to Beijing, about 8,140 km
    line = geodesic_line([a, b], step_km=25.0)
    coords = list(line.coords)
    assert coords[0] == a and coords[-1] == b
    steps = [GEOD.inv(*p, *q)[2] / 1000 for p, q in zip(coords, coords[1:])]
    assert max(steps) <= 25.0 and len(coords) > 300
    # the great circle from London to Beijing passes far north of both ends (over Siberia)
    assert max(lat for _, lat in coords) > 60.0


def test_line_across_the_antimeridian_stays_continuous():
    line = geodesic_line([(170.0, 10.0), (-170.0, 10.0)])
    lons = [x for x, _ in line.coords]
    assert max(abs(p - q) for p, q in zip(lons, lons[1:])) < 1.0
    assert lons[-1] == pytest.approx(190.0)
    assert waypoint_positions(line, [(170.0, 10.0), (-170.0, 10.0)]) == ((170.0, 10.0), (190.0, 10.0))


def test_a_line_needs_two_points():
    with pytest.raises(ValueError, match="at least two points"):
        geodesic_line([(0.0, 0.0)])
