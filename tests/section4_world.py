"""A small hand-checked world for the section 4 tests (imported by test_comparisons, test_trends).

Westmorland and Furness with the counts of seed 000 (44 first time entrants and one custodial
sentence in 2023-24, 19,101 children aged 10-17), three statistical neighbours chosen to be
statistically higher, similar and lower, its police force area and region summed from their
members, and England with a published rate only.
"""

from __future__ import annotations

import pandas as pd

from yjnb.inputs.config import PlanConfig
from yjnb.inputs.load import NationalData
from yjnb.sections.comparisons import Comparison, compare_authority

WF, CUMBERLAND, TRAFFORD, BLACKBURN = "E06000064", "E06000063", "E08000009", "E06000008"
CUMBRIA, NORTH_WEST, ENGLAND = "E23000002", "E12000002", "E92000001"
FY, PREVIOUS = ("2023-04-01", "2024-03-31"), ("2022-04-01", "2023-03-31")


def national() -> NationalData:
    areas = pd.DataFrame(
        [
            (WF, "Westmorland and Furness", "la", "", CUMBRIA, NORTH_WEST),
            (CUMBERLAND, "Cumberland", "la", "", CUMBRIA, NORTH_WEST),
            (TRAFFORD, "Trafford", "la", "", "", NORTH_WEST),
            (BLACKBURN, "Blackburn with Darwen", "la", "", "", NORTH_WEST),
            (CUMBRIA, "Cumbria", "pcc", "", "", NORTH_WEST),
            (NORTH_WEST, "North West", "region", "", "", ENGLAND),
            # a region with no figures: England cannot be summed, its published rate is used
            ("E12000001", "North East", "region", "", "", ENGLAND),
            (ENGLAND, "England", "nation", "", "", ""),
        ],
        columns=["code", "name", "type", "yjs_code", "pcc_code", "region_code"],
    )
    neighbours = pd.DataFrame(
        [(WF, CUMBERLAND, 1, "test"), (WF, TRAFFORD, 2, "test"), (WF, BLACKBURN, 3, "test")],
        columns=["area_code", "neighbour_code", "rank", "source"],
    )
    rows = [
        (WF, "fte", FY, 44), (WF, "population_10_17", FY, 19_101), (WF, "custody", FY, 1),
        (WF, "fte", PREVIOUS, 60), (WF, "population_10_17", PREVIOUS, 19_101),
        (CUMBERLAND, "fte", FY, 150), (CUMBERLAND, "population_10_17", FY, 25_000),
        (TRAFFORD, "fte", FY, 60), (TRAFFORD, "population_10_17", FY, 26_005),
        (BLACKBURN, "fte", FY, 5), (BLACKBURN, "population_10_17", FY, 20_000),
        (ENGLAND, "fte_rate", FY, 200),
    ]  # fmt: skip
    counts = pd.DataFrame(
        [(a, m, pd.Timestamp(p[0]), pd.Timestamp(p[1]), float(v), f"source of {a} {m}")
         for a, m, p, v in rows],
        columns=["area_code", "measure", "period_start", "period_end", "value", "source"],
    )  # fmt: skip
    return NationalData(areas, neighbours, counts)


def build_world() -> tuple[PlanConfig, NationalData, Comparison]:
    """The plan settings, national data and comparison of the world."""
    data = national()
    config = PlanConfig(name="Westmorland and Furness YJS", area_code=WF, year="2024-25")
    return config, data, compare_authority(config, data)
