"""Tiny, hand-checkable atlas fixtures.

The fixture atlas has four places on the equator and one north of it, so distances can
be checked by hand: one degree of longitude on the WGS84 equator is 111.319 km.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

HEADERS = {
    "sources.csv": ["id", "title", "publisher", "year", "url", "document", "quote"],
    "places.csv": ["id", "name", "name_local", "country", "kind", "lon", "lat", "gazetteer_id", "note"],
    "corridors.csv": [
        "id",
        "name",
        "waypoints",
        "exploitation",
        "period_start",
        "period_end",
        "confidence",
        "volume",
        "volume_unit",
        "volume_source",
        "sources",
        "sensitivity",
        "routing",
    ],
    "hotspots.csv": [
        "id",
        "name",
        "name_local",
        "kind",
        "place",
        "exploitation",
        "intensity",
        "period_start",
        "period_end",
        "sources",
        "sensitivity",
        "precision",
        "location_note",
    ],
    "support.csv": [
        "id",
        "name",
        "name_local",
        "kind",
        "place",
        "services",
        "sources",
        "sensitivity",
        "precision",
        "location_note",
    ],
}

TINY = {
    "sources.csv": [
        ["s-one", "Report One", "Publisher A", "2020", "https://example.org/one", "one.txt", "Women are sold across the border."],
        ["s-two", "Report Two", "", "", "", "two.txt", "Workers were moved to factories from 1990 to 1995."],
    ],
    "places.csv": [
        ["a-src", "Source Town", "源", "MM", "city", "0", "0", "", ""],
        ["a-mid", "Border Town", "", "CN", "border_crossing", "1", "0", "", ""],
        ["a-dst", "Destination City", "终", "CN", "city", "2", "0", "", ""],
        ["b-src", "Northern Village", "", "VN", "town", "0", "1", "", ""],
        ["a-venue", "Venue Street", "", "CN", "town", "2", "0", "", ""],
        ["b-shelter", "Shelter House", "", "VN", "town", "0", "1", "", ""],
    ],
    "corridors.csv": [
        [
            "c-bride",
            "Bride route",
            "a-src a-mid a-dst",
            "forced_marriage;sexual_exploitation",
            "",
            "",
            "high",
            "",
            "",
            "",
            "s-one",
            "public",
            "",
        ],
        [
            "c-labour",
            "Labour route",
            "b-src a-dst",
            "forced_labour",
            "1990",
            "1995",
            "low",
            "120",
            "workers",
            "s-two",
            "s-two",
            "public",
            "towns not named",
        ],
    ],
    "hotspots.csv": [
        [
            "h-casino",
            "Border casino",
            "赌场",
            "casino",
            "a-mid",
            "sexual_exploitation",
            "4",
            "",
            "",
            "s-one",
            "public",
            "town",
            "",
        ],
        [
            "h-venue",
            "Exact venue",
            "",
            "entertainment_district",
            "a-venue",
            "sexual_exploitation",
            "2",
            "",
            "",
            "s-one",
            "restricted",
            "site",
            "",
        ],
    ],
    "support.csv": [
        ["o-ngo", "Helping NGO", "", "ngo", "a-dst", "hotline", "s-one", "public", "town", ""],
        ["o-shelter", "Secret Shelter", "", "shelter", "b-shelter", "beds", "s-two", "confidential", "site", ""],
    ],
}

@pytest.fixture(autouse=True)
def _secret_key(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test runs with a known key and a temporary config directory: no test reads or
    creates the real ~/.config/tipmap/key (subprocesses inherit the environment)."""
    monkeypatch.setenv("TIPMAP_KEY", "tests-only-key-0123456789abcdef")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


Mutate = Callable[[dict[str, list[list[str]]]], None]


def write_atlas(directory: Path, tables: dict[str, list[list[str]]], headers: dict[str, list[str]] | None = None) -> Path:
    """Write ``tables`` as atlas CSV files into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with open(directory / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow((headers or HEADERS)[name])
            writer.writerows(rows)
    return directory


@pytest.fixture
def tiny_tables() -> dict[str, list[list[str]]]:
    """A fresh, mutable copy of the tiny atlas tables."""
    return {name: [list(row) for row in rows] for name, rows in TINY.items()}


@pytest.fixture
def tiny_dir(tmp_path: Path, tiny_tables: dict[str, list[list[str]]]) -> Path:
    """The tiny atlas written to a temporary directory."""
    return write_atlas(tmp_path / "atlas", tiny_tables)


@pytest.fixture
def tiny_atlas(tiny_dir: Path):
    """The tiny atlas, loaded."""
    from tipmap.routes.atlas import load_atlas

    return load_atlas(tiny_dir)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run that collected no test is a failure, never a silent pass (pytest's exit 5)."""
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_configure(config: pytest.Config) -> None:
    """tipmap's cache dir is pytest's own from the start: compiled templates are cached when
    folium is imported, at collection, before any fixture runs (never the user's home)."""
    import os

    if getattr(config, "cache", None) is not None:
        os.environ["TIPMAP_CACHE_DIR"] = str(config.cache.mkdir("tipmap-gazetteer"))


@pytest.fixture(scope="session", autouse=True)
def gazetteer_cache(request, tmp_path_factory):
    """The gazetteer index is cached in pytest's own cache (never the user's home), so it is built
    once for all sessions and shared by every test and worker of this one."""
    import os

    base = request.config.cache.mkdir("tipmap-gazetteer") if request.config.cache else tmp_path_factory.mktemp("gazetteer")
    os.environ["TIPMAP_CACHE_DIR"] = str(base)
    yield base


def render_html(output, *, selection=None, data_dir=None, offline=False, title="tipmap: trafficking routes", data=()):
    """What `tipmap render` does: the atlas job, then the HTML writer."""
    from tipmap.maps.interactive import write_html
    from tipmap.routes.jobs import atlas_job
    from tipmap.routes.select import Selection

    result = atlas_job(selection or Selection(), data_dir=data_dir, data=tuple(data))
    write_html(result, output, title=title, offline=offline)
    return result


def render_static(output, *, selection=None, data_dir=None, **options):
    """What `tipmap plot` does: the atlas job, then the static writer."""
    from tipmap.maps.static import write_static
    from tipmap.routes.jobs import atlas_job
    from tipmap.routes.select import Selection

    return write_static(atlas_job(selection or Selection(), data_dir=data_dir), output, **options)


def wait_until(page, expression: str, seconds: float = 15.0) -> None:
    """Poll ``expression`` in the page until it is true. Playwright's wait_for_function
    re-evaluates through eval, which the pages' Content-Security-Policy blocks, so it hangs
    whenever the condition is not already true at the first look."""
    import time

    end = time.monotonic() + seconds
    while not page.evaluate(expression):
        if time.monotonic() > end:
            raise AssertionError(f"the page never reached: {expression}")
        time.sleep(0.05)


def browser_or_skip():
    """Chromium's path and Playwright's sync API for the browser tests; the module is skipped
    when either is missing, except in CI, where both must be there (an ImportError fails)."""
    import os
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    api = pytest.importorskip("playwright.sync_api") if not os.environ.get("CI") else __import__("playwright.sync_api").sync_api
    if chromium is None and not os.environ.get("CI"):
        pytest.skip("Chromium is not installed (Debian: chromium)", allow_module_level=True)
    return chromium, api
