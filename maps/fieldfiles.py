"""Field files: GeoJSON (RFC 7946), GeoPackage, KML, GPX, CSV and ODK site lists.

GeoJSON, GeoPackage and CSV go through GDAL (pyogrio). GDAL's GPX driver cannot take
waypoints and routes in one write through pyogrio, and the KML driver keeps neither styles
nor folders, so GPX and KML are written here with the standard library's XML writer
(which escapes every string); tests read every file back in GDAL.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from tipmap.maps import style  # one style for map, slide and field file
from tipmap.routes.errors import OutputError, UsageProblem
from tipmap.routes.export import PRECISION, _filled, feature_layers
from tipmap.routes.jobs import AtlasResult
from tipmap.routes.output import check_writable, write_atomically
from tipmap.routes.schema import LIST_SEP
from tipmap.routes.textsafety import clean_tree, safe_cell

FORMATS = ("geojson", "gpkg", "kml", "gpx", "csv", "odk")
SUFFIXES = {
    "geojson": (".geojson", ".json"),
    "gpkg": (".gpkg",),
    "kml": (".kml",),
    "gpx": (".gpx",),
    "csv": (".csv",),
    "odk": (".csv", ".geojson"),
}


def check_export(fmt: str, output: str, *, force: bool = False) -> None:
    """Check format, suffix and path before any work ('-' is GeoJSON on stdout)."""
    if fmt not in FORMATS:
        raise UsageProblem(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
    if output == "-":
        if fmt not in ("geojson", "odk"):
            raise UsageProblem("'-o -' writes GeoJSON to stdout: use -f geojson")
        return
    if not output.lower().endswith(SUFFIXES[fmt]):
        raise OutputError(f"{output}: a {fmt} file should end in {' or '.join(SUFFIXES[fmt])}")
    check_writable(output, force=force)
    if fmt == "csv" or (fmt == "odk" and output.lower().endswith(".csv")):
        check_writable(output + ".manifest.json", force=force)


def export_atlas(result: AtlasResult, fmt: str, output: str, *, force: bool = False) -> dict[str, int]:
    """Write the atlas as ``fmt`` to ``output`` ('-' = GeoJSON on stdout); return features per layer.

    ``stamp`` (the manifest) goes into the file: a ``tipmap`` member in GeoJSON, dataset
    metadata in GeoPackage, ExtendedData in KML, the metadata description in GPX, and a
    ``FILE.manifest.json`` beside a CSV.
    """
    stamp, audience = result.manifest, result.selection.audience
    check_export(fmt, output, force=force)
    if result.layers and fmt in ("kml", "gpx", "odk"):
        raise UsageProblem(f"-f {fmt} carries atlas records only; export --data layers as geojson, gpkg or csv")
    layers = feature_layers(result.atlas, result.layers)
    counts = {name: len(frame) for name, frame in layers.items()}
    writer = {"geojson": _geojson, "gpkg": _gpkg, "kml": _kml, "gpx": _gpx, "csv": _csv, "odk": _odk}[fmt]
    if output == "-":
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "out.geojson"
            writer(layers, path, audience=audience, stamp=stamp)
            with open(path, encoding="utf-8") as handle:
                shutil.copyfileobj(handle, sys.stdout)
    else:
        write_atomically(output, lambda tmp: writer(layers, tmp, audience=audience, stamp=stamp), force=force)
        if fmt == "csv" or (fmt == "odk" and output.lower().endswith(".csv")):
            sidecar = json.dumps(stamp, ensure_ascii=False, indent=1, sort_keys=True)
            write_atomically(output + ".manifest.json", lambda tmp: tmp.write_text(sidecar, encoding="utf-8"), force=True)
    if fmt in ("odk", "gpx"):  # GPX: hotspots and support as waypoints, corridors as routes
        kept = ("hotspots", "support") if fmt == "odk" else ("corridors", "hotspots", "support")
        counts = {layer: counts[layer] for layer in kept}
    return counts


def _all_features(layers: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    frames = [f for f in layers.values() if len(f)]
    frame = pd.concat(frames, ignore_index=True) if frames else next(iter(layers.values()))
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def _normalised(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Longitudes back into [-180, 180] (corridor lines may run past 180 for drawing)."""
    from shapely import transform

    out = frame.copy()
    out["geometry"] = transform(out.geometry.values, lambda xy: _wrap(xy))
    return out


def _wrap(xy):
    xy = xy.copy()
    xy[:, 0] = (xy[:, 0] + 180.0) % 360.0 - 180.0
    return xy


def _geojson(layers, path: Path, *, audience: str, stamp: dict) -> None:
    frame = _normalised(_all_features(layers))
    pyogrio.write_dataframe(
        frame,
        path,
        driver="GeoJSON",
        layer="tipmap",
        layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": str(PRECISION), "WRITE_NAME": "NO"},
    )
    _add_member(path, stamp)


def _add_member(path: Path, stamp: dict) -> None:
    """Add the manifest as a foreign member ``tipmap`` (RFC 7946 section 6.1)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["tipmap"] = stamp
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _gpkg(layers, path: Path, *, audience: str, stamp: dict) -> None:
    os.unlink(path)  # GDAL creates the database itself
    for index, (name, frame) in enumerate(layers.items()):
        extra = {"dataset_metadata": {"TIPMAP_MANIFEST": json.dumps(stamp, sort_keys=True)}} if index == 0 else {}
        pyogrio.write_dataframe(_normalised(frame), path, driver="GPKG", layer=name, append=index > 0, **extra)


def _csv(layers, path: Path, *, audience: str, stamp: dict) -> None:
    rows = []
    for frame in layers.values():
        for _, rec in _normalised(frame).iterrows():
            geom = rec.geometry
            row = {k: safe_cell(v) for k, v in rec.items() if k != "geometry"}
            row["latitude"] = round(geom.y, PRECISION) if geom.geom_type == "Point" else None
            row["longitude"] = round(geom.x, PRECISION) if geom.geom_type == "Point" else None
            row["wkt"] = geom.wkt if geom.geom_type != "Point" else None
            rows.append(row)
    frame = pd.DataFrame(rows)
    pyogrio.write_dataframe(frame, path, driver="CSV", layer="tipmap")


def _odk(layers, path: Path, *, audience: str, stamp: dict) -> None:
    """Site list for ODK Collect / KoboToolbox ``select_one_from_file``: name+label (CSV) or id+title (GeoJSON)."""
    sites = [f for f in (layers["hotspots"], layers["support"]) if len(f)]
    frame = pd.concat(sites, ignore_index=True) if sites else layers["hotspots"]
    records = [
        {
            "name": rec["id"],
            "label": f"{rec['name']} ({rec['kind'].replace('_', ' ')}, {rec['country']})",
            "latitude": round(rec.geometry.y, PRECISION),
            "longitude": round(rec.geometry.x, PRECISION),
            "layer": rec["layer"],
            "kind": rec["kind"],
            "country": rec["country"],
        }
        for _, rec in frame.iterrows()
    ]
    if path.suffix.lower() == ".geojson" or path.name == "out.geojson":
        features = [
            {
                "type": "Feature",
                "id": r["name"],
                "geometry": {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]},
                "properties": {"id": r["name"], "title": r["label"], **{k: r[k] for k in ("layer", "kind", "country")}},
            }
            for r in records
        ]
        collection = {"type": "FeatureCollection", "features": features, "tipmap": stamp}
        path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    else:
        pd.DataFrame([{k: safe_cell(v) for k, v in r.items()} for r in records]).to_csv(path, index=False)


# --- KML and GPX ---------------------------------------------------------------------

KML_NS = "http://www.opengis.net/kml/2.2"


def _kml_colour(hex_colour: str, alpha: str = "ff") -> str:
    """KML colours are aabbggrr."""
    r, g, b = hex_colour[1:3], hex_colour[3:5], hex_colour[5:7]
    return f"{alpha}{b}{g}{r}".lower()


def _kml(layers, path: Path, *, audience: str, stamp: dict) -> None:

    ET.register_namespace("", KML_NS)
    root = ET.Element(f"{{{KML_NS}}}kml")
    doc = ET.SubElement(root, "Document")
    ET.SubElement(doc, "name").text = "tipmap atlas"
    banner = "CONFIDENTIAL: do not share. " if audience == "confidential" else ""
    ET.SubElement(doc, "description").text = f"{banner}Audience: {audience}. Made with tipmap; every feature cites its report."
    data = ET.SubElement(ET.SubElement(doc, "ExtendedData"), "Data", name="tipmap_manifest")
    ET.SubElement(data, "value").text = json.dumps(stamp, ensure_ascii=False, sort_keys=True)
    for key, swatch in style.EXPLOITATION.items():
        st = ET.SubElement(doc, "Style", id=f"corridor-{key}")
        line = ET.SubElement(st, "LineStyle")
        ET.SubElement(line, "color").text = _kml_colour(swatch.colour)
        ET.SubElement(line, "width").text = "3"
    for name, fill in (("hotspot", style.HOTSPOT_FILL), ("support", style.SUPPORT_FILL), ("place", "#FFFFFF")):
        st = ET.SubElement(doc, "Style", id=name)
        icon = ET.SubElement(st, "IconStyle")
        ET.SubElement(icon, "color").text = _kml_colour(fill)
        ET.SubElement(
            ET.SubElement(icon, "Icon"), "href"
        ).text = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"
    for name, frame in layers.items():
        folder = ET.SubElement(doc, "Folder")
        ET.SubElement(folder, "name").text = name
        for _, rec in _normalised(frame).iterrows():
            mark = ET.SubElement(folder, "Placemark", id=str(rec["id"]))
            ET.SubElement(mark, "name").text = str(rec["name"])
            ET.SubElement(mark, "description").text = _kml_description(rec)
            if name == "corridors":
                first = str(rec["exploitation"]).split(LIST_SEP)[0]
                ET.SubElement(mark, "styleUrl").text = f"#corridor-{first}"
                coords = " ".join(f"{x:.{PRECISION}f},{y:.{PRECISION}f}" for x, y in rec.geometry.coords)
                ET.SubElement(ET.SubElement(mark, "LineString"), "coordinates").text = coords
            else:
                ET.SubElement(mark, "styleUrl").text = "#" + {"hotspots": "hotspot", "support": "support"}.get(name, "place")
                point = f"{rec.geometry.x:.{PRECISION}f},{rec.geometry.y:.{PRECISION}f}"
                ET.SubElement(ET.SubElement(mark, "Point"), "coordinates").text = point
    ET.ElementTree(clean_tree(root)).write(path, encoding="utf-8", xml_declaration=True)  # no ESC/NUL (#12 H)


def _kml_description(rec) -> str:
    keys = (
        "kind",
        "country",
        "countries",
        "exploitation",
        "period_start",
        "period_end",
        "confidence",
        "intensity",
        "precision",
        "location_note",
        "routing",
        "drawn_by",
        "chosen",
        "note",
        "citation",
    )
    return "\n".join(f"{k}: {rec[k]}" for k in keys if k in rec and _filled(rec[k]))


GPX_NS = "http://www.topografix.com/GPX/1/1"


def _gpx(layers, path: Path, *, audience: str, stamp: dict) -> None:
    ET.register_namespace("", GPX_NS)
    root = ET.Element(f"{{{GPX_NS}}}gpx", version="1.1", creator="tipmap")
    meta = ET.SubElement(root, f"{{{GPX_NS}}}metadata")
    banner = "CONFIDENTIAL: do not share. " if audience == "confidential" else ""
    ET.SubElement(meta, f"{{{GPX_NS}}}desc").text = f"{banner}tipmap atlas; audience: {audience}; manifest: " + json.dumps(
        stamp, ensure_ascii=False, sort_keys=True
    )
    for name in ("hotspots", "support"):
        for _, rec in layers[name].iterrows():
            wpt = ET.SubElement(
                root, f"{{{GPX_NS}}}wpt", lat=f"{rec.geometry.y:.{PRECISION}f}", lon=f"{rec.geometry.x:.{PRECISION}f}"
            )
            ET.SubElement(wpt, f"{{{GPX_NS}}}name").text = str(rec["name"])
            ET.SubElement(wpt, f"{{{GPX_NS}}}desc").text = _kml_description(rec)
            ET.SubElement(wpt, f"{{{GPX_NS}}}type").text = f"{name[:-1] if name.endswith('s') else name}: {rec['kind']}"
    for _, rec in _normalised(layers["corridors"]).iterrows():
        rte = ET.SubElement(root, f"{{{GPX_NS}}}rte")
        ET.SubElement(rte, f"{{{GPX_NS}}}name").text = str(rec["name"])
        ET.SubElement(rte, f"{{{GPX_NS}}}desc").text = _kml_description(rec)
        for x, y in _route_points(rec):
            ET.SubElement(rte, f"{{{GPX_NS}}}rtept", lat=f"{y:.{PRECISION}f}", lon=f"{x:.{PRECISION}f}")
    ET.ElementTree(clean_tree(root)).write(path, encoding="utf-8", xml_declaration=True)  # no ESC/NUL (#12 H)


def _route_points(rec) -> list[tuple[float, float]]:
    """Route points every ~25 km along the geodesic (GPS units draw straight lines between them)."""
    return list(rec.geometry.coords)
