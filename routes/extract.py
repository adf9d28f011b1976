"""Propose draft corridors and hotspots from report sentences, by rules (no model, no network).

For each sentence: the places it names (:mod:`routes.placenames`), the exploitation terms it
uses (mapped to the atlas vocabulary), its years, and whether it describes movement. A
sentence with movement and a source and a destination gives a draft corridor; a sentence with
a site term ("mining sites", "casinos", "brick kilns") and a place gives a draft hotspot. Each
draft keeps the sentence, a score and the reason it was proposed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tipmap.routes.placenames import Mention, PlaceFinder
from tipmap.routes.reports import Report, Sentence
from tipmap.routes.sites import SITE_TERMS, hotspots
from tipmap.routes.wording import (  # _ROLE, _ROLE_WORDS: routes.provenance reads direction words with them
    _IN_PLACE,
    _IS_ROLE,
    _MOVEMENT,
    _ROLE,
    _ROLE_WORDS,
    EXPLOITATION_TERMS,
    Draft,
    _role_word,
    ends,
    exploitation_terms,
    roles,
)

__all__ = [
    "EXPLOITATION_TERMS", "SITE_TERMS", "Draft", "Reading", "corridors", "ends", "exploitation_terms", "hotspots",
    "read_sentences", "roles", "years", "_ROLE", "_ROLE_WORDS",
]  # fmt: skip

#: "across the border", "at the China–Vietnam border": named in the reason, a little surer.
_BORDER = re.compile(r"\b(?:across|at|over|through) the (?:[\w ]+?[-–])?[\w ]*?\bborder\b", re.I)

_YEARS = (
    (re.compile(r"\bbetween (1[6-9]\d\d|20\d\d) and (1[6-9]\d\d|20\d\d)\b", re.I), "between"),
    (re.compile(r"\bfrom (1[6-9]\d\d|20\d\d) (?:to|until|through) (1[6-9]\d\d|20\d\d)\b", re.I), "from-to"),
    (re.compile(r"\b(1[6-9]\d\d|20\d\d)\s?[–-]\s?(1[6-9]\d\d|20\d\d)\b"), "range"),
    (re.compile(r"\b(?:since|(?:started|began|beginning|starting) in) (?:the )?(1[6-9]\d\d|20\d\d)\b", re.I), "since"),
    (
        re.compile(
            r"(?<!reported )(?<!said )(?<!stated )(?<!published )(?<!released )(?<!announced )(?<!noted )(?<!found )"
            r"(?<!compared with \d )(?<!compared with \d\d )(?<!compared with \d\d\d )"
            r"\b(?:in|during) (?:\w+ )?(?:of )?(1[6-9]\d\d|20\d\d)\b",
            re.I,
        ),
        "in",
    ),
)


@dataclass(frozen=True)
class Reading:
    """What one sentence says: places, exploitation, period, drafts."""

    sentence: Sentence
    mentions: tuple[Mention, ...]
    exploitation: tuple[tuple[str, str], ...]  # (vocabulary value, the words)
    period: tuple[int | None, int | None]
    drafts: tuple[Draft, ...]


def read_sentences(report: Report, finder: PlaceFinder) -> list[Reading]:
    """Every sentence of ``report`` with what the rules find in it."""
    named = frozenset(m.place.country for s in report.sentences[:200] for m in finder.find(s.text) if m.place.kind == "country")
    paragraphs: dict[int, list[str]] = {}
    for sentence in report.sentences:
        paragraphs.setdefault(sentence.line, []).append(sentence.text)
    readings = []
    for sentence in report.sentences:
        mentions = tuple(finder.find(sentence.text, countries=named))
        terms = exploitation_terms(sentence.text)
        period = years(sentence.text)
        around = exploitation_terms(" ".join(paragraphs[sentence.line])) if len(paragraphs[sentence.line]) > 1 else ()
        drafts = tuple(corridors(sentence, mentions, terms, period)) + tuple(
            hotspots(sentence, mentions, terms, period, paragraph=around)
        )
        readings.append(Reading(sentence, mentions, terms, period, drafts))
    return readings


def years(text: str) -> tuple[int | None, int | None]:
    """The period a sentence gives: 'between 2017 and 2019', 'since 1875', 'in 2020'."""
    for pattern, form in _YEARS:
        match = pattern.search(text)
        if not match:
            continue
        if form == "since":
            return int(match[1]), None
        if form == "in":
            return int(match[1]), int(match[1])
        start, end = sorted((int(match[1]), int(match[2])))
        return start, end
    return None, None


def corridors(sentence: Sentence, mentions, terms, period) -> list[Draft]:
    """Draft corridors: a movement word or exploitation told in place ("Lao men are victims of forced
    labor in Thailand"), a source (from X, or a nationality of victims) and a destination."""
    text = sentence.text
    is_role = _IS_ROLE.search(text) if terms or re.search(r"\bvictims?\b|traffick", text, re.I) else None
    move = _MOVEMENT.search(text) or _IN_PLACE.search(text) or is_role
    if not move or len(mentions) < 2:
        return []
    sources, destinations, transits, by_nationality = ends(text, mentions)
    drafts = []
    for src in _distinct(sources):
        for dst in _distinct(destinations):
            if src.place.key == dst.place.key or (
                src.place.country == dst.place.country
                and "area" not in (src.place.kind, dst.place.kind)
                and "country" in (src.place.kind, dst.place.kind)
            ):
                continue  # inside one country, named at country level: a domestic hotspot, not a line
            if (
                "area" in (src.place.kind, dst.place.kind)
                and src.place.kind == dst.place.kind == "area"
                and src.place.key == dst.place.key
            ):
                continue
            via = tuple(t.place for t in _distinct(transits) if t.place.key not in (src.place.key, dst.place.key))
            reasons = [f"{'movement' if _MOVEMENT.match(move.group(0)) else 'exploitation told'} '{move.group(0)}'"]
            reasons.append(f"source '{src.words}' ({'nationality' if src.demonym else 'after ' + _role_word(text, src)})")
            reasons.append(f"destination '{dst.words}' (after {_role_word(text, dst)})")
            if via:
                reasons.append("transit " + ", ".join(f"'{p.name}'" for p in via))
            border = _BORDER.search(text)
            if border:
                reasons.append(f"'{border.group(0)}'")
            score = 0.45 + (0.2 if not src.demonym else 0.0)
            score += 0.1 if re.search(r"traffick|sold|smuggl|exploit|subject", move.group(0), re.I) else 0.0
            score += 0.15 if terms else 0.0
            score += 0.05 if "country" not in (src.place.kind, dst.place.kind) else 0.0
            score += 0.05 if border else 0.0
            if terms:
                reasons.append("exploitation " + ", ".join(f"'{w}'" for _, w in terms))
            values = tuple(v for v, _ in terms) or ("other",)
            score = round(min(score, 0.95), 2)
            drafts.append(
                Draft("corridors", (src.place, *via, dst.place), values, period, score, ["; ".join(reasons)], [sentence])
            )
    return drafts


def _distinct(mentions: list[Mention]) -> list[Mention]:
    seen, out = set(), []
    for m in mentions:
        if m.place.key not in seen:
            seen.add(m.place.key)
            out.append(m)
    return out
