"""Bad kpis.csv input: one located problem per mistake; what cannot be read refuses the build,
figures that disagree with one another are one data-quality note each and still build."""

import csv

import pytest

from yjnb.errors import InputError
from yjnb.inputs.load import check_local, load_local

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


ERRORS = {
    "respelled category": (respell, "category", "is written differently"),
    "measure of another kpi": (wrong_measure, "measure", "is not a measure of the kpi oocd"),
    "cohort in the wrong place": (wrong_cohort, "cohort", "is not a cohort of the kpi"),
    "unknown headline category": (
        lambda r: [*r, ["2023-24 Q2", "oocd", "all", "outcome", "Ongoing", "1"]],
        "category",
        "is not a category of outcome",
    ),
}


def unknown_suitability(records):
    return [*records, ["2023-24 Q2", "accommodation", "all", "suitability", "Unknown", "1"]]


def hours_attended(records):
    find(records, **q("2023-24 Q2", kpi="ete", cohort="all", measure="hours_attended",
                      category="None"))[5] = "7"  # fmt: skip
    return records


NOTES = {
    "stated total": (
        lambda r: add_total(r, "24"),
        "count",
        "is not the sum of the other categories of accommodation suitability (all) for "
        "2023-24 Q1: the tables show the categories with their own sum, 23",
    ),
    "funnel": (
        funnel,
        "count",
        "the counts of mental_health for 2023-24 Q4 disagree: referred counts 5 children as "
        "'Yes', but attended adds up to 13",
    ),
    "ete cohorts": (
        ete_parts,
        "count",
        "the all counts of ete hours_offered for 2023-24 Q1 are not the sum of the "
        "statutory_school_age and post_16 counts: 'None' (8; the cohorts add up to 7)",
    ),
    "an unknown suitability": (
        unknown_suitability,
        "count",
        "the counts of accommodation for 2023-24 Q2 disagree: suitability counts 31 children, "
        "but accommodation_type adds up to 30",
    ),
    "hours attended off by one": (
        hours_attended,
        "count",
        "the all counts of ete hours_attended for 2023-24 Q2 are not the sum of the "
        "statutory_school_age and post_16 counts: 'None' (7; the cohorts add up to 6)",
    ),
}


@pytest.mark.parametrize("case", ERRORS)
def test_what_cannot_be_read_is_one_located_error(workspace_factory, case):
    change, column, message = ERRORS[case]
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


@pytest.mark.parametrize("case", NOTES)
def test_figures_that_disagree_are_one_located_note_and_load(workspace_factory, case):
    change, column, message = NOTES[case]
    ws = workspace_factory([SLUG])
    records = edit_kpis(ws, change)
    problems = [p for p in check_local(ws["data"], SLUG) if p.file == SHOWN]
    assert len(problems) == 1, problems
    (problem,) = problems
    assert problem.severity == "warning" and problem.column == column
    assert message in problem.message, problem.message
    assert 2 <= problem.row <= len(records)
    local = load_local(ws["data"], SLUG)
    assert problem in local.warnings


def test_a_wrong_stated_total_is_left_out_and_the_parts_kept(workspace_factory):
    ws = workspace_factory([SLUG])
    edit_kpis(ws, lambda r: add_total(r, "24"))
    kpis = load_local(ws["data"], SLUG).kpis
    q1 = kpis[(kpis["period"] == "2023-24 Q1") & (kpis["kpi"] == "accommodation")
              & (kpis["measure"] == "suitability")]  # fmt: skip
    assert dict(zip(q1["category"], q1["count"], strict=True)) == {"Suitable": 22, "Unsuitable": 1}


@pytest.mark.parametrize("label", ["Unknown", "Not known", "Not recorded"])
def test_unknown_categories_are_accepted_in_every_headline_measure(workspace_factory, label):
    ws = workspace_factory([SLUG])
    measures = [("accommodation", "suitability"), ("send", "formal_plan"),
                ("mental_health", "identified_need"), ("oocd", "outcome")]  # fmt: skip
    edit_kpis(ws, lambda r: [*r, *(["2023-24 Q4", k, "all", m, label, "0"] for k, m in measures)])
    local = load_local(ws["data"], SLUG)
    assert (local.kpis["category"] == label).sum() == len(measures)
    # A category a return lists only when it has some is not missing from other quarters.
    assert not [p for p in local.warnings if "no row for" in p.message]


def test_a_disagreement_in_several_measures_is_one_note_for_each_cohort(workspace_factory):
    ws = workspace_factory([SLUG])
    added = [["2023-24 Q3", "ete", cohort, "suitability", "Not known", "1"]
             for cohort in ("post_16", "all")]  # fmt: skip
    edit_kpis(ws, lambda r: [*r, *added])
    problems = [p for p in check_local(ws["data"], SLUG) if p.file == SHOWN]
    assert [p.message.split(" disagree")[0] for p in problems] == [
        "the counts of ete for 2023-24 Q3",
        "the counts of ete (post_16) for 2023-24 Q3",
    ]
    for problem in problems:
        assert "ete_type adds up to" in problem.message
        assert "hours_offered adds up to" in problem.message
        assert "hours_attended adds up to" in problem.message


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


def test_a_missing_category_that_breaks_a_sum_is_one_note_saying_so(workspace_factory):
    ws = workspace_factory([SLUG])

    def drop(records):
        gone = row_of(records, **q("2023-24 Q2", measure="accommodation_type",
                                   category="Living with other family"))  # fmt: skip
        return [r for i, r in enumerate(records, start=1) if i != gone]

    edit_kpis(ws, drop)
    problems = [p for p in check_local(ws["data"], SLUG) if p.file == SHOWN]
    assert len(problems) == 1 and problems[0].severity == "warning"
    assert "no row for 'Living with other family' this quarter" in problems[0].message


def test_a_category_missing_from_several_quarters_is_one_note(workspace_factory):
    ws = workspace_factory([SLUG])

    def drop(records):
        return [r for r in records if not (r[1] == "wider_services" and r[4] == "Early help"
                                           and r[0] != "2023-24 Q1")]  # fmt: skip

    edit_kpis(ws, drop)
    (problem,) = [p for p in check_local(ws["data"], SLUG) if p.file == SHOWN]
    assert "'Early help' in 2023-24 Q2, 2023-24 Q3 and 2023-24 Q4" in problem.message
