"""Reuse of loaded inputs in worker processes: keyed by file contents or argument identity."""

from pathlib import Path

import pytest

from yjnb import reuse
from yjnb.inputs.config import load_plan
from yjnb.inputs.load import load_local, load_national
from yjnb.sections.comparisons import compare_authority

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def remembering():
    reuse.remember()
    yield
    reuse.forget()


@reuse.by_contents(lambda path, *_, **__: [path])
def read(path: Path, upper: bool = False) -> list[str]:
    text = path.read_text()
    return [text.upper() if upper else text]


@reuse.by_identity
def pair(first: object, second: object) -> list[object]:
    return [first, second]


def test_nothing_is_kept_unless_a_process_asks(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("one")
    assert read(path) == read(path) and read(path) is not read(path)
    assert pair(1, 2) is not pair(1, 2)


def test_a_loader_is_reused_until_its_file_changes(tmp_path, remembering):
    path = tmp_path / "a.txt"
    path.write_text("one")
    first = read(path)
    assert read(path) is first and read(path=path) is first  # however the call is written
    assert read(path, upper=True) == ["ONE"]  # other arguments: another result
    path.write_text("two")
    assert read(path) == ["two"]


def test_a_missing_file_is_left_to_the_loader(tmp_path, remembering):
    with pytest.raises(FileNotFoundError):
        read(tmp_path / "missing.txt")


def test_a_computation_is_reused_for_the_same_objects_only(remembering):
    a, b = object(), object()
    assert pair(a, b) is pair(a, second=b)
    assert pair(b, a) == [b, a]
    assert pair(a, object()) is not pair(a, object())


def test_inputs_and_indicators_are_reusable_and_the_same_either_way(remembering):
    # Each notebook's process reuses these (yjnb.batch.workers); a dropped decorator fails here.
    for function in (load_national, load_local, load_plan, compare_authority):
        assert getattr(function, "reused_in_workers", False), function.__name__
    data, params = ROOT / "data", ROOT / "params"
    national = load_national(data)
    assert load_national(data) is national
    config = load_plan(params, "warwickshire", overrides={"year": None})
    assert load_plan(params, "warwickshire", overrides={"year": None}) is config
    assert compare_authority(config, national) is compare_authority(config, national)
    reuse.forget()
    fresh = compare_authority(load_plan(params, "warwickshire"), load_national(data))
    assert fresh.table.equals(compare_authority(config, national).table)


def test_remembering_again_keeps_what_was_kept(tmp_path, remembering):
    # The worker server loads the national data, then each authority's process asks again.
    path = tmp_path / "a.txt"
    path.write_text("one")
    first = read(path)
    reuse.remember()
    assert read(path) is first
