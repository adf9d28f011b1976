"""The provenance check: every claim against the record's own quotes (issue #13).

The fixture atlas has one record per kind of unsupported claim, each beside a record that
differs only in being supported, so every expected problem can be checked by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import HEADERS, write_atlas
from tipmap.cli import main
from tipmap.routes.provenance import check_provenance, named_in, numbers, place_names, roles_of

QUOTE = "In 2015, 1,200 women were sold as brides from Source Town to Destination City."
HEAD = {
    **HEADERS,
    "places.csv": HEADERS["places.csv"] + ["aliases"],
    "corridors.csv": HEADERS["corridors.csv"] + ["chosen"],
    "hotspots.csv": HEADERS["hotspots.csv"] + ["chosen"],
}


def corridor(cid, waypoints, *, expl="forced_marriage", start="2015", conf="high", volume="", chosen=""):
    return [cid, cid, waypoints, expl, start, start, conf, volume, "women" if volume else "", "s-one" if volume else "",
            "s-one", "public", "", chosen]  # fmt: skip


def hotspot(hid, place, *, intensity="2", chosen=""):
    return [hid, hid, "", "casino", place, "forced_marriage", intensity, "", "", "s-one", "public", "town", "", chosen]


TABLES = {
    "sources.csv": [["s-one", "Report One", "Publisher A", "2020", "", "one.txt", QUOTE]],
    "places.csv": [
        ["a-src", "Source Town", "源", "MM", "city", "0", "0", "", "", ""],
        ["a-mid", "Border Town", "", "CN", "border_crossing", "1", "0", "", "", ""],
        ["a-dst", "Destination City", "终", "CN", "city", "2", "0", "", "", ""],
    ],
    "corridors.csv": [
        corridor("c-good", "a-src a-dst", volume="1200"),  # row 2: every claim is in the quote
        corridor("c-year", "a-src a-dst", start="2016"),  # row 3: 2016 is not in the quote
        corridor("c-volume", "a-src a-dst", volume="1300"),  # row 4: 1,300 is not in the quote
        corridor("c-place", "a-src a-mid a-dst"),  # row 5: Border Town is not named, not chosen
        corridor("c-chosen-ok", "a-src a-mid a-dst", conf="medium", chosen="a-mid"),  # row 6: chosen, capped
        corridor("c-chosen-cap", "a-src a-mid a-dst", chosen="a-mid"),  # row 7: chosen but 'high'
        corridor("c-type", "a-src a-dst", expl="forced_marriage;forced_labour"),  # row 8: no labour term
        corridor("c-direction", "a-dst a-src"),  # row 9: the quote goes from Source Town to Destination City
    ],
    "hotspots.csv": [
        hotspot("h-good", "a-dst", intensity="5"),  # row 2
        hotspot("h-place", "a-mid"),  # row 3: not named, not chosen
        hotspot("h-cap", "a-mid", intensity="4", chosen="a-mid"),  # row 4: chosen but over the cap of 2
    ],
    "support.csv": [],
}


@pytest.fixture
def fixture_dir(tmp_path: Path) -> Path:
    return write_atlas(tmp_path / "claims", TABLES, HEAD)


def test_each_kind_of_unsupported_claim_is_reported_with_file_row_and_field(fixture_dir):
    found = {(p.file, p.row, p.field) for p in check_provenance(fixture_dir)}
    assert found == {
        ("corridors.csv", 3, "period_start"),
        ("corridors.csv", 3, "period_end"),
        ("corridors.csv", 4, "volume"),
        ("corridors.csv", 5, "waypoints"),
        ("corridors.csv", 7, "confidence"),
        ("corridors.csv", 8, "exploitation"),
        ("corridors.csv", 9, "waypoints"),
        ("hotspots.csv", 3, "place"),
        ("hotspots.csv", 4, "intensity"),
    }


def test_the_messages_say_what_is_missing(fixture_dir):
    text = "\n".join(str(p) for p in check_provenance(fixture_dir))
    assert "corridors.csv, row 3, field 'period_start': the year 2016 is in no cited quote" in text
    assert "the number 1300 is not in the quote of s-one" in text
    assert "place 'a-mid' (Border Town) is named in no cited quote and not marked chosen" in text
    assert "'high' with chosen places (at most 'medium')" in text
    assert "'forced_labour': no term for it in a cited quote" in text
    assert "'a-dst' is the corridor's source, but its quote has it only after 'to/into'" in text
    assert "'a-src' is the corridor's destination, but its quote has it only after 'from/out of'" in text
    assert "4 at a chosen place (at most 2)" in text


def test_validate_provenance_fails_on_the_fixture_and_names_each_problem(fixture_dir):
    result = CliRunner().invoke(main, ["validate", "--provenance", str(fixture_dir)])
    assert result.exit_code == 1
    assert f"{fixture_dir}/corridors.csv, row 4, field 'volume'" in result.output
    assert "10 unsupported claims" in result.output  # row 9 has two: both ends are the wrong way round
    assert "Traceback" not in result.output


def test_validate_without_provenance_still_passes_the_fixture(fixture_dir):
    result = CliRunner().invoke(main, ["validate", str(fixture_dir)])
    assert result.exit_code == 0, result.output


def test_validate_provenance_passes_the_curated_atlas():
    from tipmap.routes.atlas import default_directory

    result = CliRunner().invoke(main, ["validate", "--provenance", str(default_directory())])
    assert result.exit_code == 0, result.output
    assert "every claim is in its quotes" in result.output


def test_a_chosen_place_must_be_one_of_the_records_places(tmp_path):
    tables = {**TABLES, "corridors.csv": [corridor("c-x", "a-src a-dst", conf="low", chosen="a-mid")], "hotspots.csv": []}
    result = CliRunner().invoke(main, ["validate", str(write_atlas(tmp_path / "a", tables, HEAD))])
    assert result.exit_code == 1
    assert "corridors.csv, row 2, field 'chosen': 'a-mid' is not one of the record's places (a-src a-dst)" in result.output


@pytest.mark.parametrize(
    "quote, value",
    [
        ("over 80,000 Uyghurs", 80000.0),
        ("rescued four Uzbek women", 4.0),
        ("$1.2 – $2.3 billion", 1.2),
        ("94,200 DPRK workers", 94200.0),
    ],
)
def test_numbers_are_read_as_reports_write_them(quote, value):
    assert value in numbers(quote)


def test_a_year_is_not_read_as_part_of_a_larger_number():
    assert 201.0 not in numbers("in 2019") and 2019.0 in numbers("in 2019")


PLACE = {"name": "Lao Cai", "name_local": "Lào Cai", "kind": "city", "country": "VN", "aliases": ()}
COUNTRY = {"name": "North Korea (country-level)", "name_local": "조선", "kind": "country", "country": "KP", "aliases": ()}


@pytest.mark.parametrize(
    "place, quote",
    [
        (PLACE, "victims crossed at LAO CAI."),  # case
        (PLACE, "qua Lào Cai"),  # accents
        ({**PLACE, "name": "Dagestan", "aliases": ("Dagestani",)}, "enslaved in Dagestani brick factories"),  # alias
        (COUNTRY, "DPRK nationals working in Russia"),  # another name of the country
        (COUNTRY, "North Korean women in China"),  # demonym
        (COUNTRY, "from Russia,Vietnam,Mongolia,North KoreaMyanmar,Kenya"),  # the seed's list without separators
        ({**COUNTRY, "name": "China (country-level)", "name_local": "中国", "country": "CN"}, "中国妇女"),  # local script
    ],
)
def test_a_place_is_named_by_any_of_its_names(place, quote):
    assert named_in(place_names(place), quote)


@pytest.mark.parametrize(
    "place, quote",
    [
        (PLACE, "Laos is a destination"),  # a different word
        (COUNTRY, "South Korea and Japan"),  # the other Korea
        ({**COUNTRY, "name": "Niger (country-level)", "name_local": "", "country": "NE"}, "Nigerian cartels"),  # not Niger
    ],
)
def test_a_place_is_not_named_by_a_near_miss(place, quote):
    assert not named_in(place_names(place), quote)


def test_direction_words_give_roles_but_not_belonging_to_or_a_border_name():
    assert roles_of(("Russia",), "export men for forced labor to Russia") == {"destination"}
    assert roles_of(("Xinjiang",), "moved out of Xinjiang to work") == {"source"}
    assert roles_of(("Tonkin",), "women belonging to Tonkin mountain region") == set()
    assert roles_of(("China",), "trafficked to and through the China–Mongolia border") == set()


# --- stated vs chosen, visible everywhere --------------------------------------------------

DRAWN = {
    "sources.csv": TABLES["sources.csv"],
    "places.csv": TABLES["places.csv"] + [["c-ctry", "Country (country-level)", "", "MM", "country", "0", "1", "", "", ""]],
    "corridors.csv": [
        corridor("c-quoted", "a-src a-dst"),
        corridor("c-chosen", "a-src a-mid a-dst", conf="medium", chosen="a-mid"),
        corridor("c-country", "c-ctry a-dst", conf="medium"),
    ],
    "hotspots.csv": [],
    "support.csv": [],
}


@pytest.fixture
def drawn_dir(tmp_path: Path) -> Path:
    return write_atlas(tmp_path / "drawn", DRAWN, HEAD)


def test_corridors_say_how_they_are_drawn(drawn_dir):
    from tipmap.routes.atlas import load_atlas

    corridors = load_atlas(drawn_dir).corridors.set_index("id")
    assert corridors["drawn_by"].to_dict() == {"c-quoted": "quoted", "c-chosen": "chosen", "c-country": "country-level"}


def test_the_html_map_draws_chosen_and_country_level_routes_differently(drawn_dir):
    from tipmap.maps.interactive import build_map
    from tipmap.routes.atlas import load_atlas
    from tipmap.routes.select import select

    html = build_map(select(load_atlas(drawn_dir)), title="t").get_root().render()
    assert '"dashArray": "2 7"' in html and '"dashArray": "14 5 3 5"' in html
    assert "route drawn by tipmap, not named in the report" in html
    assert "country-level: the report names only the countries or regions" in html


def test_the_static_map_legend_names_the_chosen_route(drawn_dir):
    from tipmap.maps.static import plot_atlas
    from tipmap.routes.atlas import load_atlas
    from tipmap.routes.select import select

    fig, _ = plot_atlas(select(load_atlas(drawn_dir)), title="t")
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert "route drawn by tipmap, not\nnamed in the report" in labels  # wrapped to the legend column
    from matplotlib.collections import LineCollection

    corridors = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]  # the corridors' strokes
    patterns = {  # each stroke's dash pattern in line widths (matplotlib scales dashes by the width)
        (offset, None if seq is None else tuple(round(x / width, 6) for x in seq))
        for c in corridors
        for (offset, seq), width in zip(c.get_linestyle(), c.get_linewidth())
    }
    assert len(patterns) >= 3, patterns  # solid, dotted (chosen), dash-dot (country-level)
    assert (0, (1.0, 2.5)) in patterns and (0, (6.0, 2.0, 1.5, 2.0)) in patterns  # chosen, country-level


@pytest.mark.parametrize("fmt, name", [("geojson", "a.geojson"), ("csv", "a.csv"), ("kml", "a.kml"), ("gpkg", "a.gpkg")])
def test_exports_carry_drawn_by(tmp_path, drawn_dir, fmt, name):
    import pyogrio

    out = tmp_path / name
    result = CliRunner().invoke(main, ["export", "-f", fmt, "-o", str(out), "--atlas", str(drawn_dir)])
    assert result.exit_code == 0, result.output
    if fmt == "kml":
        assert "drawn_by: chosen" in out.read_text() and "chosen: a-mid" in out.read_text()
        return
    frame = pyogrio.read_dataframe(out, layer="corridors") if fmt == "gpkg" else pyogrio.read_dataframe(out)
    frame = frame[frame["layer"] == "corridors"]
    assert dict(zip(frame["id"], frame["drawn_by"])) == {"c-quoted": "quoted", "c-chosen": "chosen", "c-country": "country-level"}


@pytest.mark.parametrize(
    "source, label",
    [
        ({"title": "Report One", "publisher": "Publisher A", "year": 2020.0}, "Publisher A, 2020"),
        (
            {"title": "Sex trafficking in China", "publisher": "Wikipedia", "year": float("nan")},
            "Sex trafficking in China (Wikipedia)",
        ),
        ({"title": "Self-help method", "publisher": "unpublished copy", "year": None}, "Self-help method (unpublished copy)"),
        ({"title": "Report Two", "publisher": None, "year": None}, "Report Two"),
    ],
)
def test_citation_label_is_publisher_and_year_or_the_title(source, label):
    from tipmap.routes.atlas import citation_label

    assert citation_label(source) == label


def test_every_curated_source_can_be_followed_or_says_why_not():
    from tipmap.routes.atlas import load_atlas

    for sid, src in load_atlas().sources.iterrows():
        assert isinstance(src["publisher"], str) and src["publisher"], sid
        assert isinstance(src["url"], str) or src["publisher"] == "unpublished copy", sid


def test_only_a_region_spanning_countries_may_leave_the_country_blank(tmp_path):
    places = TABLES["places.csv"] + [
        ["europe", "Europe (region)", "", "", "region", "16", "48", "", "", ""],
        ["nowhere", "Nowhere Town", "", "", "city", "1", "1", "", "", ""],
    ]
    tables = {**TABLES, "places.csv": places, "corridors.csv": [corridor("c-eu", "a-src europe", conf="low")], "hotspots.csv": []}
    result = CliRunner().invoke(main, ["validate", str(write_atlas(tmp_path / "r", tables, HEAD))])
    assert result.exit_code == 1
    assert "places.csv, row 6, field 'country': is empty (only a region spanning several countries" in result.output
    assert "row 5" not in result.output
