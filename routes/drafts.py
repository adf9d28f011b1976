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
from dataclasses import dataclass, field
from pathlib import Path

from tipmap.routes.extract import Draft, Reading, read_sentences
from tipmap.routes.placenames import Place, PlaceFinder, fold
from tipmap.routes.reports import Report, Sentence, read_report
from tipmap.routes.schema import CONFIDENCE, LAYER_FILES, LIST_SEP
from tipmap.routes.textsafety import safe_row


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
    result.drafts = sorted(merged.values(), key=lambda d: (d.layer, -d.score, draft_label(d)))
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


def draft_label(draft: Draft) -> str:
    """A draft's short name, e.g. 'Vietnam to China' or 'casinos in Macau'."""
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
                "name": draft_label(draft),
                "waypoints": " ".join(_place_id(p) for p in draft.places),
                "confidence": CONFIDENCE[0 if draft.score < 0.6 else 1 if draft.score < 0.8 else 2],
                "routing": _routing(draft.places),
            })  # fmt: skip
        else:
            place = draft.places[0]
            hotspots.append({
                **common,
                "name": draft_label(draft)[:1].upper() + draft_label(draft)[1:],
                "kind": draft.kind,
                "place": _place_id(place),
                "intensity": 1,
                "precision": "country" if place.kind == "country" else "region" if place.kind == "region" else "town",
                "location_note": f"The report names {draft.site.lower()} but no site; shown at {place.name}.",
            })  # fmt: skip
    return {"sources.csv": sources, "places.csv": list(places.values()), "corridors.csv": corridors, "hotspots.csv": hotspots}


def _place_record(place: Place) -> dict[str, object]:
    record = {"id": _place_id(place), "name": place.name, "name_local": place.name_local, "country": place.country}
    record.update(kind=place.kind, lon=f"{place.lon:.4f}", lat=f"{place.lat:.4f}", gazetteer_id=place.gazetteer_id or "")
    if place.key.startswith(("gn:", "iso:", "region:")):
        record.update(note=f"From {place.origin}.", status="draft", score="1.00" if place.kind != "city" else "0.80")
        record["reason"] = f"named in the report; {place.origin}"
    else:
        record["note"] = "Atlas place."
    return record


def _routing(places: tuple[Place, ...]) -> str:
    coarse = [p.name for p in places if p.kind in ("country", "region")]
    if not coarse:
        return "The places are named in the sentence."
    return f"{', '.join(coarse)}: named at country or region level only; drawn at the capital."


def table_csv(name: str, records: list[dict[str, object]]) -> str:
    """One draft table as the text of its atlas CSV file (columns in the atlas's order)."""
    columns = [c.name for _, (fname, cols) in LAYER_FILES.items() if fname == name for c in cols]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    writer.writerows(safe_row({c: ("" if r.get(c) is None else r.get(c, "")) for c in columns}) for r in records)  # #12 E
    return buffer.getvalue()
