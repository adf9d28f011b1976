"""THE rule for periods, shared by ``--since/--until`` and the map's year slider.

A record's period is ``period_start``..``period_end`` (years). An open end means ongoing.
A record with no period at all is taken as contemporary: ``UNDATED_FROM`` to the present
(the reports describe the present day unless they give dates). :func:`span` applies that
rule once; :func:`overlaps` compares a span with a filter. The interactive page receives
each feature's span as computed here and only compares intervals (see
``maps/assets/tipmap-instrument.js``), so the rule lives in one place.
"""

from __future__ import annotations

import datetime
import re

import pandas as pd

#: First year of the period assumed for records that the reports do not date.
UNDATED_FROM = 2000

Span = tuple[int | None, int | None]


def _year(value: object) -> int | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[arg-type]
        return None
    if isinstance(value, str):
        return int(value) if value.strip() else None
    return int(value)  # type: ignore[call-overload]


def span(start: object, end: object) -> Span:
    """(first year, last year) of a record; None is open. Undated means ``UNDATED_FROM``-present."""
    start_year, end_year = _year(start), _year(end)
    if start_year is None and end_year is None:
        return (UNDATED_FROM, None)
    return (start_year, end_year)


def overlaps(start: object, end: object, since: int | None, until: int | None) -> bool:
    """Whether a record's period (by :func:`span`) overlaps [since, until]."""
    first, last = span(start, end)
    if since is not None and last is not None and last < since:
        return False
    if until is not None and first is not None and first > until:
        return False
    return True


def span_of_text(years: str) -> Span:
    """The span of a case flow's ``years`` text ("2015–2019", "2018", "" for undated)."""
    found = [int(y) for y in re.findall(r"\d{4}", years or "")]
    if not found:
        return span(None, None)
    return (min(found), max(found))


def current_year() -> int:
    """This year (the present end of open periods on the slider)."""
    return datetime.date.today().year
