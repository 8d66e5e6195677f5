"""Hostile and careless inputs: each refused or reported by `yjnb validate`, quickly and briefly.

Every case edits a copy of a bundled authority in tmp_path, runs `yjnb validate` in-process
and expects an error line naming the file (and the row and column where there is one), in
well under a second for the small hostile files, with a short message and no traceback.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

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
    Case(
        "kpis-count-1e308",
        _local("kpis.csv", lambda p: _edit_csv_row(p, 2, "count", "1e308")),
        (f"{LOCAL}/kpis.csv", "row 2", "column 'count'", "1e308"),
    ),
    Case(
        "kpis-is-xlsx",
        _local("kpis.csv", _xlsx),
        (f"{LOCAL}/kpis.csv", "Excel"),
    ),
    Case(
        "kpis-huge-cell",
        _local("kpis.csv", lambda p: _edit_csv_row(p, 2, "category", "y" * 100_000)),
        (f"{LOCAL}/kpis.csv", "row 2", "column 'category'", "characters"),
    ),
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
    Case(
        "board-partner-not-on-board",
        _local("board_attendance.csv", lambda p: _edit_csv_row(p, 3, "partner", "Fire Service")),
        (f"{LOCAL}/board_attendance.csv", "row 3", "column 'partner'", "Fire Service"),
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
    Case(
        "budget-1e308",
        _local("budget.csv", lambda p: _edit_csv_row(p, 2, "staffing_costs", "1e308")),
        (f"{LOCAL}/budget.csv", "row 2", "column 'staffing_costs'", "1e308"),
    ),
    Case(
        "budget-blank-cell",
        _local("budget.csv", lambda p: _edit_csv_row(p, 2, "staffing_costs", "")),
        (),
        severity="accepted",
    ),
    Case(
        "budget-header-only",
        _local("budget.csv", lambda p: p.write_text(p.read_text().splitlines()[0] + "\n")),
        (f"{LOCAL}/budget.csv", "no data rows"),
        severity="warning",
    ),
    Case(
        "budget-fraction-of-a-penny",
        _local("budget.csv", lambda p: _edit_csv_row(p, 2, "staffing_costs", "1000.001")),
        (f"{LOCAL}/budget.csv", "row 2", "column 'staffing_costs'", "1000.001"),
    ),
    Case(
        "population-zero",
        _local("population.csv", lambda p: _edit_csv_row(p, 2, "population", "0")),
        (f"{LOCAL}/population.csv", "row 2", "column 'population'", "'0'"),
    ),
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
