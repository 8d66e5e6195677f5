"""Section 15, the performance appendix: the KPIs, the cohort, and the voice of the child.

Each builder returns what one notebook cell shows, in order: a list, empty when the input file
it needs is absent (every local file but kpis.csv is optional). The headlines above them are
:func:`yjnb.sections.kpi_summary.kpi_headlines`.

Survey answers (feedback.csv) are counts of children (and of parents, carers and victims) who
answered: they are suppressed in the public profile like every other count of people, each
question's answers adding up to the people who answered it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from yjnb.present.charts import Chart, blank_figure, palette, render
from yjnb.present.headings import Heading
from yjnb.present.shown import percent, percent_text, with_percent
from yjnb.present.suppress import SUPPRESSED, Cells, CountsBuilder, Protected
from yjnb.present.tables import Table
from yjnb.sections.cohort import cohort_profile, cohort_summary
from yjnb.sections.disproportionality import disproportionality_table
from yjnb.sections.governance import KPI as BOARD_KPI
from yjnb.sections.governance import TITLE as BOARD_TITLE
from yjnb.sections.governance import board_attendance_table, board_chart, board_kpi_table
from yjnb.sections.kpi_charts import kpi_chart
from yjnb.sections.kpi_tables import kpi_table
from yjnb.sections.kpis import kpi_spec

if TYPE_CHECKING:
    from yjnb.plan import Plan, Shown

TOTAL = "Total"
FEEDBACK_SOURCE = "The service's feedback surveys (feedback.csv)"


def kpi_section(plan: Plan, kpi: str) -> list[Shown]:
    """One KPI's heading (id ``kpi-<kpi>``), chart and table(s); ``board_attendance`` for KPI 8.

    Parameters
    ----------
    plan
        The open plan.
    kpi
        A kpi of kpis.csv (``accommodation`` ... ``victims``) or ``board_attendance``.
    """
    if kpi == BOARD_KPI:
        if plan.local.board_attendance is None:
            return []
        heading = Heading(BOARD_TITLE, kpi_anchor(kpi))
        return [heading, board_chart(plan), board_attendance_table(plan), board_kpi_table(plan)]
    spec = kpi_spec(kpi)  # an unknown kpi is a mistake in the notebook, not missing data
    if not (plan.local.kpis["kpi"] == kpi).any():
        return []
    return [Heading(spec.name, kpi_anchor(kpi)), kpi_chart(plan, kpi), kpi_table(plan, kpi)]


def kpi_anchor(kpi: str) -> str:
    """The id of a KPI's heading, for links: ``kpi-accommodation``, ``kpi-board_attendance``."""
    return f"kpi-{kpi}"


def cohort_section(plan: Plan) -> list[Shown]:
    """The cohort summary and profile, then disproportionality (needs cohort.csv)."""
    if plan.local.cohort is None:
        return []
    return [cohort_summary(plan), cohort_profile(plan), disproportionality_table(plan)]


def feedback_charts(plan: Plan) -> list[Protected]:
    """One chart per survey: each question's answers, with counts and percentages."""
    feedback = plan.local.feedback
    if feedback is None or feedback.empty:
        return []
    builder = CountsBuilder(("survey", "question", "response"))
    for row in feedback[["survey", "question", "response", "count"]].itertuples(index=False):
        builder.add((row.survey, row.question, row.response), row.count)
    for (survey, question), part in feedback.groupby(["survey", "question"], sort=False):
        total = (survey, question, TOTAL)
        builder.add(total, part["count"].sum())
        builder.add_sum(total, [(survey, question, r) for r in part["response"]])
    counts = builder.build()
    illustrative = plan.config.is_illustrative("feedback")
    return [
        Protected(counts, functools.partial(_draw_survey, survey=survey, number=i,
                                            name=plan.config.name, illustrative=illustrative))
        for i, survey in enumerate(dict.fromkeys(feedback["survey"]), start=1)
    ]  # fmt: skip


def _draw_survey(
    frame: pd.DataFrame, survey: str, number: int, name: str, illustrative: bool
) -> Chart:
    cells = Cells(frame)
    mine = frame[(frame["survey"] == survey) & (frame["response"] != TOTAL)]
    questions = list(dict.fromkeys(mine["question"]))
    records, view, alt_parts = [], [], []
    heights = [len(mine[mine["question"] == q]) + 1.6 for q in questions]
    fig = blank_figure(8, max(2.5, 0.32 * sum(heights)))
    grid = fig.add_gridspec(len(questions), 1, height_ratios=heights)
    colour = palette("categorical")[0]
    for i, question in enumerate(questions):
        axes = fig.add_subplot(grid[i])
        responses = list(mine.loc[mine["question"] == question, "response"])
        total_key = (survey, question, TOTAL)
        shown_parts = []
        positions = np.arange(len(responses))[::-1]
        for y, response in zip(positions, responses, strict=True):
            key = (survey, question, response)
            count = cells.value(key)
            hidden = cells.hidden(key) or cells.hidden(total_key)
            share = percent(count, cells.value(total_key))
            text = with_percent(cells.text(key), percent_text(share, hidden))
            if share is not None and not hidden:
                axes.barh(y, float(share), color=colour)
            axes.text((float(share) if share is not None and not hidden else 0) + 1, y, text,
                      va="center", fontsize=8)  # fmt: skip
            shown_parts.append(f"{response} {'not shown (small numbers)' if hidden else text}")
            records.append(
                {
                    "survey": survey,
                    "question": question,
                    "response": response,
                    "count": cells.csv(key),
                    "total": cells.csv(total_key),
                    "percent": SUPPRESSED if hidden else (None if share is None else float(share)),
                }
            )
            view.append({"Question": question, "Answer": response, "People (share)": text})
        axes.set_yticks(positions, responses, fontsize=8)
        axes.set_xlim(0, 125)
        axes.set_xticks(range(0, 101, 25) if i == len(questions) - 1 else [])
        axes.spines[["top", "right"]].set_visible(False)
        answered = cells.text(total_key)
        axes.set_title(f"{question} ({answered} answered)", fontsize=9, loc="left")
        alt_parts.append(f"{question} ({answered} answered): " + ", ".join(shown_parts))
    fig.axes[-1].set_xlabel("Percentage of those who answered the question")
    title = f"Voice of the child: {survey}"
    alt = f"Bar charts of the answers to {len(questions)} questions of the {survey}. "
    alt += "; ".join(alt_parts) + "."
    table = Table(
        id=f"feedback_{number}",
        caption=f"Answers to the {survey}, {name}",
        data=pd.DataFrame(records, dtype=object),
        view=pd.DataFrame(view),
        numeric=("People (share)",),
        notes=("Percentages are of the people who answered each question.",),
        source=FEEDBACK_SOURCE,
        illustrative=illustrative,
    )
    return render(fig, f"feedback_{number}", title, alt, table)
