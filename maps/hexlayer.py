"""The hexagon layer and its legend, shared by the hotspots map and ``render --data``."""

from __future__ import annotations

import json

import numpy as np
from branca.element import MacroElement
from jinja2 import Template
from tipmap.maps import legend
from tipmap.maps.escape import text
from tipmap.routes.hexbin import Binning, cell_rings


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
    coords, starts = cell_rings(cells["cell"].to_numpy())
    ints = np.round(coords * 1e4).astype(np.int64)
    steps = np.diff(ints, axis=0, prepend=ints[:1])
    steps[starts[:-1]] = ints[starts[:-1]]  # each ring starts with an absolute vertex
    flat = steps.ravel().tolist()
    counts = cells["count"].to_numpy()
    weights = cells["weight"].to_numpy()
    out = []
    for i, cls in enumerate(classes.tolist()):
        head = [int(cls), int(counts[i])] + ([round(float(weights[i]), 3)] if weighted else [])
        out.append(head + flat[2 * starts[i] : 2 * starts[i + 1]])
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
