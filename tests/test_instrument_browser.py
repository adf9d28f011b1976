"""The map as an instrument, in headless Chromium with the network blocked.

The slider must draw what ``--since/--until`` draws; the type filter must hide what the
``--exploitation`` filter leaves out and the flow clusters must split when zooming in; the
page must make no request. Uses the browser and page helpers of tests/test_browser.py.
"""

from __future__ import annotations

import pytest
from conftest import render_html
from test_browser import browser, open_page  # noqa: F401 (browser is a fixture)
from tipmap.routes.jobs import atlas_job
from tipmap.routes.select import Selection

pytestmark = pytest.mark.browser

#: A CTDC-style case table: (citizenship, country of exploitation, year, forced labour, sexual exploitation) x cases.
#: Counts are multiples of 5 and at least 5, so public rounding and suppression leave them as they are.
CASES = [
    ("VN", "DE", "2016", "1", "0", 10),
    ("VN", "NL", "2017", "1", "", 5),
    ("VN", "BE", "2019", "0", "1", 5),
    ("VN", "FR", "2018", "1", "0", 10),
    ("PH", "DE", "2012", "0", "1", 5),
    ("MM", "TH", "2020", "1", "0", 15),
    ("DE", "VN", "2016", "1", "0", 5),
]


@pytest.fixture(scope="module")
def case_table(tmp_path_factory):
    path = tmp_path_factory.mktemp("cases") / "ctdc.csv"
    rows = ["citizenship,CountryOfExploitation,yearOfRegistration,isForcedLabour,isSexualExploit"]
    rows += [",".join(row[:5]) for row in CASES for _ in range(row[5])]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def instrument_pages(tmp_path_factory, case_table):
    folder = tmp_path_factory.mktemp("instrument")
    render_html(folder / "atlas.html", offline=True)
    render_html(folder / "cases.html", offline=True, data=[str(case_table)])
    for since, until in YEARS:
        render_html(folder / f"{since}-{until}.html", selection=Selection(since=since, until=until))  # online: quicker
    return folder


YEARS = [(1880, 1900), (2019, 2019), (2010, 2014), (2021, 2026)]

DRAWN = """() => ({
  corridors: tipmapState.groups['Corridors'].getLayers().length,
  corridorIds: tipmapState.items.filter(x => x.it.k === 'corridor' && x.shown).map(x => x.it.id).sort(),
  hotspots: document.querySelectorAll('.tipmap-hotspot').length,
  support: document.querySelectorAll('.tipmap-support').length,
})"""


def _wait(condition, seconds: float = 10.0) -> None:
    """Poll ``condition`` (the page's CSP forbids the eval Playwright's wait_for_function uses)."""
    import time

    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("the page did not get there in time")
        time.sleep(0.05)


def _move_slider(page, since: int, until: int) -> None:
    for handle, year in (("#tipmap-until", until), ("#tipmap-since", since)):
        page.eval_on_selector(handle, "(el, y) => { el.value = y; el.dispatchEvent(new Event('input', {bubbles: true})); }", year)


@pytest.mark.parametrize(("since", "until"), YEARS, ids=[f"{a}-{b}" for a, b in YEARS])
def test_the_slider_draws_what_since_until_draws(browser, instrument_pages, since, until):  # noqa: F811
    expected = atlas_job(Selection(since=since, until=until), allow_empty=True).atlas
    page, problems, requested = open_page(browser, instrument_pages / "atlas.html", offline=True)
    filtered, _, _ = open_page(browser, instrument_pages / f"{since}-{until}.html", offline=False)
    try:
        _move_slider(page, since, until)
        drawn = page.evaluate(DRAWN)
        reference = filtered.evaluate(DRAWN)
        assert drawn["corridorIds"] == sorted(expected.corridors["id"])
        assert drawn["corridors"] == reference["corridors"] == len(expected.corridors)
        assert drawn["hotspots"] == reference["hotspots"] == len(expected.hotspots)
        assert drawn["support"] == reference["support"] == len(expected.support)
        assert page.locator("#tipmap-year-text").inner_text() == (str(since) if since == until else f"{since}–{until}")
        assert f"since={since}" in page.evaluate("location.hash")
        assert problems == [] and requested == []
    finally:
        page.close()
        filtered.close()


def test_the_url_fragment_restores_a_shared_view(browser, instrument_pages):  # noqa: F811
    path = instrument_pages / "atlas.html"
    page = browser.new_page()
    try:
        page.goto(path.as_uri() + "#since=1880&until=1900&types=other")
        _wait(lambda: page.evaluate("window.tipmapState !== undefined"))
        expected = atlas_job(Selection(since=1880, until=1900, exploitation=("other",)), allow_empty=True).atlas
        assert page.evaluate(DRAWN)["corridorIds"] == sorted(expected.corridors["id"])
        assert page.locator("#tipmap-type-forced_labour").is_checked() is False
        page.locator("#tipmap-play").click()  # play: a window of at most 5 years steps forward
        assert page.locator("#tipmap-year-text").inner_text() == "1880–1884"
        _wait(lambda: page.locator("#tipmap-year-text").inner_text() == "1881–1885")
        page.locator("#tipmap-play").click()
        assert page.locator("#tipmap-play").inner_text().endswith("Play")
    finally:
        page.close()


def test_a_type_filter_hides_its_corridors_and_updates_the_counts(browser, instrument_pages):  # noqa: F811
    page, problems, requested = open_page(browser, instrument_pages / "cases.html", offline=True)
    try:
        everything = page.evaluate(DRAWN)["corridorIds"]
        for key in [k for k in page.evaluate("tipmapState.cfg.types.map(t => t[0])") if k != "forced_labour"]:
            page.locator(f"#tipmap-type-{key}").uncheck()
        kept = atlas_job(Selection(exploitation=("forced_labour",))).atlas
        assert page.evaluate(DRAWN)["corridorIds"] == sorted(kept.corridors["id"]) != everything
        label = page.locator(".leaflet-control-layers-overlays label", has_text="Corridors").inner_text()
        assert label.strip().endswith(f"({len(kept.corridors)})")
        assert "types=forced_labour" in page.evaluate("location.hash")
        # the case flows follow the same filter: VN->BE and PH->DE were sexual exploitation only
        flows = page.evaluate("tipmapState.items.filter(x => x.it.k === 'flow' && x.shown).length")
        assert flows == sum(1 for row in CASES if row[3] == "1")
        assert problems == [] and requested == []
    finally:
        page.close()


def test_flow_clusters_split_when_zooming_in(browser, instrument_pages):  # noqa: F811
    page, problems, requested = open_page(browser, instrument_pages / "cases.html", offline=True)
    try:
        clusters = "document.querySelectorAll('path.tipmap-cluster').length"
        page.evaluate("tipmapState.map.setView([50, 5], 2, {animate: false})")
        low = page.evaluate(clusters)
        page.evaluate("tipmapState.map.setView([50, 5], 7, {animate: false})")
        _wait(lambda: page.evaluate(clusters) > low)
        high = page.evaluate(clusters)
        ends = {c for row in CASES for c in row[:2]}
        assert low < high == len(ends)  # at zoom 7 every country stands alone
        tooltip = page.evaluate("tipmapState.bands[tipmapState.bands.length - 1].markers.map(m => m.getTooltip().getContent())")
        assert any(t.startswith("Germany: 5 cases out, 15 in") for t in tooltip)  # 10 from VN + 5 from PH
        page.locator("#tipmap-net").check()
        assert "mode=net" in page.evaluate("location.hash")
        net = page.evaluate(
            "tipmapState.bands[tipmapState.bands.length - 1].layer.getLayers()"
            ".filter(l => l instanceof L.Polyline && !(l instanceof L.CircleMarker)).length"
        )
        assert net == len(CASES) - 1  # VN->DE 10 and DE->VN 5 become one net flow of 5
        assert problems == [] and requested == []
    finally:
        page.close()
