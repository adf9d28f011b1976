"""The page around a folium map: every script inlined, a Content-Security-Policy, the tiles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import folium

#: Web tiles of online maps (xyzservices name) and the one host the page may fetch from.
TILES = "Esri.WorldGrayCanvas"
TILE_HOST = "https://server.arcgisonline.com"


def page_html(fmap: folium.Map, *, offline: bool) -> str:
    """The map's page with every script inlined and a Content-Security-Policy.

    Online pages fetch only web tiles (from the tile host the policy names); offline
    pages fetch nothing.
    """
    return finished_page(fmap.get_root().render(), offline=offline)


def finished_page(html: str, *, offline: bool) -> str:
    """A page's HTML (folium's, or one written directly) with every script inlined and the
    Content-Security-Policy that allows only its own scripts and, online, the tile host."""
    from tipmap.maps.offline import add_csp, inline_assets

    return add_csp(inline_assets(html), image_host=None if offline else TILE_HOST)


def web_tiles() -> dict[str, Any]:
    """The web tiles of online maps for a page written without folium: URL, attribution, zoom."""
    import xyzservices.providers as providers

    tiles = providers.query_name(TILES)
    return {"url": tiles.build_url(), "attribution": tiles.html_attribution, "maxZoom": tiles.get("max_zoom", 18)}
