"""The printed outreach plan: a PDF on A4 or Letter that a team takes into the field.

Page 1: the audience stamp, the title (wrapped to the page), the plan's summary, a map of
the area (towns and countries named, sites numbered in visiting order, a scale bar), then
the site table; further pages carry the rest of the table. Every page repeats the stamp
and a footer with the page number. Every text is placed by the layout below, inside the
page's margins, and none over the map: ``page_layout`` returns the boxes so tests can
check what the PDF says against them.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from tipmap.maps import style
from tipmap.maps.phone import STAMPS
from tipmap.maps.plaintext import plain_figure
from tipmap.routes.outreach import OutreachPlan, leg_text

PAPERS = {"a4": (8.27, 11.69), "letter": (8.5, 11.0)}
MARGIN_IN = 0.5
AREA_COLOUR, TOUR_COLOUR, TEAM_FILL = "#0072B2", "#555555", "#009E73"
#: Table columns: header and share of the width.
COLUMNS = (("#", 0.05), ("Site", 0.27), ("Kind", 0.14), ("From previous", 0.17), ("Notes", 0.37))
ROW_PT, TABLE_FONT = 11.5, 8.0
SOURCE = "Basemap: Natural Earth (public domain); towns: GeoNames (CC BY 4.0); distances geodesic (WGS84); made with tipmap"


@dataclass(frozen=True)
class Layout:
    """Where things go on the first page, in figure fractions (x0, y0, x1, y1)."""

    width_in: float
    height_in: float
    map_box: tuple[float, float, float, float]
    title_lines: tuple[str, ...]
    summary_lines: tuple[str, ...]
    table_top: float


def text_width_pt(value: str, size: float, *, bold: bool = False) -> float:
    """The width in points of ``value`` set in DejaVu Sans at ``size`` (measured, not guessed)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family="DejaVu Sans", size=size, weight="bold" if bold else "normal")
    return TextToPath().get_text_width_height_descent(value, prop, ismath=False)[0]


def wrap_to(value: str, width_in: float, size: float, *, bold: bool = False) -> list[str]:
    """``value`` in lines no wider than ``width_in`` (words kept whole unless one alone is too wide)."""
    limit = width_in * 72
    lines: list[str] = []
    for paragraph in value.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width_pt(candidate, size, bold=bold) <= limit:
                line = candidate
                continue
            if line:
                lines.append(line)
            while text_width_pt(word, size, bold=bold) > limit and len(word) > 1:
                cut = max(1, next(n for n in range(len(word), 0, -1) if text_width_pt(word[:n], size, bold=bold) <= limit))
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines or [""]


def page_layout(plan: OutreachPlan, title: str, paper: str = "a4") -> Layout:
    """The first page's layout: title and summary wrapped to the page, the map under them."""
    width, height = PAPERS[paper]
    usable = width - 2 * MARGIN_IN
    title_lines = tuple(wrap_to(title, usable, 15, bold=True))
    summary_lines = tuple(wrap_to(summary_text(plan), usable, 8.5))
    top = 1 - (MARGIN_IN + 0.35) / height  # under the stamp line
    used_in = len(title_lines) * 15 * 1.25 / 72 + len(summary_lines) * 8.5 * 1.35 / 72 + 0.2
    map_top = top - used_in / height
    map_height = min(0.46, map_top - 0.30)
    box = (MARGIN_IN / width, map_top - map_height, 1 - MARGIN_IN / width, map_top)
    return Layout(width, height, box, title_lines, summary_lines, box[1] - 0.25 / height)


def summary_text(plan: OutreachPlan) -> str:
    """The plan in three lines: area and base, sites and route total, what was withheld."""
    return (
        f"Sites {plan.area_label}. Base: {plan.base.describe()}\n"
        f"{len(plan.sites)} sites; route total {plan.tour_km:,.1f} km round trip from the base "
        "(geodesic, straight legs; roads are longer)\n"
        f"{plan.withheld}"
    )


def table_rows(plan: OutreachPlan) -> list[tuple[str, ...]]:
    """(order, name, kind, from previous, notes) per stop in visiting order, then the way back."""
    order = sorted(plan.sites, key=lambda s: s.visit)
    rows = []
    for i, site in enumerate(order):
        leg = plan.legs_km[i] if i < len(plan.legs_km) else 0.0
        bearing = plan.bearings[i] if i < len(plan.bearings) else 0.0
        rows.append(
            (
                str(site.visit),
                site.name,
                site.kind.replace("_", " "),
                leg_text(leg, bearing),
                site.notes,
            )
        )
    if order and len(plan.legs_km) > len(order):
        bearing = plan.bearings[len(order)] if len(plan.bearings) > len(order) else 0.0
        back = leg_text(plan.legs_km[len(order)], bearing)
        rows.append(("", f"Back to base: {plan.base.name}", "", back, ""))
    return rows


def _stamp_and_footer(fig: Figure, audience: str, page: int, pages: int, width: float, height: float) -> None:
    label, colour = STAMPS.get(audience, STAMPS["internal"])
    left, right = MARGIN_IN / width, 1 - MARGIN_IN / width
    stamp = {"fc": colour, "ec": "none", "pad": 2}
    fig.text(left, 1 - MARGIN_IN / height, label, fontsize=10, fontweight="bold", color="white", va="top", bbox=stamp)
    fig.text(right, 1 - MARGIN_IN / height, f"page {page} of {pages}", fontsize=8, ha="right", va="top")
    footer = "\n".join(wrap_to(f"{label}. {SOURCE}", width - 2 * MARGIN_IN, 6.5))
    fig.text(left, MARGIN_IN / height, footer, fontsize=6.5, va="bottom", color="#333333", linespacing=1.2)


def _draw_map(fig: Figure, plan: OutreachPlan, box: tuple[float, float, float, float]) -> None:
    from tipmap.maps.print_map import draw_plan_map

    ax = fig.add_axes((box[0], box[1], box[2] - box[0], box[3] - box[1]))
    draw_plan_map(ax, plan, colours={"hotspot": style.HOTSPOT_FILL, "team": TEAM_FILL, "support": style.SUPPORT_FILL})


def _table(fig: Figure, rows: list[tuple[str, ...]], top: float, bottom: float, width: float, height: float) -> int:
    """Draw rows from the top of the space down; return how many fitted."""
    left, usable = MARGIN_IN / width, 1 - 2 * MARGIN_IN / width
    line = ROW_PT / 72 / height
    y = top
    x = left
    for header, share in COLUMNS:
        fig.text(x, y, header, fontsize=TABLE_FONT, fontweight="bold", va="top")
        x += share * usable
    y -= line * 1.2
    fig.add_artist(_rule(left, left + usable, y + line * 0.15))
    done = 0
    for row in rows:
        cells = [wrap_to(value, share * usable * width - 0.08, TABLE_FONT) for value, (_, share) in zip(row, COLUMNS)]
        lines = max(len(c) for c in cells)
        if y - lines * line < bottom:
            break
        x = left
        for cell, (_, share) in zip(cells, COLUMNS):
            fig.text(x, y, "\n".join(cell), fontsize=TABLE_FONT, va="top", linespacing=1.15)
            x += share * usable
        y -= lines * line + line * 0.25
        done += 1
    return done


def _rule(x0: float, x1: float, y: float):
    from matplotlib.lines import Line2D

    return Line2D([x0, x1], [y, y], color="#888888", linewidth=0.6)


def write_plan_pdf(
    plan: OutreachPlan, path, *, title: str, audience: str, paper: str = "a4", metadata: dict | None = None
) -> int:
    """Write the printable plan to ``path``; return the number of pages."""
    import matplotlib

    layout = page_layout(plan, title, paper)
    width, height = layout.width_in, layout.height_in
    rows = table_rows(plan) + [("", "Route total", "", f"{plan.tour_km:,.1f} km", "")]
    bottom = (MARGIN_IN + 0.3) / height
    figures = []
    with matplotlib.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans"}):
        fig = Figure(figsize=(width, height))
        y = 1 - (MARGIN_IN + 0.35) / height
        fig.text(MARGIN_IN / width, y, "\n".join(layout.title_lines), fontsize=15, fontweight="bold", va="top", linespacing=1.1)
        y -= len(layout.title_lines) * 15 * 1.25 / 72 / height
        fig.text(MARGIN_IN / width, y, "\n".join(layout.summary_lines), fontsize=8.5, va="top", linespacing=1.2)
        _draw_map(fig, plan, layout.map_box)
        done = _table(fig, rows, layout.table_top, bottom, width, height)
        figures.append(fig)
        while done < len(rows):
            fig = Figure(figsize=(width, height))
            more = _table(fig, rows[done:], 1 - (MARGIN_IN + 0.45) / height, bottom, width, height)
            if more == 0:  # one row taller than a page: should not happen with wrapped cells
                raise ValueError("a table row does not fit on a page")
            done += more
            figures.append(fig)
        with PdfPages(path, metadata=metadata or {}) as pdf:
            for number, fig in enumerate(figures, start=1):
                _stamp_and_footer(fig, audience, number, len(figures), width, height)
                pdf.savefig(plain_figure(fig))  # data text stays text: no TeX maths, no control characters
    return len(figures)
