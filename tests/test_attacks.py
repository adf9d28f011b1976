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
            {"id": ["s1", "s2"], "kind": ["shelter", "ngo"], "name": ["Safe house", "NGO"], "sensitivity": ["restricted", "public"]},
            geometry=[Point(x, y), Point(105.85, 21.03)],
            crs="EPSG:4326",
        )
        frames.append(generalise_layer(frame, "support", min_k=1))
    assert frames[0].frame.to_json() == frames[1].frame.to_json()
    assert (frames[0].generalised, frames[0].widened, frames[0].k_min) == (frames[1].generalised, frames[1].widened, frames[1].k_min)


def _restricted_bangkok(tables):
    """The tiny atlas where the venue is a restricted site in Bangkok, cited by its own source
    whose quote gives the address, and the bride route is restricted."""
    from conftest import HEADERS

    venue = next(r for r in tables["places.csv"] if r[0] == "a-venue")
    venue[3], venue[5], venue[6] = "TH", "100.5018", "13.7563"
    tables["sources.csv"].append(["s-addr", "Raid report", "", "", "", "addr.txt", "The house at 14 Soi Secret Lane holds girls."])
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
