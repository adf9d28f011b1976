"""The one exception family tipmap raises for bad input or bad data."""

from __future__ import annotations

from dataclasses import dataclass


class TipmapError(Exception):
    """Base class of every error tipmap reports to a user as one clear line."""


class UsageProblem(TipmapError):
    """The user asked for something impossible (a usage error: exit status 2)."""


class ImportError_(TipmapError):
    """The input cannot be imported; the message names the file and what is wrong."""


class SelectionError(UsageProblem):
    """A filter names something that does not exist (corridor id, country code...)."""


class OutputError(UsageProblem):
    """An output path cannot be written (missing or read-only directory...)."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a data file: where it is and what is wrong."""

    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class AtlasDataError(TipmapError):
    """Data files failed validation; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "invalid atlas data"
        more = len(self.problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        super().__init__(first + suffix)
