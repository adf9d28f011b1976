"""The offline page (maps.offline): no CDN asset left, everything inlined, small enough."""

from __future__ import annotations

import re

import pytest
from conftest import render_html
from tipmap.maps.offline import JQUERY_SHIM, add_csp, inline_assets
from tipmap.routes.errors import TipmapError


@pytest.fixture(scope="module")
def offline_atlas(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("offline") / "atlas.html"
    render_html(out, offline=True)
    return out.read_text(encoding="utf-8")


def test_no_script_or_stylesheet_is_loaded_from_the_network(offline_atlas):
    assert not re.search(r'<script[^>]+src="https?:', offline_atlas)
    assert not re.search(r'<link[^>]+href="https?:', offline_atlas)
    assert "cdn.jsdelivr.net" not in offline_atlas
    assert re.findall(r"L\.tileLayer", offline_atlas) == []  # no web tiles: the basemap is inline vector data
    assert "arcgisonline" not in offline_atlas


def test_leaflet_plugins_and_basemap_are_inline(offline_atlas):
    assert "Leaflet 1.9.4" in offline_atlas  # from django-js-lib-leaflet
    assert "L.TextPath" in offline_atlas or "setText" in offline_atlas
    assert "heatLayer" in offline_atlas
    assert JQUERY_SHIM.splitlines()[0] in offline_atlas
    assert "Basemap: Natural Earth (public domain)" in offline_atlas
    assert "tipmapBasemap" in offline_atlas and '"iso_a2":"MO"' in offline_atlas


def test_the_whole_atlas_offline_is_under_3_mb(offline_atlas):
    assert len(offline_atlas.encode("utf-8")) < 3_000_000


def test_an_unknown_cdn_asset_is_refused():
    with pytest.raises(TipmapError, match="no local copy of https://example.org/x.js"):
        inline_assets('<script src="https://example.org/x.js"></script>')


# --- the outreach plan offline and in the field apps (issue #15) ---------------------------

import json  # noqa: E402
import subprocess  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402

OGRINFO = __import__("shutil").which("ogrinfo")
needs_gdal = pytest.mark.skipif(OGRINFO is None, reason="GDAL's ogrinfo is not installed (Debian: gdal-bin)")


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory):
    """A plan near Ruili on three of the team's sites (hand-placed north and east of the base)."""
    from tipmap.maps.outreach import write_outreach
    from tipmap.routes.jobs import outreach_job

    folder = tmp_path_factory.mktemp("plan")
    sites = folder / "sites.csv"
    sites.write_text(
        "name,kind,priority,lat,lon,notes\n"
        "Karaoke <One>,karaoke bar,1,24.05,97.85,ask & wait\n"
        "Camp East,construction camp,2,24.0,97.95,\n"
        "Market,market,3,24.1,97.85,\n",
        encoding="utf-8",
    )
    result = outreach_job(near="24.0,97.85", radius="20km", data=(str(sites),), with_atlas=False)
    write_outreach(result, str(folder / "out"))
    return folder / "out", result.plan


def _ogr(path, *args):
    run = subprocess.run([OGRINFO, "-ro", "-q", str(path), *args], capture_output=True, text=True, check=True)
    return run.stdout


def _order(plan):
    return [s.name for s in sorted(plan.sites, key=lambda s: s.visit)]


@needs_gdal
def test_gpx_has_waypoints_and_a_route_in_visiting_order(plan_dir):
    out, plan = plan_dir
    gpx = out / "outreach.gpx"
    assert _ogr(gpx, "waypoints").count("OGRFeature") == 4  # the base and three sites
    route = _ogr(gpx, "route_points")
    names = re.findall(r"^\s+name \(String\) = (.*)$", route, flags=re.M)
    assert names == ["Base: 24.0000, 97.8500", *[f"{i}. {n}" for i, n in enumerate(_order(plan), 1)], "Base: 24.0000, 97.8500"]
    assert "POINT (97.95 24.0)" in route or "POINT (97.95 24)" in route
    assert "INTERNAL" in ET.parse(gpx).getroot()[0][1].text


@needs_gdal
def test_kml_and_geopackage_read_back_in_gdal(plan_dir):
    out, plan = plan_dir
    kml = _ogr(out / "outreach.kml", "-al")
    assert kml.count("OGRFeature") == 5  # base, three sites, the route line
    assert "Karaoke <One>" in kml and "LINESTRING" in kml
    sites = _ogr(out / "outreach.gpkg", "sites")
    assert sites.count("OGRFeature") == 4 and "audience (String) = internal" in sites
    route = _ogr(out / "outreach.gpkg", "route")
    assert f"total_km (Real) = {plan.tour_km:g}" in route
    assert "TIPMAP_AUDIENCE=INTERNAL: for the team, not for publication" in _ogr(out / "outreach.gpkg")


@needs_gdal
def test_odk_site_list_reads_in_gdal_with_name_and_label_first(plan_dir):
    out, plan = plan_dir
    odk = out / "outreach-odk.csv"
    assert odk.read_text(encoding="utf-8").splitlines()[0] == "name,label,latitude,longitude,visit,kind,audience"
    labels = re.findall(r"label \(String\) = (.*)$", _ogr(odk, "-al"), flags=re.M)
    assert labels[0].startswith("1. ") and len(labels) == 3


def test_the_plan_page_fetches_nothing_and_carries_the_world_and_names(plan_dir):
    out, _ = plan_dir
    html = (out / "outreach.html").read_text(encoding="utf-8")
    assert not re.findall(r'<(?:script|link|img|iframe)[^>]*(?:src|href)="https?://', html)
    assert "img-src data: blob:;" in html  # the policy allows no tile host
    assert "Mengmao" in html and "勐卯" in html  # the town across the street from the base, in both scripts
    assert "Myanmar" in html and "Brazil" in html  # country names: the whole world, not a box


def test_offline_basemap_covers_the_world_coarse_and_the_region_in_detail():
    import shapely
    from shapely.geometry import shape
    from tipmap.maps.offline_basemap import basemap_layers, region_box

    layers = basemap_layers((97.6, 23.8, 98.1, 24.2))
    land = [shape(f["geometry"]) for f in json.loads(layers["land"])["features"]]
    land = [g for g in land if g.geom_type in ("Polygon", "MultiPolygon")]
    west = min(g.bounds[0] for g in land)
    east = max(g.bounds[2] for g in land)
    assert west < -170 and east > 170  # the world, not a rectangle around the data
    box = region_box((97.6, 23.8, 98.1, 24.2))
    assert box == (94.6, 20.8, 101.1, 27.2)
    inside = [g for g in land if g.bounds[0] >= box[0] - 1e-9 and g.bounds[2] <= box[2] + 1e-9]
    outside = [g for g in land if g not in inside]
    # detail: vertices per degree of outline inside the region are many times those outside
    density = lambda gs: sum(shapely.get_num_coordinates(g) for g in gs) / sum(g.boundary.length for g in gs)  # noqa: E731
    assert density(inside) > 3 * density(outside)


def test_town_labels_by_zoom_population_and_script():
    from tipmap.maps.offline_basemap import local_name, town_labels, town_min_zoom

    assert [town_min_zoom(p) for p in (8_000_000, 1_500_000, 400_000, 150_000, 30_000, 6_000, 1_200)] == [4, 5, 6, 7, 8, 9, 10]
    towns = {t[0]: t for t in town_labels((94.6, 20.8, 101.1, 27.2))}
    assert towns["Mengmao"][1] == "勐卯" and towns["Mengmao"][4] == 7  # 112,578 people (GeoNames)
    assert towns["Mu-se"][4] == 7
    assert "Tokyo" in towns and "Khudzhand" not in towns  # the world's big towns; small ones only in the region
    assert local_name({"countrycode": "VN", "alternatenames": ["Hà Nội", "河内"]}) == ""
    assert local_name({"countrycode": "MM", "alternatenames": ["Mandalay", "မန္တလေး"]}) == "မန္တလေး"


def test_the_policy_hashes_each_inline_script_and_no_other():
    import base64
    import hashlib

    page = (
        '<html><head><meta http-equiv="content-type" content="text/html; charset=UTF-8" /></head><body>'
        '<script src="https://cdn.example/lib.js"></script>'
        '<script>var tag = "<b>";</script>'
        '<script type="text/javascript">\nrun(1);\n</script>'
        "<p>not a script</p></body></html>"
    )
    policy = add_csp(page)
    for script in ('var tag = "<b>";', "\nrun(1);\n"):
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert policy.count("'sha256-") == 2  # the script with src= is not hashed (it may not run)
