"""Returns whose figures disagree build in both profiles, each disagreement one note.

The bundled Westmorland and Furness data, changed as real returns differ: one authority
with one ETE hours attended count one more than the children counted, one with an
"Unknown" accommodation suitability row. Each builds, publishes its figures as given, says
so once in the board's data notes and the manifest, and stays safe to publish; --strict
refuses both.
"""

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from test_appendix_public import kpi_reader, tables

from yjnb.cli import main

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "westmorland-and-furness"
KPIS = "data/local/{}/kpis.csv"


def hours_attended(records: list[list[str]]) -> list[list[str]]:
    for record in records:
        if record[:5] == ["2023-24 Q2", "ete", "all", "hours_attended", "None"]:
            record[5] = str(int(record[5]) + 1)
    return records


def unknown_suitability(records: list[list[str]]) -> list[list[str]]:
    return [*records, ["2023-24 Q2", "accommodation", "all", "suitability", "Unknown", "1"]]


CHANGES = {"wf-hours": hours_attended, "wf-unknown": unknown_suitability}
NOTES = {
    "wf-hours": "the all counts of ete hours_attended for 2023-24 Q2 are not the sum",
    "wf-unknown": "the counts of accommodation for 2023-24 Q2 disagree: suitability counts 31",
}


def workspace(root: Path) -> dict[str, Path]:
    ws = {"params": root / "params", "data": root / "data", "output": root / "outputs"}
    shutil.copytree(ROOT / "data" / "national", ws["data"] / "national")
    for slug, change in CHANGES.items():
        shutil.copytree(ROOT / "params" / SOURCE, ws["params"] / slug)
        plan = ws["params"] / slug / "plan.yaml"
        plan.write_text(plan.read_text() + "sections: [04_performance, 15_performance_appendix]\n")
        shutil.copytree(ROOT / "data" / "local" / SOURCE, ws["data"] / "local" / slug)
        path = ws["data"] / KPIS.format(slug).removeprefix("data/")
        with path.open(newline="", encoding="utf-8") as handle:
            records = change(list(csv.reader(handle)))
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(records)
    return ws


def command(ws: dict[str, Path], name: str, *extra: str) -> int:
    where = ["--params-dir", str(ws["params"]), "--data-dir", str(ws["data"])]
    if name == "run":
        where += ["--output-dir", str(ws["output"]), "--jobs", "2", "--no-progress"]
    return main([name, *where, *extra])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    ws = workspace(tmp_path_factory.mktemp("inconsistent"))
    assert command(ws, "run") == 0
    return ws


def kpi_notes(warnings: list[dict], slug: str) -> list[dict]:
    return [w for w in warnings if w["file"] == KPIS.format(slug)]


@pytest.mark.parametrize("slug", CHANGES)
def test_each_disagreement_is_one_note_in_the_manifest_and_board_data_notes(built, slug):
    folder = built["output"] / "2024-25" / slug
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    (note,) = kpi_notes(manifest["warnings"], slug)
    assert NOTES[slug] in note["message"] and note["severity"] == "warning"
    board = (folder / "board" / "plan.html").read_text(encoding="utf-8")
    public = (folder / "public" / "plan.html").read_text(encoding="utf-8")
    assert board.count(f"{KPIS.format(slug)}, row {note['row']}") == 1
    assert KPIS.format(slug) not in public and "Data notes" not in public


def test_each_measure_is_a_share_of_its_own_total(built):
    board = tables(built["output"] / "2024-25", "wf-hours", "board")["kpi_ete"]
    q2 = board[(board["period"] == "2023-24 Q2") & (board["cohort"] == "all")]
    totals = dict(zip(q2["measure"], q2["total"].astype(int), strict=False))
    assert totals["hours_attended"] == totals["suitability"] + 1
    row = q2[(q2["measure"] == "hours_attended") & (q2["category"] == "25 hours or more")].iloc[0]
    assert float(row["percent"]) == round(int(row["count"]) * 100 / int(row["total"]), 1)


def test_an_unknown_row_is_shown_counted_and_hidden_safely_in_public(built):
    year = built["output"] / "2024-25"
    board, public = tables(year, "wf-unknown", "board"), tables(year, "wf-unknown", "public")
    mine = board["kpi_accommodation"]
    unknown = mine[(mine["category"] == "Unknown") & (mine["period"] == "2023-24 Q2")]
    assert unknown["count"].tolist() == ["1"] and unknown["total"].tolist() == ["31"]
    shown = public["kpi_accommodation"]
    assert shown.loc[unknown.index, "count"].tolist() == ["[c]"]
    reader, leaks = kpi_reader(board, public)
    assert leaks == [] and reader.recoverable() == []


def test_strict_refuses_both_naming_the_notes(built, capsys):
    capsys.readouterr()
    assert command(built, "validate") == 0
    assert command(built, "validate", "--strict") == 1
    out = capsys.readouterr().out
    for note in NOTES.values():
        assert note in out
    output = built["output"] / "strict"
    status = main(["run", "--params-dir", str(built["params"]), "--data-dir", str(built["data"]),
                   "--output-dir", str(output), "--no-progress", "--strict"])  # fmt: skip
    out = capsys.readouterr().out
    assert status == 1 and "2 authorities failed" in out
    for note in NOTES.values():
        assert note in out
    assert not (output / "2024-25" / "wf-hours").exists()


def test_the_headline_says_what_its_total_includes(built):
    year = built["output"] / "2024-25" / "wf-unknown"
    heads = pd.read_csv(year / "board" / "tables" / "kpi_headlines.csv")
    row = heads[(heads["kpi"] == "accommodation") & (heads["period"] == "2023-24")]
    assert row[["count", "total"]].values.tolist() == [[100, 107]]  # 22+28+30+20 of 23+31+32+21
    board = (year / "board" / "plan.html").read_text(encoding="utf-8")
    assert "100 of 107 (93.5%; total includes 1 &#39;Unknown&#39;)" in board
    public = (year / "public" / "plan.html").read_text(encoding="utf-8")
    assert "100 of 107 (93.5%; total includes [c] &#39;Unknown&#39;)" in public


@pytest.mark.slow
def test_strict_run_plans_clean_authorities_and_fails_the_others(tmp_path):
    from yjnb.batch.runner import RunSummary, plan_jobs
    from yjnb.paths import Workspace

    ws = workspace(tmp_path)
    shutil.copytree(ROOT / "params" / "trafford", ws["params"] / "trafford")
    shutil.copytree(ROOT / "data" / "local" / "trafford", ws["data"] / "local" / "trafford")
    where = Workspace.from_args(
        params_dir=ws["params"], data_dir=ws["data"], output_dir=ws["output"]
    )
    summary = RunSummary()
    jobs = plan_jobs(where, ["trafford", "wf-hours"], None, ("board",), summary, strict=True)
    try:
        assert [job.slug for job in jobs] == ["trafford"]
        (failure,) = summary.failures
        assert failure.authority == "wf-hours" and NOTES["wf-hours"] in failure.error
    finally:
        for job in jobs:
            shutil.rmtree(job.staging)
    lenient = plan_jobs(where, ["wf-hours"], None, ("board",), RunSummary())
    assert [job.slug for job in lenient] == ["wf-hours"]
    shutil.rmtree(lenient[0].staging)
