"""Benchmark: tipmap hotspots against lonboard and GeoDataFrame.explore(), in one run.

Run by hand (not a test):

    pip install -e '.[test,benchmark]'
    python benchmarks/hotspots_bench.py --runs 5

Writes benchmarks/RESULTS.md. Every figure is the median of --runs runs, each in a fresh
subprocess so that peak memory (ru_maxrss) is that run's own:

- tipmap: `tipmap hotspots points.csv -o map.html`, wall time from CSV on disk to HTML on disk;
- lonboard: `viz(gdf).to_html(path)` on the same 1,000,000 points already in memory
  (loading them is not timed);
- geopandas: `gdf.explore()` saved to HTML, on 100,000 of the points (in memory);
- tipmap on 10,000,000 points (peak memory against the 8 GB target), one run;
- `tipmap --help` and `tipmap render` of the whole atlas.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
MEKONG = (95.0, 10.0, 110.0, 25.0)  # west, south, east, north


def make_points(path: Path, n: int, seed: int) -> None:
    """n points spread over the Mekong region, half clustered around border towns."""
    rng = np.random.default_rng(seed)
    west, south, east, north = MEKONG
    towns = np.array([(97.9, 24.0), (104.0, 22.5), (106.8, 22.0), (108.0, 21.5), (100.9, 20.3), (102.6, 17.9)])
    k = n // 2
    centre = towns[rng.integers(0, len(towns), k)]
    clustered = centre + rng.normal(0, 0.3, (k, 2))
    spread = np.column_stack([rng.uniform(west, east, n - k), rng.uniform(south, north, n - k)])
    xy = np.vstack([clustered, spread])
    frame = pd.DataFrame(
        {
            "lat": xy[:, 1].round(5),
            "lon": xy[:, 0].round(5),
            "type": rng.choice(["forced_labour", "sexual_exploitation", "forced_marriage"], n),
        }
    )
    frame.to_csv(path, index=False)


CHILD = r"""
import json, resource, sys, time
kind, src, out = sys.argv[1:4]
if kind == "tipmap":
    import subprocess
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tipmap", "hotspots", src, "-o", out, "--force"], check=True,
                   stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
else:
    import geopandas as gpd, pandas as pd
    n = int(sys.argv[4])
    frame = pd.read_csv(src, nrows=n)
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")
    t = time.perf_counter()
    if kind == "lonboard":
        from lonboard import viz
        viz(gdf).to_html(out)
    else:
        gdf.explore().save(out)
    seconds = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": rss / 1024}))
"""


def child(kind: str, src: Path, out: Path, n: int = 0) -> dict:
    """One measured run in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(src), str(out), str(n)],
        capture_output=True,
        text=True,
        cwd=HERE.parent,
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["html_mb"] = out.stat().st_size / 1e6
    return figures


def median_of(runs: list[dict]) -> dict:
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def timed(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=HERE.parent)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-10m", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        points = work / "points_1m.csv"
        make_points(points, 1_000_000, seed=7)
        results = {}
        for kind, n in (("tipmap", 0), ("lonboard", 1_000_000), ("explore", 100_000)):
            runs = [child(kind, points, work / f"{kind}.html", n) for _ in range(args.runs)]
            results[kind] = {"runs": runs, "median": median_of(runs)}
            print(kind, results[kind]["median"], flush=True)
        if not args.skip_10m:
            big = work / "points_10m.csv"
            make_points(big, 10_000_000, seed=8)
            results["tipmap_10m"] = {"median": child("tipmap", big, work / "big.html")}
            print("tipmap_10m", results["tipmap_10m"]["median"], flush=True)
        help_s = timed([sys.executable, "-m", "tipmap", "--help"], args.runs)
        atlas_s = timed([sys.executable, "-m", "tipmap", "render", "-o", str(work / "atlas.html"), "--force"], args.runs)
    write_results(results, help_s, atlas_s, args.runs)
    return 0


def write_results(results: dict, help_s: float, atlas_s: float, runs: int) -> None:
    t, lb, ex = (results[k]["median"] for k in ("tipmap", "lonboard", "explore"))
    lines = [
        "# Benchmark results",
        "",
        f"Made by `python benchmarks/hotspots_bench.py --runs {runs}` on {time.strftime('%Y-%m-%d')}, "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. Medians of {runs} runs, each in a "
        "fresh process; the machine is shared, so expect some noise.",
        "",
        "## 1,000,000 points in the Mekong region",
        "",
        "| tool | what is timed | wall time (s) | peak memory (MB) | HTML (MB) |",
        "|---|---|---|---|---|",
        f"| tipmap hotspots | CSV on disk to HTML on disk | {t['seconds']:.2f} | {t['peak_mb']:.0f} | {t['html_mb']:.2f} |",
        f"| lonboard `viz(gdf).to_html()` | points already in memory | {lb['seconds']:.2f} | {lb['peak_mb']:.0f} | "
        f"{lb['html_mb']:.2f} |",
        f"| geopandas `explore()` (100,000 points) | points already in memory | {ex['seconds']:.2f} | {ex['peak_mb']:.0f} | "
        f"{ex['html_mb']:.2f} |",
        "",
        "Ratios (tipmap = 1):",
        "",
        f"- lonboard takes {lb['seconds'] / t['seconds']:.1f}x tipmap's time and writes "
        f"{lb['html_mb'] / t['html_mb']:.1f}x the HTML.",
        f"- explore() on a tenth of the points takes {ex['seconds'] / t['seconds']:.1f}x tipmap's time and writes "
        f"{ex['html_mb'] / t['html_mb']:.1f}x the HTML.",
        "",
        "Targets: tipmap faster than lonboard on the same points, peak memory under 2 GB, HTML under 2 MB: "
        + ", ".join(
            [
                "met" if t["seconds"] < lb["seconds"] else "NOT met (time)",
                "met" if t["peak_mb"] < 2048 else "NOT met (memory)",
                "met" if t["html_mb"] < 2 else "NOT met (size)",
            ]
        ),
    ]
    if "tipmap_10m" in results:
        big = results["tipmap_10m"]["median"]
        lines += [
            "",
            "## 10,000,000 points (one run)",
            "",
            f"tipmap hotspots: {big['seconds']:.1f} s, peak memory {big['peak_mb']:.0f} MB (target: under 8 GB: "
            f"{'met' if big['peak_mb'] < 8192 else 'NOT met'}), HTML {big['html_mb']:.2f} MB.",
        ]
    lines += [
        "",
        "## Start-up and the atlas",
        "",
        f"- `tipmap --help`: {help_s:.2f} s (target under 0.2 s).",
        f"- `tipmap render` of the whole curated atlas: {atlas_s:.2f} s (target under 2 s).",
        "",
    ]
    (HERE / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")
    print((HERE / "RESULTS.md").read_text())


if __name__ == "__main__":
    raise SystemExit(main())
