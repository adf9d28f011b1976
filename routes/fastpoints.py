"""The fast road for the commonest input of ``tipmap hotspots``: a clean UTF-8 CSV of
latitudes and longitudes, read with pyarrow into two numpy arrays, no pandas.

"Clean" means every row has a number within range in both coordinate columns. Anything
else -- a text value, a blank, a latitude past 90, a UTF-16 or Excel file, a country column
the importer checks coordinates against, a CRS to reproject, weights or groups -- returns
``None`` and the caller takes the general importer (:mod:`routes.importer`), which reads
the file again and reports every row it cannot use. Both roads give the same points.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tipmap.routes.errors import ImportError_
from tipmap.routes.pointspec import AREA_NAMES, LAT_NAMES, LON_NAMES, ImportReport, PointColumns
from tipmap.routes.textfile import check_encoding, header_line, separator, text_encoding

#: Larger files are streamed by the general importer in chunks (bounded memory).
FAST_MAX_BYTES = 1 << 30
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")


@dataclass(frozen=True)
class Points:
    """Every point of a file, in memory: longitudes and latitudes (EPSG:4326)."""

    lon: np.ndarray
    lat: np.ndarray

    def __len__(self) -> int:
        return len(self.lat)

    def __getitem__(self, column: str) -> np.ndarray:
        return {"lon": self.lon, "lat": self.lat}[column]


def clean_points(path: str | os.PathLike[str], columns: PointColumns = PointColumns()) -> tuple[Points, ImportReport] | None:
    """The points of ``path`` and its report, or ``None`` when the general importer is needed."""
    source = Path(path)
    if columns.crs or columns.place or columns.weight or columns.by:
        return None
    if source.suffix.lower() not in TEXT_SUFFIXES or not source.is_file():
        return None
    size = source.stat().st_size
    if not 0 < size <= FAST_MAX_BYTES:
        return None
    try:
        encoding = text_encoding(source)
        if encoding != "utf-8":
            return None
        check_encoding(source, encoding)
        line = header_line(source, encoding)
    except ImportError_:
        return None  # the general importer says what is wrong, with the line
    sep = separator(line, source)
    header = [name.strip().strip('"') for name in line.rstrip("\r\n").split(sep)]
    lat, lon = _named(header, columns.lat, LAT_NAMES), _named(header, columns.lon, LON_NAMES)
    lowered = {h.lower() for h in header}
    if not lat or not lon or len(set(header)) != len(header) or lowered & set(AREA_NAMES):
        return None
    table = _read(source, sep, lat, lon)
    if table is None:
        return None
    lats, lons = table
    with np.errstate(invalid="ignore"):
        clean = np.isfinite(lats) & np.isfinite(lons) & (np.abs(lats) <= 90) & (np.abs(lons) <= 180)
    if not len(lats) or not clean.all():
        return None
    report = ImportReport(str(path), rows=len(lats), used=len(lats))
    return Points(lon=lons, lat=lats), report


def _named(header: list[str], wanted: str | None, names: tuple[str, ...]) -> str | None:
    if wanted:
        return wanted if wanted in header else None
    lowered = {h.lower(): h for h in header}
    return next((lowered[n] for n in names if n in lowered), None)


def _read(source: Path, sep: str, lat: str, lon: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Both columns as float64 arrays, or None when pyarrow cannot read them as numbers."""
    import pyarrow as pa
    import pyarrow.csv as pc

    try:
        table = pc.read_csv(
            source,
            parse_options=pc.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pc.ConvertOptions(
                include_columns=[lat, lon], column_types={lat: pa.float64(), lon: pa.float64()}, null_values=[]
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    if table.column(lat).null_count or table.column(lon).null_count:
        return None
    return table.column(lat).to_numpy(), table.column(lon).to_numpy()
