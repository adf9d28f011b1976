"""One reader registry for analysts' files, keyed by content first, then by suffix.

Every reader yields the file's rows in chunks of raw values (``(first_row, frame)``, rows
numbered from 1), so memory is bounded by the chunk size whatever the file size; the
in-memory and the dask engine both read through :func:`open_source`. Text formats keep
every value as written (``"NA"`` stays Namibia, ``"1.0"`` stays a string); geometry
formats add ``GEOM_LON``/``GEOM_LAT``/``GEOM_KIND`` columns (areas at a point inside them).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
from tipmap.routes.readbase import (  # noqa: F401  (re-exported: the registry's public names)
    CHUNK_ROWS,
    COUNT_SECONDS,
    FORMATS,
    GEOM_KIND,
    GEOM_LAT,
    GEOM_LON,
    GEOM_REPAIRED,
    MAX_COLUMNS,
    MAX_FEATURES,
    MAX_FILE_BYTES,
    MAX_HEADER_BYTES,
    MAX_WHOLE_BYTES,
    NA_TEXT,
    ImportError_,
    Source,
    _message,
    detect_format,
    point_columns,
)
from tipmap.routes.textfile import check_encoding, header_line, ragged_rows, separator, text_encoding
from tipmap.routes.vector import open_vector


def open_source(path: str | os.PathLike[str]) -> Source:
    """Open ``path`` with the reader its content (or suffix) calls for.

    Raises
    ------
    ImportError_
        Missing, empty, too large or unknown format; a header past the column limit; an
        unreadable or pathological file (see the format's reader).
    """
    source = Path(path)
    if not source.is_file():
        raise ImportError_(f"{source}: no such file")
    size = source.stat().st_size
    if size == 0:
        raise ImportError_(f"{source}: empty file")
    fmt = detect_format(source)
    limit = MAX_WHOLE_BYTES if fmt in ("geojson", "kml", "gpx") else MAX_FILE_BYTES
    if size > limit:
        raise ImportError_(f"{source}: {size / 1e6:,.0f} MB is over the {limit / 1e6:,.0f} MB limit for this format; split it")
    opener = OPENERS.get(fmt)
    if opener is None:
        known = "CSV, TSV, Excel .xlsx, GeoJSON, GeoPackage, KML, GPX, (Geo)Parquet or Feather"
        raise ImportError_(f"{source}: unknown input format '{source.suffix or fmt}'; use {known}")
    return opener(source)


# ---------------------------------------------------------------- text (CSV, TSV, UTF-16)


def _open_text(source: Path) -> Source:
    encoding = text_encoding(source)
    quoted = check_encoding(source, encoding)
    line = header_line(source, encoding)
    if not line.strip():
        raise ImportError_(f"{source}: empty file (no header row)")
    sep = separator(line, source)
    if line.count(sep) + 1 > MAX_COLUMNS:
        raise ImportError_(f"{source}: {line.count(sep) + 1:,} columns is over the limit of {MAX_COLUMNS:,}")
    try:
        header = [str(c) for c in pd.read_csv(source, sep=sep, nrows=0, encoding=encoding, index_col=False).columns]
    except pd.errors.ParserError as err:
        raise ImportError_(f"{source}: not readable as CSV: {_message(err)}") from None

    def read(chunk_rows: int, columns: list[str] | None, numeric: tuple[str, ...] = ()) -> Iterator[tuple[int, pd.DataFrame]]:
        names = columns if columns is not None else header
        reader = pd.read_csv(
            source,
            sep=sep,
            encoding=encoding,
            usecols=columns,
            index_col=False,  # rows longer than the header never make an index of their first fields
            dtype={c: str for c in names if c not in numeric},
            keep_default_na=False,
            na_values={c: NA_TEXT for c in numeric},
            chunksize=chunk_rows,
        )
        first = 1
        while True:
            try:
                chunk = next(reader)
            except StopIteration:
                return
            except pd.errors.ParserError as err:
                raise ImportError_(f"{source}: not readable as CSV after row {first}: {_message(err)}") from None
            yield first, chunk
            first += len(chunk)

    notes = [f"read as {encoding.upper().replace('-SIG', ' with a BOM')}"] if encoding != "utf-8" else []
    return Source(source, "text", header, read, notes=notes, scan=lambda: ragged_rows(source, encoding, sep, quoted=quoted))


# ---------------------------------------------------------------- Excel


def _open_xlsx(source: Path) -> Source:
    import openpyxl

    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as err:  # a damaged zip or XML: openpyxl has no one error type
        raise ImportError_(f"{source}: cannot be read as Excel .xlsx: {_message(err)}") from None
    sheet = book.worksheets[0]
    first = next(sheet.iter_rows(max_row=1, values_only=True), None)
    book.close()
    if not first or all(v is None for v in first):
        raise ImportError_(f"{source}: the first sheet has no header row")
    if len(first) > MAX_COLUMNS:
        raise ImportError_(f"{source}: {len(first):,} columns is over the limit of {MAX_COLUMNS:,}")
    header = [str(v) if v is not None else f"column {i + 1}" for i, v in enumerate(first)]

    def read(chunk_rows: int, columns: list[str] | None, numeric: tuple[str, ...] = ()) -> Iterator[tuple[int, pd.DataFrame]]:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
        try:
            rows, first_row = [], 1
            for values in book.worksheets[0].iter_rows(min_row=2, values_only=True):
                rows.append(["" if v is None else str(v) for v in values[: len(header)]])
                if len(rows) == chunk_rows:
                    yield first_row, _excel_frame(rows, header, columns)
                    first_row, rows = first_row + len(rows), []
            if rows:
                yield first_row, _excel_frame(rows, header, columns)
        finally:
            book.close()

    notes = [f"read the first sheet ('{sheet.title}')"] if len(book.sheetnames) > 1 else []
    return Source(source, "xlsx", header, read, notes=notes)


def _excel_frame(rows: list[list[str]], header: list[str], columns: list[str] | None) -> pd.DataFrame:
    rows = [r + [""] * (len(header) - len(r)) for r in rows]
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    return frame[columns] if columns is not None else frame


# ---------------------------------------------------------------- Parquet and Feather


def _open_parquet(source: Path) -> Source:
    import json

    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(source)
    except Exception as err:  # Arrow reports damaged files in many ways
        raise ImportError_(f"{source}: cannot be read as Parquet: {_message(err)}") from None
    geo = json.loads((parquet.schema_arrow.metadata or {}).get(b"geo", b"null") or "null")
    header = [name for name in parquet.schema_arrow.names]
    geom = geo.get("primary_column") if geo else None
    crs = _geoparquet_crs(geo["columns"].get(geom, {})) if geom else None

    def read(chunk_rows: int, columns: list[str] | None, numeric: tuple[str, ...] = ()) -> Iterator[tuple[int, pd.DataFrame]]:
        wanted = None if columns is None else [c for c in columns if c != geom] + ([geom] if geom else [])
        first = 1
        for batch in pq.ParquetFile(source).iter_batches(batch_size=chunk_rows, columns=wanted):
            frame = batch.to_pandas()
            yield first, _with_points(frame, geom) if geom else frame
            first += len(frame)

    return Source(source, "geoparquet" if geom else "parquet", [h for h in header if h != geom], read, crs, bool(geom))


def _geoparquet_crs(column: dict) -> str | None:
    from pyproj import CRS

    if "crs" not in column:
        return "OGC:CRS84"
    if column["crs"] is None:
        return None
    return CRS.from_user_input(column["crs"]).to_string()


def _open_feather(source: Path) -> Source:
    import pyarrow as pa

    try:
        header = list(pa.ipc.open_file(pa.memory_map(str(source))).schema.names)
    except Exception as err:  # Arrow reports damaged files in many ways
        raise ImportError_(f"{source}: cannot be read as Feather: {_message(err)}") from None

    def read(chunk_rows: int, columns: list[str] | None, numeric: tuple[str, ...] = ()) -> Iterator[tuple[int, pd.DataFrame]]:
        reader = pa.ipc.open_file(pa.memory_map(str(source)))
        first = 1
        for i in range(reader.num_record_batches):
            batch = reader.get_batch(i)
            if columns is not None:
                batch = batch.select(columns)
            for start in range(0, batch.num_rows, chunk_rows):
                frame = batch.slice(start, chunk_rows).to_pandas()
                yield first, frame
                first += len(frame)

    return Source(source, "feather", header, read)


def _with_points(frame: pd.DataFrame, geom: str) -> pd.DataFrame:
    import shapely

    values = frame.pop(geom).to_numpy()
    geoms = shapely.from_wkb(values) if len(values) and not isinstance(values[0], shapely.Geometry) else values
    return pd.concat([frame, point_columns(np.asarray(geoms, dtype=object))], axis=1)


# ---------------------------------------------------------------- GDAL formats


OPENERS: dict[str, Callable[[Path], Source]] = {
    "text": _open_text,
    "xlsx": _open_xlsx,
    "parquet": _open_parquet,
    "feather": _open_feather,
    "geojson": open_vector,
    "gpkg": open_vector,
    "kml": open_vector,
    "gpx": open_vector,
    "vector": open_vector,
}
