"""The same H3 aggregation on dask, over one file or a partitioned input (a directory or
glob of files of one format), on a local cluster or a scheduler given by address.

Every partition is one file read by the reader registry in chunks and turned into points
by :func:`routes.importer.chunk_points`, the function the in-memory engine uses: both
engines see the same points, the same bad rows (with the same numbers and reasons), the
same ``--crs``, ``--place`` and ``--strict`` behaviour. A first pass finds the extent (hence
the resolution, as the in-memory engine chooses it); the second bins each partition where
it lies; only per-cell counts and the bad rows' numbers travel back.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from tipmap.routes.hexbin import Binning, aggregate, bin_frame
from tipmap.routes.importer import (
    COUNTS,
    KIND,
    ImportError_,
    ImportReport,
    PointColumns,
    PointPlan,
    _transformer,
    account,
    chunk_points,
    plan_points,
    strict_error,
    usable,
)
from tipmap.routes.readers import FORMATS, GEOM_KIND, GEOM_LAT, GEOM_LON, GEOM_REPAIRED, open_source

PARTITION_SUFFIXES = tuple(s for fmt in ("text", "parquet", "feather", "xlsx") for s in FORMATS[fmt])


def partition_files(source: str) -> list[str]:
    """The files of a partitioned input: a directory's data files, a glob, or one file."""
    path = Path(source)
    if path.is_dir():
        files = sorted(str(p) for p in path.iterdir() if p.suffix.lower() in PARTITION_SUFFIXES)
    else:
        files = sorted(glob.glob(source)) if any(ch in source for ch in "*?[") else ([source] if path.is_file() else [])
    if not files:
        raise ImportError_(f"{source}: no CSV, Parquet, Feather or Excel files to read")
    kinds = {Path(f).suffix.lower() for f in files}
    if len(kinds) > 1:
        raise ImportError_(f"{source}: mixes {', '.join(sorted(kinds))} files; use one kind")
    return files


def file_points(path: str, spec: PointColumns, *, chunk_rows: int | None = None) -> pd.DataFrame:
    """Every row of one file as :func:`chunk_points` gives it (usable or not), with ``file``.

    (``spec``, not ``columns``: dask hands a parameter called ``columns`` its own column lists.)
    """
    from tipmap.routes.readers import CHUNK_ROWS

    source = open_source(path)
    plan = plan_points(source, spec)
    chunks = source.chunks(plan.columns, chunk_rows or CHUNK_ROWS, plan.numeric)
    parts = [chunk_points(raw, first, plan, source.ragged) for first, raw in chunks]
    frame = pd.concat(parts, ignore_index=True) if parts else _nothing(plan)
    frame["file"] = path
    return frame


def _nothing(plan: PointPlan) -> pd.DataFrame:
    """What :func:`chunk_points` gives for no rows (the partitions' metadata)."""
    names = plan.columns + ([GEOM_LON, GEOM_LAT, GEOM_KIND, GEOM_REPAIRED] if plan.geometry else [])
    raw = pd.DataFrame({c: pd.Series(dtype=object) for c in names})
    if plan.geometry:
        raw = raw.astype({GEOM_LON: float, GEOM_LAT: float, GEOM_REPAIRED: bool})
    frame = chunk_points(raw, 1, plan)
    frame["file"] = ""
    return frame


def aggregate_dask(
    source: str,
    *,
    columns: PointColumns = PointColumns(),
    resolution: int | None = None,
    max_resolution: int | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    processes: bool = True,
    strict: bool = False,
    reports: list[ImportReport] | None = None,
) -> Binning:
    """H3 counts of the points in ``source`` computed by dask; the same result as
    :func:`routes.hexbin.aggregate` over :func:`routes.importer.iter_points`. One import
    report per file is appended to ``reports``.

    Raises
    ------
    ImportError_
        As the in-memory engine does (unreadable file, missing columns, unknown CRS, and
        the first bad row when ``strict``).
    """
    import dask.dataframe as dd

    files = partition_files(source)
    for path in files:  # column and CRS problems are found here, before any cluster starts
        plan = plan_points(open_source(path), columns)
        if plan.crs:
            _transformer(plan.crs, path)
    meta = _nothing(plan)
    flags = [c for c in COUNTS if c in meta]
    rows = dd.from_map(partial(file_points, spec=columns), files, meta=meta, enforce_metadata=False)
    bad_columns = ["file", "row", "reason", *([KIND] if KIND in meta else [])]
    with _cluster(scheduler, workers, processes):
        points = rows[rows["reason"] == ""]
        # one pass: the bad rows (few), per-file tallies and the extent; nothing else is kept
        bad, seen, used, caveats, total, west, east, south, north = dd.compute(
            rows[rows["reason"] != ""][bad_columns],
            rows.groupby("file").size(),
            points.groupby("file").size(),
            points.groupby("file")[flags].sum() if flags else points.groupby("file").size(),
            points["lon"].count(),
            points["lon"].min(),
            points["lon"].max(),
            points["lat"].min(),
            points["lat"].max(),
        )
        _report(files, bad, seen, used, caveats if flags else None, strict, reports)
        if not total:
            return aggregate([], resolution=resolution)  # raises: no usable points
        extent = aggregate(
            [pd.DataFrame({"lon": [west, east], "lat": [south, north]})], resolution=resolution, max_resolution=max_resolution
        )
        binned = points.map_partitions(
            lambda part: bin_frame(usable(part), extent.resolution, weight=columns.weight, by=columns.by),
            meta=_bin_meta(columns),
        )
        counted = binned.compute()  # the second pass: per-cell counts only travel back
    keys = ["cell", columns.by] if columns.by else ["cell"]
    cells = counted.groupby(keys, sort=True, as_index=False)[["count", "weight"]].sum()
    return Binning(cells, extent.resolution, extent.bounds, int(total), columns.by, extent.capped)


@contextmanager
def _cluster(scheduler: str | None, workers: int, processes: bool) -> Iterator[None]:
    """A client on ``scheduler``, or on a local cluster closed afterwards."""
    import dask
    from dask.distributed import Client, LocalCluster

    cluster = None if scheduler else LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=processes, dashboard_address=None
    )  # fmt: skip
    client = Client(scheduler or cluster)
    try:
        with dask.config.set({"dataframe.convert-string": False}):
            yield
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _report(files, bad, seen, used, caveats, strict: bool, reports: list[ImportReport] | None) -> None:
    """One report per file, as the in-memory engine writes it; with ``strict``, its error."""
    for path in files:
        mine = bad[bad["file"] == path]
        if strict and len(mine):
            raise strict_error(path, mine)
        report = ImportReport(path, rows=int(seen.get(path, 0)))
        account(mine, report)  # the bad rows, their reasons and geometry kinds
        report.rows, report.used = int(seen.get(path, 0)), int(used.get(path, 0))
        if caveats is not None and path in caveats.index:
            for column, what in COUNTS.items():
                n = int(caveats.loc[path, column]) if column in caveats else 0
                if n:
                    report.counts[what] = n
        if reports is not None:
            reports.append(report)


def _bin_meta(columns: PointColumns) -> pd.DataFrame:
    meta = {"cell": np.uint64, **({columns.by: object} if columns.by else {}), "count": np.int64, "weight": np.float64}
    return pd.DataFrame({k: pd.Series(dtype=v) for k, v in meta.items()})
