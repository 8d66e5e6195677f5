"""Provenance on every surface: illustrative figures marked, drafts said, board pages unpublished.

Pages, CSVs, spreadsheets and the year's index each say which figures are illustrative; every
page of a draft says it is one; and nothing the board version writes claims to be published.
"""

import csv
import datetime
import io
import json
import re

import nbformat
import openpyxl
import pandas as pd
import pytest
from built_pages import bundled_authorities

from yjnb.inputs.config import Section, load_plan
from yjnb.present.charts import Chart
from yjnb.present.tables import Table
from yjnb.publish.outputs import Executed, render_page, write_index
from yjnb.publish.spreadsheet import write_workbook
from yjnb.publish.year_index import ILLUSTRATIVE_MARK

# What a board output must never say of itself: that it is published, for publication or for
# reuse. "Not for publication" is what it says instead.
CLAIMS = re.compile(
    r"\bre-?us(e|ed|ing)\b|(?<!not )for publication|published (for (re-?use|the public|anyone)"
    r"|with)\b|also published|\b(this|these|the) (page|table|figure|spreadsheet|workbook|file"
    r"|version)s? (is|are) published",
    re.IGNORECASE,
)
MISSING = [
    "params/x/narrative/05_risks.md, row 1: the guidance block is still in the narrative",
    "params/x/plan.yaml, column 'risks': 'risks' not written: section 'Risks and issues' "
    "shows a placeholder",
    "data/local/x/kpis.csv: no rows: the return is not filled in",
]


def _text(page: str) -> str:
    """A page's words as a reader sees them: no styles, no markup."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace("&#39;", "'")


def _page(profile: str, draft=()) -> str:
    notebook = nbformat.v4.new_notebook()
    meta = {"yjnb": {"profile": profile}}
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "plan.show(x)",
            outputs=[
                nbformat.v4.new_output(
                    "display_data", data={"text/html": "<p>Figures.</p>"}, metadata=meta
                )
            ],
        )
    ]
    section = Section("05_risks", "Risks and issues")
    downloads = [{"href": "tables.xlsx", "text": "Every table", "detail": "XLSX"}]
    return render_page(
        [Executed(section, notebook, 0.0)], profile, "Plan", "X YJS", ["Footer."], downloads,
        draft,
    )  # fmt: skip


# -- drafts ------------------------------------------------------------------------------------
def test_every_page_of_a_draft_says_so_and_the_board_page_lists_what_is_missing():
    board, public = _text(_page("board", MISSING)), _text(_page("public", MISSING))
    for page in (board, public):
        assert "Draft: not finished — 3 things missing." in page
    for item in MISSING:
        assert item in board
        assert item not in public
    assert "05_risks.md" not in public  # the public version names no file
    assert not CLAIMS.search(public)  # nor offers a draft's figures for reuse


def test_a_finished_plan_has_no_banner():
    for profile in ("board", "public"):
        page = _page(profile)
        assert 'class="draft-banner"' not in page and "Draft:" not in _text(page)


def test_one_thing_missing_is_said_in_the_singular():
    assert "Draft: not finished — 1 thing missing." in _text(_page("board", MISSING[:1]))


# -- board pages never claim to be published ---------------------------------------------------
def test_the_board_page_does_not_offer_its_figures_for_reuse():
    assert not CLAIMS.search(_text(_page("board")))
    assert "published for reuse" in _text(_page("public"))  # the claims pattern finds it
    assert CLAIMS.search(_text(_page("public")))


@pytest.mark.parametrize(
    "text",
    ["The figures on this page are published for reuse:", "Also published as tables/x.csv",
     "The tables published with X's plan", "For publication.", "These tables are published",
     "free to re-use"],
)  # fmt: skip
def test_the_claims_pattern_catches_each_way_of_saying_it(text):
    assert CLAIMS.search(text)


@pytest.mark.parametrize(
    "text",
    ["Not for publication.", "Produced with yjnb from published national statistics.",
     "not available: the figure is not published for this area or period",
     "No figures are published for these areas.", "revised since first published"],
)  # fmt: skip
def test_the_claims_pattern_spares_what_is_said_of_the_sources(text):
    assert not CLAIMS.search(text)


@pytest.mark.slow
@pytest.mark.parametrize("slug", bundled_authorities())
def test_no_board_output_says_it_is_published_or_for_reuse(batch, slug):
    folder = next(batch.output.glob(f"*/{slug}/board"))
    found = []
    for page in folder.glob("*.html"):
        found += [(page.name, m[0]) for m in CLAIMS.finditer(_text(page.read_text()))]
    for table in (folder / "tables").glob("*.csv"):
        found += [(table.name, m[0]) for m in CLAIMS.finditer(table.read_text())]
    book = openpyxl.load_workbook(folder / "tables.xlsx")
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for cell in row:
                if isinstance(cell, str):
                    found += [(sheet.title, m[0]) for m in CLAIMS.finditer(cell)]
    assert not found, found
    assert "Not for publication" in (folder / "plan.html").read_text()


# -- illustrative figures in every CSV and spreadsheet -----------------------------------------
def test_every_csv_ends_with_whether_its_figures_are_illustrative():
    data = pd.DataFrame({"area": ["A", "B"], "count": [1, 2]})
    invented = Table("t", "c", data, data, illustrative=True).to_csv()
    real = Table("t", "c", data, data).to_csv()
    assert invented.splitlines() == ["area,count,illustrative", "A,1,true", "B,2,true"]
    assert real.splitlines() == ["area,count,illustrative", "A,1,false", "B,2,false"]
    assert list(data.columns) == ["area", "count"]  # the table's own data is left as it was


def test_a_csv_keeps_the_flags_its_rows_carry():
    data = pd.DataFrame({"service": ["A", "B"], "illustrative": ["true", "false"]})
    rows = list(csv.reader(io.StringIO(Table("t", "c", data, data, illustrative=True).to_csv())))
    assert rows == [["service", "illustrative"], ["A", "true"], ["B", "false"]]


def test_the_spreadsheet_cover_names_the_illustrative_tables(tmp_path):
    data = pd.DataFrame({"area": ["A"], "count": [1]})
    tables = [
        Table("kpi_ete", "ETE", data, data, illustrative=True),
        Table("indicators", "Indicators", data, data),
    ]
    payloads = [
        {"id": t.id, "caption": t.caption, "csv": t.to_csv(), "illustrative": t.illustrative}
        for t in tables
    ]
    write_workbook(tmp_path / "t.xlsx", payloads, "T", ["About."], datetime.datetime(2024, 4, 1))
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    cover = "\n".join(str(r[0]) for r in book["Cover"].iter_rows(values_only=True))
    assert "Illustrative figures" in cover
    assert "1 of the tables holds figures invented" in cover and "They are: kpi_ete." in cover
    for sheet, flag in (("kpi_ete", "true"), ("indicators", "false")):
        [(_, ref)] = book[sheet].tables.items()
        cells = [[c.value for c in row] for row in book[sheet][ref]]
        assert cells == [["area", "count", "illustrative"], ["A", 1, flag]]


@pytest.mark.slow
@pytest.mark.parametrize("slug", bundled_authorities())
def test_every_published_csv_says_whether_it_is_illustrative(batch, slug):
    config = load_plan(batch.workspace.params_dir, slug)
    kpis = "true" if config.is_illustrative("kpis") else "false"
    for profile in ("board", "public"):
        folder = next(batch.output.glob(f"*/{slug}/{profile}")) / "tables"
        for path in folder.glob("*.csv"):
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            assert frame.columns[-1] == "illustrative", path.name
            assert set(frame["illustrative"]) <= {"true", "false"}, path.name
        indicators = pd.read_csv(folder / "indicators.csv", dtype=str)
        assert set(indicators["illustrative"]) == {"false"}  # published national statistics
        ete = pd.read_csv(folder / "kpi_ete.csv", dtype=str)
        assert set(ete["illustrative"]) == {kpis}


# -- the year's index ---------------------------------------------------------------------------
KPI = (
    "period,kpi,cohort,measure,category,count,total,percent,illustrative\n"
    "2023-24 Q4,accommodation,all,suitability,Suitable,30,33,90.9,{flag}\n"
)


def _authority(year_dir, slug, name, flag, draft=None):
    folder = year_dir / slug
    for profile in ("board", "public"):
        (folder / profile / "tables").mkdir(parents=True)
        (folder / profile / "plan.html").write_text("<!DOCTYPE html>")
        kpi = KPI.format(flag=flag)
        if flag is None:  # written before the column existed
            kpi = KPI.replace(",illustrative", "").replace(",{flag}", "")
        (folder / profile / "tables" / "kpi_accommodation.csv").write_text(kpi)
    manifest = {"authority": slug, "name": name, "area_code": "E06000001", "year": "2024-25"}
    if draft is not None:
        manifest["draft"] = draft
    (folder / "manifest.json").write_text(json.dumps(manifest))


@pytest.fixture
def year_dir(tmp_path):
    year = tmp_path / "2024-25"
    _authority(year, "alpha", "Alpha YJS", "true", draft=MISSING)
    _authority(year, "beta", "Beta YJS", "false", draft=[])
    _authority(year, "gamma", "Gamma YJS", None)  # built before the column existed
    return year


def test_the_index_marks_each_illustrative_services_rows_and_says_so_above(year_dir):
    page = write_index(year_dir, "2024-25").read_text(encoding="utf-8")
    text = _text(page)
    above = text.index("Illustrative figures. The key performance indicator figures of Alpha YJS")
    assert above < text.index("Headline key performance indicators: every service")
    assert "Beta YJS are" not in text and "Gamma YJS are" not in text
    for table in ("services_kpis", "kpi_accommodation_suitability"):
        body = re.search(rf'id="table-{table}">(.*?)</table>', page, re.S)[1]
        headers = re.findall(r'<th scope="row">(.*?)</th>', body)
        assert headers.count(f"Alpha YJS{ILLUSTRATIVE_MARK}") == 1, headers
        assert {"Beta YJS", "Gamma YJS"} <= set(headers)
    tidy = pd.read_csv(year_dir / "tables" / "kpi_accommodation_suitability.csv", dtype=str)
    flags = dict(zip(tidy["service"], tidy["illustrative"], strict=True))
    assert flags == {"Alpha YJS": "true", "Beta YJS": "false", "Gamma YJS": "false"}


def test_the_index_says_which_plans_are_drafts(year_dir):
    page = write_index(year_dir, "2024-25").read_text(encoding="utf-8")
    rows = re.search(r'id="table-services">(.*?)</table>', page, re.S)[1]
    headers = [_text(h).strip() for h in re.findall(r'<th scope="row">(.*?)</th>', rows, re.S)]
    assert headers == ["Alpha YJS Draft not finished: 3 things missing", "Beta YJS", "Gamma YJS"]


def test_without_illustrative_rows_the_index_says_nothing_of_them(tmp_path):
    year = tmp_path / "2024-25"
    _authority(year, "beta", "Beta YJS", "false")
    text = _text(write_index(year, "2024-25").read_text(encoding="utf-8"))
    assert "Illustrative" not in text and ILLUSTRATIVE_MARK not in text


def test_a_chart_of_invented_figures_says_so_beside_its_title():
    data = pd.DataFrame({"area": ["A"], "count": [1]})
    for illustrative in (True, False):
        table = Table("t", "c", data, data, illustrative=illustrative)
        chart = Chart("kpi_ete_chart", "ETE by quarter", "A line rising.", b"<svg/>", table)
        title = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", chart.to_html())[1]
        assert ("(illustrative figures)" in title) is illustrative
