"""The maps in a real browser: headless Chromium driven by Playwright.

The offline page is opened with every network request blocked; the online page's tile
requests are answered with a blank tile (tests never touch the network) and anything else
is blocked. Console errors include Content-Security-Policy violations. In CI (CI set) a
missing browser is a failure.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from conftest import browser_or_skip, render_html, wait_until
from tipmap.routes.atlas import load_atlas
from tipmap.routes.select import select

pytestmark = pytest.mark.browser

CHROMIUM, playwright = browser_or_skip()

BLANK_PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")
ATLAS = select(load_atlas())


def _tile(url: str) -> bool:
    return url.startswith("https://server.arcgisonline.com/")


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield launched
        launched.close()


def open_page(browser, path: Path, *, offline: bool):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems: list[str] = []
    requested: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    def handle(route):
        url = route.request.url
        if url.startswith("file:") or url.startswith("data:"):
            return route.continue_()
        requested.append(url)
        if offline or not _tile(url):
            return route.abort()
        return route.fulfill(status=200, body=BLANK_PNG, content_type="image/png")

    page.route("**/*", handle)
    page.goto(path.as_uri())
    wait_until(page, "typeof L === 'object' && document.querySelectorAll('.leaflet-interactive').length > 0")
    return page, problems, requested


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    render_html(folder / "online.html")
    render_html(folder / "offline.html", offline=True)
    return folder


@pytest.mark.parametrize("offline", [True, False], ids=["offline", "online"])
def test_map_loads_draws_and_reports_no_error(browser, pages, offline):
    page, problems, requested = open_page(browser, pages / ("offline.html" if offline else "online.html"), offline=offline)
    try:
        assert problems == []
        if offline:
            assert requested == []  # nothing even tried to reach the network
        else:
            assert requested and all(_tile(u) for u in requested)  # the online page fetches tiles, nothing else
        assert page.evaluate("L.version") in ("1.9.3", "1.9.4")
        corridors = page.locator("path.leaflet-interactive[stroke-linecap]").count()
        assert corridors >= len(ATLAS.corridors)
        assert page.locator(".tipmap-hotspot").count() == len(ATLAS.hotspots)
        assert page.locator(".tipmap-support").count() == len(ATLAS.support)
    finally:
        page.close()


@pytest.mark.parametrize("offline", [True, False], ids=["offline", "online"])
def test_toggling_a_layer_hides_its_features(browser, pages, offline):
    page, _, _ = open_page(browser, pages / ("offline.html" if offline else "online.html"), offline=offline)
    try:
        casinos = int((ATLAS.hotspots["kind"] == "casino").sum())
        before = page.locator(".tipmap-hotspot").count()
        page.locator("label", has_text="Hotspots: Casino").locator("input").click()
        assert page.locator(".tipmap-hotspot").count() == before - casinos
    finally:
        page.close()


@pytest.mark.parametrize("offline", [True, False], ids=["offline", "online"])
def test_a_popup_opens_and_cites_its_report(browser, pages, offline):
    page, problems, _ = open_page(browser, pages / ("offline.html" if offline else "online.html"), offline=offline)
    try:
        # markers overlap at world zoom, so a pointer click may land on a neighbour: send the click to this one
        page.locator(".tipmap-hotspot").first.dispatch_event("click")
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        text = popup.inner_text()
        assert "Sources" in text and "\u201c" in text and ".txt" not in text  # cited by publisher or title
        assert problems == []
    finally:
        page.close()


@pytest.fixture(scope="module")
def hotspots_page(tmp_path_factory):
    """`tipmap hotspots` on 3,000 points around Hanoi and Macau: the page,
    and the job's result (the cells and the atlas records in their extent)."""
    import numpy as np
    from tipmap.maps.hexmap import write_hotspots
    from tipmap.routes.hotjob import hotspots_job

    folder = tmp_path_factory.mktemp("hotspots")
    rng = np.random.default_rng(8)
    centres = np.array([(21.0, 105.8), (22.2, 113.5)])[rng.integers(0, 2, 3000)]
    points = centres + rng.normal(0, 0.4, (3000, 2))
    (folder / "points.csv").write_text("lat,lon\n" + "\n".join(f"{a:.5f},{b:.5f}" for a, b in points) + "\n")
    result = hotspots_job(str(folder / "points.csv"))
    write_hotspots(result, str(folder / "hotspots.html"), title="Hotspots <b>test</b>", weighted=False)
    return folder / "hotspots.html", result


def _painted(page) -> int:
    """Pixels the hexagon canvas has painted (alpha > 0)."""
    return page.evaluate(
        """(() => { let n = 0; document.querySelectorAll('.leaflet-overlay-pane canvas:not(.leaflet-heatmap-layer)').forEach(c => {
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; }); return n; })()"""
    )


def test_the_hotspots_page_draws_cells_and_their_atlas_context(browser, hotspots_page):
    path, result = hotspots_page
    page, problems, requested = open_page(browser, path, offline=False)
    try:
        assert problems == [] and all(_tile(u) for u in requested)
        assert result.atlas is not None and len(result.atlas.hotspots) > 0
        assert page.locator(".tipmap-hotspot").count() == len(result.atlas.hotspots)
        assert page.locator("path.leaflet-interactive").count() >= len(result.atlas.corridors)
        assert page.locator("#tipmap-title").inner_text() == "Hotspots <b>test</b>"  # text, not markup
        painted = _painted(page)
        assert painted > 10_000  # the cells cover much of the view
        page.locator("label", has_text="Hexagons").locator("input").click()
        assert _painted(page) < painted / 10  # hidden with their layer
        page.locator(".tipmap-hotspot").first.dispatch_event("click")
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert "Sources" in popup.inner_text() and "\u201c" in popup.inner_text()
    finally:
        page.close()
