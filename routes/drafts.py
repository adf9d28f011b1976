"""Turn the rules' proposals into a drafts directory in the atlas's own format.

``extract_reports`` reads reports, merges proposals that say the same thing (one corridor
from several sentences keeps every quote), gives ids, and writes, all at once into a
temporary directory renamed into place: ``sources.csv`` (one record per quote, the report's
title and file name), ``places.csv``, ``corridors.csv``, ``hotspots.csv`` (``status`` draft,
``score``, ``reason``), ``review.md`` (every draft with its quotes) and ``drafts.html``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tipmap.maps.escape import markdown
from tipmap.routes.extract import Draft, Reading, read_sentences
from tipmap.routes.output import write_directory_atomically
from tipmap.routes.placenames import Place, PlaceFinder, fold
from tipmap.routes.reports import Report, Sentence, read_report
from tipmap.routes.schema import CONFIDENCE, LAYER_FILES, LIST_SEP
from tipmap.routes.tables import country_names


@dataclass
class Extraction:
    """Everything read and proposed: per report its readings, and the merged drafts."""

    reports: list[tuple[Report, list[Reading]]] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    quote_ids: dict[Sentence, str] = field(default_factory=dict)  # quote -> its source record's id


def extract_reports(paths: list[str | Path], *, atlas, encoding: str | None = None, title: str | None = None) -> Extraction:
    """Read every report and propose drafts (nothing is written)."""
    finder = PlaceFinder(atlas)
    result = Extraction()
    for path in paths:
        report = read_report(path, encoding=encoding, title=title)
        result.reports.append((report, read_sentences(report, finder)))
    merged: dict[tuple, Draft] = {}
    for _, readings in result.reports:
        for reading in readings:
            for draft in reading.drafts:
                key = (draft.layer, draft.kind, tuple(p.key for p in draft.places))
                if key in merged:
                    _merge(merged[key], draft)
                else:
                    merged[key] = draft
    result.drafts = sorted(merged.values(), key=lambda d: (d.layer, -d.score, _label(d)))
    _assign_ids(result)
    return result


def _merge(into: Draft, other: Draft) -> None:
    into.exploitation = tuple(dict.fromkeys(into.exploitation + other.exploitation))
    if len(into.exploitation) > 1 and "other" in into.exploitation:
        into.exploitation = tuple(e for e in into.exploitation if e != "other")
    starts = [y for y in (into.period[0], other.period[0]) if y is not None]
    ends = [y for y in (into.period[1], other.period[1]) if y is not None]
    into.period = (min(starts) if starts else None, max(ends) if ends else None)
    into.score = round(min(0.95, max(into.score, other.score) + 0.05), 2)  # said twice: a little surer
    into.reasons += [r for r in other.reasons if r not in into.reasons]
    into.quotes += [q for q in other.quotes if q not in into.quotes]


def _label(draft: Draft) -> str:
    names = [re.sub(r" \(country-level\)$", "", p.name) for p in draft.places]
    if draft.layer == "corridors":
        return " → ".join(names)
    return f"{draft.site.lower()} in {names[0]}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "x"


def _place_id(place: Place) -> str:
    if place.key.startswith("iso:"):
        return place.country.lower()
    if place.key.startswith("gn:"):
        return f"{place.country.lower()}-{_slug(place.name)}-{place.gazetteer_id}"
    if place.key.startswith("region:"):
        return f"{place.country.lower()}-{_slug(place.name)}-region"
    if place.key.startswith(("area:", "border:")):
        return f"{place.kind}-{_slug(place.key.split(':', 1)[1])}"
    return place.key


def _assign_ids(result: Extraction) -> None:
    used: set[str] = set()
    for draft in result.drafts:
        stem = "d-" + "-".join(_place_id(p) for p in draft.places)
        if draft.layer == "hotspots":
            stem += "-" + draft.kind.replace("_", "-")
        ident, n = stem[:80].rstrip("-"), 2
        while ident in used:
            ident, n = f"{stem[:76].rstrip('-')}-{n}", n + 1
        used.add(ident)
        draft.ident = ident
    for report, _ in result.reports:
        stem = _slug(Path(report.document).stem)[:24].strip("-")
        quotes = sorted(
            {q for d in result.drafts for q in d.quotes if q.document == report.document}, key=lambda q: (q.line, q.text)
        )
        for n, quote in enumerate(quotes, start=1):
            result.quote_ids[quote] = f"{stem}-q{n:03d}"


def tables(result: Extraction) -> dict[str, list[dict[str, object]]]:
    """The drafts as atlas records, by file name."""
    titles = {r.document: r.title for r, _ in result.reports}
    sources = [
        {"id": sid, "title": titles[quote.document], "document": quote.document, "quote": quote.text}
        for quote, sid in sorted(result.quote_ids.items(), key=lambda kv: kv[1])
    ]
    places: dict[str, dict[str, object]] = {}
    corridors, hotspots = [], []
    for draft in result.drafts:
        for place in draft.places:
            places.setdefault(_place_id(place), _place_record(place))
        common = {
            "id": draft.ident,
            "exploitation": LIST_SEP.join(draft.exploitation),
            "period_start": draft.period[0],
            "period_end": draft.period[1],
            "sources": LIST_SEP.join(result.quote_ids[q] for q in draft.quotes),
            "sensitivity": "public",
            "status": "draft",
            "score": f"{draft.score:.2f}",
            "reason": " | ".join(draft.reasons),
        }
        if draft.layer == "corridors":
            corridors.append({
                **common,
                "name": _label(draft),
                "waypoints": " ".join(_place_id(p) for p in draft.places),
                "confidence": CONFIDENCE[0 if draft.score < 0.6 else 1 if draft.score < 0.8 else 2],
                "routing": _routing(draft.places),
            })  # fmt: skip
        else:
            place = draft.places[0]
            hotspots.append({
                **common,
                "name": _label(draft)[:1].upper() + _label(draft)[1:],
                "kind": draft.kind,
                "place": _place_id(place),
                "intensity": 1,
                "precision": _precision(place),
                "location_note": _location_note(draft, place),
            })  # fmt: skip
    return {"sources.csv": sources, "places.csv": list(places.values()), "corridors.csv": corridors, "hotspots.csv": hotspots}


def _precision(place: Place) -> str:
    """How exactly a hotspot's place locates it: a country-level hotspot is marked as such."""
    return {"country": "country", "region": "region", "area": "region", "border": "region"}.get(place.kind, "town")


def _location_note(draft: Draft, place: Place) -> str:
    if draft.site == "domestic trafficking":
        return f"The report names trafficking within {place.name} but no site; shown at {place.origin}, not located there."
    if place.kind in ("country", "area", "border"):
        return (
            f"The report names {draft.site.lower()} in {place.name} but no site or town: {_precision(place)}-level, not located."
        )
    return f"The report names {draft.site.lower()} but no site; shown at {place.name}."


def _place_record(place: Place) -> dict[str, object]:
    record = {"id": _place_id(place), "name": place.name, "name_local": place.name_local, "country": place.country}
    kind = "region" if place.kind in ("area", "border") else place.kind  # an area or a border is drawn as a region
    record.update(kind=kind, lon=f"{place.lon:.4f}", lat=f"{place.lat:.4f}", gazetteer_id=place.gazetteer_id or "")
    if place.key.startswith(("gn:", "iso:", "region:", "area:", "border:")):
        record.update(note=f"From {place.origin}.", status="draft", score="1.00" if place.kind != "city" else "0.80")
        record["reason"] = f"named in the report; {place.origin}"
    else:
        record["note"] = "Atlas place."
    return record


def _routing(places: tuple[Place, ...]) -> str:
    coarse = [p.name for p in places if p.kind in ("country", "region", "area", "border")]
    if not coarse:
        return "The places are named in the sentence."
    return f"{', '.join(coarse)}: named at country or region level only; drawn at the capital."


def write_drafts(
    result: Extraction, output: str | Path, *, force: bool = False, page: Callable[[Path], None] | None = None
) -> Path:
    """Write the drafts directory at ``output`` in one step (a temporary directory renamed into place).

    ``page(directory)`` draws the map of the drafts into the finished temporary directory.
    """

    def fill(tmp: Path) -> None:
        for name, records in tables(result).items():
            columns = [c.name for _, (fname, cols) in LAYER_FILES.items() if fname == name for c in cols]
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="raise")
            writer.writeheader()
            writer.writerows({c: ("" if r.get(c) is None else r.get(c, "")) for c in columns} for r in records)
            (tmp / name).write_text(buffer.getvalue(), encoding="utf-8")
        (tmp / "review.md").write_text(review_sheet(result), encoding="utf-8")
        if page is not None:
            page(tmp)

    return write_directory_atomically(output, fill, force=force)


def review_sheet(result: Extraction) -> str:
    """Markdown: per report the title and counts, then every draft with its reason and quotes."""
    lines = ["# Drafts to review", ""]
    lines += ["Proposed by `tipmap extract` from the reports below. Nothing here is checked: accept a draft by",
              "copying its rows into the atlas (set `status` to `curated`), or reject it.", ""]  # fmt: skip
    for report, readings in result.reports:
        named = sum(1 for r in readings if r.mentions)
        lines.append(f"- **{markdown(report.title)}** (`{report.document}`): {len(readings)} sentences, {named} name a place")
    corridors = [d for d in result.drafts if d.layer == "corridors"]
    hotspots = [d for d in result.drafts if d.layer == "hotspots"]
    lines += ["", f"{len(corridors)} draft corridors, {len(hotspots)} draft hotspots.", ""]
    for heading, drafts in (("Corridors", corridors), ("Hotspots", hotspots)):
        lines += [f"## {heading}", ""]
        for draft in drafts:
            lines += _draft_entry(result, draft)
    lines += _possible_misses(result)
    return "\n".join(lines) + "\n"


#: Sentences worth a look though no rule fired: they name two places and speak of trafficking.
_TRAFFICKING = re.compile(r"traffick|exploit|forced|slave|smuggl|sold|bride|labou?r export|importers?", re.I)
MAX_MISSES = 40


def _possible_misses(result: Extraction) -> list[str]:
    """Sentences that name two or more places and trafficking but gave no draft: the rules' blind
    spots (movement without a movement verb, a source named only in the sentence before)."""
    out = ["## Sentences to check by hand", ""]
    out += ["They name two or more places and speak of trafficking, but no rule proposed a draft.", ""]
    found = 0
    for report, readings in result.reports:
        for reading in readings:
            places = {m.place.key for m in reading.mentions}
            if len(places) >= 2 and not reading.drafts and _TRAFFICKING.search(reading.sentence.text):
                found += 1
                if found <= MAX_MISSES:
                    out.append(f"- `{report.document}`, line {reading.sentence.line}: {markdown(reading.sentence.text)}")
    if found > MAX_MISSES:
        out.append(f"- … and {found - MAX_MISSES} more")
    return out + [""] if found else []


def _draft_entry(result: Extraction, draft: Draft) -> list[str]:
    names = country_names()
    period = "–".join("" if y is None else str(y) for y in draft.period) if any(draft.period) else "no year"
    where = "; ".join(f"{p.name} ({names.get(p.country, p.country)}, {p.lat:.3f}, {p.lon:.3f}: {p.origin})" for p in draft.places)
    out = [f"### {markdown(_label(draft))}  `{draft.ident}`", ""]
    out.append(f"- [ ] accept  - [ ] reject  — score **{draft.score:.2f}**; {', '.join(draft.exploitation)}; {period}")
    out.append(f"- Places: {markdown(where)}")
    out += [f"- Why: {markdown(reason)}" for reason in draft.reasons]
    for quote in draft.quotes:
        out.append(f"- > {markdown(quote.text)} — `{quote.document}`, line {quote.line}")
    return [*out, ""]
