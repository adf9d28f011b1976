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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tipmap.routes.errors import ImportError_
from tipmap.routes.pointspec import AREA_NAMES, LAT_NAMES, LON_NAMES, ImportReport, PointColumns
from tipmap.routes.textfile import MAX_FILE_BYTES, check_encoding, header_line, separator, text_encoding

#: Files up to this size are read whole (pyarrow, every core); larger ones are streamed in
#: blocks of ``STREAM_BLOCK`` bytes, so memory stays bounded whatever the size.
FAST_MAX_BYTES = 1 << 30
STREAM_BLOCK = 16 << 20
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")


class NotClean(Exception):
    """A streamed file turned out to need the importer (a bad value past the first blocks):
    the caller drops what it binned and reads the file again with :mod:`routes.importer`."""


@dataclass(frozen=True)
class Points:
    """Every point of a file, in memory: longitudes and latitudes (EPSG:4326)."""

    lon: np.ndarray
    lat: np.ndarray

    def __len__(self) -> int:
        return len(self.lat)

    def __getitem__(self, column: str) -> np.ndarray:
        return {"lon": self.lon, "lat": self.lat}[column]


def clean_points(
    path: str | os.PathLike[str], columns: PointColumns = PointColumns()
) -> tuple[Iterable[Points], ImportReport] | None:
    """The points of ``path`` (one :class:`Points` for a file read whole, or a stream of them
    for a large file, which raises :class:`NotClean` when a later block is not clean) and
    the report (complete once the points are consumed), or ``None`` when the general
    importer is needed from the start."""
    source = Path(path)
    if columns.crs or columns.place or columns.weight or columns.by:
        return None
    if source.suffix.lower() not in TEXT_SUFFIXES or not source.is_file():
        return None
    size = source.stat().st_size
    if not 0 < size <= MAX_FILE_BYTES:
        return None
    try:
        encoding = text_encoding(source)
        if encoding != "utf-8":
            return None
        quoted = check_encoding(source, encoding)
        line = header_line(source, encoding)
    except ImportError_:
        return None  # the general importer says what is wrong, with the line
    sep = separator(line, source)
    # names as pyarrow reads them (spaces kept: "lat, lon" has a column " lon"), matched as the
    # importer matches them, case and surrounding spaces aside
    header = [_unquoted(name) for name in line.rstrip("\r\n").split(sep)]
    lat, lon = _named(header, columns.lat, LAT_NAMES), _named(header, columns.lon, LON_NAMES)
    lowered = {h.strip().lower() for h in header}
    if not lat or not lon or len(set(header)) != len(header) or lowered & set(AREA_NAMES):
        return None
    report = ImportReport(str(path))
    if size > FAST_MAX_BYTES:
        return _stream(source, sep, lat, lon, quoted, report), report
    table = _read(source, sep, lat, lon, quoted=quoted)
    if table is None or not len(table[0]) or not _clean(*table):
        return None
    report.rows = report.used = len(table[0])
    return [Points(lon=table[1], lat=table[0])], report


def _clean(lats: np.ndarray, lons: np.ndarray) -> bool:
    """Whether every row has both coordinates, finite and in range (a NaN makes min and max
    NaN, which no comparison passes; an infinity is out of range)."""
    return bool(lats.min() >= -90 and lats.max() <= 90 and lons.min() >= -180 and lons.max() <= 180)


def _options(sep: str, lat: str, lon: str, quoted: bool) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.csv as pc

    return {
        "parse_options": pc.ParseOptions(delimiter=sep, newlines_in_values=quoted),
        "convert_options": pc.ConvertOptions(
            include_columns=[lat, lon], column_types={lat: pa.float64(), lon: pa.float64()}, null_values=[]
        ),
    }


def _stream(source: Path, sep: str, lat: str, lon: str, quoted: bool, report: ImportReport) -> Iterator[Points]:
    """The points of a large clean file block by block (bounded memory); :class:`NotClean`
    as soon as a block is not."""
    import pyarrow as pa
    import pyarrow.csv as pc

    try:
        reader = pc.open_csv(source, read_options=pc.ReadOptions(block_size=STREAM_BLOCK), **_options(sep, lat, lon, quoted))
        for batch in reader:
            lats, lons = batch.column(lat), batch.column(lon)
            if lats.null_count or lons.null_count:
                raise NotClean(str(source))
            lats, lons = lats.to_numpy(), lons.to_numpy()
            if not _clean(lats, lons):
                raise NotClean(str(source))
            report.rows += len(lats)
            report.used += len(lats)
            yield Points(lon=lons, lat=lats)
    except pa.ArrowException:
        raise NotClean(str(source)) from None
    if not report.rows:
        raise NotClean(str(source))


def _unquoted(name: str) -> str:
    return name[1:-1].replace('""', '"') if len(name) > 1 and name[0] == name[-1] == '"' else name


def _named(header: list[str], wanted: str | None, names: tuple[str, ...]) -> str | None:
    if wanted:
        return wanted if wanted in header else None
    lowered = {h.strip().lower(): h for h in header}
    return next((lowered[n] for n in names if n in lowered), None)


def _read(source: Path, sep: str, lat: str, lon: str, *, quoted: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """Both columns as float64 arrays, or None when pyarrow cannot read them as numbers.

    A file without a double quote has no value spanning lines, so pyarrow may cut it into
    blocks at any newline and parse them in parallel (``newlines_in_values`` off)."""
    import pyarrow as pa
    import pyarrow.csv as pc

    try:
        table = pc.read_csv(source, **_options(sep, lat, lon, quoted))
    except pa.ArrowException:  # a value that is no number, a ragged row, a name pyarrow reads otherwise
        return None
    if table.column(lat).null_count or table.column(lon).null_count:
        return None
    return table.column(lat).to_numpy(), table.column(lon).to_numpy()
