"""A draft (a plan not finished) and a scaffold that starts right: area and year from the data."""

import shutil
from pathlib import Path

import pytest
import yaml

from yjnb.cli import main
from yjnb.inputs.config import CONTENT_BLOCKS, default_sections, load_plan
from yjnb.inputs.draft import SECTION_CONTENT, missing_parts
from yjnb.inputs.scaffold import plan_year_of
from yjnb.paths import Workspace

ROOT = Path(__file__).resolve().parents[1]
COUNTS_HEADER = "area_code,measure,period_start,period_end,value,source\n"


@pytest.fixture
def ws(tmp_path) -> Workspace:
    """An empty workspace with the bundled national data."""
    shutil.copytree(ROOT / "data" / "national", tmp_path / "data" / "national")
    return Workspace.from_args(
        tmp_path / "params", tmp_path / "data", tmp_path / "outputs", ROOT / "notebooks"
    )


def new(ws: Workspace, *args: str) -> int:
    dirs = ["--params-dir", str(ws.params_dir), "--data-dir", str(ws.data_dir)]
    return main(["new", *args, *dirs])


def bundled(ws: Workspace, slug: str = "trafford") -> None:
    shutil.copytree(ROOT / "params" / slug, ws.params_dir / slug)
    shutil.copytree(ROOT / "data" / "local" / slug, ws.data_dir / "local" / slug)


def messages(ws: Workspace, slug: str) -> list[str]:
    return [str(p) for p in missing_parts(ws, slug, load_plan(ws.params_dir, slug))]


def test_every_structured_content_block_belongs_to_a_section():
    owned = [key for keys in SECTION_CONTENT.values() for key in keys]
    assert sorted(owned) == sorted(CONTENT_BLOCKS)
    assert set(SECTION_CONTENT) <= {s.id for s in default_sections()}


def test_a_bundled_plan_is_finished(ws):
    bundled(ws)
    assert messages(ws, "trafford") == []


def test_a_scaffolded_plan_never_filled_in_is_a_draft(ws, capsys):
    assert new(ws, "sefton") == 0
    found = messages(ws, "sefton")
    narrative = "params/sefton/narrative/"
    for section in default_sections():  # every narrative file: guidance block and stand-in
        assert f"{narrative}{section.id}.md, row 1: the guidance block is still in" in " ".join(
            found
        )
        assert any(m.startswith(f"{narrative}{section.id}.md, row ") and "stand-in" in m
                   for m in found)  # fmt: skip
    for key in CONTENT_BLOCKS:  # every piece of structured content
        assert any(f"column '{key}': '{key}' not written" in m for m in found), key
    assert "data/local/sefton/kpis.csv: no rows: the return is not filled in" in found
    assert len(found) == 2 * len(default_sections()) + len(CONTENT_BLOCKS) + 1


def test_each_kind_of_missing_part_is_named_with_its_file(ws):
    bundled(ws)
    plan = ws.plan_file("trafford")
    data = yaml.safe_load(plan.read_text(encoding="utf-8"))
    data["sections"] = ["01_introduction", "02_governance", "05_risks", "06_child_first"]
    del data["risks"]
    data["child_first"]["as_children"] = "..."
    text = yaml.safe_dump(data, sort_keys=False)
    plan.write_text(text, encoding="utf-8")
    (ws.narrative_file("trafford", "02_governance")).unlink()
    (ws.narrative_file("trafford", "01_introduction")).write_text("  \n\n")
    found = messages(ws, "trafford")
    shown = "params/trafford/plan.yaml"
    assert f"{shown}, column 'sections': section 04_performance (Performance over the " \
           "previous year) left out of the plan" in found  # fmt: skip
    assert sum("left out of the plan" in m for m in found) == 11
    assert f"{shown}, column 'risks': 'risks' not written: section 'Risks and issues' shows " \
           "a placeholder" in found  # fmt: skip
    assert "params/trafford/narrative/02_governance.md: narrative file missing" in found
    assert "params/trafford/narrative/01_introduction.md: narrative file is empty" in found
    row = next(n for n, line in enumerate(text.splitlines(), 1) if "as_children:" in line)
    assert f"{shown}, row {row}, column 'child_first.as_children': a value still '...'" in found
    assert len(found) == 11 + 1 + 2 + 1  # nothing else: the other content is all there


def test_run_final_refuses_a_draft_listing_what_is_missing(ws, capsys):
    assert new(ws, "sefton") == 0
    capsys.readouterr()
    args = ["run", "--authority", "sefton", "--final", "--no-progress",
            "--params-dir", str(ws.params_dir), "--data-dir", str(ws.data_dir),
            "--output-dir", str(ws.output_dir)]  # fmt: skip
    assert main(args) == 1
    out = capsys.readouterr().out
    count = 2 * len(default_sections()) + len(CONTENT_BLOCKS) + 1  # as listed above
    assert f"sefton: draft: --final: not finished, {count} things missing:" in out
    assert "params/sefton/narrative/05_risks.md, row 1: the guidance block is still in" in out
    assert "data/local/sefton/kpis.csv: no rows" in out
    assert not (ws.output_dir / "2025-26" / "sefton").exists()  # nothing built


@pytest.mark.slow
def test_validate_final_makes_each_missing_part_an_error(ws, capsys):
    bundled(ws)
    narrative = ws.narrative_file("trafford", "05_risks")
    narrative.write_text("> **Guidance: replace this block.**\n\nOur risks.\n")
    dirs = ["--params-dir", str(ws.params_dir), "--data-dir", str(ws.data_dir)]
    assert main(["validate", "--authority", "trafford", *dirs]) == 0
    assert "guidance" not in capsys.readouterr().out
    assert main(["validate", "--authority", "trafford", "--final", *dirs]) == 1
    out = capsys.readouterr().out
    assert (
        "error: params/trafford/narrative/05_risks.md, row 1: draft: the guidance block is "
        "still in the narrative" in out
    )


# -- yjnb new: the area and the plan year from the national data -------------------------------
def test_new_takes_the_area_the_slug_names(ws):
    assert new(ws, "sefton") == 0
    config = load_plan(ws.params_dir, "sefton")
    assert config.area_code == "E08000014"
    assert config.name == "Sefton Youth Justice Service"


def test_new_takes_a_given_area_code(ws):
    assert new(ws, "south-tees", "--area-code", "yjs-south-tees") == 0
    assert load_plan(ws.params_dir, "south-tees").area_code == "yjs-south-tees"


@pytest.mark.parametrize(
    ("args", "unknown", "suggested"),
    [
        (["sefton", "--area-code", "E99999999"], "unknown area code 'E99999999'", "Sefton ("),
        (["new-town", "--area-code", "E00000000"], "unknown area code 'E00000000'", "E0"),
        (["seftn"], "unknown area code: no area is named 'seftn'", "Sefton (E08000014)"),
        (["westmorland-furness"], "no area is named", "Westmorland and Furness (E06000064)"),
        (["sefton", "--area-code", "Traford"], "unknown area code 'Traford'", "Trafford ("),
    ],
)
def test_new_refuses_an_unknown_area_with_the_nearest_names(ws, capsys, args, unknown, suggested):
    assert new(ws, *args) == 2
    err = capsys.readouterr().err
    assert unknown in err and "did you mean: " in err and suggested in err, err
    assert not ws.params_dir.exists() and not (ws.data_dir / "local").exists()  # nothing written


def test_new_refuses_a_region_code(ws, capsys):
    assert new(ws, "north-west", "--area-code", "E12000002") == 2  # a region, not a service
    assert "unknown area code 'E12000002'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("latest", "year"),
    [("2024-12-31", "2025-26"), ("2024-03-31", "2024-25"), ("2023-04-30", "2024-25")],
)
def test_the_plan_year_follows_the_latest_national_period(ws, latest, year):
    counts = ws.data_dir / "national" / "counts.csv"
    counts.write_text(
        COUNTS_HEADER
        + "E08000014,fte_rate,2019-01-01,2019-12-31,200,x\n"
        + f"E08000014,custody_rate,2000-01-01,{latest},1.0,x\n",
        encoding="utf-8",
    )
    assert plan_year_of(ws) == year
    assert new(ws, "sefton") == 0
    assert load_plan(ws.params_dir, "sefton").year == year


def test_the_bundled_national_data_gives_its_own_plan_year(ws):
    import pandas as pd

    latest = pd.to_datetime(pd.read_csv(ws.data_dir / "national" / "counts.csv")["period_end"])
    end = latest.max()
    start = end.year if end.month >= 4 else end.year - 1  # the financial year it ends in
    assert new(ws, "sefton") == 0
    assert load_plan(ws.params_dir, "sefton").year == f"{start + 1}-{(start + 2) % 100:02d}"


def test_new_without_national_data_says_what_it_needs(tmp_path, capsys):
    args = ["sefton", "--params-dir", str(tmp_path / "p"), "--data-dir", str(tmp_path / "d")]
    assert main(["new", *args]) == 2
    err = capsys.readouterr().err
    assert "national/areas.csv: file not found" in err and "plan year" in err
