"""Import analysts' own data: points from CSV, GeoJSON, GeoPackage, KML or GeoParquet.

Coordinates are reprojected to EPSG:4326; rows that cannot be used are counted and
reported by reason (row numbers, first ten), never dropped silently; ``strict`` turns any
bad row into an error. Imported records are ``restricted`` unless the user says otherwise.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from tipmap.routes.errors import TipmapError, UsageProblem

LAT_NAMES = ("lat", "latitude", "y", "lat_dd", "decimallatitude")
LON_NAMES = ("lon", "lng", "long", "longitude", "x", "lon_dd", "decimallongitude")
PLACE_NAMES = ("place", "location", "city", "town", "site", "placename", "place_name")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".kml", ".shp", ".fgb")
PARQUET_SUFFIXES = (".parquet", ".geoparquet", ".pq")
#: Refused above these (bounded memory against hostile or mistaken inputs).
MAX_FILE_BYTES = 4 * 1024**3
MAX_VECTOR_BYTES = 512 * 1024**2  # GeoJSON/KML are parsed whole
CHUNK_ROWS = 250_000


class ImportError_(TipmapError):
    """The input cannot be imported; the message names the file and what is wrong."""


@dataclass
class ImportReport:
    """What happened to the rows of an input."""

    path: str
    rows: int = 0
    used: int = 0
    bad: dict[str, list[int]] = field(default_factory=dict)  # reason -> row numbers (1-based data rows)
    notes: list[str] = field(default_factory=list)

    def add_bad(self, reason: str, rows: np.ndarray) -> None:
        """Record rows (data-row numbers) dropped for ``reason``."""
        if len(rows):
            self.bad.setdefault(reason, []).extend(int(r) for r in rows)

    @property
    def dropped(self) -> int:
        """How many rows were not used."""
        return sum(len(v) for v in self.bad.values())

    def describe(self) -> str:
        """One line per reason: count and the first ten row numbers."""
        lines = [f"{self.path}: {self.used:,} of {self.rows:,} rows used"]
        for reason, rows in self.bad.items():
            first = ", ".join(str(r) for r in sorted(rows)[:10])
            lines.append(f"{self.path}: {len(rows):,} rows {reason} (rows {first}{', ...' if len(rows) > 10 else ''})")
        return "\n".join(lines + [f"{self.path}: {note}" for note in self.notes])


@dataclass(frozen=True)
class PointColumns:
    """How to find coordinates in a table."""

    lat: str | None = None
    lon: str | None = None
    place: str | None = None
    crs: str | None = None
    weight: str | None = None
    by: str | None = None


def iter_points(
    path: str | os.PathLike[str],
    *,
    columns: PointColumns = PointColumns(),
    strict: bool = False,
    report: ImportReport | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[pd.DataFrame]:
    """Yield chunks of usable points as DataFrames with ``lon``, ``lat`` (EPSG:4326), and the
    ``weight`` and ``by`` columns when asked for; bad rows go to ``report``.

    Raises
    ------
    ImportError_
        For unreadable input (missing file, empty, not UTF-8, missing columns, unknown CRS,
        lines instead of points, too large), and for any bad row when ``strict``.
    """
    source = Path(path)
    report = report if report is not None else ImportReport(str(source))
    _check_file(source)
    suffix = source.suffix.lower()
    if suffix in CSV_SUFFIXES:
        chunks = _csv_chunks(source, columns, report, chunk_rows)
    elif suffix in VECTOR_SUFFIXES or suffix in PARQUET_SUFFIXES:
        chunks = iter([_vector_points(source, columns, report)])
    else:
        raise ImportError_(f"{source}: unknown input format '{suffix}'; use CSV, GeoJSON, GeoPackage, KML or GeoParquet")
    for chunk in chunks:
        if strict and report.bad:
            reason, rows = next(iter(report.bad.items()))
            raise ImportError_(f"{source}: row {rows[0]} {reason} (--strict)")
        yield chunk


def estimated_rows(path: str | os.PathLike[str]) -> int:
    """About how many rows a CSV has (from its size and its first megabyte); 0 if unknown."""
    source = Path(path)
    if source.suffix.lower() not in CSV_SUFFIXES or not source.is_file():
        return 0
    with open(source, "rb") as handle:
        head = handle.read(1 << 20)
    lines = head.count(b"\n")
    return int(source.stat().st_size / (len(head) / lines)) if lines else 0


def read_points(path: str | os.PathLike[str], **kwargs) -> tuple[pd.DataFrame, ImportReport]:
    """All usable points of ``path`` in one DataFrame, with the import report."""
    report = kwargs.pop("report", None) or ImportReport(str(path))
    chunks = list(iter_points(path, report=report, **kwargs))
    frame = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame({"lon": [], "lat": []})
    return frame, report


def _check_file(source: Path) -> None:
    if not source.is_file():
        raise ImportError_(f"{source}: no such file")
    size = source.stat().st_size
    if size == 0:
        raise ImportError_(f"{source}: empty file")
    limit = MAX_VECTOR_BYTES if source.suffix.lower() in (".geojson", ".json", ".kml") else MAX_FILE_BYTES
    if size > limit:
        raise ImportError_(f"{source}: {size / 1e6:,.0f} MB is over the {limit / 1e6:,.0f} MB limit for this format; split it")


def _find(header: list[str], wanted: str | None, names: tuple[str, ...], what: str, source: Path) -> str | None:
    if wanted:
        if wanted not in header:
            raise ImportError_(f"{source}: no column '{wanted}' for {what}; columns are: {', '.join(header)}")
        return wanted
    lowered = {h.strip().lower(): h for h in header}
    return next((lowered[n] for n in names if n in lowered), None)


def _csv_chunks(source: Path, columns: PointColumns, report: ImportReport, chunk_rows: int) -> Iterator[pd.DataFrame]:
    _check_utf8(source)
    sep = "\t" if source.suffix.lower() == ".tsv" else ","
    try:
        header = list(pd.read_csv(source, sep=sep, nrows=0, encoding="utf-8").columns)
    except pd.errors.EmptyDataError:
        raise ImportError_(f"{source}: empty file (no header row)") from None
    except pd.errors.ParserError as err:
        raise ImportError_(f"{source}: not readable as CSV: {_parser_message(err)}") from None
    lat = _find(header, columns.lat, LAT_NAMES, "latitude (--lat)", source)
    lon = _find(header, columns.lon, LON_NAMES, "longitude (--lon)", source)
    place = _find(header, columns.place, PLACE_NAMES, "place names (--place)", source) if not (lat and lon) else None
    if not (lat and lon) and not place:
        raise ImportError_(
            f"{source}: no coordinate columns (looked for {'/'.join(LAT_NAMES[:3])} and {'/'.join(LON_NAMES[:4])}) "
            f"and no place-name column; columns are: {', '.join(header)}; name them with --lat/--lon or --place"
        )
    extra = [c for c in (columns.weight, columns.by) if c]
    for c in extra:
        _find(header, c, (), "--weight/--by", source)
    usecols = [c for c in (lat, lon, place, *extra) if c]
    offset = 0
    reader = pd.read_csv(
        source, sep=sep, usecols=usecols, chunksize=chunk_rows, encoding="utf-8", dtype={place: str} if place else None
    )
    for raw in _checked_chunks(reader, source):
        rows = np.arange(offset + 1, offset + len(raw) + 1)
        offset += len(raw)
        report.rows += len(raw)
        if place:
            lons, lats = _resolve_places(raw[place], rows, report)
        else:
            lats, lons = (
                _numbers(raw[lat], rows, report, "have a latitude that is not a number"),
                _numbers(raw[lon], rows, report, "have a longitude that is not a number"),
            )
        if columns.crs:
            lons, lats = _to_wgs84(lons, lats, columns.crs, source)
        yield _usable(pd.DataFrame({"lon": lons, "lat": lats, **{c: raw[c].to_numpy() for c in extra}}), rows, report, source)


def _checked_chunks(reader, source: Path) -> Iterator[pd.DataFrame]:
    """The reader's chunks; a CSV the parser cannot read (an unclosed quote...) is our error."""
    done = 0
    while True:
        try:
            chunk = next(reader)
        except StopIteration:
            return
        except pd.errors.ParserError as err:
            raise ImportError_(f"{source}: not readable as CSV after row {done + 1}: {_parser_message(err)}") from None
        done += len(chunk)
        yield chunk


def _parser_message(err: Exception) -> str:
    return re.sub(r"\s+", " ", str(err)).replace("Error tokenizing data. C error: ", "").strip()[:160]


def _check_utf8(source: Path) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()  # a character cut by a block edge is carried over
    line = 1
    with open(source, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as err:
                start = max(err.start, 0)
                line += block[:start].count(b"\n")
                byte = block[start] if start < len(block) else 0
                raise ImportError_(f"{source}: line {line}: not UTF-8 (byte 0x{byte:02x}); save the file as UTF-8") from None
            line += block.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ImportError_(f"{source}: line {line}: not UTF-8 (the file ends inside a character)") from None


def _numbers(values: pd.Series, rows: np.ndarray, report: ImportReport, reason: str) -> np.ndarray:
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    report.add_bad(reason, rows[np.isnan(numbers) & values.notna().to_numpy()])
    return numbers


def _usable(frame: pd.DataFrame, rows: np.ndarray, report: ImportReport, source: Path) -> pd.DataFrame:
    lon, lat = frame["lon"].to_numpy(), frame["lat"].to_numpy()
    finite = np.isfinite(lon) & np.isfinite(lat)
    report.add_bad("have no coordinates (empty, NaN or infinite)", rows[~finite & ~_already_bad(report, rows)])
    bad_lat = finite & (np.abs(lat) > 90)
    bad_lon = finite & (np.abs(lon) > 180)
    if bad_lat.any():
        swapped = bad_lat & (np.abs(lat) <= 180) & (np.abs(lon) <= 90)
        if swapped.sum() > 0.5 * bad_lat.sum() and swapped.sum() >= max(1, 0.2 * finite.sum()):
            report.notes.append("latitude and longitude look swapped (latitudes past ±90 that would be valid longitudes)")
            raise ImportError_(
                f"{source}: latitude and longitude look swapped: {int(swapped.sum()):,} latitudes are past ±90 but fit as "
                f"longitudes (rows {', '.join(str(r) for r in rows[swapped][:10])}); name the columns with --lat/--lon"
            )
    report.add_bad("have a latitude outside ±90", rows[bad_lat])
    report.add_bad("have a longitude outside ±180", rows[bad_lon & ~bad_lat])
    keep = finite & ~bad_lat & ~bad_lon
    report.used += int(keep.sum())
    out = frame[keep].reset_index(drop=True)
    out["row"] = rows[keep]
    return out


def _already_bad(report: ImportReport, rows: np.ndarray) -> np.ndarray:
    bad = {r for rs in report.bad.values() for r in rs}
    return np.isin(rows, list(bad)) if bad else np.zeros(len(rows), dtype=bool)


def _to_wgs84(lons: np.ndarray, lats: np.ndarray, crs: str, source: Path) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        transformer = Transformer.from_crs(CRS.from_user_input(crs), "EPSG:4326", always_xy=True)
    except CRSError:
        raise ImportError_(f"{source}: unknown CRS '{crs}'; give an EPSG code such as EPSG:32647") from None
    x, y = transformer.transform(lons, lats)
    return np.asarray(x), np.asarray(y)


def _resolve_places(names: pd.Series, rows: np.ndarray, report: ImportReport) -> tuple[np.ndarray, np.ndarray]:
    from tipmap.routes.lookup import AmbiguousPlace, PlaceNotFound, resolve_place

    lons, lats = np.full(len(names), np.nan), np.full(len(names), np.nan)
    cache: dict[str, tuple[float, float] | str] = {}
    for i, name in enumerate(names.fillna("").astype(str)):
        if name not in cache:
            try:
                found = resolve_place(name)
                cache[name] = (found.lon, found.lat)
            except AmbiguousPlace:
                cache[name] = "have an ambiguous place name"
            except (PlaceNotFound, UsageProblem):
                cache[name] = "have a place name the offline gazetteer does not know"
        hit = cache[name]
        if isinstance(hit, str):
            report.add_bad(hit, rows[i : i + 1])
        else:
            lons[i], lats[i] = hit
    return lons, lats


def _vector_points(source: Path, columns: PointColumns, report: ImportReport) -> pd.DataFrame:
    frame = _read_vector(source)
    report.rows += len(frame)
    rows = np.arange(1, len(frame) + 1)
    if frame.crs is None:
        report.notes.append("no CRS given in the file: taken as EPSG:4326 (longitude, latitude)")
    elif not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    frame = _areas_as_points(frame, source, report)
    kinds = frame.geometry.geom_type.fillna("None")
    points = kinds == "Point"
    if not points.any() and len(frame):
        counts = ", ".join(f"{n} {k}" for k, n in kinds.value_counts().items())
        raise ImportError_(f"{source}: points are needed but the geometries are {counts}")
    report.add_bad("have a geometry that is not a point", rows[~points.to_numpy()])
    extra = [c for c in (columns.weight, columns.by) if c]
    for c in extra:
        if c not in frame.columns:
            raise ImportError_(f"{source}: no column '{c}'; columns are: {', '.join(map(str, frame.columns))}")
    geoms = frame.geometry[points]
    data = pd.DataFrame(
        {"lon": geoms.x.to_numpy(), "lat": geoms.y.to_numpy(), **{c: frame.loc[points, c].to_numpy() for c in extra}}
    )
    return _usable(data, rows[points.to_numpy()], report, source)


def _areas_as_points(frame: gpd.GeoDataFrame, source: Path, report: ImportReport) -> gpd.GeoDataFrame:
    """Polygons (a district, a site outline) count at a point inside them; invalid ones
    (self-intersecting) are repaired with ``make_valid`` first. Both are reported."""
    import shapely

    kinds = frame.geometry.geom_type.fillna("None")
    areas = kinds.isin(["Polygon", "MultiPolygon"]).to_numpy()
    if not areas.any():
        return frame
    geoms = frame.geometry.to_numpy().copy()
    invalid = areas & ~shapely.is_valid(geoms)
    if invalid.any():
        geoms[invalid] = shapely.make_valid(geoms[invalid])
        rows = ", ".join(str(r) for r in (np.flatnonzero(invalid) + 1)[:10])
        report.notes.append(f"{int(invalid.sum()):,} invalid polygons repaired with make_valid (rows {rows})")
    geoms[areas] = shapely.point_on_surface(geoms[areas])
    report.notes.append(f"{int(areas.sum()):,} polygons counted at a point inside each")
    return frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))


def _read_vector(source: Path) -> gpd.GeoDataFrame:
    import pyogrio

    try:
        if source.suffix.lower() in PARQUET_SUFFIXES:
            return gpd.read_parquet(source)
        layers = pyogrio.list_layers(source)
        if len(layers) > 1:
            raise ImportError_(f"{source}: has {len(layers)} layers ({', '.join(layers[:, 0])}); export the one to import")
        return pyogrio.read_dataframe(source)
    except ImportError_:
        raise
    except Exception as err:  # GDAL and Arrow report damaged files in many ways
        message = re.sub(r"\s+", " ", str(err)).strip()[:200]
        raise ImportError_(f"{source}: cannot be read as {source.suffix.lstrip('.')}: {message}") from None


def points_frame(points: pd.DataFrame) -> gpd.GeoDataFrame:
    """Imported points as a GeoDataFrame in EPSG:4326."""
    return gpd.GeoDataFrame(points, geometry=gpd.points_from_xy(points["lon"], points["lat"]), crs="EPSG:4326")


ProgressFn = Callable[[int], None]
