"""Markers shared by the atlas map and the drafts layer."""

from __future__ import annotations

import folium
from tipmap.maps import popups, style
from tipmap.maps.escape import text
from tipmap.routes.atlas import Atlas


def hotspot_marker(atlas: Atlas, row, icon_html: str, *, size: int, class_name: str, prefix: str = "") -> folium.Marker:
    """One hotspot's marker: its symbol, popup and tooltip (``prefix`` marks drafts)."""
    label = style.HOTSPOT_KIND[row["kind"]][0]
    return folium.Marker(
        (row.geometry.y, row.geometry.x),
        icon=folium.DivIcon(html=icon_html, icon_size=(size, size), icon_anchor=(size // 2, size // 2), class_name=class_name),
        popup=folium.Popup(popups.hotspot(atlas, row), max_width=380),
        tooltip=folium.Tooltip(text(f"{prefix}{row['name']} ({label})")),
    )
