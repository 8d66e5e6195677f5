"""A placeholder quoting a local count of children shows, in public, what its table shows."""

import re

import pytest
from workspaces import copy_workspace

from yjnb import plan as plan_module
from yjnb.plan import open_plan
from yjnb.symbols import SUPPRESSED

SLUG = "westmorland-and-furness"
FTE = """  first_time_entrants:
    - {disposal: Youth Caution, children: 13}
    - {disposal: Youth Conditional Caution, children: 12}
    - {disposal: Referral Order, children: 19}
    - {disposal: Total, children: 44}
"""


def narrative_by_profile(tmp_path, monkeypatch, rows):
    ws = copy_workspace(tmp_path, [SLUG])
    plan_file = ws["params"] / SLUG / "plan.yaml"
    text = plan_file.read_text(encoding="utf-8")
    assert FTE in text
    plan_file.write_text(text.replace(FTE, "  first_time_entrants:\n" + rows), encoding="utf-8")
    narrative = ws["params"] / SLUG / "narrative" / "03_progress.md"
    narrative.write_text("We counted {{ dashboard.first_time_entrants }} first time entrants.\n")
    outputs = []
    monkeypatch.setattr(plan_module, "_display", lambda data, meta: outputs.append((data, meta)))
    plan = open_plan(SLUG, None, ["board", "public"], ws["params"], ws["data"])
    plan.narrative("03_progress")
    return {
        meta["yjnb"]["profile"]: re.search(r"We counted (.*?) first", data["text/html"])[1]
        for data, meta in outputs
        if "yjnb" in meta and "text/html" in data
    }


@pytest.mark.parametrize(
    ("rows", "board", "public"),
    [
        # 13 + 12 + 19: nothing is withheld, so both profiles read the total
        ("    - {disposal: Youth Caution, children: 13}\n"
         "    - {disposal: Referral Order, children: 31}\n", "44", "44"),
        # a total of 4 is a small count: withheld in the table, so in the text
        ("    - {disposal: Youth Caution, children: 1}\n"
         "    - {disposal: Referral Order, children: 3}\n", "4", SUPPRESSED),
    ],
)  # fmt: skip
def test_the_public_text_withholds_what_the_public_table_withholds(
    tmp_path, monkeypatch, rows, board, public
):
    assert narrative_by_profile(tmp_path, monkeypatch, rows) == {"board": board, "public": public}


@pytest.mark.parametrize("small", [2, 7])
def test_the_public_text_shows_the_total_exactly_as_the_public_table(tmp_path, monkeypatch, small):
    from yjnb.plan import warnings_only
    from yjnb.sections.dashboard import TOTAL, first_time_entrants_table

    rows = (
        f"    - {{disposal: Youth Caution, children: {small}}}\n"
        "    - {disposal: Referral Order, children: 30}\n"
    )
    shown = narrative_by_profile(tmp_path, monkeypatch, rows)
    with warnings_only():
        plan = open_plan(SLUG, None, ["board", "public"], tmp_path / "params", tmp_path / "data")
        table = first_time_entrants_table(plan).for_profile("public", 5)
    (total,) = table.data.loc[table.data["disposal"] == TOTAL, "children"]
    assert shown == {"board": str(30 + small), "public": str(total)}
