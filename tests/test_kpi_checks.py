"""Bad kpis.csv input: one located problem per mistake, errors and warnings as documented."""

import csv

import pytest

from yjnb.errors import InputError
from yjnb.load import check_local, load_local

SLUG = "westmorland-and-furness"
SHOWN = f"data/local/{SLUG}/kpis.csv"


def edit_kpis(ws, change):
    path = ws["data"] / "local" / SLUG / "kpis.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        records = list(csv.reader(handle))
    records = change(records)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(records)
    return records


def row_of(records, **where):
    """The spreadsheet row number (header = 1) of the first record matching ``where``."""
    names = records[0]
    for number, record in enumerate(records[1:], start=2):
        if all(record[names.index(k)] == v for k, v in where.items()):
            return number
    raise LookupError(where)


def find(records, **where):
    return records[row_of(records, **where) - 1]


def q(period="2023-24 Q1", **rest):
    return {"period": period, **rest}


def add_total(records, value):
    return [*records, ["2023-24 Q1", "accommodation", "all", "suitability", "Total", value]]


def respell(records):
    find(records, **q("2023-24 Q2", kpi="accommodation", category="Foster care"))[4] = (
        "foster care"
    )
    return records


def wrong_measure(records):
    return [*records, ["2023-24 Q1", "oocd", "all", "open_to", "Early help", "1"]]


def wrong_cohort(records):
    find(records, **q(kpi="accommodation", measure="suitability", category="Suitable"))[2] = (
        "post_16"
    )
    return records


def funnel(records):
    find(records, **q("2023-24 Q4", kpi="mental_health", measure="attended", category="No"))[5] = (
        "9"
    )
    return records


def ete_parts(records):
    find(records, **q(kpi="ete", cohort="all", measure="hours_offered", category="None"))[5] = "8"
    return records


CASES = {
    "stated total": (lambda r: add_total(r, "24"), "count", "is not the sum of the other"),
    "respelled category": (respell, "category", "is written differently"),
    "measure of another kpi": (wrong_measure, "measure", "is not a measure of the kpi oocd"),
    "cohort in the wrong place": (wrong_cohort, "cohort", "is not a cohort of the kpi"),
    "funnel": (funnel, "count", "the counts of mental_health attended for 2023-24 Q4 add up"),
    "ete cohorts": (ete_parts, "count", "is not the sum of the statutory_school_age and"),
}


@pytest.mark.parametrize("case", CASES)
def test_each_mistake_is_one_located_error(workspace_factory, case):
    change, column, message = CASES[case]
    ws = workspace_factory([SLUG])
    records = edit_kpis(ws, change)
    errors = [p for p in check_local(ws["data"], SLUG) if p.severity == "error"]
    assert len(errors) == 1, errors
    problem = errors[0]
    assert (problem.file, problem.column) == (SHOWN, column)
    assert message in problem.message
    assert 2 <= problem.row <= len(records)
    with pytest.raises(InputError):
        load_local(ws["data"], SLUG)


def test_the_located_row_is_the_faulty_one(workspace_factory):
    ws = workspace_factory([SLUG])
    records = edit_kpis(ws, respell)
    (problem,) = [p for p in check_local(ws["data"], SLUG) if p.severity == "error"]
    assert problem.row == row_of(records, category="foster care")
    assert problem.value == "foster care" and "'Foster care'" in problem.expected


def test_a_correct_stated_total_is_checked_then_left_out(workspace_factory):
    ws = workspace_factory([SLUG])
    edit_kpis(ws, lambda r: add_total(r, "23"))
    local = load_local(ws["data"], SLUG)
    assert "Total" not in set(local.kpis["category"])
    assert not [p for p in local.warnings if p.file == SHOWN]


def test_a_total_where_children_count_twice_is_a_warning_and_left_out(workspace_factory):
    ws = workspace_factory([SLUG])
    edit_kpis(ws, lambda r: [*r, ["2023-24 Q1", "victims", "all", "engagement", "TOTAL", "9"]])
    local = load_local(ws["data"], SLUG)
    (warning,) = [p for p in local.warnings if p.file == SHOWN]
    assert warning.column == "category" and "cannot be checked" in warning.message
    assert "TOTAL" not in set(local.kpis["category"])


def test_a_category_missing_from_a_quarter_is_a_warning(workspace_factory):
    ws = workspace_factory([SLUG])

    def drop(records):
        gone = row_of(records, **q("2023-24 Q3", kpi="wider_services", category="Early help"))
        return [r for i, r in enumerate(records, start=1) if i != gone]

    edit_kpis(ws, drop)
    local = load_local(ws["data"], SLUG)
    (warning,) = [p for p in local.warnings if p.file == SHOWN]
    assert "has no row for 'Early help' in 2023-24 Q3" in warning.message
    assert warning.row is not None and warning.column == "category"


def test_cohort_problems_never_quote_child_level_values(workspace_factory):
    ws = workspace_factory([SLUG])
    path = ws["data"] / "local" / SLUG / "cohort.csv"
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(
        text + "\nZZ-REF-1,Youth caution,2023-09-30,2023-09-01,9,Male,White,"
        "EHC plan,Looked after,Robbery\n",
        encoding="utf-8",
    )
    problems = [p for p in check_local(ws["data"], SLUG) if p.file.endswith("cohort.csv")]
    assert {p.column for p in problems} == {"disposal_end", "age"}
    assert all(p.value is None for p in problems)
    assert not any("2023-09" in str(p) or "ZZ-REF" in str(p) for p in problems)


def test_a_missing_category_that_breaks_a_sum_is_one_error_saying_so(workspace_factory):
    ws = workspace_factory([SLUG])

    def drop(records):
        gone = row_of(records, **q("2023-24 Q2", measure="accommodation_type",
                                   category="Living with other family"))  # fmt: skip
        return [r for i, r in enumerate(records, start=1) if i != gone]

    edit_kpis(ws, drop)
    problems = [p for p in check_local(ws["data"], SLUG) if p.file == SHOWN]
    assert len(problems) == 1 and problems[0].severity == "error"
    assert "no row for 'Living with other family' this quarter" in problems[0].message
