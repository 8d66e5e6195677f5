"""Comparisons honest about time, coverage and small numbers; aggregates checked everywhere.

Each test names the rule it holds: the figures are small hand-checked worlds (section4_world
for Westmorland and Furness with seed 000's counts) and exact computations with scipy.
"""

from __future__ import annotations

from html import unescape

import pandas as pd
import pytest
from scipy.stats import chi2
from section4_world import CUMBERLAND, CUMBRIA, ENGLAND, FY, PREVIOUS, TRAFFORD, WF, national

from yjnb.inputs.config import PlanConfig
from yjnb.inputs.load import NationalData
from yjnb.present.tables import Table
from yjnb.sections import trends
from yjnb.sections.comparisons import compare_authority, comparison_table
from yjnb.stats.aggregates import resolve_counts
from yjnb.stats.indicators import compare, compute_indicators, format_limit, format_value

COUNT_MEASURES = ["fte", "reoffenders", "reoffending_cohort", "reoffences", "custody",
                  "population_10_17"]  # fmt: skip
CONFIG = PlanConfig(name="Westmorland and Furness YJS", area_code=WF, year="2024-25")


def with_counts(data: NationalData, rows: list[tuple], drop=()) -> NationalData:
    """The world's national data with rows (area, measure, (start, end), value) added."""
    added = pd.DataFrame(
        [(a, m, pd.Timestamp(p[0]), pd.Timestamp(p[1]), float(v), "test") for a, m, p, v in rows],
        columns=data.counts.columns,
    )
    kept = data.counts[~data.counts.apply(lambda r: (r.area_code, r.measure) in drop, axis=1)]
    return NationalData(data.areas, data.neighbours, pd.concat([kept, added], ignore_index=True))


# --- every published aggregate checked ---------------------------------------------------


@pytest.mark.parametrize("measure", COUNT_MEASURES)
def test_aggregate_that_differs_from_its_members_names_both_figures_and_the_members(measure):
    data = with_counts(national(), [(CUMBRIA, measure, FY, 60), (WF, measure, FY, 20),
                                    (CUMBERLAND, measure, FY, 30)],
                       drop={(WF, measure), (CUMBERLAND, measure)})  # fmt: skip
    result = resolve_counts(data.counts, data.areas, [CUMBRIA], [measure], [FY])
    assert [w.message for w in result.warnings] == [
        f"Cumbria ({CUMBRIA}): published {measure} for 2023-04-01 to 2024-03-31 is 60, but its "
        "2 member areas sum to 50 (Westmorland and Furness 20, Cumberland 30)"
    ]


@pytest.mark.parametrize("measure", COUNT_MEASURES)
def test_aggregate_with_a_member_missing_names_it_rather_than_skipping(measure):
    data = with_counts(national(), [(CUMBRIA, measure, FY, 60), (WF, measure, FY, 20)],
                       drop={(WF, measure), (CUMBERLAND, measure)})  # fmt: skip
    result = resolve_counts(data.counts, data.areas, [CUMBRIA], [measure], [FY])
    assert [w.message for w in result.warnings] == [
        f"Cumbria ({CUMBRIA}): published {measure} for 2023-04-01 to 2024-03-31 (60) is not "
        "checked against its 2 member areas: 1 of them has no figure (Cumberland)"
    ]
    # A check that could not be made is a note, not a problem with the inputs: --strict passes.
    assert [w.severity for w in result.warnings] == ["note"]


def test_aggregate_rate_outside_its_members_names_them():
    data = with_counts(national(), [(CUMBRIA, "fte_rate", FY, 90), (WF, "fte_rate", FY, 60),
                                    (CUMBERLAND, "fte_rate", FY, 80)],
                       drop={(WF, "fte"), (CUMBERLAND, "fte")})  # fmt: skip
    result = compute_indicators(data.counts, data.areas, [CUMBRIA], ["fte_rate"])
    assert (
        f"Cumbria ({CUMBRIA}): fte_rate for 2023-04-01 to 2024-03-31 is 90, outside the range "
        "of its 2 member areas (60 to 80: Westmorland and Furness 60, Cumberland 80)"
    ) in [w.message for w in result.warnings]


# --- time and coverage ---------------------------------------------------------------------


def test_comparator_without_the_services_period_is_shown_for_its_own_and_not_compared():
    trafford = [(TRAFFORD, "fte", PREVIOUS, 70), (TRAFFORD, "population_10_17", PREVIOUS, 26_005)]
    data = with_counts(national(), trafford, drop={(TRAFFORD, "fte"),
                                                   (TRAFFORD, "population_10_17")})  # fmt: skip
    table = comparison_table(compare_authority(CONFIG, data), "fte_rate")
    row = table.view.set_index("Area").loc["Trafford"]
    assert row["Period"] == "2022-23"
    assert table.view.set_index("Area").loc["Westmorland and Furness", "Period"] == "2023-24"
    assert row["First time entrants rate (per 100,000 children aged 10-17)"] == format_value(
        "fte_rate", 70 / 26_005 * 100_000
    )
    assert row["Westmorland and Furness compared with this area"] == "Not compared (other period)"
    assert any(n.startswith("Trafford: no figure for 2023-24") for n in table.notes)
    # and it is not ranked with the 2023-24 figures
    chart = trends.comparison_chart(compare_authority(CONFIG, data), "fte_rate")
    assert "Trafford" not in chart.alt


def test_figures_older_than_five_years_before_the_plan_are_left_out():
    # The reported case: a 2024-25 plan whose only custody figure is England's for 2018-19,
    # quoted from another council's plan.
    old = ("2018-04-01", "2019-03-31")
    data = with_counts(national(), [(ENGLAND, "custody_rate", old, 0.31)], drop={(WF, "custody")})
    comparison = compare_authority(CONFIG, data)
    assert comparison.table[comparison.table["indicator"] == "custody_rate"].empty
    table = comparison_table(comparison, "custody_rate")
    text = unescape(table.to_html())
    assert "0.31" not in text and "2018-19" not in text
    assert (
        "Figures for periods ending before 1 April 2019 are left out: the plan looks back 5 "
        "years." in text
    )
    assert "plan.yaml" not in text  # the page is read by the public, not by the analyst
    # said once, by the table: no chart and no second sentence below it
    assert trends.trend_chart(comparison, "custody_rate") is None
    assert trends.comparison_chart(comparison, "custody_rate") is None
    # how to add the figures is for the analyst (data notes, validate), not for the page
    assert "yjnb import" not in text
    notes = [p for p in comparison.warnings if p.message.startswith("Custody rate: no figure")]
    assert [(p.severity, p.message) for p in notes] == [
        ("note", "Custody rate: no figure since April 2019 for any area compared. To add the "
         "published figures, import the YJB local-level Outcome table with "
         "`yjnb import yjb FILE`.")
    ]  # fmt: skip
    # asked for, they come back
    longer = compare_authority(CONFIG.model_copy(update={"history_years": 6}), data)
    assert comparison_table(longer, "custody_rate").view.set_index("Area").loc[
        "England", "Custody rate (per 1,000 children aged 10-17)"] == "0.31"  # fmt: skip


def test_one_point_charts_are_replaced_by_a_sentence():
    # W&F's one custodial sentence of 2023-24 is the only custody figure: one period, one area
    comparison = compare_authority(CONFIG, national())
    trend = trends.trend_chart(comparison, "custody_rate")
    assert isinstance(trend, Table) and trend.view.empty
    assert trend.empty.startswith(
        "only 2023-24 is in yjnb's national data for these areas (Westmorland and Furness "
        "0.05), so there is no trend to draw."
    )
    assert len(trend.data) == 1  # the figure is still published as CSV
    ranked = trends.comparison_chart(comparison, "custody_rate")
    assert isinstance(ranked, Table) and ranked.view.empty
    assert ranked.empty.startswith(
        "only Westmorland and Furness 0.05 is in yjnb's national data for 2023-24, so there is "
        "nothing to rank."
    )
    assert "so there is no trend to draw" in unescape(trend.to_html())


def test_missing_figures_say_not_in_yjnbs_data_and_how_to_import():
    comparison = compare_authority(CONFIG, national())
    table = comparison_table(comparison, "custody_rate")
    row = table.view.set_index("Area").loc["England"]
    assert row["Custody rate (per 1,000 children aged 10-17)"] == "Not in yjnb's data"
    assert not any("Not published" in str(v) for v in table.view.to_numpy().ravel())
    assert any("Not in yjnb's data: the national statistics" in note for note in table.notes)
    # how to import is said to the analyst, in a note naming the areas, not on the page
    assert not any("yjnb import" in note for note in table.notes)
    hints = [p.message for p in comparison.warnings if "`yjnb import yjb FILE`" in p.message]
    assert len(hints) == 1 and hints[0].startswith("Custody rate: no figure since April 2019 for")
    assert "England" in hints[0] and "Westmorland and Furness" not in hints[0]


# --- small numbers and intervals -----------------------------------------------------------


def test_small_number_rule_fewer_than_10_events_is_not_classed():
    wide = {"numerator": 9, "ci_lower": 1.0, "ci_upper": 2.0}
    far = {"numerator": 500, "ci_lower": 10.0, "ci_upper": 11.0}
    assert compare(wide, far) == "too few"
    assert compare(far, wide) == "too few"
    assert compare({**wide, "numerator": 10}, far) == "lower"


def test_comparison_table_states_the_small_number_rule_and_the_interval_method():
    table = comparison_table(compare_authority(CONFIG, national()), "fte_rate")
    methods = [n for n in table.notes if n.startswith("Methods:")]
    assert len(methods) == 1
    assert "exact (Garwood) Poisson interval" in methods[0]
    assert "fewer than 10 events is shown with its interval but not compared" in methods[0]


@pytest.mark.parametrize(("reoffences", "reoffenders"), [(12, 10), (5, 5), (40, 9)])
def test_reoffences_per_reoffender_interval_is_never_below_1(reoffences, reoffenders):
    data = with_counts(national(), [(WF, "reoffences", FY, reoffences),
                                    (WF, "reoffenders", FY, reoffenders)])  # fmt: skip
    table = compute_indicators(data.counts, data.areas, [WF], ["reoffences_per_reoffender"])
    row = table.table.iloc[0]
    excess = reoffences - reoffenders  # reoffences beyond each reoffender's first
    lower = 1 + (chi2.ppf(0.025, 2 * excess) / 2 if excess else 0) / reoffenders
    upper = 1 + chi2.ppf(0.975, 2 * excess + 2) / 2 / reoffenders
    assert row["ci_lower"] >= 1
    assert row["ci_lower"] == pytest.approx(lower, rel=1e-9)
    assert row["ci_upper"] == pytest.approx(upper, rel=1e-9)
    assert row["ci_lower"] <= row["value"] <= row["ci_upper"]


@pytest.mark.parametrize(
    ("indicator", "value", "shown"),
    [("custody_rate", 0.025318 / 19_101 * 1_000, "0.001"),  # one sentence, W&F
     ("custody_rate", 0.0049, "0.005"),
     ("custody_rate", 0.005, "0.01"),  # rounds half up to a non-zero figure: as format_value
     ("custody_rate", 0.0, "0.00"),
     ("fte_rate", 0.04, "0.04"),
     ("reoffending_rate", 12.34, "12.3")],
)  # fmt: skip
def test_lower_limits_never_read_zero_when_positive(indicator, value, shown):
    assert format_limit(indicator, value) == shown


def test_checks_not_made_for_the_same_reason_are_one_warning_listing_the_periods():
    rows = [
        (a, "custody", period, v) for period in (PREVIOUS, FY) for a, v in ((CUMBRIA, 60), (WF, 2))
    ]
    data = with_counts(national(), rows, drop={(WF, "custody")})
    result = resolve_counts(data.counts, data.areas, [CUMBRIA], ["custody"], [PREVIOUS, FY])
    assert [w.message for w in result.warnings] == [
        f"Cumbria ({CUMBRIA}): published custody for 2022-04-01 to 2023-03-31 (60), "
        "2023-04-01 to 2024-03-31 (60) is not checked against its 2 member areas: 1 of them has "
        "no figure (Cumberland)"
    ]


# --- a plan reports on the years before it -----------------------------------------------


def test_a_plan_shows_no_figure_for_a_period_ending_in_its_own_year_or_later():
    # Warwickshire's plan for 2019-20 (seed 003) quotes 2018-19 figures: bundled national
    # data runs to calendar 2024, whose figures it must not show.
    from yjnb.inputs.load import load_national
    from yjnb.narrative.placeholders import placeholder_values
    from yjnb.paths import PROJECT_ROOT
    from yjnb.sections.comparisons import indicators_table, population_table
    from yjnb.sections.shares import share_of_area_table

    data = load_national(PROJECT_ROOT / "data")
    config = PlanConfig(name="Warwickshire YJS", area_code="E10000031", year="2019-20")
    comparison = compare_authority(config, data)
    ends = pd.to_datetime(comparison.table["period_end"])
    assert ends.max() < pd.Timestamp("2019-04-01") and not comparison.table.empty
    assert set(indicators_table(comparison).data["indicator"]) == {"fte_rate", "custody_rate"}
    fte = comparison_table(comparison, "fte_rate")
    assert fte.caption.endswith(", 2018")
    note = "periods ending on or after 1 April 2019, when the plan year 2019-20 began"
    assert any(note in n for n in fte.notes)
    # The custody rate of 2018-19 ends on 31 March 2019: shown, with no note (none left out).
    custody = comparison_table(comparison, "custody_rate")
    assert custody.caption.endswith(", 2018-19") and not any(note in n for n in custody.notes)
    trend = trends.trend_chart(comparison, "fte_rate")
    assert trend.title.endswith("2016 to 2018") and any(note in n for n in trend.data.notes)
    values = placeholder_values(config, data, comparison)
    assert (values["fte_rate.latest"], values["fte_rate.latest_period"]) == ("156", "2018")
    assert values["population_10_17"] == "not available"  # mid-2020: after the plan began
    population = population_table(comparison, data)
    assert population.view.empty and note in population.empty
    share = share_of_area_table(comparison, data).data
    assert share.empty or (pd.to_datetime(share["period_end"]) < "2019-04-01").all()
    assert not [w for w in comparison.warnings if "2024-01-01" in w.message]
