"""Reading atlas CSV files into typed records, collecting every problem found.

A *row* in a message is the spreadsheet row: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any, Protocol

from tipmap.routes.errors import Problem
from tipmap.routes.schema import LIST_SEP, Column
from tipmap.routes.textsafety import restore_cell

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Readable(Protocol):
    """What an atlas directory must offer: a pathlib.Path or an importlib Traversable."""

    def joinpath(self, *parts: str) -> Any: ...  # pragma: no cover


@dataclass(frozen=True)
class MemoryFile:
    """One file of a :class:`MemoryDirectory`."""

    data: bytes | None

    def is_file(self) -> bool:
        """Whether the file exists."""
        return self.data is not None

    def read_bytes(self) -> bytes:
        """The file's bytes."""
        if self.data is None:
            raise FileNotFoundError
        return self.data


@dataclass(frozen=True)
class MemoryDirectory:
    """An atlas directory held in memory (file name -> bytes), read like a folder: records
    made in memory (drafts) load through the same validation as files, without a round trip
    through the disk."""

    files: dict[str, bytes]

    def joinpath(self, *parts: str) -> MemoryFile:
        """The file called ``parts[-1]`` (absent files read as absent)."""
        return MemoryFile(self.files.get(parts[-1]))

    def __str__(self) -> str:
        return "(in memory)"


@dataclass
class Table:
    """The typed records of one file, each with the spreadsheet row it came from."""

    file: str
    records: list[dict[str, Any]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


@cache
def country_names() -> dict[str, str]:
    """English short names by ISO 3166-1 alpha-2 code (from ``geodata/countries.csv``)."""
    text = files("tipmap.geodata").joinpath("countries.csv").read_text(encoding="utf-8")
    return {row["code"]: row["name"] for row in csv.DictReader(io.StringIO(text))}


def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes known to tipmap."""
    return frozenset(country_names())


def read_table(directory: Readable, name: str, columns: tuple[Column, ...], problems: list[Problem]) -> Table:
    """Read ``name`` from ``directory``; a file that is absent gives an empty table."""
    table = Table(file=name)
    resource = directory.joinpath(name)
    if not resource.is_file():
        return table
    text = _decode(resource.read_bytes(), name, problems)
    if text is None:
        return table
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not _check_header(reader.fieldnames, columns, name, problems):
        return table
    for index, raw in enumerate(reader):
        row = index + 2
        if None in raw:
            extra = len(raw[None])
            problems.append(Problem(name, row, None, f"{extra} more cells than the header has columns (an unquoted comma?)"))
            continue
        record = {col.name: _parse_cell(raw.get(col.name), col, name, row, problems) for col in columns}
        table.records.append(record)
        table.rows.append(row)
    _check_unique_ids(table, problems)
    return table


def _decode(data: bytes, name: str, problems: list[Problem]) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        row = data[: err.start].count(b"\n") + 1
        message = f"not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start}); save the file as UTF-8"
        problems.append(Problem(name, row, None, message))
        return None


def _check_header(header: Iterable[str] | None, columns: tuple[Column, ...], name: str, problems: list[Problem]) -> bool:
    if not header:
        problems.append(Problem(name, 1, None, "empty file: expected a header row"))
        return False
    present = [h.strip() for h in header]
    known = {c.name for c in columns}
    ok = True
    for col in columns:
        if col.required and col.name not in present:
            problems.append(Problem(name, 1, col.name, "required column is missing"))
            ok = False
    for h in present:
        if h not in known:
            problems.append(Problem(name, 1, h, f"unknown column; expected: {', '.join(c.name for c in columns)}"))
            ok = False
    return ok


def _parse_cell(value: str | None, col: Column, name: str, row: int, problems: list[Problem]) -> Any:
    text = restore_cell((value or "").strip())  # a drafts CSV neutralised formulas (#12 E)
    if not text:
        if col.required:
            problems.append(Problem(name, row, col.name, "is empty"))
        return () if col.kind in ("list", "waypoints") else None
    bad = lambda message: problems.append(Problem(name, row, col.name, message))  # noqa: E731
    if col.kind == "id" and not ID_PATTERN.match(text):
        bad(f"'{text}' is not an id (lower-case letters, digits and single hyphens)")
    elif col.kind == "country" and text not in country_codes():
        bad(f"'{text}' is not an ISO 3166-1 alpha-2 country code")
    elif col.kind in ("int", "float"):
        return _parse_number(text, col, bad)
    elif col.kind == "list":
        items = tuple(item.strip() for item in text.split(LIST_SEP) if item.strip())
        for item in items:
            if col.vocabulary and item not in col.vocabulary:
                bad(f"unknown value '{item}'; expected one of: {', '.join(col.vocabulary)}")
        return items
    elif col.kind == "waypoints":
        return tuple(text.split())
    elif col.vocabulary and text not in col.vocabulary:
        bad(f"unknown value '{text}'; expected one of: {', '.join(col.vocabulary)}")
    return text


def _parse_number(text: str, col: Column, bad: Any) -> float | int | None:
    try:
        number = int(text) if col.kind == "int" else float(text)
    except ValueError:
        bad(f"'{text}' is not {'a whole number' if col.kind == 'int' else 'a number'}")
        return None
    if isinstance(number, float) and not math.isfinite(number):
        bad(f"'{text}' is not a finite number")
        return None
    return number


def _check_unique_ids(table: Table, problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for record, row in zip(table.records, table.rows):
        ident = record.get("id")
        if ident is None:
            continue
        if ident in seen:
            problems.append(Problem(table.file, row, "id", f"duplicate id '{ident}' (first used in row {seen[ident]})"))
        else:
            seen[ident] = row
