"""``tipmap review``: accept or reject drafts proposed by ``tipmap extract``, writing accepted ones
into an atlas directory with new ids, their places, sources and quotes.

Accepted corridors and hotspots lose the ``d-`` prefix of their draft id (a clash with an id the
atlas already has gets ``-2``, ``-3``...), become ``status`` curated (their score and reason are
kept as the record of why they were proposed), and bring the places they use and the source
records of their quotes. Accepted and rejected drafts leave the drafts directory. Both
directories are written whole, each in one step; the atlas is validated by loading it before
it replaces the old one, and the provenance check (``routes.provenance``) is run on the
accepted records, whose problems are returned for the reviewer to fix.
"""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tipmap.routes.errors import UsageProblem
from tipmap.routes.output import write_directory_atomically
from tipmap.routes.schema import LAYER_FILES, LIST_SEP

LAYERS = ("corridors", "hotspots")


class UnknownDraft(UsageProblem):
    """An id given to --accept or --reject is not a draft in the drafts directory."""


@dataclass
class Review:
    """What a review did: the accepted drafts' new ids, the rejected ids, the atlas written."""

    atlas: Path
    accepted: dict[str, str] = field(default_factory=dict)  # draft id -> atlas id
    rejected: list[str] = field(default_factory=list)
    left: int = 0  # drafts still to review
    problems: list = field(default_factory=list)  # provenance problems of the accepted records


def _read(directory: Path, layer: str) -> list[dict[str, str]]:
    path = directory / LAYER_FILES[layer][0]
    if not path.is_file():
        return []
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _columns(layer: str) -> list[str]:
    return [c.name for c in LAYER_FILES[layer][1]]


def _write(directory: Path, layer: str, rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_columns(layer), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    (directory / LAYER_FILES[layer][0]).write_text(buffer.getvalue(), encoding="utf-8")


def review_drafts(drafts: str | Path, *, accept: tuple[str, ...] = (), reject: tuple[str, ...] = (), atlas: str | Path) -> Review:
    """Move the ``accept``ed drafts of ``drafts`` into the atlas directory ``atlas`` (created when
    absent) and drop the ``reject``ed ones from ``drafts``.

    Raises
    ------
    UnknownDraft
        An id that is not a draft corridor or hotspot (nothing is written).
    UsageProblem
        An id both accepted and rejected.
    """
    drafts, target = Path(drafts), Path(atlas)
    if not (drafts / "corridors.csv").is_file():
        raise UsageProblem(f"{drafts}: not a drafts directory (no corridors.csv); make one with tipmap extract")
    both = sorted(set(accept) & set(reject))
    if both:
        raise UsageProblem(f"{', '.join(both)}: both accepted and rejected")
    draft_rows = {layer: _read(drafts, layer) for layer in LAYER_FILES}
    known = {r["id"]: layer for layer in LAYERS for r in draft_rows[layer]}
    unknown = [i for i in (*accept, *reject) if i not in known]
    if unknown:
        raise UnknownDraft(f"{', '.join(unknown)}: no such draft in {drafts} (ids are in review.md)")
    atlas_rows = {layer: _read(target, layer) for layer in LAYER_FILES}
    before = {layer: len(atlas_rows[layer]) for layer in LAYERS}
    result = Review(target, rejected=list(reject))
    used = {r["id"] for rows in atlas_rows.values() for r in rows}
    places = {r["id"]: r for r in draft_rows["places"]}
    sources = {r["id"]: r for r in draft_rows["sources"]}
    for layer in LAYERS:
        for row in draft_rows[layer]:
            if row["id"] not in accept:
                continue
            new = _new_id(row["id"], used)
            result.accepted[row["id"]] = new
            ids = row["waypoints"].split() if layer == "corridors" else [row["place"]]
            for pid in ids:
                if pid not in {p["id"] for p in atlas_rows["places"]}:
                    atlas_rows["places"].append({**places[pid], "status": "curated"})
            refs = []
            for sid in (s.strip() for s in row["sources"].split(LIST_SEP) if s.strip()):
                ref = sid
                existing = {s["id"]: s for s in atlas_rows["sources"]}
                if sid in existing and existing[sid]["quote"] != sources[sid]["quote"]:
                    ref = _new_id(sid, used)
                if ref not in existing:
                    atlas_rows["sources"].append({**sources[sid], "id": ref})
                    used.add(ref)
                refs.append(ref)
            atlas_rows[layer].append({**row, "id": new, "sources": LIST_SEP.join(refs), "status": "curated"})
    decided = set(accept) | set(reject)
    left = {layer: [r for r in draft_rows[layer] if r["id"] not in decided] for layer in LAYERS}
    result.left = sum(map(len, left.values()))

    def fill_atlas(tmp: Path) -> None:
        if target.is_dir():
            for item in target.iterdir():
                if item.is_file():
                    shutil.copy2(item, tmp / item.name)
        for layer, rows in atlas_rows.items():
            _write(tmp, layer, rows)
        from tipmap.routes.atlas import load_atlas

        load_atlas(tmp)  # the atlas check: an invalid result raises and the old atlas stays as it was
        result.problems = _provenance(tmp, before)

    def fill_drafts(tmp: Path) -> None:
        for item in drafts.iterdir():
            if item.is_file():
                shutil.copy2(item, tmp / item.name)
        for layer in LAYERS:
            _write(tmp, layer, left[layer])

    write_directory_atomically(target, fill_atlas, force=True)
    write_directory_atomically(drafts, fill_drafts, force=True)
    return result


def _provenance(directory: Path, before: dict[str, int]) -> list:
    """The provenance check (``routes.provenance``) on the records this review added: each of
    their claims (places, years, exploitation, direction) must be in their quotes."""
    from tipmap.routes.provenance import check_provenance

    files = {LAYER_FILES[layer][0]: before[layer] for layer in LAYERS}
    return [p for p in check_provenance(directory) if p.file in files and p.row is not None and p.row > files[p.file] + 1]


def _new_id(draft_id: str, used: set[str]) -> str:
    stem = draft_id[2:] if draft_id.startswith("d-") else draft_id
    ident, n = stem, 2
    while ident in used:
        ident, n = f"{stem}-{n}", n + 1
    used.add(ident)
    return ident
