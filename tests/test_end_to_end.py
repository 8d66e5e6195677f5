"""The batch on a small workspace under tmp_path: every output file the README lists."""

import json
import re
from pathlib import Path

import pandas as pd

from yjnb.cli import main

ROOT = Path(__file__).resolve().parent.parent
SLUG = "warwickshire"
INDICATOR_COLUMNS = [
    "area_code", "area_name", "indicator", "period_start", "period_end", "numerator",
    "denominator", "value", "unit", "ci_lower", "ci_upper",
]  # fmt: skip


def run(ws, *extra):
    return main(
        [
            "run", "--params-dir", str(ws["params"]), "--data-dir", str(ws["data"]),
            "--output-dir", str(ws["output"]), "--jobs", "2", "--no-progress", *extra,
        ]
    )  # fmt: skip


def test_batch_builds_every_output(workspace_factory, capsys):
    ws = workspace_factory([SLUG])
    assert run(ws) == 0
    year = ws["output"] / "2024-25"
    built = year / SLUG
    for profile in ("board", "public"):
        for page in ("plan.html", "performance-appendix.html"):
            text = (built / profile / page).read_text(encoding="utf-8")
            assert text.startswith("<!DOCTYPE html>")
            assert "plan = yjnb.open_plan" not in text  # no code
            assert 'src="http' not in text and "<script" not in text  # self-contained
        plan = (built / profile / "plan.html").read_text(encoding="utf-8")
        assert len(re.findall(r'<h2 id="\d\d_', plan)) == 15
        # the bundled narrative is invented for demonstration, and every section says so
        assert plan.count("Illustrative text:") == 15
        indicators = pd.read_csv(built / profile / "tables" / "indicators.csv")
        assert set(INDICATOR_COLUMNS) <= set(indicators.columns)
        assert (indicators["area_code"] == "E10000031").any()
    appendix = (built / "board" / "performance-appendix.html").read_text(encoding="utf-8")
    assert 'id="04_performance"' in appendix and 'id="15_performance_appendix"' in appendix
    assert 'id="07_resources"' not in appendix
    notebooks = sorted(p.name for p in (built / "notebooks").glob("*.ipynb"))
    assert len(notebooks) == 15 and notebooks[0] == "01_introduction.ipynb"
    manifest = json.loads((built / "manifest.json").read_text())
    assert manifest["parameters"]["authority"] == SLUG
    assert "params/warwickshire/plan.yaml" in manifest["inputs"]
    assert len(manifest["timings"]) == 15 and "pandas" in manifest["versions"]
    index = (year / "index.html").read_text(encoding="utf-8")
    assert f'href="{SLUG}/public/plan.html"' in index
    assert not list(year.glob(".staging-*"))
    assert "Built 1 authorities (15 notebooks)" in capsys.readouterr().out


def test_failure_stops_only_its_authority_and_keeps_earlier_outputs(workspace_factory, capsys):
    ws = workspace_factory([SLUG, "trafford"])
    for slug in (SLUG, "trafford"):
        plan = ws["params"] / slug / "plan.yaml"
        plan.write_text(plan.read_text() + "sections: [01_introduction, 04_performance]\n")
    narrative = ws["params"] / "trafford" / "narrative" / "04_performance.md"
    narrative.write_text("Our rate was {{ fte_rate.nonsense }}.\n")
    earlier = ws["output"] / "2024-25" / "trafford"
    earlier.mkdir(parents=True)
    (earlier / "manifest.json").write_text('{"name": "earlier build"}')

    assert run(ws) == 1
    out = capsys.readouterr().out
    assert 'trafford: 04_performance, cell 4 (plan.narrative("04_performance")): InputError' in out
    assert "fte_rate.nonsense" in out
    assert (earlier / "manifest.json").read_text() == '{"name": "earlier build"}'
    assert not (earlier / "board").exists()
    assert (ws["output"] / "2024-25" / SLUG / "public" / "plan.html").exists()


def test_data_faults_reach_the_manifest_and_board_data_notes_only(workspace_factory):
    ws = workspace_factory(["westmorland-and-furness"])
    plan = ws["params"] / "westmorland-and-furness" / "plan.yaml"
    plan.write_text(plan.read_text() + "sections: [04_performance]\n")
    assert run(ws) == 0
    built = ws["output"] / "2024-25" / "westmorland-and-furness"
    manifest = json.loads((built / "manifest.json").read_text())
    budget = [w for w in manifest["warnings"] if w["file"].endswith("budget.csv")]
    assert budget and budget[0]["row"] == 10 and budget[0]["severity"] == "warning"
    board = (built / "board" / "plan.html").read_text(encoding="utf-8")
    public = (built / "public" / "plan.html").read_text(encoding="utf-8")
    assert "Data notes" in board and "budget.csv, row 10" in board
    assert "Data notes" not in public and "budget.csv" not in public


def test_notebook_without_a_declared_parameter_is_refused(workspace_factory, tmp_path, capsys):
    import nbformat

    ws = workspace_factory([SLUG])
    plan = ws["params"] / SLUG / "plan.yaml"
    plan.write_text(plan.read_text() + "sections: [02_governance]\n")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    source = ROOT / "notebooks" / "02_governance.ipynb"
    notebook = nbformat.read(source, as_version=4)
    notebook.cells[0].source = notebook.cells[0].source.replace("data_dir = None", "")
    nbformat.write(notebook, notebooks / "02_governance.ipynb")

    from yjnb.batch.runner import run as run_batch
    from yjnb.paths import Workspace

    workspace = Workspace.from_args(ws["params"], ws["data"], ws["output"], notebooks)
    summary = run_batch(workspace, progress=False)
    assert not summary.ok and summary.notebooks_executed == 0
    assert "does not declare data_dir" in str(summary.failures[0])
