"""Country-level case data (CTDC style) as country-to-country flows.

Columns (case-insensitive): citizenship (ISO-2) and country of exploitation (ISO-2),
optionally a year and a type of exploitation. Each pair of countries becomes one corridor
between the countries' representative points (inside each country's polygon), with the
number of cases; the same country on both ends is counted as domestic, not drawn.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
from tipmap.routes.geodesy import geodesic_line, path_length_km
from tipmap.routes.importer import ImportError_, ImportReport
from tipmap.routes.readers import open_source
from tipmap.routes.tables import country_codes

FROM_NAMES = ("citizenship", "countryoforigin", "country_of_origin", "origin")
TO_NAMES = ("countryofexploitation", "country_of_exploitation", "exploitation_country", "destination")
YEAR_NAMES = ("yearofregistration", "year")
TYPE_FLAGS = {
    "isforcedlabour": "forced_labour",
    "issexualexploit": "sexual_exploitation",
    "isforcedmarriage": "forced_marriage",
    "isorganremoval": "organ_removal",
    "isotherexploit": "other",
}


@dataclass
class Flows:
    """Country pairs with case counts, as lines."""

    lines: gpd.GeoDataFrame  # from, to, cases, years, exploitation, length_km, geometry
    report: ImportReport
    domestic: int = 0
    types: list[str] = field(default_factory=list)


def is_case_table(path: str | os.PathLike[str]) -> bool:
    """Whether a CSV looks like CTDC-style case data (citizenship and country of exploitation)."""
    source = Path(path)
    if source.suffix.lower() != ".csv" or not source.is_file():
        return False
    try:
        header = [h.strip().lower() for h in pd.read_csv(source, nrows=0).columns]
    except Exception:  # not a readable CSV: the points importer will say why
        return False
    return any(h in FROM_NAMES for h in header) and any(h in TO_NAMES for h in header)


def read_flows(path: str | os.PathLike[str]) -> Flows:
    """Case counts per (citizenship, country of exploitation) as geodesic lines."""
    source = Path(path)
    table = pd.concat([chunk for _, chunk in open_source(source).chunks()], ignore_index=True)
    lower = {c.strip().lower(): c for c in table.columns}
    origin = next(lower[n] for n in FROM_NAMES if n in lower)
    target = next(lower[n] for n in TO_NAMES if n in lower)
    year = next((lower[n] for n in YEAR_NAMES if n in lower), None)
    report = ImportReport(str(source), rows=len(table))
    codes = country_codes()
    origin_codes = table[origin].str.strip().str.upper()
    target_codes = table[target].str.strip().str.upper()
    rows = pd.RangeIndex(1, len(table) + 1).to_numpy()
    unknown = ~origin_codes.isin(codes) | ~target_codes.isin(codes)
    report.add_bad("have a citizenship or country of exploitation that is not an ISO-2 code", rows[unknown.to_numpy()])
    domestic = (origin_codes == target_codes) & ~unknown
    kept = table[~unknown & ~domestic].assign(_from=origin_codes, _to=target_codes)
    report.used = len(kept)
    if domestic.any():
        report.notes.append(f"{int(domestic.sum()):,} cases within one country (domestic) are counted, not drawn")
    types = [flag for flag in TYPE_FLAGS if flag in lower]
    grouped = []
    for (a, b), group in kept.groupby(["_from", "_to"], sort=True):
        exploitation = sorted({TYPE_FLAGS[f] for f in types if (group[lower[f]].str.strip() == "1").any()})
        years = pd.to_numeric(group[year], errors="coerce").dropna() if year else pd.Series(dtype=float)
        grouped.append((a, b, len(group), exploitation, (int(years.min()), int(years.max())) if len(years) else None))
    centres = _centres()
    missing = sorted({c for a, b, *_ in grouped for c in (a, b) if c not in centres})
    if missing:
        report.notes.append(f"no basemap polygon for {', '.join(missing)}: those flows are not drawn")
    records, geometry = [], []
    for a, b, cases, exploitation, span in grouped:
        if a in centres and b in centres:
            pts = [centres[a], centres[b]]
            records.append(
                {
                    "from": a,
                    "to": b,
                    "cases": cases,
                    "exploitation": tuple(exploitation) or ("other",),
                    "years": f"{span[0]}–{span[1]}" if span else "",
                    "length_km": round(path_length_km(pts), 1),
                }
            )
            geometry.append(geodesic_line(pts))
    if not records and report.used:
        raise ImportError_(f"{source}: no flow between two countries the basemap knows")
    lines = (
        gpd.GeoDataFrame(records, geometry=geometry, crs="EPSG:4326")
        if records
        else gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")
    )
    return Flows(lines, report, int(domestic.sum()), [TYPE_FLAGS[f] for f in types])


def _centres() -> dict[str, tuple[float, float]]:
    """A point inside each country (its largest polygon's representative point)."""
    from tipmap.routes.cartography import basemap

    centres = {}
    for iso, geom in zip(basemap()["iso_a2"], basemap().geometry):
        if iso and iso not in centres:
            part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
            point = part.representative_point()
            centres[iso] = (point.x, point.y)
    return centres
