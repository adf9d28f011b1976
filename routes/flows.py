"""Case tables as country-to-country (or region) flows: CTDC exports, UNODC/TIP-coded tables,
and any table whose origin and destination columns are named (``--from``/``--to``).

Countries may be written as ISO-2, ISO-3 or English names, regions by name
(:mod:`routes.countries`). Nothing is lost silently: domestic cases (the same country at
both ends), cases whose origin or destination is blank or coded as unknown, values that
are no country or region (reported with the value and its count) and rows the filters
removed are all counted in the result, which the map states. The filters of the atlas
(:class:`routes.select.Selection`) are applied to the rows before they are aggregated.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from tipmap.routes.countries import area, is_unknown
from tipmap.routes.geodesy import geodesic_line, path_length_km
from tipmap.routes.importer import ImportError_, ImportReport
from tipmap.routes.readbase import ragged_mask
from tipmap.routes.readers import open_source
from tipmap.routes.select import Selection
from tipmap.routes.textfile import RAGGED

FROM_NAMES = ("citizenship", "countryoforigin", "country_of_origin", "origin", "origin_country", "from")
TO_NAMES = ("countryofexploitation", "country_of_exploitation", "exploitation_country", "destination", "to")
YEAR_NAMES = ("yearofregistration", "year")
COUNT_NAMES = ("count", "cases", "victims", "n", "number")
#: CTDC's flag columns (lower case) and the atlas's exploitation types.
TYPE_FLAGS = {
    "isforcedlabour": "forced_labour",
    "issexualexploit": "sexual_exploitation",
    "issexualexploitation": "sexual_exploitation",
    "isforcedmarriage": "forced_marriage",
    "isorganremoval": "organ_removal",
    "isforcedmilitary": "other",
    "isslaveryandpractices": "other",
    "isotherexploit": "other",
}
TRUE = frozenset({"1", "1.0", "true", "yes", "y", "t", "x"})
FALSE = frozenset({"0", "0.0", "false", "no", "n", "f"})
#: Words of a --type column that name the atlas's exploitation types.
TYPE_WORDS = {
    "sex": "sexual_exploitation", "sexual": "sexual_exploitation", "labour": "forced_labour", "labor": "forced_labour",
    "marriage": "forced_marriage", "organ": "organ_removal", "criminal": "forced_criminality", "crime": "forced_criminality",
    "child": "child_exploitation",
}  # fmt: skip
UNRECORDED = "unrecorded"


@dataclass(frozen=True)
class FlowColumns:
    """Which columns hold origin, destination and, optionally, count, year and type."""

    origin: str | None = None
    destination: str | None = None
    count: str | None = None
    year: str | None = None
    type: str | None = None


@dataclass
class Flows:
    """Origin-destination pairs with case counts, as lines, and every case not drawn, counted."""

    lines: gpd.GeoDataFrame  # from, to, from_name, to_name, from_kind, to_kind, cases, years, exploitation, length_km
    report: ImportReport
    domestic: int = 0
    types: list[str] = field(default_factory=list)
    domestic_by: dict[str, int] = field(default_factory=dict)  # country code -> cases
    domestic_points: dict[str, tuple[str, float, float]] = field(default_factory=dict)  # code -> (name, lon, lat)
    unknown_origin: dict[str, int] = field(default_factory=dict)  # destination name -> cases with no known origin
    not_drawn: dict[str, int] = field(default_factory=dict)  # group -> cases (blank, coded unknown, unrecognised...)
    unknown_values: dict[str, int] = field(default_factory=dict)  # value that is no country or region -> rows
    filtered: dict[str, int] = field(default_factory=dict)  # filter -> cases it removed
    suppressed: int = 0  # cases in flows below min_count
    min_count: int = 1
    total: int = 0  # cases in the input


def case_columns(header: list[str], columns: FlowColumns = FlowColumns()) -> dict[str, str | None] | None:
    """The origin, destination, count, year and type columns of a header; None if not a case table."""
    lower = {h.strip().lower(): h for h in header}

    def pick(wanted: str | None, names: tuple[str, ...]) -> str | None:
        if wanted:
            if wanted not in header:
                raise ImportError_(f"no column '{wanted}'; columns are: {', '.join(header)}")
            return wanted
        return next((lower[n] for n in names if n in lower), None)

    origin, destination = pick(columns.origin, FROM_NAMES), pick(columns.destination, TO_NAMES)
    if not (origin and destination):
        return None
    return {
        "origin": origin,
        "destination": destination,
        "count": pick(columns.count, ()) if columns.count else None,
        "year": pick(columns.year, YEAR_NAMES),
        "type": pick(columns.type, ()) if columns.type else None,
    }


def is_case_table(path: str | os.PathLike[str], columns: FlowColumns = FlowColumns()) -> bool:
    """Whether a table has origin and destination columns (CTDC's names, or those given)."""
    try:
        source = open_source(path)
        return not source.geometry and case_columns(source.header, columns) is not None
    except ImportError_:  # the points importer will say why
        return False


def read_flows(
    path: str | os.PathLike[str],
    *,
    columns: FlowColumns = FlowColumns(),
    selection: Selection | None = None,
    min_count: int | None = None,
) -> Flows:
    """Cases per (origin, destination) as geodesic lines, after the selection's filters.

    ``min_count`` (default: 5 for the public audience, else 1) hides flows with fewer
    cases; they are counted in ``suppressed``.
    """
    selection = selection or Selection(audience="confidential")
    source = open_source(path)
    found = case_columns(source.header, columns)
    if found is None:
        raise ImportError_(f"{path}: no origin and destination columns; name them with --from and --to")
    flags = {h: TYPE_FLAGS[h.strip().lower()] for h in source.header if h.strip().lower() in TYPE_FLAGS}
    wanted = list(dict.fromkeys([c for c in found.values() if c] + list(flags)))
    report = ImportReport(str(path))
    report.notes.extend(source.notes)
    parts = [_grouped(raw, first, found, flags, report, source.ragged) for first, raw in source.chunks(wanted)]
    rows = pd.concat(parts, ignore_index=True).groupby(["o", "d", "year", "types"], as_index=False, dropna=False)["cases"].sum()
    flows = Flows(gpd.GeoDataFrame(), report, types=sorted(set(flags.values())))
    flows.total = int(rows["cases"].sum())
    rows = _resolve(rows, flows)
    rows, flows.filtered = filter_cases(rows, selection)
    flows.min_count = min_count if min_count is not None else (5 if selection.audience == "public" else 1)
    _split(rows, flows)
    report.used = flows.total - sum(flows.filtered.values())
    return flows


def _grouped(raw: pd.DataFrame, first: int, found: dict, flags: dict, report: ImportReport, ragged: dict) -> pd.DataFrame:
    """One chunk reduced to (origin, destination, year, types) -> cases; rows with more fields
    than the header (their values may be shifted) count no case."""
    n = len(raw)
    report.rows += n
    rows = np.arange(first, first + n)
    shifted = ragged_mask(rows, ragged)
    report.add_bad(RAGGED, rows[shifted])
    cases = np.where(shifted, 0.0, 1.0)
    if found["count"]:
        counted = pd.to_numeric(raw[found["count"]].astype(str).str.replace(",", ""), errors="coerce").to_numpy(dtype=float)
        bad = (~np.isfinite(counted) | (counted < 0)) & ~shifted
        report.add_bad(f"have no usable count in '{found['count']}'", rows[bad])
        cases = np.where(bad | shifted, 0, counted)
    years = pd.to_numeric(raw[found["year"]], errors="coerce") if found["year"] else pd.Series(np.nan, index=raw.index)
    types = _types(raw, flags, found["type"])
    frame = pd.DataFrame(
        {
            "o": raw[found["origin"]].astype(str).str.strip().to_numpy(),
            "d": raw[found["destination"]].astype(str).str.strip().to_numpy(),
            "year": years.to_numpy(dtype=float),
            "types": types,
            "cases": cases,
        }
    )
    return frame.groupby(["o", "d", "year", "types"], as_index=False, dropna=False)["cases"].sum()


def flag(value: object) -> bool | None:
    """A flag in any usual form: 1/0, 1.0/0.0, true/false, yes/no; None when blank or unreadable."""
    text = str(value).strip().lower()
    return True if text in TRUE else False if text in FALSE else None


def _types(raw: pd.DataFrame, flags: dict[str, str], type_column: str | None) -> np.ndarray:
    """Each row's exploitation types as a '|'-joined key; ``unrecorded`` when nothing says."""
    out = []
    if type_column:
        for value in raw[type_column].astype(str):
            words = value.lower().replace("_", " ").replace("-", " ").split()
            found = sorted({TYPE_WORDS[w] for w in words if w in TYPE_WORDS})
            out.append("|".join(found) if found else ("other" if value.strip() else UNRECORDED))
        return np.array(out, dtype=object)
    states = {column: [flag(v) for v in raw[column]] for column in flags}
    for i in range(len(raw)):
        marked = sorted({flags[c] for c, s in states.items() if s[i] is True})
        given = any(s[i] is not None for s in states.values())
        out.append("|".join(marked) if marked else ("other" if given else UNRECORDED))
    return np.array(out, dtype=object)


def _resolve(rows: pd.DataFrame, flows: Flows) -> pd.DataFrame:
    """Origin and destination as areas (country or region), or why they are not."""
    values = pd.unique(pd.concat([rows["o"], rows["d"]]))
    resolved = {v: _endpoint(v) for v in values}
    for side in ("o", "d"):
        rows[side + "_area"] = rows[side].map(lambda v: resolved[v] if not isinstance(resolved[v], str) else None)
        rows[side + "_why"] = rows[side].map(lambda v: resolved[v] if isinstance(resolved[v], str) else "")
    for value, why in resolved.items():
        if why == "unrecognised":
            n = int(rows.loc[rows["o"] == value, "cases"].sum() + rows.loc[rows["d"] == value, "cases"].sum())
            flows.unknown_values[value] = n
    return rows


def _endpoint(value: str):
    if not value.strip():
        return "blank"
    if is_unknown(value):
        return "coded unknown"
    found = area(value)
    return found if found is not None else "unrecognised"


def filter_cases(rows: pd.DataFrame, selection: Selection) -> tuple[pd.DataFrame, dict[str, int]]:
    """The rows the selection keeps (``--since/--until/--country/--exploitation/--bbox``) and
    how many cases each filter removed. Works on any frame with ``cases`` and, for the filters
    used, ``year``, ``types`` ('|'-joined), ``o_area``/``d_area`` (areas) or ``lon``/``lat``."""
    removed: dict[str, int] = {}

    def drop(keep: pd.Series, why: str) -> None:
        nonlocal rows
        n = int(rows.loc[~keep, "cases"].sum()) if "cases" in rows else int((~keep).sum())
        if n:
            removed[why] = removed.get(why, 0) + n
        rows = rows[keep]

    if selection.since is not None or selection.until is not None:
        drop(rows["year"].notna(), "no year (with --since/--until)")
        if selection.since is not None:
            drop(rows["year"] >= selection.since, f"before {selection.since}")
        if selection.until is not None:
            drop(rows["year"] <= selection.until, f"after {selection.until}")
    if selection.countries:
        wanted = set(selection.countries)
        drop(_touches(rows, lambda a: a is not None and a.code in wanted), "not in --country " + ",".join(selection.countries))
    if selection.exploitation:
        wanted_types = set(selection.exploitation)
        keep = rows["types"].map(lambda t: bool(wanted_types & set(str(t).split("|"))))
        drop(keep, "not of --exploitation " + ",".join(selection.exploitation))
    if selection.bbox is not None:
        west, south, east, north = selection.bbox

        def inside(a) -> bool:
            return a is not None and west <= a.lon <= east and south <= a.lat <= north

        keep = _touches(rows, inside) if "o_area" in rows else rows["lon"].between(west, east) & rows["lat"].between(south, north)
        drop(keep, "outside --bbox")
    return rows, removed


def _touches(rows: pd.DataFrame, test) -> pd.Series:
    if "o_area" not in rows:
        return pd.Series(True, index=rows.index)
    return rows["o_area"].map(test) | rows["d_area"].map(test)


def _split(rows: pd.DataFrame, flows: Flows) -> None:
    """Domestic, unknown-origin, other not drawn, and drawn flows."""
    both = rows["o_area"].notna() & rows["d_area"].notna()
    same = both & (rows["o_area"].map(lambda a: a.code if a else None) == rows["d_area"].map(lambda a: a.code if a else None))
    for a, n in rows[same].groupby(rows.loc[same, "o_area"].map(lambda a: a.code))["cases"].sum().items():
        flows.domestic_by[a] = int(n)
    for a in rows.loc[same, "o_area"]:
        flows.domestic_points[a.code] = (a.name, a.lon, a.lat)
    flows.domestic = sum(flows.domestic_by.values())
    no_origin = ~rows["o_area"].notna() & rows["d_area"].notna()
    unknown = Counter()
    for a, n in zip(rows.loc[no_origin, "d_area"], rows.loc[no_origin, "cases"]):
        unknown[a.name] += int(n)
    flows.unknown_origin = dict(unknown.most_common())
    for (ow, dw), n in rows[~both].groupby(["o_why", "d_why"])["cases"].sum().items():
        key = ", ".join(f"{side} {why}" for side, why in (("origin", ow), ("destination", dw)) if why)
        flows.not_drawn[key] = flows.not_drawn.get(key, 0) + int(n)
    flows.lines = _lines(rows[both & ~same], flows)


def _lines(rows: pd.DataFrame, flows: Flows) -> gpd.GeoDataFrame:
    records, geometry = [], []
    keys = (rows["o_area"].map(lambda a: a.code), rows["d_area"].map(lambda a: a.code))
    for _, group in rows.groupby(list(keys), sort=True):
        a, b = group["o_area"].iloc[0], group["d_area"].iloc[0]
        cases = int(group["cases"].sum())
        if cases < flows.min_count:
            flows.suppressed += cases
            continue
        by_type = Counter()
        for types, n in zip(group["types"], group["cases"]):
            for t in str(types).split("|"):
                if t != UNRECORDED:
                    by_type[t] += n
        years = group["year"].dropna()
        pts = [(a.lon, a.lat), (b.lon, b.lat)]
        records.append(
            {
                "from": a.code, "to": b.code, "from_name": a.name, "to_name": b.name, "from_kind": a.kind, "to_kind": b.kind,
                "cases": cases, "exploitation": tuple(t for t, _ in by_type.most_common()),
                "years": f"{int(years.min())}–{int(years.max())}" if len(years) else "",
                "length_km": round(path_length_km(pts), 1),
            }
        )  # fmt: skip
        geometry.append(geodesic_line(pts))
    columns = ["from", "to", "from_name", "to_name", "from_kind", "to_kind", "cases", "exploitation", "years", "length_km"]
    frame = pd.DataFrame(records, columns=columns)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326").sort_values("cases", ascending=False, kind="stable")


def describe(flows: Flows) -> list[str]:
    """Every group of cases, drawn or not, one line each (for stderr and the map's panel)."""
    lines = [f"{flows.total:,} cases; {int(flows.lines['cases'].sum()) if len(flows.lines) else 0:,} drawn as flows"]
    if flows.domestic:
        top = ", ".join(f"{code} {n:,}" for code, n in sorted(flows.domestic_by.items(), key=lambda kv: -kv[1])[:5])
        lines.append(f"{flows.domestic:,} domestic cases (origin = destination): {top}")
    if flows.unknown_origin:
        top = ", ".join(f"{name} {n:,}" if n else name for name, n in list(flows.unknown_origin.items())[:5])
        lines.append(f"{sum(flows.unknown_origin.values()):,} cases with no known origin, by destination: {top}")
    lines += [f"{f'{n:,}' if n else 'a few'} cases not drawn: {why}" for why, n in flows.not_drawn.items()]
    if flows.unknown_values:
        shown = ", ".join(f"'{v}' ({n:,})" for v, n in sorted(flows.unknown_values.items(), key=lambda kv: -kv[1])[:10])
        lines.append(f"values that are no country or region: {shown}")
    lines += [f"{n:,} cases removed by the filters: {why}" for why, n in flows.filtered.items()]
    if flows.suppressed:
        lines.append(f"{flows.suppressed:,} cases in flows of fewer than {flows.min_count} cases not shown")
    return lines


def _small_hidden(groups: dict[str, int], policy, rest: str) -> dict[str, int]:
    """Groups below the policy's minimum folded into one ``rest`` group (itself hidden when
    small), the others rounded down to its base."""
    base = max(policy.count_base, 1)
    kept = {k: (n // base) * base for k, n in groups.items() if n >= policy.min_count}
    small = sum(n for n in groups.values() if n < policy.min_count)
    if small >= policy.min_count:
        kept[rest] = (small // base) * base
    elif small:
        kept[f"{rest} (fewer than {policy.min_count})"] = 0
    return kept


def source_name(path: str | os.PathLike[str]) -> str:
    """The file's name, for labels."""
    return Path(path).name


def gate_flows(flows: Flows, policy) -> Flows:
    """The flows as the audience rule (:func:`routes.gate.suppress_counts`) lets them be shown:
    flows and domestic counts below its minimum withheld (and counted in ``suppressed``), the
    rest rounded down to its base; the note goes into the report."""
    from tipmap.routes.gate import suppress_counts

    before = int(flows.lines["cases"].sum()) if len(flows.lines) else 0
    lines, note = suppress_counts(flows.lines, policy, count="cases")
    domestic = pd.DataFrame({"code": list(flows.domestic_by), "cases": list(flows.domestic_by.values())})
    kept, _ = suppress_counts(domestic, policy, count="cases")
    hidden_domestic = flows.domestic - int(kept["cases"].sum()) if len(domestic) else 0
    flows.lines = lines
    flows.suppressed += before - (int(lines["cases"].sum()) if len(lines) else 0) + hidden_domestic
    flows.domestic_by = dict(zip(kept["code"], (int(n) for n in kept["cases"])))
    flows.domestic = sum(flows.domestic_by.values())
    flows.min_count = max(flows.min_count, policy.min_count)
    if policy.min_count > 1:  # the groups stated on the map follow the same rule
        flows.unknown_origin = _small_hidden(flows.unknown_origin, policy, "other destinations")
        flows.not_drawn = _small_hidden(flows.not_drawn, policy, "other groups")
    if note:
        flows.report.notes.append(note)
    return flows
