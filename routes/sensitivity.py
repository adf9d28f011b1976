"""Sensitivity levels and what each audience may see.

- public: confidential records removed; restricted points generalised to a ~10 km cell
  (deterministic jitter per record, so repeated exports cannot be averaged back to the
  site) and renamed by kind; restricted corridors reduced to their end towns.
- internal: restricted records exact; confidential removed.
- confidential: everything; every output is stamped CONFIDENTIAL.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field, replace

import geopandas as gpd
from shapely.geometry import Point
from tipmap.routes.geodesy import geodesic_line, path_length_km, waypoint_positions

AUDIENCES: tuple[str, ...] = ("public", "internal", "confidential")
#: Records an audience receives at all (restricted ones may still be generalised).
VISIBLE: dict[str, tuple[str, ...]] = {
    "public": ("public", "restricted"),
    "internal": ("public", "restricted"),
    "confidential": ("public", "restricted", "confidential"),
}
#: Size of the generalisation cell (degrees of latitude; longitude scaled to keep ~11 km).
CELL_DEG = 0.1


@dataclass(frozen=True)
class Redaction:
    """What an output's audience withheld: records removed and records generalised, per layer."""

    audience: str = "public"
    removed: dict[str, int] = field(default_factory=dict)
    generalised: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        """One line: 'audience: public; withheld: 1 support (confidential); generalised: 1 hotspots'."""
        removed = ", ".join(f"{n} {layer}" for layer, n in self.removed.items() if n)
        general = ", ".join(f"{n} {layer}" for layer, n in self.generalised.items() if n)
        parts = [f"audience: {self.audience}"]
        parts.append(f"withheld (confidential): {removed or 'none'}")
        if self.audience == "public":
            parts.append(f"generalised (restricted): {general or 'none'}")
        return "; ".join(parts)

    @property
    def is_confidential(self) -> bool:
        """Whether the output carries confidential records and must be stamped."""
        return self.audience == "confidential"


def generalised_point(record_id: str, lon: float, lat: float) -> Point:
    """The centre of the ~10 km cell holding (lon, lat), moved by a fixed per-record jitter.

    The jitter depends only on the record id, so every export of the record gives the
    same point: averaging exports cannot recover the site.
    """
    lat_step = CELL_DEG
    lon_step = min(CELL_DEG / max(math.cos(math.radians(lat)), 0.05), 10.0)
    cell_lat = (math.floor(lat / lat_step) + 0.5) * lat_step
    cell_lon = (math.floor(lon / lon_step) + 0.5) * lon_step
    digest = hashlib.sha256(f"tipmap-generalise:{record_id}".encode()).digest()
    jx, jy = digest[0] / 255.0 - 0.5, digest[1] / 255.0 - 0.5
    return Point(cell_lon + jx * 0.6 * lon_step, max(min(cell_lat + jy * 0.6 * lat_step, 90.0), -90.0))


def generalise_points(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, int]:
    """Restricted hotspots or support points moved to their cells and renamed by kind."""
    restricted = frame["sensitivity"] == "restricted"
    if not restricted.any():
        return frame, 0
    out = frame.copy()
    out.loc[restricted, "geometry"] = [
        generalised_point(rid, geom.x, geom.y) for rid, geom in zip(out.loc[restricted, "id"], out.loc[restricted, "geometry"])
    ]
    out.loc[restricted, "name"] = [
        f"{k.replace('_', ' ').capitalize()} (location generalised)" for k in out.loc[restricted, "kind"]
    ]
    for column in ("name_local", "location_note", "services", "place"):
        if column in out:
            out.loc[restricted, column] = None
    out.loc[restricted, "precision"] = "region"
    out.loc[restricted, "location_note"] = "Restricted record: shown in a ~10 km cell for public output"
    return gpd.GeoDataFrame(out, geometry="geometry", crs=frame.crs), int(restricted.sum())


def generalise_corridors(frame: gpd.GeoDataFrame, lonlat: dict[str, tuple[float, float]]) -> tuple[gpd.GeoDataFrame, int]:
    """Restricted corridors reduced to a line between their end towns (no transit places)."""
    restricted = frame["sensitivity"] == "restricted"
    if not restricted.any():
        return frame, 0
    out = frame.copy()
    rows = []
    for index, row in out[restricted].iterrows():
        ends = (row["waypoints"][0], row["waypoints"][-1])
        points = [lonlat[p] for p in ends]
        line = geodesic_line(points)
        rows.append((index, ends, line, waypoint_positions(line, points), round(path_length_km(points), 1)))
    for index, ends, _line, positions, km in rows:
        out.at[index, "waypoints"] = ends
        out.at[index, "waypoint_lonlat"] = positions
        out.at[index, "length_km"] = km
        out.at[index, "routing"] = "Restricted route: shown between its end towns only"
    out.loc[restricted, "geometry"] = [r[2] for r in rows]
    return gpd.GeoDataFrame(out, geometry="geometry", crs=frame.crs), int(restricted.sum())


def with_redaction(atlas, redaction: Redaction):
    """``atlas`` carrying its redaction summary."""
    return replace(atlas, redaction=redaction)
