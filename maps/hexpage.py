"""The ``tipmap hotspots`` page: one template, the cells as one compact data layer, and the
atlas records in their extent as context (corridors with arrows, hotspots, heat, support
points), each with the popup the atlas map gives it. No folium: the page is small enough
to write directly, so its cost follows the data, not per-element templating.

Every inline script is allowed by hash in the page's Content-Security-Policy; Leaflet and
its two plugins are inlined (:func:`maps.offline.inline_assets`), so the page fetches only
web tiles.
"""

from __future__ import annotations

import json
from typing import Any

from tipmap.maps import legend, popups, style
from tipmap.maps.escape import text
from tipmap.maps.hexlayer import HEX_DRAW_JS, _encoded, _hex_legend
from tipmap.routes.hexbin import classify

LEAFLET = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet"
TEXTPATH = "https://cdn.jsdelivr.net/npm/leaflet-textpath@1.2.3/leaflet.textpath.min.js"
HEAT = "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js"

PAGE = """<!DOCTYPE html>
<html>
<head>
    <meta http-equiv="content-type" content="text/html; charset=UTF-8">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <title>{title}</title>
    {manifest}
    <script src="{leaflet}.js"></script>
    <script src="{textpath}"></script>
    <script src="{heat}"></script>
    <link rel="stylesheet" href="{leaflet}.css"/>
    <style>html, body {{width: 100%; height: 100%; margin: 0; padding: 0;}} #map {{position: absolute; inset: 0;}}
    @media (max-width: 600px) {{
      #tipmap-title {{font-size: 13px !important; max-width: 55vw; top: 10px !important; left: 60px !important;
                      transform: none !important;}}
      #tipmap-hexlegend {{top: auto !important; bottom: 40px !important; left: 10px !important; max-width: 46vw;
                          font-size: 10px !important; max-height: 35vh; overflow: auto;}}
      #tipmap-legend {{max-width: 46vw !important; font-size: 10px !important;}}
    }}</style>
</head>
<body>
    <div id="map"></div>
    {boxes}
    <script>{script}</script>
</body>
</html>
"""

SCRIPT = """
(function () {
  var d = JSON.parse(document.getElementById('tipmap-data').textContent);
  var narrow = window.innerWidth < 600;  // phones: the layer list and the atlas key start folded
  var map = L.map('map', {zoomControl: true});
  var key = document.querySelector('#tipmap-legend details');
  if (narrow && key) key.removeAttribute('open');
  L.control.scale().addTo(map);
  L.tileLayer(d.tiles.url, {attribution: d.tiles.attribution, maxZoom: d.tiles.maxZoom}).addTo(map);
  var overlays = {}, renderer = L.canvas({padding: 0.2});
  d.groups.forEach(function (g, i) {
    var group = L.featureGroup();
    tipmapHex(group, g.cells, d.ramp, d.weighted, d.quantum, renderer);
    if (i === 0) group.addTo(map);
    overlays[g.name] = group;
  });
  function popup(layer, html, tip) {
    layer.bindPopup(html, {maxWidth: 380}).bindTooltip(tip);
    return layer;
  }
  if (d.corridors.length) {
    var lines = L.featureGroup().addTo(map);
    d.corridors.forEach(function (c) {
      var line = popup(L.polyline(c.path.map(function (p) { return [p[1], p[0]]; }),
        {color: c.colour, weight: c.weight, dashArray: c.dash, opacity: 0.85}), c.popup, c.tip).addTo(lines);
      line.setText(d.arrow, {repeat: true, offset: 6, attributes: {fill: c.colour, 'font-size': '14', 'font-weight': 'bold'}});
    });
    overlays['Corridors'] = lines;
  }
  d.kinds.forEach(function (k) {
    var group = L.featureGroup().addTo(map);
    k.points.forEach(function (h) {
      var icon = L.divIcon({html: k.svg, iconSize: [k.size, k.size], iconAnchor: [k.size / 2, k.size / 2], className: k.cls});
      popup(L.marker([h.at[1], h.at[0]], {icon: icon}), h.popup, h.tip).addTo(group);
    });
    overlays[k.name] = group;
  });
  if (d.heat.length) {
    overlays['Hotspot intensity (heat)'] = L.heatLayer(d.heat,
      {radius: 35, blur: 25, minOpacity: 0.3, gradient: d.gradient}).addTo(map);
  }
  L.control.layers({}, overlays, {collapsed: narrow}).addTo(map);
  map.fitBounds([[d.bounds[1], d.bounds[0]], [d.bounds[3], d.bounds[2]]]);
})();
"""


def hotspots_page(result: Any, *, title: str, weighted: bool, tiles: dict[str, Any]) -> str:
    """The whole page of a hotspots map, ready for :func:`maps.offline.inline_assets`."""
    binning, atlas, manifest = result.binning, result.atlas, result.manifest
    audience = manifest.get("audience", "public")
    breaks = list(result.breaks)
    ramp = style.HEX_RAMP[-len(breaks) :] if len(breaks) < len(style.HEX_RAMP) else style.HEX_RAMP
    groups = [(None, binning.cells)] if not binning.by else list(binning.cells.groupby(binning.by, sort=True))
    quantum = _quantum(binning.resolution)
    data: dict[str, Any] = {
        "tiles": tiles,
        "ramp": list(ramp),
        "weighted": weighted,
        "quantum": quantum,
        "groups": [
            {
                "name": text("Hexagons" if value is None else f"Hexagons: {binning.by} = {value}"),
                "cells": _encoded(
                    cells,
                    classify(cells["weight" if weighted else "count"].to_numpy(), breaks),
                    weighted=weighted,
                    quantum=quantum,
                ),
            }
            for value, cells in groups
        ],  # fmt: skip
        "arrow": style.ARROW,
        "gradient": {str(k): v for k, v in style.HEAT_GRADIENT.items()},
        "bounds": list(binning.bounds),
        **_context(atlas),
    }
    boxes = [legend.title_html(title), _hex_legend(binning, breaks, ramp, weighted=weighted, notes=list(result.notes))]
    if atlas is not None:
        kinds = [k["key"] for k in data["kinds"] if k["key"] != "support"]
        boxes.append(legend.legend_html(atlas, hotspot_kinds=kinds, audience=audience, places=False))
    if audience == "confidential":
        boxes.append(legend.confidential_banner())
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    boxes.append(f'<script type="application/json" id="tipmap-data">{payload}</script>')
    script = HEX_DRAW_JS + SCRIPT
    return PAGE.format(
        title=text(title),
        manifest=legend.manifest_meta(manifest),
        leaflet=LEAFLET,
        textpath=TEXTPATH,
        heat=HEAT,
        boxes="\n    ".join(boxes),
        script=script,
    )


def _quantum(resolution: int) -> float:
    """Coordinate step of the encoded rings: a fiftieth of a cell's edge or finer (a power of ten)."""
    from tipmap.routes.hexbin import EDGE_KM

    edge_degrees = EDGE_KM[resolution] / 111.0
    step = 1e-4
    while step * 10 <= edge_degrees / 50 and step < 1e-2:
        step *= 10
    return step


def _context(atlas: Any) -> dict[str, Any]:
    """The atlas records in the cells' extent, as the atlas map draws them (popups included)."""
    if atlas is None:
        return {"corridors": [], "kinds": [], "heat": []}
    names = dict(zip(atlas.places["id"], atlas.places["name"]))
    corridors = [
        {
            "path": [[round(x, 4), round(y, 4)] for x, y in row.geometry.coords],
            "colour": style.corridor_colour(row["exploitation"]),
            "weight": style.CONFIDENCE_WIDTH[row["confidence"]],
            "dash": style.corridor_dash(row["confidence"], row.get("drawn_by")),
            "popup": popups.corridor(atlas, row, names),
            "tip": text(row["name"]),
        }
        for _, row in atlas.corridors.iterrows()
    ]
    kinds = []
    for key in [k for k in style.HOTSPOT_KIND if k in set(atlas.hotspots["kind"])]:
        label, marker = style.HOTSPOT_KIND[key]
        symbol = (marker, style.HOTSPOT_FILL, style.HOTSPOT_EDGE, 20, "tipmap-hotspot")
        rows = atlas.hotspots[atlas.hotspots["kind"] == key]
        kinds.append(_markers(atlas, rows, key, f"Hotspots: {label}", symbol, popups.hotspot, f" ({label})"))
    if len(atlas.support):
        symbol = ("o", style.SUPPORT_FILL, style.SUPPORT_EDGE, 16, "tipmap-support")
        kinds.append(_markers(atlas, atlas.support, "support", "Support organisations", symbol, popups.support, None))
    heat = [[round(g.y, 5), round(g.x, 5), float(i)] for g, i in zip(atlas.hotspots.geometry, atlas.hotspots["intensity"])]
    return {"corridors": corridors, "kinds": kinds, "heat": heat}


def _markers(atlas, rows, key: str, name: str, symbol: tuple, popup, suffix: str | None) -> dict[str, Any]:
    """One marker layer: ``symbol`` is (marker, fill, edge, size, class); tooltips are the name
    and ``suffix`` (None: the support kind)."""
    marker, fill, edge, size, cls = symbol

    def tip(row) -> str:
        kind = suffix if suffix is not None else f" ({style.SUPPORT_KIND[row['kind']]})"
        return text(f"{row['name']}{kind}")

    return {
        "key": key,
        "name": text(name),
        "svg": style.marker_svg(marker, fill=fill, edge=edge, size=size),
        "size": size,
        "cls": cls,
        "points": [
            {"at": [round(row.geometry.x, 5), round(row.geometry.y, 5)], "popup": popup(atlas, row), "tip": tip(row)}
            for _, row in rows.iterrows()
        ],
    }
