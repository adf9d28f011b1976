"""The map's title box and legend, as escaped HTML listing only what is drawn."""

from __future__ import annotations

from tipmap.maps import style
from tipmap.maps.escape import text
from tipmap.routes.atlas import Atlas, citation_labels
from tipmap.routes.select import place_roles

_BOX = (
    "position:fixed;z-index:1000;background:rgba(255,255,255,.93);border:1px solid #888;"
    "border-radius:4px;font:12px/1.4 sans-serif;padding:6px 9px;"
)


def title_html(title: str) -> str:
    """A title box at the top centre of the map."""
    return (
        f'<div id="tipmap-title" style="{_BOX}top:10px;left:50%;transform:translateX(-50%);'
        f'font-size:16px;font-weight:bold">{text(title)}</div>'
    )


def legend_html(atlas: Atlas, *, hotspot_kinds: list[str], audience: str, collapsible: bool = True, places: bool = True) -> str:
    """A collapsible legend box (bottom right) with only the entries that appear on this map
    (``places=False``: the map draws no place markers)."""
    parts = ["<b>Corridors</b> (colour: main exploitation type)"] if len(atlas.corridors) else []
    used = {e for ex in atlas.corridors["exploitation"] for e in ex[:1]}
    for key, swatch in style.EXPLOITATION.items():
        if key in used:
            parts.append(_entry(f"width:22px;height:4px;background:{swatch.colour}", swatch.label))
    for level in [c for c in style.CONFIDENCE_WIDTH if c in set(atlas.corridors["confidence"])]:
        dash = style.CONFIDENCE_DASH[level]
        border = f"{style.CONFIDENCE_WIDTH[level]:g}px {'dashed' if dash else 'solid'} #555"
        parts.append(_entry(f"width:22px;border-top:{border}", style.CONFIDENCE_LABEL[level]))
    for how in [h for h in ("chosen", "country-level") if h in set(atlas.corridors.get("drawn_by", ()))]:
        pattern = "dotted" if how == "chosen" else "dashed"
        parts.append(_entry(f"width:22px;border-top:3px {pattern} #555", style.DRAWN_BY_LABEL[how]))
    if len(atlas.corridors):
        parts.append(f"<span>{text(style.ARROW.strip())}</span> direction of movement")
    roles = {r for rs in place_roles(atlas.corridors).values() for r in rs} if places else set()
    if roles:
        parts.append("<b>Places</b>")
    for role in [r for r in style.ROLE if r in roles]:
        fill, edge, radius, label = style.ROLE[role]
        size = f"width:{2 * radius}px;height:{2 * radius}px"
        parts.append(_entry(f"{size};border-radius:50%;background:{fill};border:1.5px solid {edge}", label))
    if hotspot_kinds:
        parts.append("<b>Hotspots</b> (heat: intensity)")
    for kind in hotspot_kinds:
        label, marker = style.HOTSPOT_KIND[kind]
        parts.append(f"{style.marker_svg(marker, fill=style.HOTSPOT_FILL, edge=style.HOTSPOT_EDGE, size=14)} {text(label)}")
    if len(atlas.support):
        symbol = style.marker_svg("o", fill=style.SUPPORT_FILL, edge=style.SUPPORT_EDGE, size=14)
        parts.append(f"{symbol} Support organisation")
    documents = citation_labels(atlas)
    withheld = atlas.redaction.describe() if atlas.redaction is not None else f"audience: {audience}"
    parts.append(f"<small>{text(withheld[0].upper() + withheld[1:])}</small>")
    parts.append(f"<small>Sources: {text('; '.join(documents) or 'none')}</small>")
    body = "<br>".join(parts)
    return f'<div id="tipmap-legend" style="{_BOX}bottom:30px;right:10px;max-width:260px;max-height:45vh;overflow:auto">' + (
        f"<details open><summary>Legend</summary>{body}</details></div>" if collapsible else f"{body}</div>"
    )


def _entry(css: str, label: str) -> str:
    """A legend line: a box drawn with ``css`` and its escaped label."""
    return f'<span style="display:inline-block;vertical-align:middle;{css}"></span> {text(label)}'


def confidential_banner() -> str:
    """A red banner across the top: the page carries confidential records."""
    return (
        '<div id="tipmap-confidential" style="position:fixed;z-index:1001;top:0;left:0;right:0;background:#B00020;'
        'color:#fff;font:bold 15px/1.6 sans-serif;text-align:center">CONFIDENTIAL: contains shelter, informant or victim '
        "locations. Do not share.</div>"
    )


def manifest_meta(manifest: dict) -> str:
    """The output's manifest as an escaped meta tag in the page head."""
    import json

    return f'<meta name="tipmap-manifest" content="{text(json.dumps(manifest, ensure_ascii=False, sort_keys=True))}">'
