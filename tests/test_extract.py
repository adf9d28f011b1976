"""tipmap extract (issue 7): quality against a hand-labelled set, drafts in the atlas format,
the draft map, and bad input."""

from __future__ import annotations

import csv
import io
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from tipmap.cli import main
from tipmap.routes.atlas import load_atlas
from tipmap.routes.extract import corridors, exploitation_terms, years
from tipmap.routes.placenames import PlaceFinder
from tipmap.routes.reports import Sentence, read_report, split_sentences

GOLD = Path(__file__).parent / "data" / "extract_gold.toml"
#: Floors the labelled set must keep (what the rules reach today is in the closing note of issue 7).
PLACE_PRECISION, PLACE_RECALL = 0.95, 0.9
CORRIDOR_PRECISION, CORRIDOR_RECALL = 0.85, 0.45


@pytest.fixture(scope="module")
def finder():
    return PlaceFinder(load_atlas())


def place_key(place) -> str:
    if place.kind in ("area", "border"):  # areas of several countries ("the Middle East") are places since issue 17
        return place.name
    if place.kind == "country":
        return place.country
    name = re.sub(r"\s*\(.*\)$", "", place.name)
    return f"{re.sub(r' region$', '', name)}/{place.country}"


def score(found: list[set[str]], gold: list[set[str]]) -> tuple[float, float, int, int, int]:
    right = sum(len(f & g) for f, g in zip(found, gold))
    proposed, expected = sum(map(len, found)), sum(map(len, gold))
    return right / max(proposed, 1), right / max(expected, 1), right, proposed, expected


def run_gold(finder):
    labelled = tomllib.loads(GOLD.read_text(encoding="utf-8"))["sentence"]
    places, corridor_sets = [], []
    for item in labelled:
        mentions = tuple(finder.find(item["text"]))
        places.append({place_key(m.place) for m in mentions if m.place.kind != "area"})  # the seed labels leave areas out
        drafts = corridors(Sentence(item["text"], 1), mentions, exploitation_terms(item["text"]), years(item["text"]))
        corridor_sets.append({f"{place_key(d.places[0])}>{place_key(d.places[-1])}" for d in drafts})
    return labelled, places, corridor_sets


def test_places_and_corridors_reach_their_floors_on_the_labelled_set(finder):
    labelled, places, corridor_sets = run_gold(finder)
    assert len(labelled) >= 50
    p_prec, p_rec, *p_counts = score(places, [set(i["places"]) for i in labelled])
    c_prec, c_rec, *c_counts = score(corridor_sets, [set(i["corridors"]) for i in labelled])
    print(f"\nplaces: precision {p_prec:.2f}, recall {p_rec:.2f} (right, proposed, expected: {p_counts})")
    print(f"corridors: precision {c_prec:.2f}, recall {c_rec:.2f} (right, proposed, expected: {c_counts})")
    assert p_prec >= PLACE_PRECISION and p_rec >= PLACE_RECALL
    assert c_prec >= CORRIDOR_PRECISION and c_rec >= CORRIDOR_RECALL


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Reading the report took a week.", set()),  # an English word at the start of a sentence
        ("Victims were found in Reading last year.", {"Reading/GB"}),  # the same word with a place context
        ("Mobile phones are used to recruit.", set()),
        ("The Justice Centre Hong Kong produced a study.", {"Hong Kong/HK"}),  # "Justice" is no town here
        ("Stephen Cockburn spoke for the charity.", set()),  # a person, not the Australian town
        ("She was taken from Lào Cai to Hekou.", {"Lao Cai/VN", "Hekou/CN"}),  # accents folded
        ("妇女被卖到瑞丽。", {"Ruili/CN"}),  # local script
        ("Vietnamese and Burmese brides were sold.", {"VN", "MM"}),  # demonyms
        ("Monitoring has improved in Asia and the Middle East.", {"Middle East"}),  # an area, not a town; "Asia" is too vague
    ],
)
def test_place_names_and_the_common_word_rule(finder, sentence, expected):
    assert {place_key(m.place) for m in finder.find(sentence)} == expected


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("Between 2017 and 2019, 80,000 were moved.", (2017, 2019)),
        ("The traffick to China started in 1875.", (1875, None)),
        ("In 2020, 823 victims sought help.", (2020, 2020)),
        ("Since 2013 the ILO has monitored the harvest.", (2013, None)),
        ("From 2010 to 2015 the cases rose.", (2010, 2015)),
        ("No year here, only 370,000 workers.", (None, None)),
    ],
)
def test_years_and_periods(text, period):
    assert years(text) == period


@pytest.mark.parametrize(
    ("text", "route", "exploitation"),
    [
        ("Vietnamese women are sold across the China–Vietnam border.", "VN>CN", ("other",)),
        ("Burmese brides were sold at the border in Ruili.", "MM>Ruili/CN", ("forced_marriage",)),
        ("Women from Lao Cai were taken across the border into Yunnan.", "Lao Cai/VN>Yunnan/CN", ("other",)),
        (
            "North Korean women cross the Tumen river into Yanbian where they are sold as brides.",
            "KP>Yanbian/CN",
            ("forced_marriage",),
        ),
        ("The Russian government's petroleum export to the DPRK is aid.", None, None),  # goods, not people
    ],
)
def test_border_crossings_and_sales_become_corridors(finder, text, route, exploitation):
    mentions = tuple(finder.find(text))
    drafts = corridors(Sentence(text, 1), mentions, exploitation_terms(text), years(text))
    if route is None:
        assert drafts == []
        return
    (draft,) = drafts
    assert f"{place_key(draft.places[0])}>{place_key(draft.places[-1])}" == route
    assert draft.exploitation == exploitation
    if "border" in text:
        assert "border" in draft.reasons[0]


def test_exploitation_terms_map_to_the_atlas_vocabulary():
    found = dict(exploitation_terms("Girls sold as brides, boys in debt bondage, women in brothels and scam compounds."))
    assert set(found) == {"forced_marriage", "forced_labour", "sexual_exploitation", "forced_criminality"}


def test_sentences_keep_their_line_and_do_not_split_at_abbreviations():
    got = split_sentences("First line. The U.S. report came out.\nSecond line, Mr. Pak said. Done!")
    assert [(s.text, s.line) for s in got] == [
        ("First line.", 1),
        ("The U.S. report came out.", 1),
        ("Second line, Mr. Pak said.", 2),
        ("Done!", 2),
    ]


REPORT = """# Brides across the border

Vietnamese women and girls were trafficked from Lao Cai to Hekou between 2017 and 2019 for forced marriage.
Mainland Chinese victims are sex trafficked into Macau, where they work in casinos.
Reading this is hard. The weather was mild.
China and Russia are the primary importers of North Korean forced labour.
"""


@pytest.fixture
def drafts(tmp_path):
    report = tmp_path / "brides.md"
    report.write_text(REPORT, encoding="utf-8")
    out = tmp_path / "drafts"
    result = CliRunner().invoke(main, ["extract", str(report), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out, result


def test_extract_writes_drafts_in_the_atlas_format(drafts):
    out, result = drafts
    assert sorted(p.name for p in out.iterdir()) == [
        ".tipmap-files", "corridors.csv", "drafts.html", "hotspots.csv", "places.csv", "review.md", "sources.csv",
    ]  # fmt: skip
    assert (out / ".tipmap-files").read_text(encoding="utf-8").split() == sorted(
        ["corridors.csv", "drafts.html", "hotspots.csv", "places.csv", "review.md", "sources.csv"]
    )  # the list --force checks before replacing the directory
    atlas = load_atlas(out)  # the drafts directory loads like any atlas
    corridors_by_name = {r["name"]: r for _, r in atlas.corridors.iterrows()}
    assert set(corridors_by_name) == {"Lao Cai → Hekou", "China → Macau"}
    lao_cai = corridors_by_name["Lao Cai → Hekou"]
    assert lao_cai["waypoints"] == ("vn-lao-cai", "cn-hekou")  # the atlas's own place ids
    assert lao_cai["exploitation"] == ("forced_marriage",)
    assert (lao_cai["period_start"], lao_cai["period_end"]) == (2017, 2019)
    assert lao_cai["status"] == "draft" and 0 < lao_cai["score"] <= 1 and "from" in lao_cai["reason"]
    quote = atlas.sources.loc[lao_cai["sources"][0]]
    assert quote["document"] == "brides.md" and quote["title"] == "Brides across the border"
    assert quote["quote"].startswith("Vietnamese women and girls were trafficked from Lao Cai")
    (casino,) = [r for _, r in atlas.hotspots.iterrows()]
    assert (casino["kind"], casino["place"], casino["status"]) == ("casino", "mo-macau", "draft")
    assert "2 draft corridors, 1 draft hotspots" in result.stderr


def test_validate_accepts_drafts_and_says_how_many(drafts):
    out, _ = drafts
    result = CliRunner().invoke(main, ["validate", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 drafts to review" in result.output


def test_a_draft_needs_its_score_and_reason(drafts):
    out, _ = drafts
    path = out / "corridors.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[0]["score"] = ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(out)])
    assert result.exit_code == 1
    assert "corridors.csv, row 2, field 'score': a draft needs its score" in result.stderr


def test_review_sheet_lists_every_draft_with_its_quote(drafts):
    out, _ = drafts
    sheet = (out / "review.md").read_text(encoding="utf-8")
    atlas = load_atlas(out)
    for frame in (atlas.corridors, atlas.hotspots):
        for _, row in frame.iterrows():
            assert f"`{row['id']}`" in sheet
            for sid in row["sources"]:
                assert atlas.sources.loc[sid, "quote"].replace("*", "\\*") in sheet
    assert "line 3" in sheet  # where in the report the quote is
    # a sentence no rule understood, but which names places and trafficking, is listed for a human
    assert "line 6: China and Russia are the primary importers" in sheet.split("## Sentences to check by hand")[1]


def test_render_draws_drafts_beside_the_atlas_in_their_own_style(drafts, tmp_path):
    out, _ = drafts
    page = tmp_path / "with-drafts.html"
    result = CliRunner().invoke(main, ["render", "-o", str(page), "--data", str(out)])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "DRAFT: Lao Cai → Hekou" in html and "DRAFT, not reviewed" in html
    assert "tipmap-draft" in html and "#7B3294" in html
    assert "Drafts: drafts" in html
    assert "Mong Cai" in html  # the curated atlas is drawn too


def test_extract_reads_html_and_strips_scripts(tmp_path):
    page = tmp_path / "r.html"
    page.write_text(
        "<html><head><title>T</title><script>var x = 'from Hanoi to Nanning';</script></head>"
        "<body><h1>Report</h1><p>Women were trafficked from Lang Son to Pingxiang &amp; beyond.</p></body></html>"
    )
    report = read_report(page)
    assert report.title == "Report"
    assert [s.text for s in report.sentences] == ["Report", "Women were trafficked from Lang Son to Pingxiang & beyond."]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"\x00\x01\x02PK\x03\x04 binary", "a binary file"),
        ("Trafficked from Lào Cai".encode("cp1258"), "not UTF-8"),
    ],
    ids=["empty", "binary", "not-utf8"],
)
def test_bad_reports_are_refused_with_one_line_and_nothing_written(tmp_path, content, message):
    report = tmp_path / "r.txt"
    report.write_bytes(content)
    out = tmp_path / "drafts"
    result = CliRunner().invoke(main, ["extract", str(report), "-o", str(out)])
    assert result.exit_code != 0
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["r.txt"]


def test_a_named_encoding_is_read(tmp_path):
    report = tmp_path / "r.txt"
    report.write_bytes("Women were trafficked from Lào Cai to Hekou.".encode("cp1258"))
    result = CliRunner().invoke(main, ["extract", str(report), "-o", str(tmp_path / "d"), "--encoding", "cp1258"])
    assert result.exit_code == 0, result.output
    assert "Lao Cai → Hekou" in (tmp_path / "d" / "corridors.csv").read_text(encoding="utf-8")


def test_a_full_output_directory_is_kept_without_force(drafts, tmp_path):
    out, _ = drafts
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    report = tmp_path / "other.txt"
    report.write_text("Women were trafficked from Haiphong to Dongxing.", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(report), "-o", str(out)])
    assert result.exit_code != 0 and "not empty; give --force" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    result = CliRunner().invoke(main, ["extract", str(report), "-o", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert "Haiphong → Dongxing" in (out / "corridors.csv").read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary directory left


def test_a_directory_is_not_a_report(tmp_path):
    result = CliRunner().invoke(main, ["extract", str(tmp_path), "-o", str(tmp_path / "d")])
    assert result.exit_code != 0 and "a directory" in result.stderr


def test_every_seed_report_gives_valid_drafts(tmp_path):
    seeds = sorted((Path(__file__).parents[2] / "shared" / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("the seed reports are not beside this checkout")
    out = tmp_path / "seeds"
    result = CliRunner().invoke(main, ["extract", *map(str, seeds), "-o", str(out)])
    assert result.exit_code == 0, result.output
    atlas = load_atlas(out)
    assert len(atlas.corridors) >= 10 and len(atlas.hotspots) >= 5
    texts = "".join(p.read_text(encoding="utf-8") for p in seeds)
    assert all(" ".join(q.split())[:60] in " ".join(texts.split()) for q in atlas.sources["quote"])  # quotes are real


def test_the_drafts_map_opens_in_a_browser_and_shows_the_drafts(drafts, tmp_path):
    browser_mod = pytest.importorskip("test_browser")
    out, _ = drafts
    page_path = tmp_path / "offline-drafts.html"
    result = CliRunner().invoke(main, ["render", "--offline", "-o", str(page_path), "--data", str(out)])
    assert result.exit_code == 0, result.output
    with browser_mod.playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_mod.CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for path, offline in ((out / "drafts.html", False), (page_path, True)):
            page, problems, requested = browser_mod.open_page(browser, path, offline=offline)
            assert problems == []
            assert page.locator("path.tipmap-draft").count() == 2  # the two draft corridors, dashed
            assert page.locator(".tipmap-draft-hotspot").count() == 1
            page.locator("path.tipmap-draft").first.dispatch_event("click")
            assert "DRAFT, not reviewed" in page.locator(".leaflet-popup-content").inner_text()
            assert requested == [] if offline else all(browser_mod._tile(u) for u in requested)
        browser.close()


# Issue 17: real report language, measured on hand-written sentences (tests/data/extract_*.toml).
# The first held-out half is spent (its misses were read), so both old halves are development
# and only reported; the bar is enforced on the new held-out set, written blind by someone who
# never saw the rules (tests/data/extract_heldout2.toml, merged by the lead).
REPORT_PRECISION, REPORT_RECALL = 0.9, 0.7


def test_development_sentences_are_scored_and_reported(finder):
    from extract_scoring import HALVES, describe, run

    figures = {name: run(HALVES[name], finder) for name in ("dev1", "heldout1", "dev", "dev2", "dev3")}
    print("\n" + "\n".join(describe(name, f) for name, f in figures.items()))
    dev = figures["dev"]
    for layer in ("corridors", "hotspots"):  # the two halves together are the sum of each half
        assert dev[layer][2:] == tuple(a + b for a, b in zip(figures["dev1"][layer][2:], figures["heldout1"][layer][2:]))
        assert dev[layer][4] > 100  # expected items: both halves were read


@pytest.fixture(scope="module")
def heldout2(finder):
    from extract_scoring import HALVES, describe, run

    (path,) = HALVES["heldout2"]
    if not path.exists():
        pytest.skip(f"{path.name} is not in this checkout: the blind held-out set is merged by the lead")
    figures = run(path, finder)
    print("\n" + describe("held-out 2", figures))
    return figures


@pytest.mark.parametrize("layer", ["corridors", "hotspots"])
def test_report_sentences_reach_the_bar_on_the_blind_held_out_set(heldout2, layer):
    precision, recall, *_ = heldout2[layer]
    assert precision >= REPORT_PRECISION, (layer, heldout2[layer])
    assert recall >= REPORT_RECALL, (layer, heldout2[layer])


def _drafts(finder, text):
    from tipmap.routes.extract import read_sentences
    from tipmap.routes.reports import Report

    report = Report("r.txt", "r", (Sentence(text, 1, "r.txt"),), text)
    (reading,) = read_sentences(report, finder)
    return reading.drafts


def _routes(finder, text):
    return {f"{place_key(d.places[0])}>{place_key(d.places[-1])}" for d in _drafts(finder, text) if d.layer == "corridors"}


def _sites(finder, text):
    return {(place_key(d.places[0]), d.kind) for d in _drafts(finder, text) if d.layer == "hotspots"}


@pytest.mark.parametrize(
    ("text", "routes", "exploitation"),
    [
        # 1. "labor", the spelling of every US report
        ("Bolivian workers are held in bonded labor in Argentina.", {"BO>AR"}, "forced_labour"),
        # 2. exploitation told in place, no movement verb, a list of destinations
        (
            "Traffickers exploit Mongolian men in forced labor in China, India, Russia, and Turkey.",
            {"MN>CN", "MN>IN", "MN>RU", "MN>TR"},
            "forced_labour",
        ),
        ("Lao men are victims of forced labor in Thailand's fishing industry.", {"LA>TH"}, "forced_labour"),
        ("Moldovan victims are subjected to sex trafficking in Russia.", {"MD>RU"}, "sexual_exploitation"),
        # 3. plural demonyms
        ("North Koreans trafficked into the PRC are forced into marriage.", {"KP>CN"}, "forced_marriage"),
        ("Male Cambodians are subjected to forced labor in Malaysia.", {"KH>MY"}, "forced_labour"),
        # 4. a country before a town of its name: Congo is not Congo, Brazil
        ("Women from Congo were trafficked to Angola.", {"CG>AO"}, "other"),
        # 5. areas, not towns: "Central and South America" is not Central, Louisiana
        (
            "Dominican women are exploited in sex trafficking in Central and South America.",
            {"DO>Central America", "DO>South America"},
            "sexual_exploitation",
        ),
        # 6. "including" and "as well as" lists
        (
            "Traffickers take Vietnamese men to Europe, including the United Kingdom, as well as Japan.",
            {"VN>Europe", "VN>GB", "VN>JP"},
            "other",
        ),
        # 7. a trap: tourists and a government are not victims
        ("Child sex tourists from the United States travel to Cambodia to exploit children.", set(), None),
    ],
)
def test_report_language_gives_the_corridors_an_analyst_would_draw(finder, text, routes, exploitation):
    drafts = [d for d in _drafts(finder, text) if d.layer == "corridors"]
    assert _routes(finder, text) == routes
    if exploitation:
        assert all(exploitation in d.exploitation for d in drafts)


@pytest.mark.parametrize(
    ("text", "site"),
    [
        # 8. the Golden Triangle is an area of three countries, not Golden Triangle, Washington DC
        ("Casinos in the Golden Triangle are linked to sex trafficking.", ("Golden Triangle", "casino")),
        # 9. GeoNames alternate names and first-level divisions
        ("Thai victims were trafficked to scam compounds in Tachileik.", ("Tachilek/MM", "scam_compound")),
        ("Casinos in Poipet employ trafficked workers.", ("Paoy Paet/KH", "casino")),
        ("Traffickers exploit men in forced labor in rubber plantations in Kayin State.", ("Kayin State/MM", "labour_site")),
        ("Scam compounds in Bokeo Province hold trafficked workers.", ("Bokeo/LA", "scam_compound")),
        ("Children are forced to work on cocoa farms in Côte d'Ivoire.", ("CI", "labour_site")),
        # 10. scam compounds and call centres, a border named by demonyms
        ("Scam operations along the Thai-Burmese border hold thousands of trafficked workers.", ("MM-TH border", "scam_compound")),
        ("Call centres in Manila employed trafficked workers from Vietnam.", ("Manila/PH", "scam_compound")),
    ],
)
def test_sites_areas_divisions_and_borders_are_found(finder, text, site):
    assert site in _sites(finder, text)


def test_transnistria_and_north_hamgyong_are_known_divisions(finder):
    assert _routes(finder, "Women from Transnistria are exploited in sex trafficking in Turkey.") == {"Transnistria/MD>TR"}
    assert _routes(finder, "North Korean women from North Hamgyong province are trafficked into Jilin.") == {
        "North Hamgyong/KP>Jilin/CN"
    }


def test_domestic_trafficking_is_a_hotspot_marked_country_level_not_a_zero_length_line(finder, tmp_path):
    text = "Canadian women and girls are exploited in sex trafficking within Canada."
    assert _routes(finder, text) == set()
    assert _sites(finder, text) == {("CA", "entertainment_district")}
    report = tmp_path / "r.txt"
    report.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(report), "-o", str(tmp_path / "d"), "--no-map"])
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader(io.StringIO((tmp_path / "d" / "hotspots.csv").read_text(encoding="utf-8")))
    assert row["precision"] == "country" and "not located" in row["location_note"]
    assert (tmp_path / "d" / "corridors.csv").read_text(encoding="utf-8").count("\n") == 1  # the header only


def test_reported_in_a_year_is_not_a_period():
    assert years("The government reported in 2020 that it had identified 230 victims.") == (None, None)
    assert years("Traffickers moved 30 women to Malaysia in 2020.") == (2020, 2020)


@pytest.mark.parametrize(
    ("text", "routes"),
    [
        ("Traffickers traffic Burmese women into Thailand.", {"MM>TH"}),
        ("Ethiopian men transiting Yemen en route to Saudi Arabia are held for ransom.", {"ET>SA"}),
        ("Police identified Nepali women in Kenya.", {"NP>KE"}),
        ("Victims from three countries – Laos, Vietnam and Cambodia – were trafficked to Malaysia.", {"LA>MY", "VN>MY", "KH>MY"}),
    ],
)
def test_the_other_verbs_and_dashed_lists(finder, text, routes):
    assert _routes(finder, text) == routes


def test_exploitation_within_two_countries_is_two_domestic_hotspots(finder):
    text = "Women are exploited within Mexico and the United States in sex trafficking."
    assert _routes(finder, text) == set()
    assert {site for site, _ in _sites(finder, text)} == {"MX", "US"}


def test_the_drafts_map_can_be_drawn_without_web_tiles(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("Women were trafficked from Lao Cai to Hekou.", encoding="utf-8")
    for flag, tiles in (("--offline", False), (None, True)):
        out = tmp_path / f"d{flag}"
        result = CliRunner().invoke(main, ["extract", str(report), "-o", str(out), *([flag] if flag else [])])
        assert result.exit_code == 0, result.output
        assert ("arcgisonline" in (out / "drafts.html").read_text(encoding="utf-8")) is tiles


def test_the_finder_reads_the_curated_atlas_without_geopandas(tmp_path):
    """The place finder's tables read with the csv module are those of the atlas loaded as
    GeoDataFrames; `extract --no-map` never imports geopandas (0.6 s of a 1.5 s budget)."""
    import subprocess
    import sys

    from tipmap.routes.placetables import PlaceTables, curated_place_tables

    light, full = curated_place_tables(), PlaceTables.of_atlas(load_atlas())
    assert len(light.places) > 80 and light == full
    code = (
        "import sys; from tipmap.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as end:\n    assert not end.code, end.code\n"
        "print('geopandas' in sys.modules, 'pandas' in sys.modules)"
    )
    report = Path(__file__).parents[1] / "benchmarks" / "one_page_report.txt"
    imported = []
    for flag in ("--no-map", "--map"):
        args = [sys.executable, "-c", code, "extract", str(report), "-o", str(tmp_path / flag), flag]
        done = subprocess.run(args, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        imported.append(done.stdout.split())
    assert imported == [["False", "False"], ["True", "True"]]  # the map needs them; the drafts do not


def test_extract_matches_the_places_of_the_users_atlas_whatever_their_sensitivity(tiny_dir, tmp_path):
    """Not gated, as before the light loader: the report names the place itself, and the drafts
    are the analyst's (marked draft; gated like any user file when drawn with --data).
    'Venue Street' is restricted and 'Shelter House' confidential in the tiny atlas."""
    report = tmp_path / "r.txt"
    report.write_text(
        "Women from Source Town were trafficked to Venue Street.\nBoys from Northern Village were trafficked to Shelter House.\n",
        encoding="utf-8",
    )
    out = tmp_path / "d"
    result = CliRunner().invoke(main, ["extract", str(report), "-o", str(out), "--atlas", str(tiny_dir), "--no-map"])
    assert result.exit_code == 0, result.output
    waypoints = {r["waypoints"] for r in csv.DictReader(io.StringIO((out / "corridors.csv").read_text(encoding="utf-8")))}
    assert waypoints == {"a-src a-venue", "b-src b-shelter"}
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("places.csv", "sources.csv", "hotspots.csv"):
        (broken / name).write_text((tiny_dir / name).read_text(encoding="utf-8"), encoding="utf-8")
    (broken / "hotspots.csv").write_text(
        (tiny_dir / "hotspots.csv").read_text(encoding="utf-8").replace("a-venue", "a-nowhere"), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["extract", str(report), "-o", str(tmp_path / "e"), "--atlas", str(broken), "--no-map"])
    assert result.exit_code == 1  # a user's atlas is checked as every command checks it
    assert "hotspots.csv, row 3, field 'place'" in result.stderr


@pytest.mark.parametrize(
    ("text", "routes", "sites"),
    [
        # a division after a town says where the town is: one place, not two
        (
            "Online scam operations in Shwe Kokko, Kayin State, hold victims from the PRC and Vietnam.",
            {"CN>Shwe Kokko/MM", "VN>Shwe Kokko/MM"},
            {("Shwe Kokko/MM", "scam_compound")},
        ),
        # an ocean is not a town in the United States
        ("Chinese men are forced to work on fishing vessels that operate in the Pacific.", set(), set()),
        ("Filipino fishers are exploited at sea in the South Atlantic and the Indian Ocean.", set(), set()),
        # a journey in legs: the stops before "then" are transits
        ("Nigerian victims are transported overland to Libya and then by sea to Italy.", {"NG>IT"}, set()),
        ("Survivors were recruited in Nepal, flown to Dubai and then taken by road to Oman.", {"NP>OM"}, set()),
        # recruited in a country for jobs in another
        ("Women recruited in Kenya for cleaning jobs in Saudi Arabia described unpaid labour.", {"KE>SA"}, set()),
        ("Ugandan men were promised jobs in Dubai but taken to scam compounds in Myanmar.", {"UG>MM"}, {("MM", "scam_compound")}),
        # "X is a destination for": the corridors end there, and so does the site
        ("The United States is a destination for victims from Mexico and Honduras.", {"MX>US", "HN>US"}, set()),
        (
            "Jordan is a destination for women from Sri Lanka exploited in forced labor in garment factories.",
            {"LK>JO"},
            {("JO", "factory")},
        ),
        # a site term and a country in one sentence, not tied to each other: no hotspot
        ("The President of Indonesia signed a regulation on fishing crews.", set(), set()),
        ("The Minister of Labor of Thailand announced new inspections of fishing boats.", set(), set()),
        # rescued from where they were held; the town, not its country
        (
            "Victims of scam operations in the Philippines were rescued from a compound in Pampanga.",
            set(),
            {("Pampanga/PH", "scam_compound")},
        ),
        # a where-clause places the site at the list before it
        (
            "Traffickers send Lao women to Malaysia and Singapore, where they are exploited in massage parlors.",
            {"LA>MY", "LA>SG"},
            {("MY", "entertainment_district"), ("SG", "entertainment_district")},
        ),
        # a list of demonyms, and a flag is not a place
        (
            "Burmese, Cambodian, and Lao men are exploited on Chinese-flagged fishing vessels in Thailand.",
            {"MM>TH", "KH>TH", "LA>TH"},
            {("TH", "labour_site")},
        ),
    ],
)
def test_known_misses_of_the_first_session(finder, text, routes, sites):
    assert _routes(finder, text) == routes
    assert _sites(finder, text) == sites


def test_the_cached_towns_read_back_as_they_were_built():
    from tipmap.routes.gazetteer import Rows, gazetteer

    built = ((1581130, "Hà Nội", "VN", 105.84117, 21.0245, 8053663), (1, "Ban Sai O'Lo", "TH", -0.5, 12.25, 0))
    rows = Rows(*Rows.pack(built))
    assert len(rows) == 2 and list(rows) == list(built) and rows[1] == built[1]
    data = gazetteer()  # the index read from the cache: capitals worked out when it was built
    hanoi = data.cities[data.capitals["VN"][0]]
    assert hanoi[1:3] == ("Hanoi", "VN") and data.capitals["VN"][1] == "its capital"


@pytest.mark.parametrize(
    "text",
    [
        "The new law bars recruitment agencies in Malaysia from charging fees to migrant workers.",  # a verb
        "Victims were held in a police compound in Bangkok before being deported.",
        "Authorities in Indonesia opened a new office for fishing crew welfare in Bitung.",  # no victims' story
        "The Ministry of Labor in Thailand inspected 500 fishing vessels and found no forced labor.",
        "A court in Jakarta convicted the owner of a fishing company for trafficking.",
        "Officials from Laos, Myanmar and Thailand agreed to close casinos along the Mekong.",
    ],
)
def test_site_words_not_tied_to_a_place_give_no_hotspot(finder, text):
    assert _sites(finder, text) == set()


def test_a_countrys_name_as_an_adjective_is_not_a_place(finder):
    text = "Traffickers exploit Filipino women in bars near U.S. military bases in South Korea."
    assert _routes(finder, text) == {"PH>KR"}
    assert _sites(finder, text) == {("KR", "entertainment_district")}


def test_a_site_with_nobody_harmed_there_is_no_hotspot(finder):
    assert _sites(finder, "Korean-owned factories in Vietnam were audited for labor violations.") == set()
    assert _sites(finder, "Korean-owned factories in Vietnam held workers in debt bondage.") == {("VN", "factory")}


def test_people_who_travel_to_exploit_others_are_not_victims(finder):
    assert _routes(finder, "Japanese men travel to the Philippines to exploit children in commercial sex.") == set()
    assert _routes(finder, "Brokers smuggle North Korean women across the Yalu River into Dandong.") == {"KP>Dandong/CN"}


def test_nationals_of_a_country_and_a_place_that_owns_the_site(finder):
    text = "Workers held in scam compounds in Cambodia included nationals of Kenya, Uganda and Ethiopia."
    assert _routes(finder, text) == {"KE>KH", "UG>KH", "ET>KH"}
    text = "Macau's casinos draw women from Mongolia and Vietnam who are exploited in sex trafficking."
    assert _routes(finder, text) == {"MN>Macau/MO", "VN>Macau/MO"}  # the atlas place of Macau


@pytest.mark.parametrize(
    ("text", "routes"),
    [
        ("Bulgarian Roma children are forced to beg and pickpocket in Austria and France.", {"BG>AT", "BG>FR"}),
        ("Sub-Saharan African migrants are exploited in forced labor in Libya and Algeria.", {"Africa>LY", "Africa>DZ"}),
        ("Trafficking flows from East Asia to North America have declined since 2016.", {"East Asia>North America"}),
        ("Yazidi women were abducted in Sinjar and sold in Raqqa.", {"Sinjār/IQ>Ar Raqqah/SY"}),  # GeoNames names
        ("Traffickers exploit Central American migrants in forced labor in Mexico en route to the United States.", {"Central America>MX"}),
        ("Workers from Bangladesh paid recruitment fees for jobs in Malaysia, leaving them in debt bondage.", {"BD>MY"}),
    ],
)
def test_ethnic_groups_region_demonyms_flows_and_intended_destinations(finder, text, routes):
    assert _routes(finder, text) == routes
