"""The Natural Earth basemap, read from its GeoJSON once and then from a binary cache.

Parsing ``geodata/ne_admin0.geojson`` (3 MB, 190,000 vertices) takes about 0.4 s each run,
and segmenting its long edges for a projection another 0.15 s; the same polygons as WKB load
in a few milliseconds. The GeoJSON stays the only source: the cache (the polygons as they
are, and segmentized to ``DENSE_DEG``) is built from it on first use, kept beside
the gazetteer index in the user's cache directory (``TIPMAP_CACHE_DIR``, else
``$XDG_CACHE_HOME/tipmap``, else ``~/.cache/tipmap``), and named by a hash of the GeoJSON's
bytes and the segment length, so a changed basemap is read again. When the cache cannot be
written (a read-only home), the GeoJSON is read each run. Nothing is fetched.
"""

from __future__ import annotations

import hashlib
import marshal
from functools import cache
from importlib.resources import files
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from tipmap.routes.cachefiles import read_private, write_private

#: Bump when what is cached changes shape.
FORMAT = 2
#: Longest edge (degrees) of the basemap drawn on a static map: longer ones are cut so they curve.
DENSE_DEG = 1.0
COLUMNS = ("iso_a2", "name")


def cache_file(data: bytes, dense_deg: float) -> Path:
    """The cache file for the basemap whose GeoJSON is ``data``."""
    from tipmap.routes.gazetteer import cache_dir

    digest = hashlib.sha256(data + repr(dense_deg).encode()).hexdigest()[:16]
    return cache_dir() / f"basemap-v{FORMAT}-{digest}.marshal"


def load_basemap() -> gpd.GeoDataFrame:
    """The admin-0 units as a GeoDataFrame (``iso_a2``, ``name``, geometry; EPSG:4326)."""
    columns, wkb, _ = _fields()
    return gpd.GeoDataFrame(dict(zip(COLUMNS, columns)), geometry=shapely.from_wkb(list(wkb)), crs="EPSG:4326")


def load_dense() -> np.ndarray:
    """The same units' geometries, row for row, segmentized to ``DENSE_DEG``."""
    return shapely.from_wkb(list(_fields()[2]))


def load_arrays() -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The units' columns (``iso_a2``, ``name``) and geometries as arrays, without a
    GeoDataFrame (for drawing, where pandas' indexes only cost time)."""
    columns, wkb, _ = _fields()
    return {name: np.array(values, dtype=object) for name, values in zip(COLUMNS, columns)}, shapely.from_wkb(list(wkb))


@cache
def _fields() -> tuple[tuple, tuple[bytes, ...], tuple[bytes, ...]]:
    """(columns, WKB, segmentized WKB): from the cache, else from the GeoJSON (then cached)."""
    data = files("tipmap.geodata").joinpath("ne_admin0.geojson").read_bytes()
    path = cache_file(data, DENSE_DEG)
    try:
        columns, wkb, dense = marshal.loads(read_private(path) or b"")  # only the user's own file
        if len(columns) == len(COLUMNS) and all(len(c) == len(wkb) == len(dense) for c in columns):
            return columns, wkb, dense
    except (OSError, EOFError, ValueError, TypeError):
        pass  # no cache yet, or an unreadable one: read the GeoJSON and cache it again
    frame = gpd.read_file(data.decode("utf-8"))
    geoms = np.asarray(frame.geometry.values)
    fields = (
        tuple(tuple(str(v) for v in frame[c]) for c in COLUMNS),
        tuple(shapely.to_wkb(geoms)),
        tuple(shapely.to_wkb(shapely.segmentize(geoms, DENSE_DEG))),
    )
    _write(path, fields)
    return fields


def _write(path: Path, fields: tuple) -> None:
    """Write the cache atomically; a read-only cache directory only means no cache."""
    write_private(path, marshal.dumps(fields))
