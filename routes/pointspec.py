"""What an import is asked for and what it reports: column names, :class:`PointColumns`,
:class:`ImportReport`. No pandas here, so the fast reader of ``tipmap hotspots``
(:mod:`routes.fastpoints`) starts before the heavy imports finish."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

LAT_NAMES = ("lat", "latitude", "y", "lat_dd", "decimallatitude")
LON_NAMES = ("lon", "lng", "long", "longitude", "x", "lon_dd", "decimallongitude")
PLACE_NAMES = ("place", "location", "city", "town", "site", "placename", "place_name")
#: Columns that name where a row is (checked against its coordinates when it has both).
AREA_NAMES = (*PLACE_NAMES, "country", "region")
BLANK = "(blank)"


@dataclass
class ImportReport:
    """What happened to the rows of an input."""

    path: str
    rows: int = 0
    used: int = 0
    bad: dict[str, list[int]] = field(default_factory=dict)  # reason -> row numbers (1-based data rows)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # rows used with a caveat: what -> how many

    def add_bad(self, reason: str, rows: np.ndarray) -> None:
        """Record rows (data-row numbers) dropped for ``reason``."""
        if len(rows):
            self.bad.setdefault(reason, []).extend(int(r) for r in rows)

    @property
    def dropped(self) -> int:
        """How many rows were not used."""
        return sum(len(v) for v in self.bad.values())

    def describe(self) -> str:
        """One line per reason: count and the first ten row numbers."""
        lines = [f"{self.path}: {self.used:,} of {self.rows:,} rows used"]
        for reason, rows in sorted(self.bad.items(), key=lambda item: min(item[1])):
            first = ", ".join(str(r) for r in sorted(rows)[:10])
            if len(rows) == 1:  # "1 row has ...", not "1 rows have ..."
                said = "has " + reason[5:] if reason.startswith("have ") else reason
                lines.append(f"{self.path}: 1 row {said} (row {first})")
            else:
                lines.append(f"{self.path}: {len(rows):,} rows {reason} (rows {first}{', ...' if len(rows) > 10 else ''})")
        lines += [f"{self.path}: {n:,} {what}" for what, n in self.counts.items() if n and not what.startswith("_")]
        return "\n".join(lines + [f"{self.path}: {note}" for note in self.notes])


@dataclass(frozen=True)
class PointColumns:
    """How to find coordinates in a table."""

    lat: str | None = None
    lon: str | None = None
    place: str | None = None
    crs: str | None = None
    weight: str | None = None
    by: str | None = None


def estimated_rows(path: str | os.PathLike[str]) -> int:
    """About how many rows a CSV has (from its size and its first megabyte); 0 if unknown."""
    source = Path(path)
    if source.suffix.lower() not in (".csv", ".tsv", ".txt") or not source.is_file():
        return 0
    with open(source, "rb") as handle:
        head = handle.read(1 << 20)
    lines = head.count(b"\n")
    return int(source.stat().st_size / (len(head) / lines)) if lines else 0
