"""The two atlas tables the place finder reads (places and hotspot names), without geopandas.

``tipmap extract`` needs only the atlas's place names, points and hotspot names to find places
in text; loading the atlas as GeoDataFrames costs more than the extraction itself (importing
geopandas alone takes about 0.6 s). The curated atlas's ``places.csv`` and ``hotspots.csv`` are
read here with the csv module and the atlas's own column types (:mod:`routes.tables`).

The audience gate is not applied, as before this loader existed: the finder matches every place
of the atlas it is given, whatever the sensitivity of the records at it, because a draft names
a place the report itself names; the drafts are written for the analyst, marked draft, and
gated like any user file when drawn (``--data``).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from typing import Any

#: The place fields the finder uses.
PLACE_FIELDS = ("id", "name", "name_local", "country", "kind", "lon", "lat", "gazetteer_id")


@dataclass(frozen=True)
class PlaceTables:
    """Places (``PLACE_FIELDS``) and hotspots (``name``, ``place``) as plain dicts."""

    places: tuple[dict[str, Any], ...]
    hotspots: tuple[dict[str, Any], ...]

    @classmethod
    def of_atlas(cls, atlas: Any) -> PlaceTables:
        """The tables of an atlas already loaded (:func:`routes.atlas.load_atlas`)."""
        places = tuple(
            _place({**row, "lon": row["geometry"].x, "lat": row["geometry"].y}) for row in atlas.places.to_dict("records")
        )
        hotspots = tuple({"name": r["name"], "place": r["place"]} for r in atlas.hotspots.to_dict("records"))
        return cls(places, hotspots)


def curated_place_tables() -> PlaceTables:
    """The finder's tables of the curated atlas, read with the csv module (an atlas directory
    of the user's is loaded and checked by :func:`routes.atlas.load_atlas`, as every command
    checks it, then given to :meth:`PlaceTables.of_atlas`)."""
    from tipmap.routes.errors import AtlasDataError, Problem
    from tipmap.routes.schema import LAYER_FILES
    from tipmap.routes.tables import read_table

    root = files("tipmap.geodata")
    problems: list[Problem] = []
    tables = {layer: read_table(root, *LAYER_FILES[layer], problems) for layer in ("places", "hotspots")}
    if problems:  # the curated atlas is checked by the test suite; a broken install still says where
        raise AtlasDataError(problems)
    places = tuple(_place(r) for r in tables["places"].records)
    hotspots = tuple({"name": r["name"], "place": r["place"]} for r in tables["hotspots"].records)
    return PlaceTables(places, hotspots)


def _place(row: dict[str, Any]) -> dict[str, Any]:
    place = {f: row.get(f) for f in PLACE_FIELDS}
    place.update(lon=float(row["lon"]), lat=float(row["lat"]), name_local=_plain(row.get("name_local")) or "")
    place["gazetteer_id"] = _plain(row.get("gazetteer_id"))
    place["country"] = _plain(row.get("country"))  # blank: a region of several countries
    return place


def _plain(value: Any) -> Any:
    """Missing values (None, NaN, '') as None; whole numbers as int."""
    if value is None or value == "" or value != value:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
