"""The same H3 aggregation on dask, over a partitioned input (a directory or glob of
CSV or Parquet files), on a local cluster or a scheduler given by address.

Each partition is binned at the fine resolution where it lies (memory bounded by the
partition, not the input); only the per-cell counts travel back.
"""

from __future__ import annotations

import glob
from pathlib import Path

import pandas as pd

from routes.errors import UsageProblem
from routes.hexbin import FINE_RES, Binning, aggregate, bin_chunk
from routes.importer import LAT_NAMES, LON_NAMES, ImportError_, PointColumns


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
    fine = max(FINE_RES, resolution or 0)
    meta = {"cell": "u8", **({columns.by: "object"} if columns.by else {}), "count": "i8", "weight": "f8"}
    binned = points.map_partitions(bin_chunk, fine, weight=columns.weight, by=columns.by, meta=meta)
    cluster = None
    client = (
        Client(scheduler)
        if scheduler
        else Client(cluster := LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None))
    )
    try:
        partial, west, east, south, north = dd.compute(
            binned, points["lon"].min(), points["lon"].max(), points["lat"].min(), points["lat"].max()
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    chunk = pd.DataFrame({"lon": [west, east], "lat": [south, north]})
    total = int(partial["count"].sum())
    return _combine(partial, chunk, total, resolution=resolution, max_resolution=max_resolution, by=columns.by)


def _combine(partial: pd.DataFrame, extent: pd.DataFrame, total: int, **kwargs) -> Binning:
    """Finish on the client: coarsen the per-partition fine cells exactly as the in-memory engine does."""
    from routes import hexbin

    binning = aggregate([extent], resolution=kwargs["resolution"], max_resolution=kwargs["max_resolution"])
    keys = ["cell", kwargs["by"]] if kwargs["by"] else ["cell"]
    cells = partial.copy()
    if binning.resolution < max(FINE_RES, kwargs["resolution"] or 0):
        cells["cell"] = hexbin.coarsen(cells["cell"].to_numpy(), binning.resolution)
    cells = cells.groupby(keys, sort=True, as_index=False)[["count", "weight"]].sum()
    return Binning(cells, binning.resolution, binning.bounds, total, kwargs["by"], binning.capped)


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
