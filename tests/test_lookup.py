"""Offline place lookup (routes.lookup): atlas names, local script, GeoNames, LAT,LON."""

from __future__ import annotations

import re

import pytest
from tipmap.routes.atlas import load_atlas
from tipmap.routes.errors import UsageProblem
from tipmap.routes.lookup import AmbiguousPlace, PlaceNotFound, resolve_place

ATLAS = load_atlas()


@pytest.mark.parametrize("name", ["Ruili", "ruili", "瑞丽", "cn-ruili"])
def test_atlas_places_by_english_local_or_id(name):
    place = resolve_place(name, atlas=ATLAS)
    assert (place.country, place.source) == ("CN", "atlas place cn-ruili")


def test_accents_do_not_matter():
    assert (
        resolve_place("lao cai", atlas=ATLAS).source == resolve_place("Lào Cai", atlas=ATLAS).source == "atlas place vn-lao-cai"
    )


def test_gazetteer_towns_outside_the_atlas():
    place = resolve_place("Tachileik", atlas=ATLAS)  # a GeoNames alternate name of Tachilek, Myanmar
    assert place.country == "MM" and place.source.startswith("GeoNames")
    assert place.lat == pytest.approx(20.45, abs=0.05) and place.lon == pytest.approx(99.88, abs=0.05)


def test_ambiguous_names_list_candidates_and_ask_for_country():
    with pytest.raises(AmbiguousPlace, match=r"'Sapa' is ambiguous: Sa Pa \(VN\).*Sapa \(PH\).*give --country"):
        resolve_place("Sapa", atlas=ATLAS)
    assert resolve_place("Sapa", atlas=ATLAS, country="vn").country == "VN"


def test_unknown_names_say_so():
    with pytest.raises(PlaceNotFound, match="no place called 'Xyzzyville'"):
        resolve_place("Xyzzyville", atlas=ATLAS)


def test_coordinates_are_latitude_first():
    place = resolve_place("22.34, 103.84")
    assert (place.lon, place.lat, place.source) == (103.84, 22.34, "coordinates")
    with pytest.raises(UsageProblem, match="latitude first"):
        resolve_place("103.84,22.34")


@pytest.mark.parametrize(("text", "kind"), [("Belgium", "country (Belgium)"), ("US", "country (United States)"),
                                            ("Gulf States", "region (Gulf States)")])  # fmt: skip
def test_a_country_or_region_is_never_a_town(text, kind):
    with pytest.raises(PlaceNotFound, match=rf"'{text}' is a {re.escape(kind)}, not a place"):
        resolve_place(text)


def test_a_populated_place_beats_an_unpopulated_namesake_in_the_same_country():
    # GeoNames has the capital (1581130, 8 million) and a hamlet "Hanoi" 80 km south (8554466, no population)
    from tipmap.routes.lookup import resolve_place

    place = resolve_place("Hanoi")
    assert place.country == "VN" and (round(place.lat, 2), round(place.lon, 2)) == (21.02, 105.84)
