"""The structured content of plan.yaml: one model per plan section that has any.

Every key is optional, and every model refuses keys it does not know (they are usually typos),
so a malformed entry is reported with plan.yaml's line and the key's full path (for example
``risks.register.2.likelihood``). The schema is documented for people in docs/plan-yaml.md.
The fixed wording the sections use (Child First principles, national priority areas, status
labels) is data: yjnb/plan_content.yaml.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from yjnb.paths import PACKAGE_DIR

Status = Literal["achieved", "on track", "at risk", "not achieved"]
Level = Literal["low", "medium", "high"]
BudgetColumn = Literal["staffing_costs", "payments_in_kind", "other_delegated_funds"]


@cache
def vocabulary() -> dict[str, Any]:
    """The fixed wording of yjnb/plan_content.yaml."""
    return yaml.safe_load((PACKAGE_DIR / "plan_content.yaml").read_text(encoding="utf-8"))


def _words(value: Any) -> Any:
    # "On track", "on_track" and "ON TRACK" all mean the same status.
    return value.strip().lower().replace("_", " ") if isinstance(value, str) else value


def _as_list(value: Any) -> Any:
    # One item may be written without the list brackets.
    return [value] if isinstance(value, str) else value


def _text_as(key: str):
    # A plain string stands for a mapping with only its main key, e.g. "AIM3" -> {course: AIM3}.
    return BeforeValidator(lambda value: {key: value} if isinstance(value, str) else value)


class Entry(BaseModel):
    """Base of every plan.yaml model: unknown keys refused, values fixed once read."""

    # A year or a count written where text is expected ("when: 2023") is taken as text.
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class Block(Entry):
    """A section's content: its entries, plus notes printed under its tables."""

    notes: list[str] = Field(
        default_factory=list, description="Notes printed under this section's tables."
    )


# -- 1. Introduction: local context --------------------------------------------------------


class StatedFigure(Entry):
    """A figure as some document states it (checked against the published national figure)."""

    value: float = Field(ge=0, description="The figure as stated.")
    source: str = Field(description="Where it is stated, e.g. 'JSNA 2024'.")


class Fact(Entry):
    """One line of the local context table."""

    label: str = Field(description="What the figure is, e.g. 'Children in care'.")
    value: str = Field(description="The figure as it should be shown, e.g. '247' or '4.1%'.")
    source: str | None = Field(default=None, description="Where it comes from.")

    @field_validator("value", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        return f"{value:,}" if isinstance(value, int | float) else value


class LocalContext(Block):
    """Section 1: local figures quoted in the plan."""

    population_10_17: list[StatedFigure] = Field(
        default_factory=list,
        description="The 10-17 population as local documents state it; each is checked "
        "against the published figure in data/national/counts.csv.",
    )
    facts: list[Fact] = Field(default_factory=list, description="Other local context figures.")

    @field_validator("population_10_17", mode="before")
    @classmethod
    def _one_figure(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value


# -- 2. Governance ---------------------------------------------------------------------------


class BoardMember(Entry):
    """A member of the management board."""

    organisation: str = Field(description="The partner organisation.")
    role: str = Field(description="The member's role or job title.")
    name: str | None = Field(default=None, description="The member's name (optional).")
    chair: bool = Field(default=False, description="true for the board's chair.")
    partner: str | None = Field(
        default=None,
        description="The partner's name in board_attendance.csv, where it differs from "
        "organisation.",
    )


class Board(Block):
    """Section 2: the management board."""

    meets: str | None = Field(default=None, description="How often, e.g. 'quarterly'.")
    members: list[BoardMember] = Field(default_factory=list)

    @field_validator("members")
    @classmethod
    def _one_chair(cls, members: list[BoardMember]) -> list[BoardMember]:
        chairs = [m.organisation for m in members if m.chair]
        if len(chairs) > 1:
            raise ValueError(f"at most one member with chair: true (found {len(chairs)})")
        return members


# -- 3. Progress on the previous plan ---------------------------------------------------------


class PreviousAction(Entry):
    """One action of last year's plan and how it went."""

    action: str = Field(description="The action as last year's plan put it.")
    status: Annotated[Status, BeforeValidator(_words)] = Field(
        description="achieved, on track, at risk or not achieved."
    )
    progress: str | None = Field(default=None, description="What happened, in a sentence.")


class PreviousObjective(Entry):
    """One objective of last year's plan."""

    title: str
    actions: list[Annotated[PreviousAction, _text_as("action")]] = Field(min_length=1)


class PreviousPriorities(Block):
    """Section 3: last year's objectives, each action with its status."""

    year: str | None = Field(default=None, description="The previous plan's year, e.g. 2023-24.")
    objectives: list[PreviousObjective] = Field(default_factory=list)


# -- 3. Local performance baseline (the service's own dashboard) ----------------------------


class DisposalCount(Entry):
    """Children counted under one disposal (a row named Total is checked, not shown)."""

    disposal: str
    children: int = Field(ge=0)


class RateComparison(Entry):
    """A rate (%) for one group this year and last year, as the service records it."""

    group: str
    this_year: float = Field(ge=0, le=100)
    last_year: float = Field(ge=0, le=100)
    difference: float | None = Field(default=None, description="As stated; checked.")


class ShareCount(Entry):
    """Children in one group and how many of them have a need (a Total row is checked)."""

    group: str
    children: int = Field(ge=0)
    with_need: int = Field(ge=0)
    percent: float | None = Field(default=None, description="As stated; checked.")

    @model_validator(mode="after")
    def _part_of_whole(self) -> ShareCount:
        if self.with_need > self.children:
            raise ValueError(
                f"with_need ({self.with_need}) cannot exceed children ({self.children})"
            )
        return self


class Dashboard(Block):
    """Section 3: local performance figures the service publishes (counts of children)."""

    year: str | None = Field(default=None, description="The year the figures cover.")
    previous_year: str | None = Field(default=None, description="The year compared with.")
    first_time_entrants: list[DisposalCount] = Field(
        default_factory=list, description="First time entrants by their first disposal."
    )
    reoffending: list[RateComparison] = Field(
        default_factory=list, description="Reoffending rates by group, this year and last."
    )
    need: str = Field(
        default="an education, health and care plan",
        description="What `shares` counts, completing 'children with ...'.",
    )
    shares: list[ShareCount] = Field(
        default_factory=list, description="Children with the need, by group (e.g. disposal)."
    )


# -- 5. Risks --------------------------------------------------------------------------------


class Risk(Entry):
    """One line of the risk register."""

    risk: str = Field(description="The risk or issue.")
    likelihood: Annotated[Level | None, BeforeValidator(_words)] = Field(
        default=None, description="low, medium or high."
    )
    impact: Annotated[Level | None, BeforeValidator(_words)] = Field(
        default=None, description="low, medium or high."
    )
    mitigations: Annotated[list[str], BeforeValidator(_as_list)] = Field(
        default_factory=list, description="Actions to mitigate, one item each."
    )
    owner: str | None = Field(default=None, description="Who owns the risk.")


class Risks(Block):
    """Section 5: the risk register (plan.yaml key ``register``)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, coerce_numbers_to_str=True, populate_by_name=True
    )
    # ``register`` would shadow a method every model inherits, so the field has another name.
    entries: list[Risk] = Field(default_factory=list, alias="register")


# -- 6. Child First --------------------------------------------------------------------------


class ChildFirst(Block):
    """Section 6: how the service meets each of the four Child First principles."""

    as_children: str | None = None
    building_pro_social_identity: str | None = None
    collaborating_with_children: str | None = None
    diverting_from_stigma: str | None = None


# -- 7. Resources ----------------------------------------------------------------------------


class Contribution(Entry):
    """One partner contribution behind a line of budget.csv, with what it pays for."""

    partner: str = Field(description="Who contributes, e.g. 'Cumbria Constabulary'.")
    agency: str = Field(description="The budget.csv line it belongs to, e.g. 'Police'.")
    column: BudgetColumn | None = Field(
        default=None, description="The budget.csv column it belongs to (default: the total)."
    )
    amount: float | None = Field(
        default=None, ge=0, description="The amount as stated; checked against budget.csv."
    )
    note: str | None = Field(default=None, description="What it pays for.")


class Resources(Block):
    """Section 7: detail behind the budget table."""

    contributions: list[Contribution] = Field(default_factory=list)
