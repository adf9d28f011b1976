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
        r"forced marriages?|forced into marriage|early and forced marriage|bride trafficking|(?:sold|trafficked) as (?:\w+ )?(?:brides?|wives)|\bbrides?\b"  # noqa: E501
        r"|buy (?:a|one) wife|concubines?",
        "forced_marriage",
    ),
    (
        r"forced labou?r|bonded labou?r|debt bondage|labou?r transfers?|forced to (?:work|beg)|labou?r trafficking|labou?r exploitation"  # noqa: E501
        r"|domestic servitude|forced begging|unpaid (?:labou?r|wages)",
        "forced_labour",
    ),
    (
        r"sexual(?:ly)? exploit\w*|sex traffick\w*|forced prostitution|prostitution|prostitutes?|brothels?|sex slaves?|sex work"
        r"|cybersex|sexual slavery",
        "sexual_exploitation",
    ),
    (
        r"scam (?:compounds?|centres?|centers?|operations?)|online (?:scams?|fraud|gambling)|forced criminality"
        r"|forced to (?:commit (?:crimes|fraud)|scam)|call cent(?:er|re)s|cyber scam|fraud (?:centres|centers|schemes)",
        "forced_criminality",
    ),
    (r"organ (?:removal|harvesting|trafficking)|kidneys? (?:sold|removed)", "organ_removal"),
    (
        r"child (?:labou?r|trafficking|soldiers?|sex\w*|marriage|victims)|trafficked children|\bchildren\b"
        r"|children (?:are|were|have been) (?:\w+ )?trafficked",
        "child_exploitation",
    ),
)
_TERMS = [(re.compile(p, re.I), v) for p, v in EXPLOITATION_TERMS]

#: Site terms -> (hotspot kind, exploitation when the sentence names none).
SITE_TERMS: tuple[tuple[str, str, str], ...] = (
    (r"casinos?|online gambling operations?", "casino", "sexual_exploitation"),
    (
        r"(?:coal |gold |jade |cobalt |artisanal )*mines?|(?:gold )?mining(?: sector| sites?| operations?| camps?| communities)?"
        r"|coal deposits?",
        "mining_site",
        "forced_labour",
    ),
    (r"brick kilns?|rice mills?|charcoal production|logging|(?:stone )?quarr(?:y|ies)", "labour_site", "forced_labour"),
    (r"(?:seafood processing |garment |cannabis )?factor(?:y|ies)|garment plants?|sweatshops?|textile workshops?"
     r"|(?:garment|textile|apparel|seafood processing) (?:sector|industry)", "factory",
     "forced_labour"),
    (
        r"brothels?|massage parlou?rs?|(?:illicit )?massage businesses|saunas|karaoke (?:bars?|clubs?)|nightclubs?|bars"
        r"|entertainment (?:venues?|districts?)|red[- ]light districts?|window prostitution",
        "entertainment_district",
        "sexual_exploitation",
    ),
    (
        r"(?:cyber )?scam (?:compounds?|cent(?:re|er)s?|operations?)|compounds?|call cent(?:re|er)s?|online (?:fraud|scam) (?:centres|centers|operations)",  # noqa: E501
        "scam_compound",
        "forced_criminality",
    ),
    (
        r"cotton (?:fields?|harvest)|(?:cocoa |rubber |palm oil )?plantations?|construction(?: sites?| sector)?|(?:cocoa |cannabis |cattle )?farms?"  # noqa: E501
        r"|fishing(?: vessels?| boats?| industry| fleet| sector)?|agricultur(?:e|al sector)|(?:nail (?:bars|salons))|cattle ranches"  # noqa: E501
        r"|(?:cocoa|palm oil|cotton|tobacco|sugar(?:cane)?|tea|rubber|timber|shrimp) (?:sector|industry|estates?)",
        "labour_site",
        "forced_labour",
    ),
)  # fmt: skip
_SITES = [(re.compile(rf"\b(?:{p})\b", re.I), k, e) for p, k, e in SITE_TERMS]

_MOVEMENT = re.compile(
    r"\b(?:(?:sex |labou?r )?trafficked|traffic|lures?|recruits?|takes?|took|transports?|sends?|sells?|smuggled|sold|taken|transported|moved|migrat(?:e|ed|es|ing)|lured|recruited|"  # noqa: E501
    r"brought|trafficking of|sen[dt]|transferred|abducted|kidnapped|export(?:s|ed)?|travel(?:s|l?ed|l?ing)?|"
    r"cross(?:ed|ing)?|fled|flee(?:s|ing)?|coming|come|work(?:ed|ing)? (?:\w+ )?in|employed|enslaved)\b",
    re.I,
)
#: Words for the people moved, after a nationality ("Vietnamese women").
_VICTIMS = re.compile(
    r"(?:\s*(?:,|,?\s+and|,?\s+or)\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)*\s+"  # "Burmese, Cambodian, and Lao men"
    r"(?:[a-z-]+\s+){0,2}?(?:wom[ae]n|girls?|m[ae]n|boys?|child(?:ren)?|workers?|labou?rers?|migrants?|victims?|nationals?"
    r"|citizens?|brides?|refugees?|defectors?|teenagers?|youths?|people|fishermen|crew(?: members)?|seafarers?|trainees?"
    r"|interns?|minors?|adults?|survivors?|graduates?|students?|job ?seekers?|applicants?|fishers?|maids?|nurses?|entertainers?"
    r"|dancers?|footballers?|athletes?|families|households|persons|individuals|youngsters|teens|orphans|infants|babies)\b"
)
#: "across the border", "at the China–Vietnam border": named in the reason, a little surer.
_BORDER = re.compile(r"\b(?:across|at|over|through) the (?:[\w ]+?[-–])?[\w ]*?\bborder\b", re.I)
_ROLE_WORDS = {
    "from": "source", "out of": "source", "to": "destination", "into": "destination", "towards": "destination",
    "toward": "destination", "through": "transit", "via": "transit", "across": "transit", "in": "in", "within": "in",
    "transiting": "transit", "at": "in", "on": "in", "throughout": "in", "onward to": "destination",
}  # fmt: skip
#: The role word before a place, with up to three lower-case words between ("from the area around").
_ROLE = re.compile(
    r"\b(from|out of|to|into|towards?|through|via|across|in|within|transiting|at|on|throughout)\s+(?:[a-z'’-]+\s+){0,4}"
    r"(?:[–—:]\s*)?$"
)
_AGENT = re.compile(r"\bby\s+(?:the\s+)?$", re.I)
#: Taken out of the place of exploitation: the place after "from" is where they were held.
_RESCUED = re.compile(
    r"\b(?:rescued|freed|released|removed|extracted|repatriated|deported|escaped|returned)\b"
    r"(?:\s+[\w,-]+){0,5}\s+(?:from|out of)\s+(?:[a-z'’-]+\s+){0,4}$",
    re.I,
)
#: "for cleaning jobs in", "offers of work in", "promised employment in": where they were to go.
_JOB_FOR = re.compile(
    r"\b(?:for|of|promised|promising|seeking|to)\s+(?:[a-z-]+\s+){0,2}(?:jobs?|work|employment|positions?)\s+in\s+(?:the\s+)?$"
)
_LOCATOR = re.compile(r"^\s*(?:,|in|of)\s*$")
#: Between two places of one list: commas, "and", "or", and names the finder did not know.
_LIST = re.compile(
    r"^(?:\s*(?:,|/|&|–|—|-|;|\(|\))\s*|\s*(?:and|or|as well as|including|such as|particularly|especially|notably|mainly|the)\b\s*"  # noqa: E501
    r"|\s*[A-Z][\w'’]*\s*)*$"
)
#: Words for people who are not the victims: "child sex tourists from the United States".
_NOT_VICTIMS = re.compile(
    r"\b(?:tourists?|officials?|counterparts?|authorities|police|investigators?|researchers?|traffickers?|brokers?|syndicates?"
    r"|companies|government|embassy|ngos?|deported|returned|repatriated|returnees?|donors?|buyers?|clients?|employers?)\s*$",
    re.I,
)
#: A trigger without a movement verb: exploitation told in place ("are subjected to forced labor in").
_IN_PLACE = re.compile(
    r"\b(?:exploit(?:s|ed|ing)?|subject(?:s|ed)?|victims? of|forced (?:to|into)|held|hold|identified|detected|rescued|found|face"
    r"|faced|abused|enslaved|confined|employ(?:s|ed)?|sold|documented|documenting|freed|occur(?:s|red|ring)?|takes? place"
    r"|trapped|stranded|detained|forc(?:e|es|ing)"
    r"|took place)\b",
    re.I,
)
#: "Qatar is a destination for ...", "Lao PDR is an origin country for ...".
_IS_ROLE = re.compile(
    r"\bis (?:a|an|the) (?:main |major |primary |key |significant )?(source|origin|destination)(?: country)? for\b", re.I
)
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
        around = exploitation_terms(" ".join(paragraphs[sentence.line])) if len(paragraphs[sentence.line]) > 1 else ()
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
    borders = [b.span() for b in _BORDER_NAMED.finditer(sentence)]
    for i, m in enumerate(mentions):
        owner = mentions[i - 1] if i else None
        if owner and owner.place.kind == "country" and owner.place.country == m.place.country and out[-1] == "owner":
            before = sentence[max(0, owner.start - 40) : owner.start]  # "from Nigeria's Edo State": from
        else:
            before = sentence[max(0, m.start - 40) : m.start]
        role_match = _nearest_role(before)
        after = mentions[i + 1] if i + 1 < len(mentions) else None
        if (
            after
            and m.place.kind == "country"
            and after.place.kind not in ("country", "area")
            and after.place.country == m.place.country
            and re.fullmatch(r"['’]s\s+", sentence[m.end : after.start])
        ):
            out.append("owner")  # "Nigeria's Edo State": the state says where
        elif _NOT_AT.search(sentence[: m.start]):
            out.append("off")  # "in waters near South Africa", "the President of Indonesia": not where anyone is
        elif _locator(sentence, mentions, i):
            out.append("locator")  # "Haiphong in Vietnam", "Shwe Kokko, Kayin State": where the place before is
        elif m.demonym and _AGENT.search(before):
            out.append("agent")  # "kidnapped by Chinese pirates": who did it, not who moved
        elif any(a <= m.start < b for a, b in borders) and not re.search(r"\b(?:across|over|through|at)\s+the\s+$", before):
            out.append("border")  # "lured to the Thai-Cambodian border": a border, not the two countries
        elif role_match and role_match.group(1).lower() in ("from", "out of") and _RESCUED.search(sentence[: m.start][-100:]):
            out.append("in")  # "rescued from a compound in X", "repatriated from Malaysia": where they were held
        elif m.demonym and re.match(r"-(?:flagged|owned|registered|run|operated)\b", sentence[m.end :]):
            out.append("flag")  # "Chinese-flagged vessels": a flag, not a place
        elif _JOB_FOR.search(before):
            out.append("job")  # "for cleaning jobs in Saudi Arabia": where they were to go (or were told)
        elif re.search(r"\brecruit(?:ed|s|ing)?\s+(?:[a-z]+\s+){0,3}in\s+(?:the\s+)?$", before):
            out.append("source")  # "recruited in Kenya for jobs in Saudi Arabia"
        elif role_match:
            out.append(_ROLE_WORDS[role_match.group(1).lower()])
        elif i and _LIST.match(sentence[mentions[i - 1].end : m.start]):
            out.append(out[-1])
        elif m.demonym or (m.place.kind == "country" and re.match(r"\s+(?:nationals|citizens|workers)\b", sentence[m.end :])):
            out.append("nationality")  # "Burmese women", "PRC nationals", "DPRK workers"
        else:
            out.append("")
    return out


def _nearest_role(before: str) -> re.Match | None:
    """The role word of a place: the nearest direction word ("taken across the river into Myanmar":
    into, not across), unless a nearer word only locates the words between ("from refugee camps
    in Cox's Bazar", "to scam centres in Cambodia") or continues it ("from across Asia", "to and
    through")."""
    match = _ROLE.search(before)
    while match:
        nearer = _ROLE.search(before, match.start() + 1)
        if nearer is None:
            return match
        word, near_word = match.group(1).lower(), nearer.group(1).lower()
        if _ROLE_WORDS[word] != "in" and (
            _ROLE_WORDS[near_word] == "in" or before[match.end(1) : nearer.start()].strip(" ,") in ("", "and", "or")
        ):
            return match
        match = nearer
    return None


def _locator(text: str, mentions: tuple[Mention, ...], i: int) -> bool:
    """Mention ``i`` says where the place before it is: "Gdynia, Poland", "Shwe Kokko, Kayin
    State", "Ruili in Yunnan" (a country or first-level division of the same country)."""
    if not i:
        return False
    m, prev = mentions[i], mentions[i - 1]
    return (
        m.place.kind in ("country", "region")
        and prev.place.kind not in ("country", "area")
        and m.place.country == prev.place.country
        and m.place.key != prev.place.key
        and not m.demonym
        and bool(_LOCATOR.match(text[prev.end : m.start]))
    )


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


def ends(text: str, mentions: tuple[Mention, ...]) -> tuple[list[Mention], list[Mention], list[Mention], bool]:
    """Sources, destinations and transits of a sentence, and whether the sources are nationalities."""
    role = roles(text, mentions)
    is_role = _IS_ROLE.search(text)
    if is_role and re.search(r"\b(?:source|origin|transit)\b,", text[: is_role.end()], re.I):
        return [], [], [], False  # "a source, transit, and destination country": no corridor
    if is_role:
        before = [i for i, m in enumerate(mentions) if m.end <= is_role.start()]
        for i in before[-1:]:
            role[i] = "destination" if is_role.group(1).lower() == "destination" else "source"
    sources, excluded = [], False
    for i, (m, r) in enumerate(zip(mentions, role)):
        if r != "source":
            continue
        listed = i and role[i - 1] == "source" and _LIST.match(text[mentions[i - 1].end : m.start])
        excluded = excluded if listed else bool(_NOT_VICTIMS.search(_before_role(text, m)))
        if not excluded:  # not "child sex tourists from the United States, Australia, and Europe"
            sources.append(m)
    by_nationality = not sources
    nationals = [m for m, r in zip(mentions, role) if r == "nationality" and _victims(text, m)]
    if by_nationality:  # "Vietnamese women were taken", "male Cambodians"; not "the Russian government"
        sources = [_home(text, m, mentions) for m in nationals]
    destinations = [m for m, r in zip(mentions, role) if r == "destination" and m not in sources]
    for fallback in ("in", "job", "transit"):  # "sold across the China–Vietnam border": the last place crossed to
        if not destinations:
            destinations = [m for m, r in zip(mentions, role) if r == fallback and m not in sources]
    destinations, stops = _last_leg(text, destinations)
    role = ["transit" if m in stops else r for m, r in zip(mentions, role)]
    destinations = _finest(destinations)
    if destinations and all(r == "transit" for m, r in zip(mentions, role) if m in destinations):
        destinations = [m for m in destinations if m.place.country not in {s.place.country for s in sources}]
    transits = [m for m, r in zip(mentions, role) if r == "transit" and m not in destinations]
    return sources, destinations, transits, by_nationality


#: "and then by sea to", "onward to", "before being taken to": the places before it were stops.
_THEN = re.compile(r"\b(?:then|onward|onwards|later|eventually|finally|before being|before they were)\b", re.I)


def _last_leg(text: str, destinations: list[Mention]) -> tuple[list[Mention], list[Mention]]:
    """A journey told in legs ("to Libya and then by sea to Italy"): the destinations before the
    last "then" are stops on the way (transits), the ones after it the destinations."""
    marks = [t.start() for t in _THEN.finditer(text)]
    if not marks or len(destinations) < 2:
        return destinations, []
    after = [m for m in destinations if m.start > marks[-1]]
    before = [m for m in destinations if m.start < marks[-1]]
    return (after, before) if after and before else (destinations, [])


def _finest(places: list[Mention]) -> list[Mention]:
    """Drop a country when a town or division of it is named in the same role ("jobs in Cambodia
    ... scam operations in Sihanoukville"): the finer place says where."""
    fine = {m.place.country for m in places if m.place.kind not in ("country", "area", "border")}
    return [m for m in places if not (m.place.kind == "country" and m.place.country in fine)]


def _victims(text: str, m: Mention) -> bool:
    """A nationality that names victims: followed by a word for people, or a plural demonym itself."""
    if _VICTIMS.match(text, m.end):
        return True
    return m.words.endswith("s") and not re.match(r"\s+(?:government|authorities|police|officials|traffickers)", text[m.end :])


def _before_role(text: str, m: Mention) -> str:
    """The words before the role word of ``m`` ("tourists" of "tourists from the United States")."""
    before = text[max(0, m.start - 60) : m.start]
    match = _nearest_role(before)
    return before[: match.start()] if match else before


def hotspots(sentence: Sentence, mentions, terms, period, *, paragraph=()) -> list[Draft]:
    """Draft hotspots: a site term and the places it is at (the places after 'in/at/near', the
    place before "'s", the sentence's destinations, or the nearest); a border named by two
    countries ("the Thai-Burmese border"); and trafficking within one country ("within Nigeria").

    Without an exploitation term in the sentence, the paragraph's terms are used, then the site's
    usual one (brick kilns: forced labour), and the reason says which."""
    text = sentence.text
    sources, destinations, _, _ = ends(text, mentions)
    role = roles(text, mentions)
    borders = _borders(text, mentions)
    located = _located(text, mentions, role, sources, borders)
    destinations = [m for m in destinations if m in located]
    to_border = re.compile(r"\b(?:to|into|towards?)\s+the\s+$")  # "lured to the Thai-Cambodian border"
    destinations += [b for b in borders if to_border.search(text[: b.start])]
    drafts: list[Draft] = []
    if _NEGATED.search(text):
        return []  # "inspected 500 fishing vessels and found no forced labor"
    for pattern, kind, default in _SITES:
        for match in pattern.finditer(text):
            for place in _site_places(text, match, located, destinations):
                drafts.append(_hotspot(sentence, place, kind, match.group(0), default, terms, paragraph, period))
    for place in _domestic(text, mentions, sources):
        kind = {"sexual_exploitation": "entertainment_district", "forced_criminality": "scam_compound"}.get(
            terms[0][0] if terms else "", "labour_site"
        )
        drafts.append(_hotspot(sentence, place, kind, "domestic trafficking", "other", terms, paragraph, period))
    seen, out = set(), []
    fine = {d.places[0].country for d in drafts if d.places[0].kind not in ("country", "area", "border")}
    for draft in drafts:
        place = draft.places[0]
        if place.key not in seen and not (place.kind == "country" and place.country in fine):  # the town says where
            seen.add(place.key)
            out.append(draft)
    return out


def _located(text: str, mentions, role: list[str], sources, borders: list[Mention]) -> list[Mention]:
    """The places a site can be at: not a nationality, a source, a locator, a flag, the sea, a
    country named only as part of a border, a vague part of a country, or where an institution sits."""
    located = [
        m
        for m, r in zip(mentions, role)
        if not (m.demonym and m.place.kind == "country")
        and m not in sources
        and r not in ("locator", "flag", "off")
        and not any(b.start <= m.start < b.end for b in borders)  # "the Myanmar-Thailand border" is one place
        and not (m.place.kind == "country" and _PART_OF.search(text[: m.start]))
        and not _INSTITUTION_IN.search(text[: m.start])  # "a court in Jakarta", "the Ministry of Labor in Thailand"
    ]
    return sorted(located + borders, key=lambda m: m.start)


def _hotspot(sentence, place: Mention, kind, site, default, terms, paragraph, period) -> Draft:
    values = tuple(v for v, _ in terms or paragraph) or (default,)
    reasons = [f"site '{site}' at '{place.words}'"]
    if terms:
        reasons.append("exploitation " + ", ".join(f"'{w}'" for _, w in terms))
    elif paragraph:
        reasons.append("exploitation from the paragraph: " + ", ".join(f"'{w}'" for _, w in paragraph))
    else:
        reasons.append(f"no exploitation term: {default} assumed for the site")
    score = 0.4 + (0.2 if terms else 0.0) + (0.15 if place.place.kind not in ("country", "area") else 0.0)
    return Draft("hotspots", (place.place,), values, period, round(score, 2), ["; ".join(reasons)], [sentence], kind, site)


#: A site term and the place it is at must be this close (characters) unless joined by in/at/near.
SITE_REACH = 80
_AT = re.compile(
    r"\s*(?:(?:is|are|was|were|remains?|have been|has been)\s+(?:[a-z]+\s+){0,2}?"  # "is widespread in", "are reported in"
    r"|(?:projects?|sites?|camps?|areas?|zones?|hubs?|towns?|districts?|operations?|companies|businesses)\s+)?"
    r"(?:in|at|near|of|across|around|along|on|inside|throughout)\s+(?:the\s+)?(?:[a-z]+\s+){0,2}?(?:of\s+)?"
    r"(?:(?:[A-Z][\w'’-]*\s+){1,3}(?:near|in|at|outside)\s+(?:the\s+)?)?",  # "along the Moei River near Myawaddy"
    re.I,
)
#: Not where a site is: at sea near a country, or a person's title ("the President of Indonesia").
_NOT_AT = re.compile(
    r"(?:\b(?:waters?|seas?|coasts?|shores?)\s+(?:near|off|of|around)\s+(?:the\s+(?:coast\s+of\s+)?)?"
    r"|\boff\s+the\s+coast\s+of\s+"
    r"|\b(?:President|Minister|Ministry|Prime Minister|Government|Embassy|Ambassador|King|Queen|Parliament|Senate|Congress)"
    r"(?:\s+(?:of\s+)?[A-Z]\w*)*\s+of\s+(?:the\s+)?)$"
)
#: Who acts in a place is not a site there: "a court in Jakarta", "the Ministry of Labor in Thailand".
_INSTITUTION_IN = re.compile(
    r"\b(?:[Cc]ourts?|[Mm]inist(?:ry|er)|[Gg]overnment|[Ee]mbass(?:y|ies)|[Pp]olice|[Oo]fficials|[Aa]uthorities|NGOs?"
    r"|[Pp]rosecutors?|[Jj]udges?|[Ss]helters?|[Oo]ffices?)(?:\s+(?:of|for)\s+[A-Z][\w ]*?)?\s+in\s+(?:the\s+)?$"
)
#: Exploitation said not to be there: no hotspot.
_NEGATED = re.compile(
    r"\b(?:no|not|never|without)\s+(?:any\s+)?(?:evidence\s+of\s+|cases?\s+of\s+|signs?\s+of\s+|indicators?\s+of\s+)?"
    r"(?:forced|sex|trafficking|child|bonded|debt)\b",
    re.I,
)
#: A part of a country not named ("other parts of Malaysia"): not locatable at country level.
_PART_OF = re.compile(r"\b(?:(?:other |some |many )?parts?|areas?|regions?) of\s+(?:the\s+)?$", re.I)
_BORDER_NAMED = re.compile(r"\b([A-Z][\w]+)[-–]([A-Z][\w]+) border\b")
_WITHIN = re.compile(r"\b(?:within|inside|internally in|domestically in)\s+(?:the\s+)?$", re.I)


def _site_places(text: str, site: re.Match, mentions, destinations) -> list[Mention]:
    """The places a site term is at: those after it (a list counts), else the place before "'s"."""
    after = [m for m in mentions if m.start >= site.end() and _AT.fullmatch(text[site.end() : m.start])]
    if after:
        first = min(after, key=lambda m: m.start)
        out = [first]
        for m in sorted(mentions, key=lambda m: m.start):
            locator = m.place.kind == "country" and m.place.country == out[-1].place.country  # "Ambon, Indonesia"
            if m.start > out[-1].end and _LIST.match(text[out[-1].end : m.start]) and not m.demonym and not locator:
                out.append(m)
        return out
    owner = [
        m for m in mentions if m.end <= site.start() and re.fullmatch(r"['’]s\s+(?:[a-z-]+\s+){0,2}", text[m.end : site.start()])
    ]
    if owner:
        return owner[-1:]
    where = _where_list(text, site, mentions)
    if where:  # "to Malaysia and Singapore, where they are exploited in massage parlors"
        return where
    near = [m for m in mentions if _gap(m, site) <= SITE_REACH]
    in_destinations = [m for m in near if m in destinations]
    if in_destinations:  # where the victims are taken or exploited
        return [min(in_destinations, key=lambda m: _gap(m, site))]
    is_role = _IS_ROLE.search(text)
    if is_role and is_role.group(1).lower() == "destination" and is_role.start() < site.start():
        return [m for m in destinations if m.end <= is_role.start()][-1:]  # "Jordan is a destination for ... factories"
    frame = re.match(r"\s*(?:In|Within|Across|Throughout)\s+(?:the\s+)?$", text[: mentions[0].start]) if mentions else None
    if frame and re.match(r"\s*,", text[mentions[0].end :]):
        return mentions[:1]  # "In Bangladesh, traffickers exploit children in brick kilns"
    gap = re.compile(r"\s+(?:[a-z-]+\s+){0,2}")
    before = [m for m in mentions if m.end <= site.start() and gap.fullmatch(text[m.end : site.start()])]
    return before[-1:]  # "Sihanoukville casinos", "Kayin State rubber plantations": the place names the site


def _where_list(text: str, site: re.Match, mentions) -> list[Mention]:
    """The list of places right before ", where" when the site is in the where-clause."""
    at = text.rfind(" where ", 0, site.start())
    if at < 0 or re.search(r"[.;]", text[at : site.start()]):
        return []
    prior = sorted((m for m in mentions if m.end <= at), key=lambda m: m.start)
    if not prior or not re.fullmatch(r"\s*,?", text[prior[-1].end : at]):
        return []
    out = [prior[-1]]
    for m in reversed(prior[:-1]):
        if not _LIST.match(text[m.end : out[0].start]):
            break
        out.insert(0, m)
    finer = [m for m in out if m.place.kind != "area"]
    return finer or out  # "to Europe, including the United Kingdom, where": the country


def _borders(text: str, mentions) -> list[Mention]:
    """ "the Thai-Burmese border", "the Myanmar-Thailand border": a place on that border."""
    from tipmap.routes.gazetteer import gazetteer
    from tipmap.routes.placenames import Place

    out = []
    for match in _BORDER_NAMED.finditer(text):
        pair = [m for m in mentions if match.start() <= m.start < match.end() and m.place.kind == "country"]
        codes = sorted({m.place.country for m in pair})
        point = gazetteer().borders.get("-".join(codes)) if len(codes) == 2 else None
        if point:
            name = f"{codes[0]}-{codes[1]} border"
            origin = f"a point of the {codes[0]}–{codes[1]} border (Natural Earth admin-0)"
            place = Place(f"border:{codes[0]}-{codes[1]}", name, codes[0], "border", point[0], point[1], origin)
            out.append(Mention(place, match.start(), match.end(), match.group(0)))
    return out


def _domestic(text: str, mentions, sources) -> list[Mention]:
    """Trafficking inside one country: places after "within", and the places a nationality's own
    people are exploited in ("Kazakh men ... in Almaty")."""
    out = [m for m in mentions if _WITHIN.search(text[: m.start]) and not m.demonym]
    for m in list(out):
        for n in mentions:
            if n.start > m.end and _LIST.match(text[m.end : n.start]) and not n.demonym and n not in out:
                out.append(n)
    within = {m.place.country for m in out if m.place.kind == "country"}
    out += [  # "Within Laos, women are exploited in Vientiane": the town (the country is dropped for it)
        m
        for m, r in zip(mentions, roles(text, mentions))
        if r == "in" and m.place.country in within and m.place.kind not in ("country", "area") and m not in out
    ]
    own = {s.place.country for s in sources if s.demonym and s.place.kind == "country"}
    if len(own) != 1 or not _IN_PLACE.search(text) or not exploitation_terms(text):
        return out  # one nationality exploited in its own country, said with an exploitation term
    role = roles(text, mentions)
    places = [m for m, r in zip(mentions, role) if r in ("in", "destination") and not m.demonym and m.place.kind != "area"]
    if any(m.place.country not in own for m in places):
        return out  # also taken abroad: the corridor says it
    out += [m for m, r in zip(mentions, role) if m in places and r == "in" and m not in out and m not in sources]
    return out


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
    match = _nearest_role(text[max(0, mention.start - 40) : mention.start])
    return f"'{match.group(1)}'" if match else "a list"


def _distinct(mentions: list[Mention]) -> list[Mention]:
    seen, out = set(), []
    for m in mentions:
        if m.place.key not in seen:
            seen.add(m.place.key)
            out.append(m)
    return out
