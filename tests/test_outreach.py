"""Outreach planning (routes.outreach) and the outreach command."""

from __future__ import annotations

import csv
import io
import math

import pytest
from click.testing import CliRunner
from pyproj import Geod
from tipmap.cli import main
from tipmap.routes.errors import UsageProblem
from tipmap.routes.lookup import Location
from tipmap.routes.outreach import corridor_buffer, geodesic_circle, parse_distance, plan_outreach, visiting_order
from tipmap.routes.select import Selection, select

GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize(("text", "km"), [("50km", 50.0), ("500 m", 0.5), ("30mi", 48.28032), ("2.5KM", 2.5)])
def test_distances_take_units(text, km):
    assert parse_distance(text, option="--radius") == pytest.approx(km)


@pytest.mark.parametrize(
    ("text", "message"),
    [("50", "needs a number and a unit"), ("-5km", "must be positive"), ("0km", "positive"), ("5 parsecs", "needs a number")],
)
def test_bad_distances(text, message):
    with pytest.raises(UsageProblem, match=message):
        parse_distance(text, option="--radius")


def test_radius_selects_by_geodesic_distance_and_ranks(tiny_atlas):
    # base on the equator at 0.5E: the casino (1E) is 55.7 km away, the NGO (2E) 167 km
    atlas = select(tiny_atlas, Selection(audience="internal"))
    base = Location("base", "", 0.5, 0.0, "coordinates")
    plan = plan_outreach(atlas, base=base, radius_km=60)
    assert [s.id for s in plan.sites] == ["h-casino"]
    assert plan.sites[0].distance_km == pytest.approx(55.7, abs=0.1)
    wide = plan_outreach(atlas, base=base, radius_km=200)
    # hotspots by intensity (casino 4 before venue 2), then support
    assert [s.id for s in wide.sites] == ["h-casino", "h-venue", "o-ngo"]
    assert [s.rank for s in wide.sites] == [1, 2, 3]


def test_round_trip_is_the_shortest_here(tiny_atlas):
    atlas = select(tiny_atlas, Selection(audience="internal"))
    plan = plan_outreach(atlas, base=Location("b", "", 0.0, 0.0, "coordinates"), radius_km=300)
    # casino at 1E, venue and NGO at 2E (same point): out and back along the equator
    assert plan.tour_km == pytest.approx(2 * 222.639, abs=0.2)
    assert sorted(s.visit for s in plan.sites) == [1, 2, 3]
    assert next(s for s in plan.sites if s.id == "h-casino").visit == 1


def test_two_opt_removes_a_crossing():
    # a square visited in the crossing order by nearest neighbour would not be optimal
    pts = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
    order, legs = visiting_order(pts)
    assert order[0] == order[-1] == 0 and sorted(order[1:-1]) == [1, 2, 3]
    perimeter = 2 * (GEOD.inv(0, 0, 0, 1)[2] + GEOD.inv(0, 0, 1, 0)[2]) / 1000
    assert sum(legs) == pytest.approx(perimeter, rel=0.01)


def test_corridor_buffer_selects_sites_near_the_line(tiny_atlas):
    atlas = select(tiny_atlas, Selection(audience="internal"))
    plan = plan_outreach(atlas, corridor_id="c-bride", buffer_km=5)
    assert {s.id for s in plan.sites} == {"h-casino", "h-venue", "o-ngo"}  # all on the bride route
    assert plan.base.name == "Source Town"
    far = plan_outreach(atlas, corridor_id="c-labour", buffer_km=5)
    assert {s.id for s in far.sites} == {"h-venue", "o-ngo"}  # at its destination; the casino is 48 km off it


def test_buffer_is_metric_not_degrees():
    # at 60N a 100 km buffer spans about 200 km east-west: twice the degrees it spans at the equator
    north = corridor_buffer_width_deg(60.0)
    equator = corridor_buffer_width_deg(0.0)
    assert north / equator == pytest.approx(1 / math.cos(math.radians(60.0)), rel=0.03)


def corridor_buffer_width_deg(lat: float) -> float:
    from shapely.geometry import LineString

    area = corridor_buffer(LineString([(10.0, lat - 1.0), (10.0, lat + 1.0)]), 100.0)
    return area.bounds[2] - area.bounds[0]


def test_circle_across_the_antimeridian_and_near_the_pole():
    base = Location("dateline", "", 179.9, 0.0, "coordinates")
    circle = geodesic_circle(base.lon, base.lat, 50.0)
    assert circle.bounds[2] > 180.0  # unwrapped, not split into a world-wide band
    assert circle.bounds[2] - circle.bounds[0] < 1.0
    polar = geodesic_circle(0.0, 89.8, 50.0)
    assert polar.is_valid and polar.bounds[3] == 90.0


def test_membership_across_the_antimeridian_is_geodesic(tmp_path, tiny_tables):
    from conftest import HEADERS, write_atlas
    from tipmap.routes.atlas import load_atlas

    col = HEADERS["places.csv"].index
    tiny_tables["places.csv"][1][col("lon")] = "-179.9"  # the casino's town, just across the dateline
    atlas = select(load_atlas(write_atlas(tmp_path / "d", tiny_tables)))
    plan = plan_outreach(atlas, base=Location("b", "", 179.9, 0.0, "coordinates"), radius_km=30)
    assert [s.id for s in plan.sites] == ["h-casino"] and plan.sites[0].distance_km == pytest.approx(22.3, abs=0.1)


def test_outreach_command_writes_every_file(tmp_path):
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        main, ["outreach", "--near", "Hanoi", "--radius", "200km", "-o", str(out), "--audience", "internal"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "outreach.csv",
        "outreach.csv.manifest.json",
        "outreach.html",
        "outreach.md",
        "outreach.pdf",
    ]
    rows = list(csv.DictReader(io.StringIO((out / "outreach.csv").read_text())))
    assert rows[0]["name"] and float(rows[0]["latitude"]) == pytest.approx(21.0, abs=1.5)
    assert "Trafficking within Vietnam" in result.stdout and "round trip" in result.stdout  # no seed names a crossing (#13)
    assert "| visit | rank | name" in (out / "outreach.md").read_text()
    assert (out / "outreach.pdf").read_bytes().startswith(b"%PDF")
    html = (out / "outreach.html").read_text()
    assert "Search area" in html and "Round trip" in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--near", "Xyzzyville", "--radius", "10km"], "no place called 'Xyzzyville'"),
        (["--near", "Hanoi", "--radius", "10"], "needs a number and a unit"),
        (["--near", "Hanoi", "--radius", "-10km"], "must be positive"),
        (["--along", "nope"], "unknown corridor id 'nope'"),
        (["--near", "Hanoi"], "--near needs --radius"),
        ([], "give --near PLACE"),
    ],
)
def test_outreach_bad_input(tmp_path, args, message):
    result = CliRunner().invoke(main, ["outreach", *args, "-o", str(tmp_path / "plan")])
    assert result.exit_code == 2 and message in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "plan").exists()


def test_outreach_into_a_missing_parent(tmp_path):
    result = CliRunner().invoke(main, ["outreach", "--near", "Hanoi", "--radius", "5km", "-o", str(tmp_path / "a" / "b")])
    assert result.exit_code == 2 and "does not exist" in result.stderr
