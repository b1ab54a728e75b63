"""The domain model: what a post-mortem says, and what the parser found wrong with it.

Every model is frozen: the core passes values around, it never mutates them.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ActionType(StrEnum):
    PREVENT = "Prevent"
    DETECT = "Detect"
    MITIGATE = "Mitigate"
    PROCESS = "Process"


class Priority(StrEnum):
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"


class TimelineEntry(Frozen):
    """One line of the timeline: when (as written) and what happened."""

    time: str
    event: str


class ActionItem(Frozen):
    """One row of the action-item table (or one task-list line)."""

    row: int  # 1-based position in the table, as the author counts rows
    action: str
    type: ActionType
    priority: Priority
    owner: str  # GitHub handle without "@", or "org/team"
    owner_is_team: bool = False
    due: date  # spans such as "1 week" are resolved against the incident start
    ticket: str | None = None  # Jira key found in the Ticket column, if any


class PostMortem(Frozen):
    title: str = ""
    incident_start: datetime
    incident_end: datetime | None = None
    severity: int  # 1..4, from "SEV1".."SEV4"
    services: tuple[str, ...]
    root_cause_category: str
    summary: str
    impact: str = ""
    timeline: tuple[TimelineEntry, ...] = ()
    root_cause: str
    contributing_factors: str = ""
    went_well: str = ""
    could_improve: str = ""
    action_items: tuple[ActionItem, ...]
    lessons_learned: str = ""
    blameless: tuple[str, ...] = ()  # the checkbox labels that are ticked


class Finding(Frozen):
    """An error (stops ticket creation) or a warning (advice only) about a body."""

    level: Literal["error", "warning"]
    code: str  # stable identifier, e.g. "vague-action"; lint switches refer to it
    field: str  # form field id, e.g. "action_items"
    row: int | None = None
    message: str  # names the value found and what would be accepted


class ParseResult(Frozen):
    postmortem: PostMortem | None
    errors: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return self.postmortem is not None and not self.errors
