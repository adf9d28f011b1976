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
from tipmap.routes.atlas import Atlas, load_atlas
from tipmap.routes.errors import SelectionError
from tipmap.routes.output import check_writable, write_atomically
from tipmap.routes.select import Selection, bounds, is_empty, place_roles, select

TILES = "Esri.WorldGrayCanvas"
TILE_HOST = "https://server.arcgisonline.com"


def build_map(
    atlas: Atlas,
    *,
    title: str = "tipmap: trafficking routes",
    audience: str = "public",
    view: tuple[float, float, float, float] | None = None,
    offline: bool = False,
    manifest: dict | None = None,
    imported: list | None = None,
) -> folium.Map:
    """A folium map of ``atlas`` (already selected) with every layer and a legend.

    The map opens on ``view`` (min lon, min lat, max lon, max lat) when given, else on
    everything drawn. ``offline`` draws the bundled Natural Earth countries instead of
    web tiles (pass the page through :func:`maps.offline.inline_assets` too).
    """
    fmap = folium.Map(tiles=None, control_scale=True, prefer_canvas=False)
    if offline:
        from tipmap.maps.offline import vector_basemap
        from tipmap.routes.cartography import web_basemap

        countries = web_basemap(view or bounds(atlas)).to_json(drop_id=True, separators=(",", ":"))
        vector_basemap(countries, land="#F4F3EF", border="#8C8C8C", sea="#DDE8F0").add_to(fmap)
    else:
        folium.TileLayer(TILES, name="Basemap", control=False).add_to(fmap)
    names = dict(zip(atlas.places["id"], atlas.places["name"]))
    _add_corridors(fmap, atlas, names)
    _add_places(fmap, atlas)
    kinds = _add_hotspots(fmap, atlas)
    _add_support(fmap, atlas)
    for add, data, name in imported or []:
        add(fmap, data, name=name)
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
    return fmap


def write_map(fmap: folium.Map, path: Path) -> None:
    """Write the map's HTML to ``path`` (callers write to a temporary file first)."""
    fmap.save(str(path))


def _add_corridors(fmap: folium.Map, atlas: Atlas, names: dict[str, str]) -> None:
    group = folium.FeatureGroup(name="Corridors", show=True).add_to(fmap)
    for _, row in atlas.corridors.iterrows():
        colour = style.corridor_colour(row["exploitation"])
        line = folium.PolyLine(
            [(lat, lon) for lon, lat in row.geometry.coords],
            color=colour,
            weight=style.CONFIDENCE_WIDTH[row["confidence"]],
            dash_array=style.CONFIDENCE_DASH[row["confidence"]],
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


def hotspot_marker(atlas: Atlas, row, icon_html: str, *, size: int, class_name: str, prefix: str = "") -> folium.Marker:
    """One hotspot's marker: its symbol, popup and tooltip (``prefix`` marks drafts)."""
    label = style.HOTSPOT_KIND[row["kind"]][0]
    return folium.Marker(
        (row.geometry.y, row.geometry.x),
        icon=folium.DivIcon(html=icon_html, icon_size=(size, size), icon_anchor=(size // 2, size // 2), class_name=class_name),
        popup=folium.Popup(popups.hotspot(atlas, row), max_width=380),
        tooltip=folium.Tooltip(text(f"{prefix}{row['name']} ({label})")),
    )


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


def render_html(
    output: str | Path,
    *,
    selection: Selection = Selection(),
    title: str = "tipmap: trafficking routes",
    data_dir: str | Path | None = None,
    offline: bool = False,
    force: bool = False,
    data: tuple[str, ...] = (),
    data_sensitivity: str = "restricted",
    reports: list | None = None,
    fit_data: bool = False,
    data_labels: dict[str, str] | None = None,
    flow_columns=None,
    no_atlas: bool = False,
    table: str | Path | None = None,
) -> Atlas:
    """Load the atlas, select, draw and write one HTML file atomically; return what was drawn.

    Leaflet and its plugins are always inlined (a Content-Security-Policy lets only the
    page's own scripts run); ``offline`` also draws Natural Earth countries instead of web
    tiles, so the page opens with the network switched off. ``data_labels`` names ``data``
    layers (path -> label); ``fit_data`` opens the map on the drafts rather than the atlas.
    ``flow_columns`` (:class:`routes.flows.FlowColumns`) names the origin/destination columns
    of case tables; ``no_atlas`` draws the user's data alone; ``table`` writes the flows as CSV.

    Raises
    ------
    TipmapError
        For invalid data, an unknown filter value, an empty selection or an unwritable
        ``output``; no file is left behind.
    """
    check_writable(output, force=force)
    if table is not None:
        check_writable(table, force=force)
    atlas = select(load_atlas(data_dir), selection)
    if no_atlas:
        atlas = _without_records(atlas)
    elif is_empty(atlas):
        raise SelectionError("the filters select nothing to draw; loosen --corridor/--country/--exploitation/--since/--until")
    from tipmap.routes.manifest import manifest

    stamp = manifest(atlas, selection)
    imported = _imported(
        data, selection=selection, sensitivity=data_sensitivity, reports=reports, labels=data_labels, flow_columns=flow_columns
    )
    if no_atlas and not imported:
        raise SelectionError("--no-atlas needs --data: there is nothing else to draw")
    if imported:
        stamp["data_files"] = [name for _, _, name in imported]
        stamp["data_flows"] = [_flow_stamp(data, name) for _, data, name in imported if hasattr(data, "domestic_by")]
    view = selection.bbox or (_drafts_view(imported) if fit_data else None) or (_data_view(imported) if no_atlas else None)
    fmap = build_map(
        atlas, title=title, audience=selection.audience, view=view, offline=offline, manifest=stamp, imported=imported
    )
    page = page_html(fmap, offline=offline)
    if table is not None:
        from tipmap.maps.imported import write_flows_table

        flows = [data for add, data, _ in imported if getattr(data, "domestic_by", None) is not None]
        write_atomically(table, lambda tmp: write_flows_table(flows, tmp), force=force)
    write_atomically(output, lambda tmp: tmp.write_text(page, encoding="utf-8"), force=force)
    return atlas


def _flow_stamp(flows, name: str) -> dict:
    """What the manifest says of one case table: every group of cases and what the filters removed."""
    return {
        "layer": name,
        "cases": flows.total,
        "drawn": int(flows.lines["cases"].sum()) if len(flows.lines) else 0,
        "domestic": flows.domestic,
        "not_drawn": flows.not_drawn,
        "removed_by_filters": flows.filtered,
        "suppressed_below": flows.min_count,
        "suppressed": flows.suppressed,
    }


def _without_records(atlas: Atlas) -> Atlas:
    """The atlas with nothing to draw (``--no-atlas``: the user's data alone)."""
    from dataclasses import replace

    return replace(
        atlas,
        corridors=atlas.corridors.iloc[:0],
        hotspots=atlas.hotspots.iloc[:0],
        support=atlas.support.iloc[:0],
        places=atlas.places.iloc[:0],
        sources=atlas.sources.iloc[:0],
    )


def _data_view(imported: list) -> tuple[float, float, float, float] | None:
    """The extent of imported flows and hexagons (``--no-atlas`` opens on them)."""
    boxes = []
    for _, data, _ in imported:
        if getattr(data, "lines", None) is not None and len(data.lines):
            boxes.append(tuple(data.lines.total_bounds))
            boxes += [(lon, lat, lon, lat) for _, lon, lat in data.domestic_points.values()]
        elif getattr(data, "bounds", None) is not None and not callable(data.bounds):
            boxes.append(data.bounds)
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _drafts_view(imported: list) -> tuple[float, float, float, float] | None:
    """The extent of the drafts among ``imported`` layers (the map of ``tipmap extract`` opens on them)."""
    from tipmap.maps.drafts import add_drafts

    boxes = [bounds(data) for add, data, _ in imported if add is add_drafts]
    boxes = [b for b in boxes if b is not None]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _imported(
    paths: tuple[str, ...],
    *,
    selection: Selection,
    sensitivity: str,
    reports: list | None,
    labels: dict[str, str] | None = None,
    flow_columns=None,
) -> list:
    """Layers for ``render --data``: CTDC-style case tables as flows, other point files as hexagons."""
    from tipmap.maps.imported import add_flows, add_hexagons
    from tipmap.routes.errors import UsageProblem
    from tipmap.routes.flows import FlowColumns, describe, is_case_table, read_flows
    from tipmap.routes.hexbin import PUBLIC_MAX_RES, aggregate
    from tipmap.routes.importer import ImportReport, iter_points, points_in_bbox

    audience = selection.audience
    flow_columns = flow_columns or FlowColumns()

    if sensitivity == "confidential" and audience != "confidential" and paths:
        raise UsageProblem("--data is marked confidential: only --audience confidential may show it")
    layers = []
    for path in paths:
        name = Path(path).name
        if Path(path).is_dir():
            layers.append(_drafts_layer(path, audience, (labels or {}).get(path)))
            continue
        if is_case_table(path, flow_columns):
            flows = read_flows(path, columns=flow_columns, selection=selection)
            layers.append((add_flows, flows, f"Case flows: {name}"))
            report = flows.report
            report.notes.extend(describe(flows))
        else:
            report = ImportReport(path)
            cap = PUBLIC_MAX_RES if audience == "public" and sensitivity == "restricted" else None
            points = iter_points(path, report=report)
            if selection.bbox is not None:  # the other filters need fields points do not have
                points = points_in_bbox(points, selection.bbox, report)
            binning = aggregate(points, max_resolution=cap)
            if binning.capped:
                report.notes.append(binning.capped)
            layers.append((add_hexagons, binning, f"Points (hexagons): {name}"))
        if reports is not None:
            reports.append(report)
    return layers


def _drafts_layer(path: str, audience: str, label: str | None) -> tuple:
    """An atlas directory given to ``--data`` (the drafts of ``tipmap extract``), drawn as drafts."""
    from tipmap.maps.drafts import add_drafts

    drafts = select(load_atlas(path), Selection(audience=audience))
    return (add_drafts, drafts, f"Drafts: {label or Path(path).resolve().name}")


def page_html(fmap: folium.Map, *, offline: bool) -> str:
    """The map's page with every script inlined and a Content-Security-Policy.

    Online pages fetch only web tiles (from the tile host the policy names); offline
    pages fetch nothing.
    """
    from tipmap.maps.offline import add_csp, inline_assets

    host = None if offline else TILE_HOST
    return add_csp(inline_assets(fmap.get_root().render()), image_host=host)
