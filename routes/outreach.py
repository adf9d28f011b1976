"""Outreach planning: which hotspots and support points lie in an area, in what order to visit.

Distances are geodesic (pyproj.Geod). Membership of a site is decided by its geodesic
distance to the base or to the corridor, so it is right near the poles and across the
antimeridian; the area drawn on maps is built in local azimuthal equidistant projections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import LineString, Point, Polygon
from shapely.ops import unary_union
from tipmap.routes.atlas import Atlas
from tipmap.routes.errors import UsageProblem
from tipmap.routes.geodesy import WGS84, geodesic_line
from tipmap.routes.lookup import Location

UNITS_KM = {"km": 1.0, "m": 0.001, "mi": 1.609344}
#: Corridor pieces buffered in their own projection are at most this long (km).
PIECE_KM = 300.0


@dataclass(frozen=True)
class Site:
    """A hotspot or support point inside the area, with its rank and place on the tour."""

    id: str
    name: str
    layer: str  # hotspot | team | support
    kind: str
    country: str
    lon: float
    lat: float
    intensity: float | None
    distance_km: float  # from the base
    rank: int
    visit: int
    precision: str = "site"  # site | town | region | country: what the point stands for
    notes: str = ""  # the team's own note on one of its sites


@dataclass(frozen=True)
class OutreachPlan:
    """Sites ranked by intensity then distance, and a tour from the base and back."""

    base: Location
    area_label: str
    area: Polygon  # lon/lat, for drawing (membership is geodesic)
    sites: tuple[Site, ...]
    tour_km: float
    legs_km: tuple[float, ...]
    corridor_id: str | None = None
    withheld: str = ""
    bearings: tuple[float, ...] = ()  # initial bearing of each leg, degrees clockwise from north
    audience: str = "internal"


def parse_distance(text: str, *, option: str) -> float:
    """Kilometres from '50km', '500 m' or '30mi'; a unit is required and the value positive."""
    match = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(km|m|mi)\s*", text.lower())
    if not match:
        raise UsageProblem(f"{option} '{text}' needs a number and a unit: km, m or mi (e.g. 50km)")
    value = float(match[1]) * UNITS_KM[match[2]]
    if value <= 0:
        raise UsageProblem(f"{option} '{text}' must be positive")
    if value > 5000:
        raise UsageProblem(f"{option} '{text}' is larger than 5000 km")
    return value


def plan_outreach(
    atlas: Atlas,
    *,
    base: Location | None = None,
    radius_km: float | None = None,
    corridor_id: str | None = None,
    buffer_km: float | None = None,
    team=None,
    with_atlas: bool = True,
    others: tuple[Location, ...] = (),
    ungated: Atlas | None = None,
) -> OutreachPlan:
    """Plan outreach around a base (``radius_km``) or along a corridor (``buffer_km``).

    Along a corridor the base defaults to the corridor's first (source) place.
    ``with_atlas=False`` plans on the team's sites only. A site nearer to one of ``others``
    (the other bases of a list) than to ``base`` is left to that base's plan. ``ungated``
    (the atlas before the audience gate) lets the plan say what was withheld *in its area*.
    """
    if corridor_id is not None:
        rows = atlas.corridors[atlas.corridors["id"] == corridor_id]
        if rows.empty:
            raise UsageProblem(f"unknown corridor id '{corridor_id}' (see 'tipmap list' for the corridor ids)")
        corridor = rows.iloc[0]
        line = corridor.geometry
        if base is None:
            lon, lat = corridor["waypoint_lonlat"][0]
            base = Location(_place_name(atlas, corridor["waypoints"][0]), corridor["countries"][0], lon, lat, "corridor source")
        inside = lambda lons, lats: _distance_to_line_km(line, lons, lats) <= buffer_km  # noqa: E731
        area = corridor_buffer(line, buffer_km or 25.0)
        label = f"within {buffer_km:g} km of corridor {corridor['name']} ({corridor_id})"
    else:
        if base is None or radius_km is None:
            raise UsageProblem("give --near PLACE with --radius, or --along CORRIDOR")
        inside = lambda lons, lats: _distances_km(base.lon, base.lat, lons, lats) <= radius_km  # noqa: E731
        area = geodesic_circle(base.lon, base.lat, radius_km)
        label = f"within {radius_km:g} km of {base.name}"
    if others:
        inside = _nearest_base_only(inside, base, others)
    sites = _sites_inside(atlas if with_atlas else _no_records(atlas), base, inside, team)
    points = [(base.lon, base.lat)] + [(s.lon, s.lat) for s in sites]
    order, legs = visiting_order(points)
    visit_of = {sites[i - 1].id: n for n, i in enumerate(order[1:-1], start=1)}
    sites = [Site(**{**s.__dict__, "visit": visit_of[s.id]}) for s in sites]
    bearings = tuple(round(leg_bearing(points[a], points[b]), 0) for a, b in zip(order, order[1:]))
    audience = atlas.redaction.audience if atlas.redaction is not None else "public"
    withheld = withheld_in_area(ungated, audience, inside, with_atlas=with_atlas) if ungated is not None else ""
    legs_km = tuple(round(k, 1) for k in legs)
    tour = round(sum(legs), 1)
    return OutreachPlan(base, label, area, tuple(sites), tour, legs_km, corridor_id, withheld, bearings, audience)


def leg_bearing(start: tuple[float, float], end: tuple[float, float]) -> float:
    """Initial geodesic bearing from ``start`` to ``end`` (lon, lat), 0-360 degrees from north."""
    azimuth, _, _ = WGS84.inv(start[0], start[1], end[0], end[1])
    return float(azimuth) % 360.0


COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


def compass(bearing: float) -> str:
    """The 8-point compass name of a bearing in degrees (N, NE, E, ...)."""
    return COMPASS[int(((bearing % 360.0) + 22.5) // 45.0) % 8]


def leg_text(km: float, bearing: float | None) -> str:
    """'2.4 km 135° SE' for a leg; no bearing for a leg shorter than 50 m (same place)."""
    if bearing is None or bearing != bearing or km < 0.05:
        return f"{km:,.1f} km"
    return f"{km:,.1f} km {bearing:03.0f}° {compass(bearing)}"


def _nearest_base_only(inside, base: Location, others: tuple[Location, ...]):
    """``inside`` narrowed to the points no other base is nearer to (ties stay with ``base``)."""

    def narrowed(lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        mine = _distances_km(base.lon, base.lat, lons, lats)
        keep = np.asarray(inside(lons, lats), dtype=bool)
        for other in others:
            keep &= mine <= _distances_km(other.lon, other.lat, lons, lats)
        return keep

    return narrowed


def _no_records(atlas: Atlas) -> Atlas:
    from dataclasses import replace

    return replace(atlas, hotspots=atlas.hotspots.iloc[:0], support=atlas.support.iloc[:0])


def withheld_in_area(ungated: Atlas, audience: str, inside, *, with_atlas: bool = True) -> str:
    """What the audience may not see *in the plan's area*, as one line.

    Counts only hotspots and support points inside the area (a shelter in another country
    is not this plan's business). A public plan gives no count: a count for a small area
    would tell a reader where a confidential record lies.
    """
    from tipmap.routes.sensitivity import VISIBLE

    if audience == "public":
        return "audience: public; records not for the public are left out and not counted here"
    if not with_atlas:
        return f"audience: {audience}; atlas records not used (--no-atlas)"
    counts = []
    for layer in ("hotspots", "support"):
        frame = ungated.layer(layer)
        hidden = frame[~frame["sensitivity"].isin(VISIBLE[audience])]
        if len(hidden):
            lons, lats = np.array([g.x for g in hidden.geometry]), np.array([g.y for g in hidden.geometry])
            n = int(np.count_nonzero(inside(lons, lats)))
            if n:
                counts.append(f"{n} {layer}")
    return f"audience: {audience}; withheld in this area (confidential): {', '.join(counts) or 'none'}"


def _place_name(atlas: Atlas, place_id: str) -> str:
    return str(atlas.places.set_index("id").loc[place_id, "name"])


def _sites_inside(atlas: Atlas, base: Location, inside, team=None) -> list[Site]:
    """Sites in the area: hotspots by intensity, the team's own sites by priority (1 = visit
    first, taken as intensity 6 - priority), then support points; each by distance."""
    found = []
    layers = [("hotspot", atlas.hotspots), ("support", atlas.support)]
    if team is not None and len(team):
        team = team.copy()
        team["intensity"] = [6.0 - min(max(float(p), 1.0), 5.0) if p == p else 1.0 for p in team["priority"]]
        team["country"] = ""
        layers.insert(1, ("team", team))
    for layer, frame in layers:
        if frame.empty:
            continue
        lons, lats = np.array([g.x for g in frame.geometry]), np.array([g.y for g in frame.geometry])
        keep = inside(lons, lats)
        dist = _distances_km(base.lon, base.lat, lons, lats)
        for (_, row), ok, km in zip(frame.iterrows(), keep, dist):
            if ok:
                intensity = float(row["intensity"]) if layer in ("hotspot", "team") else None
                found.append((layer, row, float(km), intensity))
    # hotspots by intensity (high first) then distance; support points after, by distance
    found.sort(key=lambda f: (f[0] == "support", -(f[3] or 0.0), f[2]))
    return [
        Site(
            row["id"],
            row["name"],
            layer,
            row["kind"],
            row["country"],
            row.geometry.x,
            row.geometry.y,
            intensity,
            round(km, 1),
            rank,
            0,
            row["precision"],
            str(row["notes"]) if layer == "team" and isinstance(row.get("notes"), str) else "",
        )
        for rank, (layer, row, km, intensity) in enumerate(found, start=1)
    ]


def _distances_km(lon: float, lat: float, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    if len(lons) == 0:
        return np.zeros(0)
    _, _, metres = WGS84.inv(np.full(len(lons), lon), np.full(len(lons), lat), lons, lats)
    return np.asarray(metres) / 1000.0


def _distance_to_line_km(line: LineString, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """Geodesic distance from each point to the nearest vertex of the line densified to 1 km."""
    dense = geodesic_line(list(line.coords), step_km=1.0)
    vx, vy = np.array(dense.xy)
    return np.array([_distances_km(x, y, vx, vy).min() for x, y in zip(lons, lats)])


def visiting_order(points: list[tuple[float, float]]) -> tuple[list[int], list[float]]:
    """A round trip from point 0 through all others and back: nearest neighbour, then 2-opt.

    Returns the indices in visiting order (starting and ending with 0) and each leg's km.
    """
    n = len(points)
    if n == 1:
        return [0, 0], []
    lons, lats = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    matrix = np.array([_distances_km(lons[i], lats[i], lons, lats) for i in range(n)])
    tour, left = [0], set(range(1, n))
    while left:
        nearest = min(left, key=lambda j: matrix[tour[-1], j])
        tour.append(nearest)
        left.remove(nearest)
    tour.append(0)
    improved = True
    while improved:
        improved = False
        for i in range(1, n - 1):
            for j in range(i + 1, n):
                a, b, c, d = tour[i - 1], tour[i], tour[j], tour[j + 1]
                if matrix[a, c] + matrix[b, d] < matrix[a, b] + matrix[c, d] - 1e-9:
                    tour[i : j + 1] = reversed(tour[i : j + 1])
                    improved = True
    return tour, [float(matrix[a, b]) for a, b in zip(tour, tour[1:])]


def geodesic_circle(lon: float, lat: float, radius_km: float, *, points: int = 180) -> Polygon:
    """The set of points ``radius_km`` from (lon, lat) as a lon/lat polygon.

    Longitudes are unwrapped around the centre; a circle around a pole is closed along it.
    """
    azimuths = np.linspace(0.0, 360.0, points, endpoint=False)
    lons, lats, _ = WGS84.fwd(np.full(points, lon), np.full(points, lat), azimuths, np.full(points, radius_km * 1000.0))
    lons = [(x - lon + 180.0) % 360.0 - 180.0 + lon for x in lons]
    pole_km = WGS84.inv(lon, lat, lon, 90.0 if lat >= 0 else -90.0)[2] / 1000.0
    if pole_km < radius_km:  # the circle contains the pole: go round it
        order = np.argsort(lons)
        ring = [(lons[i], lats[i]) for i in order]
        pole = 90.0 if lat >= 0 else -90.0
        ring = [(lon - 180.0, pole), *[(x, y) for x, y in ring], (lon + 180.0, pole)]
        return Polygon(ring)
    return Polygon(zip(lons, lats))


def corridor_buffer(line: LineString, buffer_km: float) -> Polygon:
    """The area within ``buffer_km`` of a corridor, built piecewise in local projections.

    Each piece (at most PIECE_KM long) is buffered in an azimuthal equidistant projection
    centred on it, so metres are metres; the pieces are joined in lon/lat.
    """
    dense = geodesic_line(list(line.coords), step_km=10.0)
    coords = list(dense.coords)
    step = max(2, int(PIECE_KM // 10))
    parts = []
    for start in range(0, len(coords) - 1, step):
        piece = LineString(coords[start : start + step + 1])
        mid = piece.interpolate(0.5, normalized=True)
        aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={mid.y} +lon_0={mid.x} +datum=WGS84 +units=m")
        to_m = _coords_fn(Transformer.from_crs("EPSG:4326", aeqd, always_xy=True))
        to_deg = _coords_fn(Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True))
        ring = shapely.transform(shapely.transform(piece, to_m).buffer(buffer_km * 1000.0, quad_segs=16), to_deg)
        parts.append(
            shapely.transform(ring, lambda xy, c=mid.x: np.column_stack([(xy[:, 0] - c + 180.0) % 360.0 - 180.0 + c, xy[:, 1]]))
        )
    area = unary_union(parts)
    return area if isinstance(area, Polygon) else area.convex_hull


def _coords_fn(transformer: Transformer):
    """A shapely.transform function (N x 2 array in, N x 2 array out) from a pyproj Transformer."""
    return lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))


def in_area(plan: OutreachPlan, lon: float, lat: float) -> bool:
    """Whether (lon, lat) lies in the drawn area (for maps; membership itself is geodesic)."""
    return plan.area.covers(Point(lon, lat))
