"""The offline page (maps.offline): no CDN asset left, everything inlined, small enough."""

from __future__ import annotations

import re

import pytest
from conftest import render_html
from tipmap.maps.offline import JQUERY_SHIM, inline_assets
from tipmap.routes.errors import TipmapError


@pytest.fixture(scope="module")
def offline_atlas(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("offline") / "atlas.html"
    render_html(out, offline=True)
    return out.read_text(encoding="utf-8")


def test_no_script_or_stylesheet_is_loaded_from_the_network(offline_atlas):
    assert not re.search(r'<script[^>]+src="https?:', offline_atlas)
    assert not re.search(r'<link[^>]+href="https?:', offline_atlas)
    assert "cdn.jsdelivr.net" not in offline_atlas
    assert re.findall(r"L\.tileLayer", offline_atlas) == []  # no web tiles: the basemap is inline vector data
    assert "arcgisonline" not in offline_atlas


def test_leaflet_plugins_and_basemap_are_inline(offline_atlas):
    assert "Leaflet 1.9.4" in offline_atlas  # from django-js-lib-leaflet
    assert "L.TextPath" in offline_atlas or "setText" in offline_atlas
    assert "heatLayer" in offline_atlas
    assert JQUERY_SHIM.splitlines()[0] in offline_atlas
    assert "Basemap: Natural Earth (public domain)" in offline_atlas
    assert "tipmapBasemap" in offline_atlas and '"iso_a2":"MO"' in offline_atlas


def test_the_whole_atlas_offline_is_under_3_mb(offline_atlas):
    assert len(offline_atlas.encode("utf-8")) < 3_000_000


def test_an_unknown_cdn_asset_is_refused():
    with pytest.raises(TipmapError, match="no local copy of https://example.org/x.js"):
        inline_assets('<script src="https://example.org/x.js"></script>')
