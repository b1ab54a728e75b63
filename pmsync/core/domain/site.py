"""What a Jira site is like, as pmsync reads it: a project's issue types, the create screen
of one project and issue type (create metadata), and the verdicts ``pmsync doctor`` gives.

Every Jira site is configured differently; these values carry what a run or ``doctor``
learned about this one, so the pure checks (``pmsync.core.site``) can decide what fits.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from pmsync.core.domain.model import Frozen
from pmsync.core.domain.state import TicketState
from pmsync.errors import RemoteError

Verdict = Literal["ok", "warn", "fail"]


class IssueTypeRef(Frozen):
    id: str
    name: str


class ProjectInfo(Frozen):
    key: str
    name: str = ""
    team_managed: bool = False  # "next-gen": its issue types are its own


class ScreenField(Frozen):
    """One field of a create screen, as createmeta describes it."""

    id: str
    name: str
    required: bool = False
    has_default: bool = False
    operations: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()  # names (or values) of allowedValues, when listed
    schema_type: str = ""  # "string", "option", "array", "user", "priority", ...


class CreateScreen(Frozen):
    """The fields Jira accepts when creating an issue of ``issue_type`` in ``project``."""

    project: str
    issue_type: str
    fields: dict[str, ScreenField] = Field(default_factory=dict)

    def has(self, field_id: str) -> bool:
        return field_id in self.fields

    def field_named(self, name_or_id: str) -> ScreenField | None:
        """The field with this id, else the one with this name (names ignore case)."""
        if name_or_id in self.fields:
            return self.fields[name_or_id]
        folded = name_or_id.casefold()
        return next((f for f in self.fields.values() if f.name.casefold() == folded), None)


class Check(Frozen):
    """One line of ``pmsync doctor``: what was checked, how it went, and for a failure (or
    a warning) what to change."""

    area: Literal["github", "jira", "people"]
    name: str
    verdict: Verdict
    detail: str
    fix: str = ""

    def as_json(self) -> dict[str, Any]:
        return self.model_dump()


class Refusal(Frozen):
    """One thing Jira refused: a row whose ticket was not created, or a ticket not edited,
    with Jira's reason (per field where Jira gave one)."""

    subject: str  # "row 2 (Add an alert)", "OPS-12"
    reason: str


class TicketsRefused(RemoteError):
    """A bulk create Jira refused in part (or whole): the tickets it did create (``held``)
    and, per item id, why the others were not."""

    def __init__(
        self, path: str, detail: str, held: tuple[TicketState, ...], reasons: dict[str, str]
    ) -> None:
        super().__init__("jira", "POST", path, 400, detail)
        self.held = held
        self.reasons = reasons
