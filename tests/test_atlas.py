"""Loading and validating atlas directories (routes.atlas, routes.tables)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import HEADERS, write_atlas
from tipmap.routes.atlas import load_atlas, validate_directory
from tipmap.routes.errors import AtlasDataError, TipmapError


def test_tiny_atlas_loads_as_geodataframes_in_4326(tiny_atlas):
    assert tiny_atlas.corridors.crs.to_epsg() == 4326
    assert (len(tiny_atlas.places), len(tiny_atlas.corridors), len(tiny_atlas.hotspots), len(tiny_atlas.support)) == (6, 2, 2, 2)
    assert list(tiny_atlas.sources.index) == ["s-one", "s-two"]


def test_corridor_geometry_is_derived_from_its_waypoints(tiny_atlas):
    bride = tiny_atlas.corridors.set_index("id").loc["c-bride"]
    coords = list(bride.geometry.coords)
    assert coords[0] == (0.0, 0.0) and coords[-1] == (2.0, 0.0)
    assert (1.0, 0.0) in coords  # passes through the transit place
    assert bride["countries"] == ("MM", "CN")
    # two degrees of longitude along the WGS84 equator: 2 x 111.319 km
    assert bride["length_km"] == pytest.approx(222.6, abs=0.1)


def test_lists_and_numbers_are_typed(tiny_atlas):
    labour = tiny_atlas.corridors.set_index("id").loc["c-labour"]
    assert labour["exploitation"] == ("forced_labour",)
    assert labour["waypoints"] == ("b-src", "a-dst")
    assert (labour["period_start"], labour["period_end"], labour["volume"]) == (1990, 1995, 120.0)


def test_hotspots_take_point_and_country_from_their_place(tiny_atlas):
    casino = tiny_atlas.hotspots.set_index("id").loc["h-casino"]
    assert (casino.geometry.x, casino.geometry.y, casino["country"]) == (1.0, 0.0, "CN")


def _set(table: str, row: int, column: str, value: str):
    def mutate(tables):
        tables[table][row][HEADERS[table].index(column)] = value

    return mutate


# (mutation, message that names file, spreadsheet row and field)
BAD = {
    "unknown place in corridor": (
        _set("corridors.csv", 0, "waypoints", "a-src nowhere"),
        r"corridors\.csv, row 2, field 'waypoints': unknown place id 'nowhere'",
    ),
    "longitude out of range": (_set("places.csv", 1, "lon", "200"), r"places\.csv, row 3, field 'lon': 200\.0 is outside"),
    "latitude not a number": (_set("places.csv", 0, "lat", "north"), r"places\.csv, row 2, field 'lat': 'north' is not a number"),
    "latitude not finite": (_set("places.csv", 0, "lat", "nan"), r"places\.csv, row 2, field 'lat': 'nan' is not a finite"),
    "unknown exploitation": (
        _set("corridors.csv", 1, "exploitation", "forced_labor"),
        r"corridors\.csv, row 3, field 'exploitation': unknown value 'forced_labor'",
    ),
    "unknown source id": (
        _set("hotspots.csv", 0, "sources", "s-one;s-three"),
        r"hotspots\.csv, row 2, field 'sources': unknown source id 's-three'",
    ),
    "duplicate id": (
        _set("places.csv", 3, "id", "a-src"),
        r"places\.csv, row 5, field 'id': duplicate id 'a-src' \(first used in row 2\)",
    ),
    "bad id": (_set("corridors.csv", 0, "id", "Bride Route"), r"corridors\.csv, row 2, field 'id': 'Bride Route' is not an id"),
    "unknown country": (_set("places.csv", 2, "country", "XX"), r"places\.csv, row 4, field 'country': 'XX' is not an ISO"),
    "empty required cell": (_set("sources.csv", 0, "quote", " "), r"sources\.csv, row 2, field 'quote': is empty"),
    "period ends before it starts": (
        _set("corridors.csv", 1, "period_end", "1980"),
        r"corridors\.csv, row 3, field 'period_end': period ends \(1980\) before it starts \(1990\)",
    ),
    "volume without unit": (_set("corridors.csv", 1, "volume_unit", ""), r"corridors\.csv, row 3, field 'volume_unit'"),
    "volume from another source": (_set("corridors.csv", 1, "volume_source", "s-one"), r"field 'volume_source'"),
    "one waypoint": (
        _set("corridors.csv", 0, "waypoints", "a-src"),
        r"corridors\.csv, row 2, field 'waypoints': a corridor needs",
    ),
    "hotspot at unknown place": (
        _set("hotspots.csv", 1, "place", "atlantis"),
        r"hotspots\.csv, row 3, field 'place': unknown place",
    ),
    "javascript url": (_set("sources.csv", 0, "url", "javascript:alert(1)"), r"sources\.csv, row 2, field 'url': .* not an http"),
    "unknown sensitivity": (_set("support.csv", 0, "sensitivity", "secret"), r"support\.csv, row 2, field 'sensitivity'"),
    "negative intensity": (
        _set("hotspots.csv", 0, "intensity", "-1"),
        r"hotspots\.csv, row 2, field 'intensity': -1\.0 is negative",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_each_validation_error_names_file_row_and_field(tmp_path, tiny_tables, case):
    mutate, message = BAD[case]
    mutate(tiny_tables)
    with pytest.raises(AtlasDataError, match=message):
        load_atlas(write_atlas(tmp_path / "bad", tiny_tables))


def test_every_problem_is_reported_not_just_the_first(tmp_path, tiny_tables):
    _set("places.csv", 0, "lon", "999")(tiny_tables)
    _set("corridors.csv", 1, "exploitation", "nonsense")(tiny_tables)
    problems = validate_directory(write_atlas(tmp_path / "bad", tiny_tables))
    assert [(p.file, p.row, p.field) for p in problems] == [("places.csv", 2, "lon"), ("corridors.csv", 3, "exploitation")]


def test_unknown_and_missing_columns_are_named(tmp_path, tiny_tables):
    headers = {**HEADERS, "places.csv": [h if h != "lat" else "latitude" for h in HEADERS["places.csv"]]}
    with pytest.raises(AtlasDataError) as err:
        load_atlas(write_atlas(tmp_path / "bad", tiny_tables, headers))
    text = [str(p) for p in err.value.problems]
    assert "places.csv, row 1, field 'lat': required column is missing" in text
    assert any(t.startswith("places.csv, row 1, field 'latitude': unknown column") for t in text)


def test_unquoted_comma_is_reported_with_its_row(tmp_path, tiny_dir):
    with open(tiny_dir / "support.csv", "a", encoding="utf-8") as handle:
        handle.write("o-x,Name,,ngo,a-dst,food, beds and advice,s-one,public,town,\n")
    with pytest.raises(AtlasDataError, match=r"support\.csv, row 4: 1 more cells than the header"):
        load_atlas(tiny_dir)


def test_non_utf8_file_is_reported(tiny_dir):
    (tiny_dir / "places.csv").write_bytes("id,name\nx,Lào Cai\n".encode("cp1258"))
    with pytest.raises(AtlasDataError, match=r"places\.csv, row 2: not UTF-8 text"):
        load_atlas(tiny_dir)


def test_a_directory_without_atlas_files_is_an_error(tmp_path):
    with pytest.raises(TipmapError, match="no atlas files found"):
        load_atlas(tmp_path)


def test_a_missing_directory_is_an_error(tmp_path):
    with pytest.raises(TipmapError, match="not a directory"):
        load_atlas(tmp_path / "nope")


def test_the_curated_atlas_loads_from_the_package(monkeypatch, tmp_path: Path):
    monkeypatch.chdir(tmp_path)  # not from the working directory
    atlas = load_atlas()
    assert len(atlas.corridors) >= 20 and len(atlas.hotspots) >= 10
