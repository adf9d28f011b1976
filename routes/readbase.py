"""What every reader of :mod:`routes.readers` shares: limits, the error, the opened source,
format detection and geometry-to-point columns (a module of its own so that the GDAL
readers in :mod:`routes.vector` and the registry do not import each other)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from tipmap.routes.errors import ImportError_, TipmapError  # noqa: F401  (re-exported)
from tipmap.routes.textfile import MAX_FILE_BYTES, MAX_HEADER_BYTES  # noqa: F401  (re-exported)

GEOM_LON, GEOM_LAT, GEOM_KIND, GEOM_REPAIRED = "__lon__", "__lat__", "__kind__", "__repaired__"
#: Refused above these (bounded memory against hostile or mistaken inputs).
MAX_WHOLE_BYTES = 512 * 1024**2  # GeoJSON/KML/GPX are parsed whole by GDAL
MAX_COLUMNS = 10_000
MAX_FEATURES = 50_000_000
#: How long a GeoPackage layer may take to count before it is refused (a recursive view never ends).
COUNT_SECONDS = 3.0
CHUNK_ROWS = 250_000
#: Texts read as "no value" in numeric columns (pandas' defaults); elsewhere every text is kept.
NA_TEXT = ["", "nan", "NaN", "NAN", "NA", "N/A", "n/a", "NULL", "null", "None", "#N/A", "-nan", "-NaN"]


@dataclass
class Source:
    """An opened input: its format, header, declared CRS and a way to read it in chunks."""

    path: Path
    format: str
    header: list[str]
    read: Callable[..., Iterator[tuple[int, pd.DataFrame]]]
    crs: str | None = None  # the CRS the file declares (geometry formats)
    geometry: bool = False
    notes: list[str] = field(default_factory=list)
    scan: Callable[[], dict[int, int]] | None = None  # finds the text rows with more fields than the header

    @cached_property
    def ragged(self) -> dict[int, int]:
        """Rows (numbered from 1) with more fields than the header, and their fields: found
        when first asked, once the columns are known to be there (text files only)."""
        return self.scan() if self.scan is not None else {}

    def chunks(
        self, columns: list[str] | None = None, chunk_rows: int = CHUNK_ROWS, numeric: tuple[str, ...] = ()
    ) -> Iterator[tuple[int, pd.DataFrame]]:
        """``(first_row, frame)`` for every chunk; ``columns`` limits the columns read; text
        readers parse ``numeric`` columns as numbers where they can (a column with any text
        in a chunk stays text for that chunk: the caller converts it and reports the rows)."""
        return self.read(chunk_rows, columns, numeric)


def detect_format(path: Path) -> str:
    """The format of ``path`` from its first bytes, else its suffix."""
    with open(path, "rb") as handle:
        head = handle.read(512)
    suffix = path.suffix.lower()
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"ARROW1"):
        return "feather"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx" if suffix in (".xlsx", ".xlsm", ".csv", ".txt", "") else "zip"
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    for fmt, suffixes in FORMATS.items():
        if suffix in suffixes:
            return fmt
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        return "geojson"
    if text.startswith(b"<") and b"<kml" in head:
        return "kml"
    if text.startswith(b"<") and b"<gpx" in head:
        return "gpx"
    return "text" if suffix in ("", ".dat") else "unknown"


FORMATS = {
    "text": (".csv", ".tsv", ".txt", ".tab"),
    "xlsx": (".xlsx", ".xlsm"),
    "parquet": (".parquet", ".geoparquet", ".pq"),
    "feather": (".feather", ".arrow", ".ipc"),
    "geojson": (".geojson", ".json"),
    "gpkg": (".gpkg",),
    "kml": (".kml",),
    "gpx": (".gpx",),
    "vector": (".shp", ".fgb"),
}


def _message(err: Exception) -> str:
    return re.sub(r"\s+", " ", str(err)).replace("Error tokenizing data. C error: ", "").strip()[:160]


def point_columns(geoms: np.ndarray) -> pd.DataFrame:
    """Longitude, latitude and kind of each geometry: points as they are, (valid) areas at
    a point inside them, anything else without coordinates."""
    import shapely

    kinds = np.array([g.geom_type if g is not None else "None" for g in geoms], dtype=object)
    areas = np.isin(kinds, ["Polygon", "MultiPolygon"])
    repaired = np.zeros(len(geoms), dtype=bool)
    if areas.any():
        geoms = geoms.copy()
        repaired[areas] = ~shapely.is_valid(geoms[areas])
        geoms[areas] = shapely.point_on_surface(shapely.make_valid(geoms[areas]))
    points = kinds == "Point"
    usable = points | areas
    x = np.full(len(geoms), np.nan)
    y = np.full(len(geoms), np.nan)
    if usable.any():
        x[usable], y[usable] = shapely.get_x(geoms[usable]), shapely.get_y(geoms[usable])
    return pd.DataFrame({GEOM_LON: x, GEOM_LAT: y, GEOM_KIND: kinds, GEOM_REPAIRED: repaired})


def ragged_mask(rows: np.ndarray, ragged: dict[int, int]) -> np.ndarray:
    """Which of ``rows`` have more fields than the header (``ragged``, :attr:`Source.ragged`)."""
    if not ragged:
        return np.zeros(len(rows), dtype=bool)
    return np.isin(rows, np.fromiter(ragged, dtype=np.int64, count=len(ragged)))
