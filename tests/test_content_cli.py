"""`yjnb placeholders [SLUG]` and `yjnb validate` know the content and budget names."""

from yjnb.cli import main

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
