"""The job of ``tipmap extract``, kept out of :mod:`routes.jobs` so that it imports no
geopandas unless it draws the drafts map: the place finder reads the atlas's places and
hotspot names with the csv module (:mod:`routes.placetables`), and importing geopandas
alone would cost more than reading a one-page report.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class ExtractResult:
    """``tipmap extract``: the extraction, its draft tables, and the drafts as a gated atlas
    (built in memory from the tables, not re-read from the files written)."""

    extraction: Any
    tables: dict[str, list[dict[str, object]]]
    drafts: Any  # routes.atlas.Atlas, or None without a map
    context: Any  # routes.jobs.AtlasResult, or None without a map


def extract_job(
    reports: list[str],
    *,
    data_dir: str | None = None,
    encoding: str | None = None,
    title: str | None = None,
    label: str = "drafts",
    draw_map: bool = True,
) -> ExtractResult:
    """Propose drafts from ``reports`` and prepare the drafts map (drafts beside the atlas;
    not with ``draw_map=False``, which skips the atlas job and geopandas)."""
    from tipmap.routes.drafts import extract_reports, tables

    extraction = extract_reports(list(reports), atlas=place_tables(data_dir), encoding=encoding, title=title)
    rows = tables(extraction)
    if not extraction.drafts or not draw_map:
        return ExtractResult(extraction, rows, None, None)
    return _with_map(extraction, rows, data_dir, label)


def place_tables(data_dir: str | None) -> Any:
    """What the place finder reads: the curated atlas's places and hotspot names without
    geopandas, or the user's atlas directory loaded and checked as every command checks it (a
    bad file stops with the same messages). Not gated, as before (see routes.placetables)."""
    from tipmap.routes.placetables import PlaceTables, curated_place_tables

    if data_dir is None:
        return curated_place_tables()
    from tipmap.routes.atlas import load_atlas

    return PlaceTables.of_atlas(load_atlas(data_dir))


def _with_map(extraction: Any, rows: dict[str, list[dict[str, object]]], data_dir: str | None, label: str) -> ExtractResult:
    """The drafts as an atlas gated for the default audience, beside the atlas (the map's context)."""
    from tipmap.routes.atlas import load_atlas
    from tipmap.routes.drafts import table_csv
    from tipmap.routes.jobs import atlas_job
    from tipmap.routes.select import Selection, select
    from tipmap.routes.tables import MemoryDirectory
    from tipmap.routes.userdata import UserLayer, drafts_bounds

    audience = Selection().audience
    memory = MemoryDirectory({name: table_csv(name, records).encode() for name, records in rows.items()})
    drafts = select(load_atlas(memory), Selection(audience=audience))
    context = atlas_job(Selection(audience=audience), data_dir=data_dir)
    layer = UserLayer("drafts", drafts, f"Drafts: {label}", label)
    return ExtractResult(extraction, rows, drafts, replace(context, layers=(layer,), view=drafts_bounds([layer])))
