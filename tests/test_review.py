"""tipmap review (issue 17): accepted drafts move into an atlas directory and are drawn by render."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from tipmap.cli import main
from tipmap.routes.atlas import load_atlas

REPORT = """Casinos in the Golden Triangle

Lao men are victims of forced labor in Thailand's fishing industry.
Traffickers exploit Mongolian women in sex trafficking in Macau.
"""


@pytest.fixture
def drafts(tmp_path):
    report = tmp_path / "tip.txt"
    report.write_text(REPORT, encoding="utf-8")
    out = tmp_path / "drafts"
    result = CliRunner().invoke(main, ["extract", str(report), "-o", str(out), "--no-map"])
    assert result.exit_code == 0, result.output
    assert not (out / "drafts.html").exists()
    return out


def _ids(path, name):
    return [r["id"] for r in csv.DictReader(io.StringIO((path / name).read_text(encoding="utf-8")))]


def test_an_accepted_draft_moves_into_the_atlas_and_render_draws_it(drafts, tmp_path):
    corridors = _ids(drafts, "corridors.csv")
    assert "d-la-th" in corridors and "d-mn-mo-macau" in corridors
    atlas_dir = tmp_path / "atlas"
    result = CliRunner().invoke(main, ["review", str(drafts), "--accept", "d-la-th", "--reject", "d-mn-mo-macau",
                                       "--atlas", str(atlas_dir)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "accepted d-la-th" in result.stderr and "1 accepted, 1 rejected" in result.stderr
    atlas = load_atlas(atlas_dir)
    (row,) = [r for _, r in atlas.corridors.iterrows()]
    assert row["id"] == "la-th" and row["status"] == "curated" and row["waypoints"] == ("la", "th")
    quote = atlas.sources.loc[row["sources"][0]]
    assert (
        quote["quote"] == "Lao men are victims of forced labor in Thailand's fishing industry." and quote["document"] == "tip.txt"
    )
    left = _ids(drafts, "corridors.csv")
    assert "d-la-th" not in left and "d-mn-mo-macau" not in left  # decided drafts leave the drafts directory
    page = tmp_path / "atlas.html"
    result = CliRunner().invoke(main, ["render", "--atlas", str(atlas_dir), "-o", str(page)])
    assert result.exit_code == 0, result.output
    assert "Laos → Thailand" in page.read_text(encoding="utf-8")


def test_a_second_review_appends_with_new_ids(drafts, tmp_path):
    atlas_dir = tmp_path / "atlas"
    assert CliRunner().invoke(main, ["review", str(drafts), "--accept", "d-la-th", "--atlas", str(atlas_dir)]).exit_code == 0
    hotspot = _ids(drafts, "hotspots.csv")[0]
    result = CliRunner().invoke(main, ["review", str(drafts), "--accept", hotspot, "--atlas", str(atlas_dir)])
    assert result.exit_code == 0, result.output
    atlas = load_atlas(atlas_dir)
    assert len(atlas.corridors) == 1 and list(atlas.hotspots["id"]) == [hotspot[2:]]


def test_an_unknown_draft_id_is_a_usage_error_and_nothing_is_written(drafts, tmp_path):
    before = {p.name: p.read_bytes() for p in drafts.iterdir()}
    result = CliRunner().invoke(main, ["review", str(drafts), "--accept", "d-nowhere", "--atlas", str(tmp_path / "atlas")])
    assert result.exit_code == 2
    assert "d-nowhere: no such draft" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "atlas").exists()
    assert {p.name: p.read_bytes() for p in drafts.iterdir()} == before


def test_the_provenance_check_runs_on_accepted_drafts(drafts, tmp_path):
    sources = drafts / "sources.csv"
    text = sources.read_text(encoding="utf-8")
    assert "Lao men are victims" in text
    sources.write_text(text.replace("Lao men are victims of forced labor in Thailand's fishing industry.", "Men are exploited."), encoding="utf-8")
    assert "Men are exploited." in sources.read_text(encoding="utf-8")
    atlas_dir = tmp_path / "atlas"
    result = CliRunner().invoke(main, ["review", str(drafts), "--accept", "d-la-th", "--atlas", str(atlas_dir)])
    assert result.exit_code == 1
    assert "corridors.csv, row 2" in result.stderr and "unsupported claim" in result.stderr
    assert len(load_atlas(atlas_dir).corridors) == 1  # written: the reviewer fixes the claim in the atlas
