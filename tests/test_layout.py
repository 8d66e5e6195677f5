"""The package's layout: stages as subpackages, exports an editor can follow, one rounding."""

import ast
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import yjnb
from yjnb.stats.rounding import half_up

PACKAGE = Path(yjnb.__file__).parent
STAGES = ["inputs", "stats", "present", "sections", "narrative", "publish", "batch", "importers"]


def test_at_most_twelve_modules_at_the_top():
    assert len(list(PACKAGE.glob("*.py"))) <= 12


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_says_what_it_is_for_in_one_sentence(stage):
    docstring = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text()))
    first = docstring.split("\n\n")[0]
    assert first.endswith(".") and first.count(". ") == 0, first


def test_every_export_is_defined_where_it_is_imported_from():
    # The TYPE_CHECKING imports editors follow are the very names resolved at run time.
    for name in yjnb.__all__:
        value = getattr(yjnb, name)
        assert value.__name__ == name
        assert value.__module__.startswith("yjnb.")


def test_the_command_line_starts_without_pandas_or_matplotlib():
    code = "import sys, yjnb.cli; print([m for m in ('pandas', 'matplotlib') if m in sys.modules])"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (0.15, 1, "0.2"),  # binary 0.1499...: rounded as it reads
        (-0.25, 1, "-0.3"),  # away from zero: a fall as a rise of the same size
        (2.675, 2, "2.68"),
        (Decimal(1) / Decimal(8), 2, "0.13"),
        (Decimal("12.5"), 0, "13"),
        (7, 1, "7.0"),
    ],
)
def test_half_up_rounds_halves_away_from_zero_on_the_decimal_value(value, places, expected):
    assert str(half_up(value, places)) == expected


def test_rounding_half_up_is_defined_once():
    users = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "ROUND_HALF_UP" in path.read_text(encoding="utf-8")
    ]
    assert users == ["stats/rounding.py"]


def test_the_symbols_for_hidden_and_missing_figures_are_written_once():
    # The importers are left out: they recognise the markers of others' downloads.
    symbols = {"[c]", "[x]"}
    writers = []
    for path in PACKAGE.rglob("*.py"):
        if "importers" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value in symbols or node.value[:3] in symbols:
                    writers.append(path.relative_to(PACKAGE).as_posix())
    assert sorted(set(writers)) == ["symbols.py"]


def test_paths_shown_to_users_are_made_by_the_workspace_alone():
    # A path written as f"params/{slug}/..." names the wrong folder under --params-dir.
    written = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr) and isinstance(node.values[0], ast.Constant):
                if str(node.values[0].value).startswith(("params/", "data/local/")):
                    written.append(f"{path.relative_to(PACKAGE).as_posix()}:{node.lineno}")
    assert written == []


def test_the_worker_warm_up_names_every_cached_loader_of_yjnbs_own_files():
    import importlib
    import inspect
    import pkgutil

    from yjnb.batch.workers import WARM_UP

    loaders = set()
    names = ["yjnb"] + [m.name for m in pkgutil.walk_packages([str(PACKAGE)], prefix="yjnb.")]
    for name in names:
        if name == "yjnb.__main__":
            continue
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if getattr(value, "__module__", None) == name and hasattr(value, "cache_info"):
                parameters = inspect.signature(value).parameters.values()
                if all(p.default is not p.empty for p in parameters):
                    loaders.add((name, attribute))
    assert set(WARM_UP) == loaders


def test_whether_an_input_is_illustrative_is_asked_one_way():
    # PlanConfig.is_illustrative, not a look into its list: a plan.<block> flag counts too.
    asked = []
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "inputs" / "config.py":  # where is_illustrative is defined
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare) and any(isinstance(o, ast.In) for o in node.ops):
                if any(ast.unparse(c).endswith(".illustrative") for c in node.comparators):
                    asked.append(f"{path.relative_to(PACKAGE).as_posix()}:{node.lineno}")
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "set":
                if any(ast.unparse(a).endswith("config.illustrative") for a in node.args):
                    asked.append(f"{path.relative_to(PACKAGE).as_posix()}:{node.lineno}")
    assert asked == []
