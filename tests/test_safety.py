"""Safety (issue 6): nothing confidential in a public output, no code from data, no crash on
hostile input."""

from __future__ import annotations

import csv
import io
import re
import struct
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from conftest import HEADERS, TINY, write_atlas
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tipmap.cli import main
from tipmap.maps.escape import text
from tipmap.routes.atlas import load_atlas
from tipmap.routes.errors import TipmapError
from tipmap.routes.importer import read_points

SECRET_NAME, SECRET_ID, SECRET_LON, SECRET_LAT = "Zq Secret Shelter", "o-shelter-zq", 1.2345, 0.6789


@pytest.fixture
def shelter_atlas(tmp_path):
    """The tiny atlas plus a confidential shelter at a place of its own."""
    tables = {name: [list(r) for r in rows] for name, rows in TINY.items()}
    tables["places.csv"].append(["p-hidden", "Hidden Hamlet Zq", "", "CN", "town", str(SECRET_LON), str(SECRET_LAT), "", ""])
    tables["support.csv"].append([SECRET_ID, SECRET_NAME, "", "shelter", "p-hidden", "beds", "s-two", "confidential", "site", ""])
    return write_atlas(tmp_path / "atlas", tables)


def _traces(data: bytes) -> list[str]:
    found = [s for s in (SECRET_NAME, SECRET_ID, "Hidden Hamlet Zq", "1.2345", "0.6789", "p-hidden") if s.encode() in data]
    for value in (SECRET_LON, SECRET_LAT):
        for fmt in ("<d", ">d"):
            if struct.pack(fmt, value) in data:
                found.append(f"binary {value}")
    return found


OUTPUTS = [
    ("render", "map.html", []),
    ("render", "offline.html", ["--offline"]),
    ("plot", "map.png", ["--size", "800x450", "--dpi", "100"]),
    ("plot", "map.svg", ["--size", "800x450", "--dpi", "100"]),
    ("plot", "map.pdf", ["--size", "800x450", "--dpi", "100"]),
    ("export", "a.geojson", ["-f", "geojson"]),
    ("export", "a.gpkg", ["-f", "gpkg"]),
    ("export", "a.kml", ["-f", "kml"]),
    ("export", "a.gpx", ["-f", "gpx"]),
    ("export", "a.csv", ["-f", "csv"]),
    ("export", "sites.csv", ["-f", "odk"]),
]


@pytest.mark.parametrize(("command", "name", "args"), OUTPUTS, ids=[o[1] for o in OUTPUTS])
def test_a_public_output_has_no_trace_of_a_confidential_shelter(tmp_path, shelter_atlas, command, name, args):
    out = tmp_path / name
    result = CliRunner().invoke(main, [command, "-o", str(out), "--atlas", str(shelter_atlas), *args])
    assert result.exit_code == 0, result.output
    written = [p for p in tmp_path.iterdir() if p.is_file()]
    assert written
    for path in written:
        assert _traces(path.read_bytes()) == [], path.name
    assert "withheld (confidential): 2 support" in result.stderr  # this shelter and the tiny atlas's own
    # the same output for the confidential audience does carry it (the test can fail)
    full = tmp_path / f"full-{name}"
    CliRunner().invoke(main, [command, "-o", str(full), "--atlas", str(shelter_atlas), "--audience", "confidential", *args])
    if name.endswith((".html", ".geojson", ".kml", ".gpx", ".csv")):
        assert SECRET_NAME.encode() in full.read_bytes() or SECRET_ID.encode() in full.read_bytes()
    else:  # static maps draw support points unlabelled: the stamped image differs from the public one
        assert full.read_bytes() != out.read_bytes()


def test_a_public_outreach_plan_has_no_trace_of_the_shelter(tmp_path, shelter_atlas):
    out = tmp_path / "plan"
    args = ["outreach", "--near", "0.6789,1.2", "--radius", "100km", "-o", str(out), "--atlas", str(shelter_atlas)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    for path in out.iterdir():
        # the base the user typed is not a leak (as text, or as a double in the GeoPackage's base waypoint)
        leaks = [t for t in _traces(path.read_bytes()) if t not in ("0.6789", "binary 0.6789")]
        assert leaks == [], path.name
    assert SECRET_NAME not in result.stdout


HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '" onmouseover="window.__pwned=1',
    "' onmouseover='window.__pwned=1",
    "{{ 7*7 }}{% raw %}",
    "${window.__pwned=1}",
    "`;window.__pwned=1;`",
    "\\u003cscript\\u003ewindow.__pwned=1\\u003c/script\\u003e",
    "</script><script>window.__pwned=1</script>",
    "</textarea><img src=x onerror=window.__pwned=1>",
    "\u202eevil RTL\u200b zero-width",
    '=HYPERLINK("http://example.org")',
    "A" * 3000,
]


@pytest.fixture
def hostile_atlas(tmp_path):
    """Every name, local name, quote and note in the tiny atlas replaced by hostile text."""
    tables = {name: [list(r) for r in rows] for name, rows in TINY.items()}
    fields = {
        "places.csv": ("name", "name_local", "note"),
        "corridors.csv": ("name", "routing"),
        "hotspots.csv": ("name", "name_local", "location_note"),
        "support.csv": ("name", "services"),
        "sources.csv": ("title", "publisher", "quote"),
    }
    n = 0
    for file, columns in fields.items():
        for row in tables[file]:
            for column in columns:
                row[HEADERS[file].index(column)] = HOSTILE[n % len(HOSTILE)]
                n += 1
    return write_atlas(tmp_path / "hostile", tables)


def test_hostile_text_is_inert_in_svg_kml_and_gpx(tmp_path, hostile_atlas):
    for command, name, args in (
        ("plot", "h.svg", ["--size", "800x450", "--dpi", "100"]),
        ("export", "h.kml", ["-f", "kml"]),
        ("export", "h.gpx", ["-f", "gpx"]),
    ):
        out = tmp_path / name
        result = CliRunner().invoke(main, [command, "-o", str(out), "--atlas", str(hostile_atlas), *args])
        assert result.exit_code == 0, result.output
        root = ET.parse(out).getroot()  # well-formed: nothing broke out of its element or attribute
        assert not any(el.tag.endswith("script") for el in root.iter())
        texts = " ".join(t for el in root.iter() for t in (el.text or "",))
        assert "<script>window.__pwned=1</script>" in texts or name.endswith(".svg")  # KML/GPX keep the text, as text


def test_hostile_text_makes_a_readable_pdf_with_no_script(tmp_path, hostile_atlas):
    pypdf = pytest.importorskip("pypdf")
    out = tmp_path / "h.pdf"
    result = CliRunner().invoke(
        main, ["plot", "-o", str(out), "--atlas", str(hostile_atlas), "--size", "800x450", "--dpi", "100"]
    )
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert b"/JavaScript" not in data and b"/JS " not in data and b"/OpenAction" not in data
    assert pypdf.PdfReader(out).pages[0].extract_text()  # well-formed, text extractable


@given(st.text())
def test_markdown_text_has_no_active_characters(value):
    from tipmap.maps.escape import markdown

    escaped = markdown(value)
    unescaped = re.sub(r"\\.", "", escaped)  # drop every escaped pair
    assert not any(ch in unescaped for ch in "`*_[]<>#|~\\")


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(tmp_path, hostile_atlas):
    out = tmp_path / "h.csv"
    assert CliRunner().invoke(main, ["export", "-f", "csv", "-o", str(out), "--atlas", str(hostile_atlas)]).exit_code == 0
    cells = [c for row in csv.reader(io.StringIO(out.read_text())) for c in row]
    assert not any(c[:1] in ("=", "+", "-", "@") for c in cells if c and not c.lstrip("-").replace(".", "").isdigit())
    assert '\'=HYPERLINK("http://example.org")' in cells


@pytest.mark.parametrize("offline", [False, True], ids=["online", "offline"])
def test_hostile_page_runs_no_injected_code(tmp_path, hostile_atlas, offline):
    browser_mod = pytest.importorskip("test_browser")
    out = tmp_path / "h.html"
    args = ["render", "-o", str(out), "--atlas", str(hostile_atlas), "--audience", "confidential"] + (
        ["--offline"] if offline else []
    )
    assert CliRunner().invoke(main, args).exit_code == 0
    with browser_mod.playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_mod.CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page, problems, _ = browser_mod.open_page(browser, out, offline=offline)  # online: blank tiles served
        for selector in (".tipmap-hotspot", ".tipmap-support", "path.leaflet-interactive"):
            for i in range(page.locator(selector).count()):
                page.locator(selector).nth(i).dispatch_event("click")
                page.locator(selector).nth(i).dispatch_event("mouseover")
        assert page.evaluate("window.__pwned") is None
        assert page.locator(".leaflet-popup-content").count() >= 1
        assert problems == []
        browser.close()


def test_csp_blocks_code_that_escaping_would_have_missed(tmp_path, tiny_dir):
    browser_mod = pytest.importorskip("test_browser")
    out = tmp_path / "m.html"
    assert CliRunner().invoke(main, ["render", "-o", str(out), "--atlas", str(tiny_dir), "--offline"]).exit_code == 0
    page_text = out.read_text().replace(
        "<body>", '<body><img src="data:," onerror="window.__pwned=1"><script>window.__pwned=2</script>', 1
    )
    out.write_text(page_text)
    with browser_mod.playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_mod.CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page, problems, _ = browser_mod.open_page(browser, out, offline=True)
        assert page.evaluate("window.__pwned") is None
        assert any("Content Security Policy" in m for m in problems)
        browser.close()


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_escaped_text_has_no_active_characters(value):
    escaped = text(value)
    assert not any(ch in escaped for ch in "<>\"'`${}\\")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.text(max_size=12), min_size=0, max_size=10), max_size=6), st.sampled_from(sorted(TINY)))
def test_any_table_content_loads_or_raises_our_error(tmp_path_factory, rows, file):
    tables = {name: [list(r) for r in rs] for name, rs in TINY.items()}
    tables[file] = [[c.replace("\x00", "") for c in r] for r in rows]
    directory = write_atlas(tmp_path_factory.mktemp("h"), tables)
    try:
        load_atlas(directory)
    except TipmapError:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300), st.sampled_from(["p.csv", "p.geojson", "p.gpkg", "p.kml"]))
def test_any_input_file_imports_or_raises_our_error(tmp_path_factory, data, name):
    path = tmp_path_factory.mktemp("i") / name
    path.write_bytes(data)
    try:
        read_points(path)
    except TipmapError:
        pass
