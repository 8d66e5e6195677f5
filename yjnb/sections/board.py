"""KPI 8, management board attendance, from board_attendance.csv.

The YJB counts attendance by the senior partners of the management board: a partner who
sent a deputy is counted as attending, as the YJB guidance allows, and is shown as such.
These are counts of partner places at meetings, not of children, so they are not
suppressed in the public profile.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from yjnb.errors import in_words
from yjnb.inputs.periods import period_label
from yjnb.inputs.schemas import BOARD_STATUSES
from yjnb.present.charts import Chart, new_figure, palette, render
from yjnb.present.shown import percent, percent_text, with_percent
from yjnb.present.suppress import Cells, CountsBuilder
from yjnb.present.tables import Table
from yjnb.sections.kpis import Periods, figure, kpi_periods, quarter_before, quarter_of

if TYPE_CHECKING:
    from yjnb.plan import Plan

KPI = "board_attendance"
TITLE = "KPI 8 Management board attendance"
SOURCE = "The service's record of board meetings (board_attendance.csv)"
STATUS_WORDS = {
    "present": "Present",
    "deputy": "Deputy attended",
    "apologies": "Apologies sent",
    "absent": "Absent",
    "not_recorded": "Not recorded",
}
ATTENDED = ("present", "deputy")
ATTENDED_LABEL = "Attended (in person or by deputy)"
COUNTED = (
    "Partner places at management board meetings in the quarter: each partner at each "
    "meeting counts once. A deputy sent by a partner counts as attending."
)


def _meetings(plan: Plan) -> tuple[pd.DataFrame, Periods]:
    """The year's meetings (all of them if none is in the KPI year) and their quarters."""
    board = plan.local.board_attendance
    year = kpi_periods(plan.local.kpis, plan.config.year).year
    if board is None or board.empty:
        return pd.DataFrame(columns=["meeting_date", "partner", "status", "period"]), Periods(
            year, (), {}
        )
    board = board.assign(period=[quarter_of(d) for d in board["meeting_date"]])
    in_year = board[board["period"].str.startswith(year + " ")]
    rows = in_year if not in_year.empty else board
    quarters = tuple(sorted(set(rows["period"])))
    present = set(board["period"])
    previous = {q: quarter_before(q) for q in quarters if quarter_before(q) in present}
    wanted = set(quarters) | set(previous.values())
    return board[board["period"].isin(wanted)], Periods(year, quarters, previous)


def _cells(board: pd.DataFrame, periods: Periods) -> Cells:
    # Partner places by status, quarter and year, as KPI figures (never suppressed).
    builder = CountsBuilder(("kpi", "period", "cohort", "measure", "category"))
    for period, part in board.groupby("period"):
        places = part["status"].value_counts()
        for status in (*BOARD_STATUSES, "attended"):
            count = places.reindex(ATTENDED).sum() if status == "attended" else places.get(status)
            builder.add((KPI, period, "all", "status", status), int(count or 0))
        builder.add((KPI, period, "all", "status", "Total"), len(part))
    year = board[board["period"].isin(periods.quarters)]
    if not year.empty:
        places = year["status"].value_counts()
        for status in (*BOARD_STATUSES, "attended"):
            count = places.reindex(ATTENDED).sum() if status == "attended" else places.get(status)
            builder.add((KPI, periods.year, "all", "status", status), int(count or 0))
        builder.add((KPI, periods.year, "all", "status", "Total"), len(year))
    return Cells(builder.build().frame.assign(suppressed=False))


def board_summary(plan: Plan) -> dict[str, dict] | None:
    """Attendance for the latest quarter and the year, as KPI figures; None without data."""
    board, periods = _meetings(plan)
    if not periods.quarters:
        return None
    cells = _cells(board, periods)
    latest = periods.quarters[-1]
    return {
        "latest_period": latest,
        "year_period": periods.year,
        "latest": _figure(cells, (KPI, latest, "all", "status", "attended"), periods, latest),
        "year": _figure(cells, (KPI, periods.year, "all", "status", "attended"), periods, None),
    }


def board_kpi_table(plan: Plan) -> Table:
    """Partner places at board meetings by status, quarter and year: ``kpi_board_attendance``."""
    board, periods = _meetings(plan)
    cells = _cells(board, periods)
    records, view = [], []
    # Not recorded is a row only where some attendance was not recorded.
    statuses = [s for s in BOARD_STATUSES if s != "not_recorded" or s in set(board["status"])]
    for status in (*statuses, "attended", "Total"):
        label = STATUS_WORDS.get(status, ATTENDED_LABEL if status == "attended" else "All places")
        row = {"Status": label}
        for period in [*periods.quarters, periods.year]:
            key = (KPI, period, "all", "status", status)
            shown = _figure(cells, key, periods, period)
            share = percent_text(shown["percent"]) if status != "Total" else ""
            row[f"{period} (year)" if period == periods.year else period] = with_percent(
                shown["count_text"], share
            )
            if period in periods.previous:
                row[f"Change to {period}"] = shown["change_text"]
            records.append(
                {
                    "period": period,
                    "kpi": KPI,
                    "cohort": "all",
                    "measure": "status",
                    "category": status,
                    "count": shown["count"],
                    "total": shown["total"],
                    "percent": None if shown["percent"] is None else float(shown["percent"]),
                    "previous_period": shown["previous_period"],
                    "previous_count": shown["previous_count"],
                    "change": shown["change"],
                    "change_in_words": shown["change_text"] if shown["previous_period"] else None,
                }
            )
        view.append(row)
    view_frame = pd.DataFrame(view)
    return Table(
        id=f"kpi_{KPI}",
        caption=f"{TITLE}: {plan.config.name}, partner places by quarter, {periods.year}",
        data=pd.DataFrame(records, dtype=object),
        view=view_frame,
        numeric=tuple(view_frame.columns[1:]),
        notes=(COUNTED, "Percentages are of all partner places at the quarter's meetings."),
        source=SOURCE,
        illustrative=plan.config.is_illustrative("board_attendance"),
    )


def board_attendance_table(plan: Plan) -> Table:
    """Each partner at each meeting, status in words: ``board_attendance``."""
    board, periods = _meetings(plan)
    board = board[board["period"].isin(periods.quarters)]
    dates = sorted(set(board["meeting_date"]))
    partners = list(dict.fromkeys(board["partner"]))
    status = board.set_index(["partner", "meeting_date"])["status"]
    rows = []
    for partner in partners:
        row = {"Partner": partner}
        for date in dates:
            found = status.get((partner, date))
            row[_day(date)] = STATUS_WORDS.get(found, "Not a member") if found else "Not recorded"
        mine = board[board["partner"] == partner]
        attended = int(mine["status"].isin(ATTENDED).sum())
        share = percent_text(percent(attended, len(mine)))
        row["Meetings attended"] = f"{attended} of {len(mine)} ({share})"
        rows.append(row)
    view = pd.DataFrame(rows, columns=["Partner", *map(_day, dates), "Meetings attended"])
    data = board.assign(
        meeting_date=[d.date().isoformat() for d in board["meeting_date"]],
        attended=board["status"].isin(ATTENDED),
    )[["meeting_date", "period", "partner", "status", "attended"]]
    return Table(
        id="board_attendance",
        caption=f"{TITLE}: {plan.config.name}, each partner at each meeting, {periods.year}",
        data=data.reset_index(drop=True),
        view=view,
        numeric=("Meetings attended",),
        notes=(COUNTED,),
        source=SOURCE,
        illustrative=plan.config.is_illustrative("board_attendance"),
    )


def board_chart(plan: Plan) -> Chart:
    """Share of meetings each partner attended in the year, as a bar chart."""
    board, periods = _meetings(plan)
    board = board[board["period"].isin(periods.quarters)]
    partners = list(dict.fromkeys(board["partner"]))
    shares = []
    for partner in partners:
        mine = board[board["partner"] == partner]
        shares.append((int(mine["status"].isin(ATTENDED).sum()), len(mine)))
    shown = [percent(a, n) or Decimal("0.0") for a, n in shares]  # as tables show them
    values = [float(share) for share in shown]
    fig, axes = new_figure(8, max(2.5, 0.45 * len(partners) + 1))
    positions = np.arange(len(partners))[::-1]
    axes.barh(positions, values, color=palette("categorical")[0])
    for y, share, (a, n) in zip(positions, shown, shares, strict=True):
        axes.text(float(share) + 1, y, f"{share}% ({a} of {n})", va="center", fontsize=9)
    axes.set_yticks(positions, partners, fontsize=9)
    axes.set_xlim(0, 135)
    axes.set_xticks(range(0, 101, 20))
    axes.set_xlabel("Meetings attended in person or by deputy (%)")
    axes.grid(axis="x", color="#d9d9d9", linewidth=0.8)
    axes.grid(axis="y", visible=False)
    data = pd.DataFrame(
        {
            "partner": partners,
            "meetings_attended": [a for a, _ in shares],
            "meetings": [n for _, n in shares],
            "percent": values,
        }
    )
    table = Table(
        id="board_attendance_chart",
        caption=f"Meetings each partner attended, {plan.config.name}, {periods.year}",
        data=data,
        view=pd.DataFrame(
            {
                "Partner": partners,
                "Meetings attended": [f"{a} of {n}" for a, n in shares],
                "Percentage": [percent_text(share) for share in shown],
            }
        ),
        numeric=("Meetings attended", "Percentage"),
        source=SOURCE,
        illustrative=plan.config.is_illustrative("board_attendance"),
    )
    alt = f"Bar chart of the share of {periods.year} board meetings each of {len(partners)} "
    alt += "partners attended in person or by deputy"
    if partners:
        every = [p for p, v in zip(partners, shown, strict=True) if v == 100]
        lowest = min(shown)
        least = [p for p, v in zip(partners, shown, strict=True) if v == lowest]
        alt += f". {len(every)} attended every meeting; the lowest, {lowest}%, was "
        alt += f"{in_words(least)}."
    title = f"{TITLE}: meetings attended by each partner, {periods.year}"
    return render(fig, "board_attendance", title, alt, table)


def _figure(cells: Cells, key: tuple, periods: Periods, period: str | None) -> dict:
    # Places by status are shares of all places; "attended" overlaps present and deputy.
    return figure(cells, key, periods.previous.get(period), exclusive=key[-1] != "Total")


def _day(date: pd.Timestamp) -> str:
    return period_label(date.date(), date.date())
