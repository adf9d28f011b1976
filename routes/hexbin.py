"""Aggregate points into H3 hexagons: counts, optional weights, optional groups.

Points are binned once at a fine resolution and coarsened to the one chosen for the
extent, so a chunked input is read in a single pass with memory bounded by the chunk size
and the number of distinct fine cells.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from tipmap.routes.errors import UsageProblem

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

if TYPE_CHECKING:  # pandas, geopandas and shapely are imported when the cells are made, not before
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Polygon


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
    from tipmap.routes.geodesy import distance_km  # pyproj: imported when first needed

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


#: One chunk of points as columns: ``lon``, ``lat``, and the weight and group columns when asked.
Columns = dict[str, np.ndarray]


def columns_of(chunk: Any, *, weight: str | None, by: str | None) -> Columns:
    """The columns binning needs from a chunk (a DataFrame of :mod:`routes.importer`, or any
    mapping of column name to values such as :class:`routes.fastpoints.Points`)."""
    out = {"lon": np.asarray(chunk["lon"], dtype=float), "lat": np.asarray(chunk["lat"], dtype=float)}
    if weight:
        values = np.asarray(chunk[weight], dtype=float)
        out["weight"] = np.where(np.isfinite(values), values, 0.0)
    if by:
        out["by"] = np.asarray(chunk[by], dtype=object).astype(str)
    return out


@dataclass(frozen=True)
class Binned:
    """Counts and weight sums per distinct cell (and group code): numpy arrays of equal length."""

    cell: np.ndarray  # uint64
    group: np.ndarray  # int64 code into the groups list (all 0 without --by)
    count: np.ndarray  # int64
    weight: np.ndarray  # float64


def bin_chunk(chunk: Columns, resolution: int, groups: dict[str, int]) -> Binned:
    """Counts (and weight sums) per cell, and per group when the chunk has one, for one chunk.

    ``groups`` maps each group value seen so far to its code; new values are added to it."""
    cells = cells_of(chunk["lat"], chunk["lon"], resolution)
    if "by" not in chunk and "weight" not in chunk:  # the common case: counts only (one sort, no inverse)
        unique, counts = np.unique(cells, return_counts=True)
        return Binned(unique, np.zeros(len(unique), dtype=np.int64), counts.astype(np.int64), counts.astype(float))
    codes = np.zeros(len(cells), dtype=np.int64)
    if "by" in chunk:
        values, inverse = np.unique(chunk["by"], return_inverse=True)
        lookup = np.array([groups.setdefault(str(v), len(groups)) for v in values], dtype=np.int64)
        codes = lookup[inverse.ravel()]
    return _summed(cells, codes, np.ones(len(cells), dtype=np.int64), chunk.get("weight", np.ones(len(cells))))


def bin_frame(chunk: Any, resolution: int, *, weight: str | None, by: str | None) -> pd.DataFrame:
    """One chunk binned at ``resolution`` as a table (cell, group, count, weight): what each
    partition of the dask engine sends back."""
    groups: dict[str, int] = {}
    return cells_table(bin_chunk(columns_of(chunk, weight=weight, by=by), resolution, groups), by, groups)


def _summed(cells: np.ndarray, codes: np.ndarray, counts: np.ndarray, weights: np.ndarray) -> Binned:
    """Rows with the same (cell, group) summed into one, sorted by cell then group."""
    if codes.any():
        order = np.lexsort((codes, cells))
        cells, codes = cells[order], codes[order]
        first = np.r_[True, (cells[1:] != cells[:-1]) | (codes[1:] != codes[:-1])]
        counts, weights = counts[order], np.asarray(weights, dtype=float)[order]
        starts = np.flatnonzero(first)
        return Binned(cells[starts], codes[starts], np.add.reduceat(counts, starts), np.add.reduceat(weights, starts))
    unique, inverse = np.unique(cells, return_inverse=True)
    inverse = inverse.ravel()
    total = np.bincount(inverse, weights=counts, minlength=len(unique)).astype(np.int64)
    weight = np.bincount(inverse, weights=np.asarray(weights, dtype=float), minlength=len(unique))
    return Binned(unique, np.zeros(len(unique), dtype=np.int64), total, weight)


def _joined(parts: list[Binned]) -> Binned:
    """Binned parts summed per cell (and group): one as long as the distinct cells."""
    if len(parts) == 1:
        return parts[0]
    cat = [np.concatenate([getattr(p, f) for p in parts]) for f in ("cell", "group", "count", "weight")]
    return _summed(*cat)


def aggregate(
    chunks: Iterable[Any],
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

    Chunks are DataFrames with ``lon``/``lat`` (and the ``weight``/``by`` columns), or any
    mapping of those names to arrays. Memory is bounded: at most ``buffer_points`` points
    wait for the extent; binned rows are merged per cell whenever they pass ``compact_rows``."""
    if resolution is not None and not 0 <= resolution < len(EDGE_KM):
        raise UsageProblem(f"--resolution {resolution} is outside 0-{len(EDGE_KM) - 1}")
    parts: list[Binned] = []
    pending: list[Columns] = []
    groups: dict[str, int] = {}
    points = pending_points = 0
    merge_at = compact_rows  # doubles past the distinct cells, so merging stays linear in the input
    fine: int | None = None  # the resolution chunks are binned at once the buffer is full
    west = south = math.inf
    east = north = -math.inf
    for raw in chunks:
        chunk = columns_of(raw, weight=weight, by=by)
        n = len(chunk["lat"])
        if not n:
            continue
        points += n
        west, east = min(west, chunk["lon"].min()), max(east, chunk["lon"].max())
        south, north = min(south, chunk["lat"].min()), max(north, chunk["lat"].max())
        if resolution is not None:
            parts.append(bin_chunk(chunk, resolution, groups))
        elif fine is None and pending_points + n <= buffer_points:  # keep until the extent is known
            pending.append(chunk)
            pending_points += n
        else:  # too many to keep: bin finely now, coarsen at the end
            if fine is None:
                # the extent only grows, so the final resolution is at most the one for the extent so far:
                # two levels finer than that keeps the cells few; a parent cell does not cover its children
                # exactly (H3), so a few per cent of points near edges land in a neighbour, as at any fine level
                fine = min(FINE_RES, resolution_for((west, south, east, north)) + 2)
                parts += [bin_chunk(p, fine, groups) for p in pending]
                pending, pending_points = [], 0
            parts.append(bin_chunk(chunk, fine, groups))
        if len(parts) > 1 and sum(len(p.cell) for p in parts) > merge_at:
            parts = [_joined(parts)]
            merge_at = max(compact_rows, 2 * len(parts[0].cell))
        if progress:
            progress(n)
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
    if pending:
        merged = pending[0] if len(pending) == 1 else {key: np.concatenate([p[key] for p in pending]) for key in pending[0]}
        parts.append(bin_chunk(merged, chosen, groups))
    binned = _joined(parts)
    if resolution is None or chosen != resolution:
        binned = _summed(coarsen(binned.cell, chosen), binned.group, binned.count, binned.weight)
    return Binning(cells_table(binned, by, groups), chosen, box, points, by, capped)


def cells_table(binned: Binned, by: str | None, groups: dict[str, int]) -> pd.DataFrame:
    """The binned cells as the table every consumer reads: cell, (group), count, weight,
    sorted by cell and then by group value."""
    import pandas as pd

    frame = {"cell": binned.cell}
    if by:
        names = np.empty(len(groups), dtype=object)
        for value, code in groups.items():
            names[code] = value
        frame[by] = names[binned.group] if len(names) else np.empty(0, dtype=object)
    cells = pd.DataFrame({**frame, "count": binned.count, "weight": binned.weight})
    return cells.sort_values(["cell", by] if by else ["cell"], kind="stable", ignore_index=True)


def cells_in_box(binning: Binning, box: tuple[float, float, float, float]) -> Binning:
    """The cells whose centres lie in ``box``. A public output selects whole cells, never
    points: moving the box's edge then changes what is shown only by whole cells, so no run
    tells where inside a cell a point lies; and the resolution came from the box, not from
    the points in it, so it cannot betray one point at the edge either."""
    from h3ronpy.vector import cells_to_coordinates

    west, south, east, north = box
    cells = binning.cells
    centres = cells_to_coordinates(cells["cell"].to_numpy())
    lat, lon = centres.column("lat").to_numpy(), centres.column("lng").to_numpy()
    inside = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
    return replace(binning, cells=cells[inside].reset_index(drop=True))


def coarsen(cells: np.ndarray, resolution: int) -> np.ndarray:
    """Parent cells at ``resolution`` (computed once per distinct cell; cells already there stay)."""
    unique, inverse = np.unique(cells, return_inverse=True)
    if _all_at(unique, resolution):
        return cells
    import h3.api.numpy_int as h3int

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
    key = np.asarray(cells, dtype=np.uint64).tobytes()
    if _LAST_RINGS and _LAST_RINGS[0] == key:  # a map asks twice: for its extent, then to draw them
        return _LAST_RINGS[1]
    polygons = shapely.from_wkb(
        pa.array(cells_to_wkb_polygons(np.asarray(cells, dtype=np.uint64))).to_numpy(zero_copy_only=False)
    )
    coords, owner = shapely.get_coordinates(polygons, return_index=True)
    last = np.r_[owner[1:] != owner[:-1], True]  # the closing vertex of each ring
    coords, owner = coords[~last], owner[~last]
    starts = np.r_[0, np.flatnonzero(owner[1:] != owner[:-1]) + 1, len(owner)]
    first_lon = np.repeat(coords[starts[:-1], 0], np.diff(starts))
    coords[:, 0] = (coords[:, 0] - first_lon + 180.0) % 360.0 - 180.0 + first_lon
    coords.setflags(write=False)  # shared with the next caller of the same cells
    starts.setflags(write=False)
    _LAST_RINGS[:] = [key, (coords, starts)]
    return coords, starts


#: The cells last asked of :func:`cell_rings` (as bytes) and their rings.
_LAST_RINGS: list = []


def cell_polygons(cells: np.ndarray) -> list[Polygon]:
    """The hexagons of ``cells`` as lon/lat polygons."""
    from shapely.geometry import Polygon

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
    import geopandas as gpd
    import h3

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
