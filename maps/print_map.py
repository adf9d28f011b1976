"""The map of a printed outreach plan: land and borders, names, the area, the route, a scale.

Drawn in a Lambert azimuthal equal-area projection centred on the area. Town names come
from GeoNames (most populous first; a name that would overlap one already placed, a
site number or the scale bar is left out); country names are placed inside the frame.
"""

from __future__ import annotations

from tipmap.routes import cartography as carto
from tipmap.routes.outreach import OutreachPlan

AREA_COLOUR, TOUR_COLOUR = "#0072B2", "#555555"
TOWN_FONT, COUNTRY_FONT = 7.0, 8.5
MAX_TOWNS = 40


def draw_plan_map(ax, plan: OutreachPlan, *, colours: dict[str, str]) -> dict[str, int]:
    """Draw the plan on ``ax``; return how many towns and countries were named."""
    west, south, east, north = plan.area.bounds
    pad_x, pad_y = max((east - west) * 0.06, 0.01), max((north - south) * 0.06, 0.01)
    view = carto.View(west - pad_x, max(south - pad_y, -89.0), east + pad_x, min(north + pad_y, 89.0))
    crs = carto.projection_for(view)
    box = ax.get_window_extent()
    x0, y0, x1, y1 = carto.projected_extent(view, crs, aspect=box.width / box.height)
    ax.set_facecolor("#DDE8F0")
    countries = carto.basemap_in_crs(view, crs)
    if len(countries):
        countries.plot(ax=ax, color="#F4F3EF", edgecolor="#8C7F8E", linewidth=0.8, zorder=1)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    taken: list[tuple[float, float, float, float]] = []
    ((bx, by),) = carto.project_points([(plan.base.lon, plan.base.lat)], crs, view)
    for piece in carto.project_lines([plan.area.exterior], crs, view)[0]:
        xs, ys = zip(*piece)
        ax.plot(xs, ys, color=AREA_COLOUR, linestyle=(0, (5, 3)), linewidth=1.3, zorder=3)
    order = sorted(plan.sites, key=lambda s: s.visit)
    pts = carto.project_points([(s.lon, s.lat) for s in order], crs, view)
    path = [(bx, by), *pts, (bx, by)]
    ax.plot([p[0] for p in path], [p[1] for p in path], color=TOUR_COLOUR, linestyle=(0, (1, 2)), linewidth=1.0, zorder=4)
    ax.scatter([bx], [by], marker="*", s=180, c="white", edgecolors="black", zorder=6)
    span = (x1 - x0, y1 - y0)
    for site, (x, y) in zip(order, pts):
        ax.scatter([x], [y], s=110, c=colours.get(site.layer, "#CCCCCC"), edgecolors="black", linewidths=0.6, zorder=6)
        ax.text(x, y, str(site.visit), ha="center", va="center", fontsize=5.5, fontweight="bold", zorder=7)
        taken.append(_box(ax, x, y, 2, 1, span, font=9))
    scale = _scale_bar(ax, crs, view, (x0, y0, x1, y1))
    taken.append(scale)
    named = _countries(ax, countries, (x0, y0, x1, y1), taken)
    towns = _towns(ax, crs, view, (x0, y0, x1, y1), taken)
    return {"towns": towns, "countries": named}


def _box(ax, x: float, y: float, chars: int, lines: int, span, *, font: float) -> tuple[float, float, float, float]:
    """The data-space box of a centred text of ``chars`` characters and ``lines`` lines."""
    bbox = ax.get_window_extent()
    per_x = span[0] / (bbox.width * 72 / ax.figure.dpi)  # data units per point
    per_y = span[1] / (bbox.height * 72 / ax.figure.dpi)
    half_w, half_h = chars * font * 0.3 * per_x + 2 * per_x, lines * font * 0.65 * per_y
    return (x - half_w, y - half_h, x + half_w, y + half_h)


def _free(box, taken, extent) -> bool:
    x0, y0, x1, y1 = extent
    if box[0] < x0 or box[2] > x1 or box[1] < y0 or box[3] > y1:
        return False
    return not any(box[0] < t[2] and t[0] < box[2] and box[1] < t[3] and t[1] < box[3] for t in taken)


def _towns(ax, crs, view, extent, taken) -> int:
    from tipmap.routes.placenames import geonames_cities

    x0, y0, x1, y1 = extent
    inside = [
        c
        for c in geonames_cities()
        if view.west <= c["longitude"] <= view.east and view.south <= c["latitude"] <= view.north and c["population"]
    ]
    inside.sort(key=lambda c: -int(c["population"]))
    points = carto.project_points([(c["longitude"], c["latitude"]) for c in inside[:400]], crs, view)
    placed = 0
    for city, (x, y) in zip(inside, points):
        if placed >= MAX_TOWNS:
            break
        name = city["name"]
        box = _place_label(ax, x, y, name, taken, extent)
        if box is None:
            continue
        taken.append(box)
        ax.scatter([x], [y], s=6, c="#333333", zorder=5)
        ax.text(
            (box[0] + box[2]) / 2,
            (box[1] + box[3]) / 2,
            name,
            ha="center",
            va="center",
            fontsize=TOWN_FONT,
            color="#222222",
            zorder=5,
            bbox={"fc": "white", "ec": "none", "alpha": 0.6, "pad": 0.5},
        )
        placed += 1
    return placed


def _place_label(ax, x: float, y: float, name: str, taken, extent):
    """The first free box for a town's name: below, above, right or left of its dot."""
    span = (extent[2] - extent[0], extent[3] - extent[1])
    probe = _box(ax, x, y, len(name), 1, span, font=TOWN_FONT)
    half_w, half_h = (probe[2] - probe[0]) / 2, (probe[3] - probe[1]) / 2
    gap = span[1] * 0.008
    for dx, dy in ((0, -(half_h + gap)), (0, half_h + gap), (half_w + gap, 0), (-(half_w + gap), 0)):
        box = (probe[0] + dx, probe[1] + dy, probe[2] + dx, probe[3] + dy)
        if _free(box, taken, extent):
            return box
    return None


def _countries(ax, countries, extent, taken) -> int:
    from shapely.geometry import box as shape_box

    names = dict(zip(countries["iso_a2"], countries["name"]))
    frame = shape_box(*extent)
    placed = 0
    for iso, geom in zip(countries["iso_a2"], countries.geometry):
        if not iso or iso not in names:
            continue
        inside = geom.intersection(frame)
        if inside.is_empty or inside.area < frame.area * 0.03:
            continue
        point = inside.representative_point()
        name = str(names.pop(iso)).upper()
        box = _box(ax, point.x, point.y, len(name), 1, (extent[2] - extent[0], extent[3] - extent[1]), font=COUNTRY_FONT)
        if not _free(box, taken, extent):
            continue
        taken.append(box)
        ax.text(
            point.x, point.y, name, ha="center", va="center", fontsize=COUNTRY_FONT, color="#6B5B6E", zorder=2, fontweight="bold"
        )
        placed += 1
    return placed


def _scale_bar(ax, crs, view, extent) -> tuple[float, float, float, float]:
    """A scale bar at the bottom left, about a fifth of the frame wide; return its box."""
    x0, y0, x1, y1 = extent
    km_per_unit = carto.scale_km_per_unit(crs, view)
    length_km = carto.nice_length_km((x1 - x0) * 0.22 * km_per_unit)
    length = length_km / km_per_unit
    left, base = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.05
    ax.fill_between(
        [left - (x1 - x0) * 0.015, left + length + (x1 - x0) * 0.015],
        base - (y1 - y0) * 0.025,
        base + (y1 - y0) * 0.065,
        color="white",
        alpha=0.8,
        zorder=7,
        linewidth=0,
    )
    ax.plot([left, left + length], [base, base], color="black", linewidth=2.5, solid_capstyle="butt", zorder=8)
    label = f"{length_km:g} km"
    ax.text(left + length / 2, base + (y1 - y0) * 0.015, label, ha="center", va="bottom", fontsize=7, zorder=8)
    return (left - (x1 - x0) * 0.015, base - (y1 - y0) * 0.025, left + length + (x1 - x0) * 0.015, base + (y1 - y0) * 0.065)
