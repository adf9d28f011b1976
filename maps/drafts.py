"""Drafts proposed by ``tipmap extract`` on the interactive map, in a style of their own.

Draft corridors are dashed purple lines with hollow arrows; draft hotspots are hollow
purple markers; every popup starts with "DRAFT, not reviewed", its score and reason.
"""

from __future__ import annotations

import folium
from branca.element import Element
from folium.plugins import PolyLineTextPath
from tipmap.maps import popups, style
from tipmap.maps.escape import text

DRAFT_COLOUR = "#7B3294"  # purple: outside the exploitation palette, still colour-blind distinct
DRAFT_DASH = "2 8"


def add_drafts(fmap: folium.Map, drafts, *, name: str) -> None:
    """The corridors and hotspots of a drafts atlas (already selected for the audience)."""
    group = folium.FeatureGroup(name=text(name), show=True).add_to(fmap)
    names = dict(zip(drafts.places["id"], drafts.places["name"]))
    for _, row in drafts.corridors.iterrows():
        line = folium.PolyLine(
            [(lat, lon) for lon, lat in row.geometry.coords],
            color=DRAFT_COLOUR,
            weight=3,
            dash_array=DRAFT_DASH,
            opacity=0.9,
            popup=folium.Popup(popups.corridor(drafts, row, names), max_width=380),
            tooltip=folium.Tooltip(text(f"DRAFT: {row['name']} (score {float(row['score']):.2f})")),
            class_name="tipmap-draft",
        ).add_to(group)
        PolyLineTextPath(line, style.ARROW, repeat=True, offset=6, attributes={"fill": DRAFT_COLOUR, "font-size": "12"}).add_to(
            group
        )
    from tipmap.maps.markers import hotspot_marker

    for _, row in drafts.hotspots.iterrows():
        icon_html = style.marker_svg(style.HOTSPOT_KIND[row["kind"]][1], fill="#FFFFFF", edge=DRAFT_COLOUR, size=18)
        marker = hotspot_marker(drafts, row, icon_html, size=18, class_name="tipmap-draft-hotspot", prefix="DRAFT: ")
        marker.add_to(group)
    key = (
        '<div style="position:fixed;left:12px;bottom:64px;z-index:1000;background:#fff;padding:4px 8px;'
        'border:1px solid #999;font:13px sans-serif">'
        f'<span style="display:inline-block;width:28px;border-top:3px dotted {DRAFT_COLOUR};vertical-align:middle"></span>'
        f' Draft corridor &nbsp; <span style="color:{DRAFT_COLOUR}">&#9633;</span> Draft hotspot (hollow)'
        f" &nbsp; <small>({len(drafts.corridors)} + {len(drafts.hotspots)} from {text(name)}; not reviewed)</small></div>"
    )
    fmap.get_root().html.add_child(Element(key))
