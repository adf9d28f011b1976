"""Static maps for slides and print (matplotlib, Agg backend; no display, no network).

Steps: figure and panels, projection for the extent, basemap with country names,
corridors with arrowheads, places, hotspots and support, labels without overlaps,
scale bar and north arrow, legend, title, source line and attribution.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from tipmap.maps import style
from tipmap.maps.fonts import label_for
from tipmap.maps.labels import Placer
from tipmap.maps.plaintext import plain_figure, plain_metadata
from tipmap.maps.static_arrows import Head, HeadCollection, draw_heads, draw_strokes
from tipmap.maps.static_basemap import draw_land
from tipmap.maps.static_layers import draw_user_layers
from tipmap.maps.static_png import write_png
from tipmap.maps.static_text import FONT, PlotReport, draw_legend, draw_texts, file_metadata
from tipmap.routes import cartography as carto
from tipmap.routes.atlas import Atlas
from tipmap.routes.errors import OutputError, UsageProblem
from tipmap.routes.jobs import AtlasResult
from tipmap.routes.output import write_atomically
from tipmap.routes.select import place_roles
from tipmap.routes.tables import country_names

#: Size presets in inches (slide: 1920x1080 px at 150 dpi; a4 landscape; square).
SIZES: dict[str, tuple[float, float]] = {"slide": (12.8, 7.2), "a4": (11.69, 8.27), "square": (7.2, 7.2)}
FORMATS: dict[str, str] = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
LABEL_LANGS = ("en", "local", "both")
MIN_DPI, MAX_DPI, MAX_PIXELS = 50, 1200, 12_000

OCEAN, LAND, LAND_FOCUS, BORDER = "#DDE8F0", "#F4F3EF", "#E6E2D6", "#8C8C8C"


def parse_size(size: str, dpi: int) -> tuple[float, float]:
    """Figure size in inches from a preset name or WIDTHxHEIGHT in pixels."""
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise UsageProblem(f"--dpi {dpi} is outside {MIN_DPI}-{MAX_DPI}")
    if size in SIZES:
        width, height = SIZES[size]
    else:
        match = re.fullmatch(r"(\d+)x(\d+)", size.strip().lower())
        if not match:
            raise UsageProblem(f"--size '{size}' is not slide, a4, square or WIDTHxHEIGHT in pixels (e.g. 1600x900)")
        width, height = int(match[1]) / dpi, int(match[2]) / dpi
    px = (round(width * dpi), round(height * dpi))
    if min(px) < 300 or max(px) > MAX_PIXELS:
        raise UsageProblem(f"size {px[0]}x{px[1]} px is impossible: each side must be 300-{MAX_PIXELS} px")
    return width, height


def output_format(path: str | Path) -> str:
    """png, svg or pdf from the file suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise OutputError(f"{path}: unknown format '{suffix or '(none)'}'; use .png, .svg or .pdf")
    return FORMATS[suffix]


def write_static(
    result: AtlasResult,
    output: str | Path,
    *,
    title: str = "Trafficking routes",
    subtitle: str | None = None,
    size: str = "slide",
    dpi: int = 150,
    labels: bool = True,
    label_lang: str = "en",
    force: bool = False,
    atlas_drawn: bool = True,
) -> PlotReport:
    """Draw a job's result and write a PNG/SVG/PDF atomically; return what was drawn
    (``atlas_drawn=False``: the job left the atlas's records out, ``--no-atlas``)."""
    fmt = output_format(output)
    inches = parse_size(size, dpi)
    if label_lang not in LABEL_LANGS:
        raise UsageProblem(f"--label-lang '{label_lang}' is not one of {', '.join(LABEL_LANGS)}")
    fig, report = plot_atlas(
        result.atlas,
        title=title,
        subtitle=subtitle,
        inches=inches,
        dpi=dpi,
        labels=labels,
        label_lang=label_lang,
        audience=result.selection.audience,
        view_bounds=result.view,
        layers=result.layers,
        raster=fmt == "png",
        atlas_drawn=atlas_drawn,
    )
    with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42, "svg.hashsalt": "tipmap"}):
        stamp = json.dumps(result.manifest, ensure_ascii=False, sort_keys=True)
        metadata = plain_metadata(file_metadata(fmt, title, stamp))
        if fmt == "png":
            write_atomically(output, lambda tmp: write_png(plain_figure(fig), tmp, dpi=dpi, metadata=metadata), force=force)
        else:
            save = plain_figure(fig).savefig
            write_atomically(output, lambda tmp: save(tmp, format=fmt, dpi=dpi, metadata=metadata), force=force)
    return report


def plot_atlas(
    atlas: Atlas,
    *,
    title: str,
    subtitle: str | None = None,
    inches: tuple[float, float] = SIZES["slide"],
    dpi: int = 150,
    labels: bool = True,
    label_lang: str = "en",
    audience: str = "public",
    view_bounds: tuple[float, float, float, float] | None = None,
    layers: tuple = (),
    raster: bool = False,
    atlas_drawn: bool = True,
) -> tuple[Figure, PlotReport]:
    """Draw ``atlas`` (already selected) and the user's ``layers`` on a new figure; for a
    ``raster`` output (PNG at ``dpi``), land is simplified to a quarter of a pixel. Without
    ``atlas_drawn`` (``--no-atlas``), the footer does not report what the atlas withheld."""
    report = PlotReport(corridors=len(atlas.corridors), hotspots=len(atlas.hotspots), support=len(atlas.support))
    if not atlas_drawn:  # --no-atlas: what the gate kept from the atlas is not this slide's business
        report.withheld = f"audience: {audience}; the atlas is not drawn, only your data"
    elif atlas.redaction is not None:
        report.withheld = atlas.redaction.describe()
    else:
        report.withheld = f"audience: {audience}"
    fig = Figure(figsize=inches, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.012, 0.085, 0.735, 0.775))
    view = carto.View(*view_bounds) if view_bounds else carto.view_of(_coordinates(atlas, layers))
    crs = carto.projection_for(view)
    box = ax.get_window_extent()
    extent = carto.projected_extent(view, crs, aspect=box.width / box.height)
    report.crs, report.centre = crs.srs, view.centre
    countries = carto.basemap_in_crs(view, crs)
    _draw_basemap(ax, atlas, countries, (extent[2] - extent[0]) / box.width / 4 if raster else 0.0)
    ax.set_xlim(extent[0], extent[2])  # before the arrowheads, which leave out tips outside
    ax.set_ylim(extent[1], extent[3])
    drawn = _draw_features(ax, atlas, view, crs)
    drawn["user"] = draw_user_layers(ax, layers, view, crs)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    placer = Placer.on(ax, _marker_boxes(ax))
    _draw_scale_and_north(ax, crs, view, extent, report, placer)
    if labels:
        _draw_labels(ax, atlas, view, crs, placer, label_lang, report)
    _draw_country_names(ax, countries, extent, placer)
    draw_legend(fig, atlas, drawn)
    draw_texts(fig, atlas, title, subtitle, audience, crs, view, report, layers)
    return fig, report


def _draw_basemap(ax, atlas: Atlas, countries, tolerance: float) -> None:
    ax.set_facecolor(OCEAN)
    touched = {c for cs in atlas.corridors["countries"] for c in cs} | set(atlas.hotspots["country"])
    focus = countries["iso_a2"].isin(touched)
    for part, fill, width in ((countries[~focus], LAND, 0.5), (countries[focus], LAND_FOCUS, 0.6)):
        draw_land(ax, part, fill=fill, edge=BORDER, width=width, tolerance=tolerance)


def _draw_features(ax, atlas: Atlas, view: carto.View, crs) -> dict[str, set]:
    drawn: dict[str, set] = {"exploitation": set(), "confidence": set(), "roles": set(), "kinds": set(), "drawn_by": set()}
    lines = carto.project_lines(list(atlas.corridors.geometry), crs, view)
    heads: list[Head] = []
    strokes: list[tuple] = []  # (piece, colour, width, dash), in drawing order
    drawn_by = _column(atlas.corridors, "drawn_by")
    rows = zip(atlas.corridors["exploitation"], atlas.corridors["confidence"], drawn_by)
    for (exploitation, confidence, how), pieces in zip(rows, lines):
        colour = style.corridor_colour(exploitation)
        width = style.CONFIDENCE_WIDTH[confidence] * 0.6
        dash = (0, (4, 3)) if style.CONFIDENCE_DASH[confidence] else "solid"
        dash = style.DRAWN_BY_MPL_DASH.get(how, dash)  # chosen / country-level first
        strokes += [(piece, colour, width, dash) for piece in pieces]
        heads += _arrowheads(pieces, colour)
        drawn["exploitation"].add(exploitation[0])
        drawn["confidence"].add(confidence)
        drawn["drawn_by"].add(how)
    draw_strokes(ax, strokes, zorder=3)
    draw_heads(ax, heads, zorder=4)
    roles = place_roles(atlas.corridors)
    place_ids, place_xy = atlas.places["id"].to_numpy(), _points(atlas.places, crs, view)
    for role in ("transit", "source", "destination"):
        ids = [p for p, r in roles.items() if style.main_role(r) == role]
        xy = place_xy[np.isin(place_ids, ids)]
        if len(xy):
            fill, edge, radius, _ = style.ROLE[role]
            ax.scatter(*xy.T, s=(radius * 1.3) ** 2, c=fill, edgecolors=edge, linewidths=1.0, zorder=5, gid="tipmap-points")
            drawn["roles"].add(role)
    kinds, hotspot_xy = atlas.hotspots["kind"].to_numpy(), _points(atlas.hotspots, crs, view)
    for kind, (_, marker) in style.HOTSPOT_KIND.items():
        xy = hotspot_xy[kinds == kind]
        if len(xy):
            ax.scatter(*xy.T, s=110, marker=marker, c=style.HOTSPOT_FILL, edgecolors=style.HOTSPOT_EDGE, linewidths=1.0,
                       zorder=6, gid="tipmap-points")  # fmt: skip
            drawn["kinds"].add(kind)
    if len(atlas.support):
        xy = _points(atlas.support, crs, view)
        ax.scatter(*xy.T, s=45, c=style.SUPPORT_FILL, edgecolors=style.SUPPORT_EDGE, linewidths=0.8, zorder=6,
                   gid="tipmap-points")  # fmt: skip
    return drawn


def _points(frame, crs, view: carto.View) -> np.ndarray:
    """A frame's points projected, row for row (an n x 2 array)."""
    import shapely

    lonlat = shapely.get_coordinates(frame.geometry.values).tolist()
    return np.array(carto.project_points(lonlat, crs, view), dtype=float).reshape(-1, 2)


def _arrowheads(pieces, colour: str) -> list[Head]:
    """An arrowhead at the middle and at the end of each drawn corridor."""
    heads = []
    for piece in pieces:
        if len(piece) < 2:
            continue
        for index in sorted({max(1, len(piece) // 2), len(piece) - 1}):
            heads.append(Head(tuple(piece[index]), tuple(piece[index - 1]), colour, 16))
    return heads


def _draw_scale_and_north(ax, crs, view, extent, report: PlotReport, placer: Placer) -> None:
    x0, y0, x1, y1 = extent
    km_per_unit = carto.scale_km_per_unit(crs, view)
    length_km = carto.nice_length_km((x1 - x0) * km_per_unit * 0.22)
    units = length_km / km_per_unit
    report.scale_km, report.scale_units = length_km, units
    bx, by = x0 + (x1 - x0) * 0.03, y0 + (y1 - y0) * 0.05
    thick = (y1 - y0) * 0.008
    for i in range(4):
        ax.add_patch(
            matplotlib.patches.Rectangle(
                (bx + units * i / 4, by),
                units / 4,
                thick,
                facecolor="black" if i % 2 == 0 else "white",
                edgecolor="black",
                linewidth=0.8,
                zorder=8,
            )
        )
    _scale_labels(ax, bx, by + thick * 1.6, units, length_km)
    ax.text(bx, by - thick * 0.8, "Scale true at the map centre", ha="left", va="top", fontsize=FONT["small"], color="#333333")
    nx, ny = x0 + (x1 - x0) * 0.04, y1 - (y1 - y0) * 0.14
    angle = carto.north_angle_deg(crs, *view.centre)  # north at the map centre, like the scale
    _north_arrow(ax, nx, ny, (y1 - y0) * 0.07, angle)
    renderer = ax.figure.canvas.get_renderer()
    placer.placed.extend(t.get_window_extent(renderer) for t in ax.texts)
    placer.placed.extend(box for c in ax.collections if isinstance(c, HeadCollection) for box in c.obstacles())


def _scale_labels(ax, x: float, y: float, units: float, length_km: float) -> None:
    """0, the middle and the length over the scale bar's ticks, then "km" after the last number
    (so the numbers stay centred on their ticks); the middle one is left out where it would
    come within 4 pt of a neighbour."""
    from matplotlib.transforms import offset_copy

    renderer = ax.figure.canvas.get_renderer()
    numbers = [
        ax.text(x + units * frac, y, text, ha="center", va="bottom", fontsize=FONT["small"], zorder=8, gid="tipmap-scale-label")
        for frac, text in ((0, "0"), (0.5, f"{length_km / 2:g}"), (1, f"{length_km:g}"))
    ]
    boxes = [t.get_window_extent(renderer) for t in numbers]
    after = boxes[2].width / 2 * 72 / ax.figure.dpi + 3  # points from the last tick to "km": a space
    ax.text(x + units, y, "km", ha="left", va="bottom", fontsize=FONT["small"], zorder=8, gid="tipmap-scale-label",
            transform=offset_copy(ax.transData, ax.figure, x=after, units="points"))  # fmt: skip
    room = 4 * ax.figure.dpi / 72
    if boxes[1].x0 - boxes[0].x1 < room or boxes[2].x0 - boxes[1].x1 < room:
        numbers[1].remove()


def _marker_boxes(ax) -> list:
    """Display-space boxes around every drawn point marker, for labels to avoid."""
    from matplotlib.transforms import Bbox

    boxes = []
    half = 6 * ax.figure.dpi / 72  # 6 pt
    for collection in ax.collections:
        offsets = collection.get_offsets()
        if collection.get_gid() != "tipmap-points":
            continue
        for x, y in ax.transData.transform(offsets):
            boxes.append(Bbox.from_extents(x - half, y - half, x + half, y + half))
    return boxes


def _coordinates(atlas: Atlas, layers: tuple = ()) -> list[tuple[float, float]]:
    import shapely

    coords = []
    for frame in (atlas.corridors, atlas.hotspots, atlas.support, atlas.places):
        coords += [(x, y) for x, y in shapely.get_coordinates(frame.geometry.values).tolist()]
    for layer in layers:
        if layer.kind == "hexagons":
            west, south, east, north = layer.data.bounds
            coords += [(west, south), (east, north)]
        elif layer.kind == "flows":
            coords += [c for line in layer.data.lines.geometry for c in line.coords]
    return coords


def _north_arrow(ax, x: float, y: float, length: float, angle_deg: float) -> None:
    import math

    dx, dy = -math.sin(math.radians(angle_deg)) * length, math.cos(math.radians(angle_deg)) * length
    ax.annotate(
        "",
        xy=(x + dx, y + dy),
        xytext=(x, y),
        zorder=8,
        arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.5, "mutation_scale": 18},
    )
    ax.text(x + dx * 1.25, y + dy * 1.25, "N", ha="center", va="center", fontsize=FONT["label"] + 2, fontweight="bold", zorder=8)


def _draw_labels(ax, atlas: Atlas, view, crs, placer: Placer, lang: str, report: PlotReport) -> None:
    """Hotspots (but border crossings) first, then destinations, sources and transit places.

    A place whose hotspot got a label is not labelled again.
    """
    roles = place_roles(atlas.corridors)
    order = {"destination": 1, "source": 2, "transit": 3}
    candidates = []
    hotspots, places = atlas.hotspots, atlas.places
    for kind, *candidate in zip(hotspots["kind"], hotspots["place"], hotspots["name"], _column(hotspots, "name_local"),
                                 _points(hotspots, crs, view).tolist()):  # fmt: skip
        if kind != "border_crossing":  # crossings: the town's label
            candidates.append((0, *candidate))
    for place_id, kind, *candidate in zip(places["id"], places["kind"], places["name"], _column(places, "name_local"),
                                          _points(places, crs, view).tolist()):  # fmt: skip
        if place_id in roles and kind != "country":
            candidates.append((order[style.main_role(roles[place_id])], place_id, *candidate))
    labelled: set[str] = set()
    for _, place_id, name, local, (x, y) in sorted(candidates, key=lambda c: c[0]):
        if place_id in labelled:
            continue
        label = label_for(name, local if isinstance(local, str) else None, lang)
        if label.fell_back:
            report.warnings.append(f"label '{name}': {local} cannot be drawn without text shaping; English name used")
        text = placer.place(
            label.text,
            x,
            y,
            fontsize=FONT["label"],
            family=label.family,
            zorder=9,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
        )
        if text:
            labelled.add(place_id)
            report.labels.append(name)
        else:
            report.dropped_labels.append(name)


def _column(frame, name: str) -> list:
    """A frame's column as a list, or Nones where the frame has no such column."""
    return frame[name].tolist() if name in frame else [None] * len(frame)


def _draw_country_names(ax, countries, extent, placer: Placer) -> None:
    names = country_names()
    for iso, x, y in carto.country_label_points(countries, extent):
        placer.place(
            names.get(iso, iso).upper(),
            x,
            y,
            positions=((0, 0, "center", "center"),),
            fontsize=FONT["country"],
            color="#6B6B6B",
            fontstyle="italic",
            zorder=2,
        )


warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
