"""The words around a static map: legend, title and subtitle, source line, audience footer,
and the file metadata that carries the manifest."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from tipmap.maps import style
from tipmap.maps.fonts import label_for
from tipmap.routes.atlas import Atlas, citation_labels

#: Font sizes (points at output size); nothing is smaller than 9 pt.
FONT = {"title": 20, "subtitle": 13, "label": 10, "country": 10, "legend": 10, "legend_title": 11, "small": 9}


@dataclass
class PlotReport:
    """What a plot drew, for the user and for tests."""

    corridors: int = 0
    hotspots: int = 0
    support: int = 0
    labels: list[str] = field(default_factory=list)
    dropped_labels: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    scale_km: float = 0.0
    scale_units: float = 0.0  # projected length of the scale bar (metres)
    crs: str = ""
    centre: tuple[float, float] = (0.0, 0.0)
    sources: list[str] = field(default_factory=list)
    withheld: str = ""


def draw_legend(fig: Figure, atlas: Atlas, drawn: dict[str, set]) -> None:
    """The legend, right of the map: only the exploitation types, confidences, roles and kinds drawn."""
    handles: list[Line2D] = []
    for key, swatch in style.EXPLOITATION.items():
        if key in drawn["exploitation"]:
            handles.append(Line2D([], [], color=swatch.colour, linewidth=3, label=swatch.label))
    for level in style.CONFIDENCE_WIDTH:
        if level in drawn["confidence"]:
            dash = (0, (4, 3)) if style.CONFIDENCE_DASH[level] else "solid"
            handles.append(
                Line2D(
                    [],
                    [],
                    color="#555555",
                    linewidth=style.CONFIDENCE_WIDTH[level] * 0.6,
                    linestyle=dash,
                    label=style.CONFIDENCE_LABEL[level],
                )
            )
    for how, dash in style.DRAWN_BY_MPL_DASH.items():
        if how in drawn.get("drawn_by", ()):
            label = textwrap.fill(style.DRAWN_BY_LABEL[how], 30)  # the legend column is narrow
            handles.append(Line2D([], [], color="#555555", linewidth=2.0, linestyle=dash, label=label))
    for role in style.ROLE:
        if role in drawn["roles"]:
            fill, edge, radius, label = style.ROLE[role]
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker="o",
                    markersize=radius * 1.3,
                    markerfacecolor=fill,
                    markeredgecolor=edge,
                    label=f"{label} place",
                )
            )
    for kind, (label, marker) in style.HOTSPOT_KIND.items():
        if kind in drawn["kinds"]:
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker=marker,
                    markersize=10,
                    markerfacecolor=style.HOTSPOT_FILL,
                    markeredgecolor=style.HOTSPOT_EDGE,
                    label=f"{label} (hotspot)",
                )
            )
    for label in drawn.get("user", ()):  # the user's --data layers, as static_layers drew them
        if label.startswith("flows:"):
            handles.append(Line2D([], [], color=style.FLOW_COLOUR, linewidth=3, alpha=0.6, label=textwrap.fill(label[6:], 30)))
        else:
            handles.append(
                Line2D([], [], linestyle="none", marker="h", markersize=11, markerfacecolor=style.HEX_RAMP[2],
                       markeredgecolor="#333333", label=textwrap.fill(label[9:], 30))
            )  # fmt: skip
    if len(atlas.support):
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markersize=7,
                markerfacecolor=style.SUPPORT_FILL,
                markeredgecolor=style.SUPPORT_EDGE,
                label="Support organisation",
            )
        )
    legend = fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.755, 0.865),
        frameon=False,
        fontsize=FONT["legend"],
        title="Legend",
        title_fontsize=FONT["legend_title"],
        alignment="left",
    )
    legend.set_gid("tipmap-legend")


def source_line(documents: list[str], layers: tuple = ()) -> str:
    """"Sources: ..." for the atlas's documents (their quotes are in the atlas) and the user's layers."""
    parts = [f"{'; '.join(documents)} (quotes in the tipmap atlas)"] if documents else []
    parts += [f"{layer.label} (your data)" for layer in layers]
    return f"Sources: {'; '.join(parts) or 'none'}"


def _fitted(fig: Figure, line: str, *, x: float, y: float, width: float, fontsize: float) -> None:
    """``line`` at (x, y) within ``width`` of the figure, wrapped upward onto more lines when
    it is too long (never smaller type: slides keep 9 pt; never cut: every source must show)."""
    import textwrap

    text = fig.text(x, y, line, fontsize=fontsize, ha="left", va="baseline")
    room = width * fig.bbox.width
    wide = text.get_window_extent(fig.canvas.get_renderer()).width
    if wide <= room:
        return
    text.set_text("\n".join(textwrap.wrap(line, max(20, int(len(line) * room / wide * 0.97)))))
    text.set_va("bottom")
    text.set_y(y - 0.013)


def draw_texts(
    fig: Figure, atlas: Atlas, title: str, subtitle, audience: str, crs, view, report: PlotReport, layers: tuple = ()
) -> None:
    """Title and subtitle, the source line, basemap and projection credit, the audience footer
    (what was withheld) and, for the confidential audience, the CONFIDENTIAL stamp."""
    for line, y, extra in ((title, 0.982, {"fontsize": FONT["title"], "fontweight": "bold"}),
                           (subtitle, 0.918, {"fontsize": FONT["subtitle"], "color": "#333333"})):  # fmt: skip
        if line:
            fig.text(0.012, y, line, ha="left", va="top", family=label_for(line, None, "en").family, **extra)
    documents = citation_labels(atlas)  # "Publisher, year" or the title, never a file name
    report.sources = documents
    lon, lat = view.centre
    kind = "Equal Earth" if "eqearth" in crs.srs else "Lambert azimuthal equal-area"
    _fitted(fig, source_line(documents, layers), x=0.012, y=0.045, width=0.976, fontsize=FONT["small"])
    fig.text(
        0.012,
        0.015,
        f"Basemap: Natural Earth 1:10m (public domain) · {kind} projection centred {abs(lat):.1f}°"
        f"{'N' if lat >= 0 else 'S'} {abs(lon):.1f}°{'E' if lon >= 0 else 'W'} · made with tipmap",
        fontsize=FONT["small"],
        ha="left",
        color="#333333",
    )
    withheld = report.withheld  # as plot_atlas worded it
    import textwrap

    fig.text(
        0.755,
        0.09,
        textwrap.fill(withheld[0].upper() + withheld[1:], 48),
        fontsize=FONT["small"],
        ha="left",
        va="bottom",
        color="#333333",
    )
    if audience == "confidential":
        fig.text(
            0.988,
            0.982,
            "CONFIDENTIAL: contains shelter, informant or victim locations. Do not share.",
            ha="right",
            va="top",
            fontsize=FONT["legend"],
            fontweight="bold",
            color="white",
            bbox={"fc": "#B00020", "ec": "none", "pad": 3},
        )


def file_metadata(fmt: str, title: str, stamp: str) -> dict[str, str]:
    """File metadata carrying the manifest (PNG text chunk, PDF subject, SVG description)."""
    if fmt == "png":
        return {"Title": title, "Software": "tipmap", "Comment": stamp}
    if fmt == "pdf":
        return {"Title": title, "Creator": "tipmap", "Subject": stamp}
    return {"Title": title, "Description": stamp}
