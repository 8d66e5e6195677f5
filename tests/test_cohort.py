"""Cohort profile, disproportionality, voice of the child and audit grades."""

import math
from fractions import Fraction

import pandas as pd
import pytest
from scipy.stats import binomtest

import yjnb
from yjnb.sections.cohort import (
    average_age,
    cohort_counts,
    cohort_profile,
    cohort_summary,
    cohort_years,
    disposal_tiers,
)
from yjnb.sections.disproportionality import (
    MIN_CHILDREN,
    disproportionality_table,
    reading,
    relative_rate,
)
from yjnb.sections.performance_appendix import feedback_charts
from yjnb.sections.standards import audit_table

WF = "westmorland-and-furness"


@pytest.fixture(scope="module")
def plan():
    return yjnb.open_plan(WF)


def two_year_plan(workspace_factory, slug=WF):
    """A workspace whose cohort.csv also has the year before, each disposal a year earlier."""
    ws = workspace_factory([slug])
    path = ws["data"] / "local" / slug / "cohort.csv"
    cohort = pd.read_csv(path, dtype=str)
    earlier = cohort.iloc[::2].copy()
    for column in ("disposal_start", "disposal_end"):
        dates = pd.to_datetime(earlier[column]) - pd.DateOffset(years=1)
        earlier[column] = dates.dt.strftime("%Y-%m-%d")
    earlier["child_ref"] = "OLD-" + earlier["child_ref"]
    pd.concat([earlier, cohort]).to_csv(path, index=False)
    return yjnb.open_plan(slug, params_dir=ws["params"], data_dir=ws["data"])


def test_relative_rate_interval_is_exact():
    # Given a + b in the cohort, a is binomial: the Clopper-Pearson limits of a / (a + b),
    # from the binomial test's own exact interval, turned into a ratio of rates.
    ratio, lower, upper = relative_rate(23, 957, 77, 18_189)
    assert ratio == pytest.approx((23 / 957) / (77 / 18_189))
    limits = binomtest(23, 100).proportion_ci(0.95, method="exact")
    odds = 18_189 / 957
    assert lower == pytest.approx(limits.low / (1 - limits.low) * odds, rel=1e-9)
    assert upper == pytest.approx(limits.high / (1 - limits.high) * odds, rel=1e-9)
    assert relative_rate(0, 100, 5, 1000) is None


def test_warwickshire_mixed_group_is_no_clear_difference():
    # Warwickshire's bundled 2023-24 cohort: 12 of the 2,597 Mixed children, 123 of the
    # 50,401 others. Katz's log interval, 1.048 to 3.421, excluded 1 and read "higher";
    # the exact interval includes 1.
    ratio, lower, upper = relative_rate(12, 2_597, 123, 50_401)
    assert ratio == pytest.approx(float(Fraction(12 * 50_401, 2_597 * 123)))
    assert (round(lower, 3), round(upper, 3)) == (0.952, 3.428)
    assert lower < 1 < upper
    katz = math.exp(1.959963984540054 * math.sqrt(1 / 12 - 1 / 2597 + 1 / 123 - 1 / 50_401))
    assert ratio / katz > 1  # what the log method said


def test_warwickshire_mixed_group_reads_no_clear_difference_on_the_page():
    plan = yjnb.open_plan("warwickshire")
    table = disproportionality_table(plan).for_profile("board", 5)
    mixed = table.data[table.data["group"] == "Mixed or Multiple ethnic groups"].iloc[0]
    assert (mixed["cohort_count"], mixed["population"]) == (12, 2597)
    assert mixed["assessment"] == "no clear difference"
    assert (mixed["ci_lower"], mixed["ci_upper"]) == (0.952, 3.428)
    assert any("exact" in note and "Clopper-Pearson" in note for note in table.notes)


@pytest.mark.parametrize(
    ("interval", "start"),
    [((2.0, 1.5, 2.7), "Children with X are 2.00 times as likely"),
     ((0.5, 0.3, 0.8), "Children with X are less likely"),
     ((1.2, 0.8, 1.9), "No clear difference: children with X")],
)  # fmt: skip
def test_readings_are_plain_words_that_follow_the_interval(interval, start):
    text = reading("Children with X", *interval)
    assert text.startswith(start) and "95% confidence interval" in text


def test_children_with_an_ehc_plan_are_shown_as_over_represented(plan):
    table = disproportionality_table(plan).for_profile("board", 5)
    ehc = table.data.set_index(["group_type", "group"]).loc[("send", "EHC plan")]
    assert ehc["cohort_count"] == 23 and ehc["population"] == 957
    assert ehc["assessment"] == "higher" and ehc["ci_lower"] > 1
    row = table.view[table.view["Group"] == "SEND: EHC plan"].iloc[0]
    assert "are 5." in row["Reading"] and "times as likely" in row["Reading"]
    assert set(table.data["group_type"]) == {"ethnicity", "sex", "send", "care_status"}


def test_small_groups_are_too_small_to_say_not_a_ratio(plan):
    table = disproportionality_table(plan).for_profile("board", 5)
    small = table.data[table.data["cohort_count"].astype(float) < MIN_CHILDREN]
    assert not small.empty
    assert (small["assessment"] == "too few children to say").all() and small["rri"].isna().all()


def test_public_disproportionality_hides_ratios_built_on_hidden_counts(plan):
    table = disproportionality_table(plan).for_profile("public", 5)
    hidden = table.data[table.data["cohort_count"] == "[c]"]
    assert not hidden.empty and (hidden["rri"] == "[c]").all()
    assert (hidden["cohort_percent"] == "[c]").all()


def test_every_characteristic_adds_up_to_the_children(plan):
    table = cohort_profile(plan).for_profile("board", 5)
    children = table.data[table.data["measure"] == "children"]
    totals = children.groupby("characteristic")["count"].sum()
    assert (totals == 100).all() and len(totals) == 8
    tiers = children[children["characteristic"] == "tier"].set_index("group")["count"]
    types = children[children["characteristic"] == "disposal_type"].set_index("group")["count"]
    for tier in tiers.index:
        mine = [t for t, in_tier in disposal_tiers().items() if in_tier == tier and t in types]
        assert tiers[tier] == types[mine].sum()


def test_summary_counts_children_once_and_disposals_each(plan):
    table = cohort_summary(plan).for_profile("board", 5)
    values = table.data.set_index("figure")["value"]
    assert values["children"] == 100 and values["disposals"] == 106
    assert values["average_age"] == float(average_age(plan.local.cohort, "2023-24"))


def test_average_age_is_hidden_where_an_age_count_is():
    trafford = yjnb.open_plan("trafford")
    public = cohort_summary(trafford).for_profile("public", 5).data.set_index("figure")
    assert public.loc["average_age", "value"] == "[c]"
    assert public.loc["children", "value"] == 64


def test_two_years_give_year_on_year_change(workspace_factory):
    plan = two_year_plan(workspace_factory)
    years = cohort_years(plan.local.cohort, plan.config.year)
    assert (years.year, years.previous) == ("2023-24", "2022-23")
    summary = cohort_summary(plan).for_profile("board", 5)
    assert list(summary.view.columns) == ["Figure", "2023-24", "2022-23", "Change"]
    change = summary.view.set_index("Figure").loc["Children", "Change"]
    assert change.startswith("▲ up ")
    profile = cohort_profile(plan).for_profile("board", 5)
    assert "Change in children" in profile.view.columns
    assert {"previous_year", "previous_count", "change"} <= set(profile.data.columns)
    public = cohort_profile(plan).for_profile("public", 5).data
    hidden = public[(public["count"] == "[c]") | (public["previous_count"] == "[c]")]
    assert (hidden["change"] == "[c]").all()


def test_bundled_warwickshire_has_two_years_to_compare():
    plan = yjnb.open_plan("warwickshire")
    years = cohort_years(plan.local.cohort, plan.config.year)
    assert (years.year, years.previous) == ("2023-24", "2022-23")
    view = cohort_summary(plan).for_profile("board", 5).view.set_index("Figure")
    assert (view.loc["Children", "2023-24"], view.loc["Children", "2022-23"]) == ("135", "114")
    assert view.loc["Children", "Change"] == "▲ up 21"


def test_a_free_text_label_of_a_few_children_is_not_shown_in_public(workspace_factory):
    ws = workspace_factory([WF])
    path = ws["data"] / "local" / WF / "cohort.csv"
    cohort = pd.read_csv(path, dtype=str)
    cohort.loc[cohort.index[-1], "offence_group"] = "Set fire to the garage at home"
    cohort.to_csv(path, index=False)
    plan = yjnb.open_plan(WF, params_dir=ws["params"], data_dir=ws["data"])
    board = cohort_profile(plan).for_profile("board", 5)
    public = cohort_profile(plan).for_profile("public", 5)
    assert "Set fire" in board.to_html() and "Set fire" not in public.to_html()
    assert "Set fire" not in public.to_csv()
    assert "Other group 1 (name not shown)" in public.to_csv()


def test_cohort_counts_bound_children_by_disposals(plan):
    years = cohort_years(plan.local.cohort, plan.config.year)
    counts = cohort_counts(plan.local.cohort, years)
    frame = counts.frame
    for cell, bound in counts.at_most:
        assert frame.loc[cell, "measure"] == "children"
        assert frame.loc[bound, "measure"] == "disposals"
        assert frame.loc[cell, "count"] <= frame.loc[bound, "count"]


def test_feedback_is_charted_with_counts_and_suppressed_in_public(plan):
    (chart,) = feedback_charts(plan)
    board, public = chart.for_profile("board", 5), chart.for_profile("public", 5)
    assert board.title == "Voice of the child: Young people's feedback survey 2023-24"
    assert "Excellent Help 7 (63.6%)" in board.alt and "Good Help 2 (18.2%)" in board.alt
    assert "Good Help not shown (small numbers)" in public.alt and "[c]" in public.data.to_csv()
    assert board.data.id == "feedback_1"


def test_audit_grades_are_a_table_in_grade_order(plan):
    table = audit_table(plan)
    assert list(table.view.columns) == ["Audit", "Date", "Outstanding", "Good", "Inadequate",
                                        "Audits"]  # fmt: skip
    first = table.view.iloc[0]
    assert (first["Outstanding"], first["Good"], first["Audits"]) == ("1 (6.3%)", "13 (81.3%)",
                                                                      "16")  # fmt: skip
    assert not table.illustrative  # the grades are the service's published ones


def test_sections_are_empty_without_their_files(workspace_factory):
    ws = workspace_factory([WF])
    for name in ("cohort.csv", "audits.csv", "feedback.csv", "board_attendance.csv"):
        (ws["data"] / "local" / WF / name).unlink()
    plan = yjnb.open_plan(WF, params_dir=ws["params"], data_dir=ws["data"])
    assert yjnb.cohort_section(plan) == [] and yjnb.standards_section(plan) == []
    assert yjnb.feedback_charts(plan) == [] and yjnb.kpi_section(plan, "board_attendance") == []
    assert len(yjnb.kpi_section(plan, "victims")) == 3  # heading, chart, table
    board_row = yjnb.kpi_headlines(plan).for_profile("board", 5).view
    assert not board_row["Indicator"].str.startswith("KPI 8").any()


def _with_unknowns(workspace_factory):
    """W&F with one child of unknown ethnicity, one whose sex is blank, one 'Not known' type."""
    ws = workspace_factory([WF])
    path = ws["data"] / "local" / WF / "cohort.csv"
    cohort = pd.read_csv(path, dtype=str)
    latest = cohort.index[cohort["disposal_end"].str.startswith("2024-0")]
    cohort.loc[latest[0], "ethnicity"] = "Unknown"
    cohort.loc[latest[1], "sex"] = None
    cohort.loc[latest[2], "disposal_type"] = "Not known"
    cohort.to_csv(path, index=False)
    return ws, yjnb.open_plan(WF, params_dir=ws["params"], data_dir=ws["data"])


def test_unknown_groups_keep_their_names_in_public_in_every_table(workspace_factory):
    _, plan = _with_unknowns(workspace_factory)
    profile = cohort_profile(plan).for_profile("public", 5).view["Characteristic"]
    ratios = disproportionality_table(plan).for_profile("public", 5).view["Group"]
    for shown in (profile, ratios):
        assert {"Ethnicity: Unknown", "Sex: Not recorded"} <= set(shown), list(shown)
        assert not shown.str.contains("name not shown").any()


def test_a_not_known_disposal_type_is_not_reported_as_unlisted(workspace_factory):
    _, plan = _with_unknowns(workspace_factory)
    cohort_profile(plan)
    assert not [w for w in plan.warnings if w.column == "disposal_type"], plan.warnings
    view = cohort_profile(plan).for_profile("board", 5).view["Characteristic"]
    assert {"Type of disposal: Not known", "Tier of disposal: Other or not known"} <= set(view)


def test_without_population_csv_one_note_says_it_is_absent(workspace_factory):
    ws = workspace_factory([WF])
    (ws["data"] / "local" / WF / "population.csv").unlink()
    plan = yjnb.open_plan(WF, params_dir=ws["params"], data_dir=ws["data"])
    disproportionality_table(plan)
    notes = [w for w in plan.warnings if w.file.endswith("population.csv")]
    assert len(notes) == 1, notes
    assert "is absent" in notes[0].message and "relative rate index" in notes[0].message
