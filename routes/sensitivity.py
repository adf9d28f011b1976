"""Sensitivity levels and what each audience may see.

- public: confidential records removed; restricted records generalised (below);
- internal: restricted records exact; confidential removed;
- confidential: everything; every output is stamped CONFIDENTIAL.

Generalisation of a restricted point, for the public (see the README's Safety section):

1. The point's area is its H3 cell at :data:`BASE_RESOLUTION` (about 250 km²). The
   published point depends only on that cell and the installation's secret key
   (:mod:`routes.secret`): moving the true point inside its cell changes nothing.
2. The published point lies on a ring around the cell's centre, at a bearing and distance
   drawn from HMAC-SHA256(key, cell): never closer than :data:`DONUT_M` to any point of the
   cell, so never closer than that to the true point, and without the key the ring does
   not say which of the cells around it holds the site.
3. The spatial k of the area is the larger of the GeoNames towns (1,000+ people) and the
   records of the same kind that share it. Below ``min_k`` the area is widened to the
   parent cell (resolution 4, then 3); if that is not enough the record is withheld.
4. The record keeps no name, local name, note, place, services, quote-derived volume or
   transit place, and its id is replaced by an opaque keyed id.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache

import geopandas as gpd
import pandas as pd
from pyproj import Geod
from shapely.geometry import Point
from tipmap.routes.geodesy import geodesic_line, path_length_km, waypoint_positions
from tipmap.routes.policy import AUDIENCES  # noqa: F401  (re-exported)
from tipmap.routes.secret import installation_key, keyed_digest, opaque_id

#: Records an audience receives at all (restricted ones may still be generalised).
VISIBLE: dict[str, tuple[str, ...]] = {
    "public": ("public", "restricted"),
    "internal": ("public", "restricted"),
    "confidential": ("public", "restricted", "confidential"),
}
STRICTNESS: dict[str, int] = {"public": 0, "restricted": 1, "confidential": 2}
#: H3 resolution of the generalisation area (~253 km², ~10 km edge) and the coarsest widening.
BASE_RESOLUTION = 5
COARSEST_RESOLUTION = 3
#: Least spatial k (candidate towns or same-kind records sharing the area) before widening.
MIN_K = 5
#: No published point lies closer than this (metres) to any point of its area.
DONUT_M = 2000.0
#: Kept for callers of the old API: the base area is about a tenth of a degree across.
CELL_DEG = 0.1
_GEOD = Geod(ellps="WGS84")
#: What stands for a quote cited only by restricted records in public outputs.
QUOTE_WITHHELD = "(quote withheld: cited by a restricted record)"


@dataclass(frozen=True)
class Redaction:
    """What an output's audience withheld: records removed and records generalised, per layer.

    ``withheld_low_k`` counts restricted records withheld because even the coarsest area
    had fewer than ``min_k`` candidates; ``widened`` those shown in a coarser area than
    the base cell; ``k_min`` the smallest spatial k among the published generalised points.
    """

    audience: str = "public"
    removed: dict[str, int] = field(default_factory=dict)
    generalised: dict[str, int] = field(default_factory=dict)
    widened: dict[str, int] = field(default_factory=dict)
    withheld_low_k: dict[str, int] = field(default_factory=dict)
    k_min: dict[str, int] = field(default_factory=dict)
    min_k: int = MIN_K
    resolution: int = BASE_RESOLUTION

    def describe(self) -> str:
        """One line: 'audience: public; withheld (confidential): 1 support; generalised (restricted): 1 hotspots'."""
        removed = _counts(self.removed)
        parts = [f"audience: {self.audience}", f"withheld (confidential): {removed or 'none'}"]
        if self.audience == "public":
            parts.append(f"generalised (restricted): {_counts(self.generalised) or 'none'}")
            if _counts(self.widened):
                parts.append(f"widened (spatial k < {self.min_k}): {_counts(self.widened)}")
            if _counts(self.withheld_low_k):
                parts.append(f"withheld (spatial k < {self.min_k}): {_counts(self.withheld_low_k)}")
        return "; ".join(parts)

    def summary(self) -> dict[str, object]:
        """The redaction as plain data for a manifest."""
        return {
            "removed_confidential": dict(self.removed),
            "generalised_restricted": dict(self.generalised),
            "widened_low_k": dict(self.widened),
            "withheld_low_k": dict(self.withheld_low_k),
            "spatial_k_min": dict(self.k_min),
            "generalisation": {
                "grid": "H3",
                "resolution": self.resolution,
                "min_k": self.min_k,
                "min_distance_m": DONUT_M,
                "displacement": "HMAC-SHA256 of the cell under a secret installation key",
            },
        }

    @property
    def is_confidential(self) -> bool:
        """Whether the output carries confidential records and must be stamped."""
        return self.audience == "confidential"


def _counts(values: dict[str, int]) -> str:
    """'1 hotspots, 2 support' (places are counted in the manifest, not in this line)."""
    return ", ".join(f"{n} {layer}" for layer, n in values.items() if n and layer != "places")


def area_cell(lon: float, lat: float, resolution: int = BASE_RESOLUTION) -> str:
    """The H3 cell (the generalisation area) holding (lon, lat) at ``resolution``."""
    import h3

    cell = h3.latlng_to_cell(lat, lon, BASE_RESOLUTION)
    return cell if resolution == BASE_RESOLUTION else h3.cell_to_parent(cell, resolution)


@cache
def cell_reach_m(cell: str) -> float:
    """How far (metres) any point of ``cell``'s area lies at most from the cell's centre.

    Measured over the vertices of the base-resolution cells it holds (H3 parents do not
    contain their children exactly), plus 5 % for the edges' curvature.
    """
    import h3

    res = h3.get_resolution(cell)
    members = [cell] if res >= BASE_RESOLUTION else list(h3.cell_to_children(cell, BASE_RESOLUTION))
    vertices = [v for member in members for v in h3.cell_to_boundary(member)]
    lat0, lon0 = h3.cell_to_latlng(cell)
    _, _, dist = _GEOD.inv([lon0] * len(vertices), [lat0] * len(vertices), [v[1] for v in vertices], [v[0] for v in vertices])
    return float(max(dist)) * 1.05


def cell_point(cell: str, key: bytes | None = None) -> tuple[float, float]:
    """The published (lon, lat) for an area: on a keyed ring around the cell's centre.

    The ring runs from (reach + :data:`DONUT_M`) to (2 × reach + :data:`DONUT_M`) from the
    centre, uniform in area; bearing and distance come from HMAC-SHA256(key, cell).
    """
    import h3

    digest = keyed_digest(f"tipmap-cell:{cell}", key)
    u_bearing = int.from_bytes(digest[:8], "big") / 2**64
    u_radius = int.from_bytes(digest[8:16], "big") / 2**64
    reach = cell_reach_m(cell)
    inner, outer = reach + DONUT_M, 2 * reach + DONUT_M
    distance = math.sqrt(inner**2 + u_radius * (outer**2 - inner**2))
    lat0, lon0 = h3.cell_to_latlng(cell)
    lon, lat, _ = _GEOD.fwd(lon0, lat0, 360.0 * u_bearing, distance)
    return (float(lon), float(lat))


def generalised_point(
    record_id: str, lon: float, lat: float, *, resolution: int = BASE_RESOLUTION, key: bytes | None = None
) -> Point:
    """The published point for a restricted point at (lon, lat): see :func:`cell_point`.

    ``record_id`` is not used (the point depends only on the area and the key, so records
    sharing an area share a point and nothing ties the point to a record); it is kept for
    the callers of the old API.
    """
    return Point(*cell_point(area_cell(lon, lat, resolution), key))


@cache
def town_cells(resolution: int) -> Counter[str]:
    """How many GeoNames towns of 1,000+ people lie in each H3 cell at ``resolution``."""
    import h3

    if resolution == BASE_RESOLUTION:
        from tipmap.routes.placenames import geonames_cities

        return Counter(h3.latlng_to_cell(float(c["latitude"]), float(c["longitude"]), BASE_RESOLUTION) for c in geonames_cities())
    out: Counter[str] = Counter()
    for cell, n in town_cells(BASE_RESOLUTION).items():
        out[h3.cell_to_parent(cell, resolution)] += n
    return out


@dataclass(frozen=True)
class Placement:
    """Where a restricted point is published: its area (None: withheld) and its spatial k."""

    cell: str | None
    resolution: int
    k: int


def placements(frame: gpd.GeoDataFrame, *, min_k: int = MIN_K) -> list[Placement]:
    """For each restricted row of ``frame``, the finest area with spatial k ≥ ``min_k``.

    k counts GeoNames towns in the area or the rows of ``frame`` of the same ``kind`` in
    it, whichever is larger; both depend only on the area, never on the exact position.
    """
    kinds = list(frame["kind"]) if "kind" in frame else [""] * len(frame)
    base = [area_cell(g.x, g.y) for g in frame.geometry]
    same: Counter[tuple[str, str]] = Counter()
    for res in range(BASE_RESOLUTION, COARSEST_RESOLUTION - 1, -1):
        same.update((kind, _parent(b, res)) for b, kind in zip(base, kinds))
    out = []
    for row, restricted in enumerate(frame["sensitivity"] == "restricted"):
        if not restricted:
            continue
        found = Placement(None, COARSEST_RESOLUTION, 0)
        for res in range(BASE_RESOLUTION, COARSEST_RESOLUTION - 1, -1):
            cell = _parent(base[row], res)
            k = max(town_cells(res)[cell], same[(kinds[row], cell)])
            found = Placement(cell if k >= min_k else None, res, k)
            if k >= min_k:
                break
        out.append(found)
    return out


def _parent(cell: str, res: int) -> str:
    import h3

    return cell if res == BASE_RESOLUTION else h3.cell_to_parent(cell, res)


@dataclass(frozen=True)
class Generalised:
    """A layer after generalisation, with what happened to its restricted records."""

    frame: gpd.GeoDataFrame
    generalised: int = 0
    widened: int = 0
    withheld: int = 0
    k_min: int | None = None


def generalise_layer(frame: gpd.GeoDataFrame, layer: str, *, min_k: int = MIN_K, key: bytes | None = None) -> Generalised:
    """Restricted hotspots, support points or places moved to their keyed area point,
    stripped of what names or locates them, given opaque ids; low-k ones withheld."""
    restricted = frame["sensitivity"] == "restricted"
    if not restricted.any():
        return Generalised(frame)
    key = key if key is not None else installation_key()
    found = placements(frame, min_k=min_k)
    out = frame.copy()
    index = out.index[restricted]
    out.loc[index, "geometry"] = [Point(*cell_point(p.cell, key)) if p.cell else None for p in found]
    out.loc[index, "id"] = [opaque_id(layer, rid, key) for rid in out.loc[index, "id"]]
    kinds = out.loc[index, "kind"] if "kind" in out else pd.Series("place", index=index)
    out.loc[index, "name"] = [f"{str(k).replace('_', ' ').capitalize()} (location generalised)" for k in kinds]
    for column in ("name_local", "location_note", "note", "notes", "services", "place", "gazetteer_id", "reason"):
        if column in out:
            out.loc[index, column] = None
    if "precision" in out:
        out.loc[index, "precision"] = "region"
    if "location_note" in out:
        out.loc[index, "location_note"] = "Restricted record: shown at a keyed point near its ~250 km² area for public output"
    withheld = [i for i, p in zip(index, found) if p.cell is None]
    out = out.drop(index=withheld)
    shown = [p for p in found if p.cell]
    return Generalised(
        gpd.GeoDataFrame(out, geometry="geometry", crs=frame.crs),
        generalised=len(shown),
        widened=sum(1 for p in shown if p.resolution < BASE_RESOLUTION),
        withheld=len(withheld),
        k_min=min((p.k for p in shown), default=None),
    )


def generalise_points(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, int]:
    """Restricted hotspots or support points generalised (:func:`generalise_layer`): the
    frame and how many were shown generalised."""
    result = generalise_layer(frame, "hotspots" if "intensity" in frame else "support")
    return result.frame, result.generalised


def generalise_corridors(
    frame: gpd.GeoDataFrame, lonlat: dict[str, tuple[float, float]], *, key: bytes | None = None
) -> tuple[gpd.GeoDataFrame, int]:
    """Restricted corridors reduced to a line between their end places (no transit place or
    country), renamed, stripped of their volume and given opaque ids.

    ``lonlat`` maps place ids to the positions the audience may see (generalised places
    under their opaque ids); a corridor with an end missing from it is dropped.
    """
    restricted = frame["sensitivity"] == "restricted"
    if not restricted.any():
        return frame, 0
    key = key if key is not None else installation_key()
    out = frame.copy()
    dropped, lines = [], {}
    for index, row in out[restricted].iterrows():
        ends = (row["waypoints"][0], row["waypoints"][-1])
        ends = tuple(p if p in lonlat else opaque_id("places", p, key) for p in ends)
        if any(p not in lonlat for p in ends):
            dropped.append(index)
            continue
        points = [lonlat[p] for p in ends]
        line = geodesic_line(points)
        lines[index] = line
        countries = row["countries"] if isinstance(row.get("countries"), tuple) else ()
        out.at[index, "waypoints"] = ends
        out.at[index, "waypoint_lonlat"] = waypoint_positions(line, points)
        out.at[index, "length_km"] = round(path_length_km(points), 1)
        out.at[index, "countries"] = tuple(dict.fromkeys(countries[:1] + countries[-1:]))
        out.at[index, "routing"] = "Restricted route: shown between its end places only"
        out.at[index, "name"] = "Restricted route"
        out.at[index, "id"] = opaque_id("corridors", row["id"], key)
    out = out.drop(index=dropped)
    kept = [i for i in out.index if i in lines]
    out.loc[kept, "geometry"] = [lines[i] for i in kept]
    for column in ("volume", "volume_unit", "volume_source", "reason"):
        if column in out:
            out.loc[kept, column] = None
    return gpd.GeoDataFrame(out, geometry="geometry", crs=frame.crs), len(kept)


def strip_quotes(sources: pd.DataFrame, public_frames: list[pd.DataFrame], restricted_frames: list[pd.DataFrame]) -> pd.DataFrame:
    """``sources`` with the quote removed from every source cited only by restricted records
    (a quote often is the very sentence that locates the site)."""
    cited_publicly = {s for f in public_frames for ids in f["sources"] for s in ids}
    only_restricted = {s for f in restricted_frames for ids in f["sources"] for s in ids} - cited_publicly
    if not only_restricted or "quote" not in sources:
        return sources
    out = sources.copy()
    out.loc[out.index.isin(only_restricted), "quote"] = QUOTE_WITHHELD
    return out


def with_redaction(atlas, redaction: Redaction):
    """``atlas`` carrying its redaction summary."""
    return replace(atlas, redaction=redaction)


def published_hash(data_hash: str, audience: str, key: bytes | None = None) -> str:
    """The data hash a manifest may show: for the public, keyed (HMAC of the hash), so an
    outsider who knows every other row cannot try candidate coordinates against it."""
    if audience != "public" or not data_hash:
        return data_hash
    return "hmac-sha256:" + keyed_digest(f"tipmap-data:{data_hash}", key).hex()


def inherited_sensitivity(places: list[dict], points: list[dict]) -> dict[str, tuple[str, str | None]]:
    """Each place's sensitivity and the record it comes from: the strictest of its own
    ``sensitivity`` column and of the point records located *at* it (precision ``site``).

    A record of town, region or country precision only says "somewhere in this town", so
    it does not make the town secret; a site-precision record's place *is* the site.
    """
    level = {p["id"]: (p.get("sensitivity") or "public", None) for p in places}
    for record in points:
        pid, own = record.get("place"), record.get("sensitivity") or "public"
        if pid in level and record.get("precision") == "site" and STRICTNESS[own] > STRICTNESS[level[pid][0]]:
            level[pid] = (own, record.get("id"))
    return level


@dataclass(frozen=True)
class PublicView:
    """The layers the public may see, and what generalisation did to each."""

    layers: dict[str, gpd.GeoDataFrame]
    sources: pd.DataFrame
    generalised: dict[str, int]
    widened: dict[str, int]
    withheld: dict[str, int]
    k_min: dict[str, int]


def public_view(
    layers: dict[str, gpd.GeoDataFrame], sources: pd.DataFrame, *, min_k: int = MIN_K, key: bytes | None = None
) -> PublicView:
    """Generalise the restricted records of ``layers`` (places, corridors, hotspots,
    support: confidential ones already removed) for the public."""
    key = key if key is not None else installation_key()
    out, results = dict(layers), {}
    restricted = [f[f["sensitivity"] == "restricted"] for name, f in layers.items() if name != "places"]
    public = [f[f["sensitivity"] != "restricted"] for name, f in layers.items() if name != "places"]
    for name in ("places", "hotspots", "support"):
        results[name] = generalise_layer(layers[name], name, min_k=min_k, key=key)
        out[name] = results[name].frame
    lonlat = {pid: (g.x, g.y) for pid, g in zip(out["places"]["id"], out["places"].geometry)}
    n_restricted = int((layers["corridors"]["sensitivity"] == "restricted").sum())
    out["corridors"], shown = generalise_corridors(layers["corridors"], lonlat, key=key)
    results["corridors"] = Generalised(out["corridors"], shown, 0, n_restricted - shown)
    names = ("corridors", "hotspots", "support", "places")
    return PublicView(
        out,
        strip_quotes(sources, public, restricted),
        {n: results[n].generalised for n in names},
        {n: results[n].widened for n in names},
        {n: results[n].withheld for n in names},
        {n: results[n].k_min for n in names if results[n].k_min is not None},
    )
