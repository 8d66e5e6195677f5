"""Section 4 tables: the authority against its comparators, its share of its areas, placeholders.

The figures come from the hand-checked world of section4_world.py (seed 000's counts).
"""

from __future__ import annotations

from html import unescape

import pytest
from section4_world import (
    BLACKBURN,
    CUMBERLAND,
    CUMBRIA,
    ENGLAND,
    NORTH_WEST,
    TRAFFORD,
    WF,
    build_world,
)

from yjnb.inputs.load import NationalData
from yjnb.narrative.placeholders import describe, placeholder_values
from yjnb.sections.comparisons import comparison_table, indicators_table, ranking
from yjnb.sections.shares import share_of_area_table


@pytest.fixture(scope="module")
def world():
    return build_world()


def view_row(table, area: str) -> dict:
    return table.view.set_index("Area").loc[area].to_dict()


def test_roles_in_order(world):
    _, _, comparison = world
    assert list(comparison.roles.items()) == [
        (WF, "authority"), (CUMBERLAND, "neighbour"), (TRAFFORD, "neighbour"),
        (BLACKBURN, "neighbour"), (CUMBRIA, "pcc"), (NORTH_WEST, "region"), (ENGLAND, "nation"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("area", "rate", "interval", "verdict"),
    [
        ("Westmorland and Furness", "230.4", "167.4 to 309.2", "—"),
        ("Cumberland", "600.0", "507.8 to 704.1", "▼ Lower"),
        ("Trafford", "230.7", "176.1 to 297.0", "● Similar"),
        # 5 first time entrants: fewer than 10 events, so not classed (small-number rule)
        ("Blackburn with Darwen", "25.0", "8.1 to 58.3", "Not compared (fewer than 10 events)"),
        ("Cumbria", "439.9", "380.2 to 506.3", "▼ Lower"),  # 44 + 150 of 19,101 + 25,000
        ("North West", "287.4", "253.5 to 324.7", "● Similar"),  # 259 of 90,106
        ("England", "200", "—", "Not assessed (no interval)"),  # published rate, no counts
    ],
)
def test_fte_comparison_table(world, area, rate, interval, verdict):
    table = comparison_table(world[2], "fte_rate")
    row = view_row(table, area)
    assert row["First time entrants rate (per 100,000 children aged 10-17)"] == rate
    assert row["95% confidence interval"] == interval
    assert row["Westmorland and Furness compared with this area"] == verdict


def test_comparison_table_says_how_aggregates_were_made(world):
    table = comparison_table(world[2], "fte_rate")
    assert table.caption == (
        "First time entrants rate, Westmorland and Furness and comparators, 2023-24"
    )
    assert "Cumbria: computed from 2 members." in table.notes
    assert "North West: computed from 4 members." in table.notes
    assert table.highlight == (True,) + (False,) * 6
    assert view_row(table, "Cumbria")["First time entrants"] == "194"
    data = table.data.set_index("area_code")
    assert data.loc[CUMBERLAND, "authority_compared"] == "lower"
    assert data.loc[ENGLAND, "authority_compared"] == "not assessed"


def test_custody_is_per_1000_and_missing_comparators_are_listed(world):
    table = comparison_table(world[2], "custody_rate")
    assert "Custody rate (per 1,000 children aged 10-17)" in table.view.columns
    assert not any("100,000" in c for c in table.view.columns)
    # one sentence: the lower limit 0.0253 / 19,101 x 1,000 = 0.0013 reads 0.001, not 0.00
    assert view_row(table, "Westmorland and Furness")["95% confidence interval"] == "0.001 to 0.29"
    # the region sums its members only when every one has a count: here only W&F does
    assert view_row(table, "North West")["Custody rate (per 1,000 children aged 10-17)"] == (
        "Not in yjnb's data"
    )
    assert list(table.view["Area"]) == [
        "Westmorland and Furness", "Cumbria", "North West", "England",
    ]  # fmt: skip
    assert any("Cumberland, Trafford, Blackburn with Darwen" in n for n in table.notes)


def test_reoffending_with_no_figures_is_an_empty_table(world):
    table = comparison_table(world[2], "reoffending_rate")
    assert table.view.empty and table.caption.endswith(", since April 2019")
    html = unescape(table.to_html())
    assert "no figures are published" not in html
    assert (
        "no figures since April 2019 for Westmorland and Furness or its comparators are in yjnb's "
        "national data." in html
    )


def test_ranking(world):
    # 600, 439.9, 287.4, 230.7, 230.4, 200, 25
    assert ranking(world[2], "fte_rate") == "5th highest of the 7 areas compared"
    assert ranking(world[2], "reoffending_rate") == ""


def test_indicators_csv_has_the_spec_columns(world):
    data = indicators_table(world[2]).data
    spec = ["area_code", "area_name", "indicator", "period_start", "period_end", "numerator",
            "denominator", "value", "unit", "ci_lower", "ci_upper"]  # fmt: skip
    assert list(data.columns[: len(spec)]) == spec
    fte = data[(data["area_code"] == WF) & (data["indicator"] == "fte_rate")]
    assert fte[["numerator", "denominator"]].values.tolist() == [[60, 19_101], [44, 19_101]]


# --- share of area ------------------------------------------------------------------------


def test_share_of_area(world):
    _, data, comparison = world
    table = share_of_area_table(comparison, data)
    view = table.view.set_index(["Measure", "Area"])
    assert view.loc[("First time entrants", "Cumbria"), "Share of area (%)"] == "22.7"  # 44/194
    assert view.loc[("First time entrants", "North West"), "Share of area (%)"] == "17.0"  # /259
    assert view.loc[("First time entrants", "England"), "Area total"] == "Not in yjnb's data"
    assert view.loc[("Custodial sentences", "Cumbria"), "Area total"] == "Not in yjnb's data"
    assert view.loc[("Children aged 10-17", "Cumbria"), "Share of area (%)"] == "43.3"
    assert set(table.data["period_start"]) == {"2023-04-01"}  # each measure's latest period
    assert "Cumbria: the area total is the sum of its 2 member areas." in table.notes


def test_share_of_area_is_empty_without_counts(world):
    _, data, comparison = world
    only_rates = NationalData(data.areas, data.neighbours, data.counts.iloc[-1:])
    assert share_of_area_table(comparison, only_rates).view.empty


# --- placeholders -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("fte_rate.latest", "230.4"),
        ("fte_rate.latest_period", "2023-24"),
        ("fte_rate.previous", "314.1"),  # 60 of 19,101
        ("fte_rate.previous_period", "2022-23"),
        ("fte_rate.change", "-83.8"),
        ("fte_rate.direction", "down"),
        ("fte_rate.interval", "167.4 to 309.2"),
        ("fte_rate.unit", "per 100,000 children aged 10-17"),
        ("fte_rate.vs_region", "similar"),
        ("fte_rate.vs_nation", "not available"),  # England has no interval
        ("fte_rate.nation", "200"),
        ("fte_rate.region", "287.4"),
        ("fte_rate.rank", "5th highest of the 7 areas compared"),
        ("fte_rate.vs_neighbours",
         "lower than 1 and similar to 1 of its 3 statistical neighbours (1 not compared: "
         "fewer than 10 events)"),
        ("custody_rate.latest", "0.05"),
        ("custody_rate.unit", "per 1,000 children aged 10-17"),
        ("reoffending_rate.latest", "not available"),
        ("population_10_17", "19,101"),
    ],
)  # fmt: skip
def test_placeholder_values(world, name, expected):
    config, data, comparison = world
    assert placeholder_values(config, data, comparison)[name] == expected


def test_every_placeholder_is_described(world):
    config, data, comparison = world
    assert set(placeholder_values(config, data, comparison)) == set(describe())
