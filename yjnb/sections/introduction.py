"""Section 1, introduction: the local context (plan.yaml ``local_context``).

The population table beside it is :func:`yjnb.sections.comparisons.population_table`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from yjnb.inputs.periods import period_label
from yjnb.present.tables import Table
from yjnb.sections.common import (
    content_table,
    plan_problem,
)
from yjnb.sections.comparisons import plan_start, reported

if TYPE_CHECKING:
    from yjnb.plan import Plan


def local_context_table(plan: Plan) -> Table:
    """The 10-17 population as published and as local documents state it, and other figures.

    A stated population that differs from the published one is reported as a data note:
    the published figure is the one every rate in the plan uses.
    """
    counts = plan.national.counts
    rows = []
    published = counts[
        (counts["area_code"] == plan.config.area_code) & (counts["measure"] == "population_10_17")
    ]
    published = reported(published, plan_start(plan.config)).sort_values("period_end")
    pub_value = None
    if not published.empty:
        latest = published.iloc[-1]
        pub_value = float(latest["value"])
        period = period_label(latest["period_start"], latest["period_end"])
        rows.append(
            {
                "figure": f"Children aged 10 to 17 ({period}, used for rates in this plan)",
                "value": f"{pub_value:,.0f}",
                "source": latest["source"],
            }
        )
    context = plan.config.local_context
    for i, stated in enumerate(context.population_10_17 if context else ()):
        rows.append(
            {
                "figure": "Children aged 10 to 17, as stated locally",
                "value": f"{stated.value:,.0f}",
                "source": stated.source,
            }
        )
        if pub_value is not None and abs(stated.value - pub_value) >= 0.5:
            plan.warn(
                plan_problem(
                    plan,
                    f"the 10-17 population stated in {stated.source} differs from the "
                    f"published figure every rate uses ({pub_value:,.0f}, {period}) by "
                    f"{stated.value - pub_value:+,.0f}",
                    f"local_context.population_10_17.{i}.value",
                    value=f"{stated.value:,.0f}",
                    expected=f"{pub_value:,.0f}, or a note of why the figures differ",
                )
            )
    for fact in context.facts if context else ():
        rows.append({"figure": fact.label, "value": fact.value, "source": fact.source})
    columns = {"figure": "Figure", "value": "Value", "source": "Source"}
    table = content_table(
        plan,
        "local_context",
        "Local context",
        "local_context",
        rows,
        columns,
        numeric=["value"],
        block=context,
    )
    # The published population is national data, so only stated figures can be invented.
    return table if context else replace(table, illustrative=False)
