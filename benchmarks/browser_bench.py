"""Benchmark: the interactive map in headless Chromium (issue #16 targets: opens in < 1 s,
a slider move redraws in < 100 ms).

Run by hand (not a test):

    python benchmarks/browser_bench.py --runs 5

Renders the whole atlas plus a CTDC-style table of 100 country pairs (case flows), offline
and online, then opens each page ``--runs`` times in headless Chromium (/usr/bin/chromium,
every request blocked; the online page's tiles answered with a blank image) and reads
Chromium's performance timing:

- open: ``loadEventEnd`` of the navigation entry, and the ``tipmap-ready`` mark (the
  instrument has drawn every layer and applied the filters), both from navigation start;
- slider move: from setting a slider and dispatching its ``input`` event to the next
  animation frame after it (the filter pass, Leaflet's redraw and a frame); 30 moves per
  page load over the whole year range.

Figures are medians over runs (and moves); the worst move is reported too. Writes
benchmarks/RESULTS-browser.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
COUNTRIES = "VN MM KH LA TH CN PH ID MY NP BD IN PK AF IR TR DE NL BE FR GB IT ES PL RO UA RU NG GH US".split()
BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010804000000b51c0c020000000b4944415478da6364600000000600023081d02f0000000049454e44ae426082"
)
MOVE = """async (year) => {
  const since = document.querySelector('#tipmap-since'), until = document.querySelector('#tipmap-until');
  const t0 = performance.now();
  until.value = year + 3; until.dispatchEvent(new Event('input'));
  since.value = year; since.dispatchEvent(new Event('input'));
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t0;
}"""


def case_table(path: Path, pairs: int = 100, seed: int = 16) -> None:
    """A CTDC-style table with ``pairs`` distinct (citizenship, country of exploitation) pairs."""
    rng = random.Random(seed)
    chosen: set[tuple[str, str]] = set()
    while len(chosen) < pairs:
        a, b = rng.sample(COUNTRIES, 2)
        chosen.add((a, b))
    rows = ["citizenship,CountryOfExploitation,yearOfRegistration,isForcedLabour,isSexualExploit"]
    for a, b in sorted(chosen):
        for _ in range(rng.randint(1, 30)):
            labour = rng.random() < 0.5
            rows.append(f"{a},{b},{rng.randint(2002, 2023)},{int(labour)},{int(not labour)}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def render(folder: Path) -> dict[str, Path]:
    cases = folder / "ctdc.csv"
    case_table(cases)
    pages = {}
    for name, extra in (("offline", ["--offline"]), ("online", [])):
        pages[name] = folder / f"{name}.html"
        subprocess.run(
            [sys.executable, "-m", "tipmap", "render", "-o", str(pages[name]), "--data", str(cases), *extra],
            check=True,
            capture_output=True,
        )
    return pages


def measure(path: Path, runs: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {"load": [], "ready": [], "move": [], "apply": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1600, "height": 1000})

            def handle(route):
                url = route.request.url
                if url.startswith(("file:", "data:")):
                    return route.continue_()
                if url.startswith("https://server.arcgisonline.com/"):
                    return route.fulfill(status=200, body=BLANK_PNG, content_type="image/png")
                return route.abort()

            page.route("**/*", handle)
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_function("performance.getEntriesByName('tipmap-ready').length > 0")
            out["load"].append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
            out["ready"].append(page.evaluate("performance.getEntriesByName('tipmap-ready')[0].startTime"))
            first, last = page.evaluate("tipmapState.cfg.years")
            for i in range(30):
                out["move"].append(page.evaluate(MOVE, first + (i * (last - first - 3)) // 29))
                out["apply"].append(page.evaluate("tipmapState.lastApplyMs"))
            page.close()
        version = browser.version
        browser.close()
    out["version"] = [version]  # type: ignore[list-item]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows, version = [], ""
    with tempfile.TemporaryDirectory() as tmp:
        pages = render(Path(tmp))
        for name, path in pages.items():
            m = measure(path, args.runs)
            version = m.pop("version")[0]
            size = path.stat().st_size / 1e6
            rows.append(
                f"| {name} | {size:.1f} MB | {statistics.median(m['load']):.0f} ms | {statistics.median(m['ready']):.0f} ms "
                f"| {statistics.median(m['move']):.1f} ms | {max(m['move']):.1f} ms | {statistics.median(m['apply']):.1f} ms |"
            )
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = 0
    text = "\n".join(
        [
            "# Browser benchmark (issue #16)",
            "",
            "Command: `python benchmarks/browser_bench.py --runs " + str(args.runs) + "`",
            f"Machine: {platform.machine()}, {cores} cores (shared with other jobs), Python {platform.python_version()}, "
            f"headless Chromium {version}, viewport 1600x1000; load average at the end {os.getloadavg()[0]:.1f} "
            "(other engineers' jobs: figures on a quiet machine will be lower).",
            "Page: the whole curated atlas plus a CTDC-style table of 100 country pairs (case flows, clustered by zoom).",
            "Targets: opens in < 1000 ms; a slider move redraws in < 100 ms.",
            "",
            "| page | size | loadEventEnd (median) | tipmap-ready (median) | slider move to next frame (median) "
            "| slowest move | filter pass alone (median) |",
            "|---|---|---|---|---|---|---|",
            *rows,
            "",
            f"Medians over {args.runs} page loads; slider figures over 30 moves per load across the whole year range. "
            "`tipmap-ready` is a performance mark set when the instrument has applied its filters (after every layer "
            "is drawn). Online: tile requests answered with a blank image, no network.",
            "",
        ]
    )
    (HERE / "RESULTS-browser.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
