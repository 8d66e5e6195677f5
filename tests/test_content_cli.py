"""`yjnb placeholders [SLUG]` and `yjnb validate` know the content and budget names."""

import shutil
from pathlib import Path

import pytest

from yjnb.cli import main

ROOT = Path(__file__).resolve().parent.parent

WF = "westmorland-and-furness"


def test_placeholders_for_an_authority_show_values(workspace_factory, capsys):
    ws = workspace_factory([WF])
    args = ["placeholders", WF, "--params-dir", str(ws["params"]), "--data-dir", str(ws["data"])]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "{{ budget.youth_justice_board.total }} = £401,233  (Youth Justice Board: total)" in out
    assert "{{ progress.achieved_percent }} = 50.0%" in out
    assert "{{ fte_rate.latest }} = " in out


def test_placeholders_without_an_authority_list_every_name(capsys):
    assert main(["placeholders"]) == 0
    out = capsys.readouterr().out
    assert "{{ budget.police_and_crime_commissioner.total }}" in out
    assert "{{ sign_off.date }}" in out and "{{ fte_rate.latest }}" in out


@pytest.mark.slow
def test_validate_knows_each_authoritys_budget_lines(workspace_factory, capsys):
    ws = workspace_factory([WF])
    budget = ws["data"] / "local" / WF / "budget.csv"
    budget.write_text(budget.read_text() + "2024-25,Turnaround (MoJ),0,0,0,0\n")
    narrative = ws["params"] / WF / "narrative" / "07_resources.md"
    narrative.write_text(
        "Turnaround gives {{ budget.turnaround_moj.total }}; the board {{ budget.board.total }}.\n"
    )
    args = ["validate", "--params-dir", str(ws["params"]), "--data-dir", str(ws["data"])]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "budget.turnaround_moj.total" not in out
    assert "07_resources.md, row 1: unknown placeholder '{{ budget.board.total }}'" in out


def test_new_writes_a_plan_whose_commented_content_is_valid(tmp_path, capsys):
    import re

    from yjnb.inputs.config import load_plan

    params, data = tmp_path / "params", tmp_path / "data"
    shutil.copytree(ROOT / "data" / "national", data / "national")
    assert main(["new", "sefton", "--params-dir", str(params), "--data-dir", str(data)]) == 0
    plan_yaml = params / "sefton" / "plan.yaml"
    text = plan_yaml.read_text()
    assert "#     over_represented_children:   # Children from groups which are" in text
    # Uncomment every example line of structured content: the result must load.
    example = re.compile(r"^# ( *)([a-z_0-9]+:( |$)|- )")
    lines = text.split("# Structured content")[1].splitlines()
    uncommented = [line[2:] if example.match(line) else line for line in lines]
    head = text.split("# Structured content")[0]
    plan_yaml.write_text(head + "\n".join(uncommented[1:]) + "\n")
    config = load_plan(params, "sefton")
    assert config.sign_off.date.isoformat() == "2025-06-30"
    assert len(config.priorities.national.model_dump(exclude_none=True)) == 11
    assert config.risks.entries[0].likelihood == "medium"
    assert config.dashboard.shares[0].with_need == 12
    assert config.foreword.signed_by[1].name == "Councillor A. Name"
    assert config.back_page.contact.email == "youth.justice@example.gov.uk"
    assert [line.lang for line in config.back_page.languages] == ["cy"]
    narrative = (params / "sefton" / "narrative" / "07_resources.md").read_text()
    assert narrative.startswith("> **Guidance") and "budget.total" in narrative
    capsys.readouterr()
    main(["validate", "--params-dir", str(params), "--data-dir", str(data)])
    out = capsys.readouterr().out
    assert "unknown placeholder" not in out
    about_plan = [line for line in out.splitlines() if "plan.yaml" in line]
    # The examples are valid, and the area code is a real one: at most warnings about the
    # example figures (a population, a budget line) that Sefton's data does not bear out.
    assert about_plan and all(line.startswith("warning: ") for line in about_plan), about_plan
    assert "area_code" not in out


@pytest.mark.slow
def test_validate_reports_what_the_sections_would_flag(workspace_factory, capsys):
    ws = workspace_factory([WF])
    args = ["validate", "--params-dir", str(ws["params"]), "--data-dir", str(ws["data"])]
    assert main(args) == 0  # warnings only
    out = capsys.readouterr().out
    assert "12 of 33 is 36.4%, not 36.3%" in out
    assert "are the two swapped?" in out
    assert "national priority areas not addressed: Education" in out
    assert "the 10-17 population stated in" in out
    assert "0 errors, 7 warnings" in out
