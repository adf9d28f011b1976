"""The mechanical provenance check: every claim of a record against the record's cited quotes.

``tipmap validate --provenance`` runs it. For each corridor, hotspot and support point:

- a period's years (``period_start``, ``period_end``) appear in a cited quote;
- a volume's number appears in the quote of its ``volume_source`` ("80,000", "four");
- every place the record uses is named in a cited quote (its English name, a name in
  brackets, its local-script name, an alias, or for a country its name, other names and
  demonyms) or is listed in the record's ``chosen`` column; a record with a chosen place
  stays under the caps (confidence at most ``medium``, intensity at most 2);
- each exploitation type has a term of the extractor's vocabulary (``routes.extract``) in a
  cited quote; ``other`` claims no form and needs none;
- a corridor's direction agrees with its quotes: its source is never only after "to"/"into"
  and its destination never only after "from"/"out of".

Each problem names file, row and field, like the loader's.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from tipmap.routes.errors import Problem
from tipmap.routes.extract import _ROLE, _ROLE_WORDS, exploitation_terms
from tipmap.routes.placenames import COUNTRY_ALIASES, DEMONYMS, fold
from tipmap.routes.schema import CONFIDENCE, LAYER_FILES
from tipmap.routes.tables import Readable, Table, country_names, read_table

#: A record with a place tipmap chose is at most this sure, and a hotspot this intense.
CHOSEN_MAX_CONFIDENCE = "medium"
CHOSEN_MAX_INTENSITY = 2.0
#: Layers whose records make claims, in report order.
CLAIM_LAYERS = ("corridors", "hotspots", "support")
_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
#: "belonging to", "according to": a "to" that says nothing of direction.
_NOT_DIRECTION = re.compile(r"\b(?:belonging|according|due|next|close|similar|prior|compared)\s+to$", re.I)
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|(?<![\w.,])\d+(?:\.\d+)?(?![\d,]\d)")


@dataclass(frozen=True)
class Claims:
    """What a record rests on: its quotes, and the places it uses."""

    quotes: tuple[str, ...]
    places: tuple[str, ...]


def check_provenance(directory: str | os.PathLike[str] | Readable | None = None) -> list[Problem]:
    """Every claim in an atlas directory (default: the curated atlas) that its cited quotes
    do not support, as problems naming file, row and field (empty when all are supported).

    The directory must load (``routes.atlas.load_atlas``); its errors are raised first."""
    from tipmap.routes.atlas import _resolve, load_atlas

    load_atlas(directory)  # raises AtlasDataError on a malformed atlas
    root = _resolve(directory)
    tables = {layer: read_table(root, fname, cols, []) for layer, (fname, cols) in LAYER_FILES.items()}
    quotes = {r["id"]: r["quote"] for r in tables["sources"].records}
    places = {r["id"]: r for r in tables["places"].records}
    problems: list[Problem] = []
    for layer in CLAIM_LAYERS:
        problems += check_table(tables[layer], layer, quotes, places)
    return problems


def check_table(table: Table, layer: str, quotes: dict[str, str], places: dict[str, Any]) -> list[Problem]:
    """The problems of one claim layer (``corridors``, ``hotspots`` or ``support``)."""
    problems: list[Problem] = []
    for record, row in zip(table.records, table.rows):
        for fld, message in check_record(layer, record, quotes, places):
            problems.append(Problem(table.file, row, fld, message))
    return problems


def check_record(layer: str, record: dict[str, Any], quotes: dict[str, str], places: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for each claim of ``record`` its cited quotes do not support."""
    cited = tuple(quotes[s] for s in record.get("sources", ()) if s in quotes)
    used = tuple(record.get("waypoints", ())) or ((record["place"],) if record.get("place") else ())
    out: list[tuple[str, str]] = []
    for fld in ("period_start", "period_end"):
        year = record.get(fld)
        if year is not None and not any(re.search(rf"(?<!\d){year}(?!\d)", q) for q in cited):
            out.append((fld, f"the year {year} is in no cited quote"))
    if record.get("volume") is not None:
        source = record.get("volume_source")
        text = (quotes.get(source, ""),) if source else cited
        if not any(record["volume"] in numbers(q) for q in text):
            out.append(("volume", f"the number {_plain(record['volume'])} is not in the quote of {source or 'any source'}"))
    out += _check_places(layer, record, used, cited, places)
    found = {value for q in cited for value, _ in exploitation_terms(q)}
    for value in record.get("exploitation", ()):
        if value != "other" and value not in found:
            out.append(("exploitation", f"'{value}': no term for it in a cited quote"))
    if layer == "corridors" and len(used) >= 2:
        out += _check_direction(used[0], used[-1], cited, places)
    return out


def _check_places(layer, record, used, cited, places) -> list[tuple[str, str]]:
    out = []
    chosen = set(record.get("chosen", ()))
    fld = "waypoints" if layer == "corridors" else "place"
    for pid in used:
        if pid in places and pid not in chosen and not any(named_in(place_names(places[pid]), q) for q in cited):
            out.append((fld, f"place '{pid}' ({places[pid]['name']}) is named in no cited quote and not marked chosen"))
    if chosen:
        confidence = record.get("confidence")
        if confidence in CONFIDENCE and CONFIDENCE.index(confidence) > CONFIDENCE.index(CHOSEN_MAX_CONFIDENCE):
            out.append(("confidence", f"'{confidence}' with chosen places (at most '{CHOSEN_MAX_CONFIDENCE}')"))
        if record.get("intensity") is not None and record["intensity"] > CHOSEN_MAX_INTENSITY:
            out.append(("intensity", f"{_plain(record['intensity'])} at a chosen place (at most {_plain(CHOSEN_MAX_INTENSITY)})"))
    return out


def _check_direction(source: str, destination: str, cited, places) -> list[tuple[str, str]]:
    out = []
    for pid, end, wrong in ((source, "source", "destination"), (destination, "destination", "source")):
        if pid not in places or source == destination:
            continue
        found = {role for q in cited for role in roles_of(place_names(places[pid], demonyms=False), q)}
        if wrong in found and end not in found:
            word = "to/into" if wrong == "destination" else "from/out of"
            out.append(("waypoints", f"'{pid}' is the corridor's {end}, but its quote has it only after '{word}'"))
    return out


def place_names(place: dict[str, Any], *, demonyms: bool = True) -> tuple[str, ...]:
    """The names a quote may use for ``place``: its name, the name without or inside brackets,
    without 'region'/'province'/'state', its local-script name, its aliases, and for a country
    (or a city that is its own unit, such as Hong Kong) the country's names and demonyms."""
    name = place["name"]
    bare = re.sub(r"\s*\(.*\)\s*$", "", name)
    names = [name, bare, re.sub(r"\s+(region|province|state)$", "", bare, flags=re.I)]
    names += re.findall(r"\((.*?)\)", name)
    names += [place.get("name_local") or "", *place.get("aliases", ())]
    code = place.get("country")
    if place["kind"] == "country" and code:
        names.append(country_names().get(code, ""))
        names += [alias for alias, c in COUNTRY_ALIASES.items() if c == code]
        if demonyms:
            names += [d for d, c in DEMONYMS.items() if c == code]
    return tuple(n for n in dict.fromkeys(names) if n and n != "country-level")


def named_in(names: tuple[str, ...], quote: str) -> bool:
    """Whether ``quote`` uses one of ``names`` as a whole word (case and accents aside)."""
    folded = fold(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", quote))  # "North KoreaMyanmar" in a list
    for name in names:
        if not name.isascii() and not any(ch.isupper() for ch in name):  # a local-script name
            if name in quote:
                return True
        elif re.search(rf"(?<!\w){re.escape(fold(name))}(?!\w)", folded):
            return True
    return False


def roles_of(names: tuple[str, ...], quote: str) -> set[str]:
    """The roles the direction words give a place in ``quote``: 'source' after from/out of,
    'destination' after to/into/towards, 'transit' after through/via/across."""
    found = set()
    for name in names:
        if not name.isascii():
            continue
        pattern = r"[\s\-–]+".join(re.escape(part) for part in re.split(r"[\s\-–]+", name))
        for match in re.finditer(rf"(?<!\w){pattern}(?![\w–-])", quote, re.I):  # not "China–Mongolia border"
            before = quote[max(0, match.start() - 40) : match.start()]
            word = _ROLE.search(before)
            if word and not _NOT_DIRECTION.search(before[: word.start() + len(word.group(1))]):
                found.add(_ROLE_WORDS[word.group(1).lower()])
    return found


def numbers(quote: str) -> set[float]:
    """Every number in ``quote`` ("80,000", "1.2", "four"), as floats."""
    found = {float(m.group(0).replace(",", "")) for m in _NUMBER.finditer(quote)}
    found |= {float(v) for w, v in _NUMBER_WORDS.items() if re.search(rf"\b{w}\b", quote, re.I)}
    return found


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
