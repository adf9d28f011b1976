"""Where maps open: the bulk of the selection, robust to a few long-haul outliers."""

from __future__ import annotations

from tipmap.routes.framing import frame_of, opening_view, split_outliers
from tipmap.routes.jobs import atlas_job
from tipmap.routes.select import Selection

LONDON = (-0.126, 51.509)


def test_one_far_point_among_many_near_ones_is_an_outlier():
    near = [(100.0 + i, 20.0 + (i % 3)) for i in range(10)]
    bulk, outliers = split_outliers([*near, LONDON])
    assert outliers == [LONDON] and bulk == near


def test_points_spread_evenly_are_all_framed():
    spread = [(-60.0, -20.0), (0.0, 50.0), (30.0, 0.0), (100.0, 20.0), (140.0, 35.0)]
    assert split_outliers(spread) == (spread, [])


def test_a_compact_selection_is_never_trimmed():
    compact = [(105.0, 21.0), (105.1, 21.0), (105.0, 21.1), (105.1, 21.1), (106.5, 21.5)]  # 160 km away at most
    assert split_outliers(compact)[1] == []


def test_myanmar_and_vietnam_are_not_framed_with_london():
    result = atlas_job(Selection(countries=("MM", "VN")))
    frame = frame_of(result.atlas)
    assert LONDON in frame.outliers and (13.234, -8.837) in frame.outliers  # London, Luanda
    west, south, east, north = result.view
    assert west > 80 and north < 50  # South-East and East Asia, not Eurasia and Africa
    assert frame.full[0] < 0  # the corridor to London is still drawn
    inside = [(97.396, 25.383), (113.25, 23.117), (103.85, 1.29), (116.397, 39.908)]  # Myitkyina, Guangzhou, Singapore, Beijing
    assert all(west <= x <= east and south <= y <= north for x, y in inside)


def test_the_whole_atlas_opens_on_everything():
    assert opening_view(atlas_job(Selection()).atlas, (), Selection()) is None
