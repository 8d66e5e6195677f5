"""Same inputs, same outputs: a second batch gives byte-identical pages, CSVs and spreadsheets.

Only the manifest's timings may differ. The executed notebooks are provenance and keep
papermill's own timings, so they are not compared.
"""

import json

import pytest

from yjnb.batch.runner import run
from yjnb.paths import Workspace


def published(root):
    return {
        p.relative_to(root): p
        for p in sorted(root.rglob("*"))
        if p.is_file() and "notebooks" not in p.relative_to(root).parts
    }


def test_two_builds_are_byte_identical_apart_from_timings(batch, tmp_path):
    first = batch.workspace
    again = Workspace.from_args(
        first.params_dir, first.data_dir, tmp_path / "again", first.notebooks_dir
    )
    summary = run(again, jobs=2, progress=False)
    assert summary.ok, summary.report()
    before, after = published(first.output_dir), published(again.output_dir)
    builds = {
        json.loads(path.read_text()).get("build", {}).get("code")
        for outputs in (before, after)
        for name, path in outputs.items()
        if name.name == "manifest.json"
    }
    if len(builds) > 1:  # only in a working tree being edited while the tests run
        pytest.skip("yjnb's code changed between the two builds: not the same inputs")
    assert sorted(before) == sorted(after)
    kinds = {path.suffix for path in before}
    assert {".html", ".csv", ".xlsx", ".json"} <= kinds
    differ = []
    for name, path in before.items():
        if name.name == "manifest.json":
            old, new = (json.loads(p.read_text()) for p in (path, after[name]))
            assert old.pop("timings").keys() == new.pop("timings").keys()
            if old != new:
                differ.append(
                    (name, [k for k in old.keys() | new.keys() if old.get(k) != new.get(k)])
                )
        elif path.read_bytes() != after[name].read_bytes():
            differ.append(name)
    assert not differ, f"differ between two builds: {differ}"
