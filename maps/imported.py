"""Analysts' own data on the interactive map: case flows (CTDC style) and point hexagons."""

from __future__ import annotations

import json
import math
from pathlib import Path

import folium
from branca.element import Element, MacroElement
from folium.plugins import PolyLineTextPath
from jinja2 import Template
from tipmap.maps import legend, style
from tipmap.maps.escape import text
from tipmap.maps.hexlayer import HEX_DRAW_JS

#: Flows have a colour of their own, never one of the atlas's corridor colours.
FLOW_COLOUR = "#1B7837"
REGION_COLOUR = "#762A83"
DOMESTIC_COLOUR = "#E08214"


def add_flows(fmap: folium.Map, flows, *, name: str) -> None:
    """Origin-destination case flows: width by cases (legend with real values), arrowheads,
    country names, region endpoints dashed, domestic cases as circles, and every group of
    cases that is not drawn stated in the flows' own panel."""
    from tipmap.routes.flows import describe

    group = folium.FeatureGroup(name=text(name), show=True).add_to(fmap)
    lines = flows.lines
    top = int(max(lines["cases"])) if len(lines) else 1
    for _, row in lines.iterrows():
        _add_flow(group, row, width_px(row["cases"], top), flows.report.path)
    ends = {(r[f"{s}_name"], r.geometry.coords[0 if s == "from" else -1]) for _, r in lines.iterrows() for s in ("from", "to")
            if r[f"{s}_kind"] == "region"}  # fmt: skip
    for label, (lon, lat) in sorted(ends):
        folium.CircleMarker(
            (lat, lon), radius=7, color=REGION_COLOUR, fill=True, fill_color="#FFFFFF", fill_opacity=1, weight=2.5,
            tooltip=folium.Tooltip(text(f"{label} (region)"), permanent=True, direction="right"),
        ).add_to(group)  # fmt: skip
    for code, cases in flows.domestic_by.items():
        label, lon, lat = flows.domestic_points[code]
        folium.CircleMarker(
            (lat, lon),
            radius=4 + 14 * math.sqrt(cases / max(max(flows.domestic_by.values()), 1)),
            color=DOMESTIC_COLOUR,
            fill=True,
            fill_opacity=0.45,
            weight=1.5,
            tooltip=folium.Tooltip(text(f"{label}: {cases:,} domestic cases")),
        ).add_to(group)
    _add_key(fmap, _flow_key(flows, name, top, describe(flows)))


def width_px(cases: float, top: float) -> float:
    """Line width in pixels: area-true (square root of cases), 2 px to 14 px."""
    return 2 + 12 * math.sqrt(cases / top) if top else 2


def _add_flow(group, row, width: float, path: str) -> None:
    region = "region" in (row["from_kind"], row["to_kind"])
    colour = REGION_COLOUR if region else FLOW_COLOUR
    coords = [(lat, lon) for lon, lat in row.geometry.coords]
    types = ", ".join(style.EXPLOITATION[e].label for e in row["exploitation"] if e in style.EXPLOITATION) or "not recorded"
    label = f"{row['from_name']} → {row['to_name']}: {row['cases']:,} cases" + (f" ({row['years']})" if row["years"] else "")
    html = f"<b>{text(label)}</b><br>Exploitation: {text(types)}<br><small>Source: {text(path)}</small>"
    line = folium.PolyLine(
        coords,
        color=colour,
        weight=width,
        opacity=0.75,
        dash_array="8 6" if region else None,
        popup=folium.Popup(html, max_width=320),
        tooltip=folium.Tooltip(text(label)),
    ).add_to(group)
    size = f"{max(12, int(width * 2.2))}"  # a screen-size arrow mid-line, visible at any zoom
    PolyLineTextPath(line, "►", center=True, offset=int(width * 0.8), attributes={"fill": "#FFFFFF", "font-size": size}).add_to(
        group
    )
    folium.Polygon(arrowhead(coords, width), color=colour, weight=1, fill=True, fill_opacity=0.9).add_to(group)


def arrowhead(coords: list[tuple[float, float]], width: float) -> list[tuple[float, float]]:
    """A triangle (lat, lon) pointing along the line's last leg, its tip on the destination;
    its size grows with the line's width and stays under a quarter of the line's length."""
    (lat1, lon1), (lat2, lon2) = coords[max(len(coords) - 2, 0)], coords[-1]
    dx, dy = (lon2 - lon1) * math.cos(math.radians(lat2)), lat2 - lat1
    norm = math.hypot(dx, dy) or 1.0
    ux, uy = dx / norm, dy / norm
    total = sum(math.dist(a, b) for a, b in zip(coords, coords[1:]))
    size = min(max(total * 0.07, 0.6), 3.0) * (0.7 + width / 20)
    back_x, back_y = -ux * size, -uy * size
    side_x, side_y = -uy * size * 0.45, ux * size * 0.45
    scale = 1 / max(math.cos(math.radians(lat2)), 0.2)
    left = (lat2 + back_y + side_y, lon2 + (back_x + side_x) * scale)
    right = (lat2 + back_y - side_y, lon2 + (back_x - side_x) * scale)
    return [(lat2, lon2), left, right]


def _flow_key(flows, name: str, top: int, facts: list[str]) -> str:
    samples = sorted({top, max(top // 4, 1), max(top // 20, 1)}, reverse=True)
    widths = "".join(
        f'<div><span style="display:inline-block;width:28px;height:{width_px(v, top):.0f}px;background:{FLOW_COLOUR};'
        f'vertical-align:middle"></span> {v:,} case{"s" if v != 1 else ""}</div>'
        for v in samples
    )
    region = (
        f'<div><span style="display:inline-block;width:28px;border-top:3px dashed {REGION_COLOUR}"></span>'
        " to or from a region</div>"
        if len(flows.lines) and "region" in set(flows.lines["from_kind"]) | set(flows.lines["to_kind"])
        else ""
    )
    domestic = (
        f'<div><span style="display:inline-block;width:12px;height:12px;border-radius:50%;background:{DOMESTIC_COLOUR}"></span>'
        " domestic cases (circle area: cases)</div>"
        if flows.domestic
        else ""
    )
    listed = "".join(f"<li>{text(f)}</li>" for f in facts)
    return (
        f'<div id="tipmap-hexlegend" style="{legend._BOX}top:60px;left:60px;max-width:340px"><b>{text(name)}</b>'
        f"<div>line width: cases (area-true); arrow: towards the destination</div>{widths}{region}{domestic}"
        f'<ul style="margin:4px 0 0 14px;padding:0">{listed}</ul></div>'
    )


def write_flows_table(flows_list: list, path) -> None:
    """The flows as CSV (``--table``): one row per drawn flow, per country's domestic cases
    and per destination's cases of no known origin, so the table accounts for every case."""
    import csv

    from tipmap.routes.countries import country_name

    columns = ["source", "from", "from_name", "to", "to_name", "cases", "group", "exploitation", "years", "length_km"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for flows in flows_list:
            name = Path(flows.report.path).name
            for _, r in flows.lines.iterrows():
                writer.writerow(_safe([name, r["from"], r["from_name"], r["to"], r["to_name"], r["cases"], "flow",
                                       "|".join(r["exploitation"]), r["years"], r["length_km"]]))  # fmt: skip
            for code, n in flows.domestic_by.items():
                writer.writerow(_safe([name, code, country_name(code), code, country_name(code), n, "domestic", "", "", ""]))
            for to_name, n in flows.unknown_origin.items():
                writer.writerow(_safe([name, "", "(no known origin)", "", to_name, n, "unknown origin", "", "", ""]))
            if flows.suppressed:
                writer.writerow(
                    _safe(
                        [
                            name,
                            "",
                            "",
                            "",
                            "",
                            "",
                            f"{flows.suppressed} cases in flows under {flows.min_count} not shown",
                            "",
                            "",
                            "",
                        ]
                    )
                )


def _safe(values: list) -> list:
    """Cells a spreadsheet would run as a formula (=, +, -, @) are quoted with an apostrophe."""
    return ["'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v for v in values]


def add_hexagons(fmap: folium.Map, binning, *, name: str, breaks: tuple[float, ...], notes: tuple[str, ...] = ()) -> None:
    """Imported points aggregated into H3 cells (classes by ``breaks``), as one layer; ``notes``
    (what the audience rule withheld or coarsened) go into its key."""
    from tipmap.maps.hexlayer import _encoded, _hex_legend
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
    html = html.replace("top:60px;", f"top:{60 + 150 * n}px;max-height:40vh;overflow:auto;", 1)
    html = html.replace('id="tipmap-hexlegend"', f'id="tipmap-key-{n}" class="tipmap-key"', 1)
    fmap.get_root().html.add_child(Element(html))


class HexLayer(MacroElement):
    """Hexagons styled by class, sent compactly (see :func:`_encoded`); drawn on a canvas."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.draw_js }}
        tipmapHex({{ this._parent.get_name() }}, {{ this.data }}, {{ this.ramp|tojson }}, {{ this.weighted|tojson }},
                  {{ this.quantum }}, L.canvas({padding: 0.2}));
        {% endmacro %}
        """
    )

    def __init__(self, cells: dict[str, list], ramp: tuple[str, ...], *, weighted: bool, quantum: float = 1e-4) -> None:
        super().__init__()
        self._name = "HexLayer"
        self.data = json.dumps(cells, separators=(",", ":"))
        self.ramp = list(ramp)
        self.weighted = weighted
        self.quantum = quantum
        self.draw_js = HEX_DRAW_JS
