"""Importers: realistic LAIT and YJB downloads, and malformed ones, built under tmp_path."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from yjnb.cli import main
from yjnb.errors import InputError
from yjnb.importers import import_lait, import_yjb

LAIT_HEADER = [
    "Short Desc", "Data item", "Years", "LA and Regions", "Values", "LA Number", "Region",
]  # fmt: skip
FTE_ITEM = "First Time entrants to the Youth Justice System aged 10-17 (rate)"
W_AND_F, CUMBERLAND, NORTH_WEST, DORSET = "E06000064", "E06000063", "E12000002", "E06000059"
CWHW = "yjs-cheshire-west-halton-warrington"


def fte(year, name, value, number, region="North West"):
    return ["FirstYJS", FTE_ITEM, year, name, value, number, region]


# A LAIT download as analysts get it: several measures, "-" for missing, float artefacts,
# numbers written as floats, the England row that is the sum of regions, abolished areas.
LAIT_ROWS = [
    fte("2024", "Westmorland and Furness", "149", "943.0"),
    fte("2024", "Cumberland", "184", "942.0"),
    fte("2024", "North West", "168", "981.0", "NA"),
    fte("2024", "England", "1258", "970.0", "NA"),
    fte("2023", "Cumbria", "42", "909.0"),
    fte("2023", "Westmorland and Furness", "-", "943.0"),
    fte("2019", "Dorset (Pre LG)", "239", "835.0", "South West"),
    fte("2018", "Dorset (Pre LG)", "-", "835.0", "South West"),
    fte("2024", "Trafford", "100.00000000000001", "358.0"),
    ["ReoffYO", "Rate of proven re-offending by young offenders (%)", "2024",
     "Westmorland and Furness", "47.92", "943.0", "North West"],
    ["YouthJusticeFinance", "Youth Justice  (finance)", "2016-17 (OT)", "Barnet", "825576",
     "302.0", "Outer London"],
]  # fmt: skip

OUTCOME_HEADER = [
    "Financial_Year", "YJS", "England_Wales", "Wales or English Region", "PCC",
    "Caution_or_sentence_tier", "Caution_or_sentence_type", "Number_Cautioned_Sentenced",
]  # fmt: skip


def outcome(year, yjs, region, pcc, tier, kind, count):
    return [year, yjs, "England", region, pcc, tier, kind, count]


OUTCOME_ROWS = [
    outcome("2023-24", "Westmorland and Furness", "North West", "Cumbria", "Custody",
            "Detention and Training Order", "1"),
    outcome("2023-24", "Westmorland and Furness", "North West", "Cumbria", "Community",
            "Referral Order", "19"),
    outcome("2023-24", "Cumberland [note 3]", "North West", "Cumbria", "Custody",
            "Detention and Training Order", "2"),
    outcome("2023-24", "Cumberland", "North West", "Cumbria", "Custody", "Section 250", "1"),
    outcome("2023-24", "Cheshire West, Halton and Warrington", "North West", "Cheshire",
            "Custody", "Detention and Training Order", "4"),
    outcome("2023-24", "Kingston-upon-Hull", "Yorkshire and the Humber", "Humberside",
            "Custody", "Detention and Training Order", "6"),
    outcome("2023-24", "Leicestershire", "East Midlands", "Leicestershire", "custody",
            "Detention and Training Order", "3"),
    outcome("2022-23", "Westmorland and Furness", "North West", "Cumbria", "Pre Court",
            "Youth Caution", "13"),
]  # fmt: skip


@pytest.fixture
def data_dir(workspace_factory) -> Path:
    """A copy of the bundled data/ without its LAIT FTE rates, so that imports add rows."""
    data = workspace_factory([])["data"]
    counts_path = data / "national" / "counts.csv"
    counts = pd.read_csv(counts_path, dtype=str, keep_default_na=False)
    counts = counts[counts["measure"] != "fte_rate"]
    counts.to_csv(counts_path, index=False, lineterminator="\n")
    return data


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding="utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header, rows, cover_rows: int = 0) -> Path:
    """A workbook with a cover sheet and a data sheet whose header has text above it."""
    top = [["Youth Justice Statistics: local-level open data"]] + [[""]] * (cover_rows - 1)
    lines = top[:cover_rows] + [header] + rows
    grid = pd.DataFrame([line + [""] * (len(header) - len(line)) for line in lines])
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame([["This workbook contains..."]]).to_excel(
            writer, sheet_name="Cover", header=False, index=False
        )
        grid.to_excel(writer, sheet_name="Data", header=False, index=False)
    return path


def counts_of(data: Path) -> pd.DataFrame:
    return pd.read_csv(data / "national" / "counts.csv", dtype=str, keep_default_na=False)


def value(data: Path, code: str, measure: str, start: str) -> list[str]:
    counts = counts_of(data)
    found = counts[
        (counts["area_code"] == code)
        & (counts["measure"] == measure)
        & (counts["period_start"] == start)
    ]
    return found["value"].tolist()


# --- LAIT ------------------------------------------------------------------------------------


def test_lait_rows_are_imported_with_their_source(data_dir, tmp_path):
    file = write_csv(tmp_path / "lait.csv", LAIT_HEADER, LAIT_ROWS)
    result = import_lait(file, data_dir)
    assert (result.added, result.unchanged, result.replaced) == (5, 0, [])
    assert value(data_dir, W_AND_F, "fte_rate", "2024-01-01") == ["149"]
    assert value(data_dir, NORTH_WEST, "fte_rate", "2024-01-01") == ["168"]
    assert value(data_dir, "E08000009", "fte_rate", "2024-01-01") == ["100"]  # artefact gone
    assert value(data_dir, DORSET, "fte_rate", "2019-01-01") == ["239"]  # LAIT's number 835
    counts = counts_of(data_dir)
    imported = counts[counts["measure"] == "fte_rate"]
    assert imported["source"].str.contains("LAIT\\) FirstYJS").all()
    assert imported["source"].str.contains("imported from lait.csv").all()
    assert set(imported["period_end"].str[5:]) == {"12-31"}


def test_lait_defects_and_other_measures_are_left_out_with_reasons(data_dir, tmp_path):
    file = write_csv(tmp_path / "lait.csv", LAIT_HEADER, LAIT_ROWS)
    result = import_lait(file, data_dir)
    messages = {p.row: str(p) for p in result.problems}
    assert "sum of the regional rates" in messages[5]  # England, row 5 of the file
    assert "Cumbria is not an area" in messages[6]
    assert all(p.severity == "warning" for p in result.problems)
    notes = " ".join(result.notes)
    assert "ReoffYO" in notes and "10-14" in notes
    assert "YouthJusticeFinance" in notes
    assert "2 rows with no published value" in notes
    assert value(data_dir, "E92000001", "fte_rate", "2024-01-01") == []


def test_importing_the_same_lait_file_twice_changes_nothing(data_dir, tmp_path):
    file = write_csv(tmp_path / "lait.csv", LAIT_HEADER, LAIT_ROWS)
    import_lait(file, data_dir)
    before = (data_dir / "national" / "counts.csv").read_bytes()
    again = import_lait(file, data_dir)
    assert (again.added, again.unchanged) == (0, 5)
    assert (data_dir / "national" / "counts.csv").read_bytes() == before


@pytest.mark.data
def test_importing_the_bundled_lait_rows_changes_nothing(workspace_factory):
    reference = Path(__file__).resolve().parents[2] / "shared" / "reference-data"
    lait = reference / "dfe_lait" / "lait_youth_justice_subset.csv"
    if not lait.is_file():
        pytest.skip("reference data not found")
    data = workspace_factory([])["data"]
    before = (data / "national" / "counts.csv").read_bytes()
    result = import_lait(lait, data)
    assert (result.added, result.unchanged, result.replaced) == (0, 1392, [])
    assert (data / "national" / "counts.csv").read_bytes() == before


def test_lait_from_a_spreadsheet_with_text_above_the_header(data_dir, tmp_path):
    file = write_xlsx(tmp_path / "lait.xlsx", LAIT_HEADER, LAIT_ROWS, cover_rows=3)
    result = import_lait(file, data_dir)
    assert result.added == 5
    rows = {p.row for p in result.problems}
    assert 9 in rows  # England: sheet row 9 (3 cover rows, the header, then row 5 of data)
    assert "sheet 'Data'" in str(result.problems[0])


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (fte("2024", "Westmorland and Furness", "149", "942.0"), "LA and Regions",
         "LA Number 942 is Cumberland"),
        (fte("2024", "Westmorland and Furness", "149", "943.0", "London"), "Region",
         "in another region"),
        (fte("2024", "Inner London", "150", "987.0", "NA"), "LA Number", "not an area"),
        (fte("2024", "North West", "900", "981.0", "NA"), "Values",
         "outside the range of its 3 member areas"),
    ],
)  # fmt: skip
def test_lait_rows_that_cannot_be_trusted_are_left_out(data_dir, tmp_path, row, column, message):
    rows = [fte("2024", "Cumberland", "184", "942.0"), fte("2024", "Bolton", "120", "350.0")]
    rows += [fte("2024", "Westmorland and Furness", "149", "943.0")] if column == "Values" else []
    file = write_csv(tmp_path / "lait.csv", LAIT_HEADER, rows + [row])
    result = import_lait(file, data_dir)
    problem = result.problems[-1]
    assert problem.row == len(rows) + 2 and problem.column == column
    assert message in str(problem) and problem.severity == "warning"
    assert result.added == len(rows)


@pytest.mark.parametrize(
    ("rows", "column", "message"),
    [
        ([fte("2024", "Cumberland", "lots", "942.0")], "Values", "is not a number"),
        ([fte("2024", "Cumberland", "-5", "942.0")], "Values", "is negative"),
        ([fte("2024", "Cumberland", "200000", "942.0")], "Values", "highest possible"),
        ([fte("2016-17", "Cumberland", "184", "942.0")], "Years", "is not a year"),
        ([fte("2024", "Cumberland", "184", "942.0"), fte("2024", "Cumberland", "185", "942.0")],
         "Values", "a second value"),
    ],
)  # fmt: skip
def test_malformed_lait_values_stop_the_import(data_dir, tmp_path, rows, column, message):
    before = (data_dir / "national" / "counts.csv").read_bytes()
    file = write_csv(tmp_path / "lait.csv", LAIT_HEADER, rows)
    with pytest.raises(InputError) as error:
        import_lait(file, data_dir)
    problem = error.value.problems[0]
    assert problem.column == column and message in str(problem)
    assert problem.row == len(rows) + 1
    assert (data_dir / "national" / "counts.csv").read_bytes() == before


def test_a_different_figure_already_there_is_a_conflict_unless_replaced(data_dir, tmp_path):
    write_csv(tmp_path / "old.csv", LAIT_HEADER, [fte("2024", "Cumberland", "184", "942.0")])
    import_lait(tmp_path / "old.csv", data_dir)
    before = (data_dir / "national" / "counts.csv").read_bytes()
    revised = [fte("2024", "Cumberland", "190", "942")]
    revised = write_csv(tmp_path / "new.csv", LAIT_HEADER, revised)
    with pytest.raises(InputError, match=r"184 .*-> 190"):
        import_lait(revised, data_dir)
    assert (data_dir / "national" / "counts.csv").read_bytes() == before
    result = import_lait(revised, data_dir, replace=True)
    assert len(result.replaced) == 1 and result.added == 0
    assert value(data_dir, CUMBERLAND, "fte_rate", "2024-01-01") == ["190"]


def test_missing_column_is_named(data_dir, tmp_path):
    file = write_csv(tmp_path / "lait.csv", LAIT_HEADER[:-2], [r[:-2] for r in LAIT_ROWS])
    with pytest.raises(InputError, match="LA Number, Region") as error:
        import_lait(file, data_dir)
    assert "no header row" in str(error.value)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("lait.txt", b"Short Desc\n", "not a format yjnb reads"),
        ("lait.csv", ",".join(LAIT_HEADER).encode() + b"\nFirstYJS,x,2024,Bl\xe6n,1,1,x\n",
         "is not UTF-8"),
        ("lait.csv", b"", "no header row"),
        ("lait.xlsx", b"not a zip file", "cannot be read as a .xlsx"),
    ],
)  # fmt: skip
def test_unreadable_files_are_reported(data_dir, tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError, match=message):
        import_lait(tmp_path / name, data_dir)


def test_yjb_ods_is_read(data_dir, tmp_path):
    path = tmp_path / "Outcome_Table.ods"
    pd.DataFrame([OUTCOME_HEADER] + OUTCOME_ROWS).to_excel(
        path, sheet_name="Data", header=False, index=False, engine="odf"
    )
    assert import_yjb(path, data_dir).added == 5


# --- YJB --------------------------------------------------------------------------------------


def test_yjb_custody_counts_are_summed_per_service_and_year(data_dir, tmp_path):
    file = write_xlsx(tmp_path / "Outcome_Table.xlsx", OUTCOME_HEADER, OUTCOME_ROWS)
    result = import_yjb(file, data_dir)
    assert result.problems == [] and result.added == 5
    fy = "2023-04-01"
    assert value(data_dir, W_AND_F, "custody", fy) == ["1"]  # the referral order is not custody
    assert value(data_dir, CUMBERLAND, "custody", fy) == ["3"]  # two rows, note marker dropped
    assert value(data_dir, CWHW, "custody", fy) == ["4"]  # the joint service, not one member
    assert value(data_dir, "E06000010", "custody", fy) == ["6"]  # the YJB's own spelling of Hull
    assert value(data_dir, "yjs-leicestershire", "custody", fy) == ["3"]  # service, not county
    counts = counts_of(data_dir)
    custody = counts[counts["measure"] == "custody"]
    assert set(custody["period_end"]) == {"2024-03-31"}
    assert custody["source"].str.contains("Outcome_Table.xlsx").all()
    assert custody["source"].str.contains("Custody").all()


def test_importing_the_same_yjb_file_twice_changes_nothing(data_dir, tmp_path):
    file = write_csv(tmp_path / "Outcome_Table.csv", OUTCOME_HEADER, OUTCOME_ROWS)
    import_yjb(file, data_dir)
    before = (data_dir / "national" / "counts.csv").read_bytes()
    again = import_yjb(file, data_dir)
    assert (again.added, again.unchanged) == (0, 5)
    assert (data_dir / "national" / "counts.csv").read_bytes() == before


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (outcome("2023-24", "Narnia", "North West", "", "Custody", "DTO", "1"), "YJS",
         "is not a service of areas.csv"),
        (outcome("2023-24", "Trafford", "London", "", "Custody", "DTO", "1"),
         "Wales or English Region", "not in this region"),
        (outcome("2023-24", "Trafford", "North West", "", "Custody", "DTO", "[c]"),
         "Number_Cautioned_Sentenced", "withholds its count"),
    ],
)  # fmt: skip
def test_yjb_rows_that_cannot_be_trusted_are_left_out(data_dir, tmp_path, row, column, message):
    trafford = outcome("2023-24", "Trafford", "North West", "", "Custody", "DTO", "2")
    file = write_csv(tmp_path / "Outcome_Table.csv", OUTCOME_HEADER, [trafford, row])
    result = import_yjb(file, data_dir)
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.column == column and message in str(problem)
    assert problem.severity == "warning"
    kept = [] if "withholds" in message else ["2"]  # a withheld part leaves no known total
    assert value(data_dir, "E08000009", "custody", "2023-04-01") == kept


@pytest.mark.parametrize(
    ("count", "year", "column", "message"),
    [
        ("1.5", "2023-24", "Number_Cautioned_Sentenced", "not a whole number"),
        ("some", "2023-24", "Number_Cautioned_Sentenced", "is not a number"),
        ("1", "2023", "Financial_Year", "is not a financial year"),
        ("1", "2023-25", "Financial_Year", "is not a financial year"),
    ],
)
def test_malformed_yjb_rows_stop_the_import(data_dir, tmp_path, count, year, column, message):
    before = (data_dir / "national" / "counts.csv").read_bytes()
    row = outcome(year, "Trafford", "North West", "", "Custody", "DTO", count)
    file = write_csv(tmp_path / "Outcome_Table.csv", OUTCOME_HEADER, [row])
    with pytest.raises(InputError) as error:
        import_yjb(file, data_dir)
    problem = error.value.problems[0]
    assert (problem.row, problem.column) == (2, column) and message in str(problem)
    assert (data_dir / "national" / "counts.csv").read_bytes() == before


def test_children_table_is_refused_as_not_first_time_entrants(data_dir, tmp_path):
    header = ["Financial_Year", "YJS", "England_Wales", "Wales or English Region", "PCC",
              "Age_Group", "Sex", "Number_Children"]  # fmt: skip
    rows = [["2023-24", "Trafford", "England", "North West", "Greater Manchester", "15-17",
             "Male", "30"]]  # fmt: skip
    file = write_csv(tmp_path / "Children_Table.csv", header, rows)
    with pytest.raises(InputError, match="neither first time entrants"):
        import_yjb(file, data_dir)


def test_outcome_table_without_its_tier_column_is_refused(data_dir, tmp_path):
    header = [c for c in OUTCOME_HEADER if c != "Caution_or_sentence_tier"]
    keep = [i for i, c in enumerate(OUTCOME_HEADER) if c in header]
    rows = [[r[i] for i in keep] for r in OUTCOME_ROWS]
    file = write_csv(tmp_path / "Outcome_Table.csv", header, rows)
    with pytest.raises(InputError, match="Caution_or_sentence_tier"):
        import_yjb(file, data_dir)


# --- the command -------------------------------------------------------------------------------


def test_cli_imports_and_reports(data_dir, tmp_path, capsys):
    file = write_csv(tmp_path / "lait.csv", LAIT_HEADER, LAIT_ROWS)
    assert main(["import", "lait", str(file), "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "5 added" in out and "warning: lait.csv, row 5" in out
    assert main(["import", "lait", str(file), "--data-dir", str(data_dir)]) == 0
    assert "0 added, 5 already there" in capsys.readouterr().out


def test_cli_reports_a_bad_file_without_a_traceback(data_dir, tmp_path, capsys):
    bad = [OUTCOME_ROWS[0][:-1] + ["x1"]]
    file = write_csv(tmp_path / "Outcome_Table.csv", OUTCOME_HEADER, bad)
    assert main(["import", "yjb", str(file), "--data-dir", str(data_dir)]) == 2
    captured = capsys.readouterr()
    assert "Outcome_Table.csv, row 2, column 'Number_Cautioned_Sentenced'" in captured.err
    assert "Traceback" not in captured.out + captured.err
