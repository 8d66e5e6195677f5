"""Indicators, intervals, aggregation and data-quality checks (yjnb/stats/indicators.py)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from scipy.stats import chi2, norm

from yjnb.errors import InputError
from yjnb.stats.indicators import (
    INDICATORS,
    TABLE_COLUMNS,
    compare,
    compute_indicators,
    format_value,
    poisson_interval,
    wilson_interval,
)

FY = ("2023-04-01", "2024-03-31")  # financial year 2023-24
CY = ("2023-01-01", "2023-12-31")  # calendar year 2023


def areas_frame(*rows: tuple) -> pd.DataFrame:
    columns = ["code", "name", "type", "yjs_code", "pcc_code", "region_code"]
    padded = [row + ("",) * (len(columns) - len(row)) for row in rows]
    return pd.DataFrame([dict(zip(columns, row, strict=True)) for row in padded])


def counts_frame(*rows: tuple) -> pd.DataFrame:
    """Rows of (area_code, measure, (start, end), value[, source])."""
    records = [
        {
            "area_code": row[0],
            "measure": row[1],
            "period_start": pd.Timestamp(row[2][0]),
            "period_end": pd.Timestamp(row[2][1]),
            "value": float(row[3]),
            "source": row[4] if len(row) > 4 else "test",
        }
        for row in rows
    ]
    columns = ["area_code", "measure", "period_start", "period_end", "value", "source"]
    return pd.DataFrame(records, columns=columns)


def one(table: pd.DataFrame, **where) -> pd.Series:
    selected = table
    for column, value in where.items():
        selected = selected[selected[column] == value]
    assert len(selected) == 1, selected
    return selected.iloc[0]


# --- intervals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("successes", "trials", "expected"),
    [
        (12, 33, (0.2219, 0.5338)),
        (0, 10, (0.0, 0.2775)),  # Newcombe (1998) gives 0 to 0.2775 for 0/10
        (10, 10, (0.7225, 1.0)),
    ],
)
def test_wilson_interval_matches_textbook_and_score_test(successes, trials, expected):
    lower, upper = wilson_interval(successes, trials)
    assert lower == pytest.approx(expected[0], abs=5e-5)
    assert upper == pytest.approx(expected[1], abs=5e-5)
    # Independent check: each limit p is where the score statistic (p_hat - p) / se(p) is +-z.
    z = norm.ppf(0.975)
    p_hat = successes / trials
    for limit, sign in ((lower, 1), (upper, -1)):
        if 0 < limit < 1:
            score = (p_hat - limit) / math.sqrt(limit * (1 - limit) / trials)
            assert score == pytest.approx(sign * z, rel=1e-9)


def test_wilson_interval_refuses_more_successes_than_trials():
    with pytest.raises(ValueError, match="successes <= trials"):
        wilson_interval(5, 4)


def test_wilson_interval_of_no_trials_is_missing():
    assert all(math.isnan(x) for x in wilson_interval(0, 0))


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, (0.0, 3.689)), (1, (0.0253, 5.572)), (10, (4.795, 18.39))],
)
def test_poisson_interval_is_exact_garwood(count, expected):
    lower, upper = poisson_interval(count)
    assert lower == pytest.approx(expected[0], abs=1e-3)
    assert upper == pytest.approx(expected[1], abs=1e-2)
    # Independent check through the chi-squared form of the Garwood interval.
    chi2_lower = chi2.ppf(0.025, 2 * count) / 2 if count else 0.0
    assert lower == pytest.approx(chi2_lower, rel=1e-9, abs=1e-12)
    assert upper == pytest.approx(chi2.ppf(0.975, 2 * count + 2) / 2, rel=1e-9)


def test_poisson_interval_refuses_negative_counts():
    with pytest.raises(ValueError, match="negative"):
        poisson_interval(-1)


# --- definitions and display -------------------------------------------------------------


def test_custody_rate_is_per_1000_never_per_100000():
    custody = INDICATORS["custody_rate"]
    assert (custody.multiplier, custody.unit) == (1_000, "per 1,000 children aged 10-17")
    assert INDICATORS["fte_rate"].unit == "per 100,000 children aged 10-17"


@pytest.mark.parametrize(
    ("indicator", "value", "expected"),
    [
        # Westmorland and Furness EHCP table (seed 000): count / total as printed there
        ("reoffending_rate", 100 * 12 / 33, "36.4"),  # the seed prints 36.3: a known error
        ("reoffending_rate", 100 * 29 / 81, "35.8"),
        ("reoffending_rate", 100 * 10 / 68, "14.7"),
        ("reoffending_rate", 100 * 51 / 182, "28.0"),  # the seed gives 28.02 (2 dp)
        ("reoffending_rate", 36.35, "36.4"),  # half-up, although the float is 36.349999...
        ("reoffences_per_child", 2.675, "2.68"),  # float round() gives 2.67
        ("custody_rate", 0.125, "0.13"),  # half-up, not half-even (round() gives 0.12)
        ("reoffending_rate", 36.25, "36.3"),
        ("reoffences_per_reoffender", 3.0, "3.00"),
        ("fte_rate", 100_000 * 44 / 19_101, "230.4"),  # W&F FTE 2023-24 (seed 000)
        ("fte_rate", 3071.0, "3,071.0"),
        ("custody_rate", 0.06, "0.06"),  # Warwickshire (seed 003), no % sign
        ("custody_rate", 1_000 * 1 / 19_101, "0.05"),
        ("custody_rate", math.nan, "[x]"),
    ],
)
def test_format_value(indicator, value, expected):
    assert format_value(indicator, value) == expected


def test_format_value_refuses_unknown_indicator():
    with pytest.raises(ValueError, match="unknown indicator 'fte'"):
        format_value("fte", 1.0)


@pytest.mark.parametrize(
    ("authority", "comparator", "expected"),
    [
        ({"ci_lower": 1.0, "ci_upper": 2.0}, {"ci_lower": 3.0, "ci_upper": 4.0}, "lower"),
        ({"ci_lower": 5.0, "ci_upper": 6.0}, {"ci_lower": 3.0, "ci_upper": 4.0}, "higher"),
        ({"ci_lower": 1.0, "ci_upper": 3.5}, {"ci_lower": 3.0, "ci_upper": 4.0}, "similar"),
        ({"ci_lower": 1.0, "ci_upper": 3.0}, {"ci_lower": 3.0, "ci_upper": 4.0}, "similar"),
        ({"ci_lower": 0.0, "ci_upper": 9.0}, {"ci_lower": 3.0, "ci_upper": 4.0}, "similar"),
        ({"ci_lower": math.nan, "ci_upper": math.nan}, {"ci_lower": 3, "ci_upper": 4},
         "not assessed"),
        ({"ci_lower": 1.0, "ci_upper": 2.0}, {"value": 0.31}, "not assessed"),
        (pd.Series({"ci_lower": 1.0, "ci_upper": 2.0}),
         pd.Series({"ci_lower": 2.5, "ci_upper": 3.0}), "lower"),
    ],
)  # fmt: skip
def test_compare_by_overlap_of_intervals(authority, comparator, expected):
    assert compare(authority, comparator) == expected


# --- computing from counts ---------------------------------------------------------------

LA = ("E06000064", "Westmorland and Furness", "la", "", "", "E12000002")
NORTH_WEST = ("E12000002", "North West", "region", "", "", "E92000001")


def test_westmorland_and_furness_fte_and_custody_from_seed_counts():
    # Seed 000: 44 first time entrants and 1 custodial sentence in 2023-24; 19,101 children
    # aged 10-17.
    counts = counts_frame(
        (LA[0], "fte", FY, 44),
        (LA[0], "custody", FY, 1),
        (LA[0], "population_10_17", FY, 19_101),
    )
    result = compute_indicators(counts, areas_frame(LA), indicators=["fte_rate", "custody_rate"])
    fte = one(result.table, indicator="fte_rate")
    assert (fte.numerator, fte.denominator, fte.basis) == (44, 19_101, "computed")
    assert fte.value == pytest.approx(230.354, abs=1e-3)
    low, high = poisson_interval(44)
    assert (fte.ci_lower, fte.ci_upper) == pytest.approx((low / 19_101e-5, high / 19_101e-5))
    custody = one(result.table, indicator="custody_rate")
    assert custody.unit == "per 1,000 children aged 10-17"
    assert format_value("custody_rate", custody.value) == "0.05"
    assert custody.ci_upper == pytest.approx(5.5716 / 19.101, abs=1e-4)
    assert result.warnings == []


def test_table_shape_and_iso_periods():
    counts = counts_frame((LA[0], "fte", FY, 44), (LA[0], "population_10_17", FY, 19_101))
    table = compute_indicators(counts, areas_frame(LA)).table
    assert list(table.columns) == TABLE_COLUMNS
    assert table[["period_start", "period_end"]].values.tolist() == [list(FY)]
    assert table.area_name.tolist() == ["Westmorland and Furness"]


@pytest.mark.parametrize(
    "convert",
    [pd.Timestamp, lambda s: dt.date.fromisoformat(s), str],
    ids=["datetime64", "date", "iso-string"],
)
def test_period_columns_accept_dates_of_either_kind(convert):
    counts = counts_frame((LA[0], "fte", FY, 44), (LA[0], "population_10_17", FY, 19_101))
    for column in ("period_start", "period_end"):
        counts[column] = [convert(str(d.date())) for d in counts[column]]
    table = compute_indicators(counts, areas_frame(LA)).table
    assert one(table, indicator="fte_rate").period_end == "2024-03-31"


@pytest.mark.parametrize(
    ("population_rows", "expected_denominator"),
    [
        ([(FY, 19_000), (CY, 18_000)], 19_000),  # the same period wins
        ([(CY, 18_000), (("2024-01-01", "2024-12-31"), 18_500)], 18_500),  # contains 2024-03-31
        ([(("2023-07-01", "2023-07-01"), 19_200)], None),  # nothing contains the end date
    ],
    ids=["same-period", "period-containing-end", "none"],
)
def test_population_fallback(population_rows, expected_denominator):
    counts = counts_frame(
        (LA[0], "fte", FY, 40),
        *[(LA[0], "population_10_17", period, value) for period, value in population_rows],
    )
    table = compute_indicators(counts, areas_frame(LA), indicators=["fte_rate"]).table
    if expected_denominator is None:
        assert table.empty
    else:
        assert one(table, period_end=FY[1]).denominator == expected_denominator


def test_published_rate_without_population_is_shown_as_published():
    counts = counts_frame(
        (LA[0], "fte", FY, 40),
        (LA[0], "fte_rate", FY, 210.5, "YJB annual statistics"),
        (LA[0], "population_10_17", ("2023-07-01", "2023-07-01"), 19_200),
    )
    row = one(compute_indicators(counts, areas_frame(LA)).table, indicator="fte_rate")
    assert (row.value, row.basis, row.source) == (210.5, "published", "YJB annual statistics")
    assert all(math.isnan(row[c]) for c in ("numerator", "denominator", "ci_lower", "ci_upper"))


def test_reoffending_indicators_from_counts():
    counts = counts_frame(
        (LA[0], "reoffending_cohort", FY, 33),
        (LA[0], "reoffenders", FY, 12),
        (LA[0], "reoffences", FY, 30),
    )
    table = compute_indicators(counts, areas_frame(LA)).table
    rate = one(table, indicator="reoffending_rate")
    assert (rate.value, rate.unit) == (pytest.approx(36.3636, abs=1e-4), "%")
    assert (rate.ci_lower, rate.ci_upper) == pytest.approx((22.187, 53.384), abs=1e-3)
    assert one(table, indicator="reoffences_per_reoffender").value == 2.5
    per_child = one(table, indicator="reoffences_per_child")
    assert per_child.value == pytest.approx(30 / 33)
    assert per_child.ci_lower == pytest.approx(poisson_interval(30)[0] / 33)


# --- cross-checks against published rates -------------------------------------------------


@pytest.mark.parametrize(
    ("reoffenders", "cohort", "published", "warned"),
    [
        # W&F EHCP shares (seed 000) put through the same arithmetic as a reoffending rate;
        # the seed gives reoffending only as percentages, without cohort sizes.
        (12, 33, 36.3, True),  # 36.36 rounds to 36.4: the printed 36.3 is wrong
        (12, 33, 36.4, False),
        (29, 81, 35.8, False),
        (10, 68, 14.7, False),
        (51, 182, 28.02, False),  # 2 dp published: 28.0220 is within 0.005
        (51, 182, 28.0, False),
        (51, 182, 28.1, True),
    ],
)
def test_published_rate_is_cross_checked(reoffenders, cohort, published, warned):
    counts = counts_frame(
        (LA[0], "reoffenders", FY, reoffenders),
        (LA[0], "reoffending_cohort", FY, cohort),
        (LA[0], "reoffending_rate", FY, published),
    )
    result = compute_indicators(counts, areas_frame(LA), indicators=["reoffending_rate"])
    row = one(result.table, indicator="reoffending_rate")
    assert row.basis == "computed"  # the counts win over the published rate
    assert row.value == pytest.approx(100 * reoffenders / cohort)
    assert len(result.warnings) == int(warned)
    if warned:
        problem = result.warnings[0]
        text = str(problem)
        assert problem.severity == "warning" and problem.file == "data/national/counts.csv"
        for part in ("Westmorland and Furness", LA[0], "reoffending_rate", *FY, str(published)):
            assert part in text
        assert format_value("reoffending_rate", 100 * reoffenders / cohort) in text


WARWICKSHIRE = ("E10000031", "Warwickshire", "la", "", "", "E12000005")
BIRMINGHAM = ("E08000025", "Birmingham", "la", "", "", "E12000005")
WEST_MIDLANDS = ("E12000005", "West Midlands", "region", "", "", "E92000001")
ENGLAND = ("E92000001", "England", "nation")
FY_2018 = ("2018-04-01", "2019-03-31")


def test_warwickshire_published_custody_rates_per_1000():
    # Seed 003: custody rate per 1,000 children, 2018/19: Warwickshire 0.06, West Midlands
    # 0.36, national 0.31 (printed there with a % sign). Published rates only: no intervals.
    # Birmingham and the North West have no figures, so no member range can be checked: the
    # warnings say so and name them, rather than skipping the check silently.
    areas = areas_frame(WARWICKSHIRE, BIRMINGHAM, WEST_MIDLANDS, NORTH_WEST, ENGLAND)
    counts = counts_frame(
        (WARWICKSHIRE[0], "custody_rate", FY_2018, 0.06),
        (WEST_MIDLANDS[0], "custody_rate", FY_2018, 0.36),
        (ENGLAND[0], "custody_rate", FY_2018, 0.31),
    )
    result = compute_indicators(counts, areas, [WARWICKSHIRE[0], WEST_MIDLANDS[0], ENGLAND[0]])
    table = result.table
    assert table.basis.tolist() == ["published"] * 3
    assert set(table.unit) == {"per 1,000 children aged 10-17"}
    shown = [format_value(row.indicator, row.value) for row in table.itertuples()]
    assert shown == ["0.06", "0.36", "0.31"]
    assert compare(table.iloc[0], table.iloc[1]) == "not assessed"
    assert [w.message for w in result.warnings] == [
        "West Midlands (E12000005): custody_rate for 2018-04-01 to 2019-03-31 (0.36) is not "
        "checked against its 2 member areas: 1 of them has no figure (Birmingham)",
        "England (E92000001): custody_rate for 2018-04-01 to 2019-03-31 (0.31) is not "
        "checked against its 2 member areas: 1 of them has no figure (North West)",
    ]


def test_warwickshire_custody_count_does_not_reproduce_its_published_rate():
    # Seed 003 reports five custodial sentences in 2018/19 and a rate of 0.06 per 1,000.
    # 0.06 per 1,000 would need about 83,000 children; Warwickshire has about 53,000
    # (ONS mid-2020, 52,998, in reference-data), so the figures cannot both stand.
    counts = counts_frame(
        (WARWICKSHIRE[0], "custody", FY_2018, 5),
        (WARWICKSHIRE[0], "population_10_17", FY_2018, 52_998),
        (WARWICKSHIRE[0], "custody_rate", FY_2018, 0.06),
    )
    result = compute_indicators(counts, areas_frame(WARWICKSHIRE), indicators=["custody_rate"])
    assert format_value("custody_rate", result.table.value.iloc[0]) == "0.09"
    assert len(result.warnings) == 1
    assert "custody_rate" in str(result.warnings[0]) and "0.06" in str(result.warnings[0])


# --- aggregates ----------------------------------------------------------------------------

YJS = ("yjs-cheshire-west", "Cheshire West YJS", "yjs")
LA_A = ("E06000049", "Cheshire East", "la", YJS[0], "E23000006", "E12000002")
LA_B = ("E06000050", "Cheshire West and Chester", "la", YJS[0], "E23000006", "E12000002")
PCC = ("E23000006", "Cheshire", "pcc")


def yjs_counts(*extra: tuple, skip: str = "") -> pd.DataFrame:
    rows = [
        (LA_A[0], "fte", FY, 30, "YJB"),
        (LA_A[0], "population_10_17", FY, 36_000, "ONS"),
        (LA_B[0], "fte", FY, 20, "YJB"),
        (LA_B[0], "population_10_17", FY, 31_000, "ONS"),
    ]
    return counts_frame(*[r for r in rows if f"{r[0]}:{r[1]}" != skip], *extra)


@pytest.mark.parametrize("aggregate", [YJS[0], PCC[0], NORTH_WEST[0]])
def test_aggregate_is_the_sum_of_its_members(aggregate):
    areas = areas_frame(YJS, LA_A, LA_B, PCC, NORTH_WEST)
    row = one(compute_indicators(yjs_counts(), areas, [aggregate]).table, indicator="fte_rate")
    assert (row.numerator, row.denominator) == (50, 67_000)
    assert row.value == pytest.approx(50 / 67_000 * 100_000)
    assert row.basis == "computed from 2 members"
    assert row.source == "YJB; ONS"
    assert row.ci_lower == pytest.approx(poisson_interval(50)[0] / 0.67)


def test_aggregate_with_a_missing_member_is_not_computed():
    areas = areas_frame(YJS, LA_A, LA_B)
    counts = yjs_counts(skip=f"{LA_B[0]}:fte")
    assert compute_indicators(counts, areas, [YJS[0]]).table.empty


def test_aggregate_published_count_is_used_and_checked_against_its_members():
    areas = areas_frame(YJS, LA_A, LA_B)
    counts = yjs_counts((YJS[0], "fte", FY, 53, "YJB by YJS"))
    result = compute_indicators(counts, areas, [YJS[0]])
    row = one(result.table, indicator="fte_rate")
    assert (row.numerator, row.denominator) == (53, 67_000)
    assert row.basis == "computed from 2 members"  # the population is still summed
    messages = [str(p) for p in result.warnings]
    assert any("published fte" in m and "53" in m and "sum to 50" in m for m in messages)
    assert all("Cheshire West YJS (yjs-cheshire-west)" in m for m in messages)


def test_aggregate_published_count_agreeing_with_members_gives_no_warning():
    areas = areas_frame(YJS, LA_A, LA_B)
    counts = yjs_counts((YJS[0], "fte", FY, 50))
    assert compute_indicators(counts, areas, [YJS[0]]).warnings == []


def test_nation_sums_regions_and_las_placed_directly_in_it():
    wales = ("W92000004", "Wales", "nation")
    welsh = [("W06000001", "Isle of Anglesey", "la", "", "", wales[0]),
             ("W06000002", "Gwynedd", "la", "", "", wales[0])]  # fmt: skip
    english = [NORTH_WEST, ("E12000005", "West Midlands", "region", "", "", ENGLAND[0])]
    las = [
        LA_A[:3] + ("", "", english[0][0]),
        ("E08000025", "Birmingham", "la", "", "", english[1][0]),
    ]
    areas = areas_frame(ENGLAND, wales, *english, *las, *welsh)
    counts = counts_frame(
        *[(code, "fte", FY, 10 * (i + 1)) for i, code in enumerate(a[0] for a in las + welsh)],
        *[(code, "population_10_17", FY, 10_000) for code in (a[0] for a in las + welsh)],
    )
    table = compute_indicators(counts, areas, [ENGLAND[0], wales[0]], ["fte_rate"]).table
    england, wales_row = one(table, area_code=ENGLAND[0]), one(table, area_code=wales[0])
    assert (england.numerator, england.denominator, england.basis) == (
        30, 20_000, "computed from 2 members")  # fmt: skip
    assert (wales_row.numerator, wales_row.denominator) == (70, 20_000)


def test_region_uses_yjs_counts_where_las_have_none():
    yjs = YJS[:3]
    areas = areas_frame(NORTH_WEST, yjs, LA_A, LA_B)
    counts = counts_frame(
        (yjs[0], "fte", FY, 50),  # YJB publishes FTE by YJS
        (LA_A[0], "population_10_17", FY, 36_000),
        (LA_B[0], "population_10_17", FY, 31_000),
    )
    row = one(compute_indicators(counts, areas, [NORTH_WEST[0]]).table, indicator="fte_rate")
    assert (row.numerator, row.denominator) == (50, 67_000)


def test_cycle_in_area_hierarchy_does_not_recurse_forever():
    areas = areas_frame(("R1", "Loop one", "region", "", "", "R2"),
                        ("R2", "Loop two", "region", "", "", "R1"))  # fmt: skip
    counts = counts_frame(("R1", "fte_rate", FY, 200))
    assert one(compute_indicators(counts, areas, ["R1"]).table, area_code="R1").value == 200


# --- implausibility --------------------------------------------------------------------------


def test_percentage_over_100_is_flagged():
    counts = counts_frame((LA[0], "reoffenders", FY, 40), (LA[0], "reoffending_cohort", FY, 33))
    result = compute_indicators(counts, areas_frame(LA), indicators=["reoffending_rate"])
    row = one(result.table, indicator="reoffending_rate")
    assert math.isnan(row.ci_lower)  # no Wilson interval for an impossible proportion
    assert any("over 100%" in str(p) for p in result.warnings)


def test_published_percentage_over_100_is_flagged():
    counts = counts_frame((LA[0], "reoffending_rate", FY, 100.4))
    result = compute_indicators(counts, areas_frame(LA))
    assert [p.message for p in result.warnings] == [
        f"Westmorland and Furness ({LA[0]}): reoffending_rate for {FY[0]} to {FY[1]} "
        "is 100.4%, over 100%"
    ]


@pytest.mark.parametrize(("published", "warned"), [(75.0, False), (90.0, True), (60.0, True)])
def test_aggregate_rate_outside_its_members_range_is_flagged(published, warned):
    # members: 30 / 36,000 = 83.3 and 20 / 31,000 = 64.5 per 100,000
    areas = areas_frame(YJS, LA_A, LA_B)
    counts = yjs_counts((YJS[0], "fte_rate", FY, published))
    counts = counts[~((counts.area_code == LA_B[0]) & (counts.measure == "fte"))]
    counts = pd.concat([counts, counts_frame((LA_B[0], "fte_rate", FY, 64.5))])
    result = compute_indicators(counts, areas, [YJS[0]])
    assert one(result.table, indicator="fte_rate").basis == "published"
    flagged = [p for p in result.warnings if "outside the range" in p.message]
    assert len(flagged) == int(warned)


def test_warnings_name_only_reported_areas():
    areas = areas_frame(YJS, LA_A, LA_B)
    counts = yjs_counts((LA_A[0], "fte_rate", FY, 12.0))  # LA_A computes 83.3
    assert compute_indicators(counts, areas, [YJS[0]]).warnings == []
    assert len(compute_indicators(counts, areas, [LA_A[0]]).warnings) == 1


def test_unknown_area_code_is_an_input_error():
    with pytest.raises(InputError, match="'E99999999' is not in areas.csv"):
        compute_indicators(counts_frame(), areas_frame(LA), ["E99999999"])
