"""Template compilation off the render path (maps/templates.py) changes nothing in the output."""

from __future__ import annotations

import re

from tipmap.maps import templates
from tipmap.maps.interactive import build_map
from tipmap.routes.select import select


def _normalised(html: str) -> str:
    """Element ids are random: number them in order of appearance."""
    seen: dict[str, str] = {}
    return re.sub(r"[0-9a-f]{32}", lambda m: seen.setdefault(m[0], f"ID{len(seen)}"), html)


def test_the_map_renders_the_same_with_and_without_it(tiny_atlas):
    atlas = select(tiny_atlas)
    fast = build_map(atlas, title="Same <map> & text\r\nline").get_root().render()
    templates.uninstall()
    try:
        slow = build_map(atlas, title="Same <map> & text\r\nline").get_root().render()
    finally:
        templates.install()
    assert _normalised(fast) == _normalised(slow)
    assert "Same &lt;map&gt;" in fast


def test_plain_text_renders_as_jinja_would():
    import jinja2

    for text in ("a\r\nb\rc\n", "no newline", "two\n\n", "", "{ not } a { marker"):
        assert templates.LiteralTemplate(text).render(this=None) == jinja2.Template(text).render()
    assert isinstance(templates.template_for("{{ x }}"), jinja2.Template)
