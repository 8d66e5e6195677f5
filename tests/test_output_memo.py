"""Outputs copied from the last build only when made from the same parts."""

from yjnb.publish.memo import OutputMemo, digest


def test_an_output_made_from_the_same_parts_is_copied_from_the_last_build(tmp_path):
    last, staging = tmp_path / "last", tmp_path / "staging"
    (last / "board").mkdir(parents=True)
    (staging / "board").mkdir(parents=True)
    (last / "board" / "tables.xlsx").write_bytes(b"last build's bytes")
    made = {"board/tables.xlsx": {"key": digest("tables", 1), "value": ["a", "b"]}}
    calls = []

    def write():
        calls.append(1)
        (staging / "board" / "tables.xlsx").write_bytes(b"new bytes")
        return ["a"]

    memo = OutputMemo(staging, last, made)
    assert memo.make(staging / "board" / "tables.xlsx", digest("tables", 1), write) == ["a", "b"]
    assert not calls
    assert (staging / "board" / "tables.xlsx").read_bytes() == b"last build's bytes"
    assert memo.record == made and memo.reused == ["board/tables.xlsx"]

    memo = OutputMemo(staging, last, made)
    assert memo.make(staging / "board" / "tables.xlsx", digest("tables", 2), write) == ["a"]
    assert calls == [1]
    assert memo.record["board/tables.xlsx"] == {"key": digest("tables", 2), "value": ["a"]}


def test_without_a_last_build_every_output_is_made(tmp_path):
    made = {"plan.html": {"key": digest("page"), "value": None}}
    (tmp_path / "last").mkdir()
    (tmp_path / "last" / "plan.html").write_text("old")
    memo = OutputMemo(tmp_path, None, made)
    memo.make(
        tmp_path / "plan.html",
        digest("page"),
        lambda: (tmp_path / "plan.html").write_text("new") and None,
    )
    assert (tmp_path / "plan.html").read_text() == "new"
    assert not memo.reused


def test_a_missing_file_of_the_last_build_is_made_again(tmp_path):
    (tmp_path / "last").mkdir()
    made = {"plan.html": {"key": digest("page"), "value": None}}
    memo = OutputMemo(tmp_path, tmp_path / "last", made)
    memo.make(
        tmp_path / "plan.html",
        digest("page"),
        lambda: (tmp_path / "plan.html").write_text("new") and None,
    )
    assert (tmp_path / "plan.html").read_text() == "new"
