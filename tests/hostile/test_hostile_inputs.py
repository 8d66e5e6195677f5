"""Hostile and careless inputs: each refused or reported by `yjnb validate`, quickly and briefly.

Every case edits a copy of a bundled authority in tmp_path, runs `yjnb validate` in-process
and expects an error line naming the file (and the row and column where there is one), in
well under a second for the small hostile files, with a short message and no traceback.
"""

from __future__ import annotations

import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, copy_workspace

from yjnb.cli import main

SLUG = "westmorland-and-furness"
PLAN = f"params/{SLUG}/plan.yaml"
LOCAL = f"data/local/{SLUG}"
# A message longer than this quotes more of a value than anyone can read.
MAX_OUTPUT = 20_000


def _alias_bomb(key: str) -> str:
    # Nine levels of nine references: about 450 bytes that expand to 9**9 strings.
    levels = ['&a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"&a{n} [" + ",".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 9)]
    return f"{key}: [" + ", ".join(levels) + "]\n"


def _replace_line(path: Path, start: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(start))
    lines[index] = new + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _edit_csv_row(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell: ``row`` numbered as a spreadsheet shows it (the header is row 1)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[row - 1].split(",")
    cells[header.index(column)] = value
    lines[row - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Case:
    """A hostile edit and what the error line must say."""

    id: str
    edit: Callable[[Path], None]
    expected: tuple[str, ...]
    # "error": refused; "warning": reported, and the build goes on; "accepted": it builds.
    severity: str = "error"


def _plan(edit: Callable[[Path], None]) -> Callable[[Path], None]:
    return lambda root: edit(root / PLAN)


def _local(name: str, edit: Callable[[Path], None]) -> Callable[[Path], None]:
    return lambda root: edit(root / LOCAL / name)


def _cell(
    case_id: str,
    name: str,
    row: int,
    column: str,
    value: str,
    *expected: str,
    severity: str = "error",
) -> Case:
    """A case that sets one cell of a local file: its message names the row and column."""
    edit = _local(name, lambda p: _edit_csv_row(p, row, column, value))
    where = (f"{LOCAL}/{name}", f"row {row}", f"column '{column}'")
    return Case(case_id, edit, () if severity == "accepted" else (*where, *expected), severity)


def _xlsx(path: Path) -> None:
    path.unlink()
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>" + "\0\x01\x02" * 3000)
        book.writestr("xl/workbook.xml", bytes(range(256)) * 40)


CASES = [
    Case(
        "alias-bomb-name",
        _plan(lambda p: _replace_line(p, "name:", _alias_bomb("name"))),
        (PLAN, "row 8", "alias"),
    ),
    Case(
        "alias-bomb-comparators",
        _plan(lambda p: _append(p, _alias_bomb("comparators"))),
        (PLAN, "column 'comparators.1.0'", "alias"),
    ),
    Case(
        "deep-list",
        _plan(lambda p: _replace_line(p, "name:", "name: " + "[" * 20_000 + "]" * 20_000)),
        (PLAN, "row 8", "nested"),
    ),
    Case(
        "huge-name",
        _plan(lambda p: _replace_line(p, "name:", "name: " + "x" * 50_000_000)),
        (PLAN, "row 8", "column 'name'", "MB"),
    ),
    Case(
        "long-name",
        _plan(lambda p: _replace_line(p, "name:", "name: " + "x" * 100_000)),
        (PLAN, "row 8", "column 'name'", "characters"),
    ),
    Case(
        "duplicate-key",
        _plan(lambda p: _append(p, "name: Another name\n")),
        (PLAN, "'name'", "rows 8 and"),
    ),
    Case(
        "threshold-yes",
        _plan(lambda p: _append(p, "suppression_threshold: yes\n")),
        (PLAN, "column 'suppression_threshold'", "True", "integer"),
    ),
    Case(
        "threshold-zero",
        _plan(lambda p: _append(p, "suppression_threshold: 0\n")),
        (PLAN, "column 'suppression_threshold'"),
    ),
    Case(
        "area-code-of-region",
        _plan(lambda p: _replace_line(p, "area_code:", "area_code: E12000002")),
        (PLAN, "column 'area_code'", "E12000002", "la or yjs"),
    ),
    Case(
        "plan-is-a-folder",
        _plan(lambda p: (p.unlink(), p.mkdir())),
        (PLAN, "not a file"),
    ),
    Case(
        "narrative-not-utf8",
        lambda root: (root / f"params/{SLUG}/narrative/07_resources.md").write_bytes(
            "Budget \u00a3 {{ budget.total }}\n".encode("cp1252")
        ),
        (f"params/{SLUG}/narrative/07_resources.md", "UTF-8"),
    ),
    Case(
        "kpis-future-period",
        _local(
            "kpis.csv",
            lambda p: _append(p, "2031-32 Q4,accommodation,all,suitability,Suitable,20\n"),
        ),
        (f"{LOCAL}/kpis.csv", "column 'period'", "2031-32 Q4", "2023-24"),
    ),
    _cell("kpis-count-1e308", "kpis.csv", 2, "count", "1e308", "1,000,000"),
    Case(
        "kpis-is-xlsx",
        _local("kpis.csv", _xlsx),
        (f"{LOCAL}/kpis.csv", "Excel"),
    ),
    _cell("kpis-huge-cell", "kpis.csv", 2, "category", "y" * 100_000, "100,000 characters"),
    Case(
        "kpis-giant-cell",
        _local("kpis.csv", lambda p: _edit_csv_row(p, 2, "category", "y" * 200_000)),
        (f"{LOCAL}/kpis.csv", "row 2", "characters"),
    ),
    Case(
        "kpis-huge-file",
        _local("kpis.csv", lambda p: _append(p, "#" * 60_000_000 + "\n")),
        (f"{LOCAL}/kpis.csv", "MB"),
    ),
    _cell(
        "board-partner-not-on-board",
        "board_attendance.csv",
        3,
        "partner",
        "Fire Service",
        "'Fire Service'",
        severity="warning",
    ),
    Case(
        "cohort-duplicate-row",
        _local(
            "cohort.csv",
            lambda p: _append(p, p.read_text(encoding="utf-8").splitlines()[1] + "\n"),
        ),
        (f"{LOCAL}/cohort.csv", "repeats row 2"),
    ),
    _cell("budget-1e308", "budget.csv", 2, "staffing_costs", "1e308", "1,000,000,000"),
    _cell("budget-blank-cell", "budget.csv", 2, "staffing_costs", "", severity="accepted"),
    Case(
        "budget-header-only",
        _local("budget.csv", lambda p: p.write_text(p.read_text().splitlines()[0] + "\n")),
        (f"{LOCAL}/budget.csv", "no data rows"),
        severity="warning",
    ),
    _cell("budget-fraction-of-a-penny", "budget.csv", 2, "staffing_costs", "1000.001", "pence"),
    _cell("population-zero", "population.csv", 2, "population", "0", "'0'", "more than zero"),
    Case(
        "national-population-1e300",
        lambda root: _append(
            root / "data/national/counts.csv",
            "E92000001,population_10_17,2030-01-01,2030-12-31,1e300,made up\n",
        ),
        ("data/national/counts.csv", "column 'value'", "1e300"),
    ),
    Case(
        "national-population-zero",
        lambda root: _append(
            root / "data/national/counts.csv",
            "E06000064,population_10_17,2030-01-01,2030-12-31,0,made up\n",
        ),
        ("data/national/counts.csv", "column 'value'", "'0'"),
    ),
]


def _validate(root: Path, capsys, *extra: str) -> tuple[int, str, float]:
    args = ["validate", "--params-dir", str(root / "params"), "--data-dir", str(root / "data")]
    start = time.perf_counter()
    status = main([*args, *extra])
    took = time.perf_counter() - start
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return status, captured.out + captured.err, took


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input_is_refused_with_file_row_and_column(workspace_factory, capsys, case):
    ws = workspace_factory([SLUG])
    root = ws["params"].parent
    case.edit(root)
    status, out, took = _validate(root, capsys, "--authority", SLUG)
    assert status == (1 if case.severity == "error" else 0), out[:MAX_OUTPUT]
    assert len(out) < MAX_OUTPUT, out[:MAX_OUTPUT]
    if case.severity != "accepted":
        found = [line for line in out.splitlines() if line.startswith(f"{case.severity}:")]
        assert any(all(part in line for part in case.expected) for line in found), out
    assert took < 10, took


SLUG_CASES = [
    ("../x", "is not an authority's slug"),
    ("a" * 300, "300 characters"),
    ("tables", "outputs use for themselves"),
    (".hidden", "is not an authority's slug"),
    ("Sefton Council", "is not an authority's slug"),
]


@pytest.mark.parametrize(
    ("slug", "expected"), SLUG_CASES, ids=[c[1][:12] + c[0][:8] for c in SLUG_CASES]
)
@pytest.mark.parametrize("command", ["validate", "new", "run"])
def test_bad_slug_refused_before_anything_is_read_or_written(
    tmp_path, capsys, command, slug, expected
):
    # A plan.yaml outside params/ that would be refused if it were ever read.
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "plan.yaml").write_text(_alias_bomb("name"), encoding="utf-8")
    dirs = ["--params-dir", str(tmp_path / "params"), "--data-dir", str(tmp_path / "data")]
    args = [command, slug, *dirs] if command == "new" else [command, "--authority", slug, *dirs]
    if command == "run":
        args += ["--output-dir", str(tmp_path / "outputs")]
    status = main(args)
    captured = capsys.readouterr()
    assert status == 2
    assert "Traceback" not in captured.err and "alias" not in captured.err
    assert expected in captured.err and len(captured.err) < 1000, captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x"]  # nothing written


def test_trailing_slash_names_the_authority(workspace_factory, capsys):
    ws = workspace_factory([SLUG])
    _append(ws["params"] / SLUG / "plan.yaml", "name: Again\n")
    root = ws["params"].parent
    status, out, _ = _validate(root, capsys, "--authority", f"{SLUG}/")
    assert status == 1 and f"error: {PLAN}" in out and "appears twice" in out, out


def test_a_badly_named_folder_in_params_is_refused(workspace_factory, capsys):
    ws = workspace_factory([SLUG])
    shutil.copytree(ws["params"] / SLUG, ws["params"] / "tables")
    status, out, _ = _validate(ws["params"].parent, capsys)
    assert status == 2 and "params" in out and "'tables'" in out, out


def test_unwritable_output_folder_is_a_one_line_failure(workspace_factory, capsys):
    ws = workspace_factory([SLUG])
    blocker = ws["params"].parent / "not-a-folder"
    blocker.write_text("a file where the output folder should be\n")
    dirs = ["--params-dir", str(ws["params"]), "--data-dir", str(ws["data"])]
    output = ["--output-dir", str(blocker / "outputs"), "--no-progress"]
    status = main(["run", "--authority", SLUG, *dirs, *output])
    captured = capsys.readouterr()
    assert status == 1
    assert "Traceback" not in captured.out + captured.err
    assert f"{SLUG}: outputs: cannot write" in captured.out and "Not a directory" in captured.out
    assert blocker.read_text() == "a file where the output folder should be\n"


def test_what_validate_passes_builds(tmp_path, capsys):
    # Every case validate lets through (warnings only), each as an authority of its own.
    passed = [c for c in CASES if c.severity != "error"]
    for case in passed:
        one = tmp_path / "cases" / case.id
        copy_workspace(one, [SLUG])
        case.edit(one)
        shutil.copytree(one / "params" / SLUG, tmp_path / "params" / case.id)
        shutil.copytree(one / LOCAL, tmp_path / "data" / "local" / case.id)
    shutil.copytree(ROOT / "data" / "national", tmp_path / "data" / "national")
    status, out, _ = _validate(tmp_path, capsys)
    assert status == 0, out
    dirs = ["--params-dir", str(tmp_path / "params"), "--data-dir", str(tmp_path / "data")]
    output = ["--output-dir", str(tmp_path / "outputs"), "--no-progress", "--profile", "public"]
    status = main(["run", *dirs, *output])
    captured = capsys.readouterr()
    assert status == 0, captured.out + captured.err
    assert f"Built {len(passed)} authorities" in captured.out
