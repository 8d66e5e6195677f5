"""Real-shaped returns (tests/real_returns/): each builds in both profiles, with its notes.

Each case folder holds a plan.yaml, optional narrative, the local data files and a README saying
which figures are transcribed from which published document and which are filled in. Two files
state what the build must show:

- ``expected_notes.csv`` (file, row, column, phrase, given): each data-quality note the case must
  give (``given`` yes) or must not (no: a figure that is right must not be reported), found in
  manifest.json's warnings by the file it names, its row and column (blank: any) and a short
  phrase of its message, expected value or value (not the whole wording);
- ``expected_figures.csv`` (profile, table, row, column, text): a figure as the page must show it,
  in the table with that id, the row with that heading and the column with that heading: as
  published where the published arithmetic is right, corrected where it is wrong.

Every case is built once, all together, in one ``yjnb run`` under a temporary folder.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from yjnb.cli import main

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = Path(__file__).resolve().parent / "real_returns"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "plan.yaml").is_file())
PROFILES = ("board", "public")
# Tables of the service's own data whose counts are of children (or their answers): the public
# profile must not show a count from 1 to the threshold in them. Audit grades and board
# attendance are not counts of children and are shown whole by design (docs/kpis.md).
COUNT_COLUMNS = ("count", "total", "children", "with_need", "previous_count", "cohort_count")
NOT_CHILD_COUNTS = ("audits", "kpi_board_attendance", "board_attendance")


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _assemble(workspace: Path) -> tuple[Path, Path]:
    params, data = workspace / "params", workspace / "data"
    shutil.copytree(ROOT / "data" / "national", data / "national")
    for case in CASES:
        source = CASES_DIR / case
        (params / case).mkdir(parents=True)
        shutil.copy(source / "plan.yaml", params / case / "plan.yaml")
        if (source / "narrative").is_dir():
            shutil.copytree(source / "narrative", params / case / "narrative")
        shutil.copytree(source / "data", data / "local" / case)
    return params, data


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    """Every case built in one run; the run's printed report, for the failures it names."""
    workspace = tmp_path_factory.mktemp("real_returns")
    params, data = _assemble(workspace)
    output = workspace / "outputs"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(
            [
                "run", "--params-dir", str(params), "--data-dir", str(data),
                "--output-dir", str(output), "--jobs", "2", "--no-progress",
            ]
        )  # fmt: skip
    validated = {}
    for case in CASES:
        said = io.StringIO()
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            main(["validate", "--params-dir", str(params), "--data-dir", str(data),
                  "--authority", case])  # fmt: skip
        validated[case] = said.getvalue()
    return {"output": output, "report": printed.getvalue(), "code": code, "validated": validated}


def _case_dir(built: dict, case: str) -> Path:
    year = yaml.safe_load((CASES_DIR / case / "plan.yaml").read_text(encoding="utf-8"))["year"]
    return built["output"] / year / case


def _manifest(built: dict, case: str) -> dict:
    path = _case_dir(built, case) / "manifest.json"
    if not path.is_file():
        failures = [line for line in built["report"].splitlines() if case in line]
        said = " | ".join(failures) or built["report"]
        pytest.fail(f"{case} did not build: {said[:800]}")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES)
def test_case_is_documented(case):
    folder = CASES_DIR / case
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "seed" in readme.lower() or "published" in readme.lower()
    for name in (p.name for p in (folder / "data").glob("*.csv")):
        assert name in readme, f"{case}/README.md does not say where {name} comes from"


@pytest.mark.parametrize("case", CASES)
def test_case_builds_in_both_profiles(built, case):
    _manifest(built, case)
    for profile in PROFILES:
        for page in ("plan.html", "performance-appendix.html"):
            text = (_case_dir(built, case) / profile / page).read_text(encoding="utf-8")
            assert text.startswith("<!DOCTYPE html>")


def _shown_file(case: str, name: str) -> str:
    """Where a case's file is in the built workspace, as the manifest names it."""
    if name == "plan.yaml" or name.startswith("narrative/"):
        return f"params/{case}/{name}"
    return f"data/local/{case}/{name}"


def _matches(warning: dict, case: str, expected: dict[str, str]) -> bool:
    if not str(warning.get("file", "")).endswith(_shown_file(case, expected["file"])):
        return False
    if expected["row"] and str(warning.get("row")) != expected["row"]:
        return False
    if expected["column"] and warning.get("column") != expected["column"]:
        return False
    said = " ".join(str(warning.get(k) or "") for k in ("message", "expected", "value"))
    return expected["phrase"].casefold() in said.casefold()


@pytest.mark.parametrize("case", CASES)
def test_case_gives_its_data_quality_notes(built, case):
    warnings = _manifest(built, case)["warnings"]
    expected = _read_csv(CASES_DIR / case / "expected_notes.csv")
    wrong = [
        e for e in expected if any(_matches(w, case, e) for w in warnings) != (e["given"] == "yes")
    ]
    given = [f"{w['file']} {w.get('row')} {w.get('column')}: {w['message']}" for w in warnings]
    assert not wrong, f"notes wrongly given or not: {wrong}\nnotes given:\n" + "\n".join(given)


def _said(line: str, case: str, expected: dict[str, str]) -> bool:
    """Whether a note as printed (validate, board data notes) is the expected one."""
    if not re.search(re.escape(_shown_file(case, expected["file"])) + r"[,:]", line):
        return False
    if expected["row"] and not re.search(rf", row {expected['row']}\b", line):
        return False
    if expected["column"] and f"column '{expected['column']}'" not in line:
        return False
    return expected["phrase"].casefold() in line.casefold()


def _wrongly_said(lines: list[str], case: str) -> list[dict[str, str]]:
    expected = _read_csv(CASES_DIR / case / "expected_notes.csv")
    return [e for e in expected if any(_said(x, case, e) for x in lines) != (e["given"] == "yes")]


@pytest.mark.parametrize("case", CASES)
def test_board_data_notes_give_the_notes_and_public_pages_none(built, case):
    _manifest(built, case)
    pages = {p: (_case_dir(built, case) / p / "plan.html").read_text("utf-8") for p in PROFILES}
    asides = re.findall(r'<aside class="yjnb-data-notes".*?</aside>', pages["board"], re.S)
    notes = [_cell_text(li) for a in asides for li in re.findall(r"<li>(.*?)</li>", a, re.S)]
    assert not _wrongly_said(notes, case), "\n".join(notes)
    assert '<aside class="yjnb-data-notes"' not in pages["public"]


@pytest.mark.parametrize("case", CASES)
def test_validate_reports_each_note_as_a_warning(built, case):
    printed = built["validated"][case].splitlines()
    assert not _wrongly_said(printed, case), "\n".join(printed)
    expected = [
        e for e in _read_csv(CASES_DIR / case / "expected_notes.csv") if e["given"] == "yes"
    ]
    refused = [
        x for x in printed if x.startswith("error") and any(_said(x, case, e) for e in expected)
    ]
    assert not refused, "refused rather than noted:\n" + "\n".join(refused)


@pytest.mark.parametrize("case", CASES)
def test_public_profile_shows_no_small_count(built, case):
    _manifest(built, case)
    config = yaml.safe_load((CASES_DIR / case / "plan.yaml").read_text(encoding="utf-8"))
    threshold = config.get("suppression_threshold", 5)
    shown = []
    for path in sorted((_case_dir(built, case) / "public" / "tables").glob("*.csv")):
        if path.stem in NOT_CHILD_COUNTS:
            continue
        for number, row in enumerate(_read_csv(path), start=2):
            for column in COUNT_COLUMNS:
                value = (row.get(column) or "").strip()
                if re.fullmatch(r"\d+(\.0)?", value) and 1 <= float(value) <= threshold:
                    shown.append(f"{path.name} row {number} {column}={value}")
    assert not shown, f"small counts in the public profile of {case}: {shown}"


def _cell_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def page_table(page: str, table_id: str) -> dict[tuple[str, str], str]:
    """The cells of one table on a page: (row heading, column heading) -> text as shown.

    Where two rows have the same heading (an authority and its police force area of the same
    name), the first is kept: the service's own row comes first.
    """
    start = page.find(f'id="table-{table_id}"')
    assert start >= 0, f"no table {table_id} on the page"
    body = page[start : page.find("</table>", start)]
    columns = [_cell_text(c) for c in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', body, re.S)]
    cells = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        heading = re.search(r'<th scope="row"[^>]*>(.*?)</th>', row, re.S)
        if heading is None:
            continue
        values = [_cell_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for column, value in zip(columns[1:], values, strict=False):
            cells.setdefault((_cell_text(heading.group(1)), column), value)
    return cells


@pytest.mark.parametrize("case", CASES)
def test_transcribed_figures_are_shown_as_published_or_corrected(built, case):
    _manifest(built, case)
    expected = _read_csv(CASES_DIR / case / "expected_figures.csv")
    assert expected, f"{case} declares no figure to check"
    wrong = []
    for figure in expected:
        profiles = PROFILES if figure["profile"] == "both" else (figure["profile"],)
        for profile in profiles:
            page = (_case_dir(built, case) / profile / "plan.html").read_text(encoding="utf-8")
            cells = page_table(page, figure["table"])
            shown = cells.get((figure["row"], figure["column"]))
            if shown is None or figure["text"] not in shown:
                wrong.append(
                    f"{profile} {figure['table']} [{figure['row']}, {figure['column']}]:"
                    f" shows {shown!r}, expected {figure['text']!r} ({figure['why']})"
                )
    assert not wrong, "\n".join(wrong)
