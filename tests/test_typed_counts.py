"""Small counts of children typed as words, reported before the public profile publishes them."""

from pathlib import Path

import pytest
from workspaces import copy_workspace

from yjnb.batch.validate import check_narrative
from yjnb.inputs.config import load_plan
from yjnb.narrative.typed_counts import (
    plan_count_problems,
    text_count_problems,
    typed_counts,
)
from yjnb.paths import PROJECT_ROOT, Workspace


def phrases(line, threshold=5):
    return [count.phrase for count in typed_counts(line, threshold)]


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("Custody is rare (one custodial sentence last year).", ["one custodial sentence"]),
        ("3 children were remanded.", ["3 children"]),
        ("Two boys and three girls completed it.", ["Two boys", "three girls"]),
        ("We had five first time entrants.", ["five first time entrants"]),
        ("two youth cautions and one conviction", ["two youth cautions", "one conviction"]),
        ("There are currently 2 subject to remand", ["2 subject to remand"]),
        ("Last year {{ fte_rate.latest }} and 4 children", ["4 children"]),
        ("One of the children said so.", ["One of the children"]),
    ],
)
def test_a_small_count_of_children_is_found(line, found):
    assert phrases(line) == found


@pytest.mark.parametrize(
    "line",
    [
        "six children took part",  # above the threshold
        "12 children",
        "In 2023-24 children were seen within 5 days.",  # a year, a time
        "5% of children, 1 April 2024, 2.5 children per 1,000, £5 per child",
        "children aged 10 to 17",
        "one-to-one work with children",
        "one in three children, 3 to 5 children, one or two children",  # ratios and ranges
        "Section 4 children; priority 2 children in care; Q1 children; tier 3 cases",
        "the four Child First principles",
        "three hundred young people",
        "two children's homes",  # counts homes
        "**3 Breaches of Statutory Orders**",  # a numbered heading
        "One tier was for children on statutory orders",  # too far from the number
        "three seconded police officers and one probation officer",  # staff, not children
        "There were no new remands in 2023.",  # zero is never withheld
    ],
)
def test_what_is_not_a_small_count_of_children_is_left_alone(line):
    assert phrases(line) == []


def test_the_threshold_is_the_plans():
    assert phrases("seven children", threshold=10) == ["seven children"]
    assert phrases("3 children", threshold=2) == []


def test_each_is_reported_with_file_and_line_unless_listed_as_safe():
    text = "Intro.\n\nNationally two children were detained, and locally one child.\n"
    problems = text_count_problems(text, "params/x/narrative/04_performance.md", 5)
    assert [(p.row, p.value, p.severity) for p in problems] == [
        (3, "two children", "warning"),
        (3, "one child", "warning"),
    ]
    assert "params/x/narrative/04_performance.md, row 3" in str(problems[0])
    safe = ["nationally  TWO children"]  # as written, in any case and spacing
    problems = text_count_problems(text, "n.md", 5, safe)
    assert [p.value for p in problems] == ["one child"]
    # a listed phrase covers only the number inside it
    assert len(text_count_problems("two children nationally, two children here", "n.md", 5,
                                   ["two children nationally"])) == 1  # fmt: skip


PLAN = """\
name: Test
area_code: E06000064
year: 2024-25
local_context:
  facts:
    - {label: Children the service worked with, value: 3}
    - {label: Children the service worked with last year, value: 412}
    - {label: Children aged 10 to 17 in the area, value: 21%}
dashboard:
  first_time_entrants:
    - {disposal: Youth Caution, children: 2}
priorities:
  national:
    custody_and_resettlement:
      context: Custody is rare (one custodial sentence last year).
"""


def test_plan_yaml_text_and_facts_are_read_structured_counts_are_not(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN)
    problems = plan_count_problems(path, "params/x/plan.yaml", 5)
    found = [(p.row, p.column, p.value) for p in problems]
    assert found == [
        (6, "local_context.facts.0.value", "Children the service worked with: 3"),
        (15, "priorities.national.custody_and_resettlement.context", "one custodial sentence"),
    ]  # the dashboard's count of 2 is suppressed in its table, so not reported here
    assert plan_count_problems(path, "p", 5, blocks=["local_context"])[0].row == 6
    assert plan_count_problems(path, "p", 5, ["one custodial sentence"], ["priorities"]) == []


def test_the_bundled_plans_and_real_returns_type_no_small_count():
    typed = []
    for plan in sorted((PROJECT_ROOT / "params").glob("*/plan.yaml")):
        threshold = load_plan(plan.parent.parent, plan.parent.name).suppression_threshold
        typed += plan_count_problems(plan, str(plan), threshold)
        for narrative in sorted((plan.parent / "narrative").glob("*.md")):
            typed += text_count_problems(narrative.read_text(encoding="utf-8"), str(narrative), 5)
    cases = PROJECT_ROOT / "tests" / "real_returns"
    for text in sorted(cases.glob("*/narrative/*.md")):
        typed += text_count_problems(text.read_text(encoding="utf-8"), str(text), 5)
    for plan in sorted(cases.glob("*/plan.yaml")):
        typed += plan_count_problems(plan, str(plan), 5)
    assert typed == []


def test_validate_reports_them(tmp_path):
    ws = copy_workspace(tmp_path, ["trafford"])
    narrative = ws["params"] / "trafford" / "narrative" / "04_performance.md"
    narrative.write_text(narrative.read_text() + "\nLast year 2 children were sentenced.\n")
    workspace = Workspace.from_args(ws["params"], ws["data"])
    config = load_plan(ws["params"], "trafford")
    problems = check_narrative(workspace, "trafford", config, strict=False)
    (typed,) = [p for p in problems if p.value == "2 children"]
    assert typed.file.endswith("narrative/04_performance.md") and typed.severity == "warning"
    assert typed.row == len(narrative.read_text().splitlines())


def test_safe_numbers_is_a_documented_setting():
    docs = (PROJECT_ROOT / "docs" / "plan-yaml.md").read_text(encoding="utf-8")
    assert "| `safe_numbers` | no |" in docs
    assert (
        Path(PROJECT_ROOT / "yjnb" / "templates" / "new_authority" / "plan.yaml.j2")
        .read_text(encoding="utf-8")
        .count("safe_numbers")
        == 1
    )


@pytest.mark.parametrize("profiles", [["board", "public"], ["board"]])
def test_a_build_of_the_public_profile_reports_them(tmp_path, profiles):
    from yjnb.plan import open_plan, warnings_only

    ws = copy_workspace(tmp_path, ["westmorland-and-furness"])
    folder = ws["params"] / "westmorland-and-furness"
    narrative = folder / "narrative" / "04_performance.md"
    narrative.write_text("Custody is rare: one custodial sentence last year.\n")
    plan_file = folder / "plan.yaml"
    plan_file.write_text(
        plan_file.read_text().replace("Custody is rare,", "Custody is rare (3 children),")
    )
    with warnings_only() as warnings:
        plan = open_plan("westmorland-and-furness", None, profiles, ws["params"], ws["data"])
        plan.narrative("04_performance")
        plan.data_notes("priorities")
    typed = [(Path(p.file).name, p.value) for p in warnings if "children, which" in p.message]
    if "public" in profiles:
        assert typed == [("04_performance.md", "one custodial sentence"),
                         ("plan.yaml", "3 children")]  # fmt: skip
    else:
        assert typed == []  # nothing is published to the public
