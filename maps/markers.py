"""Markers shared by the atlas map and the drafts layer."""

from __future__ import annotations

from typing import Any

import folium
import shapely
from tipmap.maps import popups, style
from tipmap.maps.escape import text
from tipmap.routes.atlas import Atlas


class Row(dict):
    """One record of a layer, read as a row of ``iterrows`` is (``row["name"]``, ``row.get``,
    ``row.geometry``) without building a pandas Series for it."""

    __slots__ = ()

    @property
    def geometry(self) -> Any:
        """The record's shape."""
        return self["geometry"]


def records(frame) -> list[Row]:
    """The rows of a layer (a GeoDataFrame with its geometry in ``geometry``), in order."""
    names = list(frame.columns)
    return [Row(zip(names, values)) for values in zip(*(frame[name].tolist() for name in names))]


def hotspot_marker(atlas: Atlas, row, icon_html: str, *, size: int, class_name: str, prefix: str = "") -> folium.Marker:
    """One hotspot's marker: its symbol, popup and tooltip (``prefix`` marks drafts)."""
    label = style.HOTSPOT_KIND[row["kind"]][0]
    return folium.Marker(
        (row.geometry.y, row.geometry.x),
        icon=folium.DivIcon(html=icon_html, icon_size=(size, size), icon_anchor=(size // 2, size // 2), class_name=class_name),
        popup=folium.Popup(popups.hotspot(atlas, row), max_width=380),
        tooltip=folium.Tooltip(text(f"{prefix}{row['name']} ({label})")),
    )


def polyline(line, **kwargs: Any) -> folium.PolyLine:
    """folium's ``PolyLine`` of a shapely line (lon, lat), its points exactly as folium would
    hold them ([lat, lon] floats). folium checks a line point by point in Python; a corridor's
    geodesic has ~170 points (13,000 in the atlas) that shapely already holds as floats, so
    only the ends go through folium's check."""
    latlon = shapely.get_coordinates(line)[:, ::-1].tolist()
    drawn = folium.PolyLine([latlon[0], latlon[-1]], **kwargs)
    drawn.locations = latlon
    return drawn
