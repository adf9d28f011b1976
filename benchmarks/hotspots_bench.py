"""Benchmark: tipmap hotspots against the floor, lonboard and GeoDataFrame.explore(), in one run.

Run by hand (not a test):

    pip install -e '.[test,benchmark]'
    python benchmarks/hotspots_bench.py --runs 5          # add --huge for 100 M points (3.5 GB CSV)

Writes benchmarks/RESULTS.md. Every figure is the median of --runs runs, each in a fresh
subprocess so that peak memory (ru_maxrss) is that run's own:

- tipmap: `tipmap hotspots points.csv -o map.html`, wall time from CSV on disk to HTML on disk;
- the floor: a minimal pipeline in a fresh process (pyarrow read of the two columns, h3ronpy
  cells on 1 or 2 threads, numpy counts), the least work the hardware must do;
- lonboard (A): `viz(gdf).to_html(path)` on the points already a GeoDataFrame;
- lonboard (B): the GeoDataFrame built from the DataFrame, then `viz().to_html()`;
- geopandas: `gdf.explore()` saved to HTML, on 100,000 of the points;
- 1 M and 10 M points; the dask engine on 1 and 2 local workers (points/s per worker, same cells);
- `tipmap --help`, `tipmap render` and `tipmap plot` of the whole atlas.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
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
n = int(sys.argv[4])
if kind == "tipmap":
    import subprocess
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tipmap", "hotspots", src, "-o", out, "--force"], check=True,
                   stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
elif kind.startswith("floor"):
    # the least work: start Python (this process), read the two columns with pyarrow, H3 cells
    # with h3ronpy, count with numpy, write the counts; threads: 1 or 2 for the H3 step
    import subprocess
    code = (
        "import sys, numpy as np, pyarrow.csv as pc\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "from h3ronpy.vector import coordinates_to_cells\n"
        "threads = int(sys.argv[3])\n"
        "t = pc.read_csv(sys.argv[1], convert_options=pc.ConvertOptions(include_columns=['lat', 'lon']))\n"
        "lat = t.column('lat').to_numpy(); lon = t.column('lon').to_numpy()\n"
        "parts = np.array_split(np.arange(len(lat)), threads)\n"
        "cells = lambda p: np.asarray(coordinates_to_cells(lat[p], lon[p], 5, radians=False))\n"
        "with ThreadPoolExecutor(threads) as pool: res = list(pool.map(cells, parts))\n"
        "u, c = np.unique(np.concatenate(res), return_counts=True)\n"
        "open(sys.argv[2], 'w').write(','.join(map(str, c[:10])))\n"
    )
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, src, out, kind[-1]], check=True)
    seconds = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
else:
    import geopandas as gpd, pandas as pd
    frame = pd.read_csv(src, nrows=n)
    t = time.perf_counter()
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")
    if kind == "lonboard":  # the points already a GeoDataFrame: only viz().to_html() is timed
        t = time.perf_counter()
    if kind.startswith("lonboard"):
        from lonboard import viz
        viz(gdf).to_html(out)
    else:
        gdf.explore().save(out)
    seconds = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": rss / 1024}))
"""

DASK = r"""
import json, sys, time
from tipmap.routes.distributed import aggregate_dask
from tipmap.routes.importer import PointColumns
src, workers = sys.argv[1], int(sys.argv[2])
t = time.perf_counter()
binning = aggregate_dask(src, columns=PointColumns(), resolution=5, workers=workers)
seconds = time.perf_counter() - t
cells = {int(c): int(n) for c, n in zip(binning.cells["cell"], binning.cells["count"])}
print(json.dumps({"seconds": seconds, "points": binning.points, "cells": sorted(cells.items())[:50], "ncells": len(cells)}))
"""


#: The least each command must do in a fresh process, with the libraries the product card fixes:
#: a click command's help; the atlas as GeoDataFrames and the page by folium; the atlas as
#: GeoDataFrames and a blank 1920x1080 PNG saved by matplotlib.
FLOORS = {
    "help": "import click",
    "render": "import geopandas, folium",
    "plot": (
        "import sys, geopandas\nfrom matplotlib.figure import Figure\nFigure(figsize=(12.8, 7.2), dpi=150).savefig(sys.argv[1])\n"
    ),
}


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
    parser.add_argument("--huge", action="store_true", help="also 100,000,000 points (a 3.5 GB CSV): peak memory")
    args = parser.parse_args()
    # an installed tipmap has its modules compiled (pip does it); this checkout may not, if
    # PYTHONDONTWRITEBYTECODE is set: compile them once so each run measures the same thing
    skip = r"[/\\](\.venv|build|tests|benchmarks)[/\\]"
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-x", skip, str(HERE.parent)], check=False, stdout=subprocess.DEVNULL
    )
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sizes = [1_000_000] + ([] if args.skip_10m else [10_000_000])
        for n in sizes:
            points = work / f"points_{n}.csv"
            make_points(points, n, seed=7)
            kinds = ["tipmap", "floor1", "floor2"] + (["lonboard", "lonboard_gdf", "explore"] if n == 1_000_000 else [])
            for kind in kinds:
                count = 100_000 if kind == "explore" else n
                runs = [child(kind, points, work / f"{kind}.html", count) for _ in range(args.runs)]
                results[(kind, n)] = median_of(runs)
                print(kind, n, results[(kind, n)], flush=True)
            if n == sizes[-1]:
                results["dask"] = dask_runs(points, work)
        if args.huge:
            huge = work / "points_100m.csv"
            for part in range(10):  # written in parts so the generator itself stays small
                make_points(work / "part.csv", 10_000_000, seed=100 + part)
                with open(huge, "ab") as out, open(work / "part.csv", "rb") as src:
                    if part:
                        src.readline()
                    shutil.copyfileobj(src, out)
            results["huge"] = {**child("tipmap", huge, work / "huge.html"), "csv_gb": huge.stat().st_size / 1e9}
            print("huge", results["huge"], flush=True)
        commands = {
            "help": timed([sys.executable, "-m", "tipmap", "--help"], args.runs),
            "render": timed([sys.executable, "-m", "tipmap", "render", "-o", str(work / "atlas.html"), "--force"], args.runs),
            "plot": timed([sys.executable, "-m", "tipmap", "plot", "-o", str(work / "atlas.png"), "--force"], args.runs),
        }
        commands.update({f"{name}_floor": timed([sys.executable, "-c", code, str(work / "blank.png")], args.runs)
                         for name, code in FLOORS.items()})  # fmt: skip
    write_results(results, commands, args.runs, sizes)
    return 0


def dask_runs(points: Path, work: Path) -> dict:
    """The dask engine on a local cluster of 1 and 2 workers over the same points in 4
    partitions: points/s per worker, and whether the cells equal the in-memory engine's."""
    parts = work / "parts"
    parts.mkdir(exist_ok=True)
    frame = pd.read_csv(points)
    bounds = np.linspace(0, len(frame), 5).astype(int)
    for i in range(4):
        frame.iloc[bounds[i] : bounds[i + 1]].to_csv(parts / f"part-{i}.csv", index=False)
    out = {}
    for workers in (1, 2):
        run = subprocess.run([sys.executable, "-c", DASK, str(parts), str(workers)], capture_output=True, text=True,
                             cwd=HERE.parent, check=True)  # fmt: skip
        figures = json.loads(run.stdout.strip().splitlines()[-1])
        out[workers] = figures
        print("dask", workers, figures["seconds"], flush=True)
    from tipmap.routes.hexbin import aggregate
    from tipmap.routes.importer import iter_points

    memory = aggregate(iter_points(points), resolution=5)
    cells = sorted((int(c), int(n)) for c, n in zip(memory.cells["cell"], memory.cells["count"]))
    out["same_cells"] = all([list(map(list, cells[:50])) == out[w]["cells"] and len(cells) == out[w]["ncells"] for w in (1, 2)])
    out["points"] = len(frame)
    return out


def write_results(results: dict, commands: dict, runs: int, sizes: list[int]) -> None:
    lines = [
        "# Benchmark results: tipmap hotspots, render, plot",
        "",
        f"Made by `python benchmarks/hotspots_bench.py --runs {runs}` on {time.strftime('%Y-%m-%d')}, "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. Medians of {runs} runs, each in a "
        f"fresh process, all in this one run; load average when written: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.",
        "",
        "The floor is the least work the hardware must do for the same answer: start Python, read the two",
        "coordinate columns with pyarrow, H3 cells with h3ronpy (1 or 2 threads), count with numpy, write the counts.",
        "",
    ]
    for n in sizes:
        t, f1, f2 = (results[(k, n)] for k in ("tipmap", "floor1", "floor2"))
        lines += [
            f"## {n:,} points in the Mekong region",
            "",
            "| tool | what is timed | wall time (s) | peak memory (MB) | output (MB) |",
            "|---|---|---|---|---|",
            f"| tipmap hotspots | CSV on disk to HTML on disk, fresh process | {t['seconds']:.2f} | {t['peak_mb']:.0f} | "
            f"{t['html_mb']:.2f} |",
            f"| floor, 1 thread | CSV on disk to counts, fresh process | {f1['seconds']:.2f} | {f1['peak_mb']:.0f} | - |",
            f"| floor, 2 threads | CSV on disk to counts, fresh process | {f2['seconds']:.2f} | {f2['peak_mb']:.0f} | - |",
        ]
        if ("lonboard", n) in results:
            lb, lg, ex = results[("lonboard", n)], results[("lonboard_gdf", n)], results[("explore", n)]
            lines += [
                f"| lonboard (A) `viz(gdf).to_html()` | points already a GeoDataFrame in memory | {lb['seconds']:.2f} | "
                f"{lb['peak_mb']:.0f} | {lb['html_mb']:.2f} |",
                f"| lonboard (B) GeoDataFrame from the DataFrame, then `viz().to_html()` | DataFrame in memory | "
                f"{lg['seconds']:.2f} | {lg['peak_mb']:.0f} | {lg['html_mb']:.2f} |",
                f"| geopandas `explore()` (100,000 points) | GeoDataFrame built from the DataFrame | {ex['seconds']:.2f} | "
                f"{ex['peak_mb']:.0f} | {ex['html_mb']:.2f} |",
            ]
        lines += [
            "",
            f"- tipmap / floor (2 threads): **{t['seconds'] / f2['seconds']:.2f}x** (target 1.3x); "
            f"tipmap / floor (1 thread): {t['seconds'] / f1['seconds']:.2f}x.",
        ]
        if ("lonboard", n) in results:
            lines += [
                f"- tipmap / lonboard (A, to_html only): {t['seconds'] / lb['seconds']:.2f}x; "
                f"tipmap / lonboard (B, with the GeoDataFrame build): **{t['seconds'] / lg['seconds']:.2f}x** (target 0.35x).",
            ]
        lines += [f"- HTML: {t['html_mb']:.2f} MB (target under 1 MB).", ""]
    if "dask" in results:
        d = results["dask"]
        lines += [
            f"## The dask engine (local cluster, {d['points']:,} points in 4 CSV partitions, resolution 5)",
            "",
            "| workers | wall time (s) | points/s | points/s per worker |",
            "|---|---|---|---|",
        ]
        for w in (1, 2):
            rate = d["points"] / d[w]["seconds"]
            lines.append(f"| {w} | {d[w]['seconds']:.2f} | {rate:,.0f} | {rate / w:,.0f} |")
        lines += ["", f"Same cells as the in-memory engine: {'yes' if d['same_cells'] else 'NO'}.", ""]
    if "huge" in results:
        h = results["huge"]
        lines += [
            f"## 100,000,000 points ({h['csv_gb']:.1f} GB CSV, one run)",
            "",
            f"tipmap hotspots: {h['seconds']:.1f} s, peak memory {h['peak_mb']:.0f} MB (target under 2 GB: "
            f"{'met' if h['peak_mb'] < 2048 else 'NOT met'}).",
            "",
        ]
    lines += [
        "## Start-up, the atlas, the slide",
        "",
        "The floor of each: the least it must do in a fresh process with the libraries the product card fixes.",
        "",
        "| command | wall time (s) | target (s) | floor | floor (s) | command / floor |",
        "|---|---|---|---|---|---|",
    ]
    for name, what, target, floor in (
        ("help", "`tipmap --help`", 0.1, "`import click`"),
        ("render", "`tipmap render` of the whole curated atlas", 0.5, "`import geopandas, folium`"),
        ("plot", "`tipmap plot` of the whole curated atlas (PNG slide)", 1.5,
         "`import geopandas` and matplotlib, save a blank 1920x1080 PNG"),
    ):  # fmt: skip
        took, least = commands[name], commands[f"{name}_floor"]
        lines.append(f"| {what} | {took:.2f} | {target} | {floor} | {least:.2f} | {took / least:.2f}x |")
    lines.append("")
    (HERE / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")
    print((HERE / "RESULTS.md").read_text())


if __name__ == "__main__":
    raise SystemExit(main())
