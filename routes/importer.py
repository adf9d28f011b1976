"""Import analysts' own data: points from any format of the reader registry (:mod:`routes.readers`).

Coordinates are reprojected to EPSG:4326; rows that cannot be used are counted and
reported by reason (row numbers, first ten), never dropped silently; ``strict`` turns any
bad row into an error. Imported records are ``restricted`` unless the user says otherwise.

:func:`chunk_points` turns one chunk of raw rows into points; the in-memory engine
(:func:`iter_points`) and the dask engine (:mod:`routes.distributed`) both call it, so
both give the same points, the same bad rows and the same messages.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from tipmap.routes.pointspec import (  # noqa: F401  (re-exported: the importer's public names)
    AREA_NAMES,
    BLANK,
    LAT_NAMES,
    LON_NAMES,
    PLACE_NAMES,
    ImportReport,
    PointColumns,
    estimated_rows,
)
from tipmap.routes.readbase import ragged_mask
from tipmap.routes.readers import (
    CHUNK_ROWS,
    GEOM_KIND,
    GEOM_LAT,
    GEOM_LON,
    GEOM_REPAIRED,
    MAX_FILE_BYTES,
    MAX_WHOLE_BYTES,
    ImportError_,
    Source,
    open_source,
)
from tipmap.routes.textfile import RAGGED

__all__ = ["ImportError_", "ImportReport", "PointColumns", "iter_points", "read_points", "chunk_points", "plan_points"]
MAX_VECTOR_BYTES = MAX_WHOLE_BYTES


@dataclass(frozen=True)
class PointPlan:
    """Which columns of a source make a point (picklable: dask workers get it)."""

    path: str
    lat: str | None
    lon: str | None
    place: str | None  # geocoded when there are no coordinates
    check: str | None  # names the row's country or region when there are coordinates
    crs: str | None
    geometry: bool
    weight: str | None
    by: str | None

    @property
    def numeric(self) -> tuple[str, ...]:
        """The columns read as numbers where they can be."""
        return tuple(c for c in (self.lat, self.lon, self.weight) if c)

    @property
    def columns(self) -> list[str]:
        """The columns to read."""
        wanted = [self.lat, self.lon, self.place, self.check, self.weight, self.by]
        return list(dict.fromkeys(c for c in wanted if c))


#: Bookkeeping columns of a chunk (named so no column of the user's, "kind" or "area", is taken
#: for one and dropped) and what each counts.
KIND = "_geom_kind"
COUNTS = {
    "_area": "polygons counted at a point inside each",
    "_repaired": "invalid polygons repaired with make_valid",
    "_atarea": "rows name a country or region, not a place: drawn at its capital or the region's point",
    "_noweight": "rows have no weight (blank or not a number): their points are counted, their weight is not",
}


def plan_points(source: Source, columns: PointColumns = PointColumns()) -> PointPlan:
    """Find the coordinate, place, weight and group columns of ``source`` (named or detected)."""
    header, path = source.header, source.path
    for wanted, what in ((columns.weight, "--weight"), (columns.by, "--by"), (columns.place, "--place")):
        _find(header, wanted, (), what, path)
    if source.geometry:
        if columns.crs:
            source.notes.append(f"--crs {columns.crs} ignored: the file names its CRS")
        check = _find(header, columns.place, AREA_NAMES, "--place", path)
        return PointPlan(str(path), None, None, None, check, source.crs, True, columns.weight, columns.by)
    lat = _find(header, columns.lat, LAT_NAMES, "latitude (--lat)", path)
    lon = _find(header, columns.lon, LON_NAMES, "longitude (--lon)", path)
    if lat and lon:
        check = _find(header, columns.place, AREA_NAMES, "--place", path)
        return PointPlan(str(path), lat, lon, None, check, columns.crs, False, columns.weight, columns.by)
    place = _find(header, columns.place, PLACE_NAMES + ("country", "region"), "place names (--place)", path)
    if not place:
        raise ImportError_(
            f"{path}: no coordinate columns (looked for {'/'.join(LAT_NAMES[:3])} and {'/'.join(LON_NAMES[:4])}) "
            f"and no place-name column; columns are: {', '.join(header)}; name them with --lat/--lon or --place"
        )
    return PointPlan(str(path), None, None, place, None, None, False, columns.weight, columns.by)


def iter_points(
    path: str | os.PathLike[str],
    *,
    columns: PointColumns = PointColumns(),
    strict: bool = False,
    report: ImportReport | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[pd.DataFrame]:
    """Yield chunks of usable points as DataFrames with ``lon``, ``lat`` (EPSG:4326), ``row``,
    and the ``weight`` and ``by`` columns when asked for; bad rows go to ``report``.

    Raises
    ------
    ImportError_
        For unreadable input (missing file, empty, undecodable, missing columns, unknown CRS,
        lines instead of points, too large), and for any bad row when ``strict``.
    """
    source = open_source(path)
    report = report if report is not None else ImportReport(str(path))
    plan = plan_points(source, columns)
    report.notes.extend(source.notes)
    if plan.crs:
        _transformer(plan.crs, plan.path)  # an unknown CRS fails before any row is read
    for first, raw in source.chunks(plan.columns, chunk_rows, plan.numeric):
        points = chunk_points(raw, first, plan, source.ragged)
        account(points, report)
        if strict and report.bad:
            raise strict_error(plan.path, points)
        yield usable(points)
    if report.rows and not report.used and "have a geometry that is not a point" in report.bad:
        raise ImportError_(f"{path}: points are needed but the geometries are {_kinds(report)}")


def account(points: pd.DataFrame, report: ImportReport) -> None:
    """Add one chunk's rows, bad rows and caveats to ``report``."""
    report.rows += len(points)
    bad = points["reason"] != ""
    report.used += int((~bad).sum())
    for reason, rows in points.loc[bad, "row"].groupby(points.loc[bad, "reason"], sort=False):
        report.add_bad(str(reason), rows.to_numpy())
    for column, what in COUNTS.items():
        n = int(points.loc[~bad, column].sum()) if column in points else 0
        if n:
            report.counts[what] = report.counts.get(what, 0) + n
    if KIND in points:
        for kind, n in points.loc[points["reason"] == "have a geometry that is not a point", KIND].value_counts().items():
            report.counts.setdefault(f"_kind {kind}", 0)
            report.counts[f"_kind {kind}"] += int(n)


def _kinds(report: ImportReport) -> str:
    return ", ".join(f"{n} {k[6:]}" for k, n in report.counts.items() if k.startswith("_kind "))


def strict_error(path: str, points: pd.DataFrame) -> ImportError_:
    """The error for the first bad row of a chunk (the same for both engines)."""
    bad = points[points["reason"] != ""].sort_values("row")
    reason = str(bad["reason"].iloc[0])
    reason = "has " + reason[5:] if reason.startswith("have ") else reason  # one row: "row 301 has no coordinates"
    return ImportError_(f"{path}: row {int(bad['row'].iloc[0])} {reason} (--strict)")


def usable(points: pd.DataFrame) -> pd.DataFrame:
    """The rows of a :func:`chunk_points` frame that became points, without bookkeeping columns."""
    keep = points["reason"] == ""
    drop = [c for c in ("reason", KIND, *COUNTS) if c in points]
    return points.loc[keep].drop(columns=drop).reset_index(drop=True)


def chunk_points(raw: pd.DataFrame, first_row: int, plan: PointPlan, ragged: dict[int, int] | None = None) -> pd.DataFrame:
    """One chunk of raw rows as points: ``lon``, ``lat``, ``row``, ``reason`` (why the row is
    not usable, ``""`` when it is), the weight and group columns, and caveat flags.
    ``ragged`` (:attr:`Source.ragged`) names the rows with more fields than the header: their
    values may be shifted, so they are not used, whatever they hold."""
    from tipmap.routes.geocode import check_areas, resolve_column

    n = len(raw)
    rows = np.arange(first_row, first_row + n)
    reason = Reasons(n)
    if ragged:
        _mark(reason, ragged_mask(rows, ragged), RAGGED)
    out: dict[str, np.ndarray] = {}
    if plan.geometry:
        lons, lats = raw[GEOM_LON].to_numpy(dtype=float), raw[GEOM_LAT].to_numpy(dtype=float)
        kinds = raw[GEOM_KIND].to_numpy(dtype=object)
        _mark(reason, ~np.isin(kinds, ["Point", "Polygon", "MultiPolygon", "None"]), "have a geometry that is not a point")
        out[KIND] = kinds
        out["_area"] = np.isin(kinds, ["Polygon", "MultiPolygon"])
        out["_repaired"] = raw[GEOM_REPAIRED].to_numpy(dtype=bool)
    elif plan.place:
        lons, lats, why, out["_atarea"] = resolve_column(raw[plan.place])
        _mark_each(reason, why)
    else:
        lats = _numbers(raw[plan.lat], reason, "have a latitude that is not a number")
        lons = _numbers(raw[plan.lon], reason, "have a longitude that is not a number")
    if plan.crs and not plan.geometry:
        lons, lats = _to_wgs84(lons, lats, plan.crs, plan.path)
    _mark(reason, ~(np.isfinite(lons) & np.isfinite(lats)), "have no coordinates (empty, NaN or infinite)")
    _check_ranges(lons, lats, rows, reason, plan.path)
    if plan.check:
        _mark_each(reason, check_areas(raw[plan.check], lons, lats, reason.free))
    if plan.weight:
        weights = pd.to_numeric(_blank_to_nan(raw[plan.weight]), errors="coerce").to_numpy(dtype=float)
        out[plan.weight] = weights
        out["_noweight"] = ~np.isfinite(weights)
    if plan.by:
        out[plan.by] = categories(raw[plan.by])
    why = pd.Series(reason.why, dtype=object)
    return pd.DataFrame({"lon": lons, "lat": lats, "row": rows, "reason": why, **out})


def categories(values: pd.Series) -> np.ndarray:
    """Group values as text, blanks (empty, NaN, None) as ``"(blank)"``, never dropped."""
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    return text.where(text != "", BLANK).to_numpy(dtype=object)


def _blank_to_nan(values: pd.Series) -> pd.Series:
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        return values.astype(str).str.strip().replace({"": np.nan, "nan": np.nan, "None": np.nan})
    return values


class Reasons:
    """Why each row of a chunk is not usable: the first reason found wins; ``""`` for usable rows."""

    def __init__(self, n: int) -> None:
        self.free = np.ones(n, dtype=bool)
        self.why = np.full(n, "", dtype=object)


def _mark(reason: Reasons, mask: np.ndarray, why: str) -> None:
    hit = mask & reason.free
    if hit.any():
        reason.why[hit] = why
        reason.free[hit] = False


def _mark_each(reason: Reasons, why: np.ndarray) -> None:
    hit = reason.free & (why != "")
    if hit.any():
        reason.why[hit] = why[hit]
        reason.free[hit] = False


def _numbers(values: pd.Series, reason: Reasons, why: str) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(values):  # parsed as numbers by the reader: nothing to report
        return values.to_numpy(dtype=float)
    cleaned = _blank_to_nan(values)
    numbers = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float)
    failed = np.isnan(numbers) & cleaned.notna().to_numpy()
    if failed.any():  # "13,01" from a European spreadsheet: said so, not converted (a comma may also be a thousands mark)
        comma = failed & cleaned.astype(str).str.fullmatch(r"\s*[-+]?\d+,\d+\s*").fillna(False).to_numpy(dtype=bool)
        _mark(reason, comma, why + " (a decimal comma? write 13.01, not 13,01)")
    _mark(reason, failed, why)
    return numbers


def _check_ranges(lons: np.ndarray, lats: np.ndarray, rows: np.ndarray, reason: Reasons, path: str) -> None:
    finite = np.isfinite(lons) & np.isfinite(lats) & reason.free  # rows already not used (ragged ones) say nothing
    with np.errstate(invalid="ignore"):
        bad_lat = finite & (np.abs(lats) > 90)
        bad_lon = finite & (np.abs(lons) > 180)
        if bad_lat.any():
            swapped = bad_lat & (np.abs(lats) <= 180) & (np.abs(lons) <= 90)
            if swapped.sum() > 0.5 * bad_lat.sum() and swapped.sum() >= max(1, 0.2 * finite.sum()):
                raise ImportError_(
                    f"{path}: latitude and longitude look swapped: {int(swapped.sum()):,} latitudes are past ±90 but fit "
                    f"as longitudes (rows {', '.join(str(r) for r in rows[swapped][:10])}); name the columns with --lat/--lon"
                )
    _mark(reason, bad_lat, "have a latitude outside ±90")
    _mark(reason, bad_lon, "have a longitude outside ±180")


def _transformer(crs: str, path: str):
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        return Transformer.from_crs(CRS.from_user_input(crs), "EPSG:4326", always_xy=True)
    except CRSError:
        raise ImportError_(f"{path}: unknown CRS '{crs}'; give an EPSG code such as EPSG:32647") from None


def _to_wgs84(lons: np.ndarray, lats: np.ndarray, crs: str, path: str) -> tuple[np.ndarray, np.ndarray]:
    x, y = _transformer(crs, path).transform(lons, lats)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def _find(header: list[str], wanted: str | None, names: tuple[str, ...], what: str, source: Path) -> str | None:
    if wanted:
        if wanted not in header:
            raise ImportError_(f"{source}: no column '{wanted}' for {what}; columns are: {', '.join(header)}")
        return wanted
    lowered = {h.strip().lower(): h for h in header}
    return next((lowered[n] for n in names if n in lowered), None)


def read_points(path: str | os.PathLike[str], **kwargs) -> tuple[pd.DataFrame, ImportReport]:
    """All usable points of ``path`` in one DataFrame, with the import report."""
    report = kwargs.pop("report", None) or ImportReport(str(path))
    chunks = list(iter_points(path, report=report, **kwargs))
    frame = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame({"lon": [], "lat": [], "row": []})
    return frame, report


def points_in_bbox(
    chunks: Iterator[pd.DataFrame], bbox: tuple[float, float, float, float], report: ImportReport
) -> Iterator[pd.DataFrame]:
    """The points of ``chunks`` inside ``bbox`` (``--bbox`` on imported data); those outside are counted."""
    west, south, east, north = bbox
    for chunk in chunks:
        keep = chunk["lon"].between(west, east) & chunk["lat"].between(south, north)
        outside = int((~keep).sum())
        if outside:
            report.counts["points outside --bbox (not drawn)"] = (
                report.counts.get("points outside --bbox (not drawn)", 0) + outside
            )
        yield chunk[keep].reset_index(drop=True)


def points_frame(points: pd.DataFrame) -> gpd.GeoDataFrame:
    """Imported points as a GeoDataFrame in EPSG:4326."""
    return gpd.GeoDataFrame(points, geometry=gpd.points_from_xy(points["lon"], points["lat"]), crs="EPSG:4326")


ProgressFn = Callable[[int], None]
_ = MAX_FILE_BYTES  # re-exported for callers that show the limit
