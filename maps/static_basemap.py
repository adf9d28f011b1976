"""Land on a static map: projected country polygons as one matplotlib collection per fill.

One ``PathCollection`` of all polygons, their rings cut out of the shapely arrays at once,
draws the same as geopandas' ``GeoDataFrame.plot`` (a patch per row, its outer rings and
holes as one compound path, equal aspect) in a fraction of the time. For a PNG of a wide
view, the polygons are first simplified to a quarter of an output pixel: Agg never
simplifies a filled path, and Natural Earth's 190,000 vertices are two per pixel of
coastline on a world slide (the land is then drawn in ~40 ms less, simplifying included).
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.path import Path


def polygon_paths(geometries, tolerance: float = 0.0) -> list[Path]:
    """One compound path per (multi)polygon, as geopandas draws it: every ring closed, outer
    rings anticlockwise and holes clockwise (matplotlib fills by the non-zero rule).

    With ``tolerance`` (data units), each polygon is first simplified so that no edge moves
    further than that; one that would vanish (an islet smaller than the tolerance) is kept
    as it is, so its speck still shows. Only when the edges are on average shorter than
    twice the tolerance (a world slide: 0.44 px at 0.25 px, three vertices in four go):
    on a regional map (edges of 3 px and more) it would remove nothing and cost 15 ms.
    """
    import shapely

    geometries = np.asarray(geometries, dtype=object)
    members, member_of = shapely.get_parts(geometries, return_index=True)  # collections (from clipping) opened
    parts, part_of = shapely.get_parts(members, return_index=True)  # then multipolygons
    owner = member_of[part_of]
    polygon = shapely.get_type_id(parts) == shapely.GeometryType.POLYGON  # not the lines a clip may leave
    parts, owner = parts[polygon], owner[polygon]
    edges = shapely.get_num_coordinates(parts).sum()
    if tolerance > 0 and shapely.length(parts).sum() < 2 * tolerance * edges:  # else there is little to remove
        thin = shapely.simplify(parts, tolerance, preserve_topology=False)  # may answer with a multipolygon
        parts, of = shapely.get_parts(np.where(shapely.is_empty(thin), parts, thin), return_index=True)
        owner = owner[of]
    if not len(parts):
        return [Path(np.empty((0, 2))) for _ in geometries]
    # the rings' coordinates and where each ring and polygon starts, without a geometry per ring
    _, coords, (ring_starts, part_starts) = shapely.to_ragged_array(shapely.orient_polygons(parts))
    ring_sizes = np.diff(ring_starts)
    ring_part = np.repeat(np.arange(len(parts)), np.diff(part_starts))
    ring_ends = np.cumsum(ring_sizes)
    codes = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
    codes[ring_ends - ring_sizes] = Path.MOVETO
    codes[ring_ends - 1] = Path.CLOSEPOLY
    ring_owner = owner[ring_part]
    part_ends = np.cumsum(np.bincount(ring_owner, weights=ring_sizes, minlength=len(geometries)).astype(np.int64))
    paths, start = [], 0
    for end in part_ends.tolist():
        paths.append(Path(coords[start:end], codes[start:end]))
        start = end
    return paths


def draw_land(ax, countries, *, fill: str, edge: str, width: float, zorder: float = 1, tolerance: float = 0.0) -> None:
    """Fill ``countries`` (a projected GeoDataFrame) on ``ax`` with ``edge`` borders, simplified
    to ``tolerance`` (data units; see :func:`polygon_paths`)."""
    if not len(countries):
        return
    ax.set_aspect("equal")  # as geopandas does for a projected frame
    paths = polygon_paths(countries.geometry.values, tolerance)
    ax.add_collection(PathCollection(paths, facecolor=fill, edgecolor=edge, linewidth=width, zorder=zorder), autolim=False)
