"""Disclosure control: primary and secondary suppression, proved by an independent audit."""

import numpy as np
import pandas as pd
import pytest
from disclosure_audit import Reader

from yjnb.present.charts import Chart, new_figure, render
from yjnb.present.suppress import (
    SUPPRESSED,
    Cells,
    Counts,
    CountsBuilder,
    Protected,
    withheld_cells,
    withheld_note,
)
from yjnb.present.tables import Table
from yjnb.stats.feasible import PROTECTION, feasible_ranges, unprotected


def audit(counts: Counts, hidden: np.ndarray, threshold: int) -> list[str]:
    reader = Reader(threshold)
    keys = [tuple(k) for k in counts.frame.drop(columns="count").itertuples(index=False)]
    for key, value, is_hidden in zip(keys, counts.frame["count"], hidden, strict=True):
        reader.cell(key, value, SUPPRESSED if is_hidden else value)
    for total, parts in counts.sums:
        reader.sum(keys[total], [keys[p] for p in parts])
    for cell, bound in counts.at_most:
        reader.bound(keys[cell], keys[bound])
    return reader.recoverable()


def table_with_margins(values: np.ndarray) -> Counts:
    builder = CountsBuilder(["row", "col"])
    rows, cols = values.shape
    for i in range(rows):
        for j in range(cols):
            builder.add((str(i), str(j)), values[i, j])
        builder.add((str(i), "T"), values[i].sum())
        builder.add_sum((str(i), "T"), [(str(i), str(j)) for j in range(cols)])
    for j in range(cols):
        builder.add(("T", str(j)), values[:, j].sum())
        builder.add_sum(("T", str(j)), [(str(i), str(j)) for i in range(rows)])
    builder.add(("T", "T"), values.sum())
    builder.add_sum(("T", "T"), [("T", str(j)) for j in range(cols)])
    builder.add_sum(("T", "T"), [(str(i), "T") for i in range(rows)])
    return builder.build()


def test_counts_from_one_to_the_threshold_are_hidden_and_others_shown():
    builder = CountsBuilder(["cell"])
    for i, value in enumerate([0, 1, 3, 5, 6, 40]):
        builder.add((str(i),), value)
    hidden = builder.build().suppressed(5)
    assert hidden.tolist() == [False, True, True, True, False, False]


def test_a_lone_small_count_in_a_sum_takes_the_smallest_non_zero_part_with_it():
    builder = CountsBuilder(["category"])
    for name, value in [("a", 2), ("b", 0), ("c", 9), ("d", 30)]:
        builder.add((name,), value)
    builder.add(("total",), 41)
    builder.add_sum(("total",), [("a",), ("b",), ("c",), ("d",)])
    counts = builder.build()
    hidden = counts.suppressed(5)
    assert hidden.tolist() == [True, False, True, False, False]
    assert audit(counts, hidden, 5) == []


def test_a_sum_that_does_not_add_up_is_not_recorded():
    builder = CountsBuilder(["k"])
    builder.add(("a",), 2)
    builder.add(("t",), 9)
    builder.add_sum(("t",), [("a",)])
    assert builder.build().sums == ()


def test_a_chain_of_sums_is_followed_beyond_pairs():
    # x + y, y + z and x + z are all published: hiding x, y and z pairwise would still
    # let a reader solve three equations for three unknowns.
    builder = CountsBuilder(["k"])
    for name, value in [("x", 2), ("y", 7), ("z", 9)]:
        builder.add((name,), value)
    for total, parts in [("xy", "xy"), ("yz", "yz"), ("xz", "xz")]:
        builder.add((total,), sum({"x": 2, "y": 7, "z": 9}[p] for p in parts))
        builder.add_sum((total,), [(p,) for p in parts])
    counts = builder.build()
    hidden = counts.suppressed(5)
    assert audit(counts, hidden, 5) == []
    assert hidden[:3].all() and hidden[3:].any()


@pytest.mark.parametrize("seed", range(25))
def test_random_tables_with_margins_leave_nothing_to_work_out(seed):
    rng = np.random.default_rng(seed)
    shape = tuple(rng.integers(2, 7, size=2))
    values = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 20], size=shape)
    counts = table_with_margins(values)
    threshold = int(rng.integers(2, 6))
    hidden = counts.suppressed(threshold)
    primary = (counts.frame["count"] >= 1) & (counts.frame["count"] <= threshold)
    assert hidden[primary.to_numpy()].all()
    assert audit(counts, hidden, threshold) == []


def test_bounds_between_counts_are_respected():
    # children in a group are at most the disposals in it
    builder = CountsBuilder(["measure", "group"])
    children = {"a": 3, "b": 20, "c": 30}
    disposals = {"a": 3, "b": 21, "c": 30}
    for measure, values in (("children", children), ("disposals", disposals)):
        for group, value in values.items():
            builder.add((measure, group), value)
        builder.add((measure, "T"), sum(values.values()))
        builder.add_sum((measure, "T"), [(measure, g) for g in values])
    for group in children:
        builder.add_at_most(("children", group), ("disposals", group))
    counts = builder.build()
    hidden = counts.suppressed(5)
    assert audit(counts, hidden, 5) == []


def test_parts_of_counts_are_suppressed_as_the_whole_is():
    whole = table_with_margins(np.array([[1, 9, 14], [7, 2, 30]]))
    builder = CountsBuilder(["row", "col"])
    for key in whole.frame[["row", "col"]].itertuples(index=False):
        builder.add(tuple(key), int(whole.frame.set_index(["row", "col"]).loc[tuple(key)].iloc[0]))
    for total, parts in whole.sums:
        keys = [tuple(whole.frame.loc[p, ["row", "col"]]) for p in (total, *parts)]
        builder.add_sum(keys[0], keys[1:])
    builder.add(("lonely", "x"), 3)
    more = builder.build()
    assert more.suppressed(5)[: len(whole.frame)].tolist() == whole.suppressed(5).tolist()


def test_feasible_ranges_are_whole_numbers_of_at_least_one():
    values = [2, 9, 11]  # a + b = total, both withheld: each from 1 to 10
    ranges = feasible_ranges(values, [True, True, False], [(2, (0, 1))])
    assert ranges == {0: (1.0, 10.0), 1: (1.0, 10.0)}
    assert feasible_ranges(values, [True, True, False], [(2, (0, 1))], least=0)[0] == (0, 11)


def test_a_quarter_total_of_23_with_14_and_6_shown_gives_three_ones_away():
    # 23 = 14 + 6 + three withheld counts: they add to 3, and each is at least 1.
    values = [14, 6, 1, 1, 1, 23]
    hidden = [False, False, True, True, True, False]
    sums = [(5, (0, 1, 2, 3, 4))]
    assert feasible_ranges(values, hidden, sums) == {p: (1.0, 1.0) for p in (2, 3, 4)}
    assert unprotected(values, hidden, sums, ()) == [2, 3, 4]
    builder = CountsBuilder(["k"])
    for name, value in zip("abcde", values[:5], strict=True):
        builder.add((name,), value)
    builder.add(("T",), 23)
    builder.add_sum(("T",), [(k,) for k in "abcde"])
    counts = builder.build()
    chosen = counts.suppressed(5)
    assert chosen[2:5].all() and chosen[1] and not chosen[0]  # the 6 goes with them
    assert audit(counts, chosen, 5) == []


def test_an_of_those_chain_bounds_what_a_reader_works_out():
    # offered <= identified: 3 identified, 2 offered shown, 1 attending of 2 offered...
    builder = CountsBuilder(["k"])
    for name, value in [("identified", 3), ("offered", 3), ("children", 40)]:
        builder.add((name,), value)
    builder.add_at_most(("offered",), ("identified",))
    builder.add_at_most(("identified",), ("children",))
    counts = builder.build()
    v = counts.frame["count"].to_numpy()
    # identified withheld, offered shown as 3: identified is 3 or more, up to 40
    assert feasible_ranges(v, [True, False, False], (), counts.at_most)[0] == (3.0, 40.0)
    hidden = counts.suppressed(5)
    assert hidden.tolist()[:2] == [True, True] and audit(counts, hidden, 5) == []


def test_zeros_are_never_withheld():
    rng = np.random.default_rng(7)
    for _ in range(10):
        counts = table_with_margins(rng.choice([0, 0, 1, 2, 3, 9, 15], size=(3, 4)))
        hidden = counts.suppressed(5)
        assert not (hidden & (counts.frame["count"] == 0).to_numpy()).any()


def test_a_count_tied_to_a_shown_one_takes_the_cheapest_set_that_protects_it():
    # t = a + c and t = b + c, with c = 0 shown: withholding a alone gives it away through
    # b and t, so both go with it (never the zero).
    builder = CountsBuilder(["k"])
    for name, value in [("a", 3), ("b", 3), ("c", 0), ("t", 3)]:
        builder.add((name,), value)
    builder.add_sum(("t",), [("a",), ("c",)])
    builder.add_sum(("t",), [("b",), ("c",)])
    counts = builder.build()
    hidden = counts.suppressed(5)
    assert hidden.tolist() == [True, True, False, True] and audit(counts, hidden, 5) == []


@pytest.mark.parametrize("seed", range(8))
def test_unprotected_agrees_with_every_range_computed_in_full(seed):
    # unprotected() skips the programmes that values already seen settle: its verdicts
    # must be those of the full ranges, on tables with margins and random hidden cells.
    rng = np.random.default_rng(seed)
    counts = table_with_margins(rng.integers(1, 9, size=(3, 4)))
    values = counts.frame["count"].to_numpy()
    hidden = rng.random(len(values)) < 0.45
    full = feasible_ranges(values, hidden, counts.sums)
    expected = sorted(p for p, (low, high) in full.items() if high - low < PROTECTION)
    assert unprotected(values, hidden, counts.sums, ()) == expected


def test_cells_write_hidden_and_missing_counts():
    frame = pd.DataFrame({"k": ["a", "b"], "count": [3, 40], "suppressed": [True, False]})
    cells = Cells(frame)
    assert (cells.text(("a",)), cells.text(("b",)), cells.text(("z",))) == ("[c]", "40", "—")
    assert (cells.value(("a",)), cells.csv(("a",)), cells.csv(("b",))) == (None, "[c]", 40)


def _draw_table(frame: pd.DataFrame) -> Table:
    view = frame.assign(count=[SUPPRESSED if h else str(c) for c, h in
                               zip(frame["count"], frame["suppressed"], strict=True)])  # fmt: skip
    return Table("t", "Counts", view[["k", "count"]], view[["k", "count"]])


def test_protected_tables_are_whole_for_the_board_and_suppressed_in_public():
    builder = CountsBuilder(["k"])
    builder.add(("a",), 2)
    builder.add(("b",), 12)
    item = Protected(builder.build(), _draw_table)
    board, public = item.for_profile("board", 5), item.for_profile("public", 5)
    assert board.data["count"].tolist() == ["2", "12"] and not board.notes
    assert public.data["count"].tolist() == ["[c]", "12"]
    assert "[c]: a count from 1 to 5 is not shown" in public.notes[0]
    assert item.for_profile("public", 1).data["count"].tolist() == ["2", "12"]


def test_protected_charts_carry_the_note_in_their_data_table():
    def draw(frame: pd.DataFrame) -> Chart:
        figure, _ = new_figure()
        return render(figure, "c", "Chart", "A chart.", _draw_table(frame))

    builder = CountsBuilder(["k"])
    builder.add(("a",), 2)
    chart = Protected(builder.build(), draw).for_profile("public", 5)
    assert chart.data.notes and chart.data.data["count"].tolist() == ["[c]"]


def test_the_audit_catches_primary_suppression_alone():
    counts = table_with_margins(np.array([[1, 9, 14], [7, 12, 30]]))
    primary = ((counts.frame["count"] >= 1) & (counts.frame["count"] <= 5)).to_numpy()
    assert audit(counts, primary, 5) == ["('0', '0') = 1 can be worked out (only 1 fits)"]


def test_a_public_table_says_how_many_of_its_figures_are_withheld():
    builder = CountsBuilder(["k"])
    for name, value in [("a", 2), ("b", 12), ("c", 0)]:
        builder.add((name,), value)
    item = Protected(builder.build(), _draw_table)
    public = item.for_profile("public", 5)
    assert withheld_cells(public) == (1, 3)
    assert "1 of the 3 figures in this table is withheld ([c])." in public.notes
    assert not item.for_profile("board", 5).notes
    assert withheld_note(12, 140) == "12 of the 140 figures in this table are withheld ([c])."
