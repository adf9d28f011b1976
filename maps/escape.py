"""Escaping of data text for the places it reaches: an HTML map, and Markdown sheets.

folium puts popup and tooltip HTML inside JavaScript template literals, so text is
escaped for HTML *and* made inert there: backticks, ``${`` and backslashes become
character references, and so do Jinja-like braces.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlparse

_EXTRA = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})


def text(value: object) -> str:
    """``value`` as HTML text that is also inert inside a JavaScript template literal."""
    return html.escape(str(value), quote=True).translate(_EXTRA)


def link(url: object, label: object) -> str:
    """An escaped link when ``url`` is http(s); otherwise the escaped label alone."""
    if isinstance(url, str) and urlparse(url).scheme in ("http", "https"):
        return f'<a href="{text(url)}" target="_blank" rel="noopener noreferrer">{text(label)}</a>'
    return text(label)


_MARKDOWN_ACTIVE = re.compile(r"([\\`*_\[\]<>#|~])")


def markdown(value: object) -> str:
    """``value`` as Markdown text: no HTML, links, emphasis, headings or table cells from data."""
    return _MARKDOWN_ACTIVE.sub(r"\\\1", str(value))
