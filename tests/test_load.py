"""Loading and validating inputs: one case per kind of bad input, each located exactly."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from yjnb.errors import InputError, Problem
from yjnb.inputs.load import (
    LocalData,
    NationalData,
    check_local,
    check_national,
    load_local,
    load_national,
)
from yjnb.inputs.schemas import EXCLUSIVE_MEASURES, KPI_MEASURES, LOCAL_FILES, NATIONAL_FILES

SLUG = "sefton"

GOOD = {
    "national/areas.csv": """\
code,name,type,yjs_code,pcc_code,region_code
E92000001,England,nation,,,
E12000002,North West,region,,,E92000001
E23000005,Merseyside,pcc,,,E12000002
yjs-west,West Lancs YJS,yjs,,,E12000002
E08000014,Sefton,la,E08000014,E23000005,E12000002
E08000011,Knowsley,la,yjs-west,E23000005,E12000002
""",
    "national/neighbours.csv": """\
area_code,neighbour_code,rank,source
E08000014,E08000011,1,DfE statistical neighbours
E08000011,E08000014,,DfE statistical neighbours
""",
    "national/counts.csv": """\
area_code,measure,period_start,period_end,value,source
E08000014,population_10_17,2023-01-01,2023-12-31,25000,ONS mid-year estimates
E08000014,fte,2023-01-01,2023-12-31,40,YJB
E08000014,custody,2023-01-01,2023-12-31,3,YJB
E08000014,fte_rate,2023-01-01,2023-12-31,160.2,DfE LAIT
E08000014,reoffending_cohort,2021-04-01,2022-03-31,30,MoJ
E08000014,reoffenders,2021-04-01,2022-03-31,10,MoJ
E08000014,reoffences,2021-04-01,2022-03-31,45,MoJ
E08000014,reoffending_rate,2021-04-01,2022-03-31,33.3,MoJ
""",
    f"local/{SLUG}/kpis.csv": """\
period,kpi,cohort,measure,category,count
2023-24 Q1,accommodation,all,suitability,Suitable,20
2023-24 Q1,accommodation,all,suitability,Unsuitable,2
2023-24 Q1,ete,post_16,ete_type,Apprenticeship,3
2023-24 Q1,mental_health,all,identified_need,Yes,4
2023-24 Q1,oocd,all,outcome,Not completed,1
""",
    f"local/{SLUG}/board_attendance.csv": """\
meeting_date,partner,status
2024-03-12,Police,present
2024-03-12,Health,apologies
""",
    f"local/{SLUG}/budget.csv": """\
year,agency,staffing_costs,payments_in_kind,other_delegated_funds,total
2024-25,Local authority,401233,,0,401233
2024-25,YJB grant,320000,0,100686.50,420686.50
2024-25,Total,721233,0,100686.50,821919.50
""",
    f"local/{SLUG}/cohort.csv": """\
child_ref,disposal_type,disposal_start,disposal_end,age,sex,ethnicity,send,care_status,offence_group
C001,Referral Order,2023-05-01,2023-11-01,15,Male,White British,No,Not looked after,Violence
C002,Youth Caution,2023-06-01,,,,,,,
""",
    f"local/{SLUG}/population.csv": """\
group_type,group,population
sex,Male,12800
care_status,Looked after,160
""",
    f"local/{SLUG}/feedback.csv": """\
survey,question,response,count
Exit survey,Did you feel listened to?,Yes,12
""",
    f"local/{SLUG}/audits.csv": """\
audit,date,grade
Case audit,2024-01-15,Good
""",
}


def write_inputs(root: Path, edits: dict[str, str | bytes | None] | None = None) -> Path:
    """Write the good inputs under root/data, with some files replaced or removed."""
    files: dict[str, str | bytes | None] = {**GOOD, **(edits or {})}
    data = root / "data"
    for name, content in files.items():
        path = data / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif content is not None:
            path.write_text(content, encoding="utf-8")
    return data


def edit(name: str, old: str, new: str) -> dict[str, str]:
    text = GOOD[name]
    assert old in text, old
    return {name: text.replace(old, new, 1)}


def add(name: str, line: str) -> dict[str, str]:
    return {name: GOOD[name] + line + "\n"}


def problems_for(data: Path, name: str) -> list[Problem]:
    return check_national(data) if name.startswith("national") else check_local(data, SLUG)


# --- good input -----------------------------------------------------------------------------


def test_good_inputs_have_no_problems(tmp_path):
    data = write_inputs(tmp_path)
    assert check_national(data) == []
    assert check_local(data, SLUG) == []


def test_good_national_frames(tmp_path):
    national = load_national(write_inputs(tmp_path))
    assert isinstance(national, NationalData)
    assert list(national.areas.columns) == list(NATIONAL_FILES["areas"].column_names)
    assert national.areas["code"].tolist()[:2] == ["E92000001", "E12000002"]
    assert national.areas["yjs_code"].isna().sum() == 4
    assert national.areas["yjs_code"].iloc[0] is pd.NA  # blank is <NA>, never a float NaN
    assert national.neighbours["rank"].dtype == "Int64"
    counts = national.counts
    assert pd.api.types.is_datetime64_any_dtype(counts["period_start"])
    assert pd.api.types.is_datetime64_any_dtype(counts["period_end"])
    assert counts["value"].dtype == "float64"
    assert counts.loc[counts["measure"] == "fte_rate", "value"].item() == 160.2
    assert counts["period_end"].iloc[0] == pd.Timestamp("2023-12-31")
    assert set(national.files) == {"areas", "neighbours", "counts"}
    assert national.warnings == ()


def test_area_lookup(tmp_path):
    national = load_national(write_inputs(tmp_path))
    assert national.area("E08000014")["name"] == "Sefton"
    assert national.area("E08000014")["pcc_code"] == "E23000005"
    with pytest.raises(KeyError, match="E99999999"):
        national.area("E99999999")
    with pytest.raises(KeyError):
        national.area(national.area("E92000001")["region_code"])  # <NA>: England has none


def test_good_local_frames(tmp_path):
    data = write_inputs(tmp_path)
    local = load_local(data, SLUG, load_national(data))
    assert isinstance(local, LocalData)
    assert local.kpis["count"].tolist() == [20, 2, 3, 4, 1]
    assert local.kpis["count"].dtype == "int64"
    assert local.kpis["period"].iloc[0] == "2023-24 Q1"
    assert pd.api.types.is_datetime64_any_dtype(local.board_attendance["meeting_date"])
    assert local.budget["agency"].tolist() == ["Local authority", "YJB grant"]
    assert local.budget["total"].tolist() == [401233.0, 420686.5]
    assert local.budget["payments_in_kind"].iloc[0] == 0  # a blank amount is nothing
    assert local.cohort["age"].dtype == "Int64"
    assert pd.isna(local.cohort["disposal_end"].iloc[1])
    assert set(local.files) == set(LOCAL_FILES)
    assert local.files["kpis"] == data / "local" / SLUG / "kpis.csv"


def test_only_kpis_is_required(tmp_path):
    optional = {
        f"local/{SLUG}/{spec.name}": None for n, spec in LOCAL_FILES.items() if n != "kpis"
    }
    GOOD_WITHOUT = {k: v for k, v in GOOD.items() if k not in optional}
    for name, text in GOOD_WITHOUT.items():
        (tmp_path / "data" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "data" / name).write_text(text, encoding="utf-8")
    local = load_local(tmp_path / "data", SLUG)
    assert local.budget is None and local.cohort is None and local.audits is None
    assert set(local.files) == {"kpis"}


def test_budget_total_is_computed_when_the_column_is_absent(tmp_path):
    text = """\
year,agency,staffing_costs,payments_in_kind,other_delegated_funds
2024-25,Police,1000,500,
2024-25,TOTAL,1000,500,0
2023-24,Police,900,,
"""
    data = write_inputs(tmp_path, {f"local/{SLUG}/budget.csv": text})
    budget = load_local(data, SLUG).budget
    assert budget["agency"].tolist() == ["Police", "Police"]
    assert budget["total"].tolist() == [1500.0, 900.0]


def test_budget_totals_that_disagree_are_reported_and_not_used(tmp_path):
    # As printed in a published plan: the Total row's delegated funds say 0, one row holds
    # 100,686, and the printed grand total includes it.
    text = """\
year,agency,staffing_costs,payments_in_kind,other_delegated_funds,total
2024-25,Youth Justice Board,401233,0,0,401233
2024-25,Other,0,0,100686,100690
2024-25,Total,401233,0,0,501919
"""
    data = write_inputs(tmp_path, {B: text})
    local = load_local(data, SLUG)
    assert [(w.row, w.column, w.value, w.expected) for w in local.warnings] == [
        (3, "total", "100690", "100,686 (computed, and used)"),
        (4, "other_delegated_funds", "0", "100,686 (computed, and used)"),
    ]
    assert local.budget["total"].tolist() == [401233.0, 100686.0]


def test_tolerates_spreadsheet_habits(tmp_path):
    # a byte-order mark, CRLF line ends, padded cells, trailing empty cells and blank rows
    text = (
        GOOD[f"local/{SLUG}/kpis.csv"].replace("\n", ",,\r\n").replace("Suitable,", " Suitable ,")
    )
    raw = b"\xef\xbb\xbf" + text.replace("count,,", "count").encode() + b",,,,,,\r\n\r\n"
    data = write_inputs(tmp_path, {f"local/{SLUG}/kpis.csv": raw})
    assert check_local(data, SLUG) == []
    assert load_local(data, SLUG).kpis["category"].iloc[0] == "Suitable"


def test_kpis_csv_with_its_header_only_is_a_return_with_nothing_to_report(tmp_path):
    # A plan for a year before the KPIs began (April 2023) has no KPI return to give.
    data = write_inputs(
        tmp_path, {f"local/{SLUG}/kpis.csv": "period,kpi,cohort,measure,category,count\n"}
    )
    assert check_local(data, SLUG) == []
    assert load_local(data, SLUG).kpis.empty


def test_a_cohort_without_population_csv_is_one_note_saying_the_file_is_absent(tmp_path):
    data = write_inputs(tmp_path, {f"local/{SLUG}/population.csv": None})
    (note,) = check_local(data, SLUG)
    assert note.file.endswith("population.csv") and note.severity == "warning"
    assert "is absent" in note.message and "disproportionality table" in note.message
    without = write_inputs(tmp_path / "none", {POP: None, CO: None})
    assert check_local(without, SLUG) == []


def test_vocabularies():
    assert "suitability" in KPI_MEASURES["ete"]
    assert "open_to" not in EXCLUSIVE_MEASURES and "suitability" in EXCLUSIVE_MEASURES


# --- bad input: one case each -----------------------------------------------------------------

K = f"local/{SLUG}/kpis.csv"
B = f"local/{SLUG}/budget.csv"
BOARD = f"local/{SLUG}/board_attendance.csv"
CO = f"local/{SLUG}/cohort.csv"
A, N, C = "national/areas.csv", "national/neighbours.csv", "national/counts.csv"
POP = f"local/{SLUG}/population.csv"
KPI_ROW = "2023-24 Q1,accommodation,all,suitability,Suitable,20"
COUNT_ROW = "E08000014,fte,2023-01-01,2023-12-31,40,YJB"


@dataclass
class Case:
    file: str
    edits: dict
    row: int | None
    column: str | None
    value: str | None
    message: str
    severity: str = "error"


CASES = {
    "missing file": Case(A, {A: None}, None, None, None, "file not found"),
    "missing kpis": Case(K, {K: None}, None, None, None, "file not found"),
    "empty file": Case(K, {K: ""}, None, None, None, "file is empty"),
    "header only, optional file": Case(
        BOARD,
        {BOARD: "meeting_date,partner,status\n"},
        None,
        None,
        None,
        "has no data rows",
        "warning",
    ),
    "not utf-8": Case(
        K,
        {K: GOOD[K].replace("Apprenticeship", "Caf\xe9").encode("cp1252")},
        4,
        "category",
        "Caf\ufffd",
        "not UTF-8",
    ),
    "wrong field count": Case(
        K, edit(K, KPI_ROW, KPI_ROW + ",extra"), 2, None, "7", "wrong number of values"
    ),
    "unclosed quote": Case(
        K, add(K, '2023-24 Q2,ete,all,ete_type,"Unclosed,1'), 7, None, None, "not valid CSV"
    ),
    "missing column": Case(
        K,
        {K: "".join(line.rsplit(",", 1)[0] + "\n" for line in GOOD[K].splitlines())},
        None,
        "count",
        None,
        "column is missing",
    ),
    "capitalised column": Case(
        K, edit(K, "period,", "Period,"), None, "period", None, "found 'Period'"
    ),
    "duplicate column": Case(
        K,
        {K: GOOD[K].replace("\n", ",1\n").replace("count,1", "count,count")},
        None,
        "count",
        None,
        "more than once",
    ),
    "extra column": Case(
        A,
        {
            A: GOOD[A]
            .replace("region_code\n", "region_code,notes\n")
            .replace(",,,\n", ",,,,\n")
            .replace(",,E92000001\n", ",,E92000001,\n")
            .replace("E12000002\n", "E12000002,x\n")
        },
        None,
        "notes",
        None,
        "unexpected column",
        "warning",
    ),
    "non-numeric count": Case(
        K, edit(K, "Suitable,20", "Suitable,twenty"), 2, "count", "twenty", "not a number"
    ),
    "count with comma": Case(
        K, edit(K, "Suitable,20", 'Suitable,"1,200"'), 2, "count", "1,200", "not a number"
    ),
    "negative count": Case(K, edit(K, "Suitable,20", "Suitable,-3"), 2, "count", "-3", "negative"),
    "non-integer count": Case(
        K, edit(K, "Suitable,20", "Suitable,2.5"), 2, "count", "2.5", "not a whole number"
    ),
    "blank count": Case(K, edit(K, "Suitable,20", "Suitable,"), 2, "count", "", "is blank"),
    "blank category": Case(K, edit(K, "Unsuitable,2", ",2"), 3, "category", "", "is blank"),
    "unknown area code in counts": Case(
        C,
        add(C, "E08000999,fte,2023-01-01,2023-12-31,4,YJB"),
        10,
        "area_code",
        "E08000999",
        "not a code in areas.csv",
    ),
    "unknown neighbour code": Case(
        N,
        add(N, "E08000014,E0800XXXX,2,DfE"),
        4,
        "neighbour_code",
        "E0800XXXX",
        "not a code in areas.csv",
    ),
    "unknown neighbour area": Case(
        N,
        add(N, "E0800XXXX,E08000014,2,DfE"),
        4,
        "area_code",
        "E0800XXXX",
        "not a code in areas.csv",
    ),
    "unknown group code": Case(
        A,
        edit(A, "la,yjs-west,", "la,yjs-east,"),
        7,
        "yjs_code",
        "yjs-east",
        "not a code in areas.csv",
    ),
    "group of the wrong type": Case(
        A,
        edit(A, "E23000005,E12000002\nE08000011", "E12000002,E12000002\nE08000011"),
        6,
        "pcc_code",
        "E12000002",
        "wrong type",
        "warning",
    ),
    "unknown area type": Case(
        A,
        edit(A, "Merseyside,pcc", "Merseyside,police"),
        4,
        "type",
        "police",
        "not a known area type",
    ),
    "duplicate area code": Case(
        A, add(A, "E08000014,Sefton again,la,,,"), 8, None, "E08000014", "repeats row 6"
    ),
    "rank below 1": Case(N, edit(N, "E08000011,1,", "E08000011,0,"), 2, "rank", "0", "below 1"),
    "unknown kpi": Case(
        K,
        edit(
            K, "Q1,accommodation,all,suitability,Suitable", "Q1,housing,all,suitability,Suitable"
        ),
        2,
        "kpi",
        "housing",
        "not a known kpi",
    ),
    "unknown measure": Case(
        K,
        edit(K, "all,suitability,Suitable", "all,suitable,Suitable"),
        2,
        "measure",
        "suitable",
        "not a known measure",
    ),
    "measure of another kpi": Case(
        K,
        edit(K, "all,suitability,Unsuitable", "all,ete_type,Unsuitable"),
        3,
        "measure",
        "ete_type",
        "not a measure of the kpi",
    ),
    "cohort only for ete": Case(
        K,
        edit(
            K,
            "accommodation,all,suitability,Unsuitable",
            "accommodation,post_16,suitability,Unsuitable",
        ),
        3,
        "cohort",
        "post_16",
        "not a cohort of the kpi",
    ),
    "unknown cohort": Case(
        K, edit(K, "ete,post_16", "ete,post16"), 4, "cohort", "post16", "not a known cohort"
    ),
    "suitability category": Case(
        K,
        edit(K, "suitability,Suitable,", "suitability,suitable,"),
        2,
        "category",
        "suitable",
        "not a category of suitability",
    ),
    "yes/no category": Case(
        K,
        edit(K, "identified_need,Yes", "identified_need,Y"),
        5,
        "category",
        "Y",
        "not a category of identified_need",
    ),
    "outcome category": Case(
        K,
        edit(K, "outcome,Not completed", "outcome,Incomplete"),
        6,
        "category",
        "Incomplete",
        "not a category of outcome",
    ),
    "quarter with slash": Case(
        K, edit(K, "2023-24 Q1,ete", "2023/24 Q1,ete"), 4, "period", "2023/24 Q1", "not a quarter"
    ),
    "quarter years apart": Case(
        K, edit(K, "2023-24 Q1,ete", "2023-25 Q1,ete"), 4, "period", "2023-25 Q1", "not a quarter"
    ),
    "quarter 5": Case(
        K, edit(K, "2023-24 Q1,ete", "2023-24 Q5,ete"), 4, "period", "2023-24 Q5", "not a quarter"
    ),
    "budget year form": Case(
        B, edit(B, "2024-25,YJB", "2024/25,YJB"), 3, "year", "2024/25", "not a financial year"
    ),
    "counts date form": Case(
        C,
        edit(C, COUNT_ROW, "E08000014,fte,01/01/2023,2023-12-31,40,YJB"),
        3,
        "period_start",
        "01/01/2023",
        "YYYY-MM-DD",
    ),
    "counts impossible date": Case(
        C,
        edit(C, COUNT_ROW, "E08000014,fte,2023-01-01,2023-02-30,40,YJB"),
        3,
        "period_end",
        "2023-02-30",
        "YYYY-MM-DD",
    ),
    "counts start after end": Case(
        C,
        edit(C, COUNT_ROW, "E08000014,fte,2023-12-31,2023-01-01,40,YJB"),
        3,
        "period_end",
        "2023-01-01",
        "before period_start",
    ),
    "counts unknown measure": Case(
        C, edit(C, ",fte,", ",ftes,"), 3, "measure", "ftes", "not a known measure"
    ),
    "counts negative": Case(C, edit(C, "12-31,40,", "12-31,-40,"), 3, "value", "-40", "negative"),
    "counts fractional count": Case(
        C, edit(C, "12-31,40,", "12-31,40.5,"), 3, "value", "40.5", "not a whole number"
    ),
    "counts blank source": Case(C, edit(C, ",40,YJB", ",40,"), 3, "source", "", "is blank"),
    "fte above population": Case(
        C,
        edit(C, "12-31,40,", "12-31,25001,"),
        3,
        "value",
        "25001",
        "fte is above population_10_17",
    ),
    "custody above population": Case(
        C,
        edit(C, "12-31,3,", "12-31,30000,"),
        4,
        "value",
        "30000",
        "custody is above population_10_17",
    ),
    "reoffenders above cohort": Case(
        C,
        edit(C, "03-31,10,", "03-31,31,"),
        7,
        "value",
        "31",
        "reoffenders is above reoffending_cohort",
    ),
    "reoffending rate over 100": Case(
        C,
        edit(C, "03-31,33.3,", "03-31,133.3,"),
        9,
        "value",
        "133.3",
        "highest possible reoffending_rate",
    ),
    "duplicate counts": Case(
        C, add(C, COUNT_ROW), 10, None, "E08000014, fte, 2023-01-01, 2023-12-31", "repeats row 3"
    ),
    "duplicate kpis": Case(
        K,
        add(K, KPI_ROW.replace(",20", ",21")),
        7,
        None,
        "2023-24 Q1, accommodation, all, suitability, Suitable",
        "repeats row 2",
    ),
    "duplicate neighbours": Case(
        N,
        add(N, "E08000014,E08000011,2,DfE statistical neighbours"),
        4,
        None,
        "E08000014, E08000011, DfE statistical neighbours",
        "repeats row 2",
    ),
    "duplicate board": Case(
        BOARD,
        add(BOARD, "2024-03-12,Police,absent"),
        4,
        None,
        "2024-03-12, Police",
        "repeats row 2",
    ),
    "duplicate budget": Case(
        B, add(B, "2024-25,YJB grant,1,0,0,1"), 5, None, "2024-25, YJB grant", "repeats row 3"
    ),
    "meeting date form": Case(
        BOARD,
        edit(BOARD, "2024-03-12,Health", "12/03/2024,Health"),
        3,
        "meeting_date",
        "12/03/2024",
        "YYYY-MM-DD",
    ),
    "board status": Case(
        BOARD,
        edit(BOARD, "Police,present", "Police,Present"),
        2,
        "status",
        "Present",
        "not a known attendance status",
    ),
    "budget total column": Case(
        B,
        edit(B, "0,401233\n", "0,410233\n"),
        2,
        "total",
        "410233",
        "does not equal the sum",
        "warning",
    ),
    "budget Total row": Case(
        B,
        edit(B, "Total,721233,0,100686.50", "Total,721233,0,0"),
        4,
        "other_delegated_funds",
        "0",
        "sum of the other_delegated_funds",
        "warning",
    ),
    "budget not a number": Case(
        B, edit(B, "grant,320000", "grant,£320000"), 3, "staffing_costs", "£320000", "not a number"
    ),
    "cohort age": Case(
        CO,
        edit(CO, "2023-11-01,15,", "2023-11-01,9,"),
        2,
        "age",
        None,  # cohort.csv is child-level: values are withheld, even an age
        "outside the youth justice age range",
        "warning",
    ),
    "cohort end before start": Case(
        CO,
        edit(CO, "2023-05-01,2023-11-01", "2023-05-01,2023-04-01"),
        2,
        "disposal_end",
        None,
        "before disposal_start",
    ),
    "population group type": Case(
        POP,
        edit(POP, "sex,Male", "gender,Male"),
        2,
        "group_type",
        "gender",
        "not a known group type",
    ),
    "population negative": Case(
        POP, edit(POP, "Male,12800", "Male,-1"), 2, "population", "-1", "negative"
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_is_located(tmp_path, case):
    data = write_inputs(tmp_path, case.edits)
    found = problems_for(data, case.file)
    matches = [
        p
        for p in found
        if p.file == f"data/{case.file}"
        and p.row == case.row
        and p.column == case.column
        and p.value == case.value
        and case.message in p.message
        and p.severity == case.severity
    ]
    assert matches, "\n".join(f"{p!r}" for p in found)
    # one mistake, one message: nothing repeated as a consequence of the same bad cell
    assert len(found) == 1, "\n".join(f"{p!r}" for p in found)
    assert all(p.expected or p.severity == "warning" or "not found" in p.message for p in matches)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_load_raises_input_error_only_for_errors(tmp_path, case):
    data = write_inputs(tmp_path, case.edits)
    national = case.file.startswith("national")

    def load():
        return load_national(data) if national else load_local(data, SLUG)

    if case.severity == "error":
        with pytest.raises(InputError) as info:
            load()
        assert "Traceback" not in str(info.value)
        assert f"data/{case.file}" in str(info.value)
    else:
        assert any(case.message in w.message for w in load().warnings)


def test_not_utf8_is_reported_once_per_cell(tmp_path):
    raw = GOOD[K].replace(",20\n", ",2\xb30\n").encode("latin-1")
    problems = check_local(write_inputs(tmp_path, {K: raw}), SLUG)
    assert [(p.row, p.column) for p in problems] == [(2, "count")]


def test_every_problem_is_reported_at_once(tmp_path):
    kpis = GOOD[K].replace("Suitable,20", "Suitable,-1").replace("2023-24 Q1,ete", "Q5,ete")
    data = write_inputs(tmp_path, {K: kpis, B: GOOD[B].replace("2024-25,YJB", "2024,YJB")})
    with pytest.raises(InputError) as info:
        load_local(data, SLUG)
    located = {(p.file.rsplit("/", 1)[1], p.row, p.column) for p in info.value.problems}
    assert located >= {
        ("kpis.csv", 2, "count"),
        ("kpis.csv", 4, "period"),
        ("budget.csv", 3, "year"),
    }
    assert "Traceback" not in str(info.value)


def test_unknown_authority_folder(tmp_path):
    data = write_inputs(tmp_path)
    [problem] = check_local(data, "nowhere")
    assert problem.file == "data/local/nowhere"
    assert "folder not found" in problem.message
    with pytest.raises(InputError):
        load_local(data, "nowhere")


def test_reoffences_may_exceed_reoffenders_and_cohort(tmp_path):
    # one child can reoffend many times: reoffences has no ceiling
    data = write_inputs(tmp_path, edit(C, "03-31,45,", "03-31,450,"))
    assert check_national(data) == []


def test_cohort_problems_never_quote_child_data(tmp_path):
    secret = "ZQX"
    cohort = (
        "child_ref,disposal_type,disposal_start,disposal_end,age,sex,ethnicity,send,care_status,"
        "offence_group\n"
        f",{secret} order,2023-05-01,2023-04-01,25,{secret},{secret},No,{secret},{secret}\n"
        f"{secret}1,{secret},2023-13-01,,x,,,,,,{secret}\n"
        f"{secret}2,,2023-05-01,,15,,,,,\n"
        f"{secret}3,{secret}\xe9,2023-05-01,,15,,{secret}\xe9,,,\n"
    ).encode("latin-1")
    problems = check_local(write_inputs(tmp_path, {CO: cohort}), SLUG)
    located = {(p.row, p.column) for p in problems}
    assert {
        (2, "child_ref"),
        (2, "disposal_end"),
        (2, "age"),
        (3, None),
        (4, "disposal_type"),
        (5, "disposal_type"),
        (5, "ethnicity"),
    } <= located
    withheld = [p for p in problems if p.column in ("disposal_type", "ethnicity") and p.row == 5]
    assert len(withheld) == 2
    assert all(p.value is None and "value withheld" in p.message for p in withheld)
    assert all(secret not in str(p) for p in problems)


STRANGE_FILES = {
    "only a newline": b"\n",
    "only a byte-order mark": b"\xef\xbb\xbf",
    "an image": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "utf-16": GOOD[K].encode("utf-16"),
    "nul bytes": GOOD[K].encode().replace(b"Suitable", b"Suit\x00able"),
    "a huge field": (GOOD[K] + "2023-24 Q2,ete,all,ete_type," + "x" * 200_000 + ",1\n").encode(),
    "blank lines above the header": b"\n\n" + GOOD[K].encode(),
    "a header of blanks": b" , ,\n1,2,3\n",
    "a quoted newline": GOOD[K].replace("Apprenticeship", '"Appren\nticeship"').encode(),
}


@pytest.mark.parametrize("raw", STRANGE_FILES.values(), ids=STRANGE_FILES.keys())
def test_strange_files_give_problems_not_tracebacks(tmp_path, raw):
    data = write_inputs(tmp_path, {K: raw})
    problems = check_local(data, SLUG)
    assert all(isinstance(p, Problem) and p.file == f"data/{K}" for p in problems)
    try:
        load_local(data, SLUG)
    except InputError as err:
        assert err.problems and "Traceback" not in str(err)


def test_a_folder_where_a_file_should_be(tmp_path):
    data = write_inputs(tmp_path, {K: None})
    (data / K).mkdir()
    [problem] = check_local(data, SLUG)
    assert problem.message == "file not found"


def test_utf16_is_named(tmp_path):
    [problem] = check_local(write_inputs(tmp_path, {K: GOOD[K].encode("utf-16")}), SLUG)
    assert "UTF-16" in problem.message and problem.row is None


def test_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path):
    # two blank lines above the header, a quoted line break inside a cell, a blank line
    text = "\n\n" + GOOD[K].replace("Apprenticeship", '"Appren\nticeship"') + "\n"
    text += "2023-24 Q2,ete,all,ete_type,Training,-1\n"
    [problem] = check_local(write_inputs(tmp_path, {K: text}), SLUG)
    assert (problem.row, problem.column, problem.value) == (10, "count", "-1")


def _without_column(text: str, column: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    drop = rows[0].index(column)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:drop] + r[drop + 1 :] for r in rows])
    return out.getvalue()


EVERY_COLUMN = [
    (name, col)
    for name in GOOD
    for col in GOOD[name].splitlines()[0].split(",")
    if not (name.endswith("budget.csv") and col == "total")
]


@pytest.mark.parametrize(
    ("name", "column"), EVERY_COLUMN, ids=[f"{n}:{c}" for n, c in EVERY_COLUMN]
)
def test_each_missing_column_is_one_problem(tmp_path, name, column):
    data = write_inputs(tmp_path, {name: _without_column(GOOD[name], column)})
    problems = problems_for(data, name)
    assert [(p.file, p.column, p.message) for p in problems] == [
        (f"data/{name}", column, "column is missing")
    ]
