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
        "outreach-odk.csv",
        "outreach.csv",
        "outreach.csv.manifest.json",
        "outreach.gpkg",
        "outreach.gpx",
        "outreach.html",
        "outreach.kml",
        "outreach.md",
        "outreach.pdf",
    ]
    rows = list(csv.DictReader(io.StringIO((out / "outreach.csv").read_text())))
    assert rows[0]["name"] and float(rows[0]["latitude"]) == pytest.approx(21.0, abs=1.5)
    assert "Trafficking within Vietnam" in result.stdout and "round trip" in result.stdout  # no seed names a crossing (#13)
    assert "| visit | rank | name" in (out / "outreach.md").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tipmap-")]  # the scratch folder is gone
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


# --- field teams (issue #15) ------------------------------------------------------------

BASE = (97.85, 24.0)  # lon, lat: Ruili's side of the border


def _team_csv(path, rows, header="Site Name,Type,Priority,Latitude,Longitude,Notes"):
    """A team's site list as teams keep it: 'Site Name' and 'Type' headers, lat before lon."""
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def team(tmp_path):
    # 0.05 and 0.1 degrees north of the base: 5.53 km and 11.07 km (WGS84, hand-checked with
    # pyproj: Geod.inv(97.85, 24, 97.85, 24.05)); 1 degree north is 110.7 km, outside 20 km.
    return _team_csv(
        tmp_path / "sites.csv",
        [
            "Karaoke One,karaoke bar,2,24.05,97.85,ask for Ms. Lin",
            "Bus Station,bus station,1,24.1,97.85,",
            "Far Camp,construction camp,1,25.0,97.85,outside the radius",
        ],
    )


def _run(*args):
    return CliRunner().invoke(main, ["outreach", *map(str, args)])


def _rows(folder):
    return list(csv.DictReader(io.StringIO((folder / "outreach.csv").read_text(encoding="utf-8"))))


def test_no_atlas_plans_on_the_teams_sites_alone(tmp_path, team):
    result = _run("--near", "24.0,97.85", "--radius", "20km", "--data", team, "--no-atlas", "-o", tmp_path / "p")
    assert result.exit_code == 0, result.output
    rows = _rows(tmp_path / "p")
    assert [r["name"] for r in rows] == ["Karaoke One", "Bus Station"]  # nearest first on the way out
    assert {r["layer"] for r in rows} == {"team"} and rows[0]["kind"] == "karaoke bar"
    assert rows[0]["notes"] == "ask for Ms. Lin"
    assert float(rows[0]["distance_km"]) == pytest.approx(GEOD.inv(*BASE, 97.85, 24.05)[2] / 1000, abs=0.05)
    # legs: 5.5 km north, 5.5 km north, 11.1 km back south; the bearing of a northward leg is 000
    assert [float(r["leg_km"]) for r in rows] == [5.5, 5.5] and [r["bearing"] for r in rows] == ["000", "000"]
    assert "atlas records not used" in result.stderr


def test_no_atlas_needs_the_teams_sites(tmp_path):
    result = _run("--near", "Ruili", "--radius", "20km", "--no-atlas", "-o", tmp_path / "p")
    assert result.exit_code == 2 and "--no-atlas plans on your own sites" in result.stderr
    assert not (tmp_path / "p").exists()


def test_the_plan_is_internal_by_default_and_says_so_in_every_file(tmp_path, team):
    out = tmp_path / "p"
    assert _run("--near", "24.0,97.85", "--radius", "20km", "--data", team, "-o", out).exit_code == 0
    assert {r["audience"] for r in _rows(out)} == {"internal"}
    assert (out / "outreach.md").read_text().startswith("**INTERNAL: for the team, not for publication**")
    assert '"audience": "internal"' in (out / "outreach.csv.manifest.json").read_text()
    for name in ("outreach.gpx", "outreach.kml", "outreach.html"):
        assert "INTERNAL: for the team, not for publication" in (out / name).read_text(encoding="utf-8"), name
    assert "internal" in (out / "outreach-odk.csv").read_text().splitlines()[1]


def test_a_public_plan_is_still_possible(tmp_path, team):
    out = tmp_path / "p"
    result = _run("--near", "24.0,97.85", "--radius", "30km", "--data", team, "--audience", "public", "-o", out)
    assert result.exit_code == 0, result.output
    rows = [r for r in _rows(out) if r["layer"] == "team"]
    assert {r["audience"] for r in rows} == {"public"} and "PUBLIC" in (out / "outreach.md").read_text()
    # restricted sites are generalised for the public: no point stays where the team put it
    assert all((float(r["latitude"]), float(r["longitude"])) not in ((24.05, 97.85), (24.1, 97.85)) for r in rows)
    assert "not counted here" in result.stderr


def test_several_bases_give_one_plan_each_with_every_site_at_its_nearest_base(tmp_path):
    # two bases 0.2 degrees apart on a meridian; sites 0.05 north of the southern and north of the northern
    sites = _team_csv(
        tmp_path / "s.csv",
        ["South A,market,3,24.05,97.85,", "North A,market,3,24.25,97.85,", "Between,market,3,24.09,97.85,"],
    )
    out = tmp_path / "plans"
    args = ["--near", "24.0,97.85", "--near", "24.2,97.85", "--radius", "50km", "--data", sites, "--no-atlas", "-o", out]
    result = _run(*args)
    assert result.exit_code == 0, result.output
    folders = sorted(p.name for p in out.iterdir())
    assert folders == ["01-24-0000-97-8500", "02-24-2000-97-8500"]
    # 'Between' (24.09) is 10.0 km from the south base and 12.2 km from the north one
    assert [r["name"] for r in _rows(out / folders[0])] == ["South A", "Between"]
    assert [r["name"] for r in _rows(out / folders[1])] == ["North A"]


def test_bases_from_a_file(tmp_path, team):
    bases = tmp_path / "bases.csv"
    bases.write_text("name,lat,lon\nOffice,24.0,97.85\nField hut,25.0,97.86\n", encoding="utf-8")
    out = tmp_path / "plans"
    result = _run("--bases", bases, "--radius", "20km", "--data", team, "--no-atlas", "-o", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["01-office", "02-field-hut"]
    assert [r["name"] for r in _rows(out / "02-field-hut")] == ["Far Camp"]


def test_withheld_counts_only_what_lies_in_the_area():
    from tipmap.routes.atlas import load_atlas
    from tipmap.routes.jobs import outreach_job

    # the curated atlas's one confidential record is a shelter shown at Hanoi (support.csv: peace-house)
    hanoi = outreach_job(near="Hanoi", radius="30km")
    ruili = outreach_job(near="Ruili", radius="30km")
    assert hanoi.plan.withheld == "audience: internal; withheld in this area (confidential): 1 support"
    assert ruili.plan.withheld == "audience: internal; withheld in this area (confidential): none"
    assert "peace-house" in set(load_atlas().support["id"])


def test_support_points_obey_the_period_filters():
    from tipmap.routes.jobs import outreach_job
    from tipmap.routes.select import UNDATED_FROM

    def support(**kw):
        return [s.id for s in outreach_job(near="Hanoi", radius="30km", **kw).plan.sites if s.layer == "support"]

    assert support() == ["blue-dragon"]  # public, shown at the capital
    assert support(selection=Selection(audience="internal", until=UNDATED_FROM - 1)) == []
    assert support(selection=Selection(audience="internal", until=UNDATED_FROM)) == ["blue-dragon"]


def test_bearings_are_geodesic_and_named():
    from tipmap.routes.outreach import compass, leg_bearing, leg_text

    assert leg_bearing((0.0, 0.0), (1.0, 0.0)) == pytest.approx(90.0)
    assert leg_bearing((0.0, 0.0), (0.0, -1.0)) == pytest.approx(180.0)
    assert leg_bearing((97.85, 24.0), (97.95, 24.1)) == pytest.approx(GEOD.inv(97.85, 24.0, 97.95, 24.1)[0], abs=1e-9)
    assert [compass(b) for b in (0, 22, 23, 90, 200, 338)] == ["N", "N", "NE", "E", "S", "N"]
    assert leg_text(0.0, 180.0) == "0.0 km" and leg_text(2.44, 135.0) == "2.4 km 135° SE"


# --- the printed plan ------------------------------------------------------------------

LONG_TITLE = (
    "Outreach plan for the Ruili–Muse border towns: karaoke bars, massage parlours, jade workshops and "
    "construction camps on both sides of the 105th Mile gate, second quarter"
)


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """PDFs on A4 and Letter of a plan with 40 of the team's sites (two pages of table)."""
    from tipmap.maps.outreach_print import write_plan_pdf
    from tipmap.routes.jobs import outreach_job

    folder = tmp_path_factory.mktemp("print")
    rows = [
        f"Venue {i:02d} with a rather long name that has to wrap,karaoke bar,{1 + i % 5},"
        f"{24.0 + 0.01 * (i % 7):.3f},{97.85 + 0.012 * (i // 7):.3f},note {i}: "
        + "ask for the manager at the back door after nine in the evening" * (i % 2)
        for i in range(40)
    ]
    sites = _team_csv(folder / "sites.csv", rows)
    result = outreach_job(near="Ruili", radius="25km", data=(str(sites),))
    pages = {}
    for paper in ("a4", "letter"):
        path = folder / f"{paper}.pdf"
        pages[paper] = write_plan_pdf(result.plan, path, title=LONG_TITLE, audience="internal", paper=paper)
    return folder, result.plan, pages


def _lines(path):
    """(page number, page width, page height, text, (x0, y0, x1, y1)) of every text line."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer, LTTextLine

    out = []
    for number, page in enumerate(extract_pages(str(path)), start=1):
        for box in page:
            if isinstance(box, LTTextContainer):
                for line in box:
                    if isinstance(line, LTTextLine) and line.get_text().strip():
                        out.append((number, page.width, page.height, line.get_text().strip(), line.bbox))
    return out


@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_the_printed_plan_keeps_every_text_on_the_page_and_off_the_map(printed, paper, size):
    from tipmap.maps.outreach_print import page_layout

    folder, plan, pages = printed
    pages = pages[paper]
    lines = _lines(folder / f"{paper}.pdf")
    assert pages >= 2  # the table runs on past the first page
    assert {(round(w), round(h)) for _, w, h, _, _ in lines} == {size}
    margin = 36 - 2  # half an inch, less rounding
    for page, width, height, words, (x0, y0, x1, y1) in lines:
        assert margin <= x0 and x1 <= width - margin and margin <= y0 and y1 <= height - margin, (page, words)
    layout = page_layout(plan, LONG_TITLE, paper)
    mx0, my0, mx1, my1 = (layout.map_box[0] * size[0], layout.map_box[1] * size[1], layout.map_box[2] * size[0], layout.map_box[3] * size[1])
    for page, _, _, words, (x0, y0, x1, y1) in lines:
        if page == 1 and x0 < mx1 and mx0 < x1 and y0 < my1 and my0 < y1:  # touches the map: must be a map label
            assert mx0 <= x0 and x1 <= mx1 and my0 <= y0 and y1 <= my1, words
            assert words not in layout.title_lines + layout.summary_lines, words
            assert "From previous" not in words and "INTERNAL" not in words and "Route total" not in words
    assert len(layout.title_lines) >= 2  # the title wraps
    texts = [w for _, _, _, w, _ in lines]
    assert all(any(t.startswith(piece) or piece in t for t in texts) for piece in layout.title_lines)
    for number in range(1, pages + 1):
        on_page = [w for p, _, _, w, _ in lines if p == number]
        assert any("INTERNAL: for the team, not for publication" in w for w in on_page), number
        assert any(f"page {number} of {pages}" in w for w in on_page)
    assert any(t.startswith("Route total") and f"{plan.tour_km:,.1f} km" in t for t in texts) or (
        "Route total" in texts and f"{plan.tour_km:,.1f} km" in texts
    )
    assert any(t.endswith(" km") and t[:-3].replace(".", "").isdigit() for t in texts)  # the scale bar's label


def test_the_printed_table_lists_every_stop_with_leg_and_bearing(printed):
    from tipmap.maps.outreach_print import table_rows

    folder, plan, _ = printed
    rows = table_rows(plan)
    assert len(rows) == len(plan.sites) + 1 and rows[-1][1].startswith("Back to base")
    assert [r[0] for r in rows[:-1]] == [str(i) for i in range(1, len(plan.sites) + 1)]
    first = sorted(plan.sites, key=lambda s: s.visit)[0]
    az = GEOD.inv(plan.base.lon, plan.base.lat, first.lon, first.lat)[0] % 360
    assert rows[0][3].startswith(f"{plan.legs_km[0]:,.1f} km") and (plan.legs_km[0] < 0.05 or f"{az:03.0f}°" in rows[0][3])
    text = " ".join(w for _, _, _, w, _ in _lines(folder / "a4.pdf"))
    assert "Venue 00" in text and "note 1: ask for the" in text


GPX_SITES = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="OsmAnd" xmlns="http://www.topografix.com/GPX/1/1">
  <wpt lat="24.05" lon="97.85"><name>Karaoke One</name><desc>ask for Ms. Lin</desc><type>karaoke bar</type></wpt>
  <wpt lat="24.1" lon="97.85"><name>Bus Station</name><type>bus station</type></wpt>
  <rte><name>not a site</name><rtept lat="24.2" lon="97.85"/><rtept lat="24.3" lon="97.85"/></rte>
</gpx>
"""

KML_SITES = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Team sites</name>
  <Folder><name>Venues</name>
    <Placemark><name>Karaoke One</name><description>ask for Ms. Lin</description>
      <Point><coordinates>97.85,24.05</coordinates></Point></Placemark>
  </Folder>
  <Folder><name>Transport</name>
    <Placemark><name>Bus Station</name><Point><coordinates>97.85,24.1</coordinates></Point></Placemark>
    <Placemark><name>Road</name><LineString><coordinates>97.85,24.0 97.9,24.1</coordinates></LineString></Placemark>
  </Folder>
</Document></kml>
"""


@pytest.mark.parametrize(("name", "content", "kinds"), [
    ("sites.gpx", GPX_SITES, ["karaoke bar", "bus station"]),
    ("sites.kml", KML_SITES, ["team_site", "team_site"]),
])
def test_the_teams_sites_from_gpx_waypoints_and_kml_placemarks(tmp_path, name, content, kinds):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = _run("--near", "24.0,97.85", "--radius", "50km", "--data", path, "--no-atlas", "-o", tmp_path / "p")
    assert result.exit_code == 0, result.output
    rows = _rows(tmp_path / "p")
    assert [r["name"] for r in rows] == ["Karaoke One", "Bus Station"]  # the route and the line are not sites
    assert [r["kind"] for r in rows] == kinds and rows[0]["notes"] == "ask for Ms. Lin"


def test_a_waypoint_file_with_no_point_is_one_line(tmp_path):
    path = tmp_path / "empty.gpx"
    path.write_text('<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"></gpx>', encoding="utf-8")
    result = _run("--near", "24.0,97.85", "--radius", "50km", "--data", path, "--no-atlas", "-o", tmp_path / "p")
    assert result.exit_code == 1 and result.stderr == f"Error: {path}: no waypoint or point placemark to plan on\n"
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(
    ("name", "encoding", "text"),
    [
        ("semicolons", "utf-8", "name;kind;lat;lon;notes\nKaraoke One;karaoke bar;24.05;97.85;ask for Ms. Lin\n"),
        ("UTF-16 from Excel", "utf-16", "name\tkind\tlat\tlon\tnotes\nKaraoke One\tkaraoke bar\t24.05\t97.85\task for Ms. Lin\n"),
        (
            "an unquoted comma",
            "utf-8",
            "name,kind,lat,lon,notes\nKaraoke One,karaoke bar,24.05,97.85,ask for Ms. Lin\nPier, 3,boat,24.1,97.85,\n",
        ),
    ],
)
def test_team_sites_are_read_by_the_same_reader_as_every_other_file(tmp_path, name, encoding, text):
    """Found by an independent tester: site names and notes were read with a comma-only
    pd.read_csv, so a semicolon list became 'Site 1', UTF-16 and a ragged row crashed."""
    path = tmp_path / ("sites.tsv" if "\t" in text else "sites.csv")
    path.write_bytes(text.encode(encoding))
    result = _run("--near", "24.0,97.85", "--radius", "20km", "--data", path, "--no-atlas", "-o", tmp_path / "p")
    assert result.exit_code == 0, (name, result.output)
    rows = _rows(tmp_path / "p")
    assert [(r["name"], r["kind"], r["notes"]) for r in rows] == [("Karaoke One", "karaoke bar", "ask for Ms. Lin")], name
    if "Pier" in text:
        assert "1 row has more fields than the header" in result.stderr and "(row 2)" in result.stderr
