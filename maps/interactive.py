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
from tipmap.maps.instrument import Tags, corridor_tags, instrument, point_tags, tag_flows
from tipmap.maps.markers import hotspot_marker, polyline, records
from tipmap.maps.page import TILES, page_html
from tipmap.maps.weblabels import label_zooms
from tipmap.routes.atlas import Atlas
from tipmap.routes.gazetteer import pause_gc
from tipmap.routes.jobs import AtlasResult
from tipmap.routes.output import write_atomically
from tipmap.routes.period import span
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
    tags = Tags()
    _add_corridors(fmap, atlas, names, tags)
    labels = _add_places(fmap, atlas, tags)
    kinds = _add_hotspots(fmap, atlas, tags)
    _add_support(fmap, atlas, tags)
    for layer in layers:
        _user_layer(layer.kind)(fmap, layer)
        if layer.kind == "flows":
            tag_flows(tags, fmap, layer)
    for child in list(fmap._children.values()):
        if isinstance(child, folium.FeatureGroup) and child.get_name() not in tags.groups.values():
            tags.group(child)  # user layers: the layer filter and the URL state know them
    folium.LayerControl(collapsed=False).add_to(fmap)
    root = fmap.get_root()
    root.header.add_child(Element(f"<title>{text(title)}</title>"))
    root.html.add_child(Element(legend.title_html(title)))
    # offline pages: the phone controls fold the legend themselves
    root.html.add_child(Element(legend.legend_html(atlas, hotspot_kinds=kinds, audience=audience, collapsible=not offline)))
    if audience == "confidential":
        root.html.add_child(Element(legend.confidential_banner()))
    if manifest is not None:
        root.header.add_child(Element(legend.manifest_meta(manifest)))
    box, full = view or bounds(atlas), _full_bounds(atlas, layers)
    if box is not None:
        west, south, east, north = box
        # keep features clear of the layer control (top right) and the legend (bottom right)
        fmap.fit_bounds([[south, west], [north, east]], padding_top_left=(50, 60), padding_bottom_right=(330, 40))
    if offline:
        PhoneControls(title=None, audience=audience, fit=box).add_to(fmap)
    outside = full is not None and box is not None and not _inside(full, box)
    fmap.add_child(
        instrument(tags, labels=labels, full=[[full[1], full[0]], [full[3], full[2]]] if outside else None,
                   outliers=_count_outside(atlas, layers, box) if outside else 0)
    )  # fmt: skip
    return fmap


def _full_bounds(atlas: Atlas, layers: tuple):
    from tipmap.routes.framing import frame_of

    frame = frame_of(atlas, layers)
    return frame.full if frame is not None else None


def _inside(inner, outer) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def _count_outside(atlas: Atlas, layers: tuple, box) -> int:
    from tipmap.routes.framing import framing_points

    return len({p for p in framing_points(atlas, layers) if not _inside((*p, *p), box)})


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


def _add_corridors(fmap: folium.Map, atlas: Atlas, names: dict[str, str], tags: Tags) -> None:
    group = tags.group(folium.FeatureGroup(name="Corridors", show=True).add_to(fmap))
    country_of = dict(zip(atlas.places["id"], atlas.places["country"]))
    for row in records(atlas.corridors):
        colour = style.corridor_colour(row["exploitation"])
        line = polyline(
            row.geometry,
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
        tags.add("corridor", [line], group, span(row["period_start"], row["period_end"]), **corridor_tags(row, country_of))


def _add_places(fmap: folium.Map, atlas: Atlas, tags: Tags) -> list[dict]:
    """Place markers by role; returns the page's permanent labels (by zoom and importance)."""
    group = tags.group(folium.FeatureGroup(name="Places (source, transit, destination)", show=True).add_to(fmap))
    roles = place_roles(atlas.corridors)
    through: dict[str, list[str]] = {}
    drawn_at: dict[str, set[tuple[float, float]]] = {}
    on: dict[str, list[str]] = {}
    for c in records(atlas.corridors):
        for pid, lonlat in zip(c["waypoints"], c["waypoint_lonlat"]):
            through.setdefault(pid, []).append(c["name"])
            on.setdefault(pid, []).append(c["id"])
            drawn_at.setdefault(pid, set()).add(lonlat)
    weight = atlas.hotspots["place"].value_counts().to_dict()
    placed = []
    for row in records(atlas.places):
        if row["id"] not in roles:
            continue  # a place used only by hotspots/support is drawn by them
        fill, edge, radius, _ = style.ROLE[style.main_role(roles[row["id"]])]
        label = row["name"] + (f" ({row['name_local']})" if isinstance(row.get("name_local"), str) else "")
        html = popups.place(row, roles[row["id"]], through[row["id"]])
        markers = []
        importance = 2 * len(through[row["id"]]) + weight.get(row["id"], 0) + (row["kind"] != "country")
        for lon, lat in sorted(drawn_at[row["id"]]):  # beside a line across the antimeridian too
            placed.append((row["id"], row["name"], (lon, lat), importance))
            markers.append(
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
            )
        tags.add("place", markers, group, id=row["id"], w=on[row["id"]])
    symbols = [(g.x, g.y) for frame in (atlas.hotspots, atlas.support) for g in frame.geometry]
    return label_zooms(placed, markers=symbols)


def _add_hotspots(fmap: folium.Map, atlas: Atlas, tags: Tags) -> list[str]:
    kinds = [k for k in style.HOTSPOT_KIND if k in set(atlas.hotspots["kind"])]
    for kind in kinds:
        label, marker = style.HOTSPOT_KIND[kind]
        group = tags.group(folium.FeatureGroup(name=f"Hotspots: {label}", show=True).add_to(fmap))
        icon_html = style.marker_svg(marker, fill=style.HOTSPOT_FILL, edge=style.HOTSPOT_EDGE)
        for row in records(atlas.hotspots[atlas.hotspots["kind"] == kind]):
            drawn = hotspot_marker(atlas, row, icon_html, size=20, class_name="tipmap-hotspot").add_to(group)
            period, found = point_tags(row, thematic=True)
            tags.add("hotspot", [drawn], group, period, **found)
    if len(atlas.hotspots):
        tags.heat = (
            HeatMap(
                [(row.geometry.y, row.geometry.x, float(row["intensity"])) for row in records(atlas.hotspots)],
                name="Hotspot intensity (heat)",
                radius=35,
                blur=25,
                min_opacity=0.3,
                gradient=style.HEAT_GRADIENT,
                show=True,
            )
            .add_to(fmap)
            .get_name()
        )
    return kinds


def _add_support(fmap: folium.Map, atlas: Atlas, tags: Tags) -> None:
    if not len(atlas.support):
        return
    group = tags.group(folium.FeatureGroup(name="Support organisations", show=True).add_to(fmap))
    icon_html = style.marker_svg("o", fill=style.SUPPORT_FILL, edge=style.SUPPORT_EDGE, size=16)
    for row in records(atlas.support):
        drawn = folium.Marker(
            (row.geometry.y, row.geometry.x),
            icon=folium.DivIcon(html=icon_html, icon_size=(16, 16), icon_anchor=(8, 8), class_name="tipmap-support"),
            popup=folium.Popup(popups.support(atlas, row), max_width=380),
            tooltip=folium.Tooltip(text(f"{row['name']} ({style.SUPPORT_KIND[row['kind']]})")),
        ).add_to(group)
        tags.add("support", [drawn], group, point_tags(row, thematic=False)[0], **point_tags(row, thematic=False)[1])


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
    with pause_gc():  # thousands of new elements: the collector would scan them (and the imports) again and again
        page = page_html(map_of(result, title=title, offline=offline), offline=offline)
    write_atomically(path, lambda tmp: tmp.write_text(page, encoding="utf-8"), force=force)
