"""Atlas records as plain rows for ``tipmap list`` (table, CSV or JSON)."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

from shapely.geometry import mapping
from tipmap.routes.atlas import Atlas
from tipmap.routes.schema import LIST_SEP
from tipmap.routes.textsafety import safe_row

#: Columns shown by the table format, per layer (csv and json carry every column).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "corridors": ("id", "countries", "exploitation", "period_start", "period_end", "length_km", "name"),
    "hotspots": ("id", "kind", "country", "exploitation", "intensity", "name"),
    "places": ("id", "country", "kind", "lon", "lat", "name", "name_local"),
    "support": ("id", "kind", "country", "precision", "name"),
    "sources": ("id", "document", "year", "quote"),
}


def rows(atlas: Atlas, layer: str, *, geometry: str = "wkt") -> list[dict[str, Any]]:
    """The records of ``layer``; points carry ``lon``/``lat``, lines ``geometry`` as WKT or GeoJSON."""
    frame = atlas.layer(layer)
    if layer == "sources":
        return [{"id": sid, **{k: _plain(v, k) for k, v in rec.items()}} for sid, rec in frame.iterrows()]
    out = []
    for _, rec in frame.iterrows():
        row = {k: _plain(v, k) for k, v in rec.items() if k not in ("geometry", "waypoint_lonlat")}
        geom = rec.geometry
        if geom.geom_type == "Point":
            row["lon"], row["lat"] = round(geom.x, 6), round(geom.y, 6)
        else:
            row["geometry"] = mapping(geom) if geometry == "geojson" else geom.wkt
        out.append(row)
    return out


def to_csv(records: list[dict[str, Any]]) -> str:
    """CSV text; list cells are joined with ';'."""
    buffer = io.StringIO()
    if records:
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        for rec in records:
            row = {k: LIST_SEP.join(v) if isinstance(v, list) else ("" if v is None else v) for k, v in rec.items()}
            writer.writerow(safe_row(row))  # no formula reaches a spreadsheet (#12 E)
    return buffer.getvalue()


def to_json(records: list[dict[str, Any]]) -> str:
    """JSON text: a list of objects, geometry as GeoJSON for lines."""
    return json.dumps(records, ensure_ascii=False, indent=1, default=_json_default)


def to_table(records: list[dict[str, Any]], layer: str, *, width: int = 60) -> str:
    """A plain-text table of the main columns, long cells cut to ``width``."""
    columns = TABLE_COLUMNS[layer]
    cells = [[_short(rec.get(c), width) for c in columns] for rec in records]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines) + "\n"


INT_COLUMNS = frozenset({"period_start", "period_end", "year", "gazetteer_id"})


def _plain(value: Any, column: str) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if column in INT_COLUMNS and isinstance(value, float):
        return int(value)
    return value


def _short(value: Any, width: int) -> str:
    text = "" if value is None else LIST_SEP.join(value) if isinstance(value, list) else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
