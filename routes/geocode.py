"""Place names in analysts' tables: countries and regions first, then towns; and a
plausibility check of given coordinates against the country or region the same row names.

A country's name or code is never looked up as a town ("US" is not a village in France,
"Belgium" not a town in Wisconsin); two or three capital letters that are no country code
are reported as such; an ambiguous town name is reported with its candidates.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
from tipmap.routes.countries import Area, area, area_shape, looks_like_code

#: Coordinates further than this outside the country or region their row names are reported.
PLAUSIBLE_KM = 100.0
NO_NAME = "have no place name"
UNKNOWN_NAME = "have a place name the offline gazetteer does not know"
UNKNOWN_CODE = "have a country code tipmap does not know"
FAR = f"have coordinates over {PLAUSIBLE_KM:.0f} km outside the country or region the row names"


def resolve_column(names: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Longitude, latitude, reason (``""`` when resolved) and "is a country or region" for each name."""
    text = names.astype(object).where(names.notna(), "").astype(str).str.strip().to_numpy(dtype=object)
    lons, lats = np.full(len(text), np.nan), np.full(len(text), np.nan)
    why = np.full(len(text), "", dtype=object)
    at_area = np.zeros(len(text), dtype=bool)
    for value in pd.unique(text):
        hit = resolve_name(value)
        where = text == value
        if isinstance(hit, str):
            why[where] = hit
        else:
            lons[where], lats[where], at_area[where] = hit[0], hit[1], hit[2]
    return lons, lats, why, at_area


@cache
def resolve_name(value: str) -> tuple[float, float, bool] | str:
    """``(lon, lat, is_area)`` of a place name, or the reason it cannot be placed."""
    from tipmap.routes.errors import UsageProblem
    from tipmap.routes.lookup import AmbiguousPlace, PlaceNotFound, resolve_place

    if not value:
        return NO_NAME
    found = area(value)
    if found is not None:
        return (found.lon, found.lat, True)
    if looks_like_code(value):
        return UNKNOWN_CODE
    town, country = value, None
    if "," in value:  # "Lagos, Nigeria": the town within the country the cell names
        head, tail = value.rsplit(",", 1)
        named = area(tail)
        if named is not None and named.kind == "country":
            town, country = head.strip(), named.code
    try:
        place = resolve_place(town, country=country)
    except AmbiguousPlace as err:
        return f"have an ambiguous place name ({err})"
    except (PlaceNotFound, UsageProblem):
        return UNKNOWN_NAME
    return (place.lon, place.lat, False)


def check_areas(names: pd.Series, lons: np.ndarray, lats: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """For rows with coordinates and a country or region named beside them: ``FAR`` where the
    point lies more than ``PLAUSIBLE_KM`` outside that country or region, else ``""``."""
    text = names.astype(object).where(names.notna(), "").astype(str).str.strip().to_numpy(dtype=object)
    why = np.full(len(text), "", dtype=object)
    for value in pd.unique(text[usable]):
        found = area(value) if value else None
        if found is None:
            continue
        rows = np.flatnonzero((text == value) & usable)
        far = _far_from(found, lons[rows], lats[rows])
        why[rows[far]] = FAR
    return why


def _far_from(found: Area, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    import shapely
    from pyproj import Geod

    shape = _shape(found.code, found)
    if shape is None:
        return np.zeros(len(lons), dtype=bool)
    outside = ~shapely.contains_xy(shape, lons, lats)
    far = np.zeros(len(lons), dtype=bool)
    geod = Geod(ellps="WGS84")
    for i in np.flatnonzero(outside):
        near = shapely.ops.nearest_points(shape, shapely.Point(lons[i], lats[i]))[0]
        _, _, metres = geod.inv(lons[i], lats[i], near.x, near.y)
        far[i] = metres / 1000 > PLAUSIBLE_KM
    return far


@cache
def _shape(code: str, found: Area):
    import shapely
    import shapely.ops  # noqa: F401  (nearest_points)

    shape = area_shape(found)
    if shape is not None:
        shapely.prepare(shape)
    return shape
