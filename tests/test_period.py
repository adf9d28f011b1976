"""THE period rule: undated records are contemporary (UNDATED_FROM to the present)."""

from __future__ import annotations

import math

import pytest
from tipmap.routes.period import UNDATED_FROM, overlaps, span, span_of_text


def test_undated_is_from_undated_from_to_the_present():
    assert UNDATED_FROM == 2000
    assert span(None, None) == (2000, None)
    assert span(math.nan, float("nan")) == (2000, None)
    assert span("", "") == (2000, None)


def test_dated_and_open_periods_keep_their_years():
    assert span(1875.0, 1954.0) == (1875, 1954)
    assert span(2014, None) == (2014, None)
    assert span(None, 1995) == (None, 1995)


@pytest.mark.parametrize(
    ("start", "end", "since", "until", "expected"),
    [
        (None, None, None, 1999, False),  # undated = 2000 onwards: not in the 1990s
        (None, None, None, 2000, True),
        (None, None, 2030, None, True),  # ongoing
        (1875, 1954, 1955, None, False),
        (1875, 1954, 1954, None, True),
        (2019, 2019, 2019, 2019, True),
        (2019, 2019, 2020, 2022, False),
        (2014, None, None, 2013, False),
        (None, 1995, 1990, 1990, True),
    ],
)
def test_overlaps_compares_the_span_with_the_filter(start, end, since, until, expected):
    assert overlaps(start, end, since, until) is expected


def test_case_flow_years_are_read_from_their_text():
    assert span_of_text("2015–2019") == (2015, 2019)
    assert span_of_text("2018") == (2018, 2018)
    assert span_of_text("") == (2000, None)


def test_select_uses_the_same_rule(tiny_atlas):
    from tipmap.routes.select import Selection, select

    # c-bride is undated (2000 onwards), c-labour is 1990-1995
    assert set(select(tiny_atlas, Selection(until=1999)).corridors["id"]) == {"c-labour"}
    assert set(select(tiny_atlas, Selection(since=2000)).corridors["id"]) == {"c-bride"}
