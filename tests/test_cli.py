"""The command line: validate reports located problems without tracebacks; new; placeholders."""

import shutil
from pathlib import Path

import pytest

from yjnb.cli import main

SLUG = "trafford"
ROOT = Path(__file__).resolve().parents[1]


def validate(ws, capsys, *extra):
    args = ["validate", "--params-dir", str(ws["params"]), "--data-dir", str(ws["data"]), *extra]
    status = main(args)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return status, captured.out


@pytest.mark.slow
def test_bundled_authority_validates(workspace_factory, capsys):
    ws = workspace_factory([SLUG])
    status, out = validate(ws, capsys)
    assert status == 0, out
    assert "0 errors" in out


@pytest.mark.parametrize(
    ("file", "edit", "expected"),
    [
        (
            "local/trafford/kpis.csv",
            lambda t: t + "2023-24 Q1,accommodation,all,suitability,Suitable,-3\n",
            ["data/local/trafford/kpis.csv", "column 'count'", "-3"],
        ),
        (
            "local/trafford/kpis.csv",
            lambda t: t + "2023-24 Q1,housing,all,suitability,Suitable,3\n",
            ["data/local/trafford/kpis.csv", "column 'kpi'", "housing"],
        ),
        (
            "local/trafford/kpis.csv",
            lambda t: t + "2023/24 Q1,ete,all,suitability,Suitable,3\n",
            ["data/local/trafford/kpis.csv", "column 'period'", "2023/24 Q1"],
        ),
        (
            "local/trafford/kpis.csv",
            lambda t: t.replace("period,", "when,", 1),
            ["data/local/trafford/kpis.csv", "period"],
        ),
        (
            "national/counts.csv",
            lambda t: t + "E99999999,fte_rate,2023-01-01,2023-12-31,12,made up\n",
            ["data/national/counts.csv", "column 'area_code'", "E99999999"],
        ),
        (
            "national/counts.csv",
            lambda t: t + "E08000009,fte,2020-01-01,2020-12-31,30000,made up\n",
            ["data/national/counts.csv", "fte", "population_10_17"],
        ),
    ],
)
def test_bad_input_named_by_file_row_and_column(workspace_factory, capsys, file, edit, expected):
    ws = workspace_factory([SLUG])
    path = ws["data"] / file
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    status, out = validate(ws, capsys)
    assert status == 1
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert any(all(part in line for part in expected) for line in errors), out


def test_malformed_plan_yaml(workspace_factory, capsys):
    ws = workspace_factory([SLUG])
    plan = ws["params"] / SLUG / "plan.yaml"
    plan.write_text(plan.read_text() + "comparators: [E08000003\n")
    status, out = validate(ws, capsys)
    assert status == 1
    assert "params/trafford/plan.yaml" in out and "malformed YAML" in out


@pytest.mark.slow
def test_missing_narrative_is_a_warning_unless_strict(workspace_factory, capsys):
    ws = workspace_factory([SLUG])
    (ws["params"] / SLUG / "narrative" / "08_board_development.md").unlink()
    status, out = validate(ws, capsys)
    assert status == 0 and "warning: params/trafford/narrative/08_board_development.md" in out
    status, out = validate(ws, capsys, "--strict")
    assert status == 1 and "error: params/trafford/narrative/08_board_development.md" in out


@pytest.mark.slow
def test_strict_fails_on_data_quality_notes_in_every_local_file(workspace_factory, capsys):
    # The seed's known fault: the W&F budget's Total row says 0 for other delegated funds
    # though the Other row holds 100,686. A note, with the computed sum used; --strict fails.
    ws = workspace_factory(["westmorland-and-furness"])
    status, out = validate(ws, capsys)
    note = "warning: data/local/westmorland-and-furness/budget.csv, row 10, column "
    assert status == 0 and note + "'other_delegated_funds'" in out
    assert "expected 100,686 (computed, and used)" in out
    status, out = validate(ws, capsys, "--strict")
    assert status == 1 and note in out and "--strict: the warnings above fail the check" in out


@pytest.mark.slow
def test_strict_passes_clean_inputs(workspace_factory, capsys):
    ws = workspace_factory([SLUG])
    status, out = validate(ws, capsys, "--strict")
    assert status == 0 and "0 errors, 0 warnings" in out


@pytest.mark.slow
def test_unknown_placeholder_is_an_error(workspace_factory, capsys):
    ws = workspace_factory([SLUG])
    path = ws["params"] / SLUG / "narrative" / "05_risks.md"
    path.write_text("Rate {{ fte_rate.lastest }}\n")
    status, out = validate(ws, capsys)
    assert status == 1 and "05_risks.md, row 1" in out and "fte_rate.lastest" in out


def test_new_scaffolds_an_authority_that_validates_its_shape(tmp_path, capsys):
    params, data = tmp_path / "params", tmp_path / "data"
    shutil.copytree(ROOT / "data" / "national", data / "national")
    assert main(["new", "sefton", "--params-dir", str(params), "--data-dir", str(data)]) == 0
    assert (params / "sefton" / "plan.yaml").exists()
    assert len(list((params / "sefton" / "narrative").glob("*.md"))) == 15
    assert (data / "local" / "sefton" / "kpis.csv").read_text().startswith("period,kpi")
    assert "docs/inputs.md" in (data / "local" / "sefton" / "README.md").read_text()
    assert "docs/inputs.md" in (params / "sefton" / "plan.yaml").read_text()
    assert main(["new", "sefton", "--params-dir", str(params), "--data-dir", str(data)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_placeholders_lists_names(capsys):
    assert main(["placeholders"]) == 0
    out = capsys.readouterr().out
    assert "{{ fte_rate.latest }}" in out and "{{ custody_rate.vs_nation }}" in out


@pytest.mark.slow
def test_strict_passes_with_notes_of_checks_not_made(workspace_factory, capsys):
    # Trafford's region, the North West, cannot be checked against its members before 2023
    # (Cumberland and Westmorland and Furness have no figures then): said, never failed.
    ws = workspace_factory([SLUG])
    status, out = validate(ws, capsys, "--strict")
    assert "note: data/national/counts.csv" in out and "is not checked against" in out
    assert status == 0 and "0 errors, 0 warnings, " in out and " notes (checks that could" in out


@pytest.mark.slow
def test_messages_name_the_folders_given_not_the_default_ones(workspace_factory, capsys):
    slug = "westmorland-and-furness"  # its budget return has a known fault: a data note
    ws = workspace_factory([slug])
    ws = {
        "params": ws["params"].rename(ws["params"].with_name("plans")),
        "data": ws["data"].rename(ws["data"].with_name("returns")),
    }
    (ws["params"] / slug / "narrative" / "08_board_development.md").unlink()
    status, out = validate(ws, capsys)
    assert f"warning: plans/{slug}/narrative/08_board_development.md" in out
    assert f"returns/local/{slug}/budget.csv" in out
    plan = ws["params"] / slug / "plan.yaml"
    plan.write_text(plan.read_text() + "comparators: [E99999999]\nsurplus: 1\n")
    status, out = validate(ws, capsys)
    assert status == 1
    assert f"plans/{slug}/plan.yaml" in out
    assert "params/" not in out and "data/local" not in out
