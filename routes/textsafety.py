"""Text that is safe in the files tipmap writes, whatever the data says."""

from __future__ import annotations


def safe_cell(value: object) -> object:
    """A CSV cell that spreadsheets will not evaluate as a formula (=, +, -, @ prefixes)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
