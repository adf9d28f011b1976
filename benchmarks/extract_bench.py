"""Benchmark: `tipmap extract` on a 50-page report (target: under 10 s), run by hand.

    pip install -e '.[test]'
    python benchmarks/extract_bench.py --runs 5

The report is the seed reports (../shared/seeds/) repeated to 50 pages of 500 words
(25,000 words). Each run is a fresh `tipmap extract` process, timed from start to the drafts
directory on disk (drafts.html included); the figure is the median. Writes
benchmarks/RESULTS-extract.md. No other offline tool proposes cited route records from
report text, so the figure is set against the 10 s target, not another tool.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=50)
    args = parser.parse_args()
    beside = Path(sys.executable).parent / "tipmap"
    tipmap = str(beside) if beside.exists() else shutil.which("tipmap") or sys.exit("tipmap is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.txt"
        words = make_report(report, args.pages)
        times, out = [], Path(tmp) / "drafts"
        for _ in range(args.runs):
            start = time.perf_counter()
            done = subprocess.run([tipmap, "extract", str(report), "-o", str(out), "--force"], capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if done.returncode:
                sys.exit(done.stderr)
        summary = done.stderr.strip().splitlines()[-1]
        sentences = done.stderr.strip().splitlines()[0]
    median = statistics.median(times)
    lines = [
        "# Benchmark: tipmap extract",
        "",
        f"Made by `python benchmarks/extract_bench.py --runs {args.runs}` on {time.strftime('%Y-%m-%d')}, "
        f"{platform.machine()}, Python {platform.python_version()}. Median of {args.runs} runs, each a fresh process.",
        "",
        f"- Report: the seed reports repeated to {words:,} words ({words / WORDS_PER_PAGE:.0f} pages of "
        f"{WORDS_PER_PAGE} words), {sentences.split(': ', 1)[1].split(';')[0]}.",
        f"- `tipmap extract report.txt -o drafts/`: **{median:.2f} s** (runs: {', '.join(f'{t:.2f}' for t in times)}); "
        f"target under 10 s: {'met' if median < 10 else 'NOT met'} ({median / 10:.2f} of the budget).",
        f"- Output: {summary.split(': ', 1)[1].split(';')[0]}.",
        "",
    ]
    (HERE / "RESULTS-extract.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
