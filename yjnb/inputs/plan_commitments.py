"""plan.yaml's structured content for sections 8 to 14: what the service develops and commits to.

See :mod:`yjnb.inputs.plan_content` for the conventions (unknown keys refused, shorthand accepted).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from yjnb.inputs.plan_content import Block, Entry, _as_list, _text_as
from yjnb.inputs.plan_pages import ImageFile

# -- 8. Board development and 10. Evidence ----------------------------------------------------


class Activity(Entry):
    """A board development activity."""

    activity: str
    when: str | None = Field(default=None, description="When, e.g. 'January 2024'.")
    status: Literal["delivered", "planned"] = "planned"


class BoardDevelopment(Block):
    """Section 8: board development delivered and planned."""

    activities: list[Activity] = Field(default_factory=list)


class Initiative(Entry):
    """An evidence-based practice, innovation or evaluation."""

    name: str
    description: str | None = None
    evidence: str | None = Field(default=None, description="The evidence it rests on.")
    evaluation: str | None = Field(default=None, description="How and when it is evaluated.")


class Evidence(Block):
    """Section 10: evidence-based practice, innovation and evaluation."""

    initiatives: list[Initiative] = Field(default_factory=list)


# -- 9. Workforce ----------------------------------------------------------------------------


class Post(Entry):
    """Posts of one role with one funding partner."""

    role: str
    funded_by: str = Field(description="The partner paying for the posts, e.g. 'Police'.")
    contract: str | None = Field(default=None, description="e.g. permanent, seconded.")
    posts: int = Field(default=1, ge=0, description="Number of posts (headcount).")
    fte: float | None = Field(default=None, ge=0, description="Full-time equivalent.")

    @property
    def full_time_equivalent(self) -> float:
        """FTE as given, else one per post."""
        return float(self.posts) if self.fte is None else self.fte


class Training(Entry):
    """A training course delivered or planned."""

    course: str
    audience: str | None = Field(default=None, description="Who it is for.")
    attendees: int | None = Field(default=None, ge=0)


class Workforce(Block):
    """Section 9: staffing, volunteers and training."""

    staff: list[Post] = Field(default_factory=list)
    volunteers: int | None = Field(default=None, ge=0)
    training_delivered: list[Annotated[Training, _text_as("course")]] = Field(default_factory=list)
    training_planned: list[Annotated[Training, _text_as("course")]] = Field(default_factory=list)


# -- 11. Priorities --------------------------------------------------------------------------


class NationalPriority(Entry):
    """How the service addresses one national priority area."""

    context: str | None = Field(default=None, description="Where the service is now.")
    actions: Annotated[list[str], BeforeValidator(_as_list)] = Field(default_factory=list)


class NationalPriorities(Entry):
    """The YJB's national priority areas (keys in yjnb/plan_content.yaml)."""

    over_represented_children: NationalPriority | None = None
    policing: NationalPriority | None = None
    prevention: NationalPriority | None = None
    diversion: NationalPriority | None = None
    education: NationalPriority | None = None
    restorative_approaches_and_victims: NationalPriority | None = None
    serious_violence_and_exploitation: NationalPriority | None = None
    detention_in_police_custody: NationalPriority | None = None
    remands: NationalPriority | None = None
    custody_and_resettlement: NationalPriority | None = None
    working_with_families: NationalPriority | None = None


class LocalPriority(Entry):
    """A local priority for the coming year."""

    priority: str
    detail: str | None = None


class Priorities(Block):
    """Section 11: local priorities and the national priority areas."""

    local: list[Annotated[LocalPriority, _text_as("priority")]] = Field(default_factory=list)
    national: NationalPriorities = Field(default_factory=NationalPriorities)


# -- 13. Service development and 14. Sign off -------------------------------------------------


class PlannedAction(Entry):
    """An action for the coming year."""

    action: str
    lead: str | None = None
    by: str | None = Field(default=None, description="When, e.g. 'March 2025'.")


class Objective(Entry):
    """A service development objective and its actions."""

    title: str
    aim: str | None = None
    actions: list[Annotated[PlannedAction, _text_as("action")]] = Field(default_factory=list)


class ServiceDevelopment(Block):
    """Section 13: objectives for the coming year."""

    objectives: list[Objective] = Field(default_factory=list)


class SignOff(Block):
    """Section 14: who signed the plan off, and when."""

    name: str = Field(description="The chair of the management board.")
    role: str = Field(description="Their role, e.g. 'Assistant Director, Children and Families'.")
    organisation: str | None = None
    date: datetime.date = Field(description="Date signed, written 2024-06-30.")
    approved_by: str | None = Field(default=None, description="e.g. the management board.")
    submitted: datetime.date | None = Field(
        default=None, description="Date submitted to the Youth Justice Board."
    )
    signature: ImageFile | None = Field(
        default=None,
        description="Image of the chair's signature: a PNG, JPEG or SVG file in params/<slug>/.",
    )
