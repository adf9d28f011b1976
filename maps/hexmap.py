"""Hexagon maps: H3 cells as a choropleth over the atlas, one layer per group if asked."""

from __future__ import annotations

import json
from pathlib import Path

import folium
import numpy as np
from branca.element import Element, MacroElement
from jinja2 import Template

from maps import legend, style
from maps.escape import text
from maps.interactive import TILES, page_html
from routes.hexbin import Binning, cell_ring, class_breaks, classify


class HexLayer(MacroElement):
    """Hexagons styled by class, sent compactly: per cell its class, count, (weight) and the
    ring as integer 1e-4 degree steps from the previous vertex; drawn on a canvas."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var ramp = {{ this.ramp|tojson }}, cells = {{ this.data }}, weighted = {{ this.weighted|tojson }};
          var renderer = L.canvas({padding: 0.2}), group = {{ this._parent.get_name() }};
          cells.forEach(function (c) {
            var k = weighted ? 3 : 2, x = 0, y = 0, ring = [];
            for (var i = k; i < c.length; i += 2) { x += c[i]; y += c[i + 1]; ring.push([y / 1e4, x / 1e4]); }
            L.polygon(ring, {renderer: renderer, color: '#333', weight: 0.3, fillColor: ramp[c[0]], fillOpacity: 0.75})
              .bindTooltip(c[1] + ' points' + (weighted ? ', weight ' + c[2] : '')).addTo(group);
          });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, cells: list[list[float]], ramp: tuple[str, ...], *, weighted: bool) -> None:
        super().__init__()
        self._name = "HexLayer"
        self.data = json.dumps(cells, separators=(",", ":"))
        self.ramp = list(ramp)
        self.weighted = weighted


def _encoded(cells, classes: np.ndarray, *, weighted: bool) -> list[list[float]]:
    """[class, count, (weight,) x0, y0, dx1, dy1, ...] with coordinates in integer 1e-4 degrees."""
    out = []
    for (cell, count, weight), cls in zip(cells[["cell", "count", "weight"]].itertuples(index=False), classes):
        ring = np.round(cell_ring(cell) * 1e4).astype(np.int64)
        steps = np.vstack([ring[:1], np.diff(ring, axis=0)]).ravel().tolist()
        head = [int(cls), int(count)] + ([round(float(weight), 3)] if weighted else [])
        out.append(head + steps)
    return out


def hex_map(
    binning: Binning,
    *,
    atlas=None,
    title: str,
    weighted: bool,
    scheme: str = "quantiles",
    manifest: dict | None = None,
    audience: str = "public",
    notes: list[str] | None = None,
) -> folium.Map:
    """The cells (and, when given, the selected atlas) on one map with a legend of class breaks."""
    values = binning.cells["weight" if weighted else "count"].to_numpy()
    breaks = class_breaks(values, k=len(style.HEX_RAMP), scheme=scheme)
    ramp = style.HEX_RAMP[-len(breaks) :] if len(breaks) < len(style.HEX_RAMP) else style.HEX_RAMP
    if atlas is not None:
        from maps.interactive import build_map

        fmap = build_map(atlas, title=title, audience=audience, view=binning.bounds, manifest=manifest)
    else:
        fmap = folium.Map(tiles=None, control_scale=True)
        folium.TileLayer(TILES, name="Basemap", control=False).add_to(fmap)
        root = fmap.get_root()
        root.header.add_child(Element(f"<title>{text(title)}</title>"))
        root.html.add_child(Element(legend.title_html(title)))
        if manifest is not None:
            root.header.add_child(Element(legend.manifest_meta(manifest)))
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


def _hex_legend(binning: Binning, breaks: list[float], ramp, *, weighted: bool, notes: list[str]) -> str:
    lows = [min(binning.cells["weight" if weighted else "count"])] + breaks[:-1]
    rows = []
    for colour, low, high in zip(ramp, lows, breaks):
        rows.append(
            f'<span style="display:inline-block;width:14px;height:10px;background:{colour};border:1px solid #333"></span> '
            f"{low:,.4g} – {high:,.4g}"
        )
    head = (
        f"<b>{'Weight' if weighted else 'Points'} per hexagon</b> (H3 resolution {binning.resolution}, {binning.points:,} points)"
    )
    tail = "".join(f"<br><small>{text(n)}</small>" for n in notes if n)
    return f'<div id="tipmap-hexlegend" style="{legend._BOX}top:60px;left:60px">{head}<br>{"<br>".join(rows)}{tail}</div>'


def write_hex_map(fmap: folium.Map, path: Path) -> None:
    """The page (scripts inlined, CSP) written to ``path``."""
    path.write_text(page_html(fmap, offline=False), encoding="utf-8")


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
    from routes.atlas import load_atlas
    from routes.distributed import aggregate_dask
    from routes.errors import OutputError, UsageProblem
    from routes.hexbin import PUBLIC_MAX_RES, aggregate, cells_frame
    from routes.importer import ImportReport, PointColumns, iter_points
    from routes.output import check_writable, write_atomically
    from routes.select import Selection, is_empty, select

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
        binning = aggregate_dask(source, columns=columns, resolution=resolution, max_resolution=cap, scheduler=scheduler)
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
    atlas = select(load_atlas(), Selection(bbox=_clamp(binning.bounds), audience=audience))
    notes = [binning.capped, report.describe().splitlines()[0] if report else ""]
    if report and report.dropped:
        notes.append(f"{report.dropped:,} rows not used (see the command's report)")
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
