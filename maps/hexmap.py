"""Hexagon maps (``tipmap hotspots``): H3 cells as a choropleth over the atlas, one layer
per group if asked (:mod:`maps.hexpage`); or the cells themselves as a GeoPackage, GeoJSON
or GeoParquet file."""

from __future__ import annotations

import json
from pathlib import Path

from tipmap.routes.hotjob import HotspotsResult
from tipmap.routes.output import write_atomically

CELL_SUFFIXES = (".gpkg", ".geojson", ".parquet")


def write_hotspots(result: HotspotsResult, output: str, *, title: str, weighted: bool, force: bool = False) -> None:
    """Write the cells (.gpkg/.geojson/.parquet) or their map (.html) to ``output`` atomically."""
    suffix = Path(output).suffix.lower()
    if suffix in CELL_SUFFIXES:
        from tipmap.routes.hexbin import cells_frame

        cells = cells_frame(result.binning)
        write_atomically(output, lambda tmp: _write_cells(cells, tmp, suffix, result.manifest), force=force)
        return
    from tipmap.maps.hexpage import hotspots_page
    from tipmap.maps.page import finished_page, web_tiles

    page = finished_page(hotspots_page(result, title=title, weighted=weighted, tiles=web_tiles()), offline=False)
    write_atomically(output, lambda tmp: tmp.write_text(page, encoding="utf-8"), force=force)


def _write_cells(cells, path: Path, suffix: str, stamp: dict) -> None:
    import pyogrio

    if suffix == ".parquet":
        import pyarrow.parquet as pq

        cells.to_parquet(path)  # GeoParquet; then the manifest joins its file metadata (#12 H)
        table = pq.read_table(path)
        meta = {**(table.schema.metadata or {}), b"tipmap_manifest": json.dumps(stamp, sort_keys=True).encode()}
        pq.write_table(table.replace_schema_metadata(meta), path)
    elif suffix == ".gpkg":
        path.unlink()
        pyogrio.write_dataframe(
            cells, path, driver="GPKG", layer="cells", dataset_metadata={"TIPMAP_MANIFEST": json.dumps(stamp)}
        )
    else:
        pyogrio.write_dataframe(cells, path, driver="GeoJSON", layer="cells", layer_options={"RFC7946": "YES"})
        data = json.loads(path.read_text(encoding="utf-8"))
        data["tipmap"] = stamp
        path.write_text(json.dumps(data), encoding="utf-8")
