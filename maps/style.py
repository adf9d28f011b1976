"""One style for every renderer: colours, widths, symbols and legend labels.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies);
hotspot kinds differ by shape as well as by name, so no meaning rests on colour alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Swatch:
    """A legend entry: what it means and how it looks."""

    label: str
    colour: str


EXPLOITATION: dict[str, Swatch] = {
    "sexual_exploitation": Swatch("Sexual exploitation", "#D55E00"),
    "forced_labour": Swatch("Forced labour", "#0072B2"),
    "forced_marriage": Swatch("Forced marriage", "#CC79A7"),
    "forced_criminality": Swatch("Forced criminality (scam compounds)", "#E69F00"),
    "organ_removal": Swatch("Organ removal", "#000000"),
    "child_exploitation": Swatch("Child exploitation", "#009E73"),
    "other": Swatch("Other exploitation", "#999999"),
}

#: Corridor line width (px on screen, pt in print) and dash pattern by confidence.
CONFIDENCE_WIDTH: dict[str, float] = {"low": 2.0, "medium": 4.0, "high": 6.0}
CONFIDENCE_DASH: dict[str, str | None] = {"low": "6 6", "medium": None, "high": None}
CONFIDENCE_LABEL: dict[str, str] = {"low": "Low confidence", "medium": "Medium confidence", "high": "High confidence"}

#: Place symbol by its role on the drawn corridors: (fill, edge, radius px, label).
ROLE: dict[str, tuple[str, str, float, str]] = {
    "source": ("#FFFFFF", "#000000", 6.0, "Source"),
    "transit": ("#BBBBBB", "#000000", 4.0, "Transit"),
    "destination": ("#000000", "#FFFFFF", 7.0, "Destination"),
}

HOTSPOT_FILL = "#F0E442"
HOTSPOT_EDGE = "#000000"
SUPPORT_FILL = "#56B4E9"
SUPPORT_EDGE = "#000000"

#: Hotspot kind -> (legend label, matplotlib marker); the SVG shape mirrors the marker.
HOTSPOT_KIND: dict[str, tuple[str, str]] = {
    "casino": ("Casino", "D"),
    "mining_site": ("Mining site", "^"),
    "border_crossing": ("Border crossing", "s"),
    "entertainment_district": ("Entertainment district", "*"),
    "factory": ("Factory", "p"),
    "scam_compound": ("Scam compound", "X"),
    "port": ("Port", "v"),
    "labour_site": ("Labour site", "h"),
    "internal_trafficking": ("Internal trafficking", "o"),
}

#: Corridor dash by how it is drawn (``routes.schema.DRAWN_BY``); it overrides the confidence dash.
DRAWN_BY_DASH: dict[str, str | None] = {"quoted": None, "chosen": "2 7", "country-level": "14 5 3 5"}
DRAWN_BY_LABEL: dict[str, str] = {
    "quoted": "route through places named in the report",
    "chosen": "route drawn by tipmap, not named in the report",
    "country-level": "country-level: the report names only the countries or regions",
}


#: The same patterns for matplotlib (offset, on-off sequence in points).
DRAWN_BY_MPL_DASH: dict[str, tuple[float, tuple[float, ...]]] = {"chosen": (0, (1, 2.5)), "country-level": (0, (6, 2, 1.5, 2))}


def corridor_dash(confidence: str, drawn_by: object = "quoted") -> str | None:
    """Dash pattern of a corridor: how it is drawn first (chosen, country-level), then confidence."""
    if isinstance(drawn_by, str) and DRAWN_BY_DASH.get(drawn_by):
        return DRAWN_BY_DASH[drawn_by]
    return CONFIDENCE_DASH.get(confidence)


SUPPORT_KIND: dict[str, str] = {
    "ngo": "NGO",
    "hotline": "Hotline",
    "shelter": "Shelter",
    "consulate": "Consulate",
    "government": "Government agency",
}

#: Arrow glyph repeated along corridors to show direction of movement.
ARROW = " \u25ba "

#: Heat layer colour ramp (low to high), from the same palette.
HEAT_GRADIENT: dict[float, str] = {0.2: "#56B4E9", 0.5: "#F0E442", 0.8: "#E69F00", 1.0: "#D55E00"}


def corridor_colour(exploitation: tuple[str, ...]) -> str:
    """Colour of a corridor: that of its first (main) exploitation type."""
    return EXPLOITATION[exploitation[0]].colour if exploitation else EXPLOITATION["other"].colour


def main_role(roles: tuple[str, ...]) -> str:
    """The role a place is drawn with when it has several: destination, then source."""
    for role in ("destination", "source", "transit"):
        if role in roles:
            return role
    return "transit"


def marker_svg(marker: str, *, fill: str, edge: str, size: int = 20) -> str:
    """An inline SVG drawing of a matplotlib ``marker`` code (D ^ v s * p h X o)."""
    c, r = size / 2, size / 2 - 1.5
    points = _MARKER_POINTS.get(marker)
    if points is None:
        shape = f'<circle cx="{c}" cy="{c}" r="{r:.1f}"/>'
    else:
        coords = " ".join(f"{c + x * r:.1f},{c - y * r:.1f}" for x, y in points)
        shape = f'<polygon points="{coords}"/>'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}">'
        f'<g fill="{fill}" stroke="{edge}" stroke-width="1.5">{shape}</g></svg>'
    )


def _regular(n: int, rotation_deg: float = 90.0) -> list[tuple[float, float]]:
    angles = [math.radians(rotation_deg + 360 * i / n) for i in range(n)]
    return [(math.cos(a), math.sin(a)) for a in angles]


def _star(n: int = 5, inner: float = 0.45) -> list[tuple[float, float]]:
    pts = []
    for i in range(2 * n):
        rad = 1.0 if i % 2 == 0 else inner
        ang = math.radians(90 + 180 * i / n)
        pts.append((rad * math.cos(ang), rad * math.sin(ang)))
    return pts


_X = [
    (-1, -0.6),
    (-0.6, -1),
    (0, -0.4),
    (0.6, -1),
    (1, -0.6),
    (0.4, 0),
    (1, 0.6),
    (0.6, 1),
    (0, 0.4),
    (-0.6, 1),
    (-1, 0.6),
    (-0.4, 0),
]

_MARKER_POINTS: dict[str, list[tuple[float, float]]] = {
    "D": _regular(4),
    "^": _regular(3),
    "v": _regular(3, -90.0),
    "s": [(-0.8, -0.8), (0.8, -0.8), (0.8, 0.8), (-0.8, 0.8)],
    "*": _star(),
    "p": _regular(5),
    "h": _regular(6),
    "X": [(x * 0.95, y * 0.95) for x, y in _X],
}

#: Sequential, colour-blind-safe ramp for hexagon classes (viridis, light = few, dark = many).
HEX_RAMP: tuple[str, ...] = ("#FDE725", "#5EC962", "#21918C", "#3B528B", "#440154")
FLOW_COLOUR = "#5E5E5E"  # case flows: neutral grey, apart from the exploitation palette of curated corridors
