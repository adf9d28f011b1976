"""Outreach plan maps: an HTML map with the search area and tour, and a printable PDF."""

from __future__ import annotations

import json

import folium
from branca.element import Element
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from tipmap.maps import legend, popups, style
from tipmap.maps.escape import text
from tipmap.maps.outreach_files import rows, summary
from tipmap.maps.page import TILES, page_html
from tipmap.maps.plaintext import plain_figure
from tipmap.routes import cartography as carto
from tipmap.routes.atlas import Atlas
from tipmap.routes.jobs import OutreachResult
from tipmap.routes.output import check_writable, write_atomically
from tipmap.routes.outreach import OutreachPlan

AREA_COLOUR, TOUR_COLOUR, BASE_COLOUR = "#0072B2", "#555555", "#000000"
TEAM_FILL = "#009E73"  # the team's own sites (Okabe-Ito green)
PLAN_NOTE = "Outreach plan: restricted operational detail, not for publication."


def _number_icon(number: int, fill: str) -> folium.DivIcon:
    html = (
        f'<div style="width:22px;height:22px;border-radius:50%;background:{fill};border:1.5px solid #000;'
        f'font:bold 12px/20px sans-serif;text-align:center;color:#000">{number}</div>'
    )
    return folium.DivIcon(html=html, icon_size=(22, 22), icon_anchor=(11, 11), class_name="tipmap-visit")


def outreach_map(
    plan: OutreachPlan, atlas: Atlas, *, title: str = "Outreach plan", manifest: dict | None = None, audience: str = "public"
) -> folium.Map:
    """The search area, base, numbered sites and the round trip, on one map."""
    fmap = folium.Map(tiles=None, control_scale=True)
    folium.TileLayer(TILES, name="Basemap", control=False).add_to(fmap)
    area = folium.FeatureGroup(name="Search area").add_to(fmap)
    folium.Polygon(
        [(lat, lon) for lon, lat in plan.area.exterior.coords],
        color=AREA_COLOUR,
        weight=2,
        dash_array="6 4",
        fill=True,
        fill_opacity=0.08,
        tooltip=folium.Tooltip(text(f"Sites {plan.area_label}")),
    ).add_to(area)
    if plan.corridor_id:
        row = atlas.corridors.set_index("id").loc[plan.corridor_id]
        folium.PolyLine(
            [(lat, lon) for lon, lat in row.geometry.coords],
            color=style.corridor_colour(row["exploitation"]),
            weight=4,
            tooltip=folium.Tooltip(text(row["name"])),
        ).add_to(area)
    order = sorted(plan.sites, key=lambda s: s.visit)
    path = [(plan.base.lat, plan.base.lon)] + [(s.lat, s.lon) for s in order] + [(plan.base.lat, plan.base.lon)]
    tour = folium.FeatureGroup(name=f"Round trip ({plan.tour_km:,.0f} km)").add_to(fmap)
    folium.PolyLine(path, color=TOUR_COLOUR, weight=2, dash_array="2 6").add_to(tour)
    base_icon = style.marker_svg("*", fill="#FFFFFF", edge=BASE_COLOUR, size=26)
    folium.Marker(
        (plan.base.lat, plan.base.lon),
        icon=folium.DivIcon(html=base_icon, icon_size=(26, 26), icon_anchor=(13, 13), class_name="tipmap-base"),
        tooltip=folium.Tooltip(text(f"Base: {plan.base.describe()}")),
    ).add_to(tour)
    sites = folium.FeatureGroup(name="Sites (visiting order)").add_to(fmap)
    by_id = {
        **{r["id"]: ("hotspot", r) for _, r in atlas.hotspots.iterrows()},
        **{r["id"]: ("support", r) for _, r in atlas.support.iterrows()},
    }
    for site in order:
        layer, row = by_id.get(site.id, ("team", None))
        if layer == "team":
            html = f"<b>{text(site.name)}</b><br>Your site: {text(site.kind)}" + (f"<br>{text(site.notes)}" if site.notes else "")
        else:
            html = popups.hotspot(atlas, row) if layer == "hotspot" else popups.support(atlas, row)
        fill = {"hotspot": style.HOTSPOT_FILL, "team": TEAM_FILL}.get(layer, style.SUPPORT_FILL)
        folium.Marker(
            (site.lat, site.lon),
            icon=_number_icon(site.visit, fill),
            popup=folium.Popup(html, max_width=380),
            tooltip=folium.Tooltip(text(f"{site.visit}. {site.name} ({site.distance_km:g} km from base)")),
        ).add_to(sites)
    folium.LayerControl(collapsed=False).add_to(fmap)
    root = fmap.get_root()
    root.header.add_child(Element(f"<title>{text(title)}</title>"))
    root.html.add_child(Element(legend.title_html(title)))
    if audience == "confidential":
        root.html.add_child(Element(legend.confidential_banner()))
    if manifest is not None:
        root.header.add_child(Element(legend.manifest_meta(manifest)))
    note = text(summary(plan)).replace("\n", "<br>") + f"<br><small>{text(PLAN_NOTE)}</small>"
    root.html.add_child(
        Element(f'<div id="tipmap-legend" style="{legend._BOX}bottom:30px;right:10px;max-width:360px">{note}</div>')
    )
    west, south, east, north = plan.area.bounds
    fmap.fit_bounds([[south, west], [north, east]], padding=(30, 30))
    return fmap


def outreach_figure(plan: OutreachPlan, *, title: str = "Outreach plan", audience: str = "public") -> Figure:
    """A4 portrait page: map of the area on top, the site table below."""
    fig = Figure(figsize=(8.27, 11.69), dpi=150)
    FigureCanvasAgg(fig)
    fig.text(0.05, 0.975, title, fontsize=18, fontweight="bold", va="top")
    fig.text(0.05, 0.945, summary(plan), fontsize=9, va="top", wrap=True)
    ax = fig.add_axes((0.05, 0.50, 0.90, 0.40))
    west, south, east, north = plan.area.bounds
    view = carto.view_for((west, south, east, north), margin=0.08, min_span_deg=0.5)
    crs = carto.projection_for(view)
    box = ax.get_window_extent()
    x0, y0, x1, y1 = carto.projected_extent(view, crs, aspect=box.width / box.height)
    ax.set_facecolor("#DDE8F0")
    countries = carto.basemap_in_crs(view, crs)
    if len(countries):
        countries.plot(ax=ax, color="#F4F3EF", edgecolor="#8C8C8C", linewidth=0.6, zorder=1)
    ((bx, by),) = carto.project_points([(plan.base.lon, plan.base.lat)], crs, view)
    (area_pieces,) = carto.project_lines([plan.area.exterior], crs, view)
    for piece in area_pieces:
        xs, ys = zip(*piece)
        ax.plot(xs, ys, color=AREA_COLOUR, linestyle=(0, (5, 3)), linewidth=1.5, zorder=3)
    order = sorted(plan.sites, key=lambda s: s.visit)
    pts = carto.project_points([(s.lon, s.lat) for s in order], crs, view)
    path = [(bx, by), *pts, (bx, by)]
    ax.plot([p[0] for p in path], [p[1] for p in path], color=TOUR_COLOUR, linestyle=(0, (1, 3)), linewidth=1.2, zorder=4)
    ax.scatter([bx], [by], marker="*", s=220, c="white", edgecolors="black", zorder=6)
    for site, (x, y) in zip(order, pts):
        fill = {"hotspot": style.HOTSPOT_FILL, "team": TEAM_FILL}.get(site.layer, style.SUPPORT_FILL)
        ax.scatter([x], [y], s=260, c=fill, edgecolors="black", zorder=6)
        ax.text(x, y, str(site.visit), ha="center", va="center", fontsize=9, fontweight="bold", zorder=7)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    table_ax = fig.add_axes((0.05, 0.08, 0.90, 0.38))
    table_ax.axis("off")
    cols = ("visit", "name", "kind", "country", "distance_km", "latitude", "longitude")
    cells = [[str(r[c])[:38] for c in cols] for r in rows(plan)] or [["-"] * len(cols)]
    table = table_ax.table(cellText=cells[:24], colLabels=[c.replace("_", " ") for c in cols], loc="upper left", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    table.auto_set_column_width(list(range(len(cols))))
    more = f" ({len(cells) - 24} more sites in the CSV)" if len(cells) > 24 else ""
    fig.text(0.05, 0.04, f"{PLAN_NOTE}{more}", fontsize=9, color="#333333")
    if audience == "confidential":
        fig.text(
            0.95,
            0.975,
            "CONFIDENTIAL: do not share",
            ha="right",
            va="top",
            fontsize=11,
            fontweight="bold",
            color="white",
            bbox={"fc": "#B00020", "ec": "none", "pad": 3},
        )
    fig.text(0.05, 0.02, "Basemap: Natural Earth (public domain) · distances geodesic (WGS84) · made with tipmap", fontsize=9)
    return fig


def write_outreach(result: OutreachResult, directory: str, *, force: bool = False) -> list[str]:
    """Write outreach.csv (+ manifest), .md, .pdf and .html into ``directory``; return the paths.

    Every file is written atomically; the directory is created if its parent exists.
    """
    from pathlib import Path

    from tipmap.maps.outreach_files import to_csv, to_markdown
    from tipmap.routes.errors import OutputError

    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a directory")
    if not out.parent.is_dir():
        raise OutputError(f"{out}: directory '{out.parent}' does not exist")
    plan, atlas, title, audience = result.plan, result.atlas, result.title, result.selection.audience
    stamp = json.dumps(result.manifest, ensure_ascii=False, sort_keys=True)
    names = ("outreach.csv", "outreach.csv.manifest.json", "outreach.md", "outreach.pdf", "outreach.html")
    if out.is_dir():
        for name in names:
            check_writable(out / name, force=force)
    out.mkdir(exist_ok=True)
    written = []
    for name, write in (
        ("outreach.csv", lambda p: p.write_text(to_csv(plan), encoding="utf-8")),
        ("outreach.csv.manifest.json", lambda p: p.write_text(stamp, encoding="utf-8")),
        ("outreach.md", lambda p: p.write_text(to_markdown(plan, stamp), encoding="utf-8")),
        (
            "outreach.pdf",
            lambda p: plain_figure(outreach_figure(plan, title=title, audience=audience)).savefig(
                p, format="pdf", metadata={"Title": title, "Creator": "tipmap", "Subject": stamp}
            ),
        ),
        (
            "outreach.html",
            lambda p: p.write_text(
                page_html(outreach_map(plan, atlas, title=title, manifest=result.manifest, audience=audience), offline=False),
                encoding="utf-8",
            ),
        ),
    ):
        written.append(str(write_atomically(out / name, write, force=True)))
    return written
