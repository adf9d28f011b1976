"""The drafts directory of ``tipmap extract``: draft tables, the review sheet and the drafts map."""

from __future__ import annotations

import re
from pathlib import Path

from tipmap.maps.escape import markdown
from tipmap.routes.drafts import Extraction, draft_label
from tipmap.routes.extract import Draft
from tipmap.routes.tables import country_names


def write_drafts_directory(result, output: str | Path, *, force: bool = False, offline: bool = False) -> Path:
    """Write ``tipmap extract``'s result as a drafts directory in one step (a temporary
    directory renamed into place): the draft tables in the atlas's CSV format, review.md, and
    drafts.html (the drafts beside the atlas) when there are drafts."""
    from tipmap.routes.drafts import table_csv
    from tipmap.routes.output import write_directory_atomically

    def fill(tmp: Path) -> None:
        for name, records in result.tables.items():
            (tmp / name).write_text(table_csv(name, records), encoding="utf-8")
        (tmp / "review.md").write_text(review_sheet(result.extraction), encoding="utf-8")
        if result.context is not None:  # folium only when there is a map to draw (not with --no-map)
            from tipmap.maps.interactive import map_of
            from tipmap.maps.page import page_html

            fmap = map_of(result.context, title="Drafts to review", offline=offline)
            (tmp / "drafts.html").write_text(page_html(fmap, offline=offline), encoding="utf-8")

    return write_directory_atomically(output, fill, force=force)


def review_sheet(result: Extraction) -> str:
    """Markdown: per report the title and counts, then every draft with its reason and quotes."""
    lines = ["# Drafts to review", ""]
    lines += ["Proposed by `tipmap extract` from the reports below. Nothing here is checked: accept or reject drafts by id with",
              "`tipmap review drafts/ --accept ID --reject ID --atlas DIR`.", ""]  # fmt: skip
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
    out = [f"### {markdown(draft_label(draft))}  `{draft.ident}`", ""]
    out.append(f"- [ ] accept  - [ ] reject  — score **{draft.score:.2f}**; {', '.join(draft.exploitation)}; {period}")
    out.append(f"- Places: {markdown(where)}")
    out += [f"- Why: {markdown(reason)}" for reason in draft.reasons]
    for quote in draft.quotes:
        out.append(f"- > {markdown(quote.text)} — `{quote.document}`, line {quote.line}")
    return [*out, ""]
