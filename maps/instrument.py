"""The map as an instrument: year slider with play, filters with live counts, flows by zoom.

Python tags every drawn feature with what the filters need (period span by THE rule of
:mod:`tipmap.routes.period`, exploitation types, countries with their roles, the layer it
belongs to) and hands the tags to one vendored script, ``assets/tipmap-instrument.js``,
through a :class:`Instrument` element (folium's ``plugins/timeline.py`` is the model: a
class-level Jinja ``_template``). Every tag is read from records that already passed the
audience gate (the atlas given to :func:`tipmap.maps.interactive.build_map`). The script is
inlined, so the page's Content-Security-Policy (which hashes inline scripts) allows it and
the page still makes no request.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import folium
from branca.element import MacroElement
from jinja2 import Template
from tipmap.maps import style
from tipmap.maps.weblabels import ZOOMS
from tipmap.routes.period import UNDATED_FROM, Span, current_year, span, span_of_text

#: Page styles of the instrument: its panel, labels, and no focus rectangle on click.
CSS = """
.leaflet-interactive:focus, .leaflet-container path:focus, .leaflet-marker-icon:focus { outline: none; }
.tipmap-box { position: absolute; z-index: 1000; background: rgba(255,255,255,.94); border: 1px solid #888;
  border-radius: 4px; font: 12px/1.4 sans-serif; padding: 5px 8px; }
#tipmap-instrument { bottom: 28px; left: 10px; max-width: 270px; max-height: 60vh; overflow: auto; }
#tipmap-instrument summary, #tipmap-legend summary { cursor: pointer; font-weight: bold; }
#tipmap-instrument input[type=range] { width: 220px; margin: 0; }
#tipmap-instrument label { display: block; white-space: nowrap; }
.tipmap-swatch { display: inline-block; width: 14px; height: 4px; vertical-align: middle; margin-left: 2px; }
.tipmap-label { font: 600 12px/16px sans-serif; color: #222; white-space: nowrap; width: auto !important;
  height: auto !important; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; pointer-events: none; }
"""


@dataclass
class Tags:
    """What the page filters: one entry per drawn feature, the groups, the heat layer."""

    items: list[dict[str, Any]] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)
    heat: str | None = None
    hidden_by_default: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    flows: dict[str, Any] | None = None
    group_vars: list[str] = field(default_factory=list)  # items name their group by index here (a smaller page)

    def group(self, group: folium.FeatureGroup) -> folium.FeatureGroup:
        """Register a layer-control group by the name the control shows."""
        self.groups[html.unescape(group.layer_name)] = group.get_name()
        return group

    def add(self, kind: str, layers: list, group: folium.FeatureGroup, period: Span | None = None, **tags: Any) -> None:
        """Tag the features ``layers`` (drawn in ``group``) of one record of ``kind``."""
        if group.get_name() not in self.group_vars:
            self.group_vars.append(group.get_name())
        item = {"k": kind, "o": [layer.get_name() for layer in layers], "g": self.group_vars.index(group.get_name()), **tags}
        if period is not None:
            item["s"], item["e"] = period
            self.years += [y for y in period if y is not None]
        self.items.append(item)


def corridor_tags(row, country_of: dict[str, str]) -> dict[str, Any]:
    """A corridor's tags: id, waypoints, types, and each country's roles on it."""
    roles: dict[str, list[str]] = {}
    last = len(row["waypoints"]) - 1
    for i, pid in enumerate(row["waypoints"]):
        role = "source" if i == 0 else "destination" if i == last else "transit"
        country = country_of.get(pid)
        if isinstance(country, str) and country and role not in roles.setdefault(country, []):  # regions have none
            roles[country].append(role)
    return {"id": row["id"], "w": list(row["waypoints"]), "x": list(row["exploitation"]), "c": roles}


def point_tags(row, *, thematic: bool) -> tuple[Span | None, dict[str, Any]]:
    """A hotspot's (thematic) or support point's period and tags."""
    country = row["country"] if isinstance(row["country"], str) else ""
    tags: dict[str, Any] = {"id": row["id"], "p": row["place"], "c": country}
    if not thematic:
        return None, tags
    tags["x"] = list(row["exploitation"])
    tags["h"] = [round(row.geometry.y, 5), round(row.geometry.x, 5), float(row["intensity"])]
    return span(row["period_start"], row["period_end"]), tags


def tag_flows(tags: Tags, fmap: folium.Map, layer) -> None:
    """Tag a case-flow layer drawn by :func:`tipmap.maps.imported.add_flows` (its lines in
    row order) and, for the first such layer, add the zoom-clustered layer."""
    from tipmap.maps.escape import text

    group = next((g for g in fmap._children.values() if getattr(g, "layer_name", None) == text(layer.label)), None)
    if group is None or layer.data.lines.empty:
        return
    tags.group(group)
    lines = [child for child in group._children.values() if isinstance(child, folium.PolyLine)]
    first = tags.flows is None
    for index, ((_, row), line) in enumerate(zip(layer.data.lines.iterrows(), lines)):
        roles = {row["from"]: ["source"], row["to"]: ["destination"]}
        period = span_of_text(row["years"])
        tags.add("flow", [line], group, period, n=index if first else -1, x=list(row["exploitation"]), c=roles)
    if first:
        clustered = folium.FeatureGroup(name=f"{text(layer.label)} (clustered by zoom)", show=True).add_to(fmap)
        tags.group(clustered)
        tags.hidden_by_default.append(html.unescape(group.layer_name))
        tags.flows = flow_config(layer, clustered.get_name())


def flow_config(layer, group_name: str) -> dict[str, Any]:
    """The clustered bands of a case-flow layer as the page draws them."""
    from tipmap.maps.escape import text
    from tipmap.routes.flowcluster import Location, flow_bands
    from tipmap.routes.geodesy import geodesic_line
    from tipmap.routes.tables import country_names

    lines = layer.data.lines
    names = country_names()
    ends: dict[str, tuple[float, float]] = {}
    for (_, row), geom in zip(lines.iterrows(), lines.geometry):
        ends.setdefault(row["from"], geom.coords[0])
        ends.setdefault(row["to"], geom.coords[-1])
    locations = [Location(code, names.get(code, code), lonlat) for code, lonlat in sorted(ends.items())]
    flows = [(row["from"], row["to"], float(row["cases"])) for _, row in lines.iterrows()]
    bands = []
    for band in flow_bands(flows, locations):
        drawn = []
        for a, b, members in band.flows:
            path = geodesic_line([band.clusters[a].lonlat, band.clusters[b].lonlat], step_km=200)
            main = max(members, key=lambda i: lines["cases"].iloc[i])
            colour = style.corridor_colour(tuple(lines["exploitation"].iloc[main]))
            drawn.append([a, b, list(members), [[round(y, 3), round(x, 3)] for x, y in path.coords], colour])
        clusters = [{"ll": [c.lonlat[1], c.lonlat[0]], "t": text(c.label)} for c in band.clusters]  # tooltip HTML
        bands.append({"z": list(band.zooms), "c": clusters, "f": drawn})
    return {"group": group_name, "bands": bands, "cases": [int(c) for c in lines["cases"]], "label": text(layer.label)}


#: Characters a JSON string may carry that mean something to HTML or to a template literal.
_INERT = str.maketrans({c: f"\\u{ord(c):04x}" for c in "<>&`$"})


def script_json(value: Any) -> str:
    """``value`` as JSON safe inside a ``<script>``: no data string can close the script or
    read as a template literal (``<``, ``>``, ``&``, backtick and ``$`` are \\u escapes)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_INERT)


def _compact(script: str) -> str:
    """The script without its block comments, indentation and blank lines (a smaller page)."""
    import re

    body = re.sub(r"/\*.*?\*/", "", script, flags=re.S)
    return "/* tipmap instrument (maps/assets/tipmap-instrument.js) */\n" + "\n".join(
        line.strip() for line in body.splitlines() if line.strip()
    )


class Instrument(MacroElement):
    """The instrument's panel and behaviour, configured by ``Tags`` (see module docstring)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>{{ this.css }}</style>
        <script>{{ this.script_text }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        tipmapInstrument({{ this._parent.get_name() }}, {{ this.config }});
        {% endmacro %}
        """
    )

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self._name = "Instrument"
        self.css = CSS
        self.script_text = _compact(files("tipmap.maps").joinpath("assets", "tipmap-instrument.js").read_text(encoding="utf-8"))
        self.config = script_json(config)


def instrument(tags: Tags, *, labels: list[dict[str, Any]], full=None, outliers: int = 0) -> Instrument:
    """The instrument for the features in ``tags``: types and countries offered are those
    drawn; the slider runs from the earliest year drawn to this year."""
    from tipmap.routes.tables import country_names

    used_types = {t for item in tags.items for t in item.get("x", [])}
    types = [[key, s.label, s.colour] for key, s in style.EXPLOITATION.items() if key in used_types]
    codes: set[str] = set()
    for item in tags.items:
        codes |= set(item["c"]) if isinstance(item.get("c"), dict) else {item["c"]} if item.get("c") else set()
    names = country_names()
    present = current_year()
    first = min([*tags.years, UNDATED_FROM, present])
    counted = {tags.group_vars[item["g"]] for item in tags.items}
    config = {
        "undatedFrom": UNDATED_FROM,
        "years": [first, max([present, *tags.years])],
        "types": types,
        "countries": sorted(([c, names.get(c, c)] for c in codes), key=lambda c: c[1]),
        "groups": tags.groups,
        "groupVars": tags.group_vars,
        "uncounted": [name for name, var in tags.groups.items() if var not in counted],
        "hiddenByDefault": tags.hidden_by_default,
        "items": tags.items,
        "heat": tags.heat,
        "flows": tags.flows,
        "labels": labels,
        "labelZooms": [ZOOMS[0], ZOOMS[-1]],
        "full": full,
        "outliers": outliers,
    }
    return Instrument(config)
