"""``tipmap hotspots``: read the points, bin them into H3 cells under the audience rule,
and pick the atlas records in their extent.

The module is light on purpose: a clean CSV is read with pyarrow and binned with h3ronpy
and numpy while pandas, geopandas and the map code are imported on another thread
(:mod:`routes.preload`), so their start-up cost overlaps the read instead of following it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tipmap.routes.policy import COUNT_BASE, MIN_COUNT, data_policy
from tipmap.routes.selection import Selection

if TYPE_CHECKING:
    from tipmap.routes.atlas import Atlas

#: What the rest of the job and the map need, imported while the points are read.
LATER = (
    "pandas",
    "shapely",
    "tipmap.routes.gate",
    "tipmap.routes.select",
    "tipmap.routes.manifest",
    "tipmap.routes.atlas",
)


@dataclass(frozen=True)
class HotspotsResult:
    """``tipmap hotspots``: the cells (as the audience may see them), their class breaks,
    the import report, and the atlas records in their extent (for a map)."""

    binning: Any
    breaks: tuple[float, ...]
    reports: tuple[Any, ...]
    manifest: dict[str, Any]
    atlas: Atlas | None = None
    notes: tuple[str, ...] = field(default=())


def hotspots_job(
    source: str,
    *,
    more: tuple[str, ...] = (),
    columns: Any = None,
    resolution: int | None = None,
    engine: str = "pandas",
    scheduler: str | None = None,
    strict: bool = False,
    sensitivity: str = "restricted",
    selection: Selection = Selection(),
    data_dir: str | None = None,
    scheme: str = "quantiles",
    with_atlas: bool = True,
    progress: Any = None,
    min_count: int = MIN_COUNT,
    count_base: int = COUNT_BASE,
) -> HotspotsResult:
    """Aggregate ``source`` into H3 cells under the audience rule for its ``sensitivity``.

    ``more`` are further point files of the same shape, binned with ``source``. The map's
    extent is the cells' outline, never the points': a public map of restricted points
    shows nothing finer than its cells.
    """
    from tipmap.routes.pointspec import PointColumns
    from tipmap.routes.preload import preload

    policy = data_policy(sensitivity, selection.audience, min_count=min_count, count_base=count_base)
    columns = columns or PointColumns()
    preload(*LATER)
    digest = _hashing(source, more)  # the manifest's input hash, on its own thread while the points are read
    box = selection.bbox if policy.published else None
    if box is not None:  # a public output: --bbox keeps whole cells, at a resolution the box decides
        from tipmap.routes.hexbin import resolution_for

        resolution = resolution if resolution is not None else resolution_for(box)  # the box's, not its points'

        selection = replace(selection, bbox=None)
    if engine == "dask":
        from tipmap.routes.distributed import aggregate_dask

        reports: list[Any] = []
        binning = aggregate_dask(
            source,
            columns=columns,
            resolution=resolution,
            max_resolution=policy.max_resolution,
            scheduler=scheduler,
            strict=strict,
            reports=reports,
        )
    else:
        binning, reports = _binned(source, more, columns, resolution, selection, policy, progress, strict)
    if box is not None:
        selection = replace(selection, bbox=box)  # the gate keeps the cells in it
    return _finished(binning, reports, policy, columns, selection, sensitivity=sensitivity, sources=(source, *more),
                     scheme=scheme, with_atlas=with_atlas, data_dir=data_dir, digest=digest.result())  # fmt: skip


def _hashing(source: str, more: tuple[str, ...]) -> Any:
    """The input files' SHA-256, computed on a daemon thread of its own (a run that fails on
    bad input does not wait for it); ``.result()`` waits for it and re-raises its error."""
    import threading

    from tipmap.routes.digest import file_sha256, input_paths

    class Hashing(threading.Thread):
        def run(self) -> None:
            try:
                self.value, self.error = file_sha256(input_paths(source, more)), None
            except OSError as error:  # the reader reports an unreadable file; raised here only if it did not
                self.value, self.error = "", error

        def result(self) -> str:
            self.join()
            if self.error is not None:
                raise self.error
            return self.value

    thread = Hashing(name="tipmap-hash", daemon=True)
    thread.start()
    return thread


def _binned(source, more, columns, resolution, selection, policy, progress, strict) -> tuple[Any, list[Any]]:
    """The in-memory engine: one clean CSV by the fast road, anything else by the importer."""
    from tipmap.routes.fastpoints import NotClean, clean_points
    from tipmap.routes.hexbin import BUFFER_POINTS, aggregate

    fast = None if (more or selection.bbox is not None) else clean_points(source, columns)
    if fast is not None:
        chunks, report = fast
        whole = len(chunks[0]) if isinstance(chunks, list) else BUFFER_POINTS
        try:
            binning = aggregate(
                chunks, resolution=resolution, max_resolution=policy.max_resolution, progress=progress, buffer_points=whole
            )
            return binning, [report]
        except NotClean:  # a large file with a bad row past its first blocks: the importer reads it again
            pass
    import itertools

    from tipmap.routes.errors import ImportError_, UsageProblem
    from tipmap.routes.importer import ImportReport, iter_points

    reports = [ImportReport(path) for path in (source, *more)]
    chunks = itertools.chain.from_iterable(iter_points(r.path, columns=columns, strict=strict, report=r) for r in reports)
    if selection.bbox is not None:  # --bbox applies to the user's points too
        from tipmap.routes.importer import points_in_bbox

        chunks = points_in_bbox(chunks, selection.bbox, reports[0])
    try:
        binning = aggregate(
            chunks,
            resolution=resolution,
            weight=columns.weight,
            by=columns.by,
            max_resolution=policy.max_resolution,
            progress=progress,
        )
    except UsageProblem:
        if any(r.used for r in reports):  # points there were, but none inside --bbox
            raise
        raise ImportError_(" ".join(_unusable(r) for r in reports)) from None  # a data problem: say why
    return binning, reports


def _unusable(report: Any) -> str:
    """One line for a file none of whose rows could be used: how many, and the first reasons."""
    if not report.rows:
        return f"{Path(report.path).name}: no data rows, only a header."
    reasons = sorted(report.bad.items(), key=lambda item: min(item[1]))
    said = "; ".join(f"{len(rows):,} {why} (first: row {min(rows)})" for why, rows in reasons[:3])
    return f"{Path(report.path).name}: none of its {report.rows:,} rows could be used: {said}."


def _finished(
    binning, reports, policy, columns, selection, *, sensitivity, sources, scheme, with_atlas, data_dir, digest
) -> HotspotsResult:
    """Small counts withheld, class breaks, manifest, notes and the atlas context."""
    from tipmap.routes.errors import SelectionError
    from tipmap.routes.gate import gate_cells
    from tipmap.routes.hexbin import class_breaks
    from tipmap.routes.manifest import data_manifest

    shown, suppressed = gate_cells(binning, policy, box=selection.bbox)
    if not len(shown.cells) and (len(binning.cells) or policy.published):
        raise SelectionError(  # the same words for "small cells only" and "no cell": no oracle for the public
            f"nothing to show: no cell holds {policy.min_count} or more points, and a public output shows no smaller "
            "count (lower --min-count, or choose --audience internal)"
        )
    binning = shown
    measure = binning.cells["weight" if columns.weight else "count"].to_numpy()
    breaks = tuple(class_breaks(measure, scheme=scheme))
    source, *more = sources
    stamp = data_manifest(
        source,
        selection,
        sensitivity=sensitivity,
        digest=digest,
        points=binning.points,
        resolution=binning.resolution,
        more=list(more),
        suppression={"min_count": policy.min_count, "count_base": policy.count_base, "note": suppressed},
    )
    atlas = None
    if with_atlas:
        from tipmap.routes.atlas import load_atlas
        from tipmap.routes.select import is_empty, select

        context = replace(selection, bbox=selection.bbox or _clamp(binning.bounds))
        atlas = select(load_atlas(data_dir), context)
        atlas = None if is_empty(atlas) else atlas
    notes = [binning.capped, suppressed, *_report_notes(reports, policy)]
    return HotspotsResult(binning, breaks, tuple(reports), stamp, atlas, tuple(n for n in notes if n))


def _report_notes(reports: list[Any], policy: Any) -> list[str]:
    """The import report for the map's key: files by name only, as in the manifest (a folder's
    name can say whose data it is); in a public output, rows rounded down like the counts and
    no exact tally of rows left out (the command's own report, on stderr, has them all)."""
    if policy.published:
        base = policy.count_base
        return [
            f"{Path(r.path).name}: {r.used // base * base:,} of {r.rows // base * base:,} rows used "
            f"(rounded down to a multiple of {base})"
            for r in reports
        ]
    notes = [r.describe().splitlines()[0].replace(r.path, Path(r.path).name, 1) for r in reports]
    dropped = sum(r.dropped for r in reports)
    if dropped:
        notes.append(f"{dropped:,} rows not used (see the command's report)")
    for r in reports:  # rows used with a caveat (missing weights, places at a capital...), said in the key
        notes += [f"{n:,} {what}" for what, n in r.counts.items() if n and not what.startswith("_")]
    return notes


def _clamp(bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    west, south, east, north = bounds
    if west == east or south == north:
        west, east, south, north = west - 0.5, east + 0.5, south - 0.5, north + 0.5
    return (max(west, -180.0), max(south, -90.0), min(east, 180.0), min(north, 90.0))
