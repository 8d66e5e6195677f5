"""Section 4 charts: styles that do not rely on colour; text alternatives state the finding."""

from __future__ import annotations

import pytest
from section4_world import build_world

from yjnb.inputs.config import load_plan
from yjnb.inputs.load import load_national
from yjnb.paths import PROJECT_ROOT
from yjnb.present.charts import Chart, palette
from yjnb.sections import trends
from yjnb.sections.comparisons import compare_authority

FOCUS, GREY = palette("focus")


@pytest.fixture(scope="module")
def world():
    return build_world()


DARK_GREY = palette("categorical")[4]


@pytest.fixture
def drawn(monkeypatch):
    """What each chart draws, read from the figure just before it is rendered."""
    seen = []
    real = trends.render

    def spy(figure, *args):
        axes = figure.axes[0]
        seen.append(
            {
                "lines": [
                    {"label": line.get_label(), "color": line.get_color(),
                     "style": line.get_linestyle(), "marker": line.get_marker(),
                     "width": line.get_linewidth(), "face": line.get_markerfacecolor(),
                     "y": list(line.get_ydata())}
                    for line in axes.lines
                ],
                "bands": len(axes.collections),
                "legend": [t.get_text() for t in axes.get_legend().get_texts()],
                "texts": [t.get_text() for t in axes.texts],
            }
        )  # fmt: skip
        return real(figure, *args)

    monkeypatch.setattr(trends, "render", spy)
    return seen


def test_trend_chart_states_the_finding(world):
    chart = trends.trend_chart(world[2], "fte_rate")
    assert isinstance(chart, Chart)
    assert chart.title == (
        "First time entrants rate, Westmorland and Furness and comparators, 2022-23 to 2023-24"
    )
    assert "Westmorland and Furness fell from 314.1 in 2022-23 to 230.4 in 2023-24." in chart.alt
    assert "North West has a figure for 2023-24 only: 287.4." in chart.alt
    assert "was the 5th highest of the 7 areas compared" in chart.alt
    assert "per 100,000 children aged 10-17" in chart.alt


def test_trend_chart_data_is_a_table_of_every_period(world):
    table = trends.trend_chart(world[2], "fte_rate").data
    assert table.id == "trend_fte_rate"
    assert list(table.view.columns) == ["Area", "Comparison group", "2022-23", "2023-24"]
    own = table.view.iloc[0].to_dict()
    assert own == {"Area": "Westmorland and Furness", "Comparison group": "This service",
                   "2022-23": "314.1", "2023-24": "230.4"}  # fmt: skip
    assert table.view.set_index("Area").loc["Cumberland", "2022-23"] == "—"
    assert table.highlight[0] and not any(table.highlight[1:])
    assert {"period_start", "period_end", "ci_lower", "ci_upper", "source"} <= set(table.data)


def test_trend_chart_marks_the_authority_by_more_than_colour(world, drawn):
    trends.trend_chart(world[2], "fte_rate")
    lines = {line["label"]: line for line in drawn[0]["lines"]}
    own = lines["Westmorland and Furness"]
    assert (own["color"], own["width"], own["marker"]) == (FOCUS, 3, "o")
    region = lines["Region: North West"]
    assert (region["color"], region["style"]) == (DARK_GREY, "--")
    context = [line for line in drawn[0]["lines"] if line["color"] == GREY and line["y"]]
    assert len(context) == 3 and all(line["width"] < 2 for line in context)
    assert drawn[0]["bands"] == 1  # the authority's 95% interval, from its counts
    assert "95% confidence interval" in drawn[0]["legend"]
    assert {"Westmorland and Furness", "North West", "Cumbria"} <= set(drawn[0]["texts"])


def test_comparison_chart_marks_each_class_by_shape(world, drawn):
    chart = trends.comparison_chart(world[2], "fte_rate")
    markers = {line["label"]: (line["marker"], line["face"]) for line in drawn[0]["lines"]
               if line["label"] and not line["label"].startswith("_")}  # fmt: skip
    assert markers["▼ Lower"][0] == "v"
    assert markers["● Similar"][0] == "o"
    assert markers["Not assessed (no interval)"] == ("D", "white")  # hollow
    # Blackburn with Darwen's 5 first time entrants are too few to compare: a hollow square
    assert markers["Not compared (fewer than 10 events)"] == ("s", "white")
    assert markers["Westmorland and Furness"][0] == "o"
    assert (
        "Westmorland and Furness was statistically lower than 2, similar to 2 of the other "
        "areas." in chart.alt
    )
    assert "1 comparison was not assessed" in chart.alt
    assert "1 comparison was not made: fewer than 10 events." in chart.alt
    assert chart.data.id == "comparison_chart_fte_rate"


def test_charts_are_deterministic(world):
    first, second = (trends.trend_chart(world[2], "fte_rate") for _ in range(2))
    assert first.svg == second.svg


@pytest.mark.parametrize("chart", [trends.trend_chart, trends.comparison_chart])
def test_no_figures_gives_no_chart_the_table_says_so_once(world, chart):
    assert chart(world[2], "reoffending_rate") is None


def test_bundled_authority_shows_published_rates_of_the_last_five_years():
    # A 2024-25 plan: periods ending on or after 1 April 2019, so 2016 to 2018 are left out;
    # and before 1 April 2024, when the plan year began, so 2024 is left out too.
    config = load_plan(PROJECT_ROOT / "params", "warwickshire")
    comparison = compare_authority(config, load_national(PROJECT_ROOT / "data"))
    chart = trends.trend_chart(comparison, "fte_rate")
    assert chart.title.endswith("2019 to 2023")
    assert "Warwickshire fell from 149 in 2019 to 130 in 2023." in chart.alt
    assert list(chart.data.view.columns[2:]) == [str(y) for y in range(2019, 2024)]
    notes = " ".join(chart.data.notes)
    assert "Figures for periods ending before 1 April 2019 are left out" in notes
    assert "Figures for periods ending on or after 1 April 2024, when the plan year" in notes
    neighbours = chart.data.view[chart.data.view["Comparison group"] == "Statistical neighbour"]
    assert len(neighbours) == 10


def test_history_years_brings_older_figures_back():
    config = load_plan(PROJECT_ROOT / "params", "warwickshire").model_copy(
        update={"history_years": 8}
    )
    comparison = compare_authority(config, load_national(PROJECT_ROOT / "data"))
    chart = trends.trend_chart(comparison, "fte_rate")
    assert chart.title.endswith("2016 to 2023")
    assert "Warwickshire fell from 333 in 2016 to 130 in 2023." in chart.alt
