"""Outreach plans as text: a terminal table, CSV and Markdown (a printable list)."""

from __future__ import annotations

import csv
import io

from tipmap.maps.escape import markdown
from tipmap.routes.outreach import OutreachPlan
from tipmap.routes.textsafety import safe_cell

COLUMNS = (
    "visit",
    "rank",
    "name",
    "layer",
    "kind",
    "country",
    "distance_km",
    "intensity",
    "precision",
    "latitude",
    "longitude",
    "id",
    "leg_km",
    "bearing",
    "notes",
    "audience",
)


def rows(plan: OutreachPlan) -> list[dict[str, object]]:
    """One dict per site, in visiting order; ``leg_km`` and ``bearing`` from the previous stop."""
    out = []
    for i, site in enumerate(sorted(plan.sites, key=lambda s: s.visit)):
        out.append(
            {
                "visit": site.visit,
                "rank": site.rank,
                "name": site.name,
                "layer": site.layer,
                "kind": site.kind,
                "country": site.country,
                "distance_km": site.distance_km,
                "intensity": "" if site.intensity is None else f"{site.intensity:g}",
                "precision": site.precision,
                "latitude": round(site.lat, 5),
                "longitude": round(site.lon, 5),
                "id": site.id,
                "leg_km": plan.legs_km[i] if i < len(plan.legs_km) else "",
                "bearing": f"{plan.bearings[i]:03.0f}" if i < len(plan.bearings) else "",
                "notes": site.notes,
                "audience": plan.audience,
            }
        )
    return out


def summary(plan: OutreachPlan) -> str:
    """Three lines: the area and base, the tour length, and what the audience withheld."""
    return (
        f"Sites {plan.area_label}; base: {plan.base.describe()}\n"
        f"{len(plan.sites)} sites; round trip from the base: {plan.tour_km:,.1f} km (geodesic, straight legs)\n"
        f"{plan.withheld}"
    )


def to_text(plan: OutreachPlan) -> str:
    """The plan as a terminal table, ranked list in visiting order."""
    shown = ("visit", "rank", "name", "kind", "country", "distance_km", "intensity", "precision")
    table = [[str(r[c]) for c in shown] for r in rows(plan)]
    widths = [max([len(c)] + [len(r[i]) for r in table]) for i, c in enumerate(shown)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(shown, widths)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in table]
    return summary(plan) + "\n\n" + "\n".join(lines) + "\n"


def to_csv(plan: OutreachPlan, *, audience: str | None = None) -> str:
    """CSV, one site per row in visiting order; cells that a spreadsheet would run are neutralised."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows(plan):
        row["audience"] = audience or row["audience"]
        writer.writerow({k: safe_cell(v) for k, v in row.items()})
    return buffer.getvalue()


def to_markdown(plan: OutreachPlan, stamp: str = "", *, audience: str | None = None) -> str:
    """A printable Markdown sheet: the audience stamp, area, base, tour and the site table."""
    from tipmap.maps.phone import STAMPS

    label = STAMPS.get(audience or plan.audience, STAMPS["internal"])[0]
    head = [
        f"**{label}**",
        "",
        "# Outreach plan",
        "",
        f"- Area: sites {markdown(plan.area_label)}",
        f"- Base: {markdown(plan.base.describe())}",
        f"- Round trip: {plan.tour_km:,.1f} km over {len(plan.legs_km)} legs (geodesic, straight lines)",
        f"- {markdown(plan.withheld)}",
        "",
    ]
    cols = ("visit", "rank", "name", "kind", "country", "leg_km", "bearing", "intensity", "precision", "notes")
    note = "Precision says what a point stands for: a site, or only the town, region or country the report names."
    head += [note, ""]
    table = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    table += ["| " + " | ".join(markdown(str(r[c])) for c in cols) + " |" for r in rows(plan)]
    confidential = []
    trace = ["", f"<!-- tipmap manifest: {stamp.replace('--', '- -')} -->"] if stamp else []
    return "\n".join(confidential + head + table + trace) + "\n"
