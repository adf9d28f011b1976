"""The outreach plan as field files: GPX, KML, GeoPackage and an ODK site list.

- GPX 1.1 (OsmAnd, Organic Maps, GPS units): the base and each site as a waypoint, and
  one route through them in visiting order, from the base and back;
- KML (Google Earth): a folder of numbered sites and the route as a line;
- GeoPackage (QField, QGIS): a ``sites`` point layer and a ``route`` line layer;
- ODK site list (CSV for ``select_one_from_file``): name, label, coordinates, order.

Every file carries the audience (GPX metadata, KML document description, a column in the
GeoPackage and ODK tables). XML is written with the standard library (which escapes every
string); the tests read every file back with GDAL.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
from tipmap.maps.phone import STAMPS
from tipmap.routes.outreach import OutreachPlan, leg_text
from tipmap.routes.textsafety import safe_cell

GPX_NS = "http://www.topografix.com/GPX/1/1"
KML_NS = "http://www.opengis.net/kml/2.2"
PRECISION = 6
FILES = ("outreach.gpx", "outreach.kml", "outreach.gpkg", "outreach-odk.csv")


def stops(plan: OutreachPlan) -> list[dict]:
    """The base, each site in visiting order, with the leg from the previous stop."""
    order = sorted(plan.sites, key=lambda s: s.visit)
    out = [
        {
            "visit": 0,
            "id": "base",
            "name": f"Base: {plan.base.name}",
            "kind": "base",
            "layer": "base",
            "notes": "",
            "lon": plan.base.lon,
            "lat": plan.base.lat,
            "leg_km": 0.0,
            "bearing": None,
        }
    ]
    for i, site in enumerate(order):
        bearing = plan.bearings[i] if i < len(plan.bearings) else None
        out.append(
            {
                "visit": site.visit,
                "id": site.id,
                "name": site.name,
                "kind": site.kind,
                "layer": site.layer,
                "notes": site.notes,
                "lon": site.lon,
                "lat": site.lat,
                "leg_km": plan.legs_km[i] if i < len(plan.legs_km) else 0.0,
                "bearing": bearing,
            }
        )
    return out


def _leg(stop: dict) -> str:
    if stop["bearing"] is None:
        return ""
    return leg_text(stop["leg_km"], stop["bearing"]) + " from the previous stop"


def _stamp(audience: str) -> str:
    return STAMPS.get(audience, STAMPS["internal"])[0]


def write_gpx(plan: OutreachPlan, path: Path, *, audience: str, stamp: dict) -> None:
    """Waypoints (base and sites) and one route in visiting order, back to the base."""
    ET.register_namespace("", GPX_NS)
    q = lambda tag: f"{{{GPX_NS}}}{tag}"  # noqa: E731
    root = ET.Element(q("gpx"), version="1.1", creator="tipmap")
    meta = ET.SubElement(root, q("metadata"))
    ET.SubElement(meta, q("name")).text = f"Outreach: sites {plan.area_label}"
    ET.SubElement(meta, q("desc")).text = f"{_stamp(audience)}. audience: {audience}; manifest: " + json.dumps(
        stamp, ensure_ascii=False, sort_keys=True
    )
    every = stops(plan)
    for stop in every:
        wpt = ET.SubElement(root, q("wpt"), lat=f"{stop['lat']:.{PRECISION}f}", lon=f"{stop['lon']:.{PRECISION}f}")
        label = stop["name"] if stop["visit"] == 0 else f"{stop['visit']}. {stop['name']}"
        ET.SubElement(wpt, q("name")).text = label
        ET.SubElement(wpt, q("desc")).text = "; ".join(x for x in (stop["kind"], stop["notes"], _leg(stop)) if x)
        ET.SubElement(wpt, q("type")).text = stop["layer"]
    rte = ET.SubElement(root, q("rte"))
    ET.SubElement(rte, q("name")).text = f"Round trip {plan.tour_km:,.1f} km"
    ET.SubElement(rte, q("desc")).text = f"{_stamp(audience)}. Visiting order from the base and back (straight legs)."
    for stop in [*every, every[0]]:
        point = ET.SubElement(rte, q("rtept"), lat=f"{stop['lat']:.{PRECISION}f}", lon=f"{stop['lon']:.{PRECISION}f}")
        ET.SubElement(point, q("name")).text = stop["name"] if stop["visit"] == 0 else f"{stop['visit']}. {stop['name']}"
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def write_kml(plan: OutreachPlan, path: Path, *, audience: str, stamp: dict) -> None:
    """A folder of numbered sites and the round trip as a line."""
    ET.register_namespace("", KML_NS)
    q = lambda tag: f"{{{KML_NS}}}{tag}"  # noqa: E731
    root = ET.Element(q("kml"))
    doc = ET.SubElement(root, q("Document"))
    ET.SubElement(doc, q("name")).text = f"Outreach: sites {plan.area_label}"
    ET.SubElement(doc, q("description")).text = f"{_stamp(audience)}. Audience: {audience}. {plan.withheld}"
    data = ET.SubElement(ET.SubElement(doc, q("ExtendedData")), q("Data"), name="tipmap_manifest")
    ET.SubElement(data, q("value")).text = json.dumps(stamp, ensure_ascii=False, sort_keys=True)
    folder = ET.SubElement(doc, q("Folder"))
    ET.SubElement(folder, q("name")).text = "Sites (visiting order)"
    every = stops(plan)
    for stop in every:
        mark = ET.SubElement(folder, q("Placemark"))
        ET.SubElement(mark, q("name")).text = stop["name"] if stop["visit"] == 0 else f"{stop['visit']}. {stop['name']}"
        ET.SubElement(mark, q("description")).text = "\n".join(x for x in (stop["kind"], stop["notes"], _leg(stop)) if x)
        ET.SubElement(
            ET.SubElement(mark, q("Point")), q("coordinates")
        ).text = f"{stop['lon']:.{PRECISION}f},{stop['lat']:.{PRECISION}f}"
    route = ET.SubElement(doc, q("Placemark"))
    ET.SubElement(route, q("name")).text = f"Round trip {plan.tour_km:,.1f} km"
    coords = " ".join(f"{s['lon']:.{PRECISION}f},{s['lat']:.{PRECISION}f}" for s in [*every, every[0]])
    ET.SubElement(ET.SubElement(route, q("LineString")), q("coordinates")).text = coords
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def write_gpkg(plan: OutreachPlan, path: Path, *, audience: str, stamp: dict) -> None:
    """Layers ``sites`` (points, in visiting order) and ``route`` (the round trip)."""
    import geopandas as gpd
    import pyogrio
    from shapely.geometry import LineString, Point

    every = stops(plan)
    sites = gpd.GeoDataFrame(
        [
            {
                "visit": s["visit"],
                "name": s["name"],
                "kind": s["kind"],
                "layer": s["layer"],
                "notes": s["notes"],
                "leg_km": s["leg_km"],
                "bearing": s["bearing"],
                "audience": audience,
            }
            for s in every
        ],
        geometry=[Point(s["lon"], s["lat"]) for s in every],
        crs="EPSG:4326",
    )
    line = LineString([(s["lon"], s["lat"]) for s in [*every, every[0]]]) if len(every) > 1 else None
    route = gpd.GeoDataFrame(
        [{"name": f"Round trip {plan.tour_km:,.1f} km", "total_km": plan.tour_km, "audience": audience}],
        geometry=[line],
        crs="EPSG:4326",
    )
    meta = {"TIPMAP_MANIFEST": json.dumps(stamp, sort_keys=True), "TIPMAP_AUDIENCE": _stamp(audience)}
    if path.exists():
        path.unlink()  # GDAL creates the database itself
    pyogrio.write_dataframe(sites, path, driver="GPKG", layer="sites", dataset_metadata=meta)
    pyogrio.write_dataframe(route, path, driver="GPKG", layer="route", append=True)


def write_odk(plan: OutreachPlan, path: Path, *, audience: str, stamp: dict) -> None:
    """ODK Collect / KoboToolbox site list (``select_one_from_file``): name and label first."""
    rows = [
        {
            "name": s["id"],
            "label": f"{s['visit']}. {s['name']} ({s['kind'].replace('_', ' ')})",
            "latitude": round(s["lat"], PRECISION),
            "longitude": round(s["lon"], PRECISION),
            "visit": s["visit"],
            "kind": s["kind"],
            "audience": audience,
        }
        for s in stops(plan)[1:]
    ]
    frame = pd.DataFrame(rows, columns=["name", "label", "latitude", "longitude", "visit", "kind", "audience"])
    frame = frame.apply(lambda col: col.map(safe_cell)) if len(frame) else frame
    frame.to_csv(path, index=False)


WRITERS = {"outreach.gpx": write_gpx, "outreach.kml": write_kml, "outreach.gpkg": write_gpkg, "outreach-odk.csv": write_odk}
