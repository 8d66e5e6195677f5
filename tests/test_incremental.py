"""A build after an edit executes only the sections the edit affects, and publishes what a
full build publishes: byte for byte, for each kind of input edited.

Each edit is made to one workspace, built incrementally on its last build; the same inputs
are then built with --force into a folder of their own, and every published file compared
(the executed notebooks keep Papermill's timings, the manifest its timings: not compared).
"""

import json
import shutil
from pathlib import Path

import pytest
from workspaces import ROOT, copy_workspace

from yjnb.batch.runner import run
from yjnb.paths import Workspace

pytestmark = pytest.mark.slow

SLUG = "trafford"
YEAR = "2024-25"


def published(root: Path) -> dict[Path, Path]:
    return {
        p.relative_to(root): p
        for p in sorted(root.rglob("*"))
        if p.is_file() and "notebooks" not in p.relative_to(root).parts
    }


def differences(first: Path, second: Path) -> list:
    before, after = published(first), published(second)
    assert sorted(before) == sorted(after)
    differ = []
    for name, path in before.items():
        if name.name == "manifest.json":
            old, new = (json.loads(p.read_text()) for p in (path, after[name]))
            assert old.pop("timings").keys() == new.pop("timings").keys()
            if old != new:
                differ.append((name, [k for k in old | new if old.get(k) != new.get(k)]))
        elif path.read_bytes() != after[name].read_bytes():
            differ.append(name)
    return differ


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_narrative(ws: Workspace) -> None:
    path = ws.narrative_file(SLUG, "05_risks")
    path.write_text(path.read_text(encoding="utf-8") + "\nA sentence added.\n", encoding="utf-8")


def edit_plan(ws: Workspace) -> None:
    replace_in(ws.plan_file(SLUG), "Quarterly disproportionality report", "Monthly report")


def edit_kpis(ws: Workspace) -> None:
    # Two counts of one quarter, whose measures still count the same children.
    replace_in(
        ws.local_file(SLUG, "kpis.csv"),
        "2023-24 Q4,accommodation,all,suitability,Suitable,16\n"
        "2023-24 Q4,accommodation,all,suitability,Unsuitable,0\n",
        "2023-24 Q4,accommodation,all,suitability,Suitable,15\n"
        "2023-24 Q4,accommodation,all,suitability,Unsuitable,1\n",
    )


def edit_national(ws: Workspace) -> None:
    replace_in(
        ws.data_dir / "national" / "counts.csv",
        "E08000009,fte_rate,2024-01-01,2024-12-31,100,",
        "E08000009,fte_rate,2024-01-01,2024-12-31,104,",
    )


def edit_notebook(ws: Workspace) -> None:
    path = ws.notebooks_dir / "06_child_first.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["cells"].append(
        {"cell_type": "markdown", "id": "06-added", "metadata": {}, "source": ["A note added."]}
    )
    path.write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")


# Each edit, and the sections it must execute again (at least; others may follow from it).
EDITS = [
    (edit_narrative, {"05_risks"}),
    (edit_plan, {"05_risks"}),
    (edit_kpis, {"15_performance_appendix"}),
    (edit_national, {"04_performance"}),
    (edit_notebook, {"06_child_first"}),
]


@pytest.fixture(scope="module")
def incremental(tmp_path_factory):
    """A workspace of one authority with its notebooks, built once in full."""
    root = tmp_path_factory.mktemp("incremental")
    paths = copy_workspace(root, [SLUG])
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    ws = Workspace.from_args(paths["params"], paths["data"], paths["output"], root / "notebooks")
    summary = run(ws, [SLUG], jobs=2, progress=False)
    assert summary.ok, summary.report()
    assert summary.notebooks_executed == 15
    return ws


@pytest.mark.parametrize("edit, affected", EDITS, ids=[e.__name__ for e, _ in EDITS])
def test_an_edit_executes_only_what_it_affects_and_publishes_a_full_builds_pages(
    incremental, tmp_path, edit, affected
):
    ws = incremental
    edit(ws)
    summary = run(ws, [SLUG], jobs=2, progress=False)
    assert summary.ok, summary.report()
    executed = summary.executed[SLUG]
    assert affected <= executed.keys(), summary.report()
    assert summary.notebooks_executed == len(executed)
    assert summary.kept[SLUG], "a partial build kept no section"
    assert len(executed) + len(summary.kept[SLUG]) == 15
    report = summary.report()
    for section, why in executed.items():
        assert f"{SLUG}: {section}: {why}" in report
        assert why.endswith("changed")

    full = Workspace.from_args(ws.params_dir, ws.data_dir, tmp_path / "full", ws.notebooks_dir)
    summary = run(full, [SLUG], jobs=2, progress=False, force=True)
    assert summary.ok, summary.report()
    assert summary.notebooks_executed == 15
    assert not differences(ws.output_dir, full.output_dir)


def test_the_report_names_the_input_that_changed(incremental):
    ws = incremental
    path = ws.narrative_file(SLUG, "11_priorities")
    path.write_text(path.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    summary = run(ws, [SLUG], jobs=2, progress=False)
    assert summary.ok, summary.report()
    why = f"params/{SLUG}/narrative/11_priorities.md changed"
    assert f"{SLUG}: 11_priorities: {why}" in summary.report()
    manifest = json.loads((ws.output_dir / YEAR / SLUG / "manifest.json").read_text())
    inputs = manifest["sections"]["11_priorities"]["inputs"]
    assert f"params:{SLUG}/narrative/11_priorities.md" in inputs
    assert "notebook" in inputs and "plan.yaml:priorities" in inputs
    assert manifest["sections"]["05_risks"]["inputs"].get("local:kpis") is None


def test_force_executes_every_section(incremental):
    summary = run(incremental, [SLUG], jobs=2, progress=False, force=True)
    assert summary.ok, summary.report()
    assert summary.notebooks_executed == 15
    assert f"{SLUG}: every section executed (--force)" in summary.report()
