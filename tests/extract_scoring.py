"""Score `tipmap extract`'s rules against the hand-labelled report sentences (tests/data).

Used by tests/test_extract.py; run by hand on the development set to see the misses:

    python tests/extract_scoring.py dev        # figures and every miss: both old halves together
    python tests/extract_scoring.py dev1       # the first development half, with its misses
    python tests/extract_scoring.py heldout1   # the first held-out half (spent: tuned on since), with its misses
    python tests/extract_scoring.py dev+       # all three development files
    python tests/extract_scoring.py dev2       # 14 sentences added in the second session, labelled first
    python tests/extract_scoring.py dev3       # 22 more, written after its rules, labelled before scoring
    python tests/extract_scoring.py heldout2   # figures only: the new held-out set, written blind

The first held-out half was read after it was scored once (issue 17), so it is development
now. ``heldout2`` (tests/data/extract_heldout2.toml) is written by someone who never saw the
rules; nobody tuning them reads it or its misses.
"""

from __future__ import annotations

import re
import sys
import tomllib
import unicodedata
from pathlib import Path

DATA = Path(__file__).parent / "data"
#: Named sets of labelled sentences: each is one or more files.
HALVES: dict[str, tuple[Path, ...]] = {
    "dev": (DATA / "extract_dev.toml", DATA / "extract_heldout.toml"),
    "dev+": tuple(DATA / f"extract_{n}.toml" for n in ("dev", "heldout", "dev2", "dev3")),
    "dev1": (DATA / "extract_dev.toml",),
    "heldout1": (DATA / "extract_heldout.toml",),
    "dev2": (DATA / "extract_dev2.toml",),  # added before the second session's rules, to check they generalise
    "dev3": (DATA / "extract_dev3.toml",),  # written after them, labelled before being scored
    "heldout2": (DATA / "extract_heldout2.toml",),
}
#: Sets whose misses are never printed (nobody tuning the rules may read them).
BLIND = frozenset({"heldout2"})


def norm(name: str) -> str:
    """A place name folded for comparison: case, accents, 'the', 'State', 'Province' dropped."""
    plain = unicodedata.normalize("NFKD", name.replace("’", "'")).encode("ascii", "ignore").decode().casefold()
    plain = re.sub(r"^the\s+|\s+(?:state|province|region|special economic zone)$", "", plain.replace("-", " ").strip())
    return " ".join(plain.split())


def place_keys(place, finder) -> set[str]:
    """Every label that names ``place``: its ISO code, its area name, or Name/CC for each name it has."""
    if place.kind == "country":
        return {place.country}
    if place.kind in ("area", "border"):
        return {place.name}
    from tipmap.routes.placenames import COUNTRY_ALIASES, fold

    names = {place.name, re.sub(r"\s*\(.*\)$", "", place.name), *finder.names_of(place)}
    keys = {f"{norm(n)}/{place.country}" for n in names}
    from tipmap.routes.tables import country_names

    own = norm(country_names().get(place.country, ""))
    if COUNTRY_ALIASES.get(fold(place.name)) == place.country or norm(place.name) == own:  # a city that is its own country
        keys.add(place.country)
    return keys


def label_key(label: str) -> str:
    if "/" in label:
        name, cc = label.rsplit("/", 1)
        return f"{norm(name)}/{cc}"
    return label


def matches(found: list[tuple[set[str], ...]], gold: list[str]) -> int:
    """How many gold labels a distinct found item matches (each used once)."""
    used, right = set(), 0
    for label in gold:
        parts = tuple(label_key(p) for p in label.split(">"))
        for n, item in enumerate(found):
            if n not in used and len(item) == len(parts) and all(p in keys for p, keys in zip(parts, item)):
                used.add(n)
                right += 1
                break
    return right


def run(paths: Path | tuple[Path, ...], finder, *, show: bool = False) -> dict[str, tuple[float, float, int, int, int]]:
    """Precision, recall and (right, proposed, expected) for corridors and hotspots on one set
    (one file or several read as one)."""
    from tipmap.routes.extract import read_sentences
    from tipmap.routes.reports import Report, Sentence

    paths = (paths,) if isinstance(paths, Path) else paths
    items = [i for path in paths for i in tomllib.loads(path.read_text(encoding="utf-8"))["sentence"]]
    totals = {"corridors": [0, 0, 0], "hotspots": [0, 0, 0]}
    for item in items:
        report = Report("gold.txt", "gold", (Sentence(item["text"], 1, "gold.txt"),), item["text"])
        (reading,) = read_sentences(report, finder)
        found = {"corridors": {}, "hotspots": {}}
        for draft in reading.drafts:
            places = (draft.places[0], draft.places[-1]) if draft.layer == "corridors" else draft.places[:1]
            found[draft.layer].setdefault(tuple(p.key for p in places), tuple(place_keys(p, finder) for p in places))
        for layer, total in totals.items():
            items_found = list(found[layer].values())
            right = matches(items_found, item[layer])
            total[0] += right
            total[1] += len(items_found)
            total[2] += len(item[layer])
            if show and (right < len(items_found) or right < len(item[layer])):
                got = [">".join(sorted(k)[0] for k in f) for f in items_found]
                print(f"{layer[:4]} want {item[layer]} got {got}: {item['text']}")
    return {k: (r / max(p, 1), r / max(e, 1), r, p, e) for k, (r, p, e) in totals.items()}


def describe(name: str, figures) -> str:
    return "; ".join(
        f"{name} {k}: P {p:.2f} R {r:.2f} ({a} right, {b} proposed, {c} expected)" for k, (p, r, a, b, c) in figures.items()
    )


if __name__ == "__main__":
    from tipmap.routes.atlas import load_atlas
    from tipmap.routes.placenames import PlaceFinder

    half = sys.argv[1] if len(sys.argv) > 1 else "dev"
    if half not in HALVES:
        sys.exit(f"unknown set {half!r}; known: {', '.join(HALVES)}")
    if not all(p.exists() for p in HALVES[half]):
        sys.exit(f"{half}: {', '.join(str(p) for p in HALVES[half] if not p.exists())} not found")
    print(describe(half, run(HALVES[half], PlaceFinder(load_atlas()), show=half not in BLIND)))
