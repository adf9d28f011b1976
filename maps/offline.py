"""Make a folium page self-contained: inline Leaflet and its plugins, drop CDN assets.

Leaflet 1.9.4 comes from the ``django-js-lib-leaflet`` package; the textpath and heat
plugins are vendored in ``maps/assets``. folium's popups call jQuery's ``$(html)[0]``; a
small stand-in replaces jQuery, and Bootstrap and Font Awesome (unused) are dropped.
"""

from __future__ import annotations

import base64
import re
from importlib.resources import files

from tipmap.routes.errors import TipmapError

#: Stand-in for the one jQuery call folium's popups make: $(`<div>...</div>`)[0].
JQUERY_SHIM = """window.$ = window.jQuery = function (html) {
  var t = document.createElement('template'); t.innerHTML = String(html).trim(); return [t.content.firstChild];
};"""

_SCRIPT = re.compile(r'<script[^>]*\bsrc="(?P<url>https?://[^"]+)"[^>]*>\s*</script>')
_LINK = re.compile(r'<link[^>]*\bhref="(?P<url>https?://[^"]+)"[^>]*/?>')


def _leaflet(name: str) -> str:
    return files("js_lib_leaflet").joinpath("static", "js_lib_leaflet", name).read_text(encoding="utf-8")


def _asset(name: str) -> str:
    return files("tipmap.maps").joinpath("assets", name).read_text(encoding="utf-8")


def _leaflet_css() -> str:
    css = _leaflet("leaflet.css")
    images = files("js_lib_leaflet").joinpath("static", "js_lib_leaflet", "images")

    def data_uri(match: re.Match[str]) -> str:
        data = base64.b64encode(images.joinpath(match[1]).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return re.sub(r"url\(images/([\w.-]+\.png)\)", data_uri, css)


def _script(code: str) -> str:
    return "<script>" + code.replace("</script", "<\\/script") + "</script>"


def _replacement(url: str) -> str | None:
    """What a CDN asset becomes offline: inline code, or '' when the page does not need it."""
    if re.search(r"/leaflet@[\d.]+/dist/leaflet\.js$", url):
        return _script(_leaflet("leaflet.js"))
    if re.search(r"/leaflet@[\d.]+/dist/leaflet\.css$", url):
        return "<style>" + _leaflet_css() + "</style>"
    if url.endswith("leaflet.textpath.min.js"):
        return _script(_asset("leaflet.textpath.js"))
    if url.endswith("leaflet_heat.min.js"):
        return _script(_asset("leaflet-heat.js"))
    if "jquery" in url:
        return _script(JQUERY_SHIM)
    if any(k in url for k in ("bootstrap", "awesome", "fontawesome", "glyphicons")):
        return ""
    return None


def inline_assets(html: str) -> str:
    """``html`` with every CDN script and stylesheet inlined or removed.

    Raises
    ------
    TipmapError
        If the page needs an asset tipmap cannot provide offline.
    """

    def swap(match: re.Match[str]) -> str:
        replacement = _replacement(match["url"])
        if replacement is None:
            raise TipmapError(f"cannot make the map offline: no local copy of {match['url']}")
        return replacement

    return _LINK.sub(swap, _SCRIPT.sub(swap, html))


def add_csp(html: str, *, image_host: str | None = None) -> str:
    """Put a Content-Security-Policy first in ``<head>``: only this page's own scripts run.

    Every inline script present now is allowed by its SHA-256 hash; nothing else is (no
    external script, no injected ``<script>``, no inline event handler such as onerror).
    Images may come from the page (data: URIs) and, when web tiles are on, ``image_host``.
    """
    import hashlib

    scripts = _inline_scripts(html)
    hashes = sorted({"'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'" for s in scripts})
    images = "data: blob:" + (f" {image_host}" if image_host else "")
    policy = (
        f"default-src 'none'; script-src {' '.join(hashes)}; style-src 'unsafe-inline'; img-src {images}; "
        "font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    charset = re.search(r'<meta http-equiv="content-type"[^>]*>', html)
    at = charset.end() if charset else html.index("<head>") + len("<head>")
    return html[:at] + "\n    " + meta + html[at:]


_INLINE_OPEN = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>")


def _inline_scripts(html: str) -> list[str]:
    """The text of every inline script, in order: what ``<script ...>(.*?)</script>`` finds,
    without the regex engine's character-by-character walk through a megabyte of script."""
    found, at = [], 0
    while (opening := _INLINE_OPEN.search(html, at)) is not None:
        end = html.find("</script>", opening.end())
        if end < 0:
            break
        found.append(html[opening.end() : end])
        at = end + len("</script>")
    return found
