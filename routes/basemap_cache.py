"""The Natural Earth basemap, read from its GeoJSON once and then from a binary cache.

Parsing ``geodata/ne_admin0.geojson`` (3 MB, 190,000 vertices) takes about 0.4 s each run;
the same polygons as WKB load in a few milliseconds. The GeoJSON stays the only source: the
cache is built from it on first use, kept beside the gazetteer index in the user's cache
directory (``TIPMAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/tipmap``, else ``~/.cache/tipmap``),
and named by a hash of the GeoJSON's bytes, so a changed basemap is read again. When the
cache cannot be written (a read-only home), the GeoJSON is read each run. Nothing is fetched.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from importlib.resources import files
from pathlib import Path

import geopandas as gpd

#: Bump when what is cached changes shape.
FORMAT = 1
COLUMNS = ("iso_a2", "name")


def cache_file(data: bytes) -> Path:
    """The cache file for the basemap whose GeoJSON is ``data``."""
    from tipmap.routes.gazetteer import cache_dir

    return cache_dir() / f"basemap-v{FORMAT}-{hashlib.sha256(data).hexdigest()[:16]}.marshal"


def load_basemap() -> gpd.GeoDataFrame:
    """The admin-0 units as a GeoDataFrame (``iso_a2``, ``name``, geometry; EPSG:4326)."""
    import shapely

    data = files("tipmap.geodata").joinpath("ne_admin0.geojson").read_bytes()
    path = cache_file(data)
    try:
        fields = marshal.loads(path.read_bytes())
        columns, wkb = dict(zip(COLUMNS, fields[:-1])), fields[-1]
        return gpd.GeoDataFrame(columns, geometry=shapely.from_wkb(list(wkb)), crs="EPSG:4326")
    except (OSError, EOFError, ValueError, TypeError, shapely.errors.GEOSException):
        pass  # no cache yet, or an unreadable one: read the GeoJSON and cache it again
    frame = gpd.read_file(data.decode("utf-8"))
    _write(path, frame)
    return frame


def _write(path: Path, frame: gpd.GeoDataFrame) -> None:
    """Write the cache atomically; a read-only cache directory only means no cache."""
    import shapely

    fields = tuple(tuple(str(v) for v in frame[c]) for c in COLUMNS) + (tuple(shapely.to_wkb(frame.geometry.values)),)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".basemap-", delete=False) as tmp:
            tmp.write(marshal.dumps(fields))
        os.replace(tmp.name, path)
    except OSError:
        pass
