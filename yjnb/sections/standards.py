"""Section 12, standards for children: quality assurance (audits.csv).

Audit grades describe the service's practice, one grade per audit; they are shown whole in
both profiles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from yjnb.inputs.periods import period_label
from yjnb.present.shown import percent, percent_text, with_percent
from yjnb.present.tables import Table

if TYPE_CHECKING:
    from yjnb.plan import Plan, Shown

GRADES = ("Outstanding", "Good", "Requires improvement", "Inadequate")
AUDIT_SOURCE = "The service's audits of its casework (audits.csv)"


def standards_section(plan: Plan) -> list[Shown]:
    """Audit grades (needs audits.csv)."""
    table = audit_table(plan)
    return [] if table is None else [table]


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
