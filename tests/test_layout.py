"""The package's layout: stages as subpackages, exports an editor can follow, one rounding."""

import ast
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import yjnb
from yjnb.errors import InputError
from yjnb.inputs.config import default_sections
from yjnb.sections import builders_by_section
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
    # The TYPE_CHECKING imports editors follow are the one list, and the very names resolved
    # at run time: each a function or class defined in the module it is imported from there.
    exports = yjnb._exports()
    assert sorted(exports) == sorted(yjnb.__all__) and len(exports) == len(yjnb.__all__)
    for name, module in exports.items():
        value = getattr(yjnb, name)
        assert callable(value), name
        assert (value.__module__, value.__name__) == (module, name)


def test_an_editor_follows_each_export_to_its_definition():
    import jedi  # the completion engine of IPython and JupyterLab

    source = "import yjnb\n" + "".join(f"yjnb.{name}\n" for name in yjnb.__all__)
    script = jedi.Script(source, path=PACKAGE.parent / "example.py")
    for line, name in enumerate(yjnb.__all__, start=2):
        (found,) = script.goto(line, len("yjnb.") + 1, follow_imports=True)
        module = sys.modules[yjnb._exports()[name]]
        assert (found.module_path, found.name) == (Path(module.__file__), name)


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


def test_the_placeholder_pattern_is_written_once():
    # The check of typed figures skips exactly what narrative fills: one pattern for both.
    writers = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if r"\{\{" in path.read_text(encoding="utf-8")
    ]
    assert writers == ["narrative/markdown.py"]


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


# -- which builders each section shows: read from its notebook ------------------------------


def test_the_section_map_is_what_each_notebook_calls():
    # Read again another way (a pattern over each code cell's text) from every notebook.
    import json
    import re

    expected = {}
    for path in sorted((PACKAGE.parent / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        called = re.findall(r"\byjnb\.(\w+)\(", code)
        expected[path.stem] = tuple(dict.fromkeys(n for n in called if n != "open_plan"))
    found = builders_by_section()
    assert found == expected
    assert list(found) == [s.id for s in default_sections()]
    assert all(found.values()) and {n for names in found.values() for n in names} <= set(
        yjnb.__all__
    )


def test_the_section_map_reads_calls_not_comments_strings_or_other_cells(tmp_path):
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["yjnb.in_markdown(plan)"]},
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": [
                "plan = yjnb.open_plan(authority)\n",
                "# yjnb.commented(plan)\n",
                "plan.show(yjnb.outer(yjnb.inner(plan), 'yjnb.quoted(plan)'))\n",
                "table = yjnb.not_called\n",
                "yjnb.outer(plan)",
            ],
        },
    ]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "01_first.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    (tmp_path / ".01_first-checkpoint.ipynb").write_text("not a notebook", encoding="utf-8")
    assert builders_by_section(tmp_path) == {"01_first": ("outer", "inner")}
    cells[1]["source"].append("\nyjnb.added_later(plan)")
    path.write_text(json.dumps(notebook), encoding="utf-8")
    assert builders_by_section(tmp_path) == {"01_first": ("outer", "inner", "added_later")}
    cells[1]["source"] = ["plan.show(yjnb.table(plan)"]
    path.write_text(json.dumps(notebook), encoding="utf-8")
    with pytest.raises(InputError, match="cell 2 is not Python"):
        builders_by_section(tmp_path)


def test_each_sections_builders_are_in_the_module_named_after_it():
    # A builder is in its own section's module, or in a module that serves several sections
    # (comparisons, dashboard, kpi_summary ...): never in another section's.
    sections = builders_by_section()
    own = {section: f"yjnb.sections.{section.split('_', 1)[1]}" for section in sections}
    misplaced = [
        (section, name, yjnb._exports()[name])
        for section, names in sections.items()
        for name in names
        if yjnb._exports()[name] in set(own.values()) - {own[section]}
    ]
    assert misplaced == []
    for section, module in own.items():
        if section != "04_performance":  # comparisons, trends and shares are its modules
            assert any(yjnb._exports()[name] == module for name in sections[section]), section
