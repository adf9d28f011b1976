"""Field files (routes.export): every format reads back in GDAL with the same features,
longitude/latitude in the right order."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pyogrio
import pytest
from click.testing import CliRunner
from tipmap.cli import main

# tiny atlas, public audience: 2 corridors, 1 hotspot (casino at 1E 0N; the restricted venue lies in the
# Gulf of Guinea where no H3 cell up to resolution 3 holds 5 towns, so it is withheld: spatial k < 5),
# 4 places, 1 support (NGO at 2E 0N; the confidential shelter is withheld)
KML = "http://www.opengis.net/kml/2.2"
PUBLIC = {"corridors": 2, "hotspots": 1, "places": 4, "support": 1}


def export(tmp_path, tiny_dir, fmt, name, *extra):
    out = tmp_path / name
    result = CliRunner().invoke(main, ["export", "-f", fmt, "-o", str(out), "--atlas", str(tiny_dir), *extra])
    assert result.exit_code == 0, result.output
    return out


def gdal_counts(path) -> dict[str, int]:
    return {
        name: pyogrio.read_info(path, layer=name, force_feature_count=True)["features"] for name, _ in pyogrio.list_layers(path)
    }


def test_geojson_is_rfc7946(tmp_path, tiny_dir):
    out = export(tmp_path, tiny_dir, "geojson", "atlas.geojson")
    data = json.loads(out.read_text())
    assert "crs" not in data and len(data["features"]) == sum(PUBLIC.values())
    casino = next(f for f in data["features"] if f["properties"]["id"] == "h-casino")
    assert casino["geometry"]["coordinates"] == [1.0, 0.0]  # longitude first
    assert "Women are sold across the border." in casino["properties"]["citation"]
    assert gdal_counts(out) == {"atlas": sum(PUBLIC.values())}


def test_geojson_to_stdout(tmp_path, tiny_dir):
    result = CliRunner().invoke(main, ["export", "-f", "geojson", "-o", "-", "--atlas", str(tiny_dir)])
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["features"]) == sum(PUBLIC.values())


def test_geopackage_has_one_layer_per_atlas_layer(tmp_path, tiny_dir):
    out = export(tmp_path, tiny_dir, "gpkg", "atlas.gpkg")
    assert gdal_counts(out) == PUBLIC
    frame = pyogrio.read_dataframe(out, layer="hotspots")
    assert (frame.geometry.x[0], frame.geometry.y[0]) == (1.0, 0.0)


def test_kml_has_folders_styles_and_citations(tmp_path, tiny_dir):
    out = export(tmp_path, tiny_dir, "kml", "atlas.kml")
    ns = {"k": KML}
    doc = ET.parse(out).getroot()
    folders = {f.findtext("k:name", namespaces=ns): len(f.findall("k:Placemark", ns)) for f in doc.iter(f"{{{KML}}}Folder")}
    assert folders == PUBLIC
    styles = {s.get("id") for s in doc.iter(f"{{{KML}}}Style")}
    assert {"corridor-forced_marriage", "hotspot", "support"} <= styles
    bride = next(p for p in doc.iter(f"{{{KML}}}Placemark") if p.get("id") == "c-bride")
    assert bride.findtext("k:styleUrl", namespaces=ns) == "#corridor-forced_marriage"
    assert bride.find(".//k:LineStyle", ns) is None and "Women are sold" in bride.findtext("k:description", namespaces=ns)
    casino = next(p for p in doc.iter(f"{{{KML}}}Placemark") if p.get("id") == "h-casino")
    assert casino.findtext(".//k:coordinates", namespaces=ns) == "1.000000,0.000000"  # lon,lat
    assert gdal_counts(out) == PUBLIC  # GDAL reads each folder as a layer


def test_gpx_has_waypoints_and_routes(tmp_path, tiny_dir):
    out = export(tmp_path, tiny_dir, "gpx", "atlas.gpx")
    counts = gdal_counts(out)
    assert counts["waypoints"] == PUBLIC["hotspots"] + PUBLIC["support"] and counts["routes"] == PUBLIC["corridors"]
    waypoints = pyogrio.read_dataframe(out, layer="waypoints")
    casino = waypoints[waypoints["name"] == "Border casino"].geometry.iloc[0]
    assert (casino.x, casino.y) == (1.0, 0.0)


def test_csv_has_lat_lon_for_points_and_wkt_for_lines(tmp_path, tiny_dir):
    out = export(tmp_path, tiny_dir, "csv", "atlas.csv")
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == sum(PUBLIC.values())
    casino = next(r for r in rows if r["id"] == "h-casino")
    assert (float(casino["latitude"]), float(casino["longitude"])) == (0.0, 1.0)
    bride = next(r for r in rows if r["id"] == "c-bride")
    assert bride["wkt"].startswith("LINESTRING (0 0,") and bride["latitude"] == ""
    assert pyogrio.read_info(out, force_feature_count=True)["features"] == sum(PUBLIC.values())


@pytest.mark.parametrize("name", ["sites.csv", "sites.geojson"])
def test_odk_site_list(tmp_path, tiny_dir, name):
    out = export(tmp_path, tiny_dir, "odk", name)
    if name.endswith(".csv"):
        rows = list(csv.DictReader(io.StringIO(out.read_text())))
        assert [r["name"] for r in rows] == ["h-casino", "o-ngo"]
        assert rows[0]["label"] == "Border casino (casino, CN)" and (rows[0]["latitude"], rows[0]["longitude"]) == ("0.0", "1.0")
    else:
        features = json.loads(out.read_text())["features"]
        assert [(f["id"], f["properties"]["title"]) for f in features][0] == ("h-casino", "Border casino (casino, CN)")
        assert features[0]["geometry"]["coordinates"] == [1.0, 0.0]
    assert pyogrio.read_info(out, force_feature_count=True)["features"] == 2


def test_export_respects_the_audience(tmp_path, tiny_dir):
    out = export(tmp_path, tiny_dir, "geojson", "all.geojson", "--audience", "confidential")
    ids = {f["properties"]["id"] for f in json.loads(out.read_text())["features"]}
    assert {"h-venue", "o-shelter"} <= ids


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL's ogrinfo is not installed (Debian: gdal-bin)")
@pytest.mark.parametrize(
    ("fmt", "name", "expected"),
    [
        ("gpkg", "a.gpkg", PUBLIC),
        ("kml", "a.kml", PUBLIC),
        ("gpx", "a.gpx", {"waypoints": 2, "routes": 2, "tracks": 0, "route_points": None, "track_points": 0}),
        ("geojson", "a.geojson", {"a": 8}),
        ("csv", "a.csv", {"a": 8}),
    ],
)
def test_ogrinfo_reads_every_file(tmp_path, tiny_dir, fmt, name, expected):
    out = export(tmp_path, tiny_dir, fmt, name)
    report = subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(out)], capture_output=True, text=True, check=True).stdout
    layers = [line.split(": ", 1)[1] for line in report.splitlines() if line.startswith("Layer name")]
    counts = [int(line.split(": ")[1]) for line in report.splitlines() if line.startswith("Feature Count")]
    found = dict(zip(layers, counts))
    assert {k: v for k, v in found.items() if expected.get(k, 0) is not None} == {
        k: v for k, v in expected.items() if v is not None
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "kml", "-o", "{tmp}/x.gpx"], "a kml file should end in .kml"),
        (["-f", "gpx", "-o", "-"], "'-o -' writes GeoJSON to stdout"),
        (["-f", "csv", "-o", "{tmp}/no/x.csv"], "does not exist"),
        (["-f", "kml", "-o", "{tmp}/x.kml", "--corridor", "nope"], "unknown corridor id 'nope'"),
    ],
)
def test_export_bad_input(tmp_path, tiny_dir, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = CliRunner().invoke(main, ["export", *args, "--atlas", str(tiny_dir)])
    assert result.exit_code == 2 and message in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["atlas"]
