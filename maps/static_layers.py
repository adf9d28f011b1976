"""The user's own layers on a static map: case flows as lines, point hexagons as cells."""

from __future__ import annotations

import math

from tipmap.maps import style
from tipmap.maps.static_arrows import Head, draw_heads
from tipmap.routes import cartography as carto


def draw_user_layers(ax, layers: tuple, view: carto.View, crs) -> list[str]:
    """Draw ``render --data``-style layers (flows and hexagons) under the atlas's markers;
    return their legend labels ("flows: ..." or "hexagons: ...")."""
    labels = []
    for layer in layers:
        if layer.kind == "flows" and len(layer.data.lines):
            top = _flows(ax, layer.data.lines, view, crs)
            labels.append(f"flows:{layer.label} (width: cases, widest {top:,})")
        elif layer.kind == "hexagons" and len(layer.data.cells) and layer.breaks:
            _hexagons(ax, layer, view, crs)
            labels.append(f"hexagons:{layer.label} (up to {int(max(layer.breaks)):,} per cell)")
    return labels


def _flows(ax, lines, view, crs) -> int:
    top = max(lines["cases"])
    pieces = carto.project_lines(list(lines.geometry), crs, view)
    heads: list[Head] = []
    for (_, row), parts in zip(lines.iterrows(), pieces):
        width = 0.8 + 5 * math.sqrt(row["cases"] / top)
        for part in parts:
            xs, ys = zip(*part)
            ax.plot(xs, ys, color=style.FLOW_COLOUR, linewidth=width, alpha=0.6, zorder=2, solid_capstyle="round")
        if parts and len(parts[-1]) >= 2:  # the direction, at the destination
            heads.append(Head(tuple(parts[-1][-1]), tuple(parts[-1][-2]), style.FLOW_COLOUR, 10 + 2 * width))
    draw_heads(ax, heads, zorder=2.01)  # over the flows' lines (a collection at 2 would go under them)
    return int(top)


def _hexagons(ax, layer, view, crs) -> None:
    from matplotlib.patches import Polygon as Patch
    from tipmap.routes.hexbin import cell_rings, classify

    cells = layer.data.cells
    coords, starts = cell_rings(cells["cell"].to_numpy())
    classes = classify(cells["count"].to_numpy(), list(layer.breaks))
    ramp = style.HEX_RAMP[-len(layer.breaks) :]
    for i, cls in enumerate(classes.tolist()):
        ring = carto.project_points([tuple(c) for c in coords[starts[i] : starts[i + 1]]], crs, view)
        ax.add_patch(Patch(ring, closed=True, facecolor=ramp[cls], edgecolor="#333333", linewidth=0.2, alpha=0.75, zorder=2))
