"""The ten KPIs: figures, percentages, changes, headlines and board attendance."""

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import yjnb
from yjnb.inputs.schemas import BOARD_STATUSES
from yjnb.present.charts import Chart
from yjnb.present.shown import change_text, change_words, judgement, percent, points
from yjnb.present.tables import Table
from yjnb.sections.governance import board_attendance_table, board_kpi_table
from yjnb.sections.kpi_charts import kpi_chart
from yjnb.sections.kpi_summary import kpi_headlines
from yjnb.sections.kpi_tables import KPI_COLUMNS, kpi_table
from yjnb.sections.kpis import kpi_periods, kpi_specs, quarter_before, quarter_of, rate

ROOT = Path(__file__).resolve().parent.parent
WF = "westmorland-and-furness"
REQUIRED = ["period", "kpi", "cohort", "measure", "category", "count", "percent"]
KPIS = ["accommodation", "ete", "send", "mental_health", "substance_misuse", "oocd",
        "wider_services", "serious_violence", "victims"]  # fmt: skip


@pytest.fixture(scope="module")
def plan():
    return yjnb.open_plan(WF)


def rows(table, **where):
    data = table.data
    for column, value in where.items():
        data = data[data[column] == value]
    return data


def test_percent_rounds_half_up_and_says_nothing_without_a_total():
    assert percent(12, 33) == Decimal("36.4")  # printed as 36.3% in the seed plan
    assert percent(1, 8) == Decimal("12.5") and percent(1, 0) is None


@pytest.mark.parametrize(
    ("now", "before", "words"),
    [(5, 2, "▲ up 3"), (2, 5, "▼ down 3"), (4, 4, "● no change"), (4, None, "—")],
)
def test_changes_have_an_arrow_a_word_and_a_number(now, before, words):
    assert change_words(now, before) == words


def test_change_text_leads_with_the_percentage_points_and_hides_with_its_counts():
    assert change_text(22, 20, False, Decimal("1.3")) == "▲ up 1.3 points (2 more children)"
    assert change_text(22, 20, True, Decimal("1.3")) == "[c]"
    assert change_text(7, 7, False, Decimal("0.0")) == "● no change"
    assert change_text(6, 7, False, Decimal("0.0")) == (
        "● no change in the percentage (1 fewer child)"
    )
    assert change_text(9, 9, False, Decimal("-2.5")) == (
        "▼ down 2.5 points (same number of children)"
    )
    places = ("place", "places")
    assert change_text(7, 5, False, Decimal("22.2"), places) == "▲ up 22.2 points (2 more places)"


def test_the_arrow_follows_the_percentage_when_the_count_moves_the_other_way():
    # Westmorland and Furness, ETE, Q4 after Q3: 14 of 21 (66.7%) after 20 of 32 (62.5%).
    # Six fewer children, but a larger share of them in suitable ETE: the arrow says up.
    share = points((14, 21), (20, 32))
    assert share == Decimal("4.2")
    text = change_text(14, 20, False, share)
    assert text == "▲ up 4.2 points (6 fewer children)"
    # And the other way: more children, a smaller share.
    assert change_text(28, 22, False, points((28, 30), (22, 23))) == (
        "▼ down 2.3 points (6 more children)"
    )


@pytest.mark.parametrize(
    ("moved", "better", "word"),
    [
        (Decimal("4.2"), "higher", "✓ better"),
        (Decimal("-4.2"), "higher", "✗ worse"),
        (-3, "lower", "✓ better"),
        (3, "lower", "✗ worse"),
        (0, "higher", "● no change"),
        (5, "neither", "not rated"),
        (None, "higher", "—"),
    ],
)
def test_better_or_worse_follows_the_polarity(moved, better, word):
    assert judgement(moved, better) == word


def test_better_or_worse_of_a_hidden_change_is_hidden_unless_never_rated():
    assert judgement(None, "higher", hidden=True) == "[c]"
    assert judgement(None, "neither", hidden=True) == "not rated"
    with pytest.raises(ValueError, match="polarity"):
        judgement(1, "up")


def test_quarters_follow_the_financial_year():
    assert quarter_before("2023-24 Q1") == "2022-23 Q4"
    assert quarter_before("2023-24 Q3") == "2023-24 Q2"
    assert quarter_of(pd.Timestamp("2024-03-21")) == "2023-24 Q4"


def test_the_year_reported_is_the_one_before_the_plan(plan):
    periods = kpi_periods(plan.local.kpis, "2024-25")
    assert periods.year == "2023-24" and len(periods.quarters) == 4
    assert periods.previous == {"2023-24 Q2": "2023-24 Q1", "2023-24 Q3": "2023-24 Q2",
                                "2023-24 Q4": "2023-24 Q3"}  # fmt: skip


@pytest.mark.parametrize("kpi", KPIS)
def test_every_kpi_table_has_the_spec_columns_and_every_quarter(plan, kpi):
    table = kpi_table(plan, kpi).for_profile("board", 5)
    assert table.id == f"kpi_{kpi}" and table.illustrative
    assert set(REQUIRED) <= set(table.data.columns)
    assert set(table.data["period"]) == {"2023-24 Q1", "2023-24 Q2", "2023-24 Q3",
                                         "2023-24 Q4", "2023-24"}  # fmt: skip
    assert "[c]" not in table.to_csv()
    assert table.caption.startswith(f"KPI {kpi_specs()[kpi].number} ")


def test_accommodation_figures_match_the_return(plan):
    table = kpi_table(plan, "accommodation").for_profile("board", 5)
    suitable = rows(table, measure="suitability", category="Suitable").set_index("period")
    kpis = plan.local.kpis
    mine = kpis[(kpis["kpi"] == "accommodation") & (kpis["measure"] == "suitability")]
    q1 = mine[mine["period"] == "2023-24 Q1"].set_index("category")["count"]
    assert suitable.loc["2023-24 Q1", "count"] == q1["Suitable"]
    assert suitable.loc["2023-24 Q1", "total"] == q1.sum()
    assert suitable.loc["2023-24 Q1", "percent"] == float(percent(q1["Suitable"], q1.sum()))
    year = mine[mine["category"] == "Suitable"]["count"].sum()
    assert suitable.loc["2023-24", "count"] == year
    q2 = suitable.loc["2023-24 Q2"]
    assert q2["change"] == q2["count"] - suitable.loc["2023-24 Q1", "count"]
    assert q2["change_in_words"].startswith(("▲ up", "▼ down", "● no change"))


def test_measures_where_a_child_counts_twice_have_no_percentages(plan):
    table = kpi_table(plan, "wider_services").for_profile("board", 5)
    assert table.data["percent"].isna().all()
    assert any("more than one category" in note for note in table.notes)


def test_ete_is_shown_for_each_cohort_and_measure_as_its_own_table(plan):
    table = kpi_table(plan, "ete").for_profile("board", 5)
    assert set(table.data["cohort"]) == {"all", "statutory_school_age", "post_16"}
    keys = [part.key for part in table.parts]
    measures = ["suitability", "ete-type", "hours-offered", "hours-attended"]
    for cohort in ("all", "statutory-school-age", "post-16"):
        assert [k.removeprefix(f"{cohort}-") for k in keys if k.startswith(cohort)] == measures
    captions = [part.caption for part in table.parts]
    assert (
        "KPI 2 Education, training and employment: suitability, above school age "
        "(post-16), 2023-24 by quarter" in captions
    )
    # Row headers are the categories alone: the KPI, cohort and measure are in the caption.
    suitability = table.parts[0].view
    assert suitability.iloc[:, 0].tolist() == ["Suitable", "Unsuitable", "All children counted"]


def test_a_kpi_part_has_quarters_as_columns_and_the_latest_change_last(plan):
    table = kpi_table(plan, "ete").for_profile("board", 5)
    part = table.parts[0]
    assert list(part.view.columns) == [
        "Suitability", "Q1", "Q2", "Q3", "Q4", "Year", "Change, Q3 to Q4"]  # fmt: skip
    suitable = part.view.iloc[0]
    data = rows(table, cohort="all", measure="suitability", category="Suitable")
    q4 = data[data["period"] == "2023-24 Q4"].iloc[0]
    assert suitable["Q4"] == f"{q4['count']} ({q4['percent']}%)"
    assert suitable["Change, Q3 to Q4"] == q4["change_in_words"]
    assert "Change, Q3 to Q4" not in part.numeric and "Q4" in part.numeric


def test_kpi_parts_render_as_captioned_tables_sharing_one_csv(plan):
    table = kpi_table(plan, "accommodation").for_profile("public", 5)
    html = table.to_html()
    assert html.count("<table ") == len(table.parts) == 2
    assert html.count("<caption>") == 2 and html.count("Download this table as CSV") == 1
    assert 'id="table-kpi_accommodation-all-suitability"' in html
    assert html.count('role="region"') == 2 and html.count('tabindex="0"') == 2
    assert "[c]</td>" in html and html.count("<p>[c]:") == 1  # explained once, for all parts


def test_serious_violence_has_a_rate_per_10000_children(plan):
    table = kpi_table(plan, "serious_violence").for_profile("board", 5)
    year = rows(table, period="2023-24")
    counts = year["count"].astype(float)
    assert (year["rate_per_10000"] == (counts * 10_000 / 19_146).round(2)).all()
    assert any("population aged 10-17 for 2020" in note for note in table.notes)


def test_the_first_quarter_is_compared_with_the_last_of_the_year_before(plan, tmp_path):
    kpis = plan.local.kpis
    earlier = kpis[kpis["period"] == "2023-24 Q4"].assign(period="2022-23 Q4")
    periods = kpi_periods(pd.concat([earlier, kpis]), "2024-25")
    assert periods.previous["2023-24 Q1"] == "2022-23 Q4"
    assert "2022-23 Q4" not in periods.quarters


def test_headlines_agree_with_the_kpi_tables_in_both_profiles():
    plan = yjnb.open_plan("trafford")
    for profile in ("board", "public"):
        headlines = kpi_headlines(plan).for_profile(profile, 5).data
        for kpi in KPIS:
            table = kpi_table(plan, kpi).for_profile(profile, 5).data
            mine = headlines[headlines["kpi"] == kpi]
            for row in mine.itertuples():
                match = table[(table["period"] == row.period) & (table["cohort"] == row.cohort)
                              & (table["measure"] == row.measure)
                              & (table["category"] == row.category)]  # fmt: skip
                if match.empty:  # the serious violence total of all offence groups
                    assert row.category == "Total"
                    continue
                assert str(match["count"].iloc[0]) == str(row.count), (kpi, profile, row)


def test_headlines_cover_every_kpi_with_board_attendance_eighth(plan):
    view = kpi_headlines(plan).for_profile("board", 5).view
    numbers = [int(name.split()[1]) for name in view["Indicator"]]
    assert numbers == sorted(numbers) and set(numbers) == set(range(1, 11))


def test_headlines_say_better_or_worse_by_each_figures_polarity(plan):
    table = kpi_headlines(plan).for_profile("board", 5)
    view = table.view.set_index("Indicator")
    # ETE, all children: 14 of 21 after 20 of 32, six fewer children but a higher share.
    ete = view.loc["KPI 2 ETE: suitable, all children"]
    assert ete["Change from the quarter before"] == "▲ up 4.2 points (6 fewer children)"
    assert ete["Better or worse"] == "✓ better"
    # Serious violence: fewer children is better; identified needs are not rated.
    assert view.loc["KPI 9 Serious violence: children, all offence groups",
                    "Better or worse"] == "✓ better"  # fmt: skip
    assert view.loc["KPI 4 Mental health: need identified", "Better or worse"] == "not rated"
    polarity = {
        f"KPI {s.number} {s.short}: {h['short']}": h["better"]
        for s in kpi_specs().values()
        for h in s.headline
        if "short" in h
    } | {"KPI 8 Board attendance": "higher"}
    judged_rows = 0
    for indicator, row in view.iterrows():
        change, judged = row["Change from the quarter before"], row["Better or worse"]
        if judged in ("✓ better", "✗ worse") and "points" in change:
            [better] = {b for prefix, b in polarity.items() if indicator.startswith(prefix)}
            rose = change.startswith("▲")
            judged_rows += 1
            assert (judged == "✓ better") == (rose == (better == "higher")), indicator
    assert judged_rows >= 10


def test_every_headline_has_a_polarity_and_a_short_name():
    for spec in kpi_specs().values():
        assert spec.short and len(spec.short) <= 25
        for headline in spec.headline:
            assert headline["better"] in ("higher", "lower", "neither")


def test_charts_are_drawn_from_the_suppressed_figures():
    plan = yjnb.open_plan("trafford")
    board = kpi_chart(plan, "wider_services").for_profile("board", 5)
    public = kpi_chart(plan, "wider_services").for_profile("public", 5)
    assert "[c]" not in board.data.to_csv() and "[c]" in public.data.to_csv()
    assert "not shown (small numbers)" in public.alt and board.svg != public.svg


def test_rates_round_half_up_from_the_exact_fraction():
    # 107 per 400,000 is 2.675 per 10,000 exactly; as a float it is 2.67499..., which
    # round() takes down to 2.67. Published statistics round half up: 2.68.
    assert rate(107, 400_000) == 2.68
    assert rate(3, 31_234.0) == 0.96 and rate(0, 5) == 0.0 and rate(None, 5) is None


def chart_labels(chart: Chart) -> list[str]:
    return re.findall(r">([^<>]*%[^<>]*)</text>", chart.svg.decode())


def test_chart_labels_are_the_figures_the_tables_show():
    # 10 of 16 is 62.5%: the bar says so, as the table and the text alternative do, rather
    # than re-rounding to a whole number (half to even would make it 62%).
    plan = yjnb.open_plan("trafford")
    chart = kpi_chart(plan, "ete").for_profile("board", 5)
    assert "62.5%" in chart_labels(chart) and "Q1 62.5%" in chart.alt
    board = yjnb.board_chart(plan)
    assert "25.0% (1 of 4)" in chart_labels(board) and "the lowest, 25.0%," in board.alt
    assert "25.0%" in board.data.view["Percentage"].tolist()


def test_a_chart_whose_figures_are_all_hidden_is_not_drawn(plan):
    item = kpi_chart(plan, "serious_violence")
    assert isinstance(item.for_profile("board", 5), Chart)
    public = item.for_profile("public", 5)
    assert isinstance(public, Table) and public.id == "kpi_serious_violence_chart"
    assert any("not drawn" in note for note in public.notes)


def test_board_attendance_is_a_partner_by_meeting_matrix_in_words(plan):
    table = board_attendance_table(plan)
    meetings = ["22 Jun 2023", "21 Sep 2023", "14 Dec 2023", "21 Mar 2024"]
    assert list(table.view.columns) == ["Partner", *meetings, "Meetings attended"]
    chair = table.view.iloc[0]
    assert chair["22 Jun 2023"] == "Present" and chair["Meetings attended"] == "4 of 4 (100.0%)"
    assert set(table.view.iloc[:, 1:5].stack()) <= {
        "Present", "Deputy attended", "Apologies sent", "Absent"}  # fmt: skip


def test_board_attendance_kpi_counts_deputies_as_attending(plan):
    table = board_kpi_table(plan)
    attended = rows(table, category="attended").set_index("period")
    assert attended.loc["2023-24 Q1", "count"] == 5 and attended.loc["2023-24 Q1", "total"] == 9
    assert attended.loc["2023-24", "percent"] == 66.7
    assert set(REQUIRED) <= set(table.data.columns) and table.id == "kpi_board_attendance"


def test_kpi_columns_are_the_spec_columns_first():
    assert KPI_COLUMNS[:6] == REQUIRED[:6] and "percent" in KPI_COLUMNS


def test_points_changes_are_from_the_exact_fractions():
    # Westmorland and Furness, accommodation, Q2 after Q1: 28 of 30 after 22 of 23 is
    # 93.333...% - 95.652...% = -2.319 points, shown -2.3. The rounded percentages (93.3,
    # 95.7) differ by 2.4, which is what a difference of the shown figures would say.
    assert points((28, 30), (22, 23)) == Decimal("-2.3")
    assert percent(28, 30) - percent(22, 23) == Decimal("-2.4")
    assert points((1, 8), (0, 8)) == Decimal("12.5") and points((1, 0), (1, 2)) is None
    # Half up, that is away from zero: 1 of 400 after 0 is +0.25, shown +0.3; and back, -0.3.
    assert points((1, 400), (0, 1)) == Decimal("0.3") and points((0, 1), (1, 400)) == -Decimal(
        "0.3"
    )


def test_the_wf_q2_suitable_change_is_shown_from_the_exact_fractions(plan):
    table = kpi_table(plan, "accommodation").for_profile("board", 5)
    q2 = rows(table, period="2023-24 Q2", measure="suitability", category="Suitable").iloc[0]
    assert (q2["count"], q2["total"], q2["previous_count"]) == (28, 30, 22)
    assert q2["percent_points_change"] == -2.3
    # Six more children, a smaller share: the arrow follows the share, the count second.
    assert q2["change_in_words"] == "▼ down 2.3 points (6 more children)"


def test_unknown_categories_are_their_own_row_last_and_counted_in_the_total(tmp_path):
    shutil.copytree(ROOT / "data" / "national", tmp_path / "data" / "national")
    shutil.copytree(ROOT / "params" / WF, tmp_path / "params" / WF)
    shutil.copytree(ROOT / "data" / "local" / WF, tmp_path / "data" / "local" / WF)
    path = tmp_path / "data" / "local" / WF / "kpis.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("2023-24 Q4,send,all,formal_plan,Not recorded,2\n")
    mine = yjnb.open_plan(WF, params_dir=tmp_path / "params", data_dir=tmp_path / "data")
    table = kpi_table(mine, "send").for_profile("board", 5)
    [plans] = [part.view for part in table.parts if part.key == "all-formal-plan"]
    assert plans.iloc[-2:, 0].tolist() == ["Not recorded", "All children counted"]
    q4 = rows(table, period="2023-24 Q4", measure="formal_plan").set_index("category")
    assert q4.loc["Not recorded", "total"] == q4.loc["Yes", "total"]
    assert q4.loc["Yes", "total"] == q4.loc["Yes", "count"] + q4.loc["No", "count"] + 2
    heads = kpi_headlines(mine).for_profile("board", 5).view
    send = heads[heads["Indicator"].str.startswith("KPI 3 ")]
    latest = send.iloc[0]["Latest quarter (2023-24 Q4)"]
    assert latest.endswith("; total includes 2 'Not recorded')"), latest


def test_board_attendance_not_recorded_is_a_place_not_attended(tmp_path):
    shutil.copytree(ROOT / "data" / "national", tmp_path / "data" / "national")
    shutil.copytree(ROOT / "params" / WF, tmp_path / "params" / WF)
    shutil.copytree(ROOT / "data" / "local" / WF, tmp_path / "data" / "local" / WF)
    path = tmp_path / "data" / "local" / WF / "board_attendance.csv"
    text = path.read_text(encoding="utf-8").replace(",absent", ",not_recorded", 1)
    assert "not_recorded" in text
    path.write_text(text, encoding="utf-8")
    mine = yjnb.open_plan(WF, params_dir=tmp_path / "params", data_dir=tmp_path / "data")
    table = board_kpi_table(mine)
    year = rows(table, period="2023-24").set_index("category")
    assert year.loc["not_recorded", "count"] == 1
    assert year.loc["Total", "count"] == year.loc[list(BOARD_STATUSES), "count"].sum()
    assert "Not recorded" in table.view["Status"].tolist()
    # Without any, there is no such row.
    plain = board_kpi_table(yjnb.open_plan(WF))
    assert "Not recorded" not in plain.view["Status"].tolist()


@pytest.mark.parametrize(("year", "noted"), [("2019-20", False), ("2024-25", True)])
def test_a_kpi_return_with_no_rows_is_said_once(workspace_factory, year, noted):
    ws = workspace_factory([WF])
    (ws["data"] / "local" / WF / "kpis.csv").write_text(
        "period,kpi,cohort,measure,category,count\n", encoding="utf-8"
    )
    plan_yaml = ws["params"] / WF / "plan.yaml"
    text = plan_yaml.read_text(encoding="utf-8")
    plan_yaml.write_text(re.sub(r"(?m)^year: .*$", f"year: {year}", text), encoding="utf-8")
    plan = yjnb.open_plan(WF, params_dir=ws["params"], data_dir=ws["data"])
    before = f"{int(year[:4]) - 1}-{year[2:4]}"
    headlines = kpi_headlines(plan)
    assert isinstance(headlines, Table) and headlines.view.empty
    assert f"no key performance indicator return was given for {before}" in headlines.empty
    assert list(headlines.data.columns)[:6] == ["kpi", "cohort", "measure", "category", "figure",
                                                "period"]  # fmt: skip
    for kpi in KPIS:
        assert yjnb.kpi_section(plan, kpi) == []
    notes = [w for w in plan.warnings if w.file.endswith("kpis.csv")]
    assert len(notes) == noted
