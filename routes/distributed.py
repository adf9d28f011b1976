"""The same H3 aggregation on dask, over a partitioned input (a directory or glob of
CSV or Parquet files), on a local cluster or a scheduler given by address.

A first pass finds the extent (hence the resolution, as the in-memory engine chooses it);
the second bins each partition where it lies (memory bounded by the partition, not the
input); only the per-cell counts travel back.
"""

from __future__ import annotations

import glob
from pathlib import Path

import pandas as pd
from tipmap.routes.errors import UsageProblem
from tipmap.routes.hexbin import Binning, aggregate, bin_chunk
from tipmap.routes.importer import LAT_NAMES, LON_NAMES, ImportError_, PointColumns


def partition_files(source: str) -> list[str]:
    """The files of a partitioned input: a directory's CSV/Parquet files, or a glob."""
    path = Path(source)
    if path.is_dir():
        files = sorted(str(p) for p in path.iterdir() if p.suffix.lower() in (".csv", ".parquet", ".pq"))
    else:
        files = sorted(glob.glob(source)) if any(ch in source for ch in "*?[") else ([source] if path.is_file() else [])
    if not files:
        raise ImportError_(f"{source}: no CSV or Parquet files to read")
    kinds = {Path(f).suffix.lower() in (".parquet", ".pq") for f in files}
    if len(kinds) > 1:
        raise ImportError_(f"{source}: mixes CSV and Parquet files; use one kind")
    return files


def aggregate_dask(
    source: str,
    *,
    columns: PointColumns = PointColumns(),
    resolution: int | None = None,
    max_resolution: int | None = None,
    scheduler: str | None = None,
    workers: int = 2,
) -> Binning:
    """H3 counts of the points in ``source`` computed by dask; same result as :func:`routes.hexbin.aggregate`."""
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster

    files = partition_files(source)
    parquet = files[0].lower().endswith((".parquet", ".pq"))
    frame = dd.read_parquet(files) if parquet else dd.read_csv(files, blocksize="64MB")
    lat = _column(list(frame.columns), columns.lat, LAT_NAMES, source)
    lon = _column(list(frame.columns), columns.lon, LON_NAMES, source)
    extra = [c for c in (columns.weight, columns.by) if c]
    points = frame[[lat, lon, *extra]].rename(columns={lat: "lat", lon: "lon"})
    points = points.dropna(subset=["lat", "lon"])
    points = points[(points["lat"].abs() <= 90) & (points["lon"].abs() <= 180)]
    cluster = None
    client = (
        Client(scheduler)
        if scheduler
        else Client(cluster := LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None))
    )
    try:
        total, west, east, south, north = dd.compute(
            points["lon"].count(), points["lon"].min(), points["lon"].max(), points["lat"].min(), points["lat"].max()
        )
        extent = aggregate(
            [pd.DataFrame({"lon": [west, east], "lat": [south, north]})], resolution=resolution, max_resolution=max_resolution
        )
        meta = {"cell": "u8", **({columns.by: "object"} if columns.by else {}), "count": "i8", "weight": "f8"}
        binned = points.map_partitions(bin_chunk, extent.resolution, weight=columns.weight, by=columns.by, meta=meta)
        partial = binned.compute()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    keys = ["cell", columns.by] if columns.by else ["cell"]
    cells = partial.groupby(keys, sort=True, as_index=False)[["count", "weight"]].sum()
    return Binning(cells, extent.resolution, extent.bounds, int(total), columns.by, extent.capped)


def _column(header: list[str], wanted: str | None, names: tuple[str, ...], source: str) -> str:
    if wanted:
        if wanted not in header:
            raise ImportError_(f"{source}: no column '{wanted}'; columns are: {', '.join(header)}")
        return wanted
    lowered = {h.lower(): h for h in header}
    found = next((lowered[n] for n in names if n in lowered), None)
    if found is None:
        raise UsageProblem(f"{source}: no coordinate columns; columns are: {', '.join(header)}; name them with --lat/--lon")
    return found
