"""Aggregate points into H3 hexagons: counts, optional weights, optional groups.

Points are binned once at a fine resolution and coarsened to the one chosen for the
extent, so a chunked input is read in a single pass with memory bounded by the chunk size
and the number of distinct fine cells.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import geopandas as gpd
import h3
import h3.api.numpy_int as h3int
import numpy as np
import pandas as pd
from shapely.geometry import Polygon
from tipmap.routes.errors import UsageProblem
from tipmap.routes.geodesy import distance_km

#: Mean hexagon edge length (km) per H3 resolution.
EDGE_KM = (1281.256, 483.057, 182.513, 68.979, 26.072, 9.854, 3.725, 1.406, 0.531, 0.201, 0.076, 0.029)
FINE_RES = 9
#: Points kept in memory until the extent is known (then binned once at the final
#: resolution); past this, chunks are binned finely and coarsened (memory stays bounded).
BUFFER_POINTS = 8_000_000
#: Binned rows kept before they are merged (summed per cell): memory follows the number of
#: distinct cells, not the number of points read.
COMPACT_ROWS = 4_000_000
#: Finest resolution a public output may show of restricted data (cells ~17 km across).
PUBLIC_MAX_RES = 5


@dataclass(frozen=True)
class Binning:
    """Aggregated cells and how they were made."""

    cells: pd.DataFrame  # cell (uint64), count, weight (sum), and the group column when asked
    resolution: int
    bounds: tuple[float, float, float, float]
    points: int
    by: str | None = None
    capped: str = ""  # why the resolution was lowered, if it was


def resolution_for(bounds: tuple[float, float, float, float], *, cells_across: int = 60) -> int:
    """The resolution whose hexagons fit about ``cells_across`` times across the extent."""
    west, south, east, north = bounds
    mid = (south + north) / 2
    width = distance_km((west, mid), (east, mid))
    height = distance_km((west, south), (west, north))
    span = max(width, height, 1.0)
    target_edge = span / cells_across / math.sqrt(3)
    for res, edge in enumerate(EDGE_KM):
        if edge <= target_edge:
            return res
    return len(EDGE_KM) - 1


#: Below this many points, one thread computes the cells.
PARALLEL_MIN = 200_000


def cells_of(lats: np.ndarray, lons: np.ndarray, resolution: int) -> np.ndarray:
    """H3 cell ids (uint64) of points, computed in one vectorised call (h3ronpy)."""
    from h3ronpy.vector import coordinates_to_cells

    lats = np.ascontiguousarray(lats, dtype=np.float64)
    lons = np.ascontiguousarray(lons, dtype=np.float64)
    workers = min(os.cpu_count() or 1, 4)
    if workers == 1 or len(lats) < PARALLEL_MIN:
        return np.asarray(coordinates_to_cells(lats, lons, resolution)).astype(np.uint64, copy=False)
    from concurrent.futures import ThreadPoolExecutor  # h3ronpy releases the GIL: one slice per core

    edges = np.linspace(0, len(lats), workers + 1).astype(int)
    slices = [slice(a, b) for a, b in zip(edges, edges[1:])]
    with ThreadPoolExecutor(workers) as pool:
        parts = pool.map(lambda part: coordinates_to_cells(lats[part], lons[part], resolution), slices)
        return np.concatenate([np.asarray(p).astype(np.uint64, copy=False) for p in parts])


def bin_chunk(chunk: pd.DataFrame, resolution: int, *, weight: str | None, by: str | None) -> pd.DataFrame:
    """Counts (and weight sums) per cell, and per group when ``by`` is given, for one chunk."""
    frame = pd.DataFrame({"cell": cells_of(chunk["lat"].to_numpy(), chunk["lon"].to_numpy(), resolution)})
    frame["count"] = 1
    frame["weight"] = pd.to_numeric(chunk[weight], errors="coerce").fillna(0.0).to_numpy() if weight else 1.0
    keys = ["cell"]
    if by:
        frame[by] = chunk[by].astype(str).to_numpy()
        keys.append(by)
    return frame.groupby(keys, sort=False, as_index=False)[["count", "weight"]].sum()


def aggregate(
    chunks: Iterable[pd.DataFrame],
    *,
    resolution: int | None = None,
    weight: str | None = None,
    by: str | None = None,
    max_resolution: int | None = None,
    progress: Callable[[int], None] | None = None,
    buffer_points: int = BUFFER_POINTS,
    compact_rows: int = COMPACT_ROWS,
) -> Binning:
    """Bin every chunk of points, then coarsen to ``resolution`` (or one chosen for the extent).

    Memory is bounded: at most ``buffer_points`` points wait for the extent; binned rows are
    merged per cell whenever they pass ``compact_rows``."""
    if resolution is not None and not 0 <= resolution < len(EDGE_KM):
        raise UsageProblem(f"--resolution {resolution} is outside 0-{len(EDGE_KM) - 1}")
    parts, points, pending, pending_points = [], 0, [], 0
    merge_at = compact_rows  # doubles past the distinct cells, so merging stays linear in the input
    fine: int | None = None  # the resolution chunks are binned at once the buffer is full
    west = south = math.inf
    east = north = -math.inf
    for chunk in chunks:
        if chunk.empty:
            continue
        points += len(chunk)
        west, east = min(west, chunk["lon"].min()), max(east, chunk["lon"].max())
        south, north = min(south, chunk["lat"].min()), max(north, chunk["lat"].max())
        if resolution is not None:
            parts.append(bin_chunk(chunk, resolution, weight=weight, by=by))
        elif fine is None and pending_points + len(chunk) <= buffer_points:  # keep until the extent is known
            pending.append(chunk)
            pending_points += len(chunk)
        else:  # too many to keep: bin finely now, coarsen at the end
            if fine is None:
                # the extent only grows, so the final resolution is at most the one for the extent so far:
                # two levels finer than that keeps the cells few; a parent cell does not cover its children
                # exactly (H3), so a few per cent of points near edges land in a neighbour, as at any fine level
                fine = min(FINE_RES, resolution_for((west, south, east, north)) + 2)
                parts += [bin_chunk(p, fine, weight=weight, by=by) for p in pending]
                pending, pending_points = [], 0
            parts.append(bin_chunk(chunk, fine, weight=weight, by=by))
        if len(parts) > 1 and sum(len(p) for p in parts) > merge_at:
            parts = [_merged(parts, by)]
            merge_at = max(compact_rows, 2 * len(parts[0]))
        if progress:
            progress(len(chunk))
    if not points:
        raise UsageProblem("no usable points to aggregate")
    box = (float(west), float(south), float(east), float(north))
    chosen = resolution if resolution is not None else resolution_for(box)
    capped = ""
    if max_resolution is not None and chosen > max_resolution:
        capped = (
            f"resolution {chosen} lowered to {max_resolution}: restricted data in a public output needs cells of ~10 km or more"
        )
        chosen = max_resolution
    keys = ["cell", by] if by else ["cell"]
    if pending:
        parts.append(bin_chunk(pd.concat(pending, ignore_index=True), chosen, weight=weight, by=by))
    cells = pd.concat(parts, ignore_index=True)
    if resolution is None or chosen != resolution:
        cells["cell"] = coarsen(cells["cell"].to_numpy(), chosen)
    cells = cells.groupby(keys, sort=True, as_index=False)[["count", "weight"]].sum()
    return Binning(cells, chosen, box, points, by, capped)


def _merged(parts: list[pd.DataFrame], by: str | None) -> pd.DataFrame:
    """Binned parts summed per cell (and group): one frame as long as the distinct cells."""
    keys = ["cell", by] if by else ["cell"]
    return pd.concat(parts, ignore_index=True).groupby(keys, sort=False, as_index=False)[["count", "weight"]].sum()


def coarsen(cells: np.ndarray, resolution: int) -> np.ndarray:
    """Parent cells at ``resolution`` (computed once per distinct cell; cells already there stay)."""
    unique, inverse = np.unique(cells, return_inverse=True)
    if _all_at(unique, resolution):
        return cells
    parents = np.fromiter((h3int.cell_to_parent(int(c), resolution) for c in unique), dtype=np.uint64, count=len(unique))
    return parents[inverse]


def _all_at(cells: np.ndarray, resolution: int) -> bool:
    """Whether every cell id is at ``resolution`` (bits 52-55 of an H3 index hold it)."""
    return bool(np.all(((cells >> np.uint64(52)) & np.uint64(15)) == resolution))


def cell_rings(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every cell's hexagon (or pentagon) as lon/lat vertices, each ring unwrapped around its
    first vertex so it does not straddle the antimeridian, in one vectorised call: (vertices,
    start offset of each cell's vertices, with a final end offset)."""
    import pyarrow as pa
    import shapely
    from h3ronpy.vector import cells_to_wkb_polygons

    if not len(cells):
        return np.empty((0, 2)), np.zeros(1, dtype=np.int64)
    polygons = shapely.from_wkb(
        pa.array(cells_to_wkb_polygons(np.asarray(cells, dtype=np.uint64))).to_numpy(zero_copy_only=False)
    )
    coords, owner = shapely.get_coordinates(polygons, return_index=True)
    last = np.r_[owner[1:] != owner[:-1], True]  # the closing vertex of each ring
    coords, owner = coords[~last], owner[~last]
    starts = np.r_[0, np.flatnonzero(owner[1:] != owner[:-1]) + 1, len(owner)]
    first_lon = np.repeat(coords[starts[:-1], 0], np.diff(starts))
    coords[:, 0] = (coords[:, 0] - first_lon + 180.0) % 360.0 - 180.0 + first_lon
    return coords, starts


def cell_polygons(cells: np.ndarray) -> list[Polygon]:
    """The hexagons of ``cells`` as lon/lat polygons."""
    coords, starts = cell_rings(cells)
    return [Polygon(coords[a:b]) for a, b in zip(starts, starts[1:])]


def cell_bounds(binning: Binning) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of the cells' outlines: the extent a map of the
    cells may show, computed from the cells and never from the points inside them."""
    coords, _ = cell_rings(binning.cells["cell"].to_numpy())
    if not len(coords):
        return binning.bounds
    west, south = coords.min(axis=0)
    east, north = coords.max(axis=0)
    return (max(float(west), -180.0), max(float(south), -90.0), min(float(east), 180.0), min(float(north), 90.0))


def cells_frame(binning: Binning) -> gpd.GeoDataFrame:
    """The cells as polygons (EPSG:4326) with h3 id (text), resolution, count and weight."""
    cells = binning.cells
    frame = gpd.GeoDataFrame(
        {
            "h3": [h3.int_to_str(int(c)) for c in cells["cell"]],
            "resolution": binning.resolution,
            "count": cells["count"].astype("int64").to_numpy(),
            "weight": cells["weight"].astype(float).to_numpy(),
            **({binning.by: cells[binning.by].to_numpy()} if binning.by else {}),
        },
        geometry=cell_polygons(cells["cell"].to_numpy()),
        crs="EPSG:4326",
    )
    return frame


def class_breaks(values: np.ndarray, *, k: int = 5, scheme: str = "quantiles") -> list[float]:
    """Upper bounds of at most ``k`` classes, strictly increasing, the last being the maximum.

    Quantiles are numpy's (the same as mapclassify.Quantiles); natural breaks come from
    mapclassify, imported only when asked for (it takes a second to import). Whole-number
    data (counts) get whole-number bounds; repeated bounds are merged, so tied data fall
    back to fewer classes rather than to classes that overlap or repeat.
    """
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    distinct = np.unique(values)
    if len(distinct) <= k:
        return [float(v) for v in distinct]
    if scheme == "natural":
        import mapclassify

        breaks = np.asarray(mapclassify.NaturalBreaks(values, k=k).bins, dtype=float)
    else:
        breaks = np.quantile(values, np.linspace(0, 1, k + 1)[1:])
    if np.all(values == np.round(values)):
        breaks = np.ceil(breaks)
    breaks[-1] = distinct[-1]
    return [float(b) for b in np.unique(breaks)]


def class_ranges(breaks: list[float], minimum: float) -> list[tuple[float, float, bool]]:
    """``(low, high, low_included)`` of each class of :func:`classify`: the first class is
    ``minimum``..``breaks[0]``; each other holds the values above the previous bound up to
    its own (for whole numbers, from the previous bound + 1, so no two ranges share a value)."""
    whole = all(float(b).is_integer() for b in breaks) and float(minimum).is_integer()
    ranges = [(float(minimum), float(breaks[0]), True)]
    for low, high in zip(breaks, breaks[1:]):
        ranges.append((low + 1, high, True) if whole else (low, high, False))
    return ranges


def classify(values: np.ndarray, breaks: list[float]) -> np.ndarray:
    """Class index (0-based) of each value given the upper bounds ``breaks``."""
    return np.searchsorted(np.asarray(breaks), np.asarray(values, dtype=float), side="left").clip(0, len(breaks) - 1)
