"""`tipmap hotspots`: aggregate points into H3 cells, then write a map or the cells.

The map modules (folium and its templates) are imported only when a map is drawn, so writing
cells does not wait for them."""

from __future__ import annotations

import json
from pathlib import Path

CELL_SUFFIXES = (".gpkg", ".geojson", ".parquet")


def render_hotspots(
    source: str,
    output: str,
    *,
    columns=None,
    resolution: int | None = None,
    engine: str = "pandas",
    scheduler: str | None = None,
    strict: bool = False,
    sensitivity: str = "restricted",
    audience: str = "public",
    scheme: str = "quantiles",
    title: str | None = None,
    force: bool = False,
    progress=None,
):
    """Aggregate ``source`` into H3 cells and write a map (.html) or the cells (.gpkg/.geojson/.parquet).

    Imported data is ``restricted`` unless ``sensitivity`` says otherwise: a public output
    then shows cells of ~10 km or more (resolution 5 at most); ``confidential`` data needs
    the confidential audience. Returns the binning and the import report (None for dask).
    """
    from tipmap.routes.errors import OutputError, UsageProblem
    from tipmap.routes.hexbin import PUBLIC_MAX_RES, aggregate, cells_frame
    from tipmap.routes.importer import ImportReport, PointColumns, iter_points
    from tipmap.routes.output import check_writable, write_atomically

    columns = columns or PointColumns()
    suffix = Path(output).suffix.lower()
    if suffix not in (".html", *CELL_SUFFIXES):
        raise OutputError(f"{output}: write a map (.html) or cells (.gpkg, .geojson, .parquet)")
    if sensitivity == "confidential" and audience != "confidential":
        raise UsageProblem("this data is marked confidential: only --audience confidential may show it")
    check_writable(output, force=force)
    cap = PUBLIC_MAX_RES if (audience == "public" and sensitivity == "restricted") else None
    report = None
    if engine == "dask":
        from tipmap.routes.distributed import aggregate_dask

        reports: list = []
        binning = aggregate_dask(
            source,
            columns=columns,
            resolution=resolution,
            max_resolution=cap,
            scheduler=scheduler,
            strict=strict,
            reports=reports,
        )
        report = reports[0] if len(reports) == 1 else None
    else:
        report = ImportReport(source)
        chunks = iter_points(source, columns=columns, strict=strict, report=report)
        binning = aggregate(
            chunks, resolution=resolution, weight=columns.weight, by=columns.by, max_resolution=cap, progress=progress
        )
    stamp = {
        "tool": "tipmap",
        "input": Path(source).name,
        "points": binning.points,
        "resolution": binning.resolution,
        "audience": audience,
        "data_sensitivity": sensitivity,
        "stamp": "CONFIDENTIAL" if audience == "confidential" else "",
    }
    if suffix in CELL_SUFFIXES:
        cells = cells_frame(binning)
        write_atomically(output, lambda tmp: _write_cells(cells, tmp, suffix, stamp), force=force)
        return binning, report
    from tipmap.maps.hexmap import hex_map, write_hex_map
    from tipmap.routes.atlas import load_atlas
    from tipmap.routes.select import Selection, is_empty, select

    atlas = select(load_atlas(), Selection(bbox=_clamp(binning.bounds), audience=audience))
    notes = [binning.capped, report.describe().splitlines()[0] if report else ""]
    if report and report.dropped:
        notes.append(f"{report.dropped:,} rows not used (see the command's report)")
    if report:  # rows used with a caveat: missing weights, places at a country's capital...
        notes += [f"{n:,} {what}" for what, n in report.counts.items() if n and not what.startswith("_")]
    fmap = hex_map(
        binning,
        atlas=None if is_empty(atlas) else atlas,
        title=title or f"Hotspots: {Path(source).name}",
        weighted=columns.weight is not None,
        scheme=scheme,
        manifest=stamp,
        audience=audience,
        notes=notes,
    )
    write_atomically(output, lambda tmp: write_hex_map(fmap, tmp), force=force)
    return binning, report


def _clamp(bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    west, south, east, north = bounds
    if west == east or south == north:
        west, east, south, north = west - 0.5, east + 0.5, south - 0.5, north + 0.5
    return (max(west, -180.0), max(south, -90.0), min(east, 180.0), min(north, 90.0))


def _write_cells(cells, path: Path, suffix: str, stamp: dict) -> None:
    import pyogrio

    if suffix == ".parquet":
        cells.to_parquet(path)
    elif suffix == ".gpkg":
        path.unlink()
        pyogrio.write_dataframe(
            cells, path, driver="GPKG", layer="cells", dataset_metadata={"TIPMAP_MANIFEST": json.dumps(stamp)}
        )
    else:
        pyogrio.write_dataframe(cells, path, driver="GeoJSON", layer_options={"RFC7946": "YES"})
        data = json.loads(path.read_text(encoding="utf-8"))
        data["tipmap"] = stamp
        path.write_text(json.dumps(data), encoding="utf-8")
