"""Hexagon maps (``tipmap hotspots``): H3 cells as a choropleth over the atlas, one layer
per group if asked; or the cells themselves as a GeoPackage, GeoJSON or GeoParquet file."""

from __future__ import annotations

import json
from pathlib import Path

import folium
from branca.element import Element
from tipmap.maps import legend, style
from tipmap.maps.escape import text
from tipmap.maps.hexlayer import HexLayer, _encoded, _hex_legend
from tipmap.maps.page import TILES, page_html
from tipmap.routes.hexbin import classify
from tipmap.routes.jobs import HotspotsResult
from tipmap.routes.output import write_atomically

CELL_SUFFIXES = (".gpkg", ".geojson", ".parquet")


def hex_map(result: HotspotsResult, *, title: str, weighted: bool) -> folium.Map:
    """The cells (and the selected atlas records in their extent) on one map with a legend of class breaks."""
    binning, atlas, manifest, notes = result.binning, result.atlas, result.manifest, list(result.notes)
    audience = manifest.get("audience", "public")
    breaks = list(result.breaks)
    ramp = style.HEX_RAMP[-len(breaks) :] if len(breaks) < len(style.HEX_RAMP) else style.HEX_RAMP
    if atlas is not None:
        from tipmap.maps.interactive import build_map

        fmap = build_map(atlas, title=title, audience=audience, view=binning.bounds, manifest=manifest)
        root = fmap.get_root()
    else:
        fmap = folium.Map(tiles=None, control_scale=True)
        folium.TileLayer(TILES, name="Basemap", control=False).add_to(fmap)
        root = fmap.get_root()
        root.header.add_child(Element(f"<title>{text(title)}</title>"))
        root.html.add_child(Element(legend.title_html(title)))
        root.header.add_child(Element(legend.manifest_meta(manifest)))
    if audience == "confidential" and atlas is None:
        root.html.add_child(Element(legend.confidential_banner()))
    groups = [(None, binning.cells)] if not binning.by else list(binning.cells.groupby(binning.by, sort=True))
    for value, cells in groups:
        name = "Hexagons" if value is None else f"Hexagons: {binning.by} = {value}"
        group = folium.FeatureGroup(name=text(name), show=value is None or value == groups[0][0]).add_to(fmap)
        measure = cells["weight" if weighted else "count"].to_numpy()
        HexLayer(_encoded(cells, classify(measure, breaks), weighted=weighted), ramp, weighted=weighted).add_to(group)
    if atlas is None:
        folium.LayerControl(collapsed=False).add_to(fmap)
    else:  # move the layer control after the hexagon groups so it lists them
        control = next(c for c in fmap._children.values() if isinstance(c, folium.LayerControl))
        fmap._children.pop(control.get_name())
        folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.get_root().html.add_child(Element(_hex_legend(binning, breaks, ramp, weighted=weighted, notes=notes or [])))
    west, south, east, north = binning.bounds
    fmap.fit_bounds([[south, west], [north, east]])
    return fmap


def write_hotspots(result: HotspotsResult, output: str, *, title: str, weighted: bool, force: bool = False) -> None:
    """Write the cells (.gpkg/.geojson/.parquet) or their map (.html) to ``output`` atomically."""
    suffix = Path(output).suffix.lower()
    if suffix in CELL_SUFFIXES:
        from tipmap.routes.hexbin import cells_frame

        cells = cells_frame(result.binning)
        write_atomically(output, lambda tmp: _write_cells(cells, tmp, suffix, result.manifest), force=force)
        return
    page = page_html(hex_map(result, title=title, weighted=weighted), offline=False)
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
        pyogrio.write_dataframe(cells, path, driver="GeoJSON", layer_options={"RFC7946": "YES"})
        data = json.loads(path.read_text(encoding="utf-8"))
        data["tipmap"] = stamp
        path.write_text(json.dumps(data), encoding="utf-8")
