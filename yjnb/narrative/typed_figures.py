"""Pound amounts typed into narrative, checked against the budget table.

Narrative should quote budget figures through placeholders (``{{ budget.youth_justice_board.total
}}``), which cannot disagree with the table. Amounts typed as text can, and a published plan shows
how: a Youth Justice Board grant given in the text as another partner's figure. This check reads
each sentence, finds the partners it names and the amounts it types, and reports an amount that
is not the named partner's figure (a disagreement) or that is a budget figure typed by hand.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from yjnb.errors import InputError, Problem
from yjnb.inputs.plan_content import vocabulary
from yjnb.inputs.schemas import BUDGET_MONEY_COLUMNS, BUDGET_TOLERANCE
from yjnb.narrative.markdown import PLACEHOLDER_RE, read_narrative
from yjnb.sections.resources import agency_key, budget_years, money, rows_for, whose

if TYPE_CHECKING:
    from yjnb.plan import Plan

MONEY_RE = re.compile(r"£\s?\d[\d,]*(?:\.\d\d)?|\b\d{1,3}(?:,\d{3})+(?:\.\d\d)?\b")


def check_narrative_figures(plan: Plan) -> None:
    """Warn about pound amounts typed into narrative that a budget placeholder should quote.

    A typed amount in a sentence naming a partner (the Youth Justice Board grant, the council)
    that is not that partner's figure in the budget table is reported as a disagreement; any
    other typed budget figure is reported with the placeholder that would quote it.
    """
    year, _ = budget_years(plan.config, plan.local)
    if year is None:
        return
    current = rows_for(plan.local, year)
    for section in plan.sections:
        path = plan.workspace.narrative_file(plan.slug, section)
        shown = plan.workspace.shown(path)
        for problem in typed_figure_problems(path, shown, current):
            plan.warn(problem)


def typed_figure_problems(path: Path, shown: str, current: pd.DataFrame) -> list[Problem]:
    """Problems with the pound amounts typed into one narrative file (see above)."""
    try:
        text = read_narrative(path, shown)
    except InputError:
        return []  # an unreadable file is an error of its own, reported by its section
    if text is None:
        return []
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        for sentence in re.split(r"(?<=[.!?])\s+", PLACEHOLDER_RE.sub("", line)):
            named = [a for a in _agencies_named(sentence) if a in current.index]
            for match in MONEY_RE.finditer(sentence):
                amount = float(re.sub(r"[£,\s]", "", match[0]))
                problem = _typed_figure(shown, number, match[0], amount, named, current)
                if problem:
                    problems.append(problem)
    return problems


def _typed_figure(
    shown: str, row: int, typed: str, amount: float, named: list[str], current: pd.DataFrame
) -> Problem | None:
    owner = whose(current, amount)
    for agency in named:
        figures = current.loc[agency, [*BUDGET_MONEY_COLUMNS, "total"]]
        if any(abs(f - amount) <= BUDGET_TOLERANCE for f in figures if f):
            continue
        where = f"it is the table's figure for {owner}" if owner else "no line has it"
        return Problem(
            shown,
            f"a sentence about {agency} gives {typed}, but the budget table gives {agency} "
            f"{money(current.loc[agency, 'total'])} ({where})",
            row=row,
            value=typed,
            expected=f"{{{{ budget.{agency_key(agency)}.total }}}}",
            severity="warning",
        )
    if owner is None:
        return None
    agency = owner.split(" (")[0]
    return Problem(
        shown,
        f"{typed} is typed, not quoted: it will not follow the budget table if that changes",
        row=row,
        value=typed,
        expected=f"a placeholder such as {{{{ budget.{agency_key(agency)}.total }}}}",
        severity="warning",
    )


def _agencies_named(sentence: str) -> list[str]:
    words = vocabulary()["agency_words"]
    pairs = sorted(
        ((alias, agency) for agency, aliases in words.items() for alias in aliases),
        key=lambda pair: -len(pair[0]),
    )
    named, rest = [], sentence.casefold()
    for alias, agency in pairs:
        pattern = rf"\b{re.escape(alias)}\b"
        if re.search(pattern, rest):
            rest = re.sub(pattern, " ", rest)
            if agency not in named:
                named.append(agency)
    return named
