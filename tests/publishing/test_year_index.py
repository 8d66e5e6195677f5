"""outputs/<year>/index.html: every authority, links, and comparison tables from public CSVs."""

import json
import re

import openpyxl
import pandas as pd
import pytest
from axe_playwright_python.sync_playwright import Axe
from built_pages import AXE_OPTIONS

from yjnb.publish.outputs import write_index

HEADER = (
    "area_code,area_name,indicator,period_start,period_end,numerator,denominator,value,unit,"
    "ci_lower,ci_upper,role\n"
)
UNIT = '"per 100,000 children aged 10-17"'


def fte_rows(code, name, latest):
    """Two years of the authority's FTE rate, then England's latest."""
    rows = [
        (code, name, 2023, latest + 50, "", "", "", "", "authority"),
        (code, name, 2024, latest, "", "", "", "", "authority"),
        ("E92000001", "England", 2024, 150.0, "", "", "", "", "nation"),
    ]
    if latest == 120.0:  # one figure published with its counts and interval
        rows[1] = (code, name, 2024, latest, "60", "50000", "91.6", "154.5", "authority")
    return HEADER + "".join(
        f"{c},{n},fte_rate,{y}-01-01,{y}-12-31,{num},{den},{v},{UNIT},{lo},{hi},{role}\n"
        for c, n, y, v, num, den, lo, hi, role in rows
    )


def authority(year_dir, slug, name, code, profiles=("board", "public"), tables=None):
    folder = year_dir / slug
    for profile in profiles:
        (folder / profile / "tables").mkdir(parents=True)
        (folder / profile / "plan.html").write_text("<!DOCTYPE html>")
        (folder / profile / "performance-appendix.html").write_text("<!DOCTYPE html>")
        (folder / profile / "tables.xlsx").write_bytes(b"")
        for filename, text in (tables or {}).items():
            (folder / profile / "tables" / filename).write_text(text)
    manifest = {"authority": slug, "name": name, "area_code": code, "year": "2024-25"}
    (folder / "manifest.json").write_text(json.dumps(manifest))


KPI = (
    "period,kpi,cohort,measure,category,count,total,percent\n"
    "2023-24 Q3,accommodation,all,suitability,Suitable,20,21,95.2\n"
    "2023-24 Q4,accommodation,all,suitability,Suitable,{count},33,{percent}\n"
    "2023-24 Q4,accommodation,all,suitability,Unsuitable,[c],33,[c]\n"
)


@pytest.fixture
def year_dir(tmp_path):
    year = tmp_path / "2024-25"
    authority(year, "zeta", "Zeta Youth Justice Service", "E06000001", tables={
        "indicators.csv": fte_rows("E06000001", "Zeta", 120.0),
        "kpi_accommodation.csv": KPI.format(count="[c]", percent="[c]"),
    })  # fmt: skip
    authority(year, "alpha", "Alpha Youth Justice Service", "E06000002", tables={
        "indicators.csv": fte_rows("E06000002", "Alpha", 210.0),
        "kpi_accommodation.csv": KPI.format(count="30", percent="90.9"),
        "kpi_accommodation_chart.csv": KPI.format(count="30", percent="90.9"),  # not a KPI table
    })  # fmt: skip
    authority(year, "board-only", "Beta Youth Justice Service", "E06000003", ("board",), {
        "indicators.csv": fte_rows("E06000003", "Beta", 5.0),
    })  # fmt: skip
    return year


def cell_rows(page, table_id):
    body = re.search(rf'id="table-{table_id}">(.*?)</table>', page, re.S)[1]
    return [
        [re.sub(r"<.*?>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)[1:]
    ]


def test_lists_every_authority_with_links(year_dir):
    page = write_index(year_dir, "2024-25").read_text(encoding="utf-8")
    for slug in ("alpha", "zeta"):
        assert f'href="{slug}/public/plan.html"' in page
    assert 'href="alpha/public/tables.xlsx"' in page
    assert 'href="board-only/public/plan.html"' not in page
    names = [row[0] for row in cell_rows(page, "services")]
    assert names == ["Alpha Youth Justice Service", "Beta Youth Justice Service",
                     "Zeta Youth Justice Service"]  # fmt: skip


def test_the_public_index_links_no_board_page_and_the_board_index_says_so(year_dir):
    page = write_index(year_dir, "2024-25").read_text(encoding="utf-8")
    assert "/board/" not in page and "board-index" not in page
    board = (year_dir / "board-index.html").read_text(encoding="utf-8")
    for slug in ("alpha", "zeta", "board-only"):
        assert f'href="{slug}/board/plan.html"' in board
    assert "/public/" not in board
    assert "<title>Board versions of the Youth Justice Plans 2024-25: not for publication" in board
    assert "Not for publication." in board


def test_indicators_from_a_to_z_and_by_value_with_intervals(year_dir):
    page = write_index(year_dir, "2024-25").read_text(encoding="utf-8")
    summary = cell_rows(page, "services_indicators")
    # the board-only authority's figures never reach the index; England last, for reference
    assert [r[0] for r in summary] == ["Alpha Youth Justice Service",
                                       "Zeta Youth Justice Service", "England"]  # fmt: skip
    assert summary[1][1:3] == ["120.0", "91.6 to 154.5"]
    ranked = cell_rows(page, "latest_fte_rate")
    assert [r[0] for r in ranked] == ["Zeta Youth Justice Service",
                                      "Alpha Youth Justice Service", "England"]  # fmt: skip
    assert ranked[0][1:] == ["2024", "120.0", "91.6 to 154.5", "60", "50,000"]
    assert ranked[1][2] == "210.0"  # the latest period, not 2023's 260
    tidy = pd.read_csv(year_dir / "tables" / "latest_fte_rate.csv")
    assert list(tidy["value"]) == [120.0, 210.0, 150.0]
    assert {"area_code", "period_start", "ci_lower", "ci_upper"} <= set(tidy.columns)
    # a page that shows intervals names their method
    assert page.count("Methods: 95% confidence intervals are the exact (Garwood) Poisson") == 2


def test_headline_kpis_keep_suppression(year_dir):
    page = write_index(year_dir, "2024-25").read_text(encoding="utf-8")
    ranked = cell_rows(page, "kpi_accommodation_suitability")
    assert ranked == [
        ["Alpha Youth Justice Service", "2023-24 Q4", "30", "33", "90.9"],
        ["Zeta Youth Justice Service", "2023-24 Q4", "[c]", "33", "[c]"],
    ]
    assert "<strong>[c]</strong>: confidential" in page
    assert [r[1] for r in cell_rows(page, "services_kpis")] == ["90.9", "[c]"]


def test_tables_are_also_csv_and_spreadsheet(year_dir):
    write_index(year_dir, "2024-25")
    csvs = sorted(p.name for p in (year_dir / "tables").glob("*.csv"))
    assert csvs == ["kpi_accommodation_suitability.csv", "latest_fte_rate.csv",
                    "services_indicators.csv", "services_kpis.csv"]  # fmt: skip
    book = openpyxl.load_workbook(year_dir / "tables.xlsx")
    assert book.sheetnames[:3] == ["Cover", "Contents", "Notes"] and len(book.sheetnames) == 7


def test_without_public_tables_there_is_nothing_to_compare(tmp_path):
    year = tmp_path / "2024-25"
    authority(year, "alpha", "Alpha Youth Justice Service", "E06000002", ("board",))
    page = write_index(year, "2024-25").read_text(encoding="utf-8")
    assert 'id="indicators"' not in page and not (year / "tables.xlsx").exists()


def test_index_passes_axe_in_the_browser(year_dir, open_page):
    page = open_page(write_index(year_dir, "2024-25"))
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()
    narrow = open_page(year_dir / "index.html", 320, 256)
    assert Axe().run(narrow, options=AXE_OPTIONS).violations_count == 0
    for width, height in ((1280, 900), (320, 256)):
        board = open_page(year_dir / "board-index.html", width, height)
        results = Axe().run(board, options=AXE_OPTIONS)
        assert results.violations_count == 0, results.generate_report()


def test_each_figure_is_shown_exactly_as_the_plan_page_shows_it(tmp_path):
    from yjnb.sections.comparisons import shown_value

    def indicators(code, name, num, den, value, basis):
        return HEADER.replace("role\n", "role,basis\n") + (
            f"{code},{name},fte_rate,2024-01-01,2024-12-31,{num},{den},{value},{UNIT},,,"
            f"authority,{basis}\n"
        )

    year = tmp_path / "2024-25"
    # LAIT publishes Zeta's rate as 131: its indicators.csv holds 131.0, the page shows 131.
    authority(year, "zeta", "Zeta Youth Justice Service", "E06000001", tables={
        "indicators.csv": indicators("E06000001", "Zeta", "", "", "131.0", "published"),
    })  # fmt: skip
    authority(year, "alpha", "Alpha Youth Justice Service", "E06000002", tables={
        "indicators.csv": indicators("E06000002", "Alpha", "60", "50000", "120.0", "computed"),
    })  # fmt: skip
    page = write_index(year, "2024-25").read_text(encoding="utf-8")
    summary = {r[0]: r[1] for r in cell_rows(page, "services_indicators")}
    assert summary["Zeta Youth Justice Service"] == shown_value("fte_rate", 131.0, "published")
    assert summary["Zeta Youth Justice Service"] == "131"
    assert summary["Alpha Youth Justice Service"] == "120.0"
    ranked = {r[0]: r[2] for r in cell_rows(page, "latest_fte_rate")}
    assert ranked["Zeta Youth Justice Service"] == "131"


def test_a_year_or_other_period_sorts_as_written_and_nothing_else_is_swallowed():
    from yjnb.publish.year_index import _quarter_end

    assert _quarter_end("2023-24 Q1") == "2023-06-30"
    assert _quarter_end("2023-24") == "2023-24"
