"""Outreach plan maps: an HTML map (offline and phone-first by default) and the plan's files.

The printable PDF is :mod:`tipmap.maps.outreach_print`; GPX, KML, GeoPackage and the ODK
site list are :mod:`tipmap.maps.plan_files`.
"""

from __future__ import annotations

import json

import folium
from branca.element import Element
from tipmap.maps import legend, popups, style
from tipmap.maps.escape import text
from tipmap.maps.outreach_files import summary
from tipmap.maps.page import TILES, page_html
from tipmap.maps.phone import PhoneControls
from tipmap.routes.atlas import Atlas
from tipmap.routes.jobs import OutreachResult
from tipmap.routes.output import check_writable, write_atomically
from tipmap.routes.outreach import OutreachPlan

AREA_COLOUR, TOUR_COLOUR, BASE_COLOUR = "#0072B2", "#555555", "#000000"
TEAM_FILL = "#009E73"  # the team's own sites (Okabe-Ito green)


def _number_icon(number: int, fill: str) -> folium.DivIcon:
    """A numbered disc of 28 px inside a 44 px tap target."""
    html = (
        '<div style="width:44px;height:44px;display:flex;align-items:center;justify-content:center">'
        f'<div style="width:28px;height:28px;border-radius:50%;background:{fill};border:1.5px solid #000;'
        f'font:bold 13px/26px sans-serif;text-align:center;color:#000">{number}</div></div>'
    )
    return folium.DivIcon(html=html, icon_size=(44, 44), icon_anchor=(22, 22), class_name="tipmap-visit")


def outreach_map(
    plan: OutreachPlan,
    atlas: Atlas,
    *,
    title: str = "Outreach plan",
    manifest: dict | None = None,
    audience: str = "public",
    offline: bool = False,
) -> folium.Map:
    """The search area, base, numbered sites and the round trip, on one map.

    ``offline`` draws the offline basemap (world, region in detail, names) instead of web
    tiles. The page is phone-first: header with the audience stamp, collapsible legend,
    44 px controls and a "show my position" control.
    """
    fmap = folium.Map(tiles=None, control_scale=True, min_zoom=2, zoom_snap=0.25)
    if offline:
        from tipmap.maps.offline_basemap import OfflineBasemap

        OfflineBasemap(plan.area.bounds).add_to(fmap)
    else:
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
    folium.LayerControl(collapsed=True).add_to(fmap)
    root = fmap.get_root()
    root.header.add_child(Element(f"<title>{text(title)}</title>"))
    if manifest is not None:
        root.header.add_child(Element(legend.manifest_meta(manifest)))
    body = text(summary(plan)).replace("\n", "<br>") + _key_html()
    stops = [(s.visit, s.name, round(s.lat, 6), round(s.lon, 6)) for s in order]
    PhoneControls(title=title, audience=audience, legend_body=body, sites=stops).add_to(fmap)
    west, south, east, north = plan.area.bounds
    fmap.fit_bounds([[south, west], [north, east]], padding=(30, 30))
    return fmap


def _key_html() -> str:
    """What the marks mean (static text)."""
    dot = (
        '<span style="display:inline-block;width:14px;height:14px;border-radius:50%;border:1px solid #000;background:{}"></span>'
    )
    return (
        "<br>"
        + dot.format(TEAM_FILL)
        + " your site &nbsp;"
        + dot.format(style.HOTSPOT_FILL)
        + " hotspot &nbsp;"
        + dot.format(style.SUPPORT_FILL)
        + " support<br>&#9733; base &middot; numbers: visiting order &middot; "
        "dashed blue: search area"
    )


def write_outreach(
    result: OutreachResult, directory: str, *, force: bool = False, offline: bool = True, paper: str = "a4"
) -> list[str]:
    """Write the plan into ``directory`` (one folder per base when there are several); return the paths.

    Files: outreach.csv (+ manifest), .md, .pdf (``paper``), .html (offline unless told),
    .gpx, .kml, .gpkg and outreach-odk.csv. Every file is written atomically; nothing is
    written when any file would be replaced without ``force``.
    """
    from pathlib import Path

    from tipmap.routes.errors import OutputError

    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a directory")
    if not out.parent.is_dir():
        raise OutputError(f"{out}: directory '{out.parent}' does not exist")
    plans = result.plans or (result.plan,)
    folders = [out] if len(plans) == 1 else [out / f"{i:02d}-{_slug(p.base.name)}" for i, p in enumerate(plans, start=1)]
    for folder in folders:
        if folder.is_dir():
            for name in FILE_NAMES:
                check_writable(folder / name, force=force)
    return _write_all(result, plans, folders, offline=offline, paper=paper)


def _write_all(result: OutreachResult, plans, folders, *, offline: bool, paper: str) -> list[str]:
    """Write every file into a scratch folder first, then move them in: never a partial plan."""
    import os
    import shutil
    import tempfile
    from pathlib import Path

    scratch = Path(tempfile.mkdtemp(prefix=".tipmap-", dir=folders[0].parent if len(folders) == 1 else folders[0].parent.parent))
    try:
        staged = []
        for number, plan in enumerate(plans):
            (scratch / str(number)).mkdir()
            staged.append(_write_plan(result, plan, scratch / str(number), offline=offline, paper=paper))
        written = []
        for folder, files in zip(folders, staged):
            folder.mkdir(parents=True, exist_ok=True)
            for path in files:
                os.replace(path, folder / Path(path).name)
                written.append(str(folder / Path(path).name))
        return written
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


FILE_NAMES = (
    "outreach.csv",
    "outreach.csv.manifest.json",
    "outreach.md",
    "outreach.pdf",
    "outreach.html",
    "outreach.gpx",
    "outreach.kml",
    "outreach.gpkg",
    "outreach-odk.csv",
)


def _slug(name: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:40] or "base"


def _write_plan(result: OutreachResult, plan: OutreachPlan, out, *, offline: bool, paper: str) -> list[str]:
    from tipmap.maps.outreach_files import to_csv, to_markdown
    from tipmap.maps.outreach_print import write_plan_pdf
    from tipmap.maps.plan_files import WRITERS

    audience = result.selection.audience
    title = result.title if len(result.plans) <= 1 else f"{result.title}: base {plan.base.name}"
    stamp = json.dumps(result.manifest, ensure_ascii=False, sort_keys=True)
    meta = {"Title": title, "Creator": "tipmap", "Subject": stamp}
    fmap = lambda: outreach_map(plan, result.atlas, title=title, manifest=result.manifest, audience=audience, offline=offline)  # noqa: E731
    writers = {
        "outreach.csv": lambda p: p.write_text(to_csv(plan, audience=audience), encoding="utf-8"),
        "outreach.csv.manifest.json": lambda p: p.write_text(stamp, encoding="utf-8"),
        "outreach.md": lambda p: p.write_text(to_markdown(plan, stamp, audience=audience), encoding="utf-8"),
        "outreach.pdf": lambda p: write_plan_pdf(plan, p, title=title, audience=audience, paper=paper, metadata=meta),
        "outreach.html": lambda p: p.write_text(page_html(fmap(), offline=offline), encoding="utf-8"),
        **{name: (lambda p, w=w: w(plan, p, audience=audience, stamp=result.manifest)) for name, w in WRITERS.items()},
    }
    return [str(write_atomically(out / name, writers[name], force=True)) for name in FILE_NAMES]
