"""Flow ends clustered greedily by screen radius per zoom (flowmap.gl's approach)."""

from __future__ import annotations

import pytest
from tipmap.routes.flowcluster import Location, cluster_locations, flow_bands, world_pixels


def test_world_pixels_match_web_mercator_by_hand():
    assert world_pixels((0.0, 0.0), 0) == pytest.approx((128.0, 128.0))
    assert world_pixels((180.0, 0.0), 1) == pytest.approx((512.0, 256.0))
    assert world_pixels((-90.0, 0.0), 2) == pytest.approx((256.0, 512.0))


# Berlin and Amsterdam are ~6 degrees apart: ~17 px at zoom 2, ~1100 px at zoom 8
BERLIN = Location("DE", "Germany", (13.4, 52.5))
AMSTERDAM = Location("NL", "Netherlands", (4.9, 52.4))
HANOI = Location("VN", "Viet Nam", (105.8, 21.0))


def test_near_ends_merge_at_low_zoom_and_split_when_zoomed_in():
    weights = {"DE": 10, "NL": 3, "VN": 13}
    low = cluster_locations([BERLIN, AMSTERDAM, HANOI], weights, 2)
    assert sorted(c.members for c in low) == [("DE", "NL"), ("VN",)]
    merged = next(c for c in low if "DE" in c.members)
    assert merged.lonlat == BERLIN.lonlat  # the heaviest founds the cluster
    assert merged.label == "Germany + 1 nearby"
    high = cluster_locations([BERLIN, AMSTERDAM, HANOI], weights, 8)
    assert sorted(c.members for c in high) == [("DE",), ("NL",), ("VN",)]


def test_bands_group_zooms_and_sum_flows_between_clusters():
    flows = [("VN", "DE", 10.0), ("VN", "NL", 3.0), ("NL", "DE", 2.0)]
    bands = flow_bands(flows, [BERLIN, AMSTERDAM, HANOI], zooms=(1, 8))
    assert bands[0].zooms[0] == 1 and bands[-1].zooms[1] == 8
    assert [b.zooms[1] + 1 for b in bands[:-1]] == [b.zooms[0] for b in bands[1:]]  # contiguous
    first = bands[0]
    vn = next(i for i, c in enumerate(first.clusters) if c.members == ("VN",))
    europe = next(i for i, c in enumerate(first.clusters) if "DE" in c.members)
    assert first.flows == ((vn, europe, (0, 1)),)  # NL->DE is inside the cluster: not drawn
    last = bands[-1]
    assert len(last.clusters) == 3 and len(last.flows) == 3
