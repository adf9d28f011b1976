"""One selection function used by every command: filter the atlas and keep it consistent."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import geopandas as gpd
import pandas as pd
from shapely.geometry import box
from tipmap.routes.atlas import Atlas
from tipmap.routes.errors import SelectionError
from tipmap.routes.period import UNDATED_FROM, overlaps  # noqa: F401 (UNDATED_FROM: public name kept here)
from tipmap.routes.schema import EXPLOITATION, ROLES
from tipmap.routes.selection import Selection  # noqa: F401  (re-exported: select's argument)
from tipmap.routes.sensitivity import AUDIENCES, VISIBLE
from tipmap.routes.tables import country_codes


def select(atlas: Atlas, selection: Selection = Selection()) -> Atlas:
    """The part of ``atlas`` that matches ``selection``, as its audience may see it.

    Corridors, hotspots and support points are filtered; places are reduced to those the
    kept corridors, hotspots and support points use; sources to those they cite. The
    audience gate (:func:`tipmap.routes.gate.gate`) runs first, so the filters see only
    what the audience may see; the result carries the gate's ``redaction`` summary.

    Raises
    ------
    SelectionError
        When a filter names an unknown corridor, country, exploitation type or audience,
        or the period or bounding box is impossible.
    """
    _check(atlas, selection)
    from tipmap.routes.gate import gate

    atlas = gate(atlas, selection.audience)  # before any filter sees a record
    kept = _filtered(atlas, selection)
    corridors, hotspots, support = kept["corridors"], kept["hotspots"], kept["support"]
    used = {p for ws in corridors["waypoints"] for p in ws} | set(hotspots["place"].dropna()) | set(support["place"].dropna())
    places = atlas.places[atlas.places["id"].isin(used)]
    cited = {s for frame in (corridors, hotspots, support) for ids in frame["sources"] for s in ids}
    sources = atlas.sources[atlas.sources.index.isin(cited)]
    return replace(atlas, places=places, corridors=corridors, hotspots=hotspots, support=support, sources=sources)


def _filtered(atlas: Atlas, selection: Selection) -> dict[str, gpd.GeoDataFrame]:
    corridors = atlas.corridors[_keep(atlas.corridors, selection, country_column="countries")]
    on_route = {p for ws in corridors["waypoints"] for p in ws}
    return {
        "corridors": corridors,
        "hotspots": _located(atlas.hotspots, selection, on_route, thematic=True),
        "support": _located(atlas.support, selection, on_route, thematic=False),
    }


def _located(frame: gpd.GeoDataFrame, s: Selection, on_route: set[str], *, thematic: bool) -> gpd.GeoDataFrame:
    """Hotspots or support points kept by the filters.

    Naming corridors keeps only what lies on them. A country filter keeps what lies in
    the country and what lies on a kept corridor (a border crossing shown on the Chinese
    side still belongs on a map of Vietnam's routes).
    """
    if s.corridors:
        return frame[_keep(frame, s, country_column="country", thematic=thematic) & frame["place"].isin(on_route)]
    keep = _keep(frame, s, country_column="country", thematic=thematic)
    if s.countries:
        keep |= _keep(frame, replace(s, countries=()), country_column="country", thematic=thematic) & frame["place"].isin(
            on_route
        )
    return frame[keep]


def place_roles(corridors: gpd.GeoDataFrame) -> dict[str, tuple[str, ...]]:
    """Each place's roles on the given corridors: source, transit and/or destination."""
    roles: dict[str, set[str]] = {}
    for waypoints in corridors["waypoints"]:
        for i, pid in enumerate(waypoints):
            role = "source" if i == 0 else "destination" if i == len(waypoints) - 1 else "transit"
            roles.setdefault(pid, set()).add(role)
    return {pid: tuple(r for r in ROLES if r in found) for pid, found in roles.items()}


def is_empty(atlas: Atlas) -> bool:
    """True when nothing drawable is left."""
    return len(atlas.corridors) == 0 and len(atlas.hotspots) == 0 and len(atlas.support) == 0


def _check(atlas: Atlas, selection: Selection) -> None:
    _known("corridor id", selection.corridors, set(atlas.corridors["id"]))
    _known("country code", selection.countries, country_codes())
    _known("exploitation type", selection.exploitation, set(EXPLOITATION))
    _known("audience", (selection.audience,), set(AUDIENCES))
    if selection.since is not None and selection.until is not None and selection.since > selection.until:
        raise SelectionError(f"--since {selection.since} is after --until {selection.until}")
    if selection.bbox is not None:
        west, south, east, north = selection.bbox
        if not (-90 <= south < north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
            raise SelectionError(f"bounding box {selection.bbox} is not min_lon,min_lat,max_lon,max_lat")


def _known(what: str, values: Iterable[str], known: set[str] | frozenset[str]) -> None:
    for value in values:
        if value not in known:
            hint = f"; known: {', '.join(sorted(known))}" if len(known) <= 12 else f" (see 'tipmap list' for the {what}s)"
            raise SelectionError(f"unknown {what} '{value}'{hint}")


def _keep(frame: gpd.GeoDataFrame, s: Selection, *, country_column: str, thematic: bool = True) -> pd.Series:
    keep = frame["sensitivity"].isin(VISIBLE[s.audience])
    if s.corridors and "waypoints" in frame:
        keep &= frame["id"].isin(s.corridors)
    if s.countries:
        wanted = set(s.countries)
        keep &= frame[country_column].map(lambda c: bool(wanted & (set(c) if isinstance(c, tuple) else {c})))
    if thematic and s.exploitation:
        keep &= frame["exploitation"].map(lambda ex: bool(set(ex) & set(s.exploitation)))
    if thematic and (s.since is not None or s.until is not None):
        keep &= pd.Series(
            [_overlaps(a, b, s.since, s.until) for a, b in zip(frame["period_start"], frame["period_end"])],
            index=frame.index,
            dtype=bool,
        )
    if s.bbox is not None:
        keep &= frame.intersects(box(*s.bbox))
    return keep


def _overlaps(start: object, end: object, since: int | None, until: int | None) -> bool:
    """Whether a record's period overlaps [since, until] (THE rule: :mod:`tipmap.routes.period`)."""
    return overlaps(start, end, since, until)


def bounds(atlas: Atlas) -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) of everything drawable, or None when empty."""
    frames = [f for f in (atlas.corridors, atlas.hotspots, atlas.support, atlas.places) if len(f)]
    if not frames:
        return None
    boxes = [f.total_bounds for f in frames]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
