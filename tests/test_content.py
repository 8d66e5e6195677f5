"""Structured plan content: the plan.yaml schema, its tables, and the faults they catch."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

import yjnb.plan
from yjnb.errors import InputError
from yjnb.inputs.config import load_plan
from yjnb.narrative.content_figures import content_names, content_values
from yjnb.sections.common import percent

ROOT = Path(__file__).resolve().parent.parent
WF = "westmorland-and-furness"
BASE = "name: Sefton Youth Justice Service\narea_code: E08000014\nyear: 2024-25\n"


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    # Outside a kernel, display output would only be printed.
    monkeypatch.setattr(yjnb.plan, "_display", lambda data, metadata: None)


def open_bundled(slug, tmp_path=None, extra=""):
    if tmp_path is None:
        return yjnb.plan.open_plan(slug)
    params = tmp_path / "params"
    shutil.copytree(ROOT / "params" / slug, params / slug)
    if extra:
        plan_yaml = params / slug / "plan.yaml"
        plan_yaml.write_text(plan_yaml.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return yjnb.plan.open_plan(slug, params_dir=params)


@pytest.fixture(scope="module")
def wf():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yjnb.plan, "_display", lambda data, metadata: None)
        plan = yjnb.plan.open_plan(WF)
        tables = {
            name: getattr(yjnb, name)(plan)
            for name in (
                *("local_context_table", "board_members_table", "progress_table"),
                *("progress_summary_table", "risk_register_table", "child_first_table"),
                *("budget_table", "budget_chart", "contributions_table"),
                *("staffing_table", "staffing_by_funder_table", "training_table"),
                *("national_priorities_table", "sign_off_table", "actions_table"),
            )
        }
    return plan, tables


def messages(plan):
    return [str(p) for p in plan.warnings]


# -- the schema ------------------------------------------------------------------------------


def plan_problems(tmp_path, text):
    (tmp_path / "sefton").mkdir()
    (tmp_path / "sefton" / "plan.yaml").write_text(BASE + text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_plan(tmp_path, "sefton")
    return caught.value.problems


@pytest.mark.parametrize(
    ("text", "column", "row", "fragment"),
    [
        (
            "risks:\n  register:\n    - risk: Data\n      likelyhood: high\n",
            "risks.register.0.likelyhood",
            7,
            "known keys here: risk, likelihood, impact, mitigations, owner",
        ),
        (
            "risks:\n  register:\n    - risk: Data\n      impact: huge\n",
            "risks.register.0.impact",
            7,
            "expected 'low', 'medium' or 'high'",
        ),
        (
            "previous_priorities:\n  objectives:\n    - title: A\n      actions:\n"
            "        - action: B\n          status: done\n",
            "previous_priorities.objectives.0.actions.0.status",
            9,
            "'achieved', 'on track', 'at risk' or 'not achieved'",
        ),
        (
            "previous_priorities:\n  objectives:\n    - title: A\n      actions:\n"
            "        - Only the action\n",
            "previous_priorities.objectives.0.actions.0.status",
            8,
            "is missing",
        ),
        (
            "board:\n  members:\n    - {organisation: A, role: B, chair: true}\n"
            "    - {organisation: C, role: D, chair: true}\n",
            "board.members",
            6,
            "at most one member with chair: true",
        ),
        (
            "priorities:\n  national:\n    educaton: {actions: [x]}\n",
            "priorities.national.educaton",
            6,
            "known keys here: over_represented_children, policing",
        ),
        (
            "sign_off: {name: A, role: B, date: 30/06/2024}\n",
            "sign_off.date",
            4,
            "not valid",
        ),
        (
            "workforce:\n  staff:\n    - {role: A, funded_by: B, posts: -1}\n",
            "workforce.staff.0.posts",
            6,
            "greater than or equal to 0",
        ),
        ("illustrative: [plan.risk]\n", "illustrative", 4, "found 'plan.risk'"),
        (
            "resources:\n  contributions:\n    - {partner: A}\n",
            "resources.contributions.0.agency",
            6,
            "missing",
        ),
    ],
)
def test_malformed_entry_is_located_by_line_and_key(tmp_path, text, column, row, fragment):
    found = plan_problems(tmp_path, text)
    assert len(found) == 1, found
    assert found[0].column == column
    assert found[0].row == row
    assert fragment in str(found[0])


def test_shorthand_and_spelling_variants_are_read(tmp_path):
    (tmp_path / "sefton").mkdir()
    (tmp_path / "sefton" / "plan.yaml").write_text(
        BASE + "previous_priorities:\n  objectives:\n    - title: A\n      actions:\n"
        "        - {action: B, status: On_Track}\n"
        "workforce:\n  training_planned: [AIM3]\n"
        "risks:\n  register:\n    - {risk: R, mitigations: one action, likelihood: High}\n"
        "board_development:\n  activities:\n    - {activity: Away day, when: 2024}\n",
        encoding="utf-8",
    )
    config = load_plan(tmp_path, "sefton")
    assert config.previous_priorities.objectives[0].actions[0].status == "on track"
    assert config.workforce.training_planned[0].course == "AIM3"
    assert config.risks.entries[0].mitigations == ["one action"]
    assert config.risks.entries[0].likelihood == "high"
    assert config.board_development.activities[0].when == "2024"


@pytest.mark.parametrize(
    ("flags", "source", "expected"),
    [
        (["plan"], "risks", True),
        (["plan"], "workforce.staff", True),
        (["plan.workforce"], "workforce.staff", True),
        (["plan.workforce.staff"], "workforce.staff", True),
        (["plan.workforce.staff"], "workforce.training_delivered", False),
        (["plan.workforce.staff"], "workforce", False),
        (["budget"], "budget", True),
        (["plan"], "budget", False),
        (["kpis"], "risks", False),
    ],
)
def test_illustrative_flags_cover_the_content_beneath_them(tmp_path, flags, source, expected):
    (tmp_path / "sefton").mkdir()
    (tmp_path / "sefton" / "plan.yaml").write_text(
        BASE + f"illustrative: {flags}\n", encoding="utf-8"
    )
    assert load_plan(tmp_path, "sefton").is_illustrative(source) is expected


# -- Westmorland and Furness: the seed's figures and faults ----------------------------------


def test_budget_totals_are_computed_not_copied(wf):
    plan, tables = wf
    table = tables["budget_table"]
    total = table.data[table.data["agency"] == "Total"].iloc[0]
    # The published Total row says 0 for other delegated funds; the Other row holds 100,686.
    assert total["other_delegated_funds"] == 100686
    assert total["staffing_costs"] == 854257 and total["payments_in_kind"] == 145634
    assert total["total"] == 1100577
    assert table.view.iloc[-1].tolist() == ["Total", "854,257", "145,634", "100,686", "1,100,577"]
    assert not table.illustrative
    assert any("budget.csv, row 10, column 'other_delegated_funds'" in m for m in messages(plan))


def test_stated_contributions_that_swap_two_lines_are_caught(wf):
    plan, tables = wf
    notes = [m for m in messages(plan) if "resources.contributions" in m]
    assert len(notes) == 2
    assert "£420,000 for Youth Justice Board" in notes[0] and "are the two swapped" in notes[0]
    assert "£401,233 for Local Authority" in notes[1]
    shown = tables["contributions_table"].data.set_index("partner")["amount"]
    assert shown["Youth Justice Board grant"] == 401233  # the table's figure, not the text's
    assert shown["Cumbria Constabulary"] == 61238


def test_stated_populations_differing_from_the_published_one_are_noted(wf):
    plan, tables = wf
    notes = [m for m in messages(plan) if "10-17 population stated" in m]
    assert len(notes) == 2
    assert "'19,101'" in notes[0] and "19,146" in notes[0] and "row 39" in notes[0]
    assert "'19,137'" in notes[1]
    assert tables["local_context_table"].view["Value"].tolist()[:3] == [
        "19,146",
        "19,101",
        "19,137",
    ]


def test_national_priority_area_missing_from_the_seed_is_reported(wf):
    plan, tables = wf
    view = tables["national_priorities_table"].view.set_index("National priority area")
    assert len(view) == 11
    assert view.loc["Education", "How we plan to address it"] == "Not addressed in this plan"
    assert any(
        "1 of the 11 national priority areas not addressed: Education" in m for m in messages(plan)
    )


def test_progress_statuses_in_words_and_counted(wf):
    _, tables = wf
    summary = tables["progress_summary_table"]
    assert summary.view["Actions"].tolist() == ["7", "6", "1", "0", "14"]
    assert summary.view["Share of actions"].tolist() == [
        "50.0%",
        "42.9%",
        "7.1%",
        "0.0%",
        "100.0%",
    ]
    detail = tables["progress_table"].view
    assert set(detail["Status"]) == {"Achieved", "On track", "At risk"}
    assert detail["Ref"].tolist()[:5] == ["1.1", "1.2", "1.3", "1.4", "2.1"]


def test_unrated_register_leaves_out_the_rating_columns(wf):
    _, tables = wf
    register = tables["risk_register_table"]
    assert list(register.view.columns) == ["Risk", "Actions to mitigate"]
    assert len(register.view) == 5
    assert "does not rate likelihood" in register.notes[0]


def test_illustrative_parts_are_labelled_and_real_ones_not(wf):
    _, tables = wf
    assert tables["board_members_table"].illustrative
    assert tables["staffing_table"].illustrative
    assert not tables["training_table"].illustrative
    assert not tables["sign_off_table"].illustrative
    assert not tables["progress_table"].illustrative


def test_staffing_totals(wf):
    _, tables = wf
    staffing = tables["staffing_table"]
    assert staffing.view.iloc[-1]["Posts"] == "24"
    assert staffing.view.iloc[-1]["Full-time equivalent"] == "23.6"
    funders = tables["staffing_by_funder_table"].view.set_index("Funding partner")
    assert funders.loc["Total", "Share of full-time equivalent"] == "100.0%"


def test_sign_off_block(wf):
    _, tables = wf
    block = tables["sign_off_table"].view.set_index("Item")["Detail"]
    assert block["Chair of the management board"] == "Jonathan Taylor"
    assert block["Date"] == "30 June 2024"
    assert tables["sign_off_table"].data["date"].iloc[0] == "2024-06-30"


def test_chart_states_its_finding_and_publishes_its_data(wf):
    _, tables = wf
    chart = tables["budget_chart"]
    assert b"<svg" in chart.svg
    assert "Local Authority £420,000 (38.2%)" in chart.alt
    assert "Nothing from Police and Crime Commissioner, Welsh Government" in chart.alt
    assert chart.data.data["total"].sum() == 1100577


# -- two years, missing content, narrative figures -------------------------------------------


def test_two_years_give_change_columns_and_a_grouped_chart():
    plan = open_bundled("trafford")
    table = yjnb.budget_table(plan)
    assert list(table.view.columns)[-3:] == ["Total 2023-24 (£)", "Change (£)", "Change (%)"]
    total = table.view.iloc[-1]
    assert (total["Total 2024-25 (£)"], total["Change (£)"]) == ("1,642,000", "+40,700")
    assert total["Change (%)"] == "2.5%"
    assert set(table.data["year"]) == {"2023-24", "2024-25"}
    # Every figure the page shows is in the CSV, the change included.
    total = table.data[(table.data["agency"] == "Total") & (table.data["year"] == "2024-25")]
    assert total[["previous_total", "change"]].iloc[0].tolist() == [1601300, 40700]
    assert table.view.loc[3, "Change (£)"] == "0"  # no contribution change: no sign
    chart = yjnb.budget_chart(plan)
    assert "In 2023-24 the total was £1,601,300" in chart.alt
    assert set(chart.data.data["year"]) == {"2023-24", "2024-25"}


def test_missing_content_shows_a_marked_placeholder_and_warns(tmp_path):
    plan = open_bundled(WF, tmp_path)
    (tmp_path / "params" / WF / "plan.yaml").write_text(
        BASE.replace("Sefton", "W").replace("E08000014", "E06000064"), encoding="utf-8"
    )
    plan = yjnb.plan.open_plan(WF, params_dir=tmp_path / "params")
    table = yjnb.sign_off_table(plan)
    assert table.data.empty
    assert table.view.iloc[0, 0].startswith("Not yet recorded")
    assert any("who signed the plan off not recorded" in m for m in messages(plan))


SEED_SENTENCES = (
    "The total Youth Justice Grant for 2023/24 has yet to be confirmed but indicative figures "
    "enable us to proceed with service planning on the basis that funding will remain the same "
    "as last year, in the region of £420,000. There will also be the Turnaround Grant of "
    "£100,686 from the MOJ. Westmorland and Furness Council contribution to the Youth Justice "
    "Service in 2024/25 is £401,233.\n"
)


def test_typed_figures_that_disagree_with_the_budget_table_are_reported(tmp_path):
    from yjnb.narrative.typed_figures import check_narrative_figures

    plan = open_bundled(WF, tmp_path)
    narrative = tmp_path / "params" / WF / "narrative" / "07_resources.md"
    narrative.write_text("Our budget.\n\n" + SEED_SENTENCES, encoding="utf-8")
    check_narrative_figures(plan)
    found = [p for p in plan.warnings if p.file.endswith("07_resources.md")]
    assert [p.value for p in found] == ["£420,000", "£100,686", "£401,233"]
    assert all(p.row == 3 for p in found)
    assert "about Youth Justice Board gives £420,000" in found[0].message
    assert "figure for Local Authority" in found[0].message
    assert "typed, not quoted" in found[1].message
    assert "about Local Authority gives £401,233" in found[2].message
    assert found[2].expected == "{{ budget.local_authority.total }}"


def test_data_notes_about_a_folder(tmp_path, monkeypatch):
    from yjnb.narrative.typed_figures import check_narrative_figures

    shown = []
    monkeypatch.setattr(yjnb.plan, "_display", lambda data, metadata: shown.append(data))
    plan = open_bundled(WF, tmp_path)
    narrative = tmp_path / "params" / WF / "narrative" / "01_introduction.md"
    narrative.write_text(SEED_SENTENCES, encoding="utf-8")
    check_narrative_figures(plan)
    shown.clear()
    plan.heading("01_introduction")
    plan.data_notes("narrative")
    text = shown[-1]["text/plain"]
    assert text.count("01_introduction.md") == 3 and "budget.csv" not in text
    # Each section's notes are labelled by their own heading: ids stay unique on the page.
    assert 'id="data-notes-01_introduction"' in shown[-1]["text/html"]


def test_placeholders_quote_the_same_figures_as_the_tables(wf):
    plan, tables = wf
    values = content_values(plan.config, plan.local)
    assert values["budget.youth_justice_board.total"] == "£401,233"
    assert values["budget.other_delegated_funds"] == "£100,686"
    assert values["budget.total"] == "£1,100,577"
    assert values["budget.local_authority.share"] == "38.2%"
    assert values["progress.achieved"] == "7" and values["progress.at_risk_percent"] == "7.1%"
    assert values["workforce.posts"] == "24" and values["workforce.volunteers"] == "8"
    assert values["priorities.national_addressed"] == "10"
    assert values["sign_off.date"] == "30 June 2024"
    assert values["budget.change"] == "not available"  # one year only
    assert set(values) == set(content_names(plan.config, plan.local))


def test_percent_rounds_half_up():
    assert percent(12, 33) == "36.4%"  # printed as 36.3% in the seed
    assert percent(1, 8) == "12.5%"
    assert percent(1, 0) == "not available"


def test_tidy_csv_of_the_budget(wf):
    _, tables = wf
    csv = pd.read_csv(pd.io.common.StringIO(tables["budget_table"].to_csv()))
    assert list(csv.columns) == [
        "year",
        "agency",
        "staffing_costs",
        "payments_in_kind",
        "other_delegated_funds",
        "total",
        "illustrative",
    ]
    assert len(csv) == 9
    assert set(csv["illustrative"]) == {False}  # transcribed from the published plan


def test_narrative_can_quote_content_figures_and_notes_can_be_chosen(tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(yjnb.plan, "_display", lambda data, metadata: shown.append(data))
    plan = open_bundled(WF, tmp_path)
    assert plan.values["budget.total"] == "£1,100,577"
    assert plan.values["fte_rate.unit"]  # indicator placeholders are still there
    yjnb.contributions_table(plan)
    shown.clear()
    plan.data_notes("budget.csv")
    text = shown[-1]["text/plain"]
    assert "budget.csv, row 10" in text and "resources.contributions" not in text
    plan.data_notes("resources")
    text = shown[-1]["text/plain"]
    assert "resources.contributions.0.amount" in text and "budget.csv" not in text
    shown.clear()
    plan.data_notes("sign_off")  # nothing about it: nothing shown
    assert shown == []


# -- the service's dashboard: counts of children, protected in public ---------------------------


def test_dashboard_recomputes_the_seeds_percentages(wf):
    from yjnb.sections.dashboard import need_by_group_table

    plan, _ = wf
    table = need_by_group_table(plan).for_profile("board", 5)
    assert table.view["Percentage"].tolist() == ["36.4%", "35.8%", "14.7%", "28.0%"]
    notes = [p for p in plan.warnings if (p.column or "").startswith("dashboard")]
    assert len(notes) == 1  # only 12 of 33 printed as 36.3%; 28.02 and the rest are right
    assert notes[0].column == "dashboard.shares.0.percent"
    assert "12 of 33 is 36.4%, not 36.3%" in notes[0].message


DASHBOARD = """
dashboard:
  first_time_entrants:
    - {disposal: Youth Caution, children: 9}
    - {disposal: Referral Order, children: 3}
    - {disposal: Total, children: 13}
  reoffending:
    - {group: All children, this_year: 30.0, last_year: 35.5, difference: -4.5}
  shares:
    - {group: Statutory cases, children: 20, with_need: 4}
    - {group: Prevention, children: 30, with_need: 9}
"""


def _without_dashboard(tmp_path, replacement=""):
    """W&F with its dashboard block removed from plan.yaml, and ``replacement`` added."""
    params = tmp_path / "params"
    shutil.copytree(ROOT / "params" / WF, params / WF)
    plan_yaml = params / WF / "plan.yaml"
    text = plan_yaml.read_text(encoding="utf-8")
    text = text[: text.index("dashboard:\n")] + text[text.index("\n# Section 5") :]
    plan_yaml.write_text(text + replacement, encoding="utf-8")
    return yjnb.plan.open_plan(WF, params_dir=params)


def test_dashboard_small_counts_are_suppressed_in_public_and_faults_noted(tmp_path):
    from yjnb.sections.dashboard import (
        first_time_entrants_table,
        need_by_group_table,
        reoffending_table,
    )

    # The seed's dashboard is replaced by one with small counts and wrong stated figures.
    plan = _without_dashboard(tmp_path, DASHBOARD)
    fte = first_time_entrants_table(plan)
    board, public = fte.for_profile("board", 5), fte.for_profile("public", 5)
    assert board.view["Children"].tolist() == ["9", "3", "12"]
    assert public.view["Children"].tolist()[1] == "[c]"
    assert "[c]" in public.view["Children"].tolist()[0]  # secondary: 12 - 9 would give it
    assert public.view["Share of first time entrants"].tolist()[1] == "[c]"
    need = need_by_group_table(plan).for_profile("public", 5).view
    assert need.loc[0, "With an education, health and care plan"] == "[c]"
    assert need.loc[0, "Percentage"] == "[c]"
    reoffending = reoffending_table(plan)
    assert reoffending.view.loc[0, "Change"] == "▼ down 5.5 points"
    assert reoffending.view.loc[0, "Better or worse"] == "✓ better"  # less reoffending
    messages = [str(p) for p in plan.warnings if (p.column or "").startswith("dashboard")]
    assert any("stated total of first time entrants is 13" in m for m in messages)
    assert any("stated difference for All children is -4.5" in m for m in messages)


def test_a_missing_dashboard_is_one_note_and_a_missing_list_names_itself(tmp_path):
    from yjnb.sections.dashboard import (
        first_time_entrants_table,
        need_by_group_table,
        reoffending_table,
    )

    tables = (first_time_entrants_table, reoffending_table, need_by_group_table)
    plan = _without_dashboard(tmp_path / "none")
    for table in tables:
        assert table(plan).view.iloc[0, 0].startswith("Not yet recorded")
    notes = [p for p in plan.warnings if (p.column or "").startswith("dashboard")]
    assert [(p.column, p.message) for p in notes] == [
        ("dashboard", "the dashboard not recorded: the section shows a placeholder")
    ]
    lines = DASHBOARD.splitlines(keepends=True)
    start = lines.index("  reoffending:\n")
    plan = _without_dashboard(tmp_path / "part", "".join(lines[:start] + lines[start + 2 :]))
    for table in tables:
        table(plan)
    notes = [p for p in plan.warnings if (p.column or "") == "dashboard.reoffending"]
    assert len(notes) == 1 and "the dashboard's reoffending not recorded" in notes[0].message


@pytest.mark.parametrize("label", ["YJB", "YJB Good Practice Grant", "Youth Justice Board grant"])
def test_the_grant_under_another_usual_label_is_the_youth_justice_board(workspace_factory, label):
    ws = workspace_factory([WF])
    path = ws["data"] / "local" / WF / "budget.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Youth Justice Board", label), encoding="utf-8"
    )
    plan = yjnb.plan.open_plan(WF, params_dir=ws["params"], data_dir=ws["data"])
    values = content_values(plan.config, plan.local)
    assert values["budget.youth_justice_board.total"] == "£401,233"
    assert values["budget.youth_justice_board.share"] == "36.5%"


def test_a_placeholder_with_no_figure_is_a_data_quality_note(tmp_path):
    plan = open_bundled(WF, tmp_path)
    narrative = tmp_path / "params" / WF / "narrative" / "07_resources.md"
    narrative.write_text("Grant: {{ budget.total }}.\n\nChange: {{ budget.change }}.\n", "utf-8")
    plan.narrative("07_resources")
    notes = [p for p in plan.warnings if p.file.endswith("07_resources.md")]
    assert [(p.row, p.value, p.severity) for p in notes] == [(3, "budget.change", "warning")]
    assert "has no figure" in notes[0].message and "'not available'" in notes[0].message


def test_a_plan_quotes_no_population_estimate_from_after_its_year_began(workspace_factory):
    # The bundled 10-17 population is mid-2020: a 2024-25 plan quotes it, a 2019-20 plan not.
    from yjnb.sections.kpis import population_10_17

    plan = open_bundled(WF)
    figures = yjnb.local_context_table(plan).view.iloc[:, 0].tolist()
    assert "Children aged 10 to 17 (2020, used for rates in this plan)" in figures
    ws = workspace_factory([WF])
    plan_yaml = ws["params"] / WF / "plan.yaml"
    text = plan_yaml.read_text(encoding="utf-8").replace("\nyear: 2024-25", "\nyear: 2019-20")
    plan_yaml.write_text(text, encoding="utf-8")
    kpis = ws["data"] / "local" / WF / "kpis.csv"  # no KPI return before April 2023
    kpis.write_text(kpis.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    plan = yjnb.plan.open_plan(WF, params_dir=ws["params"], data_dir=ws["data"])
    figures = yjnb.local_context_table(plan).view.iloc[:, 0].tolist()
    assert not [f for f in figures if "2020" in f]
    assert population_10_17(plan)[1] == "the population aged 10-17 in population.csv"
