"""Benchmark: `tipmap extract` on a one-page report (target: under 1.5 s) and a 50-page one (under 10 s), by hand.

    pip install -e '.[test]'
    python benchmarks/extract_bench.py --runs 5

The one-page report is benchmarks/one_page_report.txt: a page (about 550 words) of TIP-style
narrative written for the benchmark, which yields drafts (so every step runs, the drafts map
included). The long report is the seed reports (../shared/seeds/) repeated to 50 pages of 500
words (25,000 words). Each run is a fresh `tipmap extract` process, timed from start to the drafts
directory on disk (drafts.html included); the figure is the median. Writes
benchmarks/RESULTS-extract.md. No other offline tool proposes cited route records from
report text, so the figure is set against the 10 s target, not another tool.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ONE_PAGE = HERE / "one_page_report.txt"
SEEDS = HERE.parents[1] / "shared" / "seeds"
WORDS_PER_PAGE = 500


def make_report(path: Path, pages: int) -> int:
    """The seed reports' lines, repeated, up to ``pages`` pages of words."""
    lines = [line for p in sorted(SEEDS.glob("*.txt")) for line in p.read_text(encoding="utf-8").splitlines()]
    if not lines:
        sys.exit(f"no seed reports in {SEEDS}")
    words, parts, i = 0, [], 0
    while words < pages * WORDS_PER_PAGE:
        parts.append(lines[i % len(lines)])
        words += len(lines[i % len(lines)].split())
        i += 1
    path.write_text("\n".join(parts), encoding="utf-8")
    return words


def timed(command: list[str], runs: int, env: dict) -> tuple[list[float], list[float], str]:
    """Wall-clock and CPU (user + system) seconds of ``runs`` fresh processes, and the last one's
    stderr. On a shared machine the CPU time is the steadier figure: it does not count waiting."""
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode:
            sys.exit(done.stderr)
    return times, cpu, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=50)
    args = parser.parse_args()
    beside = Path(sys.executable).parent / "tipmap"
    tipmap = str(beside) if beside.exists() else shutil.which("tipmap") or sys.exit("tipmap is not installed")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TIPMAP_CACHE_DIR": str(Path(tmp) / "cache")}  # a fresh gazetteer cache
        one, many = Path(tmp) / "one-page.txt", Path(tmp) / "report.txt"
        shutil.copy(ONE_PAGE, one)
        one_words = len(ONE_PAGE.read_text(encoding="utf-8").split())
        words = make_report(many, args.pages)
        out = str(Path(tmp) / "drafts")
        first, _, _ = timed([tipmap, "extract", str(one), "-o", out, "--force", "--no-map"], 1, env)  # builds the cache
        cases = [
            (f"one page ({one_words} words), `--no-map`", [tipmap, "extract", str(one), "-o", out, "--force", "--no-map"], 1.5),
            (f"one page ({one_words} words), with drafts.html", [tipmap, "extract", str(one), "-o", out, "--force"], None),
            (
                f"{args.pages} pages ({words:,} words), with drafts.html",
                [tipmap, "extract", str(many), "-o", out, "--force"],
                10.0,
            ),
        ]
        for label, command, target in cases:
            times, cpu, stderr = timed(command, args.runs, env)
            median = statistics.median(times)
            cpu_median = statistics.median(cpu)
            verdict = (
                f"; target under {target:g} s: {'met' if median < target else 'NOT met'} on wall clock, "
                f"{'met' if cpu_median < target else 'NOT met'} on CPU"
                if target
                else ""
            )
            summary = stderr.strip().splitlines()[-1].split(": ", 1)[1].split(";")[0]
            rows.append(
                f"- {label}: **{median:.2f} s** wall clock (runs: {', '.join(f'{t:.2f}' for t in times)}){verdict}; "
                f"CPU {cpu_median:.2f} s (runs: {', '.join(f'{t:.2f}' for t in cpu)}); {summary}."
            )
    lines = [
        "# Benchmark: tipmap extract",
        "",
        f"Made by `python benchmarks/extract_bench.py --runs {args.runs}` on {time.strftime('%Y-%m-%d')}, "
        f"{platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} cores shared with other work. "
        f"Median of {args.runs} runs, each a fresh `tipmap extract` process, timed from start to the drafts directory on disk.",
        "",
        f"- Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.",
        f"- First use (builds the gazetteer index into the cache): {first[0]:.2f} s, once per installation.",
        *rows,
        "",
        "The one-page report is benchmarks/one_page_report.txt (TIP-style narrative written for the benchmark); "
        "the long one is the seed reports' lines repeated to the page count (500 words a page).",
        "",
    ]
    (HERE / "RESULTS-extract.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
