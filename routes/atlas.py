"""Load and validate an atlas directory into GeoDataFrames (EPSG:4326).

The curated atlas ships in the ``geodata`` package; any directory with the same CSV
files (``tipmap validate PATH``) loads the same way.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point
from tipmap.routes.errors import AtlasDataError, Problem, TipmapError
from tipmap.routes.geodesy import geodesic_line, path_length_km, waypoint_positions
from tipmap.routes.schema import LAYER_FILES, REVIEW_COLUMNS
from tipmap.routes.sensitivity import STRICTNESS, inherited_sensitivity
from tipmap.routes.tables import Readable, Table, read_table

CRS = "EPSG:4326"


@dataclass(frozen=True)
class Atlas:
    """The atlas layers: points and lines in EPSG:4326, plus the source records.

    ``corridors`` carries derived columns ``countries`` (of its waypoints) and
    ``length_km`` (geodesic), ``drawn_by`` (quoted / chosen / country-level) and
    ``waypoint_lonlat`` (each waypoint where the drawn line passes it: longitudes are
    unwrapped across the antimeridian); ``hotspots`` and ``support`` carry ``country`` of
    their place.
    """

    places: gpd.GeoDataFrame
    corridors: gpd.GeoDataFrame
    hotspots: gpd.GeoDataFrame
    support: gpd.GeoDataFrame
    sources: pd.DataFrame
    origin: str
    data_hash: str = ""
    redaction: Any = field(default=None)  # routes.sensitivity.Redaction once selected

    def layer(self, name: str) -> pd.DataFrame:
        """The layer called ``name`` (one of ``routes.schema.LAYERS``)."""
        return getattr(self, name)

    def citations(self, source_ids: tuple[str, ...]) -> list[dict[str, Any]]:
        """The source records behind ``source_ids``, in order, as plain dicts."""
        records = self._source_records
        return [{"id": sid, **records[sid]} for sid in source_ids if sid in records]

    @cached_property
    def _source_records(self) -> dict[str, dict[str, Any]]:
        """Every source record by id, read once (a map cites sources hundreds of times)."""
        return self.sources.to_dict("index")


#: The publisher cell of a source whose original could not be found in public.
UNPUBLISHED = "unpublished copy"


def citation_label(source: Any) -> str:
    """How maps, slides and field files cite a source: "Publisher, year", or the title with its
    publisher ("Sex trafficking in China (Wikipedia)"), or "Title (unpublished copy)"; never the
    file name of the copy tipmap read."""
    title = str(source.get("title") or "").strip()
    publisher = source.get("publisher")
    publisher = str(publisher).strip() if isinstance(publisher, str) else ""
    year = source.get("year")
    year = str(int(year)) if year is not None and not pd.isna(year) and str(year).strip() else ""
    if publisher and publisher != UNPUBLISHED and year:
        return f"{publisher}, {year}"
    if publisher:
        return f"{title} ({publisher})" if title else publisher
    return title or str(source.get("id") or "")


def citation_labels(atlas: Atlas) -> list[str]:
    """The distinct citation labels of every source of ``atlas``, sorted."""
    return sorted({citation_label(rec) for rec in atlas.sources.to_dict("records")})


def default_directory() -> Readable:
    """The curated atlas shipped inside the ``geodata`` package."""
    return files("tipmap.geodata")


def load_atlas(directory: str | os.PathLike[str] | Readable | None = None) -> Atlas:
    """Load an atlas directory (default: the curated atlas) and validate it.

    Raises
    ------
    AtlasDataError
        With every problem found, each naming its file, row and field.
    """
    if directory is None:
        return _curated_atlas()
    return _loaded(_resolve(directory))


def _loaded(root: Readable) -> Atlas:
    problems: list[Problem] = []
    tables = {layer: read_table(root, fname, columns, problems) for layer, (fname, columns) in LAYER_FILES.items()}
    if not any(t.records for t in tables.values()) and not problems:
        raise TipmapError(f"{root}: no atlas files found (expected {', '.join(f for f, _ in LAYER_FILES.values())})")
    _check_references(tables, problems)
    if problems:
        order = {fname: i for i, (fname, _) in enumerate(LAYER_FILES.values())}
        raise AtlasDataError(sorted(problems, key=lambda p: (order.get(p.file, 99), p.row or 0)))
    return replace(_build(tables, origin=str(root)), data_hash=_data_hash(root))


#: Bump when the cached Atlas changes shape without a change in routes/*.py.
CACHE_FORMAT = 1


def _curated_atlas() -> Atlas:
    """The curated atlas, from the user's cache when this data and this code built it before.

    Reading and validating the CSV files and drawing the geodesic lines takes about 0.06 s per
    run; the built atlas unpickles in a few milliseconds. The cache is keyed by the atlas
    files' bytes, the source of ``routes/*.py`` (the code that builds it) and the versions of
    Python, pandas, geopandas and shapely, so an edit to either is never served stale. Only
    the atlas that ships in the package is cached: an atlas directory of the user's may hold
    confidential records, and tipmap makes no copy of them where the user did not put them.
    A cache file is read only when it is the user's own (unpickling runs code).
    """
    import pickle

    from tipmap.routes.cachefiles import read_private, write_private

    root = default_directory()
    path = _cache_file(_data_hash(root))
    blob = read_private(path)
    if blob:
        try:
            atlas = pickle.loads(blob)
            if isinstance(atlas, Atlas):
                return atlas
        except Exception:  # noqa: BLE001  (a corrupt or foreign file: build the atlas again)
            pass
    atlas = _loaded(root)
    if write_private(path, pickle.dumps(atlas, protocol=pickle.HIGHEST_PROTOCOL)):
        for stale in path.parent.glob("atlas-v*.pickle"):  # built by other data or code: never read again
            if stale != path:
                stale.unlink(missing_ok=True)
    return atlas


def _cache_file(data_hash: str) -> Path:
    """The cache file of the curated atlas whose files hash to ``data_hash``, for this code."""
    import sys

    import shapely
    from tipmap.routes.gazetteer import cache_dir

    digest = hashlib.sha256(data_hash.encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    libraries = (sys.implementation.cache_tag, pd.__version__, gpd.__version__, shapely.__version__)
    digest.update(" ".join(libraries).encode())
    return cache_dir() / f"atlas-v{CACHE_FORMAT}-{digest.hexdigest()[:16]}.pickle"


def _data_hash(root: Readable) -> str:
    """SHA-256 over the atlas files (name and bytes), so an output can be traced to its data."""
    digest = hashlib.sha256()
    for name, _ in LAYER_FILES.values():
        resource = root.joinpath(name)
        if resource.is_file():
            digest.update(name.encode() + b"\0" + resource.read_bytes() + b"\0")
    return digest.hexdigest()


def validate_directory(directory: str | os.PathLike[str] | Readable) -> list[Problem]:
    """Every problem in an atlas directory (an empty list when it is valid)."""
    try:
        load_atlas(directory)
    except AtlasDataError as err:
        return err.problems
    return []


def _resolve(directory: str | os.PathLike[str] | Readable | None) -> Readable:
    if directory is None:
        return default_directory()
    if isinstance(directory, (str, os.PathLike)):
        path = Path(directory)
        if not path.is_dir():
            raise TipmapError(f"{path}: not a directory")
        return path
    return directory


def _check_references(tables: dict[str, Table], problems: list[Problem]) -> None:
    sources = {r["id"] for r in tables["sources"].records}
    places = {r["id"]: r for r in tables["places"].records}
    level = _place_levels(tables)
    for layer, table in tables.items():
        for record, row in zip(table.records, table.rows):
            report = lambda fld, msg, t=table, r=row: problems.append(Problem(t.file, r, fld, msg))  # noqa: E731
            _check_record(layer, record, sources, places, report)
            _check_place_levels(layer, record, level, report)


def _place_levels(tables: dict[str, Table]) -> dict[str, tuple[str, str | None]]:
    """Each place's sensitivity, inherited from the site-precision records located at it."""
    return inherited_sensitivity(tables["places"].records, tables["hotspots"].records + tables["support"].records)


def _check_place_levels(layer: str, record: dict[str, Any], level: dict[str, tuple[str, str | None]], report: Any) -> None:
    """A record may not use a place stricter than itself: a public corridor through a
    confidential place would publish the place (#12 D)."""
    own = record.get("sensitivity") or "public"
    if layer == "corridors":
        used = [("waypoints", p) for p in record.get("waypoints", ())]
    elif layer in ("hotspots", "support"):
        used = [("place", record.get("place"))]
    else:
        return
    for fld, pid in used:
        if pid in level and STRICTNESS[level[pid][0]] > STRICTNESS.get(own, 0):
            origin = f" (inherited from '{level[pid][1]}' located there)" if level[pid][1] else ""
            report(fld, f"{own} record uses {level[pid][0]} place '{pid}'{origin}")


def _check_record(layer: str, record: dict[str, Any], sources: set[str], places: dict[str, Any], report: Any) -> None:
    for sid in record.get("sources", ()):
        if sid not in sources:
            report("sources", f"unknown source id '{sid}'")
    if "place" in record and record["place"] and record["place"] not in places:
        report("place", f"unknown place id '{record['place']}'")
    lon, lat = record.get("lon"), record.get("lat")
    if isinstance(lon, float) and not -180.0 <= lon <= 180.0:
        report("lon", f"{lon} is outside [-180, 180]")
    if isinstance(lat, float) and not -90.0 <= lat <= 90.0:
        report("lat", f"{lat} is outside [-90, 90]")
    start, end = record.get("period_start"), record.get("period_end")
    if start is not None and end is not None and start > end:
        report("period_end", f"period ends ({end}) before it starts ({start})")
    if record.get("status") == "draft":
        if record.get("score") is None:
            report("score", "a draft needs its score (0 to 1)")
        if not record.get("reason"):
            report("reason", "a draft needs the reason it was proposed")
    if record.get("score") is not None and not 0.0 <= record["score"] <= 1.0:
        report("score", f"{record['score']} is outside [0, 1]")
    if layer == "places" and not record.get("country") and record.get("kind") != "region":
        report("country", "is empty (only a region spanning several countries, such as 'Europe', has none)")
    for pid in record.get("chosen", ()):
        used = record.get("waypoints", ()) or (record.get("place"),)
        if pid not in used:
            report("chosen", f"'{pid}' is not one of the record's places ({' '.join(p for p in used if p)})")
    if layer == "corridors":
        _check_corridor(record, places, report)
    if layer == "hotspots" and record.get("intensity") is not None and record["intensity"] < 0:
        report("intensity", f"{record['intensity']} is negative")
    if layer == "sources" and record.get("url"):
        if urlparse(record["url"]).scheme not in ("http", "https"):
            report("url", f"'{record['url']}' is not an http(s) URL")


def _check_corridor(record: dict[str, Any], places: dict[str, Any], report: Any) -> None:
    waypoints = record.get("waypoints", ())
    if waypoints and len(waypoints) < 2:
        report("waypoints", "a corridor needs at least a source and a destination place")
    for pid in waypoints:
        if pid not in places:
            report("waypoints", f"unknown place id '{pid}'")
    for a, b in zip(waypoints, waypoints[1:]):
        if a == b:
            report("waypoints", f"place '{a}' is repeated back to back")
    if record.get("volume") is not None:
        if not record.get("volume_unit"):
            report("volume_unit", "a volume needs its unit")
        if record.get("volume_source") not in record.get("sources", ()):
            report("volume_source", "a volume needs its source, one of the corridor's sources")


def _build(tables: dict[str, Table], *, origin: str) -> Atlas:
    place_rows = tables["places"].records
    lonlat = {p["id"]: (p["lon"], p["lat"]) for p in place_rows}
    country_of = {p["id"]: p["country"] for p in place_rows}

    level = _place_levels(tables)
    place_rows = [{**p, "sensitivity": level[p["id"]][0]} for p in place_rows]
    places = _frame(place_rows, [Point(p["lon"], p["lat"]) for p in place_rows], "places")
    # a region spanning several countries ("Europe") is as coarse as a country-level point
    kind_of = {p["id"]: p["kind"] if p["country"] else "country" for p in place_rows}
    corridor_rows = [
        {
            **c,
            "countries": tuple(dict.fromkeys(country_of[w] for w in c["waypoints"] if country_of[w])),
            "length_km": round(path_length_km([lonlat[w] for w in c["waypoints"]]), 1),
            "drawn_by": drawn_by(c["waypoints"], c.get("chosen", ()), kind_of),
        }
        for c in tables["corridors"].records
    ]
    lines = [geodesic_line([lonlat[w] for w in c["waypoints"]]) for c in corridor_rows]
    for row, line in zip(corridor_rows, lines):
        row["waypoint_lonlat"] = waypoint_positions(line, [lonlat[w] for w in row["waypoints"]])
    corridors = _frame(corridor_rows, lines, "corridors", ("countries", "length_km", "drawn_by", "waypoint_lonlat"))
    hotspots = _located(tables["hotspots"].records, lonlat, country_of, "hotspots")
    support = _located(tables["support"].records, lonlat, country_of, "support")
    sources = pd.DataFrame(tables["sources"].records)
    sources = sources.set_index("id") if len(sources) else pd.DataFrame(columns=["title"]).rename_axis("id")
    return Atlas(places, corridors, hotspots, support, sources, origin)


def drawn_by(waypoints: tuple[str, ...], chosen: tuple[str, ...], kind_of: dict[str, str]) -> str:
    """How a corridor is drawn (``routes.schema.DRAWN_BY``): ``chosen`` when it passes a place
    tipmap chose, ``country-level`` when an end is a country or a multi-country region and
    nothing is chosen, else ``quoted`` (every place is named in its quotes)."""
    if chosen:
        return "chosen"
    if any(kind_of.get(w) == "country" for w in waypoints):
        return "country-level"
    return "quoted"


def _located(
    rows: list[dict[str, Any]], lonlat: dict[str, tuple[float, float]], country_of: dict[str, str], layer: str
) -> gpd.GeoDataFrame:
    rows = [{**r, "country": country_of[r["place"]]} for r in rows]
    return _frame(rows, [Point(*lonlat[r["place"]]) for r in rows], layer, ("country",))


def _frame(rows: list[dict[str, Any]], geometry: list[Any], layer: str, derived: tuple[str, ...] = ()) -> gpd.GeoDataFrame:
    """A layer's frame; an absent or empty file still has the layer's columns."""
    columns = [c.name for c in LAYER_FILES[layer][1]] + list(derived)
    frame = gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns if not rows else None), geometry=geometry, crs=CRS)
    review = [c for c in REVIEW_COLUMNS if c in frame.columns]
    if review and frame[review].isna().all().all():
        frame = frame.drop(columns=review)  # a curated atlas without review columns keeps its shape
    return frame.reset_index(drop=True)


def is_draft(row: Any) -> bool:
    """Whether a record was proposed by ``tipmap extract`` and not yet reviewed."""
    return row.get("status") == "draft"
