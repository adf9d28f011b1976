"""The one selection function (routes.select) on the tiny atlas."""

from __future__ import annotations

import pandas as pd
import pytest
from tipmap.routes.errors import SelectionError
from tipmap.routes.geodesy import distance_km
from tipmap.routes.select import Selection, bounds, is_empty, place_roles, select


def ids(frame):
    return sorted(frame["id"])


def test_public_is_the_default_audience(tiny_atlas):
    chosen = select(tiny_atlas)
    assert ids(chosen.support) == ["o-ngo"]  # the confidential shelter is withheld
    assert chosen.redaction.removed == {"corridors": 0, "hotspots": 0, "support": 1}
    # the restricted venue lies at 2E 0N, in the Gulf of Guinea: no H3 cell around it up to
    # resolution 3 holds 5 GeoNames towns, and it is the only entertainment district there
    assert chosen.redaction.withheld_low_k == {"corridors": 0, "hotspots": 1, "support": 0, "places": 1}
    assert chosen.redaction.generalised == {"corridors": 0, "hotspots": 0, "support": 0, "places": 0}
    assert chosen.redaction.describe() == (
        "audience: public; withheld (confidential): 1 support; generalised (restricted): none; "
        "withheld (spatial k < 5): 1 hotspots"
    )


BANGKOK = (100.5018, 13.7563)  # Bangkok: 44 GeoNames towns of 1,000+ share its resolution-5 cell


@pytest.fixture
def bangkok_atlas(tmp_path, tiny_tables):
    """The tiny atlas with the restricted venue's place moved to central Bangkok."""
    from conftest import write_atlas
    from tipmap.routes.atlas import load_atlas

    venue = next(r for r in tiny_tables["places.csv"] if r[0] == "a-venue")
    venue[3], venue[5], venue[6] = "TH", str(BANGKOK[0]), str(BANGKOK[1])
    return load_atlas(write_atlas(tmp_path / "bkk", tiny_tables))


def test_public_generalises_restricted_points_with_a_keyed_offset(bangkok_atlas):
    hotspots = select(bangkok_atlas).hotspots
    assert "h-venue" not in set(hotspots["id"])  # the id is opaque
    venue = hotspots[hotspots["kind"] == "entertainment_district"].iloc[0]
    assert venue["id"].startswith("r-") and len(venue["id"]) == 18
    assert venue["name"] == "Entertainment district (location generalised)" and pd.isna(venue["place"])
    km = distance_km((venue.geometry.x, venue.geometry.y), BANGKOK)
    assert 2.0 < km < 40.0  # never within 2 km, and within two cell reaches plus 2 km
    again = select(bangkok_atlas).hotspots
    assert again[again["id"] == venue["id"]].geometry.iloc[0].equals(venue.geometry)  # nothing to average
    redaction = select(bangkok_atlas).redaction
    assert redaction.generalised["hotspots"] == 1 and redaction.k_min["hotspots"] == 44
    exact = select(bangkok_atlas, Selection(audience="internal")).hotspots.set_index("id").loc["h-venue"]
    assert (exact.geometry.x, exact.geometry.y, exact["name"]) == (*BANGKOK, "Exact venue")


def test_public_reduces_restricted_corridors_to_their_end_towns(tmp_path, tiny_tables):
    from conftest import HEADERS, write_atlas
    from tipmap.routes.atlas import load_atlas

    tiny_tables["corridors.csv"][0][HEADERS["corridors.csv"].index("sensitivity")] = "restricted"
    atlas = load_atlas(write_atlas(tmp_path / "r", tiny_tables))
    corridors = select(atlas).corridors
    assert "c-bride" not in set(corridors["id"])
    bride = corridors[corridors["name"] == "Restricted route"].iloc[0]
    assert bride["waypoints"] == ("a-src", "a-dst") and "end places only" in bride["routing"]
    assert bride["countries"] == ("MM", "CN")  # no transit country
    assert select(atlas, Selection(audience="internal")).corridors.set_index("id").loc["c-bride"]["waypoints"] == (
        "a-src",
        "a-mid",
        "a-dst",
    )


def test_country_filter_keeps_corridors_through_the_country(tiny_atlas):
    chosen = select(tiny_atlas, Selection(countries=("MM",)))
    assert ids(chosen.corridors) == ["c-bride"]
    # the casino is in CN but lies on the selected corridor; the restricted venue (withheld
    # for the public: spatial k < 5) would have no place either: the gate runs before the filters
    assert ids(chosen.hotspots) == ["h-casino"]
    assert ids(chosen.places) == ["a-dst", "a-mid", "a-src"]
    internal = select(tiny_atlas, Selection(countries=("MM",), audience="internal"))
    assert ids(internal.hotspots) == ["h-casino"]  # the venue is in CN at its own place, off the route


def test_withheld_counts_do_not_follow_the_filters(tiny_atlas):
    """An attacker shrinking --bbox around a guess must not see the withheld count change (#12 C)."""
    everywhere = select(tiny_atlas).redaction
    for box in ((-10.0, -10.0, 10.0, 10.0), (1.9, -0.1, 2.1, 0.1), (50.0, 50.0, 51.0, 51.0)):
        assert select(tiny_atlas, Selection(bbox=box)).redaction == everywhere


def test_bbox_sees_the_generalised_point_not_the_true_one(bangkok_atlas):
    """A box around the restricted venue's true position finds it only where the public map draws it (#12 C)."""
    drawn = select(bangkok_atlas).hotspots.query("kind == 'entertainment_district'").iloc[0]
    x, y = BANGKOK
    tiny = (x - 1e-4, y - 1e-4, x + 1e-4, y + 1e-4)  # the true position, 10 m around
    assert drawn["id"] not in set(select(bangkok_atlas, Selection(bbox=tiny)).hotspots["id"])
    g = drawn.geometry
    around_drawn = (g.x - 1e-4, g.y - 1e-4, g.x + 1e-4, g.y + 1e-4)
    assert drawn["id"] in set(select(bangkok_atlas, Selection(bbox=around_drawn)).hotspots["id"])
    assert "h-venue" in set(select(bangkok_atlas, Selection(bbox=tiny, audience="internal")).hotspots["id"])


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
    assert ids(chosen.hotspots) == []  # the venue has its own place (a site), not on the route
    assert ids(chosen.support) == ["o-ngo"]  # the shelter has its own place (a site), off the route
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
    assert bounds(select(tiny_atlas, Selection(audience="internal"))) == (0.0, 0.0, 2.0, 1.0)
    nothing = select(tiny_atlas, Selection(countries=("TH",)))
    assert is_empty(nothing) and bounds(nothing) is None
