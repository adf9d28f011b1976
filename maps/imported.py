"""Analysts' own data on the interactive map: case flows (CTDC style) and point hexagons."""

from __future__ import annotations

import math

import folium
from branca.element import Element
from tipmap.maps import legend, style
from tipmap.maps.escape import text


def add_flows(fmap: folium.Map, flows, *, name: str) -> None:
    """Country-to-country case flows: width by number of cases, colour by main type."""
    group = folium.FeatureGroup(name=text(name), show=True).add_to(fmap)
    if flows.lines.empty:
        return
    top = max(flows.lines["cases"])
    types = sorted({e for row in flows.lines["exploitation"] for e in row[:1]})
    swatches = "<br>".join(
        f'<span style="display:inline-block;width:22px;height:4px;background:{style.corridor_colour((e,))}"></span> '
        f"{text(style.EXPLOITATION[e].label)}"
        for e in types
    )
    _add_key(
        fmap,
        f'<div id="tipmap-hexlegend" style="{legend._BOX}top:60px;left:60px"><b>{text(name)}</b><br>'
        f"line width grows with the square root of cases; widest: {top:,} cases<br>{swatches}</div>",
    )
    for _, row in flows.lines.iterrows():
        colour = style.corridor_colour(row["exploitation"])
        width = 2 + 10 * math.sqrt(row["cases"] / top)
        label = f"{row['from']} → {row['to']}: {row['cases']:,} cases" + (f" ({row['years']})" if row["years"] else "")
        types = ", ".join(style.EXPLOITATION[e].label for e in row["exploitation"])
        html = f"<b>{text(label)}</b><br>Exploitation: {text(types)}<br><small>Source: {text(flows.report.path)}</small>"
        folium.PolyLine(
            [(lat, lon) for lon, lat in row.geometry.coords],
            color=colour,
            weight=width,
            opacity=0.7,
            popup=folium.Popup(html, max_width=320),
            tooltip=folium.Tooltip(text(label)),
        ).add_to(group)


def add_hexagons(fmap: folium.Map, binning, *, name: str, breaks: tuple[float, ...], notes: tuple[str, ...] = ()) -> None:
    """Imported points aggregated into H3 cells (classes by ``breaks``), as one layer; ``notes``
    (what the audience rule withheld or coarsened) go into its key."""
    from tipmap.maps.hexlayer import HexLayer, _encoded, _hex_legend
    from tipmap.routes.hexbin import classify

    group = folium.FeatureGroup(name=text(name), show=True).add_to(fmap)
    if not len(binning.cells):
        lines = "<br>".join(map(text, notes))
        _add_key(fmap, f'<div style="{legend._BOX}top:60px;left:60px"><b>{text(name)}</b><br>{lines}</div>')
        return
    values = binning.cells["count"].to_numpy()
    breaks = list(breaks)
    ramp = style.HEX_RAMP[-len(breaks) :]
    HexLayer(_encoded(binning.cells, classify(values, breaks), weighted=False), ramp, weighted=False).add_to(group)
    _add_key(fmap, _hex_legend(binning, breaks, ramp, weighted=False, notes=[name, *notes]))


def _add_key(fmap: folium.Map, html: str) -> None:
    """A legend box for one imported layer, below the ones already there (top left)."""
    n = getattr(fmap, "_tipmap_keys", 0)
    fmap._tipmap_keys = n + 1
    html = html.replace("top:60px;", f"top:{60 + 150 * n}px;", 1).replace('id="tipmap-hexlegend"', f'id="tipmap-key-{n}"', 1)
    fmap.get_root().html.add_child(Element(html))
