"""Case tables as flows (routes.flows): CTDC exports, name-coded and pre-aggregated tables,
the atlas's filters before aggregation, and every case not drawn counted.

Every expected number is counted by hand from the fixtures in tests/data (hand-made)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tipmap.routes.flows import FlowColumns, describe, flag, is_case_table, read_flows
from tipmap.routes.importer import ImportError_
from tipmap.routes.select import Selection

DATA = Path(__file__).parent / "data"
CTDC = DATA / "ctdc_cases.csv"
NAMED = DATA / "named_flows.csv"
AGGREGATED = DATA / "preaggregated.csv"


def pairs(flows) -> dict[tuple[str, str], int]:
    return {(r["from"], r["to"]): int(r["cases"]) for _, r in flows.lines.iterrows()}


def accounted(flows) -> int:
    drawn = int(flows.lines["cases"].sum()) if len(flows.lines) else 0
    return drawn + flows.domestic + sum(flows.not_drawn.values()) + flows.suppressed + sum(flows.filtered.values())


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("1.0", True), ("true", True), ("Yes", True), ("0", False), ("0.0", False), ("no", False), ("", None)],
)
def test_flags_in_every_usual_form(value, expected):
    assert flag(value) is expected


def test_ctdc_is_detected_and_every_case_is_accounted_for():
    assert is_case_table(CTDC) and is_case_table(NAMED)  # Origin/Destination are recognised too
    assert not is_case_table(DATA / "extract_gold.toml")
    flows = read_flows(CTDC, min_count=1)
    assert pairs(flows) == {("MM", "ID"): 5, ("UA", "RU"): 4, ("PH", "MY"): 2, ("NA", "ZA"): 1, ("KH", "TH"): 1}
    assert flows.total == 20 and accounted(flows) == 20
    assert flows.domestic_by == {"US": 2}
    assert flows.unknown_origin == {"United States": 3, "Thailand": 2}
    assert flows.not_drawn == {"origin blank": 1, "origin coded unknown": 2, "origin unrecognised": 2}
    assert flows.unknown_values == {"QQ": 1, "0": 1}  # blank, "00"/"-99" and a wrong code are kept apart


def test_ctdc_flags_written_1_0_type_the_flows():
    lines = read_flows(CTDC, min_count=1).lines.set_index(["from", "to"])
    assert lines.loc[("MM", "ID"), "exploitation"] == ("forced_labour", "sexual_exploitation")  # 4 and 1 cases
    assert lines.loc[("UA", "RU"), "exploitation"] == ("forced_labour", "sexual_exploitation")  # 2 and 1; 1 unrecorded
    assert lines.loc[("MM", "ID"), "years"] == "2015–2018" and lines.loc[("KH", "TH"), "years"] == ""


def test_since_filters_rows_before_aggregation():
    flows = read_flows(CTDC, selection=Selection(since=2017), min_count=1)
    assert pairs(flows) == {("MM", "ID"): 2, ("UA", "RU"): 2, ("PH", "MY"): 2}
    assert flows.filtered == {"no year (with --since/--until)": 1, "before 2017": 6}
    assert accounted(flows) == 20


def test_country_and_exploitation_filters():
    mm = read_flows(CTDC, selection=Selection(countries=("MM",)), min_count=1)
    assert pairs(mm) == {("MM", "ID"): 5} and mm.domestic == 0 and mm.filtered == {"not in --country MM": 15}
    labour = read_flows(CTDC, selection=Selection(exploitation=("forced_labour",)), min_count=1)
    assert pairs(labour) == {("MM", "ID"): 4, ("UA", "RU"): 2, ("PH", "MY"): 1, ("NA", "ZA"): 1}
    assert labour.domestic == 0 and labour.filtered == {"not of --exploitation forced_labour": 9}
    assert labour.not_drawn == {"origin coded unknown": 1, "origin unrecognised": 2}


def test_bbox_keeps_flows_with_an_end_inside():
    # around Moscow and Kyiv only: UA->RU; nothing else has an end there
    flows = read_flows(CTDC, selection=Selection(bbox=(25.0, 45.0, 45.0, 60.0)), min_count=1)
    assert pairs(flows) == {("UA", "RU"): 4} and accounted(flows) == 20


def test_public_audience_suppresses_small_flows():
    flows = read_flows(CTDC, selection=Selection(audience="public"))
    assert pairs(flows) == {("MM", "ID"): 5} and flows.suppressed == 8 and flows.min_count == 5  # 4 + 2 + 1 + 1
    assert "8 cases in flows of fewer than 5 cases not shown" in describe(flows)


def test_russia_is_drawn_west_of_the_urals():
    line = read_flows(CTDC, min_count=1).lines.set_index(["from", "to"]).loc[("UA", "RU"), "geometry"]
    assert line.coords[-1][0] < 60  # Moscow, 37.6 E; a centroid would be near 96 E


def test_a_name_coded_table_with_regions():
    flows = read_flows(NAMED, columns=FlowColumns(origin="Origin", destination="Destination", type="Type"), min_count=1)
    assert pairs(flows) == {
        ("UA", "RU"): 1, ("VN", "GB"): 2, ("NG", "western-europe"): 1, ("ET", "gulf-states"): 1,
        ("PH", "middle-east"): 1, ("MM", "southeast-asia"): 1, ("MM", "TH"): 1, ("BE", "NL"): 1, ("RU", "PL"): 1,
    }  # fmt: skip
    lines = flows.lines.set_index(["from", "to"])
    assert lines.loc[("NG", "western-europe"), "to_kind"] == "region" and lines.loc[("VN", "GB"), "to_name"] == "United Kingdom"
    assert lines.loc[("VN", "GB"), "exploitation"] == ("forced_labour", "sexual_exploitation")
    assert lines.loc[("ET", "gulf-states"), "exploitation"] == ("other",)  # "domestic servitude"
    assert flows.domestic_by == {"US": 1} and flows.unknown_origin == {"Thailand": 1, "Spain": 1}
    assert flows.unknown_values == {"Atlantis": 1} and accounted(flows) == 13


def test_a_pre_aggregated_iso3_table():
    columns = FlowColumns(origin="origin_iso3", destination="destination_iso3", count="victims")
    flows = read_flows(AGGREGATED, columns=columns, selection=Selection(audience="public"))
    assert pairs(flows) == {("MM", "TH"): 200, ("KH", "TH"): 45, ("VN", "CN"): 60}
    assert flows.suppressed == 3 and flows.domestic_by == {"TH": 14} and flows.not_drawn == {"origin blank": 9}
    assert flows.report.bad == {"have no usable count in 'victims'": [8]} and flows.total == 331


def test_a_named_column_that_does_not_exist():
    with pytest.raises(ImportError_, match="no column 'From'; columns are: Origin, Destination"):
        read_flows(NAMED, columns=FlowColumns(origin="From", destination="Destination"))


def test_utf16_and_excel_case_tables(tmp_path):
    import openpyxl

    text = "citizenship,CountryOfExploitation,isForcedLabour\nMM,TH,1.0\nMM,TH,\nKH,TH,0.0\n"
    (tmp_path / "c.csv").write_bytes(text.encode("utf-16"))
    book = openpyxl.Workbook()
    for row in text.splitlines():
        book.active.append(row.split(","))
    book.save(tmp_path / "c.xlsx")
    for name in ("c.csv", "c.xlsx"):
        flows = read_flows(tmp_path / name, min_count=1)
        assert pairs(flows) == {("MM", "TH"): 2, ("KH", "TH"): 1}, name
        assert flows.lines.set_index("from").loc["KH", "exploitation"] == ("other",)  # flagged 0: another type


def test_render_a_name_coded_table_with_named_columns(tmp_path):
    from click.testing import CliRunner
    from tipmap.cli import main

    out, table = tmp_path / "named.html", tmp_path / "flows.csv"
    args = ["render", "-o", str(out), "--data", str(NAMED), "--from", "Origin", "--to", "Destination", "--type", "Type"]
    result = CliRunner().invoke(main, [*args, "--audience", "internal", "--no-atlas", "--table", str(table)])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "Nigeria → Western Europe: 1 cases" in html and "Western Europe (region)" in html
    assert (
        "United States: 1 domestic cases" in html and "2 cases with no known origin, by destination: Spain 1, Thailand 1" in html
    )
    rows = table.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("source,from,from_name,to,to_name,cases,group") and len(rows) == 1 + 9 + 1 + 2
    assert "named_flows.csv,VN,Vietnam,GB,United Kingdom,2,flow,forced_labour|sexual_exploitation,2018–2019" in rows[1]


def test_from_without_to_is_a_usage_error(tmp_path):
    from click.testing import CliRunner
    from tipmap.cli import main

    result = CliRunner().invoke(main, ["render", "-o", str(tmp_path / "m.html"), "--data", str(NAMED), "--from", "Origin"])
    assert result.exit_code == 2 and "--from and --to go together" in result.output and not (tmp_path / "m.html").exists()


def test_public_groups_follow_the_small_count_rule():
    from tipmap.routes.flows import gate_flows
    from tipmap.routes.gate import data_policy

    flows = gate_flows(read_flows(CTDC, min_count=1), data_policy("restricted", "public", min_count=3, count_base=1))
    assert pairs(flows) == {("MM", "ID"): 5, ("UA", "RU"): 4}  # PH->MY 2, NA->ZA 1, KH->TH 1 withheld
    assert flows.domestic_by == {} and flows.suppressed == 2 + 1 + 1 + 2  # and the 2 US domestic cases
    assert flows.unknown_origin == {"United States": 3, "other destinations (fewer than 3)": 0}  # Thailand 2 hidden
    assert flows.not_drawn == {"other groups": 5}  # blank 1, coded unknown 2, unrecognised 2: each under 3


def test_a_case_row_with_more_fields_than_the_header_counts_no_case(tmp_path):
    """CTDC-style table where one row's unquoted comma shifts Myanmar into the destination column."""
    text = (
        "yearOfRegistration,gender,citizenship,CountryOfExploitation,isForcedLabour\n"
        "2018,Female,MM,TH,1.0\n"
        "2018,Female, unknown,MM,CN,1.0\n"  # read by position: citizenship ' unknown'... shifted by one
        "2019,Male,KH,TH,0\n"
        "2019,Male,KH,TH,\n"
    )
    (tmp_path / "ctdc.csv").write_text(text, encoding="utf-8")
    flows = read_flows(tmp_path / "ctdc.csv", min_count=1)
    assert pairs(flows) == {("MM", "TH"): 1, ("KH", "TH"): 2}
    assert flows.report.rows == 4 and flows.total == 3
    assert flows.report.bad == {"have more fields than the header (a separator inside a value that is not quoted?)": [2]}
