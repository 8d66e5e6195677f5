"""Placeholder values from structured content and the budget, for narrative to quote.

Every figure here comes from the same computed tables the sections show, so narrative that
quotes ``{{ budget.total }}`` or ``{{ progress.achieved }}`` cannot disagree with them.
``yjnb placeholders SLUG`` lists these names with one authority's values.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

from yjnb import reuse
from yjnb.inputs.config import PlanConfig
from yjnb.inputs.load import LocalData, load_local
from yjnb.inputs.plan_content import vocabulary
from yjnb.inputs.schemas import BUDGET_MONEY_COLUMNS
from yjnb.narrative.markdown import NOT_AVAILABLE
from yjnb.paths import Workspace
from yjnb.sections.common import long_date, percent
from yjnb.sections.resources import (
    COLUMN_LABELS,
    STANDARD_AGENCIES,
    agency_key,
    budget_years,
    money,
    rows_for,
)
from yjnb.sections.risks import risk_rating


@reuse.by_identity
def content_values(config: PlanConfig, local: LocalData) -> dict[str, str]:
    """Every content and budget placeholder with its display value for one authority."""
    values = dict.fromkeys(content_names(config, local), NOT_AVAILABLE)
    values |= budget_values(config, local)
    values |= _structured_values(config)
    return values


def content_names(
    config: PlanConfig | None = None, local: LocalData | None = None
) -> dict[str, str]:
    """Content and budget placeholder names with what each means.

    Budget names cover the YJB's standard agencies, and every other agency in the
    authority's budget.csv when ``local`` is given.
    """
    agencies = list(STANDARD_AGENCIES)
    if local is not None and local.budget is not None:
        agencies += [a for a in dict.fromkeys(local.budget["agency"]) if a not in agencies]
    return budget_names(agencies) | STRUCTURED_NAMES


STRUCTURED_NAMES = {
    "board.members": "number of management board members",
    "board.chair": "name of the board's chair",
    "board.meets": "how often the board meets",
    "progress.year": "year of the previous plan",
    "progress.objectives": "number of objectives in the previous plan",
    "progress.actions": "number of actions in the previous plan",
    **{
        f"progress.{key.replace(' ', '_')}": f"number of last year's actions {key}"
        for key in ("achieved", "on track", "at risk", "not achieved")
    },
    **{
        f"progress.{key.replace(' ', '_')}_percent": f"share of last year's actions {key}, %"
        for key in ("achieved", "on track", "at risk", "not achieved")
    },
    "risks.count": "number of risks in the register",
    "risks.high": "number of risks rated high",
    "workforce.posts": "number of staff posts",
    "workforce.fte": "full-time equivalent of all staff posts",
    "workforce.volunteers": "number of volunteers",
    "workforce.training_delivered": "number of training courses delivered last year",
    "workforce.training_planned": "number of training courses planned",
    "priorities.local": "number of local priorities for the coming year",
    "priorities.national_addressed": "number of national priority areas the plan addresses",
    "priorities.national_areas": "number of national priority areas (11)",
    "service_development.objectives": "number of service development objectives",
    "service_development.actions": "number of service development actions",
    "sign_off.name": "name of the chair who signed the plan off",
    "sign_off.role": "role of the chair who signed the plan off",
    "sign_off.date": "date the plan was signed off",
    "sign_off.approved_by": "who approved the plan",
}


def _structured_values(config: PlanConfig) -> dict[str, str]:
    values: dict[str, str] = {}
    if config.board:
        values["board.members"] = str(len(config.board.members))
        chair = next((m for m in config.board.members if m.chair), None)
        if chair and chair.name:
            values["board.chair"] = chair.name
        if config.board.meets:
            values["board.meets"] = config.board.meets
    if config.previous_priorities:
        block = config.previous_priorities
        actions = [a for o in block.objectives for a in o.actions]
        start = int(config.year[:4]) - 1
        values["progress.year"] = block.year or f"{start}-{(start + 1) % 100:02d}"
        values["progress.objectives"] = str(len(block.objectives))
        values["progress.actions"] = str(len(actions))
        for status in vocabulary()["statuses"]:
            key = status.replace(" ", "_")
            count = sum(a.status == status for a in actions)
            values[f"progress.{key}"] = str(count)
            values[f"progress.{key}_percent"] = percent(count, len(actions))
    if config.risks:
        entries = config.risks.entries
        values["risks.count"] = str(len(entries))
        values["risks.high"] = str(
            sum(risk_rating(r.likelihood, r.impact) == "High" for r in entries)
        )
    if config.workforce:
        block = config.workforce
        values["workforce.posts"] = str(sum(p.posts for p in block.staff))
        values["workforce.fte"] = f"{sum(p.full_time_equivalent for p in block.staff):,.1f}"
        if block.volunteers is not None:
            values["workforce.volunteers"] = str(block.volunteers)
        values["workforce.training_delivered"] = str(len(block.training_delivered))
        values["workforce.training_planned"] = str(len(block.training_planned))
    areas = vocabulary()["national_priorities"]
    values["priorities.national_areas"] = str(len(areas))
    if config.priorities:
        national = config.priorities.national
        values["priorities.local"] = str(len(config.priorities.local))
        values["priorities.national_addressed"] = str(
            sum(getattr(national, key) is not None for key in areas)
        )
    if config.service_development:
        objectives = config.service_development.objectives
        values["service_development.objectives"] = str(len(objectives))
        values["service_development.actions"] = str(sum(len(o.actions) for o in objectives))
    if config.sign_off:
        block = config.sign_off
        values["sign_off.name"] = block.name
        values["sign_off.role"] = block.role
        values["sign_off.date"] = long_date(block.date)
        if block.approved_by:
            values["sign_off.approved_by"] = block.approved_by
    return values


def budget_values(config: PlanConfig, local: LocalData) -> dict[str, str]:
    """Placeholder values for the budget (money as '£401,233', shares as '36.5%')."""
    year, previous = budget_years(config, local)
    if year is None:
        return {}
    current = rows_for(local, year)
    grand = float(current["total"].sum())
    values = {"budget.year": year, "budget.total": money(grand)}
    for column in BUDGET_MONEY_COLUMNS:
        values[f"budget.{column}"] = money(float(current[column].sum()))
    before = rows_for(local, previous) if previous else None
    if before is not None:
        was = float(before["total"].sum())
        values |= {
            "budget.previous_year": previous,
            "budget.previous_total": money(was),
            "budget.change": _signed(grand - was),
            "budget.change_percent": percent(grand - was, was),
        }
    money_columns = [*BUDGET_MONEY_COLUMNS, "total"]
    lines = current[money_columns].groupby(agency_key, sort=False).sum()
    was_lines = None if before is None else before[money_columns].groupby(agency_key).sum()
    for name, row in lines.iterrows():
        key = f"budget.{name}"
        for column in money_columns:
            values[f"{key}.{column}"] = money(float(row[column]))
        values[f"{key}.share"] = percent(float(row["total"]), grand)
        if was_lines is not None and name in was_lines.index:
            values[f"{key}.change"] = _signed(float(row["total"] - was_lines.loc[name, "total"]))
    return values


def _signed(amount: float) -> str:
    return ("+" if amount > 0 else "-" if amount < 0 else "") + money(abs(amount))


def budget_names(agencies: Iterable[str] = STANDARD_AGENCIES) -> dict[str, str]:
    """Budget placeholder names with what each means."""
    names = {
        "budget.year": "year of the budget table (the plan year where budget.csv has it)",
        "budget.total": "total of all partner contributions",
        "budget.previous_year": "the year before, where budget.csv has it",
        "budget.previous_total": "total of all contributions the year before",
        "budget.change": "change in the total from the year before",
        "budget.change_percent": "change in the total from the year before, %",
    }
    for column in BUDGET_MONEY_COLUMNS:
        names[f"budget.{column}"] = f"{COLUMN_LABELS[column].lower()}, all partners"
    for agency in agencies:
        key = f"budget.{agency_key(agency)}"
        for column, label in COLUMN_LABELS.items():
            names[f"{key}.{column}"] = f"{agency}: {label.lower()}"
        names[f"{key}.share"] = f"{agency}: share of the total, %"
        names[f"{key}.change"] = f"{agency}: change in total from the year before"
    return names


def authority_placeholders(workspace: Workspace, slug: str) -> dict[str, tuple[str, str]]:
    """Every placeholder one authority's narrative may use: name -> (value, meaning).

    Raises
    ------
    InputError
        If the authority's inputs cannot be read (``yjnb validate`` lists why).
    """
    from yjnb.inputs.config import load_plan
    from yjnb.inputs.load import load_national
    from yjnb.narrative.placeholders import describe, placeholder_values
    from yjnb.sections.comparisons import compare_authority

    config = load_plan(workspace.params_dir, slug)
    national = load_national(workspace.data_dir)
    local = load_local(workspace.data_dir, slug, national, config)
    comparison = compare_authority(config, national)
    values = placeholder_values(config, national, comparison) | content_values(config, local)
    meanings = describe() | content_names(config, local)
    return {name: (values.get(name, NOT_AVAILABLE), meanings.get(name, "")) for name in values}


def narrative_names(workspace: Workspace, slug: str, config: PlanConfig) -> dict[str, str]:
    """Content placeholder names for one authority, without loading its inputs.

    Budget names follow the agencies in its budget.csv, read as written.
    """
    path = workspace.data_dir / "local" / slug / "budget.csv"
    agencies: list[str] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            agencies = [row.get("agency") or "" for row in csv.DictReader(handle)]
    except (OSError, UnicodeDecodeError, csv.Error):
        pass  # reported by the loader's own checks
    own = [a for a in agencies if a and a.casefold() != "total"]
    names = budget_names([*STANDARD_AGENCIES, *own])
    return names | STRUCTURED_NAMES
