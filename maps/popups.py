"""HTML for popups and tooltips: every data string passes through :func:`maps.escape.text`."""

from __future__ import annotations

from typing import Any

import pandas as pd
from tipmap.maps import style
from tipmap.maps.escape import link, text
from tipmap.routes.atlas import Atlas, citation_label


def period(start: Any, end: Any) -> str:
    """A record's period in words."""
    start = None if pd.isna(start) else int(start)
    end = None if pd.isna(end) else int(end)
    if start is None and end is None:
        return "not dated in the report (taken as current)"
    if start == end:
        return str(start)
    return f"{start if start is not None else '…'}–{end if end is not None else 'ongoing'}"


def heading(name: str, name_local: Any) -> str:
    """Bold name with the local-script name beside it."""
    local = f' <span lang="">({text(name_local)})</span>' if isinstance(name_local, str) and name_local else ""
    return f"<b>{text(name)}</b>{local}"


def exploitation(values: tuple[str, ...]) -> str:
    """Exploitation types as coloured labels."""
    return ", ".join(
        f'<span style="color:{style.EXPLOITATION[v].colour}">&#9632;</span> {text(style.EXPLOITATION[v].label)}' for v in values
    )


def citations(atlas: Atlas, source_ids: tuple[str, ...]) -> str:
    """The sources behind a feature: quote, then "Publisher, year" (linked) and the title."""
    items = []
    for src in atlas.citations(source_ids):
        label = citation_label(src)
        meta = [link(src.get("url"), label)] + ([f"<i>{text(src['title'])}</i>"] if src["title"] not in label else [])
        items.append(f"<li>&ldquo;{text(src['quote'])}&rdquo;<br><small>{' · '.join(meta)}</small></li>")
    return f'<div><b>Sources</b><ol style="padding-left:1.2em;margin:0">{"".join(items)}</ol></div>'


def _rows(pairs: list[tuple[str, str]]) -> str:
    return "".join(f"<div><b>{text(k)}:</b> {v}</div>" for k, v in pairs if v)


def corridor(atlas: Atlas, row: Any, place_names: dict[str, str]) -> str:
    """Popup of one corridor."""
    route = " &rarr; ".join(text(place_names.get(p, p)) for p in row["waypoints"])
    pairs = [
        ("Route", route),
        ("Exploitation", exploitation(row["exploitation"])),
        ("Period", text(period(row["period_start"], row["period_end"]))),
        ("Length", f"{row['length_km']:,.0f} km (geodesic, through the waypoints)"),
        ("Confidence", text(row["confidence"])),
    ]
    if not pd.isna(row.get("volume")) and row.get("volume") is not None:
        pairs.append(("Volume", text(f"{row['volume']:,.0f} {row['volume_unit']}")))
    if isinstance(row.get("routing"), str):
        pairs.append(("Routing", f"<i>{text(row['routing'])}</i>"))
    return _box(heading(row["name"], None) + review(row) + _rows(pairs) + citations(atlas, row["sources"]))


def review(row: Any) -> str:
    """For a draft (proposed by ``tipmap extract``): a warning line, its score and reason."""
    if row.get("status") != "draft":
        return ""
    return (
        '<div style="background:#FFF3CD;padding:2px 4px;margin:2px 0"><b>DRAFT, not reviewed</b>'
        f" (score {float(row['score']):.2f})<br><small>{text(row.get('reason') or '')}</small></div>"
    )


def hotspot(atlas: Atlas, row: Any) -> str:
    """Popup of one hotspot."""
    pairs = [
        ("Kind", text(style.HOTSPOT_KIND[row["kind"]][0])),
        ("Country", text(row["country"])),
        ("Exploitation", exploitation(row["exploitation"])),
        ("Period", text(period(row["period_start"], row["period_end"]))),
        ("Intensity", text(f"{row['intensity']:g}")),
        ("Location", f"<i>{text(row['location_note'])}</i>" if isinstance(row.get("location_note"), str) else ""),
    ]
    return _box(heading(row["name"], row.get("name_local")) + review(row) + _rows(pairs) + citations(atlas, row["sources"]))


def support(atlas: Atlas, row: Any) -> str:
    """Popup of one support organisation."""
    pairs = [
        ("Kind", text(style.SUPPORT_KIND[row["kind"]])),
        ("Services", text(row["services"]) if isinstance(row.get("services"), str) else ""),
        ("Location", f"<i>{text(row['location_note'])}</i>" if isinstance(row.get("location_note"), str) else ""),
    ]
    return _box(heading(row["name"], row.get("name_local")) + _rows(pairs) + citations(atlas, row["sources"]))


def place(row: Any, roles: tuple[str, ...], corridor_names: list[str]) -> str:
    """Popup of one place: where it is, its role and the corridors through it."""
    where = f"GeoNames {int(row['gazetteer_id'])}" if not pd.isna(row.get("gazetteer_id")) else "no gazetteer entry"
    pairs = [
        ("Country", text(row["country"])),
        ("Role", text(", ".join(roles)) if roles else ""),
        ("Corridors", text("; ".join(corridor_names))),
        ("Coordinates", text(f"{row['lat']:.3f}, {row['lon']:.3f} (lat, lon; {where})")),
        ("Note", f"<i>{text(row['note'])}</i>" if isinstance(row.get("note"), str) else ""),
    ]
    return _box(heading(row["name"], row.get("name_local")) + _rows(pairs))


def _box(body: str) -> str:
    return f'<div style="max-width:360px;font:13px/1.35 sans-serif">{body}</div>'
