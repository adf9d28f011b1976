"""Analysts' own data on the interactive map: case flows (CTDC style) and point hexagons."""

from __future__ import annotations

import math

import folium

from maps import style
from maps.escape import text


def add_flows(fmap: folium.Map, flows, *, name: str) -> None:
    """Country-to-country case flows: width by number of cases, colour by main type."""
    group = folium.FeatureGroup(name=text(name), show=True).add_to(fmap)
    if flows.lines.empty:
        return
    top = max(flows.lines["cases"])
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


def add_hexagons(fmap: folium.Map, binning, *, name: str) -> None:
    """Imported points aggregated into H3 cells, as one layer."""
    from maps.hexmap import HexLayer, _encoded
    from routes.hexbin import class_breaks, classify

    group = folium.FeatureGroup(name=text(name), show=True).add_to(fmap)
    values = binning.cells["count"].to_numpy()
    breaks = class_breaks(values, k=len(style.HEX_RAMP))
    ramp = style.HEX_RAMP[-len(breaks) :]
    HexLayer(_encoded(binning.cells, classify(values, breaks), weighted=False), ramp, weighted=False).add_to(group)
