"""The atlas schema: layers, their columns and the controlled vocabularies.

Every vocabulary here is the single source of truth for validation, for the CLI's
choices and for the map legend.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Exploitation types, after the CTDC/UNODC typology (the form goes in notes).
EXPLOITATION: tuple[str, ...] = (
    "sexual_exploitation",
    "forced_labour",
    "forced_marriage",
    "forced_criminality",
    "organ_removal",
    "child_exploitation",
    "other",
)

SENSITIVITY: tuple[str, ...] = ("public", "restricted", "confidential")
CONFIDENCE: tuple[str, ...] = ("low", "medium", "high")
#: ``site``: a named mine, factory or shipyard placed at the site itself (``note`` says from where).
PLACE_KINDS: tuple[str, ...] = ("city", "town", "border_crossing", "port", "region", "country", "site")
#: How a corridor is drawn: every place named in its quotes; through a place tipmap chose
#: (``chosen``); or between country-level points (the report names only countries).
DRAWN_BY: tuple[str, ...] = ("quoted", "chosen", "country-level")
HOTSPOT_KINDS: tuple[str, ...] = (
    "casino",
    "mining_site",
    "border_crossing",
    "entertainment_district",
    "factory",
    "scam_compound",
    "port",
    "labour_site",
    "internal_trafficking",  # trafficking within one country, drawn as a region, not a line
)
SUPPORT_KINDS: tuple[str, ...] = ("ngo", "hotline", "shelter", "consulate", "government")
#: How exactly a hotspot or support point is located.
PRECISION: tuple[str, ...] = ("site", "town", "region", "country")
ROLES: tuple[str, ...] = ("source", "transit", "destination")
#: Review status: curated records were checked by an analyst; drafts were proposed by
#: ``tipmap extract`` and carry a score (0-1) and the reason they were proposed.
STATUS: tuple[str, ...] = ("curated", "draft")
#: Columns of the review status, in places, corridors and hotspots.
REVIEW_COLUMNS: tuple[str, ...] = ("status", "score", "reason")

#: Separator of multi-valued cells (exploitation, sources, chosen, aliases).
LIST_SEP = ";"


@dataclass(frozen=True)
class Column:
    """One column of a data file: its name, whether it must be filled, its type."""

    name: str
    required: bool = True
    kind: str = "text"  # text | int | float | list | id
    vocabulary: tuple[str, ...] = ()


PLACES: tuple[Column, ...] = (
    Column("id", kind="id"),
    Column("name"),
    Column("name_local", required=False),
    Column("country", required=False, kind="country"),  # blank only for a multi-country region
    Column("kind", vocabulary=PLACE_KINDS),
    Column("lon", kind="float"),
    Column("lat", kind="float"),
    Column("gazetteer_id", required=False, kind="int"),
    Column("note", required=False),
    Column("aliases", required=False, kind="list"),
    Column("sensitivity", required=False, vocabulary=SENSITIVITY),
    Column("status", required=False, vocabulary=STATUS),
    Column("score", required=False, kind="float"),
    Column("reason", required=False),
)

CORRIDORS: tuple[Column, ...] = (
    Column("id", kind="id"),
    Column("name"),
    Column("waypoints", kind="waypoints"),
    Column("exploitation", kind="list", vocabulary=EXPLOITATION),
    Column("period_start", required=False, kind="int"),
    Column("period_end", required=False, kind="int"),
    Column("confidence", vocabulary=CONFIDENCE),
    Column("volume", required=False, kind="float"),
    Column("volume_unit", required=False),
    Column("volume_source", required=False),
    Column("sources", kind="list"),
    Column("sensitivity", vocabulary=SENSITIVITY),
    Column("routing", required=False),
    Column("chosen", required=False, kind="list"),
    Column("status", required=False, vocabulary=STATUS),
    Column("score", required=False, kind="float"),
    Column("reason", required=False),
)

HOTSPOTS: tuple[Column, ...] = (
    Column("id", kind="id"),
    Column("name"),
    Column("name_local", required=False),
    Column("kind", vocabulary=HOTSPOT_KINDS),
    Column("place"),
    Column("exploitation", kind="list", vocabulary=EXPLOITATION),
    Column("intensity", kind="float"),
    Column("period_start", required=False, kind="int"),
    Column("period_end", required=False, kind="int"),
    Column("sources", kind="list"),
    Column("sensitivity", vocabulary=SENSITIVITY),
    Column("precision", vocabulary=PRECISION),
    Column("location_note", required=False),
    Column("chosen", required=False, kind="list"),
    Column("status", required=False, vocabulary=STATUS),
    Column("score", required=False, kind="float"),
    Column("reason", required=False),
)


SUPPORT: tuple[Column, ...] = (
    Column("id", kind="id"),
    Column("name"),
    Column("name_local", required=False),
    Column("kind", vocabulary=SUPPORT_KINDS),
    Column("place"),
    Column("services", required=False),
    Column("sources", kind="list"),
    Column("sensitivity", vocabulary=SENSITIVITY),
    Column("precision", vocabulary=PRECISION),
    Column("location_note", required=False),
    Column("chosen", required=False, kind="list"),
)

SOURCES: tuple[Column, ...] = (
    Column("id", kind="id"),
    Column("title"),
    Column("publisher", required=False),
    Column("year", required=False, kind="int"),
    Column("url", required=False),
    Column("document", required=False),
    Column("quote"),
)

#: File name of each layer inside an atlas directory, in loading order.
LAYER_FILES: dict[str, tuple[str, tuple[Column, ...]]] = {
    "sources": ("sources.csv", SOURCES),
    "places": ("places.csv", PLACES),
    "corridors": ("corridors.csv", CORRIDORS),
    "hotspots": ("hotspots.csv", HOTSPOTS),
    "support": ("support.csv", SUPPORT),
}

LAYERS: tuple[str, ...] = ("corridors", "hotspots", "places", "support", "sources")
