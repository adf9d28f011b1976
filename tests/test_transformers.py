"""Transformers between lon/lat and the static maps' projections (routes.cartography): built
from the projection's definition, they give what PROJ's own search gives."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Transformer
from tipmap.routes import cartography as carto

VIEWS = [
    carto.View(92.0, 8.0, 110.0, 28.0),  # the Mekong: Lambert azimuthal equal-area
    carto.View(-75.5, -56.0, -53.0, -21.0),  # southern South America: negative centre
    carto.View(-170.0, -50.0, 170.0, 75.0),  # the world: Equal Earth
    carto.View(160.0, -30.0, 200.0, 10.0),  # across the antimeridian
]


@pytest.mark.parametrize("view", VIEWS)
def test_our_transformers_match_projs_own_both_ways(view):
    crs = carto.projection_for(view)
    lon0, lat0 = view.centre
    rng = np.random.default_rng(18)
    lons = lon0 + rng.uniform(-60, 60, 500)
    lats = np.clip(lat0 + rng.uniform(-40, 40, 500), -85, 85)
    reference = Transformer.from_crs("EPSG:4326", crs.srs, always_xy=True)
    xs, ys = carto.to_crs(crs).transform(lons, lats)
    want_x, want_y = reference.transform(lons, lats)
    assert np.allclose(xs, want_x, rtol=0, atol=1e-6) and np.allclose(ys, want_y, rtol=0, atol=1e-6)  # micrometres
    back_lons, back_lats = carto.from_crs(crs).transform(xs, ys)
    want_lons, want_lats = Transformer.from_crs(crs.srs, "EPSG:4326", always_xy=True).transform(xs, ys)
    assert np.allclose(back_lons, want_lons, rtol=0, atol=1e-9) and np.allclose(back_lats, want_lats, rtol=0, atol=1e-9)
    turned = (back_lons - lons + 180.0) % 360.0 - 180.0  # a longitude past 180 comes back a turn away
    assert np.allclose(turned, 0.0, atol=1e-7) and np.allclose(back_lats, lats, atol=1e-7)
    assert carto.to_crs(crs).definition.startswith("proj=pipeline step proj=unitconvert")


def test_another_crs_still_goes_through_projs_search():
    web_mercator = carto._transformer("EPSG:4326", "EPSG:3857")
    x, y = web_mercator.transform(100.0, 15.0)
    assert x == pytest.approx(11_131_949.08, abs=0.01) and y == pytest.approx(1_689_200.14, abs=0.01)
