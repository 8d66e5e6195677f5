"""The areas a plan is for and compared with: plan.yaml's codes checked against areas.csv."""

from __future__ import annotations

from typing import TYPE_CHECKING

from yjnb.errors import Problem

if TYPE_CHECKING:
    from yjnb.inputs.config import PlanConfig
    from yjnb.inputs.load import NationalData

# The areas a plan can be for: a council, or a youth justice service covering several.
PLAN_AREAS = ("la", "yjs")


def check_plan_codes(config: PlanConfig, national: NationalData, shown: str) -> list[Problem]:
    """plan.yaml's area codes (``shown`` is its path as messages show it) must be in areas.csv."""
    known = set(national.areas["code"])
    problems = []
    if config.area_code in known and national.area(config.area_code)["type"] not in PLAN_AREAS:
        area = national.area(config.area_code)
        problems.append(
            Problem(
                shown,
                f"is the code of {area['name']}, an area of type {area['type']}",
                column="area_code",
                value=config.area_code,
                expected="the code of a local authority or youth justice service "
                f"(type {' or '.join(PLAN_AREAS)} in areas.csv)",
            )
        )
    if config.area_code not in known:
        problems.append(
            Problem(
                shown,
                "area code not in data/national/areas.csv",
                column="area_code",
                value=config.area_code,
                expected="a code listed in areas.csv",
            )
        )
    for i, code in enumerate(config.comparators):
        if code not in known:
            problems.append(
                Problem(
                    shown,
                    "comparator not in data/national/areas.csv",
                    column=f"comparators[{i}]",
                    value=code,
                    expected="a code listed in areas.csv",
                )
            )
    return problems
