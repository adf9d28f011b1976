"""Propose draft corridors and hotspots from report sentences, by rules (no model, no network).

For each sentence: the places it names (:mod:`routes.placenames`), the exploitation terms it
uses (mapped to the atlas vocabulary), its years, and whether it describes movement. A
sentence with movement and a source and a destination gives a draft corridor; a sentence with
a site term ("mining sites", "casinos", "brick kilns") and a place gives a draft hotspot. Each
draft keeps the sentence, a score and the reason it was proposed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tipmap.routes.placenames import Mention, Place, PlaceFinder
from tipmap.routes.reports import Report, Sentence

#: Exploitation terms -> atlas vocabulary (routes.schema.EXPLOITATION).
EXPLOITATION_TERMS: tuple[tuple[str, str], ...] = (
    (
        r"forced marriages?|bride trafficking|(?:sold|trafficked) as (?:\w+ )?(?:brides?|wives)|\bbrides?\b"
        r"|buy (?:a|one) wife|concubines?",
        "forced_marriage",
    ),
    (
        r"forced labou?r|bonded labou?r|debt bondage|labou?r transfers?|forced to work|labou?r trafficking"
        r"|labou?r exploitation",
        "forced_labour",
    ),
    (
        r"sexual(?:ly)? exploit\w*|sex traffick\w*|forced prostitution|prostitution|prostitutes?|brothels?|sex slaves?|sex work"
        r"|cybersex|sexual slavery",
        "sexual_exploitation",
    ),
    (
        r"scam (?:compounds?|centres?|centers?)|online scams?|forced criminality|forced to commit (?:crimes|fraud)",
        "forced_criminality",
    ),
    (r"organ (?:removal|harvesting|trafficking)|kidneys? (?:sold|removed)", "organ_removal"),
    (
        r"child (?:labou?r|trafficking|soldiers?|sex\w*|marriage)|trafficked children"
        r"|children (?:are|were|have been) (?:\w+ )?trafficked",
        "child_exploitation",
    ),
)
_TERMS = [(re.compile(p, re.I), v) for p, v in EXPLOITATION_TERMS]

#: Site terms -> (hotspot kind, exploitation when the sentence names none).
SITE_TERMS: tuple[tuple[str, str, str], ...] = (
    (r"casinos?", "casino", "sexual_exploitation"),
    (
        r"(?:coal )?mines|mining (?:sector )?(?:sites?|operations?)|mining sector|mining camps?|coal deposits?",
        "mining_site",
        "forced_labour",
    ),
    (r"brick kilns?", "labour_site", "forced_labour"),
    (r"factor(?:y|ies)|garment plants?|sweatshops?", "factory", "forced_labour"),
    (
        r"brothels?|massage parlou?rs?|karaoke (?:bars?|clubs?)|nightclubs?|entertainment venues?|red[- ]light districts?",
        "entertainment_district",
        "sexual_exploitation",
    ),
    (r"scam compounds?|scam cent(?:re|er)s?", "scam_compound", "forced_criminality"),
    (r"cotton fields?|plantations?|construction sites?|fishing (?:vessels?|boats?)|farms", "labour_site", "forced_labour"),
)  # fmt: skip
_SITES = [(re.compile(rf"\b(?:{p})\b", re.I), k, e) for p, k, e in SITE_TERMS]

_MOVEMENT = re.compile(
    r"\b(?:(?:sex |labou?r )?trafficked|smuggled|sold|taken|transported|moved|migrat(?:e|ed|es|ing)|lured|recruited|"
    r"brought|trafficking of|sen[dt]|transferred|abducted|kidnapped|export(?:s|ed)?|travel(?:l?ed)?|"
    r"cross(?:ed|ing)?|fled|coming|come|work(?:ed|ing)? (?:\w+ )?in|employed|enslaved)\b",
    re.I,
)
#: Words for the people moved, after a nationality ("Vietnamese women").
_VICTIMS = re.compile(
    r"\s+(?:(?:and|or|,)\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?\s+)?"  # "Chinese and Mongolian women"
    r"(?:[a-z]+\s+){0,2}?(?:wom[ae]n|girls?|m[ae]n|boys?|child(?:ren)?|workers?|labou?rers?|migrants?|victims?|nationals?"
    r"|citizens?|brides?|refugees?|defectors?)\b"
)
#: "across the border", "at the China–Vietnam border": named in the reason, a little surer.
_BORDER = re.compile(r"\b(?:across|at|over|through) the (?:[\w ]+?[-–])?[\w ]*?\bborder\b", re.I)
_ROLE_WORDS = {
    "from": "source", "out of": "source", "to": "destination", "into": "destination", "towards": "destination",
    "toward": "destination", "through": "transit", "via": "transit", "across": "transit", "in": "in",
}  # fmt: skip
#: The role word before a place, with up to three lower-case words between ("from the area around").
_ROLE = re.compile(r"\b(from|out of|to|into|towards?|through|via|across|in)\s+(?:[a-z]+\s+){0,3}$")
_AGENT = re.compile(r"\bby\s+(?:the\s+)?$", re.I)
_LOCATOR = re.compile(r"^\s*(?:,|in|of)\s*$")
#: Between two places of one list: commas, "and", "or", and names the finder did not know.
_LIST = re.compile(r"^(?:\s*(?:,|/|&|–|-)\s*|\s*[A-Z][\w'’]*\s*)*(?:,?\s*(?:and|or)\s+)?$")
_YEARS = (
    (re.compile(r"\bbetween (1[6-9]\d\d|20\d\d) and (1[6-9]\d\d|20\d\d)\b", re.I), "between"),
    (re.compile(r"\bfrom (1[6-9]\d\d|20\d\d) (?:to|until|through) (1[6-9]\d\d|20\d\d)\b", re.I), "from-to"),
    (re.compile(r"\b(1[6-9]\d\d|20\d\d)\s?[–-]\s?(1[6-9]\d\d|20\d\d)\b"), "range"),
    (re.compile(r"\b(?:since|(?:started|began|beginning|starting) in) (?:the )?(1[6-9]\d\d|20\d\d)\b", re.I), "since"),
    (re.compile(r"\b(?:in|during) (?:\w+ )?(?:of )?(1[6-9]\d\d|20\d\d)\b", re.I), "in"),
)


@dataclass
class Draft:
    """A proposed corridor or hotspot (before ids are given)."""

    layer: str  # "corridors" or "hotspots"
    places: tuple[Place, ...]  # corridor: source, transits..., destination; hotspot: its place
    exploitation: tuple[str, ...]
    period: tuple[int | None, int | None]
    score: float
    reasons: list[str]  # one per quote: the rules that fired
    quotes: list[Sentence] = field(default_factory=list)
    kind: str = ""  # hotspot kind
    site: str = ""  # the site words, for a hotspot's name
    ident: str = ""  # the record id, given once every draft is known


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
        around = exploitation_terms(" ".join(paragraphs[sentence.line]))
        drafts = tuple(corridors(sentence, mentions, terms, period)) + tuple(
            hotspots(sentence, mentions, terms, period, paragraph=around)
        )
        readings.append(Reading(sentence, mentions, terms, period, drafts))
    return readings


def exploitation_terms(text: str) -> tuple[tuple[str, str], ...]:
    """(vocabulary value, matched words) for every exploitation term, first use of each value."""
    found: dict[str, str] = {}
    for pattern, value in _TERMS:
        match = pattern.search(text)
        if match and value not in found:
            found[value] = match.group(0)
    return tuple(found.items())


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


def roles(sentence: str, mentions: tuple[Mention, ...]) -> list[str]:
    """Each mention's role from the word before it: source (from), destination (to, into),
    transit (through, via, across), 'in', 'nationality' (a demonym), or '' (none);
    a place in a list takes the role of the list's first place."""
    out: list[str] = []
    for i, m in enumerate(mentions):
        before = sentence[max(0, m.start - 40) : m.start]
        role_match = _ROLE.search(before)
        if (
            i
            and m.place.kind == "country"
            and m.place.country == mentions[i - 1].place.country
            and _LOCATOR.match(sentence[mentions[i - 1].end : m.start])
        ):
            out.append("locator")  # "Haiphong in Vietnam", "Gdynia, Poland": where the place before is
        elif m.demonym and _AGENT.search(before):
            out.append("agent")  # "kidnapped by Chinese pirates": who did it, not who moved
        elif role_match:
            out.append(_ROLE_WORDS[role_match.group(1).lower()])
        elif i and _LIST.match(sentence[mentions[i - 1].end : m.start]):
            out.append(out[-1])
        elif m.demonym:
            out.append("nationality")
        else:
            out.append("")
    return out


def corridors(sentence: Sentence, mentions, terms, period) -> list[Draft]:
    """Draft corridors: a movement word, a source (from X, or a nationality) and a destination."""
    text = sentence.text
    move = _MOVEMENT.search(text)
    if not move or len(mentions) < 2:
        return []
    role = roles(text, mentions)
    sources = [m for m, r in zip(mentions, role) if r == "source"]
    by_nationality = not sources
    if by_nationality:  # "Vietnamese women were taken", "bought kidnapped Vietnamese women"; not "the Russian government"
        sources = [m for m, r in zip(mentions, role) if r == "nationality" and _VICTIMS.match(text, m.end)]
    if by_nationality:  # "Vietnamese women in the Red River delta were taken": the place they came from
        sources = [_home(text, m, mentions) for m in sources]
    destinations = [m for m, r in zip(mentions, role) if r == "destination" and m.start > move.start()]
    for fallback in ("in", "transit"):  # "moved out of Xinjiang to work in factories across China"
        if not destinations:
            destinations = [m for m, r in zip(mentions, role) if r == fallback and m.start > move.start()]
    if not destinations:  # "factories in China that use labour transferred from Xinjiang"
        destinations = [m for m, r in zip(mentions, role) if r == "in"]
    transits = [m for m, r in zip(mentions, role) if r == "transit"]
    drafts = []
    for src in _distinct(sources):
        for dst in _distinct(destinations):
            if src.place.key == dst.place.key or (
                src.place.country == dst.place.country and src.place.kind == dst.place.kind == "country"
            ):
                continue  # a move inside one country named only at country level is not a corridor
            via = tuple(t.place for t in _distinct(transits) if t.place.key not in (src.place.key, dst.place.key))
            reasons = [f"movement '{move.group(0)}'"]
            reasons.append(f"source '{src.words}' ({'nationality' if by_nationality else 'after ' + _role_word(text, src)})")
            reasons.append(f"destination '{dst.words}' (after {_role_word(text, dst)})")
            if via:
                reasons.append("transit " + ", ".join(f"'{p.name}'" for p in via))
            border = _BORDER.search(text)
            if border:
                reasons.append(f"'{border.group(0)}'")
            score = 0.45 + (0.2 if not by_nationality else 0.0)
            score += 0.1 if re.search(r"traffick|sold|smuggl", move.group(0), re.I) else 0.0
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


def hotspots(sentence: Sentence, mentions, terms, period, *, paragraph=()) -> list[Draft]:
    """Draft hotspots: a site term and the place it is at (the place after 'in/at/near', or the nearest).

    Without an exploitation term in the sentence, the paragraph's terms are used, then the site's
    usual one (brick kilns: forced labour), and the reason says which."""
    drafts = []
    located = [m for m in mentions if not (m.demonym and m.place.kind == "country")]  # a nationality is not a site's place
    for pattern, kind, default in _SITES:
        match = pattern.search(sentence.text)
        if not match or not located:
            continue
        place = _site_place(sentence.text, match, located)
        if place is None:
            continue  # the site's place is not said near it ("this factory ... camps in Xinjiang")
        values = tuple(v for v, _ in terms or paragraph) or (default,)
        reasons = [f"site '{match.group(0)}' at '{place.words}'"]
        if terms:
            reasons.append("exploitation " + ", ".join(f"'{w}'" for _, w in terms))
        elif paragraph:
            reasons.append("exploitation from the paragraph: " + ", ".join(f"'{w}'" for _, w in paragraph))
        else:
            reasons.append(f"no exploitation term: {default} assumed for the site")
        score = 0.4 + (0.2 if terms else 0.0) + (0.15 if place.place.kind != "country" else 0.0)
        draft = Draft(
            "hotspots", (place.place,), values, period, round(score, 2), ["; ".join(reasons)], [sentence], kind, match.group(0)
        )
        drafts.append(draft)
    return drafts


#: A site term and the place it is at must be this close (characters) unless joined by in/at/near.
SITE_REACH = 80


def _site_place(text: str, site: re.Match, mentions) -> Mention | None:
    after = [
        m
        for m in mentions
        if m.start >= site.end()
        and re.fullmatch(r"\s*(?:in|at|near|of|across|around)\s+(?:the\s+)?", text[site.end() : m.start], re.I)
    ]
    if after:
        return after[0]
    nearest = min(mentions, key=lambda m: _gap(m, site))
    return nearest if _gap(nearest, site) <= SITE_REACH else None


def _gap(mention: Mention, site: re.Match) -> int:
    return max(mention.start - site.end(), site.start() - mention.end, 0)


def _home(text: str, nationality: Mention, mentions) -> Mention:
    """The place right after "<nationality> women in", in the same country, else the nationality."""
    victims = _VICTIMS.match(text, nationality.end)
    if victims:
        for m in mentions:
            between = text[victims.end() : m.start]
            if (
                m.start >= victims.end()
                and m.place.country == nationality.place.country
                and re.fullmatch(r"\s+(?:in|from)\s+(?:the\s+)?", between)
            ):
                return m
    return nationality


def _role_word(text: str, mention: Mention) -> str:
    match = _ROLE.search(text[max(0, mention.start - 40) : mention.start])
    return f"'{match.group(1)}'" if match else "a list"


def _distinct(mentions: list[Mention]) -> list[Mention]:
    seen, out = set(), []
    for m in mentions:
        if m.place.key not in seen:
            seen.add(m.place.key)
            out.append(m)
    return out
