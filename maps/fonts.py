"""Fonts for static maps: pick one that has every glyph of a label, or fall back.

matplotlib draws each character on its own and cannot shape complex scripts such as
Burmese (matplotlib#23082): such labels fall back to the English name, with a warning,
so no broken glyphs or tofu boxes reach a slide.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

#: Families tried in order; the first that is installed and has every glyph is used.
FAMILIES: tuple[str, ...] = ("Noto Sans", "Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans")

#: Scripts that need shaping (reordering, ligatures) which matplotlib does not do.
UNSHAPED_SCRIPTS: tuple[str, ...] = ("MYANMAR", "KHMER", "TAI THAM", "BENGALI", "DEVANAGARI", "ARABIC", "THAI", "TIBETAN")


@dataclass(frozen=True)
class Label:
    """A label's text and the font family that can draw it."""

    text: str
    family: str
    fell_back: bool = False


@cache
def _font_path(family: str) -> str | None:
    try:
        path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    except ValueError:
        return None
    return path


@cache
def _charmap(path: str) -> frozenset[int]:
    return frozenset(FT2Font(path).get_charmap())


def needs_shaping(text: str) -> bool:
    """Whether ``text`` uses a script matplotlib cannot shape."""
    return any(unicodedata.name(ch, "").startswith(UNSHAPED_SCRIPTS) for ch in text)


def family_for(text: str) -> str | None:
    """The first installed family with a glyph for every character of ``text``."""
    wanted = {ord(ch) for ch in text if not ch.isspace()}
    for family in FAMILIES:
        path = _font_path(family)
        if path and wanted <= _charmap(path):
            return family
    return None


def label_for(name: str, name_local: str | None, lang: str) -> Label:
    """The label of a place in ``lang`` (en, local or both) with a font that draws it."""
    local = name_local if name_local and name_local != name else None
    fallback = Label(name, family_for(name) or "DejaVu Sans", fell_back=lang != "en" and local is not None)
    if lang == "en" or local is None:
        return Label(name, fallback.family)
    if needs_shaping(local):
        return fallback
    text = local if lang == "local" else f"{name}\n{local}"
    family = family_for(text)
    return Label(text, family) if family else fallback
