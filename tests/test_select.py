"""The one selection function (routes.select) on the tiny atlas."""

from __future__ import annotations

import pytest

from routes.errors import SelectionError
from routes.select import Selection, bounds, is_empty, place_roles, select


def ids(frame):
    return sorted(frame["id"])


def test_public_is_the_default_audience(tiny_atlas):
    chosen = select(tiny_atlas)
    assert ids(chosen.hotspots) == ["h-casino"]  # the restricted venue is withheld
    assert ids(chosen.support) == ["o-ngo"]  # the confidential shelter is withheld


@pytest.mark.parametrize(
    ("audience", "hotspots", "support"),
    [("internal", ["h-casino", "h-venue"], ["o-ngo"]), ("confidential", ["h-casino", "h-venue"], ["o-ngo", "o-shelter"])],
)
def test_audiences(tiny_atlas, audience, hotspots, support):
    chosen = select(tiny_atlas, Selection(audience=audience))
    assert (ids(chosen.hotspots), ids(chosen.support)) == (hotspots, support)


def test_country_filter_keeps_corridors_through_the_country(tiny_atlas):
    chosen = select(tiny_atlas, Selection(countries=("MM",)))
    assert ids(chosen.corridors) == ["c-bride"]
    # the casino is in CN but lies on the selected corridor's border crossing
    assert ids(chosen.hotspots) == ["h-casino"]
    assert ids(chosen.places) == ["a-dst", "a-mid", "a-src"]


def test_exploitation_filter(tiny_atlas):
    chosen = select(tiny_atlas, Selection(exploitation=("forced_labour",)))
    assert ids(chosen.corridors) == ["c-labour"] and ids(chosen.hotspots) == []


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        (None, 1992, ["c-labour"]),  # the undated corridor is taken as current (2000 on)
        (1996, None, ["c-bride"]),
        (1995, 1995, ["c-labour"]),
        (2001, 2024, ["c-bride"]),
        (None, None, ["c-bride", "c-labour"]),
    ],
)
def test_period_overlap(tiny_atlas, since, until, expected):
    assert ids(select(tiny_atlas, Selection(since=since, until=until)).corridors) == expected


def test_corridor_filter_keeps_only_what_lies_on_it(tiny_atlas):
    chosen = select(tiny_atlas, Selection(corridors=("c-labour",), audience="confidential"))
    assert ids(chosen.corridors) == ["c-labour"]
    assert ids(chosen.hotspots) == ["h-venue"]  # at a-dst, the labour route's destination
    assert ids(chosen.support) == ["o-ngo", "o-shelter"]
    assert list(chosen.sources.index) == ["s-one", "s-two"]


def test_bbox_filter(tiny_atlas):
    chosen = select(tiny_atlas, Selection(bbox=(0.5, -0.5, 1.5, 0.5)))
    assert ids(chosen.corridors) == ["c-bride", "c-labour"]  # both pass through the box
    assert ids(chosen.hotspots) == ["h-casino"]


def test_sources_are_reduced_to_those_cited(tiny_atlas):
    chosen = select(tiny_atlas, Selection(exploitation=("forced_marriage",)))
    assert list(chosen.sources.index) == ["s-one"]


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        (Selection(corridors=("nope",)), "unknown corridor id 'nope'"),
        (Selection(countries=("XX",)), "unknown country code 'XX'"),
        (Selection(exploitation=("slavery",)), "unknown exploitation type 'slavery'"),
        (Selection(audience="everyone"), "unknown audience 'everyone'"),
        (Selection(since=2000, until=1990), "--since 2000 is after --until 1990"),
        (Selection(bbox=(10, 5, 20, 1)), "is not min_lon,min_lat,max_lon,max_lat"),
    ],
)
def test_bad_filters_raise(tiny_atlas, selection, message):
    with pytest.raises(SelectionError, match=message):
        select(tiny_atlas, selection)


def test_place_roles(tiny_atlas):
    assert place_roles(tiny_atlas.corridors) == {
        "a-src": ("source",),
        "a-mid": ("transit",),
        "a-dst": ("destination",),
        "b-src": ("source",),
    }


def test_empty_selection_and_bounds(tiny_atlas):
    assert bounds(select(tiny_atlas)) == (0.0, 0.0, 2.0, 1.0)
    nothing = select(tiny_atlas, Selection(countries=("TH",)))
    assert is_empty(nothing) and bounds(nothing) is None
