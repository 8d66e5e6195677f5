"""tables.xlsx: Analysis Function layout, and the same values as the CSV files."""

import datetime
import html
import math
import re

import openpyxl
import pandas as pd
import pytest
from built_pages import bundled_authorities

from yjnb.inputs.config import PROFILES
from yjnb.publish.spreadsheet import BLANK, sheet_names, symbol_meanings, write_workbook

CREATED = datetime.datetime(2024, 4, 1)
COUNTS_CSV = (
    "area,period,count,percent\nA,2024-25 Q1,12,40.0\nB,2024-25 Q1,[c],[c]\nC,2024-25 Q1,,\n"
)


def payloads():
    return [
        {"id": "kpi_ete", "caption": "ETE, all children", "csv": COUNTS_CSV,
         "notes": ["Counts of children at the end of the quarter."], "source": "Returns",
         "illustrative": True},
        {"id": "codes", "caption": "Area codes", "csv": "code,name\nE06000064,W and F\n007,X\n"},
        {"id": "empty", "caption": "Reoffending, no published period", "csv": "area,value\n"},
    ]  # fmt: skip


def rows(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def table_frame(sheet) -> pd.DataFrame:
    """The cells of the sheet's one Excel table, header first."""
    [(_, ref)] = sheet.tables.items()
    cells = [[c.value for c in row] for row in sheet[ref]]
    return pd.DataFrame(cells[1:], columns=cells[0])


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "tables.xlsx"
    written = write_workbook(path, payloads(), "Example tables", ["About them."], CREATED)
    return path, written


def test_cover_contents_notes_then_one_table_a_sheet(workbook):
    path, written = workbook
    assert written == ["kpi_ete", "codes"]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Cover", "Contents", "Notes", "kpi_ete", "codes"]
    cover = "\n".join(str(r[0]) for r in rows(book["Cover"]))
    assert cover.startswith("Example tables")
    for symbol in ("[c]", "[x]"):
        assert f"{symbol} {symbol_meanings()[symbol]}" in cover
    assert "Reoffending, no published period (empty)" in cover  # no sheet, but said so
    contents = table_frame(book["Contents"])
    assert list(contents["Table"]) == ["ETE, all children", "Area codes"]
    notes = table_frame(book["Notes"])
    assert list(notes["Note text"]) == [
        "Illustrative figures: invented to demonstrate the plan, not this service's data.",
        "Counts of children at the end of the quarter.",
    ]
    sheet = book["kpi_ete"]
    assert sheet["A1"].value == "ETE, all children"  # title in A1
    described = " ".join(str(r[0]) for r in rows(sheet)[:6])
    assert "This table has notes on the Notes worksheet: [note 1][note 2]" in described
    assert "[c] confidential" in described and "Source: Returns" in described


def test_values_keep_their_types_and_blanks_become_x(workbook):
    path, _ = workbook
    book = openpyxl.load_workbook(path)
    ete = table_frame(book["kpi_ete"])
    assert list(ete.columns) == ["area", "period", "count", "percent"]
    assert list(ete["count"]) == [12, "[c]", BLANK] and list(ete["percent"]) == [40, "[c]", BLANK]
    assert list(ete["period"]) == ["2024-25 Q1"] * 3  # periods stay text
    codes = table_frame(book["codes"])
    assert list(codes["code"]) == ["E06000064", "007"]  # codes are never made numbers


def test_same_inputs_same_bytes(tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(first, payloads(), "Example tables", ["About them."], CREATED)
    write_workbook(second, payloads(), "Example tables", ["About them."], CREATED)
    assert first.read_bytes() == second.read_bytes()


def test_layout_headings_alignment_links_and_widths(workbook):
    path, _ = workbook
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        assert sheet.sheet_view.showGridLines is False, sheet.title
        assert sheet["A1"].font.b and sheet["A1"].font.sz == 16, sheet.title  # the title
    cover = book["Cover"]
    labels = [c for c in cover["A"] if c.value == "How the tables are laid out"]
    assert labels and labels[0].font.b  # [{"bold": True}, text] items are bold
    assert all(c.alignment.wrap_text for c in cover["A"] if c.value)
    for name in book.sheetnames[1:]:
        sheet = book[name]
        [(_, ref)] = sheet.tables.items()
        header, *body = sheet[ref]
        assert header[0].row > 1 and header[0].column == 1  # below the title, from column A
        for cell in header:
            assert cell.font.b and cell.border.bottom.style == "thin", (name, cell.value)
            assert cell.font.name == "Arial" and cell.font.sz == 12
            words = str(cell.value).split()
            width = sheet.column_dimensions[cell.column_letter].width
            assert width >= max(map(len, words)), (name, cell.value, width)
        for col, heading in enumerate(header):
            cells = [row[col] for row in body]
            numbers = [c for c in cells if c.data_type == "n"]
            aligned = {c.alignment.horizontal for c in (heading, *cells)}
            expect = "right" if numbers and col else "left"  # first column left: labels
            assert aligned == {expect}, (name, heading.value, aligned)
    ete = book["kpi_ete"]  # area, period: text; count, percent: figures, with [c] and [x]
    aligned = [ete.cell(ete.max_row, col).alignment.horizontal for col in range(1, 5)]
    assert aligned == ["left", "left", "right", "right"]
    contents = book["Contents"]
    [(_, ref)] = contents.tables.items()
    for name_cell, title_cell in contents[ref][1:]:
        assert name_cell.hyperlink.location == f"'{name_cell.value}'!A1"
        assert book[name_cell.value]["A1"].value == title_cell.value


def test_text_that_looks_like_a_formula_or_link_stays_text(tmp_path):
    path = tmp_path / "tables.xlsx"
    csv = "area,note\nA,=1+1\nB,https://example.org\n"
    write_workbook(path, [{"id": "t", "caption": "T", "csv": csv}], "T", [], CREATED)
    sheet = openpyxl.load_workbook(path)["t"]
    assert list(table_frame(sheet)["note"]) == ["=1+1", "https://example.org"]
    cells = [c for c in sheet["B"] if c.value in ("=1+1", "https://example.org")]
    assert len(cells) == 2 and all(c.data_type == "s" and not c.hyperlink for c in cells)


def test_sheet_names_are_valid_and_unique():
    long = "kpi_substance_misuse_identified_need_by_quarter"
    names = sheet_names([long, long, "notes", "a/b"])
    assert all(len(n) <= 31 for n in names) and len({n.lower() for n in names}) == 4
    assert names[0] == long[:31] and names[3] == "a_b" and names[2] != "notes".title()


# -- the bundled authorities: spreadsheet, CSV and page agree ---------------------------------
def same_value(cell, text: str) -> bool:
    if text == "":
        return cell == BLANK
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        # Excel keeps 15 significant digits (XlsxWriter writes 16): equal to that precision.
        return math.isclose(float(text), float(cell), rel_tol=1e-15)
    return cell == text


CASES = [(slug, profile) for slug in bundled_authorities() for profile in PROFILES]


@pytest.mark.parametrize(("slug", "profile"), CASES)
def test_spreadsheet_has_the_csv_values(batch, slug, profile):
    folder = next(batch.output.glob(f"*/{slug}/{profile}"))
    book = openpyxl.load_workbook(folder / "tables.xlsx")
    csvs = sorted((folder / "tables").glob("*.csv"))
    assert csvs
    also = {str(book[name]["A2"].value): name for name in book.sheetnames}
    checked = 0
    for csv in csvs:
        text = pd.read_csv(csv, dtype=str, keep_default_na=False)
        if text.empty:
            continue
        name = also.get(f"The same values are in tables/{csv.name}.")
        assert name, f"{csv.name}: no sheet of its own"
        sheet = table_frame(book[name])
        assert list(sheet.columns) == list(text.columns)
        assert len(sheet) == len(text)
        for column in text.columns:
            pairs = zip(sheet[column], text[column], strict=True)
            wrong = [(c, t) for c, t in pairs if not same_value(c, t)]
            assert not wrong, f"{csv.name}, {column}: {wrong[:3]}"
        checked += 1
    assert checked


@pytest.mark.parametrize(("slug", "profile"), CASES)
def test_every_table_on_the_pages_is_in_the_csvs_and_the_spreadsheet(batch, slug, profile):
    folder = next(batch.output.glob(f"*/{slug}/{profile}"))
    book = openpyxl.load_workbook(folder / "tables.xlsx")
    titles = {book[name]["A1"].value for name in book.sheetnames[2:]}
    for page in ("plan.html", "performance-appendix.html"):
        text = (folder / page).read_text(encoding="utf-8")
        # A table shown as several (a KPI, one a measure) is named by its CSV link.
        shown = re.findall(
            r'class="yjnb-table[^"]*" id="table-([^"]+)">\s*<div[^>]*>\s*<table.*?'
            r'href="tables/([^"]+)\.csv">Download this table as CSV'
            r'<span class="visually-hidden">: (.*?)</span>',
            text,
            re.S,
        )
        assert shown or page != "plan.html"
        assert len(shown) == text.count("Download this table as CSV"), page
        for table_id, linked, caption in shown:
            assert linked == table_id and (folder / "tables" / f"{table_id}.csv").exists()
            assert html.unescape(caption) in titles, f"{table_id}: no sheet titled {caption!r}"
