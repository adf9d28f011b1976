"""The interactive map: one self-contained HTML page built with folium.

Steps, in order: base map and tiles, corridors with direction, places by role, one
layer per hotspot kind, heat layer, support layer, layer control, title and legend,
fit to the selection. Every data string is escaped (:mod:`maps.escape`).
"""

from __future__ import annotations

from pathlib import Path

import folium
from branca.element import Element
from folium.plugins import HeatMap, PolyLineTextPath
from tipmap.maps import legend, popups, style
from tipmap.maps.escape import text
from tipmap.maps.markers import hotspot_marker
from tipmap.maps.page import TILES, page_html
from tipmap.routes.atlas import Atlas
from tipmap.routes.jobs import AtlasResult
from tipmap.routes.output import write_atomically
from tipmap.routes.select import bounds, place_roles


def build_map(
    atlas: Atlas,
    *,
    title: str = "tipmap: trafficking routes",
    audience: str = "public",
    view: tuple[float, float, float, float] | None = None,
    offline: bool = False,
    manifest: dict | None = None,
    layers: tuple = (),
) -> folium.Map:
    """A folium map of ``atlas`` (already selected) with every layer and a legend.

    The map opens on ``view`` (min lon, min lat, max lon, max lat) when given, else on
    everything drawn. ``offline`` draws the bundled Natural Earth countries instead of
    web tiles (pass the page through :func:`maps.offline.inline_assets` too).
    """
    fmap = folium.Map(tiles=None, control_scale=True, prefer_canvas=False)
    if offline:  # the world, the region in detail, names; phone-first controls (issue #15)
        from tipmap.maps.offline_basemap import OfflineBasemap
        from tipmap.maps.phone import PhoneControls

        OfflineBasemap(view or bounds(atlas) or (-180.0, -60.0, 180.0, 80.0)).add_to(fmap)
    else:
        folium.TileLayer(TILES, name="Basemap", control=False).add_to(fmap)
    names = dict(zip(atlas.places["id"], atlas.places["name"]))
    _add_corridors(fmap, atlas, names)
    _add_places(fmap, atlas)
    kinds = _add_hotspots(fmap, atlas)
    _add_support(fmap, atlas)
    for layer in layers:
        _user_layer(layer.kind)(fmap, layer)
    folium.LayerControl(collapsed=False).add_to(fmap)
    root = fmap.get_root()
    root.header.add_child(Element(f"<title>{text(title)}</title>"))
    root.html.add_child(Element(legend.title_html(title)))
    root.html.add_child(Element(legend.legend_html(atlas, hotspot_kinds=kinds, audience=audience)))
    if audience == "confidential":
        root.html.add_child(Element(legend.confidential_banner()))
    if manifest is not None:
        root.header.add_child(Element(legend.manifest_meta(manifest)))
    box = view or bounds(atlas)
    if box is not None:
        west, south, east, north = box
        # keep features clear of the layer control (top right) and the legend (bottom right)
        fmap.fit_bounds([[south, west], [north, east]], padding_top_left=(50, 60), padding_bottom_right=(330, 40))
    if offline:
        PhoneControls(title=None, audience=audience, fit=box).add_to(fmap)
    return fmap


def _user_layer(kind: str):
    """The renderer of one kind of user layer (a registry: one entry per kind)."""
    from tipmap.maps.drafts import add_drafts
    from tipmap.maps.imported import add_flows, add_hexagons

    return {
        "flows": lambda fmap, layer: add_flows(fmap, layer.data, name=layer.label),
        "hexagons": lambda fmap, layer: add_hexagons(
            fmap, layer.data, name=layer.label, breaks=layer.breaks, notes=tuple(layer.report.notes)
        ),
        "drafts": lambda fmap, layer: add_drafts(fmap, layer.data, name=layer.label),
    }[kind]


def _add_corridors(fmap: folium.Map, atlas: Atlas, names: dict[str, str]) -> None:
    group = folium.FeatureGroup(name="Corridors", show=True).add_to(fmap)
    for _, row in atlas.corridors.iterrows():
        colour = style.corridor_colour(row["exploitation"])
        line = folium.PolyLine(
            [(lat, lon) for lon, lat in row.geometry.coords],
            color=colour,
            weight=style.CONFIDENCE_WIDTH[row["confidence"]],
            dash_array=style.corridor_dash(row["confidence"], row.get("drawn_by")),
            opacity=0.85,
            popup=folium.Popup(popups.corridor(atlas, row, names), max_width=380),
            tooltip=folium.Tooltip(text(row["name"])),
        ).add_to(group)
        PolyLineTextPath(
            line, style.ARROW, repeat=True, offset=6, attributes={"fill": colour, "font-size": "14", "font-weight": "bold"}
        ).add_to(group)


def _add_places(fmap: folium.Map, atlas: Atlas) -> None:
    group = folium.FeatureGroup(name="Places (source, transit, destination)", show=True).add_to(fmap)
    roles = place_roles(atlas.corridors)
    through: dict[str, list[str]] = {}
    drawn_at: dict[str, set[tuple[float, float]]] = {}
    for _, c in atlas.corridors.iterrows():
        for pid, lonlat in zip(c["waypoints"], c["waypoint_lonlat"]):
            through.setdefault(pid, []).append(c["name"])
            drawn_at.setdefault(pid, set()).add(lonlat)
    for _, row in atlas.places.iterrows():
        if row["id"] not in roles:
            continue  # a place used only by hotspots/support is drawn by them
        fill, edge, radius, _ = style.ROLE[style.main_role(roles[row["id"]])]
        label = row["name"] + (f" ({row['name_local']})" if isinstance(row.get("name_local"), str) else "")
        html = popups.place(row, roles[row["id"]], through[row["id"]])
        for lon, lat in sorted(drawn_at[row["id"]]):  # beside a line across the antimeridian too
            folium.CircleMarker(
                (lat, lon),
                radius=radius,
                color=edge,
                weight=1.5,
                fill=True,
                fill_color=fill,
                fill_opacity=1.0,
                popup=folium.Popup(html, max_width=380),
                tooltip=folium.Tooltip(text(label)),
            ).add_to(group)


def _add_hotspots(fmap: folium.Map, atlas: Atlas) -> list[str]:
    kinds = [k for k in style.HOTSPOT_KIND if k in set(atlas.hotspots["kind"])]
    for kind in kinds:
        label, marker = style.HOTSPOT_KIND[kind]
        group = folium.FeatureGroup(name=f"Hotspots: {label}", show=True).add_to(fmap)
        icon_html = style.marker_svg(marker, fill=style.HOTSPOT_FILL, edge=style.HOTSPOT_EDGE)
        for _, row in atlas.hotspots[atlas.hotspots["kind"] == kind].iterrows():
            hotspot_marker(atlas, row, icon_html, size=20, class_name="tipmap-hotspot").add_to(group)
    if len(atlas.hotspots):
        HeatMap(
            [(row.geometry.y, row.geometry.x, float(row["intensity"])) for _, row in atlas.hotspots.iterrows()],
            name="Hotspot intensity (heat)",
            radius=35,
            blur=25,
            min_opacity=0.3,
            gradient=style.HEAT_GRADIENT,
            show=True,
        ).add_to(fmap)
    return kinds


def _add_support(fmap: folium.Map, atlas: Atlas) -> None:
    if not len(atlas.support):
        return
    group = folium.FeatureGroup(name="Support organisations", show=True).add_to(fmap)
    icon_html = style.marker_svg("o", fill=style.SUPPORT_FILL, edge=style.SUPPORT_EDGE, size=16)
    for _, row in atlas.support.iterrows():
        folium.Marker(
            (row.geometry.y, row.geometry.x),
            icon=folium.DivIcon(html=icon_html, icon_size=(16, 16), icon_anchor=(8, 8), class_name="tipmap-support"),
            popup=folium.Popup(popups.support(atlas, row), max_width=380),
            tooltip=folium.Tooltip(text(f"{row['name']} ({style.SUPPORT_KIND[row['kind']]})")),
        ).add_to(group)


def map_of(result: AtlasResult, *, title: str = "tipmap: trafficking routes", offline: bool = False) -> folium.Map:
    """The map of a job's result: the selected atlas, the user's layers, its manifest."""
    return build_map(
        result.atlas,
        title=title,
        audience=result.selection.audience,
        view=result.view,
        offline=offline,
        manifest=result.manifest,
        layers=result.layers,
    )


def write_html(result: AtlasResult, path: str | Path, *, title: str, offline: bool = False, force: bool = False) -> None:
    """Draw ``result`` and write the page to ``path`` atomically (scripts inlined, CSP)."""
    page = page_html(map_of(result, title=title, offline=offline), offline=offline)
    write_atomically(path, lambda tmp: tmp.write_text(page, encoding="utf-8"), force=force)
