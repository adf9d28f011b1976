"""The outreach map on a phone: headless Chromium at 390 x 844, touch, mocked GPS, no network.

Every request that is not the page itself is blocked and recorded: the offline plan must
make none. Geolocation is mocked with Playwright (``context.set_geolocation`` and the
geolocation permission), as a phone's GPS gives it with no network.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import browser_or_skip, wait_until
from pyproj import Geod

pytestmark = pytest.mark.browser

CHROMIUM, playwright = browser_or_skip()

PHONE = {"width": 390, "height": 844}
HERE = (24.02, 97.86)  # lat, lon: the worker stands in Ruili
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def plan_page(tmp_path_factory):
    """The offline plan of 50 of the team's sites around Ruili and Muse."""
    from tipmap.maps.outreach import write_outreach
    from tipmap.routes.jobs import outreach_job

    folder = tmp_path_factory.mktemp("phone")
    rows = ["Site Name,Type,Priority,Latitude,Longitude,Notes"]
    for i in range(50):  # a 5 x 10 grid, 0.01 degrees apart, from Ruili across to Muse
        rows.append(f"Venue {i:02d},karaoke bar,{1 + i % 5},{23.99 + 0.01 * (i % 5):.2f},{97.83 + 0.01 * (i // 5):.2f},")
    (folder / "sites.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = outreach_job(near="Ruili", radius="20km", data=(str(folder / "sites.csv"),))
    write_outreach(result, str(folder / "plan"))
    return folder / "plan" / "outreach.html", result.plan


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


@pytest.fixture
def phone(browser, plan_page):
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": HERE[0], "longitude": HERE[1], "accuracy": 12},
        permissions=["geolocation"],
    )
    page = context.new_page()
    problems: list[str] = []
    requested: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    def handle(route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            return route.continue_()
        requested.append(url)
        return route.abort()

    page.route("**/*", handle)
    page.goto(plan_page[0].as_uri())
    wait_until(page, "document.querySelectorAll('.tipmap-visit').length > 0")
    page.wait_for_timeout(300)
    yield page, problems, requested
    context.close()


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_the_plan_opens_at_phone_size_with_no_request(phone, plan_page):
    page, problems, requested = phone
    assert requested == [] and problems == []
    sites = plan_page[1].sites
    assert page.locator(".tipmap-visit").count() == len(sites)
    assert sum(s.layer == "team" for s in sites) == 50  # the grid lies within 7 km of the base: all 50 are in
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing runs off sideways
    header = _box(page, "#tipmap-header")
    assert header["y"] == 0 and header["height"] < 120
    assert "INTERNAL: for the team" in page.locator("#tipmap-stamp").inner_text()


def test_town_names_show_on_the_offline_basemap(phone):
    page, _, _ = phone
    labels = page.locator(".tipmap-label.town").all_inner_texts()
    # Zhangfeng (GeoNames: 53,370 people, 24.19 N 97.80 E) lies north of the sites, clear of their markers
    assert "Zhangfeng\n章凤" in labels, labels
    assert any(re.search("[\u1000-\u109f]", t) for t in labels)  # a Burmese-side town in Burmese script
    discs = [d.bounding_box() for d in page.locator(".tipmap-visit > div > div").all()]
    for label in page.locator(".tipmap-label.town").all():  # no name hidden under a site's number
        box = label.bounding_box()
        for d in discs:
            assert not (box["x"] < d["x"] + d["width"] and d["x"] < box["x"] + box["width"]
                        and box["y"] < d["y"] + d["height"] and d["y"] < box["y"] + box["height"]), label.inner_text()
    for label in page.locator(".tipmap-label").all():  # every label placed is on the screen
        box = label.bounding_box()
        assert box is None or (box["x"] > -box["width"] and box["x"] < PHONE["width"])


def test_controls_are_big_enough_to_tap(phone):
    page, _, _ = phone
    for selector in (
        ".leaflet-control-zoom-in",
        ".leaflet-control-zoom-out",
        ".leaflet-control-layers-toggle",
        "#tipmap-locate",
        "#tipmap-legend summary",
        ".tipmap-visit",
    ):
        box = _box(page, selector)
        assert box["width"] >= 44 and box["height"] >= 44, selector


def test_the_legend_is_folded_on_a_phone_and_opens_on_tap(phone):
    page, _, _ = phone
    body = page.locator("#tipmap-legend .body")
    assert not body.is_visible()
    page.locator("#tipmap-legend summary").tap()
    assert body.is_visible() and "round trip" in body.inner_text()
    page.locator("#tipmap-legend summary").tap()
    assert not body.is_visible()


def test_the_layer_list_is_folded_and_opens(phone):
    page, _, _ = phone
    layers = page.locator(".leaflet-control-layers-list")
    assert not layers.is_visible()
    page.locator(".leaflet-control-layers-toggle").tap()
    assert layers.is_visible() and "Sites (visiting order)" in layers.inner_text()


def test_my_position_gives_distance_and_bearing_to_the_next_site(phone, plan_page):
    page, problems, requested = phone
    plan = plan_page[1]
    page.locator("#tipmap-locate").tap()
    nxt = page.locator("#tipmap-position .next")
    wait_until(page, "document.querySelector('#tipmap-position .next').hasAttribute('data-km')")
    assert "You are at 24.02000, 97.86000" in page.locator("#tipmap-position .where").inner_text()
    stops = sorted(plan.sites, key=lambda s: s.visit)
    for step in range(2):
        site = stops[step]
        azimuth, _, metres = GEOD.inv(HERE[1], HERE[0], site.lon, site.lat)
        assert nxt.inner_text().startswith(f"Next: {site.visit}. {site.name}")
        assert float(nxt.get_attribute("data-km")) == pytest.approx(metres / 1000, rel=0.005)  # sphere vs ellipsoid
        assert float(nxt.get_attribute("data-bearing")) == pytest.approx(azimuth % 360, abs=0.5)
        assert re.search(r"bearing \d+° (N|NE|E|SE|S|SW|W|NW)$", nxt.inner_text())
        page.locator("#tipmap-position .next-site").tap()
    assert page.locator("#tipmap-position button").first.bounding_box()["height"] >= 44
    assert requested == [] and problems == []


@pytest.fixture(scope="module")
def atlas_page(tmp_path_factory):
    """``tipmap render --offline --country MM``: the atlas's offline page."""
    from conftest import render_html
    from tipmap.routes.select import Selection

    out = tmp_path_factory.mktemp("atlas") / "mm.html"
    render_html(out, offline=True, selection=Selection(countries=("MM",)))
    return out


def test_the_offline_atlas_map_works_on_a_phone(browser, atlas_page):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    requested: list[str] = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else (requested.append(r.request.url), r.abort()))
    try:
        page.goto(atlas_page.as_uri())
        wait_until(page, "document.querySelectorAll('.tipmap-label.town').length > 0")
        assert requested == []
        assert not page.locator("#tipmap-legend .body").is_visible()  # the legend box is folded behind a button
        page.locator("#tipmap-legend summary").tap()
        assert page.locator("#tipmap-legend .body").is_visible()
        for selector in (".leaflet-control-zoom-in", ".leaflet-control-layers-toggle", "#tipmap-locate"):
            box = _box(page, selector)
            assert box["width"] >= 44 and box["height"] >= 44, selector
        assert not page.locator(".leaflet-control-layers-list").is_visible()  # so is the layer list
        page.locator(".leaflet-control-layers-toggle").tap()
        assert page.locator(".leaflet-control-layers-list").is_visible()
        assert page.evaluate("Object.values(window).find(v => v instanceof L.Map).getZoom()") >= 4  # opens on Myanmar
    finally:
        context.close()


def test_the_keys_of_data_layers_fold_on_a_phone(browser, tmp_path):
    """A --data layer's key (case flows) once covered a third of a phone screen: it starts
    folded to one line there and unfolds with a tap."""
    from conftest import render_html

    data = Path(__file__).parent / "data" / "ctdc_cases.csv"
    page_path = tmp_path / "flows.html"
    render_html(page_path, offline=True, data=(str(data),))
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(page_path.as_uri())
        wait_until(page, "document.querySelectorAll('.tipmap-key').length > 0")
        folded = _box(page, ".tipmap-key")
        assert folded["height"] <= 64  # one 44 px line plus the box padding
        page.locator(".tipmap-key").tap()
        assert _box(page, ".tipmap-key")["height"] > 2 * folded["height"]
    finally:
        context.close()
