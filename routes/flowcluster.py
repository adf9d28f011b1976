"""Case flows clustered by zoom: the flowmap.gl approach, computed before the page opens.

At each zoom level, flow ends (locations) are merged greedily by screen distance: the
heaviest location (most cases in and out) founds a cluster, and every lighter location
within ``radius_px`` screen pixels of a cluster's centre joins the nearest one. Flows are
then summed between clusters. Consecutive zoom levels with the same clusters form one
*band*; the page draws one layer per band and switches it on zoom. Each cluster flow keeps
the indices of the case flows it sums, so the page can re-sum under its filters (years,
types, countries) without re-clustering.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

#: Web-map tile size (px) at zoom 0, as Leaflet uses.
TILE = 256


@dataclass(frozen=True)
class Location:
    """One flow end: an id (a country code), its name and (lon, lat)."""

    id: str
    name: str
    lonlat: tuple[float, float]


@dataclass(frozen=True)
class Cluster:
    """Locations merged at one zoom band; ``lonlat`` is that of its heaviest member."""

    members: tuple[str, ...]
    lonlat: tuple[float, float]
    label: str


@dataclass(frozen=True)
class Band:
    """Zoom levels ``zooms`` (first, last) with one clustering and its flows.

    ``flows`` are (from cluster index, to cluster index, indices of the case flows summed).
    """

    zooms: tuple[int, int]
    clusters: tuple[Cluster, ...]
    flows: tuple[tuple[int, int, tuple[int, ...]], ...] = field(default=())


def world_pixels(lonlat: tuple[float, float], zoom: int) -> tuple[float, float]:
    """Web Mercator pixel coordinates of (lon, lat) at ``zoom`` (as Leaflet projects them)."""
    lon, lat = lonlat
    lat = max(min(lat, 85.0511), -85.0511)
    scale = TILE * 2**zoom
    x = (lon + 180.0) / 360.0 * scale
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * scale
    return x, y


def cluster_locations(
    locations: list[Location], weights: dict[str, float], zoom: int, *, radius_px: float = 40.0
) -> list[Cluster]:
    """Greedy clustering of ``locations`` at ``zoom``: heaviest first, join the nearest
    cluster centre within ``radius_px`` screen pixels, else found a new cluster."""
    order = sorted(locations, key=lambda loc: (-weights.get(loc.id, 0.0), loc.id))
    centres: list[tuple[float, float]] = []
    members: list[list[Location]] = []
    for loc in order:
        x, y = world_pixels(loc.lonlat, zoom)
        near = [(math.hypot(x - cx, y - cy), i) for i, (cx, cy) in enumerate(centres)]
        near = [d for d in near if d[0] <= radius_px]
        if near:
            members[min(near)[1]].append(loc)
        else:
            centres.append((x, y))
            members.append([loc])
    return [
        Cluster(
            tuple(m.id for m in group),
            group[0].lonlat,
            group[0].name if len(group) == 1 else f"{group[0].name} + {len(group) - 1} nearby",
        )
        for group in members
    ]


def flow_bands(
    flows: list[tuple[str, str, float]],
    locations: list[Location],
    *,
    zooms: tuple[int, int] = (1, 8),
    radius_px: float = 40.0,
) -> list[Band]:
    """One :class:`Band` per run of zoom levels with the same clusters.

    ``flows`` are (from id, to id, cases); flows inside one cluster are left out of that
    band (they are drawn again when the cluster splits).
    """
    weights: dict[str, float] = {}
    for a, b, cases in flows:
        weights[a] = weights.get(a, 0.0) + cases
        weights[b] = weights.get(b, 0.0) + cases
    bands: list[Band] = []
    for zoom in range(zooms[0], zooms[1] + 1):
        clusters = cluster_locations(locations, weights, zoom, radius_px=radius_px)
        if bands and [c.members for c in bands[-1].clusters] == [c.members for c in clusters]:
            bands[-1] = Band((bands[-1].zooms[0], zoom), bands[-1].clusters, bands[-1].flows)
            continue
        where = {m: i for i, c in enumerate(clusters) for m in c.members}
        summed: dict[tuple[int, int], list[int]] = {}
        for index, (a, b, _) in enumerate(flows):
            if a in where and b in where and where[a] != where[b]:
                summed.setdefault((where[a], where[b]), []).append(index)
        bands.append(Band((zoom, zoom), tuple(clusters), tuple((a, b, tuple(ix)) for (a, b), ix in sorted(summed.items()))))
    return bands
