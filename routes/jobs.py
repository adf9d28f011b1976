"""One job per command: load, select (through the audience gate), compute, return a result.

The command line parses options, calls one job and hands its result to one renderer or
writer in :mod:`tipmap.maps`; renderers never load, filter, aggregate or plan. Every job
passes its records through :mod:`tipmap.routes.gate` before anything else sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tipmap.routes.atlas import Atlas, load_atlas
from tipmap.routes.errors import SelectionError
from tipmap.routes.framing import opening_view
from tipmap.routes.gate import COUNT_BASE, MIN_COUNT, data_policy
from tipmap.routes.gazetteer import pause_gc
from tipmap.routes.hotjob import HotspotsResult, hotspots_job  # noqa: F401  (tipmap hotspots: a light module)
from tipmap.routes.select import Selection, is_empty, select
from tipmap.routes.userdata import UserLayer, drafts_bounds, load_user_data, team_sites

NOTHING = "the filters select nothing to draw; loosen --corridor/--country/--exploitation/--since/--until"


@dataclass(frozen=True)
class AtlasResult:
    """The selected atlas as its audience may see it, the user's layers, and the manifest.

    ``view`` is the box the output should open on (None: everything drawn).
    """

    atlas: Atlas
    selection: Selection
    manifest: dict[str, Any]
    layers: tuple[UserLayer, ...] = ()
    view: tuple[float, float, float, float] | None = None

    @property
    def reports(self) -> list[Any]:
        """Import reports of the user's files (rows used, rows left out and why)."""
        return [layer.report for layer in self.layers if layer.report is not None]


def atlas_job(
    selection: Selection,
    *,
    data_dir: str | None = None,
    data: tuple[str, ...] = (),
    data_sensitivity: str = "restricted",
    data_labels: dict[str, str] | None = None,
    fit_data: bool = False,
    allow_empty: bool = False,
    min_count: int = MIN_COUNT,
    count_base: int = COUNT_BASE,
    flow_columns: Any = None,
    no_atlas: bool = False,
) -> AtlasResult:
    """``render``, ``plot``, ``export`` and ``list``: the atlas selected for an audience, with
    the user's files (``--data``) read under the same audience rule and the same filters;
    ``flow_columns`` names case tables' columns; ``no_atlas`` leaves the atlas's records out.

    Raises
    ------
    SelectionError
        When nothing is left to draw (unless ``allow_empty``).
    """
    from tipmap.routes.manifest import manifest

    with pause_gc():  # a few thousand new objects, no cycles: no collector pass over the imports meanwhile
        atlas = select(load_atlas(data_dir), selection)
    if no_atlas:
        if not data:
            raise SelectionError("--no-atlas needs --data: there is nothing else to draw")
        atlas = _without_records(atlas)
    policy = data_policy(data_sensitivity, selection.audience, min_count=min_count, count_base=count_base)
    layers = (
        tuple(load_user_data(data, policy=policy, labels=data_labels, selection=selection, flow_columns=flow_columns))
        if data
        else ()
    )
    if is_empty(atlas) and not layers and not allow_empty:
        raise SelectionError(NOTHING)
    stamp = manifest(atlas, selection)
    if data:
        stamp["data_files"] = [Path(p).name for p in data]
        stamp["data_sensitivity"] = data_sensitivity
        stamp["suppression"] = {"min_count": policy.min_count, "count_base": policy.count_base}
        flows = [flow_stamp(layer.data, layer.label) for layer in layers if layer.kind == "flows"]
        if flows:
            stamp["data_flows"] = flows
    view = selection.bbox or (drafts_bounds(list(layers)) if fit_data else None) or opening_view(atlas, layers, selection)
    if view is None and no_atlas:
        view = data_bounds(list(layers))
    return AtlasResult(atlas, selection, stamp, layers, view)


def _without_records(atlas: Atlas) -> Atlas:
    """The atlas with nothing to draw (``--no-atlas``: the user's data alone)."""
    return replace(
        atlas,
        corridors=atlas.corridors.iloc[:0],
        hotspots=atlas.hotspots.iloc[:0],
        support=atlas.support.iloc[:0],
        places=atlas.places.iloc[:0],
        sources=atlas.sources.iloc[:0],
    )


def flow_stamp(flows: Any, name: str) -> dict[str, Any]:
    """What the manifest says of one case table: every group of cases and what the filters removed."""
    return {
        "layer": name,
        "cases": flows.total,
        "drawn": int(flows.lines["cases"].sum()) if len(flows.lines) else 0,
        "domestic": flows.domestic,
        "not_drawn": flows.not_drawn,
        "removed_by_filters": flows.filtered,
        "suppressed_below": flows.min_count,
        "suppressed": flows.suppressed,
    }


def data_bounds(layers: list[UserLayer]) -> tuple[float, float, float, float] | None:
    """The extent of the user's flows and hexagons (``--no-atlas`` opens on them)."""
    boxes = []
    for layer in layers:
        if layer.kind == "flows" and len(layer.data.lines):
            boxes.append(tuple(layer.data.lines.total_bounds))
            boxes += [(lon, lat, lon, lat) for _, lon, lat in layer.data.domestic_points.values()]
        elif layer.kind == "hexagons" and len(layer.data.cells):
            boxes.append(layer.data.bounds)
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


@dataclass(frozen=True)
class OutreachResult:
    """``tipmap outreach``: the plan, the atlas it was made from, its title and manifest.

    ``plans`` holds one plan per base when a list of bases was given (``plan`` is the first).
    """

    plan: Any
    atlas: Atlas
    selection: Selection
    manifest: dict[str, Any]
    title: str
    reports: tuple[Any, ...] = ()
    plans: tuple[Any, ...] = ()

    @property
    def audience(self) -> str:
        """Who the plan is for (stamped on every page and file)."""
        return self.selection.audience


def outreach_job(
    *,
    near: str | tuple[str, ...] | None = None,
    radius: str | None = None,
    along: str | None = None,
    buffer: str | None = None,
    near_country: str | None = None,
    selection: Selection = Selection(audience="internal"),
    data_dir: str | None = None,
    data: tuple[str, ...] = (),
    data_sensitivity: str = "restricted",
    title: str | None = None,
    bases: str | None = None,
    with_atlas: bool = True,
) -> OutreachResult:
    """Plan outreach around a base (``near`` within ``radius``) or along a corridor, over
    the atlas's hotspots and support points and the team's own sites (``data``).

    ``near`` may name several bases, and ``bases`` is a file of them (name, lat/lon): one
    plan per base, each site in the plan of its nearest base. ``with_atlas=False`` plans
    on the team's sites alone.
    """
    from tipmap.routes.errors import UsageProblem
    from tipmap.routes.manifest import manifest
    from tipmap.routes.outreach import parse_distance, plan_outreach

    names = (near,) if isinstance(near, str) else tuple(near or ())
    _check_outreach(names, radius, along, buffer, bases, with_atlas, data)
    radius_km = parse_distance(radius, option="--radius") if radius else None
    buffer_km = parse_distance(buffer or "25km", option="--buffer") if along else None
    ungated = load_atlas(data_dir)
    atlas = _support_in_period(select(ungated, selection), selection)
    policy = data_policy(data_sensitivity, selection.audience)
    sites, reports = team_sites(data, policy=policy) if data else (None, [])
    places = _bases(names, bases, select(ungated, Selection(audience=selection.audience)), near_country, policy)
    common = dict(radius_km=radius_km, corridor_id=along, buffer_km=buffer_km, team=sites, with_atlas=with_atlas)
    plans = tuple(
        plan_outreach(atlas, base=b, others=places[:i] + places[i + 1 :], ungated=ungated, **common)
        for i, b in enumerate(places or [None])
    )
    if not any(p.sites for p in plans) and not with_atlas:
        raise UsageProblem("no site of --data lies in the area: widen --radius or check the file's coordinates")
    stamp = manifest(atlas, selection)
    stamp["audience"] = selection.audience
    stamp["withheld"] = {"scope": "the plan's area", "notes": [p.withheld for p in plans]}
    if data:
        stamp["data_files"] = [Path(p).name for p in data]
        stamp["data_sensitivity"] = data_sensitivity
    if not with_atlas:
        stamp["atlas_used"] = False
    label = plans[0].area_label if len(plans) == 1 else f"within {radius_km:g} km of {len(plans)} bases"
    return OutreachResult(plans[0], atlas, selection, stamp, title or f"Outreach: sites {label}", tuple(reports), plans)


def _check_outreach(names, radius, along, buffer, bases, with_atlas, data) -> None:
    from tipmap.routes.errors import UsageProblem

    if (not names and along is None and bases is None) or (names and along is not None):
        raise UsageProblem("give --near PLACE (with --radius) or --along CORRIDOR (with --buffer), not both")
    if along is not None and radius is not None:
        raise UsageProblem("--radius goes with --near; with --along give --buffer")
    if along is not None and bases is not None:
        raise UsageProblem("--bases goes with --radius, not --along")
    if along is None and names and buffer is not None:
        raise UsageProblem("--buffer goes with --along; with --near give --radius")
    if along is None and radius is None:
        raise UsageProblem("--near needs --radius (e.g. --radius 50km)")
    if not with_atlas and not data:
        raise UsageProblem("--no-atlas plans on your own sites: give them with --data FILE")


def _bases(names, bases_file, atlas, near_country, policy) -> list[Any]:
    """The bases: each ``--near`` place, then each row of the ``--bases`` file."""
    from tipmap.routes.errors import UsageProblem
    from tipmap.routes.lookup import Location, resolve_place

    places = [resolve_place(n, atlas=atlas, country=near_country) for n in names]
    if bases_file is not None:
        frame, _ = team_sites((bases_file,), policy=policy)
        if not len(frame):
            raise UsageProblem(f"{bases_file}: no base with coordinates (columns name, lat, lon)")
        for _, row in frame.iterrows():
            places.append(Location(row["name"], "", row.geometry.x, row.geometry.y, f"{Path(bases_file).name}"))
    return places


def _support_in_period(atlas: Atlas, selection: Selection) -> Atlas:
    """Support points carry no period: like every undated record they are taken as running
    from ``UNDATED_FROM`` to now, so ``--until`` before that leaves them out."""
    from tipmap.routes.select import UNDATED_FROM

    if selection.until is not None and selection.until < UNDATED_FROM:
        return replace(atlas, support=atlas.support.iloc[:0])
    return atlas


# The job of `tipmap extract` is routes.extractjob.extract_job: it imports no geopandas unless it draws a map (issue 17).
