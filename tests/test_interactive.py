"""The interactive map (maps.interactive): layers, citations, escaping, legend.

HTML is checked by substrings: folium element ids are random.
"""

from __future__ import annotations

import re

import pytest
from conftest import HEADERS, write_atlas
from tipmap.maps.escape import link, text
from tipmap.maps.interactive import build_map
from tipmap.routes.atlas import load_atlas
from tipmap.routes.select import Selection, select


@pytest.fixture
def html(tiny_atlas) -> str:
    return build_map(select(tiny_atlas), title="Tiny map").get_root().render()


def test_every_layer_is_in_the_layer_control(html):
    for layer in (
        "Corridors",
        "Places (source, transit, destination)",
        "Hotspots: Casino",
        "Hotspot intensity (heat)",
        "Support organisations",
    ):
        assert f'"{layer}"' in html, layer
    assert "L.control.layers" in html


def test_corridors_are_drawn_with_direction_colour_and_width(html):
    assert html.count("L.polyline(") == 2
    assert "setText" in html and "\\u25ba" in html or "►" in html  # arrowheads along the line
    assert '"color": "#CC79A7"' in html  # forced marriage (first type of the bride route)
    assert '"weight": 6.0' in html and '"weight": 2.0' in html  # high and low confidence
    assert '"dashArray": "6 6"' in html  # low confidence is dashed


def test_heat_layer_is_weighted_by_intensity(html):
    assert re.search(r"L\.heatLayer\(\s*\[\[0\.0, 1\.0, 4\.0\]\]", html)  # the casino, intensity 4 (the venue: k < 5)


def test_popup_cites_the_report(html):
    assert "Women are sold across the border." in html
    assert "Publisher A, 2020" in html and "Report One" in html
    assert "one.txt" not in html  # a file name no reader has (issue #13)
    assert 'href="https://example.org/one"' in html


def test_popup_gives_local_name_exploitation_and_period(html):
    assert "赌场" in html
    assert "Forced marriage" in html and "Sexual exploitation" in html
    assert "not dated in the report (taken as current)" in html


def test_withheld_records_do_not_reach_the_html(html):
    assert "Secret Shelter" not in html and "Exact venue" not in html


def test_legend_lists_only_what_is_drawn_and_the_audience(html):
    legend = html[html.index('id="tipmap-legend"') :]
    assert "Forced marriage" in legend and "Casino" in legend
    assert "Mining site" not in legend and "Organ removal" not in legend
    assert "Audience: public; withheld (confidential): 1 support; generalised (restricted): none; withheld (spatial k &lt; 5): 1 hotspots" in legend
    assert "Sources: Publisher A, 2020" in legend and ".txt" not in legend


def test_title_is_shown(html):
    assert "Tiny map" in html and "<title>Tiny map</title>" in html


def test_map_fits_the_selection(tiny_atlas):
    html = build_map(select(tiny_atlas, Selection(audience="internal")), title="t").get_root().render()
    assert re.search(r"fitBounds\(\s*\[\[0\.0, 0\.0\], \[1\.0, 2\.0\]\]", html)


HOSTILE = "<script>window.__pwned=1</script>`${window.__pwned=2}`\\u003c"


def test_hostile_names_are_escaped_everywhere(tmp_path, tiny_tables):
    tiny_tables["places.csv"][0][HEADERS["places.csv"].index("name")] = HOSTILE
    tiny_tables["hotspots.csv"][0][HEADERS["hotspots.csv"].index("name")] = HOSTILE
    tiny_tables["corridors.csv"][0][HEADERS["corridors.csv"].index("name")] = HOSTILE
    tiny_tables["sources.csv"][0][HEADERS["sources.csv"].index("quote")] = HOSTILE
    atlas = load_atlas(write_atlas(tmp_path / "hostile", tiny_tables))
    html = build_map(select(atlas), title=HOSTILE).get_root().render()
    assert "<script>window.__pwned" not in html
    assert "${window" not in html and "`${" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;&#96;&#36;&#123;window.__pwned=2&#125;&#96;&#92;u003c" in html


def test_escape_makes_template_literals_inert():
    assert text("`${x}`\\") == "&#96;&#36;&#123;x&#125;&#96;&#92;"
    assert text('"><img src=x onerror=alert(1)>') == "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"


def test_only_http_urls_become_links():
    assert link("javascript:alert(1)", "t") == "t"
    assert (
        link("https://example.org/?a=1&b=2", "t")
        == '<a href="https://example.org/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">t</a>'
    )


def test_a_line_across_the_antimeridian_gets_its_end_marker_on_the_line(tmp_path, tiny_tables):
    places = tiny_tables["places.csv"]
    places[2][HEADERS["places.csv"].index("lon")] = "-170"
    places[1][HEADERS["places.csv"].index("lon")] = "175"
    atlas = select(load_atlas(write_atlas(tmp_path / "am", tiny_tables)), Selection(corridors=("c-bride",)))
    html = build_map(atlas).get_root().render()
    assert re.search(r"L\.circleMarker\(\s*\[0\.0, 190\.0\]", html)


def test_the_curated_atlas_renders_with_every_hotspot_kind_it_uses():
    atlas = select(load_atlas())
    html = build_map(atlas).get_root().render()
    # no seed names a border-crossing hotspot (issue #13); domestic trafficking is a hotspot kind
    for kind in ("Casino", "Mining site", "Factory", "Labour site", "Internal trafficking"):
        assert f'"Hotspots: {kind}"' in html
    assert html.count("L.polyline(") == len(atlas.corridors)
