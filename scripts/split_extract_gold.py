"""Split the hand-labelled report sentences into a development half and a held-out half (run once).

    python scripts/split_extract_gold.py

Reads ``tests/data/extract_reports_gold.toml`` and writes ``tests/data/extract_dev.toml`` and
``tests/data/extract_heldout.toml``: a random split with a fixed seed, so the halves never
change. Rules are tuned on the development half only; the held-out half measures them.
"""

from __future__ import annotations

import json
import random
import tomllib
from pathlib import Path

SEED = 17
DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
HEADER = """# {half} half of tests/data/extract_reports_gold.toml (scripts/split_extract_gold.py, seed {seed}).
# {note}
# Labels: see the header of extract_reports_gold.toml.

"""


def to_toml(items: list[dict]) -> str:
    """The sentences as TOML ``[[sentence]]`` tables (strings JSON-quoted, which TOML accepts)."""
    out = []
    for item in items:
        out.append("[[sentence]]")
        for key in ("group", "text"):
            out.append(f"{key} = {json.dumps(item[key], ensure_ascii=False)}")
        for key in ("corridors", "hotspots", "exploitation"):
            out.append(f"{key} = {json.dumps(item[key], ensure_ascii=False)}")
        out.append("")
    return "\n".join(out)


def main() -> None:
    """Write the two halves."""
    items = tomllib.loads((DATA / "extract_reports_gold.toml").read_text(encoding="utf-8"))["sentence"]
    order = list(range(len(items)))
    random.Random(SEED).shuffle(order)
    half = len(items) // 2
    dev = [items[i] for i in sorted(order[:half])]
    held = [items[i] for i in sorted(order[half:])]
    notes = {"Development": "Rules may be tuned on these.", "Held-out": "Never tune on these; the test enforces the bar here."}
    for name, part, path in (("Development", dev, "extract_dev.toml"), ("Held-out", held, "extract_heldout.toml")):
        text = HEADER.format(half=name, seed=SEED, note=notes[name]) + to_toml(part)
        (DATA / path).write_text(text, encoding="utf-8")
        print(f"{path}: {len(part)} sentences")


if __name__ == "__main__":
    main()
