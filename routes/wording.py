"""The wording of report sentences that the extraction rules read: exploitation terms, the words
that say movement or exploitation in place, and each place's role in a sentence (source,
destination, transit, where exploitation happens; or a locator, a flag, the sea, a title).

Shared by the corridor rules (:mod:`routes.extract`) and the site rules (:mod:`routes.sites`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tipmap.routes.placenames import Mention, Place
from tipmap.routes.reports import Sentence

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

_MOVEMENT = re.compile(
    r"\b(?:(?:sex |labou?r )?trafficked|traffic|lures?|recruits?|takes?|took|transports?|sends?|sells?"
    r"|smuggl(?:e|es|ed|ing)|sold|taken|transported|moved|migrat(?:e|ed|es|ing)|lured|recruited"
    r"|brought|trafficking of|en route|on (?:their|the) way|sen[dt]|transfer(?:s|red|ring)?|abducted|kidnapped"
    r"|export(?:s|ed)?|travel(?:s|l?ed|l?ing)?|flows?|jobs? in|trafficking(?=[^.;]*\bfrom\b[^.;]*\bto\b)"
    r"|cross(?:ed|ing)?|fled|flee(?:s|ing)?|coming|come|work(?:s|ed|ing)? (?:\w+ ){0,3}?(?:in|on|at)|employed|enslaved)\b",
    re.I,
)

#: Words for the people moved, after a nationality ("Vietnamese women").
_VICTIMS = re.compile(
    r"(?:\s*(?:,|,?\s+and|,?\s+or)\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)*\s+"  # "Burmese, Cambodian, and Lao men"
    r"(?:(?:Roma|Romani|Kurdish|Hmong|Karen|Yazidi|Uyghur|Uighur|Rohingya)\s+)?"  # "Bulgarian Roma children"
    r"(?:[a-z-]+\s+){0,2}?(?:wom[ae]n|girls?|m[ae]n|boys?|child(?:ren)?|workers?|labou?rers?|migrants?|victims?|nationals?"
    r"|citizens?|brides?|refugees?|defectors?|teenagers?|youths?|people|fishermen|crew(?: members)?|seafarers?|trainees?"
    r"|interns?|minors?|adults?|survivors?|Roma|graduates?|students?|job ?seekers?|applicants?|fishers?|maids?|nurses?"
    r"|entertainers?"
    r"|dancers?|footballers?|athletes?|families|households|persons|individuals|youngsters|teens|orphans|infants|babies)\b"
)

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

#: A place that owns a site: "Macau's casinos", "Thailand's fishing industry".
_OWNS_SITE = re.compile(
    r"['’]s\s+(?:[a-z-]+\s+){0,2}?(?:casinos?|brothels?|scam|factories|farms|plantations|mines|fishing|construction"
    r"|agricultur\w*|garment|seafood|entertainment|sex industry|karaoke|massage|brick kilns?)\b"
)
#: A country's name used as an adjective: "U.S. military bases", "PRC companies".
_ATTRIBUTIVE = re.compile(
    r"\.?\s+(?:military|army|navy|armed forces|government|embassy|officials?|authorities|companies|firms|brands|buyers"
    r"|consumers|importers|investors|markets?|bases|law|laws|courts?|police|flag)\b"
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
    r"|trapped|stranded|detained|forc(?:e|es|ing)|vulnerable"
    r"|took place)\b",
    re.I,
)

#: "Qatar is a destination for ...", "Lao PDR is an origin country for ...".
_IS_ROLE = re.compile(
    r"\bis (?:a|an|the) (?:main |major |primary |key |significant )?(source|origin|destination)(?: country)? for\b", re.I
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


def exploitation_terms(text: str) -> tuple[tuple[str, str], ...]:
    """(vocabulary value, matched words) for every exploitation term, first use of each value."""
    found: dict[str, str] = {}
    for pattern, value in _TERMS:
        match = pattern.search(text)
        if match and value not in found:
            found[value] = match.group(0)
    return tuple(found.items())


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
        elif not m.demonym and m.place.kind == "country" and _ATTRIBUTIVE.match(sentence, m.end):
            out.append("flag")  # "U.S. military bases", "Thai government": whose, not where
        elif not role_match and _OWNS_SITE.match(sentence, m.end):
            out.append("in")  # "Macau's casinos draw women from the PRC": where they are exploited
        elif re.search(r"\b(?:nationals|citizens|natives)\s+of\s+(?:the\s+)?$", before):
            out.append("source")  # "included nationals of Kenya, Uganda and Ethiopia"
        elif _JOB_FOR.search(before) or re.search(r"\ben route to\s+(?:the\s+)?$", before):
            out.append("job")  # "for cleaning jobs in Saudi Arabia", "en route to the United States": where they were to go
        elif re.search(r"\b(?:recruit(?:ed|s|ing)?|abducted|kidnapped|captured)\s+(?:[a-z]+\s+){0,3}in\s+(?:the\s+)?$", before):
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
    countries = {m.place.country for m in destinations if m.place.kind == "country"}
    destinations += [  # "to the PRC ... sell them as brides in Yunnan Province": Yunnan says where in the PRC
        m
        for m, r in zip(mentions, role)
        if r == "in" and m.place.country in countries and m.place.kind not in ("country", "area") and m not in sources
    ]
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


#: The people named travel to exploit or buy others: offenders, not victims.
_OFFENDERS = re.compile(
    r"^\s+(?:[a-z]+\s+){0,2}(?:travel\w*|go|goes|went|come|came|visit\w*)\b[^.;]*?\bto\s+(?:sexually\s+)?"
    r"(?:exploit|abuse|buy|purchase|pay for|engage in)\b"
)


def _victims(text: str, m: Mention) -> bool:
    """A nationality that names victims: followed by a word for people, or a plural demonym itself;
    not people who travel to exploit others ("Japanese men travel to the Philippines to exploit children")."""
    if _OFFENDERS.search(text[m.end :]):
        return False
    if _VICTIMS.match(text, m.end):
        return True
    return m.words.endswith("s") and not re.match(r"\s+(?:government|authorities|police|officials|traffickers)", text[m.end :])


def _before_role(text: str, m: Mention) -> str:
    """The words before the role word of ``m`` ("tourists" of "tourists from the United States")."""
    before = text[max(0, m.start - 60) : m.start]
    match = _nearest_role(before)
    return before[: match.start()] if match else before


#: Not where a site is: at sea near a country, or a person's title ("the President of Indonesia").
_NOT_AT = re.compile(
    r"(?:\b(?:waters?|seas?|coasts?|shores?)\s+(?:near|off|of|around)\s+(?:the\s+(?:coast\s+of\s+)?)?"
    r"|\boff\s+the\s+coast\s+of\s+"
    r"|\b(?:President|Minister|Ministry|Prime Minister|Government|Embassy|Ambassador|King|Queen|Parliament|Senate|Congress)"
    r"(?:\s+(?:of\s+)?[A-Z]\w*)*\s+of\s+(?:the\s+)?)$"
)

_BORDER_NAMED = re.compile(r"\b([A-Z][\w]+)[-–]([A-Z][\w]+) border\b")


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
