"""GDAL formats (GeoJSON, GeoPackage, KML, GPX, Shapefile, FlatGeobuf) for the reader registry.

Bounded work: a GeoPackage is first opened with sqlite itself, read-only, and each layer is
counted under a deadline (a recursive view never finishes counting; GDAL would spin on it
and ignore Ctrl-C); GeoPackage and FlatGeobuf layers are then read in slices, so Ctrl-C
is seen between slices. A declared CRS that cannot be understood is an error, never WGS 84.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
from tipmap.routes.readbase import COUNT_SECONDS, MAX_FEATURES, ImportError_, Source, _message, detect_format, point_columns

GPX_LAYERS = ("waypoints", "track_points", "route_points")
SLICED = ("gpkg", "vector")


def open_vector(source: Path) -> Source:
    """A GDAL-readable file as a :class:`Source` (one layer; GPX: its waypoints, else its track points)."""
    import pyogrio

    fmt = detect_format(source)
    if fmt == "gpkg":
        check_geopackage(source)
    if fmt == "geojson":
        check_geojson_crs(source)
    try:
        layers = [str(name) for name in pyogrio.list_layers(source)[:, 0]]
        layer = _layer(source, fmt, layers)
        info = pyogrio.read_info(source, layer=layer, force_feature_count=True)
    except ImportError_:
        raise
    except Exception as err:  # GDAL reports damaged files in many ways
        raise ImportError_(f"{source}: cannot be read as {fmt}: {_message(err)}") from None
    count = int(info.get("features") or 0)
    if count > MAX_FEATURES:
        raise ImportError_(f"{source}: {count:,} features is over the limit of {MAX_FEATURES:,}; split it")
    header = [str(f) for f in info["fields"]]

    def read(chunk_rows: int, columns: list[str] | None, numeric: tuple[str, ...] = ()) -> Iterator[tuple[int, pd.DataFrame]]:
        wanted = [c for c in columns if c in header] if columns is not None else None
        if fmt in SLICED:
            for start in range(0, max(count, 1), chunk_rows):
                yield start + 1, _frame(_read(source, layer, wanted, start, chunk_rows))
        else:  # parsed whole by GDAL anyway (and capped in size): read once, hand out in slices
            whole = _frame(_read(source, layer, wanted, 0, None))
            for start in range(0, len(whole), chunk_rows):
                yield start + 1, whole.iloc[start : start + chunk_rows].reset_index(drop=True)

    crs = info.get("crs")
    notes = [f"read layer '{layer}'"] if fmt == "gpx" else []
    if crs is None:
        notes.append("no CRS given in the file: taken as EPSG:4326 (longitude, latitude)")
    return Source(source, fmt, header, read, crs or "EPSG:4326", True, notes)


def _layer(source: Path, fmt: str, layers: list[str]) -> str:
    import pyogrio

    if fmt == "gpx":
        for name in GPX_LAYERS:
            if name in layers and (pyogrio.read_info(source, layer=name, force_feature_count=True).get("features") or 0) > 0:
                return name
        raise ImportError_(f"{source}: the GPX file has no waypoints or track points")
    if len(layers) > 1:
        raise ImportError_(f"{source}: has {len(layers)} layers ({', '.join(layers)}); export the one to import")
    if not layers:
        raise ImportError_(f"{source}: has no layer")
    return layers[0]


def _read(source: Path, layer: str, columns: list[str] | None, skip: int, count: int | None):
    import pyogrio

    try:
        return pyogrio.read_dataframe(source, layer=layer, columns=columns, skip_features=skip, max_features=count)
    except Exception as err:  # GDAL reports damaged files in many ways
        raise ImportError_(f"{source}: cannot be read: {_message(err)}") from None


def _frame(frame) -> pd.DataFrame:
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    geoms = np.asarray(frame.geometry.to_numpy(), dtype=object)
    data = pd.DataFrame(frame.drop(columns=frame.geometry.name)).reset_index(drop=True)
    return pd.concat([data, point_columns(geoms)], axis=1)


def check_geopackage(source: Path, *, seconds: float = COUNT_SECONDS) -> None:
    """Open the GeoPackage with sqlite (read-only) and count each layer's features under a
    deadline; a layer that cannot be counted in time (a recursive or runaway view) or has
    too many features is refused."""
    try:
        db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    except sqlite3.Error as err:
        raise ImportError_(f"{source}: cannot be opened as a GeoPackage: {err}") from None
    deadline = [0.0]
    db.set_progress_handler(lambda: int(time.monotonic() > deadline[0]), 10_000)
    try:
        deadline[0] = time.monotonic() + seconds
        names = [r[0] for r in db.execute("SELECT table_name FROM gpkg_contents")]
        for name in names:
            deadline[0] = time.monotonic() + seconds
            quoted = '"' + name.replace('"', '""') + '"'
            try:
                (count,) = db.execute(f"SELECT count(*) FROM (SELECT 1 FROM {quoted} LIMIT {MAX_FEATURES + 1})").fetchone()
            except sqlite3.OperationalError as err:
                if "interrupt" in str(err):
                    raise ImportError_(
                        f"{source}: layer '{name}' could not be counted within {seconds:g} s "
                        "(a recursive or runaway view?); refused"
                    ) from None
                raise ImportError_(f"{source}: layer '{name}' cannot be read: {err}") from None
            if count > MAX_FEATURES:
                raise ImportError_(f"{source}: layer '{name}' has over {MAX_FEATURES:,} features; split it")
    except sqlite3.DatabaseError as err:
        if isinstance(err, sqlite3.OperationalError) and "interrupt" in str(err):
            raise ImportError_(f"{source}: the GeoPackage's tables could not be listed within {seconds:g} s") from None
        raise ImportError_(f"{source}: not a GeoPackage: {err}") from None
    finally:
        db.close()


CRS_MEMBER = re.compile(rb'"crs"\s*:\s*(\{(?:[^{}]|\{[^{}]*\})*\})')


def check_geojson_crs(source: Path) -> None:
    """A GeoJSON that declares a CRS (the 2008 ``"crs"`` member) must declare one pyproj knows."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    with open(source, "rb") as handle:
        head = handle.read(1 << 16)
    match = CRS_MEMBER.search(head)
    if not match:
        return
    try:
        member = json.loads(match[1])
        props = member.get("properties") or {}
        name = props.get("name") or props.get("href") or ""
        CRS.from_user_input(name)
    except (ValueError, CRSError, AttributeError):
        shown = match[1].decode("utf-8", "replace")[:120]
        raise ImportError_(f"{source}: declares a CRS tipmap does not know ({shown}); give it as EPSG:NNNN") from None
