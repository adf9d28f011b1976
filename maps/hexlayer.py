"""Hexagon cells for a page: their compact encoding, the code that draws them and their key,
shared by the hotspots page and ``render --data`` (no folium here)."""

from __future__ import annotations

import numpy as np
from tipmap.maps import legend
from tipmap.maps.escape import text
from tipmap.routes.hexbin import Binning, cell_rings

#: Draws encoded cells (see :func:`_encoded`) into a layer group on a canvas renderer.
HEX_DRAW_JS = """
function tipmapHex(group, cells, ramp, weighted, quantum, renderer) {
  var fx = 0, fy = 0, at = 0, xy = cells.xy;
  for (var c = 0; c < cells.n.length; c++) {
    fx += xy[at]; fy += xy[at + 1];
    var x = fx, y = fy, ring = [[y * quantum, x * quantum]];
    for (var i = 1; i < cells.n[c]; i++) { x += xy[at + 2 * i]; y += xy[at + 2 * i + 1]; ring.push([y * quantum, x * quantum]); }
    at += 2 * cells.n[c];
    L.polygon(ring, {renderer: renderer, color: '#333', weight: 0.3, fillColor: ramp[cells.cls[c]], fillOpacity: 0.75})
      .bindTooltip(cells.count[c] + (cells.count[c] === 1 ? ' point' : ' points')
                   + (weighted ? ', weight ' + cells.weight[c] : '')).addTo(group);
  }
}
"""


def _encoded(cells, classes: np.ndarray, *, weighted: bool, quantum: float = 1e-4) -> dict[str, list]:
    """The cells as columns: ``cls`` (class), ``count``, ``weight`` (when weighted), ``n`` (each
    ring's vertex count) and ``xy``, every ring's vertices one after another as integer steps
    of ``quantum`` degrees, each vertex from the previous one and each ring's first vertex from
    the previous ring's first vertex (the cells are sorted, so neighbours are near): a few
    digits per number, written without a loop per cell. Shared vertices round alike, so no
    gap opens between cells."""
    coords, starts = cell_rings(cells["cell"].to_numpy())
    ints = np.round(coords / quantum).astype(np.int64)
    steps = np.diff(ints, axis=0, prepend=ints[:1])
    firsts = ints[starts[:-1]]
    steps[starts[:-1]] = np.diff(firsts, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    out = {
        "cls": np.asarray(classes, dtype=np.int64).tolist(),
        "count": cells["count"].to_numpy().astype(np.int64).tolist(),
        "n": np.diff(starts).tolist(),
        "xy": steps.ravel().tolist(),
    }
    if weighted:
        out["weight"] = np.round(cells["weight"].to_numpy(dtype=float), 3).tolist()
    return out


def human(value: float) -> str:
    """A number as people write it: 12,512 and 0.25, never 1.251e+04."""
    value = float(value)
    if value.is_integer() or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.{2 if abs(value) >= 1 else 3}f}".rstrip("0").rstrip(".")


def _hex_legend(binning: Binning, breaks: list[float], ramp, *, weighted: bool, notes: list[str]) -> str:
    from tipmap.routes.hexbin import class_ranges

    rows = []
    for colour, (low, high, included) in zip(ramp, class_ranges(breaks, min(binning.cells["weight" if weighted else "count"]))):
        span = human(high) if low == high else f"{'' if included else 'over '}{human(low)} – {human(high)}"
        rows.append(
            f'<span style="display:inline-block;width:14px;height:10px;background:{colour};border:1px solid #333"></span> {span}'
        )
    head = (
        f"<b>{'Weight' if weighted else 'Points'} per hexagon</b> (H3 resolution {binning.resolution}, {binning.points:,} points)"
    )
    tail = "".join(f"<br><small>{text(n)}</small>" for n in notes if n)
    return f'<div id="tipmap-hexlegend" style="{legend._BOX}top:60px;left:60px">{head}<br>{"<br>".join(rows)}{tail}</div>'
