import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["test"]
    pins = {}
    for spec in specs:
        name, version = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^;\s]+)", spec).groups()
        pins[name.lower()] = version
    return pins


def _conda_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and "=" in dep and not dep.startswith("python="):
            name, version = dep.split("=", 1)
            pins[name.lower()] = version
    return pins


def test_every_dependency_is_pinned_exactly():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for spec in project["dependencies"] + project["optional-dependencies"]["test"]:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][^;\s]*", spec), spec


def test_pyproject_and_environment_pin_the_same_versions():
    assert _pyproject_pins() == _conda_pins()
