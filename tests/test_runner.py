"""The batch runner: engines, fresh namespaces, reuse, parallel safety, retries, Ctrl-C."""

import copy
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from yjnb.batch import execute, workers
from yjnb.batch.runner import run
from yjnb.cli import main
from yjnb.inputs.config import load_plan
from yjnb.paths import Workspace

ROOT = Path(__file__).resolve().parent.parent
SLUG = "warwickshire"
YEAR = "2024-25"
PARAMETERS = (
    'authority = "warwickshire"\nyear = None\nprofiles = ["board"]\n'
    "params_dir = None\ndata_dir = None"
)


def notebook(*cells, tags=None):
    """A section notebook: the parameters cell, then code cells (or (source, tags) pairs)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = nbformat.from_dict(
        {
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python"},
        }
    )
    nb.cells.append(nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}))
    for cell in cells:
        if isinstance(cell, nbformat.NotebookNode):
            nb.cells.append(cell)
        elif isinstance(cell, tuple):
            nb.cells.append(nbformat.v4.new_code_cell(cell[0], metadata={"tags": cell[1]}))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(cell))
    return nb


def workspace(tmp_path, workspace_factory, slugs, sections, notebooks=None):
    """A workspace whose authorities build only ``sections``, from ``notebooks`` if given.

    Every authority is a copy of the bundled SLUG's narrative and data, with its own name.
    """
    ws = workspace_factory([SLUG])
    for slug in slugs:
        if slug != SLUG:
            for folder in (ws["params"], ws["data"] / "local"):
                shutil.copytree(folder / SLUG, folder / slug)
        # Only what the spec requires: the runner's tests do not depend on the bundled content.
        (ws["params"] / slug / "plan.yaml").write_text(
            f"name: {slug.title()} Youth Justice Service\narea_code: E10000031\n"
            f"year: {YEAR}\nsections: [{', '.join(sections)}]\n"
        )
    folder = ROOT / "notebooks"
    if notebooks:
        folder = tmp_path / "notebooks"
        folder.mkdir(exist_ok=True)
        for name, nb in notebooks.items():
            nb = nbformat.read(nb, as_version=4) if isinstance(nb, Path) else copy.deepcopy(nb)
            for number, cell in enumerate(nb.cells):
                cell.id = f"{name[:2]}-{number}"  # unique in the merged page, as in notebooks/
            nbformat.write(nb, folder / f"{name}.ipynb")
    return Workspace.from_args(ws["params"], ws["data"], ws["output"], folder)


def executed(ws, slug=SLUG, section="01_introduction"):
    path = ws.output_dir / YEAR / slug / "notebooks" / f"{section}.ipynb"
    return nbformat.read(path, as_version=4)


def stable(nb):
    """A notebook without what differs between any two runs (timings, run ids, pids)."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.pop("id", None)  # papermill gives the injected cell a random id
    text = json.dumps(nb, sort_keys=True)
    text = re.sub(r"ipykernel_\d+", "ipykernel_PID", text)  # cell file names carry the pid
    return json.loads(text)


# --- the fork engine stores exactly what a kernel would ------------------------------------

OUTPUTS = notebook(
    'print("to stdout")\nimport sys\nprint("to stderr", file=sys.stderr)\nprint("more")',
    "from IPython.display import HTML, display\n"
    'display(HTML("<b>bold</b>"), metadata={"yjnb": {"profile": "board"}})\n'
    "1 + 1",
    "import pandas as pd\npd.DataFrame({'a': [1, 2], 'b': ['x', None]})",
    'import warnings\nwarnings.warn("careful")',
    'display("first", display_id="shown")',
    'from IPython.display import update_display\nupdate_display("second", display_id="shown")',
    'from IPython.display import clear_output\nprint("gone")\nclear_output()\nprint("kept")',
    nbformat.v4.new_markdown_cell("Some *words*."),
    "",
    'x = 1  # a statement: no result\nprint(f"{x=}")',
    "!echo from the shell",
    "import numpy as np\nnp.arange(3)",
)


def test_fork_engine_outputs_match_a_kernels(tmp_path, workspace_factory):
    sections = ["01_introduction", "04_performance"]
    nbs = {"01_introduction": OUTPUTS, "04_performance": ROOT / "notebooks/04_performance.ipynb"}
    ws = workspace(tmp_path, workspace_factory, [SLUG], sections, nbs)
    kernel_ws = Workspace.from_args(
        ws.params_dir, ws.data_dir, tmp_path / "kernel-outputs", ws.notebooks_dir
    )
    for summary in (run(ws, engine="fork"), run(kernel_ws, engine="kernel")):
        assert summary.ok, summary.report()
    for section in sections:
        fork, kernel = executed(ws, section=section), executed(kernel_ws, section=section)
        assert stable(fork) == stable(kernel), section
    cells = executed(ws).cells[2:]  # after the parameters cell and papermill's
    assert [o.name for o in cells[0].outputs] == ["stdout", "stderr"]
    assert cells[0].outputs[0].text == "to stdout\nmore\n"
    assert [o.output_type for o in cells[1].outputs] == ["display_data", "execute_result"]
    assert "UserWarning: careful" in cells[3].outputs[0].text
    assert cells[4].outputs[0].data["text/plain"] == "'second'"  # updated in place
    assert [o.text for o in cells[6].outputs] == ["kept\n"]
    assert cells[10].outputs[0].text.strip() == "from the shell"
    assert cells[11].execution_count == 12  # markdown and empty cells are not counted
    for page in ("board/plan.html", "public/plan.html"):
        fork_page = (ws.output_dir / YEAR / SLUG / page).read_text(encoding="utf-8")
        assert fork_page == (kernel_ws.output_dir / YEAR / SLUG / page).read_text("utf-8")


def test_output_written_by_c_code_and_subprocesses_is_captured(tmp_path, workspace_factory):
    nbs = {"01_introduction": notebook('import os\nos.system("echo from a subprocess")')}
    ws = workspace(tmp_path, workspace_factory, [SLUG], ["01_introduction"], nbs)
    assert run(ws, progress=False).ok
    outputs = executed(ws).cells[2].outputs
    assert {"name": "stdout", "output_type": "stream", "text": "from a subprocess\n"} in outputs


# --- every notebook starts afresh ----------------------------------------------------------

LEAK = notebook(
    "leaked_variable = 1\n"
    "import matplotlib\nmatplotlib.rcParams['lines.linewidth'] = 9.5\n"
    "import seaborn\nseaborn.set_theme(style='dark')\n"
    "import yjnb\nyjnb.leaked_attribute = 1\n"
    "import json\njson.leaked = True\n"
    "import os, sys, warnings\nos.environ['YJNB_LEAKED'] = '1'\nsys.path.append('/leaked')\n"
    "warnings.simplefilter('ignore')\nimport builtins\nbuiltins.leaked_builtin = 1\n"
    "os.chdir('/')"
)
CHECK = notebook(
    "import json, os, sys, warnings, builtins\nimport matplotlib, yjnb\n"
    "found = {\n"
    "    'variable': 'leaked_variable' in globals(),\n"
    "    'rcParams': matplotlib.rcParams['lines.linewidth'] == 9.5,\n"
    "    'seaborn style': matplotlib.rcParams['axes.facecolor'] != 'white',\n"
    "    'module attribute': hasattr(yjnb, 'leaked_attribute'),\n"
    "    'other module': hasattr(json, 'leaked'),\n"
    "    'environment': 'YJNB_LEAKED' in os.environ,\n"
    "    'sys.path': '/leaked' in sys.path,\n"
    "    'warnings filter': warnings.filters[:1] == [('ignore', None, Warning, None, 0)],\n"
    "    'builtins': hasattr(builtins, 'leaked_builtin'),\n"
    "    'working folder': os.getcwd() == '/',\n"
    "}\n"
    "print(sorted(name for name, leaked in found.items() if leaked))\n"
    "assert not any(found.values()), found"
)


@pytest.mark.parametrize("jobs", [1, 2])
def test_nothing_one_notebook_changes_is_visible_in_the_next(tmp_path, workspace_factory, jobs):
    # Built by one authority's process, one after the other (jobs=1) or side by side.
    sections = ["01_introduction", "02_governance", "03_progress"]
    nbs = {"01_introduction": LEAK, "02_governance": CHECK, "03_progress": CHECK}
    ws = workspace(tmp_path, workspace_factory, [SLUG], sections, nbs)
    summary = run(ws, progress=False, jobs=jobs)
    assert summary.ok, summary.report()
    for section in ("02_governance", "03_progress"):
        assert executed(ws, section=section).cells[2].outputs[0].text == "[]\n"


SPARE_SHELL = """
from IPython.core.interactiveshell import InteractiveShell
from yjnb.batch.engine import InProcessKernel, make_spare_shell
make_spare_shell()
spare = InteractiveShell.instance()
with InProcessKernel() as kernel:
    used = kernel.shell is spare
print("spare used:", used)  # after the kernel, which captures what is printed
try:
    InProcessKernel()
except RuntimeError as exc:
    print("second notebook:", exc)
"""


def test_a_shell_made_ahead_serves_one_notebook_and_no_second():
    # Made in the process that forks the notebooks' processes; each copy serves one notebook.
    done = subprocess.run(
        [sys.executable, "-c", SPARE_SHELL], capture_output=True, text=True, check=True
    )
    assert "spare used: True" in done.stdout
    assert "second notebook: the in-process engine runs one notebook per process" in done.stdout


def test_a_notebook_that_kills_its_process_is_reported(tmp_path, workspace_factory):
    nbs = {"01_introduction": notebook("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")}
    ws = workspace(tmp_path, workspace_factory, [SLUG], ["01_introduction"], nbs)
    summary = run(ws, progress=False)
    assert not summary.ok
    assert "was killed by signal 9 (SIGKILL)" in str(summary.failures[0])
    assert summary.failures[0].section == "01_introduction"
    assert not list((ws.output_dir / YEAR).glob(".staging-*"))


# --- reuse ---------------------------------------------------------------------------------


def cli_run(ws, *extra):
    return main(
        [
            "run", "--params-dir", str(ws.params_dir), "--data-dir", str(ws.data_dir),
            "--output-dir", str(ws.output_dir), "--no-progress", *extra,
        ]
    )  # fmt: skip


def test_an_unchanged_authority_is_reused_and_force_rebuilds_it(
    tmp_path, workspace_factory, capsys, monkeypatch
):
    nbs = {"01_introduction": ROOT / "notebooks/01_introduction.ipynb"}
    ws = workspace(tmp_path, workspace_factory, [SLUG], ["01_introduction"], nbs)
    monkeypatch.setenv("YJNB_NOTEBOOKS_DIR", str(ws.notebooks_dir))
    manifest = ws.output_dir / YEAR / SLUG / "manifest.json"
    assert cli_run(ws) == 0
    first = json.loads(manifest.read_text())
    assert "notebooks/01_introduction.ipynb" in first["inputs"]
    assert first["build"]["engine"] == "fork" and len(first["build"]["code"]) == 64
    capsys.readouterr()

    assert cli_run(ws) == 0
    out = capsys.readouterr().out
    assert f"{SLUG}: unchanged since last build, reused" in out
    assert "Built 0 authorities (0 notebooks)" in out
    assert json.loads(manifest.read_text()) == first  # untouched
    assert (ws.output_dir / YEAR / "index.html").exists()

    assert cli_run(ws, "--force") == 0
    assert "Built 1 authorities (1 notebooks)" in capsys.readouterr().out

    changes = [
        ws.params_dir / SLUG / "narrative" / "01_introduction.md",
        ws.data_dir / "local" / SLUG / "kpis.csv",
        ws.data_dir / "national" / "areas.csv",
        ws.notebooks_dir / "01_introduction.ipynb",
    ]
    for changed in changes:
        changed.write_text(changed.read_text() + ("\n" if changed.suffix != ".ipynb" else " "))
        assert cli_run(ws) == 0
        out = capsys.readouterr().out
        # Rebuilt, not reused; the section executed again only if it reads what changed
        # (tests/test_incremental.py): not kpis.csv, which section 1 does not read.
        executed = 0 if changed.name == "kpis.csv" else 1
        assert f"Built 1 authorities ({executed} notebooks)" in out, changed
    assert cli_run(ws, "--profile", "board") == 0  # other parameters: not the same build
    assert "Built 1 authorities" in capsys.readouterr().out


def test_an_interruption_while_planning_leaves_no_staging_folder(
    tmp_path, workspace_factory, monkeypatch
):
    from yjnb.batch import runner

    ws = workspace(tmp_path, workspace_factory, ["north", SLUG], ["01_introduction"])
    loaded = []

    def interrupted_on_the_second_authority(*args, **kwargs):
        loaded.append(args)
        if len(loaded) == 2:
            raise KeyboardInterrupt
        return load_plan(*args, **kwargs)

    monkeypatch.setattr(runner, "load_plan", interrupted_on_the_second_authority)
    with pytest.raises(KeyboardInterrupt):
        runner.plan_jobs(ws, ["north", SLUG], None, ("board",), runner.RunSummary(), force=True)
    assert len(loaded) == 2  # the first was planned: its staging folder existed
    assert not list((ws.output_dir / YEAR).glob(".staging-*"))


# --- many workers, retries -----------------------------------------------------------------


def test_many_workers_keep_every_authoritys_outputs_apart(tmp_path, workspace_factory):
    slugs = ["north", "south", SLUG]
    ws = workspace(tmp_path, workspace_factory, slugs, ["01_introduction", "02_governance"])
    summary = run(ws, progress=False, jobs=6)
    assert summary.ok and sorted(summary.built) == slugs and summary.notebooks_executed == 6
    for slug in slugs:
        name = json.loads((ws.output_dir / YEAR / slug / "manifest.json").read_text())["name"]
        for section in ("01_introduction", "02_governance"):
            nb = executed(ws, slug, section)
            assert nb.metadata.papermill.parameters.authority == slug
        page = (ws.output_dir / YEAR / slug / "board" / "plan.html").read_text(encoding="utf-8")
        assert name in page
        for other in set(slugs) - {slug}:
            other_name = json.loads((ws.output_dir / YEAR / other / "manifest.json").read_text())
            assert other_name["name"] not in page


def test_a_failed_fork_is_retried_then_reported(monkeypatch):
    monkeypatch.setattr(execute, "START_BACKOFF", 0)
    real_fork, calls = os.fork, []

    def flaky_fork():
        calls.append(1)
        if len(calls) < 3:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return real_fork()

    monkeypatch.setattr(os, "fork", flaky_fork)
    pid, reader = workers.start_process(lambda writer: writer.send("started"))
    assert reader.recv() == "started" and workers.reap(pid) == "" and len(calls) == 3

    calls.clear()
    monkeypatch.setattr(os, "fork", _no_fork)
    with pytest.raises(execute.StartFailed, match=r"could not start a process \(3 attempts\)"):
        workers.start_process(lambda writer: None)


def _no_fork():
    raise BlockingIOError(11, "Resource temporarily unavailable")


def _flaky_kernel_manager(failures: int):
    base = execute.ipc_kernel_manager()

    class FlakyKernelManager(base):
        starts = 0

        async def start_kernel(self, **kwargs):
            type(self).starts += 1
            if type(self).starts <= failures:
                raise RuntimeError("Kernel died before replying to kernel_info")
            return await super().start_kernel(**kwargs)

    return FlakyKernelManager


def test_a_kernel_that_fails_to_start_is_retried_then_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(execute, "START_BACKOFF", 0)
    source = tmp_path / "01_introduction.ipynb"
    nbformat.write(notebook('print("ran")'), source)
    parameters = {"authority": SLUG}

    manager = _flaky_kernel_manager(failures=1)
    execute.execute_section(source, tmp_path / "out.ipynb", parameters, "kernel", manager)
    assert manager.starts == 2
    assert nbformat.read(tmp_path / "out.ipynb", 4).cells[2].outputs[0].text == "ran\n"

    manager = _flaky_kernel_manager(failures=execute.START_ATTEMPTS)
    with pytest.raises(execute.StartFailed, match="kernel did not start .3 attempts.: Runtime"):
        execute.execute_section(source, tmp_path / "out2.ipynb", parameters, "kernel", manager)
    assert manager.starts == execute.START_ATTEMPTS


@pytest.mark.parametrize("engine", ["fork", "kernel"])
def test_a_failing_cell_is_named_as_in_the_source_notebook(tmp_path, workspace_factory, engine):
    nbs = {"01_introduction": notebook('print("fine")', 'raise RuntimeError("broken")', "1")}
    ws = workspace(tmp_path, workspace_factory, [SLUG], ["01_introduction"], nbs)
    summary = run(ws, progress=False, engine=engine)
    assert [str(f) for f in summary.failures] == [
        f'{SLUG}: 01_introduction, cell 3 (raise RuntimeError("broken")): RuntimeError: broken'
    ]


def test_a_worker_server_that_dies_fails_every_unfinished_authority(tmp_path, workspace_factory):
    import threading

    slow = notebook("import time\ntime.sleep(0.5)")
    sections = ["01_introduction", "02_governance"]
    nbs = dict.fromkeys(sections, slow)
    ws = workspace(tmp_path, workspace_factory, ["north", "south", SLUG], sections, nbs)
    result = {}
    thread = threading.Thread(target=lambda: result.update(summary=run(ws, jobs=1)))
    thread.start()
    deadline = time.monotonic() + 60
    while not list((ws.output_dir / YEAR).glob(".staging-*/notebooks/*.ipynb")):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    servers = [  # the test's own child running the server (its forks share its command line)
        pid
        for pid in _descendants(os.getpid(), depth=1)
        if b"yjnb.batch.workers" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
    assert len(servers) == 1
    started = _descendants(servers[0])
    os.kill(servers[0], signal.SIGKILL)
    thread.join(60)
    summary = result["summary"]
    assert sorted(f.authority for f in summary.failures) == ["north", "south", SLUG]
    assert all("the worker process stopped" in str(f) for f in summary.failures)
    time.sleep(0.5)
    assert not [pid for pid in started if _alive(pid)]  # each died with its parent
    assert not list((ws.output_dir / YEAR).glob(".*"))


# --- Ctrl-C --------------------------------------------------------------------------------


def _descendants(pid: int, depth: int | None = None) -> set[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier and depth != 0:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
        depth = None if depth is None else depth - 1
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_ctrl_c_stops_every_process_and_keeps_earlier_outputs(tmp_path, workspace_factory):
    slugs = ["north", "south", SLUG]
    slow = notebook("import time\ntime.sleep(0.5)")
    sections = ["01_introduction", "02_governance", "03_progress"]
    ws = workspace(tmp_path, workspace_factory, slugs, sections, dict.fromkeys(sections, slow))
    earlier = ws.output_dir / YEAR / SLUG
    earlier.mkdir(parents=True)
    (earlier / "manifest.json").write_text('{"name": "earlier build"}')
    command = [
        sys.executable, "-m", "yjnb", "run", "--jobs", "1", "--no-progress",
        "--params-dir", str(ws.params_dir), "--data-dir", str(ws.data_dir),
        "--output-dir", str(ws.output_dir),
    ]  # fmt: skip
    env = {**os.environ, "YJNB_NOTEBOOKS_DIR": str(ws.notebooks_dir)}
    process = subprocess.Popen(
        command, env=env, start_new_session=True, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while not list((ws.output_dir / YEAR).glob(".staging-*/notebooks/*.ipynb")):
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        started = _descendants(process.pid)
        assert started, "the workers should be running"
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 130
    assert "interrupted; earlier outputs are untouched" in stderr
    assert "Traceback" not in stderr, stderr
    time.sleep(0.5)
    assert not [pid for pid in started if _alive(pid)]
    assert not list((ws.output_dir / YEAR).glob(".*"))  # no staging or half-swapped folders
    assert (earlier / "manifest.json").read_text() == '{"name": "earlier build"}'
