"""Draft hotspots: a site term ("casinos", "scam compounds", "brick kilns") and the place the
sentence ties it to, a border named by two countries, and trafficking within one country.

A site becomes a hotspot only where the sentence ties it to a place: after in/at/on/along ("scam
compounds in Myawaddy", "is widespread in Pakistan"), in a where-clause ("to Malaysia and
Singapore, where they are exploited in massage parlors"), before "'s" ("Thailand's fishing
industry"), right before the site ("Sihanoukville casinos"), the country of "X is a destination
for ...", or a leading "In X,". Not at a place the sentence merely names.
"""

from __future__ import annotations

import re

from tipmap.routes.placenames import Mention
from tipmap.routes.reports import Sentence
from tipmap.routes.wording import (
    _BORDER_NAMED,
    _IN_PLACE,
    _IS_ROLE,
    _LIST,
    _MOVEMENT,
    Draft,
    ends,
    exploitation_terms,
    roles,
)

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
        r"brothels?|massage parlou?rs?|(?:illicit )?massage businesses|saunas|karaoke (?:bars?|clubs?)|nightclubs?"
        r"|bars(?=\s*(?:[,.;)]|and\b|or\b|in\b|at\b|near\b|along\b|on\b|where\b|that\b|which\b|$))"
        r"|entertainment (?:venues?|districts?)|red[- ]light districts?|window prostitution",
        "entertainment_district",
        "sexual_exploitation",
    ),
    (
        r"(?:cyber )?scam (?:compounds?|cent(?:re|er)s?|operations?)|(?<!police )(?<!military )(?<!embassy )(?<!prison )(?<!detention )(?<!government )(?<!diplomatic )compounds?|call cent(?:re|er)s?|online (?:fraud|scam) (?:centres|centers|operations)",  # noqa: E501
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
    if not (terms or paragraph or _HARM.search(text) or _MOVEMENT.search(text) or _IN_PLACE.search(text)):
        return []  # "Korean-owned factories in Vietnam were audited": a site, but nobody harmed there
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
        if not m.demonym
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

#: Who acts in a place is not a site there: "a court in Jakarta", "the Ministry of Labor in Thailand".
_INSTITUTION_IN = re.compile(
    r"\b(?:[Cc]ourts?|[Mm]inist(?:ry|er)|[Gg]overnment|[Ee]mbass(?:y|ies)|[Pp]olice|[Oo]fficials|[Aa]uthorities|NGOs?"
    r"|[Pp]rosecutors?|[Jj]udges?|[Ss]helters?|[Oo]ffices?)(?:\s+(?:of|for)\s+[A-Z][\w ]*?)?\s+in\s+(?:the\s+)?$"
)

#: Words that say someone is harmed at a site (besides the exploitation terms).
_HARM = re.compile(
    r"traffick|victim|exploit|forced|slave|bond|abus|coerc|held\b|hold\b|holds\b|trapped|confined|confiscat|unpaid|withheld"
    r"|beaten|beating|tortur|detain|rescued|freed|escaped|lured|recruit|sold\b|survivor",
    re.I,
)
#: Exploitation said not to be there: no hotspot.
_NEGATED = re.compile(
    r"\b(?:no|not|never|without)\s+(?:any\s+)?(?:evidence\s+of\s+|cases?\s+of\s+|signs?\s+of\s+|indicators?\s+of\s+)?"
    r"(?:forced|sex|trafficking|child|bonded|debt)\b",
    re.I,
)

#: A part of a country not named ("other parts of Malaysia"): not locatable at country level.
_PART_OF = re.compile(r"\b(?:(?:other |some |many )?parts?|areas?|regions?) of\s+(?:the\s+)?$", re.I)

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
    story = _MOVEMENT.search(text) or _IN_PLACE.search(text)  # victims moved or exploited, not an office opened
    near = [m for m in mentions if _gap(m, site) <= SITE_REACH]
    in_destinations = [m for m in near if m in destinations and story]
    if in_destinations:  # where the victims are taken or exploited, with the list it is in
        nearest = min(in_destinations, key=lambda m: _gap(m, site))
        return [m for m in destinations if m is nearest or _same_list(text, m, nearest, destinations)]
    is_role = _IS_ROLE.search(text)
    if is_role and is_role.group(1).lower() == "destination" and is_role.start() < site.start():
        return [m for m in destinations if m.end <= is_role.start()][-1:]  # "Jordan is a destination for ... factories"
    frame = re.match(r"\s*(?:In|Within|Across|Throughout)\s+(?:the\s+)?$", text[: mentions[0].start]) if mentions else None
    if frame and re.match(r"\s*,", text[mentions[0].end :]):
        return mentions[:1]  # "In Bangladesh, traffickers exploit children in brick kilns"
    gap = re.compile(r"\s+(?:[a-z-]+\s+){0,2}")
    before = [m for m in mentions if m.end <= site.start() and gap.fullmatch(text[m.end : site.start()])]
    return before[-1:]  # "Sihanoukville casinos", "Kayin State rubber plantations": the place names the site


def _same_list(text: str, a: Mention, b: Mention, places: list[Mention]) -> bool:
    """``a`` and ``b`` are in one list ("to Qatar, Kuwait, and Saudi Arabia"): every gap between
    the places from one to the other is a list gap."""
    first, last = sorted((a, b), key=lambda m: m.start)
    chain = sorted((m for m in places if first.start <= m.start <= last.start), key=lambda m: m.start)
    return all(_LIST.match(text[x.end : y.start]) for x, y in zip(chain, chain[1:]))


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
