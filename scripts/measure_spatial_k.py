"""Measure the public generalisation (issue #12): spatial k, widening, withholding and
displacement of 2,000 simulated restricted sites. Run: ``python scripts/measure_spatial_k.py``.

Uses ``TIPMAP_KEY`` if set (the figures other than displacement do not depend on the key).
"""

from __future__ import annotations

import collections
import os
import time

import geopandas as gpd
import numpy as np
from pyproj import Geod
from shapely.geometry import Point

os.environ.setdefault("TIPMAP_KEY", "measurement-only-key-0000")
GEOD = Geod(ellps="WGS84")


def frame(points: list[Point]) -> gpd.GeoDataFrame:
    """Restricted shelters at ``points``."""
    ids = [f"s{i}" for i in range(len(points))]
    return gpd.GeoDataFrame({"id": ids, "kind": "shelter", "sensitivity": "restricted"}, geometry=points, crs="EPSG:4326")


def report(name: str, sites: gpd.GeoDataFrame) -> None:
    """Print what generalisation does to ``sites``."""
    from tipmap.routes.sensitivity import generalise_layer, placements

    start = time.perf_counter()
    found = placements(sites)
    result = generalise_layer(sites, "support")
    levels = collections.Counter(p.resolution if p.cell else "withheld" for p in found)
    ks = np.array([p.k for p in found if p.cell])
    kept = sites[sites.index.isin(result.frame.index)]
    _, _, dist = GEOD.inv(kept.geometry.x, kept.geometry.y, result.frame.geometry.x, result.frame.geometry.y)
    print(f"{name}: n={len(sites)} shown={result.generalised} widened={result.widened} withheld={result.withheld}")
    print(f"  by H3 resolution: {dict(levels)}")
    print(f"  k of shown: min={ks.min()} median={np.median(ks):.0f}; displacement km: min={dist.min() / 1000:.1f} "
          f"median={np.median(dist) / 1000:.1f} max={dist.max() / 1000:.1f}; {time.perf_counter() - start:.1f} s")  # fmt: skip


def main() -> None:
    """Uniform sites over mainland South-East Asia and Mongolia, then sites in real towns."""
    from tipmap.routes.placenames import geonames_cities

    rng = np.random.default_rng(12)
    for name, (w, s, e, n) in (("uniform, 99-107E 10-21N", (99, 10, 107, 21)), ("uniform, 90-118E 42-52N", (90, 42, 118, 52))):
        report(name, frame([Point(x, y) for x, y in zip(rng.uniform(w, e, 2000), rng.uniform(s, n, 2000))]))
    towns = [c for c in geonames_cities() if c["countrycode"] in ("TH", "VN", "KH", "LA", "MM")]
    rng = np.random.default_rng(7)
    picks = rng.choice(len(towns), 2000, replace=False)
    points = [
        Point(float(towns[i]["longitude"]) + rng.normal(0, 0.02), float(towns[i]["latitude"]) + rng.normal(0, 0.02))
        for i in picks
    ]
    report("GeoNames towns of TH/VN/KH/LA/MM, +-2 km", frame(points))


if __name__ == "__main__":
    main()
