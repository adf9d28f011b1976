"""Geography for static maps: projection for an extent, basemap in view, scale, north.

The renderer (maps.static) only draws what these functions return.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS, Transformer
from shapely.geometry import LineString, MultiLineString, box
from tipmap.routes.basemap_cache import DENSE_DEG, load_arrays, load_basemap, load_dense
from tipmap.routes.geodesy import WGS84, distance_km

#: Views wider than this (degrees of longitude) use a world projection.
WORLD_SPAN_DEG = 150.0


@dataclass(frozen=True)
class View:
    """A map extent in lon/lat (longitudes may run past 180 for views across it)."""

    west: float
    south: float
    east: float
    north: float

    @property
    def centre(self) -> tuple[float, float]:
        """Centre (lon, lat), longitude normalised to [-180, 180)."""
        lon = (self.west + self.east) / 2
        return ((lon + 180) % 360 - 180, (self.south + self.north) / 2)

    @property
    def is_world(self) -> bool:
        """Whether the view is too wide for an azimuthal projection."""
        return self.east - self.west > WORLD_SPAN_DEG or self.north - self.south > 120


def view_of(lonlat: list[tuple[float, float]], *, margin: float = 0.12, min_span_deg: float = 4.0) -> View:
    """The extent that shows every (lon, lat) point with a margin around it.

    Longitudes are read on the circle: the view's seam falls in the widest gap between
    them, so data around the antimeridian (or the whole world) is shown in one piece.
    """
    lons = sorted({lon % 360.0 for lon, _ in lonlat})
    lats = [lat for _, lat in lonlat]
    gaps = [(lons[(i + 1) % len(lons)] - lons[i]) % 360.0 or 360.0 for i in range(len(lons))]
    widest = max(range(len(lons)), key=gaps.__getitem__)
    west = lons[(widest + 1) % len(lons)]
    east = west + (360.0 - gaps[widest] if len(lons) > 1 else 0.0)
    west = (west + 180.0) % 360.0 - 180.0
    return view_for((west, min(lats), west + (east - lons[(widest + 1) % len(lons)]), max(lats)), margin=margin,
                    min_span_deg=min_span_deg)  # fmt: skip


def view_for(bounds: tuple[float, float, float, float], *, margin: float = 0.12, min_span_deg: float = 4.0) -> View:
    """The extent that shows ``bounds`` with a margin (a fraction of its size) around it."""
    west, south, east, north = bounds
    pad_x = max((east - west) * margin, (min_span_deg - (east - west)) / 2, 0.5)
    pad_y = max((north - south) * margin, (min_span_deg - (north - south)) / 2, 0.5)
    return View(west - pad_x, max(south - pad_y, -89.0), east + pad_x, min(north + pad_y, 89.0))


def projection_for(view: View) -> CRS:
    """An equal-area projection centred on the view.

    Lambert azimuthal equal-area for regional views (true shapes near the centre, no
    seam); Equal Earth centred on the view's longitude for views of half the world or more.
    """
    lon, lat = view.centre
    if view.is_world:
        return CRS.from_proj4(f"+proj=eqearth +lon_0={lon:.4f} +datum=WGS84 +units=m +no_defs")
    return CRS.from_proj4(f"+proj=laea +lat_0={lat:.4f} +lon_0={lon:.4f} +datum=WGS84 +units=m +no_defs")


@cache
def basemap() -> gpd.GeoDataFrame:
    """Natural Earth 1:10m admin-0 units (simplified), EPSG:4326; see geodata/SOURCES.md.

    Read from ``geodata/ne_admin0.geojson`` once and kept as binary geometry in the user's
    cache directory (see :mod:`tipmap.routes.basemap_cache`), which later runs read in a few ms.
    """
    return load_basemap()


@cache
def dense_basemap() -> np.ndarray:
    """The basemap's geometries segmentized to ``DENSE_DEG`` (so that a projection bends their
    long straight edges), row for row; cached with the basemap."""
    return load_dense()


@cache
def _basemap_arrays() -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """The basemap's columns, geometries and their bounds (west, south, east, north) as arrays."""
    columns, geoms = load_arrays()
    import shapely

    return columns, geoms, shapely.bounds(geoms)


def to_crs(crs: CRS) -> Transformer:
    """The (cached) transformer from lon/lat to ``crs``."""
    return _transformer("EPSG:4326", crs.srs)


def from_crs(crs: CRS) -> Transformer:
    """The (cached) transformer from ``crs`` back to lon/lat."""
    return _transformer(crs.srs, "EPSG:4326")


#: The projections ``projection_for`` makes: on the WGS84 datum, so from lon/lat they are the
#: projection alone (no datum shift), which is what PROJ's operation search finds for them.
_OUR_PROJECTION = re.compile(r"\+proj=(laea|eqearth)((?: \+(?:lat_0|lon_0)=-?[0-9.]+)+) \+datum=WGS84 \+units=m \+no_defs")


@lru_cache(maxsize=32)
def _transformer(source: str, target: str) -> Transformer:
    """Keyed by the CRSs' definitions: hashing a ``CRS`` writes its WKT, which takes ~5 ms.

    Between lon/lat and a projection of ours, the transformer is the PROJ pipeline that
    ``Transformer.from_crs`` would find (degrees to radians, then the projection on the
    WGS84 ellipsoid; or back), built from its definition in a fraction of a millisecond
    instead of the ~15 ms the search through PROJ's database takes.
    """
    ours = _OUR_PROJECTION.fullmatch(target if source == "EPSG:4326" else source if target == "EPSG:4326" else "")
    if ours is None:
        return Transformer.from_crs(source, target, always_xy=True)
    projection = f"+proj={ours[1]}{ours[2]} +x_0=0 +y_0=0 +ellps=WGS84"
    if source == "EPSG:4326":
        return Transformer.from_pipeline(f"+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step {projection}")
    return Transformer.from_pipeline(f"+proj=pipeline +step +inv {projection} +step +proj=unitconvert +xy_in=rad +xy_out=deg")


def countries_in_view(view: View) -> gpd.GeoDataFrame:
    """Basemap polygons clipped to the view; pieces beyond 180 degrees shifted by a turn."""
    return _shifted(basemap(), view)


def split_at_seam(line: LineString, view: View) -> MultiLineString:
    """``line`` with longitudes brought into the view's frame, cut where it jumps a turn."""
    return MultiLineString([p for p in _seam_pieces(line, view) if len(p) >= 2])


def _seam_pieces(line: LineString, view: View) -> list[np.ndarray]:
    """The (lon, lat) runs of ``line`` in the view's frame, cut where a longitude jumps a turn."""
    low = view.centre[0] - 180.0
    coords = np.asarray(line.coords, dtype=float)[:, :2].copy()
    coords[:, 0] = (coords[:, 0] - low) % 360.0 + low
    jumps = np.flatnonzero(np.abs(np.diff(coords[:, 0])) > 180.0) + 1
    return np.split(coords, jumps)


def scale_km_per_unit(crs: CRS, view: View) -> float:
    """Geodesic kilometres per projected unit (metre) along x at the view's centre."""
    lon, lat = view.centre
    forward, back = to_crs(crs), from_crs(crs)
    x, y = forward.transform(lon, lat)
    half = 10_000.0  # 10 km either side: short enough to be local, long enough to be exact
    a = back.transform(x - half, y)
    b = back.transform(x + half, y)
    return distance_km(a, b) / (2 * half)


def nice_length_km(target_km: float) -> float:
    """The largest 1, 2 or 5 x 10^n km not longer than ``target_km``."""
    exponent = math.floor(math.log10(target_km))
    for step in (5, 2, 1):
        if step * 10**exponent <= target_km:
            return float(step * 10**exponent)
    return float(10 ** (exponent - 1) * 5)


def north_angle_deg(crs: CRS, lon: float, lat: float) -> float:
    """Angle of true north on the map at (lon, lat), degrees counter-clockwise from +y."""
    forward = to_crs(crs)
    lon2, lat2, _ = WGS84.fwd(lon, lat, 0.0, 10_000.0)
    x1, y1 = forward.transform(lon, lat)
    x2, y2 = forward.transform(lon2, lat2)
    return math.degrees(math.atan2(-(x2 - x1), y2 - y1))


def project_points(lonlat: list[tuple[float, float]], crs: CRS, view: View) -> list[tuple[float, float]]:
    """Project (lon, lat) points, longitudes first brought into the view's frame."""
    if not lonlat:
        return []
    low = view.centre[0] - 180.0
    lons, lats = np.asarray(lonlat, dtype=float).T
    xs, ys = to_crs(crs).transform((lons - low) % 360.0 + low, lats)
    return list(zip(xs.tolist(), ys.tolist()))


def project_lines(lines: list[LineString], crs: CRS, view: View) -> list[list[list[tuple[float, float]]]]:
    """Each line as projected pieces (cut at the projection's seam when it crosses it)."""
    forward = to_crs(crs)
    out = []
    for line in lines:
        projected = []
        for piece in _seam_pieces(line, view):
            if len(piece) >= 2:
                xs, ys = forward.transform(piece[:, 0], piece[:, 1])
                projected.append(list(zip(xs.tolist(), ys.tolist())))
        out.append(projected)
    return out


def projected_extent(view: View, crs: CRS, *, aspect: float) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) in ``crs`` covering the view's boundary, widened to ``aspect`` (w/h)."""
    edge = box(view.west, view.south, view.east, view.north).exterior.segmentize(1.0)
    xs, ys = zip(*project_points(list(edge.coords), crs, view))
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    width, height = x1 - x0, y1 - y0
    if width / height < aspect:
        grow = (height * aspect - width) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = (width / aspect - height) / 2
        y0, y1 = y0 - grow, y1 + grow
    return x0, y0, x1, y1


def country_label_points(
    countries: gpd.GeoDataFrame, extent: tuple[float, float, float, float]
) -> list[tuple[str, float, float]]:
    """(iso_a2, x, y) of projected countries big enough in the extent to carry a name, largest first."""
    import shapely

    x0, y0, x1, y1 = extent
    frame_area = (x1 - x0) * (y1 - y0)
    inside = shapely.clip_by_rect(np.asarray(countries.geometry.values), x0, y0, x1, y1)  # the frame is a box
    shares = shapely.area(inside) / frame_area
    rows: list[tuple[float, str, float, float]] = []
    largest: dict[str, float] = {}
    for iso, share, part in zip(countries["iso_a2"], shares.tolist(), inside):
        if not iso or share <= 0.004 or share <= largest.get(iso, 0.0):
            continue
        largest[iso] = share
        point = part.representative_point()
        rows.append((share, iso, point.x, point.y))
    best = [r for r in rows if largest[r[1]] == r[0]]
    return [(iso, x, y) for _, iso, x, y in sorted(best, reverse=True)]


def basemap_in_crs(view: View, crs: CRS) -> gpd.GeoDataFrame:
    """Basemap clipped generously around the view (so the frame is filled) and projected.

    Regional (azimuthal) views are clipped to at most 170 degrees of longitude around
    their centre, far from the projection's antipode where shapes blow up.
    """
    lon, lat = view.centre
    if view.is_world:
        wide = View(lon - 179.9, -89.9, lon + 179.9, 89.9)
    else:
        half_x = min(2 * (view.east - view.west), 85.0)
        half_y = min(2 * (view.north - view.south), 60.0)
        mid_x = (view.west + view.east) / 2
        wide = View(mid_x - half_x, max(lat - half_y, -89.0), mid_x + half_x, min(lat + half_y, 89.0))
    import shapely

    columns, rows, pieces = _dense_in(wide)
    forward = to_crs(crs)
    projected = shapely.transform(pieces, lambda xy: np.column_stack(forward.transform(*xy.T)))
    return gpd.GeoDataFrame({k: v[rows] for k, v in columns.items()}, geometry=projected, crs=crs)


def _dense_in(view: View) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """What ``_shifted`` gives for drawing, from arrays: the basemap's columns, and the rows and
    geometries of its pieces in ``view``, segmentized to ``DENSE_DEG`` (whole units from the
    cached segmentized polygons, cut ones here) and not checked for validity."""
    import shapely

    columns, geoms, bounds = _basemap_arrays()
    dense = dense_basemap()
    rows, parts = [], []
    for shift, window, inside, cut in _windows(view, geoms, bounds):
        x0, y0, x1, y1 = window.bounds
        pieces = np.where(inside, dense, None)
        pieces[cut] = shapely.segmentize(shapely.clip_by_rect(geoms[cut], x0, y0, x1, y1), DENSE_DEG)
        kept = np.flatnonzero(inside | cut)
        pieces = pieces[kept]
        if shift:
            pieces = shapely.transform(pieces, lambda xy, s=shift: xy + (s, 0.0))
        drawn = ~shapely.is_empty(pieces)
        rows.append(kept[drawn])
        parts.append(pieces[drawn])
    if not rows:
        return columns, np.empty(0, dtype=int), np.empty(0, dtype=object)
    return columns, np.concatenate(rows), np.concatenate(parts)


def _windows(view: View, geoms: np.ndarray, bounds: np.ndarray):
    """For each turn of longitude (-360, 0, 360) whose window of ``view`` meets the world:
    the shift, the window (lon/lat, within ±180), the units wholly inside it and those its
    edge cuts (by their ``bounds``, then by an exact test)."""
    import shapely

    west, south, east, north = bounds.T
    for shift in (-360.0, 0.0, 360.0):
        window = box(view.west - shift, view.south, view.east - shift, view.north).intersection(box(-180, -90, 180, 90))
        if window.is_empty or window.area == 0:
            continue
        x0, y0, x1, y1 = window.bounds
        inside = (west >= x0) & (east <= x1) & (south >= y0) & (north <= y1)
        cut = ~inside & (west <= x1) & (east >= x0) & (south <= y1) & (north >= y0)
        cut[cut] = shapely.intersects(geoms[cut], window)
        yield shift, window, inside, cut


def web_basemap(bounds: tuple[float, float, float, float] | None, *, tolerance_deg: float = 0.04) -> gpd.GeoDataFrame:
    """Basemap for an offline web map: around ``bounds`` (lon/lat), simplified to inline in a page.

    Where ``bounds`` run past the antimeridian (lines drawn with unwrapped longitudes),
    the countries there are repeated a turn east or west so the line ends over land.
    """
    import shapely

    world = basemap().copy()
    world["geometry"] = shapely.set_precision(world.geometry.simplify(tolerance_deg, preserve_topology=True).values, 0.01)
    world = world[~world.geometry.is_empty]
    if bounds is None:
        return world
    west, south, east, north = bounds
    pad = max(east - west, north - south, 10.0) * 0.75
    if east - west + 2 * pad >= 300:
        view = View(-180.0, -90.0, 180.0, 90.0)
        extra = [View(180.0, -90.0, min(east + 20.0, 540.0), 90.0)] if east > 180 else []
        extra += [View(max(west - 20.0, -540.0), -90.0, -180.0, 90.0)] if west < -180 else []
        parts = [world] + [_shifted(world, v) for v in extra]
        return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs="EPSG:4326")
    view = View(west - pad, max(south - pad, -90.0), east + pad, min(north + pad, 90.0))
    return _shifted(world, view)


def _shifted(world: gpd.GeoDataFrame, view: View) -> gpd.GeoDataFrame:
    """``world`` clipped to ``view``, pieces past the antimeridian moved by a turn.

    Only the polygons that cross the window's edge are cut (those wholly inside are kept as
    they are, by their bounds), with GEOS's rectangle clipping; a piece it leaves invalid is
    cut again by a full intersection. (``_dense_in`` does the same for drawing.)
    """
    import shapely

    geoms = np.asarray(world.geometry.values)
    parts = []
    for shift, window, inside, cut in _windows(view, geoms, shapely.bounds(geoms)):
        x0, y0, x1, y1 = window.bounds
        clipped = world[inside | cut].copy()
        pieces = np.asarray(clipped.geometry.values).copy()
        was_cut = cut[inside | cut]
        fast = shapely.clip_by_rect(pieces[was_cut], x0, y0, x1, y1)
        slow = ~shapely.is_valid(fast)
        fast[slow] = shapely.intersection(pieces[was_cut][slow], window)
        pieces[was_cut] = fast
        if shift:
            pieces = shapely.transform(pieces, lambda xy, s=shift: xy + (s, 0.0))
        clipped["geometry"] = gpd.GeoSeries(pieces, index=clipped.index, crs=world.crs)
        parts.append(clipped[~clipped.geometry.is_empty])
    frame = pd.concat(parts, ignore_index=True) if parts else world.iloc[:0]
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")
