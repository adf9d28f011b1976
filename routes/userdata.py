"""The user's own files beside the atlas (``--data``): one loader for every command.

A directory is an atlas directory (the drafts of ``tipmap extract``); a case table
(CTDC-style) becomes country-to-country flows; any other file is points, aggregated into H3
hexagons. Each file passes the audience rule (:func:`tipmap.routes.gate.data_policy`)
before anything is computed from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tipmap.routes.gate import DataPolicy


@dataclass(frozen=True)
class UserLayer:
    """One of the user's files, ready to draw or write.

    ``kind`` is ``flows`` (data: :class:`tipmap.routes.flows.Flows`), ``hexagons`` (data:
    :class:`tipmap.routes.hexbin.Binning`, with ``breaks`` of its classes) or ``drafts``
    (data: a gated :class:`tipmap.routes.atlas.Atlas`).
    """

    kind: str
    data: Any
    label: str
    source: str
    report: Any = None
    breaks: tuple[float, ...] = field(default=())


def load_user_data(
    paths: tuple[str, ...],
    *,
    policy: DataPolicy,
    labels: dict[str, str] | None = None,
    selection: Any = None,
    flow_columns: Any = None,
) -> list[UserLayer]:
    """Read and aggregate each of ``paths`` as ``policy`` allows; the ``selection``'s filters
    apply to the rows of case tables before they are aggregated (and ``--bbox`` to points);
    ``flow_columns`` (:class:`routes.flows.FlowColumns`) names a case table's columns."""
    layers = []
    for path in paths:
        name = Path(path).name
        if Path(path).is_dir():
            layers.append(_drafts(path, policy.audience, (labels or {}).get(path)))
        else:
            layers.append(_file_layer(path, name, policy, selection, flow_columns))
    return layers


def _file_layer(path: str, name: str, policy: DataPolicy, selection: Any = None, flow_columns: Any = None) -> UserLayer:
    from tipmap.routes.flows import FlowColumns, describe, gate_flows, is_case_table, read_flows
    from tipmap.routes.gate import gate_cells
    from tipmap.routes.hexbin import aggregate, class_breaks, resolution_for
    from tipmap.routes.importer import ImportReport, iter_points, points_in_bbox

    flow_columns = flow_columns or FlowColumns()
    if is_case_table(path, flow_columns):
        flows = read_flows(path, columns=flow_columns, selection=selection, min_count=1)
        flows = gate_flows(flows, policy)
        flows.report.notes.extend(describe(flows))
        return UserLayer("flows", flows, f"Case flows: {name}", path, flows.report)
    report = ImportReport(path)
    points = iter_points(path, report=report)
    box = selection.bbox if selection is not None else None  # the other filters need fields points do not have
    if box is not None and not policy.published:
        points = points_in_bbox(points, box, report)
    resolution = resolution_for(box) if box is not None and policy.published else None
    binning, suppressed = gate_cells(
        aggregate(points, resolution=resolution, max_resolution=policy.max_resolution), policy, box=box
    )
    for note in (binning.capped, suppressed):
        if note:
            report.notes.append(note)
    breaks = tuple(class_breaks(binning.cells["count"].to_numpy())) if len(binning.cells) else ()
    return UserLayer("hexagons", binning, f"Points (hexagons): {name}", path, report, breaks)


def _drafts(path: str, audience: str, label: str | None) -> UserLayer:
    from tipmap.routes.atlas import load_atlas
    from tipmap.routes.select import Selection, select

    drafts = select(load_atlas(path), Selection(audience=audience))
    return UserLayer("drafts", drafts, f"Drafts: {label or Path(path).resolve().name}", path)


def drafts_bounds(layers: list[UserLayer]) -> tuple[float, float, float, float] | None:
    """The extent of the drafts among ``layers`` (the drafts map opens on them)."""
    from tipmap.routes.select import bounds

    boxes = [b for b in (bounds(layer.data) for layer in layers if layer.kind == "drafts") if b is not None]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


#: Columns of a team's site list, by the names teams use (first found wins).
SITE_COLUMNS = {
    "name": ("name", "site", "site_name", "venue", "title", "label"),
    "kind": ("kind", "type", "category", "site_type"),
    "notes": ("notes", "note", "description", "desc", "comment", "comments", "cmt"),
    "priority": ("priority", "prio", "rank", "importance"),
}


def team_sites(paths: tuple[str, ...], *, policy: DataPolicy) -> tuple[Any, list[Any]]:
    """A team's own site lists (``outreach --data``) as site records beside the atlas's
    hotspots: id, name, kind, notes, priority, sensitivity (the file's), geometry. Name, kind,
    notes and priority are read when a column has one of the usual names. The audience gate
    applies as for atlas records (restricted sites generalised for the public)."""
    import geopandas as gpd
    import pandas as pd
    from tipmap.routes.gate import gate_points
    from tipmap.routes.importer import ImportReport, iter_points

    frames, reports = [], []
    for number, path in enumerate(paths, start=1):
        report = ImportReport(path)
        if Path(path).suffix.lower() in WAYPOINT_FILES:
            points, attributes = _waypoints(path, report)
        else:
            points = pd.concat(list(iter_points(path, report=report)) or [pd.DataFrame(columns=["lon", "lat", "row"])])
            attributes = _attributes(path)
        rows = points["row"].to_numpy() - 1
        site = {key: _column(attributes, names, rows) for key, names in SITE_COLUMNS.items()}
        frames.append(
            gpd.GeoDataFrame(
                {
                    "id": [f"team{number}-{r}" for r in points["row"]],
                    "name": [n if isinstance(n, str) and n.strip() else f"Site {r}" for n, r in zip(site["name"], points["row"])],
                    "kind": [k if isinstance(k, str) and k.strip() else "team_site" for k in site["kind"]],
                    "notes": site["notes"],
                    "priority": pd.to_numeric(pd.Series(site["priority"]), errors="coerce").to_numpy(),
                    "sensitivity": policy.sensitivity,
                    "precision": "site",
                    "file": Path(path).name,
                },
                geometry=gpd.points_from_xy(points["lon"], points["lat"]),
                crs="EPSG:4326",
            )
        )
        reports.append(report)
    sites = pd.concat(frames, ignore_index=True) if frames else gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")
    sites = gpd.GeoDataFrame(sites, geometry="geometry", crs="EPSG:4326")
    return gate_points(sites, policy.audience), reports


#: Files whose sites are the point features of every layer (GPX waypoints, KML placemarks).
WAYPOINT_FILES = (".gpx", ".kml")


def _waypoints(path: str, report: Any) -> tuple[Any, Any]:
    """Points and attributes of a GPX (its waypoints) or KML file (placemarks of every folder).

    Raises
    ------
    tipmap.routes.importer.ImportError_
        When the file cannot be read or holds no point (a data error, like any bad input file).
    """
    import warnings

    import pandas as pd
    import pyogrio
    from tipmap.routes.importer import ImportError_ as DataProblem

    gpx = Path(path).suffix.lower() == ".gpx"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL: 'GPX schema version is unknown'
            names = [n for n, _ in pyogrio.list_layers(path) if n == "waypoints" or not gpx]
            frames = [pyogrio.read_dataframe(path, layer=n) for n in names]
    except Exception as error:  # GDAL's messages name the file and the problem
        raise DataProblem(f"{path}: cannot read ({str(error).splitlines()[0]})") from None
    frames = [f[f.geometry.geom_type == "Point"] for f in frames]  # placemarks that are points, not lines
    frames = [f for f in frames if len(f)]
    if not frames:
        raise DataProblem(f"{path}: no waypoint or point placemark to plan on")
    table = pd.concat(frames, ignore_index=True)
    points = pd.DataFrame(
        {"lon": table.geometry.x.to_numpy(), "lat": table.geometry.y.to_numpy(), "row": range(1, len(table) + 1)}
    )
    report.rows = report.used = len(points)
    return points, pd.DataFrame(table.drop(columns="geometry"))


def _attributes(path: str):
    """The file's attribute table, one row per data row (for site names, kinds, notes), read
    by the same reader as its points (any separator, UTF-16, Excel, vector formats)."""
    import pandas as pd
    from tipmap.routes.readers import open_source

    source = open_source(path)
    # the header's columns named: a row with more fields than the header is not read (and its
    # point is reported by the importer, never used)
    chunks = [raw for _, raw in source.chunks(list(dict.fromkeys(source.header)) if source.format == "text" else None)]
    return pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()


def _column(frame, names: tuple[str, ...], rows) -> list[Any]:
    import re

    lower = {re.sub(r"[\s\-]+", "_", str(c).strip().lower()): c for c in frame.columns}
    for name in names:
        if name in lower:
            values = frame[lower[name]].to_numpy()
            return [values[r] for r in rows]
    return [None] * len(rows)
