"""Plan.show and Plan.export draw local counts once per profile: whole, then suppressed."""

import pytest

import yjnb
from yjnb import plan as plan_module
from yjnb.plan import TABLE_MIME


@pytest.fixture
def shown(monkeypatch):
    outputs = []
    monkeypatch.setattr(plan_module, "_display", lambda data, meta: outputs.append((data, meta)))
    return outputs


@pytest.fixture(scope="module")
def plan():
    return yjnb.open_plan("trafford", profiles=["board", "public"])


def tables_by_profile(outputs):
    return {
        meta["yjnb"]["profile"]: data[TABLE_MIME]
        for data, meta in outputs
        if TABLE_MIME in data and "yjnb" in meta
    }


def test_show_emits_the_board_table_whole_and_the_public_one_suppressed(plan, shown):
    plan.show(yjnb.kpi_table(plan, "accommodation"))
    found = tables_by_profile(shown)
    assert set(found) == {"board", "public"}
    assert found["board"]["id"] == found["public"]["id"] == "kpi_accommodation"
    assert "[c]" not in found["board"]["csv"] and "[c]" in found["public"]["csv"]
    public_html = next(d["text/html"] for d, m in shown if m["yjnb"]["profile"] == "public")
    assert "[c]" in public_html and "is not shown, to protect the children" in public_html


def test_show_takes_a_list_in_order(plan, shown):
    plan.show(yjnb.kpi_section(plan, "victims"))
    board = [d for d, m in shown if m["yjnb"]["profile"] == "board"]
    # The KPI's heading first, with the id a contents list links to, then its chart and table.
    assert board[0]["text/html"] == '<h3 id="kpi-victims">KPI 10 Victims</h3>'
    assert TABLE_MIME not in board[0]
    assert [d[TABLE_MIME]["id"] for d in board[1:]] == ["kpi_victims_chart", "kpi_victims"]


def test_export_of_local_counts_is_suppressed_in_public(plan, shown):
    plan.export(yjnb.kpi_table(plan, "send"))
    assert all(m["yjnb"]["export_only"] for _, m in shown)
    found = tables_by_profile(shown)
    assert "[c]" not in found["board"]["csv"] and "[c]" in found["public"]["csv"]


def test_national_tables_are_the_same_in_both_profiles(plan, shown):
    plan.show(yjnb.indicators_table(plan.indicators))
    found = tables_by_profile(shown)
    assert found["board"]["csv"] == found["public"]["csv"]
