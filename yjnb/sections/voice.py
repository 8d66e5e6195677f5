"""Voice of the child (feedback.csv) and quality assurance (audits.csv).

Survey answers are counts of children (and of parents, carers and victims) who answered:
they are suppressed in the public profile like every other count of people, each
question's answers adding up to the people who answered it. Audit grades describe the
service's practice, one grade per audit; they are shown whole in both profiles.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from yjnb.inputs.periods import period_label
from yjnb.present.charts import Chart, blank_figure, palette, render
from yjnb.present.shown import percent, percent_text, with_percent
from yjnb.present.suppress import SUPPRESSED, Cells, CountsBuilder, Protected
from yjnb.present.tables import Table

if TYPE_CHECKING:
    from yjnb.plan import Plan

TOTAL = "Total"
GRADES = ("Outstanding", "Good", "Requires improvement", "Inadequate")
FEEDBACK_SOURCE = "The service's feedback surveys (feedback.csv)"
AUDIT_SOURCE = "The service's audits of its casework (audits.csv)"


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


def audit_table(plan: Plan) -> Table | None:
    """Audit grades by audit: ``audits`` (None if there is no audits.csv)."""
    audits = plan.local.audits
    if audits is None or audits.empty:
        return None
    grades = [g for g in GRADES if g in set(audits["grade"])]
    grades += sorted(set(audits["grade"]) - set(GRADES))
    rows, records = [], []
    for audit, part in audits.groupby("audit", sort=False):
        first, last = part["date"].min().date(), part["date"].max().date()
        when = period_label(first, first) if first == last else period_label(first, last)
        row = {"Audit": audit, "Date": when}
        for grade in grades:
            count = int((part["grade"] == grade).sum())
            row[grade] = with_percent(f"{count:,}", percent_text(percent(count, len(part))))
            records.append(
                {
                    "audit": audit,
                    "date_from": first.isoformat(),
                    "date_to": last.isoformat(),
                    "grade": grade,
                    "count": count,
                    "total": len(part),
                    "percent": float(percent(count, len(part))),
                }
            )
        row["Audits"] = f"{len(part):,}"
        rows.append(row)
    view = pd.DataFrame(rows)
    return Table(
        id="audits",
        caption=f"Quality assurance: audit grades, {plan.config.name}",
        data=pd.DataFrame(records, dtype=object),
        view=view,
        numeric=(*grades, "Audits"),
        notes=(
            "Each audit of a child's case is graded once. Grades describe the service's "
            "practice, not the children, and are shown in full.",
        ),
        source=AUDIT_SOURCE,
        illustrative=plan.config.is_illustrative("audits"),
    )
