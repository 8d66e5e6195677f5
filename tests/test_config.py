from pathlib import Path

import pytest

from yjnb.errors import InputError
from yjnb.inputs.config import PlanConfig, default_sections, load_plan

GOOD = "name: Sefton Youth Justice Service\narea_code: E08000014\nyear: 2024-25\n"


def write_plan(tmp_path: Path, text: str, slug: str = "sefton") -> Path:
    folder = tmp_path / "params" / slug
    folder.mkdir(parents=True)
    (folder / "plan.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "params"


def problems(tmp_path: Path, text: str, overrides=None):
    with pytest.raises(InputError) as caught:
        load_plan(write_plan(tmp_path, text), "sefton", overrides)
    return caught.value.problems


def test_minimal_plan_gets_defaults(tmp_path):
    config = load_plan(write_plan(tmp_path, GOOD), "sefton")
    assert config.suppression_threshold == 5
    assert config.history_years == 5
    assert config.comparators == []
    assert [s.id for s in config.plan_sections()] == [s.id for s in default_sections()]


def test_command_line_overrides_plan_yaml(tmp_path):
    config = load_plan(write_plan(tmp_path, GOOD), "sefton", overrides={"year": "2025-26"})
    assert config.year == "2025-26"


def test_override_of_none_keeps_plan_value(tmp_path):
    config = load_plan(write_plan(tmp_path, GOOD), "sefton", overrides={"year": None})
    assert config.year == "2024-25"


@pytest.mark.parametrize(
    ("text", "column", "row", "fragment"),
    [
        ("name: X\nyear: 2024-25\n", "area_code", None, "required key 'area_code' is missing"),
        (GOOD + "suppresion_threshold: 5\n", "suppresion_threshold", 4, "unknown key"),
        (GOOD + "suppression_threshold: five\n", "suppression_threshold", 4, "not valid"),
        (GOOD + "history_years: 0\n", "history_years", 4, "not valid"),
        (GOOD.replace("2024-25", "2024-26"), "year", 3, "not valid"),
        (GOOD.replace("2024-25", "2024"), "year", 3, "not valid"),
        (GOOD + "comparators: E08000011\n", "comparators", 4, "not valid"),
        (GOOD + "comparators:\n  - E08000011\n  - 12\n", "comparators.1", 6, "not valid"),
        (GOOD + "sections: [01_introduction, 99_nonsense]\n", "sections", 4, "unknown section"),
        (GOOD + "illustrative: [narative]\n", "illustrative", 4, "found 'narative'"),
    ],
)
def test_each_bad_key_gives_one_located_problem(tmp_path, text, column, row, fragment):
    found = problems(tmp_path, text)
    assert len(found) == 1
    assert found[0].column == column
    assert found[0].row == row
    assert fragment in str(found[0])
    assert found[0].file == "params/sefton/plan.yaml"


def test_several_problems_reported_together(tmp_path):
    found = problems(tmp_path, "nmae: X\nyear: 2024\n")
    columns = sorted(p.column for p in found)
    assert columns == ["area_code", "name", "nmae", "year"]


def test_malformed_yaml_names_line(tmp_path):
    found = problems(tmp_path, GOOD + "comparators: [E08000011\n")
    assert "malformed YAML" in found[0].message
    assert found[0].row is not None


def test_missing_plan_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_plan(tmp_path, "nowhere")


def test_sections_can_be_reordered_and_retitled():
    config = PlanConfig(
        name="X",
        area_code="E1",
        year="2024-25",
        sections=["04_performance", {"id": "01_introduction", "title": "Our vision"}],
    )
    sections = config.plan_sections()
    assert [s.id for s in sections] == ["04_performance", "01_introduction"]
    assert sections[1].title == "Our vision"
    assert sections[0].appendix
