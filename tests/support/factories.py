"""Builders for domain and observed-state models, with sensible defaults.

Each builder takes keyword overrides, so a test names only what it is about:
``action_item(row=2, owner="carol")``, ``ticket("OPS-3", status_category="done")``.
``sync`` takes an observed state on to the one a `pmsync sync` leaves, without any I/O.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pmsync.core.domain import identity
from pmsync.core.domain.changes import Plan
from pmsync.core.domain.model import (
    ActionItem,
    ActionType,
    Finding,
    ParseResult,
    PostMortem,
    Priority,
)
from pmsync.core.domain.state import CommentState, IssueState, ObservedPostMortem, TicketState
from pmsync.core.planning.plan import PlanContext, plan
from pmsync.core.planning.simulate import Simulator
from pmsync.core.postmortem.lint import check_postmortem

REPO = "acme/payments"
NUMBER = 42
BOT = "pmsync[bot]"
JIRA = "https://jira.example.com"
INCIDENT = datetime(2026, 11, 20, 14, 2, tzinfo=UTC)
CREATED = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def action_item(**overrides: Any) -> ActionItem:
    row = overrides.get("row", 1)
    values: dict[str, Any] = {
        "row": row,
        "action": f"Add connection pool alert number {row}",
        "type": ActionType.DETECT,
        "priority": Priority.P1,
        "owner": "bob",
        "due": date(2026, 12, 1),
    }
    return ActionItem(**(values | overrides))


def action_items(count: int, **overrides: Any) -> tuple[ActionItem, ...]:
    return tuple(action_item(row=row, **overrides) for row in range(1, count + 1))


def postmortem(**overrides: Any) -> PostMortem:
    values: dict[str, Any] = {
        "title": "Payments DB connection pool exhausted",
        "incident_start": INCIDENT,
        "severity": 2,
        "services": ("payments-db",),
        "root_cause_category": "Capacity",
        "summary": "Checkout failed for 40 minutes.",
        "root_cause": "The pool was sized for last year's traffic.",
        "action_items": action_items(2),
    }
    return PostMortem(**(values | overrides))


def parse_result(
    pm: PostMortem | None = None,
    errors: tuple[Finding, ...] = (),
    warnings: tuple[Finding, ...] = (),
) -> ParseResult:
    if pm is None and not errors:
        pm = postmortem()
    return ParseResult(postmortem=pm, errors=errors, warnings=warnings)


def finding(level: str = "error", **overrides: Any) -> Finding:
    values: dict[str, Any] = {
        "level": level,
        "code": "missing-owner" if level == "error" else "vague-action",
        "field": "action_items",
        "row": 1,
        "message": "row 1 has no owner; write one person as @github-handle",
    }
    return Finding(**(values | overrides))


def issue(**overrides: Any) -> IssueState:
    repo = overrides.get("repo", REPO)
    number = overrides.get("number", NUMBER)
    values: dict[str, Any] = {
        "repo": repo,
        "number": number,
        "title": "Post-mortem: payments DB connection pool exhausted",
        "body": "### Summary\n\nCheckout failed.\n",
        "state": "open",
        "labels": ("postmortem",),
        "author": "alice",
        "author_association": "MEMBER",
        "created_at": CREATED,
        "updated_at": CREATED,
        "html_url": f"https://github.com/{repo}/issues/{number}",
    }
    return IssueState(**(values | overrides))


def comment(body: str, **overrides: Any) -> CommentState:
    values: dict[str, Any] = {
        "id": 1000,
        "author": BOT,
        "body": body,
        "created_at": CREATED,
        "updated_at": CREATED,
    }
    return CommentState(**(values | overrides))


def ticket(key: str = "OPS-1", **overrides: Any) -> TicketState:
    values: dict[str, Any] = {
        "key": key,
        "summary": "Add connection pool alert",
        "status": "To Do",
        "status_category": "new",
        "priority": "High",
        "assignee": "acc-bob",
        "due": date(2026, 12, 1),
        "labels": ("postmortem", identity.postmortem_label(REPO, NUMBER)),
        "created": CREATED,
        "updated": CREATED,
        "url": f"{JIRA}/browse/{key}",
    }
    return TicketState(**(values | overrides))


def observed(**overrides: Any) -> ObservedPostMortem:
    values: dict[str, Any] = {"issue": issue()}
    return ObservedPostMortem(**(values | overrides))


def sync(
    state: ObservedPostMortem, ctx: PlanContext, rounds: int = 4
) -> tuple[ObservedPostMortem, list[Plan]]:
    """One `pmsync sync` of one post-mortem in miniature: parse the body, plan, apply the
    plan to a simulated GitHub and Jira, again until the plan is empty; the state it leaves
    and the plans it applied."""
    simulator = Simulator(now=ctx.now, jira_url=JIRA)
    plans: list[Plan] = []
    for _ in range(rounds):
        parsed = check_postmortem(state.issue.body, None, ctx.config, title=state.issue.title)
        result = plan(state, parsed, ctx)
        if result.empty:
            return state, plans
        plans.append(result)
        state = simulator.apply_plan(result, state)
    raise AssertionError(f"the plan did not settle in {rounds} rounds:\n" + result.describe())
