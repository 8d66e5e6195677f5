"""Interruptions and leftovers: a swap is never cut in half, and what killed runs leave is
removed by the next run; hidden folders are never authorities nor inputs; the message about
earlier outputs is true."""

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from test_runner import SLUG, YEAR, workspace
from workspaces import copy_workspace

from yjnb import cli
from yjnb.batch.runner import Interrupted, build_inputs, run
from yjnb.inputs.config import load_plan
from yjnb.paths import Workspace
from yjnb.publish.staging import swap
from yjnb.publish.year_index import built_authorities


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Workspace:
    base = tmp_path_factory.mktemp("built")
    ws = workspace(base, lambda slugs: copy_workspace(base, slugs), [SLUG], ["01_introduction"])
    assert run(ws, progress=False).ok
    return ws


@pytest.fixture
def built(built_once, tmp_path) -> Workspace:
    """The module's build, its outputs copied for one test (inputs shared, unchanged)."""
    shutil.copytree(built_once.output_dir, tmp_path / "outputs")
    return replace(built_once, output_dir=tmp_path / "outputs")


def test_ctrl_c_during_a_swap_waits_until_the_old_build_is_gone(tmp_path, monkeypatch):
    target, staging = tmp_path / "north", tmp_path / ".staging-north-1"
    for folder, text in ((target, "old"), (staging, "new")):
        folder.mkdir()
        (folder / "manifest.json").write_text(text)
    rename = Path.rename

    def ctrl_c_then_rename(self, to):
        os.kill(os.getpid(), signal.SIGINT)
        return rename(self, to)

    monkeypatch.setattr(Path, "rename", ctrl_c_then_rename)
    with pytest.raises(KeyboardInterrupt):
        swap(staging, target)
    assert (target / "manifest.json").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["north"]  # no .old-north-<pid>


# What a Ctrl-C at the moment an authority is swapped in does to a real run: the hook, in
# the worker processes, sends SIGINT to the runner as the authority's swap begins and waits
# until the runner has told the workers to stop.
SWAP_HOOK = textwrap.dedent(
    """
    import os, pathlib, signal, time

    SLUG = os.environ.get("SWAP_HOOK_SLUG")
    _rename = pathlib.Path.rename
    fired = []

    def rename(self, target):
        if SLUG and SLUG in (pathlib.Path(self).name, pathlib.Path(target).name) and not fired:
            fired.append(True)
            server = os.getppid()
            stat = pathlib.Path(f"/proc/{server}/stat").read_text()
            os.kill(int(stat.rsplit(")", 1)[1].split()[1]), signal.SIGINT)  # the runner
            time.sleep(2)
        return _rename(self, target)

    pathlib.Path.rename = rename
    """
)


def test_ctrl_c_as_an_authority_is_swapped_in(built, tmp_path):
    ws = built
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SWAP_HOOK)
    command = [
        sys.executable, "-m", "yjnb", "run", "--force", "--no-progress",
        "--params-dir", str(ws.params_dir), "--data-dir", str(ws.data_dir),
        "--output-dir", str(ws.output_dir),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(hook), "SWAP_HOOK_SLUG": SLUG}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 130, done.stderr
    assert f"interrupted after replacing the outputs of {SLUG}" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    year = ws.output_dir / YEAR
    assert not [p.name for p in year.iterdir() if p.name.startswith(".")]
    assert (year / SLUG / "board" / "plan.html").is_file()
    # The index predates the new build; the next run, reusing it, brings the index up to date.
    summary = run(ws, progress=False)
    assert summary.reused == [SLUG]
    assert (year / "index.html").stat().st_mtime >= (year / SLUG / "manifest.json").stat().st_mtime


@pytest.mark.parametrize(
    ("replaced", "message"),
    [
        ([], "yjnb: interrupted; earlier outputs are untouched."),
        (["north"], "yjnb: interrupted after replacing the outputs of north with this run's"),
    ],
)
def test_an_interrupted_run_says_what_it_replaced(monkeypatch, capsys, replaced, message):
    def interrupted(*args, **kwargs):
        raise Interrupted(replaced)

    monkeypatch.setattr("yjnb.batch.runner.run", interrupted)
    assert cli.main(["run"]) == 130
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert replaced == [] or "earlier outputs are untouched." not in err.split(";")[0]


def test_other_commands_interrupted_claim_nothing(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setitem(cli.COMMANDS, "validate", interrupted)
    assert cli.main(["validate"]) == 130
    assert capsys.readouterr().err == "yjnb: interrupted.\n"


# -- leftovers of killed runs --------------------------------------------------------------
def _plant_leftovers(year: Path) -> list[str]:
    manifest = json.dumps({"name": "A stale build", "area_code": "E10000031"})
    names = [f".staging-{SLUG}-abc123", f".old-{SLUG}-4242", ".staging-index-9f", ".old-tables-7"]
    for name in names:
        (year / name / "board").mkdir(parents=True)
        (year / name / "manifest.json").write_text(manifest)
        (year / name / "board" / "plan.html").write_text("unsuppressed")
    return names


def test_the_next_run_removes_what_killed_runs_left(built):
    year = built.output_dir / YEAR
    _plant_leftovers(year)
    summary = run(built, progress=False)
    assert summary.ok and summary.reused == [SLUG]
    names = ["board-index.html", "index.html", "tables", SLUG, "website"]
    assert sorted(p.name for p in year.iterdir()) == names


def test_a_run_leaves_the_folders_of_a_run_still_writing(built):
    year = built.output_dir / YEAR
    names = _plant_leftovers(year)
    other = os.open(built.output_dir, os.O_RDONLY)
    try:
        fcntl.flock(other, fcntl.LOCK_SH)  # as another run holds it while it runs
        assert run(built, progress=False).ok
    finally:
        os.close(other)
    assert set(names) <= {p.name for p in year.iterdir()}


def test_hidden_folders_are_never_authorities(built, tmp_path):
    year = built.output_dir / YEAR
    _plant_leftovers(year)
    assert [b.slug for b in built_authorities(year)] == [SLUG]
    params = tmp_path / "params"
    for name in (SLUG, ".copy", ".ipynb_checkpoints"):
        (params / name).mkdir(parents=True)
        (params / name / "plan.yaml").write_text("name: x\n")
    assert Workspace.from_args(params_dir=params).authorities() == [SLUG]


def test_hidden_files_and_outputs_in_params_are_not_inputs(tmp_path, workspace_factory):
    ws = workspace(tmp_path, workspace_factory, [SLUG], ["01_introduction"])
    inside = Workspace.from_args(
        ws.params_dir, ws.data_dir, ws.params_dir / SLUG / "outputs", ws.notebooks_dir
    )
    checkpoints = ws.params_dir / SLUG / "narrative" / ".ipynb_checkpoints"
    checkpoints.mkdir()
    (checkpoints / "01_introduction-checkpoint.md").write_text("draft")
    (inside.output_dir / YEAR).mkdir(parents=True)
    (inside.output_dir / YEAR / "index.html").write_text("built")
    sections = tuple(load_plan(ws.params_dir, SLUG).plan_sections())
    names = set(build_inputs(inside, SLUG, sections))
    assert f"params/{SLUG}/plan.yaml" in names
    assert not [n for n in names if ".ipynb_checkpoints" in n or "/outputs/" in n], names
